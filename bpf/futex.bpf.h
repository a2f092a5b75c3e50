/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Futexes: futex(2) with every op, futex_waitv(2), and the futex2 calls
 * futex_wait/futex_wake/futex_requeue (Linux 6.7) where the kernel has them.
 *
 * Private futexes are named by (process, address).  A shared futex is
 * named the way the kernel keys it: the inode behind the mapping and the
 * word's offset in it, found with bpf_find_vma(), so two processes that map
 * the same memory at different addresses still meet at one futex.
 */
#ifndef IPCTRACE_FUTEX_BPF_H
#define IPCTRACE_FUTEX_BPF_H

#include "obj.bpf.h"
#include "exit.bpf.h"
#include "arch.bpf.h"

/* futex(2) ops, include/uapi/linux/futex.h */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_LOCK_PI		6
#define FUTEX_UNLOCK_PI		7
#define FUTEX_TRYLOCK_PI	8
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_WAIT_REQUEUE_PI	11
#define FUTEX_CMP_REQUEUE_PI	12
#define FUTEX_LOCK_PI2		13
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		0x7f
#define FUTEX2_PRIVATE		128
#define VM_SHARED		0x8

struct futex_vma_key {
	__u64 addr;
	__u64 ino;
	__u64 off;
	__u32 dev;
	__u32 found;
};

static long futex_vma_cb(struct task_struct *task, struct vm_area_struct *vma, void *data)
{
	struct futex_vma_key *k = data;
	struct file *f = BPF_CORE_READ(vma, vm_file);

	if (!f || !(BPF_CORE_READ(vma, vm_flags) & VM_SHARED))
		return 0;
	k->ino = BPF_CORE_READ(f, f_inode, i_ino);
	k->dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	k->off = k->addr - BPF_CORE_READ(vma, vm_start) +
		 (BPF_CORE_READ(vma, vm_pgoff) << PAGE_SHIFT);
	k->found = 1;
	return 0;
}

static __always_inline void futex_watch_key(const struct ipc_inflight *inf,
					    struct ipc_watch_key *k)
{
	ipc_futex_watch_key(inf->key_dev, inf->key_ino, inf->key_off, k);
}

/* The first futex word of a futex_waitv/futex_requeue vector, and its flags. */
static __always_inline __u64 waitv_uaddr(__u64 uvec, __u32 i, __u32 *flags)
{
	struct futex_waitv w = {};

	if (bpf_probe_read_user(&w, sizeof(w), (void *)(uvec + i * sizeof(w))))
		return 0;
	if (flags)
		*flags = w.flags;
	return w.uaddr;
}

/* Entry: read the word (mutex state, PI owner) and key shared futexes. */
static __noinline int futex_enter(struct ipc_inflight *inf)
{
	struct futex_vma_key vk = {};
	__u32 wflags = 0;
	bool private;

	switch (inf->sys) {
	case IPC_SYS_FUTEX:
		vk.addr = inf->args[0];
		private = inf->args[1] & FUTEX_PRIVATE_FLAG;
		break;
	case IPC_SYS_FUTEX_WAIT:
	case IPC_SYS_FUTEX_WAKE:
		vk.addr = inf->args[0];
		private = inf->args[3] & FUTEX2_PRIVATE;
		break;
	default:	/* futex_waitv, futex_requeue: a vector of struct futex_waitv */
		vk.addr = waitv_uaddr(inf->args[0], 0, &wflags);
		private = wflags & FUTEX2_PRIVATE;
		break;
	}
	if (vk.addr && !bpf_probe_read_user(&inf->word, sizeof(inf->word), (void *)vk.addr))
		inf->iflags |= IPC_INF_WORD_OK;
	if (!private && vk.addr) {
		bpf_find_vma(bpf_get_current_task_btf(), vk.addr, futex_vma_cb, &vk, 0);
		if (vk.found) {
			inf->key_ino = vk.ino;
			inf->key_off = vk.off;
			inf->key_dev = vk.dev;
			inf->iflags |= IPC_INF_SHARED_KEY;
		}
	}
	if (inf->iflags & IPC_INF_PEER) {
		struct ipc_watch_key k;

		if (!(inf->iflags & IPC_INF_SHARED_KEY))
			return 1;
		futex_watch_key(inf, &k);
		if (!bpf_map_lookup_elem(&watched, &k))
			return 1;
	}
	return 0;
}

static __always_inline __u16 futex_cmd_op(__u32 cmd)
{
	switch (cmd & FUTEX_CMD_MASK) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:		return IPC_OP_FUTEX_WAIT;
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:		return IPC_OP_FUTEX_WAKE;
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:		return IPC_OP_FUTEX_REQUEUE;
	case FUTEX_WAKE_OP:		return IPC_OP_FUTEX_WAKE_OP;
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:		return IPC_OP_FUTEX_LOCK_PI;
	case FUTEX_UNLOCK_PI:		return IPC_OP_FUTEX_UNLOCK_PI;
	case FUTEX_TRYLOCK_PI:		return IPC_OP_FUTEX_TRYLOCK_PI;
	case FUTEX_WAIT_REQUEUE_PI:	return IPC_OP_FUTEX_WAIT_REQUEUE_PI;
	case FUTEX_CMP_REQUEUE_PI:	return IPC_OP_FUTEX_CMP_REQUEUE_PI;
	default:			return IPC_OP_FUTEX_OTHER;
	}
}

