/* Not implemented yet: says so and fails rather than pretend. */
#include <stdio.h>

#include "cmd.h"

int
cmd_explain(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("earshot explain: not implemented yet\n", stderr);
	return EXIT_USAGE;
}
