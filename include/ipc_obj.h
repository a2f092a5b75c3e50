/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Object logic that the probes and the collector must agree on, written
 * once and compiled by both (the BPF programs and userspace include this
 * header): which family an object kind belongs to, and the key of the
 * watched-object map.  Plain C on the ABI types, no helpers, no libc.
 */
#ifndef IPCTRACE_IPC_OBJ_H
#define IPCTRACE_IPC_OBJ_H

#include "ipctrace_abi.h"

/* The family whose data operations an object kind carries (ipc_kinds.def). */
static inline __attribute__((always_inline)) int ipc_kind_family(unsigned int kind)
{
	switch (kind) {
#define IPC_KIND(id, nr, name, fam) case IPC_OBJ_##id: return IPC_FAM_##fam;
#include "ipc_kinds.def"
#undef IPC_KIND
	default:
		return IPC_FAM_NONE;
	}
}

#define IPC_AF_INET	2

/*
 * One side of an inet connection as 64 bits: the address (IPv6 folded to 64
 * bits) and the port.  The same for both ends' view of the connection.
 */
static inline __attribute__((always_inline)) __u64
ipc_endpoint(const struct ipc_obj *o, const __u8 *addr, __u16 port)
{
	__u64 a, x, y;
	__u32 v4;

	if (o->family == IPC_AF_INET) {
		__builtin_memcpy(&v4, addr, sizeof(v4));
		a = v4;
	} else {
		__builtin_memcpy(&x, addr, sizeof(x));
		__builtin_memcpy(&y, addr + 8, sizeof(y));
		a = x ^ y;
	}
	return (a << 16) | port;
}

/*
 * Key of the watched-object map.  Both ends of a channel, and every process
 * sharing it, must map to the same key: pipes, FIFOs and queues by (ino,
 * dev), whatever their kind, so that the probes' fast path (which does not
 * tell them apart) finds them; a unix socket by its own inode (a target
 * watches its peer's too) and its kind instead of the device (all live in
 * sockfs: one kernel read less); an inet connection by its two endpoints in
 * a fixed order.  Reads only kind, family, ino, dev and the inet endpoints:
 * the fields the fast path fills.
 */
static inline __attribute__((always_inline)) void
ipc_watch_key(const struct ipc_obj *o, struct ipc_watch_key *k)
{
	if (o->kind == IPC_OBJ_TCP || o->kind == IPC_OBJ_UDP) {
		__u64 a = ipc_endpoint(o, o->laddr, o->lport);
		__u64 b = ipc_endpoint(o, o->raddr, o->rport);

		k->a = a < b ? a : b;
		k->b = (a < b ? b : a) ^ ((__u64)o->kind << 56);
		return;
	}
	k->a = o->ino;
	k->b = o->kind == IPC_OBJ_UNIX ? (__u64)IPC_OBJ_UNIX << 32 : o->dev;
}

/* Watch key of a SysV semaphore set. */
static inline __attribute__((always_inline)) void
ipc_sem_watch_key(__s32 semid, struct ipc_watch_key *k)
{
	k->a = (__u32)semid;
	k->b = (__u64)IPC_OBJ_SEM << 32;
}

/* Watch key of a shared futex: the inode behind its mapping and the offset in it. */
static inline __attribute__((always_inline)) void
ipc_futex_watch_key(__u32 dev, __u64 ino, __u64 off, struct ipc_watch_key *k)
{
	k->a = ino ^ ((__u64)dev << 40);
	k->b = off | ((__u64)IPC_OBJ_FUTEX << 56);
}

#endif /* IPCTRACE_IPC_OBJ_H */
