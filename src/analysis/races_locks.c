// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --locks patterns: lock-order inversion (7), unlock misuse (8), condition
 * variable misuse (9), locks taken in signal handlers (10).
 *
 * Each thread's held locks and each mutex's owner follow the lock records
 * (emitted when a call returns: an acquisition at its return, a release
 * at its start).  pthread_cond_wait releases its mutex inside glibc, which
 * the probes do not see until the wait returns; so a thread that takes a
 * mutex another thread "owns" is not an error by itself: the owner is
 * remembered as displaced, and its cond_wait record, when it comes,
 * explains it.  A mutex's state is unknown until seen, except in a process
 * that exec'd during the trace, whose mutexes all start unlocked.
 */
#include <errno.h>
#include <string.h>

#include "analysis/races_int.h"

#define EBUSY_NR	16

static bool owned_kind(uint8_t kind)
{
	return kind == IPC_LOCK_MUTEX || kind == IPC_LOCK_RWLOCK_WR || kind == IPC_LOCK_RWLOCK_RD;
}

/* Kinds that take part in lock order: those a second taker blocks on. */
static bool ordered_kind(uint8_t kind)
{
	return kind == IPC_LOCK_MUTEX || kind == IPC_LOCK_RWLOCK_WR;
}

static struct rlock *lock_get(struct races *r, uint32_t pid, uint64_t addr, uint8_t kind)
{
	struct lock_key k = { .pid = pid, .addr = addr };
	struct rlock *lk;
	struct rproc *p;
	bool created;

	lk = rtab_get(&r->locks, &k, r->now, &created);
	if (!lk || !created)
		return lk;
	lk->kind = kind;
	p = rtab_find(&r->procs, &pid);
	lk->state = p && p->started ? LS_UNLOCKED : LS_UNKNOWN;
	return lk;
}

/* ---- held locks of a thread ---- */

static void held_add(struct rthread *t, const struct lock_key *k, uint8_t kind,
		     const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;

	if (t->nr_held == TH_HELD) {	/* the innermost are kept: forget the outermost */
		memmove(&t->held[0], &t->held[1], sizeof(t->held[0]) * (TH_HELD - 1));
		t->nr_held--;
	}
	t->held[t->nr_held++] = (struct held){ .key = *k, .kind = kind,
					      .ts = h->ts_ns + h->dur_ns, .stack = h->stack_id,
					      .ip = l->call_ip };
}

static int held_index(const struct rthread *t, const struct lock_key *k)
{
	for (int i = (int)t->nr_held - 1; i >= 0; i--)
		if (t->held[i].key.pid == k->pid && t->held[i].key.addr == k->addr)
			return i;
	return -1;
}

static void held_remove(struct rthread *t, const struct lock_key *k)
{
	int i = held_index(t, k);

	if (i < 0)
		return;
	memmove(&t->held[i], &t->held[i + 1], sizeof(t->held[0]) * (t->nr_held - i - 1));
	t->nr_held--;
}

static void released_note(struct rthread *t, const struct lock_key *k, uint64_t ts)
{
	t->released[t->rel_pos] = (struct released){ .key = *k, .ts = ts };
	t->rel_pos = (t->rel_pos + 1) % TH_RELEASED;
}

static bool released_between(const struct rthread *t, uint32_t pid, uint64_t addr,
			     uint64_t from, uint64_t to)
{
	for (uint32_t i = 0; i < TH_RELEASED; i++) {
		const struct released *x = &t->released[i];

		if (x->ts && x->key.pid == pid && x->key.addr == addr && x->ts > from && x->ts < to)
			return true;
	}
	return false;
}

/* ---- flags ---- */

static void lock_flag_key(struct flag_key *fk, uint8_t pattern, uint8_t variant, uint32_t pid,
			  uint64_t addr)
{
	memset(fk, 0, sizeof(*fk));
	fk->pattern = pattern;
	fk->variant = variant;
	fk->pid[0] = pid;
	fk->addr[0] = addr;
}

