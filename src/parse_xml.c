/* RSS and Atom through libxml2's SAX2 parser: one item is filled at a time
 * and handed on, so beyond the document and its repaired copy
 * (xml_repair.c) memory stays flat whatever the document's size. Which
 * elements make up an item is parse_xml_item.c's. */
#include "parse_xml.h"

#include <libxml/uri.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_xml_int.h"
#include "util.h"
#include "xml_repair.h"

#define ERRORS_MAX 1000        /* libxml2 errors counted before giving up */

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

static void
on_error(void *arg, xmlErrorPtr e)
{
	struct px *p = arg;

	/* An unrepaired document is read again repaired after its first
	 * error, so reading on is wasted, and can take quadratic time. */
	if (p->lazy && e && e->ctxt &&
	    (e->domain == XML_FROM_PARSER || e->domain == XML_FROM_NAMESPACE))
		xmlStopParser(e->ctxt);
	if (p->errors++ == 0 && e) {
		snprintf(p->err_msg, sizeof p->err_msg, "%s", e->message ? e->message : "error");
		p->err_msg[strcspn(p->err_msg, "\r\n")] = '\0';
		p->err_line = e->line;
		p->err_col = e->int2;
	}
}

/* The namespace class of an element, with the un-namespaced names of a
 * plain <rss> or <feed> folded in, and undeclared prefixes ("media:title"
 * with no URI) treated as foreign. */
static enum ns
node_ns(struct px *p, const char *prefix, const char *uri)
{
	enum ns ns = NS_OTHER;
	size_t i;

	if (!uri)
		return prefix ? NS_OTHER : p->atom ? NS_ATOM : NS_NONE;
	/* Namespace names are interned in the parser's dictionary: once the
	 * root is known, the same pointer is the same answer, which spares
	 * the lookups per element. */
	if (p->root && uri == p->last_uri)
		return p->last_ns;
	if (*p->root_uri && !strcmp(uri, p->root_uri)) {
		ns = p->atom ? NS_ATOM : NS_NONE;
	} else {
		for (i = 0; i < NELEM(namespaces); i++)
			if (!strcmp(uri, namespaces[i].uri))
				ns = namespaces[i].ns;
		if (ns == NS_RSS)
			ns = NS_NONE;
	}
	if (p->root) {
		p->last_uri = uri;
		p->last_ns = ns;
	}
	return ns;
}

