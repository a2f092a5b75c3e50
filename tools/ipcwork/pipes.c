// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pipe and FIFO scenarios: pipe-pingpong, fifo, pipeline, exec-pipe, emit.
 *
 * A write of at most PIPE_BUF (4096) bytes lands in the pipe whole, so a
 * reader asking for exactly one message gets it in one read(2) even when
 * several are queued: read and write counts equal the message count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ipcwork.h"
#include "pingpong.h"

#define PIPELINE_KEY	0x5a	/* stage-b's transform: every byte xor this */
#define STREAM_MOD	251	/* emit's byte at offset k is k % 251:
				 * a prime, so chunks differ */

static unsigned long make_pipe(int p[2], const char *what)
{
	if (pipe(p))
		fail(errno, "create %s", what);
	return fd_ino(p[0]);
}

static void close_fd(int fd)
{
	if (close(fd))
		fail(errno, "close fd %d", fd);
}

/* pipe-pingpong: pipe1 carries parent->child, pipe2 child->parent. */
struct pipe_pp {
	int p1[2];
	int p2[2];
	unsigned long ino1;
	unsigned long ino2;
	pid_t parent;
};

static void pipe_pp_done(const struct pipe_pp *pp, const struct pp_result *r, const char *peer,
			 pid_t peer_pid, unsigned long msgs)
{
	char sum[IO_SUMMARY_LEN];

	info("done", "%s msgs=%lu pipe1_ino=%lu pipe2_ino=%lu %s=%d elapsed_ns=%llu",
	     io_summary(sum, sizeof(sum), &r->wr, &r->rd), msgs, pp->ino1, pp->ino2, peer,
	     (int)peer_pid, (unsigned long long)r->elapsed_ns);
}

static int pipe_pp_child(const struct wk_opts *o, void *arg)
{
	struct pipe_pp *pp = arg;
	struct pp_end e = { .wfd = pp->p2[1], .rfd = pp->p1[0], .msgs = o->count };
	struct pp_result r = { 0 };

	close_fd(pp->p1[1]);
	close_fd(pp->p2[0]);
	info(NULL, "ppid=%d pipe1_ino=%lu pipe2_ino=%lu reads_from=pipe1 writes_to=pipe2",
	     (int)pp->parent, pp->ino1, pp->ino2);
	gate_pass(o);
	pingpong(o, &e, &r);
	pipe_pp_done(pp, &r, "parent", pp->parent, o->count);
	return 0;
}

int run_pipe_pingpong(const struct wk_opts *o)
{
	struct pipe_pp pp = { .parent = getpid() };
	struct pp_end e = { .initiator = true, .msgs = o->count };
	struct pp_result r = { 0 };
	pid_t child;

	pp.ino1 = make_pipe(pp.p1, "pipe1");
	pp.ino2 = make_pipe(pp.p2, "pipe2");
	child = proc_spawn("child", -1, pipe_pp_child, o, &pp);
	close_fd(pp.p1[0]);
	close_fd(pp.p2[1]);
	e.wfd = pp.p1[1];
	e.rfd = pp.p2[0];
	info(NULL, "child=%d pipe1_ino=%lu pipe2_ino=%lu writes_to=pipe1 reads_from=pipe2 size=%zu",
	     (int)child, pp.ino1, pp.ino2, o->size);
	gate_open(o, 1);
	pingpong(o, &e, &r);
	proc_reap_all();
	pipe_pp_done(&pp, &r, "child", child, o->count);
	return 0;
}

/* fifo: a writer and a reader process open the FIFO by path; the parent only waits. */
struct fifo_ctx {
	char dir[PATH_MAX];
	char path[PATH_MAX + 8];
	unsigned long ino;
	unsigned int major;
	unsigned int minor;
};

/* dev as ipctrace's records hold it: the kernel's MKDEV, major << 20 | minor. */
static unsigned long kdev(unsigned int major, unsigned int minor)
{
	return (unsigned long)major << 20 | minor;
}

