// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sem: a waiter process blocks COUNT times on a POSIX semaphore, then COUNT
 * times on a SysV semaphore; the poster (the parent) sleeps --post-delay-us
 * before each post, so the waiter is asleep when the post comes and the
 * total blocked time is about COUNT * delay per kind.
 *
 * The POSIX semaphore is unnamed, in a shared anonymous mapping, or with
 * --named the one sem_open("/ipcwork-sem-<pid>") gives.  Calls are exact:
 * COUNT sem_wait and sem_post, COUNT semop(-1) and semop(+1).  A sem_wait
 * makes a futex wait only when it finds the value 0, so a post that beat
 * the waiter would save it a futex wait.  The poster prevents that: before
 * post i it waits until the waiter has started wait i (a counter in shared
 * memory) and sits in futex/semop (/proc/WAITER/syscall), then sleeps the
 * delay.  Where that file cannot be read (block_check=none) the delay alone
 * makes blocking very likely, not certain.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ipcwork.h"

#define BLOCK_POLL_NS	(20 * NSEC_PER_USEC)

sem_t *sem_posix;	/* the POSIX semaphore in use, unnamed or named */

/* Shared by poster and waiter. */
struct sem_shared {
	sem_t sem;		/* the unnamed semaphore */
	unsigned long started;	/* waits the waiter has begun, POSIX then SysV */
};

struct sem_ctx {
	struct sem_shared *shm;
	int semid;
	bool named;
	char name[64];
};

static void wait_started(unsigned long *started)
{
	__atomic_fetch_add(started, 1, __ATOMIC_SEQ_CST);
}

/* Not inlined: see WK_FRAME. */
WK_FRAME static void posix_wait(sem_t *sem, unsigned long i, unsigned long count)
{
	while (sem_wait(sem))
		if (errno != EINTR)
			fail(errno, "sem_wait %lu of %lu", i + 1, count);
}

WK_FRAME uint64_t posix_sem_wait_loop(sem_t *sem, unsigned long count, unsigned long *started)
{
	uint64_t t0 = now_ns();
	unsigned long i;

	for (i = 0; i < count; i++) {
		wait_started(started);
		posix_wait(sem, i, count);
	}
	return now_ns() - t0;
}

WK_FRAME static void sysv_op(int semid, short op, unsigned long i, unsigned long count)
{
	struct sembuf sb = { .sem_num = 0, .sem_op = op, .sem_flg = 0 };

	while (semop(semid, &sb, 1))
		if (errno != EINTR)
			fail(errno, "semop(%d) %lu of %lu on semid %d", op, i + 1, count, semid);
}

WK_FRAME uint64_t sysv_sem_wait_loop(int semid, unsigned long count, unsigned long *started)
{
	uint64_t t0 = now_ns();
	unsigned long i;

	for (i = 0; i < count; i++) {
		wait_started(started);
		sysv_op(semid, -1, i, count);
	}
	return now_ns() - t0;
}

static const char *sem_kind(const struct sem_ctx *sc)
{
	return sc->named ? "named" : "unnamed";
}

static int sem_waiter(const struct wk_opts *o, void *arg)
{
	const struct sem_ctx *sc = arg;
	uint64_t posix_ns, sysv_ns;
	sem_t *sem = sem_posix;

	if (sc->named) {
		/* Open by name like an unrelated process would (glibc maps it once per process). */
		sem = sem_open(sc->name, 0);
		if (sem == SEM_FAILED)
			fail(errno, "open semaphore %s", sc->name);
	}
	info(NULL, "sem_posix=0x%lx sem_kind=%s sem_name=%s semid=%d ppid=%d",
	     (unsigned long)sem, sem_kind(sc), sc->named ? sc->name : "-", sc->semid,
	     (int)getppid());
	gate_pass(o);
	posix_ns = posix_sem_wait_loop(sem, o->count, &sc->shm->started);
	sysv_ns = sysv_sem_wait_loop(sc->semid, o->count, &sc->shm->started);
	info("done", "posix_waits=%lu sysv_waits=%lu posix_wait_ns=%llu sysv_wait_ns=%llu "
	     "expected_block_ns=%llu sem_posix=0x%lx semid=%d",
	     o->count, o->count, (unsigned long long)posix_ns, (unsigned long long)sysv_ns,
	     (unsigned long long)(o->count * o->post_delay_us * NSEC_PER_USEC),
	     (unsigned long)sem, sc->semid);
	return 0;
}

