// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The graph exported: Graphviz DOT and JSON, full (processes, objects,
 * holds) or collapsed to process -> process edges, one per pair and
 * mechanism.  The JSON schema is documented in the README ("IPC graph").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/graph_int.h"
#include "decode/names.h"
#include "lib/json.h"
#include "lib/safefile.h"
#include "model/collector.h"
#include "model/proctab.h"
#include "output/format.h"

#define ID_LEN		160
#define COBJS		8	/* objects listed per collapsed edge */
#define CKIND_SIGNAL	0xff	/* collapsed mechanism of signal edges */

/* Node ids, made unique: two queues of one name, one unlinked, would clash. */
struct ids {
	char *buf;		/* nodes.len * ID_LEN */
};

static const char *id_of(const struct ids *ids, uint32_t n)
{
	return ids->buf + (size_t)n * ID_LEN;
}

static int ids_build(const struct graph *g, struct ids *ids)
{
	struct hmap *seen = hmap__new(ID_LEN);
	int err = 0;

	ids->buf = calloc(ktab__len(&g->nodes) + 1, ID_LEN);
	if (!ids->buf || !seen) {
		hmap__free(seen);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < ktab__len(&g->nodes) && !err; i++) {
		char *id = ids->buf + (size_t)i * ID_LEN, key[ID_LEN];
		bool created;
		uint64_t *nr;

		graph_node_id(g, i, id, ID_LEN - 8);
		memset(key, 0, sizeof(key));
		snprintf(key, sizeof(key), "%s", id);
		nr = hmap__upsert(seen, key, 1, &created);
		if (!nr)
			err = -ENOMEM;
		else if (!created)
			snprintf(id + strlen(id), 8, "#%llu", (unsigned long long)++*nr);
	}
	hmap__free(seen);
	return err;
}

/* The id of an edge's end: the node, or its thread (--threads). */
static const char *end_id(const struct ids *ids, uint32_t node, uint32_t tid, char *buf,
			  size_t len)
{
	if (!tid)
		return id_of(ids, node);
	graph_tid_id(tid, buf, len);
	return buf;
}

/* Holds worth drawing: still open, or open until the process ended (not closed). */
static bool hold_shown(const struct ghold *h)
{
	return h->live || !h->closed;
}

static bool has_traffic(const struct graph *g, uint32_t proc, uint32_t obj)
{
	for (uint32_t i = gnode(g, proc)->out_head; i != GN_NONE; i = gedge(g, i)->next_out)
		if (gedge(g, i)->key.dst == obj)
			return true;
	for (uint32_t i = gnode(g, proc)->in_head; i != GN_NONE; i = gedge(g, i)->next_in)
		if (gedge(g, i)->key.src == obj)
			return true;
	return false;
}

/* Threads seen on edges (--threads): sorted (process node, tid) pairs */

struct gthread {
	uint32_t node;
	uint32_t tid;
};

