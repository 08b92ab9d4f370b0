/* The lexicon loader: earshot's own format, AFINN and VADER files, override
 * order, companion lists, the errors a user sees (file:line and what is
 * wrong), and the default path. Run from the repository root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "lexicon.h"
#include "test.h"

#define RULES "tests/data/lexicon/rules/"
#define BARE "tests/data/lexicon/bare/"

static char dir[] = "/tmp/earshot-lexicon-XXXXXX";
static char err[512];

/* Writes text to dir/name and returns the path (static, overwritten). */
static const char *
fixture(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static struct lexicon *
load1(const char *path)
{
	err[0] = '\0';
	return lexicon_load(&path, 1, err, sizeof err);
}

static const struct lexicon_entry *
find(const struct lexicon *lx, const char *term)
{
	return lexicon_find(lx, term, strlen(term));
}

static double
valence(const struct lexicon *lx, const char *term)
{
	const struct lexicon_entry *e = find(lx, term);

	return e && (e->flags & LEX_VALENCE) ? e->valence : -99;
}

static void
test_own_format(void)
{
	struct lexicon *lx = load1(RULES "en.tsv");
	const struct lexicon_entry *e;

	CHECK(lx != NULL);
	if (!lx)
		return;
	CHECK_NEAR(valence(lx, "good"), 2, 1e-9);
	CHECK_NEAR(valence(lx, "expensive"), -1, 1e-9);
	CHECK_NEAR(valence(lx, ":)"), 2, 1e-9);
	CHECK_NEAR(valence(lx, "😡"), -3, 1e-9);
	/* "stuff" is listed as neutral: known, valence 0. */
	CHECK_NEAR(valence(lx, "stuff"), 0, 1e-9);
	CHECK(find(lx, "unknown") == NULL);
	CHECK(find(lx, "goo") == NULL);
	CHECK(find(lx, "goodx") == NULL);
	/* 14 terms in en.tsv plus 4 phrases from phrases.tsv. */
	CHECK_INT(lexicon_size(lx), 18);
	e = find(lx, "rip off");
	CHECK(e && e->words == 2 && e->valence == -3);
	e = find(lx, "waste of money");
	CHECK(e && e->words == 3 && e->valence == -2.5);
	e = find(lx, "waste");
	CHECK(e && e->phrase_max == 3 && !(e->flags & LEX_VALENCE));
	lexicon_free(lx);
}

static void
test_companions(void)
{
	struct lexicon *lx = load1(RULES "en.tsv");
	const struct lexicon_entry *e;

	if (!lx)
		return;
	CHECK((e = find(lx, "not")) && (e->flags & LEX_NEGATION));
	CHECK((e = find(lx, "no one")) && (e->flags & LEX_NEGATION) && e->words == 2);
	CHECK((e = find(lx, "very")) && (e->flags & LEX_BOOST) && e->boost == 0.25);
	CHECK((e = find(lx, "kind of")) && (e->flags & LEX_BOOST) && e->boost == -0.2);
	CHECK((e = find(lx, "kind")) && e->phrase_max == 2);
	CHECK((e = find(lx, "but")) && (e->flags & LEX_CONTRAST));
	CHECK((e = find(lx, "although")) && (e->flags & LEX_CONCESSIVE) &&
	    !(e->flags & LEX_CONTRAST));
	/* Aspect bits in the order aspects.tsv introduces the names. */
	CHECK_STR(lexicon_aspect_name(lx, 0), "billing");
	CHECK_STR(lexicon_aspect_name(lx, 1), "speed");
	CHECK_STR(lexicon_aspect_name(lx, 2), "support");
	CHECK(lexicon_aspect_name(lx, 3) == NULL);
	CHECK((e = find(lx, "on hold")) && e->aspect == 1 && e->valence == -1);
	CHECK((e = find(lx, "service")) && e->aspect == 2 && e->valence == 1);
	CHECK((e = find(lx, "good")) && e->aspect == -1);
	lexicon_free(lx);
}

/* A third-party file alone: built-in negations, intensifiers and contrast
 * words, no phrases and no aspects. */
static void
test_afinn_builtin_companions(void)
{
	struct lexicon *lx = load1(BARE "afinn.txt");
	const struct lexicon_entry *e;

	CHECK(lx != NULL);
	if (!lx)
		return;
	CHECK_NEAR(valence(lx, "good"), 2.4, 1e-9);
	CHECK_NEAR(valence(lx, "bad"), -4, 1e-9);
	CHECK_NEAR(valence(lx, "abandon"), -1.6, 1e-9);
	CHECK_NEAR(valence(lx, "not bad"), 1.6, 1e-9);
	CHECK((e = find(lx, "not")) && (e->flags & LEX_NEGATION));
	CHECK((e = find(lx, "don't")) && (e->flags & LEX_NEGATION));
	CHECK((e = find(lx, "very")) && (e->flags & LEX_BOOST));
	CHECK((e = find(lx, "but")) && (e->flags & LEX_CONTRAST));
	CHECK((e = find(lx, "though")) && (e->flags & LEX_CONCESSIVE));
	CHECK(lexicon_aspect_name(lx, 0) == NULL);
	CHECK_INT(lexicon_size(lx), 4);
	lexicon_free(lx);
}

static void
test_vader(void)
{
	struct lexicon *lx = load1(BARE "vader.txt");

	CHECK(lx != NULL);
	if (!lx)
		return;
	CHECK_NEAR(valence(lx, "good"), 1.9, 1e-9);
	CHECK_NEAR(valence(lx, "bad"), -2.5, 1e-9);
	CHECK_NEAR(valence(lx, "meh"), -0.3, 1e-9);
	lexicon_free(lx);
}

static void
test_override_order(void)
{
	const char *both[] = { RULES "en.tsv", RULES "override.tsv" };
	const char *rev[] = { RULES "override.tsv", RULES "en.tsv" };
	struct lexicon *lx = lexicon_load(both, 2, err, sizeof err);

	CHECK(lx != NULL);
	if (lx) {
		CHECK_NEAR(valence(lx, "good"), 1, 1e-9);
		CHECK_NEAR(valence(lx, "stuff"), -0.5, 1e-9);
		/* The override's phrase, written loosely, replaces phrases.tsv's. */
		CHECK_NEAR(valence(lx, "waste of money"), -3, 1e-9);
		CHECK_NEAR(valence(lx, "bad"), -2, 1e-9);
		CHECK_INT(lexicon_size(lx), 18);
		lexicon_free(lx);
	}
	/* Companions come from beside the first file: the same directory here. */
	lx = lexicon_load(rev, 2, err, sizeof err);
	CHECK(lx != NULL);
	if (lx) {
		CHECK_NEAR(valence(lx, "good"), 2, 1e-9);
		CHECK_NEAR(valence(lx, "waste of money"), -3, 1e-9);
		lexicon_free(lx);
	}
}

/* Loads text as a file and expects an error that contains want. */
static void
expect_error(const char *name, const char *text, const char *want)
{
	struct lexicon *lx = load1(fixture(name, text));

	CHECK(lx == NULL);
	if (!strstr(err, want)) {
		test_failed++;
		fprintf(stderr, "FAIL: error \"%s\" lacks \"%s\"\n", err, want);
	} else
		test_passed++;
	lexicon_free(lx);
}

static void
test_errors(void)
{
	char want[600];
	const char *path;
	char *longline;

	snprintf(want, sizeof want, "%s/a.tsv:3: valence 'x' is not a number", dir);
	expect_error("a.tsv", "# comment\ngood\t2\nbad\tx\n", want);
	snprintf(want, sizeof want, "%s/a.tsv:2: valence 4.5 is out of range -4..4", dir);
	expect_error("a.tsv", "# earshot scale\ngreat\t4.5\n", want);
	snprintf(want, sizeof want, "%s/a.tsv:2: expected 'term<TAB>valence' but found "
	    "no tab", dir);
	expect_error("a.tsv", "# c\ngood 2\n", want);
	snprintf(want, sizeof want, "%s/a.tsv:1: too many tab-separated fields", dir);
	expect_error("a.tsv", "good\t1\t2\t3\t4\n", want);
	snprintf(want, sizeof want, "%s/a.tsv:2: empty term", dir);
	expect_error("a.tsv", "# c\n \t1\n", want);
	expect_error("a.tsv", "a b c d e f g\t1\n", "has more than 6 words");
	/* Without comments and with whole numbers it is AFINN: -5..5. */
	snprintf(want, sizeof want, "%s/a.tsv:2: valence 6 is out of range -5..5", dir);
	expect_error("a.tsv", "good\t3\nbest\t6\n", want);
	longline = malloc(6000);
	memset(longline, 'a', 5000);
	strcpy(longline + 5000, "\t1\n");
	snprintf(want, sizeof want, "%s/a.tsv:1: line longer than", dir);
	expect_error("a.tsv", longline, want);
	free(longline);
	path = "/nonexistent/earshot.tsv";
	CHECK(lexicon_load(&path, 1, err, sizeof err) == NULL);
	CHECK_STR(err, "/nonexistent/earshot.tsv: No such file or directory");
	CHECK(lexicon_load(&path, 0, err, sizeof err) == NULL);
	CHECK(strstr(err, "no lexicon") != NULL);
}

/* Writes text to dir/sub/name (creating sub) and returns the path. */
static const char *
fixture_in(const char *sub, const char *name, const char *text)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, sub);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* Loads dir/sub/en.tsv with companion name holding text; expects err to be
 * "dir/sub/name:" followed by want. */
