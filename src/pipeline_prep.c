/* The part of a feed's work that touches no database, done by a worker
 * thread (or inline when the pass runs single-threaded): parse the body,
 * and for every item the hashes the store knows it by and each brand's
 * mention, fully built, as pipeline.c's store step will want it. Whether
 * an item is new is only known there; seen items' mentions are dropped. */
#include "pipeline_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "alert.h"
#include "lexicon.h"
#include "match.h"
#include "record.h"
#include "util.h"

int
prep_worker_init(struct prep_worker *w, const struct prep_ctx *px,
    struct run_clock *k)
{
	memset(w, 0, sizeof *w);
	w->px = px;
	w->k = k ? k : &w->own;
	if (!k)     /* idle time is "fetch wait": never added to the run's */
		run_clock_start(&w->own, STAGE_FETCH);
	if (!(w->ms = match_scratch_new(px->m)) ||
	    !(w->hits = calloc(px->c->nbrands + 1, sizeof *w->hits))) {
		prep_worker_clear(w);
		return -1;
	}
	return 0;
}

void
prep_worker_clear(struct prep_worker *w)
{
	match_scratch_free(w->ms);
	free(w->hits);
	buf_free(&w->text);
	w->ms = NULL;
	w->hits = NULL;
}

struct feed_batch *
prep_batch_new(struct fetch_job *job)
{
	struct feed_batch *b = calloc(1, sizeof *b);

	if (b)
		b->job = job;
	return b;
}

static void
hit_clear(struct prep_hit *h)
{
	free(h->m.snippet);
	free(h->m.matched);
	free(h->m.aspects);
	free(h->m.reason);
	free(h->json);
	if (h->negative > 0)
		alert_clear(&h->alert);
}

static void
batch_free(struct feed_batch *b)
{
	size_t i, j;

	for (i = 0; i < b->n; i++) {
		struct prep_item *pi = &b->items[i];

		for (j = 0; j < pi->nhits; j++)
			hit_clear(&pi->hits[j]);
		free(pi->hits);
		free(pi->warn);
		item_clear(&pi->it);
	}
	free(b->items);
	free(b);
}

