/* `earshot digest`: the daily summary for people, written as files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "cmd.h"
#include "digest.h"
#include "log.h"

enum { OPT_DATE = OPT_FIRST_FREE, OPT_DAYS };

static const char help[] =
    "usage: earshot digest [options]\n\n"
    "Writes the daily digest: how much people talked about each brand, whether\n"
    "that is more or less than the day before and the last week, how it compares\n"
    "with the competitors (share of voice), what people praise and complain\n"
    "about, and which posts need a reply, with their links.\n\n"
    "The files go to the output folder, under digest/:\n"
    "  DAY.md    to read in a terminal or paste into a chat (start here)\n"
    "  DAY.csv   one row per brand, source and day, for a spreadsheet\n"
    "  DAY.json  everything, for scripts (the schema is in the README)\n"
    "and latest.md, latest.csv, latest.json always point at the newest.\n"
    "Every 'earshot run' also writes today's digest so far.\n\n"
    "Options:\n"
    "      --date YYYY-MM-DD  the day to sum up (default: yesterday, in the\n"
    "                         configured timezone)\n"
    "      --days N           how many days, ending with that day, to compare\n"
    "                         against (1 to 366, default: 7)\n"
    CLI_COMMON_HELP
    "\nExit status: 0 written; 2 usage or configuration error; 3 no state yet,\n"
    "or the state could not be read or the files written.\n";

/* --days: a whole number in 1..DIGEST_MAX_DAYS, else -1. */
static int
parse_days(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	return errno || end == s || *end || n < 1 || n > DIGEST_MAX_DAYS ? -1 : (int)n;
}

static int
write_digest(const struct conf *c, const char *date, int days)
{
	struct store *s;
	json_t *doc = NULL;
	char err[512];
	int rc = EXIT_FATAL;

	if (!(s = store_open_existing(c->state_dir, err, sizeof err))) {
		if (*err)
			log_error("%s", err);
		else
			log_error("no state yet in %s: there is nothing to sum up until "
			    "'earshot run' has run once", c->state_dir);
		return EXIT_FATAL;
	}
	if ((doc = digest_build(s, c, date, days, 0, (int64_t)time(NULL))) &&
	    digest_write(c->out_dir, doc) == 0) {
		printf("The digest for %s is in %s/digest/: %s.md, %s.csv, %s.json\n"
		    "(latest.md, latest.csv and latest.json point at them).\n",
		    date, c->out_dir, date, date, date);
		rc = EXIT_OK;
	}
	json_decref(doc);
	store_close(s);
	return rc;
}

int
cmd_digest(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "date", required_argument, NULL, OPT_DATE },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ NULL, 0, NULL, 0 }
	};
	const char *date_opt = NULL, *days_opt = "7";
	struct cli cli = {0};
	struct conf c;
	char date[11];
	int ch, days, rc;

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (cli_option(&cli, ch, optarg))
			continue;
		if (ch == OPT_DATE)
			date_opt = optarg;
		else if (ch == OPT_DAYS)
			days_opt = optarg;
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
		fprintf(stderr, "earshot digest: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if ((days = parse_days(days_opt)) < 0) {
		fprintf(stderr, "earshot digest: --days must be a whole number from 1 to "
		    "%d, not '%s'\n", DIGEST_MAX_DAYS, days_opt);
		return EXIT_USAGE;
	}
	if (cli_load(&cli, &c) < 0)
		return EXIT_USAGE;
	digest_set_zone(c.timezone);
	if (date_opt)
		snprintf(date, sizeof date, "%s", date_opt);
	else
		digest_local_date((int64_t)time(NULL), -1, date);
	if (!date_opt || digest_midnight(date_opt, 0) >= 0)
		rc = write_digest(&c, date, days);
	else {
		fprintf(stderr, "earshot digest: --date must be a day written YYYY-MM-DD, "
		    "not '%s'\n", date_opt);
		rc = EXIT_USAGE;
	}
	conf_free(&c);
	return rc;
}
