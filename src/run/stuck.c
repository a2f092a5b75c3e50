// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `ipctrace stuck`: what are the targets blocked on, now?  Loads the task
 * iterator alone (no probe attaches, so it starts fast and costs the
 * targets nothing), snapshots what they hold and who holds the other ends
 * (the graph's holds), looks at the blocked threads once, a second time
 * when the first look shows a deadlock (to confirm it), prints the
 * blocked threads, the chains of waits and the deadlocks, and exits:
 * EXIT_DEADLOCK when a deadlock was found, so scripts and health checks
 * can use it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/graph.h"
#include "analysis/stalls.h"
#include "cli/cli.h"
#include "decode/decode.h"
#include "lib/json.h"
#include "model/collector.h"
#include "model/stacks.h"
#include "probe/loader.h"
#include "run/looks.h"
#include "run/session.h"
#include "source/procfs.h"
#include "source/snapshot.h"
#include "source/taskscan.h"

#define CONFIRM_US	50000	/* a second look at a deadlock, this much later */

struct stuck {
	const struct env *env;
	struct loader *loader;
	struct collector *c;
	struct stalls *stalls;
	struct taskscan *scan;
	char what[256];
};

static int check_targets(const struct env *env)
{
	for (int i = 0; i < env->nr_pids; i++) {
		if (!procfs__pid_exists(env->pids[i])) {
			fprintf(stderr, "ipctrace: no such process: %u\n", env->pids[i]);
			return -ESRCH;
		}
	}
	for (int i = 0; i < env->nr_tids; i++) {
		if (procfs__tgid_of(env->tids[i]) <= 0) {
			fprintf(stderr, "ipctrace: no such thread: %u\n", env->tids[i]);
			return -ESRCH;
		}
	}
	return 0;
}

static int setup_bpf(struct stuck *s)
{
	const struct env *env = s->env;
	struct loader_opts o = {
		.families = IPC_FAM_ALL,
		.filter = env->nr_pids || env->nr_tids,
		.filter_tids = env->nr_tids > 0,
		.stacks = false,
		.tasks_only = true,
		.ringbuf_bytes = 4096,
		.verbose = env->verbose,
	};
	char err[512];
	int ret = 0;

	s->loader = loader__load(&o, err, sizeof(err));
	if (!s->loader) {
		fprintf(stderr, "ipctrace: %s\n", err);
		return -errno;
	}
	for (int i = 0; i < env->nr_pids && !ret; i++)
		ret = loader__add_target(s->loader, env->pids[i]);
	for (int i = 0; i < env->nr_tids && !ret; i++)
		ret = loader__add_tid(s->loader, env->tids[i]);
	if (ret)
		fprintf(stderr, "ipctrace: failed to set the process filter: %s\n", strerror(-ret));
	return ret;
}

static int push_cb(void *ctx, const void *rec, size_t len)
{
	return collector__push(ctx, rec, len);
}

/* Hand a new sink to the collector, which then owns it. */
static int add(struct collector *c, struct sink *sk, const char *name)
{
	int err = sk ? collector__add_sink(c, sk) : -errno;

	if (err)
		fprintf(stderr, "ipctrace: failed to set up %s: %s\n", name, strerror(-err));
	return err;
}

/* The graph knows who holds the other end of each pipe and socket from this. */
static int setup_collector(struct stuck *s)
{
	struct graph_opts go = { 0 };
	struct snapshot_opts so = { .peers = s->env->peers, .verbose = s->env->verbose };
	struct graph *g;
	struct stacks *st;
	int err;

	s->c = collector__new();
	if (!s->c)
		return -ENOMEM;
	collector__set_verbose(s->c, s->env->verbose);
	g = graph__new(s->c, &go);
	err = add(s->c, g ? graph__sink(g) : NULL, "graph");
	st = err ? NULL : stacks__new(s->c);
	if (!err)
		err = add(s->c, st ? stacks__sink(st) : NULL, "stacks");
	if (!err) {
		s->stalls = stalls__new(s->c, g, st, NULL);
		err = add(s->c, s->stalls ? stalls__sink(s->stalls) : NULL, "stalls");
	}
	if (err)
		return err;
	if (s->env->nr_pids &&
	    snapshot__targets(s->env->pids, s->env->nr_pids, &so, push_cb, s->c, NULL))
		fprintf(stderr, "ipctrace: failed to snapshot the targets\n");
	return 0;
}

static int look(struct stuck *s, uint32_t sflags)
{
	return looks__take(s->scan, s->stalls, s->c, sflags, s->env->peers);
}

static int run_looks(struct stuck *s)
{
	struct taskscan_opts o = { .min_ns = s->env->blocked_min_s * 1e9,
				   .stacks = s->env->stacks };
	int err;

	s->scan = taskscan__new(s->loader, s->c, &o);
	if (!s->scan)
		return -errno;
	err = look(s, IPC_SNAP_ATTACH);
	if (s->env->verbose)
		fprintf(stderr, "ipctrace: stuck: first look: %zu blocked, %zu deadlocks to confirm\n",
			stalls__blocked(s->stalls), stalls__unconfirmed(s->stalls));
	if (!err && stalls__unconfirmed(s->stalls)) {
		usleep(CONFIRM_US);
		err = look(s, IPC_SNAP_CONFIRM);
	}
	if (err)
		fprintf(stderr, "ipctrace: failed to look at the blocked threads: %s\n",
			strerror(-err));
	return err;
}

static void print_text(struct stuck *s)
{
	struct report r = { .out = stdout, .top = s->env->top, .end_ns = ipc_mono_ns() };
	size_t dl = stalls__deadlocks(s->stalls);

	printf("=== ipctrace stuck: %s: %zu thread%s blocked, %zu deadlock%s ===\n", s->what,
	       stalls__blocked(s->stalls), stalls__blocked(s->stalls) == 1 ? "" : "s", dl,
	       dl == 1 ? "" : "s");
	stalls__report(s->stalls, &r);
}

static int print_json(struct stuck *s)
{
	struct jw w;
	struct report r = { .jw = &w, .top = s->env->top, .end_ns = ipc_mono_ns() };
	int err;

	jw__init(&w);
	jw__obj_begin(&w);
	jw__kv_str(&w, "type", "stuck");
	jw__kv_str(&w, "target", s->what);
	jw__kv_u64(&w, "ts_ns", r.end_ns);
	jw__kv_u64(&w, "deadlocks_found", stalls__deadlocks(s->stalls));
	stalls__report(s->stalls, &r);
	jw__obj_end(&w);
	err = jw__flush_line(&w, stdout);
	jw__release(&w);
	return err;
}

/* -v: where the time went */
static void phase(const struct stuck *s, const char *what, uint64_t *t)
{
	uint64_t now = ipc_mono_ns();

	if (s->env->verbose)
		fprintf(stderr, "ipctrace: stuck: %s in %.1f ms\n", what, (now - *t) / 1e6);
	*t = now;
}

int run_stuck(const struct env *env)
{
	struct stuck s = { .env = env };
	uint64_t t = ipc_mono_ns();
	int err;

	cli__describe(env, s.what, sizeof(s.what));
	err = check_targets(env);
	if (!err)
		err = setup_bpf(&s);
	phase(&s, "loaded the task iterator", &t);
	if (!err)
		err = setup_collector(&s);
	phase(&s, "snapshot of the fds", &t);
	if (!err)
		err = run_looks(&s);
	phase(&s, "looked at the threads", &t);
	if (!err && env->json)
		err = print_json(&s);
	else if (!err)
		print_text(&s);
	if (!err && fflush(stdout))
		err = -errno;
	phase(&s, "report", &t);
	if (!err && stalls__deadlocks(s.stalls))
		err = 1;
	taskscan__free(s.scan);
	collector__free(s.c);
	loader__destroy(s.loader);
	return err > 0 ? EXIT_DEADLOCK : err ? EXIT_FAIL : EXIT_OK;
}