static void side_owner(struct race_side *s, uint8_t role, const struct rlock *lk)
{
	race_side(s, role, lk->key.pid, lk->owner, lk->owner_stack, lk->owner_since);
	s->ip = lk->owner_ip;
}

static void side_call(struct race_side *s, uint8_t role, const struct ipc_ev_lock *l,
		      int32_t stack)
{
	race_side(s, role, l->hdr.pid, l->hdr.tid, stack, l->hdr.ts_ns);
	s->ip = l->call_ip;
}

/* ---- 7: lock order ---- */

static bool lock_key_less(const struct lock_key *a, const struct lock_key *b)
{
	return a->pid != b->pid ? a->pid < b->pid : a->addr < b->addr;
}

static bool gated(const struct redge *x, const struct redge *y)
{
	for (uint32_t i = 0; i < x->nr_gates; i++)
		for (uint32_t j = 0; j < y->nr_gates; j++)
			if (!memcmp(&x->gates[i], &y->gates[j], sizeof(x->gates[i])))
				return true;
	return false;
}

static int inversion(struct races *r, const struct redge *first, const struct redge *second,
		     uint8_t kind_a, uint8_t kind_b, uint64_t ts)
{
	const struct lock_key *x = &first->key.a, *y = &first->key.b;
	const struct lock_key *lo = lock_key_less(x, y) ? x : y, *hi = lo == x ? y : x;
	struct race_flag proto;
	struct flag_key fk;
	int32_t idx;

	memset(&fk, 0, sizeof(fk));
	fk.pattern = RACE_LOCK_ORDER;
	fk.pid[0] = lo->pid;
	fk.addr[0] = lo->addr;
	fk.pid[1] = hi->pid;
	fk.addr[1] = hi->addr;
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_FIRST_OUTER, first->pid, first->tid, first->a_stack,
		  first->a_ts);
	proto.side[0].ip = first->a_ip;
	race_side(&proto.side[1], RR_FIRST_INNER, first->pid, first->tid, first->b_stack,
		  first->b_ts);
	proto.side[1].ip = first->b_ip;
	race_side(&proto.side[2], RR_SECOND_OUTER, second->pid, second->tid, second->a_stack,
		  second->a_ts);
	proto.side[2].ip = second->a_ip;
	race_side(&proto.side[3], RR_SECOND_INNER, second->pid, second->tid, second->b_stack,
		  second->b_ts);
	proto.side[3].ip = second->b_ip;
	race_obj_lock(&proto.obj[0], x->pid, x->addr, kind_b);
	race_obj_lock(&proto.obj[1], y->pid, y->addr, kind_a);
	race_raise(r, &fk, &proto, ts, &idx);
	return 0;
}

/* Keep only the gates this acquisition also holds: a gate must guard every time. */
static void gates_keep(struct redge *e, const struct rthread *t, uint32_t skip)
{
	uint32_t n = 0;

	for (uint32_t g = 0; g < e->nr_gates; g++) {
		bool held = false;

		for (uint32_t j = 0; j < t->nr_held && !held; j++)
			held = j != skip && !memcmp(&t->held[j].key, &e->gates[g],
						    sizeof(e->gates[g]));
		if (held)
			e->gates[n++] = e->gates[g];
	}
	e->nr_gates = n;
}

