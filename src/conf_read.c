/* Reading configuration files: lines, sections, keys and includes. The key
 * table is the interface users and tests rely on. */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "conf_int.h"
#include "log.h"
#include "util.h"

#define MAX_INCLUDE_DEPTH 8
#define MAX_LINE 8192
#define MAX_FILES 1000            /* files one configuration may include */
#define MAX_FILE_BYTES (4L << 20) /* bytes read from one file */

enum sect { S_GLOBAL = 1, S_BRAND = 2, S_FEED = 4, S_ALERT = 8 };

enum vtype {
	V_STR,      /* one string */
	V_PATH,     /* one path, relative to the file's folder */
	V_URL,      /* a URL, or a path that becomes a file:// URL */
	V_LIST,     /* repeatable: each line adds one string */
	V_HEADERS,  /* a file (relative path) whose lines are added to a list */
	V_WORDS,    /* space-separated words, appended */
	V_PATHS,    /* space-separated paths, appended */
	V_DURATION, /* 90, 90s, 15m, 2h, 7d */
	V_INT,
	V_SIZE,     /* bytes, with optional K/M/G suffix */
	V_DOUBLE,
	V_BOOL,
	V_ZONE      /* a time zone of the tz database */
};

struct key {
	const char *name;
	int sect;
	enum vtype type;
	size_t off;
	double min, max;    /* for numbers */
};

#define G(f) offsetof(struct conf, f)
#define B(f) offsetof(struct conf_brand, f)
#define F(f) offsetof(struct conf_feed, f)
#define A(f) offsetof(struct conf_alert, f)

