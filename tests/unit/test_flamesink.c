// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * flamesink: blocked operations become (process, stack, object) weights in
 * microseconds that add up to the blocked time; what did not block, and
 * --locks records, stay out; the files are written at finish.  The stack
 * frames come from this process's own maps, and a fork child without maps
 * of its own is symbolized with its parent's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analysis/flame.h"
#include "analysis/flamesink.h"
#include "model/collector.h"
#include "model/stacks.h"
#include "model/syms.h"

#define PID 5000
#define CHILD 5001

int test_flame_lock = 1;

__attribute__((noinline)) int test_flame_outer(int x)
{
	return x + 1;
}

__attribute__((noinline)) int test_flame_inner(int x)
{
	return test_flame_outer(x) * 2;
}

struct fixture {
	struct collector *c;
	struct stacks *st;
	struct flamesink *fs;
	char dir[64];
	char folded[96];
	char svg[96];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct flamesink_opts o = { .subtitle = "unit test" };

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_flamesink.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->folded, sizeof(f->folded), "%s/out.folded", f->dir);
	snprintf(f->svg, sizeof(f->svg), "%s/out.svg", f->dir);
	o.folded = f->folded;
	o.svg = f->svg;
	f->c = collector__new();
	assert_non_null(f->c);
	f->st = stacks__new(f->c);
	assert_non_null(f->st);
	assert_int_equal(collector__add_sink(f->c, stacks__sink(f->st)), 0);
	f->fs = flamesink__new(f->c, f->st, &o);
	assert_non_null(f->fs);
	assert_int_equal(collector__add_sink(f->c, flamesink__sink(f->fs)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	collector__free(f->c);
	unlink(f->folded);
	unlink(f->svg);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void push(struct fixture *f, const void *rec, size_t len)
{
	assert_int_equal(collector__push(f->c, rec, len), 0);
	assert_int_equal(collector__stats(f->c)->bad, 0);
}

static void hdr(struct ipc_hdr *h, unsigned int type, unsigned int op, unsigned int sys,
		uint32_t pid, uint64_t dur, bool blocked, int32_t stack)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->sys = sys;
	h->pid = pid;
	h->tid = pid;
	h->ts_ns = 1000;
	h->dur_ns = dur;
	h->stack_id = stack;
	h->flags = blocked ? IPC_EVF_BLOCKED : 0;
	snprintf(h->comm, sizeof(h->comm), "%s", pid == PID ? "app" : "kid");
}

static void futex_wait(struct fixture *f, uint32_t pid, uint64_t uaddr, uint64_t dur,
		       bool blocked, int32_t stack)
{
	struct ipc_ev_futex e;

	hdr(&e.hdr, IPC_REC_FUTEX, IPC_OP_FUTEX_WAIT, IPC_SYS_FUTEX, pid, dur, blocked, stack);
	memset(&e.uaddr, 0, sizeof(e) - sizeof(e.hdr));
	e.uaddr = uaddr;
	e.cmd = 128;	/* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
	e.val = 2;
	e.fflags = IPC_FUTEX_PRIVATE;
	push(f, &e, sizeof(e));
}

static void pipe_read(struct fixture *f, uint64_t ino, uint64_t dur, int32_t stack)
{
	struct ipc_ev_io e;

	hdr(&e.hdr, IPC_REC_IO, IPC_OP_PIPE_READ, IPC_SYS_READ, PID, dur, true, stack);
	memset(&e.obj, 0, sizeof(e) - sizeof(e.hdr));
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.ino = ino;
	e.obj.dev = 13;
	e.fd = 3;
	push(f, &e, sizeof(e));
}

static int push_map(void *ctx, const struct ipc_rec_map *m)
{
	struct ipc_rec_map copy = *m;

	copy.hdr.pid = PID;
	return collector__push(ctx, &copy, sizeof(copy));
}

/* Our maps as PID's, and stack 1: test_flame_inner called from test_flame_outer... */
static void push_stack(struct fixture *f)
{
	struct ipc_rec_stack s;

	assert_int_equal(syms__read_proc_maps(getpid(), push_map, f->c), 0);
	memset(&s, 0, sizeof(s));
	s.hdr.type = IPC_REC_STACK;
	s.hdr.op = IPC_OP_SNAPSHOT;
	s.hdr.sys = IPC_SYS_HOOK_COLLECTOR;
	s.hdr.pid = PID;
	s.hdr.stack_id = 1;
	s.nr = 2;
	s.ips[0] = (uint64_t)(uintptr_t)test_flame_inner + 1;	/* innermost */
	s.ips[1] = (uint64_t)(uintptr_t)test_flame_outer + 4;	/* its caller */
	push(f, &s, offsetof(struct ipc_rec_stack, ips) + 2 * sizeof(uint64_t));
}

static char *read_file(const char *path)
{
	FILE *in = fopen(path, "re");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	assert_non_null(in);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 16) - 1, in);
	buf[n] = 0;
	fclose(in);
	return buf;
}

static char *folded_of(struct fixture *f)
{
	struct flame *fl = flamesink__flame(f->fs);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(fl);
	assert_non_null(out);
	assert_int_equal(flame__write_folded(fl, out), 0);
	fclose(out);
	flame__free(fl);
	return buf;
}

