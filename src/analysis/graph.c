// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The graph model: nodes, edges, holds and fds, created and updated from
 * records, and aged out when too many nodes have ended.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/close_range.h>

#include "analysis/graph_int.h"
#include "decode/decode.h"
#include "decode/names.h"
#include "decode/records.h"
#include "lib/strtab.h"
#include "model/collector.h"
#include "model/proctab.h"

static const struct sink_ops graph_sink_ops;

struct graph *graph__new(struct collector *c, const struct graph_opts *opts)
{
	struct graph *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->sink.ops = &graph_sink_ops;
	g->c = c;
	if (opts)
		g->opts = *opts;
	if (!g->opts.max_ended)
		g->opts.max_ended = GRAPH_MAX_ENDED_DEFAULT;
	g->kernel = GN_NONE;
	g->fd_idx = hmap__new(sizeof(struct gfd_key));
	g->alias_idx = hmap__new(sizeof(uint64_t));
	if (!g->fd_idx || !g->alias_idx ||
	    ktab__init(&g->nodes, sizeof(struct gnode), sizeof(struct gkey),
		       offsetof(struct gnode, key)) ||
	    ktab__init(&g->edges, sizeof(struct gedge), sizeof(struct gedge_key),
		       offsetof(struct gedge, key)) ||
	    ktab__init(&g->holds, sizeof(struct ghold), sizeof(struct ghold_key),
		       offsetof(struct ghold, key))) {
		graph__free(g);
		errno = ENOMEM;
		return NULL;
	}
	return g;
}

static void fds_free(struct gnode *n)
{
	if (!n->fds)
		return;
	vec__release(n->fds);
	free(n->fds);
	n->fds = NULL;
}

void graph__free(struct graph *g)
{
	if (!g)
		return;
	vec_for_each(&g->nodes.rows, struct gnode, n)
		fds_free(n);
	ktab__release(&g->nodes);
	ktab__release(&g->edges);
	ktab__release(&g->holds);
	hmap__free(g->fd_idx);
	hmap__free(g->alias_idx);
	free(g);
}

struct sink *graph__sink(struct graph *g)
{
	return &g->sink;
}

/* Nodes */

static void node_end(struct graph *g, uint32_t i, uint64_t ts)
{
	struct gnode *n = gnode(g, i);

	if (n->ended)
		return;
	n->ended = true;
	n->end_ns = ts;
	if (++g->nr_ended > g->opts.max_ended)
		g->age_pending = true;	/* not now: the caller holds indexes */
}

static void node_revive(struct graph *g, struct gnode *n)
{
	if (!n->ended)
		return;
	n->ended = false;
	n->end_ns = 0;
	g->nr_ended--;
}

static void node_touch(struct gnode *n, uint64_t ts)
{
	if (ts && (!n->first_ns || ts < n->first_ns))
		n->first_ns = ts;
	if (ts > n->last_ns)
		n->last_ns = ts;
}

/* Find or add the node with key k.  GN_NONE on ENOMEM. */
static uint32_t node_get(struct graph *g, const struct gkey *k, uint64_t ts)
{
	struct gnode *n;
	bool created;

	n = ktab__get(&g->nodes, k, &created);
	if (!n)
		return GN_NONE;
	if (!created) {
		node_touch(n, ts);
		return ktab__index(&g->nodes, n);
	}
	n->out_head = n->in_head = n->hold_head = GN_NONE;
	n->first_ns = n->last_ns = ts;
	return ktab__len(&g->nodes) - 1;
}

/* The node with key k, or GN_NONE. */
static uint32_t node_find(const struct graph *g, const struct gkey *k)
{
	const struct gnode *n = ktab__find(&g->nodes, k);

	return n ? ktab__index(&g->nodes, n) : GN_NONE;
}

static uint32_t proc_find(const struct graph *g, uint32_t pid)
{
	struct gkey k = { .type = GN_PROC, .pid = pid };

	return node_find(g, &k);
}

/* The node of process pid; comm (may be NULL) names it if proctab cannot. */
static uint32_t proc_node(struct graph *g, uint32_t pid, uint64_t ts, const char *comm,
			  size_t comm_len)
{
	struct gkey k = { .type = GN_PROC, .pid = pid };
	uint32_t i = node_get(g, &k, ts);
	struct gnode *n;

	if (i == GN_NONE)
		return GN_NONE;
	n = gnode(g, i);
	/* a record after the exit: the pid was reused (or a late record) */
	if (n->ended && ts > n->end_ns)
		node_revive(g, n);
	if (!n->comm && comm && comm[0])
		n->comm = strtab__intern_n(collector__names(g->c), comm, comm_len);
	return i;
}

/* The process behind a record's header. */
static uint32_t proc_of(struct graph *g, const struct ipc_hdr *h)
{
	uint32_t i = proc_node(g, h->pid, h->ts_ns, h->comm, sizeof(h->comm));

	if (i != GN_NONE && rec_is_event(h) && !(h->flags & IPC_EVF_PEER))
		gnode(g, i)->traced = true;
	return i;
}

static uint32_t kernel_node(struct graph *g, uint64_t ts)
{
	struct gkey k = { .type = GN_KERNEL };

	if (g->kernel == GN_NONE)
		g->kernel = node_get(g, &k, ts);
	else
		node_touch(gnode(g, g->kernel), ts);
	return g->kernel;
}

/* Objects */

