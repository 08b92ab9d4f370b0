/* The daily digest: one JSON document per day (schema 1, see the README)
 * built from the state database, and its views for people and tools.
 * Every view takes only the document, so each is testable from a file. */
#ifndef EARSHOT_DIGEST_H
#define EARSHOT_DIGEST_H

#include <jansson.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "store.h"

#define DIGEST_MAX_DAYS 366

/* Makes tz (an IANA name such as Europe/Berlin, or UTC) the process's
 * local time zone (TZ and tzset: the one global the digest changes);
 * setting the zone already set changes nothing. */
void digest_set_zone(const char *tz);
/* The local date ("2026-11-30") of t plus offset_days, in the zone set by
 * digest_set_zone, into out[11]. */
void digest_local_date(int64_t t, int offset_days, char out[11]);
/* Unix time of local midnight starting date + offset_days; -1 if date is
 * not a real YYYY-MM-DD day. */
int64_t digest_midnight(const char *date, int offset_days);

/* Builds the digest of date (YYYY-MM-DD, a local day) over the `days`
 * (1..DIGEST_MAX_DAYS) days ending with it, as of now; partial marks it
 * "today so far". Sets the zone from c->timezone. Returns a new reference
 * (json_decref it), or NULL with the reason logged. */
json_t *digest_build(struct store *s, const struct conf *c, const char *date,
    int days, int partial, int64_t now);

/* The views: append the document as Markdown (one screen per brand) or as
 * CSV (one row per brand x source x day, RFC 4180) to out. 0, or -1 when
 * out of memory. */
int digest_md(const json_t *doc, struct buf *out);
int digest_csv(const json_t *doc, struct buf *out);

/* Writes out_dir/digest/DATE.{json,md,csv} atomically and points
 * out_dir/digest/latest.* at them (relative symlinks, replaced atomically).
 * 0, or -1 with the reason logged. */
int digest_write(const char *out_dir, const json_t *doc);
/* What each run ends with: builds and writes today's digest so far (the
 * 7 days ending today in c->timezone, partial), unless the run found
 * nothing new (!changed) and today's files exist: a pass of 304s then
 * costs no digest. 0 or -1 (logged). */
int digest_today(struct store *s, const struct conf *c, int64_t now, int changed);
/* digest_today on a thread of its own, through its own read-only
 * connection to c->state_dir, so that the caller's connection can go on
 * (delivery, the summary) meanwhile: nothing may delete mentions until
 * digest_today_wait. Sets the zone on the caller's thread first. NULL
 * when no thread could start (logged): call digest_today then. */
struct digest_job *digest_today_start(const struct conf *c, int64_t now, int changed);
/* Waits for the digest: digest_today's result. Frees j. */
int digest_today_wait(struct digest_job *j);

#endif
