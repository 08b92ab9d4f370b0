/* Seen items, the dedup state. Rows hold 64-bit hashes, not the texts:
 * every item of every full pass is looked up and most are inserted, and
 * with TEXT columns that was a third of a run's CPU (five b-trees keyed by
 * long strings). Rows are appended in the order seen (prune cuts the
 * oldest); the lookups read three small integer indexes alone, the one by
 * feed and id led by the feed so that a feed's items share pages.
 *
 * A false "seen" needs two different items with equal 64-bit hashes: at a
 * million items kept that is a chance of about 3e-8 (n^2 / 2^65), far
 * below the odds of a feed reusing a guid. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_int.h"
#include "util.h"

/* The unsigned hash as SQLite's signed 64-bit integer, without relying on
 * implementation-defined conversion. */
static int64_t
as_int64(uint64_t h)
{
	return h > INT64_MAX ? -(int64_t)(~h) - 1 : (int64_t)h;
}

static uint64_t
feed_hash(const char *feed)
{
	return hash64(feed, strlen(feed) + 1);
}

/* hash64(feed \0 id): continues the feed's hash, so one pass over each. */
static uint64_t
key_hash(uint64_t feed, const char *id)
{
	return hash64_more(feed, id, strlen(id));
}

static uint64_t
link_hash(const char *link)
{
	return hash64(link, strlen(link));
}

/* The pipeline's content hash is 16 hex digits of a hash64: stored as that
 * number. Anything else (never written by earshot) is hashed. */
static uint64_t
content_value(const char *hex)
{
	char *end;
	uint64_t h;

	if (strlen(hex) != 16)
		return hash64(hex, strlen(hex));
	h = strtoull(hex, &end, 16);
	return *end ? hash64(hex, strlen(hex)) : h;
}

static void
sql_hash(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const char *kind = sqlite3_user_data(cx); /* the name after "earshot_" */
	const char *a = (const char *)sqlite3_value_text(argv[0]);
	uint64_t h;

	if (!a) {
		sqlite3_result_null(cx);
		return;
	}
	if (argc == 2) {
		const char *b = (const char *)sqlite3_value_text(argv[1]);

		h = key_hash(feed_hash(a), b ? b : "");
	} else if (*kind == 'f')
		h = feed_hash(a);
	else if (*kind == 'l')
		h = link_hash(a);
	else
		h = content_value(a);
	sqlite3_result_int64(cx, as_int64(h));
}

int
store_items_functions(sqlite3 *db)
{
	static const struct { const char *name; int argc; } fn[] = {
		{ "earshot_key", 2 }, { "earshot_feed", 1 }, { "earshot_link", 1 },
		{ "earshot_content", 1 },
	};
	size_t i;

	for (i = 0; i < NELEM(fn); i++)
		if (sqlite3_create_function(db, fn[i].name, fn[i].argc,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)(fn[i].name + 8),
		    sql_hash, NULL, NULL) != SQLITE_OK)
			return -1;
	return 0;
}

/* Binds ?1 key, ?2 feed, ?3 link, ?4 content (NULL link or hash: NULL). */
static void
bind_item(sqlite3_stmt *st, const char *feed, const struct item *it,
    const char *content_hash)
{
	uint64_t fh = feed_hash(feed);

	sqlite3_bind_int64(st, 1, as_int64(key_hash(fh, it->id)));
	sqlite3_bind_int64(st, 2, as_int64(fh));
	if (it->link)
		sqlite3_bind_int64(st, 3, as_int64(link_hash(it->link)));
	else
		sqlite3_bind_null(st, 3);
	if (content_hash)
		sqlite3_bind_int64(st, 4, as_int64(content_value(content_hash)));
	else
		sqlite3_bind_null(st, 4);
}

/* 1 if sql with ?1 = v (and ?2 = feed, if it has a ?2) finds a row, 0 if
 * not, -1 on error. Three statements, not one with OR: each is then read
 * from its index alone and the next is skipped after a match (a MULTI-INDEX
 * OR cost 15% more). */
static int
probe(struct store *s, const char *sql, int64_t v, int64_t feed)
{
	sqlite3_stmt *st = store_prep(s, sql);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, v);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, feed);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_item_seen(struct store *s, const char *feed, const struct item *it,
    const char *content_hash)
{
	uint64_t fh = feed_hash(feed);
	int rc;

	/* Within one feed the id decides: review feeds (App Store) give every
	 * review the app's link. Across feeds the same link is the same post
	 * syndicated. A NULL link or hash compares equal to nothing. */
	rc = probe(s, "SELECT 1 FROM items WHERE feed = ?2 AND key = ?1",
	    as_int64(key_hash(fh, it->id)), as_int64(fh));
	if (rc == 0 && it->link)
		rc = probe(s, "SELECT 1 FROM items WHERE link = ?1 AND feed <> ?2 LIMIT 1",
		    as_int64(link_hash(it->link)), as_int64(fh));
	if (rc == 0 && content_hash)
		rc = probe(s, "SELECT 1 FROM items WHERE content = ?1 LIMIT 1",
		    as_int64(content_value(content_hash)), 0);
	return rc;
}

int
store_add_item(struct store *s, const char *feed, const struct item *it,
    const char *content_hash, int64_t now)
{
	sqlite3_stmt *st = store_prep(s, "INSERT OR IGNORE INTO items (key, feed, link,"
	    " content, seen) VALUES (?1, ?2, ?3, ?4, ?5)");

	if (!st)
		return -1;
	bind_item(st, feed, it, content_hash);
	sqlite3_bind_int64(st, 5, now);
	return store_done(s, st);
}
