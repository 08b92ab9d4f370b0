/* Building the digest: one pass over the mentions of the days it covers,
 * counted per brand, source and local day into small tables (nothing
 * holds all mentions), then turned into the document by digest_doc.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "digest_int.h"
#include "log.h"
#include "util.h"

#define MAX_SOURCES 256     /* feeds counted per brand; more are one "other" */

/* Index of the day t falls in, or -1 outside [start[0], start[nd]). */
static int
day_of(const struct digest_run *r, int64_t t)
{
	int lo = 0, hi = r->nd;

	if (t < r->start[0] || t >= r->start[r->nd])
		return -1;
	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;

		if (t >= r->start[mid])
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* m's strings, owned by the caller: freed with mention_drop. Out of
 * memory, a field is left out (NULL). */
static void
mention_keep(struct mention *dst, const struct mention *m)
{
	*dst = *m;
	dst->brand = xstrdup(m->brand);
	dst->feed = xstrdup(m->feed);
	dst->item_id = xstrdup(m->item_id);
	dst->link = xstrdup(m->link);
	dst->author = xstrdup(m->author);
	dst->title = xstrdup(m->title);
	dst->snippet = xstrdup(m->snippet);
	dst->matched = xstrdup(m->matched);
	dst->aspects = xstrdup(m->aspects);
	dst->reason = xstrdup(m->reason);
}

static void
mention_drop(struct mention *m)
{
	free(m->brand);
	free(m->feed);
	free(m->item_id);
	free(m->link);
	free(m->author);
	free(m->title);
	free(m->snippet);
	free(m->matched);
	free(m->aspects);
	free(m->reason);
}

/* Keeps m in t if its key is among the best t->max; ties keep the
 * earlier mention, so the result does not depend on hash order. */
static void
top_offer(struct digest_top *t, const struct mention *m, double key)
{
	size_t i = t->n;

	while (i > 0 && key < t->key[i - 1])
		i--;
	if (i >= t->max)
		return;
	if (t->n == t->max)
		mention_drop(&t->v[--t->n]);
	memmove(t->v + i + 1, t->v + i, (t->n - i) * sizeof *t->v);
	memmove(t->key + i + 1, t->key + i, (t->n - i) * sizeof *t->key);
	mention_keep(&t->v[i], m);
	t->key[i] = key;
	t->n++;
}

static struct digest_source *
source_of(struct digest_run *r, struct digest_brand *b, const char *feed)
{
	struct digest_source *v;
	size_t i;

	for (i = 0; i < b->nsrc; i++)
		if (!strcmp(b->src[i].feed, feed))
			return &b->src[i];
	if (b->nsrc == MAX_SOURCES)
		return &b->src[MAX_SOURCES - 1];
	if (!(v = realloc(b->src, (b->nsrc + 1) * sizeof *v)))
		return NULL;
	b->src = v;
	v = &b->src[b->nsrc];
	v->feed = xstrdup(b->nsrc == MAX_SOURCES - 1 ? "other" : feed);
	v->day = calloc((size_t)r->nd, sizeof *v->day);
	v->worst = calloc((size_t)r->nd, sizeof *v->worst);
	if (!v->feed || !v->day || !v->worst) {
		free(v->feed);
		free(v->day);
		free(v->worst);
		return NULL;
	}
	b->nsrc++;
	return v;
}

static void
count(struct digest_counts *c, const struct mention *m)
{
	c->mentions++;
	c->pos += m->label > 0;
	c->neu += m->label == 0;
	c->neg += m->label < 0;
	c->compound_sum += m->compound;
}

static void
add_term(const char *w, size_t n, void *ctx)
{
	digest_tally_add(ctx, w, n, 1, 0);
}

/* The brand's own words, which co-occur with it by definition: its name
 * and what its pattern matched, lower-cased. */
static void
own_words(const struct digest_brand *b, const struct mention *m, struct buf *own)
{
	size_t i;

	buf_reset(own);
	buf_printf(own, "%s %s", b->cb->name, m->matched ? m->matched : "");
	for (i = 0; i < own->len; i++)
		own->data[i] = (char)(own->data[i] >= 'A' && own->data[i] <= 'Z' ?
		    own->data[i] + 32 : own->data[i] == '\t' || own->data[i] == '\n' ?
		    ' ' : own->data[i]);
}

static void
worst_set(struct digest_worst *w, const struct mention *m)
{
	free(w->title);
	free(w->link);
	w->title = m->title && *m->title ? xstrdup(m->title) : NULL;
	w->link = m->link && *m->link ? xstrdup(m->link) : NULL;
	w->compound = round(m->compound * 1000) / 1000 + 0.0;   /* digest_real's */
	w->set = 1;
}

/* What only the period's figures need. */
static void
gather_period(struct digest_run *r, struct digest_brand *b, const struct mention *m,
    int k)
{
	struct digest_source *src = source_of(r, b, m->feed);
	const char *p = m->aspects;
	struct buf own = {0};

	if (src) {
		count(&src->day[k], m);
		if (m->compound < 0 && (!src->worst[k].set || m->compound < src->worst[k].compound))
			worst_set(&src->worst[k], m);
	}
	if (m->author && *m->author)
		digest_tally_add(&b->authors, m->author, strlen(m->author), 1, 0);
	own_words(b, m, &own);
	digest_terms(m->snippet, own.data, add_term, &b->terms);
	buf_free(&own);
	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n)
			digest_tally_add(&b->aspects, p, n, m->label < 0, 1);
		p += n + (p[n] == ',');
	}
	if (m->rating >= 0)
		digest_ratings_add(&b->ratings, m->rating, m->rating_scale);
	if (m->compound < 0)
		top_offer(&b->neg, m, m->compound);
	if (m->compound > 0)
		top_offer(&b->pos, m, -m->compound);
}

