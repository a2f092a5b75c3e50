// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * names: the printed names are a stable interface (--events, --json, CLI
 * filters), so every table is checked against the full expected list, and
 * the kernel facts against this machine's UAPI/libc headers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "decode/names.h"
#include "ipctrace_abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	unsigned int op;
	const char *name;
} all_ops[] = {
	{ IPC_OP_PIPE_CREATE, "pipe_create" }, { IPC_OP_FIFO_OPEN, "fifo_open" },
	{ IPC_OP_PIPE_READ, "pipe_read" }, { IPC_OP_PIPE_WRITE, "pipe_write" },
	{ IPC_OP_MQ_OPEN, "mq_open" }, { IPC_OP_MQ_SEND, "mq_send" },
	{ IPC_OP_MQ_RECEIVE, "mq_receive" }, { IPC_OP_MQ_NOTIFY, "mq_notify" },
	{ IPC_OP_MQ_UNLINK, "mq_unlink" }, { IPC_OP_MQ_GETSETATTR, "mq_getsetattr" },
	{ IPC_OP_FUTEX_WAIT, "futex_wait" }, { IPC_OP_FUTEX_WAKE, "futex_wake" },
	{ IPC_OP_FUTEX_REQUEUE, "futex_requeue" }, { IPC_OP_FUTEX_WAKE_OP, "futex_wake_op" },
	{ IPC_OP_FUTEX_LOCK_PI, "futex_lock_pi" }, { IPC_OP_FUTEX_UNLOCK_PI, "futex_unlock_pi" },
	{ IPC_OP_FUTEX_TRYLOCK_PI, "futex_trylock_pi" },
	{ IPC_OP_FUTEX_WAIT_REQUEUE_PI, "futex_wait_requeue_pi" },
	{ IPC_OP_FUTEX_CMP_REQUEUE_PI, "futex_cmp_requeue_pi" },
	{ IPC_OP_FUTEX_WAITV, "futex_waitv" }, { IPC_OP_FUTEX_OTHER, "futex_other" },
	{ IPC_OP_SIGNAL_SEND, "signal_send" }, { IPC_OP_SIGNAL_GENERATE, "signal_generate" },
	{ IPC_OP_SIGNAL_DELIVER, "signal_deliver" }, { IPC_OP_SIGNAL_RETURN, "signal_return" },
	{ IPC_OP_SOCK_CREATE, "sock_create" },
	{ IPC_OP_SOCK_PAIR, "sock_pair" }, { IPC_OP_SOCK_BIND, "sock_bind" },
	{ IPC_OP_SOCK_LISTEN, "sock_listen" }, { IPC_OP_SOCK_CONNECT, "sock_connect" },
	{ IPC_OP_SOCK_ACCEPT, "sock_accept" }, { IPC_OP_SOCK_SEND, "sock_send" },
	{ IPC_OP_SOCK_RECV, "sock_recv" }, { IPC_OP_SOCK_SHUTDOWN, "sock_shutdown" },
	{ IPC_OP_FD_CLOSE, "fd_close" }, { IPC_OP_FD_DUP, "fd_dup" },
	{ IPC_OP_FD_CLOSE_RANGE, "fd_close_range" }, { IPC_OP_FD_SETFD, "fd_setfd" },
	{ IPC_OP_PROC_FORK, "proc_fork" }, { IPC_OP_PROC_EXEC, "proc_exec" },
	{ IPC_OP_PROC_EXIT, "proc_exit" }, { IPC_OP_THREAD_NEW, "thread_new" },
	{ IPC_OP_THREAD_EXIT, "thread_exit" }, { IPC_OP_SEM_GET, "sem_get" },
	{ IPC_OP_SEM_OP, "sem_op" }, { IPC_OP_SEM_CTL, "sem_ctl" },
	{ IPC_OP_LOCK_ACQUIRE, "lock_acquire" }, { IPC_OP_LOCK_TRY, "lock_try" },
	{ IPC_OP_LOCK_RELEASE, "lock_release" }, { IPC_OP_COND_WAIT, "cond_wait" },
	{ IPC_OP_COND_SIGNAL, "cond_signal" }, { IPC_OP_COND_BROADCAST, "cond_broadcast" },
	{ IPC_OP_LOCK_DESTROY, "lock_destroy" },
	{ IPC_OP_SNAPSHOT, "snapshot" },
};

static void test_op_names_exact(void **state)
{
	unsigned int named = 0;

	assert_int_equal(ARRAY_SIZE(all_ops), 54);
	for (size_t i = 0; i < ARRAY_SIZE(all_ops); i++) {
		assert_non_null(ipc_op_name(all_ops[i].op));
		assert_string_equal(ipc_op_name(all_ops[i].op), all_ops[i].name);
		assert_int_equal(ipc_op_from_name(all_ops[i].name), all_ops[i].op);
	}
	/* Nothing named outside the list: gaps, NONE and past the end are NULL. */
	for (unsigned int op = 0; op < IPC_OP_MAX + 10; op++)
		if (ipc_op_name(op))
			named++;
	assert_int_equal(named, ARRAY_SIZE(all_ops));
	assert_null(ipc_op_name(IPC_OP_NONE));
	assert_null(ipc_op_name(5));
	assert_null(ipc_op_name(IPC_OP_MAX));
	assert_null(ipc_op_name(0xffff));
}

