// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for the IPC graph: synthetic record streams pushed through a
 * collector, checked for the exact nodes, edges, counters and holds; then
 * the exports (DOT, JSON, collapsed), the live view section and aging.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <linux/close_range.h>

#include "analysis/graph_int.h"
#include "ipctrace_abi.h"
#include "lib/json.h"
#include "model/collector.h"

#define PIPEFS_DEV 13
#define SOCKFS_DEV 8
#define MQ_DEV 20

struct fx {
	struct collector *c;
	struct graph *g;
	uint64_t ts;		/* advancing clock for the records */
};

static struct fx *fx_new(bool threads, uint32_t max_ended)
{
	static struct fx f;
	struct graph_opts o = { .threads = threads, .max_ended = max_ended };

	memset(&f, 0, sizeof(f));
	f.c = collector__new();
	assert_non_null(f.c);
	f.g = graph__new(f.c, &o);
	assert_non_null(f.g);
	assert_int_equal(collector__add_sink(f.c, graph__sink(f.g)), 0);
	f.ts = 1000;
	return &f;
}

static int setup(void **state)
{
	*state = fx_new(false, 0);
	return 0;
}

static int setup_threads(void **state)
{
	*state = fx_new(true, 0);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	collector__free(f->c);	/* frees the graph sink */
	return 0;
}

/* Records */

static void hdr(struct fx *f, struct ipc_hdr *h, uint16_t type, uint16_t op, uint32_t pid,
		uint32_t tid, const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->pid = pid;
	h->tid = tid ? tid : pid;
	h->ts_ns = f->ts += 100;
	h->stack_id = -1;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
}

static void push(struct fx *f, const void *rec, size_t len)
{
	assert_int_equal(collector__push(f->c, rec, len), 0);
	assert_int_equal(collector__stats(f->c)->bad, 0);
}

static struct ipc_obj pipe_obj(uint64_t ino)
{
	return (struct ipc_obj){ .kind = IPC_OBJ_PIPE, .dev = PIPEFS_DEV, .ino = ino };
}

static struct ipc_obj unix_obj(uint64_t ino, uint64_t peer)
{
	return (struct ipc_obj){ .kind = IPC_OBJ_UNIX, .family = AF_UNIX, .sock_type = SOCK_STREAM,
				 .dev = SOCKFS_DEV, .ino = ino, .peer_ino = peer };
}

static struct ipc_obj tcp_obj(uint64_t ino, uint16_t lport, uint16_t rport)
{
	struct ipc_obj o = { .kind = IPC_OBJ_TCP, .family = AF_INET, .sock_type = SOCK_STREAM,
			     .dev = SOCKFS_DEV, .ino = ino, .lport = lport, .rport = rport };
	uint8_t lo[4] = { 127, 0, 0, 1 };

	memcpy(o.laddr, lo, 4);
	if (rport)
		memcpy(o.raddr, lo, 4);
	return o;
}

/* A read or write (op) of n bytes on fd. */
static void io(struct fx *f, uint32_t pid, const char *comm, uint16_t op, struct ipc_obj o, int fd,
	       int64_t n)
{
	struct ipc_ev_io e;

	hdr(f, &e.hdr, IPC_REC_IO, op, pid, 0, comm);
	memset(&e.obj, 0, sizeof(e) - sizeof(e.hdr));
	e.hdr.ret = n;
	e.obj = o;
	e.fd = fd;
	e.bytes = n > 0 ? n : 0;
	e.msgs = n >= 0;
	push(f, &e, sizeof(e));
}

static void fdrec(struct fx *f, uint32_t pid, const char *comm, uint16_t op, struct ipc_obj o,
		  struct ipc_obj o2, int fd, int fd2, uint32_t arg)
{
	struct ipc_ev_fd e;

	hdr(f, &e.hdr, IPC_REC_FD, op, pid, 0, comm);
	memset(&e.obj, 0, sizeof(e) - sizeof(e.hdr));
	e.obj = o;
	e.obj2 = o2;
	e.fd = fd;
	e.fd2 = fd2;
	e.arg = arg;
	push(f, &e, sizeof(e));
}

static void proc(struct fx *f, uint16_t op, uint32_t pid, const char *comm, uint32_t child,
		 const char *file)
{
	struct ipc_ev_proc e;

	hdr(f, &e.hdr, IPC_REC_PROC, op, pid, 0, comm);
	memset(&e.ppid, 0, sizeof(e) - sizeof(e.hdr));
	e.child_pid = e.child_tid = child;
	if (file)
		snprintf(e.filename, sizeof(e.filename), "%s", file);
	push(f, &e, sizeof(e));
}

static void mq(struct fx *f, uint32_t pid, const char *comm, uint16_t op, uint64_t ino, int mqd,
	       int64_t ret, uint64_t len)
{
	struct ipc_ev_mq e;

	hdr(f, &e.hdr, IPC_REC_MQ, op, pid, 0, comm);
	memset(&e.obj, 0, sizeof(e) - sizeof(e.hdr));
	e.hdr.ret = ret;
	e.obj = (struct ipc_obj){ .kind = IPC_OBJ_MQ, .dev = MQ_DEV, .ino = ino };
	e.mqd = mqd;
	e.len = len;
	e.oflag = O_RDWR;
	snprintf(e.name, sizeof(e.name), "/jobs");
	push(f, &e, sizeof(e));
}

