/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * summary: operations per process and per IPC object (count, bytes,
 * errors, time blocked), for the live view (per interval) and the final
 * report (whole trace), as text tables or JSON.
 */
#ifndef IPCTRACE_SUMMARY_H
#define IPCTRACE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

struct collector;
struct sink;
struct summary;

struct summary_counters {
	uint64_t ops;
	uint64_t bytes;
	uint64_t errors;
	uint64_t blocked_ops;	/* operations that slept */
	uint64_t blocked_ns;	/* time they slept */
	uint64_t max_blocked_ns;
};

struct ipc_hdr;
/*
 * Whether a record is an operation the per-process and per-object counters
 * count: not collector records or process events, and a signal once (the
 * send syscall, or the kernel's generate).  The metrics count the same.
 */
bool summary__is_op(const struct ipc_hdr *h);

/* A summary sink for collector c.  NULL with errno. */
struct summary *summary__new(struct collector *c);
/* Its sink, for collector__add_sink() (which then owns it). */
struct sink *summary__sink(struct summary *s);

/* Totals, for tests: whole trace, per process / per object id (canonical objkey id). */
int summary__proc_totals(struct summary *s, uint32_t pid, struct summary_counters *out);
int summary__obj_totals(struct summary *s, const char *id, struct summary_counters *out);

#endif /* IPCTRACE_SUMMARY_H */
