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

/* One row per op, from ipc_ops.def. */
struct op_desc {
	const char *name;
	int family;		/* enum ipc_family, IPC_FAM_NONE */
	unsigned short rec;	/* enum ipc_rec_type */
	unsigned short flags;	/* OPF_* */
	unsigned char graph;	/* enum ipc_graph_role */
};

static const struct op_desc op_descs[IPC_OP_MAX] = {
#define IPC_OP(id, nr, nm, fam, rec_, fl, gr)						\
	[IPC_OP_##id] = { .name = nm, .family = IPC_FAM_##fam, .rec = IPC_REC_##rec_,	\
			  .flags = fl, .graph = IPC_GRAPH_##gr },
#include "ipc_ops.def"
#undef IPC_OP
};

const char *ipc_op_name(unsigned int op)
{
	return op < IPC_OP_MAX ? op_descs[op].name : NULL;
}

int ipc_op_from_name(const char *name)
{
	if (!name)
		return -ENOENT;
	for (unsigned int i = 0; i < IPC_OP_MAX; i++)
		if (op_descs[i].name && strcmp(op_descs[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int ipc_op_family(unsigned int op)
{
	if (!ipc_op_name(op) || op_descs[op].family == IPC_FAM_NONE)
		return -1;
	return op_descs[op].family;
}

int ipc_op_can_block(unsigned int op)
{
	return ipc_op_name(op) && (op_descs[op].flags & OPF_BLOCKS);
}

unsigned int ipc_op_flags(unsigned int op)
{
	return ipc_op_name(op) ? op_descs[op].flags : 0;
}

unsigned int ipc_op_rec(unsigned int op)
{
	return ipc_op_name(op) ? op_descs[op].rec : IPC_REC_NONE;
}

unsigned int ipc_op_graph(unsigned int op)
{
	return ipc_op_name(op) ? op_descs[op].graph : IPC_GRAPH_NONE;
}

static const char *const sys_names[IPC_SYS_MAX] = {
#define IPC_SYSCALL(id, nr, name, fams, enter, exit, peer, x86_64) [IPC_SYS_##id] = name,
#define IPC_HOOK(id, nr, name) [IPC_SYS_HOOK_##id] = name,
#include "ipc_syscalls.def"
#undef IPC_SYSCALL
#undef IPC_HOOK
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
#define IPC_KIND(id, nr, name, fam) [IPC_OBJ_##id] = name,
#include "ipc_kinds.def"
#undef IPC_KIND
};

const char *ipc_obj_kind_name(unsigned int kind)
{
	return kind < IPC_OBJ_KIND_MAX ? kind_names[kind] : NULL;
}

static const char *const family_names[IPC_FAM_NR] = {
#define IPC_FAMILY(id, nr, name, help) [IPC_FAM_##id] = name,
#include "ipc_families.def"
#undef IPC_FAMILY
};

const char *ipc_family_name(unsigned int fam)
{
	return fam < IPC_FAM_NR ? family_names[fam] : NULL;
}

const char *ipc_op_group(unsigned int op)
{
	int fam = ipc_op_family(op);

	if (fam >= 0 && fam < IPC_FAM_NR)
		return family_names[fam];
	switch (ipc_op_rec(op)) {
	case IPC_REC_FD:
		return "fd";
	case IPC_REC_PROC:
		return "process";
	case IPC_REC_LOCK:
		return "lock";
	default:
		return "other";
	}
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
