// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipctrace report: a recording file replayed through the same collector
 * and sinks as a live trace (session.c chooses them), then the final
 * report and the files the command line asks for.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/safefile.h"
#include "model/collector.h"
#include "output/report.h"
#include "run/session.h"
#include "source/source.h"

static volatile sig_atomic_t report_stop;

static void on_stop(int sig)
{
	report_stop = 1;
}

/*
 * Ctrl-C and SIGTERM end the replay: not restarted, so that a read of a
 * recording on a pipe that never ends still returns.
 */
static void report_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int replay(struct source *src, const struct env *env)
{
	int ret;

	while (!src->ended && !report_stop) {
		ret = source__poll(src, 0);
		if (ret < 0 && report_stop)
			break;
		if (ret < 0) {
			/* what was read before the damage is still reported */
			fprintf(stderr, "ipctrace: %s: %s\n", env->input, src->error);
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

/* The recording first, then the outputs: none of them may be the recording. */
static struct source *open_input(struct collector *c, const struct env *env, FILE **out)
{
	char err[PATH_MAX + 128];
	struct source *src;
	FILE *f;

	src = source_file__new(c, env->input, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "ipctrace: %s: %s\n", env->input, err);
		return NULL;
	}
	if (env->output) {
		f = safefile__fcreate(env->output, OUTPUT_MODE, err, sizeof(err));
		if (!f) {
			fprintf(stderr, "ipctrace: %s\n", err);
			goto err_free;
		}
		*out = f;
	}
	if (session__check_files(env))
		goto err_free;
	return src;

err_free:
	source__free(src);
	return NULL;
}

int run_report(const struct env *env)
{
	struct report_opts ro = { .json = env->json, .final = true, .top = env->top };
	struct session ss = { 0 };
	struct source *src = NULL;
	struct collector *c;
	FILE *out = session__out(env);
	char what[PATH_MAX + 16];
	int status = EXIT_FAIL;

	report_signals();
	c = ss.c = collector__new();
	if (!c) {
		fprintf(stderr, "ipctrace: failed to set up the collector: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	if (env->symfs)
		collector__set_symfs(c, env->symfs);
	collector__set_verbose(c, env->verbose);
	src = open_input(c, env, &out);
	if (!src || session__add_sinks(&ss, env, out))
		goto out_free;
	status = replay(src, env);
	if (collector__finish(c))
		status = EXIT_FAIL;
	snprintf(what, sizeof(what), "recording %s", env->input);
	ro.out = out;
	ro.what = what;
	collector__span(c, &ro.start_ns, &ro.end_ns);
	report__print(c, &ro);
	if (session__write_files(&ss, env))
		status = EXIT_FAIL;
out_free:
	source__free(src);
	collector__free(c);
	if (out != stdout && out != stderr)
		fclose(out);
	return status;
}
