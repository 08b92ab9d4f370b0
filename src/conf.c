/* The configuration as a whole: defaults, the checks that need every file
 * read, lookups and freeing. conf_read.c reads the files themselves and
 * conf_value.c converts their values. */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_int.h"
#include "log.h"
#include "util.h"

int
strlist_add(struct strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 2) * sizeof *v);

	if (!v)
		return -1;
	l->v = v;
	if (!(v[l->n] = xstrdup(s)))
		return -1;
	v[++l->n] = NULL;
	return 0;
}

void
strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const char *
conf_find(const char *opt)
{
	const char *env;

	if (opt)
		return opt;
	if ((env = getenv("EARSHOT_CONFIG")) && *env)
		return env;
	if (access("earshot.conf", F_OK) == 0)
		return "earshot.conf";
	return "/etc/earshot/earshot.conf";
}

static void
set_defaults(struct conf *c)
{
	c->interval = 15 * 60;
	c->min_interval = 60;
	c->max_backoff = 24 * 3600;
	c->keep_days = 90;
	c->max_parallel = 32;
	c->max_per_host = 2;
	c->connect_timeout = 15;
	c->timeout = 60;
	c->stall_timeout = 20;
	c->max_body = 10L * 1024 * 1024;
	c->pos_threshold = 0.05;
	c->neg_threshold = -0.05;
	c->negative_threshold = -0.5;
	c->spike_window = 3600;
	c->spike_min = 10;
	c->alert.max_per_hour = 10;
}

/* The digest's e-mail needs all of server, sender and recipients, or none;
 * a half-set one would fail only on the morning it is needed. */
static int
validate_mail(const struct conf *c)
{
	const struct conf_mail *m = &c->mail;

	if (!m->smtp_url && !m->from && !m->to.n && !m->user && !m->password)
		return 0;
	if (!m->smtp_url || !m->from || !m->to.n) {
		log_error("%s: the digest's e-mail needs smtp_url, mail_from and mail_to "
		    "(missing: %s%s%s)", c->path, m->smtp_url ? "" : "smtp_url ",
		    m->from ? "" : "mail_from ", m->to.n ? "" : "mail_to");
		return -1;
	}
	if (!str_startswith(m->smtp_url, "smtp://") && !str_startswith(m->smtp_url, "smtps://")) {
		log_error("%s: smtp_url must start with smtp:// or smtps://", c->path);
		return -1;
	}
	if (!m->user != !m->password) {
		log_error("%s: smtp_user and smtp_password go together", c->path);
		return -1;
	}
	return 0;
}

/* Checks that need the whole file: every feed has a URL and a known type,
 * every brand a pattern, and names that refer to each other exist. */
static int
validate(struct conf *c)
{
	unsigned errors = 0;
	size_t i, j;

	for (i = 0; i < c->nfeeds; i++) {
		struct conf_feed *f = &c->feeds[i];

		if (!f->url) {
			log_error("%s:%d: feed '%s' has no url", f->file, f->line, f->name);
			errors++;
		}
		if (!f->type)
			f->type = xstrdup("rss");
		if (parse_type_from_name(f->type) < 0) {
			log_error("%s:%d: feed '%s': unknown type '%s' (expected rss, atom, "
			    "jsonfeed, json or html)", f->file, f->line, f->name, f->type);
			errors++;
		} else if ((!strcmp(f->type, "json") || !strcmp(f->type, "html")) &&
		    (!f->text && !f->title)) {
			log_error("%s:%d: feed '%s' of type %s needs 'text' or 'title' to say "
			    "where the words are", f->file, f->line, f->name, f->type);
			errors++;
		}
		if (!f->interval)
			f->interval = c->interval;
		for (j = 0; j < f->headers.n; j++) {
			if (!strchr(f->headers.v[j], ':')) {
				log_error("%s:%d: feed '%s': header must look like 'Name: value'",
				    f->file, f->line, f->name);
				errors++;
			}
		}
	}
	for (i = 0; i < c->nbrands; i++) {
		struct conf_brand *b = &c->brands[i];

		if (!b->match.n) {
			log_error("%s:%d: brand '%s' has no 'match' pattern", b->file, b->line,
			    b->name);
			errors++;
		}
		if (b->negative_threshold > 1)
			b->negative_threshold = c->negative_threshold;
		if (b->rating_weight < 0)
			b->rating_weight = c->rating_weight;
		if (b->spike_window < 0)
			b->spike_window = c->spike_window;
		if (b->spike_min < 0)
			b->spike_min = c->spike_min;
		if (b->new_source_alerts < 0)
			b->new_source_alerts = c->new_source_alerts;
		for (j = 0; j < b->competitors.n; j++) {
			if (!conf_brand_by_name(c, b->competitors.v[j])) {
				log_error("%s:%d: brand '%s': competitor '%s' is not a brand in "
				    "this configuration", b->file, b->line, b->name,
				    b->competitors.v[j]);
				errors++;
			}
		}
		for (j = 0; j < b->feeds.n; j++) {
			if (!conf_feed_by_name(c, b->feeds.v[j])) {
				log_error("%s:%d: brand '%s': feed '%s' is not defined", b->file,
				    b->line, b->name, b->feeds.v[j]);
				errors++;
			}
		}
	}
	if (c->alert.webhook_format && strcmp(c->alert.webhook_format, "slack") &&
	    strcmp(c->alert.webhook_format, "json")) {
		log_error("%s: [alert] webhook_format must be slack or json", c->path);
		errors++;
	}
	if (validate_mail(c) < 0)
		errors++;
	if (!c->state_dir)
		c->state_dir = xstrdup("/var/lib/earshot");
	if (!c->out_dir) {
		c->out_dir = conf_join_path(c->state_dir, "out");
		c->out_dir_default = 1;
	}
	if (!c->timezone)
		c->timezone = xstrdup("UTC");
	return errors ? -1 : 0;
}

