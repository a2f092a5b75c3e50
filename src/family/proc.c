// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_PROC: fork, exec and exit of processes and threads.
 */
#include <inttypes.h>
#include <stdio.h>

#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "output/format.h"
#include "output/format_int.h"

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

static void proc_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	if (h->op == IPC_OP_PROC_EXIT || h->op == IPC_OP_THREAD_EXIT)
		text_exit_status(b, ((const struct ipc_ev_proc *)h)->exit_code);
}

static void proc_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_proc(w, (const struct ipc_ev_proc *)h);
}

static void proc_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	sb_proc_obj(b, (const struct ipc_ev_proc *)h);
}

static const struct rec_field proc_strs[] = { REC_FIELD(ipc_ev_proc, filename) };

const struct rec_desc proc_rec = {
	.strs = proc_strs,
	.nr_strs = 1,
	.name_off = -1,
	.text_obj = proc_text_obj,
	.text = proc_text,
	.json = proc_json,
};
