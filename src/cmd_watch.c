/* earshot watch: the schedule without a timer. Sleeps until the next feed
 * is due, runs one pass as `earshot run` would (same lock, so a timer's run
 * and watch never overlap), repeats. SIGTERM and SIGINT end it after the
 * pass at hand; SIGHUP reads the configuration again. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "pipeline.h"
#include "schedule.h"
#include "store.h"
#include "term.h"

enum { OPT_CYCLES = OPT_FIRST_FREE, OPT_TICK };

/* One sleep is at most this long: a run started by a timer, or a step of
 * the clock, may have moved the next due time meanwhile. */
#define MAX_SLEEP_MS 60000L
/* How long to wait when another run holds the state lock. */
#define LOCKED_RETRY_MS 5000L

static const char help[] =
    "usage: earshot watch [options]\n\n"
    "Runs the schedule itself, for machines without a timer: sleeps until the\n"
    "next feed is due, polls the due feeds as 'earshot run' does, repeats.\n"
    "It never overlaps a run started by a timer on the same state.\n"
    "SIGTERM or SIGINT (Ctrl-C): finish the feeds being polled, then exit 0.\n"
    "SIGHUP: read the configuration again; if the new one has errors, they\n"
    "are logged and the old one is kept.\n\n"
    "Options:\n"
    "      --cycles N       stop after N polling passes\n"
    CLI_COMMON_HELP
    "\nExit status: 0 stopped by a signal or after --cycles; 2 usage or\n"
    "configuration error at start; 3 the state could not be used.\n";

/* Set by the signal handler, read by the loop (the only state it shares). */
static volatile sig_atomic_t got_stop, got_reload;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_reload = 1;
	else
		got_stop = 1;
}

/* Installs the handlers and fills sigs with their signals. SA_RESTART:
 * a signal during a pass must not fail the pass's reads and writes. */
