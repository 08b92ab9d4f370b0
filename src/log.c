#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Process-wide logging settings, set once by main(). */
static int log_max = L_NOTICE;
static int log_journal;
static unsigned n_errors, n_warnings;
static FILE *log_file;
static void (*log_hook)(int after);
/* Lines come from any thread: one writer at a time keeps each line (and
 * the progress hook around it) whole, and the counters exact. */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

void
log_init(int verbosity)
{
	log_max = verbosity < 0 ? L_ERROR : verbosity == 0 ? L_NOTICE :
	    verbosity == 1 ? L_INFO : L_DEBUG;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void log_to(FILE *f) { log_file = f; }
void log_around(void (*fn)(int after)) { log_hook = fn; }

static unsigned
counted(const unsigned *n)
{
	unsigned v;

	pthread_mutex_lock(&log_mu);
	v = *n;
	pthread_mutex_unlock(&log_mu);
	return v;
}

unsigned log_errors(void) { return counted(&n_errors); }
unsigned log_warnings(void) { return counted(&n_warnings); }

void
log_msg(enum log_level lv, const char *fmt, ...)
{
	static const char *names[] = { [L_ERROR] = "error", [L_WARN] = "warning",
	    [L_NOTICE] = "note", [L_INFO] = "info", [L_DEBUG] = "debug" };
	char line[2048];
	va_list ap;

	pthread_mutex_lock(&log_mu);
	if (lv == L_ERROR)
		n_errors++;
	else if (lv == L_WARN)
		n_warnings++;
	pthread_mutex_unlock(&log_mu);
	if ((int)lv > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_mu);
	if (log_hook && !log_file)
		log_hook(0);
	/* One write per line so concurrent writers never interleave mid-line. */
	if (log_journal)
		fprintf(log_file ? log_file : stderr, "<%d>%s\n", (int)lv, line);
	else
		fprintf(log_file ? log_file : stderr, "earshot: %s: %s\n", names[lv], line);
	if (log_hook && !log_file)
		log_hook(1);
	pthread_mutex_unlock(&log_mu);
}
