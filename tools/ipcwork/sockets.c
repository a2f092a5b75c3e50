// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Socket scenarios: socketpair-pingpong, unix-server, tcp-pingpong.
 *
 * --send switches every data call from write/read to send/recv (glibc makes
 * them sendto/recvfrom syscalls).  A message of up to about 100 KB travels as
 * one skb on AF_UNIX and one segment on loopback TCP, so with one message in
 * flight each is one write and one read; short_reads counts any exception.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ipcwork.h"
#include "pingpong.h"

static const char *api_name(const struct wk_opts *o)
{
	return o->use_send ? "send" : "write";
}

static void pp_done(const struct wk_opts *o, const struct pp_result *r, const char *extra)
{
	char sum[IO_SUMMARY_LEN];

	info("done", "%s msgs=%lu api=%s %s elapsed_ns=%llu",
	     io_summary(sum, sizeof(sum), &r->wr, &r->rd), r->wr.msgs, api_name(o), extra,
	     (unsigned long long)r->elapsed_ns);
}

/* socketpair-pingpong: the parent keeps sv[0], the child sv[1]. */
struct sp_ctx {
	int sv[2];
	unsigned long ino[2];
	pid_t parent;
};

static int sp_child(const struct wk_opts *o, void *arg)
{
	struct sp_ctx *sp = arg;
	struct pp_end e = { .wfd = sp->sv[1], .rfd = sp->sv[1], .sock = o->use_send,
			    .msgs = o->count };
	struct pp_result r = { 0 };
	char extra[128];

	close(sp->sv[0]);
	snprintf(extra, sizeof(extra), "sock_ino=%lu peer_ino=%lu parent=%d", sp->ino[1],
		 sp->ino[0], (int)sp->parent);
	info(NULL, "%s api=%s", extra, api_name(o));
	gate_pass(o);
	pingpong(o, &e, &r);
	pp_done(o, &r, extra);
	return 0;
}

int run_socketpair_pingpong(const struct wk_opts *o)
{
	struct sp_ctx sp = { .parent = getpid() };
	struct pp_end e = { .sock = o->use_send, .initiator = true, .msgs = o->count };
	struct pp_result r = { 0 };
	char extra[128];
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp.sv))
		fail(errno, "create a unix socketpair");
	sp.ino[0] = fd_ino(sp.sv[0]);
	sp.ino[1] = fd_ino(sp.sv[1]);
	child = proc_spawn("child", -1, sp_child, o, &sp);
	close(sp.sv[1]);
	e.wfd = e.rfd = sp.sv[0];
	snprintf(extra, sizeof(extra), "sock_ino=%lu peer_ino=%lu child=%d", sp.ino[0], sp.ino[1],
		 (int)child);
	info(NULL, "%s api=%s size=%zu", extra, api_name(o), o->size);
	gate_open(o, 1);
	pingpong(o, &e, &r);
	proc_reap_all();
	pp_done(o, &r, extra);
	return 0;
}

/*
 * unix-server: one server process serves N client processes with poll(2)
 * in a single thread.  Client i sends COUNT*(i+1) requests and reads a reply
 * to each; the server knows the number, so it reads no EOF: a client's
 * close shows as POLLHUP once its last reply has gone.
 */
struct us_ctx {
	char dir[PATH_MAX];
	struct sockaddr_un addr;
	socklen_t addrlen;
	char shown[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];	/* '@' for abstract */
	unsigned long listen_ino;
};

struct us_conn {
	int fd;
	pid_t pid;
	unsigned long ino;
	unsigned long expect;
	struct io_stat rd;
	struct io_stat wr;
};

static unsigned long client_msgs(const struct wk_opts *o, int idx)
{
	return o->count * (idx + 1);
}

struct us_client_arg {
	const struct us_ctx *us;
	int idx;
};

static int us_client(const struct wk_opts *o, void *arg)
{
	const struct us_client_arg *ca = arg;
	const struct us_ctx *us = ca->us;
	struct pp_end e = { .sock = o->use_send, .initiator = true };
	struct pp_result r = { 0 };
	char extra[160];
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail(errno, "create a unix socket");
	if (connect(fd, (const struct sockaddr *)&us->addr, us->addrlen))
		fail(errno, "connect to %s", us->shown);
	e.wfd = e.rfd = fd;
	e.msgs = client_msgs(o, ca->idx);
	snprintf(extra, sizeof(extra), "sock_ino=%lu path=%s server=%d", fd_ino(fd), us->shown,
		 (int)getppid());
	info(NULL, "%s api=%s msgs_planned=%lu", extra, api_name(o), e.msgs);
	gate_pass(o);
	pingpong(o, &e, &r);
	pp_done(o, &r, extra);
	return 0;
}

