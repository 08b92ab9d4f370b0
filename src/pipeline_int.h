/* Private to the pipeline: what pipeline.c (the main thread: fetching,
 * storing, alerting) and pipeline_prep.c (the workers: parsing, matching,
 * scoring) share. Not for other modules. */
#ifndef EARSHOT_PIPELINE_INT_H
#define EARSHOT_PIPELINE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "fetch.h"
#include "item.h"
#include "parse.h"
#include "run_clock.h"
#include "sentiment.h"
#include "store.h"

/* Worker threads at most (conf_read.c's table holds `threads` to it). */
#define PIPELINE_MAX_THREADS 16

struct feed_run {
	const struct conf_feed *feed;
	struct feed_state state;
	struct parse_map map;
	struct fetch_job job;
	uint64_t order;        /* store_feed_order */
};

/* What every worker reads, shared and never written during a pass. */
struct prep_ctx {
	const struct conf *c;
	const struct matcher *m;
	struct lexicon *const *lex;     /* per brand */
	const struct sentiment_opts *so;
};

/* One brand's mention of an item, built up to (not including) the store:
 * the strings m points at are the item's or the hit's own. */
struct prep_hit {
	size_t brand;
	struct mention m;      /* snippet, matched, aspects, reason malloc'd */
	char *json;            /* record_mention's line */
	struct alert alert;    /* alert_for_negative's, when negative is 1 */
	int negative;
};

struct prep_item {
	struct item it;        /* taken from the parser */
	struct item_keys keys; /* what the store dedups it by */
	unsigned nerr;         /* brands the matcher skipped ... */
	char *warn;            /* ... and the first one's reason, or NULL */
	struct prep_hit *hits;
	size_t nhits;
};

/* One fetched feed, parsed and prepared by a worker, for the main thread to
 * store in order. Owns items and hits; job (and its body) stays the
 * feed_run's, the body freed once parsed. */
struct feed_batch {
	struct fetch_job *job;
	int64_t now;           /* when it was parsed */
	int nomem;             /* preparing ran out of memory: store nothing */
	unsigned recovered;    /* parse_stats.recovered */
	struct prep_item *items;
	size_t n, cap;
	/* Batches already stored, hung here for the worker to free before it
	 * parses (a list through ->spent): the main thread, the run's
	 * bottleneck, then never spends time on free(3). */
	struct feed_batch *spent;
	struct feed_batch *next; /* the main thread's list of feeds without a body */
};

/* A worker's own state. k is the clock its stages are charged to: its own
 * (own) on a pool thread, the run's on the main thread. */
struct prep_worker {
	const struct prep_ctx *px;
	struct match_scratch *ms;
	struct match_hit *hits;
	struct buf text;
	struct run_clock own, *k;
	int yield;             /* a pool thread: lowers its priority (prep_feed) */
};

/* Sets up w for px; k NULL means w's own clock. 0, or -1 out of memory
 * (w is then cleared). */
int prep_worker_init(struct prep_worker *w, const struct prep_ctx *px,
    struct run_clock *k);
void prep_worker_clear(struct prep_worker *w);
/* The workq_fn: parses batch->job (a struct feed_batch *task) into items
 * and hits, with w (a struct prep_worker *). The job must have a body (ok,
 * not a 304): pipeline.c stores the others without a worker. Parse
 * failures are left in the job (ok 0, error) as the fetcher leaves its own. */
void prep_feed(void *task, void *w);
/* A new batch for job; NULL when out of memory. */
struct feed_batch *prep_batch_new(struct fetch_job *job);
/* Frees the batch (not the job) and the spent ones on it; NULL is fine. */
void prep_batch_free(struct feed_batch *b);

#endif
