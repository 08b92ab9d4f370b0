/* The fetcher against a loopback server (tests/lib/httpd.py, started and
 * stopped here): every route's outcome (limits, redirect chains and loops,
 * cut-off and reset responses), conditional GET,
 * secrets kept out of errors, per-host queueing and serial runs. */
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "fetch_int.h"
#include "test.h"
#include "util.h"

#define UA "earshot-test/1"
#define SECRET_HDR "Authorization: Bearer s3cr3t"
#define LAST_MODIFIED "Wed, 01 May 2024 09:30:00 GMT"
#define RSS "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>t</title>" \
	"<item><title>Acme</title><guid>1</guid></item></channel></rss>\n"
#define MAXJOBS 32

static pid_t srv_pid = -1;
static int srv_stdin = -1, port;
static char tmpdir[] = "/tmp/earshot-fetch-XXXXXX";
static const char *secret_headers[] = { SECRET_HDR };
static char long_hdr[2100] = "X-Long: ";

/* What done() saw, copied out before it frees the job like the pipeline. */
struct got {
	int calls, order;
	int ok, not_modified;
	long status;
	char *body;
	size_t len;
	char *ctype, *etag, *lm, *eurl;
	int64_t retry_after;
	char error[256];
	double t;
};

struct run {
	struct fetch_job jobs[MAXJOBS];
	struct fetch_job *ptrs[MAXJOBS];
	struct got got[MAXJOBS];
	char urls[MAXJOBS][512];
	size_t n;
	int ndone;
	int last_more;         /* the last done()'s job->more */
	struct timespec start;
	int64_t t0, t1;
};

static double
elapsed(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static int
start_server(void)
{
	const char *top = getenv("EARSHOT_TOP");
	char script[1024], line[32];
	int in[2], out[2];
	struct pollfd pfd;
	ssize_t k;
	size_t got = 0;

	snprintf(script, sizeof script, "%s%stests/lib/httpd.py", top ? top : "",
	    top ? "/" : "");
	if (access(script, R_OK) < 0) {
		fprintf(stderr, "%s: %s (run from the repository root or set EARSHOT_TOP)\n",
		    script, strerror(errno));
		return -1;
	}
	if (pipe(in) < 0 || pipe(out) < 0)
		return -1;
	if ((srv_pid = fork()) < 0)
		return -1;
	if (srv_pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		execlp("python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fcntl(in[1], F_SETFD, FD_CLOEXEC);
	srv_stdin = in[1];
	pfd.fd = out[0];
	pfd.events = POLLIN;
	while (got < sizeof line - 1 && !memchr(line, '\n', got) && poll(&pfd, 1, 5000) > 0 &&
	    (k = read(out[0], line + got, sizeof line - 1 - got)) > 0)
		got += (size_t)k;
	close(out[0]);
	line[got] = '\0';
	port = atoi(line);
	return port > 0 ? 0 : -1;
}

static void
stop_server(void)
{
	if (srv_pid <= 0)
		return;
	close(srv_stdin);
	kill(srv_pid, SIGTERM);
	waitpid(srv_pid, NULL, 0);
	srv_pid = -1;
}

/* A loopback port nobody listens on. */
static int
closed_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), p;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	p = ntohs(sa.sin_port);
	close(fd);
	return p;
}

/* A loopback port whose listen queue is full, so connecting hangs until the
 * connect timeout. The sockets stay open until the process ends. */
static int
stuck_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), c, i;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	listen(fd, 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	for (i = 0; i < 4; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		fcntl(c, F_SETFL, O_NONBLOCK);
		connect(c, (struct sockaddr *)&sa, sizeof sa);
	}
	return ntohs(sa.sin_port);
}

static void
write_file(const char *name, const char *data, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	fwrite(data, 1, n, f);
	fclose(f);
}

static pthread_mutex_t done_mu = PTHREAD_MUTEX_INITIALIZER;

