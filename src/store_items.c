/* Seen items, the dedup state. Rows hold 64-bit hashes, not the texts:
 * every item of every full pass is looked up and most are inserted, and
 * with TEXT columns that was a third of a run's CPU (five b-trees keyed by
 * long strings).
 *
 * An item's key (feed and id) is its rowid, so that the table is the key's
 * index and the insert its own uniqueness check: one b-tree fewer to write
 * per item than a table with a separate key index, and no lookup before
 * the insert. The top ROWID_FEED_BITS of the rowid are the feed's, so a
 * feed's items share pages and a batch dirties a few, not fifty. The
 * cross-feed rules read xref, (top 32 bits of a link or content hash,
 * item) in hash order; a Bloom filter of the links and contents kept
 * (store_filter.c) says when an item cannot match them, which for new
 * items is nearly always, so a new item costs its insert and no lookups.
 *
 * A new item's two xref rows wait in memory (struct item_pending, which
 * the cross-feed rules also read) and go in sorted at the commit:
 * inserted one by one, as an index on the items did, each landed on a
 * random page, and from 4,000 to 16,000 feeds their cost per item doubled
 * as the index outgrew the CPU's cache. Written at every 262,144 rows
 * instead, each write went through all of xref's pages again: the
 * sixth of a 16,000-feed pass took 88 ms, the first 31. So a pass's
 * commits leave them, marked in meta (xref_from: the next store_open
 * writes them if they never are): its batches' (store_items_carry), since
 * over 800,000 seen items each write went through xref's 60 MiB (a pass
 * that took longer than a batch's four seconds wrote them twice, 0.9 s
 * of the first write); and its last (store_items_defer), whose rows are
 * written beside the digest.
 *
 * A false "seen" needs two different items of one feed with equal 52-bit
 * hashes (a million items over a thousand feeds: about 1e-7), or two
 * equal 64-bit link or content hashes; both far below the odds of a feed
 * reusing a guid. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

/* Items shorter than this get no content hash: "Love it!" posted to two
 * feeds by two people is two mentions, not one syndicated post. */
#define MIN_HASHED_TEXT 64

#define ROWID_FEED_BITS 12

/* xref rows not yet written, with a chained hash on h for the cross-feed
 * rules' lookups. Both arrays grow with the rows: a watch pass with a few
 * new items holds a few kilobytes, a transaction of 16,000 feeds (four
 * seconds of work on two cores) 1.6 M rows in 33 MiB, which the page
 * cache gave up (store.c). At PENDING_MAX (40 MiB) they are written
 * before the commit. */
#define PENDING_MAX 2097152
#define PENDING_MIN 1024
#define PENDING_KEEP 65536

struct item_pending {
	struct pending_row *v; /* [cap] */
	uint32_t *head;        /* [cap], chains by h mod cap */
	size_t n, cap;         /* cap a power of two */
	int64_t seen_min;      /* the earliest seen of their items, if n */
	int marked;            /* meta's xref_from covers them: commits leave them */
	int keep_mark;         /* marked rows were discarded: only store_open drops it */
	int deferred;          /* marked, sorted, head NULL: the pass is over */
};

/* 0 means "none" in struct item_keys: a real hash of 0 becomes 1. */
static uint64_t
nonzero(uint64_t h)
{
	return h ? h : 1;
}

static uint64_t
feed_hash(const char *feed)
{
	return hash64(feed, strlen(feed) + 1);
}

/* The rowid: the feed's top bits over the top bits of hash64(feed \0 id). */
static uint64_t
item_rowid(uint64_t feed, uint64_t key)
{
	return (feed & ~(UINT64_MAX >> ROWID_FEED_BITS)) | (key >> ROWID_FEED_BITS);
}

uint64_t
store_feed_order(const char *feed)
{
	return item_rowid(feed_hash(feed), 0) >> (64 - ROWID_FEED_BITS);
}

