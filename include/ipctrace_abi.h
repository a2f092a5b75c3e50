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

/* Record types (ipc_hdr.type).  Values are part of the recording format. */
enum ipc_rec_type {
	IPC_REC_NONE = 0,
	/* written by BPF */
	IPC_REC_IO = 1,		/* struct ipc_ev_io: data through a pipe, FIFO or socket */
	IPC_REC_FD = 2,		/* struct ipc_ev_fd: create/open/connect/accept/close... */
	IPC_REC_MQ = 3,		/* struct ipc_ev_mq: POSIX message queues */
	IPC_REC_FUTEX = 4,	/* struct ipc_ev_futex */
	IPC_REC_SIGNAL = 5,	/* struct ipc_ev_signal */
	IPC_REC_PROC = 6,	/* struct ipc_ev_proc: fork/exec/exit */
	IPC_REC_SEM = 7,	/* struct ipc_ev_sem: SysV semaphores */
	IPC_REC_LOCK = 8,	/* struct ipc_ev_lock: pthread/sem uprobes (--locks) */
	/* written by the collector */
	IPC_REC_META = 64,	/* struct ipc_rec_meta: first record of a trace */
	IPC_REC_STACK = 65,	/* struct ipc_rec_stack: user stack behind a stack id */
	IPC_REC_MAP = 66,	/* struct ipc_rec_map: one executable mapping of a process */
	IPC_REC_TASK = 67,	/* struct ipc_rec_task: a process seen in /proc at start */
	IPC_REC_FDSNAP = 68,	/* struct ipc_rec_fdsnap: an fd a process held at start */
	IPC_REC_STATS = 69,	/* struct ipc_rec_stats: loss counters, periodically */
	IPC_REC_TYPE_MAX
};

/*
 * Operations (ipc_hdr.op).  The numbers are stable (recordings) and each has
 * a stable name (names.c) used in --events and --json output.
 */
enum ipc_op {
	IPC_OP_NONE = 0,
	/* pipes and FIFOs */
	IPC_OP_PIPE_CREATE = 1,
	IPC_OP_FIFO_OPEN = 2,
	IPC_OP_PIPE_READ = 3,
	IPC_OP_PIPE_WRITE = 4,
	/* POSIX message queues */
	IPC_OP_MQ_OPEN = 10,
	IPC_OP_MQ_SEND = 11,
	IPC_OP_MQ_RECEIVE = 12,
	IPC_OP_MQ_NOTIFY = 13,
	IPC_OP_MQ_UNLINK = 14,
	IPC_OP_MQ_GETSETATTR = 15,
	/* futexes */
	IPC_OP_FUTEX_WAIT = 20,		/* WAIT, WAIT_BITSET, futex_wait(2) */
	IPC_OP_FUTEX_WAKE = 21,		/* WAKE, WAKE_BITSET, futex_wake(2) */
	IPC_OP_FUTEX_REQUEUE = 22,	/* REQUEUE, CMP_REQUEUE, futex_requeue(2) */
	IPC_OP_FUTEX_WAKE_OP = 23,
	IPC_OP_FUTEX_LOCK_PI = 24,	/* LOCK_PI, LOCK_PI2 */
	IPC_OP_FUTEX_UNLOCK_PI = 25,
	IPC_OP_FUTEX_TRYLOCK_PI = 26,
	IPC_OP_FUTEX_WAIT_REQUEUE_PI = 27,
	IPC_OP_FUTEX_CMP_REQUEUE_PI = 28,
	IPC_OP_FUTEX_WAITV = 29,
	IPC_OP_FUTEX_OTHER = 30,	/* an op code this version does not know */
	/* signals */
	IPC_OP_SIGNAL_SEND = 40,	/* kill, tkill, tgkill, rt_(tg)sigqueueinfo,
					 * pidfd_send_signal */
	IPC_OP_SIGNAL_GENERATE = 41,	/* signal:signal_generate */
	IPC_OP_SIGNAL_DELIVER = 42,	/* signal:signal_deliver */
	/* sockets */
	IPC_OP_SOCK_CREATE = 50,
	IPC_OP_SOCK_PAIR = 51,
	IPC_OP_SOCK_BIND = 52,
	IPC_OP_SOCK_LISTEN = 53,
	IPC_OP_SOCK_CONNECT = 54,
	IPC_OP_SOCK_ACCEPT = 55,
	IPC_OP_SOCK_SEND = 56,
	IPC_OP_SOCK_RECV = 57,
	IPC_OP_SOCK_SHUTDOWN = 58,
	/* fd lifetime */
	IPC_OP_FD_CLOSE = 60,
	IPC_OP_FD_DUP = 61,
	IPC_OP_FD_CLOSE_RANGE = 62,	/* close_range(fd, arg2, arg): no object */
	IPC_OP_FD_SETFD = 63,		/* fcntl(fd, F_SETFD, arg) */
	/* processes and threads */
	IPC_OP_PROC_FORK = 70,		/* a new process */
	IPC_OP_PROC_EXEC = 71,
	IPC_OP_PROC_EXIT = 72,		/* the last thread of a process exits */
	IPC_OP_THREAD_NEW = 73,		/* a new thread in an existing process */
	IPC_OP_THREAD_EXIT = 74,	/* a thread exits, its process lives on */
	/* SysV semaphores */
	IPC_OP_SEM_GET = 80,
	IPC_OP_SEM_OP = 81,		/* semop, semtimedop */
	IPC_OP_SEM_CTL = 82,
	/* user-space locks (uprobes, --locks) */
	IPC_OP_LOCK_ACQUIRE = 90,	/* *_lock / rdlock / wrlock / sem_wait returned */
	IPC_OP_LOCK_TRY = 91,		/* *_trylock / sem_trywait returned */
	IPC_OP_LOCK_RELEASE = 92,	/* *_unlock / sem_post */
	IPC_OP_COND_WAIT = 93,		/* pthread_cond_(timed)wait returned */
	IPC_OP_COND_SIGNAL = 94,
	IPC_OP_COND_BROADCAST = 95,
	/* collector-made records */
	IPC_OP_SNAPSHOT = 100,		/* REC_TASK, REC_FDSNAP, REC_MAP: seen in /proc */
	IPC_OP_MAX
};

