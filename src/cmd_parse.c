/* earshot parse: one document in, its items out as JSON lines. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "fetch.h"
#include "parse.h"
#include "util.h"
#include "version.h"

#define FILE_MAX (64u << 20) /* a local file bigger than this is no feed */

enum { OPT_TYPE = 256, OPT_MAP, OPT_CHARSET };

static const char help[] =
    "usage: earshot parse [options] FILE|URL|-\n\n"
    "Shows what earshot reads from one feed, before you add it to the\n"
    "configuration or when a mention seems to be missing: every item found,\n"
    "one JSON object per line, in the order of the feed, with id, link,\n"
    "title, author, published (UTC; null when the feed gives no date), text\n"
    "(plain text, as brands are matched against it), rating and rating_scale\n"
    "(null when the feed has none). FILE may be a saved copy of the feed, an\n"
    "http(s) address, or '-' for standard input. Problems earshot worked\n"
    "around are summed up on standard error.\n\n"
    "Options:\n"
    "      --type TYPE      rss (also for Atom), jsonfeed, json, html, or auto\n"
    "                       to tell from the document itself (the default)\n"
    "      --map FEEDFILE   a feed definition (.feed file) saying where the\n"
    "                       fields are in a json or html page; its type is\n"
    "                       used unless --type is given\n"
    "      --charset NAME   read the document in this charset, as if a web\n"
    "                       server's Content-Type had named it (it beats the\n"
    "                       document's own declaration, not a BOM)\n"
    "  -h, --help           this help\n"
    "\nExit status: 0 the items were printed (perhaps none); 1 the document\n"
    "could not be read or is not a feed; 2 usage error.\n";

struct feed_def {
	struct conf conf;
	struct parse_map map;
	int loaded;
};

/* Reads all of f (at most FILE_MAX bytes) into b. 0, or -1 with errno. */
static int
read_all(FILE *f, struct buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > FILE_MAX) {
			errno = EFBIG;
			return -1;
		}
		if (buf_append(b, chunk, n) < 0)
			return -1;
	}
	return ferror(f) ? -1 : 0;
}

static int
read_file(const char *path, struct buf *b)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	int rc, e;

	if (!f)
		return -1;
	rc = read_all(f, b);
	e = errno;
	if (f != stdin)
		fclose(f);
	errno = e;
	return rc;
}

static void
ignore_done(struct fetch_job *job, void *ctx)
{
	(void)job;
	(void)ctx;
}

/* Fetches url into job (one transfer, default limits). 0, or -1 after
 * saying why. */
static int
fetch_url(const char *url, struct fetch_job *job)
{
	struct fetch_job *jobs[1] = { job };
	struct fetch_opts fo;
	char ua[128], err[256];

	fetch_opts_default(&fo);
	snprintf(ua, sizeof ua, "earshot/%s (+%s)", EARSHOT_VERSION, EARSHOT_URL);
	fo.user_agent = ua;
	job->name = url;
	job->url = url;
	if (fetch_all(&fo, jobs, 1, ignore_done, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "earshot parse: %s: %s\n", url, err);
		return -1;
	}
	if (!job->ok) {
		fprintf(stderr, "earshot parse: %s: %s\n", url, job->error);
		return -1;
	}
	return 0;
}

static json_t *
str_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;

	return j ? j : json_null();
}

static int
print_item(struct item *it, void *ctx)
{
	json_t *o = json_object();
	char when[21];

	(void)ctx;
	if (!o)
		return -1;
	time_iso8601(it->published, when);
	json_object_set_new(o, "id", str_or_null(it->id));
	json_object_set_new(o, "link", str_or_null(it->link));
	json_object_set_new(o, "title", str_or_null(it->title));
	json_object_set_new(o, "author", str_or_null(it->author));
	json_object_set_new(o, "published", str_or_null(it->date_guessed ? NULL : when));
	json_object_set_new(o, "text", str_or_null(it->text));
	json_object_set_new(o, "rating", it->rating < 0 ? json_null() : json_real(it->rating));
	json_object_set_new(o, "rating_scale",
	    it->rating_scale > 0 ? json_real(it->rating_scale) : json_null());
	json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(10));
	putchar('\n');
	json_decref(o);
	return 0;
}

