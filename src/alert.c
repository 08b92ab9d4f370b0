#include "alert.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
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

/* The snippet as a quote with the brand in *stars* (bold in Slack, plain
 * to read on a terminal), where the record says the brand is. */
static void
quote_snippet(struct buf *out, const char *indent, const char *snippet, json_t *hl)
{
	json_int_t a = json_integer_value(json_array_get(hl, 0));
	json_int_t b = json_integer_value(json_array_get(hl, 1));
	size_t n = strlen(snippet);

	buf_printf(out, "%s> ", indent);
	if (json_array_size(hl) == 2 && a >= 0 && a < b && (size_t)b <= n) {
		buf_append(out, snippet, (size_t)a);
		buf_putc(out, '*');
		buf_append(out, snippet + a, (size_t)(b - a));
		buf_putc(out, '*');
		buf_puts(out, snippet + b);
	} else {
		buf_puts(out, snippet);
	}
	buf_putc(out, '\n');
}

int
alert_text(const char *json, const char *indent, struct buf *out)
{
	json_t *a = json_loads(json, 0, NULL), *m0 = json_object_get(a, "mention");
	/* A spike's record lists its latest mentions: the newest stands for it. */
	json_t *m = json_is_object(m0) ? m0 :
	    json_array_get(json_object_get(a, "mentions"), 0);
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
		quote_snippet(out, indent, snippet, json_object_get(m, "highlight"));
	if (link)
		buf_printf(out, "%s%s\n", indent, link);
	json_decref(a);
	return 0;
}

/* The spike rules compare the current window with the ones before it. */
#define SPIKE_WINDOWS 24   /* baseline windows */
#define SPIKE_ALPHA 0.3    /* weight of the newest window in the baseline */
#define SPIKE_SAMPLES 5    /* latest mentions carried in a spike alert */

struct window {
	const char *brand;
	int64_t start, width; /* the current window: [start, start + width) */
	long min;             /* the brand's spike_min */
	long count, neg;      /* mentions in it, and how many are negative */
	double mean, dev;     /* the baseline's weighted mean and deviation */
	double share;         /* the baseline's negative share */
};

/* Exponentially weighted mean and deviation of the baseline's counts,
 * oldest first, so a burst a day ago weighs less than one an hour ago. */
static void
baseline(struct window *w, const long *total, const long *neg)
{
	double var = 0, diff, incr;
	long all = 0, negs = 0;
	size_t k;

	w->mean = (double)total[0];
	for (k = 0; k < SPIKE_WINDOWS; k++) {
		diff = (double)total[k] - w->mean;
		incr = SPIKE_ALPHA * diff;
		w->mean += incr;
		var = (1 - SPIKE_ALPHA) * (var + diff * incr);
		all += total[k];
		negs += neg[k];
	}
	w->dev = sqrt(var);
	w->share = all ? (double)negs / (double)all : 0;
	w->count = total[SPIKE_WINDOWS];
	w->neg = neg[SPIKE_WINDOWS];
}

/* "hour", "2 hours", "30 minutes": the window as the reason says it. */
static void
window_name(long secs, struct buf *out)
{
	static const struct { long secs; const char *name; } units[] = {
		{ 86400, "day" }, { 3600, "hour" }, { 60, "minute" }, { 1, "second" },
	};
	size_t i;

	for (i = 0; secs % units[i].secs; i++)
		;
	if (secs == units[i].secs)
		buf_puts(out, units[i].name);
	else
		buf_printf(out, "%ld %ss", secs / units[i].secs, units[i].name);
}

struct samples {
	char *json[SPIKE_SAMPLES];
	char id[17];          /* the newest one's */
	size_t n;
};

static int
add_sample(const char *id, const char *json, void *ctx)
{
	struct samples *sm = ctx;

	if (!sm->n)
		snprintf(sm->id, sizeof sm->id, "%s", id);
	if (sm->n < SPIKE_SAMPLES && (sm->json[sm->n] = xstrdup(json)))
		sm->n++;
	return 0;
}

