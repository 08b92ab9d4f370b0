/* The tokeniser. Words are runs of letters and digits (with inner
 * apostrophes and decimal points), emoji keep their modifiers and joined
 * partners, and emoticons are whatever ASCII run the lexicon knows. All goes
 * into the caller's struct tokens; when it is full the rest of the text is
 * left unread. */
#include "token.h"

#include <string.h>

#include "lexicon.h"

#define MAX_WORD 64        /* longer words are cut: no term is that long */

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

/* Starts a token in lower[]; 0 when the buffer cannot take n more bytes. */
static int
tok_begin(struct tokens *t, size_t n)
{
	struct token *tk;

	if (t->ntok == TOKEN_MAX || t->nlower + 1 + n > TOKEN_MAX_LOWER) {
		t->truncated = 1;
		return 0;
	}
	if (t->nlower)
		t->lower[t->nlower++] = ' ';
	tk = &t->tok[t->ntok];
	tk->off = (uint16_t)t->nlower;
	tk->len = 0;
	tk->sent = (uint16_t)t->sent;
	tk->clause = (uint16_t)t->clause;
	tk->shout = 0;
	tk->stretched = 0;
	t->open = 1;
	return 1;
}

static void
tok_end(struct tokens *t)
{
	struct token *tk = &t->tok[t->ntok++];

	tk->len = (uint16_t)(t->nlower - tk->off);
}

