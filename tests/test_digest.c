/* The digest: its arithmetic at the edges, local days across a DST change,
 * and golden Markdown and CSV for a fixed state database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "digest_int.h"
#include "log.h"
#include "store.h"
#include "test.h"
#include "util.h"

#define GOLDEN "tests/data/digest/"

static char dir[] = "/tmp/earshot-digest.XXXXXX";

/* The value at key of o as a number, string or null-ness, for checks. */
static double
num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static const char *
str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int
is_null(const json_t *o, const char *k)
{
	return json_is_null(json_object_get(o, k));
}

static void
test_metrics_edges(void)
{
	struct digest_counts none = {0}, noneg = { 5, 5, 0, 0, 2.5, 1 },
	    mixed = { 12, 7, 2, 3, 2.52, 9 };
	json_t *m;

	m = digest_metrics_json(&none, 1);
	CHECK_INT(num(m, "mentions"), 0);
	CHECK(is_null(m, "ratio") && is_null(m, "net_sentiment"));
	CHECK(is_null(m, "compound_avg") && is_null(m, "negative_share"));
	json_decref(m);
	m = digest_metrics_json(&noneg, 1);
	CHECK_STR(str(m, "ratio"), "5 : 0");
	CHECK_NEAR(num(m, "net_sentiment"), 1, 1e-9);
	CHECK_NEAR(num(m, "negative_share"), 0, 1e-9);
	json_decref(m);
	m = digest_metrics_json(&mixed, 1);
	CHECK_STR(str(m, "ratio"), "2.3 : 1");
	CHECK_NEAR(num(m, "positive_share"), 0.583, 1e-9);
	CHECK_NEAR(num(m, "net_sentiment"), 0.4, 1e-9);
	CHECK_NEAR(num(m, "compound_avg"), 0.21, 1e-9);
	json_decref(m);
	/* Averaged over 7 days the counts are reals, the shares unchanged. */
	m = digest_metrics_json(&mixed, 7);
	CHECK(json_is_real(json_object_get(m, "mentions")));
	CHECK_NEAR(num(m, "mentions"), 1.714, 1e-9);
	CHECK_NEAR(num(m, "positive_share"), 0.583, 1e-9);
	json_decref(m);
}

static void
test_trend(void)
{
	json_t *t;

	CHECK_STR(digest_arrow(0, 0), "flat");
	CHECK_STR(digest_arrow(1, 0), "up");
	CHECK_STR(digest_arrow(3, 100), "flat");
	CHECK_STR(digest_arrow(-6, 100), "down");
	CHECK_STR(digest_arrow(NAN, 1), "flat");
	t = digest_trend_json(12, 9, 8.4, 1);
	CHECK(json_is_integer(json_object_get(t, "value")));
	CHECK_INT(num(t, "change"), 3);
	CHECK_NEAR(num(t, "change_avg7_pct"), 42.9, 1e-9);
	CHECK_STR(str(t, "arrow"), "up");
	json_decref(t);
	t = digest_trend_json(5, 0, 0, 1);       /* nothing before: no percentage */
	CHECK(is_null(t, "change_avg7_pct"));
	json_decref(t);
	t = digest_trend_json(0.5, NAN, 0.2, 0); /* net sentiment with no day before */
	CHECK(is_null(t, "previous") && is_null(t, "change") && is_null(t, "change_avg7_pct"));
	CHECK_STR(str(t, "arrow"), "flat");
	json_decref(t);
	t = digest_trend_json(0.2, 0.25, 0, 0);  /* under 0.1 of the -1..1 range */
	CHECK_STR(str(t, "arrow"), "flat");
	json_decref(t);
	CHECK(isnan(digest_net_sentiment(0, 0)));
}

