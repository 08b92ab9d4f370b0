/* Small string, hashing and time helpers shared by every stage. */
#ifndef EARSHOT_UTIL_H
#define EARSHOT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* strdup that accepts NULL (returns NULL). Caller frees. */
char *xstrdup(const char *s);
/* strndup equivalent. Caller frees. */
char *xstrndup(const char *s, size_t n);
/* Trims ASCII whitespace in place; returns s advanced past leading space. */
char *str_trim(char *s);
/* 1 if s starts with prefix. */
int str_startswith(const char *s, const char *prefix);
/* snprintf into a caller's error buffer; a NULL buffer is ignored. */
void errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 64-bit FNV-1a; hash64_more continues a hash over further bytes. */
uint64_t hash64(const void *p, size_t n);
uint64_t hash64_more(uint64_t h, const void *p, size_t n);
/* Writes h as 16 lowercase hex digits plus NUL into out[17]. */
void hash64_hex(uint64_t h, char out[17]);

/* Unix time of a broken-down UTC time (timegm, which POSIX lacks). */
int64_t time_from_utc(const struct tm *tm);
/* Formats t as "2024-05-01T09:30:00Z" into out[21]. */
void time_iso8601(int64_t t, char out[21]);
/* Parses "90", "90s", "15m", "2h", "7d" into seconds; -1 if malformed. */
long long parse_duration(const char *s);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int utf8_valid(const char *s, size_t n);
/* Replaces every invalid UTF-8 sequence in s (NUL-terminated, in place) with
 * '?' so the result is always valid. Returns the number of replacements. */
size_t utf8_sanitize(char *s);

/* Text tested eight bytes at a time: a byte repeated over a word
 * (WORD_ONES * c), the high bit of each byte, and the high bit of each
 * zero byte of x, and only of those. */
#define WORD_ONES 0x0101010101010101ULL
#define WORD_HIGH 0x8080808080808080ULL
static inline uint64_t
word_zero_bytes(uint64_t x)
{
	return ~(((x & ~WORD_HIGH) + ~WORD_HIGH) | x) & WORD_HIGH;
}

/* The high bit of each byte of x below c (at most 0x80), and only of
 * those: adding 0x80 - c to a byte under 0x80 sets its high bit exactly
 * when it is c or more. */
static inline uint64_t
word_bytes_below(uint64_t x, unsigned c)
{
	return ~((x & ~WORD_HIGH) + WORD_ONES * (0x80 - c)) & ~x & WORD_HIGH;
}

/* mkdir -p with mode 0755; 0 or -1 (errno set). */
int mkdir_p(const char *path);

#endif
