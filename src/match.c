/* Brand matching: PCRE2 per brand, behind a literal prefilter.
 *
 * Every pattern is compiled once (UTF, UCP, caseless unless the brand says
 * otherwise, invalid UTF tolerated) and JIT-compiled when the platform lets
 * us. Running hundreds of brands' regexes over every item would cost far
 * more than the rest of the pipeline, so match_new also derives from each
 * brand's patterns a set of literals at least one of which every match must
 * contain (lit_*), and builds one Aho-Corasick automaton over all brands'
 * literals (ac_*). match_text runs the automaton once over the text; only
 * the brands it flags get their regexes run. A pattern the analysis does not
 * fully follow yields no literals, which makes its brand a candidate for
 * every text: the prefilter may let through too much, never too little. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "match.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"

#define DEF_CONTEXT      600
#define DEF_MATCH_LIMIT  100000
#define DEF_DEPTH_LIMIT  5000
#define MAX_SENTENCES    64          /* context_sentences beyond this are clamped */
#define JIT_STACK_MIN    (32 * 1024)
#define JIT_STACK_MAX    (1024 * 1024)

#define LIT_MAX   16        /* strings in a literal set */
#define LIT_LEN   16        /* bytes in one literal */
#define LIT_DEPTH 16        /* group nesting the analysis follows */
#define AC_SPECIAL 255      /* byte class: lead byte of U+212A or U+017F */
#define AC_MAX_TABLE (64u << 20) /* bytes; a larger automaton is not built */

/* ---- literal analysis --------------------------------------------------- */

struct litset {
	unsigned n;
	unsigned char len[LIT_MAX];
	char s[LIT_MAX][LIT_LEN];
};

/* What the analysis knows about a piece of pattern: if exact, it matches
 * exactly one of ex's strings (ASCII-folded); every match contains one of
 * req's strings (n == 0: nothing known; never holds an empty string). */
struct lit {
	int exact;
	struct litset ex;
	struct litset req;
};

struct litparse {
	const char *p;
	unsigned depth;
	int fail;            /* met syntax the analysis does not follow */
};

static void lit_alt(struct litparse *lp, struct lit *out);

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII only, whatever the locale. */
static int
is_alpha(int c)
{
	return lower(c) >= 'a' && lower(c) <= 'z';
}

static int
litset_add(struct litset *d, const char *s, unsigned len)
{
	unsigned i;

	for (i = 0; i < d->n; i++)
		if (d->len[i] == len && memcmp(d->s[i], s, len) == 0)
			return 0;
	if (d->n == LIT_MAX || len > LIT_LEN)
		return -1;
	memcpy(d->s[d->n], s, len);
	d->len[d->n++] = (unsigned char)len;
	return 0;
}

static int
litset_union(struct litset *d, const struct litset *a)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		if (litset_add(d, a->s[i], a->len[i]) < 0)
			return -1;
	return 0;
}

/* d = every string of a followed by every string of b. */
static int
litset_cross(struct litset *d, const struct litset *a, const struct litset *b)
{
	char tmp[2 * LIT_LEN];
	unsigned i, j;

	d->n = 0;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++) {
			memcpy(tmp, a->s[i], a->len[i]);
			memcpy(tmp + a->len[i], b->s[j], b->len[j]);
			if (litset_add(d, tmp, a->len[i] + b->len[j]) < 0)
				return -1;
		}
	return 0;
}

/* The shortest string's length: longer required literals flag fewer texts. */
static unsigned
litset_score(const struct litset *s)
{
	unsigned i, min = s->n ? LIT_LEN + 1 : 0;

	for (i = 0; i < s->n; i++)
		if (s->len[i] < min)
			min = s->len[i];
	return min;
}

static void
lit_consider(struct litset *best, const struct litset *s)
{
	unsigned a = litset_score(s), b = litset_score(best);

	if (a > b || (a && a == b && s->n < best->n))
		*best = *s;
}

static void
lit_none(struct lit *a)
{
	a->exact = 0;
	a->ex.n = a->req.n = 0;
}

/* Zero-width: assertions, lookarounds, option settings, comments. */
static void
lit_empty(struct lit *a)
{
	lit_none(a);
	a->exact = 1;
	litset_add(&a->ex, "", 0);
}

static void
lit_char(struct lit *a, int c)
{
	char ch = (char)lower(c);

	lit_none(a);
	a->exact = 1;
	litset_add(&a->ex, &ch, 1);
	a->req = a->ex;
}

/* Comments, option settings and a stray \E are not atoms: PCRE2 binds a
 * quantifier after one to the atom before it, already taken. Give up then. */
static void
lit_ignored(struct litparse *lp, struct lit *a)
{
	lit_empty(a);
	if (*lp->p && strchr("*+?{", *lp->p))
		lp->fail = 1;
}

