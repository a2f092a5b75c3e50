/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ipctrace event ABI: the records the BPF programs write into the ring
 * buffer, the records the collector adds itself (stacks, memory maps,
 * /proc snapshots), and the few structures userspace and BPF share through
 * maps.  Both sides include this header; keep it to fixed-width types.
 *
 * Every record starts with struct ipc_hdr, whose first field is the record
 * type.  Records are plain byte copies: a recording file stores them as they
 * are, so changing a layout means bumping IPC_ABI_VERSION.
 */
#ifndef IPCTRACE_ABI_H
#define IPCTRACE_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define IPC_ABI_VERSION		1

#define IPC_COMM_LEN		16
#define IPC_NAME_LEN		64	/* mq names, FIFO and unix socket paths */
#define IPC_PATH_LEN		256	/* exec filename, mapped file path */
#define IPC_MAX_STACK		127	/* frames, as the kernel's default limit */
#define IPC_SC_TABLE_SIZE	512	/* arch syscall numbers mapped by sc_table */

/* Record types (ipc_hdr.type): one row each in ipc_records.def. */
enum ipc_rec_type {
	IPC_REC_NONE = 0,
#define IPC_RECORD(id, nr, st, origin, desc) IPC_REC_##id = nr,
#include "ipc_records.def"
#undef IPC_RECORD
	IPC_REC_TYPE_MAX	/* the rows are in ascending order */
};

/* Operations (ipc_hdr.op): one row each in ipc_ops.def. */
enum ipc_op {
#define IPC_OP(id, nr, name, fam, rec, flags, graph) IPC_OP_##id = nr,
#include "ipc_ops.def"
#undef IPC_OP
	IPC_OP_MAX		/* the rows are in ascending order */
};

/*
 * What produced an event (ipc_hdr.sys): the syscall by its ipctrace number,
 * not the architecture's, or the kernel hook; one row each in
 * ipc_syscalls.def.  The architecture's numbers are mapped onto these
 * through sc_table (filled by the loader), so the BPF code is the same on
 * every architecture.
 */
enum ipc_sys {
	IPC_SYS_NONE = 0,
#define FAM(f) 0
#define IPC_SYSCALL(id, nr, name, fams, enter, exit, peer, x86_64) IPC_SYS_##id = nr,
#define IPC_HOOK(id, nr, name)
#include "ipc_syscalls.def"
#undef IPC_SYSCALL
#undef IPC_HOOK
	IPC_SYS_NR_SYSCALLS,	/* the syscall rows are in ascending order */
#define IPC_SYSCALL(id, nr, name, fams, enter, exit, peer, x86_64)
#define IPC_HOOK(id, nr, name) IPC_SYS_HOOK_##id = nr,
#include "ipc_syscalls.def"
#undef IPC_SYSCALL
#undef IPC_HOOK
#undef FAM
	IPC_SYS_MAX
};

/* IPC families, for --types / --no-TYPE (bit i = 1 << IPC_FAM_x): ipc_families.def. */
enum ipc_family {
	IPC_FAM_NONE = -1,	/* fd lifetime, processes, locks: no family */
#define IPC_FAMILY(id, nr, name, help) IPC_FAM_##id = nr,
#include "ipc_families.def"
#undef IPC_FAMILY
	IPC_FAM_NR
};
#define IPC_FAM_ALL		((1u << IPC_FAM_NR) - 1)

/* ipc_hdr.flags */
#define IPC_EVF_BLOCKED		(1u << 0)	/* the operation blocked (see README) */
#define IPC_EVF_PEER		(1u << 1)	/* by a process outside the filter,
						 * on a watched object */
#define IPC_EVF_STACK_MISSED	(1u << 2)	/* a stack was wanted but not captured */
#define IPC_EVF_TRUNCATED	(1u << 3)	/* a name or path did not fit */
#define IPC_EVF_STARTED_BEFORE	(1u << 5)	/* the call started before the trace:
						 * ts_ns is a bound (see README) */
#define IPC_EVF_KILLED		(1u << 6)	/* the thread was killed in the call: it
						 * never returned to the program */
#define IPC_EVF_KERNEL		(1u << 4)	/* signal: sent by the kernel,
						 * not by a syscall */
#define IPC_EVF_FOLLOWED	(1u << 5)	/* proc_fork: the child is traced too */

/* Object kinds (ipc_obj.kind): ipc_kinds.def. */
enum ipc_obj_kind {
#define IPC_KIND(id, nr, name, fam) IPC_OBJ_##id = nr,
#include "ipc_kinds.def"
#undef IPC_KIND
	IPC_OBJ_KIND_MAX
};