static void signal_gen(struct fx *f, uint32_t from, const char *comm, uint32_t to, int sig,
		       bool kernel, int result)
{
	struct ipc_ev_signal e;

	hdr(f, &e.hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_GENERATE, from, 0, comm);
	memset(&e.sig, 0, sizeof(e) - sizeof(e.hdr));
	if (kernel)
		e.hdr.flags |= IPC_EVF_KERNEL;
	e.sig = sig;
	e.target_pid = e.target_tid = to;
	e.result = result;
	snprintf(e.target_comm, sizeof(e.target_comm), "t%u", to);
	push(f, &e, sizeof(e));
}

static void futex(struct fx *f, uint32_t pid, uint32_t tid, uint16_t op, uint64_t uaddr,
		  uint64_t shared_ino, int64_t ret, uint64_t blocked_ns)
{
	struct ipc_ev_futex e;

	hdr(f, &e.hdr, IPC_REC_FUTEX, op, pid, tid, "fx");
	memset(&e.uaddr, 0, sizeof(e) - sizeof(e.hdr));
	e.hdr.ret = ret;
	e.uaddr = uaddr;
	if (blocked_ns) {
		e.hdr.flags |= IPC_EVF_BLOCKED;
		e.hdr.dur_ns = blocked_ns;
	}
	if (shared_ino) {
		e.fflags = IPC_FUTEX_SHARED_KEY;
		e.key_ino = shared_ino;
		e.key_dev = 1;
		e.key_off = 0x40;
	} else {
		e.fflags = IPC_FUTEX_PRIVATE;
	}
	push(f, &e, sizeof(e));
}

static void fdsnap(struct fx *f, uint32_t pid, const char *comm, struct ipc_obj o, int fd,
		   uint32_t flags)
{
	struct ipc_rec_fdsnap r;

	hdr(f, &r.hdr, IPC_REC_FDSNAP, IPC_OP_SNAPSHOT, pid, 0, comm);
	memset(&r.obj, 0, sizeof(r) - sizeof(r.hdr));
	r.obj = o;
	r.fd = fd;
	r.fd_flags = flags;
	push(f, &r, sizeof(r));
}

/* Looking into the model */

static uint32_t node_by_id(struct fx *f, const char *id)
{
	char buf[160];
	uint32_t found = GN_NONE;

	for (uint32_t i = 0; i < ktab__len(&f->g->nodes); i++) {
		graph_node_id(f->g, i, buf, sizeof(buf));
		if (!strcmp(buf, id)) {
			assert_int_equal(found, GN_NONE);	/* ids are unique */
			found = i;
		}
	}
	return found;
}

/* The edge src -> dst (node ids), or NULL. */
static const struct gedge *edge_by_ids(struct fx *f, const char *src, const char *dst)
{
	uint32_t s = node_by_id(f, src), d = node_by_id(f, dst);

	vec_for_each(&f->g->edges.rows, struct gedge, e)
		if (e->key.src == s && e->key.dst == d)
			return e;
	return NULL;
}

static const struct ghold *hold_of(struct fx *f, const char *proc, const char *obj)
{
	uint32_t p = node_by_id(f, proc), o = node_by_id(f, obj);

	vec_for_each(&f->g->holds.rows, struct ghold, h)
		if (h->key.proc == p && h->key.obj == o)
			return h;
	return NULL;
}

static size_t count_kind(struct fx *f, unsigned int kind)
{
	size_t n = 0;

	vec_for_each(&f->g->nodes.rows, struct gnode, nd)
		if (nd->key.type == GN_OBJ && nd->key.obj.kind == kind)
			n++;
	return n;
}

/* An export into a string (freed by the caller); idle: the collapsed view's idle edges too. */
static char *export_opts(struct fx *f, bool json, bool collapse, bool idle)
{
	struct graph_write_opts o = { .collapse = collapse, .idle = idle, .title = "test" };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	if (json)
		assert_int_equal(graph__write_json(f->g, m, &o), 0);
	else
		assert_int_equal(graph__write_dot(f->g, m, &o), 0);
	fclose(m);
	return buf;
}

static char *export(struct fx *f, bool json, bool collapse)
{
	return export_opts(f, json, collapse, false);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected to find\n  %s\nin\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("did not expect\n  %s\nin\n%s", needle, hay);
}

/* Tests */

static const struct ipc_obj none;

