/* HTML to plain text with a single forward scanner rather than libxml2's
 * HTML parser: feed HTML is fragments, often broken, and all we want is the
 * words with their line breaks. A scanner that never looks back is linear
 * by construction, allocates its output once (it never grows past the
 * input), and cannot be talked into building a tree of a 10 MiB page. */
#include "text.h"

#include <libxml/HTMLparser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ENTITY_NAME_MAX 32

/* The output under construction: separators are held back so runs of
 * spaces collapse, and none is written at either end. */
struct out {
	char *p;
	size_t len, cap;
	int space, brk, flags;
	int clipped; /* out_bytes cut something: a sequence may be split */
};

/* HTML 5 names libxml2's HTML 4 table lacks, the ones feeds use. */
static const struct {
	const char *name;
	unsigned cp;
} html5_entities[] = {
	{ "AMP", 0x26 }, { "COPY", 0xa9 }, { "GT", 0x3e }, { "Hat", 0x5e },
	{ "LT", 0x3c }, { "NewLine", 0x0a }, { "QUOT", 0x22 }, { "REG", 0xae },
	{ "TRADE", 0x2122 }, { "apos", 0x27 }, { "ast", 0x2a }, { "bsol", 0x5c },
	{ "bullet", 0x2022 }, { "check", 0x2713 }, { "colon", 0x3a },
	{ "comma", 0x2c }, { "commat", 0x40 }, { "dash", 0x2010 },
	{ "dollar", 0x24 }, { "equals", 0x3d }, { "excl", 0x21 },
	{ "grave", 0x60 }, { "half", 0xbd }, { "hyphen", 0x2010 },
	{ "lbrack", 0x5b }, { "lcub", 0x7b }, { "ldquor", 0x201e },
	{ "lowbar", 0x5f }, { "lpar", 0x28 }, { "lsqb", 0x5b },
	{ "lsquor", 0x201a }, { "mldr", 0x2026 }, { "num", 0x23 },
	{ "percnt", 0x25 }, { "period", 0x2e }, { "phone", 0x260e },
	{ "plus", 0x2b }, { "quest", 0x3f }, { "rbrack", 0x5d }, { "rcub", 0x7d },
	{ "rdquor", 0x201d }, { "rpar", 0x29 }, { "rsqb", 0x5d },
	{ "rsquor", 0x2019 }, { "semi", 0x3b }, { "sol", 0x2f }, { "star", 0x2606 },
	{ "starf", 0x2605 }, { "verbar", 0x7c }, { "vert", 0x7c },
};

/* Names HTML lets authors write without the ';' and feeds do. */
static const char *const legacy_entities[] = {
	"amp", "lt", "gt", "quot", "nbsp", "copy", "reg"
};

/* What bytes 0x80-0x9f mean in the Windows-1252 text that numeric
 * references and mislabelled feeds really contain (0 = undefined). */
static const unsigned short cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

size_t
text_utf8_put(unsigned long cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
text_utf8_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	return len <= n && utf8_valid(s, len) ? len : 0;
}

long
text_entity_name(const char *name, size_t n)
{
	const htmlEntityDesc *d;
	char buf[ENTITY_NAME_MAX + 1];
	size_t i;

	if (n == 0 || n > ENTITY_NAME_MAX)
		return -1;
	memcpy(buf, name, n);
	buf[n] = '\0';
	if ((d = htmlEntityLookup((const xmlChar *)buf)))
		return (long)d->value;
	for (i = 0; i < NELEM(html5_entities); i++)
		if (!strcmp(html5_entities[i].name, buf))
			return (long)html5_entities[i].cp;
	return -1;
}

/* Maps a numeric reference's value to what it means in HTML 5. */
static long
fix_code_point(unsigned long v)
{
	if (v >= 0x80 && v <= 0x9f)
		return cp1252[v - 0x80] ? cp1252[v - 0x80] : 0xfffd;
	if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0xfffd;
	return (long)v;
}

static long
numeric_entity(const char *s, size_t n, size_t *len)
{
	int hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
	size_t i = hex ? 3 : 2, start = i;
	unsigned long v = 0;

	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		/* Saturate: the value only has to be known to be too big. */
		if (v <= 0x10ffff)
			v = v * (hex ? 16 : 10) + d;
	}
	if (i == start)
		return -1;
	*len = i < n && s[i] == ';' ? i + 1 : i;
	return fix_code_point(v);
}

long
text_entity(const char *s, size_t n, size_t *len)
{
	size_t k = 1, i;
	long cp;

	if (n < 2 || s[0] != '&')
		return -1;
	if (s[1] == '#')
		return numeric_entity(s, n, len);
	while (k < n && k <= ENTITY_NAME_MAX &&
	    ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
	    (s[k] >= '0' && s[k] <= '9')))
		k++;
	if (k == 1)
		return -1;
	if (k < n && s[k] == ';') {
		if ((cp = text_entity_name(s + 1, k - 1)) < 0)
			return -1;
		*len = k + 1;
		return cp;
	}
	for (i = 0; i < NELEM(legacy_entities); i++) {
		if (strlen(legacy_entities[i]) == k - 1 &&
		    !memcmp(legacy_entities[i], s + 1, k - 1)) {
			*len = k;
			return text_entity_name(s + 1, k - 1);
		}
	}
	return -1;
}

