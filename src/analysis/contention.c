// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Lock contention from futex, semop and --locks records.
 *
 * Rows.  One per futex word (objkey) or SysV semaphore (set, number), with
 * whole-trace and per-interval counters.  What only contended locks need
 * (histograms, the waiter/holder/site tables, the pairing state) lives in
 * struct ct_ext, allocated at a row's first blocked wait or effective
 * wake: memory grows with locks, never with events.
 *
 * Pairing.  The wake that ended a blocked wait is the wake on the same
 * key that released somebody (ret > 0) while the wait was in progress,
 * the nearest before its end: its thread is the likely holder, since it
 * released the lock.  Records come in the order their syscalls returned,
 * and a woken waiter often returns before its waker does, so a wait with
 * no candidate yet waits in a short pending list for the wakes that follow.
 * Each wake releases at most as many waits as it reported waking.
 *
 * Classification.  glibc's futex protocols leave fingerprints in the
 * records: a mutex waits for 2 with FUTEX_WAIT (lll_lock_wait: locked,
 * with waiters) and wakes 1; an rwlock waits for 1|FUTEX_USED = 3 with
 * WAIT_BITSET; a condvar waits for 0 on __g_signals with WAIT_BITSET and
 * the any-bit mask, and a signal raises that word by 2 before waking (a
 * broadcast wakes INT_MAX); a sem_t also waits for 0, but a post leaves
 * the value 1; pthread_join waits for the thread id and is woken by the
 * kernel, with no wake record.  IPC_REC_LOCK records, when there are any
 * for the object holding the word, overrule all of that.  Waits for an
 * event (condvar/wait) rank after every lock: a worker parked on a
 * condition variable for seconds is idle, not contended.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/contention.h"
#include "decode/names.h"
#include "lib/hmap.h"
#include "lib/json.h"
#include "lib/ktab.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"

#define CT_HIST		252	/* log2 buckets split in 4: 64 * 4,
				 * minus the empty ones below 4 */
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

static const char *const kind_names[] = {
	[KIND_UNKNOWN] = "unknown",
	[KIND_MUTEX] = "mutex",
	[KIND_CONDVAR] = "condvar/wait",
	[KIND_SEM] = "semaphore",
	[KIND_RWLOCK] = "rwlock",
};

struct ct_hist {
	uint64_t n;
	uint32_t b[CT_HIST];
};

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
	struct ct_hist hist, cur_hist;
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

static const struct sink_ops contention_sink_ops;

struct contention *contention__new(struct collector *c, struct stacks *st)
{
	struct contention *ct = calloc(1, sizeof(*ct));

	if (!ct)
		return NULL;
	ct->sink.ops = &contention_sink_ops;
	ct->c = c;
	ct->st = st;
	vec__init(&ct->shown, sizeof(struct ct_shown));
	vec__init(&ct->order, sizeof(uint32_t));
	ct->holds = hmap__new(sizeof(struct hold_key));
	if (!ct->holds ||
	    ktab__init(&ct->rows, sizeof(struct ct_row), sizeof(struct objkey),
		       offsetof(struct ct_row, key)) ||
	    ktab__init(&ct->locks, sizeof(struct lk_obj), sizeof(struct lk_key),
		       offsetof(struct lk_obj, key))) {
		contention_sink_ops.free(&ct->sink);
		errno = ENOMEM;
		return NULL;
	}
	return ct;
}

struct sink *contention__sink(struct contention *ct)
{
	return &ct->sink;
}

static void contention_free(struct sink *sk)
{
	struct contention *ct = container_of(sk, struct contention, sink);

	if (!ct)
		return;
	vec_for_each(&ct->rows.rows, struct ct_row, row)
		free(row->x);
	hmap__free(ct->holds);
	ktab__release(&ct->rows);
	ktab__release(&ct->locks);
	vec__release(&ct->shown);
	vec__release(&ct->order);
	free(ct);
}

/* ---- histograms: log2 buckets, each split in 4 for percentiles ---- */

static unsigned int hist_idx(uint64_t v)
{
	unsigned int e;

	if (v < 4)
		return v;
	e = 63 - __builtin_clzll(v);
	return (e - 1) * 4 + ((v >> (e - 2)) & 3);
}

static uint64_t hist_lo(unsigned int i)
{
	if (i < 4)
		return i;
	return (uint64_t)(4 + i % 4) << (i / 4 - 1);
}

static uint64_t hist_hi(unsigned int i)
{
	return i + 1 < CT_HIST ? hist_lo(i + 1) - 1 : UINT64_MAX;
}

static void hist_add(struct ct_hist *h, uint64_t v)
{
	h->n++;
	h->b[hist_idx(v)]++;
}

/* The permille-th percentile: the top of its bucket, at most max. */
static uint64_t hist_pct(const struct ct_hist *h, uint64_t max, unsigned int permille)
{
	uint64_t want = (h->n * permille + 999) / 1000, seen = 0;

	if (!h->n)
		return 0;
	for (unsigned int i = 0; i < CT_HIST; i++) {
		seen += h->b[i];
		if (seen >= want && seen)
			return hist_hi(i) < max ? hist_hi(i) : max;
	}
	return max;
}

/* Count of the log2 bucket [2^e, 2^(e+1)) (e = 0 also holds 0). */
static uint64_t hist_log2(const struct ct_hist *h, unsigned int e)
{
	uint64_t n = 0;

	if (e < 2) {
		for (unsigned int i = e ? 2 : 0; i < (e ? 4u : 2u); i++)
			n += h->b[i];
		return n;
	}
	for (unsigned int i = (e - 1) * 4; i < e * 4 && i < CT_HIST; i++)
		n += h->b[i];
	return n;
}

/* ---- small tables: top threads and call sites ---- */

/* Add to tid's entry; a full table drops newcomers (returns false). */
static bool tids_add(struct ct_tid *t, uint32_t *nr, uint32_t cap, uint32_t tid, uint64_t ns)
{
	for (uint32_t i = 0; i < *nr; i++) {
		if (t[i].tid == tid) {
			t[i].n++;
			t[i].ns += ns;
			return true;
		}
	}
	if (*nr >= cap)
		return false;
	t[*nr] = (struct ct_tid){ .tid = tid, .n = 1, .ns = ns };
	(*nr)++;
	return true;
}

static bool sites_add(struct ct_site *t, uint32_t *nr, const char *site, int32_t stack,
		      uint64_t ns)
{
	for (uint32_t i = 0; i < *nr; i++) {
		if (t[i].site == site) {	/* interned: one pointer per name */
			t[i].n++;
			t[i].ns += ns;
			return true;
		}
	}
	if (*nr >= CT_SITES)
		return false;
	t[*nr] = (struct ct_site){ .site = site, .stack = stack, .n = 1, .ns = ns };
	(*nr)++;
	return true;
}

/* The entry with the most time (count when times tie), or NULL. */
static const struct ct_tid *tids_top(const struct ct_tid *t, uint32_t nr)
{
	const struct ct_tid *best = NULL;

	for (uint32_t i = 0; i < nr; i++)
		if (!best || t[i].ns > best->ns || (t[i].ns == best->ns && t[i].n > best->n))
			best = &t[i];
	return best;
}

static const struct ct_site *sites_top(const struct ct_site *t, uint32_t nr)
{
	const struct ct_site *best = NULL;

	for (uint32_t i = 0; i < nr; i++)
		if (!best || t[i].ns > best->ns || (t[i].ns == best->ns && t[i].n > best->n))
			best = &t[i];
	return best;
}

/* ---- rows ---- */

static struct ct_row *row_get(struct contention *ct, const struct objkey *k, uint32_t pid,
			      uint64_t addr)
{
	struct ct_row *row;
	bool created;

	row = ktab__get(&ct->rows, k, &created);
	if (!row)
		return NULL;
	if (created) {
		row->addr = addr;
		row->sem = k->kind == IPC_OBJ_SEM;
		row->lock = -1;
	}
	for (uint32_t i = 0; i < row->nr_pids && i < CT_PIDS; i++)
		if (row->pids[i] == pid)
			return row;
	if (row->nr_pids < CT_PIDS)
		row->pids[row->nr_pids] = pid;
	row->nr_pids++;
	return row;
}

