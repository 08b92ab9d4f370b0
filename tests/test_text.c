/* Tests for text.c: HTML to text, entities, whitespace, dates. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "test_linear.h"
#include "text.h"
#include "util.h"

#define T_0501_0930 1714555800 /* 2024-05-01T09:30:00Z */

static void
check_html(const char *in, int flags, const char *want, int line)
{
	char *got = text_from_html(in, strlen(in), flags);

	if (got && !strcmp(got, want)) {
		test_passed++;
	} else {
		test_failed++;
		fprintf(stderr, "%s:%d: FAIL: html(\"%s\"): got \"%s\", want \"%s\"\n",
		    __FILE__, line, in, got ? got : "(null)", want);
	}
	free(got);
}

#define HTML(in, want) check_html(in, 0, want, __LINE__)
#define HTML1(in, want) check_html(in, TEXT_ONE_LINE, want, __LINE__)

static void
test_tags(void)
{
	HTML("<p>Hello &amp; <b>world</b></p><p>Two</p>", "Hello & world\nTwo");
	HTML("a<script>var x = '<p>'; if (a<b) {}</script>b<style>p { x: 1 }</style>c", "abc");
	HTML("<SCRIPT type=\"x\">bad()</SCRIPT>y", "y");
	HTML("<script>never closed <p>words", "");
	HTML("a<!-- <p>hidden</p> -->b", "ab");
	HTML("a<!-- never closed", "a");
	HTML("<a title=\"x>y\" href='z'>link</a> text", "link text");
	HTML("text <b", "text");
	HTML("1 < 2 and 3<4 <= 5", "1 < 2 and 3<4 <= 5");
	HTML("<![CDATA[raw <b>]]> after", "raw <b> after");
	HTML("<!DOCTYPE html><?php echo 1 ?>x", "x");
	HTML("", "");
	HTML("word<span>joined</span>", "wordjoined");
	HTML("cell<td>one</td><td>two</td>", "cell one two");
}

static void
test_blocks(void)
{
	HTML("a<br>b<br/>c<BR />d<div>e</div>f", "a\nb\nc\nd\ne\nf");
	HTML("<p></p><p>a</p><br><br>\n<p>b</p>", "a\nb");
	HTML("<ul><li>x</li><li>y</li></ul><h1>T</h1><h6>U</h6>"
	    "<table><tr><td>1</td><td>2</td></tr></table><blockquote>q</blockquote>",
	    "x\ny\nT\nU\n1 2\nq");
	HTML1("a<br>b\nc<p>d</p>", "a b c d");
	/* Every element that ends a line, and names one letter off them
	 * that do not (inline, or unknown). */
	{
		static const char *const block[] = { "address", "article", "aside",
		    "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
		    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
		    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
		    "summary", "table", "tbody", "tfoot", "thead", "tr", "ul" };
		static const char *const inline_[] = { "a", "b", "i", "em", "span", "h7",
		    "h10", "lii", "l", "pp", "prex", "trr", "u", "o", "navs", "ddd", "dla",
		    "sub", "strong", "mark", "x", "footers", "tab" };
		char in[64];
		size_t i;

		for (i = 0; i < NELEM(block); i++) {
			snprintf(in, sizeof in, "x<%s>y", block[i]);
			HTML(in, "x\ny");
		}
		for (i = 0; i < NELEM(inline_); i++) {
			snprintf(in, sizeof in, "x<%s>y", inline_[i]);
			HTML(in, "xy");
		}
	}
	HTML("  a \t\n b  \r\n", "a b");
	HTML("<p>  padded  </p>  <p> two </p>", "padded\ntwo");
}

static void
test_entities(void)
{
	HTML("&eacute;&apos;&hellip;&rsquo;&mdash;&#233;&#xE9;&#XE9;&#233", "é'…’—ééé\xc3\xa9");
	HTML("&#0;|&#xD800;|&#x110000;|&#99999999999999999999;",
	    "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd");
	HTML("&#146;&#x80;&#150;", "’€–");
	HTML("&bogus; AT&T & &; &#; &#x;", "&bogus; AT&T & &; &#; &#x;");
	HTML("&amp x &copy2024 &lt", "& x &copy2024 <");
	HTML("a&nbsp;&nbsp;b\xc2\xa0" "c&#160;d", "a b c d");
	HTML("&AMP;&QUOT;&hyphen;&bullet;&TRADE;", "&\"‐•™");
	HTML("&thetasym;&alefsym;&zwj;", "ϑℵ\xe2\x80\x8d");
	HTML("ctrl\x01" "char\x7f" "x", "ctrl char x");
	HTML("mis\xc2\x92labelled", "mis’labelled");
	/* The one construct that grows: 2 bytes to 3, all of it kept. */
	HTML("\xc2\x80\xc2\x80\xc2\x80\xc2\x80\xc2\x80\xc2\x80\xc2\x80\xc2\x80\xc2\x80"
	    "\xc2\x80", "€€€€€€€€€€");
}