static void
skip_utf8_tail(struct litparse *lp)
{
	while ((*lp->p & 0xC0) == 0x80)
		lp->p++;
}

/* Skips to just past the first stop character; fails if there is none. */
static void
skip_past(struct litparse *lp, char stop)
{
	const char *q = strchr(lp->p, stop);

	if (!q)
		lp->fail = 1;
	else
		lp->p = q + 1;
}

/* \Q...\E as one exact atom. A quantifier after it binds to its last
 * character only, which this atom cannot express: give up then. */
static void
lit_quoted(struct litparse *lp, struct lit *a)
{
	const char *start = lp->p, *q = strstr(start, "\\E");
	size_t n = q ? (size_t)(q - start) : strlen(start), i;
	char s[LIT_LEN];

	lp->p = start + n + (q ? 2 : 0);
	lit_none(a);
	if (*lp->p && strchr("*+?{", *lp->p)) {
		lp->fail = 1;
		return;
	}
	if (n > LIT_LEN)
		return;
	for (i = 0; i < n; i++) {
		if ((unsigned char)start[i] >= 0x80)
			return;
		s[i] = (char)lower(start[i]);
	}
	a->exact = 1;
	litset_add(&a->ex, s, (unsigned)n);
	if (n)
		a->req = a->ex;
}

static void
lit_escape(struct litparse *lp, struct lit *a)
{
	unsigned char c = (unsigned char)*lp->p;

	lit_none(a);
	if (!c) {
		lp->fail = 1;
		return;
	}
	lp->p++;
	if (c >= 0x80) {
		skip_utf8_tail(lp);
		return;
	}
	if (!(c >= '0' && c <= '9') && !is_alpha(c)) {
		lit_char(a, c);
		return;
	}
	switch (c) {
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		lit_empty(a);
		return;
	case 'E':
		lit_ignored(lp, a);
		return;
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'h':
	case 'H': case 'v': case 'V': case 'R': case 'X':
		return;
	case 'N':
		lp->fail = *lp->p == '{';
		return;
	case 'p': case 'P':
		if (*lp->p == '{')
			skip_past(lp, '}');
		else if (*lp->p)
			lp->p++;
		return;
	case 't': lit_char(a, '\t'); return;
	case 'n': lit_char(a, '\n'); return;
	case 'r': lit_char(a, '\r'); return;
	case 'f': lit_char(a, '\f'); return;
	case 'e': lit_char(a, 033); return;
	case 'a': lit_char(a, 007); return;
	case 'Q': lit_quoted(lp, a); return;
	default:
		lp->fail = 1;    /* back references, code points, ... */
	}
}

/* Length of a POSIX class name "[:alpha:]" or "[:^digit:]" at p, or 0:
 * anything else PCRE2 reads as a plain '['. */
static size_t
posix_class(const char *p)
{
	size_t n = 2;

	if (p[0] != '[' || p[1] != ':')
		return 0;
	n += p[n] == '^';
	while (is_alpha(p[n]))
		n++;
	return p[n] == ':' && p[n + 1] == ']' ? n + 2 : 0;
}

/* Skips a character class; nothing is known about the one character. */
static void
lit_class(struct litparse *lp)
{
	size_t n;

	if (*lp->p == '^')
		lp->p++;
	if (*lp->p == ']')
		lp->p++;
	while (!lp->fail) {
		if (!*lp->p || (lp->p[0] == '\\' && strchr("QE", lp->p[1]))) {
			lp->fail = 1;
		} else if (lp->p[0] == '\\') {
			lp->p += 2;
		} else if ((n = posix_class(lp->p))) {
			lp->p += n;
		} else if (*lp->p++ == ']') {
			return;
		}
	}
}

/* After "(": the group's kind decides what its contents tell. */
static void
lit_group(struct litparse *lp, struct lit *a)
{
	int look = 0;

	lit_none(a);
	if (*lp->p == '?') {
		const char *q = ++lp->p;

		if (*q == ':' || *q == '|' || *q == '>') {
			lp->p++;
		} else if (*q == '=' || *q == '!') {
			lp->p++;
			look = 1;
		} else if (*q == '<' && (q[1] == '=' || q[1] == '!')) {
			lp->p += 2;
			look = 1;
		} else if (*q == '<' || *q == '\'' || (*q == 'P' && q[1] == '<')) {
			skip_past(lp, *q == '\'' ? '\'' : '>');
			if (*q == '\'')
				skip_past(lp, '\'');
		} else if (*q == '#') {
			skip_past(lp, ')');
			lit_ignored(lp, a);
			return;
		} else {
			/* Option letters; x changes what whitespace means. */
			lp->p += strspn(q, "imnsJU^-");
			if (*lp->p == ')') {
				lp->p++;
				lit_ignored(lp, a);
				return;
			}
			if (*lp->p++ != ':')
				lp->fail = 1;
		}
	} else if (*lp->p == '*') {
		lp->fail = 1;    /* verbs and alpha assertions */
	}
	if (lp->fail || ++lp->depth > LIT_DEPTH) {
		lp->fail = 1;
		return;
	}
	lit_alt(lp, a);
	lp->depth--;
	if (*lp->p != ')')
		lp->fail = 1;
	else
		lp->p++;
	if (look)
		lit_empty(a);
}

