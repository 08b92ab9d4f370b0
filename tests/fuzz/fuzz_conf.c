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
		snprintf(path, sizeof path, "/tmp/earshot-fuzz-conf-%ld.conf", (long)getpid());
	}
	if (!(f = fopen(path, "w")))
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (conf_load(&c, path) == 0)
		conf_free(&c);
	return 0;
}