/*
 * What produced an event (ipc_hdr.sys): the syscall by its ipctrace number,
 * not the architecture's, or the kernel hook.  The architecture's numbers
 * are mapped onto these through sc_table (src/probe/syscalls.c), so the BPF code
 * is the same on every architecture.
 */
enum ipc_sys {
	IPC_SYS_NONE = 0,
	IPC_SYS_READ, IPC_SYS_WRITE, IPC_SYS_READV, IPC_SYS_WRITEV,
	IPC_SYS_SPLICE, IPC_SYS_TEE, IPC_SYS_VMSPLICE,
	IPC_SYS_PIPE, IPC_SYS_PIPE2,
	IPC_SYS_OPEN, IPC_SYS_OPENAT, IPC_SYS_OPENAT2,
	IPC_SYS_CLOSE, IPC_SYS_DUP, IPC_SYS_DUP2, IPC_SYS_DUP3, IPC_SYS_FCNTL,
	IPC_SYS_MQ_OPEN, IPC_SYS_MQ_UNLINK, IPC_SYS_MQ_TIMEDSEND,
	IPC_SYS_MQ_TIMEDRECEIVE, IPC_SYS_MQ_NOTIFY, IPC_SYS_MQ_GETSETATTR,
	IPC_SYS_FUTEX, IPC_SYS_FUTEX_WAITV, IPC_SYS_FUTEX_WAKE,
	IPC_SYS_FUTEX_WAIT, IPC_SYS_FUTEX_REQUEUE,
	IPC_SYS_KILL, IPC_SYS_TKILL, IPC_SYS_TGKILL, IPC_SYS_RT_SIGQUEUEINFO,
	IPC_SYS_RT_TGSIGQUEUEINFO, IPC_SYS_PIDFD_SEND_SIGNAL,
	IPC_SYS_SOCKET, IPC_SYS_SOCKETPAIR, IPC_SYS_BIND, IPC_SYS_LISTEN,
	IPC_SYS_CONNECT, IPC_SYS_ACCEPT, IPC_SYS_ACCEPT4,
	IPC_SYS_SENDTO, IPC_SYS_RECVFROM, IPC_SYS_SENDMSG, IPC_SYS_RECVMSG,
	IPC_SYS_SENDMMSG, IPC_SYS_RECVMMSG, IPC_SYS_SHUTDOWN,
	IPC_SYS_SEMGET, IPC_SYS_SEMOP, IPC_SYS_SEMTIMEDOP, IPC_SYS_SEMCTL,
	IPC_SYS_CLOSE_RANGE,	/* appended: the numbers are stable (recordings) */
	IPC_SYS_NR_SYSCALLS,
	/* hooks that are not syscalls */
	IPC_SYS_HOOK_SIGNAL_GENERATE = 100,
	IPC_SYS_HOOK_SIGNAL_DELIVER,
	IPC_SYS_HOOK_FORK,
	IPC_SYS_HOOK_EXEC,
	IPC_SYS_HOOK_EXIT,
	IPC_SYS_HOOK_UPROBE,
	IPC_SYS_HOOK_COLLECTOR,		/* made by the collector, not the kernel */
	IPC_SYS_MAX
};