/* t takes b (kind) while holding what it holds: an edge from each held lock. */
static int order_edges(struct races *r, struct rthread *t, const struct lock_key *b,
		       uint8_t kind, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;

	for (uint32_t i = 0; i < t->nr_held; i++) {
		const struct held *a = &t->held[i];
		struct edge_key ek = { .a = a->key, .b = *b }, rk = { .a = *b, .b = a->key };
		const struct redge *rev;
		struct redge *e;
		bool created;

		if (!ordered_kind(a->kind) || !memcmp(&a->key, b, sizeof(*b)))
			continue;
		e = rtab_get(&r->edges, &ek, h->ts_ns, &created);
		if (!e)
			return -ENOMEM;
		if (!created)
			gates_keep(e, t, i);
		else {
			e->pid = h->pid;
			e->tid = h->tid;
			e->a_stack = a->stack;
			e->a_ip = a->ip;
			e->a_ts = a->ts;
			e->b_stack = h->stack_id;
			e->b_ip = l->call_ip;
			e->b_ts = h->ts_ns;
			for (uint32_t j = 0; j < t->nr_held && e->nr_gates < EDGE_GATES; j++)
				if (j != i && ordered_kind(t->held[j].kind))
					e->gates[e->nr_gates++] = t->held[j].key;
		}
		rev = rtab_find(&r->edges, &rk);
		if (rev && !gated(e, rev)) {
			int err = inversion(r, rev, e, a->kind, kind, h->ts_ns);

			if (err)
				return err;
		}
	}
	return 0;
}

/* ---- acquisitions and releases ---- */

static void displaced_add(struct rlock *lk, uint32_t tid, uint64_t ts)
{
	if (lk->nr_displaced == LK_DISPLACED) {
		memmove(&lk->displaced[0], &lk->displaced[1],
			sizeof(lk->displaced[0]) * (LK_DISPLACED - 1));
		lk->nr_displaced--;
	}
	lk->displaced[lk->nr_displaced++] = (struct lk_displaced){ .tid = tid, .ts = ts };
}

/* Take tid off the displaced list; its displacement time, or 0. */
static uint64_t displaced_take(struct rlock *lk, uint32_t tid)
{
	for (uint32_t i = 0; i < lk->nr_displaced; i++) {
		uint64_t ts = lk->displaced[i].ts;

		if (lk->displaced[i].tid != tid)
			continue;
		memmove(&lk->displaced[i], &lk->displaced[i + 1],
			sizeof(lk->displaced[0]) * (lk->nr_displaced - i - 1));
		lk->nr_displaced--;
		return ts;
	}
	return 0;
}

static void set_owner(struct rlock *lk, uint32_t tid, uint64_t since, int32_t stack,
		      uint64_t ip)
{
	lk->state = LS_OWNED;
	lk->owner = tid;
	lk->owner_since = since;
	lk->owner_stack = stack;
	lk->owner_ip = ip;
	lk->depth = 0;
}

static int acquired(struct races *r, struct rthread *t, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	struct lock_key k = { .pid = h->pid, .addr = l->addr };
	uint8_t kind = l->lock_kind;
	int err;

	if (!owned_kind(kind))
		return 0;
	if (kind == IPC_LOCK_MUTEX) {
		struct rlock *lk = lock_get(r, h->pid, l->addr, kind);

		if (!lk)
			return -ENOMEM;
		if (lk->state == LS_OWNED && lk->owner == h->tid)
			lk->depth++;	/* a recursive mutex (an error-checking one fails) */
		else {
			if (lk->state == LS_OWNED)
				displaced_add(lk, lk->owner, h->ts_ns + h->dur_ns);
			set_owner(lk, h->tid, h->ts_ns + h->dur_ns, h->stack_id, l->call_ip);
		}
	}
	if (h->op == IPC_OP_LOCK_ACQUIRE && ordered_kind(kind)) {
		err = order_edges(r, t, &k, kind, l);
		if (err)
			return err;
	}
	held_add(t, &k, kind, l);
	return 0;
}

static int unlock_flag(struct races *r, uint8_t variant, const struct ipc_ev_lock *l,
		       const struct race_side *other)
{
	struct race_flag proto;
	struct flag_key fk;
	int32_t idx;

	lock_flag_key(&fk, RACE_UNLOCK_MISUSE, variant, l->hdr.pid, l->addr);
	fk.pid[1] = l->hdr.tid;
	memset(&proto, 0, sizeof(proto));
	side_call(&proto.side[0], variant == RV_DESTROY_HELD ? RR_DESTROYER : RR_UNLOCKER, l,
		  l->hdr.stack_id);
	if (other)
		proto.side[1] = *other;
	race_obj_lock(&proto.obj[0], l->hdr.pid, l->addr, IPC_LOCK_MUTEX);
	race_raise(r, &fk, &proto, l->hdr.ts_ns, &idx);
	return 0;
}

