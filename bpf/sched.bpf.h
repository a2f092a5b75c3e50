/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Process and thread lifetimes: fork (and following descendants into the
 * filter), exec, exit.  They give the collector the process tree and the
 * names, and tell it when a traced process is gone.
 */
#ifndef IPCTRACE_SCHED_BPF_H
#define IPCTRACE_SCHED_BPF_H

#include "common.bpf.h"

static __always_inline struct ipc_ev_proc *proc_reserve(__u16 op, __u16 sys, __u64 pid_tgid)
{
	struct ipc_ev_proc *e = ev_reserve(sizeof(*e));

	if (!e)
		return NULL;
	hdr_fill(&e->hdr, IPC_REC_PROC, op, sys, pid_tgid, bpf_ktime_get_ns(), 0, 0);
	__builtin_memset(&e->ppid, 0, sizeof(*e) - sizeof(e->hdr));
	return e;
}

static __always_inline __u32 real_ppid(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_parent, tgid);
}

static __always_inline int on_fork(void *ctx, struct task_struct *parent,
				   struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	bool thread = ptgid == ctgid;
	struct ipc_ev_proc *e;

	if (ptgid == self_tgid)
		return 0;
	bool followed = !filter_procs;

	if (filter_procs) {
		bool proc = id_in_filter(ptgid);

		if (!proc && !(filter_tids && id_in_filter(BPF_CORE_READ(parent, pid))))
			return 0;
		if (proc && !thread && follow_children) {
			filter_set(ctgid, true);
			followed = true;
		}
	}
	e = proc_reserve(thread ? IPC_OP_THREAD_NEW : IPC_OP_PROC_FORK, IPC_SYS_HOOK_FORK,
			 bpf_get_current_pid_tgid());
	if (!e)
		return 0;
	e->ppid = real_ppid(parent);
	e->child_pid = ctgid;
	e->child_tid = BPF_CORE_READ(child, pid);
	if (!thread) {
		/* a multithreaded parent: the child gets one thread, and every lock as it is */
		e->nr_threads = BPF_CORE_READ(parent, signal, nr_threads);
		if (followed)
			e->hdr.flags |= IPC_EVF_FOLLOWED;
		if (e->nr_threads > 1)
			hdr_stack(ctx, &e->hdr);
	}
	ev_submit(e);
	return 0;
}

/*
 * A task is freed (reaped): its id may be reused from now on, so it leaves
 * the filter.  Not at exit: the SIGCHLD an exiting child sends comes later.
 */
static __always_inline int on_free(struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid);

	if (filter_procs && id_in_filter(pid))
		filter_set(pid, false);
	return 0;
}

static __always_inline int on_exec(struct task_struct *p, __u32 old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_state *ts;
	struct ipc_ev_proc *e;

	if (!proc_wanted(pid_tgid))
		return 0;
	/* a new program: its stacks need new maps */
	ts = task_state(false);
	if (ts) {
		ts->stack_seen = 0;
		ts->stk_id = -1;
	}
	e = proc_reserve(IPC_OP_PROC_EXEC, IPC_SYS_HOOK_EXEC, pid_tgid);
	if (!e)
		return 0;
	e->ppid = real_ppid(p);
	e->old_tid = old_pid;
	if (bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				      BPF_CORE_READ(bprm, filename)) == sizeof(e->filename))
		e->hdr.flags |= IPC_EVF_TRUNCATED;
	ev_submit(e);
	return 0;
}

static __always_inline int on_exit(struct task_struct *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct task_state *ts;
	struct ipc_ev_proc *e;
	bool group_dead, peer = false;

	if (!proc_wanted(pid_tgid)) {
		/* the other side of a watched object: its end is part of the story */
		ts = task_state(false);
		if (!ts || !ts->peer_seen)
			return 0;
		peer = true;
	}
	/* do_exit() drops signal->live before this tracepoint */
	group_dead = BPF_CORE_READ(p, signal, live.counter) == 0;
	e = proc_reserve(group_dead ? IPC_OP_PROC_EXIT : IPC_OP_THREAD_EXIT, IPC_SYS_HOOK_EXIT,
			 pid_tgid);
	if (!e)
		return 0;
	if (peer)
		e->hdr.flags |= IPC_EVF_PEER;
	e->ppid = real_ppid(p);
	e->exit_code = BPF_CORE_READ(p, exit_code);
	e->nr_threads = BPF_CORE_READ(p, signal, nr_threads);
	ev_submit(e);
	return 0;
}

#endif /* IPCTRACE_SCHED_BPF_H */