/*
 * What an fd points to, resolved in the kernel at the time of the
 * operation.  Pipes, FIFOs and queues are identified by (dev, ino); sockets
 * by their inode, plus the peer's inode for unix sockets and the addresses
 * for inet sockets.
 */
struct ipc_obj {
	__u8 kind;		/* enum ipc_obj_kind */
	__u8 sock_type;		/* SOCK_STREAM, SOCK_DGRAM, ... */
	__u16 family;		/* AF_UNIX, AF_INET, AF_INET6, ... */
	__u32 dev;		/* superblock s_dev (kernel encoding) */
	__u64 ino;
	__u64 peer_ino;		/* unix: the peer socket's inode, 0 if none */
	__u32 peer_pid;		/* unix: the peer's tgid as the kernel keeps it
				 * (SO_PEERCRED) */
	__u16 lport;		/* inet: local port, host order */
	__u16 rport;		/* inet: remote port, host order */
	__u8 laddr[16];		/* inet: local address; IPv4 in the first 4 bytes */
	__u8 raddr[16];		/* inet: remote address */
};

/* Common header of every record. */
struct ipc_hdr {
	__u16 type;		/* enum ipc_rec_type */
	__u16 op;		/* enum ipc_op */
	__u16 sys;		/* enum ipc_sys */
	__u16 flags;		/* IPC_EVF_* */
	__u32 pid;		/* process (tgid) doing the operation */
	__u32 tid;		/* thread */
	__u64 ts_ns;		/* CLOCK_MONOTONIC at the start of the operation */
	__u64 dur_ns;		/* start to end; 0 for instantaneous events */
	__s64 ret;		/* return value: >= 0 result, < 0 -errno */
	__s32 stack_id;		/* user stack (IPC_REC_STACK), or -1 */
	__u32 cpu;
	char comm[IPC_COMM_LEN];	/* thread name */
};

/* pipe/FIFO/socket data transfer: read, write, send*, recv*, splice... */
struct ipc_ev_io {
	struct ipc_hdr hdr;
	struct ipc_obj obj;
	__s32 fd;
	__u32 vlen;		/* iovec count (readv, writev, sendmsg...), or the mmsg
				 * vector length */
	__u64 req;		/* bytes asked for (count, iovec total when known) */
	__u32 msgs;		/* messages moved (sendmmsg/recvmmsg: ret;
				 * others: 1 on success) */
	__u32 msg_flags;	/* MSG_* flags of send/recv, splice flags */
	__u64 bytes;		/* bytes moved (ret for read/write;
				 * summed for the mmsg calls) */
};

/* fd and object lifetime: pipe, FIFO open, socket calls, close, dup. */
struct ipc_ev_fd {
	struct ipc_hdr hdr;
	struct ipc_obj obj;	/* the object (for accept: the new connection) */
	struct ipc_obj obj2;	/* socketpair: the second end; accept: the listener */
	__s32 fd;		/* pipe: read end; socketpair: sv[0]; dup: new fd;
				 * close_range: first fd */
	__s32 fd2;		/* pipe: write end; socketpair: sv[1]; dup: old fd;
				 * accept: listener */
	__u32 arg;		/* pipe2/accept4/open/dup3/close_range flags, F_SETFD's fd
				 * flags, listen backlog, shutdown how */
	__u32 arg2;		/* socket: type with flags; open: mode; close_range: last fd */
	char name[IPC_NAME_LEN];	/* FIFO path, unix socket path (bind/connect) */
};

/* POSIX message queues. */
struct ipc_ev_mq {
	struct ipc_hdr hdr;
	struct ipc_obj obj;	/* kind IPC_OBJ_MQ: (dev, ino) of the queue */
	__s32 mqd;
	__u32 prio;		/* send: priority given; receive: priority received */
	__u64 len;		/* send: message length; receive: buffer size */
	__u32 oflag;		/* mq_open flags */
	__u32 mode;		/* mq_open mode */
	__s64 timeout_ns;	/* absolute timeout asked for, -1 if none */
	__s32 notify;		/* mq_notify: sigev_notify, -1 to unregister */
	__s32 notify_sig;	/* mq_notify: sigev_signo */
	__s64 curmsgs;		/* messages in the queue after the operation, -1 unknown */
	char name[IPC_NAME_LEN];	/* queue name with its leading '/' */
};

