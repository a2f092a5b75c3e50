// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_MQ: POSIX message queues (mq_open, mq_timedsend,
 * mq_timedreceive, mq_notify, mq_getsetattr, mq_unlink).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>

#include "decode/decode.h"
#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "output/format.h"
#include "output/format_int.h"

/* mq_open and mq_unlink know the name even when there is no queue (yet). */
static void sb_mq_obj(struct sbuf *b, const struct ipc_ev_mq *m)
{
	if (m->obj.kind == IPC_OBJ_NONE && m->name[0]) {
		sb_puts(b, "mq:");
		sb_put_clean(b, m->name);
		return;
	}
	fmt_sb_obj(b, &m->obj, m->name);
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

static void mq_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	text_mq(b, (const struct ipc_ev_mq *)h);
}

static void mq_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_mq(w, (const struct ipc_ev_mq *)h);
}

static void mq_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	sb_mq_obj(b, (const struct ipc_ev_mq *)h);
}

/*
 * mq_timedsend returns 0, so a send moved its whole message (len) when it
 * succeeded; mq_timedreceive returns the message size.
 */
static uint64_t mq_bytes(const struct ipc_hdr *h)
{
	const struct ipc_ev_mq *mq = (const struct ipc_ev_mq *)h;

	if (h->ret < 0)
		return 0;
	if (h->op == IPC_OP_MQ_SEND)
		return mq->len;
	if (h->op == IPC_OP_MQ_RECEIVE)
		return (uint64_t)h->ret;
	return 0;
}

static void mq_use(const struct ipc_hdr *h, struct rec_use *u)
{
	const struct ipc_ev_mq *e = (const struct ipc_ev_mq *)h;
	struct rec_bind *b = &u->bind[0];

	/* unlink names a queue without an fd, a failed open has none */
	if (h->op == IPC_OP_MQ_UNLINK || (h->op == IPC_OP_MQ_OPEN && h->ret < 0))
		return;
	*b = (struct rec_bind){ .obj = &e->obj, .name = e->name, .fd = e->mqd, .cloexec = -1 };
	if (h->op == IPC_OP_MQ_OPEN) {
		b->mode = rec_accmode(e->oflag);
		b->cloexec = !!(e->oflag & O_CLOEXEC);
	}
	u->nr_binds = 1;
	u->bytes = mq_bytes(h);
	u->msgs = h->ret >= 0;
}

static const struct rec_field mq_strs[] = { REC_FIELD(ipc_ev_mq, name) };
static const struct rec_field mq_objs[] = { REC_FIELD(ipc_ev_mq, obj) };

const struct rec_desc mq_rec = {
	.strs = mq_strs,
	.nr_strs = 1,
	.objs = mq_objs,
	.nr_objs = 1,
	.name_off = offsetof(struct ipc_ev_mq, name),
	.bytes = mq_bytes,
	.use = mq_use,
	.text_obj = mq_text_obj,
	.text = mq_text,
	.json = mq_json,
};
