/* Where a run's time goes: wall time per stage from CLOCK_MONOTONIC (a vDSO
 * read, cheap enough for every item), CPU time per phase from the process
 * CPU clock (a system call, so read only at phase boundaries: once or
 * twice per feed). Always on; `earshot run --stats` prints it. */
#ifndef EARSHOT_RUN_CLOCK_H
#define EARSHOT_RUN_CLOCK_H

#include <stdio.h>
#include <time.h>

/* Stages in the order a run meets them. STAGE_PARSE is a feed's work less
 * the per-item stages it calls (dedup .. alert). */
enum run_stage {
	STAGE_SETUP,   /* lexicons, matcher, state database */
	STAGE_FETCH,   /* waiting for the next feed: fetched, and parsed if it has items */
	STAGE_PARSE,
	STAGE_DEDUP,   /* have we seen this item? (recording it if not) */
	STAGE_MATCH,
	STAGE_SCORE,   /* sentiment and its reason */
	STAGE_STORE,   /* record building, inserts, commits */
	STAGE_ALERT,   /* per-mention alert rules */
	STAGE_SCAN,    /* spike rules over the whole run */
	STAGE_DELIVER,
	STAGE_REPORT,
	STAGE_PRUNE,
	STAGE_COUNT
};

/* CPU is attributed to phases, not stages: a phase is one stage, except
 * that feed work (parse .. alert, inside one transfer's callback) is one
 * phase, counted under PHASE_FEED. */
#define PHASE_FEED STAGE_COUNT

struct run_clock {
	double wall[STAGE_COUNT];
	double cpu[STAGE_COUNT + 1];
	int stage, phase;          /* current; -1 before run_clock_start */
	struct timespec wall_mark;
	struct timespec cpu_wall;  /* when cpu_mark was read */
	double cpu_mark;
};

/* Starts timing in stage (also its phase). */
void run_clock_start(struct run_clock *k, enum run_stage stage);
/* Switches to stage, charging the wall time since the last switch to the
 * stage being left; returns that stage, for the caller to switch back. */
enum run_stage run_clock_enter(struct run_clock *k, enum run_stage stage);
/* As run_clock_enter, and also closes the current phase's CPU time and
 * opens phase (a stage or PHASE_FEED). */
void run_clock_phase(struct run_clock *k, enum run_stage stage, int phase);
/* Closes the current stage and phase. */
void run_clock_stop(struct run_clock *k);
/* The stage's name as printed ("fetch wait", "parse", ...). */
const char *run_clock_name(enum run_stage stage);

#endif
