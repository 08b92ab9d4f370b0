/* The HTML digest's per-brand section: its chart, its tables and its
 * mentions. */
#include <math.h>
#include <string.h>

#include "digest_html_int.h"
#include "util.h"

#define MAX_ROWS 50   /* rows one table shows; the document has far fewer */

static const struct { const char *key, *label; } periods[] = {
	{ "day", "Digest day" }, { "previous", "Day before" },
	{ "avg7", "7-day average" }, { "period", "Whole period" },
};

void
html_arrow(struct html *h, const json_t *t, int up_is_bad)
{
	const char *arrow = j_str(t, "arrow");
	const char *glyph = "\xe2\x96\xb6", *cls = "flat";  /* ▶ */
	double change = j_num(t, "change");

	if (arrow && strcmp(arrow, "up") == 0)
		glyph = "\xe2\x96\xb2", cls = up_is_bad ? "up bad" : "up good";   /* ▲ */
	else if (arrow && strcmp(arrow, "down") == 0)
		glyph = "\xe2\x96\xbc", cls = up_is_bad ? "down good" : "down bad"; /* ▼ */
	else
		arrow = "flat";
	h_printf(h, "<span class=\"arrow %s\">%s <span class=\"sr\">%s</span> ", cls, glyph,
	    arrow);
	if (change == 0)
		h_puts(h, "0");
	else if (isfinite(change))
		h_printf(h, change == floor(change) ? "%+.0f" : "%+.2f", change);
	else
		h_puts(h, "\xe2\x80\x94");
	h_puts(h, "</span>");
}

/* The highlight is byte offsets into the snippet; anything that does not
 * fall on character boundaries inside it is ignored, not trusted. */
static void
snippet(struct html *h, const char *s, const json_t *hl)
{
	size_t len = s ? strlen(s) : 0;
	json_int_t a = json_integer_value(json_array_get(hl, 0));
	json_int_t b = json_integer_value(json_array_get(hl, 1));

	if (!s)
		return;
	if (json_array_size(hl) != 2 || a < 0 || b <= a || (size_t)b > len ||
	    (s[a] & 0xc0) == 0x80 || (s[b] & 0xc0) == 0x80) {
		h_text(h, s, "");
		return;
	}
	h_textn(h, s, (size_t)a);
	h_puts(h, "<mark>");
	h_textn(h, s + a, (size_t)(b - a));
	h_puts(h, "</mark>");
	h_textn(h, s + b, len - (size_t)b);
}

void
html_mention(struct html *h, const json_t *m)
{
	const char *label = j_str(m, "label");
	const char *cls = label && strcmp(label, "negative") == 0 ? "neg" :
	    label && strcmp(label, "positive") == 0 ? "pos" : "neu";
	const json_t *aspects = json_object_get(m, "aspects");
	size_t i;

	h_printf(h, "<li class=\"mention %s\"><p class=\"head\">", cls);
	h_link(h, j_str(m, "link"), j_str(m, "title"));
	h_puts(h, "</p><p class=\"by\">");
	h_text(h, j_str(m, "brand"), "?");
	h_puts(h, " \xc2\xb7 ");
	h_text(h, j_str(m, "feed"), "?");
	h_puts(h, " \xc2\xb7 ");
	h_text(h, j_str(m, "author"), "unknown author");
	h_puts(h, " \xc2\xb7 <time>");
	h_text(h, j_str(m, "published"), "");
	h_puts(h, "</time></p><blockquote>");
	snippet(h, j_str(m, "snippet"), json_object_get(m, "highlight"));
	h_printf(h, "</blockquote><p class=\"score %s\">Score ", cls);
	h_num(h, json_object_get(m, "compound"), "%+.2f");
	h_puts(h, " (");
	h_text(h, label, "unlabelled");
	h_puts(h, ")");
	/* The reason already ends "; about billing, price" when the post has
	 * aspects; the list is shown only for a mention without a reason. */
	if (j_str(m, "reason")) {
		h_puts(h, ": ");
		h_text(h, j_str(m, "reason"), "");
	}
	for (i = 0; !j_str(m, "reason") && i < json_array_size(aspects) && i < MAX_ROWS; i++) {
		h_puts(h, i ? ", " : "; about ");
		h_text(h, json_string_value(json_array_get(aspects, i)), "?");
	}
	h_puts(h, "</p></li>");
}

