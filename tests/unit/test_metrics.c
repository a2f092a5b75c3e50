// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * metrics: exact counters per op, family and process from synthetic
 * records; histogram buckets; the bound on process series with many
 * short-lived processes, and counters that never go down while processes
 * take and leave their series.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "analysis/graph.h"
#include "analysis/metrics.h"
#include "model/collector.h"
#include "output/openmetrics.h"

struct fx {
	struct collector *c;
	struct metrics *m;
	struct om om;
	uint64_t ts;
};

static struct fx *fx_new_graph(uint32_t top, bool graph)
{
	static struct fx f;
	struct metrics_opts o = { .top = top };

	memset(&f, 0, sizeof(f));
	f.c = collector__new();
	assert_non_null(f.c);
	if (graph) {
		struct graph_opts go = { 0 };

		o.graph = graph__new(f.c, &go);
		assert_non_null(o.graph);
		assert_int_equal(collector__add_sink(f.c, graph__sink(o.graph)), 0);
	}
	f.m = metrics__new(f.c, &o);
	assert_non_null(f.m);
	assert_int_equal(collector__add_sink(f.c, metrics__sink(f.m)), 0);
	om__init(&f.om, OM_TEXT_004);
	f.ts = 1000000;
	return &f;
}

static struct fx *fx_new(uint32_t top)
{
	return fx_new_graph(top, false);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	om__release(&f->om);
	collector__free(f->c);
	return 0;
}

static void hdr(struct fx *f, struct ipc_hdr *h, uint16_t type, uint16_t op, uint16_t sys,
		uint32_t pid, const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->sys = sys;
	h->pid = h->tid = pid;
	h->ts_ns = f->ts += 1000;
	h->stack_id = -1;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
}

static void pipe_io_on(struct fx *f, uint32_t pid, const char *comm, bool write, uint64_t bytes,
		       uint64_t blocked_ns, uint64_t ino)
{
	struct ipc_ev_io e;

	memset(&e, 0, sizeof(e));
	hdr(f, &e.hdr, IPC_REC_IO, write ? IPC_OP_PIPE_WRITE : IPC_OP_PIPE_READ,
	    write ? IPC_SYS_WRITE : IPC_SYS_READ, pid, comm);
	e.hdr.ret = bytes;
	e.hdr.dur_ns = blocked_ns ? blocked_ns : 500;
	if (blocked_ns)
		e.hdr.flags = IPC_EVF_BLOCKED;
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.dev = 13;
	e.obj.ino = ino;
	e.fd = 3;
	e.req = bytes;
	e.bytes = bytes;
	e.msgs = 1;
	assert_int_equal(collector__push(f->c, &e, sizeof(e)), 0);
}

static void pipe_io(struct fx *f, uint32_t pid, const char *comm, bool write, uint64_t bytes,
		    uint64_t blocked_ns)
{
	pipe_io_on(f, pid, comm, write, bytes, blocked_ns, 777);
}

static void proc_exit(struct fx *f, uint32_t pid, const char *comm)
{
	struct ipc_ev_proc e;

	memset(&e, 0, sizeof(e));
	hdr(f, &e.hdr, IPC_REC_PROC, IPC_OP_PROC_EXIT, IPC_SYS_HOOK_EXIT, pid, comm);
	assert_int_equal(collector__push(f->c, &e, sizeof(e)), 0);
}

static const char *render(struct fx *f)
{
	om__reset(&f->om, OM_TEXT_004);
	assert_int_equal(metrics__render(f->m, &f->om), 0);
	return f->om.buf;
}

/* The value of the series written exactly as `series`, or -1 if absent. */
static long long value(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, series, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t c = 0, n = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		c += !strncmp(p, prefix, n);
	return c;
}