static void
on_done(struct fetch_job *job, void *ctx)
{
	struct run *r = ctx;
	struct got *g = job->user;

	/* With threads > 1, done() comes from several loops at once. */
	pthread_mutex_lock(&done_mu);
	g->calls++;
	g->order = r->ndone++;
	r->last_more = job->more;
	g->t = elapsed(&r->start);
	g->ok = job->ok;
	g->not_modified = job->not_modified;
	g->status = job->status;
	if (job->body) {
		g->body = malloc(job->len + 1);
		memcpy(g->body, job->body, job->len + 1);
	}
	g->len = job->len;
	g->ctype = xstrdup(job->content_type);
	g->etag = xstrdup(job->new_etag);
	g->lm = xstrdup(job->new_last_modified);
	g->eurl = xstrdup(job->effective_url);
	g->retry_after = job->retry_after;
	snprintf(g->error, sizeof g->error, "%s", job->error);
	fetch_job_clear(job);     /* as the pipeline does: fetch must not touch it again */
	pthread_mutex_unlock(&done_mu);
}

static struct fetch_job *
add_url(struct run *r, const char *url)
{
	size_t i = r->n++;
	struct fetch_job *j = &r->jobs[i];

	snprintf(r->urls[i], sizeof r->urls[i], "%s", url);
	j->name = r->urls[i];
	j->url = r->urls[i];
	j->user = &r->got[i];
	r->ptrs[i] = j;
	return j;
}

/* Adds a job for the URL fmt with "%d" replaced by port p. */
static struct fetch_job *
add(struct run *r, const char *fmt, int p)
{
	char url[512];

	snprintf(url, sizeof url, fmt, p);
	return add_url(r, url);
}

static void
test_opts(struct fetch_opts *o)
{
	fetch_opts_default(o);
	o->user_agent = UA;
	o->max_per_host = 32;
	o->connect_timeout = 2;
	o->timeout = 4;
	o->low_speed_limit = 10;
	o->low_speed_time = 2;
	o->max_body = 64 * 1024;
}

static int
execute(struct run *r, const struct fetch_opts *o)
{
	char err[256] = "";
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->t0 = time(NULL);
	rc = fetch_all(o, r->ptrs, r->n, on_done, r, err, sizeof err);
	r->t1 = time(NULL);
	CHECK_STR(err, "");
	/* "Another call comes at once" is never promised by the last call of
	 * a loop (with one loop, the last of all). */
	if (o->threads <= 1)
		CHECK_INT(r->last_more, 0);
	return rc;
}

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct got *g = &r->got[i];

		free(g->body); free(g->ctype); free(g->etag); free(g->lm); free(g->eurl);
	}
}

static void
check_failed(const struct got *g, long status, const char *error)
{
	CHECK_INT(g->ok, 0);
	CHECK_INT(g->status, status);
	CHECK(g->body == NULL);
	CHECK_STR(g->error, error);
	CHECK(!strstr(g->error, "s3cr3t") && !strstr(g->error, "qs456") &&
	    !strstr(g->error, "pw123"));
}

static void
check_body(const struct got *g, long status, const char *body)
{
	CHECK_INT(g->ok, 1);
	CHECK_INT(g->not_modified, 0);
	CHECK_INT(g->status, status);
	CHECK_STR(g->body, body);
	CHECK_INT(g->len, strlen(body));
	CHECK_STR(g->error, "");
}

static void
test_defaults(void)
{
	struct fetch_opts o;

	fetch_opts_default(&o);
	CHECK_INT(o.max_parallel, 32);
	CHECK_INT(o.max_per_host, 2);
	CHECK_INT(o.connect_timeout, 15);
	CHECK_INT(o.timeout, 60);
	CHECK_INT(o.low_speed_limit, 10);
	CHECK_INT(o.low_speed_time, 20);
	CHECK_INT(o.max_body, 10 * 1024 * 1024);
	CHECK_STR(o.user_agent, "earshot");
	CHECK_INT(o.threads, 1);
}

static void
test_nothing(void)
{
	struct run r = {0};
	struct fetch_opts o;

	test_opts(&o);
	CHECK_INT(execute(&r, &o), 0);
	CHECK_INT(r.ndone, 0);
}

enum {
	J_OK, J_ETAG, J_LM, J_GZIP, J_BOMB, J_BIG, J_SLOW, J_REDIR3, J_REDIR5, J_REDIR6,
	J_FTP, J_404, J_BIGERR, J_503, J_429, J_ECHO, J_HOSTILE, J_BADHDR, J_REFUSED, J_FILE, J_NOFILE,
	J_BIGFILE, J_GOPHER, J_MALFORMED, J_STUCK, J_LOOP, J_REDIRFILE, J_RESET, J_CHUNKCUT,
	J_500, J_HANG, J_OWNHDR, J_NJOBS
};

