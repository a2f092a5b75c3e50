// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Start a command held at the gate until tracing is ready.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "run/launch.h"

void launch__reserve_stdio(void)
{
	int fd;

	/* open() takes the lowest free fd: stop at the first above 2 */
	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
}

static void child_run(int go_rd, int err_wr, char *const argv[])
{
	char c;
	int e;

	/* the parent's signal handlers do not survive exec, its mask would */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (read(go_rd, &c, 1) != 1)
		_exit(127);	/* the tracer gave up */
	/* go_rd is close-on-exec: a close(2) here would be traced as the command's */
	execvp(argv[0], argv);
	e = errno;
	if (write(err_wr, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int launch__start(struct launch *l, char *const argv[])
{
	int go[2], err[2];

	memset(l, 0, sizeof(*l));
	l->pid = -1;
	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(err, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	l->pid = fork();
	if (l->pid < 0) {
		int e = errno;

		close(go[0]);
		close(go[1]);
		close(err[0]);
		close(err[1]);
		return -e;
	}
	if (l->pid == 0) {
		close(go[1]);
		close(err[0]);
		child_run(go[0], err[1], argv);
	}
	close(go[0]);
	close(err[1]);
	l->go_fd = go[1];
	l->err_fd = err[0];
	return 0;
}

int launch__go(struct launch *l)
{
	ssize_t n;
	int e = 0;

	if (write(l->go_fd, "g", 1) != 1)
		return -errno;
	close(l->go_fd);
	l->go_fd = -1;
	/* exec closes err_fd (cloexec): EOF means the command started */
	n = read(l->err_fd, &e, sizeof(e));
	close(l->err_fd);
	l->err_fd = -1;
	if (n == sizeof(e)) {
		launch__poll(l, true);
		return -e;
	}
	return 0;
}

int launch__poll(struct launch *l, bool wait)
{
	pid_t r;

	if (l->exited)
		return 1;
	if (l->pid <= 0)
		return -ECHILD;
	do {
		r = waitpid(l->pid, &l->status, wait ? 0 : WNOHANG);
	} while (r < 0 && errno == EINTR && wait);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	l->exited = true;
	return 1;
}

void launch__abort(struct launch *l)
{
	if (l->pid <= 0 || l->exited)
		return;
	if (l->go_fd >= 0)
		close(l->go_fd);
	if (l->err_fd >= 0)
		close(l->err_fd);
	l->go_fd = l->err_fd = -1;
	kill(l->pid, SIGKILL);
	launch__poll(l, true);
}

int launch__exit_code(const struct launch *l)
{
	if (!l->exited)
		return 1;
	if (WIFEXITED(l->status))
		return WEXITSTATUS(l->status);
	if (WIFSIGNALED(l->status))
		return 128 + WTERMSIG(l->status);
	return 1;
}