static void
lit_atom(struct litparse *lp, struct lit *a)
{
	unsigned char c = (unsigned char)*lp->p++;

	lit_none(a);
	switch (c) {
	case '.':
		return;
	case '^': case '$':
		lit_empty(a);
		return;
	case '[':
		lit_class(lp);
		return;
	case '(':
		lit_group(lp, a);
		return;
	case '\\':
		lit_escape(lp, a);
		return;
	case '*': case '+': case '?': case '{':
		lp->fail = 1;
		return;
	}
	if (c >= 0x80)
		skip_utf8_tail(lp);   /* caseless, its other case may differ in length */
	else
		lit_char(a, c);
}

/* Reads {n}, {n,} or {n,m}; anything else after '{' PCRE2 10.42 takes as
 * literal text, which the analysis does not bother following. */
static int
lit_braces(struct litparse *lp, unsigned long *min, unsigned long *max)
{
	char *end;

	if (!(lp->p[1] >= '0' && lp->p[1] <= '9'))
		return -1;
	*min = *max = strtoul(lp->p + 1, &end, 10);
	if (*end == ',') {
		if (end[1] >= '0' && end[1] <= '9')
			*max = strtoul(end + 1, &end, 10);
		else {
			*max = (unsigned long)-1;
			end++;
		}
	}
	if (*end != '}')
		return -1;
	lp->p = end;
	return 0;
}

static void
lit_quant(struct litparse *lp, struct lit *a)
{
	unsigned long min, max;

	switch (*lp->p) {
	case '?': min = 0; max = 1; break;
	case '*': min = 0; max = (unsigned long)-1; break;
	case '+': min = 1; max = (unsigned long)-1; break;
	case '{':
		if (lit_braces(lp, &min, &max) < 0) {
			lp->fail = 1;
			return;
		}
		break;
	default:
		return;
	}
	lp->p++;
	if (*lp->p == '?' || *lp->p == '+')
		lp->p++;      /* lazy or possessive: same strings */
	if (min == 0) {
		if (a->exact && max == 1 && litset_add(&a->ex, "", 0) == 0)
			a->req.n = 0;
		else
			lit_none(a);
	} else if (max != 1) {
		a->exact = 0;
	}
}

/* A concatenation: runs of exact atoms multiply out into longer literals;
 * the best literal set of any run or any inexact atom is what it requires. */
static void
lit_seq(struct litparse *lp, struct lit *out)
{
	struct litset run = {0}, tmp, best = {0};
	struct lit atom;
	int exact = 1;

	litset_add(&run, "", 0);
	while (!lp->fail && *lp->p && *lp->p != '|' && *lp->p != ')') {
		lit_atom(lp, &atom);
		if (!lp->fail)
			lit_quant(lp, &atom);
		if (atom.exact && litset_cross(&tmp, &run, &atom.ex) == 0) {
			run = tmp;
			continue;
		}
		exact = 0;
		lit_consider(&best, &run);
		if (atom.exact) {
			run = atom.ex;
		} else {
			lit_consider(&best, &atom.req);
			run.n = 0;
			litset_add(&run, "", 0);
		}
	}
	lit_consider(&best, &run);
	out->exact = exact;
	out->ex = run;
	out->req = best;
}

static void
lit_alt(struct litparse *lp, struct lit *out)
{
	struct lit alt;

	lit_seq(lp, out);
	while (!lp->fail && *lp->p == '|') {
		lp->p++;
		lit_seq(lp, &alt);
		if (!out->exact || !alt.exact || litset_union(&out->ex, &alt.ex) < 0)
			out->exact = 0;
		if (!out->req.n || !alt.req.n || litset_union(&out->req, &alt.req) < 0)
			out->req.n = 0;
	}
}

static int
lit_contains(const char *s, unsigned n, const char *sub, unsigned m)
{
	unsigned i;

	for (i = 0; i + m <= n; i++)
		if (memcmp(s + i, sub, m) == 0)
			return 1;
	return 0;
}

/* Drops strings containing another of the set: a text holding them holds
 * the shorter one too. */
static void
litset_minimize(struct litset *d)
{
	struct litset out = {0};
	unsigned i, j;

	for (i = 0; i < d->n; i++) {
		for (j = 0; j < d->n; j++)
			if (j != i && lit_contains(d->s[i], d->len[i], d->s[j], d->len[j]))
				break;
		if (j == d->n)
			litset_add(&out, d->s[i], d->len[i]);
	}
	*d = out;
}

