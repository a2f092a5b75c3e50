// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hostile scenarios: what an unprivileged traced process can do to its
 * tracer with names and files it controls.
 *
 * trap-map: the process maps two copies of its own executable, deletes
 * them, and puts traps at their names: a FIFO, and a symlink to another
 * FIFO.  A tracer that opens a mapped file by its path without care blocks
 * forever in open(2).  Then COUNT blocking pipe reads, so that a tracer
 * takes stacks and reads the maps.
 *
 * hostile-names: every name it chooses holds terminal controls: the
 * process's and its threads' names (prctl PR_SET_NAME), a FIFO path, a
 * queue name, a unix socket path, and the symbol of the function the
 * reader blocks in.  COUNT messages through the FIFO, the queue and the
 * socket, two threads contending a mutex 4*COUNT times each, and one signal.
 * Info lines give each name in hex (values have no spaces).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipcwork.h"

#define MSG_LEN		64
#define TRAP_GAP_NS	(2 * NSEC_PER_MSEC)

/* ---- trap-map ---- */

struct trap_file {
	char path[PATH_MAX];
	void *map;
	size_t len;
};

static void copy_self(const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		fail(errno, "open /proc/self/exe");
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		fail(errno, "create %s", to);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			fail(errno, "write %s", to);
	if (n < 0)
		fail(errno, "read /proc/self/exe");
	close(in);
	if (close(out))
		fail(errno, "close %s", to);
}

/* A copy of ourselves, mapped readable, then unlinked: maps says "PATH (deleted)". */
static void trap_map(struct trap_file *t, const char *dir, const char *name)
{
	struct stat st;
	int fd;

	snprintf(t->path, sizeof(t->path), "%s/%s", dir, name);
	copy_self(t->path);
	fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		fail(errno, "open %s", t->path);
	t->len = (size_t)st.st_size;
	t->map = mmap(NULL, t->len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (t->map == MAP_FAILED)
		fail(errno, "map %s", t->path);
	close(fd);
	if (unlink(t->path))
		fail(errno, "unlink %s", t->path);
}

/*
 * --map FILE: one more file mapped, and its fd kept open (a file on a
 * filesystem that may stop answering, in the tests).  Its pages are never
 * touched: only the tracer would ask that filesystem anything.
 */
static void map_extra(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st))
		fail(errno, "open %s", path);
	if (mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED)
		fail(errno, "map %s", path);
}

static void make_fifo(const char *path)
{
	if (mkfifo(path, 0600))
		fail(errno, "create FIFO %s", path);
	cleanup_add(WK_CL_UNLINK, path, 0);
}

struct trap_writer {
	int fd;
	unsigned long count;
};

static void *trap_write(void *arg)
{
	struct trap_writer *w = arg;
	struct io_stat st = { 0 };
	char msg[MSG_LEN];
	int err;

	for (unsigned long i = 0; i < w->count; i++) {
		sleep_ns(TRAP_GAP_NS);	/* the reader is asleep in read(2) by now */
		msg_fill(msg, sizeof(msg), i, 0x33);
		err = io_put(w->fd, msg, sizeof(msg), false, &st);
		if (err)
			fail(-err, "write the pipe");
	}
	return NULL;
}