static int fifo_open(const struct fifo_ctx *f, int flags)
{
	int fd = open(f->path, flags | O_CLOEXEC);

	if (fd < 0)
		fail(errno, "open %s", f->path);
	info(NULL, "path=%s fifo_ino=%lu fifo_dev=%u:%u fifo_kdev=%lu", f->path, fd_ino(fd),
	     f->major, f->minor, kdev(f->major, f->minor));
	return fd;
}

static int fifo_writer(const struct wk_opts *o, void *arg)
{
	struct io_stat wr = { 0 }, none = { 0 };
	char *buf = xmalloc(o->size), sum[IO_SUMMARY_LEN];
	int fd = fifo_open(arg, O_WRONLY), err;
	unsigned long i;

	gate_pass(o);
	for (i = 0; i < o->count; i++) {
		msg_fill(buf, o->size, i, 0);
		err = io_put(fd, buf, o->size, false, &wr);
		if (err)
			fail(-err, "write message %lu to the FIFO", i + 1);
	}
	info("done", "%s msgs=%lu fifo_ino=%lu", io_summary(sum, sizeof(sum), &wr, &none), wr.msgs,
	     ((struct fifo_ctx *)arg)->ino);
	free(buf);
	return 0;
}

static int fifo_reader(const struct wk_opts *o, void *arg)
{
	struct io_stat rd = { 0 }, none = { 0 };
	char *buf = xmalloc(o->size), sum[IO_SUMMARY_LEN];
	int fd = fifo_open(arg, O_RDONLY), err;
	unsigned long i;

	gate_pass(o);
	/* Exactly count reads: no final read for EOF. */
	for (i = 0; i < o->count; i++) {
		err = io_get(fd, buf, o->size, false, &rd);
		if (err)
			fail(-err, "read message %lu from the FIFO", i + 1);
		if (!msg_check(buf, o->size, i, 0))
			fail(0, "check message %lu: wrong content", i + 1);
	}
	info("done", "%s msgs=%lu fifo_ino=%lu", io_summary(sum, sizeof(sum), &none, &rd), rd.msgs,
	     ((struct fifo_ctx *)arg)->ino);
	free(buf);
	return 0;
}

int run_fifo(const struct wk_opts *o)
{
	struct fifo_ctx f = { 0 };
	struct stat st;
	pid_t writer, reader;
	int err;

	err = make_tmpdir(f.dir, sizeof(f.dir));
	if (err)
		fail(-err, "create a temp dir");
	snprintf(f.path, sizeof(f.path), "%s/fifo", f.dir);
	if (mkfifo(f.path, 0600))
		fail(errno, "create FIFO %s", f.path);
	cleanup_add(WK_CL_UNLINK, f.path, 0);
	if (stat(f.path, &st))
		fail(errno, "stat %s", f.path);
	f.ino = st.st_ino;
	f.major = major(st.st_dev);
	f.minor = minor(st.st_dev);
	writer = proc_spawn("writer", -1, fifo_writer, o, &f);
	reader = proc_spawn("reader", -1, fifo_reader, o, &f);
	info(NULL, "path=%s fifo_ino=%lu fifo_dev=%u:%u fifo_kdev=%lu writer=%d reader=%d size=%zu",
	     f.path, f.ino, f.major, f.minor, kdev(f.major, f.minor), (int)writer, (int)reader,
	     o->size);
	gate_open(o, 2);
	proc_reap_all();
	info("done", "path=%s fifo_ino=%lu writer=%d reader=%d msgs=%lu bytes=%lu", f.path, f.ino,
	     (int)writer, (int)reader, o->count, o->count * o->size);
	cleanup_run();		/* the scenario ends with the FIFO gone */
	return 0;
}