static int
add_all(struct run *r)
{
	static const char *bad_lm = "x\r\nX-Injected2: 1";
	static const char *echo_headers[] = { SECRET_HDR, "X-Bad: a\r\nX-Injected: 1", long_hdr };
	static const char *own_headers[] = { "user-agent: custom/1", "Accept-Encoding: identity" };
	struct fetch_job *j;
	char url[600];
	int refused = closed_port();

	add(r, "http://127.0.0.1:%d/ok", port);
	add(r, "http://127.0.0.1:%d/ok", port)->etag = "\"v1\"";
	add(r, "http://127.0.0.1:%d/ok", port)->last_modified = LAST_MODIFIED;
	add(r, "http://127.0.0.1:%d/gzip", port);
	add(r, "http://127.0.0.1:%d/bomb", port);
	add(r, "http://127.0.0.1:%d/big", port);
	add(r, "http://127.0.0.1:%d/slow", port);
	add(r, "http://127.0.0.1:%d/redirect/3", port);
	add(r, "http://127.0.0.1:%d/redirect/5", port);
	add(r, "http://127.0.0.1:%d/redirect/6", port);
	add(r, "http://127.0.0.1:%d/redirect-ftp", port);
	j = add(r, "http://user:pw123@127.0.0.1:%d/status/404?token=qs456", port);
	j->headers = secret_headers;
	j->nheaders = 1;
	add(r, "http://127.0.0.1:%d/big-error", port);
	add(r, "http://127.0.0.1:%d/status/503", port);
	add(r, "http://127.0.0.1:%d/status/429", port);
	j = add(r, "http://127.0.0.1:%d/echo-headers", port);
	memset(long_hdr + 8, 'k', 2000);    /* a long token is still sent */
	j->headers = echo_headers;
	j->nheaders = 3;
	j->etag = "\"e1\"";
	j->last_modified = bad_lm;
	add(r, "http://127.0.0.1:%d/hostile-header", port);
	add(r, "http://127.0.0.1:%d/bad-header", port);
	j = add(r, "http://user:pw123@127.0.0.1:%d/feed?token=qs456", refused);
	j->headers = secret_headers;
	j->nheaders = 1;
	snprintf(url, sizeof url, "file://%s/feed.rss", tmpdir);
	add_url(r, url);
	add_url(r, "file:///nonexistent/earshot/none.rss");
	snprintf(url, sizeof url, "file://%s/big.rss", tmpdir);
	add_url(r, url);
	add(r, "gopher://user:pw123@127.0.0.1:%d/x?token=qs456", port);
	add_url(r, "http://[::1");
	add(r, "http://127.0.0.1:%d/feed", stuck_port());
	add(r, "http://127.0.0.1:%d/loop", port);
	add(r, "http://127.0.0.1:%d/redirect-file", port);
	add(r, "http://127.0.0.1:%d/reset", port);
	add(r, "http://127.0.0.1:%d/chunked-cut", port);
	add(r, "http://127.0.0.1:%d/status/500", port);
	add(r, "http://127.0.0.1:%d/hang", port);
	j = add(r, "http://127.0.0.1:%d/echo-headers", port);
	j->headers = own_headers;
	j->nheaders = 2;
	return refused;
}

/* How many lines of s start with "name:", whatever the case. */
static int
header_lines(const char *s, const char *name)
{
	size_t n = strlen(name);
	int k = 0;

	for (; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : "")
		k += !strncasecmp(s, name, n) && s[n] == ':';
	return k;
}