/* The owner's copy of a hold that someone else ended. */
static void drop_owner_hold(struct races *r, const struct rlock *lk)
{
	struct rthread *o = race_thread_find(r, lk->owner);

	if (o)
		held_remove(o, &lk->key);
}

static int mutex_released(struct races *r, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	struct rlock *lk = lock_get(r, h->pid, l->addr, IPC_LOCK_MUTEX);
	struct race_side other;

	if (!lk)
		return -ENOMEM;
	memset(&other, 0, sizeof(other));
	if (h->ret != 0) {
		if (lk->state == LS_OWNED)
			side_owner(&other, RR_OWNER, lk);
		return unlock_flag(r, RV_UNLOCK_ERROR, l, lk->state == LS_OWNED ? &other : NULL);
	}
	if (lk->state == LS_OWNED && lk->owner == h->tid) {
		if (lk->depth) {
			lk->depth--;
			return 0;
		}
	} else if (displaced_take(lk, h->tid)) {
		/*
		 * Its unlock began before another thread's lock returned: the
		 * records came in the other order.  The other thread owns it now.
		 */
		return 0;
	} else if (lk->state == LS_OWNED) {
		side_owner(&other, RR_OWNER, lk);
		drop_owner_hold(r, lk);
		lk->state = LS_UNKNOWN;
		return unlock_flag(r, RV_NOT_OWNER, l, &other);
	} else if (lk->state == LS_UNLOCKED && lk->last_unlocker) {
		race_side(&other, RR_LAST_UNLOCKER, h->pid, lk->last_unlocker, -1,
			  lk->last_unlock_ns);
		other.ip = lk->last_unlock_ip;
		lk->last_unlocker = h->tid;
		lk->last_unlock_ns = h->ts_ns;
		lk->last_unlock_ip = l->call_ip;
		return unlock_flag(r, RV_NOT_LOCKED, l, &other);
	}
	lk->state = LS_UNLOCKED;
	lk->owner = 0;
	lk->last_unlocker = h->tid;
	lk->last_unlock_ns = h->ts_ns;
	lk->last_unlock_ip = l->call_ip;
	return 0;
}

static int released(struct races *r, struct rthread *t, const struct ipc_ev_lock *l)
{
	struct lock_key k = { .pid = l->hdr.pid, .addr = l->addr };
	int err = 0;

	if (!owned_kind(l->lock_kind))
		return 0;
	if (l->lock_kind == IPC_LOCK_MUTEX)
		err = mutex_released(r, l);
	t = race_thread_find(r, l->hdr.tid);	/* may have moved */
	if (t && l->hdr.ret == 0) {
		held_remove(t, &k);
		released_note(t, &k, l->hdr.ts_ns);
	}
	return err;
}

static int destroyed(struct races *r, const struct ipc_ev_lock *l)
{
	struct lock_key k = { .pid = l->hdr.pid, .addr = l->addr };
	struct rlock *lk = rtab_find(&r->locks, &k);
	struct race_side other;
	bool held = lk && lk->state == LS_OWNED;

	if (!held && l->hdr.ret != EBUSY_NR) {
		rtab_remove(&r->locks, &k);	/* the memory may become another mutex */
		return 0;
	}
	memset(&other, 0, sizeof(other));
	if (held) {
		side_owner(&other, RR_OWNER, lk);
		drop_owner_hold(r, lk);
		lk->state = LS_UNKNOWN;
	}
	return unlock_flag(r, RV_DESTROY_HELD, l, held ? &other : NULL);
}

/* ---- 9: condition variables ---- */

static bool held_at(struct rlock *m, uint32_t tid, uint64_t ts)
{
	if (m->state == LS_OWNED && m->owner == tid && m->owner_since <= ts)
		return true;
	for (uint32_t i = 0; i < m->nr_displaced; i++)
		if (m->displaced[i].tid == tid && m->displaced[i].ts >= ts)
			return true;
	return false;
}

