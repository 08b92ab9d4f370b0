/* JSON API responses into struct item through the feed definition's paths
 * (the syntax is in parse_json.h). The document is held whole as a jansson
 * tree: fetch's body limit bounds it; paths and templates are bounded here. */
#include "parse_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse_map.h"
#include "text.h"
#include "util.h"

#define STEPS_MAX 32   /* steps in one path */
#define KEY_MAX   256  /* bytes in one step */
#define SPEC_MAX  4096 /* bytes of one field's mapping */

/* Narrows s[0..*n) to its non-blank middle. */
static const char *
trim(const char *s, size_t *n)
{
	while (*n && (*s == ' ' || *s == '\t'))
		s++, (*n)--;
	while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

/* One step of a path: a member of an object, or a list's element by its
 * index. NULL when there is none. */
static json_t *
step(json_t *v, const char *key)
{
	char *end;
	unsigned long i;

	if (json_is_object(v))
		return json_object_get(v, key);
	if (!json_is_array(v) || *key < '0' || *key > '9')
		return NULL;
	i = strtoul(key, &end, 10);
	return *end ? NULL : json_array_get(v, i);
}

/* The value at the dotted path p[0..n) under v ("." is v), or NULL. */
static json_t *
jpath(json_t *v, const char *p, size_t n)
{
	const char *end, *dot;
	char key[KEY_MAX];
	size_t k, steps = 0;

	p = trim(p, &n);
	end = p + n;
	if (n == 1 && *p == '.')
		return v;
	while (v && p <= end) {
		dot = memchr(p, '.', (size_t)(end - p));
		k = (size_t)((dot ? dot : end) - p);
		if (k >= sizeof key || ++steps > STEPS_MAX)
			return NULL;
		memcpy(key, p, k);
		key[k] = '\0';
		v = step(v, key);
		p += k + 1;
	}
	return v;
}

/* Appends the text of a scalar v to b: 0, or -1 when v is absent, empty,
 * null, a list or an object. */
static int
scalar(json_t *v, struct buf *b)
{
	char num[40];

	if (json_is_string(v) && json_string_length(v))
		return buf_append(b, json_string_value(v), json_string_length(v));
	if (json_is_integer(v))
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(num, sizeof num, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(num, sizeof num, "%s", json_is_true(v) ? "true" : "false");
	else
		return -1;
	return buf_puts(b, num);
}

/* Expands one alternative s[0..n) into b: a path, or a template with
 * {path} parts. 0, or -1 when a path in it has no value. */
static int
expand(json_t *o, const char *s, size_t n, struct buf *b)
{
	const char *end = s + n, *open, *close;

	if (!memchr(s, '{', n))
		return scalar(jpath(o, s, n), b);
	while (s < end) {
		if (!(open = memchr(s, '{', (size_t)(end - s))))
			return buf_append(b, s, (size_t)(end - s));
		if (!(close = memchr(open, '}', (size_t)(end - open))))
			return -1;
		if (buf_append(b, s, (size_t)(open - s)) < 0 ||
		    scalar(jpath(o, open + 1, (size_t)(close - open - 1)), b) < 0)
			return -1;
		s = close + 1;
	}
	return 0;
}

/* The raw value of a field's mapping spec in item o: the first of its
 * "a | b" alternatives that has one. Caller frees; NULL when none does. */
static char *
field(json_t *o, const char *spec)
{
	struct buf b = {0};
	const char *p = spec, *end, *bar, *alt;
	size_t n;

	if (!spec || strlen(spec) > SPEC_MAX)
		return NULL;
	for (end = p + strlen(p); p <= end; p = bar + 1) {
		bar = memchr(p, '|', (size_t)(end - p));
		if (!bar)
			bar = end;
		n = (size_t)(bar - p);
		alt = trim(p, &n);
		if (expand(o, alt, n, &b) == 0 && b.len)
			return buf_detach(&b);
		buf_reset(&b);
	}
	buf_free(&b);
	return NULL;
}

/* A field read as text (HTML: APIs escape their strings), or NULL. A
 * string without a tag is plain text with entities (Reddit's Markdown):
 * its line breaks are the author's. */
static char *
text_field(json_t *o, const char *spec, int flags)
{
	char *raw = field(o, spec), *t;

	if (!raw)
		return NULL;
	if (!strchr(raw, '<'))
		flags |= TEXT_KEEP_BREAKS;
	t = pmap_text(raw, strlen(raw), 1, flags);
	free(raw);
	return t;
}

static void
json_item(json_t *o, const struct parse_map *m, struct item *it)
{
	char *date = field(o, m->date), *rating = field(o, m->rating);
	double r;

	it->id = field(o, m->id);
	it->link = field(o, m->link);
	it->title = text_field(o, m->title, TEXT_ONE_LINE);
	it->author = text_field(o, m->author, TEXT_ONE_LINE);
	it->text = text_field(o, m->text, 0);
	if (date && pmap_date(date, &it->published) < 0)
		it->published = 0;
	if (rating && pmap_number(rating, &r) == 0)
		pmap_rating(it, r, m->rating_scale);
	free(date);
	free(rating);
}

/* The list of items: at the map's path, or the document when it is one. */
static json_t *
item_list(json_t *root, const char *path)
{
	if (!path || !*path)
		return root;
	return jpath(root, path, strlen(path));
}

/* Builds and hands on the item of o; non-zero when fn says stop. */
static int
one_item(const struct parse_source *src, json_t *o, parse_item_fn fn, void *ctx,
    struct parse_stats *st)
{
	struct item it;

	item_init(&it);
	if (json_is_object(o))
		json_item(o, src->map, &it);
	return pmap_emit(src, &it, fn, ctx, st);
}

int
parse_json(const struct parse_source *src, json_t *root, parse_item_fn fn,
    void *ctx, struct parse_stats *st, char *why, size_t whylen)
{
	const struct parse_map *m = src->map;
	json_t *items, *o;
	size_t i;

	if (!m) {
		errf(why, whylen, "not a JSON Feed, and no mapping (items, text...) says "
		    "where its items are");
		return -1;
	}
	items = item_list(root, m->items);
	/* Converted from XML, a list of one is often the one object itself
	 * (Apple's review feed). */
	if (json_is_object(items) && items != root) {
		one_item(src, items, fn, ctx, st);
		return 0;
	}
	if (!json_is_array(items)) {
		errf(why, whylen, "no list of items at '%s'", m->items ? m->items : ".");
		return -1;
	}
	json_array_foreach(items, i, o)
		if (one_item(src, o, fn, ctx, st))
			break;
	return 0;
}
