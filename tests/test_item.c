/* item_finish: links resolved, dates guessed, ids derived stably. */
#include <stdlib.h>
#include <string.h>

#include "item.h"
#include "util.h"
#include "test.h"

static void
test_link_and_date(void)
{
	struct item it;

	item_init(&it);
	CHECK_NEAR(it.rating, -1, 0);
	it.link = xstrdup("../posts/42?x=1");
	it.title = xstrdup("Hello");
	CHECK_INT(item_finish(&it, "https://blog.example/feeds/main.rss", 1700000000), 0);
	CHECK_STR(it.link, "https://blog.example/posts/42?x=1");
	CHECK_STR(it.id, "https://blog.example/posts/42?x=1");   /* no guid: the link */
	CHECK_INT(it.published, 1700000000);
	CHECK_INT(it.date_guessed, 1);
	item_clear(&it);
	CHECK(it.link == NULL && it.id == NULL);

	/* An absolute link and a known date are left alone; an empty link is none. */
	item_init(&it);
	it.link = xstrdup("http://other.example/a");
	it.id = xstrdup("guid-1");
	it.published = 1600000000;
	CHECK_INT(item_finish(&it, "https://blog.example/", 1700000000), 0);
	CHECK_STR(it.link, "http://other.example/a");
	CHECK_STR(it.id, "guid-1");
	CHECK_INT(it.published, 1600000000);
	CHECK_INT(it.date_guessed, 0);
	item_clear(&it);

	item_init(&it);
	it.link = xstrdup("");
	it.id = xstrdup("");
	it.text = xstrdup("body");
	CHECK_INT(item_finish(&it, NULL, 5), 0);
	CHECK(it.link == NULL);
	CHECK(it.id != NULL && str_startswith(it.id, "hash:"));
	item_clear(&it);
}

/* Derives an id for an item with only a title and text, fetched at t. */
static char *
hashed_id(const char *title, const char *text, int64_t published, int64_t t)
{
	struct item it;
	char *id;

	item_init(&it);
	it.title = xstrdup(title);
	it.text = xstrdup(text);
	it.published = published;
	item_finish(&it, NULL, t);
	id = it.id;
	it.id = NULL;
	item_clear(&it);
	return id;
}

static void
test_hash_ids(void)
{
	char *a = hashed_id("Title", "Text", 0, 100), *b = hashed_id("Title", "Text", 0, 200);
	char *c = hashed_id("Title", "Other", 0, 100), *d = hashed_id("Title", "Text", 50, 100);
	char *e = hashed_id("TitleT", "ext", 0, 100);

	/* The same undated post fetched twice gets the same id... */
	CHECK_STR(a, b);
	CHECK_INT(strlen(a), 5 + 16);
	/* ...different text, a real date, or a moved title boundary differ. */
	CHECK(strcmp(a, c) != 0);
	CHECK(strcmp(a, d) != 0);
	CHECK(strcmp(a, e) != 0);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

/* The link item_finish makes of link. */
static void
check_link(const char *link, const char *want, int line)
{
	struct item it;

	item_init(&it);
	it.link = xstrdup(link);
	it.title = xstrdup("t");
	item_finish(&it, "https://feed.example/", 1);
	if (it.link && !strcmp(it.link, want)) {
		test_passed++;
	} else {
		test_failed++;
		fprintf(stderr, "%s:%d: FAIL: link %s: got %s, want %s\n", __FILE__, line, link,
		    it.link ? it.link : "(null)", want);
	}
	item_clear(&it);
}

#define LINK(l, w) check_link(l, w, __LINE__)

static void
test_google_redirect(void)
{
	LINK("https://www.google.com/url?rct=j&sa=t&url=https://example.com/article%3Fa%3D1"
	    "&ct=ga&cd=CAIyAA&usg=AOvVaw0", "https://example.com/article?a=1");
	LINK("https://www.google.co.uk/url?url=http://example.com/x&usg=1",
	    "http://example.com/x");
	LINK("https://google.de/url?sa=t&url=https%3A%2F%2Fexample.com%2Fy", "https://example.com/y");
	/* Two alerts on one article differ in cd and usg, not in the link that
	 * cross-feed dedup (store_item_seen) compares. */
	LINK("https://www.google.com/url?rct=j&sa=t&url=https://example.com/a&ct=ga&cd=X1&usg=U1",
	    "https://example.com/a");
	LINK("https://www.google.com/url?rct=j&sa=t&url=https://example.com/a&ct=ga&cd=Y2&usg=V2",
	    "https://example.com/a");
	/* Hostile or not a redirect: the link stays what it was. */
	LINK("https://www.google.com/url?url=javascript:alert(1)",
	    "https://www.google.com/url?url=javascript:alert(1)");
	LINK("https://www.google.com/url?url=JaVaScRiPt%3Aalert(1)",
	    "https://www.google.com/url?url=JaVaScRiPt%3Aalert(1)");
	LINK("https://www.google.com/url?rct=j&sa=t", "https://www.google.com/url?rct=j&sa=t");
	LINK("https://www.google.com/url?myurl=https://e.com/", "https://www.google.com/url?myurl=https://e.com/");
	/* Decoded once only: what comes out is no URL, so none is made up. */
	LINK("https://www.google.com/url?url=https%253A%252F%252Fexample.com%252F",
	    "https://www.google.com/url?url=https%253A%252F%252Fexample.com%252F");
	LINK("https://www.google.com/url?url=https://e.com/%00x", "https://www.google.com/url?url=https://e.com/%00x");
	LINK("https://www.google.com/url?url=https://e.com/a%20b", "https://www.google.com/url?url=https://e.com/a%20b");
	LINK("https://google.evil.com/url?url=https://e.com/", "https://google.evil.com/url?url=https://e.com/");
	LINK("https://www.notgoogle.com/url?url=https://e.com/", "https://www.notgoogle.com/url?url=https://e.com/");
	LINK("https://evil.example/url?url=https://e.com/", "https://evil.example/url?url=https://e.com/");
	LINK("https://www.google.com/search?url=https://e.com/", "https://www.google.com/search?url=https://e.com/");
	LINK("https://www.google.com/url/x?url=https://e.com/", "https://www.google.com/url/x?url=https://e.com/");
	LINK("ftp://www.google.com/url?url=https://e.com/", "ftp://www.google.com/url?url=https://e.com/");
}

int
main(void)
{
	RUN(test_link_and_date);
	RUN(test_hash_ids);
	RUN(test_google_redirect);
	return TEST_END();
}
