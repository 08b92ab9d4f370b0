/* The digest document (schema 1, documented in the README) from what
 * digest.c gathered: per brand figures, groups, footnotes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "digest_int.h"
#include "report.h"
#include "sentiment.h"

#define TOP_SOURCES 10
#define TOP_TERMS 10
#define TOP_AUTHORS 5
#define TOP_ASPECTS 8

static void
sum_days(const struct digest_counts *d, int from, int to, struct digest_counts *out)
{
	memset(out, 0, sizeof *out);
	for (; from < to; from++) {
		if (from < 0)
			continue;
		out->mentions += d[from].mentions;
		out->pos += d[from].pos;
		out->neu += d[from].neu;
		out->neg += d[from].neg;
		out->compound_sum += d[from].compound_sum;
		out->authors += d[from].authors;
	}
}

static json_t *
ratio_json(long pos, long neg)
{
	char ratio[32];

	report_ratio(pos, neg, ratio, sizeof ratio);
	return pos || neg ? json_string(ratio) : json_null();
}

/* A day's counts, member by member: there is one for every source and
 * day with mentions (2,150 in a 1,000-feed run), and json_pack's reading
 * of its format was more than half of making one. */
static json_t *
day_json(const struct digest_run *r, int k, const struct digest_counts *c)
{
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "date", json_string_nocheck(r->day_date[k]));
	json_object_set_new_nocheck(o, "mentions", json_integer(c->mentions));
	json_object_set_new_nocheck(o, "positive", json_integer(c->pos));
	json_object_set_new_nocheck(o, "neutral", json_integer(c->neu));
	json_object_set_new_nocheck(o, "negative", json_integer(c->neg));
	return o;
}

static json_t *
trend_json(const struct digest_counts *day, const struct digest_counts *prev,
    const struct digest_counts *week)
{
	return json_pack("{s:o, s:o, s:o}",
	    "mentions", digest_trend_json((double)day->mentions, (double)prev->mentions,
	    (double)week->mentions / 7, 1),
	    "negative", digest_trend_json((double)day->neg, (double)prev->neg,
	    (double)week->neg / 7, 1),
	    "net_sentiment", digest_trend_json(
	    digest_net_sentiment((double)day->pos, (double)day->neg),
	    digest_net_sentiment((double)prev->pos, (double)prev->neg),
	    digest_net_sentiment((double)week->pos, (double)week->neg), 0));
}

/* A source and its period totals, for sorting. */
struct ranked {
	const struct digest_source *src;
	struct digest_counts sum;
};

/* Most mentions in the period first, then by name. */
static int
cmp_source(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->sum.mentions != y->sum.mentions)
		return x->sum.mentions > y->sum.mentions ? -1 : 1;
	return strcmp(x->src->feed, y->src->feed);
}

/* The most negative mention of a source's day, slimmed for the CSV. */
static json_t *
worst_json(const struct digest_worst *w)
{
	if (!w->set)
		return json_null();
	return json_pack("{s:o, s:o, s:f}", "title", w->title ? json_string(w->title) :
	    json_null(), "link", w->link ? json_string(w->link) : json_null(),
	    "compound", w->compound);
}

static json_t *
source_daily_json(const struct digest_run *r, const struct digest_source *src)
{
	json_t *days = json_array();
	int k;

	/* Only the days with mentions: with thousands of sources, a row for
	 * every quiet day would be most of the document and of the CSV. */
	for (k = r->nd - r->days; k < r->nd; k++) {
		const struct digest_counts *c = &src->day[k];
		json_t *d;

		if (!c->mentions)
			continue;
		d = day_json(r, k, c);

		json_object_set_new(d, "compound_avg", c->mentions ?
		    digest_real(c->compound_sum / (double)c->mentions, 3) : json_null());
		json_object_set_new(d, "most_negative", worst_json(&src->worst[k]));
		json_array_append_new(days, d);
	}
	return json_pack("{s:s, s:o}", "feed", src->feed, "daily", days);
}

