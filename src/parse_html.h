/* An HTML page (a review site) mapped by XPath expressions (struct
 * parse_map). Private to the parse stage: parse.c is its only caller. */
#ifndef EARSHOT_PARSE_HTML_H
#define EARSHOT_PARSE_HTML_H

#include "parse.h"

/* Parses src->data with libxml2's HTML parser (no network, recovering from
 * broken markup) and calls fn per node the map's items expression selects
 * (at most HTML_ITEMS_MAX), in document order. Each field is an XPath
 * expression relative to that node; its string value is the field (the
 * first node's when it selects several), except text, which is the plain
 * text of every selected node with its markup read as HTML. Dates and
 * ratings are read as in a JSON map. st must not be NULL. Returns 0 (also
 * when fn stopped it), or -1 with the reason, without the feed's name, in
 * why: no map or items expression, a bad expression (naming the field), a
 * document libxml2 cannot read. */
int parse_html(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *why, size_t whylen);

#define HTML_ITEMS_MAX 10000

#endif