/* A pipe made before fork: one object, the writer and the reader on it. */
static void test_pipe_across_fork(void **state)
{
	struct fx *f = *state;
	struct ipc_obj p = pipe_obj(500);
	const struct gedge *w, *r;
	const struct ghold *hp, *hc;

	fdrec(f, 10, "parent", IPC_OP_PIPE_CREATE, p, none, 3, 4, 0);
	proc(f, IPC_OP_PROC_FORK, 10, "parent", 11, NULL);
	fdrec(f, 10, "parent", IPC_OP_FD_CLOSE, p, none, 3, -1, 0);
	fdrec(f, 11, "parent", IPC_OP_FD_CLOSE, p, none, 4, -1, 0);
	for (int i = 0; i < 10; i++) {
		io(f, 10, "parent", IPC_OP_PIPE_WRITE, p, 4, 64);
		io(f, 11, "child", IPC_OP_PIPE_READ, p, 3, 64);
	}
	io(f, 11, "child", IPC_OP_PIPE_READ, p, 3, 0);	/* EOF */
	assert_int_equal(count_kind(f, IPC_OBJ_PIPE), 1);
	w = edge_by_ids(f, "pid:10", "pipe:[500]");
	r = edge_by_ids(f, "pipe:[500]", "pid:11");
	assert_non_null(w);
	assert_non_null(r);
	assert_int_equal(w->tot.ops, 10);
	assert_int_equal(w->tot.bytes, 640);
	assert_int_equal(w->tot.msgs, 10);
	assert_int_equal(r->tot.ops, 11);
	assert_int_equal(r->tot.bytes, 640);
	assert_int_equal(ktab__len(&f->g->edges), 2);
	/* after the closes each holds the one end it uses */
	hp = hold_of(f, "pid:10", "pipe:[500]");
	hc = hold_of(f, "pid:11", "pipe:[500]");
	assert_true(hp->live && hc->live);
	assert_int_equal(hp->mode, GH_WRITE);
	assert_int_equal(hc->mode, GH_READ);
	assert_int_equal(hp->nfds, 1);
	/* the child exits holding it; the parent closes it: then the pipe has ended */
	proc(f, IPC_OP_PROC_EXIT, 11, "child", 0, NULL);
	assert_false(hold_of(f, "pid:11", "pipe:[500]")->live);
	assert_false(hold_of(f, "pid:11", "pipe:[500]")->closed);
	assert_false(gnode(f->g, node_by_id(f, "pipe:[500]"))->ended);
	fdrec(f, 10, "parent", IPC_OP_FD_CLOSE, p, none, 4, -1, 0);
	assert_true(hold_of(f, "pid:10", "pipe:[500]")->closed);
	assert_true(gnode(f->g, node_by_id(f, "pipe:[500]"))->ended);
	assert_true(gnode(f->g, node_by_id(f, "pid:11"))->ended);
}

/* Who gave up reading a pipe: the last read end closed, or its holder's exit. */
static void test_reader_left(void **state)
{
	struct fx *f = *state;
	struct ipc_obj p = pipe_obj(501);
	struct graph_left left;

	assert_int_equal(graph__reader_left(f->g, &p, 10, &left), -ENOENT);
	fdrec(f, 10, "parent", IPC_OP_PIPE_CREATE, p, none, 3, 4, 0);
	proc(f, IPC_OP_PROC_FORK, 10, "parent", 11, NULL);
	fdrec(f, 10, "parent", IPC_OP_FD_CLOSE, p, none, 3, -1, 0);	/* the writer's copy */
	fdrec(f, 11, "child", IPC_OP_FD_CLOSE, p, none, 4, -1, 0);	/* not a read end */
	/* the writer's own read end does not count for it */
	assert_int_equal(graph__reader_left(f->g, &p, 10, &left), -ENOENT);
	assert_int_equal(graph__reader_left(f->g, &p, 99, &left), 0);
	assert_int_equal(left.pid, 10);
	fdrec(f, 11, "child", IPC_OP_FD_CLOSE, p, none, 3, -1, 0);
	assert_int_equal(graph__reader_left(f->g, &p, 10, &left), 0);
	assert_int_equal(left.pid, 11);
	assert_int_equal(left.tid, 11);
	assert_int_equal(left.how, GRAPH_LEFT_CLOSED);
	/* a reader that exits with its end open */
	p = pipe_obj(502);
	fdrec(f, 10, "parent", IPC_OP_PIPE_CREATE, p, none, 5, 6, 0);
	proc(f, IPC_OP_PROC_FORK, 10, "parent", 12, NULL);
	fdrec(f, 10, "parent", IPC_OP_FD_CLOSE, p, none, 5, -1, 0);
	proc(f, IPC_OP_PROC_EXIT, 12, "child", 0, NULL);
	assert_int_equal(graph__reader_left(f->g, &p, 10, &left), 0);
	assert_int_equal(left.pid, 12);
	assert_int_equal(left.how, GRAPH_LEFT_EXITED);
}

