// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * decode: the one gate every record passes before any other code reads it.
 * A record that passes can be used through its struct without further
 * checks: its size is right for its type, its enums index the name tables,
 * and its strings end inside their arrays.
 *
 * The checks read through memcpy and memchr only, so they are safe on a
 * record at any alignment (a recording file packs them after a u32 length).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "decode/decode.h"
#include "decode/names.h"

#define STACK_HDR_SIZE offsetof(struct ipc_rec_stack, ips)

static const size_t rec_sizes[IPC_REC_TYPE_MAX] = {
	[IPC_REC_IO] = sizeof(struct ipc_ev_io),
	[IPC_REC_FD] = sizeof(struct ipc_ev_fd),
	[IPC_REC_MQ] = sizeof(struct ipc_ev_mq),
	[IPC_REC_FUTEX] = sizeof(struct ipc_ev_futex),
	[IPC_REC_SIGNAL] = sizeof(struct ipc_ev_signal),
	[IPC_REC_PROC] = sizeof(struct ipc_ev_proc),
	[IPC_REC_SEM] = sizeof(struct ipc_ev_sem),
	[IPC_REC_LOCK] = sizeof(struct ipc_ev_lock),
	[IPC_REC_META] = sizeof(struct ipc_rec_meta),
	[IPC_REC_STACK] = STACK_HDR_SIZE,
	[IPC_REC_MAP] = sizeof(struct ipc_rec_map),
	[IPC_REC_TASK] = sizeof(struct ipc_rec_task),
	[IPC_REC_FDSNAP] = sizeof(struct ipc_rec_fdsnap),
	[IPC_REC_STATS] = sizeof(struct ipc_rec_stats),
};

size_t ipc_rec_size(unsigned int type)
{
	return type < IPC_REC_TYPE_MAX ? rec_sizes[type] : 0;
}

/* A char array field of a record type, which must hold its NUL. */
struct str_field {
	unsigned short type;
	unsigned short off;
	unsigned short size;
	const char *name;
};

