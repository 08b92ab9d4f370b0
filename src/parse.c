/* The parse stage's front: type names, sniffing and dispatch. XML feeds
 * are parse_xml.c's, JSON Feeds parse_jsonfeed.c's, mapped JSON APIs
 * parse_json.c's and HTML pages parse_html.c's. */
#include "parse.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_arena.h"
#include "json_read.h"
#include "parse_html.h"
#include "parse_json.h"
#include "parse_jsonfeed.h"
#include "parse_xml.h"
#include "text.h"
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

/* 1 if the document, after a BOM and white space, starts like JSON. */
static int
looks_like_json(const char *s, size_t n)
{
	if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, n -= 3;
	while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++, n--;
	return n && (*s == '{' || *s == '[');
}

/* Loads JSON past a BOM (json_read, as jansson, rejects one) and with invalid
 * UTF-8 bytes replaced by '?' (which it rejects too), counting both repairs.
 * Returns the root (caller json_decref's), or NULL with the reason in why. */
static json_t *
load_json(const char *s, size_t n, struct parse_stats *st, char *why, size_t whylen)
{
	char *copy = NULL, what[160];
	json_t *root;
	size_t i, k;

	if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3)) {
		s += 3, n -= 3;
		st->recovered++;
	}
	if (!utf8_valid(s, n)) {
		if (!(copy = malloc(n))) {
			errf(why, whylen, "out of memory");
			return NULL;
		}
		memcpy(copy, s, n);
		for (i = 0; i < n; i += k ? k : 1)
			if (!(k = text_utf8_len(copy + i, n - i)))
				copy[i] = '?';
		s = copy;
		st->recovered++;
	}
	root = json_read(s, n, what, sizeof what);
	free(copy);
	if (!root)
		errf(why, whylen, "not valid JSON (%s)", what);
	return root;
}

static int
is_jsonfeed(json_t *root)
{
	json_t *v = json_object_get(root, "version");

	return json_is_string(v) && strstr(json_string_value(v), "jsonfeed.org") != NULL;
}

/* JSON documents: sniffed (PARSE_AUTO), JSON Feeds or mapped APIs. */
static int
parse_json_doc(const struct parse_source *src, enum parse_type t, parse_item_fn fn,
    void *ctx, struct parse_stats *st, char *why, size_t whylen)
{
	struct json_arena a;
	int in_arena = json_arena_begin(&a);
	json_t *root = load_json(src->data, src->len, st, why, whylen);
	int rc = -1;

	if (root) {
		if (t == PARSE_AUTO)
			t = is_jsonfeed(root) ? PARSE_JSONFEED : PARSE_JSON;
		if (t == PARSE_JSONFEED)
			rc = parse_jsonfeed(src, root, fn, ctx, st, why, whylen);
		else
			rc = parse_json(src, root, fn, ctx, st, why, whylen);
		if (!in_arena)
			json_decref(root);
	}
	json_arena_end(&a);
	return rc;
}

/* The charset parameter of a Content-Type ("text/html; charset=X") into
 * out (quotes dropped), or "" when it has none or it is too long. */
static void
http_charset(const char *ct, char *out, size_t size)
{
	const char *p = ct ? strchr(ct, ';') : NULL;
	size_t k;

	out[0] = '\0';
	for (; p; p = strchr(p + 1, ';')) {
		p += strspn(p, "; \t");
		if (strncasecmp(p, "charset=", 8))
			continue;
		p += 8;
		if (*p == '"')
			p++;
		k = strcspn(p, "\"; \t");
		if (k && k < size) {
			memcpy(out, p, k);
			out[k] = '\0';
		}
		return;
	}
}

int
parse_feed(const struct parse_source *src, parse_item_fn fn, void *ctx,
    struct parse_stats *st, char *err, size_t errlen)
{
	const char *name = src->feed ? src->feed : src->url ? src->url : "(unnamed)";
	struct parse_source s = *src;
	struct parse_stats local;
	char why[256], charset[48];
	int rc = -1;

	if (!st)
		st = &local;
	memset(st, 0, sizeof *st);
	if (!s.data)
		s.data = "", s.len = 0;
	if (!s.charset) {
		http_charset(s.content_type, charset, sizeof charset);
		s.charset = *charset ? charset : NULL;
	}
	if (s.type == PARSE_AUTO && !looks_like_json(s.data, s.len))
		s.type = PARSE_RSS;
	if (s.type == PARSE_RSS)
		rc = parse_xml(&s, fn, ctx, st, why, sizeof why);
	else if (s.type == PARSE_HTML)
		rc = parse_html(&s, fn, ctx, st, why, sizeof why);
	else
		rc = parse_json_doc(&s, s.type, fn, ctx, st, why, sizeof why);
	if (rc < 0)
		errf(err, errlen, "feed %s: %s", name, why);
	return rc;
}