/* IPC families, for --types / --no-TYPE (bit i = 1 << IPC_FAM_x). */
enum ipc_family {
	IPC_FAM_PIPE = 0,
	IPC_FAM_MQ,
	IPC_FAM_FUTEX,
	IPC_FAM_SIGNAL,
	IPC_FAM_SOCKET,
	IPC_FAM_SEM,
	IPC_FAM_NR
};
#define IPC_FAM_ALL		((1u << IPC_FAM_NR) - 1)

/* ipc_hdr.flags */
#define IPC_EVF_BLOCKED		(1u << 0)	/* the operation blocked (see README) */
#define IPC_EVF_PEER		(1u << 1)	/* by a process outside the filter,
						 * on a watched object */
#define IPC_EVF_STACK_MISSED	(1u << 2)	/* a stack was wanted but not captured */
#define IPC_EVF_TRUNCATED	(1u << 3)	/* a name or path did not fit */
#define IPC_EVF_KERNEL		(1u << 4)	/* signal: sent by the kernel,
						 * not by a syscall */

/* Object kinds (ipc_obj.kind). */
enum ipc_obj_kind {
	IPC_OBJ_NONE = 0,
	IPC_OBJ_PIPE,		/* anonymous pipe (pipefs inode) */
	IPC_OBJ_FIFO,		/* named pipe on a filesystem */
	IPC_OBJ_UNIX,		/* AF_UNIX socket */
	IPC_OBJ_TCP,		/* AF_INET/AF_INET6 stream */
	IPC_OBJ_UDP,		/* AF_INET/AF_INET6 datagram */
	IPC_OBJ_INET,		/* other AF_INET/AF_INET6 sockets (raw, sctp...) */
	IPC_OBJ_SOCK,		/* other socket families (netlink, packet...) */
	IPC_OBJ_MQ,		/* POSIX message queue (mqueue inode) */
	IPC_OBJ_FUTEX,
	IPC_OBJ_SEM,		/* SysV semaphore set */
	IPC_OBJ_OTHER,		/* an fd of another kind (regular file, tty...) */
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
#define IPC_SIGF_IN_SEND	(1u << 3)	/* generated inside a signal-sending syscall */

/*
 * Signals.  send: pid/tid are the sender, target_* the syscall's target as
 * given (may be <= 0 for process groups).  generate: pid/tid the current
 * task (sender for syscalls), target_* the task that gets it.  deliver:
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
	__u32 nr_threads;	/* exit: threads still alive in the group */
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

/* Shared through maps */

/* Key of the watched-object map: objects the targets use (see bpf/obj.bpf.h). */
struct ipc_watch_key {
	__u64 a;
	__u64 b;
};

/* ipc_inflight.iflags */
#define IPC_INF_PEER		(1u << 0)	/* by a process outside the filter */
#define IPC_INF_WORD_OK		(1u << 1)	/* word was read */
#define IPC_INF_SHARED_KEY	(1u << 2)	/* key_* set: shared futex */

/*
 * A syscall in progress (the inflight task-storage map; sys == 0 when the
 * task is in none we trace): what the exit needs to build the event, and
 * what a thread is blocked on right now.
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

#endif /* IPCTRACE_ABI_H */
