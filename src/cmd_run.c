#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "pipeline.h"
#include "term.h"

enum { OPT_ALL = OPT_FIRST_FREE, OPT_FEED };

static const char help[] =
    "usage: earshot run [options]\n\n"
    "Polls the feeds that are due, records new mentions of your brands with\n"
    "their sentiment, sends alerts for negative ones, and updates the files\n"
    "in the output folder (mentions.jsonl, alerts.jsonl, summary.json/.md,\n"
    "and today's digest so far in digest/).\n"
    "Meant to be started by a timer: it never runs twice at once. On a\n"
    "terminal it shows its progress on one line.\n\n"
    "Options:\n"
    "      --all            poll every feed now, whatever the schedule says\n"
    "      --feed NAME      poll only this feed, now\n"
    CLI_COMMON_HELP
    "\nExit status: 0 all good; 1 finished, but some feeds failed (see\n"
    "'earshot check') or today's digest could not be written; 2 usage or configuration error; 3 could not run at all;\n"
    "4 another run is still working, so this one did nothing.\n";

int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "all", no_argument, NULL, OPT_ALL },
		{ "feed", required_argument, NULL, OPT_FEED },
		{ NULL, 0, NULL, 0 }
	};
	struct run_opts ro = {0};
	struct run_stats st;
	struct cli cli = {0};
	struct conf c;
	enum run_result res;
	int ch;

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (cli_option(&cli, ch, optarg))
			continue;
		if (ch == OPT_ALL)
			ro.all = 1;
		else if (ch == OPT_FEED)
			ro.feed = optarg;
		else {
			fputs(help, stderr);
			return EXIT_USAGE;
		}
	}
	if (cli.help) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	if (optind < argc) {
		fprintf(stderr, "earshot run: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (cli_load(&cli, &c) < 0)
		return EXIT_USAGE;
	if (ro.feed && !conf_feed_by_name(&c, ro.feed)) {
		log_error("no feed named '%s' in %s", ro.feed, c.path);
		conf_free(&c);
		return EXIT_USAGE;
	}
	if (term_progress_start(cli.verbosity))
		ro.progress = term_progress;
	res = pipeline_run(&c, &ro, &st);
	term_progress_end();
	if (res == RUN_OK || res == RUN_PARTIAL)
		term_summary(&st, c.out_dir);
	conf_free(&c);
	switch (res) {
	case RUN_OK: return EXIT_OK;
	case RUN_PARTIAL: return EXIT_PARTIAL;
	case RUN_LOCKED: return EXIT_LOCKED;
	case RUN_CONFIG: return EXIT_USAGE;
	default: return EXIT_FATAL;
	}
}