static void test_counts(void **state)
{
	struct fx *f = fx_new(20);
	const char *t;

	*state = f;
	for (int i = 0; i < 10; i++) {
		pipe_io(f, 100, "ping", true, 64, 0);
		pipe_io(f, 200, "pong", false, 64, i < 4 ? 2000000 : 0);	/* 2 ms, 4 times */
	}
	metrics__snapshot(f->m);
	t = render(f);
	assert_int_equal(value(t, "ipctrace_operations_total{family=\"pipe\",op=\"pipe_write\"}"), 10);
	assert_int_equal(value(t, "ipctrace_operations_total{family=\"pipe\",op=\"pipe_read\"}"), 10);
	assert_int_equal(value(t, "ipctrace_bytes_total{family=\"pipe\",op=\"pipe_write\"}"), 640);
	assert_int_equal(value(t, "ipctrace_errors_total{family=\"pipe\",op=\"pipe_read\"}"), 0);
	/* ops never seen have no series */
	assert_int_equal(count_lines(t, "ipctrace_operations_total{family=\"mq\""), 0);
	assert_int_equal(value(t, "ipctrace_blocked_seconds_bucket{family=\"pipe\",le=\"0.001\"}"), 0);
	assert_int_equal(value(t, "ipctrace_blocked_seconds_bucket{family=\"pipe\",le=\"0.005\"}"), 4);
	assert_int_equal(value(t, "ipctrace_blocked_seconds_count{family=\"pipe\"}"), 4);
	assert_non_null(strstr(t, "ipctrace_blocked_seconds_sum{family=\"pipe\"} 0.008\n"));
	assert_int_equal(value(t, "ipctrace_process_operations_total{pid=\"100\",comm=\"ping\"}"), 10);
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"200\",comm=\"pong\"}"), 640);
	assert_non_null(strstr(t, "ipctrace_process_blocked_seconds_total{pid=\"200\",comm=\"pong\"}"
			       " 0.008\n"));
	assert_int_equal(value(t, "ipctrace_process_operations_total{pid=\"other\",comm=\"other\"}"),
			 0);
	assert_int_equal(value(t, "ipctrace_lost_total{reason=\"ringbuf_full\"}"), 0);
}

/*
 * Many short-lived processes, few slots: every render has at most top + 1
 * process series; no series ever goes down; every operation is counted
 * once, in a process's series or in "other".
 */
static void test_bounded_and_monotonic(void **state)
{
	enum { TOP = 3, PROCS = 2000, ROUNDS = 40 };
	struct fx *f = fx_new(TOP);
	long long prev_other = 0, shown, total, other;
	static long long last[PROCS + 1000];
	struct metrics_stats st;
	uint32_t pid = 1000;

	*state = f;
	memset(last, 0, sizeof(last));
	pipe_io(f, 1, "daemon", true, 1, 0);	/* a long-lived process among them */
	for (int r = 0; r < ROUNDS; r++) {
		const char *t;

		for (int k = 0; k < PROCS / ROUNDS; k++, pid++) {
			for (uint32_t n = 0; n <= pid % 7; n++)
				pipe_io(f, pid, "sh", true, 8, 0);
			proc_exit(f, pid, "sh");
		}
		pipe_io(f, 1, "daemon", true, 1, 0);
		metrics__snapshot(f->m);
		t = render(f);
		assert_true(count_lines(t, "ipctrace_process_operations_total{") <= TOP + 1);
		total = value(t, "ipctrace_operations_total{family=\"pipe\",op=\"pipe_write\"}");
		shown = 0;
		for (const char *p = strstr(t, "ipctrace_process_operations_total{pid=\""); p;
		     p = strstr(p + 1, "ipctrace_process_operations_total{pid=\"")) {
			const char *v = strchr(p, ' ') + 1;
			long long x = strtoll(v, NULL, 10);
			char *end;
			unsigned long id = strtoul(p + 39, &end, 10);

			shown += x;
			if (end != p + 39) {
				assert_true(id < sizeof(last) / sizeof(last[0]));
				assert_true(x >= last[id]);	/* a series never goes down */
				last[id] = x;
			}
		}
		other = value(t, "ipctrace_process_operations_total{pid=\"other\",comm=\"other\"}");
		assert_true(other >= prev_other);
		prev_other = other;
		assert_true(shown <= total);
	}
	/* every op is somewhere: other + every series ever shown (at its last value) */
	total = 0;
	for (size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++)
		total += last[i];
	assert_int_equal(total + prev_other,
			 value(render(f), "ipctrace_operations_total{family=\"pipe\","
				"op=\"pipe_write\"}"));
	metrics__stats(f->m, &st);
	assert_true(st.series_procs <= TOP);
	assert_true(st.other_procs >= PROCS - TOP * ROUNDS);
	/* exited processes are forgotten: memory does not grow with them */
	assert_true(st.tracked <= 2);
}