static int cmp_threads(const void *a, const void *b)
{
	const struct gthread *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int threads_collect(const struct graph *g, struct vec *out)
{
	size_t j = 0;

	vec__init(out, sizeof(struct gthread));
	vec_for_each(&g->edges.rows, struct gedge, e) {
		uint32_t ends[2][2] = { { e->key.src, e->key.src_tid },
					{ e->key.dst, e->key.dst_tid } };

		for (int k = 0; k < 2; k++) {
			struct gthread *t;

			if (!ends[k][1])
				continue;
			t = vec__push(out);
			if (!t)
				return -ENOMEM;
			*t = (struct gthread){ .node = ends[k][0], .tid = ends[k][1] };
		}
	}
	if (!out->len)
		return 0;
	qsort(out->data, out->len, sizeof(struct gthread), cmp_threads);
	for (size_t i = 1; i < out->len; i++)
		if (cmp_threads(vec__at(out, i), vec__at(out, j)))
			*vec_at(out, struct gthread, ++j) = *vec_at(out, struct gthread, i);
	out->len = j + 1;
	return 0;
}

static const char *thread_comm(const struct graph *g, uint32_t tid)
{
	const struct thread_info *t = proctab__thread(collector__procs_const(g->c), tid);

	return t && t->comm && t->comm[0] ? t->comm : "?";
}

/* Collapsed view: process -> process per mechanism */

struct cedge_key {
	uint32_t src;
	uint32_t dst;
	uint32_t kind;		/* object kind, or CKIND_SIGNAL */
};

struct cedge {
	struct cedge_key key;
	struct gcount sent;	/* the sender's side (all its traffic into the objects) */
	struct gcount recv;	/* the receiver's side */
	uint64_t sigmask;	/* signals 1..64 */
	uint32_t objs[COBJS];
	uint32_t nobjs;		/* listed in objs */
	uint32_t more_objs;
	bool idle;		/* no traffic: both hold the object */
};

struct collapsed {
	struct ktab edges;	/* struct cedge by struct cedge_key */
	bool show_idle;		/* --graph-idle */
	uint64_t idle_hidden;	/* idle edges left out (not show_idle) */
	struct vec send;	/* scratch: struct side, one object's senders */
	struct vec recv;	/* scratch: its receivers */
};

/* One process's traffic into (or out of) one object, threads merged. */
struct side {
	uint32_t proc;
	struct gcount c;
};

static void gcount_add(struct gcount *a, const struct gcount *b)
{
	a->ops += b->ops;
	a->bytes += b->bytes;
	a->msgs += b->msgs;
	a->errors += b->errors;
	a->blocked_ops += b->blocked_ops;
	a->blocked_ns += b->blocked_ns;
	if (b->max_blocked_ns > a->max_blocked_ns)
		a->max_blocked_ns = b->max_blocked_ns;
}

static struct cedge *cedge_get(struct collapsed *cv, uint32_t src, uint32_t dst, uint32_t kind)
{
	struct cedge_key k = { .src = src, .dst = dst, .kind = kind };
	return ktab__get(&cv->edges, &k, NULL);
}

static void cedge_add_obj(struct cedge *e, uint32_t obj)
{
	for (uint32_t i = 0; i < e->nobjs; i++)
		if (e->objs[i] == obj)
			return;
	if (e->nobjs < COBJS)
		e->objs[e->nobjs++] = obj;
	else
		e->more_objs++;
}

static int side_add(struct vec *v, uint32_t proc, const struct gcount *c)
{
	struct side *s;

	vec_for_each(v, struct side, x) {
		if (x->proc == proc) {
			gcount_add(&x->c, c);
			return 0;
		}
	}
	s = vec__push(v);
	if (!s)
		return -ENOMEM;
	s->proc = proc;
	gcount_add(&s->c, c);
	return 0;
}

/* Every sender to every other receiver of one object. */
static int collapse_obj(const struct graph *g, struct collapsed *cv, uint32_t obj)
{
	const struct gnode *o = gnode(g, obj);
	int err = 0;

	vec__clear(&cv->send);
	vec__clear(&cv->recv);
	for (uint32_t i = o->in_head; i != GN_NONE && !err; i = gedge(g, i)->next_in)
		err = side_add(&cv->send, gedge(g, i)->key.src, &gedge(g, i)->tot);
	for (uint32_t i = o->out_head; i != GN_NONE && !err; i = gedge(g, i)->next_out)
		err = side_add(&cv->recv, gedge(g, i)->key.dst, &gedge(g, i)->tot);
	vec_for_each(&cv->send, struct side, s) {
		vec_for_each(&cv->recv, struct side, r) {
			struct cedge *e;

			if (s->proc == r->proc || err)
				continue;
			e = cedge_get(cv, s->proc, r->proc, o->key.obj.kind);
			if (!e) {
				err = -ENOMEM;
				continue;
			}
			gcount_add(&e->sent, &s->c);
			gcount_add(&e->recv, &r->c);
			cedge_add_obj(e, obj);
		}
	}
	return err;
}

/* An object nobody moved anything through: its holders are linked, undirected. */
static int collapse_idle(const struct graph *g, struct collapsed *cv, uint32_t obj)
{
	const struct gnode *o = gnode(g, obj);
	uint32_t writer = GN_NONE;

	vec__clear(&cv->send);
	for (uint32_t i = o->hold_head; i != GN_NONE; i = ghold(g, i)->next_obj) {
		const struct ghold *h = ghold(g, i);
		struct gcount zero = {};

		if (hold_shown(h) && side_add(&cv->send, h->key.proc, &zero))
			return -ENOMEM;
		if (hold_shown(h) && h->mode == GH_WRITE)
			writer = h->key.proc;
	}
	for (size_t a = 0; a < cv->send.len; a++) {
		for (size_t b = a + 1; b < cv->send.len; b++) {
			uint32_t pa = vec_at(&cv->send, struct side, a)->proc;
			uint32_t pb = vec_at(&cv->send, struct side, b)->proc;
			/* the writer of an idle pipe first, else the first seen */
			bool swap = pb == writer || (pa != writer && pb < pa);
			struct cedge *e = cedge_get(cv, swap ? pb : pa, swap ? pa : pb,
						    o->key.obj.kind);

			if (!e)
				return -ENOMEM;
			e->idle = true;
			cedge_add_obj(e, obj);
		}
	}
	return 0;
}

static void collapsed_free(struct collapsed *cv)
{
	ktab__release(&cv->edges);
	vec__release(&cv->send);
	vec__release(&cv->recv);
}

/*
 * An edge of idle objects only.  A process pair holding the postmaster-death
 * pipe of 12 PostgreSQL processes is 66 of them: they bury the traffic, so
 * they are counted and left out unless asked for (--graph-idle).
 */
static bool cedge_idle(const struct cedge *e)
{
	return e->idle && !e->sent.ops && !e->recv.ops;
}

static bool cedge_shown(const struct collapsed *cv, const struct cedge *e)
{
	return cv->show_idle || !cedge_idle(e);
}

static int collapsed_build(const struct graph *g, struct collapsed *cv, bool show_idle)
{
	int err = 0;

	vec__init(&cv->send, sizeof(struct side));
	vec__init(&cv->recv, sizeof(struct side));
	if (ktab__init(&cv->edges, sizeof(struct cedge), sizeof(struct cedge_key),
		       offsetof(struct cedge, key)))
		return -ENOMEM;
	vec_for_each(&g->edges.rows, struct gedge, e) {
		struct cedge *c;

		if (!e->key.sig)
			continue;
		c = cedge_get(cv, e->key.src, e->key.dst, CKIND_SIGNAL);
		if (!c)
			return -ENOMEM;
		gcount_add(&c->sent, &e->tot);
		if (e->key.sig > 0 && e->key.sig <= 64)
			c->sigmask |= 1ull << (e->key.sig - 1);
	}
	for (uint32_t i = 0; i < ktab__len(&g->nodes) && !err; i++) {
		const struct gnode *n = gnode(g, i);

		if (n->key.type != GN_OBJ)
			continue;
		if (n->in_head == GN_NONE && n->out_head == GN_NONE)
			err = collapse_idle(g, cv, i);
		else
			err = collapse_obj(g, cv, i);
	}
	cv->show_idle = show_idle;
	vec_for_each(&cv->edges.rows, struct cedge, e) {
		/* an edge that also carries traffic is not idle: idle objects only add to its list */
		e->idle = cedge_idle(e);
		cv->idle_hidden += !cedge_shown(cv, e);
	}
	return err;
}

/* Text helpers */

static void counts_label(char *buf, size_t len, const char *what, const struct gcount *c)
{
	char bytes[32], blk[32], max[32];
	size_t off;

	off = snprintf(buf, len, "%s x%llu", what, (unsigned long long)c->ops);
	if (c->bytes && off < len) {
		fmt_bytes(bytes, sizeof(bytes), c->bytes);
		off += snprintf(buf + off, len - off, "\n%s", bytes);
	}
	if (c->errors && off < len)
		off += snprintf(buf + off, len - off, "\n%llu errors",
				(unsigned long long)c->errors);
	if (c->blocked_ns && off < len) {
		fmt_duration(blk, sizeof(blk), c->blocked_ns);
		fmt_duration(max, sizeof(max), c->max_blocked_ns);
		snprintf(buf + off, len - off, "\nblocked %s (max %s)", blk, max);
	}
}

/* "SIGUSR1,SIGUSR2" */
static void sigmask_text(uint64_t mask, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int s = 1; s <= 64 && off < len; s++) {
		char name[24];

		if (mask & (1ull << (s - 1)))
			off += snprintf(buf + off, len - off, "%s%s", off ? "," : "",
					ipc_signal_name(s, name, sizeof(name)));
	}
}