static struct ct_ext *row_ext(struct ct_row *row)
{
	if (!row->x)
		row->x = calloc(1, sizeof(*row->x));
	return row->x;
}

/* How a wait ended, for both counter sets. */
static void count_wait(struct ct_counts *c, const struct ipc_hdr *h, bool blocked)
{
	c->waits++;
	if (blocked) {
		c->blocked++;
		c->blocked_ns += h->dur_ns;
		if (h->dur_ns > c->max_ns)
			c->max_ns = h->dur_ns;
	}
	if (h->ret == -ETIMEDOUT)
		c->timeouts++;
	else if (h->ret == -EAGAIN)
		c->eagain++;
	else if (h->ret == -EINTR)
		c->eintr++;
	else if (h->ret < 0)
		c->errors++;
}

static void count_wake(struct ct_counts *c, int64_t woken, bool known)
{
	unsigned int b = 0;

	c->wakes++;
	if (!known)
		return;
	c->woken += woken > 0 ? woken : 0;
	if (woken > 0)
		b = 64 - __builtin_clzll(woken);	/* 1 -> 1, 2-3 -> 2, 4-7 -> 3... */
	c->wake_buckets[b < CT_WAKE_BUCKETS ? b : CT_WAKE_BUCKETS - 1]++;
}

/*
 * The most waits blocked at once, from the recent ones: a new wait counts
 * those that were blocked when it started, and is counted by those that
 * started while it was blocked.
 */
static uint32_t spans_add(struct ct_ext *x, uint64_t start, uint64_t end)
{
	uint32_t cnt = 1, max = 0;

	for (uint32_t i = 0; i < x->nr_spans; i++) {
		struct ct_span *p = &x->spans[i];

		if (p->start <= start && start < p->end)
			cnt++;
		if (start <= p->start && p->start < end && ++p->cnt > max)
			max = p->cnt;
	}
	x->spans[x->span_pos] = (struct ct_span){ .start = start, .end = end, .cnt = cnt };
	x->span_pos = (x->span_pos + 1) % CT_SPANS;
	if (x->nr_spans < CT_SPANS)
		x->nr_spans++;
	return cnt > max ? cnt : max;
}

/* ---- pairing waits with wakes ---- */

static void pair(struct ct_ext *x, uint32_t waker, uint64_t ns)
{
	x->paired++;
	tids_add(x->wakers, &x->nr_wakers, CT_TIDS, waker, ns);
}

/* A wake that may have ended a wait [start, end]: it ran while the wait was on. */
static bool may_release(const struct ct_wake *w, uint64_t start, uint64_t end)
{
	return w->ts <= end && w->end >= start;
}

/* The wake, among those seen, that most likely ended tid's wait [start, end], or NULL. */
static struct ct_wake *ring_match(struct ct_ext *x, uint32_t tid, uint64_t start, uint64_t end)
{
	struct ct_wake *best = NULL;

	for (uint32_t i = 0; i < x->ring_nr; i++) {
		struct ct_wake *w = &x->ring[i];

		if (!w->left || w->tid == tid || !may_release(w, start, end))
			continue;
		if (!best || w->ts > best->ts)
			best = w;
	}
	return best;
}

static void wait_pair(struct ct_ext *x, const struct ipc_hdr *h)
{
	uint64_t end = h->ts_ns + h->dur_ns;
	struct ct_wake *w = ring_match(x, h->tid, h->ts_ns, end);

	if (w) {
		w->left--;
		pair(x, w->tid, h->dur_ns);
		return;
	}
	if (x->nr_pend == CT_PENDING) {	/* the oldest will not be paired any more */
		x->unpaired++;
		memmove(&x->pend[0], &x->pend[1], (CT_PENDING - 1) * sizeof(x->pend[0]));
		x->nr_pend--;
	}
	x->pend[x->nr_pend++] = (struct ct_pend){ .start = h->ts_ns, .end = end, .tid = h->tid };
}

/* A wake that released `left` threads: pair it with waits that came first. */
static void wake_pair(struct ct_ext *x, const struct ipc_hdr *h, uint32_t left)
{
	struct ct_wake w = { .ts = h->ts_ns, .end = h->ts_ns + h->dur_ns, .tid = h->tid };
	uint32_t i = 0;

	while (i < x->nr_pend && left) {
		struct ct_pend *p = &x->pend[i];

		if (!may_release(&w, p->start, p->end) || p->tid == h->tid) {
			i++;
			continue;
		}
		pair(x, h->tid, p->end - p->start);
		left--;
		memmove(p, p + 1, (x->nr_pend - i - 1) * sizeof(*p));
		x->nr_pend--;
	}
	w.left = left;
	x->ring[x->ring_pos] = w;
	x->ring_pos = (x->ring_pos + 1) % CT_RING;
	if (x->ring_nr < CT_RING)
		x->ring_nr++;
}

/* ---- events ---- */

/* Where a blocked wait (or a releasing wake) was called from. */
static void note_site(struct contention *ct, struct ct_ext *x, const struct ipc_hdr *h,
		      bool release)
{
	int idx = stacks__get(ct->st, h->pid, h->stack_id);
	const char *site;

	if (idx < 0) {
		if (!release) {
			x->no_stack++;
			x->stack_missed += !!(h->flags & IPC_EVF_STACK_MISSED);
		}
		return;
	}
	site = stacks__site(ct->st, idx);
	if (release)
		sites_add(x->rsites, &x->nr_rsites, site, idx, h->dur_ns);
	else if (!sites_add(x->sites, &x->nr_sites, site, idx, h->dur_ns))
		x->other_sites_ns += h->dur_ns;
}

static int row_wait(struct contention *ct, struct ct_row *row, const struct ipc_hdr *h)
{
	bool blocked = h->flags & IPC_EVF_BLOCKED;
	struct ct_ext *x;
	uint32_t most;

	count_wait(&row->tot, h, blocked);
	count_wait(&row->cur, h, blocked);
	if (!blocked)
		return 0;
	x = row_ext(row);
	if (!x)
		return -ENOMEM;
	hist_add(&x->hist, h->dur_ns);
	hist_add(&x->cur_hist, h->dur_ns);
	if (!tids_add(x->waiters, &x->nr_waiters, CT_WAITERS, h->tid, h->dur_ns))
		x->more_waiters = true;
	note_site(ct, x, h, false);
	most = spans_add(x, h->ts_ns, h->ts_ns + h->dur_ns);
	if (most > row->tot.max_waiters)
		row->tot.max_waiters = most;
	if (most > row->cur.max_waiters)
		row->cur.max_waiters = most;
	if (h->ret == 0)	/* woken, so somebody woke it */
		wait_pair(x, h);
	return 0;
}

/* A wake (or a semaphore increment) that released `released` threads. */
static int row_wake(struct contention *ct, struct ct_row *row, const struct ipc_hdr *h,
		    int64_t released, bool known)
{
	struct ct_ext *x;

	count_wake(&row->tot, released, known);
	count_wake(&row->cur, released, known);
	if (released <= 0)
		return 0;
	x = row_ext(row);
	if (!x)
		return -ENOMEM;
	if (known)
		note_site(ct, x, h, true);
	wake_pair(x, h, released > UINT32_MAX ? UINT32_MAX : (uint32_t)released);
	return 0;
}

/* The futex(2) command (FUTEX_CMD_MASK), or -1 for the futex2 calls. */
static int futex_cmd(const struct ipc_ev_futex *f)
{
	return f->hdr.sys == IPC_SYS_FUTEX ? (int)(f->cmd & FUTEX_CMD_MASK) : -1;
}

