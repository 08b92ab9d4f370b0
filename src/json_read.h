/* JSON text into a jansson value, accepting and rejecting exactly what
 * json_loadb(s, n, 0, ...) does and building the same tree. jansson's
 * lexer reads a character at a time through a callback and copies each
 * into a growing buffer: about 140 instructions a byte, most of the time
 * a worker spent on a JSON feed. This one scans a string's plain run in
 * a loop and hands jansson the span. */
#ifndef EARSHOT_JSON_READ_H
#define EARSHOT_JSON_READ_H

#include <jansson.h>
#include <stddef.h>

/* The value of the document s[0..n) (an object or an array), which the
 * caller json_decref's; or NULL, with "line L: what is wrong" in why. */
json_t *json_read(const char *s, size_t n, char *why, size_t whylen);

#endif
