/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The pieces of event lines and JSON objects that the record types'
 * formatters (src/family/) share with format.c.  Not for other modules:
 * they use format.h.
 */
#ifndef IPCTRACE_FORMAT_INT_H
#define IPCTRACE_FORMAT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "ipctrace_abi.h"

struct fmt_ctx;
struct jw;
struct sbuf;

static inline unsigned int dev_major(uint32_t dev)
{
	return dev >> 20;
}

static inline unsigned int dev_minor(uint32_t dev)
{
	return dev & 0xfffff;
}

static inline bool is_inet(unsigned int kind)
{
	return kind == IPC_OBJ_TCP || kind == IPC_OBJ_UDP || kind == IPC_OBJ_INET;
}

static inline bool inet_remote_set(const struct ipc_obj *o)
{
	static const uint8_t zero[16];

	return o->rport || memcmp(o->raddr, zero, sizeof(zero)) != 0;
}

/* The object id (format.h) into b. */
void fmt_sb_obj(struct sbuf *b, const struct ipc_obj *o, const char *name);

/*
 * Name of another process (signal target, socket peer): the proctab's
 * latest name, else own (the name the record carries), else NULL.
 */
const char *fmt_other_comm(const struct fmt_ctx *c, int64_t pid, const char *own);
/* " (comm)", cleaned; nothing when comm is NULL. */
void fmt_comm_paren(struct sbuf *b, const char *comm);
/* " peer=PID (comm)" of a unix socket's peer. */
void fmt_peer(struct sbuf *b, const struct fmt_ctx *c, const struct ipc_obj *o);

/* Addresses as "0x..." strings: JSON numbers lose precision past 2^53. */
void fmt_json_hex(struct jw *w, const char *key, uint64_t v);
/* key: the object id */
void fmt_json_obj(struct jw *w, const char *key, const struct ipc_obj *o);
/* "peer": the other end of a unix socket, or the remote inet address. */
void fmt_json_peer(struct jw *w, const struct fmt_ctx *c, const struct ipc_obj *o);

#endif /* IPCTRACE_FORMAT_INT_H */
