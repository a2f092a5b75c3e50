/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --locks: pthread mutex/rwlock/condvar and POSIX semaphore calls, seen by
 * a uprobe at the function's entry and a uretprobe at its return, emitted
 * at the return as one struct ipc_ev_lock (see the ABI header for what the
 * fields mean).
 *
 * Two programs serve every function: userspace (src/probe/locks.c) attaches them
 * once per function and library with the function (enum ipc_lock_func) as
 * the BPF cookie, so nothing here depends on where the library is mapped.
 * The entry keeps what the return needs in a per-thread map; the return
 * finds it, checks that it is this call's, emits, and clears it.
 *
 * The probes may be attached for every process (pid -1, so that followed
 * children are covered): the pid filter is the first thing both run.
 */
#ifndef IPCTRACE_LOCKS_BPF_H
#define IPCTRACE_LOCKS_BPF_H

#include "common.bpf.h"

/*
 * glibc's pthread_rwlock_t on 64-bit targets: __cur_writer, the tid of the
 * writer holding it, is the int at this offset (sysdeps/nptl/bits/
 * struct_rwlock.h).  pthread_rwlock_unlock() itself tells a write unlock
 * from a read unlock by comparing it with the caller's tid; so do we.
 */
#define GLIBC_RWLOCK_CUR_WRITER_OFF	24

/* What the return needs from the entry (per-thread: task storage). */
struct lock_call {
	__u64 ts_ns;		/* entry */
	__u64 addr;		/* first argument: the lock, condvar or semaphore */
	__u64 addr2;		/* cond waits: the mutex */
	__u64 call_ip;		/* the caller's return address, 0 if unreadable */
	__u32 func;		/* enum ipc_lock_func from the entry's cookie; 0: no call */
	__u32 kind;		/* enum ipc_lock_kind */
	__u32 nvcsw;		/* voluntary context switches at entry */
	__u32 _pad;
};

/*
 * The call in progress of each thread.  Task storage rather than a hash by
 * tid: no insert and delete per call, and a thread that dies inside a call
 * (a process killed while its threads wait on a condvar) takes its entry
 * with it instead of leaking it.  func == 0 marks an empty slot.
 */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lock_call);
} lock_calls SEC(".maps");

static __always_inline __u32 lock_kind_of(__u32 func)
{
	switch (func) {
	case IPC_LOCKFN_MUTEX_LOCK:
	case IPC_LOCKFN_MUTEX_TRYLOCK:
	case IPC_LOCKFN_MUTEX_TIMEDLOCK:
	case IPC_LOCKFN_MUTEX_UNLOCK:
	case IPC_LOCKFN_MUTEX_DESTROY:
		return IPC_LOCK_MUTEX;
	case IPC_LOCKFN_RWLOCK_RDLOCK:
	case IPC_LOCKFN_RWLOCK_TRYRDLOCK:
	case IPC_LOCKFN_RWLOCK_TIMEDRDLOCK:
		return IPC_LOCK_RWLOCK_RD;
	case IPC_LOCKFN_RWLOCK_WRLOCK:
	case IPC_LOCKFN_RWLOCK_TRYWRLOCK:
	case IPC_LOCKFN_RWLOCK_TIMEDWRLOCK:
		return IPC_LOCK_RWLOCK_WR;
	case IPC_LOCKFN_COND_WAIT:
	case IPC_LOCKFN_COND_TIMEDWAIT:
	case IPC_LOCKFN_COND_SIGNAL:
	case IPC_LOCKFN_COND_BROADCAST:
		return IPC_LOCK_COND;
	default:
		return IPC_LOCK_SEM;
	}
}

static __always_inline __u16 lock_op_of(__u32 func)
{
	switch (func) {
	case IPC_LOCKFN_MUTEX_TRYLOCK:
	case IPC_LOCKFN_RWLOCK_TRYRDLOCK:
	case IPC_LOCKFN_RWLOCK_TRYWRLOCK:
	case IPC_LOCKFN_SEM_TRYWAIT:
		return IPC_OP_LOCK_TRY;
	case IPC_LOCKFN_MUTEX_UNLOCK:
	case IPC_LOCKFN_RWLOCK_UNLOCK:
	case IPC_LOCKFN_SEM_POST:
		return IPC_OP_LOCK_RELEASE;
	case IPC_LOCKFN_COND_WAIT:
	case IPC_LOCKFN_COND_TIMEDWAIT:
		return IPC_OP_COND_WAIT;
	case IPC_LOCKFN_COND_SIGNAL:
		return IPC_OP_COND_SIGNAL;
	case IPC_LOCKFN_COND_BROADCAST:
		return IPC_OP_COND_BROADCAST;
	case IPC_LOCKFN_MUTEX_DESTROY:
		return IPC_OP_LOCK_DESTROY;
	default:
		return IPC_OP_LOCK_ACQUIRE;
	}
}

