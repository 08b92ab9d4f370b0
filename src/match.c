/* Brand matching: PCRE2 per brand, behind a literal prefilter.
 *
 * Every pattern is compiled once (UTF, UCP, caseless unless the brand says
 * otherwise, invalid UTF tolerated), and a brand's patterns are JIT-compiled,
 * when the platform lets us, the first time a text is a candidate for it:
 * JIT compiling was a tenth of a run in which no feed had changed. match_new
 * also hands each brand's patterns to the prefilter
 * (match_prefilter.c, on match_literal.c's analysis); match_text runs the
 * regexes of only the brands it flags, and of those it knows no literals
 * for, then cuts each hit's context (match_context.c). */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "match_int.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

#define DEF_CONTEXT      600
#define DEF_MATCH_LIMIT  100000
#define DEF_DEPTH_LIMIT  5000
#define JIT_STACK_MIN    (32 * 1024)
#define JIT_STACK_MAX    (1024 * 1024)

/* ---- the matcher -------------------------------------------------------- */

struct span {
	size_t s, e;
};

/* What match_text changes between and during calls: one per thread. The
 * JIT stack is scratch too (a match writes to it). */
struct match_scratch {
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
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

/* Which brands are JIT-compiled: set once, by whichever thread first
 * matches a brand, under the lock; read without it. */
struct jit_state {
	pthread_mutex_t lock;
	atomic_uchar *done;     /* per brand */
	int failed;             /* patterns left to the interpreter */
};

struct matcher {
	struct mbrand *b;
	size_t n;
	struct match_opts o;
	struct prefilter *pf;
	struct match_scratch *sc;   /* match_text's */
	struct jit_state *jit;
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
re_compile(struct mbrand *b, size_t k, const char *pat, uint32_t flags, char *err,
    size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	size_t num;
	const char *kind = re_kind(b, k, &num);
	int code;

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
	return 0;
}

/* JIT-compiles brand i's patterns unless that is done. A pattern that
 * cannot be (e.g. under MemoryDenyWriteExecute) stays with the
 * interpreter, which obeys the same limits. */
static void
brand_jit(const struct matcher *m, size_t i)
{
	struct jit_state *j = m->jit;
	const struct mbrand *b = &m->b[i];
	PCRE2_UCHAR msg[256];
	const char *kind;
	size_t k, num;
	int rc;

	if (m->o.no_jit || atomic_load_explicit(&j->done[i], memory_order_acquire))
		return;
	pthread_mutex_lock(&j->lock);
	for (k = 0; !j->done[i] && k < b->npat + b->nexc + b->nreq; k++) {
		if ((rc = pcre2_jit_compile(b->re[k], PCRE2_JIT_COMPLETE)) == 0 || j->failed++)
			continue;
		pcre2_get_error_message(rc, msg, sizeof msg);
		kind = re_kind(b, k, &num);
		log_debug("brand %s: %s %zu: no JIT (%s); using the interpreter",
		    b->name, kind, num, (char *)msg);
	}
	atomic_store_explicit(&j->done[i], 1, memory_order_release);
	pthread_mutex_unlock(&j->lock);
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
	int rc;

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
			if (re_compile(b, k++, lists[i][j], flags, err, errlen) < 0)
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
	else if ((rc = prefilter_add(m->pf, bi, src->patterns, src->npatterns)) < 0)
		goto nomem;
	else
		b->always = rc == 0;
	return 0;
nomem:
	errf(err, errlen, "brand %s: out of memory", src->name);
	return -1;
}

struct match_scratch *
match_scratch_new(const struct matcher *m)
{
	struct match_scratch *sc = calloc(1, sizeof *sc);

	if (!sc || !(sc->md = pcre2_match_data_create(1, NULL)) ||
	    !(sc->cand = calloc(m->n ? m->n : 1, 1)) ||
	    !(sc->mctx = pcre2_match_context_create(NULL))) {
		match_scratch_free(sc);
		return NULL;
	}
	pcre2_set_match_limit(sc->mctx, m->o.match_limit);
	pcre2_set_depth_limit(sc->mctx, m->o.depth_limit);
	if (!m->o.no_jit) {
		sc->jstack = pcre2_jit_stack_create(JIT_STACK_MIN, JIT_STACK_MAX, NULL);
		if (sc->jstack)
			pcre2_jit_stack_assign(sc->mctx, NULL, sc->jstack);
	}
	return sc;
}

void
match_scratch_free(struct match_scratch *sc)
{
	if (!sc)
		return;
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_jit_stack_free(sc->jstack);
	free(sc->cand);
	free(sc->span);
	free(sc);
}

struct matcher *
match_new(const struct match_brand *brands, size_t n,
    const struct match_opts *o, char *err, size_t errlen)
{
	struct matcher *m = calloc(1, sizeof *m);
	size_t i;
	int built;

	if (!m || !(m->b = calloc(n ? n : 1, sizeof *m->b)) ||
	    !(m->pf = prefilter_new()) || !(m->jit = calloc(1, sizeof *m->jit)) ||
	    !(m->jit->done = calloc(n ? n : 1, sizeof *m->jit->done))) {
		match_free(m);
		errf(err, errlen, "matcher: out of memory");
		return NULL;
	}
	pthread_mutex_init(&m->jit->lock, NULL);
	m->n = n;
	if (o)
		m->o = *o;
	else
		match_opts_default(&m->o);
	match_fix_opts(&m->o);
	for (i = 0; i < n; i++)
		if (brand_init(m, i, &brands[i], err, errlen) < 0)
			goto fail;
	if ((built = prefilter_build(m->pf)) < 0 ||
	    !(m->sc = match_scratch_new(m))) {
		errf(err, errlen, "matcher: out of memory");
		goto fail;
	}
	if (!built)    /* no literals, or too many: every brand runs */
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
	match_scratch_free(m->sc);
	prefilter_free(m->pf);
	if (m->jit && m->jit->done)
		pthread_mutex_destroy(&m->jit->lock);
	if (m->jit)
		free(m->jit->done);
	free(m->jit);
	free(m->b);
	free(m);
}

size_t
match_literals(const struct matcher *m, size_t brand, char *out, size_t outlen)
{
	/* A brand added with literals is still always run when the automaton
	 * was not built: it then has none that matter. */
	if (brand < m->n && !m->b[brand].always)
		return prefilter_literals(m->pf, brand, out, outlen);
	if (outlen)
		out[0] = '\0';
	return 0;
}

/* ---- matching ----------------------------------------------------------- */

/* 1 with the span of the first match at or after pos, 0 if none, or the
 * negative PCRE2 error. */
static int
re_find(struct match_scratch *sc, const pcre2_code *re, const char *text,
    size_t len, size_t pos, uint32_t opts, struct span *sp)
{
	PCRE2_SIZE *ov;
	int rc;

	rc = pcre2_match(re, (PCRE2_SPTR)text, len, pos, opts, sc->md, sc->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return rc;
	ov = pcre2_get_ovector_pointer(sc->md);
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
spans_collect(struct match_scratch *sc, const struct mbrand *b, const char *text,
    size_t len, char *err, size_t errlen)
{
	struct span sp;
	size_t x, pos, i, j;
	int rc;

	sc->nspan = 0;
	for (x = b->npat; x < b->npat + b->nexc; x++) {
		for (pos = 0; (rc = re_find(sc, b->re[x], text, len, pos,
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
pattern_hit(struct match_scratch *sc, const struct mbrand *b, size_t k,
    const char *text, size_t len, size_t limit, struct span *h, char *err,
    size_t errlen)
{
	size_t pos = 0, i;
	int rc;

	for (;;) {
		rc = re_find(sc, b->re[k], text, len, pos, PCRE2_NOTEMPTY, h);
		if (rc < 0)
			re_error(b, k, rc, err, errlen);
		if (rc <= 0 || h->s >= limit)
			return rc < 0 ? -1 : 0;
		if (!b->nexc)
			return 1;
		if (!sc->spans_ready && spans_collect(sc, b, text, len, err, errlen) < 0)
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
brand_match(struct match_scratch *sc, const struct mbrand *b, const char *text,
    size_t len, struct match_hit *hit, char *err, size_t errlen)
{
	struct span h, best = { (size_t)-1, 0 };
	size_t k;
	int rc;

	sc->spans_ready = 0;
	for (k = 0; k < b->npat; k++) {
		rc = pattern_hit(sc, b, k, text, len, best.s, &h, err, errlen);
		if (rc < 0)
			return -1;
		if (rc > 0)
			best = h;
	}
	if (best.s == (size_t)-1)
		return 0;
	for (k = b->npat + b->nexc; k < b->npat + b->nexc + b->nreq; k++) {
		rc = re_find(sc, b->re[k], text, len, 0, 0, &h);
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
	return match_text_with(m, m->sc, feed, text, len, hits, maxhits, nerrors,
	    err, errlen);
}

int
match_text_with(const struct matcher *m, struct match_scratch *sc,
    const char *feed, const char *text, size_t len, struct match_hit *hits,
    size_t maxhits, unsigned *nerrors, char *err, size_t errlen)
{
	size_t i, nh = 0;
	unsigned nerr = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!text)
		len = 0;
	prefilter_scan(m->pf, text, len, sc->cand, m->n);
	for (i = 0; i < m->n && nh < maxhits; i++) {
		const struct mbrand *b = &m->b[i];

		if ((!b->always && !sc->cand[i]) || !brand_in_feed(b, feed))
			continue;
		brand_jit(m, i);
		/* The first failing brand's reason is the one reported. */
		rc = brand_match(sc, b, text ? text : "", len, &hits[nh],
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
