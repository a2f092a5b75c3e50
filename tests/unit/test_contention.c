// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * contention: synthetic futex, semop and lock record streams through a
 * real collector, checked through contention__info() and the reports:
 * counts, percentiles, pairing of waits with the wakes that ended them,
 * the most waiters at once, the glibc patterns that classify a futex, the
 * ranking (idle condvar waits after every lock), --locks hold times and
 * owners, symbols and call sites from this process's own maps.
 */
#include <errno.h>
#include <linux/futex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "analysis/contention.h"
#include "decode/names.h"
#include "lib/json.h"
#include "model/collector.h"
#include "model/objkey.h"
#include "model/stacks.h"
#include "model/syms.h"

#define US 1000ull
#define MS (1000 * US)
#define SEC (1000 * MS)
#define PID 4000
#define ADDR 0x55550000ull

/* Objects of this very process, for the symbol tests. */
int test_counter_lock[10] = { 1 };	/* stands in for a pthread_mutex_t */

__attribute__((noinline)) int test_wait_site(int x)
{
	return x * 3 + test_counter_lock[x & 7];
}

struct fixture {
	struct collector *c;
	struct stacks *st;
	struct contention *ct;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->c = collector__new();
	assert_non_null(f->c);
	f->st = stacks__new(f->c);
	assert_non_null(f->st);
	assert_int_equal(collector__add_sink(f->c, stacks__sink(f->st)), 0);
	f->ct = contention__new(f->c, f->st);
	assert_non_null(f->ct);
	assert_int_equal(collector__add_sink(f->c, contention__sink(f->ct)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	collector__free(f->c);
	free(f);
	return 0;
}

static void hdr(struct ipc_hdr *h, unsigned int type, unsigned int op, uint32_t pid,
		uint32_t tid, uint64_t ts, uint64_t dur, int64_t ret, bool blocked)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->sys = type == IPC_REC_FUTEX ? IPC_SYS_FUTEX : type == IPC_REC_SEM ?
		 IPC_SYS_SEMTIMEDOP : IPC_SYS_HOOK_UPROBE;
	h->pid = pid;
	h->tid = tid;
	h->ts_ns = ts;
	h->dur_ns = dur;
	h->ret = ret;
	h->stack_id = -1;
	h->flags = blocked ? IPC_EVF_BLOCKED : 0;
	snprintf(h->comm, sizeof(h->comm), "t%u", tid);
}

/* A futex(2) call: cmd is the FUTEX_* command (private flag added). */
static struct ipc_ev_futex futex(uint32_t tid, unsigned int cmd, uint64_t addr, uint32_t val,
				 uint64_t ts, uint64_t dur, int64_t ret)
{
	struct ipc_ev_futex f;
	bool wait = cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI;

	hdr(&f.hdr, IPC_REC_FUTEX, ipc_futex_cmd_op(cmd), PID, tid, ts, dur, ret, wait && ret == 0);
	memset(&f.uaddr, 0, sizeof(f) - sizeof(f.hdr));
	f.uaddr = addr;
	f.cmd = cmd | FUTEX_PRIVATE_FLAG;
	f.val = val;
	f.val3 = cmd == FUTEX_WAIT_BITSET ? 0xffffffffu : 0;
	f.fflags = IPC_FUTEX_PRIVATE;
	return f;
}

static void push(struct fixture *f, const void *rec, size_t len)
{
	assert_int_equal(collector__push(f->c, rec, len), 0);
	assert_int_equal(collector__stats(f->c)->bad, 0);
}

static void push_futex(struct fixture *f, struct ipc_ev_futex *e)
{
	push(f, e, sizeof(*e));
}

/* A glibc mutex wait (blocked unless it failed) and the wake that ends it. */
static void mutex_wait(struct fixture *f, uint64_t addr, uint32_t tid, uint64_t ts, uint64_t dur)
{
	struct ipc_ev_futex e = futex(tid, FUTEX_WAIT, addr, 2, ts, dur, 0);

	e.word = 2;
	e.fflags |= IPC_FUTEX_WORD_OK;
	push_futex(f, &e);
}

static void wake(struct fixture *f, uint64_t addr, uint32_t tid, uint32_t val, uint32_t word,
		 uint64_t ts, int64_t ret)
{
	struct ipc_ev_futex e = futex(tid, FUTEX_WAKE, addr, val, ts, 2 * US, ret);

	e.word = word;
	e.fflags |= IPC_FUTEX_WORD_OK;
	push_futex(f, &e);
}

static struct objkey futex_key(uint64_t addr)
{
	return (struct objkey){ .kind = IPC_OBJ_FUTEX, .pid = PID, .a = addr };
}

static struct contention_info info(struct fixture *f, uint64_t addr)
{
	struct objkey k = futex_key(addr);
	struct contention_info in;

