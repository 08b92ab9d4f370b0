/* The scorer. A text becomes tokens (words, emoticons, emoji: token.c), tokens
 * become units (the longest lexicon term starting at each token), and each
 * unit with a valence becomes a hit, adjusted by the rules in score_unit.
 * Everything lives in one struct analysis on the caller's stack: nothing is
 * allocated while scoring. A text longer than TOKEN_MAX tokens (or
 * TOKEN_MAX_LOWER bytes of tokens) is scored on its beginning, and at most
 * MAX_HITS opinion words of it count. */
#include "sentiment.h"

#include <math.h>
#include <string.h>

#include "sentiment_int.h"

static const float decay[WINDOW] = { 1.0f, 0.95f, 0.9f };

/* ---- units ---- */

static int
unit_is(const struct analysis *a, size_t u, const char *word)
{
	const struct unit *un = &a->unit[u];

	return un->len == strlen(word) && memcmp(a->tk.lower + un->off, word, un->len) == 0;
}

/* The first zero-width joiner in s[0..n), or NULL. */
static const char *
find_zwj(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, "\xe2\x80\x8d", 3) == 0)
			return s + i;
	return NULL;
}

/* The longest term starting at token t, within its clause; sets *n. */
static const struct lexicon_entry *
longest_term(const struct analysis *a, const struct lexicon *lx, size_t t, size_t *n)
{
	const struct token *first = &a->tk.tok[t];
	const char *t0 = a->tk.lower + first->off;
	const struct lexicon_entry *e = lexicon_find(lx, t0, first->len);
	const char *zwj;
	size_t m;

	*n = 1;
	/* An unknown joined emoji (🤦 + ZWJ + ♀) reads as its first part. */
	if (!e && first->len > 4 && (unsigned char)t0[0] >= 0xe2 &&
	    (zwj = find_zwj(t0, first->len)))
		e = lexicon_find(lx, t0, (size_t)(zwj - t0));
	if (!e || e->phrase_max < 2)
		return e;
	for (m = e->phrase_max; m >= 2; m--) {
		const struct token *last;
		const struct lexicon_entry *p;

		if (t + m > a->tk.ntok ||
		    (last = &a->tk.tok[t + m - 1])->clause != first->clause)
			continue;
		p = lexicon_find(lx, t0, last->off + last->len - first->off);
		if (p && (p->flags || p->aspect >= 0)) {
			*n = m;
			return p;
		}
	}
	return e;
}

static void
make_units(struct analysis *a, const struct lexicon *lx)
{
	size_t t = 0, n, i;

	while (t < a->tk.ntok) {
		struct unit *u = &a->unit[a->nunit++];
		const struct token *last;

		u->e = longest_term(a, lx, t, &n);
		last = &a->tk.tok[t + n - 1];
		u->off = a->tk.tok[t].off;
		u->len = (uint16_t)(last->off + last->len - u->off);
		u->sent = a->tk.tok[t].sent;
		u->clause = a->tk.tok[t].clause;
		u->shout = 1;
		u->stretched = 0;
		for (i = t; i < t + n; i++) {
			u->shout &= a->tk.tok[i].shout;
			u->stretched |= a->tk.tok[i].stretched;
		}
		u->contrast = -1;
		u->factor = 1;
		if (u->e && u->e->aspect >= 0 && u->e->aspect < 32)
			a->aspects |= 1u << u->e->aspect;
		t += n;
	}
}

static void
weigh(struct analysis *a, size_t u, float factor, size_t c, int multiply)
{
	a->unit[u].factor = multiply ? a->unit[u].factor * factor : factor;
	a->unit[u].contrast = (int16_t)c;
}

/* "A but B": A weighs BEFORE_BUT, B AFTER_BUT, and a sentence opening with
 * "But" weighs down the sentence before it. "Although A, B": the concessive
 * clause A weighs BEFORE_BUT and the rest of the sentence AFTER_BUT. Only the
 * first contrast word of a sentence counts. */
