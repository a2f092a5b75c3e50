/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every traced thread is doing now: a task iterator the collector
 * reads each interval (and once at attach, when threads may already be
 * stuck).  For each thread of a traced process (or of a process the
 * collector asks about: the other end of a pipe a target waits on) it
 * writes one struct ipc_task_now: its state, the syscall it sits in and
 * its arguments, the user registers an unwinder starts from, how long it
 * has been off the CPU, the probes' entry state of a traced call in
 * progress, and what the syscall's fd is (or the shared futex's key), so
 * the object is named as in every event.
 *
 * Off-CPU time is the scheduler's: the thread's se.exec_start (when it was
 * last charged for running) against the iterating thread's own, which is
 * current; both are the scheduler clock, not CLOCK_MONOTONIC.
 */
#ifndef IPCTRACE_TASKS_BPF_H
#define IPCTRACE_TASKS_BPF_H

#include "obj.bpf.h"
#include "futex.bpf.h"
#include "arch.bpf.h"

#define PF_EXITING	0x00000004
#define PF_KTHREAD	0x00200000

/* Processes the collector asks about besides the targets (tgid -> 1). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} task_pids SEC(".maps");

/* Syscalls whose first argument is the fd they block on. */
static __always_inline bool sys_on_fd(__u8 sys)
{
	switch (sys) {
	case IPC_SYS_READ:
	case IPC_SYS_WRITE:
	case IPC_SYS_READV:
	case IPC_SYS_WRITEV:
	case IPC_SYS_SPLICE:
	case IPC_SYS_TEE:
	case IPC_SYS_VMSPLICE:
	case IPC_SYS_MQ_TIMEDSEND:
	case IPC_SYS_MQ_TIMEDRECEIVE:
	case IPC_SYS_CONNECT:
	case IPC_SYS_ACCEPT:
	case IPC_SYS_ACCEPT4:
	case IPC_SYS_SENDTO:
	case IPC_SYS_RECVFROM:
	case IPC_SYS_SENDMSG:
	case IPC_SYS_RECVMSG:
	case IPC_SYS_SENDMMSG:
	case IPC_SYS_RECVMMSG:
		return true;
	default:
		return false;
	}
}

static __always_inline bool task_asked(struct task_struct *t, __u32 *flags)
{
	__u32 tgid = t->tgid;

	if (tgid == self_tgid || (t->flags & PF_KTHREAD))
		return false;
	if (!filter_procs || id_in_filter(tgid) || (filter_tids && id_in_filter(t->pid))) {
		*flags |= IPC_TASK_TARGET;
		return true;
	}
	return bpf_map_lookup_elem(&task_pids, &tgid) != NULL;
}

/* The pipe behind a file: readers, writers, buffers used. */
static __noinline void task_pipe(struct file *f, struct ipc_task_now *o)
{
	struct pipe_inode_info *p = BPF_CORE_READ(f, private_data);
	__u32 head, tail;

	if (!p)
		return;
	head = BPF_CORE_READ(p, head);
	tail = BPF_CORE_READ(p, tail);
	o->pipe_readers = BPF_CORE_READ(p, readers);
	o->pipe_writers = BPF_CORE_READ(p, writers);
	o->pipe_max = BPF_CORE_READ(p, max_usage);
	o->pipe_used = head - tail;
	o->tflags |= IPC_TASK_PIPE;
}

static __noinline void task_fd_obj(struct task_struct *t, int fd, struct ipc_task_now *o)
{
	struct file *f = fd_file_of(t, fd);

	if (obj_from_file(f, &o->obj) == IPC_OBJ_NONE)
		return;
	o->tflags |= IPC_TASK_OBJ;
	if (o->obj.kind == IPC_OBJ_PIPE || o->obj.kind == IPC_OBJ_FIFO)
		task_pipe(f, o);
}

/* A shared futex's key, as the kernel keys it: the inode and offset behind the mapping. */
static __noinline void task_futex_key(struct task_struct *t, struct ipc_task_now *o)
{
	struct futex_vma_key vk = {};
	__u64 op = o->sc_args[1];

	if (op & FUTEX_PRIVATE_FLAG)
		return;
	vk.addr = o->sc_args[0];
	bpf_find_vma(t, vk.addr, futex_vma_cb, &vk, 0);
	if (!vk.found)
		return;
	o->futex_ino = vk.ino;
	o->futex_off = vk.off;
	o->futex_dev = vk.dev;
}