static void
test_ratings(void)
{
	struct digest_ratings r = {0};
	json_t *j;

	CHECK_INT(digest_rating_class(1.0, 5), 1);
	CHECK_INT(digest_rating_class(0.8, 5), 0);
	CHECK_INT(digest_rating_class(0.6, 5), -1);
	CHECK_INT(digest_rating_class(0.2, 5), -1);
	CHECK_INT(digest_rating_class(0.9, 10), 1);
	CHECK_INT(digest_rating_class(0.8, 10), 0);
	CHECK_INT(digest_rating_class(0.7, 10), 0);
	CHECK_INT(digest_rating_class(0.6, 10), -1);
	CHECK_INT(digest_rating_class(0.0, 10), -1);
	CHECK_INT(digest_rating_class(0.5, 100), -2);
	j = digest_ratings_json(&r);
	CHECK(json_is_null(j));
	json_decref(j);
	/* 5 stars: 5, 5, 4, 2 -> 2 promoters, 1 passive, 1 detractor: +25. */
	digest_ratings_add(&r, 1.0, 5);
	digest_ratings_add(&r, 1.0, 5);
	digest_ratings_add(&r, 0.8, 5);
	digest_ratings_add(&r, 0.4, 5);
	j = digest_ratings_json(&r);
	CHECK_INT(num(j, "count"), 4);
	CHECK_NEAR(num(j, "average"), 0.8, 1e-9);
	CHECK_NEAR(num(j, "average_stars"), 4.0, 1e-9);
	CHECK_INT(num(j, "scale"), 5);
	CHECK_INT(num(j, "nps"), 25);
	json_decref(j);
	/* 0-10 only: 3 and 10 -> -0 + ... = 0; a 100-point score is averaged only. */
	memset(&r, 0, sizeof r);
	digest_ratings_add(&r, 0.3, 10);
	digest_ratings_add(&r, 1.0, 10);
	digest_ratings_add(&r, 0.5, 100);
	j = digest_ratings_json(&r);
	CHECK_INT(num(j, "scale"), 10);
	CHECK_INT(num(j, "promoters") + num(j, "detractors") + num(j, "passives"), 2);
	CHECK_INT(num(j, "nps"), 0);
	json_decref(j);
	memset(&r, 0, sizeof r);
	digest_ratings_add(&r, 0.5, 100);
	j = digest_ratings_json(&r);
	CHECK(is_null(j, "nps"));
	CHECK_INT(num(j, "scale"), 100);
	json_decref(j);
}

static void
test_listening(void)
{
	json_t *l;

	/* One author wrote all three: all passion, a third of the reach. */
	l = digest_listening_json(1, 3, 7, 3, 3, 1, 2, 1);
	CHECK_NEAR(num(l, "strength"), 2.333, 1e-9);
	CHECK_NEAR(num(l, "passion"), 1, 1e-9);
	CHECK_NEAR(num(l, "reach"), 0.333, 1e-9);
	CHECK_STR(str(l, "sentiment"), "2.0 : 1");
	json_decref(l);
	l = digest_listening_json(0, 0, 7, 0, 0, 0, 0, 0);
	CHECK(is_null(l, "strength") && is_null(l, "passion") && is_null(l, "reach") &&
	    is_null(l, "sentiment"));
	json_decref(l);
	/* No known author: passion unknown, reach 0. */
	l = digest_listening_json(2, 2, 1, 0, 0, 0, 2, 0);
	CHECK(is_null(l, "passion"));
	CHECK_NEAR(num(l, "reach"), 0, 1e-9);
	CHECK_STR(str(l, "sentiment"), "2 : 0");
	json_decref(l);
}

static void
collect(const char *w, size_t n, void *ctx)
{
	struct buf *b = ctx;

	buf_printf(b, "%.*s|", (int)n, w);
}

static void
test_terms(void)
{
	struct buf b = {0};

	digest_terms("The Acme Cloud's BATTERY died, the battery! 2026 and Acme's "
	    "support don't care; über-slow", "acme cloud", collect, &b);
	CHECK_STR(b.data, "battery|died|support|care|über|slow|");
	buf_free(&b);
	digest_terms(NULL, "", collect, &b);
	CHECK(b.len == 0);
	buf_free(&b);
}

