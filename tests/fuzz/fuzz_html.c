/* libFuzzer harness for HTML pages mapped by XPath (parse_html.c): any
 * bytes as a page, read with the ready review-page map of feeds/ or one
 * that selects every element and walks all of it. The first byte picks
 * the map. Checks in fuzz_check.h. */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct parse_map maps[] = {
	{ .items = "//article[@data-review-id]", .id = "@data-review-id",
	  .link = ".//h2//a/@href", .title = ".//h2",
	  .text = ".//*[contains(concat(' ', @class, ' '), ' review-text ')]",
	  .author = ".//*[@class = 'consumer-name']", .date = ".//time/@datetime",
	  .rating = ".//img[contains(@class, 'stars')]/@alt", .rating_scale = 5 },
	{ .items = "//*", .id = "name()", .link = "@href | @src", .title = "string(.)",
	  .text = ". | ..", .author = "@*", .date = "count(*)", .rating = "@data-rating",
	  .rating_scale = 10 },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_parse(data + 1, size - 1, PARSE_HTML, &maps[data[0] % NELEM(maps)]);
	return 0;
}
