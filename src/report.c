#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "json_write.h"
#include "log.h"
#include "util.h"

int
report_write_atomic(const char *path, const char *data, size_t len)
{
	struct buf tmp = {0};
	int fd, rc = -1;

	buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
		log_error("%s: cannot write: %s", tmp.data, strerror(errno));
		goto out;
	}
	/* fsync before rename: after a crash the file is the old or the new
	 * version, never an empty one. */
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) < 0) {
		log_error("%s: cannot write: %s", tmp.data, strerror(errno));
		close(fd);
		unlink(tmp.data);
		goto out;
	}
	close(fd);
	if (rename(tmp.data, path) < 0) {
		log_error("%s: cannot replace: %s", path, strerror(errno));
		unlink(tmp.data);
		goto out;
	}
	rc = 0;
out:
	buf_free(&tmp);
	return rc;
}

void
report_ratio(long pos, long neg, char *out, size_t len)
{
	if (neg > 0)
		snprintf(out, len, "%.1f : 1", (double)pos / (double)neg);
	else if (pos > 0)
		snprintf(out, len, "%ld : 0", pos);
	else
		snprintf(out, len, "n/a");
}

static double
net_sentiment(long pos, long neg)
{
	return pos + neg ? (double)(pos - neg) / (double)(pos + neg) : 0;
}

static double
round3(double v)
{
	return round(v * 1000) / 1000;
}

static json_t *
brand_json(const struct brand_counts *b)
{
	char ratio[32];

	report_ratio(b->pos, b->neg, ratio, sizeof ratio);
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:o, s:s, s:f, s:f}",
	    "brand", b->brand, "mentions", (json_int_t)b->total,
	    "positive", (json_int_t)b->pos, "neutral", (json_int_t)b->neu,
	    "negative", (json_int_t)b->neg,
	    "ratio", b->neg ? json_real(round3((double)b->pos / (double)b->neg)) : json_null(),
	    "ratio_text", ratio,
	    "net_sentiment", round3(net_sentiment(b->pos, b->neg)),
	    "average_compound", round3(b->total ? b->compound_sum / (double)b->total : 0));
}

static void
md_table(struct buf *md, const struct brand_counts *v, long n)
{
	long i;

	buf_puts(md, "| Brand | Mentions | Positive | Neutral | Negative | "
	    "Positive : negative | Net sentiment |\n"
	    "|---|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		char ratio[32];

		report_ratio(v[i].pos, v[i].neg, ratio, sizeof ratio);
		buf_printf(md, "| %s | %ld | %ld | %ld | %ld | %s | %+.2f |\n", v[i].brand,
		    v[i].total, v[i].pos, v[i].neu, v[i].neg, ratio,
		    net_sentiment(v[i].pos, v[i].neg));
	}
}

int
report_summary(struct store *s, const struct conf *c, const struct run_stats *st,
    int64_t now)
{
	struct brand_counts *v = NULL;
	struct buf path = {0}, md = {0};
	json_t *o, *brands;
	char iso[21], *js;
	long n, i;
	size_t k;
	int rc = -1;

	if ((n = store_counts(s, INT64_MIN, INT64_MAX, &v)) < 0)
		return -1;
	time_iso8601(now, iso);
	brands = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(brands, brand_json(&v[i]));
	/* Brands with no mentions yet are listed too: a zero is news. */
	for (k = 0; k < c->nbrands; k++) {
		for (i = 0; i < n && strcmp(v[i].brand, c->brands[k].name); i++)
			;
		if (i == n) {
			struct brand_counts z = { .brand = c->brands[k].name };

			json_array_append_new(brands, brand_json(&z));
		}
	}
	o = json_pack("{s:s, s:s, s:o}", "generated", iso,
	    "period", "all kept mentions", "brands", brands);
	if (st)
		json_object_set_new(o, "this_run", json_pack(
		    "{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
		    "feeds", st->feeds, "feeds_failed", st->failed,
		    "items", st->items, "new_items", st->new_items,
		    "mentions", st->mentions, "positive", st->pos, "neutral", st->neu,
		    "negative", st->neg, "alerts", st->alerts));
	js = json_write_str(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	json_decref(o);
	if (!js)
		goto out;
	buf_printf(&path, "%s/summary.json", c->out_dir);
	if (report_write_atomic(path.data, js, strlen(js)) < 0) {
		free(js);
		goto out;
	}
	free(js);

	buf_printf(&md, "# Brand mentions: summary\n\nGenerated %s. Counts cover every "
	    "mention earshot has kept (the last %ld days).\n\n", iso, c->keep_days);
	if (n)
		md_table(&md, v, n);
	else
		buf_puts(&md, "No mentions recorded yet.\n");
	if (st)
		buf_printf(&md, "\n**This run:** %u feeds polled (%u failed), %u new items, "
		    "%u new mentions (%u positive, %u neutral, %u negative), %u alerts.\n",
		    st->feeds, st->failed, st->new_items, st->mentions, st->pos, st->neu,
		    st->neg, st->alerts);
	buf_puts(&md, "\n*Positive : negative* is how many positive mentions there are "
	    "for each negative one (\"5 : 0\" means five positive and none negative). "
	    "*Net sentiment* runs from -1 (all negative) to +1 (all positive), "
	    "ignoring neutral mentions.\n");
	buf_reset(&path);
	buf_printf(&path, "%s/summary.md", c->out_dir);
	if (report_write_atomic(path.data, md.data, md.len) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&path);
	buf_free(&md);
	store_counts_free(v, n);
	return rc;
}
