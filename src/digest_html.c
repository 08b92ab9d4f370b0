/* The digest as one HTML page: the page's frame, its style, the overview
 * of every brand, share of voice, the posts that need a reply and the
 * footnotes. Brand sections are digest_html_brand.c, charts digest_svg.c. */
#include <ctype.h>
#include <string.h>

#include "digest_html.h"
#include "digest_html_int.h"
#include "util.h"

#define MAX_BRANDS 1000   /* sections one page holds */

/* One stylesheet, inline: the page must render the same offline, in a
 * mail client and on paper. System fonts only: no request leaves it. */
static const char css[] =
    ":root{--pos:#2e7d32;--neu:#8d8d8d;--neg:#c62828;--ink:#1b1b1b;--muted:#5a5a5a;"
    "--line:#e2e2e2}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:#fff;color:var(--ink);"
    "font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif}"
    "main{max-width:60rem;margin:0 auto;padding:1rem}"
    "h1{font-size:1.6rem;margin:.3rem 0}"
    "h2{font-size:1.3rem;margin:2rem 0 .5rem;padding-bottom:.2rem;"
    "border-bottom:2px solid var(--line)}"
    "h3{font-size:1.05rem;margin:1.2rem 0 .3rem}"
    "small,.meta,.by,.none{color:var(--muted)}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}"
    "table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;"
    "font-variant-numeric:tabular-nums}"
    "table.narrow{width:auto;min-width:50%}"
    "caption{text-align:left;font-weight:600;padding:.2rem 0}"
    "th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:right;"
    "vertical-align:top}"
    "th:first-child,td:first-child{text-align:left}"
    "thead th{background:#f4f4f4;font-weight:600}"
    "tbody th{font-weight:normal}"
    "figure{margin:.5rem 0}"
    "svg{display:block;width:100%;height:auto}"
    "svg.spark{width:120px;height:28px}"
    "svg.swatch{display:inline;width:.8em;height:.8em}"
    "svg .pos,.key.pos{fill:var(--pos);background:var(--pos)}"
    "svg .neu,.key.neu{fill:var(--neu);background:var(--neu)}"
    "svg .neg,.key.neg{fill:var(--neg);background:var(--neg)}"
    "svg .axis,svg .grid{stroke:#999;stroke-width:1}"
    "svg .grid{stroke-dasharray:4 3;stroke:#ccc}"
    "svg text{font-size:12px;fill:var(--muted)}"
    "svg .tick,svg .empty{text-anchor:middle}"
    "svg .ytick{text-anchor:end}"
    "svg .in{fill:#fff;font-size:14px;font-weight:600}"
    "svg polyline{fill:none;stroke:#1f5fa8;stroke-width:2}"
    "svg .c0{fill:#1f5fa8}svg .c1{fill:#e07b00}svg .c2{fill:#6a3d9a}"
    "svg .c3{fill:#00897b}svg .c4{fill:#ad1457}svg .c5{fill:#546e7a}"
    ".key{display:inline-block;width:.8em;height:.8em;vertical-align:baseline;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    ".arrow{white-space:nowrap}.good{color:var(--pos)}.bad{color:var(--neg)}"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    "ul.mentions{list-style:none;padding:0;margin:0}"
    "li.mention{border:1px solid var(--line);border-left:4px solid var(--neu);"
    "border-radius:4px;padding:.5rem .8rem;margin:.6rem 0;break-inside:avoid}"
    "li.mention.neg{border-left-color:var(--neg)}li.mention.pos{border-left-color:var(--pos)}"
    "li.mention p{margin:.2rem 0}"
    ".head{font-weight:600;overflow-wrap:anywhere}"
    "blockquote{margin:.3rem 0;padding-left:.6rem;border-left:2px solid var(--line);"
    "overflow-wrap:anywhere}"
    "mark{background:#ffe27a;color:inherit;padding:0 .1em}"
    ".score.neg{color:var(--neg)}.score.pos{color:var(--pos)}"
    ".nolink{color:var(--muted);font-weight:normal;overflow-wrap:anywhere}"
    ".pair{display:flex;flex-wrap:wrap;gap:0 2rem}.pair>*{flex:1 1 14rem}"
    "dt{font-weight:600}dd{margin:0 0 .6rem}"
    "a{color:#1f5fa8}"
    "@media (max-width:40rem){body{font-size:15px}main{padding:.6rem}"
    "th,td{padding:.25rem .3rem}table.narrow{width:100%}"
    /* The chart shrinks to the screen with its text: set that larger. */
    "svg.daily text{font-size:20px}svg.share .in{font-size:22px}}"
    "@media print{body{font-size:10.5pt}main{max-width:none;padding:0}"
    "h2{break-after:avoid}section.brand{break-before:page}"
    "table,figure,li.mention{break-inside:avoid}.scroll{overflow:visible}"
    "details>*{display:block}"
    "li.mention a[href]::after{content:\" (\" attr(href) \")\";font-weight:normal;"
    "font-size:9pt;overflow-wrap:anywhere}"
    "svg *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static void
