/* The literal prefilter. Running hundreds of brands' regexes over every
 * item would cost far more than the rest of the pipeline, so every brand's
 * literals (lit_pattern) go into one Aho-Corasick automaton, run once over
 * each text; only the brands it flags get their regexes run. The trie is
 * completed into a DFA over byte classes, so the scan takes one transition
 * a byte whatever the number of literals. */
#include "match_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define AC_SPECIAL 255      /* byte class: lead byte of U+212A or U+017F */
#define AC_MAX_TABLE (64u << 20) /* bytes; a larger automaton is not built */
/* With more distinct first pairs than this, so many positions of a text
 * begin one that skipping costs more in mispredicted branches than it
 * saves: 200 made-up names of consonant-vowel syllables (bench-match,
 * 74 pairs) scanned 25% slower with it, 50 brands over the bench corpus
 * (make bench) three times faster. */
#define AC_MAX_PAIRS 48

struct ac_lit {
	size_t brand;
	unsigned char len;
	char s[LIT_LEN];
};

struct ac_out {
	size_t brand;
	uint32_t next;          /* index + 1 of the state's next output, 0: none */
};

struct ac {
	uint32_t *delta;        /* nstates x ncls transitions; NULL: no prefilter */
	uint32_t *out;          /* per state: index + 1 of its first output */
	uint32_t *dict;         /* per state: nearest fail-chain state with outputs */
	unsigned char *hasout;  /* per state: out or dict set */
	struct ac_out *outs;
	unsigned ncls;
	unsigned char cls[256]; /* byte -> class; case folded; 0: in no literal */
	/* Bit cls(a) << 8 | cls(b): some literal may begin with bytes a, b. */
	uint64_t pairs[65536 / 64];
	/* Bit a << 8 | b: the bytes themselves, pairs read through cls once
	 * at build rather than at every byte of every text scanned. */
	uint64_t starts[65536 / 64];
	int skip;               /* use starts: few enough pairs */
};

struct prefilter {
	struct ac ac;
	struct ac_lit *lits;    /* what the automaton is built from */
	size_t nlits;
};

static void
ac_free(struct ac *ac)
{
	free(ac->delta);
	free(ac->out);
	free(ac->dict);
	free(ac->hasout);
	free(ac->outs);
	memset(ac, 0, sizeof *ac);
}

static void
ac_classes(struct ac *ac, const struct ac_lit *l, size_t n)
{
	size_t i, j;
	int c;

	ac->ncls = 1;
	for (i = 0; i < n; i++)
		for (j = 0; j < l[i].len; j++)
			if (!ac->cls[(unsigned char)l[i].s[j]])
				ac->cls[(unsigned char)l[i].s[j]] = (unsigned char)ac->ncls++;
	for (c = 'A'; c <= 'Z'; c++)
		ac->cls[c] = ac->cls[ascii_lower(c)];
	/* Caseless, PCRE2 matches k and s to KELVIN SIGN and LATIN SMALL LETTER
	 * LONG S too (the only non-ASCII other cases of ASCII letters): the
	 * scan reads those as k and s. */
	if (ac->cls['k'])
		ac->cls[0xE2] = AC_SPECIAL;
	if (ac->cls['s'])
		ac->cls[0xC5] = AC_SPECIAL;
}

static void
ac_insert(struct ac *ac, const struct ac_lit *l, size_t k, uint32_t *nstates)
{
	uint32_t st = 0, *t;
	unsigned j;

	for (j = 0; j < l->len; j++) {
		t = &ac->delta[st * ac->ncls + ac->cls[(unsigned char)l->s[j]]];
		if (!*t)
			*t = (*nstates)++;
		st = *t;
	}
	ac->outs[k].brand = l->brand;
	ac->outs[k].next = ac->out[st];
	ac->out[st] = (uint32_t)k + 1;
}

/* Turns the trie into a DFA breadth first: a state's missing transitions
 * are its failure state's, already complete because it is shallower. */
