/* Summary files for people: summary.json and summary.md in the out dir. */
#ifndef EARSHOT_REPORT_H
#define EARSHOT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "pipeline.h"
#include "store.h"

/* Writes OUT/summary.json and OUT/summary.md (atomically: temp file, fsync,
 * rename) with per-brand positive / neutral / negative counts and ratios
 * over every kept mention, plus what this run added (st may be NULL).
 * 0, or -1 with the reason logged. */
int report_summary(struct store *s, const struct conf *c,
    const struct run_stats *st, int64_t now);
/* Writes data to path atomically. 0 or -1 (logged). */
int report_write_atomic(const char *path, const char *data, size_t len);
/* "3.2 : 1", "5 : 0" (no negatives) or "n/a" (neither) into out. */
void report_ratio(long pos, long neg, char *out, size_t len);

#endif
