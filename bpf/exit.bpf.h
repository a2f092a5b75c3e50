/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every syscall-exit handler gets: the entry state and the exit facts.
 * BPF functions take at most five arguments, so they travel together.
 */
#ifndef IPCTRACE_EXIT_BPF_H
#define IPCTRACE_EXIT_BPF_H

#include "common.bpf.h"

struct xctx {
	void *ctx;		/* program context, for stack capture */
	__u64 pid_tgid;
	__u64 now;
	__s64 ret;
	__u16 flags;		/* IPC_EVF_BLOCKED, IPC_EVF_PEER */
};

/* Fill a header from the entry and exit; capture the stack if it blocked. */
static __always_inline void xhdr(struct ipc_hdr *h, const struct xctx *x,
				 const struct ipc_inflight *inf, __u16 type, __u16 op)
{
	hdr_fill(h, type, op, inf->sys, x->pid_tgid, inf->ts_ns, x->now - inf->ts_ns, x->ret);
	h->flags = x->flags;
	if (x->flags & IPC_EVF_BLOCKED)
		hdr_stack(x->ctx, h);
}

static __always_inline __s64 read_timespec_ns(__u64 uptr)
{
	struct __kernel_timespec ts;

	if (!uptr || bpf_probe_read_user(&ts, sizeof(ts), (void *)uptr))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif /* IPCTRACE_EXIT_BPF_H */
