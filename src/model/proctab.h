/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * proctab: the processes and threads a trace has seen, built from the
 * records themselves (every header carries pid/tid/comm; REC_PROC gives
 * fork/exec/exit; REC_TASK gives what /proc showed at start).  Entries stay
 * after a process exits so that reports can still name it; memory grows
 * with the number of distinct processes and threads, not with events.
 */
#ifndef IPCTRACE_PROCTAB_H
#define IPCTRACE_PROCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct strtab;

struct proc_info {
	uint32_t pid;		/* tgid */
	uint32_t ppid;		/* 0 when unknown */
	const char *comm;	/* latest name seen (interned), never NULL */
	const char *exe;	/* file of the last exec or /proc exe, or NULL */
	uint64_t first_ns;	/* first record mentioning it (monotonic) */
	uint64_t last_ns;	/* last record by it */
	uint64_t fork_ns;	/* 0 if it existed before the trace */
	uint64_t exec_ns;	/* last exec, 0 if none seen */
	uint64_t exit_ns;	/* 0 while alive */
	int32_t exit_code;	/* as wait(2) reports it, valid when exit_ns != 0 */
	uint32_t nr_threads;	/* threads seen (alive or not) */
	uint32_t nr_events;	/* records with this pid */
	bool exited;
};

struct thread_info {
	uint32_t tid;
	uint32_t pid;
	const char *comm;	/* thread name (interned) */
	uint64_t first_ns;
	uint64_t exit_ns;
	bool exited;
};

/* names: where comm/exe strings are interned (shared with the rest of the model). */
struct proctab *proctab__new(struct strtab *names);
void proctab__free(struct proctab *t);	/* accepts NULL */

/*
 * Feed one (already validated) record.  Updates names from the header of
 * every record and lifetimes from REC_PROC / REC_TASK.  0, -ENOMEM, or
 * -EINVAL when len is shorter than struct ipc_hdr.
 *
 * Every event record (type below IPC_REC_META) counts for its hdr.pid and
 * hdr.tid.  Collector records do not: REC_TASK only fills in what events
 * have not said yet (comm, ppid, exe, threads), the others are ignored.  A
 * record from a pid or tid marked exited, timed after that exit, means the
 * kernel reused it: it starts a new entry, as a fork of that pid does.
 */
int proctab__update(struct proctab *t, const struct ipc_hdr *rec, size_t len);

/*
 * Entries never move: the pointers below stay valid until proctab__free().
 * With pid reuse, proctab__get() returns the newest entry for pid (older
 * ones stay reachable through proctab__at()); the same goes for tids.
 */
const struct proc_info *proctab__get(const struct proctab *t, uint32_t pid);
const struct thread_info *proctab__thread(const struct proctab *t, uint32_t tid);
/* Name of a process: its comm, or "?" when never seen.  Never NULL. */
const char *proctab__comm(const struct proctab *t, uint32_t pid);
size_t proctab__count(const struct proctab *t);
/* The i-th process in first-seen order (stable), i < proctab__count(). */
const struct proc_info *proctab__at(const struct proctab *t, size_t i);
size_t proctab__thread_count(const struct proctab *t);
const struct thread_info *proctab__thread_at(const struct proctab *t, size_t i);
/*
 * Threads of process p, which must come from proctab__get()/__at() of t:
 * *seen counts all threads seen, as p->nr_threads, and *alive those not
 * exited.  Either pointer may be NULL.  0, or -EINVAL if p is NULL.
 */
int proctab__thread_counts(const struct proctab *t, const struct proc_info *p, uint32_t *seen,
			   uint32_t *alive);

#endif /* IPCTRACE_PROCTAB_H */
