/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * source: where records come from.  The live ring buffer and a recording
 * file both push complete record streams into a collector; everything
 * after that is shared.
 *
 * The live source also makes the records a recording needs to stand on its
 * own: the frames behind each new stack id (IPC_REC_STACK, read from the
 * stack map) and the memory maps of a process the first time one of its
 * stacks is seen, and again after it execs (IPC_REC_MAP).
 */
#ifndef IPCTRACE_SOURCE_H
#define IPCTRACE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct collector;
struct loader;
struct source;

struct source_ops {
	/* Deliver what is available, waiting up to timeout_ms.  Records, or -errno. */
	int (*poll)(struct source *s, int timeout_ms);
	void (*free)(struct source *s);
};

struct source {
	const struct source_ops *ops;
	struct collector *c;
	bool ended;		/* no more records will come (end of file) */
	char error[256];	/* why poll failed */
};

static inline int source__poll(struct source *s, int timeout_ms)
{
	return s->ops->poll(s, timeout_ms);
}

static inline void source__free(struct source *s)
{
	if (s)
		s->ops->free(s);
}

/* Live: the loader's ring buffer.  NULL with errno. */
struct source *source_ring__new(struct collector *c, struct loader *l);
/* Push the BPF loss counters as an IPC_REC_STATS record.  0 or -errno. */
int source_ring__push_stats(struct source *s);
/*
 * Drain what is still in the ring buffer (at the end), for max_ns at most:
 * producers that never pause must not keep ipctrace from exiting.
 */
int source_ring__drain(struct source *s, uint64_t max_ns);

/* Replay: a recording file.  NULL with errno and the reason in err. */
struct source *source_file__new(struct collector *c, const char *path, char *err, size_t errlen);

#endif /* IPCTRACE_SOURCE_H */