/* DOT */

/* A quoted DOT string: quotes and backslashes escaped, newlines as \n, no odd bytes. */
static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else
			fputc(ch < 0x20 || ch >= 0x7f ? '?' : ch, f);
	}
	fputc('"', f);
}

void graph__dot_str(FILE *f, const char *s)
{
	dot_str(f, s);
}

struct kind_style {
	const char *shape;
	const char *fill;
};

/* Object node shapes: a pipe as a one-way arrow, sockets as polygons, a queue as a stack. */
static const struct kind_style kind_styles[IPC_OBJ_KIND_MAX] = {
	[IPC_OBJ_PIPE]	= { "cds", "#fff2cc" },
	[IPC_OBJ_FIFO]	= { "cds", "#ffe599" },
	[IPC_OBJ_UNIX]	= { "hexagon", "#d9ead3" },
	[IPC_OBJ_TCP]	= { "octagon", "#d0e0e3" },
	[IPC_OBJ_UDP]	= { "septagon", "#d0e0e3" },
	[IPC_OBJ_INET]	= { "ellipse", "#d0e0e3" },
	[IPC_OBJ_SOCK]	= { "ellipse", "#eeeeee" },
	[IPC_OBJ_MQ]	= { "box3d", "#f4cccc" },
	[IPC_OBJ_FUTEX]	= { "diamond", "#ead1dc" },
	[IPC_OBJ_SEM]	= { "trapezium", "#e6b8af" },
	[IPC_OBJ_OTHER]	= { "ellipse", "#eeeeee" },
};

