/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Configuration, maps and small helpers shared by every ipctrace probe.
 *
 * Configuration lives in read-only globals set by the loader before the
 * programs load, so the verifier sees them as constants and drops the code
 * that a configuration does not use.
 */
#ifndef IPCTRACE_COMMON_BPF_H
#define IPCTRACE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "ipctrace_abi.h"

#ifndef EAGAIN
#define EAGAIN		11
#endif
#define EEXIST		17

/* Architecture's syscall number -> enum ipc_sys (0: not traced). */
const volatile __u8 sc_table[IPC_SC_TABLE_SIZE] = {};
/* enum ipc_sys -> its entry, exit and peer handlers (include/ipc_syscalls.def). */
const volatile struct ipc_sys_info sys_info[IPC_SYS_NR_SYSCALLS] = {};
/* -p/-t/-- CMD given: only targets (and watched objects) are traced. */
const volatile bool filter_procs = false;
/* -t given: thread ids are in the filter too. */
const volatile bool filter_tids = false;
/* -f or -- CMD: children of traced processes are traced. */
const volatile bool follow_children = false;
/* Trace other processes' operations on objects the targets use. */
const volatile bool watch_peers = false;
/* Families enabled (bit per enum ipc_family). */
const volatile __u32 families = IPC_FAM_ALL;
/* ipctrace itself: never traced, or its output would trace itself. */
const volatile __u32 self_tgid = 0;
/* Capture user stacks of operations that blocked. */
const volatile bool want_stacks = true;
/* The task iterator gives calls found blocked an entry state (tasks.bpf.h). */
const volatile bool adopt_blocked = false;
/* Wake the consumer once this many bytes wait in the ring buffer. */
const volatile __u64 wakeup_bytes = 1 << 20;
/*
 * Bumped whenever BPF adds a key to the watched map: the "not watched"
 * answers cached in task_state.peer_fds before are stale then.  Keys that
 * userspace adds (the /proc snapshot) all go in before the probes attach.
 */
__u32 watch_gen = 0;

/* Events to userspace.  Size set by the loader (--ringbuf-size). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/*
 * The pid filter: a bitmap of process ids (and of -t thread ids: the two
 * never collide while the task lives), one bit per id up to pid_max; the
 * loader sizes it.  An array lookup is inlined by the verifier, so the
 * question every syscall of every process asks costs a few instructions.
 * Userspace writes it only before the probes attach; afterwards BPF alone
 * changes it, atomically: descendants in at fork (-f), ids out when their
 * task is freed (so a reused pid is not traced by mistake).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} target_bits SEC(".maps");

/*
 * Objects the targets use (struct ipc_watch_key): another process's
 * operation on one of them is traced too, flagged IPC_EVF_PEER.  LRU, so
 * a long trace forgets objects nobody touches any more.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ipc_watch_key);
	__type(value, __u32);
} watched SEC(".maps");

/*
 * Objects never to watch: ipctrace's own stdout and stderr.  A traced
 * command writing to ipctrace's output pipe would otherwise make the reader
 * at the other end (`ipctrace -- cmd | less`) a peer, whose reads ipctrace
 * reports into that same pipe, without end.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct ipc_watch_key);
	__type(value, __u32);
} ignored SEC(".maps");

/* An fd of an untraced task found not watched (obj.bpf.h, fd_watched_fast). */
struct peer_fd {
	__u64 file;
	__u64 inode;
	__u32 fd;
	__u32 gen;		/* watch_gen when it was looked up */
};
#define PEER_FDS	4	/* a power of two: slot = fd & (PEER_FDS - 1) */

/*
 * Syscalls in progress: per-task storage, so the exit finds the arguments
 * (and what a thread is blocked on right now).  Task storage instead of a
 * hash keyed by tid: no bucket lock, no insert and delete per syscall, and
 * it goes away with the task.  sys == 0 marks an empty slot.
 */
struct task_state {
	struct ipc_inflight inf;
	/* the objects this task marked watched last: skips the map lookup */
	struct ipc_watch_key last_watch[2];
	/* the object filter's answers for this task's fds, while nothing new is watched */
	struct peer_fd peer_fds[PEER_FDS];
	/* a stack was captured since the task started or exec'd */
	__u32 stack_seen;
	/* outside the filter, but an event of it was reported: report its exit too */
	__u32 peer_seen;
	/* the last stack taken in a syscall, and where the task was (exit.bpf.h) */
	__s32 stk_id;
	__u32 _pad;
	__u64 stk_where[4];
};

