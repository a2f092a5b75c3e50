// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * races: each pattern from a synthetic record stream, flagged with the
 * right threads, objects and counts, and the correct variant of each not
 * flagged; the environment's rulings (word classes, the reader that left);
 * bounded tables (aged rows and dropped flags counted).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis/races.h"

#define US 1000ull
#define MS (1000 * US)
#define T0 (1000 * MS)
#define SIGUSR1_NR 10
#define SIGPIPE_NR 13

/* ---- the environment ---- */

struct fake_env {
	enum race_word_class cls;
	bool left;
	struct race_left_info info;
};

static enum race_word_class word_class(void *ctx, const struct objkey *k)
{
	return ((struct fake_env *)ctx)->cls;
}

static int reader_left(void *ctx, const struct ipc_obj *o, uint32_t writer,
		       struct race_left_info *out)
{
	struct fake_env *e = ctx;

	if (!e->left)
		return -ENOENT;
	*out = e->info;
	return 0;
}

struct fx {
	struct fake_env env;
	struct races *r;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct races_env env = { .word_class = word_class, .reader_left = reader_left };

	assert_non_null(f);
	f->env.cls = RACE_WORD_EVENT;
	env.ctx = &f->env;
	f->r = races__new(&env, NULL);
	assert_non_null(f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	races__free(f->r);
	free(f);
	return 0;
}

/* ---- records ---- */

static void hdr(struct ipc_hdr *h, uint16_t type, uint16_t op, uint32_t pid, uint32_t tid,
		uint64_t ts, uint64_t dur, int64_t ret)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->pid = pid;
	h->tid = tid;
	h->ts_ns = ts;
	h->dur_ns = dur;
	h->ret = ret;
	h->stack_id = -1;
}

static void push(struct fx *f, const void *rec, size_t len)
{
	assert_int_equal(races__event(f->r, rec, len), 0);
}

static void sig_gen(struct fx *f, uint32_t pid, uint32_t tid, int sig, uint32_t target,
		    int result, uint64_t ts, bool kernel)
{
	struct ipc_ev_signal s;

	memset(&s, 0, sizeof(s));
	hdr(&s.hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_GENERATE, pid, tid, ts, 0, 0);
	s.hdr.sys = IPC_SYS_HOOK_SIGNAL_GENERATE;
	s.sig = sig;
	s.target_pid = target;
	s.target_tid = target;
	s.result = result;
	s.sflags = IPC_SIGF_GROUP | (kernel ? 0 : IPC_SIGF_IN_SEND);
	if (kernel)
		s.hdr.flags |= IPC_EVF_KERNEL;
	push(f, &s, sizeof(s));
}

static void sig_send(struct fx *f, uint32_t pid, uint32_t tid, int sig, int32_t target,
		     uint16_t sys, int64_t ret, int32_t stack, uint64_t ts)
{
	struct ipc_ev_signal s;

	memset(&s, 0, sizeof(s));
	hdr(&s.hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_SEND, pid, tid, ts, 2 * US, ret);
	s.hdr.sys = sys;
	s.hdr.stack_id = stack;
	s.sig = sig;
	s.target_pid = target;
	s.result = -1;
	push(f, &s, sizeof(s));
}

/* kill(): its generate inside, then the send's return. */
static void kill_(struct fx *f, uint32_t pid, int sig, uint32_t target, int result,
		  int32_t stack, uint64_t ts)
{
	sig_gen(f, pid, pid, sig, target, result, ts + US, false);
	sig_send(f, pid, pid, sig, target, IPC_SYS_KILL, 0, stack, ts);
}

static void sig_deliver(struct fx *f, uint32_t pid, uint32_t tid, int sig, uint64_t handler,
			uint64_t ts)
{
	struct ipc_ev_signal s;

	memset(&s, 0, sizeof(s));
	hdr(&s.hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_DELIVER, pid, tid, ts, 0, 0);
	s.sig = sig;
	s.target_pid = pid;
	s.target_tid = tid;
	s.handler = handler;
	push(f, &s, sizeof(s));
}

static void sig_return(struct fx *f, uint32_t pid, uint32_t tid, uint64_t ts)
{
	struct ipc_ev_signal s;

	memset(&s, 0, sizeof(s));
	hdr(&s.hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_RETURN, pid, tid, ts, 0, 0);
	s.result = -1;
	push(f, &s, sizeof(s));
}

static void io(struct fx *f, uint16_t op, uint32_t pid, uint32_t tid, uint64_t ino, uint64_t req,
	       int64_t ret, uint64_t ts, int32_t stack)
{
	struct ipc_ev_io e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, IPC_REC_IO, op, pid, tid, ts, 5 * US, ret);
	e.hdr.stack_id = stack;
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.dev = 13;
	e.obj.ino = ino;
	e.fd = 4;
	e.req = req;
	e.bytes = ret > 0 ? (uint64_t)ret : 0;
	push(f, &e, sizeof(e));
}

static void proc(struct fx *f, uint16_t op, uint32_t pid, uint32_t tid, uint32_t child_pid,
		 uint32_t child_tid, uint64_t ts, uint32_t threads, uint16_t flags)
{
	struct ipc_ev_proc p;

	memset(&p, 0, sizeof(p));
	hdr(&p.hdr, IPC_REC_PROC, op, pid, tid, ts, 0, 0);
	p.hdr.flags = flags;
	p.child_pid = child_pid;
	p.child_tid = child_tid;
	p.nr_threads = threads;
	push(f, &p, sizeof(p));
}

