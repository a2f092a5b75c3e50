// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every function --locks probes, called once or twice from the main thread
 * with a result known in advance (success, EBUSY, ETIMEDOUT, EDEADLK,
 * EAGAIN), for test_uprobes.py, which compiles it.  Writes the objects'
 * addresses, its tid, and how many times pthread_cond_wait ran (a helper
 * thread signals it once; a spurious wakeup would make two) to the file
 * named by argv[1]: not to stdout, which the tracer may share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t s;
static bool flag;		/* under m */

static struct timespec in_ms(clockid_t clk, long ms)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_nsec += ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

static void expect(const char *what, int got, int want)
{
	if (got != want) {
		fprintf(stderr, "lock_api: %s returned %d, expected %d\n", what, got, want);
		exit(1);
	}
}

static void mutexes(void)
{
	struct timespec t;

	expect("mutex_lock", pthread_mutex_lock(&m), 0);
	expect("mutex_trylock", pthread_mutex_trylock(&m), EBUSY);
	t = in_ms(CLOCK_REALTIME, 10);
	expect("mutex_timedlock", pthread_mutex_timedlock(&m, &t), ETIMEDOUT);
	t = in_ms(CLOCK_MONOTONIC, 10);
	expect("mutex_clocklock", pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &t), ETIMEDOUT);
	expect("mutex_unlock", pthread_mutex_unlock(&m), 0);
}

static void rwlocks(void)
{
	struct timespec t;

	expect("rdlock", pthread_rwlock_rdlock(&rw), 0);
	expect("tryrdlock", pthread_rwlock_tryrdlock(&rw), 0);
	expect("trywrlock", pthread_rwlock_trywrlock(&rw), EBUSY);
	t = in_ms(CLOCK_REALTIME, 10);
	expect("timedwrlock", pthread_rwlock_timedwrlock(&rw, &t), ETIMEDOUT);
	t = in_ms(CLOCK_MONOTONIC, 10);
	expect("clockwrlock", pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &t), ETIMEDOUT);
	expect("rwlock_unlock", pthread_rwlock_unlock(&rw), 0);
	expect("rwlock_unlock", pthread_rwlock_unlock(&rw), 0);
	expect("wrlock", pthread_rwlock_wrlock(&rw), 0);
	/* glibc refuses a read lock to the thread holding the write lock */
	t = in_ms(CLOCK_REALTIME, 10);
	expect("timedrdlock", pthread_rwlock_timedrdlock(&rw, &t), EDEADLK);
	t = in_ms(CLOCK_MONOTONIC, 10);
	expect("clockrdlock", pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &t), EDEADLK);
	expect("rwlock_unlock", pthread_rwlock_unlock(&rw), 0);
}

static void *signaller(void *arg)
{
	usleep(20000);
	pthread_mutex_lock(&m);
	flag = true;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	return NULL;
}

static int condvars(void)
{
	struct timespec t;
	pthread_t th;
	int waits = 0;

	expect("mutex_lock", pthread_mutex_lock(&m), 0);
	t = in_ms(CLOCK_REALTIME, 10);
	expect("cond_timedwait", pthread_cond_timedwait(&c, &m, &t), ETIMEDOUT);
	t = in_ms(CLOCK_MONOTONIC, 10);
	expect("cond_clockwait", pthread_cond_clockwait(&c, &m, CLOCK_MONOTONIC, &t), ETIMEDOUT);
	expect("cond_signal", pthread_cond_signal(&c), 0);
	expect("cond_broadcast", pthread_cond_broadcast(&c), 0);
	expect("pthread_create", pthread_create(&th, NULL, signaller, NULL), 0);
	while (!flag) {
		expect("cond_wait", pthread_cond_wait(&c, &m), 0);
		waits++;
	}
	expect("mutex_unlock", pthread_mutex_unlock(&m), 0);
	pthread_join(th, NULL);
	return waits;
}

static void semaphores(void)
{
	struct timespec t;

	expect("sem_init", sem_init(&s, 0, 1), 0);
	expect("sem_wait", sem_wait(&s), 0);
	expect("sem_trywait", sem_trywait(&s), -1);
	t = in_ms(CLOCK_REALTIME, 10);
	expect("sem_timedwait", sem_timedwait(&s, &t), -1);
	t = in_ms(CLOCK_MONOTONIC, 10);
	expect("sem_clockwait", sem_clockwait(&s, CLOCK_MONOTONIC, &t), -1);
	expect("sem_post", sem_post(&s), 0);
}

int main(int argc, char **argv)
{
	FILE *out;
	int waits;

	if (argc != 2)
		return 2;

	mutexes();
	rwlocks();
	waits = condvars();
	semaphores();
	out = fopen(argv[1], "w");
	if (!out)
		return 1;
	fprintf(out, "mutex=%p rwlock=%p cond=%p sem=%p tid=%d cond_waits=%d\n", (void *)&m,
		(void *)&rw, (void *)&c, (void *)&s, gettid(), waits);
	return fclose(out) ? 1 : 0;
}
