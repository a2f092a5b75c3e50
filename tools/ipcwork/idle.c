// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * idle: a parent holding a pipe to a child, a unix socketpair with it and an
 * open message queue, and both sleeping COUNT seconds with no traffic: what
 * ipctrace finds in /proc at attach time, and must not invent traffic for.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipcwork.h"

#define IDLE_MAXMSG	10

struct idle_ctx {
	int p[2];		/* the parent keeps the write end, the child the read end */
	int sv[2];		/* the parent keeps sv[0], the child sv[1] */
	mqd_t mqd;
	char mq[64];
	unsigned long pipe_ino;
	unsigned long sock_ino[2];
	unsigned long mq_ino;
};

static int idle_child(const struct wk_opts *o, void *arg)
{
	struct idle_ctx *ic = arg;

	close(ic->p[1]);
	close(ic->sv[0]);
	mq_close(ic->mqd);	/* the queue is the parent's alone */
	info(NULL, "ppid=%d pipe_ino=%lu pipe_end=read sock_ino=%lu peer_ino=%lu seconds=%lu",
	     (int)getppid(), ic->pipe_ino, ic->sock_ino[1], ic->sock_ino[0], o->count);
	gate_pass(o);
	sleep_until_ns(gate_t0() + o->count * NSEC_PER_SEC);
	info("done", "pipe_ino=%lu sock_ino=%lu slept_ns=%llu", ic->pipe_ino, ic->sock_ino[1],
	     (unsigned long long)(now_ns() - gate_t0()));
	return 0;
}

static void idle_create(const struct wk_opts *o, struct idle_ctx *ic)
{
	struct mq_attr attr = { .mq_maxmsg = IDLE_MAXMSG, .mq_msgsize = o->size };

	if (pipe2(ic->p, O_CLOEXEC))
		fail(errno, "create a pipe");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ic->sv))
		fail(errno, "create a unix socketpair");
	snprintf(ic->mq, sizeof(ic->mq), "/ipcwork-%d", (int)getpid());
	ic->mqd = mq_open(ic->mq, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
	if (ic->mqd == (mqd_t)-1)
		fail(errno, "create queue %s", ic->mq);
	cleanup_add(WK_CL_MQ, ic->mq, 0);
	ic->pipe_ino = fd_ino(ic->p[0]);
	ic->sock_ino[0] = fd_ino(ic->sv[0]);
	ic->sock_ino[1] = fd_ino(ic->sv[1]);
	ic->mq_ino = fd_ino(ic->mqd);
}

int run_idle(const struct wk_opts *o)
{
	struct idle_ctx ic;
	uint64_t t0;
	pid_t child;

	idle_create(o, &ic);
	child = proc_spawn("child", -1, idle_child, o, &ic);
	close(ic.p[0]);
	close(ic.sv[1]);
	info(NULL, "child=%d pipe_ino=%lu pipe_end=write sock_ino=%lu peer_ino=%lu "
	     "mq=%s mq_ino=%lu mqd=%d seconds=%lu",
	     (int)child, ic.pipe_ino, ic.sock_ino[0], ic.sock_ino[1], ic.mq, ic.mq_ino,
	     (int)ic.mqd, o->count);
	t0 = gate_open(o, 1);
	sleep_until_ns(t0 + o->count * NSEC_PER_SEC);
	proc_reap_all();
	info("done", "child=%d pipe_ino=%lu sock_ino=%lu mq=%s mq_ino=%lu slept_ns=%llu",
	     (int)child, ic.pipe_ino, ic.sock_ino[0], ic.mq, ic.mq_ino,
	     (unsigned long long)(now_ns() - t0));
	mq_close(ic.mqd);
	cleanup_run();
	return 0;
}
