/* The scorer. A text becomes tokens (words, emoticons, emoji), tokens become
 * units (the longest lexicon term starting at each token), and each unit with
 * a valence becomes a hit, adjusted by the rules in score_unit. Everything
 * lives in one struct analysis on the caller's stack: nothing is allocated
 * while scoring. A text longer than MAX_TOKENS tokens (or MAX_LOWER bytes of
 * tokens) is scored on its beginning, and at most MAX_HITS opinion words of
 * it count. */
#include "sentiment.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define MAX_TOKENS 512
#define MAX_LOWER 4096
#define MAX_HITS 256
#define MAX_WORD 64        /* longer words are cut: no term is that long */
#define MAX_REASON 5       /* terms named in a reason */
#define WINDOW 3           /* how far back negations and boosters reach */

/* The rule constants, after VADER's published ones (Hutto & Gilbert 2014). */
#define NEGATE (-0.74)     /* a negated valence flips and weakens */
#define NEVER_SO 1.25      /* "never so good": emphasis, not negation */
#define CAPS 0.733         /* an ALL CAPS word in mixed-case text */
#define EXCL 0.292         /* per '!', up to MAX_EXCL */
#define MAX_EXCL 4
#define QUEST 0.18         /* per '?' when there are two or more */
#define MAX_QUEST 0.96
#define BEFORE_BUT 0.5
#define AFTER_BUT 1.5
#define ALPHA 15.0         /* compound = s / sqrt(s^2 + ALPHA) */

static const float decay[WINDOW] = { 1.0f, 0.95f, 0.9f };

struct token {
	uint16_t off, len;       /* in lower[] */
	uint16_t sent, clause;   /* phrases stay in a clause, rules in a sentence */
	uint8_t shout;           /* ALL CAPS, two letters or more */
};

struct unit {
	uint16_t off, len;       /* in lower[]: its tokens joined by single spaces */
	uint16_t sent, clause;
	uint8_t shout;
	int16_t contrast;        /* the contrast word weighing it, or -1 */
	float factor;            /* contrast weight: BEFORE_BUT, 1 or AFTER_BUT */
	const struct lexicon_entry *e;
};

struct hit {
	uint16_t unit;
	int16_t neg;             /* nearest negation, or -1 */
	uint8_t nneg;            /* negations that flipped it */
	uint8_t never_so;
	uint8_t nboost;
	int16_t boost_unit[WINDOW];
	float boost[WINDOW];
	float base, caps, emph, value;
};

struct analysis {
	char lower[MAX_LOWER];
	size_t nlower;
	struct token tok[MAX_TOKENS];
	size_t ntok;
	struct unit unit[MAX_TOKENS];
	size_t nunit;
	struct hit hit[MAX_HITS];
	size_t nhit;
	unsigned nexcl, nquest, aspects, sent, clause;
	int shout_words, lower_words, truncated, open; /* open: tokens since a break */
	int emph_hit;
	double sum, pos, neg, neu;
};

/* ---- UTF-8 ---- */

/* Decodes the code point at s[0..n); returns its length, or 0 if invalid. */
static size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static int
is_emoji(uint32_t c)
{
	return (c >= 0x1f000 && c <= 0x1faff) || (c >= 0x2600 && c <= 0x27bf) ||
	    (c >= 0x2300 && c <= 0x23ff) || (c >= 0x2b00 && c <= 0x2bff) ||
	    c == 0x203c || c == 0x2049 || c == 0x3030 || c == 0x303d;
}

/* Joined to the emoji before them and dropped from the lookup key. */
static int
is_emoji_modifier(uint32_t c)
{
	return c == 0xfe0f || c == 0xfe0e || (c >= 0x1f3fb && c <= 0x1f3ff);
}

/* Letters of other scripts; punctuation, symbols and spaces are not. */
static int
is_letter(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9');
	return c >= 0xc0 && c != 0xd7 && c != 0xf7 && !(c >= 0x2000 && c <= 0x2bff) &&
	    !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xfe00 && c <= 0xfe0f) &&
	    !(c >= 0xff00 && c <= 0xff0f) && c != 0xfeff && !is_emoji(c);
}

/* A byte that can end or start a word, for joining hyphenated words. */
static int
is_word_byte(unsigned char b)
{
	return b >= 0x80 || is_letter(b);
}

/* ---- tokens ---- */

