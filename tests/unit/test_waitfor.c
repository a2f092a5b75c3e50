// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for waitfor: deadlocks (cycles and knots), chains, and what is not a deadlock. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "analysis/waitfor.h"

static int setup(void **state)
{
	*state = waitfor__new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	waitfor__free(*state);
	return 0;
}

static void assert_members(struct waitfor *w, size_t i, const uint32_t *want, size_t n)
{
	size_t nr;
	const uint32_t *m = waitfor__deadlock(w, i, &nr);

	assert_int_equal(nr, n);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(m[k], want[k]);
}

/* Two threads of one process, each holding the mutex the other wants. */
static void test_abba(void **state)
{
	struct waitfor *w = *state;
	const uint32_t want[] = { 11, 12 };

	assert_int_equal(waitfor__proc(w, 10, 3), 0);	/* main thread is running */
	assert_int_equal(waitfor__thread(w, 12, 10, WF_WAITS), 0);
	assert_int_equal(waitfor__thread(w, 11, 10, WF_WAITS), 0);
	assert_int_equal(waitfor__waker_thread(w, 11, 12), 0);
	assert_int_equal(waitfor__waker_thread(w, 12, 11), 0);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 1);
	assert_members(w, 0, want, 2);
	assert_int_equal(waitfor__deadlock_of(w, 11), 0);
	assert_int_equal(waitfor__deadlock_of(w, 12), 0);
	assert_int_equal(waitfor__deadlock_of(w, 10), -1);
	assert_int_equal(waitfor__next(w, 11).kind, WF_HOP_THREAD);
	assert_int_equal(waitfor__next(w, 11).tid, 12);
	assert_int_equal(waitfor__next(w, 12).tid, 11);
}

/* A waits on B's mutex, B reads a pipe whose only writer C sleeps: a chain. */
static void test_chain_is_not_deadlock(void **state)
{
	struct waitfor *w = *state;
	struct wf_hop h;

	waitfor__proc(w, 20, 2);
	waitfor__proc(w, 40, 1);
	waitfor__thread(w, 21, 20, WF_WAITS);
	waitfor__thread(w, 22, 20, WF_WAITS);
	waitfor__thread(w, 41, 40, WF_SELF);
	waitfor__waker_thread(w, 21, 22);
	waitfor__waker_proc(w, 22, 40);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 0);
	assert_false(waitfor__stuck(w, 21));
	assert_false(waitfor__stuck(w, 22));
	h = waitfor__next(w, 21);
	assert_int_equal(h.kind, WF_HOP_THREAD);
	assert_int_equal(h.tid, 22);
	h = waitfor__next(w, 22);
	assert_int_equal(h.kind, WF_HOP_THREAD);
	assert_int_equal(h.tid, 41);
	assert_int_equal(h.pid, 40);
	assert_int_equal(waitfor__next(w, 41).kind, WF_HOP_END);
}

/* Two processes each reading a pipe only the other writes. */
static void test_pipe_knot(void **state)
{
	struct waitfor *w = *state;
	const uint32_t want[] = { 100, 200 };

	waitfor__proc(w, 100, 1);
	waitfor__proc(w, 200, 1);
	waitfor__thread(w, 100, 100, WF_WAITS);
	waitfor__thread(w, 200, 200, WF_WAITS);
	waitfor__waker_proc(w, 100, 200);
	waitfor__waker_proc(w, 200, 100);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 1);
	assert_members(w, 0, want, 2);
}

/* The same, but the other process has a thread that is not blocked: it could write. */
static void test_pipe_with_free_thread(void **state)
{
	struct waitfor *w = *state;
	struct wf_hop h;

	waitfor__proc(w, 100, 1);
	waitfor__proc(w, 200, 2);
	waitfor__thread(w, 100, 100, WF_WAITS);
	waitfor__thread(w, 200, 200, WF_WAITS);
	waitfor__waker_proc(w, 100, 200);
	waitfor__waker_proc(w, 200, 100);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 0);
	assert_false(waitfor__stuck(w, 100));
	assert_false(waitfor__stuck(w, 200));
	h = waitfor__next(w, 100);
	assert_int_equal(h.kind, WF_HOP_ACTIVE);
	assert_int_equal(h.tid, 0);
	assert_int_equal(h.pid, 200);
}