static void feat_wait(struct ct_feat *ft, const struct ipc_ev_futex *f)
{
	int cmd = futex_cmd(f);
	bool bitset = cmd == FUTEX_WAIT_BITSET || f->hdr.sys == IPC_SYS_FUTEX_WAIT;

	if (f->val == 2) {
		ft->wait_v2++;
		ft->wait_v2_plain += cmd == FUTEX_WAIT;
	} else if (f->val == RW_WAIT_VAL && bitset) {
		ft->wait_v3++;
	} else if (f->val == 0 && bitset && f->val3 == BITSET_ANY) {
		ft->wait_v0++;
	} else if (f->val > RW_WAIT_VAL && (f->fflags & IPC_FUTEX_WORD_OK) && f->word == f->val) {
		ft->wait_own++;
	}
}

static void feat_wake(struct ct_feat *ft, const struct ipc_ev_futex *f)
{
	if (f->hdr.op == IPC_OP_FUTEX_REQUEUE)
		ft->requeue++;
	if (f->hdr.op != IPC_OP_FUTEX_WAKE)
		return;
	ft->wake_one += f->val == 1;
	ft->wake_all += f->val == WAKE_ALL;
	if (!(f->fflags & IPC_FUTEX_WORD_OK) || !f->word)
		return;
	if (f->word & 1)
		ft->wake_odd++;
	else
		ft->wake_even++;
}

/* PI: the tid in the word is the owner the waiter waited for. */
static void pi_owner(struct ct_row *row, const struct ipc_ev_futex *f)
{
	uint32_t owner = f->word & FUTEX_TID_MASK;

	if (!(f->fflags & IPC_FUTEX_WORD_OK) || !owner || !(f->hdr.flags & IPC_EVF_BLOCKED) ||
	    !row->x)
		return;
	tids_add(row->x->owners, &row->x->nr_owners, CT_TIDS, owner, f->hdr.dur_ns);
}

static int futex_event(struct contention *ct, const struct ipc_ev_futex *f)
{
	const struct ipc_hdr *h = &f->hdr;
	struct ct_row *row;
	struct objkey k;
	int err;

	if (objkey__from_rec(h, &k))
		return 0;
	row = row_get(ct, &k, h->pid, f->uaddr);
	if (!row)
		return -ENOMEM;
	switch (h->op) {
	case IPC_OP_FUTEX_LOCK_PI:
		row->feat.pi++;
		err = row_wait(ct, row, h);
		pi_owner(row, f);
		return err;
	case IPC_OP_FUTEX_WAIT:
	case IPC_OP_FUTEX_WAITV:
	case IPC_OP_FUTEX_WAIT_REQUEUE_PI:
		feat_wait(&row->feat, f);
		return row_wait(ct, row, h);
	case IPC_OP_FUTEX_UNLOCK_PI:
		/* returns 0, and the kernel hands the lock to the top waiter if any */
		row->feat.pi++;
		return row_wake(ct, row, h, h->ret == 0, false);
	case IPC_OP_FUTEX_TRYLOCK_PI:
	case IPC_OP_FUTEX_CMP_REQUEUE_PI:
		row->feat.pi++;
		return 0;
	case IPC_OP_FUTEX_WAKE:
	case IPC_OP_FUTEX_WAKE_OP:
	case IPC_OP_FUTEX_REQUEUE:
		feat_wake(&row->feat, f);
		return row_wake(ct, row, h, h->ret, true);
	default:
		return 0;
	}
}

/* semop: a decrement or a wait for zero waits; an increment posts. */
static int sem_event(struct contention *ct, const struct ipc_ev_sem *s)
{
	uint32_t n = s->nsops < IPC_SEM_MAX_SOPS ? s->nsops : IPC_SEM_MAX_SOPS;
	struct ipc_hdr hc = s->hdr, *h = &hc;

	if (h->op != IPC_OP_SEM_OP || s->semid < 0)
		return 0;
	/* semtimedop reports a timeout as EAGAIN, like IPC_NOWAIT */
	if (h->ret == -EAGAIN && s->timeout_ns >= 0 && (h->flags & IPC_EVF_BLOCKED))
		h->ret = -ETIMEDOUT;
	for (uint32_t i = 0; i < n; i++) {
		struct objkey k = { .kind = IPC_OBJ_SEM, .a = (uint32_t)s->semid,
				    .b = s->sem_num[i] };
		struct ct_row *row = row_get(ct, &k, h->pid, s->sem_num[i]);
		int err;

		if (!row)
			return -ENOMEM;
		row->feat.undo += !!(s->sem_flg[i] & SEM_UNDO_FLAG);
		if (s->sem_op[i] > 0)
			err = row_wake(ct, row, h, h->ret == 0 ? s->sem_op[i] : 0, false);
		else
			err = row_wait(ct, row, h);
		if (err)
			return err;
	}
	return 0;
}

/* ---- --locks records ---- */

static struct lk_obj *lk_get(struct contention *ct, uint32_t pid, uint64_t addr, uint32_t kind)
{
	struct lk_key k = { .pid = pid, .addr = addr };
	struct lk_obj *o;
	bool created;

	o = ktab__get(&ct->locks, &k, &created);
	if (o && created)
		o->kind = kind == IPC_LOCK_RWLOCK_RD ? IPC_LOCK_RWLOCK_WR : kind;
	return o;
}

static int hold_start(struct contention *ct, uint32_t pid, uint32_t tid, uint64_t addr,
		      uint64_t ts)
{
	struct hold_key k = { .pid = pid, .tid = tid, .addr = addr };

	return hmap__put(ct->holds, &k, ts);
}

/* tid let go of o at ts: one hold, if its start was seen. */
static void hold_end(struct contention *ct, struct lk_obj *o, uint32_t tid, uint64_t ts)
{
	struct hold_key k = { .pid = o->key.pid, .tid = tid, .addr = o->key.addr };
	uint64_t since, ns;

	if (o->owner == tid)
		o->owner = 0;
	if (hmap__get(ct->holds, &k, &since))
		return;
	hmap__remove(ct->holds, &k);
	ns = ts > since ? ts - since : 0;
	o->holds++;
	o->hold_ns += ns;
	if (ns > o->hold_max)
		o->hold_max = ns;
	tids_add(o->owners, &o->nr_owners, CT_TIDS, tid, ns);
}

static const char *call_site(struct contention *ct, const struct ipc_ev_lock *l)
{
	return l->call_ip ? stacks__code_name(ct->st, l->hdr.pid, l->call_ip) : NULL;
}

static int lock_acquired(struct contention *ct, struct lk_obj *o, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	const char *site = call_site(ct, l);

	o->acquires++;
	o->acquire_ns += h->dur_ns;
	if (h->dur_ns > o->acquire_max)
		o->acquire_max = h->dur_ns;
	o->contended += !!(h->flags & IPC_EVF_BLOCKED);
	if (site)
		sites_add(o->lock_sites, &o->nr_lock_sites, site, -1, h->dur_ns);
	if (o->kind == IPC_LOCK_SEM)	/* a count, not an owner */
		return 0;
	o->owner = h->tid;
	return hold_start(ct, h->pid, h->tid, o->key.addr, h->ts_ns + h->dur_ns);
}

/* pthread_* return an error number, sem_* -1: either way nonzero failed. */
static int lock_acquire(struct contention *ct, struct lk_obj *o, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;

	if (h->op == IPC_OP_LOCK_TRY)
		o->tries++;
	if (h->ret == 0)
		return lock_acquired(ct, o, l);
	if (h->op == IPC_OP_LOCK_TRY)
		o->busy++;
	else if (h->ret == ETIMEDOUT)
		o->timeouts++;
	else
		o->errors++;
	return 0;
}