/* pipeline: stage-a | stage-b | stage-c, forked by a parent that only waits. */
struct pipeline {
	int p1[2];
	int p2[2];
	unsigned long ino1;
	unsigned long ino2;
	pid_t parent;
};

static void stage_setup(const struct pipeline *pl, const char *comm, const int *keep, int nkeep)
{
	const int *fds = &pl->p1[0];
	int i, j;

	set_comm(comm);
	for (i = 0; i < 4; i++) {
		for (j = 0; j < nkeep && keep[j] != fds[i]; j++)
			;
		if (j == nkeep)
			close_fd(fds[i]);
	}
	info(NULL, "comm=%s ppid=%d pipe1_ino=%lu pipe2_ino=%lu", comm, (int)pl->parent, pl->ino1,
	     pl->ino2);
}

static void stage_done(const struct pipeline *pl, const struct io_stat *wr,
		       const struct io_stat *rd, uint64_t t0)
{
	char sum[IO_SUMMARY_LEN];

	info("done", "%s msgs=%lu pipe1_ino=%lu pipe2_ino=%lu elapsed_ns=%llu",
	     io_summary(sum, sizeof(sum), wr, rd), wr->msgs > rd->msgs ? wr->msgs : rd->msgs,
	     pl->ino1, pl->ino2, (unsigned long long)(now_ns() - t0));
}

static int stage_a(const struct wk_opts *o, void *arg)
{
	struct pipeline *pl = arg;
	struct io_stat wr = { 0 }, rd = { 0 };
	char *buf = xmalloc(o->size);
	unsigned long i;
	uint64_t t0;
	int err;

	stage_setup(pl, "stage-a", &pl->p1[1], 1);
	gate_pass(o);
	t0 = now_ns();
	for (i = 0; i < o->count; i++) {
		msg_fill(buf, o->size, i, 0);
		err = io_put(pl->p1[1], buf, o->size, false, &wr);
		if (err)
			fail(-err, "write record %lu to pipe1", i + 1);
	}
	stage_done(pl, &wr, &rd, t0);
	free(buf);
	return 0;
}

static int stage_b(const struct wk_opts *o, void *arg)
{
	struct pipeline *pl = arg;
	int keep[2] = { pl->p1[0], pl->p2[1] }, err;
	struct io_stat wr = { 0 }, rd = { 0 };
	unsigned char *buf = xmalloc(o->size);
	unsigned long i;
	size_t j;
	uint64_t t0;

	stage_setup(pl, "stage-b", keep, 2);
	gate_pass(o);
	t0 = now_ns();
	for (i = 0; i < o->count; i++) {
		err = io_get(pl->p1[0], buf, o->size, false, &rd);
		if (err)
			fail(-err, "read record %lu from pipe1", i + 1);
		if (!msg_check(buf, o->size, i, 0))
			fail(0, "check record %lu: wrong content", i + 1);
		for (j = 0; j < o->size; j++)
			buf[j] ^= PIPELINE_KEY;
		err = io_put(pl->p2[1], buf, o->size, false, &wr);
		if (err)
			fail(-err, "write record %lu to pipe2", i + 1);
	}
	stage_done(pl, &wr, &rd, t0);
	free(buf);
	return 0;
}

static int stage_c(const struct wk_opts *o, void *arg)
{
	struct pipeline *pl = arg;
	struct io_stat wr = { 0 }, rd = { 0 };
	char *buf = xmalloc(o->size);
	unsigned long i;
	uint64_t t0;
	int err;

	stage_setup(pl, "stage-c", &pl->p2[0], 1);
	gate_pass(o);
	t0 = now_ns();
	for (i = 0; i < o->count; i++) {
		err = io_get(pl->p2[0], buf, o->size, false, &rd);
		if (err)
			fail(-err, "read record %lu from pipe2", i + 1);
		if (!msg_check(buf, o->size, i, PIPELINE_KEY))
			fail(0, "check record %lu: not transformed by stage-b", i + 1);
	}
	stage_done(pl, &wr, &rd, t0);
	free(buf);
	return 0;
}

