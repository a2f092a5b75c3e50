// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * format: event records as --events lines and --json objects.
 *
 * Both formats are built from the same pieces (the object id, the names in
 * names.c), so a line and a JSON object for one record always agree.  The
 * records have passed ipc_rec_check(): strings are terminated and enums are
 * in range, so nothing here re-validates them.
 *
 * The fmt_* text functions behave like snprintf: they return the length of
 * the whole text and write as much as fits, always NUL-terminated.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/close_range.h>

#include "decode/decode.h"
#include "decode/names.h"
#include "lib/json.h"
#include "model/proctab.h"
#include "output/format.h"

/* An snprintf-style cursor: pos counts what was asked for, even past len. */
struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

static void sb_init(struct sbuf *b, char *buf, size_t len)
{
	b->buf = buf;
	b->len = buf ? len : 0;
	b->pos = 0;
	if (b->len)
		buf[0] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char *dst = NULL;
	size_t room = 0;
	va_list ap;
	int n;

	if (b->pos < b->len) {
		dst = b->buf + b->pos;
		room = b->len - b->pos;
	}
	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->pos += (size_t)n;
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_printf(b, "%s", s);
}

/*
 * Names and paths come from the traced programs: a control character in a
 * comm would break the one-line-per-event promise, so it prints as '?'.
 */
static void sb_put_clean(struct sbuf *b, const char *s)
{
	while (*s) {
		int n = 0;

		while (s[n] && (unsigned char)s[n] >= 0x20 && s[n] != 0x7f)
			n++;
		if (n)
			sb_printf(b, "%.*s", n, s);
		s += n;
		if (*s) {
			sb_puts(b, "?");
			s++;
		}
	}
}

size_t fmt_duration(char *buf, size_t len, uint64_t ns)
{
	struct sbuf b;
	uint64_t v;

	sb_init(&b, buf, len);
	/* Round within each unit, and move up a unit when rounding reaches it. */
	if (ns < 1000) {
		sb_printf(&b, "%" PRIu64 "ns", ns);
	} else if ((v = ns / 100 + (ns % 100 >= 50)) < 10000) {
		sb_printf(&b, "%" PRIu64 ".%" PRIu64 "us", v / 10, v % 10);
	} else if ((v = ns / 10000 + (ns % 10000 >= 5000)) < 100000) {
		sb_printf(&b, "%" PRIu64 ".%02" PRIu64 "ms", v / 100, v % 100);
	} else {
		v = ns / 1000000 + (ns % 1000000 >= 500000);
		sb_printf(&b, "%" PRIu64 ".%03" PRIu64 "s", v / 1000, v % 1000);
	}
	return b.pos;
}

size_t fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	struct sbuf b;
	double v = (double)bytes;
	size_t i;

	sb_init(&b, buf, len);
	if (bytes < 1024) {
		sb_printf(&b, "%" PRIu64 "B", bytes);
		return b.pos;
	}
	/* 1023.96 KiB would print as "1024.0KiB": that is 1.0MiB. */
	for (i = 0; i < 5; i++) {
		v /= 1024;
		if (v < 1023.95)
			break;
	}
	if (i == 5)
		v /= 1024;
	sb_printf(&b, "%.1f%s", v, units[i]);
	return b.pos;
}

static bool addr_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

size_t fmt_sockaddr(char *buf, size_t len, unsigned int family, const uint8_t addr[16],
		    uint16_t port)
{
	char ip6[INET6_ADDRSTRLEN];
	const uint8_t *a = addr;
	struct sbuf b;

	sb_init(&b, buf, len);
	/* An IPv4-mapped IPv6 address is an IPv4 peer on a dual-stack socket. */
	if (family != AF_INET && addr_is_v4mapped(addr))
		a = addr + 12;
	else if (family != AF_INET) {
		if (!inet_ntop(AF_INET6, addr, ip6, sizeof(ip6)))
			snprintf(ip6, sizeof(ip6), "?");
		sb_printf(&b, "[%s]:%u", ip6, port);
		return b.pos;
	}
	sb_printf(&b, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], port);
	return b.pos;
}

static unsigned int dev_major(uint32_t dev)
{
	return dev >> 20;
}

static unsigned int dev_minor(uint32_t dev)
{
	return dev & 0xfffff;
}

static bool inet_remote_set(const struct ipc_obj *o)
{
	static const uint8_t zero[16];

	return o->rport || memcmp(o->raddr, zero, sizeof(zero)) != 0;
}

/* tcp:127.0.0.1:5000->127.0.0.1:40312; the remote part only once connected. */
static void sb_inet_obj(struct sbuf *b, const struct ipc_obj *o)
{
	char addr[64];

	fmt_sockaddr(addr, sizeof(addr), o->family, o->laddr, o->lport);
	sb_printf(b, "%s:%s", ipc_obj_kind_name(o->kind), addr);
	if (inet_remote_set(o)) {
		fmt_sockaddr(addr, sizeof(addr), o->family, o->raddr, o->rport);
		sb_printf(b, "->%s", addr);
	}
}

static void sb_obj(struct sbuf *b, const struct ipc_obj *o, const char *name)
{
	switch (o->kind) {
	case IPC_OBJ_PIPE:
		sb_printf(b, "pipe:[%" PRIu64 "]", (uint64_t)o->ino);
		break;
	case IPC_OBJ_FIFO:
	case IPC_OBJ_OTHER:
		sb_printf(b, "%s:[%u:%u/%" PRIu64 "]", ipc_obj_kind_name(o->kind),
			  dev_major(o->dev), dev_minor(o->dev), (uint64_t)o->ino);
		break;
	case IPC_OBJ_UNIX:
		sb_printf(b, "unix:[%" PRIu64 "]", (uint64_t)o->ino);
		if (o->peer_ino)
			sb_printf(b, "->[%" PRIu64 "]", (uint64_t)o->peer_ino);
		break;
	case IPC_OBJ_TCP:
	case IPC_OBJ_UDP:
	case IPC_OBJ_INET:
		sb_inet_obj(b, o);
		break;
	case IPC_OBJ_SOCK:
		sb_printf(b, "sock:[%" PRIu64 "]", (uint64_t)o->ino);
		break;
	case IPC_OBJ_MQ:
		if (name && *name) {
			sb_puts(b, "mq:");
			sb_put_clean(b, name);
		} else
			sb_printf(b, "mq:[%" PRIu64 "]", (uint64_t)o->ino);
		break;
	case IPC_OBJ_FUTEX:
		if (o->dev)
			sb_printf(b, "futex:[%u:%u/%" PRIu64 "]+0x%" PRIx64, dev_major(o->dev),
				  dev_minor(o->dev), (uint64_t)o->ino, (uint64_t)o->peer_ino);
		else
			sb_printf(b, "futex:0x%" PRIx64, (uint64_t)o->ino);
		break;
	case IPC_OBJ_SEM:
		sb_printf(b, "sem:%" PRId64, (int64_t)o->ino);
		break;
	default:
		sb_puts(b, "?");
		break;
	}
}