static void
tok_break(struct tokens *t, int sentence)
{
	if (!t->open)
		return;
	t->open = 0;
	t->clause++;
	if (sentence)
		t->sent++;
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

/* A word's case and its elongation ("sooo"): the positions in the word
 * where a letter was a third in a row and so dropped, one bit each. */
struct word_state {
	unsigned upper, lower;
	uint64_t stretched;  /* bit i: the letter at i of the kept form repeated */
};

/* 1 when the lower-cased ASCII letter c would be the third of a run. */
static int
third_in_row(const struct tokens *t, uint32_t c)
{
	size_t start = t->tok[t->ntok].off, n = t->nlower - start;
	char l = (char)(c | 0x20);

	return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && n >= 2 &&
	    t->lower[t->nlower - 1] == l && t->lower[t->nlower - 2] == l;
}

/* Appends one code point of a word to lower[], lower-cased, counting case;
 * a letter's third repeat and later ones are dropped ("goood" -> "good"). */
static void
word_put(struct tokens *t, const unsigned char *s, size_t k, uint32_t c,
    struct word_state *w)
{
	char *p = t->lower + t->nlower;
	unsigned *upper = &w->upper, *lower = &w->lower;

	if (t->nlower + k - t->tok[t->ntok].off > MAX_WORD)
		return;
	if (third_in_row(t, c)) {
		w->stretched |= (uint64_t)1 << (t->nlower - 1 - t->tok[t->ntok].off);
		c >= 'a' ? ++*lower : ++*upper;
		return;
	}
	if (c == 0x2019) {
		*p = '\'';
		t->nlower++;
		return;
	}
	if (k == 1)
		*p = (char)*s;       /* most words are ASCII: no memcpy call */
	else
		memcpy(p, s, k);
	t->nlower += k;
	if (c >= 'A' && c <= 'Z')
		*p += 'a' - 'A', ++*upper;
	else if (c >= 'a' && c <= 'z')
		++*lower;
	else if (c >= 0xc0 && c <= 0xde)
		p[1] += 0x20, ++*upper;  /* Latin-1 capitals À..Þ */
	else if (c >= 0xdf && c <= 0xff)
		++*lower;
}

/* An elongated word the lexicon does not know in its two-letter form
 * ("soo") is tried with each stretched letter once ("so"); the form the
 * lexicon knows, if either, is kept. */
static void
unstretch(struct tokens *t, const struct lexicon *lx, uint64_t stretched)
{
	struct token *tk = &t->tok[t->ntok];
	char *w = t->lower + tk->off, key[MAX_WORD];
	size_t n = t->nlower - tk->off, i, m = 0;

	if (lexicon_find(lx, w, n))
		return;
	for (i = 0; i < n; i++)
		if (!(i < 64 && (stretched >> i & 1)))
			key[m++] = w[i];
	if (!lexicon_find(lx, key, m))
		return;
	memcpy(w, key, m);
	t->nlower = tk->off + m;
}

/* A word: letters and digits with inner marks. Returns the bytes consumed. */
static size_t
read_word(struct tokens *t, const struct lexicon *lx, const unsigned char *s,
    size_t n)
{
	size_t i = 0, k;
	struct word_state w = { 0, 0, 0 };
	uint32_t c;

	if (!tok_begin(t, MAX_WORD))
		return n;
	while (i < n) {
		/* The common case first, without decoding: an ASCII letter or digit. */
		if (s[i] < 0x80 && is_letter(s[i])) {
			word_put(t, s + i, 1, s[i], &w);
			i++;
			continue;
		}
		if (!(k = utf8_decode(s + i, n - i, &c)))
			break;
		if (c == '\'' || c == 0x2019 || c == '.' || c == ',') {
			if (!inner_mark(s, n, i, k, c))
				break;
		} else if (!is_letter(c))
			break;
		word_put(t, s + i, k, c, &w);
		i += k;
	}
	t->tok[t->ntok].shout = w.upper >= 2 && !w.lower;
	t->tok[t->ntok].stretched = w.stretched != 0;
	if (w.stretched)
		unstretch(t, lx, w.stretched);
	t->shout_words += w.upper >= 2 && !w.lower;
	t->lower_words += w.lower > 0;
	tok_end(t);
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
read_emoji(struct tokens *t, const unsigned char *s, size_t n)
{
	size_t i = 0, k, parts = 0;
	uint32_t c, prev = 0;
	int zwj = 0;

	if (!tok_begin(t, 32))
		return n;
	while (i < n && (k = utf8_decode(s + i, n - i, &c))) {
		if (parts && (is_emoji_modifier(c) || c == 0x20e3 || (c == 0x200d && !zwj))) {
			zwj = c == 0x200d;
			i += k;
			continue;
		}
		if (!is_emoji(c) || parts == 4 || t->nlower + k + 3 - t->tok[t->ntok].off > 32 ||
		    (parts && !zwj && !(parts == 1 && is_regional(prev) && is_regional(c))))
			break;
		if (zwj) {
			memcpy(t->lower + t->nlower, "\xe2\x80\x8d", 3);
			t->nlower += 3;
		}
		memcpy(t->lower + t->nlower, s + i, k);
		t->nlower += k;
		i += k;
		parts++;
		prev = c;
		zwj = 0;
	}
	tok_end(t);
	return i ? i : 1;
}

/* An emoticon is a lexicon term of ASCII punctuation (and a few letters) set
 * off by spaces: ":)", ":-(", "<3", ":D". Longest match wins. */
static size_t
read_emoticon(struct tokens *t, const struct lexicon *lx,
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
		if (!tok_begin(t, len))
			return n;
		memcpy(t->lower + t->nlower, key, len);
		t->nlower += len;
		tok_end(t);
		return len;
	}
	return 0;
}

/* Punctuation: counts emphasis, ends sentences and clauses. */
static void
read_punct(struct tokens *t, uint32_t c)
{
	if (c == '!')
		t->nexcl++;
	else if (c == '?')
		t->nquest++;
	if (c == ' ' || c == 0xa0)
		return;
	tok_break(t, c == '.' || c == '!' || c == '?' || c == ';' || c == 0x2026 ||
	    c == 0x3002);
}

void
token_split(struct tokens *t, const struct lexicon *lx, const char *text,
    size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, k;
	int spaced = 1;
	uint32_t c;

	t->nlower = t->ntok = 0;
	t->nexcl = t->nquest = t->sent = t->clause = 0;
	t->shout_words = t->lower_words = t->truncated = t->open = 0;
	while (i < len && !t->truncated) {
		if (!(k = utf8_decode(s + i, len - i, &c))) {
			tok_break(t, 0);     /* an invalid byte separates, nothing more */
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
			k = read_word(t, lx, s + i, len - i);
		else if (is_emoji(c))
			k = read_emoji(t, s + i, len - i);
		else if (!(c < 0x80 && spaced && (k = read_emoticon(t, lx, s + i, len - i)))) {
			read_punct(t, c);
			k = utf8_decode(s + i, len - i, &c);
		}
		i += k;
		spaced = 0;
	}
}