static int
ac_link(struct ac *ac, uint32_t nstates)
{
	uint32_t *queue = malloc(nstates * sizeof *queue);
	uint32_t *fail = calloc(nstates, sizeof *fail);
	uint32_t head = 0, tail = 0, s, u, c, f;

	if (!queue || !fail) {
		free(queue);
		free(fail);
		return -1;
	}
	for (c = 0; c < ac->ncls; c++)
		if ((u = ac->delta[c])) {
			ac->hasout[u] = ac->out[u] != 0;
			queue[tail++] = u;
		}
	while (head < tail) {
		s = queue[head++];
		for (c = 0; c < ac->ncls; c++) {
			uint32_t *t = &ac->delta[s * ac->ncls + c];

			if (!*t) {
				*t = ac->delta[fail[s] * ac->ncls + c];
				continue;
			}
			u = *t;
			fail[u] = f = ac->delta[fail[s] * ac->ncls + c];
			ac->dict[u] = ac->out[f] ? f : ac->dict[f];
			ac->hasout[u] = ac->out[u] || ac->dict[u];
			queue[tail++] = u;
		}
	}
	free(queue);
	free(fail);
	return 0;
}

/* Pair k (cls(a) << 8 | cls(b)) in ac->pairs. */
static int
pair_has(const struct ac *ac, unsigned k)
{
	return ac->pairs[k >> 6] >> (k & 63) & 1;
}

static void
pair_add(struct ac *ac, unsigned k)
{
	ac->pairs[k >> 6] |= 1ULL << (k & 63);
}

/* 1 if a literal may begin with the pair of bytes at p. */
static int
starts_at(const struct ac *ac, const unsigned char *p)
{
	unsigned k = (unsigned)p[0] << 8 | p[1];

	return ac->starts[k >> 6] >> (k & 63) & 1;
}

/* The first position from p at which a literal's first pair may begin, or
 * the last byte; the bytes before it leave the start state as it is. */
static const unsigned char *
skip_to_pair(const struct ac *ac, const unsigned char *p, const unsigned char *end)
{
	unsigned k;

	/* Four positions a round, each pair loaded on its own: one branch a
	 * round and no chain from one byte to the next (a fifth of the
	 * workers' time went here, one byte at a time). */
	while (end - p >= 5 && !(starts_at(ac, p) | starts_at(ac, p + 1) |
	    starts_at(ac, p + 2) | starts_at(ac, p + 3)))
		p += 4;
	if (end - p < 2)
		return p;
	/* Then the pair rolled along, one load a byte. */
	for (k = p[0]; p + 1 < end; p++) {
		k = (k << 8 | p[1]) & 0xffff;
		if (ac->starts[k >> 6] >> (k & 63) & 1)
			break;
	}
	return p;
}

/* The pairs literals begin with, and whether they are few enough to skip
 * by. A one-byte literal could begin anywhere; the two-byte non-ASCII
 * cases (AC_SPECIAL) may begin or follow anything. */
static void
ac_pairs(struct ac *ac, const struct ac_lit *l, size_t n)
{
	unsigned k, x, npairs = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (l[i].len < 2)
			return;
		k = (unsigned)ac->cls[(unsigned char)l[i].s[0]] << 8 |
		    ac->cls[(unsigned char)l[i].s[1]];
		npairs += !pair_has(ac, k);
		pair_add(ac, k);
	}
	for (x = 0; x < 256; x++) {
		pair_add(ac, AC_SPECIAL << 8 | x);
		pair_add(ac, x << 8 | AC_SPECIAL);
	}
	ac->skip = npairs <= AC_MAX_PAIRS;
	for (k = 0; ac->skip && k < 65536; k++)
		if (pair_has(ac, (unsigned)ac->cls[k >> 8] << 8 | ac->cls[k & 255]))
			ac->starts[k >> 6] |= 1ULL << (k & 63);
}

static int
ac_build(struct ac *ac, const struct ac_lit *l, size_t n)
{
	size_t i, total = 1;
	uint32_t nstates = 1;

	ac_classes(ac, l, n);
	ac_pairs(ac, l, n);
	for (i = 0; i < n; i++)
		total += l[i].len;
	if (total > AC_MAX_TABLE / sizeof(uint32_t) / ac->ncls) {
		log_debug("match: %zu literals are too many for the prefilter", n);
		ac->ncls = 0;
		return 0;
	}
	ac->delta = calloc(total * ac->ncls, sizeof *ac->delta);
	ac->out = calloc(total, sizeof *ac->out);
	ac->dict = calloc(total, sizeof *ac->dict);
	ac->hasout = calloc(total, 1);
	ac->outs = calloc(n ? n : 1, sizeof *ac->outs);
	if (!ac->delta || !ac->out || !ac->dict || !ac->hasout || !ac->outs)
		return -1;
	for (i = 0; i < n; i++)
		ac_insert(ac, &l[i], i, &nstates);
	return ac_link(ac, nstates);
}