/* sources (top ten) and sources_daily (all) into brand object o. */
static void
sources_json(const struct digest_run *r, const struct digest_brand *b, json_t *o)
{
	struct ranked *v = calloc(b->nsrc + 1, sizeof *v);
	json_t *top = json_array(), *daily = json_array();
	size_t i;

	for (i = 0; v && i < b->nsrc; i++) {
		v[i].src = &b->src[i];
		sum_days(b->src[i].day, r->nd - r->days, r->nd, &v[i].sum);
	}
	if (v)
		qsort(v, b->nsrc, sizeof *v, cmp_source);
	for (i = 0; v && i < b->nsrc; i++) {
		const struct digest_counts *c = &v[i].sum;

		if (i < TOP_SOURCES)
			json_array_append_new(top, json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}",
			    "feed", v[i].src->feed, "mentions", (json_int_t)c->mentions,
			    "positive", (json_int_t)c->pos, "neutral", (json_int_t)c->neu,
			    "negative", (json_int_t)c->neg, "ratio", ratio_json(c->pos, c->neg)));
		json_array_append_new(daily, source_daily_json(r, v[i].src));
	}
	free(v);
	json_object_set_new(o, "sources", top);
	json_object_set_new(o, "sources_daily", daily);
}

/* Most counted first (a), then by key. */
static int
cmp_count(const void *a, const void *b)
{
	const struct digest_tally_entry *x = *(const void *const *)a,
	    *y = *(const void *const *)b;

	if (x->a != y->a)
		return x->a > y->a ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Aspects: the largest negative share first, then most negatives, most
 * mentions, by name. */
static int
cmp_aspect(const void *a, const void *b)
{
	const struct digest_tally_entry *x = *(const void *const *)a,
	    *y = *(const void *const *)b;
	double sx = (double)x->a / (double)x->b, sy = (double)y->a / (double)y->b;

	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->a != y->a || x->b != y->b)
		return x->a != y->a ? (x->a > y->a ? -1 : 1) : (x->b > y->b ? -1 : 1);
	return strcmp(x->key, y->key);
}

/* The first max entries of t in cmp order as objects {k1: key, k2: a}
 * (and k3: b when k3 is not NULL). */
static json_t *
ranked_json(const struct digest_tally *t, int (*cmp)(const void *, const void *),
    size_t max, const char *k1, const char *k2, const char *k3)
{
	struct digest_tally_entry **v = digest_tally_sorted(t, cmp);
	json_t *a = json_array();
	size_t i;

	for (i = 0; v && i < t->n && i < max; i++) {
		json_t *o = json_pack("{s:s, s:I}", k1, v[i]->key, k2, (json_int_t)v[i]->a);

		if (k3)
			json_object_set_new(o, k3, json_integer(v[i]->b));
		json_array_append_new(a, o);
	}
	free(v);
	return a;
}

static json_t *
aspect_list(const char *csv)
{
	json_t *a = json_array();
	const char *p = csv;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}

static json_t *
str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* The schema's MENTION object. */
static json_t *
mention_json(const struct mention *m)
{
	char when[26];

	digest_iso(m->published > 0 ? m->published : m->created, when);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:[II], s:s, s:o, s:s,"
	    " s:o, s:o}", "id", m->id, "brand", m->brand ? m->brand : "",
	    "feed", m->feed ? m->feed : "",
	    "author", str_or_null(m->author), "link", str_or_null(m->link),
	    "title", str_or_null(m->title), "snippet", m->snippet ? m->snippet : "",
	    "highlight", (json_int_t)m->hl_start, (json_int_t)m->hl_end,
	    "published", when, "compound", digest_real(m->compound, 3),
	    "label", sentiment_label_name(m->label), "reason", str_or_null(m->reason),
	    "aspects", aspect_list(m->aspects));
}