/* Records a spike alert of kind with the window's latest (negative, if
 * neg_only) mentions behind it. Its id is the window's start rounded to
 * the window, so a later scan of the same spike adds nothing. 1 if new,
 * 0 if it existed, -1 on error. */
static int
emit(struct store *s, const struct window *w, const char *kind, int neg_only,
    const char *severity, struct buf *reason, int64_t now,
    const char *const *channels)
{
	struct samples sm = {0};
	struct alert a = {0};
	int64_t slot = w->start - w->start % w->width;
	uint64_t h;
	size_t i;
	int rc = -1;

	h = hash64(kind, strlen(kind) + 1);
	h = hash64_more(h, w->brand, strlen(w->brand) + 1);
	h = hash64_more(h, &slot, sizeof slot);
	hash64_hex(h, a.id);
	a.kind = (char *)kind;
	a.brand = (char *)w->brand;
	a.severity = (char *)severity;
	a.reason = reason->data;
	a.created = now;
	if (store_each_recent_mention(s, w->brand, w->start, w->start + w->width,
	    neg_only, SPIKE_SAMPLES, add_sample, &sm) == 0 &&
	    (a.json = record_alert_list(&a, neg_only ? w->neg : w->count,
	    (const char *const *)sm.json, sm.n)))
		rc = store_add_alert(s, &a, sm.n ? sm.id : NULL, channels);
	free(a.json);
	for (i = 0; i < sm.n; i++)
		free(sm.json[i]);
	return rc < 0 ? -1 : rc == 0;
}

/* The volume rule: enough mentions, well above the baseline's spread and
 * at least twice its mean. */
static int
volume_spike(struct store *s, const struct window *w, int64_t now,
    const char *const *channels)
{
	struct buf reason = {0};
	double ratio = w->count / (w->mean > 1 ? w->mean : 1);
	int rc;

	if (w->count < w->min || w->count <= w->mean + 3 * w->dev ||
	    w->count < 2 * w->mean)
		return 0;
	buf_printf(&reason, "spike: %ld mentions in the last ", w->count);
	window_name((long)w->width, &reason);
	buf_printf(&reason, ", usually %.0f (\u00b1%.0f)", w->mean, w->dev);
	rc = emit(s, w, "spike", 0, ratio >= 5 ? "high" : ratio >= 3 ? "medium" : "low",
	    &reason, now, channels);
	buf_free(&reason);
	return rc;
}

/* The negative-share rule: enough negative mentions, and a share of them
 * at least double the baseline's and 20 points above it. */
static int
negative_share_spike(struct store *s, const struct window *w, int64_t now,
    const char *const *channels)
{
	struct buf reason = {0};
	double share = w->count ? (double)w->neg / (double)w->count : 0;
	double need = w->share + 0.2 > 2 * w->share ? w->share + 0.2 : 2 * w->share;
	int rc;

	if (w->neg < (w->min + 1) / 2 || share < need)
		return 0;
	buf_printf(&reason, "negative share: %ld of %ld mentions in the last ",
	    w->neg, w->count);
	window_name((long)w->width, &reason);
	buf_printf(&reason, " are negative (%.0f%%), usually %.0f%%", 100 * share,
	    100 * w->share);
	rc = emit(s, w, "negative_share", 1,
	    share >= 0.5 && w->neg >= w->min ? "high" : "medium", &reason, now, channels);
	buf_free(&reason);
	return rc;
}

/* 1 if an alert of kind for the brand is younger than the window: the
 * spike it reported is still the one in view. */
static int
recently(struct store *s, const struct window *w, const char *kind, int64_t now)
{
	int64_t t = store_last_alert(s, w->brand, kind);

	return t < 0 ? -1 : t > 0 && t > now - w->width;
}

static const struct {
	const char *kind;
	int (*fn)(struct store *, const struct window *, int64_t, const char *const *);
} rules[] = {
	{ "spike", volume_spike },
	{ "negative_share", negative_share_spike },
};