static unsigned
ac_special(const struct ac *ac, const unsigned char **p, const unsigned char *end)
{
	const unsigned char *q = *p;

	if (q[-1] == 0xE2 && end - q >= 2 && q[0] == 0x84 && q[1] == 0xAA) {
		*p += 2;
		return ac->cls['k'];
	}
	if (q[-1] == 0xC5 && end - q >= 1 && q[0] == 0xBF) {
		*p += 1;
		return ac->cls['s'];
	}
	return 0;
}

/* One byte's transition from st (two for AC_SPECIAL's cases), setting
 * cand[b] for the brands whose literals end there. */
static inline uint32_t
ac_step(const struct ac *ac, const unsigned char **p, const unsigned char *end,
    uint32_t st, unsigned char *cand)
{
	unsigned c = ac->cls[*(*p)++];
	uint32_t t, k;

	if (c == AC_SPECIAL)
		c = ac_special(ac, p, end);
	st = ac->delta[st * ac->ncls + c];
	if (ac->hasout[st])
		for (t = st; t; t = ac->dict[t])
			for (k = ac->out[t]; k; k = ac->outs[k - 1].next)
				cand[ac->outs[k - 1].brand] = 1;
	return st;
}

/* Sets cand[b] for every brand b one of whose literals occurs in the text.
 * With few first pairs, in the start state a literal can only begin where
 * a pair of bytes begins one: the bytes before such a pair leave the state
 * where it is, and are passed over without a transition (the scan was a
 * tenth of the workers' time). Two loops, so that the plain one tests no
 * state per byte. */
static void
ac_scan(const struct ac *ac, const unsigned char *p, size_t len, unsigned char *cand)
{
	const unsigned char *end = p + len;
	uint32_t st = 0;

	if (!ac->skip) {
		while (p < end)
			st = ac_step(ac, &p, end, st, cand);
		return;
	}
	while (p < end) {
		if (st == 0)
			p = skip_to_pair(ac, p, end);
		st = ac_step(ac, &p, end, st, cand);
	}
}

struct prefilter *
prefilter_new(void)
{
	return calloc(1, sizeof(struct prefilter));
}

void
prefilter_free(struct prefilter *pf)
{
	if (!pf)
		return;
	ac_free(&pf->ac);
	free(pf->lits);
	free(pf);
}

int
prefilter_add(struct prefilter *pf, size_t brand, const char *const *patterns,
    size_t npatterns)
{
	struct litset req;
	size_t i, first = pf->nlits, k;
	unsigned j;
	struct ac_lit *nl;
	int none = 0;

	for (i = 0; i < npatterns && !none; i++) {
		lit_pattern(patterns[i], &req);
		none = req.n == 0;
		for (j = 0; j < req.n && !none; j++) {
			for (k = first; k < pf->nlits; k++)
				if (pf->lits[k].len == req.len[j] &&
				    memcmp(pf->lits[k].s, req.s[j], req.len[j]) == 0)
					break;
			if (k < pf->nlits)
				continue;
			if (!(nl = realloc(pf->lits, (pf->nlits + 1) * sizeof *nl)))
				return -1;
			pf->lits = nl;
			nl[pf->nlits].brand = brand;
			nl[pf->nlits].len = req.len[j];
			memcpy(nl[pf->nlits++].s, req.s[j], req.len[j]);
		}
	}
	/* One pattern without literals makes the others' pointless. */
	if (none)
		pf->nlits = first;
	return !none;
}

int
prefilter_build(struct prefilter *pf)
{
	if (!pf->nlits)
		return 0;
	if (ac_build(&pf->ac, pf->lits, pf->nlits) < 0)
		return -1;
	return pf->ac.delta != NULL;
}

void
prefilter_scan(const struct prefilter *pf, const char *text, size_t len,
    unsigned char *cand, size_t nbrands)
{
	memset(cand, 0, nbrands);
	if (pf->ac.delta)
		ac_scan(&pf->ac, (const unsigned char *)text, len, cand);
}

size_t
prefilter_literals(const struct prefilter *pf, size_t brand, char *out,
    size_t outlen)
{
	size_t i, n = 0, used = 0;

	if (outlen)
		out[0] = '\0';
	for (i = 0; i < pf->nlits; i++) {
		if (pf->lits[i].brand != brand)
			continue;
		if (outlen && used + pf->lits[i].len + 2 <= outlen) {
			used += (size_t)snprintf(out + used, outlen - used, "%s%.*s",
			    n ? "|" : "", (int)pf->lits[i].len, pf->lits[i].s);
		}
		n++;
	}
	return n;
}
