#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "util.h"

int
cli_option(struct cli *o, int ch, const char *arg)
{
	switch (ch) {
	case 'c': o->config = arg; return 1;
	case OPT_STATE_DIR: o->state_dir = arg; return 1;
	case OPT_OUT_DIR: o->out_dir = arg; return 1;
	case 'v': log_init(++o->verbosity); return 1;
	case 'q': o->verbosity = -1; log_init(-1); return 1;
	case 'h': case OPT_HELP: o->help = 1; return 1;
	}
	return 0;
}

int
cli_load(const struct cli *o, struct conf *c)
{
	const char *path = conf_find(o->config);

	if (!o->config && access(path, F_OK) != 0) {
		log_error("no configuration found: give one with -c FILE, or set "
		    "$EARSHOT_CONFIG, or create ./earshot.conf or %s", path);
		return -1;
	}
	if (conf_load(c, path) < 0)
		return -1;
	/* An override given with --out-dir wins; an override of the state dir
	 * alone moves the default out dir with it. */
	if (o->state_dir) {
		free(c->state_dir);
		c->state_dir = xstrdup(o->state_dir);
	}
	if (o->out_dir) {
		free(c->out_dir);
		c->out_dir = xstrdup(o->out_dir);
	} else if (o->state_dir && c->out_dir_default) {
		struct buf b = {0};

		buf_printf(&b, "%s/out", c->state_dir);
		free(c->out_dir);
		c->out_dir = buf_detach(&b);
	}
	return 0;
}

int
cli_end(const struct cli *o, int argc, char **argv, const char *cmd, const char *help)
{
	if (o->help) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	if (optind < argc) {
		fprintf(stderr, "earshot %s: unexpected argument '%s'\n", cmd, argv[optind]);
		return EXIT_USAGE;
	}
	return -1;
}