static void futex(struct fx *f, uint16_t op, uint32_t pid, uint32_t tid, uint64_t uaddr,
		  uint32_t val, uint32_t word, uint64_t ts, uint64_t dur, int64_t ret, bool blocked)
{
	struct ipc_ev_futex e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, IPC_REC_FUTEX, op, pid, tid, ts, dur, ret);
	e.hdr.sys = IPC_SYS_FUTEX;
	if (blocked) {
		e.hdr.flags |= IPC_EVF_BLOCKED;
		e.hdr.stack_id = 40 + (int32_t)(tid % 10);
	}
	e.uaddr = uaddr;
	e.cmd = (op == IPC_OP_FUTEX_WAKE ? 1 : 0) | 128;
	e.val = val;
	e.word = word;
	e.fflags = IPC_FUTEX_PRIVATE | IPC_FUTEX_WORD_OK;
	push(f, &e, sizeof(e));
}

static void lock(struct fx *f, uint16_t op, uint32_t kind, uint32_t pid, uint32_t tid,
		 uint64_t addr, uint64_t addr2, uint64_t ts, uint64_t dur, int64_t ret,
		 int32_t stack)
{
	struct ipc_ev_lock l;

	memset(&l, 0, sizeof(l));
	hdr(&l.hdr, IPC_REC_LOCK, op, pid, tid, ts, dur, ret);
	l.hdr.sys = IPC_SYS_HOOK_UPROBE;
	l.hdr.stack_id = stack;
	l.addr = addr;
	l.addr2 = addr2;
	l.call_ip = 0x401000 + (addr & 0xfff);
	l.lock_kind = kind;
	push(f, &l, sizeof(l));
}

#define LOCK(f, pid, tid, m, ts, stack) \
	lock(f, IPC_OP_LOCK_ACQUIRE, IPC_LOCK_MUTEX, pid, tid, m, 0, ts, US, 0, stack)
#define UNLOCK(f, pid, tid, m, ts) \
	lock(f, IPC_OP_LOCK_RELEASE, IPC_LOCK_MUTEX, pid, tid, m, 0, ts, US, 0, -1)

/* ---- queries ---- */

static size_t count_flags(struct fx *f, unsigned int pattern)
{
	size_t n = 0;

	for (size_t i = 0; i < races__nr_flags(f->r); i++) {
		const struct race_flag *x = races__flag(f->r, i);

		n += x && x->pattern == pattern;
	}
	return n;
}

static size_t count_all(struct fx *f)
{
	size_t n = 0;

	for (size_t i = 0; i < races__nr_flags(f->r); i++)
		n += races__flag(f->r, i) != NULL;
	return n;
}

static const struct race_flag *only_flag(struct fx *f, unsigned int pattern)
{
	const struct race_flag *found = NULL;

	for (size_t i = 0; i < races__nr_flags(f->r); i++) {
		const struct race_flag *x = races__flag(f->r, i);

		if (x && x->pattern == pattern) {
			assert_null(found);
			found = x;
		}
	}
	assert_non_null(found);
	return found;
}

/* ---- 1: signal coalescing ---- */

static void test_coalesced(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	kill_(f, 100, SIGUSR1_NR, 200, IPC_SIG_DELIVERED, 7, T0);
	kill_(f, 100, SIGUSR1_NR, 200, IPC_SIG_ALREADY_PENDING, 8, T0 + MS);
	kill_(f, 100, SIGUSR1_NR, 200, IPC_SIG_ALREADY_PENDING, 8, T0 + 2 * MS);
	x = only_flag(f, RACE_SIG_COALESCED);
	assert_int_equal(x->count, 2);
	assert_int_equal(x->side[0].role, RR_SENDER);
	assert_int_equal(x->side[0].pid, 100);
	assert_int_equal(x->side[0].stack, 8);
	assert_int_equal(x->side[1].role, RR_PENDING_SENDER);
	assert_int_equal(x->side[1].stack, 7);
	assert_int_equal(x->side[2].role, RR_TARGET);
	assert_int_equal(x->side[2].pid, 200);
	assert_int_equal(x->obj[0].type, RO_SIGNAL);
	assert_int_equal(x->obj[0].sig, SIGUSR1_NR);
	assert_int_equal(x->first_ns, T0 + MS + US);
	assert_int_equal(x->last_ns, T0 + 2 * MS + US);
}

static void test_coalesced_not(void **state)
{
	struct fx *f = *state;

	/* each signal delivered before the next: never pending twice */
	for (int i = 0; i < 5; i++) {
		kill_(f, 100, SIGUSR1_NR, 200, IPC_SIG_DELIVERED, 7, T0 + i * MS);
		sig_deliver(f, 200, 200, SIGUSR1_NR, 0x4000, T0 + i * MS + 10 * US);
	}
	/* realtime signals queue; the kernel's SIGCHLD merging is by design */
	kill_(f, 100, 34, 200, IPC_SIG_ALREADY_PENDING, 7, T0 + 10 * MS);
	sig_gen(f, 300, 300, 17, 100, IPC_SIG_ALREADY_PENDING, T0 + 11 * MS, true);
	assert_int_equal(count_all(f), 0);
}

/* ---- 2: pipe interleaving, stream splitting ---- */

static void test_interleave(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	io(f, IPC_OP_PIPE_WRITE, 100, 101, 55, 8192, 8192, T0, 11);
	io(f, IPC_OP_PIPE_WRITE, 100, 102, 55, 8192, 8192, T0 + MS, 12);
	io(f, IPC_OP_PIPE_WRITE, 100, 101, 55, 8192, 4096, T0 + 2 * MS, 11);
	x = only_flag(f, RACE_PIPE_INTERLEAVE);
	assert_int_equal(x->variant, RV_LARGE_WRITES);
	assert_int_equal(x->count, 3);
	assert_int_equal(x->d[0], 2);		/* writers */
	assert_int_equal(x->d[1], 3);		/* > PIPE_BUF */
	assert_int_equal(x->d[2], 1);		/* short */
	assert_int_equal(x->d[3], 8192);
	assert_int_equal(x->first_ns, T0);
	assert_int_equal(x->side[0].tid, 101);
	assert_int_equal(x->side[0].stack, 11);
	assert_int_equal(x->side[1].tid, 102);
	assert_int_equal(x->obj[0].type, RO_FD);
	assert_int_equal(x->obj[0].sample.ino, 55);
}

