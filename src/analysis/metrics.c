// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Counters for Prometheus/OpenMetrics (see metrics.h and the README's
 * Metrics section for the names and the bound on series).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/metrics.h"
#include "analysis/stalls.h"
#include "analysis/summary.h"
#include "decode/decode.h"
#include "decode/names.h"
#include "lib/hmap.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/proctab.h"
#include "output/openmetrics.h"

/* Time blocked: 1us to 10s in 1-5 steps, then +Inf. */
#define NR_BOUNDS 15
static const uint64_t blocked_bounds[NR_BOUNDS] = {
	1000, 5000, 10000, 50000, 100000, 500000,
	1000000, 5000000, 10000000, 50000000, 100000000, 500000000,
	1000000000, 5000000000ull, 10000000000ull,
};

/* Family labels: ipc_op_group()'s names, indexed for the histograms. */
#define MF_NR (IPC_FAM_NR + 4)
static const char *const extra_groups[] = { "fd", "process", "lock", "other" };

static const char *mfam_name(int f)
{
	return f < IPC_FAM_NR ? ipc_family_name(f) : extra_groups[f - IPC_FAM_NR];
}

static int mfam_of(const struct ipc_hdr *h)
{
	const char *g = ipc_op_group(h->op);
	int fam = ipc_family_from_name(g);

	if (fam >= 0)
		return fam;
	for (int i = 0; i < MF_NR - IPC_FAM_NR; i++)
		if (!strcmp(extra_groups[i], g))
			return IPC_FAM_NR + i;
	return MF_NR - 1;
}

struct op_count {
	uint64_t ops, bytes, errors;
	int8_t fam;		/* -1: not seen yet */
};

struct hist {
	uint64_t counts[NR_BOUNDS + 1];
	uint64_t sum_ns;
	uint64_t n;
};

struct pcount {
	uint64_t ops, bytes, errors, blocked_ns;
};

/* A process the sink has seen and not forgotten yet. */
struct prow {
	uint32_t pid;
	int32_t slot;		/* its own series, or -1 */
	bool exited;
	bool in_other;		/* counted in "other" at least once */
	struct pcount cur;	/* since the last snapshot */
};

/* A series of its own: one per slot, reused when its process is gone. */
struct pslot {
	bool used;
	bool ended;		/* its process exited: kept with its final values until
				 * the slot is needed */
	uint64_t ended_seq;	/* order of the ends: the oldest is given up first */
	uint32_t pid;
	char pid_str[12];
	char comm[IPC_COMM_LEN];	/* as when the slot was taken: the series keeps its name */
	struct pcount tot;
};

struct metrics {
	struct sink sink;	/* what the collector calls */
	struct collector *c;
	struct stalls *stalls;
	uint32_t top;
	struct op_count ops[IPC_OP_MAX];
	struct hist blocked[MF_NR];
	struct hmap *pid_idx;	/* pid -> index in rows */
	struct vec rows;	/* struct prow */
	struct vec order;	/* size_t: promotion scratch */
	struct pslot *slots;	/* top of them */
	struct pcount other;
	uint64_t other_procs;
	uint64_t ends;
};

static const struct sink_ops metrics_sink_ops;

