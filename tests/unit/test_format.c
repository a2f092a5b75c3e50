// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * format: exact --events lines and --json objects for representative
 * records of every type, built here field by field; object ids of every
 * kind; the small formatters.  Each JSON object is also parsed back by a
 * strict validator (a copy of the one in test_json.c: tests link nothing
 * but the library).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <cmocka.h>
#include <linux/close_range.h>

#include "decode/decode.h"
#include "ipctrace_abi.h"
#include "json_check.h"
#include "lib/json.h"
#include "lib/strtab.h"
#include "model/proctab.h"
#include "output/format.h"

/* Helpers */

#define T0 1000000000ull
#define MS 1000000ull

static const struct fmt_ctx ctx = { .t0_ns = T0 };

static void hdr_init(struct ipc_hdr *h, unsigned int type, unsigned int op, unsigned int sys,
		     uint32_t pid, uint32_t tid, const char *comm, uint64_t rel_ns)
{
	h->type = type;
	h->op = op;
	h->sys = sys;
	h->pid = pid;
	h->tid = tid;
	h->ts_ns = T0 + rel_ns;
	h->stack_id = -1;
	h->cpu = 1;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
}

static void expect_text_ctx(const struct fmt_ctx *c, const void *rec, const char *want)
{
	const struct ipc_hdr *h = rec;
	char buf[512];
	size_t n;

	/* The test's own records must be well-formed. */
	assert_int_equal(ipc_rec_check(rec, ipc_rec_size(h->type), NULL, 0), 0);
	n = fmt_event_text(buf, sizeof(buf), c, rec);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void expect_text(const void *rec, const char *want)
{
	expect_text_ctx(&ctx, rec, want);
}

static void expect_json_ctx(const struct fmt_ctx *c, const void *rec, const char *want)
{
	struct jw w;

	jw__init(&w);
	fmt_event_json(&w, c, rec);
	assert_false(w.failed);
	assert_int_equal(w.depth, 0);
	assert_string_equal(jw__cstr(&w), want);
	assert_true(json_valid(jw__cstr(&w)));
	jw__release(&w);
}

static void expect_json(const void *rec, const char *want)
{
	expect_json_ctx(&ctx, rec, want);
}

static void set_v4(uint8_t a[16], uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, 16);
	a[0] = b0;
	a[1] = b1;
	a[2] = b2;
	a[3] = b3;
}

static void set_v6(uint8_t a[16], const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

#define DEV(ma, mi) (((ma) << 20) | (mi))

/* Small formatters */

static void test_duration(void **state)
{
	static const struct {
		uint64_t ns;
		const char *s;
	} cases[] = {
		{ 0, "0ns" }, { 950, "950ns" }, { 999, "999ns" }, { 1000, "1.0us" },
		{ 2100, "2.1us" }, { 3249, "3.2us" }, { 3250, "3.3us" }, { 8000, "8.0us" },
		{ 999949, "999.9us" }, { 999950, "1.00ms" }, { 1200000, "1.20ms" },
		{ 12345678, "12.35ms" }, { 999994999, "999.99ms" }, { 999995000, "1.000s" },
		{ 2000000000, "2.000s" }, { 61234567890ull, "61.235s" },
		{ UINT64_MAX, "18446744073.710s" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fmt_duration(buf, sizeof(buf), cases[i].ns), strlen(cases[i].s));
		assert_string_equal(buf, cases[i].s);
	}
	/* snprintf contract: the full length, even with no room. */
	assert_int_equal(fmt_duration(NULL, 0, 1200000), 6);
	assert_int_equal(fmt_duration(buf, 3, 1200000), 6);
	assert_string_equal(buf, "1.");
}

static void test_wait_status(void **state)
{
	char buf[64];

	fmt_wait_status(buf, sizeof(buf), 0);
	assert_string_equal(buf, "exited, status 0");
	fmt_wait_status(buf, sizeof(buf), 3 << 8);
	assert_string_equal(buf, "exited, status 3");
	fmt_wait_status(buf, sizeof(buf), 15);
	assert_string_equal(buf, "killed by SIGTERM");
	fmt_wait_status(buf, sizeof(buf), 11 | 0x80);
	assert_string_equal(buf, "killed by SIGSEGV (core dumped)");
	fmt_wait_status(buf, sizeof(buf), 36);
	assert_string_equal(buf, "killed by SIGRTMIN+4");
}

static void test_bytes(void **state)
{
	static const struct {
		uint64_t n;
		const char *s;
	} cases[] = {
		{ 0, "0B" }, { 64, "64B" }, { 1023, "1023B" }, { 1024, "1.0KiB" },
		{ 1536, "1.5KiB" }, { 1048575, "1.0MiB" }, { 3 << 20, "3.0MiB" },
		{ 1ull << 30, "1.0GiB" }, { 1ull << 40, "1.0TiB" }, { 5ull << 50, "5.0PiB" },
		{ UINT64_MAX, "16.0EiB" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fmt_bytes(buf, sizeof(buf), cases[i].n), strlen(cases[i].s));
		assert_string_equal(buf, cases[i].s);
	}
}

static void test_ret(void **state)
{
	char buf[32];

	fmt_ret(buf, sizeof(buf), 64);
	assert_string_equal(buf, "64");
	fmt_ret(buf, sizeof(buf), 0);
	assert_string_equal(buf, "0");
	fmt_ret(buf, sizeof(buf), -EAGAIN);
	assert_string_equal(buf, "-EAGAIN");
	fmt_ret(buf, sizeof(buf), -512);
	assert_string_equal(buf, "-ERESTARTSYS");
	fmt_ret(buf, sizeof(buf), -523);
	assert_string_equal(buf, "-523");
	fmt_ret(buf, sizeof(buf), -41);
	assert_string_equal(buf, "-41");
	fmt_ret(buf, sizeof(buf), INT64_MIN);
	assert_string_equal(buf, "-9223372036854775808");
	fmt_ret(buf, sizeof(buf), -(int64_t)0x100000000ll);
	assert_string_equal(buf, "-4294967296");
}

static void test_ts(void **state)
{
	struct fmt_ctx c = { .t0_ns = T0 };
	char buf[32];

	fmt_ts(buf, sizeof(buf), &c, T0);
	assert_string_equal(buf, "0.000000");
	fmt_ts(buf, sizeof(buf), &c, T0 + 1234999);
	assert_string_equal(buf, "0.001234");
	fmt_ts(buf, sizeof(buf), &c, T0 + 12345678901ull);
	assert_string_equal(buf, "12.345678");
	fmt_ts(buf, sizeof(buf), &c, T0 - 1500);
	assert_string_equal(buf, "-0.000001");
	fmt_ts(buf, sizeof(buf), &c, T0 - 2500000000ull);
	assert_string_equal(buf, "-2.500000");
	c.t0_ns = (uint64_t)INT64_MAX + 1;
	fmt_ts(buf, sizeof(buf), &c, 0);
	assert_string_equal(buf, "-9223372036.854775");
	c.t0_ns = T0;

	setenv("TZ", "UTC", 1);
	tzset();
	c.abs_time = true;
	/* 1700000000 is 2023-11-14 22:13:20 UTC. */
	c.real_offset_ns = 1700000000123456789ll - (int64_t)T0;
	fmt_ts(buf, sizeof(buf), &c, T0);
	assert_string_equal(buf, "22:13:20.123456");
	fmt_ts(buf, sizeof(buf), &c, T0 + 3600 * 1000000000ull + 1000);
	assert_string_equal(buf, "23:13:20.123457");
}

static void test_sockaddr(void **state)
{
	uint8_t a[16];
	char buf[64];

	set_v4(a, 10, 0, 0, 1);
	memset(a + 4, 0xee, 12);	/* only the first 4 bytes count for AF_INET */
	assert_int_equal(fmt_sockaddr(buf, sizeof(buf), AF_INET, a, 80), 11);
	assert_string_equal(buf, "10.0.0.1:80");
	set_v4(a, 255, 255, 255, 255);
	fmt_sockaddr(buf, sizeof(buf), AF_INET, a, 65535);
	assert_string_equal(buf, "255.255.255.255:65535");
	set_v6(a, "2001:db8::1");
	fmt_sockaddr(buf, sizeof(buf), AF_INET6, a, 443);
	assert_string_equal(buf, "[2001:db8::1]:443");
	set_v6(a, "::1");
	fmt_sockaddr(buf, sizeof(buf), AF_INET6, a, 5000);
	assert_string_equal(buf, "[::1]:5000");
	set_v6(a, "::");
	fmt_sockaddr(buf, sizeof(buf), AF_INET6, a, 0);
	assert_string_equal(buf, "[::]:0");
	set_v6(a, "fe80::1:2:3:4");
	fmt_sockaddr(buf, sizeof(buf), AF_INET6, a, 22);
	assert_string_equal(buf, "[fe80::1:2:3:4]:22");
	set_v6(a, "2001:db8:85a3:1:2:8a2e:370:7334");
	fmt_sockaddr(buf, sizeof(buf), AF_INET6, a, 1);
	assert_string_equal(buf, "[2001:db8:85a3:1:2:8a2e:370:7334]:1");
	/* An IPv4 peer on a dual-stack socket. */
	set_v6(a, "::ffff:192.168.1.2");
	fmt_sockaddr(buf, sizeof(buf), AF_INET6, a, 8080);
	assert_string_equal(buf, "192.168.1.2:8080");
}

static void test_obj_ids(void **state)
{
	struct ipc_obj o;
	char buf[160];

	memset(&o, 0, sizeof(o));
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "?");

	o.kind = IPC_OBJ_PIPE;
	o.dev = DEV(0, 13);
	o.ino = 81234;
	assert_int_equal(fmt_obj(buf, sizeof(buf), &o, NULL), 12);
	assert_string_equal(buf, "pipe:[81234]");

	o.kind = IPC_OBJ_FIFO;
	o.dev = DEV(8, 1);
	o.ino = 5513;
	fmt_obj(buf, sizeof(buf), &o, "/tmp/f");
	assert_string_equal(buf, "fifo:[8:1/5513]");
	o.dev = DEV(259, 0xfffff);
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "fifo:[259:1048575/5513]");
	o.kind = IPC_OBJ_OTHER;
	o.dev = DEV(0, 25);
	o.ino = 3;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "other:[0:25/3]");

	memset(&o, 0, sizeof(o));
	o.kind = IPC_OBJ_UNIX;
	o.family = AF_UNIX;
	o.ino = 4411;
	fmt_obj(buf, sizeof(buf), &o, "/tmp/sock");
	assert_string_equal(buf, "unix:[4411]");
	o.peer_ino = 4412;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "unix:[4411]->[4412]");

	o.kind = IPC_OBJ_SOCK;
	o.family = AF_NETLINK;
	o.ino = 991;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "sock:[991]");

	memset(&o, 0, sizeof(o));
	o.kind = IPC_OBJ_MQ;
	o.ino = 3001;
	fmt_obj(buf, sizeof(buf), &o, "/jobs");
	assert_string_equal(buf, "mq:/jobs");
	fmt_obj(buf, sizeof(buf), &o, "");
	assert_string_equal(buf, "mq:[3001]");
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "mq:[3001]");

	memset(&o, 0, sizeof(o));
	o.kind = IPC_OBJ_FUTEX;
	o.ino = 0x7f12a4c0;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "futex:0x7f12a4c0");
	o.dev = DEV(8, 1);
	o.ino = 5513;
	o.peer_ino = 0x40;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "futex:[8:1/5513]+0x40");

	memset(&o, 0, sizeof(o));
	o.kind = IPC_OBJ_SEM;
	o.ino = 32769;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "sem:32769");
}