static void dot_proc(FILE *f, const struct graph *g, const struct ids *ids, uint32_t i)
{
	const struct gnode *n = gnode(g, i);
	char label[160];

	if (n->key.type == GN_KERNEL) {
		fprintf(f, "\t\"kernel\" [shape=doubleoctagon, style=filled, "
			   "fillcolor=\"#666666\", fontcolor=white, label=\"kernel\"];\n");
		return;
	}
	snprintf(label, sizeof(label), "%s\npid %u%s%s", graph_comm(g, i), n->key.pid,
		 n->ended ? "\nexited" : "", n->traced ? "" : "\n(not traced)");
	fputc('\t', f);
	dot_str(f, id_of(ids, i));
	fprintf(f, " [shape=box, style=\"%s\", fillcolor=\"%s\", label=",
		n->traced ? "rounded,filled" : "rounded,filled,dashed",
		n->traced ? "#cfe2f3" : "#eeeeee");
	dot_str(f, label);
	fputs("];\n", f);
}

/* A process with its threads (--threads): a cluster holding both. */
static void dot_proc_threads(FILE *f, const struct graph *g, const struct ids *ids, uint32_t i,
			     const struct vec *threads)
{
	char label[160], tid[32];

	fputs("\tsubgraph ", f);
	snprintf(label, sizeof(label), "cluster_%s", id_of(ids, i));
	dot_str(f, label);
	snprintf(label, sizeof(label), "%s[%u]", graph_comm(g, i), gnode(g, i)->key.pid);
	fputs(" {\n\tstyle=rounded;\n\tcolor=\"#6fa8dc\";\n\tlabel=", f);
	dot_str(f, label);
	fputs(";\n", f);
	dot_proc(f, g, ids, i);
	vec_for_each(threads, struct gthread, t) {
		if (t->node != i)
			continue;
		graph_tid_id(t->tid, tid, sizeof(tid));
		snprintf(label, sizeof(label), "%s\ntid %u", thread_comm(g, t->tid), t->tid);
		fputc('\t', f);
		dot_str(f, tid);
		fputs(" [shape=ellipse, style=filled, fillcolor=\"#e8f0fb\", label=", f);
		dot_str(f, label);
		fputs("];\n", f);
	}
	fputs("\t}\n", f);
}

