/* One polling pass: the stages in order, feed by feed. */
#ifndef EARSHOT_PIPELINE_H
#define EARSHOT_PIPELINE_H

#include <stddef.h>

#include "conf.h"
#include "run_clock.h"

struct run_stats;

struct run_opts {
	int all;               /* ignore the schedule */
	const char *feed;      /* poll only this feed (implies all) */
	/* Called once the due feeds are counted, then after each feed is
	 * processed (st->done counts them); NULL for none. */
	void (*progress)(const struct run_stats *st, void *ctx);
	void *progress_ctx;
};

struct run_stats {
	unsigned feeds;        /* polled this run */
	unsigned done;         /* of those, processed so far */
	unsigned failed;       /* feeds whose fetch or parse failed */
	unsigned not_modified; /* answered 304 */
	unsigned items;        /* items read */
	unsigned new_items;    /* not seen before */
	unsigned mentions;     /* new mentions */
	unsigned pos, neu, neg;
	unsigned alerts;       /* new alerts */
	unsigned item_errors;  /* items skipped for an error (e.g. regex limit) */
	unsigned threads;      /* preparing feeds: 1 is the fetch thread alone */
	struct run_clock clock; /* where the time went */
};

enum run_result {
	RUN_OK = 0, RUN_PARTIAL = 1, RUN_FATAL = -1, RUN_LOCKED = -2,
	RUN_CONFIG = -3   /* a pattern or lexicon in the configuration is unusable */
};

/* Polls the due feeds of c (or as o says) and records, alerts and reports:
 * pipeline_prepare, pipeline_pass, pipeline_release. Returns RUN_OK,
 * RUN_PARTIAL when some feeds failed, RUN_LOCKED when another run holds the
 * lock (did nothing), RUN_CONFIG when a brand's pattern or a lexicon cannot
 * be used, or RUN_FATAL with the reason logged. */
enum run_result pipeline_run(const struct conf *c, const struct run_opts *o,
    struct run_stats *st);

/* What passes over one configuration share, built once from it (a
 * long-running `earshot watch` rebuilds them only when it reloads). */
struct pipeline_res {
	struct lexicon **lex;   /* per brand, as pipeline_lexicons */
	struct matcher *m;
};
/* Builds pr from c: everything the configuration names must be usable
 * before anything is written, so a typo in a pattern never leaves half a
 * state behind. 0, or -1 with the reason logged (pr is then empty). */
int pipeline_prepare(const struct conf *c, struct pipeline_res *pr);
/* Frees what pipeline_prepare built; pr may be empty. */
void pipeline_release(const struct conf *c, struct pipeline_res *pr);
/* One pass with pr (prepared from c): takes the state lock for its whole
 * duration, opens the store, polls, alerts, delivers, reports, closes and
 * unlocks. Returns as pipeline_run, except never RUN_CONFIG. */
enum run_result pipeline_pass(const struct conf *c, const struct pipeline_res *pr,
    const struct run_opts *o, struct run_stats *st);

/* The threads a pass prepares feeds on: c's `threads`, or when unset the
 * CPUs online, 1 to 16. */
unsigned pipeline_threads(const struct conf *c);

/* Loads the lexicon for each brand (the global list plus the brand's
 * overlays), sharing one load between brands with no overlay. out[i] is
 * brand i's; free with pipeline_lexicons_free. 0 or -1 (logged). */
struct lexicon;
int pipeline_lexicons(const struct conf *c, struct lexicon ***out);
void pipeline_lexicons_free(const struct conf *c, struct lexicon **lx);
/* Compiles every brand's patterns; NULL with the error logged. */
struct matcher *pipeline_matcher(const struct conf *c);

#endif