static void
watch_signals(sigset_t *sigs)
{
	static const int which[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigemptyset(sigs);
	for (i = 0; i < sizeof which / sizeof which[0]; i++) {
		sigaction(which[i], &sa, NULL);
		sigaddset(sigs, which[i]);
	}
}

/* Sleeps ms milliseconds, or less if a signal comes. The signals are
 * blocked while the flags are tested and pselect unblocks them atomically,
 * so one that arrives just before the sleep still cuts it short. */
static void
watch_sleep(const sigset_t *sigs, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	sigset_t old;

	sigprocmask(SIG_BLOCK, sigs, &old);
	if (!got_stop && !got_reload)
		pselect(0, NULL, NULL, NULL, &ts, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Milliseconds until the first feed of c is due by its recorded state (0:
 * one is due now, or nothing is recorded yet), at most MAX_SLEEP_MS. */
static long
ms_until_due(const struct conf *c)
{
	struct timespec now;
	struct store *s;
	long long best = MAX_SLEEP_MS, now_ms;
	char err[512];
	size_t i;

	if (!(s = store_open_existing(c->state_dir, err, sizeof err)))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	now_ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	for (i = 0; i < c->nfeeds && best > 0; i++) {
		struct feed_state st = {0};

		if (store_feed_state(s, c->feeds[i].name, &st) < 0 ||
		    schedule_is_due(&st, now.tv_sec))
			best = 0;
		else if (st.next_due * 1000 - now_ms < best)
			best = st.next_due * 1000 - now_ms;
		feed_state_clear(&st);
	}
	store_close(s);
	return best > 0 ? (long)best : 0;
}

/* Replaces *c and *pr with what the file says now, if it is usable; else
 * logs that the old configuration stays (its errors are logged above with
 * their file and line). */
static void
watch_reload(const struct cli *cli, struct conf *c, struct pipeline_res *pr)
{
	struct pipeline_res npr;
	struct conf nc;

	log_notice("SIGHUP: reading the configuration again");
	if (cli_load(cli, &nc) < 0) {
		log_error("%s: the new configuration has errors; keeping the old one", c->path);
		return;
	}
	if (pipeline_prepare(&nc, &npr) < 0) {
		log_error("%s: the new configuration cannot be used; keeping the old one",
		    nc.path);
		conf_free(&nc);
		return;
	}
	pipeline_release(c, pr);
	conf_free(c);
	*c = nc;
	*pr = npr;
	log_notice("%s: configuration reloaded: %zu brand%s, %zu feed%s", c->path,
	    c->nbrands, c->nbrands == 1 ? "" : "s", c->nfeeds, c->nfeeds == 1 ? "" : "s");
}

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
/* What the heap holds between passes: a watch that grows shows it here,
 * to an operator at -vv and to t_watch.sh, before RSS would (RSS moves by
 * pages, and a pass's freed chunks hide a slow leak for a long time). */
static void
log_heap(long pass)
{
	struct mallinfo2 mi = mallinfo2();

	log_debug("after pass %ld: %zu kB of memory in use", pass,
	    (mi.uordblks + mi.hblkhd) / 1024);
}
#else
static void log_heap(long pass) { (void)pass; }
#endif

/* One pass, with the progress display on a terminal. */
static enum run_result
watch_pass(const struct conf *c, const struct pipeline_res *pr, struct run_opts *ro,
    int verbosity)
{
	struct run_stats st;
	enum run_result res;

	ro->progress = term_progress_start(verbosity) ? term_progress : NULL;
	res = pipeline_pass(c, pr, ro, &st);
	term_progress_end();
	if (res == RUN_OK || res == RUN_PARTIAL)
		term_summary(&st, c->out_dir);
	return res;
}

/* Passes until a stop signal, --cycles passes or a fatal error. tick_ms > 0
 * (a test's hidden --tick) polls every feed every tick_ms instead. */
static int
watch_loop(const struct cli *cli, struct conf *c, struct pipeline_res *pr,
    const sigset_t *sigs, long cycles, long tick_ms)
{
	struct run_opts ro = { .all = tick_ms > 0 };
	enum run_result res;
	long done = 0, wait;

	log_notice("watching %zu feed%s of %s (pid %ld)", c->nfeeds,
	    c->nfeeds == 1 ? "" : "s", c->path, (long)getpid());
	while (!got_stop && (!cycles || done < cycles)) {
		if (got_reload) {
			got_reload = 0;
			watch_reload(cli, c, pr);
			continue;
		}
		if (!tick_ms && (wait = ms_until_due(c)) > 0) {
			log_debug("next poll in %ld ms", wait);
			watch_sleep(sigs, wait);
			continue;
		}
		res = watch_pass(c, pr, &ro, cli->verbosity);
		done++;
#ifdef __GLIBC__
		/* A watch sleeps most of its life: what the pass freed goes back
		 * to the system, where glibc keeps it in its arenas (one per
		 * thread of the pass) otherwise. */
		malloc_trim(0);
#endif
		log_heap(done);
		if (res == RUN_FATAL)
			return EXIT_FATAL;
		if (res == RUN_LOCKED)
			watch_sleep(sigs, LOCKED_RETRY_MS);
		else if (tick_ms)
			watch_sleep(sigs, tick_ms);
	}
	log_notice("stopped after %ld polling pass%s", done, done == 1 ? "" : "es");
	return EXIT_OK;
}

static int
count_arg(const char *opt, const char *arg, long *out)
{
	char *end;

	*out = strtol(arg, &end, 10);
	if (end == arg || *end || *out < 1) {
		log_error("%s wants a whole number above 0, not '%s'", opt, arg);
		return -1;
	}
	return 0;
}

int
cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "cycles", required_argument, NULL, OPT_CYCLES },
		/* Not in the help: every feed every N ms, for the memory test. */
		{ "tick", required_argument, NULL, OPT_TICK },
		{ NULL, 0, NULL, 0 }
	};
	struct pipeline_res pr;
	struct cli cli = {0};
	sigset_t sigs;
	struct conf c;
	long cycles = 0, tick = 0;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (cli_option(&cli, ch, optarg))
			continue;
		if (ch == OPT_CYCLES && count_arg("--cycles", optarg, &cycles) == 0)
			continue;
		if (ch == OPT_TICK && count_arg("--tick", optarg, &tick) == 0)
			continue;
		fputs(help, stderr);
		return EXIT_USAGE;
	}
	if ((rc = cli_end(&cli, argc, argv, "watch", help)) >= 0)
		return rc;
	/* From here on a signal is never fatal: one during start-up takes
	 * effect once the configuration is loaded. */
	watch_signals(&sigs);
	if (cli_load(&cli, &c) < 0)
		return EXIT_USAGE;
	if (pipeline_prepare(&c, &pr) < 0) {
		conf_free(&c);
		return EXIT_USAGE;
	}
	rc = watch_loop(&cli, &c, &pr, &sigs, cycles, tick);
	pipeline_release(&c, &pr);
	conf_free(&c);
	return rc;
}