static void
test_many(void)
{
	struct run r = {0};
	struct fetch_opts o;
	char want[600], *big = calloc(1, 100 * 1024);
	struct tm tm = { .tm_year = 199, .tm_mday = 1 };
	const struct got *g = r.got;
	size_t i;
	int refused;

	memset(big, 'b', 100 * 1024);
	write_file("feed.rss", RSS, strlen(RSS));
	write_file("big.rss", big, 100 * 1024);
	free(big);
	test_opts(&o);
	refused = add_all(&r);
	CHECK_INT(r.n, J_NJOBS);
	CHECK_INT(execute(&r, &o), 0);
	CHECK_INT(r.ndone, J_NJOBS);
	for (i = 0; i < r.n; i++)
		CHECK_INT(r.got[i].calls, 1);

	check_body(&g[J_OK], 200, RSS);
	CHECK_STR(g[J_OK].etag, "\"v1\"");
	CHECK_STR(g[J_OK].lm, LAST_MODIFIED);
	CHECK_STR(g[J_OK].ctype, "application/rss+xml");
	CHECK_STR(g[J_OK].eurl, r.urls[J_OK]);
	CHECK_INT(g[J_OK].retry_after, 0);

	CHECK_INT(g[J_ETAG].ok, 1);
	CHECK_INT(g[J_ETAG].not_modified, 1);
	CHECK_INT(g[J_ETAG].status, 304);
	CHECK(g[J_ETAG].body == NULL);
	CHECK_STR(g[J_ETAG].etag, "\"v1\"");
	CHECK_INT(g[J_LM].not_modified, 1);
	CHECK_INT(g[J_LM].status, 304);
	CHECK_STR(g[J_LM].etag, NULL);

	check_body(&g[J_GZIP], 200, "plain text, compressed\n");
	check_failed(&g[J_BOMB], 200, "response larger than 64 KiB (limit max_body)");
	check_failed(&g[J_BIG], 200, "response larger than 64 KiB (limit max_body)");
	check_failed(&g[J_SLOW], 200, "too slow: under 10 bytes/s for 2 s");

	/* The redirects' ETag and Retry-After must not leak into the answer. */
	check_body(&g[J_REDIR3], 200, "landed\n");
	CHECK_STR(g[J_REDIR3].etag, NULL);
	CHECK_INT(g[J_REDIR3].retry_after, 0);
	snprintf(want, sizeof want, "http://127.0.0.1:%d/redirect/0", port);
	CHECK_STR(g[J_REDIR3].eurl, want);
	check_body(&g[J_REDIR5], 200, "landed\n");
	check_failed(&g[J_REDIR6], 302, "too many redirects (more than 5)");
	check_failed(&g[J_FTP], 302, "refused a redirect to a URL that is not http or https");

	check_failed(&g[J_404], 404, "HTTP 404 Not Found");
	check_failed(&g[J_BIGERR], 500, "HTTP 500 Internal Server Error");
	check_failed(&g[J_503], 503, "HTTP 503 Service Unavailable");
	CHECK(g[J_503].retry_after >= r.t0 + 120 && g[J_503].retry_after <= r.t1 + 120);
	check_failed(&g[J_429], 429, "HTTP 429 Too Many Requests");
	CHECK_INT(g[J_429].retry_after, time_from_utc(&tm));

	CHECK_INT(g[J_ECHO].ok, 1);
	CHECK(g[J_ECHO].body && strstr(g[J_ECHO].body, "User-Agent: " UA "\n"));
	CHECK(g[J_ECHO].body && strstr(g[J_ECHO].body, SECRET_HDR "\n"));
	CHECK(g[J_ECHO].body && strstr(g[J_ECHO].body, "If-None-Match: \"e1\"\n"));
	CHECK(g[J_ECHO].body && strstr(g[J_ECHO].body, "gzip"));
	CHECK(g[J_ECHO].body && !strstr(g[J_ECHO].body, "Injected"));
	CHECK(g[J_ECHO].body && strstr(g[J_ECHO].body, long_hdr));
	CHECK(g[J_ECHO].body && !strstr(g[J_ECHO].body, "If-Modified-Since"));
	CHECK_INT(header_lines(g[J_ECHO].body, "User-Agent"), 1);
	CHECK_INT(header_lines(g[J_ECHO].body, "Accept-Encoding"), 1);
	/* A feed's own User-Agent and Accept-Encoding replace earshot's. */
	CHECK(g[J_OWNHDR].body && strstr(g[J_OWNHDR].body, "user-agent: custom/1\n"));
	CHECK(g[J_OWNHDR].body && strstr(g[J_OWNHDR].body, "Accept-Encoding: identity\n"));
	CHECK_INT(header_lines(g[J_OWNHDR].body, "User-Agent"), 1);
	CHECK_INT(header_lines(g[J_OWNHDR].body, "Accept-Encoding"), 1);

	CHECK_STR(g[J_HOSTILE].error, "");
	CHECK_INT(g[J_HOSTILE].ok, 1);
	CHECK_INT(g[J_HOSTILE].len, 4);
	CHECK(g[J_HOSTILE].body && memcmp(g[J_HOSTILE].body, "a\0b\xff", 5) == 0);
	CHECK_STR(g[J_HOSTILE].etag, NULL);
	CHECK_STR(g[J_HOSTILE].lm, NULL);
	CHECK(g[J_HOSTILE].retry_after >= r.t0 + FETCH_RETRY_AFTER_MAX &&
	    g[J_HOSTILE].retry_after <= r.t1 + FETCH_RETRY_AFTER_MAX);

	check_failed(&g[J_BADHDR], 200, "malformed response: Header without colon");

	snprintf(want, sizeof want, "connection refused by 127.0.0.1 port %d", refused);
	check_failed(&g[J_REFUSED], 0, want);

	check_body(&g[J_FILE], 0, RSS);
	check_failed(&g[J_NOFILE], 0, "cannot read file /nonexistent/earshot/none.rss");
	check_failed(&g[J_BIGFILE], 0, "response larger than 64 KiB (limit max_body)");
	check_failed(&g[J_GOPHER], 0, "unsupported URL scheme (http, https and file only)");
	check_failed(&g[J_MALFORMED], 0, "malformed URL");
	check_failed(&g[J_STUCK], 0, "could not connect to 127.0.0.1 within 2 s");

	check_failed(&g[J_LOOP], 302, "too many redirects (more than 5)");
	/* The configured URL is http, so file:// is refused as a target: no
	 * body (check_failed), nothing of /etc/passwd read. */
	check_failed(&g[J_REDIRFILE], 302, "refused a redirect to a URL that is not http or https");
	check_failed(&g[J_RESET], 200, "connection reset by 127.0.0.1 after 100 bytes");
	check_failed(&g[J_CHUNKCUT], 200,
	    "response cut short: 127.0.0.1 closed the connection after 10 bytes");
	check_failed(&g[J_500], 500, "HTTP 500 Internal Server Error");
	check_failed(&g[J_HANG], 0, "connected, but no response for 2 s");
	run_free(&r);
}

