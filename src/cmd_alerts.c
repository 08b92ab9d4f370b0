#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "alert.h"
#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "store.h"
#include "term.h"
#include "util.h"

enum { OPT_SINCE = OPT_FIRST_FREE, OPT_BRAND, OPT_KIND, OPT_JSON };

static const char help[] =
    "usage: earshot alerts [options]\n\n"
    "Lists recent alerts, newest first, with the brand, the reason, the post's\n"
    "title and link: the triage list for whoever is on call.\n\n"
    "Options:\n"
    "      --since AGE      how far back: 90m, 24h (default), 7d\n"
    "      --brand NAME     only this brand\n"
    "      --kind KIND      only this kind: negative, spike, negative_share, new_source\n"
    "      --json           one JSON record per line (as in alerts.jsonl)\n"
    CLI_COMMON_HELP;

struct listing {
	int as_json;
	int colour;    /* the first line of each alert: red when negative, else yellow */
};

/* Prints the text's first line in the colour of the alert's kind. */
static void
print_painted(const char *json, const char *text)
{
	json_t *a = json_loads(json, 0, NULL);
	const char *kind = json_string_value(json_object_get(a, "kind"));
	size_t first = strcspn(text, "\n");
	struct buf b = {0};

	term_paint(&b, 1, kind && !strcmp(kind, "negative") ? TERM_RED : TERM_YELLOW,
	    "%.*s", (int)first, text);
	printf("%s%s\n", b.data, text + first);
	buf_free(&b);
	json_decref(a);
}

static int
print_alert(const char *json, void *ctx)
{
	const struct listing *l = ctx;
	struct buf b = {0};

	if (l->as_json)
		puts(json);
	else if (alert_text(json, "    ", &b) == 0 && l->colour)
		print_painted(json, b.data);
	else if (b.data)
		printf("%s\n", b.data);
	buf_free(&b);
	return 0;
}

int
cmd_alerts(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "brand", required_argument, NULL, OPT_BRAND },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	const char *brand = NULL, *kind = NULL;
	long long since = 86400;
	struct cli cli = {0};
	struct store *s;
	struct conf c;
	struct listing l = { 0, term_colours(stdout) };
	int ch, rc = EXIT_OK;
	char err[512];

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (cli_option(&cli, ch, optarg))
			continue;
		switch (ch) {
		case OPT_SINCE:
			if ((since = parse_duration(optarg)) < 0) {
				log_error("--since wants a duration such as 90m, 24h or 7d, not '%s'",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_BRAND: brand = optarg; break;
		case OPT_KIND: kind = optarg; break;
		case OPT_JSON: l.as_json = 1; break;
		default:
			fputs(help, stderr);
			return EXIT_USAGE;
		}
	}
	if (cli.help) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	if (cli_load(&cli, &c) < 0)
		return EXIT_USAGE;
	if (brand && !conf_brand_by_name(&c, brand))
		log_warn("'%s' is not a brand in %s; listing its past alerts anyway", brand,
		    c.path);
	if ((s = store_open_existing(c.state_dir, err, sizeof err))) {
		store_each_alert(s, (int64_t)time(NULL) - since, brand, kind, print_alert,
		    &l);
		store_close(s);
	} else if (*err) {
		log_error("%s", err);
		rc = EXIT_FATAL;
	} else {
		log_notice("no alerts yet: earshot has not run with state in %s", c.state_dir);
	}
	conf_free(&c);
	return rc;
}