static json_t *
mentions_json(const struct digest_top *t)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < t->n; i++)
		json_array_append_new(a, mention_json(&t->v[i]));
	return a;
}

/* Mentions of the day in brand i's group (it and its competitors). */
static long
group_day(const struct digest_run *r, size_t i)
{
	const struct conf_brand *cb = &r->c->brands[i];
	long n = r->b[i].day[r->nd - 1].mentions;
	size_t j, k;

	for (j = 0; j < cb->competitors.n; j++)
		for (k = 0; k < r->c->nbrands; k++)
			if (!strcmp(r->c->brands[k].name, cb->competitors.v[j]))
				n += r->b[k].day[r->nd - 1].mentions;
	return n;
}

static json_t *
listening_json(const struct digest_run *r, const struct digest_brand *b,
    const struct digest_counts *day, const struct digest_counts *period)
{
	long known = 0, repeat = 0;
	size_t i;

	for (i = 0; i < b->authors.cap; i++) {
		known += b->authors.v[i].a;
		repeat += b->authors.v[i].a > 1 ? b->authors.v[i].a : 0;
	}
	return digest_listening_json(day->mentions, period->mentions, r->days, known,
	    repeat, (long)b->authors.n, period->pos, period->neg);
}

static json_t *
brand_json(const struct digest_run *r, size_t i)
{
	const struct digest_brand *b = &r->b[i];
	const struct digest_counts *day = &b->day[r->nd - 1], *prev = &b->day[r->nd - 2];
	struct digest_counts week, period;
	json_t *o, *comp = json_array(), *daily = json_array();
	long group = group_day(r, i);
	size_t j;
	int k;

	sum_days(b->day, r->nd - 8, r->nd - 1, &week);
	sum_days(b->day, r->nd - r->days, r->nd, &period);
	period.authors = (long)b->authors.n;
	for (j = 0; j < b->cb->competitors.n; j++)
		json_array_append_new(comp, json_string(b->cb->competitors.v[j]));
	for (k = r->nd - r->days; k < r->nd; k++)
		json_array_append_new(daily, day_json(r, k, &b->day[k]));
	o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "name", b->cb->name, "competitors", comp,
	    "day", digest_metrics_json(day, 1), "previous", digest_metrics_json(prev, 1),
	    "avg7", digest_metrics_json(&week, 7), "period", digest_metrics_json(&period, 1),
	    "trend", trend_json(day, prev, &week),
	    "share_of_voice", b->cb->competitors.n && group ?
	    digest_real((double)day->mentions / (double)group, 3) : json_null(),
	    "listening", listening_json(r, b, day, &period),
	    "ratings", digest_ratings_json(&b->ratings), "daily", daily);
	sources_json(r, b, o);
	json_object_set_new(o, "top_terms", ranked_json(&b->terms, cmp_count, TOP_TERMS,
	    "term", "count", NULL));
	json_object_set_new(o, "top_authors", ranked_json(&b->authors, cmp_count,
	    TOP_AUTHORS, "author", "mentions", NULL));
	json_object_set_new(o, "aspects", ranked_json(&b->aspects, cmp_aspect,
	    TOP_ASPECTS, "aspect", "negative", "total"));
	json_object_set_new(o, "most_negative", mentions_json(&b->neg));
	json_object_set_new(o, "most_positive", mentions_json(&b->pos));
	return o;
}

static int
in_group(const struct conf_brand *g, const char *name)
{
	size_t k;

	for (k = 0; k < g->competitors.n; k++)
		if (!strcmp(g->competitors.v[k], name))
			return 1;
	return !strcmp(g->name, name);
}

/* 1 if brand i's group (it and its competitors) has the same members as
 * brand j's, so it is listed once. */
