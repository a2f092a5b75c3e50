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
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "output/format.h"
#include "output/format_int.h"

size_t fmt_wait_status(char *buf, size_t len, int32_t status)
{
	int sig = status & 0x7f;
	char name[24];

	if (sig == 0)
		return snprintf(buf, len, "exited, status %d", (status >> 8) & 0xff);
	if (sig == 0x7f)
		return snprintf(buf, len, "stopped, status 0x%x", (unsigned int)status);
	return snprintf(buf, len, "killed by %s%s", ipc_signal_name(sig, name, sizeof(name)),
			status & 0x80 ? " (core dumped)" : "");
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

void fmt_sb_obj(struct sbuf *b, const struct ipc_obj *in, const char *name)
{
	struct ipc_obj oriented;
	const struct ipc_obj *o = &oriented;

	/* a connection is spelt the same from both ends, as the summary and graph name it */
	objkey__orient(in, &oriented);
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
	fmt_sb_obj(&b, o, name);
	return b.pos;
}

size_t fmt_event_obj(char *buf, size_t len, const struct ipc_hdr *rec)
{
	const struct rec_desc *d = rec_desc(rec->type);
	struct sbuf b;

	sb_init(&b, buf, len);
	if (d && d->text_obj)
		d->text_obj(&b, rec);
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

/*
 * Name of another process (signal target, socket peer): the proctab knows
 * the latest name when there is one; otherwise the name the record carries.
 * NULL when neither knows, or for process-group targets (pid <= 0).
 */
const char *fmt_other_comm(const struct fmt_ctx *c, int64_t pid, const char *own)
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

void fmt_comm_paren(struct sbuf *b, const char *comm)
{
	if (!comm)
		return;
	sb_puts(b, " (");
	sb_put_clean(b, comm);
	sb_puts(b, ")");
}

void fmt_peer(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_obj *o)
{
	if (o->kind != IPC_OBJ_UNIX || !o->peer_pid)
		return;
	sb_printf(b, " peer=%u", o->peer_pid);
	fmt_comm_paren(b, fmt_other_comm(c, o->peer_pid, NULL));
}

/* Tracepoint-made events (signal generate/deliver, process events) return nothing. */
static bool has_result(const struct ipc_hdr *rec)
{
	return !(ipc_op_flags(rec->op) & OPF_NORET);
}

size_t fmt_event_text(char *buf, size_t len, const struct fmt_ctx *c, const struct ipc_hdr *rec)
{
	char tmp[IPC_PATH_LEN + 64];
	const struct rec_desc *d;
	const char *op;
	struct sbuf b;

	sb_init(&b, buf, len);
	if (!rec || !rec_is_event(rec))
		return 0;
	d = rec_desc(rec->type);
	if (!c)
		c = &no_ctx;
	op = ipc_op_name(rec->op);
	fmt_ts(tmp, sizeof(tmp), c, rec->ts_ns);
	sb_printf(&b, "%s ", tmp);
	sb_put_clean(&b, rec->comm);
	sb_printf(&b, "[%u/%u] %s", rec->pid, rec->tid, op ? op : "?");
	if (fmt_event_obj(tmp, sizeof(tmp), rec))
		sb_printf(&b, " %s", tmp);
	if (d->text)
		d->text(&b, c, rec);
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
	if (rec->flags & IPC_EVF_STARTED_BEFORE)
		sb_puts(&b, " started_before");
	if (rec->flags & IPC_EVF_KILLED)
		sb_puts(&b, " killed");
	return b.pos;
}

/* Addresses as "0x..." strings: JSON numbers lose precision past 2^53. */
void fmt_json_hex(struct jw *w, const char *key, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "0x%" PRIx64, v);
	jw__kv_str(w, key, s);
}

void fmt_json_obj(struct jw *w, const char *key, const struct ipc_obj *o)
{
	char s[160];

	fmt_obj(s, sizeof(s), o, NULL);
	jw__kv_str(w, key, s);
}

/* "peer": the other end of a unix socket, or the remote inet address. */
void fmt_json_peer(struct jw *w, const struct fmt_ctx *c, const struct ipc_obj *o)
{
	const char *comm;
	char s[64];

	if (o->kind == IPC_OBJ_UNIX && (o->peer_pid || o->peer_ino)) {
		jw__key(w, "peer");
		jw__obj_begin(w);
		if (o->peer_pid) {
			jw__kv_u64(w, "pid", o->peer_pid);
			comm = fmt_other_comm(c, o->peer_pid, NULL);
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
	if (rec->flags & IPC_EVF_STARTED_BEFORE)
		jw__kv_bool(w, "started_before", true);
	if (rec->flags & IPC_EVF_KILLED)
		jw__kv_bool(w, "killed", true);
	if (rec->flags & IPC_EVF_TRUNCATED)
		jw__kv_bool(w, "truncated", true);
	if (rec->flags & IPC_EVF_STACK_MISSED)
		jw__kv_bool(w, "stack_missed", true);
	if (rec->stack_id >= 0)
		jw__kv_s64(w, "stack_id", rec->stack_id);
}

void fmt_event_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *rec)
{
	const struct rec_desc *d;

	if (!rec || !rec_is_event(rec))
		return;
	if (!c)
		c = &no_ctx;
	d = rec_desc(rec->type);
	jw__obj_begin(w);
	json_common(w, rec);
	if (d->json)
		d->json(w, c, rec);
	jw__obj_end(w);
}
