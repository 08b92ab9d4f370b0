/* libFuzzer harness for json_read: any bytes, read by it and by jansson's
 * json_loadb with the same flags (0). They must agree on whether the
 * document is JSON and, when it is, on its value; a difference traps. */
#include <jansson.h>
#include <stdint.h>

#include "json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[200];
	json_t *want = json_loadb((const char *)data, size, 0, NULL);
	json_t *got = json_read((const char *)data, size, why, sizeof why);

	if (!want != !got || (want && !json_equal(want, got)))
		__builtin_trap();
	json_decref(want);
	json_decref(got);
	return 0;
}
