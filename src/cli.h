/* Options every configuration-reading command shares: -c, --state-dir,
 * --out-dir, -v, -q. */
#ifndef EARSHOT_CLI_H
#define EARSHOT_CLI_H

#include <getopt.h>

#include "conf.h"

enum { OPT_STATE_DIR = 256, OPT_OUT_DIR, OPT_HELP, OPT_FIRST_FREE };

#define CLI_COMMON_OPTIONS \
	{ "config", required_argument, NULL, 'c' }, \
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR }, \
	{ "out-dir", required_argument, NULL, OPT_OUT_DIR }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, OPT_HELP }
#define CLI_COMMON_SHORT "c:vqh"

#define CLI_COMMON_HELP \
	"  -c, --config FILE    configuration file (default: $EARSHOT_CONFIG,\n" \
	"                       ./earshot.conf, /etc/earshot/earshot.conf)\n" \
	"      --state-dir DIR  where earshot keeps its database (overrides the file)\n" \
	"      --out-dir DIR    where results are written (overrides the file)\n" \
	"  -v, --verbose        say more (twice for debugging detail)\n" \
	"  -q, --quiet          only errors\n" \
	"  -h, --help           this help\n"

struct cli {
	const char *config;
	const char *state_dir, *out_dir;
	int verbosity;
	int help;
};

/* Handles a common option; returns 1 if ch was one, 0 if not. */
int cli_option(struct cli *o, int ch, const char *arg);
/* After the options of a command that takes no arguments: with --help,
 * prints help on stdout and returns EXIT_OK; with a stray argument, says so
 * and returns EXIT_USAGE; else returns -1 (go on). */
int cli_end(const struct cli *o, int argc, char **argv, const char *cmd,
    const char *help);
/* Finds and loads the configuration and applies the overrides. Returns 0,
 * or -1 after logging why (the caller exits with EXIT_USAGE). */
int cli_load(const struct cli *o, struct conf *c);

#endif
