#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "cmd.h"
#include "lexicon.h"
#include "log.h"
#include "match.h"
#include "pipeline.h"
#include "record.h"
#include "schedule.h"
#include "store.h"
#include "term.h"
#include "util.h"

static const char help[] =
    "usage: earshot check [options]\n\n"
    "Checks the configuration without fetching anything: every brand's\n"
    "patterns compile, lexicon files load, feed URLs are valid. Then lists\n"
    "each feed with its state: when it is next due, and if it is failing,\n"
    "since when and why.\n\n"
    "Options:\n"
    "      --json           the same facts as one JSON document (keys in the\n"
    "                       README); nothing on stdout when the file is invalid\n"
    CLI_COMMON_HELP
    "\nExit status: 0 the configuration is valid; 2 it is not (errors name\n"
    "the file and line).\n";

enum { OPT_JSON = OPT_FIRST_FREE };

/* The URL without user info or query string: those may hold secrets. */
static void
safe_url(const char *url, char *out, size_t len)
{
	CURLU *u = curl_url();
	char *s = NULL;

	snprintf(out, len, "%s", url);
	if (!u)
		return;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
		int had_query = 0;
		char *q = NULL;

		if (curl_url_get(u, CURLUPART_QUERY, &q, 0) == CURLUE_OK) {
			had_query = 1;
			curl_free(q);
		}
		curl_url_set(u, CURLUPART_USER, NULL, 0);
		curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
		curl_url_set(u, CURLUPART_QUERY, NULL, 0);
		if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
			snprintf(out, len, "%s%s", s, had_query ? "?…" : "");
			curl_free(s);
		}
	}
	curl_url_cleanup(u);
}

static int
check_urls(const struct conf *c)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < c->nfeeds; i++) {
		const struct conf_feed *f = &c->feeds[i];
		CURLU *u = curl_url();
		char *scheme = NULL;

		if (curl_url_set(u, CURLUPART_URL, f->url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
			log_error("%s:%d: feed '%s': not a valid URL", f->file, f->line, f->name);
			bad++;
		} else if (strcmp(scheme, "http") && strcmp(scheme, "https") &&
		    strcmp(scheme, "file")) {
			log_error("%s:%d: feed '%s': earshot fetches http, https and file URLs, "
			    "not %s", f->file, f->line, f->name, scheme);
			bad++;
		} else if (!strcmp(scheme, "file")) {
			char *path = NULL;

			if (curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) == CURLUE_OK &&
			    access(path, R_OK) != 0) {
				log_error("%s:%d: feed '%s': cannot read %s", f->file, f->line,
				    f->name, path);
				bad++;
			}
			curl_free(path);
		}
		curl_free(scheme);
		curl_url_cleanup(u);
	}
	return bad;
}

static void
when(int64_t t, int64_t now, char *out, size_t len)
{
	int64_t d = t - now;

	if (d <= 0)
		snprintf(out, len, "due now");
	else if (d < 3600)
		snprintf(out, len, "due in %lldm", (long long)(d + 59) / 60);
	else if (d < 2 * 86400)
		snprintf(out, len, "due in %lldh%02lldm", (long long)d / 3600,
		    (long long)(d % 3600) / 60);
	else
		snprintf(out, len, "due in %lldd", (long long)d / 86400);
}

/* An interval as people write it in the file: 90s, 15m, 2h, 1d. */
static void
every(long secs, char *out, size_t len)
{
	if (secs % 86400 == 0)
		snprintf(out, len, "%ldd", secs / 86400);
	else if (secs % 3600 == 0)
		snprintf(out, len, "%ldh", secs / 3600);
	else if (secs % 60 == 0)
		snprintf(out, len, "%ldm", secs / 60);
	else
		snprintf(out, len, "%lds", secs);
}

static void
print_feed(const struct conf_feed *f, const struct feed_state *st, int64_t now, int colour)
{
	char url[512], due[64], since[21], iv[24];

	safe_url(f->url, url, sizeof url);
	if (!st->last_attempt)
		snprintf(due, sizeof due, "never polled, due now");
	else
		when(st->next_due, now, due, sizeof due);
	every(f->interval, iv, sizeof iv);
	printf("  %-20s %-8s every %-6s %s\n      %s\n", f->name, f->type, iv, due, url);
	if (st->failures) {
		struct buf b = {0};

		time_iso8601(st->failing_since, since);
		term_paint(&b, colour, TERM_YELLOW, "FAILING since %s (%u time%s)", since,
		    st->failures, st->failures == 1 ? "" : "s");
		printf("      %s: %s\n", b.data, st->last_error ? st->last_error : "?");
		buf_free(&b);
	} else if (st->last_success) {
		time_iso8601(st->last_success, since);
		printf("      last success %s (HTTP %ld)\n", since, st->http_status);
	}
}

