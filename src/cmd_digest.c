/* `earshot digest`: the daily summary for people, written as files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "cmd.h"
#include "buf.h"
#include "digest.h"
#include "digest_html.h"
#include "log.h"
#include "mail.h"

enum { OPT_DATE = OPT_FIRST_FREE, OPT_DAYS };

static const char help[] =
    "usage: earshot digest [options]\n\n"
    "Writes the daily digest: how much people talked about each brand, whether\n"
    "that is more or less than the day before and the last week, how it compares\n"
    "with the competitors (share of voice), what people praise and complain\n"
    "about, and which posts need a reply, with their links.\n\n"
    "The files go to the output folder, under digest/:\n"
    "  DAY.html  one page with charts, for a browser or a phone (start here)\n"
    "  DAY.md    to read in a terminal or paste into a chat\n"
    "  DAY.csv   one row per brand, source and day, for a spreadsheet\n"
    "  DAY.json  everything, for scripts (the schema is in the README)\n"
    "and latest.html, latest.md, latest.csv, latest.json point at the newest.\n"
    "With smtp_url and mail_to set it is also e-mailed (text and HTML), and\n"
    "digest_command is run with the HTML file's path.\n"
    "Every 'earshot run' also writes today's digest so far (not e-mailed).\n\n"
    "Options:\n"
    "      --date YYYY-MM-DD  the day to sum up (default: yesterday, in the\n"
    "                         configured timezone)\n"
    "      --days N           how many days, ending with that day, to compare\n"
    "                         against (1 to 366, default: 7)\n"
    CLI_COMMON_HELP
    "\nExit status: 0 written (and sent); 1 written, but the e-mail or the\n"
    "digest command failed; 2 usage or configuration error; 3 no state yet,\n"
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

/* "earshot digest 2026-11-30: Acme 12 (3 negative), Globex 4": the
 * figures a reader sees in the inbox before opening the mail. */
static void
mail_subject(const json_t *doc, struct buf *out)
{
	const json_t *b;
	size_t i;

	buf_printf(out, "earshot digest %s:", json_string_value(json_object_get(doc, "date")));
	json_array_foreach(json_object_get(doc, "brands"), i, b) {
		const json_t *day = json_object_get(b, "day");
		json_int_t n = json_integer_value(json_object_get(day, "mentions"));
		json_int_t neg = json_integer_value(json_object_get(day, "negative"));

		buf_printf(out, "%s %s %lld", i ? "," : "",
		    json_string_value(json_object_get(b, "name")), (long long)n);
		if (neg)
			buf_printf(out, " (%lld negative)", (long long)neg);
	}
}

/* The e-mail and the digest command, once the files are written: 0, or
 * -1 with each failure logged (the files stay either way). */
static int
send_digest(const struct conf *c, const json_t *doc, const char *date)
{
	struct buf md = {0}, html = {0}, subject = {0}, path = {0};
	char err[512];
	int rc = 0;

	if (!mail_configured(&c->mail) && !c->mail.command.n)
		return 0;
	buf_printf(&path, "%s/digest/%s.html", c->out_dir, date);
	mail_subject(doc, &subject);
	if (digest_md(doc, &md) < 0 || digest_html(doc, &html) < 0 || !path.data ||
	    !subject.data) {
		log_error("digest: out of memory preparing the e-mail");
		rc = -1;
	} else {
		if (mail_configured(&c->mail) &&
		    mail_digest(&c->mail, subject.data, md.data, html.data, err, sizeof err) < 0) {
			log_error("digest e-mail not sent: %s", err);
			rc = -1;
		} else if (mail_configured(&c->mail)) {
			log_notice("digest e-mailed to %zu recipient%s", c->mail.to.n,
			    c->mail.to.n == 1 ? "" : "s");
		}
		if (mail_command(&c->mail, path.data, md.data, err, sizeof err) < 0) {
			log_error("digest_command failed: %s", err);
			rc = -1;
		}
	}
	buf_free(&md);
	buf_free(&html);
	buf_free(&subject);
	buf_free(&path);
	return rc;
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
		printf("The digest for %s is in %s/digest/: %s.html, %s.md, %s.csv,\n"
		    "%s.json (latest.* point at them).\n",
		    date, c->out_dir, date, date, date, date);
		rc = send_digest(c, doc, date) < 0 ? EXIT_PARTIAL : EXIT_OK;
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
	if ((rc = cli_end(&cli, argc, argv, "digest", help)) >= 0)
		return rc;
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
