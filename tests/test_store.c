/* The state database: schema, feed state, dedup, mentions, the outbox,
 * counts, retention. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"
#include "test.h"

static char dir[] = "/tmp/earshot-store-XXXXXX";

/* Takes a database of schema 14 back to 10: no filter, the items' link
 * and content indexes on the whole hashes in place of xref, and the
 * export state a column of the mentions again, with its two indexes. */
#define BACK_TO_10 \
	"DROP TABLE filter; DELETE FROM meta WHERE name LIKE 'filter_%';" \
	"DROP TABLE xref;" \
	"CREATE INDEX items_link ON items(link, feed) WHERE link IS NOT NULL;" \
	"CREATE INDEX items_content ON items(content) WHERE content IS NOT NULL;" \
	"ALTER TABLE mentions ADD COLUMN exported INTEGER NOT NULL DEFAULT 1;" \
	"UPDATE mentions SET exported = 0 WHERE id IN (SELECT id FROM unexported);" \
	"DROP TABLE unexported; DROP INDEX mentions_created;" \
	"CREATE INDEX mentions_unexported ON mentions(created) WHERE exported = 0;" \
	"CREATE INDEX mentions_exported_created ON mentions(created) WHERE exported = 1;" \
	"PRAGMA user_version = 10;"

/* The test database opened directly and taken back to schema 10, for a
 * test to take further back or fill as an older earshot would. */
