/* One polling pass: the stages in order, feed by feed, each feed's batch in
 * one transaction (with those of the feeds finished just before or after
 * it: see store_batch_begin); then alert rules over the whole, delivery
 * and reports.
 *
 * Three kinds of thread share a pass. A fetch thread runs the transfers
 * and hands each finished feed on: one with items to the workers' queue,
 * one without (a 304, a failure) straight to this, the main thread, which
 * owns the state database and stores every feed in the order the workers'
 * queue gives them back. The main thread's inserts are the pass's longest
 * serial work; while it also drove the transfers, each of its commits and
 * b-tree splits held up every fetch, and the workers waited for bodies. */
#include "pipeline.h"
#include "pipeline_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include "workq.h"

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
	/* the feed being stored */
	const struct conf_feed *feed;
	unsigned feed_items, feed_new, feed_mentions;
	struct workq *q;       /* the workers, or inline: see pool_start */
	/* Between the fetch thread and this one, under mu: */
	pthread_mutex_t mu;
	pthread_cond_t more;   /* direct, ready or fetched changed */
	struct feed_batch *direct, **direct_end; /* feeds without a body, oldest first */
	int direct_unsignalled; /* direct grew since more was last signalled */
	int ready;             /* a batch of the queue is done */
	int fetched;           /* the fetch thread has handed on every feed */
	int nomem;             /* it could not allocate a batch */
	struct feed_batch *spent; /* stored, for the next batch's worker to free */
};

