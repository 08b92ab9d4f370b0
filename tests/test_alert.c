/* The spike rules over stored mentions: volume and negative share against
 * the baseline, once per spike, with global and per-brand settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "conf.h"
#include "store.h"
#include "test.h"

#define HOUR 3600
#define NOW ((int64_t)1700000000)

static char dir[] = "/tmp/earshot-alert-XXXXXX";
static const char *const channels[] = { "file", NULL };
static unsigned serial;

/* Stores n mentions of brand created at t, the first neg of them negative. */
static void
add(struct store *s, const char *brand, int64_t t, int n, int neg)
{
	struct mention m = {0};
	char json[128];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(m.id, sizeof m.id, "m%08u", serial++);
		m.brand = (char *)brand;
		m.feed = (char *)"f";
		m.item_id = m.id;
		m.label = i < neg ? -1 : 1;
		m.compound = i < neg ? -0.6 : 0.6;
		m.published = m.created = t;
		m.rating = -1;
		snprintf(json, sizeof json, "{\"id\":\"%s\",\"brand\":\"%s\","
		    "\"title\":\"post %s\"}", m.id, brand, m.id);
		CHECK_INT(store_add_mention(s, &m, json), 0);
	}
}

/* A day of history, n mentions (neg negative) in each hour before NOW's. */
static void
history(struct store *s, const char *brand, int n, int neg)
{
	int k;

	for (k = 1; k <= 24; k++)
		add(s, brand, NOW - (int64_t)k * HOUR - 60, n, neg);
}

/* A one-brand configuration with the default rules. */
static struct conf_brand
brand(const char *name)
{
	struct conf_brand b = {0};

	b.name = (char *)name;
	b.spike_window = HOUR;
	b.spike_min = 10;
	return b;
}

static int
scan(struct store *s, struct conf_brand *b, int64_t now)
{
	struct conf c = {0};

	c.brands = b;
	c.nbrands = 1;
	return alert_scan(s, &c, now, channels);
}

/* A day of per_hour mentions (neg_per_hour negative), then n (neg
 * negative) in the last hour: what the scan at NOW makes of it. */
static int
scenario(struct store *s, struct conf_brand *b, int per_hour, int neg_per_hour,
    int n, int neg)
{
	history(s, b->name, per_hour, neg_per_hour);
	add(s, b->name, NOW - 100, n, neg);
	return scan(s, b, NOW);
}

static int
last_json(const char *json, void *ctx)
{
	char **out = ctx;

	if (!*out)
		*out = strdup(json);
	return 0;
}

/* The newest alert of brand, malloc'd, or NULL. */
static char *
newest(struct store *s, const char *brand)
{
	char *json = NULL;

	CHECK_INT(store_each_alert(s, 0, brand, NULL, last_json, &json), 0);
	return json;
}

static void
test_below_min(struct store *s)
{
	struct conf_brand a = brand("Few"), b = brand("Ten");

	CHECK_INT(scenario(s, &a, 1, 0, 9, 0), 0);
	/* one more is a spike: the rule is what kept it quiet */
	CHECK_INT(scenario(s, &b, 1, 0, 10, 0), 1);
}

static void
test_once(struct store *s)
{
	struct conf_brand b = brand("Acme");
	struct buf text = {0};
	char *json;

	CHECK_INT(scenario(s, &b, 2, 0, 20, 0), 1);
	json = newest(s, "Acme");
	CHECK(json && strstr(json, "\"kind\":\"spike\""));
	CHECK(json && strstr(json, "spike: 20 mentions in the last hour, usually 2 (\u00b10)"));
	CHECK(json && strstr(json, "\"count\":20,\"mentions\":[{\"id\":\"m"));
	/* `earshot alerts` shows it with its newest mention */
	CHECK_INT(alert_text(json ? json : "", "  ", &text), 0);
	CHECK(text.data && !strncmp(text.data, "[high] Acme: spike: 20 mentions", 31));
	CHECK(text.data && strstr(text.data, "\n  post m"));
	buf_free(&text);
	free(json);
	/* later runs see the same spike: in a window whose start rounds to
	 * the same hour, and in one whose start rounds to the next */
	CHECK_INT(scan(s, &b, NOW), 0);
	CHECK_INT(scan(s, &b, NOW + 1800), 0);
	CHECK_INT(scan(s, &b, NOW + 3000), 0);
	/* a day later the window has moved on: the same counts alert anew */
	add(s, "Acme", NOW + 86400 - 100, 20, 0);
	CHECK_INT(scan(s, &b, NOW + 86400), 1);
}

static void
test_flat(struct store *s)
{
	struct conf_brand b = brand("Flat");

	CHECK_INT(scenario(s, &b, 10, 1, 10, 1), 0);
	/* nearly twice as many, but not twice: no spike either */
	add(s, "Flat", NOW - 100, 9, 0);
	CHECK_INT(scan(s, &b, NOW), 0);
}

static void
test_no_history(struct store *s)
{
	struct conf_brand b = brand("New");

	/* a first run's backlog: 50 mentions, none before them */
	add(s, "New", NOW - 100, 50, 30);
	CHECK_INT(scan(s, &b, NOW), 0);
}

