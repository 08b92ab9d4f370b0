/* The terminal helpers: counts with separators, painting on and off, and
 * no colour where stdout is not a terminal or NO_COLOR is set. */
#include <stdlib.h>
#include <unistd.h>

#include "term.h"
#include "test.h"

static void
test_count(void)
{
	char n[TERM_COUNT_LEN];

	CHECK_STR(term_count(0, n), "0");
	CHECK_STR(term_count(999, n), "999");
	CHECK_STR(term_count(1000, n), "1,000");
	CHECK_STR(term_count(1204, n), "1,204");
	CHECK_STR(term_count(100000, n), "100,000");
	CHECK_STR(term_count(1234567, n), "1,234,567");
	CHECK_STR(term_count(4294967295UL, n), "4,294,967,295");
}

static void
test_paint(void)
{
	struct buf b = {0};

	term_paint(&b, 1, TERM_RED, "%d negative", 9);
	CHECK_STR(b.data, "\033[31m9 negative\033[0m");
	buf_reset(&b);
	term_paint(&b, 0, TERM_RED, "%d negative", 9);
	CHECK_STR(b.data, "9 negative");
	buf_free(&b);
}

static void
test_colours(void)
{
	FILE *f = tmpfile();

	/* A file is never a terminal, whatever TERM says. */
	setenv("TERM", "xterm", 1);
	CHECK(f && !term_colours(f));
	if (f)
		fclose(f);
	/* Without a terminal there is no progress display to start. */
	CHECK(!term_progress_start(0) || isatty(2));
	term_progress_end();
}

int
main(void)
{
	RUN(test_count);
	RUN(test_paint);
	RUN(test_colours);
	return TEST_END();
}