static void test_obj_ids_inet(void **state)
{
	struct ipc_obj o;
	char buf[160];

	memset(&o, 0, sizeof(o));
	o.kind = IPC_OBJ_TCP;
	o.family = AF_INET;
	set_v4(o.laddr, 127, 0, 0, 1);
	o.lport = 5000;
	set_v4(o.raddr, 127, 0, 0, 1);
	o.rport = 40312;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "tcp:127.0.0.1:5000->127.0.0.1:40312");
	/* Not connected: the local side only. */
	memset(o.raddr, 0, 16);
	o.rport = 0;
	set_v4(o.laddr, 0, 0, 0, 0);
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "tcp:0.0.0.0:5000");

	o.kind = IPC_OBJ_UDP;
	o.family = AF_INET6;
	set_v6(o.laddr, "::1");
	o.lport = 53;
	set_v6(o.raddr, "2001:db8::7");
	o.rport = 33000;
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "udp:[::1]:53->[2001:db8::7]:33000");

	o.kind = IPC_OBJ_INET;
	set_v6(o.laddr, "::ffff:10.1.2.3");
	set_v6(o.raddr, "::ffff:10.1.2.4");
	fmt_obj(buf, sizeof(buf), &o, NULL);
	assert_string_equal(buf, "inet:10.1.2.3:53->10.1.2.4:33000");
}

/* Events, one test per record type */

static void test_io_pipe(void **state)
{
	struct ipc_ev_io e;

	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_PIPE_WRITE, IPC_SYS_WRITE, 4242, 4242, "pingpong",
		 1234000);
	e.hdr.dur_ns = 2100;
	e.hdr.ret = 64;
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.dev = DEV(0, 13);
	e.obj.ino = 81234;
	e.fd = 4;
	e.req = 64;
	e.msgs = 1;
	e.bytes = 64;
	expect_text(&e, "0.001234 pingpong[4242/4242] pipe_write pipe:[81234] fd=4 len=64 = 64 "
		    "<2.1us>");
	expect_json(&e, "{\"ts_ns\":1001234000,\"pid\":4242,\"tid\":4242,\"comm\":\"pingpong\","
		    "\"op\":\"pipe_write\",\"obj\":\"pipe:[81234]\",\"ret\":64,\"sys\":\"write\","
		    "\"dur_ns\":2100,\"fd\":4,\"len\":64,\"bytes\":64}");

	/* A failed read: errno by name, no duration. */
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_PIPE_READ, IPC_SYS_READ, 4242, 4242, "pingpong",
		 8 * MS);
	e.hdr.dur_ns = 0;
	e.hdr.ret = -EAGAIN;
	e.fd = 3;
	e.req = 4096;
	e.msgs = 0;
	e.bytes = 0;
	expect_text(&e, "0.008000 pingpong[4242/4242] pipe_read pipe:[81234] fd=3 len=4096 = "
		    "-EAGAIN");
	expect_json(&e, "{\"ts_ns\":1008000000,\"pid\":4242,\"tid\":4242,\"comm\":\"pingpong\","
		    "\"op\":\"pipe_read\",\"obj\":\"pipe:[81234]\",\"ret\":-11,"
		    "\"errno\":\"EAGAIN\",\"sys\":\"read\",\"fd\":3,\"len\":4096,\"bytes\":0}");
	e.hdr.ret = INT64_MIN;
	expect_json(&e, "{\"ts_ns\":1008000000,\"pid\":4242,\"tid\":4242,\"comm\":\"pingpong\","
		    "\"op\":\"pipe_read\",\"obj\":\"pipe:[81234]\",\"ret\":-9223372036854775808,"
		    "\"errno\":\"9223372036854775808\",\"sys\":\"read\",\"fd\":3,\"len\":4096,"
		    "\"bytes\":0}");
	/* An errno without a name. */
	e.hdr.ret = -523;
	expect_text(&e, "0.008000 pingpong[4242/4242] pipe_read pipe:[81234] fd=3 len=4096 = -523");
	expect_json(&e, "{\"ts_ns\":1008000000,\"pid\":4242,\"tid\":4242,\"comm\":\"pingpong\","
		    "\"op\":\"pipe_read\",\"obj\":\"pipe:[81234]\",\"ret\":-523,\"errno\":\"523\","
		    "\"sys\":\"read\",\"fd\":3,\"len\":4096,\"bytes\":0}");
}

static void test_io_socket(void **state)
{
	struct ipc_ev_io e;

	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_SOCK_RECV, IPC_SYS_RECVFROM, 300, 300, "srv", 4 * MS);
	e.hdr.dur_ns = 8000;
	e.hdr.ret = 128;
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.sock_type = SOCK_STREAM;
	e.obj.family = AF_UNIX;
	e.obj.ino = 4411;
	e.obj.peer_ino = 4412;
	e.obj.peer_pid = 301;
	e.fd = 5;
	e.req = 4096;
	e.msgs = 1;
	e.bytes = 128;
	expect_text(&e, "0.004000 srv[300/300] sock_recv unix:[4411]->[4412] fd=5 len=4096 "
		    "peer=301 = 128 <8.0us>");
	expect_json(&e, "{\"ts_ns\":1004000000,\"pid\":300,\"tid\":300,\"comm\":\"srv\","
		    "\"op\":\"sock_recv\",\"obj\":\"unix:[4411]->[4412]\",\"ret\":128,"
		    "\"sys\":\"recvfrom\",\"dur_ns\":8000,\"fd\":5,\"len\":4096,\"bytes\":128,"
		    "\"peer\":{\"pid\":301,\"obj\":\"unix:[4412]\"}}");

	/* recvmmsg on a connected UDP socket. */
	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_SOCK_RECV, IPC_SYS_RECVMMSG, 300, 302, "srv", 5 * MS);
	e.hdr.ret = 3;
	e.obj.kind = IPC_OBJ_UDP;
	e.obj.family = AF_INET;
	e.obj.sock_type = SOCK_DGRAM;
	set_v4(e.obj.laddr, 10, 0, 0, 1);
	e.obj.lport = 53;
	set_v4(e.obj.raddr, 10, 0, 0, 2);
	e.obj.rport = 5353;
	e.fd = 6;
	e.vlen = 8;
	e.req = 4096;
	e.msgs = 3;
	e.msg_flags = MSG_DONTWAIT;
	e.bytes = 300;
	expect_text(&e, "0.005000 srv[300/302] sock_recv udp:10.0.0.1:53->10.0.0.2:5353 fd=6 "
		    "len=4096 vlen=8 msgs=3 flags=0x40 = 3");
	expect_json(&e, "{\"ts_ns\":1005000000,\"pid\":300,\"tid\":302,\"comm\":\"srv\","
		    "\"op\":\"sock_recv\",\"obj\":\"udp:10.0.0.1:53->10.0.0.2:5353\",\"ret\":3,"
		    "\"sys\":\"recvmmsg\",\"fd\":6,\"len\":4096,\"bytes\":300,\"vlen\":8,"
		    "\"msgs\":3,\"msg_flags\":64,\"peer\":{\"addr\":\"10.0.0.2:5353\"}}");

	/* Seen only because it used a watched socket; with a stack. */
	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_SOCK_SEND, IPC_SYS_SENDTO, 301, 301, "cli", 6 * MS);
	e.hdr.flags = IPC_EVF_PEER;
	e.hdr.stack_id = 12;
	e.hdr.ret = 4;
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.family = AF_UNIX;
	e.obj.ino = 4412;
	e.fd = 3;
	e.req = 4;
	e.msgs = 1;
	e.bytes = 4;
	expect_text(&e, "0.006000 cli[301/301] sock_send unix:[4412] fd=3 len=4 = 4 peer_side");
	expect_json(&e, "{\"ts_ns\":1006000000,\"pid\":301,\"tid\":301,\"comm\":\"cli\","
		    "\"op\":\"sock_send\",\"obj\":\"unix:[4412]\",\"ret\":4,\"sys\":\"sendto\","
		    "\"peer_side\":true,\"stack_id\":12,\"fd\":3,\"len\":4,\"bytes\":4}");
}

static void fd_ev(struct ipc_ev_fd *e, unsigned int op, unsigned int sys, int64_t ret)
{
	memset(e, 0, sizeof(*e));
	hdr_init(&e->hdr, IPC_REC_FD, op, sys, 500, 500, "app", 10 * MS);
	e->hdr.ret = ret;
}

#define FD_JSON_HEAD "{\"ts_ns\":1010000000,\"pid\":500,\"tid\":500,\"comm\":\"app\","

