// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Futex scenarios: mutex, condvar, shm-mutex, exit-early.
 *
 * The locks are globals with fixed names so a test can find them in the
 * symbol table as well as by the address each run prints, and the loops
 * that take them are named frames (WK_FRAME) for stack tests.  Holds spin
 * on the vDSO clock: contention without any syscall of its own.
 *
 * The lock counts are exact; the futex syscalls behind them are not (an
 * uncontended glibc mutex makes none, a contended one makes a wait and a
 * wake per handoff, roughly), which is what the tracer measures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipcwork.h"

#define LIGHT_THREADS		2
#define LIGHT_PERIOD_NS		NSEC_PER_MSEC
#define LIGHT_MEET_NS		(200 * NSEC_PER_USEC)
#define EARLY_THREADS		2

/* Static initializers give glibc's default mutex kind, PTHREAD_MUTEX_NORMAL. */
pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t quiet_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t idle_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
pthread_mutex_t light_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t early_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long counter_value;	/* under counter_lock */
static unsigned long early_value;	/* under early_lock */
static bool idle_wake;			/* under idle_mutex */

static unsigned long addr(const void *p)
{
	return (unsigned long)p;
}

WK_FRAME static void lock(pthread_mutex_t *m)
{
	int err = pthread_mutex_lock(m);

	if (err)
		fail(err, "lock mutex 0x%lx", addr(m));
}

WK_FRAME static void unlock(pthread_mutex_t *m)
{
	int err = pthread_mutex_unlock(m);

	if (err)
		fail(err, "unlock mutex 0x%lx", addr(m));
}

/* A thread of a lock scenario: which loop it runs is up to the scenario. */
struct lock_thread {
	const struct wk_opts *o;
	const char *role;
	int idx;
	pthread_t th;
	unsigned long done;
};

WK_FRAME unsigned long worker_hot_loop(unsigned long count, unsigned long hold_us)
{
	unsigned long i;

	for (i = 0; i < count; i++) {
		lock(&counter_lock);
		spin_us(hold_us);
		counter_value++;
		unlock(&counter_lock);
	}
	return i;
}

WK_FRAME unsigned long quiet_loop(unsigned long count)
{
	unsigned long i;

	for (i = 0; i < count; i++) {
		lock(&quiet_lock);
		unlock(&quiet_lock);
	}
	return i;
}

static void *mutex_worker(void *arg)
{
	struct lock_thread *t = arg;

	self_thread_role(t->role, t->idx);
	info(NULL, "counter_lock=0x%lx", addr(&counter_lock));
	gate_pass(t->o);
	t->done = worker_hot_loop(t->o->count, t->o->hold_us);
	info("done", "acquisitions=%lu counter_lock=0x%lx", t->done, addr(&counter_lock));
	return NULL;
}

static struct lock_thread *start_threads(const struct wk_opts *o, const char *role, int n,
					 void *(*fn)(void *))
{
	struct lock_thread *t = xmalloc(n * sizeof(*t));
	int i;

	for (i = 0; i < n; i++) {
		t[i] = (struct lock_thread){ .o = o, .role = role, .idx = i };
		thread_start(&t[i].th, fn, &t[i]);
	}
	return t;
}

static unsigned long join_threads(struct lock_thread *t, int n)
{
	unsigned long sum = 0;
	int i;

	for (i = 0; i < n; i++) {
		thread_join(t[i].th);
		sum += t[i].done;
	}
	free(t);
	return sum;
}

int run_mutex(const struct wk_opts *o)
{
	struct lock_thread *t;
	unsigned long quiet, total;
	uint64_t t0;

	self_role("main", -1);
	info(NULL, "counter_lock=0x%lx quiet_lock=0x%lx threads=%u count=%lu hold_us=%lu",
	     addr(&counter_lock), addr(&quiet_lock), o->threads, o->count, o->hold_us);
	t = start_threads(o, "worker", o->threads, mutex_worker);
	t0 = gate_open(o, o->threads);
	quiet = quiet_loop(o->count);
	total = join_threads(t, o->threads);
	if (counter_value != total || total != o->count * o->threads)
		fail(0, "count: counter %lu after %lu acquisitions", counter_value, total);
	info("done", "counter=%lu acquisitions=%lu quiet_acquisitions=%lu counter_lock=0x%lx "
	     "quiet_lock=0x%lx elapsed_ns=%llu",
	     counter_value, total, quiet, addr(&counter_lock), addr(&quiet_lock),
	     (unsigned long long)(now_ns() - t0));
	return 0;
}

/* condvar: one thread idles on idle_cond while two others take light_lock lightly. */
WK_FRAME static void cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	int err = pthread_cond_wait(c, m);

	if (err)
		fail(err, "wait on condvar 0x%lx", addr(c));
}