static sqlite3 *
open_at_10(void)
{
	char path[512];
	sqlite3 *db = NULL;

	snprintf(path, sizeof path, "%s/earshot.db", dir);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, BACK_TO_10, NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static struct item
mkitem(const char *id, const char *link)
{
	struct item it;

	item_init(&it);
	it.id = (char *)id;
	it.link = (char *)link;
	return it;
}

/* The keys of item it of feed, with content (16 hex digits, or NULL for
 * none) standing for the hash of its title and text. */
static struct item_keys
keys(const char *feed, const struct item *it, const char *content)
{
	struct item_keys k;

	store_item_keys(feed, it, &k);
	k.content = content ? strtoull(content, NULL, 16) : 0;
	return k;
}

static int
seen(struct store *s, const char *feed, const struct item *it, const char *content)
{
	struct item_keys k = keys(feed, it, content);

	return store_item_seen(s, &k);
}

static int
add(struct store *s, const char *feed, const struct item *it, const char *content,
    int64_t now)
{
	struct item_keys k = keys(feed, it, content);

	return store_item_add(s, &k, now);
}

static struct mention
mkmention(const char *id, const char *brand, int label, double compound, int64_t t)
{
	struct mention m = {0};

	snprintf(m.id, sizeof m.id, "%s", id);
	m.brand = (char *)brand;
	m.feed = (char *)"f";
	m.item_id = (char *)id;
	m.compound = compound;
	m.label = label;
	m.published = m.created = t;
	m.rating = -1;
	return m;
}

struct seen_states {
	char names[8][16];
	long next_due[8];
	char etag[8][16];
	int n;
};

static void
keep_state(const char *feed, struct feed_state *st, void *ctx)
{
	struct seen_states *v = ctx;

	if (v->n < 8) {
		snprintf(v->names[v->n], sizeof v->names[v->n], "%s", feed);
		v->next_due[v->n] = (long)st->next_due;
		snprintf(v->etag[v->n], sizeof v->etag[v->n], "%s", st->etag ? st->etag : "-");
	}
	v->n++;
	feed_state_clear(st);
}

/* Every stored state, in byte order of the feeds' names, whatever order
 * they were saved in (f from test_feed_state among them). */
static void
test_each_feed_state(struct store *s)
{
	static const char *const names[] = { "zeta", "Alpha", "f2", "alpha" };
	struct feed_state in = {0};
	struct seen_states v = {0};
	size_t i;

	for (i = 0; i < 4; i++) {
		in.next_due = 10 + (int64_t)i;
		in.etag = i == 2 ? (char *)"e2" : NULL;
		CHECK_INT(store_save_feed_state(s, names[i], &in), 0);
	}
	CHECK_INT(store_each_feed_state(s, keep_state, &v), 0);
	CHECK_INT(v.n, 5);
	CHECK_STR(v.names[0], "Alpha");
	CHECK_STR(v.names[1], "alpha");
	CHECK_STR(v.names[2], "f");
	CHECK_STR(v.names[3], "f2");
	CHECK_STR(v.names[4], "zeta");
	CHECK_INT(v.next_due[0], 11);
	CHECK_INT(v.next_due[2], 1000);
	CHECK_STR(v.etag[3], "e2");
	CHECK_STR(v.etag[4], "-");
}

/* A state saved with the row it was read from updates that row; with a
 * row that holds another feed, or none, it is stored by name. */
static void
test_feed_state_row(struct store *s)
{
	struct feed_state f, g = {0};
	int64_t n0 = -1, n1 = -2;

	CHECK_INT(store_int64(s, "SELECT count(*) FROM feed_state", &n0), 1);
	CHECK_INT(store_feed_state(s, "f2", &f), 0);
	CHECK(f.row > 0);
	f.next_due = 2000;
	CHECK_INT(store_save_feed_state(s, "f2", &f), 0);
	g.next_due = 3000;
	g.row = f.row;          /* f2's row, not zeta's */
	CHECK_INT(store_save_feed_state(s, "zeta", &g), 0);
	g.next_due = 4000;
	g.row = 1 << 30;        /* no such row */
	CHECK_INT(store_save_feed_state(s, "f3", &g), 0);
	feed_state_clear(&f);
	CHECK_INT(store_feed_state(s, "f2", &f), 0);
	CHECK_INT(f.next_due, 2000);
	CHECK_STR(f.etag, "e2");
	feed_state_clear(&f);
	CHECK_INT(store_feed_state(s, "zeta", &f), 0);
	CHECK_INT(f.next_due, 3000);
	feed_state_clear(&f);
	CHECK_INT(store_feed_state(s, "f3", &f), 0);
	CHECK_INT(f.next_due, 4000);
	feed_state_clear(&f);
	CHECK_INT(store_int64(s, "SELECT count(*) FROM feed_state", &n1), 1);
	CHECK_INT(n1, n0 + 1);
}

static void
test_feed_state(struct store *s)
{
	struct feed_state in = {0}, out;

	CHECK_INT(store_feed_state(s, "new-feed", &out), 0);
	CHECK_INT(out.last_attempt, 0);
	CHECK(out.etag == NULL);
	in.last_attempt = 100;
	in.last_success = 90;
	in.next_due = 1000;
	in.failing_since = 95;
	in.failures = 3;
	in.http_status = 503;
	in.etag = (char *)"\"v1\"";
	in.last_error = (char *)"HTTP 503";
	CHECK_INT(store_save_feed_state(s, "f", &in), 0);
	CHECK_INT(store_feed_state(s, "f", &out), 0);
	CHECK_INT(out.last_attempt, 100);
	CHECK_INT(out.next_due, 1000);
	CHECK_INT(out.failures, 3);
	CHECK_INT(out.http_status, 503);
	CHECK_STR(out.etag, "\"v1\"");
	CHECK(out.last_modified == NULL);
	CHECK_STR(out.last_error, "HTTP 503");
	free(out.etag);
	free(out.last_modified);
	free(out.last_error);
	test_each_feed_state(s);
	test_feed_state_row(s);
}

/* The dedup rules, on a store holding f/a1 (link .../a, no content hash)
 * and f/b1 (no link, hash 0123456789abcdef), however they got there. */
static void
check_dedup_rules(struct store *s)
{
	struct item a = mkitem("a1", "https://x.example/a"), b = mkitem("b1", NULL);
	struct item same_link = mkitem("other-id", "https://x.example/a");
	struct item other = mkitem("a1", "https://x.example/z");
	struct item fresh = mkitem("fresh", NULL);

	CHECK_INT(seen(s, "f", &a, NULL), 1);
	CHECK_INT(seen(s, "f", &b, NULL), 1);
	/* The same link from another feed (syndication) is the same post. */
	CHECK_INT(seen(s, "g", &same_link, NULL), 1);
	/* In the same feed another id is another item, even with the same
	 * link (App Store reviews all link to the app). */
	CHECK_INT(seen(s, "f", &same_link, NULL), 0);
	/* The same guid in another feed with another link is not. */
	CHECK_INT(seen(s, "g", &other, NULL), 0);
	CHECK_INT(seen(s, "g", &b, NULL), 0);
	/* The same content in any feed is. */
	CHECK_INT(seen(s, "h", &other, "0123456789abcdef"), 1);
	CHECK_INT(seen(s, "f", &fresh, "0123456789abcdef"), 1);
	/* No link and no hash match nothing but the id. */
	CHECK_INT(seen(s, "f", &fresh, NULL), 0);
	CHECK_INT(seen(s, "f", &fresh, "fedcba9876543210"), 0);
}

/* Inside a transaction a new item's cross-feed rows wait in memory: the
 * rules find it there, a rollback forgets it, a commit writes it. */
static void
test_dedup_in_batch(struct store *s)
{
	struct item a = mkitem("t1", "https://x.example/t"), c = mkitem("t2", NULL);
	struct item same_link = mkitem("t3", "https://x.example/t");
	int64_t rows = 0;

	CHECK_INT(store_begin(s), 0);
	CHECK_INT(add(s, "tf", &a, NULL, 10), 1);
	CHECK_INT(add(s, "tf", &c, "4444444444444444", 10), 1);
	CHECK_INT(seen(s, "tg", &same_link, NULL), 1);
	CHECK_INT(seen(s, "th", &same_link, "4444444444444444"), 1);
	CHECK_INT(add(s, "tg", &same_link, NULL, 10), 0);
	store_rollback(s);
	CHECK_INT(seen(s, "tg", &same_link, NULL), 0);
	CHECK_INT(seen(s, "th", &same_link, "4444444444444444"), 0);
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(add(s, "tf", &a, NULL, 10), 1);
	CHECK_INT(add(s, "tf", &c, "4444444444444444", 10), 1);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(seen(s, "tg", &same_link, NULL), 1);
	CHECK_INT(seen(s, "th", &same_link, "4444444444444444"), 1);
	CHECK_INT(store_int64(s, "SELECT count(*) FROM xref x JOIN items i ON i.id = x.item"
	    " WHERE i.feed = earshot_feed('tf')", &rows), 1);
	CHECK_INT(rows, 2);
	/* More pending rows than the first arrays hold: chained again as
	 * they grow, the first and the last are still found. */
	{
		char id[16], link[48];
		struct item many;
		int i, added = 0;

		CHECK_INT(store_begin(s), 0);
		for (i = 0; i < 3000; i++) {
			snprintf(id, sizeof id, "m%d", i);
			snprintf(link, sizeof link, "https://x.example/m%d", i);
			many = mkitem(id, link);
			added += add(s, "tm", &many, NULL, 10);
		}
		CHECK_INT(added, 3000);
		many = mkitem("other", "https://x.example/m0");
		CHECK_INT(seen(s, "tn", &many, NULL), 1);
		many = mkitem("other", "https://x.example/m2999");
		CHECK_INT(seen(s, "tn", &many, NULL), 1);
		many = mkitem("other", "https://x.example/m3000");
		CHECK_INT(seen(s, "tn", &many, NULL), 0);
		CHECK_INT(store_commit(s), 0);
		many = mkitem("other", "https://x.example/m1500");
		CHECK_INT(seen(s, "tn", &many, NULL), 1);
		/* Sorted in place for the commit, every row went in once. */
		CHECK_INT(store_int64(s, "SELECT count(*) FROM xref x JOIN items i"
		    " ON i.id = x.item AND x.h = i.link >> 32"
		    " WHERE i.feed = earshot_feed('tm')", &rows), 1);
		CHECK_INT(rows, 3000);
	}
}

/* xref's rows for the rows of a feed ('SELECT count...' for feed). */
static int64_t
xref_rows(struct store *s, const char *feed)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM xref x JOIN items i ON i.id = x.item"
	    " WHERE i.feed = earshot_feed(?)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, feed, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t
mark(struct store *s)
{
	int64_t v = -1;

	return store_int64(s, "SELECT value FROM meta WHERE name = 'xref_from'", &v) == 1 ? v : -1;
}

/* A pass's last commit leaves its new items' cross-feed rows for after:
 * the rules still find them (sorted, by bisection), other commits leave
 * them, store_write_deferred writes them and drops the mark; an item
 * added meanwhile writes them first. */
static void
test_deferred(struct store *s)
{
	struct item a = mkitem("d1", "https://x.example/d1"), b = mkitem("d2", "https://x.example/d2");
	struct item c = mkitem("d3", "https://x.example/d3"), d = mkitem("d4", NULL);
	struct item again = mkitem("other", "https://x.example/d1");
	struct item later = mkitem("d5", "https://x.example/d5");
	char id[16], link[48];
	int i;

	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(add(s, "df", &a, "5555555555555555", 30), 1);
	CHECK_INT(add(s, "df", &b, NULL, 20), 1);
	CHECK_INT(add(s, "df", &c, NULL, 40), 1);
	/* enough rows for every depth of the bisection */
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof id, "dm%d", i);
		snprintf(link, sizeof link, "https://x.example/dm%d", i);
		d = mkitem(id, link);
		CHECK_INT(add(s, "dm", &d, NULL, 50), 1);
	}
	CHECK_INT(store_batch_end_deferred(s), 0);
	CHECK_INT(mark(s), 20);
	CHECK_INT(xref_rows(s, "df"), 0);
	CHECK_INT(seen(s, "dg", &again, NULL), 1);
	CHECK_INT(seen(s, "df", &again, NULL), 0);  /* the same feed's is not a copy */
	again = mkitem("other", "https://x.example/d3");
	CHECK_INT(seen(s, "dg", &again, NULL), 1);
	again = mkitem("other", NULL);
	CHECK_INT(seen(s, "dh", &again, "5555555555555555"), 1);
	CHECK_INT(seen(s, "dh", &again, "5555555555555556"), 0);
	for (i = 0; i < 300; i += 37) {
		snprintf(link, sizeof link, "https://x.example/dm%d", i);
		again = mkitem("other", link);
		CHECK_INT(seen(s, "dg", &again, NULL), 1);
	}
	again = mkitem("other", "https://x.example/dm300");
	CHECK_INT(seen(s, "dg", &again, NULL), 0);
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(xref_rows(s, "df"), 0);
	CHECK_INT(store_write_deferred(s), 0);
	CHECK_INT(xref_rows(s, "df"), 4);
	CHECK_INT(xref_rows(s, "dm"), 300);
	CHECK_INT(mark(s), -1);
	again = mkitem("other", "https://x.example/d2");
	CHECK_INT(seen(s, "dg", &again, NULL), 1);
	CHECK_INT(store_write_deferred(s), 0);

	CHECK_INT(store_batch_begin(s), 0);
	a = mkitem("d6", "https://x.example/d6");
	CHECK_INT(add(s, "dk", &a, NULL, 60), 1);
	CHECK_INT(store_batch_end_deferred(s), 0);
	CHECK_INT(mark(s), 60);
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(add(s, "dk", &later, NULL, 70), 1);
	CHECK_INT(mark(s), -1);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(xref_rows(s, "dk"), 2);
	CHECK_INT(store_write_deferred(s), 0);
	CHECK_INT(xref_rows(s, "dk"), 2);
}