static void test_fd_pipe_fifo(void **state)
{
	struct ipc_ev_fd e;

	fd_ev(&e, IPC_OP_PIPE_CREATE, IPC_SYS_PIPE2, 0);
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.ino = 555;
	e.fd = 3;
	e.fd2 = 4;
	e.arg = O_CLOEXEC;
	expect_text(&e, "0.010000 app[500/500] pipe_create pipe:[555] fds=[3,4] flags=O_CLOEXEC "
		    "= 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"pipe_create\",\"obj\":\"pipe:[555]\",\"ret\":0,"
		    "\"sys\":\"pipe2\",\"fds\":[3,4],\"flags\":\"O_CLOEXEC\"}");

	fd_ev(&e, IPC_OP_PIPE_CREATE, IPC_SYS_PIPE, -EMFILE);
	expect_text(&e, "0.010000 app[500/500] pipe_create ? = -EMFILE");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"pipe_create\",\"obj\":\"?\",\"ret\":-24,"
		    "\"errno\":\"EMFILE\",\"sys\":\"pipe\"}");

	fd_ev(&e, IPC_OP_FIFO_OPEN, IPC_SYS_OPENAT, 3);
	e.hdr.dur_ns = 15000;
	e.hdr.flags = IPC_EVF_BLOCKED;
	e.obj.kind = IPC_OBJ_FIFO;
	e.obj.dev = DEV(8, 1);
	e.obj.ino = 5513;
	e.fd = 3;
	e.arg = O_WRONLY;
	strcpy(e.name, "/tmp/f");
	expect_text(&e, "0.010000 app[500/500] fifo_open fifo:[8:1/5513] fd=3 path=/tmp/f "
		    "flags=O_WRONLY = 3 <15.0us> blocked");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"fifo_open\",\"obj\":\"fifo:[8:1/5513]\",\"ret\":3,"
		    "\"sys\":\"openat\",\"dur_ns\":15000,\"blocked\":true,\"fd\":3,"
		    "\"path\":\"/tmp/f\",\"flags\":\"O_WRONLY\"}");
}

static void test_fd_close_dup(void **state)
{
	struct ipc_ev_fd e;

	fd_ev(&e, IPC_OP_FD_CLOSE, IPC_SYS_CLOSE, 0);
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.ino = 81234;
	e.fd = 4;
	expect_text(&e, "0.010000 app[500/500] fd_close pipe:[81234] fd=4 = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"fd_close\",\"obj\":\"pipe:[81234]\",\"ret\":0,"
		    "\"sys\":\"close\",\"fd\":4}");

	fd_ev(&e, IPC_OP_FD_DUP, IPC_SYS_DUP3, 10);
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.ino = 81234;
	e.fd = 10;
	e.fd2 = 4;
	e.arg = O_CLOEXEC;
	expect_text(&e, "0.010000 app[500/500] fd_dup pipe:[81234] fd=4->10 flags=O_CLOEXEC = 10");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"fd_dup\",\"obj\":\"pipe:[81234]\",\"ret\":10,"
		    "\"sys\":\"dup3\",\"fd\":10,\"old_fd\":4,\"flags\":\"O_CLOEXEC\"}");

	/* close_range names no object: the fds, the last one as strace writes ~0U */
	fd_ev(&e, IPC_OP_FD_CLOSE_RANGE, IPC_SYS_CLOSE_RANGE, 0);
	e.fd = 3;
	e.arg2 = UINT32_MAX;
	expect_text(&e, "0.010000 app[500/500] fd_close_range ? fds=3..~0U = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"fd_close_range\",\"obj\":\"?\",\"ret\":0,"
		    "\"sys\":\"close_range\",\"fd\":3,\"last_fd\":4294967295}");
	e.fd = 5;
	e.arg2 = 9;
	e.arg = CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE | 0x100;
	expect_text(&e, "0.010000 app[500/500] fd_close_range ? fds=5..9 "
		    "flags=CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC|0x100 = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"fd_close_range\",\"obj\":\"?\",\"ret\":0,"
		    "\"sys\":\"close_range\",\"fd\":5,\"last_fd\":9,"
		    "\"flags\":\"CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC|0x100\"}");

	fd_ev(&e, IPC_OP_FD_SETFD, IPC_SYS_FCNTL, 0);
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.ino = 81234;
	e.fd = 4;
	e.arg = FD_CLOEXEC;
	expect_text(&e, "0.010000 app[500/500] fd_setfd pipe:[81234] fd=4 fd_flags=FD_CLOEXEC = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"fd_setfd\",\"obj\":\"pipe:[81234]\",\"ret\":0,"
		    "\"sys\":\"fcntl\",\"fd\":4,\"fd_flags\":\"FD_CLOEXEC\"}");
	e.arg = 0;
	expect_text(&e, "0.010000 app[500/500] fd_setfd pipe:[81234] fd=4 fd_flags=0 = 0");
	e.arg = FD_CLOEXEC | 0x10;
	expect_text(&e, "0.010000 app[500/500] fd_setfd pipe:[81234] fd=4 "
		    "fd_flags=FD_CLOEXEC|0x10 = 0");

	fd_ev(&e, IPC_OP_FD_DUP, IPC_SYS_DUP, -EMFILE);
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.ino = 81234;
	e.fd = -EMFILE;
	e.fd2 = 4;
	expect_text(&e, "0.010000 app[500/500] fd_dup pipe:[81234] fd=4 = -EMFILE");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"fd_dup\",\"obj\":\"pipe:[81234]\",\"ret\":-24,"
		    "\"errno\":\"EMFILE\",\"sys\":\"dup\",\"old_fd\":4}");
}

static void test_fd_socket_setup(void **state)
{
	struct ipc_ev_fd e;

	fd_ev(&e, IPC_OP_SOCK_CREATE, IPC_SYS_SOCKET, 3);
	e.obj.kind = IPC_OBJ_UDP;
	e.obj.family = AF_INET;
	e.obj.sock_type = SOCK_DGRAM;
	e.obj.ino = 9001;
	e.fd = 3;
	e.arg = AF_INET;
	e.arg2 = SOCK_DGRAM | SOCK_CLOEXEC;
	expect_text(&e, "0.010000 app[500/500] sock_create udp:0.0.0.0:0 fd=3 family=AF_INET "
		    "type=SOCK_DGRAM|SOCK_CLOEXEC = 3");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_create\",\"obj\":\"udp:0.0.0.0:0\",\"ret\":3,"
		    "\"sys\":\"socket\",\"fd\":3,\"family\":\"AF_INET\","
		    "\"sock_type\":\"SOCK_DGRAM|SOCK_CLOEXEC\"}");

	/* A failed socket(): no object, the family and type still known. */
	fd_ev(&e, IPC_OP_SOCK_CREATE, IPC_SYS_SOCKET, -EAFNOSUPPORT);
	e.fd = -EAFNOSUPPORT;
	e.arg = AF_INET6;
	e.arg2 = SOCK_STREAM;
	expect_text(&e, "0.010000 app[500/500] sock_create ? family=AF_INET6 type=SOCK_STREAM = "
		    "-EAFNOSUPPORT");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_create\",\"obj\":\"?\",\"ret\":-97,"
		    "\"errno\":\"EAFNOSUPPORT\",\"sys\":\"socket\",\"family\":\"AF_INET6\","
		    "\"sock_type\":\"SOCK_STREAM\"}");

	fd_ev(&e, IPC_OP_SOCK_PAIR, IPC_SYS_SOCKETPAIR, 0);
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.family = AF_UNIX;
	e.obj.ino = 10;
	e.obj.peer_ino = 11;
	e.obj2 = e.obj;
	e.obj2.ino = 11;
	e.obj2.peer_ino = 10;
	e.fd = 3;
	e.fd2 = 4;
	e.arg = AF_UNIX;
	e.arg2 = SOCK_STREAM;
	expect_text(&e, "0.010000 app[500/500] sock_pair unix:[10]->[11] fds=[3,4] "
		    "pair=unix:[11] family=AF_UNIX type=SOCK_STREAM = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_pair\",\"obj\":\"unix:[10]->[11]\",\"ret\":0,"
		    "\"sys\":\"socketpair\",\"fds\":[3,4],\"family\":\"AF_UNIX\","
		    "\"sock_type\":\"SOCK_STREAM\",\"obj2\":\"unix:[11]\"}");

	fd_ev(&e, IPC_OP_SOCK_BIND, IPC_SYS_BIND, 0);
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.family = AF_UNIX;
	e.obj.ino = 4410;
	e.fd = 3;
	strcpy(e.name, "/tmp/sock");
	expect_text(&e, "0.010000 app[500/500] sock_bind unix:[4410] fd=3 path=/tmp/sock = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_bind\",\"obj\":\"unix:[4410]\",\"ret\":0,"
		    "\"sys\":\"bind\",\"fd\":3,\"path\":\"/tmp/sock\"}");

	fd_ev(&e, IPC_OP_SOCK_BIND, IPC_SYS_BIND, -EADDRINUSE);
	e.obj.kind = IPC_OBJ_TCP;
	e.obj.family = AF_INET;
	set_v4(e.obj.laddr, 127, 0, 0, 1);
	e.obj.lport = 5000;
	e.fd = 3;
	expect_text(&e, "0.010000 app[500/500] sock_bind tcp:127.0.0.1:5000 fd=3 "
		    "addr=127.0.0.1:5000 = -EADDRINUSE");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_bind\",\"obj\":\"tcp:127.0.0.1:5000\","
		    "\"ret\":-98,\"errno\":\"EADDRINUSE\",\"sys\":\"bind\",\"fd\":3,"
		    "\"addr\":\"127.0.0.1:5000\"}");

	/* listen() gives a unix socket its own pid as peer: not shown. */
	fd_ev(&e, IPC_OP_SOCK_LISTEN, IPC_SYS_LISTEN, 0);
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.family = AF_UNIX;
	e.obj.ino = 4410;
	e.obj.peer_pid = 500;
	e.fd = 3;
	e.arg = 5;
	expect_text(&e, "0.010000 app[500/500] sock_listen unix:[4410] fd=3 backlog=5 = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_listen\",\"obj\":\"unix:[4410]\","
		    "\"ret\":0,\"sys\":\"listen\",\"fd\":3,\"backlog\":5}");

	fd_ev(&e, IPC_OP_SOCK_LISTEN, IPC_SYS_LISTEN, 0);
	e.obj.kind = IPC_OBJ_TCP;
	e.obj.family = AF_INET;
	e.obj.lport = 5000;
	e.fd = 3;
	e.arg = 128;
	expect_text(&e, "0.010000 app[500/500] sock_listen tcp:0.0.0.0:5000 fd=3 backlog=128 = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_listen\",\"obj\":\"tcp:0.0.0.0:5000\","
		    "\"ret\":0,\"sys\":\"listen\",\"fd\":3,\"backlog\":128}");
}

