/* From the store to people: alert rules, the JSON records, the summary
 * files, and delivery exactly once to the files and a command. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "deliver.h"
#include "log.h"
#include "record.h"
#include "report.h"
#include "sentiment.h"
#include "store.h"
#include "util.h"
#include "test.h"

static char dir[] = "/tmp/earshot-deliver-XXXXXX";

static struct mention
mkmention(const char *brand, const char *item, double compound, int label)
{
	struct mention m = {0};
	uint64_t h = hash64(item, strlen(item));

	hash64_hex(hash64_more(h, brand, strlen(brand)), m.id);
	m.brand = (char *)brand;
	m.feed = (char *)"reviews";
	m.item_id = (char *)item;
	m.link = (char *)"https://apps.example/r/1";
	m.author = (char *)"kate";
	m.title = (char *)"WORST. SUPPORT. EVER!!";
	m.snippet = (char *)"Acme support kept me on hold for an hour.";
	m.matched = (char *)"Acme";
	m.hl_start = 0;
	m.hl_end = 4;
	m.published = 1763708531;  /* 2025-11-21T07:02:11Z */
	m.created = 1763710000;
	m.compound = compound;
	m.label = label;
	m.aspects = (char *)"support,speed";
	m.reason = (char *)"'on hold' -1.5";
	m.rating = -1;
	return m;
}

static void
test_record(void)
{
	struct mention m = mkmention("Acme", "i1", -0.83456, SENT_NEGATIVE);
	char *s = record_mention(&m);
	json_t *o = s ? json_loads(s, 0, NULL) : NULL;

	CHECK(o != NULL);
	CHECK(s && !strchr(s, '\n'));
	CHECK(s && str_startswith(s, "{\"id\":\""));  /* deliver relies on this */
	CHECK_STR(json_string_value(json_object_get(o, "brand")), "Acme");
	CHECK_STR(json_string_value(json_object_get(o, "published")), "2025-11-21T07:02:11Z");
	CHECK_STR(json_string_value(json_object_get(o, "label")), "negative");
	CHECK_NEAR(json_real_value(json_object_get(o, "compound")), -0.8346, 1e-9);
	CHECK_INT(json_array_size(json_object_get(o, "aspects")), 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(o, "aspects"), 1)), "speed");
	CHECK(json_is_null(json_object_get(o, "rating")));
	CHECK_INT(json_integer_value(json_array_get(json_object_get(o, "highlight"), 1)), 4);
	json_decref(o);
	free(s);
}

/* What jansson itself gives for the mention: the records are written
 * directly, and must read as a dump of this object would. */
static char *
reference_mention(const struct mention *m)
{
	char pub[21], made[21];
	json_t *aspects = json_array(), *o;
	char *copy = strdup(m->aspects ? m->aspects : ""), *save = NULL, *w, *s;

	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		json_array_append_new(aspects, json_string(w));
	free(copy);
	time_iso8601(m->published, pub);
	time_iso8601(m->created, made);
	o = json_pack("{s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:[I,I],s:s?,s:f,s:s,"
	    "s:o,s:s?,s:o,s:o,s:s?}", "id", m->id, "brand", m->brand, "feed", m->feed,
	    "item_id", m->item_id, "link", m->link, "author", m->author,
	    "published", m->published ? pub : NULL, "title", m->title, "snippet", m->snippet,
	    "highlight", (json_int_t)m->hl_start, (json_int_t)m->hl_end,
	    "matched", m->matched, "compound", round(m->compound * 10000) / 10000,
	    "label", sentiment_label_name(m->label), "aspects", aspects, "reason", m->reason,
	    "rating", m->rating >= 0 ? json_real(round(m->rating * 1000) / 1000) : json_null(),
	    "rating_scale", m->rating >= 0 && m->rating_scale > 0 ?
	    json_real(m->rating_scale) : json_null(), "created", m->created ? made : NULL);
	s = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(o);
	return s;
}

