// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hist: log2 buckets, each split in 4 (the contract is in hist.h).
 */
#include "lib/hist.h"

unsigned int hist__idx(uint64_t v)
{
	unsigned int e;

	if (v < 4)
		return v;
	e = 63 - __builtin_clzll(v);
	return (e - 1) * 4 + ((v >> (e - 2)) & 3);
}

uint64_t hist__lo(unsigned int i)
{
	if (i < 4)
		return i;
	return (uint64_t)(4 + i % 4) << (i / 4 - 1);
}

uint64_t hist__hi(unsigned int i)
{
	return i + 1 < HIST_BUCKETS ? hist__lo(i + 1) - 1 : UINT64_MAX;
}

void hist__add(struct hist *h, uint64_t v)
{
	h->n++;
	h->b[hist__idx(v)]++;
}

uint64_t hist__pct(const struct hist *h, uint64_t max, unsigned int permille)
{
	uint64_t want = (h->n * permille + 999) / 1000, seen = 0;

	if (!h->n)
		return 0;
	for (unsigned int i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want && seen)
			return hist__hi(i) < max ? hist__hi(i) : max;
	}
	return max;
}

uint64_t hist__log2(const struct hist *h, unsigned int e)
{
	uint64_t n = 0;

	if (e < 2) {
		for (unsigned int i = e ? 2 : 0; i < (e ? 4u : 2u); i++)
			n += h->b[i];
		return n;
	}
	for (unsigned int i = (e - 1) * 4; i < e * 4 && i < HIST_BUCKETS; i++)
		n += h->b[i];
	return n;
}
