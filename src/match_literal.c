/* Literal analysis: derives from a PCRE2 pattern a set of literals at least
 * one of which every match must contain, for the prefilter to look for.
 * It walks the pattern's syntax by recursive descent, following literal
 * characters, groups, alternation and quantifiers; a construct it does not
 * follow yields no literals, which makes the brand a candidate for every
 * text: the prefilter may let through too much, never too little. */
#include "match_int.h"

#include <stdlib.h>
#include <string.h>

#define LIT_DEPTH 16        /* group nesting the analysis follows */

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
	char ch = (char)ascii_lower(c);

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
		s[i] = (char)ascii_lower(start[i]);
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
	if (!(c >= '0' && c <= '9') && !ascii_alpha(c)) {
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
	while (ascii_alpha(p[n]))
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

void
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
