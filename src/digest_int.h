/* Private to the digest (digest*.c) and its tests: the metric arithmetic
 * as small pure functions, a string tally, and the term splitter. */
#ifndef EARSHOT_DIGEST_INT_H
#define EARSHOT_DIGEST_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Label counts over a span of days. */
struct digest_counts {
	long mentions, pos, neu, neg;
	double compound_sum;
	long authors;        /* distinct known authors (summed per day for avg7) */
};

/* METRICS of the schema for sums over ndays days: counts are per-day
 * averages (reals) when ndays > 1, else integers. New reference. */
json_t *digest_metrics_json(const struct digest_counts *sum, int ndays);
/* (pos - neg) / (pos + neg); NAN when pos + neg is 0. */
double digest_net_sentiment(double pos, double neg);
/* "up", "down" or "flat": flat when |change| < 5% of |reference| (or of
 * 1 when the reference is 0), so 0 -> 0 is flat and 0 -> 1 is up. */
const char *digest_arrow(double change, double reference);
/* One trend entry. value, previous and avg7 are NAN when unknown; a count
 * gets change_avg7_pct, a net sentiment (count 0) gets null there. */
json_t *digest_trend_json(double value, double previous, double avg7, int count);
/* Rounds to n decimals as a JSON real; null for NAN. */
json_t *digest_real(double v, int decimals);

/* Public ratings: rating is 0..1 on a scale of `scale` stars or points. */
struct digest_ratings {
	long count;          /* rated mentions */
	double sum;          /* of ratings, 0..1 */
	long on5, on10;      /* rated on a 5-star / 0-10 scale */
	double other_scale;  /* the last other scale seen */
	long promoters, passives, detractors;
};
/* 1 promoter, 0 passive, -1 detractor; -2 when the scale is not 5 or 10.
 * 5 stars: 5 / 4 / 0-3; 0-10: 9-10 / 7-8 / 0-6. */
int digest_rating_class(double rating, double scale);
void digest_ratings_add(struct digest_ratings *r, double rating, double scale);
/* The schema's ratings object, or null with no rated mentions. */
json_t *digest_ratings_json(const struct digest_ratings *r);

/* The listening measures over the period (null where undefined). known:
 * mentions with an author; repeat: of those, by authors with more than
 * one; authors: distinct. */
json_t *digest_listening_json(long day, long period, int days, long known,
    long repeat, long authors, long pos, long neg);

/* A bounded string -> two counters hash. Zero-initialise; free with
 * digest_tally_free. */
#define DIGEST_TALLY_MAX 65536
struct digest_tally_entry {
	char *key;
	long a, b;
};
struct digest_tally {
	struct digest_tally_entry *v;
	size_t n, cap;
	size_t dropped;      /* new keys refused at DIGEST_TALLY_MAX */
};
/* Adds a and b to key[0..len)'s counters (a new key starts at 0). The
 * entry, or NULL when full or out of memory (counted in dropped). */
struct digest_tally_entry *digest_tally_add(struct digest_tally *t,
    const char *key, size_t len, long a, long b);
/* The entries in cmp order, as a malloc'd array of n pointers into t
 * (caller frees the array only); NULL when empty or out of memory. */
struct digest_tally_entry **digest_tally_sorted(const struct digest_tally *t,
    int (*cmp)(const void *, const void *));
void digest_tally_free(struct digest_tally *t);

/* Calls fn once for each distinct term of text: lower-cased words of three
 * bytes or more, not all digits, neither a stop word nor one of the
 * lower-cased words in own (space-separated). fn must not call it again
 * (its set of the text's terms is per thread). */
void digest_terms(const char *text, const char *own,
    void (*fn)(const char *w, size_t n, void *ctx), void *ctx);

/* The most negative (or positive) mentions seen so far, best first. A
 * mention's JSON is made once it is among the last ones kept (digest_doc),
 * not whenever it enters: most that enter are pushed out again. */
#define DIGEST_TOP_MAX 10
struct digest_top {
	struct mention v[DIGEST_TOP_MAX]; /* copies, their strings owned */
	double key[DIGEST_TOP_MAX]; /* lower is better */
	size_t n, max;
};

/* A source's most negative mention of a day: only what the document
 * shows of it, not a MENTION object (built for every new worst, those
 * were most of the digest's garbage). */
struct digest_worst {
	int set;
	double compound;             /* rounded as the document shows it */
	char *title, *link;          /* NULL: none */
};

/* What the build gathers for one brand and one source (feed). */
struct digest_source {
	char *feed;
	struct digest_counts *day;   /* [nd] */
	struct digest_worst *worst;  /* [nd] the day's most negative mention */
};
struct digest_brand {
	const struct conf_brand *cb;
	struct digest_counts *day;   /* [nd], authors filled at the end */
	struct digest_source *src;
	size_t nsrc;
	struct digest_tally authors; /* period: author -> mentions */
	struct digest_tally day_authors; /* authors of day day_k so far */
	int day_k;
	struct digest_tally terms;   /* period: term -> mentions */
	struct digest_tally aspects; /* period: aspect -> negative (a), total (b) */
	struct digest_ratings ratings;
	struct digest_top neg, pos;  /* period */
};
/* One build: nd days of counts end with the digest day (index nd - 1);
 * the period is the last `days` of them, avg7 the 7 before the day. */
struct digest_run {
	const struct conf *c;
	const char *date;
	int days, nd, partial;
	int64_t now;
	int64_t *start;              /* [nd + 1] local midnights */
	char (*day_date)[11];        /* [nd] their dates, YYYY-MM-DD */
	struct digest_brand *b;      /* [c->nbrands] */
	struct digest_top reply;     /* the day's negative mentions, all brands */
};
/* The document of a finished gathering (digest_doc.c). New reference or
 * NULL when out of memory. */
json_t *digest_doc(const struct digest_run *r);

/* t as local ISO 8601 with its offset, "2026-11-30T09:15:00+01:00",
 * into out[26]. */
void digest_iso(int64_t t, char out[26]);

#endif
