/* The HTML digest's charts as inline SVG: plain shapes whose sizes are the
 * figures, each with a <title> so a screen reader (and a hovering mouse)
 * gets the numbers, and a text legend beside so colour is never the only
 * signal. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "digest_html_int.h"

#define MAX_DAYS 400        /* bars one chart draws; a period is far shorter */

/* The daily chart's frame, in viewBox units. */
#define D_W 600.0
#define D_H 200.0
#define D_LEFT 44.0
#define D_RIGHT 8.0
#define D_TOP 12.0
#define D_BOTTOM 28.0

static const char *const sentiments[] = { "negative", "neutral", "positive" };

static double
count(const json_t *day, const char *key)
{
	double v = j_num(day, key);

	return isfinite(v) && v > 0 ? v : 0;
}

static double
day_total(const json_t *day)
{
	double sum = count(day, "negative") + count(day, "neutral") + count(day, "positive");
	double m = count(day, "mentions");

	/* Mentions counts every one, the labels may not: the bar is as tall
	 * as the larger, so a gap shows rather than a lie. */
	return m > sum ? m : sum;
}

static double
max_total(const json_t *daily, size_t n)
{
	double max = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (day_total(json_array_get(daily, i)) > max)
			max = day_total(json_array_get(daily, i));
	return max;
}

static size_t
days_of(const json_t *daily)
{
	size_t n = json_array_size(daily);

	return n > MAX_DAYS ? MAX_DAYS : n;
}

/* One day's bar: negative at the bottom, then neutral, then positive. */
static void
daily_bar(struct html *h, const json_t *day, double x, double w, double scale, int label)
{
	const char *date = j_str(day, "date");
	double y = D_H - D_BOTTOM, hgt;
	size_t i;

	h_puts(h, "<g><title>");
	h_text(h, date, "?");
	h_printf(h, ": %.0f mentions, %.0f positive, %.0f neutral, %.0f negative</title>",
	    day_total(day), count(day, "positive"), count(day, "neutral"),
	    count(day, "negative"));
	for (i = 0; i < 3; i++) {
		hgt = count(day, sentiments[i]) * scale;
		if (hgt <= 0)
			continue;
		y -= hgt;
		h_printf(h, "<rect class=\"%.3s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		    "height=\"%.2f\"/>", sentiments[i], x, y, w, hgt);
	}
	/* MM-DD under the bar. */
	if (label && date && strlen(date) >= 10 && date[4] == '-')
		h_printf(h, "<text class=\"tick\" x=\"%.2f\" y=\"%.1f\">%.5s</text>",
		    x + w / 2, D_H - D_BOTTOM + 16, date + 5);
	h_puts(h, "</g>");
}

void
svg_daily(struct html *h, const json_t *daily, const char *brand, size_t n)
{
	size_t days = days_of(daily), i, every;
	double max = max_total(daily, days), plot_h = D_H - D_TOP - D_BOTTOM;
	double slot = days ? (D_W - D_LEFT - D_RIGHT) / (double)days : 0;

	h_printf(h, "<svg class=\"daily\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-labelledby=\"daily-t%zu\"><title id=\"daily-t%zu\">", D_W, D_H, n, n);
	h_puts(h, "Mentions per day of ");
	h_text(h, brand, "?");
	h_printf(h, ", stacked by sentiment (largest day: %.0f)</title>", max);
	h_printf(h, "<line class=\"axis\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>",
	    D_LEFT, D_H - D_BOTTOM, D_W - D_RIGHT, D_H - D_BOTTOM);
	h_printf(h, "<text class=\"ytick\" x=\"%.0f\" y=\"%.0f\">0</text>", D_LEFT - 4,
	    D_H - D_BOTTOM + 4);
	if (max <= 0) {
		h_printf(h, "<text class=\"empty\" x=\"%.0f\" y=\"%.0f\">No mentions in this "
		    "period</text></svg>", D_W / 2, D_H / 2);
		return;
	}
	h_printf(h, "<line class=\"grid\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>"
	    "<text class=\"ytick\" x=\"%.0f\" y=\"%.0f\">%.0f</text>", D_LEFT, D_TOP,
	    D_W - D_RIGHT, D_TOP, D_LEFT - 4, D_TOP + 4, max);
	/* Past two weeks every day's date would overlap: label about 14. */
	every = days > 14 ? (days + 13) / 14 : 1;
	for (i = 0; i < days; i++)
		daily_bar(h, json_array_get(daily, i), D_LEFT + slot * ((double)i + 0.15),
		    slot * 0.7, plot_h / max, i % every == 0);
	h_puts(h, "</svg>");
}

