/* fetch_all's event loop and what each transfer needs from curl: the easy
 * handle's options, the request headers and the body and header callbacks. */
#include "fetch_int.h"

#include <assert.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util.h"

/* Validators are echoed back in the next request; a longer one is a
 * broken or hostile server, not a cache key worth keeping. */
#define MAX_VALIDATOR 1024

struct fetch_run {
	const struct fetch_opts *o;
	CURLM *multi;
	struct fetch_job **jobs;
	struct host **hostof;    /* job index -> its host (fetch_all's) */
	struct xfer **live;      /* job index -> its transfer while in flight */
	char *started;
	size_t n, next;          /* jobs before next have all started */
	unsigned active, max_parallel;
	/* Finished transfers' handles, reset for the next: creating and
	 * cleaning up one per feed was a tenth of a pass where nothing had
	 * changed. At most max_parallel. */
	CURL **spare;
	unsigned nspare;
	char *ua, *ae;           /* the User-Agent and Accept-Encoding lines */
	struct curl_slist *proxy_hdrs;  /* the User-Agent, for a proxy */
	fetch_done_fn done;
	void *ctx;
};

void
fetch_opts_default(struct fetch_opts *o)
{
	o->max_parallel = 32;
	o->threads = 1;
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
	job->ok = job->not_modified = job->more = 0;
	job->status = 0;
	job->body = job->content_type = job->new_etag = NULL;
	job->new_last_modified = job->effective_url = NULL;
	job->len = 0;
	job->retry_after = 0;
	job->error[0] = '\0';
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
 * (for validators) overlong values are left out. name is a short constant,
 * so the line is put together on the stack: formatting it into a buffer
 * of its own took more instructions than curl's copy of it. -1 if out of
 * memory. */
static int
add_header(struct xfer *x, const char *name, const char *value)
{
	struct curl_slist *l;
	char line[64 + MAX_VALIDATOR + 1];
	size_t nl, vl;

	if (!value || !header_safe(value) || (name && (vl = strlen(value)) > MAX_VALIDATOR))
		return 0;
	if (name) {
		nl = strlen(name);
		assert(nl + 2 <= 64);
		memcpy(line, name, nl);
		memcpy(line + nl, ": ", 2);
		memcpy(line + nl + 2, value, vl + 1);
	}
	if (!(l = curl_slist_append(x->hdrs, name ? line : value)))
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

/* 1 if one of the job's own headers is called name (a name and colon). */
static int
job_has_header(const struct fetch_job *j, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < j->nheaders; i++)
		if (j->headers[i] && !strncasecmp(j->headers[i], name, n) &&
		    j->headers[i][n] == ':')
			return 1;
	return 0;
}

/* Configures a transfer. The User-Agent and Accept-Encoding lines go with
 * the job's headers, unless the feed sets its own: from CURLOPT_USERAGENT
 * and CURLOPT_ACCEPT_ENCODING alone, curl formats each into a line of its
 * own for every transfer, a byte at a time (5% of the instructions of a
 * pass where nothing had changed). Every option is set for every transfer:
 * a handle that kept its options from the transfer before, not reset,
 * kept that transfer's speed too, and took a second longer to see a
 * stall. -1 if out of memory. */
static int
xfer_setup(struct fetch_run *r, struct xfer *x)
{
	const struct fetch_opts *o = r->o;
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
	if (!job_has_header(j, "User-Agent") && add_header(x, NULL, r->ua) < 0)
		return -1;
	if (!job_has_header(j, "Accept-Encoding") && add_header(x, NULL, r->ae) < 0)
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
	/* A proxy's CONNECT does not see the job's headers, only these. */
	SET(CURLOPT_PROXYHEADER, r->proxy_hdrs);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	SET(CURLOPT_PIPEWAIT, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	SET(CURLOPT_PROTOCOLS_STR, fetch_is_file_url(j->url) ? "file" : "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	SET(CURLOPT_TIMEOUT, o->timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	SET(CURLOPT_LOW_SPEED_TIME, o->low_speed_time);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	return bad ? -1 : 0;
}

#undef SET

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
		fetch_describe_error(x, res, o);
	} else if (j->status == 304) {
		j->ok = j->not_modified = 1;
	} else if (j->status >= 300) {
		const char *why = fetch_http_reason(j->status);

		fetch_job_err(j, "HTTP %ld%s%s", j->status, *why ? " " : "", why);
	} else {
		j->len = x->body.len;
		if ((j->body = buf_detach(&x->body))) {
			j->ok = 1;
		} else {
			j->len = 0;
			fetch_job_err(j, "out of memory");
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
		if (r->spare && r->nspare < r->max_parallel) {
			curl_easy_reset(x->easy);
			r->spare[r->nspare++] = x->easy;
		} else {
			curl_easy_cleanup(x->easy);
		}
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
	x->easy = r->nspare ? r->spare[--r->nspare] : curl_easy_init();
	if (!x->easy || xfer_setup(r, x) < 0 ||
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
		fetch_job_err(j, "could not resolve host %s", h->name);
	} else if (!(r->live[i] = xfer_new(r, i))) {
		fetch_job_err(j, "cannot set up the transfer (out of memory)");
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
finish(struct fetch_run *r, CURL *easy, CURLcode res, int more)
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
	j->more = more;
	r->done(j, r->ctx);
}

static void
drain(struct fetch_run *r)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(r->multi, &left)))
		if (m->msg == CURLMSG_DONE)
			finish(r, m->easy_handle, m->data.result, left > 0);
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
		fetch_job_err(j, "transfer engine failed: %s", why);
		r->done(j, r->ctx);
	}
}