/* Fills req with literals every match of the (valid) pattern contains;
 * req->n == 0 when nothing is known. */
static void
lit_pattern(const char *pattern, struct litset *req)
{
	struct litparse lp = { pattern, 0, 0 };
	struct lit l;

	lit_alt(&lp, &l);
	*req = l.req;
	if (lp.fail || *lp.p)
		req->n = 0;
	litset_minimize(req);
}

/* ---- Aho-Corasick automaton over the literals ---------------------------- */

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
		ac->cls[c] = ac->cls[lower(c)];
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

static int
ac_build(struct ac *ac, const struct ac_lit *l, size_t n)
{
	size_t i, total = 1;
	uint32_t nstates = 1;

	ac_classes(ac, l, n);
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

/* Sets cand[b] for every brand b one of whose literals occurs in the text. */
static void
ac_scan(const struct ac *ac, const unsigned char *p, size_t len, unsigned char *cand)
{
	const unsigned char *end = p + len;
	uint32_t st = 0, t, k;

	while (p < end) {
		unsigned c = ac->cls[*p++];

		if (c == AC_SPECIAL)
			c = ac_special(ac, &p, end);
		st = ac->delta[st * ac->ncls + c];
		if (!ac->hasout[st])
			continue;
		for (t = st; t; t = ac->dict[t])
			for (k = ac->out[t]; k; k = ac->outs[k - 1].next)
				cand[ac->outs[k - 1].brand] = 1;
	}
}

/* ---- the matcher -------------------------------------------------------- */

struct span {
	size_t s, e;
};

/* What match_text changes between and during calls. */
struct match_scratch {
	pcre2_match_data *md;
	unsigned char *cand;    /* per brand: the prefilter saw one of its literals */
	struct span *span;      /* the current brand's exclude matches, merged */
	size_t nspan, capspan;
	int spans_ready;
};

struct mbrand {
	char *name;
	pcre2_code **re;        /* patterns, then excludes, then requires */
	size_t npat, nexc, nreq;
	char **feeds;
	size_t nfeeds;
	int always;             /* no literals: a candidate for every text */
};

struct matcher {
	struct mbrand *b;
	size_t n;
	struct match_opts o;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	struct ac ac;
	struct ac_lit *lits;    /* what the automaton was built from */
	size_t nlits;
	struct match_scratch *sc;
	int jit_failed;         /* patterns left to the interpreter */
};

void
match_opts_default(struct match_opts *o)
{
	memset(o, 0, sizeof *o);
	o->max_context = DEF_CONTEXT;
	o->match_limit = DEF_MATCH_LIMIT;
	o->depth_limit = DEF_DEPTH_LIMIT;
}

static void
match_fix_opts(struct match_opts *o)
{
	if (!o->max_context)
		o->max_context = DEF_CONTEXT;
	if (!o->match_limit)
		o->match_limit = DEF_MATCH_LIMIT;
	if (!o->depth_limit)
		o->depth_limit = DEF_DEPTH_LIMIT;
	if (o->context_sentences > MAX_SENTENCES)
		o->context_sentences = MAX_SENTENCES;
}

static const char *
re_kind(const struct mbrand *b, size_t k, size_t *num)
{
	if (k < b->npat) {
		*num = k + 1;
		return "pattern";
	}
	if (k < b->npat + b->nexc) {
		*num = k - b->npat + 1;
		return "exclude";
	}
	*num = k - b->npat - b->nexc + 1;
	return "require";
}

static int
re_compile(struct matcher *m, struct mbrand *b, size_t k, const char *pat,
    uint32_t flags, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	size_t num;
	const char *kind = re_kind(b, k, &num);
	int code, rc;

	if (!pat) {
		errf(err, errlen, "brand %s: %s %zu is missing", b->name, kind, num);
		return -1;
	}
	b->re[k] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, flags,
	    &code, &off, NULL);
	if (!b->re[k]) {
		pcre2_get_error_message(code, msg, sizeof msg);
		errf(err, errlen, "brand %s: %s %zu '%s': %s at offset %zu", b->name,
		    kind, num, pat, (char *)msg, (size_t)off);
		return -1;
	}
	if (m->o.no_jit || (rc = pcre2_jit_compile(b->re[k], PCRE2_JIT_COMPLETE)) == 0)
		return 0;
	/* E.g. MemoryDenyWriteExecute: the interpreter obeys the same limits. */
	if (!m->jit_failed++) {
		pcre2_get_error_message(rc, msg, sizeof msg);
		log_debug("brand %s: %s %zu: no JIT (%s); using the interpreter",
		    b->name, kind, num, (char *)msg);
	}
	return 0;
}

