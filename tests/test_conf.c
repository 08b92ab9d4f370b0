/* Configuration: values, includes, relative paths, environment, and the
 * errors a user sees (file, line, what was expected). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "conf_int.h"
#include "log.h"
#include "test.h"

static char dir[] = "/tmp/earshot-conf-XXXXXX";
static char logbuf[8192];

static void
write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* Loads text as dir/NAME, capturing what is logged into logbuf. */
static int
load(struct conf *c, const char *name, const char *text)
{
	char path[512];
	FILE *lf = tmpfile();
	size_t n;
	int rc;

	write_file(name, text);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	log_to(lf);
	rc = conf_load(c, path);
	log_to(NULL);
	rewind(lf);
	n = fread(logbuf, 1, sizeof logbuf - 1, lf);
	logbuf[n] = '\0';
	fclose(lf);
	return rc;
}

static void
test_full(void)
{
	struct conf c;
	char want[600];

	setenv("EARSHOT_TEST_TOKEN", "s3cret", 1);
	write_file("one.feed", "[feed one]\nurl = https://example.com/a.rss\n"
	    "header = Authorization: Bearer ${EARSHOT_TEST_TOKEN}\ninterval = 2h\n");
	write_file("two.feed", "[feed two]\ntype = json\nurl = local/two.json\n"
	    "items = data.children\ntext = data.selftext\nrating_scale = 5\n");
	CHECK_INT(load(&c, "main.conf",
	    "# comment\nstate_dir = st\nout_dir = /abs/out  # trailing comment\n"
	    "interval = 30m\nkeep_days = 30\nmax_body = 2M\nstall_timeout = 45s\n"
	    "rating_weight = 0.25\n"
	    "[brand Acme]\nmatch = \\bacme\\b\nmatch = acme\\#1\nexclude = anvils?\n"
	    "competitors = Globex\nnegative_threshold = -0.7\ncase_sensitive = yes\n"
	    "[brand Globex]\nmatch = globex\nrating_weight = 1\n"
	    "[alert]\nwebhook = https://hooks.example/${EARSHOT_TEST_TOKEN}\n"
	    "command = /bin/cat -n\n"
	    "include = *.feed\n"), 0);
	snprintf(want, sizeof want, "%s/st", dir);
	CHECK_STR(c.state_dir, want);
	CHECK_STR(c.out_dir, "/abs/out");
	CHECK_INT(c.interval, 1800);
	CHECK_INT(c.keep_days, 30);
	CHECK_INT(c.max_body, 2 * 1024 * 1024);
	CHECK_INT(c.stall_timeout, 45);
	CHECK_INT(c.nbrands, 2);
	CHECK_INT(c.brands[0].match.n, 2);
	CHECK_STR(c.brands[0].match.v[1], "acme\\#1");
	CHECK_STR(c.brands[0].exclude.v[0], "anvils?");
	CHECK_NEAR(c.brands[0].negative_threshold, -0.7, 1e-9);
	CHECK_NEAR(c.brands[1].negative_threshold, -0.5, 1e-9);  /* global default */
	CHECK_NEAR(c.rating_weight, 0.25, 1e-9);
	CHECK_NEAR(c.brands[0].rating_weight, 0.25, 1e-9);       /* inherited */
	CHECK_NEAR(c.brands[1].rating_weight, 1, 1e-9);
	CHECK_INT(c.brands[0].case_sensitive, 1);
	CHECK_STR(c.alert.webhook, "https://hooks.example/s3cret");
	CHECK_INT(c.alert.command.n, 2);
	CHECK(c.alert.command.v[2] == NULL);   /* ready to be an argv */
	CHECK_INT(c.nfeeds, 2);
	CHECK(conf_feed_by_name(&c, "one") != NULL);
	if (c.nfeeds == 2) {
		struct conf_feed *one = conf_feed_by_name(&c, "one");
		struct conf_feed *two = conf_feed_by_name(&c, "two");

		CHECK_STR(one->headers.v[0], "Authorization: Bearer s3cret");
		CHECK_INT(one->interval, 7200);
		CHECK_STR(one->type, "rss");
		CHECK_INT(two->interval, 1800);   /* inherits the global interval */
		snprintf(want, sizeof want, "file://%s/local/two.json", dir);
		CHECK_STR(two->url, want);
		CHECK_STR(two->items, "data.children");
		CHECK_NEAR(two->rating_scale, 5, 1e-9);
	}
	conf_free(&c);
}

