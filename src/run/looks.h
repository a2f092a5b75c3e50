/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * looks: one look at the blocked threads, as the live trace and `stuck`
 * take it.  The waits found lead to processes the look did not see (the
 * writer of a pipe a target reads, the owner of a shared mutex, a child
 * waited for): their threads are asked about, their fds snapshotted (so
 * the graph knows what they hold), and the look is taken again at once.
 */
#ifndef IPCTRACE_LOOKS_H
#define IPCTRACE_LOOKS_H

#include <stdbool.h>
#include <stdint.h>

struct collector;
struct stalls;
struct taskscan;

/* stalls may be NULL (`record`: no analysis, the look is only recorded).  0 or -errno. */
int looks__take(struct taskscan *ts, struct stalls *s, struct collector *c, uint32_t sflags,
		bool peers);

#endif /* IPCTRACE_LOOKS_H */
