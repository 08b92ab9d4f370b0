/* The HTML digest from a hand-made document (tests/data/digest/
 * html_fixture.json): hostile strings stay text, the page is well-formed
 * for libxml2's HTML parser, it requests nothing, charts are to scale and
 * absent values show as absent. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <strings.h>

#include "digest_html.h"
#include "test.h"
#include "util.h"

#define FIXTURE "tests/data/digest/html_fixture.json"

/* 1 if needle occurs in s, ASCII case ignored (strcasestr is not POSIX). */
static int
has_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

static json_t *
fixture(void)
{
	json_error_t e;
	json_t *doc = json_load_file(FIXTURE, 0, &e);

	if (!doc)
		fprintf(stderr, "%s:%d: %s (run from the repository root)\n", FIXTURE, e.line,
		    e.text);
	return doc;
}

/* Renders doc into a malloc'd string the caller frees; NULL on failure. */
static char *
render(const json_t *doc)
{
	struct buf b = {0};

	if (digest_html(doc, &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static unsigned parse_errors;

static void
on_error(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	/* libxml2 2.9's HTML parser knows no SVG and no HTML5 elements; an
	 * unknown tag is all it may say. */
	if (e->code == XML_HTML_UNKNOWN_TAG)
		return;
	parse_errors++;
	fprintf(stderr, "html:%d: %s", e->line, e->message);
}

static htmlDocPtr
parse(const char *html)
{
	parse_errors = 0;
	xmlSetStructuredErrorFunc(NULL, on_error);
	return htmlReadMemory(html, (int)strlen(html), "digest.html", "UTF-8",
	    HTML_PARSE_NONET);
}

static int
has_class(xmlNodePtr n, const char *cls)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"class");
	int yes = v && strcmp((char *)v, cls) == 0;

	xmlFree(v);
	return yes;
}

struct census {
	unsigned elements, daily, spark, share, svg_titled, tables, th_tables;
	unsigned post_links, bad_links, forbidden, handlers;
};

static void
walk(xmlNodePtr n, struct census *c)
{
	static const char *const banned[] = { "script", "img", "iframe", "object", "embed",
		"link", "image", "use", "foreignobject", "base", "form" };
	xmlAttrPtr a;
	size_t i;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		c->elements++;
		for (i = 0; i < NELEM(banned); i++)
			c->forbidden += strcasecmp((const char *)n->name, banned[i]) == 0;
		for (a = n->properties; a; a = a->next) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
			const char *name = (const char *)a->name;

			c->handlers += strncasecmp(name, "on", 2) == 0;
			c->forbidden += strcasecmp(name, "src") == 0 ||
			    strcasecmp(name, "srcset") == 0;
			if (strcasecmp(name, "href") == 0 || strcasecmp(name, "xlink:href") == 0) {
				if (str_startswith((char *)v, "https://reviews.example.com/"))
					c->post_links++;
				else if (!v || v[0] != '#')
					c->bad_links++;
			}
			xmlFree(v);
		}
		if (strcmp((const char *)n->name, "svg") == 0) {
			c->daily += has_class(n, "daily");
			c->spark += has_class(n, "spark");
			c->share += has_class(n, "share");
			c->svg_titled += n->children && strcmp((char *)n->children->name, "title") == 0;
		}
		if (strcmp((const char *)n->name, "table") == 0)
			c->tables++;
		if (strcmp((const char *)n->name, "thead") == 0)
			c->th_tables++;
		walk(n->children, c);
	}
}

static void
test_escaping(void)
{
	json_t *doc = fixture();
	char *html = doc ? render(doc) : NULL;

	CHECK(html != NULL);
	if (!html) {
		json_decref(doc);
		return;
	}
	CHECK(!has_ci(html, "<script"));
	CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(!has_ci(html, "<img"));
	CHECK(strstr(html, "&lt;img src=x onerror=alert(1)&gt;") != NULL);
	CHECK(!has_ci(html, "href=\"javascript"));
	CHECK(strstr(html, "JavaScript:alert(1))</span>") != NULL);   /* shown as text */
	CHECK(!strstr(html, "\" onmouseover=\""));
	CHECK(strstr(html, "&quot; onmouseover=&quot;alert(1)") != NULL);
	CHECK(strstr(html, "href=\"https://reviews.example.com/p/1?a=1&amp;b=&quot;2&quot;\"") != NULL);
	CHECK(strstr(html, "&quot;&gt;&lt;script&gt;alert(&#39;a&#39;)") != NULL);
	CHECK(strstr(html, "news&lt;i&gt;&amp;amp;&lt;/i&gt;") != NULL);
	CHECK(strstr(html, "Initech &quot;&amp;&lt;Co&gt;") != NULL);
	/* The brand's match is marked, inside the escaped snippet. */
	CHECK(strstr(html, "&lt;b&gt;<mark>Acme</mark>&lt;/b&gt; crashed") != NULL);
	CHECK(strstr(html, "love <mark>ACME</mark>\xe2\x80\x99s") != NULL);
	/* A highlight outside its snippet is dropped, the snippet kept. */
	CHECK(strstr(html, "<blockquote>Globex billing is a mess</blockquote>") != NULL);
	CHECK(utf8_valid(html, strlen(html)));
	free(html);
	json_decref(doc);
}