/* socket(), connect(), accept(), data both ways, close: one connection node. */
static void test_unix_connection_identity(void **state)
{
	struct fx *f = *state;
	struct ipc_obj lis = unix_obj(100, 0), cli = unix_obj(200, 0);
	struct ipc_fd_name { char n[IPC_NAME_LEN]; };
	const struct gedge *e;
	struct ipc_ev_fd c;

	fdrec(f, 20, "server", IPC_OP_SOCK_CREATE, lis, none, 3, -1, 0);
	fdrec(f, 20, "server", IPC_OP_SOCK_LISTEN, lis, none, 3, -1, 0);
	fdrec(f, 30, "client", IPC_OP_SOCK_CREATE, cli, none, 3, -1, 0);
	hdr(f, &c.hdr, IPC_REC_FD, IPC_OP_SOCK_CONNECT, 30, 0, "client");
	memset(&c.obj, 0, sizeof(c) - sizeof(c.hdr));
	c.obj = cli;
	c.fd = 3;
	snprintf(c.name, sizeof(c.name), "/tmp/s");
	push(f, &c, sizeof(c));
	fdrec(f, 20, "server", IPC_OP_SOCK_ACCEPT, unix_obj(300, 200), lis, 4, 3, 0);
	for (int i = 0; i < 5; i++) {
		io(f, 30, "client", IPC_OP_SOCK_SEND, unix_obj(200, 300), 3, 64);
		io(f, 20, "server", IPC_OP_SOCK_RECV, unix_obj(300, 200), 4, 64);
		io(f, 20, "server", IPC_OP_SOCK_SEND, unix_obj(300, 200), 4, 32);
		io(f, 30, "client", IPC_OP_SOCK_RECV, unix_obj(200, 300), 3, 32);
	}
	fdrec(f, 30, "client", IPC_OP_FD_CLOSE, unix_obj(200, 300), none, 3, -1, 0);
	/* the peer is gone: the kernel no longer names it */
	io(f, 20, "server", IPC_OP_SOCK_RECV, unix_obj(300, 0), 4, 0);
	assert_int_equal(count_kind(f, IPC_OBJ_UNIX), 2);
	assert_int_not_equal(node_by_id(f, "unix:[100]"), GN_NONE);
	assert_string_equal(gnode(f->g, node_by_id(f, "unix:[200]->[300]"))->name, "/tmp/s");
	e = edge_by_ids(f, "pid:30", "unix:[200]->[300]");
	assert_int_equal(e->tot.ops, 5);
	assert_int_equal(e->tot.bytes, 320);
	e = edge_by_ids(f, "unix:[200]->[300]", "pid:20");
	assert_int_equal(e->tot.ops, 6);
	assert_int_equal(e->tot.bytes, 320);
	e = edge_by_ids(f, "pid:20", "unix:[200]->[300]");
	assert_int_equal(e->tot.bytes, 160);
	/* the server holds the listener and the connection; the client's close ended its part */
	assert_true(hold_of(f, "pid:20", "unix:[100]")->live);
	assert_true(hold_of(f, "pid:30", "unix:[200]->[300]")->closed);
}

/* Both ends of a loopback TCP connection are one node. */
static void test_tcp_both_ends(void **state)
{
	struct fx *f = *state;
	const struct gedge *e;
	const struct gnode *n;

	fdrec(f, 41, "srv", IPC_OP_SOCK_LISTEN, tcp_obj(402, 5000, 0), none, 3, -1, 0);
	fdrec(f, 40, "cli", IPC_OP_SOCK_CREATE, tcp_obj(400, 0, 0), none, 3, -1, 0);
	fdrec(f, 40, "cli", IPC_OP_SOCK_CONNECT, tcp_obj(400, 40000, 5000), none, 3, -1, 0);
	fdrec(f, 41, "srv", IPC_OP_SOCK_ACCEPT, tcp_obj(401, 5000, 40000), tcp_obj(402, 5000, 0),
	      4, 3, 0);
	io(f, 40, "cli", IPC_OP_SOCK_SEND, tcp_obj(400, 40000, 5000), 3, 100);
	io(f, 41, "srv", IPC_OP_SOCK_RECV, tcp_obj(401, 5000, 40000), 4, 100);
	assert_int_equal(count_kind(f, IPC_OBJ_TCP), 2);
	n = gnode(f->g, node_by_id(f, "tcp:127.0.0.1:5000->127.0.0.1:40000"));
	assert_true((n->alias[0] == 400 && n->alias[1] == 401) ||
		    (n->alias[0] == 401 && n->alias[1] == 400));
	e = edge_by_ids(f, "pid:40", "tcp:127.0.0.1:5000->127.0.0.1:40000");
	assert_int_equal(e->tot.bytes, 100);
	e = edge_by_ids(f, "tcp:127.0.0.1:5000->127.0.0.1:40000", "pid:41");
	assert_int_equal(e->tot.bytes, 100);
	assert_non_null(hold_of(f, "pid:41", "tcp:127.0.0.1:5000"));
}

/* dup2 onto stdout, close the originals, exec: the pipe stays the child's; O_CLOEXEC ones go. */
static void test_dup_exec(void **state)
{
	struct fx *f = *state;
	struct ipc_obj p = pipe_obj(600), q = pipe_obj(601);
	const struct ghold *h;

	fdrec(f, 50, "parent", IPC_OP_PIPE_CREATE, p, none, 3, 4, 0);
	fdrec(f, 50, "parent", IPC_OP_PIPE_CREATE, q, none, 5, 6, O_CLOEXEC);
	proc(f, IPC_OP_PROC_FORK, 50, "parent", 51, NULL);
	fdrec(f, 50, "parent", IPC_OP_FD_CLOSE, p, none, 4, -1, 0);
	fdrec(f, 51, "parent", IPC_OP_FD_DUP, p, none, 1, 4, 0);
	fdrec(f, 51, "parent", IPC_OP_FD_CLOSE, p, none, 3, -1, 0);
	fdrec(f, 51, "parent", IPC_OP_FD_CLOSE, p, none, 4, -1, 0);
	h = hold_of(f, "pid:51", "pipe:[600]");
	assert_true(h->live);
	assert_int_equal(h->nfds, 1);
	assert_int_equal(h->mode, GH_WRITE);
	proc(f, IPC_OP_PROC_EXEC, 51, "emitter", 0, "/bin/emitter");
	assert_true(hold_of(f, "pid:51", "pipe:[600]")->live);
	assert_false(hold_of(f, "pid:51", "pipe:[601]")->live);	/* O_CLOEXEC */
	assert_true(hold_of(f, "pid:51", "pipe:[601]")->closed);
	for (int i = 0; i < 4; i++)
		io(f, 51, "emitter", IPC_OP_PIPE_WRITE, p, 1, 1024);
	io(f, 50, "parent", IPC_OP_PIPE_READ, p, 3, 4096);
	assert_int_equal(count_kind(f, IPC_OBJ_PIPE), 2);
	assert_int_equal(edge_by_ids(f, "pid:51", "pipe:[600]")->tot.bytes, 4096);
	assert_int_equal(edge_by_ids(f, "pipe:[600]", "pid:50")->tot.bytes, 4096);
	assert_string_equal(graph_comm(f->g, node_by_id(f, "pid:51")), "emitter");
}

