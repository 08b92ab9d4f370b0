/* Match-stage throughput: 200 brands over 100,000 synthetic items of about
 * 500 bytes (title, blank line, body, as the pipeline joins them), made
 * from a fixed seed so every run sees the same texts. Prints items/s with
 * the literal prefilter, and without it on a sample for comparison. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match.h"
#include "util.h"

#define NBRANDS 200
#define NITEMS  100000
#define NSLOW   5000     /* items for the run without prefilter */

static const char *const words[] = {
	"the", "a", "and", "to", "of", "in", "is", "it", "that", "for", "was",
	"on", "with", "as", "my", "this", "but", "they", "have", "not", "are",
	"be", "at", "one", "had", "by", "so", "very", "really", "just", "good",
	"great", "bad", "terrible", "love", "hate", "service", "product",
	"delivery", "price", "quality", "support", "team", "store", "phone",
	"app", "update", "battery", "screen", "customer", "order", "refund",
	"shipping", "fast", "slow", "broken", "works", "perfectly", "again",
	"never", "always", "recommend", "would", "could", "should", "buy",
	"bought", "new", "old", "week", "month", "year", "day", "after", "before",
	"because", "however", "although", "still", "even", "more", "less",
	"much", "many", "some", "every", "other", "people", "friend", "family",
	"work", "home", "office", "city", "street", "river", "bank", "market",
	"news", "report", "review", "rating", "stars", "experience", "problem",
	"issue", "fixed", "waiting", "hours", "minutes", "call", "email", "chat",
	"happy", "angry", "disappointed", "impressed", "surprised", "okay",
	"fine", "awesome", "awful", "cheap", "expensive", "worth", "money",
	"time", "first", "last", "best", "worst", "ever", "since", "until",
	"while", "where", "when", "what", "who", "how", "why", "about", "over",
	"under", "between", "through", "during", "without", "within", "upon",
};

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* A pronounceable made-up name, e.g. "zorvani". */
static void
make_name(char *out, size_t i)
{
	static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";
	size_t n = 0, syl = 2 + i % 3, k;

	for (k = 0; k < syl; k++) {
		out[n++] = cons[rnd(sizeof cons - 1)];
		out[n++] = vow[rnd(sizeof vow - 1)];
	}
	n += (size_t)sprintf(out + n, "%c%zu", cons[i % 16], i / 16);
	out[n] = '\0';
}

struct bench_brand {
	char name[32];
	char pat[2][128];
	char exc[128];
	const char *pats[2], *excs[1], *reqs[1], *feeds[1];
};

static void
make_brands(struct bench_brand *bb, struct match_brand *mb)
{
	static const char *const req = "\\b(?:app|phone|store|service)\\b";
	static const char *const news = "news";
	size_t i;

	for (i = 0; i < NBRANDS; i++) {
		struct bench_brand *b = &bb[i];
		struct match_brand *m = &mb[i];

		make_name(b->name, i);
		memset(m, 0, sizeof *m);
		m->name = b->name;
		m->patterns = b->pats;
		b->pats[0] = b->pat[0];
		m->npatterns = 1;
		switch (i % 4) {
		case 0:
			snprintf(b->pat[0], sizeof b->pat[0],
			    "\\b%.24s(?:\\s+(?:corp|inc|labs))?\\b", b->name);
			break;
		case 1:
			snprintf(b->pat[0], sizeof b->pat[0], "\\b%.24s\\b", b->name);
			snprintf(b->pat[1], sizeof b->pat[1], "\\b%.24s-?app\\b", b->name);
			b->pats[1] = b->pat[1];
			m->npatterns = 2;
			break;
		case 2:
			snprintf(b->pat[0], sizeof b->pat[0], "\\b%.24s\\b", b->name);
			snprintf(b->exc, sizeof b->exc, "\\b%.24s\\s+(?:street|river)\\b", b->name);
			b->excs[0] = b->exc;
			m->excludes = b->excs;
			m->nexcludes = 1;
			break;
		default:
			b->name[0] = (char)(b->name[0] - 'a' + 'A');
			snprintf(b->pat[0], sizeof b->pat[0], "\\b%.24s(?:s|'s)?\\b", b->name);
			m->case_sensitive = 1;
		}
		if (i % 7 == 0) {
			b->reqs[0] = req;
			m->requires = b->reqs;
			m->nrequires = 1;
		}
		if (i % 10 == 0) {
			b->feeds[0] = news;
			m->feeds = b->feeds;
			m->nfeeds = 1;
		}
	}
}

