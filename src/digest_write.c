/* Writing the digest files: OUT/digest/DAY.{json,md,csv,html}, each written
 * atomically, and OUT/digest/latest.* pointing at the newest. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "digest_html.h"
#include "json_arena.h"
#include "json_write.h"
#include "log.h"
#include "report.h"
#include "util.h"

static int
digest_json(const json_t *doc, struct buf *out)
{
	return json_write(out, doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) < 0 ||
	    buf_putc(out, '\n') < 0 ? -1 : 0;
}

/* Every file is a view of the one document; a new format is one line. */
static const struct {
	const char *ext;
	int (*render)(const json_t *doc, struct buf *out);
} formats[] = {
	{ "json", digest_json },
	{ "md", digest_md },
	{ "csv", digest_csv },
	{ "html", digest_html },
};

/* Points dir/latest.EXT at target (relative): a symlink made under a
 * temporary name and renamed over the old one, so a reader never finds
 * latest.* missing. 0 or -1 (logged). */
static int
link_latest(const char *dir, const char *ext, const char *target)
{
	struct buf tmp = {0}, path = {0};
	int rc = -1;

	buf_printf(&tmp, "%s/.latest.%s.%ld", dir, ext, (long)getpid());
	buf_printf(&path, "%s/latest.%s", dir, ext);
	if (!tmp.data || !path.data)
		goto out;
	unlink(tmp.data);
	if (symlink(target, tmp.data) < 0 || rename(tmp.data, path.data) < 0) {
		log_error("%s: cannot link to %s: %s", path.data, target, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	rc = 0;
out:
	buf_free(&tmp);
	buf_free(&path);
	return rc;
}

/* Renders view i of doc and writes it as dir/DATE.EXT, pointing latest.EXT
 * at it. 0, or -1 (logged). */
static int
write_view(const char *dir, const char *date, const json_t *doc, size_t i)
{
	struct buf name = {0}, path = {0}, body = {0};
	int rc = -1;

	buf_printf(&name, "%s.%s", date, formats[i].ext);
	buf_printf(&path, "%s/%s", dir, name.data);
	if (formats[i].render(doc, &body) < 0 || !path.data)
		log_error("digest: out of memory writing %s", name.data ? name.data : date);
	else if (report_write_atomic(path.data, body.data ? body.data : "", body.len) == 0 &&
	    link_latest(dir, formats[i].ext, name.data) == 0)
		rc = 0;
	buf_free(&name);
	buf_free(&path);
	buf_free(&body);
	return rc;
}

struct view_job {
	const char *dir, *date;
	const json_t *doc;
	size_t view;
	int rc;
	int threaded;
	pthread_t t;
};

static void *
view_main(void *arg)
{
	struct view_job *j = arg;

	j->rc = write_view(j->dir, j->date, j->doc, j->view);
	return NULL;
}

int
digest_write(const char *out_dir, const json_t *doc)
{
	const char *date = json_string_value(json_object_get(doc, "date"));
	struct buf dir = {0};
	struct view_job j[NELEM(formats)];
	size_t i;
	int rc = 0;

	if (!date || strchr(date, '/')) {
		log_error("digest: the document has no date");
		return -1;
	}
	buf_printf(&dir, "%s/digest", out_dir);
	if (!dir.data || mkdir_p(dir.data) < 0) {
		log_error("%s: cannot create this folder: %s", dir.data ? dir.data : out_dir,
		    strerror(errno));
		buf_free(&dir);
		return -1;
	}
	/* Each view is rendered on a thread of its own, the last on this one:
	 * they only read the document, and in turn they were most of the
	 * run's serial tail. One view failing leaves the others written. */
	for (i = 0; i < NELEM(formats); i++) {
		j[i] = (struct view_job){ .dir = dir.data, .date = date, .doc = doc, .view = i };
		if (i + 1 == NELEM(formats) ||
		    !(j[i].threaded = pthread_create(&j[i].t, NULL, view_main, &j[i]) == 0))
			view_main(&j[i]);
	}
	for (i = 0; i < NELEM(formats); i++) {
		if (j[i].threaded)
			pthread_join(j[i].t, NULL);
		if (j[i].rc < 0)
			rc = -1;
	}
	buf_free(&dir);
	return rc;
}

int
digest_today(struct store *s, const struct conf *c, int64_t now, int changed)
{
	struct buf path = {0};
	struct json_arena a;
	json_t *doc;
	char today[11];
	int rc, have, in_arena;

	digest_set_zone(c->timezone);
	digest_local_date(now, 0, today);
	buf_printf(&path, "%s/digest/%s.json", c->out_dir, today);
	have = path.data && access(path.data, F_OK) == 0;
	buf_free(&path);
	if (!changed && have)
		return 0;
	/* The document is tens of thousands of small values, built, written
	 * and dropped at once: an arena's work (json_arena.h). */
	in_arena = json_arena_begin(&a);
	rc = -1;
	if ((doc = digest_build(s, c, today, 7, 1, now)))
		rc = digest_write(c->out_dir, doc);
	if (!in_arena)
		json_decref(doc);
	json_arena_end(&a);
	return rc;
}

struct digest_job {
	const struct conf *c;
	int64_t now;
	int changed, rc;
	pthread_t thread;
};

static void *
digest_main(void *arg)
{
	struct digest_job *j = arg;
	char err[512];
	struct store *s = store_open_reader(j->c->state_dir, err, sizeof err);

	if (!s) {
		log_error("digest: %s", err);
		j->rc = -1;
		return NULL;
	}
	j->rc = digest_today(s, j->c, j->now, j->changed);
	store_close(s);
	return NULL;
}

struct digest_job *
digest_today_start(const struct conf *c, int64_t now, int changed)
{
	struct digest_job *j = calloc(1, sizeof *j);
	int e;

	digest_set_zone(c->timezone);
	if (!j) {
		log_error("digest: out of memory");
		return NULL;
	}
	*j = (struct digest_job){ .c = c, .now = now, .changed = changed };
	if ((e = pthread_create(&j->thread, NULL, digest_main, j)) != 0) {
		log_error("digest: cannot start a thread: %s", strerror(e));
		free(j);
		return NULL;
	}
	return j;
}

int
digest_today_wait(struct digest_job *j)
{
	int rc;

	pthread_join(j->thread, NULL);
	rc = j->rc;
	free(j);
	return rc;
}
