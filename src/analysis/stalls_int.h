/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The stalls sink's model, shared by the model code (stalls.c) and its
 * report (output/stalls_view.c).  Not for other modules: they use stalls.h.
 */
#ifndef IPCTRACE_STALLS_INT_H
#define IPCTRACE_STALLS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/stalls.h"
#include "analysis/waitfor.h"
#include "lib/hmap.h"
#include "lib/json.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "ipctrace_abi.h"

#define ST_MAX_WAKERS	8	/* processes named per wait (more are counted) */

/* A blocked thread of a look, and what the analysis made of it. */
struct sthread {
	struct ipc_rec_blocked b;
	const char *lock;	/* a futex wait's lock by its symbol ("lock_b"), or NULL */
	char obj[96];		/* the object waited on, as everywhere else; "" none */
	uint32_t wakers[ST_MAX_WAKERS];	/* processes that could end the wait */
	uint32_t nr_wakers;	/* found (may exceed ST_MAX_WAKERS) */
	bool wakers_proc;	/* wakers are processes (else owner is the one thread) */
	bool no_writer;		/* a pipe read with no writer left, a lock whose owner is gone */
	int deadlock;		/* the deadlock it is in (index in the look), -1 none */
	bool stuck;		/* in a deadlock or waiting on one */
};

struct sdeadlock {
	uint32_t first;		/* in look.members */
	uint32_t nr;
	bool confirmed;		/* seen in the previous look too, no member woken */
	bool is_new;		/* not reported before */
	uint64_t since_ns;	/* the latest start of its members' waits */
	uint64_t found_ns;	/* the look that found it */
	uint32_t number;	/* its number in the report (1...), 0 until confirmed */
};

struct look {
	struct ipc_rec_blksnap snap;
	struct vec threads;	/* struct sthread */
	struct hmap *by_tid;	/* tid -> index */
	struct vec deadlocks;	/* struct sdeadlock */
	struct vec members;	/* uint32_t thread indexes of the deadlocks */
	bool valid;
};

struct stalls {
	struct sink sink;
	struct collector *c;
	struct graph *g;
	struct stacks *st;
	struct stalls_opts opts;
	struct vec pending;	/* struct ipc_rec_blocked of the look in progress */
	struct look looks[2];
	int cur;		/* looks[cur] is the last complete look */
	struct waitfor *wf;
	struct hmap *reported;	/* deadlock signature -> 1 */
	struct vec wanted;	/* uint32_t pids */
	uint64_t deadlocks_found;	/* confirmed, over the whole trace */
	bool looked;		/* a look came (recordings made before looks existed have none) */
	struct look found;	/* the look of the latest confirmed deadlock */
	struct jw jw;
};

static inline struct look *stalls_cur(struct stalls *s)
{
	return &s->looks[s->cur];
}

static inline struct sthread *look_thread(const struct look *l, uint32_t i)
{
	return vec_at(&l->threads, struct sthread, i);
}

/* The thread tid of look l, or NULL. */
struct sthread *look_find(const struct look *l, uint32_t tid);
/* The report's number of the deadlock t is in, 0 when none (or not confirmed yet). */
uint32_t look_deadlock_number(const struct look *l, const struct sthread *t);

/* stalls_view.c */
struct report;
void stalls_view_report(struct stalls *s, struct report *r);
/* The line written at once when a deadlock is found. */
void stalls_view_found(struct stalls *s, const struct look *l, const struct sdeadlock *d);

#endif /* IPCTRACE_STALLS_INT_H */
