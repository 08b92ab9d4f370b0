#include "fetch.h"

#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "util.h"

#define MAX_REDIRECTS 5
/* Validators are echoed back in the next request; a longer one is a
 * broken or hostile server, not a cache key worth keeping. */
#define MAX_VALIDATOR 1024

/* One host's share of the transfers. earshot queues per host itself rather
 * than leaving it to CURLMOPT_MAX_HOST_CONNECTIONS: a transfer curl queues
 * still burns its timeout, and it occupies one of the max_parallel slots
 * that other hosts could use. */
struct host {
	char *name;        /* lowercase; "" (never limited) for file:// or bad URLs */
	unsigned active;
	int unresolvable;  /* failed DNS once this run: fail the rest at once */
};

/* A transfer in flight; everything it needs lives here, not in the loop. */
struct xfer {
	struct fetch_job *job;
	size_t index;            /* of job in fetch_all's array */
	struct host *host;
	CURL *easy;
	struct curl_slist *hdrs;
	struct buf body;
	size_t max_body;
	int too_big, oom;
	char errbuf[CURL_ERROR_SIZE];
};

struct fetch_run {
	const struct fetch_opts *o;
	CURLM *multi;
	struct fetch_job **jobs;
	struct host *hosts;      /* one per job; equal names share the first */
	struct host **hostof;    /* job index -> its host */
	struct xfer **live;      /* job index -> its transfer while in flight */
	char *started;
	size_t n, next;          /* jobs before next have all started */
	unsigned active, max_parallel;
	fetch_done_fn done;
	void *ctx;
};

void
fetch_opts_default(struct fetch_opts *o)
{
	o->max_parallel = 32;
	o->max_per_host = 2;
	o->connect_timeout = 15;
	o->timeout = 60;
	o->low_speed_limit = 10;
	o->low_speed_time = 20;
	o->max_body = 10 * 1024 * 1024;
	o->user_agent = "earshot";
}

void
fetch_job_clear(struct fetch_job *job)
{
	free(job->body);
	free(job->content_type);
	free(job->new_etag);
	free(job->new_last_modified);
	free(job->effective_url);
	job->ok = job->not_modified = 0;
	job->status = 0;
	job->body = job->content_type = job->new_etag = NULL;
	job->new_last_modified = job->effective_url = NULL;
	job->len = 0;
	job->retry_after = 0;
	job->error[0] = '\0';
}

static void job_err(struct fetch_job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the job's one-line error. */
static void
job_err(struct fetch_job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->error, sizeof j->error, fmt, ap);
	va_end(ap);
}

/* Host and port of url, without userinfo, path or query, so they are safe
 * to show. "" and 0 when the URL does not parse. */
static void
url_host(const char *url, char *host, size_t len, long *port)
{
	CURLU *u = curl_url();
	char *h = NULL, *p = NULL;
	size_t i;

	host[0] = '\0';
	*port = 0;
	if (u && url &&
	    curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		snprintf(host, len, "%s", h);
		if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK)
			*port = strtol(p, NULL, 10);
	}
	for (i = 0; host[i]; i++)
		host[i] = isprint((unsigned char)host[i]) ?
		    (char)tolower((unsigned char)host[i]) : '?';
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
}

static int
is_file_url(const char *url)
{
	return url && strncasecmp(url, "file:", 5) == 0;
}

static int
is_http_url(const char *url)
{
	return url && (strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0);
}

static int
cmp_host(const void *a, const void *b)
{
	return strcmp((*(struct host *const *)a)->name, (*(struct host *const *)b)->name);
}

/* Groups the jobs by host (sorting, so thousands of feeds stay cheap). */
static int
hosts_build(struct fetch_run *r)
{
	struct host **sorted = calloc(r->n ? r->n : 1, sizeof *sorted);
	char name[256];
	size_t i, first = 0;
	long port;

	if (!sorted)
		return -1;
	for (i = 0; i < r->n; i++) {
		if (is_file_url(r->jobs[i]->url))
			name[0] = '\0';
		else
			url_host(r->jobs[i]->url, name, sizeof name, &port);
		if (!(r->hosts[i].name = xstrdup(name))) {
			free(sorted);
			return -1;
		}
		sorted[i] = &r->hosts[i];
	}
	qsort(sorted, r->n, sizeof *sorted, cmp_host);
	for (i = 0; i < r->n; i++) {
		if (cmp_host(&sorted[i], &sorted[first]) != 0)
			first = i;
		r->hostof[sorted[i] - r->hosts] = sorted[first];
	}
	free(sorted);
	return 0;
}