/* At the first instruction of the function: where the call came from. */
static __always_inline __u64 lock_caller_ip(struct pt_regs *ctx)
{
	__u64 ip = 0;

#if defined(__TARGET_ARCH_x86)
	/* call pushed the return address: it is the word on top of the stack */
	if (bpf_probe_read_user(&ip, sizeof(ip), (void *)PT_REGS_SP(ctx))) {
		stat_inc(IPC_STAT_READ_FAULT);
		return 0;
	}
#else
	/* the link register holds it until the function saves it */
	ip = PT_REGS_RET(ctx);
#endif
	return ip;
}

/* An rwlock unlock releases a write lock if the caller is the recorded writer. */
static __always_inline __u32 rwlock_unlock_kind(__u64 rwlock, __u32 tid)
{
	__s32 writer = 0;

	if (bpf_probe_read_user(&writer, sizeof(writer),
				(void *)(rwlock + GLIBC_RWLOCK_CUR_WRITER_OFF))) {
		stat_inc(IPC_STAT_READ_FAULT);
		return IPC_LOCK_RWLOCK_RD;
	}
	return writer == (__s32)tid ? IPC_LOCK_RWLOCK_WR : IPC_LOCK_RWLOCK_RD;
}

static __always_inline int lock_enter(struct pt_regs *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct lock_call *c;
	__u32 func;

	if (!proc_wanted(pid_tgid))
		return 0;
	func = bpf_get_attach_cookie(ctx);
	if (func == IPC_LOCKFN_NONE || func >= IPC_LOCKFN_NR)
		return 0;
	c = bpf_task_storage_get(&lock_calls, bpf_get_current_task_btf(), NULL,
				 BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c) {
		stat_inc(IPC_STAT_INFLIGHT_FULL);
		return 0;
	}
	c->func = func;
	c->addr = PT_REGS_PARM1(ctx);
	c->addr2 = 0;
	if (func == IPC_LOCKFN_COND_WAIT || func == IPC_LOCKFN_COND_TIMEDWAIT)
		c->addr2 = PT_REGS_PARM2(ctx);
	c->kind = lock_kind_of(func);
	if (func == IPC_LOCKFN_RWLOCK_UNLOCK)
		c->kind = rwlock_unlock_kind(c->addr, (__u32)pid_tgid);
	c->call_ip = lock_caller_ip(ctx);
	c->nvcsw = cur_nvcsw();
	/* the timestamp last, so the duration excludes our own entry work */
	c->ts_ns = bpf_ktime_get_ns();
	return 0;
}

/*
 * Acquisitions (also failed timed ones: they waited), waits and destroys
 * carry a stack (a destroy is rare, and a misplaced one needs its place).
 */
static __always_inline bool lock_wants_stack(__u16 op, __s64 ret)
{
	return op == IPC_OP_LOCK_ACQUIRE || op == IPC_OP_COND_WAIT ||
	       op == IPC_OP_LOCK_DESTROY || (op == IPC_OP_LOCK_TRY && ret == 0);
}

static __noinline void lock_emit(struct pt_regs *ctx, const struct lock_call *c, __u64 pid_tgid,
				 __u64 now)
{
	/* every function here returns int: 0, an error number, or -1 (sem_*) */
	__s64 ret = (__s32)PT_REGS_RC(ctx);
	__u16 op = lock_op_of(c->func);
	struct ipc_ev_lock *e;

	e = ev_reserve(sizeof(*e));
	if (!e)
		return;
	hdr_fill(&e->hdr, IPC_REC_LOCK, op, IPC_SYS_HOOK_UPROBE, pid_tgid, c->ts_ns,
		 now - c->ts_ns, ret);
	/* a voluntary context switch during the call means it slept: contended */
	if (cur_nvcsw() != c->nvcsw)
		e->hdr.flags |= IPC_EVF_BLOCKED;
	e->addr = c->addr;
	e->addr2 = c->addr2;
	e->call_ip = c->call_ip;
	e->lock_kind = c->kind;
	e->func = c->func;
	/* from the return: the unwind starts at the call site, with no libc frame */
	if (lock_wants_stack(op, ret))
		hdr_stack(ctx, &e->hdr);
	ev_submit(e);
}

static __always_inline int lock_return(struct pt_regs *ctx)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct lock_call *c;

	if (!proc_wanted(pid_tgid))
		return 0;
	c = bpf_task_storage_get(&lock_calls, bpf_get_current_task_btf(), NULL, 0);
	if (!c || !c->func) {
		stat_inc(IPC_STAT_LOCK_UNMATCHED);
		return 0;
	}
	/*
	 * The entry must be this call's: same function, and we return to where
	 * it was called from.  Otherwise it was left by a call that never
	 * returned through us (longjmp, or a nested call from a signal handler
	 * that replaced it), and this return has no entry of its own.
	 */
	if (c->func != bpf_get_attach_cookie(ctx) ||
	    (c->call_ip && c->call_ip != PT_REGS_IP(ctx)))
		stat_inc(IPC_STAT_LOCK_UNMATCHED);
	else
		lock_emit(ctx, c, pid_tgid, now);
	c->func = IPC_LOCKFN_NONE;
	return 0;
}

#endif /* IPCTRACE_LOCKS_BPF_H */