static void
classify_root(struct px *p, const char *name, enum ns ns, const char *uri)
{
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

static void
on_element(struct px *p, const char *name, const char *prefix, const char *uri,
    int depth)
{
	enum ns ns = node_ns(p, prefix, uri);

	if (!p->root) {
		classify_root(p, name, ns, uri);
		return;
	}
	if ((!p->atom && ns == NS_NONE && !strcmp(name, "item")) ||
	    (p->atom && ns == NS_ATOM && !strcmp(name, "entry"))) {
		/* Items never nest: one inside another is a lost end tag (or
		 * libxml2's recovery from one), so the open item is complete. */
		if (p->f)
			xml_field_end(p);
		if (p->item_depth >= 0)
			xml_item_end(p);
		xml_item_start(p, depth);
		return;
	}
	if (p->f) {
		xml_capture_tag(p, name, 0);
		return;
	}
	if (p->item_depth >= 0)
		xml_field_start(p, name, ns, depth);
}

static void
on_end(struct px *p, const char *name, int depth)
{
	if (p->f && depth > p->f_depth)
		xml_capture_tag(p, name, 1);
	else if (p->f)
		xml_field_end(p);
	else if (depth == p->author_depth)
		p->author_depth = -1;
	else if (depth == p->item_depth)
		xml_item_end(p);
}

/* The element at depth opens with an xml:base (in attrs, SAX2's five
 * pointers per attribute): it is resolved against the base above it and
 * holds until the element closes. */
static void
base_push(struct px *p, int depth, const xmlChar **attrs, int n)
{
	const char *above = p->nbase ? p->base[p->nbase - 1].uri : p->src->url;
	xmlChar *rel, *abs;
	int i;

	for (i = 0; i < n; i++, attrs += 5)
		if (attrs[2] && !strcmp((const char *)attrs[0], "base") &&
		    !strcmp((const char *)attrs[2], (const char *)XML_XML_NAMESPACE))
			break;
	if (i == n)
		return;
	if (p->nbase == p->capbase) {
		size_t cap = p->capbase ? 2 * p->capbase : 4;
		struct xml_base *nb = realloc(p->base, cap * sizeof *nb);

		if (!nb)
			return;
		p->base = nb;
		p->capbase = cap;
	}
	rel = xmlStrndup(attrs[3], (int)(attrs[4] - attrs[3]));
	abs = rel && above ? xmlBuildURI(rel, (const xmlChar *)above) : NULL;
	p->base[p->nbase].depth = depth;
	p->base[p->nbase].uri = xstrdup((char *)(abs ? abs : rel));
	xmlFree(rel);
	xmlFree(abs);
	if (p->base[p->nbase].uri)
		p->nbase++;
}

static void
base_pop(struct px *p, int depth)
{
	while (p->nbase && p->base[p->nbase - 1].depth >= depth)
		free(p->base[--p->nbase].uri);
}

/* Ends the parse early: a stop asked for, a document that is no feed, or
 * too many errors. */
static void
maybe_stop(struct px *p)
{
	if (p->stop || p->root < 0 || p->errors >= ERRORS_MAX)
		xmlStopParser(p->ctxt);
}

static void
sax_start(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
    int nns, const xmlChar **ns, int nattrs, int ndefaulted, const xmlChar **attrs)
{
	struct px *p = ((xmlParserCtxtPtr)ctx)->_private;
	int depth = p->depth++;

	(void)nns;
	(void)ns;
	(void)ndefaulted;
	base_push(p, depth, attrs, nattrs);
	p->attrs = attrs;
	p->nattrs = nattrs;
	on_element(p, (const char *)name, (const char *)prefix, (const char *)uri, depth);
	p->attrs = NULL;
	p->nattrs = 0;
	maybe_stop(p);
}

static void
sax_end(void *ctx, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri)
{
	struct px *p = ((xmlParserCtxtPtr)ctx)->_private;
	int depth = p->depth > 0 ? --p->depth : 0;

	(void)prefix;
	(void)uri;
	on_end(p, (const char *)name, depth);
	base_pop(p, depth);
	maybe_stop(p);
}

static void
sax_text(void *ctx, const xmlChar *s, int n)
{
	struct px *p = ((xmlParserCtxtPtr)ctx)->_private;

	if (p->f && n > 0)
		xml_capture_text(p, (const char *)s, (size_t)n);
}

static void
on_ctxt_error(void *arg, xmlErrorPtr e)
{
	struct px *p = ((xmlParserCtxtPtr)arg)->_private;

	on_error(p, e);
	if (p->errors >= ERRORS_MAX)
		xmlStopParser(arg);
}

/* Back to the start of the document for another pass over it, which
 * passes over the items the one before handed on. */
static void
restart(struct px *p)
{
	item_clear(&p->it);
	p->pass_over = p->items_done;
	p->items_done = 0;
	p->root = p->atom = 0;
	p->root_uri[0] = '\0';
	p->item_depth = p->author_depth = -1;
	p->f = NULL;
	p->errors = 0;
}

/* Parses the document with libxml2's SAX2 interface, the elements straight
 * to on_element and on_end: no tree, and no node built and freed per
 * element as its streaming reader does (that was a third of parsing). In
 * recover mode the parser goes on past an error, giving the same events
 * it would give a tree builder. The DTD callbacks stay libxml2's own, so
 * that entities a document declares are known. */
static int
sax_parse(struct px *p, const struct xml_fixed *fx, int opts)
{
	xmlParserCtxtPtr c = xmlNewParserCtxt();
	xmlDocPtr doc;

	if (!c)
		return -1;
	c->_private = p;
	c->sax->startElementNs = sax_start;
	c->sax->endElementNs = sax_end;
	c->sax->characters = sax_text;
	c->sax->ignorableWhitespace = sax_text;
	c->sax->cdataBlock = sax_text;
	c->sax->reference = NULL;
	c->sax->comment = NULL;
	c->sax->processingInstruction = NULL;
	c->sax->serror = on_ctxt_error;
	p->ctxt = c;
	p->depth = 0;
	p->last_uri = NULL; /* interned in this parser's dictionary */
	doc = xmlCtxtReadMemory(c, fx->doc, (int)fx->doc_len, p->src->url, fx->encoding,
	    opts);
	base_pop(p, 0);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(c);
	p->ctxt = NULL;
	return 0;
}

/* Parses the repaired document. Returns 0 or -1 (err set), or 1 when the
 * document was read unrepaired (fx->lazy) and libxml2 reported an error:
 * it must be repaired and read again. */
static int
read_doc(struct px *p, const struct xml_fixed *fx, char *err, size_t errlen)
{
	int opts = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOCDATA |
	    (fx->ignore_decl ? XML_PARSE_IGNORE_ENC : 0);

	p->lazy = fx->lazy;
	if (sax_parse(p, fx, opts) < 0) {
		p->lazy = 0;
		errf(err, errlen, "cannot start the XML parser");
		return -1;
	}
	p->lazy = 0;
	if (fx->lazy && p->errors && !p->stop && p->root >= 0)
		return 1;
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

/* Encoding and I/O errors bypass the parser's handler and go to libxml2's
 * per-thread global ones, which print to stderr: route them to ours for
 * the length of the parse, then put back whatever was there. */
static int
read_quietly(struct px *p, const struct xml_fixed *fx, char *err, size_t errlen)
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

/* xml_repair (see there for lazy) and the checks on what it gives.
 * Returns 0, or -1 with err set and fx->out freed. */
static int
prepare(struct xml_fixed *fx, const struct parse_source *src, int lazy, char *err,
    size_t errlen)
{
	if (xml_repair(fx, src->data, src->len, src->charset, lazy) < 0)
		errf(err, errlen, "out of memory");
	else if (!fx->doc_len)
		errf(err, errlen, "not an RSS or Atom feed (the document is empty)");
	else if (fx->doc_len > INT_MAX)
		errf(err, errlen, "document too large");
	else
		return 0;
	buf_free(&fx->out);
	return -1;
}

int
parse_xml(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *err, size_t errlen)
{
	struct px p = { .src = src, .fn = fn, .ctx = ctx, .st = st,
	    .item_depth = -1, .author_depth = -1 };
	struct xml_fixed fx;
	int rc;

	if (prepare(&fx, src, 1, err, errlen) < 0)
		return -1;
	st->recovered += fx.count;
	rc = read_quietly(&p, &fx, err, errlen);
	if (rc == 1) {
		/* Up to its first error libxml2 read the document just as it
		 * reads the repaired copy: the items it handed on stand. */
		restart(&p);
		if ((rc = prepare(&fx, src, 0, err, errlen)) == 0) {
			st->recovered += fx.count;
			rc = read_quietly(&p, &fx, err, errlen);
		}
	}
	buf_free(&p.cap);
	buf_free(&fx.out);
	free(p.base);
	return rc;
}
