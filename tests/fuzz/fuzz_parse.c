/* libFuzzer harness for the parse stage: any bytes, sniffed as PARSE_AUTO.
 * The callback checks what every consumer relies on (valid UTF-8 fields,
 * an id always present) and steals one field to exercise ownership. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	check_field(it->id);
	check_field(it->link);
	check_field(it->title);
	check_field(it->author);
	check_field(it->text);
	free(it->text);
	it->text = NULL;
	return ++*n >= 1000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_source src = {
		.feed = "fuzz", .url = "http://example.com/feed/", .data = (const char *)data,
		.len = size, .fetch_time = 1700000000, .type = PARSE_AUTO
	};
	struct parse_stats st;
	unsigned n = 0;
	char err[256];

	if (parse_feed(&src, on_item, &n, &st, err, sizeof err) < 0 &&
	    strncmp(err, "feed fuzz: ", 11))
		__builtin_trap();
	return 0;
}
