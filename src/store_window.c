/* What the rules over a brand's history read: its mentions counted per
 * window of creation time, its oldest mention, the latest ones behind an
 * alert, and the hosts it has been mentioned on. */
#include <sqlite3.h>
#include <string.h>

#include "store_int.h"

int
store_window_counts(struct store *s, const char *brand, int64_t from,
    int64_t width, size_t n, long *total, long *neg)
{
	sqlite3_stmt *st = store_prep(s, "SELECT (created - ?2) / ?3, count(*),"
	    " sum(label < 0) FROM mentions WHERE brand = ?1 AND created >= ?2"
	    " AND created < ?2 + ?3 * ?4 GROUP BY 1");
	int rc;

	memset(total, 0, n * sizeof *total);
	memset(neg, 0, n * sizeof *neg);
	if (!st)
		return -1;
	store_bind_text(st, 1, brand);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, width);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)n);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 k = sqlite3_column_int64(st, 0);

		if (k >= 0 && (size_t)k < n) {
			total[k] = (long)sqlite3_column_int64(st, 1);
			neg[k] = (long)sqlite3_column_int64(st, 2);
		}
	}
	store_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Steps st (its parameters bound) for one time and releases it: the time,
 * 0 when it is NULL (no rows matched), -1 on error. */
static int64_t
one_time(sqlite3_stmt *st)
{
	int64_t t = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	store_release(st);
	return t;
}

int64_t
store_first_mention(struct store *s, const char *brand)
{
	sqlite3_stmt *st = store_prep(s, "SELECT min(created) FROM mentions WHERE brand = ?");

	if (!st)
		return -1;
	store_bind_text(st, 1, brand);
	return one_time(st);
}

int
store_each_recent_mention(struct store *s, const char *brand, int64_t from,
    int64_t to, int neg_only, int limit,
    int (*fn)(const char *id, const char *json, void *ctx), void *ctx)
{
	sqlite3_stmt *st = store_prep(s, "SELECT id, json FROM mentions WHERE brand = ?1"
	    " AND created >= ?2 AND created < ?3 AND (?4 = 0 OR label < 0)"
	    " ORDER BY created DESC, rowid DESC LIMIT ?5");
	int rc, stop = 0;

	if (!st)
		return -1;
	store_bind_text(st, 1, brand);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int(st, 4, neg_only);
	sqlite3_bind_int(st, 5, limit);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), ctx);
	store_release(st);
	return stop || rc != SQLITE_DONE ? -1 : 0;
}

int64_t
store_last_alert(struct store *s, const char *brand, const char *kind)
{
	sqlite3_stmt *st = store_prep(s, "SELECT max(created) FROM alerts"
	    " WHERE brand = ? AND kind = ?");

	if (!st)
		return -1;
	store_bind_text(st, 1, brand);
	store_bind_text(st, 2, kind);
	return one_time(st);
}

int
store_add_source(struct store *s, const char *brand, const char *host, int64_t now)
{
	sqlite3_stmt *st = store_prep(s, "INSERT OR IGNORE INTO sources (brand, host,"
	    " first_seen) VALUES (?, ?, ?)");

	if (!st)
		return -1;
	store_bind_text(st, 1, brand);
	store_bind_text(st, 2, host);
	sqlite3_bind_int64(st, 3, now);
	if (store_done(s, st) < 0)
		return -1;
	return sqlite3_changes(s->db) ? 0 : 1;
}

int64_t
store_first_source(struct store *s, const char *brand)
{
	sqlite3_stmt *st = store_prep(s, "SELECT min(first_seen) FROM sources WHERE brand = ?");

	if (!st)
		return -1;
	store_bind_text(st, 1, brand);
	return one_time(st);
}
