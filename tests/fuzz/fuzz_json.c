/* libFuzzer harness for mapped JSON APIs (parse_json.c): any bytes as a
 * response, read with each of the ready maps of feeds/ and one that uses
 * every path form (indices, alternatives, templates, the document as the
 * list). The first byte picks the map. Checks in fuzz_check.h. */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct parse_map maps[] = {
	{ .items = "data.children", .id = "data.name", .link = "data.permalink | data.url",
	  .title = "data.title", .text = "data.selftext", .author = "data.author",
	  .date = "data.created_utc" },
	{ .items = "hits", .id = "objectID", .link = "https://news.ycombinator.com/item?id={objectID}",
	  .title = "title | story_title", .text = "comment_text | story_text", .author = "author",
	  .date = "created_at_i | created_at" },
	{ .items = ".", .id = "uri", .link = "url | uri", .title = "spoiler_text", .text = "content",
	  .author = "account.display_name | account.acct", .date = "created_at" },
	{ .items = "feed.entry", .id = "id.label", .link = "link.attributes.href",
	  .title = "title.label", .text = "content.label", .author = "author.name.label",
	  .date = "updated.label", .rating = "im:rating.label", .rating_scale = 5 },
	{ .items = "0.items", .id = "{0}-{1.a}", .link = "a.0.b.1 | {x}{y}{z}",
	  .title = "t | 0 | a.b", .text = ". | x", .author = "{", .date = "d.0",
	  .rating = "r | r.0", .rating_scale = 0 },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_parse(data + 1, size - 1, PARSE_JSON, &maps[data[0] % NELEM(maps)]);
	return 0;
}