static int
same_group(const struct conf *c, size_t i, size_t j)
{
	const struct conf_brand *a = &c->brands[i], *b = &c->brands[j];
	size_t k;

	if (a->competitors.n != b->competitors.n || !in_group(b, a->name))
		return 0;
	for (k = 0; k < a->competitors.n; k++)
		if (!in_group(b, a->competitors.v[k]))
			return 0;
	return 1;
}

static json_t *
groups_json(const struct digest_run *r)
{
	json_t *groups = json_array();
	size_t i, j;

	for (i = 0; i < r->c->nbrands; i++) {
		const struct conf_brand *cb = &r->c->brands[i];
		json_t *names, *sov;
		long total = group_day(r, i);

		for (j = 0; j < i && !same_group(r->c, i, j); j++)
			;
		if (!cb->competitors.n || j < i)
			continue;
		names = json_array();
		sov = json_array();
		for (j = 0; j <= cb->competitors.n; j++) {
			const char *name = j ? cb->competitors.v[j - 1] : cb->name;
			const struct conf_brand *m = conf_brand_by_name(r->c, name);
			long n = m ? r->b[m - r->c->brands].day[r->nd - 1].mentions : 0;

			json_array_append_new(names, json_string(name));
			json_array_append_new(sov, json_pack("{s:s, s:I, s:o}", "brand", name,
			    "mentions", (json_int_t)n, "share", total ?
			    digest_real((double)n / (double)total, 3) : json_null()));
		}
		json_array_append_new(groups, json_pack("{s:o, s:o}", "brands", names,
		    "share_of_voice", sov));
	}
	return groups;
}

/* The definitions, in words for the people who read the digest. */
static const char *const notes[][2] = {
	{ "strength", "Mentions on the digest day (the last 24 hours) against the "
	    "average mentions per day over the period: 1.0 is a usual day, 2.0 twice "
	    "as busy." },
	{ "passion", "The share of mentions (with a known author) written by people "
	    "who mentioned the brand more than once in the period: high means a few "
	    "voices talk a lot." },
	{ "reach", "Distinct authors divided by mentions over the period: 1.0 means "
	    "every mention came from a different person." },
	{ "sentiment", "Positive mentions to negative ones over the period, as "
	    "\"3.2 : 1\"; \"5 : 0\" means five positive and no negative." },
	{ "net sentiment", "(positive - negative) / (positive + negative): from -1 "
	    "(all negative) to +1 (all positive); neutral mentions do not count." },
	{ "share of voice", "The brand's mentions on the digest day as a share of "
	    "all mentions of it and its competitors that day." },
	{ "trend", "Each figure against the day before and against the average day "
	    "of the 7 days before. The arrow is flat when the change is under 5% of "
	    "the day before (0.1 for net sentiment)." },
	{ "NPS-style score", "Derived from public star ratings, not from a survey: "
	    "on 5 stars, 5 is a promoter, 4 passive, 1-3 a detractor; on 0-10, 9-10, "
	    "7-8 and 0-6. Score = % promoters - % detractors, from -100 to +100." },
};

static json_t *
footnotes_json(void)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sizeof notes / sizeof notes[0]; i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "term", notes[i][0],
		    "text", notes[i][1]));
	return a;
}

json_t *
digest_doc(const struct digest_run *r)
{
	json_t *brands = json_array();
	char generated[26], from[11];
	size_t i;

	digest_iso(r->now, generated);
	digest_local_date(r->start[r->nd - r->days], 0, from);
	for (i = 0; i < r->c->nbrands; i++)
		json_array_append_new(brands, brand_json(r, i));
	return json_pack("{s:i, s:s, s:s, s:s, s:i, s:{s:s, s:s}, s:b, s:o, s:o, s:o, s:o}",
	    "schema", 1, "generated", generated, "timezone", r->c->timezone,
	    "date", r->date, "days", r->days, "period", "from", from, "to", r->date,
	    "partial", r->partial, "brands", brands, "groups", groups_json(r),
	    "needs_reply", mentions_json(&r->reply), "footnotes", footnotes_json());
}
