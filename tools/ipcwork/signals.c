// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Signal scenarios: signal-pingpong, signal-star, signal-wait, timer-signal.
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
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
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

/*
 * signal-wait: a process that only receives.  It blocks SIGUSR1, SIGUSR2 and
 * SIGCONT, says it is ready, and takes COUNT SIGUSR1 with sigwaitinfo(2),
 * printing the sender the kernel gives for each.  Someone else sends them:
 * a shell's kill, any process the trace does not cover.  SIGUSR2 ends it
 * early; a SIGSTOP/SIGCONT pair may come in between (SIGCONT is taken too).
 */
int run_signal_wait(const struct wk_opts *o)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGCONT };
	unsigned long got = 0, conts = 0;
	pid_t last = 0;
	siginfo_t si;
	sigset_t set;
	uint64_t t0;

	self_role("receiver", -1);
	sig_setup(o, sigs, 3);
	info(NULL, "sig_recv=%d count=%lu", SIGUSR1, o->count);
	t0 = gate_open(o, 0);
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	while (got < o->count) {
		if (sigwaitinfo(&set, &si) < 0) {
			if (errno == EINTR)
				continue;
			fail(errno, "wait for signals");
		}
		if (si.si_signo == SIGUSR2)
			break;
		if (si.si_signo == SIGCONT) {
			conts++;
			continue;
		}
		got++;
		info("received", "sig=%d from=%d code=%d n=%lu", si.si_signo, (int)si.si_pid,
		     si.si_code, got);
		last = si.si_pid;
	}
	info("done", "received=%lu conts=%lu last_from=%d elapsed_ns=%llu", got, conts, (int)last,
	     (unsigned long long)(now_ns() - t0));
	return 0;
}

/* timer-signal's bystander: on the owner's CPU all the time, until killed. */
static int bystander(const struct wk_opts *o, void *arg)
{
	info(NULL, "cpu=%d", sched_getcpu());
	gate_pass(o);
	alarm(0);		/* spins until its parent kills it */
	for (;;)
		spin_us(1000);
	return 0;
}

/* One expiry of each timer, armed one-shot: every signal generated is one taken. */
static void timer_round(timer_t tid, const sigset_t *set, unsigned long *ptimer,
			unsigned long *palarm, uint64_t deadline)
{
	struct itimerspec its = { .it_value = { .tv_nsec = 1000000 } };
	struct itimerval itv = { .it_value = { .tv_usec = 1500 } };
	struct timespec slice = { .tv_sec = 1 };
	bool t = false, a = false;
	siginfo_t si;

	if (timer_settime(tid, 0, &its, NULL) || setitimer(ITIMER_REAL, &itv, NULL))
		fail(errno, "arm the timers");
	while (!t || !a) {
		int sig = sigtimedwait(set, &si, &slice);

		if (sig < 0 && errno != EAGAIN && errno != EINTR)
			fail(errno, "wait for the timers");
		if (now_ns() > deadline)
			fail(0, "wait for the timers: timed out");
		if (sig == SIGUSR1) {
			t = true;
			*ptimer += 1 + si.si_overrun;
		} else if (sig == SIGALRM) {
			a = true;
			(*palarm)++;
		}
	}
}

/*
 * timer-signal: a POSIX timer (SIGUSR1, SI_TIMER) and an interval timer
 * (SIGALRM) fire COUNT times each for a process that sleeps in
 * sigtimedwait(2), while its child, the bystander, spins on the same CPU:
 * the timer interrupt finds the bystander running.  Both timers are
 * one-shot and re-armed once their signal is in, so every signal the kernel
 * generates is taken.  Then the owner kills the bystander.  The owner's
 * timeout is its own deadline here: alarm(2) would share the interval timer.
 */
int run_timer_signal(const struct wk_opts *o)
{
	static const int sigs[] = { SIGUSR1, SIGALRM };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	unsigned long timer_sigs = 0, alarms = 0, i;
	uint64_t t0, deadline;
	cpu_set_t cpus;
	timer_t tid;
	sigset_t set;
	pid_t by;
	int cpu = sched_getcpu(), status;

	self_role("owner", -1);
	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		fail(errno, "pin to cpu %d", cpu);
	sig_setup(o, sigs, 2);
	if (timer_create(CLOCK_MONOTONIC, &sev, &tid))
		fail(errno, "create a POSIX timer");
	by = proc_spawn("bystander", -1, bystander, o, NULL);
	info(NULL, "bystander=%d cpu=%d timer_sig=%d alarm_sig=%d count=%lu", (int)by, cpu,
	     SIGUSR1, SIGALRM, o->count);
	t0 = gate_open(o, 1);
	deadline = t0 + o->timeout_s * NSEC_PER_SEC;
	alarm(0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGALRM);
	for (i = 0; i < o->count; i++)
		timer_round(tid, &set, &timer_sigs, &alarms, deadline);
	timer_delete(tid);
	alarm(o->timeout_s);
	sig_send(by, SIGKILL);
	status = proc_reap(by);
	info("done", "timer_received=%lu alarm_received=%lu bystander=%d killed=%d cpu=%d "
	     "elapsed_ns=%llu", timer_sigs, alarms, (int)by,
	     WIFSIGNALED(status) ? WTERMSIG(status) : 0, cpu,
	     (unsigned long long)(now_ns() - t0));
	return 0;
}
