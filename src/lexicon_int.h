/* Private to lexicon.c (the table) and lexicon_load.c (the files). */
#ifndef EARSHOT_LEXICON_INT_H
#define EARSHOT_LEXICON_INT_H

#include <stddef.h>

#include "lexicon.h"

#define MAX_ASPECTS 32

struct lexicon {
	struct lexicon_entry *slot; /* term == NULL: empty */
	size_t cap;                 /* a power of two, at most half full */
	size_t used, nvalence;
	char *aspect[MAX_ASPECTS];
	unsigned naspects;
};

/* An empty lexicon, freed with lexicon_free; NULL when out of memory. */
struct lexicon *lexicon_new(void);
/* The entry for the normalised term[0..len), created empty if new (no
 * roles, aspect -1); NULL when out of memory or the table is full. */
struct lexicon_entry *lexicon_entry_get(struct lexicon *lx, const char *term,
    size_t len);

#endif