/* The workers of a pass and what they share. */
struct pool {
	struct prep_ctx px;
	struct prep_worker w[PIPELINE_MAX_THREADS];
	unsigned n;
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

/* Records one prepared mention of a new item; alerts when it is negative
 * enough. */
static int
store_hit(struct run *r, struct prep_hit *ph)
{
	const struct conf_brand *b = &r->c->brands[ph->brand];
	struct mention *m = &ph->m;
	int rc = 0, added;

	run_clock_enter(&r->st->clock, STAGE_STORE);
	if ((added = store_add_mention(r->s, m, ph->json)) < 0)
		return -1;
	if (added == 1)
		return 0;     /* recorded by an earlier run */
	run_clock_enter(&r->st->clock, STAGE_ALERT);
	r->st->mentions++;
	r->feed_mentions++;
	if (m->label > 0)
		r->st->pos++;
	else if (m->label < 0)
		r->st->neg++;
	else
		r->st->neu++;
	if (ph->negative > 0) {
		int ar = store_add_alert(r->s, &ph->alert, m->id, r->channels);

		if (ar == 0)
			r->st->alerts++;
		rc = ar < 0 ? -1 : 0;
	}
	if (rc == 0 && (added = alert_new_source(r->s, m, b->new_source_alerts,
	    r->channels)) != 0) {
		r->st->alerts += added > 0;
		rc = added < 0 ? -1 : 0;
	}
	return rc;
}

/* Dedups and records one prepared item of a batch parsed at now and, when
 * it is new, its mentions. 0, or -1 when the store failed. */
static int
store_prepared(struct run *r, struct prep_item *pi, int64_t now)
{
	const char *feed = r->feed->name;
	size_t i;
	int added;

	r->st->items++;
	r->feed_items++;
	run_clock_enter(&r->st->clock, STAGE_DEDUP);
	if ((added = store_item_add(r->s, &pi->keys, now)) != 1)
		return added < 0 ? -1 : 0;
	r->st->new_items++;
	r->feed_new++;
	if (pi->nerr) {
		log_warn("feed %s: item %s: %s", feed, pi->it.id, pi->warn);
		r->st->item_errors += pi->nerr;
	}
	for (i = 0; i < pi->nhits; i++)
		if (store_hit(r, &pi->hits[i]) < 0)
			return -1;
	return 0;
}

/* Records a feed's prepared batch in one transaction, in the order the
 * fetches finished, then the caller's progress display, if any. b goes on
 * r->spent, for the next worker to free. */
static void
store_batch(struct run *r, struct feed_batch *b)
{
	struct fetch_job *job = b->job;
	struct feed_run *fr = job->user;
	size_t i;

	run_clock_phase(&r->st->clock, STAGE_STORE, PHASE_FEED);
	r->feed = fr->feed;
	r->feed_items = r->feed_new = r->feed_mentions = 0;
	if (b->nomem) {
		log_error("feed %s: out of memory", fr->feed->name);
		r->store_failed = 1;
	}
	if (r->store_failed || store_batch_begin(r->s) < 0) {
		r->store_failed = 1;
		goto out;
	}
	if (b->recovered)
		log_info("feed %s: repaired %u problem(s) in the document",
		    fr->feed->name, b->recovered);
	for (i = 0; i < b->n; i++)
		store_item_prefetch(r->s, &b->items[i].keys);
	for (i = 0; i < b->n && !r->store_failed; i++)
		if (store_prepared(r, &b->items[i], b->now) < 0)
			r->store_failed = 1;
	if (r->store_failed) {
		store_rollback(r->s);
		goto out;
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
		schedule_update(&fr->state, job, &so, b->now, &r->rng);
	}
	fr->state.last_attempt = b->now;
	run_clock_enter(&r->st->clock, STAGE_STORE);
	if (store_save_feed_state(r->s, fr->feed->name, &fr->state) < 0 ||
	    store_batch_end(r->s, 0) < 0) {
		store_rollback(r->s);
		r->store_failed = 1;
	}
out:
	fetch_job_clear(job);
	pthread_mutex_lock(&r->mu);
	b->spent = r->spent;
	r->spent = b;
	pthread_mutex_unlock(&r->mu);
	run_clock_phase(&r->st->clock, STAGE_FETCH, STAGE_FETCH);
	r->st->done++;
	if (r->o->progress)
		r->o->progress(r->st, r->o->progress_ctx);
}

/* Appends b to the feeds the main thread stores next. Under r->mu. */
static void
hand_direct(struct run *r, struct feed_batch *b)
{
	b->next = NULL;
	*r->direct_end = b;
	r->direct_end = &b->next;
	r->direct_unsignalled = 1;
}

/* The fetch thread's callback as each transfer completes: a feed without a
 * body goes straight to the main thread (through a worker, its two
 * wake-ups were most of an all-304 pass's time; and a batch without items
 * changes no result by being stored ahead of feeds still being parsed);
 * one with a body to the workers, once the queue has room. A batch that
 * cannot be allocated is the store's failure: nothing later may be
 * recorded out of order. */
static void
on_fetched(struct fetch_job *job, void *ctx)
{
	struct run *r = ctx;
	struct feed_batch *b = prep_batch_new(job);
	/* Read now: once handed over, the job is the main thread's. */
	int direct = !job->ok || job->not_modified, more = job->more;

	if (!b) {
		log_error("feed %s: out of memory", job->name);
		fetch_job_clear(job);
	}
	pthread_mutex_lock(&r->mu);
	if (!b) {
		r->nomem = 1;
		pthread_cond_signal(&r->more);
	} else if (direct) {
		b->now = time(NULL);
		hand_direct(r, b);
	} else {
		b->spent = r->spent;
		r->spent = NULL;
	}
	/* The main thread is woken once for the feeds a round of transfers
	 * handed over, not for each: in an all-304 pass it was woken as
	 * often as a feed finished. */
	if (!more && r->direct_unsignalled) {
		r->direct_unsignalled = 0;
		pthread_cond_signal(&r->more);
	}
	pthread_mutex_unlock(&r->mu);
	if (b && !direct)
		workq_push(r->q, b);
}

/* A worker's note that a batch is done, for the main thread. */
static void
on_ready(void *ctx)
{
	struct run *r = ctx;

	pthread_mutex_lock(&r->mu);
	r->ready = 1;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->mu);
}

/* The main thread's side of the pass: stores feeds as the fetch thread and
 * the workers hand them over, until the fetch thread has handed on all
 * and every batch in the queue is stored. */
