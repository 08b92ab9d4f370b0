/* Values of mapped fields: what a JSON API or a review page gives as a
 * date or a rating comes in more shapes than a feed's. */
#include "parse_map.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

int
pmap_seconds(double v, int64_t *t)
{
	if (!isfinite(v) || v <= 0 || v >= 1e15)
		return -1;
	if (v > 1e11)
		v /= 1000;
	*t = (int64_t)v;
	return 0;
}

/* 1 if s is digits with at most one '.', and nothing else. */
static int
all_digits(const char *s)
{
	int dots = 0, digits = 0;

	for (; *s; s++) {
		if (*s == '.')
			dots++;
		else if (*s >= '0' && *s <= '9')
			digits++;
		else
			return 0;
	}
	return digits && dots <= 1;
}

int
pmap_date(const char *s, int64_t *t)
{
	char num[32];
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	    s[n - 1] == '\n'))
		n--;
	/* Before curl_getdate, which reads a lone number as something else. */
	if (n && n < sizeof num) {
		memcpy(num, s, n);
		num[n] = '\0';
		if (all_digits(num))
			return pmap_seconds(strtod(num, NULL), t);
	}
	return text_parse_date(s, t);
}

int
pmap_number(const char *s, double *v)
{
	const char *p = s;
	char *end;

	while (*p && !(*p >= '0' && *p <= '9'))
		p++;
	if (!*p)
		return -1;
	if (p > s && p[-1] == '-')
		p--;
	*v = strtod(p, &end);
	return end > p && isfinite(*v) ? 0 : -1;
}

void
pmap_rating(struct item *it, double v, double scale)
{
	double max = scale > 0 ? scale : 1;

	if (!isfinite(v) || v < 0 || v > max)
		return;
	it->rating = v / max;
	it->rating_scale = max;
}

char *
pmap_text(const char *s, size_t n, int html, int flags)
{
	char *t = html ? text_from_html(s, n, flags) : text_from_plain(s, n, flags);

	if (t && !*t) {
		free(t);
		t = NULL;
	}
	return t;
}

int
pmap_emit(const struct parse_source *src, struct item *it, parse_item_fn fn,
    void *ctx, struct parse_stats *st)
{
	int stop = 0;

	if (!it->title && !it->text && !it->link) {
		st->skipped++;
	} else if (item_finish(it, src->url, src->fetch_time) == 0) {
		st->items++;
		stop = fn(it, ctx);
	}
	item_clear(it);
	return stop;
}
