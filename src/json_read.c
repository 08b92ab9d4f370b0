/* A recursive-descent reader over the whole buffer. Its grammar is
 * jansson's for flags 0, which test_json_read and the json_read fuzzer
 * check against json_loadb itself: only an object or an array at the
 * top; strings of valid UTF-8 without raw control characters or \u0000,
 * and surrogates only in pairs; integers that fit json_int_t, reals that
 * do not overflow; nesting to JSON_PARSER_MAX_DEPTH values; nothing but
 * white space after the value. Repeated keys keep the last value, as
 * jansson's do. */
#include "json_read.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "util.h"

struct reader {
	const char *start, *p, *end;
	unsigned depth;
	struct buf text;       /* a decoded string, or a number's digits */
	char *why;
	size_t whylen;
	int failed;
};

/* Records the first error, at the line of at. Returns NULL for the
 * callers' convenience. */
static void *
fail(struct reader *r, const char *at, const char *what)
{
	const char *q;
	long line = 1;

	if (r->failed++)
		return NULL;
	for (q = r->start; (q = memchr(q, '\n', (size_t)(at - q))); q++)
		line++;
	snprintf(r->why, r->whylen, "line %ld: %s", line, what);
	return NULL;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void
skip_space(struct reader *r)
{
	const char *p = r->p;

	while (p < r->end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	r->p = p;
}

/* 1 if none of the eight bytes of w ends a string's plain run: a quote, a
 * backslash, a control character or a byte of a multi-byte sequence. */
static int
plain8(uint64_t w)
{
	return !(word_bytes_below(w, 0x20) | word_zero_bytes(w ^ (WORD_ONES * '"')) |
	    word_zero_bytes(w ^ (WORD_ONES * '\\')) | (w & WORD_HIGH));
}

static int
plain1(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static int
hex4(const char *p, const char *end, unsigned long *v)
{
	int i;

	if (end - p < 4)
		return -1;
	for (*v = 0, i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = is_digit(c) ? (unsigned)(c - '0') :
		    c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
		    c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;

		if (d > 15)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* Decodes the escape at p (its backslash) onto r->text. Returns the byte
 * after it, or NULL (recorded). */
static const char *
escape(struct reader *r, const char *p)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *end = r->end, *k;
	unsigned long cp, lo;
	char u8[4];

	if (end - p < 2)
		return fail(r, p, "premature end of input in a string");
	if (p[1] != 'u') {
		if (!p[1] || !(k = strchr(from, p[1])))
			return fail(r, p, "invalid escape");
		return buf_putc(&r->text, to[k - from]) < 0 ? fail(r, p, "out of memory") : p + 2;
	}
	if (hex4(p + 2, end, &cp) < 0)
		return fail(r, p, "invalid escape");
	p += 6;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(r, p, "invalid Unicode escape (a lone low surrogate)");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (end - p < 2 || p[0] != '\\' || p[1] != 'u')
			return fail(r, p, "invalid Unicode escape (a lone high surrogate)");
		if (hex4(p + 2, end, &lo) < 0)
			return fail(r, p, "invalid escape");
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(r, p, "invalid Unicode escape (a high surrogate without its low)");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		p += 6;
	}
	if (cp == 0)
		return fail(r, p, "\\u0000 is not supported");
	return buf_append(&r->text, u8, text_utf8_put(cp, u8)) < 0 ?
	    fail(r, p, "out of memory") : p;
}

/* Reads the string whose opening quote r->p has passed. Its text is
 * s[0..*n): in the input when it has no escapes, else in r->text until
 * the next string or number. 0, or -1 (recorded). */
static int
read_string(struct reader *r, const char **s, size_t *n)
{
	const char *p = r->p, *end = r->end, *run = p;
	int escaped = 0;
	uint64_t w;
	size_t k;

	for (;;) {
		while (end - p >= 8 && (memcpy(&w, p, 8), plain8(w)))
			p += 8;
		while (p < end && plain1((unsigned char)*p))
			p++;
		if (p == end) {
			fail(r, p, "premature end of input in a string");
			return -1;
		}
		if (*p == '"')
			break;
		if ((unsigned char)*p >= 0x80) {
			if (!(k = text_utf8_len(p, (size_t)(end - p)))) {
				fail(r, p, "invalid UTF-8 in a string");
				return -1;
			}
			p += k;
			continue;
		}
		if (*p != '\\') {
			fail(r, p, *p == '\n' ? "unexpected newline in a string" :
			    "control character in a string");
			return -1;
		}
		if (!escaped) {
			buf_reset(&r->text);
			escaped = 1;
		}
		if (buf_append(&r->text, run, (size_t)(p - run)) < 0) {
			fail(r, p, "out of memory");
			return -1;
		}
		if (!(p = escape(r, p)))
			return -1;
		run = p;
	}
	if (escaped) {
		if (buf_append(&r->text, run, (size_t)(p - run)) < 0) {
			fail(r, p, "out of memory");
			return -1;
		}
		*s = r->text.data;
		*n = r->text.len;
	} else {
		*s = r->p;
		*n = (size_t)(p - r->p);
	}
	r->p = p + 1;
	return 0;
}

/* The number token s[0..n), known to be well formed, as an integer when
 * it has neither fraction nor exponent. */
static json_t *
number_value(struct reader *r, const char *s, size_t n, int real)
{
	const char *d = s + (*s == '-');
	char *end;
	double v;

	if (!real && n - (size_t)(d - s) <= 18) {
		json_int_t i = 0;

		for (; d < s + n; d++)
			i = i * 10 + (*d - '0');
		return json_integer(*s == '-' ? -i : i);
	}
	/* strtoll and strtod want a terminated string. */
	buf_reset(&r->text);
	if (buf_append(&r->text, s, n) < 0)
		return fail(r, s, "out of memory");
	errno = 0;
	if (!real) {
		long long i = strtoll(r->text.data, &end, 10);

		if (errno == ERANGE)
			return fail(r, s, i < 0 ? "too big negative integer" : "too big integer");
		return json_integer((json_int_t)i);
	}
	v = strtod(r->text.data, &end);
	if ((v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE)
		return fail(r, s, "real number overflow");
	return json_real(v);
}

static json_t *
read_number(struct reader *r)
{
	const char *s = r->p, *p = s, *end = r->end;
	int real = 0;

	if (*p == '-')
		p++;
	if (p < end && *p == '0') {
		if (++p < end && is_digit(*p))
			return fail(r, s, "invalid token (a number with a leading zero)");
	} else if (p < end && is_digit(*p)) {
		while (p < end && is_digit(*p))
			p++;
	} else {
		return fail(r, s, "invalid token");
	}
	if (p < end && *p == '.') {
		if (++p == end || !is_digit(*p))
			return fail(r, s, "invalid token (a number without digits after '.')");
		while (p < end && is_digit(*p))
			p++;
		real = 1;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || !is_digit(*p))
			return fail(r, s, "invalid token (an exponent without digits)");
		while (p < end && is_digit(*p))
			p++;
		real = 1;
	}
	r->p = p;
	return number_value(r, s, (size_t)(p - s), real);
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* true, false or null: the whole run of letters must be one. */
static json_t *
read_word(struct reader *r)
{
	const char *s = r->p, *p = s;
	size_t n;

	while (p < r->end && is_alpha(*p))
		p++;
	n = (size_t)(p - s);
	r->p = p;
	if (n == 4 && !memcmp(s, "true", 4))
		return json_true();
	if (n == 5 && !memcmp(s, "false", 5))
		return json_false();
	if (n == 4 && !memcmp(s, "null", 4))
		return json_null();
	return fail(r, s, s == r->end ? "premature end of input" : "invalid token");
}

static json_t *read_value(struct reader *r);

/* After a value of a list or an object: 1 for a comma (passed), 0 for
 * the closing byte (passed), -1 for anything else (recorded). */
static int
next_or_close(struct reader *r, char close, const char *what)
{
	skip_space(r);
	if (r->p < r->end && *r->p == ',') {
		r->p++;
		return 1;
	}
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	fail(r, r->p, what);
	return -1;
}

/* One value of a list, appended to a. 0 or -1. */
static int
read_element(struct reader *r, json_t *a)
{
	json_t *v = read_value(r);

	if (!v)
		return -1;
	if (json_array_append_new(a, v) < 0) {
		fail(r, r->p, "out of memory");
		return -1;
	}
	return 0;
}

/* One "key": value of an object, r->p at the key's quote. 0 or -1. */
static int
read_member(struct reader *r, json_t *o)
{
	const char *k;
	char *copy = NULL;
	size_t n;
	json_t *v;
	int rc;

	if (r->p == r->end || *r->p != '"') {
		fail(r, r->p, "string or '}' expected");
		return -1;
	}
	r->p++;
	if (read_string(r, &k, &n) < 0)
		return -1;
	/* A decoded key lives in r->text, which the value may reuse. */
	if (k == r->text.data) {
		if (!(copy = malloc(n + 1))) {
			fail(r, r->p, "out of memory");
			return -1;
		}
		k = memcpy(copy, k, n);
	}
	skip_space(r);
	if (r->p == r->end || *r->p != ':') {
		free(copy);
		fail(r, r->p, "':' expected");
		return -1;
	}
	r->p++;
	v = read_value(r);
	rc = v ? json_object_setn_new_nocheck(o, k, n, v) : -1;
	free(copy);
	if (rc < 0)
		fail(r, r->p, "out of memory");
	return rc;
}

/* A list or an object, r->p at its opening bracket. */
static json_t *
read_container(struct reader *r, int object)
{
	char close = object ? '}' : ']';
	json_t *c = object ? json_object() : json_array();
	int more = 1;

	if (!c)
		return fail(r, r->p, "out of memory");
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return c;
	}
	while (more > 0) {
		skip_space(r);
		more = (object ? read_member(r, c) : read_element(r, c)) < 0 ? -1 :
		    next_or_close(r, close, object ? "',' or '}' expected" : "',' or ']' expected");
	}
	if (more < 0) {
		json_decref(c);
		return NULL;
	}
	return c;
}

static json_t *
read_value(struct reader *r)
{
	const char *s;
	size_t n;
	json_t *v;

	if (++r->depth > JSON_PARSER_MAX_DEPTH)
		return fail(r, r->p, "maximum parsing depth reached");
	skip_space(r);
	if (r->p == r->end)
		return fail(r, r->p, "premature end of input");
	switch (*r->p) {
	case '{':
	case '[':
		v = read_container(r, *r->p == '{');
		break;
	case '"':
		r->p++;
		if (read_string(r, &s, &n) < 0)
			v = NULL;
		else if (!(v = json_stringn_nocheck(s, n)))
			fail(r, r->p, "out of memory");
		break;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		v = read_number(r);
		break;
	default:
		v = read_word(r);
		break;
	}
	r->depth--;
	return v;
}

json_t *
json_read(const char *s, size_t n, char *why, size_t whylen)
{
	struct reader r = { .start = s, .p = s, .end = s + n, .why = why, .whylen = whylen };
	json_t *v = NULL;

	skip_space(&r);
	if (r.p == r.end || (*r.p != '{' && *r.p != '['))
		fail(&r, r.p, "'[' or '{' expected");
	else if ((v = read_value(&r)) && (skip_space(&r), r.p != r.end)) {
		json_decref(v);
		v = fail(&r, r.p, "end of file expected");
	}
	buf_free(&r.text);
	return v;
}