static void test_op_names_unique(void **state)
{
	for (unsigned int a = 0; a < IPC_OP_MAX; a++)
		for (unsigned int b = a + 1; b < IPC_OP_MAX; b++)
			if (ipc_op_name(a) && ipc_op_name(b))
				assert_string_not_equal(ipc_op_name(a), ipc_op_name(b));
}

static void test_op_from_name_unknown(void **state)
{
	assert_int_equal(ipc_op_from_name("pipe_writ"), -ENOENT);
	assert_int_equal(ipc_op_from_name("PIPE_WRITE"), -ENOENT);
	assert_int_equal(ipc_op_from_name(""), -ENOENT);
	assert_int_equal(ipc_op_from_name(NULL), -ENOENT);
}

static void test_op_family(void **state)
{
	assert_int_equal(ipc_op_family(IPC_OP_PIPE_CREATE), IPC_FAM_PIPE);
	assert_int_equal(ipc_op_family(IPC_OP_FIFO_OPEN), IPC_FAM_PIPE);
	assert_int_equal(ipc_op_family(IPC_OP_PIPE_WRITE), IPC_FAM_PIPE);
	assert_int_equal(ipc_op_family(IPC_OP_MQ_OPEN), IPC_FAM_MQ);
	assert_int_equal(ipc_op_family(IPC_OP_MQ_GETSETATTR), IPC_FAM_MQ);
	assert_int_equal(ipc_op_family(IPC_OP_FUTEX_WAIT), IPC_FAM_FUTEX);
	assert_int_equal(ipc_op_family(IPC_OP_FUTEX_OTHER), IPC_FAM_FUTEX);
	assert_int_equal(ipc_op_family(IPC_OP_SIGNAL_SEND), IPC_FAM_SIGNAL);
	assert_int_equal(ipc_op_family(IPC_OP_SIGNAL_DELIVER), IPC_FAM_SIGNAL);
	assert_int_equal(ipc_op_family(IPC_OP_SOCK_CREATE), IPC_FAM_SOCKET);
	assert_int_equal(ipc_op_family(IPC_OP_SOCK_SHUTDOWN), IPC_FAM_SOCKET);
	assert_int_equal(ipc_op_family(IPC_OP_SEM_GET), IPC_FAM_SEM);
	assert_int_equal(ipc_op_family(IPC_OP_SEM_CTL), IPC_FAM_SEM);
	assert_int_equal(ipc_op_family(IPC_OP_FD_CLOSE), -1);
	assert_int_equal(ipc_op_family(IPC_OP_FD_DUP), -1);
	assert_int_equal(ipc_op_family(IPC_OP_PROC_FORK), -1);
	assert_int_equal(ipc_op_family(IPC_OP_THREAD_EXIT), -1);
	assert_int_equal(ipc_op_family(IPC_OP_LOCK_ACQUIRE), -1);
	assert_int_equal(ipc_op_family(IPC_OP_SNAPSHOT), -1);
	assert_int_equal(ipc_op_family(IPC_OP_NONE), -1);
	assert_int_equal(ipc_op_family(5), -1);
	assert_int_equal(ipc_op_family(IPC_OP_MAX), -1);
}

static void test_op_can_block(void **state)
{
	static const unsigned int blocking[] = {
		IPC_OP_FIFO_OPEN, IPC_OP_PIPE_READ, IPC_OP_PIPE_WRITE, IPC_OP_MQ_SEND,
		IPC_OP_MQ_RECEIVE, IPC_OP_FUTEX_WAIT, IPC_OP_FUTEX_LOCK_PI,
		IPC_OP_FUTEX_WAIT_REQUEUE_PI, IPC_OP_FUTEX_WAITV, IPC_OP_SOCK_CONNECT,
		IPC_OP_SOCK_ACCEPT, IPC_OP_SOCK_SEND, IPC_OP_SOCK_RECV, IPC_OP_SEM_OP,
		IPC_OP_LOCK_ACQUIRE, IPC_OP_COND_WAIT,
	};
	unsigned int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(blocking); i++)
		assert_int_equal(ipc_op_can_block(blocking[i]), 1);
	for (unsigned int op = 0; op < IPC_OP_MAX; op++)
		n += ipc_op_can_block(op);
	assert_int_equal(n, ARRAY_SIZE(blocking));
	assert_int_equal(ipc_op_can_block(IPC_OP_FUTEX_WAKE), 0);
	assert_int_equal(ipc_op_can_block(IPC_OP_SIGNAL_SEND), 0);
	assert_int_equal(ipc_op_can_block(IPC_OP_LOCK_TRY), 0);
}

