/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * records: what each record type is, for every stage after the source.
 *
 * One struct rec_desc per row of include/ipc_records.def, defined in the
 * record type's own file under src/family/.  The decode checks read its
 * layout (size, strings, objects); the model its object, name, bytes and
 * the fds it binds; the outputs its text and JSON.  Code outside
 * src/family/ asks the descriptor and never switches on a record type, so
 * a new record type is its .def row and its family file.
 */
#ifndef IPCTRACE_RECORDS_H
#define IPCTRACE_RECORDS_H

#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct fmt_ctx;
struct jw;
struct objkey;
struct sbuf;

/* Where a record type comes from (ipc_records.def's origin column). */
enum rec_origin {
	REC_SYSCALL,		/* the probes: syscalls and kernel hooks */
	REC_UPROBE,		/* the --locks uprobes */
	REC_COLLECTOR,		/* made by the collector */
};

/* A field of a record: a char array (NUL inside) or a struct ipc_obj. */
struct rec_field {
	unsigned short off;
	unsigned short size;
	const char *name;
};

#define REC_FIELD(st, f) { offsetof(struct st, f), sizeof(((struct st *)0)->f), #f }

/* fd access modes a record gives (struct rec_bind.mode) */
#define REC_MODE_READ	(1u << 0)
#define REC_MODE_WRITE	(1u << 1)

/* The access mode of open(2)/mq_open(3) flags. */
static inline uint8_t rec_accmode(unsigned int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:	return REC_MODE_READ;
	case O_WRONLY:	return REC_MODE_WRITE;
	default:	return REC_MODE_READ | REC_MODE_WRITE;
	}
}

/* An fd a record says a process holds, and what it names. */
struct rec_bind {
	const struct ipc_obj *obj;
	const char *name;	/* path or queue name, or NULL */
	int32_t fd;
	uint8_t mode;		/* REC_MODE_*, 0 when unknown */
	int8_t cloexec;		/* 1, 0, or -1 when the record does not say */
};

/* What a record means to the model: the fds it binds, the traffic it moves. */
struct rec_use {
	struct rec_bind bind[2];
	int nr_binds;		/* 0: nothing to bind (a failed call, a name only) */
	uint64_t bytes;
	uint64_t msgs;		/* messages or wakeups the operation moved */
	int dir;		/* graph role SYNC: 1 posts/wakes, -1 waits, 0 neither */
	bool ignore;		/* an object without an fd: the record changes nothing */
};

struct rec_desc {
	const struct rec_field *strs;	/* char arrays that hold a NUL */
	unsigned char nr_strs;
	const struct rec_field *objs;	/* struct ipc_obj fields; objs[0] is the object */
	unsigned char nr_objs;
	short name_off;			/* offset of the object's name (char[]), or -1 */

	/* model; each may be NULL */
	uint64_t (*bytes)(const struct ipc_hdr *h);
	/* the object's key when objs[0] cannot give it (futex, sem); 0 or -ENOENT */
	int (*objkey)(const struct ipc_hdr *h, struct objkey *k);
	/* the fds an op binds and its traffic (graph roles SEND/RECV/BIND/PAIR) */
	void (*use)(const struct ipc_hdr *h, struct rec_use *u);

	/* outputs (event records only) */
	void (*text_obj)(struct sbuf *b, const struct ipc_hdr *h);	/* the OBJECT column */
	void (*text)(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_hdr *h);
	void (*json)(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *h);
};

/* The descriptor of a record type, or NULL for a type that does not exist. */
const struct rec_desc *rec_desc(unsigned int type);
/* sizeof its struct (ipc_records.def), or 0 for a type that does not exist. */
size_t rec_struct_size(unsigned int type);
/* enum rec_origin (ipc_records.def), or -1 for a type that does not exist. */
int rec_origin(unsigned int type);

/* An event (from the probes or the uprobes), not a collector-made record. */
static inline bool rec_is_event(const struct ipc_hdr *h)
{
	int o = rec_origin(h->type);

	return o == REC_SYSCALL || o == REC_UPROBE;
}

/* The record's name field ("" when it has none). */
static inline const char *rec_name(const struct ipc_hdr *h)
{
	const struct rec_desc *d = rec_desc(h->type);

	return d && d->name_off >= 0 ? (const char *)h + d->name_off : NULL;
}

#endif /* IPCTRACE_RECORDS_H */