static bool is_stream_sock(const struct ipc_obj *o)
{
	if (o->kind == IPC_OBJ_UNIX)
		return o->sock_type == SOCK_STREAM || o->sock_type == SOCK_SEQPACKET;
	return o->kind == IPC_OBJ_TCP;
}

/* A stream socket known only by its own inode: not connected (yet, or any more). */
static bool sock_alone(const struct ipc_obj *o)
{
	if (!is_stream_sock(o))
		return false;
	return o->kind == IPC_OBJ_UNIX ? !o->peer_ino : !o->rport;
}

static void alias_add(struct graph *g, uint32_t i, uint64_t ino)
{
	struct gnode *n = gnode(g, i);

	if (!ino || n->alias[0] == ino || n->alias[1] == ino)
		return;
	if (n->alias[0] && n->alias[1])
		return;
	n->alias[n->alias[0] ? 1 : 0] = ino;
	hmap__put(g->alias_idx, &ino, i);	/* ENOMEM: only a less merged graph */
}

/*
 * A connection seen for the first time: a socket of it may already be a
 * node of its own (socket(), connect() before the peer existed).  That
 * node becomes the connection, edges and holds included.
 */
static uint32_t adopt_socket(struct graph *g, const struct ipc_obj *o, const struct gkey *k)
{
	uint64_t inos[2] = { o->ino, o->kind == IPC_OBJ_UNIX ? o->peer_ino : 0 };

	for (int i = 0; i < 2; i++) {
		struct ipc_obj alone = { .kind = o->kind, .ino = inos[i] };
		struct gkey old = { .type = GN_OBJ };
		uint32_t idx;

		if (!inos[i])
			continue;
		objkey__from_obj(&alone, &old.obj);
		idx = node_find(g, &old);
		if (idx == GN_NONE)
			continue;
		return ktab__rekey(&g->nodes, idx, k) ? GN_NONE : idx;
	}
	return GN_NONE;
}

static void obj_update(struct graph *g, uint32_t i, const struct ipc_obj *o, const char *name,
		       uint64_t ts)
{
	struct gnode *n = gnode(g, i);

	node_touch(n, ts);
	/* keep the most complete description: addresses and peers come later */
	if (!n->sample.kind || (sock_alone(&n->sample) && !sock_alone(o)) ||
	    (!n->sample.lport && o->lport))
		n->sample = *o;
	if (name && name[0] && !n->name)
		n->name = strtab__intern_n(collector__names(g->c), name, IPC_NAME_LEN);
	if (is_stream_sock(o) && !sock_alone(o)) {
		alias_add(g, i, o->ino);
		if (o->kind == IPC_OBJ_UNIX)
			alias_add(g, i, o->peer_ino);
	}
}

/* The node of an fd-based object.  0, -ENOENT (not an IPC object) or -ENOMEM. */
static int obj_node(struct graph *g, const struct ipc_obj *o, const char *name, uint64_t ts,
		    uint32_t *out)
{
	struct gkey k = { .type = GN_OBJ };
	uint64_t idx;
	uint32_t i;

	if (objkey__from_obj(o, &k.obj))
		return -ENOENT;
	if (sock_alone(o) && !hmap__get(g->alias_idx, &o->ino, &idx)) {
		i = idx;	/* a socket of a known connection, whose peer is gone */
	} else if ((i = node_find(g, &k)) != GN_NONE) {
		/* known */
	} else {
		i = is_stream_sock(o) && !sock_alone(o) ? adopt_socket(g, o, &k) : GN_NONE;
		if (i == GN_NONE)
			i = node_get(g, &k, ts);
		if (i == GN_NONE)
			return -ENOMEM;
	}
	obj_update(g, i, o, name, ts);
	*out = i;
	return 0;
}

/* The node of a futex or semaphore set (no fd, no ipc_obj).  0, -ENOENT or -ENOMEM. */
static int rec_obj_node(struct graph *g, const struct ipc_hdr *h, uint32_t *out)
{
	struct gkey k = { .type = GN_OBJ };
	uint32_t i;

	if (objkey__from_rec(h, &k.obj))
		return -ENOENT;
	i = node_get(g, &k, h->ts_ns);
	if (i == GN_NONE)
		return -ENOMEM;
	gnode(g, i)->sample.kind = k.obj.kind;
	*out = i;
	return 0;
}

/* Holds: a process's part in an object */

static uint32_t hold_get(struct graph *g, uint32_t p, uint32_t o, uint64_t ts)
{
	struct ghold_key k = { .proc = p, .obj = o };
	struct ghold *h;
	bool created;
	uint32_t i;

	h = ktab__get(&g->holds, &k, &created);
	if (!h)
		return GN_NONE;
	i = ktab__index(&g->holds, h);
	if (!created)
		return i;
	h->first_ns = ts;
	h->next_obj = gnode(g, o)->hold_head;
	h->next_proc = gnode(g, p)->hold_head;
	gnode(g, o)->hold_head = i;
	gnode(g, p)->hold_head = i;
	return i;
}

static void hold_live(struct graph *g, uint32_t i)
{
	struct ghold *h = ghold(g, i);
	struct gnode *o = gnode(g, h->key.obj);

	if (h->live)
		return;
	h->live = true;
	h->closed = false;
	h->end_ns = 0;
	o->live++;
	node_revive(g, o);
}

/* The process stopped holding the object: by close (closed) or by exiting. */
static void hold_end(struct graph *g, uint32_t i, uint64_t ts, bool closed)
{
	struct ghold *h = ghold(g, i);
	struct gnode *o = gnode(g, h->key.obj);

	if (!h->live)
		return;
	h->live = false;
	h->closed = closed;
	h->end_ns = ts;
	if (--o->live == 0)
		node_end(g, h->key.obj, ts);
}