static void dot_obj(FILE *f, const struct graph *g, const struct ids *ids, uint32_t i)
{
	const struct gnode *n = gnode(g, i);
	const struct kind_style *st = &kind_styles[n->key.obj.kind < IPC_OBJ_KIND_MAX ?
						   n->key.obj.kind : IPC_OBJ_OTHER];
	char label[ID_LEN + IPC_NAME_LEN + 16];

	if (!st->shape)
		st = &kind_styles[IPC_OBJ_OTHER];
	/* a queue's id has its name; a socket's or FIFO's path is worth a line */
	snprintf(label, sizeof(label), "%s%s%s%s", id_of(ids, i),
		 n->name && n->key.obj.kind != IPC_OBJ_MQ ? "\n" : "",
		 n->name && n->key.obj.kind != IPC_OBJ_MQ ? n->name : "",
		 !n->ended ? "" : n->key.obj.kind == IPC_OBJ_FUTEX ||
				  n->key.obj.kind == IPC_OBJ_SEM ? "\nended" : "\nclosed");
	fputc('\t', f);
	dot_str(f, id_of(ids, i));
	fprintf(f, " [shape=%s, style=filled, fillcolor=\"%s\", label=", st->shape, st->fill);
	dot_str(f, label);
	fputs("];\n", f);
}

static void dot_edge_line(FILE *f, const char *src, const char *dst, const char *label,
			  const char *attrs)
{
	fputc('\t', f);
	dot_str(f, src);
	fputs(" -> ", f);
	dot_str(f, dst);
	fputs(" [label=", f);
	dot_str(f, label);
	fprintf(f, "%s%s];\n", attrs[0] ? ", " : "", attrs);
}

static void dot_edges(FILE *f, const struct graph *g, const struct ids *ids)
{
	char label[256], sa[32], da[32], name[24];

	vec_for_each(&g->edges.rows, struct gedge, e) {
		const char *attrs = "";

		if (e->key.sig) {
			snprintf(label, sizeof(label), "%s x%llu",
				 ipc_signal_name(e->key.sig, name, sizeof(name)),
				 (unsigned long long)e->tot.ops);
			attrs = e->key.src == g->kernel ?
				"color=\"#cc0000\", fontcolor=\"#cc0000\", style=dashed" :
				"color=\"#cc0000\", fontcolor=\"#cc0000\"";
		} else {
			counts_label(label, sizeof(label), graph_edge_op(g, e), &e->tot);
			if (!strcmp(graph_edge_mech(g, e), "futex"))
				attrs = "color=\"#741b47\", fontcolor=\"#741b47\"";
		}
		dot_edge_line(f, end_id(ids, e->key.src, e->key.src_tid, sa, sizeof(sa)),
			      end_id(ids, e->key.dst, e->key.dst_tid, da, sizeof(da)), label,
			      attrs);
	}
}

/* Holds without traffic: who keeps an idle channel (or an unread pipe end) open. */
static void dot_holds(FILE *f, const struct graph *g, const struct ids *ids)
{
	vec_for_each(&g->holds.rows, struct ghold, h) {
		bool rd = h->mode == GH_READ;

		if (!hold_shown(h) || has_traffic(g, h->key.proc, h->key.obj))
			continue;
		dot_edge_line(f, id_of(ids, rd ? h->key.obj : h->key.proc),
			      id_of(ids, rd ? h->key.proc : h->key.obj), h->live ? "holds" : "held",
			      "style=dashed, color=gray50, fontcolor=gray50, arrowhead=none");
	}
}

static void dot_header(FILE *f, const struct graph_write_opts *o, uint64_t idle_hidden)
{
	char title[400], hidden[80] = "";

	if (idle_hidden)
		snprintf(hidden, sizeof(hidden), "; %llu idle edges hidden (--graph-idle)",
			 (unsigned long long)idle_hidden);
	snprintf(title, sizeof(title), "ipctrace%s%s%s%s", o->title ? ": " : "",
		 o->title ? o->title : "", o->collapse ? " (processes)" : "", hidden);
	fputs("digraph ipctrace {\n\tgraph [rankdir=LR, labelloc=t, fontsize=12, label=", f);
	dot_str(f, title);
	fputs("];\n\tnode [fontsize=10];\n\tedge [fontsize=9];\n", f);
}

