#include "schedule.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Doublings beyond this cannot matter: 2^62 seconds outlasts any cap. */
#define MAX_DOUBLINGS 62

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
	int64_t cap = max64(o->max_backoff, 1), b = max64(o->interval, 1), j;
	unsigned k;

	for (k = 1; k < failures && k <= MAX_DOUBLINGS && b < cap; k++)
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
	int64_t floor = max64(o->min_interval, 1), wait, ra, longest;

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
		wait = o->interval;
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
		longest = max64(max64(o->max_backoff, o->interval), floor);
		ra = job->retry_after - now > longest ? add_secs(now, longest) :
		    job->retry_after;
		st->next_due = max64(st->next_due, ra);
	}
}
