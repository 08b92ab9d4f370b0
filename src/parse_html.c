/* HTML review pages into struct item: libxml2's HTML parser builds the
 * tree, the feed definition's XPath expressions find the items and their
 * fields. The tree is held whole (fetch's body limit bounds it); the XPath
 * work and the text walks over it are bounded per document, because a
 * field expression like "//p" makes every item walk the whole page. */
#include "parse_html.h"

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse_map.h"
#include "text.h"
#include "util.h"

#define OPS_MAX    50000000UL /* XPath steps over one document */
#define VISITS_MAX 20000000UL /* nodes walked for text over one document */
#define FIELD_MAX  (4u << 20) /* bytes of markup kept for one text field */

enum field { F_ID, F_LINK, F_TITLE, F_AUTHOR, F_TEXT, F_DATE, F_RATING, F_N };

static const char *const field_names[F_N] = {
	"id", "link", "title", "author", "text", "date", "rating"
};

/* One parse of one page. */
struct ph {
	const struct parse_source *src;
	struct parse_stats *st;
	htmlDocPtr doc;
	xmlXPathContextPtr x;
	xmlXPathCompExprPtr items, f[F_N];
	unsigned long visits;
	struct buf b;
	char xerr[160];
};

/* libxml2's XPath errors, kept for the message instead of on stderr. */
static void
xpath_error(void *ctx, xmlErrorPtr e)
{
	struct ph *p = ctx;
	size_t n;

	if (p->xerr[0] || !e || !e->message)
		return;
	snprintf(p->xerr, sizeof p->xerr, "%s", e->message);
	n = strlen(p->xerr);
	while (n && (p->xerr[n - 1] == '\n' || p->xerr[n - 1] == ' '))
		p->xerr[--n] = '\0';
}

static const char *
spec_of(const struct parse_map *m, enum field f)
{
	const char *const s[F_N] = {
		m->id, m->link, m->title, m->author, m->text, m->date, m->rating
	};

	return s[f];
}

/* Compiles expr into *c; 0, or -1 with the reason naming what in why. */
static int
compile(struct ph *p, const char *what, const char *expr, xmlXPathCompExprPtr *c,
    char *why, size_t whylen)
{
	p->xerr[0] = '\0';
	if ((*c = xmlXPathCtxtCompile(p->x, (const xmlChar *)expr)))
		return 0;
	errf(why, whylen, "bad XPath for %s '%s': %s", what, expr,
	    p->xerr[0] ? p->xerr : "invalid expression");
	return -1;
}

static int
compile_map(struct ph *p, char *why, size_t whylen)
{
	const struct parse_map *m = p->src->map;
	int i;

	if (!m || !m->items) {
		errf(why, whylen, "an html feed needs 'items', an XPath expression "
		    "selecting one node per item (e.g. //article)");
		return -1;
	}
	if (compile(p, "items", m->items, &p->items, why, whylen) < 0)
		return -1;
	for (i = 0; i < F_N; i++)
		if (spec_of(m, (enum field)i) &&
		    compile(p, field_names[i], spec_of(m, (enum field)i), &p->f[i],
		    why, whylen) < 0)
			return -1;
	return 0;
}

/* Appends n's opening or closing tag (elements) or its escaped text (text
 * and CDATA) to b: the markup text_from_html reads. */
static void
put_node(struct buf *b, xmlNodePtr n, int closing)
{
	const xmlChar *s;

	if (n->type == XML_ELEMENT_NODE) {
		buf_printf(b, closing ? "</%s>" : "<%s>", (const char *)n->name);
	} else if (!closing && (n->type == XML_TEXT_NODE ||
	    n->type == XML_CDATA_SECTION_NODE) && (s = n->content)) {
		for (; *s; s++)
			if (*s == '&')
				buf_puts(b, "&amp;");
			else if (*s == '<')
				buf_puts(b, "&lt;");
			else
				buf_putc(b, (char)*s);
	}
}

