// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The request/reply loop shared by the pipe, socketpair, unix and TCP
 * scenarios.  One message in flight at a time: the reader of a small message
 * always finds it whole, so each message costs exactly one write and one
 * read on each side.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ipcwork.h"
#include "pingpong.h"

/* The initiator sends message i and waits for its echo. */
static void initiate(const struct wk_opts *o, const struct pp_end *e, char *buf,
		     struct pp_result *r)
{
	unsigned long i;
	int err;

	for (i = 0; i < e->msgs; i++) {
		msg_fill(buf, o->size, i, 0);
		err = io_put(e->wfd, buf, o->size, e->sock, &r->wr);
		if (err)
			fail(-err, "send message %lu of %lu", i + 1, e->msgs);
		err = io_get(e->rfd, buf, o->size, e->sock, &r->rd);
		if (err)
			fail(-err, "receive reply %lu of %lu", i + 1, e->msgs);
		if (!msg_check(buf, o->size, i, 0))
			fail(0, "check reply %lu: wrong content", i + 1);
	}
}

/* The echoer reads message i, checks it and sends it back unchanged. */
static void echo(const struct wk_opts *o, const struct pp_end *e, char *buf, struct pp_result *r)
{
	unsigned long i;
	int err;

	for (i = 0; i < e->msgs; i++) {
		err = io_get(e->rfd, buf, o->size, e->sock, &r->rd);
		if (err)
			fail(-err, "receive message %lu of %lu", i + 1, e->msgs);
		if (!msg_check(buf, o->size, i, 0))
			fail(0, "check message %lu: wrong content", i + 1);
		err = io_put(e->wfd, buf, o->size, e->sock, &r->wr);
		if (err)
			fail(-err, "send reply %lu of %lu", i + 1, e->msgs);
	}
}

void pingpong(const struct wk_opts *o, const struct pp_end *e, struct pp_result *r)
{
	char *buf = xmalloc(o->size);
	uint64_t t0 = now_ns();

	if (e->initiator)
		initiate(o, e, buf, r);
	else
		echo(o, e, buf, r);
	r->elapsed_ns = now_ns() - t0;
	free(buf);
}

/* The counters every done line of a stream scenario carries, in one place. */
const char *io_summary(char *buf, size_t len, const struct io_stat *wr, const struct io_stat *rd)
{
	snprintf(buf, len,
		 "writes=%lu reads=%lu bytes_written=%lu bytes_read=%lu "
		 "short_writes=%lu short_reads=%lu",
		 wr->calls, rd->calls, wr->bytes, rd->bytes, wr->partial, rd->partial);
	return buf;
}
