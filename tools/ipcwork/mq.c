// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * mq: POSIX message queue /ipcwork-<pid> between P producer and C consumer
 * processes; the parent creates the queue, only waits, and unlinks it.
 *
 * Producer i sends COUNT*(i+1) messages.  The total T is split among the
 * consumers up front (T/C each, the remainder to the last), so every
 * process's count is known before it starts.  Each mq_send/mq_receive is
 * one mq_timedsend/mq_timedreceive syscall.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ipcwork.h"

#define MQ_MAXMSG	10	/* fs.mqueue.msg_max's default: works without privilege */

struct mq_ctx {
	char name[64];
	unsigned long ino;
	unsigned long total;
};

struct mq_role_arg {
	const struct mq_ctx *mq;
	int idx;
	unsigned long count;
};

static unsigned long producer_msgs(const struct wk_opts *o, int idx)
{
	return o->count * (idx + 1);
}

static unsigned long consumer_msgs(const struct wk_opts *o, unsigned long total, int idx)
{
	unsigned long share = total / o->consumers;

	return (unsigned int)idx == o->consumers - 1 ? share + total % o->consumers : share;
}

static mqd_t mq_open_role(const struct mq_role_arg *a, int flags)
{
	mqd_t mqd = mq_open(a->mq->name, flags | O_CLOEXEC);

	if (mqd == (mqd_t)-1)
		fail(errno, "open queue %s", a->mq->name);
	info(NULL, "mq=%s mq_ino=%lu count=%lu ppid=%d", a->mq->name, fd_ino(mqd), a->count,
	     (int)getppid());
	return mqd;
}

static int mq_producer(const struct wk_opts *o, void *arg)
{
	const struct mq_role_arg *a = arg;
	mqd_t mqd = mq_open_role(a, O_WRONLY);
	char *buf = xmalloc(o->size);
	unsigned long i, calls = 0;
	uint64_t t0;

	gate_pass(o);
	t0 = now_ns();
	for (i = 0; i < a->count; i++) {
		msg_fill(buf, o->size, i, a->idx);
		while (calls++, mq_send(mqd, buf, o->size, 0))
			if (errno != EINTR)
				fail(errno, "send message %lu of %lu", i + 1, a->count);
	}
	info("done", "sends=%lu msgs=%lu bytes=%lu mq=%s prio=0 elapsed_ns=%llu", calls, i,
	     i * o->size, a->mq->name, (unsigned long long)(now_ns() - t0));
	free(buf);
	return 0;
}

static int mq_consumer(const struct wk_opts *o, void *arg)
{
	const struct mq_role_arg *a = arg;
	mqd_t mqd = mq_open_role(a, O_RDONLY);
	char *buf = xmalloc(o->size);
	unsigned long i, calls = 0, bytes = 0;
	ssize_t n;
	uint64_t t0;

	gate_pass(o);
	t0 = now_ns();
	for (i = 0; i < a->count; i++) {
		while (calls++, (n = mq_receive(mqd, buf, o->size, NULL)) < 0)
			if (errno != EINTR)
				fail(errno, "receive message %lu of %lu", i + 1, a->count);
		if ((size_t)n != o->size)
			fail(0, "receive message %lu: %zd bytes, not %zu", i + 1, n, o->size);
		bytes += n;
	}
	info("done", "receives=%lu msgs=%lu bytes=%lu mq=%s elapsed_ns=%llu", calls, i, bytes,
	     a->mq->name, (unsigned long long)(now_ns() - t0));
	free(buf);
	return 0;
}

static void mq_create(const struct wk_opts *o, struct mq_ctx *mq)
{
	struct mq_attr attr = { .mq_maxmsg = MQ_MAXMSG, .mq_msgsize = o->size };
	mqd_t mqd;

	snprintf(mq->name, sizeof(mq->name), "/ipcwork-%d", (int)getpid());
	mqd = mq_open(mq->name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
	if (mqd == (mqd_t)-1)
		fail(errno, "create queue %s (msgsize %zu)", mq->name, o->size);
	cleanup_add(WK_CL_MQ, mq->name, 0);
	mq->ino = fd_ino(mqd);
	mq_close(mqd);		/* the children open it by name */
}

static void mq_spawn(const struct wk_opts *o, struct mq_role_arg *args, const char *role,
		     int n, wk_child_fn fn)
{
	int i;

	for (i = 0; i < n; i++)
		args[i].idx = i;
	for (i = 0; i < n; i++)
		proc_spawn(role, i, fn, o, &args[i]);
}

int run_mq(const struct wk_opts *o)
{
	struct mq_role_arg *prod = xmalloc(o->producers * sizeof(*prod));
	struct mq_role_arg *cons = xmalloc(o->consumers * sizeof(*cons));
	struct mq_ctx mq = { 0 };
	unsigned int i;
	uint64_t t0;

	for (i = 0; i < o->producers; i++) {
		prod[i] = (struct mq_role_arg){ .mq = &mq, .count = producer_msgs(o, i) };
		mq.total += prod[i].count;
	}
	for (i = 0; i < o->consumers; i++)
		cons[i] = (struct mq_role_arg){ .mq = &mq, .count = consumer_msgs(o, mq.total, i) };
	mq_create(o, &mq);
	info(NULL, "mq=%s mq_ino=%lu maxmsg=%d msgsize=%zu producers=%u consumers=%u total=%lu",
	     mq.name, mq.ino, MQ_MAXMSG, o->size, o->producers, o->consumers, mq.total);
	mq_spawn(o, prod, "producer", o->producers, mq_producer);
	mq_spawn(o, cons, "consumer", o->consumers, mq_consumer);
	t0 = gate_open(o, o->producers + o->consumers);
	proc_reap_all();
	info("done", "mq=%s mq_ino=%lu total=%lu bytes=%lu elapsed_ns=%llu", mq.name, mq.ino,
	     mq.total, mq.total * o->size, (unsigned long long)(now_ns() - t0));
	cleanup_run();		/* the scenario ends with the queue unlinked */
	free(cons);
	free(prod);
	return 0;
}