struct metrics *metrics__new(struct collector *c, const struct metrics_opts *opts)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->sink.ops = &metrics_sink_ops;
	m->c = c;
	m->top = opts && opts->top ? opts->top : METRICS_TOP_DEFAULT;
	m->stalls = opts ? opts->stalls : NULL;
	if (m->top > METRICS_TOP_MAX)
		m->top = METRICS_TOP_MAX;
	for (size_t i = 0; i < IPC_OP_MAX; i++)
		m->ops[i].fam = -1;
	vec__init(&m->rows, sizeof(struct prow));
	vec__init(&m->order, sizeof(size_t));
	m->pid_idx = hmap__new(sizeof(uint32_t));
	m->slots = calloc(m->top, sizeof(*m->slots));
	if (!m->pid_idx || !m->slots) {
		metrics__free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

struct sink *metrics__sink(struct metrics *m)
{
	return &m->sink;
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	hmap__free(m->pid_idx);
	vec__release(&m->rows);
	vec__release(&m->order);
	free(m->slots);
	free(m);
}

static void hist_add(struct hist *h, uint64_t ns)
{
	size_t i = 0;

	while (i < NR_BOUNDS && ns > blocked_bounds[i])
		i++;
	h->counts[i]++;
	h->sum_ns += ns;
	h->n++;
}

static struct prow *prow_get(struct metrics *m, uint32_t pid)
{
	struct prow *row;
	bool created;
	uint64_t *idx = hmap__upsert(m->pid_idx, &pid, m->rows.len, &created);

	if (!idx)
		return NULL;
	if (!created)
		return vec__at(&m->rows, *idx);
	row = vec__push(&m->rows);
	if (!row) {
		hmap__remove(m->pid_idx, &pid);
		return NULL;
	}
	row->pid = pid;
	row->slot = -1;
	return row;
}

static void pcount_add(struct pcount *to, const struct pcount *d)
{
	to->ops += d->ops;
	to->bytes += d->bytes;
	to->errors += d->errors;
	to->blocked_ns += d->blocked_ns;
}

int metrics__event(struct metrics *m, const struct ipc_hdr *h, size_t len)
{
	uint64_t bytes = ipc_rec_bytes(h);
	bool blocked = h->flags & IPC_EVF_BLOCKED;
	struct op_count *o;
	struct prow *row;

	if (h->type >= IPC_REC_META || h->op >= IPC_OP_MAX)
		return 0;
	o = &m->ops[h->op];
	if (o->fam < 0)
		o->fam = (int8_t)mfam_of(h);
	o->ops++;
	o->bytes += bytes;
	o->errors += h->ret < 0;
	if (blocked)
		hist_add(&m->blocked[o->fam], h->dur_ns);
	if (h->type == IPC_REC_PROC && h->op == IPC_OP_PROC_EXIT) {
		row = prow_get(m, h->pid);
		if (!row)
			return -ENOMEM;
		row->exited = true;
		return 0;
	}
	if (!summary__is_op(h))
		return 0;
	row = prow_get(m, h->pid);
	if (!row)
		return -ENOMEM;
	row->cur.ops++;
	row->cur.bytes += bytes;
	row->cur.errors += h->ret < 0;
	if (blocked)
		row->cur.blocked_ns += h->dur_ns;
	return 0;
}

/* Busiest first: time blocked, then bytes, then operations (the report's order). */
static int busier(const struct pcount *a, const struct pcount *b)
{
	if (a->blocked_ns != b->blocked_ns)
		return a->blocked_ns > b->blocked_ns ? -1 : 1;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->ops != b->ops)
		return a->ops > b->ops ? -1 : 1;
	return 0;
}

static const struct vec *sort_rows;

