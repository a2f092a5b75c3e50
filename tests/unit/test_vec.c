// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests for vec: growth, zeroing, reserve, clear and release. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/vec.h"

struct item {
	uint64_t a;
	uint32_t b;
	char name[12];
};

static void test_push_keeps_values(void **state)
{
	struct vec v = VEC_INIT(struct item);
	size_t n = 10000;

	assert_int_equal(v.elem_size, sizeof(struct item));
	assert_null(v.data);
	for (size_t i = 0; i < n; i++) {
		struct item *it = vec__push(&v);

		assert_non_null(it);
		/* A pushed element starts zeroed, whatever realloc left there. */
		assert_int_equal(it->a, 0);
		assert_int_equal(it->b, 0);
		assert_int_equal(it->name[0], 0);
		it->a = i * 3;
		it->b = (uint32_t)i;
		it->name[0] = (char)('a' + i % 26);
	}
	assert_int_equal(v.len, n);
	assert_true(v.cap >= n);
	for (size_t i = 0; i < n; i++) {
		struct item *it = vec_at(&v, struct item, i);

		assert_int_equal(it->a, i * 3);
		assert_int_equal(it->b, i);
		assert_int_equal(it->name[0], 'a' + i % 26);
	}
	vec__release(&v);
	assert_null(v.data);
	assert_int_equal(v.len, 0);
	assert_int_equal(v.cap, 0);
	assert_int_equal(v.elem_size, sizeof(struct item));
}

static void test_for_each(void **state)
{
	struct vec v;
	uint64_t sum = 0;
	size_t seen = 0;

	vec__init(&v, sizeof(uint32_t));
	vec_for_each(&v, uint32_t, p)
		seen++;	/* empty vec: the loop must not run */
	assert_int_equal(seen, 0);
	for (uint32_t i = 1; i <= 100; i++)
		*(uint32_t *)vec__push(&v) = i;
	vec_for_each(&v, uint32_t, p) {
		sum += *p;
		seen++;
	}
	assert_int_equal(seen, 100);
	assert_int_equal(sum, 5050);
	vec__release(&v);
}

static void test_reserve(void **state)
{
	struct vec v = VEC_INIT(uint64_t);
	void *data;

	assert_int_equal(vec__reserve(&v, 1000), 0);
	assert_true(v.cap >= 1000);
	assert_int_equal(v.len, 0);
	data = v.data;
	/* Within the reserved room nothing moves. */
	for (int i = 0; i < 1000; i++)
		assert_non_null(vec__push(&v));
	assert_ptr_equal(v.data, data);
	/* Reserving less than the capacity is a no-op. */
	assert_int_equal(vec__reserve(&v, 10), 0);
	assert_ptr_equal(v.data, data);
	/* An impossible size fails cleanly and leaves the vec usable. */
	assert_int_equal(vec__reserve(&v, SIZE_MAX / 4), -ENOMEM);
	assert_int_equal(v.len, 1000);
	assert_ptr_equal(v.data, data);
	vec__release(&v);
}

static void test_clear_keeps_storage(void **state)
{
	struct vec v = VEC_INIT(int);
	size_t cap;
	void *data;

	for (int i = 0; i < 50; i++)
		*(int *)vec__push(&v) = i + 1;
	cap = v.cap;
	data = v.data;
	vec__clear(&v);
	assert_int_equal(v.len, 0);
	assert_int_equal(v.cap, cap);
	assert_ptr_equal(v.data, data);
	/* Reused slots come back zeroed, not with the old values. */
	assert_int_equal(*(int *)vec__push(&v), 0);
	assert_int_equal(v.len, 1);
	vec__release(&v);
	vec__release(&v);	/* twice is harmless */
	vec__release(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_keeps_values),
		cmocka_unit_test(test_for_each),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_clear_keeps_storage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
