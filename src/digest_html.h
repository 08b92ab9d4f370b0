/* The digest as one self-contained HTML page: inline CSS, charts as inline
 * SVG, no scripts and no external requests, every string from the document
 * escaped. A view of the digest document (schema 1); it reads nothing else. */
#ifndef EARSHOT_DIGEST_HTML_H
#define EARSHOT_DIGEST_HTML_H

#include <jansson.h>

#include "buf.h"

/* Appends the page for doc to out: an overview of every brand with trend
 * arrows and sparklines, share of voice per competitor group, the posts
 * that need a reply, then per brand a daily volume chart stacked by
 * sentiment and tables of metrics, listening measures, ratings, sources,
 * aspects, terms, authors and mentions, and the footnotes. Missing or null
 * values show as a dash; links are links only when http(s). Returns 0, or
 * -1 if doc is not a schema 1 digest or memory ran out (out then holds a
 * partial page the caller discards; it still owns and frees out). */
int digest_html(const json_t *doc, struct buf *out);

#endif
