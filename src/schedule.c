#include "schedule.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* No wait is longer than a century, whatever the configuration says; the
 * bound keeps every sum below far from overflow. */
#define MAX_WAIT (100LL * 366 * 86400)

void
feed_state_clear(struct feed_state *st)
{
	free(st->etag);
	free(st->last_modified);
	free(st->last_error);
	memset(st, 0, sizeof *st);
}

int
schedule_is_due(const struct feed_state *st, int64_t now)
{
	return st->next_due == 0 || st->next_due <= now;
}

/* now + secs without overflowing, whatever the inputs. */
static int64_t
add_secs(int64_t now, int64_t secs)
{
	if (secs > 0 && now > INT64_MAX - secs)
		return INT64_MAX;
	return now + secs;
}

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* A configured duration in [1, MAX_WAIT] seconds. */
static int64_t
secs(long v)
{
	return v < 1 ? 1 : v > MAX_WAIT ? MAX_WAIT : v;
}

static unsigned
xorshift32(unsigned *rng)
{
	uint32_t x = *rng ? (uint32_t)*rng : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*rng = x;
	return x;
}

/* interval * 2^(failures-1), capped, then spread by up to +-10% so feeds that
 * failed together do not retry in lockstep. */
static int64_t
backoff(const struct schedule_opts *o, unsigned failures, unsigned *rng)
{
	int64_t cap = secs(o->max_backoff), b = secs(o->interval), j;
	unsigned k;

	for (k = 1; k < failures && b < cap; k++)
		b *= 2;
	if (b > cap)
		b = cap;
	j = b / 10;
	if (j > 0)
		b += (int64_t)(xorshift32(rng) % (uint64_t)(2 * j + 1)) - j;
	return b;
}

/* Replaces *dst with a copy of src (NULL allowed). */
static void
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = xstrdup(src);
}

void
schedule_update(struct feed_state *st, const struct fetch_job *job,
    const struct schedule_opts *o, int64_t now, unsigned *rng)
{
	int64_t floor = secs(o->min_interval), wait, longest;

	st->http_status = job->status;
	if (job->ok) {
		st->last_success = now;
		st->failures = 0;
		st->failing_since = 0;
		set_str(&st->last_error, NULL);
		/* A 304 usually repeats the validators, but need not. */
		if (job->new_etag || !job->not_modified)
			set_str(&st->etag, job->new_etag);
		if (job->new_last_modified || !job->not_modified)
			set_str(&st->last_modified, job->new_last_modified);
		wait = secs(o->interval);
	} else {
		if (st->failures < UINT_MAX)
			st->failures++;
		if (!st->failing_since)
			st->failing_since = now;
		set_str(&st->last_error, job->error[0] ? job->error : "fetch failed");
		wait = backoff(o, st->failures, rng);
	}
	st->next_due = add_secs(now, max64(wait, floor));
	/* Obey Retry-After, but only up to the longest wait earshot would
	 * choose itself: a hostile or broken server must not silence a feed
	 * for years. */
	if (job->retry_after > now) {
		longest = add_secs(now, max64(max64(secs(o->max_backoff), secs(o->interval)),
		    floor));
		st->next_due = max64(st->next_due,
		    job->retry_after < longest ? job->retry_after : longest);
	}
}