WK_FRAME unsigned long idle_worker_wait(void)
{
	unsigned long waits = 0;

	lock(&idle_mutex);
	while (!idle_wake) {
		cond_wait(&idle_cond, &idle_mutex);
		waits++;
	}
	unlock(&idle_mutex);
	return waits;
}

/*
 * After its hold, the holder waits (at most LIGHT_MEET_NS) for the other
 * light thread to queue on the lock: glibc's lock word is 2 once a locker
 * found it taken and is going to sleep.  Both wake at the same deadline,
 * but often on the same CPU, where a spinning holder would keep the other
 * from ever trying: it yields instead.  So the light lock is contended on
 * an idle and on a loaded machine alike, as the scenario needs.  Met, it
 * holds on a little, so that the waiter sleeps rather than finding the
 * lock free again.
 */
static void light_meet(unsigned long hold_us)
{
	uint64_t end = now_ns() + LIGHT_MEET_NS;

	while (__atomic_load_n(&light_lock.__data.__lock, __ATOMIC_RELAXED) != 2) {
		if (now_ns() >= end)
			return;
		sched_yield();
	}
	spin_us(hold_us);	/* long enough for the waiter to be asleep */
}

/* One short hold per period, on absolute deadlines: an exact count over COUNT seconds. */
WK_FRAME unsigned long light_worker_loop(unsigned long iters, unsigned long hold_us, uint64_t t0)
{
	unsigned long i;

	for (i = 0; i < iters; i++) {
		sleep_until_ns(t0 + (i + 1) * LIGHT_PERIOD_NS);
		lock(&light_lock);
		spin_us(hold_us);
		light_meet(hold_us);
		unlock(&light_lock);
	}
	return i;
}

static void *idle_thread(void *arg)
{
	struct lock_thread *t = arg;
	uint64_t start;

	self_thread_role(t->role, t->idx);
	info(NULL, "idle_cond=0x%lx idle_mutex=0x%lx", addr(&idle_cond), addr(&idle_mutex));
	gate_pass(t->o);
	start = now_ns();
	t->done = idle_worker_wait();
	info("done", "cond_waits=%lu waited_ns=%llu idle_cond=0x%lx idle_mutex=0x%lx", t->done,
	     (unsigned long long)(now_ns() - start), addr(&idle_cond), addr(&idle_mutex));
	return NULL;
}

static void *light_thread(void *arg)
{
	struct lock_thread *t = arg;
	unsigned long iters = t->o->count * (NSEC_PER_SEC / LIGHT_PERIOD_NS);

	self_thread_role(t->role, t->idx);
	info(NULL, "light_lock=0x%lx", addr(&light_lock));
	gate_pass(t->o);
	t->done = light_worker_loop(iters, t->o->hold_us, gate_t0());
	info("done", "acquisitions=%lu light_lock=0x%lx", t->done, addr(&light_lock));
	return NULL;
}

int run_condvar(const struct wk_opts *o)
{
	struct lock_thread *idle, *light;
	unsigned long acquired;
	uint64_t t0;
	int err;

	self_role("main", -1);
	info(NULL, "idle_cond=0x%lx idle_cond_size=%zu idle_mutex=0x%lx light_lock=0x%lx "
	     "seconds=%lu light_threads=%d light_period_us=%llu hold_us=%lu",
	     addr(&idle_cond), sizeof(idle_cond), addr(&idle_mutex), addr(&light_lock), o->count,
	     LIGHT_THREADS, LIGHT_PERIOD_NS / NSEC_PER_USEC, o->hold_us);
	idle = start_threads(o, "idle-worker", 1, idle_thread);
	light = start_threads(o, "light", LIGHT_THREADS, light_thread);
	t0 = gate_open(o, 1 + LIGHT_THREADS);
	sleep_until_ns(t0 + o->count * NSEC_PER_SEC);
	lock(&idle_mutex);
	idle_wake = true;
	err = pthread_cond_signal(&idle_cond);
	if (err)
		fail(err, "signal idle_cond");
	unlock(&idle_mutex);
	acquired = join_threads(light, LIGHT_THREADS);
	join_threads(idle, 1);
	info("done", "signals=1 light_acquisitions=%lu idle_cond=0x%lx light_lock=0x%lx "
	     "elapsed_ns=%llu",
	     acquired, addr(&idle_cond), addr(&light_lock), (unsigned long long)(now_ns() - t0));
	return 0;
}

/* shm-mutex: a PTHREAD_PROCESS_SHARED mutex in a shared anonymous mapping, parent vs child. */
struct shm_area {
	pthread_mutex_t lock;
	unsigned long counter;	/* under lock */
};

