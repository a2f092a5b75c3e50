// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Futex and process patterns: lost wakeups (5) and fork() while another
 * thread holds or waits for a lock (6); process lifetimes for the others
 * (pid reuse, processes started in the trace, threads that exit).
 *
 * Lost wakeup.  A wake that woke nobody (ret 0) and found the word at the
 * value it had before (the waker changed nothing a waiter could check),
 * then a wait on that word by another thread, for that same value, that
 * started within RACE_WAKE_WINDOW_NS and slept RACE_LONG_WAIT_NS or more:
 * the waiter checked before the wake and slept after it.  A correct event
 * changes the word before waking, so a late waiter's wait fails at once
 * (EAGAIN) instead.  Words the whole trace classifies as mutexes or
 * rwlocks are left out at report time (races__flag): an empty wake is
 * normal there.
 *
 * Fork.  A fork of a process with more than one thread is kept (the last
 * PR_FORKS per process) with the evidence found for it: with --locks, the
 * locks other threads hold at that moment; from futex records, the blocked
 * waits of other threads that span it (their records come later).  Each
 * piece is confirmed before it counts: a lock "held" by a thread that was
 * in fact inside pthread_cond_wait (which releases it: seen only when the
 * wait returns) is dropped when that thread's next lock record shows it;
 * a blocked wait whose waker turns out to be the forking thread itself is
 * dropped (the child has that thread).  The flag is raised when the child's
 * first act is known and is not exec (fd closes and dups do not count):
 * a child that execs at once runs no code that could need the lock.
 */
#include <errno.h>
#include <string.h>

#include "analysis/races_int.h"

/* ---- lost wakeups ---- */

static bool plain_wait(const struct ipc_ev_futex *f)
{
	return f->hdr.op == IPC_OP_FUTEX_WAIT;
}

static struct rword *word_get(struct races *r, const struct ipc_ev_futex *f)
{
	struct objkey k;
	struct rword *w;
	bool created;

	if (objkey__from_rec(&f->hdr, &k))
		return NULL;
	w = rtab_get(&r->words, &k, f->hdr.ts_ns, &created);
	if (w && created)
		w->addr = f->uaddr;
	return w;
}

static void wake_note(struct rword *w, const struct ipc_ev_futex *f)
{
	const struct ipc_hdr *h = &f->hdr;
	bool ok = f->fflags & IPC_FUTEX_WORD_OK;
	struct wwake *k = &w->wakes[w->wake_pos];

	*k = (struct wwake){ .tid = h->tid, .pid = h->pid, .stack = h->stack_id,
			     .woke = h->ret > 0 ? (uint32_t)h->ret : 0, .ts = h->ts_ns,
			     .end = h->ts_ns + h->dur_ns, .word = f->word, .word_ok = ok };
	/* the waker left the word as it was: the wake tells a waiter nothing */
	k->changed = !ok || !w->have_val || w->val != f->word;
	w->wake_pos = (w->wake_pos + 1) % WD_WAKES;
	if (w->nr_wakes < WD_WAKES)
		w->nr_wakes++;
	if (ok) {
		w->have_val = true;
		w->val = f->word;
	}
}

static struct wwake *lost_wake_of(struct rword *w, const struct ipc_ev_futex *f)
{
	const struct ipc_hdr *h = &f->hdr;
	struct wwake *best = NULL;

	for (uint32_t i = 0; i < w->nr_wakes; i++) {
		struct wwake *k = &w->wakes[i];

		if (k->woke || k->changed || k->used || k->tid == h->tid || k->word != f->val ||
		    k->ts > h->ts_ns || h->ts_ns - k->ts > RACE_WAKE_WINDOW_NS)
			continue;
		if (!best || k->ts > best->ts)
			best = k;
	}
	return best;
}

