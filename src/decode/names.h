/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * names: the stable names of everything ipctrace prints (operations,
 * object kinds, families), and the kernel's names for errno values,
 * signals, si_code values and futex commands.
 */
#ifndef IPCTRACE_NAMES_H
#define IPCTRACE_NAMES_H

#include <stddef.h>

/* "pipe_write"... or NULL for an unknown op. */
const char *ipc_op_name(unsigned int op);
/* enum ipc_op for a name, or -ENOENT. */
int ipc_op_from_name(const char *name);
/* The family an op belongs to (enum ipc_family), or -1 for proc/fd/lock/snapshot ops. */
int ipc_op_family(unsigned int op);
/* Whether an op can block (waits, reads, receives, accept, connect...). */
int ipc_op_can_block(unsigned int op);

/* ipc_ops.def's flags column */
#define OPF_BLOCKS	(1u << 0)	/* the operation can block */
#define OPF_PROC	(1u << 1)	/* a process or thread lifetime event */
#define OPF_NORET	(1u << 2)	/* a tracepoint's event: no return value */

/* What an op does to the graph model (ipc_ops.def's graph column). */
enum ipc_graph_role {
	IPC_GRAPH_NONE = 0,
	IPC_GRAPH_SEND,		/* traffic process -> object through an fd */
	IPC_GRAPH_RECV,		/* traffic object -> process through an fd */
	IPC_GRAPH_BIND,		/* the fd now names the object */
	IPC_GRAPH_PAIR,		/* two fds at once (pipe, socketpair, accept) */
	IPC_GRAPH_CLOSE,
	IPC_GRAPH_CLOSE_RANGE,
	IPC_GRAPH_SETFD,
	IPC_GRAPH_DUP,
	IPC_GRAPH_WAKE,		/* process -> object without an fd (futex wake) */
	IPC_GRAPH_WAIT,		/* object -> process without an fd (futex wait) */
	IPC_GRAPH_USE,		/* the process holds the object, no traffic */
	IPC_GRAPH_SYNC,		/* like USE/WAIT/WAKE, the direction from the record */
	IPC_GRAPH_SIGNAL,	/* process -> process */
	IPC_GRAPH_FORK,
	IPC_GRAPH_EXEC,
	IPC_GRAPH_EXIT,
};

/* The flags (OPF_*), record type and graph role of an op; 0 for an unknown op. */
unsigned int ipc_op_flags(unsigned int op);
unsigned int ipc_op_rec(unsigned int op);
unsigned int ipc_op_graph(unsigned int op);

/* Syscall or hook name: "write", "sendmsg", "signal_generate"... or NULL. */
const char *ipc_sys_name(unsigned int sys);
/* enum ipc_sys for a syscall name, or -ENOENT. */
int ipc_sys_from_name(const char *name);

/*
 * "pipe", "fifo", "unix", "tcp", "udp", "inet", "sock", "mq", "futex", "sem",
 * "other"; "none" for IPC_OBJ_NONE; NULL past the end.
 */
const char *ipc_obj_kind_name(unsigned int kind);

/* "pipe", "mq", "futex", "signal", "socket", "sem" (enum ipc_family) or NULL. */
const char *ipc_family_name(unsigned int fam);
int ipc_family_from_name(const char *name);	/* or -ENOENT */
/*
 * An op's family name, or for ops outside the families "fd" (close, dup,
 * fcntl), "process" (fork, exec, exit), "lock" (uprobes); "other" otherwise.
 * The family label of the metrics and the category of timeline events.
 */
const char *ipc_op_group(unsigned int op);

/* "EAGAIN" for 11 (positive errno), or NULL when unknown. */
const char *ipc_errno_name(int err);
/* Positive errno for "EAGAIN", or -ENOENT. */
int ipc_errno_from_name(const char *name);

/* "SIGUSR1"; realtime ones as "SIGRTMIN+3" (written in buf).  Returns buf. */
const char *ipc_signal_name(int sig, char *buf, size_t len);
/* Signal number from "SIGUSR1", "USR1", "10", "SIGRTMIN+2"; or -EINVAL. */
int ipc_signal_from_name(const char *name);

/*
 * signal_generate result: "delivered", "ignored", "already_pending", "overflow_fail",
 * "lose_info".
 */
const char *ipc_sig_result_name(int result);
/*
 * si_code for a signal: "SI_USER", "SI_QUEUE", "SI_TKILL", "SI_KERNEL", "CLD_EXITED"...
 * into buf.
 */
const char *ipc_si_code_name(int sig, int code, char *buf, size_t len);

/*
 * futex(2) op word: "FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME"
 * into buf; unknown commands as "FUTEX_0x1f".  Returns buf.
 */
const char *ipc_futex_cmd_name(unsigned int cmd, char *buf, size_t len);
/* The ipctrace op (enum ipc_op) a futex(2) op word maps to. */
unsigned int ipc_futex_cmd_op(unsigned int cmd);

/* AF_* name: "AF_UNIX", "AF_INET"...; SOCK_* type: "SOCK_STREAM"... or NULL. */
const char *ipc_af_name(unsigned int family);
const char *ipc_socktype_name(unsigned int type);

/* enum ipc_lock_kind: "mutex", "rwlock_rd", "rwlock_wr", "cond", "sem"; or NULL. */
const char *ipc_lock_kind_name(unsigned int kind);
/* shutdown(2) how: "SHUT_RD", "SHUT_WR", "SHUT_RDWR"; or NULL. */
const char *ipc_shutdown_how_name(unsigned int how);
/* sigev_notify: "SIGEV_SIGNAL", "SIGEV_NONE", "SIGEV_THREAD", "SIGEV_THREAD_ID"; or NULL. */
const char *ipc_sigev_notify_name(int notify);
/* semctl(2) command ("IPC_RMID", "SETVAL"...; IPC_64 ignored), or NULL. */
const char *ipc_semctl_cmd_name(int cmd);
/* open(2)/mq_open(3) flags: "O_WRONLY|O_NONBLOCK|O_CLOEXEC" into buf.  Returns buf. */
const char *ipc_open_flags_name(unsigned int flags, char *buf, size_t len);

#endif /* IPCTRACE_NAMES_H */
