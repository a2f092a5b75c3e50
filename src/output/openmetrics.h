/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * openmetrics: a writer of the Prometheus text exposition format (0.0.4,
 * what node_exporter's textfile collector reads) and of OpenMetrics 1.0.0
 * (what a Prometheus server asks for first), into a growable buffer.
 *
 * The caller says what comes next (a family, then its samples); the writer
 * does the format's part: TYPE/HELP/UNIT lines, the _total suffix of
 * counters, cumulative histogram buckets with their le labels, _sum and
 * _count, escaping, and "# EOF".  Label values from traced processes
 * (process names) come out as valid UTF-8 without control characters.
 * Times are integer nanoseconds written as exact decimal seconds.
 */
#ifndef IPCTRACE_OPENMETRICS_H
#define IPCTRACE_OPENMETRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum om_format {
	OM_TEXT_004,		/* text/plain; version=0.0.4 */
	OM_OPENMETRICS,		/* application/openmetrics-text; version=1.0.0 */
};

enum om_type {
	OM_COUNTER,
	OM_GAUGE,
	OM_HISTOGRAM,
};

struct om_label {
	const char *name;	/* [a-zA-Z_][a-zA-Z0-9_]*, not "le" */
	const char *value;	/* any bytes */
};

/* Bucket upper bounds in ns, ascending; +Inf is implied. */
struct om_hist {
	const uint64_t *bounds_ns;
	size_t nr_bounds;
	const uint64_t *counts;	/* per bucket, not cumulative: nr_bounds + 1 (+Inf last) */
	uint64_t sum_ns;
};

struct om {
	char *buf;
	size_t len;
	size_t cap;
	enum om_format fmt;
	enum om_type type;	/* of the family being written */
	char family[96];
	bool in_family;
	bool failed;		/* ENOMEM or misuse: the text is not to be served */
};

/* The MIME type a scrape answer of this format carries. */
const char *om__content_type(enum om_format fmt);

void om__init(struct om *o, enum om_format fmt);
void om__release(struct om *o);
void om__reset(struct om *o, enum om_format fmt);	/* empty, keeps the buffer */

/*
 * Start a family.  name: without _total for counters; with unit (NULL or
 * "seconds", "bytes"...) it must end in "_" unit.  help: one line.
 */
void om__family(struct om *o, const char *name, enum om_type type, const char *unit,
		const char *help);
/* A sample of the current counter or gauge family. */
void om__u64(struct om *o, const struct om_label *labels, size_t nr, uint64_t v);
/* A sample in seconds, from nanoseconds (exact). */
void om__ns_as_seconds(struct om *o, const struct om_label *labels, size_t nr, uint64_t ns);
/* One histogram (of the current histogram family) in seconds. */
void om__histogram(struct om *o, const struct om_label *labels, size_t nr,
		   const struct om_hist *h);
/* The end: "# EOF" in OpenMetrics.  0, or -EINVAL if the writer failed. */
int om__finish(struct om *o);

#endif /* IPCTRACE_OPENMETRICS_H */