static uint64_t
content_of(const char *title, const char *text)
{
	size_t tl = title ? strlen(title) : 0, xl = text ? strlen(text) : 0;

	if (tl + xl < MIN_HASHED_TEXT)
		return 0;
	return nonzero(hash64_more(hash64(title ? title : "", tl + 1), text ? text : "", xl));
}

void
store_item_keys(const char *feed, const struct item *it, struct item_keys *k)
{
	uint64_t fh = feed_hash(feed);

	k->feed = fh;
	k->key = item_rowid(fh, hash64_more(fh, it->id, strlen(it->id)));
	k->link = it->link ? nonzero(hash64(it->link, strlen(it->link))) : 0;
	k->content = content_of(it->title, it->text);
}

/* For the migration to schema 8: the content hash was 16 hex digits of
 * the same hash; anything else (never written by earshot) is hashed. */
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

	if (*kind == 'r') {
		h = item_rowid(as_uint64(sqlite3_value_int64(argv[0])),
		    as_uint64(sqlite3_value_int64(argv[1])));
	} else if (!a) {
		sqlite3_result_null(cx);
		return;
	} else if (argc == 2) {
		const char *b = (const char *)sqlite3_value_text(argv[1]);
		uint64_t fh = feed_hash(a);

		h = hash64_more(fh, b ? b : "", b ? strlen(b) : 0);
	} else if (*kind == 'f') {
		h = feed_hash(a);
	} else if (*kind == 'l') {
		h = nonzero(hash64(a, strlen(a)));
	} else {
		h = content_value(a);
	}
	sqlite3_result_int64(cx, as_int64(h));
}

int
store_items_functions(sqlite3 *db)
{
	static const struct { const char *name; int argc; } fn[] = {
		{ "earshot_key", 2 }, { "earshot_feed", 1 }, { "earshot_link", 1 },
		{ "earshot_content", 1 }, { "earshot_rowid", 2 },
	};
	size_t i;

	for (i = 0; i < NELEM(fn); i++)
		if (sqlite3_create_function(db, fn[i].name, fn[i].argc,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)(fn[i].name + 8),
		    sql_hash, NULL, NULL) != SQLITE_OK)
			return -1;
	return 0;
}

