/* RSS and Atom through libxml2's streaming reader: one item is filled at a
 * time and handed on, so beyond the document and its repaired copy memory
 * stays flat whatever the document's size.
 *
 * libxml2 2.9.14 in recover mode drops every entity after the first error,
 * so the commonest breakage is repaired in a copy before parsing (see
 * repair()). The repair also removes the DOCTYPE: feeds declare no entities
 * worth having, and without a DTD there is nothing to expand (billion
 * laughs) and nothing external to read (XXE), whatever libxml2 would do.
 * UTF-16 and UTF-32 are converted to UTF-8 first so that this holds for
 * them too. */
#include "parse_xml.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <libxml/encoding.h>
#include <libxml/uri.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "text.h"
#include "util.h"

#define FIELD_MAX (4u << 20)   /* bytes kept of one field; the rest is cut */
#define ERRORS_MAX 1000        /* libxml2 errors counted before giving up */

#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

enum ns { NS_NONE, NS_RSS, NS_ATOM, NS_DC, NS_CONTENT, NS_RDF, NS_XHTML, NS_OTHER };
enum kind { K_TITLE, K_LINK, K_ID, K_AUTHOR, K_DATE, K_TEXT, K_ATOM_LINK, K_ATOM_AUTHOR };
enum mode { M_PLAIN, M_HTML, M_XHTML, M_TYPED, M_SKIP };

struct field {
	enum ns ns;
	const char *name;
	enum kind kind;
	int prio;       /* dates and texts: the higher wins */
	enum mode mode;
};

static const struct {
	const char *uri;
	enum ns ns;
} namespaces[] = {
	{ "http://purl.org/rss/1.0/", NS_RSS },
	{ "http://my.netscape.com/rdf/simple/0.9/", NS_RSS },
	{ "http://backend.userland.com/rss2", NS_RSS },
	{ "http://blogs.law.harvard.edu/tech/rss", NS_RSS },
	{ "http://www.w3.org/2005/Atom", NS_ATOM },
	{ "http://purl.org/atom/ns#", NS_ATOM },
	{ "http://purl.org/dc/elements/1.1/", NS_DC },
	{ "http://purl.org/rss/1.0/modules/content/", NS_CONTENT },
	{ RDF_NS, NS_RDF },
	{ "http://www.w3.org/1999/xhtml", NS_XHTML },
};

/* The children of an item we read; everything else, in particular anything
 * in a namespace not listed above (media:title ...), is ignored. */
static const struct field fields[] = {
	{ NS_NONE, "title", K_TITLE, 0, M_HTML },
	{ NS_NONE, "link", K_LINK, 0, M_PLAIN },
	{ NS_NONE, "guid", K_ID, 0, M_PLAIN },
	{ NS_NONE, "author", K_AUTHOR, 0, M_PLAIN },
	{ NS_NONE, "pubDate", K_DATE, 2, M_PLAIN },
	{ NS_NONE, "description", K_TEXT, 2, M_HTML },
	{ NS_CONTENT, "encoded", K_TEXT, 3, M_HTML },
	{ NS_XHTML, "body", K_TEXT, 3, M_XHTML },
	{ NS_DC, "creator", K_AUTHOR, 0, M_PLAIN },
	{ NS_DC, "date", K_DATE, 2, M_PLAIN },
	{ NS_DC, "description", K_TEXT, 1, M_PLAIN },
	{ NS_ATOM, "title", K_TITLE, 0, M_TYPED },
	{ NS_ATOM, "id", K_ID, 0, M_PLAIN },
	{ NS_ATOM, "link", K_ATOM_LINK, 0, M_PLAIN },
	{ NS_ATOM, "author", K_ATOM_AUTHOR, 0, M_PLAIN },
	{ NS_ATOM, "published", K_DATE, 2, M_PLAIN },
	{ NS_ATOM, "issued", K_DATE, 2, M_PLAIN },
	{ NS_ATOM, "updated", K_DATE, 1, M_PLAIN },
	{ NS_ATOM, "modified", K_DATE, 1, M_PLAIN },
	{ NS_ATOM, "created", K_DATE, 1, M_PLAIN },
	{ NS_ATOM, "content", K_TEXT, 3, M_TYPED },
	{ NS_ATOM, "summary", K_TEXT, 2, M_TYPED },
};

