#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "pipeline.h"
#include "term.h"

enum { OPT_ALL = OPT_FIRST_FREE, OPT_FEED, OPT_STATS };

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
    "      --stats          print where the time went (per stage) on stderr\n"
    CLI_COMMON_HELP
    "\nExit status: 0 all good; 1 finished, but some feeds failed (see\n"
    "'earshot check') or today's digest could not be written; 2 usage or configuration error; 3 could not run at all;\n"
    "4 another run is still working, so this one did nothing.\n";

static double
tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* The stage table of --stats. Per-item stages show wall time only (their
 * CPU clock would cost a system call per item); feed work as a whole,
 * and every other stage, shows both. */
static void
print_stats(const struct run_stats *st)
{
	const struct run_clock *k = &st->clock;
	const unsigned counts[STAGE_COUNT] = {
		[STAGE_FETCH] = st->feeds, [STAGE_PARSE] = st->items,
		[STAGE_DEDUP] = st->items, [STAGE_MATCH] = st->new_items,
		[STAGE_SCORE] = st->mentions, [STAGE_ALERT] = st->alerts,
	};
	double wall = 0, feed = 0;
	struct rusage ru;
	int i;

	for (i = 0; i < STAGE_COUNT; i++)
		wall += k->wall[i];
	for (i = STAGE_PARSE; i <= STAGE_ALERT; i++)
		feed += k->wall[i];
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "earshot: stats: %u feeds (%u not modified, %u failed), %u items, "
	    "%u new, %u mentions, %u alerts\n", st->feeds, st->not_modified, st->failed,
	    st->items, st->new_items, st->mentions, st->alerts);
	if (st->threads > 1)
		fprintf(stderr, "earshot: stats: parse, match, score and building the records "
		    "ran on %u threads: their times are summed over them\n", st->threads);
	fprintf(stderr, "%-12s %9s %9s %6s %9s\n", "stage", "wall s", "CPU s", "wall%",
	    "count");
	for (i = 0; i < STAGE_COUNT; i++) {
		char cpu[32] = "";

		if (i < STAGE_PARSE || i > STAGE_ALERT)
			snprintf(cpu, sizeof cpu, "%.3f", k->cpu[i]);
		fprintf(stderr, "%-12s %9.3f %9s %5.1f%% %9u\n", run_clock_name(i), k->wall[i],
		    cpu, wall > 0 ? 100 * k->wall[i] / wall : 0, counts[i]);
		if (i == STAGE_ALERT)
			fprintf(stderr, "%-12s %9.3f %9.3f %5.1f%%\n", " feed work", feed,
			    k->cpu[PHASE_FEED], wall > 0 ? 100 * feed / wall : 0);
	}
	fprintf(stderr, "%-12s %9.3f %9.3f %6s   user %.3f s, sys %.3f s, peak RSS %ld KiB\n",
	    "total", wall, tv_seconds(ru.ru_utime) + tv_seconds(ru.ru_stime), "",
	    tv_seconds(ru.ru_utime), tv_seconds(ru.ru_stime), ru.ru_maxrss);
}

int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "all", no_argument, NULL, OPT_ALL },
		{ "feed", required_argument, NULL, OPT_FEED },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ NULL, 0, NULL, 0 }
	};
	struct run_opts ro = {0};
	struct run_stats st;
	struct cli cli = {0};
	struct conf c;
	enum run_result res;
	int ch, rc, stats = 0;

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (cli_option(&cli, ch, optarg))
			continue;
		if (ch == OPT_ALL)
			ro.all = 1;
		else if (ch == OPT_FEED)
			ro.feed = optarg;
		else if (ch == OPT_STATS)
			stats = 1;
		else {
			fputs(help, stderr);
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_end(&cli, argc, argv, "run", help)) >= 0)
		return rc;
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
	if (stats && res != RUN_LOCKED && res != RUN_CONFIG)
		print_stats(&st);
	conf_free(&c);
	switch (res) {
	case RUN_OK: return EXIT_OK;
	case RUN_PARTIAL: return EXIT_PARTIAL;
	case RUN_LOCKED: return EXIT_LOCKED;
	case RUN_CONFIG: return EXIT_USAGE;
	default: return EXIT_FATAL;
	}
}