void
prep_batch_free(struct feed_batch *b)
{
	struct feed_batch *next;

	for (; b; b = next) {
		next = b->spent;
		batch_free(b);
	}
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

/* Builds and scores the mention of one brand in item it (whose matched
 * text is w->text) into ph. 0, or -1 when out of memory. */
static int
build_hit(struct prep_worker *w, const char *feed, const struct item *it,
    const struct match_hit *h, int64_t now, struct prep_hit *ph)
{
	const struct conf_brand *b = &w->px->c->brands[h->brand];
	const struct lexicon *lx = w->px->lex[h->brand];
	const char *text = w->text.data;
	struct buf aspects = {0}, reason = {0};
	struct mention *m = &ph->m;
	struct sentiment sc;
	uint64_t id;
	char *p;

	ph->brand = h->brand;
	id = hash64(b->name, strlen(b->name) + 1);
	id = hash64_more(id, feed, strlen(feed) + 1);
	id = hash64_more(id, it->id, strlen(it->id));
	hash64_hex(id, m->id);
	m->brand = b->name;
	m->feed = (char *)feed;
	m->item_id = it->id;
	m->link = it->link;
	m->author = it->author;
	m->title = it->title;
	m->published = it->published;
	m->created = now;
	m->rating = it->rating;
	m->rating_scale = it->rating_scale;
	m->snippet = xstrndup(text + h->ctx_start, h->ctx_end - h->ctx_start);
	m->matched = xstrndup(text + h->start, h->end - h->start);
	if (!m->snippet || !m->matched)
		return -1;
	/* Line breaks become spaces: same length, so offsets stay valid. */
	for (p = m->snippet; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	m->hl_start = h->start - h->ctx_start;
	m->hl_end = h->end - h->ctx_start;
	run_clock_enter(w->k, STAGE_SCORE);
	sentiment_score(lx, w->px->so, m->snippet, strlen(m->snippet), &sc);
	aspects_csv(lx, sc.aspects, &aspects);
	m->aspects = buf_detach(&aspects);
	sentiment_reason(lx, m->snippet, strlen(m->snippet), &reason);
	rating_note(&sc, w->px->so, it, b->rating_weight, &reason);
	m->compound = sc.compound;
	m->label = sc.label;
	m->reason = buf_detach(&reason);
	run_clock_enter(w->k, STAGE_STORE);
	if (!(ph->json = record_mention(m)))
		return -1;
	/* Built here, off the thread that stores, and dropped there if the
	 * mention was recorded before. */
	run_clock_enter(w->k, STAGE_ALERT);
	ph->negative = alert_for_negative(m, b->negative_threshold, &ph->alert);
	run_clock_enter(w->k, STAGE_STORE);
	return ph->negative < 0 ? -1 : 0;
}

/* Matches the item and builds its mentions. 0, or -1 out of memory. */
static int
prep_hits(struct prep_worker *w, const char *feed, struct prep_item *pi,
    int64_t now)
{
	char err[512];
	int n, i;

	/* The title is a sentence of its own: a line break keeps the matcher
	 * from gluing it to the body's first sentence. */
	buf_reset(&w->text);
	if (pi->it.title) {
		buf_puts(&w->text, pi->it.title);
		buf_puts(&w->text, "\n\n");
	}
	if (pi->it.text)
		buf_puts(&w->text, pi->it.text);
	if (!w->text.len)
		return 0;
	run_clock_enter(w->k, STAGE_MATCH);
	n = match_text_with(w->px->m, w->ms, feed, w->text.data, w->text.len,
	    w->hits, w->px->c->nbrands, &pi->nerr, err, sizeof err);
	if (pi->nerr && !(pi->warn = xstrdup(err)))
		return -1;
	if (n > 0 && !(pi->hits = calloc((size_t)n, sizeof *pi->hits)))
		return -1;
	for (i = 0; i < n; i++)
		if (build_hit(w, feed, &pi->it, &w->hits[i], now, &pi->hits[pi->nhits++]) < 0)
			return -1;
	return 0;
}

struct prep_call {
	struct prep_worker *w;
	struct feed_batch *b;
	const char *feed;
};

/* The parser's callback: takes the item and prepares it. */
static int
on_item(struct item *it, void *ctx)
{
	struct prep_call *pc = ctx;
	struct feed_batch *b = pc->b;
	struct prep_item *pi;

	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		struct prep_item *ni = realloc(b->items, cap * sizeof *ni);

		if (!ni)
			return b->nomem = 1;
		b->items = ni;
		b->cap = cap;
	}
	pi = &b->items[b->n++];
	memset(pi, 0, sizeof *pi);
	pi->it = *it;     /* the parser lets us take the fields */
	item_init(it);
	store_item_keys(pc->feed, &pi->it, &pi->keys);
	if (prep_hits(pc->w, pc->feed, pi, b->now) < 0)
		b->nomem = 1;
	run_clock_enter(pc->w->k, STAGE_PARSE);
	return b->nomem;
}

/* Lowers the calling pool thread's priority (nice +10) below the main
 * thread's. Storing is the pass's one serial stage: with as many workers
 * as cores, equal shares left it waiting for a core behind them, and the
 * workers waiting for it in turn (1,000 feeds, median of 15: 841 ms, 781
 * ms this way).
 * Parsing loses nothing it cannot make up while the store waits. Linux
 * keeps a nice value per thread; elsewhere setpriority would lower the
 * whole process, so it is left alone there. */
static void
yield_to_store(void)
{
#ifdef __linux__
	/* A failure changes no result, only the speed: nothing to report. */
	(void)setpriority(PRIO_PROCESS, 0, getpriority(PRIO_PROCESS, 0) + 10);
#endif
}

void
prep_feed(void *task, void *worker)
{
	struct feed_batch *b = task;
	struct prep_worker *w = worker;
	struct fetch_job *job = b->job;
	struct feed_run *fr = job->user;
	struct prep_call pc = { .w = w, .b = b, .feed = fr->feed->name };
	struct parse_stats ps = {0};
	char err[sizeof job->error];

	if (w->yield) {
		yield_to_store();
		w->yield = 0;
	}
	prep_batch_free(b->spent);
	b->spent = NULL;
	b->now = time(NULL);
	run_clock_enter(w->k, STAGE_PARSE);
	{
		struct parse_source src = {
			.feed = fr->feed->name,
			.url = job->effective_url ? job->effective_url : fr->feed->url,
			.content_type = job->content_type,
			.data = job->body,
			.len = job->len,
			.fetch_time = b->now,
			.type = (enum parse_type)parse_type_from_name(fr->feed->type),
			.map = &fr->map,
		};

		if (parse_feed(&src, on_item, &pc, &ps, err, sizeof err) < 0) {
			job->ok = 0;
			snprintf(job->error, sizeof job->error, "%s", err);
		}
	}
	b->recovered = ps.recovered;
	free(job->body);
	job->body = NULL;
	job->len = 0;
	if (w->k == &w->own)   /* a pool thread: waiting for the next feed */
		run_clock_enter(w->k, STAGE_FETCH);
}
