/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * report: the live view's blocks and the final report around the sinks'
 * sections: a header (time, targets, interval), the loss line, then each
 * sink's section.  In JSON mode the final report is one JSON object.
 */
#ifndef IPCTRACE_REPORT_H
#define IPCTRACE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct collector;

struct report_opts {
	FILE *out;
	bool json;		/* final report as one JSON object */
	bool clear;		/* live view on a terminal: redraw the screen */
	bool final;
	uint64_t start_ns;	/* monotonic span covered */
	uint64_t end_ns;
	const char *what;	/* what is traced: "pid 4242", "command: ./app" */
	int top;
};

void report__print(struct collector *c, const struct report_opts *o);

#endif /* IPCTRACE_REPORT_H */
