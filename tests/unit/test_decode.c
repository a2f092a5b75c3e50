// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * decode: every well-formed record type passes, and each way a record can
 * be malformed is caught, with the reason given.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "decode/decode.h"
#include "ipctrace_abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Big enough for any record, 8-byte aligned. */
static union {
	struct ipc_hdr hdr;
	struct ipc_ev_io io;
	struct ipc_ev_fd fd;
	struct ipc_ev_mq mq;
	struct ipc_ev_futex futex;
	struct ipc_ev_signal sig;
	struct ipc_ev_proc proc;
	struct ipc_ev_sem sem;
	struct ipc_ev_lock lock;
	struct ipc_rec_meta meta;
	struct ipc_rec_stack stack;
	struct ipc_rec_map map;
	struct ipc_rec_task task;
	struct ipc_rec_fdsnap fdsnap;
	struct ipc_rec_stats stats;
	struct ipc_rec_blocked blocked;
	struct ipc_rec_blksnap blksnap;
	unsigned char bytes[2048];
} r;

static const struct {
	unsigned int type;
	size_t size;
	unsigned int op;
	unsigned int sys;
} types[] = {
	{ IPC_REC_IO, 160, IPC_OP_PIPE_WRITE, IPC_SYS_WRITE },
	{ IPC_REC_FD, 272, IPC_OP_SOCK_CONNECT, IPC_SYS_CONNECT },
	{ IPC_REC_MQ, 240, IPC_OP_MQ_SEND, IPC_SYS_MQ_TIMEDSEND },
	{ IPC_REC_FUTEX, 136, IPC_OP_FUTEX_WAIT, IPC_SYS_FUTEX },
	{ IPC_REC_SIGNAL, 128, IPC_OP_SIGNAL_GENERATE, IPC_SYS_HOOK_SIGNAL_GENERATE },
	{ IPC_REC_PROC, 344, IPC_OP_PROC_EXEC, IPC_SYS_HOOK_EXEC },
	{ IPC_REC_SEM, 120, IPC_OP_SEM_OP, IPC_SYS_SEMTIMEDOP },
	{ IPC_REC_LOCK, 96, IPC_OP_LOCK_ACQUIRE, IPC_SYS_HOOK_UPROBE },
	{ IPC_REC_META, 264, IPC_OP_NONE, IPC_SYS_HOOK_COLLECTOR },
	{ IPC_REC_MAP, 360, IPC_OP_SNAPSHOT, IPC_SYS_HOOK_COLLECTOR },
	{ IPC_REC_TASK, 336, IPC_OP_SNAPSHOT, IPC_SYS_HOOK_COLLECTOR },
	{ IPC_REC_FDSNAP, 200, IPC_OP_SNAPSHOT, IPC_SYS_HOOK_COLLECTOR },
	{ IPC_REC_STATS, sizeof(struct ipc_rec_stats), IPC_OP_NONE, IPC_SYS_HOOK_COLLECTOR },
	{ IPC_REC_BLOCKED, 328, IPC_OP_PIPE_READ, IPC_SYS_READ },
	{ IPC_REC_BLKSNAP, 96, IPC_OP_SNAPSHOT, IPC_SYS_HOOK_COLLECTOR },
};

/* A well-formed record of types[i], with full-length (but terminated) strings. */
static size_t build(size_t i)
{
	memset(&r, 0, sizeof(r));
	r.hdr.type = types[i].type;
	r.hdr.op = types[i].op;
	r.hdr.sys = types[i].sys;
	r.hdr.pid = 42;
	r.hdr.tid = 43;
	r.hdr.stack_id = -1;
	memset(r.hdr.comm, 'c', sizeof(r.hdr.comm) - 1);
	switch (types[i].type) {
	case IPC_REC_FD:
		memset(r.fd.name, 'n', sizeof(r.fd.name) - 1);
		r.fd.obj.kind = IPC_OBJ_UNIX;
		r.fd.obj2.kind = IPC_OBJ_OTHER;
		break;
	case IPC_REC_MQ:
		strcpy(r.mq.name, "/q");
		r.mq.obj.kind = IPC_OBJ_MQ;
		break;
	case IPC_REC_PROC:
		memset(r.proc.filename, 'f', sizeof(r.proc.filename) - 1);
		break;
	case IPC_REC_FDSNAP:
		r.fdsnap.obj.kind = IPC_OBJ_KIND_MAX - 1;
		break;
	case IPC_REC_BLOCKED:
		memset(r.blocked.syscall, 's', sizeof(r.blocked.syscall) - 1);
		memset(r.blocked.wchan, 'w', sizeof(r.blocked.wchan) - 1);
		r.blocked.obj.kind = IPC_OBJ_PIPE;
		break;
	}
	return types[i].size;
}

