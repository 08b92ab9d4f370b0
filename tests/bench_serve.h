/* bench_serve's bodies: the files of DIR, read once and kept, and their
 * variants for the current generation (see tests/bench_serve.c). */
#ifndef BENCH_SERVE_H
#define BENCH_SERVE_H

#include <stddef.h>

/* A response body, shared by the file table and every connection still
 * sending it: a new generation may drop a body while a slow reader has
 * half of it to go. */
struct blob {
	size_t refs;
	size_t len;
	char data[];
};

/* One file of DIR, read once at its first request: the page cache of a
 * small VM is reclaimed when idle, and disk reads must not be counted as
 * earshot's fetch time. */
struct file {
	char *name;		/* NULL: a free slot of the table */
	size_t nlen;
	struct blob *body;	/* generation 0, as on disk */
	struct blob *var;	/* the current generation's, made when first asked */
};
struct files {
	const char *dir;
	unsigned gen;
	struct file *files;	/* open addressing, a power of two slots */
	size_t cap, nfiles;
};

/* A body of len bytes with one reference; NULL when out of memory. */
struct blob *blob_new(size_t len);
/* One more reference to b, returned. */
struct blob *blob_ref(struct blob *b);
/* Drops a reference, freeing b with the last; NULL is fine. */
void blob_unref(struct blob *b);
/* The Content-Type of a name, by extension as benchlib's TYPES. */
const char *content_type(const char *name, size_t len);
/* The file NAME of ft->dir, read on first use and owned by ft; NULL when it
 * cannot be read. Misses are not kept: a missing feed is rare, and
 * Python's server was the same. */
struct file *files_get(struct files *ft, const char *name, size_t nlen);
/* f's body in ft's generation, one more reference for the caller (unref
 * it); each file's variant is made once per generation. NULL out of memory. */
struct blob *file_body(struct files *ft, struct file *f);
/* Serves generation gen from now on, dropping the last one's variants: at
 * 16,000 feeds each is hundreds of MiB, and a connection still sending one
 * holds its own reference. */
void files_set_gen(struct files *ft, unsigned gen);
/* Frees every file and variant ft holds (not ft). */
void files_free(struct files *ft);

#endif
