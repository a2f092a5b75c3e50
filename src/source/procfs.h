/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * procfs: what /proc says about a process when tracing starts, as records
 * (IPC_REC_TASK for the process and its threads) and what one of its fds
 * is (snapshot.c turns them into IPC_REC_FDSNAP records), so that processes
 * and channels that are idle during the trace are still known, by name.
 */
#ifndef IPCTRACE_PROCFS_H
#define IPCTRACE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

typedef int (*procfs_cb)(void *ctx, const void *rec, size_t len);

/* Whether /proc/PID exists (a process, not only a thread id). */
bool procfs__pid_exists(uint32_t pid);
/* The process a thread id belongs to (Tgid:), or -ENOENT. */
int procfs__tgid_of(uint32_t tid);

/* IPC_REC_TASK for pid, then each of its threads.  0 or -errno. */
int procfs__snapshot_task(uint32_t pid, procfs_cb cb, void *ctx);

/* What an fd is, as the kernel's inode says (see procfs__fd_stat()). */
struct procfs_fdstat {
	uint32_t mode;		/* S_IF* and permissions */
	uint64_t ino;
	uint32_t dev;		/* major << 20 | minor */
	uint64_t mnt_id;	/* 0 if the kernel does not say (before 5.8) */
};

/*
 * Type, inode and device of fd of pid, from the kernel's inode and never
 * from the file's filesystem (statx with AT_STATX_DONT_SYNC through
 * /proc/PID/fd): a process holding a file on a stalled FUSE or network
 * filesystem cannot block us.  0 or -errno.
 */
int procfs__fd_stat(uint32_t pid, int fd, struct procfs_fdstat *fs);

/* Classify one fd of a live process into o (name: FIFO path or mq name).  0 or -errno. */
int procfs__fd_obj(uint32_t pid, int fd, struct ipc_obj *o, char *name, size_t namelen);

/* The O_* flags of an open fd (/proc/PID/fdinfo/FD "flags:"), or -errno. */
long procfs__fd_flags(uint32_t pid, int fd);

/* The monotonic, realtime and boottime clocks read as close together as possible. */
void procfs__clocks(__u64 *mono, __u64 *real, __u64 *boot);

#endif /* IPCTRACE_PROCFS_H */