#define STR_FIELD(t, st, f) \
	{ t, offsetof(struct st, f), sizeof(((struct st *)0)->f), #f }

static const struct str_field str_fields[] = {
	STR_FIELD(IPC_REC_FD, ipc_ev_fd, name),
	STR_FIELD(IPC_REC_MQ, ipc_ev_mq, name),
	STR_FIELD(IPC_REC_SIGNAL, ipc_ev_signal, target_comm),
	STR_FIELD(IPC_REC_PROC, ipc_ev_proc, filename),
	STR_FIELD(IPC_REC_META, ipc_rec_meta, hostname),
	STR_FIELD(IPC_REC_META, ipc_rec_meta, kernel),
	STR_FIELD(IPC_REC_MAP, ipc_rec_map, path),
	STR_FIELD(IPC_REC_TASK, ipc_rec_task, exe),
	STR_FIELD(IPC_REC_FDSNAP, ipc_rec_fdsnap, name),
};

/* Records that carry struct ipc_obj fields, and where. */
static const struct {
	unsigned short type;
	unsigned short off;
	const char *name;
} obj_fields[] = {
	{ IPC_REC_IO, offsetof(struct ipc_ev_io, obj), "obj" },
	{ IPC_REC_FD, offsetof(struct ipc_ev_fd, obj), "obj" },
	{ IPC_REC_FD, offsetof(struct ipc_ev_fd, obj2), "obj2" },
	{ IPC_REC_MQ, offsetof(struct ipc_ev_mq, obj), "obj" },
	{ IPC_REC_FDSNAP, offsetof(struct ipc_rec_fdsnap, obj), "obj" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

__attribute__((format(printf, 3, 4)))
static int reject(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/*
 * The length a record of this type must have.  Stacks come either trimmed
 * to their nr frames (the collector writes them so) or as the whole struct
 * (a plain copy of the BPF map value); both are accepted.
 */
static int check_len(const unsigned char *p, size_t len, unsigned int type, char *why,
		     size_t whylen)
{
	size_t want = ipc_rec_size(type);
	__u32 nr;

	if (type != IPC_REC_STACK) {
		if (len != want)
			return reject(why, whylen, "record type %u: length %zu, want %zu", type,
				      len, want);
		return 0;
	}
	if (len < want)
		return reject(why, whylen, "stack record: length %zu, want at least %zu", len,
			      want);
	memcpy(&nr, p + offsetof(struct ipc_rec_stack, nr), sizeof(nr));
	if (nr > IPC_MAX_STACK)
		return reject(why, whylen, "stack record: %u frames, at most %d", nr,
			      IPC_MAX_STACK);
	if (len != STACK_HDR_SIZE + 8 * (size_t)nr && len != sizeof(struct ipc_rec_stack))
		return reject(why, whylen, "stack record: length %zu for %u frames", len, nr);
	return 0;
}

/*
 * op and sys must name something: the enums have gaps between their
 * groups, and a value in a gap is as wrong as one past the end.  The name
 * tables are the one list of what exists.
 */
static bool op_valid(unsigned int op)
{
	return op == IPC_OP_NONE || ipc_op_name(op);
}

static bool sys_valid(unsigned int sys)
{
	return sys == IPC_SYS_NONE || ipc_sys_name(sys);
}

static int check_hdr(const struct ipc_hdr *h, char *why, size_t whylen)
{
	if (!op_valid(h->op))
		return reject(why, whylen, "record type %u: unknown op %u", h->type, h->op);
	if (!sys_valid(h->sys))
		return reject(why, whylen, "record type %u: unknown sys %u", h->type, h->sys);
	if (!memchr(h->comm, '\0', sizeof(h->comm)))
		return reject(why, whylen, "record type %u: comm not terminated", h->type);
	return 0;
}

static int check_fields(const unsigned char *p, unsigned int type, char *why, size_t whylen)
{
	for (size_t i = 0; i < ARRAY_SIZE(str_fields); i++) {
		const struct str_field *f = &str_fields[i];

		if (f->type == type && !memchr(p + f->off, '\0', f->size))
			return reject(why, whylen, "record type %u: %s not terminated", type,
				      f->name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(obj_fields); i++) {
		__u8 kind;

		if (obj_fields[i].type != type)
			continue;
		memcpy(&kind, p + obj_fields[i].off + offsetof(struct ipc_obj, kind), 1);
		if (kind >= IPC_OBJ_KIND_MAX)
			return reject(why, whylen, "record type %u: %s kind %u unknown", type,
				      obj_fields[i].name, kind);
	}
	return 0;
}

int ipc_rec_check(const void *rec, size_t len, char *why, size_t whylen)
{
	const unsigned char *p = rec;
	struct ipc_hdr h;
	int err;

	if (why && whylen)
		why[0] = '\0';
	if (!rec || len < sizeof(h))
		return reject(why, whylen, "record of %zu bytes: shorter than a header", len);
	memcpy(&h, p, sizeof(h));
	if (!ipc_rec_size(h.type))
		return reject(why, whylen, "unknown record type %u", h.type);
	err = check_len(p, len, h.type, why, whylen);
	if (!err)
		err = check_hdr(&h, why, whylen);
	if (!err)
		err = check_fields(p, h.type, why, whylen);
	return err;
}

const struct ipc_obj *ipc_rec_obj(const struct ipc_hdr *rec)
{
	if (!rec)
		return NULL;
	switch (rec->type) {
	case IPC_REC_IO:
		return &((const struct ipc_ev_io *)rec)->obj;
	case IPC_REC_FD:
		return &((const struct ipc_ev_fd *)rec)->obj;
	case IPC_REC_MQ:
		return &((const struct ipc_ev_mq *)rec)->obj;
	case IPC_REC_FDSNAP:
		return &((const struct ipc_rec_fdsnap *)rec)->obj;
	default:
		return NULL;
	}
}

/*
 * mq_timedsend returns 0, so a send moved its whole message (len) when it
 * succeeded; mq_timedreceive returns the message size.
 */
__u64 ipc_rec_bytes(const struct ipc_hdr *rec)
{
	const struct ipc_ev_mq *mq;

	if (!rec)
		return 0;
	if (rec->type == IPC_REC_IO)
		return ((const struct ipc_ev_io *)rec)->bytes;
	if (rec->type != IPC_REC_MQ || rec->ret < 0)
		return 0;
	mq = (const struct ipc_ev_mq *)rec;
	if (rec->op == IPC_OP_MQ_SEND)
		return mq->len;
	if (rec->op == IPC_OP_MQ_RECEIVE)
		return (__u64)rec->ret;
	return 0;
}

__u64 ipc_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void ipc_hdr_collector(struct ipc_hdr *h, unsigned int type, __u32 pid, __u32 tid,
		       const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = IPC_OP_SNAPSHOT;
	h->sys = IPC_SYS_HOOK_COLLECTOR;
	h->pid = pid;
	h->tid = tid;
	h->stack_id = -1;
	h->ts_ns = ipc_mono_ns();
	if (comm)
		snprintf(h->comm, sizeof(h->comm), "%.*s", (int)sizeof(h->comm) - 1, comm);
}