static int lost_wakeup(struct races *r, struct rword *w, const struct ipc_ev_futex *f)
{
	const struct ipc_hdr *h = &f->hdr;
	struct race_flag proto, *fl;
	struct flag_key fk;
	struct wwake *k;
	int32_t idx;

	if (!plain_wait(f) || !(h->flags & IPC_EVF_BLOCKED) || h->dur_ns < RACE_LONG_WAIT_NS ||
	    (h->ret != 0 && h->ret != -ETIMEDOUT))
		return 0;
	k = lost_wake_of(w, f);
	if (!k)
		return 0;
	k->used = true;
	memset(&fk, 0, sizeof(fk));
	fk.pattern = RACE_LOST_WAKEUP;
	fk.obj[0] = *(const struct objkey *)RT_KEY(w);
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_WAKER, k->pid, k->tid, k->stack, k->ts);
	race_side(&proto.side[1], RR_WAITER, h->pid, h->tid, h->stack_id, h->ts_ns);
	proto.obj[0].type = RO_FUTEX;
	proto.obj[0].key = fk.obj[0];
	proto.obj[0].pid = h->pid;
	proto.obj[0].addr = f->uaddr;
	proto.d[1] = h->ts_ns - k->ts;
	proto.d[2] = f->val;
	fl = race_raise(r, &fk, &proto, h->ts_ns, &idx);
	if (!fl)
		return 0;
	if (h->dur_ns > fl->d[0])
		fl->d[0] = h->dur_ns;
	if (h->ts_ns - k->ts < fl->d[1])
		fl->d[1] = h->ts_ns - k->ts;
	return 0;
}

/* ---- fork with a lock held ---- */

static struct rfork *fork_of_child(struct rproc *pp, uint32_t child)
{
	for (uint32_t i = 0; i < pp->nr_forks; i++)
		if (pp->forks[i].child == child)
			return &pp->forks[i];
	return NULL;
}

static int fork_raise(struct races *r, uint32_t pid, struct rfork *fk, struct fk_evidence *ev)
{
	struct race_flag proto;
	struct flag_key key;
	int32_t idx;

	memset(&key, 0, sizeof(key));
	key.pattern = RACE_FORK_LOCKED;
	key.variant = ev->variant;
	key.pid[0] = pid;
	key.obj[0] = ev->obj.key;
	key.addr[0] = ev->obj.type == RO_LOCK ? ev->obj.addr : 0;
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_FORKER, pid, fk->tid, fk->stack, fk->ts);
	race_side(&proto.side[1], ev->variant == RV_HELD ? RR_HOLDER : RR_BLOCKED, pid, ev->tid,
		  ev->stack, ev->ts);
	proto.side[1].ip = ev->ip;
	race_side(&proto.side[2], RR_CHILD, fk->child, fk->child, -1, 0);
	proto.obj[0] = ev->obj;
	proto.d[0] = fk->threads;
	proto.d[1] = fk->outcome == FK_EXEC ? RACE_CHILD_RUNNING : fk->outcome;
	race_raise(r, &key, &proto, fk->ts, &idx);	/* a full table counts it */
	ev->raised = true;
	return 0;
}

/* Raise what is confirmed, once the child's first act says it matters. */
static int fork_judge(struct races *r, uint32_t pid, struct rfork *fk)
{
	bool running = fk->outcome == RACE_CHILD_RUNNING;

	if (fk->outcome == FK_EXEC || (running && !(r->finishing && fk->followed)))
		return 0;
	for (uint32_t i = 0; i < fk->nr_ev; i++) {
		struct fk_evidence *ev = &fk->ev[i];
		int err;

		if (r->finishing && ev->status == EV_WAKER)
			ev->status = EV_YES;	/* the waker never came: not the forker */
		if (ev->raised || ev->status != EV_YES)
			continue;
		err = fork_raise(r, pid, fk, ev);
		if (err)
			return err;
	}
	return 0;
}