/* 1 if a header line is safe to send: no CR, LF or other control bytes that
 * could smuggle a second header or request. */
static int
header_safe(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 0;
	return 1;
}

/* Adds "name: value", or the whole line value when name is NULL; unsafe or
 * (for validators) overlong values are left out. -1 if out of memory. */
static int
add_header(struct xfer *x, const char *name, const char *value)
{
	struct curl_slist *l;
	struct buf line = {0};

	if (!value || !header_safe(value) || (name && strlen(value) > MAX_VALIDATOR))
		return 0;
	if (name && buf_printf(&line, "%s: %s", name, value) < 0)
		return -1;
	l = curl_slist_append(x->hdrs, name ? line.data : value);
	buf_free(&line);
	if (!l)
		return -1;
	x->hdrs = l;
	return 0;
}

/* Forgets what an earlier response of this transfer said: the headers of a
 * redirect or a 100 Continue are not the final response's. */
static void
reset_headers(struct fetch_job *j)
{
	free(j->new_etag);
	free(j->new_last_modified);
	j->new_etag = j->new_last_modified = NULL;
	j->retry_after = 0;
}

/* If line is "Name: value", returns the trimmed value and its length. */
static const char *
header_value(const char *line, size_t len, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	line += nl + 1;
	len -= nl + 1;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	*vlen = len;
	return line;
}

static void
set_validator(char **dst, const char *v, size_t n)
{
	char *s;

	if (n == 0 || n > MAX_VALIDATOR || !(s = xstrndup(v, n)))
		return;
	if (!header_safe(s)) {
		free(s);
		return;
	}
	free(*dst);
	*dst = s;
}

/* Retry-After is delay-seconds or an HTTP date; saturates rather than
 * overflows on absurd values. */
static int64_t
parse_retry_after(const char *v, size_t n)
{
	char tmp[128];
	int64_t secs = 0;
	time_t t;
	size_t i;

	for (i = 0; i < n && isdigit((unsigned char)v[i]); i++)
		if ((secs = secs * 10 + (v[i] - '0')) > FETCH_RETRY_AFTER_MAX)
			secs = FETCH_RETRY_AFTER_MAX;
	if (n && i == n)
		return (int64_t)time(NULL) + secs;
	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	t = curl_getdate(tmp, NULL);
	return t > 0 ? (int64_t)t : 0;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	struct fetch_job *j = x->job;
	const char *v;
	size_t len = size * n, vlen;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
		reset_headers(j);
	else if ((v = header_value(p, len, "ETag", &vlen)))
		set_validator(&j->new_etag, v, vlen);
	else if ((v = header_value(p, len, "Last-Modified", &vlen)))
		set_validator(&j->new_last_modified, v, vlen);
	else if ((v = header_value(p, len, "Retry-After", &vlen)))
		j->retry_after = parse_retry_after(v, vlen);
	return len;
}

/* Counts decoded bytes: CURLOPT_MAXFILESIZE only sees the compressed
 * length, so this is what stops a gzip bomb. */
static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	long status = 0;

	n *= size;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 300)
		return n;     /* an error page is not a feed: drop it */
	if (n > x->max_body - x->body.len) {
		x->too_big = 1;
		return 0;
	}
	if (buf_append(&x->body, p, n) < 0) {
		x->oom = 1;
		return 0;
	}
	return n;
}

#define SET(opt, val) (bad |= curl_easy_setopt(e, (opt), (val)) != CURLE_OK)

