/* Scheduling: when a feed is due, what success and failure do to its state,
 * backoff doubling, cap, jitter and floor, Retry-After, and arithmetic at
 * absurd inputs. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "test.h"
#include "util.h"

static const struct schedule_opts opts = { .interval = 900, .min_interval = 60,
	.max_backoff = 86400 };

static struct fetch_job
ok_job(long status, const char *etag, const char *lm)
{
	struct fetch_job j = { .ok = 1, .status = status, .not_modified = status == 304 };

	j.new_etag = (char *)etag;
	j.new_last_modified = (char *)lm;
	return j;
}

static struct fetch_job
failed_job(long status, const char *error, int64_t retry_after)
{
	struct fetch_job j = { .status = status, .retry_after = retry_after };

	snprintf(j.error, sizeof j.error, "%s", error);
	return j;
}

/* A state in the middle of a failure streak with validators. */
static void
failing_state(struct feed_state *st)
{
	memset(st, 0, sizeof *st);
	st->failures = 3;
	st->failing_since = 500;
	st->last_success = 100;
	st->etag = xstrdup("\"old\"");
	st->last_modified = xstrdup("Mon, 01 Jan 2024 00:00:00 GMT");
	st->last_error = xstrdup("HTTP 500 Internal Server Error");
}

static void
test_due(void)
{
	struct feed_state st = {0};

	CHECK_INT(schedule_is_due(&st, 1000), 1);
	st.next_due = 1000;
	CHECK_INT(schedule_is_due(&st, 999), 0);
	CHECK_INT(schedule_is_due(&st, 1000), 1);
	CHECK_INT(schedule_is_due(&st, 1001), 1);
}

static void
test_success_resets(void)
{
	struct feed_state st;
	struct fetch_job j = ok_job(200, "\"new\"", NULL);
	unsigned rng = 1;

	failing_state(&st);
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK_INT(st.failures, 0);
	CHECK_INT(st.failing_since, 0);
	CHECK_INT(st.last_success, 10000);
	CHECK_INT(st.http_status, 200);
	CHECK_STR(st.last_error, NULL);
	CHECK_STR(st.etag, "\"new\"");
	/* A 200 without Last-Modified drops the old one: it no longer applies. */
	CHECK_STR(st.last_modified, NULL);
	CHECK_INT(st.next_due, 10000 + 900);
	CHECK_INT(st.last_attempt, 0);    /* the caller's to set */
	feed_state_clear(&st);
}

static void
test_not_modified_keeps_validators(void)
{
	struct feed_state st;
	struct fetch_job j = ok_job(304, NULL, NULL);
	unsigned rng = 1;

	failing_state(&st);
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK_STR(st.etag, "\"old\"");
	CHECK_STR(st.last_modified, "Mon, 01 Jan 2024 00:00:00 GMT");
	CHECK_INT(st.http_status, 304);
	CHECK_INT(st.failures, 0);
	j = ok_job(304, "\"v2\"", NULL);
	schedule_update(&st, &j, &opts, 20000, &rng);
	CHECK_STR(st.etag, "\"v2\"");
	CHECK_STR(st.last_modified, "Mon, 01 Jan 2024 00:00:00 GMT");
	CHECK_INT(st.next_due, 20900);
	feed_state_clear(&st);
	CHECK(st.etag == NULL && st.last_modified == NULL && st.last_error == NULL);
	CHECK_INT(st.next_due, 0);
}

static void
test_min_interval_floor(void)
{
	struct schedule_opts o = { .interval = 10, .min_interval = 300, .max_backoff = 86400 };
	struct feed_state st = {0};
	struct fetch_job ok = ok_job(200, NULL, NULL), bad = failed_job(500, "x", 0);
	unsigned rng = 7;
	int i;

	schedule_update(&st, &ok, &o, 1000, &rng);
	CHECK_INT(st.next_due, 1300);
	/* 10, 20, 40, 80, 160 s of backoff are all under the floor. */
	for (i = 0; i < 5; i++) {
		schedule_update(&st, &bad, &o, 1000, &rng);
		CHECK_INT(st.next_due, 1300);
	}
	schedule_update(&st, &bad, &o, 1000, &rng);    /* 320 s +-32 */
	CHECK(st.next_due >= 1300 && st.next_due <= 1000 + 352);
	feed_state_clear(&st);
}