static void fork_add_ev(struct rfork *fk, const struct fk_evidence *ev)
{
	for (uint32_t i = 0; i < fk->nr_ev; i++)
		if (!memcmp(&fk->ev[i].obj, &ev->obj, sizeof(ev->obj)) && fk->ev[i].tid == ev->tid)
			return;
	if (fk->nr_ev < FK_EVIDENCE)
		fk->ev[fk->nr_ev++] = *ev;
}

/* The wake that ended a blocked wait, among those seen: its thread held the lock. */
static void ev_resolve_waker(struct fk_evidence *ev, const struct rfork *fk,
			     const struct wwake *k)
{
	if (!k->woke || k->ts < ev->ts || k->ts > ev->end)
		return;
	ev->status = k->tid == fk->tid ? EV_NO : EV_YES;
}

/* A blocked wait of another thread that spans one of the process's forks. */
static int fork_wait(struct races *r, struct rword *w, const struct ipc_ev_futex *f)
{
	const struct ipc_hdr *h = &f->hdr;
	struct rproc *p;
	int err;

	if (!(h->flags & IPC_EVF_BLOCKED))
		return 0;
	p = rtab_find(&r->procs, &h->pid);
	if (!p || !p->nr_forks)
		return 0;
	for (uint32_t i = 0; i < p->nr_forks; i++) {
		struct rfork *fk = &p->forks[i];
		struct fk_evidence ev = { .variant = RV_BLOCKED, .status = EV_WAKER,
					  .tid = h->tid, .stack = h->stack_id, .ts = h->ts_ns,
					  .end = h->ts_ns + h->dur_ns };

		if (fk->tid == h->tid || fk->ts <= h->ts_ns || fk->ts >= ev.end ||
		    fk->outcome == FK_EXEC)
			continue;
		ev.obj.type = RO_FUTEX;
		ev.obj.key = *(const struct objkey *)RT_KEY(w);
		ev.obj.pid = h->pid;
		ev.obj.addr = f->uaddr;
		if (h->ret == -ETIMEDOUT)
			ev.status = EV_YES;
		for (uint32_t j = 0; j < w->nr_wakes && ev.status == EV_WAKER; j++)
			ev_resolve_waker(&ev, fk, &w->wakes[j]);
		if (ev.status == EV_WAKER)
			w->fork_pid = h->pid;
		fork_add_ev(fk, &ev);
		err = fork_judge(r, h->pid, fk);
		if (err)
			return err;
	}
	return 0;
}

/* A wake on a word that a fork's evidence waits for. */
static int fork_wake(struct races *r, struct rword *w, const struct wwake *k)
{
	struct rproc *p = rtab_find(&r->procs, &w->fork_pid);
	const struct objkey *key = RT_KEY(w);
	int err;

	if (!p || !k->woke)
		return 0;
	for (uint32_t i = 0; i < p->nr_forks; i++) {
		struct rfork *fk = &p->forks[i];

		for (uint32_t j = 0; j < fk->nr_ev; j++) {
			struct fk_evidence *ev = &fk->ev[j];

			if (ev->status == EV_WAKER && ev->obj.type == RO_FUTEX &&
			    !memcmp(&ev->obj.key, key, sizeof(*key)))
				ev_resolve_waker(ev, fk, k);
		}
		err = fork_judge(r, p->pid, fk);
		if (err)
			return err;
	}
	return 0;
}

int races_futex(struct races *r, const struct ipc_ev_futex *f)
{
	const struct ipc_hdr *h = &f->hdr;
	struct rword *w;
	int err;

	switch (h->op) {
	case IPC_OP_FUTEX_WAKE:
		w = word_get(r, f);
		if (!w)
			return -ENOMEM;
		wake_note(w, f);
		if (w->fork_pid && h->ret > 0)
			return fork_wake(r, w, &w->wakes[(w->wake_pos + WD_WAKES - 1) % WD_WAKES]);
		return 0;
	case IPC_OP_FUTEX_WAIT:
	case IPC_OP_FUTEX_LOCK_PI:
	case IPC_OP_FUTEX_WAIT_REQUEUE_PI:
		w = word_get(r, f);
		if (!w)
			return -ENOMEM;
		err = lost_wakeup(r, w, f);
		if (err)
			return err;
		if (plain_wait(f)) {
			w->have_val = true;
			w->val = (h->ret == -EAGAIN && (f->fflags & IPC_FUTEX_WORD_OK)) ? f->word :
											  f->val;
		}
		return fork_wait(r, w, f);
	default:
		return 0;
	}
}

