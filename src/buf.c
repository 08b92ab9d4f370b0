#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

static int
buf_grow(struct buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need < b->len || need + 1 < need)
		return -1;
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		cap *= 2;
	if (!(p = realloc(b->data, cap)))
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap && buf_grow(b, b->len + n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s) { return buf_append(b, s, strlen(s)); }
int buf_putc(struct buf *b, char c) { return buf_append(b, &c, 1); }

/* Formats into the free space first and only grows and formats again when
 * it does not fit: measuring every time doubled the cost of the digest's
 * many short numbers. */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto undo;
	if ((size_t)n >= room) {
		if (buf_grow(b, b->len + (size_t)n) < 0)
			goto undo;
		va_start(ap, fmt);
		fmt_vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
undo:
	/* A partial write is taken back: the buffer is as it was. */
	if (room)
		b->data[b->len] = '\0';
	return -1;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *
buf_detach(struct buf *b)
{
	char *s = b->data;

	if (!s)
		s = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