static int cond_flag(struct races *r, uint8_t variant, const struct ipc_ev_lock *l,
		     const struct race_side *a, const struct race_side *b, uint64_t m2,
		     struct race_flag **out)
{
	struct race_flag proto;
	struct flag_key fk;
	int32_t idx;

	lock_flag_key(&fk, RACE_COND_MISUSE, variant, l->hdr.pid, l->addr);
	memset(&proto, 0, sizeof(proto));
	proto.side[0] = *a;
	if (b)
		proto.side[1] = *b;
	race_obj_lock(&proto.obj[0], l->hdr.pid, l->addr, IPC_LOCK_COND);
	if (l->addr2 && !m2)
		race_obj_lock(&proto.obj[1], l->hdr.pid, l->addr2, IPC_LOCK_MUTEX);
	if (m2) {	/* two mutexes: in address order, whichever wait came first */
		fk.obj[0].a = l->addr2 < m2 ? l->addr2 : m2;
		fk.obj[0].b = l->addr2 < m2 ? m2 : l->addr2;
		race_obj_lock(&proto.obj[1], l->hdr.pid, fk.obj[0].a, IPC_LOCK_MUTEX);
		race_obj_lock(&proto.obj[2], l->hdr.pid, fk.obj[0].b, IPC_LOCK_MUTEX);
	}
	*out = race_raise(r, &fk, &proto, l->hdr.ts_ns, &idx);
	return 0;
}

static int mixed_mutexes(struct races *r, struct rlock *c, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	uint64_t end = h->ts_ns + h->dur_ns;
	struct race_flag *f;

	for (uint32_t i = 0; i < c->nr_cwaits; i++) {
		const struct cwait *w = &c->cwaits[i];
		struct race_side a, b;

		if (!w->mutex || !l->addr2 || w->mutex == l->addr2 || w->entry >= end ||
		    h->ts_ns >= w->ret)
			continue;
		race_side(&a, RR_WAITER, h->pid, w->tid, w->stack, w->entry);
		race_side(&b, RR_WAITER, h->pid, h->tid, h->stack_id, h->ts_ns);
		return cond_flag(r, RV_MIXED_MUTEXES, l, &b, &a, w->mutex, &f);
	}
	return 0;
}

static int signal_first(struct races *r, struct rthread *t, struct rlock *c,
			const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	struct csignal *best = NULL;
	struct race_side a, b;
	struct race_flag *f;
	int err;

	if (h->dur_ns < RACE_LONG_WAIT_NS)
		return 0;
	for (uint32_t i = 0; i < c->nr_csig; i++) {
		struct csignal *s = &c->csig[i];

		if (s->used || s->had_waiter || s->tid == h->tid || s->ts >= h->ts_ns ||
		    h->ts_ns - s->ts > RACE_WAKE_WINDOW_NS)
			continue;
		/* the waiter let go of the mutex since: it saw the state after the signal */
		if (l->addr2 && released_between(t, h->pid, l->addr2, s->ts, h->ts_ns))
			continue;
		if (!best || s->ts > best->ts)
			best = s;
	}
	if (!best)
		return 0;
	best->used = true;
	race_side(&a, RR_SIGNALER, best->pid, best->tid, -1, best->ts);
	a.ip = best->ip;
	race_side(&b, RR_WAITER, h->pid, h->tid, h->stack_id, h->ts_ns);
	err = cond_flag(r, RV_SIGNAL_FIRST, l, &a, &b, 0, &f);
	if (f) {
		if (h->dur_ns > f->d[0])
			f->d[0] = h->dur_ns;
		if (!f->d[1] || h->ts_ns - best->ts < f->d[1])
			f->d[1] = h->ts_ns - best->ts;
	}
	return err;
}