static void test_interleave_not(void **state)
{
	struct fx *f = *state;

	/* two writers, atomic writes */
	for (int i = 0; i < 10; i++)
		io(f, IPC_OP_PIPE_WRITE, 100, 101 + i % 2, 55, 4096, 4096, T0 + i * MS, -1);
	/* one writer, large writes */
	for (int i = 0; i < 10; i++)
		io(f, IPC_OP_PIPE_WRITE, 100, 101, 56, 65536, 65536, T0 + i * MS, -1);
	assert_int_equal(count_all(f), 0);
}

static void test_stream_split(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	for (int i = 0; i < 5; i++)
		io(f, IPC_OP_PIPE_WRITE, 100, 100, 57, 100, 100, T0 + i * US, -1);
	/* 200 stops in the third message, 300 gets its rest */
	io(f, IPC_OP_PIPE_READ, 200, 200, 57, 250, 250, T0 + MS, 21);
	io(f, IPC_OP_PIPE_READ, 300, 300, 57, 250, 250, T0 + 2 * MS, 31);
	x = only_flag(f, RACE_STREAM_SPLIT);
	assert_int_equal(x->count, 1);
	assert_int_equal(x->d[0], 2);
	assert_int_equal(x->d[1], 1);
	assert_int_equal(x->side[0].pid, 200);
	assert_int_equal(x->side[0].stack, 21);
	assert_int_equal(x->side[1].pid, 300);
	assert_int_equal(x->side[1].stack, 31);
}

static void test_stream_split_not(void **state)
{
	struct fx *f = *state;

	for (int i = 0; i < 6; i++)
		io(f, IPC_OP_PIPE_WRITE, 100, 100, 57, 100, 100, T0 + i * US, -1);
	/* readers that take whole messages: one or two at a time */
	io(f, IPC_OP_PIPE_READ, 200, 200, 57, 100, 100, T0 + MS, -1);
	io(f, IPC_OP_PIPE_READ, 300, 300, 57, 100, 100, T0 + 2 * MS, -1);
	io(f, IPC_OP_PIPE_READ, 300, 300, 57, 400, 200, T0 + 3 * MS, -1);
	/* a length, then the body, by one reader at a time (under a lock) */
	io(f, IPC_OP_PIPE_READ, 200, 200, 57, 4, 4, T0 + 4 * MS, -1);
	io(f, IPC_OP_PIPE_READ, 200, 200, 57, 96, 96, T0 + 5 * MS, -1);
	io(f, IPC_OP_PIPE_READ, 300, 300, 57, 4, 4, T0 + 6 * MS, -1);
	io(f, IPC_OP_PIPE_READ, 300, 300, 57, 96, 96, T0 + 7 * MS, -1);
	/* one reader splitting its own stream is its business */
	io(f, IPC_OP_PIPE_WRITE, 100, 100, 58, 100, 100, T0, -1);
	io(f, IPC_OP_PIPE_READ, 200, 200, 58, 30, 30, T0 + MS, -1);
	io(f, IPC_OP_PIPE_READ, 200, 200, 58, 70, 70, T0 + 2 * MS, -1);
	/* bytes written before the trace: where messages end is not known */
	io(f, IPC_OP_PIPE_READ, 200, 200, 59, 30, 30, T0 + MS, -1);
	io(f, IPC_OP_PIPE_READ, 300, 300, 59, 70, 70, T0 + 2 * MS, -1);
	assert_int_equal(count_all(f), 0);
}

/* ---- 3: write after the reader left ---- */

static void test_epipe(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	f->env.left = true;
	f->env.info = (struct race_left_info){ .pid = 300, .tid = 300, .ts_ns = T0,
					       .how = RACE_LEFT_CLOSED };
	io(f, IPC_OP_PIPE_WRITE, 100, 100, 59, 64, 64, T0 - MS, -1);
	/* the kernel's SIGPIPE comes inside the write, before its record */
	sig_gen(f, 100, 100, SIGPIPE_NR, 100, IPC_SIG_DELIVERED, T0 + MS + US, true);
	io(f, IPC_OP_PIPE_WRITE, 100, 100, 59, 64, -EPIPE, T0 + MS, 9);
	io(f, IPC_OP_PIPE_WRITE, 100, 100, 59, 64, -EPIPE, T0 + 2 * MS, 9);
	x = only_flag(f, RACE_WRITE_NO_READER);
	assert_int_equal(x->count, 2);
	assert_int_equal(x->d[0], 1);		/* one SIGPIPE */
	assert_int_equal(x->d[1], RACE_LEFT_CLOSED);
	assert_int_equal(x->side[0].pid, 100);
	assert_int_equal(x->side[0].stack, 9);
	assert_int_equal(x->side[1].role, RR_READER_LEFT);
	assert_int_equal(x->side[1].pid, 300);
	assert_int_equal(x->side[1].ts_ns, T0);
}

/* ---- 4: stale pids ---- */

static void test_esrch(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	proc(f, IPC_OP_PROC_FORK, 100, 100, 300, 300, T0, 1, IPC_EVF_FOLLOWED);
	proc(f, IPC_OP_PROC_EXIT, 300, 300, 0, 0, T0 + MS, 0, 0);
	sig_send(f, 100, 100, 15, 300, IPC_SYS_KILL, -ESRCH, 5, T0 + 2 * MS);
	/* a pidfd saying "gone", and kill(pid, 0) asking, are answers, not races */
	sig_send(f, 100, 100, 15, 300, IPC_SYS_PIDFD_SEND_SIGNAL, -ESRCH, 5, T0 + 3 * MS);
	sig_send(f, 100, 100, 0, 300, IPC_SYS_KILL, -ESRCH, 5, T0 + 4 * MS);
	x = only_flag(f, RACE_STALE_PID);
	assert_int_equal(x->variant, RV_ESRCH);
	assert_int_equal(x->count, 1);
	assert_int_equal(x->side[0].stack, 5);
	assert_int_equal(x->side[1].role, RR_OLD_HOLDER);
	assert_int_equal(x->side[1].ts_ns, T0 + MS);
	assert_int_equal(x->obj[0].pid, 300);
}

