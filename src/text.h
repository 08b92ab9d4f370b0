/* Plain text out of feed markup (HTML stripped, entities decoded, spaces
 * normalised) and feed dates: what every parser shares. */
#ifndef EARSHOT_TEXT_H
#define EARSHOT_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum {
	TEXT_ONE_LINE = 1,   /* line breaks become spaces (titles, authors) */
	TEXT_KEEP_BREAKS = 2 /* text_from_html keeps the source's line breaks
	                      * (text escaped like HTML but written as plain) */
};

/* Converts HTML s[0..n) to plain text: tags dropped, script/style/comments
 * removed, entities decoded, block elements as line breaks, spaces
 * collapsed, trimmed. Linear in n. Returns a malloc'd valid UTF-8 string the
 * caller frees (possibly ""), or NULL when out of memory. */
char *text_from_html(const char *s, size_t n, int flags);
/* The same normalisation for plain text: no markup or entities are
 * interpreted. Same ownership and failure as text_from_html. */
char *text_from_plain(const char *s, size_t n, int flags);

/* Decodes the character reference at s (s[0] == '&', n bytes available):
 * named (HTML 4 and common HTML 5 names), decimal or hex. Sets *len to the
 * bytes used and returns the code point (an invalid numeric one becomes
 * U+FFFD, C1 controls their Windows-1252 meaning), or -1 if s does not start
 * a reference. */
long text_entity(const char *s, size_t n, size_t *len);
/* Code point of the HTML named entity name[0..n) (no '&' or ';'), or -1. */
long text_entity_name(const char *name, size_t n);
/* Writes cp (<= U+10FFFF) as UTF-8 into out (room for 4); returns the
 * number of bytes written. */
size_t text_utf8_put(unsigned long cp, char *out);
/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if
 * invalid. */
size_t text_utf8_len(const char *s, size_t n);

/* Decodes the base64 in s[0..n) (white space ignored, padding optional).
 * Returns the malloc'd bytes (NUL-terminated, *len without the NUL) the
 * caller frees, or NULL when s is not base64 or out of memory. */
char *text_base64_decode(const char *s, size_t n, size_t *len);

/* Parses a feed date: ISO 8601 / RFC 3339 (offsets, fractional seconds,
 * date only) or RFC 822 / 850 / asctime (curl_getdate). Stores UTC Unix
 * seconds in *t and returns 0, or returns -1 when s is not a date. */
int text_parse_date(const char *s, int64_t *t);

#endif