static void
expect_companion_error(const char *sub, const char *name, const char *text,
    const char *want)
{
	char path[600], full[800];
	const char *p = path;

	fixture_in(sub, name, text);
	snprintf(path, sizeof path, "%s", fixture_in(sub, "en.tsv", "# c\ngood\t2\n"));
	CHECK(lexicon_load(&p, 1, err, sizeof err) == NULL);
	snprintf(full, sizeof full, "%s/%s/%s:%s", dir, sub, name, want);
	CHECK_STR(err, full);
	unlink(path);
	snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
	unlink(path);
	snprintf(path, sizeof path, "%s/%s", dir, sub);
	rmdir(path);
}

/* A broken companion list is an error naming it, not a silent default. */
static void
test_companion_errors(void)
{
	char many[2048];
	size_t i, n = 0;

	expect_companion_error("c1", "intensifiers.tsv", "# c\nvery\t0.25\nmega\t2\n",
	    "3: weight 2 is out of range -1..1");
	expect_companion_error("c2", "aspects.tsv", "refund\tbilling\nwait\tslow service\n",
	    "2: aspect name 'slow service' must be one word");
	expect_companion_error("c3", "contrast.txt", "but\nthough\tsometimes\n",
	    "2: expected one term per line (optionally <TAB>concessive)");
	expect_companion_error("c4", "negations.txt", "not\nnever\tever\n",
	    "2: expected one term per line");
	expect_companion_error("c5", "phrases.tsv", "# c\nnot bad\tgreat\n",
	    "2: valence 'great' is not a number");
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(many + n, sizeof many - n, "w%zu\ta%zu\n", i, i);
	expect_companion_error("c6", "aspects.tsv", many, "33: more than 32 aspects");
}

