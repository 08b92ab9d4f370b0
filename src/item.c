#include "item.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

void
item_init(struct item *it)
{
	memset(it, 0, sizeof *it);
	it->rating = -1;
}

void
item_clear(struct item *it)
{
	free(it->id);
	free(it->link);
	free(it->title);
	free(it->author);
	free(it->text);
	item_init(it);
}

/* Resolves ref against base with curl's URL parser. Returns a malloc'd
 * absolute URL, or NULL when either cannot be parsed (caller keeps ref). */
static char *
resolve_url(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *abs = NULL, *out = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK) {
		out = xstrdup(abs);
		curl_free(abs);
	}
	curl_url_cleanup(u);
	return out;
}

static int
has_scheme(const char *s)
{
	const char *p = s;

	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (p > s && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')))
		p++;
	return p > s && *p == ':';
}

/* 1 if host is google.<tld> or www.google.<tld>, the tld one label
 * ("com", "de") or a country's second level ("co.uk", "com.au"). */
static int
google_host(const char *host)
{
	const char *t, *dot;
	size_t k;

	if (!strncasecmp(host, "www.", 4))
		host += 4;
	if (strncasecmp(host, "google.", 7))
		return 0;
	t = host + 7;
	if ((dot = strchr(t, '.'))) {
		k = (size_t)(dot - t);
		if (!((k == 2 && !strncasecmp(t, "co", 2)) || (k == 3 && !strncasecmp(t, "com", 3))))
			return 0;
		t = dot + 1;
		if (strlen(t) != 2)
			return 0;
	}
	for (k = 0; t[k]; k++)
		if (!((t[k] | 0x20) >= 'a' && (t[k] | 0x20) <= 'z'))
			return 0;
	return k >= 2 && k <= 6;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The url parameter of query q, percent-decoded once (a '+' is kept: a
 * URL's own '+' is literal), if it is an http(s) URL with no spaces or
 * controls; NULL otherwise. Caller frees. */
static char *
url_param(const char *q)
{
	const char *v = NULL, *e = q;
	char *out, *o;
	size_t i, n;
	int hi, lo;

	for (; q && *q; q = *e ? e + 1 : e) {
		e = q + strcspn(q, "&");
		if (!strncmp(q, "url=", 4)) {
			v = q + 4;
			break;
		}
	}
	if (!v || !(out = malloc((size_t)(e - v) + 1)))
		return NULL;
	for (o = out; v < e; v++) {
		if (*v == '%' && e - v > 2 && (hi = hex_value(v[1])) >= 0 &&
		    (lo = hex_value(v[2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			v += 2;
		} else {
			*o++ = *v;
		}
	}
	*o = '\0';
	n = (size_t)(o - out);
	/* Spaces, controls or an encoded NUL: not a URL to hand on. */
	for (i = 0; i < n && (unsigned char)out[i] > ' ' && out[i] != 0x7f; i++)
		;
	if (i < n || (strncasecmp(out, "http://", 7) && strncasecmp(out, "https://", 8))) {
		free(out);
		return NULL;
	}
	return out;
}

/* Google Alerts wraps every link in https://www.google.<tld>/url?...&url=
 * TARGET: the target is the article, and what dedups across alerts. A
 * malloc'd target, or NULL when link is no such redirect to http(s). */
static char *
unwrap_google(const char *link)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *path = NULL, *query = NULL, *out = NULL;

	/* Parsing every item's link cost 6% of a run's parsing: a redirect's
	 * path is "/url" with a query, so its text holds "/url?". */
	if (!strstr(link, "/url?"))
		return NULL;
	u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, link, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK &&
	    (!strcmp(scheme, "https") || !strcmp(scheme, "http")) &&
	    google_host(host) && !strcmp(path, "/url"))
		out = url_param(query);
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return out;
}

int
item_finish(struct item *it, const char *base, int64_t fetch_time)
{
	char *target;

	if (it->link && !*it->link) {
		free(it->link);
		it->link = NULL;
	}
	if (it->link && base && !has_scheme(it->link)) {
		char *abs = resolve_url(base, it->link);

		if (abs) {
			free(it->link);
			it->link = abs;
		}
	}
	if (it->link && (target = unwrap_google(it->link))) {
		free(it->link);
		it->link = target;
	}
	if (!it->published) {
		it->published = fetch_time;
		it->date_guessed = 1;
	}
	if (it->id && !*it->id) {
		free(it->id);
		it->id = NULL;
	}
	if (!it->id && it->link && !(it->id = xstrdup(it->link)))
		return -1;
	if (!it->id) {
		/* Content-derived, so the same post fetched again gets the same id;
		 * a guessed date is left out because it changes every fetch. */
		uint64_t h = hash64("", 0);
		char hex[17];
		char idbuf[24];

		if (it->title)
			h = hash64_more(h, it->title, strlen(it->title) + 1);
		if (!it->date_guessed)
			h = hash64_more(h, &it->published, sizeof it->published);
		if (it->text)
			h = hash64_more(h, it->text, strlen(it->text));
		hash64_hex(h, hex);
		snprintf(idbuf, sizeof idbuf, "hash:%s", hex);
		if (!(it->id = xstrdup(idbuf)))
			return -1;
	}
	return 0;
}