static void sem_create(const struct wk_opts *o, struct sem_ctx *sc)
{
	void *map;

	map = mmap(NULL, sizeof(*sc->shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		   -1, 0);
	if (map == MAP_FAILED)
		fail(errno, "map shared memory");
	sc->shm = map;
	sc->named = o->named;
	if (o->named) {
		snprintf(sc->name, sizeof(sc->name), "/ipcwork-sem-%d", (int)getpid());
		sem_posix = sem_open(sc->name, O_CREAT | O_EXCL, 0600, 0);
		if (sem_posix == SEM_FAILED)
			fail(errno, "create semaphore %s", sc->name);
		cleanup_add(WK_CL_NAMED_SEM, sc->name, 0);
	} else {
		sem_posix = &sc->shm->sem;
		if (sem_init(sem_posix, 1, 0))
			fail(errno, "initialize the semaphore");
	}
	/* Linux starts a new SysV semaphore at 0, which is what the waiter needs. */
	sc->semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	if (sc->semid < 0)
		fail(errno, "create a SysV semaphore set");
	cleanup_add(WK_CL_SYSV_SEM, NULL, sc->semid);
}

/* /proc/PID/syscall of the waiter, kept open: it reads "running" or "NR args...". */
static int open_syscall_file(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static bool blocked_in(int fd, long nr1, long nr2)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long nr;

	if (n <= 0)
		fail(n < 0 ? errno : 0, "read the waiter's /proc/PID/syscall");
	buf[n] = '\0';
	if (!isdigit((unsigned char)buf[0]))
		return false;
	nr = strtol(buf, NULL, 10);
	return nr == nr1 || nr == nr2;
}

/*
 * Then the post finds the waiter asleep in wait n, and each wait costs
 * exactly one blocking call.  The counter comes first: a waiter just woken
 * from wait n-1 but not yet run still shows that wait's syscall.
 */
static void wait_blocked(const struct sem_ctx *sc, unsigned long n, int fd, long nr1, long nr2)
{
	while (__atomic_load_n(&sc->shm->started, __ATOMIC_SEQ_CST) < n)
		sleep_ns(BLOCK_POLL_NS);
	if (fd < 0)
		return;
	while (!blocked_in(fd, nr1, nr2))
		sleep_ns(BLOCK_POLL_NS);
}

static void post_all(const struct wk_opts *o, const struct sem_ctx *sc, int sysfd)
{
	uint64_t delay = o->post_delay_us * NSEC_PER_USEC;
	unsigned long i;

	for (i = 0; i < o->count; i++) {
		wait_blocked(sc, i + 1, sysfd, SYS_futex, SYS_futex);
		sleep_ns(delay);
		if (sem_post(sem_posix))
			fail(errno, "sem_post %lu of %lu", i + 1, o->count);
	}
	for (i = 0; i < o->count; i++) {
		wait_blocked(sc, o->count + i + 1, sysfd, SYS_semop, SYS_semtimedop);
		sleep_ns(delay);
		sysv_op(sc->semid, 1, i, o->count);
	}
}

int run_sem(const struct wk_opts *o)
{
	struct sem_ctx sc = { 0 };
	uint64_t t0;
	pid_t child;
	int sysfd;

	self_role("poster", -1);
	sem_create(o, &sc);
	child = proc_spawn("waiter", -1, sem_waiter, o, &sc);
	sysfd = open_syscall_file(child);
	info(NULL, "sem_posix=0x%lx sem_kind=%s sem_name=%s semid=%d waiter=%d "
	     "post_delay_us=%lu count=%lu block_check=%s",
	     (unsigned long)sem_posix, sem_kind(&sc), sc.named ? sc.name : "-", sc.semid,
	     (int)child, o->post_delay_us, o->count, sysfd >= 0 ? "syscall" : "none");
	t0 = gate_open(o, 1);
	post_all(o, &sc, sysfd);
	proc_reap_all();
	info("done", "posix_posts=%lu sysv_posts=%lu post_delay_us=%lu sem_posix=0x%lx "
	     "semid=%d waiter=%d elapsed_ns=%llu",
	     o->count, o->count, o->post_delay_us, (unsigned long)sem_posix, sc.semid, (int)child,
	     (unsigned long long)(now_ns() - t0));
	cleanup_run();		/* IPC_RMID, sem_unlink */
	return 0;
}