int run_pipeline(const struct wk_opts *o)
{
	struct pipeline pl = { .parent = getpid() };
	pid_t a, b, c;
	int i;

	pl.ino1 = make_pipe(pl.p1, "pipe1");
	pl.ino2 = make_pipe(pl.p2, "pipe2");
	a = proc_spawn("stage-a", -1, stage_a, o, &pl);
	b = proc_spawn("stage-b", -1, stage_b, o, &pl);
	c = proc_spawn("stage-c", -1, stage_c, o, &pl);
	for (i = 0; i < 2; i++) {
		close_fd(pl.p1[i]);
		close_fd(pl.p2[i]);
	}
	info(NULL, "stage_a=%d stage_b=%d stage_c=%d pipe1_ino=%lu pipe2_ino=%lu size=%zu",
	     (int)a, (int)b, (int)c, pl.ino1, pl.ino2, o->size);
	gate_open(o, 3);
	proc_reap_all();
	info("done", "stage_a=%d stage_b=%d stage_c=%d pipe1_ino=%lu pipe2_ino=%lu "
	     "msgs=%lu bytes=%lu",
	     (int)a, (int)b, (int)c, pl.ino1, pl.ino2, o->count, o->count * o->size);
	return 0;
}

/* exec-pipe: the child re-executes ipcwork as `emit`, its stdout on the pipe. */
struct exec_pipe {
	int p[2];
	unsigned long ino;
};

static void keep_across_exec(int fd)
{
	if (fd > STDERR_FILENO && fcntl(fd, F_SETFD, 0))
		fail(errno, "clear FD_CLOEXEC on fd %d", fd);
}

static int exec_child(const struct wk_opts *o, void *arg)
{
	struct exec_pipe *ep = arg;
	char size[24], info_fd[16], gfd[16], timeout[16], bytes[24];
	char *argv[] = { "ipcwork", "--label", "exec-pipe", "-s", size, "--info-fd", info_fd,
			 "--gate-fd", gfd, "--timeout", timeout, "emit", bytes, NULL };

	if (dup2(ep->p[1], STDOUT_FILENO) < 0)
		fail(errno, "dup2 the pipe onto stdout");
	/* the read end goes as closefrom() and Python's subprocess close fds */
	if (close_range(ep->p[0], ep->p[0], 0))
		fail(errno, "close_range the read end (fd %d)", ep->p[0]);
	/* the write end's original is left for exec to close */
	if (fcntl(ep->p[1], F_SETFD, FD_CLOEXEC))
		fail(errno, "set FD_CLOEXEC on fd %d", ep->p[1]);
	keep_across_exec(o->info_fd);
	keep_across_exec(gate_fd());
	snprintf(size, sizeof(size), "%zu", o->size);
	snprintf(info_fd, sizeof(info_fd), "%d", o->info_fd);
	snprintf(gfd, sizeof(gfd), "%d", gate_fd());
	snprintf(timeout, sizeof(timeout), "%u", o->timeout_s);
	snprintf(bytes, sizeof(bytes), "%lu", o->count);
	execv("/proc/self/exe", argv);
	fail(errno, "exec /proc/self/exe");
}

/* Reads to EOF with SIZE-byte reads, checking the stream emit writes. */
static void drain_stream(int fd, size_t size, struct io_stat *rd)
{
	unsigned char *buf = xmalloc(size);
	ssize_t n, i;

	for (;;) {
		n = io_get_some(fd, buf, size, rd);
		if (n < 0)
			fail(-n, "read the pipe");
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			if (buf[i] != (rd->bytes - n + i) % STREAM_MOD)
				fail(0, "check byte %lu: wrong content", rd->bytes - n + i);
	}
	free(buf);
}