static uint32_t
top32(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* xref's h as SQL computes it: the signed hash shifted right by 32. */
static int64_t
xref_h(uint32_t top)
{
	return top > INT32_MAX ? -(int64_t)(UINT32_MAX - top) - 1 : (int64_t)top;
}

/* h as an unsigned key in the order of xref_h. */
static uint32_t
sort_key(uint32_t h)
{
	return h ^ 0x80000000u;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct pending_row *x = a, *y = b;
	uint32_t kx = sort_key(x->h), ky = sort_key(y->h);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static void
insertion_sort(struct pending_row *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct pending_row r = v[i];

		for (j = i; j > 0 && cmp_row(&r, &v[j - 1]) < 0; j--)
			v[j] = v[j - 1];
		v[j] = r;
	}
}

/* Sorts by the key's byte at shift and then each run of equal bytes by the
 * next (American flag sort): in place, where glibc's qsort is a merge sort
 * through a copy (25 MiB at the commit of 16,000 feeds), and without a
 * call per comparison: the sort of a 1,000-feed pass's 100,000 rows went
 * from 8 to 2 ms. Runs of 32 rows or fewer are sorted by insertion, rows
 * with equal hashes (one link in many feeds) by qsort. */
static void
flag_sort(struct pending_row *v, size_t n, int shift)
{
	size_t count[256] = {0}, next[256], end[256], i, b;

	if (n <= 32 || shift < 0) {
		if (n <= 32)
			insertion_sort(v, n);
		else
			qsort(v, n, sizeof *v, cmp_row);
		return;
	}
	for (i = 0; i < n; i++)
		count[(sort_key(v[i].h) >> shift) & 255]++;
	for (i = 0, b = 0; b < 256; i += count[b++]) {
		next[b] = i;
		end[b] = i + count[b];
	}
	for (b = 0; b < 256; b++) {
		while (next[b] < end[b]) {
			struct pending_row r = v[next[b]], t;
			unsigned d;

			/* Each row moved goes to the next free place of its run. */
			while ((d = (sort_key(r.h) >> shift) & 255) != b) {
				t = v[next[d]];
				v[next[d]++] = r;
				r = t;
			}
			v[next[b]++] = r;
		}
	}
	for (i = 0, b = 0; b < 256; i += count[b++])
		if (count[b] > 1)
			flag_sort(v + i, count[b], shift - 8);
}

void store_xref_sort(struct pending_row *v, size_t n) { flag_sort(v, n, 24); }

/* Empties p. Arrays above PENDING_KEEP rows are given back: the digest
 * after a large pass needs the memory (at 16,000 feeds, 33 MiB); so are
 * deferred rows', which have no chains to reuse. */
void
store_items_discard(struct store *s)
{
	struct item_pending *p = s->pending;
	int keep;

	if (!p)
		return;
	/* Rows of committed items, lost: the mark stays for the next
	 * store_open to write them. */
	keep = p->keep_mark || p->marked;
	if (p->cap > PENDING_KEEP || !p->head) {
		free(p->v);
		free(p->head);
		*p = (struct item_pending){0};
	} else if (p->n) {
		memset(p->head, 0, p->cap * sizeof *p->head);
		p->n = 0;
		p->marked = 0;
	}
	p->keep_mark = keep;
}

/* Doubles p's arrays (from PENDING_MIN) and chains its rows again. 0 or
 * -1 (p as it was). */
static int
pending_grow(struct item_pending *p)
{
	size_t cap = p->cap ? 2 * p->cap : PENDING_MIN, i;
	struct pending_row *v = realloc(p->v, cap * sizeof *v);
	uint32_t *head;

	if (!v)
		return -1;
	p->v = v;
	if (!(head = calloc(cap, sizeof *head)))
		return -1;
	free(p->head);
	p->head = head;
	p->cap = cap;
	for (i = 0; i < p->n; i++) {
		uint32_t *chain = &head[p->v[i].h & (cap - 1)];

		p->v[i].next = *chain;
		*chain = (uint32_t)i + 1;
	}
	return 0;
}

/* Rows per INSERT: one statement per row cost about what the index's
 * random insert did. */
#define FLUSH_ROWS 250
#define ROWS_2 "(?, ?), (?, ?)"
#define ROWS_10 ROWS_2 ", " ROWS_2 ", " ROWS_2 ", " ROWS_2 ", " ROWS_2
#define ROWS_50 ROWS_10 ", " ROWS_10 ", " ROWS_10 ", " ROWS_10 ", " ROWS_10
#define ROWS_250 ROWS_50 ", " ROWS_50 ", " ROWS_50 ", " ROWS_50 ", " ROWS_50
_Static_assert(sizeof ROWS_250 == FLUSH_ROWS * 8 - 1, "ROWS_250 holds FLUSH_ROWS rows");

/* Deletes the mark, within the caller's transaction. 0 or -1 (logged). */
static int
drop_mark(struct store *s)
{
	sqlite3_stmt *st = store_prep(s, "DELETE FROM meta WHERE name = 'xref_from'");

	return st ? store_done(s, st) : -1;
}

/* Writes every waiting row into xref, sorted, and drops the mark if they
 * had one, in the caller's transaction (or statement by statement outside
 * one: a crash between them leaves the mark, and writing them again from
 * it changes nothing). 0 or -1 (logged). */
static int
write_rows(struct store *s)
{
	struct item_pending *p = s->pending;
	static const char one[] = "INSERT OR IGNORE INTO xref VALUES (?, ?)",
	    many[] = "INSERT OR IGNORE INTO xref VALUES " ROWS_250;
	sqlite3_stmt *st;
	size_t i, k, rows;

	if (!p || !p->n)
		return 0;
	if (p->head)
		store_xref_sort(p->v, p->n);
	for (i = 0; i < p->n; i += rows) {
		rows = p->n - i >= FLUSH_ROWS ? FLUSH_ROWS : 1;
		if (!(st = store_prep(s, rows > 1 ? many : one)))
			return -1;
		for (k = 0; k < rows; k++) {
			sqlite3_bind_int64(st, (int)(2 * k + 1), xref_h(p->v[i + k].h));
			sqlite3_bind_int64(st, (int)(2 * k + 2), p->v[i + k].item);
		}
		if (store_done(s, st) < 0)
			return -1;
	}
	if (p->marked && !p->keep_mark && drop_mark(s) < 0)
		return -1;
	p->marked = 0;
	store_items_discard(s);
	return 0;
}

int
store_items_flush(struct store *s)
{
	struct item_pending *p = s->pending;

	return p && p->marked ? 0 : write_rows(s);
}

/* Adds the row for hash h of item, seen at seen, to the pending ones,
 * writing them first when they are PENDING_MAX. 0 or -1 (logged). */
static int
pending_add(struct store *s, uint64_t h, int64_t item, int64_t seen)
{
	struct item_pending *p = s->pending;
	uint32_t *chain;

	if (!p && !(p = s->pending = calloc(1, sizeof *p))) {
		log_error("%s: out of memory", s->path);
		return -1;
	}
	/* New rows after deferred ones: those, which have no chains, go in
	 * first. */
	if ((p->deferred || p->n == PENDING_MAX) && write_rows(s) < 0)
		return -1;
	if (p->n == p->cap && pending_grow(p) < 0) {
		log_error("%s: out of memory", s->path);
		return -1;
	}
	if (!p->n || seen < p->seen_min)
		p->seen_min = seen;
	chain = &p->head[top32(h) & (p->cap - 1)];
	p->v[p->n] = (struct pending_row){ .h = top32(h), .next = *chain, .item = item };
	*chain = (uint32_t)++p->n;
	return 0;
}

/* The mark of committed items without their xref rows: the earliest time
 * they were seen. A pass's items are seen from its start, so rows written
 * again from a mark cover at most that pass (and INSERT OR IGNORE makes
 * any written already harmless). */
int
store_items_carry(struct store *s)
{
	struct item_pending *p = s->pending;
	sqlite3_stmt *st;

	if (!p || !p->n)
		return 0;
	if (!(st = store_prep(s, "INSERT INTO meta VALUES ('xref_from', ?) ON CONFLICT (name)"
	    " DO UPDATE SET value = min(value, excluded.value)")))
		return -1;
	sqlite3_bind_int64(st, 1, p->seen_min);
	if (store_done(s, st) < 0)
		return -1;
	p->marked = 1;
	return 0;
}

int
store_items_defer(struct store *s)
{
	struct item_pending *p = s->pending;
	struct pending_row *v;

	if (!p || !p->n || p->deferred)
		return 0;
	if (store_items_carry(s) < 0)
		return -1;
	/* Waiting beside the digest, they are sorted for the write and for
	 * the rules' lookups, without their chains and at their size: at
	 * 16,000 feeds, 26 MiB where they held 40. */
	store_xref_sort(p->v, p->n);
	free(p->head);
	p->head = NULL;
	if ((v = realloc(p->v, p->n * sizeof *v)))
		p->v = v;
	p->cap = p->n;
	p->deferred = 1;
	return 0;
}

int
store_items_write_deferred(struct store *s)
{
	struct item_pending *p = s->pending;

	if ((!p || !p->deferred) && !store_filter_changed(s))
		return 0;
	if (store_begin(s) < 0 || write_rows(s) < 0 || store_filter_save(s) < 0 ||
	    store_commit(s) < 0) {
		log_error("%s: could not record this run's new items for the cross-feed "
		    "rules; the next run will", s->path);
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
store_items_repair(struct store *s)
{
	sqlite3_stmt *st;
	int64_t from;
	int rc = store_int64(s, "SELECT value FROM meta WHERE name = 'xref_from'", &from);

	if (rc <= 0)
		return rc;
	log_notice("%s: the last run ended before it had recorded its new items for "
	    "the cross-feed rules; recording them now", s->path);
	if (store_begin(s) < 0)
		return -1;
	if (!(st = store_prep(s, "INSERT OR IGNORE INTO xref SELECT h, item FROM"
	    " (SELECT link >> 32 AS h, id AS item FROM items WHERE link IS NOT NULL AND seen >= ?1"
	    " UNION ALL SELECT content >> 32, id FROM items WHERE content IS NOT NULL"
	    " AND seen >= ?1) ORDER BY h, item")))
		goto fail;
	sqlite3_bind_int64(st, 1, from);
	if (store_done(s, st) < 0 || drop_mark(s) < 0 || store_commit(s) < 0)
		goto fail;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

void
store_items_close(struct store *s)
{
	if (s->pending) {
		free(s->pending->v);
		free(s->pending->head);
	}
	free(s->pending);
	s->pending = NULL;
	store_filter_free(s);
}

/* 1 if sql with ?1 = v (and ?2 = feed, ?3 = item, as far as it has
 * parameters) finds a row, 0 if not, -1 on error. Statements of their
 * own, not one with OR: each then reads its own b-tree and the next is
 * skipped after a match (a MULTI-INDEX OR cost 15% more). */
static int
probe_item(struct store *s, const char *sql, uint64_t v, uint64_t feed, int64_t item)
{
	sqlite3_stmt *st = store_prep(s, sql);
	int rc, n;

	if (!st)
		return -1;
	n = sqlite3_bind_parameter_count(st);
	sqlite3_bind_int64(st, 1, as_int64(v));
	if (n > 1)
		sqlite3_bind_int64(st, 2, as_int64(feed));
	if (n > 2)
		sqlite3_bind_int64(st, 3, item);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
	return -1;
}

static int
probe(struct store *s, const char *sql, uint64_t v, uint64_t feed)
{
	return probe_item(s, sql, v, feed, 0);
}

/* 1 if item has link h in another feed (link set) or content h, 0 if
 * not, -1 on error. */
static int
row_match(struct store *s, uint64_t h, int link, uint64_t feed, int64_t item)
{
	return link ? probe_item(s, "SELECT 1 FROM items WHERE id = ?3 AND link = ?1"
	    " AND feed <> ?2", h, feed, item) :
	    probe_item(s, "SELECT 1 FROM items WHERE id = ?3 AND content = ?1", h, 0, item);
}

/* 1 if a pending row for h is an item with this link in another feed
 * (link set) or with this content, 0 if none, -1 on error. */
static int
pending_match(struct store *s, uint64_t h, int link, uint64_t feed)
{
	struct item_pending *p = s->pending;
	size_t lo = 0, hi, mid;
	uint32_t i;
	int rc = 0;

	if (p && p->deferred) {
		/* sorted: the first row of h by bisection, then its run */
		for (hi = p->n; lo < hi; )
			if (sort_key(p->v[mid = lo + (hi - lo) / 2].h) < sort_key(top32(h)))
				lo = mid + 1;
			else
				hi = mid;
		for (; lo < p->n && p->v[lo].h == top32(h) && rc == 0; lo++)
			rc = row_match(s, h, link, feed, p->v[lo].item);
		return rc;
	}
	for (i = p && p->cap ? p->head[top32(h) & (p->cap - 1)] : 0; i && rc == 0;
	    i = p->v[i - 1].next)
		if (p->v[i - 1].h == top32(h))
			rc = row_match(s, h, link, feed, p->v[i - 1].item);
	return rc;
}

/* The cross-feed rules: the same link in another feed, or the same
 * content anywhere, in xref and among the rows still pending. NULL link
 * or hash compares equal to nothing; the rows found are checked whole. */
static int
seen_elsewhere(struct store *s, const struct item_keys *k)
{
	int rc = 0;

	if (k->link && (rc = probe(s, "SELECT 1 FROM xref x JOIN items i ON i.id = x.item"
	    " WHERE x.h = ?1 >> 32 AND i.link = ?1 AND i.feed <> ?2 LIMIT 1",
	    k->link, k->feed)) == 0)
		rc = pending_match(s, k->link, 1, k->feed);
	if (rc == 0 && k->content && (rc = probe(s, "SELECT 1 FROM xref x JOIN items i"
	    " ON i.id = x.item WHERE x.h = ?1 >> 32 AND i.content = ?1 LIMIT 1",
	    k->content, 0)) == 0)
		rc = pending_match(s, k->content, 0, 0);
	return rc;
}

/* 1 when the filter cannot rule out the cross-feed rules for k, 0 when it
 * can, -1 when it could not be read or built. */
static int
maybe_elsewhere(struct store *s, const struct item_keys *k)
{
	if (store_filter_ready(s) < 0)
		return -1;
	return (k->link && store_filter_has(s, k->link)) ||
	    (k->content && store_filter_has(s, k->content));
}

void
store_item_prefetch(struct store *s, const struct item_keys *k)
{
	if (k->link)
		store_filter_prefetch(s, k->link);
	if (k->content)
		store_filter_prefetch(s, k->content);
}

/* Within one feed the id decides: review feeds (App Store) give every
 * review the app's link. */
static int
seen_key(struct store *s, const struct item_keys *k)
{
	return probe(s, "SELECT 1 FROM items WHERE id = ?1", k->key, 0);
}

int
store_item_seen(struct store *s, const struct item_keys *k)
{
	int rc = seen_key(s, k);

	if (rc == 0 && (rc = maybe_elsewhere(s, k)) == 1)
		rc = seen_elsewhere(s, k);
	return rc;
}

int
store_item_add(struct store *s, const struct item_keys *k, int64_t now)
{
	sqlite3_stmt *st;
	int rc = maybe_elsewhere(s, k);

	if (rc < 0)
		return -1;
	/* An item seen before in its own feed is "maybe" (its link and content
	 * are in the filter): its key, a rowid lookup, is checked first. A
	 * new item is nearly always "no": the insert checks its key. */
	if (rc == 1 && ((rc = seen_key(s, k)) != 0 || (rc = seen_elsewhere(s, k)) != 0))
		return rc < 0 ? -1 : 0;
	if (store_filter_will_add(s) < 0 ||
	    !(st = store_prep(s, "INSERT OR IGNORE INTO items (id, feed, link, content,"
	    " seen) VALUES (?1, ?2, ?3, ?4, ?5)")))
		return -1;
	sqlite3_bind_int64(st, 1, as_int64(k->key));
	sqlite3_bind_int64(st, 2, as_int64(k->feed));
	if (k->link)
		sqlite3_bind_int64(st, 3, as_int64(k->link));
	if (k->content)
		sqlite3_bind_int64(st, 4, as_int64(k->content));
	sqlite3_bind_int64(st, 5, now);
	if (store_done(s, st) < 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 0;       /* the key was there */
	/* Outside a transaction the item is committed already: its rows
	 * follow it at once. */
	if ((k->link && pending_add(s, k->link, as_int64(k->key), now) < 0) ||
	    (k->content && pending_add(s, k->content, as_int64(k->key), now) < 0) ||
	    (sqlite3_get_autocommit(s->db) && write_rows(s) < 0) ||
	    store_filter_add(s, k->link, k->content) < 0)
		return -1;
	return 1;
}