/* pthread_cond_wait: unlocks the mutex, waits, and returns with it locked again. */
static int cond_wait(struct contention *ct, struct lk_obj *o, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	const char *site = call_site(ct, l);
	struct lk_obj *m;

	o->cond_waits++;
	o->cond_ns += h->dur_ns;
	if (h->dur_ns > o->cond_max)
		o->cond_max = h->dur_ns;
	o->mutex = l->addr2;
	if (site)
		sites_add(o->lock_sites, &o->nr_lock_sites, site, -1, h->dur_ns);
	if (!l->addr2)
		return 0;
	m = lk_get(ct, h->pid, l->addr2, IPC_LOCK_MUTEX);
	if (!m)
		return -ENOMEM;
	hold_end(ct, m, h->tid, h->ts_ns);
	m->owner = h->tid;
	return hold_start(ct, h->pid, h->tid, m->key.addr, h->ts_ns + h->dur_ns);
}

static int lock_event(struct contention *ct, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	struct lk_obj *o = lk_get(ct, h->pid, l->addr, l->lock_kind);
	const char *site;

	if (!o)
		return -ENOMEM;
	ct->lock_records++;
	switch (h->op) {
	case IPC_OP_LOCK_ACQUIRE:
	case IPC_OP_LOCK_TRY:
		return lock_acquire(ct, o, l);
	case IPC_OP_LOCK_RELEASE:
		o->releases++;
		site = call_site(ct, l);
		if (site)
			sites_add(o->unlock_sites, &o->nr_unlock_sites, site, -1, 0);
		if (o->kind != IPC_LOCK_SEM)
			hold_end(ct, o, h->tid, h->ts_ns);
		return 0;
	case IPC_OP_COND_WAIT:
		return cond_wait(ct, o, l);
	case IPC_OP_COND_SIGNAL:
	case IPC_OP_COND_BROADCAST:
		o->signals += h->op == IPC_OP_COND_SIGNAL;
		o->broadcasts += h->op == IPC_OP_COND_BROADCAST;
		site = call_site(ct, l);
		if (site)	/* a condvar's "unlock" is its signal */
			sites_add(o->unlock_sites, &o->nr_unlock_sites, site, -1, 0);
		return 0;
	default:
		return 0;
	}
}

static int contention_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct contention *ct = container_of(sk, struct contention, sink);

	switch (h->type) {
	case IPC_REC_FUTEX:
		return futex_event(ct, (const struct ipc_ev_futex *)h);
	case IPC_REC_SEM:
		return sem_event(ct, (const struct ipc_ev_sem *)h);
	case IPC_REC_LOCK:
		return lock_event(ct, (const struct ipc_ev_lock *)h);
	default:
		return 0;
	}
}

static void contention_interval_end(struct sink *sk)
{
	struct contention *ct = container_of(sk, struct contention, sink);

	vec_for_each(&ct->rows.rows, struct ct_row, row) {
		memset(&row->cur, 0, sizeof(row->cur));
		if (row->x)
			memset(&row->x->cur_hist, 0, sizeof(row->x->cur_hist));
	}
}

/* ---- classification ---- */

static uint32_t lk_size(uint32_t kind)
{
	switch (kind) {
	case IPC_LOCK_MUTEX:
		return MUTEX_SIZE;
	case IPC_LOCK_COND:
		return COND_SIZE;
	case IPC_LOCK_SEM:
		return SEM_SIZE;
	default:
		return RWLOCK_SIZE;
	}
}

/* The --locks object whose memory holds the row's futex word, or NULL. */
static struct lk_obj *row_lock(struct contention *ct, struct ct_row *row)
{
	if (row->sem || !ktab__len(&ct->locks))
		return NULL;
	if (row->lock < 0) {
		for (uint64_t off = 0; off < RWLOCK_SIZE && off <= row->addr; off += 4) {
			struct lk_key k = { .pid = row->pids[0], .addr = row->addr - off };
			const struct lk_obj *o = ktab__find(&ct->locks, &k);

			if (o && off < lk_size(o->kind)) {
				row->lock = ktab__index(&ct->locks, o);
				break;
			}
		}
	}
	return row->lock >= 0 ? ktab__at(&ct->locks, row->lock) : NULL;
}

static enum ct_kind lk_kind(uint32_t kind)
{
	switch (kind) {
	case IPC_LOCK_MUTEX:
		return KIND_MUTEX;
	case IPC_LOCK_COND:
		return KIND_CONDVAR;
	case IPC_LOCK_SEM:
		return KIND_SEM;
	default:
		return KIND_RWLOCK;
	}
}