/* One transfer at a time still finishes everything, in order, and reuses
 * the connection (the server sees the same client port twice). */
static void
test_serial(void)
{
	struct run r = {0};
	struct fetch_job *j;
	struct fetch_opts o;
	size_t i;

	test_opts(&o);
	o.max_parallel = 1;
	add(&r, "http://127.0.0.1:%d/ok", port);
	add(&r, "http://127.0.0.1:%d/conn", port);
	add(&r, "http://127.0.0.1:%d/status/404", port);
	add(&r, "http://127.0.0.1:%d/conn", port);
	add(&r, "http://127.0.0.1:%d/x", closed_port());
	add_url(&r, "file:///nonexistent/earshot/none.rss");
	add(&r, "http://127.0.0.1:%d/gzip", port);
	/* TLS to a plain HTTP server: the handshake fails. It runs here, not
	 * with the timing-sensitive jobs, because loading the CA store stalls
	 * the loop for seconds under valgrind. */
	j = add(&r, "https://user:pw123@127.0.0.1:%d/ok?token=qs456", port);
	j->headers = secret_headers;
	j->nheaders = 1;
	CHECK_INT(execute(&r, &o), 0);
	CHECK_INT(r.ndone, 8);
	for (i = 0; i < r.n; i++) {
		CHECK_INT(r.got[i].calls, 1);
		CHECK_INT(r.got[i].order, i);
	}
	CHECK_INT(r.got[0].ok, 1);
	CHECK(r.got[1].body && strncmp(r.got[1].body, "port ", 5) == 0);
	CHECK_STR(r.got[1].body, r.got[3].body);
	CHECK_STR(r.got[2].error, "HTTP 404 Not Found");
	CHECK(strncmp(r.got[4].error, "connection refused by 127.0.0.1 port ", 37) == 0);
	CHECK_STR(r.got[5].error, "cannot read file /nonexistent/earshot/none.rss");
	check_body(&r.got[6], 200, "plain text, compressed\n");
	CHECK(strncmp(r.got[7].error, "TLS: ", 5) == 0 && strlen(r.got[7].error) > 10);
	check_failed(&r.got[7], 0, r.got[7].error);
	run_free(&r);
}

