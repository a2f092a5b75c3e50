/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What an fd points to, resolved in the kernel: pipe or FIFO (by inode),
 * socket (family, type, inode, the unix peer, inet addresses), POSIX queue.
 * Objects are named by inode so that both ends of a pipe and every process
 * sharing it meet at one object, whatever fd numbers they use.
 */
#ifndef IPCTRACE_OBJ_BPF_H
#define IPCTRACE_OBJ_BPF_H

#include "common.bpf.h"
#include "ipc_obj.h"

#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define S_IFIFO		0010000
#define PIPEFS_MAGIC	0x50495045
#define MQUEUE_MAGIC	0x19800202
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define FMODE_WRITE	0x2

/*
 * Probe reads are the expensive part of resolving an fd (each is a helper
 * call that sets up fault handling).  So the first bytes of a kernel struct
 * are copied with one read and several fields taken from the copy, at the
 * offsets CO-RE gives for the running kernel; a field the copy does not
 * reach is read on its own.
 */
#define CHUNK_SIZE 128

#define chunk_get(buf, src, type, field) ({					\
	typeof(((type *)0)->field) __v = 0;					\
	__u32 __off = bpf_core_field_offset(type, field);			\
										\
	if (__off + sizeof(__v) <= CHUNK_SIZE)					\
		__builtin_memcpy(&__v, (char *)(buf) + __off, sizeof(__v));	\
	else									\
		bpf_probe_read_kernel(&__v, sizeof(__v), (char *)(src) + __off); \
	__v;									\
})

