/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Pipes, FIFOs and sockets: data transfer (read/write, send/recv, splice...)
 * and the life of the fds and objects (pipe, FIFO open, socket calls,
 * close, dup).
 */
#ifndef IPCTRACE_IO_BPF_H
#define IPCTRACE_IO_BPF_H

#include "obj.bpf.h"
#include "exit.bpf.h"

/* uapi fcntl values: vmlinux.h has no macros */
#define F_DUPFD		0
#define F_SETFD		2
#define F_DUPFD_CLOEXEC	1030
#define O_CLOEXEC	02000000
#define IO_MAX_IOV	8	/* iovecs summed for the requested size */
#define IO_MAX_MMSG	16	/* mmsghdrs summed for the bytes moved */

static __always_inline bool is_pipe_kind(__u8 kind)
{
	return kind == IPC_OBJ_PIPE || kind == IPC_OBJ_FIFO;
}

static __always_inline bool is_sock_kind(__u8 kind)
{
	return kind == IPC_OBJ_UNIX || kind == IPC_OBJ_TCP || kind == IPC_OBJ_UDP ||
	       kind == IPC_OBJ_INET;
}

static __always_inline bool sys_is_write(__u16 sys)
{
	return sys == IPC_SYS_WRITE || sys == IPC_SYS_WRITEV || sys == IPC_SYS_SENDTO ||
	       sys == IPC_SYS_SENDMSG || sys == IPC_SYS_SENDMMSG;
}

/* The output fd of splice(in, off_in, out, ...) and tee(in, out, ...). */
static __always_inline int io_out_fd(const struct ipc_inflight *inf)
{
	return inf->sys == IPC_SYS_SPLICE ? inf->args[2] : inf->args[1];
}

/* Entry of a data or fd syscall: resolve the fd(s).  1 = not ours, skip. */
static __noinline int io_enter(struct ipc_inflight *inf)
{
	int fd = (int)inf->args[0];

	switch (inf->sys) {
	case IPC_SYS_SPLICE:
	case IPC_SYS_TEE:
		obj_from_fd(fd, &inf->obj);
		obj_from_fd((int)io_out_fd(inf), &inf->obj2);
		return !obj_traced(&inf->obj) && !obj_traced(&inf->obj2);
	case IPC_SYS_VMSPLICE: {
		struct file *f = fd_file(fd);

		obj_from_file(f, &inf->obj);
		inf->word = f ? (BPF_CORE_READ(f, f_mode) & FMODE_WRITE) : 0;
		return !is_pipe_kind(inf->obj.kind) || !obj_traced(&inf->obj);
	}
	case IPC_SYS_FCNTL:
		/* new fds, and the close-on-exec flag the graph follows */
		if (inf->args[1] != F_DUPFD && inf->args[1] != F_DUPFD_CLOEXEC &&
		    inf->args[1] != F_SETFD)
			return 1;
		break;
	default:
		break;
	}
	obj_from_fd(fd, &inf->obj);
	if (!obj_traced(&inf->obj))
		return 1;
	/* an mq fd reads as text (its attributes): that is not queue traffic */
	if (inf->obj.kind == IPC_OBJ_MQ && inf->sys != IPC_SYS_CLOSE && inf->sys != IPC_SYS_DUP &&
	    inf->sys != IPC_SYS_DUP2 && inf->sys != IPC_SYS_DUP3 && inf->sys != IPC_SYS_FCNTL)
		return 1;
	return 0;
}

static __always_inline __u64 iov_total(__u64 uiov, __u64 n)
{
	struct iovec iov;
	__u64 total = 0;

	for (int i = 0; i < IO_MAX_IOV; i++) {
		if (i >= n)
			break;
		if (bpf_probe_read_user(&iov, sizeof(iov), (void *)(uiov + i * sizeof(iov))))
			break;
		total += iov.iov_len;
	}
	return total;
}

static __always_inline __u64 mmsg_bytes(__u64 uvec, __s64 n)
{
	__u32 len;
	__u64 total = 0;

	for (int i = 0; i < IO_MAX_MMSG; i++) {
		if (i >= n)
			break;
		if (bpf_probe_read_user(&len, sizeof(len),
					(void *)(uvec + i * sizeof(struct mmsghdr) +
						 offsetof(struct mmsghdr, msg_len))))
			break;
		total += len;
	}
	return total;
}

