/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader: the BPF side's lifecycle.  Open the skeleton, configure it
 * (filters, families, sizes), load, fill the filter maps, attach; read
 * stacks and loss counters while running; detach and unload at the end.
 * Failures come back as one line naming the cause.
 */
#ifndef IPCTRACE_LOADER_H
#define IPCTRACE_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "ipctrace_abi.h"

struct loader;

struct loader_opts {
	uint32_t families;	/* IPC_FAM_* bits */
	bool filter;		/* trace targets only (else the whole system) */
	bool filter_tids;	/* -t given */
	bool follow;		/* children of targets become targets (-f, -- CMD) */
	bool watch_peers;	/* trace other processes on the targets' objects */
	bool stacks;		/* capture user stacks of blocking operations */
	bool locks;		/* --locks: load the uprobe programs (src/probe/locks.c attaches) */
	uint64_t ringbuf_bytes;	/* ring buffer size (power of two, >= 4096) */
	uint64_t wakeup_bytes;	/* wake the consumer when this much is waiting */
	int verbose;		/* 0: quiet; 1: libbpf info; 2: libbpf debug */
	bool tasks_only;	/* load the task iterator alone (`ipctrace stuck`) */
	bool adopt;		/* calls found blocked at attach are reported at their return */
};

/*
 * Check privileges and BTF, open, configure and load.  NULL on failure,
 * with errno set and a one-line reason in err.
 */
struct loader *loader__load(const struct loader_opts *opts, char *err, size_t errlen);
/* Detach everything and unload; accepts NULL. */
void loader__destroy(struct loader *l);

/* The pid filter, before attaching (BPF maintains it afterwards): 0 or -errno. */
int loader__add_target(struct loader *l, uint32_t pid);
int loader__add_tid(struct loader *l, uint32_t tid);
/* Watch an object for other processes (from the /proc snapshot). */
int loader__watch(struct loader *l, const struct ipc_watch_key *key);
/* Never watch this object (ipctrace's own output). */
int loader__ignore(struct loader *l, const struct ipc_watch_key *key);

/* Attach every program.  0, or -errno with the failing program named in err. */
int loader__attach(struct loader *l, char *err, size_t errlen);

struct bpf_program;
struct bpf_link;
/* --locks: the uprobe for function entries (ret false) or returns; NULL without opts->locks. */
struct bpf_program *loader__lock_prog(const struct loader *l, bool ret);
/* Whether the lock programs attach as multi-uprobes (loader__attach_uprobes()). */
bool loader__uprobe_multi(const struct loader *l);
/*
 * Place the lock program for entries (ret false) or returns on n offsets of
 * the file at path, with their BPF cookies, for process pid (-1: all), as
 * one multi-uprobe link kept until loader__destroy().  0, -EOPNOTSUPP
 * without multi-uprobes, or -errno.
 */
int loader__attach_uprobes(struct loader *l, bool ret, const char *path, int pid,
			   const uint64_t *offsets, const uint64_t *cookies, size_t n);
/* Keep a link attached elsewhere, destroyed with the loader.  0, or -ENOMEM (link destroyed). */
int loader__add_link(struct loader *l, struct bpf_link *link);

int loader__events_fd(const struct loader *l);

/*
 * What every thread of the targets (and of the processes asked about) is
 * doing now, from the task iterator: *tasks points to the records (valid
 * until the next call), the count is returned, or -errno.
 */
ssize_t loader__read_tasks(struct loader *l, const struct ipc_task_now **tasks);
/* Report the threads of pid too (a process at the other end of a wait).  0 or -errno. */
int loader__ask_pid(struct loader *l, uint32_t pid);
/* Frames of a stack id: 0 and *nr set, or -errno (-ENOENT if gone). */
int loader__read_stack(const struct loader *l, int32_t id, __u64 *ips, __u32 *nr);
/* Loss counters summed over CPUs into out[IPC_STAT_NR].  0 or -errno. */
int loader__read_stats(const struct loader *l, __u64 *out);

/* Pre-checks, also used on their own: 0, or -errno with the reason in err. */
int loader__check_privileges(char *err, size_t errlen);
int loader__check_btf(char *err, size_t errlen);

#endif /* IPCTRACE_LOADER_H */
