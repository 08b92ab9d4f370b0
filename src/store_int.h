/* Private to the store (store.c, store_items.c, store_outbox.c, ...). */
#ifndef EARSHOT_STORE_INT_H
#define EARSHOT_STORE_INT_H

#include <sqlite3.h>
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
	struct item_filter *filter;  /* store_items.c's; NULL until needed */
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
