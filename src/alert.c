#include "alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "record.h"
#include "util.h"

int
alert_for_negative(const struct mention *m, double threshold, struct alert *a)
{
	struct buf reason = {0};
	uint64_t h;
	char *mjson;

	memset(a, 0, sizeof *a);
	if (m->compound > threshold)
		return 0;
	h = hash64("negative", 9);
	h = hash64_more(h, m->id, strlen(m->id));
	hash64_hex(h, a->id);
	a->kind = xstrdup("negative");
	a->brand = xstrdup(m->brand);
	/* Severity follows how far below the threshold the post is: a
	 * responder sorts "high" first. */
	a->severity = xstrdup(m->compound <= -0.75 ? "high" :
	    m->compound <= -0.5 ? "medium" : "low");
	buf_printf(&reason, "negative (%.2f)", m->compound);
	if (m->reason && *m->reason)
		buf_printf(&reason, ": %s", m->reason);
	if (m->aspects && *m->aspects && !(m->reason && strstr(m->reason, "about ")))
		buf_printf(&reason, "; about %s", m->aspects);
	a->reason = buf_detach(&reason);
	a->created = m->created;
	mjson = record_mention(m);
	a->json = mjson ? record_alert(a, mjson) : NULL;
	free(mjson);
	if (!a->kind || !a->brand || !a->severity || !a->reason || !a->json) {
		alert_clear(a);
		return -1;
	}
	return 1;
}

void
alert_clear(struct alert *a)
{
	free(a->kind);
	free(a->brand);
	free(a->severity);
	free(a->reason);
	free(a->json);
	memset(a, 0, sizeof *a);
}

static const char *
field(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int
alert_text(const char *json, const char *indent, struct buf *out)
{
	json_t *a = json_loads(json, 0, NULL), *m = json_object_get(a, "mention");
	const char *title = field(m, "title"), *author = field(m, "author");
	const char *feed = field(m, "feed"), *published = field(m, "published");
	const char *snippet = field(m, "snippet"), *link = field(m, "link");

	if (!a || !field(a, "brand")) {
		json_decref(a);
		return -1;
	}
	buf_printf(out, "[%s] %s: %s\n", field(a, "severity") ? field(a, "severity") : "?",
	    field(a, "brand"), field(a, "reason") ? field(a, "reason") : "");
	buf_printf(out, "%s%s", indent, title ? title : "(untitled)");
	if (author)
		buf_printf(out, " by %s", author);
	if (feed)
		buf_printf(out, " on %s", feed);
	if (published)
		buf_printf(out, ", %s", published);
	buf_putc(out, '\n');
	if (snippet)
		buf_printf(out, "%s> %s\n", indent, snippet);
	if (link)
		buf_printf(out, "%s%s\n", indent, link);
	json_decref(a);
	return 0;
}