/* The interface users and tests rely on: add keys, rename none. */
static const struct key keys[] = {
	{ "state_dir",          S_GLOBAL, V_PATH,     G(state_dir), 0, 0 },
	{ "out_dir",            S_GLOBAL, V_PATH,     G(out_dir), 0, 0 },
	{ "lexicon",            S_GLOBAL, V_PATHS,    G(lexicon), 0, 0 },
	{ "timezone",           S_GLOBAL, V_ZONE,     G(timezone), 0, 0 },
	{ "user_agent_contact", S_GLOBAL, V_STR,      G(user_agent_contact), 0, 0 },
	{ "interval",           S_GLOBAL, V_DURATION, G(interval), 1, 366 * 86400.0 },
	{ "min_interval",       S_GLOBAL, V_DURATION, G(min_interval), 0, 366 * 86400.0 },
	{ "max_backoff",        S_GLOBAL, V_DURATION, G(max_backoff), 1, 366 * 86400.0 },
	{ "keep_days",          S_GLOBAL, V_INT,      G(keep_days), 1, 100000 },
	{ "max_parallel",       S_GLOBAL, V_INT,      G(max_parallel), 1, 1024 },
	{ "threads",            S_GLOBAL, V_INT,      G(threads), 1, 16 },
	{ "max_per_host",       S_GLOBAL, V_INT,      G(max_per_host), 1, 64 },
	{ "connect_timeout",    S_GLOBAL, V_DURATION, G(connect_timeout), 1, 600 },
	{ "timeout",            S_GLOBAL, V_DURATION, G(timeout), 1, 3600 },
	{ "stall_timeout",      S_GLOBAL, V_DURATION, G(stall_timeout), 1, 3600 },
	{ "max_body",           S_GLOBAL, V_SIZE,     G(max_body), 1024, 1024.0 * 1024 * 1024 },
	{ "context_sentences",  S_GLOBAL, V_INT,      G(context_sentences), 0, 10 },
	{ "positive_threshold", S_GLOBAL, V_DOUBLE,   G(pos_threshold), 0, 1 },
	{ "negative_label_threshold", S_GLOBAL, V_DOUBLE, G(neg_threshold), -1, 0 },
	{ "negative_threshold", S_GLOBAL, V_DOUBLE,   G(negative_threshold), -1, 1 },
	{ "rating_weight",      S_GLOBAL, V_DOUBLE,   G(rating_weight), 0, 1 },
	{ "spike_window",       S_GLOBAL, V_DURATION, G(spike_window), 0, 7 * 86400.0 },
	{ "spike_min",          S_GLOBAL, V_INT,      G(spike_min), 0, 1e9 },
	{ "new_source_alerts",  S_GLOBAL, V_BOOL,     G(new_source_alerts), 0, 0 },
	{ "smtp_url",           S_GLOBAL, V_STR,      G(mail.smtp_url), 0, 0 },
	{ "mail_from",          S_GLOBAL, V_STR,      G(mail.from), 0, 0 },
	{ "mail_to",            S_GLOBAL, V_WORDS,    G(mail.to), 0, 0 },
	{ "smtp_user",          S_GLOBAL, V_STR,      G(mail.user), 0, 0 },
	{ "smtp_password",      S_GLOBAL, V_STR,      G(mail.password), 0, 0 },
	{ "digest_command",     S_GLOBAL, V_WORDS,    G(mail.command), 0, 0 },

	{ "match",              S_BRAND, V_LIST,   B(match), 0, 0 },
	{ "exclude",            S_BRAND, V_LIST,   B(exclude), 0, 0 },
	{ "require",            S_BRAND, V_LIST,   B(require), 0, 0 },
	{ "feeds",              S_BRAND, V_WORDS,  B(feeds), 0, 0 },
	{ "competitors",        S_BRAND, V_WORDS,  B(competitors), 0, 0 },
	{ "lexicon",            S_BRAND, V_PATHS,  B(lexicon), 0, 0 },
	{ "case_sensitive",     S_BRAND, V_BOOL,   B(case_sensitive), 0, 0 },
	{ "negative_threshold", S_BRAND, V_DOUBLE, B(negative_threshold), -1, 1 },
	{ "rating_weight",      S_BRAND, V_DOUBLE, B(rating_weight), 0, 1 },
	{ "spike_window",       S_BRAND, V_DURATION, B(spike_window), 0, 7 * 86400.0 },
	{ "spike_min",          S_BRAND, V_INT,    B(spike_min), 0, 1e9 },
	{ "new_source_alerts",  S_BRAND, V_BOOL,   B(new_source_alerts), 0, 0 },

	{ "type",         S_FEED, V_STR,      F(type), 0, 0 },
	{ "url",          S_FEED, V_URL,      F(url), 0, 0 },
	{ "interval",     S_FEED, V_DURATION, F(interval), 1, 366 * 86400.0 },
	{ "header",       S_FEED, V_LIST,     F(headers), 0, 0 },
	{ "header_file",  S_FEED, V_HEADERS,  F(headers), 0, 0 },
	{ "items",        S_FEED, V_STR,      F(items), 0, 0 },
	{ "id",           S_FEED, V_STR,      F(id), 0, 0 },
	{ "link",         S_FEED, V_STR,      F(link), 0, 0 },
	{ "title",        S_FEED, V_STR,      F(title), 0, 0 },
	{ "text",         S_FEED, V_STR,      F(text), 0, 0 },
	{ "author",       S_FEED, V_STR,      F(author), 0, 0 },
	{ "date",         S_FEED, V_STR,      F(date), 0, 0 },
	{ "rating",       S_FEED, V_STR,      F(rating), 0, 0 },
	{ "rating_scale", S_FEED, V_DOUBLE,   F(rating_scale), 0, 1000 },

	{ "webhook",        S_ALERT, V_STR,      A(webhook), 0, 0 },
	{ "webhook_format", S_ALERT, V_STR,      A(webhook_format), 0, 0 },
	{ "command",        S_ALERT, V_WORDS,    A(command), 0, 0 },
	{ "max_per_hour",   S_ALERT, V_INT,      A(max_per_hour), 1, 100000 },
};

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

/* Parser state for one file. */
struct ctx {
	struct conf *c;
	const char *file;   /* owned by c->files */
	char *dir;          /* the file's folder, for relative paths */
	int line;
	int sect;
	void *obj;          /* the struct the current section fills */
	unsigned errors;
	int depth;
};