static void
test_negative_share(struct store *s)
{
	struct conf_brand b = brand("Sour"), c = brand("Mild");
	char *json;

	CHECK_INT(scenario(s, &b, 10, 1, 10, 6), 1);
	json = newest(s, "Sour");
	CHECK(json && strstr(json, "\"kind\":\"negative_share\""));
	CHECK(json && strstr(json, "6 of 10 mentions in the last hour are negative (60%), "
	    "usually 10%"));
	CHECK(json && strstr(json, "\"count\":6,"));
	free(json);
	CHECK_INT(scan(s, &b, NOW), 0);
	/* 4 negatives of 10 is 40%, but under spike_min/2 = 5 negatives */
	CHECK_INT(scenario(s, &c, 10, 1, 10, 4), 0);
}

/* Stores a mention of brand linking to link at t, then asks the
 * new-source rule about it. */
static int
source(struct store *s, const char *brand, const char *link, int64_t t, int enabled)
{
	struct mention m = {0};

	snprintf(m.id, sizeof m.id, "s%08u", serial++);
	m.brand = (char *)brand;
	m.feed = (char *)"f";
	m.item_id = m.id;
	m.link = (char *)link;
	m.published = m.created = t;
	m.rating = -1;
	CHECK_INT(store_add_mention(s, &m, "{}"), 0);
	return alert_new_source(s, &m, enabled, channels);
}

static void
test_new_source(struct store *s)
{
	char *json;

	/* the brand's first source is no news, nor is a host it knows, however
	 * the link spells it */
	CHECK_INT(source(s, "Src", "https://www.Example.com/a", NOW - 2 * 86400, 1), 0);
	CHECK_INT(source(s, "Src", "http://user@example.COM:8443/b?x", NOW, 1), 0);
	CHECK_INT(source(s, "Src", NULL, NOW, 1), 0);
	CHECK_INT(source(s, "Src", "https://news.example.org/x", NOW, 1), 1);
	json = newest(s, "Src");
	CHECK(json && strstr(json, "\"kind\":\"new_source\""));
	CHECK(json && strstr(json, "new source: news.example.org, the first mention of Src there"));
	CHECK(json && strstr(json, "\"mention\":{"));
	free(json);
	CHECK_INT(source(s, "Src", "https://news.example.org/y", NOW + 60, 1), 0);
	/* another brand's history is not this one's */
	CHECK_INT(source(s, "Src2", "https://news.example.org/x", NOW, 1), 0);
	CHECK_INT(source(s, "Src2", "https://blog.example.net/", NOW + 60, 1), 0);
	/* a host first met while the rule was off stays known once it is on */
	CHECK_INT(source(s, "Src", "https://forum.example.io/t", NOW, 0), 0);
	CHECK_INT(source(s, "Src", "https://forum.example.io/u", NOW + 60, 1), 0);
	/* the first day's sources are not yet history */
	CHECK_INT(source(s, "Young", "https://a.example/", NOW - 3600, 1), 0);
	CHECK_INT(source(s, "Young", "https://b.example/", NOW, 1), 0);
}

static void
write_conf(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* Global keys reach brands that do not set their own; a brand's own wins,
 * and 0 turns the rules off for it. */
static void
test_per_brand(struct store *s)
{
	struct conf c;
	char path[512];

	snprintf(path, sizeof path, "%s/earshot.conf", dir);
	write_conf(path, "spike_min = 5\nnew_source_alerts = yes\n"
	    "[brand Low]\nmatch = low\nnew_source_alerts = no\n"
	    "[brand High]\nmatch = high\nspike_min = 30\n"
	    "[brand Off]\nmatch = off\nspike_window = 0\n"
	    "[brand Wide]\nmatch = wide\nspike_window = 2h\n");
	CHECK_INT(conf_load(&c, path), 0);
	CHECK_INT(c.brands[0].spike_min, 5);
	CHECK_INT(c.brands[0].spike_window, HOUR);
	CHECK_INT(c.brands[1].spike_min, 30);
	CHECK_INT(c.brands[2].spike_window, 0);
	CHECK_INT(c.brands[3].spike_window, 2 * HOUR);
	CHECK_INT(c.brands[0].new_source_alerts, 0);
	CHECK_INT(c.brands[1].new_source_alerts, 1);
	history(s, "Low", 1, 0);
	add(s, "Low", NOW - 100, 6, 0);
	history(s, "High", 1, 0);
	add(s, "High", NOW - 100, 20, 0);
	history(s, "Off", 1, 0);
	add(s, "Off", NOW - 100, 50, 0);
	CHECK_INT(alert_scan(s, &c, NOW, channels), 1);
	CHECK(newest(s, "High") == NULL);
	CHECK(newest(s, "Off") == NULL);
	free(newest(s, "Low"));
	conf_free(&c);
}

int
main(void)
{
	char err[512], cmd[600];
	struct store *s;

	if (!mkdtemp(dir))
		return 1;
	if (!(s = store_open(dir, err, sizeof err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	test_below_min(s);
	test_once(s);
	test_flat(s);
	test_no_history(s);
	test_negative_share(s);
	test_per_brand(s);
	test_new_source(s);
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
	return TEST_END();
}
