// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * openmetrics: exact text in both formats (TYPE/HELP/UNIT lines, counter
 * suffixes, cumulative histogram buckets, exact seconds), escaping of
 * hostile label values, and refusal of misuse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/decimal.h"
#include "output/openmetrics.h"

static const uint64_t bounds[] = { 1000, 1000000, 1000000000 };

static void write_sample(struct om *o)
{
	struct om_label l[] = { { "comm", "nginx" }, { "pid", "42" } };
	uint64_t counts[] = { 2, 0, 1, 1 };
	struct om_hist h = { bounds, 3, counts, 2000001500 };

	om__family(o, "ipctrace_bytes", OM_COUNTER, "bytes", "Bytes moved.");
	om__u64(o, l, 2, 6400);
	om__family(o, "ipctrace_up", OM_GAUGE, NULL, NULL);
	om__u64(o, NULL, 0, 1);
	om__family(o, "ipctrace_blocked_seconds", OM_HISTOGRAM, "seconds", "Time \"blocked\".");
	om__histogram(o, l, 1, &h);
	assert_int_equal(om__finish(o), 0);
}

static void test_text_004(void **state)
{
	struct om o;

	om__init(&o, OM_TEXT_004);
	write_sample(&o);
	assert_string_equal(o.buf,
		"# TYPE ipctrace_bytes_total counter\n"
		"# HELP ipctrace_bytes_total Bytes moved.\n"
		"ipctrace_bytes_total{comm=\"nginx\",pid=\"42\"} 6400\n"
		"# TYPE ipctrace_up gauge\n"
		"ipctrace_up 1\n"
		"# TYPE ipctrace_blocked_seconds histogram\n"
		"# HELP ipctrace_blocked_seconds Time \"blocked\".\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"0.000001\"} 2\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"0.001\"} 2\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"1\"} 3\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"+Inf\"} 4\n"
		"ipctrace_blocked_seconds_sum{comm=\"nginx\"} 2.0000015\n"
		"ipctrace_blocked_seconds_count{comm=\"nginx\"} 4\n");
	assert_string_equal(om__content_type(OM_TEXT_004), "text/plain; version=0.0.4; charset=utf-8");
	om__release(&o);
}

static void test_openmetrics(void **state)
{
	struct om o;

	om__init(&o, OM_OPENMETRICS);
	write_sample(&o);
	assert_string_equal(o.buf,
		"# TYPE ipctrace_bytes counter\n"
		"# UNIT ipctrace_bytes bytes\n"
		"# HELP ipctrace_bytes Bytes moved.\n"
		"ipctrace_bytes_total{comm=\"nginx\",pid=\"42\"} 6400\n"
		"# TYPE ipctrace_up gauge\n"
		"ipctrace_up 1\n"
		"# TYPE ipctrace_blocked_seconds histogram\n"
		"# UNIT ipctrace_blocked_seconds seconds\n"
		"# HELP ipctrace_blocked_seconds Time \\\"blocked\\\".\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"0.000001\"} 2\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"0.001\"} 2\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"1.0\"} 3\n"
		"ipctrace_blocked_seconds_bucket{comm=\"nginx\",le=\"+Inf\"} 4\n"
		"ipctrace_blocked_seconds_sum{comm=\"nginx\"} 2.0000015\n"
		"ipctrace_blocked_seconds_count{comm=\"nginx\"} 4\n"
		"# EOF\n");
	/* reset keeps the buffer and switches the format */
	om__reset(&o, OM_TEXT_004);
	assert_int_equal(o.len, 0);
	assert_string_equal(o.buf, "");
	om__release(&o);
}

/* A process names itself: quotes, backslashes, newlines, escapes, bad UTF-8. */
static void test_hostile_values(void **state)
{
	struct om_label l[] = { { "comm", "a\"b\\c\nd\x1b[2J\x7f\xff\xc3\xa9" } };
	struct om o;

	om__init(&o, OM_TEXT_004);
	om__family(&o, "x_ops", OM_COUNTER, NULL, "line one\nline \\two");
	om__u64(&o, l, 1, 1);
	assert_int_equal(om__finish(&o), 0);
	assert_string_equal(o.buf,
		"# TYPE x_ops_total counter\n"
		"# HELP x_ops_total line one\\nline \\\\two\n"
		"x_ops_total{comm=\"a\\\"b\\\\c\\nd?[2J?\xef\xbf\xbd\xc3\xa9\"} 1\n");
	om__release(&o);
}

static void test_misuse(void **state)
{
	struct om_label bad[] = { { "le", "1" } }, bad2[] = { { "9x", "1" } };
	uint64_t counts[2] = { 0, 0 }, desc[] = { 5, 4 };
	struct om_hist h = { desc, 2, counts, 0 };
	struct om o;

	om__init(&o, OM_TEXT_004);
	om__u64(&o, NULL, 0, 1);		/* no family */
	assert_true(o.failed);
	assert_int_equal(om__finish(&o), -EINVAL);

	om__reset(&o, OM_TEXT_004);
	om__family(&o, "x_total", OM_COUNTER, NULL, NULL);	/* the writer adds _total */
	assert_true(o.failed);
	om__reset(&o, OM_TEXT_004);
	om__family(&o, "x_wait", OM_GAUGE, "seconds", NULL);	/* unit not in the name */
	assert_true(o.failed);
	om__reset(&o, OM_TEXT_004);
	om__family(&o, "x-y", OM_GAUGE, NULL, NULL);
	assert_true(o.failed);
	om__reset(&o, OM_TEXT_004);
	om__family(&o, "x", OM_GAUGE, NULL, NULL);
	om__u64(&o, bad, 1, 1);
	assert_true(o.failed);
	om__reset(&o, OM_TEXT_004);
	om__family(&o, "x", OM_GAUGE, NULL, NULL);
	om__u64(&o, bad2, 1, 1);
	assert_true(o.failed);
	om__reset(&o, OM_TEXT_004);
	om__family(&o, "x", OM_GAUGE, NULL, NULL);
	om__histogram(&o, NULL, 0, &h);		/* histogram sample in a gauge */
	assert_true(o.failed);
	om__reset(&o, OM_TEXT_004);
	om__family(&o, "x_seconds", OM_HISTOGRAM, "seconds", NULL);
	om__histogram(&o, NULL, 0, &h);		/* bounds not ascending */
	assert_true(o.failed);
	om__release(&o);
}

static void test_decimal(void **state)
{
	char b[DECIMAL_MAX];

	decimal_fixed(b, 1234567, 3, false);
	assert_string_equal(b, "1234.567");
	decimal_fixed(b, 1500, 3, false);
	assert_string_equal(b, "1.500");
	decimal_fixed(b, 5, 3, false);
	assert_string_equal(b, "0.005");
	decimal_fixed(b, -5, 3, false);
	assert_string_equal(b, "-0.005");
	decimal_fixed(b, 0, 3, false);
	assert_string_equal(b, "0.000");
	decimal_fixed(b, 0, 9, true);
	assert_string_equal(b, "0");
	decimal_fixed(b, 2000000000, 9, true);
	assert_string_equal(b, "2");
	decimal_fixed(b, 1, 9, true);
	assert_string_equal(b, "0.000000001");
	decimal_fixed(b, INT64_MIN, 0, false);
	assert_string_equal(b, "-9223372036854775808");
	decimal_fixed_u64(b, UINT64_MAX, 18, false);
	assert_string_equal(b, "18.446744073709551615");
	decimal_fixed_u64(b, 42, 0, true);
	assert_string_equal(b, "42");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_004),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_hostile_values),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_decimal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
