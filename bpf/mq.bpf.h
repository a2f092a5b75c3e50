/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * POSIX message queues: mq_open, mq_timedsend, mq_timedreceive, mq_notify,
 * mq_getsetattr, mq_unlink.  A queue is named by its mqueue inode; the name
 * comes from the dentry, so queues opened before the trace are named too.
 */
#ifndef IPCTRACE_MQ_BPF_H
#define IPCTRACE_MQ_BPF_H

#include "obj.bpf.h"
#include "exit.bpf.h"

#define SIGEV_NONE	1

/* Entry of a call on an mqd: it must be a queue. */
static __always_inline int mq_enter(struct ipc_inflight *inf)
{
	if (inf->sys == IPC_SYS_MQ_OPEN || inf->sys == IPC_SYS_MQ_UNLINK)
		return 0;
	return obj_from_fd(inf->args[0], &inf->obj) != IPC_OBJ_MQ;
}

/* "/name" from the queue's dentry, and the messages queued now. */
static __noinline void mq_describe(int mqd, struct ipc_ev_mq *e)
{
	struct file *f = fd_file(mqd);
	struct mqueue_inode_info *info;
	struct inode *inode;
	const unsigned char *name;

	e->curmsgs = -1;
	if (!f)
		return;
	name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
	e->name[0] = '/';
	if (bpf_probe_read_kernel_str(&e->name[1], sizeof(e->name) - 1, name) < 0)
		e->name[0] = 0;
	inode = BPF_CORE_READ(f, f_inode);
	info = container_of(inode, struct mqueue_inode_info, vfs_inode);
	e->curmsgs = BPF_CORE_READ(info, attr.mq_curmsgs);
}

static __noinline void mq_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	struct ipc_ev_mq *e = ev_reserve(sizeof(*e));
	__u16 op;

	if (!e)
		return;
	switch (inf->sys) {
	case IPC_SYS_MQ_OPEN:		op = IPC_OP_MQ_OPEN; break;
	case IPC_SYS_MQ_UNLINK:		op = IPC_OP_MQ_UNLINK; break;
	case IPC_SYS_MQ_TIMEDSEND:	op = IPC_OP_MQ_SEND; break;
	case IPC_SYS_MQ_TIMEDRECEIVE:	op = IPC_OP_MQ_RECEIVE; break;
	case IPC_SYS_MQ_NOTIFY:		op = IPC_OP_MQ_NOTIFY; break;
	default:			op = IPC_OP_MQ_GETSETATTR; break;
	}
	xhdr(&e->hdr, x, inf, IPC_REC_MQ, op);
	__builtin_memset(&e->obj, 0, sizeof(*e) - sizeof(e->hdr));
	e->mqd = -1;
	e->timeout_ns = -1;
	e->curmsgs = -1;
	switch (op) {
	case IPC_OP_MQ_OPEN:
	case IPC_OP_MQ_UNLINK:
		/* glibc passes the name without its leading '/' */
		e->name[0] = '/';
		read_user_name(&e->name[1], sizeof(e->name) - 1, (void *)inf->args[0], &e->hdr);
		if (op == IPC_OP_MQ_OPEN) {
			e->oflag = inf->args[1];
			e->mode = inf->args[2];
			if (x->ret >= 0) {
				e->mqd = x->ret;
				obj_from_fd(x->ret, &e->obj);
			}
		}
		break;
	default:
		e->mqd = inf->args[0];
		__builtin_memcpy(&e->obj, &inf->obj, sizeof(inf->obj));
		mq_describe(e->mqd, e);
		break;
	}
	if (op == IPC_OP_MQ_SEND || op == IPC_OP_MQ_RECEIVE) {
		e->len = inf->args[2];
		e->timeout_ns = read_timespec_ns(inf->args[4]);
		if (op == IPC_OP_MQ_SEND)
			e->prio = inf->args[3];
		else if (inf->args[3] && x->ret >= 0)
			bpf_probe_read_user(&e->prio, sizeof(e->prio), (void *)inf->args[3]);
	} else if (op == IPC_OP_MQ_NOTIFY) {
		int sev[4] = {};	/* sigev_value (8 bytes), sigev_signo, sigev_notify */

		e->notify = -1;
		if (inf->args[1] && !bpf_probe_read_user(sev, sizeof(sev), (void *)inf->args[1])) {
			e->notify_sig = sev[2];
			e->notify = sev[3];
		}
	}
	if (!(x->flags & IPC_EVF_PEER))
		watch_obj(&e->obj);
	ev_submit(e);
}

#endif /* IPCTRACE_MQ_BPF_H */