int run_exec_pipe(const struct wk_opts *o)
{
	struct exec_pipe ep;
	struct io_stat rd = { 0 }, none = { 0 };
	char sum[IO_SUMMARY_LEN];
	uint64_t t0;
	pid_t child;

	ep.ino = make_pipe(ep.p, "the pipe");
	child = proc_spawn("emitter", -1, exec_child, o, &ep);
	close_fd(ep.p[1]);	/* else no EOF once the emitter is gone */
	info(NULL, "child=%d pipe_ino=%lu bytes=%lu size=%zu", (int)child, ep.ino, o->count,
	     o->size);
	t0 = gate_open(o, 1);
	drain_stream(ep.p[0], o->size, &rd);
	proc_reap_all();
	if (rd.bytes != o->count)
		fail(0, "read %lu bytes: got %lu", o->count, rd.bytes);
	info("done", "%s eof_reads=1 child=%d pipe_ino=%lu elapsed_ns=%llu",
	     io_summary(sum, sizeof(sum), &none, &rd), (int)child, ep.ino,
	     (unsigned long long)(now_ns() - t0));
	return 0;
}

/* emit: BYTES bytes to stdout in SIZE-byte writes, as a shell command would. */
int run_emit(const struct wk_opts *o)
{
	struct io_stat wr = { 0 }, none = { 0 };
	unsigned char *buf = xmalloc(o->size);
	unsigned long off = 0;
	char sum[IO_SUMMARY_LEN];
	size_t len, i;
	int err;

	self_role("emitter", -1);
	set_comm("emitter");
	info(NULL, "comm=emitter ppid=%d stdout_ino=%lu bytes=%lu size=%zu", (int)getppid(),
	     fd_ino(STDOUT_FILENO), o->count, o->size);
	if (o->gate_fd >= 0)
		gate_pass(o);
	else
		gate_open(o, 0);
	while (off < o->count) {
		len = o->count - off < o->size ? o->count - off : o->size;
		for (i = 0; i < len; i++)
			buf[i] = (off + i) % STREAM_MOD;
		err = io_put(STDOUT_FILENO, buf, len, false, &wr);
		if (err)
			fail(-err, "write %zu bytes to stdout", len);
		off += len;
	}
	info("done", "%s stdout_ino=%lu", io_summary(sum, sizeof(sum), &wr, &none),
	     fd_ino(STDOUT_FILENO));
	free(buf);
	return 0;
}

/*
 * fork-storm: COUNT short-lived children, one after the other, each writes
 * one SIZE-byte message into a pipe the parent reads, then exits (as a
 * shell loop spawning commands does, without the exec).
 */
int run_fork_storm(const struct wk_opts *o)
{
	struct io_stat rd = { 0 }, none = { 0 };
	unsigned char *buf = xmalloc(o->size);
	char sum[IO_SUMMARY_LEN];
	unsigned long ino;
	uint64_t t0;
	int p[2], err;

	ino = make_pipe(p, "the pipe");
	info(NULL, "pipe_ino=%lu children=%lu size=%zu", ino, o->count, o->size);
	t0 = gate_open(o, 0);
	for (unsigned long i = 0; i < o->count; i++) {
		pid_t child = fork();

		if (child < 0)
			fail(errno, "fork child %lu", i);
		if (child == 0) {
			msg_fill(buf, o->size, i, 0);
			_exit(io_put(p[1], buf, o->size, false, &rd) ? 1 : 0);
		}
		err = io_get(p[0], buf, o->size, false, &rd);
		if (err)
			fail(-err, "read the message of child %lu", i);
		if (proc_reap(child))
			fail(0, "child %lu failed", i);
	}
	info("done", "%s children=%lu pipe_ino=%lu elapsed_ns=%llu",
	     io_summary(sum, sizeof(sum), &none, &rd), o->count, ino,
	     (unsigned long long)(now_ns() - t0));
	free(buf);
	return 0;
}