static void
metrics_table(struct html *h, const json_t *b)
{
	static const char *const counts[] = { "mentions", "positive", "neutral", "negative" };
	static const char *const cols[] = { "Period", "Mentions", "Positive", "Neutral",
		"Negative", "Negative share", "Positive : negative", "Net sentiment",
		"Average score", "Authors" };
	size_t i, k;

	h_table_open(h, NULL, "Volume and sentiment", cols, NELEM(cols));
	for (i = 0; i < sizeof periods / sizeof periods[0]; i++) {
		const json_t *m = json_object_get(b, periods[i].key);

		h_printf(h, "<tr><th scope=\"row\">%s</th>", periods[i].label);
		for (k = 0; k < 4; k++) {
			h_puts(h, "<td>");
			h_num(h, json_object_get(m, counts[k]), NULL);
			h_puts(h, "</td>");
		}
		h_puts(h, "<td>");
		h_pct(h, json_object_get(m, "negative_share"));
		h_puts(h, "</td><td>");
		h_text(h, j_str(m, "ratio"), NULL);
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(m, "net_sentiment"), "%+.2f");
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(m, "compound_avg"), "%+.2f");
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(m, "authors"), NULL);
		h_puts(h, "</td></tr>");
	}
	h_table_close(h);
}

static void
trend_table(struct html *h, const json_t *trend)
{
	static const struct { const char *key, *label; int bad; } rows[] = {
		{ "mentions", "Mentions", 0 }, { "negative", "Negative mentions", 1 },
		{ "net_sentiment", "Net sentiment", 0 },
	};
	static const char *const cols[] = { "Figure", "Digest day", "Day before", "Change",
		"7-day average", "Against the average" };
	size_t i;

	h_table_open(h, NULL, "Trend", cols, NELEM(cols));
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const json_t *t = json_object_get(trend, rows[i].key);
		const char *fmt = i == 2 ? "%+.2f" : NULL;

		h_printf(h, "<tr><th scope=\"row\">%s</th><td>", rows[i].label);
		h_num(h, json_object_get(t, "value"), fmt);
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(t, "previous"), fmt);
		h_puts(h, "</td><td>");
		html_arrow(h, t, rows[i].bad);
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(t, "avg7"), i == 2 ? "%+.2f" : "%.1f");
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(t, "change_avg7_pct"), "%+.1f%%");
		h_puts(h, "</td></tr>");
	}
	h_table_close(h);
}

static void
listening_table(struct html *h, const json_t *l)
{
	static const struct { const char *key, *label, *fmt; } rows[] = {
		{ "strength", "Strength", "%.2f" }, { "passion", "Passion", "%.2f" },
		{ "reach", "Reach", "%.2f" }, { "sentiment", "Sentiment", NULL },
	};
	static const char *const cols[] = { "Measure", "Value" };
	size_t i;

	h_table_open(h, "narrow", "Listening measures (over the period)", cols, NELEM(cols));
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		h_printf(h, "<tr><th scope=\"row\"><a href=\"#fn-%s\">%s</a></th><td>",
		    rows[i].key, rows[i].label);
		if (rows[i].fmt)
			h_num(h, json_object_get(l, rows[i].key), rows[i].fmt);
		else
			h_text(h, j_str(l, rows[i].key), NULL);
		h_puts(h, "</td></tr>");
	}
	h_table_close(h);
}

static void
ratings(struct html *h, const json_t *r)
{
	static const char *const cols[] = { "Figure", "Value" };

	h_puts(h, "<h3>Star ratings <small>(an NPS-style score derived from public ratings, "
	    "not a survey)</small></h3>");
	if (!json_is_object(r)) {
		h_puts(h, "<p>No rated mentions in the period.</p>");
		return;
	}
	h_table_open(h, "narrow", NULL, cols, NELEM(cols));
	h_puts(h, "<tr><th scope=\"row\">Rated mentions</th><td>");
	h_num(h, json_object_get(r, "count"), NULL);
	h_puts(h, "</td></tr><tr><th scope=\"row\">Average rating</th><td>");
	h_num(h, json_object_get(r, "average_stars"), "%.1f");
	h_puts(h, " of ");
	h_num(h, json_object_get(r, "scale"), NULL);
	h_puts(h, "</td></tr><tr><th scope=\"row\">Promoters / passives / detractors</th><td>");
	h_num(h, json_object_get(r, "promoters"), NULL);
	h_puts(h, " / ");
	h_num(h, json_object_get(r, "passives"), NULL);
	h_puts(h, " / ");
	h_num(h, json_object_get(r, "detractors"), NULL);
	h_puts(h, "</td></tr><tr><th scope=\"row\"><a href=\"#fn-nps-style-score\">NPS-style "
	    "score</a></th><td>");
	h_num(h, json_object_get(r, "nps"), "%+.0f");
	h_puts(h, "</td></tr>");
	h_table_close(h);
}

/* A table of one list of the brand: each column a key of the rows
 * (numbers right-aligned by the style), an empty list said in words. */
