/* Feed dates (text_parse_date in text.h): W3C-DTF / RFC 3339, what Atom and
 * Dublin Core use, and RFC 822's common form read here, the rest left to
 * curl_getdate; and base64, for Atom 0.3's encoded content. */
#include "text.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* Reads exactly w digits at *p into *v; 0 or -1. */
static int
digits(const char **p, int w, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < w; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += w;
	return 0;
}

/* The time part of an ISO 8601 date: "hh:mm[:ss[.frac]]". */
static int
iso_time(const char **p, struct tm *tm)
{
	if (digits(p, 2, &tm->tm_hour) < 0 || *(*p)++ != ':' ||
	    digits(p, 2, &tm->tm_min) < 0)
		return -1;
	if (**p == ':') {
		(*p)++;
		if (digits(p, 2, &tm->tm_sec) < 0)
			return -1;
		if (**p == '.' || **p == ',')
			for ((*p)++; **p >= '0' && **p <= '9'; (*p)++)
				;
	}
	return tm->tm_hour > 24 || tm->tm_min > 59 || tm->tm_sec > 60 ? -1 : 0;
}

/* "Z", "+hh:mm", "+hhmm", "+hh" or nothing (taken as UTC): seconds east. */
static int
iso_offset(const char **p, long *off)
{
	int sign, h, m = 0;

	*off = 0;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return 0;
	sign = *(*p)++ == '-' ? -1 : 1;
	if (digits(p, 2, &h) < 0)
		return -1;
	if (**p == ':')
		(*p)++;
	if (**p >= '0' && **p <= '9' && digits(p, 2, &m) < 0)
		return -1;
	if (h > 23 || m > 59)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

/* W3C-DTF / RFC 3339: "YYYY[-MM[-DD[(T| )hh:mm[:ss[.f]][offset]]]]". */
static int
iso_date(const char *p, int64_t *t)
{
	struct tm tm = {0};
	int y, mon = 1, d = 1;
	long off = 0;

	if (digits(&p, 4, &y) < 0)
		return -1;
	if (*p == '-') {
		p++;
		if (digits(&p, 2, &mon) < 0)
			return -1;
		if (*p == '-' && (p++, digits(&p, 2, &d) < 0))
			return -1;
	}
	if ((*p == 'T' || *p == 't' || (*p == ' ' && p[1] >= '0' && p[1] <= '9')) &&
	    (p++, iso_time(&p, &tm) < 0 || iso_offset(&p, &off) < 0))
		return -1;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p || mon < 1 || mon > 12 || d < 1 || d > 31)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	*t = time_from_utc(&tm) - off;
	return 0;
}

static int
month_days(int y, int mon)
{
	static const unsigned char days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[mon] + (mon == 1 && leap);
}

/* The RFC 822 form nearly every RSS feed writes, "Sun, 02 Sep 2024
 * 02:49:00 +0000" (day name optional, "GMT" or "Z" for the zone), read
 * here because curl_getdate's general parser is slow. Anything else, or
 * out of the plain ranges (a day past the month's end included), is left
 * to curl: -1. */
static int
rfc822_common(const char *p, int64_t *t)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm = {0};
	const char *m;
	long off = 0;
	int y, d, h, mi, sec, oh, om;

	if (p[0] >= 'A' && p[0] <= 'Z' && p[1] && p[2] && p[3] == ',' && p[4] == ' ')
		p += 5;
	if (!p[0] || digits(&p, p[1] == ' ' ? 1 : 2, &d) < 0 || *p++ != ' ' || !p[0] || !p[1] ||
	    !p[2] || !(m = strstr(months, (char[]){ p[0], p[1], p[2], 0 })) ||
	    (m - months) % 3 || (p += 3, *p++ != ' ') || digits(&p, 4, &y) < 0 ||
	    *p++ != ' ' || digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0 ||
	    *p++ != ':' || digits(&p, 2, &sec) < 0 || *p++ != ' ')
		return -1;
	if (!strcmp(p, "GMT") || !strcmp(p, "Z")) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && (p++, digits(&p, 2, &oh) == 0) &&
	    digits(&p, 2, &om) == 0 && !*p && oh < 24 && om < 60) {
		off = (p[-5] == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
	} else {
		return -1;
	}
	if (d < 1 || y < 1970 || y > 2999 || d > month_days(y, (int)(m - months) / 3) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*t = time_from_utc(&tm) - off;
	return 0;
}

int
text_parse_date(const char *s, int64_t *t)
{
	time_t c;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (iso_date(s, t) == 0 || rfc822_common(s, t) == 0)
		return 0;
	/* curl_getdate reads RFC 822, 850 and asctime forms with zone names. */
	if (!*s || (c = curl_getdate(s, NULL)) == -1)
		return -1;
	*t = (int64_t)c;
	return 0;
}

/* The value of base64 digit c, or -1. */
static int
b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

char *
text_base64_decode(const char *s, size_t n, size_t *len)
{
	char *out = malloc(n / 4 * 3 + 4);
	unsigned long acc = 0;
	size_t i, o = 0, bits = 0, pad = 0;
	int d;

	for (i = 0; out && i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=' && ++pad <= 2)
			continue;
		if (pad || (d = b64_digit(c)) < 0)
			break;
		acc = (acc << 6 | (unsigned long)d) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (char)(acc >> bits & 0xff);
		}
	}
	/* Stopped early, or a lone digit left over: not base64. */
	if (!out || i < n || bits >= 6) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*len = o;
	return out;
}
