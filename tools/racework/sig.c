// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework signal scenarios: signals that coalesce, pids that went stale,
 * locks in signal handlers; and their correct variants.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "racework.h"

static void read1(int fd, const char *s)
{
	char c;

	if (read(fd, &c, 1) != 1)
		rw_fail(s, "read the sync pipe");
}

static void write1(int fd, const char *s)
{
	if (write(fd, "x", 1) != 1)
		rw_fail(s, "write the sync pipe");
}

static sigset_t usr1_set(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return set;
}

/*
 * The receiver blocks SIGUSR1 and takes it with sigtimedwait only after
 * the sender is done: every SIGUSR1 after the first finds one pending.
 */
int rw_coalesce(const struct rw_opts *o)
{
	const char *s = o->scenario;
	sigset_t set = usr1_set();
	int ready[2], sent[2];
	unsigned int got = 0;
	pid_t pid;

	if (pipe(ready) || pipe(sent))
		rw_fail(s, "create pipes");
	sigprocmask(SIG_BLOCK, &set, NULL);	/* inherited: blocked from the start */
	pid = fork();
	if (pid < 0)
		rw_fail(s, "fork");
	if (pid == 0) {
		struct timespec t = { .tv_nsec = 100 * 1000000l };

		write1(ready[1], s);
		read1(sent[0], s);
		while (sigtimedwait(&set, NULL, &t) == SIGUSR1)
			got++;
		rw_info(s, "receiver", "done received=%u", got);
		_exit(0);
	}
	read1(ready[0], s);
	for (unsigned int i = 0; i < o->count; i++)
		if (kill(pid, SIGUSR1))
			rw_fail(s, "kill");
	write1(sent[1], s);
	rw_reap(pid);
	rw_info(s, "sender", "done sent=%u target=%d", o->count, pid);
	return 0;
}

/* Each SIGUSR1 is taken and acknowledged before the next is sent. */
int rw_coalesce_ok(const struct rw_opts *o)
{
	const char *s = o->scenario;
	sigset_t set = usr1_set();
	int ack[2];
	pid_t pid;

	if (pipe(ack))
		rw_fail(s, "create a pipe");
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid = fork();
	if (pid < 0)
		rw_fail(s, "fork");
	if (pid == 0) {
		unsigned int got = 0;

		write1(ack[1], s);
		for (unsigned int i = 0; i < o->count; i++) {
			if (sigwaitinfo(&set, NULL) != SIGUSR1)
				rw_fail(s, "sigwaitinfo");
			got++;
			write1(ack[1], s);
		}
		rw_info(s, "receiver", "done received=%u", got);
		_exit(0);
	}
	read1(ack[0], s);
	for (unsigned int i = 0; i < o->count; i++) {
		if (kill(pid, SIGUSR1))
			rw_fail(s, "kill");
		read1(ack[0], s);
	}
	rw_reap(pid);
	rw_info(s, "sender", "done sent=%u target=%d", o->count, pid);
	return 0;
}

/* ---- stale pids ---- */

