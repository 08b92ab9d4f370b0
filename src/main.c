/* earshot: command-line entry. Dispatches to a subcommand (cmd.h); the only
 * place the process exits. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>

#include "cmd.h"
#include "json_arena.h"
#include "log.h"
#include "version.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *what;
} commands[] = {
	{ "run",     cmd_run,     "poll the feeds that are due, record mentions, send alerts" },
	{ "watch",   cmd_watch,   "poll the feeds as they fall due, until stopped (no timer needed)" },
	{ "check",   cmd_check,   "validate the configuration and show each feed's state" },
	{ "digest",  cmd_digest,  "write the daily digest files" },
	{ "alerts",  cmd_alerts,  "list recent alerts for triage" },
	{ "parse",   cmd_parse,   "show the items earshot reads from a feed file or URL" },
	{ "score",   cmd_score,   "score one text per input line: compound<TAB>label" },
	{ "explain", cmd_explain, "show a text's sentiment score and the words behind it" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: earshot COMMAND [options]\n\n"
	    "earshot watches news, blog, social and review feeds for mentions of your\n"
	    "brands, scores how positive or negative each mention is, and writes\n"
	    "alerts, a mention log and daily summaries.\n\nCommands:\n");
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\nRun 'earshot COMMAND --help' for a command's options.\n\n"
	    "Options of run, watch, check, digest and alerts:\n"
	    "  -c FILE   configuration file (default: $EARSHOT_CONFIG, ./earshot.conf,\n"
	    "            /etc/earshot/earshot.conf)\n"
	    "  -v, -q    more or less detail on stderr\n\n"
	    "earshot --version prints the version.\n\n"
	    "Exit status:\n"
	    "  0  all good\n"
	    "  1  the run finished but some feeds failed (see 'earshot check')\n"
	    "  2  usage or configuration error\n"
	    "  3  could not run at all (e.g. the state directory is not writable)\n"
	    "  4  another earshot run is still working; this one did nothing\n");
}

int
main(int argc, char **argv)
{
	size_t i;
	int rc;

	log_init(0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("earshot %s\n", EARSHOT_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		/* Global library set-up happens once, here, before any thread or
		 * transfer exists, as the libraries require (jansson seeds its
		 * hash tables on first use, racily if threads do it, and its
		 * allocator is a global). */
		curl_global_init(CURL_GLOBAL_DEFAULT);
		xmlInitParser();
		json_object_seed(0);
		json_arena_install();
		rc = commands[i].fn(argc - 1, argv + 1);
		xmlCleanupParser();
		curl_global_cleanup();
		return rc;
	}
	fprintf(stderr, "earshot: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
