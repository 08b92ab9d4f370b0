/* make bench-score: sentiment scoring throughput with the bundled lexicon,
 * printed as texts/s and microseconds per text. Run from the repo root. */
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

int
main(void)
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
	const char *path = "lexicon/en.tsv";
	struct lexicon *lx;
	struct sentiment s;
	double t0, dt, sum = 0;
	size_t bytes = 0, i, n = 1000000;
	char err[512];

	if (!(lx = lexicon_load(&path, 1, err, sizeof err))) {
		fprintf(stderr, "bench-score: %s\n", err);
		return 1;
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