/* futex flags (ipc_ev_futex.fflags) */
#define IPC_FUTEX_PRIVATE	(1u << 0)	/* FUTEX_PRIVATE_FLAG / FUTEX2_PRIVATE */
#define IPC_FUTEX_CLOCK_RT	(1u << 1)	/* FUTEX_CLOCK_REALTIME */
#define IPC_FUTEX_TIMEOUT	(1u << 2)	/* a timeout was given */
#define IPC_FUTEX_WORD_OK	(1u << 3)	/* word holds *uaddr as read at entry */
#define IPC_FUTEX_SHARED_KEY	(1u << 4)	/* key_* identify a shared mapping */

/* Futex operations: futex(2), futex_waitv(2), futex_wait/wake/requeue(2). */
struct ipc_ev_futex {
	struct ipc_hdr hdr;
	__u64 uaddr;		/* futex word (waitv: the one that woke us, else the first) */
	__u64 uaddr2;		/* requeue target / wake_op second word */
	__u32 cmd;		/* raw futex(2) op with flags; futex2: op number */
	__u32 val;		/* expected value (wait), count (wake) */
	__u32 val2;		/* requeue count / futex2 flags */
	__u32 val3;		/* bitset, cmp value, wake_op encoding */
	__u32 word;		/* *uaddr at entry if IPC_FUTEX_WORD_OK: PI owner, mutex state */
	__u32 fflags;		/* IPC_FUTEX_* */
	__u64 timeout_ns;	/* timeout as given (relative or absolute), 0 if none */
	__u64 key_ino;		/* shared futex: inode backing the mapping */
	__u64 key_off;		/* shared futex: byte offset of the word in that inode */
	__u32 key_dev;
	__u32 nr;		/* futex_waitv: number of words waited on */
};

/* signal_generate results, as the kernel's enum trace_signal_result */
enum ipc_sig_result {
	IPC_SIG_DELIVERED = 0,
	IPC_SIG_IGNORED = 1,
	IPC_SIG_ALREADY_PENDING = 2,
	IPC_SIG_OVERFLOW_FAIL = 3,
	IPC_SIG_LOSE_INFO = 4,
};

/* ipc_ev_signal.sflags */
#define IPC_SIGF_GROUP		(1u << 0)	/* sent to the whole process */
#define IPC_SIGF_NOINFO		(1u << 1)	/* kernel passed SEND_SIG_NOINFO */
#define IPC_SIGF_PRIV		(1u << 2)	/* kernel passed SEND_SIG_PRIV */
#define IPC_SIGF_IN_SEND	(1u << 3)	/* generated inside the sender's signal-sending
						 * syscall: hdr is the sender */
#define IPC_SIGF_IRQ		(1u << 4)	/* generated in interrupt context: the task
						 * on the CPU had no part in it */

/*
 * Signals.  send: pid/tid are the sender, target_* the syscall's target as
 * given (may be <= 0 for process groups).  generate: pid/tid the process
 * credited: the sender (IPC_SIGF_IN_SEND), or with IPC_EVF_KERNEL the task
 * the kernel acted for (an exiting child, a timer's owner), 0 for none;
 * target_* the task that gets it.  deliver:
 * pid/tid the receiver, target_* the receiver too.
 */
struct ipc_ev_signal {
	struct ipc_hdr hdr;
	__s32 sig;
	__s32 code;		/* si_code */
	__s32 target_pid;
	__s32 target_tid;
	__s32 result;		/* generate: enum ipc_sig_result; else -1 */
	__u32 sflags;		/* IPC_SIGF_* */
	__u32 sender_pid;	/* sender pid as written in the siginfo */
	__u32 sender_uid;
	__u64 handler;		/* deliver: handler (0 default, 1 ignore) */
	__u64 handler_flags;	/* deliver: sa_flags */
	char target_comm[IPC_COMM_LEN];
};

/* fork/exec/exit of processes and threads */
struct ipc_ev_proc {
	struct ipc_hdr hdr;	/* fork: the parent; exec/exit: the task itself */
	__u32 ppid;		/* parent process (real_parent tgid) */
	__u32 child_pid;	/* fork/thread_new: new tgid */
	__u32 child_tid;	/* fork/thread_new: new tid */
	__s32 exit_code;	/* exit: as wait(2) reports it */
	__u32 old_tid;		/* exec: the tid that called exec (de_thread) */
	__u32 nr_threads;	/* exit: threads still alive in the group;
				 * fork: threads of the parent (0: not said) */
	char filename[IPC_PATH_LEN];	/* exec: file executed */
};