/* A batch's commit within a pass leaves its items' rows waiting, marked
 * (the earliest seen of them all) and still found by the rules; the
 * next batches' rows join them, and the pass's end writes them all in
 * one go. */
static void
test_carried(struct store *s)
{
	struct item a = mkitem("c1", "https://x.example/c1"), b = mkitem("c2", "https://x.example/c2");
	struct item again = mkitem("other", "https://x.example/c1");

	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(add(s, "cf", &a, NULL, 80), 1);
	CHECK_INT(store_batch_end(s, 1), 0);
	CHECK_INT(mark(s), 80);
	CHECK_INT(xref_rows(s, "cf"), 0);
	CHECK_INT(seen(s, "cg", &again, NULL), 1);
	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(add(s, "cf", &b, "7777777777777777", 75), 1);
	CHECK_INT(store_batch_end(s, 1), 0);
	CHECK_INT(mark(s), 75);
	CHECK_INT(xref_rows(s, "cf"), 0);
	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(store_batch_end_deferred(s), 0);
	CHECK_INT(mark(s), 75);
	again = mkitem("other", NULL);
	CHECK_INT(seen(s, "cg", &again, "7777777777777777"), 1);
	CHECK_INT(store_write_deferred(s), 0);
	CHECK_INT(xref_rows(s, "cf"), 3);
	CHECK_INT(mark(s), -1);
	again = mkitem("other", "https://x.example/c2");
	CHECK_INT(seen(s, "cg", &again, NULL), 1);
}

/* How a run ends before writing the rows it left: after its last commit,
 * after a batch's commit, or with the batch after that rolled back. */
enum cut { CUT_DEFERRED, CUT_CARRIED, CUT_ROLLED_BACK };

/* A run that ends between a commit and writing the rows left: the next
 * store_open writes them from the items (those seen since the mark), and
 * the rules find them. */
static void
test_unwritten(enum cut cut)
{
	char err[512] = "", line[512];
	struct store *s = store_open(dir, err, sizeof err);
	struct item a = mkitem("k1", "https://x.example/k1"), b = mkitem("k2", NULL);
	struct item old = mkitem("k0", "https://x.example/k0");
	struct item again = mkitem("other", "https://x.example/k1");
	FILE *lf = tmpfile();
	int noted = 0;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(add(s, "kf", &old, NULL, 5), 1);
	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(add(s, "kf", &a, NULL, 10), 1);
	CHECK_INT(add(s, "kf", &b, "6666666666666666", 10), 1);
	CHECK_INT(cut == CUT_DEFERRED ? store_batch_end_deferred(s) : store_batch_end(s, 1), 0);
	if (cut == CUT_ROLLED_BACK) {
		struct item lost = mkitem("k3", "https://x.example/k3");

		struct item after = mkitem("k4", "https://x.example/k4");
		struct item later = mkitem("k5", "https://x.example/k5");

		CHECK_INT(store_batch_begin(s), 0);
		CHECK_INT(add(s, "kf", &lost, NULL, 10), 1);
		store_rollback(s);
		/* The rows after it go in as before, but the mark stays as it
		 * was, for those the rollback took from memory. */
		CHECK_INT(store_begin(s), 0);
		CHECK_INT(add(s, "kf", &after, NULL, 20), 1);
		CHECK_INT(store_commit(s), 0);
		CHECK_INT(xref_rows(s, "kf"), 2);
		CHECK_INT(store_batch_begin(s), 0);
		CHECK_INT(add(s, "kf", &later, NULL, 30), 1);
		CHECK_INT(store_batch_end(s, 1), 0);
		CHECK_INT(store_batch_begin(s), 0);
		CHECK_INT(store_batch_end_deferred(s), 0);
		CHECK_INT(store_write_deferred(s), 0);
		CHECK_INT(xref_rows(s, "kf"), 3);
		CHECK_INT(mark(s), 10);
	}
	store_close(s);
	log_to(lf);
	s = store_open(dir, err, sizeof err);
	log_to(NULL);
	rewind(lf);
	while (fgets(line, sizeof line, lf))
		noted += strstr(line, "before it had recorded its new items") != NULL;
	fclose(lf);
	CHECK_INT(noted, 1);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(xref_rows(s, "kf"), cut == CUT_ROLLED_BACK ? 5 : 3);
	CHECK_INT(mark(s), -1);
	CHECK_INT(seen(s, "kg", &again, NULL), 1);
	again = mkitem("other", NULL);
	CHECK_INT(seen(s, "kg", &again, "6666666666666666"), 1);
	store_close(s);
}