head(struct html *h, const json_t *doc)
{
	h_puts(h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"no-referrer\"><title>Brand digest ");
	h_text(h, j_str(doc, "date"), "");
	h_puts(h, "</title><style>");
	h_puts(h, css);
	h_puts(h, "</style></head><body><main><header><h1>Brand digest for ");
	h_text(h, j_str(doc, "date"), "?");
	if (json_is_true(json_object_get(doc, "partial")))
		h_puts(h, " <small>(today so far)</small>");
	h_puts(h, "</h1><p class=\"meta\">Period ");
	h_text(h, j_str(json_object_get(doc, "period"), "from"), "?");
	h_puts(h, " to ");
	h_text(h, j_str(json_object_get(doc, "period"), "to"), "?");
	h_puts(h, " (");
	h_num(h, json_object_get(doc, "days"), NULL);
	h_puts(h, " days), days in ");
	h_text(h, j_str(doc, "timezone"), "UTC");
	h_puts(h, "; generated <time>");
	h_text(h, j_str(doc, "generated"), "");
	h_puts(h, "</time>.</p></header>");
}

static void
overview(struct html *h, const json_t *brands)
{
	static const char *const cols[] = { "Brand", "Mentions", "Against the day before",
		"Against the 7-day average", "Per day", "Negative", "Net sentiment",
		"Share of voice" };
	size_t i;

	h_puts(h, "<section id=\"overview\"><h2>At a glance</h2>");
	h_table_open(h, NULL, NULL, cols, NELEM(cols));
	for (i = 0; i < json_array_size(brands) && i < MAX_BRANDS; i++) {
		const json_t *b = json_array_get(brands, i), *t = json_object_get(b, "trend");
		const json_t *day = json_object_get(b, "day");

		h_printf(h, "<tr><th scope=\"row\"><a href=\"#brand-%zu\">", i);
		h_text(h, j_str(b, "name"), "?");
		h_puts(h, "</a></th><td>");
		h_num(h, json_object_get(day, "mentions"), NULL);
		h_puts(h, "</td><td>");
		html_arrow(h, json_object_get(t, "mentions"), 0);
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(json_object_get(t, "mentions"), "change_avg7_pct"),
		    "%+.1f%%");
		h_puts(h, "</td><td>");
		svg_spark(h, json_object_get(b, "daily"), j_str(b, "name"));
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(day, "negative"), NULL);
		h_puts(h, " ");
		html_arrow(h, json_object_get(t, "negative"), 1);
		h_puts(h, "</td><td>");
		h_num(h, json_object_get(day, "net_sentiment"), "%+.2f");
		h_puts(h, "</td><td>");
		h_pct(h, json_object_get(b, "share_of_voice"));
		h_puts(h, "</td></tr>");
	}
	h_table_close(h);
	h_puts(h, "</section>");
}