static void
test_record_bytes(void)
{
	static const char *const texts[] = {
		"plain", "", "say \"hi\" \\ back/slash", "tab\there\nline\x01\x1f\x7f",
		"caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xa8 end",
	};
	static const char *const aspects[] = { "", "support", ",price,,speed,", "a,b" };
	static const double compounds[] = { -0.83456, 0.1 + 0.2, 1e-7, 0, -1, 0.99995 };
	struct mention m = mkmention("Acme", "i1", 0, SENT_NEUTRAL);
	struct alert a = {0};
	const char *list[3];
	char *got, *want, *alert;
	json_t *o;
	size_t i, same = 0, cases = 0;

	for (i = 0; i < 120; i++) {
		m.title = (char *)texts[i % 5];
		m.snippet = (char *)texts[(i / 5) % 5];
		m.author = i % 3 ? (char *)texts[(i + 1) % 5] : NULL;
		m.link = i % 4 ? m.link : NULL;
		m.aspects = (char *)aspects[i % 4];
		m.compound = compounds[i % 6];
		m.rating = i % 2 ? -1 : (double)(i % 11) / 2;
		m.rating_scale = i % 3 ? 5 : 0;
		m.published = i % 7 ? 1763708531 + (int64_t)i : 0;
		m.hl_end = i * 1000003;
		got = record_mention(&m);
		want = reference_mention(&m);
		same += got && want && strcmp(got, want) == 0;
		cases++;
		if (got && want && strcmp(got, want))
			fprintf(stderr, "got  %s\nwant %s\n", got, want);
		free(got);
		free(want);
	}
	CHECK_INT(same, cases);
	/* Text that is not UTF-8 is null, and so is a number JSON has none
	 * for; the line still reads. */
	m.title = (char *)"bad \xff byte";
	m.compound = NAN;
	m.rating = 4;
	m.rating_scale = INFINITY;
	got = record_mention(&m);
	o = got ? json_loads(got, 0, NULL) : NULL;
	CHECK(o && json_is_null(json_object_get(o, "title")));
	CHECK(o && json_is_null(json_object_get(o, "compound")));
	CHECK(o && json_is_null(json_object_get(o, "rating_scale")));
	CHECK_NEAR(json_real_value(json_object_get(o, "rating")), 4, 1e-9);
	json_decref(o);
	/* An alert embeds its mention as it is; a spike's list leaves out
	 * what does not parse. */
	snprintf(a.id, sizeof a.id, "%s", "0123456789abcdef");
	a.kind = (char *)"spike";
	a.brand = (char *)"Acme";
	a.severity = (char *)"high";
	a.reason = (char *)"3 \"times\"";
	a.created = 1763710000;
	alert = record_alert(&a, got);
	o = alert ? json_loads(alert, 0, NULL) : NULL;
	want = o ? json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	CHECK(alert && want && strcmp(alert, want) == 0);
	CHECK(o && json_is_object(json_object_get(o, "mention")));
	json_decref(o);
	free(want);
	free(alert);
	list[0] = got;
	list[1] = "{not json";
	list[2] = got;
	alert = record_alert_list(&a, 7, list, 3);
	o = alert ? json_loads(alert, 0, NULL) : NULL;
	CHECK_INT(json_integer_value(json_object_get(o, "count")), 7);
	CHECK_INT(json_array_size(json_object_get(o, "mentions")), 2);
	json_decref(o);
	free(alert);
	free(got);
}