/* ---- processes ---- */

static int on_fork(struct races *r, const struct ipc_ev_proc *p)
{
	const struct ipc_hdr *h = &p->hdr;
	struct rproc *c, *pp;
	struct rfork *fk;
	uint32_t threads;
	bool created;

	c = rtab_get(&r->procs, &p->child_pid, h->ts_ns, &created);
	if (!c)
		return -ENOMEM;
	if (!created && c->exited) {	/* a new process got the pid */
		c->prev_exit_ns = c->exit_ns;
		c->reused = true;
	}
	c->exited = false;
	c->started = false;
	c->parent = h->pid;
	c->alive_threads = 1;
	c->nr_forks = c->fork_pos = 0;
	pp = race_proc(r, h->pid);
	if (!pp)
		return -ENOMEM;
	threads = p->nr_threads ? p->nr_threads : pp->alive_threads;
	if (threads < 2)
		return 0;
	fk = &pp->forks[pp->fork_pos];
	*fk = (struct rfork){ .ts = h->ts_ns, .tid = h->tid, .child = p->child_pid,
			      .threads = threads, .stack = h->stack_id,
			      .outcome = RACE_CHILD_RUNNING,
			      .followed = h->flags & IPC_EVF_FOLLOWED };
	pp->fork_pos = (pp->fork_pos + 1) % PR_FORKS;
	if (pp->nr_forks < PR_FORKS)
		pp->nr_forks++;
	/* rtab_get on procs above may have moved pp's table: c is looked up again */
	c = rtab_find(&r->procs, &p->child_pid);
	if (c && !c->child_of_fork) {
		c->child_of_fork = h->pid;
		r->pending_forks++;
	}
	if (r->stats.lock_records) {
		struct fk_evidence ev[FK_EVIDENCE];
		int n = races_locks_held_by_others(r, h->pid, h->tid, ev, FK_EVIDENCE);

		for (int i = 0; i < n; i++)
			fork_add_ev(fk, &ev[i]);
	}
	return 0;
}

/* The first thing a fork's child does, other than fd housekeeping. */
int races_child_act(struct races *r, const struct ipc_hdr *h)
{
	struct rproc *c, *pp;
	struct rfork *fk;
	uint32_t parent;

	if (!r->pending_forks)
		return 0;
	if (h->type == IPC_REC_FD || (h->type == IPC_REC_SIGNAL && h->op != IPC_OP_SIGNAL_SEND))
		return 0;
	if (h->type == IPC_REC_PROC && h->op == IPC_OP_PROC_FORK && h->pid != h->tid)
		return 0;
	c = rtab_find(&r->procs, &h->pid);
	if (!c || !c->child_of_fork)
		return 0;
	parent = c->child_of_fork;
	c->child_of_fork = 0;
	r->pending_forks--;
	pp = rtab_find(&r->procs, &parent);
	fk = pp ? fork_of_child(pp, h->pid) : NULL;
	if (!fk || fk->outcome != RACE_CHILD_RUNNING)
		return 0;
	if (h->type == IPC_REC_PROC && h->op == IPC_OP_PROC_EXEC)
		fk->outcome = FK_EXEC;
	else if (h->type == IPC_REC_PROC && h->op == IPC_OP_PROC_EXIT)
		fk->outcome = RACE_CHILD_EXITED;
	else
		fk->outcome = RACE_CHILD_OTHER;
	return fork_judge(r, parent, fk);
}

