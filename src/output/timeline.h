/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * timeline: the trace as a Chrome/Perfetto trace-event JSON file
 * (--timeline FILE), for ui.perfetto.dev, chrome://tracing and speedscope.
 *
 *   - one track per thread, grouped by process, named from the trace;
 *   - a slice per operation ("pipe_write pipe:[81234]"), its args the
 *     bytes, the result, whether it blocked and, for an operation that
 *     blocked, its user stack;
 *   - instant events for signals (generate, deliver) and process events
 *     (fork, exec, exit);
 *   - flow arrows from cause to effect: a pipe, FIFO or stream socket write
 *     to the reads that took its bytes (matched by byte offset on each
 *     direction), an mq send to the receive that took the message (oldest
 *     of its priority), a futex wake or semaphore post to the wait it
 *     ended (the latest wake during the wait), a signal's generation to its
 *     delivery, a fork to the child's first event;
 *   - counters per object: bytes/s over 100 ms steps, and a queue's depth
 *     when the kernel said it (mq curmsgs), on a separate "IPC objects"
 *     process track.
 *
 * Written as the records come, one event per line: memory holds the
 * matching state (bounded rings per object, a bounded object table), not
 * the events.  What could not be matched or tracked is counted in the
 * file's otherData.
 */
#ifndef IPCTRACE_TIMELINE_H
#define IPCTRACE_TIMELINE_H

#include <stdint.h>

struct collector;
struct stacks;
struct sink;
struct timeline;

#define TIMELINE_OBJECTS_PID 0	/* the pseudo-process holding the object counters */

struct timeline_opts {
	const char *path;	/* the file (created or truncated) */
	const char *title;	/* what was traced, in otherData; may be NULL */
};

/* NULL with errno (the file cannot be created). */
struct timeline *timeline__new(struct collector *c, struct stacks *st,
			       const struct timeline_opts *o);
struct sink *timeline__sink(struct timeline *t);	/* for collector__add_sink() */
void timeline__free(struct timeline *t);	/* accepts NULL; not once the collector owns it */

struct timeline_stats {
	uint64_t events;	/* trace events written */
	uint64_t slices, instants, counters;
	uint64_t flows_data;	/* write -> read, send -> receive */
	uint64_t flows_wake;	/* futex wake / sem post -> wait */
	uint64_t flows_signal;	/* generate -> deliver */
	uint64_t flows_fork;	/* fork -> the child's first event */
	uint64_t unmatched;	/* effects no cause was found for (given up, or at the end) */
	uint64_t untracked;	/* records on objects past the table's bound */
};
void timeline__stats(const struct timeline *t, struct timeline_stats *st);

#endif /* IPCTRACE_TIMELINE_H */
