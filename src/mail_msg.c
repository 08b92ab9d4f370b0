/* The digest's e-mail message, built whole before sending: headers, the
 * MIME structure and its encodings (RFC 5322, 2045-2047). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mail.h"
#include "mail_int.h"
#include "util.h"

#define LINE_MAX_MIME 76   /* RFC 2045's limit on an encoded line */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of s[0..n) into out, with no line breaks. */
static int
base64(struct buf *out, const unsigned char *s, size_t n)
{
	char q[4];
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
		    (i + 2 < n ? s[i + 2] : 0);

		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		rc = buf_append(out, q, 4);
	}
	return rc;
}

/* The body in base64, 76 characters (57 bytes) a line. */
static int
body_base64(struct buf *out, const char *s)
{
	size_t n = strlen(s), i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i += 57)
		rc = base64(out, (const unsigned char *)s + i, n - i < 57 ? n - i : 57) |
		    buf_puts(out, "\r\n");
	return rc ? -1 : 0;
}

/* One line of s (no line end) in quoted-printable, soft-broken so no
 * output line passes 76 characters. */
static int
qp_line(struct buf *out, const unsigned char *s, size_t n)
{
	size_t i, col = 0;
	char enc[4];
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		/* Space at a line's end would be stripped in transit: encode it. */
		int plain = (s[i] >= 33 && s[i] <= 126 && s[i] != '=') ||
		    ((s[i] == ' ' || s[i] == '\t') && i + 1 < n);
		size_t w = plain ? 1 : 3;

		if (col + w > LINE_MAX_MIME - 1) {
			rc |= buf_puts(out, "=\r\n");
			col = 0;
		}
		if (plain) {
			rc |= buf_putc(out, (char)s[i]);
		} else {
			snprintf(enc, sizeof enc, "=%02X", s[i]);
			rc |= buf_append(out, enc, 3);
		}
		col += w;
	}
	return rc | buf_puts(out, "\r\n") ? -1 : 0;
}

static int
body_qp(struct buf *out, const char *s)
{
	const char *nl;
	size_t n;
	int rc = 0;

	for (; *s && rc == 0; s = nl ? nl + 1 : s + n) {
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		rc = qp_line(out, (const unsigned char *)s, n && s[n - 1] == '\r' ? n - 1 : n);
	}
	return rc;
}

/* The Subject header: as is when short printable ASCII, else RFC 2047
 * encoded words of whole UTF-8 characters, one per folded line (39 bytes
 * make 52 base64 characters: "Subject: =?UTF-8?B?...?=" is 74). */
static int
subject_header(struct buf *out, const char *subject)
{
	const unsigned char *s = (const unsigned char *)subject;
	size_t n = strlen(subject), i, start;
	int ascii = n < 60, rc;

	for (i = 0; i < n && ascii; i++)
		ascii = s[i] >= 32 && s[i] < 127;
	if (ascii)
		return buf_printf(out, "Subject: %s\r\n", subject);
	rc = buf_puts(out, "Subject:");
	for (start = 0; start < n; start = i) {
		i = n - start > 39 ? start + 39 : n;
		while (i < n && i > start + 1 && (s[i] & 0xc0) == 0x80)
			i--;
		rc |= buf_puts(out, start ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?") |
		    base64(out, s + start, i - start) | buf_puts(out, "?=");
	}
	return rc | buf_puts(out, "\r\n") ? -1 : 0;
}

int
mail_address(const char *s, char *out, size_t len)
{
	const char *lt = s ? strrchr(s, '<') : NULL, *a = lt ? lt + 1 : s;
	size_t n = a ? (lt ? strcspn(a, ">") : strlen(a)) : 0;

	if (!s || strpbrk(s, "\r\n") || (lt && !strchr(lt, '>')))
		return -1;
	while (n && (*a == ' ' || *a == '\t'))
		a++, n--;
	while (n && (a[n - 1] == ' ' || a[n - 1] == '\t'))
		n--;
	if (!n || n + 3 > len || !memchr(a, '@', n) || memchr(a, ' ', n))
		return -1;
	snprintf(out, len, "<%.*s>", (int)n, a);
	return 0;
}

/* RFC 5322's date, in UTC, without the locale strftime would use. */
static int
date_header(struct buf *out, int64_t now)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	time_t t = (time_t)now;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return -1;
	return buf_printf(out, "Date: %.3s, %02d %.3s %04d %02d:%02d:%02d +0000\r\n",
	    days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int
address_headers(struct buf *out, const struct conf_mail *m)
{
	char a[320];
	size_t i;
	int rc;

	if (mail_address(m->from, a, sizeof a) < 0)
		return -1;
	rc = buf_printf(out, "From: %s\r\nTo:", m->from);
	for (i = 0; i < m->to.n; i++) {
		if (mail_address(m->to.v[i], a, sizeof a) < 0)
			return -1;
		/* One address a line keeps a long list under the limit. */
		rc |= buf_printf(out, "%s %s", i ? ",\r\n" : "", m->to.v[i]);
	}
	return rc | buf_puts(out, "\r\n") ? -1 : 0;
}

/* Message-ID and boundary from one hash of the content and the moment:
 * unique enough per digest, and no "=_" can occur in an encoded body. */
static void
ids(const char *subject, const char *text, int64_t now, char id[17])
{
	uint64_t h = hash64(&now, sizeof now);
	pid_t pid = getpid();

	h = hash64_more(h, &pid, sizeof pid);
	h = hash64_more(h, subject, strlen(subject));
	hash64_hex(hash64_more(h, text, strlen(text)), id);
}

int
mail_message(const struct conf_mail *m, const char *subject, const char *text,
    const char *html, int64_t now, struct buf *out)
{
	char id[17], addr[320], *subj = xstrdup(subject), *p;
	const char *domain;
	int rc;

	if (!subj)
		return -1;
	for (p = subj; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	ids(subj, text, now, id);
	rc = date_header(out, now) | address_headers(out, m) | subject_header(out, subj);
	free(subj);
	if (rc || mail_address(m->from, addr, sizeof addr) < 0)
		return -1;
	domain = strchr(addr, '@') + 1;
	rc = buf_printf(out, "Message-ID: <%s.%lld@%.*s>\r\n"
	    "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"
	    "Content-Type: multipart/alternative; boundary=\"=_earshot_%s\"\r\n\r\n"
	    "This is the earshot digest in plain text and HTML.\r\n"
	    "--=_earshot_%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
	    id, (long long)now, (int)strcspn(domain, ">"), domain, id, id);
	/* A delimiter's CRLF belongs to it: one more keeps the last line's. */
	rc |= body_qp(out, text);
	rc |= buf_printf(out, "\r\n--=_earshot_%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", id);
	rc |= body_base64(out, html);
	rc |= buf_printf(out, "\r\n--=_earshot_%s--\r\n", id);
	return rc ? -1 : 0;
}