#define S_W 120.0
#define S_H 28.0

void
svg_spark(struct html *h, const json_t *daily, const char *brand)
{
	size_t days = days_of(daily), i;
	double max = max_total(daily, days), step;

	if (!days)
		return;
	step = days > 1 ? (S_W - 4) / (double)(days - 1) : 0;
	h_printf(h, "<svg class=\"spark\" viewBox=\"0 0 %.0f %.0f\" role=\"img\"><title>",
	    S_W, S_H);
	h_puts(h, "Mentions per day of ");
	h_text(h, brand, "?");
	h_puts(h, ":");
	for (i = 0; i < days; i++)
		h_printf(h, "%s %.0f", i ? "," : "", day_total(json_array_get(daily, i)));
	h_puts(h, "</title><polyline points=\"");
	for (i = 0; i < days; i++) {
		double v = day_total(json_array_get(daily, i));

		h_printf(h, "%s%.2f,%.2f", i ? " " : "", 2 + step * (double)i,
		    S_H - 2 - (max > 0 ? v / max * (S_H - 4) : 0));
	}
	h_puts(h, "\"/></svg>");
}

#define V_W 600.0
#define V_H 32.0
#define PALETTE 6

void
svg_share(struct html *h, const json_t *group, size_t n)
{
	const json_t *sov = json_object_get(group, "share_of_voice");
	double x = 0, share, w;
	size_t i;

	h_printf(h, "<svg class=\"share\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "aria-labelledby=\"share-t%zu\"><title id=\"share-t%zu\">Share of voice:",
	    V_W, V_H, n, n);
	for (i = 0; i < json_array_size(sov); i++) {
		const json_t *e = json_array_get(sov, i);

		h_puts(h, i ? ", " : " ");
		h_text(h, j_str(e, "brand"), "?");
		h_printf(h, " %.0f%%", isfinite(j_num(e, "share")) ? j_num(e, "share") * 100 : 0);
	}
	h_puts(h, "</title>");
	for (i = 0; i < json_array_size(sov) && i < 100; i++) {
		const json_t *e = json_array_get(sov, i);

		share = j_num(e, "share");
		if (!isfinite(share) || share <= 0)
			continue;
		w = (share > 1 ? 1 : share) * V_W;
		if (x + w > V_W)
			w = V_W - x;
		h_printf(h, "<rect class=\"c%zu\" x=\"%.2f\" y=\"0\" width=\"%.2f\" "
		    "height=\"%.0f\"/>", i % PALETTE, x, w, V_H);
		/* The name inside its segment when it fits, so the bar reads
		 * without the legend and without colour. */
		if (w >= 90) {
			h_printf(h, "<text class=\"in\" x=\"%.2f\" y=\"%.0f\">", x + 6, V_H / 2 + 5);
			h_text(h, j_str(e, "brand"), "?");
			h_printf(h, " %.0f%%</text>", share * 100);
		}
		x += w;
	}
	if (x <= 0)
		h_printf(h, "<text class=\"empty\" x=\"%.0f\" y=\"%.0f\">No mentions on the "
		    "day</text>", V_W / 2, V_H / 2 + 5);
	h_puts(h, "</svg>");
}