/* Records the distinct authors of b's current day and moves on to day k. */
static void
close_day(struct digest_brand *b, int k)
{
	b->day[b->day_k].authors = (long)b->day_authors.n;
	if (b->day_authors.dropped + b->authors.dropped + b->terms.dropped)
		log_warn("digest: brand '%s' has more than %d distinct authors or terms; "
		    "the rest are not counted", b->cb->name, DIGEST_TALLY_MAX);
	b->authors.dropped = b->terms.dropped = 0;
	digest_tally_free(&b->day_authors);
	b->day_k = k;
}

static int
gather(const struct mention *m, void *ctx)
{
	struct digest_run *r = ctx;
	struct digest_brand *b = NULL;
	size_t i;
	int k;

	for (i = 0; i < r->c->nbrands && !b; i++)
		if (!strcmp(r->c->brands[i].name, m->brand))
			b = &r->b[i];
	if (!b || (k = day_of(r, m->published > 0 ? m->published : m->created)) < 0)
		return 0;    /* a brand since removed from the configuration */
	/* Mentions come oldest first: a brand's day is done when the next
	 * one starts, so only one day's authors are held at a time. */
	if (k != b->day_k)
		close_day(b, k);
	count(&b->day[k], m);
	if (m->author && *m->author)
		digest_tally_add(&b->day_authors, m->author, strlen(m->author), 1, 0);
	if (k >= r->nd - r->days)
		gather_period(r, b, m, k);
	if (k == r->nd - 1 && m->label < 0)
		top_offer(&r->reply, m, m->compound);
	return 0;
}

static void
run_free(struct digest_run *r)
{
	size_t i, j;
	int k;

	for (i = 0; r->b && i < r->c->nbrands; i++) {
		struct digest_brand *b = &r->b[i];

		for (j = 0; j < b->nsrc; j++) {
			for (k = 0; k < r->nd; k++) {
				free(b->src[j].worst[k].title);
				free(b->src[j].worst[k].link);
			}
			free(b->src[j].feed);
			free(b->src[j].day);
			free(b->src[j].worst);
		}
		free(b->src);
		free(b->day);
		digest_tally_free(&b->authors);
		digest_tally_free(&b->day_authors);
		digest_tally_free(&b->terms);
		digest_tally_free(&b->aspects);
		for (j = 0; j < b->neg.n; j++)
			mention_drop(&b->neg.v[j]);
		for (j = 0; j < b->pos.n; j++)
			mention_drop(&b->pos.v[j]);
	}
	for (j = 0; j < r->reply.n; j++)
		mention_drop(&r->reply.v[j]);
	free(r->b);
	free(r->start);
	free(r->day_date);
}

/* The run's days and tables; 0 or -1 (logged). */
static int
run_init(struct digest_run *r)
{
	size_t i;
	int k;

	/* avg7 needs the 7 days before the digest day even in a short period. */
	r->nd = r->days > 8 ? r->days : 8;
	r->reply.max = DIGEST_TOP_MAX;
	if (!(r->start = calloc((size_t)r->nd + 1, sizeof *r->start)) ||
	    !(r->day_date = calloc((size_t)r->nd, sizeof *r->day_date)) ||
	    !(r->b = calloc(r->c->nbrands + 1, sizeof *r->b))) {
		log_error("digest: out of memory");
		return -1;
	}
	for (k = 0; k <= r->nd; k++) {
		if ((r->start[k] = digest_midnight(r->date, k - r->nd + 1)) < 0) {
			log_error("digest: '%s' is not a date (YYYY-MM-DD)", r->date);
			return -1;
		}
		if (k < r->nd)
			digest_local_date(r->start[k], 0, r->day_date[k]);
	}
	for (i = 0; i < r->c->nbrands; i++) {
		r->b[i].cb = &r->c->brands[i];
		r->b[i].neg.max = r->b[i].pos.max = 3;
		if (!(r->b[i].day = calloc((size_t)r->nd, sizeof *r->b[i].day))) {
			log_error("digest: out of memory");
			return -1;
		}
	}
	return 0;
}

json_t *
digest_build(struct store *s, const struct conf *c, const char *date, int days,
    int partial, int64_t now)
{
	struct digest_run r = { .c = c, .date = date, .days = days,
	    .partial = partial, .now = now };
	json_t *doc = NULL;
	size_t i;

	if (days < 1 || days > DIGEST_MAX_DAYS) {
		log_error("digest: the period must be 1 to %d days, not %d",
		    DIGEST_MAX_DAYS, days);
		return NULL;
	}
	digest_set_zone(c->timezone);
	if (run_init(&r) < 0)
		goto out;
	if (store_each_mention_in(s, r.start[0], r.start[r.nd], gather, &r) < 0) {
		log_error("digest: cannot read the mentions: %s", store_error(s));
		goto out;
	}
	for (i = 0; i < c->nbrands; i++)
		close_day(&r.b[i], 0);
	if (!(doc = digest_doc(&r)))
		log_error("digest: out of memory");
out:
	run_free(&r);
	return doc;
}