static const struct field author_name = { NS_ATOM, "name", K_AUTHOR, 0, M_PLAIN };

/* The document after repair() and how libxml2 should decode it. */
struct fixed {
	struct buf out;
	const char *encoding;  /* override, or NULL for the declared one */
	int ignore_decl;       /* the declared encoding is wrong or unknown */
	int utf8;              /* replace invalid UTF-8 and non-characters */
	int keep_esc;          /* ISO-2022: ESC is part of the encoding */
	unsigned count;        /* repairs made */
	int oom;
};

struct px {
	const struct parse_source *src;
	xmlTextReaderPtr r;
	parse_item_fn fn;
	void *ctx;
	struct parse_stats *st;
	int atom;              /* root is <feed> */
	int root;              /* 0 not seen yet, 1 a feed, -1 something else */
	char root_name[48];
	char root_uri[128];    /* an unlisted namespace the root is in, or "" */
	int item_depth;        /* -1 outside an item */
	int author_depth;      /* depth of the item's Atom <author>, or -1 */
	struct item it;
	int text_prio, date_prio, guid_link;
	const struct field *f; /* the field being captured, or NULL */
	int f_depth, f_cut;
	enum mode f_mode;
	struct buf cap;
	unsigned items_done;   /* items ended, emitted or not */
	unsigned pass_over;    /* items to ignore: handed on by the first pass */
	unsigned errors;
	int err_line, err_col;
	char err_msg[160];
	int stop;
};

/* --- Repair ------------------------------------------------------------- */

static void
put(struct fixed *f, const char *p, size_t n)
{
	if (buf_append(&f->out, p, n) < 0)
		f->oom = 1;
}

static void
put_s(struct fixed *f, const char *p)
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
fix_char(struct fixed *f, const char *s, size_t n, size_t i)
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

/* Copies s[i..] through the end marker (or to the end) unchanged but for
 * fix_char. */
static size_t
fix_copy_through(struct fixed *f, const char *s, size_t n, size_t i,
    const char *end)
{
	size_t k = strlen(end);

	while (i < n && !has_prefix(s + i, n - i, end))
		i = fix_char(f, s, n, i);
	if (i < n) {
		put(f, end, k);
		i += k;
	}
	return i;
}

/* Drops the DOCTYPE at s[i], keeping its line breaks so libxml2's line
 * numbers still match the file. */
static size_t
fix_doctype(struct fixed *f, const char *s, size_t n, size_t i)
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
fix_entity(struct fixed *f, const char *s, size_t n, size_t i)
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