static void expect_bad(const void *rec, size_t len, const char *reason)
{
	char why[128] = "untouched";

	assert_int_equal(ipc_rec_check(rec, len, why, sizeof(why)), -EBADMSG);
	assert_string_equal(why, reason);
}

static void test_rec_size(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		assert_int_equal(ipc_rec_size(types[i].type), types[i].size);
	assert_int_equal(ipc_rec_size(IPC_REC_STACK), 72);
	assert_int_equal(ipc_rec_size(IPC_REC_NONE), 0);
	assert_int_equal(ipc_rec_size(9), 0);
	assert_int_equal(ipc_rec_size(63), 0);
	assert_int_equal(ipc_rec_size(IPC_REC_TYPE_MAX), 0);
	assert_int_equal(ipc_rec_size(0xffff), 0);
}

static void test_accepts_every_type(void **state)
{
	char why[128];

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		size_t len = build(i);

		strcpy(why, "untouched");
		assert_int_equal(ipc_rec_check(&r, len, why, sizeof(why)), 0);
		assert_string_equal(why, "");
		assert_int_equal(ipc_rec_check(&r, len, NULL, 0), 0);
	}
}

static void test_accepts_any_alignment(void **state)
{
	unsigned char *buf = malloc(sizeof(struct ipc_ev_io) + 1);
	size_t len = build(0);

	assert_non_null(buf);
	memcpy(buf + 1, &r, len);
	assert_int_equal(ipc_rec_check(buf + 1, len, NULL, 0), 0);
	buf[1 + offsetof(struct ipc_hdr, comm) + 15] = 'x';
	assert_int_equal(ipc_rec_check(buf + 1, len, NULL, 0), -EBADMSG);
	free(buf);
}

static void test_rejects_short_and_unknown(void **state)
{
	char why[64];

	build(0);
	expect_bad(NULL, 160, "record of 160 bytes: shorter than a header");
	expect_bad(&r, 0, "record of 0 bytes: shorter than a header");
	expect_bad(&r, 63, "record of 63 bytes: shorter than a header");
	r.hdr.type = IPC_REC_NONE;
	expect_bad(&r, 160, "unknown record type 0");
	r.hdr.type = 9;
	expect_bad(&r, 160, "unknown record type 9");
	/* the first number after the collector's types */
	r.hdr.type = IPC_REC_TYPE_MAX;
	snprintf(why, sizeof(why), "unknown record type %u", IPC_REC_TYPE_MAX);
	expect_bad(&r, 160, why);
	r.hdr.type = 0xffff;
	expect_bad(&r, 160, "unknown record type 65535");
}

static void test_rejects_wrong_length(void **state)
{
	char reason[128];

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		size_t len = build(i);

		snprintf(reason, sizeof(reason), "record type %u: length %zu, want %zu",
			 types[i].type, len - 1, len);
		expect_bad(&r, len - 1, reason);
		snprintf(reason, sizeof(reason), "record type %u: length %zu, want %zu",
			 types[i].type, len + 1, len);
		expect_bad(&r, len + 1, reason);
		/* Another type's size is wrong too. */
		assert_int_equal(ipc_rec_check(&r, types[(i + 1) % ARRAY_SIZE(types)].size,
					       NULL, 0), -EBADMSG);
	}
}

