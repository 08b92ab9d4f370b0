/* Tests for the match stage: PCRE2 brand matching, excludes, requires,
 * feed scoping, limits, the literal prefilter and sentence context. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "match.h"
#include "test.h"
#include "util.h"

/* A pattern list and its length, for struct match_brand initialisers. */
#define LIST(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

static char strbuf[2][2048];

static const char *
span_str(int slot, const char *text, size_t s, size_t e)
{
	snprintf(strbuf[slot], sizeof strbuf[slot], "%.*s", (int)(e - s), text + s);
	return strbuf[slot];
}

static const char *
ctx_of(const char *text, const struct match_hit *h)
{
	return span_str(0, text, h->ctx_start, h->ctx_end);
}

static const char *
hit_of(const char *text, const struct match_hit *h)
{
	return span_str(1, text, h->start, h->end);
}

static struct matcher *
mk(const struct match_brand *b, size_t n, const struct match_opts *o)
{
	char err[512];
	struct matcher *m = match_new(b, n, o, err, sizeof err);

	if (!m)
		fprintf(stderr, "match_new: %s\n", err);
	CHECK(m != NULL);
	return m;
}

/* Runs one brand over text from feed; the first hit goes to *h. */
static int
run1(const struct match_brand *b, const struct match_opts *o, const char *feed,
    const char *text, struct match_hit *h)
{
	struct matcher *m = mk(b, 1, o);
	char err[512] = "stale";
	unsigned nerr = 99;
	int n;

	if (!m)
		return -1;
	memset(h, 0xff, sizeof *h);
	n = match_text(m, feed, text, strlen(text), h, 1, &nerr, err, sizeof err);
	CHECK_INT(nerr, 0);
	CHECK_STR(err, "");
	match_free(m);
	return n;
}

/* Like run1 with a single pattern and default options. */
static int
pat1(const char *pattern, const char *text, struct match_hit *h)
{
	struct match_brand b = { .name = "X", .patterns = &pattern, .npatterns = 1 };

	return run1(&b, NULL, NULL, text, h);
}

static void
test_case(void)
{
	struct match_brand cs = { .name = "Acme", .patterns = LIST("Acme"),
	    .case_sensitive = 1 };
	struct match_hit h;

	CHECK_INT(pat1("\\bacme\\b", "I love ACME products.", &h), 1);
	CHECK_INT(h.brand, 0);
	CHECK_INT(h.start, 7);
	CHECK_INT(h.end, 11);
	CHECK_STR(hit_of("I love ACME products.", &h), "ACME");
	CHECK_INT(pat1("Acme", "ACME acme Acme", &h), 1);
	CHECK_INT(h.start, 0);
	CHECK_INT(run1(&cs, NULL, NULL, "ACME acme Acme", &h), 1);
	CHECK_INT(h.start, 10);
	CHECK_INT(h.end, 14);
	CHECK_INT(run1(&cs, NULL, NULL, "ACME acme", &h), 0);
}

static void
test_unicode(void)
{
	struct match_hit h;

	CHECK_INT(pat1("éclair", "Un ÉCLAIR ici", &h), 1);
	CHECK_INT(h.start, 3);
	CHECK_INT(h.end, 10);
	CHECK_INT(pat1("ÉCLAIR", "un éclair", &h), 1);
	CHECK_INT(h.start, 3);
	/* UCP: é is a word character, so there is no \b between é and a. */
	CHECK_INT(pat1("\\bacme\\b", "éacme acme", &h), 1);
	CHECK_INT(h.start, 7);
	CHECK_INT(pat1("\\bacme\\b", "acmeville and acmes", &h), 0);
	CHECK_INT(pat1("\\bacme\\b", "acmeville, then acme.", &h), 1);
	CHECK_INT(h.start, 16);
	/* Caseless k and s also match KELVIN SIGN and LONG S: the prefilter
	 * must not drop those. */
	CHECK_INT(pat1("kodak", "I like \xE2\x84\xAAodak film", &h), 1);
	CHECK_INT(h.start, 7);
	CHECK_INT(h.end, 14);
	CHECK_INT(pat1("sony", "a \xC5\xBFONY tv", &h), 1);
	CHECK_INT(h.start, 2);
	CHECK_INT(h.end, 7);
	CHECK_INT(pat1("kodak", "I like \xE2\x84\xABodak film", &h), 0);
}

