/* Placeholder until the command line lands in this same issue. */
#include <stdio.h>

int
main(void)
{
	fputs("earshot: not built yet\n", stderr);
	return 3;
}
