/* libFuzzer harness for the configuration reader: any bytes as a config
 * file must give a loaded configuration or errors, never a crash or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static FILE *devnull;
	struct conf c;
	FILE *f;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		log_to(devnull);
		/* A folder of its own, so "include = *" sees only this file. */
		char dir[] = "/tmp/earshot-fuzz-conf-XXXXXX";

		if (!mkdtemp(dir))
			return 0;
		snprintf(path, sizeof path, "%s/fuzz.conf", dir);
	}
	if (!(f = fopen(path, "w")))
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (conf_load(&c, path) == 0)
		conf_free(&c);
	return 0;
}
