/* Moves records out of the store: mentions to mentions.jsonl, alerts from
 * the outbox to alerts.jsonl, a webhook and/or a command. */
#ifndef EARSHOT_DELIVER_H
#define EARSHOT_DELIVER_H

#include <stdint.h>

#include "conf.h"
#include "store.h"

struct deliver_stats {
	unsigned mentions;   /* lines appended to mentions.jsonl */
	unsigned alerts;     /* lines appended to alerts.jsonl */
	unsigned sent;       /* webhook / command deliveries that succeeded */
	unsigned failed;     /* deliveries that failed and wait in the outbox */
	unsigned throttled;  /* alerts over max_per_hour, sent as one summary */
};

/* Appends every unexported mention to OUT/mentions.jsonl and every pending
 * alert to OUT/alerts.jsonl exactly once (fsync'd before being marked, and
 * a crash in between is detected from the file's tail), then tries the
 * webhook and command channels; failures stay queued with backoff. At
 * most max_per_hour alerts per brand go to the webhook in any hour; the
 * rest of a run's go out as one summary per brand and are marked. Returns
 * 0, or -1 if the files could not be written. */
int deliver_all(struct store *s, const struct conf *c, int64_t now,
    struct deliver_stats *st);

/* Runs argv (argv->v[0] an absolute path; execve, no shell), with arg as
 * one more argument when not NULL, and body plus a newline on its stdin.
 * Returns 0 if it exits 0 within 30 seconds; else -1 with the reason
 * (which names argv[0], never arg) in err, and a late one is killed. */
int deliver_command(const struct strlist *argv, const char *arg, const char *body, char *err,
    size_t errlen);

#endif
