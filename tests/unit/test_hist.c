// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for src/lib/hist.c: bucket bounds, percentiles, log2 counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/hist.h"

static void test_buckets_cover_every_value(void **state)
{
	/* the buckets tile [0, 2^64) without gaps or overlaps */
	assert_int_equal(hist__lo(0), 0);
	for (unsigned int i = 0; i + 1 < HIST_BUCKETS; i++) {
		assert_int_equal(hist__hi(i) + 1, hist__lo(i + 1));
		assert_int_equal(hist__idx(hist__lo(i)), i);
		assert_int_equal(hist__idx(hist__hi(i)), i);
	}
	assert_int_equal(hist__hi(HIST_BUCKETS - 1), UINT64_MAX);
	assert_int_equal(hist__idx(UINT64_MAX), HIST_BUCKETS - 1);
	/* 4 buckets per power of two: 1000 is in [896, 1023] */
	assert_int_equal(hist__lo(hist__idx(1000)), 896);
	assert_int_equal(hist__hi(hist__idx(1000)), 1023);
}

static void test_percentiles(void **state)
{
	struct hist h = { 0 };

	assert_int_equal(hist__pct(&h, 100, 500), 0);
	for (uint64_t v = 1; v <= 100; v++)
		hist__add(&h, v * 1000);
	assert_int_equal(h.n, 100);
	/* the median, 50000, is in [49152, 57343]: the top of its bucket */
	assert_int_equal(hist__pct(&h, 100000, 500), 57343);
	/* never above the maximum seen */
	assert_int_equal(hist__pct(&h, 100000, 1000), 100000);
	assert_true(hist__pct(&h, 100000, 990) >= 99000);
}

static void test_log2(void **state)
{
	struct hist h = { 0 };
	uint64_t total = 0;

	hist__add(&h, 0);
	hist__add(&h, 1);
	hist__add(&h, 3);
	hist__add(&h, 1024);
	hist__add(&h, 2047);
	assert_int_equal(hist__log2(&h, 0), 2);	/* 0 and 1 */
	assert_int_equal(hist__log2(&h, 1), 1);	/* 3 */
	assert_int_equal(hist__log2(&h, 10), 2);	/* 1024, 2047 */
	for (unsigned int e = 0; e < 64; e++)
		total += hist__log2(&h, e);
	assert_int_equal(total, h.n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets_cover_every_value),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_log2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
