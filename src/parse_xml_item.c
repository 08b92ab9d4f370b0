/* The item under construction: which children of an RSS <item> or Atom
 * <entry> are read, how their text is captured and converted, and which of
 * several candidates for a field wins. */
#include "parse_xml_int.h"

#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define FIELD_MAX (4u << 20)   /* bytes kept of one field; the rest is cut */

enum kind { K_TITLE, K_LINK, K_ID, K_AUTHOR, K_DATE, K_TEXT, K_ATOM_LINK, K_ATOM_AUTHOR };

struct field {
	enum ns ns;
	const char *name;
	enum kind kind;
	int prio;       /* dates and texts: the higher wins */
	enum mode mode;
};

/* The children of an item we read; everything else, in particular anything
 * in a namespace parse_xml.c does not list (media:title ...), is
 * ignored. */
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

/* The value of the opening element's attribute name in namespace uri
 * (NULL: none), as a string the caller frees, or NULL if it has none. */
static char *
attr_ns(struct px *p, const char *name, const char *uri)
{
	const xmlChar **a = p->attrs;
	int i;

	for (i = 0; a && i < p->nattrs; i++, a += 5) {
		const char *v = (const char *)a[3];
		size_t n = (size_t)(a[4] - a[3]);
		xmlChar *dec;
		char *out;

		if (strcmp((const char *)a[0], name) ||
		    (uri ? !a[2] || strcmp((const char *)a[2], uri) : a[2] != NULL))
			continue;
		/* libxml2 leaves "&#38;" for '&' and entity references in
		 * place for a tree builder to decode; this is its decoding. */
		if (!memchr(v, '&', n))
			return xstrndup(v, n);
		dec = xmlStringLenDecodeEntities(p->ctxt, a[3], (int)n, XML_SUBSTITUTE_REF,
		    0, 0, 0);
		out = dec ? xstrdup((char *)dec) : xstrndup(v, n);
		xmlFree(dec);
		return out;
	}
	return NULL;
}

static char *
attr(struct px *p, const char *name)
{
	return attr_ns(p, name, NULL);
}

/* An absolute link for href, resolved against xml:base when the document
 * sets one; the feed URL itself is left to item_finish. Caller frees. */
static char *
resolve(struct px *p, const char *href)
{
	const char *base = p->nbase ? p->base[p->nbase - 1].uri : NULL;
	xmlChar *abs = NULL;
	char *out;

	if (base && (!p->src->url || strcmp(base, p->src->url)))
		abs = xmlBuildURI((const xmlChar *)href, (const xmlChar *)base);
	out = xstrdup(abs ? (char *)abs : href);
	xmlFree(abs);
	return out;
}

/* The mode of a MIME type's content when base64-encoded: text is decoded,
 * anything else (images, PDFs...) is no text of ours. */
static enum mode
base64_mode(const char *type)
{
	if (type && !strncmp(type, "text/html", 9))
		return M_B64_HTML;
	if (type && !strncmp(type, "text/", 5))
		return M_B64_PLAIN;
	return M_SKIP;
}

/* The mode of an Atom text construct from its type (and 0.3's mode). A
 * MIME type outside text/ and XML means base64 content (RFC 4287 4.1.3.3). */
static enum mode
atom_mode(struct px *p)
{
	char *type = attr(p, "type"), *mode = attr(p, "mode");
	size_t tn = type ? strlen(type) : 0;
	enum mode m = M_PLAIN;

	if (mode && !strcmp(mode, "base64"))
		m = base64_mode(type);
	else if (type && strstr(type, "xhtml"))
		m = M_XHTML;
	else if ((type && strstr(type, "html")) || (mode && !strcmp(mode, "escaped")))
		m = M_HTML;
	else if (type && strchr(type, '/') && strncmp(type, "text/", 5) &&
	    !(tn >= 4 && (!strcmp(type + tn - 4, "+xml") || !strcmp(type + tn - 4, "/xml"))))
		m = M_SKIP;
	free(type);
	free(mode);
	return m;
}

void
xml_item_start(struct px *p, int depth)
{
	char *about = attr_ns(p, "about", RDF_NS);

	item_init(&p->it);
	p->item_depth = depth;
	p->author_depth = -1;
	p->text_prio = p->date_prio = -1;
	p->guid_link = 0;
	p->it.id = about;
}

void
xml_item_end(struct px *p)
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
	free(rel);
	free(href);
}

void
xml_field_start(struct px *p, const char *name, enum ns ns, int depth)
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
			free(perma);
		}
		p->f = f;
		p->f_depth = depth;
		p->f_mode = f->mode == M_TYPED ? atom_mode(p) : f->mode;
		p->f_cut = 0;
		buf_reset(&p->cap);
	}
}

/* Appends text to the capture; in XHTML it is escaped back into markup. */
void
xml_capture_text(struct px *p, const char *s, size_t n)
{
	const char *e = s + n;
	size_t k;

	while (s < e) {
		if (p->cap.len >= FIELD_MAX) {
			/* Cut here, and counted once per field. */
			p->st->recovered += !p->f_cut;
			p->f_cut = 1;
			return;
		}
		k = (size_t)(e - s);
		if (p->f_mode == M_XHTML)
			for (k = 0; s + k < e && s[k] != '&' && s[k] != '<'; k++)
				;
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
void
xml_capture_tag(struct px *p, const char *name, int closing)
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

/* The text of a captured field in mode m; base64 is decoded first (and
 * gives NULL if it is not base64). */
static char *
convert(const char *s, size_t n, enum mode m, int flags)
{
	char *raw, *out;
	size_t len;

	if (m == M_B64_HTML || m == M_B64_PLAIN) {
		if (!(raw = text_base64_decode(s, n, &len)))
			return NULL;
		out = convert(raw, len, m == M_B64_HTML ? M_HTML : M_PLAIN, flags);
		free(raw);
		return out;
	}
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
void
xml_field_end(struct px *p)
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
