// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework pthread scenarios: two locks taken in both orders, unlocks that
 * do not pair with their locks, condition variables used without their
 * mutex or predicate; and their correct variants.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "racework.h"

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static unsigned long shared_counter;

struct order {
	const struct rw_opts *o;
	bool reverse;
	pid_t tid;
};

static void *take_two(void *arg)
{
	struct order *x = arg;
	pthread_mutex_t *first = x->reverse ? &lock_b : &lock_a;
	pthread_mutex_t *second = x->reverse ? &lock_a : &lock_b;

	x->tid = rw_tid();
	for (unsigned int i = 0; i < x->o->count; i++) {
		pthread_mutex_lock(first);
		pthread_mutex_lock(second);
		shared_counter++;
		pthread_mutex_unlock(second);
		pthread_mutex_unlock(first);
	}
	return NULL;
}

/* One thread after the other: the inversion is there, the deadlock did not happen. */
static int order_run(const struct rw_opts *o, bool reverse)
{
	struct order x[2] = { { .o = o }, { .o = o, .reverse = reverse } };
	pthread_t t;

	for (int i = 0; i < 2; i++) {
		if (pthread_create(&t, NULL, take_two, &x[i]))
			rw_fail(o->scenario, "create a thread");
		pthread_join(t, NULL);
	}
	rw_info(o->scenario, "main", "done first=%d second=%d rounds=%u lock_a=%p lock_b=%p",
		x[0].tid, x[1].tid, o->count, (void *)&lock_a, (void *)&lock_b);
	return 0;
}

int rw_lock_order(const struct rw_opts *o)
{
	return order_run(o, true);
}

int rw_lock_order_ok(const struct rw_opts *o)
{
	return order_run(o, false);
}

/* ---- unlock misuse ---- */

pthread_mutex_t owned_mutex = PTHREAD_MUTEX_INITIALIZER;	/* unlocked by another thread */
pthread_mutex_t twice_mutex = PTHREAD_MUTEX_INITIALIZER;	/* unlocked twice */
pthread_mutex_t check_mutex;					/* error-checking */
pthread_mutex_t destroyed_mutex = PTHREAD_MUTEX_INITIALIZER;	/* destroyed while held */
pthread_mutex_t kept_mutex = PTHREAD_MUTEX_INITIALIZER;		/* held at thread exit */

static void *unlock_other(void *arg)
{
	*(pid_t *)arg = rw_tid();
	pthread_mutex_unlock(&owned_mutex);	/* main holds it */
	return NULL;
}

static void *exit_holding(void *arg)
{
	*(pid_t *)arg = rw_tid();
	pthread_mutex_lock(&kept_mutex);
	return NULL;			/* and never unlock it */
}

static void *lock_then_unlock(void *arg)
{
	*(pid_t *)arg = rw_tid();
	pthread_mutex_lock(&kept_mutex);
	pthread_mutex_unlock(&kept_mutex);
	return NULL;
}

static void errorcheck_init(void)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&check_mutex, &a);
	pthread_mutexattr_destroy(&a);
}

int rw_unlock_misuse(const struct rw_opts *o)
{
	const char *s = o->scenario;
	pid_t other = 0, exiter = 0;
	int eperm, ebusy;
	pthread_t t;

	errorcheck_init();
	pthread_mutex_lock(&owned_mutex);
	if (pthread_create(&t, NULL, unlock_other, &other))
		rw_fail(s, "create a thread");
	pthread_join(t, NULL);
	pthread_mutex_lock(&twice_mutex);
	pthread_mutex_unlock(&twice_mutex);
	pthread_mutex_unlock(&twice_mutex);
	eperm = pthread_mutex_unlock(&check_mutex);
	pthread_mutex_lock(&destroyed_mutex);
	ebusy = pthread_mutex_destroy(&destroyed_mutex);
	pthread_mutex_unlock(&destroyed_mutex);
	pthread_mutex_destroy(&destroyed_mutex);
	if (pthread_create(&t, NULL, exit_holding, &exiter))
		rw_fail(s, "create a thread");
	pthread_join(t, NULL);
	rw_info(s, "main", "done not_owner=%d owned_mutex=%p twice_mutex=%p check_mutex=%p "
		"unlock_error=%d destroyed_mutex=%p destroy_error=%d exited=%d kept_mutex=%p",
		other, (void *)&owned_mutex, (void *)&twice_mutex, (void *)&check_mutex, eperm,
		(void *)&destroyed_mutex, ebusy, exiter, (void *)&kept_mutex);
	return 0;
}

int rw_unlock_misuse_ok(const struct rw_opts *o)
{
	const char *s = o->scenario;
	pthread_mutexattr_t a;
	pthread_mutex_t rec;
	pid_t other = 0;
	pthread_t t;

	errorcheck_init();
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rec, &a);
	pthread_mutexattr_destroy(&a);
	pthread_mutex_lock(&rec);
	pthread_mutex_lock(&rec);
	pthread_mutex_unlock(&rec);
	pthread_mutex_unlock(&rec);
	pthread_mutex_destroy(&rec);
	pthread_mutex_lock(&check_mutex);
	pthread_mutex_unlock(&check_mutex);
	pthread_mutex_lock(&twice_mutex);
	pthread_mutex_unlock(&twice_mutex);
	pthread_mutex_lock(&destroyed_mutex);
	pthread_mutex_unlock(&destroyed_mutex);
	pthread_mutex_destroy(&destroyed_mutex);
	if (pthread_create(&t, NULL, lock_then_unlock, &other))
		rw_fail(s, "create a thread");
	pthread_join(t, NULL);
	rw_info(s, "main", "done thread=%d", other);
	return 0;
}