static const struct {
	unsigned int sys;
	const char *name;
} all_sys[] = {
	{ IPC_SYS_READ, "read" }, { IPC_SYS_WRITE, "write" }, { IPC_SYS_READV, "readv" },
	{ IPC_SYS_WRITEV, "writev" }, { IPC_SYS_SPLICE, "splice" }, { IPC_SYS_TEE, "tee" },
	{ IPC_SYS_VMSPLICE, "vmsplice" }, { IPC_SYS_PIPE, "pipe" }, { IPC_SYS_PIPE2, "pipe2" },
	{ IPC_SYS_OPEN, "open" }, { IPC_SYS_OPENAT, "openat" }, { IPC_SYS_OPENAT2, "openat2" },
	{ IPC_SYS_CLOSE, "close" }, { IPC_SYS_DUP, "dup" }, { IPC_SYS_DUP2, "dup2" },
	{ IPC_SYS_DUP3, "dup3" }, { IPC_SYS_FCNTL, "fcntl" }, { IPC_SYS_MQ_OPEN, "mq_open" },
	{ IPC_SYS_MQ_UNLINK, "mq_unlink" }, { IPC_SYS_MQ_TIMEDSEND, "mq_timedsend" },
	{ IPC_SYS_MQ_TIMEDRECEIVE, "mq_timedreceive" }, { IPC_SYS_MQ_NOTIFY, "mq_notify" },
	{ IPC_SYS_MQ_GETSETATTR, "mq_getsetattr" }, { IPC_SYS_FUTEX, "futex" },
	{ IPC_SYS_FUTEX_WAITV, "futex_waitv" }, { IPC_SYS_FUTEX_WAKE, "futex_wake" },
	{ IPC_SYS_FUTEX_WAIT, "futex_wait" }, { IPC_SYS_FUTEX_REQUEUE, "futex_requeue" },
	{ IPC_SYS_KILL, "kill" }, { IPC_SYS_TKILL, "tkill" }, { IPC_SYS_TGKILL, "tgkill" },
	{ IPC_SYS_RT_SIGQUEUEINFO, "rt_sigqueueinfo" },
	{ IPC_SYS_RT_TGSIGQUEUEINFO, "rt_tgsigqueueinfo" },
	{ IPC_SYS_PIDFD_SEND_SIGNAL, "pidfd_send_signal" }, { IPC_SYS_SOCKET, "socket" },
	{ IPC_SYS_SOCKETPAIR, "socketpair" }, { IPC_SYS_BIND, "bind" },
	{ IPC_SYS_LISTEN, "listen" }, { IPC_SYS_CONNECT, "connect" },
	{ IPC_SYS_ACCEPT, "accept" }, { IPC_SYS_ACCEPT4, "accept4" },
	{ IPC_SYS_SENDTO, "sendto" }, { IPC_SYS_RECVFROM, "recvfrom" },
	{ IPC_SYS_SENDMSG, "sendmsg" }, { IPC_SYS_RECVMSG, "recvmsg" },
	{ IPC_SYS_SENDMMSG, "sendmmsg" }, { IPC_SYS_RECVMMSG, "recvmmsg" },
	{ IPC_SYS_SHUTDOWN, "shutdown" }, { IPC_SYS_SEMGET, "semget" },
	{ IPC_SYS_SEMOP, "semop" }, { IPC_SYS_SEMTIMEDOP, "semtimedop" },
	{ IPC_SYS_SEMCTL, "semctl" }, { IPC_SYS_CLOSE_RANGE, "close_range" },
	{ IPC_SYS_RT_SIGRETURN, "rt_sigreturn" },
	{ IPC_SYS_HOOK_SIGNAL_GENERATE, "signal_generate" },
	{ IPC_SYS_HOOK_SIGNAL_DELIVER, "signal_deliver" },
	{ IPC_SYS_HOOK_FORK, "sched_process_fork" }, { IPC_SYS_HOOK_EXEC, "sched_process_exec" },
	{ IPC_SYS_HOOK_EXIT, "sched_process_exit" }, { IPC_SYS_HOOK_UPROBE, "uprobe" },
	{ IPC_SYS_HOOK_COLLECTOR, "collector" },
};

static void test_sys_names(void **state)
{
	unsigned int named = 0;

	/* Every syscall and every hook, nothing else. */
	assert_int_equal(ARRAY_SIZE(all_sys),
			 (IPC_SYS_NR_SYSCALLS - 1) + (IPC_SYS_MAX - IPC_SYS_HOOK_SIGNAL_GENERATE));
	for (size_t i = 0; i < ARRAY_SIZE(all_sys); i++) {
		assert_non_null(ipc_sys_name(all_sys[i].sys));
		assert_string_equal(ipc_sys_name(all_sys[i].sys), all_sys[i].name);
		assert_int_equal(ipc_sys_from_name(all_sys[i].name), all_sys[i].sys);
	}
	for (unsigned int s = 0; s < IPC_SYS_MAX + 10; s++)
		if (ipc_sys_name(s))
			named++;
	assert_int_equal(named, ARRAY_SIZE(all_sys));
	assert_null(ipc_sys_name(IPC_SYS_NONE));
	assert_null(ipc_sys_name(IPC_SYS_NR_SYSCALLS));
	assert_null(ipc_sys_name(99));
	assert_null(ipc_sys_name(IPC_SYS_MAX));
	assert_int_equal(ipc_sys_from_name("sendfile"), -ENOENT);
	assert_int_equal(ipc_sys_from_name(NULL), -ENOENT);
}

