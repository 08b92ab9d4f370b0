/* JSON Feed items into struct item. The document is held whole as a
 * jansson tree: fetch's body limit bounds it. */
#include "parse_jsonfeed.h"

#include <stdio.h>

#include "parse_map.h"
#include "text.h"
#include "util.h"

/* The non-empty string member key of o, or NULL. */
static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

/* Member key of o as plain text (from HTML when html), or NULL. */
static char *
jtext(json_t *o, const char *key, int html, int flags)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ?
	    pmap_text(json_string_value(v), json_string_length(v), html, flags) : NULL;
}

/* JSON Feed ids are strings, but 1.0 feeds in the wild use numbers. */
static char *
jf_id(json_t *o)
{
	json_t *v = json_object_get(o, "id");
	char num[32];

	if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return xstrdup(num);
	}
	return xstrdup(jstr(o, "id"));
}

/* 1.1's "authors" list, else 1.0's "author" object: the first name. */
static char *
jf_author(json_t *o)
{
	json_t *a = json_array_get(json_object_get(o, "authors"), 0);

	if (!json_is_object(a))
		a = json_object_get(o, "author");
	return json_is_object(a) ? jtext(a, "name", 0, TEXT_ONE_LINE) : NULL;
}

static void
jf_item(json_t *o, struct item *it)
{
	const char *pub = jstr(o, "date_published"), *mod = jstr(o, "date_modified");
	int64_t t;

	it->id = jf_id(o);
	it->link = xstrdup(jstr(o, "url") ? jstr(o, "url") : jstr(o, "external_url"));
	it->title = jtext(o, "title", 0, TEXT_ONE_LINE);
	it->author = jf_author(o);
	/* The publisher's own plain text beats our reading of their HTML. */
	if (!(it->text = jtext(o, "content_text", 0, 0)) &&
	    !(it->text = jtext(o, "content_html", 1, 0)))
		it->text = jtext(o, "summary", 0, 0);
	if ((pub && text_parse_date(pub, &t) == 0) || (mod && text_parse_date(mod, &t) == 0))
		it->published = t;
}

int
parse_jsonfeed(const struct parse_source *src, json_t *root, parse_item_fn fn,
    void *ctx, struct parse_stats *st, char *why, size_t whylen)
{
	json_t *items = json_object_get(root, "items"), *o;
	struct item it;
	size_t i;

	if (!json_is_array(items)) {
		errf(why, whylen, "not a JSON Feed (no \"items\" list)");
		return -1;
	}
	json_array_foreach(items, i, o) {
		item_init(&it);
		if (json_is_object(o))
			jf_item(o, &it);
		if (pmap_emit(src, &it, fn, ctx, st))
			break;
	}
	return 0;
}
