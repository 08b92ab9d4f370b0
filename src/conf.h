/* The configuration: one INI-style file (plus includes) read into plain
 * structs. Every error names the file and line. */
#ifndef EARSHOT_CONF_H
#define EARSHOT_CONF_H

#include <stddef.h>

#include "parse.h"

/* A list of strings, each owned by the list. v[n] is NULL, so a command's
 * list is ready to be an execve argv. */
struct strlist {
	char **v;
	size_t n;
};

struct conf_brand {
	char *name;
	const char *file;       /* where it was defined (owned by struct conf) */
	int line;
	struct strlist match, exclude, require, feeds, competitors, lexicon;
	int case_sensitive;
	double negative_threshold;  /* alert at or below this compound score */
	double rating_weight;       /* star rating's share of the score, 0..1 */
	long spike_window;          /* seconds; 0: no spike rules */
	long spike_min;             /* fewest mentions that can be a spike; 0: none */
	int new_source_alerts;      /* alert on a host's first mention of it */
};

struct conf_feed {
	char *name;
	const char *file;
	int line;
	char *type;             /* rss | atom | jsonfeed | json | html (default rss) */
	char *url;              /* relative paths become file:// URLs */
	long interval;          /* seconds */
	struct strlist headers; /* "Name: value"; secrets, never logged */
	/* JSON / HTML mapping; see struct parse_map */
	char *items, *id, *link, *title, *text, *author, *date, *rating;
	double rating_scale;
};

struct conf_alert {
	char *webhook;          /* secret: never logged or written out */
	char *webhook_format;   /* slack (default) | json */
	struct strlist command; /* argv, run with execve */
	long max_per_hour;      /* per brand, to the webhook */
};

/* The digest's delivery (mail.c): e-mail over SMTP and/or a command. */
struct conf_mail {
	char *smtp_url;         /* smtp://host:587 (STARTTLS when offered) or smtps:// */
	char *from;             /* "Name <addr>" or addr */
	struct strlist to;      /* addresses */
	char *user;
	char *password;         /* secret: never logged or written out */
	struct strlist command; /* argv, run with execve; gets the HTML file's path */
};

struct conf {
	char *path;             /* the main file */
	struct strlist files;   /* every file read, for messages */
	char *state_dir, *out_dir;
	int out_dir_default;     /* 1: out_dir is STATE_DIR/out, the file names none */
	struct strlist lexicon;
	char *timezone;
	char *user_agent_contact;
	long interval, min_interval, max_backoff, keep_days;
	long max_parallel, max_per_host, connect_timeout, timeout, max_body;
	long stall_timeout;     /* under 10 bytes/s for this long aborts */
	long threads;           /* preparing feeds; 0 (default): the CPUs online */
	long context_sentences;
	double pos_threshold, neg_threshold, negative_threshold;
	double rating_weight;   /* 0 (default): text only; 1: the item's rating only */
	long spike_window, spike_min;   /* brands' defaults */
	int new_source_alerts;
	struct conf_brand *brands;
	size_t nbrands;
	struct conf_feed *feeds;
	size_t nfeeds, feeds_cap;
	/* Feeds by name, for conf_feed_by_name (index + 1 per slot, 0: empty;
	 * slots a power of two, or 0: none, search the array): kept by the
	 * loader, which checks every new feed's name against the others. */
	size_t *feed_slots, nslots;
	struct conf_alert alert;
	struct conf_mail mail;
};

/* Which file to read: opt (-c) if given, else $EARSHOT_CONFIG, else
 * ./earshot.conf if it exists, else /etc/earshot/earshot.conf. Returns a
 * static or borrowed string. */
const char *conf_find(const char *opt);
/* Reads path (and its includes) into c, logging every error as
 * "FILE:LINE: message". Returns 0, or -1 if any error was found (c is then
 * freed). Semantic checks that need other stages (regexes, lexicons) are
 * left to the caller. */
int conf_load(struct conf *c, const char *path);
void conf_free(struct conf *c);
/* Finds a feed or brand by name; NULL if none. */
struct conf_feed *conf_feed_by_name(const struct conf *c, const char *name);
/* Appends a feed named name (a copy), zeroed otherwise, and indexes it.
 * NULL when out of memory. */
struct conf_feed *conf_add_feed(struct conf *c, const char *name);
struct conf_brand *conf_brand_by_name(const struct conf *c, const char *name);
/* Fills m with the feed's mapping (pointers borrowed from f). */
void conf_feed_map(const struct conf_feed *f, struct parse_map *m);

int strlist_add(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

#endif