static void
test_excludes(void)
{
	struct match_brand b = { .name = "Acme", .patterns = LIST("\\bacme\\b"),
	    .excludes = LIST("\\bacme\\s+anvils?\\b") };
	struct match_brand ov = { .name = "Acme", .patterns = LIST("acme\\s+corp"),
	    .excludes = LIST("the\\s+acme", "zzz") };
	struct match_brand in = { .name = "Acme", .patterns = LIST("acme\\w*"),
	    .excludes = LIST("^acme") };
	const char *t = "acme anvils are sold out but Acme Mobile rocks";
	struct match_hit h;

	CHECK_INT(run1(&b, NULL, NULL, t, &h), 1);
	CHECK_INT(h.start, 29);
	CHECK_INT(h.end, 33);
	CHECK_INT(run1(&b, NULL, NULL, "we sell ACME Anvils here", &h), 0);
	CHECK_INT(run1(&b, NULL, NULL, "acme anvils. acme rocks", &h), 1);
	CHECK_INT(h.start, 13);
	/* An exclude elsewhere in the text leaves a hit before it alone. */
	CHECK_INT(run1(&b, NULL, NULL, "acme rocks; acme anvil", &h), 1);
	CHECK_INT(h.start, 0);
	/* A hit that only partly overlaps an exclude match is ignored too. */
	CHECK_INT(run1(&ov, NULL, NULL, "the acme corp and acme corp", &h), 1);
	CHECK_INT(h.start, 18);
	CHECK_INT(h.end, 27);
	CHECK_INT(run1(&ov, NULL, NULL, "the acme corp", &h), 0);
	/* The search resumes inside the ignored hit, past the exclude span. */
	CHECK_INT(run1(&in, NULL, NULL, "acmeacmex", &h), 1);
	CHECK_INT(h.start, 4);
	CHECK_INT(h.end, 9);
}

static void
test_requires(void)
{
	struct match_brand b = { .name = "Apple", .patterns = LIST("\\bapple\\b"),
	    .requires = LIST("\\b(?:iphone|mac|ios)\\b") };
	struct match_brand two = { .name = "Apple", .patterns = LIST("\\bapple\\b"),
	    .requires = LIST("\\biphone\\b", "\\breleas") };
	struct match_hit h;

	CHECK_INT(run1(&b, NULL, NULL, "apple pie is great", &h), 0);
	CHECK_INT(run1(&b, NULL, NULL, "Apple released a new iPhone", &h), 1);
	CHECK_INT(h.start, 0);
	CHECK_INT(h.end, 5);
	/* The require may come before the hit. */
	CHECK_INT(run1(&b, NULL, NULL, "my mac is from apple", &h), 1);
	CHECK_INT(h.start, 15);
	CHECK_INT(run1(&two, NULL, NULL, "apple iphone", &h), 0);
	CHECK_INT(run1(&two, NULL, NULL, "apple releases the iphone", &h), 1);
}

static void
test_feeds(void)
{
	struct match_brand b = { .name = "Acme", .patterns = LIST("acme"),
	    .feeds = LIST("tech", "news") };
	struct match_hit h;

	CHECK_INT(run1(&b, NULL, "food", "acme", &h), 0);
	CHECK_INT(run1(&b, NULL, "news", "acme", &h), 1);
	CHECK_INT(run1(&b, NULL, "tech", "acme", &h), 1);
	CHECK_INT(run1(&b, NULL, "Tech", "acme", &h), 0);
	CHECK_INT(run1(&b, NULL, NULL, "acme", &h), 1);
}

static void
test_many_brands(void)
{
	struct match_brand b[] = {
		{ .name = "Globex", .patterns = LIST("globex") },
		{ .name = "Acme", .patterns = LIST("acme") },
		{ .name = "Hooli", .patterns = LIST("hooli") },
		{ .name = "Initech", .patterns = LIST("initech") },
	};
	const char *t = "initech and acme and globex, and acme again, ACME!";
	struct matcher *m = mk(b, NELEM(b), NULL);
	struct match_hit h[4];
	unsigned nerr;
	int n;

	if (!m)
		return;
	n = match_text(m, NULL, t, strlen(t), h, NELEM(h), &nerr, NULL, 0);
	CHECK_INT(n, 3);
	CHECK_INT(h[0].brand, 0);
	CHECK_INT(h[0].start, 21);
	CHECK_INT(h[1].brand, 1);
	CHECK_INT(h[1].start, 12);
	CHECK_INT(h[1].end, 16);
	CHECK_INT(h[2].brand, 3);
	CHECK_INT(h[2].start, 0);
	/* maxhits smaller than the hits: the first brands in order. */
	n = match_text(m, NULL, t, strlen(t), h, 2, &nerr, NULL, 0);
	CHECK_INT(n, 2);
	CHECK_INT(h[0].brand, 0);
	CHECK_INT(h[1].brand, 1);
	CHECK_INT(match_text(m, NULL, t, strlen(t), h, 0, &nerr, NULL, 0), 0);
	CHECK_INT(match_text(m, NULL, NULL, 0, h, 4, &nerr, NULL, 0), 0);
	CHECK_INT(match_text(m, NULL, "", 0, h, 4, NULL, NULL, 0), 0);
	match_free(m);
}

