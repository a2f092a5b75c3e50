/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tracevent: a streaming writer of the Chrome/Perfetto trace-event format
 * (the JSON object form: {"traceEvents": [...], ...}), one event per line,
 * as it comes: memory does not grow with the trace.  Timestamps are
 * nanoseconds relative to an origin, written as exact microseconds with
 * three decimals (the format's unit).
 *
 * An event is begun with its phase, name, category, pid, tid and time;
 * the caller adds the keys of that phase (dur, id, bp, s, args) to the
 * returned JSON writer, then ends it.  The writer does the commas, the
 * document around the events, and remembers the first write error.
 */
#ifndef IPCTRACE_TRACEVENT_H
#define IPCTRACE_TRACEVENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/json.h"

struct tev {
	FILE *f;
	struct jw jw;
	uint64_t origin_ns;
	uint64_t events;	/* written so far */
	int err;		/* first error (-errno), sticky */
	bool open;		/* inside the traceEvents array */
};

/* Start the document on f; timestamps count from origin_ns.  0 or -errno. */
int tev__open(struct tev *t, FILE *f, uint64_t origin_ns);

/*
 * Begin one event: {"ph":PH,"name":NAME,"cat":CAT,"pid":PID,"tid":TID,"ts":TS.
 * cat may be NULL.  The writer returned is inside the event object.
 */
struct jw *tev__begin(struct tev *t, char ph, const char *name, const char *cat, uint32_t pid,
		      uint32_t tid, uint64_t ts_ns);
/* Close the event and write it as one line.  0 or the sticky -errno. */
int tev__end(struct tev *t);

/* "key": a duration in microseconds, exact to the nanosecond. */
void tev__kv_us(struct jw *w, const char *key, uint64_t ns);

/* Metadata: the name of a process or a thread track, and where a process sorts. */
int tev__process_name(struct tev *t, uint32_t pid, const char *name);
int tev__thread_name(struct tev *t, uint32_t pid, uint32_t tid, const char *name);
int tev__process_sort(struct tev *t, uint32_t pid, int64_t index);

/*
 * End the array; then "displayTimeUnit" and an "otherData" object the
 * caller fills through other (may be NULL).  Flushes.  0 or the first -errno.
 */
int tev__close(struct tev *t, void (*other)(struct jw *w, void *ctx), void *ctx);
void tev__release(struct tev *t);

#endif /* IPCTRACE_TRACEVENT_H */