static void test_kind_and_family_names(void **state)
{
	static const char *const kinds[] = { "none", "pipe", "fifo", "unix", "tcp", "udp",
		"inet", "sock", "mq", "futex", "sem", "other" };
	static const char *const fams[] = { "pipe", "mq", "futex", "signal", "socket", "sem" };

	assert_int_equal(ARRAY_SIZE(kinds), IPC_OBJ_KIND_MAX);
	for (unsigned int k = 0; k < IPC_OBJ_KIND_MAX; k++)
		assert_string_equal(ipc_obj_kind_name(k), kinds[k]);
	assert_null(ipc_obj_kind_name(IPC_OBJ_KIND_MAX));

	assert_int_equal(ARRAY_SIZE(fams), IPC_FAM_NR);
	for (unsigned int f = 0; f < IPC_FAM_NR; f++) {
		assert_string_equal(ipc_family_name(f), fams[f]);
		assert_int_equal(ipc_family_from_name(fams[f]), f);
	}
	assert_null(ipc_family_name(IPC_FAM_NR));
	assert_int_equal(ipc_family_from_name("sockets"), -ENOENT);
	assert_int_equal(ipc_family_from_name(NULL), -ENOENT);
}

#define ERRNO_CASE(e) { e, #e }

static void test_errno_names(void **state)
{
	/* This machine's errno.h is the Linux one: numbers must agree. */
	static const struct {
		int err;
		const char *name;
	} cases[] = {
		ERRNO_CASE(EPERM), ERRNO_CASE(ENOENT), ERRNO_CASE(EINTR), ERRNO_CASE(E2BIG),
		ERRNO_CASE(EAGAIN), ERRNO_CASE(EFAULT), ERRNO_CASE(EINVAL), ERRNO_CASE(EPIPE),
		ERRNO_CASE(ERANGE), ERRNO_CASE(EDEADLK), ERRNO_CASE(ENOSYS), ERRNO_CASE(ELOOP),
		ERRNO_CASE(ENOMSG), ERRNO_CASE(EIDRM), ERRNO_CASE(EBADSLT), ERRNO_CASE(EBFONT),
		ERRNO_CASE(ETIME), ERRNO_CASE(EBADMSG), ERRNO_CASE(EOVERFLOW),
		ERRNO_CASE(ENOTSOCK), ERRNO_CASE(EMSGSIZE), ERRNO_CASE(EOPNOTSUPP),
		ERRNO_CASE(EADDRINUSE), ERRNO_CASE(ECONNRESET), ERRNO_CASE(ENOTCONN),
		ERRNO_CASE(ETIMEDOUT), ERRNO_CASE(ECONNREFUSED), ERRNO_CASE(EINPROGRESS),
		ERRNO_CASE(ECANCELED), ERRNO_CASE(EOWNERDEAD), ERRNO_CASE(ENOTRECOVERABLE),
		ERRNO_CASE(ERFKILL), ERRNO_CASE(EHWPOISON),
	};
	unsigned int named = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_string_equal(ipc_errno_name(cases[i].err), cases[i].name);
		assert_int_equal(ipc_errno_from_name(cases[i].name), cases[i].err);
	}
	/* 1..133 except the alias slots 41 (EWOULDBLOCK) and 58 (EDEADLOCK). */
	for (int e = 1; e <= 133; e++) {
		if (!ipc_errno_name(e))
			continue;
		named++;
		assert_int_equal(ipc_errno_from_name(ipc_errno_name(e)), e);
	}
	assert_int_equal(named, 131);
	assert_null(ipc_errno_name(41));
	assert_null(ipc_errno_name(58));
	assert_null(ipc_errno_name(0));
	assert_null(ipc_errno_name(-11));
	assert_null(ipc_errno_name(134));
	assert_int_equal(ipc_errno_from_name("EWOULDBLOCK"), -ENOENT);
	assert_int_equal(ipc_errno_from_name(NULL), -ENOENT);
}

static void test_errno_kernel_internal(void **state)
{
	assert_string_equal(ipc_errno_name(512), "ERESTARTSYS");
	assert_string_equal(ipc_errno_name(513), "ERESTARTNOINTR");
	assert_string_equal(ipc_errno_name(514), "ERESTARTNOHAND");
	assert_string_equal(ipc_errno_name(516), "ERESTART_RESTARTBLOCK");
	assert_null(ipc_errno_name(515));
	assert_null(ipc_errno_name(523));
	assert_int_equal(ipc_errno_from_name("ERESTARTSYS"), 512);
	assert_int_equal(ipc_errno_from_name("ERESTART_RESTARTBLOCK"), 516);
}

