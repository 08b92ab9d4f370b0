/* The Bloom filter of the items' link and content hashes, which tells the
 * cross-feed rules when a new item cannot match them (nearly always, so a
 * new item costs its insert and no lookups).
 *
 * It is kept in the database, in blocks of FILTER_BLOCK_WORDS, and read
 * back by the next run: built from the items table at each run, it cost
 * a scan of that table before the first new item could be stored (over
 * 800,000 items, 130-310 ms with the pass waiting on it), and that grew
 * with the history. A pass writes the blocks it changed at its end, in
 * the transaction of its xref rows (store_filter_save); before its first
 * new item it deletes meta's filter_words, so that a run that ends in
 * between leaves no copy that lacks its items, and the next builds one
 * from the table. Pruned items stay in it: a filter that holds more than
 * the table only costs lookups. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store_int.h"

/* The filter starts at 2^23 bits (1 MiB: half a million items at 8 bits a
 * hash) and doubles, rebuilt from the table, when it holds more hashes
 * than bits / 8. It is blocked: a hash's three bits lie in one 64-bit
 * word, one cache miss a lookup, not three (they were 13% of the store's
 * time), for a few more false positives (about 5% at 8 bits a hash, each
 * costing two index lookups). */
#define FILTER_MIN_WORDS (1u << 17)
/* A saved size above this (2 GiB, for half a billion items) is taken for
 * a damaged copy, and the filter built again. */
#define FILTER_MAX_WORDS (1ull << 28)
/* 4 KiB a row: a pass with a few new items rewrites a few rows. */
#define FILTER_BLOCK_WORDS 512

struct item_filter {
	uint64_t *words;
	uint64_t mask;         /* words - 1, a power of two */
	uint64_t n;            /* hashes added */
	unsigned char *dirty;  /* [blocks]: changed since read or written */
	int rewrite;           /* the table's rows are all to be replaced */
	int on_disk;           /* meta may call the database's copy valid */
	int unsaved;           /* this is not that copy: a pass saves it */
};

/* The filter's word and bits come from a mix of the hash (splitmix64's
 * finaliser), so that its low bits, FNV-1a's weakest, are not used raw. */
static uint64_t
mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* The word of h and its three bits in it. */
static uint64_t *
filter_word(const struct item_filter *f, uint64_t h, uint64_t *bits)
{
	uint64_t m = mix(h);

	*bits = 1ULL << (m >> 58) | 1ULL << (m >> 52 & 63) | 1ULL << (m >> 46 & 63);
	return &f->words[m & f->mask];
}

static void
filter_set(struct item_filter *f, uint64_t h)
{
	uint64_t bits, *w = filter_word(f, h, &bits);

	*w |= bits;
	f->dirty[(size_t)(w - f->words) / FILTER_BLOCK_WORDS] = 1;
	f->n++;
}

void
store_filter_free(struct store *s)
{
	if (s->filter) {
		free(s->filter->words);
		free(s->filter->dirty);
	}
	free(s->filter);
	s->filter = NULL;
}

/* Gives s a zeroed filter of words words; 0 or -1 (logged, s without one). */
static int
filter_alloc(struct store *s, uint64_t words)
{
	struct item_filter *f = s->filter;
	uint64_t *w = calloc(words, sizeof *w);
	unsigned char *d = calloc(words / FILTER_BLOCK_WORDS, 1);

	if (!w || !d || (!f && !(f = s->filter = calloc(1, sizeof *f)))) {
		free(w);
		free(d);
		log_error("%s: out of memory", s->path);
		store_filter_free(s);
		return -1;
	}
	free(f->words);
	free(f->dirty);
	*f = (struct item_filter){ .words = w, .mask = words - 1, .dirty = d };
	return 0;
}

/* (Re)builds the filter from every link and content hash in the table,
 * with 16 bits for each (twice what it needs, to grow into). 0, or -1
 * (logged; the filter is then dropped, to be built again). */
static int
filter_build(struct store *s)
{
	uint64_t words = FILTER_MIN_WORDS;
	int64_t rows = 0;
	sqlite3_stmt *st;
	int rc, i;

	if (store_int64(s, "SELECT count(*) FROM items", &rows) < 0)
		return -1;
	while (words * 64 / 16 < 2 * (uint64_t)rows)
		words *= 2;
	if (filter_alloc(s, words) < 0)
		return -1;
	/* A copy that could not be read is replaced, and until then not
	 * trusted. */
	s->filter->rewrite = s->filter->on_disk = s->filter->unsaved = 1;
	if (!(st = store_prep(s, "SELECT link, content FROM items"))) {
		store_filter_free(s);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < 2; i++)
			if (sqlite3_column_type(st, i) != SQLITE_NULL)
				filter_set(s->filter, as_uint64(sqlite3_column_int64(st, i)));
	store_release(st);
	if (rc != SQLITE_DONE) {
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
		store_filter_free(s);
		return -1;
	}
	return 0;
}

/* Reads the database's copy, if it has a valid one: 1, 0 when it has
 * none (or one of the wrong shape, which is rebuilt), -1 on error. */
