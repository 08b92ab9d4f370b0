#include "record.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json_read.h"
#include "json_write.h"
#include "sentiment.h"
#include "util.h"

json_t *
record_time(int64_t t)
{
	char iso[21];

	if (!t)
		return json_null();
	time_iso8601(t, iso);
	return json_string(iso);
}

/* A record written straight into a buffer, in json_write's compact form
 * with 10 significant digits: what building it as a jansson object and
 * dumping that gave, byte for byte, at a tenth of the cost (the tree, a
 * hash table per object and an allocation per value came to 50,000
 * instructions a mention). */
struct rec {
	struct buf b;
	int err;
};

static void
raw(struct rec *r, const char *s)
{
	r->err |= buf_puts(&r->b, s) < 0;
}

/* The comma before a member or element, unless it is its container's
 * first (the text so far ends with the opening bracket). */
static void
sep(struct rec *r)
{
	char last = r->b.len ? r->b.data[r->b.len - 1] : '{';

	if (last != '{' && last != '[')
		raw(r, ",");
}

/* The next key, a literal of plain ASCII, written as it is. */
static void
key(struct rec *r, const char *k)
{
	sep(r);
	r->err |= buf_putc(&r->b, '"') < 0 || buf_puts(&r->b, k) < 0 ||
	    buf_puts(&r->b, "\":") < 0;
}

static void
str(struct rec *r, const char *k, const char *v)
{
	key(r, k);
	if (v)
		r->err |= json_write_string(&r->b, v, strlen(v)) < 0;
	else
		raw(r, "null");
}

/* null for what JSON has no number for (NaN, infinities), as jansson
 * refused them. */
static void
real(struct rec *r, const char *k, double v)
{
	key(r, k);
	if (isfinite(v))
		r->err |= json_write_real(&r->b, v, 10) < 0;
	else
		raw(r, "null");
}

static void
when(struct rec *r, const char *k, int64_t t)
{
	char iso[21];

	if (t)
		time_iso8601(t, iso);
	str(r, k, t ? iso : NULL);
}

/* The comma-separated names as an array; empty names are left out. */
static void
aspect_list(struct rec *r, const char *k, const char *csv)
{
	const char *p = csv ? csv : "", *e;

	key(r, k);
	raw(r, "[");
	for (; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		if (e == p)
			continue;
		sep(r);
		r->err |= json_write_string(&r->b, p, (size_t)(e - p)) < 0;
	}
	raw(r, "]");
}

/* The record's text as a malloc'd string, or NULL when out of memory. */
static char *
rec_end(struct rec *r)
{
	char *s;

	raw(r, "}");
	s = r->err ? NULL : buf_detach(&r->b);
	buf_free(&r->b);
	return s;
}

char *
record_mention(const struct mention *m)
{
	struct rec r = {0};

	raw(&r, "{");
	str(&r, "id", m->id);
	str(&r, "brand", m->brand);
	str(&r, "feed", m->feed);
	str(&r, "item_id", m->item_id);
	str(&r, "link", m->link);
	str(&r, "author", m->author);
	when(&r, "published", m->published);
	str(&r, "title", m->title);
	str(&r, "snippet", m->snippet);
	key(&r, "highlight");
	raw(&r, "[");
	r.err |= json_write_integer(&r.b, (json_int_t)m->hl_start) < 0;
	raw(&r, ",");
	r.err |= json_write_integer(&r.b, (json_int_t)m->hl_end) < 0;
	raw(&r, "]");
	str(&r, "matched", m->matched);
	/* Round so the file reads well and is stable across platforms. */
	real(&r, "compound", round(m->compound * 10000) / 10000);
	str(&r, "label", sentiment_label_name(m->label));
	aspect_list(&r, "aspects", m->aspects);
	str(&r, "reason", m->reason);
	if (m->rating >= 0)
		real(&r, "rating", round(m->rating * 1000) / 1000);
	else
		str(&r, "rating", NULL);
	if (m->rating >= 0 && m->rating_scale > 0)
		real(&r, "rating_scale", m->rating_scale);
	else
		str(&r, "rating_scale", NULL);
	when(&r, "created", m->created);
	return rec_end(&r);
}

/* The keys every alert record starts with, in order. */
static void
alert_keys(struct rec *r, const struct alert *a)
{
	raw(r, "{");
	str(r, "id", a->id);
	str(r, "kind", a->kind);
	str(r, "brand", a->brand);
	str(r, "severity", a->severity);
	str(r, "reason", a->reason);
	when(r, "created", a->created);
}

char *
record_alert(const struct alert *a, const char *mention_json)
{
	struct rec r = {0};

	alert_keys(&r, a);
	key(&r, "mention");
	raw(&r, mention_json);
	return rec_end(&r);
}

char *
record_alert_list(const struct alert *a, long count, const char *const *mention_json,
    size_t n)
{
	struct rec r = {0};
	size_t i;

	alert_keys(&r, a);
	key(&r, "count");
	r.err |= json_write_integer(&r.b, count) < 0;
	key(&r, "mentions");
	raw(&r, "[");
	/* Read back from the database: one that does not parse is left out
	 * rather than breaking the line. */
	for (i = 0; i < n; i++) {
		json_t *m = json_read(mention_json[i], strlen(mention_json[i]), NULL, 0);

		if (!m)
			continue;
		sep(&r);
		r.err |= json_write(&r.b, m, JSON_COMPACT | JSON_REAL_PRECISION(10)) < 0;
		json_decref(m);
	}
	raw(&r, "]");
	return rec_end(&r);
}
