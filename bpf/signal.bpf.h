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
	/* who sent it, from where: the sender side of a lost or stray signal */
	if (!(x->flags & IPC_EVF_BLOCKED))
		hdr_stack_sys(x, &e->hdr);
	ev_submit(e);
}

/*
 * rt_sigreturn: a signal handler returns into the code it interrupted.  It
 * does not return to its caller, so the record is made at entry.
 */
static __noinline void signal_return_enter(__u64 pid_tgid)
{
	struct ipc_ev_signal *e = ev_reserve(sizeof(*e));

	if (!e)
		return;
	hdr_fill(&e->hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_RETURN, IPC_SYS_RT_SIGRETURN, pid_tgid,
		 bpf_ktime_get_ns(), 0, 0);
	__builtin_memset(&e->sig, 0, sizeof(*e) - sizeof(e->hdr));
	e->target_pid = pid_tgid >> 32;
	e->target_tid = (__u32)pid_tgid;
	e->result = -1;
	ev_submit(e);
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

/*
 * Does the running task act for itself?  A signal that a timer, the network
 * or a device raises comes from an interrupt, where the running task is
 * whoever happened to be on the CPU.  The preempt count would say so, but
 * it is a per-CPU variable that BPF reaches only through kallsyms' data
 * symbols (CONFIG_KALLSYMS_ALL, often off).  So, two facts the task has:
 * where the tracepoint's arguments are (the kernel keeps them on the stack
 * it runs on, bpf_trace_runN), and how the task entered the kernel (its
 * user registers).  An interrupt of kernel code runs on the interrupt
 * stack; an interrupt of user code stays on the task's stack, but its
 * registers then say "no syscall" (orig_ax -1 on x86-64, syscallno -1 on
 * arm64).  A syscall or a fault of the task's own leaves a number >= 0.
 * An exiting task runs its exit on its own behalf, however it got there.
 */
#define THREAD_SIZE_DEFAULT	(16u << 10)
#define PF_IDLE			0x00000002
#define PF_EXITING		0x00000004
#define PF_KTHREAD		0x00200000

static __always_inline bool on_task_stack(void *ctx, struct task_struct *cur)
{
	__u64 base = (__u64)cur->stack, size = THREAD_SIZE_DEFAULT, at = (__u64)ctx;
	struct vm_struct *vm = cur->stack_vm_area;

	if (vm)
		size = (__u64)vm->nr_pages << PAGE_SHIFT;
	barrier_var(at);
	return at >= base && at < base + size;
}

/* The task acts for itself; *nr is its syscall number (or fault code, -1: none). */
static __always_inline bool task_acts(void *ctx, struct task_struct *cur, __s64 *nr)
{
	struct pt_regs *regs;

	*nr = -1;
	if (cur->flags & (PF_KTHREAD | PF_IDLE) || !on_task_stack(ctx, cur))
		return false;
	regs = (struct pt_regs *)bpf_task_pt_regs(cur);
	if (regs)
		*nr = SC_NR(regs);
	return *nr >= 0 || (cur->flags & PF_EXITING);
}

#define SIGALRM		14
#define SIGXCPU		24
#define SIGVTALRM	26
#define SIGPROF		27
#define SI_TIMER	(-2)
#define CLD_EXITED	1
#define CLD_CONTINUED	6

/*
 * A timer's signal: a POSIX timer's (SI_TIMER), or an interval timer's or
 * the CPU time limit's, which the kernel sends with SEND_SIG_PRIV.  Either
 * goes to the process that owns the timer.
 */
static __always_inline bool timer_signal(const struct ipc_ev_signal *e)
{
	if (e->sflags & IPC_SIGF_PRIV)
		return e->sig == SIGALRM || e->sig == SIGVTALRM || e->sig == SIGPROF ||
		       e->sig == SIGXCPU;
	return e->code == SI_TIMER && !(e->sflags & IPC_SIGF_NOINFO);
}

/* A child's news to its parent (or tracer): exited, killed, stopped, continued. */
static __always_inline bool child_notice(const struct ipc_ev_signal *e, struct task_struct *cur)
{
	if (e->sflags & (IPC_SIGF_NOINFO | IPC_SIGF_PRIV) || e->code < CLD_EXITED ||
	    e->code > CLD_CONTINUED)
		return false;
	return cur->real_parent->tgid == e->target_pid || cur->parent->tgid == e->target_pid;
}

/* Whom a signal is credited to: the record's pid, tid and comm. */
enum sig_credit {
	CREDIT_SENDER,		/* the running task sent it with a syscall */
	CREDIT_CAUSE,		/* the kernel sent it for the running task (SIGCHLD, SIGPIPE...) */
	CREDIT_OWNER,		/* a timer of the target's process */
	CREDIT_KERNEL,		/* nobody to name: an interrupt, a kernel thread */
};

/*
 * The running task is the sender only when it acts for itself inside a
 * signal-sending syscall and the code is one a sender gives (SI_USER,
 * SI_TKILL, SI_QUEUE...: <= 0), whether ipctrace traces it or not.  The
 * kernel sends everything else: for a timer's owner, for the child whose
 * news a SIGCHLD is, for the running task when it acts for itself (a
 * writer's SIGPIPE, a fault, an mq notification), or for nobody we can
 * name (an interrupt, a kernel thread).
 */
static __always_inline enum sig_credit sig_credit(void *ctx, struct ipc_ev_signal *e,
						   struct task_struct *cur)
{
	__s64 nr;
	bool acts = task_acts(ctx, cur, &nr);

	if (acts && e->code <= 0 && !(e->sflags & (IPC_SIGF_NOINFO | IPC_SIGF_PRIV)) &&
	    (__u64)nr < IPC_SC_TABLE_SIZE && sys_sends_signal(sc_table[nr])) {
		e->sflags |= IPC_SIGF_IN_SEND;
		return CREDIT_SENDER;
	}
	e->hdr.flags |= IPC_EVF_KERNEL;
	if (child_notice(e, cur))
		return CREDIT_CAUSE;
	if (!acts)
		e->sflags |= IPC_SIGF_IRQ;
	if (timer_signal(e))
		return CREDIT_OWNER;
	return acts ? CREDIT_CAUSE : CREDIT_KERNEL;
}

/* The record names the process credited: the running task, the target, or the kernel (0). */
static __always_inline bool sig_credit_apply(struct ipc_ev_signal *e, enum sig_credit credit,
					     __u64 pid_tgid)
{
	switch (credit) {
	case CREDIT_OWNER:
		e->hdr.pid = e->target_pid;
		e->hdr.tid = e->target_tid;
		__builtin_memcpy(e->hdr.comm, e->target_comm, sizeof(e->hdr.comm));
		return tgid_wanted(e->target_pid);
	case CREDIT_KERNEL:
		e->hdr.pid = 0;
		e->hdr.tid = 0;
		__builtin_memset(e->hdr.comm, 0, sizeof(e->hdr.comm));
		__builtin_memcpy(e->hdr.comm, "kernel", 6);
		return false;
	default:
		return proc_wanted(pid_tgid);
	}
}

static __always_inline int on_signal_generate(void *ctx, int sig, struct kernel_siginfo *info,
					      struct task_struct *task, int group, int result)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct ipc_ev_signal *e;
	enum sig_credit credit;
	bool credited;

	if (!family_on(IPC_FAM_SIGNAL) ||
	    (!proc_wanted(pid_tgid) && !tgid_wanted(BPF_CORE_READ(task, tgid))))
		return 0;
	e = ev_reserve(sizeof(*e));
	if (!e)
		return 0;
	hdr_fill(&e->hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_GENERATE, IPC_SYS_HOOK_SIGNAL_GENERATE,
		 pid_tgid, bpf_ktime_get_ns(), 0, 0);
	__builtin_memset(&e->sig, 0, sizeof(*e) - sizeof(e->hdr));
	e->sig = sig;
	e->target_pid = BPF_CORE_READ(task, tgid);
	e->target_tid = BPF_CORE_READ(task, pid);
	e->result = result;
	if (group)
		e->sflags |= IPC_SIGF_GROUP;
	siginfo_fill(e, info);
	BPF_CORE_READ_STR_INTO(&e->target_comm, task, comm);
	credit = sig_credit(ctx, e, bpf_get_current_task_btf());
	credited = sig_credit_apply(e, credit, pid_tgid);
	/* reported when the process credited or the target is traced: not for a bystander */
	if (!credited && !tgid_wanted(e->target_pid)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}
	if (!credited && credit != CREDIT_KERNEL)
		e->hdr.flags |= IPC_EVF_PEER;
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