/* A thread queued behind a deadlock is stuck, but not part of it. */
static void test_behind_deadlock(void **state)
{
	struct waitfor *w = *state;
	const uint32_t want[] = { 11, 12 };

	waitfor__proc(w, 10, 4);
	waitfor__thread(w, 11, 10, WF_WAITS);
	waitfor__thread(w, 12, 10, WF_WAITS);
	waitfor__thread(w, 13, 10, WF_WAITS);
	waitfor__waker_thread(w, 11, 12);
	waitfor__waker_thread(w, 12, 11);
	waitfor__waker_thread(w, 13, 11);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 1);
	assert_members(w, 0, want, 2);
	assert_true(waitfor__stuck(w, 13));
	assert_int_equal(waitfor__deadlock_of(w, 13), -1);
}

/* Relocking a normal mutex one already holds; reading a pipe only oneself can write. */
static void test_self_deadlocks(void **state)
{
	struct waitfor *w = *state;
	const uint32_t a[] = { 51 }, b[] = { 60 };

	waitfor__proc(w, 50, 2);
	waitfor__proc(w, 60, 1);
	waitfor__thread(w, 51, 50, WF_WAITS);
	waitfor__waker_thread(w, 51, 51);
	waitfor__thread(w, 60, 60, WF_WAITS);
	waitfor__waker_proc(w, 60, 60);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 2);
	assert_members(w, 0, a, 1);
	assert_members(w, 1, b, 1);
}

/* Unknown wakers, unknown thread counts, wakers nobody added: never a deadlock. */
static void test_unknowns_break_cycles(void **state)
{
	struct waitfor *w = *state;

	waitfor__proc(w, 70, 2);
	waitfor__thread(w, 71, 70, WF_WAITS);
	waitfor__thread(w, 72, 70, WF_UNKNOWN);		/* a signal wait */
	waitfor__waker_thread(w, 71, 72);
	/* a process whose thread count is not known */
	waitfor__proc(w, 80, 0);
	waitfor__thread(w, 81, 80, WF_WAITS);
	waitfor__waker_proc(w, 81, 80);
	/* an owner that is not blocked (not added): running */
	waitfor__proc(w, 90, 2);
	waitfor__thread(w, 91, 90, WF_WAITS);
	waitfor__waker_thread(w, 91, 92);
	/* blocked with no possible waker at all */
	waitfor__thread(w, 93, 90, WF_WAITS);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 0);
	assert_int_equal(waitfor__next(w, 71).kind, WF_HOP_THREAD);
	assert_int_equal(waitfor__next(w, 72).kind, WF_HOP_END);
	assert_int_equal(waitfor__next(w, 91).kind, WF_HOP_ACTIVE);
	assert_int_equal(waitfor__next(w, 91).tid, 92);
	assert_int_equal(waitfor__next(w, 93).kind, WF_HOP_NOBODY);
	assert_int_equal(waitfor__next(w, 12345).kind, WF_HOP_END);
	assert_int_equal(waitfor__waker_thread(w, 12345, 1), -ENOENT);
}

/*
 * The full-pipe deadlock: the parent writes into the child's stdin (the
 * child holds the read end), the child writes into a full stdout pipe that
 * only the parent can read; the parent also waits for nothing else.  And
 * an unrelated AB-BA in a third process: two deadlocks, numbered apart.
 */
