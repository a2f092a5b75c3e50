// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * json: exact output for nesting, escaping and numbers, the failure flag on
 * misuse, and validity of everything written, checked by a small strict
 * parser (RFC 8259 grammar, UTF-8 checked) that is independent of the writer.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json_check.h"
#include "lib/json.h"

/* The validator itself must accept and reject the right things. */
static void test_validator(void **state)
{
	assert_true(json_valid("{}"));
	assert_true(json_valid("[1,-0.5e+3,\"a\\u00e9\\n\",true,false,null,{\"k\":[]}]"));
	assert_true(json_valid("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""));
	assert_false(json_valid(""));
	assert_false(json_valid("{\"a\":1,}"));
	assert_false(json_valid("[1 2]"));
	assert_false(json_valid("{1:2}"));
	assert_false(json_valid("\"a\nb\""));
	assert_false(json_valid("\"\\x\""));
	assert_false(json_valid("\"\\u12g4\""));
	assert_false(json_valid("\"\x80\""));
	assert_false(json_valid("\"\xed\xa0\x80\""));
	assert_false(json_valid("01"));
	assert_false(json_valid("1."));
	assert_false(json_valid("nan"));
	assert_false(json_valid("{}{}"));
}

/* Writer tests */

static void expect_doc(struct jw *w, const char *want)
{
	assert_false(w->failed);
	assert_string_equal(jw__cstr(w), want);
	assert_true(json_valid(jw__cstr(w)));
}

static void test_nesting(void **state)
{
	struct jw w;

	jw__init(&w);
	assert_string_equal(jw__cstr(&w), "");
	jw__obj_begin(&w);
	jw__key(&w, "a");
	jw__arr_begin(&w);
	jw__u64(&w, 1);
	jw__s64(&w, -2);
	jw__obj_begin(&w);
	jw__kv_str(&w, "b", NULL);
	jw__obj_end(&w);
	jw__arr_begin(&w);
	jw__arr_end(&w);
	jw__obj_begin(&w);
	jw__obj_end(&w);
	jw__arr_end(&w);
	jw__kv_bool(&w, "c", true);
	jw__kv_bool(&w, "d", false);
	jw__key(&w, "e");
	jw__null(&w);
	jw__kv_u64(&w, "f", UINT64_MAX);
	jw__kv_s64(&w, "g", INT64_MIN);
	jw__kv_double(&w, "h", 0.5);
	jw__obj_end(&w);
	expect_doc(&w, "{\"a\":[1,-2,{\"b\":null},[],{}],\"c\":true,\"d\":false,\"e\":null,"
		       "\"f\":18446744073709551615,\"g\":-9223372036854775808,\"h\":0.5}");
	jw__release(&w);
}

static void test_top_level_scalars(void **state)
{
	struct jw w;

	jw__init(&w);
	jw__str(&w, "x");
	expect_doc(&w, "\"x\"");
	jw__reset(&w);
	jw__u64(&w, 0);
	expect_doc(&w, "0");
	jw__reset(&w);
	jw__arr_begin(&w);
	jw__arr_end(&w);
	expect_doc(&w, "[]");
	jw__release(&w);
}

static void expect_str(const char *in, size_t n, const char *want)
{
	struct jw w;

	jw__init(&w);
	jw__strn(&w, in, n);
	expect_doc(&w, want);
	jw__release(&w);
}

#define EXPECT_STR(lit, want) expect_str(lit, sizeof(lit) - 1, want)

static void test_escaping(void **state)
{
	EXPECT_STR("plain", "\"plain\"");
	EXPECT_STR("", "\"\"");
	EXPECT_STR("say \"hi\"", "\"say \\\"hi\\\"\"");
	EXPECT_STR("C:\\dir\\", "\"C:\\\\dir\\\\\"");
	EXPECT_STR("a\nb\tc\rd", "\"a\\u000ab\\u0009c\\u000dd\"");
	EXPECT_STR("\x01\x1f\b\f", "\"\\u0001\\u001f\\u0008\\u000c\"");
	EXPECT_STR("nul\0in", "\"nul\\u0000in\"");
	/* DEL and '/' need no escape. */
	EXPECT_STR("a/b\x7f", "\"a/b\x7f\"");
}

static void test_utf8_valid_passes(void **state)
{
	EXPECT_STR("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	EXPECT_STR("\xe2\x82\xac 5", "\"\xe2\x82\xac 5\"");
	EXPECT_STR("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	EXPECT_STR("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");		/* U+D7FF */
	EXPECT_STR("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	/* C1 controls are valid UTF-8 that terminals may obey: escaped, not dropped */
	EXPECT_STR("\xc2\x80", "\"\\u0080\"");		/* U+0080 */
	EXPECT_STR("\xc2\xa0", "\"\xc2\xa0\"");			/* U+00A0 */
}

static void test_utf8_invalid_replaced(void **state)
{
	EXPECT_STR("\x80", "\"\\ufffd\"");
	EXPECT_STR("a\xff" "b", "\"a\\ufffdb\"");
	/* Overlong encodings of '/' and NUL. */
	EXPECT_STR("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	EXPECT_STR("\xc1\xbf", "\"\\ufffd\\ufffd\"");
	EXPECT_STR("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	/* UTF-16 surrogate U+D800, and past U+10FFFF. */
	EXPECT_STR("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	EXPECT_STR("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	EXPECT_STR("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* Truncated: at the end, and before an ASCII byte. */
	EXPECT_STR("x\xe2\x82", "\"x\\ufffd\\ufffd\"");
	EXPECT_STR("\xc3" "A", "\"\\ufffdA\"");
	EXPECT_STR("\xf0\x9f\x98" "\xc3\xa9", "\"\\ufffd\\ufffd\\ufffd\xc3\xa9\"");
	/* A comm cut by the kernel in the middle of a character. */
	EXPECT_STR("worker-\xe2\x82\0", "\"worker-\\ufffd\\ufffd\\u0000\"");
}

static void test_key_escaping(void **state)
{
	struct jw w;

	jw__init(&w);
	jw__obj_begin(&w);
	jw__kv_u64(&w, "we\"ird\n\xff", 1);
	jw__obj_end(&w);
	expect_doc(&w, "{\"we\\\"ird\\u000a\\ufffd\":1}");
	jw__release(&w);
}

static const char *double_str(struct jw *w, double v)
{
	jw__reset(w);
	jw__double(w, v);
	assert_false(w->failed);
	assert_true(json_valid(jw__cstr(w)));
	return jw__cstr(w);
}

static void test_doubles(void **state)
{
	static const double round_trip[] = { 1.0 / 3, 2.0 / 3, 1e-310, 5e-324,
		1.7976931348623157e308, 123456789.123456789, 0.1 + 0.2 };
	struct jw w;

	jw__init(&w);
	assert_string_equal(double_str(&w, 0.1), "0.1");
	assert_string_equal(double_str(&w, 2.5), "2.5");
	assert_string_equal(double_str(&w, 100), "100");
	assert_string_equal(double_str(&w, -0.0), "-0");
	assert_string_equal(double_str(&w, 1e300), "1e+300");
	assert_string_equal(double_str(&w, 0.1 + 0.2), "0.30000000000000004");
	assert_string_equal(double_str(&w, 1.0 / 3), "0.3333333333333333");
	assert_string_equal(double_str(&w, NAN), "null");
	assert_string_equal(double_str(&w, INFINITY), "null");
	assert_string_equal(double_str(&w, -INFINITY), "null");
	for (size_t i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++)
		assert_true(strtod(double_str(&w, round_trip[i]), NULL) == round_trip[i]);
	jw__release(&w);
}

static void test_misuse_sets_failed(void **state)
{
	struct jw w;

	jw__init(&w);
	jw__key(&w, "top");			/* key outside an object */
	assert_true(w.failed);

	jw__reset(&w);
	assert_false(w.failed);
	jw__obj_begin(&w);
	jw__u64(&w, 1);				/* value without a key */
	assert_true(w.failed);

	jw__reset(&w);
	jw__obj_begin(&w);
	jw__key(&w, "a");
	jw__key(&w, "b");			/* two keys in a row */
	assert_true(w.failed);

	jw__reset(&w);
	jw__obj_begin(&w);
	jw__key(&w, "a");
	jw__obj_end(&w);			/* key without a value */
	assert_true(w.failed);

	jw__reset(&w);
	jw__arr_begin(&w);
	jw__key(&w, "a");			/* key in an array */
	assert_true(w.failed);

	jw__reset(&w);
	jw__arr_begin(&w);
	jw__obj_end(&w);			/* mismatched end */
	assert_true(w.failed);

	jw__reset(&w);
	jw__arr_end(&w);			/* end with nothing open */
	assert_true(w.failed);

	jw__reset(&w);
	jw__obj_begin(&w);
	jw__key(&w, NULL);
	assert_true(w.failed);

	jw__reset(&w);
	jw__u64(&w, 1);
	jw__u64(&w, 2);				/* two top-level values */
	assert_true(w.failed);
	jw__release(&w);
}

static void test_depth_limit(void **state)
{
	struct jw w;
	int i;

	jw__init(&w);
	for (i = 0; i < JW_MAX_DEPTH - 1; i++)
		jw__arr_begin(&w);
	assert_false(w.failed);
	for (i = 0; i < JW_MAX_DEPTH - 1; i++)
		jw__arr_end(&w);
	assert_false(w.failed);
	assert_true(json_valid(jw__cstr(&w)));
	assert_int_equal(strlen(jw__cstr(&w)), 2 * (JW_MAX_DEPTH - 1));

	jw__reset(&w);
	for (i = 0; i < JW_MAX_DEPTH; i++)
		jw__arr_begin(&w);
	assert_true(w.failed);
	jw__release(&w);
}

static void test_failed_is_sticky(void **state)
{
	struct jw w;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);

	assert_non_null(f);
	jw__init(&w);
	jw__obj_begin(&w);
	jw__u64(&w, 1);
	assert_true(w.failed);
	jw__kv_u64(&w, "a", 1);
	jw__obj_end(&w);
	assert_true(w.failed);
	assert_int_equal(jw__flush_line(&w, f), -EINVAL);
	/* flush resets: the next document is fine. */
	assert_false(w.failed);
	jw__obj_begin(&w);
	jw__obj_end(&w);
	assert_int_equal(jw__flush_line(&w, f), 0);
	/* An unfinished document is refused too. */
	jw__arr_begin(&w);
	assert_int_equal(jw__flush_line(&w, f), -EINVAL);
	fclose(f);
	assert_string_equal(out, "{}\n");
	free(out);
	jw__release(&w);
}

static void test_flush_and_reuse(void **state)
{
	struct jw w;
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	const char *buf;

	assert_non_null(f);
	jw__init(&w);
	jw__obj_begin(&w);
	jw__kv_str(&w, "ev", "one");
	jw__obj_end(&w);
	buf = w.buf;
	assert_int_equal(jw__flush_line(&w, f), 0);
	assert_int_equal(w.len, 0);
	assert_string_equal(jw__cstr(&w), "");
	jw__obj_begin(&w);
	jw__kv_str(&w, "ev", "two");
	jw__obj_end(&w);
	assert_ptr_equal(w.buf, buf);	/* the buffer is kept */
	assert_int_equal(jw__flush_line(&w, f), 0);
	fclose(f);
	assert_string_equal(out, "{\"ev\":\"one\"}\n{\"ev\":\"two\"}\n");
	free(out);
	jw__release(&w);
	assert_null(w.buf);
	jw__release(&w);		/* twice is fine */
	jw__release(NULL);
}

static void test_growth(void **state)
{
	size_t n = 100000;
	char *big = malloc(n + 1);
	struct jw w;

	assert_non_null(big);
	memset(big, 'q', n);
	big[n] = '\0';
	big[n / 2] = '"';
	jw__init(&w);
	jw__arr_begin(&w);
	jw__str(&w, big);
	jw__str(&w, big);
	jw__arr_end(&w);
	assert_false(w.failed);
	assert_int_equal(w.len, 2 * (n + 3) + 3);
	assert_true(json_valid(jw__cstr(&w)));
	assert_true(w.cap > w.len);
	free(big);
	jw__release(&w);
}

static void test_fixed(void **state)
{
	struct jw w;

	jw__init(&w);
	jw__arr_begin(&w);
	jw__fixed(&w, 1234567, 3);
	jw__fixed(&w, -5, 3);
	jw__fixed(&w, 7, 0);
	jw__obj_begin(&w);
	jw__kv_fixed(&w, "ts", 1000, 3);
	jw__obj_end(&w);
	jw__arr_end(&w);
	expect_doc(&w, "[1234.567,-0.005,7,{\"ts\":1.000}]");
	jw__release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_top_level_scalars),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_utf8_valid_passes),
		cmocka_unit_test(test_utf8_invalid_replaced),
		cmocka_unit_test(test_key_escaping),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_misuse_sets_failed),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_failed_is_sticky),
		cmocka_unit_test(test_flush_and_reuse),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_fixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
