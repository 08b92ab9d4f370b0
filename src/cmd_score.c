/* `earshot score`: one text per input line in, `compound<TAB>label` out. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_lexicon.h"
#include "lexicon.h"
#include "sentiment.h"

static const char help[] =
    "usage: earshot score [--lexicon FILE]... [FILE]...\n\n"
    "Scores the sentiment of each line of text: reads one text per line from\n"
    "the files named (or from standard input, also as '-') and prints one\n"
    "line per input line, in the same order:\n\n"
    "    compound<TAB>label\n\n"
    "compound runs from -1.0000 (as negative as it gets) through 0 (neutral or\n"
    "no opinion) to +1.0000 (as positive as it gets); label is positive\n"
    "(+0.05 or more), negative (-0.05 or less) or neutral. Useful to check how\n"
    "earshot reads your own examples, or to score a spreadsheet column:\n\n"
    "    cut -f2 reviews.tsv | earshot score | paste reviews.tsv -\n\n"
    "To see why a text scored the way it did, use 'earshot explain TEXT'.\n\n"
    "Options:\n"
    "      --lexicon FILE   the word list to score with (repeatable: later files\n"
    "                       override earlier ones, e.g. your brand's own words\n"
    "                       after lexicon/en.tsv). Default: $EARSHOT_LEXICON, the\n"
    "                       installed lexicon, or ./lexicon/en.tsv\n"
    "  -h, --help           this help\n"
    "\nExit status: 0 all good; 2 usage error, an unreadable input file or a\n"
    "lexicon that does not load (the message names the file and line).\n";

/* Writes "%.4f\t%s\n" of compound and label to f, as printf would, without
 * printf's cost: the value rounds as an integer of ten-thousandths unless it
 * sits within a hair of a tie (or is 10 or more), where printf decides. */
static void
put_score(FILE *f, double compound, const char *label)
{
	double r = fabs(compound) * 10000, frac = r - floor(r);
	char out[32], *p = out;
	long v;

	if (!(r < 99999) || fabs(frac - 0.5) < 1e-6) {
		fprintf(f, "%.4f\t%s\n", compound, label);
		return;
	}
	v = lround(r);
	if (signbit(compound))
		*p++ = '-';
	*p++ = (char)('0' + v / 10000);  /* one digit: v < 10^5 */
	*p++ = '.';
	p[0] = (char)('0' + v / 1000 % 10);
	p[1] = (char)('0' + v / 100 % 10);
	p[2] = (char)('0' + v / 10 % 10);
	p[3] = (char)('0' + v % 10);
	p[4] = '\t';
	fwrite(out, 1, (size_t)(p + 5 - out), f);
	fputs(label, f);
	putc('\n', f);
}

static int
score_stream(const struct lexicon *lx, FILE *in, const char *name)
{
	struct sentiment_opts o;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	sentiment_opts_default(&o);
	while ((n = getline(&line, &cap, in)) >= 0) {
		struct sentiment s;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		sentiment_score(lx, &o, line, (size_t)n, &s);
		put_score(stdout, s.compound, sentiment_label_name(s.label));
	}
	if (ferror(in)) {
		fprintf(stderr, "earshot score: %s: %s\n", name, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

int
cmd_score(int argc, char **argv)
{
	const char *paths[CMD_MAX_LEXICONS];
	size_t npaths;
	struct lexicon *lx;
	char err[512];
	int rc = EXIT_OK, i, status;

	status = cmd_lexicon_options(argc, argv, "score", help, paths, &npaths);
	if (status >= 0)
		return status;
	if (!(lx = lexicon_load_or_default(paths, npaths, err, sizeof err))) {
		fprintf(stderr, "earshot score: %s\n", err);
		return EXIT_USAGE;
	}
	if (optind == argc && score_stream(lx, stdin, "standard input") < 0)
		rc = EXIT_USAGE;
	for (i = optind; i < argc && rc == EXIT_OK; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;

		if (!f) {
			fprintf(stderr, "earshot score: %s: %s\n", argv[i], strerror(errno));
			rc = EXIT_USAGE;
			break;
		}
		if (score_stream(lx, f, f == stdin ? "standard input" : argv[i]) < 0)
			rc = EXIT_USAGE;
		if (f != stdin)
			fclose(f);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "earshot score: standard output: %s\n", strerror(errno));
		rc = EXIT_FATAL;
	}
	lexicon_free(lx);
	return rc;
}
