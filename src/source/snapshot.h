/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * snapshot: what the targets hold when tracing starts, and who else holds
 * it, as records for the collector (so that a recording replays them):
 *
 *   - IPC_REC_TASK for each target and its threads, and an IPC_REC_FDSNAP
 *     for each pipe, FIFO, socket and queue fd it has, sockets described
 *     by sock_diag (the unix peer's inode and path, inet endpoints);
 *   - with peers, every other process whose fds reach the same objects
 *     (the other end of a pipe or FIFO, the peer of a unix socket, the
 *     other end of a loopback TCP/UDP connection, the same queue): its
 *     IPC_REC_TASK and the IPC_REC_FDSNAPs of those fds.
 *
 * Channels that stay idle during the trace are then known by both ends,
 * with pids and names, and the callback can watch their objects in BPF.
 */
#ifndef IPCTRACE_SNAPSHOT_H
#define IPCTRACE_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "source/procfs.h"

struct snapshot_opts {
	bool peers;		/* also the other processes holding the targets' objects */
	int verbose;		/* say what could not be read (stderr) */
};

struct snapshot_stats {
	uint32_t fds;		/* IPC_REC_FDSNAP of the targets */
	uint32_t peers;		/* other processes found */
	uint32_t peer_fds;	/* their IPC_REC_FDSNAP */
	bool diag;		/* sock_diag answered (else /proc/net tables) */
};

/*
 * Snapshot pids[0..nr).  Records go to cb; 0, or the first error cb
 * returned.  A target or peer that disappears meanwhile is skipped.  st
 * may be NULL.
 */
int snapshot__targets(const uint32_t *pids, int nr, const struct snapshot_opts *o, procfs_cb cb,
		      void *ctx, struct snapshot_stats *st);

#endif /* IPCTRACE_SNAPSHOT_H */