WK_FRAME unsigned long shm_contend_loop(pthread_mutex_t *m, unsigned long *counter,
				       unsigned long count, unsigned long hold_us)
{
	unsigned long i;

	for (i = 0; i < count; i++) {
		lock(m);
		spin_us(hold_us);
		(*counter)++;
		unlock(m);
	}
	return i;
}

static struct shm_area *shm_area_create(void)
{
	pthread_mutexattr_t attr;
	struct shm_area *a;
	int err;

	a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		fail(errno, "map shared memory");
	pthread_mutexattr_init(&attr);
	err = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (!err)
		err = pthread_mutex_init(&a->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	if (err)
		fail(err, "initialize the shared mutex");
	return a;
}

static int shm_child(const struct wk_opts *o, void *arg)
{
	struct shm_area *a = arg;
	unsigned long n;

	info(NULL, "map=0x%lx mutex=0x%lx ppid=%d", addr(a), addr(&a->lock), (int)getppid());
	gate_pass(o);
	n = shm_contend_loop(&a->lock, &a->counter, o->count, o->hold_us);
	info("done", "acquisitions=%lu map=0x%lx mutex=0x%lx", n, addr(a), addr(&a->lock));
	return 0;
}

int run_shm_mutex(const struct wk_opts *o)
{
	struct shm_area *a = shm_area_create();
	unsigned long n;
	uint64_t t0;
	pid_t child;

	child = proc_spawn("child", -1, shm_child, o, a);
	info(NULL, "map=0x%lx mutex=0x%lx child=%d count=%lu hold_us=%lu", addr(a), addr(&a->lock),
	     (int)child, o->count, o->hold_us);
	t0 = gate_open(o, 1);
	n = shm_contend_loop(&a->lock, &a->counter, o->count, o->hold_us);
	proc_reap_all();
	if (a->counter != 2 * o->count)
		fail(0, "count: shared counter %lu, not %lu", a->counter, 2 * o->count);
	info("done", "acquisitions=%lu counter=%lu map=0x%lx mutex=0x%lx child=%d elapsed_ns=%llu",
	     n, a->counter, addr(a), addr(&a->lock), (int)child,
	     (unsigned long long)(now_ns() - t0));
	return 0;
}

/* exit-early: a child contends early_lock with two threads and exits; the parent lingers. */
WK_FRAME unsigned long short_lived_contender(unsigned long count, unsigned long hold_us)
{
	unsigned long i;

	for (i = 0; i < count; i++) {
		lock(&early_lock);
		spin_us(hold_us);
		early_value++;
		unlock(&early_lock);
	}
	return i;
}

static void *early_thread(void *arg)
{
	struct lock_thread *t = arg;

	self_thread_role(t->role, t->idx);
	info(NULL, "early_lock=0x%lx", addr(&early_lock));
	gate_pass(t->o);
	t->done = short_lived_contender(t->o->count, t->o->hold_us);
	info("done", "acquisitions=%lu early_lock=0x%lx", t->done, addr(&early_lock));
	return NULL;
}

static int early_child(const struct wk_opts *o, void *arg)
{
	struct lock_thread *t;
	unsigned long total;

	info(NULL, "early_lock=0x%lx threads=%d ppid=%d", addr(&early_lock), EARLY_THREADS,
	     (int)getppid());
	t = start_threads(o, "contender", EARLY_THREADS, early_thread);
	total = join_threads(t, EARLY_THREADS);
	if (early_value != total)
		fail(0, "count: early counter %lu after %lu acquisitions", early_value, total);
	info("done", "acquisitions=%lu counter=%lu early_lock=0x%lx exit_code=0", total,
	     early_value, addr(&early_lock));
	return 0;
}

int run_exit_early(const struct wk_opts *o)
{
	uint64_t t0, exited;
	char why[64];
	pid_t child;
	int status;

	child = proc_spawn("child", -1, early_child, o, NULL);
	info(NULL, "child=%d early_lock=0x%lx linger_ms=%lu count=%lu hold_us=%lu", (int)child,
	     addr(&early_lock), o->linger_ms, o->count, o->hold_us);
	t0 = gate_open(o, EARLY_THREADS);
	status = proc_reap(child);
	exited = now_ns();
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail(0, "run the child (pid %d): it %s", (int)child,
		     status_str(status, why, sizeof(why)));
	info("child-exit", "child=%d exit_code=0 child_ns=%llu", (int)child,
	     (unsigned long long)(exited - t0));
	sleep_ns(o->linger_ms * NSEC_PER_MSEC);
	info("done", "child=%d child_exit_code=0 linger_ms=%lu lingered_ns=%llu elapsed_ns=%llu",
	     (int)child, o->linger_ms, (unsigned long long)(now_ns() - exited),
	     (unsigned long long)(now_ns() - t0));
	return 0;
}
