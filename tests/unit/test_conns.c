// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for conns (a unix socket whose peer closed gets its peer back)
 * and for the collector using it: the survivor's records name the whole
 * connection, whatever end they come from; datagram sockets and sockets
 * never connected are left alone; the bound forgets old pairs, counted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "model/collector.h"
#include "model/conns.h"

static struct ipc_obj unix_obj(uint64_t ino, uint64_t peer, int type)
{
	return (struct ipc_obj){ .kind = IPC_OBJ_UNIX, .family = AF_UNIX, .sock_type = type,
				 .ino = ino, .peer_ino = peer };
}

static void test_peer_comes_back(void **state)
{
	struct conns *c = conns__new(0);
	struct ipc_obj both = unix_obj(10, 11, SOCK_STREAM);
	struct ipc_obj alone = unix_obj(10, 0, SOCK_STREAM);
	struct ipc_obj other = unix_obj(11, 0, SOCK_STREAM);
	struct ipc_obj never = unix_obj(12, 0, SOCK_STREAM);

	assert_non_null(c);
	assert_int_equal(conns__lost_peer(c, &alone), 0);
	assert_int_equal(conns__learn(c, &both), 0);
	assert_int_equal(conns__lost_peer(c, &alone), 11);
	assert_int_equal(conns__lost_peer(c, &other), 10);	/* either end */
	assert_int_equal(conns__lost_peer(c, &never), 0);
	assert_int_equal(conns__lost_peer(c, &both), 0);	/* has its peer: nothing to do */
	conns__free(c);
}

static void test_datagrams_left_alone(void **state)
{
	struct conns *c = conns__new(0);
	struct ipc_obj dgram = unix_obj(20, 21, SOCK_DGRAM);
	struct ipc_obj alone = unix_obj(20, 0, SOCK_DGRAM);
	struct ipc_obj seq = unix_obj(30, 31, SOCK_SEQPACKET);
	struct ipc_obj seq_alone = unix_obj(31, 0, SOCK_SEQPACKET);

	assert_non_null(c);
	/* a datagram socket may connect elsewhere: what it was connected to says nothing */
	conns__learn(c, &dgram);
	assert_int_equal(conns__lost_peer(c, &alone), 0);
	conns__learn(c, &seq);
	assert_int_equal(conns__lost_peer(c, &seq_alone), 30);
	conns__free(c);
}

static void test_bound_forgets_oldest(void **state)
{
	struct conns *c = conns__new(8);	/* 4 ends per generation */
	struct ipc_obj o;

	assert_non_null(c);
	for (uint64_t i = 0; i < 6; i++) {
		o = unix_obj(100 + 2 * i, 101 + 2 * i, SOCK_STREAM);
		assert_int_equal(conns__learn(c, &o), 0);
	}
	/* the newest pairs are known, the first ones were forgotten and counted */
	o = unix_obj(111, 0, SOCK_STREAM);
	assert_int_equal(conns__lost_peer(c, &o), 110);
	o = unix_obj(100, 0, SOCK_STREAM);
	assert_int_equal(conns__lost_peer(c, &o), 0);
	assert_true(conns__forgotten(c) >= 2);
	conns__free(c);
}

/* What the collector hands its sinks. */
struct seen {
	struct sink sink;
	struct ipc_ev_io io[4];
	int n;
};

static int seen_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct seen *s = container_of(sk, struct seen, sink);

	if (h->type == IPC_REC_IO && s->n < 4)
		memcpy(&s->io[s->n++], h, sizeof(s->io[0]));
	return 0;
}

static void seen_free(struct sink *sk)
{
	free(container_of(sk, struct seen, sink));
}

static const struct sink_ops seen_ops = { .name = "seen", .event = seen_event, .free = seen_free };

static void io_rec(struct ipc_ev_io *e, uint32_t pid, uint64_t ino, uint64_t peer)
{
	memset(e, 0, sizeof(*e));
	e->hdr.type = IPC_REC_IO;
	e->hdr.op = IPC_OP_SOCK_RECV;
	e->hdr.sys = IPC_SYS_READ;
	e->hdr.pid = e->hdr.tid = pid;
	e->hdr.ts_ns = 1000 + pid;
	e->hdr.stack_id = -1;
	snprintf(e->hdr.comm, sizeof(e->hdr.comm), "p%u", pid);
	e->obj = unix_obj(ino, peer, SOCK_STREAM);
	e->fd = 3;
	e->hdr.ret = 0;
}

static void test_collector_names_the_connection(void **state)
{
	struct collector *c = collector__new();
	struct seen *s = calloc(1, sizeof(*s));
	struct ipc_ev_io e;

	assert_non_null(c);
	assert_non_null(s);
	s->sink.ops = &seen_ops;
	assert_int_equal(collector__add_sink(c, &s->sink), 0);
	io_rec(&e, 10, 40, 41);
	assert_int_equal(collector__push(c, &e, sizeof(e)), 0);
	io_rec(&e, 11, 41, 0);		/* the peer closed: the kernel names 41 alone */
	assert_int_equal(collector__push(c, &e, sizeof(e)), 0);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->io[1].obj.ino, 41);
	assert_int_equal(s->io[1].obj.peer_ino, 40);
	assert_int_equal(e.obj.peer_ino, 0);	/* the caller's record is not written to */
	collector__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peer_comes_back),
		cmocka_unit_test(test_datagrams_left_alone),
		cmocka_unit_test(test_bound_forgets_oldest),
		cmocka_unit_test(test_collector_names_the_connection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
