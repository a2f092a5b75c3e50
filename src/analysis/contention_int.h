/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The contention model, shared by its parts: the rows and pairing
 * (contention.c), classification, queries and ranking (contention_class.c)
 * and the report (output/contention_report.c).  Not for other modules: they
 * use contention.h.
 */
#ifndef IPCTRACE_CONTENTION_INT_H
#define IPCTRACE_CONTENTION_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analysis/contention.h"
#include "lib/hist.h"
#include "lib/hmap.h"
#include "lib/ktab.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/objkey.h"

#define CT_WAITERS	16
#define CT_TIDS		8
#define CT_SITES	4
#define CT_RING		16	/* recent effective wakes kept for pairing */
#define CT_PENDING	8	/* blocked waits whose wake has not come yet */
#define CT_SPANS	32	/* recent blocked waits, for the most at once */
#define CT_PIDS		4
#define CT_WAKE_BUCKETS	6	/* wakes by threads woken: 0, 1, 2-3, 4-7, 8-15, 16+ */
#define IDLE_WAIT_NS	(10ull * 1000 * 1000)	/* a typical wait this long:
						 * idle, not contended */
#define WAKE_ALL	0x7fffffffu	/* INT_MAX: wake every waiter */
#define BITSET_ANY	0xffffffffu
#define RW_WAIT_VAL	3u		/* glibc rwlock: 1 | PTHREAD_RWLOCK_FUTEX_USED */
#define SEM_UNDO_FLAG	0x1000
#define NAME_LEN	160

/* Sizes of the glibc objects on LP64, to find which object a futex word is in. */
#define MUTEX_SIZE	40
#define COND_SIZE	48
#define RWLOCK_SIZE	56
#define SEM_SIZE	32

enum ct_kind {
	KIND_UNKNOWN = 0,
	KIND_MUTEX,
	KIND_CONDVAR,
	KIND_SEM,
	KIND_RWLOCK,
};

/* Printed names of enum ct_kind. */
extern const char *const ct_kind_names[];

struct ct_counts {
	uint64_t waits;
	uint64_t blocked;
	uint64_t blocked_ns;
	uint64_t max_ns;
	uint64_t timeouts;
	uint64_t eagain;
	uint64_t eintr;
	uint64_t errors;	/* other failures */
	uint64_t wakes;
	uint64_t woken;
	uint64_t wake_buckets[CT_WAKE_BUCKETS];
	uint32_t max_waiters;
};

/* Classification evidence, whole trace. */
struct ct_feat {
	uint64_t wait_v2_plain;	/* FUTEX_WAIT for 2: glibc lll_lock_wait */
	uint64_t wait_v2;	/* any wait for 2 */
	uint64_t wait_v3;	/* a bitset wait for 3: glibc rwlock */
	uint64_t wait_v0;	/* a wait for 0 with the any-bit mask: condvar or sem_t */
	uint64_t wait_own;	/* a wait for the word's own value above 3: a tid, a sequence */
	uint64_t wake_one;
	uint64_t wake_all;	/* INT_MAX: broadcast */
	uint64_t wake_odd;	/* the word odd when waking: a sem_t value */
	uint64_t wake_even;	/* the word even and >= 2: condvar signals count by 2 */
	uint64_t pi;		/* PI operations: the word holds the owner's tid */
	uint64_t requeue;
	uint64_t undo;		/* semop with SEM_UNDO */
};

struct ct_tid {
	uint32_t tid;
	uint32_t n;
	uint64_t ns;
};

struct ct_site {
	const char *site;
	int32_t stack;		/* a stack (stacks index) through this site, -1 none */
	uint32_t n;
	uint64_t ns;
};

struct ct_wake {
	uint64_t ts;
	uint64_t end;
	uint32_t tid;
	uint32_t left;		/* waits it may still be paired with */
};

struct ct_pend {
	uint64_t start;
	uint64_t end;
	uint32_t tid;
};

struct ct_span {
	uint64_t start;
	uint64_t end;
	uint32_t cnt;		/* waits known to be blocked at start */
};