/* Thousands of feeds: each found by name, a name used again reported
 * against its first use however far back. */
static void
test_many_feeds(void)
{
	struct buf text = {0};
	struct conf c;
	unsigned i, bad = 0;
	char name[32];

	for (i = 0; i < 3000; i++)
		buf_printf(&text, "[feed f%u]\nurl = http://x.example/%u\n", i, i);
	CHECK_INT(load(&c, "many.conf", text.data), 0);
	CHECK_INT(c.nfeeds, 3000);
	for (i = 0; i < 3000; i++) {
		struct conf_feed *f;

		snprintf(name, sizeof name, "f%u", i);
		f = conf_feed_by_name(&c, name);
		bad += !f || strcmp(f->name, name) || f != &c.feeds[i];
	}
	CHECK_INT(bad, 0);
	CHECK(conf_feed_by_name(&c, "f3000") == NULL);
	CHECK(conf_feed_by_name(&c, "") == NULL);
	conf_free(&c);
	buf_printf(&text, "[feed f7]\nurl = http://y.example/\n");
	CHECK_INT(load(&c, "many2.conf", text.data), -1);
	CHECK(strstr(logbuf, "many2.conf:6001: feed 'f7' is already defined at") != NULL);
	CHECK(strstr(logbuf, "many2.conf:15") != NULL);
	buf_free(&text);
}