static void
test_patterns(void)
{
	struct match_brand two = { .name = "Globex", .patterns = LIST("globex", "acme") };
	struct match_hit h;

	/* The earliest hit across patterns, not the first pattern's. */
	CHECK_INT(run1(&two, NULL, NULL, "acme then globex", &h), 1);
	CHECK_INT(h.start, 0);
	CHECK_INT(h.end, 4);
	/* Empty matches never count; a non-empty alternative still does. */
	CHECK_INT(pat1("x*", "abc", &h), 0);
	CHECK_INT(pat1("(?:)|acme", "hello acme", &h), 1);
	CHECK_INT(h.start, 6);
	CHECK_INT(h.end, 10);
	CHECK_INT(pat1("\\bacme(?:\\s+corp)?\\b", "an ACME  Corp. sale", &h), 1);
	CHECK_STR(hit_of("an ACME  Corp. sale", &h), "ACME  Corp");
}

static void
test_context(void)
{
	const char *t = "First sentence here. Acme is great! Third one? Last one.";
	struct match_opts o;
	struct match_brand b = { .name = "X", .npatterns = 1 };
	struct match_hit h;
	const char *p;

	match_opts_default(&o);
	b.patterns = &p;
	p = "acme";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_INT(h.ctx_start, 21);
	CHECK_INT(h.ctx_end, 35);
	CHECK_STR(ctx_of(t, &h), "Acme is great!");
	p = "first";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_STR(ctx_of(t, &h), "First sentence here.");
	p = "last";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_INT(h.ctx_start, 47);
	CHECK_INT(h.ctx_end, 56);
	CHECK_STR(ctx_of(t, &h), "Last one.");
	o.context_sentences = 1;
	p = "acme";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_STR(ctx_of(t, &h), "First sentence here. Acme is great! Third one?");
	p = "first";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_STR(ctx_of(t, &h), "First sentence here. Acme is great!");
	p = "last";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_STR(ctx_of(t, &h), "Third one? Last one.");
	o.context_sentences = 2;
	p = "third";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_STR(ctx_of(t, &h), t);
	/* A hit across a sentence break takes both sentences. */
	o.context_sentences = 0;
	p = "great! third";
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_STR(ctx_of(t, &h), "Acme is great! Third one?");
}

static void
check_ctx(const char *pattern, const char *text, const char *want)
{
	struct match_hit h;

	CHECK_INT(pat1(pattern, text, &h), 1);
	CHECK_STR(ctx_of(text, &h), want);
}

static void
test_sentences(void)
{
	check_ctx("acme", "Dr. Smith met e.g. the U.S. team at acme.com on 3.5 days. Next.",
	    "Dr. Smith met e.g. the U.S. team at acme.com on 3.5 days.");
	check_ctx("acme", "Mr. J. Smith of Acme Inc. hired St. John vs. Globex. Bye.",
	    "Mr. J. Smith of Acme Inc.");
	check_ctx("acme", "Title about Acme\n\nBody first. Second.", "Title about Acme");
	check_ctx("body", "Title about Acme\n\nBody first. Second.", "Body first.");
	check_ctx("acme", "line one\nacme line two\r\nline three", "acme line two");
	check_ctx("acme", "He said \"acme rules.\" Then left.", "He said \"acme rules.\"");
	check_ctx("acme", "Wow!! acme?! Yes", "acme?!");
	check_ctx("acme", "Well\xE2\x80\xA6 acme is ok\xE2\x80\xA6 fine",
	    "acme is ok\xE2\x80\xA6");
	check_ctx("acme", "I said \xE2\x80\x9C" "acme!\xE2\x80\x9D Then", "I said \xE2\x80\x9C"
	    "acme!\xE2\x80\x9D");
	check_ctx("acme", "   acme rocks \n  ", "acme rocks");
	check_ctx("acme", "acme", "acme");
	check_ctx("acme", "the end. acme", "acme");
	check_ctx("acme", "Version 2.0.1 of acme... is out", "Version 2.0.1 of acme...");
}

/* Every cap: the context fits, holds the hit and is whole UTF-8. */
static void
test_context_cap(void)
{
	const char *t = "aaaa bbbb cccc dddd eeee acme ffff gggg hhhh iiii jjjj.";
	const char *u = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 acme "
	    "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xF0\x9F\x98\x80.";
	struct match_brand b = { .name = "X", .patterns = LIST("acme") };
	struct match_opts o;
	struct match_hit h;
	unsigned cap, bad = 0;

	match_opts_default(&o);
	o.max_context = 20;
	CHECK_INT(run1(&b, &o, NULL, t, &h), 1);
	CHECK_INT(h.ctx_start, 17);
	CHECK_INT(h.ctx_end, 37);
	CHECK_STR(ctx_of(t, &h), "dd eeee acme ffff gg");
	o.max_context = 12;
	CHECK_INT(run1(&b, &o, NULL, u, &h), 1);
	CHECK_INT(h.start, 13);
	CHECK_STR(ctx_of(u, &h), "\xC3\xA9 acme \xE2\x82\xAC");
	o.max_context = 3;
	CHECK_INT(run1(&b, &o, NULL, u, &h), 1);
	CHECK_STR(ctx_of(u, &h), "acme");
	for (cap = 1; cap < 50; cap++) {
		o.max_context = cap;
		if (run1(&b, &o, NULL, u, &h) != 1 || h.ctx_start > h.start ||
		    h.ctx_end < h.end || (h.ctx_end - h.ctx_start > cap && cap >= 4) ||
		    !utf8_valid(u + h.ctx_start, h.ctx_end - h.ctx_start))
			bad++;
	}
	CHECK_INT(bad, 0);
}

