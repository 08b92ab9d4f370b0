/* The worker pool: results in push order whatever order tasks finish in,
 * popped on another thread than the one pushing, the bound (a push into a
 * full queue waits for a pop), shutdown with tasks still queued, and the
 * thread-less queue. */
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

enum { N = 60 };

struct producer {
	struct workq *q;
	struct task *t;
	unsigned from, to;
	atomic_uint pushed;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;
	unsigned i;

	for (i = p->from; i < p->to; i++) {
		workq_push(p->q, &p->t[i]);
		atomic_fetch_add(&p->pushed, 1);
	}
	return NULL;
}

/* Tasks finishing out of order (later ones are quicker) still pop in push
 * order, every one run once, with as many threads as asked (0: on the
 * pushing thread), pushed by one thread and popped by another. */
static void
push_order(unsigned nthreads)
{
	struct task t[N] = {{0}};
	void *ctx[4] = { NULL, NULL, NULL, NULL };
	struct workq *q = workq_new(nthreads, 5, work, ctx, on_ready, NULL);
	struct producer p = { .q = q, .t = t, .from = 0, .to = N };
	unsigned popped = 0, in_order = 0, i;
	struct task *got;
	pthread_t th;

	CHECK(q != NULL);
	if (!q)
		return;
	readies = 0;
	for (i = 0; i < N; i++) {
		t[i].id = i;
		t[i].delay_us = (N - i) % 7 * 300;
	}
	pthread_create(&th, NULL, produce, &p);
	while (popped < N) {
		if ((got = workq_pop(q, 1))) {
			in_order += got->id == popped;
			popped++;
		}
	}
	pthread_join(th, NULL);
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
	push_order(0);
	push_order(1);
	push_order(4);
}

/* cap tasks pushed and not popped fill the queue: one more push waits
 * until half of it is free (here, two pops of three). A pop while the
 * oldest runs finds nothing (wait 0), then it once it is done. */
static void
test_bound(void)
{
	struct task t[4] = {{0}};
	void *ctx[2] = { NULL, NULL };
	struct producer p = { .t = t, .from = 3, .to = 4 };
	struct workq *q;
	pthread_t th;
	unsigned i;

	set_gate(0);
	q = workq_new(2, 3, gated, ctx, NULL, NULL);
	CHECK(q != NULL);
	if (!q)
		return;
	for (i = 0; i < 3; i++)
		workq_push(q, &t[i]);
	p.q = q;
	pthread_create(&th, NULL, produce, &p);
	nap(50 * 1000);
	CHECK_INT(p.pushed, 0);           /* still waiting for room */
	CHECK(workq_pop(q, 0) == NULL);
	set_gate(1);
	CHECK(workq_pop(q, 1) == &t[0]);
	nap(50 * 1000);
	CHECK_INT(p.pushed, 0);           /* one slot free of three: waits on */
	CHECK(workq_pop(q, 1) == &t[1]);
	pthread_join(th, NULL);
	CHECK_INT(p.pushed, 1);
	for (i = 2; i < 4; i++)
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
		workq_push(q, &t[i]);
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
	struct task t[2] = {{0}};
	int calls = 0;
	void *ctx[1] = { &calls };
	struct workq *q = workq_new(0, 2, inline_work, ctx, NULL, NULL);

	CHECK(q != NULL);
	if (!q)
		return;
	workq_push(q, &t[0]);
	CHECK_INT(t[0].ran, 1);
	CHECK(pthread_equal(t[0].ran_on, pthread_self()));
	CHECK_INT(calls, 1);
	workq_push(q, &t[1]);
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
