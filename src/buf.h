/* A growable byte buffer, always NUL-terminated. Zero-initialise to start
 * ({0}); buf_free releases it. Allocation failure aborts nothing: the
 * functions return -1 and leave the buffer as it was. */
#ifndef EARSHOT_BUF_H
#define EARSHOT_BUF_H

#include <stddef.h>

struct buf {
	char *data;   /* NULL until the first append */
	size_t len;
	size_t cap;
};

int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empties the buffer but keeps its memory for reuse. */
void buf_reset(struct buf *b);
/* Returns the contents as a malloc'd string the caller frees (never NULL
 * unless out of memory) and empties the buffer. */
char *buf_detach(struct buf *b);
void buf_free(struct buf *b);

#endif