static void test_two_deadlocks(void **state)
{
	struct waitfor *w = *state;
	const uint32_t pipes[] = { 300, 301 }, locks[] = { 402, 403 };

	waitfor__proc(w, 300, 1);
	waitfor__proc(w, 301, 1);
	waitfor__proc(w, 400, 3);
	waitfor__thread(w, 403, 400, WF_WAITS);
	waitfor__thread(w, 402, 400, WF_WAITS);
	waitfor__waker_thread(w, 402, 403);
	waitfor__waker_thread(w, 403, 402);
	waitfor__thread(w, 301, 301, WF_WAITS);
	waitfor__thread(w, 300, 300, WF_WAITS);
	waitfor__waker_proc(w, 300, 301);
	waitfor__waker_proc(w, 301, 300);
	/* the parent still holds the read end of the child's stdin itself */
	waitfor__waker_proc(w, 300, 300);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 2);
	assert_int_equal(waitfor__deadlock_of(w, 300), waitfor__deadlock_of(w, 301));
	assert_int_equal(waitfor__deadlock_of(w, 402), waitfor__deadlock_of(w, 403));
	assert_int_not_equal(waitfor__deadlock_of(w, 300), waitfor__deadlock_of(w, 402));
	assert_members(w, waitfor__deadlock_of(w, 300), pipes, 2);
	assert_members(w, waitfor__deadlock_of(w, 402), locks, 2);
}

/* A cycle of three mutex owners lists in wait order; then clear and reuse. */
static void test_cycle_order_and_clear(void **state)
{
	struct waitfor *w = *state;
	const uint32_t want[] = { 5, 9, 7 };

	waitfor__proc(w, 1, 4);
	waitfor__thread(w, 7, 1, WF_WAITS);
	waitfor__thread(w, 9, 1, WF_WAITS);
	waitfor__thread(w, 5, 1, WF_WAITS);
	waitfor__waker_thread(w, 5, 9);
	waitfor__waker_thread(w, 9, 7);
	waitfor__waker_thread(w, 7, 5);
	assert_int_equal(waitfor__solve(w), 0);
	assert_members(w, 0, want, 3);
	waitfor__clear(w);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 0);
	assert_int_equal(waitfor__deadlock_of(w, 5), -1);
}

/*
 * A hung process of 1000 threads: 998 queue on the mutex of thread 1001,
 * which waits for 1002, which waits for 1003 (one of the queue): a cycle of
 * three, 997 threads stuck behind it.  Tarjan without recursion copes.
 */
static void test_thousand_threads(void **state)
{
	struct waitfor *w = *state;
	size_t nr;

	waitfor__proc(w, 1000, 1001);
	for (uint32_t t = 1001; t <= 2000; t++)
		assert_int_equal(waitfor__thread(w, t, 1000, WF_WAITS), 0);
	for (uint32_t t = 1003; t <= 2000; t++)
		waitfor__waker_thread(w, t, 1001);
	waitfor__waker_thread(w, 1001, 1002);
	waitfor__waker_thread(w, 1002, 1003);
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 1);
	waitfor__deadlock(w, 0, &nr);
	assert_int_equal(nr, 3);
	assert_true(waitfor__stuck(w, 2000));
	assert_int_equal(waitfor__deadlock_of(w, 2000), -1);
	/* a long chain (each waits for the next) ending at a running thread */
	waitfor__clear(w);
	waitfor__proc(w, 1, 3001);
	for (uint32_t t = 2; t <= 3001; t++) {
		waitfor__thread(w, t, 1, WF_WAITS);
		waitfor__waker_thread(w, t, t + 1);
	}
	assert_int_equal(waitfor__solve(w), 0);
	assert_int_equal(waitfor__nr_deadlocks(w), 0);
	assert_false(waitfor__stuck(w, 2));
	assert_int_equal(waitfor__next(w, 3001).kind, WF_HOP_ACTIVE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_abba, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_is_not_deadlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_knot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_with_free_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_behind_deadlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_deadlocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknowns_break_cycles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_deadlocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle_order_and_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thousand_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
