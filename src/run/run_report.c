// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipctrace report: a recording file replayed through the same collector
 * and sinks as a live trace (session.c chooses them), then the final
 * report and the files the command line asks for.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/collector.h"
#include "output/report.h"
#include "run/session.h"
#include "source/source.h"

static volatile sig_atomic_t report_stop;

static void on_stop(int sig)
{
	report_stop = 1;
}

int run_report(const struct env *env)
{
	struct report_opts ro = { .json = env->json, .final = true, .top = env->top };
	struct session ss = { 0 };
	struct collector *c;
	struct source *src;
	FILE *out = session__out(env);
	char err[300], what[128];
	int ret, status = EXIT_OK;

	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	if (env->output && !(out = fopen(env->output, "we"))) {
		fprintf(stderr, "ipctrace: failed to open %s: %s\n", env->output, strerror(errno));
		return EXIT_FAIL;
	}
	c = ss.c = collector__new();
	if (c && env->symfs)
		collector__set_symfs(c, env->symfs);
	if (!c || session__add_sinks(&ss, env, out)) {
		status = EXIT_FAIL;
		goto out_close;
	}
	collector__set_verbose(c, env->verbose);
	src = source_file__new(c, env->input, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "ipctrace: %s: %s\n", env->input, err);
		status = EXIT_FAIL;
		goto out_free;
	}
	while (!src->ended && !report_stop) {
		ret = source__poll(src, 0);
		if (ret < 0) {
			/* what was read before the damage is still reported */
			fprintf(stderr, "ipctrace: %s: %s\n", env->input, src->error);
			status = EXIT_FAIL;
			break;
		}
	}
	if (collector__finish(c))
		status = EXIT_FAIL;
	snprintf(what, sizeof(what), "recording %s", env->input);
	ro.out = out;
	ro.what = what;
	collector__span(c, &ro.start_ns, &ro.end_ns);
	report__print(c, &ro);
	if (session__write_files(&ss, env))
		status = EXIT_FAIL;
	source__free(src);
out_free:
	collector__free(c);
out_close:
	if (out != stdout && out != stderr)
		fclose(out);
	return status;
}
