/* The state database: SQLite in WAL mode under the state dir. Feed state,
 * seen items, mentions, alerts and the delivery outbox. A feed's batch is
 * one transaction, so a crash loses nothing committed and repeats nothing. */
#ifndef EARSHOT_STORE_H
#define EARSHOT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "schedule.h"

struct store;

/* A mention as stored and exported. Strings are owned by whoever filled the
 * struct: the pipeline for store_add_mention, the store for the readers
 * (freed by store_mention_clear). */
struct mention {
	char id[17];          /* hex of hash(brand, feed, item id) */
	char *brand, *feed, *item_id, *link, *author, *title, *snippet;
	char *matched;        /* the text the brand's pattern matched */
	size_t hl_start, hl_end; /* the match inside snippet, bytes */
	int64_t published, created;
	double compound;
	int label;            /* enum sentiment_label */
	char *aspects;        /* comma-separated, may be NULL */
	char *reason;         /* one line: which words scored it */
	double rating, rating_scale; /* item's rating (-1 / 0 when none) */
};

/* An alert and the mention behind it. */
struct alert {
	char id[17];
	char *kind;           /* negative | spike | negative_share | new_source */
	char *brand, *severity, *reason;
	int64_t created;
	char *json;           /* the full alert record as one JSON line */
};

/* Opens (creating, migrating) dir/earshot.db. Returns NULL with a reason in
 * err. The caller closes it with store_close. */
struct store *store_open(const char *dir, char *err, size_t errlen);
/* Opens dir/earshot.db only if it exists (readers such as `earshot check`
 * must not create state). NULL with err "" when there is none yet, NULL
 * with a reason in err on error. */
struct store *store_open_existing(const char *dir, char *err, size_t errlen);
/* Opens dir/earshot.db read-only with a small page cache, for a thread
 * reading beside the run's connection (the digest). NULL with a reason in
 * err, also when the database is not of this earshot's schema. */
struct store *store_open_reader(const char *dir, char *err, size_t errlen);
void store_close(struct store *s);
/* Last SQLite error message of this connection. */
const char *store_error(struct store *s);

int store_begin(struct store *s);
int store_commit(struct store *s);
void store_rollback(struct store *s);
/* Group commit for a run's feed batches: store_batch_begin opens a
 * transaction unless a batch is open; store_batch_end commits the open
 * batch once it has lasted STORE_BATCH_MS, or now when force is set.
 * A feed's work then always lies within one transaction, as with
 * store_begin, but the WAL gets one commit (every b-tree page touched,
 * written again) per batch of feeds, not per feed. Its new items'
 * cross-feed rows wait for the pass's end (see store_batch_end_deferred),
 * as the last batch's do. store_rollback ends a batch too. 0 or -1. */
int store_batch_begin(struct store *s);
int store_batch_end(struct store *s, int force);
/* Commits the open batch now, as store_batch_end(s, 1), without the
 * cross-feed rows of its new items (xref, store_items.c): what follows a
 * pass (the digest on its own connection, delivery) needs the results,
 * not those rows, and can start before they are written. They wait, still
 * found by the rules, through other commits until store_write_deferred;
 * if the process ends first, the next store_open writes them from the
 * items. 0 or -1. */
int store_batch_end_deferred(struct store *s);
/* Writes the rows store_batch_end_deferred left, and the items' filter if
 * the pass changed it (store_filter.c), in a transaction of their own. 0,
 * or -1 (logged: the next store_open writes the rows, and the next run
 * builds the filter from the items). */
int store_write_deferred(struct store *s);

/* Loads feed's state into st (zeroed when the feed is new). 0 or -1. */
int store_feed_state(struct store *s, const char *feed, struct feed_state *st);
/* Calls fn for every feed with a state, in byte order of the names; st's
 * strings are fn's to keep or free (feed_state_clear). 0 or -1. */
int store_each_feed_state(struct store *s,
    void (*fn)(const char *feed, struct feed_state *st, void *ctx), void *ctx);
int store_save_feed_state(struct store *s, const char *feed,
    const struct feed_state *st);

/* What the store knows an item by: 64-bit hashes, from store_item_keys,
 * which any thread may call. 0 is "none". */
struct item_keys {
	uint64_t key;          /* the feed and the item's id */
	uint64_t feed;
	uint64_t link;         /* 0: no link */
	uint64_t content;      /* title and text; 0: too short to compare */
};
void store_item_keys(const char *feed, const struct item *it, struct item_keys *k);
/* Where feed's items lie in the items table, as a number to sort feeds by:
 * a pass that stores them in this order goes through the table once,
 * where in any other order each of its pages was written (and, once the
 * table outgrew the page cache, read back) by every feed that shares it. */
uint64_t store_feed_order(const char *feed);
/* 1 if an item with this feed+id, or this link in another feed, or this
 * content was seen before; 0 if new; -1 on error. */
int store_item_seen(struct store *s, const struct item_keys *k);
/* Starts reading what store_item_add will look up first for k into the
 * CPU's cache: a batch's items, prefetched together, wait for memory once
 * and not once each (the filter outgrows the cache at 16,000 feeds). */
void store_item_prefetch(struct store *s, const struct item_keys *k);
/* Records the item as seen unless it was: 1 recorded (new), 0 seen
 * before (by store_item_seen's rules), -1 on error. */
