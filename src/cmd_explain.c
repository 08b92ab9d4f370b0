/* `earshot explain TEXT`: the score of one text and the words behind it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "cmd_lexicon.h"
#include "lexicon.h"
#include "sentiment.h"

#define MAX_TEXT (1 << 20)

static const char help[] =
    "usage: earshot explain [--lexicon FILE]... TEXT...\n"
    "       earshot explain [--lexicon FILE]... -      (reads the text from stdin)\n\n"
    "Shows how earshot scores one piece of text and why: every word that moved\n"
    "the score, its base value from the lexicon and each rule applied to it\n"
    "(negated by 'not', boosted by 'very', damped by 'slightly', ALL CAPS,\n"
    "exclamation marks, weighed down before 'but' or up after it), then the\n"
    "total, the compound score (-1 to +1), the label and what the text is\n"
    "about (billing, support, speed...). Use it when a mention's label looks\n"
    "wrong, to see which word to add or re-value in your own lexicon file.\n\n"
    "    earshot explain \"The app is not bad at all, but support is SLOW!\"\n\n"
    "The words of TEXT are joined with spaces. Put -- before a text that starts\n"
    "with '-' (such as the emoticon -_-).\n\n"
    "Options:\n"
    "      --lexicon FILE   the word list to score with (repeatable: later files\n"
    "                       override earlier ones). Default: $EARSHOT_LEXICON, the\n"
    "                       installed lexicon, or ./lexicon/en.tsv\n"
    "  -h, --help           this help\n"
    "\nExit status: 0 all good; 2 usage error or a lexicon that does not load\n"
    "(the message names the file and line).\n";

/* The text to explain: the arguments joined by spaces, or stdin for "-". */
static int
read_text(int argc, char **argv, struct buf *text)
{
	char chunk[4096];
	size_t n;
	int i;

	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
			if (text->len + n > MAX_TEXT || buf_append(text, chunk, n) < 0) {
				fprintf(stderr, "earshot explain: standard input: more than "
				    "%d bytes\n", MAX_TEXT);
				return -1;
			}
		if (ferror(stdin)) {
			fprintf(stderr, "earshot explain: standard input: %s\n", strerror(errno));
			return -1;
		}
		return 0;
	}
	for (i = 0; i < argc; i++)
		if ((i && buf_putc(text, ' ') < 0) || buf_puts(text, argv[i]) < 0)
			return -1;
	return 0;
}

int
cmd_explain(int argc, char **argv)
{
	const char *paths[CMD_MAX_LEXICONS];
	struct buf text = {0}, out = {0};
	size_t npaths;
	struct lexicon *lx;
	char err[512];
	int rc = EXIT_USAGE, status;

	status = cmd_lexicon_options(argc, argv, "explain", help, paths, &npaths);
	if (status >= 0)
		return status;
	if (optind == argc) {
		fputs("earshot explain: no text given (try: earshot explain \"not bad at "
		    "all\")\n", stderr);
		return EXIT_USAGE;
	}
	if (!(lx = lexicon_load_or_default(paths, npaths, err, sizeof err))) {
		fprintf(stderr, "earshot explain: %s\n", err);
		return EXIT_USAGE;
	}
	if (read_text(argc - optind, argv + optind, &text) == 0 &&
	    sentiment_explain(lx, NULL, text.data ? text.data : "", text.len, &out) == 0) {
		fputs(out.data, stdout);
		rc = fflush(stdout) == 0 ? EXIT_OK : EXIT_FATAL;
	}
	buf_free(&text);
	buf_free(&out);
	lexicon_free(lx);
	return rc;
}
