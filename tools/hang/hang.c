// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hang: programs that get stuck on purpose, the way real ones do, for the
 * stall tests of ipctrace.  Built -O2 without frame pointers, calling libc
 * directly: nothing here is shaped for a tracer.
 *
 *   hang abba           two threads lock two mutexes in opposite orders
 *   hang shm-abba       the same across two processes, process-shared
 *                       mutexes in a shared mapping
 *   hang pipe-cross     parent and child each read a pipe only the other writes
 *   hang full-pipe      parent writes to its child's stdin pipe, the child
 *                       writes to a stdout pipe the parent never reads
 *   hang chain          a thread waits on a mutex whose holder reads a pipe
 *                       whose only writer (another process) sleeps
 *   hang contended      four threads on one mutex, forever moving (no deadlock)
 *   hang condvar        a thread waits on a condition variable nobody signals
 *   hang read           a thread blocks reading a pipe nobody writes
 *   hang threads N      N threads behind a deadlock of two (N >= 2)
 *
 * Each prints "hang: ready key=value ..." lines (pids, tids, lock
 * addresses, pipe inodes) on stdout once the hang is in place, then waits
 * to be killed.  Exit 2 on a usage error, 1 when something fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t chain_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t both_hold;
static volatile unsigned long spins;

static void die(const char *what)
{
	fprintf(stderr, "hang: %s: %s\n", what, strerror(errno));
	exit(1);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hang: ", stdout);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	fflush(stdout);
	va_end(ap);
}

static unsigned long pipe_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long)st.st_ino;
}

/* Sleep until killed, in a call that is not IPC. */
static void __attribute__((noreturn)) sleep_forever(void)
{
	for (;;)
		pause();
}

static volatile pid_t tid_a, tid_b;

static void *take_a_then_b(void *arg)
{
	tid_a = gettid_();
	pthread_mutex_lock(&lock_a);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_b);
	return NULL;
}

static void *take_b_then_a(void *arg)
{
	tid_b = gettid_();
	pthread_mutex_lock(&lock_b);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_a);
	return NULL;
}

static int run_abba(void)
{
	pthread_t a, b;

	pthread_barrier_init(&both_hold, NULL, 2);
	if (pthread_create(&a, NULL, take_a_then_b, NULL) ||
	    pthread_create(&b, NULL, take_b_then_a, NULL))
		die("pthread_create");
	while (!tid_a || !tid_b)
		usleep(1000);
	usleep(50000);
	say("ready pid=%d tid_a=%d tid_b=%d lock_a=%p lock_b=%p", getpid(), tid_a, tid_b,
	    (void *)&lock_a, (void *)&lock_b);
	pthread_join(a, NULL);
	return 0;
}

/* Two processes, two process-shared mutexes in one shared mapping. */
struct shared {
	pthread_mutex_t m[2];
	pthread_barrier_t both_hold;
};

static int run_shm_abba(void)
{
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				 -1, 0);
	pthread_mutexattr_t ma;
	pthread_barrierattr_t ba;
	pid_t child;

	if (sh == MAP_FAILED)
		die("mmap");
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&sh->m[0], &ma);
	pthread_mutex_init(&sh->m[1], &ma);
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sh->both_hold, &ba, 2);
	child = fork();
	if (child < 0)
		die("fork");
	pthread_mutex_lock(&sh->m[child == 0]);
	pthread_barrier_wait(&sh->both_hold);
	if (child)
		say("ready pid=%d child=%d map=%p m0=%p m1=%p", getpid(), child, (void *)sh,
		    (void *)&sh->m[0], (void *)&sh->m[1]);
	pthread_mutex_lock(&sh->m[child != 0]);
	return 0;
}

/* Parent and child each read first from a pipe only the other writes. */
static int run_pipe_cross(void)
{
	int to_child[2], to_parent[2];
	char c;
	pid_t child;

	if (pipe(to_child) || pipe(to_parent))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		close(to_child[1]);
		close(to_parent[0]);
		if (read(to_child[0], &c, 1) == 1)
			write(to_parent[1], &c, 1);
		_exit(0);
	}
	close(to_child[0]);
	close(to_parent[1]);
	say("ready pid=%d child=%d to_child=%lu to_parent=%lu", getpid(), child,
	    pipe_ino(to_child[1]), pipe_ino(to_parent[0]));
	if (read(to_parent[0], &c, 1) == 1)
		write(to_child[1], &c, 1);
	return 0;
}

/*
 * The classic of subprocess code: write all the input, then read the
 * output.  The child writes its output as it reads, and a pipe holds 64 KiB.
 */
static int run_full_pipe(void)
{
	int in[2], out[2];
	static char buf[1 << 20];
	pid_t child;

	if (pipe(in) || pipe(out))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		ssize_t n;

		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		while ((n = read(0, buf, 4096)) > 0)
			for (int i = 0; i < 4; i++)
				write(1, buf, n);
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	say("ready pid=%d child=%d stdin_pipe=%lu stdout_pipe=%lu", getpid(), child,
	    pipe_ino(in[1]), pipe_ino(out[0]));
	memset(buf, 'x', sizeof(buf));
	if (write(in[1], buf, sizeof(buf)) < 0)
		die("write");
	close(in[1]);
	while (read(out[0], buf, sizeof(buf)) > 0)
		;
	return 0;
}

