/* A failed transfer's one-line reason: curl's codes mapped to what the user
 * can act on, HTTP reason phrases, and curl's own text with URLs and
 * secrets cut out, since the line ends up in logs and the store. */
#include "fetch_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

void
fetch_job_err(struct fetch_job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->error, sizeof j->error, fmt, ap);
	va_end(ap);
}

static int
is_http_url(const char *url)
{
	return url && (strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0);
}

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

const char *
fetch_http_reason(long code)
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
 * control bytes to spaces; falls back to the generic text if anything secret
 * survives, as curl may quote a header or the URL in ways not cut here. */
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

/* curl gives one code for every timeout; how far the transfer got says
 * which limit the user has to look at. */
static void
timeout_error(const struct xfer *x, const struct fetch_opts *o, const char *host)
{
	struct fetch_job *j = x->job;
	long limit = o->connect_timeout < o->timeout ? o->connect_timeout : o->timeout;
	curl_off_t dns = 0, conn = 0;
	long sent = 0;
	int slow = strncmp(x->errbuf, "Operation too slow", 18) == 0;

	curl_easy_getinfo(x->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
	curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
	/* A reused connection has no connect time: a request sent on it
	 * means the wait was for the answer. */
	if (curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK && sent > 0)
		conn = conn ? conn : 1;
	/* A server that accepts and never answers is "too slow" to curl. */
	if (slow && j->status == 0 && conn)
		fetch_job_err(j, "connected, but no response for %ld s", o->low_speed_time);
	else if (slow)
		fetch_job_err(j, "too slow: under %ld bytes/s for %ld s",
		    o->low_speed_limit, o->low_speed_time);
	else if (!conn && (!dns || strncmp(x->errbuf, "Resolving timed out", 19) == 0))
		fetch_job_err(j, "could not resolve host %s within %ld s", host, limit);
	else if (!conn)
		fetch_job_err(j, "could not connect to %s within %ld s", host, limit);
	else
		fetch_job_err(j, "timed out after %ld s", o->timeout);
}

static void
connect_error(const struct xfer *x, const char *host, long port)
{
	struct fetch_job *j = x->job;
	long os = 0;

	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os);
	if (os == ECONNREFUSED)
		fetch_job_err(j, "connection refused by %s port %ld", host, port);
	else if (os)
		fetch_job_err(j, "cannot connect to %s port %ld: %s", host,
		    port, strerror((int)os));
	else
		fetch_job_err(j, "cannot connect to %s port %ld", host, port);
}

/* A response that stopped early: the operator wants to know it was the
 * server or the network, and how far it got, not curl's read state. */
static void
cut_short_error(const struct xfer *x, CURLcode res, const char *host)
{
	struct fetch_job *j = x->job;
	curl_off_t got = 0;
	long os = 0;

	curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os);
	if (res == CURLE_PARTIAL_FILE)
		fetch_job_err(j, "response cut short: %s closed the connection after "
		    "%" CURL_FORMAT_CURL_OFF_T " bytes", host, got);
	else if (os == ECONNRESET)
		fetch_job_err(j, "connection reset by %s after %" CURL_FORMAT_CURL_OFF_T
		    " bytes", host, got);
	else
		scrub(x, res, j->error, sizeof j->error);
}

void
fetch_describe_error(struct xfer *x, CURLcode res, const struct fetch_opts *o)
{
	struct fetch_job *j = x->job;
	char host[256], size[32];
	long port, redirects = 0;
	CURLU *u;
	char *path = NULL;

	fetch_url_host(j->effective_url ? j->effective_url : j->url, host,
	    sizeof host, &port);
	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	fmt_size(x->max_body, size, sizeof size);
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
		fetch_job_err(j, "could not resolve host %s", host);
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
		fetch_job_err(j, "too many redirects (more than %d)", MAX_REDIRECTS);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		fetch_job_err(j, "%s", is_http_url(j->url) ?
		    "refused a redirect to a URL that is not http or https" :
		    "unsupported URL scheme (http, https and file only)");
		break;
	case CURLE_PARTIAL_FILE: case CURLE_RECV_ERROR:
		cut_short_error(x, res, host);
		break;
	case CURLE_URL_MALFORMAT:
		fetch_job_err(j, "malformed URL");
		break;
	case CURLE_FILESIZE_EXCEEDED:
		fetch_job_err(j, "response larger than %s (limit max_body)", size);
		break;
	case CURLE_FILE_COULDNT_READ_FILE:
		u = curl_url();
		if (u && curl_url_set(u, CURLUPART_URL, j->url, 0) == CURLUE_OK)
			curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);
		fetch_job_err(j, "cannot read file %s", path ? path : "");
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
			fetch_job_err(j, "response larger than %s (limit max_body)", size);
		else if (x->oom)
			fetch_job_err(j, "out of memory");
		else
			scrub(x, res, j->error, sizeof j->error);
	}
}
