/* The worker pool: results in push order whatever order tasks finish in,
 * the bound, shutdown with tasks still queued, and the thread-less queue. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "test.h"
#include "workq.h"

struct task {
	unsigned id, delay_us;   /* in */
	pthread_t ran_on;        /* out */
	int ran;
};

/* Tasks that wait for the test to open the gate. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open;
static atomic_uint readies;

static void
nap(unsigned us)
{
	struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static void
work(void *task, void *worker)
{
	struct task *t = task;

	(void)worker;
	nap(t->delay_us);
	t->ran_on = pthread_self();
	t->ran = 1;
}

static void
gated(void *task, void *worker)
{
	pthread_mutex_lock(&gate_mu);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	work(task, worker);
}

static void
set_gate(int open)
{
	pthread_mutex_lock(&gate_mu);
	gate_open = open;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
}

static void
on_ready(void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&readies, 1);
}

/* Tasks finishing out of order (later ones are quicker) still pop in push
 * order, every one run once, with as many threads as asked. */
static void
push_order(unsigned nthreads)
{
	enum { N = 60 };
	struct task t[N] = {{0}};
	void *ctx[4] = { NULL, NULL, NULL, NULL };
	struct workq *q = workq_new(nthreads, 5, work, ctx, on_ready, NULL);
	unsigned pushed = 0, popped = 0, in_order = 0, i;
	struct task *got;

	CHECK(q != NULL);
	if (!q)
		return;
	readies = 0;
	for (i = 0; i < N; i++) {
		t[i].id = i;
		t[i].delay_us = (N - i) % 7 * 300;
	}
	while (popped < N) {
		while (pushed < N && workq_push(q, &t[pushed]) == 0)
			pushed++;
		if ((got = workq_pop(q, 1))) {
			in_order += got->id == popped;
			popped++;
		}
	}
	CHECK_INT(in_order, N);
	CHECK(workq_pop(q, 1) == NULL);    /* empty: never blocks */
	workq_free(q);
	for (i = 0; i < N && t[i].ran; i++)
		;
	CHECK_INT(i, N);
	CHECK_INT(readies, N);
}

static void
test_order(void)
{
	push_order(1);
	push_order(4);
}

/* cap tasks pushed and not popped fill the queue; a pop while the oldest
 * runs finds nothing (wait 0), then it once it is done. */
static void
test_bound(void)
{
	struct task t[4] = {{0}};
	void *ctx[2] = { NULL, NULL };
	struct workq *q;
	unsigned i;

	set_gate(0);
	q = workq_new(2, 3, gated, ctx, NULL, NULL);
	CHECK(q != NULL);
	if (!q)
		return;
	CHECK_INT(workq_full(q), 0);
	for (i = 0; i < 3; i++)
		CHECK_INT(workq_push(q, &t[i]), 0);
	CHECK_INT(workq_full(q), 1);
	CHECK_INT(workq_push(q, &t[3]), -1);
	CHECK(workq_pop(q, 0) == NULL);
	set_gate(1);
	CHECK(workq_pop(q, 1) == &t[0]);
	CHECK_INT(workq_full(q), 0);
	CHECK_INT(workq_push(q, &t[3]), 0);
	for (i = 1; i < 4; i++)
		CHECK(workq_pop(q, 1) == &t[i]);
	workq_free(q);
}

static void *
open_later(void *arg)
{
	(void)arg;
	nap(200 * 1000);
	set_gate(1);
	return NULL;
}

/* Freeing the queue lets the running task finish and never starts the
 * queued ones. */
static void
test_shutdown(void)
{
	struct task t[5] = {{0}};
	void *ctx[1] = { NULL };
	struct workq *q;
	pthread_t opener;
	unsigned i, ran = 0;

	set_gate(0);
	q = workq_new(1, 8, gated, ctx, NULL, NULL);
	CHECK(q != NULL);
	if (!q)
		return;
	for (i = 0; i < 5; i++)
		CHECK_INT(workq_push(q, &t[i]), 0);
	nap(20 * 1000);       /* the thread takes the first task */
	pthread_create(&opener, NULL, open_later, NULL);
	workq_free(q);
	pthread_join(opener, NULL);
	for (i = 0; i < 5; i++)
		ran += (unsigned)t[i].ran;
	CHECK_INT(t[0].ran, 1);
	CHECK_INT(ran, 1);
	workq_free(NULL);
}

/* No threads: push runs the task on the caller's thread, with worker[0]. */
static void
inline_work(void *task, void *worker)
{
	work(task, NULL);
	*(int *)worker += 1;
}

static void
test_inline(void)
{
	struct task t[3] = {{0}};
	int calls = 0;
	void *ctx[1] = { &calls };
	struct workq *q = workq_new(0, 2, inline_work, ctx, NULL, NULL);

	CHECK(q != NULL);
	if (!q)
		return;
	CHECK_INT(workq_push(q, &t[0]), 0);
	CHECK_INT(t[0].ran, 1);
	CHECK(pthread_equal(t[0].ran_on, pthread_self()));
	CHECK_INT(calls, 1);
	CHECK_INT(workq_push(q, &t[1]), 0);
	CHECK_INT(workq_push(q, &t[2]), -1);    /* the bound holds here too */
	CHECK_INT(calls, 2);
	CHECK(workq_pop(q, 0) == &t[0]);
	CHECK(workq_pop(q, 0) == &t[1]);
	CHECK(workq_pop(q, 0) == NULL);
	workq_free(q);
	CHECK(workq_new(65, 2, work, ctx, NULL, NULL) == NULL);
	CHECK(workq_new(1, 0, work, ctx, NULL, NULL) == NULL);
}

int
main(void)
{
	RUN(test_order);
	RUN(test_bound);
	RUN(test_shutdown);
	RUN(test_inline);
	return TEST_END();
}