/* SysV semaphores (semget, semop, semtimedop, semctl) */
#define IPC_SEM_MAX_SOPS	4
struct ipc_ev_sem {
	struct ipc_hdr hdr;
	__s32 semid;
	__u32 nsops;		/* semop: operations given (first IPC_SEM_MAX_SOPS kept) */
	__s32 key;		/* semget: the key */
	__s32 cmd;		/* semctl: the command; semget: nsems */
	__u16 sem_num[IPC_SEM_MAX_SOPS];
	__s16 sem_op[IPC_SEM_MAX_SOPS];
	__s16 sem_flg[IPC_SEM_MAX_SOPS];
	__s64 timeout_ns;	/* semtimedop: relative timeout, -1 none */
	__u32 flags;		/* semget: semflg */
	__u32 _pad;
};

/* pthread/semaphore calls seen through uprobes (--locks) */
enum ipc_lock_kind {
	IPC_LOCK_MUTEX = 1,
	IPC_LOCK_RWLOCK_RD,
	IPC_LOCK_RWLOCK_WR,
	IPC_LOCK_COND,
	IPC_LOCK_SEM,
};

/* The function a lock record comes from (ipc_ev_lock.func). */
enum ipc_lock_func {
	IPC_LOCKFN_NONE = 0,
	IPC_LOCKFN_MUTEX_LOCK,		/* pthread_mutex_lock */
	IPC_LOCKFN_MUTEX_TRYLOCK,
	IPC_LOCKFN_MUTEX_TIMEDLOCK,
	IPC_LOCKFN_MUTEX_UNLOCK,
	IPC_LOCKFN_RWLOCK_RDLOCK,
	IPC_LOCKFN_RWLOCK_TRYRDLOCK,
	IPC_LOCKFN_RWLOCK_TIMEDRDLOCK,
	IPC_LOCKFN_RWLOCK_WRLOCK,
	IPC_LOCKFN_RWLOCK_TRYWRLOCK,
	IPC_LOCKFN_RWLOCK_TIMEDWRLOCK,
	IPC_LOCKFN_RWLOCK_UNLOCK,
	IPC_LOCKFN_COND_WAIT,
	IPC_LOCKFN_COND_TIMEDWAIT,
	IPC_LOCKFN_COND_SIGNAL,
	IPC_LOCKFN_COND_BROADCAST,
	IPC_LOCKFN_SEM_WAIT,
	IPC_LOCKFN_SEM_TIMEDWAIT,
	IPC_LOCKFN_SEM_TRYWAIT,
	IPC_LOCKFN_SEM_POST,
	IPC_LOCKFN_MUTEX_DESTROY,	/* appended: the numbers are stable (recordings) */
	IPC_LOCKFN_NR
};

/*
 * One call of a pthread/semaphore function, seen by a uprobe at entry and
 * a uretprobe at return (--locks), emitted at return.  hdr.ts_ns is the
 * entry, hdr.dur_ns the time inside the call (waiting to acquire, or
 * waiting on the condition), hdr.ret what the function returned (0, or a
 * positive error number for pthread functions; 0 or -1 for sem_*).  hdr.op:
 * LOCK_ACQUIRE (lock, rdlock, wrlock, timed*, sem_wait, sem_timedwait),
 * LOCK_TRY (try*), LOCK_RELEASE (unlock, sem_post), COND_WAIT (cond wait
 * and timedwait: addr2 is the mutex), COND_SIGNAL, COND_BROADCAST.
 * Hold times and owners follow from acquire/release pairs per (pid, addr).
 * hdr.stack_id: the user stack of acquisitions and waits.
 */
struct ipc_ev_lock {
	struct ipc_hdr hdr;
	__u64 addr;		/* the mutex, rwlock, condvar or semaphore */
	__u64 addr2;		/* cond wait: its mutex */
	__u64 call_ip;		/* return address: the call site */
	__u32 lock_kind;	/* enum ipc_lock_kind */
	__u32 func;		/* enum ipc_lock_func */
};

/* Collector-made records */

/* First record of every trace. */
struct ipc_rec_meta {
	struct ipc_hdr hdr;
	__u32 abi_version;
	__u32 self_pid;
	__u64 mono_ns;		/* CLOCK_MONOTONIC at start */
	__u64 real_ns;		/* CLOCK_REALTIME at the same instant */
	__u64 boot_ns;		/* CLOCK_BOOTTIME at the same instant */
	__u32 families;		/* IPC_FAM_* bits traced */
	__u32 nr_targets;
	__u32 targets[8];	/* first -p pids */
	char hostname[64];
	char kernel[64];	/* uname release */
};