static void
test_invalid_utf8(void)
{
	const char *t = "\xff" "acme\xff \xc3 corp \xe2\x82";
	struct match_brand b = { .name = "X",
	    .patterns = LIST("\\bacme\\b", "corp", "\xC3\xA9t\xC3\xA9") };
	struct matcher *m = mk(&b, 1, NULL);
	struct match_hit h;
	unsigned i, j, bad = 0, hits = 0, nerr = 0;
	uint32_t seed = 12345;
	char buf[64];

	CHECK_INT(pat1("\\bacme\\b", t, &h), 1);
	CHECK_INT(h.start, 1);
	CHECK_INT(h.end, 5);
	CHECK_INT(pat1("corp\\W+", t, &h), 1);
	CHECK_INT(h.start, 9);
	CHECK_INT(h.end, 14);
	if (!m)
		return;
	/* Random bytes around real words: hits are sane, nothing crashes. */
	for (i = 0; i < 5000; i++) {
		for (j = 0; j < sizeof buf; j++) {
			seed = seed * 1103515245u + 12345u;
			buf[j] = (char)(seed >> 24);
			if (j % 7 == 3)
				buf[j] = "acmeorp. \n"[seed % 10];
		}
		memcpy(buf + (i % 40), i & 1 ? "acme" : "\xC3\xA9t\xC3", 4);
		if (match_text(m, NULL, buf, sizeof buf, &h, 1, &nerr, NULL, 0) != 1)
			continue;
		hits++;
		if (h.start >= h.end || h.end > sizeof buf || h.ctx_start > h.start ||
		    h.ctx_end < h.end || h.ctx_end > sizeof buf)
			bad++;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(nerr, 0);
	CHECK(hits > 1000);
	match_free(m);
}

static void
check_limit(int no_jit)
{
	struct match_brand b[] = {
		{ .name = "evil", .patterns = LIST("(a+)+$") },
		{ .name = "acme", .patterns = LIST("acme") },
		{ .name = "evilx", .patterns = LIST("acme"), .excludes = LIST("(a|aa)+$") },
		{ .name = "evilr", .patterns = LIST("acme"), .requires = LIST("(?:a+)+\\z") },
	};
	struct match_opts o;
	struct matcher *m;
	struct match_hit h[4];
	static char text[20010];
	char err[256];
	unsigned nerr = 0;
	clock_t t0;
	double secs;
	int n;

	match_opts_default(&o);
	o.no_jit = no_jit;
	memset(text, 'a', 20000);
	strcpy(text + 20000, "! acme");
	if (!(m = mk(b, NELEM(b), &o)))
		return;
	t0 = clock();
	n = match_text(m, NULL, text, strlen(text), h, NELEM(h), &nerr, err, sizeof err);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(secs < 2.0);
	CHECK_INT(n, 1);
	CHECK_INT(h[0].brand, 1);
	CHECK_INT(h[0].start, 20002);
	CHECK_INT(nerr, 3);
	CHECK_STR(err, "brand evil: pattern 1: match limit exceeded");
	n = match_text(m, NULL, text + 19990, strlen(text + 19990), h, 4, &nerr, err,
	    sizeof err);
	CHECK_INT(n, 2);   /* short enough to stay under the limits */
	CHECK_INT(nerr, 0);
	CHECK_STR(err, "");
	match_free(m);
	b[0] = b[2];
	if (!(m = mk(b, 1, &o)))
		return;
	CHECK_INT(match_text(m, NULL, text, strlen(text), h, 4, &nerr, err, sizeof err), 0);
	CHECK_STR(err, "brand evilx: exclude 1: match limit exceeded");
	match_free(m);
	b[0] = b[3];
	if (!(m = mk(b, 1, &o)))
		return;
	CHECK_INT(match_text(m, NULL, text, strlen(text), h, 4, NULL, err, sizeof err), 0);
	CHECK_STR(err, "brand evilr: require 1: match limit exceeded");
	match_free(m);
}

static void
test_limits(void)
{
	check_limit(0);
	check_limit(1);
}

static void
check_compile_error(const struct match_brand *b, size_t n, const char *want)
{
	char err[512] = "";

	CHECK(match_new(b, n, NULL, err, sizeof err) == NULL);
	CHECK_STR(err, want);
}

static void
test_compile_errors(void)
{
	struct match_brand b[] = {
		{ .name = "Globex", .patterns = LIST("globex") },
		{ .name = "Acme", .patterns = LIST("acme", "(unclosed") },
	};
	struct match_brand x = { .name = "Acme", .patterns = LIST("acme"),
	    .excludes = LIST("[bad") };
	struct match_brand r = { .name = "Acme", .patterns = LIST("acme"),
	    .requires = LIST("ok", "a{2,1}") };
	struct match_brand none = { .name = "Acme" };
	struct match_brand anon = { .patterns = LIST("acme") };
	static const char *const backslash_c[] = { "a\\Cb" };

	check_compile_error(b, 2,
	    "brand Acme: pattern 2 '(unclosed': missing closing parenthesis at offset 9");
	check_compile_error(&x, 1, "brand Acme: exclude 1 '[bad': missing terminating ] "
	    "for character class at offset 4");
	check_compile_error(&r, 1, "brand Acme: require 2 'a{2,1}': numbers out of "
	    "order in {} quantifier at offset 5");
	check_compile_error(&none, 1, "brand Acme: no match patterns");
	check_compile_error(&anon, 1, "brand 1 has no name");
	x.excludes = backslash_c;
	check_compile_error(&x, 1, "brand Acme: exclude 1 'a\\Cb': using \\C is disabled "
	    "by the application at offset 3");
}

static void
check_literals(const char *pattern, size_t want_n, const char *want)
{
	struct match_brand b = { .name = "X", .patterns = &pattern, .npatterns = 1 };
	struct matcher *m = mk(&b, 1, NULL);
	char out[256];

	if (!m)
		return;
	CHECK_INT(match_literals(m, 0, out, sizeof out), want_n);
	CHECK_STR(out, want);
	match_free(m);
}

static void
test_literals(void)
{
	struct match_brand b[] = {
		{ .name = "A", .patterns = LIST("acme", "globex", "ACME") },
		{ .name = "B", .patterns = LIST("acme", "\\w+") },
	};
	struct match_opts o;
	struct matcher *m;
	char out[64];

	check_literals("\\bacme(?:\\s+corp)?\\b", 1, "acme");
	check_literals("Acme|GLOBEX", 2, "acme|globex");
	check_literals("colou?r", 2, "colour|color");
	check_literals("(?i)Acme\\s+Corp", 1, "acme");
	check_literals("[Aa]cme", 1, "cme");
	check_literals("\\Qat&t\\E", 1, "at&t");
	check_literals("(acme|ac)+ corp", 1, " corp");
	check_literals("(acme|globex)(?: corp)?", 2, "acme|globex");
	check_literals("\xC3\xA9" "clair", 1, "clair");
	check_literals("(?<!x)acme(?=\\s)", 1, "acme");
	check_literals("x{2}acme", 1, "acme");
	check_literals("ac{1,3}me", 1, "me");
	check_literals("supercalifragilistic", 1, "supercalifragili");
	check_literals("(?<n>acme)|(?'m'globex)|(?P<o>initech)", 3, "acme|globex|initech");
	check_literals("[]a)]cme(?#comment)", 1, "cme");
	/* Syntax the analysis does not follow runs the brand on every text. */
	check_literals("(?x) a c m e", 0, "");
	check_literals("\\d+", 0, "");
	check_literals("(a)\\1cme", 0, "");
	check_literals("acme|", 0, "");
	check_literals("acme?", 1, "acm");
	check_literals("acme(?:\\s+corp)?", 1, "acme");
	check_literals("(?:acme)*", 0, "");
	check_literals("\\Qab\\E+", 0, "");
	check_literals("(*UCP)acme", 0, "");
	check_literals("a0|a1|a2|a3|a4|a5|a6|a7|a8|a9|b0|b1|b2|b3|b4|b5|b6", 0, "");
	if ((m = mk(b, NELEM(b), NULL))) {
		CHECK_INT(match_literals(m, 0, out, sizeof out), 2);
		CHECK_STR(out, "acme|globex");
		CHECK_INT(match_literals(m, 1, out, sizeof out), 0);
		CHECK_INT(match_literals(m, 2, out, sizeof out), 0);
		match_free(m);
	}
	match_opts_default(&o);
	o.no_prefilter = 1;
	if ((m = mk(b, NELEM(b), &o))) {
		CHECK_INT(match_literals(m, 0, out, sizeof out), 0);
		match_free(m);
	}
}

/* Texts of random fragments through b's brands with and without the
 * prefilter: how many texts' hits differ; *hits counts the hits. */
static unsigned
differential(const struct match_brand *b, size_t nb, unsigned *hits)
{
	static const char *const frag[] = { "acme", "ACME", "Acme corp", "k", "s",
	    "\xE2\x84\xAA", "\xC5\xBF", "kodak", "sony", "SONY", "\xC3\x89" "clair",
	    "\xC3\xA9" "clair", "globex", "anvil", " ", ". ", "\n", "colour", "COLOR",
	    "x", "at&t", "AT&T", "init", "ech", "initech", "\xff", "\xc3", "ac", "me",
	    "hooli", "zz", "z", "co", "ini" };
	struct match_opts o;
	struct matcher *pf, *all;
	struct match_hit h1[16], h2[16];
	char text[512] = {0};   /* JIT may read past len within the buffer */
	unsigned i, k, diff = 0;
	uint32_t seed = 7;
	int n1, n2;

	*hits = 0;
	match_opts_default(&o);
	pf = mk(b, nb, &o);
	o.no_prefilter = 1;
	all = mk(b, nb, &o);
	if (!pf || !all || nb > NELEM(h1)) {
		diff = 1;
		goto out;
	}
	for (i = 0; i < 20000; i++) {
		size_t len = 0;

		for (k = 0; k < 1 + i % 12; k++) {
			const char *f;

			seed = seed * 1103515245u + 12345u;
			f = frag[(seed >> 16) % NELEM(frag)];
			memcpy(text + len, f, strlen(f));
			len += strlen(f);
		}
		n1 = match_text(pf, NULL, text, len, h1, nb, NULL, NULL, 0);
		n2 = match_text(all, NULL, text, len, h2, nb, NULL, NULL, 0);
		*hits += (unsigned)n2;
		if (n1 != n2 || memcmp(h1, h2, (size_t)n1 * sizeof *h1) != 0)
			diff++;
	}
out:
	match_free(pf);
	match_free(all);
	return diff;
}

/* The prefilter must never drop a hit: the same texts with and without it
 * give the same hits, with one-letter literals ("k", which turn off its
 * skipping over bytes no literal begins at) and without. */
static void
test_prefilter_differential(void)
{
	struct match_brand b[] = {
		{ .name = "Acme", .patterns = LIST("\\bacme(?:\\s+corp)?\\b"),
		    .excludes = LIST("\\bacme\\s+anvils?") },
		{ .name = "Sony", .patterns = LIST("sony"), .case_sensitive = 1 },
		{ .name = "Sony2", .patterns = LIST("(?i)sOnY|ſ") },
		{ .name = "Eclair", .patterns = LIST("\xC3\xA9" "clair") },
		{ .name = "Colour", .patterns = LIST("colou?r") },
		{ .name = "ATT", .patterns = LIST("\\Qat&t\\E") },
		{ .name = "Initech", .patterns = LIST("init(?:ech)+") },
		{ .name = "Hooli", .patterns = LIST("(?<!x)hooli"),
		    .requires = LIST("acme") },
		{ .name = "Z", .patterns = LIST("z{2,}") },
		{ .name = "Kodak", .patterns = LIST("kodak", "\\bk\\w*k\\b") },
	};
	unsigned hits;

	CHECK_INT(differential(b, NELEM(b), &hits), 0);
	CHECK(hits > 10000);
	CHECK_INT(differential(b, NELEM(b) - 1, &hits), 0);
	CHECK(hits > 8000);
}

static uint32_t rnd_state = 99;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

/* A pattern piece and a text it matches ("" for zero-width ones). */
struct gen_atom {
	const char *pat, *text;
};

/* Appends to p a random pattern of the syntax the literal analysis follows
 * (and some it gives up on), at most depth groups deep, and to t a text it
 * usually matches. */
static void
gen_pattern(struct buf *p, struct buf *t, int depth)
{
	static const struct gen_atom atoms[] = { { "a", "a" }, { "c", "c" },
	    { "m", "m" }, { "e", "e" }, { "k", "k" }, { "s", "s" }, { "K", "K" },
	    { "S", "S" }, { "x", "x" }, { " ", " " }, { "-", "-" }, { ".", "q" },
	    { "\\.", "." }, { "\\-", "-" }, { "\\b", "" }, { "\\B", "" },
	    { "\\s", " " }, { "\\w", "w" }, { "\\d", "3" }, { "^", "" }, { "$", "" },
	    { "[a-c]", "b" }, { "[^x]", "y" }, { "[]a]", "]" }, { "[[:alpha:]]", "z" },
	    { "[k-s]", "n" }, { "\\Qa.c\\E", "a.c" }, { "(?i)", "" }, { "(?-i)", "" },
	    { "\xC3\xA9", "\xC3\x89" }, { "\xC5\xBF", "S" }, { "\xE2\x84\xAA", "k" },
	    { "\\x{e9}", "\xC3\xA9" }, { "\\K", "" }, { "(?#note)", "" },
	    { "(?<=a)", "" }, { "(?<!x)", "" }, { "\\E", "" }, { "\\pL", "L" },
	    { "\\p{Lu}", "U" }, { "\\t", "\t" }, { "}", "}" }, { "]", "]" },
	    { "{", "{" }, { "x{,3}", "x{,3}" }, { "x{a}", "x{a}" }, { "(?^)", "" },
	    { "(?i-s)", "" }, { "[\\]a]", "a" }, { "[[:^digit:]]", "d" },
	    { "[[:]a]", "a" }, { "\\Qk\\E", "k" }, { "(?<n>a)", "a" },
	    { "(?'q'c)", "c" }, { "(?P<r>m)", "m" }, { "\\N", "n" }, { "\\R", "\n" },
	    { "\\h", " " }, { "\\X", "x" }, { "\\$", "$" }, { "\\^", "^" },
	    { "\\1", "" }, { "(?1)", "" } };
	static const struct { const char *pat; unsigned min, max; } quant[] = {
	    { "?", 0, 1 }, { "*", 0, 3 }, { "+", 1, 3 }, { "{2}", 2, 2 },
	    { "{1,3}", 1, 3 }, { "{0,1}", 0, 1 }, { "{0,2}", 0, 2 }, { "??", 0, 1 },
	    { "+?", 1, 2 }, { "{2,}", 2, 4 } };
	static const char *const open[] = { "(", "(?:", "(?i:", "(?>", "(?|" };
	unsigned n = 1 + rnd(5), i, r, q, reps;

	for (i = 0; i < n; i++) {
		struct buf one = {0}, other = {0};

		if (rnd(10) < 2 && depth > 0) {
			buf_puts(p, open[rnd(NELEM(open))]);
			gen_pattern(p, &one, depth - 1);
			if (rnd(2)) {
				buf_putc(p, '|');
				gen_pattern(p, &other, depth - 1);
				if (rnd(2))
					buf_reset(&one), buf_puts(&one, other.data ? other.data : "");
			}
			buf_putc(p, ')');
		} else {
			r = rnd(NELEM(atoms));
			buf_puts(p, atoms[r].pat);
			buf_puts(&one, atoms[r].text);
		}
		reps = 1;
		if (rnd(4) == 0) {
			q = rnd(NELEM(quant));
			buf_puts(p, quant[q].pat);
			reps = quant[q].min + rnd(quant[q].max - quant[q].min + 1);
		}
		while (reps--)
			buf_puts(t, one.data ? one.data : "");
		buf_free(&one);
		buf_free(&other);
	}
}

/* Text around a pattern's sample, with letters in random case, k and s
 * sometimes as KELVIN SIGN and LONG S, and now and then a byte left out
 * (the sample follows the analysis' idea of the pattern, which is what is
 * under test). */
static size_t
gen_text(char *text, size_t cap, const char *sample)
{
	static const char *const frag[] = { "a", "c", "m", "e", "k", "s", "x",
	    " ", ".", "-", "1", "acme", "\xC3\xA9", "\xC3\x89", "\xC5\xBF",
	    "\xE2\x84\xAA", "\xff", "{", "]", "\n" };
	size_t len = 0, k, n;
	const char *f;

	for (k = rnd(*sample ? 4 : 12); k > 0; k--) {
		f = frag[rnd(NELEM(frag))];
		memcpy(text + len, f, strlen(f));
		len += strlen(f);
	}
	for (; *sample && len + 3 < cap / 2; sample++) {
		char c = *sample;

		if (rnd(12) == 0)
			continue;
		if ((c == 'k' || c == 'K') && rnd(5) == 0) {
			memcpy(text + len, "\xE2\x84\xAA", 3);
			len += 3;
			continue;
		}
		if ((c == 's' || c == 'S') && rnd(5) == 0) {
			memcpy(text + len, "\xC5\xBF", 2);
			len += 2;
			continue;
		}
		if (c >= 'a' && c <= 'z' && rnd(3) == 0)
			c = (char)(c - 'a' + 'A');
		else if (c >= 'A' && c <= 'Z' && rnd(3) == 0)
			c = (char)(c - 'A' + 'a');
		text[len++] = c;
	}
	for (k = rnd(4); k > 0; k--) {
		f = frag[rnd(NELEM(frag))];
		n = strlen(f);
		if (len + n < cap) {
			memcpy(text + len, f, n);
			len += n;
		}
	}
	return len;
}

/* Random patterns against texts made to match them: the prefilter never
 * changes a result. */
static void
test_prefilter_random_patterns(void)
{
	struct buf pat = {0}, sample = {0};
	struct match_opts o;
	struct match_hit h1, h2;
	unsigned i, t, compiled = 0, filtered = 0, diff = 0, hits = 0;
	char text[256] = {0}, err[256];

	match_opts_default(&o);
	for (i = 0; i < 10000; i++) {
		const char *pp;
		struct match_brand b = { .name = "R", .npatterns = 1 };
		struct matcher *pf, *all;

		buf_reset(&pat);
		buf_reset(&sample);
		gen_pattern(&pat, &sample, 2);
		pp = pat.data;
		b.patterns = &pp;
		b.case_sensitive = (int)(i % 3 == 0);
		o.no_prefilter = 0;
		if (!(pf = match_new(&b, 1, &o, err, sizeof err)))
			continue;
		o.no_prefilter = 1;
		all = match_new(&b, 1, &o, err, sizeof err);
		compiled++;
		filtered += match_literals(pf, 0, NULL, 0) > 0;
		for (t = 0; all && t < 20; t++) {
			size_t len = gen_text(text, sizeof text,
			    t % 4 && sample.data ? sample.data : "");
			unsigned e1, e2;
			int n1, n2;

			n1 = match_text(pf, NULL, text, len, &h1, 1, &e1, NULL, 0);
			n2 = match_text(all, NULL, text, len, &h2, 1, &e2, NULL, 0);
			hits += (unsigned)n2;
			/* Unfiltered, a brand may hit a limit the prefilter spared. */
			if (e2 == 0 && (n1 != n2 || e1 || (n1 && memcmp(&h1, &h2, sizeof h1))) &&
			    diff++ < 5)
				fprintf(stderr, "prefilter differs: /%s/ on \"%.*s\"\n",
				    pat.data, (int)len, text);
		}
		match_free(pf);
		match_free(all);
	}
	buf_free(&pat);
	buf_free(&sample);
	CHECK_INT(diff, 0);
	CHECK(compiled > 5000);
	CHECK(filtered > compiled / 4);
	CHECK(hits > 40000);
}

static void
test_no_brands(void)
{
	struct matcher *m = mk(NULL, 0, NULL);
	struct match_hit h;
	unsigned nerr = 5;

	if (!m)
		return;
	CHECK_INT(match_text(m, "f", "acme", 4, &h, 1, &nerr, NULL, 0), 0);
	CHECK_INT(nerr, 0);
	CHECK_INT(match_literals(m, 0, NULL, 0), 0);
	match_free(m);
	match_free(NULL);
}

/* Brands are JIT-compiled by whichever thread first matches them: threads
 * racing to the same brands of a fresh matcher all see every hit. */
struct race {
	const struct matcher *m;
	int hits;
};

static void *
race_main(void *arg)
{
	static const char *const texts[] = { "I love Acme", "Globex is slow",
	    "initech and acme both", "nothing here" };
	struct race *r = arg;
	struct match_scratch *sc = match_scratch_new(r->m);
	struct match_hit h[4];
	int i;

	for (i = 0; sc && i < 400; i++) {
		const char *t = texts[i % 4];

		r->hits += match_text_with(r->m, sc, NULL, t, strlen(t), h, 4, NULL, NULL, 0);
	}
	match_scratch_free(sc);
	return NULL;
}

static void
test_jit_race(void)
{
	const struct match_brand b[] = {
		{ .name = "Acme", .patterns = LIST("\\bacme\\b") },
		{ .name = "Globex", .patterns = LIST("\\bglobex\\b", "globex\\s+corp") },
		{ .name = "Initech", .patterns = LIST("\\binitech\\b") },
	};
	struct race r[4];
	pthread_t t[4];
	size_t i;
	int round;

	for (round = 0; round < 20; round++) {
		struct matcher *m = mk(b, 3, NULL);
		int ok = 1;

		for (i = 0; m && i < 4; i++) {
			r[i] = (struct race){ m, 0 };
			ok &= pthread_create(&t[i], NULL, race_main, &r[i]) == 0;
		}
		for (i = 0; m && i < 4; i++)
			pthread_join(t[i], NULL);
		/* 100 rounds of the 4 texts: 1 + 1 + 2 + 0 hits. */
		for (i = 0; m && i < 4; i++)
			ok &= r[i].hits == 400;
		CHECK(m && ok);
		match_free(m);
	}
}

int
main(void)
{
	RUN(test_case);
	RUN(test_unicode);
	RUN(test_excludes);
	RUN(test_requires);
	RUN(test_feeds);
	RUN(test_many_brands);
	RUN(test_patterns);
	RUN(test_context);
	RUN(test_sentences);
	RUN(test_context_cap);
	RUN(test_invalid_utf8);
	RUN(test_limits);
	RUN(test_compile_errors);
	RUN(test_literals);
	RUN(test_prefilter_differential);
	RUN(test_prefilter_random_patterns);
	RUN(test_no_brands);
	RUN(test_jit_race);
	return TEST_END();
}
