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
 * Classification is in contention_class.c, the report in
 * output/contention_report.c; what they share is contention_int.h.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/contention.h"
#include "analysis/contention_int.h"
#include "decode/names.h"
#include "lib/json.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"

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
const struct ct_tid *ct_tids_top(const struct ct_tid *t, uint32_t nr)
{
	const struct ct_tid *best = NULL;

	for (uint32_t i = 0; i < nr; i++)
		if (!best || t[i].ns > best->ns || (t[i].ns == best->ns && t[i].n > best->n))
			best = &t[i];
	return best;
}

const struct ct_site *ct_sites_top(const struct ct_site *t, uint32_t nr)
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
	hist__add(&x->hist, h->dur_ns);
	hist__add(&x->cur_hist, h->dur_ns);
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

static const struct sink_ops contention_sink_ops = {
	.name = "contention",
	.event = contention_event,
	.report = contention_report,
	.interval_end = contention_interval_end,
	.free = contention_free,
};