/* A process used an object without an fd we know (futex, semaphore set). */
static int hold_use(struct graph *g, uint32_t p, uint32_t o, uint64_t ts)
{
	uint32_t h = hold_get(g, p, o, ts);

	if (h == GN_NONE)
		return -ENOMEM;
	hold_live(g, h);
	return 0;
}

/* fds: which object each fd of a process is, so that close, dup, fork and exec follow */

static struct gfd *fd_find(const struct graph *g, uint32_t p, int fd)
{
	struct gfd_key k = { .proc = p, .fd = fd };
	uint64_t pos;

	if (hmap__get(g->fd_idx, &k, &pos))
		return NULL;
	return vec__at(gnode(g, p)->fds, pos);
}

/* The ends a process holds, from its remaining fds on the object. */
static void hold_recompute_mode(struct graph *g, uint32_t hi)
{
	struct ghold *h = ghold(g, hi);
	struct gnode *p = gnode(g, h->key.proc);
	uint8_t mode = 0;

	if (!p->fds)
		return;
	vec_for_each(p->fds, struct gfd, f)
		if (f->hold == hi)
			mode |= f->mode;
	h->mode = mode;
}

/* The process gave up reading object o (its last read end, or its last fd on a socket). */
static void note_left(struct graph *g, uint32_t p, uint32_t o, uint64_t ts, bool closed)
{
	struct gnode *n = gnode(g, o);

	n->left = (struct graph_left){ .pid = gnode(g, p)->key.pid, .ns = ts,
				       .tid = closed ? g->cur_tid : 0,
				       .how = closed ? GRAPH_LEFT_CLOSED : GRAPH_LEFT_EXITED,
				       .ino = closed ? g->cur_ino : 0 };
}

static void fd_unbind(struct graph *g, uint32_t p, int fd, uint64_t ts, bool closed)
{
	struct gfd_key k = { .proc = p, .fd = fd };
	struct vec *v = gnode(g, p)->fds;
	struct gfd *f, *last;
	uint64_t pos;
	uint32_t hi;
	uint8_t was;

	if (!v || hmap__get(g->fd_idx, &k, &pos))
		return;
	f = vec__at(v, pos);
	hi = f->hold;
	last = vec__at(v, v->len - 1);
	if (f != last) {
		struct gfd_key lk = { .proc = p, .fd = last->fd };

		*f = *last;
		hmap__put(g->fd_idx, &lk, pos);		/* an existing key: no allocation */
	}
	v->len--;
	hmap__remove(g->fd_idx, &k);
	if (--ghold(g, hi)->nfds == 0) {
		if (ghold(g, hi)->mode & GH_READ)
			note_left(g, p, ghold(g, hi)->key.obj, ts, closed);
		hold_end(g, hi, ts, closed);
		return;
	}
	was = ghold(g, hi)->mode;
	hold_recompute_mode(g, hi);
	if ((was & GH_READ) && !(ghold(g, hi)->mode & GH_READ))
		note_left(g, p, ghold(g, hi)->key.obj, ts, closed);
	else if (is_stream_sock(&gnode(g, ghold(g, hi)->key.obj)->sample) && g->cur_ino)
		note_left(g, p, ghold(g, hi)->key.obj, ts, closed);
}

/* fd now refers to object o in process p. */
static int fd_bind(struct graph *g, uint32_t p, int fd, uint32_t o, uint8_t mode, int cloexec,
		   uint64_t ts)
{
	struct gfd_key k = { .proc = p, .fd = fd };
	struct gnode *pn;
	struct gfd *f;
	uint32_t hi;

	if (fd < 0)
		return hold_use(g, p, o, ts);
	f = fd_find(g, p, fd);
	if (f && ghold(g, f->hold)->key.obj == o) {
		f->mode |= mode;
		if (cloexec >= 0)
			f->cloexec = cloexec;
		ghold(g, f->hold)->mode |= mode;
		return 0;
	}
	if (f)	/* the fd was reused: its close was not seen */
		fd_unbind(g, p, fd, ts, true);
	hi = hold_get(g, p, o, ts);
	if (hi == GN_NONE)
		return -ENOMEM;
	pn = gnode(g, p);
	if (!pn->fds) {
		pn->fds = malloc(sizeof(*pn->fds));
		if (!pn->fds)
			return -ENOMEM;
		vec__init(pn->fds, sizeof(struct gfd));
	}
	f = vec__push(pn->fds);
	if (!f)
		return -ENOMEM;
	*f = (struct gfd){ .fd = fd, .hold = hi, .mode = mode, .cloexec = cloexec > 0 };
	if (hmap__put(g->fd_idx, &k, pn->fds->len - 1)) {
		pn->fds->len--;
		return -ENOMEM;
	}
	ghold(g, hi)->nfds++;
	ghold(g, hi)->mode |= mode;
	hold_live(g, hi);
	return 0;
}

/* The fd modes of a binding are the graph's hold modes. */
_Static_assert(REC_MODE_READ == GH_READ && REC_MODE_WRITE == GH_WRITE, "fd modes");

