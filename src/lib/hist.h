/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * hist: a histogram of 64-bit values (durations in ns) in log2 buckets, each
 * split in 4, so percentiles come out within 25% of the value at any scale
 * with a fixed 1 KiB per histogram.  Values 0-3 have a bucket each; above,
 * bucket i holds [lo(i), lo(i + 1)).
 */
#ifndef IPCTRACE_HIST_H
#define IPCTRACE_HIST_H

#include <stdint.h>

#define HIST_BUCKETS	252	/* 64 powers of two split in 4, minus the empty ones below 4 */

struct hist {
	uint64_t n;
	uint32_t b[HIST_BUCKETS];
};

void hist__add(struct hist *h, uint64_t v);
/* The permille-th percentile (500: median): the top of its bucket, at most max. */
uint64_t hist__pct(const struct hist *h, uint64_t max, unsigned int permille);
/* Count in the log2 bucket [2^e, 2^(e+1)) (e = 0 also holds 0). */
uint64_t hist__log2(const struct hist *h, unsigned int e);
/* The bucket of v, and the bounds of bucket i. */
unsigned int hist__idx(uint64_t v);
uint64_t hist__lo(unsigned int i);
uint64_t hist__hi(unsigned int i);

#endif /* IPCTRACE_HIST_H */