static void
test_utf8(void)
{
	char *s;

	HTML("caf\xe9 ok", "caf? ok");
	HTML("\xf0\x9f\x98\x80 emoji \xed\xa0\x80", "\xf0\x9f\x98\x80 emoji ???");
	s = text_from_plain("a  b\r\n\r\n\nc &amp; <b>\rd\te", 24, 0);
	CHECK_STR(s, "a b\nc &amp; <b>\nd e");
	free(s);
	s = text_from_plain("x\ny", 3, TEXT_ONE_LINE);
	CHECK_STR(s, "x y");
	free(s);
	s = text_from_plain("\xff\xfe", 2, 0);
	CHECK_STR(s, "??");
	free(s);
}

static void
test_entity_api(void)
{
	size_t len = 0;
	char u[4];

	CHECK_INT(text_entity("&amp;rest", 9, &len), '&');
	CHECK_INT(len, 5);
	CHECK_INT(text_entity("&#x1F600;", 9, &len), 0x1f600);
	CHECK_INT(len, 9);
	CHECK_INT(text_entity("&#65", 4, &len), 'A');
	CHECK_INT(len, 4);
	CHECK_INT(text_entity("&nosuch;", 8, &len), -1);
	CHECK_INT(text_entity("&", 1, &len), -1);
	CHECK_INT(text_entity("x", 1, &len), -1);
	/* A reference cut off by the end of the buffer is no reference. */
	CHECK_INT(text_entity("&eacute", 7, &len), -1);
	CHECK_INT(text_entity_name("nbsp", 4), 0xa0);
	CHECK_INT(text_entity_name("apos", 4), '\'');
	CHECK_INT(text_entity_name("averyveryveryverylongnamethatisnotanentity", 42), -1);
	CHECK_INT(text_utf8_put(0x20ac, u), 3);
	CHECK(!memcmp(u, "\xe2\x82\xac", 3));
	CHECK_INT(text_utf8_len("\xe2\x82\xac", 3), 3);
	CHECK_INT(text_utf8_len("\xe2\x82", 2), 0);
	CHECK_INT(text_utf8_len("\xc0\x80", 2), 0);
}

static void
check_date(const char *s, long long want, int line)
{
	int64_t t = -12345;
	int rc = text_parse_date(s, &t);

	if ((want == -1 && rc == -1) || (rc == 0 && t == want)) {
		test_passed++;
	} else {
		test_failed++;
		fprintf(stderr, "%s:%d: FAIL: date(\"%s\"): rc %d, got %lld, want %lld\n",
		    __FILE__, line, s, rc, (long long)t, want);
	}
}

#define DATE(s, want) check_date(s, want, __LINE__)

static void
test_dates(void)
{
	/* RFC 822 and friends, through curl_getdate. */
	DATE("Wed, 01 May 2024 09:30:00 GMT", T_0501_0930);
	DATE("Wed, 01 May 2024 09:30:00 +0000", T_0501_0930);
	DATE("Thu, 02 May 2024 12:00:00 +0200", 1714644000);
	DATE("Wed, 01 May 2024 09:30:00 EST", 1714573800);
	DATE("  Wed, 1 May 2024 09:30:00 UT\n", T_0501_0930);
	DATE("Wednesday, 01-May-24 09:30:00 GMT", T_0501_0930);
	DATE("Wed May  1 09:30:00 2024", T_0501_0930);
	/* ISO 8601 / RFC 3339, our own. */
	DATE("2024-05-01T09:30:00Z", T_0501_0930);
	DATE("2024-05-01t09:30:00z", T_0501_0930);
	DATE("2024-05-01T11:30:00+02:00", T_0501_0930);
	DATE("2024-05-01T11:30:00+0200", T_0501_0930);
	DATE("2024-05-01T11:30:00+02", T_0501_0930);
	DATE("2024-05-01T04:00:00.123456-05:30", T_0501_0930);
	DATE("2024-05-01T09:30:00,5Z", T_0501_0930);
	DATE("2024-05-01 09:30:00", T_0501_0930);
	DATE("2024-05-01T09:30Z", T_0501_0930);
	DATE(" 2024-05-01T09:30:00Z \n", T_0501_0930);
	DATE("2024-05-01", 1714521600);
	DATE("2024-05", 1714521600);
	DATE("2003-12-13T08:29:29-04:00", 1071318569);
	/* Not dates. */
	DATE("", -1);
	DATE("garbage", -1);
	DATE("2024-13-01T00:00:00Z", -1);
	DATE("2024-05-01T25:00:00Z", -1);
	DATE("2024-05-01T09:30:00+25:00", -1);
	DATE("2024-05-01T09:30:00Zjunk", -1);
}

