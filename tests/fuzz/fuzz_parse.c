/* libFuzzer harness for the parse stage: any bytes, sniffed as PARSE_AUTO
 * (XML feeds and JSON Feeds). Checks in fuzz_check.h. */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_parse(data, size, PARSE_AUTO, NULL);
	return 0;
}
