/* The ready feed definitions in feeds/: each parses its sample response in
 * tests/data/feeds/ (made-up content in the real format) into exactly the
 * expected items, through conf_load and conf_feed_map as earshot does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "parse.h"
#include "test.h"
#include "test_items.h"
#include "util.h"

/* What one item must be; published as ISO 8601, NULL when guessed. */
struct want {
	const char *id, *link, *title, *author, *published, *text;
	double rating, scale; /* rating < 0: none */
};

static void
check_item(const struct item *it, const struct want *w)
{
	char when[21];

	time_iso8601(it->published, when);
	CHECK_STR(it->id, w->id);
	CHECK_STR(it->link, w->link);
	CHECK_STR(it->title, w->title);
	CHECK_STR(it->author, w->author);
	CHECK_STR(it->date_guessed ? NULL : when, w->published);
	CHECK_STR(it->text, w->text);
	CHECK_NEAR(it->rating, w->rating, 1e-9);
	CHECK_NEAR(it->rating_scale, w->scale, 1e-9);
}

/* Parses sample with the definition in feeds/NAME.feed; checks the items. */
static void
check_feed(const char *name, const char *sample, const char *type,
    const struct want *want, int nwant)
{
	char path[256], err[512];
	struct conf c;
	struct parse_map map;
	struct parse_source src = {0};
	struct got g = {0};
	char *data;
	size_t len = 0;
	int i;

	snprintf(path, sizeof path, "feeds/%s.feed", name);
	if (conf_load(&c, path) < 0) {
		CHECK(!"feed definition loads");
		return;
	}
	CHECK_INT(c.nfeeds, 1);
	CHECK_STR(c.feeds[0].name, name);
	CHECK_STR(c.feeds[0].type, type);
	conf_feed_map(&c.feeds[0], &map);
	snprintf(path, sizeof path, "tests/data/feeds/%s", sample);
	data = load_file(path, &len);
	CHECK(data != NULL);
	src.feed = name;
	src.url = c.feeds[0].url;
	src.data = data;
	src.len = len;
	src.fetch_time = 1700000000;
	src.type = (enum parse_type)parse_type_from_name(c.feeds[0].type);
	src.map = &map;
	CHECK_INT(parse_feed(&src, collect, &g, NULL, err, sizeof err), 0);
	CHECK_INT(g.n, nwant);
	for (i = 0; i < nwant && i < g.n; i++)
		check_item(&g.v[i], &want[i]);
	got_free(&g);
	free(data);
	conf_free(&c);
}

static void
test_google_alerts(void)
{
	static const struct want w[] = {
		{ "tag:google.com,2013:googlealerts/feed:11111111111111111111",
		  /* The google.com/url redirect unwrapped to its target. */
		  "https://news.example.com/2024/05/acme-plant",
		  "Acme opens a new widget plant in Dayton", NULL, "2024-05-01T09:30:00Z",
		  "The Acme Corporation said on Tuesday it will hire 300 people & build ...",
		  -1, 0 },
		{ "tag:google.com,2013:googlealerts/feed:22222222222222222222",
		  "https://blog.example.org/anvils?ref=alert", /* percent-decoded */
		  "Why I stopped buying Acme anvils", NULL, "2024-04-30T18:05:00Z",
		  "After three broken Acme anvils in a year I'm done.", -1, 0 },
	};

	check_feed("google-alerts", "google-alerts.xml", "rss", w, 2);
}

static void
test_reddit(void)
{
	static const struct want w[] = {
		{ "t3_1cabc1", "https://www.reddit.com/r/gadgets/comments/1cabc1/"
		  "acme_x2_review_first_impressions/", "Acme X2 review & first impressions",
		  "widget_fan", "2024-05-01T09:30:00Z", "Bought the Acme X2 last week & "
		  "the battery is great.\nThe app is another story: it logs me out daily.",
		  -1, 0 },
		{ "t3_1cabc2", "https://www.reddit.com/r/technology/comments/1cabc2/"
		  "acme_recalls_40000_toasters/", "Acme recalls 40,000 toasters after fire "
		  "reports", "newsbot_9000", "2024-04-30T09:30:00Z", NULL, -1, 0 },
	};

	check_feed("reddit-search", "reddit-search.json", "json", w, 2);
}

