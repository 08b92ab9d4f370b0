/* Which host each job talks to, so the fetcher can cap transfers per host. */
#include "fetch_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

int
fetch_is_file_url(const char *url)
{
	return url && strncasecmp(url, "file:", 5) == 0;
}

/* The common case, "http(s)://host[:port]" then '/', '?', '#' or the end,
 * with a host of letters, digits, dots and dashes, read directly: curl_url's
 * full parse of every feed's URL was 3% of a pass in which nothing had
 * changed. 1 with host and *port set, 0 to leave the URL to curl_url. */
static int
plain_url_host(const char *url, char *host, size_t len, long *port)
{
	const char *p, *h;
	char *end;
	long v;
	size_t n;

	if (!strncasecmp(url, "http://", 7))
		p = url + 7, v = 80;
	else if (!strncasecmp(url, "https://", 8))
		p = url + 8, v = 443;
	else
		return 0;
	for (h = p; isalnum((unsigned char)*p) || *p == '.' || *p == '-'; p++)
		;
	if ((n = (size_t)(p - h)) == 0 || n >= len)
		return 0;
	if (*p == ':') {
		if (p[1] < '1' || p[1] > '9')
			return 0;
		v = strtol(p + 1, &end, 10);
		if (v > 65535 || end - p > 6)
			return 0;
		p = end;
	}
	if (*p && *p != '/' && *p != '?' && *p != '#')
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	*port = v;
	return 1;
}

void
fetch_url_host(const char *url, char *host, size_t len, long *port)
{
	CURLU *u;
	char *h = NULL, *p = NULL;
	size_t i;

	host[0] = '\0';
	*port = 0;
	if (url && !plain_url_host(url, host, len, port)) {
		u = curl_url();
		if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
		    CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
			snprintf(host, len, "%s", h);
			if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK)
				*port = strtol(p, NULL, 10);
		}
		curl_url_cleanup(u);
	}
	for (i = 0; host[i]; i++)
		host[i] = isprint((unsigned char)host[i]) ?
		    (char)tolower((unsigned char)host[i]) : '?';
	curl_free(h);
	curl_free(p);
}

static int
cmp_host(const void *a, const void *b)
{
	return strcmp((*(struct host *const *)a)->name, (*(struct host *const *)b)->name);
}

/* Sorts rather than searching per job, so thousands of feeds stay cheap. */
int
fetch_hosts_build(struct fetch_job **jobs, size_t n, struct host *hosts,
    struct host **hostof)
{
	struct host **sorted = calloc(n ? n : 1, sizeof *sorted);
	char name[256];
	size_t i, first = 0;
	long port;

	if (!sorted)
		return -1;
	for (i = 0; i < n; i++) {
		if (fetch_is_file_url(jobs[i]->url))
			name[0] = '\0';
		else
			fetch_url_host(jobs[i]->url, name, sizeof name, &port);
		if (!(hosts[i].name = xstrdup(name))) {
			free(sorted);
			return -1;
		}
		sorted[i] = &hosts[i];
	}
	qsort(sorted, n, sizeof *sorted, cmp_host);
	for (i = 0; i < n; i++) {
		if (cmp_host(&sorted[i], &sorted[first]) != 0)
			first = i;
		hostof[sorted[i] - hosts] = sorted[first];
	}
	free(sorted);
	return 0;
}
