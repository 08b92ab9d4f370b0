/* The JSON records earshot writes (mentions.jsonl, alerts.jsonl). Keys are
 * an interface: add, never rename. */
#ifndef EARSHOT_RECORD_H
#define EARSHOT_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "store.h"

/* t as an ISO 8601 UTC string, or null when it never happened (0): a new
 * reference for the caller. */
json_t *record_time(int64_t t);

/* Returns the mention as one JSON line (no newline), malloc'd; caller
 * frees. NULL when out of memory. */
char *record_mention(const struct mention *m);
/* Returns the alert record with the mention object embedded, as one JSON
 * line, malloc'd; caller frees; NULL when out of memory. mention_json is
 * record_mention's text, embedded as it is. */
char *record_alert(const struct alert *a, const char *mention_json);
/* Returns the record of an alert about many mentions (a spike): "count",
 * how many are behind it, and "mentions", the n given (the latest few;
 * any that is not JSON is left out), as one JSON line, malloc'd; caller
 * frees; NULL when out of memory. */
char *record_alert_list(const struct alert *a, long count,
    const char *const *mention_json, size_t n);

#endif