/* A user stack: hdr.pid and hdr.stack_id name it. */
struct ipc_rec_stack {
	struct ipc_hdr hdr;
	__u32 nr;		/* frames used in ips */
	__u32 _pad;
	__u64 ips[IPC_MAX_STACK];
};

/* ipc_rec_map.mflags */
#define IPC_MAPF_FIRST		(1u << 0)	/* first map of a new snapshot for hdr.pid */

/* One executable mapping of a process (from /proc/PID/maps). */
struct ipc_rec_map {
	struct ipc_hdr hdr;
	__u64 start;
	__u64 end;
	__u64 pgoff;		/* file offset of start */
	__u64 ino;
	__u32 dev;		/* major << 20 | minor, as the kernel's s_dev */
	__u32 mflags;		/* IPC_MAPF_* */
	char path[IPC_PATH_LEN];
};

/* A process or thread that existed when tracing started. */
struct ipc_rec_task {
	struct ipc_hdr hdr;	/* pid, tid, comm */
	__u32 ppid;
	__u32 _pad;
	__u64 start_ns;		/* CLOCK_BOOTTIME start, from /proc/PID/stat */
	char exe[IPC_PATH_LEN];
};

/* An fd a process held when tracing started (or when it was first seen). */
struct ipc_rec_fdsnap {
	struct ipc_hdr hdr;
	struct ipc_obj obj;
	__s32 fd;
	__u32 fd_flags;		/* O_* of the open file (access mode) */
	char name[IPC_NAME_LEN];
};

/*
 * What a blocked thread waits for, as the collector found it
 * (ipc_rec_blocked.wait).  Values are part of the recording format.
 */
enum ipc_wait {
	IPC_WAIT_NONE = 0,
	IPC_WAIT_IO,		/* data, or room, on obj: a pipe, FIFO, socket or queue */
	IPC_WAIT_ACCEPT,	/* a connection on the listening socket obj */
	IPC_WAIT_MUTEX,		/* a glibc mutex at addr: owner from its __owner field */
	IPC_WAIT_PI,		/* a PI futex at addr: owner from the word */
	IPC_WAIT_RWLOCK,	/* a glibc rwlock held for writing: owner is __cur_writer */
	IPC_WAIT_JOIN,		/* a thread's exit (pthread_join): owner is that thread */
	IPC_WAIT_FUTEX,		/* another futex wait (condition variable, semaphore...) */
	IPC_WAIT_SEM,		/* a SysV semaphore set (args[0]) */
	IPC_WAIT_CHILD,		/* wait4/waitid: owner is the child, -1 any child */
	IPC_WAIT_SIGNAL,	/* a signal (sigsuspend, sigtimedwait, pause) */
	IPC_WAIT_SLEEP,		/* a timed sleep (nanosleep) */
	IPC_WAIT_POLL,		/* poll, select, epoll */
	IPC_WAIT_DISK,		/* uninterruptible sleep outside IPC (disk I/O...) */
	IPC_WAIT_STOPPED,	/* stopped (SIGSTOP) or traced */
	IPC_WAIT_OTHER,		/* another syscall, or none */
	IPC_WAIT_MAX
};

/* ipc_rec_blocked.bflags */
#define IPC_BLK_TRACED		(1u << 0)	/* the probes saw the call start: ts_ns is exact */
#define IPC_BLK_AT_LEAST	(1u << 1)	/* the start is not known: dur_ns is the time
						 * off CPU, a lower bound */
#define IPC_BLK_OWNER		(1u << 2)	/* owner was read (from the lock or the call) */
#define IPC_BLK_PIPE		(1u << 3)	/* pipe_* describe the pipe of obj */
#define IPC_BLK_TARGET		(1u << 4)	/* a traced process (else the other side) */
#define IPC_BLK_EXITING		(1u << 5)	/* the thread is exiting */
#define IPC_BLK_WORD		(1u << 6)	/* word was read from the futex */
#define IPC_BLK_SHARED		(1u << 7)	/* key_*: a shared futex, as the kernel keys it */
#define IPC_BLK_FINAL		(1u << 8)	/* still blocked when the trace ended */
#define IPC_BLK_OWNER_GONE	(1u << 9)	/* owner names a thread that does not exist */

/*
 * A thread blocked at the moment of a look (IPC_REC_BLKSNAP with the same
 * snap_ns ends the look).  hdr: pid, tid, comm; op the IPC operation it is
 * in (IPC_OP_NONE outside IPC), sys its ipctrace syscall (IPC_SYS_NONE for
 * others, named in syscall); ts_ns when the call started (see
 * IPC_BLK_AT_LEAST), dur_ns how long it has blocked so far; stack_id its
 * user stack.
 */
