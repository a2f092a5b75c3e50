// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The graph's section of the live view and of the final report: the
 * busiest edges, each with its process, the object (or the signal), the
 * processes on the other side, and the traffic: per second over the
 * interval in the live view, totals in the final report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/graph_int.h"
#include "decode/names.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "model/collector.h"
#include "output/format.h"

#define PEERS_SHOWN 2
#define PEERS_SEEN 16

/* qsort has no context argument: the graph being sorted is set here. */
static const struct graph *sort_g;
static bool sort_final;

static const struct gcount *cnt(const struct gedge *e, bool final)
{
	return final ? &e->tot : &e->cur;
}

/* Busiest first: time blocked, then bytes, then operations. */
static int cmp_edges(const void *a, const void *b)
{
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct gcount *x = cnt(gedge(sort_g, ia), sort_final);
	const struct gcount *y = cnt(gedge(sort_g, ib), sort_final);

	if (x->blocked_ns != y->blocked_ns)
		return x->blocked_ns < y->blocked_ns ? 1 : -1;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->ops != y->ops)
		return x->ops < y->ops ? 1 : -1;
	return ia < ib ? -1 : 1;
}

/* Edges with operations in the period, busiest first.  NULL (and *n = 0) if none. */
static uint32_t *busiest(const struct graph *g, bool final, size_t *n)
{
	uint32_t *idx = malloc((ktab__len(&g->edges) + 1) * sizeof(*idx));

	*n = 0;
	if (!idx)
		return NULL;
	for (uint32_t i = 0; i < ktab__len(&g->edges); i++)
		if (cnt(gedge(g, i), final)->ops)
			idx[(*n)++] = i;
	sort_g = g;
	sort_final = final;
	qsort(idx, *n, sizeof(*idx), cmp_edges);
	return idx;
}

struct peers {
	uint32_t nodes[PEERS_SEEN];
	uint32_t n;		/* distinct, up to PEERS_SEEN */
	uint32_t more;		/* beyond PEERS_SEEN */
};

static void peers_add(struct peers *p, uint32_t node, uint32_t self)
{
	if (node == self || node == GN_NONE)
		return;
	for (uint32_t i = 0; i < p->n; i++)
		if (p->nodes[i] == node)
			return;
	if (p->n < PEERS_SEEN)
		p->nodes[p->n++] = node;
	else
		p->more++;
}

/*
 * The processes on the other side of an edge: a signal's receiver; for
 * data, those moving it the other way through the object (readers of what
 * this process writes, writers of what it reads), else those holding it.
 */
static void edge_peers(const struct graph *g, const struct gedge *e, struct peers *p)
{
	uint32_t obj = graph_edge_obj(g, e), self = graph_edge_proc(g, e);
	bool out = !e->key.sig && e->key.dst == obj;

	memset(p, 0, sizeof(*p));
	if (e->key.sig) {
		peers_add(p, e->key.dst, GN_NONE);
		return;
	}
	if (out) {
		for (uint32_t i = gnode(g, obj)->out_head; i != GN_NONE; i = gedge(g, i)->next_out)
			peers_add(p, gedge(g, i)->key.dst, self);
	} else {
		for (uint32_t i = gnode(g, obj)->in_head; i != GN_NONE; i = gedge(g, i)->next_in)
			peers_add(p, gedge(g, i)->key.src, self);
	}
	if (p->n)
		return;
	for (uint32_t i = gnode(g, obj)->hold_head; i != GN_NONE; i = ghold(g, i)->next_obj)
		if (ghold(g, i)->live)
			peers_add(p, ghold(g, i)->key.proc, self);
}

static void who_text(const struct graph *g, uint32_t node, uint32_t tid, char *buf, size_t len)
{
	if (node == GN_NONE || gnode(g, node)->key.type == GN_KERNEL)
		snprintf(buf, len, "kernel");
	else if (tid && tid != gnode(g, node)->key.pid)
		snprintf(buf, len, "%s[%u/%u]", text__safe(graph_comm(g, node)),
			 gnode(g, node)->key.pid, tid);
	else
		snprintf(buf, len, "%s[%u]", text__safe(graph_comm(g, node)),
			 gnode(g, node)->key.pid);
}

static void peers_text(const struct graph *g, const struct peers *p, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (uint32_t i = 0; i < p->n && i < PEERS_SHOWN && off < len; i++) {
		char who[48];

		who_text(g, p->nodes[i], 0, who, sizeof(who));
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "", who);
	}
	if (p->n + p->more > PEERS_SHOWN && off < len)
		snprintf(buf + off, len - off, " +%u", p->n + p->more - PEERS_SHOWN);
	if (!buf[0])
		snprintf(buf, len, "-");
}