static void
test_alert_rule(void)
{
	struct mention bad = mkmention("Acme", "i1", -0.8, SENT_NEGATIVE);
	struct mention meh = mkmention("Acme", "i2", -0.3, SENT_NEGATIVE);
	struct alert a, b;
	json_t *o;

	CHECK_INT(alert_for_negative(&meh, -0.5, &a), 0);
	CHECK_INT(alert_for_negative(&bad, -0.5, &a), 1);
	CHECK_STR(a.kind, "negative");
	CHECK_STR(a.severity, "high");
	CHECK(strstr(a.reason, "negative (-0.80)") != NULL);
	CHECK(strstr(a.reason, "'on hold' -1.5") != NULL);
	CHECK(strstr(a.reason, "about support,speed") != NULL);
	o = json_loads(a.json, 0, NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "mention"), "link")),
	    "https://apps.example/r/1");
	json_decref(o);
	/* The same mention always yields the same alert id. */
	CHECK_INT(alert_for_negative(&bad, -0.5, &b), 1);
	CHECK_STR(a.id, b.id);
	{
		struct buf t = {0};

		CHECK_INT(alert_text(a.json, "  ", &t), 0);
		CHECK_STR(t.data, "[high] Acme: negative (-0.80): 'on hold' -1.5; about "
		    "support,speed\n"
		    "  WORST. SUPPORT. EVER!! by kate on reviews, 2025-11-21T07:02:11Z\n"
		    "  > *Acme* support kept me on hold for an hour.\n"
		    "  https://apps.example/r/1\n");
		/* A highlight that does not fit the snippet is left out. */
		buf_reset(&t);
		CHECK_INT(alert_text("{\"brand\":\"A\",\"mention\":{\"snippet\":\"ab\","
		    "\"highlight\":[1,9]}}", "", &t), 0);
		CHECK(strstr(t.data, "\n> ab\n") != NULL);
		buf_reset(&t);
		CHECK_INT(alert_text("{\"id\":1}", "", &t), -1);
		CHECK_INT(alert_text("not json", "", &t), -1);
		buf_free(&t);
	}
	alert_clear(&a);
	alert_clear(&b);
	/* At the threshold exactly still alerts. */
	meh.compound = -0.5;
	CHECK_INT(alert_for_negative(&meh, -0.5, &a), 1);
	CHECK_STR(a.severity, "medium");
	alert_clear(&a);
}

static void
test_ratio(void)
{
	char r[32];

	report_ratio(32, 10, r, sizeof r);
	CHECK_STR(r, "3.2 : 1");
	report_ratio(5, 0, r, sizeof r);
	CHECK_STR(r, "5 : 0");
	report_ratio(0, 4, r, sizeof r);
	CHECK_STR(r, "0.0 : 1");
	report_ratio(0, 0, r, sizeof r);
	CHECK_STR(r, "n/a");
}

static long
count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	int ch;

	if (!f)
		return -1;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}


/* Records a mention (and its alert, if it trips the rule) as the pipeline does. */
static void
add(struct store *s, struct mention *m, const char *const *channels)
{
	struct alert a;
	char *js = record_mention(m);

	store_add_mention(s, m, js);
	if (alert_for_negative(m, -0.5, &a) == 1) {
		store_add_alert(s, &a, m->id, channels);
		alert_clear(&a);
	}
	free(js);
}