static void close_range_rec(struct fx *f, uint32_t pid, uint32_t first, uint32_t last,
			    uint32_t flags, int64_t ret)
{
	struct ipc_ev_fd e;

	hdr(f, &e.hdr, IPC_REC_FD, IPC_OP_FD_CLOSE_RANGE, pid, 0, "app");
	memset(&e.obj, 0, sizeof(e) - sizeof(e.hdr));
	e.hdr.ret = ret;
	e.fd = (int32_t)first;
	e.arg2 = last;
	e.arg = flags;
	push(f, &e, sizeof(e));
}

/*
 * close_range ends the fds in its range, or marks them close-on-exec; a
 * failed one nothing.  fcntl(F_SETFD) turns close-on-exec on and off.
 */
static void test_close_range(void **state)
{
	struct fx *f = *state;
	struct ipc_obj p = pipe_obj(700), q = pipe_obj(701), r = pipe_obj(702), s = pipe_obj(703);
	const struct ghold *h;

	fdrec(f, 60, "app", IPC_OP_PIPE_CREATE, p, none, 3, 4, 0);
	fdrec(f, 60, "app", IPC_OP_PIPE_CREATE, q, none, 5, 6, 0);
	fdrec(f, 60, "app", IPC_OP_PIPE_CREATE, r, none, 7, 8, 0);
	close_range_rec(f, 60, 3, ~0U, 0, -EINVAL);
	assert_int_equal(hold_of(f, "pid:60", "pipe:[700]")->nfds, 2);
	close_range_rec(f, 60, 4, 5, 0, 0);
	h = hold_of(f, "pid:60", "pipe:[700]");
	assert_true(h->live);
	assert_int_equal(h->nfds, 1);
	assert_int_equal(h->mode, GH_READ);
	h = hold_of(f, "pid:60", "pipe:[701]");
	assert_int_equal(h->nfds, 1);
	assert_int_equal(h->mode, GH_WRITE);
	close_range_rec(f, 60, 7, ~0U, CLOSE_RANGE_CLOEXEC, 0);
	h = hold_of(f, "pid:60", "pipe:[702]");
	assert_true(h->live);
	assert_int_equal(h->nfds, 2);
	proc(f, IPC_OP_PROC_EXEC, 60, "app", 0, "/bin/app");
	assert_false(hold_of(f, "pid:60", "pipe:[702]")->live);
	assert_true(hold_of(f, "pid:60", "pipe:[702]")->closed);
	assert_true(hold_of(f, "pid:60", "pipe:[700]")->live);
	assert_true(hold_of(f, "pid:60", "pipe:[701]")->live);
	/* fcntl(F_SETFD) sets and clears close-on-exec; an fd nobody knows is no error */
	fdrec(f, 60, "app", IPC_OP_PIPE_CREATE, s, none, 9, 10, O_CLOEXEC);
	fdrec(f, 60, "app", IPC_OP_FD_SETFD, p, none, 3, -1, FD_CLOEXEC);
	fdrec(f, 60, "app", IPC_OP_FD_SETFD, s, none, 9, -1, 0);
	fdrec(f, 60, "app", IPC_OP_FD_SETFD, s, none, 10, -1, 0);
	fdrec(f, 60, "app", IPC_OP_FD_SETFD, s, none, 42, -1, FD_CLOEXEC);
	proc(f, IPC_OP_PROC_EXEC, 60, "app", 0, "/bin/app");
	assert_false(hold_of(f, "pid:60", "pipe:[700]")->live);
	assert_true(hold_of(f, "pid:60", "pipe:[703]")->live);
	assert_int_equal(hold_of(f, "pid:60", "pipe:[703]")->nfds, 2);
	close_range_rec(f, 60, 0, ~0U, 0, 0);
	for (uint64_t ino = 700; ino <= 703; ino++) {
		char id[32];

		snprintf(id, sizeof(id), "pipe:[%" PRIu64 "]", ino);
		assert_false(hold_of(f, "pid:60", id)->live);
		assert_true(hold_of(f, "pid:60", id)->closed);
	}
}

