/* Bytes of a fetched document in, normalised items out, one at a time. */
#ifndef EARSHOT_PARSE_H
#define EARSHOT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "item.h"

enum parse_type {
	PARSE_AUTO,     /* sniff: JSON Feed, JSON (needs a map), else XML feed */
	PARSE_RSS,      /* RSS 0.9x / 1.0 (RDF) / 2.0 and Atom 0.3 / 1.0 */
	PARSE_JSONFEED, /* JSON Feed 1.0 / 1.1 */
	PARSE_JSON,     /* a JSON API mapped by struct parse_map paths */
	PARSE_HTML      /* an HTML review page mapped by XPath expressions */
};

/* Where fields live in a JSON API response (dotted paths, e.g.
 * "data.children" and "data.selftext") or an HTML page (XPath; every field
 * relative to the item node). NULL members are unmapped. */
struct parse_map {
	const char *items;
	const char *id, *link, *title, *text, *author, *date;
	const char *rating;
	double rating_scale; /* the rating's maximum, e.g. 5; 0 = unknown */
};

struct parse_source {
	const char *feed;         /* feed name, for messages */
	const char *url;          /* fetch URL: the base for relative links */
	const char *content_type; /* from HTTP, may be NULL */
	/* The document's charset from outside it, e.g. HTTP's Content-Type
	 * "charset=" (parse_feed reads it from content_type when this is
	 * NULL). Precedence: a BOM, then this, then the document's own
	 * declaration (<?xml encoding>, <meta charset>), then a UTF-8 sniff;
	 * outside before inside because a server that transcodes a page
	 * cannot fix the declaration in it (RFC 7303 for XML, HTML's
	 * encoding sniffing algorithm for HTML). Unknown names are ignored. */
	const char *charset;
	const char *data;
	size_t len;
	int64_t fetch_time;       /* used for items without a date */
	enum parse_type type;
	const struct parse_map *map; /* required for PARSE_JSON and PARSE_HTML */
};

struct parse_stats {
	unsigned items;     /* items handed to the callback */
	unsigned recovered; /* problems repaired (bad entity, BOM, bad byte...) */
	unsigned skipped;   /* items dropped as unusable */
};

/* Called once per item, in document order. The item is lent for the call:
 * the callback may take a field by setting the pointer to NULL. Returning
 * non-zero stops parsing (parse_feed then returns 0). */
typedef int (*parse_item_fn)(struct item *it, void *ctx);

/* Parses src, calling fn for each item (already item_finish'ed). Returns 0
 * on success (also when the document was repaired; see stats), -1 when
 * nothing usable could be read, with a one-line reason naming the feed (and
 * the line, where known) in err. st may be NULL. */
int parse_feed(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *err, size_t errlen);

/* Maps "rss", "atom", "jsonfeed", "json", "html" (and "auto") to a type;
 * returns -1 for an unknown name. */
int parse_type_from_name(const char *name);

#endif
