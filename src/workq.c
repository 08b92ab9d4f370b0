/* The pool behind workq.h: a ring of slots, one mutex, three condition
 * variables (work for the threads, done for the consumer, room for the
 * producer). Tasks start in push order; they may finish in any order, and
 * pops take them in push order. */
#include "workq.h"

#include <pthread.h>
#include <stdlib.h>

#define WORKQ_MAX_THREADS 64

enum slot_state { SLOT_QUEUED, SLOT_RUNNING, SLOT_DONE };

struct slot {
	void *task;
	enum slot_state state;
};

struct workq_thread {
	struct workq *q;
	void *worker;
	pthread_t tid;
};

struct workq {
	pthread_mutex_t mu;
	pthread_cond_t work, done, room;
	struct slot *ring;
	size_t cap;
	size_t head, next, tail;   /* oldest unpopped, next to start, next free: counts, not indices */
	int stop;
	unsigned waiting;          /* producers waiting for room */
	workq_fn fn;
	void (*ready)(void *ctx);
	void *ready_ctx;
	void *inline_worker;       /* nthreads 0 */
	struct workq_thread *th;
	unsigned nthreads;
};

static void *
thread_main(void *arg)
{
	struct workq_thread *t = arg;
	struct workq *q = t->q;
	struct slot *sl;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->stop && q->next == q->tail)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->stop)
			break;
		sl = &q->ring[q->next++ % q->cap];
		sl->state = SLOT_RUNNING;
		pthread_mutex_unlock(&q->mu);
		q->fn(sl->task, t->worker);
		pthread_mutex_lock(&q->mu);
		sl->state = SLOT_DONE;
		pthread_cond_signal(&q->done);
		if (q->ready) {
			pthread_mutex_unlock(&q->mu);
			q->ready(q->ready_ctx);
			pthread_mutex_lock(&q->mu);
		}
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct workq *
workq_new(unsigned nthreads, size_t cap, workq_fn fn, void *const *worker,
    void (*ready)(void *ctx), void *ready_ctx)
{
	struct workq *q;

	if (nthreads > WORKQ_MAX_THREADS || !cap || !(q = calloc(1, sizeof *q)))
		return NULL;
	q->cap = cap;
	q->fn = fn;
	q->ready = ready;
	q->ready_ctx = ready_ctx;
	if (!(q->ring = calloc(cap, sizeof *q->ring)) ||
	    (nthreads && !(q->th = calloc(nthreads, sizeof *q->th)))) {
		free(q->ring);
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	pthread_cond_init(&q->room, NULL);
	if (!nthreads)
		q->inline_worker = worker[0];
	for (; q->nthreads < nthreads; q->nthreads++) {
		struct workq_thread *t = &q->th[q->nthreads];

		t->q = q;
		t->worker = worker[q->nthreads];
		if (pthread_create(&t->tid, NULL, thread_main, t) != 0) {
			workq_free(q);
			return NULL;
		}
	}
	return q;
}

void
workq_push(struct workq *q, void *task)
{
	struct slot *sl;

	pthread_mutex_lock(&q->mu);
	/* A full queue is waited on until half of it is free, not one slot:
	 * a consumer slower than the workers (the store, at 16,000 feeds)
	 * woke the producer at every pop, and those wake-ups were 5% of its
	 * thread. */
	if (q->tail - q->head == q->cap) {
		q->waiting++;
		do
			pthread_cond_wait(&q->room, &q->mu);
		while (q->tail - q->head > q->cap / 2);
		q->waiting--;
	}
	sl = &q->ring[q->tail % q->cap];
	sl->task = task;
	sl->state = SLOT_QUEUED;
	q->tail++;
	if (q->nthreads) {
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		return;
	}
	/* No threads: the task runs now, as if a worker had taken it. */
	q->next++;
	pthread_mutex_unlock(&q->mu);
	q->fn(task, q->inline_worker);
	pthread_mutex_lock(&q->mu);
	sl->state = SLOT_DONE;
	pthread_cond_signal(&q->done);
	pthread_mutex_unlock(&q->mu);
	if (q->ready)
		q->ready(q->ready_ctx);
}

void *
workq_pop(struct workq *q, int wait)
{
	struct slot *sl;
	void *task = NULL;

	pthread_mutex_lock(&q->mu);
	while (q->head != q->tail) {
		sl = &q->ring[q->head % q->cap];
		if (sl->state == SLOT_DONE) {
			task = sl->task;
			q->head++;
			if (q->waiting && q->tail - q->head <= q->cap / 2)
				pthread_cond_broadcast(&q->room);
			break;
		}
		if (!wait)
			break;
		pthread_cond_wait(&q->done, &q->mu);
	}
	pthread_mutex_unlock(&q->mu);
	return task;
}

void
workq_free(struct workq *q)
{
	unsigned i;

	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < q->nthreads; i++)
		pthread_join(q->th[i].tid, NULL);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_cond_destroy(&q->room);
	pthread_mutex_destroy(&q->mu);
	free(q->th);
	free(q->ring);
	free(q);
}
