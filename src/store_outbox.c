/* The alerts and the delivery outbox: one row per alert and channel, kept
 * until delivered (or throttled), retried with backoff meanwhile. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "store_int.h"

int
store_add_alert(struct store *s, const struct alert *a, const char *mention_id,
    const char *const *channels)
{
	sqlite3_stmt *st = store_prep(s, "INSERT OR IGNORE INTO alerts (id, kind, brand,"
	    " severity, reason, created, mention, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

	if (!st)
		return -1;
	store_bind_text(st, 1, a->id);
	store_bind_text(st, 2, a->kind);
	store_bind_text(st, 3, a->brand);
	store_bind_text(st, 4, a->severity);
	store_bind_text(st, 5, a->reason);
	sqlite3_bind_int64(st, 6, a->created);
	store_bind_text(st, 7, mention_id);
	store_bind_text(st, 8, a->json);
	if (store_done(s, st) < 0)
		return -1;
	if (!sqlite3_changes(s->db))
		return 1;
	for (; *channels; channels++) {
		if (!(st = store_prep(s, "INSERT OR IGNORE INTO outbox (alert, channel) VALUES (?, ?)")))
			return -1;
		store_bind_text(st, 1, a->id);
		store_bind_text(st, 2, *channels);
		if (store_done(s, st) < 0)
			return -1;
	}
	return 0;
}

int
store_each_pending(struct store *s, const char *channel, int64_t now,
    int (*fn)(const char *, const char *, const char *, unsigned, void *), void *ctx)
{
	sqlite3_stmt *st = store_prep(s, "SELECT a.id, a.brand, a.json, o.attempts"
	    " FROM outbox o JOIN alerts a ON a.id = o.alert"
	    " WHERE o.channel = ? AND o.delivered IS NULL AND o.next_try <= ?"
	    " ORDER BY a.created, a.rowid");
	int stop = 0;

	if (!st)
		return -1;
	store_bind_text(st, 1, channel);
	sqlite3_bind_int64(st, 2, now);
	while (!stop && sqlite3_step(st) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (unsigned)sqlite3_column_int(st, 3), ctx);
	store_release(st);
	return stop ? -1 : 0;
}

/* Marks one outbox row done with sql, whose parameters are the time, the
 * alert and the channel. */
static int
mark_done(struct store *s, const char *sql, const char *alert_id, const char *channel,
    int64_t now)
{
	sqlite3_stmt *st = store_prep(s, sql);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, alert_id);
	store_bind_text(st, 3, channel);
	return store_done(s, st);
}

int
store_mark_delivered(struct store *s, const char *alert_id, const char *channel,
    int64_t now)
{
	return mark_done(s, "UPDATE outbox SET delivered = ?, attempts = attempts + 1,"
	    " last_error = NULL WHERE alert = ? AND channel = ?", alert_id, channel, now);
}

int
store_mark_throttled(struct store *s, const char *alert_id, const char *channel,
    int64_t now)
{
	return mark_done(s, "UPDATE outbox SET delivered = ?, throttled = 1,"
	    " attempts = attempts + 1, last_error = NULL WHERE alert = ? AND channel = ?",
	    alert_id, channel, now);
}

long
store_count_sent(struct store *s, const char *channel, const char *brand, int64_t since)
{
	sqlite3_stmt *st = store_prep(s, "SELECT count(*) FROM outbox o JOIN alerts a"
	    " ON a.id = o.alert WHERE o.channel = ? AND a.brand = ? AND o.throttled = 0"
	    " AND o.delivered >= ?");
	long n = -1;

	if (!st)
		return -1;
	store_bind_text(st, 1, channel);
	store_bind_text(st, 2, brand);
	sqlite3_bind_int64(st, 3, since);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
	store_release(st);
	return n;
}

int
store_mark_failed(struct store *s, const char *alert_id, const char *channel,
    int64_t next_try, const char *error)
{
	sqlite3_stmt *st = store_prep(s, "UPDATE outbox SET attempts = attempts + 1,"
	    " next_try = ?, last_error = ? WHERE alert = ? AND channel = ?");

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, next_try);
	store_bind_text(st, 2, error);
	store_bind_text(st, 3, alert_id);
	store_bind_text(st, 4, channel);
	return store_done(s, st);
}

int
store_each_alert(struct store *s, int64_t since, const char *brand, const char *kind,
    int (*fn)(const char *json, void *ctx), void *ctx)
{
	sqlite3_stmt *st = store_prep(s, "SELECT json FROM alerts WHERE created >= ?1"
	    " AND (?2 IS NULL OR brand = ?2) AND (?3 IS NULL OR kind = ?3)"
	    " ORDER BY created DESC, rowid DESC");
	int stop = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	store_bind_text(st, 2, brand);
	store_bind_text(st, 3, kind);
	while (!stop && sqlite3_step(st) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(st, 0), ctx);
	store_release(st);
	return stop ? -1 : 0;
}