/* Configures a transfer; -1 if out of memory. */
static int
xfer_setup(struct xfer *x, const struct fetch_opts *o)
{
	const struct fetch_job *j = x->job;
	CURL *e = x->easy;
	size_t i;
	int bad = 0;

	if (add_header(x, "If-None-Match", j->etag) < 0 ||
	    add_header(x, "If-Modified-Since", j->last_modified) < 0)
		return -1;
	for (i = 0; i < j->nheaders; i++)
		if (j->headers[i] && add_header(x, NULL, j->headers[i]) < 0)
			return -1;
	SET(CURLOPT_URL, j->url);
	SET(CURLOPT_PRIVATE, x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_HTTPHEADER, x->hdrs);
	SET(CURLOPT_USERAGENT, o->user_agent ? o->user_agent : "earshot");
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SET(CURLOPT_PIPEWAIT, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	SET(CURLOPT_PROTOCOLS_STR, is_file_url(j->url) ? "file" : "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	SET(CURLOPT_TIMEOUT, o->timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	SET(CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	return bad ? -1 : 0;
}

#undef SET

/* "10 MiB", "64 KiB" or "1500 bytes", as the operator would write it. */
static void
fmt_size(size_t n, char *out, size_t len)
{
	if (n && n % (1024 * 1024) == 0)
		snprintf(out, len, "%zu MiB", n / (1024 * 1024));
	else if (n && n % 1024 == 0)
		snprintf(out, len, "%zu KiB", n / 1024);
	else
		snprintf(out, len, "%zu bytes", n);
}

static const char *
http_reason(long code)
{
	static const struct { long code; const char *text; } r[] = {
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 406, "Not Acceptable" }, { 408, "Request Timeout" }, { 410, "Gone" },
		{ 429, "Too Many Requests" }, { 451, "Unavailable For Legal Reasons" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};
	size_t i;

	for (i = 0; i < NELEM(r); i++)
		if (r[i].code == code)
			return r[i].text;
	return code < 400 ? "(redirect without a usable Location)" : "";
}

/* 1 if s contains the n bytes at p (a secret), for n long enough to mean it. */
static int
contains(const char *s, const char *p, size_t n)
{
	size_t sl = strlen(s), i;

	if (n < 3)
		return 0;
	for (i = 0; i + n <= sl; i++)
		if (memcmp(s + i, p, n) == 0)
			return 1;
	return 0;
}

/* 1 if msg quotes a header value, the URL's userinfo, password or query. */
static int
leaks_secret(const char *msg, const struct fetch_job *j)
{
	const char *at, *q, *c, *pw;
	size_t i;

	for (i = 0; i < j->nheaders; i++) {
		if (!j->headers[i] || !(c = strchr(j->headers[i], ':')))
			continue;
		while (*++c == ' ')
			;
		if (contains(msg, c, strlen(c)))
			return 1;
	}
	if (!j->url)
		return 0;
	if ((q = strpbrk(j->url, "?#")) && contains(msg, q + 1, strlen(q + 1)))
		return 1;
	if (!(c = strstr(j->url, "://")) || !(at = strchr(c, '@')) || (q && at > q))
		return 0;
	pw = memchr(c + 3, ':', (size_t)(at - c - 3));
	return contains(msg, c + 3, (size_t)(at - c - 3)) ||
	    (pw && contains(msg, pw + 1, (size_t)(at - pw - 1)));
}

/* Copies curl's error text, cutting any URL in it down to scheme://host and
 * control bytes to '?'; falls back to the generic text if anything secret
 * survives. */
static void
scrub(const struct xfer *x, CURLcode res, char *out, size_t len)
{
	const char *s = x->errbuf;
	size_t o = 0;

	while (*s && o + 1 < len) {
		if (strncmp(s, "://", 3) == 0) {
			const char *end = s + 3 + strcspn(s + 3, "/?#\"' \t\r\n");
			const char *at = memchr(s + 3, '@', (size_t)(end - s - 3));
			size_t hl;

			s = at ? at + 1 : s + 3;
			hl = (size_t)(end - s);
			o += (size_t)snprintf(out + o, len - o, "://%.*s", (int)hl, s);
			if (o >= len)
				o = len - 1;
			s = end + strcspn(end, "\"' \t\r\n");
			continue;
		}
		out[o++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
		s++;
	}
	while (o && (out[o - 1] == ' ' || out[o - 1] == '.'))
		o--;
	out[o] = '\0';
	if (!o || leaks_secret(out, x->job))
		snprintf(out, len, "%s", curl_easy_strerror(res));
}

static void
timeout_error(const struct xfer *x, const struct fetch_opts *o, const char *host)
{
	struct fetch_job *j = x->job;
	long limit = o->connect_timeout < o->timeout ? o->connect_timeout : o->timeout;
	curl_off_t dns = 0, conn = 0;

	curl_easy_getinfo(x->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
	if (strncmp(x->errbuf, "Operation too slow", 18) == 0)
		job_err(j, "too slow: under %ld bytes/s for %ld s",
		    o->low_speed_limit, o->low_speed_time);
	else if (!conn && (!dns || strncmp(x->errbuf, "Resolving timed out", 19) == 0))
		job_err(j, "could not resolve host %s within %ld s", host, limit);
	else if (!conn)
		job_err(j, "could not connect to %s within %ld s", host, limit);
	else
		job_err(j, "timed out after %ld s", o->timeout);
}

static void
connect_error(const struct xfer *x, const char *host, long port)
{
	struct fetch_job *j = x->job;
	long os = 0;

	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os);
	if (os == ECONNREFUSED)
		job_err(j, "connection refused by %s port %ld", host, port);
	else if (os)
		job_err(j, "cannot connect to %s port %ld: %s", host,
		    port, strerror((int)os));
	else
		job_err(j, "cannot connect to %s port %ld", host, port);
}

/* Turns a failed transfer into one line that names the cause, never the
 * URL's secrets. */
static void
describe_error(struct xfer *x, CURLcode res, const struct fetch_opts *o)
{
	struct fetch_job *j = x->job;
	char host[256], size[32];
	long port, redirects = 0;
	CURLU *u;
	char *path = NULL;

	url_host(j->effective_url ? j->effective_url : j->url, host, sizeof host, &port);
	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	fmt_size(x->max_body, size, sizeof size);
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
		job_err(j, "could not resolve host %s", host);
		if (!redirects)
			x->host->unresolvable = 1;
		break;
	case CURLE_COULDNT_CONNECT:
		connect_error(x, host, port);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		timeout_error(x, o, host);
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		job_err(j, "too many redirects (more than %d)", MAX_REDIRECTS);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		job_err(j, "%s", is_http_url(j->url) ?
		    "refused a redirect to a URL that is not http or https" :
		    "unsupported URL scheme (http, https and file only)");
		break;
	case CURLE_URL_MALFORMAT:
		job_err(j, "malformed URL");
		break;
	case CURLE_FILESIZE_EXCEEDED:
		job_err(j, "response larger than %s (limit max_body)", size);
		break;
	case CURLE_FILE_COULDNT_READ_FILE:
		u = curl_url();
		if (u && curl_url_set(u, CURLUPART_URL, j->url, 0) == CURLUE_OK)
			curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);
		job_err(j, "cannot read file %s", path ? path : "");
		curl_free(path);
		curl_url_cleanup(u);
		break;
	case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM: case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR: case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS: case CURLE_SSL_CLIENTCERT:
		memcpy(j->error, "TLS: ", 5);
		scrub(x, res, j->error + 5, sizeof j->error - 5);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
		memcpy(j->error, "malformed response: ", 20);
		scrub(x, res, j->error + 20, sizeof j->error - 20);
		break;
	default:
		if (x->too_big)
			job_err(j, "response larger than %s (limit max_body)", size);
		else if (x->oom)
			job_err(j, "out of memory");
		else
			scrub(x, res, j->error, sizeof j->error);
	}
}

/* Fills the job's outputs from a finished transfer. */
static void
xfer_result(struct xfer *x, CURLcode res, const struct fetch_opts *o)
{
	struct fetch_job *j = x->job;
	char *s = NULL;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &j->status);
	if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s)
		j->effective_url = xstrdup(s);
	s = NULL;
	if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s)
		j->content_type = xstrdup(s);
	/* An error status explains more than what went wrong after it (an
	 * oversized or cut-off error page). */
	if (res != CURLE_OK && j->status < 400) {
		describe_error(x, res, o);
	} else if (j->status == 304) {
		j->ok = j->not_modified = 1;
	} else if (j->status >= 300) {
		const char *why = http_reason(j->status);

		job_err(j, "HTTP %ld%s%s", j->status, *why ? " " : "", why);
	} else {
		j->len = x->body.len;
		if ((j->body = buf_detach(&x->body))) {
			j->ok = 1;
		} else {
			j->len = 0;
			job_err(j, "out of memory");
		}
	}
}

