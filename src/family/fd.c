// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_FD: the life of fds and objects: pipe, FIFO open, the socket
 * calls, close, dup, F_SETFD, close_range.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/close_range.h>

#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "output/format.h"
#include "output/format_int.h"

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

/* socketpair's second end: its socket alone (the pair itself is the event's object). */
static const struct ipc_obj *pair_end(const struct ipc_obj *o, struct ipc_obj *end)
{
	*end = *o;
	end->peer_ino = 0;
	return end;
}

static void text_sock_new(struct sbuf *b, const struct ipc_ev_fd *e)
{
	const char *af = sock_family(e);
	struct ipc_obj end;
	char tmp[64];

	if (e->hdr.op == IPC_OP_SOCK_PAIR) {
		if (e->hdr.ret >= 0)
			sb_printf(b, " fds=[%d,%d]", e->fd, e->fd2);
		if (e->obj2.kind) {
			sb_puts(b, " pair=");
			fmt_sb_obj(b, pair_end(&e->obj2, &end), NULL);
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
			fmt_sb_obj(b, &e->obj2, NULL);
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
		fmt_peer(b, c, &e->obj);
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
	struct ipc_obj end;
	const char *how = ipc_shutdown_how_name(e->arg);
	char s[64];

	if (sock_family(e) && (e->hdr.op == IPC_OP_SOCK_CREATE || e->hdr.op == IPC_OP_SOCK_PAIR))
		jw__kv_str(w, "family", sock_family(e));
	if (e->arg2 && (e->hdr.op == IPC_OP_SOCK_CREATE || e->hdr.op == IPC_OP_SOCK_PAIR))
		jw__kv_str(w, "sock_type", sock_type_str(s, sizeof(s), e->arg2));
	if (e->hdr.op == IPC_OP_SOCK_ACCEPT)
		jw__kv_s64(w, "listen_fd", e->fd2);
	if (e->hdr.op == IPC_OP_SOCK_ACCEPT && e->obj2.kind)
		fmt_json_obj(w, "obj2", &e->obj2);
	if (e->hdr.op == IPC_OP_SOCK_PAIR && e->obj2.kind)
		fmt_json_obj(w, "obj2", pair_end(&e->obj2, &end));
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
		fmt_json_peer(w, c, &e->obj);
}

static void fd_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	text_fd(b, c, (const struct ipc_ev_fd *)h);
}

static void fd_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_fd(w, c, (const struct ipc_ev_fd *)h);
}

static void fd_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	fmt_sb_obj(b, &((const struct ipc_ev_fd *)h)->obj, NULL);
}

/*
 * The fds an fd record gives: a pipe's two ends, a socketpair, an accepted
 * connection and its listener, or the one fd of an open or socket call.
 */
static void fd_use(const struct ipc_hdr *h, struct rec_use *u)
{
	const struct ipc_ev_fd *e = (const struct ipc_ev_fd *)h;
	struct rec_bind *b = u->bind;
	const uint8_t rw = REC_MODE_READ | REC_MODE_WRITE;

	if (h->ret < 0)
		return;
	switch (h->op) {
	case IPC_OP_PIPE_CREATE:
		b[0] = (struct rec_bind){ &e->obj, NULL, e->fd, REC_MODE_READ,
					  !!(e->arg & O_CLOEXEC) };
		b[1] = (struct rec_bind){ &e->obj, NULL, e->fd2, REC_MODE_WRITE, b[0].cloexec };
		u->nr_binds = 2;
		return;
	case IPC_OP_SOCK_PAIR:
	case IPC_OP_SOCK_ACCEPT:
		b[0] = (struct rec_bind){ &e->obj, NULL, e->fd, rw, !!((h->op == IPC_OP_SOCK_PAIR ?
						e->arg2 : e->arg) & SOCK_CLOEXEC) };
		/* accept: the listener's close-on-exec flag is not this call's */
		b[1] = (struct rec_bind){ &e->obj2, NULL, e->fd2, rw,
					  h->op == IPC_OP_SOCK_ACCEPT ? -1 : b[0].cloexec };
		u->nr_binds = 2;
		return;
	case IPC_OP_FIFO_OPEN:
		b[0] = (struct rec_bind){ &e->obj, e->name, e->fd, rec_accmode(e->arg),
					  !!(e->arg & O_CLOEXEC) };
		break;
	case IPC_OP_SOCK_CREATE:
		b[0] = (struct rec_bind){ &e->obj, e->name, e->fd, rw, !!(e->arg2 & SOCK_CLOEXEC) };
		break;
	case IPC_OP_FD_DUP:
		/* the mode is the old fd's, which the model knows */
		b[0] = (struct rec_bind){ &e->obj, e->name, e->fd, 0, !!(e->arg & O_CLOEXEC) };
		break;
	default:	/* bind, listen, connect, shutdown */
		b[0] = (struct rec_bind){ &e->obj, e->name, e->fd, rw, -1 };
		break;
	}
	u->nr_binds = 1;
}

static const struct rec_field fd_strs[] = { REC_FIELD(ipc_ev_fd, name) };
static const struct rec_field fd_objs[] = { REC_FIELD(ipc_ev_fd, obj), REC_FIELD(ipc_ev_fd, obj2) };

const struct rec_desc fd_rec = {
	.strs = fd_strs,
	.nr_strs = 1,
	.objs = fd_objs,
	.nr_objs = 2,
	.name_off = offsetof(struct ipc_ev_fd, name),
	.use = fd_use,
	.text_obj = fd_text_obj,
	.text = fd_text,
	.json = fd_json,
};