static void
test_tally_bound(void)
{
	struct digest_tally t = {0};
	char key[16];
	int i;

	for (i = 0; i < DIGEST_TALLY_MAX + 10; i++) {
		snprintf(key, sizeof key, "k%d", i);
		digest_tally_add(&t, key, strlen(key), 1, 0);
	}
	CHECK_INT(t.n, DIGEST_TALLY_MAX);
	CHECK_INT(t.dropped, 10);
	/* A known key still counts at the bound. */
	CHECK(digest_tally_add(&t, "k0", 2, 1, 0) != NULL);
	CHECK_INT(digest_tally_add(&t, "k0", 2, 0, 0)->a, 2);
	digest_tally_free(&t);
}

/* Local days in Europe/Berlin: 25 hours on 2026-10-25, 23 on 2026-03-29. */
static void
test_days(void)
{
	char d[11], iso[26];

	digest_set_zone("Europe/Berlin");
	CHECK_INT(digest_midnight("2026-11-30", 0), 1795993200); /* 2026-11-29T23:00Z */
	CHECK_INT(digest_midnight("2026-10-26", 0) - digest_midnight("2026-10-25", 0), 25 * 3600);
	CHECK_INT(digest_midnight("2026-03-30", 0) - digest_midnight("2026-03-29", 0), 23 * 3600);
	CHECK_INT(digest_midnight("2026-10-25", 1), digest_midnight("2026-10-26", 0));
	CHECK_INT(digest_midnight("2026-03-01", -1), digest_midnight("2026-02-28", 0));
	CHECK_INT(digest_midnight("2026-02-30", 0), -1);
	CHECK_INT(digest_midnight("2026-1-30", 0), -1);
	CHECK_INT(digest_midnight("2026-11-30x", 0), -1);
	CHECK_INT(digest_midnight("yesterday", 0), -1);
	digest_local_date(1795993200 - 1, 0, d);     /* 23:59:59 local */
	CHECK_STR(d, "2026-11-29");
	digest_local_date(1795993200, -1, d);
	CHECK_STR(d, "2026-11-29");
	digest_local_date(digest_midnight("2026-10-26", 0) - 1, 1, d);
	CHECK_STR(d, "2026-10-26");
	digest_iso(1795993200, iso);
	CHECK_STR(iso, "2026-11-30T00:00:00+01:00");
	digest_iso(digest_midnight("2026-10-25", 0), iso);
	CHECK_STR(iso, "2026-10-25T00:00:00+02:00");
	digest_set_zone("America/New_York");
	digest_iso(1795993200, iso);
	CHECK_STR(iso, "2026-11-29T18:00:00-05:00");
	digest_set_zone("UTC");
	digest_iso(1795993200, iso);
	CHECK_STR(iso, "2026-11-29T23:00:00+00:00");
}

/* One stored mention of the fixture. */
struct fix {
	const char *brand, *feed, *when, *author, *title, *snippet;
	size_t hl[2];
	double compound;
	int label;
	const char *aspects, *reason;
	double rating, scale;
};

/* Mentions around 2026-11-30 in Europe/Berlin (UTC+1 in November). */
static const struct fix fixture[] = {
	{ "Acme", "reviews", "2026-11-30T07:00:00Z", "jane", "Acme, the \"best\"\nreally?",
	  "Acme crashed twice and billing charged me again", { 0, 4 }, -0.7, -1,
	  "billing", "'crashed' -1.9, 'charged' -0.5", 0.2, 5 },
	/* 00:30 local: the 30th in Berlin though the 29th in UTC. */
	{ "Acme", "social", "2026-11-29T23:30:00Z", "bob", NULL,
	  "Loving the new Acme battery life", { 15, 19 }, 0.6, 1, "battery",
	  "'loving' +2.9", -1, 0 },
	{ "Acme", "reviews", "2026-11-29T11:00:00Z", "jane", "Mixed",
	  "Acme support was slow but the battery is great", { 0, 4 }, 0.2, 0,
	  "support,battery", "'slow' -0.9, 'great' +3.1 (after 'but')", 0.8, 5 },
	{ "Acme", "reviews", "2026-11-28T09:00:00Z", NULL, "=cmd|' /C calc'!A0",
	  "Refund took weeks from Acme billing", { 23, 27 }, -0.4, -1, "billing",
	  "'refund' -0.4", 1.0, 5 },
	/* Before the 3-day period but in the 7 days before the digest day. */
	{ "Acme", "social", "2026-11-25T09:00:00Z", "carl", NULL, "Acme is fine",
	  { 0, 4 }, 0.0, 0, NULL, NULL, -1, 0 },
	/* 00:30 on 1 December in Berlin: after the digest day. */
	{ "Acme", "social", "2026-11-30T23:30:00Z", "bob", NULL, "Acme again tomorrow",
	  { 0, 4 }, -0.9, -1, NULL, NULL, -1, 0 },
	{ "Globex", "news", "2026-11-30T08:00:00Z", NULL, "Prices",
	  "Globex raised prices again", { 0, 6 }, -0.5, -1, "price",
	  "'raised prices' -1.4", 0.7, 10 },
	{ "Globex", "news", "2026-11-29T08:00:00Z", "dan", "Plans",
	  "Globex launches a great plan", { 0, 6 }, 0.5, 1, NULL, "'great' +3.1",
	  0.9, 10 },
};

