// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipcwork: IPC workloads that know exactly what they did.
 *
 * ipctrace's integration tests trace these scenarios and compare what the
 * tracer saw with the counts, bytes, pids and object identities that every
 * process of the workload prints on its info stream.
 *
 * Modules: main.c (command line, scenario table), report.c (info lines,
 * failure exits, removal of named objects), proc.c (child processes, the
 * start gate), io.c (counted I/O, message patterns, time), and one file per
 * IPC family holding its scenarios.
 */
#ifndef IPCWORK_H
#define IPCWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/types.h>

/*
 * Functions whose names the tests look for in user stacks.  noinline keeps
 * them a frame of their own, noclone keeps their symbol name free of the
 * .constprop/.isra suffixes a clone would get.
 *
 * The libc calls under them go through wrappers of ours marked the same
 * way: libc has no frame pointers, so a frame-pointer unwinder starting in
 * libc finds the return address saved by the innermost frame that set up
 * %rbp, and skips the function that called libc.  With a wrapper in
 * between, the skipped frame is the wrapper and the named function stays.
 */
#ifdef __clang__
#define WK_FRAME	__attribute__((noinline))	/* clang: no noclone, keeps global names */
#else
#define WK_FRAME	__attribute__((noinline, noclone))
#endif

#define WK_MAX_PROCS	160	/* children of one run, all roles together */
#define WK_MAX_THREADS	64
#define WK_MAX_SIZE	(1ul << 20)

/* Exit codes: 0 ok, 1 runtime failure (timeouts included), 2 usage. */
#define WK_EXIT_FAIL	1
#define WK_EXIT_USAGE	2

struct wk_opts {
	const char *scenario;
	unsigned long count;
	size_t size;
	const char *info_path;
	int info_fd;		/* --info-fd (internal): inherited across exec */
	int gate_fd;		/* --gate-fd (internal): join the parent's start gate */
	const char *label;	/* --label (internal): scenario name for the lines */
	bool wait_stdin;
	unsigned long delay_ms;
	unsigned int timeout_s;
	unsigned int clients;
	unsigned int producers;
	unsigned int consumers;
	unsigned int threads;
	unsigned long hold_us;
	unsigned long post_delay_us;
	unsigned long linger_ms;
	bool named;
	bool use_send;
	bool handler;
	bool abstract;
	const char *map_file;	/* trap-map: a file to map as well */
};

typedef int (*wk_run_fn)(const struct wk_opts *o);

struct wk_scenario {
	const char *name;
	unsigned long def_count;
	wk_run_fn run;
	const char *summary;
};

/* report.c: every line goes out in one write(2), so processes can share a stream */
void self_init(const char *scenario, int info_fd);
void self_role(const char *role, int idx);
void self_thread_role(const char *role, int idx);
const char *self_scenario(void);
bool self_is_owner(void);
void info(const char *event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
noreturn void fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void setup_signals(void);

enum wk_cleanup_kind {
	WK_CL_UNLINK,		/* a file: FIFO, socket path */
	WK_CL_RMDIR,		/* our temp dir, after what is in it */
	WK_CL_MQ,		/* a POSIX message queue */
	WK_CL_SYSV_SEM,		/* a SysV semaphore set, by id */
	WK_CL_NAMED_SEM,	/* a named POSIX semaphore */
};
void cleanup_add(enum wk_cleanup_kind kind, const char *name, int id);
void cleanup_run(void);
int make_tmpdir(char *dir, size_t len);

/* proc.c */
typedef int (*wk_child_fn)(const struct wk_opts *o, void *arg);
pid_t proc_spawn(const char *role, int idx, wk_child_fn fn, const struct wk_opts *o, void *arg);
int proc_reap(pid_t pid);
void proc_reap_all(void);
void proc_kill_all(void);
const char *status_str(int status, char *buf, size_t len);
void set_comm(const char *comm);

int gate_setup(void);
int gate_attach(int fd);
int gate_fd(void);
void gate_pass(const struct wk_opts *o);
uint64_t gate_open(const struct wk_opts *o, int others);
uint64_t gate_t0(void);
void gate_abort(void);

void thread_start(pthread_t *th, void *(*fn)(void *), void *arg);
void thread_join(pthread_t th);
pid_t wk_gettid(void);

/* io.c */
struct io_stat {
	unsigned long calls;	/* syscalls made, EINTR retries included */
	unsigned long msgs;	/* whole messages moved */
	unsigned long bytes;
	unsigned long partial;	/* calls that moved less than asked (reads: > 0 bytes) */
};
int io_put(int fd, const void *buf, size_t len, bool sock, struct io_stat *st);
int io_get(int fd, void *buf, size_t len, bool sock, struct io_stat *st);
ssize_t io_get_some(int fd, void *buf, size_t len, struct io_stat *st);
void *xmalloc(size_t len);
void msg_fill(void *buf, size_t len, unsigned long seq, unsigned char key);
bool msg_check(const void *buf, size_t len, unsigned long seq, unsigned char key);
unsigned long fd_ino(int fd);
uint64_t now_ns(void);
void sleep_ns(uint64_t ns);
void sleep_until_ns(uint64_t deadline);
void spin_us(unsigned long us);

#define NSEC_PER_USEC	1000ull
#define NSEC_PER_MSEC	1000000ull
#define NSEC_PER_SEC	1000000000ull

/* Scenarios, one run_* per name; see main.c for the table. */
int run_pipe_pingpong(const struct wk_opts *o);
int run_fifo(const struct wk_opts *o);
int run_pipeline(const struct wk_opts *o);
int run_exec_pipe(const struct wk_opts *o);
int run_fork_storm(const struct wk_opts *o);
int run_emit(const struct wk_opts *o);
int run_socketpair_pingpong(const struct wk_opts *o);
int run_unix_server(const struct wk_opts *o);
int run_tcp_pingpong(const struct wk_opts *o);
int run_mq(const struct wk_opts *o);
int run_mutex(const struct wk_opts *o);
int run_condvar(const struct wk_opts *o);
int run_shm_mutex(const struct wk_opts *o);
int run_exit_early(const struct wk_opts *o);
int run_sem(const struct wk_opts *o);
int run_signal_pingpong(const struct wk_opts *o);
int run_signal_star(const struct wk_opts *o);
int run_signal_wait(const struct wk_opts *o);
int run_timer_signal(const struct wk_opts *o);
int run_idle(const struct wk_opts *o);
int run_trap_map(const struct wk_opts *o);
int run_hostile_names(const struct wk_opts *o);

/* Lock objects the tests find by name (symbol table) or by the reported address. */
extern pthread_mutex_t counter_lock;
extern pthread_mutex_t quiet_lock;
extern pthread_mutex_t idle_mutex;
extern pthread_cond_t idle_cond;
extern pthread_mutex_t light_lock;
extern pthread_mutex_t early_lock;
extern sem_t *sem_posix;

/* Named frames (see WK_FRAME). */
unsigned long worker_hot_loop(unsigned long count, unsigned long hold_us);
unsigned long quiet_loop(unsigned long count);
unsigned long idle_worker_wait(void);
unsigned long light_worker_loop(unsigned long iters, unsigned long hold_us, uint64_t t0);
unsigned long shm_contend_loop(pthread_mutex_t *lock, unsigned long *counter,
			       unsigned long count, unsigned long hold_us);
unsigned long short_lived_contender(unsigned long count, unsigned long hold_us);
uint64_t posix_sem_wait_loop(sem_t *sem, unsigned long count, unsigned long *started);
uint64_t sysv_sem_wait_loop(int semid, unsigned long count, unsigned long *started);

#endif /* IPCWORK_H */
