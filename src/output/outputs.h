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
struct evprint;
struct recorder;
struct sink;

/* Event lines (json false) or JSON Lines (json true) to out.  NULL with errno. */
struct evprint *evprint__new(struct collector *c, FILE *out, bool json, bool abs_time);
struct sink *evprint__sink(struct evprint *p);

/*
 * Every record to a recording file (created 0600); flushed each interval.
 * NULL with errno and one line in why.
 */
struct recorder *recorder__new(const char *path, char *why, size_t whylen);
struct sink *recorder__sink(struct recorder *r);
unsigned long long recorder__records(const struct recorder *r);
unsigned long long recorder__bytes(const struct recorder *r);

#endif /* IPCTRACE_OUTPUTS_H */
