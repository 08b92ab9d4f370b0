/* Tests for the parse stage: RSS / Atom fixtures in tests/data/parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "test.h"
#include "test_items.h"
#include "test_linear.h"
#include "util.h"

#define DATA "tests/data/parse/"
#define FETCH_TIME 1700000000
#define T_0501_0930 1714555800 /* 2024-05-01T09:30:00Z */

static char *
load(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof path, DATA "%s", name);
	return load_file(path, len);
}

/* Parses data as feed "t" with the given base URL into g. */
static int
parse_mem(const char *data, size_t len, const char *url, enum parse_type type,
    struct got *g, struct parse_stats *st, char *err, size_t errlen)
{
	struct parse_source src = {
		.feed = "t", .url = url, .data = data, .len = len,
		.fetch_time = FETCH_TIME, .type = type
	};

	err[0] = '\0';
	return parse_feed(&src, collect, g, st, err, errlen);
}

static int
parse_file(const char *name, const char *url, struct got *g, struct parse_stats *st,
    char *err, size_t errlen)
{
	size_t len = 0;
	char *data = load(name, &len);
	int rc;

	if (!data) {
		fprintf(stderr, "cannot read %s%s\n", DATA, name);
		return -2;
	}
	rc = parse_mem(data, len, url, PARSE_AUTO, g, st, err, errlen);
	free(data);
	return rc;
}

static void
test_rss20(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("rss20.xml", "http://example.com/feed.xml", &g, &st, err,
	    sizeof err), 0);
	CHECK_INT(g.n, 3);
	CHECK_INT(st.items, 3);
	CHECK_INT(st.skipped, 1);
	CHECK_INT(st.recovered, 0);
	CHECK_STR(g.v[0].id, "post-1");
	CHECK_STR(g.v[0].link, "http://example.com/posts/1");
	CHECK_STR(g.v[0].title, "Acme & Co launch");
	CHECK_STR(g.v[0].author, "Jo Bloggs");
	CHECK_INT(g.v[0].published, T_0501_0930);
	CHECK_INT(g.v[0].date_guessed, 0);
	/* content:encoded (CDATA) beats description; script and style go. */
	CHECK_STR(g.v[0].text, "Acme’s new anvil is great…\nReally — it is.");
	CHECK(g.v[0].rating < 0);
	CHECK_STR(g.v[1].id, "http://example.com/p/2");
	CHECK_STR(g.v[1].link, "http://example.com/posts/2");
	CHECK_STR(g.v[1].title, "Second post");
	CHECK_STR(g.v[1].author, "Ann Example");
	CHECK_INT(g.v[1].published, 1714644000);
	CHECK_STR(g.v[1].text, "Plain description only here");
	/* A permalink guid stands in for the missing link. */
	CHECK_STR(g.v[2].id, "http://example.com/p/3");
	CHECK_STR(g.v[2].link, "http://example.com/p/3");
	CHECK_STR(g.v[2].title, NULL);
	CHECK_STR(g.v[2].author, NULL);
	CHECK_STR(g.v[2].text, "No title, only text");
	CHECK_INT(g.v[2].published, FETCH_TIME);
	CHECK_INT(g.v[2].date_guessed, 1);
	got_free(&g);
}

static void
test_rss10(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("rss10.rdf", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].id, "http://example.org/a");
	CHECK_STR(g.v[0].link, "http://example.org/a.html");
	CHECK_STR(g.v[0].title, "RDF item");
	CHECK_STR(g.v[0].author, "Rita");
	CHECK_INT(g.v[0].published, 1714573800);
	CHECK_STR(g.v[0].text, "RDF text");
	CHECK_INT(st.recovered, 0);
	got_free(&g);
}

