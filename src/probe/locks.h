/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * locks: put --locks' uprobes (bpf/locks.bpf.h) on the pthread and sem_*
 * functions of the library each target really runs.
 *
 * The library is found in the target's own mappings (/proc/PID/maps):
 * glibc >= 2.34 has the pthread functions in libc.so.6, older ones in
 * libpthread.so.0 (whose libc.so.6 only has forwarders to it), musl in its
 * loader, a static program in itself; each function is taken from the
 * first of libpthread, libc, the executable that defines it.  The file is
 * opened through /proc/PID/root (a container's own files), or through
 * /proc/PID/map_files when that path no longer leads to the mapped file
 * (upgraded and deleted while the process runs).
 *
 * Where the probe goes: the symbol's own address, read from the ELF file,
 * so every alias of a function (__pthread_mutex_lock, the versions
 * @GLIBC_2.2.5 and @@GLIBC_2.34 of one function) is covered by one probe.
 * Where a name has versions at different addresses (pthread_cond_wait
 * @GLIBC_2.2.5 is the old condvar, @@GLIBC_2.3.2 the current one), the
 * default version is probed: it is what programs link against, and the
 * old one only converts its argument and calls it.  (libbpf 1.1's own
 * func_name lookup ignores versions: it finds pthread_cond_wait, and even
 * pthread_mutex_trylock, whose two versions share one address, ambiguous;
 * hence offsets resolved here.)  The clock variants
 * (pthread_mutex_clocklock, pthread_rwlock_clock*lock, pthread_cond_
 * clockwait, sem_clockwait: glibc 2.30, what C++ uses with steady_clock)
 * are reported as the timed ones.  Functions that call each other inside
 * glibc (pthread_cond_wait unlocking and relocking its mutex) do so through
 * internal entry points, which are not probed: a cond wait is one record.
 *
 * On x86-64 the entry probe of a tail-call wrapper (pthread_mutex_unlock
 * is `mov $1,%esi; jmp`) goes on its jmp, which the kernel emulates, rather
 * than on the mov, which it would single-step (see locks__entry_skip()).
 *
 * Attached for every process (pid -1) when descendants are followed, so a
 * child is covered from its fork; the BPF pid filter does the choosing
 * (other processes using the same library take the breakpoints too).
 * Otherwise for each target pid, so no other process takes a breakpoint.
 * A target that execs may map another library: locks__exec() notes it, and
 * locks__poll() attaches there once the new image had time to load it.
 *
 * Cost (tools/bench-locks.py): each probe hit is a trap into the kernel,
 * four per lock/unlock pair.  Where the kernel has multi-uprobe links
 * (6.6+), the functions of one file go in as two links, entries and
 * returns (loader__attach_uprobes(), bpf(2) directly: libbpf 1.1 has no
 * wrapper), removed in one grace period at exit; else each probe is a
 * link of its own, and the kernel removes them one grace period at a time
 * (about 0.1 s each here, serialized: 48 probes per library and process,
 * ~8 s to exit for two processes; tools/bench-locks-exit.py).
 */
#ifndef IPCTRACE_LOCKS_H
#define IPCTRACE_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct locks;
struct loader;

struct locks_opts {
	bool all_pids;		/* attach for every process (pid -1) */
	int verbose;		/* 1: say where the probes went */
};

/* The functions probed and the enum ipc_lock_func each reports as. */
struct locks_fn {
	const char *name;
	uint32_t func;		/* enum ipc_lock_func */
};
const struct locks_fn *locks__fns(size_t *nr);

/* NULL with errno set (EINVAL when the loader was made without --locks). */
struct locks *locks__new(struct loader *l, const struct locks_opts *opts);
/* Forget the bookkeeping; the probes belong to the loader.  Accepts NULL. */
void locks__free(struct locks *lk);

/*
 * Attach to the functions of the libraries pid maps, where not done yet
 * (for pid, or for all).  A function a library lacks is skipped (the clock
 * variants before glibc 2.30), except pthread_mutex_lock.  0, or -errno
 * with a line naming the function and library in err; -ENOENT: the
 * process is gone, or maps no library with pthread_mutex_lock.
 */
int locks__add_process(struct locks *lk, uint32_t pid, char *err, size_t errlen);

/* A target exec'd at ts_ns (CLOCK_MONOTONIC): look at its libraries later. */
void locks__exec(struct locks *lk, uint32_t pid, uint64_t ts_ns);
/* Attach for the execs noted long enough before now_ns; failures go to stderr. */
void locks__poll(struct locks *lk, uint64_t now_ns);

/* Probes attached so far (entry and return count as two). */
size_t locks__nr_probes(const struct locks *lk);

/*
 * Where name's code starts in the ELF file at path: its virtual address and
 * the file offset a uprobe takes.  A defined function in .dynsym (default
 * version) or .symtab; 0, -ENOENT when not there, other -errno with the
 * reason in err (ambiguous, an IFUNC, unreadable file).
 */
int locks__func_offset(const char *path, const char *name, uint64_t *vaddr, uint64_t *offset,
		       char *err, size_t errlen);

/* Longest function locks__entry_skip() looks into. */
#define LOCKS_MAX_WRAPPER	32

/*
 * x86-64: bytes to skip from the start of a function (size bytes of code,
 * func its enum ipc_lock_func) so that the entry probe lands on a jmp the
 * kernel emulates rather than an instruction it single-steps; 0 unless the
 * function is a tail-call wrapper that keeps the stack pointer and the
 * arguments the probe reads.  See locks.c.
 */
size_t locks__entry_skip(const unsigned char *code, size_t size, uint32_t func);

#endif /* IPCTRACE_LOCKS_H */