size_t fmt_obj(char *buf, size_t len, const struct ipc_obj *o, const char *name)
{
	struct sbuf b;

	sb_init(&b, buf, len);
	sb_obj(&b, o, name);
	return b.pos;
}

static void sb_futex_obj(struct sbuf *b, const struct ipc_ev_futex *f)
{
	if (f->fflags & IPC_FUTEX_SHARED_KEY)
		sb_printf(b, "futex:[%u:%u/%" PRIu64 "]+0x%" PRIx64, dev_major(f->key_dev),
			  dev_minor(f->key_dev), (uint64_t)f->key_ino, (uint64_t)f->key_off);
	else
		sb_printf(b, "futex:0x%" PRIx64, (uint64_t)f->uaddr);
}

static const char *lock_obj_prefix(unsigned int kind)
{
	switch (kind) {
	case IPC_LOCK_MUTEX:
		return "mutex";
	case IPC_LOCK_RWLOCK_RD:
	case IPC_LOCK_RWLOCK_WR:
		return "rwlock";
	case IPC_LOCK_COND:
		return "cond";
	case IPC_LOCK_SEM:
		return "psem";		/* POSIX semaphore: "sem:" is SysV */
	default:
		return "lock";
	}
}

static void sb_proc_obj(struct sbuf *b, const struct ipc_ev_proc *p)
{
	switch (p->hdr.op) {
	case IPC_OP_PROC_FORK:
		sb_printf(b, "child=%u", p->child_pid);
		break;
	case IPC_OP_THREAD_NEW:
		sb_printf(b, "thread=%u", p->child_tid);
		break;
	case IPC_OP_PROC_EXEC:
		sb_put_clean(b, p->filename);
		break;
	default:
		break;		/* exits are about the process itself */
	}
}

/* The target as the syscall named it: a process, or for tkill only a thread. */
static int32_t sig_target(const struct ipc_ev_signal *s)
{
	return s->target_pid == 0 && s->target_tid > 0 ? s->target_tid : s->target_pid;
}

/* mq_open and mq_unlink know the name even when there is no queue (yet). */
static void sb_mq_obj(struct sbuf *b, const struct ipc_ev_mq *m)
{
	if (m->obj.kind == IPC_OBJ_NONE && m->name[0]) {
		sb_puts(b, "mq:");
		sb_put_clean(b, m->name);
		return;
	}
	sb_obj(b, &m->obj, m->name);
}

static void sb_event_obj(struct sbuf *b, const struct ipc_hdr *rec)
{
	char sig[24];

	switch (rec->type) {
	case IPC_REC_IO:
		sb_obj(b, &((const struct ipc_ev_io *)rec)->obj, NULL);
		break;
	case IPC_REC_FD:
		sb_obj(b, &((const struct ipc_ev_fd *)rec)->obj, NULL);
		break;
	case IPC_REC_MQ:
		sb_mq_obj(b, (const void *)rec);
		break;
	case IPC_REC_FUTEX:
		sb_futex_obj(b, (const void *)rec);
		break;
	case IPC_REC_SIGNAL: {
		const struct ipc_ev_signal *s = (const void *)rec;

		sb_printf(b, "%s -> %d", ipc_signal_name(s->sig, sig, sizeof(sig)),
			  sig_target(s));
		break;
	}
	case IPC_REC_PROC:
		sb_proc_obj(b, (const void *)rec);
		break;
	case IPC_REC_SEM:
		/* A failed semget has no set. */
		if (((const struct ipc_ev_sem *)rec)->semid >= 0)
			sb_printf(b, "sem:%d", ((const struct ipc_ev_sem *)rec)->semid);
		else
			sb_puts(b, "?");
		break;
	case IPC_REC_LOCK: {
		const struct ipc_ev_lock *l = (const void *)rec;

		sb_printf(b, "%s:0x%" PRIx64, lock_obj_prefix(l->lock_kind), (uint64_t)l->addr);
		break;
	}
	default:
		break;
	}
}

size_t fmt_event_obj(char *buf, size_t len, const struct ipc_hdr *rec)
{
	struct sbuf b;

	sb_init(&b, buf, len);
	sb_event_obj(&b, rec);
	return b.pos;
}

size_t fmt_ts(char *buf, size_t len, const struct fmt_ctx *c, uint64_t ts_ns)
{
	struct sbuf b;
	struct tm tm;
	time_t secs;
	int64_t d;

	sb_init(&b, buf, len);
	if (c->abs_time) {
		d = (int64_t)(ts_ns + (uint64_t)c->real_offset_ns);
		if (d < 0)
			d = 0;
		secs = (time_t)(d / 1000000000);
		if (!localtime_r(&secs, &tm))
			memset(&tm, 0, sizeof(tm));
		sb_printf(&b, "%02d:%02d:%02d.%06" PRId64, tm.tm_hour, tm.tm_min, tm.tm_sec,
			  d % 1000000000 / 1000);
		return b.pos;
	}
	/* Before t0 can happen: a snapshot or a late ring-buffer record. */
	d = (int64_t)(ts_ns - c->t0_ns);
	if (d < 0)
		sb_printf(&b, "-%" PRIu64 ".%06" PRIu64, (0 - (uint64_t)d) / 1000000000,
			  (0 - (uint64_t)d) % 1000000000 / 1000);
	else
		sb_printf(&b, "%" PRId64 ".%06" PRId64, d / 1000000000, d % 1000000000 / 1000);
	return b.pos;
}

size_t fmt_ret(char *buf, size_t len, int64_t ret)
{
	const char *name = NULL;
	struct sbuf b;

	sb_init(&b, buf, len);
	if (ret < 0 && ret >= -0x7fffffff)
		name = ipc_errno_name((int)-ret);
	if (name)
		sb_printf(&b, "-%s", name);
	else
		sb_printf(&b, "%" PRId64, ret);
	return b.pos;
}

static const struct fmt_ctx no_ctx;

static bool is_event(const struct ipc_hdr *rec)
{
	return rec && rec->type >= IPC_REC_IO && rec->type <= IPC_REC_LOCK;
}

static bool is_inet(unsigned int kind)
{
	return kind == IPC_OBJ_TCP || kind == IPC_OBJ_UDP || kind == IPC_OBJ_INET;
}

static bool is_mmsg(unsigned int sys)
{
	return sys == IPC_SYS_SENDMMSG || sys == IPC_SYS_RECVMMSG;
}

static bool is_futex2(unsigned int sys)
{
	return sys == IPC_SYS_FUTEX_WAITV || sys == IPC_SYS_FUTEX_WAKE ||
	       sys == IPC_SYS_FUTEX_WAIT || sys == IPC_SYS_FUTEX_REQUEUE;
}

/*
 * Name of another process (signal target, socket peer): the proctab knows
 * the latest name when there is one; otherwise the name the record carries.
 * NULL when neither knows, or for process-group targets (pid <= 0).
 */
