// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework: command line and the scenario table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "racework.h"

static const struct rw_scenario scenarios[] = {
	{ "coalesce", 5, rw_coalesce, "SIGUSR1 sent COUNT times while blocked: all but one lost" },
	{ "coalesce-ok", 5, rw_coalesce_ok, "each SIGUSR1 acknowledged before the next" },
	{ "interleave", 4, rw_interleave, "two writers, 16 KiB messages on one pipe" },
	{ "interleave-ok", 4, rw_interleave_ok, "two writers, 512-byte messages on one pipe" },
	{ "split", 20, rw_split, "two readers taking 250 bytes of 100-byte messages" },
	{ "split-ok", 20, rw_split_ok, "two readers taking whole 100-byte messages" },
	{ "epipe", 3, rw_epipe, "writes after the reader closed its end" },
	{ "epipe-ok", 3, rw_epipe_ok, "the reader reads to EOF" },
	{ "stale-pid", 1, rw_stale_pid, "kill() of a pid reused by another process, and ESRCH" },
	{ "stale-pid-ok", 1, rw_stale_pid_ok, "pidfd_send_signal on a process that exited" },
	{ "lost-wakeup", 3, rw_lost_wakeup, "futex wake without a state change, then a wait" },
	{ "lost-wakeup-ok", 3, rw_lost_wakeup_ok, "the word changes before the wake" },
	{ "fork-locked", 1, rw_fork_locked, "fork while another thread holds a mutex" },
	{ "fork-locked-ok", 1, rw_fork_locked_ok, "fork with pthread_atfork, fork + exec" },
	{ "lock-order", 3, rw_lock_order, "A then B in one thread, B then A in another" },
	{ "lock-order-ok", 3, rw_lock_order_ok, "A then B everywhere" },
	{ "unlock-misuse", 1, rw_unlock_misuse, "unlock by non-owner, twice, destroy held..." },
	{ "unlock-misuse-ok", 1, rw_unlock_misuse_ok, "locks paired, recursive, errorcheck" },
	{ "cond-misuse", 1, rw_cond_misuse, "wait without the mutex, two mutexes, signal first" },
	{ "cond-misuse-ok", 1, rw_cond_misuse_ok, "predicate loops under one mutex" },
	{ "handler-lock", 3, rw_handler_lock, "a mutex taken in a SIGUSR1 handler" },
	{ "handler-lock-ok", 3, rw_handler_lock_ok, "the handler sets a flag only" },
};

#define NR_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: racework [--info FILE] [--linger MS] SCENARIO [COUNT]\n"
		   "       racework list\n\nscenarios:\n");
	for (size_t i = 0; i < NR_SCENARIOS; i++)
		fprintf(f, "  %-18s [%u] %s\n", scenarios[i].name, scenarios[i].def_count,
			scenarios[i].summary);
}

int main(int argc, char **argv)
{
	struct rw_opts o = { 0 };
	int i = 1;

	unsigned long linger = 0;
	int ret;

	for (;;) {
		if (i + 1 < argc && !strcmp(argv[i], "--info")) {
			rw_info_open(argv[i + 1]);
			i += 2;
		} else if (i + 1 < argc && !strcmp(argv[i], "--linger")) {
			linger = strtoul(argv[i + 1], NULL, 10);
			i += 2;
		} else {
			break;
		}
	}
	if (i >= argc || !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
		usage(i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	if (!strcmp(argv[i], "list")) {
		for (size_t k = 0; k < NR_SCENARIOS; k++)
			printf("%s\n", scenarios[k].name);
		return 0;
	}
	for (size_t k = 0; k < NR_SCENARIOS; k++) {
		if (strcmp(argv[i], scenarios[k].name))
			continue;
		o.scenario = scenarios[k].name;
		o.count = scenarios[k].def_count;
		if (i + 1 < argc) {
			char *end;
			unsigned long n = strtoul(argv[i + 1], &end, 10);

			if (*end || !n || n > 1000) {
				fprintf(stderr, "racework: bad COUNT '%s' (1..1000)\n", argv[i + 1]);
				return 2;
			}
			o.count = (unsigned int)n;
		}
		ret = scenarios[k].run(&o) ? 1 : 0;
		/* a tracer reads the memory maps of a process some time after its first stack */
		rw_sleep_ms(linger > 10000 ? 10000 : (unsigned int)linger);
		return ret;
	}
	fprintf(stderr, "racework: unknown scenario '%s' (racework list)\n", argv[i]);
	return 2;
}
