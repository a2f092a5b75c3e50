// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a run is made of, shared by live tracing and report: the sinks the
 * command line asks for, and replaying a recording.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "analysis/contention.h"
#include "analysis/flamesink.h"
#include "analysis/graph.h"
#include "analysis/summary.h"
#include "cli/cli.h"
#include "model/collector.h"
#include "model/stacks.h"
#include "output/outputs.h"
#include "output/report.h"
#include "run/session.h"
#include "source/source.h"

static int add(struct collector *c, const struct sink_ops *ops, void *ctx)
{
	int err;

	if (!ctx) {
		err = -errno;
		fprintf(stderr, "ipctrace: failed to set up %s: %s\n", ops->name, strerror(errno));
		return err;
	}
	err = collector__add_sink(c, ops, ctx);
	if (err)
		fprintf(stderr, "ipctrace: failed to set up %s: %s\n", ops->name, strerror(-err));
	return err;
}

/* Contention and the flame graph share one stack cache, owned by the collector. */
static int add_wait_sinks(struct collector *c, const struct env *env)
{
	struct flamesink_opts fo = { .folded = env->folded_file, .svg = env->flame_file };
	struct stacks *st = stacks__new(c);
	char what[300];
	int err = add(c, &stacks_sink_ops, st);

	if (!err)
		err = add(c, &contention_sink_ops, contention__new(c, st));
	if (err || (!fo.folded && !fo.svg))
		return err;
	if (env->mode == MODE_REPORT)
		snprintf(what, sizeof(what), "recording %s", env->input);
	else
		cli__describe(env, what, sizeof(what));
	fo.subtitle = what;
	return add(c, &flamesink_ops, flamesink__new(c, st, &fo));
}

int session__add_sinks(struct collector *c, const struct env *env, FILE *out)
{
	int err = 0;

	if ((env->events || env->json) && !env->quiet)
		err = add(c, &evprint_sink_ops, evprint__new(c, out, env->json, env->abs_time));
	/* record writes the file and, if asked, the events: the analyses run at report */
	if (env->mode == MODE_RECORD)
		return err;
	if (!err)
		err = add(c, &summary_sink_ops, summary__new(c));
	if (!err) {
		struct graph_opts go = { .threads = env->threads };

		err = add(c, &graph_sink_ops, graph__new(c, &go));
	}
	if (!err)
		err = add_wait_sinks(c, env);
	return err;
}

FILE *session__out(const struct env *env)
{
	/* `--graph dot | dot -Tsvg`: the graph alone on stdout, the rest on stderr */
	if (env->graph != GRAPH_NONE && !env->graph_file && !env->output)
		return stderr;
	return stdout;
}

int session__write_files(struct collector *c, const struct env *env, FILE *out)
{
	int err = 0;

	if (env->graph != GRAPH_NONE) {
		char what[256];
		struct graph_write_opts go = { .collapse = env->graph_collapse, .title = what };

		if (env->mode == MODE_REPORT)
			snprintf(what, sizeof(what), "recording %s", env->input);
		else
			cli__describe(env, what, sizeof(what));
		/* without a file, the graph is what stdout is for (see session__out) */
		err = graph__export(graph__of(c), env->graph == GRAPH_DOT ? GRAPH_EXPORT_DOT :
				    GRAPH_EXPORT_JSON, env->graph_file, stdout, &go);
	}
	return err;
}

static volatile sig_atomic_t report_stop;

static void on_stop(int sig)
{
	report_stop = 1;
}

int run_report(const struct env *env)
{
	struct report_opts ro = { .json = env->json, .final = true, .top = env->top };
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
	c = collector__new();
	if (c && env->symfs)
		collector__set_symfs(c, env->symfs);
	if (!c || session__add_sinks(c, env, out)) {
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
	ro.start_ns = collector__first_ns(c);
	ro.end_ns = collector__last_ns(c);
	report__print(c, &ro);
	if (session__write_files(c, env, out))
		status = EXIT_FAIL;
	source__free(src);
out_free:
	collector__free(c);
out_close:
	if (out != stdout && out != stderr)
		fclose(out);
	return status;
}
