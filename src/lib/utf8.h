/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * utf8: what the writers of text formats (JSON, OpenMetrics) need to pass
 * names from traced processes through as valid UTF-8.
 */
#ifndef IPCTRACE_UTF8_H
#define IPCTRACE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

static inline bool utf8_is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * Length of the well-formed multi-byte UTF-8 sequence at s (at most n
 * bytes), or 0.  Rejects what the Unicode standard rejects (table 3-7):
 * overlong forms, UTF-16 surrogates and code points past U+10FFFF.
 */
static inline size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (!utf8_is_cont(s[i]))
			return 0;
	return len;
}

#endif /* IPCTRACE_UTF8_H */