/* Two producers and two consumers on one queue: one node, four edges. */
static void test_mq_producers_consumers(void **state)
{
	struct fx *f = *state;
	uint32_t pids[4] = { 70, 71, 72, 73 }, sends[2] = { 3, 6 }, recvs[2] = { 4, 5 };
	char *json, *dot;

	for (int i = 0; i < 4; i++)
		mq(f, pids[i], "w", IPC_OP_MQ_OPEN, 900, 3, 3, 0);
	for (int i = 0; i < 2; i++) {
		for (uint32_t k = 0; k < sends[i]; k++)
			mq(f, pids[i], "prod", IPC_OP_MQ_SEND, 900, 3, 0, 64);
		for (uint32_t k = 0; k < recvs[i]; k++)
			mq(f, pids[2 + i], "cons", IPC_OP_MQ_RECEIVE, 900, 3, 64, 8192);
	}
	mq(f, 72, "cons", IPC_OP_MQ_RECEIVE, 900, 3, -ETIMEDOUT, 8192);
	assert_int_equal(count_kind(f, IPC_OBJ_MQ), 1);
	assert_int_equal(ktab__len(&f->g->edges), 4);
	assert_int_equal(edge_by_ids(f, "pid:70", "mq:/jobs")->tot.msgs, 3);
	assert_int_equal(edge_by_ids(f, "pid:71", "mq:/jobs")->tot.bytes, 6 * 64);
	assert_int_equal(edge_by_ids(f, "mq:/jobs", "pid:72")->tot.msgs, 4);
	assert_int_equal(edge_by_ids(f, "mq:/jobs", "pid:72")->tot.errors, 1);
	assert_int_equal(edge_by_ids(f, "mq:/jobs", "pid:73")->tot.msgs, 5);
	json = export(f, true, true);
	assert_contains(json, "\"src\":\"pid:70\",\"dst\":\"pid:73\",\"mech\":\"mq\"");
	assert_contains(json, "\"src\":\"pid:71\",\"dst\":\"pid:72\",\"mech\":\"mq\"");
	assert_contains(json, "\"objects\":[\"mq:/jobs\"]");
	assert_lacks(json, "\"type\":\"object\"");
	free(json);
	dot = export(f, false, false);
	assert_contains(dot, "\"mq:/jobs\" [shape=box3d");
	assert_contains(dot, "\"pid:70\" -> \"mq:/jobs\" [label=\"send x3\\n192B\"]");
	free(dot);
}

static void meta(struct fx *f, uint32_t self)
{
	struct ipc_rec_meta m;

	hdr(f, &m.hdr, IPC_REC_META, IPC_OP_SNAPSHOT, self, 0, "ipctrace");
	memset(&m.abi_version, 0, sizeof(m) - sizeof(m.hdr));
	m.self_pid = self;
	m.nr_targets = 1;
	m.targets[0] = 80;
	push(f, &m, sizeof(m));
}

/* Signals: process -> process by signal; the kernel's from the kernel node. */
static void test_signals(void **state)
{
	struct fx *f = *state;
	const struct gedge *e;
	struct ipc_ev_signal s;

	meta(f, 99);
	for (int i = 0; i < 3; i++) {
		signal_gen(f, 80, "a", 81, 10, false, IPC_SIG_DELIVERED);
		signal_gen(f, 81, "b", 80, 12, false,
			   i ? IPC_SIG_DELIVERED : IPC_SIG_ALREADY_PENDING);
	}
	signal_gen(f, 81, "b", 80, 17, true, IPC_SIG_DELIVERED);
	signal_gen(f, 80, "a", 99, 17, true, IPC_SIG_DELIVERED);	/* to ipctrace: left out */
	/* the send syscall: generate already counts it */
	hdr(f, &s.hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_SEND, 80, 0, "a");
	memset(&s.sig, 0, sizeof(s) - sizeof(s.hdr));
	s.sig = 10;
	s.target_pid = 81;
	push(f, &s, sizeof(s));
	e = edge_by_ids(f, "pid:80", "pid:81");
	assert_int_equal(e->key.sig, 10);
	assert_int_equal(e->tot.ops, 3);
	assert_int_equal(e->tot.msgs, 3);
	e = edge_by_ids(f, "pid:81", "pid:80");
	assert_int_equal(e->tot.ops, 3);
	assert_int_equal(e->tot.msgs, 2);
	e = edge_by_ids(f, "kernel", "pid:80");
	assert_int_equal(e->key.sig, 17);
	assert_int_equal(e->tot.ops, 1);
	assert_int_equal(ktab__len(&f->g->edges), 3);
	assert_int_equal(node_by_id(f, "pid:99"), GN_NONE);
	assert_true(gnode(f->g, node_by_id(f, "pid:80"))->traced);
	assert_string_equal(graph_edge_mech(f->g, e), "signal");
}

