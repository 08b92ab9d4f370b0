/* What the digest reads: every mention of a time range, one at a time, so
 * a year of mentions is aggregated without holding it in memory. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* A mention without a publication date counts on the day it was found. */
#define WHEN "(CASE WHEN published > 0 THEN published ELSE created END)"

static void
fill(sqlite3_stmt *st, struct mention *m)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);

	memset(m, 0, sizeof *m);
	snprintf(m->id, sizeof m->id, "%s", id ? id : "");
	m->brand = (char *)sqlite3_column_text(st, 1);
	m->feed = (char *)sqlite3_column_text(st, 2);
	m->item_id = (char *)sqlite3_column_text(st, 3);
	m->link = (char *)sqlite3_column_text(st, 4);
	m->author = (char *)sqlite3_column_text(st, 5);
	m->title = (char *)sqlite3_column_text(st, 6);
	m->snippet = (char *)sqlite3_column_text(st, 7);
	m->published = sqlite3_column_int64(st, 8);
	m->created = sqlite3_column_int64(st, 9);
	m->compound = sqlite3_column_double(st, 10);
	m->label = sqlite3_column_int(st, 11);
	m->aspects = (char *)sqlite3_column_text(st, 12);
	m->reason = (char *)sqlite3_column_text(st, 13);
	m->rating = sqlite3_column_type(st, 14) == SQLITE_NULL ? -1 :
	    sqlite3_column_double(st, 14);
	m->rating_scale = sqlite3_column_double(st, 15);
	m->hl_start = (size_t)sqlite3_column_int64(st, 16);
	m->hl_end = (size_t)sqlite3_column_int64(st, 17);
	m->matched = (char *)sqlite3_column_text(st, 18);
}

int
store_each_mention_in(struct store *s, int64_t from, int64_t to,
    int (*fn)(const struct mention *m, void *ctx), void *ctx)
{
	sqlite3_stmt *st = store_prep(s, "SELECT id, brand, feed, item_id, link, author,"
	    " title, snippet, " WHEN ", created, compound, label, aspects, reason, rating,"
	    " rating_scale, hl_start, hl_end, matched"
	    " FROM mentions WHERE (published >= ?1 AND published < ?2)"
	    " OR (published <= 0 AND created >= ?1 AND created < ?2)"
	    " ORDER BY 9, id");
	struct mention m;
	int rc, stop = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(st, &m);
		stop = fn(&m, ctx);
	}
	store_release(st);
	return stop || rc != SQLITE_DONE ? -1 : 0;
}
