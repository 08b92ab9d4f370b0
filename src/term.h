/* The terminal: colours for listings and the run summary, and the one-line
 * progress display of a run on stderr. Colours and the display appear only
 * on a terminal (TERM not "dumb"); colours never when NO_COLOR is set (any
 * value, as no-color.org asks). The progress display is process-wide state,
 * as there is one stderr. */
#ifndef EARSHOT_TERM_H
#define EARSHOT_TERM_H

#include <stdio.h>

#include "buf.h"
#include "pipeline.h"

enum term_colour { TERM_RED = 31, TERM_GREEN = 32, TERM_YELLOW = 33 };

/* Room for a count with thousands separators ("4,294,967,295"). */
#define TERM_COUNT_LEN 32

/* 1 if what is written to f may be coloured, else 0. */
int term_colours(FILE *f);
/* Appends the printf-formatted text to out, in colour c when on is 1. */
void term_paint(struct buf *out, int on, enum term_colour c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* n with thousands separators ("1,204"), written to out; returns out. */
const char *term_count(unsigned long n, char out[TERM_COUNT_LEN]);

/* Starts the progress display if stderr is a terminal and verbosity is not
 * -1 (-q); until term_progress_end, log lines clear it and draw it again.
 * Returns 1 if the display is on, else 0 (then the others do nothing). */
int term_progress_start(int verbosity);
/* Redraws the display from st (at most ten times a second, and always for
 * the last feed); a run_opts progress callback (ctx unused). */
void term_progress(const struct run_stats *st, void *ctx);
/* Clears the display and stops it. */
void term_progress_end(void);

/* Logs the end-of-run note ("312 feeds, 4 failed (see 'earshot check'),
 * 1,204 new items, 37 mentions: 21 positive, 9 negative, 3 alerts. Results
 * in DIR"), coloured when stderr may be. */
void term_summary(const struct run_stats *st, const char *out_dir);

#endif
