/* The format follows jansson's dump.c (2.14) rule for rule; test_json_write
 * compares the two on generated documents. */
#include "json_write.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "util.h"

/* A new line and the indent of up to 64 spaces after it, in one append. */
#define NEWLINE_SPACES "\n                                                                "
#define MAX_SPACES (sizeof NEWLINE_SPACES - 2)

struct jw {
	struct buf *out;
	unsigned indent;       /* spaces per level, 0 for one line */
	int compact;           /* no space after ',' and ':' on one line */
	int precision;
	int err;
};

static void
put(struct jw *w, const char *s, size_t n)
{
	if (!w->err && buf_append(w->out, s, n) < 0)
		w->err = 1;
}

/* What jansson writes between tokens: a new line indented to depth, or a
 * space where one is due (space set) on a non-compact single line. */
static void
gap(struct jw *w, unsigned depth, int space)
{
	size_t n;

	if (w->indent) {
		n = (size_t)depth * w->indent;
		put(w, NEWLINE_SPACES, 1 + (n < MAX_SPACES ? n : MAX_SPACES));
		for (n -= n < MAX_SPACES ? n : MAX_SPACES; n; n -= n < MAX_SPACES ? n : MAX_SPACES)
			put(w, NEWLINE_SPACES + 1, n < MAX_SPACES ? n : MAX_SPACES);
	} else if (space && !w->compact) {
		put(w, " ", 1);
	}
}

/* After a member of a container at depth: the separator and the next
 * member's indent, or the indent of the closing bracket. */
static void
next_or_close(struct jw *w, unsigned depth, int more)
{
	if (more) {
		put(w, ",", 1);
		gap(w, depth + 1, 1);
	} else {
		gap(w, depth, 0);
	}
}

/* 1 if none of the eight bytes of x needs escaping: none below 0x20, no
 * '"' and no backslash. Text is nearly all such runs, and a byte at a time
 * they were most of writing a record. */
static int
plain8(uint64_t x)
{
	return !(word_bytes_below(x, 0x20) | word_zero_bytes(x ^ (WORD_ONES * '"')) |
	    word_zero_bytes(x ^ (WORD_ONES * '\\')));
}

static void
string(struct jw *w, const char *s, size_t n)
{
	const char *e = s + n, *run;
	char esc[8];
	uint64_t x;

	put(w, "\"", 1);
	while (s < e) {
		for (run = s; e - s >= 8 && (memcpy(&x, s, 8), plain8(x)); s += 8)
			;
		for (; s < e && (unsigned char)*s >= 0x20 && *s != '"' && *s != '\\'; s++)
			;
		if (s > run)
			put(w, run, (size_t)(s - run));
		if (s == e)
			break;
		switch (*s) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\b': put(w, "\\b", 2); break;
		case '\f': put(w, "\\f", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04X", (unsigned)(unsigned char)*s);
			put(w, esc, 6);
		}
		s++;
	}
	put(w, "\"", 1);
}

static void
integer(struct jw *w, json_int_t v)
{
	char d[24], *p = fmt_digits(v < 0 ? 0ULL - (uint64_t)v : (uint64_t)v, d + sizeof d);

	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(d + sizeof d - p));
}

/* %.*g, then as jansson: a ".0" when it would read back as an integer,
 * and no '+' or leading zeros in the exponent. */
static void
real(struct jw *w, double v)
{
	char d[64], *x, *from, *to;
	int n = fmt_g(d, sizeof d - 3, v, w->precision);

	if (n < 0 || n >= (int)sizeof d - 3) {
		w->err = 1;
		return;
	}
	if (!strchr(d, '.') && !(x = strchr(d, 'e'))) {
		memcpy(d + n, ".0", 3);
		n += 2;
	} else if ((x = strchr(d, 'e'))) {
		to = x + 1 + (x[1] == '-');
		for (from = x + 1; *from == '+' || *from == '-' || *from == '0'; from++)
			;
		if (from > to) {
			memmove(to, from, strlen(from) + 1);
			n = (int)strlen(d);
		}
	}
	put(w, d, (size_t)n);
}

static void
value(struct jw *w, const json_t *v, unsigned depth)
{
	const char *key;
	json_t *m;
	size_t i, k;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (!json_object_size(v)) {
			put(w, "{}", 2);
			break;
		}
		put(w, "{", 1);
		gap(w, depth + 1, 0);
		k = json_object_size(v);
		json_object_foreach((json_t *)v, key, m) {
			string(w, key, strlen(key));
			put(w, ": ", w->compact ? 1 : 2);
			value(w, m, depth + 1);
			next_or_close(w, depth, --k > 0);
		}
		put(w, "}", 1);
		break;
	case JSON_ARRAY:
		if (!(k = json_array_size(v))) {
			put(w, "[]", 2);
			break;
		}
		put(w, "[", 1);
		gap(w, depth + 1, 0);
		for (i = 0; i < k; i++) {
			value(w, json_array_get(v, i), depth + 1);
			next_or_close(w, depth, i + 1 < k);
		}
		put(w, "]", 1);
		break;
	case JSON_STRING:
		string(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		integer(w, json_integer_value(v));
		break;
	case JSON_REAL:
		real(w, json_real_value(v));
		break;
	case JSON_TRUE:
		put(w, "true", 4);
		break;
	case JSON_FALSE:
		put(w, "false", 5);
		break;
	case JSON_NULL:
		put(w, "null", 4);
		break;
	}
}

int
json_write(struct buf *out, const json_t *v, size_t flags)
{
	struct jw w = { .out = out, .indent = (unsigned)(flags & JSON_MAX_INDENT),
	    .compact = (flags & JSON_COMPACT) != 0,
	    .precision = (int)((flags >> 11) & 0x1F) };

	if (!w.precision)
		w.precision = 17;
	value(&w, v, 0);
	return w.err ? -1 : 0;
}

char *
json_write_str(const json_t *v, size_t flags)
{
	struct buf b = {0};

	if (json_write(&b, v, flags) < 0 || (!b.data && buf_append(&b, "", 0) < 0)) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

int
json_write_string(struct buf *out, const char *s, size_t n)
{
	struct jw w = { .out = out };

	if (utf8_valid(s, n))
		string(&w, s, n);
	else
		put(&w, "null", 4);
	return w.err ? -1 : 0;
}

int
json_write_integer(struct buf *out, json_int_t v)
{
	struct jw w = { .out = out };

	integer(&w, v);
	return w.err ? -1 : 0;
}

int
json_write_real(struct buf *out, double v, int precision)
{
	struct jw w = { .out = out, .precision = precision };

	real(&w, v);
	return w.err ? -1 : 0;
}