/* Runs sql on the test database, closed. */
static void
sql_at(const char *sql)
{
	char path[512];
	sqlite3 *db = NULL;

	snprintf(path, sizeof path, "%s/earshot.db", dir);
	CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* 1 if the cross-feed rules find item it's link in feed "fz", 0 if not,
 * after opening the database again. */
static int
seen_reopened(struct item *it)
{
	char err[512] = "";
	struct store *s = store_open(dir, err, sizeof err);
	int rc;

	CHECK(s != NULL);
	if (!s)
		return -1;
	rc = seen(s, "fz", it, NULL);
	store_close(s);
	return rc;
}

/* A pass that only looks copy up, which builds the filter, and saves it. */
static void
save_built(struct item *copy)
{
	char err[512] = "";
	struct store *s = store_open(dir, err, sizeof err);
	int64_t words = 0;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT(seen(s, "fz", copy, NULL), 1);
	CHECK_INT(store_write_deferred(s), 0);
	CHECK_INT(store_int64(s, "SELECT value FROM meta WHERE name = 'filter_words'", &words), 1);
	CHECK_INT(words, 131072);
	store_close(s);
}

/* A pass that adds it to feed "pf" at time t, after a batch adding lost
 * (unless NULL) that is rolled back, and ends whole or (whole 0) after
 * its batch's commit, as if killed. */
static void
pass_adding(struct item *it, int64_t t, int whole, struct item *lost)
{
	char err[512] = "";
	struct store *s = store_open(dir, err, sizeof err);

	CHECK(s != NULL);
	if (!s)
		return;
	if (lost) {
		CHECK_INT(store_batch_begin(s), 0);
		CHECK_INT(add(s, "pf", lost, NULL, t), 1);
		store_rollback(s);
	}
	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(add(s, "pf", it, NULL, t), 1);
	CHECK_INT(whole ? store_batch_end_deferred(s) : store_batch_end(s, 1), 0);
	if (whole)
		CHECK_INT(store_write_deferred(s), 0);
	store_close(s);
}

/* The items' filter is kept from run to run: the next store_open reads
 * the pass's copy, not the table (a copy emptied behind its back then
 * finds nothing), and a pass writes the blocks it changed; a run that
 * ends after recording items, with or without a batch rolled back first,
 * leaves no valid copy, and the next builds one from the table. */
static void
test_filter_kept(void)
{
	struct item a = mkitem("p1", "https://x.example/p1"), b = mkitem("p2", "https://x.example/p2");
	struct item c = mkitem("p3", "https://x.example/p3"), d = mkitem("p4", "https://x.example/p4");
	struct item e = mkitem("p5", "https://x.example/p5"), lost = mkitem("p6", "https://x.example/p6");
	struct item copy_a = mkitem("z1", "https://x.example/p1"),
	    copy_b = mkitem("z2", "https://x.example/p2"), copy_c = mkitem("z3", "https://x.example/p3"),
	    copy_d = mkitem("z4", "https://x.example/p4"), copy_e = mkitem("z5", "https://x.example/p5");
	char err[512] = "";
	struct store *s;

	pass_adding(&a, 100, 1, NULL);
	CHECK_INT(seen_reopened(&copy_a), 1);
	sql_at("UPDATE filter SET bits = zeroblob(4096)");
	CHECK_INT(seen_reopened(&copy_a), 0);
	sql_at("DELETE FROM meta WHERE name = 'filter_words'");
	CHECK_INT(seen_reopened(&copy_a), 1);
	/* a size no filter has: built again, not allocated */
	save_built(&copy_a);
	sql_at("UPDATE filter SET bits = zeroblob(4096);"
	    "UPDATE meta SET value = 1 << 40 WHERE name = 'filter_words'");
	CHECK_INT(seen_reopened(&copy_a), 1);

	save_built(&copy_a);
	pass_adding(&b, 110, 0, NULL);
	CHECK_INT(seen_reopened(&copy_b), 1);

	save_built(&copy_b);
	pass_adding(&c, 120, 1, NULL);
	CHECK_INT(seen_reopened(&copy_c), 1);
	sql_at("UPDATE filter SET bits = zeroblob(4096)");
	CHECK_INT(seen_reopened(&copy_c), 0);
	sql_at("DELETE FROM meta WHERE name = 'filter_words'");

	save_built(&copy_c);
	pass_adding(&d, 130, 0, &lost);
	CHECK_INT(seen_reopened(&copy_d), 1);

	save_built(&copy_d);
	lost = mkitem("p7", "https://x.example/p7");
	pass_adding(&e, 140, 1, &lost);
	CHECK_INT(seen_reopened(&copy_a), 1);
	CHECK_INT(seen_reopened(&copy_b), 1);
	CHECK_INT(seen_reopened(&copy_e), 1);

	/* a save rolled back: the pass's own saves all of it */
	if (!(s = store_open(dir, err, sizeof err))) {
		CHECK_STR(err, "");
		return;
	}
	a = mkitem("p8", "https://x.example/p8");
	b = mkitem("p9", "https://x.example/p9");
	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(add(s, "pf", &a, NULL, 160), 1);
	CHECK_INT(store_batch_end(s, 1), 0);
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(store_filter_save(s), 0);
	store_rollback(s);
	CHECK_INT(store_batch_begin(s), 0);
	CHECK_INT(add(s, "pf", &b, NULL, 170), 1);
	CHECK_INT(store_batch_end_deferred(s), 0);
	CHECK_INT(store_write_deferred(s), 0);
	store_close(s);
	copy_a = mkitem("z8", "https://x.example/p8");
	CHECK_INT(seen_reopened(&copy_a), 1);
}

static void
test_deferred_crash(void)
{
	char cmd[600];
	enum cut cut;

	snprintf(cmd, sizeof cmd, "rm -f %s/earshot.db*", dir);
	for (cut = CUT_DEFERRED; cut <= CUT_ROLLED_BACK; cut++) {
		test_unwritten(cut);
		CHECK_INT(system(cmd), 0);
	}
}

static void
test_dedup(struct store *s)
{
	struct item a = mkitem("a1", "https://x.example/a"), b = mkitem("b1", NULL);
	struct item c = mkitem("c1", NULL), same_link = mkitem("s1", "https://x.example/a");

	CHECK_INT(seen(s, "f", &a, NULL), 0);
	CHECK_INT(add(s, "f", &a, NULL, 10), 1);
	CHECK_INT(seen(s, "f", &a, NULL), 1);
	CHECK_INT(add(s, "f", &b, "0123456789abcdef", 10), 1);
	check_dedup_rules(s);
	/* Two items without link or hash in other feeds stay apart. */
	CHECK_INT(add(s, "g", &c, NULL, 10), 1);
	CHECK_INT(seen(s, "h", &c, NULL), 0);
	CHECK_INT(seen(s, "g", &c, NULL), 1);
	/* Adding twice records it once. */
	CHECK_INT(add(s, "f", &a, NULL, 10), 0);
	/* Adding what the cross-feed rules call seen records nothing. */
	CHECK_INT(add(s, "g", &same_link, NULL, 10), 0);
	same_link.link = (char *)"https://x.example/elsewhere";
	CHECK_INT(seen(s, "g", &same_link, NULL), 0);
}

/* The cross-feed lookups read the top 32 bits of a hash from the index
 * and check the rest in the row: a hash that shares them but differs
 * further down matches nothing. Neither lookup nor insert scans a table
 * or an index: with hundreds of thousands of items, one that did would
 * cost every item a read of them all. */
static void
test_dedup_prefix(struct store *s)
{
	struct item it = mkitem("x", NULL), o = mkitem("other", NULL);
	char id[32], link[64];
	size_t i;
	int scans = 0;

	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof id, "p%zu", i);
		snprintf(link, sizeof link, "https://p.example/%zu", i);
		it.id = id;
		it.link = link;
		CHECK_INT(add(s, "prefix", &it, i == 7 ? "0123456701234567" : NULL, 20), 1);
	}
	/* From here, not counting the Bloom filter's build, which reads the
	 * table through on purpose. */
	for (i = 0; i < s->ncache; i++)
		sqlite3_stmt_status(s->cache[i].st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
	o.link = (char *)"https://p.example/150";
	CHECK_INT(seen(s, "elsewhere", &o, NULL), 1);
	o.link = (char *)"https://p.example/1500";
	CHECK_INT(seen(s, "elsewhere", &o, NULL), 0);
	CHECK_INT(seen(s, "elsewhere", &o, "0123456701234567"), 1);
	CHECK_INT(seen(s, "elsewhere", &o, "01234567ffffffff"), 0);
	CHECK_INT(add(s, "elsewhere", &o, "01234567ffffffff", 20), 1);
	CHECK_INT(seen(s, "third", &o, "01234567ffffffff"), 1);
	for (i = 0; i < s->ncache; i++)
		scans += sqlite3_stmt_status(s->cache[i].st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	CHECK_INT(scans, 0);
}

static int
collect(const char *id, const char *json, void *ctx)
{
	struct acc { char s[256]; } *b = ctx;

	strncat(b->s, id, sizeof b->s - strlen(b->s) - 1);
	strncat(b->s, json, sizeof b->s - strlen(b->s) - 1);
	strncat(b->s, ";", sizeof b->s - strlen(b->s) - 1);
	return 0;
}

/* The unexported mentions are before (id and JSON, in order); after mark
 * is marked written, they are after. */
static void
check_export(struct store *s, const char *before, const char *mark, const char *after)
{
	struct { char s[256]; } got = {{0}};

	CHECK_INT(store_each_unexported_mention(s, collect, &got), 0);
	CHECK_STR(got.s, before);
	CHECK_INT(store_mark_mention_exported(s, mark), 0);
	got.s[0] = '\0';
	CHECK_INT(store_each_unexported_mention(s, collect, &got), 0);
	CHECK_STR(got.s, after);
}

static int
collect_pending(const char *id, const char *brand, const char *json, unsigned attempts,
    void *ctx)
{
	char *s = ctx;
	char line[64];

	(void)json;
	snprintf(line, sizeof line, "%s/%s/%u;", id, brand, attempts);
	strncat(s, line, 255 - strlen(s));
	return 0;
}

static int
collect_alert(const char *json, void *ctx)
{
	strncat(ctx, json, 255 - strlen(ctx));
	return 0;
}

static void
test_mentions_and_outbox(struct store *s)
{
	struct mention m1 = mkmention("m1", "Acme", 1, 0.6, 1000);
	struct mention m2 = mkmention("m2", "Acme", -1, -0.7, 2000);
	struct mention m3 = mkmention("m3", "Globex", 0, 0, 3000);
	struct alert a = { .id = "al1", .kind = (char *)"negative", .brand = (char *)"Acme",
	    .severity = (char *)"medium", .reason = (char *)"r", .created = 2000,
	    .json = (char *)"{\"id\":\"al1\"}" };
	const char *const channels[] = { "file", "webhook", NULL };
	struct { char s[256]; } got = {{0}};
	char pend[256] = "", alerts[256] = "";
	struct brand_counts *bc;
	long n;

	CHECK_INT(store_add_mention(s, &m1, "J1"), 0);
	CHECK_INT(store_add_mention(s, &m2, "J2"), 0);
	CHECK_INT(store_add_mention(s, &m3, "J3"), 0);
	CHECK_INT(store_add_mention(s, &m1, "J1-again"), 1);   /* ids never repeat */
	check_export(s, "m1J1;m2J2;m3J3;", "m2", "m1J1;m3J3;");

	CHECK_INT(store_add_alert(s, &a, "m2", channels), 0);
	CHECK_INT(store_add_alert(s, &a, "m2", channels), 1);
	CHECK_INT(store_each_pending(s, "webhook", 5000, collect_pending, pend), 0);
	CHECK_STR(pend, "al1/Acme/0;");
	CHECK_INT(store_mark_failed(s, "al1", "webhook", 6000, "HTTP 500"), 0);
	pend[0] = '\0';
	store_each_pending(s, "webhook", 5000, collect_pending, pend);
	CHECK_STR(pend, "");                   /* not due again until 6000 */
	store_each_pending(s, "webhook", 6000, collect_pending, pend);
	CHECK_STR(pend, "al1/Acme/1;");
	CHECK_INT(store_mark_delivered(s, "al1", "webhook", 6000), 0);
	pend[0] = '\0';
	store_each_pending(s, "webhook", 99999, collect_pending, pend);
	CHECK_STR(pend, "");
	store_each_pending(s, "file", 99999, collect_pending, pend);
	CHECK_STR(pend, "al1/Acme/0;");        /* each channel on its own */

	store_each_alert(s, 0, "Acme", NULL, collect_alert, alerts);
	CHECK_STR(alerts, "{\"id\":\"al1\"}");
	alerts[0] = '\0';
	store_each_alert(s, 0, "Globex", NULL, collect_alert, alerts);
	store_each_alert(s, 2001, NULL, NULL, collect_alert, alerts);
	store_each_alert(s, 0, NULL, "spike", collect_alert, alerts);
	CHECK_STR(alerts, "");

	n = store_counts(s, 0, 2500, &bc);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(bc[0].brand, "Acme");
		CHECK_INT(bc[0].total, 2);
		CHECK_INT(bc[0].pos, 1);
		CHECK_INT(bc[0].neg, 1);
		CHECK_NEAR(bc[0].compound_sum, -0.1, 1e-9);
	}
	store_counts_free(bc, n);
	n = store_counts(s, 0, 99999, &bc);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_INT(bc[1].neu, 1);
	store_counts_free(bc, n);

	/* Retention keeps what is not yet exported or delivered. */
	CHECK_INT(store_prune(s, 1, 86400 + 10000), 0);
	got.s[0] = '\0';
	store_each_unexported_mention(s, collect, &got);
	CHECK_STR(got.s, "m1J1;m3J3;");
	pend[0] = '\0';
	store_each_pending(s, "file", 99999, collect_pending, pend);
	CHECK_STR(pend, "al1/Acme/0;");
	n = store_counts(s, 0, 99999, &bc);
	CHECK_INT(n, 2);       /* m2 (exported) is gone, Acme keeps m1 */
	if (n == 2)
		CHECK_INT(bc[0].total, 1);
	store_counts_free(bc, n);
}

