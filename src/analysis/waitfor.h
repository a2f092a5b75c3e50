/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * waitfor: the wait-for graph of the threads blocked at one moment, and
 * what it says: which threads are stuck for good, and the chain every
 * other blocked thread is in.
 *
 * A blocked thread waits for one thread (a mutex's owner, a joined
 * thread), or for any thread of some processes (the holders of a pipe's
 * other end, of a socket's peer, of a queue), or for something nobody can
 * name (a signal, a condition variable), or for nobody (a timed sleep, disk
 * I/O: it wakes by itself).  Threads that are not blocked are not added;
 * a process's thread count tells whether it has any.
 *
 * A set of blocked threads is stuck when every thread that could end the
 * wait of one of them is itself in the set: nothing outside can ever wake
 * them (a deadlock).  For single-owner waits (mutexes) that is a cycle; for
 * waits on "any thread of P" it is the knot of the OR model: two processes
 * each reading a pipe only the other writes, each with no other thread
 * free.  The largest such set is computed (threads are removed while one
 * of their wakers is outside), then cut into its strongly connected parts:
 * each part with a cycle is a deadlock; the other stuck threads wait
 * behind one.  Pure: no I/O, unit-tested.
 */
#ifndef IPCTRACE_WAITFOR_H
#define IPCTRACE_WAITFOR_H

#include <stddef.h>
#include <stdint.h>

struct waitfor;

/* How a thread waits. */
enum wf_kind {
	WF_WAITS = 1,		/* for the wakers given with waitfor__waker_*() */
	WF_SELF,		/* for nobody: a timed sleep, disk I/O, a timeout */
	WF_UNKNOWN,		/* for something no thread can be named for (a signal) */
};

/* Where a chain goes from a thread (waitfor__next). */
enum wf_hop_kind {
	WF_HOP_END = 0,		/* the thread waits for nobody, or for no one known */
	WF_HOP_THREAD,		/* hop.tid is a blocked thread: the chain goes on */
	WF_HOP_ACTIVE,		/* a waker is not blocked: hop.tid (0: some thread of hop.pid) */
	WF_HOP_NOBODY,		/* WF_WAITS with no waker at all (no writer left, owner gone) */
};

struct wf_hop {
	enum wf_hop_kind kind;
	uint32_t tid;
	uint32_t pid;
};

struct waitfor *waitfor__new(void);	/* NULL with errno */
void waitfor__free(struct waitfor *w);	/* accepts NULL */
/* Forget every thread and process, keep the memory. */
void waitfor__clear(struct waitfor *w);

/* Process pid has nr_threads threads (0: unknown, then it never counts as all blocked). */
int waitfor__proc(struct waitfor *w, uint32_t pid, uint32_t nr_threads);
/* A blocked thread.  Adding it again changes its kind.  0 or -ENOMEM. */
int waitfor__thread(struct waitfor *w, uint32_t tid, uint32_t pid, enum wf_kind kind);
/* Thread tid's wait can be ended by waker (several calls: any one of them). */
int waitfor__waker_thread(struct waitfor *w, uint32_t tid, uint32_t waker);
/* ... or by any thread of process pid. */
int waitfor__waker_proc(struct waitfor *w, uint32_t tid, uint32_t pid);

/* Compute the stuck set and the deadlocks.  0 or -ENOMEM. */
int waitfor__solve(struct waitfor *w);

/* After solve: the deadlock tid is in (0...), or -1. */
int waitfor__deadlock_of(const struct waitfor *w, uint32_t tid);
/* Stuck: in a deadlock, or waiting (perhaps through others) only on one. */
int waitfor__stuck(const struct waitfor *w, uint32_t tid);
size_t waitfor__nr_deadlocks(const struct waitfor *w);
/*
 * The threads of deadlock i, each followed by the one it waits for where
 * that is a member (a cycle reads in order: A waits for B, B for A).
 * Valid until the next solve or clear.
 */
const uint32_t *waitfor__deadlock(const struct waitfor *w, size_t i, size_t *nr);
/* The next hop of tid's chain (a blocked thread first, the lowest tid among equals). */
struct wf_hop waitfor__next(const struct waitfor *w, uint32_t tid);

#endif /* IPCTRACE_WAITFOR_H */