/* One data event on one object. */
#define PIPE_BUF_BYTES	4096
#define EPIPE_NR	32

/*
 * Writes that the race patterns name (src/analysis/races_io.c) carry the
 * writer's stack: to a pipe, larger than PIPE_BUF (not atomic) or short,
 * and any write that found no reader (EPIPE).  Rare in correct programs.
 */
static __always_inline bool io_write_risky(const struct ipc_obj *o, __u64 req, __s64 ret)
{
	if (ret == -EPIPE_NR)
		return true;
	return is_pipe_kind(o->kind) && (req > PIPE_BUF_BYTES || (ret >= 0 && (__u64)ret < req));
}

static __noinline void io_emit(const struct xctx *x, const struct ipc_inflight *inf,
			       const struct ipc_obj *o, int fd, bool write)
{
	struct ipc_ev_io *e;
	__u16 op;

	if (is_pipe_kind(o->kind))
		op = write ? IPC_OP_PIPE_WRITE : IPC_OP_PIPE_READ;
	else if (is_sock_kind(o->kind))
		op = write ? IPC_OP_SOCK_SEND : IPC_OP_SOCK_RECV;
	else
		return;
	e = ev_reserve(sizeof(*e));
	if (!e)
		return;
	xhdr(&e->hdr, x, inf, IPC_REC_IO, op);
	__builtin_memcpy(&e->obj, o, sizeof(*o));
	e->fd = fd;
	e->vlen = 0;
	e->req = 0;
	e->msgs = x->ret >= 0 ? 1 : 0;
	e->msg_flags = 0;
	e->bytes = x->ret > 0 ? x->ret : 0;
	switch (inf->sys) {
	case IPC_SYS_READ:
	case IPC_SYS_WRITE:
		e->req = inf->args[2];
		break;
	case IPC_SYS_READV:
	case IPC_SYS_WRITEV:
		e->vlen = inf->args[2];
		e->req = iov_total(inf->args[1], inf->args[2]);
		break;
	case IPC_SYS_SENDTO:
	case IPC_SYS_RECVFROM:
		e->req = inf->args[2];
		e->msg_flags = inf->args[3];
		break;
	case IPC_SYS_SENDMSG:
	case IPC_SYS_RECVMSG: {
		struct user_msghdr *m = (struct user_msghdr *)inf->args[1];
		struct iovec *iov = NULL;
		__u64 n = 0;

		e->msg_flags = inf->args[2];
		if (!bpf_probe_read_user(&iov, sizeof(iov), &m->msg_iov) &&
		    !bpf_probe_read_user(&n, sizeof(n), &m->msg_iovlen)) {
			e->vlen = n;
			e->req = iov_total((__u64)iov, n);
		}
		break;
	}
	case IPC_SYS_SENDMMSG:
	case IPC_SYS_RECVMMSG:
		e->vlen = inf->args[2];
		e->msg_flags = inf->args[3];
		e->msgs = x->ret > 0 ? x->ret : 0;
		e->bytes = x->ret > 0 ? mmsg_bytes(inf->args[1], x->ret) : 0;
		break;
	case IPC_SYS_SPLICE:
	case IPC_SYS_TEE:
	case IPC_SYS_VMSPLICE:
		e->req = inf->args[inf->sys == IPC_SYS_SPLICE ? 4 : 2];
		e->msg_flags = inf->args[inf->sys == IPC_SYS_SPLICE ? 5 : 3];
		break;
	}
	if (write && !(x->flags & IPC_EVF_BLOCKED) && io_write_risky(o, e->req, x->ret))
		hdr_stack_sys(x, &e->hdr);
	ev_submit(e);
}

static __noinline void io_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	switch (inf->sys) {
	case IPC_SYS_SPLICE:
	case IPC_SYS_TEE:
		if (obj_traced(&inf->obj))
			io_emit(x, inf, &inf->obj, inf->args[0], false);
		if (obj_traced(&inf->obj2))
			io_emit(x, inf, &inf->obj2, io_out_fd(inf), true);
		break;
	case IPC_SYS_VMSPLICE:
		io_emit(x, inf, &inf->obj, inf->args[0], inf->word != 0);
		break;
	default:
		io_emit(x, inf, &inf->obj, inf->args[0], sys_is_write(inf->sys));
		break;
	}
	if (!(x->flags & IPC_EVF_PEER)) {
		watch_obj(&inf->obj);
		if (inf->sys == IPC_SYS_SPLICE || inf->sys == IPC_SYS_TEE)
			watch_obj(&inf->obj2);
	}
}