static void dot_collapsed(FILE *f, const struct graph *g, const struct ids *ids,
			  const struct collapsed *cv)
{
	char label[300], sigs[200];

	vec_for_each(&cv->edges.rows, struct cedge, e) {
		const char *attrs = "";

		if (!cedge_shown(cv, e))
			continue;
		if (e->key.kind == CKIND_SIGNAL) {
			sigmask_text(e->sigmask, sigs, sizeof(sigs));
			counts_label(label, sizeof(label), sigs, &e->sent);
			attrs = "color=\"#cc0000\", fontcolor=\"#cc0000\"";
		} else if (e->idle) {
			snprintf(label, sizeof(label), "%s (idle)", graph_kind_name(e->key.kind));
			attrs = "style=dashed, color=gray50, fontcolor=gray50, dir=none";
		} else {
			counts_label(label, sizeof(label), graph_kind_name(e->key.kind), &e->sent);
		}
		dot_edge_line(f, id_of(ids, e->key.src), id_of(ids, e->key.dst), label, attrs);
	}
}

static int dot_full(FILE *f, const struct graph *g, const struct ids *ids)
{
	struct vec threads;
	int err = 0;

	if (g->opts.threads)
		err = threads_collect(g, &threads);
	for (uint32_t i = 0; i < ktab__len(&g->nodes) && !err; i++) {
		const struct gnode *n = gnode(g, i);

		if (n->key.type == GN_OBJ)
			dot_obj(f, g, ids, i);
		else if (g->opts.threads && n->key.type == GN_PROC)
			dot_proc_threads(f, g, ids, i, &threads);
		else
			dot_proc(f, g, ids, i);
	}
	if (!err) {
		dot_edges(f, g, ids);
		dot_holds(f, g, ids);
	}
	if (g->opts.threads)
		vec__release(&threads);
	return err;
}

int graph__write_dot(struct graph *g, FILE *f, const struct graph_write_opts *o)
{
	struct collapsed cv = {};
	struct ids ids = {};
	int err = ids_build(g, &ids);

	if (!err && o->collapse)
		err = collapsed_build(g, &cv, o->idle);
	if (err)
		goto out;
	dot_header(f, o, o->collapse ? cv.idle_hidden : 0);
	if (o->collapse) {
		for (uint32_t i = 0; i < ktab__len(&g->nodes); i++)
			if (gnode(g, i)->key.type != GN_OBJ)
				dot_proc(f, g, &ids, i);
		dot_collapsed(f, g, &ids, &cv);
	} else {
		err = dot_full(f, g, &ids);
	}
	if (!err && o->overlay_dot)
		o->overlay_dot(o->overlay_ctx, f);
	fputs("}\n", f);
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
out:
	if (o->collapse)
		collapsed_free(&cv);
	free(ids.buf);
	return err;
}

/* JSON */

static void json_counts(struct jw *w, const char *prefix, const struct gcount *c)
{
	static const char *const names[] = { "ops", "bytes", "msgs", "errors", "blocked_ops",
					     "blocked_ns", "max_blocked_ns" };
	const uint64_t vals[] = { c->ops, c->bytes, c->msgs, c->errors, c->blocked_ops,
				  c->blocked_ns, c->max_blocked_ns };
	char key[40];

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		snprintf(key, sizeof(key), "%s%s", prefix, names[i]);
		jw__kv_u64(w, key, vals[i]);
	}
}

static void json_times(struct jw *w, uint64_t first, uint64_t last)
{
	jw__kv_u64(w, "first_ns", first);
	jw__kv_u64(w, "last_ns", last);
}

