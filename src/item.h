/* The normalised item every parser produces and every later stage reads. */
#ifndef EARSHOT_ITEM_H
#define EARSHOT_ITEM_H

#include <stdint.h>

/* All strings are NUL-terminated valid UTF-8 owned by the item, NULL when
 * absent. The struct itself belongs to whoever declared it. */
struct item {
	char *id;            /* guid / id; item_finish falls back to link, then a hash */
	char *link;          /* absolute URL */
	char *title;         /* plain text */
	char *author;
	char *text;          /* plain text: tags dropped, entities decoded */
	int64_t published;   /* Unix seconds, UTC; 0 until known */
	int date_guessed;    /* 1 when published is the fetch time, not the source's */
	double rating;       /* normalised to 0..1; < 0 when the item has none */
	double rating_scale; /* the source's maximum (5 for stars, 10); 0 when none */
};

/* Sets every field to "absent" (rating -1). */
void item_init(struct item *it);
/* Frees the fields and re-initialises; the struct is the caller's. */
void item_clear(struct item *it);
/* Completes an item the parser filled: resolves a relative link against
 * base (may be NULL), falls back to fetch_time for a missing date (setting
 * date_guessed), and derives an id from link or a hash of title, date and
 * text when the source gave none. Returns 0, or -1 when out of memory. */
int item_finish(struct item *it, const char *base, int64_t fetch_time);

#endif
