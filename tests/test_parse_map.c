/* Tests for the mapped parsers: JSON APIs by paths (parse_json.c) and HTML
 * pages by XPath (parse_html.c), beyond the ready definitions that
 * test_feeds.c checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parse_html.h"
#include "test.h"
#include "test_items.h"
#include "util.h"

#define FETCH_TIME 1700000000
#define T_0501_0930 1714555800 /* 2024-05-01T09:30:00Z */

static int
parse(const char *doc, enum parse_type t, const struct parse_map *m, struct got *g,
    struct parse_stats *st, char *err)
{
	struct parse_source src = {
		.feed = "t", .url = "https://example.com/api/", .data = doc,
		.len = strlen(doc), .fetch_time = FETCH_TIME, .type = t, .map = m
	};

	int stop = g->stop_after;

	got_free(g);
	g->stop_after = stop;
	err[0] = '\0';
	return parse_feed(&src, collect, g, st, err, 256);
}

/* Paths into lists, alternatives, templates, and the shapes of dates. */
static void
test_json_paths(void)
{
	static const struct parse_map m = {
		.items = "result.posts", .id = "key | meta.id",
		.link = "links.0.href | https://example.com/p/{meta.id}?x={meta.n}",
		.title = "head", .text = "body", .author = "by.name | by", .date = "when"
	};
	const char *doc = "{\"result\": {\"posts\": ["
	    "{\"key\": \"a\", \"links\": [{\"href\": \"/rel/a\"}], \"head\": \"A &amp; B\","
	    " \"body\": \"line 1\\nline 2\", \"by\": {\"name\": \"Ann\"},"
	    " \"when\": \"Wed, 01 May 2024 09:30:00 GMT\"},"
	    "{\"meta\": {\"id\": 7, \"n\": true}, \"head\": \"B\", \"by\": \"Bo\","
	    " \"when\": \"1714555800\"},"
	    "{\"meta\": {\"id\": 8}, \"head\": \"C\", \"when\": 1714555800123},"
	    "{\"key\": \"d\", \"head\": \"D\", \"when\": \"last Tuesday\"},"
	    "5, {\"key\": \"empty\"}]}}";
	struct parse_stats st;
	struct got g = {0};
	char err[256];

	CHECK_INT(parse(doc, PARSE_JSON, &m, &g, &st, err), 0);
	CHECK_INT(g.n, 4);
	CHECK_INT(st.skipped, 2);
	CHECK_STR(g.v[0].id, "a");
	CHECK_STR(g.v[0].link, "https://example.com/rel/a");
	CHECK_STR(g.v[0].title, "A & B");
	CHECK_STR(g.v[0].text, "line 1\nline 2");
	CHECK_STR(g.v[0].author, "Ann");
	CHECK_INT(g.v[0].published, T_0501_0930);
	CHECK_STR(g.v[1].id, "7");
	CHECK_STR(g.v[1].link, "https://example.com/p/7?x=true");
	CHECK_STR(g.v[1].author, "Bo");
	CHECK_INT(g.v[1].published, T_0501_0930);
	/* A template with a missing part gives nothing: no link, so the id is
	 * a hash. Milliseconds are seconds * 1000. */
	CHECK_STR(g.v[2].link, NULL);
	CHECK_STR(g.v[2].id, "8");
	CHECK_INT(g.v[2].published, T_0501_0930);
	CHECK_INT(g.v[3].published, FETCH_TIME);
	CHECK_INT(g.v[3].date_guessed, 1);
	got_free(&g);
}

static void
test_json_ratings(void)
{
	struct parse_map m = { .items = ".", .title = "t", .rating = "r", .rating_scale = 10 };
	const char *doc = "[{\"t\": \"a\", \"r\": \"4.5\"}, {\"t\": \"b\", \"r\": 11},"
	    " {\"t\": \"c\", \"r\": \"-1\"}, {\"t\": \"d\", \"r\": \"8 of 10\"}]";
	struct parse_stats st;
	struct got g = {0};
	char err[256];

	CHECK_INT(parse(doc, PARSE_JSON, &m, &g, &st, err), 0);
	CHECK_INT(g.n, 4);
	CHECK_NEAR(g.v[0].rating, 0.45, 1e-9);
	CHECK_NEAR(g.v[0].rating_scale, 10, 1e-9);
	CHECK_NEAR(g.v[1].rating, -1, 0);   /* past the scale: none */
	CHECK_NEAR(g.v[1].rating_scale, 0, 0);
	CHECK_NEAR(g.v[2].rating, -1, 0);   /* negative: none */
	CHECK_NEAR(g.v[3].rating, 0.8, 1e-9);
	/* Without a scale the value must already be 0..1. */
	m.rating_scale = 0;
	CHECK_INT(parse("[{\"t\": \"a\", \"r\": 0.7}, {\"t\": \"b\", \"r\": 4}]",
	    PARSE_JSON, &m, &g, &st, err), 0);
	CHECK_NEAR(g.v[0].rating, 0.7, 1e-9);
	CHECK_NEAR(g.v[0].rating_scale, 1, 0);
	CHECK_NEAR(g.v[1].rating, -1, 0);
	got_free(&g);
}