/* Walks the subtree at top (without recursion: pages nest deeply) into
 * p->b as bare markup, within the document's visit budget and FIELD_MAX.
 * Returns 1 when it was cut short. */
static int
walk(struct ph *p, xmlNodePtr top)
{
	xmlNodePtr cur = top;

	while (cur) {
		if (p->visits++ >= VISITS_MAX || p->b.len >= FIELD_MAX)
			return 1;
		put_node(&p->b, cur, 0);
		if (cur->type == XML_ELEMENT_NODE && cur->children) {
			cur = cur->children;
			continue;
		}
		put_node(&p->b, cur, 1);
		while (cur != top && !cur->next) {
			cur = cur->parent;
			put_node(&p->b, cur, 1);
		}
		cur = cur == top ? NULL : cur->next;
	}
	return 0;
}

/* The text field: the plain text of every node r selects, or of its string
 * value. Caller frees; NULL when empty. */
static char *
node_text(struct ph *p, xmlXPathObjectPtr r)
{
	xmlNodeSetPtr ns = r->type == XPATH_NODESET ? r->nodesetval : NULL;
	xmlChar *s;
	char *t;
	int i, cut = 0;

	if (!ns) {
		s = xmlXPathCastToString(r);
		t = s ? pmap_text((const char *)s, strlen((const char *)s), 0, 0) : NULL;
		xmlFree(s);
		return t;
	}
	buf_reset(&p->b);
	for (i = 0; i < ns->nodeNr && !cut; i++) {
		if (ns->nodeTab[i]->type == XML_ELEMENT_NODE ||
		    ns->nodeTab[i]->type == XML_TEXT_NODE ||
		    ns->nodeTab[i]->type == XML_CDATA_SECTION_NODE) {
			cut = walk(p, ns->nodeTab[i]);
		} else if ((s = xmlNodeGetContent(ns->nodeTab[i]))) {
			buf_puts(&p->b, (const char *)s);
			xmlFree(s);
		}
		buf_putc(&p->b, '\n');
	}
	if (cut)
		p->st->recovered++;
	return p->b.data ? pmap_text(p->b.data, p->b.len, 1, 0) : NULL;
}

/* Evaluates field f at node n: its text (see node_text for F_TEXT, else a
 * one-line string value). Caller frees; NULL when absent or empty. */
static char *
eval(struct ph *p, enum field f, xmlNodePtr n)
{
	xmlXPathObjectPtr r;
	xmlChar *s;
	char *t = NULL;

	if (!p->f[f] || p->x->opCount > OPS_MAX)
		return NULL;
	p->x->node = n;
	if (!(r = xmlXPathCompiledEval(p->f[f], p->x)))
		return NULL;
	if (f == F_TEXT) {
		t = node_text(p, r);
	} else if ((s = xmlXPathCastToString(r))) {
		t = pmap_text((const char *)s, strlen((const char *)s), 0, TEXT_ONE_LINE);
		xmlFree(s);
	}
	xmlXPathFreeObject(r);
	return t;
}

static void
html_item(struct ph *p, xmlNodePtr n, struct item *it)
{
	char *date = eval(p, F_DATE, n), *rating = eval(p, F_RATING, n);
	double r;

	it->id = eval(p, F_ID, n);
	it->link = eval(p, F_LINK, n);
	it->title = eval(p, F_TITLE, n);
	it->author = eval(p, F_AUTHOR, n);
	it->text = eval(p, F_TEXT, n);
	if (date && pmap_date(date, &it->published) < 0)
		it->published = 0;
	if (rating && pmap_number(rating, &r) == 0)
		pmap_rating(it, r, p->src->map->rating_scale);
	free(date);
	free(rating);
}