/* Futex: wake = process -> futex, a woken wait = futex -> process; shared ones meet. */
static void test_futex(void **state)
{
	struct fx *f = *state;
	const struct gedge *e;

	futex(f, 90, 91, IPC_OP_FUTEX_WAIT, 0x1000, 0, 0, 5000);
	futex(f, 90, 90, IPC_OP_FUTEX_WAKE, 0x1000, 0, 1, 0);
	futex(f, 90, 91, IPC_OP_FUTEX_WAIT, 0x1000, 0, -EAGAIN, 0);
	futex(f, 94, 94, IPC_OP_FUTEX_WAKE, 0x1000, 0, 0, 0);
	futex(f, 92, 92, IPC_OP_FUTEX_WAIT, 0x7f00, 77, 0, 7000);
	futex(f, 93, 93, IPC_OP_FUTEX_WAKE, 0x5500, 77, 1, 0);
	e = edge_by_ids(f, "futex:0x1000@90", "pid:90");
	assert_int_equal(e->tot.ops, 2);
	assert_int_equal(e->tot.msgs, 1);
	assert_int_equal(e->tot.errors, 1);
	assert_int_equal(e->tot.blocked_ns, 5000);
	assert_int_equal(e->tot.max_blocked_ns, 5000);
	assert_string_equal(graph_edge_op(f->g, e), "wait");
	e = edge_by_ids(f, "pid:90", "futex:0x1000@90");
	assert_int_equal(e->tot.msgs, 1);
	assert_string_equal(graph_edge_op(f->g, e), "wake");
	assert_non_null(edge_by_ids(f, "pid:94", "futex:0x1000@94"));
	/* two mappings of one file: one futex */
	assert_non_null(edge_by_ids(f, "futex:[0:1/77]+0x40", "pid:92"));
	assert_non_null(edge_by_ids(f, "pid:93", "futex:[0:1/77]+0x40"));
	assert_int_equal(count_kind(f, IPC_OBJ_FUTEX), 3);
}

/* --threads: the process side of an edge is the thread. */
static void test_threads(void **state)
{
	struct fx *f = *state;
	char *json, *dot;
	size_t n = 0;

	futex(f, 90, 91, IPC_OP_FUTEX_WAIT, 0x1000, 0, 0, 5000);
	futex(f, 90, 92, IPC_OP_FUTEX_WAIT, 0x1000, 0, 0, 5000);
	futex(f, 90, 90, IPC_OP_FUTEX_WAKE, 0x1000, 0, 2, 0);
	vec_for_each(&f->g->edges.rows, struct gedge, e)
		n += e->key.dst_tid == 91 || e->key.dst_tid == 92 || e->key.src_tid == 90;
	assert_int_equal(n, 3);
	assert_int_equal(ktab__len(&f->g->edges), 3);
	json = export(f, true, false);
	assert_contains(json, "\"src\":\"futex:0x1000@90\",\"dst\":\"tid:91\"");
	assert_contains(json, "\"threads\":[{\"id\":\"tid:90\"");
	free(json);
	dot = export(f, false, false);
	assert_contains(dot, "subgraph \"cluster_pid:90\" {");
	assert_contains(dot, "\"pid:90\" [shape=box");
	assert_contains(dot, "\"tid:92\" [shape=ellipse");
	free(dot);
	/* collapsed: processes only */
	dot = export(f, false, true);
	assert_lacks(dot, "tid:");
	free(dot);
}

/* Ended processes and objects past the limit go, oldest first; live ones stay. */
static void test_aging(void **state)
{
	struct fx *f = *state;
	struct graph_stats st;

	fdrec(f, 1000, "keeper", IPC_OP_PIPE_CREATE, pipe_obj(7000), none, 3, 4, 0);
	io(f, 1000, "keeper", IPC_OP_PIPE_WRITE, pipe_obj(7000), 4, 1);
	for (uint32_t i = 0; i < 50; i++) {
		fdrec(f, 2000 + i, "short", IPC_OP_PIPE_CREATE, pipe_obj(8000 + i), none, 3, 4, 0);
		io(f, 2000 + i, "short", IPC_OP_PIPE_WRITE, pipe_obj(8000 + i), 4, 8);
		proc(f, IPC_OP_PROC_EXIT, 2000 + i, "short", 0, NULL);
		graph__stats(f->g, &st);
		assert_true(st.ended <= 8);
		assert_true(st.procs + st.objects <= 8 + 3);
	}
	graph__stats(f->g, &st);
	assert_true(st.aged_nodes >= 90);
	assert_true(st.aged_edges >= 45);
	/* the newest ended ones are kept, the oldest are gone, the live one is intact */
	assert_int_not_equal(node_by_id(f, "pid:2049"), GN_NONE);
	assert_int_equal(node_by_id(f, "pid:2000"), GN_NONE);
	io(f, 1000, "keeper", IPC_OP_PIPE_WRITE, pipe_obj(7000), 4, 1);
	assert_int_equal(edge_by_ids(f, "pid:1000", "pipe:[7000]")->tot.ops, 2);
	assert_true(hold_of(f, "pid:1000", "pipe:[7000]")->live);
	fdrec(f, 1000, "keeper", IPC_OP_FD_CLOSE, pipe_obj(7000), none, 4, -1, 0);
	assert_int_equal(hold_of(f, "pid:1000", "pipe:[7000]")->nfds, 1);
}

static int setup_aging(void **state)
{
	*state = fx_new(false, 8);
	return 0;
}