static void
test_normalise(void)
{
	char a[] = "  Top-Notch  ", b[] = "❤️", c[] = "DON\xe2\x80\x99T", d[] = ":-D";
	char e[] = "👍\xf0\x9f\x8f\xbd";
	size_t n;

	n = lexicon_normalise(a, strlen(a));
	CHECK_INT(n, 9);
	CHECK(memcmp(a, "top notch", 9) == 0);
	n = lexicon_normalise(b, strlen(b));
	CHECK_INT(n, 3);
	CHECK(memcmp(b, "❤", 3) == 0);
	n = lexicon_normalise(c, strlen(c));
	CHECK_INT(n, 5);
	CHECK(memcmp(c, "don't", 5) == 0);
	n = lexicon_normalise(d, strlen(d));
	CHECK(n == 3 && memcmp(d, ":-d", 3) == 0);
	n = lexicon_normalise(e, strlen(e));
	CHECK(n == 4 && memcmp(e, "👍", 4) == 0);
}

static void
test_crlf_and_comments(void)
{
	struct lexicon *lx = load1(fixture("crlf.tsv",
	    "# windows line ends\r\ngood\t2\r\n\r\n   # indented comment\r\nbad\t-1.5\r\n"));

	CHECK(lx != NULL);
	if (!lx)
		return;
	CHECK_NEAR(valence(lx, "good"), 2, 1e-9);
	CHECK_NEAR(valence(lx, "bad"), -1.5, 1e-9);
	CHECK_INT(lexicon_size(lx), 2);
	lexicon_free(lx);
}

static void
test_default_path(void)
{
	const char *p;
	struct lexicon *lx;

	setenv("EARSHOT_LEXICON", RULES "en.tsv", 1);
	CHECK_STR(lexicon_default_path(), RULES "en.tsv");
	lx = lexicon_load_or_default(NULL, 0, err, sizeof err);
	CHECK(lx != NULL && lexicon_size(lx) == 18);
	lexicon_free(lx);
	/* Set but wrong: returned anyway so the load error names it. */
	setenv("EARSHOT_LEXICON", "/nonexistent/x.tsv", 1);
	CHECK_STR(lexicon_default_path(), "/nonexistent/x.tsv");
	CHECK(lexicon_load_or_default(NULL, 0, err, sizeof err) == NULL);
	CHECK_STR(err, "/nonexistent/x.tsv: No such file or directory");
	unsetenv("EARSHOT_LEXICON");
	/* From the repository root the source checkout's lexicon is found (or an
	 * installed one). */
	p = lexicon_default_path();
	CHECK(p != NULL && strlen(p) >= 14 && strcmp(p + strlen(p) - 14, "lexicon/en.tsv") == 0);
}

