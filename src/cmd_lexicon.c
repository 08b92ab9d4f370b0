/* Option parsing shared by `earshot score` and `earshot explain`. */
#include "cmd_lexicon.h"

#include <getopt.h>
#include <stdio.h>

#include "cmd.h"

enum { OPT_LEXICON = 256 };

int
cmd_lexicon_options(int argc, char **argv, const char *name,
    const char *help, const char **paths, size_t *npaths)
{
	static const struct option opts[] = {
		{ "lexicon", required_argument, NULL, OPT_LEXICON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	*npaths = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(help, stdout);
			return EXIT_OK;
		}
		if (ch != OPT_LEXICON || *npaths == CMD_MAX_LEXICONS) {
			if (ch == OPT_LEXICON)
				fprintf(stderr, "earshot %s: too many --lexicon files\n", name);
			else
				fputs(help, stderr);
			return EXIT_USAGE;
		}
		paths[(*npaths)++] = optarg;
	}
	return -1;
}