static void
store_all(struct run *r)
{
	struct feed_batch *direct, *b, *next;
	int last = 0;

	while (!last) {
		pthread_mutex_lock(&r->mu);
		while (!r->direct && !r->ready && !r->fetched && !r->nomem)
			pthread_cond_wait(&r->more, &r->mu);
		direct = r->direct;
		r->direct = NULL;
		r->direct_end = &r->direct;
		r->ready = 0;
		last = r->fetched;
		if (r->nomem)
			r->store_failed = 1;
		r->nomem = 0;
		pthread_mutex_unlock(&r->mu);
		for (b = direct; b; b = next) {
			next = b->next;
			store_batch(r, b);
		}
		/* After the last hand-over every batch is in the queue: wait for
		 * each in turn. */
		while ((b = workq_pop(r->q, last)))
			store_batch(r, b);
	}
}

static void
user_agent(const struct conf *c, char *out, size_t len)
{
	snprintf(out, len, "earshot/%s (+%s)", EARSHOT_VERSION,
	    c->user_agent_contact ? c->user_agent_contact : EARSHOT_URL);
}

/* Starts c->threads workers with a queue of 8 x threads + 2 feeds (parsed
 * or being parsed, not yet stored: what bounds the memory they hold); with
 * threads = 1, none: each feed is prepared on the fetch thread as it
 * arrives. 0, or -1 with the reason logged. */
unsigned
pipeline_threads(const struct conf *c)
{
	long n = c->threads ? c->threads : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > PIPELINE_MAX_THREADS ? PIPELINE_MAX_THREADS : (unsigned)n;
}

static int
pool_start(struct run *r, struct pool *p)
{
	unsigned n = pipeline_threads(r->c), i;
	void *ctx[PIPELINE_MAX_THREADS];

	if (n == 1)
		n = 0;
	p->px = (struct prep_ctx){ .c = r->c, .m = r->m, .lex = r->lex, .so = &r->so };
	p->n = n ? n : 1;
	for (i = 0; i < p->n; i++) {
		if (prep_worker_init(&p->w[i], &p->px, NULL) < 0) {
			p->n = i;
			log_error("cannot start the workers: out of memory");
			return -1;
		}
		p->w[i].yield = n > 0;
		ctx[i] = &p->w[i];
	}
	if (!(r->q = workq_new(n, 8 * (size_t)n + 2, prep_feed, ctx, on_ready, r))) {
		log_error("cannot start %u worker threads", n);
		return -1;
	}
	r->st->threads = p->n;
	return 0;
}

/* Stops the workers (every batch is stored by now) and adds their stage
 * times to the run's: summed over threads, so CPU-seconds more than wall. */
static void
pool_stop(struct run *r, struct pool *p)
{
	unsigned i;
	int k;

	workq_free(r->q);
	r->q = NULL;
	for (i = 0; i < p->n; i++) {
		for (k = STAGE_PARSE; k <= STAGE_ALERT; k++)
			r->st->clock.wall[k] += p->w[i].own.wall[k];
		prep_worker_clear(&p->w[i]);
	}
}

/* What the fetch thread needs, and what it reports. */
struct fetcher {
	struct run *r;
	struct fetch_opts fo;
	struct fetch_job **jobs;
	size_t n;
	int rc;
	char err[512];
};

