/* The parse stage's front: names, sniffing, dispatch. The formats live in
 * parse_xml.c (and later siblings). */
#include "parse.h"

#include <jansson.h>
#include <string.h>

#include "parse_xml.h"
#include "util.h"

static const struct {
	const char *name;
	enum parse_type type;
} type_names[] = {
	{ "auto", PARSE_AUTO }, { "rss", PARSE_RSS }, { "atom", PARSE_RSS },
	{ "jsonfeed", PARSE_JSONFEED }, { "json", PARSE_JSON }, { "html", PARSE_HTML },
};

int
parse_type_from_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < NELEM(type_names); i++)
		if (!strcmp(type_names[i].name, name))
			return (int)type_names[i].type;
	return -1;
}

static const char *
type_name(enum parse_type t)
{
	size_t i;

	for (i = 0; i < NELEM(type_names); i++)
		if (type_names[i].type == t)
			return type_names[i].name;
	return "?";
}

/* JSON, after a BOM and white space, is a JSON Feed when its top-level
 * "version" names jsonfeed.org, else a generic JSON API; anything else is
 * taken for XML. */
static enum parse_type
sniff(const char *s, size_t n)
{
	enum parse_type t = PARSE_JSON;
	json_t *root, *v;

	if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, n -= 3;
	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++, n--;
	if (!n || (*s != '{' && *s != '['))
		return PARSE_RSS;
	if (*s == '[' || !(root = json_loadb(s, n, 0, NULL)))
		return PARSE_JSON;
	v = json_object_get(root, "version");
	if (json_is_string(v) && strstr(json_string_value(v), "jsonfeed.org"))
		t = PARSE_JSONFEED;
	json_decref(root);
	return t;
}

int
parse_feed(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *err, size_t errlen)
{
	const char *name = src->feed ? src->feed : src->url ? src->url : "(unnamed)";
	struct parse_stats local;
	enum parse_type t = src->type;
	char why[256];

	if (!st)
		st = &local;
	memset(st, 0, sizeof *st);
	if (t == PARSE_AUTO)
		t = sniff(src->data ? src->data : "", src->data ? src->len : 0);
	if (t != PARSE_RSS) {
		errf(err, errlen, "feed %s: type %s is not supported yet", name, type_name(t));
		return -1;
	}
	if (!src->data || !src->len) {
		errf(err, errlen, "feed %s: not an RSS or Atom feed (the document is empty)",
		    name);
		return -1;
	}
	if (parse_xml(src, fn, ctx, st, why, sizeof why) < 0) {
		errf(err, errlen, "feed %s: %s", name, why);
		return -1;
	}
	return 0;
}
