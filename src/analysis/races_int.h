/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The race detectors' working state, shared by races.c (tables, flags,
 * threads and processes) and the detector files: races_sig.c (signals),
 * races_io.c (pipes and streams), races_futex.c (lost wakeups, fork),
 * races_locks.c (--locks: order, unlock and condvar misuse).  Not for other
 * modules: they use races.h.
 *
 * Every table is a bounded keyed table (struct rtab, on lib/ktab): rows of
 * one size whose first member is the time they were last used, then their
 * key.  When a table is full, the least recently used quarter is aged out
 * and counted.  Rows refer to each other by key, never by index, since
 * aging moves them.
 */
#ifndef IPCTRACE_RACES_INT_H
#define IPCTRACE_RACES_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/races.h"
#include "lib/hmap.h"
#include "lib/ktab.h"
#include "lib/vec.h"

struct rtab {
	struct ktab kt;		/* rows: uint64_t last_ns, then the key, then the rest */
	uint64_t *aged;		/* where aged-out rows are counted */
};

int rtab_init(struct rtab *t, size_t row_size, size_t key_size, uint32_t max, uint64_t *aged);
void rtab_release(struct rtab *t);
/* The row of key, or NULL. */
void *rtab_find(const struct rtab *t, const void *key);
/*
 * The row of key, made (zeroed, key set) if missing; its time set to now.
 * NULL on ENOMEM.  May age rows out: row pointers are valid until the next
 * rtab_get() or rtab_remove() on the same table.
 */
void *rtab_get(struct rtab *t, const void *key, uint64_t now, bool *created);
void rtab_remove(struct rtab *t, const void *key);

#define RT_KEY(row) ((const void *)((const char *)(row) + sizeof(uint64_t)))

/* ---- user locks (--locks) ---- */

struct lock_key {
	uint32_t pid;
	uint32_t _pad;
	uint64_t addr;
};

enum lock_state {
	LS_UNKNOWN = 0,		/* not seen, and the process was not started in the trace */
	LS_UNLOCKED,
	LS_OWNED,
};

#define LK_DISPLACED	4
#define LK_CWAITS	8
#define LK_CSIGNALS	4

struct lk_displaced {
	uint32_t tid;
	uint64_t ts;		/* when another thread took it from under tid */
};

struct cwait {
	uint32_t tid;
	int32_t stack;
	uint64_t mutex;
	uint64_t entry;
	uint64_t ret;
};

struct csignal {
	uint32_t tid;
	uint32_t pid;
	uint64_t ts;
	uint64_t ip;
	bool had_waiter;
	bool used;		/* already blamed for a wait */
};

struct rlock {
	uint64_t last_ns;
	struct lock_key key;
	uint8_t kind;		/* enum ipc_lock_kind */
	uint8_t state;		/* enum lock_state */
	uint32_t owner;
	uint32_t depth;		/* recursive acquisitions by the owner beyond the first */
	uint64_t owner_since;
	int32_t owner_stack;
	uint64_t owner_ip;
	struct lk_displaced displaced[LK_DISPLACED];
	uint32_t nr_displaced;
	uint32_t last_unlocker;
	uint64_t last_unlock_ns;
	uint64_t last_unlock_ip;
	/* condvars */
	struct cwait cwaits[LK_CWAITS];
	uint32_t cwait_pos, nr_cwaits;
	struct csignal csig[LK_CSIGNALS];
	uint32_t csig_pos, nr_csig;
};

/* ---- threads ---- */

#define TH_HELD		8
#define TH_FRAMES	4
#define TH_RELEASED	4

struct held {
	struct lock_key key;
	uint8_t kind;
	uint64_t ts;		/* acquired */
	int32_t stack;
	uint64_t ip;
};

struct hframe {
	int32_t sig;
	uint64_t ts;		/* delivered */
	uint64_t handler;
};

struct released {
	struct lock_key key;
	uint64_t ts;
};

