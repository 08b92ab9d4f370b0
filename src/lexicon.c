/* The sentiment lexicon: one open-addressing hash table of terms, each entry
 * carrying every role its term plays (valence, negation, intensifier,
 * contrast, aspect), so the scorer needs one lookup per token. The files it
 * is loaded from are read in lexicon_load.c. */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

#include "lexicon_int.h"
#include "util.h"

#define MAX_ENTRIES (1u << 22)

static uint64_t
slot_of(const struct lexicon *lx, const char *term, size_t len)
{
	return hash64(term, len) & (lx->cap - 1);
}

static int
grow(struct lexicon *lx)
{
	size_t cap = lx->cap ? lx->cap * 2 : 1024, i;
	struct lexicon_entry *old = lx->slot, *slot;
	size_t oldcap = lx->cap;

	if (!(slot = calloc(cap, sizeof *slot)))
		return -1;
	lx->slot = slot;
	lx->cap = cap;
	for (i = 0; i < oldcap; i++) {
		uint64_t h;

		if (!old[i].term)
			continue;
		for (h = slot_of(lx, old[i].term, old[i].len); slot[h].term;
		    h = (h + 1) & (cap - 1))
			;
		slot[h] = old[i];
	}
	free(old);
	return 0;
}

const struct lexicon_entry *
lexicon_find(const struct lexicon *lx, const char *term, size_t len)
{
	uint64_t h;

	if (!lx || !lx->cap)
		return NULL;
	for (h = slot_of(lx, term, len); lx->slot[h].term; h = (h + 1) & (lx->cap - 1))
		if (lx->slot[h].len == len && memcmp(lx->slot[h].term, term, len) == 0)
			return &lx->slot[h];
	return NULL;
}

struct lexicon_entry *
lexicon_entry_get(struct lexicon *lx, const char *term, size_t len)
{
	struct lexicon_entry *e = (struct lexicon_entry *)lexicon_find(lx, term, len);
	uint64_t h;
	size_t i;

	if (e)
		return e;
	if ((lx->used + 1) * 2 > lx->cap && (lx->used >= MAX_ENTRIES || grow(lx) < 0))
		return NULL;
	for (h = slot_of(lx, term, len); lx->slot[h].term; h = (h + 1) & (lx->cap - 1))
		;
	e = &lx->slot[h];
	if (!(e->term = xstrndup(term, len)))
		return NULL;
	e->len = len;
	e->aspect = -1;
	e->words = 1;
	for (i = 0; i < len; i++)
		e->words += term[i] == ' ';
	lx->used++;
	return e;
}

/* Appends the UTF-8 code point at s[*i] to out unless it is a variation
 * selector or skin-tone modifier (emoji match with or without them). */
static size_t
keep_codepoint(const char *s, size_t len, size_t *i, char *out)
{
	const unsigned char *u = (const unsigned char *)s + *i;
	size_t n = 1;

	if (u[0] >= 0xf0)
		n = 4;
	else if (u[0] >= 0xe0)
		n = 3;
	else if (u[0] >= 0xc0)
		n = 2;
	if (*i + n > len)
		n = len - *i;
	*i += n;
	if ((n == 3 && u[0] == 0xef && u[1] == 0xb8 && (u[2] == 0x8f || u[2] == 0x8e)) ||
	    (n == 4 && u[0] == 0xf0 && u[1] == 0x9f && u[2] == 0x8f && u[3] >= 0xbb))
		return 0;
	if (n == 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0x99) {
		*out = '\'';    /* a typographic apostrophe reads as a plain one */
		return 1;
	}
	memmove(out, u, n);
	return n;
}

static int
is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

size_t
lexicon_normalise(char *s, size_t len)
{
	size_t i = 0, o = 0;
	int space = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = o > 0;
			i++;
			continue;
		}
		if (space)
			s[o++] = ' ';
		space = 0;
		if (c >= 0x80) {
			o += keep_codepoint(s, len, &i, s + o);
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		/* "rip-off" is two words to the tokeniser, as is "rip off". */
		if (c == '-' && o > 0 && is_alnum((unsigned char)s[o - 1]) && i + 1 < len &&
		    is_alnum((unsigned char)(s[i + 1] | 0x20)))
			c = ' ';
		s[o++] = (char)c;
		i++;
	}
	return o;
}

struct lexicon *
lexicon_new(void)
{
	struct lexicon *lx = calloc(1, sizeof *lx);

	if (lx && grow(lx) < 0) {
		free(lx);
		return NULL;
	}
	return lx;
}

void
lexicon_free(struct lexicon *lx)
{
	size_t i;

	if (!lx)
		return;
	for (i = 0; i < lx->cap; i++)
		free((char *)lx->slot[i].term);
	for (i = 0; i < lx->naspects; i++)
		free(lx->aspect[i]);
	free(lx->slot);
	free(lx);
}

size_t
lexicon_size(const struct lexicon *lx)
{
	return lx ? lx->nvalence : 0;
}

const char *
lexicon_aspect_name(const struct lexicon *lx, unsigned i)
{
	return lx && i < lx->naspects ? lx->aspect[i] : NULL;
}