static void
test_pre_epoch(void)
{
	int64_t t = 0;

	CHECK_INT(text_parse_date("1969-12-31T23:59:59Z", &t), 0);
	CHECK_INT(t, -1);
}

/* Converts n bytes of each hostile shape; returns the seconds taken. */
static double
big_run(char *s, size_t n)
{
	static const char *const unit[] = { "<a", "<!--", "&", "&#", "<p>", "<a x='",
	    "<script>", "x<y ", "&eacute", "\xe9" };
	clock_t start = clock();
	size_t i, j, k;
	char *out;

	for (i = 0; i < NELEM(unit); i++) {
		k = strlen(unit[i]);
		for (j = 0; j + k <= n; j += k)
			memcpy(s + j, unit[i], k);
		memset(s + j, 'z', n - j);
		s[n] = '\0';
		out = text_from_html(s, n, 0);
		CHECK(out != NULL && strlen(out) <= n);
		free(out);
	}
	return (double)(clock() - start) / CLOCKS_PER_SEC;
}

static void
test_big(void)
{
	check_linear(big_run, 10u << 20, 1);
}

/* The common RFC 822 form, read without curl, must agree with curl on
 * every field's range, and the forms near it go to curl still. */
static void
test_rfc822_like_curl(void)
{
	static const char *const zones[] = { "+0000", "GMT", "Z", "-0530", "+1400", "EST" };
	static const char *const days[] = { "", "Sun, ", "Mon, " };
	char s[64];
	int64_t t;
	unsigned k;

	for (k = 0; k < 2000; k++) {
		snprintf(s, sizeof s, "%s%0*u %.3s %u %02u:%02u:%02u %s", days[k % 3],
		    k % 4 ? 2 : 1, 1 + k * 7 % 31, "JanFebMarAprMayJunJulAugSepOctNovDec" + k % 12 * 3,
		    1970 + k * 13 % 130, k * 5 % 24, k * 11 % 60, k * 17 % 60, zones[k % 6]);
		if (text_parse_date(s, &t) != 0 || t != (int64_t)curl_getdate(s, NULL)) {
			CHECK(!"rfc822 as curl reads it");
			fprintf(stderr, "  %s: %lld, curl %lld\n", s, (long long)t,
			    (long long)curl_getdate(s, NULL));
			return;
		}
	}
	CHECK_INT(text_parse_date("Sun, 02 Sep 2024 02:49:00 +0000", &t), 0);
	CHECK_INT(t, 1725245340);
	CHECK_INT(text_parse_date("02 Sep 2024 02:49:00 -0100", &t), 0);
	CHECK_INT(t, 1725245340 + 3600);
}

static void
test_base64(void)
{
	size_t len = 0;
	char *s;

	s = text_base64_decode(" SGVs\nbG8= ", 11, &len);
	CHECK_STR(s, "Hello");
	CHECK_INT(len, 5);
	free(s);
	s = text_base64_decode("SGVsbG8", 7, &len); /* padding left out */
	CHECK_STR(s, "Hello");
	free(s);
	CHECK(text_base64_decode("SGVsbG8=x", 9, &len) == NULL); /* data after '=' */
	CHECK(text_base64_decode("S", 1, &len) == NULL);         /* a lone digit */
	CHECK(text_base64_decode("SG*s", 4, &len) == NULL);
	s = text_base64_decode("", 0, &len);
	CHECK(s && len == 0);
	free(s);
}

int
main(void)
{
	RUN(test_tags);
	RUN(test_blocks);
	RUN(test_entities);
	RUN(test_utf8);
	RUN(test_entity_api);
	RUN(test_dates);
	RUN(test_rfc822_like_curl);
	RUN(test_base64);
	RUN(test_pre_epoch);
	RUN(test_big);
	return TEST_END();
}
