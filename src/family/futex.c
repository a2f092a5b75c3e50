// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_FUTEX: futex(2) with every op, futex_waitv(2) and the futex2
 * calls.  A private futex is named by (process, address), a shared one by
 * the inode and offset the kernel keys it by.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "model/objkey.h"
#include "output/format.h"
#include "output/format_int.h"

#define FUTEX_CMD_CMP_REQUEUE	4
#define FUTEX_CMD_WAIT_BITSET	9
#define FUTEX_CMD_WAKE_BITSET	10
#define FUTEX_BITSET_ANY	0xffffffffu
#define FUTEX_TID_MASK_		0x3fffffffu

static bool is_futex2(unsigned int sys)
{
	return sys == IPC_SYS_FUTEX_WAITV || sys == IPC_SYS_FUTEX_WAKE ||
	       sys == IPC_SYS_FUTEX_WAIT || sys == IPC_SYS_FUTEX_REQUEUE;
}

static void sb_futex_obj(struct sbuf *b, const struct ipc_ev_futex *f)
{
	if (f->fflags & IPC_FUTEX_SHARED_KEY)
		sb_printf(b, "futex:[%u:%u/%" PRIu64 "]+0x%" PRIx64, dev_major(f->key_dev),
			  dev_minor(f->key_dev), (uint64_t)f->key_ino, (uint64_t)f->key_off);
	else
		sb_printf(b, "futex:0x%" PRIx64, (uint64_t)f->uaddr);
}

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

	fmt_json_hex(w, "uaddr", f->uaddr);
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
		fmt_json_hex(w, "uaddr2", f->uaddr2);
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

static void futex_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	text_futex(b, (const struct ipc_ev_futex *)h);
}

static void futex_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_futex(w, (const struct ipc_ev_futex *)h);
}

static void futex_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	sb_futex_obj(b, (const struct ipc_ev_futex *)h);
}

static int futex_objkey(const struct ipc_hdr *h, struct objkey *k)
{
	const struct ipc_ev_futex *f = (const struct ipc_ev_futex *)h;

	memset(k, 0, sizeof(*k));
	k->kind = IPC_OBJ_FUTEX;
	if (f->fflags & IPC_FUTEX_SHARED_KEY) {
		k->dev = f->key_dev;
		k->a = f->key_ino;
		k->b = f->key_off;
		return 0;
	}
	k->pid = f->hdr.pid;
	k->a = f->uaddr;
	return 0;
}

/* Wakers: the waiters woken (or requeued); waiters: woken or acquired. */
static void futex_use(const struct ipc_hdr *h, struct rec_use *u)
{
	if (ipc_op_graph(h->op) == IPC_GRAPH_WAKE)
		u->msgs = h->ret > 0 ? (uint64_t)h->ret : 0;
	else
		u->msgs = h->ret >= 0;
}

const struct rec_desc futex_rec = {
	.name_off = -1,
	.objkey = futex_objkey,
	.use = futex_use,
	.text_obj = futex_text_obj,
	.text = futex_text,
	.json = futex_json,
};
