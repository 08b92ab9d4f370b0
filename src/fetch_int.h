/* Private to the fetcher (fetch.c, fetch_host.c, fetch_error.c): the
 * per-transfer state they share and the helpers each provides the others. */
#ifndef EARSHOT_FETCH_INT_H
#define EARSHOT_FETCH_INT_H

#include <curl/curl.h>
#include <stddef.h>

#include "buf.h"
#include "fetch.h"

#define MAX_REDIRECTS 5

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

/* fetch_host.c */

/* 1 if url is a file: URL (NULL is not). */
int fetch_is_file_url(const char *url);
/* Writes url's lowercase host, without userinfo, path or query and with
 * unprintable bytes as '?', into host[len], so it is safe to show; sets
 * *port (the scheme's default if none is given). "" and 0 if it does not
 * parse. */
void fetch_url_host(const char *url, char *host, size_t len, long *port);
/* Names hosts[i] after job i's host ("" for file: URLs) and points hostof[i]
 * at the first of hosts[] with that name, so jobs for one host share one
 * count. Both arrays have n entries; the names are the caller's to free.
 * -1 if out of memory (names set so far are still the caller's). */
int fetch_hosts_build(struct fetch_job **jobs, size_t n, struct host *hosts,
    struct host **hostof);

/* fetch_error.c */

/* Formats the job's one-line error into job->error, truncating. */
void fetch_job_err(struct fetch_job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets x's job error for a transfer curl ended with res: a line that names
 * the cause, never the URL's or headers' secrets. Marks x's host
 * unresolvable when its DNS lookup failed. */
void fetch_describe_error(struct xfer *x, CURLcode res, const struct fetch_opts *o);
/* The reason phrase for an HTTP error status, "" if unknown; for a status
 * under 400, why a redirect was not followed. A static string. */
const char *fetch_http_reason(long code);

#endif
