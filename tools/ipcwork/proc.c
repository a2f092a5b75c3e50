// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Child processes, threads, and the start gate.
 *
 * The gate separates setup from traffic.  Every process and thread of a run
 * reaches it once setup is done; the controller (the top-level process)
 * then prints `ready`, waits for stdin or --delay, and opens it.  It is a
 * word in shared memory polled with nanosleep, not a pipe, futex or signal,
 * so that waiting at it adds nothing to what ipctrace records, and nobody is
 * blocked inside a counted syscall when a tracer attaches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcwork.h"

/* Polling backs off from 20 us to 1 ms: quick when ready, cheap while a tracer attaches. */
#define GATE_POLL_MIN_NS	(20 * NSEC_PER_USEC)
#define GATE_POLL_MAX_NS	NSEC_PER_MSEC

struct child {
	pid_t pid;
	int status;
	bool reaped;
	const char *role;
	int idx;
};

static struct child kids[WK_MAX_PROCS];
static volatile sig_atomic_t nr_kids;

struct gate {
	atomic_int arrived;
	atomic_int go;
	atomic_int abort;
	_Atomic uint64_t t0;	/* CLOCK_MONOTONIC when the gate opened */
};

static struct gate *gate;
static int gate_memfd = -1;

pid_t wk_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

void set_comm(const char *comm)
{
	if (prctl(PR_SET_NAME, comm, 0, 0, 0))
		fail(errno, "set comm %s", comm);
}

/* The child runs fn and exits; it dies with its parent (PR_SET_PDEATHSIG). */
pid_t proc_spawn(const char *role, int idx, wk_child_fn fn, const struct wk_opts *o, void *arg)
{
	pid_t parent = getpid(), pid;

	if (nr_kids == WK_MAX_PROCS)
		fail(0, "fork %s: more than %d processes", role, WK_MAX_PROCS);
	pid = fork();
	if (pid < 0)
		fail(errno, "fork %s", role);
	if (pid == 0) {
		nr_kids = 0;
		self_role(role, idx);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			fail(errno, "set PR_SET_PDEATHSIG");
		if (getppid() != parent)
			_exit(WK_EXIT_FAIL);	/* the parent died before the prctl */
		alarm(o->timeout_s);		/* alarms are not inherited */
		_exit(fn(o, arg) ? WK_EXIT_FAIL : 0);
	}
	kids[nr_kids] = (struct child){ .pid = pid, .role = role, .idx = idx };
	nr_kids++;
	return pid;
}

static struct child *find_kid(pid_t pid)
{
	int i;

	for (i = 0; i < nr_kids; i++)
		if (kids[i].pid == pid)
			return &kids[i];
	return NULL;
}

const char *status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "stopped (status 0x%x)", status);
	return buf;
}

static void check_kid(const struct child *k)
{
	char why[64];

	if (!WIFEXITED(k->status) || WEXITSTATUS(k->status))
		fail(0, "run %s (pid %d): it %s", k->role, (int)k->pid,
		     status_str(k->status, why, sizeof(why)));
}

/* Waits for one child; returns its wait status, whatever it is. */
int proc_reap(pid_t pid)
{
	struct child *k = find_kid(pid);
	int status;

	if (k && k->reaped)
		return k->status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail(errno, "wait for pid %d", (int)pid);
	if (k) {
		k->status = status;
		k->reaped = true;
	}
	return status;
}

/* Waits in exit order, so the first failure stops the others at once. */
void proc_reap_all(void)
{
	struct child *k;
	int i, status;
	pid_t pid;

	for (;;) {
		for (i = 0; i < nr_kids && kids[i].reaped; i++)
			;
		if (i == nr_kids)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			fail(errno, "wait for children");
		}
		k = find_kid(pid);
		if (!k)
			continue;
		k->status = status;
		k->reaped = true;
		check_kid(k);
	}
	for (i = 0; i < nr_kids; i++)
		check_kid(&kids[i]);
}

/*
 * Failure path, signal handlers included: kill, then reap, or they stay
 * zombies where init does not reap (containers).
 */
void proc_kill_all(void)
{
	int i;

	for (i = 0; i < nr_kids; i++)
		if (!kids[i].reaped)
			kill(kids[i].pid, SIGKILL);
	for (i = 0; i < nr_kids; i++) {
		if (kids[i].reaped)
			continue;
		while (waitpid(kids[i].pid, &kids[i].status, 0) < 0 && errno == EINTR)
			;
		kids[i].reaped = true;
	}
}

/* A child that died during setup would leave the controller waiting at the gate forever. */
static void check_alive(void)
{
	int i, status;

	for (i = 0; i < nr_kids; i++) {
		if (kids[i].reaped || waitpid(kids[i].pid, &status, WNOHANG) != kids[i].pid)
			continue;
		kids[i].status = status;
		kids[i].reaped = true;
		fail(0, "start: %s (pid %d) exited during setup", kids[i].role, (int)kids[i].pid);
	}
}

void thread_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(th, NULL, fn, arg);

	if (err)
		fail(err, "create thread");
}

void thread_join(pthread_t th)
{
	int err = pthread_join(th, NULL);

	if (err)
		fail(err, "join thread");
}

static int gate_map(int fd)
{
	void *p = mmap(NULL, sizeof(*gate), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	gate = p;
	gate_memfd = fd;
	return 0;
}

/* Close-on-exec: exec-pipe clears that for the one child that must keep it. */
int gate_setup(void)
{
	int fd = memfd_create("ipcwork-gate", MFD_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, sizeof(*gate))) {
		err = -errno;
		close(fd);
		return err;
	}
	err = gate_map(fd);
	if (err)
		close(fd);
	return err;
}

int gate_attach(int fd)
{
	return gate_map(fd);
}

int gate_fd(void)
{
	return gate_memfd;
}

void gate_abort(void)
{
	if (gate)
		atomic_store(&gate->abort, 1);
}

uint64_t gate_t0(void)
{
	return gate ? atomic_load(&gate->t0) : 0;
}

static void gate_backoff(uint64_t *ns)
{
	sleep_ns(*ns);
	if (*ns < GATE_POLL_MAX_NS)
		*ns *= 2;
}

void gate_pass(const struct wk_opts *o)
{
	uint64_t poll_ns = GATE_POLL_MIN_NS;

	atomic_fetch_add(&gate->arrived, 1);
	while (!atomic_load(&gate->go)) {
		if (atomic_load(&gate->abort))
			_exit(WK_EXIT_FAIL);
		gate_backoff(&poll_ns);
	}
	/* The timeout guards the traffic, not however long a tracer took to attach. */
	alarm(o->timeout_s);
}

static void wait_stdin_line(void)
{
	char buf[256];
	ssize_t n;

	/* One read: a line (or EOF) is the signal, its content does not matter. */
	do {
		n = read(STDIN_FILENO, buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		fail(errno, "read the start line from stdin");
}

/* Controller: waits for `others` processes/threads to reach the gate, then opens it. */
uint64_t gate_open(const struct wk_opts *o, int others)
{
	uint64_t poll_ns = GATE_POLL_MIN_NS, t0;

	while (atomic_load(&gate->arrived) < others) {
		check_alive();
		gate_backoff(&poll_ns);
	}
	info("ready", NULL);
	if (o->wait_stdin)
		wait_stdin_line();
	if (o->delay_ms)
		sleep_ns(o->delay_ms * NSEC_PER_MSEC);
	t0 = now_ns();
	atomic_store(&gate->t0, t0);
	atomic_store(&gate->go, 1);
	alarm(o->timeout_s);
	return t0;
}
