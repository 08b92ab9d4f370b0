/* A JSON API mapped by dotted paths (struct parse_map). Private to the
 * parse stage: parse.c, which loads the JSON, is its only caller. */
#ifndef EARSHOT_PARSE_JSON_H
#define EARSHOT_PARSE_JSON_H

#include <jansson.h>

#include "parse.h"

/* Calls fn per usable item of the list at src->map->items in root (root
 * itself when that is "." or unset and root is a list). A field's path is
 * "a.b.c" (a number steps into a list: "media.0.url"), alternatives are
 * "a | b" (the first with a value wins), and "{path}" inside other text
 * is a template ("https://host/item?id={objectID}"). String values are
 * read as HTML (APIs escape and mark up their text); dates may also be
 * Unix seconds, ratings numbers or numeric strings. st must not be NULL;
 * root stays the caller's. Returns 0 (also when fn stopped it), or -1 with
 * the reason, without the feed's name, in why when there is no such list. */
int parse_json(const struct parse_source *src, json_t *root, parse_item_fn fn,
    void *ctx, struct parse_stats *st, char *why, size_t whylen);

#endif
