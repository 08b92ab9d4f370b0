/* The digest as CSV: one row per brand x source x day with mentions, for
 * spreadsheets. RFC 4180: CRLF line ends, a header row, fields quoted when
 * they hold a comma, a quote or a line break (quotes doubled). */
#include <math.h>
#include <string.h>

#include "digest.h"
#include "digest_int.h"

static const char header[] = "date,brand,source,mentions,positive,neutral,negative,"
    "net_sentiment,compound_avg,most_negative_title,most_negative_link\r\n";

/* A feed-supplied text. A spreadsheet would run one starting with = + - @
 * as a formula, so it gets a leading apostrophe, as OWASP advises. */
static void
text(struct buf *out, const char *s)
{
	int quote = s && (strpbrk(s, ",\"\r\n") || strchr("=+-@", *s));

	buf_putc(out, ',');
	if (!s || !*s)
		return;
	if (!quote) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	if (strchr("=+-@", *s))
		buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

static void
number(struct buf *out, const json_t *v)
{
	if (json_is_integer(v))
		buf_printf(out, ",%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		buf_printf(out, ",%.3f", json_real_value(v));
	else
		buf_putc(out, ',');
}

static void
row(struct buf *out, const char *brand, const char *feed, const json_t *d)
{
	const json_t *worst = json_object_get(d, "most_negative");
	long pos = (long)json_integer_value(json_object_get(d, "positive")),
	    neg = (long)json_integer_value(json_object_get(d, "negative"));
	double net = digest_net_sentiment((double)pos, (double)neg);
	json_t *netj = digest_real(net, 3);
	const char *date = json_string_value(json_object_get(d, "date"));

	buf_puts(out, date ? date : "");
	text(out, brand);
	text(out, feed);
	number(out, json_object_get(d, "mentions"));
	number(out, json_object_get(d, "positive"));
	number(out, json_object_get(d, "neutral"));
	number(out, json_object_get(d, "negative"));
	number(out, netj);
	number(out, json_object_get(d, "compound_avg"));
	text(out, json_string_value(json_object_get(worst, "title")));
	text(out, json_string_value(json_object_get(worst, "link")));
	buf_puts(out, "\r\n");
	json_decref(netj);
}

int
digest_csv(const json_t *doc, struct buf *out)
{
	const json_t *b, *src, *d;
	size_t i, j, k;

	buf_puts(out, header);
	json_array_foreach(json_object_get(doc, "brands"), i, b) {
		const char *brand = json_string_value(json_object_get(b, "name"));

		json_array_foreach(json_object_get(b, "sources_daily"), j, src) {
			const char *feed = json_string_value(json_object_get(src, "feed"));

			json_array_foreach(json_object_get(src, "daily"), k, d)
				row(out, brand, feed, d);
		}
	}
	return out->data ? 0 : -1;
}
