/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * taskscan: a look at what the traced threads are blocked in now, as
 * records for the collector (so that a recording replays it): one
 * IPC_REC_BLOCKED per thread that has been off the CPU, inside a syscall,
 * for at least min_ns, then an IPC_REC_BLKSNAP that ends the look.
 *
 * The threads come from the BPF task iterator (loader__read_tasks): their
 * syscall and arguments, the object of the fd they block on, the probes'
 * entry state when the call started while traced (its exact start), else
 * the time off the CPU (a lower bound).  What only the live process can
 * tell is read here and kept in the record: a glibc mutex's owner (its
 * __owner field, through process_vm_readv), a PI futex's owner (the
 * word), the thread a pthread_join waits for, the child a wait4 waits
 * for, the kernel function it sleeps in (/proc/PID/task/TID/wchan) and
 * its user stack (an IPC_REC_STACK, with the process's maps).
 */
#ifndef IPCTRACE_TASKSCAN_H
#define IPCTRACE_TASKSCAN_H

#include <stdbool.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct collector;
struct loader;
struct taskscan;

struct taskscan_opts {
	uint64_t min_ns;	/* threads blocked for less are left out */
	bool stacks;		/* user stacks of the blocked threads */
};

struct taskscan *taskscan__new(struct loader *l, struct collector *c,
			       const struct taskscan_opts *o);	/* NULL with errno */
void taskscan__free(struct taskscan *ts);	/* accepts NULL */

/* Look now (sflags: IPC_SNAP_*), pushing the records.  0 or -errno. */
int taskscan__look(struct taskscan *ts, uint32_t sflags);
/* Also look at the threads of pid (a process at the other end of a wait).  0 or -errno. */
int taskscan__ask(struct taskscan *ts, uint32_t pid);
/* Whether pid's threads are looked at (a target, or asked for). */
bool taskscan__asked(const struct taskscan *ts, uint32_t pid);

/*
 * The IPC operation a thread sits in, from its ipctrace syscall (0 for one
 * not traced), arguments and the object of its fd: IPC_OP_NONE outside IPC
 * (a read of a regular file).
 */
unsigned int taskscan__op(unsigned int sys, const __u64 *args, const struct ipc_obj *obj);

#endif /* IPCTRACE_TASKSCAN_H */
