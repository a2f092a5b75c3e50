// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The calls still in flight when a trace ends (IPC_REC_BLOCKED records of
 * the final look that are IPC operations), as event lines: strace's
 * "<unfinished ...>", with the time blocked so far.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode/names.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "output/format.h"

/* The object as in events: a futex by its address, or its shared key. */
static size_t inflight_obj(char *buf, size_t len, const struct ipc_rec_blocked *b)
{
	struct ipc_obj o = { 0 };

	switch (b->wait) {
	case IPC_WAIT_MUTEX:
	case IPC_WAIT_PI:
	case IPC_WAIT_RWLOCK:
	case IPC_WAIT_JOIN:
	case IPC_WAIT_FUTEX:
		o.kind = IPC_OBJ_FUTEX;
		if (b->bflags & IPC_BLK_SHARED) {
			o.dev = b->key_dev;
			o.ino = b->key_ino;
			o.peer_ino = b->key_off;
		} else {
			o.ino = b->addr;
		}
		return fmt_obj(buf, len, &o, NULL);
	case IPC_WAIT_SEM:
		o.kind = IPC_OBJ_SEM;
		o.ino = (uint32_t)b->args[0];
		return fmt_obj(buf, len, &o, NULL);
	default:
		return fmt_obj(buf, len, &b->obj, NULL);
	}
}

static bool on_fd(const struct ipc_rec_blocked *b)
{
	return b->wait == IPC_WAIT_IO || b->wait == IPC_WAIT_ACCEPT;
}

bool fmt_is_inflight(const struct ipc_hdr *rec)
{
	const struct ipc_rec_blocked *b = (const struct ipc_rec_blocked *)rec;

	return rec->type == IPC_REC_BLOCKED && (b->bflags & IPC_BLK_FINAL) &&
	       rec->op != IPC_OP_NONE;
}

size_t fmt_inflight_text(char *buf, size_t len, const struct fmt_ctx *c,
			 const struct ipc_rec_blocked *b)
{
	char ts[64], obj[128], dur[32], comm[IPC_COMM_LEN];
	size_t n;

	fmt_ts(ts, sizeof(ts), c, b->hdr.ts_ns);
	inflight_obj(obj, sizeof(obj), b);
	fmt_duration(dur, sizeof(dur), b->hdr.dur_ns);
	text__clean(comm, sizeof(comm), b->hdr.comm, sizeof(b->hdr.comm));
	n = snprintf(buf, len, "%s %s[%u/%u] %s %s", ts, comm, b->hdr.pid, b->hdr.tid,
		     ipc_op_name(b->hdr.op), obj);
	if (on_fd(b) && n < len)
		n += snprintf(buf + n, len - n, " fd=%d", (int)b->args[0]);
	else if (b->addr && b->bflags & IPC_BLK_SHARED && n < len)
		n += snprintf(buf + n, len - n, " uaddr=0x%" PRIx64, (uint64_t)b->addr);
	if (n < len)
		n += snprintf(buf + n, len - n, " = ? <%s%s> in_flight",
			      b->bflags & IPC_BLK_AT_LEAST ? ">=" : "", dur);
	return n;
}

void fmt_inflight_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_rec_blocked *b)
{
	char obj[128];

	inflight_obj(obj, sizeof(obj), b);
	jw__obj_begin(w);
	jw__kv_u64(w, "ts_ns", b->hdr.ts_ns);
	jw__kv_u64(w, "pid", b->hdr.pid);
	jw__kv_u64(w, "tid", b->hdr.tid);
	jw__kv_str(w, "comm", b->hdr.comm);
	jw__kv_str(w, "op", ipc_op_name(b->hdr.op));
	jw__kv_str(w, "obj", obj);
	if (b->syscall[0])
		jw__kv_str(w, "sys", b->syscall);
	jw__kv_u64(w, "dur_ns", b->hdr.dur_ns);
	jw__kv_bool(w, "in_flight", true);
	if (b->bflags & IPC_BLK_AT_LEAST)
		jw__kv_bool(w, "started_before", true);
	if (b->hdr.stack_id >= 0)
		jw__kv_s64(w, "stack_id", b->hdr.stack_id);
	if (on_fd(b))
		jw__kv_s64(w, "fd", (int)b->args[0]);
	if (b->addr) {
		snprintf(obj, sizeof(obj), "0x%" PRIx64, (uint64_t)b->addr);
		jw__kv_str(w, "uaddr", obj);
	}
	jw__obj_end(w);
}