/* Adds the brand's literals to m->lits, or marks it a candidate always. */
static int
brand_literals(struct matcher *m, struct mbrand *b, size_t bi,
    const struct match_brand *src)
{
	struct litset req;
	size_t i, first = m->nlits, k;
	unsigned j;
	struct ac_lit *nl;

	for (i = 0; i < src->npatterns && !b->always; i++) {
		lit_pattern(src->patterns[i], &req);
		b->always = req.n == 0;
		for (j = 0; j < req.n && !b->always; j++) {
			for (k = first; k < m->nlits; k++)
				if (m->lits[k].len == req.len[j] &&
				    memcmp(m->lits[k].s, req.s[j], req.len[j]) == 0)
					break;
			if (k < m->nlits)
				continue;
			if (!(nl = realloc(m->lits, (m->nlits + 1) * sizeof *nl)))
				return -1;
			m->lits = nl;
			nl[m->nlits].brand = bi;
			nl[m->nlits].len = req.len[j];
			memcpy(nl[m->nlits++].s, req.s[j], req.len[j]);
		}
	}
	if (b->always)
		m->nlits = first;
	return 0;
}

static int
brand_init(struct matcher *m, size_t bi, const struct match_brand *src,
    char *err, size_t errlen)
{
	struct mbrand *b = &m->b[bi];
	/* \C could end a hit inside a UTF-8 sequence. */
	uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |
	    PCRE2_NEVER_BACKSLASH_C;
	const char *const *lists[3] = { src->patterns, src->excludes, src->requires };
	size_t counts[3] = { src->npatterns, src->nexcludes, src->nrequires };
	size_t i, j, k = 0;

	if (!src->name || !*src->name) {
		errf(err, errlen, "brand %zu has no name", bi + 1);
		return -1;
	}
	if (!(b->name = xstrdup(src->name)))
		goto nomem;
	if (!src->npatterns || !src->patterns) {
		errf(err, errlen, "brand %s: no match patterns", b->name);
		return -1;
	}
	if (!src->case_sensitive)
		flags |= PCRE2_CASELESS;
	b->npat = src->npatterns;
	b->nexc = src->excludes ? src->nexcludes : 0;
	b->nreq = src->requires ? src->nrequires : 0;
	if (!(b->re = calloc(b->npat + b->nexc + b->nreq, sizeof *b->re)))
		goto nomem;
	for (i = 0; i < 3; i++)
		for (j = 0; lists[i] && j < counts[i]; j++)
			if (re_compile(m, b, k++, lists[i][j], flags, err, errlen) < 0)
				return -1;
	if (src->feeds && src->nfeeds) {
		if (!(b->feeds = calloc(src->nfeeds, sizeof *b->feeds)))
			goto nomem;
		for (b->nfeeds = 0; b->nfeeds < src->nfeeds; b->nfeeds++)
			if (!(b->feeds[b->nfeeds] = xstrdup(src->feeds[b->nfeeds])))
				goto nomem;
	}
	if (m->o.no_prefilter)
		b->always = 1;
	else if (brand_literals(m, b, bi, src) < 0)
		goto nomem;
	return 0;
nomem:
	errf(err, errlen, "brand %s: out of memory", src->name);
	return -1;
}

static int
match_runtime(struct matcher *m)
{
	if (!(m->sc = calloc(1, sizeof *m->sc)) ||
	    !(m->sc->md = pcre2_match_data_create(1, NULL)) ||
	    !(m->sc->cand = calloc(m->n ? m->n : 1, 1)) ||
	    !(m->mctx = pcre2_match_context_create(NULL)))
		return -1;
	pcre2_set_match_limit(m->mctx, m->o.match_limit);
	pcre2_set_depth_limit(m->mctx, m->o.depth_limit);
	if (!m->o.no_jit) {
		m->jstack = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
		if (m->jstack)
			pcre2_jit_stack_assign(m->mctx, NULL, m->jstack);
	}
	return 0;
}

struct matcher *
match_new(const struct match_brand *brands, size_t n,
    const struct match_opts *o, char *err, size_t errlen)
{
	struct matcher *m = calloc(1, sizeof *m);
	size_t i;

	if (!m || !(m->b = calloc(n ? n : 1, sizeof *m->b))) {
		free(m);
		errf(err, errlen, "matcher: out of memory");
		return NULL;
	}
	m->n = n;
	if (o)
		m->o = *o;
	else
		match_opts_default(&m->o);
	match_fix_opts(&m->o);
	for (i = 0; i < n; i++)
		if (brand_init(m, i, &brands[i], err, errlen) < 0)
			goto fail;
	if ((m->nlits && ac_build(&m->ac, m->lits, m->nlits) < 0) || match_runtime(m) < 0) {
		errf(err, errlen, "matcher: out of memory");
		goto fail;
	}
	if (!m->ac.delta)    /* no literals, or too many: every brand runs */
		for (i = 0; i < n; i++)
			m->b[i].always = 1;
	return m;
fail:
	match_free(m);
	return NULL;
}

