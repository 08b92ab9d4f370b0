/* Sentence context: the hit's sentence and its neighbours, which the
 * sentiment stage scores, cut as match.h's struct match_hit describes.
 * Breaks are found by rule (terminators, closing quotes, abbreviations and
 * initials, line breaks), looking only as far as the context can reach. */
#include "match_int.h"

#include <string.h>
#include <strings.h>

#include "util.h"

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

	while (w > 0 && i - w < 8 && ascii_alpha(t[w - 1]))
		w--;
	if (w == i || (w > 0 && ascii_alpha(t[w - 1])))
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
void
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