__attribute__((format(printf, 2, 3)))
static void
cerr(struct ctx *x, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_error("%s:%d: %s", x->file, x->line, msg);
	x->errors++;
}

/* conf_expand_vars, with the error reported against the current line. */
static char *
expand(struct ctx *x, const char *v)
{
	char err[512];
	char *s = conf_expand_vars(v, err, sizeof err);

	if (!s)
		cerr(x, "%s", err);
	return s;
}

static const char *
sect_name(int s)
{
	return s == S_BRAND ? "[brand]" : s == S_FEED ? "[feed]" :
	    s == S_ALERT ? "[alert]" : "the top (global) part";
}

static void
unknown_key(struct ctx *x, const char *k)
{
	const struct key *best = NULL;
	size_t i, d, bestd = 3;

	for (i = 0; i < NELEM(keys); i++) {
		if (!strcmp(keys[i].name, k)) {
			cerr(x, "'%s' belongs in %s of the file, not in %s", k,
			    sect_name(keys[i].sect), sect_name(x->sect));
			return;
		}
	}
	for (i = 0; i < NELEM(keys); i++) {
		if (!(keys[i].sect & x->sect))
			continue;
		if ((d = conf_edit_distance(k, keys[i].name)) < bestd) {
			bestd = d;
			best = &keys[i];
		}
	}
	if (best)
		cerr(x, "unknown key '%s' (did you mean '%s'?)", k, best->name);
	else
		cerr(x, "unknown key '%s' in %s", k, sect_name(x->sect));
}

static int
add_words(struct ctx *x, struct strlist *l, const char *v, int paths)
{
	char *copy = xstrdup(v), *save = NULL, *w;
	int rc = 0;

	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		char *p = paths ? conf_join_path(x->dir, w) : xstrdup(w);

		if (!p || strlist_add(l, p) < 0)
			rc = -1;
		free(p);
	}
	free(copy);
	return rc;
}

/* header_file: read now, so `earshot check` finds a missing or malformed
 * file, and the secrets never pass through the configuration text. */
static void
read_headers(struct ctx *x, struct strlist *l, const char *v)
{
	char *path = conf_join_path(x->dir, v), err[1024];

	if (path && conf_read_headers(path, l, err, sizeof err) < 0)
		cerr(x, "%s", err);
	free(path);
}

static void
set_value(struct ctx *x, const struct key *k, const char *v)
{
	char *field = (char *)x->obj + k->off;
	char **str = (char **)(void *)field;
	struct strlist *list = (struct strlist *)(void *)field;
	double d = 0;
	long long n;

	switch (k->type) {
	case V_ZONE:
		if (!conf_valid_zone(v)) {
			cerr(x, "'timezone' must be a time zone such as UTC or "
			    "Europe/Berlin, not '%s'", v);
			return;
		}
		/* fall through */
	case V_STR:
	case V_PATH:
	case V_URL:
		if (*str)
			cerr(x, "'%s' is set twice in this section", k->name);
		free(*str);
		if (k->type == V_PATH)
			*str = conf_join_path(x->dir, v);
		else if (k->type == V_URL && !conf_has_url_scheme(v))
			*str = conf_file_url(x->dir, v);
		else
			*str = xstrdup(v);
		return;
	case V_LIST:
		strlist_add(list, v);
		return;
	case V_HEADERS:
		read_headers(x, list, v);
		return;
	case V_WORDS:
	case V_PATHS:
		add_words(x, list, v, k->type == V_PATHS);
		return;
	case V_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(int *)(void *)field = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			*(int *)(void *)field = 0;
		else
			cerr(x, "'%s' must be yes or no, not '%s'", k->name, v);
		return;
	case V_DURATION:
		if ((n = parse_duration(v)) < 0) {
			cerr(x, "'%s' must be a duration such as 90s, 15m, 2h or 1d, not '%s'",
			    k->name, v);
			return;
		}
		d = (double)n;
		break;
	case V_SIZE:
		if ((n = conf_parse_size(v)) < 0) {
			cerr(x, "'%s' must be a size such as 512K or 10M, not '%s'", k->name, v);
			return;
		}
		d = (double)n;
		break;
	case V_INT:
		if (conf_parse_number(v, &d) < 0 || d != (double)(long)d) {
			cerr(x, "'%s' must be a whole number, not '%s'", k->name, v);
			return;
		}
		break;
	case V_DOUBLE:
		if (conf_parse_number(v, &d) < 0) {
			cerr(x, "'%s' must be a number, not '%s'", k->name, v);
			return;
		}
		break;
	}
	if (d < k->min || d > k->max) {
		cerr(x, "'%s' = %s is out of range (%g to %g)", k->name, v, k->min, k->max);
		return;
	}
	if (k->type == V_DOUBLE)
		*(double *)(void *)field = d;
	else
		*(long *)(void *)field = (long)d;
}