void
match_free(struct matcher *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->n; i++) {
		struct mbrand *b = &m->b[i];

		for (j = 0; b->re && j < b->npat + b->nexc + b->nreq; j++)
			pcre2_code_free(b->re[j]);
		for (j = 0; j < b->nfeeds; j++)
			free(b->feeds[j]);
		free(b->re);
		free(b->feeds);
		free(b->name);
	}
	if (m->sc) {
		pcre2_match_data_free(m->sc->md);
		free(m->sc->cand);
		free(m->sc->span);
		free(m->sc);
	}
	pcre2_match_context_free(m->mctx);
	pcre2_jit_stack_free(m->jstack);
	ac_free(&m->ac);
	free(m->lits);
	free(m->b);
	free(m);
}

size_t
match_literals(const struct matcher *m, size_t brand, char *out, size_t outlen)
{
	size_t i, n = 0, used = 0;

	if (outlen)
		out[0] = '\0';
	if (brand >= m->n || m->b[brand].always)
		return 0;
	for (i = 0; i < m->nlits; i++) {
		if (m->lits[i].brand != brand)
			continue;
		if (outlen && used + m->lits[i].len + 2 <= outlen) {
			used += (size_t)snprintf(out + used, outlen - used, "%s%.*s",
			    n ? "|" : "", (int)m->lits[i].len, m->lits[i].s);
		}
		n++;
	}
	return n;
}

/* ---- sentences ---------------------------------------------------------- */

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Bytes of a sentence terminator at t[i] ('.', '!', '?', U+2026), or 0. */
static size_t
term_len(const unsigned char *t, size_t len, size_t i)
{
	if (t[i] == '.' || t[i] == '!' || t[i] == '?')
		return 1;
	if (t[i] == 0xE2 && i + 2 < len && t[i + 1] == 0x80 && t[i + 2] == 0xA6)
		return 3;
	return 0;
}

/* Bytes of a closing quote or bracket at t[i] (", ', ), ], U+201D, U+2019,
 * U+00BB), or 0: they belong to the sentence they close. */
static size_t
closer_len(const unsigned char *t, size_t len, size_t i)
{
	if (t[i] == '"' || t[i] == '\'' || t[i] == ')' || t[i] == ']')
		return 1;
	if (t[i] == 0xC2 && i + 1 < len && t[i + 1] == 0xBB)
		return 2;
	if (t[i] == 0xE2 && i + 2 < len && t[i + 1] == 0x80 &&
	    (t[i + 2] == 0x9D || t[i + 2] == 0x99))
		return 3;
	return 0;
}

/* 1 if the '.' at t[i] ends an abbreviation or an initial ("e.g.", "U.S.",
 * "J. Smith", "Dr. Who") rather than a sentence. */
static int
is_abbrev(const unsigned char *t, size_t i)
{
	static const char *const words[] = { "mr", "mrs", "ms", "dr", "prof",
	    "sr", "jr", "st", "mt", "vs", "approx", "dept", "fig" };
	size_t w = i, k;

	while (w > 0 && i - w < 8 && is_alpha(t[w - 1]))
		w--;
	if (w == i || (w > 0 && is_alpha(t[w - 1])))
		return 0;
	if (i - w == 1)
		return 1;
	for (k = 0; k < NELEM(words); k++)
		if (strlen(words[k]) == i - w &&
		    strncasecmp(words[k], (const char *)t + w, i - w) == 0)
			return 1;
	return 0;
}

static size_t
skip_space(const unsigned char *t, size_t len, size_t j)
{
	while (j < len && is_space(t[j]))
		j++;
	return j;
}

/* Finds the first sentence break at or after from (terminators before hi):
 * the sentence ends at *end and the next one starts at *next. */
static int
sent_break(const unsigned char *t, size_t len, size_t from, size_t hi,
    size_t *end, size_t *next)
{
	size_t i, j, k;

	for (i = from; i < hi; i++) {
		if (t[i] == '\n' || t[i] == '\r') {
			*end = i;
			*next = skip_space(t, len, i + 1);
			return 1;
		}
		if (!(k = term_len(t, len, i)))
			continue;
		for (j = i + k; j < len; j += k)
			if (!(k = term_len(t, len, j)) && !(k = closer_len(t, len, j)))
				break;
		if ((j == len || is_space(t[j])) &&
		    !(t[i] == '.' && j == i + 1 && is_abbrev(t, i))) {
			*end = j;
			*next = skip_space(t, len, j);
			return 1;
		}
		i = j - 1;
	}
	return 0;
}

/* Cuts [*cs, *ce) to max bytes around the hit [s, e), splitting no UTF-8
 * sequence; a hit longer than max is its own context. */