/* With one connection per host, a hanging host holds up only its own queue:
 * another host finishes at once, and the transfer queued behind the hang
 * still succeeds, because queueing does not burn its timeout. */
static void
test_per_host(void)
{
	struct run r = {0};
	struct fetch_opts o;

	test_opts(&o);
	o.max_per_host = 1;
	o.timeout = 2;
	o.low_speed_limit = 0;
	add(&r, "http://127.0.0.1:%d/hang", port);
	add(&r, "http://127.0.0.1:%d/ok", port);
	add(&r, "http://localhost:%d/ok", port);
	CHECK_INT(execute(&r, &o), 0);
	CHECK_INT(r.ndone, 3);
	CHECK_INT(r.got[2].order, 0);
	CHECK_INT(r.got[2].ok, 1);
	CHECK(r.got[2].t < 1.5);
	CHECK_INT(r.got[0].order, 1);
	check_failed(&r.got[0], 0, "timed out after 2 s");
	CHECK_INT(r.got[1].order, 2);
	check_body(&r.got[1], 200, RSS);
	CHECK(r.got[1].t >= 1.9);
	run_free(&r);
}

/* Several loops on threads: every job done once; a host's jobs all in one
 * loop, so with one connection per host each host's answers come over one
 * connection (one client port); the files, without a host, in their order. */
static void
test_threads(void)
{
	struct run r = {0};
	struct fetch_opts o;
	const char *host[2] = { "127.0.0.1", "localhost" };
	char url[256], first[2][64] = { "", "" };
	size_t i, k;
	int files_in_order = 1, last = -1, one_conn = 1;

	write_file("feed.rss", RSS, strlen(RSS));
	test_opts(&o);
	o.threads = 3;
	o.max_per_host = 1;
	for (i = 0; i < 24; i++) {
		if (i % 3 == 2)
			snprintf(url, sizeof url, "file://%s/feed.rss", tmpdir);
		else
			snprintf(url, sizeof url, "http://%s:%d/conn", host[i % 3], port);
		add_url(&r, url);
	}
	CHECK_INT(execute(&r, &o), 0);
	CHECK_INT(r.ndone, 24);
	for (i = 0; i < r.n; i++) {
		CHECK_INT(r.got[i].calls, 1);
		if (i % 3 == 2) {
			check_body(&r.got[i], 0, RSS);
			files_in_order &= r.got[i].order > last;
			last = r.got[i].order;
			continue;
		}
		k = i % 3;
		CHECK(r.got[i].body && strncmp(r.got[i].body, "port ", 5) == 0);
		if (!r.got[i].body)
			continue;
		if (!first[k][0])
			snprintf(first[k], sizeof first[k], "%s", r.got[i].body);
		one_conn &= strcmp(first[k], r.got[i].body) == 0;
	}
	CHECK(files_in_order);
	CHECK(one_conn);
	CHECK(strcmp(first[0], first[1]) != 0);
	run_free(&r);
}

/* One transfer at a time, so every job reuses the one curl handle: what
 * is each job's own (its URL's protocols, its validators) must not carry
 * over to the next. */
static void
test_handle_reuse(void)
{
	struct run r = {0};
	struct fetch_opts o;
	char url[600];

	write_file("feed.rss", RSS, strlen(RSS));
	snprintf(url, sizeof url, "file://%s/feed.rss", tmpdir);
	test_opts(&o);
	o.max_parallel = 1;
	add_url(&r, url);
	add(&r, "http://127.0.0.1:%d/ok", port)->etag = "\"v1\"";
	add(&r, "http://127.0.0.1:%d/ok", port);
	add_url(&r, url);
	add(&r, "http://127.0.0.1:%d/redirect-file", port);
	add(&r, "http://127.0.0.1:%d/ok", port);
	CHECK_INT(execute(&r, &o), 0);
	check_body(&r.got[0], 0, RSS);
	CHECK_INT(r.got[1].status, 304);
	check_body(&r.got[2], 200, RSS);
	check_body(&r.got[3], 0, RSS);
	check_failed(&r.got[4], 302, "refused a redirect to a URL that is not http or https");
	check_body(&r.got[5], 200, RSS);
	run_free(&r);
}