static void
test_rss091(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	/* The DTD that would define &eacute; is never read: the names are
	 * known anyway, and count as repairs. */
	CHECK_INT(parse_file("rss091.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "Café opens");
	CHECK_STR(g.v[0].link, "http://old.example.com/cafe");
	CHECK_STR(g.v[0].id, "http://old.example.com/cafe");
	CHECK_STR(g.v[0].text, "Best café in town © 1999");
	CHECK_INT(st.recovered, 3);
	got_free(&g);
}

static void
test_atom10(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];
	int i;

	CHECK_INT(parse_file("atom10.xml", "http://example.net/feed.atom", &g, &st, err,
	    sizeof err), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.v[0].id, "tag:example.net,2024:1");
	/* rel="alternate" (not self), relative to the feed's xml:base. */
	CHECK_STR(g.v[0].link, "http://example.net/blog/posts/1");
	CHECK_STR(g.v[0].title, "Atom one & more");
	CHECK_STR(g.v[0].author, "Alice");
	CHECK_INT(g.v[0].published, 1714550400); /* published, not updated */
	CHECK_STR(g.v[0].text, "First line\nsecond line");
	/* The entry's own xml:base wins; type="text" keeps markup literal. */
	CHECK_STR(g.v[1].link, "http://other.example/y/2");
	CHECK_STR(g.v[1].title, "Two & <b>literal</b>");
	CHECK_INT(g.v[1].published, 1714644000);
	CHECK_STR(g.v[1].text, "Para one & <tag>\nPara two");
	CHECK_STR(g.v[1].author, NULL);
	CHECK_STR(g.v[2].link, NULL); /* only an enclosure */
	CHECK_STR(g.v[2].title, "Three");
	CHECK_STR(g.v[2].text, "Plain summary\ntwo lines");
	CHECK_INT(g.v[2].date_guessed, 1);
	for (i = 0; i < 3; i++)
		CHECK(!g.v[i].title || !strstr(g.v[i].title, "feed title"));
	got_free(&g);
}

static void
test_atom03(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("atom03.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.v[0].link, "http://example.org/2003/12/13/atom03");
	CHECK_STR(g.v[0].title, "Old style");
	CHECK_STR(g.v[0].author, "Mark");
	CHECK_INT(g.v[0].published, 1071318569); /* issued beats modified */
	CHECK_STR(g.v[0].text, "Escaped HTML");
	CHECK_INT(g.v[1].published, 1071396000);
	/* base64 content is skipped, the summary used. */
	CHECK_STR(g.v[1].text, "Summary text");
	got_free(&g);
}

/* Atom 0.3 mode="base64": decoded when the type is text, else ignored. */
static void
test_atom03_base64(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("atom03_base64.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 4);
	CHECK_STR(g.v[0].text, "Decoded HTML & more\ncaf\xc3\xa9");
	CHECK_STR(g.v[1].text, "Plain <not a tag> & text");
	CHECK_STR(g.v[2].text, "Summary of the binary");
	CHECK_STR(g.v[3].text, "Summary of the broken one");
	got_free(&g);
}

/* Atom 1.0: a media type outside text/ and XML is base64 of no text. */
static void
test_atom10_base64(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("atom10_base64.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.v[0].text, "A one-pixel picture");
	CHECK_STR(g.v[1].title, "A PDF, nothing else");
	CHECK_STR(g.v[1].text, NULL);
	CHECK_STR(g.v[2].text, "SGVsbG8= stays as it is");
	got_free(&g);
}

/* The first title of an XML feed read with an HTTP Content-Type. */
static char *
xml_title(const char *doc, const char *content_type)
{
	struct parse_source src = {
		.feed = "t", .data = doc, .len = strlen(doc), .fetch_time = FETCH_TIME,
		.type = PARSE_RSS, .content_type = content_type
	};

	return first_title(&src);
}

#define SJIS_NIHON "\x93\xfa\x96\x7b" /* "日本" in Shift_JIS */

/* HTTP's charset beats the XML declaration (RFC 7303); a BOM beats both. */
static void
test_xml_http_charset(void)
{
	static const char undeclared[] = "<rss><channel><item><title>" SJIS_NIHON
	    "</title></item></channel></rss>";
	static const char declared[] = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"
	    "<rss><channel><item><title>" SJIS_NIHON "</title></item></channel></rss>";
	static const char bom[] = "\xef\xbb\xbf<rss><channel><item><title>\xe6\x97\xa5"
	    "</title></item></channel></rss>";
	char *t;

	CHECK_STR((t = xml_title(undeclared, "text/xml; charset=Shift_JIS")), "\xe6\x97\xa5\xe6\x9c\xac");
	free(t);
	CHECK_STR((t = xml_title(declared, "application/rss+xml; charset=\"shift_jis\"")),
	    "\xe6\x97\xa5\xe6\x9c\xac");
	free(t);
	/* Without the header the declaration stands: four Latin-1 characters
	 * (the C1 ones read as Windows-1252, as the text layer does). */
	CHECK_STR((t = xml_title(declared, "text/xml")), "\xe2\x80\x9c\xc3\xba\xe2\x80\x93{");
	free(t);
	CHECK_STR((t = xml_title(bom, "text/xml; charset=iso-8859-1")), "\xe6\x97\xa5");
	free(t);
	/* An unknown charset is no charset. */
	CHECK_STR((t = xml_title(declared, "text/xml; charset=x-no-such")),
	    "\xe2\x80\x9c\xc3\xba\xe2\x80\x93{");
	free(t);
}

static void
test_broken_entities(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	/* BOM, blank lines before <?xml, bare '&', HTML names, &bogus;, &#0;. */
	CHECK_INT(parse_file("broken_entities.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.v[0].title, "Q & A");
	CHECK_STR(g.v[0].text, "Tom & Jerry & friends ééé &bogus; \xef\xbf\xbd AT&T");
	CHECK_STR(g.v[1].title, "After the error \"quoted\"");
	CHECK_STR(g.v[1].link, "http://example.com/?a=1&b=2");
	CHECK_INT(st.recovered, 9);
	got_free(&g);
}

static void
test_mid_error(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	/* Unescaped, unclosed HTML in item two: every item still comes out,
	 * and entities after the error are still decoded. */
	CHECK_INT(parse_file("mid_error.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.v[0].title, "One");
	CHECK_STR(g.v[0].text, "Fine & dandy");
	CHECK_STR(g.v[1].title, "Two");
	CHECK_STR(g.v[1].text, "Unescaped\nhtml");
	CHECK_STR(g.v[2].title, "Q & A");
	CHECK_STR(g.v[2].text, "After & the error");
	CHECK(st.recovered > 0);
	got_free(&g);
}

static void
test_namespaces(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("undeclared_prefix.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "Real title & more");
	CHECK_STR(g.v[0].text, "Real text");
	CHECK_STR(g.v[0].author, NULL);
	got_free(&g);
}

static void
test_encodings(void)
{
	static const struct {
		const char *file, *title;
	} cases[] = {
		{ "unknown_encoding_latin1.xml", "Café crème" },
		{ "unknown_encoding_utf8.xml", "Café crème" },
		{ "undeclared_latin1.xml", "Café undeclared latin-1" },
	};
	struct got g = {0};
	struct parse_stats st;
	char err[256];
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		CHECK_INT(parse_file(cases[i].file, NULL, &g, &st, err, sizeof err), 0);
		CHECK_INT(g.n, 1);
		CHECK_STR(g.v[0].title, cases[i].title);
		CHECK_INT(st.recovered, 1);
		got_free(&g);
	}
	CHECK_INT(parse_file("unknown_encoding_latin1.xml", NULL, &g, &st, err,
	    sizeof err), 0);
	CHECK_STR(g.v[0].text, "Naïve");
	got_free(&g);
	/* UTF-16 with a BOM: the same items as the UTF-8 original. */
	CHECK_INT(parse_file("utf16le_bom.xml", "http://example.com/", &g, &st, err,
	    sizeof err), 0);
	CHECK_INT(g.n, 3);
	CHECK_STR(g.v[0].text, "Acme’s new anvil is great…\nReally — it is.");
	CHECK_STR(g.v[1].link, "http://example.com/posts/2");
	CHECK_INT(st.recovered, 0);
	got_free(&g);
	/* UTF-32 (no BOM) declared under a name nobody knows. */
	CHECK_INT(parse_file("utf32be_unknown.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "Wide é \xf0\x9f\x98\x80");
	got_free(&g);
}

/* Small inline documents for single repairs. */
static void
test_inline_repairs(void)
{
	static const struct {
		const char *doc, *title;
	} cases[] = {
		{ "<rss><channel><item><title>1 < 2</title></item></channel></rss>", "1 < 2" },
		{ "<rss><channel><item><title>a\x01" "b\x0c" "c</title></item></channel></rss>",
		    "a b c" },
		{ "<rss><channel><item><title>caf\xe9 \xc3\xa9t\xc3\xa9</title></item></channel></rss>",
		    "caf\xef\xbf\xbd été" },
		{ "<rss><channel><item><title>&#x80;&#146;&#1;</title></item></channel></rss>",
		    "€’\xef\xbf\xbd" },
		{ "<rss><channel><item><title><![CDATA[A & B <i>c</i>]]></title></item></channel></rss>",
		    "A & B c" },
		{ "<feed><entry><title>No namespace</title></entry></feed>", "No namespace" },
		{ "<rss><channel><item><title a='x&y'>attr</title></item></channel></rss>", "attr" },
		{ "<rss><channel><item><title>&#X41;&#x42;</title></item></channel></rss>", "AB" },
		{ "<!DOCTYPE rss [ <!-- don't --> <!ENTITY x \"y\"> ]><rss><channel><item>"
		    "<title>After DTD &x;</title></item></channel></rss>", "After DTD &x;" },
		{ "<rss xmlns='http://backend.userland.com/rss'><channel><item><title>NS"
		    "</title></item></channel></rss>", "NS" },
		{ "<f:feed xmlns:f='http://example.com/pre-atom#'><f:entry><f:title>Pre"
		    "</f:title></f:entry></f:feed>", "Pre" },
	};
	struct got g = {0};
	struct parse_stats st;
	char err[256];
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		CHECK_INT(parse_mem(cases[i].doc, strlen(cases[i].doc), NULL, PARSE_RSS, &g,
		    &st, err, sizeof err), 0);
		CHECK_INT(g.n, 1);
		CHECK_STR(g.n ? g.v[0].title : NULL, cases[i].title);
		got_free(&g);
	}
}

static void
test_truncated(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("truncated.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 2);
	CHECK_STR(g.v[0].title, "First");
	CHECK_STR(g.v[1].title, "Second");
	CHECK_STR(g.v[1].link, "http://example.com/2");
	CHECK_INT(st.skipped, 1); /* the one cut in half */
	got_free(&g);
}

static int
has_passwd(const struct got *g)
{
	int i;

	for (i = 0; i < g->n && i < MAXGOT; i++)
		if ((g->v[i].title && strstr(g->v[i].title, "root:")) ||
		    (g->v[i].text && strstr(g->v[i].text, "root:")))
			return 1;
	return 0;
}

static void
test_hostile_dtd(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];
	clock_t start = clock();

	CHECK_INT(parse_file("billion_laughs.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK((double)(clock() - start) / CLOCKS_PER_SEC < 1.0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "Laughs &lol9;");
	got_free(&g);
	CHECK_INT(parse_file("xxe.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "Secret: &xxe;");
	CHECK(!has_passwd(&g));
	got_free(&g);
	/* UTF-16 is converted first, so its DTD goes the same way. */
	CHECK_INT(parse_file("xxe_utf16.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "Secret: &xxe;");
	CHECK(!has_passwd(&g));
	got_free(&g);
}

static void
test_not_feeds(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("not_feed.html", NULL, &g, &st, err, sizeof err), -1);
	CHECK_STR(err, "feed t: not an RSS or Atom feed (the document is <html>)");
	CHECK_INT(parse_file("empty.xml", NULL, &g, &st, err, sizeof err), -1);
	CHECK_STR(err, "feed t: not an RSS or Atom feed (the document is empty)");
	CHECK_INT(parse_file("blank.xml", NULL, &g, &st, err, sizeof err), -1);
	CHECK_STR(err, "feed t: not an RSS or Atom feed (the document is empty)");
	CHECK_INT(parse_mem("just words", 10, NULL, PARSE_RSS, &g, &st, err, sizeof err), -1);
	CHECK_STR(err, "feed t: not an RSS or Atom feed (line 1: Start tag expected, "
	    "'<' not found)");
	CHECK_INT(parse_mem("<opml><body/></opml>", 20, NULL, PARSE_RSS, &g, &st, err,
	    sizeof err), -1);
	CHECK_STR(err, "feed t: not an RSS or Atom feed (the document is <opml>)");
	CHECK_INT(g.n, 0);
	/* Found by the fuzzer: an empty href is no link, so nothing usable. */
	CHECK_INT(parse_file("fuzz_empty_href.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 0);
	CHECK_INT(st.skipped, 1);
	CHECK_INT(parse_mem("<feed xmlns='http://www.w3.org/2005/Atom'><entry><link href=''/>"
	    "</entry></feed>", 79, "http://e.x/", PARSE_AUTO, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 0);
	CHECK_INT(st.skipped, 1);
	/* A feed with no items is a feed. */
	CHECK_INT(parse_mem("<rss><channel><title>x</title></channel></rss>", 46, NULL,
	    PARSE_AUTO, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 0);
}

static void
test_stop_and_steal(void)
{
	struct got g = { .stop_after = 2 };
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("atom10.xml", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 2);
	CHECK_INT(st.items, 2);
	CHECK_STR(g.v[1].id, "tag:example.net,2024:2");
	got_free(&g);
	/* st may be NULL. */
	{
		struct parse_source src = { .feed = "t", .data = "<rss><channel><item>"
		    "<title>x</title></item></channel></rss>", .len = 59 };

		CHECK_INT(parse_feed(&src, collect, &g, NULL, err, sizeof err), 0);
		CHECK_INT(g.n, 1);
		CHECK_STR(g.v[0].title, "x");
		got_free(&g);
	}
}

static int
count_only(struct item *it, void *ctx)
{
	(void)it;
	(*(unsigned *)ctx)++;
	return 0;
}

static void
test_types(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_type_from_name("rss"), PARSE_RSS);
	CHECK_INT(parse_type_from_name("atom"), PARSE_RSS);
	CHECK_INT(parse_type_from_name("jsonfeed"), PARSE_JSONFEED);
	CHECK_INT(parse_type_from_name("json"), PARSE_JSON);
	CHECK_INT(parse_type_from_name("html"), PARSE_HTML);
	CHECK_INT(parse_type_from_name("auto"), PARSE_AUTO);
	CHECK_INT(parse_type_from_name("RSS"), -1);
	CHECK_INT(parse_type_from_name(""), -1);
	CHECK_INT(parse_type_from_name(NULL), -1);
	/* JSON that is no JSON Feed needs a mapping (test_parse_map.c). */
	CHECK_INT(parse_mem(" [1, 2]", 7, NULL, PARSE_AUTO, &g, &st, err, sizeof err), -1);
	CHECK_STR(err, "feed t: not a JSON Feed, and no mapping (items, text...) says "
	    "where its items are");
	CHECK_INT(parse_mem("{\"version\": 2}", 14, NULL, PARSE_AUTO, &g, &st, err,
	    sizeof err), -1);
	CHECK_STR(err, "feed t: not a JSON Feed, and no mapping (items, text...) says "
	    "where its items are");
	CHECK_INT(parse_mem("{\"items\": []}", 13, NULL, PARSE_JSON, &g, &st, err,
	    sizeof err), -1);
	CHECK_STR(err, "feed t: not a JSON Feed, and no mapping (items, text...) says "
	    "where its items are");
	CHECK_INT(parse_mem("<html/>", 7, NULL, PARSE_HTML, &g, &st, err, sizeof err), -1);
	CHECK(strstr(err, "feed t: an html feed needs 'items'") == err);
	CHECK_INT(g.n, 0);
}

static void
test_jsonfeed(void)
{
	struct got g = {0};
	struct parse_stats st;
	char err[256];

	CHECK_INT(parse_file("jsonfeed11.json", "https://example.org/feed.json", &g, &st,
	    err, sizeof err), 0);
	CHECK_INT(g.n, 3);
	CHECK_INT(st.skipped, 2);   /* an item with only an image; a string */
	CHECK_INT(st.recovered, 1); /* the BOM */
	CHECK_STR(g.v[0].id, "1");
	CHECK_STR(g.v[0].link, "https://example.org/posts/1");
	/* JSON Feed titles are plain text by its spec: no entity decoding. */
	CHECK_STR(g.v[0].title, "Acme &amp; JSON");
	CHECK_STR(g.v[0].author, "Jo");
	CHECK_STR(g.v[0].text, "Plain wins");
	CHECK_INT(g.v[0].published, T_0501_0930);
	CHECK_STR(g.v[1].id, "42");
	CHECK_STR(g.v[1].link, "https://elsewhere.example/x");
	CHECK_STR(g.v[1].title, NULL);
	CHECK_STR(g.v[1].author, "Old style author");
	CHECK_STR(g.v[1].text, "Only HTML…");
	CHECK_INT(g.v[1].published, 1714644000);
	CHECK_STR(g.v[2].text, "Summary only");
	CHECK_STR(g.v[2].link, NULL);
	CHECK_INT(g.v[2].date_guessed, 1);
	got_free(&g);
	CHECK_INT(parse_file("jsonfeed10.json", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_STR(g.v[0].title, "One point oh");
	CHECK_STR(g.v[0].text, "Text\nwith lines");
	CHECK_INT(g.v[0].published, T_0501_0930);
	got_free(&g);
	/* Declared jsonfeed: no version check, but items are required. */
	CHECK_INT(parse_mem("{\"items\": [{\"title\": \"x\"}]}", 27, NULL, PARSE_JSONFEED,
	    &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	got_free(&g);
	CHECK_INT(parse_mem("{\"title\": \"x\"}", 14, NULL, PARSE_JSONFEED, &g, &st, err,
	    sizeof err), -1);
	CHECK_STR(err, "feed t: not a JSON Feed (no \"items\" list)");
	CHECK_INT(parse_mem("{\"version\": \"https://jsonfeed.org/version/1\", ", 46, NULL,
	    PARSE_AUTO, &g, &st, err, sizeof err), -1);
	CHECK(!strncmp(err, "feed t: not valid JSON (line 1: ", 32));
	/* Invalid UTF-8 is replaced, not fatal. */
	CHECK_INT(parse_mem("{\"items\": [{\"title\": \"caf\xe9\"}]}", 30, NULL,
	    PARSE_JSONFEED, &g, &st, err, sizeof err), 0);
	CHECK_STR(g.n ? g.v[0].title : NULL, "caf?");
	CHECK_INT(st.recovered, 1);
	got_free(&g);
	/* The callback stops it. */
	g.stop_after = 1;
	CHECK_INT(parse_file("jsonfeed11.json", NULL, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.items, 1);
	got_free(&g);
}

/* A feed of n bytes, then n bytes of broken markup, n bytes of bare
 * ampersands; returns the seconds taken. */
static double
big_run(char *s, size_t n)
{
	static const char item[] = "<item><title>Item &amp; more</title><link>http://e.x/1"
	    "</link><description>&lt;p&gt;Some &lt;b&gt;text&lt;/b&gt; & a bare amp"
	    "&lt;/p&gt;</description></item>\n";
	size_t k = sizeof item - 1, len, count = 0;
	struct parse_source src = { .feed = "big", .data = s };
	struct parse_stats st;
	unsigned items = 0;
	clock_t start = clock();
	char err[256];

	len = (size_t)sprintf(s, "<rss><channel>\n");
	for (; len + k + 20 < n; len += k, count++)
		memcpy(s + len, item, k);
	len += (size_t)sprintf(s + len, "</channel></rss>\n");
	src.len = len;
	CHECK_INT(parse_feed(&src, count_only, &items, &st, err, sizeof err), 0);
	CHECK_INT(items, count);
	CHECK_INT(st.recovered, count);
	/* Every item followed by an unclosed <p>, so they nest until
	 * libxml2's depth limit (256) stops it. */
	len = (size_t)sprintf(s, "<rss><channel>\n");
	for (; len + k + 20 < n; len += k + 3) {
		memcpy(s + len, item, k);
		memcpy(s + len + k, "<p>", 3);
	}
	src.len = len;
	items = 0;
	CHECK_INT(parse_feed(&src, count_only, &items, &st, err, sizeof err), 0);
	CHECK(items > 200 && items < 256);
	len = (size_t)sprintf(s, "<rss><channel><item><title>");
	for (; len + 40 < n; len += 2)
		memcpy(s + len, "& ", 2);
	len += (size_t)sprintf(s + len, "</title></item></channel></rss>");
	src.len = len;
	items = 0;
	CHECK_INT(parse_feed(&src, count_only, &items, &st, err, sizeof err), 0);
	CHECK_INT(items, 1);
	return (double)(clock() - start) / CLOCKS_PER_SEC;
}

static void
test_big(void)
{
	check_linear(big_run, 10u << 20, 200);
}

/* An entry whose content is n bytes of unit, of the given Atom type. */
static size_t
big_entry(char *s, size_t n, const char *type, const char *unit)
{
	size_t len = (size_t)sprintf(s, "<feed xmlns='http://www.w3.org/2005/Atom'><entry>"
	    "<title>Big</title><content type='%s'>", type), k = strlen(unit);

	for (; len + k < n; len += k)
		memcpy(s + len, unit, k);
	return len + (size_t)sprintf(s + len, "</content></entry></feed>");
}

/* A field past FIELD_MAX (4 MiB) is cut there, counted once. */
static void
test_field_cap(void)
{
	size_t n = 6u << 20, len;
	char *s = malloc(n + 200), err[256];
	struct got g = {0};
	struct parse_stats st;

	if (!s) {
		CHECK(!"out of memory");
		return;
	}
	len = big_entry(s, n, "text", "abcdefgh");
	CHECK_INT(parse_mem(s, len, NULL, PARSE_RSS, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.recovered, 1);
	CHECK_INT(g.v[0].text ? strlen(g.v[0].text) : 0, 4u << 20);
	got_free(&g);
	/* In XHTML the cut is on the re-escaped markup: 8 bytes a unit. */
	len = big_entry(s, n, "xhtml", "a &amp; ");
	CHECK_INT(parse_mem(s, len, NULL, PARSE_RSS, &g, &st, err, sizeof err), 0);
	CHECK_INT(g.n, 1);
	CHECK_INT(st.recovered, 1);
	CHECK_INT(g.v[0].text ? strlen(g.v[0].text) : 0, (2u << 20) - 1);
	CHECK(g.v[0].text && !strncmp(g.v[0].text, "a & a & ", 8));
	got_free(&g);
	free(s);
}

int
main(void)
{
	RUN(test_rss20);
	RUN(test_rss10);
	RUN(test_rss091);
	RUN(test_atom10);
	RUN(test_atom03);
	RUN(test_atom03_base64);
	RUN(test_xml_http_charset);
	RUN(test_atom10_base64);
	RUN(test_broken_entities);
	RUN(test_mid_error);
	RUN(test_namespaces);
	RUN(test_encodings);
	RUN(test_inline_repairs);
	RUN(test_truncated);
	RUN(test_hostile_dtd);
	RUN(test_not_feeds);
	RUN(test_stop_and_steal);
	RUN(test_types);
	RUN(test_jsonfeed);
	RUN(test_big);
	RUN(test_field_cap);
	return TEST_END();
}
