// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * IPC_REC_IO: data through a pipe, FIFO or socket (read, write, send*,
 * recv*, splice...).
 */
#include <inttypes.h>

#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/sbuf.h"
#include "output/format.h"
#include "output/format_int.h"

static bool is_mmsg(unsigned int sys)
{
	return sys == IPC_SYS_SENDMMSG || sys == IPC_SYS_RECVMMSG;
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
	fmt_peer(b, c, &e->obj);
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
	fmt_json_peer(w, c, &e->obj);
}

static void io_text(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	text_io(b, c, (const struct ipc_ev_io *)h);
}

static void io_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h)
{
	json_io(w, c, (const struct ipc_ev_io *)h);
}

static void io_text_obj(struct sbuf *b, const struct ipc_hdr *h)
{
	fmt_sb_obj(b, &((const struct ipc_ev_io *)h)->obj, NULL);
}

static uint64_t io_bytes(const struct ipc_hdr *h)
{
	return ((const struct ipc_ev_io *)h)->bytes;
}

static void io_use(const struct ipc_hdr *h, struct rec_use *u)
{
	const struct ipc_ev_io *e = (const struct ipc_ev_io *)h;

	u->bind[0] = (struct rec_bind){ .obj = &e->obj, .fd = e->fd, .cloexec = -1 };
	u->nr_binds = 1;
	u->bytes = e->bytes;
	u->msgs = e->msgs;
}

static const struct rec_field io_objs[] = { REC_FIELD(ipc_ev_io, obj) };

const struct rec_desc io_rec = {
	.objs = io_objs,
	.nr_objs = 1,
	.name_off = -1,
	.bytes = io_bytes,
	.use = io_use,
	.text_obj = io_text_obj,
	.text = io_text,
	.json = io_json,
};