static void
weigh_contrast(struct analysis *a)
{
	size_t c, u, start = 0, from;
	int seen = -1;

	for (c = 0; c < a->nunit; c++) {
		const struct unit *cu = &a->unit[c];
		unsigned fl = cu->e ? cu->e->flags : 0;

		if (c && cu->sent != a->unit[c - 1].sent)
			start = c;
		if (!(fl & (LEX_CONTRAST | LEX_CONCESSIVE)) || seen == cu->sent)
			continue;
		seen = cu->sent;
		if (fl & LEX_CONCESSIVE) {
			for (u = start; u < a->nunit && a->unit[u].sent == cu->sent; u++)
				if (u != c)
					weigh(a, u, u > c && a->unit[u].clause == cu->clause ?
					    BEFORE_BUT : AFTER_BUT, c, 0);
			continue;
		}
		from = start;
		if (c == start && c > 0)
			for (from = c; from > 0 && a->unit[from - 1].sent == a->unit[c - 1].sent;
			    from--)
				;
		for (u = from; u < c; u++)
			weigh(a, u, BEFORE_BUT, c, 1);
		for (u = c + 1; u < a->nunit && a->unit[u].sent == cu->sent; u++)
			weigh(a, u, AFTER_BUT, c, 1);
	}
}

/* ---- rules ---- */

static int
is_negation(const struct analysis *a, size_t u)
{
	const struct unit *un = &a->unit[u];

	if (un->e && (un->e->flags & LEX_NEGATION))
		return 1;
	/* "the least helpful" is not helpful; "at least it works" still works. */
	if (unit_is(a, u, "least"))
		return !u || !unit_is(a, u - 1, "at");
	/* Any "n't" form the list forgot: shouldn't, needn't, mustn't. */
	return un->len > 3 && memcmp(a->tk.lower + un->off + un->len - 3, "n't", 3) == 0;
}

static int
sign(double v)
{
	return (v > 0) - (v < 0);
}

/* Negations and boosters within WINDOW units before hit unit k, in its
 * sentence. Boosters push away from zero (dampeners toward it), decaying with
 * distance; each negation flips and weakens, except "never so/this good". */
static void
look_back(struct analysis *a, struct hit *h, size_t k, int mixed)
{
	size_t d, j;

	for (d = 1; d <= WINDOW && d <= k; d++) {
		const struct unit *u;

		j = k - d;
		u = &a->unit[j];
		if (u->sent != a->unit[k].sent)
			break;
		if (u->e && (u->e->flags & LEX_BOOST) && h->nboost < WINDOW) {
			double w = u->e->boost;

			if (u->shout && mixed)
				w += sign(w) * CAPS;
			if (u->stretched)
				w += sign(w) * STRETCH;
			w *= decay[d - 1];
			h->boost_unit[h->nboost] = (int16_t)j;
			h->boost[h->nboost++] = (float)(sign(h->base) * w);
		}
		if (!is_negation(a, j))
			continue;
		if (unit_is(a, j, "never") && d > 1 && (unit_is(a, j + 1, "so") ||
		    unit_is(a, j + 1, "this") || unit_is(a, j + 1, "such")))
			h->never_so = 1;
		else
			h->nneg++;
		if (h->neg < 0)
			h->neg = (int16_t)j;
	}
}

static void
score_unit(struct analysis *a, size_t k, int mixed)
{
	const struct unit *u = &a->unit[k];
	struct hit *h;
	double v;
	unsigned i;

	if (!u->e || !(u->e->flags & LEX_VALENCE) || u->e->valence == 0 ||
	    (u->e->flags & (LEX_NEGATION | LEX_BOOST)) || a->nhit == MAX_HITS) {
		a->neu += 1;
		return;
	}
	h = &a->hit[a->nhit++];
	memset(h, 0, sizeof *h);
	h->unit = (uint16_t)k;
	h->neg = -1;
	h->base = (float)u->e->valence;
	if (u->shout && mixed)
		h->caps = (float)(sign(h->base) * CAPS);
	if (u->stretched)
		h->stretch = (float)(sign(h->base) * STRETCH);
	look_back(a, h, k, mixed);
	v = h->base + h->caps + h->stretch;
	for (i = 0; i < h->nboost; i++)
		v += h->boost[i];
	for (i = 0; i < h->nneg; i++)
		v *= NEGATE;
	if (h->never_so)
		v *= NEVER_SO;
	h->value = (float)(v * u->factor);
}

/* '!' (up to MAX_EXCL) and repeated '?' push the sum further from zero; the
 * push is credited to the strongest hit on the sum's side. */
