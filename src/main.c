// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipctrace: trace inter-process communication with eBPF.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "run/launch.h"
#include "run/session.h"

int main(int argc, char **argv)
{
	struct env env;

	/* before any BPF fd can land on 0..2 */
	launch__reserve_stdio();
	cli__defaults(&env);
	if (cli__parse(&env, argc, argv)) {
		fprintf(stderr, "ipctrace: %s\n", env.error);
		return EXIT_USAGE;
	}
	switch (env.mode) {
	case MODE_HELP:
		return EXIT_OK;
	case MODE_REPORT:
		return run_report(&env);
	case MODE_STUCK:
		return run_stuck(&env);
	default:
		return run_trace(&env);
	}
}
