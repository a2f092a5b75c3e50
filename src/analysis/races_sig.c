// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Signal patterns: coalesced standard signals (1), signals to stale pids
 * (4), and the signal frames of threads for locks in handlers (10).
 *
 * A signal-sending syscall makes a signal_generate record inside the call
 * and a signal_send record at its return, with the sender's stack: flags
 * raised on the first take their stack from the second (same thread, the
 * generate inside the call's time).
 */
#include <errno.h>
#include <string.h>

#include "analysis/races_int.h"

#define SIGRTMIN_KERNEL	32
#define SIGPIPE_NR	13

static bool sent_by_syscall(const struct ipc_ev_signal *s)
{
	return (s->sflags & IPC_SIGF_IN_SEND) && !(s->hdr.flags & IPC_EVF_KERNEL) && s->hdr.pid;
}

static void pend_key_of(const struct ipc_ev_signal *s, struct pend_key *k)
{
	memset(k, 0, sizeof(*k));
	k->target = s->target_pid;
	k->tid = (s->sflags & IPC_SIGF_GROUP) ? 0 : s->target_tid;
	k->sig = s->sig;
}

/* 1: the same standard signal sent while one is pending is merged into it. */
static int coalesce(struct races *r, struct rthread *t, const struct ipc_ev_signal *s)
{
	const struct ipc_hdr *h = &s->hdr;
	struct flag_key fk;
	struct race_flag proto;
	struct pend_key pk;
	struct rpend *p;
	bool created;

	pend_key_of(s, &pk);
	if (s->result == IPC_SIG_DELIVERED) {
		p = rtab_get(&r->pend, &pk, h->ts_ns, &created);
		if (!p)
			return -ENOMEM;
		p->pid = h->pid;
		p->tid = h->tid;
		p->ts = h->ts_ns;
		p->stack = -1;
		t->gen_pending_row = true;
		return 0;
	}
	if (s->result != IPC_SIG_ALREADY_PENDING)
		return 0;
	memset(&fk, 0, sizeof(fk));
	fk.pattern = RACE_SIG_COALESCED;
	fk.pid[0] = h->pid;
	fk.pid[1] = s->target_pid;
	fk.sig = s->sig;
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_SENDER, h->pid, h->tid, -1, h->ts_ns);
	p = rtab_find(&r->pend, &pk);
	if (p)
		race_side(&proto.side[1], RR_PENDING_SENDER, p->pid, p->tid, p->stack, p->ts);
	race_side(&proto.side[2], RR_TARGET, s->target_pid, s->target_tid, -1, h->ts_ns);
	race_obj_signal(&proto.obj[0], s->sig, s->target_pid);
	race_raise(r, &fk, &proto, h->ts_ns, &t->gen_flag);
	return 0;
}

/* 4: a kill that lands on a process that has the pid of one that exited. */
static int reused(struct races *r, struct rthread *t, const struct ipc_ev_signal *s)
{
	const struct ipc_hdr *h = &s->hdr;
	struct rproc *p = rtab_find(&r->procs, &s->target_pid);
	struct race_flag proto;
	struct flag_key fk;
	uint64_t old_exit;

	if (!p || (uint32_t)s->target_pid == h->pid)
		return 0;
	if (p->exited && h->ts_ns > p->exit_ns)	/* a holder the trace has not seen */
		old_exit = p->exit_ns;
	else if (p->reused && p->parent != h->pid && h->ts_ns > p->prev_exit_ns)
		old_exit = p->prev_exit_ns;
	else
		return 0;
	memset(&fk, 0, sizeof(fk));
	fk.pattern = RACE_STALE_PID;
	fk.variant = RV_REUSED;
	fk.pid[0] = h->pid;
	fk.pid[1] = s->target_pid;
	fk.sig = s->sig;
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_SENDER, h->pid, h->tid, -1, h->ts_ns);
	race_side(&proto.side[1], RR_OLD_HOLDER, s->target_pid, 0, -1, old_exit);
	race_side(&proto.side[2], RR_NEW_HOLDER, s->target_pid, s->target_tid, -1, 0);
	race_obj_signal(&proto.obj[0], s->sig, s->target_pid);
	proto.d[0] = old_exit;
	race_raise(r, &fk, &proto, h->ts_ns, &t->gen_flag);
	return 0;
}

/*
 * The kernel's SIGPIPE to a writer: generated inside the write that gets
 * EPIPE, so before that write's record; the write takes it (races_io.c).
 */
static int sigpipe(struct races *r, const struct ipc_ev_signal *s)
{
	struct rthread *t = race_thread(r, s->target_tid, s->target_pid);

	if (!t)
		return -ENOMEM;
	t->sigpipe_ts = s->hdr.ts_ns;
	return 0;
}

