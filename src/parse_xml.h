/* RSS 0.9x / 1.0 / 2.0 and Atom 0.3 / 1.0, streamed with libxml2's reader.
 * Private to the parse stage: parse.c is its only caller. */
#ifndef EARSHOT_PARSE_XML_H
#define EARSHOT_PARSE_XML_H

#include "parse.h"

/* Parses src as an XML feed, calling fn per finished item; st must not be
 * NULL (parse_feed passes its own). Returns 0 (also after repairs and when
 * fn stopped it), or -1 with the reason, without the feed's name, in err. */
int parse_xml(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *err, size_t errlen);

#endif