static void
test_hn(void)
{
	static const struct want w[] = {
		{ "40000017", "https://news.ycombinator.com/item?id=40000017",
		  "Show HN: An Acme-compatible widget tester", "skeptic42",
		  "2024-05-01T10:15:42Z", "I've used Acme's API for years.\nIt's fine, but "
		  "the docs are terrible & support is slow.", -1, 0 },
		{ "40000001", "https://news.ycombinator.com/item?id=40000001",
		  "Show HN: An Acme-compatible widget tester", "pgfan", "2024-05-01T09:30:00Z",
		  "I built a tester for Acme widgets.", -1, 0 },
		/* No created_at_i: the RFC 3339 alternative. */
		{ "39990000", "https://news.ycombinator.com/item?id=39990000",
		  "Acme (1949) and the economics of mail-order rockets", "oldtimer",
		  "2024-04-29T08:00:00Z", NULL, -1, 0 },
	};

	check_feed("hn-search", "hn-search.json", "json", w, 3);
}

static void
test_mastodon(void)
{
	static const struct want w[] = {
		{ "https://fosstodon.example/users/alice/statuses/112360000000000001",
		  "https://fosstodon.example/@alice/112360000000000001", NULL, "Alice Example",
		  "2024-05-01T09:30:00Z", "Just switched our team to #Acme and it's been "
		  "smooth so far.\nSetup took 10 minutes!", -1, 0 },
		/* No url, no display name: the alternatives. */
		{ "https://social.example/users/bob/statuses/112359000000000002",
		  "https://social.example/users/bob/statuses/112359000000000002",
		  "rant about #Acme support", "bob@social.example", "2024-04-30T22:00:05Z",
		  "Three weeks & no answer from #acme.\nNever again.", -1, 0 },
	};

	check_feed("mastodon-tag", "mastodon-tag.json", "json", w, 2);
}

static void
test_appstore(void)
{
	static const struct want w[] = {
		{ "10987654321", "https://itunes.apple.com/us/review?id=1234567890&type="
		  "Purple%20Software", "Crashes since the update", "WidgetWrangler",
		  "2024-05-01T09:30:00Z", "Since 4.2.1 the Acme app crashes every time I "
		  "open the camera.\nPlease fix!", 0.4, 5 },
		{ "10987654000", "https://itunes.apple.com/us/review?id=1234567890&type="
		  "Purple%20Software", "Best hub app & widget app", "Dana R.",
		  "2024-04-30T18:00:00Z", "Love it. Syncs with my Acme hub in seconds.", 1, 5 },
	};

	check_feed("appstore-reviews", "appstore-reviews.json", "json", w, 2);
}

static void
test_trustpilot(void)
{
	static const struct want w[] = {
		{ "6632a1f0e4b0c1d2e3f40001", "https://www.trustpilot.com/reviews/"
		  "6632a1f0e4b0c1d2e3f40001", "Fast delivery, flimsy box", "Maria K.",
		  "2024-05-01T09:30:00Z", "The Acme widget arrived in two days & works "
		  "fine.\nThe packaging was damaged though.", 0.8, 5 },
		/* Unclosed <p>, a bare '&', entities; the company's reply left out. */
		{ "6632a1f0e4b0c1d2e3f40002", "https://www.trustpilot.com/reviews/"
		  "6632a1f0e4b0c1d2e3f40002", "Never again", "J\xc3\xb6rg & Sons",
		  "2024-04-30T16:45:00Z", "Ordered twice, both broken. Support said \"not "
		  "our problem\" & closed the ticket.", 0.2, 5 },
		{ "6632a1f0e4b0c1d2e3f40003", "https://www.trustpilot.com/reviews/"
		  "6632a1f0e4b0c1d2e3f40003", "Five stars", NULL, "2024-04-29T08:00:00Z",
		  NULL, 1, 5 },
	};

	check_feed("trustpilot-reviews", "trustpilot-reviews.html", "html", w, 3);
}

int
main(void)
{
	RUN(test_google_alerts);
	RUN(test_reddit);
	RUN(test_hn);
	RUN(test_mastodon);
	RUN(test_appstore);
	RUN(test_trustpilot);
	return TEST_END();
}