static void set_class(struct ct_class *c, enum ct_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_class(struct ct_class *c, enum ct_kind kind, const char *fmt, ...)
{
	va_list ap;

	c->kind = kind;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* The glibc protocols of the header comment, strongest first. */
static bool classify_futex(const struct ct_feat *f, struct ct_class *c)
{
	if (f->pi)
		set_class(c, KIND_MUTEX, "%llu PI futex operations: a priority-inheritance mutex, "
			  "the owner's tid in its word", (unsigned long long)f->pi);
	else if (f->wait_v3)
		set_class(c, KIND_RWLOCK, "%llu bitset waits for 3 (glibc rwlock: 1|FUTEX_USED)",
			  (unsigned long long)f->wait_v3);
	else if (f->wait_v2 && f->wait_v2 >= f->wait_v0)
		set_class(c, KIND_MUTEX, "%llu waits for 2 (%llu FUTEX_WAIT: glibc mutex locked, "
			  "with waiters), %llu wakes of 1", (unsigned long long)f->wait_v2,
			  (unsigned long long)f->wait_v2_plain, (unsigned long long)f->wake_one);
	else if (f->wake_all || f->requeue)
		set_class(c, KIND_CONDVAR, "%llu wakes of all (broadcast), %llu requeues",
			  (unsigned long long)f->wake_all, (unsigned long long)f->requeue);
	else if (f->wait_v0 && f->wake_even > f->wake_odd)
		set_class(c, KIND_CONDVAR, "%llu any-bit bitset waits for 0, %llu wakes after the "
			  "word rose by 2 (glibc condvar __g_signals)",
			  (unsigned long long)f->wait_v0, (unsigned long long)f->wake_even);
	else if (f->wait_v0 && f->wake_odd)
		set_class(c, KIND_SEM, "%llu any-bit bitset waits for 0, %llu posts leaving an odd "
			  "value (glibc sem_t)", (unsigned long long)f->wait_v0,
			  (unsigned long long)f->wake_odd);
	else
		return false;
	return true;
}

static void classify(struct contention *ct, struct ct_row *row, struct ct_class *c)
{
	const struct lk_obj *lk = row_lock(ct, row);
	uint64_t p50 = row->x ? hist_pct(&row->x->hist, row->tot.max_ns, 500) : 0;
	char d[32];

	if (row->sem) {
		set_class(c, KIND_SEM, "SysV semaphore (semop)%s",
			  row->feat.undo ? ", SEM_UNDO" : "");
	} else if (lk) {
		set_class(c, lk_kind(lk->kind), "--locks: pthread %s calls on the object at 0x%llx "
			  "(futex word at +%llu)", ipc_lock_kind_name(lk->kind),
			  (unsigned long long)lk->key.addr, (unsigned long long)(row->addr - lk->key.addr));
	} else if (classify_futex(&row->feat, c)) {
		return;
	} else if (row->feat.wait_own && !row->tot.woken) {
		set_class(c, KIND_CONDVAR, "%llu waits for the word's own value "
			  "(a thread id) and no user-space wake: a thread exit (pthread_join)",
			  (unsigned long long)row->feat.wait_own);
	} else if (p50 >= IDLE_WAIT_NS) {
		fmt_duration(d, sizeof(d), p50);
		set_class(c, KIND_CONDVAR, "long idle waits (median %s) without a lock pattern", d);
	} else {
		set_class(c, KIND_UNKNOWN, "no glibc lock pattern in %llu waits, %llu wakes",
			  (unsigned long long)row->tot.waits, (unsigned long long)row->tot.wakes);
	}
}

/* ---- queries ---- */

/* Who held it: PI word owners, then --locks owners, then the wakers. */
static const struct ct_tid *holder(const struct ct_row *row, const struct lk_obj *lk,
				   const char **source)
{
	const struct ct_tid *t = NULL;

	if (row->x && (t = tids_top(row->x->owners, row->x->nr_owners)))
		*source = "pi-owner";
	else if (lk && (t = tids_top(lk->owners, lk->nr_owners)))
		*source = "locks";
	else if (row->x && (t = tids_top(row->x->wakers, row->x->nr_wakers)))
		*source = "waker";
	return t;
}

static const char *row_symbol(struct contention *ct, const struct ct_row *row)
{
	if (row->sem || !row->nr_pids)
		return NULL;
	return stacks__data_name(ct->st, row->pids[0], row->addr);
}

static void info_fill(struct contention *ct, struct ct_row *row, struct contention_info *out)
{
	const struct ct_counts *t = &row->tot;
	const struct lk_obj *lk = row_lock(ct, row);
	const struct ct_site *site = row->x ? sites_top(row->x->sites, row->x->nr_sites) : NULL;
	const struct ct_tid *h = holder(row, lk, &out->holder_source);
	struct ct_class cls;

	classify(ct, row, &cls);
	out->kind = kind_names[cls.kind];
	snprintf(out->evidence, sizeof(out->evidence), "%s", cls.why);
	out->symbol = row_symbol(ct, row);
	out->site = site ? site->site : NULL;
	out->waits = t->waits;
	out->blocked = t->blocked;
	out->blocked_ns = t->blocked_ns;
	out->max_ns = t->max_ns;
	if (row->x) {
		out->p50_ns = hist_pct(&row->x->hist, t->max_ns, 500);
		out->p90_ns = hist_pct(&row->x->hist, t->max_ns, 900);
		out->p99_ns = hist_pct(&row->x->hist, t->max_ns, 990);
		out->waiters = row->x->nr_waiters;
		out->paired = row->x->paired;
	}
	out->timeouts = t->timeouts;
	out->eagain = t->eagain;
	out->wakes = t->wakes;
	out->woken = t->woken;
	out->max_waiters = t->max_waiters;
	out->holder_tid = h ? h->tid : 0;
	out->holder_count = h ? h->n : 0;
	out->locks = lk;
	if (lk) {
		out->holds = lk->holds;
		out->hold_ns = lk->hold_ns;
		out->hold_max_ns = lk->hold_max;
	}
}

static size_t rank_rows(struct contention *ct, bool final);

int contention__info(struct contention *ct, const struct objkey *k, struct contention_info *out)
{
	struct ct_row *row = ktab__find(&ct->rows, k);
	size_t n, idx;

	memset(out, 0, sizeof(*out));
	out->rank = -1;
	if (!row)
		return -ENOENT;
	idx = ktab__index(&ct->rows, row);
	info_fill(ct, row, out);
	n = rank_rows(ct, true);
	for (size_t i = 0; i < n; i++)
		if (vec_at(&ct->shown, struct ct_shown, i)->row == idx)
			out->rank = i;
	return 0;
}

int contention__lock_info(struct contention *ct, uint32_t pid, uint64_t addr,
			  struct contention_lock_info *out)
{
	struct lk_key k = { .pid = pid, .addr = addr };
	const struct ct_site *s;
	const struct ct_tid *t;
	const struct lk_obj *o = ktab__find(&ct->locks, &k);

	memset(out, 0, sizeof(*out));
	if (!o)
		return -ENOENT;
	out->kind = kind_names[lk_kind(o->kind)];
	out->acquires = o->acquires;
	out->tries = o->tries;
	out->busy = o->busy;
	out->timeouts = o->timeouts;
	out->contended = o->contended;
	out->acquire_ns = o->acquire_ns;
	out->releases = o->releases;
	out->holds = o->holds;
	out->hold_ns = o->hold_ns;
	out->hold_max_ns = o->hold_max;
	out->cond_waits = o->cond_waits;
	out->cond_ns = o->cond_ns;
	out->signals = o->signals;
	out->broadcasts = o->broadcasts;
	out->mutex = o->mutex;
	out->owner = o->owner;
	t = tids_top(o->owners, o->nr_owners);
	out->top_owner = t ? t->tid : 0;
	s = sites_top(o->lock_sites, o->nr_lock_sites);
	out->lock_site = s ? s->site : NULL;
	s = sites_top(o->unlock_sites, o->nr_unlock_sites);
	out->unlock_site = s ? s->site : NULL;
	return 0;
}

/* ---- ranking ---- */

static int cmp_shown(const void *a, const void *b)
{
	const struct ct_shown *x = a, *y = b;

	if (x->wait != y->wait)
		return x->wait ? 1 : -1;
	if (x->ns != y->ns)
		return x->ns < y->ns ? 1 : -1;
	return x->row < y->row ? -1 : 1;
}

/* Rows with blocked waits (in the interval, or ever), ranked, in ct->shown. */
static size_t rank_rows(struct contention *ct, bool final)
{
	vec__clear(&ct->shown);
	for (size_t i = 0; i < ktab__len(&ct->rows); i++) {
		struct ct_row *row = ktab__at(&ct->rows, i);
		const struct ct_counts *c = final ? &row->tot : &row->cur;
		struct ct_shown *s;

		if (!c->blocked)
			continue;
		s = vec__push(&ct->shown);
		if (!s)
			break;
		s->row = i;
		s->ns = c->blocked_ns;
		classify(ct, row, &s->cls);
		s->wait = s->cls.kind == KIND_CONDVAR;
	}
	if (ct->shown.len)
		qsort(ct->shown.data, ct->shown.len, sizeof(struct ct_shown), cmp_shown);
	return ct->shown.len;
}

/* ---- report: text ---- */

static size_t limit(size_t n, int top)
{
	return top > 0 && (size_t)top < n ? (size_t)top : n;
}

static void who(char *buf, size_t len, const struct proctab *pt, uint32_t pid)
{
	snprintf(buf, len, "%s[%u]", proctab__comm(pt, pid), pid);
}

static void thread_name(char *buf, size_t len, const struct proctab *pt, uint32_t tid)
{
	const struct thread_info *t = proctab__thread(pt, tid);

	snprintf(buf, len, "%s[%u]", t ? t->comm : "?", tid);
}

/* The lock column: its symbol, else its canonical id. */
static void lock_name(struct contention *ct, const struct ct_row *row, char *buf, size_t len)
{
	const char *sym = row_symbol(ct, row);

	if (row->sem)
		snprintf(buf, len, "sem:%llu[%llu]", (unsigned long long)row->key.a,
			 (unsigned long long)row->key.b);
	else if (sym)
		snprintf(buf, len, "%s", sym);
	else
		objkey__format(buf, len, &row->key, NULL, NULL);
}

static void procs_text(char *buf, size_t len, const struct proctab *pt, const struct ct_row *row)
{
	who(buf, len, pt, row->pids[0]);
	if (row->nr_pids > 1) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "+%u", row->nr_pids - 1);
	}
}

static void row_main_text(struct contention *ct, const struct ct_row *row,
			  const struct ct_shown *s, struct report *r)
{
	const struct ct_counts *c = r->final ? &row->tot : &row->cur;
	const struct ct_hist *h = r->final ? &row->x->hist : &row->x->cur_hist;
	char proc[48], name[NAME_LEN], d[5][32];

	procs_text(proc, sizeof(proc), collector__procs_const(ct->c), row);
	lock_name(ct, row, name, sizeof(name));
	fmt_duration(d[0], sizeof(d[0]), c->blocked_ns);
	fmt_duration(d[1], sizeof(d[1]), c->blocked_ns / c->blocked);
	fmt_duration(d[2], sizeof(d[2]), hist_pct(h, c->max_ns, 500));
	fmt_duration(d[3], sizeof(d[3]), hist_pct(h, c->max_ns, 990));
	fmt_duration(d[4], sizeof(d[4]), c->max_ns);
	fprintf(r->out, "%-13s %-22s %-28s %7llu %10s %9s %9s %9s %9s %3u%s/%u\n",
		kind_names[s->cls.kind], proc, name, (unsigned long long)c->blocked, d[0], d[1],
		d[2], d[3], d[4], row->x->nr_waiters, row->x->more_waiters ? "+" : "",
		c->max_waiters);
}