static void
test_deliver(void)
{
	const char *const channels[] = { "file", "command", NULL };
	struct mention m1 = mkmention("Acme", "i1", -0.8, SENT_NEGATIVE);
	struct mention m2 = mkmention("Acme", "i2", 0.6, SENT_POSITIVE);
	struct mention m3 = mkmention("Globex", "i3", -0.9, SENT_NEGATIVE);
	struct conf c = {0};
	struct deliver_stats ds;
	struct store *s;
	char err[256], mpath[128], apath[128], cpath[128], script[256], *text;
	FILE *lf = tmpfile();

	snprintf(mpath, sizeof mpath, "%s/mentions.jsonl", dir);
	snprintf(apath, sizeof apath, "%s/alerts.jsonl", dir);
	snprintf(cpath, sizeof cpath, "%s/command.out", dir);
	snprintf(script, sizeof script, "cat >> %s", cpath);
	c.out_dir = dir;
	c.keep_days = 90;
	strlist_add(&c.alert.command, "/bin/sh");
	strlist_add(&c.alert.command, "-c");
	strlist_add(&c.alert.command, script);
	if (!(s = store_open(dir, err, sizeof err)))
		return;
	add(s, &m1, channels);
	add(s, &m2, channels);
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	CHECK_INT(ds.mentions, 2);
	CHECK_INT(ds.alerts, 1);
	CHECK_INT(ds.sent, 1);
	CHECK_INT(ds.failed, 0);
	CHECK_INT(count_lines(mpath), 2);
	CHECK_INT(count_lines(apath), 1);
	CHECK_INT(count_lines(cpath), 1);
	/* Nothing new: nothing is written again. */
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	CHECK_INT(ds.mentions + ds.alerts + ds.sent, 0);
	CHECK_INT(count_lines(mpath), 2);

	/* A crash after appending but before marking: the next delivery sees
	 * the record in the file's tail and does not append it twice. */
	add(s, &m3, channels);
	text = record_mention(&m3);
	{
		FILE *f = fopen(mpath, "a");

		fprintf(f, "%s\n", text);
		fclose(f);
	}
	free(text);
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	CHECK_INT(count_lines(mpath), 3);
	CHECK_INT(count_lines(apath), 2);
	CHECK_INT(count_lines(cpath), 2);

	/* A failing command keeps the alert queued and says so. */
	strlist_free(&c.alert.command);
	strlist_add(&c.alert.command, "/bin/false");
	m1.item_id = (char *)"i4";
	hash64_hex(hash64("i4", 2), m1.id);
	add(s, &m1, channels);
	log_to(lf);
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	log_to(NULL);
	CHECK_INT(ds.failed, 1);
	CHECK_INT(ds.alerts, 1);
	strlist_free(&c.alert.command);
	strlist_add(&c.alert.command, "/bin/sh");
	strlist_add(&c.alert.command, "-c");
	strlist_add(&c.alert.command, script);
	/* Not due yet: the retry waits its backoff... */
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	CHECK_INT(ds.sent, 0);
	/* ...then goes out once. */
	CHECK_INT(deliver_all(s, &c, 2000000000 + 3600, &ds), 0);
	CHECK_INT(ds.sent, 1);
	CHECK_INT(count_lines(cpath), 3);

	/* The summary counts what is stored. */
	CHECK_INT(report_summary(s, &c, NULL, 2000000000), 0);
	snprintf(mpath, sizeof mpath, "%s/summary.md", dir);
	text = test_slurp(mpath);
	CHECK(text && strstr(text, "| Acme | 3 | 1 | 0 | 2 | 0.5 : 1 | -0.33 |"));
	CHECK(text && strstr(text, "| Globex | 1 | 0 | 0 | 1 | 0.0 : 1 | -1.00 |"));
	free(text);
	snprintf(mpath, sizeof mpath, "%s/summary.json", dir);
	text = test_slurp(mpath);
	{
		json_t *o = text ? json_loads(text, 0, NULL) : NULL;
		json_t *b0 = json_array_get(json_object_get(o, "brands"), 0);

		CHECK_STR(json_string_value(json_object_get(b0, "brand")), "Acme");
		CHECK_INT(json_integer_value(json_object_get(b0, "negative")), 2);
		CHECK_STR(json_string_value(json_object_get(b0, "ratio_text")), "0.5 : 1");
		json_decref(o);
	}
	free(text);
	store_close(s);
	strlist_free(&c.alert.command);
	fclose(lf);
}

/* A store and an output folder of their own under dir/name for c, and
 * the path of the mentions file there; NULL if the store cannot open. */
static struct store *
open_in(const char *name, struct conf *c, char sub[128], char path[160])
{
	char err[256] = "";
	struct store *s;

	snprintf(sub, 128, "%s/%s", dir, name);
	snprintf(path, 160, "%s/mentions.jsonl", sub);
	CHECK_INT(mkdir(sub, 0700), 0);
	c->out_dir = sub;
	c->keep_days = 90;
	if (!(s = store_open(sub, err, sizeof err)))
		CHECK_STR(err, "");
	return s;
}

