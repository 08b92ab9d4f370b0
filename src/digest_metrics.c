/* The digest's arithmetic: shares, ratios, net sentiment, trend arrows,
 * the listening measures and the NPS-style score from public ratings.
 * Pure functions of counts, so every edge case has a unit test. */
#include <math.h>
#include <stdio.h>

#include "digest_int.h"
#include "report.h"

json_t *
digest_real(double v, int decimals)
{
	double f = decimals == 1 ? 10 : 1000;

	return isnan(v) ? json_null() : json_real(round(v * f) / f + 0.0);
}

double
digest_net_sentiment(double pos, double neg)
{
	return pos + neg > 0 ? (pos - neg) / (pos + neg) : NAN;
}

static json_t *
count_json(long n, int ndays)
{
	return ndays > 1 ? digest_real((double)n / ndays, 3) : json_integer(n);
}

static json_t *
share(long part, long whole)
{
	return whole ? digest_real((double)part / (double)whole, 3) : json_null();
}

json_t *
digest_metrics_json(const struct digest_counts *s, int ndays)
{
	char ratio[32];

	report_ratio(s->pos, s->neg, ratio, sizeof ratio);
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "mentions", count_json(s->mentions, ndays),
	    "positive", count_json(s->pos, ndays),
	    "neutral", count_json(s->neu, ndays),
	    "negative", count_json(s->neg, ndays),
	    "positive_share", share(s->pos, s->mentions),
	    "neutral_share", share(s->neu, s->mentions),
	    "negative_share", share(s->neg, s->mentions),
	    "ratio", s->pos || s->neg ? json_string(ratio) : json_null(),
	    "net_sentiment", digest_real(digest_net_sentiment((double)s->pos,
	    (double)s->neg), 3),
	    "compound_avg", s->mentions ? digest_real(s->compound_sum /
	    (double)s->mentions, 3) : json_null(),
	    "authors", count_json(s->authors, ndays));
}

const char *
digest_arrow(double change, double reference)
{
	double ref = fabs(reference) > 0 ? fabs(reference) : 1;

	if (isnan(change) || fabs(change) < 0.05 * ref)
		return "flat";
	return change > 0 ? "up" : "down";
}

/* A count as a JSON integer (null for NAN), the signature of digest_real. */
static json_t *
whole(double v, int decimals)
{
	(void)decimals;
	return isnan(v) ? json_null() : json_integer((json_int_t)llround(v));
}

json_t *
digest_trend_json(double value, double previous, double avg7, int count)
{
	double change = value - previous, pct = NAN;

	if (count && avg7 > 0)
		pct = (value - avg7) * 100 / avg7;
	json_t *(*num)(double, int) = count ? whole : digest_real;

	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}",
	    "value", num(value, 3), "previous", num(previous, 3),
	    "change", num(change, 3), "avg7", digest_real(avg7, 3),
	    "change_avg7_pct", digest_real(pct, 1),
	    /* A net sentiment lives in -1..1: 5% of that range is 0.1. */
	    "arrow", digest_arrow(change, count ? previous : 2));
}

int
digest_rating_class(double rating, double scale)
{
	double v = round(rating * scale);

	if (scale == 5)
		return v >= 5 ? 1 : v >= 4 ? 0 : -1;
	if (scale == 10)
		return v >= 9 ? 1 : v >= 7 ? 0 : -1;
	return -2;
}

void
digest_ratings_add(struct digest_ratings *r, double rating, double scale)
{
	int k = digest_rating_class(rating, scale);

	r->count++;
	r->sum += rating;
	if (scale == 5)
		r->on5++;
	else if (scale == 10)
		r->on10++;
	else
		r->other_scale = scale;
	if (k == 1)
		r->promoters++;
	else if (k == 0)
		r->passives++;
	else if (k == -1)
		r->detractors++;
}

json_t *
digest_ratings_json(const struct digest_ratings *r)
{
	long classed = r->promoters + r->passives + r->detractors;
	double avg, scale;

	if (!r->count)
		return json_null();
	avg = r->sum / (double)r->count;
	/* Averages read in the unit most ratings used. */
	scale = r->on10 > r->on5 ? 10 : r->on5 ? 5 : r->other_scale;
	return json_pack("{s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:o}",
	    "count", (json_int_t)r->count, "average", digest_real(avg, 3),
	    "average_stars", scale > 0 ? digest_real(avg * scale, 1) : json_null(),
	    "scale", scale <= 0 ? json_null() : scale == floor(scale) ?
	    json_integer((json_int_t)scale) : json_real(scale),
	    "promoters", (json_int_t)r->promoters, "passives", (json_int_t)r->passives,
	    "detractors", (json_int_t)r->detractors,
	    "nps", classed ? json_integer((json_int_t)round((double)(r->promoters -
	    r->detractors) * 100 / (double)classed)) : json_null());
}

json_t *
digest_listening_json(long day, long period, int days, long known, long repeat,
    long authors, long pos, long neg)
{
	char ratio[32];

	report_ratio(pos, neg, ratio, sizeof ratio);
	return json_pack("{s:o, s:o, s:o, s:o}",
	    "strength", period ? digest_real((double)day * days / (double)period, 3) :
	    json_null(),
	    "passion", known ? digest_real((double)repeat / (double)known, 3) : json_null(),
	    "reach", period ? digest_real((double)authors / (double)period, 3) : json_null(),
	    "sentiment", pos || neg ? json_string(ratio) : json_null());
}