struct rthread {
	uint64_t last_ns;
	uint32_t tid;
	uint32_t pid;
	struct held held[TH_HELD];
	uint32_t nr_held;
	struct hframe frames[TH_FRAMES];
	uint32_t nr_frames;
	struct released released[TH_RELEASED];
	uint32_t rel_pos;
	/* the last signal this thread generated, for the stack of its send */
	uint64_t gen_ts;
	int32_t gen_flag;	/* flag index, -1 none */
	uint32_t gen_target;
	int32_t gen_sig;
	bool gen_pending_row;	/* the pending-signal row of (gen_target, gen_sig) */
	uint32_t gen_target_tid;
	/* the kernel's last SIGPIPE to this thread, for the EPIPE write it came from */
	uint64_t sigpipe_ts;
	/* named as the holder of a lock at a fork: confirmed by its next lock record */
	bool fork_tentative;
};

/* ---- processes ---- */

#define PR_FORKS	4
#define FK_EVIDENCE	2

enum ev_status {
	EV_TENTATIVE = 1,	/* held: unless the holder was in a cond wait (its next lock record) */
	EV_WAKER,		/* blocked: unless the forker was the holder (the wake that ended it) */
	EV_YES,
	EV_NO,
};

struct fk_evidence {
	uint8_t variant;	/* RV_HELD, RV_BLOCKED */
	uint8_t status;		/* enum ev_status */
	bool raised;
	uint32_t tid;
	uint64_t end;		/* RV_BLOCKED: the wait's end */
	int32_t stack;
	uint64_t ip;
	uint64_t ts;
	struct race_obj obj;
};

struct rfork {
	uint64_t ts;
	uint32_t tid;
	uint32_t child;
	uint32_t threads;
	int32_t stack;
	uint8_t outcome;	/* enum race_child, or FK_EXEC */
	bool followed;		/* the child is traced: its first act will be seen */
	struct fk_evidence ev[FK_EVIDENCE];
	uint32_t nr_ev;
};

#define FK_EXEC		0xff

struct rproc {
	uint64_t last_ns;
	uint32_t pid;
	uint32_t parent;	/* who forked this holder of the pid, 0 unknown */
	bool started;		/* exec'd in the trace: its locks start unlocked */
	bool exited;
	bool reused;		/* a new process has had the pid since prev_exit_ns */
	uint64_t exit_ns;
	uint64_t prev_exit_ns;	/* the previous holder's exit */
	uint32_t alive_threads;	/* threads seen alive (thread_new/exit), 1 at least */
	struct rfork forks[PR_FORKS];
	uint32_t fork_pos, nr_forks;
	uint32_t child_of_fork;	/* this process is the child of a fork of parent: judge */
};

/* ---- futex words ---- */

#define WD_WAKES	4

struct wwake {
	uint32_t tid;
	uint32_t pid;
	int32_t stack;
	uint32_t woke;
	uint64_t ts;
	uint64_t end;
	uint32_t word;
	bool word_ok;
	bool changed;		/* the word differed from the value seen before it */
	bool used;
};

struct rword {
	uint64_t last_ns;
	struct objkey key;
	bool have_val;
	uint32_t val;		/* the latest value the word was seen to hold */
	uint64_t addr;
	struct wwake wakes[WD_WAKES];
	uint32_t wake_pos, nr_wakes;
	uint32_t fork_pid;	/* a fork of this process waits for a wake of this word */
};

/* ---- byte streams ---- */

#define ST_TIDS		8
#define ST_BOUNDS	64

struct stream_key {
	struct objkey obj;
	uint64_t end;		/* the receiving end: a socket's inode; 0 for pipes */
};

/*
 * A byte stream as offsets: w_off bytes written, r_off read, the message
 * boundaries (where writes ended) that no read has reached yet.
 */
struct rstream {
	uint64_t last_ns;
	struct stream_key key;
	struct ipc_obj sample;
	uint32_t writers[ST_TIDS], wpids[ST_TIDS];
	uint32_t nr_writers;	/* distinct (may exceed ST_TIDS: then counted no more) */
	uint32_t readers[ST_TIDS], rpids[ST_TIDS];
	uint32_t nr_readers;
	uint64_t large, shorts, risky, largest;
	uint64_t risky_first;
	int32_t risky_stack;	/* the first risky write's */
	uint32_t risky_tid, risky_pid;
	uint64_t w_off, r_off;
	uint64_t bounds[ST_BOUNDS];	/* a ring of write ends beyond r_off, ascending */
	uint32_t b_head, b_nr;
	uint64_t lost_until;	/* boundaries up to here did not fit the ring: unknown */
	uint32_t mid_tid, mid_pid;	/* the reader that stopped inside a message */
	int32_t mid_stack;
	uint64_t mid_ts;
	uint64_t splits;
};

