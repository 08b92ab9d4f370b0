/* libFuzzer harness for the sentiment stage: any bytes as text go through
 * the tokeniser, the scorer, the one-line reason and the full explanation
 * against the bundled lexicon (run from the repository root). They must
 * give a compound in [-1, 1] with shares summing to 1, never a crash, an
 * out-of-bounds access or a leak. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "lexicon.h"
#include "sentiment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lexicon *lx;
	const char *text = (const char *)data, *path = "lexicon/en.tsv";
	struct sentiment s;
	struct buf out = { 0 };
	char err[512];

	if (!lx && !(lx = lexicon_load(&path, 1, err, sizeof err))) {
		fprintf(stderr, "fuzz_sentiment: %s (run from the repository root)\n", err);
		abort();
	}
	sentiment_score(lx, NULL, text, size, &s);
	if (!(s.compound >= -1 && s.compound <= 1) ||
	    fabs(s.pos + s.neg + s.neu - 1) > 1e-6)
		abort();
	if (sentiment_reason(lx, text, size, &out) != 0 ||
	    sentiment_explain(lx, NULL, text, size, &out) != 0)
		abort();
	buf_free(&out);
	return 0;
}
