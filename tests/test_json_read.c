/* json_read against json_loadb(.., 0, ..): the same verdict, and the same
 * value when both accept, on fixed cases, on generated documents and on
 * mutations of them; and what json_read itself returns and reports. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_gen.h"
#include "json_read.h"
#include "json_write.h"
#include "test.h"

static int shown;

/* 1 if json_read and jansson agree on s[0..n). */
static int
agree(const char *s, size_t n)
{
	json_error_t e;
	char reason[200] = "";
	json_t *want = json_loadb(s, n, 0, &e), *got = json_read(s, n, reason, sizeof reason);
	int ok = (!want && !got) || (want && got && json_equal(want, got));

	if (!ok && shown++ < 5)
		fprintf(stderr, "disagree on %.*s\n jansson: %s\n json_read: %s\n",
		    (int)(n > 200 ? 200 : n), s, want ? "accepted" : e.text,
		    got ? "accepted" : reason);
	json_decref(want);
	json_decref(got);
	return ok;
}

static int
agree_str(const char *s)
{
	return agree(s, strlen(s));
}

static void
test_fixed(void)
{
	static const char *const cases[] = {
		"{}", "[]", " \t\r\n[ ] \n", "[1]", "[-0]", "[-0.0]", "[0.5e-3]", "[1E+2]",
		"[1e400]", "[-1e400]", "[1e-400]", "[2.2250738585072014e-308]",
		"[9223372036854775807]", "[9223372036854775808]", "[-9223372036854775808]",
		"[-9223372036854775809]", "[123456789012345678]", "[1234567890123456789]",
		"[00]", "[01]", "[-]", "[-a]", "[1.]", "[.5]", "[+1]", "[1e]", "[1e+]",
		"[0x10]", "[1.5.2]", "[1 2]", "[true]", "[false]", "[null]", "[truex]",
		"[True]", "[nul]", "[true1]", "[1true]", "[tru", "[\"a\"]", "[\"\"]",
		"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "[\"\\u00e9\\u20AC\"]", "[\"\\ud83d\\ude00\"]",
		"[\"\\ud83d\"]", "[\"\\ud83dx\"]", "[\"\\ud83d\\n\"]", "[\"\\ud83d\\u0041\"]",
		"[\"\\ude00\"]", "[\"\\u0000\"]", "{\"\\u0000\":1}", "[\"\\u00\"]", "[\"\\x\"]",
		"[\"\\", "[\"abc", "[\"a\nb\"]", "[\"a\tb\"]", "[\"a\x7f\"]", "[\"\x01\"]",
		"[\"caf\xc3\xa9\"]", "[\"\xc3\"]", "[\"\xc0\xaf\"]", "[\"\xed\xa0\x80\"]",
		"[\"\xf4\x90\x80\x80\"]", "[\"\xf0\x9f\x98\x80\"]", "[\"\xff\"]", "[\xc3\xa9]",
		"{\"a\":1}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{\"a\":1 \"b\":2}",
		"{\"a\":1,\"a\":2}", "{\"a\":{\"b\":[{}]}}", "[1,]", "[,1]", "[1,,2]", "[",
		"{", "]", "}", "", " ", "1", "\"a\"", "null", "[] []", "[] x", "[]\x00",
		"\xef\xbb\xbf[]", "[\"a\\u005Cb\"]", "{\"k\\n\":\"v\\u0020\"}", "[1e5,-2E-2]",
		"[\"\\u0041\\u004a\"]", "[\"\\uD800\\uDC00\"]", "[\"\\uDBFF\\uDFFF\"]",
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof cases / sizeof *cases; i++)
		bad += !agree_str(cases[i]);
	CHECK_INT(bad, 0);
	/* A NUL byte inside the buffer, in and out of a string. */
	CHECK(agree("[\"a\0b\"]", 7));
	CHECK(agree("[1,\0]", 5));
	CHECK(agree("[1]\0", 4));
}

/* What json_read returns, not only that it matches jansson. */
static char why[200];

static json_t *
read_str(const char *s)
{
	return json_read(s, strlen(s), why, sizeof why);
}

static void
test_values(void)
{
	json_t *v = read_str("{\"a\": [1, -2.5, \"x\\u00e9\\n\"], \"b\": null, \"a\": true}");

	CHECK(v != NULL);
	CHECK(json_is_true(json_object_get(v, "a")));
	CHECK(json_is_null(json_object_get(v, "b")));
	CHECK_INT((long)json_object_size(v), 2);
	json_decref(v);
	v = read_str("[1, -2.5, \"x\\u00e9\\n\", 12345678901234567]");
	CHECK(v != NULL);
	CHECK_INT((long)json_integer_value(json_array_get(v, 0)), 1);
	CHECK(json_real_value(json_array_get(v, 1)) == -2.5);
	CHECK_STR(json_string_value(json_array_get(v, 2)), "x\xc3\xa9\n");
	CHECK(json_integer_value(json_array_get(v, 3)) == 12345678901234567LL);
	json_decref(v);
	CHECK(read_str("[1,\n2,\n\n3 4]") == NULL);
	CHECK_STR(why, "line 4: ',' or ']' expected");
	CHECK(read_str("{\"a\":\n\"\\ud800\"}") == NULL);
	CHECK(strncmp(why, "line 2: invalid Unicode", 23) == 0);
}

/* Nesting: jansson counts every value, the innermost scalar too. */
static void
test_depth(void)
{
	size_t depths[] = { 2047, 2048, 2049, 5000 }, i, d;

	for (i = 0; i < sizeof depths / sizeof *depths; i++) {
		size_t n = depths[i];
		char *s = malloc(2 * n + 2), *t = malloc(2 * n + 2);

		for (d = 0; d < n; d++)
			s[d] = '[', s[n + d] = ']';
		CHECK(agree(s, 2 * n));
		memcpy(t, s, n);
		t[n] = '1';
		memcpy(t + n + 1, s + n, n);
		CHECK(agree(t, 2 * n + 1));
		free(s);
		free(t);
	}
}

/* Bytes that change what a document means when put in its middle. */
static const char tricky[] = "\"\\u0/9-.eE+{}[],: \n\t\x01\x1f\x7f\x80\xbf\xc3\xa9\xed\xf4\xff" "D8dtfn";

static void
mutate_and_check(const char *text, size_t n, int *bad)
{
	char *m = malloc(n + 2);
	int k;

	for (k = 0; k < 12; k++) {
		size_t at = n ? (size_t)(next() % n) : 0, len = n;
		char c = tricky[next() % (sizeof tricky - 1)];

		memcpy(m, text, n);
		switch (k % 4) {
		case 0: m[at] = c; break;
		case 1: memmove(m + at, m + at + 1, n - at - 1); len--; break;
		case 2: memmove(m + at + 1, m + at, n - at); m[at] = c; len++; break;
		default: len = at; break;
		}
		*bad += !agree(m, len);
	}
	free(m);
}

static void
test_generated(void)
{
	static const size_t flags[] = { JSON_COMPACT, JSON_INDENT(2), 0 };
	int i, bad = 0, wrong = 0;

	for (i = 0; i < 3000; i++) {
		json_t *v = i % 2 ? json_pack("[o]", gen(0)) : json_pack("{s:o}", "top", gen(0));
		char *text = json_write_str(v, flags[i % 3]);
		json_t *back = read_str(text);

		/* Read back, the written value is itself (reals written with
		 * 17 digits come back bit for bit). */
		wrong += !back || !json_equal(back, v);
		bad += !agree_str(text);
		mutate_and_check(text, strlen(text), &bad);
		json_decref(back);
		json_decref(v);
		free(text);
	}
	CHECK_INT(wrong, 0);
	CHECK_INT(bad, 0);
}

int
main(void)
{
	RUN(test_fixed);
	RUN(test_values);
	RUN(test_depth);
	RUN(test_generated);
	return TEST_END();
}
