/* Field values shared by the mapped parsers, JSON APIs (parse_json.c) and
 * HTML pages (parse_html.c), and by JSON Feed: dates, ratings, text, and
 * handing a filled item on. Private to the parse stage. */
#ifndef EARSHOT_PARSE_MAP_H
#define EARSHOT_PARSE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

/* Unix seconds v (a JSON number, or digits in a string) into *t. Values
 * past 1e11 (year 5138) are taken as milliseconds, which APIs also use.
 * Returns 0, or -1 when v is negative, zero or not finite. */
int pmap_seconds(double v, int64_t *t);
/* A date string into *t: RFC 3339 / ISO 8601, RFC 822 and its variants, or
 * Unix seconds ("1714555800", "1714555800.5"). 0, or -1 when it is none. */
int pmap_date(const char *s, int64_t *t);
/* The first number in s, after any words before it ("4", "4.5 stars",
 * "Rated 4 out of 5"), into *v. 0, or -1 when there is none. */
int pmap_number(const char *s, double *v);
/* Sets it->rating to v normalised by scale (the source's maximum) into
 * 0..1, and it->rating_scale. scale 0 means v is already 0..1. A value
 * outside 0..scale is no rating: the item keeps none. */
void pmap_rating(struct item *it, double v, double scale);
/* Plain text of s[0..n): from HTML when html, else only normalised (see
 * text.h; flags as there). Returns a malloc'd string the caller frees, or
 * NULL when it is empty or out of memory. */
char *pmap_text(const char *s, size_t n, int html, int flags);
/* Hands a filled item to fn (after item_finish against src's URL and fetch
 * time), or counts it skipped when it has no title, text or link; then
 * clears it. Returns what fn returned (non-zero: stop), else 0. */
int pmap_emit(const struct parse_source *src, struct item *it, parse_item_fn fn,
    void *ctx, struct parse_stats *st);

#endif
