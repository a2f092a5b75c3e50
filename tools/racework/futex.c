// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework futex and fork scenarios: a wakeup lost on a hand-made event,
 * fork() while another thread holds (and a third waits for) a mutex; and
 * their correct variants.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "racework.h"

#define LOST_WAIT_MS	200	/* a lost wakeup's waiter sleeps until this timeout */

uint32_t event_word;			/* the hand-made event */
static atomic_uint round_done;		/* sequencing without futexes: polled */
static atomic_uint waiter_tid, waker_tid;

static void poll_until(atomic_uint *v, unsigned int want)
{
	while (atomic_load(v) < want)
		rw_sleep_ms(1);
}

struct lw {
	const struct rw_opts *o;
	bool correct;
	unsigned int slept;	/* waits that timed out: wakeups lost */
	unsigned int waited;	/* waits that went to sleep at all */
};

/* The first round works: the waiter sleeps first, the wake finds it. */
static void *lw_waiter(void *arg)
{
	struct lw *l = arg;

	atomic_store(&waiter_tid, (unsigned int)rw_tid());
	atomic_store(&round_done, 1);
	rw_futex_wait(&event_word, 0, 2000);
	atomic_store(&round_done, 2);		/* ready for the first round */
	for (unsigned int i = 1; i <= l->o->count; i++) {
		poll_until(&round_done, 2 * i + 1);	/* the wake has been done */
		rw_sleep_ms(2);
		if (!l->correct) {
			/* no predicate: the wake came already, and nothing says so */
			l->waited++;
			if (rw_futex_wait(&event_word, 0, LOST_WAIT_MS) < 0 && errno == ETIMEDOUT)
				l->slept++;
		} else {
			while (atomic_load((atomic_uint *)&event_word) == 0) {
				l->waited++;
				rw_futex_wait(&event_word, 0, LOST_WAIT_MS);
			}
			atomic_store((atomic_uint *)&event_word, 0);	/* consume it */
		}
		atomic_store(&round_done, 2 * i + 2);
	}
	return NULL;
}

static int lost_wakeup_run(const struct rw_opts *o, bool correct)
{
	struct lw l = { .o = o, .correct = correct };
	pthread_t t;

	atomic_store(&round_done, 0);
	if (pthread_create(&t, NULL, lw_waiter, &l))
		rw_fail(o->scenario, "create the waiter");
	atomic_store(&waker_tid, (unsigned int)rw_tid());
	poll_until(&round_done, 1);
	rw_sleep_ms(20);	/* asleep by now */
	rw_futex_wake(&event_word, 1);
	for (unsigned int i = 1; i <= o->count; i++) {
		poll_until(&round_done, 2 * i);
		if (correct)
			atomic_store((atomic_uint *)&event_word, 1);
		rw_futex_wake(&event_word, 1);		/* nobody waits yet */
		atomic_store(&round_done, 2 * i + 1);
	}
	pthread_join(t, NULL);
	rw_info(o->scenario, "main", "done word=%p waker=%u waiter=%u rounds=%u waited=%u lost=%u",
		(void *)&event_word, atomic_load(&waker_tid), atomic_load(&waiter_tid), o->count,
		l.waited, l.slept);
	return 0;
}

int rw_lost_wakeup(const struct rw_opts *o)
{
	return lost_wakeup_run(o, false);
}

int rw_lost_wakeup_ok(const struct rw_opts *o)
{
	return lost_wakeup_run(o, true);
}

/* ---- fork with a lock held ---- */

pthread_mutex_t fork_mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint held, holder_tid, blocked_tid;

#define HOLD_MS	300

static void *holder(void *arg)
{
	pthread_mutex_lock(&fork_mutex);
	atomic_store(&holder_tid, (unsigned int)rw_tid());
	atomic_store(&held, 1);
	rw_sleep_ms(HOLD_MS);
	pthread_mutex_unlock(&fork_mutex);
	return NULL;
}

static void *blocked(void *arg)
{
	poll_until(&held, 1);
	atomic_store(&blocked_tid, (unsigned int)rw_tid());
	pthread_mutex_lock(&fork_mutex);	/* sleeps until the holder lets go */
	pthread_mutex_unlock(&fork_mutex);
	return NULL;
}

static void atfork_prepare(void)
{
	pthread_mutex_lock(&fork_mutex);
}

static void atfork_release(void)
{
	pthread_mutex_unlock(&fork_mutex);
}

/* The child wants the mutex: it gets it (correct) or times out (inherited locked). */
static noreturn void child_wants_lock(const char *s)
{
	struct timespec dl;
	int err;

	rw_deadline(&dl, 100);
	err = pthread_mutex_timedlock(&fork_mutex, &dl);
	rw_info(s, "child", "done lock_error=%d", err);
	_exit(err ? 3 : 0);
}

static void start_threads(const char *s, pthread_t t[2])
{
	atomic_store(&held, 0);
	if (pthread_create(&t[0], NULL, holder, NULL) ||
	    pthread_create(&t[1], NULL, blocked, NULL))
		rw_fail(s, "create threads");
	poll_until(&held, 1);
	rw_sleep_ms(50);	/* the third thread is asleep on the mutex by now */
}

int rw_fork_locked(const struct rw_opts *o)
{
	const char *s = o->scenario;
	pthread_t t[2];
	pid_t child;
	int st;

	start_threads(s, t);
	child = fork();
	if (child < 0)
		rw_fail(s, "fork");
	if (child == 0)
		child_wants_lock(s);
	st = rw_reap(child);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	rw_info(s, "main", "done child=%d child_status=%d mutex=%p holder=%u blocked=%u threads=3",
		child, WIFEXITED(st) ? WEXITSTATUS(st) : -1, (void *)&fork_mutex,
		atomic_load(&holder_tid), atomic_load(&blocked_tid));
	return 0;
}

/*
 * pthread_atfork takes the mutex around fork(): the child inherits it from
 * the forking thread, which it has, and releases it.  Then a fork whose
 * child execs at once, while the mutex is held: the child needs no lock.
 */
int rw_fork_locked_ok(const struct rw_opts *o)
{
	const char *s = o->scenario;
	pthread_t t[2];
	pid_t child, exec_child;
	int st, st2;

	start_threads(s, t);
	exec_child = fork();
	if (exec_child < 0)
		rw_fail(s, "fork");
	if (exec_child == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (pthread_atfork(atfork_prepare, atfork_release, atfork_release))
		rw_fail(s, "pthread_atfork");
	child = fork();
	if (child < 0)
		rw_fail(s, "fork");
	if (child == 0)
		child_wants_lock(s);
	st = rw_reap(child);
	st2 = rw_reap(exec_child);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	rw_info(s, "main", "done child=%d child_status=%d exec_child=%d exec_status=%d mutex=%p",
		child, WIFEXITED(st) ? WEXITSTATUS(st) : -1, exec_child,
		WIFEXITED(st2) ? WEXITSTATUS(st2) : -1, (void *)&fork_mutex);
	return 0;
}
