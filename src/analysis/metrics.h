/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * metrics: counters for fleets, in the Prometheus/OpenMetrics data model:
 * operations, bytes and errors per family and op; time blocked as classic
 * histograms per family; per process (the busiest N, the rest in one
 * "other" series); what was lost.  Names, labels and the bound on the
 * number of series are documented in the README (Metrics).
 *
 * Every counter only grows, also when processes come and go: a process
 * gets its own series when it is among the busiest of an interval and a
 * slot is free (never used, or held by a process that exited: the one that
 * exited first gives it up); what a process did while it had no series of
 * its own is counted in "other" and stays there.  An exited process keeps
 * its series, at its final values, until its slot is needed.  Memory and
 * series do not grow with the number of processes that ever ran.
 *
 * The sink counts each record and takes a snapshot at the end of each
 * interval and of the trace (series change hands only there); the outputs
 * (output/metrics_out.h), added after it, render the last snapshot with
 * metrics__render().
 */
#ifndef IPCTRACE_METRICS_H
#define IPCTRACE_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct collector;
struct om;
struct sink;
struct metrics;

#define METRICS_TOP_DEFAULT 20
#define METRICS_TOP_MAX 1000

struct stalls;
struct graph;
struct contention;
struct races;

struct metrics_opts {
	uint32_t top;		/* series of their own per kind (0: METRICS_TOP_DEFAULT) */
	/* the analyses whose counts it exports; each may be NULL */
	struct stalls *stalls;	/* blocked threads and deadlocks of its last look */
	struct graph *graph;	/* edges */
	struct contention *contention;	/* contended locks */
	struct races *races;	/* race flags */
};

/* A metrics sink for collector c.  NULL with errno. */
struct metrics *metrics__new(struct collector *c, const struct metrics_opts *opts);
/* Its sink, for collector__add_sink() (which then owns it). */
struct sink *metrics__sink(struct metrics *m);
void metrics__free(struct metrics *m);	/* accepts NULL; not once the collector owns it */

int metrics__event(struct metrics *m, const struct ipc_hdr *h, size_t len);
/* Close an interval: series change hands, exited processes leave. */
void metrics__snapshot(struct metrics *m);
/* The state of the last snapshot, every family, into o.  0 or -errno. */
int metrics__render(const struct metrics *m, struct om *o);

struct metrics_stats {
	uint32_t series_procs;	/* processes with a series of their own now */
	uint64_t other_procs;	/* processes counted (at least partly) in "other" */
	size_t tracked;		/* processes the sink keeps a row for */
};
void metrics__stats(const struct metrics *m, struct metrics_stats *st);

#endif /* IPCTRACE_METRICS_H */