static const char *other_comm(const struct fmt_ctx *c, int64_t pid, const char *own)
{
	const char *comm = NULL;

	if (pid <= 0 || pid > UINT32_MAX)
		return NULL;
	if (c->procs) {
		comm = proctab__comm(c->procs, (uint32_t)pid);
		if (comm && strcmp(comm, "?") == 0)
			comm = NULL;
	}
	if (!comm && own && *own)
		comm = own;
	return comm;
}

/* A signal target's name; tkill gives only a tid, which the proctab maps to its process. */
static const char *sig_target_comm(const struct fmt_ctx *c, const struct ipc_ev_signal *s)
{
	const struct thread_info *th;

	if (s->target_pid == 0 && s->target_tid > 0) {
		th = c->procs ? proctab__thread(c->procs, (uint32_t)s->target_tid) : NULL;
		if (th)
			return other_comm(c, th->pid, s->target_comm);
		return s->target_comm[0] ? s->target_comm : NULL;
	}
	return other_comm(c, s->target_pid, s->target_comm);
}

/* socket(2) type argument: "SOCK_STREAM|SOCK_CLOEXEC". */
static const char *sock_type_str(char *buf, size_t len, unsigned int type)
{
	const char *name = ipc_socktype_name(type & 0xf);
	unsigned int rest = type & ~0xfu;
	struct sbuf b;

	sb_init(&b, buf, len);
	if (name)
		sb_puts(&b, name);
	else
		sb_printf(&b, "%u", type & 0xf);
	if (rest & SOCK_NONBLOCK)
		sb_puts(&b, "|SOCK_NONBLOCK");
	if (rest & SOCK_CLOEXEC)
		sb_puts(&b, "|SOCK_CLOEXEC");
	rest &= ~(unsigned int)(SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (rest)
		sb_printf(&b, "|0x%x", rest);
	return buf;
}

/* pipe2/accept4/dup3 flags: open flags without an access mode. */
static const char *fd_flags_str(char *buf, size_t len, unsigned int flags)
{
	static const char rdonly[] = "O_RDONLY|";

	ipc_open_flags_name(flags & ~(unsigned int)O_ACCMODE, buf, len);
	if (strncmp(buf, rdonly, sizeof(rdonly) - 1) == 0)
		memmove(buf, buf + sizeof(rdonly) - 1, strlen(buf) - (sizeof(rdonly) - 2));
	return buf;
}

/* wait(2) status of an exit: " code=N" or " signal=SIGKILL[ core]". */
static void text_exit_status(struct sbuf *b, int32_t status)
{
	int sig = status & 0x7f;
	char name[24];

	if (sig == 0)
		sb_printf(b, " code=%d", (status >> 8) & 0xff);
	else if (sig != 0x7f)
		sb_printf(b, " signal=%s%s", ipc_signal_name(sig, name, sizeof(name)),
			  status & 0x80 ? " core" : "");
	else
		sb_printf(b, " status=0x%x", (unsigned int)status);
}

static void text_comm_paren(struct sbuf *b, const char *comm)
{
	if (!comm)
		return;
	sb_puts(b, " (");
	sb_put_clean(b, comm);
	sb_puts(b, ")");
}

static void text_peer(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_obj *o)
{
	if (o->kind != IPC_OBJ_UNIX || !o->peer_pid)
		return;
	sb_printf(b, " peer=%u", o->peer_pid);
	text_comm_paren(b, other_comm(c, o->peer_pid, NULL));
}

static void text_io(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_ev_io *e)
{
	sb_printf(b, " fd=%d len=%" PRIu64, e->fd, (uint64_t)e->req);
	if (e->vlen)
		sb_printf(b, " vlen=%u", e->vlen);
	if (is_mmsg(e->hdr.sys))
		sb_printf(b, " msgs=%u", e->msgs);
	if (e->msg_flags)
		sb_printf(b, " flags=0x%x", e->msg_flags);
	text_peer(b, c, &e->obj);
}

/*
 * Socket calls made with a peer: a listening unix socket also has a peer
 * pid (its own, set by listen()), which would only mislead.
 */
static bool fd_has_peer(unsigned int op)
{
	return op == IPC_OP_SOCK_CONNECT || op == IPC_OP_SOCK_ACCEPT || op == IPC_OP_SOCK_SHUTDOWN;
}

/* bind/connect: the unix path given, or the inet address on that side. */
static void text_sock_addr(struct sbuf *b, const struct ipc_ev_fd *e, bool local)
{
	const struct ipc_obj *o = &e->obj;
	char addr[64];

	if (e->name[0]) {
		sb_puts(b, " path=");
		sb_put_clean(b, e->name);
	} else if (is_inet(o->kind)) {
		if (local)
			fmt_sockaddr(addr, sizeof(addr), o->family, o->laddr, o->lport);
		else
			fmt_sockaddr(addr, sizeof(addr), o->family, o->raddr, o->rport);
		sb_printf(b, " addr=%s", addr);
	}
}

/* fcntl(F_SETFD) flags: "FD_CLOEXEC", "0". */
static const char *fd_setfd_str(char *buf, size_t len, unsigned int flags)
{
	unsigned int rest = flags & ~(unsigned int)FD_CLOEXEC;

	if (!(flags & FD_CLOEXEC))
		snprintf(buf, len, rest ? "0x%x" : "0", rest);
	else if (rest)
		snprintf(buf, len, "FD_CLOEXEC|0x%x", rest);
	else
		snprintf(buf, len, "FD_CLOEXEC");
	return buf;
}

/* close_range(2) flags: "CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC". */
static const char *close_range_flags_str(char *buf, size_t len, unsigned int flags)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ CLOSE_RANGE_UNSHARE, "CLOSE_RANGE_UNSHARE" },
		{ CLOSE_RANGE_CLOEXEC, "CLOSE_RANGE_CLOEXEC" },
	};
	struct sbuf b;
	const char *sep = "";

	sb_init(&b, buf, len);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			sb_printf(&b, "%s%s", sep, names[i].name);
			sep = "|";
			flags &= ~names[i].bit;
		}
	}
	if (flags || !*sep)
		sb_printf(&b, "%s0x%x", sep, flags);
	return buf;
}

static void text_fd_flags(struct sbuf *b, unsigned int flags)
{
	char tmp[128];

	if (flags)
		sb_printf(b, " flags=%s", fd_flags_str(tmp, sizeof(tmp), flags));
}

/* socket/socketpair: the family asked for (arg), known even when the call failed. */
static const char *sock_family(const struct ipc_ev_fd *e)
{
	return ipc_af_name(e->arg ? e->arg : e->obj.family);
}

static void text_sock_new(struct sbuf *b, const struct ipc_ev_fd *e)
{
	const char *af = sock_family(e);
	char tmp[64];

	if (e->hdr.op == IPC_OP_SOCK_PAIR) {
		if (e->hdr.ret >= 0)
			sb_printf(b, " fds=[%d,%d]", e->fd, e->fd2);
		if (e->obj2.kind) {
			sb_puts(b, " pair=");
			sb_obj(b, &e->obj2, NULL);
		}
	} else if (e->hdr.ret >= 0) {
		sb_printf(b, " fd=%d", e->fd);
	}
	if (af)
		sb_printf(b, " family=%s", af);
	if (e->arg2)
		sb_printf(b, " type=%s", sock_type_str(tmp, sizeof(tmp), e->arg2));
}

