/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * racesink: the race detectors (races.h) as a collector sink, and their
 * report: a "POSSIBLE RACES" section in the live view (counts per pattern)
 * and in the final report (each flag with its threads, objects, times,
 * count, the stacks of each side and why it can go wrong), and the
 * summary object's "races" array in JSON (schema in the README).
 *
 * The detectors ask the graph who gave up a pipe's read end, and the
 * contention analysis what kind of lock a futex word is; objects are named
 * as those two name them.
 */
#ifndef IPCTRACE_RACESINK_H
#define IPCTRACE_RACESINK_H

struct collector;
struct contention;
struct graph;
struct races;
struct racesink;
struct sink;
struct stacks;

/*
 * st must outlive the sink (stacks__sink); g and ct, the sinks it asks, may
 * be NULL.  NULL with errno.
 */
struct racesink *racesink__new(struct collector *c, struct stacks *st, struct graph *g,
			       struct contention *ct);
/* Its sink, for collector__add_sink() (which then owns it). */
struct sink *racesink__sink(struct racesink *s);
/* The detectors behind it (tests). */
struct races *racesink__races(struct racesink *s);

#endif /* IPCTRACE_RACESINK_H */