/* Starts a token in lower[]; 0 when the buffer cannot take n more bytes. */
static int
tok_begin(struct analysis *a, size_t n)
{
	struct token *t;

	if (a->ntok == MAX_TOKENS || a->nlower + 1 + n > MAX_LOWER) {
		a->truncated = 1;
		return 0;
	}
	if (a->nlower)
		a->lower[a->nlower++] = ' ';
	t = &a->tok[a->ntok];
	t->off = (uint16_t)a->nlower;
	t->len = 0;
	t->sent = (uint16_t)a->sent;
	t->clause = (uint16_t)a->clause;
	t->shout = 0;
	a->open = 1;
	return 1;
}

static void
tok_end(struct analysis *a)
{
	struct token *t = &a->tok[a->ntok++];

	t->len = (uint16_t)(a->nlower - t->off);
}

static void
tok_break(struct analysis *a, int sentence)
{
	if (!a->open)
		return;
	a->open = 0;
	a->clause++;
	if (sentence)
		a->sent++;
}

/* An apostrophe between letters ("don't") or a point or comma between
 * digits ("2.5") belongs to the word around it. */
static int
inner_mark(const unsigned char *s, size_t n, size_t i, size_t k, uint32_t c)
{
	uint32_t next;

	if (i + k >= n || !utf8_decode(s + i + k, n - i - k, &next))
		return 0;
	if (c == '.' || c == ',')
		return s[i - 1] >= '0' && s[i - 1] <= '9' && next >= '0' && next <= '9';
	return is_letter(next);
}

/* Appends one code point of a word to lower[], lower-cased, counting case. */
static void
word_put(struct analysis *a, const unsigned char *s, size_t k, uint32_t c,
    unsigned *upper, unsigned *lower)
{
	char *p = a->lower + a->nlower;

	if (a->nlower + k - a->tok[a->ntok].off > MAX_WORD)
		return;
	if (c == 0x2019) {
		*p = '\'';
		a->nlower++;
		return;
	}
	memcpy(p, s, k);
	a->nlower += k;
	if (c >= 'A' && c <= 'Z')
		*p += 'a' - 'A', ++*upper;
	else if (c >= 'a' && c <= 'z')
		++*lower;
	else if (c >= 0xc0 && c <= 0xde)
		p[1] += 0x20, ++*upper;  /* Latin-1 capitals À..Þ */
	else if (c >= 0xdf && c <= 0xff)
		++*lower;
}

/* A word: letters and digits with inner marks. Returns the bytes consumed. */
static size_t
read_word(struct analysis *a, const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	unsigned upper = 0, lower = 0;
	uint32_t c;

	if (!tok_begin(a, MAX_WORD))
		return n;
	while (i < n && (k = utf8_decode(s + i, n - i, &c))) {
		if (c == '\'' || c == 0x2019 || c == '.' || c == ',') {
			if (!inner_mark(s, n, i, k, c))
				break;
		} else if (!is_letter(c))
			break;
		word_put(a, s + i, k, c, &upper, &lower);
		i += k;
	}
	a->tok[a->ntok].shout = upper >= 2 && !lower;
	a->shout_words += upper >= 2 && !lower;
	a->lower_words += lower > 0;
	tok_end(a);
	return i ? i : 1;
}

static int
is_regional(uint32_t c)
{
	return c >= 0x1f1e6 && c <= 0x1f1ff;
}

/* An emoji with its modifiers and zero-width-joined partners (a flag is a
 * pair of regional indicators); modifiers are left out of the key so that
 * ❤ and ❤️ are one term. */
static size_t
read_emoji(struct analysis *a, const unsigned char *s, size_t n)
{
	size_t i = 0, k, parts = 0;
	uint32_t c, prev = 0;
	int zwj = 0;

	if (!tok_begin(a, 32))
		return n;
	while (i < n && (k = utf8_decode(s + i, n - i, &c))) {
		if (parts && (is_emoji_modifier(c) || c == 0x20e3 || (c == 0x200d && !zwj))) {
			zwj = c == 0x200d;
			i += k;
			continue;
		}
		if (!is_emoji(c) || parts == 4 || a->nlower + k + 3 - a->tok[a->ntok].off > 32 ||
		    (parts && !zwj && !(parts == 1 && is_regional(prev) && is_regional(c))))
			break;
		if (zwj) {
			memcpy(a->lower + a->nlower, "\xe2\x80\x8d", 3);
			a->nlower += 3;
		}
		memcpy(a->lower + a->nlower, s + i, k);
		a->nlower += k;
		i += k;
		parts++;
		prev = c;
		zwj = 0;
	}
	tok_end(a);
	return i ? i : 1;
}

