/* libxml2 2.9.14 in recover mode drops every entity after the first error,
 * so the commonest breakage is repaired in a copy before parsing. The repair
 * also removes the DOCTYPE: feeds declare no entities worth having, and
 * without a DTD there is nothing to expand (billion laughs) and nothing
 * external to read (XXE), whatever libxml2 would do. UTF-16 and UTF-32 are
 * converted to UTF-8 first so that this holds for them too. */
#include "xml_repair.h"

#include <errno.h>
#include <iconv.h>
#include <libxml/encoding.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"
#include "util.h"

static void
put(struct xml_fixed *f, const char *p, size_t n)
{
	if (buf_append(&f->out, p, n) < 0)
		f->oom = 1;
}

static void
put_s(struct xml_fixed *f, const char *p)
{
	put(f, p, strlen(p));
}

static int
xml_char_ok(long cp)
{
	return cp == '\t' || cp == '\n' || cp == '\r' ||
	    (cp >= 0x20 && cp != 0xfffe && cp != 0xffff);
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && !memcmp(s, p, k);
}

/* Copies one character at s[i], replacing what no XML parser accepts
 * (control characters, and in UTF-8 invalid bytes and U+FFFE/FFFF). */
static size_t
fix_char(struct xml_fixed *f, const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	size_t k;

	if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
	    !(c == 0x1b && f->keep_esc)) {
		put(f, " ", 1);
		f->count++;
		return i + 1;
	}
	if (c < 0x80 || !f->utf8) {
		put(f, s + i, 1);
		return i + 1;
	}
	k = text_utf8_len(s + i, n - i);
	if (!k || (k == 3 && c == 0xef && (unsigned char)s[i + 1] == 0xbf &&
	    (unsigned char)s[i + 2] >= 0xbe)) {
		put_s(f, "\xef\xbf\xbd");
		f->count++;
		return i + (k ? k : 1);
	}
	put(f, s + i, k);
	return i + k;
}

/* The end of the run from s[i] of bytes that need no repair (visible
 * ASCII, spaces, line breaks), stopping at stop and, when markup is set,
 * at '<' and '&' as well. Copying runs whole keeps the repair pass cheap. */
static size_t
plain_run(const char *s, size_t n, size_t i, int markup, char stop)
{
	unsigned char c;

	for (; i < n; i++) {
		c = (unsigned char)s[i];
		/* One test for visible ASCII first: nearly every byte. */
		if ((unsigned)(c - 0x20) >= 0x60 && c != '\t' && c != '\n' && c != '\r')
			break;
		if (c == (unsigned char)stop || (markup && (c == '<' || c == '&')))
			break;
	}
	return i;
}

/* Copies s[i..] through the end marker (or to the end) unchanged but for
 * fix_char. */
static size_t
fix_copy_through(struct xml_fixed *f, const char *s, size_t n, size_t i,
    const char *end)
{
	size_t k = strlen(end), j;

	while (i < n && !has_prefix(s + i, n - i, end)) {
		/* s[i] is no end marker, even if it starts like one. */
		if (plain_run(s, i + 1, i, 0, '\0') > i) {
			j = plain_run(s, n, i + 1, 0, end[0]);
			put(f, s + i, j - i);
			i = j;
		} else {
			i = fix_char(f, s, n, i);
		}
	}
	if (i < n) {
		put(f, end, k);
		i += k;
	}
	return i;
}

/* Drops the DOCTYPE at s[i], keeping its line breaks so libxml2's line
 * numbers still match the file. */
static size_t
fix_doctype(struct xml_fixed *f, const char *s, size_t n, size_t i)
{
	int depth = 0;
	char q = 0;

	for (i += 2; i < n; i++) {
		if (!q && has_prefix(s + i, n - i, "<!--")) {
			/* A comment's apostrophe is no quote. */
			for (i += 4; i < n && !has_prefix(s + i, n - i, "-->"); i++)
				if (s[i] == '\n')
					put(f, "\n", 1);
			i += 2;
			continue;
		}
		if (s[i] == '\n')
			put(f, "\n", 1);
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '[') {
			depth++;
		} else if (s[i] == ']' && depth) {
			depth--;
		} else if (s[i] == '>' && !depth) {
			return i + 1;
		}
	}
	return n;
}

