/* json_write against json_dumps: the same text for the same value, on
 * fixed cases and on generated documents, for every flag set earshot uses. */
#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_gen.h"
#include "json_write.h"
#include "test.h"

static const size_t flag_sets[] = {
	JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10),
	JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10),
	JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6),
	JSON_COMPACT,
	0,
	JSON_INDENT(3),
	JSON_INDENT(31) | JSON_REAL_PRECISION(3),
};

static int mismatches;

/* 1 if both writers agree on v under every flag set; prints the first
 * difference. */
static int
same(const json_t *v)
{
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof flag_sets / sizeof *flag_sets; i++) {
		char *want = json_dumps(v, flag_sets[i]), *got = json_write_str(v, flag_sets[i]);

		if (!want || !got || strcmp(want, got)) {
			if (mismatches++ < 3)
				fprintf(stderr, "flags %#zx:\n want %s\n got  %s\n", flag_sets[i],
				    want ? want : "(null)", got ? got : "(null)");
			ok = 0;
		}
		free(want);
		free(got);
	}
	return ok;
}

static void
test_fixed(void)
{
	static const double reals[] = { 0.0, -0.0, 1.0, -1.5, 0.1, 1e20, 1e21, 1.5e-7,
	    123456789012.0, 1e-300, 1e300, DBL_MAX, DBL_MIN, 3.14159265358979,
	    0.8391, -0.0001, 1e100, 2.5e-10, 100.0 };
	static const json_int_t ints[] = { 0, 1, -1, 9, 10, -10, 1234567890123LL,
	    INT64_MAX, INT64_MIN };
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sizeof reals / sizeof *reals; i++)
		json_array_append_new(a, json_real(reals[i]));
	for (i = 0; i < sizeof ints / sizeof *ints; i++)
		json_array_append_new(a, json_integer(ints[i]));
	json_array_append_new(a, json_stringn("nul \0 inside", 12));
	json_array_append_new(a, json_string("\"quoted\" back\\slash / \b\f\n\r\t \x01\x1f\x7f"));
	json_array_append_new(a, json_string("caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa8"));
	json_array_append_new(a, json_string(""));
	json_array_append_new(a, json_true());
	json_array_append_new(a, json_false());
	json_array_append_new(a, json_null());
	json_array_append_new(a, json_array());
	json_array_append_new(a, json_object());
	json_array_append_new(a, json_pack("{s:{s:[]}, s:[{}], s:s}", "a", "b", "c",
	    "quote\"d key", "x\ty"));
	CHECK(same(a));
	json_decref(a);
	a = json_pack("[{}, []]");
	CHECK(same(json_array_get(a, 0)) && same(json_array_get(a, 1)));
	json_decref(a);

	/* A failing comparison is seen: the differential check can fail. */
	a = json_real(0.5);
	{
		char *got = json_write_str(a, JSON_REAL_PRECISION(3));

		CHECK_STR(got, "0.5");
		free(got);
	}
	json_decref(a);
}

static void
test_generated(void)
{
	int i, bad = 0;

	for (i = 0; i < 2000; i++) {
		/* jansson writes only arrays and objects at the top. */
		json_t *v = i % 2 ? json_pack("[o]", gen(0)) : json_pack("{s:o}", "top", gen(0));

		bad += !same(v);
		json_decref(v);
	}
	CHECK_INT(bad, 0);
}

int
main(void)
{
	RUN(test_fixed);
	RUN(test_generated);
	return TEST_END();
}