/* Process and object of a record, with the fd bound.  *o is GN_NONE if no IPC object. */
static int bind_rec(struct graph *g, const struct ipc_hdr *h, const struct rec_bind *b, uint32_t *p,
		    uint32_t *o)
{
	int err;

	*o = GN_NONE;
	*p = proc_of(g, h);
	if (*p == GN_NONE)
		return -ENOMEM;
	err = obj_node(g, b->obj, b->name, h->ts_ns, o);
	if (err == -ENOENT) {
		*o = GN_NONE;
		return 0;
	}
	if (err)
		return err;
	return fd_bind(g, *p, b->fd, *o, b->mode, b->cloexec, h->ts_ns);
}

/* Edges */

/* One operation on an edge. */
struct gop {
	uint32_t proc;		/* the process (or kernel) node */
	uint32_t other;		/* the object, or the receiving process of a signal */
	bool out;		/* proc -> other (else other -> proc) */
	uint32_t other_tid;	/* signals: the receiving thread */
	int32_t sig;
	uint64_t bytes;
	uint64_t msgs;
	bool err;
};

static struct gedge *edge_get(struct graph *g, const struct gedge_key *k, uint64_t ts)
{
	struct gedge *e;
	bool created;
	uint32_t i;

	e = ktab__get(&g->edges, k, &created);
	if (!e || !created)
		return e;
	i = ktab__index(&g->edges, e);
	e->first_ns = ts;
	e->next_out = gnode(g, k->src)->out_head;
	e->next_in = gnode(g, k->dst)->in_head;
	gnode(g, k->src)->out_head = i;
	gnode(g, k->dst)->in_head = i;
	return e;
}

static void count(struct gcount *c, const struct ipc_hdr *h, const struct gop *op)
{
	c->ops++;
	c->bytes += op->bytes;
	c->msgs += op->msgs;
	if (op->err)
		c->errors++;
	if (h->flags & IPC_EVF_BLOCKED) {
		c->blocked_ops++;
		c->blocked_ns += h->dur_ns;
		if (h->dur_ns > c->max_blocked_ns)
			c->max_blocked_ns = h->dur_ns;
	}
}

static int edge_add(struct graph *g, const struct ipc_hdr *h, const struct gop *op)
{
	uint32_t tid = g->opts.threads && op->proc != g->kernel ? h->tid : 0;
	uint32_t otid = g->opts.threads ? op->other_tid : 0;
	struct gedge_key k = {
		.src = op->out ? op->proc : op->other,
		.dst = op->out ? op->other : op->proc,
		.src_tid = op->out ? tid : otid,
		.dst_tid = op->out ? otid : tid,
		.sig = op->sig,
	};
	struct gedge *e = edge_get(g, &k, h->ts_ns);

	if (!e)
		return -ENOMEM;
	count(&e->tot, h, op);
	count(&e->cur, h, op);
	if (h->ts_ns + h->dur_ns > e->last_ns)
		e->last_ns = h->ts_ns + h->dur_ns;
	return 0;
}

/* Records */

/* The model's reading of a record (decode/records.h), empty when it has none. */
static void rec_use(const struct ipc_hdr *h, struct rec_use *u)
{
	const struct rec_desc *d = rec_desc(h->type);

	memset(u, 0, sizeof(*u));
	if (d && d->use)
		d->use(h, u);
}

/* SEND and RECV: traffic through an fd, process -> object or object -> process. */
static int on_traffic(struct graph *g, const struct ipc_hdr *h, bool out)
{
	struct gop op = { .out = out, .err = h->ret < 0 };
	struct rec_use u;
	int err;

	rec_use(h, &u);
	if (!u.nr_binds)
		return 0;
	u.bind[0].mode = out ? GH_WRITE : GH_READ;
	err = bind_rec(g, h, &u.bind[0], &op.proc, &op.other);
	if (err || op.other == GN_NONE)
		return err;
	op.bytes = u.bytes;
	op.msgs = u.msgs;
	return edge_add(g, h, &op);
}

/* BIND and PAIR, and the fds of the start-of-trace snapshot. */
static int on_bind(struct graph *g, const struct ipc_hdr *h)
{
	struct rec_use u;
	uint32_t p, o;

	rec_use(h, &u);
	for (int i = 0; i < u.nr_binds; i++) {
		int err = bind_rec(g, h, &u.bind[i], &p, &o);

		if (err)
			return err;
	}
	return 0;
}

static int on_close(struct graph *g, const struct ipc_hdr *h, int fd)
{
	uint32_t p = proc_find(g, h->pid);

	if (p != GN_NONE)
		fd_unbind(g, p, fd, h->ts_ns, true);
	return 0;
}

/* close_range(first, last, flags): every fd known in the range closes, or turns close-on-exec. */
static int on_close_range(struct graph *g, const struct ipc_ev_fd *e)
{
	uint32_t p = proc_find(g, e->hdr.pid), first = (uint32_t)e->fd;
	struct vec *v = p == GN_NONE ? NULL : gnode(g, p)->fds;

	if (!v)
		return 0;
	/* backwards: fd_unbind moves the last element into the freed slot */
	for (size_t i = v->len; i-- > 0;) {
		struct gfd *f = vec__at(v, i);

		if ((uint32_t)f->fd < first || (uint32_t)f->fd > e->arg2)
			continue;
		if (e->arg & CLOSE_RANGE_CLOEXEC)
			f->cloexec = true;
		else
			fd_unbind(g, p, f->fd, e->hdr.ts_ns, true);
	}
	return 0;
}