static size_t
put_word(char *p, const char *w, int cap)
{
	size_t n = strlen(w);

	memcpy(p, w, n);
	if (cap && *p >= 'a' && *p <= 'z')
		*p = (char)(*p - 'a' + 'A');
	return n;
}

/* One item into p (at least 1024 bytes): a title, "\n\n", then sentences
 * to about 500 bytes, naming up to three brands. */
static size_t
make_item(char *p, const struct bench_brand *bb)
{
	size_t n = 0, target = 420 + rnd(160), w = 0, at[3];
	unsigned mentions = rnd(4), k;
	int cap = 1;

	for (k = 0; k < mentions; k++)
		at[k] = rnd(70);
	while (n < target || w < 6) {
		const char *word = words[rnd(NELEM(words))];

		for (k = 0; k < mentions; k++)
			if (at[k] == w)
				word = bb[rnd(NBRANDS)].name;
		n += put_word(p + n, word, cap);
		cap = 0;
		if (++w == 6) {
			memcpy(p + n, "\n\n", 2);
			n += 2;
			cap = 1;
			continue;
		}
		if (w > 6 && rnd(12) == 0) {
			p[n++] = ".!?"[rnd(3) == 0 ? 1 + rnd(2) : 0];
			cap = 1;
		}
		p[n++] = ' ';
	}
	p[n - 1] = '.';
	return n;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Matches items [0, n) and returns the seconds it took. */
static double
run(const struct matcher *m, char *const *items, const size_t *lens, size_t n,
    unsigned long *hits, unsigned long *errors)
{
	struct match_hit h[NBRANDS];
	unsigned nerr;
	double t0 = now();
	size_t i;

	*hits = *errors = 0;
	for (i = 0; i < n; i++) {
		*hits += (unsigned long)match_text(m, i % 3 ? "blog" : "news", items[i],
		    lens[i], h, NBRANDS, &nerr, NULL, 0);
		*errors += nerr;
	}
	return now() - t0;
}

int
main(void)
{
	static struct bench_brand bb[NBRANDS];
	static struct match_brand mb[NBRANDS];
	static char *items[NITEMS];
	static size_t lens[NITEMS];
	struct match_opts o;
	struct matcher *m, *slow;
	char err[512];
	unsigned long hits, errors, bytes = 0;
	double secs;
	size_t i;

	make_brands(bb, mb);
	for (i = 0; i < NITEMS; i++) {
		char buf[1024];

		lens[i] = make_item(buf, bb);
		bytes += lens[i];
		if (!(items[i] = malloc(lens[i]))) {
			fprintf(stderr, "bench-match: out of memory\n");
			return 1;
		}
		memcpy(items[i], buf, lens[i]);
	}
	match_opts_default(&o);
	if (!(m = match_new(mb, NBRANDS, &o, err, sizeof err))) {
		fprintf(stderr, "bench-match: %s\n", err);
		return 1;
	}
	o.no_prefilter = 1;
	if (!(slow = match_new(mb, NBRANDS, &o, err, sizeof err))) {
		fprintf(stderr, "bench-match: %s\n", err);
		return 1;
	}
	run(m, items, lens, 1000, &hits, &errors);     /* warm up */
	secs = run(m, items, lens, NITEMS, &hits, &errors);
	printf("bench-match: %d brands, %d items of %lu bytes on average: %.3f s, "
	    "%.0f items/s (%lu hits, %lu errors)\n", NBRANDS, NITEMS, bytes / NITEMS,
	    secs, NITEMS / secs, hits, errors);
	secs = run(slow, items, lens, NSLOW, &hits, &errors);
	printf("bench-match: without the prefilter, %d items: %.0f items/s (%lu hits)\n",
	    NSLOW, NSLOW / secs, hits);
	match_free(m);
	match_free(slow);
	for (i = 0; i < NITEMS; i++)
		free(items[i]);
	return 0;
}