static void
run_free(struct fetch_run *r)
{
	free(r->live);
	free(r->started);
	while (r->nspare)
		curl_easy_cleanup(r->spare[--r->nspare]);
	free(r->spare);
	free(r->ua);
	free(r->ae);
	curl_slist_free_all(r->proxy_hdrs);
	if (r->multi)
		curl_multi_cleanup(r->multi);
}

/* "name: value", allocated; NULL if out of memory. */
static char *
header_line(const char *name, const char *value)
{
	struct buf b = {0};

	return buf_printf(&b, "%s: %s", name, value) < 0 ? NULL : buf_detach(&b);
}

/* The Accept-Encoding line CURLOPT_ACCEPT_ENCODING "" would send: the
 * encodings this libcurl can decode, which it then does. */
static char *
accept_encoding(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	struct buf b = {0};

	if (buf_puts(&b, "Accept-Encoding: ") < 0 ||
	    ((v->features & CURL_VERSION_LIBZ) && buf_puts(&b, "deflate, gzip, ") < 0) ||
	    ((v->features & CURL_VERSION_BROTLI) && buf_puts(&b, "br, ") < 0) ||
	    ((v->features & CURL_VERSION_ZSTD) && buf_puts(&b, "zstd, ") < 0)) {
		buf_free(&b);
		return NULL;
	}
	/* Without the last ", ", or "identity" when nothing else. */
	if (b.data[b.len - 1] == ' ')
		b.data[b.len -= 2] = '\0';
	else if (buf_puts(&b, "identity") < 0)
		buf_free(&b);
	return buf_detach(&b);
}

/* One transfer loop over jobs[0..n), at most max_parallel at once;
 * hostof[i] is job i's host. */