static int on_setfd(struct graph *g, const struct ipc_ev_fd *e)
{
	uint32_t p = proc_find(g, e->hdr.pid);
	struct gfd *f = p == GN_NONE ? NULL : fd_find(g, p, e->fd);

	if (f)
		f->cloexec = e->arg & FD_CLOEXEC;
	return 0;
}

/* A new fd for the old one's object, with the old one's mode. */
static int on_dup(struct graph *g, const struct ipc_ev_fd *e)
{
	uint32_t pp = proc_find(g, e->hdr.pid), p, o;
	const struct gfd *old = pp == GN_NONE ? NULL : fd_find(g, pp, e->fd2);
	struct rec_use u;

	rec_use(&e->hdr, &u);
	if (!u.nr_binds)
		return 0;
	u.bind[0].mode = old ? old->mode : 0;
	return bind_rec(g, &e->hdr, &u.bind[0], &p, &o);
}

/* The fd lifetime roles, which only fd records have. */
static int on_fd_life(struct graph *g, const struct ipc_hdr *h, unsigned int role)
{
	const struct ipc_ev_fd *e = (const struct ipc_ev_fd *)h;

	if (h->type != IPC_REC_FD || h->ret < 0)
		return 0;
	switch (role) {
	case IPC_GRAPH_CLOSE:
		return on_close(g, h, e->fd);
	case IPC_GRAPH_CLOSE_RANGE:
		return on_close_range(g, e);
	case IPC_GRAPH_SETFD:
		return on_setfd(g, e);
	default:
		return on_dup(g, e);
	}
}

/*
 * WAKE, WAIT, USE and SYNC: an object without an fd (a futex word, a
 * semaphore set), used by its direction: 1 wakes others (process ->
 * object), -1 waits (object -> process), 0 neither; SYNC takes it from the
 * record.
 */
static int on_sync(struct graph *g, const struct ipc_hdr *h, int dir)
{
	struct gop op = { .err = h->ret < 0 };
	struct rec_use u;
	int err;

	rec_use(h, &u);
	if (u.ignore)
		return 0;
	if (ipc_op_graph(h->op) == IPC_GRAPH_SYNC)
		dir = u.dir;
	op.out = dir > 0;
	op.proc = proc_of(g, h);
	if (op.proc == GN_NONE)
		return -ENOMEM;
	err = rec_obj_node(g, h, &op.other);
	if (err)
		return err == -ENOENT ? 0 : err;
	err = hold_use(g, op.proc, op.other, h->ts_ns);
	if (err || !dir)
		return err;
	op.msgs = u.msgs;
	return edge_add(g, h, &op);
}

static int on_signal(struct graph *g, const struct ipc_ev_signal *e)
{
	const struct ipc_hdr *h = &e->hdr;
	struct gop op = { .out = true, .other_tid = e->target_tid, .sig = e->sig };

	/* the send syscall is seen again by generate, which also sees the kernel's */
	if (h->op != IPC_OP_SIGNAL_GENERATE || e->target_pid <= 0 ||
	    (uint32_t)e->target_pid == g->self_pid)
		return 0;
	op.proc = h->flags & IPC_EVF_KERNEL ? kernel_node(g, h->ts_ns) : proc_of(g, h);
	op.other = proc_node(g, e->target_pid, h->ts_ns, e->target_comm, sizeof(e->target_comm));
	if (op.proc == GN_NONE || op.other == GN_NONE)
		return -ENOMEM;
	op.msgs = e->result == IPC_SIG_DELIVERED;
	op.err = e->result == IPC_SIG_OVERFLOW_FAIL || e->result == IPC_SIG_LOSE_INFO;
	return edge_add(g, h, &op);
}

/* Processes */

/* A child starts with its parent's fds. */
static int proc_fork(struct graph *g, const struct ipc_ev_proc *e)
{
	uint32_t p = proc_find(g, e->hdr.pid), c;
	size_t n;

	if (p == GN_NONE || !gnode(g, p)->fds || !gnode(g, p)->fds->len)
		return 0;
	c = proc_node(g, e->child_pid, e->hdr.ts_ns, e->hdr.comm, sizeof(e->hdr.comm));
	if (c == GN_NONE)
		return -ENOMEM;
	n = gnode(g, p)->fds->len;
	for (size_t i = 0; i < n; i++) {
		struct gfd f = *(struct gfd *)vec__at(gnode(g, p)->fds, i);
		int err = fd_bind(g, c, f.fd, ghold(g, f.hold)->key.obj, f.mode, f.cloexec,
				  e->hdr.ts_ns);

		if (err)
			return err;
	}
	return 0;
}

/* exec closes the O_CLOEXEC fds; the others (a dup2'ed stdout) stay. */
static void proc_exec(struct graph *g, const struct ipc_hdr *h)
{
	uint32_t p = proc_find(g, h->pid);
	struct vec *v = p == GN_NONE ? NULL : gnode(g, p)->fds;

	if (!v)
		return;
	/* backwards: fd_unbind moves the last element into the freed slot */
	for (size_t i = v->len; i-- > 0;) {
		const struct gfd *f = vec__at(v, i);

		if (f->cloexec)
			fd_unbind(g, p, f->fd, h->ts_ns, true);
	}
}

static void proc_end(struct graph *g, const struct ipc_hdr *h)
{
	uint32_t p = proc_find(g, h->pid);
	struct gnode *n;

	if (p == GN_NONE)
		return;
	n = gnode(g, p);
	while (n->fds && n->fds->len) {
		const struct gfd *f = vec__at(n->fds, n->fds->len - 1);

		fd_unbind(g, p, f->fd, h->ts_ns, false);
	}
	fds_free(n);
	for (uint32_t i = n->hold_head; i != GN_NONE; i = ghold(g, i)->next_proc)
		hold_end(g, i, h->ts_ns, false);
	node_touch(n, h->ts_ns);
	node_end(g, p, h->ts_ns);
}