static json_t *
json_feed(const struct conf_feed *f, const struct feed_state *st, int64_t now)
{
	char url[512];

	safe_url(f->url, url, sizeof url);
	return json_pack("{s:s, s:s, s:I, s:s, s:b, s:o, s:o, s:o, s:o, s:I, s:o, s:s?}",
	    "name", f->name, "type", f->type, "interval", (json_int_t)f->interval,
	    "url", url, "due", !st->last_attempt || schedule_is_due(st, now),
	    "next_due", record_time(st->last_attempt ? st->next_due : 0),
	    "last_attempt", record_time(st->last_attempt),
	    "last_success", record_time(st->last_success),
	    "http_status", st->http_status ? json_integer(st->http_status) : json_null(),
	    "failures", (json_int_t)st->failures,
	    "failing_since", record_time(st->failures ? st->failing_since : 0),
	    "last_error", st->failures ? st->last_error : NULL);
}

/* Each feed with its recorded state: printed, or appended to feeds (JSON)
 * when that is not NULL. */
static void
list_feeds(const struct conf *c, json_t *feeds)
{
	int colour = term_colours(stdout);
	struct store *s;
	int64_t now = time(NULL);
	char err[512];
	size_t i;

	if (!(s = store_open_existing(c->state_dir, err, sizeof err)) && *err)
		log_warn("cannot show the feeds' state: %s", err);
	if (!feeds)
		printf("%zu feed%s:\n", c->nfeeds, c->nfeeds == 1 ? "" : "s");
	for (i = 0; i < c->nfeeds; i++) {
		struct feed_state st = {0};

		if (s)
			store_feed_state(s, c->feeds[i].name, &st);
		if (feeds)
			json_array_append_new(feeds, json_feed(&c->feeds[i], &st, now));
		else
			print_feed(&c->feeds[i], &st, now, colour);
		feed_state_clear(&st);
	}
	store_close(s);
}

static void
print_text(const struct conf *c, const struct lexicon *lx)
{
	size_t i;

	printf("%s: configuration OK (%zu file%s read)\n", c->path, c->files.n,
	    c->files.n == 1 ? "" : "s");
	printf("state: %s\noutput: %s\nlexicon: %zu terms\n", c->state_dir, c->out_dir,
	    lexicon_size(lx));
	printf("%zu brand%s:\n", c->nbrands, c->nbrands == 1 ? "" : "s");
	for (i = 0; i < c->nbrands; i++) {
		const struct conf_brand *b = &c->brands[i];

		printf("  %-20s %zu pattern%s, %zu exclusion%s, alerts at %.2f or below",
		    b->name, b->match.n, b->match.n == 1 ? "" : "s", b->exclude.n,
		    b->exclude.n == 1 ? "" : "s", b->negative_threshold);
		if (b->competitors.n) {
			size_t j;

			printf(", competitors:");
			for (j = 0; j < b->competitors.n; j++)
				printf(" %s", b->competitors.v[j]);
		}
		putchar('\n');
	}
	list_feeds(c, NULL);
}

static json_t *
json_strlist(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

/* The document of --json: what print_text says, with stable keys. */
static void
print_json(const struct conf *c, const struct lexicon *lx)
{
	json_t *brands = json_array(), *feeds = json_array(), *doc;
	size_t i;

	for (i = 0; i < c->nbrands; i++) {
		const struct conf_brand *b = &c->brands[i];

		json_array_append_new(brands, json_pack("{s:s, s:I, s:I, s:f, s:o}",
		    "name", b->name, "patterns", (json_int_t)b->match.n,
		    "exclusions", (json_int_t)b->exclude.n,
		    "negative_threshold", b->negative_threshold,
		    "competitors", json_strlist(&b->competitors)));
	}
	list_feeds(c, feeds);
	doc = json_pack("{s:s, s:b, s:o, s:s, s:s, s:I, s:o, s:o}", "config", c->path,
	    "ok", 1, "files", json_strlist(&c->files), "state_dir", c->state_dir,
	    "out_dir", c->out_dir, "lexicon_terms", (json_int_t)lexicon_size(lx),
	    "brands", brands, "feeds", feeds);
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	putchar('\n');
	json_decref(doc);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 }
	};
	struct cli cli = {0};
	struct lexicon **lx = NULL;
	struct matcher *m;
	struct conf c;
	int ch, bad = 0, as_json = 0;

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (ch == OPT_JSON)
			as_json = 1;
		else if (!cli_option(&cli, ch, optarg)) {
			fputs(help, stderr);
			return EXIT_USAGE;
		}
	}
	if (cli.help) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	if (cli_load(&cli, &c) < 0)
		return EXIT_USAGE;
	if (!(m = pipeline_matcher(&c)))
		bad++;
	match_free(m);
	if (pipeline_lexicons(&c, &lx) < 0)
		bad++;
	bad += check_urls(&c);
	if (bad) {
		log_error("%s: %d problem%s found; nothing was fetched", c.path, bad,
		    bad == 1 ? "" : "s");
		pipeline_lexicons_free(&c, lx);
		conf_free(&c);
		return EXIT_USAGE;
	}
	if (as_json)
		print_json(&c, lx[c.nbrands]);
	else
		print_text(&c, lx[c.nbrands]);
	pipeline_lexicons_free(&c, lx);
	conf_free(&c);
	return EXIT_OK;
}
