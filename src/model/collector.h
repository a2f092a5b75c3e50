/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * collector: where every record goes after its source (the live ring
 * buffer or a recording file).  It validates the record, keeps the shared
 * model up to date (process table, stacks, memory maps for symbolization,
 * loss counters) and hands the record to each sink: the analyses (summary,
 * graph, contention, flame) and the outputs (event printers, recorder).
 *
 * Nothing here knows whether the trace is live: a recording replays
 * through exactly the same code, and tests push synthetic records.
 */
#ifndef IPCTRACE_COLLECTOR_H
#define IPCTRACE_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ipctrace_abi.h"

struct collector;
struct proctab;
struct strtab;
struct syms;
struct jw;

/* Where a sink writes its section of a report. */
struct report {
	FILE *out;		/* text output */
	struct jw *jw;		/* JSON mode: write a member of the summary object here */
	bool final;		/* the end-of-trace report, not an interval */
	uint64_t start_ns;	/* interval (or trace) start, monotonic */
	uint64_t end_ns;	/* interval (or trace) end */
	int top;		/* rows per table (0: all) */
};

struct sink;

/*
 * A sink: an analysis or an output the collector hands every record to.
 * Each embeds a struct sink in its own struct and is built by its own
 * constructor, which returns that struct (summary__new returns a struct
 * summary *); the callbacks get the struct sink back and find their
 * struct with container_of().
 */
struct sink_ops {
	const char *name;
	/* Every valid record, in order.  Return 0, or -errno to stop the trace. */
	int (*event)(struct sink *s, const struct ipc_hdr *rec, size_t len);
	/* Write this sink's section of the report (interval or final).  May be NULL. */
	void (*report)(struct sink *s, struct report *r);
	/* The interval is over: reset per-interval counters.  May be NULL. */
	void (*interval_end)(struct sink *s);
	/* The trace is over (flush files).  0 or -errno.  May be NULL. */
	int (*finish)(struct sink *s);
	void (*free)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
};

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

struct collector_stats {
	uint64_t records;	/* valid records handled */
	uint64_t bad;		/* rejected as malformed */
	uint64_t events;	/* records from the kernel (not collector-made) */
	uint64_t sym_unresolved;	/* stack frames this run could not name */
	struct ipc_rec_stats last;	/* latest IPC_REC_STATS seen */
	bool have_stats;
};

struct collector *collector__new(void);	/* NULL with errno */
void collector__free(struct collector *c);	/* frees the sinks too; accepts NULL */

/*
 * Hand s to the collector, which frees it (s->ops->free) in collector__free,
 * or at once when it cannot take it.  0 or -errno.
 */
int collector__add_sink(struct collector *c, struct sink *s);

/*
 * One record.  Malformed ones are counted and dropped (and described once
 * on stderr with -v); 0, or the first -errno a sink returned.
 */
int collector__push(struct collector *c, const void *rec, size_t len);

/* Ask every sink for its section (interval or final) in sink order. */
void collector__report(struct collector *c, struct report *r);
void collector__interval_end(struct collector *c);
int collector__finish(struct collector *c);

/* The shared model */
struct strtab *collector__names(struct collector *c);
struct proctab *collector__procs(struct collector *c);
const struct proctab *collector__procs_const(const struct collector *c);
/* The symbolizer, created on first use (NULL with errno on failure). */
struct syms *collector__syms(struct collector *c);
/* A user stack by id (from IPC_REC_STACK records): frames or NULL; *nr set. */
const uint64_t *collector__stack(const struct collector *c, int32_t id, uint32_t *nr);
/* The trace's first record (IPC_REC_META), or NULL if none came. */
const struct ipc_rec_meta *collector__meta(const struct collector *c);
const struct collector_stats *collector__stats(const struct collector *c);
/*
 * A stack frame without a symbol, counted by whoever symbolizes it: a
 * report counts its own misses, not those of the run that recorded.
 */
void collector__count_unresolved(struct collector *c);
/* Monotonic timestamps of the first and last kernel record (0 when none). */
uint64_t collector__first_ns(const struct collector *c);
uint64_t collector__last_ns(const struct collector *c);
/*
 * The span the trace covered: the IPC_REC_END record's, else (a recording
 * made before it existed, or cut short) its first and last kernel records.
 * Returns the END record, or NULL when the span is the records'.
 */
const struct ipc_rec_end *collector__span(const struct collector *c, uint64_t *start_ns,
					  uint64_t *end_ns);
void collector__set_verbose(struct collector *c, int verbose);
/*
 * The records come from this machine's kernel as they happen (not from a
 * recording): their pids are live processes, whose files the symbolizer
 * may reach through /proc.  Before the first symbol is needed.
 */
void collector__set_live(struct collector *c);
/*
 * Look mapped files up under dir (perf's --symfs): a recording reported on
 * another machine, against a copy of the traced machine's files.  Before the
 * first symbol is needed; dir must outlive the collector.
 */
void collector__set_symfs(struct collector *c, const char *dir);

#endif /* IPCTRACE_COLLECTOR_H */