struct ipc_rec_blocked {
	struct ipc_hdr hdr;
	struct ipc_obj obj;	/* the fd's object (IPC_WAIT_IO, IPC_WAIT_ACCEPT) */
	__u64 snap_ns;		/* the look it belongs to */
	__u64 off_cpu_ns;	/* since it last ran */
	__u64 nvcsw;		/* voluntary context switches: the same in two looks,
				 * it did not wake in between */
	__u64 args[6];		/* the syscall's arguments */
	__u64 addr;		/* futex and lock waits: the word's address */
	__u64 key_ino;		/* IPC_BLK_SHARED: backing inode and offset */
	__u64 key_off;
	__u32 key_dev;
	__s32 sc_nr;		/* the architecture's syscall number, -1 none */
	__u32 wait;		/* enum ipc_wait */
	__u32 bflags;		/* IPC_BLK_* */
	__s32 owner;		/* see enum ipc_wait; 0 unknown */
	__u32 word;		/* IPC_BLK_WORD: the futex word at the look */
	__u32 nr_threads;	/* threads of the process */
	__u32 pipe_readers;	/* IPC_BLK_PIPE */
	__u32 pipe_writers;
	__u32 pipe_used;	/* buffers in use */
	__u32 pipe_max;		/* buffers it holds */
	__u8 state;		/* 'S', 'D', 'T'... as /proc/PID/stat says */
	__u8 _pad[3];
	__u32 owner_pid;	/* the process of owner (a thread), 0 unknown */
	__u32 _pad2;
	char syscall[16];	/* the syscall's name */
	char wchan[32];		/* the kernel function it sleeps in, "" unknown */
};

/* ipc_rec_blksnap.sflags */
#define IPC_SNAP_ATTACH		(1u << 0)	/* the first look, when tracing started */
#define IPC_SNAP_FINAL		(1u << 1)	/* the last look, when tracing ended */
#define IPC_SNAP_CONFIRM	(1u << 2)	/* a second look, taken to confirm a deadlock */

/* The end of a look at the blocked threads: the IPC_REC_BLOCKED records before it. */
struct ipc_rec_blksnap {
	struct ipc_hdr hdr;
	__u64 snap_ns;		/* when it was taken (CLOCK_MONOTONIC) */
	__u64 min_ns;		/* threads blocked for less were left out */
	__u32 sflags;		/* IPC_SNAP_* */
	__u32 nr_blocked;	/* IPC_REC_BLOCKED records of this look */
	__u32 nr_tasks;		/* threads looked at */
	__u32 _pad;
};

/* Loss and health counters (enum ipc_stat), cumulative since start. */
enum ipc_stat {
	IPC_STAT_RB_DROPS = 0,		/* ring buffer reservation failed */
	IPC_STAT_INFLIGHT_FULL,		/* entry could not be stored:
					 * the operation is lost */
	IPC_STAT_STACK_MISSED,		/* stack wanted but not captured */
	IPC_STAT_READ_FAULT,		/* user/kernel memory read failed */
	IPC_STAT_TARGETS_FULL,		/* a descendant could not be added to the filter */
	IPC_STAT_WATCH_FULL,		/* an object could not be watched */
	IPC_STAT_LOCK_UNMATCHED,	/* uprobe return without its entry */
	IPC_STAT_NR
};

struct ipc_rec_stats {
	struct ipc_hdr hdr;
	__u64 bpf[IPC_STAT_NR];		/* summed over CPUs */
	__u64 user_events;		/* records the collector handled */
	__u64 user_bad;			/* records it rejected as malformed */
	__u64 sym_missed;		/* frames that did not symbolize */
	__u64 _reserved[5];
};

/* Why a trace ended (ipc_rec_end.reason). */
enum ipc_end_reason {
	IPC_END_UNKNOWN = 0,
	IPC_END_SIGNAL,		/* Ctrl-C or SIGTERM */
	IPC_END_DURATION,	/* -d */
	IPC_END_COUNT,		/* the interval count */
	IPC_END_COMMAND,	/* the command of -- COMMAND exited */
	IPC_END_TARGETS,	/* the last -p/-t target exited */
	IPC_END_ERROR,		/* a runtime failure */
};

/*
 * The last record of a trace: the span it covered, so that a report of the
 * recording gives the trace's duration, not the time between its first and
 * last events.  Recordings made before it have none.
 */