static void
out_bytes(struct out *o, const char *s, size_t n)
{
	/* The separator goes out only now that something follows it. */
	if (o->len && (o->space || o->brk) && o->len < o->cap)
		o->p[o->len++] = o->brk && !(o->flags & TEXT_ONE_LINE) ? '\n' : ' ';
	o->space = o->brk = 0;
	if (n > o->cap - o->len) {
		n = o->cap - o->len;
		o->clipped = 1;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* Writes cp, turning spaces and controls into a pending separator. */
static void
out_cp(struct out *o, unsigned long cp)
{
	char u[4];

	if (cp == '\n' && o->flags & TEXT_ONE_LINE)
		o->space = 1;
	else if (cp == '\n')
		o->brk = 1;
	else if (cp < 0x20 || cp == 0x7f || cp == 0xa0 || cp == ' ')
		o->space = 1;
	else if (cp >= 0x80 && cp <= 0x9f)
		out_cp(o, (unsigned long)fix_code_point(cp));
	else
		out_bytes(o, u, text_utf8_put(cp, u));
}

/* 1 for visible ASCII that is neither markup nor a reference. */
static int
plain_visible(char c)
{
	return (unsigned char)c > ' ' && (unsigned char)c < 0x7f && c != '<' && c != '&';
}

/* 1 if the eight bytes of w continue a plain run (see out_raw): each
 * plain_visible or a space, no two spaces together, the last not a space
 * (what follows it is unknown). */
static int
plain8(uint64_t w)
{
	uint64_t space = word_zero_bytes(w ^ (WORD_ONES * ' ')),
	    below = word_bytes_below(w, 0x21),
	    del = ((w & ~WORD_HIGH) + WORD_ONES) & WORD_HIGH,      /* >= 0x7f */
	    bad = (w & WORD_HIGH) | del | word_zero_bytes(w ^ (WORD_ONES * '<')) |
	    word_zero_bytes(w ^ (WORD_ONES * '&')) | (below & ~space);

	return !bad && !(space & (space >> 8)) && !(space >> 56);
}

/* Copies one character of raw input at s[i]; returns the next index.
 * An invalid UTF-8 byte becomes '?', as utf8_sanitize would make it. */
static size_t
out_raw(struct out *o, const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	uint64_t w;
	size_t k = i;

	/* A run of visible ASCII, words with single spaces between, in one
	 * copy: most of any text, and just what collapsing would write.
	 * Eight bytes at a time where they are all of it, else one. */
	if (plain_visible(s[k]))
		for (k++; k < n; k++) {
			while (n - k >= 8 && (memcpy(&w, s + k, 8), plain8(w)))
				k += 8;
			if (k == n || !(plain_visible(s[k]) ||
			    (s[k] == ' ' && k + 1 < n && plain_visible(s[k + 1]))))
				break;
		}
	if (k > i + 1) {
		out_bytes(o, s + i, k - i);
		return k;
	}
	if (c < 0x80) {
		out_cp(o, c);
		return i + 1;
	}
	if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
	    (unsigned char)s[i + 1] <= 0xa0) {
		out_cp(o, (unsigned char)s[i + 1]);
		return i + 2;
	}
	k = text_utf8_len(s + i, n - i);
	out_bytes(o, k ? s + i : "?", k ? k : 1);
	return i + (k ? k : 1);
}

static int
out_start(struct out *o, size_t n, int flags)
{
	memset(o, 0, sizeof *o);
	/* Nothing grows by more than half when decoded: the worst is a C1
	 * control in UTF-8 (2 bytes) becoming its Windows-1252 meaning (3,
	 * e.g. U+20AC); references and separators never grow. out_bytes
	 * still clips rather than trusts that. */
	o->cap = n + n / 2 + 4;
	o->flags = flags;
	return (o->p = malloc(o->cap + 1)) ? 0 : -1;
}

static char *
out_finish(struct out *o)
{
	o->p[o->len] = '\0';
	/* Only a cut can have made invalid UTF-8: all else went in checked. */
	if (o->clipped)
		utf8_sanitize(o->p);
	return o->p;
}

char *
text_from_plain(const char *s, size_t n, int flags)
{
	struct out o;
	size_t i = 0;

	if (out_start(&o, n, flags) < 0)
		return NULL;
	while (i < n) {
		if (s[i] == '\r') {
			/* CR and CRLF end lines too. */
			out_cp(&o, '\n');
			i += i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
		} else {
			i = out_raw(&o, s, n, i);
		}
	}
	return out_finish(&o);
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 'a' - 'A') : c;
}

/* Case-insensitive search for needle (lowercase) in s[i..n); returns its
 * index or n. */
static size_t
find_ci(const char *s, size_t n, size_t i, const char *needle)
{
	size_t k = strlen(needle), j;

	for (; i + k <= n; i++) {
		for (j = 0; j < k && lower(s[i + j]) == needle[j]; j++)
			;
		if (j == k)
			return i;
	}
	return n;
}

