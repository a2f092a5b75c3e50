/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * objkey: the identity of an IPC object in userspace, the same for every
 * process and both ends: a pipe by (dev, ino); a unix connection by its two
 * socket inodes in a fixed order; an inet connection by its two endpoints
 * in a fixed order; a queue by inode; a private futex by (process,
 * address), a shared one by (inode, offset); a SysV semaphore set by id.
 */
#ifndef IPCTRACE_OBJKEY_H
#define IPCTRACE_OBJKEY_H

#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct objkey {
	uint8_t kind;		/* enum ipc_obj_kind */
	uint8_t _pad[3];
	uint32_t pid;		/* private futex: its process; else 0 */
	uint32_t dev;		/* shared futex: device of the backing inode */
	uint32_t _pad2;
	uint64_t a;
	uint64_t b;
};

/* The object of an fd-based object description.  0, or -ENOENT for none. */
int objkey__from_obj(const struct ipc_obj *o, struct objkey *k);
/*
 * The object a record is about (IO, FD, MQ, FUTEX, SEM, FDSNAP records).
 * 0, or -ENOENT when it has none (signals, processes).
 */
int objkey__from_rec(const struct ipc_hdr *rec, struct objkey *k);

/*
 * Canonical id, as in format.h ("pipe:[81234]", "unix:[4411]->[4412]" with
 * the lower inode first, "tcp:A:p->B:q" with the lower endpoint first,
 * "mq:/name", "futex:0x7f..@PID" for private futexes, "futex:[maj:min/ino]+0xoff"
 * for shared ones, "sem:ID").  sample: an ipc_obj of the object (addresses),
 * may be NULL; name: mq name or socket path, may be NULL.
 */
size_t objkey__format(char *buf, size_t len, const struct objkey *k,
		      const struct ipc_obj *sample, const char *name);

/*
 * o oriented the canonical way: a unix connection with the lower inode
 * first, an inet connection with the lower endpoint first (the other kinds
 * unchanged), so that both ends of one connection spell it the same.
 */
void objkey__orient(const struct ipc_obj *in, struct ipc_obj *out);

#endif /* IPCTRACE_OBJKEY_H */
