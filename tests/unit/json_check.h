/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A strict JSON validator shared by the unit tests (json_check.c). */
#ifndef IPCTRACE_TEST_JSON_CHECK_H
#define IPCTRACE_TEST_JSON_CHECK_H

#include <stdbool.h>

/* Whether s is exactly one valid JSON value (whitespace around allowed). */
bool json_valid(const char *s);

#endif /* IPCTRACE_TEST_JSON_CHECK_H */