/* Index just past the '>' that ends the tag opened at s[i], skipping
 * quoted attribute values; n if the input ends first. */
static size_t
tag_end(const char *s, size_t n, size_t i)
{
	char q = 0;

	for (i++; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '>') {
			return i + 1;
		} else if ((s[i] == '"' || s[i] == '\'') && s[i - 1] == '=') {
			q = s[i];
		}
	}
	return n;
}

/* Elements that end a line of text: sentences must not run across them.
 * By first letter, then name: every tag of every text comes here, and a
 * binary search of the list through strcmp was 2% of a pass. */
static int
is_block(const char *n)
{
	switch (n[0]) {
	case 'a':
		return !strcmp(n, "address") || !strcmp(n, "article") || !strcmp(n, "aside");
	case 'b':
		return !strcmp(n, "br") || !strcmp(n, "blockquote");
	case 'c':
		return !strcmp(n, "caption");
	case 'd':
		return !strcmp(n, "div") || !strcmp(n, "dd") || !strcmp(n, "dl") ||
		    !strcmp(n, "dt") || !strcmp(n, "details");
	case 'f':
		return !strcmp(n, "figure") || !strcmp(n, "figcaption") ||
		    !strcmp(n, "footer") || !strcmp(n, "form");
	case 'h':
		return (n[1] >= '1' && n[1] <= '6' && !n[2]) || !strcmp(n, "hr") ||
		    !strcmp(n, "header");
	case 'l':
		return n[1] == 'i' && !n[2];
	case 'm':
		return !strcmp(n, "main");
	case 'n':
		return !strcmp(n, "nav");
	case 'o':
		return n[1] == 'l' && !n[2];
	case 'p':
		return !n[1] || !strcmp(n, "pre");
	case 's':
		return !strcmp(n, "section") || !strcmp(n, "summary");
	case 't':
		return !strcmp(n, "table") || !strcmp(n, "tbody") || !strcmp(n, "tfoot") ||
		    !strcmp(n, "thead") || !strcmp(n, "tr");
	case 'u':
		return n[1] == 'l' && !n[2];
	default:
		return 0;
	}
}

/* Handles "<!...>" and "<?...>" at s[i]: comments and declarations vanish,
 * CDATA sections (seen in double-wrapped feeds) keep their text. */
static size_t
html_special(struct out *o, const char *s, size_t n, size_t i)
{
	size_t e;

	if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
		e = find_ci(s, n, i + 4, "-->");
		return e < n ? e + 3 : n;
	}
	if (n - i >= 9 && !memcmp(s + i, "<![CDATA[", 9)) {
		e = find_ci(s, n, i + 9, "]]>");
		for (i += 9; i < e; )
			i = out_raw(o, s, e, i);
		return e < n ? e + 3 : n;
	}
	return tag_end(s, n, i);
}

/* Handles the markup at s[i] == '<'; returns the index after it. */
static size_t
html_tag(struct out *o, const char *s, size_t n, size_t i)
{
	char name[12];
	size_t j = i + 1, k = 0, e;
	int closing = 0;

	if (j < n && (s[j] == '!' || s[j] == '?'))
		return html_special(o, s, n, i);
	if (j < n && s[j] == '/')
		closing = 1, j++;
	if (j >= n || !((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z')) {
		out_cp(o, '<');
		return i + 1;
	}
	for (; j < n && k < sizeof name - 1 &&
	    (((s[j] | 0x20) >= 'a' && (s[j] | 0x20) <= 'z') ||
	    (s[j] >= '0' && s[j] <= '9')); j++)
		name[k++] = lower(s[j]);
	name[k] = '\0';
	e = tag_end(s, n, i);
	if (is_block(name))
		o->brk = 1;
	else if (!strcmp(name, "td") || !strcmp(name, "th") || !strcmp(name, "img"))
		o->space = 1;
	else if (!closing && (!strcmp(name, "script") || !strcmp(name, "style")) &&
	    !(e >= 2 && e <= n && s[e - 2] == '/')) {
		/* Their content is code, not words: skip to the end tag. */
		e = find_ci(s, n, e, !strcmp(name, "script") ? "</script" : "</style");
		e = e < n ? tag_end(s, n, e) : n;
	}
	return e;
}

char *
text_from_html(const char *s, size_t n, int flags)
{
	struct out o;
	size_t i = 0, len;
	long cp;

	if (out_start(&o, n, flags) < 0)
		return NULL;
	while (i < n) {
		if (s[i] == '<') {
			i = html_tag(&o, s, n, i);
		} else if (s[i] == '&' && (cp = text_entity(s + i, n - i, &len)) >= 0) {
			out_cp(&o, (unsigned long)cp);
			i += len;
		} else if (s[i] == '\n' || s[i] == '\r') {
			/* Source line breaks are just spaces in HTML. */
			if (flags & TEXT_KEEP_BREAKS)
				out_cp(&o, '\n');
			else
				o.space = 1;
			i++;
		} else {
			i = out_raw(&o, s, n, i);
		}
	}
	return out_finish(&o);
}
