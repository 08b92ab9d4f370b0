/* The XML feed's pre-parse repair: a copy of the document that libxml2 can
 * read whole. Private to the parse stage: parse_xml.c is its only caller. */
#ifndef EARSHOT_XML_REPAIR_H
#define EARSHOT_XML_REPAIR_H

#include <stddef.h>

#include "buf.h"

/* The document after xml_repair and how libxml2 should decode it. */
struct xml_fixed {
	const char *doc;       /* the bytes to parse: out's, or the input's own */
	size_t doc_len;
	int lazy;              /* doc is the input: it needed no repair, but
	                        * must be repaired (xml_repair again, lazy 0)
	                        * should libxml2 report any error in it */
	struct buf out;
	const char *encoding;  /* override, or NULL for the declared one */
	int ignore_decl;       /* the declared encoding is wrong or unknown */
	int utf8;              /* replace invalid UTF-8 and non-characters */
	int keep_esc;          /* ISO-2022: ESC is part of the encoding */
	char charset[48];      /* where encoding points for an outside charset */
	unsigned count;        /* repairs made */
	int oom;
};

/* charset (may be NULL) is the one from outside the document, which beats
 * its declaration (see struct parse_source) when libxml2 knows it.
 * With lazy set and s needing no repair, only points f->doc at s (and sets
 * f->lazy: see there). Otherwise copies s[0..n) into f->out converted to
 * UTF-8 if it was UTF-16/32, past a BOM and leading space, without its DOCTYPE, with bare '&' and '<', named
 * entities, control characters and bad bytes rewritten, and sets how to
 * decode it. Returns 0, or -1 when out of memory; either way the caller
 * buf_free's f->out. */
int xml_repair(struct xml_fixed *f, const char *s, size_t n, const char *charset,
    int lazy);

#endif