static void test_pid_reused(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	proc(f, IPC_OP_PROC_FORK, 100, 100, 300, 300, T0, 1, IPC_EVF_FOLLOWED);
	proc(f, IPC_OP_PROC_EXIT, 300, 300, 0, 0, T0 + MS, 0, 0);
	/* another process gets pid 300; 100 still means the first */
	proc(f, IPC_OP_PROC_FORK, 400, 400, 300, 300, T0 + 2 * MS, 1, IPC_EVF_FOLLOWED);
	kill_(f, 100, 15, 300, IPC_SIG_DELIVERED, 6, T0 + 3 * MS);
	x = only_flag(f, RACE_STALE_PID);
	assert_int_equal(x->variant, RV_REUSED);
	assert_int_equal(x->side[0].pid, 100);
	assert_int_equal(x->side[0].stack, 6);
	assert_int_equal(x->side[1].role, RR_OLD_HOLDER);
	assert_int_equal(x->side[1].ts_ns, T0 + MS);
	assert_int_equal(x->side[2].role, RR_NEW_HOLDER);
}

static void test_pid_reused_not(void **state)
{
	struct fx *f = *state;

	proc(f, IPC_OP_PROC_FORK, 100, 100, 300, 300, T0, 1, 0);
	proc(f, IPC_OP_PROC_EXIT, 300, 300, 0, 0, T0 + MS, 0, 0);
	/* a zombie: the kernel ignores the signal */
	kill_(f, 100, 15, 300, IPC_SIG_IGNORED, 6, T0 + 2 * MS);
	/* the sender forked the new holder itself: it knows which one it kills */
	proc(f, IPC_OP_PROC_FORK, 100, 100, 300, 300, T0 + 3 * MS, 1, 0);
	kill_(f, 100, 15, 300, IPC_SIG_DELIVERED, 6, T0 + 4 * MS);
	assert_int_equal(count_all(f), 0);
}

/* ---- 5: lost wakeups ---- */

#define WORD 0x7000

static void lost_wakeup_stream(struct fx *f, bool buggy)
{
	/* a first handshake that works: the word is known to hold 0 */
	futex(f, IPC_OP_FUTEX_WAIT, 100, 102, WORD, 0, 0, T0, 2 * MS, 0, true);
	futex(f, IPC_OP_FUTEX_WAKE, 100, 101, WORD, 1, 0, T0 + 2 * MS - US, US, 1, false);
	for (int i = 1; i <= 3; i++) {
		uint64_t t = T0 + i * 500 * MS;

		if (buggy) {
			/* the wake changes nothing, the waiter sleeps through it */
			futex(f, IPC_OP_FUTEX_WAKE, 100, 101, WORD, 1, 0, t, US, 0, false);
			futex(f, IPC_OP_FUTEX_WAIT, 100, 102, WORD, 0, 0, t + MS, 200 * MS,
			      -ETIMEDOUT, true);
		} else {
			/* the waker sets the word first: the late waiter does not sleep */
			futex(f, IPC_OP_FUTEX_WAKE, 100, 101, WORD, 1, 1, t, US, 0, false);
			futex(f, IPC_OP_FUTEX_WAIT, 100, 102, WORD, 0, 1, t + MS, US, -EAGAIN,
			      false);
			futex(f, IPC_OP_FUTEX_WAKE, 100, 101, WORD, 1, 0, t + 2 * MS, US, 0,
			      false);
		}
	}
}

static void test_lost_wakeup(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	lost_wakeup_stream(f, true);
	x = only_flag(f, RACE_LOST_WAKEUP);
	assert_int_equal(x->count, 3);
	assert_int_equal(x->side[0].role, RR_WAKER);
	assert_int_equal(x->side[0].tid, 101);
	assert_int_equal(x->side[1].role, RR_WAITER);
	assert_int_equal(x->side[1].tid, 102);
	assert_int_equal(x->side[1].stack, 42);
	assert_int_equal(x->obj[0].type, RO_FUTEX);
	assert_int_equal(x->obj[0].addr, WORD);
	assert_int_equal(x->d[0], 200 * MS);
	assert_int_equal(x->d[1], MS);
	/* the same on a word the trace shows to be a mutex: an empty wake is normal there */
	f->env.cls = RACE_WORD_LOCK;
	assert_int_equal(count_flags(f, RACE_LOST_WAKEUP), 0);
}

static void test_lost_wakeup_not(void **state)
{
	struct fx *f = *state;

	lost_wakeup_stream(f, false);
	assert_int_equal(count_all(f), 0);
}

/* ---- 6: fork with a lock held ---- */

#define MUTEX 0x9000

/* Process 500: threads 501 (forks), 502 (blocked on MUTEX), 503 (holds it). */
static void fork_stream(struct fx *f, uint32_t waker, bool exec_child)
{
	proc(f, IPC_OP_THREAD_NEW, 500, 501, 500, 502, T0, 0, 0);
	proc(f, IPC_OP_THREAD_NEW, 500, 501, 500, 503, T0, 0, 0);
	proc(f, IPC_OP_PROC_FORK, 500, 501, 600, 600, T0 + 10 * MS, 3, IPC_EVF_FOLLOWED);
	if (exec_child)
		proc(f, IPC_OP_PROC_EXEC, 600, 600, 0, 0, T0 + 11 * MS, 0, 0);
	else	/* the child takes the inherited mutex: it never gets it */
		futex(f, IPC_OP_FUTEX_WAIT, 600, 600, MUTEX, 2, 2, T0 + 11 * MS, 100 * MS,
		      -ETIMEDOUT, true);
	futex(f, IPC_OP_FUTEX_WAKE, 500, waker, MUTEX, 1, 0, T0 + 20 * MS, US, 1, false);
	futex(f, IPC_OP_FUTEX_WAIT, 500, 502, MUTEX, 2, 2, T0 + 5 * MS, 15 * MS, 0, true);
}