static int
filter_load(struct store *s)
{
	int64_t words = 0, n = 0;
	uint64_t blocks, b, got = 0;
	const unsigned char *p;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if ((rc = store_int64(s, "SELECT value FROM meta WHERE name = 'filter_words'",
	    &words)) <= 0 || store_int64(s, "SELECT value FROM meta WHERE name = 'filter_n'",
	    &n) < 0)
		return rc;
	if (words < FILTER_MIN_WORDS || words > (int64_t)FILTER_MAX_WORDS ||
	    (words & (words - 1)) || n < 0)
		return 0;
	if (filter_alloc(s, (uint64_t)words) < 0)
		return -1;
	blocks = (uint64_t)words / FILTER_BLOCK_WORDS;
	if (!(st = store_prep(s, "SELECT block, bits FROM filter"))) {
		store_filter_free(s);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		b = (uint64_t)sqlite3_column_int64(st, 0);
		p = sqlite3_column_blob(st, 1);
		if (b >= blocks || !p || sqlite3_column_bytes(st, 1) != FILTER_BLOCK_WORDS * 8)
			break;
		/* little-endian, whatever the machine that wrote it */
		for (i = 0; i < FILTER_BLOCK_WORDS * 8; i++)
			s->filter->words[b * FILTER_BLOCK_WORDS + i / 8] |=
			    (uint64_t)p[i] << (i % 8 * 8);
		got++;
	}
	store_release(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_error("%s: %s", s->path, sqlite3_errmsg(s->db));
		store_filter_free(s);
		return -1;
	}
	if (rc == SQLITE_ROW || got != blocks) {
		store_filter_free(s);
		return 0;
	}
	s->filter->n = (uint64_t)n;
	s->filter->on_disk = 1;
	return 1;
}

int
store_filter_ready(struct store *s)
{
	int rc;

	if (s->filter)
		return 0;
	if ((rc = filter_load(s)) != 0)
		return rc < 0 ? -1 : 0;
	return filter_build(s);
}

int
store_filter_has(const struct store *s, uint64_t h)
{
	uint64_t bits, *w = filter_word(s->filter, h, &bits);

	return (*w & bits) == bits;
}

void
store_filter_prefetch(const struct store *s, uint64_t h)
{
	uint64_t bits;

	if (s->filter)
		__builtin_prefetch(filter_word(s->filter, h, &bits));
}

int
store_filter_will_add(struct store *s)
{
	sqlite3_stmt *st;

	if (s->filter->on_disk && (!(st = store_prep(s, "DELETE FROM meta"
	    " WHERE name = 'filter_words'")) || store_done(s, st) < 0))
		return -1;
	s->filter->on_disk = 0;
	s->filter->unsaved = 1;
	return 0;
}

int
store_filter_add(struct store *s, uint64_t link, uint64_t content)
{
	struct item_filter *f = s->filter;

	if (link)
		filter_set(f, link);
	if (content)
		filter_set(f, content);
	return f->n > (f->mask + 1) * 64 / 8 ? filter_build(s) : 0;
}

void
store_filter_rollback(struct store *s)
{
	if (s->filter)
		s->filter->rewrite = s->filter->on_disk = s->filter->unsaved = 1;
}

int
store_filter_changed(const struct store *s)
{
	return s->filter && s->filter->unsaved;
}

int
store_filter_save(struct store *s)
{
	struct item_filter *f = s->filter;
	unsigned char blob[FILTER_BLOCK_WORDS * 8];
	uint64_t blocks, b, w;
	sqlite3_stmt *st;
	size_t i;

	if (!store_filter_changed(s))
		return 0;
	if (f->rewrite && (!(st = store_prep(s, "DELETE FROM filter")) ||
	    store_done(s, st) < 0))
		return -1;
	blocks = (f->mask + 1) / FILTER_BLOCK_WORDS;
	for (b = 0; b < blocks; b++) {
		if (!f->dirty[b] && !f->rewrite)
			continue;
		for (i = 0; i < sizeof blob; i++) {
			w = f->words[b * FILTER_BLOCK_WORDS + i / 8];
			blob[i] = (unsigned char)(w >> (i % 8 * 8));
		}
		if (!(st = store_prep(s, "INSERT OR REPLACE INTO filter VALUES (?, ?)")))
			return -1;
		sqlite3_bind_int64(st, 1, (int64_t)b);
		sqlite3_bind_blob(st, 2, blob, (int)sizeof blob, SQLITE_TRANSIENT);
		if (store_done(s, st) < 0)
			return -1;
	}
	if (!(st = store_prep(s, "INSERT OR REPLACE INTO meta VALUES ('filter_n', ?),"
	    " ('filter_words', ?)")))
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)f->n);
	sqlite3_bind_int64(st, 2, (int64_t)(f->mask + 1));
	if (store_done(s, st) < 0)
		return -1;
	memset(f->dirty, 0, blocks);
	f->rewrite = f->unsaved = 0;
	f->on_disk = 1;
	return 0;
}