/* Rewrites the reference at s[i] == '&' into one XML without a DTD
 * accepts: named ones become numeric, invalid ones U+FFFD, anything else a
 * literal '&'. */
static size_t
fix_entity(struct xml_fixed *f, const char *s, size_t n, size_t i)
{
	static const char *const xml_names[][2] = {
		{ "amp;", "&#38;" }, { "lt;", "&#60;" }, { "gt;", "&#62;" },
		{ "quot;", "&#34;" }, { "apos;", "&#39;" }
	};
	size_t j, len;
	long cp;

	/* As character references they survive libxml2's recovery, which
	 * drops entity references after the first error. */
	for (j = 0; j < NELEM(xml_names); j++) {
		if (has_prefix(s + i + 1, n - i - 1, xml_names[j][0])) {
			put_s(f, xml_names[j][1]);
			return i + 1 + strlen(xml_names[j][0]);
		}
	}
	cp = text_entity(s + i, n - i, &len);
	if (cp >= 0 && s[i + len - 1] == ';') {
		char ref[24];

		if (s[i + 1] == '#' && s[i + 2] != 'X' && cp != 0xfffd && xml_char_ok(cp)) {
			put(f, s + i, len);
			return i + len;
		}
		snprintf(ref, sizeof ref, "&#%ld;", xml_char_ok(cp) ? cp : 0xfffd);
		put_s(f, ref);
		f->count++;
		return i + len;
	}
	put_s(f, "&amp;");
	f->count++;
	return i + 1;
}

/* The end of a run of names, values and spaces in a tag from s[i]: what
 * fix_tag copies as it is. */
static size_t
tag_run(const char *s, size_t n, size_t i)
{
	unsigned char c;

	for (; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '>' || c == '<' ||
		    c == '&')
			break;
	}
	return i;
}

/* Inside a tag: quoted values get their references fixed; '>' ends it. */
static size_t
fix_tag(struct xml_fixed *f, const char *s, size_t n, size_t i)
{
	size_t j;
	char q = 0;

	put(f, "<", 1);
	for (i++; i < n; ) {
		if ((j = tag_run(s, n, i)) > i) {
			put(f, s + i, j - i);
			i = j;
		} else if (q && s[i] == '&') {
			i = fix_entity(f, s, n, i);
		} else if (q && s[i] == '<') {
			put_s(f, "&lt;");
			f->count++;
			i++;
		} else {
			if (s[i] == q)
				q = 0;
			else if (!q && (s[i] == '"' || s[i] == '\''))
				q = s[i];
			else if (!q && s[i] == '>')
				return fix_char(f, s, n, i);
			i = fix_char(f, s, n, i);
		}
	}
	return n;
}

static size_t
fix_markup(struct xml_fixed *f, const char *s, size_t n, size_t i)
{
	unsigned char c = i + 1 < n ? (unsigned char)s[i + 1] : 0;

	if (c == '!' && has_prefix(s + i, n - i, "<!--"))
		return fix_copy_through(f, s, n, i, "-->");
	if (c == '!' && has_prefix(s + i, n - i, "<![CDATA["))
		return fix_copy_through(f, s, n, i, "]]>");
	if (c == '!' && (has_prefix(s + i, n - i, "<!DOCTYPE") ||
	    has_prefix(s + i, n - i, "<!doctype")))
		return fix_doctype(f, s, n, i);
	if (c == '?')
		return fix_copy_through(f, s, n, i, "?>");
	if (c == '/' || c == '!' || c == '_' || c == ':' || c >= 0x80 ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		return fix_tag(f, s, n, i);
	/* "a < b" in text: a bare '<' stops libxml2 dead. */
	put_s(f, "&lt;");
	f->count++;
	return i + 1;
}

/* The declared encoding of <?xml ... encoding="X"?> into name, or "". */
static void
declared_encoding(const char *s, size_t n, char *name, size_t size)
{
	const char *end, *p;
	size_t k = 0;
	char q;

	name[0] = '\0';
	if (!has_prefix(s, n, "<?xml") ||
	    !(end = memchr(s, '>', n < 512 ? n : 512)))
		return;
	for (p = s; p + 8 < end && memcmp(p, "encoding", 8); p++)
		;
	for (p += 8; p < end && (*p == ' ' || *p == '='); p++)
		;
	if (p >= end || (*p != '"' && *p != '\''))
		return;
	for (q = *p++; p < end && *p == ' '; p++)
		;
	for (; p < end && *p != q && *p != ' ' && k + 1 < size; p++)
		name[k++] = *p;
	name[k] = '\0';
}

static int
encoding_known(const char *name)
{
	xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(name);

	if (!h)
		return 0;
	xmlCharEncCloseFunc(h);
	return 1;
}

/* 1 if s looks like UTF-8 with some bad bytes rather than a single-byte
 * encoding: more valid multi-byte sequences than invalid bytes. */
static int
mostly_utf8(const char *s, size_t n)
{
	size_t i = 0, k, good = 0, bad = 0;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		k = text_utf8_len(s + i, n - i);
		if (k)
			good++;
		else
			bad++;
		i += k ? k : 1;
	}
	return good >= bad;
}

