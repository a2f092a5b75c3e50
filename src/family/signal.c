// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_SIGNAL: the signal-sending syscalls, the signal_generate /
 * signal_deliver tracepoints, and rt_sigreturn (a handler returns: no
 * signal named, no object, no details).
 */
#include <inttypes.h>
#include <stdio.h>

#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "model/proctab.h"
#include "output/format.h"
#include "output/format_int.h"

/* The target as the syscall named it: a process, or for tkill only a thread. */
static int32_t sig_target(const struct ipc_ev_signal *s)
{
	return s->target_pid == 0 && s->target_tid > 0 ? s->target_tid : s->target_pid;
}

/* A signal target's name; tkill gives only a tid, which the proctab maps to its process. */
static const char *sig_target_comm(const struct fmt_ctx *c, const struct ipc_ev_signal *s)
{
	const struct thread_info *th;

	if (s->target_pid == 0 && s->target_tid > 0) {
		th = c->procs ? proctab__thread(c->procs, (uint32_t)s->target_tid) : NULL;
		if (th)
			return fmt_other_comm(c, th->pid, s->target_comm);
		return s->target_comm[0] ? s->target_comm : NULL;
	}
	return fmt_other_comm(c, s->target_pid, s->target_comm);
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

	if (s->hdr.op == IPC_OP_SIGNAL_RETURN)
		return;
	if (s->hdr.op == IPC_OP_SIGNAL_DELIVER) {
		sb_printf(b, " code=%s", ipc_si_code_name(s->sig, s->code, tmp, sizeof(tmp)));
		sb_printf(b, " handler=%s", handler_str(tmp, sizeof(tmp), s->handler));
		return;
	}
	fmt_comm_paren(b, sig_target_comm(c, s));
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
	if (s->sflags & IPC_SIGF_IRQ)
		sb_puts(b, " irq");
}

static void json_signal(struct jw *w, const struct fmt_ctx *c, const struct ipc_ev_signal *e)
{
	const char *comm = sig_target_comm(c, e);
	const char *result = ipc_sig_result_name(e->result);
	unsigned int op = e->hdr.op;
	char s[32];

	if (op == IPC_OP_SIGNAL_RETURN)
		return;
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
	if (e->sflags & IPC_SIGF_IRQ)
		jw__kv_bool(w, "irq", true);
	if (op == IPC_OP_SIGNAL_DELIVER)
		jw__kv_str(w, "handler", handler_str(s, sizeof(s), e->handler));
}

static void signal_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	text_signal(b, c, (const struct ipc_ev_signal *)h);
}

static void signal_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_signal(w, c, (const struct ipc_ev_signal *)h);
}

static void signal_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	const struct ipc_ev_signal *s = (const struct ipc_ev_signal *)h;
	char sig[24];

	if (h->op == IPC_OP_SIGNAL_RETURN)
		return;
	sb_printf(b, "%s -> %d", ipc_signal_name(s->sig, sig, sizeof(sig)), sig_target(s));
}

static const struct rec_field signal_strs[] = { REC_FIELD(ipc_ev_signal, target_comm) };

const struct rec_desc signal_rec = {
	.strs = signal_strs,
	.nr_strs = 1,
	.name_off = -1,
	.text_obj = signal_text_obj,
	.text = signal_text,
	.json = signal_json,
};
