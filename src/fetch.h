/* Fetches many URLs at once with libcurl multi and hands each finished
 * transfer to a callback, so parsing overlaps downloading and only the
 * transfers in flight hold memory. */
#ifndef EARSHOT_FETCH_H
#define EARSHOT_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct fetch_opts {
	unsigned max_parallel;   /* transfers in flight (32); 0 counts as 1 */
	unsigned max_per_host;   /* connections and transfers per host (2); 0 = none */
	long connect_timeout;    /* seconds (15) */
	long timeout;            /* seconds for a whole transfer (60) */
	long low_speed_limit;    /* bytes/s below which ... (10) */
	long low_speed_time;     /* ... for this many seconds aborts (20) */
	size_t max_body;         /* bytes, after decompression (10 MiB) */
	const char *user_agent;  /* full User-Agent string */
	unsigned threads;        /* transfer loops, each on a thread (1) */
};

#define FETCH_MAX_THREADS 8

/* One transfer. The caller fills the inputs; fetch_all fills the outputs,
 * which fetch_job_clear frees. */
struct fetch_job {
	/* in */
	const char *name;            /* feed name, for messages */
	const char *url;
	const char *etag;            /* validators from the last success, or NULL */
	const char *last_modified;
	const char *const *headers;  /* extra "Name: value" lines; never logged */
	size_t nheaders;
	void *user;
	/* out */
	int ok;                  /* 1: body or not_modified is valid */
	int not_modified;        /* 304 */
	long status;             /* HTTP status, 0 for non-HTTP or no response */
	char *body;              /* NUL-terminated; len excludes the NUL */
	size_t len;
	char *content_type, *new_etag, *new_last_modified, *effective_url;
	int64_t retry_after;     /* absolute Unix time from Retry-After, or 0 */
	char error[256];         /* one-line reason when !ok (no secrets) */
	int more;                /* done() comes again at once, for another job
				    that finished in the same round */
};

/* A Retry-After of more seconds than this is taken as this (one year). */
#define FETCH_RETRY_AFTER_MAX (366LL * 86400)

/* Fills o with the defaults above and the User-Agent "earshot". */
void fetch_opts_default(struct fetch_opts *o);
/* Called once per job as it finishes (in completion order). */
typedef void (*fetch_done_fn)(struct fetch_job *job, void *ctx);
/* Runs all n jobs to completion. A job's failure is recorded in the job and
 * never stops the others. Returns 0, or -1 if the transfer engine itself
 * could not start (reason in err).
 * Jobs start in array order, except that one whose host already
 * has max_per_host transfers waits (without its timeout running) while
 * later jobs for other hosts go ahead. done() may free the job's outputs
 * (fetch_job_clear); fetch_all never touches a job after its done(). A
 * job's outputs must be zero or from an earlier fetch: they are cleared
 * when it starts. Validators or headers holding control bytes are not
 * sent; a job's own User-Agent or Accept-Encoding header replaces the
 * one fetch_all sends. Once a host fails to resolve, its later jobs fail
 * at once.
 * With threads > 1 the jobs are shared out by host between that many
 * loops (never more than n / 2), each on a thread with a share of
 * max_parallel in proportion to its jobs, and done() is called from any
 * of them, at the same time. */
int fetch_all(const struct fetch_opts *o, struct fetch_job **jobs, size_t n,
    fetch_done_fn done, void *ctx, char *err, size_t errlen);
/* Frees a job's outputs and resets them (inputs are left alone). */
void fetch_job_clear(struct fetch_job *job);

#endif