/* Decides how the document is to be decoded; see struct xml_fixed. A
 * document that says it is UTF-8 is taken at its word unless sniff is
 * set. */
static void
choose_encoding(struct xml_fixed *f, const char *s, size_t n, int sniff, const char *charset)
{
	char name[48];

	if (charset && strlen(charset) < sizeof name && encoding_known(charset)) {
		/* From outside, it wins; a UTF-8 one is checked as the
		 * declared one would be. */
		snprintf(name, sizeof name, "%s", charset);
		if (strcasecmp(name, "utf-8") && strcasecmp(name, "utf8") &&
		    strcasecmp(name, "us-ascii") && strcasecmp(name, "ascii")) {
			snprintf(f->charset, sizeof f->charset, "%s", charset);
			f->encoding = f->charset;
			f->ignore_decl = 1;
			f->keep_esc = strstr(name, "2022") != NULL;
			return;
		}
		snprintf(name, sizeof name, "utf-8");
	} else {
		declared_encoding(s, n, name, sizeof name);
	}
	if (!*name || !strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8") ||
	    !strcasecmp(name, "us-ascii") || !strcasecmp(name, "ascii")) {
		f->utf8 = 1;
		if (*name && (charset || strcasecmp(name, "utf-8"))) {
			f->encoding = "UTF-8";
			f->ignore_decl = 1;
		}
		if (sniff && !mostly_utf8(s, n)) {
			f->utf8 = 0;
			f->encoding = "ISO-8859-1";
			f->ignore_decl = 1;
			f->count++;
		}
		return;
	}
	if (encoding_known(name)) {
		f->keep_esc = strstr(name, "2022") != NULL;
		return;
	}
	f->count++;
	f->ignore_decl = 1;
	f->utf8 = utf8_valid(s, n);
	f->encoding = f->utf8 ? "UTF-8" : "ISO-8859-1";
}

/* The iconv name of a UTF-16 or UTF-32 document, told by its BOM or by
 * the zero bytes around its first '<' (XML 1.0 appendix F); NULL if none. */
static const char *
wide_encoding(const char *s, size_t n)
{
	if (n >= 4 && (!memcmp(s, "\0\0\xfe\xff", 4) || !memcmp(s, "\0\0\0<", 4)))
		return "UTF-32BE";
	if (n >= 4 && (!memcmp(s, "\xff\xfe\0\0", 4) || !memcmp(s, "<\0\0\0", 4)))
		return "UTF-32LE";
	if (n >= 2 && (!memcmp(s, "\xfe\xff", 2) || (!s[0] && s[1])))
		return "UTF-16BE";
	if (n >= 2 && (!memcmp(s, "\xff\xfe", 2) || (s[0] && !s[1])))
		return "UTF-16LE";
	return NULL;
}

/* Converts a wide document to UTF-8 so the byte-level repairs (and the
 * DOCTYPE removal) apply to it too; bad units become U+FFFD, a character
 * cut off at the end is dropped. Returns 0, or -1 (out of memory). */
