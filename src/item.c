#include "item.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
item_finish(struct item *it, const char *base, int64_t fetch_time)
{
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