static void
start_section(struct ctx *x, char *hdr)
{
	char *kind = str_trim(hdr), *name = kind;
	struct conf *c = x->c;

	while (*name && !isspace((unsigned char)*name))
		name++;
	if (*name)
		*name++ = '\0';
	name = str_trim(name);
	if (!strcmp(kind, "alert") && !*name) {
		x->sect = S_ALERT;
		x->obj = &c->alert;
		return;
	}
	if (strcmp(kind, "brand") && strcmp(kind, "feed")) {
		cerr(x, "unknown section [%s] (expected [brand NAME], [feed NAME] or [alert])",
		    kind);
		goto skip;
	}
	if (!valid_name(name)) {
		cerr(x, "[%s] needs a name of letters, digits, '.', '_' or '-' (got '%s')",
		    kind, name);
		goto skip;
	}
	if (!strcmp(kind, "brand")) {
		struct conf_brand *b, *old = conf_brand_by_name(c, name);

		if (old) {
			cerr(x, "brand '%s' is already defined at %s:%d", name, old->file, old->line);
			goto skip;
		}
		if (!(b = realloc(c->brands, (c->nbrands + 1) * sizeof *b)))
			goto skip;
		c->brands = b;
		b = &c->brands[c->nbrands++];
		memset(b, 0, sizeof *b);
		b->name = xstrdup(name);
		b->file = x->file;
		b->line = x->line;
		b->negative_threshold = 2;   /* "unset": inherits the global one */
		b->rating_weight = -1;       /* likewise */
		b->spike_window = b->spike_min = -1;
		b->new_source_alerts = -1;
		x->sect = S_BRAND;
		x->obj = b;
	} else {
		struct conf_feed *f, *old = conf_feed_by_name(c, name);

		if (old) {
			cerr(x, "feed '%s' is already defined at %s:%d", name, old->file, old->line);
			goto skip;
		}
		if (!(f = conf_add_feed(c, name)))
			goto skip;
		f->file = x->file;
		f->line = x->line;
		x->sect = S_FEED;
		x->obj = f;
	}
	return;
skip:
	/* Keys that follow belong to a section we could not open: skip them
	 * rather than report each one as misplaced. */
	x->sect = 0;
	x->obj = NULL;
}

/* 1 if the file sb describes is one this load has already read. */
static int
already_read(const struct conf *c, const struct stat *sb)
{
	struct stat have;
	size_t i;

	for (i = 0; i < c->files.n; i++)
		if (stat(c->files.v[i], &have) == 0 && have.st_dev == sb->st_dev &&
		    have.st_ino == sb->st_ino)
			return 1;
	return 0;
}

/* Reads one included file. Each file is read once per load, and only
 * regular files: "include = *" in a folder holding the including file
 * itself, or a device, must not recurse or read forever. What a glob
 * matches of that kind is skipped quietly; a file named outright is an
 * error. */
static void
include_one(struct ctx *x, const char *path, int from_glob, int *errs)
{
	struct stat sb;

	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		if (!from_glob)
			cerr(x, "cannot include '%s': not a regular file", path);
	} else if (already_read(x->c, &sb)) {
		if (!from_glob)
			cerr(x, "'%s' is included twice (an include loop?)", path);
	} else if (x->c->files.n >= MAX_FILES) {
		cerr(x, "more than %d configuration files; not reading '%s'", MAX_FILES,
		    path);
	} else {
		conf_read_file(x->c, path, x->depth + 1, errs);
	}
}

