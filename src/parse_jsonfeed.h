/* JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1). Private to the
 * parse stage: parse.c, which loads and sniffs the JSON, is its only caller. */
#ifndef EARSHOT_PARSE_JSONFEED_H
#define EARSHOT_PARSE_JSONFEED_H

#include <jansson.h>

#include "parse.h"

/* Calls fn per usable item of root's "items" list; st must not be NULL and
 * root stays the caller's. Returns 0 (also when fn stopped it), or -1 with
 * the reason, without the feed's name, in why when there is no such list. */
int parse_jsonfeed(const struct parse_source *src, json_t *root, parse_item_fn fn,
    void *ctx, struct parse_stats *st, char *why, size_t whylen);

#endif
