/* A check that work grows linearly with its input, for the unit tests of
 * parsers fed hostile documents. Include after test.h. */
#ifndef EARSHOT_TEST_LINEAR_H
#define EARSHOT_TEST_LINEAR_H

#include <stdlib.h>

#include "test.h"

/* Times run (which returns its seconds) on n / 8 and on n bytes of a buffer
 * of n + slack: 8 times the input must take well under 64 times as long.
 * The bound is relative because absolute ones fail under valgrind. */
static void
check_linear(double (*run)(char *, size_t), size_t n, size_t slack)
{
	char *s = malloc(n + slack);
	double small, big;

	if (!s) {
		CHECK(!"out of memory");
		return;
	}
	small = run(s, n / 8);
	big = run(s, n);
	CHECK(big < 20 * small + 0.2);
	free(s);
}

#endif
