/* The state database: opening and migrating it, feed state, seen items,
 * mentions, counts and retention. Alerts and the outbox are in
 * store_outbox.c. */
#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "store_int.h"
#include "log.h"
#include "util.h"

/* Forward-only migrations: entry i takes the schema from version i to i+1
 * (PRAGMA user_version). Never edit a released entry; append a new one. */
static const char *const migrations[] = {
	"CREATE TABLE feed_state ("
	"  feed TEXT PRIMARY KEY, last_attempt INTEGER, last_success INTEGER,"
	"  next_due INTEGER, failing_since INTEGER, http_status INTEGER,"
	"  failures INTEGER, etag TEXT, last_modified TEXT, last_error TEXT);"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY, feed TEXT NOT NULL, item_key TEXT NOT NULL,"
	"  link TEXT, content_hash TEXT, published INTEGER, seen INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX items_feed_key ON items(feed, item_key);"
	"CREATE INDEX items_link ON items(link) WHERE link IS NOT NULL;"
	"CREATE INDEX items_hash ON items(content_hash) WHERE content_hash IS NOT NULL;"
	"CREATE INDEX items_seen ON items(seen);"
	"CREATE TABLE mentions ("
	"  id TEXT PRIMARY KEY, brand TEXT NOT NULL, feed TEXT NOT NULL,"
	"  item_id TEXT, link TEXT, author TEXT, title TEXT, snippet TEXT,"
	"  published INTEGER, created INTEGER, compound REAL, label INTEGER,"
	"  aspects TEXT, reason TEXT, rating REAL, rating_scale REAL,"
	"  json TEXT NOT NULL, exported INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX mentions_brand_pub ON mentions(brand, published);"
	"CREATE INDEX mentions_pub ON mentions(published);"
	"CREATE INDEX mentions_unexported ON mentions(created) WHERE exported = 0;"
	"CREATE TABLE alerts ("
	"  id TEXT PRIMARY KEY, kind TEXT NOT NULL, brand TEXT, severity TEXT,"
	"  reason TEXT, created INTEGER NOT NULL, mention TEXT, json TEXT NOT NULL);"
	"CREATE INDEX alerts_created ON alerts(created);"
	"CREATE TABLE outbox ("
	"  alert TEXT NOT NULL, channel TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL DEFAULT 0, delivered INTEGER, last_error TEXT,"
	"  PRIMARY KEY (alert, channel));"
	"CREATE INDEX outbox_pending ON outbox(channel, next_try) WHERE delivered IS NULL;",
	/* 2: alerts held back by the webhook's hourly limit are marked
	 * delivered (they went out in a summary) but do not count as sent. */
	"ALTER TABLE outbox ADD COLUMN throttled INTEGER NOT NULL DEFAULT 0;",
	/* 3: the spike rules count a brand's mentions by creation time. */
	"CREATE INDEX mentions_brand_created ON mentions(brand, created);",
	/* 4: the hosts each brand has been mentioned on, for new_source. */
	"CREATE TABLE sources (brand TEXT NOT NULL, host TEXT NOT NULL,"
	"  first_seen INTEGER NOT NULL, PRIMARY KEY (brand, host));",
	/* 5: a brand's first source is looked up for every new mention; without
	 * this index that read every host the brand was ever seen on. */
	"CREATE INDEX sources_brand_first ON sources(brand, first_seen);",
	/* 6: pruning by retention at every run seeks the expired rows instead
	 * of reading every mention and every outbox row kept. */
	"CREATE INDEX mentions_exported_created ON mentions(created) WHERE exported = 1;"
	"CREATE INDEX outbox_delivered ON outbox(delivered) WHERE delivered IS NOT NULL;",
	/* 7: the summary counts every kept mention by brand and label at every
	 * run, 304s or not; this index covers that query, so it reads the
	 * index and not the rows (with their JSON). It replaces mentions_pub,
	 * its prefix. */
	"CREATE INDEX mentions_pub_counts ON mentions(published, brand, label, compound);"
	"DROP INDEX mentions_pub;",
	/* 8: seen items as 64-bit hashes (store_items.c says why), carried
	 * over in their order by the same hash functions in SQL. published
	 * was never read. */
	"CREATE TABLE items8 (id INTEGER PRIMARY KEY, key INTEGER NOT NULL,"
	"  feed INTEGER NOT NULL, link INTEGER, content INTEGER, seen INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX items_key ON items8(feed, key);"
	"INSERT OR IGNORE INTO items8 (key, feed, link, content, seen)"
	"  SELECT earshot_key(feed, item_key), earshot_feed(feed), earshot_link(link),"
	"  earshot_content(content_hash), seen FROM items ORDER BY id;"
	"DROP TABLE items;"
	"ALTER TABLE items8 RENAME TO items;"
	"CREATE INDEX items_link ON items(link, feed) WHERE link IS NOT NULL;"
	"CREATE INDEX items_content ON items(content) WHERE content IS NOT NULL;"
	/* No query reads mentions by brand and publication date (the digest
	 * and the counts use mentions_pub_counts, the alert rules
	 * mentions_brand_created): the index only cost every insert. */
	"DROP INDEX mentions_brand_pub;",
	/* 9: an item's key is its rowid (store_items.c says why); items are
	 * then no longer in the order seen, so pruning them reads the table,
	 * which meta's items_pruned spaces out (from now: a new database has
	 * nothing to prune). */
	"CREATE TABLE items9 (id INTEGER PRIMARY KEY, feed INTEGER NOT NULL,"
	"  link INTEGER, content INTEGER, seen INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO items9 SELECT earshot_rowid(feed, key), feed, link,"
	"  content, seen FROM items;"
	"DROP TABLE items;"
	"ALTER TABLE items9 RENAME TO items;"
	"CREATE INDEX items_link ON items(link, feed) WHERE link IS NOT NULL;"
	"CREATE INDEX items_content ON items(content) WHERE content IS NOT NULL;"
	"CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER) WITHOUT ROWID;"
	"INSERT INTO meta VALUES ('items_pruned', CAST(strftime('%s', 'now') AS INTEGER));",
	/* 10: where the match sits in its snippet, and the text matched, as
	 * columns: the digest read them out of each mention's JSON copy,
	 * parsing it at every run (more than half of reading a mention). */
	"ALTER TABLE mentions ADD COLUMN hl_start INTEGER;"
	"ALTER TABLE mentions ADD COLUMN hl_end INTEGER;"
	"ALTER TABLE mentions ADD COLUMN matched TEXT;"
	"UPDATE mentions SET hl_start = json_extract(json, '$.highlight[0]'),"
	"  hl_end = json_extract(json, '$.highlight[1]'), matched = json_extract(json, '$.matched');",
	/* 11: the mentions still to be written to mentions.jsonl are a table
	 * of their ids in the order they were recorded. Marking one written
	 * deletes a row of it, where it rewrote the mention's row, JSON and
	 * all: 3 MB of pages to sync after exporting 2,500 mentions. */
	"CREATE TABLE unexported (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);"
	"INSERT INTO unexported (id) SELECT id FROM mentions WHERE exported = 0"
	"  ORDER BY created, rowid;"
	"DROP INDEX mentions_unexported;"
	"DROP INDEX mentions_exported_created;"
	"ALTER TABLE mentions DROP COLUMN exported;"
	"CREATE INDEX mentions_created ON mentions(created);",
	/* 12: the link and content indexes hold the top 32 bits of each hash
	 * (a 4-byte integer), and a hit is checked against the row. Their
	 * cells were 8-byte hashes, the link's with the feed's beside it, and
	 * at 16,000 feeds the two no longer fitted the page cache: each
	 * insert landed on a page read back. A third smaller, they made a
	 * full pass of 16,000 feeds 18% faster. */
	"DROP INDEX items_link;"
	"DROP INDEX items_content;"
	"CREATE INDEX items_link ON items(link >> 32) WHERE link IS NOT NULL;"
	"CREATE INDEX items_content ON items(content >> 32) WHERE content IS NOT NULL;",
	/* 13: the two indexes become one table of (top 32 bits of a link or
	 * content hash, item), written sorted at the commit (store_items.c):
	 * an index took each new item's hashes at random pages, and at
	 * 16,000 feeds those inserts cost twice what they did at 4,000. */
	"CREATE TABLE xref (h INTEGER NOT NULL, item INTEGER NOT NULL,"
	"  PRIMARY KEY (h, item)) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO xref SELECT h, item FROM (SELECT link >> 32 AS h, id AS item"
	"  FROM items WHERE link IS NOT NULL UNION ALL SELECT content >> 32, id FROM items"
	"  WHERE content IS NOT NULL) ORDER BY h, item;"
	"DROP INDEX items_link;"
	"DROP INDEX items_content;",
	/* 14: the items' Bloom filter, kept from run to run (store_filter.c):
	 * built at each run, it read the whole items table first. */
	"CREATE TABLE filter (block INTEGER PRIMARY KEY, bits BLOB NOT NULL);",
};

