// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework: info lines, failures, time, futex calls, children.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "racework.h"

static int info_fd = 2;

void rw_info_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

	if (fd < 0) {
		fprintf(stderr, "racework: failed to open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	info_fd = fd;
}

pid_t rw_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* One write per line: lines of several processes never mix. */
void rw_info(const char *scenario, const char *role, const char *fmt, ...)
{
	char line[1024];
	int n;
	va_list ap;

	n = snprintf(line, sizeof(line), "racework: scenario=%s role=%s pid=%d tid=%d ",
		     scenario, role, getpid(), rw_tid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(info_fd, line, n) < 0)
		_exit(1);
}

noreturn void rw_fail(const char *scenario, const char *what)
{
	fprintf(stderr, "racework[%d] %s: failed to %s: %s\n", getpid(), scenario, what,
		strerror(errno));
	exit(1);
}

uint64_t rw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void rw_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000l };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void rw_deadline(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += (long)(ms % 1000) * 1000000l;
	ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000l;
	ts->tv_nsec %= 1000000000l;
}

long rw_futex_wait(uint32_t *w, uint32_t val, unsigned int timeout_ms)
{
	struct timespec ts = { .tv_sec = timeout_ms / 1000,
			       .tv_nsec = (timeout_ms % 1000) * 1000000l };

	return syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, timeout_ms ? &ts : NULL, NULL, 0);
}

long rw_futex_wake(uint32_t *w, int n)
{
	return syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

int rw_reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}