struct ct_ext {
	struct hist hist, cur_hist;
	struct ct_tid waiters[CT_WAITERS];
	uint32_t nr_waiters;
	bool more_waiters;
	struct ct_tid wakers[CT_TIDS];
	uint32_t nr_wakers;
	struct ct_tid owners[CT_TIDS];	/* PI: the owner in the word when waiting */
	uint32_t nr_owners;
	struct ct_site sites[CT_SITES];	/* where waits blocked */
	uint32_t nr_sites;
	struct ct_site rsites[CT_SITES];	/* where the releasing wakes were called */
	uint32_t nr_rsites;
	uint64_t other_sites_ns;
	uint64_t paired;
	uint64_t unpaired;
	uint64_t no_stack;	/* blocked waits without a stack */
	uint64_t stack_missed;	/* ... because BPF could not take it */
	struct ct_wake ring[CT_RING];
	uint32_t ring_pos, ring_nr;
	struct ct_pend pend[CT_PENDING];
	uint32_t nr_pend;
	struct ct_span spans[CT_SPANS];
	uint32_t span_pos, nr_spans;
};

struct ct_row {
	struct objkey key;
	uint32_t pids[CT_PIDS];
	uint32_t nr_pids;	/* distinct pids (may exceed CT_PIDS) */
	uint64_t addr;		/* futex: the word's address in pids[0]; sem: the number */
	bool sem;
	int32_t lock;		/* --locks object holding the word (index), -1 none */
	struct ct_counts tot, cur;
	struct ct_feat feat;
	struct ct_ext *x;
};

/* --locks objects */
struct lk_key {
	uint32_t pid;
	uint32_t _pad;
	uint64_t addr;
};

struct hold_key {
	uint32_t pid;
	uint32_t tid;
	uint64_t addr;
};

struct lk_obj {
	struct lk_key key;	/* the lock: its process and address */
	uint32_t kind;		/* enum ipc_lock_kind, read and write rwlocks as RWLOCK_WR */
	uint64_t mutex;
	uint64_t acquires, tries, busy, timeouts, errors, contended, acquire_ns, acquire_max;
	uint64_t releases, holds, hold_ns, hold_max;
	uint64_t cond_waits, cond_ns, cond_max, signals, broadcasts;
	uint32_t owner;
	struct ct_tid owners[CT_TIDS];
	uint32_t nr_owners;
	struct ct_site lock_sites[CT_SITES];
	uint32_t nr_lock_sites;
	struct ct_site unlock_sites[CT_SITES];	/* unlock, sem_post, cond signal/broadcast */
	uint32_t nr_unlock_sites;
};

struct ct_class {
	enum ct_kind kind;
	char why[200];
};

/* A row as one report shows it. */
struct ct_shown {
	uint32_t row;
	bool wait;		/* waiting for an event: ranks after the locks */
	uint64_t ns;
	struct ct_class cls;
};

struct contention {
	struct sink sink;		/* what the collector calls */
	struct collector *c;
	struct stacks *st;
	struct ktab rows;	/* struct ct_row by objkey */
	struct ktab locks;	/* struct lk_obj by lk_key */
	struct hmap *holds;	/* hold_key -> start of the hold */
	struct vec shown;	/* struct ct_shown: report scratch */
	struct vec order;	/* uint32_t: report scratch */
	uint64_t lock_records;
};

/* contention.c: the busiest entries of the small tables */
const struct ct_tid *ct_tids_top(const struct ct_tid *t, uint32_t nr);
const struct ct_site *ct_sites_top(const struct ct_site *t, uint32_t nr);

/* contention_class.c */
const struct ct_tid *ct_holder(const struct ct_row *row, const struct lk_obj *lk,
			       const char **source);
enum ct_kind ct_lk_kind(uint32_t kind);
/* Classify and rank the rows into ct->shown (final: whole-trace counters); how many. */
size_t ct_rank_rows(struct contention *ct, bool final);
struct lk_obj *ct_row_lock(struct contention *ct, struct ct_row *row);
const char *ct_row_symbol(struct contention *ct, const struct ct_row *row);

/* output/contention_report.c: the sink's report section */
void contention_report(struct sink *sk, struct report *r);

#endif /* IPCTRACE_CONTENTION_INT_H */