/* Where they waited, and who let them go. */
static void row_who_text(struct contention *ct, struct ct_row *row, struct report *r)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const struct ct_ext *x = row->x;
	const struct ct_site *site = sites_top(x->sites, x->nr_sites);
	const char *source = NULL;
	const struct ct_tid *h = holder(row, row_lock(ct, row), &source);
	char name[48];

	fprintf(r->out, "    waiting in %s", site ? site->site : "(no stack)");
	if (site && row->tot.blocked_ns)
		fprintf(r->out, " (%.0f%% of the time)", 100.0 * site->ns / row->tot.blocked_ns);
	if (h) {
		thread_name(name, sizeof(name), pt, h->tid);
		if (!strcmp(source, "waker"))
			fprintf(r->out, "   likely holder %s (released %u waits)", name, h->n);
		else if (!strcmp(source, "locks"))
			fprintf(r->out, "   holder %s (--locks owner, %u holds)", name, h->n);
		else
			fprintf(r->out, "   holder %s (owner in the PI word, %u waits)",
				name, h->n);
	}
	site = sites_top(x->rsites, x->nr_rsites);
	if (site)
		fprintf(r->out, " releasing in %s", site->site);
	fputc('\n', r->out);
}

static void row_counts_text(const struct ct_row *row, struct report *r)
{
	static const char *const wb[CT_WAKE_BUCKETS] = { "0", "1", "2-3", "4-7", "8-15", "16+" };
	const struct ct_counts *c = &row->tot;
	char id[NAME_LEN];

	if (row->sem)
		snprintf(id, sizeof(id), "sem:%llu[%llu]", (unsigned long long)row->key.a,
			 (unsigned long long)row->key.b);
	else
		objkey__format(id, sizeof(id), &row->key, NULL, NULL);
	fprintf(r->out, "    %s: wakes %llu", id, (unsigned long long)c->wakes);
	if (!row->sem && c->wakes) {
		fprintf(r->out, " (woke");
		for (int i = 0; i < CT_WAKE_BUCKETS; i++)
			if (c->wake_buckets[i])
				fprintf(r->out, " %s:%llu", wb[i],
					(unsigned long long)c->wake_buckets[i]);
		fprintf(r->out, ")");
	}
	fprintf(r->out, "  waits %llu  timeouts %llu  EAGAIN %llu  EINTR %llu  paired %llu"
		"  unpaired %llu\n", (unsigned long long)c->waits,
		(unsigned long long)c->timeouts, (unsigned long long)c->eagain,
		(unsigned long long)c->eintr, (unsigned long long)row->x->paired,
		(unsigned long long)(row->x->unpaired + row->x->nr_pend));
}

static void row_hist_text(const struct ct_hist *h, FILE *out)
{
	char lo[32], hi[32];

	fprintf(out, "    wait histogram:");
	for (unsigned int e = 0; e < 64; e++) {
		uint64_t n = hist_log2(h, e);

		if (!n)
			continue;
		fmt_duration(lo, sizeof(lo), e ? 1ull << e : 0);
		fmt_duration(hi, sizeof(hi), 2ull << e);
		fprintf(out, " [%s,%s):%llu", lo, hi, (unsigned long long)n);
	}
	fputc('\n', out);
}

static void row_locks_text(const struct lk_obj *lk, FILE *out)
{
	const struct ct_site *site;
	char avg[32], max[32];

	if (lk->kind == IPC_LOCK_COND) {
		fmt_duration(avg, sizeof(avg), lk->cond_ns);
		site = sites_top(lk->lock_sites, lk->nr_lock_sites);
		fprintf(out, "    --locks: %llu waits (%s) in %s, %llu signals, %llu broadcasts\n",
			(unsigned long long)lk->cond_waits, avg, site ? site->site : "?",
			(unsigned long long)lk->signals, (unsigned long long)lk->broadcasts);
		return;
	}
	fmt_duration(avg, sizeof(avg), lk->holds ? lk->hold_ns / lk->holds : 0);
	fmt_duration(max, sizeof(max), lk->hold_max);
	site = sites_top(lk->lock_sites, lk->nr_lock_sites);
	fprintf(out, "    --locks: %llu acquisitions (%llu contended), %llu holds avg %s max %s, "
		"taken most in %s\n", (unsigned long long)lk->acquires,
		(unsigned long long)lk->contended, (unsigned long long)lk->holds, avg, max,
		site ? site->site : "?");
}

static void report_text(struct contention *ct, struct report *r, size_t n)
{
	size_t shown = limit(n, r->top);
	bool waits = false;

	fprintf(r->out, "\nCONTENDED LOCKS (waits that blocked, by time blocked; condition waits "
		"last)\n");
	if (!n) {
		fprintf(r->out, "  none\n");
		return;
	}
	fprintf(r->out, "%-13s %-22s %-28s %7s %10s %9s %9s %9s %9s %s\n", "KIND", "PROCESS",
		"LOCK", "BLOCKED", "TOTAL", "AVG", "P50", "P99", "MAX", "WAITERS/MAX");
	for (size_t i = 0; i < shown; i++) {
		const struct ct_shown *s = vec__at(&ct->shown, i);
		struct ct_row *row = ktab__at(&ct->rows, s->row);
		const struct lk_obj *lk = row_lock(ct, row);

		if (s->wait && !waits) {
			fprintf(r->out, "  -- waiting for an event (idle, not contention) --\n");
			waits = true;
		}
		row_main_text(ct, row, s, r);
		row_who_text(ct, row, r);
		if (!r->final)
			continue;
		row_counts_text(row, r);
		fprintf(r->out, "    kind: %s\n", s->cls.why);
		row_hist_text(&row->x->hist, r->out);
		if (lk)
			row_locks_text(lk, r->out);
	}
	if (shown < n)
		fprintf(r->out, "  (%zu more)\n", n - shown);
}

/* ---- report: JSON ---- */