static void text_fd_sock(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_ev_fd *e)
{
	const char *how = ipc_shutdown_how_name(e->arg);

	switch (e->hdr.op) {
	case IPC_OP_SOCK_CREATE:
	case IPC_OP_SOCK_PAIR:
		text_sock_new(b, e);
		return;
	case IPC_OP_SOCK_ACCEPT:
		if (e->hdr.ret >= 0)
			sb_printf(b, " fd=%d", e->fd);
		sb_printf(b, " listen_fd=%d", e->fd2);
		if (e->obj2.kind) {
			sb_puts(b, " listener=");
			sb_obj(b, &e->obj2, NULL);
		}
		text_fd_flags(b, e->arg);
		break;
	case IPC_OP_SOCK_BIND:
	case IPC_OP_SOCK_CONNECT:
		sb_printf(b, " fd=%d", e->fd);
		text_sock_addr(b, e, e->hdr.op == IPC_OP_SOCK_BIND);
		break;
	case IPC_OP_SOCK_LISTEN:
		sb_printf(b, " fd=%d backlog=%u", e->fd, e->arg);
		break;
	case IPC_OP_SOCK_SHUTDOWN:
		if (how)
			sb_printf(b, " fd=%d how=%s", e->fd, how);
		else
			sb_printf(b, " fd=%d how=%u", e->fd, e->arg);
		break;
	}
	if (fd_has_peer(e->hdr.op))
		text_peer(b, c, &e->obj);
}

static void text_fd(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_ev_fd *e)
{
	char tmp[128];

	switch (e->hdr.op) {
	case IPC_OP_PIPE_CREATE:
		if (e->hdr.ret >= 0)
			sb_printf(b, " fds=[%d,%d]", e->fd, e->fd2);
		text_fd_flags(b, e->arg);
		break;
	case IPC_OP_FIFO_OPEN:
		if (e->hdr.ret >= 0)
			sb_printf(b, " fd=%d", e->fd);
		if (e->name[0]) {
			sb_puts(b, " path=");
			sb_put_clean(b, e->name);
		}
		sb_printf(b, " flags=%s", ipc_open_flags_name(e->arg, tmp, sizeof(tmp)));
		break;
	case IPC_OP_FD_CLOSE_RANGE:
		/* the last fd as strace shows it: ~0U is "all above the first" */
		if (e->arg2 == UINT32_MAX)
			sb_printf(b, " fds=%u..~0U", (unsigned int)e->fd);
		else
			sb_printf(b, " fds=%u..%u", (unsigned int)e->fd, e->arg2);
		if (e->arg)
			sb_printf(b, " flags=%s", close_range_flags_str(tmp, sizeof(tmp), e->arg));
		break;
	case IPC_OP_FD_SETFD:
		sb_printf(b, " fd=%d fd_flags=%s", e->fd, fd_setfd_str(tmp, sizeof(tmp), e->arg));
		break;
	case IPC_OP_FD_DUP:
		if (e->hdr.ret >= 0)
			sb_printf(b, " fd=%d->%d", e->fd2, e->fd);
		else
			sb_printf(b, " fd=%d", e->fd2);
		text_fd_flags(b, e->arg);
		break;
	case IPC_OP_SOCK_CREATE:
	case IPC_OP_SOCK_PAIR:
	case IPC_OP_SOCK_BIND:
	case IPC_OP_SOCK_LISTEN:
	case IPC_OP_SOCK_CONNECT:
	case IPC_OP_SOCK_ACCEPT:
	case IPC_OP_SOCK_SHUTDOWN:
		text_fd_sock(b, c, e);
		break;
	default:
		sb_printf(b, " fd=%d", e->fd);
		break;
	}
}

static void text_mq(struct sbuf *b, const struct ipc_ev_mq *e)
{
	const char *notify = ipc_sigev_notify_name(e->notify);
	char tmp[128];

	switch (e->hdr.op) {
	case IPC_OP_MQ_OPEN:
		if (e->hdr.ret >= 0 && e->mqd >= 0)
			sb_printf(b, " mqd=%d", e->mqd);
		sb_printf(b, " flags=%s", ipc_open_flags_name(e->oflag, tmp, sizeof(tmp)));
		if (e->oflag & O_CREAT)
			sb_printf(b, " mode=0%o", e->mode);
		return;
	case IPC_OP_MQ_SEND:
		sb_printf(b, " mqd=%d len=%" PRIu64 " prio=%u", e->mqd, (uint64_t)e->len, e->prio);
		break;
	case IPC_OP_MQ_RECEIVE:
		sb_printf(b, " mqd=%d len=%" PRIu64, e->mqd, (uint64_t)e->len);
		if (e->hdr.ret >= 0)
			sb_printf(b, " prio=%u", e->prio);
		break;
	case IPC_OP_MQ_NOTIFY:
		sb_printf(b, " mqd=%d", e->mqd);
		if (e->notify < 0)
			sb_puts(b, " notify=none");
		else if (notify)
			sb_printf(b, " notify=%s", notify);
		else
			sb_printf(b, " notify=%d", e->notify);
		if (e->notify == 0)	/* SIGEV_SIGNAL */
			sb_printf(b, " sig=%s", ipc_signal_name(e->notify_sig, tmp, sizeof(tmp)));
		return;
	case IPC_OP_MQ_GETSETATTR:
		sb_printf(b, " mqd=%d", e->mqd);
		break;
	default:
		return;
	}
	if (e->curmsgs >= 0)
		sb_printf(b, " curmsgs=%" PRId64, (int64_t)e->curmsgs);
}

#define FUTEX_CMD_CMP_REQUEUE	4
#define FUTEX_CMD_WAIT_BITSET	9
#define FUTEX_CMD_WAKE_BITSET	10
#define FUTEX_BITSET_ANY	0xffffffffu
#define FUTEX_TID_MASK_		0x3fffffffu

static bool futex_is_pi(unsigned int op)
{
	return op == IPC_OP_FUTEX_LOCK_PI || op == IPC_OP_FUTEX_TRYLOCK_PI ||
	       op == IPC_OP_FUTEX_UNLOCK_PI;
}

static bool futex_has_uaddr2(unsigned int op)
{
	return op == IPC_OP_FUTEX_REQUEUE || op == IPC_OP_FUTEX_WAKE_OP ||
	       op == IPC_OP_FUTEX_WAIT_REQUEUE_PI || op == IPC_OP_FUTEX_CMP_REQUEUE_PI;
}

/* The futex(2) command word, or for the futex2 syscalls their name. */
static void text_futex_cmd(struct sbuf *b, const struct ipc_ev_futex *f)
{
	char tmp[96];

	if (is_futex2(f->hdr.sys)) {
		sb_printf(b, " %s", ipc_sys_name(f->hdr.sys));
		if (f->fflags & IPC_FUTEX_PRIVATE)
			sb_puts(b, "|FUTEX2_PRIVATE");
		return;
	}
	sb_printf(b, " %s", ipc_futex_cmd_name(f->cmd, tmp, sizeof(tmp)));
}

