// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_SEM: SysV semaphores (semget, semop, semtimedop, semctl).  A
 * set is named by its id, which is global.
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

static void sem_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	text_sem(b, (const struct ipc_ev_sem *)h);
}

static void sem_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_sem(w, (const struct ipc_ev_sem *)h);
}

/* A failed semget has no set. */
static void sem_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	const struct ipc_ev_sem *s = (const struct ipc_ev_sem *)h;

	if (s->semid >= 0)
		sb_printf(b, "sem:%d", s->semid);
	else
		sb_puts(b, "?");
}

static int sem_objkey(const struct ipc_hdr *h, struct objkey *k)
{
	const struct ipc_ev_sem *s = (const struct ipc_ev_sem *)h;

	if (s->semid < 0)
		return -ENOENT;
	memset(k, 0, sizeof(*k));
	k->kind = IPC_OBJ_SEM;
	k->a = (uint32_t)s->semid;
	return 0;
}

static void sem_use(const struct ipc_hdr *h, struct rec_use *u)
{
	const struct ipc_ev_sem *e = (const struct ipc_ev_sem *)h;
	uint32_t n = e->nsops < IPC_SEM_MAX_SOPS ? e->nsops : IPC_SEM_MAX_SOPS;

	u->msgs = h->ret >= 0;
	if (h->op != IPC_OP_SEM_OP) {
		/* semget, semctl: the set is used, when the call worked */
		u->ignore = h->ret < 0;
		return;
	}
	/* a semop that takes from the set waits on it; one that only adds posts */
	u->dir = 1;
	for (uint32_t i = 0; i < n; i++)
		if (e->sem_op[i] <= 0)
			u->dir = -1;
}

const struct rec_desc sem_rec = {
	.name_off = -1,
	.objkey = sem_objkey,
	.use = sem_use,
	.text_obj = sem_text_obj,
	.text = sem_text,
	.json = sem_json,
};
