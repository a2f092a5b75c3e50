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
#include "decode/records.h"

#define STACK_HDR_SIZE offsetof(struct ipc_rec_stack, ips)

size_t ipc_rec_size(unsigned int type)
{
	/* the one record of variable length: its frames follow */
	if (type == IPC_REC_STACK)
		return STACK_HDR_SIZE;
	return rec_struct_size(type);
}


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
	const struct rec_desc *d = rec_desc(type);

	for (size_t i = 0; i < d->nr_strs; i++) {
		const struct rec_field *f = &d->strs[i];

		if (!memchr(p + f->off, '\0', f->size))
			return reject(why, whylen, "record type %u: %s not terminated", type,
				      f->name);
	}
	for (size_t i = 0; i < d->nr_objs; i++) {
		__u8 kind;

		memcpy(&kind, p + d->objs[i].off + offsetof(struct ipc_obj, kind), 1);
		if (kind >= IPC_OBJ_KIND_MAX)
			return reject(why, whylen, "record type %u: %s kind %u unknown", type,
				      d->objs[i].name, kind);
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
	const struct rec_desc *d = rec ? rec_desc(rec->type) : NULL;

	if (!d || !d->nr_objs)
		return NULL;
	return (const struct ipc_obj *)((const char *)rec + d->objs[0].off);
}

__u64 ipc_rec_bytes(const struct ipc_hdr *rec)
{
	const struct rec_desc *d = rec ? rec_desc(rec->type) : NULL;

	return d && d->bytes ? d->bytes(rec) : 0;
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