static void
test_transactions(struct store *s)
{
	struct item it = mkitem("rolled-back", NULL);

	CHECK_INT(store_begin(s), 0);
	CHECK_INT(add(s, "f", &it, NULL, 1), 1);
	store_rollback(s);
	CHECK_INT(seen(s, "f", &it, NULL), 0);
	store_rollback(s);     /* outside a transaction: a no-op */
}

/* A database of schema 7 (items as TEXT) keeps deduplicating after
 * store_open migrates it, and its items still expire. */
static void
test_items_migration(void)
{
	char err[512], path[128];
	struct item old = mkitem("o1", "https://x.example/old");
	struct store *s = store_open(dir, err, sizeof err);
	sqlite3 *db;
	sqlite3_stmt *st;

	/* Schema 8 changed the items table and dropped an index, 9 changed
	 * the table again and added meta, 10 added mention columns, 11 the
	 * unexported table: put back version 7's. */
	store_close(s);
	snprintf(path, sizeof path, "%s/earshot.db", dir);
	db = open_at_10();
	CHECK_INT(sqlite3_exec(db, "DROP TABLE items; DROP TABLE meta;"
	    "ALTER TABLE mentions DROP COLUMN hl_start;"
	    "ALTER TABLE mentions DROP COLUMN hl_end; ALTER TABLE mentions DROP COLUMN matched;"
	    "CREATE TABLE items ("
	    "  id INTEGER PRIMARY KEY, feed TEXT NOT NULL, item_key TEXT NOT NULL,"
	    "  link TEXT, content_hash TEXT, published INTEGER, seen INTEGER NOT NULL);"
	    "CREATE UNIQUE INDEX items_feed_key ON items(feed, item_key);"
	    "CREATE INDEX items_link ON items(link) WHERE link IS NOT NULL;"
	    "CREATE INDEX items_hash ON items(content_hash) WHERE content_hash IS NOT NULL;"
	    "CREATE INDEX items_seen ON items(seen);"
	    "CREATE INDEX mentions_brand_pub ON mentions(brand, published);"
	    "INSERT INTO items (feed, item_key, link, content_hash, published, seen)"
	    " VALUES ('old', 'o1', 'https://x.example/old', NULL, 0, 10),"
	    " ('f', 'a1', 'https://x.example/a', NULL, 5, 1000000),"
	    " ('f', 'b1', NULL, '0123456789abcdef', 0, 1000000);"
	    "PRAGMA user_version = 7;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	if (!(s = store_open(dir, err, sizeof err))) {
		CHECK_STR(err, "");
		return;
	}
	check_dedup_rules(s);
	CHECK_INT(seen(s, "old", &old, NULL), 1);
	CHECK_INT(store_prune(s, 1, 1000000), 0);
	CHECK_INT(seen(s, "old", &old, NULL), 0);
	check_dedup_rules(s);
	store_close(s);

	sqlite3_open(path, &db);
	/* xref holds a row for each link and content hash the items keep,
	 * and none for the item pruned. */
	sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version),"
	    " (SELECT count(*) FROM pragma_table_info('items') WHERE type = 'TEXT'),"
	    " (SELECT count(*) FROM xref), (SELECT count(link) + count(content) FROM items),"
	    " (SELECT count(*) FROM xref x JOIN items i ON i.id = x.item AND"
	    " (x.h = i.link >> 32 OR x.h = i.content >> 32))", -1, &st, NULL);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 14);
	CHECK_INT(sqlite3_column_int(st, 1), 0);
	CHECK_INT(sqlite3_column_int(st, 2), 2);
	CHECK_INT(sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
	CHECK_INT(sqlite3_column_int(st, 4), sqlite3_column_int(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Items expire by when they were first seen, oldest first. */
static void
test_items_prune(struct store *s)
{
	struct item p1 = mkitem("p1", NULL), p2 = mkitem("p2", NULL);
	struct item p3 = mkitem("p3", NULL), q1 = mkitem("q1", NULL);
	struct item q2 = mkitem("q2", NULL);

	CHECK_INT(add(s, "p", &p1, NULL, 200000), 1);
	CHECK_INT(add(s, "p", &p2, NULL, 200010), 1);
	CHECK_INT(add(s, "p", &p3, NULL, 200020), 1);
	CHECK_INT(store_prune(s, 0, 200010), 0);
	CHECK_INT(seen(s, "p", &p1, NULL), 0);
	CHECK_INT(seen(s, "p", &p2, NULL), 1);
	CHECK_INT(seen(s, "p", &p3, NULL), 1);
	CHECK_INT(store_prune(s, 0, 300000), 0);
	CHECK_INT(seen(s, "p", &p3, NULL), 0);
	CHECK_INT(store_prune(s, 0, 300000), 0);        /* nothing left */
	/* After the clock stepped back nothing is pruned early. */
	CHECK_INT(add(s, "q", &q1, NULL, 400000), 1);
	CHECK_INT(add(s, "q", &q2, NULL, 390000), 1);
	CHECK_INT(store_prune(s, 0, 395000), 0);
	CHECK_INT(seen(s, "q", &q1, NULL), 1);
	CHECK_INT(seen(s, "q", &q2, NULL), 0);
	/* The table is read through at most once an hour, or when the clock
	 * stepped back since. */
	CHECK_INT(add(s, "q", &q2, NULL, 395000), 1);
	CHECK_INT(store_prune(s, 0, 395000 + 3599), 0);
	CHECK_INT(seen(s, "q", &q2, NULL), 1);
	CHECK_INT(store_prune(s, 0, 395000 + 3600), 0);
	CHECK_INT(seen(s, "q", &q2, NULL), 0);
	CHECK_INT(add(s, "q", &q2, NULL, 390000), 1);
	CHECK_INT(store_prune(s, 0, 395000), 0);
	CHECK_INT(seen(s, "q", &q2, NULL), 0);
}

/* The keys the pipeline computes: a post's title and text are its content
 * once long enough to tell two posts apart; the feed decides its key. */
static void
test_item_keys(struct store *s)
{
	struct item a = mkitem("k1", NULL), b = mkitem("k2", NULL);
	struct item_keys ka, kb;

	a.title = b.title = (char *)"Acme recalls its kettles";
	a.text = b.text = (char *)"The company said on Monday that the lids can come loose.";
	store_item_keys("f", &a, &ka);
	store_item_keys("g", &b, &kb);
	CHECK(ka.content != 0 && ka.content == kb.content);
	CHECK(ka.key != kb.key && ka.feed != kb.feed);
	CHECK(ka.link == 0);
	CHECK_INT(store_item_add(s, &ka, 10), 1);
	CHECK_INT(store_item_seen(s, &kb), 1);
	CHECK_INT(store_item_add(s, &kb, 10), 0);
	b.text = (char *)"Short.";
	a.text = (char *)"Short.";
	a.title = b.title = (char *)"Love it";
	store_item_keys("f", &a, &ka);
	store_item_keys("g", &b, &kb);
	CHECK(ka.content == 0 && kb.content == 0);
	CHECK_INT(store_item_add(s, &ka, 10), 0);      /* f/k1 is there */
	CHECK_INT(store_item_add(s, &kb, 10), 1);
}

static void
test_versions(void)
{
	char err[512] = "", path[128];
	struct store *s;
	sqlite3 *db;
	FILE *lf = tmpfile();

	/* A database from a newer earshot is refused, not mangled. */
	snprintf(path, sizeof path, "%s/earshot.db", dir);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	CHECK((s = store_open(dir, err, sizeof err)) == NULL);
	CHECK(strstr(err, "newer earshot") != NULL);
	CHECK(strstr(err, path) != NULL);
	store_close(s);

	/* Readers never create a database where none is. */
	snprintf(path, sizeof path, "%s/empty", dir);
	mkdir(path, 0755);
	CHECK(store_open_existing(path, err, sizeof err) == NULL);
	CHECK_STR(err, "");
	snprintf(path, sizeof path, "%s/empty/earshot.db", dir);
	CHECK(access(path, F_OK) != 0);

	log_to(lf);
	CHECK(store_open("/nonexistent/dir", err, sizeof err) == NULL);
	log_to(NULL);
	fclose(lf);
	CHECK(strstr(err, "/nonexistent/dir/earshot.db") != NULL);
}

/* The steps from an older schema are one transaction: one that fails
 * leaves the database at the schema it had, not halfway. */
static void
test_failed_migration(void)
{
	char err[512] = "";
	struct store *s = store_open(dir, err, sizeof err);
	sqlite3 *db;
	FILE *lf = tmpfile();

	CHECK(s != NULL);
	store_close(s);
	db = open_at_10();
	/* What schema 13 creates, there already: its step fails. */
	CHECK_INT(sqlite3_exec(db, "CREATE TABLE xref (h)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	log_to(lf);
	CHECK((s = store_open(dir, err, sizeof err)) == NULL);
	log_to(NULL);
	fclose(lf);
	CHECK(strstr(err, "cannot migrate to schema 13") != NULL);
	CHECK((s = store_open_reader(dir, err, sizeof err)) == NULL);
	CHECK(strstr(err, "schema 10,") != NULL);
}

/* A run gives back its page cache before the digest and goes on using the
 * store: what was recorded is still seen, and it still records. */
static void
test_shrunk(struct store *s)
{
	struct item a = mkitem("shrunk-1", "https://example.org/s1");

	CHECK_INT(seen(s, "f", &a, NULL), 0);
	CHECK_INT(add(s, "f", &a, NULL, 1000), 1);
	CHECK_INT(store_shrink_cache(s), 0);
	CHECK_INT(seen(s, "f", &a, NULL), 1);
	a.id = (char *)"shrunk-2";
	a.link = (char *)"https://example.org/s2";
	CHECK_INT(seen(s, "f", &a, NULL), 0);
	CHECK_INT(add(s, "f", &a, NULL, 1000), 1);
	CHECK_INT(seen(s, "other", &a, NULL), 1);
}

static int
first_mention(const struct mention *m, void *ctx)
{
	char *out = ctx;

	snprintf(out, 64, "%s %zu-%zu %s", m->id, m->hl_start, m->hl_end,
	    m->matched ? m->matched : "(none)");
	return 0;
}

/* Schema 10 gave the highlight and the matched text columns of their own,
 * filled from the JSON copy of the mentions already kept. */
static void
test_mentions_migration(void)
{
	char err[512], got[64] = "";
	struct store *s = store_open(dir, err, sizeof err);
	struct mention m = mkmention("h1", "Acme", 1, 0.5, 1000);
	sqlite3 *db;

	if (!s) {
		CHECK_STR(err, "");
		return;
	}
	m.hl_start = 7;
	m.hl_end = 11;
	m.matched = (char *)"Acme";
	CHECK_INT(store_add_mention(s, &m, "{\"id\":\"h1\",\"highlight\":[3,9],"
	    "\"matched\":\"ACME co\"}"), 0);
	CHECK_INT(store_each_mention_in(s, 0, 5000, first_mention, got), 0);
	CHECK_STR(got, "h1 7-11 Acme");
	store_close(s);
	/* Back to version 9: no columns, only the record. */
	db = open_at_10();
	CHECK_INT(sqlite3_exec(db, "ALTER TABLE mentions DROP COLUMN hl_start;"
	    "ALTER TABLE mentions DROP COLUMN hl_end; ALTER TABLE mentions DROP COLUMN matched;"
	    "PRAGMA user_version = 9;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	if (!(s = store_open(dir, err, sizeof err))) {
		CHECK_STR(err, "");
		return;
	}
	CHECK_INT(store_each_mention_in(s, 0, 5000, first_mention, got), 0);
	CHECK_STR(got, "h1 3-9 ACME co");
	store_close(s);
}

/* Schema 11 keeps the mentions still to export, in recording order, in a
 * table of their own: a version 10 database's unexported mentions (by
 * creation time, then insertion) are what it holds after migrating, and
 * marking one written takes it out. */
static void
test_unexported_migration(void)
{
	char err[512];
	struct store *s = store_open(dir, err, sizeof err);
	struct mention a = mkmention("u1", "Acme", 1, 0.5, 3000),
	    b = mkmention("u2", "Acme", 1, 0.5, 1000), c = mkmention("u3", "Acme", 1, 0.5, 2000);
	sqlite3 *db;

	if (!s) {
		CHECK_STR(err, "");
		return;
	}
	CHECK_INT(store_add_mention(s, &a, "A"), 0);
	CHECK_INT(store_add_mention(s, &b, "B"), 0);
	CHECK_INT(store_add_mention(s, &c, "C"), 0);
	store_close(s);
	db = open_at_10();
	CHECK_INT(sqlite3_exec(db, "UPDATE mentions SET exported = 1 WHERE id = 'u3'",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	if (!(s = store_open(dir, err, sizeof err))) {
		CHECK_STR(err, "");
		return;
	}
	check_export(s, "u2B;u1A;", "u2", "u1A;");
	store_close(s);
}

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

static long
db_size(void)
{
	char path[512];
	struct stat sb;

	snprintf(path, sizeof path, "%s/earshot.db", dir);
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* A checkpoint started on its own thread copies what was committed into
 * the database file while this connection goes on (another connection
 * stays open, so nothing else checkpoints), and store_checkpoint waits
 * for it. */
static void
test_checkpoint_start(void)
{
	char err[512], name[32], path[512];
	struct store *s = store_open(dir, err, sizeof err);
	struct feed_state fs = { .next_due = 5 };
	sqlite3 *other = NULL;
	long before, after = -1;
	int i;

	CHECK(s != NULL);
	if (!s)
		return;
	snprintf(path, sizeof path, "%s/earshot.db", dir);
	CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
	CHECK_INT(sqlite3_exec(other, "SELECT 1 FROM sqlite_master", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(store_begin(s), 0);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof name, "cp-%d", i);
		store_save_feed_state(s, name, &fs);
	}
	CHECK_INT(store_commit(s), 0);
	before = db_size();
	store_checkpoint_start(s);
	for (i = 0; i < 500 && (after = db_size()) <= before; i++)
		nap_ms(10);
	CHECK(after > before);
	CHECK_INT(store_checkpoint(s), 0);
	store_close(s);
	sqlite3_close(other);
}

static int
ref_cmp(const void *a, const void *b)
{
	const struct pending_row *x = a, *y = b;
	/* h as the signed 32-bit value SQL's link >> 32 gives */
	int64_t hx = x->h > INT32_MAX ? (int64_t)x->h - 4294967296 : x->h,
	    hy = y->h > INT32_MAX ? (int64_t)y->h - 4294967296 : y->h;

	if (hx != hy)
		return hx < hy ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/* xref's rows are written in its order (h as SQL's signed value, then the
 * item): the order is not visible in the table, only in the time a commit
 * takes, so the sort is checked against qsort here. Sizes reach every
 * depth of its byte passes; few distinct hashes make long runs of one h,
 * small ones runs of a few rows. */
static void
test_xref_sort(void)
{
	static const size_t sizes[] = { 0, 1, 2, 31, 33, 257, 5000, 100000 };
	static const uint32_t spreads[] = { 0, 3, 40, 1000 };
	size_t i, j, k, bad;
	uint64_t x = 88172645463325252ULL;

	for (i = 0; i < NELEM(sizes); i++)
		for (j = 0; j < NELEM(spreads); j++) {
			size_t n = sizes[i];
			struct pending_row *v = calloc(n + 1, sizeof *v), *w = calloc(n + 1, sizeof *w);

			if (!v || !w)
				abort();
			for (k = 0; k < n; k++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				/* spread 0: any hash; else one of spread values on
				 * both sides of the sign bit */
				v[k].h = spreads[j] ? (uint32_t)(x % spreads[j]) * 0x9e3779b1u : (uint32_t)x;
				v[k].item = (int64_t)(x >> 40) - (1 << 23);
				v[k].next = (uint32_t)k;
			}
			memcpy(w, v, n * sizeof *v);
			store_xref_sort(v, n);
			qsort(w, n, sizeof *w, ref_cmp);
			for (k = 0, bad = 0; k < n; k++)
				bad += v[k].h != w[k].h || v[k].item != w[k].item;
			CHECK_INT(bad, 0);
			free(v);
			free(w);
		}
}

int
main(void)
{
	struct store *s;
	char err[512], cmd[128];

	RUN(test_xref_sort);
	if (!mkdtemp(dir))
		return 1;
	if (!(s = store_open(dir, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	test_feed_state(s);
	test_dedup(s);
	test_dedup_in_batch(s);
	test_deferred(s);
	test_carried(s);
	test_dedup_prefix(s);
	test_mentions_and_outbox(s);
	test_transactions(s);
	test_items_prune(s);
	test_item_keys(s);
	store_close(s);
	/* Reopening an up-to-date database migrates nothing and keeps data. */
	s = store_open(dir, err, sizeof err);
	CHECK(s != NULL);
	if (s) {
		struct feed_state fs;

		CHECK_INT(store_feed_state(s, "f", &fs), 0);
		CHECK_INT(fs.next_due, 1000);
		test_shrunk(s);
		free(fs.etag);
		free(fs.last_modified);
		free(fs.last_error);
		store_close(s);
	}
	snprintf(cmd, sizeof cmd, "rm -f %s/earshot.db*", dir);
	CHECK_INT(system(cmd), 0);
	RUN(test_items_migration);
	CHECK_INT(system(cmd), 0);
	RUN(test_mentions_migration);
	CHECK_INT(system(cmd), 0);
	RUN(test_unexported_migration);
	CHECK_INT(system(cmd), 0);
	RUN(test_versions);
	CHECK_INT(system(cmd), 0);
	RUN(test_failed_migration);
	CHECK_INT(system(cmd), 0);
	RUN(test_checkpoint_start);
	CHECK_INT(system(cmd), 0);
	RUN(test_deferred_crash);
	CHECK_INT(system(cmd), 0);
	RUN(test_filter_kept);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
	return TEST_END();
}