static int cmp_rows(const void *a, const void *b)
{
	const struct prow *x = vec__at(sort_rows, *(const size_t *)a);
	const struct prow *y = vec__at(sort_rows, *(const size_t *)b);
	int c = busier(&x->cur, &y->cur);

	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

static void slot_take(struct metrics *m, uint32_t s, struct prow *row)
{
	struct pslot *p = &m->slots[s];
	const struct proctab *pt = collector__procs_const(m->c);

	memset(p, 0, sizeof(*p));
	p->used = true;
	p->pid = row->pid;
	snprintf(p->pid_str, sizeof(p->pid_str), "%u", row->pid);
	snprintf(p->comm, sizeof(p->comm), "%s", pt ? proctab__comm(pt, row->pid) : "?");
	row->slot = s;
}

/* A slot for a new series: a free one, else the one whose process ended first. */
static int slot_free(const struct metrics *m)
{
	int best = -1;

	for (uint32_t s = 0; s < m->top; s++) {
		if (!m->slots[s].used)
			return s;
		if (m->slots[s].ended &&
		    (best < 0 || m->slots[s].ended_seq < m->slots[best].ended_seq))
			best = s;
	}
	return best;
}

/* The busiest processes without a series take the free slots. */
static void promote(struct metrics *m)
{
	vec__clear(&m->order);
	for (size_t i = 0; i < m->rows.len; i++) {
		const struct prow *r = vec__at(&m->rows, i);
		size_t *p;

		if (r->slot >= 0 || !r->cur.ops)
			continue;
		p = vec__push(&m->order);
		if (!p)
			return;		/* no promotion this time: counted in other */
		*p = i;
	}
	sort_rows = &m->rows;
	qsort(m->order.data, m->order.len, sizeof(size_t), cmp_rows);
	for (size_t i = 0; i < m->order.len; i++) {
		int s = slot_free(m);

		if (s < 0)
			break;
		slot_take(m, s, vec__at(&m->rows, *vec_at(&m->order, size_t, i)));
	}
}

static void row_remove(struct metrics *m, size_t i)
{
	struct prow *r = vec__at(&m->rows, i);
	size_t last = m->rows.len - 1;

	hmap__remove(m->pid_idx, &r->pid);
	if (i != last) {
		*r = *(struct prow *)vec__at(&m->rows, last);
		hmap__put(m->pid_idx, &r->pid, i);
	}
	m->rows.len--;
}

void metrics__snapshot(struct metrics *m)
{
	promote(m);
	/* backwards: row_remove moves the last row into the freed index */
	for (size_t i = m->rows.len; i-- > 0;) {
		struct prow *r = vec__at(&m->rows, i);

		if (r->slot >= 0 && m->slots[r->slot].used && m->slots[r->slot].pid == r->pid) {
			pcount_add(&m->slots[r->slot].tot, &r->cur);
			if (r->exited) {
				m->slots[r->slot].ended = true;
				m->slots[r->slot].ended_seq = m->ends++;
			}
		} else if (r->cur.ops) {
			pcount_add(&m->other, &r->cur);
			if (!r->in_other)
				m->other_procs++;
			r->in_other = true;
		}
		memset(&r->cur, 0, sizeof(r->cur));
		if (r->exited)
			row_remove(m, i);
	}
}

static const char *const lost_reason[] = {
	[IPC_STAT_RB_DROPS] = "ringbuf_full",
	[IPC_STAT_INFLIGHT_FULL] = "inflight_full",
	[IPC_STAT_STACK_MISSED] = "stacks_missed",
	[IPC_STAT_READ_FAULT] = "read_faults",
	[IPC_STAT_TARGETS_FULL] = "targets_full",
	[IPC_STAT_WATCH_FULL] = "watch_full",
	[IPC_STAT_LOCK_UNMATCHED] = "lock_unmatched",
};

static void render_health(const struct metrics *m, struct om *o)
{
	const struct collector_stats *cs = collector__stats(m->c);
	struct om_label l = { "reason", NULL };

	om__family(o, "ipctrace_events", OM_COUNTER, NULL,
		   "Records from the kernel the collector handled.");
	om__u64(o, NULL, 0, cs->events);
	om__family(o, "ipctrace_lost", OM_COUNTER, NULL,
		   "What was not seen, by reason (the report's loss line).");
	for (size_t i = 0; i < IPC_STAT_NR; i++) {
		l.value = lost_reason[i];
		if (l.value)
			om__u64(o, &l, 1, cs->last.bpf[i]);
	}
	l.value = "symbols_unresolved";
	om__u64(o, &l, 1, cs->last.sym_missed);
	l.value = "malformed_records";
	om__u64(o, &l, 1, cs->bad);
}

static void render_ops(const struct metrics *m, struct om *o)
{
	static const struct {
		const char *name, *help;
		size_t off;
		bool bytes_only;
	} fams[] = {
		{ "ipctrace_operations", "Operations traced, by family and op.",
		  offsetof(struct op_count, ops), false },
		{ "ipctrace_errors", "Operations that failed, by family and op.",
		  offsetof(struct op_count, errors), false },
		{ "ipctrace_bytes", "Bytes moved, by family and op.",
		  offsetof(struct op_count, bytes), true },
	};
	struct om_label l[2] = { { "family", NULL }, { "op", NULL } };

	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		om__family(o, fams[f].name, OM_COUNTER, fams[f].bytes_only ? "bytes" : NULL,
			   fams[f].help);
		for (unsigned int op = 0; op < IPC_OP_MAX; op++) {
			const struct op_count *c = &m->ops[op];

			if (c->fam < 0 || (fams[f].bytes_only && !c->bytes))
				continue;
			l[0].value = mfam_name(c->fam);
			l[1].value = ipc_op_name(op);
			om__u64(o, l, 2, *(const uint64_t *)((const char *)c + fams[f].off));
		}
	}
}