/* ---- pending signals ---- */

struct pend_key {
	uint32_t target;	/* tgid */
	uint32_t tid;		/* thread-directed: the thread; else 0 */
	int32_t sig;
	uint32_t _pad;
};

struct rpend {
	uint64_t last_ns;
	struct pend_key key;
	uint32_t pid, tid;	/* who made it pending */
	int32_t stack;
	uint64_t ts;
};

/* ---- lock order ---- */

struct edge_key {
	struct lock_key a;	/* held */
	struct lock_key b;	/* then taken */
};

#define EDGE_GATES	3

struct redge {
	uint64_t last_ns;
	struct edge_key key;
	uint32_t pid, tid;
	int32_t a_stack, b_stack;
	uint64_t a_ip, b_ip;
	uint64_t a_ts, b_ts;
	struct lock_key gates[EDGE_GATES];	/* other locks held meanwhile */
	uint32_t nr_gates;
};

/* ---- flags ---- */

struct flag_key {
	uint8_t pattern;
	uint8_t variant;
	uint8_t _pad[2];
	uint32_t pid[2];
	uint32_t _pad2;
	struct objkey obj[2];
	uint64_t addr[2];
	int32_t sig;
	uint32_t _pad3;
};

struct flag_row {
	struct flag_key key;
	struct race_flag f;
};

struct races {
	struct races_env env;
	struct races_opts opts;
	struct races_stats stats;
	struct ktab flags;	/* struct flag_row, in the order raised; bounded, never aged */
	struct rtab threads;	/* tid */
	struct rtab procs;	/* pid */
	struct rtab locks;	/* struct lock_key */
	struct rtab edges;	/* struct edge_key */
	struct rtab words;	/* struct objkey */
	struct rtab streams;	/* struct stream_key */
	struct rtab pend;	/* struct pend_key */
	uint64_t now;		/* latest record time */
	uint32_t pending_forks;	/* fork children whose first act is not known yet */
	bool finishing;
};

/* races.c */
/*
 * Count one occurrence of the flag that key names, made from proto the first
 * time (sides, objects, d).  The flag, or NULL (table full: counted in
 * stats, or ENOMEM).  *idx gets its index (-1 if none).
 */
struct race_flag *race_raise(struct races *r, const struct flag_key *key,
			     const struct race_flag *proto, uint64_t ts, int32_t *idx);
struct race_flag *race_flag_at(struct races *r, int32_t idx);
struct rthread *race_thread(struct races *r, uint32_t tid, uint32_t pid);
struct rthread *race_thread_find(struct races *r, uint32_t tid);
struct rproc *race_proc(struct races *r, uint32_t pid);
void race_side(struct race_side *s, uint8_t role, uint32_t pid, uint32_t tid, int32_t stack,
	       uint64_t ts);
void race_obj_fd(struct race_obj *o, const struct ipc_obj *sample);
void race_obj_lock(struct race_obj *o, uint32_t pid, uint64_t addr, uint8_t kind);
void race_obj_signal(struct race_obj *o, int32_t sig, uint32_t target);

/* detectors: each takes the records it needs; 0 or -ENOMEM */
int races_signal(struct races *r, const struct ipc_ev_signal *s);
int races_io(struct races *r, const struct ipc_ev_io *e);
int races_futex(struct races *r, const struct ipc_ev_futex *f);
int races_proc(struct races *r, const struct ipc_ev_proc *p);
int races_lock(struct races *r, const struct ipc_ev_lock *l);
int races_child_act(struct races *r, const struct ipc_hdr *h);
/* a thread or process ends: locks it holds, forks it waited on */
int races_thread_exit(struct races *r, const struct ipc_ev_proc *p);
int races_fork_finish(struct races *r);
struct rthread;
int races_fork_confirm(struct races *r, struct rthread *t, const struct ipc_ev_lock *l);
/* lock state, for the fork detector (--locks) */
int races_locks_held_by_others(struct races *r, uint32_t pid, uint32_t tid,
			       struct fk_evidence *ev, uint32_t max);

#endif /* IPCTRACE_RACES_INT_H */
