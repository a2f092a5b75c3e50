/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * contention: which locks threads wait on, for how long, from where, and
 * who held them, from the records alone (live or from a recording).
 *
 * Sources, all optional:
 *  - futex records (always traced): one lock per futex word, named as the
 *    kernel keys it (private: process + address; shared: backing inode +
 *    offset, the same across processes).  A wait that blocked is a
 *    contended acquisition; wakes say how many threads each released.
 *  - SysV semop/semtimedop: one lock per (set id, semaphore number).
 *  - IPC_REC_LOCK records (--locks uprobes): authoritative kinds, hold
 *    times, owner threads, lock/unlock call sites, a condvar's mutex.
 *
 * Report: a "contended locks" section (interval and final, text and JSON)
 * ranked by time blocked, where waits for an event (condition variables,
 * joins: idle waiting, not contention) rank after every lock; and, when
 * --locks records came, a "locks" section with hold times and owners.
 *
 * JSON members of the summary object:
 *   contended_locks: [{rank, kind, idle_wait, evidence, id, addr, shared
 *     (futex) | semid, semnum, undo (SysV), symbol, pid, comm, pids, waits,
 *     blocked, blocked_ns, avg_ns, max_ns, p50_ns, p90_ns, p99_ns,
 *     max_waiters, timeouts, eagain, eintr, errors, wakes, woken,
 *     wakes_by_woken {"0", "1", "2-3", ...}, histogram [{lo_ns, hi_ns,
 *     count}] (log2), top_site, sites and release_sites [{site, count, ns,
 *     stack [frames, innermost first]}], other_sites_ns (waits at sites past
 *     the first four), waiters, wakers, pi_owners [{tid,
 *     comm, count, ns}], more_waiters, holder {tid, comm, source
 *     ("pi-owner", "locks", "waker"), count, ns} or null, paired, unpaired,
 *     no_stack, stacks_missed, and with --locks lock_addr, holds, hold_ns,
 *     hold_max_ns}]  (counts of the interval in the live view, else whole trace)
 *   lock_stacks (final): {waits_without_stack, stacks_missed, stacks,
 *     stacks_unknown, frames, frames_unresolved}
 *   locks (final, with --locks records): [{kind, pid, comm, addr, symbol,
 *     acquires, tries, busy, timeouts, contended, acquire_ns, acquire_max_ns,
 *     releases, holds, hold_ns, hold_max_ns, owner, owners, lock_sites,
 *     unlock_sites | signal_sites, and for condvars cond_waits, cond_wait_ns,
 *     signals, broadcasts, mutex, mutex_symbol}]
 */
#ifndef IPCTRACE_CONTENTION_H
#define IPCTRACE_CONTENTION_H

#include <stdbool.h>
#include <stdint.h>

struct collector;
struct objkey;
struct contention;
struct sink;
struct stacks;

/*
 * A contention sink for collector c, symbolizing through st (which must
 * outlive it: see stacks__sink).  NULL with errno.
 */
struct contention *contention__new(struct collector *c, struct stacks *st);
/* Its sink, for collector__add_sink() (which then owns it). */
struct sink *contention__sink(struct contention *ct);

/* One lock as the final report describes it (tests, and other analyses). */
struct contention_info {
	const char *kind;	/* "mutex", "condvar/wait", "semaphore", "rwlock", "unknown" */
	char evidence[200];	/* why that kind */
	int rank;		/* place in the final report's ranking (0 first), -1: not ranked */
	const char *symbol;	/* the lock's global ("counter_lock"), or NULL */
	const char *site;	/* the call site with the most blocked time, or NULL */
	uint64_t waits;		/* wait calls (semop: decrements and waits for zero) */
	uint64_t blocked;	/* of those, the ones that slept: contended */
	uint64_t blocked_ns;
	uint64_t max_ns;
	uint64_t p50_ns, p90_ns, p99_ns;
	uint64_t timeouts, eagain;
	uint64_t wakes;		/* wake calls (semop: increments) */
	uint64_t woken;		/* threads the wakes reported waking */
	uint32_t waiters;	/* distinct waiting threads (at most 16 counted) */
	uint32_t max_waiters;	/* most threads blocked at once */
	uint32_t holder_tid;	/* who most likely held it (0: unknown) */
	uint64_t holder_count;	/* waits that thread released, or holds it made */
	const char *holder_source;	/* "waker", "pi-owner", "locks" */
	uint64_t paired;	/* blocked waits matched with the wake that ended them */
	/* with --locks records for this lock */
	bool locks;
	uint64_t holds, hold_ns, hold_max_ns;
};

/* The lock k (objkey of a futex; a SysV semaphore is kind IPC_OBJ_SEM, a = id, b = number). */
int contention__info(struct contention *ct, const struct objkey *k, struct contention_info *out);

/* fn for every lock with a wait, with its key and whole-trace info (the metrics). */
void contention__for_each(struct contention *ct,
			  void (*fn)(void *ctx, const struct objkey *k,
				     const struct contention_info *info, uint32_t pid,
				     const char *comm),
			  void *ctx);

/* A lock object seen by --locks (pthread object at addr in pid). */
struct contention_lock_info {
	const char *kind;	/* as in struct contention_info */
	uint64_t acquires, tries, busy, timeouts, contended, acquire_ns;
	uint64_t releases, holds, hold_ns, hold_max_ns;
	uint64_t cond_waits, cond_ns, signals, broadcasts;
	uint64_t mutex;		/* condvar: the mutex of its last wait */
	uint32_t owner;		/* holding it at the end of the trace, 0: none */
	uint32_t top_owner;	/* the thread with the most hold time */
	const char *lock_site;	/* where it is taken most */
	const char *unlock_site;
};

int contention__lock_info(struct contention *ct, uint32_t pid, uint64_t addr,
			  struct contention_lock_info *out);

#endif /* IPCTRACE_CONTENTION_H */