static int64_t
utc(const char *iso)
{
	struct tm tm = {0};

	sscanf(iso, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return time_from_utc(&tm);
}

static struct store *
fixture_store(const char *sub)
{
	char path[256], err[256];
	struct store *s;
	size_t i;

	snprintf(path, sizeof path, "%s/%s", dir, sub);
	mkdir(path, 0755);
	if (!(s = store_open(path, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	for (i = 0; i < NELEM(fixture); i++) {
		const struct fix *f = &fixture[i];
		struct mention m = {0};
		char link[64], item[16];

		snprintf(item, sizeof item, "item%zu", i);
		snprintf(link, sizeof link, "https://%s.example/%zu", f->feed, i);
		hash64_hex(hash64(item, strlen(item)), m.id);
		m.brand = (char *)f->brand;
		m.feed = (char *)f->feed;
		m.item_id = item;
		m.link = link;
		m.author = (char *)f->author;
		m.title = (char *)f->title;
		m.snippet = (char *)f->snippet;
		m.matched = xstrndup(f->snippet + f->hl[0], f->hl[1] - f->hl[0]);
		m.hl_start = f->hl[0];
		m.hl_end = f->hl[1];
		m.published = utc(f->when);
		m.created = m.published + 60;
		m.compound = f->compound;
		m.label = f->label;
		m.aspects = (char *)f->aspects;
		m.reason = (char *)f->reason;
		m.rating = f->rating;
		m.rating_scale = f->scale;
		/* The record carries the highlight and the match, as record.c writes. */
		snprintf(path, sizeof path, "{\"highlight\":[%zu,%zu],\"matched\":\"%s\"}",
		    f->hl[0], f->hl[1], m.matched);
		CHECK_INT(store_add_mention(s, &m, path), 0);
		free(m.matched);
	}
	return s;
}

/* Acme and Globex compete; Solo has no competitors and no mentions. */
static void
fixture_conf(struct conf *c, struct conf_brand *b, const char *tz)
{
	memset(c, 0, sizeof *c);
	memset(b, 0, 3 * sizeof *b);
	b[0].name = "Acme";
	b[1].name = "Globex";
	b[2].name = "Solo";
	strlist_add(&b[0].competitors, "Globex");
	strlist_add(&b[1].competitors, "Acme");
	c->brands = b;
	c->nbrands = 3;
	c->timezone = (char *)tz;
}


/* got must equal the golden file NAME; a mismatch leaves got next to it
 * as NAME.got for diff. */
static void
check_golden(const char *name, const char *got)
{
	char path[256];
	char *want;
	FILE *f;

	snprintf(path, sizeof path, GOLDEN "%s", name);
	want = test_slurp(path);
	if (want && !strcmp(want, got)) {
		CHECK(1);
		free(want);
		return;
	}
	CHECK(!"output differs from golden file");
	fprintf(stderr, "  %s differs; see %s.got\n", path, path);
	snprintf(path, sizeof path, GOLDEN "%s.got", name);
	if ((f = fopen(path, "w"))) {
		fputs(got, f);
		fclose(f);
	}
	free(want);
}

static const json_t *
brand_of(const json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "brands"), i);
}

static void
test_golden(void)
{
	struct conf_brand b[3];
	struct conf c;
	struct store *s = fixture_store("golden");
	struct buf md = {0}, csv = {0};
	json_t *doc;
	char *js;

	fixture_conf(&c, b, "Europe/Berlin");
	if (!s)
		return;
	doc = digest_build(s, &c, "2026-11-30", 3, 0, utc("2026-12-01T06:00:00Z"));
	CHECK(doc != NULL);
	if (!doc)
		goto out;
	CHECK_INT(digest_md(doc, &md), 0);
	CHECK_INT(digest_csv(doc, &csv), 0);
	check_golden("fixture.md.golden", md.data);
	check_golden("fixture.csv.golden", csv.data);
	js = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	check_golden("sample.json", js);
	free(js);
	/* The figures the goldens rest on, one by one. */
	CHECK_INT(num(json_object_get(brand_of(doc, 0), "day"), "mentions"), 2);
	CHECK_INT(num(json_object_get(brand_of(doc, 0), "previous"), "mentions"), 1);
	CHECK_NEAR(num(brand_of(doc, 0), "share_of_voice"), 0.667, 1e-9);
	CHECK(is_null(brand_of(doc, 2), "share_of_voice"));
	CHECK(is_null(brand_of(doc, 2), "ratings"));
	CHECK_INT(json_array_size(json_object_get(doc, "groups")), 1);
	CHECK_INT(json_array_size(json_object_get(doc, "needs_reply")), 2);
	json_decref(doc);
out:
	buf_free(&md);
	buf_free(&csv);
	strlist_free(&b[0].competitors);
	strlist_free(&b[1].competitors);
	store_close(s);
}

/* On the day Berlin leaves summer time (25 hours), mentions at both ends
 * of the local day count on it, and those just outside do not. */
static void
test_dst_build(void)
{
	static const char *const when[] = {
		"2026-10-24T21:59:59Z",  /* 23:59:59+02:00 on the 24th: outside */
		"2026-10-24T22:00:00Z",  /* 00:00+02:00: the first second */
		"2026-10-25T01:30:00Z",  /* 02:30+01:00, the repeated hour */
		"2026-10-25T22:59:59Z",  /* 23:59:59+01:00: the last second */
		"2026-10-25T23:00:00Z",  /* the 26th */
	};
	struct conf_brand b[3];
	struct conf c;
	char path[256], err[256];
	struct store *s;
	json_t *doc;
	size_t i;

	fixture_conf(&c, b, "Europe/Berlin");
	snprintf(path, sizeof path, "%s/dst", dir);
	mkdir(path, 0755);
	if (!(s = store_open(path, err, sizeof err)))
		return;
	for (i = 0; i < NELEM(when); i++) {
		struct mention m = { .brand = "Solo", .feed = "f", .snippet = "Solo",
		    .label = 0, .rating = -1 };

		snprintf(m.id, sizeof m.id, "%016zx", i);
		m.published = utc(when[i]);
		m.created = m.published;
		store_add_mention(s, &m, "{}");
	}
	doc = digest_build(s, &c, "2026-10-25", 1, 0, utc("2026-10-26T06:00:00Z"));
	CHECK(doc != NULL);
	CHECK_INT(num(json_object_get(brand_of(doc, 2), "day"), "mentions"), 3);
	CHECK_INT(num(json_object_get(brand_of(doc, 2), "previous"), "mentions"), 1);
	CHECK_INT(json_array_size(json_object_get(brand_of(doc, 2), "daily")), 1);
	CHECK_STR(str(json_object_get(doc, "period"), "from"), "2026-10-25");
	CHECK_STR(str(doc, "generated"), "2026-10-26T07:00:00+01:00");
	/* A brand with neither mentions nor competitors has nulls, no errors. */
	CHECK(is_null(json_object_get(brand_of(doc, 0), "day"), "ratio"));
	CHECK(is_null(json_object_get(brand_of(doc, 0), "listening"), "strength"));
	json_decref(doc);
	CHECK(digest_build(s, &c, "2026-10-25", 0, 0, 0) == NULL);
	CHECK(digest_build(s, &c, "2026-10-25", 367, 0, 0) == NULL);
	CHECK(digest_build(s, &c, "25.10.2026", 7, 0, 0) == NULL);
	strlist_free(&b[0].competitors);
	strlist_free(&b[1].competitors);
	store_close(s);
}

/* The files and the latest.* links, written twice (replacing the links). */
static void
test_write(void)
{
	json_t *doc = json_pack("{s:i, s:s, s:[], s:[], s:[], s:[], s:s, s:i, s:{s:s, s:s}}",
	    "schema", 1, "date", "2026-11-30", "brands", "groups", "needs_reply", "footnotes",
	    "timezone", "UTC", "days", 1, "period", "from", "2026-11-30", "to", "2026-11-30");
	static const char *const ext[] = { "json", "md", "csv", "html" };
	char path[256], target[64];
	FILE *quiet = tmpfile();
	struct stat st;
	size_t i;
	ssize_t n;

	CHECK_INT(digest_write(dir, doc), 0);
	json_object_set_new(doc, "date", json_string("2026-12-01"));
	CHECK_INT(digest_write(dir, doc), 0);
	for (i = 0; i < NELEM(ext); i++) {
		snprintf(path, sizeof path, "%s/digest/2026-11-30.%s", dir, ext[i]);
		CHECK(stat(path, &st) == 0 && st.st_size > 0);
		snprintf(path, sizeof path, "%s/digest/latest.%s", dir, ext[i]);
		n = readlink(path, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		snprintf(path, sizeof path, "2026-12-01.%s", ext[i]);
		CHECK_STR(target, path);
		snprintf(path, sizeof path, "%s/digest/latest.%s", dir, ext[i]);
		CHECK(stat(path, &st) == 0 && st.st_size > 0);
	}
	json_object_set_new(doc, "date", json_string("../x"));
	log_to(quiet);
	CHECK_INT(digest_write(dir, doc), -1);
	CHECK_INT(digest_write("/proc/earshot-none", doc), -1);
	log_to(NULL);
	fclose(quiet);
	json_decref(doc);
}

/* The views take any document: one from another tool or an older
 * schema may lack keys, and must not crash them. */
static void
test_views_tolerate(void)
{
	static const char *const docs[] = {
		"{}",
		"{\"brands\": [{}], \"needs_reply\": [{}], \"footnotes\": [{}]}",
		"{\"brands\": [{\"name\": \"A\", \"listening\": {\"strength\": 1},"
		" \"ratings\": {}, \"most_positive\": [{\"highlight\": [5, 99]}],"
		" \"sources_daily\": [{\"daily\": [{}]}]}],"
		" \"needs_reply\": [{\"brand\": \"A\", \"snippet\": \"A*b\","
		" \"highlight\": [0, 1]}]}",
	};
	size_t i;

	for (i = 0; i < NELEM(docs); i++) {
		json_t *doc = json_loads(docs[i], 0, NULL);
		struct buf md = {0}, csv = {0};

		CHECK(doc != NULL);
		CHECK_INT(digest_md(doc, &md), 0);
		CHECK_INT(digest_csv(doc, &csv), 0);
		CHECK(csv.len > 0 && md.len > 0);
		if (i == 2) {
			CHECK(strstr(md.data, "passion n/a") != NULL);
			CHECK(strstr(md.data, "“**A**\\*b”") != NULL);
		}
		buf_free(&md);
		buf_free(&csv);
		json_decref(doc);
	}
}

int
main(void)
{
	char cmd[64];

	if (!mkdtemp(dir))
		return 1;
	RUN(test_metrics_edges);
	RUN(test_trend);
	RUN(test_ratings);
	RUN(test_listening);
	RUN(test_terms);
	RUN(test_tally_bound);
	RUN(test_days);
	RUN(test_golden);
	RUN(test_dst_build);
	RUN(test_write);
	RUN(test_views_tolerate);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return TEST_END();
}
