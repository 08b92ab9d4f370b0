/* make bench-score: sentiment scoring throughput with the bundled lexicon,
 * printed as texts/s and microseconds per text, after the time to load the
 * lexicon (best of five). `bench_score --load` prints only that, for
 * `make bench-sentiment`. Run from the repo root. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lexicon.h"
#include "sentiment.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Loads the lexicon five times and prints the fastest; returns the last
 * load (the caller frees it) or NULL with the reason printed. */
static struct lexicon *
timed_load(void)
{
	const char *path = "lexicon/en.tsv";
	struct lexicon *lx = NULL;
	double best = 1e9, t0;
	char err[512];
	int i;

	for (i = 0; i < 5; i++) {
		lexicon_free(lx);
		t0 = now();
		if (!(lx = lexicon_load(&path, 1, err, sizeof err))) {
			fprintf(stderr, "bench-score: %s\n", err);
			return NULL;
		}
		if (now() - t0 < best)
			best = now() - t0;
	}
	printf("lexicon load: %.2f ms for %zu terms (best of 5; target < 20 ms)\n",
	    best * 1e3, lexicon_size(lx));
	return lx;
}

int
main(int argc, char **argv)
{
	static const char *const texts[] = {
		"The Acme app logged me out three times today and support kept me on "
		"hold for an hour. Never again.",
		"Switched from Globex last month. Acme is so much better, the app is "
		"fast and the staff in the store were lovely :)",
		"The plan includes unlimited calls and 50 GB of shared data.",
		"WORST. SUPPORT. EVER!! 😡 but the bill was NOT cheap and nobody apologised.",
		"Initech support fixed my router in ten minutes. Friendly, quick and no "
		"upselling. Highly recommend!",
	};
	struct lexicon *lx;
	struct sentiment s;
	double t0, dt, sum = 0;
	size_t bytes = 0, i, n = 1000000;

	if (!(lx = timed_load()))
		return 1;
	if (argc > 1 && strcmp(argv[1], "--load") == 0) {
		lexicon_free(lx);
		return 0;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		const char *t = texts[i % (sizeof texts / sizeof texts[0])];
		size_t len = strlen(t);

		sentiment_score(lx, NULL, t, len, &s);
		sum += s.compound;
		bytes += len;
	}
	dt = now() - t0;
	printf("bench-score: %zu texts (%.0f bytes each) in %.2f s: %.0f texts/s, "
	    "%.2f us per text, %.1f MB/s (checksum %.3f)\n", n, (double)bytes / (double)n,
	    dt, (double)n / dt, dt * 1e6 / (double)n, (double)bytes / dt / 1e6, sum);
	lexicon_free(lx);
	return 0;
}
