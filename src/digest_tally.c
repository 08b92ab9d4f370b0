/* Counting strings for the digest (authors, terms, aspects) in a bounded
 * open-addressing hash, and the splitter that finds a text's terms. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "digest_int.h"
#include "util.h"

#define TERM_MAX 64           /* bytes in one term; longer words are noise */
#define TERMS_PER_TEXT 512

static size_t
slot(const struct digest_tally *t, const char *key, size_t len)
{
	size_t i = (size_t)hash64(key, len) & (t->cap - 1);

	while (t->v[i].key && (strlen(t->v[i].key) != len || memcmp(t->v[i].key, key, len)))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* Doubles the table (kept at most half full). 0 or -1. */
static int
grow(struct digest_tally *t)
{
	struct digest_tally old = *t;
	size_t i;

	t->cap = old.cap ? old.cap * 2 : 64;
	if (!(t->v = calloc(t->cap, sizeof *t->v))) {
		*t = old;
		return -1;
	}
	for (i = 0; i < old.cap; i++)
		if (old.v[i].key)
			t->v[slot(t, old.v[i].key, strlen(old.v[i].key))] = old.v[i];
	free(old.v);
	return 0;
}

struct digest_tally_entry *
digest_tally_add(struct digest_tally *t, const char *key, size_t len, long a, long b)
{
	/* Past the bound, known keys still count; new ones are refused. */
	int room = (t->n + 1) * 2 <= t->cap || (t->n < DIGEST_TALLY_MAX && grow(t) == 0);
	struct digest_tally_entry *e;

	if (!t->cap) {
		t->dropped++;
		return NULL;
	}
	e = &t->v[slot(t, key, len)];
	if (!e->key) {
		if (!room || !(e->key = xstrndup(key, len))) {
			t->dropped++;
			return NULL;
		}
		t->n++;
	}
	e->a += a;
	e->b += b;
	return e;
}

struct digest_tally_entry **
digest_tally_sorted(const struct digest_tally *t, int (*cmp)(const void *, const void *))
{
	struct digest_tally_entry **v;
	size_t i, n = 0;

	if (!t->n || !(v = malloc(t->n * sizeof *v)))
		return NULL;
	for (i = 0; i < t->cap; i++)
		if (t->v[i].key)
			v[n++] = &t->v[i];
	qsort(v, n, sizeof *v, cmp);
	return v;
}

void
digest_tally_free(struct digest_tally *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->v[i].key);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* English function words and the filler of reviews and posts, sorted for
 * bsearch. Words under three bytes never count, so they are not here. */
static const char *const stop[] = {
	"about", "above", "after", "again", "against", "all", "also", "and", "any",
	"are", "aren't", "because", "been", "before", "being", "below", "between",
	"both", "but", "can", "can't", "cannot", "could", "couldn't", "did",
	"didn't", "does", "doesn't", "doing", "don't", "down", "during", "each",
	"even", "ever", "every", "few", "for", "from", "further", "get", "gets",
	"got", "had", "hadn't", "has", "hasn't", "have", "haven't", "having",
	"her", "here", "hers", "herself", "him", "himself", "his", "how", "i'd",
	"i'll", "i'm", "i've", "into", "isn't", "it's", "its", "itself", "just",
	"let's", "more", "most", "much", "must", "myself", "new", "nor",
	"not", "now", "off", "once", "one", "only", "other", "ought", "our",
	"ours", "ourselves", "out", "over", "own", "really", "same", "she",
	"should", "shouldn't", "since", "some", "still", "such", "than", "that",
	"that's", "the", "their", "theirs", "them", "themselves", "then", "there",
	"there's", "these", "they", "they're", "this", "those", "through", "too",
	"under", "until", "upon", "very", "was", "wasn't", "way", "we're", "were",
	"weren't", "what", "what's", "when", "where", "which", "while", "who",
	"whom", "why", "will", "with", "won't", "would", "wouldn't", "yet", "you",
	"you're", "your", "yours", "yourself",
};

static int
cmp_word(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
is_stop(const char *w)
{
	return bsearch(&w, stop, NELEM(stop), sizeof *stop, cmp_word) != NULL;
}

/* 1 if w is one of the space-separated words of own (already lower case). */
static int
is_own(const char *w, size_t n, const char *own)
{
	const char *p = own;

	while (p && *p) {
		size_t k = strcspn(p, " ");

		if (k == n && !memcmp(p, w, n))
			return 1;
		p += k + (p[k] == ' ');
	}
	return 0;
}

static int
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80;
}

/* The distinct terms of one text so far, as their 64-bit hashes (two
 * different words of one text with equal hashes: about 1e-14 at 512
 * words). Never over half full, and emptied slot by slot: a snippet has
 * tens of words, and a malloc'd tally per text was most of counting
 * terms. */
#define TEXT_SLOTS (2 * TERMS_PER_TEXT)

struct text_terms {
	uint64_t h[TEXT_SLOTS];        /* 0: empty */
	unsigned short used[TERMS_PER_TEXT];
	size_t n;
};

/* 1 if w is new to this text (and now recorded), 0 if seen. */
static int
text_terms_add(struct text_terms *t, const char *w, size_t n)
{
	uint64_t h = hash64(w, n) | 1;
	size_t i = (size_t)(h >> 32) & (TEXT_SLOTS - 1);

	while (t->h[i]) {
		if (t->h[i] == h)
			return 0;
		i = (i + 1) & (TEXT_SLOTS - 1);
	}
	t->h[i] = h;
	t->used[t->n++] = (unsigned short)i;
	return 1;
}

void
digest_terms(const char *text, const char *own,
    void (*fn)(const char *w, size_t n, void *ctx), void *ctx)
{
	static _Thread_local struct text_terms seen;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	char w[TERM_MAX + 1];
	int words = 0;
	size_t i;

	while (*p && words < TERMS_PER_TEXT) {
		size_t n = 0, digits = 0;

		while (*p && !word_byte(*p))
			p++;
		/* An apostrophe inside a word belongs to it: "don't". */
		while (word_byte(*p) || (*p == '\'' && n && word_byte(p[1]))) {
			if (n < TERM_MAX)
				w[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			digits += *p >= '0' && *p <= '9';
			p++;
		}
		if (!n)
			continue;
		words++;
		/* "acme's" is about acme. */
		if (n > 2 && w[n - 2] == '\'' && w[n - 1] == 's')
			n -= 2;
		w[n] = '\0';
		if (n < 3 || digits == n || n == TERM_MAX || is_stop(w) || is_own(w, n, own))
			continue;
		if (text_terms_add(&seen, w, n))
			fn(w, n, ctx);
	}
	for (i = 0; i < seen.n; i++)
		seen.h[seen.used[i]] = 0;
	seen.n = 0;
}