/* ---- condition variables ---- */

pthread_mutex_t cond_m1 = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t cond_m2 = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cond_nolock = PTHREAD_COND_INITIALIZER;	/* waited on without its mutex */
pthread_cond_t cond_mixed = PTHREAD_COND_INITIALIZER;	/* waited on with two mutexes */
pthread_cond_t cond_early = PTHREAD_COND_INITIALIZER;	/* signalled before the wait */
static bool ready_flag;

struct cw {
	pthread_mutex_t *m;
	pthread_cond_t *c;
	unsigned int ms;
	pid_t tid;
	int ret;
};

static void *cond_waiter(void *arg)
{
	struct cw *w = arg;
	struct timespec dl;

	w->tid = rw_tid();
	rw_deadline(&dl, w->ms);
	pthread_mutex_lock(w->m);
	w->ret = pthread_cond_timedwait(w->c, w->m, &dl);
	pthread_mutex_unlock(w->m);
	return NULL;
}

/* The waiter with a predicate: it sleeps only while the state says to. */
static void *cond_waiter_ok(void *arg)
{
	struct cw *w = arg;
	struct timespec dl;

	w->tid = rw_tid();
	rw_deadline(&dl, w->ms);
	pthread_mutex_lock(w->m);
	while (!ready_flag && w->ret != ETIMEDOUT)
		w->ret = pthread_cond_timedwait(w->c, w->m, &dl);
	pthread_mutex_unlock(w->m);
	return NULL;
}

static void *wait_without_mutex(void *arg)
{
	struct cw *w = arg;
	struct timespec dl;

	w->tid = rw_tid();
	rw_deadline(&dl, w->ms);
	w->ret = pthread_cond_timedwait(w->c, w->m, &dl);	/* returns with it locked */
	pthread_mutex_unlock(w->m);
	return NULL;
}

static void run_waiters(const char *s, void *(*fn)(void *), struct cw *w, int n)
{
	pthread_t t[2];

	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, &w[i]))
			rw_fail(s, "create a waiter");
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

int rw_cond_misuse(const struct rw_opts *o)
{
	const char *s = o->scenario;
	struct cw nolock = { .m = &cond_m1, .c = &cond_nolock, .ms = 20 };
	struct cw mixed[2] = { { .m = &cond_m1, .c = &cond_mixed, .ms = 100 },
			       { .m = &cond_m2, .c = &cond_mixed, .ms = 100 } };
	struct cw early = { .m = &cond_m1, .c = &cond_early, .ms = 200 };

	run_waiters(s, wait_without_mutex, &nolock, 1);
	run_waiters(s, cond_waiter, mixed, 2);
	pthread_cond_signal(&cond_early);	/* nobody waits yet */
	run_waiters(s, cond_waiter, &early, 1);
	rw_info(s, "main", "done nolock_waiter=%d cond_nolock=%p cond_m1=%p mixed0=%d mixed1=%d "
		"cond_mixed=%p cond_m2=%p early_waiter=%d early_ret=%d cond_early=%p",
		nolock.tid, (void *)&cond_nolock, (void *)&cond_m1, mixed[0].tid, mixed[1].tid,
		(void *)&cond_mixed, (void *)&cond_m2, early.tid, early.ret, (void *)&cond_early);
	return 0;
}

int rw_cond_misuse_ok(const struct rw_opts *o)
{
	const char *s = o->scenario;
	struct cw two[2] = { { .m = &cond_m1, .c = &cond_mixed, .ms = 100 },
			     { .m = &cond_m1, .c = &cond_mixed, .ms = 100 } };
	struct cw early = { .m = &cond_m1, .c = &cond_early, .ms = 200 };

	/* two waiters, one mutex, woken by a broadcast after the state changed */
	ready_flag = false;
	{
		pthread_t t[2];

		for (int i = 0; i < 2; i++)
			if (pthread_create(&t[i], NULL, cond_waiter_ok, &two[i]))
				rw_fail(s, "create a waiter");
		rw_sleep_ms(20);
		pthread_mutex_lock(&cond_m1);
		ready_flag = true;
		pthread_cond_broadcast(&cond_mixed);
		pthread_mutex_unlock(&cond_m1);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
	}
	/* the signal first, but the state says it: the waiter does not sleep */
	pthread_mutex_lock(&cond_m1);
	pthread_cond_signal(&cond_early);
	pthread_mutex_unlock(&cond_m1);
	run_waiters(s, cond_waiter_ok, &early, 1);
	rw_info(s, "main", "done waiters=%d,%d,%d rets=%d,%d,%d", two[0].tid, two[1].tid,
		early.tid, two[0].ret, two[1].ret, early.ret);
	return 0;
}
