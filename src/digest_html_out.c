/* The HTML digest's writer: escaping, numbers and links. Everything the
 * feeds supplied reaches the page through h_textn, so it alone decides
 * what is safe. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "digest_html_int.h"
#include "fmt.h"
#include "text.h"

#define DASH "\xe2\x80\x94"        /* an em dash: absent value */
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

static void
h_append(struct html *h, const char *s, size_t n)
{
	if (n && buf_append(h->out, s, n) < 0)
		h->failed = 1;
}

void
h_puts(struct html *h, const char *s)
{
	h_append(h, s, strlen(s));
}

void
h_printf(struct html *h, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	/* Callers format numbers and fixed markup only: an overlong result
	 * is a programming error, reported as a failed page. */
	if (n < 0 || (size_t)n >= sizeof tmp)
		h->failed = 1;
	else
		h_append(h, tmp, (size_t)n);
}

static const char *
entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

void
h_textn(struct html *h, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, k;
	const char *e;

	while (i < n) {
		e = entity(p[i]);
		k = text_utf8_len((const char *)p + i, n - i);
		if (!e && k == 1 && (p[i] >= 0x20 || p[i] == '\t' || p[i] == '\n') && p[i] != 0x7f) {
			i++;
			continue;
		}
		if (k > 1) {
			i += k;
			continue;
		}
		/* Flush the clean run before this byte, then its replacement. */
		h_append(h, s + run, i - run);
		h_puts(h, e ? e : REPLACEMENT);
		run = ++i;
	}
	h_append(h, s + run, i - run);
}

void
h_text(struct html *h, const char *s, const char *dash)
{
	if (s)
		h_textn(h, s, strlen(s));
	else
		h_puts(h, dash ? dash : DASH);
}

void
h_num(struct html *h, const json_t *v, const char *fmt)
{
	double d;

	if (!json_is_number(v) || !isfinite(d = json_number_value(v))) {
		h_puts(h, DASH);
		return;
	}
	if (fmt)
		h_printf(h, fmt, d);
	else if (d == floor(d) && fabs(d) < 1e15)
		h_printf(h, "%.0f", d);
	else
		h_printf(h, "%.1f", d);
}

void
h_pct(struct html *h, const json_t *v)
{
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		h_puts(h, DASH);
	else
		h_printf(h, "%.0f%%", json_number_value(v) * 100);
}

int
url_is_web(const char *url)
{
	const char *p;

	if (!url || !(strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0))
		return 0;
	for (p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return p - url < 4096;
}

void
h_link(struct html *h, const char *url, const char *label)
{
	if (url_is_web(url)) {
		h_puts(h, "<a href=\"");
		h_text(h, url, "");
		h_puts(h, "\" rel=\"nofollow noopener noreferrer\">");
		h_text(h, label, "(untitled)");
		h_puts(h, "</a>");
		return;
	}
	h_text(h, label, "(untitled)");
	if (url) {
		h_puts(h, " <span class=\"nolink\">(link not shown as a link: ");
		h_text(h, url, "");
		h_puts(h, ")</span>");
	}
}

const char *
j_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

double
j_num(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

void
h_table_open(struct html *h, const char *cls, const char *caption,
    const char *const *cols, size_t ncols)
{
	size_t i;

	h_puts(h, "<div class=\"scroll\"><table");
	if (cls)
		h_printf(h, " class=\"%s\"", cls);
	h_puts(h, ">");
	if (caption)
		h_printf(h, "<caption>%s</caption>", caption);
	h_puts(h, "<thead><tr>");
	for (i = 0; i < ncols; i++)
		h_printf(h, "<th scope=\"col\">%s</th>", cols[i]);
	h_puts(h, "</tr></thead><tbody>");
}

void
h_table_close(struct html *h)
{
	h_puts(h, "</tbody></table></div>");
}
