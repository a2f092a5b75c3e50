/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Output sinks that write records as they come: the --events and --json
 * event printers and the recorder of `ipctrace record`.
 */
#ifndef IPCTRACE_OUTPUTS_H
#define IPCTRACE_OUTPUTS_H

#include <stdbool.h>
#include <stdio.h>

struct collector;
struct sink_ops;

extern const struct sink_ops evprint_sink_ops;
extern const struct sink_ops recorder_sink_ops;

/* Event lines (json false) or JSON Lines (json true) to out.  NULL with errno. */
void *evprint__new(struct collector *c, FILE *out, bool json, bool abs_time);

/* Every record to a recording file; flushed each interval.  NULL with errno. */
void *recorder__new(const char *path);
unsigned long long recorder__records(const void *r);
unsigned long long recorder__bytes(const void *r);

#endif /* IPCTRACE_OUTPUTS_H */
