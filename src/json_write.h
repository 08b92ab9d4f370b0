/* JSON text of a jansson value, byte for byte what json_dumps gives for
 * the flags earshot uses (JSON_COMPACT or JSON_INDENT(n), and
 * JSON_REAL_PRECISION(p); keys in insertion order, which is jansson's
 * JSON_PRESERVE_ORDER), written into a struct buf. json_dumps spends about
 * 150 instructions a byte, through a callback per token and snprintf per
 * number: the digest's JSON view alone was 7% of a run. */
#ifndef EARSHOT_JSON_WRITE_H
#define EARSHOT_JSON_WRITE_H

#include <jansson.h>

#include "buf.h"

/* Appends v's text to out. Other jansson flags are not supported. 0, or
 * -1 when out of memory (out then holds part of the text). */
int json_write(struct buf *out, const json_t *v, size_t flags);
/* v's text as a malloc'd string the caller frees, or NULL when out of
 * memory; the drop-in for json_dumps. */
char *json_write_str(const json_t *v, size_t flags);

/* Single values appended to out, as json_write writes them, for a record
 * written directly rather than built as a tree first: s[0..n) as a
 * string (null when it is not valid UTF-8, which jansson refuses), an
 * integer, a real with the given significant digits. 0, or -1 when out of
 * memory. */
int json_write_string(struct buf *out, const char *s, size_t n);
int json_write_integer(struct buf *out, json_int_t v);
int json_write_real(struct buf *out, double v, int precision);

#endif
