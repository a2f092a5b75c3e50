// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipctrace probes.
 *
 * Syscalls are seen through the two raw syscall tracepoints (tp_btf
 * sys_enter/sys_exit): they need no tracefs, detach at once, and cost less
 * per event than one tracepoint per syscall.  The entry records the
 * arguments (and resolves fds while they are valid) in task storage;
 * the exit builds the event in ring-buffer memory.  Every process pays for
 * the first few instructions, so the rejection path is: syscall number not
 * ours -> done; process not traced and object not watched -> done.
 *
 * Signals and process lifetimes come from their own tracepoints.
 */
#include "common.bpf.h"
#include "arch.bpf.h"
#include "obj.bpf.h"
#include "exit.bpf.h"
#include "io.bpf.h"
#include "mq.bpf.h"
#include "futex.bpf.h"
#include "signal.bpf.h"
#include "sem.bpf.h"
#include "sched.bpf.h"
#include "locks.bpf.h"
#include "tasks.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * The object filter's first question for a process outside the filter: may
 * this syscall touch a watched object?  Asked before any entry state is
 * made, for about the price of one map lookup: private futexes never are
 * watched, a semop's set is looked up by id, every other watchable syscall
 * by its fd (fd_watched_fast: the key's reads, or a cached answer).  Only
 * a yes goes on.
 */
static __always_inline bool peer_maybe_watched(__u8 peer, struct pt_regs *regs)
{
	struct ipc_watch_key k;

	switch (peer) {
	case IPC_PEER_FD0:	/* read/write/send/recv families, close, mq_*: the fd comes first */
		return fd_watched_fast(SC_ARG0(regs));
	case IPC_PEER_FD0_FD1:
		return fd_watched_fast(SC_ARG0(regs)) || fd_watched_fast(SC_ARG1(regs));
	case IPC_PEER_FD0_FD2:
		return fd_watched_fast(SC_ARG0(regs)) || fd_watched_fast(SC_ARG2(regs));
	case IPC_PEER_FUTEX:
		return !(SC_ARG1(regs) & FUTEX_PRIVATE_FLAG);
	case IPC_PEER_FUTEX2:
		return !(SC_ARG3(regs) & FUTEX2_PRIVATE);
	case IPC_PEER_FUTEXV:
		return true;	/* flags per word: futex_enter() decides */
	case IPC_PEER_SEMID:
		ipc_sem_watch_key(SC_ARG0(regs), &k);
		return bpf_map_lookup_elem(&watched, &k) != NULL;
	default:		/* IPC_PEER_NO: not traced for other processes */
		return false;
	}
}

/*
 * Per-family entry work.  1 = not an operation we report: forget it.
 * Futex and semaphore entries decide for peers themselves (their watched
 * object is not an fd's); the others are kept for a peer only when the
 * object an fd resolved to is watched.
 */
static __noinline int enter_prepare(struct ipc_inflight *inf, __u8 enter, __u8 peer)
{
	switch (enter) {
	case IPC_ENTER_FD:
		if (io_enter(inf))
			return 1;
		break;
	case IPC_ENTER_MQ:
		if (mq_enter(inf))
			return 1;
		break;
	case IPC_ENTER_FUTEX:
		return futex_enter(inf);
	case IPC_ENTER_SIGNAL:
		signal_enter(inf);
		break;
	case IPC_ENTER_SEM:
		return sem_enter(inf);
	default:
		break;
	}
	if (!(inf->iflags & IPC_INF_PEER))
		return 0;
	return !obj_watched(&inf->obj) &&
	       !((peer == IPC_PEER_FD0_FD1 || peer == IPC_PEER_FD0_FD2) &&
		 obj_watched(&inf->obj2));
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ipc_sys_enter, struct pt_regs *regs, long id)
{
	struct ipc_inflight *inf;
	struct ipc_sys_info si;
	struct task_state *ts;
	__u64 pid_tgid;
	bool peer = false;
	__u8 sys;

	if ((unsigned long)id >= IPC_SC_TABLE_SIZE)
		return 0;
	sys = sc_table[id];
	if (!sys)
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	/* ipctrace itself writes the events out: not a peer of anything */
	if ((pid_tgid >> 32) == self_tgid)
		return 0;
	if (!proc_wanted(pid_tgid)) {
		if (!watch_peers)
			return 0;
		si = sys_handlers(sys);
		if (!peer_maybe_watched(si.peer, regs))
			return 0;
		peer = true;
	}
	si = sys_handlers(sys);
	if (si.enter == IPC_ENTER_SIGRETURN) {
		signal_return_enter(pid_tgid);
		return 0;
	}
	ts = task_state(true);
	if (!ts) {
		stat_inc(IPC_STAT_INFLIGHT_FULL);
		return 0;
	}
	inf = &ts->inf;
	inf->sys = sys;
	inf->iflags = peer ? IPC_INF_PEER : 0;
	inf->args[0] = SC_ARG0(regs);
	inf->args[1] = SC_ARG1(regs);
	inf->args[2] = SC_ARG2(regs);
	inf->args[3] = SC_ARG3(regs);
	inf->args[4] = SC_ARG4(regs);
	inf->args[5] = SC_ARG5(regs);
	inf->word = 0;
	inf->key_dev = 0;
	inf->key_ino = 0;
	inf->key_off = 0;
	inf->obj.kind = IPC_OBJ_NONE;
	inf->obj2.kind = IPC_OBJ_NONE;
	if (enter_prepare(inf, si.enter, si.peer)) {
		inf->sys = 0;
		return 0;
	}
	inf->nvcsw = cur_nvcsw();
	/* the timestamp last, so the duration excludes our own entry work */
	inf->ts_ns = bpf_ktime_get_ns();
	return 0;
}

static __noinline void exit_dispatch(const struct xctx *x, const struct ipc_inflight *inf)
{
	switch (sys_handlers(inf->sys).exit) {
	case IPC_EXIT_IO:
		io_exit(x, inf);
		break;
	case IPC_EXIT_FD_PAIR:
		fd_pair_exit(x, inf);
		break;
	case IPC_EXIT_FD_OPEN:
		fd_open_exit(x, inf);
		break;
	case IPC_EXIT_FD_CLOSE:
		fd_close_dup_exit(x, inf);
		break;
	case IPC_EXIT_SOCK:
		sock_exit(x, inf);
		break;
	case IPC_EXIT_MQ:
		mq_exit(x, inf);
		break;
	case IPC_EXIT_FUTEX:
		futex_exit(x, inf);
		break;
	case IPC_EXIT_SIGNAL:
		signal_send_exit(x, inf);
		break;
	case IPC_EXIT_SEM:
		sem_exit(x, inf);
		break;
	default:
		break;
	}
}

/*
 * The event's flags from the entry state and the exit.  A global function,
 * verified once on its own: its result is one unknown value to the caller,
 * so the verifier does not walk the exit dispatch once per combination.
 */
__noinline __u32 exit_flags(__u32 iflags, __u32 nvcsw, long ret)
{
	__u32 flags = 0;

	if (iflags & IPC_INF_PEER)
		flags |= IPC_EVF_PEER;
	/* a voluntary context switch during the call means it slept */
	if (cur_nvcsw() != nvcsw)
		flags |= IPC_EVF_BLOCKED;
	if (iflags & IPC_INF_ADOPTED)
		flags |= IPC_EVF_STARTED_BEFORE;
	/* -EINTR and the kernel's restart codes, -ERESTARTSYS .. -ERESTART_RESTARTBLOCK */
	if ((ret == -4 || (ret <= -512 && ret >= -516)) && killed_now())
		flags |= IPC_EVF_KILLED;
	return flags;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ipc_sys_exit, struct pt_regs *regs, long ret)
{
	struct ipc_inflight *inf;
	struct task_state *ts;
	struct xctx x;
	__u64 nr = SC_NR(regs);

	if (nr >= IPC_SC_TABLE_SIZE || !sc_table[nr])
		return 0;
	x.pid_tgid = bpf_get_current_pid_tgid();
	/* only targets and watched peers have an entry: ask the cheap filter first */
	if (!watch_peers && !proc_wanted(x.pid_tgid))
		return 0;
	ts = task_state(false);
	if (!ts || !ts->inf.sys)
		return 0;
	inf = &ts->inf;
	x.now = bpf_ktime_get_ns();
	x.ctx = ctx;
	x.regs = regs;
	x.ret = ret;
	x.flags = exit_flags(inf->iflags, inf->nvcsw, ret);
	if (inf->iflags & IPC_INF_PEER)
		ts->peer_seen = 1;
	/* an entry left by a call whose exit we missed is not this call's */
	if (inf->sys == sc_table[nr])
		exit_dispatch(&x, inf);
	inf->sys = 0;
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(ipc_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	return on_signal_generate(ctx, sig, info, task, group, result);
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(ipc_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	return on_signal_deliver(sig, info, ka);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ipc_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(ctx, parent, child);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(ipc_proc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return on_exec(p, old_pid, bprm);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ipc_proc_exit, struct task_struct *p)
{
	return on_exit(p);
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(ipc_proc_free, struct task_struct *p)
{
	return on_free(p);
}

/* --locks: entry and return of the pthread and sem_* functions (locks.bpf.h) */
SEC("uprobe")
int ipc_lock_enter(struct pt_regs *ctx)
{
	return lock_enter(ctx);
}

SEC("uretprobe")
int ipc_lock_return(struct pt_regs *ctx)
{
	return lock_return(ctx);
}

/* What each traced thread is doing now, read by the collector (tasks.bpf.h) */
SEC("iter/task")
int ipc_task_iter(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	return task_visit(ctx->meta->seq, task);
}
