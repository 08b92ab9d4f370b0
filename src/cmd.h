/* Subcommands. Each parses its own options (getopt_long, including --help),
 * does its work and returns the process exit status; only main() exits. */
#ifndef EARSHOT_CMD_H
#define EARSHOT_CMD_H

/* Exit statuses, documented in --help and the README. */
enum {
	EXIT_OK = 0,        /* all good */
	EXIT_PARTIAL = 1,   /* the run finished but some feeds failed */
	EXIT_USAGE = 2,     /* usage or configuration error */
	EXIT_FATAL = 3,     /* could not run at all (state not writable, ...) */
	EXIT_LOCKED = 4     /* another run holds the state lock; nothing done */
};

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_digest(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
int cmd_parse(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_watch(int argc, char **argv);

#endif