static void test_fork_blocked(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	f->env.cls = RACE_WORD_LOCK;
	fork_stream(f, 503, false);
	assert_int_equal(races__finish(f->r), 0);
	x = only_flag(f, RACE_FORK_LOCKED);
	assert_int_equal(x->variant, RV_BLOCKED);
	assert_int_equal(x->count, 1);
	assert_int_equal(x->side[0].role, RR_FORKER);
	assert_int_equal(x->side[0].tid, 501);
	assert_int_equal(x->side[1].role, RR_BLOCKED);
	assert_int_equal(x->side[1].tid, 502);
	assert_int_equal(x->side[2].role, RR_CHILD);
	assert_int_equal(x->side[2].pid, 600);
	assert_int_equal(x->obj[0].addr, MUTEX);
	assert_int_equal(x->d[0], 3);
	assert_int_equal(x->d[1], RACE_CHILD_OTHER);
	/* a condition variable wait spanning the fork is no lock */
	f->env.cls = RACE_WORD_EVENT;
	assert_int_equal(count_all(f), 0);
}

static void test_fork_blocked_not(void **state)
{
	struct fx *f = *state;

	f->env.cls = RACE_WORD_LOCK;
	/* the child execs at once */
	fork_stream(f, 503, true);
	assert_int_equal(races__finish(f->r), 0);
	assert_int_equal(count_all(f), 0);
}

static void test_fork_blocked_forker_held(void **state)
{
	struct fx *f = *state;

	f->env.cls = RACE_WORD_LOCK;
	/* the forking thread itself held the lock (pthread_atfork): the child has it */
	fork_stream(f, 501, false);
	assert_int_equal(races__finish(f->r), 0);
	assert_int_equal(count_all(f), 0);
}

static void test_fork_held_locks(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	proc(f, IPC_OP_PROC_EXEC, 500, 500, 0, 0, T0 - MS, 0, 0);
	proc(f, IPC_OP_THREAD_NEW, 500, 500, 500, 502, T0, 0, 0);
	LOCK(f, 500, 502, MUTEX, T0 + MS, 17);
	proc(f, IPC_OP_PROC_FORK, 500, 500, 600, 600, T0 + 2 * MS, 2, IPC_EVF_FOLLOWED);
	lock(f, IPC_OP_LOCK_TRY, IPC_LOCK_MUTEX, 600, 600, MUTEX, 0, T0 + 3 * MS, US, 16, -1);
	assert_int_equal(count_all(f), 0);	/* 502 may be in a cond wait: not yet */
	UNLOCK(f, 500, 502, MUTEX, T0 + 4 * MS);
	x = only_flag(f, RACE_FORK_LOCKED);
	assert_int_equal(x->variant, RV_HELD);
	assert_int_equal(x->side[1].role, RR_HOLDER);
	assert_int_equal(x->side[1].tid, 502);
	assert_int_equal(x->side[1].stack, 17);
	assert_int_equal(x->obj[0].type, RO_LOCK);
	assert_int_equal(x->obj[0].addr, MUTEX);
}

static void test_fork_held_released_before(void **state)
{
	struct fx *f = *state;

	proc(f, IPC_OP_PROC_EXEC, 500, 500, 0, 0, T0 - MS, 0, 0);
	proc(f, IPC_OP_THREAD_NEW, 500, 500, 500, 502, T0, 0, 0);
	LOCK(f, 500, 502, MUTEX, T0 + MS, 17);
	proc(f, IPC_OP_PROC_FORK, 500, 500, 600, 600, T0 + 3 * MS, 2, IPC_EVF_FOLLOWED);
	lock(f, IPC_OP_LOCK_TRY, IPC_LOCK_MUTEX, 600, 600, MUTEX, 0, T0 + 4 * MS, US, 0, -1);
	/* 502's unlock began before the fork: its record came after */
	UNLOCK(f, 500, 502, MUTEX, T0 + 2 * MS);
	assert_int_equal(races__finish(f->r), 0);
	assert_int_equal(count_all(f), 0);
}

static void test_fork_held_in_cond_wait(void **state)
{
	struct fx *f = *state;

	proc(f, IPC_OP_PROC_EXEC, 500, 500, 0, 0, T0 - MS, 0, 0);
	proc(f, IPC_OP_THREAD_NEW, 500, 500, 500, 502, T0, 0, 0);
	LOCK(f, 500, 502, MUTEX, T0 + MS, 17);
	proc(f, IPC_OP_PROC_FORK, 500, 500, 600, 600, T0 + 3 * MS, 2, IPC_EVF_FOLLOWED);
	lock(f, IPC_OP_LOCK_TRY, IPC_LOCK_MUTEX, 600, 600, MUTEX, 0, T0 + 4 * MS, US, 0, -1);
	/* 502 was waiting on a condvar with the mutex: glibc had released it */
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 500, 502, 0xa000, MUTEX, T0 + 2 * MS, 5 * MS, 0,
	     18);
	UNLOCK(f, 500, 502, MUTEX, T0 + 8 * MS);
	assert_int_equal(races__finish(f->r), 0);
	assert_int_equal(count_all(f), 0);
}

/* ---- 7: lock order ---- */

#define LA 0x1100
#define LB 0x1200
#define LG 0x1300
#define LC 0x1400
#define LD 0x1500