static void
test_errors(void)
{
	struct conf c;

	CHECK_INT(load(&c, "e1.conf", "[brand A]\nmatch = a\nmatc = b\n"), -1);
	CHECK(strstr(logbuf, "e1.conf:3:") != NULL);
	CHECK(strstr(logbuf, "did you mean 'match'") != NULL);

	CHECK_INT(load(&c, "e2.conf", "[feed a]\nurl = http://x/\n\n[feed a]\nurl = http://y/\n"), -1);
	CHECK(strstr(logbuf, "e2.conf:4: feed 'a' is already defined at") != NULL);
	CHECK(strstr(logbuf, "e2.conf:1") != NULL);

	unsetenv("EARSHOT_UNSET_VAR");
	CHECK_INT(load(&c, "e3.conf", "[alert]\nwebhook = ${EARSHOT_UNSET_VAR}\n"), -1);
	CHECK(strstr(logbuf, "e3.conf:2: environment variable EARSHOT_UNSET_VAR is not set") != NULL);

	CHECK_INT(load(&c, "e4.conf", "[brand A]\nmatch = a\nstate_dir = /x\n"), -1);
	CHECK(strstr(logbuf, "e4.conf:3: 'state_dir' belongs in the top (global) part") != NULL);

	CHECK_INT(load(&c, "e5.conf", "interval = soon\n"), -1);
	CHECK(strstr(logbuf, "e5.conf:1: 'interval' must be a duration") != NULL);

	CHECK_INT(load(&c, "e6.conf", "[feed nourl]\ntype = rss\n"), -1);
	CHECK(strstr(logbuf, "e6.conf:1: feed 'nourl' has no url") != NULL);

	CHECK_INT(load(&c, "e7.conf", "[brand A]\nmatch = a\ncompetitors = Nobody\n"), -1);
	CHECK(strstr(logbuf, "competitor 'Nobody' is not a brand") != NULL);

	CHECK_INT(load(&c, "e8.conf", "just some words\n"), -1);
	CHECK(strstr(logbuf, "e8.conf:1: expected 'key = value'") != NULL);

	CHECK_INT(load(&c, "e9.conf", "[shop X]\n"), -1);
	CHECK(strstr(logbuf, "unknown section [shop]") != NULL);

	CHECK_INT(load(&c, "e10.conf", "include = missing.conf\n"), -1);
	CHECK(strstr(logbuf, "cannot include") != NULL);

	CHECK_INT(load(&c, "e11.conf", "[feed f]\nurl = http://x/\ntype = csv\n"), -1);
	CHECK(strstr(logbuf, "unknown type 'csv'") != NULL);

	CHECK_INT(load(&c, "e12.conf", "keep_days = 0\n"), -1);
	CHECK(strstr(logbuf, "out of range") != NULL);

	CHECK_INT(load(&c, "e13.conf", "[brand A]\nmatch = a\nrating_weight = 1.5\n"), -1);
	CHECK(strstr(logbuf, "e13.conf:3:") != NULL && strstr(logbuf, "out of range") != NULL);

	/* A file is read once: an include loop is an error, and a glob that
	 * matches the including file (or a device) skips it quietly. */
	CHECK_INT(load(&c, "loop.conf", "include = loop.conf\n"), -1);
	CHECK(strstr(logbuf, "loop.conf' is included twice") != NULL);
	{
		char sub[512];

		snprintf(sub, sizeof sub, "%s/glob", dir);
		mkdir(sub, 0755);
	}
	write_file("glob/a.conf", "[brand A]\nmatch = a\ninclude = *.conf\n");
	write_file("glob/b.conf", "[brand B]\nmatch = b\ninclude = *.conf\n");
	CHECK_INT(load(&c, "glob/main.conf", "include = *.conf\ninclude = /dev/nul?\n"
	    "include = /dev/null/x*\n"), 0);
	CHECK_INT(c.nbrands, 2);
	CHECK_INT(c.files.n, 3);
	conf_free(&c);
	CHECK_INT(load(&c, "dev.conf", "include = /dev/zero\n"), -1);
	CHECK(strstr(logbuf, "cannot include '/dev/zero': not a regular file") != NULL);
	/* Files nested deeper than the limit (a chain of distinct files) stop. */
	{
		char name[32], text[64];
		int i;

		for (i = 0; i < 10; i++) {
			snprintf(name, sizeof name, "deep%d.conf", i);
			snprintf(text, sizeof text, "include = deep%d.conf\n", i + 1);
			write_file(name, text);
		}
		write_file("deep10.conf", "\n");
		CHECK_INT(load(&c, "deep0.conf", "include = deep1.conf\n"), -1);
		CHECK(strstr(logbuf, "nested more than 8 deep") != NULL);
	}

	/* Secrets never appear in messages, even in errors about their line. */
	setenv("EARSHOT_TEST_TOKEN", "s3cret", 1);
	CHECK_INT(load(&c, "e13.conf", "[feed f]\nurl = http://x/\nheader = ${EARSHOT_TEST_TOKEN}\n"), -1);
	CHECK(strstr(logbuf, "header must look like") != NULL);
	CHECK(strstr(logbuf, "s3cret") == NULL);
}

/* header_file: lines of "Name: value" relative to the config file, added
 * after the feed's header lines; its errors say where, never what. */
