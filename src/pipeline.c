/* One polling pass: the stages in order, feed by feed, each feed's batch in
 * one transaction (with those of the feeds finished just before or after
 * it: see store_batch_begin); then alert rules over the whole, delivery
 * and reports. */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "deliver.h"
#include "digest.h"
#include "fetch.h"
#include "lexicon.h"
#include "log.h"
#include "match.h"
#include "parse.h"
#include "record.h"
#include "report.h"
#include "schedule.h"
#include "sentiment.h"
#include "store.h"
#include "util.h"
#include "version.h"

/* Items shorter than this get no content hash: "Love it!" posted to two
 * feeds by two people is two mentions, not one syndicated post. */
#define MIN_HASHED_TEXT 64

struct feed_run {
	const struct conf_feed *feed;
	struct feed_state state;
	struct parse_map map;
	struct fetch_job job;
};

struct run {
	const struct conf *c;
	const struct run_opts *o;
	struct store *s;
	struct matcher *m;
	struct lexicon **lex;
	struct sentiment_opts so;
	struct schedule_opts sched;
	const char *channels[4];
	struct run_stats *st;
	unsigned rng;
	int store_failed;
	/* the feed being processed */
	const struct conf_feed *feed;
	struct match_hit *hits;
	struct buf text;
	unsigned feed_items, feed_new, feed_mentions;
};

/* Takes an exclusive lock on STATE/earshot.lock for the life of the
 * process (fcntl locks die with it, so a killed run never leaves a stale
 * lock). Returns the fd, -2 if another process holds it, -1 on error. */
static int
take_lock(const char *dir)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct buf path = {0};
	int fd;

	buf_printf(&path, "%s/earshot.lock", dir);
	fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_error("%s: cannot create the run lock: %s", path.data, strerror(errno));
		buf_free(&path);
		return -1;
	}
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		int busy = errno == EACCES || errno == EAGAIN;

		if (busy && fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			log_notice("another earshot run (pid %ld) is still working on %s; "
			    "this one exits without doing anything", (long)fl.l_pid, dir);
		else if (busy)
			log_notice("another earshot run is still working on %s", dir);
		else
			log_error("%s: cannot lock: %s", path.data, strerror(errno));
		close(fd);
		buf_free(&path);
		return busy ? -2 : -1;
	}
	buf_free(&path);
	return fd;
}

static void
aspects_csv(const struct lexicon *lx, unsigned bits, struct buf *out)
{
	const char *name;
	unsigned i;

	for (i = 0; (name = sentiment_aspect_name(lx, i)); i++) {
		if (!(bits & (1u << i)))
			continue;
		if (out->len)
			buf_putc(out, ',');
		buf_puts(out, name);
	}
}

/* An item with a star rating: the rating is reported next to the text score
 * in the reason, and blended into the score as the brand's rating_weight
 * says (0, the default, leaves the text score alone). */
static void
rating_note(struct sentiment *sc, const struct sentiment_opts *so,
    const struct item *it, double weight, struct buf *reason)
{
	double text = sc->compound;

	if (it->rating < 0)
		return;
	sentiment_blend_rating(sc, so, it->rating, weight);
	buf_printf(reason, "; text %+.2f, rating %.3g/%g", text,
	    it->rating * (it->rating_scale > 0 ? it->rating_scale : 1),
	    it->rating_scale > 0 ? it->rating_scale : 1);
	if (weight > 0)
		buf_printf(reason, ", blended %+.2f (rating_weight %g)", sc->compound, weight);
}

/* Builds, scores and records the mention of one brand in the current item;
 * alerts when it is negative enough. */