static void
do_include(struct ctx *x, const char *pattern)
{
	char *full = conf_join_path(x->dir, pattern);
	int rc, errs = 0, is_glob = strpbrk(pattern, "*?[") != NULL;
	glob_t g;
	size_t i;

	if (x->depth >= MAX_INCLUDE_DEPTH) {
		cerr(x, "includes nested more than %d deep (an include loop?)", MAX_INCLUDE_DEPTH);
		free(full);
		return;
	}
	rc = glob(full, 0, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		if (!is_glob)
			cerr(x, "cannot include '%s': no such file", full);
	} else if (rc != 0) {
		cerr(x, "cannot include '%s'", full);
	} else {
		for (i = 0; i < g.gl_pathc; i++)
			include_one(x, g.gl_pathv[i], is_glob, &errs);
		globfree(&g);
	}
	x->errors += (unsigned)errs;
	free(full);
}

/* Splits off a trailing comment: '#' at the start or after whitespace. A
 * "\#" stays (PCRE reads it as a literal '#'). */
static void
strip_comment(char *s)
{
	char *p;

	for (p = s; *p; p++) {
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static void
parse_line(struct ctx *x, char *raw)
{
	char *s, *eq, *k, *v, *val;
	size_t i;

	strip_comment(raw);
	s = str_trim(raw);
	if (!*s)
		return;
	if (*s == '[') {
		char *close = strrchr(s, ']');

		if (!close || close[1]) {
			cerr(x, "section header must look like [brand NAME] or [feed NAME]");
			x->sect = 0;
			return;
		}
		*close = '\0';
		start_section(x, s + 1);
		return;
	}
	if (!(eq = strchr(s, '='))) {
		cerr(x, "expected 'key = value', got '%s'", s);
		return;
	}
	*eq = '\0';
	k = str_trim(s);
	v = str_trim(eq + 1);
	if (!x->sect)
		return;    /* inside a section already reported as bad */
	if (!strcmp(k, "include")) {
		if (!(val = expand(x, v)))
			return;
		do_include(x, val);
		free(val);
		return;
	}
	for (i = 0; i < NELEM(keys); i++)
		if ((keys[i].sect & x->sect) && !strcmp(keys[i].name, k))
			break;
	if (i == NELEM(keys)) {
		unknown_key(x, k);
		return;
	}
	if (!*v) {
		cerr(x, "'%s' has no value", k);
		return;
	}
	if (!(val = expand(x, v)))
		return;
	set_value(x, &keys[i], val);
	free(val);
}

int
conf_read_file(struct conf *c, const char *path, int depth, int *errors)
{
	struct ctx x = { .c = c, .sect = S_GLOBAL, .obj = c, .depth = depth };
	char line[MAX_LINE];
	long total = 0;
	FILE *f;
	size_t len;

	if (strlist_add(&c->files, path) < 0)
		return -1;
	x.file = c->files.v[c->files.n - 1];
	if (!(f = fopen(path, "r"))) {
		log_error("%s: cannot read configuration: %s", path, strerror(errno));
		(*errors)++;
		return -1;
	}
	x.dir = conf_dir_of(path);
	while (fgets(line, sizeof line, f)) {
		x.line++;
		len = strlen(line);
		if ((total += (long)len) > MAX_FILE_BYTES) {
			cerr(&x, "file larger than %ld MiB; the rest is not read",
			    MAX_FILE_BYTES >> 20);
			break;
		}
		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			int ch;

			cerr(&x, "line longer than %d bytes", MAX_LINE - 2);
			while ((ch = fgetc(f)) != EOF && ch != '\n' && total++ <= MAX_FILE_BYTES)
				;
			continue;
		}
		parse_line(&x, line);
	}
	if (ferror(f))
		cerr(&x, "read error");
	fclose(f);
	free(x.dir);
	*errors += (int)x.errors;
	return 0;
}
