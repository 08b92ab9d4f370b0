/* Private to the match stage: what match.c, match_literal.c,
 * match_prefilter.c and match_context.c share. Not for other modules. */
#ifndef EARSHOT_MATCH_INT_H
#define EARSHOT_MATCH_INT_H

#include <stddef.h>

#include "match.h"

#define MAX_SENTENCES 64    /* context_sentences beyond this are clamped */
#define LIT_MAX       16    /* strings in a literal set */
#define LIT_LEN       16    /* bytes in one literal */

/* ASCII only, whatever the locale: PCRE2's caseless matching of ASCII
 * letters is what the literals and the sentence rules must agree with. */
static inline int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static inline int
ascii_alpha(int c)
{
	return ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z';
}

/* A set of distinct literals, ASCII-folded, each at most LIT_LEN bytes. */
struct litset {
	unsigned n;
	unsigned char len[LIT_MAX];
	char s[LIT_MAX][LIT_LEN];
};

/* match_literal.c: fills req with literals one of which every match of the
 * (valid) pattern contains, none containing another; req->n == 0 when the
 * analysis cannot tell (syntax it does not follow, too many literals). */
void lit_pattern(const char *pattern, struct litset *req);

/* match_prefilter.c: every brand's literals and one Aho-Corasick automaton
 * over them, which flags the brands whose regexes a text needs. */
struct prefilter;

/* An empty prefilter the caller frees with prefilter_free; NULL when out of
 * memory. */
struct prefilter *prefilter_new(void);
/* Frees the prefilter; NULL is fine. */
void prefilter_free(struct prefilter *pf);
/* Adds the literals of brand's patterns. Returns 1, or 0 (nothing added)
 * when a pattern yields none, so the brand must run on every text, or -1
 * when out of memory. */
int prefilter_add(struct prefilter *pf, size_t brand,
    const char *const *patterns, size_t npatterns);
/* Builds the automaton once every brand is added. Returns 1, or 0 when
 * there are no literals or too many (every brand must then run), or -1 when
 * out of memory. */
int prefilter_build(struct prefilter *pf);
/* Sets cand[b] to 1 for every brand b one of whose literals occurs in
 * text[0..len), to 0 for the other brands below nbrands. */
void prefilter_scan(const struct prefilter *pf, const char *text, size_t len,
    unsigned char *cand, size_t nbrands);
/* match_literals for one brand added with a 1: writes its literals
 * '|'-separated into out (as many as fit) and returns how many it has. */
size_t prefilter_literals(const struct prefilter *pf, size_t brand, char *out,
    size_t outlen);

/* match_context.c: sets h->ctx_start and h->ctx_end around the hit
 * [h->start, h->end) of text t[0..len), as match.h describes. */
void ctx_find(const struct match_opts *o, const unsigned char *t, size_t len,
    struct match_hit *h);

#endif