static void test_fd_socket_connect(void **state)
{
	struct ipc_ev_fd e;

	fd_ev(&e, IPC_OP_SOCK_ACCEPT, IPC_SYS_ACCEPT4, 5);
	e.hdr.dur_ns = 2 * MS;
	e.hdr.flags = IPC_EVF_BLOCKED;
	e.obj.kind = IPC_OBJ_TCP;
	e.obj.family = AF_INET;
	set_v4(e.obj.laddr, 127, 0, 0, 1);
	e.obj.lport = 5000;
	set_v4(e.obj.raddr, 127, 0, 0, 1);
	e.obj.rport = 40312;
	e.obj2.kind = IPC_OBJ_TCP;
	e.obj2.family = AF_INET;
	e.obj2.lport = 5000;
	e.fd = 5;
	e.fd2 = 3;
	expect_text(&e, "0.010000 app[500/500] sock_accept tcp:127.0.0.1:5000->127.0.0.1:40312 "
		    "fd=5 listen_fd=3 listener=tcp:0.0.0.0:5000 = 5 <2.00ms> blocked");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_accept\","
		    "\"obj\":\"tcp:127.0.0.1:5000->127.0.0.1:40312\",\"ret\":5,"
		    "\"sys\":\"accept4\",\"dur_ns\":2000000,\"blocked\":true,\"fd\":5,"
		    "\"listen_fd\":3,\"obj2\":\"tcp:0.0.0.0:5000\","
		    "\"peer\":{\"addr\":\"127.0.0.1:40312\"}}");

	fd_ev(&e, IPC_OP_SOCK_CONNECT, IPC_SYS_CONNECT, 0);
	e.obj.kind = IPC_OBJ_TCP;
	e.obj.family = AF_INET6;
	set_v6(e.obj.laddr, "::1");
	e.obj.lport = 40312;
	set_v6(e.obj.raddr, "::1");
	e.obj.rport = 5000;
	e.fd = 3;
	expect_text(&e, "0.010000 app[500/500] sock_connect tcp:[::1]:5000->[::1]:40312 fd=3 "
		    "addr=[::1]:5000 = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_connect\","
		    "\"obj\":\"tcp:[::1]:5000->[::1]:40312\",\"ret\":0,\"sys\":\"connect\","
		    "\"fd\":3,\"addr\":\"[::1]:5000\",\"peer\":{\"addr\":\"[::1]:5000\"}}");

	fd_ev(&e, IPC_OP_SOCK_CONNECT, IPC_SYS_CONNECT, 0);
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.family = AF_UNIX;
	e.obj.ino = 4420;
	e.obj.peer_ino = 4421;
	e.obj.peer_pid = 300;
	e.fd = 4;
	strcpy(e.name, "/tmp/sock");
	expect_text(&e, "0.010000 app[500/500] sock_connect unix:[4420]->[4421] fd=4 "
		    "path=/tmp/sock peer=300 = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_connect\",\"obj\":\"unix:[4420]->[4421]\","
		    "\"ret\":0,\"sys\":\"connect\",\"fd\":4,\"path\":\"/tmp/sock\","
		    "\"peer\":{\"pid\":300,\"obj\":\"unix:[4421]\"}}");

	fd_ev(&e, IPC_OP_SOCK_SHUTDOWN, IPC_SYS_SHUTDOWN, 0);
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.family = AF_UNIX;
	e.obj.ino = 4420;
	e.obj.peer_ino = 4421;
	e.obj.peer_pid = 300;
	e.fd = 4;
	e.arg = SHUT_WR;
	expect_text(&e, "0.010000 app[500/500] sock_shutdown unix:[4420]->[4421] fd=4 how=SHUT_WR "
		    "peer=300 = 0");
	expect_json(&e, FD_JSON_HEAD "\"op\":\"sock_shutdown\",\"obj\":\"unix:[4420]->[4421]\","
		    "\"ret\":0,\"sys\":\"shutdown\",\"fd\":4,\"how\":\"SHUT_WR\","
		    "\"peer\":{\"pid\":300,\"obj\":\"unix:[4421]\"}}");
}

static void mq_ev(struct ipc_ev_mq *e, unsigned int op, unsigned int sys, int64_t ret)
{
	memset(e, 0, sizeof(*e));
	hdr_init(&e->hdr, IPC_REC_MQ, op, sys, 600, 600, "mqapp", 20 * MS);
	e->hdr.ret = ret;
	e->obj.kind = IPC_OBJ_MQ;
	e->obj.dev = DEV(0, 17);
	e->obj.ino = 3001;
	e->mqd = 3;
	e->timeout_ns = -1;
	e->curmsgs = -1;
	e->notify = -1;
	strcpy(e->name, "/jobs");
}

#define MQ_JSON_HEAD "{\"ts_ns\":1020000000,\"pid\":600,\"tid\":600,\"comm\":\"mqapp\","

static void test_mq(void **state)
{
	struct ipc_ev_mq e;

	mq_ev(&e, IPC_OP_MQ_OPEN, IPC_SYS_MQ_OPEN, 3);
	e.oflag = O_RDWR | O_CREAT;
	e.mode = 0600;
	expect_text(&e, "0.020000 mqapp[600/600] mq_open mq:/jobs mqd=3 flags=O_RDWR|O_CREAT "
		    "mode=0600 = 3");
	expect_json(&e, MQ_JSON_HEAD "\"op\":\"mq_open\",\"obj\":\"mq:/jobs\",\"ret\":3,"
		    "\"sys\":\"mq_open\",\"mq\":\"/jobs\",\"mqd\":3,\"flags\":\"O_RDWR|O_CREAT\","
		    "\"mode\":384}");

	mq_ev(&e, IPC_OP_MQ_SEND, IPC_SYS_MQ_TIMEDSEND, 0);
	e.len = 64;
	e.prio = 1;
	e.curmsgs = 2;
	expect_text(&e, "0.020000 mqapp[600/600] mq_send mq:/jobs mqd=3 len=64 prio=1 curmsgs=2 "
		    "= 0");
	expect_json(&e, MQ_JSON_HEAD "\"op\":\"mq_send\",\"obj\":\"mq:/jobs\",\"ret\":0,"
		    "\"sys\":\"mq_timedsend\",\"mq\":\"/jobs\",\"mqd\":3,\"len\":64,\"bytes\":64,"
		    "\"prio\":1,\"curmsgs\":2}");

	/* A receive that timed out, on a queue whose name the probe did not get. */
	mq_ev(&e, IPC_OP_MQ_RECEIVE, IPC_SYS_MQ_TIMEDRECEIVE, -ETIMEDOUT);
	e.name[0] = '\0';
	e.len = 8192;
	e.prio = 7;
	e.timeout_ns = 5000000000ll;
	e.curmsgs = 0;
	e.hdr.dur_ns = 5000000000ull;
	e.hdr.flags = IPC_EVF_BLOCKED;
	expect_text(&e, "0.020000 mqapp[600/600] mq_receive mq:[3001] mqd=3 len=8192 curmsgs=0 = "
		    "-ETIMEDOUT <5.000s> blocked");
	expect_json(&e, MQ_JSON_HEAD "\"op\":\"mq_receive\",\"obj\":\"mq:[3001]\",\"ret\":-110,"
		    "\"errno\":\"ETIMEDOUT\",\"sys\":\"mq_timedreceive\",\"dur_ns\":5000000000,"
		    "\"blocked\":true,\"mqd\":3,\"len\":8192,\"bytes\":0,"
		    "\"timeout_ns\":5000000000,\"curmsgs\":0}");

	mq_ev(&e, IPC_OP_MQ_RECEIVE, IPC_SYS_MQ_TIMEDRECEIVE, 37);
	e.len = 8192;
	e.prio = 7;
	expect_text(&e, "0.020000 mqapp[600/600] mq_receive mq:/jobs mqd=3 len=8192 prio=7 = 37");
	expect_json(&e, MQ_JSON_HEAD "\"op\":\"mq_receive\",\"obj\":\"mq:/jobs\",\"ret\":37,"
		    "\"sys\":\"mq_timedreceive\",\"mq\":\"/jobs\",\"mqd\":3,\"len\":8192,"
		    "\"bytes\":37,\"prio\":7}");
}

static void test_mq_admin(void **state)
{
	struct ipc_ev_mq e;

	mq_ev(&e, IPC_OP_MQ_NOTIFY, IPC_SYS_MQ_NOTIFY, 0);
	e.notify = 0;
	e.notify_sig = 12;
	expect_text(&e, "0.020000 mqapp[600/600] mq_notify mq:/jobs mqd=3 notify=SIGEV_SIGNAL "
		    "sig=SIGUSR2 = 0");
	expect_json(&e, MQ_JSON_HEAD "\"op\":\"mq_notify\",\"obj\":\"mq:/jobs\",\"ret\":0,"
		    "\"sys\":\"mq_notify\",\"mq\":\"/jobs\",\"mqd\":3,\"notify\":\"SIGEV_SIGNAL\","
		    "\"notify_sig\":\"SIGUSR2\"}");
	e.notify = -1;
	expect_text(&e, "0.020000 mqapp[600/600] mq_notify mq:/jobs mqd=3 notify=none = 0");
	e.notify = 2;
	expect_text(&e, "0.020000 mqapp[600/600] mq_notify mq:/jobs mqd=3 notify=SIGEV_THREAD = 0");

	/* mq_unlink has no fd, so no object: the name says which queue. */
	mq_ev(&e, IPC_OP_MQ_UNLINK, IPC_SYS_MQ_UNLINK, -ENOENT);
	memset(&e.obj, 0, sizeof(e.obj));
	e.mqd = -1;
	expect_text(&e, "0.020000 mqapp[600/600] mq_unlink mq:/jobs = -ENOENT");
	expect_json(&e, MQ_JSON_HEAD "\"op\":\"mq_unlink\",\"obj\":\"mq:/jobs\",\"ret\":-2,"
		    "\"errno\":\"ENOENT\",\"sys\":\"mq_unlink\",\"mq\":\"/jobs\"}");

	mq_ev(&e, IPC_OP_MQ_GETSETATTR, IPC_SYS_MQ_GETSETATTR, 0);
	e.curmsgs = 4;
	expect_text(&e, "0.020000 mqapp[600/600] mq_getsetattr mq:/jobs mqd=3 curmsgs=4 = 0");
	expect_json(&e, MQ_JSON_HEAD "\"op\":\"mq_getsetattr\",\"obj\":\"mq:/jobs\",\"ret\":0,"
		    "\"sys\":\"mq_getsetattr\",\"mq\":\"/jobs\",\"mqd\":3,\"curmsgs\":4}");
}

