// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for the start-of-trace snapshot and sock_diag: the test
 * process builds real pipes and sockets (a socketpair, a loopback TCP
 * connection), forks a child holding the other ends, and checks what
 * sock_diag says and which records the snapshot makes.  No root needed:
 * sock_diag and /proc/PID/fd of one's own children are open to the user.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "ipctrace_abi.h"
#include "run/launch.h"
#include "source/snapshot.h"
#include "source/sockdiag.h"

static uint64_t ino_of(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return st.st_ino;
}

/* A connected loopback TCP pair: c (client), a (accepted). */
static void tcp_pair(int *c, int *a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(l >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sin, &len), 0);
	*c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(*c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	*a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*a >= 0);
	close(l);
}

static void test_sockdiag_unix_and_tcp(void **state)
{
	const struct sockdiag_sock *s, *p;
	struct sockdiag *d;
	struct ipc_obj o;
	int sv[2], c, a;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	tcp_pair(&c, &a);
	d = sockdiag__new();
	if (!d && (errno == EPROTONOSUPPORT || errno == EACCES))
		skip();
	assert_non_null(d);
	assert_true(sockdiag__count(d) >= 4);
	s = sockdiag__find(d, ino_of(sv[0]));
	assert_non_null(s);
	assert_int_equal(s->family, AF_UNIX);
	assert_int_equal(s->type, SOCK_STREAM);
	assert_int_equal(s->peer_ino, ino_of(sv[1]));
	sockdiag__to_obj(s, 8, &o);
	assert_int_equal(o.kind, IPC_OBJ_UNIX);
	assert_int_equal(o.peer_ino, ino_of(sv[1]));
	/* the two ends of a loopback connection find each other */
	s = sockdiag__find(d, ino_of(c));
	assert_non_null(s);
	assert_int_equal(s->proto, IPPROTO_TCP);
	p = sockdiag__inet_peer(d, s);
	assert_non_null(p);
	assert_int_equal(p->ino, ino_of(a));
	assert_int_equal(p->lport, s->rport);
	assert_int_equal(p->rport, s->lport);
	sockdiag__to_obj(s, 8, &o);
	assert_int_equal(o.kind, IPC_OBJ_TCP);
	assert_int_equal(o.laddr[0], 127);
	assert_null(sockdiag__find(d, 1));
	sockdiag__free(d);
	close(sv[0]);
	close(sv[1]);
	close(c);
	close(a);
}

struct seen {
	struct ipc_rec_fdsnap snaps[64];
	int nsnaps;
	uint32_t tasks[16];
	int ntasks;
};

static int collect(void *ctx, const void *rec, size_t len)
{
	const struct ipc_hdr *h = rec;
	struct seen *s = ctx;

	if (h->type == IPC_REC_FDSNAP && s->nsnaps < 64) {
		assert_int_equal(len, sizeof(struct ipc_rec_fdsnap));
		memcpy(&s->snaps[s->nsnaps++], rec, len);
	} else if (h->type == IPC_REC_TASK && h->pid == h->tid && s->ntasks < 16) {
		s->tasks[s->ntasks++] = h->pid;
	}
	return 0;
}

static const struct ipc_rec_fdsnap *snap_of(const struct seen *s, uint32_t pid, int fd)
{
	for (int i = 0; i < s->nsnaps; i++)
		if (s->snaps[i].hdr.pid == pid && s->snaps[i].fd == fd)
			return &s->snaps[i];
	return NULL;
}

static int count_of(const struct seen *s, uint32_t pid)
{
	int n = 0;

	for (int i = 0; i < s->nsnaps; i++)
		n += s->snaps[i].hdr.pid == pid;
	return n;
}

/* The target's pipe and socket ends, and the child at the other ends. */
static void test_snapshot_finds_peers(void **state)
{
	struct snapshot_opts o = { .peers = true };
	const struct ipc_rec_fdsnap *r;
	struct snapshot_stats st;
	static struct seen s;
	int p[2], sv[2], c, a;
	uint32_t self = getpid();
	pid_t child;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	tcp_pair(&c, &a);
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		int keep[] = { p[0], sv[1], a }, null = open("/dev/null", O_RDWR);

		/* nothing but the three ends: not even the test's stdio pipes */
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != keep[0] && fd != keep[1] && fd != keep[2])
				close(fd);
		pause();
		_exit(0);
	}
	close(p[0]);
	close(sv[1]);
	close(a);
	usleep(100000);		/* the child has closed what it does not keep */
	assert_int_equal(snapshot__targets(&self, 1, &o, collect, &s, &st), 0);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/*
	 * The test's own stdio may be pipes or sockets too (or not, under CI):
	 * the three ends are a floor, and every target fd counted was emitted.
	 * Others may share those stdio pipes: only the child is checked exactly.
	 */
	assert_true(st.fds >= 3);
	assert_int_equal(st.fds, count_of(&s, self));
	assert_true(st.peers >= 1);
	assert_int_equal(s.tasks[0], self);
	assert_int_equal(count_of(&s, child), 3);
	r = snap_of(&s, self, p[1]);
	assert_non_null(r);
	assert_int_equal(r->obj.kind, IPC_OBJ_PIPE);
	assert_int_equal(r->fd_flags & O_ACCMODE, O_WRONLY);
	r = snap_of(&s, child, p[0]);
	assert_non_null(r);
	assert_int_equal(r->obj.ino, snap_of(&s, self, p[1])->obj.ino);
	assert_int_equal(r->fd_flags & O_ACCMODE, O_RDONLY);
	r = snap_of(&s, child, sv[1]);
	assert_non_null(r);
	assert_int_equal(r->obj.kind, IPC_OBJ_UNIX);
	assert_int_equal(r->obj.peer_ino, snap_of(&s, self, sv[0])->obj.ino);
	r = snap_of(&s, child, a);
	assert_non_null(r);
	assert_int_equal(r->obj.kind, IPC_OBJ_TCP);
	assert_int_equal(r->obj.rport, snap_of(&s, self, c)->obj.lport);
	close(p[1]);
	close(sv[0]);
	close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockdiag_unix_and_tcp),
		cmocka_unit_test(test_snapshot_finds_peers),
	};

	/* a harness may start this with stdio closed: keep pipes off 0..2 */
	launch__reserve_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