static void test_rejects_bad_op_and_sys(void **state)
{
	char reason[64];

	build(0);
	r.hdr.op = IPC_OP_MAX;
	snprintf(reason, sizeof(reason), "record type 1: unknown op %d", IPC_OP_MAX);
	expect_bad(&r, 160, reason);
	r.hdr.op = 5;		/* a gap between families */
	expect_bad(&r, 160, "record type 1: unknown op 5");
	r.hdr.op = 0xffff;
	expect_bad(&r, 160, "record type 1: unknown op 65535");
	r.hdr.op = IPC_OP_SNAPSHOT;
	assert_int_equal(ipc_rec_check(&r, 160, NULL, 0), 0);

	r.hdr.sys = IPC_SYS_MAX;
	snprintf(reason, sizeof(reason), "record type 1: unknown sys %d", IPC_SYS_MAX);
	expect_bad(&r, 160, reason);
	r.hdr.sys = IPC_SYS_NR_SYSCALLS;
	snprintf(reason, sizeof(reason), "record type 1: unknown sys %d", IPC_SYS_NR_SYSCALLS);
	expect_bad(&r, 160, reason);
	r.hdr.sys = 99;
	expect_bad(&r, 160, "record type 1: unknown sys 99");
	r.hdr.sys = IPC_SYS_HOOK_COLLECTOR;
	assert_int_equal(ipc_rec_check(&r, 160, NULL, 0), 0);
	r.hdr.sys = IPC_SYS_NONE;
	assert_int_equal(ipc_rec_check(&r, 160, NULL, 0), 0);
}

static void test_rejects_unterminated_comm(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		size_t len = build(i);
		char reason[64];

		r.hdr.comm[15] = 'x';
		snprintf(reason, sizeof(reason), "record type %u: comm not terminated",
			 types[i].type);
		expect_bad(&r, len, reason);
	}
}

