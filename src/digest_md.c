/* The digest as Markdown, for a terminal or a chat: one screen per brand
 * (volume and trend, sentiment, share of voice, listening measures,
 * ratings, praise and complaints, terms, the posts that need a reply),
 * then the definitions. Feed-supplied text is escaped so it cannot bold,
 * link or break the layout. */
#include <math.h>
#include <string.h>

#include "digest.h"

#define SNIPPET_BEFORE 100   /* bytes shown before the brand's match */
#define SNIPPET_AFTER 140

static const json_t *
get(const json_t *o, const char *k)
{
	return json_object_get(o, k);
}

/* A string that may be absent (NULL then). */
static const char *
opt(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* A string the schema always has; "" if a document lacks it. */
static const char *
str(const json_t *o, const char *k)
{
	const char *s = opt(o, k);

	return s ? s : "";
}

/* "n/a" for null, else the number in fmt (scaled by mul). */
static void
maybe(struct buf *out, const char *fmt, const json_t *v, double mul)
{
	if (json_is_number(v))
		buf_printf(out, fmt, json_number_value(v) * mul);
	else
		buf_puts(out, "n/a");
}

static double
num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

/* text[from, to) with Markdown's active characters escaped and line
 * breaks as spaces. */
static void
esc(struct buf *out, const char *s, size_t from, size_t to)
{
	for (; s && from < to && s[from]; from++) {
		char c = s[from];

		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (strchr("\\`*_[]<>#|~", c))
			buf_putc(out, '\\');
		buf_putc(out, c);
	}
}

static const char *
arrow(const json_t *trend)
{
	const char *a = str(trend, "arrow");

	return !*a ? "" : !strcmp(a, "up") ? "↑" : !strcmp(a, "down") ? "↓" : "→";
}

/* Moves i back to the start of a UTF-8 character. */
static size_t
char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* The snippet around the match, the brand in bold. */
static void
snippet(struct buf *out, const json_t *m)
{
	const char *s = str(m, "snippet");
	const json_t *hl = get(m, "highlight");
	size_t len = s ? strlen(s) : 0, a, b, from, to;

	a = (size_t)json_integer_value(json_array_get(hl, 0));
	b = (size_t)json_integer_value(json_array_get(hl, 1));
	if (a > b || b > len)
		a = b = 0;
	from = char_start(s, a > SNIPPET_BEFORE ? a - SNIPPET_BEFORE : 0);
	to = b + SNIPPET_AFTER < len ? char_start(s, b + SNIPPET_AFTER) : len;
	buf_puts(out, from ? "“…" : "“");
	esc(out, s, from, a);
	if (b > a) {
		buf_puts(out, "**");
		esc(out, s, a, b);
		buf_puts(out, "**");
	}
	esc(out, s, b, to);
	buf_puts(out, to < len ? "…”" : "”");
}

static void
mention(struct buf *out, size_t n, const json_t *m)
{
	const char *title = opt(m, "title"), *link = opt(m, "link"), *why = opt(m, "reason");

	buf_printf(out, "%zu. %+.2f %s · %s", n, num(m, "compound"), str(m, "label"),
	    str(m, "feed"));
	if (opt(m, "author")) {
		buf_puts(out, " · ");
		esc(out, str(m, "author"), 0, SIZE_MAX);
	}
	if (title) {
		buf_puts(out, " · ");
		esc(out, title, 0, SIZE_MAX);
	}
	buf_puts(out, "\n   ");
	snippet(out, m);
	if (link)
		buf_printf(out, "\n   <%s>", link);
	if (why) {
		buf_puts(out, "\n   why: ");
		esc(out, why, 0, SIZE_MAX);
	}
	buf_putc(out, '\n');
}

/* "12 ↑ +3 vs the day before (9), +42.9% vs the 7-day average (8.4)" */
static void
trend(struct buf *out, const char *what, const json_t *t, int count)
{
	const json_t *pct = get(t, "change_avg7_pct");

	if (json_is_null(get(t, "value"))) {
		buf_printf(out, "%s n/a", what);
		return;
	}
	buf_printf(out, count ? "%s **%.0f**" : "%s **%+.2f**", what, num(t, "value"));
	if (!json_is_null(get(t, "change")))
		buf_printf(out, count ? " %s %+.0f vs the day before (%.0f)" :
		    " %s %+.2f vs the day before (%+.2f)", arrow(t), num(t, "change"),
		    num(t, "previous"));
	if (json_is_number(pct))
		buf_printf(out, ", %+.1f%% vs the 7-day average (%.1f)",
		    json_number_value(pct), num(t, "avg7"));
}

static void
volume(struct buf *out, const json_t *b)
{
	const json_t *day = get(b, "day"), *t = get(b, "trend"), *sov = get(b, "share_of_voice");

	trend(out, "Mentions", get(t, "mentions"), 1);
	buf_printf(out, "  \n%.0f positive · %.0f neutral · %.0f negative; positive : "
	    "negative **%s**  \n", num(day, "positive"), num(day, "neutral"),
	    num(day, "negative"), opt(day, "ratio") ? opt(day, "ratio") : "n/a");
	trend(out, "Net sentiment", get(t, "net_sentiment"), 0);
	buf_puts(out, "  \n");
	trend(out, "Negative", get(t, "negative"), 1);
	buf_puts(out, "  \n");
	if (json_is_number(sov))
		buf_printf(out, "Share of voice **%.0f%%** of the day's mentions in its "
		    "group  \n", json_number_value(sov) * 100);
}

/* "label a, b, c" from a list of objects, "none" when empty. */
static void
list(struct buf *out, const char *label, const json_t *a, const char *k, const char *n)
{
	const json_t *v;
	size_t i;

	buf_printf(out, "%s: ", label);
	json_array_foreach(a, i, v) {
		buf_puts(out, i ? ", " : "");
		esc(out, str(v, k), 0, SIZE_MAX);
		buf_printf(out, " (%.0f)", num(v, n));
	}
	buf_puts(out, json_array_size(a) ? "  \n" : "none  \n");
}

static void
measures(struct buf *out, const json_t *b)
{
	const json_t *l = get(b, "listening"), *r = get(b, "ratings"), *v;
	size_t i;

	buf_puts(out, "\nOver the period: ");
	if (json_is_null(get(l, "strength")))
		buf_puts(out, "no mentions  \n");
	else {
		buf_printf(out, "strength %.2f · passion ", num(l, "strength"));
		maybe(out, "%.0f%%", get(l, "passion"), 100);
		buf_puts(out, " · reach ");
		maybe(out, "%.2f", get(l, "reach"), 1);
		buf_printf(out, " · sentiment %s  \n", opt(l, "sentiment") ?
		    opt(l, "sentiment") : "n/a");
	}
	if (json_is_object(r)) {
		buf_printf(out, "From public ratings: %.0f rated, average %.1f",
		    num(r, "count"), num(r, "average_stars"));
		if (json_is_number(get(r, "scale")))
			buf_printf(out, " of %.0f", num(r, "scale"));
		if (json_is_number(get(r, "nps")))
			buf_printf(out, "; NPS-style score %+.0f (%.0f promoters, %.0f passives, "
			    "%.0f detractors)", num(r, "nps"), num(r, "promoters"),
			    num(r, "passives"), num(r, "detractors"));
		buf_puts(out, "  \n");
	}
	buf_puts(out, "Complaints and praise: ");
	json_array_foreach(get(b, "aspects"), i, v) {
		buf_puts(out, i ? ", " : "");
		esc(out, str(v, "aspect"), 0, SIZE_MAX);
		buf_printf(out, " %.0f negative of %.0f", num(v, "negative"), num(v, "total"));
	}
	buf_puts(out, json_array_size(get(b, "aspects")) ? "  \n" : "none  \n");
	list(out, "Top terms", get(b, "top_terms"), "term", "count");
	list(out, "Top sources", get(b, "sources"), "feed", "mentions");
	list(out, "Top authors", get(b, "top_authors"), "author", "mentions");
}

static void
brand(struct buf *out, const json_t *doc, const json_t *b)
{
	const char *name = str(b, "name");
	const json_t *m, *best = json_array_get(get(b, "most_positive"), 0);
	size_t i, n = 0;

	buf_puts(out, "\n## ");
	esc(out, name, 0, SIZE_MAX);
	buf_puts(out, "\n\n");
	volume(out, b);
	measures(out, b);
	buf_puts(out, "\nNeeds a reply:\n");
	json_array_foreach(get(doc, "needs_reply"), i, m)
		if (!strcmp(str(m, "brand"), name))
			mention(out, ++n, m);
	if (!n)
		buf_puts(out, "nothing negative on the day.\n");
	if (best) {
		buf_puts(out, "\nBest of the period:\n");
		mention(out, 1, best);
	}
}

int
digest_md(const json_t *doc, struct buf *out)
{
	const json_t *b, *f;
	size_t i;

	buf_printf(out, "# earshot digest for %s%s\n\n", str(doc, "date"),
	    json_is_true(get(doc, "partial")) ? " (today so far)" : "");
	buf_printf(out, "Day in %s; the period is the %.0f days %s to %s. Generated %s.\n",
	    str(doc, "timezone"), num(doc, "days"), str(get(doc, "period"), "from"),
	    str(get(doc, "period"), "to"), str(doc, "generated"));
	json_array_foreach(get(doc, "brands"), i, b)
		brand(out, doc, b);
	buf_puts(out, "\n## What the figures mean\n\n");
	json_array_foreach(get(doc, "footnotes"), i, f)
		buf_printf(out, "- **%s**: %s\n", str(f, "term"), str(f, "text"));
	return out->data ? 0 : -1;
}