/* A kill in the middle of appending leaves half a line at the end of the
 * file, never marked as written: the next delivery cuts it off and writes
 * the record whole, and every line stays one valid record. */
static void
test_torn_write(void)
{
	const char *const channels[] = { "file", NULL };
	struct mention m1 = mkmention("Acme", "t1", -0.8, SENT_NEGATIVE);
	struct mention m2 = mkmention("Acme", "t2", 0.6, SENT_POSITIVE);
	struct conf c = {0};
	struct deliver_stats ds;
	struct store *s;
	char sub[128], path[160], *text, *line, *nl;
	FILE *f, *lf = tmpfile();
	long good = 0;

	if (!(s = open_in("torn", &c, sub, path)))
		return;
	add(s, &m1, channels);
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	add(s, &m2, channels);
	text = record_mention(&m2);
	f = fopen(path, "a");
	fwrite(text, 1, strlen(text) / 2, f);
	fclose(f);
	free(text);
	log_to(lf);
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	log_to(NULL);
	CHECK_INT(ds.mentions, 1);
	CHECK_INT(count_lines(path), 2);
	text = test_slurp(path);
	for (line = text; line && (nl = strchr(line, '\n')); line = nl + 1) {
		json_t *o;

		*nl = '\0';
		if ((o = json_loads(line, 0, NULL)))
			good++;
		json_decref(o);
	}
	CHECK_INT(good, 2);
	CHECK(line && *line == '\0');
	free(text);
	store_close(s);
	fclose(lf);
}

/* More records than one chunk of appending holds (2 MiB): every record is
 * written once, in the order recorded, also when a crash left records of
 * the next chunk appended but not marked. */
static void
test_chunks(void)
{
	const char *const channels[] = { "file", NULL };
	struct mention m = mkmention("Acme", "c", 0.6, SENT_POSITIVE);
	struct conf c = {0};
	struct deliver_stats ds;
	struct store *s;
	char sub[128], path[160], item[32], want[17], *text, *line, *nl;
	char snippet[1501];
	FILE *f;
	int i, n = 3000, order = 1;
	long lines = 0;

	memset(snippet, 'x', sizeof snippet - 1);
	snippet[sizeof snippet - 1] = '\0';
	m.snippet = snippet;
	if (!(s = open_in("chunks", &c, sub, path)))
		return;
	CHECK_INT(store_begin(s), 0);
	for (i = 0; i < n; i++) {
		snprintf(item, sizeof item, "c%d", i);
		m.item_id = item;
		hash64_hex(hash64(item, strlen(item)), m.id);
		add(s, &m, channels);
		/* A run killed after appending the first 1,800 (about 2.7 MB,
		 * more than a chunk) and before marking any. */
		if (i < 1800 && (f = fopen(path, "a"))) {
			text = record_mention(&m);
			fprintf(f, "%s\n", text);
			fclose(f);
			free(text);
		}
	}
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(deliver_all(s, &c, 2000000000, &ds), 0);
	CHECK_INT(ds.mentions, n);
	text = test_slurp(path);
	for (i = 0, line = text; line && (nl = strchr(line, '\n')); line = nl + 1, i++) {
		snprintf(item, sizeof item, "c%d", i);
		hash64_hex(hash64(item, strlen(item)), want);
		order &= strncmp(line + 7, want, 16) == 0;
		lines++;
	}
	CHECK_INT(lines, n);
	CHECK(order);
	free(text);
	store_close(s);
}

int
main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return 1;
	RUN(test_record);
	RUN(test_record_bytes);
	RUN(test_alert_rule);
	RUN(test_ratio);
	RUN(test_deliver);
	RUN(test_torn_write);
	RUN(test_chunks);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
	return TEST_END();
}