static int us_listen(const struct wk_opts *o, struct us_ctx *us)
{
	size_t max = sizeof(us->addr.sun_path);
	int fd, err;

	us->addr.sun_family = AF_UNIX;
	if (o->abstract) {
		/* Abstract names start with a NUL byte and have no file to remove. */
		snprintf(us->addr.sun_path + 1, max - 1, "ipcwork-%d", (int)getpid());
		snprintf(us->shown, sizeof(us->shown), "@%s", us->addr.sun_path + 1);
		us->addrlen = offsetof(struct sockaddr_un, sun_path) + 1 +
			      strlen(us->addr.sun_path + 1);
	} else {
		err = make_tmpdir(us->dir, sizeof(us->dir));
		if (err)
			fail(-err, "create a temp dir");
		if ((size_t)snprintf(us->addr.sun_path, max, "%s/server.sock", us->dir) >= max)
			fail(ENAMETOOLONG, "name the socket in %s", us->dir);
		snprintf(us->shown, sizeof(us->shown), "%s", us->addr.sun_path);
		us->addrlen = sizeof(us->addr);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail(errno, "create the listening socket");
	if (bind(fd, (struct sockaddr *)&us->addr, us->addrlen))
		fail(errno, "bind %s", us->shown);
	if (!o->abstract)
		cleanup_add(WK_CL_UNLINK, us->addr.sun_path, 0);
	if (listen(fd, o->clients))
		fail(errno, "listen on %s", us->shown);
	us->listen_ino = fd_ino(fd);
	return fd;
}

/* Accepts every client and files each connection under its index, found by SO_PEERCRED. */
static void us_accept_all(const struct wk_opts *o, int lfd, const pid_t *pids,
			  struct us_conn *conns)
{
	struct ucred cred;
	socklen_t len;
	unsigned int n, i;
	int fd;

	for (n = 0; n < o->clients; n++) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			fail(errno, "accept client %u of %u", n + 1, o->clients);
		len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
			fail(errno, "get SO_PEERCRED");
		for (i = 0; i < o->clients && pids[i] != cred.pid; i++)
			;
		if (i == o->clients || conns[i].fd >= 0)
			fail(0, "match connection from pid %d to a client", (int)cred.pid);
		conns[i].fd = fd;
		conns[i].pid = cred.pid;
		conns[i].ino = fd_ino(fd);
		conns[i].expect = client_msgs(o, i);
		info("accepted", "client=%u client_pid=%d conn_ino=%lu", i, (int)cred.pid,
		     conns[i].ino);
	}
}

/* Serves one ready connection; returns true once the client has closed it. */
static bool us_serve_one(const struct wk_opts *o, struct us_conn *c, short revents, char *buf)
{
	int err;

	if (c->rd.msgs == c->expect) {
		/* Everything answered: the client's close is all that may come. */
		if (!(revents & POLLHUP))
			fail(0, "serve pid %d: more than %lu requests", (int)c->pid, c->expect);
		close(c->fd);
		return true;
	}
	if (!(revents & POLLIN))
		fail(0, "serve pid %d: hung up after %lu of %lu requests", (int)c->pid, c->rd.msgs,
		     c->expect);
	err = io_get(c->fd, buf, o->size, o->use_send, &c->rd);
	if (err)
		fail(-err, "read a request from pid %d", (int)c->pid);
	err = io_put(c->fd, buf, o->size, o->use_send, &c->wr);
	if (err)
		fail(-err, "reply to pid %d", (int)c->pid);
	return false;
}

