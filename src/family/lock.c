// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_LOCK: pthread and semaphore calls seen by the --locks uprobes.
 */
#include <inttypes.h>
#include <stdio.h>

#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "output/format.h"
#include "output/format_int.h"

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

static void json_lock(struct jw *w, const struct ipc_ev_lock *l)
{
	const char *kind = ipc_lock_kind_name(l->lock_kind);
	char s[24];

	snprintf(s, sizeof(s), "%u", l->lock_kind);
	fmt_json_hex(w, "addr", l->addr);
	jw__kv_str(w, "lock_kind", kind ? kind : s);
	fmt_json_hex(w, "call_ip", l->call_ip);
	if (l->addr2)
		fmt_json_hex(w, "addr2", l->addr2);
	jw__kv_u64(w, "func", l->func);
}

static void lock_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	const struct ipc_ev_lock *l = (const struct ipc_ev_lock *)h;

	sb_printf(b, " call=0x%" PRIx64, (uint64_t)l->call_ip);
	if (l->addr2)
		sb_printf(b, " mutex=0x%" PRIx64, (uint64_t)l->addr2);
}

static void lock_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_lock(w, (const struct ipc_ev_lock *)h);
}

static void lock_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	const struct ipc_ev_lock *l = (const struct ipc_ev_lock *)h;

	sb_printf(b, "%s:0x%" PRIx64, lock_obj_prefix(l->lock_kind), (uint64_t)l->addr);
}

const struct rec_desc lock_rec = {
	.name_off = -1,
	.text_obj = lock_text_obj,
	.text = lock_text,
	.json = lock_json,
};