static void
xfer_free(struct fetch_run *r, struct xfer *x)
{
	if (!x)
		return;
	if (x->easy) {
		curl_multi_remove_handle(r->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->hdrs);
	buf_free(&x->body);
	free(x);
}

static struct xfer *
xfer_new(struct fetch_run *r, size_t i)
{
	struct xfer *x = calloc(1, sizeof *x);

	if (!x)
		return NULL;
	x->job = r->jobs[i];
	x->index = i;
	x->host = r->hostof[i];
	x->max_body = r->o->max_body;
	if (!(x->easy = curl_easy_init()) || xfer_setup(x, r->o) < 0 ||
	    curl_multi_add_handle(r->multi, x->easy) != CURLM_OK) {
		xfer_free(r, x);
		return NULL;
	}
	return x;
}

/* Starts job i, or finishes it at once when it cannot start. */
static void
job_start(struct fetch_run *r, size_t i)
{
	struct fetch_job *j = r->jobs[i];
	struct host *h = r->hostof[i];

	r->started[i] = 1;
	fetch_job_clear(j);
	if (h->unresolvable) {
		job_err(j, "could not resolve host %s", h->name);
	} else if (!(r->live[i] = xfer_new(r, i))) {
		job_err(j, "cannot set up the transfer (out of memory)");
	} else {
		r->active++;
		h->active++;
		return;
	}
	r->done(j, r->ctx);
}

/* Starts jobs in order while slots are free, skipping (for now) those whose
 * host is at its limit so one slow host cannot hold up the rest. */
static void
fill(struct fetch_run *r)
{
	size_t i;

	for (i = r->next; i < r->n && r->active < r->max_parallel; i++) {
		const struct host *h = r->hostof[i];

		if (r->started[i] || (h->name[0] && r->o->max_per_host &&
		    h->active >= r->o->max_per_host))
			continue;
		job_start(r, i);
	}
	while (r->next < r->n && r->started[r->next])
		r->next++;
}

/* Completes a transfer: outputs filled, transfer freed, then the caller's
 * callback, which may free the outputs in turn. */
static void
finish(struct fetch_run *r, CURL *easy, CURLcode res)
{
	struct xfer *x = NULL;
	struct fetch_job *j;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
	j = x->job;
	xfer_result(x, res, r->o);
	x->host->active--;
	r->active--;
	r->live[x->index] = NULL;
	xfer_free(r, x);
	r->done(j, r->ctx);
}

static void
drain(struct fetch_run *r)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(r->multi, &left)))
		if (m->msg == CURLMSG_DONE)
			finish(r, m->easy_handle, m->data.result);
}

