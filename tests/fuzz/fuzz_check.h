/* What every fuzz harness of the parse stage checks of each item: the
 * fields every consumer relies on (valid UTF-8, an id always present, a
 * rating in 0..1 or none), and it steals one field to exercise ownership.
 * ctx counts items; parsing stops after 1000. */
#ifndef EARSHOT_FUZZ_CHECK_H
#define EARSHOT_FUZZ_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "json_arena.h"
#include "parse.h"
#include "util.h"

static void
check_field(const char *s)
{
	if (s && !utf8_valid(s, strlen(s)))
		__builtin_trap();
}

static int
on_item(struct item *it, void *ctx)
{
	unsigned *n = ctx;

	if (!it->id || (!it->title && !it->text && !it->link))
		__builtin_trap();
	if (it->rating > 1 || (it->rating >= 0 && it->rating_scale <= 0))
		__builtin_trap();
	check_field(it->id);
	check_field(it->link);
	check_field(it->title);
	check_field(it->author);
	check_field(it->text);
	free(it->text);
	it->text = NULL;
	return ++*n >= 1000;
}

/* Parses data with the type and map, and an HTTP Content-Type picked by
 * the size (none, or one naming a charset) so that the seeds stay as they
 * are; traps on an error message that does not name the feed. */
static void
fuzz_parse(const uint8_t *data, size_t size, enum parse_type type,
    const struct parse_map *map)
{
	static const char *const types[] = {
		NULL, "text/html; charset=windows-1252", "text/xml; charset=Shift_JIS",
		"application/rss+xml; charset=\"utf-8\""
	};
	struct parse_source src = {
		.feed = "fuzz", .url = "http://example.com/feed/", .data = (const char *)data,
		.len = size, .fetch_time = 1700000000, .type = type, .map = map,
		.content_type = types[size % 4]
	};
	struct parse_stats st;
	static int arena;

	/* As earshot runs: JSON parsed in jansson's arena (json_arena.h). */
	if (!arena++)
		json_arena_install();
	unsigned n = 0;
	char err[256];

	if (parse_feed(&src, on_item, &n, &st, err, sizeof err) < 0 &&
	    strncmp(err, "feed fuzz: ", 11))
		__builtin_trap();
}

#endif
