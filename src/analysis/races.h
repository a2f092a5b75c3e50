/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * races: possible race patterns, found in the records alone (live or from a
 * recording).  Each flag names a pattern, the threads and processes on each
 * side, the objects, when it happened first and last, how many times, and
 * the stacks of each side where the records carry them.
 *
 * Always-on records (signals, pipes and sockets, futexes, processes):
 *  1. signal_coalesced: a standard signal sent while the same signal was
 *     still pending for the target (signal_generate says "already_pending").
 *  2. pipe_interleave: two or more writers on one pipe or FIFO, and writes
 *     larger than PIPE_BUF or short writes; stream_split: a read stopped
 *     inside a message (as the writes delimit them) and another thread's
 *     read took the rest.
 *  3. write_after_reader_left: EPIPE, with who gave up the read end, when.
 *  4. stale_pid: kill() failing with ESRCH, or landing on a process that
 *     got a pid an exited process of the trace held before.
 *  5. lost_wakeup: a futex wake that woke nobody and left the word as it
 *     was, then a wait on that word for that same value, by another thread,
 *     started soon after and sleeping long (on words that are not mutexes).
 *  6. fork_with_lock_held: fork() in a multithreaded process while another
 *     thread held a lock (--locks) or was blocked in one, and the child did
 *     something other than exec first.
 * With --locks (uprobes on the pthread functions):
 *  7. lock_order_inversion: A then B in one place, B then A in another.
 *  8. unlock_misuse: unlock by a thread that does not own the mutex, unlock
 *     of an unlocked mutex, an unlock that failed, destroy of a held mutex,
 *     a thread exiting while it holds one.
 *  9. cond_misuse: a wait without holding its mutex, waits on one condvar
 *     with two mutexes at once, a signal with nobody waiting followed by a
 *     wait that sleeps long.
 * 10. lock_in_signal_handler: a lock taken between a signal's delivery to
 *     a handler and the thread's rt_sigreturn.
 *
 * Pure: no I/O, no clock; what the detectors need from other analyses (the
 * kind of a futex word, who gave up a pipe's read end) comes through struct
 * races_env.  Memory is bounded: every working table has a limit, and rows
 * aged out to stay under it are counted (struct races_stats).
 */
#ifndef IPCTRACE_RACES_H
#define IPCTRACE_RACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"
#include "model/objkey.h"

struct races;

enum race_pattern {
	RACE_NONE = 0,
	RACE_SIG_COALESCED,
	RACE_PIPE_INTERLEAVE,
	RACE_STREAM_SPLIT,
	RACE_WRITE_NO_READER,
	RACE_STALE_PID,
	RACE_LOST_WAKEUP,
	RACE_FORK_LOCKED,
	RACE_LOCK_ORDER,
	RACE_UNLOCK_MISUSE,
	RACE_COND_MISUSE,
	RACE_HANDLER_LOCK,
	RACE_PATTERN_NR
};

/* Variants, per pattern (0 where a pattern has one). */
enum race_variant {
	RV_NONE = 0,
	/* pipe_interleave */
	RV_LARGE_WRITES,
	RV_SHORT_WRITES,
	/* stale_pid */
	RV_ESRCH,
	RV_REUSED,
	/* fork_with_lock_held */
	RV_HELD,		/* --locks: another thread held it */
	RV_BLOCKED,		/* another thread was blocked in it */
	/* unlock_misuse */
	RV_NOT_OWNER,
	RV_NOT_LOCKED,
	RV_UNLOCK_ERROR,
	RV_DESTROY_HELD,
	RV_EXIT_HELD,
	/* cond_misuse */
	RV_MUTEX_NOT_HELD,
	RV_MIXED_MUTEXES,
	RV_SIGNAL_FIRST,
	RV_NR
};

/* What a party of a flag did. */
enum race_role {
	RR_NONE = 0,
	RR_SENDER,		/* sent the signal that was lost / the kill */
	RR_PENDING_SENDER,	/* sent the one still pending */
	RR_TARGET,		/* the signal's target */
	RR_WRITER,
	RR_READER,
	RR_READER_LEFT,		/* gave up the read end (closed or exited) */
	RR_OLD_HOLDER,		/* the process that had the pid before */
	RR_NEW_HOLDER,		/* the process the kill landed on */
	RR_WAKER,		/* the wake that woke nobody */
	RR_WAITER,
	RR_FORKER,
	RR_HOLDER,		/* held the lock at the fork */
	RR_BLOCKED,		/* was blocked in the lock at the fork */
	RR_CHILD,
	RR_FIRST_OUTER,		/* lock order: took A (first order) */
	RR_FIRST_INNER,		/* ... then B while holding A */
	RR_SECOND_OUTER,	/* took B (second order) */
	RR_SECOND_INNER,	/* ... then A while holding B */
	RR_UNLOCKER,
	RR_OWNER,
	RR_LAST_UNLOCKER,	/* released it before (unlock of an unlocked mutex) */
	RR_DESTROYER,
	RR_EXITING,
	RR_SIGNALER,		/* pthread_cond_signal/broadcast with nobody waiting */
	RR_HANDLER,		/* the thread running the signal handler */
	RR_NR
};

#define RACE_SIDES	4
#define RACE_OBJS	3

struct race_side {
	uint8_t role;		/* enum race_role; RR_NONE: unused slot */
	uint8_t _pad[3];
	uint32_t pid;		/* 0: unknown (the kernel, a process outside the trace) */
	uint32_t tid;
	int32_t stack;		/* stack id (IPC_REC_STACK of pid), -1: none */
	uint64_t ip;		/* call site (lock functions' return address), 0: none */
	uint64_t ts_ns;		/* when it did its part (first time), 0: unknown */
};

enum race_obj_type {
	RO_NONE = 0,
	RO_FD,			/* pipe, FIFO, socket: key and sample */
	RO_FUTEX,		/* a futex word: key, addr in pid */
	RO_LOCK,		/* a pthread object (--locks): addr in pid, lock_kind */
	RO_SIGNAL,		/* sig -> target pid (as the call named it) */
};

struct race_obj {
	uint8_t type;		/* enum race_obj_type */
	uint8_t lock_kind;	/* RO_LOCK: enum ipc_lock_kind */
	uint8_t _pad[2];
	int32_t sig;		/* RO_SIGNAL */
	uint32_t pid;		/* RO_FUTEX, RO_LOCK: the process; RO_SIGNAL: the target */
	uint32_t _pad2;
	uint64_t addr;		/* RO_FUTEX, RO_LOCK: the address in pid */
	struct objkey key;	/* RO_FD, RO_FUTEX */
	struct ipc_obj sample;	/* RO_FD: the object as a record described it */
};

/*
 * Pattern-specific numbers (struct race_flag.d), by pattern:
 *   pipe_interleave: writers, writes > PIPE_BUF, short writes, largest write
 *   stream_split:    readers, messages split, -, -
 *   write_after_reader_left: SIGPIPEs generated, how the reader left
 *                    (RACE_LEFT_*), -, -
 *   stale_pid (reused): when the old holder exited, -, -, -
 *   lost_wakeup:     longest wait ns, shortest gap wake -> wait ns, the word, -
 *   fork_with_lock_held: threads in the process, the child's first act
 *                    (RACE_CHILD_*), -, -
 *   lock_in_signal_handler: the handler's address, ns from delivery to the
 *                    lock, -, -
 *   cond_misuse (signal_first): longest wait ns, gap signal -> wait ns
 */
#define RACE_D		4

enum race_left {
	RACE_LEFT_UNKNOWN = 0,
	RACE_LEFT_CLOSED,	/* closed its last read fd */
	RACE_LEFT_EXITED,	/* exited */
};

enum race_child {
	RACE_CHILD_RUNNING = 0,	/* no record of it yet (still running, or blocked) */
	RACE_CHILD_EXITED,	/* exited without exec */
	RACE_CHILD_OTHER,	/* did something else first (it runs the parent's code) */
};

struct race_flag {
	uint8_t pattern;	/* enum race_pattern */
	uint8_t variant;	/* enum race_variant */
	uint8_t _pad[6];
	uint64_t count;		/* times it happened */
	uint64_t cur;		/* of those, in the current interval */
	uint64_t first_ns;
	uint64_t last_ns;
	struct race_side side[RACE_SIDES];
	struct race_obj obj[RACE_OBJS];
	uint64_t d[RACE_D];
};

/* What the detectors ask other analyses. */
enum race_word_class {
	RACE_WORD_UNKNOWN = 0,	/* no pattern */
	RACE_WORD_LOCK,		/* a mutex or rwlock: an empty wake is normal there */
	RACE_WORD_EVENT,	/* a condition variable, a semaphore, an event */
};

struct race_left_info {
	uint32_t pid;
	uint32_t tid;		/* 0: not known */
	uint64_t ts_ns;
	uint8_t how;		/* enum race_left */
};

struct races_env {
	void *ctx;
	/* The kind of futex word k (at report time: the whole trace is known). */
	enum race_word_class (*word_class)(void *ctx, const struct objkey *k);
	/*
	 * Who last gave up the read side of o (a pipe, a FIFO, the peer of a
	 * socket), not counting writer_pid.  0 and *out, or -ENOENT.
	 */
	int (*reader_left)(void *ctx, const struct ipc_obj *o, uint32_t writer_pid,
			   struct race_left_info *out);
};

/* Limits of the working tables (0: the default). */
struct races_opts {
	uint32_t max_flags;	/* distinct flags kept (default 1024) */
	uint32_t max_rows;	/* rows of each working table (default 16384) */
};

struct races_stats {
	uint64_t flags_dropped;	/* occurrences of flags that found the flag table full */
	uint64_t aged_out;	/* working rows (threads, locks, words, streams...) aged out */
	uint64_t lock_records;	/* --locks records seen */
	uint64_t sigreturns;	/* rt_sigreturn records seen */
};

struct races *races__new(const struct races_env *env, const struct races_opts *opts);
void races__free(struct races *r);	/* accepts NULL */

/* One validated record.  0 or -ENOMEM. */
int races__event(struct races *r, const struct ipc_hdr *rec, size_t len);
/* The trace is over: judge what waited for more records (forks).  0 or -ENOMEM. */
int races__finish(struct races *r);
/* Reset the per-interval counts (race_flag.cur). */
void races__interval_end(struct races *r);

/*
 * The flags, in the order they were first raised.  Flags that the
 * environment rules out at report time (a lost wakeup on a word that turned
 * out to be a mutex) are not returned: races__flag() returns NULL for them.
 */
size_t races__nr_flags(const struct races *r);
const struct race_flag *races__flag(const struct races *r, size_t i);
const struct races_stats *races__stats(const struct races *r);

/* Stable names (JSON, text). */
const char *race_pattern_name(unsigned int pattern);
const char *race_variant_name(unsigned int variant);	/* "" for RV_NONE */
const char *race_role_name(unsigned int role);
/* One sentence: why this can go wrong. */
const char *race_why(unsigned int pattern, unsigned int variant);

/* Thresholds (documented in the README). */
#define RACE_PIPE_BUF		4096ull			/* POSIX atomic pipe write */
#define RACE_WAKE_WINDOW_NS	(100ull * 1000 * 1000)	/* wake -> wait start */
#define RACE_LONG_WAIT_NS	(50ull * 1000 * 1000)	/* a wait that slept this long */

#endif /* IPCTRACE_RACES_H */