static int
scan_brand(struct store *s, const struct conf_brand *b, int64_t now,
    const char *const *channels)
{
	long total[SPIKE_WINDOWS + 1], neg[SPIKE_WINDOWS + 1];
	struct window w = { .brand = b->name, .width = b->spike_window, .min = b->spike_min };
	int64_t from = now + 1 - (SPIKE_WINDOWS + 1) * w.width, first;
	size_t i;
	int n = 0, rc = 0;

	w.start = now + 1 - w.width;
	if (!w.width || !w.min)
		return 0;
	/* Without history reaching back over the baseline there is nothing to
	 * compare with: a first run's backlog is not a spike. */
	if ((first = store_first_mention(s, b->name)) < 0)
		return -1;
	if (!first || first >= from + w.width)
		return 0;
	if (store_window_counts(s, b->name, from, w.width, SPIKE_WINDOWS + 1, total, neg) < 0)
		return -1;
	baseline(&w, total, neg);
	for (i = 0; i < NELEM(rules); i++) {
		int recent = recently(s, &w, rules[i].kind, now);

		if (recent < 0 || (!recent && (rc = rules[i].fn(s, &w, now, channels)) < 0))
			return -1;
		n += !recent && rc > 0;
	}
	return n;
}

int
alert_scan(struct store *s, const struct conf *c, int64_t now,
    const char *const *channels)
{
	int n = 0, rc;
	size_t i;

	if (store_begin(s) < 0)
		return -1;
	for (i = 0; i < c->nbrands; i++) {
		if ((rc = scan_brand(s, &c->brands[i], now, channels)) < 0) {
			log_error("brand '%s': cannot check for spikes: %s", c->brands[i].name,
			    store_error(s));
			store_rollback(s);
			return -1;
		}
		n += rc;
	}
	if (store_commit(s) < 0) {
		store_rollback(s);
		return -1;
	}
	return n;
}

/* A day of known sources before a new one is news: a first run, or the
 * first day after an upgrade, meets every host for the first time. */
#define SOURCE_HISTORY 86400

/* The host of link, lowercase, without userinfo, port or "www.": the
 * source a responder would name. "" when link has none. */
static void
link_host(const char *link, char *out, size_t len)
{
	const char *p = link ? strstr(link, "://") : NULL, *end, *at;
	size_t i, n;

	out[0] = '\0';
	if (!p || !len)
		return;
	p += 3;
	end = p + strcspn(p, "/?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	n = strcspn(p, ":/?#");
	if (p + n > end)
		n = (size_t)(end - p);
	if (n >= 4 && !strncasecmp(p, "www.", 4)) {
		p += 4;
		n -= 4;
	}
	for (i = 0; i < n && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[i] = '\0';
}

int
alert_new_source(struct store *s, const struct mention *m, int enabled,
    const char *const *channels)
{
	struct buf reason = {0};
	struct alert a = {0};
	char host[256], *mjson;
	int64_t first;
	uint64_t h;
	int rc;

	link_host(m->link, host, sizeof host);
	if (!host[0])
		return 0;
	/* Sources are recorded even when the rule is off, so turning it on
	 * later does not greet every known host as new. The brand's first
	 * source is read only for a new host, after recording it: the first
	 * is then this one (no alert) or older, as before the insert. */
	if ((rc = store_add_source(s, m->brand, host, m->created)) < 0)
		return -1;
	if (rc || !enabled)
		return 0;
	if ((first = store_first_source(s, m->brand)) < 0)
		return -1;
	if (first > m->created - SOURCE_HISTORY)
		return 0;
	h = hash64("new_source", 11);
	h = hash64_more(h, m->brand, strlen(m->brand) + 1);
	h = hash64_more(h, host, strlen(host));
	hash64_hex(h, a.id);
	buf_printf(&reason, "new source: %s, the first mention of %s there", host, m->brand);
	a.kind = (char *)"new_source";
	a.brand = m->brand;
	a.severity = (char *)"low";
	a.reason = reason.data;
	a.created = m->created;
	mjson = record_mention(m);
	a.json = mjson ? record_alert(&a, mjson) : NULL;
	rc = a.json && reason.data ? store_add_alert(s, &a, m->id, channels) : -1;
	free(mjson);
	free(a.json);
	buf_free(&reason);
	return rc < 0 ? -1 : rc == 0;
}