/* An emoticon is a lexicon term of ASCII punctuation (and a few letters) set
 * off by spaces: ":)", ":-(", "<3", ":D". Longest match wins. */
static size_t
read_emoticon(struct analysis *a, const struct lexicon *lx,
    const unsigned char *s, size_t n)
{
	char key[8];
	size_t run = 0, len, i;

	while (run < n && run < sizeof key && s[run] > ' ' && s[run] < 0x7f)
		run++;
	for (len = run; len >= 2; len--) {
		const struct lexicon_entry *e;

		if (len < n && ((s[len] | 0x20) >= 'a' && (s[len] | 0x20) <= 'z'))
			continue;
		for (i = 0; i < len; i++)
			key[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
		if (!(e = lexicon_find(lx, key, len)) || !(e->flags & LEX_VALENCE))
			continue;
		if (!tok_begin(a, len))
			return n;
		memcpy(a->lower + a->nlower, key, len);
		a->nlower += len;
		tok_end(a);
		return len;
	}
	return 0;
}

/* Punctuation: counts emphasis, ends sentences and clauses. */
static void
read_punct(struct analysis *a, uint32_t c)
{
	if (c == '!')
		a->nexcl++;
	else if (c == '?')
		a->nquest++;
	if (c == ' ' || c == 0xa0)
		return;
	tok_break(a, c == '.' || c == '!' || c == '?' || c == ';' || c == 0x2026 ||
	    c == 0x3002);
}

static void
tokenise(struct analysis *a, const struct lexicon *lx, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, k;
	int spaced = 1;
	uint32_t c;

	while (i < len && !a->truncated) {
		if (!(k = utf8_decode(s + i, len - i, &c))) {
			tok_break(a, 0);     /* an invalid byte separates, nothing more */
			i++;
			continue;
		}
		/* "rip-off" reads as "rip off": the lexicon stores it so. */
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xa0 ||
		    (c == '-' && i > 0 && i + 1 < len && is_word_byte(s[i - 1]) &&
		    is_word_byte(s[i + 1]))) {
			i += k;
			spaced = 1;
			continue;
		}
		if (is_letter(c))
			k = read_word(a, s + i, len - i);
		else if (is_emoji(c))
			k = read_emoji(a, s + i, len - i);
		else if (!(c < 0x80 && spaced && (k = read_emoticon(a, lx, s + i, len - i)))) {
			read_punct(a, c);
			k = utf8_decode(s + i, len - i, &c);
		}
		i += k;
		spaced = 0;
	}
}

/* ---- units ---- */