static void
test_structure(void)
{
	json_t *doc = fixture();
	char *html = doc ? render(doc) : NULL;
	htmlDocPtr d = html ? parse(html) : NULL;
	struct census c = {0};

	CHECK(d != NULL);
	if (d)
		walk(xmlDocGetRootElement(d), &c);
	CHECK_INT(parse_errors, 0);
	CHECK(c.elements > 300);
	CHECK_INT(c.daily, 3);                   /* one chart per brand */
	CHECK_INT(c.share, 1);                   /* one bar per group */
	CHECK_INT(c.spark, 3);                   /* a sparkline per brand */
	CHECK_INT(c.svg_titled, c.daily + c.share + 3);
	CHECK_INT(c.forbidden, 0);
	CHECK_INT(c.handlers, 0);
	CHECK_INT(c.bad_links, 0);
	CHECK_INT(c.post_links, 2);              /* m1, in needs_reply and most_negative */
	CHECK_INT(c.tables, c.th_tables);        /* every table has headers */
	CHECK(strstr(html, "<meta name=\"viewport\"") != NULL);
	CHECK(strstr(html, "@media print") != NULL);
	CHECK(!strstr(html, "url("));            /* no CSS request either */
	CHECK(!strstr(html, "@import"));
	/* m1 is shown twice (needs a reply, most negative); its reason names
	 * its aspect, which must not be added a second time. */
	{
		const char *p = html;
		int n = 0;

		while (p && (p = strstr(p, "about billing")))
			n++, p++;
		CHECK_INT(n, 2);
	}
	xmlFreeDoc(d);
	free(html);
	json_decref(doc);
}

/* Heights of the stacked rects of brand n's chart, bottom first per day,
 * into h[]; returns how many. */
static size_t
bar_heights(xmlNodePtr n, size_t *seen, size_t want, double *h, size_t max)
{
	size_t k = 0;

	for (; n && k < max; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((char *)n->name, "svg") == 0 && has_class(n, "daily") && (*seen)++ == want) {
			xmlNodePtr g, r;

			for (g = n->children; g; g = g->next)
				for (r = g->children; r && k < max; r = r->next)
					if (strcmp((char *)r->name, "rect") == 0) {
						xmlChar *v = xmlGetProp(r, (const xmlChar *)"height");

						h[k++] = v ? atof((char *)v) : -1;
						xmlFree(v);
					}
			return k;
		}
		k += bar_heights(n->children, seen, want, h + k, max - k);
	}
	return k;
}

static void
test_chart_geometry(void)
{
	json_t *doc = fixture();
	char *html = doc ? render(doc) : NULL;
	htmlDocPtr d = html ? parse(html) : NULL;
	const json_t *daily = json_object_get(json_array_get(json_object_get(doc, "brands"), 0),
	    "daily");
	static const char *const order[] = { "negative", "neutral", "positive" };
	double h[64], unit = 0;
	size_t seen = 0, n, i, k, j = 0;

	n = d ? bar_heights(xmlDocGetRootElement(d), &seen, 0, h, NELEM(h)) : 0;
	CHECK_INT(n, 18);       /* Acme: 7 days, one empty, a few zero segments */
	/* Every segment is its count times one unit; the tallest day (15)
	 * fills the plot (160 units). */
	for (i = 0; i < json_array_size(daily); i++)
		for (k = 0; k < 3; k++) {
			json_int_t v = json_integer_value(json_object_get(json_array_get(daily, i),
			    order[k]));

			if (v <= 0 || j >= n)
				continue;
			if (!unit)
				unit = h[j] / (double)v;
			CHECK_NEAR(h[j] / (double)v, unit, 0.01);
			j++;
		}
	CHECK_NEAR(unit, 160.0 / 15, 0.01);
	/* The brand with no mentions gets an empty chart, said in words. */
	seen = 0;
	CHECK_INT(d ? bar_heights(xmlDocGetRootElement(d), &seen, 2, h, NELEM(h)) : 1, 0);
	CHECK(html && strstr(html, "No mentions in this period") != NULL);
	/* Share of voice: 60% and 40% of a 600-unit bar. */
	CHECK(html && strstr(html, "<rect class=\"c0\" x=\"0.00\" y=\"0\" width=\"360.00\"") != NULL);
	CHECK(html && strstr(html, "<rect class=\"c1\" x=\"360.00\" y=\"0\" width=\"240.00\"") != NULL);
	xmlFreeDoc(d);
	free(html);
	json_decref(doc);
}