static int
record_hit(struct run *r, const struct item *it, const struct match_hit *h, int64_t now)
{
	const struct conf_brand *b = &r->c->brands[h->brand];
	const struct lexicon *lx = r->lex[h->brand];
	const char *text = r->text.data;
	struct buf aspects = {0}, reason = {0};
	struct mention m = {0};
	struct sentiment sc;
	struct alert a;
	char *json, *p;
	uint64_t id;
	int rc = -1, added;

	id = hash64(b->name, strlen(b->name) + 1);
	id = hash64_more(id, r->feed->name, strlen(r->feed->name) + 1);
	id = hash64_more(id, it->id, strlen(it->id));
	hash64_hex(id, m.id);
	m.brand = b->name;
	m.feed = r->feed->name;
	m.item_id = it->id;
	m.link = it->link;
	m.author = it->author;
	m.title = it->title;
	m.published = it->published;
	m.created = now;
	m.rating = it->rating;
	m.rating_scale = it->rating_scale;
	m.snippet = xstrndup(text + h->ctx_start, h->ctx_end - h->ctx_start);
	m.matched = xstrndup(text + h->start, h->end - h->start);
	if (!m.snippet || !m.matched)
		goto out;
	/* Line breaks become spaces: same length, so offsets stay valid. */
	for (p = m.snippet; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	m.hl_start = h->start - h->ctx_start;
	m.hl_end = h->end - h->ctx_start;
	run_clock_enter(&r->st->clock, STAGE_SCORE);
	sentiment_score(lx, &r->so, m.snippet, strlen(m.snippet), &sc);
	aspects_csv(lx, sc.aspects, &aspects);
	m.aspects = aspects.data;
	sentiment_reason(lx, m.snippet, strlen(m.snippet), &reason);
	rating_note(&sc, &r->so, it, b->rating_weight, &reason);
	m.compound = sc.compound;
	m.label = sc.label;
	m.reason = reason.data;
	run_clock_enter(&r->st->clock, STAGE_STORE);
	if (!(json = record_mention(&m)))
		goto out;
	added = store_add_mention(r->s, &m, json);
	free(json);
	if (added < 0)
		goto out;
	rc = 0;
	if (added == 1)
		goto out;     /* recorded by an earlier run */
	run_clock_enter(&r->st->clock, STAGE_ALERT);
	r->st->mentions++;
	r->feed_mentions++;
	if (sc.label > 0)
		r->st->pos++;
	else if (sc.label < 0)
		r->st->neg++;
	else
		r->st->neu++;
	if ((added = alert_for_negative(&m, b->negative_threshold, &a)) > 0) {
		int ar = store_add_alert(r->s, &a, m.id, r->channels);

		if (ar == 0)
			r->st->alerts++;
		rc = ar < 0 ? -1 : 0;
		alert_clear(&a);
	} else if (added < 0) {
		rc = -1;
	}
	if (rc == 0 && (added = alert_new_source(r->s, &m, b->new_source_alerts,
	    r->channels)) != 0) {
		r->st->alerts += added > 0;
		rc = added < 0 ? -1 : 0;
	}
out:
	free(m.snippet);
	free(m.matched);
	buf_free(&aspects);
	buf_free(&reason);
	return rc;
}

static void
content_hash(const struct item *it, char out[17])
{
	size_t tl = it->title ? strlen(it->title) : 0, xl = it->text ? strlen(it->text) : 0;
	uint64_t h;

	out[0] = '\0';
	if (tl + xl < MIN_HASHED_TEXT)
		return;
	h = hash64(it->title ? it->title : "", tl + 1);
	h = hash64_more(h, it->text ? it->text : "", xl);
	hash64_hex(h, out);
}

static int
item_work(struct item *it, struct run *r)
{
	char hash[17], err[512];
	unsigned nerr = 0;
	int64_t now = time(NULL);
	int seen, n, i;

	r->st->items++;
	r->feed_items++;
	content_hash(it, hash);
	run_clock_enter(&r->st->clock, STAGE_DEDUP);
	seen = store_item_seen(r->s, r->feed->name, it, hash[0] ? hash : NULL);
	if (seen < 0) {
		r->store_failed = 1;
		return 1;
	}
	if (seen)
		return 0;
	run_clock_enter(&r->st->clock, STAGE_STORE);
	if (store_add_item(r->s, r->feed->name, it, hash[0] ? hash : NULL, now) < 0) {
		r->store_failed = 1;
		return 1;
	}
	r->st->new_items++;
	r->feed_new++;
	/* The title is a sentence of its own: a line break keeps the matcher
	 * from gluing it to the body's first sentence. */
	buf_reset(&r->text);
	if (it->title)
		buf_printf(&r->text, "%s\n\n", it->title);
	if (it->text)
		buf_puts(&r->text, it->text);
	if (!r->text.len)
		return 0;
	run_clock_enter(&r->st->clock, STAGE_MATCH);
	n = match_text(r->m, r->feed->name, r->text.data, r->text.len, r->hits,
	    r->c->nbrands, &nerr, err, sizeof err);
	if (nerr) {
		log_warn("feed %s: item %s: %s", r->feed->name, it->id, err);
		r->st->item_errors += nerr;
	}
	for (i = 0; i < n; i++) {
		if (record_hit(r, it, &r->hits[i], now) < 0) {
			r->store_failed = 1;
			return 1;
		}
	}
	return 0;
}

/* The parser's callback: dedup, match, score and record one item. */
static int
on_item(struct item *it, void *ctx)
{
	struct run *r = ctx;
	int rc = item_work(it, r);

	run_clock_enter(&r->st->clock, STAGE_PARSE);
	return rc;
}

/* Parses a fetched body and records the feed's whole batch in one
 * transaction. */
static void
feed_work(struct fetch_job *job, struct run *r)
{
	struct feed_run *fr = job->user;
	struct parse_stats ps = {0};
	int64_t now = time(NULL);
	char err[sizeof job->error];

	r->feed = fr->feed;
	r->feed_items = r->feed_new = r->feed_mentions = 0;
	if (r->store_failed || store_batch_begin(r->s) < 0) {
		r->store_failed = 1;
		fetch_job_clear(job);
		return;
	}
	if (job->ok && !job->not_modified) {
		struct parse_source src = {
			.feed = fr->feed->name,
			.url = job->effective_url ? job->effective_url : fr->feed->url,
			.content_type = job->content_type,
			.data = job->body,
			.len = job->len,
			.fetch_time = now,
			.type = (enum parse_type)parse_type_from_name(fr->feed->type),
			.map = &fr->map,
		};

		if (parse_feed(&src, on_item, r, &ps, err, sizeof err) < 0) {
			job->ok = 0;
			snprintf(job->error, sizeof job->error, "%s", err);
		} else if (ps.recovered) {
			log_info("feed %s: repaired %u problem(s) in the document",
			    fr->feed->name, ps.recovered);
		}
	}
	if (r->store_failed) {
		store_rollback(r->s);
		fetch_job_clear(job);
		return;
	}
	if (!job->ok) {
		r->st->failed++;
		log_error("feed %s: %s", fr->feed->name, job->error);
	} else if (job->not_modified) {
		r->st->not_modified++;
		log_info("feed %s: not modified", fr->feed->name);
	} else {
		log_info("feed %s: %u items, %u new, %u mentions", fr->feed->name,
		    r->feed_items, r->feed_new, r->feed_mentions);
	}
	{
		struct schedule_opts so = r->sched;

		so.interval = fr->feed->interval;
		schedule_update(&fr->state, job, &so, now, &r->rng);
	}
	fr->state.last_attempt = now;
	run_clock_enter(&r->st->clock, STAGE_STORE);
	if (store_save_feed_state(r->s, fr->feed->name, &fr->state) < 0 ||
	    store_batch_end(r->s, 0) < 0) {
		store_rollback(r->s);
		r->store_failed = 1;
	}
	fetch_job_clear(job);
}

/* Called by the fetcher as each transfer completes; then the caller's
 * progress display, if any. */
static void
on_fetched(struct fetch_job *job, void *ctx)
{
	struct run *r = ctx;

	run_clock_phase(&r->st->clock, STAGE_PARSE, PHASE_FEED);
	feed_work(job, r);
	run_clock_phase(&r->st->clock, STAGE_FETCH, STAGE_FETCH);
	r->st->done++;
	if (r->o->progress)
		r->o->progress(r->st, r->o->progress_ctx);
}

static void
user_agent(const struct conf *c, char *out, size_t len)
{
	snprintf(out, len, "earshot/%s (+%s)", EARSHOT_VERSION,
	    c->user_agent_contact ? c->user_agent_contact : EARSHOT_URL);
}

/* Fetches and processes the chosen feeds. Returns 0, or -1 if the run
 * could not continue (store failure). */
static int
poll_feeds(struct run *r, const struct run_opts *o)
{
	const struct conf *c = r->c;
	struct feed_run *frs = calloc(c->nfeeds ? c->nfeeds : 1, sizeof *frs);
	struct fetch_job **jobs = calloc(c->nfeeds ? c->nfeeds : 1, sizeof *jobs);
	struct fetch_opts fo;
	char ua[256], err[512];
	int64_t now = time(NULL);
	size_t i, n = 0;
	int rc = 0;

	if (!frs || !jobs) {
		free(frs);
		free(jobs);
		return -1;
	}
	for (i = 0; i < c->nfeeds; i++) {
		struct feed_run *fr = &frs[i];
		const struct conf_feed *f = &c->feeds[i];

		fr->feed = f;
		if (store_feed_state(r->s, f->name, &fr->state) < 0) {
			rc = -1;
			break;
		}
		if (o->feed ? strcmp(o->feed, f->name) != 0 :
		    !o->all && !schedule_is_due(&fr->state, now))
			continue;
		conf_feed_map(f, &fr->map);
		fr->job.name = f->name;
		fr->job.url = f->url;
		fr->job.etag = fr->state.etag;
		fr->job.last_modified = fr->state.last_modified;
		fr->job.headers = (const char *const *)f->headers.v;
		fr->job.nheaders = f->headers.n;
		fr->job.user = fr;
		jobs[n++] = &fr->job;
	}
	r->st->feeds = (unsigned)n;
	if (o->progress)
		o->progress(r->st, o->progress_ctx);
	if (rc == 0 && n) {
		fetch_opts_default(&fo);
		user_agent(c, ua, sizeof ua);
		fo.user_agent = ua;
		fo.max_parallel = (unsigned)c->max_parallel;
		fo.max_per_host = (unsigned)c->max_per_host;
		fo.connect_timeout = c->connect_timeout;
		fo.timeout = c->timeout;
		fo.low_speed_time = c->stall_timeout;
		fo.max_body = (size_t)c->max_body;
		run_clock_phase(&r->st->clock, STAGE_FETCH, STAGE_FETCH);
		if (fetch_all(&fo, jobs, n, on_fetched, r, err, sizeof err) < 0) {
			log_error("cannot fetch: %s", err);
			rc = -1;
		}
	}
	if (!r->store_failed && store_batch_end(r->s, 1) < 0) {
		store_rollback(r->s);
		r->store_failed = 1;
	}
	if (r->store_failed) {
		log_error("the state database failed: %s", store_error(r->s));
		rc = -1;
	}
	for (i = 0; i < c->nfeeds; i++)
		feed_state_clear(&frs[i].state);
	free(frs);
	free(jobs);
	return rc;
}

enum run_result
pipeline_pass(const struct conf *c, const struct pipeline_res *pr,
    const struct run_opts *o, struct run_stats *st)
{
	struct run r = { .c = c, .o = o, .st = st, .m = pr->m, .lex = pr->lex };
	struct deliver_stats ds;
	enum run_result res = RUN_FATAL;
	const char *bad_dir;
	int lock = -1, nch = 0, spikes, digest_failed;
	char err[512];

	memset(st, 0, sizeof *st);
	run_clock_start(&st->clock, STAGE_SETUP);
	if ((bad_dir = mkdir_p(c->state_dir) < 0 ? c->state_dir :
	    mkdir_p(c->out_dir) < 0 ? c->out_dir : NULL)) {
		log_error("%s: cannot create this folder: %s", bad_dir, strerror(errno));
		goto out;
	}
	if ((lock = take_lock(c->state_dir)) < 0) {
		res = lock == -2 ? RUN_LOCKED : RUN_FATAL;
		goto out;
	}
	if (!(r.s = store_open(c->state_dir, err, sizeof err))) {
		log_error("%s", err);
		goto out;
	}
	if (!(r.hits = calloc(c->nbrands + 1, sizeof *r.hits)))
		goto out;
	sentiment_opts_default(&r.so);
	r.so.pos_threshold = c->pos_threshold;
	r.so.neg_threshold = c->neg_threshold;
	r.sched.min_interval = c->min_interval;
	r.sched.max_backoff = c->max_backoff;
	r.rng = (unsigned)time(NULL) ^ (unsigned)getpid();
	r.channels[nch++] = "file";
	if (c->alert.webhook)
		r.channels[nch++] = "webhook";
	if (c->alert.command.n)
		r.channels[nch++] = "command";
	r.channels[nch] = NULL;

	if (poll_feeds(&r, o) < 0 || (run_clock_phase(&st->clock, STAGE_SCAN, STAGE_SCAN),
	    spikes = alert_scan(r.s, c, time(NULL), r.channels)) < 0)
		goto out;
	st->alerts += (unsigned)spikes;
	/* Delivery runs even when feeds failed: alerts already recorded, here
	 * or by an earlier run cut short, must go out. */
	run_clock_phase(&st->clock, STAGE_DELIVER, STAGE_DELIVER);
	if (deliver_all(r.s, c, time(NULL), &ds) < 0)
		goto out;
	run_clock_phase(&st->clock, STAGE_REPORT, STAGE_REPORT);
	if (report_summary(r.s, c, st, time(NULL)) < 0)
		goto out;
	/* The run's results are committed: a digest that cannot be written
	 * is reported, and the run says it finished only in part. */
	if ((digest_failed = digest_today(r.s, c, time(NULL), st->mentions || st->alerts) < 0))
		log_error("today's digest could not be written; the run's results are kept");
	run_clock_phase(&st->clock, STAGE_PRUNE, STAGE_PRUNE);
	if (store_prune(r.s, c->keep_days, time(NULL)) < 0)
		log_warn("could not prune records older than %ld days", c->keep_days);
	res = st->failed || digest_failed ? RUN_PARTIAL : RUN_OK;
out:
	run_clock_stop(&st->clock);
	free(r.hits);
	buf_free(&r.text);
	store_close(r.s);
	if (lock >= 0)
		close(lock);
	return res;
}
