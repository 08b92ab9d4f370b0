/* Alert rules over new mentions. */
#ifndef EARSHOT_ALERT_H
#define EARSHOT_ALERT_H

#include "buf.h"
#include "conf.h"
#include "store.h"

/* If m trips its brand's negative rule (compound <= threshold), fills a
 * (strings malloc'd, freed by alert_clear) and returns 1; else 0. The alert
 * id is derived from the mention, so the same mention never alerts twice. */
int alert_for_negative(const struct mention *m, double threshold,
    struct alert *a);
void alert_clear(struct alert *a);
/* The rules over a brand's recent volume, checked once a run after the
 * feeds are polled: a volume spike and a negative-share spike in the last
 * spike_window against the 24 windows before it. Records each new alert
 * (queued for channels, NULL-terminated) in one transaction. An alert's id
 * comes from its brand and window, and a rule stays quiet while its last
 * alert is younger than the window, so one spike alerts once. Returns the
 * number of new alerts, or -1 (logged, rolled back). */
int alert_scan(struct store *s, const struct conf *c, int64_t now,
    const char *const *channels);
/* Records the host of m's link (m already stored) as a source of its
 * brand. When the host is new, enabled is set and the brand has sources a
 * day old, records a "new_source" alert for m (queued for channels), once
 * per brand and host. 1 if it alerted, 0 if not, -1 on error. */
int alert_new_source(struct store *s, const struct mention *m, int enabled,
    const char *const *channels);
/* Appends an alert record (its JSON line) as text for a responder: severity,
 * brand and reason, then the post (title, author, source, date), the
 * snippet and the link, each later line prefixed with indent. 0, or -1 if
 * json is not an alert record. */
int alert_text(const char *json, const char *indent, struct buf *out);

#endif