static void
groups(struct html *h, const json_t *groups)
{
	size_t i, k;

	if (!json_array_size(groups))
		return;
	h_puts(h, "<section id=\"share\"><h2>Share of voice on the day</h2>");
	for (i = 0; i < json_array_size(groups) && i < MAX_BRANDS; i++) {
		const json_t *g = json_array_get(groups, i);
		const json_t *sov = json_object_get(g, "share_of_voice");

		h_puts(h, "<figure>");
		svg_share(h, g, i);
		h_puts(h, "<figcaption><ul class=\"legend\">");
		for (k = 0; k < json_array_size(sov) && k < MAX_BRANDS; k++) {
			const json_t *e = json_array_get(sov, k);

			h_printf(h, "<li><svg class=\"swatch\" viewBox=\"0 0 12 12\" "
			    "aria-hidden=\"true\"><rect class=\"c%zu\" width=\"12\" "
			    "height=\"12\"/></svg> ", k % 6);
			h_text(h, j_str(e, "brand"), "?");
			h_puts(h, ": ");
			h_pct(h, json_object_get(e, "share"));
			h_puts(h, " (");
			h_num(h, json_object_get(e, "mentions"), NULL);
			h_puts(h, " mentions)</li>");
		}
		h_puts(h, "</ul></figcaption></figure>");
	}
	h_puts(h, "</section>");
}

static void
needs_reply(struct html *h, const json_t *list)
{
	size_t i;

	h_puts(h, "<section id=\"reply\"><h2>Needs a reply</h2>");
	if (!json_array_size(list)) {
		h_puts(h, "<p class=\"none\">No negative mentions on the day.</p></section>");
		return;
	}
	h_puts(h, "<ul class=\"mentions\">");
	for (i = 0; i < json_array_size(list) && i < MAX_BRANDS; i++)
		html_mention(h, json_array_get(list, i));
	h_puts(h, "</ul></section>");
}

/* The id a footnote's term gets, "NPS-style score" -> "fn-nps-style-score",
 * the anchors the tables link to. */
static void
footnote_id(struct html *h, const char *term)
{
	char id[64];
	size_t n = 0;

	for (; term && *term && n < sizeof id - 1; term++)
		id[n++] = isalnum((unsigned char)*term) ? (char)tolower((unsigned char)*term) : '-';
	id[n] = '\0';
	h_puts(h, "fn-");
	h_text(h, id, "");
}

static void
footnotes(struct html *h, const json_t *notes)
{
	size_t i;

	h_puts(h, "<section id=\"notes\"><h2>What the figures mean</h2><dl>");
	for (i = 0; i < json_array_size(notes) && i < MAX_BRANDS; i++) {
		const json_t *f = json_array_get(notes, i);

		h_puts(h, "<dt id=\"");
		footnote_id(h, j_str(f, "term"));
		h_puts(h, "\">");
		h_text(h, j_str(f, "term"), "?");
		h_puts(h, "</dt><dd>");
		h_text(h, j_str(f, "text"), "");
		h_puts(h, "</dd>");
	}
	h_puts(h, "</dl></section>");
}

int
digest_html(const json_t *doc, struct buf *out)
{
	struct html h = { out, 0 };
	const json_t *brands = json_object_get(doc, "brands");
	size_t i;

	if (json_integer_value(json_object_get(doc, "schema")) != 1 || !json_is_array(brands))
		return -1;
	head(&h, doc);
	overview(&h, brands);
	groups(&h, json_object_get(doc, "groups"));
	needs_reply(&h, json_object_get(doc, "needs_reply"));
	for (i = 0; i < json_array_size(brands) && i < MAX_BRANDS; i++)
		html_brand(&h, json_array_get(brands, i), i);
	footnotes(&h, json_object_get(doc, "footnotes"));
	h_puts(&h, "<footer class=\"meta\"><p>Written by earshot from public posts. Scores "
	    "are automatic and can be wrong; read the post before you reply.</p></footer>"
	    "</main></body></html>\n");
	return h.failed ? -1 : 0;
}
