#include "deliver.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <jansson.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "log.h"
#include "util.h"
#include "version.h"

extern char **environ;

/* Records are appended, fsync'd and only then marked in the database, in
 * chunks small enough that an unmarked chunk always lies within the tail
 * we scan for ids already written. */
#define CHUNK 256
#define TAIL_BYTES (4L * 1024 * 1024)
#define COMMAND_TIMEOUT 30

struct pending {
	char (*ids)[17];
	char **lines;
	size_t n;
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
	char (*ids)[17] = realloc(p->ids, (p->n + 1) * sizeof *ids);
	char **lines;

	if (!ids)
		return -1;
	p->ids = ids;
	if (!(lines = realloc(p->lines, (p->n + 1) * sizeof *lines)))
		return -1;
	p->lines = lines;
	snprintf(p->ids[p->n], 17, "%s", id);
	if (!(p->lines[p->n] = xstrdup(line)))
		return -1;
	p->n++;
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Ids of the records in the last TAIL_BYTES of path, sorted, so a chunk
 * appended before a crash is not appended again. Returns the count. */
static size_t
tail_ids(const char *path, char (**out)[17])
{
	char (*ids)[17] = NULL, (*nids)[17];
	size_t n = 0, cap = 0;
	struct buf b = {0};
	char chunk[65536], *p, *line;
	ssize_t r;
	off_t size;
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > TAIL_BYTES ? size - TAIL_BYTES : 0, SEEK_SET);
	while ((r = read(fd, chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)r);
	close(fd);
	for (line = b.data; line && *line; line = p ? p + 1 : NULL) {
		p = strchr(line, '\n');
		if (strncmp(line, "{\"id\":\"", 7) || strlen(line) < 7 + 17 || line[23] != '"')
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

/* Appends the records of p not already in the file, then fsyncs. */
static int
append_once(const char *path, const struct pending *p)
{
	char (*have)[17];
	size_t nhave = tail_ids(path, &have), i;
	struct buf b = {0};
	int fd, rc = 0;

	for (i = 0; i < p->n; i++) {
		if (nhave && bsearch(p->ids[i], have, nhave, sizeof *have, cmp_id))
			continue;
		buf_puts(&b, p->lines[i]);
		buf_putc(&b, '\n');
	}
	free(have);
	if (!b.len)
		return 0;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644)) < 0) {
		log_error("%s: cannot open for appending: %s", path, strerror(errno));
		buf_free(&b);
		return -1;
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) < 0) {
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

	return pending_add(p, id, json) < 0 || p->n >= CHUNK;
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
		if (!path.data || append_once(path.data, &p) < 0 || store_begin(s) < 0)
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
	buf_free(&path);
	return rc;
}

/* Slack-compatible message: the alert as text, what a responder needs on
 * one screen. Returns a malloc'd JSON body, or NULL. */
static char *
slack_text(const char *alert_json)
{
	struct buf b = {0};
	json_t *o;
	char *s;

	if (alert_text(alert_json, "", &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	o = json_pack("{s:s}", "text", b.data);
	buf_free(&b);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

static size_t
discard(char *p, size_t sz, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return sz * n;
}

/* POSTs body to the webhook. The URL is a secret: errors never name it. */
static int
post_webhook(const char *url, const char *body, char *err, size_t errlen)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	char ebuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;

	if (!h) {
		curl_slist_free_all(hdr);
		errf(err, errlen, "out of memory");
		return -1;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "earshot/" EARSHOT_VERSION);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		/* curl's buffer may quote the URL; use the generic message. */
		errf(err, errlen, "webhook: %s", curl_easy_strerror(rc));
		return -1;
	}
	if (status < 200 || status > 299) {
		errf(err, errlen, "webhook: HTTP %ld", status);
		return -1;
	}
	return 0;
}

/* Runs argv with body on its stdin (execve, no shell); 0 if it exits 0
 * within COMMAND_TIMEOUT seconds. */
static int
run_command(const struct strlist *argv, const char *body, char *err, size_t errlen)
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
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execve(argv->v[0], argv->v, environ);
		_exit(127);
	}
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	while (off < len && (w = write(fds[1], body + off, len - off)) > 0)
		off += (size_t)w;
	if (off == len)
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

struct push_ctx {
	struct store *s;
	const struct conf *c;
	const char *channel;
	int64_t now;
	struct deliver_stats *st;
	struct pending ids;    /* alerts to try, collected first so no
				* statement is open while we write */
	unsigned *attempts;
};

static int
collect_push(const char *id, const char *brand, const char *json, unsigned attempts,
    void *ctx)
{
	struct push_ctx *x = ctx;
	unsigned *a = realloc(x->attempts, (x->ids.n + 1) * sizeof *a);

	(void)brand;
	if (!a)
		return 1;
	x->attempts = a;
	a[x->ids.n] = attempts;
	return pending_add(&x->ids, id, json) < 0;
}

static void
push_channel(struct push_ctx *x)
{
	size_t i;
	char err[256];

	store_each_pending(x->s, x->channel, x->now, collect_push, x);
	for (i = 0; i < x->ids.n; i++) {
		int rc;

		if (!strcmp(x->channel, "webhook")) {
			char *body = x->c->alert.webhook_format &&
			    !strcmp(x->c->alert.webhook_format, "json") ?
			    xstrdup(x->ids.lines[i]) : slack_text(x->ids.lines[i]);

			rc = body ? post_webhook(x->c->alert.webhook, body, err, sizeof err) : -1;
			free(body);
		} else {
			rc = run_command(&x->c->alert.command, x->ids.lines[i], err, sizeof err);
		}
		if (rc == 0) {
			store_mark_delivered(x->s, x->ids.ids[i], x->channel, x->now);
			x->st->sent++;
		} else {
			/* Retry later: 1, 2, 4 ... minutes, at most an hour apart. */
			unsigned a = x->attempts[i] < 6 ? x->attempts[i] : 6;
			int64_t next = x->now + (60LL << a);

			store_mark_failed(x->s, x->ids.ids[i], x->channel, next, err);
			log_warn("alert %s not delivered (%s); will retry", x->ids.ids[i], err);
			x->st->failed++;
		}
	}
	pending_clear(&x->ids);
	free(x->attempts);
	x->attempts = NULL;
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