/* futex(2): decode the op word and its overloaded fourth argument. */
static __always_inline void futex_fill_legacy(struct ipc_ev_futex *e,
					      const struct ipc_inflight *inf)
{
	__u32 cmd = inf->args[1];

	e->hdr.op = futex_cmd_op(cmd);
	e->uaddr = inf->args[0];
	e->cmd = cmd;
	e->val = inf->args[2];
	if (cmd & FUTEX_PRIVATE_FLAG)
		e->fflags |= IPC_FUTEX_PRIVATE;
	if (cmd & FUTEX_CLOCK_REALTIME)
		e->fflags |= IPC_FUTEX_CLOCK_RT;
	switch (cmd & FUTEX_CMD_MASK) {
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_WAKE_OP:
	case FUTEX_CMP_REQUEUE_PI:
		e->val2 = inf->args[3];	/* a count, not a timeout */
		e->uaddr2 = inf->args[4];
		break;
	case FUTEX_WAIT_REQUEUE_PI:
		e->uaddr2 = inf->args[4];
		/* fall through: it has a timeout too */
	default:
		if (inf->args[3]) {
			__s64 t = read_timespec_ns(inf->args[3]);

			e->timeout_ns = t > 0 ? t : 0;
			e->fflags |= IPC_FUTEX_TIMEOUT;
		}
		break;
	}
	e->val3 = inf->args[5];
}

/* The futex2 syscalls: futex_wait, futex_wake, futex_waitv, futex_requeue. */
static __always_inline void futex_fill_v2(struct ipc_ev_futex *e, const struct ipc_inflight *inf,
					  __s64 ret)
{
	__u32 wflags = 0;
	__u64 tmo = 0;

	switch (inf->sys) {
	case IPC_SYS_FUTEX_WAIT:	/* uaddr, val, mask, flags, timeout, clockid */
		e->hdr.op = IPC_OP_FUTEX_WAIT;
		e->uaddr = inf->args[0];
		e->val = inf->args[1];
		e->val3 = inf->args[2];
		e->val2 = wflags = inf->args[3];
		tmo = inf->args[4];
		break;
	case IPC_SYS_FUTEX_WAKE:	/* uaddr, mask, nr, flags */
		e->hdr.op = IPC_OP_FUTEX_WAKE;
		e->uaddr = inf->args[0];
		e->val3 = inf->args[1];
		e->val = inf->args[2];
		e->val2 = wflags = inf->args[3];
		break;
	case IPC_SYS_FUTEX_WAITV: {	/* waiters, nr, flags, timeout, clockid */
		__u32 i = ret > 0 && ret < inf->args[1] ? ret : 0;

		e->hdr.op = IPC_OP_FUTEX_WAITV;
		e->uaddr = waitv_uaddr(inf->args[0], i, &wflags);
		e->nr = inf->args[1];
		e->val2 = inf->args[2];
		tmo = inf->args[3];
		break;
	}
	default:			/* futex_requeue: waiters[2], flags, nr_wake, nr_requeue */
		e->hdr.op = IPC_OP_FUTEX_REQUEUE;
		e->uaddr = waitv_uaddr(inf->args[0], 0, &wflags);
		e->uaddr2 = waitv_uaddr(inf->args[0], 1, NULL);
		e->val = inf->args[2];
		e->val2 = inf->args[3];
		break;
	}
	e->cmd = inf->sys;
	if (wflags & FUTEX2_PRIVATE)
		e->fflags |= IPC_FUTEX_PRIVATE;
	if (tmo) {
		__s64 t = read_timespec_ns(tmo);

		e->timeout_ns = t > 0 ? t : 0;
		e->fflags |= IPC_FUTEX_TIMEOUT;
	}
}

static __always_inline bool futex_op_wakes(__u16 op)
{
	return op == IPC_OP_FUTEX_WAKE || op == IPC_OP_FUTEX_REQUEUE ||
	       op == IPC_OP_FUTEX_WAKE_OP || op == IPC_OP_FUTEX_UNLOCK_PI ||
	       op == IPC_OP_FUTEX_CMP_REQUEUE_PI;
}

static __noinline void futex_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	struct ipc_ev_futex *e = ev_reserve(sizeof(*e));

	if (!e)
		return;
	xhdr(&e->hdr, x, inf, IPC_REC_FUTEX, IPC_OP_FUTEX_OTHER);
	__builtin_memset(&e->uaddr, 0, sizeof(*e) - sizeof(e->hdr));
	if (inf->sys == IPC_SYS_FUTEX)
		futex_fill_legacy(e, inf);
	else
		futex_fill_v2(e, inf, x->ret);
	if (inf->iflags & IPC_INF_WORD_OK) {
		e->word = inf->word;
		e->fflags |= IPC_FUTEX_WORD_OK;
	}
	if (inf->iflags & IPC_INF_SHARED_KEY) {
		e->key_ino = inf->key_ino;
		e->key_off = inf->key_off;
		e->key_dev = inf->key_dev;
		e->fflags |= IPC_FUTEX_SHARED_KEY;
		if (watch_peers && !(x->flags & IPC_EVF_PEER)) {
			struct ipc_watch_key k;

			futex_watch_key(inf, &k);
			watch_add_key(&k);
		}
	}
	/*
	 * The waker's stack shows where a contended lock is released, and where
	 * a wake that woke nobody came from (a lost wakeup's first side).
	 */
	if (!(x->flags & IPC_EVF_BLOCKED) && x->ret >= 0 && futex_op_wakes(e->hdr.op))
		hdr_stack_sys(x, &e->hdr);
	ev_submit(e);
}

#endif /* IPCTRACE_FUTEX_BPF_H */