/* sockaddr_un path (abstract names as "@name") into dst. */
static __noinline void read_sun_path(char *dst, __u64 uaddr, __u64 addrlen, struct ipc_hdr *h)
{
	const char *path = (const char *)uaddr + 2;
	__u16 family = 0;
	char first = 0;
	__u32 n;

	if (!uaddr || addrlen <= 2)
		return;
	if (bpf_probe_read_user(&family, sizeof(family), (void *)uaddr) || family != AF_UNIX)
		return;
	if (bpf_probe_read_user(&first, 1, path))
		return;
	if (first) {
		read_user_name(dst, IPC_NAME_LEN, path, h);
		return;
	}
	n = addrlen - 3;
	if (n > IPC_NAME_LEN - 2) {
		n = IPC_NAME_LEN - 2;
		h->flags |= IPC_EVF_TRUNCATED;
	}
	dst[0] = '@';
	/* keep the mask in the code the verifier sees: it bounds the read */
	barrier_var(n);
	n &= IPC_NAME_LEN - 1;
	if (n && bpf_probe_read_user(dst + 1, n, path + 1))
		n = 0;
	dst[(n + 1) & (IPC_NAME_LEN - 1)] = 0;
}

static __always_inline struct ipc_ev_fd *fd_reserve(const struct xctx *x,
						    const struct ipc_inflight *inf, __u16 op)
{
	struct ipc_ev_fd *e = ev_reserve(sizeof(*e));

	if (!e)
		return NULL;
	xhdr(&e->hdr, x, inf, IPC_REC_FD, op);
	__builtin_memset(&e->obj, 0, sizeof(*e) - sizeof(e->hdr));
	e->fd = -1;
	e->fd2 = -1;
	return e;
}

/* pipe/pipe2 and socketpair: the two fds are in a user array. */
static __noinline void fd_pair_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	bool pair = inf->sys == IPC_SYS_SOCKETPAIR;
	struct ipc_ev_fd *e;
	int fds[2] = { -1, -1 };

	if (x->ret == 0 &&
	    bpf_probe_read_user(fds, sizeof(fds), (void *)inf->args[pair ? 3 : 0]))
		stat_inc(IPC_STAT_READ_FAULT);
	e = fd_reserve(x, inf, pair ? IPC_OP_SOCK_PAIR : IPC_OP_PIPE_CREATE);
	if (!e)
		return;
	e->fd = fds[0];
	e->fd2 = fds[1];
	if (x->ret == 0) {
		obj_from_fd(fds[0], &e->obj);
		if (pair)
			obj_from_fd(fds[1], &e->obj2);
	}
	if (pair) {
		e->arg = inf->args[0];
		e->arg2 = inf->args[1];
	} else {
		e->arg = inf->sys == IPC_SYS_PIPE2 ? inf->args[1] : 0;
	}
	if (!(x->flags & IPC_EVF_PEER)) {
		watch_obj(&e->obj);
		watch_obj(&e->obj2);
	}
	ev_submit(e);
}

/* open/openat/openat2: only opens of a FIFO are reported. */
static __noinline void fd_open_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	struct ipc_ev_fd *e;
	struct ipc_obj o;
	__u64 path = inf->sys == IPC_SYS_OPEN ? inf->args[0] : inf->args[1];

	if (x->ret < 0 || obj_from_fd(x->ret, &o) != IPC_OBJ_FIFO || !family_on(IPC_FAM_PIPE))
		return;
	e = fd_reserve(x, inf, IPC_OP_FIFO_OPEN);
	if (!e)
		return;
	__builtin_memcpy(&e->obj, &o, sizeof(o));
	e->fd = x->ret;
	if (inf->sys == IPC_SYS_OPEN) {
		e->arg = inf->args[1];
		e->arg2 = inf->args[2];
	} else if (inf->sys == IPC_SYS_OPENAT) {
		e->arg = inf->args[2];
		e->arg2 = inf->args[3];
	} else {
		__u64 how[2] = {};

		bpf_probe_read_user(how, sizeof(how), (void *)inf->args[2]);
		e->arg = how[0];
		e->arg2 = how[1];
	}
	read_user_name(e->name, sizeof(e->name), (void *)path, &e->hdr);
	watch_obj(&e->obj);
	ev_submit(e);
}