static void futex_ev(struct ipc_ev_futex *f, unsigned int op, unsigned int sys, uint32_t tid,
		     int64_t ret)
{
	memset(f, 0, sizeof(*f));
	hdr_init(&f->hdr, IPC_REC_FUTEX, op, sys, 100, tid, "worker", 2 * MS);
	f->hdr.ret = ret;
}

#define FUTEX_JSON_HEAD(tid) \
	"{\"ts_ns\":1002000000,\"pid\":100,\"tid\":" #tid ",\"comm\":\"worker\","

static void test_futex_wait_wake(void **state)
{
	struct ipc_ev_futex f;

	futex_ev(&f, IPC_OP_FUTEX_WAIT, IPC_SYS_FUTEX, 103, 0);
	f.hdr.dur_ns = 1200000;
	f.hdr.flags = IPC_EVF_BLOCKED;
	f.hdr.stack_id = 7;
	f.uaddr = 0x7f12a4c0;
	f.cmd = 9 | 128;
	f.val = 2;
	f.val3 = 0xffffffff;
	f.word = 2;
	f.fflags = IPC_FUTEX_PRIVATE | IPC_FUTEX_WORD_OK;
	expect_text(&f, "0.002000 worker[100/103] futex_wait futex:0x7f12a4c0 "
		    "FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG val=2 = 0 <1.20ms> blocked");
	expect_json(&f, FUTEX_JSON_HEAD(103) "\"op\":\"futex_wait\",\"obj\":\"futex:0x7f12a4c0\","
		    "\"ret\":0,\"sys\":\"futex\",\"dur_ns\":1200000,\"blocked\":true,"
		    "\"stack_id\":7,\"uaddr\":\"0x7f12a4c0\","
		    "\"futex_cmd\":\"FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG\",\"val\":2,\"val2\":0,"
		    "\"val3\":4294967295,\"word\":2,\"private\":true}");

	/* A bitset other than "any", a timeout, and the word already changed. */
	futex_ev(&f, IPC_OP_FUTEX_WAIT, IPC_SYS_FUTEX, 103, -EAGAIN);
	f.uaddr = 0x1000;
	f.cmd = 9 | 256;
	f.val3 = 0x1;
	f.timeout_ns = 5000;
	f.fflags = IPC_FUTEX_CLOCK_RT | IPC_FUTEX_TIMEOUT;
	expect_text(&f, "0.002000 worker[100/103] futex_wait futex:0x1000 "
		    "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME val=0 bitset=0x1 = -EAGAIN");
	expect_json(&f, FUTEX_JSON_HEAD(103) "\"op\":\"futex_wait\",\"obj\":\"futex:0x1000\","
		    "\"ret\":-11,\"errno\":\"EAGAIN\",\"sys\":\"futex\",\"uaddr\":\"0x1000\","
		    "\"futex_cmd\":\"FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME\",\"val\":0,"
		    "\"val2\":0,\"val3\":1,\"clock_realtime\":true,\"timeout_ns\":5000}");

	futex_ev(&f, IPC_OP_FUTEX_WAKE, IPC_SYS_FUTEX, 101, 1);
	f.uaddr = 0x7f12a4c0;
	f.cmd = 1 | 128;
	f.val = 1;
	f.fflags = IPC_FUTEX_PRIVATE;
	expect_text(&f, "0.002000 worker[100/101] futex_wake futex:0x7f12a4c0 "
		    "FUTEX_WAKE|FUTEX_PRIVATE_FLAG val=1 = 1");
	expect_json(&f, FUTEX_JSON_HEAD(101) "\"op\":\"futex_wake\",\"obj\":\"futex:0x7f12a4c0\","
		    "\"ret\":1,\"sys\":\"futex\",\"uaddr\":\"0x7f12a4c0\","
		    "\"futex_cmd\":\"FUTEX_WAKE|FUTEX_PRIVATE_FLAG\",\"val\":1,\"val2\":0,"
		    "\"val3\":0,\"woke\":1,\"private\":true}");

	futex_ev(&f, IPC_OP_FUTEX_WAKE_OP, IPC_SYS_FUTEX, 101, 2);
	f.uaddr = 0x1000;
	f.uaddr2 = 0x2000;
	f.cmd = 5 | 128;
	f.val = 1;
	f.val2 = 1;
	f.val3 = 0x4000001;
	f.fflags = IPC_FUTEX_PRIVATE;
	expect_text(&f, "0.002000 worker[100/101] futex_wake_op futex:0x1000 "
		    "FUTEX_WAKE_OP|FUTEX_PRIVATE_FLAG val=1 val2=1 uaddr2=0x2000 op=0x4000001 = 2");
	expect_json(&f, FUTEX_JSON_HEAD(101) "\"op\":\"futex_wake_op\",\"obj\":\"futex:0x1000\","
		    "\"ret\":2,\"sys\":\"futex\",\"uaddr\":\"0x1000\","
		    "\"futex_cmd\":\"FUTEX_WAKE_OP|FUTEX_PRIVATE_FLAG\",\"val\":1,\"val2\":1,"
		    "\"val3\":67108865,\"uaddr2\":\"0x2000\",\"woke\":2,\"private\":true}");
}

static void test_futex_pi_requeue(void **state)
{
	struct ipc_ev_futex f;

	futex_ev(&f, IPC_OP_FUTEX_LOCK_PI, IPC_SYS_FUTEX, 102, 0);
	f.hdr.dur_ns = 5000;
	f.hdr.flags = IPC_EVF_BLOCKED;
	f.uaddr = 0x601040;
	f.cmd = 6 | 128;
	f.word = 0x80000000u | 1234;	/* FUTEX_WAITERS | owner tid */
	f.fflags = IPC_FUTEX_PRIVATE | IPC_FUTEX_WORD_OK;
	expect_text(&f, "0.002000 worker[100/102] futex_lock_pi futex:0x601040 "
		    "FUTEX_LOCK_PI|FUTEX_PRIVATE_FLAG owner=1234 = 0 <5.0us> blocked");
	expect_json(&f, FUTEX_JSON_HEAD(102) "\"op\":\"futex_lock_pi\",\"obj\":\"futex:0x601040\","
		    "\"ret\":0,\"sys\":\"futex\",\"dur_ns\":5000,\"blocked\":true,"
		    "\"uaddr\":\"0x601040\",\"futex_cmd\":\"FUTEX_LOCK_PI|FUTEX_PRIVATE_FLAG\","
		    "\"val\":0,\"val2\":0,\"val3\":0,\"word\":2147484882,\"owner_tid\":1234,"
		    "\"private\":true}");

	/* A shared futex: named by its backing inode and offset. */
	futex_ev(&f, IPC_OP_FUTEX_REQUEUE, IPC_SYS_FUTEX, 101, 1);
	f.uaddr = 0x7f0000001040;
	f.uaddr2 = 0x7f0000001044;
	f.cmd = 4;
	f.val = 1;
	f.val2 = 0x7fffffff;
	f.fflags = IPC_FUTEX_SHARED_KEY;
	f.key_dev = DEV(0, 5);
	f.key_ino = 777;
	f.key_off = 0x40;
	expect_text(&f, "0.002000 worker[100/101] futex_requeue futex:[0:5/777]+0x40 "
		    "FUTEX_CMP_REQUEUE uaddr=0x7f0000001040 val=1 requeue=2147483647 "
		    "uaddr2=0x7f0000001044 cmp=0 = 1");
	expect_json(&f, FUTEX_JSON_HEAD(101) "\"op\":\"futex_requeue\","
		    "\"obj\":\"futex:[0:5/777]+0x40\",\"ret\":1,\"sys\":\"futex\","
		    "\"uaddr\":\"0x7f0000001040\",\"futex_cmd\":\"FUTEX_CMP_REQUEUE\",\"val\":1,"
		    "\"val2\":2147483647,\"val3\":0,\"uaddr2\":\"0x7f0000001044\","
		    "\"key_dev\":\"0:5\",\"key_ino\":777,\"key_off\":64}");

	futex_ev(&f, IPC_OP_FUTEX_WAITV, IPC_SYS_FUTEX_WAITV, 104, 1);
	f.uaddr = 0x1000;
	f.nr = 2;
	f.fflags = IPC_FUTEX_PRIVATE;
	expect_text(&f, "0.002000 worker[100/104] futex_waitv futex:0x1000 "
		    "futex_waitv|FUTEX2_PRIVATE nr=2 = 1");
	expect_json(&f, FUTEX_JSON_HEAD(104) "\"op\":\"futex_waitv\",\"obj\":\"futex:0x1000\","
		    "\"ret\":1,\"sys\":\"futex_waitv\",\"uaddr\":\"0x1000\",\"val\":0,\"val2\":0,"
		    "\"val3\":0,\"nr\":2,\"private\":true}");

	futex_ev(&f, IPC_OP_FUTEX_OTHER, IPC_SYS_FUTEX, 104, -ENOSYS);
	f.uaddr = 0x1000;
	f.cmd = 0x1f;
	f.val = 3;
	expect_text(&f, "0.002000 worker[100/104] futex_other futex:0x1000 FUTEX_0x1f val=3 = "
		    "-ENOSYS");
}

