// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * names: every name ipctrace prints comes from a table here, so that the
 * --events text, the --json keys and the CLI parsers (--types, -s SIG)
 * agree.  Tables are indexed by number with designated initializers: a
 * missing entry is NULL and reads as "unknown", never as a wrong name.
 *
 * errno, signal, si_code, AF_* and futex values are the Linux UAPI ones
 * (asm-generic, x86 signal numbering); they are facts about the kernel the
 * records come from, so they are written out rather than taken from the
 * libc headers of the machine that happens to format them.
 */
#define _GNU_SOURCE	/* O_DIRECT, O_PATH, O_TMPFILE, O_NOATIME */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decode/names.h"
#include "ipctrace_abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const op_names[IPC_OP_MAX] = {
	[IPC_OP_PIPE_CREATE] = "pipe_create",
	[IPC_OP_FIFO_OPEN] = "fifo_open",
	[IPC_OP_PIPE_READ] = "pipe_read",
	[IPC_OP_PIPE_WRITE] = "pipe_write",
	[IPC_OP_MQ_OPEN] = "mq_open",
	[IPC_OP_MQ_SEND] = "mq_send",
	[IPC_OP_MQ_RECEIVE] = "mq_receive",
	[IPC_OP_MQ_NOTIFY] = "mq_notify",
	[IPC_OP_MQ_UNLINK] = "mq_unlink",
	[IPC_OP_MQ_GETSETATTR] = "mq_getsetattr",
	[IPC_OP_FUTEX_WAIT] = "futex_wait",
	[IPC_OP_FUTEX_WAKE] = "futex_wake",
	[IPC_OP_FUTEX_REQUEUE] = "futex_requeue",
	[IPC_OP_FUTEX_WAKE_OP] = "futex_wake_op",
	[IPC_OP_FUTEX_LOCK_PI] = "futex_lock_pi",
	[IPC_OP_FUTEX_UNLOCK_PI] = "futex_unlock_pi",
	[IPC_OP_FUTEX_TRYLOCK_PI] = "futex_trylock_pi",
	[IPC_OP_FUTEX_WAIT_REQUEUE_PI] = "futex_wait_requeue_pi",
	[IPC_OP_FUTEX_CMP_REQUEUE_PI] = "futex_cmp_requeue_pi",
	[IPC_OP_FUTEX_WAITV] = "futex_waitv",
	[IPC_OP_FUTEX_OTHER] = "futex_other",
	[IPC_OP_SIGNAL_SEND] = "signal_send",
	[IPC_OP_SIGNAL_GENERATE] = "signal_generate",
	[IPC_OP_SIGNAL_DELIVER] = "signal_deliver",
	[IPC_OP_SOCK_CREATE] = "sock_create",
	[IPC_OP_SOCK_PAIR] = "sock_pair",
	[IPC_OP_SOCK_BIND] = "sock_bind",
	[IPC_OP_SOCK_LISTEN] = "sock_listen",
	[IPC_OP_SOCK_CONNECT] = "sock_connect",
	[IPC_OP_SOCK_ACCEPT] = "sock_accept",
	[IPC_OP_SOCK_SEND] = "sock_send",
	[IPC_OP_SOCK_RECV] = "sock_recv",
	[IPC_OP_SOCK_SHUTDOWN] = "sock_shutdown",
	[IPC_OP_FD_CLOSE] = "fd_close",
	[IPC_OP_FD_DUP] = "fd_dup",
	[IPC_OP_FD_CLOSE_RANGE] = "fd_close_range",
	[IPC_OP_FD_SETFD] = "fd_setfd",
	[IPC_OP_PROC_FORK] = "proc_fork",
	[IPC_OP_PROC_EXEC] = "proc_exec",
	[IPC_OP_PROC_EXIT] = "proc_exit",
	[IPC_OP_THREAD_NEW] = "thread_new",
	[IPC_OP_THREAD_EXIT] = "thread_exit",
	[IPC_OP_SEM_GET] = "sem_get",
	[IPC_OP_SEM_OP] = "sem_op",
	[IPC_OP_SEM_CTL] = "sem_ctl",
	[IPC_OP_LOCK_ACQUIRE] = "lock_acquire",
	[IPC_OP_LOCK_TRY] = "lock_try",
	[IPC_OP_LOCK_RELEASE] = "lock_release",
	[IPC_OP_COND_WAIT] = "cond_wait",
	[IPC_OP_COND_SIGNAL] = "cond_signal",
	[IPC_OP_COND_BROADCAST] = "cond_broadcast",
	[IPC_OP_SNAPSHOT] = "snapshot",
};