static void text_futex(struct sbuf *b, const struct ipc_ev_futex *f)
{
	unsigned int c = is_futex2(f->hdr.sys) ? ~0u : f->cmd & 0x7f;

	text_futex_cmd(b, f);
	if (f->fflags & IPC_FUTEX_SHARED_KEY)
		sb_printf(b, " uaddr=0x%" PRIx64, (uint64_t)f->uaddr);
	switch (f->hdr.op) {
	case IPC_OP_FUTEX_LOCK_PI:
	case IPC_OP_FUTEX_TRYLOCK_PI:
	case IPC_OP_FUTEX_UNLOCK_PI:
		if (f->fflags & IPC_FUTEX_WORD_OK)
			sb_printf(b, " owner=%u", f->word & FUTEX_TID_MASK_);
		return;
	case IPC_OP_FUTEX_WAITV:
		sb_printf(b, " nr=%u", f->nr);
		return;
	default:
		sb_printf(b, " val=%u", f->val);
		break;
	}
	if ((c == FUTEX_CMD_WAIT_BITSET || c == FUTEX_CMD_WAKE_BITSET) &&
	    f->val3 != FUTEX_BITSET_ANY)
		sb_printf(b, " bitset=0x%x", f->val3);
	if (f->hdr.op == IPC_OP_FUTEX_REQUEUE || f->hdr.op == IPC_OP_FUTEX_CMP_REQUEUE_PI)
		sb_printf(b, " requeue=%u", f->val2);
	if (f->hdr.op == IPC_OP_FUTEX_WAKE_OP)
		sb_printf(b, " val2=%u", f->val2);
	if (futex_has_uaddr2(f->hdr.op))
		sb_printf(b, " uaddr2=0x%" PRIx64, (uint64_t)f->uaddr2);
	if (f->hdr.op == IPC_OP_FUTEX_WAKE_OP)
		sb_printf(b, " op=0x%x", f->val3);
	if (c == FUTEX_CMD_CMP_REQUEUE || f->hdr.op == IPC_OP_FUTEX_CMP_REQUEUE_PI)
		sb_printf(b, " cmp=%u", f->val3);
}

static const char *handler_str(char *buf, size_t len, uint64_t handler)
{
	if (handler == 0)
		return "default";	/* SIG_DFL */
	if (handler == 1)
		return "ignore";	/* SIG_IGN */
	snprintf(buf, len, "0x%" PRIx64, handler);
	return buf;
}

/*
 * The code of a send is worth printing only when the caller chose it (the
 * sigqueueinfo calls, pidfd_send_signal with a siginfo); kill's is always
 * SI_USER and tkill's SI_TKILL.
 */
static bool send_code_chosen(const struct ipc_ev_signal *s)
{
	switch (s->hdr.sys) {
	case IPC_SYS_RT_SIGQUEUEINFO:
	case IPC_SYS_RT_TGSIGQUEUEINFO:
		return true;
	case IPC_SYS_PIDFD_SEND_SIGNAL:
		return s->code != 0;
	default:
		return false;
	}
}

static void text_signal(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_ev_signal *s)
{
	const char *result = ipc_sig_result_name(s->result);
	char tmp[32];

	if (s->hdr.op == IPC_OP_SIGNAL_DELIVER) {
		sb_printf(b, " code=%s", ipc_si_code_name(s->sig, s->code, tmp, sizeof(tmp)));
		sb_printf(b, " handler=%s", handler_str(tmp, sizeof(tmp), s->handler));
		return;
	}
	text_comm_paren(b, sig_target_comm(c, s));
	if (s->target_tid > 0 && s->target_tid != sig_target(s))
		sb_printf(b, " tid=%d", s->target_tid);
	if (s->hdr.op == IPC_OP_SIGNAL_SEND) {
		if (send_code_chosen(s))
			sb_printf(b, " code=%s", ipc_si_code_name(s->sig, s->code, tmp,
								 sizeof(tmp)));
		return;
	}
	sb_printf(b, " code=%s", ipc_si_code_name(s->sig, s->code, tmp, sizeof(tmp)));
	if (result)
		sb_printf(b, " result=%s", result);
	else
		sb_printf(b, " result=%d", s->result);
	if (s->hdr.flags & IPC_EVF_KERNEL)
		sb_puts(b, " kernel");
}

#define SEM_IPC_NOWAIT	04000	/* linux/ipc.h */
#define SEM_UNDO_	0x1000	/* linux/sem.h */

static void sb_sem_flg(struct sbuf *b, unsigned int flg)
{
	const char *sep = ":";

	if (flg & SEM_IPC_NOWAIT) {
		sb_printf(b, "%sIPC_NOWAIT", sep);
		sep = "|";
	}
	if (flg & SEM_UNDO_) {
		sb_printf(b, "%sSEM_UNDO", sep);
		sep = "|";
	}
	flg &= ~(unsigned int)(SEM_IPC_NOWAIT | SEM_UNDO_);
	if (flg)
		sb_printf(b, "%s0x%x", sep, flg);
}

/* semctl commands about one semaphore of the set (GETPID..GETZCNT, SETVAL). */
static bool semctl_has_semnum(int cmd)
{
	int c = cmd & ~0x100;	/* IPC_64 */

	return (c >= 11 && c <= 16 && c != 13);
}

static void text_sem(struct sbuf *b, const struct ipc_ev_sem *e)
{
	const char *cmd = ipc_semctl_cmd_name(e->cmd);
	uint32_t n = e->nsops < IPC_SEM_MAX_SOPS ? e->nsops : IPC_SEM_MAX_SOPS;
	char dur[32];

	switch (e->hdr.op) {
	case IPC_OP_SEM_GET:
		sb_printf(b, " key=0x%x nsems=%d flags=0%o", (unsigned int)e->key, e->cmd,
			  e->flags);
		break;
	case IPC_OP_SEM_OP:
		sb_puts(b, " sops=");
		for (uint32_t i = 0; i < n; i++) {
			sb_printf(b, "%s%u:%d", i ? "," : "", e->sem_num[i], e->sem_op[i]);
			sb_sem_flg(b, (uint16_t)e->sem_flg[i]);
		}
		if (e->nsops > IPC_SEM_MAX_SOPS)
			sb_printf(b, ",... nsops=%u", e->nsops);
		if (e->hdr.sys == IPC_SYS_SEMTIMEDOP && e->timeout_ns >= 0) {
			fmt_duration(dur, sizeof(dur), (uint64_t)e->timeout_ns);
			sb_printf(b, " timeout=%s", dur);
		}
		break;
	case IPC_OP_SEM_CTL:
		if (cmd)
			sb_printf(b, " cmd=%s", cmd);
		else
			sb_printf(b, " cmd=%d", e->cmd);
		if (semctl_has_semnum(e->cmd))
			sb_printf(b, " semnum=%u", e->sem_num[0]);
		break;
	}
}