static int
transcode(const char *from, const char *s, size_t n, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	size_t unit = strstr(from, "32") ? 4 : 2, left = n, room, skip;
	char chunk[8192], *in = (char *)s, *o;
	int rc = 0;

	if (cd == (iconv_t)-1)
		return -1;
	while (left && rc == 0) {
		o = chunk;
		room = sizeof chunk;
		if (iconv(cd, &in, &left, &o, &room) == (size_t)-1 && errno != E2BIG) {
			if (errno != EILSEQ)
				break;
			skip = unit < left ? unit : left;
			in += skip;
			left -= skip;
			rc = buf_append(out, "\xef\xbf\xbd", 3);
		}
		if (rc == 0)
			rc = buf_append(out, chunk, sizeof chunk - room);
	}
	iconv_close(cd);
	return rc;
}

/* 1 if s holds a DOCTYPE (as xml_repair spots one), or might. */
static int
has_doctype(const char *s, size_t n)
{
	const char *p = s, *e = s + n;

	while ((p = memchr(p, '<', (size_t)(e - p)))) {
		if (++p < e && *p == '!' && (has_prefix(p, (size_t)(e - p), "!DOCTYPE") ||
		    has_prefix(p, (size_t)(e - p), "!doctype")))
			return 1;
	}
	return 0;
}

/* 1 if every '&' in s starts a reference closed by ';' (if not a known
 * one), as xml_repair leaves them. libxml2's push parser, which its
 * reader is, looks for the ';' after a '&' from the start again with
 * every chunk: on "& & & ..." that takes quadratic time. */
static int
refs_closed(const char *s, size_t n)
{
	const char *p = s, *e = s + n, *q;

	while ((p = memchr(p, '&', (size_t)(e - p)))) {
		for (q = ++p; q < e && q - p <= 32 && (*q == '#' || (*q >= '0' && *q <= '9') ||
		    ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z')); q++)
			;
		if (q == p || q >= e || *q != ';')
			return 0;
	}
	return 1;
}

/* 1 if libxml2 can read s as it is, with f set up to do so. Whatever else
 * xml_repair rewrites (bad bytes, bare '&' and '<', undeclared entities,
 * controls, a UTF-8 declaration on other bytes) libxml2 reports as an
 * error, and a reported error has the document repaired after all; what
 * it would not report, or not in linear time, is checked here: a wide
 * encoding, a BOM, leading space, a DOCTYPE, a declared encoding that is
 * wrong, an unclosed reference. */
static int
already_clean(struct xml_fixed *f, const char *s, size_t n, const char *charset)
{
	memset(f, 0, sizeof *f);
	if (!n || wide_encoding(s, n) || has_prefix(s, n, "\xef\xbb\xbf") || is_space(s[0]))
		return 0;
	choose_encoding(f, s, n, 0, charset);
	if (f->count || has_doctype(s, n) || !refs_closed(s, n))
		return 0;
	f->doc = s;
	f->doc_len = n;
	return 1;
}

int
xml_repair(struct xml_fixed *f, const char *s, size_t n, const char *charset, int lazy)
{
	const char *wide;
	struct buf utf8 = {0};
	size_t i = 0, j;

	if (lazy && already_clean(f, s, n, charset)) {
		f->lazy = 1;
		return 0;
	}
	memset(f, 0, sizeof *f);
	if ((wide = wide_encoding(s, n))) {
		if (transcode(wide, s, n, &utf8) < 0) {
			buf_free(&utf8);
			return -1;
		}
		s = utf8.data ? utf8.data : "";
		n = utf8.len;
	}
	if (has_prefix(s, n, "\xef\xbb\xbf")) {
		i = 3;
		f->count += !wide;
		charset = NULL; /* a BOM beats the outside charset */
	}
	if (i < n && is_space(s[i])) {
		while (i < n && is_space(s[i]))
			i++;
		f->count++;
	}
	if (wide) {
		f->utf8 = f->ignore_decl = 1;
		f->encoding = "UTF-8";
	} else {
		choose_encoding(f, s + i, n - i, 1, charset);
	}
	while (i < n) {
		if (s[i] == '<')
			i = fix_markup(f, s, n, i);
		else if (s[i] == '&')
			i = fix_entity(f, s, n, i);
		else if ((j = plain_run(s, n, i, 1, '\0')) > i)
			put(f, s + i, j - i), i = j;
		else
			i = fix_char(f, s, n, i);
	}
	buf_free(&utf8);
	f->doc = f->out.data;
	f->doc_len = f->out.len;
	return f->oom ? -1 : 0;
}