/* Inside a tag: quoted values get their references fixed; '>' ends it. */
static size_t
fix_tag(struct fixed *f, const char *s, size_t n, size_t i)
{
	char q = 0;

	put(f, "<", 1);
	for (i++; i < n; ) {
		if (q && s[i] == '&') {
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
fix_markup(struct fixed *f, const char *s, size_t n, size_t i)
{
	unsigned char c = i + 1 < n ? (unsigned char)s[i + 1] : 0;

	if (has_prefix(s + i, n - i, "<!--"))
		return fix_copy_through(f, s, n, i, "-->");
	if (has_prefix(s + i, n - i, "<![CDATA["))
		return fix_copy_through(f, s, n, i, "]]>");
	if (has_prefix(s + i, n - i, "<!DOCTYPE") || has_prefix(s + i, n - i, "<!doctype"))
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

/* Decides how the document is to be decoded; see struct fixed. */
static void
choose_encoding(struct fixed *f, const char *s, size_t n)
{
	char name[48];

	declared_encoding(s, n, name, sizeof name);
	if (!*name || !strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8") ||
	    !strcasecmp(name, "us-ascii") || !strcasecmp(name, "ascii")) {
		f->utf8 = 1;
		if (*name && strcasecmp(name, "utf-8")) {
			f->encoding = "UTF-8";
			f->ignore_decl = 1;
		}
		if (!mostly_utf8(s, n)) {
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

/* Copies s into f->out, repaired (see the top of this file). Returns 0, or
 * -1 when out of memory. */
static int
repair(struct fixed *f, const char *s, size_t n)
{
	const char *wide = wide_encoding(s, n);
	struct buf utf8 = {0};
	size_t i = 0;

	memset(f, 0, sizeof *f);
	if (wide) {
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
		choose_encoding(f, s + i, n - i);
	}
	while (i < n) {
		if (s[i] == '<')
			i = fix_markup(f, s, n, i);
		else if (s[i] == '&')
			i = fix_entity(f, s, n, i);
		else
			i = fix_char(f, s, n, i);
	}
	buf_free(&utf8);
	return f->oom ? -1 : 0;
}

/* --- Reading ------------------------------------------------------------ */

static void
on_error(void *arg, xmlErrorPtr e)
{
	struct px *p = arg;

	if (p->errors++ == 0 && e) {
		snprintf(p->err_msg, sizeof p->err_msg, "%s", e->message ? e->message : "error");
		p->err_msg[strcspn(p->err_msg, "\r\n")] = '\0';
		p->err_line = e->line;
		p->err_col = e->int2;
	}
}

/* The namespace class of the current node, with the un-namespaced names of
 * a plain <rss> or <feed> folded in, and undeclared prefixes ("media:title"
 * with no URI) treated as foreign. */
static enum ns
node_ns(struct px *p)
{
	const char *uri = (const char *)xmlTextReaderConstNamespaceUri(p->r);
	const char *name = (const char *)xmlTextReaderConstLocalName(p->r);
	enum ns ns = NS_OTHER;
	size_t i;

	if (!uri) {
		if (name && strchr(name, ':'))
			return NS_OTHER;
		return p->atom ? NS_ATOM : NS_NONE;
	}
	if (*p->root_uri && !strcmp(uri, p->root_uri))
		return p->atom ? NS_ATOM : NS_NONE;
	for (i = 0; i < NELEM(namespaces); i++)
		if (!strcmp(uri, namespaces[i].uri))
			ns = namespaces[i].ns;
	return ns == NS_RSS ? NS_NONE : ns;
}

static char *
attr(struct px *p, const char *name)
{
	return (char *)xmlTextReaderGetAttribute(p->r, (const xmlChar *)name);
}

static void
classify_root(struct px *p, const char *name, enum ns ns)
{
	const char *uri = (const char *)xmlTextReaderConstNamespaceUri(p->r);

	/* <rss> or <feed> in a namespace of its own (rss 0.92 drafts, Atom
	 * pre-releases): that namespace then means plain RSS or Atom. */
	if (ns == NS_OTHER && uri && strlen(uri) < sizeof p->root_uri &&
	    (!strcmp(name, "rss") || !strcmp(name, "feed"))) {
		snprintf(p->root_uri, sizeof p->root_uri, "%s", uri);
		ns = !strcmp(name, "feed") ? NS_ATOM : NS_NONE;
	}
	if ((ns == NS_ATOM || ns == NS_NONE) && !strcmp(name, "feed")) {
		p->atom = 1;
		p->root = 1;
	} else if ((ns == NS_NONE && (!strcmp(name, "rss") || !strcmp(name, "channel"))) ||
	    (ns == NS_RDF && !strcmp(name, "RDF"))) {
		p->root = 1;
	} else {
		snprintf(p->root_name, sizeof p->root_name, "%s", name);
		p->root = -1;
	}
}

/* An absolute link for href, resolved against xml:base when the document
 * sets one; the feed URL itself is left to item_finish. Caller frees. */
static char *
resolve(struct px *p, const char *href)
{
	xmlChar *base = xmlTextReaderBaseUri(p->r), *abs = NULL;
	char *out;

	if (base && (!p->src->url || strcmp((char *)base, p->src->url)))
		abs = xmlBuildURI((const xmlChar *)href, base);
	out = xstrdup(abs ? (char *)abs : href);
	xmlFree(base);
	xmlFree(abs);
	return out;
}

/* The mode of an Atom text construct from its type (and 0.3's mode). */
static enum mode
atom_mode(struct px *p)
{
	char *type = attr(p, "type"), *mode = attr(p, "mode");
	enum mode m = M_PLAIN;

	if (mode && !strcmp(mode, "base64"))
		m = M_SKIP;
	else if (type && strstr(type, "xhtml"))
		m = M_XHTML;
	else if ((type && strstr(type, "html")) || (mode && !strcmp(mode, "escaped")))
		m = M_HTML;
	xmlFree(type);
	xmlFree(mode);
	return m;
}

static void
start_item(struct px *p, int depth)
{
	char *about = (char *)xmlTextReaderGetAttributeNs(p->r,
	    (const xmlChar *)"about", (const xmlChar *)RDF_NS);

	item_init(&p->it);
	p->item_depth = depth;
	p->author_depth = -1;
	p->text_prio = p->date_prio = -1;
	p->guid_link = 0;
	if (about) {
		p->it.id = xstrdup(about);
		xmlFree(about);
	}
}

static void
end_item(struct px *p)
{
	struct item *it = &p->it;

	p->item_depth = -1;
	if (p->items_done++ < p->pass_over) {
		item_clear(it);
		return;
	}
	if (!it->link && p->guid_link && it->id &&
	    (str_startswith(it->id, "http://") || str_startswith(it->id, "https://")))
		it->link = xstrdup(it->id);
	/* Attributes and URIs come from libxml2 unchecked: a document that
	 * claims UTF-8 and is not gets its bytes through as they are. */
	if (it->link && !*it->link) {
		free(it->link);
		it->link = NULL;
	}
	if (it->link)
		utf8_sanitize(it->link);
	if (it->id)
		utf8_sanitize(it->id);
	if (!it->title && !it->text && !it->link) {
		p->st->skipped++;
	} else if (item_finish(it, p->src->url, p->src->fetch_time) == 0) {
		p->st->items++;
		if (p->fn(it, p->ctx))
			p->stop = 1;
	}
	item_clear(it);
}

static void
atom_link(struct px *p)
{
	char *rel = attr(p, "rel"), *href = attr(p, "href");

	if (!p->it.link && href && (!rel || !strcmp(rel, "alternate")))
		p->it.link = resolve(p, href);
	xmlFree(rel);
	xmlFree(href);
}

/* A child element of the item: starts capturing its text, or acts on its
 * attributes. */
static void
start_field(struct px *p, const char *name, enum ns ns, int depth)
{
	const struct field *f = NULL;
	size_t i;

	if (p->author_depth >= 0 && depth == p->author_depth + 1 && ns == NS_ATOM &&
	    !strcmp(name, "name"))
		f = &author_name;
	for (i = 0; !f && depth == p->item_depth + 1 && i < NELEM(fields); i++)
		if (fields[i].ns == ns && !strcmp(fields[i].name, name))
			f = &fields[i];
	if (!f)
		return;
	if (f->kind == K_ATOM_LINK) {
		atom_link(p);
	} else if (f->kind == K_ATOM_AUTHOR) {
		p->author_depth = depth;
	} else {
		if (f->kind == K_ID && ns == NS_NONE) {
			char *perma = attr(p, "isPermaLink");

			p->guid_link = !perma || strcmp(perma, "false");
			xmlFree(perma);
		}
		p->f = f;
		p->f_depth = depth;
		p->f_mode = f->mode == M_TYPED ? atom_mode(p) : f->mode;
		p->f_cut = 0;
		buf_reset(&p->cap);
	}
}

/* Appends text to the capture; in XHTML it is escaped back into markup. */
static void
capture(struct px *p, const char *s)
{
	size_t k;

	while (*s) {
		if (p->cap.len >= FIELD_MAX) {
			/* Cut here, and counted once per field. */
			p->st->recovered += !p->f_cut;
			p->f_cut = 1;
			return;
		}
		k = p->f_mode == M_XHTML ? strcspn(s, "&<") : strlen(s);
		if (k == 0) {
			buf_puts(&p->cap, *s == '&' ? "&amp;" : "&lt;");
			s++;
			continue;
		}
		if (k > FIELD_MAX - p->cap.len)
			k = FIELD_MAX - p->cap.len;
		buf_append(&p->cap, s, k);
		s += k;
	}
}

/* Markup inside an HTML or XHTML field goes back in as a bare tag: the
 * converter only needs the names, for line breaks and script/style. */
static void
capture_tag(struct px *p, const char *name, int closing)
{
	if ((p->f_mode == M_HTML || p->f_mode == M_XHTML) && p->cap.len < FIELD_MAX)
		buf_printf(&p->cap, "<%s%.16s>", closing ? "/" : "", name);
}

/* "jo@example.com (Jo Bloggs)", RSS's author form, names Jo Bloggs. */
static void
author_name_only(char *a)
{
	char *open = strstr(a, " (");
	size_t n = strlen(a);

	if (open && n && a[n - 1] == ')' && memchr(a, '@', (size_t)(open - a))) {
		memmove(a, open + 2, n - (size_t)(open - a) - 3);
		a[n - (size_t)(open - a) - 3] = '\0';
	}
}

static char *
convert(const char *s, size_t n, enum mode m, int flags)
{
	return m == M_PLAIN ? text_from_plain(s, n, flags) : text_from_html(s, n, flags);
}

/* Puts *s into *slot if the slot is empty and s is not; frees what it
 * does not keep. */
static void
keep(char **slot, char *s)
{
	if (!*slot && s && *s) {
		*slot = s;
		return;
	}
	free(s);
}

static void
set_link(struct px *p, const char *s, size_t n)
{
	char *t = text_from_plain(s, n, TEXT_ONE_LINE);

	if (t && *t)
		keep(&p->it.link, resolve(p, t));
	free(t);
}

static void
set_author(struct px *p, const struct field *f, const char *s, size_t n)
{
	char *t = text_from_plain(s, n, TEXT_ONE_LINE);

	if (t && f->ns == NS_NONE)
		author_name_only(t);
	keep(&p->it.author, t);
}

/* A date longer than this is no date; curl_getdate need not see it. */
#define DATE_MAX 128

static void
set_date(struct px *p, int prio, const char *s, size_t n)
{
	char t[DATE_MAX + 1];
	int64_t when;

	if (n > DATE_MAX)
		return;
	memcpy(t, s, n);
	t[n] = '\0';
	if (text_parse_date(t, &when) == 0) {
		p->it.published = when;
		p->date_prio = prio;
	}
}

static void
set_text(struct px *p, int prio, const char *s, size_t n)
{
	char *t = convert(s, n, p->f_mode, 0);

	if (t && *t) {
		free(p->it.text);
		p->it.text = t;
		p->text_prio = prio;
	} else {
		free(t);
	}
}

/* The captured field is complete: the first title, link, id and author
 * win; dates and texts go by priority. */
static void
end_field(struct px *p)
{
	const struct field *f = p->f;
	const char *s = p->cap.data ? p->cap.data : "";
	size_t n = p->cap.len;

	p->f = NULL;
	if (p->f_mode == M_SKIP)
		return;
	if (f->kind == K_TITLE && !p->it.title)
		keep(&p->it.title, convert(s, n, p->f_mode, TEXT_ONE_LINE));
	else if (f->kind == K_LINK && !p->it.link)
		set_link(p, s, n);
	else if (f->kind == K_ID && !p->it.id)
		keep(&p->it.id, text_from_plain(s, n, TEXT_ONE_LINE));
	else if (f->kind == K_AUTHOR && !p->it.author)
		set_author(p, f, s, n);
	else if (f->kind == K_DATE && f->prio > p->date_prio)
		set_date(p, f->prio, s, n);
	else if (f->kind == K_TEXT && f->prio > p->text_prio)
		set_text(p, f->prio, s, n);
}

static void
on_element(struct px *p)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(p->r);
	int depth = xmlTextReaderDepth(p->r);
	int empty = xmlTextReaderIsEmptyElement(p->r);
	enum ns ns;

	if (!name)
		return;
	ns = node_ns(p);
	if (!p->root) {
		classify_root(p, name, ns);
		return;
	}
	if ((!p->atom && ns == NS_NONE && !strcmp(name, "item")) ||
	    (p->atom && ns == NS_ATOM && !strcmp(name, "entry"))) {
		/* Items never nest: one inside another is a lost end tag (or
		 * libxml2's recovery from one), so the open item is complete. */
		if (p->f)
			end_field(p);
		if (p->item_depth >= 0)
			end_item(p);
		start_item(p, depth);
		if (empty)
			end_item(p);
		return;
	}
	if (p->f) {
		capture_tag(p, name, 0);
		return;
	}
	if (p->item_depth < 0)
		return;
	start_field(p, name, ns, depth);
	if (empty && p->f)
		end_field(p);
	else if (empty && p->author_depth == depth)
		p->author_depth = -1;
}

static void
on_end(struct px *p)
{
	int depth = xmlTextReaderDepth(p->r);

	if (p->f && depth > p->f_depth)
		capture_tag(p, (const char *)xmlTextReaderConstLocalName(p->r), 1);
	else if (p->f)
		end_field(p);
	else if (depth == p->author_depth)
		p->author_depth = -1;
	else if (depth == p->item_depth)
		end_item(p);
}

static void
on_node(struct px *p)
{
	const char *v;

	switch (xmlTextReaderNodeType(p->r)) {
	case XML_READER_TYPE_ELEMENT:
		on_element(p);
		break;
	case XML_READER_TYPE_END_ELEMENT:
		on_end(p);
		break;
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		if (p->f && (v = (const char *)xmlTextReaderConstValue(p->r)))
			capture(p, v);
		break;
	default:
		break;
	}
}

/* Feeds the reader's nodes to on_node until the end, an error, a stop or
 * a non-feed root. Returns xmlTextReaderRead's last result and frees r. */
static int
run_reader(struct px *p, xmlTextReaderPtr r)
{
	int rc = 0;

	p->r = r;
	while (!p->stop && p->root >= 0 && p->errors < ERRORS_MAX &&
	    (rc = xmlTextReaderRead(r)) == 1)
		on_node(p);
	xmlFreeTextReader(r);
	p->r = NULL;
	return rc;
}

/* 1 if the first error was at the very end of the document: it was cut
 * off, rather than broken somewhere inside. */
static int
error_at_end(const struct px *p, const struct fixed *fx)
{
	const char *s = fx->out.data, *e = s + fx->out.len, *last = s, *q;
	int lines = 1, chars = 0;

	for (q = s; (q = memchr(q, '\n', (size_t)(e - q))); q++, lines++)
		last = q + 1;
	for (q = last; q < e; q++)
		chars += ((unsigned char)*q & 0xc0) != 0x80;
	return p->err_line > lines || (p->err_line == lines && p->err_col >= chars);
}

static void
on_ctxt_error(void *arg, xmlErrorPtr e)
{
	xmlParserCtxtPtr c = arg;
	struct px *p = c->_private;

	on_error(p, e);
	if (p->errors >= ERRORS_MAX)
		xmlStopParser(c);
}

/* The reader stops at the first well-formedness error, so a document
 * broken in the middle is parsed again whole, in recover mode, and walked
 * the same way, passing over the items already handed on. Memory then
 * grows with the document, but only for broken ones. */
static void
reread_broken(struct px *p, const struct fixed *fx, int opts)
{
	xmlParserCtxtPtr c = xmlNewParserCtxt();
	xmlTextReaderPtr r;
	xmlDocPtr doc;

	if (!c)
		return;
	c->_private = p;
	c->sax->serror = on_ctxt_error;
	p->pass_over = p->items_done;
	p->items_done = 0;
	p->root = 0;
	p->item_depth = p->author_depth = -1;
	p->f = NULL;
	p->errors = 0;
	doc = xmlCtxtReadMemory(c, fx->out.data, (int)fx->out.len, p->src->url,
	    fx->encoding, opts);
	if (doc && (r = xmlReaderWalker(doc)))
		run_reader(p, r);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(c);
}

/* Runs the reader over the repaired document. Returns 0 or -1 (err set). */
static int
read_doc(struct px *p, const struct fixed *fx, char *err, size_t errlen)
{
	int opts = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    (fx->ignore_decl ? XML_PARSE_IGNORE_ENC : 0);
	xmlTextReaderPtr r;

	r = xmlReaderForMemory(fx->out.data, (int)fx->out.len, p->src->url,
	    fx->encoding, opts);
	if (!r) {
		errf(err, errlen, "cannot start the XML reader");
		return -1;
	}
	xmlTextReaderSetStructuredErrorHandler(r, on_error, p);
	if (run_reader(p, r) < 0 && !p->stop && p->root >= 0 &&
	    !error_at_end(p, fx)) {
		item_clear(&p->it);
		reread_broken(p, fx, opts);
	}
	if (p->item_depth >= 0) {
		/* Cut off inside an item: what came before it stands. */
		p->st->skipped++;
		item_clear(&p->it);
	}
	p->st->recovered += p->errors;
	if (p->root == 1)
		return 0;
	if (p->root < 0)
		errf(err, errlen, "not an RSS or Atom feed (the document is <%s>)",
		    p->root_name);
	else if (p->errors)
		errf(err, errlen, "not an RSS or Atom feed (line %d: %s)", p->err_line,
		    p->err_msg);
	else
		errf(err, errlen, "not an RSS or Atom feed (no XML elements in it)");
	return -1;
}

static void
discard(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Encoding and I/O errors bypass the reader's handler and go to libxml2's
 * per-thread global ones, which print to stderr: route them to ours for
 * the length of the parse, then put back whatever was there. */
static int
read_quietly(struct px *p, const struct fixed *fx, char *err, size_t errlen)
{
	xmlGenericErrorFunc generic = xmlGenericError;
	xmlStructuredErrorFunc structured = xmlStructuredError;
	void *generic_ctx = xmlGenericErrorContext;
	void *structured_ctx = xmlStructuredErrorContext;
	int rc;

	xmlSetGenericErrorFunc(NULL, discard);
	xmlSetStructuredErrorFunc(p, on_error);
	rc = read_doc(p, fx, err, errlen);
	xmlSetStructuredErrorFunc(structured_ctx, structured);
	xmlSetGenericErrorFunc(generic_ctx, generic);
	return rc;
}

int
parse_xml(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *err, size_t errlen)
{
	struct px p = { .src = src, .fn = fn, .ctx = ctx, .st = st,
	    .item_depth = -1, .author_depth = -1 };
	struct fixed fx;
	int rc;

	if (repair(&fx, src->data, src->len) < 0) {
		buf_free(&fx.out);
		errf(err, errlen, "out of memory");
		return -1;
	}
	if (!fx.out.len) {
		buf_free(&fx.out);
		errf(err, errlen, "not an RSS or Atom feed (the document is empty)");
		return -1;
	}
	if (fx.out.len > INT_MAX) {
		buf_free(&fx.out);
		errf(err, errlen, "document too large");
		return -1;
	}
	st->recovered += fx.count;
	rc = read_quietly(&p, &fx, err, errlen);
	buf_free(&p.cap);
	buf_free(&fx.out);
	return rc;
}