static void text_details(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *rec)
{
	const struct ipc_ev_proc *p = (const void *)rec;
	const struct ipc_ev_lock *l = (const void *)rec;

	switch (rec->type) {
	case IPC_REC_IO:
		text_io(b, c, (const void *)rec);
		break;
	case IPC_REC_FD:
		text_fd(b, c, (const void *)rec);
		break;
	case IPC_REC_MQ:
		text_mq(b, (const void *)rec);
		break;
	case IPC_REC_FUTEX:
		text_futex(b, (const void *)rec);
		break;
	case IPC_REC_SIGNAL:
		text_signal(b, c, (const void *)rec);
		break;
	case IPC_REC_PROC:
		if (rec->op == IPC_OP_PROC_EXIT || rec->op == IPC_OP_THREAD_EXIT)
			text_exit_status(b, p->exit_code);
		break;
	case IPC_REC_SEM:
		text_sem(b, (const void *)rec);
		break;
	case IPC_REC_LOCK:
		sb_printf(b, " call=0x%" PRIx64, (uint64_t)l->call_ip);
		if (l->addr2)
			sb_printf(b, " mutex=0x%" PRIx64, (uint64_t)l->addr2);
		break;
	}
}

/* Tracepoint-made events (signal generate/deliver, process events) return nothing. */
static bool has_result(const struct ipc_hdr *rec)
{
	if (rec->type == IPC_REC_PROC)
		return false;
	return rec->type != IPC_REC_SIGNAL || rec->op == IPC_OP_SIGNAL_SEND;
}

size_t fmt_event_text(char *buf, size_t len, const struct fmt_ctx *c, const struct ipc_hdr *rec)
{
	char tmp[IPC_PATH_LEN + 64];
	const char *op;
	struct sbuf b;

	sb_init(&b, buf, len);
	if (!is_event(rec))
		return 0;
	if (!c)
		c = &no_ctx;
	op = ipc_op_name(rec->op);
	fmt_ts(tmp, sizeof(tmp), c, rec->ts_ns);
	sb_printf(&b, "%s ", tmp);
	sb_put_clean(&b, rec->comm);
	sb_printf(&b, "[%u/%u] %s", rec->pid, rec->tid, op ? op : "?");
	if (fmt_event_obj(tmp, sizeof(tmp), rec))
		sb_printf(&b, " %s", tmp);
	text_details(&b, c, rec);
	if (has_result(rec)) {
		fmt_ret(tmp, sizeof(tmp), rec->ret);
		sb_printf(&b, " = %s", tmp);
	}
	if (rec->dur_ns) {
		fmt_duration(tmp, sizeof(tmp), rec->dur_ns);
		sb_printf(&b, " <%s>", tmp);
	}
	if (rec->flags & IPC_EVF_BLOCKED)
		sb_puts(&b, " blocked");
	if (rec->flags & IPC_EVF_PEER)
		sb_puts(&b, " peer_side");
	return b.pos;
}

/* Addresses as "0x..." strings: JSON numbers lose precision past 2^53. */
static void json_hex(struct jw *w, const char *key, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%" PRIx64, v);
	jw__kv_str(w, key, s);
}

static void json_obj_str(struct jw *w, const char *key, const struct ipc_obj *o)
{
	char s[160];

	fmt_obj(s, sizeof(s), o, NULL);
	jw__kv_str(w, key, s);
}

/* "peer": the other end of a unix socket, or the remote inet address. */
static void json_peer(struct jw *w, const struct fmt_ctx *c, const struct ipc_obj *o)
{
	const char *comm;
	char s[64];

	if (o->kind == IPC_OBJ_UNIX && (o->peer_pid || o->peer_ino)) {
		jw__key(w, "peer");
		jw__obj_begin(w);
		if (o->peer_pid) {
			jw__kv_u64(w, "pid", o->peer_pid);
			comm = other_comm(c, o->peer_pid, NULL);
			if (comm)
				jw__kv_str(w, "comm", comm);
		}
		if (o->peer_ino) {
			snprintf(s, sizeof(s), "unix:[%" PRIu64 "]", (uint64_t)o->peer_ino);
			jw__kv_str(w, "obj", s);
		}
		jw__obj_end(w);
	} else if (is_inet(o->kind) && inet_remote_set(o)) {
		fmt_sockaddr(s, sizeof(s), o->family, o->raddr, o->rport);
		jw__key(w, "peer");
		jw__obj_begin(w);
		jw__kv_str(w, "addr", s);
		jw__obj_end(w);
	}
}

static void json_common(struct jw *w, const struct ipc_hdr *rec)
{
	const char *sys = ipc_sys_name(rec->sys);
	const char *err;
	char s[IPC_PATH_LEN + 64];

	jw__kv_u64(w, "ts_ns", rec->ts_ns);
	jw__kv_u64(w, "pid", rec->pid);
	jw__kv_u64(w, "tid", rec->tid);
	jw__kv_str(w, "comm", rec->comm);
	jw__kv_str(w, "op", ipc_op_name(rec->op));
	fmt_event_obj(s, sizeof(s), rec);
	jw__kv_str(w, "obj", s);
	jw__kv_s64(w, "ret", rec->ret);
	if (rec->ret < 0) {
		err = rec->ret >= -0x7fffffff ? ipc_errno_name((int)-rec->ret) : NULL;
		snprintf(s, sizeof(s), "%" PRIu64, 0 - (uint64_t)rec->ret);
		jw__kv_str(w, "errno", err ? err : s);
	}
	if (sys)
		jw__kv_str(w, "sys", sys);
	if (rec->dur_ns)
		jw__kv_u64(w, "dur_ns", rec->dur_ns);
	if (rec->flags & IPC_EVF_BLOCKED)
		jw__kv_bool(w, "blocked", true);
	if (rec->flags & IPC_EVF_PEER)
		jw__kv_bool(w, "peer_side", true);
	if (rec->flags & IPC_EVF_TRUNCATED)
		jw__kv_bool(w, "truncated", true);
	if (rec->flags & IPC_EVF_STACK_MISSED)
		jw__kv_bool(w, "stack_missed", true);
	if (rec->stack_id >= 0)
		jw__kv_s64(w, "stack_id", rec->stack_id);
}

static void json_io(struct jw *w, const struct fmt_ctx *c, const struct ipc_ev_io *e)
{
	jw__kv_s64(w, "fd", e->fd);
	jw__kv_u64(w, "len", e->req);
	jw__kv_u64(w, "bytes", e->bytes);
	if (e->vlen)
		jw__kv_u64(w, "vlen", e->vlen);
	if (is_mmsg(e->hdr.sys))
		jw__kv_u64(w, "msgs", e->msgs);
	if (e->msg_flags)
		jw__kv_u64(w, "msg_flags", e->msg_flags);
	json_peer(w, c, &e->obj);
}

