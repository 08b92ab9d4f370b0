/* A fixed pool of worker threads fed from a bounded queue whose results
 * come back in the order the tasks went in: a producer pushes, any worker
 * runs a task, and a consumer (the producer itself, or one other thread)
 * pops the oldest task once it is done, so whatever it does next (e.g.
 * storing) keeps the producer's order. */
#ifndef EARSHOT_WORKQ_H
#define EARSHOT_WORKQ_H

#include <stddef.h>

/* Runs one task on a worker thread; worker is that thread's own context
 * (one of the array given to workq_new), never shared between threads. */
typedef void (*workq_fn)(void *task, void *worker);

struct workq;

/* Starts nthreads threads (at most 64); worker[i] is thread i's context.
 * cap (>= 1) bounds the tasks pushed and not yet popped. ready(ready_ctx),
 * when not NULL, is called (outside any lock) after each task is done,
 * e.g. to wake a consumer waiting for more than this queue.
 * nthreads 0 makes a queue with no threads: workq_push runs the task on
 * the caller's thread before it returns (worker[0] is its context).
 * Returns NULL when out of memory or threads cannot be started. */
struct workq *workq_new(unsigned nthreads, size_t cap, workq_fn fn,
    void *const *worker, void (*ready)(void *ctx), void *ready_ctx);
/* Queues task. When cap tasks are pushed and not popped, it first waits
 * until no more than cap / 2 are: a producer that pops its own tasks must
 * pop before the queue is full. From producer threads only (any number:
 * tasks pop in the order their pushes took the queue's lock). */
void workq_push(struct workq *q, void *task);
/* The oldest task pushed and not popped, once it is done; NULL when there
 * is none, or (wait 0) when it is still queued or running. With wait 1 it
 * blocks until the oldest is done. From the consumer thread only. */
void *workq_pop(struct workq *q, int wait);
/* Stops the threads and frees q (NULL is fine): tasks running finish,
 * tasks still queued are never run. Tasks are the caller's: the queue only
 * ever held pointers to them. */
void workq_free(struct workq *q);

#endif