static int
unit_is(const struct analysis *a, size_t u, const char *word)
{
	const struct unit *un = &a->unit[u];

	return un->len == strlen(word) && memcmp(a->lower + un->off, word, un->len) == 0;
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
	const struct token *tk = &a->tok[t];
	const char *t0 = a->lower + tk->off;
	const struct lexicon_entry *e = lexicon_find(lx, t0, tk->len);
	const char *zwj;
	size_t m;

	*n = 1;
	/* An unknown joined emoji (🤦 + ZWJ + ♀) reads as its first part. */
	if (!e && tk->len > 4 && (unsigned char)t0[0] >= 0xe2 &&
	    (zwj = find_zwj(t0, tk->len)))
		e = lexicon_find(lx, t0, (size_t)(zwj - t0));
	if (!e || e->phrase_max < 2)
		return e;
	for (m = e->phrase_max; m >= 2; m--) {
		const struct token *last;
		const struct lexicon_entry *p;

		if (t + m > a->ntok || (last = &a->tok[t + m - 1])->clause != tk->clause)
			continue;
		p = lexicon_find(lx, a->lower + tk->off, last->off + last->len - tk->off);
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

	while (t < a->ntok) {
		struct unit *u = &a->unit[a->nunit++];
		const struct token *last;

		u->e = longest_term(a, lx, t, &n);
		last = &a->tok[t + n - 1];
		u->off = a->tok[t].off;
		u->len = (uint16_t)(last->off + last->len - u->off);
		u->sent = a->tok[t].sent;
		u->clause = a->tok[t].clause;
		u->shout = 1;
		for (i = t; i < t + n; i++)
			u->shout &= a->tok[i].shout;
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
	return un->len > 3 && memcmp(a->lower + un->off + un->len - 3, "n't", 3) == 0;
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
	look_back(a, h, k, mixed);
	v = h->base + h->caps;
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
	double e = (a->nexcl < MAX_EXCL ? a->nexcl : MAX_EXCL) * EXCL;
	size_t i;

	if (a->nquest > 1)
		e += a->nquest * QUEST < MAX_QUEST ? a->nquest * QUEST : MAX_QUEST;
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

static void
analyse(struct analysis *a, const struct lexicon *lx, const char *text, size_t len)
{
	size_t k;
	int mixed;

	a->nlower = a->ntok = a->nunit = a->nhit = 0;
	a->nexcl = a->nquest = a->aspects = a->sent = a->clause = 0;
	a->shout_words = a->lower_words = a->truncated = a->open = 0;
	a->sum = a->pos = a->neg = a->neu = 0;
	a->emph_hit = -1;
	if (!lx || !text)
		return;
	tokenise(a, lx, text, len);
	make_units(a, lx);
	weigh_contrast(a);
	mixed = a->shout_words && a->lower_words;
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

static void
finish(const struct analysis *a, const struct sentiment_opts *o,
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
	out->label = out->compound >= o->pos_threshold ? SENT_POSITIVE :
	    out->compound <= o->neg_threshold ? SENT_NEGATIVE : SENT_NEUTRAL;
}

void
sentiment_score(const struct lexicon *lx, const struct sentiment_opts *o,
    const char *text, size_t len, struct sentiment *out)
{
	struct analysis a;

	analyse(&a, lx, text, len);
	finish(&a, o, out);
}

/* ---- explanations ---- */

#define UNIT_FMT "'%.*s'"
#define UNIT_ARG(a, u) (int)(a)->unit[u].len, (a)->lower + (a)->unit[u].off

/* Where a hit sits relative to the contrast word weighing it. */
static const char *
contrast_place(const struct analysis *a, size_t u)
{
	const struct unit *un = &a->unit[u];
	int concessive = a->unit[un->contrast].e->flags & LEX_CONCESSIVE;

	if (concessive)
		return un->factor < 1 ? "inside the clause of" : "outside the clause of";
	return (size_t)un->contrast > u ? "before" : "after";
}

/* "negated by 'not', 'very', caps, after 'but', !!" */
static int
brief_notes(const struct analysis *a, const struct hit *h, struct buf *out)
{
	const struct unit *u = &a->unit[h->unit];
	const char *sep = " (";
	int rc = 0;
	unsigned i;

	if (h->nneg)
		rc |= buf_printf(out, "%snegated by " UNIT_FMT, sep, UNIT_ARG(a, h->neg)), sep = ", ";
	if (h->never_so)
		rc |= buf_printf(out, "%s'never so'", sep), sep = ", ";
	for (i = 0; i < h->nboost; i++, sep = ", ")
		rc |= buf_printf(out, "%s" UNIT_FMT, sep, UNIT_ARG(a, h->boost_unit[i]));
	if (h->caps)
		rc |= buf_printf(out, "%scaps", sep), sep = ", ";
	if (u->contrast >= 0)
		rc |= buf_printf(out, "%s%s " UNIT_FMT, sep, contrast_place(a, h->unit),
		    UNIT_ARG(a, u->contrast)), sep = ", ";
	if (h->emph) {
		rc |= buf_printf(out, "%s%.*s%s", sep, a->nexcl < MAX_EXCL ? (int)a->nexcl :
		    MAX_EXCL, "!!!!", a->nquest > 1 ? "??" : "");
		sep = ", ";
	}
	if (*sep == ',')
		rc |= buf_putc(out, ')');
	return rc;
}

static int
aspect_list(const struct lexicon *lx, unsigned bits, const char *lead,
    struct buf *out)
{
	const char *name, *sep = lead;
	unsigned i;
	int rc = 0;

	for (i = 0; (name = lexicon_aspect_name(lx, i)); i++)
		if (bits & (1u << i)) {
			rc |= buf_printf(out, "%s%s", sep, name);
			sep = ", ";
		}
	return rc;
}

int
sentiment_reason(const struct lexicon *lx, const char *text, size_t len,
    struct buf *out)
{
	struct analysis a;
	size_t order[MAX_HITS], i, j;
	int rc = 0;

	analyse(&a, lx, text, len);
	/* Strongest first, ties in text order (insertion sort: n is small). */
	for (i = 0; i < a.nhit; i++) {
		for (j = i; j > 0 && fabs(a.hit[order[j - 1]].value) < fabs(a.hit[i].value); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < a.nhit && i < MAX_REASON; i++) {
		const struct hit *h = &a.hit[order[i]];

		rc |= buf_printf(out, "%s" UNIT_FMT " %+.1f", i ? ", " : "",
		    UNIT_ARG(&a, h->unit), h->value);
		rc |= brief_notes(&a, h, out);
	}
	if (!a.nhit)
		rc |= buf_puts(out, "no opinion words");
	rc |= aspect_list(lx, a.aspects, "; about ", out);
	return rc ? -1 : 0;
}

static int
explain_hit(const struct analysis *a, const struct hit *h, struct buf *out)
{
	const struct unit *u = &a->unit[h->unit];
	int rc = 0;
	unsigned i;

	rc |= buf_printf(out, UNIT_FMT ": valence %+.2f%s\n", UNIT_ARG(a, h->unit),
	    h->base, u->e->words > 1 ? " (phrase)" : "");
	if (h->caps)
		rc |= buf_printf(out, "  ALL CAPS in mixed-case text: %+.3f\n", h->caps);
	for (i = 0; i < h->nboost; i++)
		rc |= buf_printf(out, "  %s by " UNIT_FMT ": %+.3f\n",
		    fabs(h->base + h->boost[i]) >= fabs(h->base) ? "boosted" : "damped",
		    UNIT_ARG(a, h->boost_unit[i]), h->boost[i]);
	if (h->nneg)
		rc |= buf_printf(out, "  negated by " UNIT_FMT ": x%.2f\n", UNIT_ARG(a, h->neg),
		    pow(NEGATE, h->nneg));
	if (h->never_so)
		rc |= buf_printf(out, "  'never so' emphasis: x%.2f\n", NEVER_SO);
	if (u->contrast >= 0)
		rc |= buf_printf(out, "  %s " UNIT_FMT ": x%.2f\n", contrast_place(a, h->unit),
		    UNIT_ARG(a, u->contrast), u->factor);
	if (h->emph)
		rc |= buf_printf(out, "  emphasis from %u '!' and %u '?': %+.3f\n", a->nexcl,
		    a->nquest, h->emph);
	rc |= buf_printf(out, "  = %+.3f\n", h->value);
	return rc;
}

int
sentiment_explain(const struct lexicon *lx, const struct sentiment_opts *o,
    const char *text, size_t len, struct buf *out)
{
	struct sentiment_opts def;
	struct sentiment s;
	struct analysis a;
	size_t i;
	int rc = 0;

	if (!o) {
		sentiment_opts_default(&def);
		o = &def;
	}
	analyse(&a, lx, text, len);
	finish(&a, o, &s);
	for (i = 0; i < a.nhit; i++)
		rc |= explain_hit(&a, &a.hit[i], out);
	if (!a.nhit)
		rc |= buf_puts(out, "no opinion words\n");
	rc |= buf_printf(out, "sum: %+.3f\n", a.sum);
	rc |= buf_printf(out, "compound: %+.4f (sum / sqrt(sum^2 + %g), in -1..+1)\n",
	    s.compound, ALPHA);
	rc |= buf_printf(out, "shares: positive %.3f, negative %.3f, neutral %.3f\n",
	    s.pos, s.neg, s.neu);
	rc |= buf_printf(out, "label: %s (positive at %+.2f or more, negative at %+.2f "
	    "or less)\n", sentiment_label_name(s.label), o->pos_threshold, o->neg_threshold);
	rc |= buf_puts(out, "aspects:");
	rc |= s.aspects ? aspect_list(lx, s.aspects, " ", out) : buf_puts(out, " none");
	rc |= buf_putc(out, '\n');
	if (a.truncated)
		rc |= buf_printf(out, "note: the text is long; only its first %zu words "
		    "were scored\n", a.ntok);
	return rc ? -1 : 0;
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