	assert_int_equal(contention__info(f->ct, &k, &in), 0);
	return in;
}

/* A glibc mutex: waits for 2, wakes of 1; one wait failed with EAGAIN. */
static void test_mutex(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_futex again = futex(103, FUTEX_WAIT, ADDR, 2, 5 * MS, 1 * US, -EAGAIN);
	struct contention_info in;

	for (int i = 0; i < 3; i++) {
		uint64_t t0 = (uint64_t)i * MS;

		mutex_wait(f, ADDR, 101 + i, t0, (i + 1) * 100 * US);
		wake(f, ADDR, 100, 1, 0, t0 + (i + 1) * 100 * US - 10 * US, 1);
	}
	push_futex(f, &again);
	wake(f, ADDR, 100, 1, 0, 6 * MS, 0);
	in = info(f, ADDR);
	assert_string_equal(in.kind, "mutex");
	assert_non_null(strstr(in.evidence, "waits for 2"));
	assert_int_equal(in.waits, 4);
	assert_int_equal(in.blocked, 3);
	assert_int_equal(in.blocked_ns, 600 * US);
	assert_int_equal(in.max_ns, 300 * US);
	assert_int_equal(in.eagain, 1);
	assert_int_equal(in.wakes, 4);
	assert_int_equal(in.woken, 3);
	assert_int_equal(in.waiters, 3);
	assert_int_equal(in.max_waiters, 1);
	assert_int_equal(in.paired, 3);
	assert_int_equal(in.holder_tid, 100);
	assert_int_equal(in.holder_count, 3);
	assert_string_equal(in.holder_source, "waker");
	assert_int_equal(in.rank, 0);
}

/*
 * The wake nearest before a wait's end ended it, even when it arrives
 * after the wait (waiters often return first), and a wake that woke one
 * thread ends one wait only.
 */
static void test_pairing(void **state)
{
	struct fixture *f = *state;
	struct contention_info in;

	/* A: [0, 100us] B: [10us, 200us]; wakes at 95us by 7 and 195us by 8 */
	mutex_wait(f, ADDR, 1, 0, 100 * US);
	wake(f, ADDR, 7, 1, 0, 95 * US, 1);
	mutex_wait(f, ADDR, 2, 10 * US, 190 * US);
	wake(f, ADDR, 8, 1, 0, 195 * US, 1);
	in = info(f, ADDR);
	assert_int_equal(in.paired, 2);
	/* one each: the holder is whichever released more time, 8 (190us) */
	assert_int_equal(in.holder_tid, 8);
	assert_int_equal(in.holder_count, 1);

	/* C ends at 1.1ms; its waker (9, at 1.05ms) comes after it; then D, released by nobody */
	mutex_wait(f, ADDR + 64, 3, 1 * MS, 100 * US);
	mutex_wait(f, ADDR + 64, 4, 1 * MS, 120 * US);
	wake(f, ADDR + 64, 9, 1, 0, 1 * MS + 50 * US, 1);
	in = info(f, ADDR + 64);
	assert_int_equal(in.paired, 1);
	assert_int_equal(in.holder_tid, 9);
	assert_int_equal(in.holder_count, 1);
}

/* Overlapping blocked waits, arriving in the order they ended. */
static void test_max_waiters(void **state)
{
	struct fixture *f = *state;

	mutex_wait(f, ADDR, 3, 20 * US, 30 * US);	/* [20, 50] */
	mutex_wait(f, ADDR, 2, 10 * US, 80 * US);	/* [10, 90] */
	mutex_wait(f, ADDR, 1, 0, 100 * US);		/* [0, 100] */
	mutex_wait(f, ADDR, 4, 60 * US, 140 * US);	/* [60, 200] */
	mutex_wait(f, ADDR, 5, 300 * US, 10 * US);	/* alone */
	assert_int_equal(info(f, ADDR).max_waiters, 3);
}

/* 100 waits of 1..100us: percentiles within a quarter of the true ones. */
static void test_percentiles(void **state)
{
	struct fixture *f = *state;
	struct contention_info in;

	for (int i = 1; i <= 100; i++)
		mutex_wait(f, ADDR, 10 + i, (uint64_t)i * MS, (uint64_t)i * US);
	in = info(f, ADDR);
	assert_int_equal(in.max_ns, 100 * US);
	assert_in_range(in.p50_ns, 50 * US, 63 * US);
	assert_in_range(in.p90_ns, 90 * US, 100 * US);
	assert_in_range(in.p99_ns, 99 * US, 100 * US);
	assert_int_equal(in.waiters, 16);	/* the table keeps 16 */
}

/* A condvar parked for seconds ranks below a lightly contended mutex. */
static void test_condvar_idle_ranks_last(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_futex cw = futex(200, FUTEX_WAIT_BITSET, ADDR + 40, 0, 0, 3 * SEC, 0);
	struct contention_info cond, mutex;

	cw.fflags |= IPC_FUTEX_WORD_OK | IPC_FUTEX_CLOCK_RT;
	push_futex(f, &cw);
	wake(f, ADDR + 40, 1, 1, 2, 3 * SEC - 5 * US, 1);	/* signal: word raised by 2 */
	for (int i = 0; i < 5; i++)
		mutex_wait(f, ADDR + 128, 300 + i, (uint64_t)i * MS, 50 * US);
	cond = info(f, ADDR + 40);
	mutex = info(f, ADDR + 128);
	assert_string_equal(cond.kind, "condvar/wait");
	assert_non_null(strstr(cond.evidence, "__g_signals"));
	assert_string_equal(mutex.kind, "mutex");
	assert_int_equal(mutex.rank, 0);
	assert_int_equal(cond.rank, 1);
	assert_true(cond.blocked_ns > mutex.blocked_ns);
}

/* A broadcast (INT_MAX) wake makes a condvar whatever the word says. */
static void test_broadcast(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_futex cw = futex(200, FUTEX_WAIT_BITSET, ADDR, 0, 0, 5 * MS, 0);

	push_futex(f, &cw);
	wake(f, ADDR, 1, 0x7fffffff, 1, 4 * MS, 1);
	assert_string_equal(info(f, ADDR).kind, "condvar/wait");
}

/* A shared sem_t between two processes: waits for 0, a post leaves 1. */
static void test_shared_semaphore(void **state)
{
	struct fixture *f = *state;
	struct objkey k = { .kind = IPC_OBJ_FUTEX, .dev = 1, .a = 15788, .b = 0 };
	struct contention_info in;

	for (int i = 0; i < 4; i++) {
		struct ipc_ev_futex w = futex(501, FUTEX_WAIT_BITSET, 0x7f0000001000ull, 0,
					      (uint64_t)i * MS, 200 * US, 0);
		struct ipc_ev_futex p = futex(600, FUTEX_WAKE, 0x7f0000009000ull, 1,
					      (uint64_t)i * MS + 190 * US, 3 * US, 1);

		w.hdr.pid = 501;
		p.hdr.pid = 600;
		for (struct ipc_ev_futex *e = &w; e; e = e == &w ? &p : NULL) {
			e->cmd &= ~FUTEX_PRIVATE_FLAG;
			e->fflags = IPC_FUTEX_SHARED_KEY | IPC_FUTEX_WORD_OK;
			e->key_dev = 1;
			e->key_ino = 15788;
			e->key_off = 0;
		}
		p.word = 1;
		push_futex(f, &w);
		push_futex(f, &p);
	}
	assert_int_equal(contention__info(f->ct, &k, &in), 0);
	assert_string_equal(in.kind, "semaphore");
	assert_int_equal(in.blocked, 4);
	assert_int_equal(in.blocked_ns, 800 * US);
	assert_int_equal(in.holder_tid, 600);
	assert_int_equal(in.paired, 4);
}

/* pthread_join: a wait for the thread id, woken by the kernel (no wake record). */
static void test_join_wait(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_futex w = futex(1, FUTEX_WAIT_BITSET, ADDR, 4321, 0, 2 * MS, 0);

	w.word = 4321;
	w.fflags |= IPC_FUTEX_WORD_OK;
	push_futex(f, &w);
	assert_string_equal(info(f, ADDR).kind, "condvar/wait");
	assert_non_null(strstr(info(f, ADDR).evidence, "pthread_join"));
}

static void test_rwlock(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_futex w = futex(1, FUTEX_WAIT_BITSET, ADDR + 12, 3, 0, 2 * MS, 0);

	push_futex(f, &w);
	wake(f, ADDR + 12, 2, 1, 0, 1 * MS, 1);
	assert_string_equal(info(f, ADDR + 12).kind, "rwlock");
}

/* A PI mutex: the owner is in the word, no guessing from wakes. */
static void test_pi_owner(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_futex w = futex(11, FUTEX_LOCK_PI, ADDR, 0, 0, 4 * MS, 0);
	struct ipc_ev_futex u = futex(555, FUTEX_UNLOCK_PI, ADDR, 0, 4 * MS - 2 * US, US, 0);
	struct contention_info in;

	w.word = 0x80000000u | 555;	/* FUTEX_WAITERS | owner */
	w.fflags |= IPC_FUTEX_WORD_OK;
	push_futex(f, &w);
	push_futex(f, &u);
	in = info(f, ADDR);
	assert_string_equal(in.kind, "mutex");
	assert_int_equal(in.holder_tid, 555);
	assert_string_equal(in.holder_source, "pi-owner");
	assert_int_equal(in.paired, 1);
}

static struct ipc_ev_sem semop(uint32_t pid, uint32_t tid, int semid, uint16_t num, int16_t op,
			       uint64_t ts, uint64_t dur, bool blocked)
{
	struct ipc_ev_sem s;

	hdr(&s.hdr, IPC_REC_SEM, IPC_OP_SEM_OP, pid, tid, ts, dur, 0, blocked);
	memset(&s.semid, 0, sizeof(s) - sizeof(s.hdr));
	s.semid = semid;
	s.nsops = 1;
	s.sem_num[0] = num;
	s.sem_op[0] = op;
	s.sem_flg[0] = 0x1000;	/* SEM_UNDO */
	s.timeout_ns = -1;
	return s;
}

/* SysV: per (set, number), the poster as the releaser. */
static void test_sysv(void **state)
{
	struct fixture *f = *state;
	struct objkey k0 = { .kind = IPC_OBJ_SEM, .a = 41, .b = 0 };
	struct objkey k1 = { .kind = IPC_OBJ_SEM, .a = 41, .b = 1 };
	struct contention_info in;
	struct ipc_ev_sem t;

	for (int i = 0; i < 3; i++) {
		struct ipc_ev_sem w = semop(70, 70, 41, 0, -1, (uint64_t)i * MS, 300 * US, true);
		struct ipc_ev_sem p = semop(71, 71, 41, 0, 1, (uint64_t)i * MS + 250 * US, US,
					    false);

		push(f, &w, sizeof(w));
		push(f, &p, sizeof(p));
	}
	/* semtimedop that timed out: EAGAIN after sleeping, a timeout */
	t = semop(70, 70, 41, 0, -1, 10 * MS, 1 * MS, true);
	t.hdr.ret = -EAGAIN;
	t.timeout_ns = 1 * MS;
	push(f, &t, sizeof(t));
	assert_int_equal(contention__info(f->ct, &k0, &in), 0);
	assert_string_equal(in.kind, "semaphore");
	assert_non_null(strstr(in.evidence, "SEM_UNDO"));
	assert_int_equal(in.timeouts, 1);
	assert_int_equal(in.eagain, 0);
	assert_int_equal(in.blocked, 4);
	assert_int_equal(in.blocked_ns, 900 * US + 1 * MS);
	assert_int_equal(in.wakes, 3);
	assert_int_equal(in.holder_tid, 71);
	assert_int_equal(contention__info(f->ct, &k1, &in), -ENOENT);
}

static struct ipc_ev_lock lockrec(uint32_t tid, unsigned int op, uint32_t kind, uint64_t addr,
				  uint64_t ts, uint64_t dur, bool blocked)
{
	struct ipc_ev_lock l;

	hdr(&l.hdr, IPC_REC_LOCK, op, PID, tid, ts, dur, 0, blocked);
	memset(&l.addr, 0, sizeof(l) - sizeof(l.hdr));
	l.addr = addr;
	l.lock_kind = kind;
	l.func = kind == IPC_LOCK_MUTEX ? (op == IPC_OP_LOCK_RELEASE ? IPC_LOCKFN_MUTEX_UNLOCK :
		 IPC_LOCKFN_MUTEX_LOCK) : IPC_LOCKFN_COND_WAIT;
	return l;
}

/* --locks: holds between lock and unlock, owners, and the futex row's kind. */
static void test_locks(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_lock recs[] = {
		lockrec(1, IPC_OP_LOCK_ACQUIRE, IPC_LOCK_MUTEX, ADDR, 0, 0, false),
		lockrec(1, IPC_OP_LOCK_RELEASE, IPC_LOCK_MUTEX, ADDR, 100 * US, US, false),
		lockrec(2, IPC_OP_LOCK_ACQUIRE, IPC_LOCK_MUTEX, ADDR, 60 * US, 50 * US, true),
		lockrec(2, IPC_OP_LOCK_RELEASE, IPC_LOCK_MUTEX, ADDR, 300 * US, US, false),
		lockrec(3, IPC_OP_LOCK_ACQUIRE, IPC_LOCK_MUTEX, ADDR, 400 * US, 0, false),
	};
	struct ipc_ev_lock cw = lockrec(3, IPC_OP_COND_WAIT, IPC_LOCK_COND, ADDR + 64,
					450 * US, 1 * MS, true);
	struct contention_lock_info li;
	struct contention_info in;

	mutex_wait(f, ADDR, 2, 65 * US, 40 * US);
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		push(f, &recs[i], sizeof(recs[i]));
	cw.addr2 = ADDR;
	push(f, &cw, sizeof(cw));
	assert_int_equal(contention__lock_info(f->ct, PID, ADDR, &li), 0);
	assert_string_equal(li.kind, "mutex");
	assert_int_equal(li.acquires, 3);
	assert_int_equal(li.contended, 1);
	/* 1: 0..100us; 2: 110us..300us; 3: 400us..450us, then back at 1.45ms */
	assert_int_equal(li.holds, 3);
	assert_int_equal(li.hold_ns, 100 * US + 190 * US + 50 * US);
	assert_int_equal(li.hold_max_ns, 190 * US);
	assert_int_equal(li.top_owner, 2);
	assert_int_equal(li.owner, 3);
	assert_int_equal(contention__lock_info(f->ct, PID, ADDR + 64, &li), 0);
	assert_string_equal(li.kind, "condvar/wait");
	assert_int_equal(li.cond_waits, 1);
	assert_int_equal(li.mutex, ADDR);
	in = info(f, ADDR);
	assert_true(in.locks);
	assert_string_equal(in.kind, "mutex");
	assert_non_null(strstr(in.evidence, "--locks"));
	assert_int_equal(in.holds, 3);
	assert_string_equal(in.holder_source, "locks");
	assert_int_equal(in.holder_tid, 2);
}

static int push_map(void *ctx, const struct ipc_rec_map *m)
{
	struct ipc_rec_map copy = *m;

	copy.hdr.pid = PID;
	return collector__push(ctx, &copy, sizeof(copy));
}

/* This process's maps under PID, and a stack: libc innermost, test_wait_site, garbage. */
static void push_own_stack(struct fixture *f, int32_t id)
{
	struct ipc_rec_stack s;

	assert_int_equal(syms__read_proc_maps(getpid(), push_map, f->c), 0);
	memset(&s, 0, sizeof(s));
	s.hdr.type = IPC_REC_STACK;
	s.hdr.op = IPC_OP_SNAPSHOT;
	s.hdr.sys = IPC_SYS_HOOK_COLLECTOR;
	s.hdr.pid = PID;
	s.hdr.stack_id = id;
	s.nr = 3;
	s.ips[0] = (uint64_t)(uintptr_t)getppid + 4;
	s.ips[1] = (uint64_t)(uintptr_t)test_wait_site + 8;
	s.ips[2] = 0x10;	/* in no mapping: a frame without a symbol */
	push(f, &s, offsetof(struct ipc_rec_stack, ips) + 3 * sizeof(uint64_t));
}

/* The lock's global and the call site outside libc, from this process's own maps. */
static void test_symbols(void **state)
{
	struct fixture *f = *state;
	uint64_t addr = (uint64_t)(uintptr_t)test_counter_lock;
	struct ipc_ev_futex w = futex(1, FUTEX_WAIT, addr, 2, 0, 1 * MS, 0);
	struct ipc_ev_futex m = futex(2, FUTEX_WAIT, addr, 2, 2 * MS, 1 * MS, 0);
	const struct stacks_stats *ss = stacks__stats(f->st);
	struct contention_info in;

	push_own_stack(f, 7);
	w.hdr.stack_id = 7;
	push_futex(f, &w);
	m.hdr.flags |= IPC_EVF_STACK_MISSED;
	push_futex(f, &m);
	in = info(f, addr);
	assert_non_null(in.symbol);
	assert_string_equal(in.symbol, "test_counter_lock");
	assert_non_null(in.site);
	assert_string_equal(in.site, "test_wait_site");
	assert_int_equal(ss->stacks, 1);
	assert_int_equal(ss->frames, 3);
	assert_int_equal(ss->unresolved, 1);
	/* a stack id nobody described */
	assert_int_equal(stacks__get(f->st, PID, 99), -ENOENT);
	assert_int_equal(ss->unknown, 1);
}

static char *report(struct fixture *f, bool final, bool json)
{
	struct report r = { .final = final, .top = 20 };
	char *buf = NULL;
	size_t len = 0;
	struct jw w;

	r.out = open_memstream(&buf, &len);
	assert_non_null(r.out);
	if (json) {
		jw__init(&w);
		r.jw = &w;
		jw__obj_begin(&w);
	}
	collector__report(f->c, &r);
	if (json) {
		jw__obj_end(&w);
		assert_false(w.failed);
		assert_int_equal(jw__flush_line(&w, r.out), 0);
		jw__release(&w);
	}
	fclose(r.out);
	return buf;
}

/* Text and JSON sections, final and per interval; an interval starts empty. */
static void test_reports(void **state)
{
	struct fixture *f = *state;
	struct ipc_ev_lock l = lockrec(1, IPC_OP_LOCK_ACQUIRE, IPC_LOCK_MUTEX, ADDR, 0, 0, false);
	char *text, *json;

	push_own_stack(f, 3);
	for (int i = 0; i < 5; i++)
		mutex_wait(f, ADDR, 10 + i, (uint64_t)i * MS, 20 * US);
	push(f, &l, sizeof(l));
	text = report(f, true, false);
	assert_non_null(strstr(text, "CONTENDED LOCKS"));
	assert_non_null(strstr(text, "futex:0x55550000@4000"));
	assert_non_null(strstr(text, "wait histogram"));
	assert_non_null(strstr(text, "LOCKS (--locks"));
	free(text);
	json = report(f, true, true);
	assert_non_null(strstr(json, "\"contended_locks\":[{\"rank\":0,\"kind\":\"mutex\""));
	assert_non_null(strstr(json, "\"blocked_ns\":100000"));
	assert_non_null(strstr(json, "\"locks\":[{"));
	assert_non_null(strstr(json, "\"lock_stacks\":{"));
	free(json);
	collector__interval_end(f->c);
	text = report(f, false, false);
	assert_non_null(strstr(text, "  none\n"));
	free(text);
	mutex_wait(f, ADDR, 10, 10 * MS, 30 * US);
	json = report(f, false, true);
	assert_non_null(strstr(json, "\"blocked\":1,\"blocked_ns\":30000"));
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mutex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pairing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_waiters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_percentiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_condvar_idle_ranks_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broadcast, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_semaphore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rwlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pi_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symbols, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
