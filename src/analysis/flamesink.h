/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * flamesink: where threads spend time blocked on IPC, as a flame graph.
 *
 * Every operation that blocked (IPC_EVF_BLOCKED) adds its time to one
 * stack: the process name as the root, the user stack outermost to
 * innermost, and the object waited on as the leaf ("futex:counter_lock",
 * "pipe:[81234]", "sem:32769").  IPC_REC_LOCK records are left out: the
 * sleep inside pthread_mutex_lock is the futex wait already counted, and
 * counting both would show the same time twice.  A blocked operation
 * without a stack hangs directly under its process, or under
 * "[stack-missed]" when BPF failed to take it.
 *
 * At the end of the trace (sink finish) it writes --folded (Brendan Gregg's
 * format, weights in microseconds) and --flame (SVG) through flame.h.
 * Weights are rounded so that they add up to the total blocked time,
 * rounded to the microsecond: the folded file's total is the trace's.
 */
#ifndef IPCTRACE_FLAMESINK_H
#define IPCTRACE_FLAMESINK_H

#include <stdint.h>

struct collector;
struct flame;
struct flamesink;
struct sink;
struct stacks;

struct flamesink_opts {
	const char *folded;	/* --folded FILE, or NULL */
	const char *svg;	/* --flame FILE, or NULL */
	const char *subtitle;	/* what was traced (SVG subtitle), or NULL */
};

/* st must outlive the sink (stacks__sink).  NULL with errno. */
struct flamesink *flamesink__new(struct collector *c, struct stacks *st,
				 const struct flamesink_opts *o);
/* Its sink, for collector__add_sink() (which then owns it). */
struct sink *flamesink__sink(struct flamesink *fs);

/* The stacks so far, weights in microseconds (the caller frees it).  NULL with errno. */
struct flame *flamesink__flame(struct flamesink *fs);
/* Time blocked seen so far, in nanoseconds. */
uint64_t flamesink__blocked_ns(const struct flamesink *fs);

#endif /* IPCTRACE_FLAMESINK_H */