static int mutex_not_held(struct races *r, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	struct rlock *m = lock_get(r, h->pid, l->addr2, IPC_LOCK_MUTEX);
	struct race_side a, b;
	struct race_flag *f;
	bool other;
	int err = 0;

	if (!m)
		return -ENOMEM;
	if (!held_at(m, h->tid, h->ts_ns) && m->state != LS_UNKNOWN) {
		other = m->state == LS_OWNED && m->owner != h->tid;
		race_side(&a, RR_WAITER, h->pid, h->tid, h->stack_id, h->ts_ns);
		if (other)
			side_owner(&b, RR_OWNER, m);
		err = cond_flag(r, RV_MUTEX_NOT_HELD, l, &a, other ? &b : NULL, 0, &f);
		m = lock_get(r, h->pid, l->addr2, IPC_LOCK_MUTEX);
		if (!m)
			return -ENOMEM;
	}
	/* the wait returns with the mutex locked again */
	displaced_take(m, h->tid);
	if (!(m->state == LS_OWNED && m->owner == h->tid)) {
		if (m->state == LS_OWNED)	/* its unlock record is still to come */
			displaced_add(m, m->owner, h->ts_ns + h->dur_ns);
		set_owner(m, h->tid, h->ts_ns + h->dur_ns, h->stack_id, l->call_ip);
	}
	return err;
}

static int cond_wait(struct races *r, struct rthread *t, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	struct lock_key mk = { .pid = h->pid, .addr = l->addr2 };
	uint64_t end = h->ts_ns + h->dur_ns;
	struct rlock *c;
	struct cwait *w;
	int err;

	c = lock_get(r, h->pid, l->addr, IPC_LOCK_COND);
	if (!c)
		return -ENOMEM;
	err = mixed_mutexes(r, c, l);
	if (!err)
		err = signal_first(r, t, c, l);
	if (err)
		return err;
	c = lock_get(r, h->pid, l->addr, IPC_LOCK_COND);	/* flags do not move it; be safe */
	if (!c)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->nr_csig; i++)
		if (c->csig[i].ts >= h->ts_ns && c->csig[i].ts <= end)
			c->csig[i].had_waiter = true;
	w = &c->cwaits[c->cwait_pos];
	*w = (struct cwait){ .tid = h->tid, .stack = h->stack_id, .mutex = l->addr2,
			     .entry = h->ts_ns, .ret = end };
	c->cwait_pos = (c->cwait_pos + 1) % LK_CWAITS;
	if (c->nr_cwaits < LK_CWAITS)
		c->nr_cwaits++;
	if (!l->addr2)
		return 0;
	err = mutex_not_held(r, l);
	if (err)
		return err;
	t = race_thread_find(r, h->tid);
	if (t && held_index(t, &mk) < 0)
		held_add(t, &mk, IPC_LOCK_MUTEX, l);
	return 0;
}

static int cond_signal(struct races *r, const struct ipc_ev_lock *l)
{
	struct rlock *c = lock_get(r, l->hdr.pid, l->addr, IPC_LOCK_COND);
	struct csignal *s;

	if (!c)
		return -ENOMEM;
	s = &c->csig[c->csig_pos];
	*s = (struct csignal){ .tid = l->hdr.tid, .pid = l->hdr.pid, .ts = l->hdr.ts_ns,
			       .ip = l->call_ip };
	c->csig_pos = (c->csig_pos + 1) % LK_CSIGNALS;
	if (c->nr_csig < LK_CSIGNALS)
		c->nr_csig++;
	return 0;
}

/* ---- 10: locks in signal handlers ---- */