static void
ctx_cap(const unsigned char *t, size_t len, size_t s, size_t e, size_t max,
    size_t *cs, size_t *ce)
{
	size_t room, before, after;

	if (e - s >= max) {
		*cs = s;
		*ce = e;
		return;
	}
	room = max - (e - s);
	before = s - *cs < room / 2 ? s - *cs : room / 2;
	after = *ce - e < room - before ? *ce - e : room - before;
	before = s - *cs < room - after ? s - *cs : room - after;
	*cs = s - before;
	*ce = e + after;
	while (*cs < s && (t[*cs] & 0xC0) == 0x80)
		(*cs)++;
	while (*ce > e && *ce < len && (t[*ce] & 0xC0) == 0x80)
		(*ce)--;
}

static void
ctx_trim(const unsigned char *t, size_t s, size_t e, size_t *cs, size_t *ce)
{
	while (*cs < s && is_space(t[*cs]))
		(*cs)++;
	while (*ce > e && is_space(t[*ce - 1]))
		(*ce)--;
}

/* The hit's sentence and context_sentences more on each side. Only the
 * window max_context bytes either side of the hit can end up in the
 * context, so breaks are looked for there only. */
static void
ctx_find(const struct match_opts *o, const unsigned char *t, size_t len,
    struct match_hit *h)
{
	size_t ring[MAX_SENTENCES + 1], nring = 1, keep = o->context_sentences + 1;
	size_t lo = h->start > o->max_context ? h->start - o->max_context : 0;
	size_t hi = len - h->end > o->max_context ? h->end + o->max_context : len;
	size_t be = hi, bn = hi, pos = lo, cs, ce;
	unsigned k;
	int found;

	ring[0] = lo;
	while ((found = sent_break(t, len, pos, hi, &be, &bn)) && bn <= h->start) {
		ring[nring++ % keep] = bn;
		pos = bn;
	}
	while (found && be < h->end) {
		pos = bn;
		found = sent_break(t, len, pos, hi, &be, &bn);
	}
	ce = found ? be : hi;
	for (k = 0; k < o->context_sentences && found; k++) {
		pos = bn;
		found = sent_break(t, len, pos, hi, &be, &bn);
		ce = found ? be : hi;
	}
	cs = ring[nring > keep ? nring % keep : 0];
	ctx_trim(t, h->start, h->end, &cs, &ce);
	if (ce - cs > o->max_context) {
		ctx_cap(t, len, h->start, h->end, o->max_context, &cs, &ce);
		ctx_trim(t, h->start, h->end, &cs, &ce);
	}
	h->ctx_start = cs;
	h->ctx_end = ce;
}

/* ---- matching ----------------------------------------------------------- */

/* 1 with the span of the first match at or after pos, 0 if none, or the
 * negative PCRE2 error. */
static int
re_find(const struct matcher *m, const pcre2_code *re, const char *text,
    size_t len, size_t pos, uint32_t opts, struct span *sp)
{
	PCRE2_SIZE *ov;
	int rc;

	rc = pcre2_match(re, (PCRE2_SPTR)text, len, pos, opts, m->sc->md, m->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return rc;
	ov = pcre2_get_ovector_pointer(m->sc->md);
	sp->s = ov[0];
	sp->e = ov[1] > ov[0] ? ov[1] : ov[0];
	return 1;
}

static void
re_error(const struct mbrand *b, size_t k, int rc, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[128];
	size_t num;
	const char *kind = re_kind(b, k, &num);

	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
		strcpy((char *)msg, "match limit exceeded");
	else
		pcre2_get_error_message(rc, msg, sizeof msg);
	errf(err, errlen, "brand %s: %s %zu: %s", b->name, kind, num, (char *)msg);
}

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->s < y->s ? -1 : x->s > y->s;
}

static int
span_push(struct match_scratch *sc, const struct span *sp)
{
	if (sc->nspan == sc->capspan) {
		size_t cap = sc->capspan ? 2 * sc->capspan : 16;
		struct span *ns = realloc(sc->span, cap * sizeof *ns);

		if (!ns)
			return -1;
		sc->span = ns;
		sc->capspan = cap;
	}
	sc->span[sc->nspan++] = *sp;
	return 0;
}

/* Collects every exclude match of the brand into sorted, disjoint spans.
 * Returns 0, or -1 with the reason in err. */
