/* Shared by the XML feed reader (parse_xml.c) and its item builder
 * (parse_xml_item.c); nothing else includes it. */
#ifndef EARSHOT_PARSE_XML_INT_H
#define EARSHOT_PARSE_XML_INT_H

#include <libxml/parser.h>

#include "buf.h"
#include "item.h"
#include "parse.h"

#define RDF_NS "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

enum ns { NS_NONE, NS_RSS, NS_ATOM, NS_DC, NS_CONTENT, NS_RDF, NS_XHTML, NS_OTHER };
/* How a field's text is captured and converted; the B64 ones are base64
 * (Atom 0.3 mode="base64") decoding to HTML or plain text. */
enum mode { M_PLAIN, M_HTML, M_XHTML, M_TYPED, M_SKIP, M_B64_HTML, M_B64_PLAIN };

struct field; /* an item child we read: parse_xml_item.c's table */

/* An xml:base in force from the element at depth down. */
struct xml_base {
	int depth;
	char *uri;             /* resolved against the one above it */
};

/* One parse of one document: the parser, the item being filled, errors. */
struct px {
	const struct parse_source *src;
	xmlParserCtxtPtr ctxt;
	int depth;             /* of the next element to open */
	const xmlChar **attrs; /* the opening element's, in libxml2's SAX2 form */
	int nattrs;
	struct xml_base *base; /* innermost last */
	size_t nbase, capbase;
	parse_item_fn fn;
	void *ctx;
	struct parse_stats *st;
	int atom;              /* root is <feed> */
	int root;              /* 0 not seen yet, 1 a feed, -1 something else */
	char root_name[48];
	char root_uri[128];    /* an unlisted namespace the root is in, or "" */
	const char *last_uri;  /* the namespace node_ns saw last (interned) */
	enum ns last_ns;       /* and what it is */
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
	int lazy;              /* reading an unrepaired document: stop at an error */
	int err_line, err_col;
	char err_msg[160];
	int stop;
};

/* An <item> or <entry> opens at depth: starts a fresh p->it. */
void xml_item_start(struct px *p, int depth);
/* The item is complete: hands it to p->fn unless unusable or already
 * handed on by the first pass, then clears it. */
void xml_item_end(struct px *p);
/* A child element of the item at depth: starts capturing its text into
 * p->cap (p->f set) or acts on its attributes (p->attrs). */
void xml_field_start(struct px *p, const char *name, enum ns ns, int depth);
/* The captured field p->f is complete: stores it in p->it, unsets p->f. */
void xml_field_end(struct px *p);
/* Appends n bytes of text to the capture, up to a bound. */
void xml_capture_text(struct px *p, const char *s, size_t n);
/* Records an element inside an HTML or XHTML field as a bare tag. */
void xml_capture_tag(struct px *p, const char *name, int closing);

#endif
