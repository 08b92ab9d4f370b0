/* Alert rules over new mentions. */
#ifndef EARSHOT_ALERT_H
#define EARSHOT_ALERT_H

#include "buf.h"
#include "store.h"

/* If m trips its brand's negative rule (compound <= threshold), fills a
 * (strings malloc'd, freed by alert_clear) and returns 1; else 0. The alert
 * id is derived from the mention, so the same mention never alerts twice. */
int alert_for_negative(const struct mention *m, double threshold,
    struct alert *a);
void alert_clear(struct alert *a);
/* Appends an alert record (its JSON line) as text for a responder: severity,
 * brand and reason, then the post (title, author, source, date), the
 * snippet and the link, each later line prefixed with indent. 0, or -1 if
 * json is not an alert record. */
int alert_text(const char *json, const char *indent, struct buf *out);

#endif
