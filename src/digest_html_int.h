/* Inside the HTML digest: the writer the section renderers share
 * (digest_html_out.c), the charts (digest_svg.c) and the per-brand
 * sections (digest_html_brand.c). */
#ifndef EARSHOT_DIGEST_HTML_INT_H
#define EARSHOT_DIGEST_HTML_INT_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

/* An output page. A failed append sets failed and later ones still run, so
 * renderers need not check every call; digest_html checks it once. */
struct html {
	struct buf *out;
	int failed;
};

void h_puts(struct html *h, const char *s);
void h_printf(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Writes s[0..n) escaped for text and for quoted attribute values (& < >
 * " '), invalid UTF-8 and control characters replaced by U+FFFD. */
void h_textn(struct html *h, const char *s, size_t n);
/* h_textn of a NUL-terminated string; NULL writes dash (absent). */
void h_text(struct html *h, const char *s, const char *dash);
/* A number from the document: "—" when absent or null; an integer when
 * it has no fraction, else one decimal (or the given printf format). */
void h_num(struct html *h, const json_t *v, const char *fmt);
/* A share (0..1) as a percentage, "—" when absent or null. */
void h_pct(struct html *h, const json_t *v);
/* Opens a scrollable table (cls and caption, our own words, may be NULL)
 * with a header cell per column, up to <tbody>; h_table_close ends it. */
void h_table_open(struct html *h, const char *cls, const char *caption,
    const char *const *cols, size_t ncols);
void h_table_close(struct html *h);
/* A link to a post: an <a> only when url is http(s), else the URL as
 * text, so a javascript: link cannot run. label (escaped) is the text. */
void h_link(struct html *h, const char *url, const char *label);

/* obj[key] as a string, or NULL when absent, null or not a string. */
const char *j_str(const json_t *obj, const char *key);
/* obj[key] as a number, or NAN when absent, null or not a number. */
double j_num(const json_t *obj, const char *key);
/* 1 if url is an absolute http or https URL without spaces or controls. */
int url_is_web(const char *url);

/* Inline SVG charts. n is the chart's index on the page (for unique ids). */
/* The brand's daily volume stacked by sentiment, one bar per day of daily,
 * heights proportional to the largest day's mentions. */
void svg_daily(struct html *h, const json_t *daily, const char *brand, size_t n);
/* A sparkline of mentions per day; "" when daily is empty. */
void svg_spark(struct html *h, const json_t *daily, const char *brand);
/* One bar split by each brand's share of the group's day mentions. */
void svg_share(struct html *h, const json_t *group, size_t n);

/* One <section> per brand: chart and tables. */
void html_brand(struct html *h, const json_t *brand, size_t n);
/* A mention as a list item: link, snippet with the brand <mark>ed, score
 * and reason. */
void html_mention(struct html *h, const json_t *m);
/* A trend entry (arrow, change) as glyph, word and signed change; the
 * colour says good or bad, up_is_bad for figures such as negatives. */
void html_arrow(struct html *h, const json_t *t, int up_is_bad);

#endif
