#include "term.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Redraws closer together than this flicker and cost more than they say. */
#define REDRAW_NS 100000000L
/* Kept under a narrow terminal's width: a wrapped line cannot be redrawn
 * in place with \r. */
#define LINE_MAX_COLS 79

/* The progress display: on, the line as last drawn, and the clocks. */
static struct {
	int on;
	char line[LINE_MAX_COLS + 1];
	struct timespec start, drawn;
} progress;

static int
is_terminal(FILE *f)
{
	const char *term = getenv("TERM");

	return isatty(fileno(f)) && term && *term && strcmp(term, "dumb") != 0;
}

int
term_colours(FILE *f)
{
	return is_terminal(f) && !getenv("NO_COLOR");
}

void
term_paint(struct buf *out, int on, enum term_colour c, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (on)
		buf_printf(out, "\033[%dm%s\033[0m", (int)c, text);
	else
		buf_puts(out, text);
}

const char *
term_count(unsigned long n, char out[TERM_COUNT_LEN])
{
	char digits[TERM_COUNT_LEN];
	int len = snprintf(digits, sizeof digits, "%lu", n), i, k = 0;

	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	return out;
}

static long
ns_since(const struct timespec *t, const struct timespec *now)
{
	return (long)(now->tv_sec - t->tv_sec) * 1000000000L + (now->tv_nsec - t->tv_nsec);
}

static void
around_log(int after)
{
	fputs(after ? progress.line : "\r\033[K", stderr);
	fflush(stderr);
}

int
term_progress_start(int verbosity)
{
	memset(&progress, 0, sizeof progress);
	if (verbosity < 0 || !is_terminal(stderr) || getenv("JOURNAL_STREAM"))
		return 0;
	progress.on = 1;
	clock_gettime(CLOCK_MONOTONIC, &progress.start);
	log_around(around_log);
	return 1;
}

void
term_progress(const struct run_stats *st, void *ctx)
{
	char a[TERM_COUNT_LEN], b[TERM_COUNT_LEN], c[TERM_COUNT_LEN], d[TERM_COUNT_LEN];
	struct timespec now;
	long secs;

	(void)ctx;
	if (!progress.on || !st->feeds)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (progress.line[0] && st->done < st->feeds &&
	    ns_since(&progress.drawn, &now) < REDRAW_NS)
		return;
	progress.drawn = now;
	secs = ns_since(&progress.start, &now) / 1000000000L;
	snprintf(progress.line, sizeof progress.line,
	    "\r\033[K%s/%s feeds, %s new items, %s mentions, %u failed, %ld:%02ld",
	    term_count(st->done, a), term_count(st->feeds, b), term_count(st->new_items, c),
	    term_count(st->mentions, d), st->failed, secs / 60, secs % 60);
	fputs(progress.line, stderr);
	fflush(stderr);
}

void
term_progress_end(void)
{
	if (!progress.on)
		return;
	log_around(NULL);
	around_log(0);
	progress.on = 0;
}

/* "N thing" or "N things", N with separators, painted when on and N > 0. */
static void
counted(struct buf *out, int on, enum term_colour c, unsigned n, const char *what)
{
	char num[TERM_COUNT_LEN];

	term_paint(out, on && n > 0, c, "%s %s%s", term_count(n, num), what,
	    n == 1 ? "" : "s");
}

void
term_summary(const struct run_stats *st, const char *out_dir)
{
	int on = term_colours(stderr) && !getenv("JOURNAL_STREAM");
	char num[TERM_COUNT_LEN];
	struct buf b = {0};

	counted(&b, 0, TERM_YELLOW, st->feeds, "feed");
	if (st->failed) {
		buf_puts(&b, ", ");
		term_paint(&b, on, TERM_YELLOW, "%s failed", term_count(st->failed, num));
		buf_puts(&b, " (see 'earshot check')");
	}
	buf_puts(&b, ", ");
	counted(&b, 0, TERM_YELLOW, st->new_items, "new item");
	buf_puts(&b, ", ");
	counted(&b, 0, TERM_YELLOW, st->mentions, "mention");
	buf_puts(&b, ": ");
	term_paint(&b, on && st->pos, TERM_GREEN, "%s positive", term_count(st->pos, num));
	buf_puts(&b, ", ");
	term_paint(&b, on && st->neg, TERM_RED, "%s negative", term_count(st->neg, num));
	buf_puts(&b, ", ");
	counted(&b, on, TERM_RED, st->alerts, "alert");
	log_notice("%s. Results in %s", b.data ? b.data : "", out_dir);
	buf_free(&b);
}