static void
test_nulls(void)
{
	json_t *doc = fixture();
	char *html = doc ? render(doc) : NULL;
	const char *initech = html ? strstr(html, "<section class=\"brand\" id=\"brand-2\">") : NULL;

	CHECK(initech != NULL);
	if (initech) {
		CHECK(strstr(initech, "No rated mentions in the period.") != NULL);
		CHECK(strstr(initech, "<td>\xe2\x80\x94</td>") != NULL);   /* null ratio etc. */
		CHECK(strstr(initech, "Top sources: none in the period.") != NULL);
		CHECK(!strstr(initech, "nan") && !strstr(initech, "inf<"));
	}
	CHECK(html && strstr(html, "unknown author") != NULL);
	CHECK(html && strstr(html, "(untitled)") != NULL);
	free(html);
	/* A document without optional parts still renders; a wrong schema
	 * does not. */
	json_object_del(doc, "groups");
	json_object_del(doc, "needs_reply");
	json_object_del(doc, "footnotes");
	html = doc ? render(doc) : NULL;
	CHECK(html && strstr(html, "No negative mentions on the day.") != NULL);
	CHECK(html && !strstr(html, "Share of voice on the day"));
	free(html);
	json_object_set_new(doc, "schema", json_integer(2));
	CHECK(render(doc) == NULL);
	json_decref(doc);
}

/* Bytes jansson would refuse (a feed's text is sanitised long before,
 * but the page must not rely on it) and control characters. */
static void
test_bad_bytes(void)
{
	json_t *doc = fixture();
	json_t *m = json_array_get(json_object_get(doc, "needs_reply"), 0);
	char *html;

	json_object_set_new(m, "title", json_stringn_nocheck("a\xff\xc3(b\x01\x1b[31m", 11));
	html = render(doc);
	CHECK(html && utf8_valid(html, strlen(html)));
	CHECK(html && strstr(html, "a\xef\xbf\xbd\xef\xbf\xbd(b\xef\xbf\xbd\xef\xbf\xbd[31m") != NULL);
	free(html);
	json_decref(doc);
}

/* Only absolute http(s) URLs without spaces or controls become links. */
static void
test_links(void)
{
	static const struct { const char *url; int link; } cases[] = {
		{ "HTTPS://Example.com/a", 1 }, { "http://example.com/?q=<x>", 1 },
		{ "https://example.com/a b", 0 }, { "https://example.com/\tx", 0 },
		{ " https://example.com/", 0 }, { "data:text/html,<b>x</b>", 0 },
		{ "vbscript:msgbox(1)", 0 }, { "//example.com/x", 0 }, { "/relative", 0 },
	};
	json_t *doc = fixture();
	json_t *m = json_array_get(json_object_get(doc, "needs_reply"), 2);
	char *html, want[256];
	size_t i;

	for (i = 0; i < NELEM(cases); i++) {
		json_object_set_new(m, "link", json_string(cases[i].url));
		html = render(doc);
		CHECK(html != NULL);
		if (!html)
			continue;
		CHECK_INT(has_ci(html, "<a href=\"https://example.com/") ||
		    has_ci(html, "<a href=\"http://example.com/"), cases[i].link);
		snprintf(want, sizeof want, "(link not shown as a link: %.40s",
		    cases[i].url[0] == 'd' ? "data:text/html,&lt;b&gt;" : cases[i].url);
		if (!cases[i].link && cases[i].url[0] != ' ' && !strchr(cases[i].url, '\t'))
			CHECK(strstr(html, want) != NULL);
		free(html);
	}
	json_decref(doc);
}

/* A month's chart labels about 14 of its days, and draws every bar. */
static void
test_long_period(void)
{
	json_t *doc = fixture();
	json_t *daily = json_array(), *b = json_array_get(json_object_get(doc, "brands"), 1);
	char *html, *chart, *end, date[16];
	size_t i, ticks = 0, bars = 0;

	for (i = 0; i < 30; i++) {
		snprintf(date, sizeof date, "2026-11-%02zu", i + 1);
		json_array_append_new(daily, json_pack("{s:s,s:i,s:i,s:i,s:i}", "date", date,
		    "mentions", 1, "positive", 1, "neutral", 0, "negative", 0));
	}
	json_object_set_new(b, "daily", daily);
	html = render(doc);
	chart = html ? strstr(html, "<svg class=\"daily\" viewBox=\"0 0 600 200\" role=\"img\" "
	    "aria-labelledby=\"daily-t1\"") : NULL;
	end = chart ? strstr(chart, "</svg>") : NULL;
	CHECK(end != NULL);
	for (; chart && chart < end && (chart = strstr(chart + 1, "<text class=\"tick\"")) &&
	    chart < end;)
		ticks++;
	chart = html ? strstr(html, "aria-labelledby=\"daily-t1\"") : NULL;
	for (; chart && chart < end && (chart = strstr(chart + 1, "<rect class=\"pos\"")) &&
	    chart < end;)
		bars++;
	CHECK_INT(ticks, 10);
	CHECK_INT(bars, 30);
	free(html);
	json_decref(doc);
}

int
main(void)
{
	RUN(test_escaping);
	RUN(test_structure);
	RUN(test_chart_geometry);
	RUN(test_nulls);
	RUN(test_bad_bytes);
	RUN(test_links);
	RUN(test_long_period);
	xmlCleanupParser();
	return TEST_END();
}