static void
test_header_file(void)
{
	struct conf c;
	char path[600];

	snprintf(path, sizeof path, "%s/hdr", dir);
	mkdir(path, 0700);
	write_file("hdr/api.headers", "# the token\n\nAuthorization: Bearer fr0mfile\r\n"
	    "  X-Api-Key: k3y  \n");
	CHECK_INT(load(&c, "hf.conf", "[feed f]\nurl = http://x/\nheader = X-One: 1\n"
	    "header_file = hdr/api.headers\n"), 0);
	CHECK_INT(c.stall_timeout, 20);
	if (c.nfeeds == 1) {
		CHECK_INT(c.feeds[0].headers.n, 3);
		CHECK_STR(c.feeds[0].headers.v[0], "X-One: 1");
		CHECK_STR(c.feeds[0].headers.v[1], "Authorization: Bearer fr0mfile");
		CHECK_STR(c.feeds[0].headers.v[2], "X-Api-Key: k3y");
		conf_free(&c);
	}
	CHECK_STR(logbuf, "");

	CHECK_INT(load(&c, "hf2.conf", "[feed f]\nurl = http://x/\n"
	    "header_file = hdr/none.headers\n"), -1);
	snprintf(path, sizeof path, "hf2.conf:3: cannot read header file '%s/hdr/none.headers'",
	    dir);
	CHECK(strstr(logbuf, path) != NULL);

	write_file("hdr/bad.headers", "X-Ok: 1\nBearer s3cretline\n");
	CHECK_INT(load(&c, "hf3.conf", "[feed f]\nurl = http://x/\n"
	    "header_file = hdr/bad.headers\n"), -1);
	CHECK(strstr(logbuf, "hf3.conf:3: ") != NULL);
	CHECK(strstr(logbuf, "hdr/bad.headers:2: header must look like 'Name: value'") != NULL);
	CHECK(strstr(logbuf, "s3cretline") == NULL);

	write_file("hdr/inject.headers", "X-Bad\001: s3cretline\n");
	CHECK_INT(load(&c, "hf4.conf", "[feed f]\nurl = http://x/\n"
	    "header_file = hdr/inject.headers\n"), -1);
	CHECK(strstr(logbuf, "hdr/inject.headers:1: header must look like") != NULL);
	CHECK(strstr(logbuf, "s3cretline") == NULL);

	CHECK_INT(load(&c, "hf5.conf", "[feed f]\nurl = http://x/\nheader_file = hdr\n"), -1);
	CHECK(strstr(logbuf, "not a regular file") != NULL);
}

static void
test_missing_file(void)
{
	struct conf c;
	FILE *lf = tmpfile();

	log_to(lf);
	CHECK_INT(conf_load(&c, "/nonexistent/earshot.conf"), -1);
	log_to(NULL);
	fclose(lf);
	CHECK_STR(conf_find("x.conf"), "x.conf");
	setenv("EARSHOT_CONFIG", "/etc/from-env.conf", 1);
	CHECK_STR(conf_find(NULL), "/etc/from-env.conf");
	unsetenv("EARSHOT_CONFIG");
}

/* The digest's days need a real zone: glibc would read a typo as UTC. */
static void
test_timezone(void)
{
	struct conf c;

	CHECK_INT(load(&c, "tz1.conf", "timezone = Europe/Berlin\n"), 0);
	CHECK_STR(c.timezone, "Europe/Berlin");
	conf_free(&c);
	CHECK_INT(load(&c, "tz2.conf", "# zone\ntimezone = Europe/Berlni\n"), -1);
	CHECK(strstr(logbuf, "tz2.conf:2: 'timezone' must be a time zone") != NULL);
	CHECK_INT(load(&c, "tz3.conf", "timezone = ../../etc/passwd\n"), -1);
	CHECK_INT(load(&c, "tz4.conf", "timezone = /etc/localtime\n"), -1);
	CHECK_INT(load(&c, "tz5.conf", "lexicon = x\n"), 0);
	CHECK_STR(c.timezone, "UTC");
	conf_free(&c);
	CHECK_INT(conf_valid_zone("UTC"), 1);
	CHECK_INT(conf_valid_zone("America/New_York"), 1);
	CHECK_INT(conf_valid_zone("Europe"), 0);
	CHECK_INT(conf_valid_zone(""), 0);
}

int
main(void)
{
	char cmd[600];

	if (!mkdtemp(dir))
		return 1;
	RUN(test_full);
	RUN(test_errors);
	RUN(test_many_feeds);
	RUN(test_header_file);
	RUN(test_missing_file);
	RUN(test_timezone);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return TEST_END();
}
