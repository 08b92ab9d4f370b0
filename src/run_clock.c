/* Per-stage wall time and per-phase CPU time of a run. */
#include "run_clock.h"

/* Seconds between two readings of the CPU clock, at the least. */
#define CPU_READ_EVERY 0.001

static double
wall_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
elapsed(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) +
	    (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

void
run_clock_start(struct run_clock *k, enum run_stage stage)
{
	*k = (struct run_clock){ .stage = (int)stage, .phase = (int)stage };
	wall_now(&k->wall_mark);
	k->cpu_wall = k->wall_mark;
	k->cpu_mark = cpu_now();
}

/* Charges the wall time since the mark to the current stage. */
static void
charge(struct run_clock *k)
{
	struct timespec now;

	wall_now(&now);
	k->wall[k->stage] += elapsed(&k->wall_mark, &now);
	k->wall_mark = now;
}

enum run_stage
run_clock_enter(struct run_clock *k, enum run_stage stage)
{
	enum run_stage prev = (enum run_stage)k->stage;

	/* Entering the stage it is in changes nothing, and reads no clock: the
	 * store enters "dedup" for every item, and at 16,000 feeds its clock
	 * readings were 2% of the main thread. */
	if (k->stage < 0 || prev == stage)
		return stage;
	charge(k);
	k->stage = (int)stage;
	return prev;
}

/* Adds the CPU time since the mark to the current phase. */
static void
close_phase(struct run_clock *k)
{
	double now = cpu_now();

	k->cpu[k->phase] += now - k->cpu_mark;
	k->cpu_mark = now;
}

void
run_clock_phase(struct run_clock *k, enum run_stage stage, int phase)
{
	if (k->stage < 0)
		return;
	run_clock_enter(k, stage);
	/* Staying in the phase needs no reading of the CPU clock, a system
	 * call: a feed answering 304 stays in the feed phase through storing.
	 * Leaving it reads the clock only once CPU_READ_EVERY has passed since
	 * the last reading, which charges the phase it leaves with the CPU
	 * since: a sample, which over a pass gives each phase its share. The
	 * main thread changes phase twice a feed, and at 16,000 feeds
	 * answering 304 those readings (the kernel sums every thread's time
	 * under a lock) were 7% of the pass's CPU. */
	if (phase != k->phase) {
		struct timespec now;

		wall_now(&now);
		if (elapsed(&k->cpu_wall, &now) >= CPU_READ_EVERY) {
			close_phase(k);
			k->cpu_wall = now;
		}
		k->phase = phase;
	}
}

void
run_clock_stop(struct run_clock *k)
{
	if (k->stage < 0)
		return;
	charge(k);
	close_phase(k);
	k->stage = k->phase = -1;
}

const char *
run_clock_name(enum run_stage stage)
{
	static const char *const names[STAGE_COUNT] = {
		"setup", "fetch wait", "parse", "dedup", "match", "score", "store",
		"alert", "alert scan", "deliver", "report", "prune"
	};

	return stage < STAGE_COUNT ? names[stage] : "?";
}