static int
spans_collect(const struct matcher *m, const struct mbrand *b, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct match_scratch *sc = m->sc;
	struct span sp;
	size_t x, pos, i, j;
	int rc;

	sc->nspan = 0;
	for (x = b->npat; x < b->npat + b->nexc; x++) {
		for (pos = 0; (rc = re_find(m, b->re[x], text, len, pos,
		    PCRE2_NOTEMPTY, &sp)) > 0; pos = sp.e) {
			if (span_push(sc, &sp) < 0) {
				errf(err, errlen, "brand %s: out of memory", b->name);
				return -1;
			}
		}
		if (rc < 0) {
			re_error(b, x, rc, err, errlen);
			return -1;
		}
	}
	if (sc->nspan > 1)
		qsort(sc->span, sc->nspan, sizeof *sc->span, span_cmp);
	for (i = j = 0; i < sc->nspan; i++) {
		if (j && sc->span[i].s <= sc->span[j - 1].e) {
			if (sc->span[i].e > sc->span[j - 1].e)
				sc->span[j - 1].e = sc->span[i].e;
		} else {
			sc->span[j++] = sc->span[i];
		}
	}
	sc->nspan = j;
	sc->spans_ready = 1;
	return 0;
}

/* Index of the first span ending after p (nspan if none). */
static size_t
span_after(const struct match_scratch *sc, size_t p)
{
	size_t lo = 0, hi = sc->nspan, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sc->span[mid].e <= p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The brand's first hit of pattern k starting before limit that overlaps
 * no exclude match: 1 (in *h), 0 none, -1 error in err. */
static int
pattern_hit(const struct matcher *m, const struct mbrand *b, size_t k,
    const char *text, size_t len, size_t limit, struct span *h, char *err,
    size_t errlen)
{
	struct match_scratch *sc = m->sc;
	size_t pos = 0, i;
	int rc;

	for (;;) {
		rc = re_find(m, b->re[k], text, len, pos, PCRE2_NOTEMPTY, h);
		if (rc < 0)
			re_error(b, k, rc, err, errlen);
		if (rc <= 0 || h->s >= limit)
			return rc < 0 ? -1 : 0;
		if (!b->nexc)
			return 1;
		if (!sc->spans_ready && spans_collect(m, b, text, len, err, errlen) < 0)
			return -1;
		i = span_after(sc, h->s);
		if (i == sc->nspan || sc->span[i].s >= h->e)
			return 1;
		/* A later hit starting inside an exclude span overlaps it too. */
		for (pos = h->s + 1; pos < len && ((unsigned char)text[pos] & 0xC0) == 0x80; pos++)
			;
		i = span_after(sc, pos);
		if (i < sc->nspan && sc->span[i].s <= pos)
			pos = sc->span[i].e;
	}
}

/* 1 with the brand's first hit in *hit, 0 if none, -1 on error. */
static int
brand_match(const struct matcher *m, const struct mbrand *b, const char *text,
    size_t len, struct match_hit *hit, char *err, size_t errlen)
{
	struct span h, best = { (size_t)-1, 0 };
	size_t k;
	int rc;

	m->sc->spans_ready = 0;
	for (k = 0; k < b->npat; k++) {
		rc = pattern_hit(m, b, k, text, len, best.s, &h, err, errlen);
		if (rc < 0)
			return -1;
		if (rc > 0)
			best = h;
	}
	if (best.s == (size_t)-1)
		return 0;
	for (k = b->npat + b->nexc; k < b->npat + b->nexc + b->nreq; k++) {
		rc = re_find(m, b->re[k], text, len, 0, 0, &h);
		if (rc < 0)
			re_error(b, k, rc, err, errlen);
		if (rc <= 0)
			return rc < 0 ? -1 : 0;
	}
	hit->start = best.s;
	hit->end = best.e;
	return 1;
}

static int
brand_in_feed(const struct mbrand *b, const char *feed)
{
	size_t i;

	if (!feed || !b->nfeeds)
		return 1;
	for (i = 0; i < b->nfeeds; i++)
		if (strcmp(b->feeds[i], feed) == 0)
			return 1;
	return 0;
}

int
match_text(const struct matcher *m, const char *feed, const char *text,
    size_t len, struct match_hit *hits, size_t maxhits, unsigned *nerrors,
    char *err, size_t errlen)
{
	size_t i, nh = 0;
	unsigned nerr = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!text)
		len = 0;
	if (m->ac.delta) {
		memset(m->sc->cand, 0, m->n);
		ac_scan(&m->ac, (const unsigned char *)text, len, m->sc->cand);
	}
	for (i = 0; i < m->n && nh < maxhits; i++) {
		const struct mbrand *b = &m->b[i];

		if ((!b->always && !m->sc->cand[i]) || !brand_in_feed(b, feed))
			continue;
		/* The first failing brand's reason is the one reported. */
		rc = brand_match(m, b, text ? text : "", len, &hits[nh],
		    nerr ? NULL : err, errlen);
		if (rc < 0) {
			nerr++;
		} else if (rc > 0) {
			hits[nh].brand = i;
			ctx_find(&m->o, (const unsigned char *)text, len, &hits[nh]);
			nh++;
		}
	}
	if (nerrors)
		*nerrors = nerr;
	return (int)nh;
}