static __noinline void sock_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	struct ipc_ev_fd *e;
	__u16 op;
	int fd = inf->args[0];

	switch (inf->sys) {
	case IPC_SYS_SOCKET:	op = IPC_OP_SOCK_CREATE; break;
	case IPC_SYS_BIND:	op = IPC_OP_SOCK_BIND; break;
	case IPC_SYS_LISTEN:	op = IPC_OP_SOCK_LISTEN; break;
	case IPC_SYS_CONNECT:	op = IPC_OP_SOCK_CONNECT; break;
	case IPC_SYS_SHUTDOWN:	op = IPC_OP_SOCK_SHUTDOWN; break;
	default:		op = IPC_OP_SOCK_ACCEPT; break;
	}
	e = fd_reserve(x, inf, op);
	if (!e)
		return;
	switch (op) {
	case IPC_OP_SOCK_CREATE:
		/* socket() is entered for every family; keep unix and inet only */
		e->fd = x->ret;
		obj_from_fd(x->ret, &e->obj);
		if (!obj_traced(&e->obj)) {
			bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
			return;
		}
		e->arg = inf->args[0];
		e->arg2 = inf->args[1];
		break;
	case IPC_OP_SOCK_ACCEPT:
		e->fd = x->ret;
		e->fd2 = fd;
		if (x->ret >= 0)
			obj_from_fd(x->ret, &e->obj);
		__builtin_memcpy(&e->obj2, &inf->obj, sizeof(inf->obj));
		e->arg = inf->sys == IPC_SYS_ACCEPT4 ? inf->args[3] : 0;
		break;
	default:
		/* after bind/connect the addresses and the peer are known */
		e->fd = fd;
		obj_from_fd(fd, &e->obj);
		e->arg = inf->args[1];
		if (op == IPC_OP_SOCK_BIND || op == IPC_OP_SOCK_CONNECT) {
			e->arg = 0;
			read_sun_path(e->name, inf->args[1], inf->args[2], &e->hdr);
		}
		break;
	}
	if (!(x->flags & IPC_EVF_PEER))
		watch_obj(&e->obj);
	ev_submit(e);
}

static __always_inline __u16 fd_op(const struct ipc_inflight *inf)
{
	switch (inf->sys) {
	case IPC_SYS_CLOSE:
		return IPC_OP_FD_CLOSE;
	case IPC_SYS_CLOSE_RANGE:
		return IPC_OP_FD_CLOSE_RANGE;
	case IPC_SYS_FCNTL:
		return inf->args[1] == F_SETFD ? IPC_OP_FD_SETFD : IPC_OP_FD_DUP;
	default:
		return IPC_OP_FD_DUP;
	}
}

/*
 * close, dup and F_SETFD: the object was resolved at entry, while the fd
 * was valid.  close_range names no object: the collector knows which fds
 * it ends.
 */
static __noinline void fd_close_dup_exit(const struct xctx *x, const struct ipc_inflight *inf)
{
	__u16 op = fd_op(inf);
	struct ipc_ev_fd *e = fd_reserve(x, inf, op);

	if (!e)
		return;
	if (op == IPC_OP_FD_CLOSE_RANGE) {
		e->fd = inf->args[0];
		e->arg2 = inf->args[1];
		e->arg = inf->args[2];
		ev_submit(e);
		return;
	}
	__builtin_memcpy(&e->obj, &inf->obj, sizeof(inf->obj));
	if (op == IPC_OP_FD_SETFD) {
		e->fd = inf->args[0];
		e->arg = inf->args[2];
	} else if (op == IPC_OP_FD_CLOSE) {
		e->fd = inf->args[0];
	} else {
		e->fd = x->ret;
		e->fd2 = inf->args[0];
		if (inf->sys == IPC_SYS_DUP3)
			e->arg = inf->args[2];
		else if (inf->sys == IPC_SYS_FCNTL && inf->args[1] == F_DUPFD_CLOEXEC)
			e->arg = O_CLOEXEC;	/* as dup3 would say it */
	}
	ev_submit(e);
}

#endif /* IPCTRACE_IO_BPF_H */