static void sig_ev(struct ipc_ev_signal *s, unsigned int op, unsigned int sys, int sig,
		   int tpid, int ttid, const char *tcomm)
{
	memset(s, 0, sizeof(*s));
	hdr_init(&s->hdr, IPC_REC_SIGNAL, op, sys, 200, 200, "ping", 3 * MS);
	s->sig = sig;
	s->target_pid = tpid;
	s->target_tid = ttid;
	s->result = -1;
	s->sender_pid = 200;
	snprintf(s->target_comm, sizeof(s->target_comm), "%s", tcomm);
}

#define SIG_JSON_HEAD(ms) "{\"ts_ns\":10030" #ms "0000,\"pid\":200,\"tid\":200,\"comm\":\"ping\","

static void test_signal_send(void **state)
{
	struct ipc_ev_signal s;

	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_KILL, 10, 201, 0, "pong");
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGUSR1 -> 201 (pong) = 0");
	expect_json(&s, SIG_JSON_HEAD(0) "\"op\":\"signal_send\",\"obj\":\"SIGUSR1 -> 201\","
		    "\"ret\":0,\"sys\":\"kill\",\"sig\":\"SIGUSR1\",\"signo\":10,"
		    "\"target_pid\":201,\"target_tid\":0,\"target_comm\":\"pong\"}");

	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_TGKILL, 12, 201, 205, "pong");
	s.code = -6;
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGUSR2 -> 201 (pong) tid=205 = 0");
	/* tkill names only a thread. */
	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_TKILL, 12, 0, 205, "");
	s.code = -6;
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGUSR2 -> 205 = 0");
	expect_json(&s, SIG_JSON_HEAD(0) "\"op\":\"signal_send\",\"obj\":\"SIGUSR2 -> 205\","
		    "\"ret\":0,\"sys\":\"tkill\",\"sig\":\"SIGUSR2\",\"signo\":12,"
		    "\"target_pid\":0,\"target_tid\":205}");
	/* pidfd_send_signal: the code only when a siginfo was passed. */
	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_PIDFD_SEND_SIGNAL, 9, 201, 0, "");
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGKILL -> 201 = 0");
	s.code = -1;
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGKILL -> 201 code=SI_QUEUE = 0");

	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_RT_SIGQUEUEINFO, 34, 201, 0, "pong");
	s.code = -1;
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGRTMIN+2 -> 201 (pong) "
		    "code=SI_QUEUE = 0");
	expect_json(&s, SIG_JSON_HEAD(0) "\"op\":\"signal_send\",\"obj\":\"SIGRTMIN+2 -> 201\","
		    "\"ret\":0,\"sys\":\"rt_sigqueueinfo\",\"sig\":\"SIGRTMIN+2\",\"signo\":34,"
		    "\"code\":\"SI_QUEUE\",\"target_pid\":201,\"target_tid\":0,"
		    "\"target_comm\":\"pong\"}");

	/* No such process: no name to give. */
	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_KILL, 15, 999, 0, "");
	s.hdr.ret = -ESRCH;
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGTERM -> 999 = -ESRCH");
	expect_json(&s, SIG_JSON_HEAD(0) "\"op\":\"signal_send\",\"obj\":\"SIGTERM -> 999\","
		    "\"ret\":-3,\"errno\":\"ESRCH\",\"sys\":\"kill\",\"sig\":\"SIGTERM\","
		    "\"signo\":15,\"target_pid\":999,\"target_tid\":0}");

	/* Process group, and the null signal. */
	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_KILL, 1, -300, 0, "");
	expect_text(&s, "0.003000 ping[200/200] signal_send SIGHUP -> -300 = 0");
	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_KILL, 0, 201, 0, "pong");
	expect_text(&s, "0.003000 ping[200/200] signal_send 0 -> 201 (pong) = 0");
}

static void test_signal_generate_deliver(void **state)
{
	struct ipc_ev_signal s;

	sig_ev(&s, IPC_OP_SIGNAL_GENERATE, IPC_SYS_HOOK_SIGNAL_GENERATE, 10, 201, 201, "pong");
	s.hdr.ts_ns += 10000;
	s.result = IPC_SIG_DELIVERED;
	s.sflags = IPC_SIGF_GROUP | IPC_SIGF_IN_SEND;
	expect_text(&s, "0.003010 ping[200/200] signal_generate SIGUSR1 -> 201 (pong) code=SI_USER "
		    "result=delivered");
	expect_json(&s, SIG_JSON_HEAD(1) "\"op\":\"signal_generate\",\"obj\":\"SIGUSR1 -> 201\","
		    "\"ret\":0,\"sys\":\"signal_generate\",\"sig\":\"SIGUSR1\",\"signo\":10,"
		    "\"code\":\"SI_USER\",\"target_pid\":201,\"target_tid\":201,"
		    "\"target_comm\":\"pong\",\"result\":\"delivered\"}");

	/* The kernel tells a parent its child exited. */
	sig_ev(&s, IPC_OP_SIGNAL_GENERATE, IPC_SYS_HOOK_SIGNAL_GENERATE, 17, 400, 400, "sh");
	snprintf(s.hdr.comm, sizeof(s.hdr.comm), "cat");
	s.hdr.pid = s.hdr.tid = 401;
	s.hdr.flags = IPC_EVF_KERNEL;
	s.code = 1;
	s.result = IPC_SIG_ALREADY_PENDING;
	expect_text(&s, "0.003000 cat[401/401] signal_generate SIGCHLD -> 400 (sh) "
		    "code=CLD_EXITED result=already_pending kernel");
	expect_json(&s, "{\"ts_ns\":1003000000,\"pid\":401,\"tid\":401,\"comm\":\"cat\","
		    "\"op\":\"signal_generate\",\"obj\":\"SIGCHLD -> 400\",\"ret\":0,"
		    "\"sys\":\"signal_generate\",\"sig\":\"SIGCHLD\",\"signo\":17,"
		    "\"code\":\"CLD_EXITED\",\"target_pid\":400,\"target_tid\":400,"
		    "\"target_comm\":\"sh\",\"result\":\"already_pending\",\"kernel\":true}");
	s.result = 9;
	expect_text(&s, "0.003000 cat[401/401] signal_generate SIGCHLD -> 400 (sh) "
		    "code=CLD_EXITED result=9 kernel");

	/* An interrupt raised it and nobody can be named: the kernel, pid 0. */
	sig_ev(&s, IPC_OP_SIGNAL_GENERATE, IPC_SYS_HOOK_SIGNAL_GENERATE, 29, 400, 400, "sh");
	snprintf(s.hdr.comm, sizeof(s.hdr.comm), "kernel");
	s.hdr.pid = s.hdr.tid = 0;
	s.hdr.flags = IPC_EVF_KERNEL;
	s.sflags = IPC_SIGF_PRIV | IPC_SIGF_IRQ;
	s.code = 0x80;
	s.result = IPC_SIG_DELIVERED;
	expect_text(&s, "0.003000 kernel[0/0] signal_generate SIGIO -> 400 (sh) "
		    "code=SI_KERNEL result=delivered kernel irq");
	expect_json(&s, "{\"ts_ns\":1003000000,\"pid\":0,\"tid\":0,\"comm\":\"kernel\","
		    "\"op\":\"signal_generate\",\"obj\":\"SIGIO -> 400\",\"ret\":0,"
		    "\"sys\":\"signal_generate\",\"sig\":\"SIGIO\",\"signo\":29,"
		    "\"code\":\"SI_KERNEL\",\"target_pid\":400,\"target_tid\":400,"
		    "\"target_comm\":\"sh\",\"result\":\"delivered\",\"kernel\":true,"
		    "\"irq\":true}");

	sig_ev(&s, IPC_OP_SIGNAL_DELIVER, IPC_SYS_HOOK_SIGNAL_DELIVER, 15, 200, 200, "ping");
	s.handler = 0x55d0c0a01234;
	expect_text(&s, "0.003000 ping[200/200] signal_deliver SIGTERM -> 200 code=SI_USER "
		    "handler=0x55d0c0a01234");
	expect_json(&s, SIG_JSON_HEAD(0) "\"op\":\"signal_deliver\",\"obj\":\"SIGTERM -> 200\","
		    "\"ret\":0,\"sys\":\"signal_deliver\",\"sig\":\"SIGTERM\",\"signo\":15,"
		    "\"code\":\"SI_USER\",\"target_pid\":200,\"target_tid\":200,"
		    "\"handler\":\"0x55d0c0a01234\"}");
	s.handler = 0;
	s.sig = 11;
	s.code = 1;
	expect_text(&s, "0.003000 ping[200/200] signal_deliver SIGSEGV -> 200 code=SEGV_MAPERR "
		    "handler=default");
	s.handler = 1;
	s.sig = 13;
	s.code = 0x80;
	expect_text(&s, "0.003000 ping[200/200] signal_deliver SIGPIPE -> 200 code=SI_KERNEL "
		    "handler=ignore");
}

static void proc_ev(struct ipc_ev_proc *p, unsigned int op, unsigned int sys, uint32_t pid,
		    const char *comm, uint64_t rel)
{
	memset(p, 0, sizeof(*p));
	hdr_init(&p->hdr, IPC_REC_PROC, op, sys, pid, pid, comm, rel);
}

