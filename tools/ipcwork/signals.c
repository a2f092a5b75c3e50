// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Signal scenarios: signal-pingpong, signal-star.
 *
 * Standard signals do not queue: a second SIGUSR2 sent while one is pending
 * is lost.  So the signals are blocked before fork (no early delivery, no
 * default action) and there is never more than one of a kind in flight:
 * every kill(2) waits for its answer.  Waiting is sigwaitinfo(2), or with
 * --handler an SA_SIGINFO handler run from sigsuspend(2), which is what
 * makes the kernel *deliver* the signals (signal_deliver) rather than hand
 * them to sigwaitinfo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcwork.h"

#define PING	SIGUSR1
#define PONG	SIGUSR2

/* Filled by the handler (--handler), read with the signal blocked. */
static volatile sig_atomic_t sig_count[NSIG];
static volatile sig_atomic_t sig_from[NSIG];

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	sig_from[sig] = si->si_pid;
	sig_count[sig]++;
}

static const char *method(const struct wk_opts *o)
{
	return o->handler ? "handler" : "sigwaitinfo";
}

/* Before fork: children inherit the mask and the handlers. */
static void sig_setup(const struct wk_opts *o, const int *sigs, int n)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	sigset_t set;
	int i;

	sigemptyset(&set);
	for (i = 0; i < n; i++)
		sigaddset(&set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		fail(errno, "block the signals");
	sigfillset(&sa.sa_mask);
	for (i = 0; o->handler && i < n; i++)
		if (sigaction(sigs[i], &sa, NULL))
			fail(errno, "install a handler for signal %d", sigs[i]);
}

/* Waits for one sig and returns its sender's pid. */
static pid_t sig_wait(const struct wk_opts *o, int sig)
{
	sig_atomic_t before = sig_count[sig];
	siginfo_t si;
	sigset_t set;

	if (o->handler) {
		sigprocmask(SIG_BLOCK, NULL, &set);
		sigdelset(&set, sig);
		while (sig_count[sig] == before)
			sigsuspend(&set);
		return sig_from[sig];
	}
	sigemptyset(&set);
	sigaddset(&set, sig);
	while (sigwaitinfo(&set, &si) < 0)
		if (errno != EINTR)
			fail(errno, "wait for signal %d", sig);
	return si.si_pid;
}

static void sig_send(pid_t pid, int sig)
{
	if (kill(pid, sig))
		fail(errno, "send signal %d to pid %d", sig, (int)pid);
}

static void sig_expect(const struct wk_opts *o, int sig, pid_t from, unsigned long i)
{
	pid_t got = sig_wait(o, sig);

	if (got != from)
		fail(0, "receive signal %d #%lu from pid %d: it came from pid %d", sig, i + 1,
		     (int)from, (int)got);
}

/* signal-pingpong: A (the parent) sends PING to B, B answers PONG. */
static int pingpong_b(const struct wk_opts *o, void *arg)
{
	pid_t a = *(pid_t *)arg;
	unsigned long i;

	info(NULL, "peer=%d sig_send=%d sig_recv=%d method=%s", (int)a, PONG, PING, method(o));
	gate_pass(o);
	for (i = 0; i < o->count; i++) {
		sig_expect(o, PING, a, i);
		sig_send(a, PONG);
	}
	info("done", "sent=%lu received=%lu peer=%d sig_send=%d sig_recv=%d method=%s", i, i,
	     (int)a, PONG, PING, method(o));
	return 0;
}

int run_signal_pingpong(const struct wk_opts *o)
{
	static const int sigs[] = { PING, PONG };
	pid_t self = getpid(), b;
	unsigned long i;
	uint64_t t0;

	self_role("a", -1);
	sig_setup(o, sigs, 2);
	b = proc_spawn("b", -1, pingpong_b, o, &self);
	info(NULL, "peer=%d sig_send=%d sig_recv=%d method=%s count=%lu", (int)b, PING, PONG,
	     method(o), o->count);
	t0 = gate_open(o, 1);
	for (i = 0; i < o->count; i++) {
		sig_send(b, PING);
		sig_expect(o, PONG, b, i);
	}
	proc_reap_all();
	info("done", "sent=%lu received=%lu peer=%d sig_send=%d sig_recv=%d method=%s "
	     "elapsed_ns=%llu",
	     i, i, (int)b, PING, PONG, method(o), (unsigned long long)(now_ns() - t0));
	return 0;
}

/*
 * signal-star: per round the parent pings each child in turn and waits for
 * its answer.  After its last answer a child exits; the parent takes that
 * child's SIGCHLD and reaps it before pinging the next, so the SIGCHLDs
 * cannot merge either: exactly one per child.
 */
static int star_child(const struct wk_opts *o, void *arg)
{
	pid_t parent = getppid();
	unsigned long i;

	info(NULL, "parent=%d sig_send=%d sig_recv=%d method=%s", (int)parent, PONG, PING,
	     method(o));
	gate_pass(o);
	for (i = 0; i < o->count; i++) {
		sig_expect(o, PING, parent, i);
		sig_send(parent, PONG);
	}
	info("done", "sent=%lu received=%lu parent=%d exit_code=0", i, i, (int)parent);
	return 0;
}

static void star_last_answer(const struct wk_opts *o, pid_t child, int idx)
{
	char why[64];
	int status;

	sig_expect(o, SIGCHLD, child, 0);
	status = proc_reap(child);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail(0, "run child %d (pid %d): it %s", idx, (int)child,
		     status_str(status, why, sizeof(why)));
}

int run_signal_star(const struct wk_opts *o)
{
	static const int sigs[] = { PING, PONG, SIGCHLD };
	pid_t *kids = xmalloc(o->clients * sizeof(*kids));
	unsigned long r;
	unsigned int i;
	uint64_t t0;

	sig_setup(o, sigs, 3);
	for (i = 0; i < o->clients; i++)
		kids[i] = proc_spawn("child", i, star_child, o, NULL);
	info(NULL, "children=%u rounds=%lu sig_send=%d sig_recv=%d method=%s", o->clients,
	     o->count, PING, PONG, method(o));
	t0 = gate_open(o, o->clients);
	for (r = 0; r < o->count; r++) {
		for (i = 0; i < o->clients; i++) {
			sig_send(kids[i], PING);
			sig_expect(o, PONG, kids[i], r);
			if (r == o->count - 1)
				star_last_answer(o, kids[i], i);
		}
	}
	for (i = 0; i < o->clients; i++)
		info("child", "child=%u child_pid=%d sent=%lu received=%lu sigchld=1 exit_code=0",
		     i, (int)kids[i], o->count, o->count);
	info("done", "children=%u sent=%lu received=%lu sigchld=%u method=%s elapsed_ns=%llu",
	     o->clients, o->count * o->clients, o->count * o->clients, o->clients, method(o),
	     (unsigned long long)(now_ns() - t0));
	free(kids);
	return 0;
}