static void test_lock_order(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	LOCK(f, 700, 701, LA, T0, 1);
	LOCK(f, 700, 701, LB, T0 + US * 10, 2);
	UNLOCK(f, 700, 701, LB, T0 + US * 20);
	UNLOCK(f, 700, 701, LA, T0 + US * 30);
	LOCK(f, 700, 702, LB, T0 + MS, 3);
	LOCK(f, 700, 702, LA, T0 + MS + 10 * US, 4);
	UNLOCK(f, 700, 702, LA, T0 + MS + 20 * US);
	UNLOCK(f, 700, 702, LB, T0 + MS + 30 * US);
	x = only_flag(f, RACE_LOCK_ORDER);
	assert_int_equal(x->count, 1);
	assert_int_equal(x->side[0].role, RR_FIRST_OUTER);
	assert_int_equal(x->side[0].tid, 701);
	assert_int_equal(x->side[0].stack, 1);
	assert_int_equal(x->side[1].role, RR_FIRST_INNER);
	assert_int_equal(x->side[1].stack, 2);
	assert_int_equal(x->side[2].role, RR_SECOND_OUTER);
	assert_int_equal(x->side[2].tid, 702);
	assert_int_equal(x->side[2].stack, 3);
	assert_int_equal(x->side[3].role, RR_SECOND_INNER);
	assert_int_equal(x->side[3].stack, 4);
	assert_int_equal(x->obj[0].addr, LA);
	assert_int_equal(x->obj[1].addr, LB);
}

static void test_lock_order_not(void **state)
{
	struct fx *f = *state;

	for (int i = 0; i < 2; i++) {	/* the same order in both threads */
		LOCK(f, 700, 701 + i, LA, T0 + i * MS, 1);
		LOCK(f, 700, 701 + i, LB, T0 + i * MS + 10 * US, 2);
		UNLOCK(f, 700, 701 + i, LB, T0 + i * MS + 20 * US);
		UNLOCK(f, 700, 701 + i, LA, T0 + i * MS + 30 * US);
	}
	/* both orders, each under one gate lock: they cannot meet */
	LOCK(f, 700, 703, LG, T0 + 3 * MS, 5);
	LOCK(f, 700, 703, LC, T0 + 3 * MS + 10 * US, 1);
	LOCK(f, 700, 703, LD, T0 + 3 * MS + 20 * US, 2);
	UNLOCK(f, 700, 703, LD, T0 + 3 * MS + 30 * US);
	UNLOCK(f, 700, 703, LC, T0 + 3 * MS + 40 * US);
	UNLOCK(f, 700, 703, LG, T0 + 3 * MS + 50 * US);
	LOCK(f, 700, 704, LG, T0 + 4 * MS, 5);
	LOCK(f, 700, 704, LD, T0 + 4 * MS + 10 * US, 2);
	LOCK(f, 700, 704, LC, T0 + 4 * MS + 20 * US, 1);
	UNLOCK(f, 700, 704, LC, T0 + 4 * MS + 30 * US);
	UNLOCK(f, 700, 704, LD, T0 + 4 * MS + 40 * US);
	UNLOCK(f, 700, 704, LG, T0 + 4 * MS + 50 * US);
	/* a trylock in the other order cannot deadlock */
	LOCK(f, 700, 705, LB, T0 + 5 * MS, 2);
	lock(f, IPC_OP_LOCK_TRY, IPC_LOCK_MUTEX, 700, 705, LA, 0, T0 + 5 * MS + 10 * US, US, 0,
	     -1);
	UNLOCK(f, 700, 705, LA, T0 + 5 * MS + 20 * US);
	UNLOCK(f, 700, 705, LB, T0 + 5 * MS + 30 * US);
	assert_int_equal(count_all(f), 0);
}

/* ---- 8: unlock misuse ---- */

static const struct race_flag *variant_flag(struct fx *f, unsigned int pattern,
					    unsigned int variant)
{
	const struct race_flag *found = NULL;

	for (size_t i = 0; i < races__nr_flags(f->r); i++) {
		const struct race_flag *x = races__flag(f->r, i);

		if (x && x->pattern == pattern && x->variant == variant) {
			assert_null(found);
			found = x;
		}
	}
	assert_non_null(found);
	return found;
}

static void test_unlock_misuse(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	proc(f, IPC_OP_PROC_EXEC, 800, 800, 0, 0, T0, 0, 0);
	/* not the owner */
	LOCK(f, 800, 801, 0x100, T0 + MS, 1);
	UNLOCK(f, 800, 802, 0x100, T0 + 2 * MS);
	/* not locked */
	LOCK(f, 800, 801, 0x200, T0 + 3 * MS, 1);
	UNLOCK(f, 800, 801, 0x200, T0 + 4 * MS);
	UNLOCK(f, 800, 801, 0x200, T0 + 5 * MS);
	/* failed (an error-checking mutex says EPERM) */
	lock(f, IPC_OP_LOCK_RELEASE, IPC_LOCK_MUTEX, 800, 803, 0x300, 0, T0 + 6 * MS, US, 1, -1);
	/* destroyed while held */
	LOCK(f, 800, 801, 0x400, T0 + 7 * MS, 4);
	lock(f, IPC_OP_LOCK_DESTROY, IPC_LOCK_MUTEX, 800, 801, 0x400, 0, T0 + 8 * MS, US, 16, 5);
	/* a thread exits holding one */
	LOCK(f, 800, 804, 0x500, T0 + 9 * MS, 6);
	proc(f, IPC_OP_THREAD_EXIT, 800, 804, 0, 0, T0 + 10 * MS, 2, 0);

	x = variant_flag(f, RACE_UNLOCK_MISUSE, RV_NOT_OWNER);
	assert_int_equal(x->side[0].role, RR_UNLOCKER);
	assert_int_equal(x->side[0].tid, 802);
	assert_int_equal(x->side[1].role, RR_OWNER);
	assert_int_equal(x->side[1].tid, 801);
	assert_int_equal(x->side[1].stack, 1);
	assert_int_equal(x->obj[0].addr, 0x100);
	x = variant_flag(f, RACE_UNLOCK_MISUSE, RV_NOT_LOCKED);
	assert_int_equal(x->side[1].role, RR_LAST_UNLOCKER);
	assert_int_equal(x->side[1].ts_ns, T0 + 4 * MS);
	x = variant_flag(f, RACE_UNLOCK_MISUSE, RV_UNLOCK_ERROR);
	assert_int_equal(x->side[0].tid, 803);
	x = variant_flag(f, RACE_UNLOCK_MISUSE, RV_DESTROY_HELD);
	assert_int_equal(x->side[0].stack, 5);
	assert_int_equal(x->side[1].stack, 4);
	x = variant_flag(f, RACE_UNLOCK_MISUSE, RV_EXIT_HELD);
	assert_int_equal(x->side[0].tid, 804);
	assert_int_equal(x->side[0].stack, 6);
	assert_int_equal(x->obj[0].addr, 0x500);
	assert_int_equal(count_all(f), 5);
}