/* What the edge goes through: the object's id, or the signal's name. */
static void via_text(const struct graph *g, const struct gedge *e, char *buf, size_t len)
{
	if (e->key.sig)
		ipc_signal_name(e->key.sig, buf, len);
	else
		graph_node_id(g, graph_edge_obj(g, e), buf, len);
}

static void row_text(const struct graph *g, const struct gedge *e, struct report *r, double secs)
{
	const struct gcount *c = cnt(e, r->final);
	bool out = e->key.sig || gnode(g, e->key.dst)->key.type == GN_OBJ;
	uint32_t tid = out ? e->key.src_tid : e->key.dst_tid;
	char who[48], via[160], peers[96], bytes[32], blk[32], max[32];
	struct peers p;

	who_text(g, graph_edge_proc(g, e), tid, who, sizeof(who));
	via_text(g, e, via, sizeof(via));
	edge_peers(g, e, &p);
	peers_text(g, &p, peers, sizeof(peers));
	fmt_duration(blk, sizeof(blk), c->blocked_ns);
	fmt_duration(max, sizeof(max), c->max_blocked_ns);
	fprintf(r->out, "%-24s %-2s %-36s %-28s", who, out ? "->" : "<-", via, peers);
	if (r->final) {
		fmt_bytes(bytes, sizeof(bytes), c->bytes);
		fprintf(r->out, " %9llu %10s %10s %10s\n", (unsigned long long)c->ops, bytes,
			c->blocked_ns ? blk : "-", c->max_blocked_ns ? max : "-");
		return;
	}
	fmt_bytes(bytes, sizeof(bytes), (uint64_t)(c->bytes / secs));
	fprintf(r->out, " %9.1f %8s/s %10s\n", c->ops / secs, bytes, c->blocked_ns ? blk : "-");
}

static void row_json(const struct graph *g, const struct gedge *e, struct report *r)
{
	const struct gcount *c = cnt(e, r->final);
	char id[160];
	struct peers p;

	jw__obj_begin(r->jw);
	graph_node_id(g, e->key.src, id, sizeof(id));
	jw__kv_str(r->jw, "src", id);
	graph_node_id(g, e->key.dst, id, sizeof(id));
	jw__kv_str(r->jw, "dst", id);
	jw__kv_str(r->jw, "mech", graph_edge_mech(g, e));
	jw__kv_str(r->jw, "op", graph_edge_op(g, e));
	edge_peers(g, e, &p);
	jw__key(r->jw, "peers");
	jw__arr_begin(r->jw);
	for (uint32_t i = 0; i < p.n; i++)
		if (gnode(g, p.nodes[i])->key.type == GN_PROC)
			jw__u64(r->jw, gnode(g, p.nodes[i])->key.pid);
	jw__arr_end(r->jw);
	jw__kv_u64(r->jw, "ops", c->ops);
	jw__kv_u64(r->jw, "bytes", c->bytes);
	jw__kv_u64(r->jw, "msgs", c->msgs);
	jw__kv_u64(r->jw, "errors", c->errors);
	jw__kv_u64(r->jw, "blocked_ns", c->blocked_ns);
	jw__kv_u64(r->jw, "max_blocked_ns", c->max_blocked_ns);
	jw__obj_end(r->jw);
}

void graph_view_report(const struct graph *g, struct report *r)
{	double secs = r->end_ns > r->start_ns ? (r->end_ns - r->start_ns) / 1e9 : 1.0;
	size_t n, shown;
	uint32_t *idx = busiest(g, r->final, &n);

	shown = r->top > 0 && (size_t)r->top < n ? (size_t)r->top : n;
	if (r->jw) {
		jw__key(r->jw, "graph_edges");
		jw__arr_begin(r->jw);
		for (size_t i = 0; i < shown; i++)
			row_json(g, gedge(g, idx[i]), r);
		jw__arr_end(r->jw);
	} else if (n) {
		fprintf(r->out, "\n%-24s %-2s %-36s %-28s", "GRAPH: PROCESS", "", "OBJECT/SIGNAL",
			"PEERS");
		if (r->final)
			fprintf(r->out, " %9s %10s %10s %10s\n", "OPS", "BYTES", "BLOCKED",
				"MAX-BLOCK");
		else
			fprintf(r->out, " %9s %10s %10s\n", "OPS/s", "BYTES/s", "BLOCKED");
		for (size_t i = 0; i < shown; i++)
			row_text(g, gedge(g, idx[i]), r, secs);
		if (shown < n)
			fprintf(r->out, "  (%zu more edges)\n", n - shown);
	}
	free(idx);
}