/* A process in "other" that becomes busy takes a free slot from then on. */
static void test_promotion(void **state)
{
	struct fx *f = fx_new(1);
	const char *t;

	*state = f;
	pipe_io(f, 10, "busy", true, 100, 0);
	pipe_io(f, 11, "quiet", true, 1, 0);
	metrics__snapshot(f->m);
	t = render(f);
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"10\",comm=\"busy\"}"), 100);
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"other\",comm=\"other\"}"), 1);
	proc_exit(f, 10, "busy");
	pipe_io(f, 11, "quiet", true, 5, 0);
	metrics__snapshot(f->m);
	t = render(f);
	/* the exited one shows once more with its final values; 11 waits for the slot */
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"10\",comm=\"busy\"}"), 100);
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"other\",comm=\"other\"}"), 6);
	pipe_io(f, 11, "quiet", true, 7, 0);
	metrics__snapshot(f->m);
	t = render(f);
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"10\",comm=\"busy\"}"), -1);
	/* counted from when it got the series: what came before stays in other */
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"11\",comm=\"quiet\"}"), 7);
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"other\",comm=\"other\"}"), 6);
	assert_int_equal(value(t, "ipctrace_other_processes_total"), 1);
	/* an exited process keeps its series while nobody needs the slot */
	proc_exit(f, 11, "quiet");
	metrics__snapshot(f->m);
	metrics__snapshot(f->m);
	t = render(f);
	assert_int_equal(value(t, "ipctrace_process_bytes_total{pid=\"11\",comm=\"quiet\"}"), 7);
}

/* Graph edges: the busiest N and "other", each growing only, however many edges come. */
static void test_edges(void **state)
{
	struct fx *f = fx_new_graph(2, true);
	long long prev_other = 0, other, busy_prev = 0, busy;
	const char *t;

	*state = f;
	for (int r = 0; r < 10; r++) {
		/* a busy writer on pipe 1, and 5 new one-off writers on pipes of their own */
		pipe_io_on(f, 1, "busy", true, 1000, 0, 1);
		for (int k = 0; k < 5; k++)
			pipe_io_on(f, 100 + r * 5 + k, "once", true, 10, 0, 100 + r * 5 + k);
		metrics__snapshot(f->m);
		t = render(f);
		assert_true(count_lines(t, "ipctrace_edge_bytes_total{") <= 3);
		busy = value(t, "ipctrace_edge_bytes_total{src=\"pid:1\",dst=\"pipe:[1]\","
				"op=\"write\",comm=\"busy\"}");
		assert_int_equal(busy, 1000 * (r + 1));	/* always the busiest: all of it */
		assert_true(busy >= busy_prev);
		busy_prev = busy;
		other = value(t, "ipctrace_edge_bytes_total{src=\"other\",dst=\"other\","
				 "op=\"other\",comm=\"other\"}");
		assert_true(other >= prev_other);
		prev_other = other;
	}
	/* one slot for the busy writer, one taken by a one-off writer in the first round */
	assert_int_equal(prev_other, 10 * 5 * 10 - 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_counts, teardown),
		cmocka_unit_test_teardown(test_bounded_and_monotonic, teardown),
		cmocka_unit_test_teardown(test_promotion, teardown),
		cmocka_unit_test_teardown(test_edges, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