/* 1 when path's terms are in byte order with no term twice (so that a
 * duplicate, which would silently override, cannot creep in). */
static int
file_sorted(const char *path)
{
	char line[512], prev[512] = "";
	FILE *f = fopen(path, "r");
	int ok = f != NULL;

	while (ok && fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');

		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		if (prev[0] && strcmp(prev, line) >= 0) {
			fprintf(stderr, "%s: '%s' after '%s'\n", path, line, prev);
			ok = 0;
		}
		snprintf(prev, sizeof prev, "%s", line);
	}
	if (f)
		fclose(f);
	return ok;
}

/* The real lexicon loads, is big enough, and holds what the brief promises. */
static void
test_real_lexicon(void)
{
	struct lexicon *lx = load1("lexicon/en.tsv");

	CHECK(lx != NULL);
	if (!lx) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK(lexicon_size(lx) >= 6000);
	CHECK(file_sorted("lexicon/en.tsv"));
	CHECK(valence(lx, "gutted") < 0 && valence(lx, "stoked") > 0 && valence(lx, "smh") < 0);
	CHECK(valence(lx, "friendliest") > 0 && valence(lx, "sloppiest") < 0);
	CHECK(valence(lx, "🤮") < 0 && valence(lx, "🥳") > 0 && valence(lx, "^_^") > 0);
	CHECK(valence(lx, "love") > 2 && valence(lx, "loved") > 2 && valence(lx, "loves") > 2);
	CHECK(valence(lx, "laggy") < 0 && valence(lx, "overcharged") < 0);
	CHECK(valence(lx, "helpful") > 0 && valence(lx, "reliable") > 0);
	CHECK(valence(lx, "wtf") < 0 && valence(lx, "lol") > 0 && valence(lx, "meh") < 0);
	CHECK(valence(lx, ":)") > 0 && valence(lx, ":(") < 0 && valence(lx, "<3") > 0);
	CHECK(valence(lx, "😡") < 0 && valence(lx, "👍") > 0 && valence(lx, "❤") > 0);
	CHECK(valence(lx, "customer service") == 0);
	CHECK(valence(lx, "highly recommend") > 2);
	CHECK(find(lx, "never") && (find(lx, "never")->flags & LEX_NEGATION));
	CHECK(lexicon_aspect_name(lx, 0) != NULL);
	lexicon_free(lx);
}

/* Valences read by the loader's own decimal reader come out bit for bit as
 * strtod reads them, on thousands of generated values. */
static void
test_numbers(void)
{
	static char vals[3000][24];
	struct buf text = {0};
	unsigned long x = 12345;
	struct lexicon *lx;
	char term[16];
	int i, k, bad = 0;

	buf_puts(&text, "# generated\n");
	for (i = 0; i < 3000; i++) {
		char *q = vals[i];
		int frac;

		x = x * 6364136223846793005UL + 1442695040888963407UL;
		frac = (int)(x >> 59) % 14;
		q += sprintf(q, "%s%lu", x & 1 ? "-" : "", (x >> 20) % 4);
		if (frac)
			*q++ = '.';
		for (k = 0; k < frac; k++)
			*q++ = (char)('0' + (x >> (k * 4)) % 10);
		*q = '\0';
		buf_printf(&text, "w%d\t%s\n", i, vals[i]);
	}
	lx = load1(fixture("numbers.tsv", text.data));
	CHECK(lx != NULL);
	for (i = 0; lx && i < 3000; i++) {
		double want = strtod(vals[i], NULL), got;

		snprintf(term, sizeof term, "w%d", i);
		got = valence(lx, term);
		bad += memcmp(&got, &want, sizeof got) != 0;
	}
	CHECK_INT(bad, 0);
	lexicon_free(lx);
	buf_free(&text);
}

int
main(void)
{
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	RUN(test_own_format);
	RUN(test_companions);
	RUN(test_afinn_builtin_companions);
	RUN(test_vader);
	RUN(test_override_order);
	RUN(test_errors);
	RUN(test_companion_errors);
	RUN(test_normalise);
	RUN(test_crlf_and_comments);
	RUN(test_default_path);
	RUN(test_real_lexicon);
	RUN(test_numbers);
	{
		char path[600];

		snprintf(path, sizeof path, "%s/a.tsv", dir);
		unlink(path);
		snprintf(path, sizeof path, "%s/crlf.tsv", dir);
		unlink(path);
		rmdir(dir);
	}
	return TEST_END();
}