int
conf_load(struct conf *c, const char *path)
{
	int errors = 0;

	memset(c, 0, sizeof *c);
	set_defaults(c);
	c->path = xstrdup(path);
	conf_read_file(c, path, 0, &errors);
	if (!errors && validate(c) < 0)
		errors++;
	if (errors) {
		conf_free(c);
		return -1;
	}
	return 0;
}

static void
brand_free(struct conf_brand *b)
{
	free(b->name);
	strlist_free(&b->match);
	strlist_free(&b->exclude);
	strlist_free(&b->require);
	strlist_free(&b->feeds);
	strlist_free(&b->competitors);
	strlist_free(&b->lexicon);
}

static void
feed_free(struct conf_feed *f)
{
	free(f->name);
	free(f->type);
	free(f->url);
	strlist_free(&f->headers);
	free(f->items);
	free(f->id);
	free(f->link);
	free(f->title);
	free(f->text);
	free(f->author);
	free(f->date);
	free(f->rating);
}

void
conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nbrands; i++)
		brand_free(&c->brands[i]);
	for (i = 0; i < c->nfeeds; i++)
		feed_free(&c->feeds[i]);
	free(c->brands);
	free(c->feeds);
	free(c->feed_slots);
	free(c->path);
	strlist_free(&c->files);
	free(c->state_dir);
	free(c->out_dir);
	strlist_free(&c->lexicon);
	free(c->timezone);
	free(c->user_agent_contact);
	free(c->alert.webhook);
	free(c->alert.webhook_format);
	strlist_free(&c->alert.command);
	free(c->mail.smtp_url);
	free(c->mail.from);
	strlist_free(&c->mail.to);
	free(c->mail.user);
	free(c->mail.password);
	strlist_free(&c->mail.command);
	memset(c, 0, sizeof *c);
}

/* The slot of name in c->feed_slots: where it is, or the empty one where
 * it would go. */
static size_t
feed_slot(const struct conf *c, const char *name)
{
	size_t mask = c->nslots - 1, i = (size_t)hash64(name, strlen(name)) & mask;

	while (c->feed_slots[i] && strcmp(c->feeds[c->feed_slots[i] - 1].name, name))
		i = (i + 1) & mask;
	return i;
}

struct conf_feed *
conf_feed_by_name(const struct conf *c, const char *name)
{
	size_t i;

	if (c->nslots) {
		i = c->feed_slots[feed_slot(c, name)];
		return i ? &c->feeds[i - 1] : NULL;
	}
	for (i = 0; i < c->nfeeds; i++)
		if (!strcmp(c->feeds[i].name, name))
			return &c->feeds[i];
	return NULL;
}

/* Doubles the slots (at least 64) and puts every feed back. 0 or -1. */
static int
grow_slots(struct conf *c)
{
	size_t n = c->nslots ? 2 * c->nslots : 64, *old = c->feed_slots, i;

	if (!(c->feed_slots = calloc(n, sizeof *c->feed_slots))) {
		c->feed_slots = old;
		return -1;
	}
	free(old);
	c->nslots = n;
	for (i = 0; i < c->nfeeds; i++)
		c->feed_slots[feed_slot(c, c->feeds[i].name)] = i + 1;
	return 0;
}

/* Appending one feed at a time, each name checked against every earlier
 * one, was quadratic: loading 16,000 feeds took 0.45 s, half an all-304
 * pass. The array grows by doubling and names go into a hash table. */
struct conf_feed *
conf_add_feed(struct conf *c, const char *name)
{
	struct conf_feed *f;
	char *copy = xstrdup(name);

	if (!copy)
		return NULL;
	if (c->nfeeds == c->feeds_cap) {
		size_t cap = c->feeds_cap ? 2 * c->feeds_cap : 16;

		if (!(f = realloc(c->feeds, cap * sizeof *f))) {
			free(copy);
			return NULL;
		}
		c->feeds = f;
		c->feeds_cap = cap;
	}
	if (2 * (c->nfeeds + 1) > c->nslots && grow_slots(c) < 0) {
		free(copy);
		return NULL;
	}
	f = &c->feeds[c->nfeeds++];
	memset(f, 0, sizeof *f);
	f->name = copy;
	c->feed_slots[feed_slot(c, name)] = c->nfeeds;
	return f;
}

struct conf_brand *
conf_brand_by_name(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nbrands; i++)
		if (!strcmp(c->brands[i].name, name))
			return &c->brands[i];
	return NULL;
}

void
conf_feed_map(const struct conf_feed *f, struct parse_map *m)
{
	m->items = f->items;
	m->id = f->id;
	m->link = f->link;
	m->title = f->title;
	m->text = f->text;
	m->author = f->author;
	m->date = f->date;
	m->rating = f->rating;
	m->rating_scale = f->rating_scale;
}