static void render_blocked(const struct metrics *m, struct om *o)
{
	struct om_label l = { "family", NULL };

	om__family(o, "ipctrace_blocked_seconds", OM_HISTOGRAM, "seconds",
		   "Time operations spent blocked, by family.");
	for (int f = 0; f < MF_NR; f++) {
		struct om_hist h = { blocked_bounds, NR_BOUNDS, m->blocked[f].counts,
				     m->blocked[f].sum_ns };

		if (!m->blocked[f].n)
			continue;
		l.value = mfam_name(f);
		om__histogram(o, &l, 1, &h);
	}
}

static void render_procs(const struct metrics *m, struct om *o)
{
	static const struct {
		const char *name, *unit, *help;
		size_t off;
		bool seconds;
	} fams[] = {
		{ "ipctrace_process_operations", NULL, "Operations per process (busiest N, "
		  "then pid=\"other\").", offsetof(struct pcount, ops), false },
		{ "ipctrace_process_bytes", "bytes", "Bytes moved per process.",
		  offsetof(struct pcount, bytes), false },
		{ "ipctrace_process_errors", NULL, "Failed operations per process.",
		  offsetof(struct pcount, errors), false },
		{ "ipctrace_process_blocked_seconds", "seconds", "Time blocked per process.",
		  offsetof(struct pcount, blocked_ns), true },
	};
	struct om_label l[2] = { { "pid", NULL }, { "comm", NULL } };

	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		om__family(o, fams[f].name, OM_COUNTER, fams[f].unit, fams[f].help);
		for (uint32_t s = 0; s <= m->top; s++) {
			const struct pcount *pc = s < m->top ? &m->slots[s].tot : &m->other;
			uint64_t v;

			if (s < m->top && !m->slots[s].used)
				continue;
			l[0].value = s < m->top ? m->slots[s].pid_str : "other";
			l[1].value = s < m->top ? m->slots[s].comm : "other";
			v = *(const uint64_t *)((const char *)pc + fams[f].off);
			if (fams[f].seconds)
				om__ns_as_seconds(o, l, 2, v);
			else
				om__u64(o, l, 2, v);
		}
	}
	om__family(o, "ipctrace_other_processes", OM_COUNTER, NULL,
		   "Processes counted, at least partly, in the pid=\"other\" series.");
	om__u64(o, NULL, 0, m->other_procs);
}

/* Stalls: gauges of the last look at the blocked threads. */
static void render_stalls(const struct metrics *m, struct om *o)
{
	if (!m->stalls)
		return;
	om__family(o, "ipctrace_blocked_threads", OM_GAUGE, NULL,
		   "Traced threads blocked in the last look (the report's BLOCKED NOW).");
	om__u64(o, NULL, 0, stalls__blocked(m->stalls));
	om__family(o, "ipctrace_deadlocks", OM_GAUGE, NULL,
		   "Deadlocks confirmed in the last look (seen twice, nobody woken).");
	om__u64(o, NULL, 0, stalls__deadlocks(m->stalls));
}

int metrics__render(const struct metrics *m, struct om *o)
{
	render_health(m, o);
	render_stalls(m, o);
	render_ops(m, o);
	render_blocked(m, o);
	render_procs(m, o);
	return om__finish(o);
}

void metrics__stats(const struct metrics *m, struct metrics_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (uint32_t s = 0; s < m->top; s++)
		st->series_procs += m->slots[s].used;
	st->other_procs = m->other_procs;
	st->tracked = m->rows.len;
}

/* The sink */

static int metrics_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	return metrics__event(container_of(sk, struct metrics, sink), h, len);
}

static void metrics_interval_end(struct sink *sk)
{
	metrics__snapshot(container_of(sk, struct metrics, sink));
}

static int metrics_finish(struct sink *sk)
{
	metrics__snapshot(container_of(sk, struct metrics, sink));
	return 0;
}

static void metrics_free(struct sink *sk)
{
	metrics__free(container_of(sk, struct metrics, sink));
}

static const struct sink_ops metrics_sink_ops = {
	.name = "metrics",
	.event = metrics_event,
	.interval_end = metrics_interval_end,
	.finish = metrics_finish,
	.free = metrics_free,
};
