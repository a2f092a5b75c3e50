/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every syscall-exit handler gets: the entry state and the exit facts.
 * BPF functions take at most five arguments, so they travel together.
 */
#ifndef IPCTRACE_EXIT_BPF_H
#define IPCTRACE_EXIT_BPF_H

#include "common.bpf.h"
#include "arch.bpf.h"

struct xctx {
	void *ctx;		/* program context, for stack capture */
	struct pt_regs *regs;	/* the user registers */
	__u64 pid_tgid;
	__u64 now;
	__s64 ret;
	__u16 flags;		/* IPC_EVF_BLOCKED, IPC_EVF_PEER */
};

/*
 * The user stack of a syscall.  Walking it costs about a microsecond (the
 * walk ends in a fault at the outermost frame), and a loop that blocks in
 * the same call again and again does so from the same place: so the task's
 * last stack is used again when the syscall's return address, the stack
 * and frame pointers and the frame's own return address are all the same.
 */
static __noinline void hdr_stack_sys(const struct xctx *x, struct ipc_hdr *h)
{
	struct task_state *ts = task_state(false);
	__u64 where[4];

	if (!want_stacks)
		return;
	where[0] = UREG_IP(x->regs);
	where[1] = UREG_SP(x->regs);
	where[2] = UREG_FP(x->regs);
	where[3] = 0;
	bpf_probe_read_user(&where[3], sizeof(where[3]), (void *)(where[2] + 8));
	if (ts && ts->stk_id >= 0 && ts->stk_where[0] == where[0] &&
	    ts->stk_where[1] == where[1] && ts->stk_where[2] == where[2] &&
	    ts->stk_where[3] == where[3]) {
		h->stack_id = ts->stk_id;
		return;
	}
	hdr_stack(x->ctx, h);
	if (ts && h->stack_id >= 0) {
		ts->stk_id = h->stack_id;
		__builtin_memcpy(ts->stk_where, where, sizeof(where));
	}
}

/* Fill a header from the entry and exit; capture the stack if it blocked. */
static __always_inline void xhdr(struct ipc_hdr *h, const struct xctx *x,
				 const struct ipc_inflight *inf, __u16 type, __u16 op)
{
	hdr_fill(h, type, op, inf->sys, x->pid_tgid, inf->ts_ns, x->now - inf->ts_ns, x->ret);
	h->flags = x->flags;
	if (x->flags & IPC_EVF_BLOCKED)
		hdr_stack_sys(x, h);
}

static __always_inline __s64 read_timespec_ns(__u64 uptr)
{
	struct __kernel_timespec ts;

	if (!uptr || bpf_probe_read_user(&ts, sizeof(ts), (void *)uptr))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif /* IPCTRACE_EXIT_BPF_H */
