#include "deliver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "deliver_int.h"
#include "log.h"
#include "util.h"

extern char **environ;

/* Records are appended, fsync'd and only then marked in the database, in
 * chunks small enough that an unmarked chunk always lies within the tail
 * we scan for ids already written, with room for a line torn before it.
 * Bytes, not records: each chunk is an fsync and a commit, and a count of
 * 256 made 10 of each for the 2,500 mentions of 1,000 feeds, 160 at
 * 16,000. */
#define TAIL_BYTES (4L * 1024 * 1024)
#define CHUNK_BYTES (TAIL_BYTES / 2)
#define COMMAND_TIMEOUT 30

struct pending {
	char (*ids)[17];
	char **lines;
	size_t n, cap;
	size_t bytes;           /* of the lines, with their newlines */
};

static void
pending_clear(struct pending *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->lines[i]);
	free(p->ids);
	free(p->lines);
	memset(p, 0, sizeof *p);
}

static int
pending_add(struct pending *p, const char *id, const char *line)
{
	char (*ids)[17];
	char **lines;
	size_t cap = p->cap ? p->cap * 2 : 256;

	if (p->n == p->cap) {
		if (!(ids = realloc(p->ids, cap * sizeof *ids)))
			return -1;
		p->ids = ids;
		if (!(lines = realloc(p->lines, cap * sizeof *lines)))
			return -1;
		p->lines = lines;
		p->cap = cap;
	}
	snprintf(p->ids[p->n], 17, "%s", id);
	if (!(p->lines[p->n] = xstrdup(line)))
		return -1;
	p->bytes += strlen(line) + 1;
	p->n++;
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Ids of the complete records in the last TAIL_BYTES of path, sorted, so
 * a chunk appended before a crash is not appended again. Returns the count.
 * A kill can tear a write mid-line; *torn is where that unterminated last
 * line starts (its record was never marked, so it is written again), or -1. */
static size_t
tail_ids(const char *path, char (**out)[17], off_t *torn)
{
	char (*ids)[17] = NULL, (*nids)[17];
	size_t n = 0, cap = 0;
	struct buf b = {0};
	char chunk[65536], *p, *line;
	ssize_t r;
	off_t size, start;
	int fd;

	*out = NULL;
	*torn = -1;
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	size = lseek(fd, 0, SEEK_END);
	start = size > TAIL_BYTES ? size - TAIL_BYTES : 0;
	lseek(fd, start, SEEK_SET);
	while ((r = read(fd, chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)r);
	close(fd);
	for (line = b.data; line && *line; line = p ? p + 1 : NULL) {
		if (!(p = strchr(line, '\n'))) {
			*torn = start + (line - b.data);
			break;
		}
		/* The line's length from the newline found, not strlen: the
		 * rest of the tail would make this quadratic in its size. */
		if (strncmp(line, "{\"id\":\"", 7) || (size_t)(p - line) < 7 + 17 ||
		    line[23] != '"')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if (!(nids = realloc(ids, cap * sizeof *ids)))
				break;
			ids = nids;
		}
		memcpy(ids[n], line + 7, 16);
		ids[n++][16] = '\0';
	}
	buf_free(&b);
	if (n)
		qsort(ids, n, sizeof *ids, cmp_id);
	*out = ids;
	return n;
}

/* What the file's tail held when an export began: only a run that was
 * stopped between appending a chunk and marking it leaves records there
 * that are still to be marked, so it is read once per export, not per
 * chunk (per chunk it was reread up to TAIL_BYTES every CHUNK records:
 * 600 MB of reading at 40,000 mentions). */
struct tail {
	char (*ids)[17];
	size_t n;
	off_t torn;
	int read;
};

/* Appends the records of p not already in the file, then fsyncs. */
static int
append_once(const char *path, const struct pending *p, struct tail *t)
{
	struct buf b = {0};
	off_t torn;
	size_t i;
	int fd, rc = 0;

	if (!t->read) {
		t->n = tail_ids(path, &t->ids, &t->torn);
		t->read = 1;
	}
	torn = t->torn;
	t->torn = -1;   /* cut off by this first append */
	for (i = 0; i < p->n; i++) {
		if (t->n && bsearch(p->ids[i], t->ids, t->n, sizeof *t->ids, cmp_id))
			continue;
		buf_puts(&b, p->lines[i]);
		buf_putc(&b, '\n');
	}
	if (!b.len && torn < 0)
		return 0;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0) {
		log_error("%s: cannot open for appending: %s", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	if (torn >= 0 && ftruncate(fd, torn) < 0) {
		log_error("%s: cannot cut off a record torn by a crash: %s", path,
		    strerror(errno));
		rc = -1;
	} else if (torn >= 0) {
		log_warn("%s: the last line, cut short by an interrupted run, was written again",
		    path);
	}
	if (rc == 0 && (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) < 0)) {
		log_error("%s: cannot write: %s", path, strerror(errno));
		rc = -1;
	}
	close(fd);
	buf_free(&b);
	return rc;
}

static int
collect_mention(const char *id, const char *json, void *ctx)
{
	struct pending *p = ctx;

	return pending_add(p, id, json) < 0 || p->bytes >= CHUNK_BYTES;
}

static int
collect_alert(const char *id, const char *brand, const char *json, unsigned attempts,
    void *ctx)
{
	(void)brand;
	(void)attempts;
	return collect_mention(id, json, ctx);
}

/* A file of records appended exactly once: which rows are still to go,
 * and how to mark one as written. */
struct export {
	const char *file;
	int (*collect)(struct store *s, int64_t now, struct pending *p);
	int (*mark)(struct store *s, const char *id, int64_t now);
};

static int
collect_unexported(struct store *s, int64_t now, struct pending *p)
{
	(void)now;
	return store_each_unexported_mention(s, collect_mention, p);
}

static int
collect_file_alerts(struct store *s, int64_t now, struct pending *p)
{
	return store_each_pending(s, "file", now, collect_alert, p);
}

static int
mark_exported(struct store *s, const char *id, int64_t now)
{
	(void)now;
	return store_mark_mention_exported(s, id);
}

static int
mark_file_delivered(struct store *s, const char *id, int64_t now)
{
	return store_mark_delivered(s, id, "file", now);
}

static const struct export mentions_file = { "mentions.jsonl", collect_unexported,
	mark_exported };
static const struct export alerts_file = { "alerts.jsonl", collect_file_alerts,
	mark_file_delivered };

/* Appends ex's pending records to OUT/ex->file chunk by chunk, each chunk
 * marked in one transaction after it is on disk. */
static int
export_records(struct store *s, const struct conf *c, const struct export *ex,
    int64_t now, unsigned *count)
{
	struct pending p = {0};
	struct tail tail = {0};
	struct buf path = {0};
	size_t i;
	int rc = -1;

	buf_printf(&path, "%s/%s", c->out_dir, ex->file);
	for (;;) {
		ex->collect(s, now, &p);
		if (!p.n) {
			rc = 0;
			break;
		}
		if (!path.data || append_once(path.data, &p, &tail) < 0 || store_begin(s) < 0)
			break;
		for (i = 0; i < p.n && ex->mark(s, p.ids[i], now) == 0; i++)
			;
		if (i < p.n || store_commit(s) < 0)
			break;
		*count += (unsigned)p.n;
		pending_clear(&p);
	}
	if (rc < 0)
		store_rollback(s);
	pending_clear(&p);
	free(tail.ids);
	buf_free(&path);
	return rc;
}

/* The argv to execve: the configured one, plus arg when given. */
static char **
command_argv(const struct strlist *argv, const char *arg)
{
	char **v = calloc(argv->n + 2, sizeof *v);

	if (v) {
		memcpy(v, argv->v, argv->n * sizeof *v);
		v[argv->n] = (char *)arg;
	}
	return v;
}

int
deliver_command(const struct strlist *argv, const char *arg, const char *body, char *err,
    size_t errlen)
{
	int fds[2], status, waited = 0;
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	size_t len = strlen(body), off = 0;
	pid_t pid;
	ssize_t w;

	if (pipe(fds) < 0) {
		errf(err, errlen, "command: pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		errf(err, errlen, "command: fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char **v = command_argv(argv, arg);

		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		if (v)
			execve(v[0], v, environ);
		_exit(127);
	}
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	while (off < len && (w = write(fds[1], body + off, len - off)) > 0)
		off += (size_t)w;
	/* An alert is one JSON line without its newline; a digest has its own. */
	if (off == len && (!len || body[len - 1] != '\n'))
		w = write(fds[1], "\n", 1);
	close(fds[1]);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (waited++ > COMMAND_TIMEOUT * 20) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			errf(err, errlen, "command %s: no exit after %d s, killed", argv->v[0],
			    COMMAND_TIMEOUT);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		errf(err, errlen, "command %s: could not be run", argv->v[0]);
	else
		errf(err, errlen, "command %s: failed (status %d)", argv->v[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return -1;
}

/* What push_channel knows of each alert it tries, beside its id and line. */
struct outgoing {
	unsigned attempts;
	char *brand;
	int held;             /* over the webhook's hourly limit */
};

struct push_ctx {
	struct store *s;
	const struct conf *c;
	const char *channel;
	int64_t now;
	struct deliver_stats *st;
	struct pending ids;    /* alerts to try, collected first so no
				* statement is open while we write */
	struct outgoing *out;
};

static int
collect_push(const char *id, const char *brand, const char *json, unsigned attempts,
    void *ctx)
{
	struct push_ctx *x = ctx;
	struct outgoing *o = realloc(x->out, (x->ids.n + 1) * sizeof *o);

	if (!o)
		return 1;
	x->out = o;
	o[x->ids.n].attempts = attempts;
	o[x->ids.n].held = 0;
	if (!(o[x->ids.n].brand = xstrdup(brand ? brand : "")))
		return 1;
	if (pending_add(&x->ids, id, json) < 0) {
		free(o[x->ids.n].brand);
		return 1;
	}
	return 0;
}

/* Records the outcome of trying alert i: delivered, or failed and retried
 * later, 1, 2, 4 ... minutes on, at most an hour apart. */
static void
settle(struct push_ctx *x, size_t i, int rc, const char *err)
{
	unsigned a = x->out[i].attempts < 6 ? x->out[i].attempts : 6;

	if (rc == 0) {
		store_mark_delivered(x->s, x->ids.ids[i], x->channel, x->now);
		x->st->sent++;
		return;
	}
	store_mark_failed(x->s, x->ids.ids[i], x->channel, x->now + (60LL << a), err);
	log_warn("alert %s not delivered (%s); will retry", x->ids.ids[i], err);
	x->st->failed++;
}

/* 1 if brand has had max_per_hour alerts on the webhook in the last hour
 * (counted afresh each time, as this run's deliveries count too). */
static int
over_limit(struct push_ctx *x, const char *brand)
{
	long n = store_count_sent(x->s, "webhook", brand, x->now - 3600);

	return n >= 0 && n >= x->c->alert.max_per_hour;
}

static int
is_negative(const char *json)
{
	/* Records start {"id":"<16 hex>", then the kind (record_alert). */
	return strlen(json) > 24 && !strncmp(json + 24, ",\"kind\":\"negative\"", 18);
}

/* Sends one summary for the alerts of brand held back from i on, and marks
 * them throttled (or, if the summary fails, failed: they are summarised
 * again on the retry). */
static void
summarise(struct push_ctx *x, size_t first)
{
	const char *brand = x->out[first].brand;
	size_t i, n = 0, neg = 0;
	char err[256];
	int rc;

	for (i = first; i < x->ids.n; i++)
		if (x->out[i].held && !strcmp(x->out[i].brand, brand)) {
			n++;
			neg += (size_t)is_negative(x->ids.lines[i]);
		}
	rc = deliver_webhook_summary(&x->c->alert, brand,
	    neg == n ? "negative mentions" : "alerts", n, err, sizeof err);
	for (i = first; i < x->ids.n; i++) {
		if (!x->out[i].held || strcmp(x->out[i].brand, brand))
			continue;
		x->out[i].held = 0;
		if (rc == 0) {
			store_mark_throttled(x->s, x->ids.ids[i], x->channel, x->now);
			x->st->throttled++;
		} else {
			settle(x, i, rc, err);
		}
	}
	if (rc == 0)
		log_notice("%s: %zu alert(s) over max_per_hour (%ld) went to the webhook "
		    "as one summary", brand, n, x->c->alert.max_per_hour);
}

static void
push_channel(struct push_ctx *x)
{
	int webhook = !strcmp(x->channel, "webhook");
	char err[256];
	size_t i;

	store_each_pending(x->s, x->channel, x->now, collect_push, x);
	for (i = 0; i < x->ids.n; i++) {
		if (webhook && over_limit(x, x->out[i].brand))
			x->out[i].held = 1;
		else if (webhook)
			settle(x, i, deliver_webhook_alert(&x->c->alert, x->ids.lines[i],
			    err, sizeof err), err);
		else
			settle(x, i, deliver_command(&x->c->alert.command, NULL, x->ids.lines[i],
			    err, sizeof err), err);
	}
	for (i = 0; i < x->ids.n; i++)
		if (x->out[i].held)
			summarise(x, i);
	for (i = 0; i < x->ids.n; i++)
		free(x->out[i].brand);
	free(x->out);
	x->out = NULL;
	pending_clear(&x->ids);
}

int
deliver_all(struct store *s, const struct conf *c, int64_t now, struct deliver_stats *st)
{
	struct push_ctx x = { .s = s, .c = c, .now = now, .st = st };
	int rc = 0;

	memset(st, 0, sizeof *st);
	if (export_records(s, c, &mentions_file, now, &st->mentions) < 0)
		rc = -1;
	if (export_records(s, c, &alerts_file, now, &st->alerts) < 0)
		rc = -1;
	if (c->alert.webhook) {
		x.channel = "webhook";
		push_channel(&x);
	}
	if (c->alert.command.n) {
		x.channel = "command";
		push_channel(&x);
	}
	return rc;
}
