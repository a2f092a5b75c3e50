/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * session: the two ways to run ipctrace, built from the same parts.
 *   run_trace():  live (and `record`): probes -> ring buffer -> collector
 *   run_report(): a recording file -> collector
 * Both choose their sinks with session__add_sinks(), so every analysis and
 * output works the same on a live trace and on a recording.
 */
#ifndef IPCTRACE_SESSION_H
#define IPCTRACE_SESSION_H

#include <stdio.h>

struct collector;
struct env;

/* Analyses and outputs the command line asks for.  0 or -errno (message printed). */
int session__add_sinks(struct collector *c, const struct env *env, FILE *out);
/*
 * Where reports and events go: stdout, or stderr when stdout is taken by a
 * graph written without a file (--graph dot).
 */
FILE *session__out(const struct env *env);
/* Write the end-of-trace files (--graph, --folded, --flame).  0 or -errno. */
int session__write_files(struct collector *c, const struct env *env, FILE *out);

/* Each returns the process exit status. */
int run_trace(const struct env *env);
int run_report(const struct env *env);

#endif /* IPCTRACE_SESSION_H */