int store_item_add(struct store *s, const struct item_keys *k, int64_t now);

/* Records a mention and json, its record for mentions.jsonl (ignored if its
 * id exists: returns 1). 0, 1 or -1. */
int store_add_mention(struct store *s, const struct mention *m, const char *json);
/* Records an alert and queues it for each channel named in channels
 * (NULL-terminated: "file", "webhook", "command"). 0, 1 if it existed, -1. */
int store_add_alert(struct store *s, const struct alert *a,
    const char *mention_id, const char *const *channels);

/* Mentions not yet written to mentions.jsonl, oldest first: calls fn for
 * each with its JSON line; stops and returns -1 if fn does. */
int store_each_unexported_mention(struct store *s,
    int (*fn)(const char *id, const char *json, void *ctx), void *ctx);
int store_mark_mention_exported(struct store *s, const char *id);

/* Outbox rows for channel that are due (next_try <= now), oldest first. */
int store_each_pending(struct store *s, const char *channel, int64_t now,
    int (*fn)(const char *alert_id, const char *brand, const char *json,
    unsigned attempts, void *ctx), void *ctx);
int store_mark_delivered(struct store *s, const char *alert_id,
    const char *channel, int64_t now);
int store_mark_failed(struct store *s, const char *alert_id,
    const char *channel, int64_t next_try, const char *error);
/* Marks an alert held back by channel's rate limit (its count went out in
 * a summary): delivered, never retried, not counted by store_count_sent.
 * 0 or -1. */
int store_mark_throttled(struct store *s, const char *alert_id,
    const char *channel, int64_t now);
/* How many of brand's alerts channel delivered (not throttled) since
 * `since`; -1 on error. */
long store_count_sent(struct store *s, const char *channel, const char *brand,
    int64_t since);

/* Per-brand counts of labels among mentions published in [from, to). */
struct brand_counts {
	char *brand;
	long total, pos, neu, neg;
	double compound_sum;
};
/* Fills *out (caller frees with store_counts_free). Returns n or -1. */
long store_counts(struct store *s, int64_t from, int64_t to,
    struct brand_counts **out);
void store_counts_free(struct brand_counts *c, long n);

/* Gives back most of the page cache: for what is left of a run after
 * delivery (the digest reads its rows once), so that the run's peak memory
 * is the larger of the two, not their sum. 0, or -1 (store_error says). */
int store_shrink_cache(struct store *s);

/* Copies what the WAL holds into the database as far as readers allow,
 * without waiting for them (a passive checkpoint): done beside the
 * digest's reading, it leaves store_close little to copy. After
 * store_checkpoint_start, it first waits for that one, so it has only
 * what was committed since to copy. 0 or -1. */
int store_checkpoint(struct store *s);
/* Starts a passive checkpoint on a thread and connection of its own, while
 * this connection goes on: its syncs of the WAL and of the database (75 ms
 * at the end of a 1,000-feed pass, with nothing else to do) then overlap
 * the delivery and the digest. Nothing is lost if it cannot start. */
void store_checkpoint_start(struct store *s);

/* Deletes mentions and delivered alerts older than keep_days, and seen
 * items too (at most once an hour: see ITEMS_PRUNE_EVERY). */
int store_prune(struct store *s, long keep_days, int64_t now);

/* Counts brand's mentions created in n windows of width seconds from
 * `from`: total[k] and neg[k] (label < 0) for [from + k*width, +width).
 * Both arrays (n long each) are the caller's. 0 or -1. */
int store_window_counts(struct store *s, const char *brand, int64_t from,
    int64_t width, size_t n, long *total, long *neg);
/* When brand's oldest stored mention was created; 0 if it has none, -1 on
 * error. */
int64_t store_first_mention(struct store *s, const char *brand);
/* Calls fn with the id and JSON of brand's newest mentions (at most limit,
 * only negative ones if neg_only) created in [from, to), newest first;
 * stops and returns -1 if fn does. 0 or -1. */
int store_each_recent_mention(struct store *s, const char *brand, int64_t from,
    int64_t to, int neg_only, int limit,
    int (*fn)(const char *id, const char *json, void *ctx), void *ctx);
/* Calls fn with each mention published in [from, to) (one with no date:
 * found in it), oldest first. m and its strings are the store's and last
 * only for the call. Stops and returns -1 if fn does; 0 or -1. */
int store_each_mention_in(struct store *s, int64_t from, int64_t to,
    int (*fn)(const struct mention *m, void *ctx), void *ctx);
/* When brand's newest alert of kind was created; 0 if none, -1 on error. */
int64_t store_last_alert(struct store *s, const char *brand, const char *kind);

/* Records host as a source brand is mentioned on: 0 if new, 1 if known,
 * -1 on error. */
int store_add_source(struct store *s, const char *brand, const char *host,
    int64_t now);
/* When brand's first recorded source was seen; 0 if none, -1 on error. */
int64_t store_first_source(struct store *s, const char *brand);

/* Lists alerts created since `since`, newest first, optionally for one
 * brand and kind. fn gets the alert's JSON line. */
int store_each_alert(struct store *s, int64_t since, const char *brand,
    const char *kind, int (*fn)(const char *json, void *ctx), void *ctx);

#endif
