/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sockdiag: the sockets of ipctrace's network namespace, from the kernel's
 * NETLINK_SOCK_DIAG interface (what ss(8) uses): unix sockets with their
 * peer's inode (UNIX_DIAG_PEER) and path, TCP and UDP sockets (IPv4 and
 * IPv6) with both endpoints.  One dump per family at start, then lookups
 * by inode, so that the /proc snapshot can say where a target's sockets
 * lead without parsing /proc/net tables once per fd.
 */
#ifndef IPCTRACE_SOCKDIAG_H
#define IPCTRACE_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct sockdiag;

struct sockdiag_sock {
	uint64_t ino;
	uint64_t peer_ino;	/* unix: the peer socket's inode, 0 if none */
	uint16_t family;	/* AF_UNIX, AF_INET, AF_INET6 */
	uint8_t type;		/* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint8_t proto;		/* inet: IPPROTO_TCP or IPPROTO_UDP */
	uint8_t state;		/* TCP_* (unix sockets use the same values) */
	uint16_t lport;		/* inet: host order */
	uint16_t rport;
	uint8_t laddr[16];	/* inet: as ipc_obj (IPv4 in the first 4 bytes) */
	uint8_t raddr[16];
	char name[IPC_NAME_LEN];	/* unix: bound path ("@name" if abstract), or "" */
};

/* Dump the namespace's unix, TCP and UDP sockets.  NULL with errno (EPROTONOSUPPORT...). */
struct sockdiag *sockdiag__new(void);
void sockdiag__free(struct sockdiag *d);	/* accepts NULL */
size_t sockdiag__count(const struct sockdiag *d);

/* The socket with this inode, or NULL. */
const struct sockdiag_sock *sockdiag__find(const struct sockdiag *d, uint64_t ino);
/* The other end of a connected TCP/UDP socket when it is local (loopback), or NULL. */
const struct sockdiag_sock *sockdiag__inet_peer(const struct sockdiag *d,
						const struct sockdiag_sock *s);
/* s as the probes would describe it (kind, family, type, ino, peer, addresses); dev as given. */
void sockdiag__to_obj(const struct sockdiag_sock *s, uint32_t dev, struct ipc_obj *o);

#endif /* IPCTRACE_SOCKDIAG_H */