static void
test_failure_streak(void)
{
	struct schedule_opts o = { .interval = 100, .min_interval = 1, .max_backoff = 3600 };
	struct feed_state st = {0};
	struct fetch_job j = failed_job(503, "HTTP 503 Service Unavailable", 0);
	unsigned rng = 12345;
	int64_t want, now;
	unsigned k;

	for (k = 1; k <= 12; k++) {
		now = 1000000 + k * 10000;
		schedule_update(&st, &j, &o, now, &rng);
		want = 100LL << (k - 1);
		if (want > 3600)
			want = 3600;
		CHECK_INT(st.failures, k);
		CHECK(st.next_due >= now + want - want / 10 && st.next_due <= now + want + want / 10);
	}
	CHECK_INT(st.failing_since, 1010000);
	CHECK_INT(st.http_status, 503);
	CHECK_STR(st.last_error, "HTTP 503 Service Unavailable");
	CHECK_INT(st.last_success, 0);
	feed_state_clear(&st);

	j = failed_job(0, "", 0);
	schedule_update(&st, &j, &o, 5, &rng);
	CHECK_STR(st.last_error, "fetch failed");
	feed_state_clear(&st);
}

/* The spread covers most of +-10% and never leaves it, and a zero seed
 * does not get the generator stuck. */
static void
test_jitter(void)
{
	struct schedule_opts o = { .interval = 1000, .min_interval = 1, .max_backoff = 86400 };
	struct fetch_job j = failed_job(500, "x", 0);
	int64_t lo = INT64_MAX, hi = 0, d;
	unsigned rng = 0;
	int i, out = 0;

	for (i = 0; i < 2000; i++) {
		struct feed_state st = {0};

		schedule_update(&st, &j, &o, 0, &rng);
		d = st.next_due;
		out += d < 900 || d > 1100;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		feed_state_clear(&st);
	}
	CHECK_INT(out, 0);
	CHECK(lo <= 910);
	CHECK(hi >= 1090);
	CHECK(rng != 0);
}

static void
test_retry_after(void)
{
	struct feed_state st = {0};
	struct fetch_job j = failed_job(503, "HTTP 503 Service Unavailable", 10000 + 5000);
	unsigned rng = 3;

	/* Longer than the first backoff (900 s +-10%): obeyed. */
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK_INT(st.next_due, 15000);
	/* Shorter than the backoff: the backoff wins. */
	j.retry_after = 10000 + 10;
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK(st.next_due >= 10000 + 1620 && st.next_due <= 10000 + 1980);
	/* In the past: ignored. */
	j.retry_after = 5;
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK(st.next_due >= 10000 + 3240 && st.next_due <= 10000 + 3960);
	/* Ten years: capped at max_backoff. */
	j.retry_after = 10000 + 10LL * 366 * 86400;
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK_INT(st.next_due, 10000 + 86400);
	/* Honoured even on success (e.g. a 200 that asks for a pause). */
	j = ok_job(200, NULL, NULL);
	j.retry_after = 10000 + 7200;
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK_INT(st.next_due, 17200);
	CHECK_INT(st.failures, 0);
	feed_state_clear(&st);
}

static void
test_overflow(void)
{
	struct schedule_opts huge = { .interval = LONG_MAX, .min_interval = LONG_MAX,
		.max_backoff = LONG_MAX };
	struct schedule_opts neg = { .interval = -5, .min_interval = -5, .max_backoff = -5 };
	struct feed_state st = {0};
	struct fetch_job j = failed_job(500, "x", INT64_MAX);
	unsigned rng = 9;

	st.failures = UINT_MAX - 1;
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK_INT(st.failures, UINT_MAX);
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK_INT(st.failures, UINT_MAX);
	/* Retry-After capped at max_backoff, the backoff itself at its +-10%. */
	CHECK(st.next_due >= 10000 + 86400 && st.next_due <= 10000 + 95040);
	j.retry_after = 0;
	st.failures = 5000;
	schedule_update(&st, &j, &opts, 10000, &rng);
	CHECK(st.next_due >= 10000 + 77760 && st.next_due <= 10000 + 95040);

	schedule_update(&st, &j, &huge, INT64_MAX - 10, &rng);
	CHECK(st.next_due == INT64_MAX);
	schedule_update(&st, &j, &huge, 10000, &rng);
	CHECK(st.next_due > 10000 + 90LL * 366 * 86400);
	schedule_update(&st, &j, &neg, 10000, &rng);
	CHECK(st.next_due == 10001);
	feed_state_clear(&st);
}

int
main(void)
{
	RUN(test_due);
	RUN(test_success_resets);
	RUN(test_not_modified_keeps_validators);
	RUN(test_min_interval_floor);
	RUN(test_failure_streak);
	RUN(test_jitter);
	RUN(test_retry_after);
	RUN(test_overflow);
	return TEST_END();
}