static void test_proc(void **state)
{
	struct ipc_ev_proc p;

	proc_ev(&p, IPC_OP_PROC_FORK, IPC_SYS_HOOK_FORK, 400, "sh", 4900000);
	p.ppid = 1;
	p.child_pid = 401;
	p.child_tid = 401;
	expect_text(&p, "0.004900 sh[400/400] proc_fork child=401");
	expect_json(&p, "{\"ts_ns\":1004900000,\"pid\":400,\"tid\":400,\"comm\":\"sh\","
		    "\"op\":\"proc_fork\",\"obj\":\"child=401\",\"ret\":0,"
		    "\"sys\":\"sched_process_fork\",\"ppid\":1,\"child_pid\":401,"
		    "\"child_tid\":401}");

	proc_ev(&p, IPC_OP_THREAD_NEW, IPC_SYS_HOOK_FORK, 100, "worker", 4900000);
	p.ppid = 1;
	p.child_pid = 100;
	p.child_tid = 104;
	expect_text(&p, "0.004900 worker[100/100] thread_new thread=104");

	proc_ev(&p, IPC_OP_PROC_EXEC, IPC_SYS_HOOK_EXEC, 400, "sh", 5 * MS);
	p.ppid = 1;
	p.old_tid = 400;
	strcpy(p.filename, "/usr/bin/cat");
	expect_text(&p, "0.005000 sh[400/400] proc_exec /usr/bin/cat");
	expect_json(&p, "{\"ts_ns\":1005000000,\"pid\":400,\"tid\":400,\"comm\":\"sh\","
		    "\"op\":\"proc_exec\",\"obj\":\"/usr/bin/cat\",\"ret\":0,"
		    "\"sys\":\"sched_process_exec\",\"ppid\":1,\"filename\":\"/usr/bin/cat\","
		    "\"old_tid\":400}");
}

static void test_proc_exit(void **state)
{
	struct ipc_ev_proc p;

	proc_ev(&p, IPC_OP_PROC_EXIT, IPC_SYS_HOOK_EXIT, 401, "cat", 7 * MS);
	p.ppid = 400;
	p.exit_code = 0;
	expect_text(&p, "0.007000 cat[401/401] proc_exit code=0");
	expect_json(&p, "{\"ts_ns\":1007000000,\"pid\":401,\"tid\":401,\"comm\":\"cat\","
		    "\"op\":\"proc_exit\",\"obj\":\"\",\"ret\":0,\"sys\":\"sched_process_exit\","
		    "\"ppid\":400,\"wait_status\":0,\"exit_code\":0,\"nr_threads\":0}");
	p.exit_code = 3 << 8;
	expect_text(&p, "0.007000 cat[401/401] proc_exit code=3");
	p.exit_code = 9;
	expect_text(&p, "0.007000 cat[401/401] proc_exit signal=SIGKILL");
	expect_json(&p, "{\"ts_ns\":1007000000,\"pid\":401,\"tid\":401,\"comm\":\"cat\","
		    "\"op\":\"proc_exit\",\"obj\":\"\",\"ret\":0,\"sys\":\"sched_process_exit\","
		    "\"ppid\":400,\"wait_status\":9,\"exit_signal\":\"SIGKILL\",\"nr_threads\":0}");
	p.exit_code = 11 | 0x80;
	expect_text(&p, "0.007000 cat[401/401] proc_exit signal=SIGSEGV core");
	expect_json(&p, "{\"ts_ns\":1007000000,\"pid\":401,\"tid\":401,\"comm\":\"cat\","
		    "\"op\":\"proc_exit\",\"obj\":\"\",\"ret\":0,\"sys\":\"sched_process_exit\","
		    "\"ppid\":400,\"wait_status\":139,\"exit_signal\":\"SIGSEGV\","
		    "\"core_dumped\":true,\"nr_threads\":0}");

	proc_ev(&p, IPC_OP_THREAD_EXIT, IPC_SYS_HOOK_EXIT, 100, "worker", 7 * MS);
	p.hdr.tid = 104;
	p.nr_threads = 3;
	expect_text(&p, "0.007000 worker[100/104] thread_exit code=0");
}

static void sem_ev(struct ipc_ev_sem *e, unsigned int op, unsigned int sys, int64_t ret)
{
	memset(e, 0, sizeof(*e));
	hdr_init(&e->hdr, IPC_REC_SEM, op, sys, 700, 700, "semapp", 30 * MS);
	e->hdr.ret = ret;
	e->semid = 32769;
	e->timeout_ns = -1;
}

#define SEM_JSON_HEAD "{\"ts_ns\":1030000000,\"pid\":700,\"tid\":700,\"comm\":\"semapp\","

static void test_sem(void **state)
{
	struct ipc_ev_sem e;

	sem_ev(&e, IPC_OP_SEM_GET, IPC_SYS_SEMGET, 32769);
	e.key = 0x1234;
	e.cmd = 2;
	e.flags = 01600;
	expect_text(&e, "0.030000 semapp[700/700] sem_get sem:32769 key=0x1234 nsems=2 "
		    "flags=01600 = 32769");
	expect_json(&e, SEM_JSON_HEAD "\"op\":\"sem_get\",\"obj\":\"sem:32769\",\"ret\":32769,"
		    "\"sys\":\"semget\",\"semid\":32769,\"key\":4660,\"nsems\":2,\"flags\":896}");

	sem_ev(&e, IPC_OP_SEM_OP, IPC_SYS_SEMOP, 0);
	e.hdr.dur_ns = 3000;
	e.nsops = 2;
	e.sem_num[0] = 0;
	e.sem_op[0] = -1;
	e.sem_flg[0] = 0x1000;		/* SEM_UNDO */
	e.sem_num[1] = 1;
	e.sem_op[1] = 1;
	expect_text(&e, "0.030000 semapp[700/700] sem_op sem:32769 sops=0:-1:SEM_UNDO,1:1 = 0 "
		    "<3.0us>");
	expect_json(&e, SEM_JSON_HEAD "\"op\":\"sem_op\",\"obj\":\"sem:32769\",\"ret\":0,"
		    "\"sys\":\"semop\",\"dur_ns\":3000,\"semid\":32769,"
		    "\"sops\":[{\"num\":0,\"op\":-1,\"flg\":4096},{\"num\":1,\"op\":1,\"flg\":0}],"
		    "\"nsops\":2}");

	/* More operations than the record keeps, with a timeout. */
	sem_ev(&e, IPC_OP_SEM_OP, IPC_SYS_SEMTIMEDOP, -EAGAIN);
	e.nsops = 6;
	for (int i = 0; i < IPC_SEM_MAX_SOPS; i++) {
		e.sem_num[i] = (uint16_t)i;
		e.sem_op[i] = -1;
	}
	e.sem_flg[0] = 04000 | 0x1000;	/* IPC_NOWAIT | SEM_UNDO */
	e.timeout_ns = 1500000;
	expect_text(&e, "0.030000 semapp[700/700] sem_op sem:32769 "
		    "sops=0:-1:IPC_NOWAIT|SEM_UNDO,1:-1,2:-1,3:-1,... nsops=6 timeout=1.50ms = "
		    "-EAGAIN");
	expect_json(&e, SEM_JSON_HEAD "\"op\":\"sem_op\",\"obj\":\"sem:32769\",\"ret\":-11,"
		    "\"errno\":\"EAGAIN\",\"sys\":\"semtimedop\",\"semid\":32769,"
		    "\"sops\":[{\"num\":0,\"op\":-1,\"flg\":6144},{\"num\":1,\"op\":-1,\"flg\":0},"
		    "{\"num\":2,\"op\":-1,\"flg\":0},{\"num\":3,\"op\":-1,\"flg\":0}],"
		    "\"nsops\":6,\"timeout_ns\":1500000}");

	sem_ev(&e, IPC_OP_SEM_CTL, IPC_SYS_SEMCTL, 0);
	e.cmd = 0;
	expect_text(&e, "0.030000 semapp[700/700] sem_ctl sem:32769 cmd=IPC_RMID = 0");
	expect_json(&e, SEM_JSON_HEAD "\"op\":\"sem_ctl\",\"obj\":\"sem:32769\",\"ret\":0,"
		    "\"sys\":\"semctl\",\"semid\":32769,\"cmd\":\"IPC_RMID\"}");
	e.cmd = 99;
	expect_text(&e, "0.030000 semapp[700/700] sem_ctl sem:32769 cmd=99 = 0");
	e.cmd = 0x100 | 16;	/* SETVAL with IPC_64 */
	e.sem_num[0] = 1;
	expect_text(&e, "0.030000 semapp[700/700] sem_ctl sem:32769 cmd=SETVAL semnum=1 = 0");
	expect_json(&e, SEM_JSON_HEAD "\"op\":\"sem_ctl\",\"obj\":\"sem:32769\",\"ret\":0,"
		    "\"sys\":\"semctl\",\"semid\":32769,\"cmd\":\"SETVAL\",\"semnum\":1}");

	sem_ev(&e, IPC_OP_SEM_GET, IPC_SYS_SEMGET, -ENOENT);
	e.semid = -ENOENT;
	e.key = 0x99;
	e.cmd = 1;
	expect_text(&e, "0.030000 semapp[700/700] sem_get ? key=0x99 nsems=1 flags=00 = -ENOENT");
	expect_json(&e, SEM_JSON_HEAD "\"op\":\"sem_get\",\"obj\":\"?\",\"ret\":-2,"
		    "\"errno\":\"ENOENT\",\"sys\":\"semget\",\"key\":153,\"nsems\":1,"
		    "\"flags\":0}");
}

