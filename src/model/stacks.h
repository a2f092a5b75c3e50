/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * stacks: the user stack behind a (pid, stack id) as function names, and
 * the name of a data address (a global lock), for the analyses that show
 * where threads wait.
 *
 * A stack id names frames (IPC_REC_STACK), not a process: the BPF stack
 * map gives forked processes running the same code the same id, so the
 * frames are symbolized in the process of the event that carries the id.
 * Each (pid, stack id) is symbolized once, when first asked for, and kept:
 * that is while the process's maps (IPC_REC_MAP) describe the image the
 * stack was taken in, also when the process has exited since or execs
 * later.  Memory grows with distinct stacks and addresses, not with events.
 *
 * Frame names are interned in the collector's string table ("worker_loop",
 * "libc.so.6+0x8a2f0" when only the module is known, "0x7f12..." when not
 * even that), so the pointers stay valid for the collector's life.
 */
#ifndef IPCTRACE_STACKS_H
#define IPCTRACE_STACKS_H

#include <stdint.h>

struct collector;
struct sink;
struct stacks;

struct stacks_stats {
	uint64_t stacks;	/* distinct (pid, stack id) symbolized */
	uint64_t frames;	/* frames in them */
	uint64_t unresolved;	/* of those, frames without a symbol */
	uint64_t unknown;	/* (pid, stack id) asked for without an IPC_REC_STACK record */
};

/* The symbolizer of c (created on first use).  NULL with errno. */
struct stacks *stacks__new(struct collector *c);
void stacks__free(struct stacks *s);	/* accepts NULL */

/*
 * A sink that only owns s, so that several analyses can share one cache:
 * add it to the collector before them (it is freed with the collector).
 */
struct sink *stacks__sink(struct stacks *s);

/*
 * The stack stack_id as seen in process pid: an index for the calls below
 * (>= 0), -ENOENT when no IPC_REC_STACK record gave that id (or it is < 0),
 * or -ENOMEM.
 */
int stacks__get(struct stacks *s, uint32_t pid, int32_t stack_id);
/*
 * Frames of stack idx, innermost first (*nr set).  The array is valid until
 * the next stacks__get(); the strings for the collector's life.
 */
const char *const *stacks__frames(const struct stacks *s, int idx, uint32_t *nr);
/*
 * The call site: the innermost frame outside the C runtime (libc,
 * libpthread, the dynamic loader, libgcc, libstdc++), where the program
 * itself called into the blocking function; the innermost frame when every
 * frame is in the runtime.  Never NULL for a valid idx.
 */
const char *stacks__site(const struct stacks *s, int idx);

/*
 * A data address of pid by its symbol: "counter_lock", or "idle_cond+0x28"
 * inside a larger object; in a file under /dev/shm (shm_open() memory)
 * "name+0x40".  NULL otherwise (heap, stack, anonymous or deleted shared
 * memory, no maps for pid).  A named semaphore stays unnamed: sem_open()
 * maps a temporary file that it then renames.  Cached per (pid, address).
 */
const char *stacks__data_name(struct stacks *s, uint32_t pid, uint64_t addr);

/* A code address of pid (a return address: looked up at ip - 1) as "func"; cached. */
const char *stacks__code_name(struct stacks *s, uint32_t pid, uint64_t ip);

const struct stacks_stats *stacks__stats(const struct stacks *s);

#endif /* IPCTRACE_STACKS_H */
