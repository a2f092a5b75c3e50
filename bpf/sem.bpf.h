/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * SysV semaphores: semget, semop, semtimedop, semctl.  A set is named by
 * its id, which is global, so every process using it meets at one object.
 */
#ifndef IPCTRACE_SEM_BPF_H
#define IPCTRACE_SEM_BPF_H

#include "obj.bpf.h"
#include "exit.bpf.h"

/* Entry: another process's semop counts only on a set a target uses. */
static __always_inline int sem_enter(struct ipc_inflight *inf)
{
	struct ipc_watch_key k;

	if (!(inf->iflags & IPC_INF_PEER))
		return 0;
	if (inf->sys != IPC_SYS_SEMOP && inf->sys != IPC_SYS_SEMTIMEDOP)
		return 1;
	ipc_sem_watch_key(inf->args[0], &k);
	return bpf_map_lookup_elem(&watched, &k) == NULL;
}

static __noinline void sem_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	struct ipc_ev_sem *e = ev_reserve(sizeof(*e));
	struct sembuf sb;
	__u16 op;

	if (!e)
		return;
	op = inf->sys == IPC_SYS_SEMGET ? IPC_OP_SEM_GET :
	     inf->sys == IPC_SYS_SEMCTL ? IPC_OP_SEM_CTL : IPC_OP_SEM_OP;
	xhdr(&e->hdr, x, inf, IPC_REC_SEM, op);
	__builtin_memset(&e->semid, 0, sizeof(*e) - sizeof(e->hdr));
	e->timeout_ns = -1;
	if (op == IPC_OP_SEM_GET) {
		e->semid = x->ret;
		e->key = inf->args[0];
		e->cmd = inf->args[1];	/* nsems */
		e->flags = inf->args[2];
	} else if (op == IPC_OP_SEM_CTL) {
		e->semid = inf->args[0];
		e->sem_num[0] = inf->args[1];
		e->cmd = inf->args[2];
	} else {
		e->semid = inf->args[0];
		e->nsops = inf->args[2];
		for (int i = 0; i < IPC_SEM_MAX_SOPS; i++) {
			if (i >= e->nsops)
				break;
			if (bpf_probe_read_user(&sb, sizeof(sb),
						(void *)(inf->args[1] + i * sizeof(sb))))
				break;
			e->sem_num[i] = sb.sem_num;
			e->sem_op[i] = sb.sem_op;
			e->sem_flg[i] = sb.sem_flg;
		}
		if (inf->sys == IPC_SYS_SEMTIMEDOP)
			e->timeout_ns = read_timespec_ns(inf->args[3]);
	}
	if (watch_peers && !(x->flags & IPC_EVF_PEER) && e->semid >= 0) {
		struct ipc_watch_key k;

		ipc_sem_watch_key(e->semid, &k);
		watch_add_key(&k);
	}
	ev_submit(e);
}

#endif /* IPCTRACE_SEM_BPF_H */
