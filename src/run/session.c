// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a run is made of, shared by live tracing and report: the sinks the
 * command line asks for, and replaying a recording.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis/contention.h"
#include "analysis/flamesink.h"
#include "analysis/graph.h"
#include "analysis/metrics.h"
#include "analysis/stalls.h"
#include "analysis/racesink.h"
#include "analysis/summary.h"
#include "cli/cli.h"
#include "lib/safefile.h"
#include "model/collector.h"
#include "model/stacks.h"
#include "output/metrics_out.h"
#include "output/outputs.h"
#include "output/timeline.h"
#include "output/report.h"
#include "run/session.h"
#include "source/source.h"

/* Hand a new sink to the collector; name says what failed (errno set by its constructor). */
static int add(struct collector *c, struct sink *s, const char *name)
{
	int err;

	if (!s) {
		err = -errno;
		fprintf(stderr, "ipctrace: failed to set up %s: %s\n", name, strerror(errno));
		return err;
	}
	err = collector__add_sink(c, s);
	if (err)
		fprintf(stderr, "ipctrace: failed to set up %s: %s\n", name, strerror(-err));
	return err;
}

/* Stalls: the graph says who holds what; the event stream gets deadlocks at once. */
static int add_stalls(struct session *ss, const struct env *env, FILE *out, struct stacks *st)
{
	struct stalls_opts so = {
		/* the live view too: a deadlock is said when found, not at the next interval */
		.events = (env->events || env->json || env->mode == MODE_LIVE) && !env->quiet ?
			  out : NULL,
		.json = env->json,
	};
	int err;

	ss->stalls = stalls__new(ss->c, ss->graph, st, &so);
	err = add(ss->c, ss->stalls ? stalls__sink(ss->stalls) : NULL, "stalls");
	if (err)
		ss->stalls = NULL;
	return err;
}

/*
 * Contention, stalls, the race flags and the flame graph share one stack
 * cache, owned by the collector.  The race flags ask the graph and
 * contention about what they saw: they come after them.
 */
static int add_wait_sinks(struct session *ss, const struct env *env, FILE *out)
{
	struct flamesink_opts fo = { .folded = env->folded_file, .svg = env->flame_file };
	struct collector *c = ss->c;
	struct stacks *st = stacks__new(c);
	struct contention *ct = NULL;
	struct flamesink *fs;
	char what[300];
	int err = add(c, st ? stacks__sink(st) : NULL, "stacks");

	if (!err) {
		ct = contention__new(c, st);
		err = add(c, ct ? contention__sink(ct) : NULL, "contention");
		ss->contention = err ? NULL : ct;
	}
	if (!err)
		err = add_stalls(ss, env, out, st);
	if (!err) {
		struct racesink *rs = racesink__new(c, st, ss->graph, ct);

		err = add(c, rs ? racesink__sink(rs) : NULL, "race flags");
		ss->races = err ? NULL : racesink__races(rs);
	}
	if (err || (!fo.folded && !fo.svg && !env->timeline_file))
		return err;
	if (env->mode == MODE_REPORT)
		snprintf(what, sizeof(what), "recording %s", env->input);
	else
		cli__describe(env, what, sizeof(what));
	if (fo.folded || fo.svg) {
		fo.subtitle = what;
		fs = flamesink__new(c, st, &fo);
		err = add(c, fs ? flamesink__sink(fs) : NULL, "flame graph");
	}
	if (!err && env->timeline_file) {
		struct timeline_opts to = { .path = env->timeline_file, .title = what };
		struct timeline *tl = timeline__new(c, st, &to);

		if (!tl) {
			err = -errno;
			fprintf(stderr, "ipctrace: failed to create %s: %s\n", env->timeline_file,
				strerror(-err));
			return err;
		}
		err = add(c, timeline__sink(tl), "timeline");
	}
	return err;
}

/*
 * --metrics-file, --metrics-listen: the metrics sink, then its outputs, which
 * render its snapshot after it takes one.
 */