/* Stacks with symbols, objects as leaves, sums rounded to add up. */
static void test_stacks_and_leaves(void **state)
{
	struct fixture *f = *state;
	uint64_t lock = (uint64_t)(uintptr_t)&test_flame_lock;
	char *folded;

	push_stack(f);
	futex_wait(f, PID, lock, 1400, true, 1);
	futex_wait(f, PID, lock, 1000, true, 1);		/* merges: 2.4us */
	futex_wait(f, PID, 0x1000, 1300, true, -1);	/* no stack */
	pipe_read(f, 81234, 1300, -1);
	futex_wait(f, PID, lock, 999999, false, -1);	/* did not block */
	assert_int_equal(flamesink__blocked_ns(f->fs), 5000);
	folded = folded_of(f);
	/* 2400 -> 2, 1300 -> 1, 1300 -> 1: 4us; the 5th goes to the largest remainder */
	assert_string_equal(folded,
			    "app;futex:0x1000 1\n"
			    "app;pipe:[81234] 1\n"
			    "app;test_flame_outer;test_flame_inner;futex:test_flame_lock 3\n");
	free(folded);
}

/* A --locks record repeats the futex wait inside it: left out. */
static void test_lock_records_left_out(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_lock l;

	hdr(&l.hdr, IPC_REC_LOCK, IPC_OP_LOCK_ACQUIRE, IPC_SYS_HOOK_UPROBE, PID, 5000, true, -1);
	memset(&l.addr, 0, sizeof(l) - sizeof(l.hdr));
	l.addr = 0x1000;
	l.lock_kind = IPC_LOCK_MUTEX;
	l.func = IPC_LOCKFN_MUTEX_LOCK;
	push(f, &l, sizeof(l));
	futex_wait(f, PID, 0x1000, 4000, true, -1);
	assert_int_equal(flamesink__blocked_ns(f->fs), 4000);
}

/* A stack BPF could not take, and a stack id never described. */
static void test_missing_stacks(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_futex e;
	char *folded;

	hdr(&e.hdr, IPC_REC_FUTEX, IPC_OP_FUTEX_WAIT, IPC_SYS_FUTEX, PID, 2000, true, -1);
	memset(&e.uaddr, 0, sizeof(e) - sizeof(e.hdr));
	e.uaddr = 0x2000;
	e.fflags = IPC_FUTEX_PRIVATE;
	e.hdr.flags |= IPC_EVF_STACK_MISSED;
	push(f, &e, sizeof(e));
	futex_wait(f, PID, 0x2000, 3000, true, 42);
	folded = folded_of(f);
	assert_string_equal(folded, "app;[stack-missed];futex:0x2000 2\napp;futex:0x2000 3\n");
	free(folded);
	assert_int_equal(stacks__stats(f->st)->unknown, 1);
}

/* A fork child that never exec'd: its stack is named with its parent's maps. */
static void test_fork_child_uses_parent_maps(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_proc fork;
	char *folded;

	push_stack(f);
	hdr(&fork.hdr, IPC_REC_PROC, IPC_OP_PROC_FORK, IPC_SYS_HOOK_FORK, PID, 0, false, -1);
	memset(&fork.ppid, 0, sizeof(fork) - sizeof(fork.hdr));
	fork.child_pid = CHILD;
	fork.child_tid = CHILD;
	push(f, &fork, sizeof(fork));
	futex_wait(f, CHILD, 0x3000, 7000, true, 1);
	folded = folded_of(f);
	assert_non_null(strstr(folded, "kid;test_flame_outer;test_flame_inner;futex:0x3000 7\n"));
	free(folded);
}

/* finish writes both files; the SVG has the title and the frames. */
static void test_files(void **state)
{
	struct fixture *f = *state;
	char *text;

	push_stack(f);
	futex_wait(f, PID, 0x1000, 3000, true, 1);
	assert_int_equal(collector__finish(f->c), 0);
	text = read_file(f->folded);
	assert_string_equal(text, "app;test_flame_outer;test_flame_inner;futex:0x1000 3\n");
	free(text);
	text = read_file(f->svg);
	assert_non_null(strstr(text, "<svg"));
	assert_non_null(strstr(text, "ipctrace: time blocked on IPC"));
	assert_non_null(strstr(text, "unit test"));
	assert_non_null(strstr(text, "test_flame_inner"));
	free(text);
}

/* A file that cannot be created fails the finish, with a message. */
static void test_unwritable(void **state)
{
	struct flamesink_opts o = { .folded = "/nonexistent-dir/x.folded" };
	struct collector *c = collector__new();
	struct stacks *st = stacks__new(c);
	struct flamesink *fs = flamesink__new(c, st, &o);

	assert_non_null(fs);
	assert_int_equal(collector__add_sink(c, stacks__sink(st)), 0);
	assert_int_equal(collector__add_sink(c, flamesink__sink(fs)), 0);
	assert_int_equal(collector__finish(c), -ENOENT);
	collector__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stacks_and_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_records_left_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_stacks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_child_uses_parent_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test(test_unwritable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