/* A reused handle's stall is seen as soon as a fresh one's: the speed of
 * the transfer before must not count (a handle kept without a reset took
 * 2.0 s to see this 1 s stall). */
static void
test_reused_stall(void)
{
	struct run r = {0};
	struct fetch_opts o;

	test_opts(&o);
	o.max_parallel = 1;
	o.low_speed_time = 1;
	o.timeout = 6;
	add(&r, "http://127.0.0.1:%d/ok", port);
	add(&r, "http://127.0.0.1:%d/hang", port);
	CHECK_INT(execute(&r, &o), 0);
	check_body(&r.got[0], 200, RSS);
	check_failed(&r.got[1], 0, "connected, but no response for 1 s");
	CHECK(r.got[1].t - r.got[0].t < 1.6);
	run_free(&r);
}

/* A server that stops answering on a kept-alive connection: the request
 * went out, so the error is the transfer's timeout, not a connect failure
 * (a reused connection has no connect time to tell by). */
static void
test_reused_hang(void)
{
	struct run r = {0};
	struct fetch_opts o;

	test_opts(&o);
	o.max_parallel = 1;
	o.connect_timeout = 1;
	o.timeout = 2;
	o.low_speed_limit = 0;
	add(&r, "http://127.0.0.1:%d/conn", port);
	add(&r, "http://127.0.0.1:%d/hang", port);
	CHECK_INT(execute(&r, &o), 0);
	CHECK_INT(r.got[0].ok, 1);
	check_failed(&r.got[1], 0, "timed out after 2 s");
	run_free(&r);
}

/* fetch_url_host reads plain http(s) URLs itself and leaves the rest to
 * curl_url: on each of these both must give curl_url's host and port. */
static void
test_url_host(void)
{
	static const char *const urls[] = {
		"http://example.com/feed", "https://Example.COM", "HTTP://a.b.c:8080/x?y",
		"https://127.0.0.2:32899/f00001.xml", "http://host.:81#frag", "http://h:65535",
		"http://h:65536/", "http://h:0/", "http://h:080/", "http://h:/x",
		"http://user:pw@host.example/x", "http://[::1]:8080/", "http://ho_st/",
		"https://xn--bcher-kva.example/", "http://b\xc3\xbc" "cher.example/",
		"http://a%2eb/", "http://h?q", "http://h\\x", "http://", "ftp://h/x",
		"file:///tmp/f", "not a url", "http://-dash-.example:443/", "https://h:1",
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < NELEM(urls); i++) {
		char got[256], want[256] = "";
		long gport, wport = 0;
		CURLU *u = curl_url();
		char *h = NULL, *p = NULL;
		size_t k;

		if (curl_url_set(u, CURLUPART_URL, urls[i], CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
		    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
			snprintf(want, sizeof want, "%s", h);
			if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK)
				wport = strtol(p, NULL, 10);
		}
		for (k = 0; want[k]; k++)
			want[k] = isprint((unsigned char)want[k]) ?
			    (char)tolower((unsigned char)want[k]) : '?';
		curl_free(h);
		curl_free(p);
		curl_url_cleanup(u);
		fetch_url_host(urls[i], got, sizeof got, &gport);
		if (strcmp(got, want) || gport != wport) {
			fprintf(stderr, "%s: got %s:%ld, curl_url %s:%ld\n", urls[i], got, gport,
			    want, wport);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
}

int
main(void)
{
	char path[600];

	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_defaults);
	RUN(test_url_host);
	if (!mkdtemp(tmpdir) || start_server() < 0) {
		CHECK(!"cannot start tests/lib/httpd.py");
	} else {
		RUN(test_nothing);
		RUN(test_many);
		RUN(test_serial);
		RUN(test_per_host);
		RUN(test_threads);
		RUN(test_reused_hang);
		RUN(test_handle_reuse);
		RUN(test_reused_stall);
	}
	stop_server();
	snprintf(path, sizeof path, "%s/feed.rss", tmpdir);
	unlink(path);
	snprintf(path, sizeof path, "%s/big.rss", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	curl_global_cleanup();
	return TEST_END();
}
