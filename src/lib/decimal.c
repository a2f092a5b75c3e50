// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Exact decimal numbers from integers (see decimal.h).
 */
#include <string.h>

#include "lib/decimal.h"

size_t decimal_fixed_u64(char *buf, uint64_t v, unsigned int decimals, bool trim)
{
	char digits[24];
	size_t n = 0, len = 0, ints;

	if (decimals > 18)
		decimals = 18;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	/* at least one integer digit: pad with zeros up to decimals + 1 */
	while (n < decimals + 1)
		digits[n++] = '0';
	ints = n - decimals;
	for (size_t i = 0; i < ints; i++)
		buf[len++] = digits[n - 1 - i];
	if (decimals) {
		size_t last = decimals;

		if (trim)
			while (last > 0 && digits[decimals - last] == '0')
				last--;
		if (last) {
			buf[len++] = '.';
			for (size_t i = 0; i < last; i++)
				buf[len++] = digits[decimals - 1 - i];
		}
	}
	buf[len] = '\0';
	return len;
}

size_t decimal_fixed(char *buf, int64_t v, unsigned int decimals, bool trim)
{
	if (v >= 0)
		return decimal_fixed_u64(buf, (uint64_t)v, decimals, trim);
	/* the magnitude as unsigned: -INT64_MIN does not fit an int64_t */
	buf[0] = '-';
	return 1 + decimal_fixed_u64(buf + 1, -(uint64_t)v, decimals, trim);
}
