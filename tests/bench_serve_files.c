/* bench_serve's file table and generations: see bench_serve.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench_serve.h"
#include "util.h"

struct blob *
blob_new(size_t len)
{
	struct blob *b = malloc(sizeof *b + len + 1);

	if (b != NULL) {
		b->refs = 1;
		b->len = len;
	}
	return b;
}

struct blob *
blob_ref(struct blob *b)
{
	b->refs++;
	return b;
}

void
blob_unref(struct blob *b)
{
	if (b != NULL && --b->refs == 0)
		free(b);
}

const char *
content_type(const char *name, size_t len)
{
	static const char *const types[][2] = {
		{ "xml", "application/rss+xml" }, { "atom", "application/atom+xml" },
		{ "json", "application/feed+json" },
	};
	const char *ext = name + len;
	size_t i;

	/* As name.rsplit(".", 1)[-1]: with no dot, the whole name. */
	while (ext > name && ext[-1] != '.')
		ext--;
	len -= (size_t)(ext - name);
	for (i = 0; i < NELEM(types); i++)
		if (strlen(types[i][0]) == len && memcmp(ext, types[i][0], len) == 0)
			return types[i][1];
	return "text/plain";
}

static struct blob *
file_read(const char *dir, const char *name, size_t nlen)
{
	char path[4096];
	struct stat st;
	struct blob *b = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%.*s", dir, (int)nlen, name) >= sizeof path)
		return NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (b = blob_new((size_t)st.st_size)))
		while (got < b->len) {
			r = read(fd, b->data + got, b->len - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				blob_unref(b);
				b = NULL;
				break;
			}
			got += (size_t)r;
		}
	close(fd);
	return b;
}

static int
files_grow(struct files *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024, i, j;
	struct file *t = calloc(cap, sizeof *t);

	if (t == NULL)
		return -1;
	for (i = 0; i < s->cap; i++) {
		if (s->files[i].name == NULL)
			continue;
		j = (size_t)hash64(s->files[i].name, s->files[i].nlen) & (cap - 1);
		while (t[j].name != NULL)
			j = (j + 1) & (cap - 1);
		t[j] = s->files[i];
	}
	free(s->files);
	s->files = t;
	s->cap = cap;
	return 0;
}

struct file *
files_get(struct files *s, const char *name, size_t nlen)
{
	struct file *f;
	size_t i = 0;

	if (s->cap > 0)
		for (i = (size_t)hash64(name, nlen) & (s->cap - 1); s->files[i].name != NULL;
		    i = (i + 1) & (s->cap - 1))
			if (s->files[i].nlen == nlen && memcmp(s->files[i].name, name, nlen) == 0)
				return &s->files[i];
	if ((s->nfiles + 1) * 2 > s->cap)
		return files_grow(s) < 0 ? NULL : files_get(s, name, nlen);
	f = &s->files[i];
	if ((f->body = file_read(s->dir, name, nlen)) == NULL)
		return NULL;
	if ((f->name = xstrndup(name, nlen)) == NULL) {
		blob_unref(f->body);
		f->body = NULL;
		return NULL;
	}
	f->nlen = nlen;
	s->nfiles++;
	return f;
}

/* The next "gen0-" in [p, end), or NULL. (memmem is not POSIX.) */
static const char *
gen0_find(const char *p, const char *end)
{
	while ((p = memchr(p, 'g', (size_t)(end - p))) != NULL) {
		if (end - p >= 5 && memcmp(p, "gen0-", 5) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Body b of generation gen: each "gen0-" becomes "genN-", so the length
 * changes once N has two digits. NULL when out of memory. */
static struct blob *
gen_apply(const struct blob *b, unsigned gen)
{
	const char *p, *q, *end = b->data + b->len;
	char to[16];
	size_t tlen = (size_t)snprintf(to, sizeof to, "gen%u-", gen), n = 0, len;
	struct blob *v;
	char *w;

	for (p = b->data; (q = gen0_find(p, end)) != NULL; p = q + 5)
		n++;
	if ((v = blob_new(b->len - n * 5 + n * tlen)) == NULL)
		return NULL;
	w = v->data;
	for (p = b->data; (q = gen0_find(p, end)) != NULL; p = q + 5) {
		len = (size_t)(q - p);
		memcpy(w, p, len);
		memcpy(w + len, to, tlen);
		w += len + tlen;
	}
	memcpy(w, p, (size_t)(end - p));
	return v;
}

struct blob *
file_body(struct files *s, struct file *f)
{
	if (s->gen == 0)
		return blob_ref(f->body);
	if (f->var == NULL && (f->var = gen_apply(f->body, s->gen)) == NULL)
		return NULL;
	return blob_ref(f->var);
}

void
files_set_gen(struct files *s, unsigned gen)
{
	size_t i;

	if (gen == s->gen)
		return;
	s->gen = gen;
	for (i = 0; i < s->cap; i++) {
		blob_unref(s->files[i].var);
		s->files[i].var = NULL;
	}
}
void
files_free(struct files *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++) {
		free(s->files[i].name);
		blob_unref(s->files[i].body);
		blob_unref(s->files[i].var);
	}
	free(s->files);
}
