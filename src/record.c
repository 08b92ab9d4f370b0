#include "record.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"
#include "sentiment.h"
#include "util.h"

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
record_time(int64_t t)
{
	char iso[21];

	if (!t)
		return json_null();
	time_iso8601(t, iso);
	return json_string(iso);
}

static json_t *
aspect_list(const char *csv)
{
	json_t *a = json_array();
	char *copy = xstrdup(csv), *save = NULL, *w;

	if (copy)
		for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
			json_array_append_new(a, json_string(w));
	free(copy);
	return a;
}

static char *
dump(json_t *o)
{
	char *s = json_write_str(o, JSON_COMPACT | JSON_REAL_PRECISION(10));

	json_decref(o);
	return s;
}

char *
record_mention(const struct mention *m)
{
	json_t *o = json_object();

	/* Round so the file reads well and is stable across platforms. */
	json_object_set_new(o, "id", json_string(m->id));
	json_object_set_new(o, "brand", json_string(m->brand));
	json_object_set_new(o, "feed", json_string(m->feed));
	json_object_set_new(o, "item_id", str_or_null(m->item_id));
	json_object_set_new(o, "link", str_or_null(m->link));
	json_object_set_new(o, "author", str_or_null(m->author));
	json_object_set_new(o, "published", record_time(m->published));
	json_object_set_new(o, "title", str_or_null(m->title));
	json_object_set_new(o, "snippet", str_or_null(m->snippet));
	json_object_set_new(o, "highlight", json_pack("[II]", (json_int_t)m->hl_start,
	    (json_int_t)m->hl_end));
	json_object_set_new(o, "matched", str_or_null(m->matched));
	json_object_set_new(o, "compound", json_real(round(m->compound * 10000) / 10000));
	json_object_set_new(o, "label", json_string(sentiment_label_name(m->label)));
	json_object_set_new(o, "aspects", aspect_list(m->aspects));
	json_object_set_new(o, "reason", str_or_null(m->reason));
	json_object_set_new(o, "rating", m->rating >= 0 ?
	    json_real(round(m->rating * 1000) / 1000) : json_null());
	json_object_set_new(o, "rating_scale", m->rating >= 0 && m->rating_scale > 0 ?
	    json_real(m->rating_scale) : json_null());
	json_object_set_new(o, "created", record_time(m->created));
	return dump(o);
}

/* The keys every alert record starts with, in order. */
static json_t *
alert_object(const struct alert *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(a->id));
	json_object_set_new(o, "kind", json_string(a->kind));
	json_object_set_new(o, "brand", json_string(a->brand));
	json_object_set_new(o, "severity", json_string(a->severity));
	json_object_set_new(o, "reason", json_string(a->reason));
	json_object_set_new(o, "created", record_time(a->created));
	return o;
}

char *
record_alert(const struct alert *a, const char *mention_json)
{
	json_t *o = alert_object(a), *m = json_loads(mention_json, 0, NULL);

	json_object_set_new(o, "mention", m ? m : json_null());
	return dump(o);
}

char *
record_alert_list(const struct alert *a, long count, const char *const *mention_json,
    size_t n)
{
	json_t *o = alert_object(a), *list = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *m = json_loads(mention_json[i], 0, NULL);

		if (m)
			json_array_append_new(list, m);
	}
	json_object_set_new(o, "count", json_integer(count));
	json_object_set_new(o, "mentions", list);
	return dump(o);
}
