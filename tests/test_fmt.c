/* The fast printf subset against vsnprintf itself: every output must be
 * byte for byte the same, truncation and return values included. */
#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "test.h"

static int mismatches;

static void same(size_t cap, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats with both and counts a difference (printing the first few). */
static void
same(size_t cap, const char *fmt, ...)
{
	char a[512], b[512];
	va_list ap, aq;
	int na, nb;

	memset(a, 'x', sizeof a);
	memset(b, 'x', sizeof b);
	va_start(ap, fmt);
	va_copy(aq, ap);
	na = fmt_vsnprintf(a, cap, fmt, ap);
	nb = vsnprintf(b, cap, fmt, aq);
	va_end(aq);
	va_end(ap);
	if (na != nb || memcmp(a, b, sizeof a)) {
		if (mismatches++ < 10)
			fprintf(stderr, "fmt \"%s\" cap %zu: \"%.*s\" (%d), vsnprintf \"%.*s\" (%d)\n",
			    fmt, cap, cap ? (int)strnlen(a, cap) : 0, a, na,
			    cap ? (int)strnlen(b, cap) : 0, b, nb);
	}
}

/* Formats outside the subset, some after conversions it took: vsnprintf
 * starts over and the output is still its own. */
static void
test_outside(void)
{
	mismatches = 0;
	same(64, "%5d", 42);
	same(64, "%s=%d then %x", "n", 7, 255u);
	same(64, "%.2f and %g", 1.25, 0.5);
	same(64, "%-4s|%+d|%.10f|%f", "a", 3, 0.1, 2.5);
	same(8, "%d %d %05d", 123, 456, 789);
	CHECK_INT(mismatches, 0);
}

static void
test_integers(void)
{
	static const long long v[] = { 0, 1, -1, 9, 10, -10, 99, 12345, -98765,
		INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN };
	size_t i;

	mismatches = 0;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (v[i] >= INT_MIN && v[i] <= INT_MAX)
			same(64, "<%d|%i>", (int)v[i], (int)v[i]);
		same(64, "%ld", (long)v[i]);
		same(64, "%lld items", v[i]);
		same(64, "%llu", (unsigned long long)v[i]);
		same(64, "%zu", (size_t)v[i]);
		same(64, "%u", (unsigned)v[i]);
	}
	same(64, "%c%c%c", 'a', 0, 'z');
	same(64, "%%%d%%", 5);
	CHECK_INT(mismatches, 0);
}

static void
test_strings(void)
{
	mismatches = 0;
	same(64, "[%s]", "hello");
	same(64, "[%s]", "");
	same(64, "[%.3s]", "hello");
	same(64, "[%.3s]", "he");
	same(64, "[%.0s]", "hello");
	same(64, "[%.5s]", "2026-12-02T10:00:00");
	CHECK_INT(mismatches, 0);
}

/* Values on and beside rounding ties, where doing the scaling in double
 * arithmetic would round the other way from printf. */
static void
test_ties(void)
{
	static const double v[] = { 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 2.675, 1.005,
		1.0049999999, 1.0050000001, 0.045, 0.0005, -0.0005, 0.25, 0.75,
		1e-7, -1e-7, 0.0, -0.0, 4.35, 4.45, 1234.5678, 99.995, 99.9949,
		2147483647.5, 2147483648.0, 1e15, -1e15, 1e300, DBL_MAX, -DBL_MAX,
		DBL_MIN, 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0 };
	size_t i;
	int p;

	mismatches = 0;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		for (p = 0; p <= 9; p++) {
			same(512, "%.*f", p, v[i]);   /* vsnprintf alone: a reference */
			switch (p) {
			case 0: same(512, "%.0f|%+.0f", v[i], v[i]); break;
			case 1: same(512, "%.1f|%+.1f", v[i], v[i]); break;
			case 2: same(512, "%.2f|%+.2f", v[i], v[i]); break;
			case 3: same(512, "%.3f|%+.3f", v[i], v[i]); break;
			case 9: same(512, "%.9f|%+.9f", v[i], v[i]); break;
			default: same(512, "%.5f|%+.5f", v[i], v[i]);
			}
		}
	CHECK_INT(mismatches, 0);
}

/* splitmix64: a reproducible stream for the random cases. */
static uint64_t
next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
test_random(void)
{
	uint64_t seed = 42;
	long i;

	mismatches = 0;
	for (i = 0; i < 100000; i++) {
		uint64_t r = next(&seed);
		/* Magnitudes from 1e-4 to 1e7, and values on a 1/1000 grid as
		 * the digest's rounded figures are, with both signs. */
		double v = (double)(r >> 11) / 9007199254740992.0 * pow(10, (double)(r % 12) - 4);

		if (r & 1)
			v = -v;
		if (r & 2)
			v = round(v * 1000) / 1000;
		same(64, "x=%.2f y=%.3f %+.0f %.1f%%", v, v, v, v);
		same(64, "%.6f|%.9f|%+.4f", v, v / 3, v * 7);
	}
	CHECK_INT(mismatches, 0);
}

static void
test_truncation(void)
{
	size_t cap;

	mismatches = 0;
	for (cap = 0; cap < 24; cap++) {
		same(cap, "%s=%d (%.2f)", "mentions", 12345, -3.14159);
		same(cap, "%lld%%", 1234567890123LL);
	}
	CHECK_INT(mismatches, 0);
}

/* fmt_g against snprintf's %.*g. */
static int
g_same(double v, int prec)
{
	char a[64], b[64];
	int na = fmt_g(a, sizeof a, v, prec), nb = snprintf(b, sizeof b, "%.*g", prec, v);

	if (na == nb && !strcmp(a, b))
		return 1;
	if (mismatches++ < 10)
		fprintf(stderr, "fmt_g(%.17g, %d): \"%s\", snprintf \"%s\"\n", v, prec, a, b);
	return 0;
}

static void
test_g(void)
{
	static const double v[] = { 0, -0.0, 0.1, -0.421, 0.5, 1, 10, 100, 1e9,
		1e10, 12345678901.0, 0.0001, 0.00012, 0.000123, 0.00001, 1e-5,
		0.001, 123.456, 1.0 / 3, 2.0 / 3, 1e15, 1e16, 1e300, 5e-324,
		1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0, 999999.9999995, 9999999999.0,
		99999.5, 0.1 + 0.2 };
	uint64_t seed = 7;
	char small[4];
	size_t i;
	int p;

	mismatches = 0;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		for (p = 0; p <= 17; p++)
			g_same(v[i], p);
	for (i = 0; i < 300000; i++) {
		uint64_t r = next(&seed);
		double x = (double)(r >> 11) / 9007199254740992.0 * pow(10, (double)(r % 14) - 6);

		if (r & 1)
			x = -x;
		/* Most values on a decimal grid, as the digest's are. */
		if (r & 6)
			x = round(x * pow(10, (double)(r >> 3 & 7))) / pow(10, (double)(r >> 3 & 7));
		g_same(x, (int)(r >> 8 & 15) + 1);
		g_same(x, 10);
	}
	CHECK_INT(mismatches, 0);
	/* Truncated like snprintf, the length the whole needs returned. */
	CHECK_INT(fmt_g(small, sizeof small, -0.421, 10), 6);
	CHECK_STR(small, "-0.");
}

int
main(void)
{
	RUN(test_outside);
	RUN(test_integers);
	RUN(test_strings);
	RUN(test_ties);
	RUN(test_random);
	RUN(test_truncation);
	RUN(test_g);
	return TEST_END();
}