static int generate(struct races *r, const struct ipc_ev_signal *s)
{
	const struct ipc_hdr *h = &s->hdr;
	struct rthread *t;
	int err = 0;

	if (s->sig == SIGPIPE_NR && (h->flags & IPC_EVF_KERNEL) && s->target_tid) {
		err = sigpipe(r, s);
		if (err)
			return err;
	}
	if (!sent_by_syscall(s))
		return 0;
	t = race_thread(r, h->tid, h->pid);
	if (!t)
		return -ENOMEM;
	t->gen_ts = h->ts_ns;
	t->gen_flag = -1;
	t->gen_pending_row = false;
	t->gen_target = s->target_pid;
	t->gen_target_tid = (s->sflags & IPC_SIGF_GROUP) ? 0 : s->target_tid;
	t->gen_sig = s->sig;
	if (s->sig > 0 && s->sig < SIGRTMIN_KERNEL)
		err = coalesce(r, t, s);
	if (!err && s->result != IPC_SIG_IGNORED && t->gen_flag < 0)
		err = reused(r, t, s);
	return err;
}

/* The send's stack goes to what its generate raised or left pending. */
static void send_stack(struct races *r, struct rthread *t, const struct ipc_hdr *h)
{
	struct race_flag *f;

	if (!t->gen_ts || t->gen_ts < h->ts_ns || t->gen_ts > h->ts_ns + h->dur_ns)
		return;
	f = race_flag_at(r, t->gen_flag);
	if (f && f->side[0].tid == h->tid && f->side[0].stack < 0)
		f->side[0].stack = h->stack_id;
	if (t->gen_pending_row) {
		struct pend_key pk = { .target = t->gen_target, .tid = t->gen_target_tid,
				       .sig = t->gen_sig };
		struct rpend *p = rtab_find(&r->pend, &pk);

		if (p && p->tid == h->tid && p->ts == t->gen_ts)
			p->stack = h->stack_id;
	}
	t->gen_ts = 0;
	t->gen_flag = -1;
	t->gen_pending_row = false;
}

/* 4: kill() by pid on a pid that names nothing (a pidfd's ESRCH is its answer). */
static int esrch(struct races *r, const struct ipc_ev_signal *s)
{
	const struct ipc_hdr *h = &s->hdr;
	struct rproc *p = rtab_find(&r->procs, &s->target_pid);
	struct race_flag proto;
	struct flag_key fk;
	int32_t idx;

	if (h->ret != -ESRCH || h->sys == IPC_SYS_PIDFD_SEND_SIGNAL || s->sig == 0)
		return 0;
	memset(&fk, 0, sizeof(fk));
	fk.pattern = RACE_STALE_PID;
	fk.variant = RV_ESRCH;
	fk.pid[0] = h->pid;
	fk.pid[1] = (uint32_t)s->target_pid;
	fk.sig = s->sig;
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_SENDER, h->pid, h->tid, h->stack_id, h->ts_ns);
	if (p && p->exited)
		race_side(&proto.side[1], RR_OLD_HOLDER, s->target_pid, 0, -1, p->exit_ns);
	race_obj_signal(&proto.obj[0], s->sig, s->target_pid);
	race_raise(r, &fk, &proto, h->ts_ns, &idx);
	return 0;
}

/* A handler runs from the delivery until the thread's rt_sigreturn. */
static int deliver(struct races *r, const struct ipc_ev_signal *s)
{
	const struct ipc_hdr *h = &s->hdr;
	struct rthread *t;

	if (s->handler <= 1)	/* SIG_DFL, SIG_IGN */
		return 0;
	t = race_thread(r, h->tid, h->pid);
	if (!t)
		return -ENOMEM;
	if (t->nr_frames == TH_FRAMES) {	/* deepest kept: forget the outermost */
		memmove(&t->frames[0], &t->frames[1], sizeof(t->frames[0]) * (TH_FRAMES - 1));
		t->nr_frames--;
	}
	t->frames[t->nr_frames++] = (struct hframe){ .sig = s->sig, .ts = h->ts_ns,
						     .handler = s->handler };
	return 0;
}

static int sigreturn(struct races *r, const struct ipc_hdr *h)
{
	struct rthread *t = race_thread_find(r, h->tid);

	r->stats.sigreturns++;
	if (t && t->nr_frames)
		t->nr_frames--;
	return 0;
}

int races_signal(struct races *r, const struct ipc_ev_signal *s)
{
	const struct ipc_hdr *h = &s->hdr;
	struct rthread *t;
	int err;

	switch (h->op) {
	case IPC_OP_SIGNAL_GENERATE:
		return generate(r, s);
	case IPC_OP_SIGNAL_SEND:
		t = race_thread_find(r, h->tid);
		if (t)
			send_stack(r, t, h);
		err = esrch(r, s);
		return err;
	case IPC_OP_SIGNAL_DELIVER:
		return deliver(r, s);
	case IPC_OP_SIGNAL_RETURN:
		return sigreturn(r, h);
	default:
		return 0;
	}
}
