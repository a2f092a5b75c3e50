/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The graph's model, shared by the model code (graph.c), the exports
 * (graph_out.c) and the live view (graph_view.c).  Not for other modules:
 * they use graph.h.
 *
 * Everything lives in vecs addressed by index, with hmaps from keys to
 * indexes; lists (a node's edges, an object's holds) are chained through
 * indexes too.  Aging out compacts the vecs and rebuilds the maps and the
 * lists from them, so no index is kept anywhere else across records.
 */
#ifndef IPCTRACE_GRAPH_INT_H
#define IPCTRACE_GRAPH_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis/graph.h"
#include "lib/hmap.h"
#include "lib/ktab.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/objkey.h"

#define GN_NONE UINT32_MAX

enum gn_type {
	GN_PROC = 1,
	GN_OBJ,
	GN_KERNEL,		/* the sender of kernel-generated signals */
};

/* Hold modes: which ends of the object a process holds. */
#define GH_READ		(1u << 0)
#define GH_WRITE	(1u << 1)

struct gcount {
	uint64_t ops;
	uint64_t bytes;
	uint64_t msgs;		/* messages, signals delivered, futex wakeups (see README) */
	uint64_t errors;
	uint64_t blocked_ops;
	uint64_t blocked_ns;
	uint64_t max_blocked_ns;
};

/* Node map key: a process by pid, an object by its objkey. */
struct gkey {
	uint8_t type;		/* enum gn_type */
	uint8_t _pad[3];
	uint32_t pid;
	struct objkey obj;
};

struct gnode {
	struct gkey key;
	struct ipc_obj sample;	/* object: its description (ends, addresses) */
	const char *name;	/* object: mq name, FIFO or socket path; interned, or NULL */
	const char *comm;	/* process: a name a record gave it (used if proctab has none) */
	uint64_t alias[2];	/* socket inodes that belong to this connection */
	uint64_t first_ns;
	uint64_t last_ns;
	uint64_t end_ns;
	struct graph_left left;	/* object: the last process that gave up reading it */
	uint32_t out_head;	/* edges with this node as src */
	uint32_t in_head;	/* edges with this node as dst */
	uint32_t hold_head;	/* holds of this object / by this process */
	uint32_t live;		/* object: live holds */
	struct vec *fds;	/* process: struct gfd, allocated on its first fd */
	bool ended;
	bool traced;		/* process: selected by the filter (not only a peer) */
	bool dead;		/* chosen for aging out */
};

struct gedge_key {
	uint32_t src;
	uint32_t dst;
	uint32_t src_tid;	/* --threads: the thread on the process side(s), else 0 */
	uint32_t dst_tid;
	int32_t sig;		/* signal edges: the signal; else 0 */
};

struct gedge {
	struct gedge_key key;
	struct gcount tot;
	struct gcount cur;	/* this interval */
	uint64_t first_ns;
	uint64_t last_ns;
	uint32_t next_out;	/* next edge of key.src */
	uint32_t next_in;	/* next edge of key.dst */
};

struct ghold_key {
	uint32_t proc;
	uint32_t obj;
};

/* A process's part in an object: fds on it, or (futex, sem) having used it. */
struct ghold {
	struct ghold_key key;
	uint32_t nfds;		/* fds of the process on the object, as far as seen */
	uint32_t next_obj;	/* next hold of key.obj */
	uint32_t next_proc;	/* next hold by key.proc */
	uint8_t mode;		/* GH_* */
	bool live;
	bool closed;		/* ended by close(), not by the process's exit */
	uint64_t first_ns;
	uint64_t end_ns;
};

/* One fd of a process, element of gnode.fds. */
struct gfd {
	int32_t fd;
	uint32_t hold;
	uint8_t mode;		/* GH_*: the end this fd is */
	bool cloexec;
};

struct gfd_key {
	uint32_t proc;
	int32_t fd;
};

struct graph {
	struct sink sink;
	struct collector *c;
	struct graph_opts opts;
	struct ktab nodes;	/* struct gnode by struct gkey */
	struct ktab edges;	/* struct gedge by struct gedge_key */
	struct ktab holds;	/* struct ghold by struct ghold_key */
	struct hmap *fd_idx;	/* struct gfd_key -> position in the process's fds */
	struct hmap *alias_idx;	/* socket inode (u64) -> connection node */
	uint32_t kernel;	/* the kernel node, or GN_NONE */
	uint32_t self_pid;	/* ipctrace itself (from the META record): left out */
	uint32_t cur_tid;	/* the thread of the record being handled */
	uint64_t cur_ino;	/* a close's object inode (a socket's own), else 0 */
	size_t nr_ended;
	bool age_pending;
	uint64_t aged_nodes;
	uint64_t aged_edges;
};

static inline struct gnode *gnode(const struct graph *g, uint32_t i)
{
	return ktab__at(&g->nodes, i);
}

static inline struct gedge *gedge(const struct graph *g, uint32_t i)
{
	return ktab__at(&g->edges, i);
}

static inline struct ghold *ghold(const struct graph *g, uint32_t i)
{
	return ktab__at(&g->holds, i);
}

/* graph.c: names used by the writers */
/* Stable id of a node: "pid:1234", "kernel", or the object's canonical id. */
size_t graph_node_id(const struct graph *g, uint32_t n, char *buf, size_t len);
/* Thread id "tid:1235". */
size_t graph_tid_id(uint32_t tid, char *buf, size_t len);
/* The process table's entry for a process node, or NULL. */
struct proc_info;
const struct proc_info *graph_proc_info(const struct graph *g, uint32_t n);
/* Process name (proctab, else what a record said, else "?"). */
const char *graph_comm(const struct graph *g, uint32_t n);
/* Kind of an object node as a word: "pipe", "unix", "mq", "futex"... */
const char *graph_kind_name(unsigned int kind);
/* Mechanism and operation of an edge: ("pipe", "write"), ("signal", "signal")... */
const char *graph_edge_mech(const struct graph *g, const struct gedge *e);
const char *graph_edge_op(const struct graph *g, const struct gedge *e);
/* The process at the process end of an edge (GN_NONE for kernel-sent signals). */
uint32_t graph_edge_proc(const struct graph *g, const struct gedge *e);
/* The object of an edge, or GN_NONE for signal edges. */
uint32_t graph_edge_obj(const struct graph *g, const struct gedge *e);

/* graph_view.c: the sink's report section (live view and final report) */
struct report;
void graph_view_report(const struct graph *g, struct report *r);

#endif /* IPCTRACE_GRAPH_INT_H */