/* Loads the first feed of a .feed file for its type and mapping. */
static int
load_map(const char *path, struct feed_def *d)
{
	if (conf_load(&d->conf, path) < 0)
		return -1;
	d->loaded = 1;
	if (!d->conf.nfeeds) {
		fprintf(stderr, "earshot parse: %s: no [feed NAME] section in it\n", path);
		return -1;
	}
	conf_feed_map(&d->conf.feeds[0], &d->map);
	return 0;
}

/* Parses the document and prints its items; returns the exit status. */
static int
parse_and_print(struct parse_source *src, const char *what)
{
	struct parse_stats st;
	char err[512];
	const char *msg = err;
	size_t k = strlen(src->feed);

	if (parse_feed(src, print_item, NULL, &st, err, sizeof err) < 0) {
		/* parse_feed names the feed; we name it our way. */
		if (!strncmp(err, "feed ", 5) && !strncmp(err + 5, src->feed, k) &&
		    !strncmp(err + 5 + k, ": ", 2))
			msg = err + 7 + k;
		fprintf(stderr, "earshot parse: %s: %s\n", what, msg);
		return EXIT_PARTIAL;
	}
	if (st.recovered || st.skipped)
		fprintf(stderr, "earshot parse: %s: %u item%s; worked around %u "
		    "problem%s, skipped %u unusable item%s\n", what, st.items,
		    st.items == 1 ? "" : "s", st.recovered, st.recovered == 1 ? "" : "s",
		    st.skipped, st.skipped == 1 ? "" : "s");
	if (fflush(stdout) != 0) {
		fprintf(stderr, "earshot parse: cannot write the items: %s\n", strerror(errno));
		return EXIT_PARTIAL;
	}
	return EXIT_OK;
}

/* Options into *type, the --map file and --charset; returns -1 after a usage error,
 * 1 after --help, 0 to go on. */
static int
options(int argc, char **argv, int *type, const char **map, const char **charset)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "charset", required_argument, NULL, OPT_CHARSET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(help, stdout);
			return 1;
		} else if (ch == OPT_TYPE && (*type = parse_type_from_name(optarg)) < 0) {
			fprintf(stderr, "earshot parse: unknown type '%s' (expected rss, atom, "
			    "jsonfeed, json, html or auto)\n", optarg);
			return -1;
		} else if (ch == OPT_MAP) {
			*map = optarg;
		} else if (ch == OPT_CHARSET) {
			*charset = optarg;
		} else if (ch != OPT_TYPE) {
			fputs(help, stderr);
			return -1;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "earshot parse: %s\n", optind < argc ?
		    "give one FILE, URL or '-'" : "which feed? give a FILE, URL or '-'");
		return -1;
	}
	return 0;
}

int
cmd_parse(int argc, char **argv)
{
	struct fetch_job job = {0};
	struct feed_def def = {0};
	struct parse_source src = {0};
	struct buf b = {0};
	const char *map = NULL, *charset = NULL, *what;
	int type = -1, rc, url;

	if ((rc = options(argc, argv, &type, &map, &charset)) != 0)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	what = argv[optind];
	url = str_startswith(what, "http://") || str_startswith(what, "https://");
	if (map && load_map(map, &def) < 0) {
		rc = EXIT_USAGE;
	} else if (url && fetch_url(what, &job) < 0) {
		rc = EXIT_PARTIAL;
	} else if (!url && read_file(what, &b) < 0) {
		fprintf(stderr, "earshot parse: %s: %s\n", what, strerror(errno));
		rc = EXIT_PARTIAL;
	} else {
		if (type < 0)
			type = map ? parse_type_from_name(def.conf.feeds[0].type) : PARSE_AUTO;
		src.feed = what;
		/* A saved page's links are relative to where the feed lives. */
		src.url = url ? (job.effective_url ? job.effective_url : what) :
		    map ? def.conf.feeds[0].url : NULL;
		src.content_type = job.content_type;
		src.charset = charset;
		src.data = url ? job.body : b.data;
		src.len = url ? job.len : b.len;
		src.fetch_time = time(NULL);
		src.type = (enum parse_type)type;
		src.map = map ? &def.map : NULL;
		rc = parse_and_print(&src, what);
	}
	if (def.loaded)
		conf_free(&def.conf);
	fetch_job_clear(&job);
	buf_free(&b);
	return rc;
}
