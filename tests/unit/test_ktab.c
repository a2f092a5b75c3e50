// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for src/lib/ktab.c: get-or-add, rollback, rekey, remove,
 * reindex, and the bound with an "other" row and with aging.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/ktab.h"

struct row {
	uint64_t count;
	struct {
		uint32_t a;
		uint32_t b;
	} key;
	uint64_t last;		/* for the aging test */
};

#define KEY(x, y) (&(typeof(((struct row *)0)->key)){ .a = (x), .b = (y) })

static void init(struct ktab *t)
{
	assert_int_equal(ktab__init(t, sizeof(struct row), sizeof(((struct row *)0)->key),
				    offsetof(struct row, key)), 0);
}

static void test_get_or_add(void **state)
{
	struct ktab t;
	struct row *r, *r2;
	bool created;

	init(&t);
	r = ktab__get(&t, KEY(1, 2), &created);
	assert_non_null(r);
	assert_true(created);
	assert_int_equal(r->key.a, 1);
	assert_int_equal(r->key.b, 2);
	assert_int_equal(r->count, 0);
	r->count = 5;
	r2 = ktab__get(&t, KEY(1, 2), &created);
	assert_ptr_equal(r, r2);
	assert_false(created);
	assert_int_equal(r2->count, 5);
	for (uint32_t i = 0; i < 1000; i++)
		assert_non_null(ktab__get(&t, KEY(i, 7), NULL));
	assert_int_equal(ktab__len(&t), 1001);
	/* rows stay in insertion order, indexes follow */
	r = ktab__find(&t, KEY(500, 7));
	assert_non_null(r);
	assert_int_equal(ktab__index(&t, r), 501);
	assert_null(ktab__find(&t, KEY(1000, 7)));
	ktab__release(&t);
	ktab__release(&t);	/* twice is fine */
}

static void test_rollback(void **state)
{
	struct ktab t;
	size_t len;
	bool created = true;

	init(&t);
	assert_non_null(ktab__get(&t, KEY(1, 1), NULL));
	/* make the row vec refuse to grow: the index must not keep the new key */
	len = t.rows.len;
	t.rows.len = SIZE_MAX;
	errno = 0;
	assert_null(ktab__get(&t, KEY(2, 2), &created));
	assert_int_equal(errno, ENOMEM);
	assert_false(created);
	t.rows.len = len;
	assert_null(ktab__find(&t, KEY(2, 2)));
	assert_int_equal(hmap__count(t.idx), 1);
	assert_non_null(ktab__get(&t, KEY(2, 2), &created));
	assert_true(created);
	ktab__release(&t);
}

static void test_rekey_remove_reindex(void **state)
{
	struct ktab t;
	struct row *r;

	init(&t);
	for (uint32_t i = 0; i < 4; i++)
		((struct row *)ktab__get(&t, KEY(i, 0), NULL))->count = i;
	assert_int_equal(ktab__rekey(&t, 1, KEY(9, 9)), 0);
	assert_null(ktab__find(&t, KEY(1, 0)));
	r = ktab__find(&t, KEY(9, 9));
	assert_int_equal(r->count, 1);
	assert_int_equal(r->key.a, 9);
	/* remove row 0: the last row (3) takes its place */
	assert_int_equal(ktab__remove(&t, 0), 0);
	assert_int_equal(ktab__len(&t), 3);
	assert_null(ktab__find(&t, KEY(0, 0)));
	r = ktab__find(&t, KEY(3, 0));
	assert_int_equal(ktab__index(&t, r), 0);
	assert_int_equal(r->count, 3);
	/* the last row itself */
	assert_int_equal(ktab__remove(&t, 2), 0);
	assert_null(ktab__find(&t, KEY(2, 0)));
	assert_int_equal(ktab__len(&t), 2);
	/* the owner moves rows, then reindexes */
	memcpy(ktab__at(&t, 0), ktab__at(&t, 1), sizeof(struct row));
	t.rows.len = 1;
	assert_int_equal(ktab__reindex(&t), 0);
	assert_int_equal(hmap__count(t.idx), 1);
	assert_int_equal(((struct row *)ktab__find(&t, KEY(9, 9)))->count, 1);
	ktab__clear(&t);
	assert_int_equal(ktab__len(&t), 0);
	assert_null(ktab__find(&t, KEY(9, 9)));
	ktab__release(&t);
}

