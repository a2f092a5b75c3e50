/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * decode: checks that a record is what its header says before anything
 * looks inside it, for records from the ring buffer, from a recording file
 * or built by tests alike.
 */
#ifndef IPCTRACE_DECODE_H
#define IPCTRACE_DECODE_H

#include <stddef.h>
#include "ipctrace_abi.h"

/*
 * Exact size of a fixed-size record type, or the minimum for variable ones
 * (IPC_REC_STACK: header + nr, up to IPC_MAX_STACK frames).  0 if unknown.
 */
size_t ipc_rec_size(unsigned int type);

/*
 * 0 if rec/len is a well-formed record: known type, right size, op and sys
 * naming a value that exists (the gaps between groups are rejected),
 * NUL-terminated strings (comm, names) within their arrays, ipc_obj kinds
 * below IPC_OBJ_KIND_MAX, stack nr <= IPC_MAX_STACK.  -EBADMSG otherwise,
 * with a reason in why (may be NULL).
 * Reads rec through memcpy only, so any alignment is fine here; the other
 * modules access records through their structs and need 8-byte alignment.
 * A stack record's len is offsetof(ips) + 8 * nr or the whole struct.
 */
int ipc_rec_check(const void *rec, size_t len, char *why, size_t whylen);

/* The object a record is about, or NULL (futex, signal, proc records have none). */
const struct ipc_obj *ipc_rec_obj(const struct ipc_hdr *rec);

/*
 * Bytes moved by a data record, else 0.  IO: bytes.  MQ, when ret >= 0:
 * receive: ret (the message size); send: len (mq_timedsend returns 0).
 */
__u64 ipc_rec_bytes(const struct ipc_hdr *rec);

/*
 * The header of a record the collector makes itself (meta, stacks, maps,
 * /proc snapshots, loss counters): op "snapshot", hook "collector", no
 * stack, stamped with the monotonic clock now.  Zeroes the rest of the
 * header; comm may be NULL.
 */
void ipc_hdr_collector(struct ipc_hdr *h, unsigned int type, __u32 pid, __u32 tid,
		       const char *comm);

/* CLOCK_MONOTONIC in ns: the clock of every record's ts_ns. */
__u64 ipc_mono_ns(void);

#endif /* IPCTRACE_DECODE_H */