static void json_fd_pair(struct jw *w, const struct ipc_ev_fd *e)
{
	if (e->hdr.ret < 0)
		return;
	jw__key(w, "fds");
	jw__arr_begin(w);
	jw__s64(w, e->fd);
	jw__s64(w, e->fd2);
	jw__arr_end(w);
}

static void json_fd_sock(struct jw *w, const struct ipc_ev_fd *e)
{
	const struct ipc_obj *o = &e->obj;
	const char *how = ipc_shutdown_how_name(e->arg);
	char s[64];

	if (sock_family(e) && (e->hdr.op == IPC_OP_SOCK_CREATE || e->hdr.op == IPC_OP_SOCK_PAIR))
		jw__kv_str(w, "family", sock_family(e));
	if (e->arg2 && (e->hdr.op == IPC_OP_SOCK_CREATE || e->hdr.op == IPC_OP_SOCK_PAIR))
		jw__kv_str(w, "sock_type", sock_type_str(s, sizeof(s), e->arg2));
	if (e->hdr.op == IPC_OP_SOCK_ACCEPT)
		jw__kv_s64(w, "listen_fd", e->fd2);
	if ((e->hdr.op == IPC_OP_SOCK_ACCEPT || e->hdr.op == IPC_OP_SOCK_PAIR) && e->obj2.kind)
		json_obj_str(w, "obj2", &e->obj2);
	if (e->hdr.op == IPC_OP_SOCK_LISTEN)
		jw__kv_u64(w, "backlog", e->arg);
	if (e->hdr.op == IPC_OP_SOCK_SHUTDOWN) {
		snprintf(s, sizeof(s), "%u", e->arg);
		jw__kv_str(w, "how", how ? how : s);
	}
	if (e->hdr.op != IPC_OP_SOCK_BIND && e->hdr.op != IPC_OP_SOCK_CONNECT)
		return;
	if (e->name[0]) {
		jw__kv_str(w, "path", e->name);
	} else if (is_inet(o->kind)) {
		if (e->hdr.op == IPC_OP_SOCK_BIND)
			fmt_sockaddr(s, sizeof(s), o->family, o->laddr, o->lport);
		else
			fmt_sockaddr(s, sizeof(s), o->family, o->raddr, o->rport);
		jw__kv_str(w, "addr", s);
	}
}

/* Ops whose fd is the one they create: meaningful only on success. */
static bool fd_is_new(unsigned int op)
{
	return op == IPC_OP_FIFO_OPEN || op == IPC_OP_SOCK_CREATE || op == IPC_OP_SOCK_ACCEPT ||
	       op == IPC_OP_FD_DUP;
}

static void json_fd(struct jw *w, const struct fmt_ctx *c, const struct ipc_ev_fd *e)
{
	unsigned int op = e->hdr.op;
	char s[128];

	if (op == IPC_OP_PIPE_CREATE || op == IPC_OP_SOCK_PAIR)
		json_fd_pair(w, e);
	else if (!fd_is_new(op) || e->hdr.ret >= 0)
		jw__kv_s64(w, "fd", e->fd);
	if (op == IPC_OP_FD_DUP)
		jw__kv_s64(w, "old_fd", e->fd2);
	if (op == IPC_OP_FD_SETFD)
		jw__kv_str(w, "fd_flags", fd_setfd_str(s, sizeof(s), e->arg));
	if (op == IPC_OP_FD_CLOSE_RANGE) {
		jw__kv_u64(w, "last_fd", e->arg2);
		if (e->arg)
			jw__kv_str(w, "flags", close_range_flags_str(s, sizeof(s), e->arg));
	}
	if (op == IPC_OP_FIFO_OPEN) {
		if (e->name[0])
			jw__kv_str(w, "path", e->name);
		jw__kv_str(w, "flags", ipc_open_flags_name(e->arg, s, sizeof(s)));
	} else if (e->arg && (op == IPC_OP_PIPE_CREATE || op == IPC_OP_SOCK_ACCEPT ||
			      op == IPC_OP_FD_DUP)) {
		jw__kv_str(w, "flags", fd_flags_str(s, sizeof(s), e->arg));
	}
	json_fd_sock(w, e);
	if (fd_has_peer(op))
		json_peer(w, c, &e->obj);
}

static void json_mq(struct jw *w, const struct ipc_ev_mq *e)
{
	unsigned int op = e->hdr.op;
	bool data = op == IPC_OP_MQ_SEND || op == IPC_OP_MQ_RECEIVE;
	char s[128];

	if (e->name[0])
		jw__kv_str(w, "mq", e->name);
	if (e->mqd >= 0 && op != IPC_OP_MQ_UNLINK)
		jw__kv_s64(w, "mqd", e->mqd);
	if (data) {
		jw__kv_u64(w, "len", e->len);
		jw__kv_u64(w, "bytes", ipc_rec_bytes(&e->hdr));
		if (op == IPC_OP_MQ_SEND || e->hdr.ret >= 0)
			jw__kv_u64(w, "prio", e->prio);
		if (e->timeout_ns >= 0)
			jw__kv_s64(w, "timeout_ns", e->timeout_ns);
	}
	if (op == IPC_OP_MQ_OPEN) {
		jw__kv_str(w, "flags", ipc_open_flags_name(e->oflag, s, sizeof(s)));
		if (e->oflag & O_CREAT)
			jw__kv_u64(w, "mode", e->mode);
	}
	if (op == IPC_OP_MQ_NOTIFY) {
		snprintf(s, sizeof(s), "%d", e->notify);
		jw__kv_str(w, "notify", e->notify < 0 ? "none" :
			   ipc_sigev_notify_name(e->notify) ? ipc_sigev_notify_name(e->notify) : s);
		if (e->notify == 0)
			jw__kv_str(w, "notify_sig", ipc_signal_name(e->notify_sig, s, sizeof(s)));
	}
	if (e->curmsgs >= 0 && (data || op == IPC_OP_MQ_GETSETATTR))
		jw__kv_s64(w, "curmsgs", e->curmsgs);
}

static void json_futex_key(struct jw *w, const struct ipc_ev_futex *f)
{
	char s[32];

	snprintf(s, sizeof(s), "%u:%u", dev_major(f->key_dev), dev_minor(f->key_dev));
	jw__kv_str(w, "key_dev", s);
	jw__kv_u64(w, "key_ino", f->key_ino);
	jw__kv_u64(w, "key_off", f->key_off);
}