static void json_threads(struct jw *w, const struct graph *g, uint32_t i, const struct vec *threads)
{
	char id[32];

	jw__key(w, "threads");
	jw__arr_begin(w);
	vec_for_each(threads, struct gthread, t) {
		if (t->node != i)
			continue;
		jw__obj_begin(w);
		graph_tid_id(t->tid, id, sizeof(id));
		jw__kv_str(w, "id", id);
		jw__kv_u64(w, "tid", t->tid);
		jw__kv_str(w, "comm", thread_comm(g, t->tid));
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void json_proc(struct jw *w, const struct graph *g, const struct ids *ids, uint32_t i,
		      const struct vec *threads)
{
	const struct gnode *n = gnode(g, i);
	const struct proc_info *pi = graph_proc_info(g, i);

	jw__kv_str(w, "id", id_of(ids, i));
	jw__kv_str(w, "type", "process");
	jw__kv_u64(w, "pid", n->key.pid);
	if (pi && pi->ppid)
		jw__kv_u64(w, "ppid", pi->ppid);
	else
		jw__kv_str(w, "ppid", NULL);
	jw__kv_str(w, "comm", graph_comm(g, i));
	jw__kv_str(w, "exe", pi ? pi->exe : NULL);
	jw__kv_bool(w, "traced", n->traced);
	jw__kv_bool(w, "exited", n->ended);
	if (n->ended && pi && pi->exited)
		jw__kv_s64(w, "exit_code", pi->exit_code);
	json_times(w, n->first_ns, n->last_ns);
	if (n->ended)
		jw__kv_u64(w, "end_ns", n->end_ns);
	if (threads)
		json_threads(w, g, i, threads);
}

static void json_obj(struct jw *w, const struct graph *g, const struct ids *ids, uint32_t i)
{
	const struct gnode *n = gnode(g, i);
	uint32_t pids[64], np = 0;

	jw__kv_str(w, "id", id_of(ids, i));
	jw__kv_str(w, "type", "object");
	jw__kv_str(w, "kind", graph_kind_name(n->key.obj.kind));
	jw__kv_str(w, "name", n->name);
	if (n->alias[0]) {
		jw__key(w, "sockets");
		jw__arr_begin(w);
		for (int a = 0; a < 2; a++)
			if (n->alias[a])
				jw__u64(w, n->alias[a]);
		jw__arr_end(w);
	}
	jw__kv_bool(w, "ended", n->ended);
	json_times(w, n->first_ns, n->last_ns);
	if (n->ended)
		jw__kv_u64(w, "end_ns", n->end_ns);
	jw__key(w, "pids");	/* every process that held or used it */
	jw__arr_begin(w);
	for (uint32_t h = n->hold_head; h != GN_NONE && np < 64; h = ghold(g, h)->next_obj)
		pids[np++] = gnode(g, ghold(g, h)->key.proc)->key.pid;
	while (np--)		/* the list is newest first: oldest first reads better */
		jw__u64(w, pids[np]);
	jw__arr_end(w);
}

static void json_nodes(struct jw *w, const struct graph *g, const struct ids *ids, bool collapse,
		       const struct vec *threads)
{
	jw__key(w, "nodes");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < ktab__len(&g->nodes); i++) {
		const struct gnode *n = gnode(g, i);

		if (collapse && n->key.type == GN_OBJ)
			continue;
		jw__obj_begin(w);
		if (n->key.type == GN_KERNEL) {
			jw__kv_str(w, "id", "kernel");
			jw__kv_str(w, "type", "kernel");
		} else if (n->key.type == GN_PROC) {
			json_proc(w, g, ids, i, threads);
		} else {
			json_obj(w, g, ids, i);
		}
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void json_edge(struct jw *w, const struct graph *g, const struct ids *ids,
		      const struct gedge *e)
{
	char sa[32], da[32], name[24];

	jw__obj_begin(w);
	jw__kv_str(w, "src", end_id(ids, e->key.src, e->key.src_tid, sa, sizeof(sa)));
	jw__kv_str(w, "dst", end_id(ids, e->key.dst, e->key.dst_tid, da, sizeof(da)));
	jw__kv_str(w, "mech", graph_edge_mech(g, e));
	jw__kv_str(w, "op", graph_edge_op(g, e));
	if (e->key.sig) {
		jw__kv_str(w, "signal", ipc_signal_name(e->key.sig, name, sizeof(name)));
		jw__kv_s64(w, "signo", e->key.sig);
	}
	json_counts(w, "", &e->tot);
	json_times(w, e->first_ns, e->last_ns);
	jw__obj_end(w);
}

static void json_holds(struct jw *w, const struct graph *g, const struct ids *ids)
{
	static const char *const modes[] = { "", "r", "w", "rw" };

	jw__key(w, "holds");
	jw__arr_begin(w);
	vec_for_each(&g->holds.rows, struct ghold, h) {
		jw__obj_begin(w);
		jw__kv_str(w, "proc", id_of(ids, h->key.proc));
		jw__kv_str(w, "obj", id_of(ids, h->key.obj));
		jw__kv_str(w, "mode", modes[h->mode & 3]);
		jw__kv_u64(w, "fds", h->nfds);
		jw__kv_bool(w, "live", h->live);
		jw__kv_bool(w, "closed", h->closed);
		jw__kv_u64(w, "first_ns", h->first_ns);
		if (!h->live)
			jw__kv_u64(w, "end_ns", h->end_ns);
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void json_cedge(struct jw *w, const struct ids *ids, const struct cedge *e)
{
	char sigs[200];

	jw__obj_begin(w);
	jw__kv_str(w, "src", id_of(ids, e->key.src));
	jw__kv_str(w, "dst", id_of(ids, e->key.dst));
	jw__kv_str(w, "mech",
		   e->key.kind == CKIND_SIGNAL ? "signal" : graph_kind_name(e->key.kind));
	jw__kv_bool(w, "idle", e->idle);
	if (e->key.kind == CKIND_SIGNAL) {
		sigmask_text(e->sigmask, sigs, sizeof(sigs));
		jw__kv_str(w, "signals", sigs);
	}
	jw__key(w, "objects");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < e->nobjs; i++)
		jw__str(w, id_of(ids, e->objs[i]));
	jw__arr_end(w);
	jw__kv_u64(w, "more_objects", e->more_objs);
	json_counts(w, "", &e->sent);
	json_counts(w, "recv_", &e->recv);
	jw__obj_end(w);
}

static void json_doc(struct jw *w, const struct graph *g, const struct ids *ids,
		     const struct graph_write_opts *o, const struct collapsed *cv,
		     const struct vec *threads)
{
	jw__obj_begin(w);
	jw__kv_str(w, "type", "graph");
	jw__kv_u64(w, "version", 1);
	jw__kv_str(w, "target", o->title);
	jw__kv_bool(w, "collapsed", o->collapse);
	jw__kv_bool(w, "threads", g->opts.threads && !o->collapse);
	json_nodes(w, g, ids, o->collapse, threads);
	jw__key(w, "edges");
	jw__arr_begin(w);
	if (o->collapse) {
		vec_for_each(&cv->edges.rows, struct cedge, e)
			if (cedge_shown(cv, e))
				json_cedge(w, ids, e);
	} else {
		vec_for_each(&g->edges.rows, struct gedge, e)
			json_edge(w, g, ids, e);
	}
	jw__arr_end(w);
	if (o->collapse)
		jw__kv_u64(w, "idle_hidden", cv->idle_hidden);
	if (!o->collapse)
		json_holds(w, g, ids);
	if (o->overlay_json)
		o->overlay_json(o->overlay_ctx, w);
	jw__key(w, "aged_out");
	jw__obj_begin(w);
	jw__kv_u64(w, "nodes", g->aged_nodes);
	jw__kv_u64(w, "edges", g->aged_edges);
	jw__obj_end(w);
	jw__obj_end(w);
}

int graph__write_json(struct graph *g, FILE *f, const struct graph_write_opts *o)
{
	bool threads = g->opts.threads && !o->collapse;
	struct collapsed cv = {};
	struct vec tv = {};
	struct ids ids = {};
	struct jw w;
	int err = ids_build(g, &ids);

	jw__init(&w);
	if (!err && o->collapse)
		err = collapsed_build(g, &cv, o->idle);
	if (!err && threads)
		err = threads_collect(g, &tv);
	if (!err) {
		json_doc(&w, g, &ids, o, &cv, threads ? &tv : NULL);
		err = jw__flush_line(&w, f);
	}
	if (!err && (fflush(f) || ferror(f)))
		err = -EIO;
	jw__release(&w);
	vec__release(&tv);
	if (o->collapse)
		collapsed_free(&cv);
	free(ids.buf);
	return err;
}

int graph__export(struct graph *g, enum graph_export fmt, const char *path, FILE *out,
		  const struct graph_write_opts *o)
{
	char why[PATH_MAX + 128];
	FILE *f = out;
	int err;

	if (!g) {
		fprintf(stderr, "ipctrace: failed to write the graph: no graph was built\n");
		return -ENOENT;
	}
	if (path && !(f = safefile__fcreate(path, OUTPUT_MODE, why, sizeof(why)))) {
		err = -errno;
		fprintf(stderr, "ipctrace: %s\n", why);
		return err;
	}
	if (fmt == GRAPH_EXPORT_DOT)
		err = graph__write_dot(g, f, o);
	else
		err = graph__write_json(g, f, o);
	if (f != out && fclose(f) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "ipctrace: failed to write the graph%s%s: %s\n", path ? " to " : "",
			path ? path : "", strerror(-err));
	return err;
}