/* The engine itself failed mid-run: every unfinished job fails with the
 * reason, each still reported exactly once. */
static void
abandon(struct fetch_run *r, const char *why)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct fetch_job *j = r->jobs[i];

		if (r->started[i] && !r->live[i])
			continue;
		if (r->live[i]) {
			r->live[i]->host->active--;
			r->active--;
			xfer_free(r, r->live[i]);
			r->live[i] = NULL;
		}
		r->started[i] = 1;
		fetch_job_clear(j);
		job_err(j, "transfer engine failed: %s", why);
		r->done(j, r->ctx);
	}
}

static void
run_free(struct fetch_run *r)
{
	size_t i;

	for (i = 0; r->hosts && i < r->n; i++)
		free(r->hosts[i].name);
	free(r->hosts);
	free(r->hostof);
	free(r->live);
	free(r->started);
	if (r->multi)
		curl_multi_cleanup(r->multi);
}

int
fetch_all(const struct fetch_opts *o, struct fetch_job **jobs, size_t n,
    fetch_done_fn done, void *ctx, char *err, size_t errlen)
{
	struct fetch_run r = { .o = o, .jobs = jobs, .n = n, .done = done, .ctx = ctx };
	CURLMcode mc = CURLM_OK;
	int running;

	r.max_parallel = o->max_parallel ? o->max_parallel : 1;
	r.hosts = calloc(n ? n : 1, sizeof *r.hosts);
	r.hostof = calloc(n ? n : 1, sizeof *r.hostof);
	r.live = calloc(n ? n : 1, sizeof *r.live);
	r.started = calloc(n ? n : 1, 1);
	if (!r.hosts || !r.hostof || !r.live || !r.started ||
	    !(r.multi = curl_multi_init()) || hosts_build(&r) < 0) {
		errf(err, errlen, "cannot start the transfer engine: out of memory");
		run_free(&r);
		return -1;
	}
	curl_multi_setopt(r.multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)o->max_per_host);
	curl_multi_setopt(r.multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	fill(&r);
	while (r.active) {
		if ((mc = curl_multi_perform(r.multi, &running)) != CURLM_OK)
			break;
		drain(&r);
		fill(&r);
		if (r.active && (mc = curl_multi_poll(r.multi, NULL, 0, 1000, NULL)))
			break;
	}
	if (mc != CURLM_OK)
		abandon(&r, curl_multi_strerror(mc));
	run_free(&r);
	return 0;
}
