/* Collecting the items a parser hands on, for the parse tests. Include
 * after test.h. Inline, so a test that needs only some is not warned. */
#ifndef EARSHOT_TEST_ITEMS_H
#define EARSHOT_TEST_ITEMS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "item.h"
#include "parse.h"
#include "util.h"

#define MAXGOT 8

struct got {
	struct item v[MAXGOT];
	int n;           /* items handed on, also past MAXGOT */
	int stop_after;  /* return non-zero after this many items; 0 = never */
};

/* Takes every field of the lent item (the stealing the contract allows). */
static inline int
collect(struct item *it, void *ctx)
{
	struct got *g = ctx;

	if (g->n < MAXGOT) {
		g->v[g->n] = *it;
		it->id = it->link = it->title = it->author = it->text = NULL;
	}
	g->n++;
	return g->stop_after && g->n >= g->stop_after;
}

/* Frees what collect took and empties g (stop_after too). */
static inline void
got_free(struct got *g)
{
	int i;

	for (i = 0; i < g->n && i < MAXGOT; i++)
		item_clear(&g->v[i]);
	memset(g, 0, sizeof *g);
}

/* A copy of the first item's title src parses to (the caller frees), or
 * NULL when it fails, has no items or the first has no title. */
static inline char *
first_title(const struct parse_source *src)
{
	struct got g = {0};
	char err[256], *t = NULL;

	if (parse_feed(src, collect, &g, NULL, err, sizeof err) == 0 && g.n)
		t = xstrdup(g.v[0].title);
	got_free(&g);
	return t;
}

/* The whole file at path, NUL-terminated, its length in *len; the caller
 * frees. NULL when it cannot be read. */
static inline char *
load_file(const char *path, size_t *len)
{
	FILE *f;
	char *s = NULL;
	long n;

	if (!(f = fopen(path, "rb")))
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1)) &&
	    fread(s, 1, (size_t)n, f) == (size_t)n) {
		s[n] = '\0';
		*len = (size_t)n;
	} else {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

#endif
