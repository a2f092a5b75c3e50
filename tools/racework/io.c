// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework pipe scenarios: writers whose messages are not atomic, readers
 * that split one byte stream, writes after the reader left; and their
 * correct variants.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "racework.h"

#define BIG_MSG		16384	/* > PIPE_BUF: a write the kernel may split */
#define SMALL_MSG	512	/* <= PIPE_BUF: atomic */

static unsigned long pipe_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long)st.st_ino;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t k = write(fd, buf, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Two writers, count messages of size bytes each, one reader: the parent. */
static int writers_run(const struct rw_opts *o, size_t size)
{
	const char *s = o->scenario;
	static char buf[BIG_MSG], in[65536];
	unsigned long total = 0;
	pid_t w[2];
	int p[2];

	if (pipe(p))
		rw_fail(s, "create a pipe");
	for (int i = 0; i < 2; i++) {
		w[i] = fork();
		if (w[i] < 0)
			rw_fail(s, "fork");
		if (w[i] == 0) {
			close(p[0]);
			memset(buf, 'a' + i, size);
			for (unsigned int k = 0; k < o->count; k++)
				if (write_all(p[1], buf, size))
					rw_fail(s, "write");
			rw_info(s, "writer", "done writes=%u size=%zu pipe_ino=%lu", o->count, size,
				pipe_ino(p[1]));
			_exit(0);
		}
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], in, sizeof(in));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (unsigned long)n;
	}
	rw_reap(w[0]);
	rw_reap(w[1]);
	rw_info(s, "reader", "done bytes=%lu pipe_ino=%lu writer0=%d writer1=%d", total,
		pipe_ino(p[0]), w[0], w[1]);
	return 0;
}

int rw_interleave(const struct rw_opts *o)
{
	return writers_run(o, BIG_MSG);
}

int rw_interleave_ok(const struct rw_opts *o)
{
	return writers_run(o, SMALL_MSG);
}

/*
 * count messages of 100 bytes in a pipe, two readers taking turns (a token
 * passed through two more pipes), each read asking for `ask` bytes.
 */
static int readers_run(const struct rw_opts *o, size_t ask)
{
	const char *s = o->scenario;
	size_t total = (size_t)o->count * 100, nreads = total / ask;
	int data[2], tok[2][2];
	unsigned int splits = 0;
	char msg[100];
	pid_t r[2];

	if (total % (2 * ask))
		rw_fail(s, "take a COUNT that splits evenly (a multiple of 5)");
	if (pipe(data) || pipe(tok[0]) || pipe(tok[1]))
		rw_fail(s, "create pipes");
	memset(msg, 'm', sizeof(msg));
	for (unsigned int i = 0; i < o->count; i++)
		if (write_all(data[1], msg, sizeof(msg)))
			rw_fail(s, "write");
	close(data[1]);
	for (int i = 0; i < 2; i++) {
		r[i] = fork();
		if (r[i] < 0)
			rw_fail(s, "fork");
		if (r[i] == 0) {
			char buf[256], t;
			unsigned long bytes = 0;
			unsigned int reads = 0;

			for (size_t k = 0; k < nreads / 2; k++) {
				ssize_t n;

				if (read(tok[i][0], &t, 1) != 1)
					rw_fail(s, "take the token");
				n = read(data[0], buf, ask);
				if (n <= 0)
					rw_fail(s, "read");
				bytes += (unsigned long)n;
				reads++;
				if (write(tok[!i][1], "t", 1) != 1)
					rw_fail(s, "pass the token");
			}
			rw_info(s, "reader", "done idx=%d reads=%u bytes=%lu ask=%zu pipe_ino=%lu",
				i, reads, bytes, ask, pipe_ino(data[0]));
			_exit(0);
		}
	}
	if (write(tok[0][1], "t", 1) != 1)
		rw_fail(s, "start the readers");
	rw_reap(r[0]);
	rw_reap(r[1]);
	/* the reads take turns: each that stops inside a message leaves its rest to the other */
	for (size_t k = 1; k < nreads; k++)
		splits += (k * ask) % sizeof(msg) != 0;
	rw_info(s, "writer", "done writes=%u size=100 pipe_ino=%lu reader0=%d reader1=%d "
		"splits=%u", o->count, pipe_ino(data[0]), r[0], r[1], splits);
	return 0;
}

int rw_split(const struct rw_opts *o)
{
	return readers_run(o, 250);
}

int rw_split_ok(const struct rw_opts *o)
{
	return readers_run(o, 100);
}

/*
 * The reader takes one message and closes its end; the writer writes on:
 * EPIPE each time (SIGPIPE ignored, so that it lives to say so).
 */
int rw_epipe(const struct rw_opts *o)
{
	const char *s = o->scenario;
	char msg[64], c;
	unsigned int epipes = 0;
	int p[2], sync[2];
	pid_t r;

	memset(msg, 'e', sizeof(msg));
	if (pipe(p) || pipe(sync))
		rw_fail(s, "create pipes");
	signal(SIGPIPE, SIG_IGN);
	r = fork();
	if (r < 0)
		rw_fail(s, "fork");
	if (r == 0) {
		unsigned long ino = pipe_ino(p[0]);

		close(p[1]);
		if (read(p[0], msg, sizeof(msg)) != sizeof(msg))
			rw_fail(s, "read");
		close(p[0]);
		rw_info(s, "reader", "closed pipe_ino=%lu", ino);
		if (write(sync[1], "c", 1) != 1)
			rw_fail(s, "say closed");
		rw_sleep_ms(50);
		_exit(0);
	}
	close(p[0]);
	if (write_all(p[1], msg, sizeof(msg)) || read(sync[0], &c, 1) != 1)
		rw_fail(s, "write the first message");
	for (unsigned int i = 0; i < o->count; i++)
		if (write(p[1], msg, sizeof(msg)) < 0 && errno == EPIPE)
			epipes++;
	rw_reap(r);
	rw_info(s, "writer", "done epipes=%u reader=%d pipe_ino=%lu", epipes, r, pipe_ino(p[1]));
	return epipes == o->count ? 0 : 1;
}

/* The writer finishes and closes; the reader reads to EOF. */
int rw_epipe_ok(const struct rw_opts *o)
{
	const char *s = o->scenario;
	char msg[64];
	int p[2];
	pid_t r;

	memset(msg, 'e', sizeof(msg));
	if (pipe(p))
		rw_fail(s, "create a pipe");
	r = fork();
	if (r < 0)
		rw_fail(s, "fork");
	if (r == 0) {
		unsigned int msgs = 0;

		close(p[1]);
		while (read(p[0], msg, sizeof(msg)) == sizeof(msg))
			msgs++;
		rw_info(s, "reader", "done msgs=%u", msgs);
		_exit(0);
	}
	close(p[0]);
	for (unsigned int i = 0; i <= o->count; i++)
		if (write_all(p[1], msg, sizeof(msg)))
			rw_fail(s, "write");
	close(p[1]);
	rw_reap(r);
	rw_info(s, "writer", "done writes=%u reader=%d", o->count + 1, r);
	return 0;
}