const char *ipc_op_name(unsigned int op)
{
	return op < IPC_OP_MAX ? op_names[op] : NULL;
}

int ipc_op_from_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (unsigned int i = 0; i < IPC_OP_MAX; i++)
		if (op_names[i] && strcmp(op_names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

/*
 * The op numbers are grouped by family in decades (see ipctrace_abi.h), so
 * the family follows from the range; ops that are not IPC themselves (fd
 * lifetime, processes, user-space locks, snapshots) have none.
 */
int ipc_op_family(unsigned int op)
{
	if (!ipc_op_name(op))
		return -1;
	if (op <= IPC_OP_PIPE_WRITE)
		return IPC_FAM_PIPE;
	if (op <= IPC_OP_MQ_GETSETATTR)
		return IPC_FAM_MQ;
	if (op <= IPC_OP_FUTEX_OTHER)
		return IPC_FAM_FUTEX;
	if (op <= IPC_OP_SIGNAL_DELIVER)
		return IPC_FAM_SIGNAL;
	if (op <= IPC_OP_SOCK_SHUTDOWN)
		return IPC_FAM_SOCKET;
	if (op >= IPC_OP_SEM_GET && op <= IPC_OP_SEM_CTL)
		return IPC_FAM_SEM;
	return -1;
}

int ipc_op_can_block(unsigned int op)
{
	switch (op) {
	case IPC_OP_FIFO_OPEN:		/* waits for the other end */
	case IPC_OP_PIPE_READ:
	case IPC_OP_PIPE_WRITE:		/* a full pipe */
	case IPC_OP_MQ_SEND:		/* a full queue */
	case IPC_OP_MQ_RECEIVE:
	case IPC_OP_FUTEX_WAIT:
	case IPC_OP_FUTEX_LOCK_PI:
	case IPC_OP_FUTEX_WAIT_REQUEUE_PI:
	case IPC_OP_FUTEX_WAITV:
	case IPC_OP_SOCK_CONNECT:
	case IPC_OP_SOCK_ACCEPT:
	case IPC_OP_SOCK_SEND:
	case IPC_OP_SOCK_RECV:
	case IPC_OP_SEM_OP:
	case IPC_OP_LOCK_ACQUIRE:
	case IPC_OP_COND_WAIT:
		return 1;
	default:
		return 0;
	}
}

static const char *const sys_names[IPC_SYS_MAX] = {
	[IPC_SYS_READ] = "read",
	[IPC_SYS_WRITE] = "write",
	[IPC_SYS_READV] = "readv",
	[IPC_SYS_WRITEV] = "writev",
	[IPC_SYS_SPLICE] = "splice",
	[IPC_SYS_TEE] = "tee",
	[IPC_SYS_VMSPLICE] = "vmsplice",
	[IPC_SYS_PIPE] = "pipe",
	[IPC_SYS_PIPE2] = "pipe2",
	[IPC_SYS_OPEN] = "open",
	[IPC_SYS_OPENAT] = "openat",
	[IPC_SYS_OPENAT2] = "openat2",
	[IPC_SYS_CLOSE] = "close",
	[IPC_SYS_DUP] = "dup",
	[IPC_SYS_DUP2] = "dup2",
	[IPC_SYS_DUP3] = "dup3",
	[IPC_SYS_FCNTL] = "fcntl",
	[IPC_SYS_MQ_OPEN] = "mq_open",
	[IPC_SYS_MQ_UNLINK] = "mq_unlink",
	[IPC_SYS_MQ_TIMEDSEND] = "mq_timedsend",
	[IPC_SYS_MQ_TIMEDRECEIVE] = "mq_timedreceive",
	[IPC_SYS_MQ_NOTIFY] = "mq_notify",
	[IPC_SYS_MQ_GETSETATTR] = "mq_getsetattr",
	[IPC_SYS_FUTEX] = "futex",
	[IPC_SYS_FUTEX_WAITV] = "futex_waitv",
	[IPC_SYS_FUTEX_WAKE] = "futex_wake",
	[IPC_SYS_FUTEX_WAIT] = "futex_wait",
	[IPC_SYS_FUTEX_REQUEUE] = "futex_requeue",
	[IPC_SYS_KILL] = "kill",
	[IPC_SYS_TKILL] = "tkill",
	[IPC_SYS_TGKILL] = "tgkill",
	[IPC_SYS_RT_SIGQUEUEINFO] = "rt_sigqueueinfo",
	[IPC_SYS_RT_TGSIGQUEUEINFO] = "rt_tgsigqueueinfo",
	[IPC_SYS_PIDFD_SEND_SIGNAL] = "pidfd_send_signal",
	[IPC_SYS_SOCKET] = "socket",
	[IPC_SYS_SOCKETPAIR] = "socketpair",
	[IPC_SYS_BIND] = "bind",
	[IPC_SYS_LISTEN] = "listen",
	[IPC_SYS_CONNECT] = "connect",
	[IPC_SYS_ACCEPT] = "accept",
	[IPC_SYS_ACCEPT4] = "accept4",
	[IPC_SYS_SENDTO] = "sendto",
	[IPC_SYS_RECVFROM] = "recvfrom",
	[IPC_SYS_SENDMSG] = "sendmsg",
	[IPC_SYS_RECVMSG] = "recvmsg",
	[IPC_SYS_SENDMMSG] = "sendmmsg",
	[IPC_SYS_RECVMMSG] = "recvmmsg",
	[IPC_SYS_SHUTDOWN] = "shutdown",
	[IPC_SYS_SEMGET] = "semget",
	[IPC_SYS_SEMOP] = "semop",
	[IPC_SYS_SEMTIMEDOP] = "semtimedop",
	[IPC_SYS_SEMCTL] = "semctl",
	[IPC_SYS_CLOSE_RANGE] = "close_range",
	[IPC_SYS_HOOK_SIGNAL_GENERATE] = "signal_generate",
	[IPC_SYS_HOOK_SIGNAL_DELIVER] = "signal_deliver",
	[IPC_SYS_HOOK_FORK] = "sched_process_fork",
	[IPC_SYS_HOOK_EXEC] = "sched_process_exec",
	[IPC_SYS_HOOK_EXIT] = "sched_process_exit",
	[IPC_SYS_HOOK_UPROBE] = "uprobe",
	[IPC_SYS_HOOK_COLLECTOR] = "collector",
};

const char *ipc_sys_name(unsigned int sys)
{
	return sys < IPC_SYS_MAX ? sys_names[sys] : NULL;
}

int ipc_sys_from_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (unsigned int i = 0; i < IPC_SYS_MAX; i++)
		if (sys_names[i] && strcmp(sys_names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

static const char *const kind_names[IPC_OBJ_KIND_MAX] = {
	[IPC_OBJ_NONE] = "none",
	[IPC_OBJ_PIPE] = "pipe",
	[IPC_OBJ_FIFO] = "fifo",
	[IPC_OBJ_UNIX] = "unix",
	[IPC_OBJ_TCP] = "tcp",
	[IPC_OBJ_UDP] = "udp",
	[IPC_OBJ_INET] = "inet",
	[IPC_OBJ_SOCK] = "sock",
	[IPC_OBJ_MQ] = "mq",
	[IPC_OBJ_FUTEX] = "futex",
	[IPC_OBJ_SEM] = "sem",
	[IPC_OBJ_OTHER] = "other",
};

const char *ipc_obj_kind_name(unsigned int kind)
{
	return kind < IPC_OBJ_KIND_MAX ? kind_names[kind] : NULL;
}

static const char *const family_names[IPC_FAM_NR] = {
	[IPC_FAM_PIPE] = "pipe",
	[IPC_FAM_MQ] = "mq",
	[IPC_FAM_FUTEX] = "futex",
	[IPC_FAM_SIGNAL] = "signal",
	[IPC_FAM_SOCKET] = "socket",
	[IPC_FAM_SEM] = "sem",
};

const char *ipc_family_name(unsigned int fam)
{
	return fam < IPC_FAM_NR ? family_names[fam] : NULL;
}

int ipc_family_from_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (unsigned int i = 0; i < IPC_FAM_NR; i++)
		if (strcmp(family_names[i], name) == 0)
			return (int)i;
	return -ENOENT;
}

static const char *const lock_kind_names[] = {
	[IPC_LOCK_MUTEX] = "mutex",
	[IPC_LOCK_RWLOCK_RD] = "rwlock_rd",
	[IPC_LOCK_RWLOCK_WR] = "rwlock_wr",
	[IPC_LOCK_COND] = "cond",
	[IPC_LOCK_SEM] = "sem",
};

const char *ipc_lock_kind_name(unsigned int kind)
{
	return kind < ARRAY_SIZE(lock_kind_names) ? lock_kind_names[kind] : NULL;
}

/* Linux asm-generic/errno-base.h and errno.h; 41 and 58 are aliases, unused. */
static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO",
	[6] = "ENXIO", [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD",
	[11] = "EAGAIN", [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK",
	[16] = "EBUSY", [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR",
	[21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY",
	[26] = "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS",
	[31] = "EMLINK", [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK",
	[36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY",
	[40] = "ELOOP", [42] = "ENOMSG", [43] = "EIDRM", [44] = "ECHRNG",
	[45] = "EL2NSYNC", [46] = "EL3HLT", [47] = "EL3RST", [48] = "ELNRNG",
	[49] = "EUNATCH", [50] = "ENOCSI", [51] = "EL2HLT", [52] = "EBADE", [53] = "EBADR",
	[54] = "EXFULL", [55] = "ENOANO", [56] = "EBADRQC", [57] = "EBADSLT",
	[59] = "EBFONT", [60] = "ENOSTR", [61] = "ENODATA", [62] = "ETIME", [63] = "ENOSR",
	[64] = "ENONET", [65] = "ENOPKG", [66] = "EREMOTE", [67] = "ENOLINK", [68] = "EADV",
	[69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO", [72] = "EMULTIHOP",
	[73] = "EDOTDOT", [74] = "EBADMSG", [75] = "EOVERFLOW", [76] = "ENOTUNIQ",
	[77] = "EBADFD", [78] = "EREMCHG", [79] = "ELIBACC", [80] = "ELIBBAD",
	[81] = "ELIBSCN", [82] = "ELIBMAX", [83] = "ELIBEXEC", [84] = "EILSEQ",
	[85] = "ERESTART", [86] = "ESTRPIPE", [87] = "EUSERS", [88] = "ENOTSOCK",
	[89] = "EDESTADDRREQ", [90] = "EMSGSIZE", [91] = "EPROTOTYPE", [92] = "ENOPROTOOPT",
	[93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP",
	[96] = "EPFNOSUPPORT", [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE",
	[99] = "EADDRNOTAVAIL", [100] = "ENETDOWN", [101] = "ENETUNREACH",
	[102] = "ENETRESET", [103] = "ECONNABORTED", [104] = "ECONNRESET", [105] = "ENOBUFS",
	[106] = "EISCONN", [107] = "ENOTCONN", [108] = "ESHUTDOWN", [109] = "ETOOMANYREFS",
	[110] = "ETIMEDOUT", [111] = "ECONNREFUSED", [112] = "EHOSTDOWN",
	[113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS", [116] = "ESTALE",
	[117] = "EUCLEAN", [118] = "ENOTNAM", [119] = "ENAVAIL", [120] = "EISNAM",
	[121] = "EREMOTEIO", [122] = "EDQUOT", [123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE",
	[125] = "ECANCELED", [126] = "ENOKEY", [127] = "EKEYEXPIRED", [128] = "EKEYREVOKED",
	[129] = "EKEYREJECTED", [130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE",
	[132] = "ERFKILL", [133] = "EHWPOISON",
};

/*
 * Kernel-internal restart codes (include/linux/errno.h): they never reach
 * user space, but a syscall exit probe sees them when a signal interrupts a
 * wait, so a tracer must name them.
 */
static const struct {
	int err;
	const char *name;
} errno_internal[] = {
	{ 512, "ERESTARTSYS" },
	{ 513, "ERESTARTNOINTR" },
	{ 514, "ERESTARTNOHAND" },
	{ 516, "ERESTART_RESTARTBLOCK" },
};

const char *ipc_errno_name(int err)
{
	if (err > 0 && (size_t)err < ARRAY_SIZE(errno_names))
		return errno_names[err];
	for (size_t i = 0; i < ARRAY_SIZE(errno_internal); i++)
		if (errno_internal[i].err == err)
			return errno_internal[i].name;
	return NULL;
}

int ipc_errno_from_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i] && strcmp(errno_names[i], name) == 0)
			return (int)i;
	for (size_t i = 0; i < ARRAY_SIZE(errno_internal); i++)
		if (strcmp(errno_internal[i].name, name) == 0)
			return errno_internal[i].err;
	return -ENOENT;
}

#define SIG_RTMIN	32
#define SIG_RTMAX	64

/* Linux signal numbers as on x86 and the asm-generic arches. */
static const char *const signal_names[SIG_RTMIN] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL", [5] = "SIGTRAP",
	[6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE", [9] = "SIGKILL", [10] = "SIGUSR1",
	[11] = "SIGSEGV", [12] = "SIGUSR2", [13] = "SIGPIPE", [14] = "SIGALRM",
	[15] = "SIGTERM", [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",
	[19] = "SIGSTOP", [20] = "SIGTSTP", [21] = "SIGTTIN", [22] = "SIGTTOU",
	[23] = "SIGURG", [24] = "SIGXCPU", [25] = "SIGXFSZ", [26] = "SIGVTALRM",
	[27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO", [30] = "SIGPWR", [31] = "SIGSYS",
};

/* Other names people type for the same numbers. */
static const struct {
	const char *name;
	int sig;
} signal_aliases[] = {
	{ "SIGIOT", 6 },
	{ "SIGCLD", 17 },
	{ "SIGPOLL", 29 },
};

/*
 * Realtime signals are named by the kernel's numbering, SIGRTMIN = 32,
 * although glibc keeps 32 and 33 for itself and its SIGRTMIN is 34: the
 * record holds the kernel's number, and that is what we can name for sure.
 */
const char *ipc_signal_name(int sig, char *buf, size_t len)
{
	if (!buf || !len)
		return "";
	if (sig > 0 && sig < SIG_RTMIN && signal_names[sig])
		snprintf(buf, len, "%s", signal_names[sig]);
	else if (sig == SIG_RTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig > SIG_RTMIN && sig <= SIG_RTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIG_RTMIN);
	else
		snprintf(buf, len, "%d", sig);
	return buf;
}

/* Parses a decimal number in [lo, hi] that is the whole string; -1 if not. */
static int parse_small_int(const char *s, int lo, int hi)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	return (int)v;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (after the optional "SIG"). */
static int parse_rt_signal(const char *s)
{
	int n = 0;

	if (strncasecmp(s, "RTMIN", 5) == 0) {
		if (s[5] && (s[5] != '+' || (n = parse_small_int(s + 6, 0, 32)) < 0))
			return -EINVAL;
		return SIG_RTMIN + n;
	}
	if (strncasecmp(s, "RTMAX", 5) == 0) {
		if (s[5] && (s[5] != '-' || (n = parse_small_int(s + 6, 0, 32)) < 0))
			return -EINVAL;
		return SIG_RTMAX - n;
	}
	return -EINVAL;
}

int ipc_signal_from_name(const char *name)
{
	const char *s = name;
	int n;

	if (!name || !*name)
		return -EINVAL;
	n = parse_small_int(name, 0, SIG_RTMAX);
	if (n >= 0)
		return n;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 1; i < SIG_RTMIN; i++)
		if (strcasecmp(s, signal_names[i] + 3) == 0)
			return i;
	for (size_t i = 0; i < ARRAY_SIZE(signal_aliases); i++)
		if (strcasecmp(s, signal_aliases[i].name + 3) == 0)
			return signal_aliases[i].sig;
	return parse_rt_signal(s);
}

static const char *const sig_result_names[] = {
	[IPC_SIG_DELIVERED] = "delivered",
	[IPC_SIG_IGNORED] = "ignored",
	[IPC_SIG_ALREADY_PENDING] = "already_pending",
	[IPC_SIG_OVERFLOW_FAIL] = "overflow_fail",
	[IPC_SIG_LOSE_INFO] = "lose_info",
};

const char *ipc_sig_result_name(int result)
{
	if (result < 0 || (size_t)result >= ARRAY_SIZE(sig_result_names))
		return NULL;
	return sig_result_names[result];
}

/* si_code values <= 0 and SI_KERNEL: the same for every signal. */
static const char *generic_si_code(int code)
{
	switch (code) {
	case 0: return "SI_USER";
	case 0x80: return "SI_KERNEL";
	case -1: return "SI_QUEUE";
	case -2: return "SI_TIMER";
	case -3: return "SI_MESGQ";
	case -4: return "SI_ASYNCIO";
	case -5: return "SI_SIGIO";
	case -6: return "SI_TKILL";
	case -7: return "SI_DETHREAD";
	case -60: return "SI_ASYNCNL";
	default: return NULL;
	}
}

/* Positive si_code values: each numbered from 1 for its own signal. */
static const char *const ill_codes[] = { NULL, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR",
	"ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK", "ILL_BADIADDR" };
static const char *const fpe_codes[] = { NULL, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",
	"FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB",
	[14] = "FPE_FLTUNK", [15] = "FPE_CONDTRAP" };
static const char *const segv_codes[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
	"SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR",
	"SEGV_MTESERR", "SEGV_CPERR" };
static const char *const bus_codes[] = { NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR",
	"BUS_MCEERR_AR", "BUS_MCEERR_AO" };
static const char *const trap_codes[] = { NULL, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH",
	"TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF" };
static const char *const cld_codes[] = { NULL, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
	"CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
static const char *const poll_codes[] = { NULL, "POLL_IN", "POLL_OUT", "POLL_MSG",
	"POLL_ERR", "POLL_PRI", "POLL_HUP" };
static const char *const sys_codes[] = { NULL, "SYS_SECCOMP", "SYS_USER_DISPATCH" };

#define CODE_TABLE(sig, t) [sig] = { t, ARRAY_SIZE(t) }
static const struct {
	const char *const *names;
	size_t nr;
} sig_codes[SIG_RTMIN] = {
	CODE_TABLE(4, ill_codes),	/* SIGILL */
	CODE_TABLE(5, trap_codes),	/* SIGTRAP */
	CODE_TABLE(7, bus_codes),	/* SIGBUS */
	CODE_TABLE(8, fpe_codes),	/* SIGFPE */
	CODE_TABLE(11, segv_codes),	/* SIGSEGV */
	CODE_TABLE(17, cld_codes),	/* SIGCHLD */
	CODE_TABLE(29, poll_codes),	/* SIGPOLL */
	CODE_TABLE(31, sys_codes),	/* SIGSYS */
};

const char *ipc_si_code_name(int sig, int code, char *buf, size_t len)
{
	const char *name = generic_si_code(code);

	if (!buf || !len)
		return "";
	if (!name && code > 0 && sig > 0 && sig < SIG_RTMIN && (size_t)code < sig_codes[sig].nr)
		name = sig_codes[sig].names[code];
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%d", code);
	return buf;
}

static const char *const futex_cmd_names[] = {
	"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
	"FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
	"FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
	"FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
};

#define FUTEX_CMD_MASK_		0x7fu
#define FUTEX_PRIVATE_FLAG_	0x80u
#define FUTEX_CLOCK_RT_		0x100u

const char *ipc_futex_cmd_name(unsigned int cmd, char *buf, size_t len)
{
	unsigned int c = cmd & FUTEX_CMD_MASK_;
	unsigned int rest = cmd & ~(FUTEX_CMD_MASK_ | FUTEX_PRIVATE_FLAG_ | FUTEX_CLOCK_RT_);
	int n;

	if (!buf || !len)
		return "";
	if (c < ARRAY_SIZE(futex_cmd_names))
		n = snprintf(buf, len, "%s", futex_cmd_names[c]);
	else
		n = snprintf(buf, len, "FUTEX_0x%x", c);
	if (n >= 0 && (size_t)n < len && (cmd & FUTEX_PRIVATE_FLAG_))
		n += snprintf(buf + n, len - n, "|FUTEX_PRIVATE_FLAG");
	if (n >= 0 && (size_t)n < len && (cmd & FUTEX_CLOCK_RT_))
		n += snprintf(buf + n, len - n, "|FUTEX_CLOCK_REALTIME");
	/* Bits no kernel defines: shown rather than dropped. */
	if (n >= 0 && (size_t)n < len && rest)
		snprintf(buf + n, len - n, "|0x%x", rest);
	return buf;
}

unsigned int ipc_futex_cmd_op(unsigned int cmd)
{
	static const unsigned short ops[] = {
		IPC_OP_FUTEX_WAIT, IPC_OP_FUTEX_WAKE, IPC_OP_FUTEX_OTHER,
		IPC_OP_FUTEX_REQUEUE, IPC_OP_FUTEX_REQUEUE, IPC_OP_FUTEX_WAKE_OP,
		IPC_OP_FUTEX_LOCK_PI, IPC_OP_FUTEX_UNLOCK_PI, IPC_OP_FUTEX_TRYLOCK_PI,
		IPC_OP_FUTEX_WAIT, IPC_OP_FUTEX_WAKE, IPC_OP_FUTEX_WAIT_REQUEUE_PI,
		IPC_OP_FUTEX_CMP_REQUEUE_PI, IPC_OP_FUTEX_LOCK_PI,
	};
	unsigned int c = cmd & FUTEX_CMD_MASK_;

	return c < ARRAY_SIZE(ops) ? ops[c] : IPC_OP_FUTEX_OTHER;
}

/* linux/socket.h address families. */
static const char *const af_names[] = {
	"AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_AX25", "AF_IPX", "AF_APPLETALK",
	"AF_NETROM", "AF_BRIDGE", "AF_ATMPVC", "AF_X25", "AF_INET6", "AF_ROSE",
	"AF_DECnet", "AF_NETBEUI", "AF_SECURITY", "AF_KEY", "AF_NETLINK", "AF_PACKET",
	"AF_ASH", "AF_ECONET", "AF_ATMSVC", "AF_RDS", "AF_SNA", "AF_IRDA", "AF_PPPOX",
	"AF_WANPIPE", "AF_LLC", "AF_IB", "AF_MPLS", "AF_CAN", "AF_TIPC", "AF_BLUETOOTH",
	"AF_IUCV", "AF_RXRPC", "AF_ISDN", "AF_PHONET", "AF_IEEE802154", "AF_CAIF",
	"AF_ALG", "AF_NFC", "AF_VSOCK", "AF_KCM", "AF_QIPCRTR", "AF_SMC", "AF_XDP",
	"AF_MCTP",
};

const char *ipc_af_name(unsigned int family)
{
	return family < ARRAY_SIZE(af_names) ? af_names[family] : NULL;
}

static const char *const socktype_names[] = {
	[1] = "SOCK_STREAM", [2] = "SOCK_DGRAM", [3] = "SOCK_RAW", [4] = "SOCK_RDM",
	[5] = "SOCK_SEQPACKET", [6] = "SOCK_DCCP", [10] = "SOCK_PACKET",
};

const char *ipc_socktype_name(unsigned int type)
{
	return type < ARRAY_SIZE(socktype_names) ? socktype_names[type] : NULL;
}

static const char *const shut_names[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };

const char *ipc_shutdown_how_name(unsigned int how)
{
	return how < ARRAY_SIZE(shut_names) ? shut_names[how] : NULL;
}

const char *ipc_sigev_notify_name(int notify)
{
	switch (notify) {
	case 0: return "SIGEV_SIGNAL";
	case 1: return "SIGEV_NONE";
	case 2: return "SIGEV_THREAD";
	case 4: return "SIGEV_THREAD_ID";
	default: return NULL;
	}
}

/* linux/sem.h and linux/ipc.h semctl commands. */
static const char *const semctl_names[] = {
	[0] = "IPC_RMID", [1] = "IPC_SET", [2] = "IPC_STAT", [3] = "IPC_INFO",
	[11] = "GETPID", [12] = "GETVAL", [13] = "GETALL", [14] = "GETNCNT",
	[15] = "GETZCNT", [16] = "SETVAL", [17] = "SETALL", [18] = "SEM_STAT",
	[19] = "SEM_INFO", [20] = "SEM_STAT_ANY",
};

#define IPC_64_FLAG	0x100	/* glibc ORs it in on most arches:
				 * not part of the command */

const char *ipc_semctl_cmd_name(int cmd)
{
	unsigned int c = (unsigned int)cmd & ~IPC_64_FLAG;

	if (cmd < 0 || c >= ARRAY_SIZE(semctl_names))
		return NULL;
	return semctl_names[c];
}

/*
 * Open flags as this machine's libc spells them: the collector runs on the
 * traced kernel's architecture, where the values match (several differ
 * between x86 and arm64).  Composite flags (O_SYNC, O_TMPFILE) come before
 * their parts.
 */
static const struct {
	int flag;
	const char *name;
} open_flags[] = {
	{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
	{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
	{ O_SYNC, "O_SYNC" }, { O_DSYNC, "O_DSYNC" }, { O_ASYNC, "O_ASYNC" },
	{ O_DIRECT, "O_DIRECT" }, { O_TMPFILE, "O_TMPFILE" }, { O_DIRECTORY, "O_DIRECTORY" },
	{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" },
	{ O_PATH, "O_PATH" },
};

const char *ipc_open_flags_name(unsigned int flags, char *buf, size_t len)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	unsigned int rest = flags & ~(unsigned int)O_ACCMODE;
	size_t n;

	if (!buf || !len)
		return "";
	snprintf(buf, len, "%s", acc[flags & O_ACCMODE]);
	for (size_t i = 0; i < ARRAY_SIZE(open_flags); i++) {
		unsigned int f = (unsigned int)open_flags[i].flag;

		if ((rest & f) != f)
			continue;
		rest &= ~f;
		n = strlen(buf);
		snprintf(buf + n, len - n, "|%s", open_flags[i].name);
	}
	if (rest) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "|0x%x", rest);
	}
	return buf;
}
