/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * decimal: an integer count of small units written as a decimal number of
 * large ones, exactly (no floating point): 1234567 ns as "1.234567" s,
 * 1500 ns as "1.500" us.  For the formats that want seconds or
 * microseconds but must not round a nanosecond away.
 */
#ifndef IPCTRACE_DECIMAL_H
#define IPCTRACE_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECIMAL_MAX 48	/* room for any int64_t with up to 18 decimals */

/*
 * v / 10^decimals into buf (at least DECIMAL_MAX bytes), decimals <= 18:
 * "-12.345".  trim: drop trailing zeros of the fraction (and the point when
 * nothing is left: "2").  Returns the length.
 */
size_t decimal_fixed(char *buf, int64_t v, unsigned int decimals, bool trim);
/* The same for an unsigned value. */
size_t decimal_fixed_u64(char *buf, uint64_t v, unsigned int decimals, bool trim);

#endif /* IPCTRACE_DECIMAL_H */
