/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * session: the two ways to run ipctrace, built from the same parts.
 *   run_trace() (run_trace.c):   live (and `record`): probes -> ring buffer -> collector
 *   run_report() (run_report.c): a recording file -> collector
 * Both choose their sinks with session__add_sinks(), so every analysis and
 * output works the same on a live trace and on a recording.
 */
#ifndef IPCTRACE_SESSION_H
#define IPCTRACE_SESSION_H

#include <stdio.h>

struct collector;
struct env;
struct contention;
struct graph;
struct races;
struct stalls;

/* A run's collector, and the sinks the run itself asks for results. */
struct session {
	struct collector *c;
	struct graph *graph;	/* owned by the collector; NULL in `record` */
	struct stalls *stalls;	/* likewise */
	struct contention *contention;	/* likewise */
	struct races *races;	/* likewise */
};

/* Analyses and outputs the command line asks for, into ss->c.  0 or -errno (message printed). */
int session__add_sinks(struct session *ss, const struct env *env, FILE *out);
/*
 * Where reports and events go: stdout, or stderr when stdout is taken by a
 * graph written without a file (--graph dot).
 */
FILE *session__out(const struct env *env);
/*
 * Create the end-of-run files (--graph FMT=FILE, --folded, --flame,
 * --timeline) empty, at the start, safely (safefile__create()).  0 or
 * -errno (message printed).
 */
int session__check_files(const struct env *env);
/* Write the end-of-trace files (--graph, --folded, --flame).  0 or -errno. */
int session__write_files(const struct session *ss, const struct env *env);

/* Each returns the process exit status. */
int run_trace(const struct env *env);
int run_report(const struct env *env);
/* `ipctrace stuck`: one look, the report, EXIT_DEADLOCK when a deadlock is found. */
int run_stuck(const struct env *env);

#endif /* IPCTRACE_SESSION_H */
