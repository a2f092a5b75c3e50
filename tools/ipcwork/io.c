// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Counted I/O, message patterns and time.
 *
 * The tests compare syscall counts with what the tracer saw, so every
 * read/write/send/recv is counted where it is made, retries included, and a
 * short transfer is counted too instead of being hidden by the loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipcwork.h"

/* One write(2)/send(2) per message unless the kernel takes less (then loop). */
int io_put(int fd, const void *buf, size_t len, bool sock, struct io_stat *st)
{
	const char *p = buf;
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = sock ? send(fd, p + off, len - off, 0) : write(fd, p + off, len - off);
		st->calls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)n < len - off)
			st->partial++;
		off += n;
		st->bytes += n;
	}
	st->msgs++;
	return 0;
}

/* Reads exactly len bytes; -EPIPE if the peer closed before the message was whole. */
int io_get(int fd, void *buf, size_t len, bool sock, struct io_stat *st)
{
	char *p = buf;
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = sock ? recv(fd, p + off, len - off, 0) : read(fd, p + off, len - off);
		st->calls++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		if ((size_t)n < len - off)
			st->partial++;
		off += n;
		st->bytes += n;
	}
	st->msgs++;
	return 0;
}

/* One read(2) (EINTR retried): returns the bytes read, 0 at EOF, or -errno. */
ssize_t io_get_some(int fd, void *buf, size_t len, struct io_stat *st)
{
	ssize_t n;

	do {
		n = read(fd, buf, len);
		st->calls++;
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n > 0 && (size_t)n < len)
		st->partial++;
	st->bytes += n;
	return n;
}

void *xmalloc(size_t len)
{
	void *p = calloc(1, len ? len : 1);

	if (!p)
		fail(ENOMEM, "allocate %zu bytes", len);
	return p;
}

/* Message seq carries a pattern of its own, so a lost or reordered message shows. */
void msg_fill(void *buf, size_t len, unsigned long seq, unsigned char key)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(seq * 131 + i) ^ key;
}

bool msg_check(const void *buf, size_t len, unsigned long seq, unsigned char key)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ((unsigned char)(seq * 131 + i) ^ key))
			return false;
	return true;
}

unsigned long fd_ino(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		fail(errno, "fstat fd %d", fd);
	return st.st_ino;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

void sleep_until_ns(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = deadline / NSEC_PER_SEC,
		.tv_nsec = deadline % NSEC_PER_SEC,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

void sleep_ns(uint64_t ns)
{
	sleep_until_ns(now_ns() + ns);
}

/* Busy hold inside a lock: the vDSO clock makes no syscall that would show in a trace. */
void spin_us(unsigned long us)
{
	uint64_t end = now_ns() + us * NSEC_PER_USEC;

	while (now_ns() < end)
		;
}