static int handler_lock(struct races *r, struct rthread *t, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	const struct hframe *fr;
	struct race_flag proto, *f;
	struct flag_key fk;
	int32_t idx;

	if (!t->nr_frames || h->op != IPC_OP_LOCK_ACQUIRE)
		return 0;
	fr = &t->frames[t->nr_frames - 1];
	if (fr->ts >= h->ts_ns)
		return 0;
	lock_flag_key(&fk, RACE_HANDLER_LOCK, RV_NONE, h->pid, l->addr);
	fk.sig = fr->sig;
	memset(&proto, 0, sizeof(proto));
	side_call(&proto.side[0], RR_HANDLER, l, h->stack_id);
	race_obj_lock(&proto.obj[0], h->pid, l->addr, l->lock_kind);
	race_obj_signal(&proto.obj[1], fr->sig, h->pid);
	proto.d[0] = fr->handler;
	proto.d[1] = h->ts_ns - fr->ts;
	f = race_raise(r, &fk, &proto, h->ts_ns, &idx);
	if (f && h->ts_ns - fr->ts > f->d[1])
		f->d[1] = h->ts_ns - fr->ts;
	return 0;
}

/* ---- entry points ---- */

int races_lock(struct races *r, const struct ipc_ev_lock *l)
{
	const struct ipc_hdr *h = &l->hdr;
	struct rthread *t = race_thread(r, h->tid, h->pid);
	int err;

	if (!t)
		return -ENOMEM;
	if (t->fork_tentative) {
		err = races_fork_confirm(r, t, l);
		if (err)
			return err;
	}
	switch (h->op) {
	case IPC_OP_LOCK_ACQUIRE:
		err = handler_lock(r, t, l);
		if (err || h->ret != 0)
			return err;
		return acquired(r, t, l);
	case IPC_OP_LOCK_TRY:
		return h->ret == 0 ? acquired(r, t, l) : 0;
	case IPC_OP_LOCK_RELEASE:
		return released(r, t, l);
	case IPC_OP_COND_WAIT:
		return cond_wait(r, t, l);
	case IPC_OP_COND_SIGNAL:
	case IPC_OP_COND_BROADCAST:
		return cond_signal(r, l);
	case IPC_OP_LOCK_DESTROY:
		return destroyed(r, l);
	default:
		return 0;
	}
}

/* 8: a thread that exits while it holds a mutex or rwlock (its process lives on). */
int races_thread_exit(struct races *r, const struct ipc_ev_proc *p)
{
	const struct ipc_hdr *h = &p->hdr;
	struct rthread *t = race_thread_find(r, h->tid);
	int err;

	if (!t)
		return 0;
	if (t->fork_tentative) {
		err = races_fork_confirm(r, t, NULL);
		if (err)
			return err;
	}
	if (h->op != IPC_OP_THREAD_EXIT)
		return 0;
	for (uint32_t i = 0; i < t->nr_held; i++) {
		const struct held *x = &t->held[i];
		struct race_flag proto;
		struct flag_key fk;
		int32_t idx;

		lock_flag_key(&fk, RACE_UNLOCK_MISUSE, RV_EXIT_HELD, h->pid, x->key.addr);
		fk.pid[1] = h->tid;
		memset(&proto, 0, sizeof(proto));
		race_side(&proto.side[0], RR_EXITING, h->pid, h->tid, x->stack, x->ts);
		proto.side[0].ip = x->ip;
		race_obj_lock(&proto.obj[0], h->pid, x->key.addr, x->kind);
		race_raise(r, &fk, &proto, h->ts_ns, &idx);
	}
	return 0;
}

int races_locks_held_by_others(struct races *r, uint32_t pid, uint32_t tid,
			       struct fk_evidence *ev, uint32_t max)
{
	uint32_t n = 0;

	for (size_t i = 0; i < ktab__len(&r->threads.kt) && n < max; i++) {
		struct rthread *t = ktab__at(&r->threads.kt, i);

		if (t->pid != pid || t->tid == tid)
			continue;
		for (uint32_t j = 0; j < t->nr_held && n < max; j++) {
			const struct held *x = &t->held[j];

			if (!owned_kind(x->kind))
				continue;
			ev[n] = (struct fk_evidence){ .variant = RV_HELD, .status = EV_TENTATIVE,
						      .tid = t->tid, .stack = x->stack,
						      .ip = x->ip, .ts = x->ts };
			race_obj_lock(&ev[n].obj, pid, x->key.addr, x->kind);
			t->fork_tentative = true;
			n++;
		}
	}
	return (int)n;
}