const char *
store_error(struct store *s)
{
	return sqlite3_errmsg(s->db);
}

static int
exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The database's schema version (PRAGMA user_version), or -1 when it
 * cannot be read (sqlite3_errmsg says why). */
static int
schema_version(struct store *s)
{
	sqlite3_stmt *st;
	int version = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return version;
}

static int
migrate(struct store *s, char *err, size_t errlen)
{
	int version = schema_version(s);
	size_t v;

	if (version < 0)
		goto fail;
	if (version > (int)NELEM(migrations)) {
		errf(err, errlen, "%s: written by a newer earshot (schema %d, this one "
		    "knows %zu); upgrade earshot", s->path, version, NELEM(migrations));
		return -1;
	}
	if (version == (int)NELEM(migrations))
		return 0;
	/* All steps in one transaction: a failed step leaves the database as
	 * it was, and a new one's 13 commits were 4 of a first run's 11 ms
	 * of start. */
	if (exec(s, "BEGIN IMMEDIATE") < 0)
		goto fail;
	for (v = (size_t)version; v < NELEM(migrations); v++) {
		char pragma[64];

		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu", v + 1);
		if (exec(s, migrations[v]) < 0 || exec(s, pragma) < 0) {
			/* The reason, before ROLLBACK replaces it. */
			errf(err, errlen, "%s: cannot migrate to schema %zu: %s", s->path,
			    v + 1, sqlite3_errmsg(s->db));
			exec(s, "ROLLBACK");
			return -1;
		}
	}
	if (exec(s, "COMMIT") < 0)
		goto fail;
	return 0;
fail:
	errf(err, errlen, "%s: cannot set up the database: %s", s->path,
	    sqlite3_errmsg(s->db));
	return -1;
}

