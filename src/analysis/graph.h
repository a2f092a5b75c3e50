/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * graph: who talks to whom, through what.  A sink that keeps processes and
 * IPC objects as nodes, and the traffic between them as edges:
 *
 *   process -> object   write, send, mq send, futex wake, sem post
 *   object -> process   read, recv, mq receive, futex wait (woken), sem wait
 *   process -> process  a signal (from the `kernel` node when the kernel sent it)
 *
 * each with operation counts, bytes, messages, errors, time blocked (total
 * and longest) and first/last seen.  Processes also "hold" objects (an fd
 * on them, tracked through create, open, dup, fork, exec and close), so an
 * idle channel still links its two ends.  Object identity is objkey's: a
 * pipe is one node for every process and both ends, a unix or TCP
 * connection one node for its two sockets.
 *
 * Built from records alone, so a recording gives the same graph as the
 * live trace.  Memory grows with the number of objects, processes and
 * (process, object) pairs, never with events; ended objects and processes
 * beyond a limit are aged out, oldest first, and counted.
 */
#ifndef IPCTRACE_GRAPH_H
#define IPCTRACE_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ipctrace_abi.h"

struct collector;
struct sink;
struct graph;

#define GRAPH_MAX_ENDED_DEFAULT 4096

struct graph_opts {
	bool threads;		/* edges per thread on the process side (--threads) */
	uint32_t max_ended;	/* ended nodes kept (0: GRAPH_MAX_ENDED_DEFAULT) */
};

/* What the exported graph looks like. */
struct jw;
struct graph_write_opts {
	bool collapse;		/* process -> process, one edge per pair and mechanism */
	bool idle;		/* collapsed: also the idle edges (both hold, nothing moved) */
	const char *title;	/* what was traced (DOT label, JSON "target"); may be NULL */
	/*
	 * Drawn on top of the graph (the stalls sink's deadlocks), may be NULL:
	 * DOT statements before the closing brace, JSON members of the document.
	 */
	void (*overlay_dot)(void *ctx, FILE *f);
	void (*overlay_json)(void *ctx, struct jw *w);
	void *overlay_ctx;
};

/* A quoted DOT string (quotes and backslashes escaped, no control bytes), for overlays. */
void graph__dot_str(FILE *f, const char *s);

/* A graph sink for collector c (names come from its process table).  NULL with errno. */
struct graph *graph__new(struct collector *c, const struct graph_opts *opts);
void graph__free(struct graph *g);	/* accepts NULL */

/* Its sink, for collector__add_sink() (which then owns it). */
struct sink *graph__sink(struct graph *g);

/* Feed one validated record (the sink's event callback).  0 or -ENOMEM. */
int graph__event(struct graph *g, const struct ipc_hdr *rec, size_t len);

/* Graphviz DOT of the current state.  0 or -errno (write error). */
int graph__write_dot(struct graph *g, FILE *f, const struct graph_write_opts *o);
/* JSON document (schema in the README's graph section).  0 or -errno. */
int graph__write_json(struct graph *g, FILE *f, const struct graph_write_opts *o);

enum graph_export {
	GRAPH_EXPORT_DOT,
	GRAPH_EXPORT_JSON,
};

/*
 * --graph: write the graph to path (created or truncated), or to out when
 * path is NULL.  0 or -errno, with a message on stderr.
 */
int graph__export(struct graph *g, enum graph_export fmt, const char *path, FILE *out,
		  const struct graph_write_opts *o);

/* Which ends of an object a process holds (graph__holders). */
#define GRAPH_END_READ	(1u << 0)
#define GRAPH_END_WRITE	(1u << 1)

/*
 * The processes that hold the object k now (an fd on it, or for futexes
 * and semaphore sets having used it), with one of the ends in ends (0:
 * any): up to max pids in pids, the number found returned (may exceed
 * max).  0 when the graph does not know k.
 */
struct objkey;
size_t graph__holders(const struct graph *g, const struct objkey *k, unsigned int ends,
		      uint32_t *pids, size_t max);
/* A process's name as the graph knows it, or NULL. */
const char *graph__comm(const struct graph *g, uint32_t pid);

/* The last process that gave up reading an object: its last read end of a
 * pipe or FIFO, or its last fd on a socket connection. */
enum graph_left_how {
	GRAPH_LEFT_NONE = 0,
	GRAPH_LEFT_CLOSED,	/* closed it (close, close_range, exec's close-on-exec) */
	GRAPH_LEFT_EXITED,	/* exited holding it */
};

struct graph_left {
	uint32_t pid;
	uint32_t tid;		/* the thread that closed it; 0 when it exited */
	uint64_t ns;
	uint8_t how;		/* enum graph_left_how */
	uint64_t ino;		/* a socket: the inode it closed (0: not known) */
};

/*
 * Who last gave up reading o, other than writer_pid: for a socket, the
 * last other process (or the last close of another socket inode than the
 * writer's own, o->ino).  0 and *out, or -ENOENT when the graph knows none.
 */
int graph__reader_left(const struct graph *g, const struct ipc_obj *o, uint32_t writer_pid,
		       struct graph_left *out);
/* One edge as the metrics see it: whole-trace counts, node ids as in the exports. */
struct graph_edge_info {
	char src[96];		/* "pid:1234", "kernel", or an object id */
	char dst[96];
	const char *mech;	/* "pipe", "unix", "futex", "signal"... */
	const char *op;		/* "write", "read", "wake", "signal"... */
	const char *comm;	/* the process end's name ("kernel" for kernel signals) */
	uint64_t ops, bytes, errors, blocked_ns;
};

/* fn for every traffic and signal edge of the graph, in no particular order. */
void graph__for_each_edge(struct graph *g, void (*fn)(void *ctx, const struct graph_edge_info *e),
			  void *ctx);

/* Sizes, for tests and the report. */
struct graph_stats {
	size_t procs;		/* process nodes (the kernel node aside) */
	size_t objects;		/* object nodes */
	size_t edges;		/* traffic and signal edges */
	size_t holds;		/* (process, object) pairs */
	size_t ended;		/* ended nodes kept */
	uint64_t aged_nodes;	/* aged out so far */
	uint64_t aged_edges;
};
void graph__stats(const struct graph *g, struct graph_stats *st);

#endif /* IPCTRACE_GRAPH_H */