static void test_lock(void **state)
{
	struct ipc_ev_lock l;

	memset(&l, 0, sizeof(l));
	hdr_init(&l.hdr, IPC_REC_LOCK, IPC_OP_LOCK_ACQUIRE, IPC_SYS_HOOK_UPROBE, 100, 102,
		 "worker", 40 * MS);
	l.hdr.dur_ns = 1500000;
	l.hdr.flags = IPC_EVF_BLOCKED;
	l.addr = 0x7ffd1000;
	l.call_ip = 0x401234;
	l.lock_kind = IPC_LOCK_MUTEX;
	l.func = 1;
	expect_text(&l, "0.040000 worker[100/102] lock_acquire mutex:0x7ffd1000 call=0x401234 = 0 "
		    "<1.50ms> blocked");
	expect_json(&l, "{\"ts_ns\":1040000000,\"pid\":100,\"tid\":102,\"comm\":\"worker\","
		    "\"op\":\"lock_acquire\",\"obj\":\"mutex:0x7ffd1000\",\"ret\":0,"
		    "\"sys\":\"uprobe\",\"dur_ns\":1500000,\"blocked\":true,"
		    "\"addr\":\"0x7ffd1000\",\"lock_kind\":\"mutex\",\"call_ip\":\"0x401234\","
		    "\"func\":1}");

	l.hdr.op = IPC_OP_COND_WAIT;
	l.hdr.flags = 0;
	l.hdr.dur_ns = 0;
	l.lock_kind = IPC_LOCK_COND;
	l.addr = 0x7ffd2000;
	l.addr2 = 0x7ffd1000;
	l.call_ip = 0x401300;
	l.func = 9;
	expect_text(&l, "0.040000 worker[100/102] cond_wait cond:0x7ffd2000 call=0x401300 "
		    "mutex=0x7ffd1000 = 0");
	expect_json(&l, "{\"ts_ns\":1040000000,\"pid\":100,\"tid\":102,\"comm\":\"worker\","
		    "\"op\":\"cond_wait\",\"obj\":\"cond:0x7ffd2000\",\"ret\":0,"
		    "\"sys\":\"uprobe\",\"addr\":\"0x7ffd2000\",\"lock_kind\":\"cond\","
		    "\"call_ip\":\"0x401300\",\"addr2\":\"0x7ffd1000\",\"func\":9}");

	l.hdr.op = IPC_OP_LOCK_TRY;
	l.hdr.ret = 16;		/* pthread functions return EBUSY, not -EBUSY */
	l.lock_kind = IPC_LOCK_RWLOCK_WR;
	l.addr2 = 0;
	expect_text(&l, "0.040000 worker[100/102] lock_try rwlock:0x7ffd2000 call=0x401300 = 16");
	l.hdr.op = IPC_OP_LOCK_RELEASE;
	l.hdr.ret = 0;
	l.lock_kind = IPC_LOCK_SEM;
	expect_text(&l, "0.040000 worker[100/102] lock_release psem:0x7ffd2000 call=0x401300 = 0");
}

/* Collector records are not events: nothing is written. */
static void test_collector_records(void **state)
{
	static const unsigned int types[] = { IPC_REC_META, IPC_REC_STACK, IPC_REC_MAP,
		IPC_REC_TASK, IPC_REC_FDSNAP, IPC_REC_STATS };
	union {
		struct ipc_hdr hdr;
		struct ipc_rec_stack stack;
		struct ipc_rec_map map;
	} r;
	char buf[64];
	struct jw w;

	jw__init(&w);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&r, 0, sizeof(r));
		hdr_init(&r.hdr, types[i], IPC_OP_SNAPSHOT, IPC_SYS_HOOK_COLLECTOR, 1, 1, "init",
			 0);
		strcpy(buf, "junk");
		assert_int_equal(fmt_event_text(buf, sizeof(buf), &ctx, &r.hdr), 0);
		assert_string_equal(buf, "");
		jw__reset(&w);
		fmt_event_json(&w, &ctx, &r.hdr);
		assert_int_equal(w.len, 0);
		assert_false(w.failed);
		/* Inside a document, the writer state is untouched too. */
		jw__reset(&w);
		jw__arr_begin(&w);
		fmt_event_json(&w, &ctx, &r.hdr);
		jw__arr_end(&w);
		assert_string_equal(jw__cstr(&w), "[]");
	}
	jw__release(&w);
}

static void test_abs_time(void **state)
{
	struct fmt_ctx c = { .t0_ns = T0, .abs_time = true };
	struct ipc_ev_io e;

	setenv("TZ", "UTC", 1);
	tzset();
	c.real_offset_ns = 1700000000123456789ll - (int64_t)T0;
	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_PIPE_WRITE, IPC_SYS_WRITE, 4242, 4242, "pingpong", 0);
	e.hdr.ret = 1;
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.ino = 81234;
	e.fd = 4;
	e.req = 1;
	e.bytes = 1;
	expect_text_ctx(&c, &e, "22:13:20.123456 pingpong[4242/4242] pipe_write pipe:[81234] fd=4 "
			"len=1 = 1");
	/* JSON keeps the record's monotonic time. */
	expect_json_ctx(&c, &e, "{\"ts_ns\":1000000000,\"pid\":4242,\"tid\":4242,"
			"\"comm\":\"pingpong\",\"op\":\"pipe_write\",\"obj\":\"pipe:[81234]\","
			"\"ret\":1,\"sys\":\"write\",\"fd\":4,\"len\":1,\"bytes\":1}");
}

static void test_untrusted_strings(void **state)
{
	struct ipc_ev_proc p;
	char buf[512];

	proc_ev(&p, IPC_OP_PROC_EXEC, IPC_SYS_HOOK_EXEC, 400, "a\tb\xff", 5 * MS);
	strcpy(p.filename, "/tmp/x\ny");
	p.hdr.flags = IPC_EVF_TRUNCATED | IPC_EVF_STACK_MISSED;
	/* One line whatever the names hold. */
	/* invalid UTF-8 is cleaned like a control character (textsafe.h) */
	expect_text(&p, "0.005000 a?b?[400/400] proc_exec /tmp/x?y");
	expect_json(&p, "{\"ts_ns\":1005000000,\"pid\":400,\"tid\":400,"
		    "\"comm\":\"a\\u0009b\\ufffd\","
		    "\"op\":\"proc_exec\",\"obj\":\"/tmp/x?y\",\"ret\":0,"
		    "\"sys\":\"sched_process_exec\",\"truncated\":true,\"stack_missed\":true,"
		    "\"filename\":\"/tmp/x\\u000ay\",\"old_tid\":0}");

	/* Truncation: snprintf semantics, always terminated. */
	assert_int_equal(fmt_event_text(buf, 12, &ctx, &p.hdr), 41);
	assert_string_equal(buf, "0.005000 a?");
	assert_int_equal(fmt_event_text(NULL, 0, &ctx, &p.hdr), 41);
	assert_int_equal(fmt_event_obj(buf, 4, &p.hdr), 8);
	assert_string_equal(buf, "/tm");
}

/* Names of other processes come from the proctab when there is one. */
static void test_with_proctab(void **state)
{
	struct strtab *names = strtab__new();
	struct proctab *t;
	struct fmt_ctx c = { .t0_ns = T0 };
	struct ipc_ev_io e;
	struct ipc_ev_signal s;

	assert_non_null(names);
	t = proctab__new(names);
	assert_non_null(t);
	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_PIPE_WRITE, IPC_SYS_WRITE, 201, 201, "pong2", 0);
	e.obj.kind = IPC_OBJ_PIPE;
	assert_int_equal(proctab__update(t, &e.hdr, sizeof(e)), 0);
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_PIPE_WRITE, IPC_SYS_WRITE, 301, 301, "cli", 0);
	assert_int_equal(proctab__update(t, &e.hdr, sizeof(e)), 0);
	c.procs = t;

	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_KILL, 10, 201, 0, "pong");
	expect_text_ctx(&c, &s, "0.003000 ping[200/200] signal_send SIGUSR1 -> 201 (pong2) = 0");
	expect_json_ctx(&c, &s, SIG_JSON_HEAD(0) "\"op\":\"signal_send\","
			"\"obj\":\"SIGUSR1 -> 201\",\"ret\":0,\"sys\":\"kill\",\"sig\":\"SIGUSR1\","
			"\"signo\":10,\"target_pid\":201,\"target_tid\":0,"
			"\"target_comm\":\"pong2\"}");
	/* Unknown to the proctab: the record's own name. */
	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_KILL, 10, 202, 0, "zz");
	expect_text_ctx(&c, &s, "0.003000 ping[200/200] signal_send SIGUSR1 -> 202 (zz) = 0");
	/* tkill: the thread's process. */
	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_PIPE_WRITE, IPC_SYS_WRITE, 201, 207, "pong-worker", 0);
	e.obj.kind = IPC_OBJ_PIPE;
	assert_int_equal(proctab__update(t, &e.hdr, sizeof(e)), 0);
	sig_ev(&s, IPC_OP_SIGNAL_SEND, IPC_SYS_TKILL, 10, 0, 207, "");
	expect_text_ctx(&c, &s, "0.003000 ping[200/200] signal_send SIGUSR1 -> 207 (pong2) = 0");

	memset(&e, 0, sizeof(e));
	hdr_init(&e.hdr, IPC_REC_IO, IPC_OP_SOCK_RECV, IPC_SYS_RECVFROM, 300, 300, "srv", 4 * MS);
	e.hdr.ret = 128;
	e.obj.kind = IPC_OBJ_UNIX;
	e.obj.family = AF_UNIX;
	e.obj.ino = 4411;
	e.obj.peer_ino = 4412;
	e.obj.peer_pid = 301;
	e.fd = 5;
	e.req = 4096;
	e.bytes = 128;
	expect_text_ctx(&c, &e, "0.004000 srv[300/300] sock_recv unix:[4411]->[4412] fd=5 "
			"len=4096 peer=301 (cli) = 128");
	expect_json_ctx(&c, &e, "{\"ts_ns\":1004000000,\"pid\":300,\"tid\":300,\"comm\":\"srv\","
			"\"op\":\"sock_recv\",\"obj\":\"unix:[4411]->[4412]\",\"ret\":128,"
			"\"sys\":\"recvfrom\",\"fd\":5,\"len\":4096,\"bytes\":128,"
			"\"peer\":{\"pid\":301,\"comm\":\"cli\",\"obj\":\"unix:[4412]\"}}");
	proctab__free(t);
	strtab__free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_wait_status),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_ret),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_sockaddr),
		cmocka_unit_test(test_obj_ids),
		cmocka_unit_test(test_obj_ids_inet),
		cmocka_unit_test(test_io_pipe),
		cmocka_unit_test(test_io_socket),
		cmocka_unit_test(test_fd_pipe_fifo),
		cmocka_unit_test(test_fd_close_dup),
		cmocka_unit_test(test_fd_socket_setup),
		cmocka_unit_test(test_fd_socket_connect),
		cmocka_unit_test(test_mq),
		cmocka_unit_test(test_mq_admin),
		cmocka_unit_test(test_futex_wait_wake),
		cmocka_unit_test(test_futex_pi_requeue),
		cmocka_unit_test(test_signal_send),
		cmocka_unit_test(test_signal_generate_deliver),
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_proc_exit),
		cmocka_unit_test(test_sem),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_collector_records),
		cmocka_unit_test(test_abs_time),
		cmocka_unit_test(test_untrusted_strings),
		cmocka_unit_test(test_with_proctab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