/* The targets are nodes even when they do nothing. */
static int on_meta(struct graph *g, const struct ipc_rec_meta *m)
{
	uint32_t n = m->nr_targets < 8 ? m->nr_targets : 8;

	g->self_pid = m->self_pid;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t p = proc_node(g, m->targets[i], m->hdr.ts_ns, NULL, 0);

		if (p == GN_NONE)
			return -ENOMEM;
		gnode(g, p)->traced = true;
	}
	return 0;
}

/* A process that existed when the trace started. */
static int on_task(struct graph *g, const struct ipc_hdr *h)
{
	if (h->pid != h->tid)
		return 0;
	return proc_of(g, h) == GN_NONE ? -ENOMEM : 0;
}

/* Aging out: ended nodes beyond the limit go, oldest first, with their edges and holds */

/* Rebuild every map and list from the vecs, after they were compacted. */
static int reindex(struct graph *g)
{
	int err = 0;

	err |= ktab__reindex(&g->nodes);
	err |= ktab__reindex(&g->edges);
	err |= ktab__reindex(&g->holds);
	hmap__clear(g->fd_idx);
	hmap__clear(g->alias_idx);
	for (uint32_t i = 0; i < ktab__len(&g->nodes); i++) {
		struct gnode *n = gnode(g, i);

		n->out_head = n->in_head = n->hold_head = GN_NONE;
		for (int a = 0; a < 2; a++)
			if (n->alias[a])
				err |= hmap__put(g->alias_idx, &n->alias[a], i);
		for (size_t pos = 0; n->fds && pos < n->fds->len; pos++) {
			struct gfd_key k = { .proc = i, .fd = vec_at(n->fds, struct gfd, pos)->fd };

			err |= hmap__put(g->fd_idx, &k, pos);
		}
	}
	for (uint32_t i = 0; i < ktab__len(&g->edges); i++) {
		struct gedge *e = gedge(g, i);

		e->next_out = gnode(g, e->key.src)->out_head;
		e->next_in = gnode(g, e->key.dst)->in_head;
		gnode(g, e->key.src)->out_head = gnode(g, e->key.dst)->in_head = i;
	}
	for (uint32_t i = 0; i < ktab__len(&g->holds); i++) {
		struct ghold *h = ghold(g, i);

		h->next_obj = gnode(g, h->key.obj)->hold_head;
		h->next_proc = gnode(g, h->key.proc)->hold_head;
		gnode(g, h->key.obj)->hold_head = gnode(g, h->key.proc)->hold_head = i;
	}
	return err ? -ENOMEM : 0;
}

/* Drop the dead nodes, and the edges and holds that touch them; renumber the rest. */
static void compact_edges_holds(struct graph *g, const uint32_t *nmap, uint32_t *hmap_)
{
	uint32_t j = 0;

	for (uint32_t i = 0; i < ktab__len(&g->edges); i++) {
		struct gedge e = *gedge(g, i);

		e.key.src = nmap[e.key.src];
		e.key.dst = nmap[e.key.dst];
		if (e.key.src == GN_NONE || e.key.dst == GN_NONE) {
			g->aged_edges++;
			continue;
		}
		*gedge(g, j++) = e;
	}
	g->edges.rows.len = j;
	j = 0;
	for (uint32_t i = 0; i < ktab__len(&g->holds); i++) {
		struct ghold h = *ghold(g, i);

		h.key.proc = nmap[h.key.proc];
		h.key.obj = nmap[h.key.obj];
		hmap_[i] = GN_NONE;
		if (h.key.proc == GN_NONE || h.key.obj == GN_NONE)
			continue;
		hmap_[i] = j;
		*ghold(g, j++) = h;
	}
	g->holds.rows.len = j;
}

static int compact(struct graph *g)
{
	uint32_t *nmap = malloc((ktab__len(&g->nodes) + 1) * sizeof(*nmap));
	uint32_t *hmap_ = malloc((ktab__len(&g->holds) + 1) * sizeof(*hmap_));
	uint32_t j = 0;
	int err = -ENOMEM;

	if (!nmap || !hmap_)
		goto out_free;
	for (uint32_t i = 0; i < ktab__len(&g->nodes); i++) {
		struct gnode *n = gnode(g, i);

		nmap[i] = GN_NONE;
		if (n->dead) {
			fds_free(n);
			g->aged_nodes++;
			g->nr_ended--;
			continue;
		}
		nmap[i] = j;
		*gnode(g, j++) = *n;
	}
	g->nodes.rows.len = j;
	compact_edges_holds(g, nmap, hmap_);
	/* a live fd never points at a dead object (its hold would be live): renumber */
	vec_for_each(&g->nodes.rows, struct gnode, n) {
		for (size_t pos = 0; n->fds && pos < n->fds->len; pos++) {
			struct gfd *f = vec_at(n->fds, struct gfd, pos);

			f->hold = hmap_[f->hold];
		}
	}
	if (g->kernel != GN_NONE)
		g->kernel = nmap[g->kernel];
	err = reindex(g);
out_free:
	free(nmap);
	free(hmap_);
	return err;
}

struct age_ent {
	uint64_t end_ns;
	uint32_t idx;
};

