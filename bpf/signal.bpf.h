/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Signals: the sending syscalls (who asked for what, and the result), and
 * the signal_generate / signal_deliver tracepoints, which also see signals
 * the kernel sends (SIGCHLD, SIGPIPE, SIGSEGV...) and keep generate's
 * result (delivered, ignored, already pending, overflow, lost info).
 */
#ifndef IPCTRACE_SIGNAL_BPF_H
#define IPCTRACE_SIGNAL_BPF_H

#include "obj.bpf.h"
#include "exit.bpf.h"

#define SI_USER		0
#define SI_KERNEL	0x80

static __always_inline bool sys_sends_signal(__u16 sys)
{
	return sys_handlers(sys).exit == IPC_EXIT_SIGNAL;
}

#define PIDFS_MAGIC	0x50494446

/*
 * pidfd_send_signal: the pidfd's pid, resolved while the fd is valid.  Since
 * Linux 6.9 (pidfs) the struct pid hangs off the inode (i_private); before,
 * off the file (private_data).
 */
static __always_inline int signal_enter(struct ipc_inflight *inf)
{
	struct file *f;
	struct inode *inode;

	if (inf->sys != IPC_SYS_PIDFD_SEND_SIGNAL)
		return 0;
	f = fd_file(inf->args[0]);
	if (!f)
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	if (BPF_CORE_READ(inode, i_sb, s_magic) == PIDFS_MAGIC)
		inf->word = pid_nr(BPF_CORE_READ(inode, i_private));
	else
		inf->word = pid_nr(BPF_CORE_READ(f, private_data));
	return 0;
}

static __always_inline int user_si_code(__u64 uinfo)
{
	int code = 0;

	if (uinfo)
		bpf_probe_read_user(&code, sizeof(code), (void *)(uinfo + 8));
	return code;
}

static __noinline void signal_send_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	struct ipc_ev_signal *e = ev_reserve(sizeof(*e));
	const __u64 *a = inf->args;

	if (!e)
		return;
	xhdr(&e->hdr, x, inf, IPC_REC_SIGNAL, IPC_OP_SIGNAL_SEND);
	__builtin_memset(&e->sig, 0, sizeof(*e) - sizeof(e->hdr));
	e->result = -1;
	e->code = SI_USER;
	switch (inf->sys) {
	case IPC_SYS_KILL:		/* pid, sig */
		e->target_pid = a[0];
		e->sig = a[1];
		e->sflags = IPC_SIGF_GROUP;
		break;
	case IPC_SYS_TKILL:		/* tid, sig */
		e->target_tid = a[0];
		e->sig = a[1];
		e->code = -6;		/* SI_TKILL */
		break;
	case IPC_SYS_TGKILL:		/* tgid, tid, sig */
		e->target_pid = a[0];
		e->target_tid = a[1];
		e->sig = a[2];
		e->code = -6;
		break;
	case IPC_SYS_RT_SIGQUEUEINFO:	/* tgid, sig, uinfo */
		e->target_pid = a[0];
		e->sig = a[1];
		e->code = user_si_code(a[2]);
		e->sflags = IPC_SIGF_GROUP;
		break;
	case IPC_SYS_RT_TGSIGQUEUEINFO:	/* tgid, tid, sig, uinfo */
		e->target_pid = a[0];
		e->target_tid = a[1];
		e->sig = a[2];
		e->code = user_si_code(a[3]);
		break;
	default:			/* pidfd, sig, uinfo, flags */
		e->target_pid = inf->word;
		e->sig = a[1];
		if (a[2])
			e->code = user_si_code(a[2]);
		e->sflags = IPC_SIGF_GROUP;
		break;
	}
	e->sender_pid = x->pid_tgid >> 32;
	e->sender_uid = (__u32)bpf_get_current_uid_gid();
	ev_submit(e);
}

/* Inside one of our traced signal-sending syscalls?  Else the kernel sent it. */
static __always_inline bool in_send_syscall(void)
{
	struct task_state *ts = task_state(false);

	return ts && sys_sends_signal(ts->inf.sys);
}

static __always_inline void siginfo_fill(struct ipc_ev_signal *e, struct kernel_siginfo *info)
{
	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are not pointers */
	if ((unsigned long)info == 0) {
		e->code = SI_USER;
		e->sflags |= IPC_SIGF_NOINFO;
	} else if ((unsigned long)info == 1) {
		e->code = SI_KERNEL;
		e->sflags |= IPC_SIGF_PRIV;
	} else {
		e->code = BPF_CORE_READ(info, si_code);
		e->sender_pid = BPF_CORE_READ(info, _sifields._kill._pid);
		e->sender_uid = BPF_CORE_READ(info, _sifields._kill._uid);
	}
}

static __always_inline int on_signal_generate(int sig, struct kernel_siginfo *info,
					      struct task_struct *task, int group, int result)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgt = BPF_CORE_READ(task, tgid);
	struct ipc_ev_signal *e;
	bool sender = proc_wanted(pid_tgid);

	if (!family_on(IPC_FAM_SIGNAL) || (!sender && !tgid_wanted(tgt)))
		return 0;
	e = ev_reserve(sizeof(*e));
	if (!e)
		return 0;
	hdr_fill(&e->hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_GENERATE, IPC_SYS_HOOK_SIGNAL_GENERATE,
		 pid_tgid, bpf_ktime_get_ns(), 0, 0);
	__builtin_memset(&e->sig, 0, sizeof(*e) - sizeof(e->hdr));
	if (!sender)
		e->hdr.flags |= IPC_EVF_PEER;
	e->sig = sig;
	e->target_pid = tgt;
	e->target_tid = BPF_CORE_READ(task, pid);
	e->result = result;
	if (group)
		e->sflags |= IPC_SIGF_GROUP;
	siginfo_fill(e, info);
	if (in_send_syscall())
		e->sflags |= IPC_SIGF_IN_SEND;
	else
		e->hdr.flags |= IPC_EVF_KERNEL;
	BPF_CORE_READ_STR_INTO(&e->target_comm, task, comm);
	ev_submit(e);
	return 0;
}

static __always_inline int on_signal_deliver(int sig, struct kernel_siginfo *info,
					     struct k_sigaction *ka)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ipc_ev_signal *e;

	if (!family_on(IPC_FAM_SIGNAL) || !proc_wanted(pid_tgid))
		return 0;
	e = ev_reserve(sizeof(*e));
	if (!e)
		return 0;
	hdr_fill(&e->hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_DELIVER, IPC_SYS_HOOK_SIGNAL_DELIVER,
		 pid_tgid, bpf_ktime_get_ns(), 0, 0);
	__builtin_memset(&e->sig, 0, sizeof(*e) - sizeof(e->hdr));
	e->sig = sig;
	e->target_pid = pid_tgid >> 32;
	e->target_tid = (__u32)pid_tgid;
	e->result = -1;
	siginfo_fill(e, info);
	e->handler = (__u64)BPF_CORE_READ(ka, sa.sa_handler);
	e->handler_flags = BPF_CORE_READ(ka, sa.sa_flags);
	bpf_get_current_comm(e->target_comm, sizeof(e->target_comm));
	ev_submit(e);
	return 0;
}

#endif /* IPCTRACE_SIGNAL_BPF_H */