static int add_metrics(struct session *ss, const struct env *env)
{
	struct metrics_opts mo = {
		.top = env->metrics_top,
		.stalls = ss->stalls,
		.graph = ss->graph,
		.contention = ss->contention,
		.races = ss->races,
	};
	struct collector *c = ss->c;
	struct metrics *m;
	struct mfile *f;
	struct mhttp *h;
	char why[300];
	int err;

	if (!env->metrics_file && !env->metrics_listen)
		return 0;
	m = metrics__new(c, &mo);
	err = add(c, m ? metrics__sink(m) : NULL, "metrics");
	if (!err && env->metrics_file) {
		f = mfile__new(m, env->metrics_file);
		if (!f) {
			err = -errno;
			fprintf(stderr, "ipctrace: failed to open the directory of %s: %s\n",
				env->metrics_file, strerror(-err));
			return err;
		}
		err = add(c, mfile__sink(f), "metrics file");
		/* the file is there from the start, at zero */
		if (!err)
			err = mfile__publish(f);
	}
	if (!err && env->metrics_listen) {
		h = mhttp__start(m, env->metrics_listen, why, sizeof(why));
		if (!h) {
			err = -errno;
			fprintf(stderr, "ipctrace: metrics: %s\n", why);
			return err;
		}
		err = add(c, mhttp__sink(h), "metrics endpoint");
		/* a scrape before the first interval ends gets the families, at zero */
		if (!err)
			err = mhttp__publish(h);
	}
	return err;
}

int session__add_sinks(struct session *ss, const struct env *env, FILE *out)
{
	struct collector *c = ss->c;
	struct graph_opts go = { .threads = env->threads };
	struct evprint *ev;
	struct summary *sum;
	int err = 0;

	if ((env->events || env->json) && !env->quiet) {
		ev = evprint__new(c, out, env->json, env->abs_time);
		err = add(c, ev ? evprint__sink(ev) : NULL, "event printer");
	}
	/* record writes the file and, if asked, the events: the analyses run at report */
	if (env->mode == MODE_RECORD)
		return err;
	if (!err) {
		sum = summary__new(c);
		err = add(c, sum ? summary__sink(sum) : NULL, "summary");
	}
	if (!err) {
		ss->graph = graph__new(c, &go);
		err = add(c, ss->graph ? graph__sink(ss->graph) : NULL, "graph");
		if (err)
			ss->graph = NULL;
	}
	if (!err)
		err = add_wait_sinks(ss, env, out);
	if (!err)
		err = add_metrics(ss, env);
	return err;
}

FILE *session__out(const struct env *env)
{
	/* `--graph dot | dot -Tsvg`: the graph alone on stdout, the rest on stderr */
	for (int i = 0; i < env->nr_graphs; i++)
		if (!env->graphs[i].file && !env->output)
			return stderr;
	return stdout;
}

int session__write_files(const struct session *ss, const struct env *env)
{
	int err = 0;

	for (int i = 0; i < env->nr_graphs && ss->graph; i++) {
		const struct graph_out *g = &env->graphs[i];
		char what[256];
		struct graph_write_opts go = { .collapse = env->graph_collapse,
					       .idle = env->graph_idle, .title = what };

		if (ss->stalls) {
			go.overlay_dot = stalls__overlay_dot;
			go.overlay_json = stalls__overlay_json;
			go.overlay_ctx = ss->stalls;
		}
		if (env->mode == MODE_REPORT)
			snprintf(what, sizeof(what), "recording %s", env->input);
		else
			cli__describe(env, what, sizeof(what));
		/* without a file, the graph is what stdout is for (see session__out) */
		if (graph__export(ss->graph, g->format == GRAPH_DOT ? GRAPH_EXPORT_DOT :
				  GRAPH_EXPORT_JSON, g->file, stdout, &go))
			err = -EIO;
	}
	return err;
}

/* Create path now (safefile__create()), empty.  0 or -errno, with the reason printed. */
static int check_file(const char *path)
{
	char why[PATH_MAX + 128];
	int fd;

	if (!path)
		return 0;
	fd = safefile__create(path, OUTPUT_MODE, why, sizeof(why));
	if (fd < 0) {
		fprintf(stderr, "ipctrace: %s\n", why);
		return fd;
	}
	close(fd);
	return 0;
}

/* Create each end-of-run file now, so that a refusal comes before the run, not after it. */
int session__check_files(const struct env *env)
{
	const char *paths[] = { env->folded_file, env->flame_file, env->timeline_file };
	int err = 0;

	for (int i = 0; i < env->nr_graphs && !err; i++)
		err = check_file(env->graphs[i].file);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]) && !err; i++)
		err = check_file(paths[i]);
	return err;
}