static int
fetch_group(const struct fetch_opts *o, unsigned max_parallel, struct fetch_job **jobs,
    struct host **hostof, size_t n, fetch_done_fn done, void *ctx, char *err,
    size_t errlen)
{
	struct fetch_run r = { .o = o, .jobs = jobs, .hostof = hostof, .n = n, .done = done,
	    .ctx = ctx };
	CURLMcode mc = CURLM_OK;
	int running;

	r.max_parallel = max_parallel;
	r.ua = header_line("User-Agent", o->user_agent ? o->user_agent : "earshot");
	r.ae = accept_encoding();
	r.proxy_hdrs = r.ua ? curl_slist_append(NULL, r.ua) : NULL;
	r.live = calloc(n ? n : 1, sizeof *r.live);
	r.started = calloc(n ? n : 1, 1);
	r.spare = calloc(r.max_parallel, sizeof *r.spare);
	if (!r.ua || !r.ae || !r.proxy_hdrs || !r.live || !r.started || !r.spare ||
	    !(r.multi = curl_multi_init())) {
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

/* A group of the jobs and the thread that runs it. */
struct group {
	const struct fetch_opts *o;
	unsigned max_parallel;
	struct fetch_job **jobs;
	struct host **hostof;
	size_t n;
	fetch_done_fn done;
	void *ctx;
	int rc, threaded;
	char err[256];
	pthread_t t;
};

static void *
group_main(void *arg)
{
	struct group *g = arg;

	g->rc = fetch_group(g->o, g->max_parallel, g->jobs, g->hostof, g->n, g->done,
	    g->ctx, g->err, sizeof g->err);
	return NULL;
}

/* Splits jobs into ng groups, a host's jobs all in one (so max_per_host
 * holds), hosts given in turn to the group with the fewest jobs so far.
 * Jobs without a host (file: URLs) all go to the first: one loop finishes
 * them in their order, as with no threads, and a run over files records
 * the same whatever the threads. Each group's jobs keep their order. 0,
 * or -1 out of memory. */
static int
split(struct fetch_job **jobs, struct host *hosts, struct host **hostof, size_t n,
    struct group *g, unsigned ng)
{
	unsigned *part = calloc(n, sizeof *part), k, least;
	size_t i, first;

	if (!part)
		return -1;
	for (k = 0; k < ng; k++)
		if (!(g[k].jobs = calloc(n, sizeof *g[k].jobs)) ||
		    !(g[k].hostof = calloc(n, sizeof *g[k].hostof))) {
			free(part);
			return -1;
		}
	for (i = 0; i < n; i++) {
		first = (size_t)(hostof[i] - hosts);
		if (!hostof[i]->name[0]) {
			part[i] = 0;
		} else if (first < i) {
			part[i] = part[first];
		} else {
			for (least = 0, k = 1; k < ng; k++)
				if (g[k].n < g[least].n)
					least = k;
			part[i] = least;
		}
		g[part[i]].hostof[g[part[i]].n] = hostof[i];
		g[part[i]].jobs[g[part[i]].n++] = jobs[i];
	}
	free(part);
	return 0;
}

/* Frees what fetch_hosts_build filled in, and the arrays. */
static void
hosts_free(struct host *hosts, struct host **hostof, size_t n)
{
	size_t i;

	for (i = 0; hosts && i < n; i++)
		free(hosts[i].name);
	free(hosts);
	free(hostof);
}

int
fetch_all(const struct fetch_opts *o, struct fetch_job **jobs, size_t n,
    fetch_done_fn done, void *ctx, char *err, size_t errlen)
{
	unsigned ng = o->threads > 1 ? o->threads : 1, k, par = o->max_parallel ? o->max_parallel : 1;
	struct group g[FETCH_MAX_THREADS] = {{0}};
	struct host *hosts = calloc(n ? n : 1, sizeof *hosts),
	    **hostof = calloc(n ? n : 1, sizeof *hostof);
	int rc = 0;

	if (ng > FETCH_MAX_THREADS)
		ng = FETCH_MAX_THREADS;
	if (ng > n / 2)
		ng = n / 2 ? (unsigned)(n / 2) : 1;
	/* The hosts are found once for all the loops (each finding its own
	 * again was 2% of the instructions of a pass where nothing had
	 * changed); a host's counts are still only its own loop's to touch. */
	if (!hosts || !hostof || fetch_hosts_build(jobs, n, hosts, hostof) < 0 ||
	    (ng > 1 && split(jobs, hosts, hostof, n, g, ng) < 0)) {
		for (k = 0; k < ng; k++) {
			free(g[k].jobs);
			free(g[k].hostof);
		}
		hosts_free(hosts, hostof, n);
		errf(err, errlen, "cannot start the transfer engine: out of memory");
		return -1;
	}
	if (ng == 1) {
		rc = fetch_group(o, par, jobs, hostof, n, done, ctx, err, errlen);
		hosts_free(hosts, hostof, n);
		return rc;
	}
	/* Each loop's share of max_parallel follows its share of the jobs:
	 * one busy host in one loop keeps what it had alone. */
	for (k = 0; k < ng; k++) {
		size_t share = (par * g[k].n + n - 1) / n;

		g[k] = (struct group){ .o = o, .max_parallel = share ? (unsigned)share : 1,
		    .jobs = g[k].jobs, .hostof = g[k].hostof, .n = g[k].n, .done = done,
		    .ctx = ctx };
		if (k && pthread_create(&g[k].t, NULL, group_main, &g[k]) == 0)
			g[k].threaded = 1;
	}
	/* A group whose thread did not start runs here, after the first. */
	for (k = 0; k < ng; k++) {
		if (!k || !g[k].threaded)
			group_main(&g[k]);
	}
	for (k = 0; k < ng; k++) {
		if (g[k].threaded)
			pthread_join(g[k].t, NULL);
		if (g[k].rc < 0 && rc == 0) {
			errf(err, errlen, "%s", g[k].err);
			rc = -1;
		}
		free(g[k].jobs);
		free(g[k].hostof);
	}
	hosts_free(hosts, hostof, n);
	return rc;
}