/* Each char array, filled to its last byte. */
static void test_rejects_unterminated_strings(void **state)
{
	static const struct {
		size_t type_idx;
		size_t off;
		size_t size;
		const char *reason;
	} cases[] = {
		{ 1, offsetof(struct ipc_ev_fd, name), IPC_NAME_LEN,
		  "record type 2: name not terminated" },
		{ 2, offsetof(struct ipc_ev_mq, name), IPC_NAME_LEN,
		  "record type 3: name not terminated" },
		{ 4, offsetof(struct ipc_ev_signal, target_comm), IPC_COMM_LEN,
		  "record type 5: target_comm not terminated" },
		{ 5, offsetof(struct ipc_ev_proc, filename), IPC_PATH_LEN,
		  "record type 6: filename not terminated" },
		{ 8, offsetof(struct ipc_rec_meta, hostname), 64,
		  "record type 64: hostname not terminated" },
		{ 8, offsetof(struct ipc_rec_meta, kernel), 64,
		  "record type 64: kernel not terminated" },
		{ 9, offsetof(struct ipc_rec_map, path), IPC_PATH_LEN,
		  "record type 66: path not terminated" },
		{ 10, offsetof(struct ipc_rec_task, exe), IPC_PATH_LEN,
		  "record type 67: exe not terminated" },
		{ 11, offsetof(struct ipc_rec_fdsnap, name), IPC_NAME_LEN,
		  "record type 68: name not terminated" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t len = build(cases[i].type_idx);

		memset(r.bytes + cases[i].off, 'z', cases[i].size);
		expect_bad(&r, len, cases[i].reason);
		/* A NUL in the last byte is enough. */
		r.bytes[cases[i].off + cases[i].size - 1] = '\0';
		assert_int_equal(ipc_rec_check(&r, len, NULL, 0), 0);
	}
}

static void test_rejects_bad_obj_kind(void **state)
{
	size_t len;

	assert_int_equal(IPC_OBJ_KIND_MAX, 12);
	len = build(0);
	r.io.obj.kind = 12;
	expect_bad(&r, len, "record type 1: obj kind 12 unknown");
	len = build(1);
	r.fd.obj.kind = 200;
	expect_bad(&r, len, "record type 2: obj kind 200 unknown");
	len = build(1);
	r.fd.obj2.kind = 12;
	expect_bad(&r, len, "record type 2: obj2 kind 12 unknown");
	len = build(2);
	r.mq.obj.kind = 255;
	expect_bad(&r, len, "record type 3: obj kind 255 unknown");
	len = build(11);
	r.fdsnap.obj.kind = 12;
	expect_bad(&r, len, "record type 68: obj kind 12 unknown");
}

static void stack_rec(__u32 nr)
{
	memset(&r, 0, sizeof(r));
	r.hdr.type = IPC_REC_STACK;
	r.hdr.sys = IPC_SYS_HOOK_COLLECTOR;
	r.hdr.stack_id = 7;
	r.stack.nr = nr;
	for (__u32 i = 0; i < nr && i < IPC_MAX_STACK; i++)
		r.stack.ips[i] = 0x401000 + i;
}

static void test_stack_lengths(void **state)
{
	stack_rec(0);
	assert_int_equal(ipc_rec_check(&r, 72, NULL, 0), 0);
	assert_int_equal(ipc_rec_check(&r, sizeof(struct ipc_rec_stack), NULL, 0), 0);
	stack_rec(3);
	assert_int_equal(ipc_rec_check(&r, 72 + 24, NULL, 0), 0);
	assert_int_equal(ipc_rec_check(&r, sizeof(struct ipc_rec_stack), NULL, 0), 0);
	expect_bad(&r, 72 + 16, "stack record: length 88 for 3 frames");
	expect_bad(&r, 72 + 32, "stack record: length 104 for 3 frames");
	expect_bad(&r, 71, "stack record: length 71, want at least 72");
	stack_rec(IPC_MAX_STACK);
	assert_int_equal(ipc_rec_check(&r, 72 + 8 * IPC_MAX_STACK, NULL, 0), 0);
	stack_rec(IPC_MAX_STACK + 1);
	expect_bad(&r, 72 + 8 * (IPC_MAX_STACK + 1), "stack record: 128 frames, at most 127");
	expect_bad(&r, sizeof(struct ipc_rec_stack), "stack record: 128 frames, at most 127");
	stack_rec(0xffffffff);
	expect_bad(&r, sizeof(struct ipc_rec_stack),
		   "stack record: 4294967295 frames, at most 127");
}

static void test_why_truncated(void **state)
{
	char why[8];

	build(0);
	r.hdr.type = 9;
	assert_int_equal(ipc_rec_check(&r, 160, why, sizeof(why)), -EBADMSG);
	assert_string_equal(why, "unknown");
	assert_int_equal(ipc_rec_check(&r, 160, why, 0), -EBADMSG);
}

static void test_rec_obj(void **state)
{
	build(0);
	assert_ptr_equal(ipc_rec_obj(&r.hdr), &r.io.obj);
	build(1);
	assert_ptr_equal(ipc_rec_obj(&r.hdr), &r.fd.obj);
	build(2);
	assert_ptr_equal(ipc_rec_obj(&r.hdr), &r.mq.obj);
	build(11);
	assert_ptr_equal(ipc_rec_obj(&r.hdr), &r.fdsnap.obj);
	for (size_t i = 3; i <= 10; i++) {
		build(i);
		assert_null(ipc_rec_obj(&r.hdr));
	}
	assert_null(ipc_rec_obj(NULL));
}

static void test_rec_bytes(void **state)
{
	build(0);
	r.io.bytes = 4096;
	r.io.req = 8192;
	r.hdr.ret = 4096;
	assert_int_equal(ipc_rec_bytes(&r.hdr), 4096);

	build(2);
	r.mq.len = 100;
	r.hdr.ret = 0;		/* mq_timedsend succeeded: the whole message */
	assert_int_equal(ipc_rec_bytes(&r.hdr), 100);
	r.hdr.ret = -EAGAIN;
	assert_int_equal(ipc_rec_bytes(&r.hdr), 0);
	r.hdr.op = IPC_OP_MQ_RECEIVE;
	r.mq.len = 8192;	/* the buffer */
	r.hdr.ret = 37;		/* the message */
	assert_int_equal(ipc_rec_bytes(&r.hdr), 37);
	r.hdr.ret = -ETIMEDOUT;
	assert_int_equal(ipc_rec_bytes(&r.hdr), 0);
	r.hdr.op = IPC_OP_MQ_OPEN;
	r.hdr.ret = 3;
	assert_int_equal(ipc_rec_bytes(&r.hdr), 0);

	build(3);
	r.hdr.ret = 1;
	assert_int_equal(ipc_rec_bytes(&r.hdr), 0);
	assert_int_equal(ipc_rec_bytes(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rec_size),
		cmocka_unit_test(test_accepts_every_type),
		cmocka_unit_test(test_accepts_any_alignment),
		cmocka_unit_test(test_rejects_short_and_unknown),
		cmocka_unit_test(test_rejects_wrong_length),
		cmocka_unit_test(test_rejects_bad_op_and_sys),
		cmocka_unit_test(test_rejects_unterminated_comm),
		cmocka_unit_test(test_rejects_unterminated_strings),
		cmocka_unit_test(test_rejects_bad_obj_kind),
		cmocka_unit_test(test_stack_lengths),
		cmocka_unit_test(test_why_truncated),
		cmocka_unit_test(test_rec_obj),
		cmocka_unit_test(test_rec_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