/* Hands on an item per node the items expression selects. */
static int
each_item(struct ph *p, parse_item_fn fn, void *ctx, char *why, size_t whylen)
{
	xmlXPathObjectPtr r;
	xmlNodeSetPtr ns;
	struct item it;
	int i;

	p->x->node = (xmlNodePtr)p->doc;
	p->xerr[0] = '\0';
	if (!(r = xmlXPathCompiledEval(p->items, p->x)) || r->type != XPATH_NODESET) {
		errf(why, whylen, "items '%s' %s", p->src->map->items,
		    r ? "selects no nodes (it gives a value)" :
		    p->xerr[0] ? p->xerr : "cannot be evaluated");
		xmlXPathFreeObject(r);
		return -1;
	}
	ns = r->nodesetval;
	for (i = 0; ns && i < ns->nodeNr; i++) {
		/* Past the bounds the page is hostile or the map is wrong. */
		if (i >= HTML_ITEMS_MAX || p->x->opCount > OPS_MAX || p->visits >= VISITS_MAX) {
			p->st->skipped += (unsigned)(ns->nodeNr - i);
			p->st->recovered++;
			break;
		}
		item_init(&it);
		html_item(p, ns->nodeTab[i], &it);
		if (pmap_emit(p->src, &it, fn, ctx, p->st))
			break;
	}
	xmlXPathFreeObject(r);
	return 0;
}

static void
ph_free(struct ph *p)
{
	int i;

	for (i = 0; i < F_N; i++)
		xmlXPathFreeCompExpr(p->f[i]);
	xmlXPathFreeCompExpr(p->items);
	xmlXPathFreeContext(p->x);
	xmlFreeDoc(p->doc);
	buf_free(&p->b);
}

static void
discard(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* The encoding to read the page in: the outside charset unless a BOM
 * says otherwise (then libxml2 sees the BOM), or NULL for libxml2's own
 * choice (<meta charset>, else its default). An encoding given here beats
 * a <meta> one. */
static const char *
html_encoding(const struct parse_source *src)
{
	xmlCharEncodingHandlerPtr h;
	const unsigned char *d = (const unsigned char *)src->data;

	if (!src->charset || (src->len >= 2 && ((d[0] == 0xfe && d[1] == 0xff) ||
	    (d[0] == 0xff && d[1] == 0xfe))) ||
	    (src->len >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf))
		return NULL;
	if (!(h = xmlFindCharEncodingHandler(src->charset)))
		return NULL;
	xmlCharEncCloseFunc(h);
	return src->charset;
}

/* Parses and maps the page; parse_html wraps it. */
static int
html_doc(struct ph *p, parse_item_fn fn, void *ctx, char *why, size_t whylen)
{
	const struct parse_source *src = p->src;

	if (src->len > INT_MAX) {
		errf(why, whylen, "page too large (%zu bytes)", src->len);
		return -1;
	}
	p->doc = htmlReadMemory(src->data, (int)src->len, src->url, html_encoding(src),
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_RECOVER);
	if (!p->doc || !xmlDocGetRootElement(p->doc)) {
		errf(why, whylen, "not an HTML page (%s)", src->len ? "unreadable" : "empty");
		return -1;
	}
	if (!(p->x = xmlXPathNewContext(p->doc))) {
		errf(why, whylen, "out of memory");
		return -1;
	}
	p->x->error = xpath_error;
	p->x->userData = p;
	p->x->opLimit = OPS_MAX;
	if (compile_map(p, why, whylen) < 0)
		return -1;
	return each_item(p, fn, ctx, why, whylen);
}

/* XPath's evaluator reports some errors (the operation limit among them)
 * to libxml2's per-thread generic handler, which prints to stderr: mute it
 * for the length of the parse, then put back whatever was there. */
int
parse_html(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *why, size_t whylen)
{
	xmlGenericErrorFunc generic = xmlGenericError;
	void *generic_ctx = xmlGenericErrorContext;
	struct ph p = { .src = src, .st = st };
	int rc;

	xmlSetGenericErrorFunc(NULL, discard);
	rc = html_doc(&p, fn, ctx, why, whylen);
	xmlSetGenericErrorFunc(generic_ctx, generic);
	ph_free(&p);
	return rc;
}