static int cmp_age(const void *a, const void *b)
{
	const struct age_ent *x = a, *y = b;

	if (x->end_ns != y->end_ns)
		return x->end_ns < y->end_ns ? -1 : 1;
	return x->idx < y->idx ? -1 : 1;
}

/* Down to three quarters of the limit, so that aging runs once per many endings. */
static int graph_age(struct graph *g)
{
	size_t keep = g->opts.max_ended - g->opts.max_ended / 4, k = 0;
	struct age_ent *v;

	g->age_pending = false;
	if (g->nr_ended <= g->opts.max_ended)
		return 0;
	v = malloc(g->nr_ended * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t i = 0; i < ktab__len(&g->nodes) && k < g->nr_ended; i++)
		if (gnode(g, i)->ended)
			v[k++] = (struct age_ent){ .end_ns = gnode(g, i)->end_ns, .idx = i };
	qsort(v, k, sizeof(*v), cmp_age);
	for (size_t i = 0; i + keep < k; i++)
		gnode(g, v[i].idx)->dead = true;
	free(v);
	return compact(g);
}

/* An event, by what its op does to the model (ipc_ops.def's graph column). */
static int on_event(struct graph *g, const struct ipc_hdr *h)
{
	unsigned int role = ipc_op_graph(h->op);

	switch (role) {
	case IPC_GRAPH_SEND:
	case IPC_GRAPH_RECV:
		return on_traffic(g, h, role == IPC_GRAPH_SEND);
	case IPC_GRAPH_BIND:
	case IPC_GRAPH_PAIR:
		return on_bind(g, h);
	case IPC_GRAPH_CLOSE:
	case IPC_GRAPH_CLOSE_RANGE:
	case IPC_GRAPH_SETFD:
	case IPC_GRAPH_DUP:
		return on_fd_life(g, h, role);
	case IPC_GRAPH_WAKE:
		return on_sync(g, h, 1);
	case IPC_GRAPH_WAIT:
		return on_sync(g, h, -1);
	case IPC_GRAPH_USE:
	case IPC_GRAPH_SYNC:
		return on_sync(g, h, 0);
	case IPC_GRAPH_SIGNAL:
		return h->type == IPC_REC_SIGNAL ? on_signal(g, (const void *)h) : 0;
	case IPC_GRAPH_FORK:
		return h->type == IPC_REC_PROC ? proc_fork(g, (const void *)h) : 0;
	case IPC_GRAPH_EXEC:
		proc_exec(g, h);
		return 0;
	case IPC_GRAPH_EXIT:
		proc_end(g, h);
		return 0;
	default:
		return 0;
	}
}

int graph__reader_left(const struct graph *g, const struct ipc_obj *o, uint32_t writer_pid,
		       struct graph_left *out)
{
	struct gkey k = { .type = GN_OBJ };
	const struct gnode *n;
	uint64_t idx;

	if (objkey__from_obj(o, &k.obj))
		return -ENOENT;
	/* a socket of a known connection, whose peer is gone, is that connection */
	if (!sock_alone(o) || hmap__get(g->alias_idx, &o->ino, &idx)) {
		idx = node_find(g, &k);
		if (idx == GN_NONE)
			return -ENOENT;
	}
	n = gnode(g, idx);
	if (!n->left.how || (n->left.pid == writer_pid && !(is_stream_sock(o) && n->left.ino &&
							     n->left.ino != o->ino)))
		return -ENOENT;
	*out = n->left;
	return 0;
}

int graph__event(struct graph *g, const struct ipc_hdr *h, size_t len)
{
	int err = 0;

	if (g->self_pid && h->pid == g->self_pid && h->type != IPC_REC_META)
		return 0;
	g->cur_tid = h->tid;
	g->cur_ino = 0;
	if (h->type == IPC_REC_FD && h->op == IPC_OP_FD_CLOSE)
		g->cur_ino = ((const struct ipc_ev_fd *)h)->obj.ino;
	if (rec_is_event(h))
		err = on_event(g, h);
	else if (h->type == IPC_REC_META)
		err = on_meta(g, (const void *)h);
	else if (h->type == IPC_REC_TASK)
		err = on_task(g, h);
	else if (h->type == IPC_REC_FDSNAP)
		err = on_bind(g, h);
	if (!err && g->age_pending)
		err = graph_age(g);
	return err;
}

/* Names for the writers */

size_t graph_node_id(const struct graph *g, uint32_t i, char *buf, size_t len)
{
	const struct gnode *n = gnode(g, i);

	switch (n->key.type) {
	case GN_PROC:
		return snprintf(buf, len, "pid:%u", n->key.pid);
	case GN_KERNEL:
		return snprintf(buf, len, "kernel");
	default:
		return objkey__format(buf, len, &n->key.obj, n->sample.kind ? &n->sample : NULL,
				      n->name);
	}
}

size_t graph_tid_id(uint32_t tid, char *buf, size_t len)
{
	return snprintf(buf, len, "tid:%u", tid);
}

/*
 * proctab starts a new entry when a pid is reused, so the newest entry of
 * a pid may be a later process.  For an ended node, the entry that was
 * current at its end is the process the node is about.
 */
const struct proc_info *graph_proc_info(const struct graph *g, uint32_t i)
{
	const struct proctab *pt = collector__procs_const(g->c);
	const struct gnode *n = gnode(g, i);
	const struct proc_info *pi = proctab__get(pt, n->key.pid);

	if (!pi || !n->ended || pi->first_ns <= n->end_ns)
		return pi;
	for (size_t k = proctab__count(pt); k-- > 0;) {
		const struct proc_info *o = proctab__at(pt, k);

		if (o->pid == n->key.pid && o->first_ns <= n->end_ns)
			return o;
	}
	return pi;
}

