/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * launch: start the command of `ipctrace -- CMD`.  The child is forked
 * first and waits; once its pid is in the filter and the probes are
 * attached, it is released and execs, so its first operation is traced.
 */
#ifndef IPCTRACE_LAUNCH_H
#define IPCTRACE_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

struct launch {
	pid_t pid;
	int go_fd;	/* write end: one byte releases the child */
	int err_fd;	/* read end: the child writes errno here if exec fails */
	bool exited;
	int status;	/* wait(2) status once exited */
};

/*
 * Open /dev/null on whichever of fds 0, 1 and 2 are closed.  Started with
 * them closed, ipctrace's BPF and ring buffer fds would take their place:
 * reports would go into a map fd and a command would inherit it as stdio.
 */
void launch__reserve_stdio(void);
/* Fork the waiting child.  0 or -errno. */
int launch__start(struct launch *l, char *const argv[]);
/* Release it; -errno (e.g. -ENOENT) if its exec failed. */
int launch__go(struct launch *l);
/* Reap it if it exited (non-blocking unless wait).  1 if exited, 0 if not, -errno. */
int launch__poll(struct launch *l, bool wait);
/* Kill and reap a child that was never released (setup failed). */
void launch__abort(struct launch *l);
/* Exit status to pass on: the command's, or 128+signal. */
int launch__exit_code(const struct launch *l);

#endif /* IPCTRACE_LAUNCH_H */