struct ipc_rec_end {
	struct ipc_hdr hdr;	/* ts_ns: end_ns */
	__u64 start_ns;		/* CLOCK_MONOTONIC when tracing started (the META record's) */
	__u64 end_ns;		/* CLOCK_MONOTONIC when it stopped */
	__u32 reason;		/* enum ipc_end_reason */
	__u32 _pad;
};

/* Shared through maps */

/* Key of the watched-object map: objects the targets use (see bpf/obj.bpf.h). */
struct ipc_watch_key {
	__u64 a;
	__u64 b;
};

/*
 * How the probes handle each syscall (ipc_syscalls.def's enter, exit and peer
 * columns), in the sys_info table the loader fills, indexed by enum ipc_sys.
 * The probes switch on these ids, never on syscall numbers or ranges.
 */
enum ipc_enter {
	IPC_ENTER_NONE = 0,	/* nothing to do at entry */
	IPC_ENTER_FD,		/* resolve the fd in args[0] (and splice/tee's second) */
	IPC_ENTER_MQ,
	IPC_ENTER_FUTEX,
	IPC_ENTER_SIGNAL,
	IPC_ENTER_SEM,
	IPC_ENTER_SIGRETURN,	/* rt_sigreturn: the record at entry, no exit */
};

enum ipc_exit {
	IPC_EXIT_NONE = 0,
	IPC_EXIT_IO,		/* data through a pipe, FIFO or socket */
	IPC_EXIT_FD_PAIR,	/* pipe, pipe2, socketpair */
	IPC_EXIT_FD_OPEN,	/* open of a FIFO */
	IPC_EXIT_FD_CLOSE,	/* close, dup, F_SETFD, close_range */
	IPC_EXIT_SOCK,		/* socket, bind, listen, connect, accept, shutdown */
	IPC_EXIT_MQ,
	IPC_EXIT_FUTEX,
	IPC_EXIT_SIGNAL,	/* the signal-sending syscalls */
	IPC_EXIT_SEM,
};

enum ipc_peer {
	IPC_PEER_NO = 0,	/* not traced for processes outside the filter */
	IPC_PEER_FD0,		/* the fd in args[0] */
	IPC_PEER_FD0_FD1,	/* the fd in args[0] or args[1] (tee) */
	IPC_PEER_FD0_FD2,	/* the fd in args[0] or args[2] (splice) */
	IPC_PEER_FUTEX,		/* futex(2): shared unless FUTEX_PRIVATE_FLAG in args[1] */
	IPC_PEER_FUTEX2,	/* futex_wait/wake(2): shared unless FUTEX2_PRIVATE in args[3] */
	IPC_PEER_FUTEXV,	/* a vector of futex words: decided per word at entry */
	IPC_PEER_SEMID,		/* a SysV semaphore set id in args[0] */
};

struct ipc_sys_info {
	__u8 enter;		/* enum ipc_enter */
	__u8 exit;		/* enum ipc_exit */
	__u8 peer;		/* enum ipc_peer */
	__u8 _pad;
};

/* ipc_inflight.iflags */
#define IPC_INF_PEER		(1u << 0)	/* by a process outside the filter */
#define IPC_INF_WORD_OK		(1u << 1)	/* word was read */
#define IPC_INF_SHARED_KEY	(1u << 2)	/* key_* set: shared futex */
#define IPC_INF_ADOPTED		(1u << 3)	/* found blocked when tracing started:
						 * ts_ns is estimated */

/*
 * A syscall in progress (struct task_state in bpf/common.bpf.h holds one per
 * task; sys == 0 when the task is in none we trace): what the exit needs to
 * build the event, and what a thread is blocked on right now.  Shared with
 * userspace on purpose, though only the probes write it: the collector
 * reads the per-task in-flight state to list the calls still blocked (a
 * stalled thread has no event yet).  Everything else the probes keep per
 * task is BPF-only and lives in bpf/.
 */
struct ipc_inflight {
	__u64 ts_ns;		/* entry time */
	__u64 args[6];		/* syscall arguments */
	__u16 sys;		/* enum ipc_sys */
	__u16 iflags;		/* IPC_INF_* */
	__u32 nvcsw;		/* voluntary context switches at entry */
	__u32 word;		/* futex: *uaddr at entry */
	__u32 key_dev;		/* futex: shared key (backing inode, offset) */
	__u64 key_ino;
	__u64 key_off;
	struct ipc_obj obj;	/* the fd's object resolved at entry */
	struct ipc_obj obj2;	/* a second fd (splice, tee, accept's listener) */
};

