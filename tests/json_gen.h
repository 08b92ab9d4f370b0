/* Random jansson values for the JSON tests (test_json_write, test_json_read):
 * strings of escapes, multi-byte characters and markup, integers over the
 * whole range, reals of every magnitude, nested lists and objects. A
 * fixed seed: every run generates the same documents. */
#ifndef EARSHOT_TEST_JSON_GEN_H
#define EARSHOT_TEST_JSON_GEN_H

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static json_t *
gen_string(void)
{
	static const char *const pieces[] = { "a", "brand", " ", "\"", "\\", "\n", "\t",
	    "\x01", "\x1f", "/", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "<b>", "0" };
	char s[64] = "";
	size_t n = next() % 8, i;

	for (i = 0; i < n; i++)
		strcat(s, pieces[next() % (sizeof pieces / sizeof *pieces)]);
	return json_string(s);
}

static json_t *
gen(int depth)
{
	unsigned kind = (unsigned)(next() % (depth > 4 ? 6 : 8));
	json_t *v;
	size_t n, i;
	char key[32];

	switch (kind) {
	case 0: return gen_string();
	case 1: return json_integer((json_int_t)(next() >> (next() % 64)) *
	    (next() & 1 ? -1 : 1));
	case 2: {
		double d = (double)(next() >> 11) / (double)(1ULL << 53);
		int e = (int)(next() % 80) - 40;

		return json_real((next() & 1 ? -d : d) * pow(10, e));
	}
	case 3: return json_real((double)(int64_t)(next() % 2000000) / 1000);
	case 4: return next() & 1 ? json_true() : json_false();
	case 5: return json_null();
	case 6:
		v = json_array();
		for (n = next() % 5, i = 0; i < n; i++)
			json_array_append_new(v, gen(depth + 1));
		return v;
	default:
		v = json_object();
		for (n = next() % 6, i = 0; i < n; i++) {
			snprintf(key, sizeof key, "k%u\"%s", (unsigned)(next() % 50),
			    next() & 1 ? "\xc3\xa9" : "");
			json_object_set_new(v, key, gen(depth + 1));
		}
		return v;
	}
}

#endif