static void
add_emphasis(struct analysis *a)
{
	double e = (a->tk.nexcl < MAX_EXCL ? a->tk.nexcl : MAX_EXCL) * EXCL;
	size_t i;

	if (a->tk.nquest > 1)
		e += a->tk.nquest * QUEST < MAX_QUEST ? a->tk.nquest * QUEST : MAX_QUEST;
	a->emph_hit = -1;
	if (e == 0 || a->sum == 0)
		return;
	for (i = 0; i < a->nhit; i++)
		if (sign(a->hit[i].value) == sign(a->sum) && (a->emph_hit < 0 ||
		    fabs(a->hit[i].value) > fabs(a->hit[a->emph_hit].value)))
			a->emph_hit = (int)i;
	a->hit[a->emph_hit].emph = (float)(sign(a->sum) * e);
	a->hit[a->emph_hit].value += a->hit[a->emph_hit].emph;
	a->sum += sign(a->sum) * e;
}

void
sentiment_analyse(struct analysis *a, const struct lexicon *lx, const char *text,
    size_t len)
{
	size_t k;
	int mixed;

	a->nunit = a->nhit = 0;
	a->aspects = 0;
	a->sum = a->pos = a->neg = a->neu = 0;
	a->emph_hit = -1;
	if (!lx || !text)
		len = 0;
	token_split(&a->tk, lx, text, len);
	make_units(a, lx);
	weigh_contrast(a);
	mixed = a->tk.shout_words && a->tk.lower_words;
	for (k = 0; k < a->nunit; k++)
		score_unit(a, k, mixed);
	for (k = 0; k < a->nhit; k++)
		a->sum += a->hit[k].value;
	add_emphasis(a);
	/* Shares as VADER counts them: an opinion word weighs 1 + |value|, a
	 * neutral word 1. */
	for (k = 0; k < a->nhit; k++) {
		if (a->hit[k].value > 0)
			a->pos += a->hit[k].value + 1;
		else if (a->hit[k].value < 0)
			a->neg += 1 - a->hit[k].value;
		else
			a->neu += 1;
	}
}

/* ---- public ---- */

void
sentiment_opts_default(struct sentiment_opts *o)
{
	o->pos_threshold = 0.05;
	o->neg_threshold = -0.05;
}

static enum sentiment_label
label_of(const struct sentiment_opts *o, double compound)
{
	return compound >= o->pos_threshold ? SENT_POSITIVE :
	    compound <= o->neg_threshold ? SENT_NEGATIVE : SENT_NEUTRAL;
}

void
sentiment_blend_rating(struct sentiment *s, const struct sentiment_opts *o,
    double rating, double weight)
{
	struct sentiment_opts def;

	if (rating < 0 || !(weight > 0))
		return;
	if (!o) {
		sentiment_opts_default(&def);
		o = &def;
	}
	if (rating > 1)
		rating = 1;
	if (weight > 1)
		weight = 1;
	s->compound = (1 - weight) * s->compound + weight * (2 * rating - 1);
	s->label = label_of(o, s->compound);
}

void
sentiment_finish(const struct analysis *a, const struct sentiment_opts *o,
    struct sentiment *out)
{
	struct sentiment_opts def;
	double total = a->pos + a->neg + a->neu;

	if (!o) {
		sentiment_opts_default(&def);
		o = &def;
	}
	out->compound = a->sum / sqrt(a->sum * a->sum + ALPHA);
	if (out->compound > 1)
		out->compound = 1;
	else if (out->compound < -1)
		out->compound = -1;
	out->pos = total > 0 ? a->pos / total : 0;
	out->neg = total > 0 ? a->neg / total : 0;
	out->neu = total > 0 ? a->neu / total : 1;
	out->aspects = a->aspects;
	out->label = label_of(o, out->compound);
}

void
sentiment_score(const struct lexicon *lx, const struct sentiment_opts *o,
    const char *text, size_t len, struct sentiment *out)
{
	struct analysis a;

	sentiment_analyse(&a, lx, text, len);
	sentiment_finish(&a, o, out);
}

const char *
sentiment_aspect_name(const struct lexicon *lx, unsigned i)
{
	return lexicon_aspect_name(lx, i);
}

const char *
sentiment_label_name(enum sentiment_label l)
{
	switch (l) {
	case SENT_POSITIVE: return "positive";
	case SENT_NEGATIVE: return "negative";
	default: return "neutral";
	}
}