/* Past the bound, new keys are counted in one "other" row. */
static void *fold_other(struct ktab *t, const void *key, void *ctx)
{
	return ktab__get_unbounded(t, KEY(UINT32_MAX, UINT32_MAX), NULL);
}

static void test_bound_other(void **state)
{
	struct ktab t;
	struct row *r;

	init(&t);
	ktab__set_bound(&t, 3, fold_other, NULL);
	for (uint32_t i = 0; i < 10; i++)
		((struct row *)ktab__get(&t, KEY(i, 0), NULL))->count++;
	/* three rows, the "other" one on top of them, seven keys folded */
	assert_int_equal(ktab__len(&t), 4);
	r = ktab__find(&t, KEY(UINT32_MAX, UINT32_MAX));
	assert_non_null(r);
	assert_int_equal(r->count, 7);
	assert_int_equal(t.overflows, 7);
	/* a known key still finds its own row */
	assert_int_equal(((struct row *)ktab__get(&t, KEY(1, 0), NULL))->count, 1);
	assert_int_equal(t.overflows, 7);
	ktab__release(&t);
}

/* Past the bound, the least recently used row ages out and its count goes to ctx. */
static void *age_oldest(struct ktab *t, const void *key, void *ctx)
{
	uint64_t *aged = ctx;
	size_t oldest = 0;

	for (size_t i = 1; i < ktab__len(t); i++)
		if (((struct row *)ktab__at(t, i))->last < ((struct row *)ktab__at(t, oldest))->last)
			oldest = i;
	*aged += ((struct row *)ktab__at(t, oldest))->count;
	ktab__remove(t, oldest);
	return NULL;
}

static void test_bound_aging(void **state)
{
	struct ktab t;
	uint64_t aged = 0, now = 0;
	struct row *r;

	init(&t);
	ktab__set_bound(&t, 2, age_oldest, &aged);
	for (uint32_t i = 0; i < 5; i++) {
		r = ktab__get(&t, KEY(i, 0), NULL);
		r->count += 10;
		r->last = ++now;
		/* key 0 stays in use */
		r = ktab__get(&t, KEY(0, 0), NULL);
		r->count++;
		r->last = ++now;
	}
	assert_int_equal(ktab__len(&t), 2);
	assert_non_null(ktab__find(&t, KEY(0, 0)));
	assert_non_null(ktab__find(&t, KEY(4, 0)));
	assert_int_equal(aged, 30);	/* keys 1, 2, 3 */
	assert_int_equal(t.overflows, 0);	/* aged rows are the owner's to count */
	ktab__release(&t);
}

/* Without a callback the bound turns new keys away. */
static void test_bound_refuses(void **state)
{
	struct ktab t;

	init(&t);
	ktab__set_bound(&t, 1, NULL, NULL);
	assert_non_null(ktab__get(&t, KEY(1, 0), NULL));
	errno = 0;
	assert_null(ktab__get(&t, KEY(2, 0), NULL));
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(t.overflows, 1);
	assert_non_null(ktab__get(&t, KEY(1, 0), NULL));
	ktab__release(&t);
}

static void test_bad_init(void **state)
{
	struct ktab t;

	assert_int_equal(ktab__init(&t, 8, 0, 0), -EINVAL);
	assert_int_equal(ktab__init(&t, 8, 8, 4), -EINVAL);
	assert_int_equal(ktab__init(&t, 256, KTAB_MAX_KEY + 1, 0), -EINVAL);
	ktab__release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_or_add),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_rekey_remove_reindex),
		cmocka_unit_test(test_bound_other),
		cmocka_unit_test(test_bound_aging),
		cmocka_unit_test(test_bound_refuses),
		cmocka_unit_test(test_bad_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