static void tids_json(struct jw *w, const char *key, const struct ct_tid *t, uint32_t nr,
		      const struct proctab *pt)
{
	jw__key(w, key);
	jw__arr_begin(w);
	for (uint32_t i = 0; i < nr; i++) {
		const struct thread_info *ti = proctab__thread(pt, t[i].tid);

		jw__obj_begin(w);
		jw__kv_u64(w, "tid", t[i].tid);
		jw__kv_str(w, "comm", ti ? ti->comm : NULL);
		jw__kv_u64(w, "count", t[i].n);
		jw__kv_u64(w, "ns", t[i].ns);
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void sites_json(struct contention *ct, struct jw *w, const char *key,
		       const struct ct_site *t, uint32_t nr)
{
	jw__key(w, key);
	jw__arr_begin(w);
	for (uint32_t i = 0; i < nr; i++) {
		jw__obj_begin(w);
		jw__kv_str(w, "site", t[i].site);
		jw__kv_u64(w, "count", t[i].n);
		jw__kv_u64(w, "ns", t[i].ns);
		if (t[i].stack >= 0) {
			uint32_t nf;
			const char *const *f = stacks__frames(ct->st, t[i].stack, &nf);

			jw__key(w, "stack");
			jw__arr_begin(w);
			for (uint32_t j = 0; j < nf; j++)
				jw__str(w, f[j]);
			jw__arr_end(w);
		}
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void hist_json(struct jw *w, const struct ct_hist *h)
{
	jw__key(w, "histogram");
	jw__arr_begin(w);
	for (unsigned int e = 0; e < 64; e++) {
		uint64_t n = hist_log2(h, e);

		if (!n)
			continue;
		jw__obj_begin(w);
		jw__kv_u64(w, "lo_ns", e ? 1ull << e : 0);
		jw__kv_u64(w, "hi_ns", (2ull << e) - 1);
		jw__kv_u64(w, "count", n);
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void counts_json(struct jw *w, const struct ct_counts *c, const struct ct_hist *h)
{
	static const char *const wb[CT_WAKE_BUCKETS] = { "0", "1", "2-3", "4-7", "8-15", "16+" };

	jw__kv_u64(w, "waits", c->waits);
	jw__kv_u64(w, "blocked", c->blocked);
	jw__kv_u64(w, "blocked_ns", c->blocked_ns);
	jw__kv_u64(w, "avg_ns", c->blocked ? c->blocked_ns / c->blocked : 0);
	jw__kv_u64(w, "max_ns", c->max_ns);
	jw__kv_u64(w, "p50_ns", hist_pct(h, c->max_ns, 500));
	jw__kv_u64(w, "p90_ns", hist_pct(h, c->max_ns, 900));
	jw__kv_u64(w, "p99_ns", hist_pct(h, c->max_ns, 990));
	jw__kv_u64(w, "max_waiters", c->max_waiters);
	jw__kv_u64(w, "timeouts", c->timeouts);
	jw__kv_u64(w, "eagain", c->eagain);
	jw__kv_u64(w, "eintr", c->eintr);
	jw__kv_u64(w, "errors", c->errors);
	jw__kv_u64(w, "wakes", c->wakes);
	jw__kv_u64(w, "woken", c->woken);
	jw__key(w, "wakes_by_woken");
	jw__obj_begin(w);
	for (int i = 0; i < CT_WAKE_BUCKETS; i++)
		jw__kv_u64(w, wb[i], c->wake_buckets[i]);
	jw__obj_end(w);
	hist_json(w, h);
}

static void row_id_json(struct contention *ct, const struct ct_row *row, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	char buf[NAME_LEN];

	if (row->sem)
		snprintf(buf, sizeof(buf), "sem:%llu", (unsigned long long)row->key.a);
	else
		objkey__format(buf, sizeof(buf), &row->key, NULL, NULL);
	jw__kv_str(w, "id", buf);
	if (row->sem) {
		jw__kv_u64(w, "semid", row->key.a);
		jw__kv_u64(w, "semnum", row->key.b);
		jw__kv_u64(w, "undo", row->feat.undo);
	} else {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)row->addr);
		jw__kv_str(w, "addr", buf);
		jw__kv_bool(w, "shared", !row->key.pid);
	}
	jw__kv_str(w, "symbol", row_symbol(ct, row));
	jw__kv_u64(w, "pid", row->pids[0]);
	jw__kv_str(w, "comm", proctab__comm(pt, row->pids[0]));
	jw__key(w, "pids");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < row->nr_pids && i < CT_PIDS; i++)
		jw__u64(w, row->pids[i]);
	jw__arr_end(w);
}

static void holder_json(struct contention *ct, struct ct_row *row, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const char *source = NULL;
	const struct ct_tid *h = holder(row, row_lock(ct, row), &source);
	const struct thread_info *ti;

	jw__key(w, "holder");
	if (!h) {
		jw__null(w);
		return;
	}
	ti = proctab__thread(pt, h->tid);
	jw__obj_begin(w);
	jw__kv_u64(w, "tid", h->tid);
	jw__kv_str(w, "comm", ti ? ti->comm : NULL);
	jw__kv_str(w, "source", source);
	jw__kv_u64(w, "count", h->n);
	jw__kv_u64(w, "ns", h->ns);
	jw__obj_end(w);
}

static void row_detail_json(struct contention *ct, struct ct_row *row, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const struct ct_ext *x = row->x;
	const struct ct_site *top = sites_top(x->sites, x->nr_sites);

	jw__kv_str(w, "top_site", top ? top->site : NULL);
	sites_json(ct, w, "sites", x->sites, x->nr_sites);
	sites_json(ct, w, "release_sites", x->rsites, x->nr_rsites);
	tids_json(w, "waiters", x->waiters, x->nr_waiters, pt);
	jw__kv_bool(w, "more_waiters", x->more_waiters);
	holder_json(ct, row, w);
	tids_json(w, "wakers", x->wakers, x->nr_wakers, pt);
	tids_json(w, "pi_owners", x->owners, x->nr_owners, pt);
	jw__kv_u64(w, "other_sites_ns", x->other_sites_ns);
	jw__kv_u64(w, "paired", x->paired);
	jw__kv_u64(w, "unpaired", x->unpaired + x->nr_pend);
	jw__kv_u64(w, "no_stack", x->no_stack);
	jw__kv_u64(w, "stacks_missed", x->stack_missed);
}

static void report_json(struct contention *ct, struct report *r, size_t n)
{
	struct jw *w = r->jw;
	size_t shown = limit(n, r->top);

	jw__key(w, "contended_locks");
	jw__arr_begin(w);
	for (size_t i = 0; i < shown; i++) {
		const struct ct_shown *s = vec__at(&ct->shown, i);
		struct ct_row *row = ktab__at(&ct->rows, s->row);
		const struct lk_obj *lk = row_lock(ct, row);

		jw__obj_begin(w);
		jw__kv_u64(w, "rank", i);
		jw__kv_str(w, "kind", kind_names[s->cls.kind]);
		jw__kv_bool(w, "idle_wait", s->wait);
		jw__kv_str(w, "evidence", s->cls.why);
		row_id_json(ct, row, w);
		counts_json(w, r->final ? &row->tot : &row->cur,
			    r->final ? &row->x->hist : &row->x->cur_hist);
		row_detail_json(ct, row, w);
		if (lk) {
			char addr[32];

			snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)lk->key.addr);
			jw__kv_str(w, "lock_addr", addr);
			jw__kv_u64(w, "holds", lk->holds);
			jw__kv_u64(w, "hold_ns", lk->hold_ns);
			jw__kv_u64(w, "hold_max_ns", lk->hold_max);
		}
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

/* ---- report: --locks objects ---- */

static int cmp_locks(const void *a, const void *b);
static const struct vec *cmp_locks_vec;	/* qsort has no context argument */

static int cmp_locks(const void *a, const void *b)
{
	const struct lk_obj *x = vec__at(cmp_locks_vec, *(const uint32_t *)a);
	const struct lk_obj *y = vec__at(cmp_locks_vec, *(const uint32_t *)b);
	uint64_t wx = x->acquire_ns + x->cond_ns, wy = y->acquire_ns + y->cond_ns;

	if (wx != wy)
		return wx < wy ? 1 : -1;
	if (x->hold_ns != y->hold_ns)
		return x->hold_ns < y->hold_ns ? 1 : -1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static size_t sort_locks(struct contention *ct)
{
	vec__clear(&ct->order);
	for (uint32_t i = 0; i < ktab__len(&ct->locks); i++) {
		uint32_t *slot = vec__push(&ct->order);

		if (!slot)
			break;
		*slot = i;
	}
	cmp_locks_vec = &ct->locks.rows;
	if (ct->order.len)
		qsort(ct->order.data, ct->order.len, sizeof(uint32_t), cmp_locks);
	return ct->order.len;
}

static void lock_sites_text(const char *what, const struct ct_site *t, uint32_t nr, FILE *out)
{
	fprintf(out, "%s", what);
	for (uint32_t i = 0; i < nr; i++)
		fprintf(out, "%s %s (%u)", i ? "," : "", t[i].site, t[i].n);
	if (!nr)
		fprintf(out, " -");
}

/* Owners, call sites, and for a condvar its mutex. */
static void lock_detail_text(struct contention *ct, const struct lk_obj *o, FILE *out)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const char *sym;
	char name[48];

	if (o->nr_owners) {
		fprintf(out, "    owners:");
		for (uint32_t i = 0; i < o->nr_owners; i++) {
			thread_name(name, sizeof(name), pt, o->owners[i].tid);
			fprintf(out, "%s %s (%u)", i ? "," : "", name, o->owners[i].n);
		}
		fputc('\n', out);
	}
	lock_sites_text(o->kind == IPC_LOCK_COND ? "    waited at" : "    locked at", o->lock_sites,
			o->nr_lock_sites, out);
	lock_sites_text(o->kind == IPC_LOCK_SEM ? "; posted at" : o->kind == IPC_LOCK_COND ?
			"; signalled at" : "; unlocked at", o->unlock_sites,
			o->nr_unlock_sites, out);
	fputc('\n', out);
	if (o->kind != IPC_LOCK_COND)
		return;
	sym = o->mutex ? stacks__data_name(ct->st, o->key.pid, o->mutex) : NULL;
	fprintf(out, "    signals %llu, broadcasts %llu, waits with mutex ",
		(unsigned long long)o->signals, (unsigned long long)o->broadcasts);
	if (sym)
		fprintf(out, "%s\n", sym);
	else
		fprintf(out, "0x%llx\n", (unsigned long long)o->mutex);
}

static void lock_text(struct contention *ct, const struct lk_obj *o, FILE *out)
{
	const char *sym = stacks__data_name(ct->st, o->key.pid, o->key.addr);
	char proc[48], name[48], d[4][32];

	who(proc, sizeof(proc), collector__procs_const(ct->c), o->key.pid);
	fmt_duration(d[0], sizeof(d[0]), o->acquire_ns + o->cond_ns);
	fmt_duration(d[1], sizeof(d[1]), o->acquire_max > o->cond_max ? o->acquire_max :
		     o->cond_max);
	fmt_duration(d[2], sizeof(d[2]), o->holds ? o->hold_ns / o->holds : 0);
	fmt_duration(d[3], sizeof(d[3]), o->hold_max);
	if (sym)
		snprintf(name, sizeof(name), "%s", sym);
	else
		snprintf(name, sizeof(name), "0x%llx", (unsigned long long)o->key.addr);
	fprintf(out, "%-13s %-22s %-28s %8llu %9llu %10s %9s %8llu %9s %9s\n",
		kind_names[lk_kind(o->kind)], proc, name,
		(unsigned long long)(o->acquires + o->cond_waits), (unsigned long long)o->contended,
		d[0], d[1], (unsigned long long)o->holds, d[2], d[3]);
	lock_detail_text(ct, o, out);
}

static void lock_json(struct contention *ct, const struct lk_obj *o, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	char buf[32];

	jw__obj_begin(w);
	jw__kv_str(w, "kind", kind_names[lk_kind(o->kind)]);
	jw__kv_u64(w, "pid", o->key.pid);
	jw__kv_str(w, "comm", proctab__comm(pt, o->key.pid));
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)o->key.addr);
	jw__kv_str(w, "addr", buf);
	jw__kv_str(w, "symbol", stacks__data_name(ct->st, o->key.pid, o->key.addr));
	jw__kv_u64(w, "acquires", o->acquires);
	jw__kv_u64(w, "tries", o->tries);
	jw__kv_u64(w, "busy", o->busy);
	jw__kv_u64(w, "timeouts", o->timeouts);
	jw__kv_u64(w, "contended", o->contended);
	jw__kv_u64(w, "acquire_ns", o->acquire_ns);
	jw__kv_u64(w, "acquire_max_ns", o->acquire_max);
	jw__kv_u64(w, "releases", o->releases);
	jw__kv_u64(w, "holds", o->holds);
	jw__kv_u64(w, "hold_ns", o->hold_ns);
	jw__kv_u64(w, "hold_max_ns", o->hold_max);
	jw__kv_u64(w, "owner", o->owner);
	tids_json(w, "owners", o->owners, o->nr_owners, pt);
	sites_json(ct, w, "lock_sites", o->lock_sites, o->nr_lock_sites);
	sites_json(ct, w, o->kind == IPC_LOCK_COND ? "signal_sites" : "unlock_sites",
		   o->unlock_sites, o->nr_unlock_sites);
	if (o->kind == IPC_LOCK_COND) {
		jw__kv_u64(w, "cond_waits", o->cond_waits);
		jw__kv_u64(w, "cond_wait_ns", o->cond_ns);
		jw__kv_u64(w, "signals", o->signals);
		jw__kv_u64(w, "broadcasts", o->broadcasts);
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)o->mutex);
		jw__kv_str(w, "mutex", o->mutex ? buf : NULL);
		jw__kv_str(w, "mutex_symbol", o->mutex ?
			   stacks__data_name(ct->st, o->key.pid, o->mutex) : NULL);
	}
	jw__obj_end(w);
}