/* ipc_task_now.tflags */
#define IPC_TASK_IN_SYSCALL	(1u << 0)	/* in a syscall: sc_nr and sc_args are valid */
#define IPC_TASK_INFLIGHT	(1u << 1)	/* inf: a traced call in progress (the probes' entry) */
#define IPC_TASK_EXITING	(1u << 2)	/* the thread is exiting */
#define IPC_TASK_OBJ		(1u << 3)	/* obj: the object of the syscall's fd (or futex key) */
#define IPC_TASK_PIPE		(1u << 4)	/* pipe_*: the state of that pipe or FIFO */
#define IPC_TASK_TARGET		(1u << 5)	/* selected by the pid filter (not only asked for) */

/*
 * User registers as the unwinder numbers them: the architecture's DWARF
 * register numbers (x86_64: rax rdx rcx rbx rsi rdi rbp rsp r8-r15, then
 * 16 the instruction pointer).
 */
#define IPC_UREGS_NR		17
#define IPC_UREG_BP		6
#define IPC_UREG_SP		7
#define IPC_UREG_IP		16

/*
 * One thread as the task iterator sees it now (bpf/tasks.bpf.h), read by
 * the collector through the iterator's file: what it is blocked in, since
 * when, and what its syscall's fd or futex is.  Not a record: the
 * collector turns the blocked ones into IPC_REC_BLOCKED records.
 */
struct ipc_task_now {
	__u32 pid;
	__u32 tid;
	char comm[IPC_COMM_LEN];
	__u32 state;		/* task->__state (0 running) */
	__u32 tflags;		/* IPC_TASK_* */
	__u32 nr_threads;	/* threads of its process */
	__s32 sc_nr;		/* the architecture's syscall number, -1 when in none */
	__u64 sc_args[6];
	__u64 uregs[IPC_UREGS_NR];	/* IPC_UREG_* numbering */
	__u64 nvcsw;		/* voluntary and involuntary context switches */
	__u64 nivcsw;
	__u64 off_cpu_ns;	/* since it last ran (the scheduler's clock), 0 when running */
	__u64 now_ns;		/* CLOCK_MONOTONIC of the visit */
	__u32 pipe_readers;	/* IPC_TASK_PIPE: readers and writers of the pipe */
	__u32 pipe_writers;
	__u32 pipe_used;	/* buffers in use */
	__u32 pipe_max;		/* buffers it can hold */
	__u64 futex_ino;	/* shared futex: the backing inode, offset and device */
	__u64 futex_off;
	__u32 futex_dev;
	__u32 _pad;
	struct ipc_obj obj;	/* IPC_TASK_OBJ */
	struct ipc_inflight inf;	/* IPC_TASK_INFLIGHT */
};

/*
 * Size checks: both compilers see these, so a layout change that alters a
 * size breaks the build on both sides at once.
 */
#define IPC_ABI_ASSERT(type, size) \
	_Static_assert(sizeof(type) == (size), #type " size changed: bump IPC_ABI_VERSION")
IPC_ABI_ASSERT(struct ipc_obj, 64);
IPC_ABI_ASSERT(struct ipc_hdr, 64);
IPC_ABI_ASSERT(struct ipc_ev_io, 160);
IPC_ABI_ASSERT(struct ipc_ev_fd, 272);
IPC_ABI_ASSERT(struct ipc_ev_mq, 240);
IPC_ABI_ASSERT(struct ipc_ev_futex, 136);
IPC_ABI_ASSERT(struct ipc_ev_signal, 128);
IPC_ABI_ASSERT(struct ipc_ev_proc, 344);
IPC_ABI_ASSERT(struct ipc_ev_sem, 120);
IPC_ABI_ASSERT(struct ipc_ev_lock, 96);
IPC_ABI_ASSERT(struct ipc_rec_meta, 264);
IPC_ABI_ASSERT(struct ipc_rec_stack, 72 + 8 * IPC_MAX_STACK);
IPC_ABI_ASSERT(struct ipc_rec_map, 360);
IPC_ABI_ASSERT(struct ipc_rec_task, 336);
IPC_ABI_ASSERT(struct ipc_rec_fdsnap, 200);
IPC_ABI_ASSERT(struct ipc_rec_stats, 64 + 8 * IPC_STAT_NR + 64);
IPC_ABI_ASSERT(struct ipc_inflight, 216);
IPC_ABI_ASSERT(struct ipc_task_now, 576);
IPC_ABI_ASSERT(struct ipc_rec_blocked, 328);
IPC_ABI_ASSERT(struct ipc_rec_blksnap, 96);
IPC_ABI_ASSERT(struct ipc_rec_end, 88);

#endif /* IPCTRACE_ABI_H */