static void test_unlock_through_cond_wait(void **state)
{
	struct fx *f = *state;

	proc(f, IPC_OP_PROC_EXEC, 800, 800, 0, 0, T0, 0, 0);
	/* 801 waits (glibc releases M inside), 802 takes M, signals, releases */
	LOCK(f, 800, 801, 0x100, T0 + MS, 1);
	LOCK(f, 800, 802, 0x100, T0 + 3 * MS, 2);
	lock(f, IPC_OP_COND_SIGNAL, IPC_LOCK_COND, 800, 802, 0x600, 0, T0 + 4 * MS, US, 0, -1);
	UNLOCK(f, 800, 802, 0x100, T0 + 5 * MS);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 800, 801, 0x600, 0x100, T0 + 2 * MS, 4 * MS, 0,
	     3);
	UNLOCK(f, 800, 801, 0x100, T0 + 7 * MS);
	/* a recursive mutex */
	LOCK(f, 800, 801, 0x700, T0 + 8 * MS, 1);
	LOCK(f, 800, 801, 0x700, T0 + 9 * MS, 1);
	UNLOCK(f, 800, 801, 0x700, T0 + 10 * MS);
	UNLOCK(f, 800, 801, 0x700, T0 + 11 * MS);
	/* records in return order: 801's unlock began before 802's lock returned */
	LOCK(f, 800, 801, 0x800, T0 + 14 * MS, 1);
	LOCK(f, 800, 802, 0x800, T0 + 15 * MS, 2);		/* returned at +15ms+1us */
	UNLOCK(f, 800, 802, 0x800, T0 + 16 * MS);
	UNLOCK(f, 800, 801, 0x800, T0 + 15 * MS);		/* began at +15ms */
	/* a broadcast's waiter gets the mutex back before the broadcaster's unlock record */
	LOCK(f, 800, 802, 0x900, T0 + 20 * MS, 1);
	LOCK(f, 800, 803, 0x900, T0 + 21 * MS, 1);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 800, 802, 0x600, 0x900, T0 + 20 * MS + 10 * US,
	     2 * MS, 0, 3);
	UNLOCK(f, 800, 803, 0x900, T0 + 22 * MS);
	UNLOCK(f, 800, 802, 0x900, T0 + 23 * MS);
	/* destroyed when free; a thread exiting with nothing held */
	lock(f, IPC_OP_LOCK_DESTROY, IPC_LOCK_MUTEX, 800, 801, 0x700, 0, T0 + 12 * MS, US, 0, -1);
	proc(f, IPC_OP_THREAD_EXIT, 800, 801, 0, 0, T0 + 13 * MS, 2, 0);
	assert_int_equal(count_all(f), 0);
}

/* ---- 9: condition variables ---- */

#define COND 0x600
#define M1 0x100
#define M2 0x180

static void test_cond_misuse(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	proc(f, IPC_OP_PROC_EXEC, 900, 900, 0, 0, T0, 0, 0);
	/* a wait without its mutex */
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 900, 901, COND, M1, T0 + MS, MS, 0, 7);
	UNLOCK(f, 900, 901, M1, T0 + 3 * MS);
	x = variant_flag(f, RACE_COND_MISUSE, RV_MUTEX_NOT_HELD);
	assert_int_equal(x->side[0].tid, 901);
	assert_int_equal(x->side[0].stack, 7);
	assert_int_equal(x->obj[0].addr, COND);
	assert_int_equal(x->obj[1].addr, M1);
	/* two waits at once with two mutexes */
	LOCK(f, 900, 902, M1, T0 + 10 * MS, 1);
	LOCK(f, 900, 903, M2, T0 + 10 * MS, 1);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 900, 902, 0x700, M1, T0 + 11 * MS, 5 * MS, 0, 8);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 900, 903, 0x700, M2, T0 + 12 * MS, 5 * MS, 0, 9);
	UNLOCK(f, 900, 902, M1, T0 + 20 * MS);
	UNLOCK(f, 900, 903, M2, T0 + 20 * MS);
	x = variant_flag(f, RACE_COND_MISUSE, RV_MIXED_MUTEXES);
	assert_int_equal(x->side[0].tid, 903);
	assert_int_equal(x->side[1].tid, 902);
	assert_int_equal(x->obj[0].addr, 0x700);
	/* a signal with nobody waiting, then a wait that sleeps */
	lock(f, IPC_OP_COND_SIGNAL, IPC_LOCK_COND, 900, 904, 0x800, 0, T0 + 30 * MS, US, 0, -1);
	LOCK(f, 900, 905, M1, T0 + 31 * MS, 1);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 900, 905, 0x800, M1, T0 + 32 * MS, 200 * MS,
	     110, 10);
	UNLOCK(f, 900, 905, M1, T0 + 233 * MS);
	x = variant_flag(f, RACE_COND_MISUSE, RV_SIGNAL_FIRST);
	assert_int_equal(x->side[0].role, RR_SIGNALER);
	assert_int_equal(x->side[0].tid, 904);
	assert_int_equal(x->side[1].role, RR_WAITER);
	assert_int_equal(x->side[1].tid, 905);
	assert_int_equal(x->d[0], 200 * MS);
	assert_int_equal(x->d[1], 2 * MS);
	assert_int_equal(count_all(f), 3);
}