static void report_locks(struct contention *ct, struct report *r)
{
	size_t n = sort_locks(ct), shown = limit(n, r->top);

	if (r->jw) {
		jw__key(r->jw, "locks");
		jw__arr_begin(r->jw);
	} else {
		fprintf(r->out, "\nLOCKS (--locks: pthread and semaphore calls, whole trace)\n");
		fprintf(r->out, "%-13s %-22s %-28s %8s %9s %10s %9s %8s %9s %9s\n", "KIND",
			"PROCESS", "LOCK", "ACQUIRED", "CONTENDED", "WAITING", "MAX-WAIT", "HOLDS",
			"HOLD-AVG", "HOLD-MAX");
	}
	for (size_t i = 0; i < shown; i++) {
		const struct lk_obj *o = ktab__at(&ct->locks, *vec_at(&ct->order, uint32_t, i));

		if (r->jw)
			lock_json(ct, o, r->jw);
		else
			lock_text(ct, o, r->out);
	}
	if (r->jw)
		jw__arr_end(r->jw);
	else if (shown < n)
		fprintf(r->out, "  (%zu more)\n", n - shown);
}

/* Blocked waits without a stack, and frames without a symbol: nothing lost silently. */
static void report_stacks(struct contention *ct, struct report *r)
{
	const struct stacks_stats *ss = stacks__stats(ct->st);
	uint64_t no_stack = 0, missed = 0;

	vec_for_each(&ct->rows.rows, struct ct_row, row) {
		if (row->x) {
			no_stack += row->x->no_stack;
			missed += row->x->stack_missed;
		}
	}
	if (r->jw) {
		jw__key(r->jw, "lock_stacks");
		jw__obj_begin(r->jw);
		jw__kv_u64(r->jw, "waits_without_stack", no_stack);
		jw__kv_u64(r->jw, "stacks_missed", missed);
		jw__kv_u64(r->jw, "stacks", ss->stacks);
		jw__kv_u64(r->jw, "stacks_unknown", ss->unknown);
		jw__kv_u64(r->jw, "frames", ss->frames);
		jw__kv_u64(r->jw, "frames_unresolved", ss->unresolved);
		jw__obj_end(r->jw);
		return;
	}
	fprintf(r->out, "  stacks: %llu blocked lock waits without a stack (%llu missed in BPF), "
		"%llu of %llu frames in %llu stacks without a symbol\n",
		(unsigned long long)no_stack, (unsigned long long)missed,
		(unsigned long long)ss->unresolved, (unsigned long long)ss->frames,
		(unsigned long long)ss->stacks);
}

static void contention_report(struct sink *sk, struct report *r)
{
	struct contention *ct = container_of(sk, struct contention, sink);
	size_t n = rank_rows(ct, r->final);

	if (r->jw)
		report_json(ct, r, n);
	else
		report_text(ct, r, n);
	if (r->final)
		report_stacks(ct, r);
	if (r->final && ct->lock_records)
		report_locks(ct, r);
}

static const struct sink_ops contention_sink_ops = {
	.name = "contention",
	.event = contention_event,
	.report = contention_report,
	.interval_end = contention_interval_end,
	.free = contention_free,
};
