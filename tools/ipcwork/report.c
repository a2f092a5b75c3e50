// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Info lines, failure exits, and the removal of the named objects a run
 * creates (temp dirs, FIFOs, socket paths, queues, semaphores).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>
#include <unistd.h>

#include "ipcwork.h"

#define INFO_LINE_MAX	2048
#define MAX_CLEANUPS	8

static struct {
	const char *scenario;
	const char *role;
	int idx;		/* index among processes of the same role, -1 if alone */
	int info_fd;
	pid_t owner;		/* the top-level process: it alone removes named objects */
} self = {
	.scenario = "none",
	.role = "main",
	.idx = -1,
	.info_fd = STDERR_FILENO,
};

/* A thread's own role, when it is not its process's (workers of a lock scenario). */
static __thread const char *thread_role;
static __thread int thread_idx = -1;

static struct cleanup {
	enum wk_cleanup_kind kind;
	volatile sig_atomic_t armed;
	int id;
	char name[PATH_MAX];
} cleanups[MAX_CLEANUPS];
static volatile sig_atomic_t nr_cleanups;

void self_init(const char *scenario, int info_fd)
{
	self.scenario = scenario;
	self.info_fd = info_fd;
	self.owner = getpid();
}

void self_role(const char *role, int idx)
{
	self.role = role;
	self.idx = idx;
}

void self_thread_role(const char *role, int idx)
{
	thread_role = role;
	thread_idx = idx;
}

const char *self_scenario(void)
{
	return self.scenario;
}

bool self_is_owner(void)
{
	return getpid() == self.owner;
}

/* A whole line per write(2): an O_APPEND file or a pipe keeps lines of several processes apart. */
static void put_line(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/* A line being built; an overlong one is cut, never overrun. */
struct line {
	char buf[INFO_LINE_MAX];
	size_t len;
};

static void line_vadd(struct line *l, const char *fmt, va_list ap)
{
	size_t room = sizeof(l->buf) - 1 - l->len;	/* one byte kept for the newline */
	int n = vsnprintf(l->buf + l->len, room, fmt, ap);

	if (n > 0)
		l->len += (size_t)n < room ? (size_t)n : room - 1;
}

static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line_vadd(l, fmt, ap);
	va_end(ap);
}

void info(const char *event, const char *fmt, ...)
{
	const char *role = thread_role ? thread_role : self.role;
	int idx = thread_role ? thread_idx : self.idx;
	struct line l = { .len = 0 };
	va_list ap;

	line_add(&l, "ipcwork: %s%sscenario=%s role=%s", event ? event : "", event ? " " : "",
		 self.scenario, role);
	if (idx >= 0)
		line_add(&l, " idx=%d", idx);
	line_add(&l, " pid=%d tid=%d", (int)getpid(), (int)wk_gettid());
	if (fmt && *fmt) {
		line_add(&l, " ");
		va_start(ap, fmt);
		line_vadd(&l, fmt, ap);
		va_end(ap);
	}
	l.buf[l.len++] = '\n';
	put_line(self.info_fd, l.buf, l.len);
}

static void stop_everything(void)
{
	gate_abort();
	if (self_is_owner()) {
		proc_kill_all();
		cleanup_run();
	} else if (self.owner > 0 && getppid() == self.owner) {
		/*
		 * The owner may be blocked where our death cannot reach it
		 * (sigwaitinfo, mq_send): stop it, its PDEATHSIG stops the rest.
		 */
		kill(self.owner, SIGTERM);
	}
}

/* Fail fast: a workload that went wrong has no count worth reporting. */
noreturn void fail(int err, const char *fmt, ...)
{
	struct line l = { .len = 0 };
	va_list ap;

	line_add(&l, "ipcwork[%d] %s/%s: failed to ", (int)wk_gettid(), self.scenario,
		 thread_role ? thread_role : self.role);
	va_start(ap, fmt);
	line_vadd(&l, fmt, ap);
	va_end(ap);
	if (err)
		line_add(&l, ": %s", strerror(err));
	l.buf[l.len++] = '\n';
	put_line(STDERR_FILENO, l.buf, l.len);
	stop_everything();
	_exit(WK_EXIT_FAIL);
}

/* Async-signal-safe decimal, for the handler below. */
static size_t utoa(unsigned int v, char *out)
{
	char tmp[12];
	size_t n = 0, i;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

static void on_fatal_signal(int sig)
{
	static const char timeout[] = " timed out\n", stopped[] = " stopped by signal ";
	char buf[96];
	size_t n = 0;

	memcpy(buf, "ipcwork[", 8);
	n = 8 + utoa(getpid(), buf + 8);
	buf[n++] = ']';
	if (sig == SIGALRM) {
		memcpy(buf + n, timeout, sizeof(timeout) - 1);
		n += sizeof(timeout) - 1;
	} else {
		memcpy(buf + n, stopped, sizeof(stopped) - 1);
		n += sizeof(stopped) - 1;
		n += utoa(sig, buf + n);
		buf[n++] = '\n';
	}
	put_line(STDERR_FILENO, buf, n);
	stop_everything();
	_exit(WK_EXIT_FAIL);
}

/*
 * SIGALRM is the hang guard (alarm() in every process), INT/TERM/HUP come
 * from a test harness giving up: all of them remove what the run created.
 * SIGPIPE is ignored so a dead peer shows up as EPIPE with a message.
 */
void setup_signals(void)
{
	static const int fatal[] = { SIGALRM, SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_fatal_signal };
	size_t i;

	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void cleanup_add(enum wk_cleanup_kind kind, const char *name, int id)
{
	struct cleanup *c;

	if (nr_cleanups == MAX_CLEANUPS)
		fail(0, "register cleanup of %s: table full", name ? name : "object");
	c = &cleanups[nr_cleanups];
	c->kind = kind;
	c->id = id;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	c->armed = 1;
	nr_cleanups++;
}

/* Newest first (a socket before its directory); only syscalls, as the signal handler runs it. */
void cleanup_run(void)
{
	int i;

	if (!self_is_owner())
		return;
	for (i = nr_cleanups - 1; i >= 0; i--) {
		struct cleanup *c = &cleanups[i];

		if (!c->armed)
			continue;
		c->armed = 0;
		switch (c->kind) {
		case WK_CL_UNLINK:
			unlink(c->name);
			break;
		case WK_CL_RMDIR:
			rmdir(c->name);
			break;
		case WK_CL_MQ:
			mq_unlink(c->name);
			break;
		case WK_CL_SYSV_SEM:
			semctl(c->id, 0, IPC_RMID);
			break;
		case WK_CL_NAMED_SEM:
			sem_unlink(c->name);
			break;
		}
	}
}

/*
 * A private directory for FIFOs and socket paths.  Info values carry no
 * spaces, so a $TMPDIR with one falls back to /tmp.
 */
int make_tmpdir(char *dir, size_t len)
{
	const char *base = getenv("TMPDIR");

	if (!base || !*base || strpbrk(base, " \t\n"))
		base = "/tmp";
	if ((size_t)snprintf(dir, len, "%s/ipcwork-XXXXXX", base) >= len)
		return -ENAMETOOLONG;
	if (!mkdtemp(dir))
		return -errno;
	cleanup_add(WK_CL_RMDIR, dir, 0);
	return 0;
}