/* The holder of a lock named at a fork made its next lock record (l), or exited (NULL). */
int races_fork_confirm(struct races *r, struct rthread *t, const struct ipc_ev_lock *l)
{
	struct rproc *p = rtab_find(&r->procs, &t->pid);
	const struct ipc_hdr *h = l ? &l->hdr : NULL;
	int err;

	t->fork_tentative = false;
	if (!p)
		return 0;
	for (uint32_t i = 0; i < p->nr_forks; i++) {
		struct rfork *fk = &p->forks[i];

		for (uint32_t j = 0; j < fk->nr_ev; j++) {
			struct fk_evidence *ev = &fk->ev[j];
			bool in_wait;

			if (ev->status != EV_TENTATIVE || ev->tid != t->tid)
				continue;
			/*
			 * Inside pthread_cond_wait with that mutex, or its unlock had
			 * begun before the fork: it was not held then.
			 */
			in_wait = h && h->op == IPC_OP_COND_WAIT && l->addr2 == ev->obj.addr &&
				  h->ts_ns < fk->ts && h->ts_ns + h->dur_ns > fk->ts;
			in_wait |= h && h->op == IPC_OP_LOCK_RELEASE && l->addr == ev->obj.addr &&
				   h->ts_ns < fk->ts;
			ev->status = in_wait ? EV_NO : EV_YES;
		}
		err = fork_judge(r, p->pid, fk);
		if (err)
			return err;
	}
	return 0;
}

int races_fork_finish(struct races *r)
{
	int err;

	r->finishing = true;
	for (size_t i = 0; i < ktab__len(&r->procs.kt); i++) {
		struct rproc *p = ktab__at(&r->procs.kt, i);

		for (uint32_t j = 0; j < p->nr_forks; j++) {
			err = fork_judge(r, p->pid, &p->forks[j]);
			if (err)
				return err;
		}
	}
	return 0;
}

static void forget_locks_of(struct races *r, uint32_t pid)
{
	for (size_t i = 0; i < ktab__len(&r->locks.kt);) {
		struct rlock *lk = ktab__at(&r->locks.kt, i);

		if (lk->key.pid == pid)
			rtab_remove(&r->locks, &lk->key);	/* the last row moves here */
		else
			i++;
	}
}

int races_proc(struct races *r, const struct ipc_ev_proc *p)
{
	const struct ipc_hdr *h = &p->hdr;
	struct rproc *pr;
	struct rthread *t;
	int err;

	switch (h->op) {
	case IPC_OP_PROC_FORK:
		return on_fork(r, p);
	case IPC_OP_THREAD_NEW:
		pr = race_proc(r, p->child_pid);
		if (!pr)
			return -ENOMEM;
		pr->alive_threads++;
		return race_thread(r, p->child_tid, p->child_pid) ? 0 : -ENOMEM;
	case IPC_OP_PROC_EXEC:
		pr = race_proc(r, h->pid);
		if (!pr)
			return -ENOMEM;
		pr->started = true;
		pr->alive_threads = 1;
		pr->nr_forks = pr->fork_pos = 0;
		forget_locks_of(r, h->pid);
		t = race_thread_find(r, h->tid);
		if (t)
			t->nr_held = t->nr_frames = 0;
		return 0;
	case IPC_OP_THREAD_EXIT:
	case IPC_OP_PROC_EXIT:
		err = races_thread_exit(r, p);
		if (err)
			return err;
		rtab_remove(&r->threads, &h->tid);
		pr = race_proc(r, h->pid);
		if (!pr)
			return -ENOMEM;
		if (pr->alive_threads > 1)
			pr->alive_threads--;
		if (h->op == IPC_OP_PROC_EXIT) {
			pr->exited = true;
			pr->reused = false;
			pr->exit_ns = h->ts_ns;
		}
		return 0;
	default:
		return 0;
	}
}
