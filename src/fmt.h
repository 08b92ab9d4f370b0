/* A fast subset of printf, for the outputs that are mostly short numbers
 * (the digest's HTML, SVG, CSV and Markdown), as redis's sdscatfmt is for
 * its strings: glibc's %.2f goes through multi-precision arithmetic, and
 * was a fifth of building and writing the digest.
 *
 * The subset: %d %i %u %c %s %% with the length modifiers l, ll and z,
 * %.Ns (a precision on a string), and %f with a precision of 0 to 9 and
 * the flag '+'. The output is byte for byte vsnprintf's. */
#ifndef EARSHOT_FMT_H
#define EARSHOT_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* vsnprintf: its output and contract (at most cap - 1 bytes and a NUL;
 * the length the whole output needs returned). A format outside the
 * subset goes to vsnprintf itself. */
int fmt_vsnprintf(char *out, size_t cap, const char *fmt, va_list ap);

/* Writes v's decimal digits to end the bytes before end (up to 20 of
 * them, no NUL) and returns the first. */
char *fmt_digits(uint64_t v, char *end);
/* snprintf(out, cap, "%.*g", precision, v), byte for byte; fast for a
 * precision up to 15 and values of at most six decimal places (most of
 * what earshot writes is rounded to three). */
int fmt_g(char *out, size_t cap, double v, int precision);

#endif
