/* A tiny unit-test harness. Each test binary calls its test functions from
 * main() via RUN() and ends with TEST_END(), which prints
 * "N passed, N failed" and returns non-zero if anything failed. */
#ifndef EARSHOT_TEST_H
#define EARSHOT_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond) do { \
	if (cond) test_passed++; \
	else { test_failed++; \
		fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if ((g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0)) test_passed++; \
	else { test_failed++; \
		fprintf(stderr, "%s:%d: FAIL: %s: got \"%s\", want \"%s\"\n", __FILE__, \
		    __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) test_passed++; \
	else { test_failed++; \
		fprintf(stderr, "%s:%d: FAIL: %s: got %lld, want %lld\n", __FILE__, \
		    __LINE__, #got, g_, w_); } \
} while (0)

#define CHECK_NEAR(got, want, eps) do { \
	double g_ = (got), w_ = (want); \
	if (fabs(g_ - w_) <= (eps)) test_passed++; \
	else { test_failed++; \
		fprintf(stderr, "%s:%d: FAIL: %s: got %.4f, want %.4f\n", __FILE__, \
		    __LINE__, #got, g_, w_); } \
} while (0)

#define RUN(fn) fn()

#define TEST_END() ( \
	printf("%s: %d passed, %d failed\n", __FILE__, test_passed, test_failed), \
	test_failed ? 1 : 0)

/* The whole file at path as a string the caller frees: "" when the file is
 * missing or empty, NULL only when out of memory. */
static inline char *
test_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = malloc(1), *t;
	size_t len = 0, n;

	while (s && f) {
		if (!(t = realloc(s, len + 4097))) {
			free(s);
			s = NULL;
			break;
		}
		s = t;
		if (!(n = fread(s + len, 1, 4096, f)))
			break;
		len += n;
	}
	if (f)
		fclose(f);
	if (s)
		s[len] = '\0';
	return s;
}

#endif