static int chain_pipe[2];
static volatile pid_t tid_holder, tid_waiter;

static void *chain_holder(void *arg)
{
	char c;

	tid_holder = gettid_();
	pthread_mutex_lock(&chain_lock);
	if (read(chain_pipe[0], &c, 1) < 0)
		die("read");
	pthread_mutex_unlock(&chain_lock);
	return NULL;
}

static void *chain_waiter(void *arg)
{
	tid_waiter = gettid_();
	pthread_mutex_lock(&chain_lock);
	pthread_mutex_unlock(&chain_lock);
	return NULL;
}

/* A waits on B's mutex; B reads a pipe whose only writer, C, sleeps. */
static int run_chain(void)
{
	pthread_t a, b;
	pid_t writer;

	if (pipe(chain_pipe))
		die("pipe");
	writer = fork();
	if (writer < 0)
		die("fork");
	if (!writer) {
		struct timespec ts = { .tv_sec = 3600 };

		close(chain_pipe[0]);
		nanosleep(&ts, NULL);
		_exit(0);
	}
	close(chain_pipe[1]);
	if (pthread_create(&b, NULL, chain_holder, NULL))
		die("pthread_create");
	while (!tid_holder)
		usleep(1000);
	usleep(20000);
	if (pthread_create(&a, NULL, chain_waiter, NULL))
		die("pthread_create");
	while (!tid_waiter)
		usleep(1000);
	usleep(50000);
	say("ready pid=%d waiter=%d holder=%d writer=%d pipe=%lu lock=%p", getpid(), tid_waiter,
	    tid_holder, writer, pipe_ino(chain_pipe[0]), (void *)&chain_lock);
	pthread_join(a, NULL);
	return 0;
}

static void *busy(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&busy_lock);
		for (int i = 0; i < 200; i++)
			spins++;
		pthread_mutex_unlock(&busy_lock);
	}
	return NULL;
}

static int run_contended(void)
{
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, busy, NULL))
			die("pthread_create");
	say("ready pid=%d lock=%p", getpid(), (void *)&busy_lock);
	pthread_join(t[0], NULL);
	return 0;
}

static volatile pid_t tid_idle;

static void *idle_waiter(void *arg)
{
	tid_idle = gettid_();
	pthread_mutex_lock(&idle_lock);
	for (;;)
		pthread_cond_wait(&idle_cond, &idle_lock);
	return NULL;
}

static int run_condvar(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, idle_waiter, NULL))
		die("pthread_create");
	while (!tid_idle)
		usleep(1000);
	usleep(20000);
	say("ready pid=%d waiter=%d cond=%p", getpid(), tid_idle, (void *)&idle_cond);
	sleep_forever();
}

/* A reader blocked on a pipe whose write end the process keeps (so no EOF). */
static int run_read(void)
{
	int p[2];
	char buf[64];

	if (pipe(p))
		die("pipe");
	say("ready pid=%d tid=%d pipe=%lu fd=%d", getpid(), gettid_(), pipe_ino(p[0]), p[0]);
	if (read(p[0], buf, sizeof(buf)) < 0)
		die("read");
	return 0;
}

/* N threads: two in an AB-BA deadlock, the others queued on one of its mutexes. */
static void *queue_on_a(void *arg)
{
	pthread_mutex_lock(&lock_a);
	return NULL;
}

static int run_threads(long n)
{
	pthread_attr_t at;
	pthread_t t;

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 64 << 10);
	pthread_barrier_init(&both_hold, NULL, 2);
	if (pthread_create(&t, &at, take_a_then_b, NULL) ||
	    pthread_create(&t, &at, take_b_then_a, NULL))
		die("pthread_create");
	while (!tid_a || !tid_b)
		usleep(1000);
	usleep(20000);
	for (long i = 2; i < n; i++)
		if (pthread_create(&t, &at, queue_on_a, NULL))
			die("pthread_create");
	usleep(200000);
	say("ready pid=%d threads=%ld tid_a=%d tid_b=%d lock_a=%p lock_b=%p", getpid(), n,
	    tid_a, tid_b, (void *)&lock_a, (void *)&lock_b);
	sleep_forever();
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "";

	if (!strcmp(s, "abba"))
		return run_abba();
	if (!strcmp(s, "shm-abba"))
		return run_shm_abba();
	if (!strcmp(s, "pipe-cross"))
		return run_pipe_cross();
	if (!strcmp(s, "full-pipe"))
		return run_full_pipe();
	if (!strcmp(s, "chain"))
		return run_chain();
	if (!strcmp(s, "contended"))
		return run_contended();
	if (!strcmp(s, "condvar"))
		return run_condvar();
	if (!strcmp(s, "read"))
		return run_read();
	if (!strcmp(s, "threads") && argc > 2 && atol(argv[2]) >= 2)
		return run_threads(atol(argv[2]));
	fprintf(stderr, "usage: hang abba|shm-abba|pipe-cross|full-pipe|chain|contended|"
		"condvar|read|threads N\n");
	return 2;
}
