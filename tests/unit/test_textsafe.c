// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for textsafe: what a terminal would obey becomes '?', valid
 * UTF-8 stays, a cut never splits a character, clean names are not copied;
 * and the JSON writer escapes the same characters instead of dropping them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json.h"
#include "lib/textsafe.h"

static void check_clean(const char *in, const char *want)
{
	char buf[256];
	size_t n = text__clean(buf, sizeof(buf), in, (size_t)-1);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
	assert_int_equal(text__is_clean(in), !strcmp(in, want));
	assert_true(text__is_clean(buf));
}

static void test_controls(void **state)
{
	/* a comm as prctl(PR_SET_NAME) allows: OSC title, erase screen, newline, tab */
	check_clean("\x1b]2;X\x07\x1b[2J\n\t", "?]2;X??[2J??");
	check_clean("a\rb\x7f" "c", "a?b?c");
	check_clean("", "");
	check_clean("plain-name_1.2", "plain-name_1.2");
}

static void test_utf8(void **state)
{
	/* valid: Latin, CJK, a 4-byte emoji */
	check_clean("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
		    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	/* invalid: a lone continuation, 0xff, an overlong '/', a surrogate, a cut sequence */
	check_clean("a\x80z", "a?z");
	check_clean("\xff\xfe", "??");
	check_clean("\xc0\xaf", "??");
	check_clean("\xed\xa0\x80", "???");
	check_clean("x\xe6\x97", "x??");
	/* 8-bit CSI as a raw byte, and as UTF-8 U+009B (a C1 control) */
	check_clean("\x9b" "31m", "?31m");
	check_clean("\xc2\x9b" "31m", "??31m");
	/* U+202E right-to-left override, U+2028 line separator; U+2030 (per mille) stays */
	check_clean("a\xe2\x80\xae" "b\xe2\x80\xa8" "c\xe2\x80\xb0", "a???b???c\xe2\x80\xb0");
}

static void test_cut(void **state)
{
	char buf[6];

	/* "ab" + 3-byte char + "c": 5 bytes do not fit the char whole, so it is left out */
	assert_int_equal(text__clean(buf, 5, "ab\xe6\x97\xa5" "c", (size_t)-1), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(text__clean(buf, sizeof(buf), "ab\xe6\x97\xa5" "c", (size_t)-1), 5);
	assert_string_equal(buf, "ab\xe6\x97\xa5");
	/* n bounds the input: a fixed array without its NUL */
	assert_int_equal(text__clean(buf, sizeof(buf), "ab\x1b" "cdef", 3), 3);
	assert_string_equal(buf, "ab?");
	assert_int_equal(text__clean(buf, 0, "x", (size_t)-1), 0);
}

static void test_safe(void **state)
{
	const char *clean = "worker";
	const char *a, *b;

	assert_ptr_equal(text__safe(clean), clean);
	assert_null(text__safe(NULL));
	a = text__safe("\x1b[1mA");
	b = text__safe("\x1b[1mB");
	/* two results alive at once, for one printf */
	assert_string_equal(a, "?[1mA");
	assert_string_equal(b, "?[1mB");
	assert_ptr_not_equal(a, b);
}

static void test_json_escapes(void **state)
{
	struct jw w;

	jw__init(&w);
	jw__str(&w, "\x1b]2;X\x07\xc2\x9b\xe2\x80\xae\xff" "ok\xc3\xa9");
	assert_string_equal(jw__cstr(&w),
			    "\"\\u001b]2;X\\u0007\\u009b\\u202e\\ufffdok\xc3\xa9\"");
	jw__release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_json_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
