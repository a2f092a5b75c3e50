/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * conns: which unix stream socket was connected to which.  Once a peer
 * closes, the kernel no longer names it (its socket inode is gone), so the
 * survivor's records show a lone socket; conns puts the peer back, and the
 * connection keeps one name in every output for its whole life.  A
 * connected stream socket never gets another peer, so what was learnt
 * stays true while the inode lives.
 *
 * Memory: one entry per end, at most CONNS_MAX; beyond, the oldest half of
 * what was learnt is forgotten (counted: a survivor of a forgotten pair is
 * shown alone).
 */
#ifndef IPCTRACE_CONNS_H
#define IPCTRACE_CONNS_H

#include <stdbool.h>
#include <stdint.h>
#include "ipctrace_abi.h"

#define CONNS_MAX	(1u << 18)

struct conns;

struct conns *conns__new(uint32_t max);	/* max 0: CONNS_MAX.  NULL with errno. */
void conns__free(struct conns *c);		/* accepts NULL */

/* Learn the pair that o shows (a unix stream socket with its peer).  0 or -ENOMEM. */
int conns__learn(struct conns *c, const struct ipc_obj *o);
/* The peer o had, if o is a unix stream socket shown alone and one was learnt; else 0. */
uint64_t conns__lost_peer(const struct conns *c, const struct ipc_obj *o);
/* Ends forgotten to stay within the bound. */
uint64_t conns__forgotten(const struct conns *c);

#endif /* IPCTRACE_CONNS_H */