int run_trap_map(const struct wk_opts *o)
{
	struct trap_file fifo_trap, link_trap;
	struct trap_writer w = { .count = o->count };
	char dir[PATH_MAX], fifo2[PATH_MAX + 16], msg[MSG_LEN];
	struct io_stat st = { 0 };
	unsigned long ino;
	pthread_t th;
	int p[2], err;

	err = make_tmpdir(dir, sizeof(dir));
	if (err)
		fail(-err, "create a temporary directory");
	trap_map(&fifo_trap, dir, "trap-fifo.so");
	make_fifo(fifo_trap.path);
	trap_map(&link_trap, dir, "trap-link.so");
	snprintf(fifo2, sizeof(fifo2), "%s/trap.fifo", dir);
	make_fifo(fifo2);
	if (symlink(fifo2, link_trap.path))
		fail(errno, "create symlink %s", link_trap.path);
	cleanup_add(WK_CL_UNLINK, link_trap.path, 0);
	if (o->map_file)
		map_extra(o->map_file);
	if (pipe2(p, O_CLOEXEC))
		fail(errno, "create a pipe");
	ino = fd_ino(p[0]);
	w.fd = p[1];
	info(NULL, "fifo_trap=%s link_trap=%s pipe_ino=%lu reads=%lu map=%s", fifo_trap.path,
	     link_trap.path, ino, o->count, o->map_file ? o->map_file : "-");
	gate_open(o, 0);
	thread_start(&th, trap_write, &w);
	for (unsigned long i = 0; i < o->count; i++) {
		err = io_get(p[0], msg, sizeof(msg), false, &st);
		if (err)
			fail(-err, "read the pipe");
	}
	thread_join(th);
	info("done", "pipe_ino=%lu reads=%lu bytes=%lu", ino, st.msgs, st.bytes);
	munmap(fifo_trap.map, fifo_trap.len);
	munmap(link_trap.map, link_trap.len);
	cleanup_run();
	return 0;
}

/* ---- hostile-names ---- */

/* OSC window title, erase screen, newline, tab, invalid UTF-8, an 8-bit CSI: 14 bytes */
#define NAME_MAIN	"\x1b]2;X\x07\x1b[2J\n\t\xff\x9b"
#define NAME_CHILD	"\x1b[31mred\x1b[0m"
#define NAME_THREAD	"\x1b[5mthr"

static pthread_mutex_t hostile_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t hostile_start;

/*
 * The frame the reader blocks in, under a symbol of its own choosing: a
 * stack frame's name comes from an ELF file the traced process controls.
 */
WK_FRAME unsigned long hostile_read(int fd, void *buf, size_t len)
	__asm__("\"hostile\x1b]2;sym\x07\x1b[2J\tread\"");
WK_FRAME unsigned long hostile_read(int fd, void *buf, size_t len)
{
	struct io_stat st = { 0 };
	int err = io_get(fd, buf, len, false, &st);

	if (err)
		fail(-err, "read a message");
	return st.bytes;
}

static void hex(char *out, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 3 <= len; s++)
		o += (size_t)snprintf(out + o, len - o, "%02x", (unsigned char)*s);
	out[o] = '\0';
}

struct names_ctx {
	char dir[PATH_MAX];
	char fifo[PATH_MAX + 32];
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char mq[64];
	int sv;			/* listening socket */
	mqd_t mqd;
};

static int names_child(const struct wk_opts *o, void *arg)
{
	struct names_ctx *nc = arg;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char msg[MSG_LEN], h[64];
	unsigned long got = 0;
	int ffd, sfd;

	set_comm(NAME_CHILD);
	ffd = open(nc->fifo, O_RDONLY | O_CLOEXEC);
	if (ffd < 0)
		fail(errno, "open the FIFO");
	sfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, nc->sock, sizeof(nc->sock));
	if (sfd < 0 || connect(sfd, (struct sockaddr *)&sa, sizeof(sa)))
		fail(errno, "connect to the socket");
	hex(h, sizeof(h), NAME_CHILD);
	info(NULL, "comm_hex=%s ppid=%d", h, (int)getppid());
	gate_pass(o);
	for (unsigned long i = 0; i < o->count; i++) {
		got += hostile_read(ffd, msg, sizeof(msg));
		if (mq_receive(nc->mqd, msg, sizeof(msg), NULL) < 0)
			fail(errno, "receive from the queue");
		got += hostile_read(sfd, msg, sizeof(msg));
	}
	info("done", "bytes=%lu", got);
	close(ffd);
	close(sfd);
	return 0;
}