static __always_inline struct file *fd_file_of(struct task_struct *t, int fd)
{
	/* direct loads through BTF pointers: no helper calls */
	struct fdtable *fdt = t->files->fdt;
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

static __always_inline struct file *fd_file(int fd)
{
	return fd_file_of(bpf_get_current_task_btf(), fd);
}

static __always_inline __u32 pid_nr(struct pid *pid)
{
	if (!pid)
		return 0;
	return BPF_CORE_READ(pid, numbers[0].nr);
}

static __always_inline __u64 sock_ino(struct socket *sock)
{
	struct socket_alloc *sa;

	if (!sock)
		return 0;
	sa = container_of(sock, struct socket_alloc, socket);
	return BPF_CORE_READ(sa, vfs_inode.i_ino);
}

static __noinline void obj_unix(struct sock *sk, struct ipc_obj *o)
{
	struct unix_sock *u = (struct unix_sock *)sk;
	struct sock *peer = BPF_CORE_READ(u, peer);

	if (peer)
		o->peer_ino = sock_ino(BPF_CORE_READ(peer, sk_socket));
	o->peer_pid = pid_nr(BPF_CORE_READ(sk, sk_peer_pid));
}

/* Addresses and ports: all in struct sock_common, at the start of the sock. */
static __noinline void obj_inet(struct sock *sk, const char *skc, struct ipc_obj *o)
{
	o->lport = chunk_get(skc, sk, struct sock_common, skc_num);
	o->rport = bpf_ntohs(chunk_get(skc, sk, struct sock_common, skc_dport));
	if (o->family == AF_INET) {
		__u32 l = chunk_get(skc, sk, struct sock_common, skc_rcv_saddr);
		__u32 r = chunk_get(skc, sk, struct sock_common, skc_daddr);

		__builtin_memcpy(o->laddr, &l, 4);
		__builtin_memcpy(o->raddr, &r, 4);
	} else {
		BPF_CORE_READ_INTO(&o->laddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&o->raddr, sk, __sk_common.skc_v6_daddr);
	}
	if (o->sock_type == SOCK_STREAM)
		o->kind = IPC_OBJ_TCP;
	else if (o->sock_type == SOCK_DGRAM)
		o->kind = IPC_OBJ_UDP;
	else
		o->kind = IPC_OBJ_INET;
}

static __noinline void obj_sock(struct socket *sock, struct ipc_obj *o)
{
	struct sock *sk = BPF_CORE_READ(sock, sk);
	char skc[CHUNK_SIZE];

	o->kind = IPC_OBJ_SOCK;
	if (!sk || bpf_probe_read_kernel(skc, sizeof(skc), sk))
		return;
	o->family = chunk_get(skc, sk, struct sock_common, skc_family);
	o->sock_type = BPF_CORE_READ(sk, sk_type);
	if (o->family == AF_UNIX) {
		o->kind = IPC_OBJ_UNIX;
		obj_unix(sk, o);
	} else if (o->family == AF_INET || o->family == AF_INET6) {
		obj_inet(sk, skc, o);
	}
}

/*
 * Fill o from a file: four probe reads for a pipe (fd slot, file, inode,
 * superblock).  Returns o->kind (IPC_OBJ_NONE when f is NULL).
 */
static __noinline int obj_from_file(struct file *f, struct ipc_obj *o)
{
	char buf[CHUNK_SIZE];
	struct inode *inode;
	struct super_block *sb;
	void *priv;
	__u32 mode;
	__u64 magic;

	__builtin_memset(o, 0, sizeof(*o));
	if (!f || bpf_probe_read_kernel(buf, sizeof(buf), f))
		return IPC_OBJ_NONE;
	inode = chunk_get(buf, f, struct file, f_inode);
	priv = chunk_get(buf, f, struct file, private_data);
	if (!inode || bpf_probe_read_kernel(buf, sizeof(buf), inode))
		return IPC_OBJ_NONE;
	mode = chunk_get(buf, inode, struct inode, i_mode);
	o->ino = chunk_get(buf, inode, struct inode, i_ino);
	sb = chunk_get(buf, inode, struct inode, i_sb);
	if (!sb || bpf_probe_read_kernel(buf, sizeof(buf), sb))
		return IPC_OBJ_NONE;
	o->dev = chunk_get(buf, sb, struct super_block, s_dev);
	magic = chunk_get(buf, sb, struct super_block, s_magic);
	if ((mode & S_IFMT) == S_IFIFO)
		o->kind = magic == PIPEFS_MAGIC ? IPC_OBJ_PIPE : IPC_OBJ_FIFO;
	else if ((mode & S_IFMT) == S_IFSOCK)
		obj_sock(priv, o);
	else if (magic == MQUEUE_MAGIC)
		o->kind = IPC_OBJ_MQ;
	else
		o->kind = IPC_OBJ_OTHER;
	return o->kind;
}

static __always_inline int obj_from_fd(int fd, struct ipc_obj *o)
{
	return obj_from_file(fd_file(fd), o);
}

/* Kinds whose data operations ipctrace reports, given the enabled families. */
static __always_inline bool obj_traced(const struct ipc_obj *o)
{
	int fam = ipc_kind_family(o->kind);

	return fam != IPC_FAM_NONE && family_on(fam);
}

static __always_inline bool obj_watched(const struct ipc_obj *o)
{
	struct ipc_watch_key k;

	ipc_watch_key(o, &k);
	return bpf_map_lookup_elem(&watched, &k) != NULL;
}

/* From a socket's inode: its family, and for inet stream/datagram sockets the endpoints. */
static __always_inline void sock_fast(struct inode *inode, struct ipc_obj *o)
{
	struct socket_alloc *sa = container_of(inode, struct socket_alloc, vfs_inode);
	struct sock *sk = BPF_CORE_READ(sa, socket.sk);
	char skc[CHUNK_SIZE];

	if (!sk || bpf_probe_read_kernel(skc, sizeof(skc), sk))
		return;
	o->family = chunk_get(skc, sk, struct sock_common, skc_family);
	if (o->family == AF_UNIX) {
		o->kind = IPC_OBJ_UNIX;
	} else if (o->family == AF_INET || o->family == AF_INET6) {
		o->sock_type = BPF_CORE_READ(sk, sk_type);
		obj_inet(sk, skc, o);
	}
}

/* The fd's object from its inode (read into buf), as fd_watched_fast() keys it. */
static __always_inline void fast_obj(struct inode *inode, const char *buf, struct ipc_obj *o)
{
	__u32 mode = chunk_get(buf, inode, struct inode, i_mode);

	o->ino = chunk_get(buf, inode, struct inode, i_ino);
	if ((mode & S_IFMT) == S_IFSOCK)
		sock_fast(inode, o);
	/* raw inet and other sockets are named by their inode, as pipes are */
	if (o->kind != IPC_OBJ_UNIX && o->kind != IPC_OBJ_TCP && o->kind != IPC_OBJ_UDP) {
		struct super_block *sb = chunk_get(buf, inode, struct inode, i_sb);

		o->kind = IPC_OBJ_PIPE;
		o->dev = BPF_CORE_READ(sb, s_dev);
	}
}

/*
 * The object filter's fast path: is this fd of a process outside the filter
 * a watched object?  While peers are watched, every read, write, send and
 * recv of every other process on the machine asks, before any entry state
 * is made, so the answer is kept cheap: two probe reads (fd slot, inode
 * pointer) and the task's cache of answers, which holds while the fd is
 * the same open file on the same inode and nothing new was watched; else
 * the key (two more reads for a pipe, FIFO or queue: inode, superblock;
 * three for a socket) and one map lookup.  A hit goes on to the full
 * entry path, which resolves the object again and checks the same key.
 */
static __noinline bool fd_watched_fast(int fd)
{
	struct task_state *ts = task_state(true);
	struct file *f = fd_file(fd);
	struct peer_fd *pf = NULL;
	struct ipc_obj o = {};
	struct ipc_watch_key k;
	char buf[CHUNK_SIZE];
	struct inode *inode;
	__u32 gen = watch_gen;
	bool hit;

	if (!f)
		return false;
	inode = BPF_CORE_READ(f, f_inode);
	if (ts) {
		pf = &ts->peer_fds[fd & (PEER_FDS - 1)];
		if (pf->fd == fd && pf->file == (__u64)f && pf->inode == (__u64)inode &&
		    pf->gen == gen)
			return false;
	}
	if (!inode || bpf_probe_read_kernel(buf, sizeof(buf), inode))
		return false;
	fast_obj(inode, buf, &o);
	ipc_watch_key(&o, &k);
	hit = bpf_map_lookup_elem(&watched, &k) != NULL;
	if (!hit && pf)
		*pf = (struct peer_fd){ .file = (__u64)f, .inode = (__u64)inode, .fd = fd,
					.gen = gen };
	return hit;
}

static __always_inline bool key_eq(const struct ipc_watch_key *a, const struct ipc_watch_key *b)
{
	return a->a == b->a && a->b == b->b;
}

static __noinline void watch_add_key(struct ipc_watch_key *k)
{
	struct task_state *ts = task_state(false);
	__u32 one = 1;

	/* a ping-pong touches the same object again and again */
	if (ts && (key_eq(&ts->last_watch[0], k) || key_eq(&ts->last_watch[1], k)))
		return;
	if (!bpf_map_lookup_elem(&watched, k)) {
		if (bpf_map_lookup_elem(&ignored, k))
			return;
		if (bpf_map_update_elem(&watched, k, &one, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&watched, k)) {
			stat_inc(IPC_STAT_WATCH_FULL);
			return;
		}
		/* the object filter's cached answers may now be wrong */
		__sync_fetch_and_add(&watch_gen, 1);
	}
	if (ts) {
		ts->last_watch[1] = ts->last_watch[0];
		ts->last_watch[0] = *k;
	}
}

/* A target used o: watch it (and a unix socket's peer) for other processes. */
static __noinline void watch_obj(const struct ipc_obj *o)
{
	struct ipc_watch_key k;

	if (!watch_peers || o->kind == IPC_OBJ_NONE || o->kind == IPC_OBJ_OTHER ||
	    o->kind == IPC_OBJ_SOCK)
		return;
	ipc_watch_key(o, &k);
	watch_add_key(&k);
	if (o->kind == IPC_OBJ_UNIX && o->peer_ino) {
		k.a = o->peer_ino;
		watch_add_key(&k);
	}
}

/* Read a user string into dst; flags the event if it did not fit. */
static __always_inline void read_user_name(char *dst, __u32 size, const void *src,
					   struct ipc_hdr *h)
{
	long n;

	if (!src)
		return;
	n = bpf_probe_read_user_str(dst, size, src);
	if (n < 0) {
		dst[0] = 0;
		stat_inc(IPC_STAT_READ_FAULT);
	} else if (n == size) {
		h->flags |= IPC_EVF_TRUNCATED;
	}
}

#endif /* IPCTRACE_OBJ_BPF_H */
