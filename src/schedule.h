/* When each feed is next due: interval, backoff on failure, Retry-After. */
#ifndef EARSHOT_SCHEDULE_H
#define EARSHOT_SCHEDULE_H

#include <stdint.h>

#include "fetch.h"

/* A feed's polling state, persisted by the store. Strings are owned by the
 * struct (freed by feed_state_clear); NULL when absent. */
struct feed_state {
	int64_t last_attempt;   /* Unix seconds; 0 = never */
	int64_t last_success;
	int64_t next_due;       /* 0 = due now */
	int64_t failing_since;  /* first failure of the current streak; 0 if none */
	long http_status;
	unsigned failures;      /* consecutive failures */
	char *etag;
	char *last_modified;
	char *last_error;       /* one line, no secrets */
	int64_t row;            /* the state database's row it was read from, 0 if none */
};

struct schedule_opts {
	long interval;      /* the feed's own polling interval, seconds */
	long min_interval;  /* the operator's floor for any feed, seconds */
	long max_backoff;   /* cap on failure backoff, seconds */
};

/* Frees st's strings and zeroes every field. */
void feed_state_clear(struct feed_state *st);
/* 1 if the feed should be polled at time now. */
int schedule_is_due(const struct feed_state *st, int64_t now);
/* Updates st after a finished transfer: validators and status on success,
 * failure streak and error text on failure, and next_due from the interval,
 * exponential backoff with jitter (seeded by *rng) or Retry-After, never
 * sooner than min_interval. A Retry-After is obeyed up to the larger of
 * max_backoff and interval, so a broken server cannot silence a feed for
 * good; backoff jitter is +-10%. Durations below 1 s count as 1 s. */
void schedule_update(struct feed_state *st, const struct fetch_job *job,
    const struct schedule_opts *o, int64_t now, unsigned *rng);

#endif
