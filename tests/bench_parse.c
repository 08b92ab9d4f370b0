/* Parse-stage throughput: every file named on the command line read into
 * memory, then parsed by parse_feed (items built, text cleaned), and read
 * by a bare libxml2 xmlTextReader pass over the same bytes (every node's
 * type, name and value read, nothing built: the ceiling for a streaming XML
 * parser). Prints MB/s and items/s for each, best of five runs of CPU time
 * taken in turns, and their ratio; with --peer-seconds S (the time another
 * parser took on the same files) also the ratio to that. */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"

#define RUNS 5

struct doc {
	char *data;
	size_t len;
};

static double
now(void)
{
	struct timespec ts;

	/* CPU time, not wall time: the machine may be busy with others. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
load(const char *path, struct doc *d)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(d->data = malloc((size_t)n + 1)) || fread(d->data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		return -1;
	}
	d->len = (size_t)n;
	fclose(f);
	return 0;
}

static int
count_item(struct item *it, void *ctx)
{
	(void)it;
	++*(unsigned long *)ctx;
	return 0;
}

/* One earshot pass; returns the items parsed. */
static unsigned long
pass_earshot(const struct doc *docs, size_t n)
{
	struct parse_source src = { .feed = "bench", .url = "https://example.com/feed",
	    .fetch_time = 1700000000, .type = PARSE_RSS };
	unsigned long items = 0;
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		src.data = docs[i].data;
		src.len = docs[i].len;
		if (parse_feed(&src, count_item, &items, NULL, err, sizeof err) < 0)
			fprintf(stderr, "bench-parse: %s\n", err);
	}
	return items;
}

/* Where the bare pass puts a byte of every value, so that it cannot skip
 * reading them. */
static volatile unsigned char sink;

/* One bare reader pass: every node's type, name and value read, as any
 * feed reader must; returns the item and entry elements seen. */
static unsigned long
pass_libxml2(const struct doc *docs, size_t n)
{
	unsigned long items = 0;
	const xmlChar *name, *value;
	xmlTextReaderPtr r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = xmlReaderForMemory(docs[i].data, (int)docs[i].len, NULL, NULL, XML_PARSE_NONET);
		while (r && xmlTextReaderRead(r) == 1) {
			name = xmlTextReaderConstLocalName(r);
			if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT && name &&
			    (!strcmp((const char *)name, "item") || !strcmp((const char *)name, "entry")))
				items++;
			else if ((value = xmlTextReaderConstValue(r)))
				sink = value[0];
		}
		xmlFreeTextReader(r);
	}
	return items;
}

/* Best of RUNS timings of each pass, run in turns so that a change in
 * the machine's load hits both alike; the items of the last runs into
 * *ie and *ix. */
static void
best(const struct doc *docs, size_t n, double *te, double *tx, unsigned long *ie,
    unsigned long *ix)
{
	double t;
	int k;

	*te = *tx = 1e30;
	for (k = 0; k < RUNS; k++) {
		t = now();
		*ie = pass_earshot(docs, n);
		if ((t = now() - t) < *te)
			*te = t;
		t = now();
		*ix = pass_libxml2(docs, n);
		if ((t = now() - t) < *tx)
			*tx = t;
	}
}

int
main(int argc, char **argv)
{
	double peer = 0, te, tx, mb = 0;
	unsigned long ie, ix;
	struct doc *docs;
	size_t n = 0;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--peer-seconds")) {
		peer = atof(argv[2]);
		i = 3;
	}
	if (!(docs = calloc((size_t)argc, sizeof *docs)))
		return 1;
	for (; i < argc; i++) {
		if (load(argv[i], &docs[n]) < 0) {
			fprintf(stderr, "bench-parse: cannot read %s\n", argv[i]);
			return 1;
		}
		mb += (double)docs[n++].len / 1e6;
	}
	best(docs, n, &te, &tx, &ie, &ix);
	printf("corpus:        %zu feeds, %.1f MB, %lu items\n", n, mb, ix);
	printf("earshot:       %7.1f MB/s %10.0f items/s (%lu items)\n", mb / te, ie / te, ie);
	printf("bare libxml2:  %7.1f MB/s %10.0f items/s (xmlTextReader, every node and value "
	    "read, nothing built)\n",
	    mb / tx, ix / tx);
	printf("earshot takes %.2fx the time of the bare libxml2 pass (target <= 2x)\n", te / tx);
	if (peer > 0)
		printf("feedparser:    %7.1f MB/s %10.0f items/s; earshot is %.0fx faster "
		    "(target >= 30x)\n", mb / peer, ix / peer, peer / te);
	for (i = 0; (size_t)i < n; i++)
		free(docs[i].data);
	free(docs);
	return 0;
}