static void
test_json_shapes(void)
{
	struct parse_map m = { .items = "feed.entry", .title = "t" };
	struct parse_stats st;
	struct got g = {0};
	char err[256];

	/* A list of one converted from XML: the object itself. */
	CHECK_INT(parse("{\"feed\": {\"entry\": {\"t\": \"only\"}}}", PARSE_JSON, &m, &g,
	    &st, err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "only");
	/* Sniffed as JSON (not a JSON Feed): the map applies. */
	CHECK_INT(parse("\xef\xbb\xbf{\"feed\": {\"entry\": [{\"t\": \"x\"}]}}", PARSE_AUTO,
	    &m, &g, &st, err), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.recovered, 1);
	CHECK_INT(parse("{\"feed\": {\"entry\": 3}}", PARSE_JSON, &m, &g, &st, err), -1);
	CHECK_STR(err, "feed t: no list of items at 'feed.entry'");
	CHECK_INT(parse("{\"feed\": 1}", PARSE_JSON, NULL, &g, &st, err), -1);
	CHECK(strstr(err, "no mapping") != NULL);
	CHECK_INT(parse("{\"feed\": ", PARSE_JSON, &m, &g, &st, err), -1);
	CHECK(strstr(err, "feed t: not valid JSON (line 1") == err);
	/* Unset items: the document, when it is a list. */
	m.items = NULL;
	CHECK_INT(parse("[{\"t\": \"a\"}, {\"t\": \"b\"}]", PARSE_JSON, &m, &g, &st, err), 0);
	CHECK_INT(g.n, 2);
	/* Paths too deep or keys too long find nothing rather than overflow. */
	m.items = ".";
	m.title = "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a";
	CHECK_INT(parse("[{\"t\": \"a\"}]", PARSE_JSON, &m, &g, &st, err), 0);
	CHECK_INT(g.n, 0);
	CHECK_INT(st.skipped, 1);
	got_free(&g);
}

static const char page[] =
    "<html><head><title>x</title><script>var a = '<article>';</script></head><body>"
    "<article id='r1'><h2><a href='/r/1'>One &amp; only</a></h2><span class=s>4/5</span>"
    "<div class=t><p>Good<script>evil()</script><style>p{}</style></p><p>Very good</div>"
    "<time datetime='2024-05-01T11:30:00+02:00'>May</time></article>"
    "<article id='r2'><h2>Two</h2><div class=t>Meh&nbsp;it is</div>"
    "<time>1714555800</time></article>"
    "<article id='r3'></article>"
    "</body></html>";

static void
test_html_fields(void)
{
	static const struct parse_map m = {
		.items = "//article", .id = "@id", .link = ".//h2/a/@href", .title = ".//h2",
		.text = ".//div[@class='t']", .date = ".//time/@datetime | .//time[not(@datetime)]",
		.rating = ".//span[@class='s']", .rating_scale = 5
	};
	struct parse_stats st;
	struct got g = {0};
	char err[256];

	CHECK_INT(parse(page, PARSE_HTML, &m, &g, &st, err), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(st.skipped, 1);
	CHECK_STR(g.v[0].id, "r1");
	CHECK_STR(g.v[0].link, "https://example.com/r/1");
	CHECK_STR(g.v[0].title, "One & only");
	CHECK_STR(g.v[0].text, "Good\nVery good");
	CHECK_INT(g.v[0].published, T_0501_0930);
	CHECK_NEAR(g.v[0].rating, 0.8, 1e-9);
	CHECK_STR(g.v[1].id, "r2");
	CHECK_STR(g.v[1].link, NULL);
	CHECK_STR(g.v[1].text, "Meh it is");
	CHECK_INT(g.v[1].published, T_0501_0930);
	CHECK_NEAR(g.v[1].rating, -1, 0);
	got_free(&g);
	g.stop_after = 1;
	CHECK_INT(parse(page, PARSE_HTML, &m, &g, &st, err), 0);
	CHECK_INT(g.n, 1);
	got_free(&g);
}

/* The first title of an HTML page read with a Content-Type (or charset). */
static char *
html_title(const char *page, const char *content_type, const char *charset)
{
	static const struct parse_map m = { .items = "//article", .title = ".//h2" };
	struct parse_source src = {
		.feed = "t", .data = page, .len = strlen(page), .fetch_time = FETCH_TIME,
		.type = PARSE_HTML, .map = &m, .content_type = content_type, .charset = charset
	};

	return first_title(&src);
}

/* A page's charset from HTTP when it has no <meta> or BOM, and over a
 * <meta> that says otherwise. */
static void
test_html_http_charset(void)
{
	static const char latin1[] = "<html><body><article><h2>Caf\xe9 cr\xe8me</h2>"
	    "</article></body></html>";
	static const char cp1252[] = "<html><body><article><h2>\x93Quoted\x94 \x80"
	    "5</h2></article></body></html>";
	static const char meta_utf8[] = "<html><head><meta charset=\"utf-8\"></head><body>"
	    "<article><h2>Caf\xe9</h2></article></body></html>";
	static const char meta_latin1[] = "<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=iso-8859-1\"></head><body><article><h2>Caf\xe9"
	    "</h2></article></body></html>";
	static const char bom[] = "\xef\xbb\xbf<html><body><article><h2>Caf\xc3\xa9</h2>"
	    "</article></body></html>";
	char *t;

	CHECK_STR((t = html_title(latin1, "text/html; charset=iso-8859-1", NULL)),
	    "Caf\xc3\xa9 cr\xc3\xa8me");
	free(t);
	CHECK_STR((t = html_title(cp1252, "text/html;charset=windows-1252", NULL)),
	    "\xe2\x80\x9cQuoted\xe2\x80\x9d \xe2\x82\xac" "5");
	free(t);
	CHECK_STR((t = html_title(meta_utf8, "text/html; charset=ISO-8859-1", NULL)),
	    "Caf\xc3\xa9");
	free(t);
	CHECK_STR((t = html_title(meta_latin1, NULL, NULL)), "Caf\xc3\xa9"); /* meta alone */
	free(t);
	CHECK_STR((t = html_title(bom, "text/html; charset=iso-8859-1", NULL)), "Caf\xc3\xa9");
	free(t);
	/* earshot parse --charset: given, it beats the header. */
	CHECK_STR((t = html_title(latin1, "text/html; charset=utf-8", "latin1")),
	    "Caf\xc3\xa9 cr\xc3\xa8me");
	free(t);
}

static void
test_html_errors(void)
{
	struct parse_map m = { .items = "//article", .title = ".//h2[" };
	struct parse_stats st;
	struct got g = {0};
	char err[256];

	CHECK_INT(parse(page, PARSE_HTML, &m, &g, &st, err), -1);
	CHECK(strstr(err, "feed t: bad XPath for title './/h2[': ") == err);
	m.title = ".//h2";
	m.items = "count(//article)";
	CHECK_INT(parse(page, PARSE_HTML, &m, &g, &st, err), -1);
	CHECK_STR(err, "feed t: items 'count(//article)' selects no nodes (it gives a value)");
	m.items = NULL;
	CHECK_INT(parse(page, PARSE_HTML, &m, &g, &st, err), -1);
	CHECK(strstr(err, "needs 'items'") != NULL);
	CHECK_INT(parse(page, PARSE_HTML, NULL, &g, &st, err), -1);
	m.items = "//article";
	CHECK_INT(parse("", PARSE_HTML, &m, &g, &st, err), -1);
	CHECK_STR(err, "feed t: not an HTML page (empty)");
	/* Nothing selected is no error: a page can have no reviews yet. */
	m.items = "//li";
	CHECK_INT(parse(page, PARSE_HTML, &m, &g, &st, err), 0);
	CHECK_INT(g.n, 0);
	got_free(&g);
}

/* A map that makes every item walk the whole page, on a page of many
 * items, stays within the document's budgets. */
static void
test_html_bounds(void)
{
	static const struct parse_map m = { .items = "//b", .title = "//b", .text = "/" };
	size_t n = HTML_ITEMS_MAX + 500, i, len = 0;
	char *s = malloc(n * 8 + 32), err[256];
	struct parse_source src = {
		.feed = "t", .fetch_time = FETCH_TIME, .type = PARSE_HTML, .map = &m
	};
	struct parse_stats st;
	unsigned count = 0;
	struct got g = {0};

	if (!s) {
		CHECK(!"out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(s + len, "<b>x</b>");
	src.data = s;
	src.len = len;
	(void)count;
	g.stop_after = 0;
	CHECK_INT(parse_feed(&src, collect, &g, &st, err, sizeof err), 0);
	CHECK(st.items < HTML_ITEMS_MAX);
	CHECK(st.recovered >= 1);
	CHECK_INT(st.items + st.skipped, n);
	got_free(&g);
	free(s);
}

int
main(void)
{
	RUN(test_json_paths);
	RUN(test_json_ratings);
	RUN(test_json_shapes);
	RUN(test_html_fields);
	RUN(test_html_http_charset);
	RUN(test_html_errors);
	RUN(test_html_bounds);
	return TEST_END();
}