/*
 * Internal header flag: submit this record with a wakeup, so that the
 * collector sees it at once (it reads the process's memory maps while the
 * process is surely alive).  Cleared before the record is submitted.
 */
#define EVF_WAKE_NOW	(1u << 15)

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} inflight SEC(".maps");

static __always_inline struct task_state *task_state(bool create)
{
	return bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), NULL,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, IPC_MAX_STACK * sizeof(__u64));
} stacks SEC(".maps");

/* Loss counters (enum ipc_stat), summed over CPUs by the collector. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IPC_STAT_NR);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		(*v)++;
}

static __always_inline bool family_on(__u32 fam)
{
	return families & (1u << fam);
}

/* The handlers of a syscall (sys < IPC_SYS_NR_SYSCALLS, else all NONE). */
static __always_inline struct ipc_sys_info sys_handlers(__u32 sys)
{
	struct ipc_sys_info none = {};

	if (sys >= IPC_SYS_NR_SYSCALLS)
		return none;
	return sys_info[sys];
}

static __always_inline bool id_in_filter(__u32 id)
{
	__u32 idx = id >> 6;
	__u64 *w = bpf_map_lookup_elem(&target_bits, &idx);

	return w && (*w & (1ull << (id & 63)));
}

static __always_inline void filter_set(__u32 id, bool on)
{
	__u32 idx = id >> 6;
	__u64 *w = bpf_map_lookup_elem(&target_bits, &idx);

	if (!w) {
		stat_inc(IPC_STAT_TARGETS_FULL);
		return;
	}
	if (on)
		__sync_fetch_and_or(w, 1ull << (id & 63));
	else
		__sync_fetch_and_and(w, ~(1ull << (id & 63)));
}

/* Is this thread one we trace by the pid/tid filter? */
static __always_inline bool proc_wanted(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;

	if (tgid == self_tgid)
		return false;
	if (!filter_procs)
		return true;
	return id_in_filter(tgid) || (filter_tids && id_in_filter((__u32)pid_tgid));
}

static __always_inline bool tgid_wanted(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (!filter_procs)
		return true;
	return id_in_filter(tgid);
}

static __always_inline void *ev_reserve(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);

	if (!e)
		stat_inc(IPC_STAT_RB_DROPS);
	return e;
}

/*
 * Submit without waking the consumer unless enough data is waiting: the
 * wakeup, not the probe, is the expensive part of streaming.  The consumer
 * also polls on a short timer, so nothing waits longer than that.
 */
static __always_inline void ev_submit(void *e)
{
	struct ipc_hdr *h = e;
	__u64 avail;

	if (h->flags & EVF_WAKE_NOW) {
		h->flags &= ~EVF_WAKE_NOW;
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
		return;
	}
	avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_submit(e, avail >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline void hdr_fill(struct ipc_hdr *h, __u16 type, __u16 op, __u16 sys,
				     __u64 pid_tgid, __u64 ts, __u64 dur, __s64 ret)
{
	h->type = type;
	h->op = op;
	h->sys = sys;
	h->flags = 0;
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->ts_ns = ts;
	h->dur_ns = dur;
	h->ret = ret;
	h->stack_id = -1;
	h->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Voluntary context switches of the current thread: a change means it slept. */
static __always_inline __u32 cur_nvcsw(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return (__u32)t->nvcsw;
}

#define SIGKILL_BIT	(1ull << (9 - 1))

/*
 * The current thread is being killed: a fatal signal put SIGKILL in its
 * pending set (complete_signal() does so for every thread of the group).
 * Its syscall returns only to let it die.
 */
static __always_inline bool killed_now(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return t->pending.signal.sig[0] & SIGKILL_BIT;
}

/* User stack of the current thread; ctx is the program's context. */
static __always_inline void hdr_stack(void *ctx, struct ipc_hdr *h)
{
	struct task_state *ts;
	long id;

	if (!want_stacks)
		return;
	id = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);
	if (id < 0) {
		h->flags |= IPC_EVF_STACK_MISSED;
		stat_inc(IPC_STAT_STACK_MISSED);
		return;
	}
	h->stack_id = id;
	/* a thread's first stack: the collector must read the maps while it lives */
	ts = task_state(false);
	if (ts && !ts->stack_seen) {
		ts->stack_seen = 1;
		h->flags |= EVF_WAKE_NOW;
	}
}

#endif /* IPCTRACE_COMMON_BPF_H */
