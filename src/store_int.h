/* Private to the store (store.c, store_items.c, store_outbox.c, ...). */
#ifndef EARSHOT_STORE_INT_H
#define EARSHOT_STORE_INT_H

#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;     /* for messages */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[48];    /* prepared statements, finalised by store_close */
	size_t ncache;
	struct timespec batch_start; /* of the open batch; tv_sec 0: none */
	struct item_filter *filter;  /* store_filter.c's; NULL until needed */
	struct checkpointer *ckpt;   /* store_checkpoint_start's, until joined */
	int ckpt_pages;              /* WAL pages when on_wal last started one */
	struct item_pending *pending; /* store_items.c's; NULL until needed */
};

/* The prepared statement for sql, a string literal (the pointer is the
 * key); logs and returns NULL on error. Give it back with store_release
 * (or store_done) before the next use of the same sql. */
sqlite3_stmt *store_prep(struct store *s, const char *sql);
/* Resets a statement from store_prep for its next use. */
void store_release(sqlite3_stmt *st);
/* Binds v, or NULL when v is NULL. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Steps a statement that returns no rows and releases it. 0 or -1 (logged). */
int store_done(struct store *s, sqlite3_stmt *st);
/* The first column of sql's (a string literal, as for store_prep) first
 * row into *v: 1, or 0 when there is no row (*v untouched), -1 on error
 * (logged). */
int store_int64(struct store *s, const char *sql, int64_t *v);
/* Column i as a malloc'd string (NULL for SQL NULL); the caller frees. */
char *store_col_text(sqlite3_stmt *st, int i);

/* Registers the SQL functions earshot_key(feed, id), earshot_feed(feed),
 * earshot_link(link), earshot_content(hex) and earshot_rowid(feed, key),
 * the hashes the items table holds (store_items.c), for migrations. 0 or
 * -1. */
int store_items_functions(sqlite3 *db);
/* The unsigned hash as SQLite's signed 64-bit integer, without relying on
 * implementation-defined conversion, and back. */
static inline int64_t
as_int64(uint64_t h)
{
	return h > INT64_MAX ? -(int64_t)(~h) - 1 : (int64_t)h;
}

static inline uint64_t
as_uint64(int64_t v)
{
	return v < 0 ? ~(uint64_t)(-(v + 1)) : (uint64_t)v;
}

/* The Bloom filter of the items' link and content hashes (store_filter.c,
 * which says how it is kept). store_filter_ready reads or builds it:
 * 0, or -1 (logged); the others need it ready. */
int store_filter_ready(struct store *s);
/* 1 if h may have been added, 0 if it cannot have been. */
int store_filter_has(const struct store *s, uint64_t h);
/* Starts reading h's word, if the filter is ready. */
void store_filter_prefetch(const struct store *s, uint64_t h);
/* Before an item is added: the database's copy stops being valid, within
 * the caller's transaction. 0 or -1 (logged). */
int store_filter_will_add(struct store *s);
/* Adds a new item's hashes (0: none), growing the filter when it is full.
 * 0 or -1 (logged). */
int store_filter_add(struct store *s, uint64_t link, uint64_t content);
/* 1 when the database's copy is not the filter in memory. */
int store_filter_changed(const struct store *s);
/* Writes the filter's changed blocks and makes the copy valid, within the
 * caller's transaction. 0 or -1 (logged). */
int store_filter_save(struct store *s);
/* After a rollback, which may have brought back the database's copy as it
 * was: the next item deletes it again, and the next save writes it all. */
void store_filter_rollback(struct store *s);
void store_filter_free(struct store *s);

/* A new item's xref row, waiting for the commit (store_items.c). */
struct pending_row {
	uint32_t h;            /* the hash's top 32 bits, as xref's h */
	uint32_t next;         /* 1 + the next row of its chain, 0: none */
	int64_t item;
};

/* Sorts rows into xref's order (h as SQL's signed value, then item). */
void store_xref_sort(struct pending_row *v, size_t n);
/* Frees the items' filter and pending hashes (store_close). */
void store_items_close(struct store *s);
/* Writes the cross-feed hashes of the items added since the last flush
 * into xref, sorted, unless they are marked (store_commit, before its
 * COMMIT). 0 or -1 (logged). */
int store_items_flush(struct store *s);
/* Marks the rows waiting as the committed items' (in meta, within the
 * open transaction), for store_commit to leave waiting and the next
 * store_open to write should the process end first; they stay as they
 * are, and the rows added after them join them (store_batch_end). 0 or -1
 * (logged). */
int store_items_carry(struct store *s);
/* As store_items_carry, and readies them to wait beside the digest: the
 * pass is over. 0 or -1 (logged). */
int store_items_defer(struct store *s);
/* Writes the rows store_items_defer marked and drops the mark, in a
 * transaction of their own; 0 when there are none. 0 or -1 (logged). */
int store_items_write_deferred(struct store *s);
/* At store_open: writes the rows of a run that ended between the two
 * (the items seen since the mark's time), and drops the mark. 0 or -1. */
int store_items_repair(struct store *s);
/* Forgets them, for a rollback. */
void store_items_discard(struct store *s);

#endif