static void json_futex(struct jw *w, const struct ipc_ev_futex *f)
{
	unsigned int op = f->hdr.op;
	char s[96];

	json_hex(w, "uaddr", f->uaddr);
	if (!is_futex2(f->hdr.sys))
		jw__kv_str(w, "futex_cmd", ipc_futex_cmd_name(f->cmd, s, sizeof(s)));
	jw__kv_u64(w, "val", f->val);
	jw__kv_u64(w, "val2", f->val2);
	jw__kv_u64(w, "val3", f->val3);
	if (f->fflags & IPC_FUTEX_WORD_OK) {
		jw__kv_u64(w, "word", f->word);
		if (futex_is_pi(op))
			jw__kv_u64(w, "owner_tid", f->word & FUTEX_TID_MASK_);
	}
	if (futex_has_uaddr2(op))
		json_hex(w, "uaddr2", f->uaddr2);
	if ((op == IPC_OP_FUTEX_WAKE || op == IPC_OP_FUTEX_WAKE_OP) && f->hdr.ret >= 0)
		jw__kv_s64(w, "woke", f->hdr.ret);
	if (op == IPC_OP_FUTEX_WAITV)
		jw__kv_u64(w, "nr", f->nr);
	if (f->fflags & IPC_FUTEX_PRIVATE)
		jw__kv_bool(w, "private", true);
	if (f->fflags & IPC_FUTEX_CLOCK_RT)
		jw__kv_bool(w, "clock_realtime", true);
	if (f->fflags & IPC_FUTEX_TIMEOUT)
		jw__kv_u64(w, "timeout_ns", f->timeout_ns);
	if (f->fflags & IPC_FUTEX_SHARED_KEY)
		json_futex_key(w, f);
}

static void json_signal(struct jw *w, const struct fmt_ctx *c, const struct ipc_ev_signal *e)
{
	const char *comm = sig_target_comm(c, e);
	const char *result = ipc_sig_result_name(e->result);
	unsigned int op = e->hdr.op;
	char s[32];

	jw__kv_str(w, "sig", ipc_signal_name(e->sig, s, sizeof(s)));
	jw__kv_s64(w, "signo", e->sig);
	if (op != IPC_OP_SIGNAL_SEND || send_code_chosen(e))
		jw__kv_str(w, "code", ipc_si_code_name(e->sig, e->code, s, sizeof(s)));
	jw__kv_s64(w, "target_pid", e->target_pid);
	jw__kv_s64(w, "target_tid", e->target_tid);
	if (comm && op != IPC_OP_SIGNAL_DELIVER)
		jw__kv_str(w, "target_comm", comm);
	if (op == IPC_OP_SIGNAL_GENERATE) {
		snprintf(s, sizeof(s), "%d", e->result);
		jw__kv_str(w, "result", result ? result : s);
	}
	if (e->hdr.flags & IPC_EVF_KERNEL)
		jw__kv_bool(w, "kernel", true);
	if (op == IPC_OP_SIGNAL_DELIVER)
		jw__kv_str(w, "handler", handler_str(s, sizeof(s), e->handler));
}

static void json_exit_status(struct jw *w, int32_t status)
{
	int sig = status & 0x7f;
	char s[24];

	jw__kv_s64(w, "wait_status", status);
	if (sig == 0) {
		jw__kv_s64(w, "exit_code", (status >> 8) & 0xff);
	} else if (sig != 0x7f) {
		jw__kv_str(w, "exit_signal", ipc_signal_name(sig, s, sizeof(s)));
		if (status & 0x80)
			jw__kv_bool(w, "core_dumped", true);
	}
}

static void json_proc(struct jw *w, const struct ipc_ev_proc *p)
{
	unsigned int op = p->hdr.op;

	if (p->ppid)
		jw__kv_u64(w, "ppid", p->ppid);
	if (op == IPC_OP_PROC_FORK || op == IPC_OP_THREAD_NEW) {
		jw__kv_u64(w, "child_pid", p->child_pid);
		jw__kv_u64(w, "child_tid", p->child_tid);
	} else if (op == IPC_OP_PROC_EXEC) {
		jw__kv_str(w, "filename", p->filename);
		jw__kv_u64(w, "old_tid", p->old_tid);
	} else if (op == IPC_OP_PROC_EXIT || op == IPC_OP_THREAD_EXIT) {
		json_exit_status(w, p->exit_code);
		jw__kv_u64(w, "nr_threads", p->nr_threads);
	}
}

static void json_sops(struct jw *w, const struct ipc_ev_sem *e)
{
	uint32_t n = e->nsops < IPC_SEM_MAX_SOPS ? e->nsops : IPC_SEM_MAX_SOPS;

	jw__key(w, "sops");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < n; i++) {
		jw__obj_begin(w);
		jw__kv_u64(w, "num", e->sem_num[i]);
		jw__kv_s64(w, "op", e->sem_op[i]);
		jw__kv_u64(w, "flg", (uint16_t)e->sem_flg[i]);
		jw__obj_end(w);
	}
	jw__arr_end(w);
	jw__kv_u64(w, "nsops", e->nsops);
	if (e->hdr.sys == IPC_SYS_SEMTIMEDOP && e->timeout_ns >= 0)
		jw__kv_s64(w, "timeout_ns", e->timeout_ns);
}

static void json_sem(struct jw *w, const struct ipc_ev_sem *e)
{
	const char *cmd = ipc_semctl_cmd_name(e->cmd);
	char s[24];

	if (e->semid >= 0)
		jw__kv_s64(w, "semid", e->semid);
	switch (e->hdr.op) {
	case IPC_OP_SEM_GET:
		jw__kv_s64(w, "key", e->key);
		jw__kv_s64(w, "nsems", e->cmd);
		jw__kv_u64(w, "flags", e->flags);
		break;
	case IPC_OP_SEM_OP:
		json_sops(w, e);
		break;
	case IPC_OP_SEM_CTL:
		snprintf(s, sizeof(s), "%d", e->cmd);
		jw__kv_str(w, "cmd", cmd ? cmd : s);
		if (semctl_has_semnum(e->cmd))
			jw__kv_u64(w, "semnum", e->sem_num[0]);
		break;
	}
}

static void json_lock(struct jw *w, const struct ipc_ev_lock *l)
{
	const char *kind = ipc_lock_kind_name(l->lock_kind);
	char s[24];

	snprintf(s, sizeof(s), "%u", l->lock_kind);
	json_hex(w, "addr", l->addr);
	jw__kv_str(w, "lock_kind", kind ? kind : s);
	json_hex(w, "call_ip", l->call_ip);
	if (l->addr2)
		json_hex(w, "addr2", l->addr2);
	jw__kv_u64(w, "func", l->func);
}

void fmt_event_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *rec)
{
	if (!is_event(rec))
		return;
	if (!c)
		c = &no_ctx;
	jw__obj_begin(w);
	json_common(w, rec);
	switch (rec->type) {
	case IPC_REC_IO:
		json_io(w, c, (const void *)rec);
		break;
	case IPC_REC_FD:
		json_fd(w, c, (const void *)rec);
		break;
	case IPC_REC_MQ:
		json_mq(w, (const void *)rec);
		break;
	case IPC_REC_FUTEX:
		json_futex(w, (const void *)rec);
		break;
	case IPC_REC_SIGNAL:
		json_signal(w, c, (const void *)rec);
		break;
	case IPC_REC_PROC:
		json_proc(w, (const void *)rec);
		break;
	case IPC_REC_SEM:
		json_sem(w, (const void *)rec);
		break;
	case IPC_REC_LOCK:
		json_lock(w, (const void *)rec);
		break;
	}
	jw__obj_end(w);
}
