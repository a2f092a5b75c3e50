/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * stalls: what the traced threads are blocked on now, who could end each
 * wait, and the deadlocks among them.  A sink fed by the looks the
 * collector takes (IPC_REC_BLOCKED records ended by an IPC_REC_BLKSNAP):
 *
 *   - for each blocked thread, its wakers: a mutex's owner, the holders
 *     of a pipe's other end (from the graph's holds), a socket's peer, a
 *     queue's or semaphore set's users, a waited-for child, or nobody
 *     known (a signal, a condition variable);
 *   - the wait-for graph of the look (waitfor.h): deadlocks and chains;
 *   - a deadlock is reported once it is seen in two looks with none of
 *     its threads woken in between (their voluntary context switch counts
 *     unchanged): a heavily contended lock or a ping-pong, caught in a
 *     moment that looks like a cycle, is never called one.
 *
 * Its report sections: BLOCKED NOW (the live view; in the final report
 * the calls still in flight at the end), the deadlocks with every thread's
 * holds, wait, time and stack, and the chains.  In JSON, the summary's
 * "blocked" and "deadlocks" arrays, and one {"type":"deadlock"} line in the
 * event stream when a deadlock is found.  Replays from a recording the
 * same way.
 */
#ifndef IPCTRACE_STALLS_H
#define IPCTRACE_STALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct collector;
struct graph;
struct stacks;
struct stalls;
struct fmt_ctx;

struct stalls_opts {
	FILE *events;		/* write a line here when a deadlock is found; NULL: none */
	bool json;		/* that line as JSON */
};

/* g: the graph sink, for who holds what; st: the stack cache.  NULL with errno. */
struct stalls *stalls__new(struct collector *c, struct graph *g, struct stacks *st,
			   const struct stalls_opts *o);
void stalls__free(struct stalls *s);	/* accepts NULL */
/* Its sink, for collector__add_sink() (which then owns it). */
struct sink;
struct sink *stalls__sink(struct stalls *s);

/* This sink's section of a report (what the collector's report calls). */
struct report;
void stalls__report(struct stalls *s, struct report *r);

/*
 * The deadlocks found, drawn over the IPC graph (graph_write_opts.overlay_*):
 * in DOT, their processes and objects in red, "waits" edges from each
 * thread's process to what it waits for and "held by" edges to the holder;
 * in JSON, a "deadlocks" array.
 */
void stalls__overlay_dot(void *ctx, FILE *f);
struct jw;
void stalls__overlay_json(void *ctx, struct jw *w);

/* Deadlocks in the last look not yet confirmed by a second one (the live loop looks again). */
size_t stalls__unconfirmed(const struct stalls *s);
/* Deadlocks confirmed in the last look. */
size_t stalls__deadlocks(const struct stalls *s);
/* Threads blocked in the last look. */
size_t stalls__blocked(const struct stalls *s);
/*
 * Processes the last look's waits lead to whose threads it did not see
 * (not traced): up to max pids, the count returned.  The live side asks
 * the task iterator about them and looks again.
 */
size_t stalls__wanted(const struct stalls *s, uint32_t *pids, size_t max);

#endif /* IPCTRACE_STALLS_H */