static void *names_thread(void *arg)
{
	const struct wk_opts *o = arg;

	set_comm(NAME_THREAD);
	pthread_barrier_wait(&hostile_start);	/* together, so that they contend */
	for (unsigned long i = 0; i < 4 * o->count; i++) {
		pthread_mutex_lock(&hostile_lock);
		spin_us(100);
		pthread_mutex_unlock(&hostile_lock);
	}
	return NULL;
}

static void names_setup(struct names_ctx *nc)
{
	struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = MSG_LEN };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int err;

	err = make_tmpdir(nc->dir, sizeof(nc->dir));
	if (err)
		fail(-err, "create a temporary directory");
	snprintf(nc->fifo, sizeof(nc->fifo), "%s/\x1b[31mfifo\x1b[0m\n", nc->dir);
	make_fifo(nc->fifo);
	if ((size_t)snprintf(nc->sock, sizeof(nc->sock), "%.*s/\x1b[7msock",
			     (int)(sizeof(nc->sock) - 16), nc->dir) >= sizeof(nc->sock))
		fail(ENAMETOOLONG, "name the socket");
	memcpy(sa.sun_path, nc->sock, sizeof(nc->sock));
	nc->sv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (nc->sv < 0 || bind(nc->sv, (struct sockaddr *)&sa, sizeof(sa)) || listen(nc->sv, 1))
		fail(errno, "listen on the socket");
	cleanup_add(WK_CL_UNLINK, nc->sock, 0);
	snprintf(nc->mq, sizeof(nc->mq), "/ipcwork-\x1b]0;q\x07-%d", (int)getpid());
	nc->mqd = mq_open(nc->mq, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600, &attr);
	if (nc->mqd == (mqd_t)-1)
		fail(errno, "create a queue");
	cleanup_add(WK_CL_MQ, nc->mq, 0);
}

int run_hostile_names(const struct wk_opts *o)
{
	char msg[MSG_LEN], h[4][160];
	struct io_stat st = { 0 };
	struct names_ctx nc;
	pthread_t th[2];
	pid_t child;
	int ffd, cfd;

	set_comm(NAME_MAIN);
	names_setup(&nc);
	child = proc_spawn("child", -1, names_child, o, &nc);
	ffd = open(nc.fifo, O_WRONLY | O_CLOEXEC);
	cfd = ffd < 0 ? -1 : accept4(nc.sv, NULL, NULL, SOCK_CLOEXEC);
	if (ffd < 0 || cfd < 0)
		fail(errno, "open the FIFO and accept the child");
	hex(h[0], sizeof(h[0]), NAME_MAIN);
	hex(h[1], sizeof(h[1]), nc.fifo);
	hex(h[2], sizeof(h[2]), nc.mq);
	hex(h[3], sizeof(h[3]), nc.sock);
	info(NULL, "child=%d comm_hex=%s fifo_hex=%s mq_hex=%s sock_hex=%s", (int)child, h[0],
	     h[1], h[2], h[3]);
	gate_open(o, 1);
	pthread_barrier_init(&hostile_start, NULL, 2);
	for (int i = 0; i < 2; i++)
		thread_start(&th[i], names_thread, (void *)o);
	for (unsigned long i = 0; i < o->count; i++) {
		msg_fill(msg, sizeof(msg), i, 0x44);
		if (io_put(ffd, msg, sizeof(msg), false, &st) ||
		    mq_send(nc.mqd, msg, sizeof(msg), 0) ||
		    io_put(cfd, msg, sizeof(msg), true, &st))
			fail(errno, "send message %lu", i);
		sleep_ns(NSEC_PER_MSEC);
	}
	for (int i = 0; i < 2; i++)
		thread_join(th[i]);
	kill(child, SIGCONT);	/* one signal, from a hostile name to a hostile name */
	proc_reap_all();
	info("done", "msgs=%lu bytes=%lu", o->count, st.bytes + o->count * MSG_LEN);
	close(ffd);
	close(cfd);
	close(nc.sv);
	mq_close(nc.mqd);
	cleanup_run();
	return 0;
}