#define SIG_CASE(s) { s, #s }

static void test_signal_names(void **state)
{
	static const struct {
		int sig;
		const char *name;
	} cases[] = {
		SIG_CASE(SIGHUP), SIG_CASE(SIGINT), SIG_CASE(SIGQUIT), SIG_CASE(SIGILL),
		SIG_CASE(SIGTRAP), SIG_CASE(SIGABRT), SIG_CASE(SIGBUS), SIG_CASE(SIGFPE),
		SIG_CASE(SIGKILL), SIG_CASE(SIGUSR1), SIG_CASE(SIGSEGV), SIG_CASE(SIGUSR2),
		SIG_CASE(SIGPIPE), SIG_CASE(SIGALRM), SIG_CASE(SIGTERM), SIG_CASE(SIGSTKFLT),
		SIG_CASE(SIGCHLD), SIG_CASE(SIGCONT), SIG_CASE(SIGSTOP), SIG_CASE(SIGTSTP),
		SIG_CASE(SIGTTIN), SIG_CASE(SIGTTOU), SIG_CASE(SIGURG), SIG_CASE(SIGXCPU),
		SIG_CASE(SIGXFSZ), SIG_CASE(SIGVTALRM), SIG_CASE(SIGPROF), SIG_CASE(SIGWINCH),
		SIG_CASE(SIGIO), SIG_CASE(SIGPWR), SIG_CASE(SIGSYS),
	};
	char buf[32];

	assert_int_equal(ARRAY_SIZE(cases), 31);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(cases[i].sig, i + 1);
		assert_string_equal(ipc_signal_name(cases[i].sig, buf, sizeof(buf)),
				    cases[i].name);
	}
	/* Kernel numbering for realtime signals, whatever glibc's SIGRTMIN is. */
	assert_string_equal(ipc_signal_name(32, buf, sizeof(buf)), "SIGRTMIN");
	assert_string_equal(ipc_signal_name(33, buf, sizeof(buf)), "SIGRTMIN+1");
	assert_string_equal(ipc_signal_name(34, buf, sizeof(buf)), "SIGRTMIN+2");
	assert_string_equal(ipc_signal_name(64, buf, sizeof(buf)), "SIGRTMIN+32");
	assert_string_equal(ipc_signal_name(0, buf, sizeof(buf)), "0");
	assert_string_equal(ipc_signal_name(65, buf, sizeof(buf)), "65");
	assert_string_equal(ipc_signal_name(-3, buf, sizeof(buf)), "-3");
	/* The result is buf itself, cut to fit. */
	assert_ptr_equal(ipc_signal_name(10, buf, 5), buf);
	assert_string_equal(buf, "SIGU");
}

