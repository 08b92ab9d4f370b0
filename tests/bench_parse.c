/* Parse-stage throughput: every file named on the command line read into
 * memory, then parsed by parse_feed (items built, text cleaned), and read
 * by a bare libxml2 xmlTextReader pass over the same bytes (every node
 * visited, nothing built: the ceiling for a streaming XML parser). Prints
 * MB/s and items/s for each, best of three runs, and their ratio; with
 * --peer-seconds S (the time another parser took on the same files) also
 * the ratio to that. */
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"

#define RUNS 3

struct doc {
	char *data;
	size_t len;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
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

/* One bare reader pass; returns the item and entry elements seen. */
static unsigned long
pass_libxml2(const struct doc *docs, size_t n)
{
	unsigned long items = 0;
	const xmlChar *name;
	xmlTextReaderPtr r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = xmlReaderForMemory(docs[i].data, (int)docs[i].len, NULL, NULL, XML_PARSE_NONET);
		while (r && xmlTextReaderRead(r) == 1)
			if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT &&
			    (name = xmlTextReaderConstLocalName(r)) &&
			    (!strcmp((const char *)name, "item") || !strcmp((const char *)name, "entry")))
				items++;
		xmlFreeTextReader(r);
	}
	return items;
}

/* Best of RUNS timings of pass; the items of the last into *items. */
static double
best(unsigned long (*pass)(const struct doc *, size_t), const struct doc *docs, size_t n,
    unsigned long *items)
{
	double t, min = 1e30;
	int k;

	for (k = 0; k < RUNS; k++) {
		t = now();
		*items = pass(docs, n);
		t = now() - t;
		if (t < min)
			min = t;
	}
	return min;
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
	te = best(pass_earshot, docs, n, &ie);
	tx = best(pass_libxml2, docs, n, &ix);
	printf("corpus:        %zu feeds, %.1f MB, %lu items\n", n, mb, ix);
	printf("earshot:       %7.1f MB/s %10.0f items/s (%lu items)\n", mb / te, ie / te, ie);
	printf("bare libxml2:  %7.1f MB/s %10.0f items/s (xmlTextReader, nothing built)\n",
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