static void test_cond_misuse_not(void **state)
{
	struct fx *f = *state;

	proc(f, IPC_OP_PROC_EXEC, 900, 900, 0, 0, T0, 0, 0);
	/* a signal that found a waiter */
	LOCK(f, 900, 905, M1, T0 + MS, 1);
	lock(f, IPC_OP_COND_SIGNAL, IPC_LOCK_COND, 900, 904, COND, 0, T0 + 10 * MS, US, 0, -1);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 900, 905, COND, M1, T0 + 2 * MS, 9 * MS, 0, 10);
	UNLOCK(f, 900, 905, M1, T0 + 12 * MS);
	/* a signal nobody waited for, and a waiter that took the mutex and let it go
	 * since (it saw the predicate), then waited for the next one */
	lock(f, IPC_OP_COND_SIGNAL, IPC_LOCK_COND, 900, 904, COND, 0, T0 + 20 * MS, US, 0, -1);
	LOCK(f, 900, 905, M1, T0 + 21 * MS, 1);
	UNLOCK(f, 900, 905, M1, T0 + 22 * MS);
	LOCK(f, 900, 905, M1, T0 + 25 * MS, 1);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 900, 905, COND, M1, T0 + 26 * MS, 300 * MS, 0, 10);
	UNLOCK(f, 900, 905, M1, T0 + 330 * MS);
	/* waits on one condvar with two mutexes, one after the other */
	LOCK(f, 900, 906, M2, T0 + 400 * MS, 1);
	lock(f, IPC_OP_COND_WAIT, IPC_LOCK_COND, 900, 906, COND, M2, T0 + 401 * MS, MS, 0, 10);
	UNLOCK(f, 900, 906, M2, T0 + 403 * MS);
	assert_int_equal(count_all(f), 0);
}

/* ---- 10: locks in signal handlers ---- */

static void test_handler_lock(void **state)
{
	struct fx *f = *state;
	const struct race_flag *x;

	sig_deliver(f, 1000, 1001, SIGUSR1_NR, 0x4567, T0);
	LOCK(f, 1000, 1001, 0x100, T0 + 10 * US, 11);
	UNLOCK(f, 1000, 1001, 0x100, T0 + 20 * US);
	sig_return(f, 1000, 1001, T0 + 30 * US);
	/* after the handler returned: not in a handler */
	LOCK(f, 1000, 1001, 0x100, T0 + MS, 11);
	UNLOCK(f, 1000, 1001, 0x100, T0 + 2 * MS);
	/* a default action is no handler */
	sig_deliver(f, 1000, 1002, 17, 0, T0 + 3 * MS);
	LOCK(f, 1000, 1002, 0x100, T0 + 4 * MS, 11);
	x = only_flag(f, RACE_HANDLER_LOCK);
	assert_int_equal(x->count, 1);
	assert_int_equal(x->side[0].role, RR_HANDLER);
	assert_int_equal(x->side[0].tid, 1001);
	assert_int_equal(x->side[0].stack, 11);
	assert_int_equal(x->obj[0].addr, 0x100);
	assert_int_equal(x->obj[1].sig, SIGUSR1_NR);
	assert_int_equal(x->d[0], 0x4567);
	assert_int_equal(x->d[1], 10 * US);
	assert_int_equal(races__stats(f->r)->sigreturns, 1);
}

/* ---- bounds ---- */

static void test_bounded(void **state)
{
	struct races_env env = { 0 };
	struct races_opts o = { .max_flags = 2, .max_rows = 16 };
	struct fx f = { .r = races__new(&env, &o) };

	(void)state;
	assert_non_null(f.r);
	/* 100 streams, each its own row: the oldest are aged out */
	for (int i = 0; i < 100; i++)
		io(&f, IPC_OP_PIPE_WRITE, 100, 100, 1000 + i, 64, 64, T0 + i * US, -1);
	assert_true(races__stats(f.r)->aged_out >= 84);
	/* 5 distinct ESRCH flags, 2 kept */
	for (int i = 0; i < 5; i++)
		sig_send(&f, 100, 100, 15, 300 + i, IPC_SYS_KILL, -ESRCH, -1, T0 + i * MS);
	assert_int_equal(races__nr_flags(f.r), 2);
	assert_int_equal(races__stats(f.r)->flags_dropped, 3);
	races__free(f.r);
}

static void test_names(void **state)
{
	(void)state;
	for (unsigned int p = 1; p < RACE_PATTERN_NR; p++)
		assert_string_not_equal(race_pattern_name(p), "?");
	for (unsigned int r = 1; r < RR_NR; r++)
		assert_string_not_equal(race_role_name(r), "?");
	assert_string_equal(race_pattern_name(RACE_PATTERN_NR), "?");
	assert_string_not_equal(race_why(RACE_LOST_WAKEUP, RV_NONE), "");
	assert_string_not_equal(race_why(RACE_COND_MISUSE, RV_SIGNAL_FIRST), "");
	assert_string_equal(race_why(RACE_LOST_WAKEUP, RV_ESRCH), "");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_coalesced),
		T(test_coalesced_not),
		T(test_interleave),
		T(test_interleave_not),
		T(test_stream_split),
		T(test_stream_split_not),
		T(test_epipe),
		T(test_esrch),
		T(test_pid_reused),
		T(test_pid_reused_not),
		T(test_lost_wakeup),
		T(test_lost_wakeup_not),
		T(test_fork_blocked),
		T(test_fork_blocked_not),
		T(test_fork_blocked_forker_held),
		T(test_fork_held_locks),
		T(test_fork_held_in_cond_wait),
		T(test_fork_held_released_before),
		T(test_lock_order),
		T(test_lock_order_not),
		T(test_unlock_misuse),
		T(test_unlock_through_cond_wait),
		T(test_cond_misuse),
		T(test_cond_misuse_not),
		T(test_handler_lock),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