/* A process with pid `want` (clone3's set_tid: as CRIU restores pids; root only). */
static pid_t clone_with_pid(pid_t want)
{
	struct clone_args a;
	pid_t tid = want;

	memset(&a, 0, sizeof(a));
	a.exit_signal = SIGCHLD;
	a.set_tid = (uint64_t)(uintptr_t)&tid;
	a.set_tid_size = 1;
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

/*
 * The helper: an unrelated process that, asked with a pid on its pipe,
 * starts a process with that pid (which waits to be killed), says so, and
 * reaps it.  `kill_it`: the helper kills it itself after `ask` says so.
 */
static pid_t start_helper(const char *s, int req[2], int rep[2])
{
	pid_t h = fork();

	if (h < 0)
		rw_fail(s, "fork the helper");
	if (h)
		return h;
	close(req[1]);		/* EOF on req when the parent closes its end */
	close(rep[0]);
	for (;;) {
		pid_t want, got;
		int st;

		if (read(req[0], &want, sizeof(want)) != sizeof(want))
			_exit(0);
		got = clone_with_pid(want);
		if (got < 0)
			rw_fail(s, "clone3 with set_tid (root needed)");
		if (got == 0) {
			for (;;)
				pause();
		}
		if (write(rep[1], &got, sizeof(got)) != sizeof(got))
			rw_fail(s, "answer the parent");
		if (read(req[0], &want, sizeof(want)) != sizeof(want))
			_exit(1);
		if (want == -1 && kill(got, SIGTERM))
			rw_fail(s, "kill its own child");
		waitpid(got, &st, 0);
		rw_info(s, "helper", "done new_holder=%d killed_by=%s status=%d", got,
			want == -1 ? "helper" : "parent", st);
	}
}

static pid_t short_child(const char *s)
{
	pid_t pid = fork();

	if (pid < 0)
		rw_fail(s, "fork");
	if (pid == 0)
		_exit(0);
	return pid;
}

/*
 * A child exits and is reaped; another process gets its pid; the parent
 * still kills "its child" by pid: the signal lands on the stranger.  Then
 * a kill of a reaped child whose pid nobody took: ESRCH.
 */
int rw_stale_pid(const struct rw_opts *o)
{
	const char *s = o->scenario;
	int req[2], rep[2];
	pid_t helper, old, got, gone, none = 0;

	if (pipe(req) || pipe(rep))
		rw_fail(s, "create pipes");
	helper = start_helper(s, req, rep);
	old = short_child(s);
	rw_reap(old);
	if (write(req[1], &old, sizeof(old)) != sizeof(old) ||
	    read(rep[0], &got, sizeof(got)) != sizeof(got))
		rw_fail(s, "talk to the helper");
	if (kill(old, SIGTERM))
		rw_fail(s, "kill the old pid");
	if (write(req[1], &none, sizeof(none)) != sizeof(none))
		rw_fail(s, "talk to the helper");
	gone = short_child(s);
	rw_reap(gone);
	if (kill(gone, SIGTERM) == 0 || errno != ESRCH)
		rw_fail(s, "see ESRCH");
	close(req[1]);
	rw_reap(helper);
	rw_info(s, "parent", "done old_pid=%d new_holder=%d helper=%d esrch_pid=%d", old, got,
		helper, gone);
	return 0;
}

/* The same with a pidfd: the exited child stays the one named. */
int rw_stale_pid_ok(const struct rw_opts *o)
{
	const char *s = o->scenario;
	int req[2], rep[2], pidfd;
	pid_t helper, old, got, kill_own = -1;

	if (pipe(req) || pipe(rep))
		rw_fail(s, "create pipes");
	helper = start_helper(s, req, rep);
	old = short_child(s);
	pidfd = (int)syscall(SYS_pidfd_open, old, 0);
	if (pidfd < 0)
		rw_fail(s, "pidfd_open");
	rw_reap(old);
	if (write(req[1], &old, sizeof(old)) != sizeof(old) ||
	    read(rep[0], &got, sizeof(got)) != sizeof(got))
		rw_fail(s, "talk to the helper");
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0) == 0 || errno != ESRCH)
		rw_fail(s, "see ESRCH from the pidfd");
	if (write(req[1], &kill_own, sizeof(kill_own)) != sizeof(kill_own))
		rw_fail(s, "talk to the helper");
	close(req[1]);
	rw_reap(helper);
	rw_info(s, "parent", "done old_pid=%d new_holder=%d helper=%d", old, got, helper);
	return 0;
}

/* ---- locks in signal handlers ---- */

pthread_mutex_t handler_mutex = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t pending;
static unsigned long handled;

static void locking_handler(int sig)
{
	pthread_mutex_lock(&handler_mutex);
	handled++;
	pthread_mutex_unlock(&handler_mutex);
}

static void flag_handler(int sig)
{
	pending = 1;
}

static int handler_run(const struct rw_opts *o, void (*fn)(int))
{
	struct sigaction sa;
	const char *s = o->scenario;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		rw_fail(s, "sigaction");
	for (unsigned int i = 0; i < o->count; i++) {
		if (kill(getpid(), SIGUSR1))
			rw_fail(s, "kill");
		if (pending) {
			pending = 0;
			pthread_mutex_lock(&handler_mutex);
			handled++;
			pthread_mutex_unlock(&handler_mutex);
		}
	}
	rw_info(s, "main", "done signals=%u handled=%lu mutex=%p", o->count, handled,
		(void *)&handler_mutex);
	return 0;
}

int rw_handler_lock(const struct rw_opts *o)
{
	return handler_run(o, locking_handler);
}

int rw_handler_lock_ok(const struct rw_opts *o)
{
	return handler_run(o, flag_handler);
}