const char *graph_comm(const struct graph *g, uint32_t i)
{
	const struct gnode *n = gnode(g, i);
	const struct proc_info *pi;

	if (n->key.type == GN_KERNEL)
		return "kernel";
	pi = graph_proc_info(g, i);
	if (pi && pi->comm && pi->comm[0] && strcmp(pi->comm, "?"))
		return pi->comm;
	return n->comm ? n->comm : "?";
}

const char *graph_kind_name(unsigned int kind)
{
	const char *s = ipc_obj_kind_name(kind);

	return s ? s : "other";
}

uint32_t graph_edge_obj(const struct graph *g, const struct gedge *e)
{
	if (e->key.sig)
		return GN_NONE;
	return gnode(g, e->key.src)->key.type == GN_OBJ ? e->key.src : e->key.dst;
}

uint32_t graph_edge_proc(const struct graph *g, const struct gedge *e)
{
	if (e->key.sig)
		return gnode(g, e->key.src)->key.type == GN_PROC ? e->key.src : GN_NONE;
	return gnode(g, e->key.src)->key.type == GN_OBJ ? e->key.dst : e->key.src;
}

const char *graph_edge_mech(const struct graph *g, const struct gedge *e)
{
	if (e->key.sig)
		return "signal";
	return graph_kind_name(gnode(g, graph_edge_obj(g, e))->key.obj.kind);
}

const char *graph_edge_op(const struct graph *g, const struct gedge *e)
{
	bool out = gnode(g, e->key.dst)->key.type == GN_OBJ;

	if (e->key.sig)
		return "signal";
	switch (gnode(g, graph_edge_obj(g, e))->key.obj.kind) {
	case IPC_OBJ_PIPE:
	case IPC_OBJ_FIFO:
		return out ? "write" : "read";
	case IPC_OBJ_MQ:
		return out ? "send" : "receive";
	case IPC_OBJ_FUTEX:
		return out ? "wake" : "wait";
	case IPC_OBJ_SEM:
		return out ? "post" : "wait";
	default:
		return out ? "send" : "recv";
	}
}

size_t graph__holders(const struct graph *g, const struct objkey *k, unsigned int ends,
		      uint32_t *pids, size_t max)
{
	struct gkey key = { .type = GN_OBJ, .obj = *k };
	uint32_t idx = node_find(g, &key);
	size_t n = 0;

	if (idx == GN_NONE)
		return 0;
	for (uint32_t h = gnode(g, idx)->hold_head; h != GN_NONE; h = ghold(g, h)->next_obj) {
		const struct ghold *x = ghold(g, h);

		if (!x->live || (ends && x->mode && !(x->mode & ends)))
			continue;
		if (n < max)
			pids[n] = gnode(g, x->key.proc)->key.pid;
		n++;
	}
	return n;
}

const char *graph__comm(const struct graph *g, uint32_t pid)
{
	uint32_t i = proc_find(g, pid);

	return i == GN_NONE ? NULL : graph_comm(g, i);
}

void graph__stats(const struct graph *g, struct graph_stats *st)
{
	memset(st, 0, sizeof(*st));
	vec_for_each(&g->nodes.rows, struct gnode, n) {
		if (n->key.type == GN_PROC)
			st->procs++;
		else if (n->key.type == GN_OBJ)
			st->objects++;
	}
	st->edges = ktab__len(&g->edges);
	st->holds = ktab__len(&g->holds);
	st->ended = g->nr_ended;
	st->aged_nodes = g->aged_nodes;
	st->aged_edges = g->aged_edges;
}

/* The sink */

static int sink_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	return graph__event(container_of(sk, struct graph, sink), h, len);
}

static void sink_report(struct sink *sk, struct report *r)
{
	graph_view_report(container_of(sk, struct graph, sink), r);
}

static void sink_interval_end(struct sink *sk)
{
	struct graph *g = container_of(sk, struct graph, sink);

	vec_for_each(&g->edges.rows, struct gedge, e)
		memset(&e->cur, 0, sizeof(e->cur));
}

static void sink_free(struct sink *sk)
{
	graph__free(container_of(sk, struct graph, sink));
}

static const struct sink_ops graph_sink_ops = {
	.name = "graph",
	.event = sink_event,
	.report = sink_report,
	.interval_end = sink_interval_end,
	.free = sink_free,
};

void graph__for_each_edge(struct graph *g, void (*fn)(void *ctx, const struct graph_edge_info *e),
			  void *ctx)
{
	for (size_t i = 0; i < ktab__len(&g->edges); i++) {
		const struct gedge *e = gedge(g, i);
		uint32_t p = graph_edge_proc(g, e);
		struct graph_edge_info info = {
			.mech = graph_edge_mech(g, e),
			.op = graph_edge_op(g, e),
			.comm = p == GN_NONE ? "kernel" : graph_comm(g, p),
			.ops = e->tot.ops,
			.bytes = e->tot.bytes,
			.errors = e->tot.errors,
			.blocked_ns = e->tot.blocked_ns,
		};

		graph_node_id(g, e->key.src, info.src, sizeof(info.src));
		graph_node_id(g, e->key.dst, info.dst, sizeof(info.dst));
		fn(ctx, &info);
	}
}
