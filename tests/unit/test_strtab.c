// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for strtab: one pointer per distinct string, pointers and
 * contents stable across many interns (chunk turnover), strings bigger than
 * a chunk, intern_n on fixed arrays.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/strtab.h"

static void test_intern_dedups(void **state)
{
	struct strtab *t = strtab__new();
	char buf[32];
	const char *a, *b, *c, *e;

	assert_non_null(t);
	assert_int_equal(strtab__count(t), 0);
	a = strtab__intern(t, "bash");
	assert_non_null(a);
	assert_string_equal(a, "bash");
	/* A different buffer with the same contents gives the same pointer. */
	snprintf(buf, sizeof(buf), "ba%s", "sh");
	b = strtab__intern(t, buf);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, buf);
	c = strtab__intern(t, "bas");
	assert_ptr_not_equal(a, c);
	assert_string_equal(c, "bas");
	e = strtab__intern(t, "");
	assert_non_null(e);
	assert_string_equal(e, "");
	assert_ptr_equal(strtab__intern(t, ""), e);
	assert_int_equal(strtab__count(t), 3);
	assert_true(strtab__bytes(t) >= 64 * 1024);
	strtab__free(t);
	strtab__free(NULL);
}

static void test_intern_n(void **state)
{
	struct strtab *t = strtab__new();
	/* A comm array: exactly 16 bytes, NUL inside; and one filled to the brim. */
	char comm[16] = "worker-1";
	char full[16];
	const char *a, *b, *c;

	assert_non_null(t);
	memset(full, 'x', sizeof(full));
	a = strtab__intern_n(t, comm, sizeof(comm));
	assert_string_equal(a, "worker-1");
	assert_ptr_equal(a, strtab__intern(t, "worker-1"));
	/* A prefix of a longer buffer. */
	b = strtab__intern_n(t, "worker-12345", 6);
	assert_string_equal(b, "worker");
	assert_ptr_equal(b, strtab__intern(t, "worker"));
	/* No NUL within len: exactly len bytes are taken and terminated. */
	c = strtab__intern_n(t, full, sizeof(full));
	assert_int_equal(strlen(c), 16);
	assert_memory_equal(c, full, 16);
	assert_int_equal(strtab__count(t), 3);
	strtab__free(t);
}

/* Distinct names of lengths 3 to 47. */
static void make_name(char *buf, size_t len, int i)
{
	static const char tail[] = "0123456789abcdefghijklmnopqrstuvwxyzABCD";

	snprintf(buf, len, "s%d-%.*s", i, i % 40, tail);
}

static void test_stability_many(void **state)
{
	enum { N = 200000 };
	struct strtab *t = strtab__new();
	const char **ptrs = calloc(N, sizeof(*ptrs));
	char buf[64];
	size_t bytes;

	assert_non_null(t);
	assert_non_null(ptrs);
	for (int i = 0; i < N; i++) {
		/* Lengths vary so chunks end at different fill levels. */
		make_name(buf, sizeof(buf), i);
		ptrs[i] = strtab__intern(t, buf);
		assert_non_null(ptrs[i]);
	}
	assert_int_equal(strtab__count(t), N);
	bytes = strtab__bytes(t);
	assert_true(bytes > 64 * 1024 * 10);	/* many chunks were needed */
	/* Old pointers still hold their strings and are what a new intern returns. */
	for (int i = 0; i < N; i++) {
		make_name(buf, sizeof(buf), i);
		assert_string_equal(ptrs[i], buf);
		assert_ptr_equal(strtab__intern(t, buf), ptrs[i]);
	}
	/* Re-interning allocated nothing. */
	assert_int_equal(strtab__count(t), N);
	assert_int_equal(strtab__bytes(t), bytes);
	strtab__free(t);
	free(ptrs);
}

static void test_big_strings(void **state)
{
	struct strtab *t = strtab__new();
	size_t big = 200 * 1024;	/* bigger than a whole chunk */
	char *s = malloc(big + 1);
	const char *small1, *small2, *p1, *p2;
	size_t before;

	assert_non_null(t);
	assert_non_null(s);
	small1 = strtab__intern(t, "before");
	memset(s, 'q', big);
	s[big] = '\0';
	before = strtab__bytes(t);
	p1 = strtab__intern(t, s);
	assert_non_null(p1);
	assert_int_equal(strlen(p1), big);
	assert_true(strtab__bytes(t) >= before + big);
	s[0] = 'r';
	p2 = strtab__intern(t, s);
	assert_ptr_not_equal(p1, p2);
	assert_int_equal(p1[0], 'q');
	assert_int_equal(p2[0], 'r');
	s[0] = 'q';
	assert_ptr_equal(strtab__intern(t, s), p1);
	/* Small strings keep sharing the current chunk around big ones. */
	small2 = strtab__intern(t, "after");
	assert_true(small2 > small1 && small2 < small1 + 64 * 1024);
	assert_string_equal(small1, "before");
	assert_int_equal(strtab__count(t), 4);
	strtab__free(t);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_dedups),
		cmocka_unit_test(test_intern_n),
		cmocka_unit_test(test_stability_many),
		cmocka_unit_test(test_big_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
