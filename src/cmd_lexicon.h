/* The options of the commands that only score text (score, explain): -h and
 * a repeatable --lexicon FILE. */
#ifndef EARSHOT_CMD_LEXICON_H
#define EARSHOT_CMD_LEXICON_H

#include <stddef.h>

#define CMD_MAX_LEXICONS 64

/* Parses argv with getopt_long, leaving optind at the first operand, and
 * stores the --lexicon files in order in paths[0..*npaths) (at most
 * CMD_MAX_LEXICONS, pointing into argv). Returns -1 to go on, or the exit
 * status: EXIT_OK after printing help on standard output, EXIT_USAGE after
 * printing help or "earshot NAME: ..." on standard error. */
int cmd_lexicon_options(int argc, char **argv, const char *name,
    const char *help, const char **paths, size_t *npaths);

#endif
