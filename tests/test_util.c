/* Shared helpers: strings, hashing, time, durations, UTF-8, the buffer. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"
#include "test.h"

static void
test_strings(void)
{
	char s[] = "  \t padded text \n";
	char *p;

	CHECK_STR(str_trim(s), "padded text");
	CHECK(str_startswith("file:///x", "file://"));
	CHECK(!str_startswith("fil", "file://"));
	p = xstrndup("abcdef", 3);
	CHECK_STR(p, "abc");
	free(p);
	CHECK(xstrdup(NULL) == NULL);
	CHECK(xstrndup(NULL, 4) == NULL);
}

static void
test_hash(void)
{
	char hex[17];

	/* Published FNV-1a 64-bit test vectors. */
	CHECK(hash64("", 0) == 0xcbf29ce484222325ULL);
	CHECK(hash64("a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(hash64("foobar", 6) == 0x85944171f73967e8ULL);
	CHECK(hash64_more(hash64("foo", 3), "bar", 3) == hash64("foobar", 6));
	hash64_hex(0xaf63dc4c8601ec8cULL, hex);
	CHECK_STR(hex, "af63dc4c8601ec8c");
	hash64_hex(1, hex);
	CHECK_STR(hex, "0000000000000001");
}

static void
test_time(void)
{
	struct tm tm = {0};
	char iso[21];

	tm.tm_year = 2024 - 1900;
	tm.tm_mon = 4;
	tm.tm_mday = 1;
	tm.tm_hour = 9;
	tm.tm_min = 30;
	CHECK_INT(time_from_utc(&tm), 1714555800);
	time_iso8601(1714555800, iso);
	CHECK_STR(iso, "2024-05-01T09:30:00Z");
	/* Leap day, and month overflow normalised (month 12 = next January). */
	tm = (struct tm){ .tm_year = 2024 - 1900, .tm_mon = 1, .tm_mday = 29 };
	CHECK_INT(time_from_utc(&tm), 1709164800);
	tm = (struct tm){ .tm_year = 2023 - 1900, .tm_mon = 12, .tm_mday = 1 };
	CHECK_INT(time_from_utc(&tm), 1704067200);
	time_iso8601(0, iso);
	CHECK_STR(iso, "1970-01-01T00:00:00Z");
}

static void
test_duration(void)
{
	CHECK_INT(parse_duration("90"), 90);
	CHECK_INT(parse_duration("90s"), 90);
	CHECK_INT(parse_duration("15m"), 900);
	CHECK_INT(parse_duration("2h"), 7200);
	CHECK_INT(parse_duration("7d"), 604800);
	CHECK_INT(parse_duration("1w"), 604800);
	CHECK_INT(parse_duration(""), -1);
	CHECK_INT(parse_duration("m"), -1);
	CHECK_INT(parse_duration("-5m"), -1);
	CHECK_INT(parse_duration("5mm"), -1);
	CHECK_INT(parse_duration("5 m"), -1);
	CHECK_INT(parse_duration("99999999999999d"), -1);
	CHECK_INT(parse_duration(NULL), -1);
}

static void
test_utf8(void)
{
	char bad[] = "ok \xff \xc3\xa9 \xe2\x82 \xed\xa0\x80 end";
	char overlong[] = "\xc0\xaf";

	CHECK(utf8_valid("caf\xc3\xa9 \xf0\x9f\x98\x80", 10));
	CHECK(!utf8_valid("\xff", 1));
	CHECK(!utf8_valid(overlong, 2));
	CHECK(!utf8_valid("\xed\xa0\x80", 3));        /* a surrogate */
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4));    /* past U+10FFFF */
	CHECK(!utf8_valid("\xe2\x82", 2));            /* truncated */
	/* Past and across the eight-byte ASCII steps, and a sequence cut by
	 * the end of the length given. */
	CHECK(utf8_valid("0123456789abcdef\xc3\xa9", 18));
	CHECK(!utf8_valid("0123456789abcde\xff", 16));
	CHECK(!utf8_valid("01234567\xc3\xa9xyz\x80" "abcdefgh", 22));
	CHECK(!utf8_valid("0123456\xc3\xa9", 8));
	CHECK(utf8_valid("01234567\xff", 8));
	/* \xff, the two bytes of the cut sequence and the three of the surrogate. */
	CHECK_INT(utf8_sanitize(bad), 6);
	CHECK_STR(bad, "ok ? \xc3\xa9 ?? ??? end");
	CHECK(utf8_valid(bad, strlen(bad)));
}

static void
test_buf(void)
{
	struct buf b = {0};
	char *s;
	int i;

	CHECK_INT(buf_puts(&b, "one"), 0);
	CHECK_INT(buf_putc(&b, ' '), 0);
	CHECK_INT(buf_printf(&b, "%d %s", 2, "three"), 0);
	CHECK_STR(b.data, "one 2 three");
	CHECK_INT(b.len, 11);
	buf_reset(&b);
	CHECK_STR(b.data, "");
	for (i = 0; i < 1000; i++)
		buf_append(&b, "0123456789", 10);
	CHECK_INT(b.len, 10000);
	CHECK(b.data[10000] == '\0');
	s = buf_detach(&b);
	CHECK_INT(strlen(s), 10000);
	CHECK(b.data == NULL && b.len == 0);
	free(s);
	s = buf_detach(&b);      /* an empty buffer detaches as "" */
	CHECK_STR(s, "");
	free(s);
	buf_free(&b);
}

static void
test_mkdir(void)
{
	char dir[] = "/tmp/earshot-util-XXXXXX", path[128], file[160];
	struct stat sb;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	CHECK_INT(mkdir_p(path), 0);
	CHECK(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
	CHECK_INT(mkdir_p(path), 0);     /* already there is fine */
	snprintf(file, sizeof file, "%s/a/file", dir);
	fclose(fopen(file, "w"));
	snprintf(path, sizeof path, "%s/a/file/d", dir);
	CHECK_INT(mkdir_p(path), -1);    /* a file in the way */
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	CHECK_INT(system(path), 0);
}

int
main(void)
{
	RUN(test_strings);
	RUN(test_hash);
	RUN(test_time);
	RUN(test_duration);
	RUN(test_utf8);
	RUN(test_buf);
	RUN(test_mkdir);
	return TEST_END();
}