static void *
fetch_main(void *arg)
{
	struct fetcher *f = arg;
	struct run *r = f->r;

	f->rc = fetch_all(&f->fo, f->jobs, f->n, on_fetched, r, f->err, sizeof f->err);
	pthread_mutex_lock(&r->mu);
	r->fetched = 1;
	pthread_cond_signal(&r->more);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Runs the fetch thread over jobs and stores every feed as it comes back.
 * 0, or -1 when the transfers could not run at all (logged). */
static int
fetch_and_store(struct run *r, struct fetch_job **jobs, size_t n)
{
	const struct conf *c = r->c;
	struct fetcher f = { .r = r, .jobs = jobs, .n = n };
	char ua[256];
	pthread_t t;
	int e;

	fetch_opts_default(&f.fo);
	user_agent(c, ua, sizeof ua);
	f.fo.user_agent = ua;
	f.fo.max_parallel = (unsigned)c->max_parallel;
	f.fo.max_per_host = (unsigned)c->max_per_host;
	f.fo.connect_timeout = c->connect_timeout;
	f.fo.timeout = c->timeout;
	f.fo.low_speed_time = c->stall_timeout;
	f.fo.max_body = (size_t)c->max_body;
	/* Two transfer loops: one spent all of an all-304 pass's time in
	 * curl, a core to itself. Workers run inline, on the fetch thread,
	 * with threads = 1, and so need the one loop. */
	f.fo.threads = pipeline_threads(c) > 1 ? 2 : 1;
	r->direct = NULL;
	r->direct_end = &r->direct;
	r->ready = r->fetched = r->nomem = 0;
	if ((e = pthread_create(&t, NULL, fetch_main, &f)) != 0) {
		log_error("cannot start fetching: %s", strerror(e));
		return -1;
	}
	run_clock_phase(&r->st->clock, STAGE_FETCH, STAGE_FETCH);
	store_all(r);
	pthread_join(t, NULL);
	if (f.rc < 0)
		log_error("cannot fetch: %s", f.err);
	return f.rc;
}

/* The feed runs in name order, as store_each_feed_state gives the states,
 * and how far through them it has got. */
struct state_merge {
	struct feed_run **by_name;
	size_t n, next;
};

static int
cmp_run_name(const void *a, const void *b)
{
	return strcmp((*(struct feed_run *const *)a)->feed->name,
	    (*(struct feed_run *const *)b)->feed->name);
}

/* A stored state goes to its feed's run; that of a feed no longer in the
 * configuration is dropped. */
static void
take_state(const char *feed, struct feed_state *st, void *ctx)
{
	struct state_merge *m = ctx;
	int d = 1;

	while (m->next < m->n && (d = strcmp(m->by_name[m->next]->feed->name, feed)) < 0)
		m->next++;
	if (d == 0)
		m->by_name[m->next++]->state = *st;
	else
		feed_state_clear(st);
}

/* Fills each run's state (zero for a feed never run). 0 or -1. */
static int
read_states(struct store *s, struct feed_run *frs, size_t n)
{
	struct state_merge m = { .by_name = calloc(n ? n : 1, sizeof *m.by_name), .n = n };
	size_t i;
	int rc;

	if (!m.by_name)
		return -1;
	for (i = 0; i < n; i++)
		m.by_name[i] = &frs[i];
	qsort(m.by_name, n, sizeof *m.by_name, cmp_run_name);
	rc = store_each_feed_state(s, take_state, &m);
	free(m.by_name);
	return rc;
}

/* Feeds in the items table's order, then by name: not the
 * configuration's, which would decide the feed a syndicated post is
 * credited to among those that share a place in the table. */
static int
cmp_feed_order(const void *a, const void *b)
{
	const struct feed_run *x = (*(struct fetch_job *const *)a)->user,
	    *y = (*(struct fetch_job *const *)b)->user;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->feed->name, y->feed->name);
}

/* Fetches and processes the chosen feeds. Returns 0, or -1 if the run
 * could not continue (store failure). */