struct column { const char *key, *label; int text; };

static void
list_table(struct html *h, const json_t *rows, const char *caption,
    const struct column *cols, size_t ncols)
{
	size_t i, k;

	if (!json_array_size(rows)) {
		h_printf(h, "<p class=\"none\">%s: none in the period.</p>", caption);
		return;
	}
	h_printf(h, "<div class=\"scroll\"><table class=\"narrow\"><caption>%s</caption>"
	    "<thead><tr>", caption);
	for (k = 0; k < ncols; k++)
		h_printf(h, "<th scope=\"col\">%s</th>", cols[k].label);
	h_puts(h, "</tr></thead><tbody>");
	for (i = 0; i < json_array_size(rows) && i < MAX_ROWS; i++) {
		const json_t *r = json_array_get(rows, i);

		h_puts(h, "<tr>");
		for (k = 0; k < ncols; k++) {
			h_puts(h, k ? "<td>" : "<th scope=\"row\">");
			if (cols[k].text)
				h_text(h, j_str(r, cols[k].key), NULL);
			else
				h_num(h, json_object_get(r, cols[k].key), NULL);
			h_puts(h, k ? "</td>" : "</th>");
		}
		h_puts(h, "</tr>");
	}
	h_table_close(h);
}

static void
lists(struct html *h, const json_t *b)
{
	static const struct column sources[] = {
		{ "feed", "Source", 1 }, { "mentions", "Mentions", 0 },
		{ "positive", "Positive", 0 }, { "neutral", "Neutral", 0 },
		{ "negative", "Negative", 0 }, { "ratio", "Positive : negative", 1 },
	};
	static const struct column aspects[] = {
		{ "aspect", "Aspect", 1 }, { "negative", "Negative", 0 }, { "total", "Of mentions", 0 },
	};
	static const struct column terms[] = { { "term", "Term", 1 }, { "count", "Mentions", 0 } };
	static const struct column authors[] = {
		{ "author", "Author", 1 }, { "mentions", "Mentions", 0 },
	};

	list_table(h, json_object_get(b, "sources"), "Top sources", sources, 6);
	list_table(h, json_object_get(b, "aspects"), "Aspects by negative share", aspects, 3);
	h_puts(h, "<div class=\"pair\">");
	list_table(h, json_object_get(b, "top_terms"), "Top terms", terms, 2);
	list_table(h, json_object_get(b, "top_authors"), "Top authors", authors, 2);
	h_puts(h, "</div>");
}

static void
mentions(struct html *h, const json_t *list, const char *title)
{
	size_t i;

	h_printf(h, "<h3>%s</h3>", title);
	if (!json_array_size(list)) {
		h_puts(h, "<p class=\"none\">None in the period.</p>");
		return;
	}
	h_puts(h, "<ul class=\"mentions\">");
	for (i = 0; i < json_array_size(list) && i < MAX_ROWS; i++)
		html_mention(h, json_array_get(list, i));
	h_puts(h, "</ul>");
}

/* The chart's figures as a table too: for readers who cannot see it. */
static void
daily_table(struct html *h, const json_t *daily)
{
	static const struct column cols[] = {
		{ "date", "Day", 1 }, { "mentions", "Mentions", 0 }, { "positive", "Positive", 0 },
		{ "neutral", "Neutral", 0 }, { "negative", "Negative", 0 },
	};

	h_puts(h, "<details><summary>Figures per day</summary>");
	list_table(h, daily, "Mentions per day", cols, 5);
	h_puts(h, "</details>");
}

void
html_brand(struct html *h, const json_t *b, size_t n)
{
	const json_t *daily = json_object_get(b, "daily");

	h_printf(h, "<section class=\"brand\" id=\"brand-%zu\"><h2>", n);
	h_text(h, j_str(b, "name"), "?");
	h_puts(h, "</h2><figure>");
	svg_daily(h, daily, j_str(b, "name"), n);
	h_puts(h, "<figcaption class=\"legend\">Mentions per day, stacked from the bottom: "
	    "<span class=\"key neg\"></span> negative, <span class=\"key neu\"></span> "
	    "neutral, <span class=\"key pos\"></span> positive.</figcaption></figure>");
	daily_table(h, daily);
	metrics_table(h, b);
	trend_table(h, json_object_get(b, "trend"));
	listening_table(h, json_object_get(b, "listening"));
	ratings(h, json_object_get(b, "ratings"));
	lists(h, b);
	mentions(h, json_object_get(b, "most_negative"), "Most negative mentions");
	mentions(h, json_object_get(b, "most_positive"), "Most positive mentions");
	h_puts(h, "</section>");
}