/* The /proc snapshot: idle channels still link their holders. */
static void test_snapshot_idle(void **state)
{
	struct fx *f = *state;
	char *json, *dot;

	fdsnap(f, 100, "target", unix_obj(500, 501), 3, O_RDWR);
	fdsnap(f, 101, "peer", unix_obj(501, 500), 7, O_RDWR);
	fdsnap(f, 100, "target", pipe_obj(510), 4, O_WRONLY);
	fdsnap(f, 102, "reader", pipe_obj(510), 0, O_RDONLY);
	assert_int_equal(count_kind(f, IPC_OBJ_UNIX), 1);
	assert_int_equal(ktab__len(&f->g->edges), 0);
	assert_true(hold_of(f, "pid:101", "unix:[500]->[501]")->live);
	json = export_opts(f, true, true, true);
	assert_contains(json, "\"src\":\"pid:100\",\"dst\":\"pid:101\",\"mech\":\"unix\","
			      "\"idle\":true");
	assert_contains(json, "\"src\":\"pid:100\",\"dst\":\"pid:102\",\"mech\":\"pipe\","
			      "\"idle\":true");
	assert_contains(json, "\"idle_hidden\":0");
	free(json);
	/* by default, counted and not drawn */
	json = export(f, true, true);
	assert_contains(json, "\"edges\":[],\"idle_hidden\":2");
	free(json);
	dot = export(f, false, true);
	assert_contains(dot, "(processes); 2 idle edges hidden (--graph-idle)");
	assert_lacks(dot, "(idle)");
	free(dot);
	dot = export(f, false, false);
	assert_contains(dot, "\"pid:101\" -> \"unix:[500]->[501]\" [label=\"holds\"");
	assert_contains(dot, "\"pipe:[510]\" -> \"pid:102\" [label=\"holds\"");
	free(dot);
	json = export(f, true, false);
	assert_contains(json, "{\"proc\":\"pid:102\",\"obj\":\"pipe:[510]\",\"mode\":\"r\","
			      "\"fds\":1,\"live\":true");
	free(json);
}

/* Names in DOT are quoted safely whatever a process calls itself. */
static void test_dot_escaping(void **state)
{
	struct fx *f = *state;
	char *dot;

	io(f, 110, "a\"b\\c\001", IPC_OP_PIPE_WRITE, pipe_obj(1), 3, 1);
	dot = export(f, false, false);
	assert_contains(dot, "label=\"a\\\"b\\\\c?\\npid 110\"");
	assert_contains(dot, "digraph ipctrace {");
	assert_int_equal(dot[strlen(dot) - 2], '}');
	free(dot);
}

static char *view(struct fx *f, bool final, bool json)
{
	struct report r = { .final = final, .start_ns = 0, .end_ns = 2000000000ull };
	char *buf = NULL;
	size_t len = 0;
	struct jw w;

	r.out = open_memstream(&buf, &len);
	assert_non_null(r.out);
	if (json) {
		jw__init(&w);
		r.jw = &w;
		jw__obj_begin(&w);
	}
	collector__report(f->c, &r);
	if (json) {
		jw__obj_end(&w);
		jw__flush_line(&w, r.out);
		jw__release(&w);
	}
	fclose(r.out);
	return buf;
}

/* The live view lists the interval's busiest edges with rates; the interval ends. */
static void test_live_view(void **state)
{
	struct fx *f = *state;
	char *out;

	fdsnap(f, 120, "rd", pipe_obj(700), 3, O_RDONLY);
	for (int i = 0; i < 10; i++)
		io(f, 121, "wr", IPC_OP_PIPE_WRITE, pipe_obj(700), 4, 100);
	out = view(f, false, false);
	assert_contains(out, "GRAPH: PROCESS");
	/* 10 writes of 100B in 2s, the reader named as the peer by its hold */
	assert_contains(out, "wr[121]                  -> pipe:[700]");
	assert_contains(out, "rd[120]");
	assert_contains(out, "      5.0     500B/s");
	free(out);
	collector__interval_end(f->c);
	out = view(f, false, false);
	assert_lacks(out, "GRAPH:");
	free(out);
	out = view(f, true, true);
	assert_contains(out, "\"graph_edges\":[{\"src\":\"pid:121\",\"dst\":\"pipe:[700]\","
			     "\"mech\":\"pipe\",\"op\":\"write\",\"peers\":[120],\"ops\":10");
	free(out);
}

/* Memory follows objects and processes, not events. */
static void test_bounded_by_objects(void **state)
{
	struct fx *f = *state;
	struct graph_stats a, b;

	io(f, 130, "w", IPC_OP_PIPE_WRITE, pipe_obj(800), 4, 1);
	io(f, 131, "r", IPC_OP_PIPE_READ, pipe_obj(800), 3, 1);
	graph__stats(f->g, &a);
	for (int i = 0; i < 20000; i++) {
		io(f, 130, "w", IPC_OP_PIPE_WRITE, pipe_obj(800), 4, 1);
		io(f, 131, "r", IPC_OP_PIPE_READ, pipe_obj(800), 3, 1);
	}
	graph__stats(f->g, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(edge_by_ids(f, "pid:130", "pipe:[800]")->tot.ops, 20001);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_pipe_across_fork),
		T(test_reader_left),
		T(test_unix_connection_identity),
		T(test_tcp_both_ends),
		T(test_dup_exec),
		T(test_close_range),
		T(test_mq_producers_consumers),
		T(test_signals),
		T(test_futex),
		cmocka_unit_test_setup_teardown(test_threads, setup_threads, teardown),
		cmocka_unit_test_setup_teardown(test_aging, setup_aging, teardown),
		T(test_snapshot_idle),
		T(test_dot_escaping),
		T(test_live_view),
		T(test_bounded_by_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