/* Allocates s and opens dir/earshot.db with flags. NULL with err set. */
static struct store *
open_db(const char *dir, int flags, char *err, size_t errlen)
{
	struct store *s = calloc(1, sizeof *s);
	size_t n = strlen(dir) + sizeof "/earshot.db";

	if (!s || !(s->path = malloc(n))) {
		free(s);
		errf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(s->path, n, "%s/earshot.db", dir);
	/* A connection is used by one thread at a time, and Debian's SQLite
	 * is built without lookaside, so every statement mallocs: the global
	 * memory-statistics mutex and the connection's own mutex were a lock
	 * pair per allocation for nothing. MEMSTATUS can only change before
	 * SQLite initialises; later calls fail harmlessly. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		errf(err, errlen, "%s: cannot open: %s", s->path,
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 10000);
	return s;
}

struct checkpointer {
	const char *path;
	pthread_t t;
	int rc;
	atomic_int done;
};

/* WAL pages after which a commit starts a checkpoint (see store_open). */
#define WAL_CHECKPOINT_PAGES 4096

static void *
checkpoint_main(void *arg)
{
	struct checkpointer *k = arg;
	sqlite3 *db = NULL;

	/* A new connection knows the database is in WAL mode only once it has
	 * read it; until then a checkpoint is a no-op. */
	k->rc = sqlite3_open_v2(k->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (k->rc == SQLITE_OK)
		k->rc = sqlite3_busy_timeout(db, 10000);
	if (k->rc == SQLITE_OK)
		k->rc = sqlite3_exec(db, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL, NULL);
	if (k->rc == SQLITE_OK)
		k->rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	sqlite3_close(db);
	atomic_store(&k->done, 1);
	return NULL;
}

void
store_checkpoint_start(struct store *s)
{
	struct checkpointer *k;

	if (s->ckpt || !(k = calloc(1, sizeof *k)))
		return;
	k->path = s->path;
	if (pthread_create(&k->t, NULL, checkpoint_main, k) != 0) {
		free(k);
		return;
	}
	s->ckpt = k;
}

/* Waits for store_checkpoint_start's checkpoint; 0, or -1 if it failed. */
static int
checkpoint_join(struct store *s)
{
	struct checkpointer *k = s->ckpt;
	int rc;

	if (!k)
		return 0;
	pthread_join(k->t, NULL);
	rc = k->rc;
	free(k);
	s->ckpt = NULL;
	if (rc != SQLITE_OK) {
		log_error("%s: %s", s->path, sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

/* SQLite's hook after each commit, in place of its own checkpointing:
 * each WAL_CHECKPOINT_PAGES the WAL grows, a checkpoint starts beside the
 * writer, once the one before it (if any) has finished. Growth, not size:
 * while a reader keeps the WAL from restarting, every commit would start
 * one, and their syncs held up delivery's (0.18 -> 0.50 s at 4,000 feeds). */
static int
on_wal(void *ctx, sqlite3 *db, const char *name, int pages)
{
	struct store *s = ctx;

	(void)db;
	(void)name;
	if (pages < s->ckpt_pages)
		s->ckpt_pages = 0;     /* the WAL started again */
	if (pages - s->ckpt_pages < WAL_CHECKPOINT_PAGES)
		return SQLITE_OK;
	if (s->ckpt && atomic_load(&s->ckpt->done))
		checkpoint_join(s);
	if (!s->ckpt) {
		store_checkpoint_start(s);
		s->ckpt_pages = pages;
	}
	return SQLITE_OK;
}

struct store *
store_open_reader(const char *dir, char *err, size_t errlen)
{
	struct store *s = open_db(dir, SQLITE_OPEN_READONLY, err, errlen);
	int version = -1;

	if (!s)
		return NULL;
	if (exec(s, "PRAGMA cache_size = -4096; PRAGMA temp_store = MEMORY;") < 0 ||
	    (version = schema_version(s)) != (int)NELEM(migrations)) {
		if (version >= 0)
			errf(err, errlen, "%s: schema %d, not %zu: run earshot once to "
			    "update it", s->path, version, NELEM(migrations));
		else
			errf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	return s;
}

struct store *
store_open(const char *dir, char *err, size_t errlen)
{
	struct store *s = open_db(dir, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, errlen);

	if (!s)
		return NULL;
	/* WAL + NORMAL: a crash (even SIGKILL) never corrupts the database and
	 * loses at most the transaction in flight; busy_timeout covers a reader
	 * such as `earshot alerts` running beside a run. A new database gets 16
	 * KiB pages (an existing one keeps its size): fewer splits and
	 * shallower b-trees for the items' inserts. 8 KiB against SQLite's 4
	 * saved 2% of a 1,000-feed pass; 16 against 8, 4% of a 16,000-feed one;
	 * 32 KiB gained nothing more. Checkpoints once a commit leaves 4,096
	 * pages of WAL (64 MiB of 16 KiB pages, not SQLite's 1,000), on a
	 * thread of their own (on_wal): each is two fsyncs, which in the
	 * committing thread held up the pass (at 16,000 feeds, four times). The
	 * page cache was 64 MiB for the dedup indexes' random inserts; since
	 * schema 13 xref is written sorted, and 32 MiB cost a 16,000-feed pass
	 * no more time (3.23 against 3.19 s) and paid for holding xref's rows
	 * to the commit (store_items.c), which saved it 0.3 s. An existing
	 * page is read back from the OS's cache. store_shrink_cache gives it
	 * back before the digest, which needs the memory. */
	if (exec(s, "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
	    "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;") < 0) {
		errf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	sqlite3_wal_hook(s->db, on_wal, s);
	if (store_items_functions(s->db) < 0 || migrate(s, err, errlen) < 0) {
		store_close(s);
		return NULL;
	}
	if (store_items_repair(s) < 0) {
		errf(err, errlen, "%s: cannot record the last run's items for the "
		    "cross-feed rules: %s", s->path, sqlite3_errmsg(s->db));
		store_close(s);
		return NULL;
	}
	return s;
}

struct store *
store_open_existing(const char *dir, char *err, size_t errlen)
{
	struct buf path = {0};
	struct stat sb;
	int exists;

	buf_printf(&path, "%s/earshot.db", dir);
	exists = path.data && stat(path.data, &sb) == 0;
	buf_free(&path);
	errf(err, errlen, "%s", "");
	return exists ? store_open(dir, err, errlen) : NULL;
}

void
store_close(struct store *s)
{
	size_t i;

	if (!s)
		return;
	checkpoint_join(s);
	for (i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	store_items_close(s);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int store_begin(struct store *s) { return exec(s, "BEGIN IMMEDIATE"); }

/* A commit takes the items' pending cross-feed hashes with it. */
int
store_commit(struct store *s)
{
	return store_items_flush(s) < 0 ? -1 : exec(s, "COMMIT");
}

void
store_rollback(struct store *s)
{
	s->batch_start.tv_sec = 0;
	store_items_discard(s);
	store_filter_rollback(s);
	if (!sqlite3_get_autocommit(s->db))
		exec(s, "ROLLBACK");
}

/* Four seconds of feeds per commit: 1,000 feeds of 50 items wrote 240 MB
 * of WAL for a 14 MB database with one commit per feed, and on a large
 * history each commit rewrites pages all over the dedup indexes (a new
 * item's link and content hashes land on random pages), so fewer commits
 * write less: 16,000 feeds spent 8.2 s in the store with a commit a
 * second, 6.1 s with one every four. A crash loses at most this much
 * finished work, which the next run redoes (the feeds' ETags are in the
 * same batch). */
#define STORE_BATCH_MS 4000

int
store_batch_begin(struct store *s)
{
	if (s->batch_start.tv_sec)
		return 0;
	if (store_begin(s) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &s->batch_start);
	return 0;
}

int
store_batch_end(struct store *s, int force)
{
	struct timespec now;

	if (!s->batch_start.tv_sec)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec - s->batch_start.tv_sec) * 1000 +
	    (now.tv_nsec - s->batch_start.tv_nsec) / 1000000 < STORE_BATCH_MS)
		return 0;
	s->batch_start.tv_sec = 0;
	return store_items_carry(s) < 0 ? -1 : store_commit(s);
}

int
store_batch_end_deferred(struct store *s)
{
	if (!s->batch_start.tv_sec)
		return 0;
	s->batch_start.tv_sec = 0;
	return store_items_defer(s) < 0 ? -1 : store_commit(s);
}

int store_write_deferred(struct store *s) { return store_items_write_deferred(s); }

/* Statements are prepared once per connection and kept: preparing was a
 * third of a large run's time. The SQL texts are string literals at fixed
 * call sites, so the pointer identifies the statement. */
sqlite3_stmt *
store_prep(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql)
			return s->cache[i].st;
	if (s->ncache == NELEM(s->cache)) {
		log_error("%s: more than %zu distinct statements", s->path, NELEM(s->cache));
		return NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
		return NULL;
	}
	s->cache[s->ncache].sql = sql;
	s->cache[s->ncache++].st = st;
	return st;
}

void
store_release(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Steps a statement that returns no rows, finalises it. 0 or -1. */
int
store_done(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	store_release(st);
	if (rc != SQLITE_DONE) {
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
store_int64(struct store *s, const char *sql, int64_t *v)
{
	sqlite3_stmt *st = store_prep(s, sql);
	int rc;

	if (!st)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
	store_release(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

char *
store_col_text(sqlite3_stmt *st, int i)
{
	return xstrdup((const char *)sqlite3_column_text(st, i));
}

#define FEED_STATE_COLUMNS "last_attempt, last_success, next_due, failing_since," \
	" http_status, failures, etag, last_modified, last_error, rowid"

/* The state in st's row, its columns from FEED_STATE_COLUMNS at first. */
static void
read_state(sqlite3_stmt *st, int first, struct feed_state *fs)
{
	fs->last_attempt = sqlite3_column_int64(st, first);
	fs->last_success = sqlite3_column_int64(st, first + 1);
	fs->next_due = sqlite3_column_int64(st, first + 2);
	fs->failing_since = sqlite3_column_int64(st, first + 3);
	fs->http_status = (long)sqlite3_column_int64(st, first + 4);
	fs->failures = (unsigned)sqlite3_column_int64(st, first + 5);
	fs->etag = store_col_text(st, first + 6);
	fs->last_modified = store_col_text(st, first + 7);
	fs->last_error = store_col_text(st, first + 8);
	fs->row = sqlite3_column_int64(st, first + 9);
}

int
store_feed_state(struct store *s, const char *feed, struct feed_state *fs)
{
	sqlite3_stmt *st = store_prep(s, "SELECT " FEED_STATE_COLUMNS
	    " FROM feed_state WHERE feed = ?");
	int rc;

	memset(fs, 0, sizeof *fs);
	if (!st)
		return -1;
	store_bind_text(st, 1, feed);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		read_state(st, 0, fs);
	store_release(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_each_feed_state(struct store *s,
    void (*fn)(const char *feed, struct feed_state *st, void *ctx), void *ctx)
{
	sqlite3_stmt *st = store_prep(s, "SELECT feed, " FEED_STATE_COLUMNS
	    " FROM feed_state ORDER BY feed");
	struct feed_state fs;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&fs, 0, sizeof fs);
		read_state(st, 1, &fs);
		fn((const char *)sqlite3_column_text(st, 0), &fs, ctx);
	}
	store_release(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Binds feed as ?1 and its state as ?2 to ?10, in the order of
 * FEED_STATE_COLUMNS (whose last, rowid, is not bound). */
static void
bind_state(sqlite3_stmt *st, const char *feed, const struct feed_state *fs)
{
	store_bind_text(st, 1, feed);
	sqlite3_bind_int64(st, 2, fs->last_attempt);
	sqlite3_bind_int64(st, 3, fs->last_success);
	sqlite3_bind_int64(st, 4, fs->next_due);
	sqlite3_bind_int64(st, 5, fs->failing_since);
	sqlite3_bind_int64(st, 6, fs->http_status);
	sqlite3_bind_int64(st, 7, fs->failures);
	store_bind_text(st, 8, fs->etag);
	store_bind_text(st, 9, fs->last_modified);
	store_bind_text(st, 10, fs->last_error);
}

int
store_save_feed_state(struct store *s, const char *feed, const struct feed_state *fs)
{
	sqlite3_stmt *st;

	/* The row it was read from, when it still holds this feed: one
	 * b-tree to go through, where the upsert goes through the name's
	 * index too (in a pass of 16,000 feeds where nothing had changed,
	 * the upserts took 177 M instructions, these 121 M). */
	if (fs->row) {
		if (!(st = store_prep(s, "UPDATE feed_state SET"
		    " last_attempt = ?2, last_success = ?3, next_due = ?4,"
		    " failing_since = ?5, http_status = ?6, failures = ?7, etag = ?8,"
		    " last_modified = ?9, last_error = ?10 WHERE rowid = ?11 AND feed = ?1")))
			return -1;
		bind_state(st, feed, fs);
		sqlite3_bind_int64(st, 11, fs->row);
		if (store_done(s, st) < 0)
			return -1;
		if (sqlite3_changes(s->db) == 1)
			return 0;
	}
	/* An upsert updates the row in place; REPLACE deleted it and
	 * inserted it again, in the table and in its key's index. */
	if (!(st = store_prep(s, "INSERT INTO feed_state (feed,"
	    " last_attempt, last_success, next_due, failing_since, http_status,"
	    " failures, etag, last_modified, last_error)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed) DO UPDATE SET"
	    " last_attempt = excluded.last_attempt, last_success = excluded.last_success,"
	    " next_due = excluded.next_due, failing_since = excluded.failing_since,"
	    " http_status = excluded.http_status, failures = excluded.failures,"
	    " etag = excluded.etag, last_modified = excluded.last_modified,"
	    " last_error = excluded.last_error")))
		return -1;
	bind_state(st, feed, fs);
	return store_done(s, st);
}

int
store_add_mention(struct store *s, const struct mention *m, const char *json)
{
	sqlite3_stmt *st = store_prep(s, "INSERT OR IGNORE INTO mentions (id, brand, feed,"
	    " item_id, link, author, title, snippet, published, created, compound,"
	    " label, aspects, reason, rating, rating_scale, json, hl_start, hl_end, matched)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

	if (!st)
		return -1;
	store_bind_text(st, 1, m->id);
	store_bind_text(st, 2, m->brand);
	store_bind_text(st, 3, m->feed);
	store_bind_text(st, 4, m->item_id);
	store_bind_text(st, 5, m->link);
	store_bind_text(st, 6, m->author);
	store_bind_text(st, 7, m->title);
	store_bind_text(st, 8, m->snippet);
	sqlite3_bind_int64(st, 9, m->published);
	sqlite3_bind_int64(st, 10, m->created);
	sqlite3_bind_double(st, 11, m->compound);
	sqlite3_bind_int(st, 12, m->label);
	store_bind_text(st, 13, m->aspects);
	store_bind_text(st, 14, m->reason);
	if (m->rating >= 0) {
		sqlite3_bind_double(st, 15, m->rating);
		sqlite3_bind_double(st, 16, m->rating_scale);
	}
	store_bind_text(st, 17, json);
	sqlite3_bind_int64(st, 18, (sqlite3_int64)m->hl_start);
	sqlite3_bind_int64(st, 19, (sqlite3_int64)m->hl_end);
	store_bind_text(st, 20, m->matched);
	if (store_done(s, st) < 0)
		return -1;
	if (!sqlite3_changes(s->db))
		return 1;
	if (!(st = store_prep(s, "INSERT INTO unexported (id) VALUES (?)")))
		return -1;
	store_bind_text(st, 1, m->id);
	return store_done(s, st);
}

int
store_each_unexported_mention(struct store *s,
    int (*fn)(const char *id, const char *json, void *ctx), void *ctx)
{
	sqlite3_stmt *st = store_prep(s, "SELECT m.id, m.json FROM unexported u"
	    " JOIN mentions m ON m.id = u.id ORDER BY u.seq");
	int rc, stop = 0;

	if (!st)
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), ctx);
	store_release(st);
	return stop ? -1 : 0;
}

int
store_mark_mention_exported(struct store *s, const char *id)
{
	sqlite3_stmt *st = store_prep(s, "DELETE FROM unexported WHERE id = ?");

	if (!st)
		return -1;
	store_bind_text(st, 1, id);
	return store_done(s, st);
}

static int
cmp_counts(const void *a, const void *b)
{
	return strcmp(((const struct brand_counts *)a)->brand,
	    ((const struct brand_counts *)b)->brand);
}

/* The brands seen so far, found by hash: slot[] holds index + 1 into the
 * counts, 0 for empty; cap is a power of two at least twice n. */
struct count_table {
	struct brand_counts *v;
	long n, nalloc;
	size_t *slot, cap;
};

static struct brand_counts *
count_slot(struct count_table *t, const char *brand, size_t len)
{
	size_t h, i;

	if ((size_t)t->n * 2 >= t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64, *ns = calloc(cap, sizeof *ns);
		long k;

		if (!ns)
			return NULL;
		for (k = 0; k < t->n; k++) {
			for (h = hash64(t->v[k].brand, strlen(t->v[k].brand)) & (cap - 1); ns[h];
			    h = (h + 1) & (cap - 1))
				;
			ns[h] = (size_t)k + 1;
		}
		free(t->slot);
		t->slot = ns;
		t->cap = cap;
	}
	for (h = hash64(brand, len) & (t->cap - 1); (i = t->slot[h]); h = (h + 1) & (t->cap - 1))
		if (!strcmp(t->v[i - 1].brand, brand))
			return &t->v[i - 1];
	if (t->n == t->nalloc) {
		long na = t->nalloc ? 2 * t->nalloc : 16;
		struct brand_counts *nv = realloc(t->v, (size_t)na * sizeof *nv);

		if (!nv)
			return NULL;
		t->v = nv;
		t->nalloc = na;
	}
	memset(&t->v[t->n], 0, sizeof *t->v);
	if (!(t->v[t->n].brand = xstrndup(brand, len)))
		return NULL;
	t->slot[h] = (size_t)++t->n;
	return &t->v[t->n - 1];
}

/* Summed here rather than by GROUP BY: the covering index is in
 * publication order, and SQLite sorted every kept mention by brand to
 * group them (4,600 instructions a row, at every run, 304s or not). */
long
store_counts(struct store *s, int64_t from, int64_t to, struct brand_counts **out)
{
	sqlite3_stmt *st = store_prep(s, "SELECT brand, label, compound FROM mentions"
	    " WHERE published >= ? AND published < ?");
	struct count_table t = {0};
	struct brand_counts *c;
	int rc;

	*out = NULL;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *brand = (const char *)sqlite3_column_text(st, 0);
		int64_t label;

		if (!brand)
			continue;
		if (!(c = count_slot(&t, brand, (size_t)sqlite3_column_bytes(st, 0)))) {
			rc = SQLITE_NOMEM;
			break;
		}
		c->total++;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			label = sqlite3_column_int64(st, 1);
			c->pos += label > 0;
			c->neu += label == 0;
			c->neg += label < 0;
		}
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			c->compound_sum += sqlite3_column_double(st, 2);
	}
	store_release(st);
	free(t.slot);
	if (rc != SQLITE_DONE) {
		store_counts_free(t.v, t.n);
		return -1;
	}
	if (t.n)
		qsort(t.v, (size_t)t.n, sizeof *t.v, cmp_counts);
	*out = t.v;
	return t.n;
}

void
store_counts_free(struct brand_counts *c, long n)
{
	long i;

	for (i = 0; i < n; i++)
		free(c[i].brand);
	free(c);
}

int
store_checkpoint(struct store *s)
{
	int rc = checkpoint_join(s);

	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
	    NULL) != SQLITE_OK) {
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return rc;
}

int
store_shrink_cache(struct store *s)
{
	if (exec(s, "PRAGMA cache_size = -4096") < 0)
		return -1;
	sqlite3_db_release_memory(s->db);
#ifdef __GLIBC__
	/* The pages go back to the system, not only to this thread's malloc
	 * arena: the digest, on a thread of its own, allocates from another
	 * (a 16,000-feed run peaked at 169 MiB without this, 119 with). */
	malloc_trim(0);
#endif
	return 0;
}

/* How often the items table is read through for expired items: items
 * are kept by the day, and reading 800,000 rows at every run would be
 * most of a run where every feed answers 304. */
#define ITEMS_PRUNE_EVERY 3600

/* Deletes the xref rows of the items first seen before cut, each by its
 * key: one DELETE with IN over them read the whole of xref. 0 or -1. */
static int
prune_xref(struct store *s, int64_t cut)
{
	sqlite3_stmt *st = store_prep(s, "SELECT link >> 32, content >> 32, id FROM items"
	    " WHERE seen < ?1"), *del;
	int rc, col;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cut);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (col = 0; col < 2; col++) {
			if (sqlite3_column_type(st, col) == SQLITE_NULL)
				continue;
			if (!(del = store_prep(s, "DELETE FROM xref WHERE h = ?1 AND item = ?2"))) {
				store_release(st);
				return -1;
			}
			sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, col));
			sqlite3_bind_int64(del, 2, sqlite3_column_int64(st, 2));
			if (store_done(s, del) < 0) {
				store_release(st);
				return -1;
			}
		}
	}
	store_release(st);
	if (rc != SQLITE_DONE) {
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

/* Deletes the items first seen before cut, unless that was done less than
 * ITEMS_PRUNE_EVERY ago (or the clock stepped back since). 0 or -1. */
static int
prune_items(struct store *s, int64_t cut, int64_t now)
{
	sqlite3_stmt *st;
	int64_t last;
	int had = store_int64(s, "SELECT value FROM meta WHERE name = 'items_pruned'", &last);

	if (had < 0)
		return -1;
	if (had && now >= last && now - last < ITEMS_PRUNE_EVERY)
		return 0;
	if (prune_xref(s, cut) < 0 ||
	    !(st = store_prep(s, "DELETE FROM items WHERE seen < ?1")))
		return -1;
	sqlite3_bind_int64(st, 1, cut);
	if (store_done(s, st) < 0 ||
	    !(st = store_prep(s, "INSERT OR REPLACE INTO meta VALUES ('items_pruned', ?1)")))
		return -1;
	sqlite3_bind_int64(st, 1, now);
	return store_done(s, st);
}

int
store_prune(struct store *s, long keep_days, int64_t now)
{
	int64_t cut = now - (int64_t)keep_days * 86400;
	sqlite3_stmt *st;
	static const char *const sql[] = {
		"DELETE FROM mentions WHERE created < ? AND id NOT IN (SELECT id FROM unexported)",
		/* Only alerts every channel has delivered; pending ones stay. */
		"DELETE FROM alerts WHERE created < ?1 AND NOT EXISTS (SELECT 1 FROM"
		" outbox WHERE alert = alerts.id AND delivered IS NULL)",
		"DELETE FROM outbox WHERE delivered IS NOT NULL AND delivered < ?",
	};
	size_t i;

	if (prune_items(s, cut, now) < 0)
		return -1;
	for (i = 0; i < NELEM(sql); i++) {
		if (!(st = store_prep(s, sql[i])))
			return -1;
		sqlite3_bind_int64(st, 1, cut);
		if (store_done(s, st) < 0)
			return -1;
	}
	return 0;
}