static void test_signal_parse(void **state)
{
	char buf[32];

	assert_int_equal(ipc_signal_from_name("SIGUSR1"), 10);
	assert_int_equal(ipc_signal_from_name("USR1"), 10);
	assert_int_equal(ipc_signal_from_name("usr1"), 10);
	assert_int_equal(ipc_signal_from_name("sigterm"), 15);
	assert_int_equal(ipc_signal_from_name("10"), 10);
	assert_int_equal(ipc_signal_from_name("0"), 0);
	assert_int_equal(ipc_signal_from_name("64"), 64);
	assert_int_equal(ipc_signal_from_name("SIGRTMIN"), 32);
	assert_int_equal(ipc_signal_from_name("SIGRTMIN+2"), 34);
	assert_int_equal(ipc_signal_from_name("RTMIN+32"), 64);
	assert_int_equal(ipc_signal_from_name("SIGRTMAX"), 64);
	assert_int_equal(ipc_signal_from_name("SIGRTMAX-1"), 63);
	assert_int_equal(ipc_signal_from_name("SIGIOT"), 6);
	assert_int_equal(ipc_signal_from_name("SIGCLD"), 17);
	assert_int_equal(ipc_signal_from_name("SIGPOLL"), 29);
	assert_int_equal(ipc_signal_from_name("SIGIO"), 29);

	assert_int_equal(ipc_signal_from_name(""), -EINVAL);
	assert_int_equal(ipc_signal_from_name(NULL), -EINVAL);
	assert_int_equal(ipc_signal_from_name("SIGFOO"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("SIG"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("65"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("-1"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("10x"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("SIGRTMIN+33"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("SIGRTMIN+"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("SIGRTMIN-1"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("SIGRTMAX+1"), -EINVAL);
	assert_int_equal(ipc_signal_from_name("SIGUSR1 "), -EINVAL);

	/* Every name we print parses back to its number. */
	for (int sig = 1; sig <= 64; sig++)
		assert_int_equal(ipc_signal_from_name(ipc_signal_name(sig, buf, sizeof(buf))),
				 sig);
}

static void test_sig_result_names(void **state)
{
	assert_string_equal(ipc_sig_result_name(IPC_SIG_DELIVERED), "delivered");
	assert_string_equal(ipc_sig_result_name(IPC_SIG_IGNORED), "ignored");
	assert_string_equal(ipc_sig_result_name(IPC_SIG_ALREADY_PENDING), "already_pending");
	assert_string_equal(ipc_sig_result_name(IPC_SIG_OVERFLOW_FAIL), "overflow_fail");
	assert_string_equal(ipc_sig_result_name(IPC_SIG_LOSE_INFO), "lose_info");
	assert_null(ipc_sig_result_name(5));
	assert_null(ipc_sig_result_name(-1));
}

static void test_si_code_names(void **state)
{
	char buf[32];

	assert_string_equal(ipc_si_code_name(SIGUSR1, 0, buf, sizeof(buf)), "SI_USER");
	assert_string_equal(ipc_si_code_name(SIGUSR1, 0x80, buf, sizeof(buf)), "SI_KERNEL");
	assert_string_equal(ipc_si_code_name(SIGUSR1, -1, buf, sizeof(buf)), "SI_QUEUE");
	assert_string_equal(ipc_si_code_name(SIGALRM, -2, buf, sizeof(buf)), "SI_TIMER");
	assert_string_equal(ipc_si_code_name(SIGUSR1, -3, buf, sizeof(buf)), "SI_MESGQ");
	assert_string_equal(ipc_si_code_name(SIGUSR1, -4, buf, sizeof(buf)), "SI_ASYNCIO");
	assert_string_equal(ipc_si_code_name(SIGIO, -5, buf, sizeof(buf)), "SI_SIGIO");
	assert_string_equal(ipc_si_code_name(SIGUSR2, -6, buf, sizeof(buf)), "SI_TKILL");
	assert_string_equal(ipc_si_code_name(SIGKILL, -7, buf, sizeof(buf)), "SI_DETHREAD");
	assert_string_equal(ipc_si_code_name(SIGUSR1, -8, buf, sizeof(buf)), "-8");
	/* Positive codes mean something per signal only. */
	assert_string_equal(ipc_si_code_name(SIGCHLD, CLD_EXITED, buf, sizeof(buf)),
			    "CLD_EXITED");
	assert_string_equal(ipc_si_code_name(SIGCHLD, CLD_KILLED, buf, sizeof(buf)),
			    "CLD_KILLED");
	assert_string_equal(ipc_si_code_name(SIGCHLD, CLD_CONTINUED, buf, sizeof(buf)),
			    "CLD_CONTINUED");
	assert_string_equal(ipc_si_code_name(SIGSEGV, SEGV_MAPERR, buf, sizeof(buf)),
			    "SEGV_MAPERR");
	assert_string_equal(ipc_si_code_name(SIGSEGV, SEGV_ACCERR, buf, sizeof(buf)),
			    "SEGV_ACCERR");
	assert_string_equal(ipc_si_code_name(SIGSEGV, 0x80, buf, sizeof(buf)), "SI_KERNEL");
	assert_string_equal(ipc_si_code_name(SIGBUS, BUS_ADRALN, buf, sizeof(buf)),
			    "BUS_ADRALN");
	assert_string_equal(ipc_si_code_name(SIGBUS, 5, buf, sizeof(buf)), "BUS_MCEERR_AO");
	assert_string_equal(ipc_si_code_name(SIGILL, ILL_ILLOPC, buf, sizeof(buf)),
			    "ILL_ILLOPC");
	assert_string_equal(ipc_si_code_name(SIGILL, 9, buf, sizeof(buf)), "ILL_BADIADDR");
	assert_string_equal(ipc_si_code_name(SIGFPE, FPE_INTDIV, buf, sizeof(buf)),
			    "FPE_INTDIV");
	assert_string_equal(ipc_si_code_name(SIGFPE, 14, buf, sizeof(buf)), "FPE_FLTUNK");
	assert_string_equal(ipc_si_code_name(SIGFPE, 9, buf, sizeof(buf)), "9");
	assert_string_equal(ipc_si_code_name(SIGTRAP, TRAP_BRKPT, buf, sizeof(buf)),
			    "TRAP_BRKPT");
	assert_string_equal(ipc_si_code_name(SIGTRAP, 6, buf, sizeof(buf)), "TRAP_PERF");
	assert_string_equal(ipc_si_code_name(SIGPOLL, POLL_IN, buf, sizeof(buf)), "POLL_IN");
	assert_string_equal(ipc_si_code_name(SIGPOLL, POLL_HUP, buf, sizeof(buf)), "POLL_HUP");
	assert_string_equal(ipc_si_code_name(SIGSYS, 1, buf, sizeof(buf)), "SYS_SECCOMP");
	assert_string_equal(ipc_si_code_name(SIGUSR1, 1, buf, sizeof(buf)), "1");
	assert_string_equal(ipc_si_code_name(SIGCHLD, 7, buf, sizeof(buf)), "7");
	assert_string_equal(ipc_si_code_name(40, 1, buf, sizeof(buf)), "1");
	assert_string_equal(ipc_si_code_name(-1, 1, buf, sizeof(buf)), "1");
}

static void test_futex_cmd_names(void **state)
{
	static const struct {
		unsigned int cmd;
		const char *name;
		unsigned int op;
	} cases[] = {
		{ FUTEX_WAIT, "FUTEX_WAIT", IPC_OP_FUTEX_WAIT },
		{ FUTEX_WAKE, "FUTEX_WAKE", IPC_OP_FUTEX_WAKE },
		{ FUTEX_FD, "FUTEX_FD", IPC_OP_FUTEX_OTHER },
		{ FUTEX_REQUEUE, "FUTEX_REQUEUE", IPC_OP_FUTEX_REQUEUE },
		{ FUTEX_CMP_REQUEUE, "FUTEX_CMP_REQUEUE", IPC_OP_FUTEX_REQUEUE },
		{ FUTEX_WAKE_OP, "FUTEX_WAKE_OP", IPC_OP_FUTEX_WAKE_OP },
		{ FUTEX_LOCK_PI, "FUTEX_LOCK_PI", IPC_OP_FUTEX_LOCK_PI },
		{ FUTEX_UNLOCK_PI, "FUTEX_UNLOCK_PI", IPC_OP_FUTEX_UNLOCK_PI },
		{ FUTEX_TRYLOCK_PI, "FUTEX_TRYLOCK_PI", IPC_OP_FUTEX_TRYLOCK_PI },
		{ FUTEX_WAIT_BITSET, "FUTEX_WAIT_BITSET", IPC_OP_FUTEX_WAIT },
		{ FUTEX_WAKE_BITSET, "FUTEX_WAKE_BITSET", IPC_OP_FUTEX_WAKE },
		{ FUTEX_WAIT_REQUEUE_PI, "FUTEX_WAIT_REQUEUE_PI", IPC_OP_FUTEX_WAIT_REQUEUE_PI },
		{ FUTEX_CMP_REQUEUE_PI, "FUTEX_CMP_REQUEUE_PI", IPC_OP_FUTEX_CMP_REQUEUE_PI },
		{ 13, "FUTEX_LOCK_PI2", IPC_OP_FUTEX_LOCK_PI },
	};
	char buf[96];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(cases[i].cmd, i);
		assert_string_equal(ipc_futex_cmd_name(cases[i].cmd, buf, sizeof(buf)),
				    cases[i].name);
		assert_int_equal(ipc_futex_cmd_op(cases[i].cmd), cases[i].op);
		/* The flags change the name, never the op. */
		assert_int_equal(ipc_futex_cmd_op(cases[i].cmd | FUTEX_PRIVATE_FLAG), cases[i].op);
		assert_int_equal(ipc_futex_cmd_op(cases[i].cmd | FUTEX_PRIVATE_FLAG |
						  FUTEX_CLOCK_REALTIME), cases[i].op);
	}
	assert_string_equal(ipc_futex_cmd_name(FUTEX_WAIT_PRIVATE, buf, sizeof(buf)),
			    "FUTEX_WAIT|FUTEX_PRIVATE_FLAG");
	assert_string_equal(ipc_futex_cmd_name(FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, buf,
					       sizeof(buf)),
			    "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME");
	assert_string_equal(ipc_futex_cmd_name(FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME,
					       buf, sizeof(buf)),
			    "FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME");
	assert_string_equal(ipc_futex_cmd_name(0x1f, buf, sizeof(buf)), "FUTEX_0x1f");
	assert_string_equal(ipc_futex_cmd_name(0x1f | 0x80, buf, sizeof(buf)),
			    "FUTEX_0x1f|FUTEX_PRIVATE_FLAG");
	assert_string_equal(ipc_futex_cmd_name(0x201, buf, sizeof(buf)), "FUTEX_WAKE|0x200");
	assert_int_equal(ipc_futex_cmd_op(14), IPC_OP_FUTEX_OTHER);
	assert_int_equal(ipc_futex_cmd_op(0x7f), IPC_OP_FUTEX_OTHER);
	assert_int_equal(ipc_futex_cmd_op(0x201), IPC_OP_FUTEX_WAKE);
	assert_ptr_equal(ipc_futex_cmd_name(FUTEX_WAKE_PRIVATE, buf, 11), buf);
	assert_string_equal(buf, "FUTEX_WAKE");
}

static void test_af_and_socktype(void **state)
{
	assert_string_equal(ipc_af_name(AF_UNSPEC), "AF_UNSPEC");
	assert_string_equal(ipc_af_name(AF_UNIX), "AF_UNIX");
	assert_string_equal(ipc_af_name(AF_INET), "AF_INET");
	assert_string_equal(ipc_af_name(AF_INET6), "AF_INET6");
	assert_string_equal(ipc_af_name(AF_NETLINK), "AF_NETLINK");
	assert_string_equal(ipc_af_name(AF_PACKET), "AF_PACKET");
	assert_string_equal(ipc_af_name(AF_BLUETOOTH), "AF_BLUETOOTH");
	assert_string_equal(ipc_af_name(AF_VSOCK), "AF_VSOCK");
	assert_string_equal(ipc_af_name(AF_XDP), "AF_XDP");
	assert_string_equal(ipc_af_name(45), "AF_MCTP");
	assert_null(ipc_af_name(46));

	assert_string_equal(ipc_socktype_name(SOCK_STREAM), "SOCK_STREAM");
	assert_string_equal(ipc_socktype_name(SOCK_DGRAM), "SOCK_DGRAM");
	assert_string_equal(ipc_socktype_name(SOCK_RAW), "SOCK_RAW");
	assert_string_equal(ipc_socktype_name(SOCK_RDM), "SOCK_RDM");
	assert_string_equal(ipc_socktype_name(SOCK_SEQPACKET), "SOCK_SEQPACKET");
	assert_string_equal(ipc_socktype_name(SOCK_DCCP), "SOCK_DCCP");
	assert_string_equal(ipc_socktype_name(SOCK_PACKET), "SOCK_PACKET");
	assert_null(ipc_socktype_name(0));
	assert_null(ipc_socktype_name(7));
	assert_null(ipc_socktype_name(SOCK_STREAM | SOCK_CLOEXEC));
}

static void test_misc_names(void **state)
{
	char buf[128];

	assert_string_equal(ipc_lock_kind_name(IPC_LOCK_MUTEX), "mutex");
	assert_string_equal(ipc_lock_kind_name(IPC_LOCK_RWLOCK_RD), "rwlock_rd");
	assert_string_equal(ipc_lock_kind_name(IPC_LOCK_RWLOCK_WR), "rwlock_wr");
	assert_string_equal(ipc_lock_kind_name(IPC_LOCK_COND), "cond");
	assert_string_equal(ipc_lock_kind_name(IPC_LOCK_SEM), "sem");
	assert_null(ipc_lock_kind_name(0));
	assert_null(ipc_lock_kind_name(6));

	assert_string_equal(ipc_shutdown_how_name(SHUT_RD), "SHUT_RD");
	assert_string_equal(ipc_shutdown_how_name(SHUT_WR), "SHUT_WR");
	assert_string_equal(ipc_shutdown_how_name(SHUT_RDWR), "SHUT_RDWR");
	assert_null(ipc_shutdown_how_name(3));

	assert_string_equal(ipc_sigev_notify_name(0), "SIGEV_SIGNAL");
	assert_string_equal(ipc_sigev_notify_name(1), "SIGEV_NONE");
	assert_string_equal(ipc_sigev_notify_name(2), "SIGEV_THREAD");
	assert_string_equal(ipc_sigev_notify_name(4), "SIGEV_THREAD_ID");
	assert_null(ipc_sigev_notify_name(3));
	assert_null(ipc_sigev_notify_name(-1));

	assert_string_equal(ipc_semctl_cmd_name(0), "IPC_RMID");
	assert_string_equal(ipc_semctl_cmd_name(2), "IPC_STAT");
	assert_string_equal(ipc_semctl_cmd_name(16), "SETVAL");
	assert_string_equal(ipc_semctl_cmd_name(0x100 | 16), "SETVAL");
	assert_string_equal(ipc_semctl_cmd_name(20), "SEM_STAT_ANY");
	assert_null(ipc_semctl_cmd_name(5));
	assert_null(ipc_semctl_cmd_name(21));
	assert_null(ipc_semctl_cmd_name(-1));

	assert_string_equal(ipc_open_flags_name(O_RDONLY, buf, sizeof(buf)), "O_RDONLY");
	assert_string_equal(ipc_open_flags_name(O_WRONLY | O_NONBLOCK | O_CLOEXEC, buf,
						sizeof(buf)),
			    "O_WRONLY|O_NONBLOCK|O_CLOEXEC");
	assert_string_equal(ipc_open_flags_name(O_RDWR | O_CREAT | O_EXCL, buf, sizeof(buf)),
			    "O_RDWR|O_CREAT|O_EXCL");
	/* O_SYNC contains O_DSYNC's bit: named once, as the whole. */
	assert_string_equal(ipc_open_flags_name(O_WRONLY | O_SYNC, buf, sizeof(buf)),
			    "O_WRONLY|O_SYNC");
	assert_string_equal(ipc_open_flags_name(O_WRONLY | O_DSYNC, buf, sizeof(buf)),
			    "O_WRONLY|O_DSYNC");
	assert_string_equal(ipc_open_flags_name(O_RDONLY | 0x40000000, buf, sizeof(buf)),
			    "O_RDONLY|0x40000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_op_names_exact),
		cmocka_unit_test(test_op_names_unique),
		cmocka_unit_test(test_op_from_name_unknown),
		cmocka_unit_test(test_op_family),
		cmocka_unit_test(test_op_can_block),
		cmocka_unit_test(test_sys_names),
		cmocka_unit_test(test_kind_and_family_names),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_errno_kernel_internal),
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_signal_parse),
		cmocka_unit_test(test_sig_result_names),
		cmocka_unit_test(test_si_code_names),
		cmocka_unit_test(test_futex_cmd_names),
		cmocka_unit_test(test_af_and_socktype),
		cmocka_unit_test(test_misc_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