static __always_inline void task_regs(struct task_struct *t, struct ipc_task_now *o)
{
	struct pt_regs *r = (struct pt_regs *)bpf_task_pt_regs(t);
	long nr;

	o->sc_nr = -1;
	if (!r)
		return;
	UREGS_DWARF(r, o->uregs);
	nr = SC_NR(r);
	if (nr < 0)
		return;
	o->sc_nr = nr;
	o->tflags |= IPC_TASK_IN_SYSCALL;
	o->sc_args[0] = SC_ARG0(r);
	o->sc_args[1] = SC_ARG1(r);
	o->sc_args[2] = SC_ARG2(r);
	o->sc_args[3] = SC_ARG3(r);
	o->sc_args[4] = SC_ARG4(r);
	o->sc_args[5] = SC_ARG5(r);
}

/*
 * A traced call the thread was already blocked in when tracing started:
 * give it the entry state the probes would have made, so that its return
 * is reported too (its start estimated from the time off the CPU, flagged
 * IPC_EVF_STARTED_BEFORE).  Only the blocking calls ipctrace reports: on an
 * IPC object of an enabled family, a futex, a semaphore set.
 */
static __noinline void task_adopt(struct task_struct *t, struct ipc_task_now *o, __u8 sys)
{
	struct task_state *ts;
	struct ipc_inflight *inf;

	if (!adopt_blocked || !(o->tflags & IPC_TASK_TARGET) || !o->state)
		return;
	if (sys_on_fd(sys) ? !((o->tflags & IPC_TASK_OBJ) && obj_traced(&o->obj)) :
	    sys != IPC_SYS_FUTEX && sys != IPC_SYS_SEMOP && sys != IPC_SYS_SEMTIMEDOP)
		return;
	ts = bpf_task_storage_get(&inflight, t, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ts || ts->inf.sys)
		return;
	inf = &ts->inf;
	__builtin_memcpy(inf->args, o->sc_args, sizeof(inf->args));
	inf->iflags = IPC_INF_ADOPTED;
	inf->word = 0;
	inf->key_dev = o->futex_dev;
	inf->key_ino = o->futex_ino;
	inf->key_off = o->futex_off;
	if (o->futex_ino)
		inf->iflags |= IPC_INF_SHARED_KEY;
	__builtin_memcpy(&inf->obj, &o->obj, sizeof(inf->obj));
	inf->obj2.kind = IPC_OBJ_NONE;
	/* it slept: the exit sees another voluntary switch count */
	inf->nvcsw = (__u32)t->nvcsw - 1;
	inf->ts_ns = o->now_ns - o->off_cpu_ns;
	inf->sys = sys;
}

/* Scratch for one record: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ipc_task_now);
} task_scratch SEC(".maps");

static __always_inline int task_visit(struct seq_file *seq, struct task_struct *t)
{
	struct task_struct *me = bpf_get_current_task_btf();
	struct task_state *ts;
	struct ipc_task_now *o;
	__u32 zero = 0, flags = 0;
	__u64 start, now;
	__u8 sys = 0;

	if (!task_asked(t, &flags))
		return 0;
	o = bpf_map_lookup_elem(&task_scratch, &zero);
	if (!o)
		return 0;
	__builtin_memset(o, 0, sizeof(*o));
	o->tflags = flags;
	o->pid = t->tgid;
	o->tid = t->pid;
	bpf_probe_read_kernel_str(o->comm, sizeof(o->comm), t->comm);
	o->state = t->__state;
	if (t->flags & PF_EXITING)
		o->tflags |= IPC_TASK_EXITING;
	o->nr_threads = BPF_CORE_READ(t, signal, nr_threads);
	o->nvcsw = t->nvcsw;
	o->nivcsw = t->nivcsw;
	o->now_ns = bpf_ktime_get_ns();
	start = t->se.exec_start;
	now = me->se.exec_start;
	if (o->state && now > start)
		o->off_cpu_ns = now - start;
	task_regs(t, o);
	if ((o->tflags & IPC_TASK_IN_SYSCALL) && o->sc_nr < IPC_SC_TABLE_SIZE)
		sys = sc_table[o->sc_nr & (IPC_SC_TABLE_SIZE - 1)];
	if (sys && sys_on_fd(sys))
		task_fd_obj(t, (int)o->sc_args[0], o);
	else if (sys == IPC_SYS_FUTEX)
		task_futex_key(t, o);
	if (sys)
		task_adopt(t, o, sys);
	ts = bpf_task_storage_get(&inflight, t, NULL, 0);
	if (ts && ts->inf.sys) {
		__builtin_memcpy(&o->inf, &ts->inf, sizeof(o->inf));
		o->tflags |= IPC_TASK_INFLIGHT;
	}
	bpf_seq_write(seq, o, sizeof(*o));
	return 0;
}

#endif /* IPCTRACE_TASKS_BPF_H */