static int
poll_feeds(struct run *r, const struct run_opts *o)
{
	const struct conf *c = r->c;
	struct feed_run *frs = calloc(c->nfeeds ? c->nfeeds : 1, sizeof *frs);
	struct fetch_job **jobs = calloc(c->nfeeds ? c->nfeeds : 1, sizeof *jobs);
	struct pool pool = {0};
	int64_t now = time(NULL);
	size_t i, n = 0;
	int rc = 0;

	if (!frs || !jobs) {
		free(frs);
		free(jobs);
		return -1;
	}
	/* The feeds' states are read in the first batch's transaction: each
	 * read on its own took and gave back the database's read lock, three
	 * system calls a feed (a tenth of an all-304 pass); and in one scan,
	 * a third of the cost of a lookup per feed. */
	for (i = 0; i < c->nfeeds; i++)
		frs[i].feed = &c->feeds[i];
	if (store_batch_begin(r->s) < 0 || read_states(r->s, frs, c->nfeeds) < 0)
		rc = -1;
	for (i = 0; i < c->nfeeds && rc == 0; i++) {
		struct feed_run *fr = &frs[i];
		const struct conf_feed *f = fr->feed;

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
		fr->order = store_feed_order(f->name);
		jobs[n++] = &fr->job;
	}
	/* In the items table's order, so that their inserts go through it
	 * once: in the configuration's, at 16,000 feeds, each of its pages
	 * took the items of feeds far apart in the pass, and was written out
	 * and read back between them. A pass of new items over 800,000 seen
	 * ones made 103,000 writes and 157,000 reads of the database and its
	 * log; sorted, 42,000 and 105,000 (a first pass: 37,000 and 49,000,
	 * then 25,000 and 35,000). With the files in the OS's cache, as here,
	 * that saved no time that could be measured. */
	qsort(jobs, n, sizeof *jobs, cmp_feed_order);
	r->st->feeds = (unsigned)n;
	if (o->progress)
		o->progress(r->st, o->progress_ctx);
	if (rc == 0 && n && (rc = pool_start(r, &pool)) == 0)
		rc = fetch_and_store(r, jobs, n);
	if (r->q || pool.n)
		pool_stop(r, &pool);
	prep_batch_free(r->spent);
	r->spent = NULL;
	if (!r->store_failed && store_batch_end_deferred(r->s) < 0) {
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
	struct digest_job *dj;
	enum run_result res = RUN_FATAL;
	const char *bad_dir;
	int lock = -1, nch = 0, spikes, digest_failed, delivered, summarised;
	char err[512];

	memset(st, 0, sizeof *st);
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.more, NULL);
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
	/* The run's results are committed. The digest reads them on a thread
	 * of its own while this one delivers and checkpoints (a third of a
	 * full pass of 1,000 feeds went to these in turn), with this
	 * connection's page cache given back first: peak memory is then the
	 * larger of polling's and the digest's, not their sum. A digest that
	 * cannot be written is reported, and the run finished only in part. */
	if (store_shrink_cache(r.s) < 0)
		log_warn("%s", store_error(r.s));
	store_checkpoint_start(r.s);
	run_clock_phase(&st->clock, STAGE_REPORT, STAGE_REPORT);
	dj = digest_today_start(c, time(NULL), st->mentions || st->alerts);
	/* The new items' rows for the cross-feed rules, beside the digest: at
	 * the commit, they were a fifth of a 1,000-feed pass, alone at its
	 * end. Before delivery, while the digest reads the mentions: after
	 * it, at 16,000 feeds their 26 MiB met the digest's views and peak
	 * memory went from 112 to 118 MiB. */
	store_write_deferred(r.s);
	/* Delivery runs even when feeds failed: alerts already recorded, here
	 * or by an earlier run cut short, must go out. */
	run_clock_phase(&st->clock, STAGE_DELIVER, STAGE_DELIVER);
	delivered = deliver_all(r.s, c, time(NULL), &ds);
	run_clock_phase(&st->clock, STAGE_REPORT, STAGE_REPORT);
	summarised = delivered < 0 ? -1 : report_summary(r.s, c, st, time(NULL));
	if (store_checkpoint(r.s) < 0)
		log_warn("the state database's log could not be copied in yet; "
		    "the next run will");
	digest_failed = (dj ? digest_today_wait(dj) :
	    digest_today(r.s, c, time(NULL), st->mentions || st->alerts)) < 0;
	if (digest_failed)
		log_error("today's digest could not be written; the run's results are kept");
	if (summarised < 0)
		goto out;
	/* Only once the digest has read the mentions. */
	run_clock_phase(&st->clock, STAGE_PRUNE, STAGE_PRUNE);
	if (store_prune(r.s, c->keep_days, time(NULL)) < 0)
		log_warn("could not prune records older than %ld days", c->keep_days);
	res = st->failed || digest_failed ? RUN_PARTIAL : RUN_OK;
out:
	run_clock_stop(&st->clock);
	store_close(r.s);
	if (lock >= 0)
		close(lock);
	pthread_cond_destroy(&r.more);
	pthread_mutex_destroy(&r.mu);
	return res;
}