static void us_serve(const struct wk_opts *o, struct us_conn *conns)
{
	struct pollfd *pfd = xmalloc(o->clients * sizeof(*pfd));
	char *buf = xmalloc(o->size);
	unsigned int i, open = o->clients;
	int n;

	for (i = 0; i < o->clients; i++)
		pfd[i] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
	while (open) {
		n = poll(pfd, o->clients, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail(errno, "poll the connections");
		for (i = 0; i < o->clients; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (us_serve_one(o, &conns[i], pfd[i].revents, buf)) {
				pfd[i].fd = -1;
				open--;
			}
		}
	}
	free(buf);
	free(pfd);
}

static void us_report(const struct wk_opts *o, const struct us_ctx *us,
		      const struct us_conn *conns, uint64_t elapsed)
{
	struct io_stat rd = { 0 }, wr = { 0 };
	char sum[IO_SUMMARY_LEN];
	unsigned int i;

	for (i = 0; i < o->clients; i++) {
		const struct us_conn *c = &conns[i];

		info("served", "client=%u client_pid=%d conn_ino=%lu msgs=%lu %s", i, (int)c->pid,
		     c->ino, c->rd.msgs, io_summary(sum, sizeof(sum), &c->wr, &c->rd));
		rd.calls += c->rd.calls;
		rd.bytes += c->rd.bytes;
		rd.partial += c->rd.partial;
		rd.msgs += c->rd.msgs;
		wr.calls += c->wr.calls;
		wr.bytes += c->wr.bytes;
		wr.partial += c->wr.partial;
	}
	info("done", "%s msgs=%lu clients=%u path=%s listen_ino=%lu api=%s mode=poll "
	     "elapsed_ns=%llu",
	     io_summary(sum, sizeof(sum), &wr, &rd), rd.msgs, o->clients, us->shown,
	     us->listen_ino, api_name(o), (unsigned long long)elapsed);
}

int run_unix_server(const struct wk_opts *o)
{
	struct us_ctx us = { 0 };
	struct us_client_arg *args = xmalloc(o->clients * sizeof(*args));
	struct us_conn *conns = xmalloc(o->clients * sizeof(*conns));
	pid_t *pids = xmalloc(o->clients * sizeof(*pids));
	unsigned int i;
	uint64_t t0;
	int lfd;

	self_role("server", -1);
	lfd = us_listen(o, &us);
	info(NULL, "path=%s listen_ino=%lu clients=%u api=%s mode=poll size=%zu", us.shown,
	     us.listen_ino, o->clients, api_name(o), o->size);
	for (i = 0; i < o->clients; i++) {
		args[i] = (struct us_client_arg){ .us = &us, .idx = i };
		conns[i].fd = -1;
		pids[i] = proc_spawn("client", i, us_client, o, &args[i]);
	}
	us_accept_all(o, lfd, pids, conns);
	t0 = gate_open(o, o->clients);
	us_serve(o, conns);
	proc_reap_all();
	us_report(o, &us, conns, now_ns() - t0);
	close(lfd);
	cleanup_run();		/* the socket path goes with the server */
	free(pids);
	free(conns);
	free(args);
	return 0;
}

/* tcp-pingpong over 127.0.0.1: the parent serves, the child connects and sends first. */
struct tcp_ctx {
	unsigned short port;
	unsigned long listen_ino;
};

static void set_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		fail(errno, "set TCP_NODELAY");
}

static unsigned short local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len))
		fail(errno, "get the local address");
	return ntohs(sin.sin_port);
}

static int tcp_client(const struct wk_opts *o, void *arg)
{
	const struct tcp_ctx *tc = arg;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(tc->port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct pp_end e = { .sock = o->use_send, .initiator = true, .msgs = o->count };
	struct pp_result r = { 0 };
	char extra[160];
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail(errno, "create a TCP socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		fail(errno, "connect to 127.0.0.1:%u", tc->port);
	set_nodelay(fd);
	e.wfd = e.rfd = fd;
	snprintf(extra, sizeof(extra), "sock_ino=%lu port=%u client_port=%u server=%d",
		 fd_ino(fd), tc->port, local_port(fd), (int)getppid());
	info(NULL, "%s addr=127.0.0.1 api=%s", extra, api_name(o));
	gate_pass(o);
	pingpong(o, &e, &r);
	pp_done(o, &r, extra);
	return 0;
}

static int tcp_listen(struct tcp_ctx *tc)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail(errno, "create the listening TCP socket");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		fail(errno, "bind 127.0.0.1:0");
	if (listen(fd, 1))
		fail(errno, "listen on TCP");
	tc->port = local_port(fd);
	tc->listen_ino = fd_ino(fd);
	return fd;
}

int run_tcp_pingpong(const struct wk_opts *o)
{
	struct tcp_ctx tc;
	struct pp_end e = { .sock = o->use_send, .msgs = o->count };
	struct pp_result r = { 0 };
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	char extra[160];
	int lfd, fd;
	pid_t child;

	self_role("server", -1);
	lfd = tcp_listen(&tc);
	info(NULL, "addr=127.0.0.1 port=%u listen_ino=%lu api=%s size=%zu", tc.port, tc.listen_ino,
	     api_name(o), o->size);
	child = proc_spawn("client", -1, tcp_client, o, &tc);
	fd = accept4(lfd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
	if (fd < 0)
		fail(errno, "accept the client");
	set_nodelay(fd);
	e.wfd = e.rfd = fd;
	snprintf(extra, sizeof(extra), "conn_ino=%lu port=%u client_port=%u listen_ino=%lu "
		 "client=%d",
		 fd_ino(fd), tc.port, ntohs(peer.sin_port), tc.listen_ino, (int)child);
	info("accepted", "%s", extra);
	gate_open(o, 1);
	pingpong(o, &e, &r);
	proc_reap_all();
	pp_done(o, &r, extra);
	close(fd);
	close(lfd);
	return 0;
}
