/* The daily digest is not written yet (its own issue): the command takes
 * its options, says so plainly and fails rather than pretend. */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"

enum { OPT_DATE = OPT_FIRST_FREE, OPT_DAYS };

static const char help[] =
    "usage: earshot digest [options]\n\n"
    "Writes the daily digest for marketing: mention volume, positive :\n"
    "negative ratio, trend, share of voice and the posts that need a reply.\n"
    "Not available in this version yet; until then every 'earshot run'\n"
    "updates summary.md and summary.json in the output folder.\n\n"
    "Options:\n"
    "      --date YYYY-MM-DD  the day to summarise (default: yesterday)\n"
    "      --days N           the period to compare against (default: 7)\n"
    CLI_COMMON_HELP;

int
cmd_digest(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "date", required_argument, NULL, OPT_DATE },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = {0};
	int ch;

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (!cli_option(&cli, ch, optarg) && ch != OPT_DATE && ch != OPT_DAYS) {
			fputs(help, stderr);
			return EXIT_USAGE;
		}
	}
	if (cli.help) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	fputs("earshot digest: not implemented yet; summary.md in the output folder "
	    "is updated by every run\n", stderr);
	return EXIT_USAGE;
}
