// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Counters for Prometheus/OpenMetrics (see metrics.h and the README's
 * Metrics section for the names and the bound on series).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/contention.h"
#include "analysis/graph.h"
#include "analysis/metrics.h"
#include "analysis/races.h"
#include "analysis/stalls.h"
#include "analysis/summary.h"
#include "decode/decode.h"
#include "decode/names.h"
#include "lib/hmap.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/objkey.h"
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

/*
 * Series of things the analyses count for the whole trace (graph edges,
 * locks): the busiest N by the growth of their first value since the last
 * snapshot get a series, the rest grow "other".  Like the process series:
 * a series only grows; one whose thing is gone (aged out of the graph)
 * keeps its last values until its slot is needed.
 */
#define MT_VALS 3
#define MT_LABELS 4
#define MT_LABEL_LEN 96

struct mt_labels {
	char v[MT_LABELS][MT_LABEL_LEN];
};

struct mt_row {
	struct mt_labels key;	/* the labels are the identity */
	uint64_t last[MT_VALS];	/* cumulative values at the last look */
	uint64_t cur[MT_VALS];	/* growth since the last snapshot */
	int32_t slot;
	uint64_t seen;		/* the snapshot that last saw it */
	bool in_other;
};

struct mt_slot {
	struct mt_labels labels;
	uint64_t tot[MT_VALS];
	bool used, ended;
	uint64_t ended_seq;
};

struct mtab {
	uint32_t top;
	struct hmap *idx;	/* struct mt_labels -> index in rows */
	struct vec rows;	/* struct mt_row */
	struct vec order;	/* size_t */
	struct mt_slot *slots;
	uint64_t other[MT_VALS];
	uint64_t other_count;
	uint64_t gen, ends;
};

struct metrics {
	struct sink sink;	/* what the collector calls */
	struct collector *c;
	struct stalls *stalls;
	struct graph *graph;
	struct contention *contention;
	struct races *races;
	uint64_t race_counts[RACE_PATTERN_NR];	/* exported: never below an earlier value */
	struct mtab edges, locks;
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

static int mtab_init(struct mtab *t, uint32_t top)
{
	t->top = top;
	vec__init(&t->rows, sizeof(struct mt_row));
	vec__init(&t->order, sizeof(size_t));
	t->idx = hmap__new(sizeof(struct mt_labels));
	t->slots = calloc(top, sizeof(*t->slots));
	return t->idx && t->slots ? 0 : -ENOMEM;
}

static void mtab_release(struct mtab *t)
{
	hmap__free(t->idx);
	vec__release(&t->rows);
	vec__release(&t->order);
	free(t->slots);
}

/* A thing's cumulative values at this snapshot (labels: its identity, zero-padded). */
static void mtab_observe(struct mtab *t, const struct mt_labels *key, const uint64_t *vals)
{
	struct mt_row *r;
	bool created;
	uint64_t *idx = hmap__upsert(t->idx, key, t->rows.len, &created);

	if (!idx)
		return;		/* out of memory: not seen this time */
	if (created) {
		r = vec__push(&t->rows);
		if (!r) {
			hmap__remove(t->idx, key);
			return;
		}
		r->key = *key;
		r->slot = -1;
	} else {
		r = vec__at(&t->rows, *idx);
	}
	for (int i = 0; i < MT_VALS; i++) {
		/* a value that went down is a new thing under the same name */
		r->cur[i] += vals[i] >= r->last[i] ? vals[i] - r->last[i] : vals[i];
		r->last[i] = vals[i];
	}
	r->seen = t->gen;
}

static const struct vec *mt_sort_rows;

static int mt_cmp(const void *a, const void *b)
{
	const struct mt_row *x = vec__at(mt_sort_rows, *(const size_t *)a);
	const struct mt_row *y = vec__at(mt_sort_rows, *(const size_t *)b);

	for (int i = 0; i < MT_VALS; i++)
		if (x->cur[i] != y->cur[i])
			return x->cur[i] > y->cur[i] ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

static int mt_free_slot(const struct mtab *t)
{
	int best = -1;

	for (uint32_t s = 0; s < t->top; s++) {
		if (!t->slots[s].used)
			return s;
		if (t->slots[s].ended &&
		    (best < 0 || t->slots[s].ended_seq < t->slots[best].ended_seq))
			best = s;
	}
	return best;
}

static void mt_row_remove(struct mtab *t, size_t i)
{
	struct mt_row *r = vec__at(&t->rows, i);
	size_t last = t->rows.len - 1;

	hmap__remove(t->idx, &r->key);
	if (i != last) {
		*r = *(struct mt_row *)vec__at(&t->rows, last);
		hmap__put(t->idx, &r->key, i);
	}
	t->rows.len--;
}

/* After the observations of a snapshot: series change hands, growth is added. */
static void mtab_settle(struct mtab *t)
{
	vec__clear(&t->order);
	for (size_t i = 0; i < t->rows.len; i++) {
		struct mt_row *r = vec__at(&t->rows, i);
		size_t *p;

		if (r->slot >= 0 || r->seen != t->gen || !(r->cur[0] | r->cur[1] | r->cur[2]))
			continue;
		p = vec__push(&t->order);
		if (p)
			*p = i;
	}
	mt_sort_rows = &t->rows;
	qsort(t->order.data, t->order.len, sizeof(size_t), mt_cmp);
	for (size_t i = 0; i < t->order.len; i++) {
		struct mt_row *r = vec__at(&t->rows, *vec_at(&t->order, size_t, i));
		int s = mt_free_slot(t);

		if (s < 0)
			break;
		/* the thing that held it is gone for good: forget its row */
		memset(&t->slots[s], 0, sizeof(t->slots[s]));
		t->slots[s].used = true;
		t->slots[s].labels = r->key;
		r->slot = s;
	}
	for (size_t i = t->rows.len; i-- > 0;) {
		struct mt_row *r = vec__at(&t->rows, i);
		bool mine = r->slot >= 0 && t->slots[r->slot].used &&
			    !memcmp(&t->slots[r->slot].labels, &r->key, sizeof(r->key));

		for (int v = 0; v < MT_VALS; v++) {
			if (mine)
				t->slots[r->slot].tot[v] += r->cur[v];
			else
				t->other[v] += r->cur[v];
		}
		if (!mine && (r->cur[0] | r->cur[1] | r->cur[2]) && !r->in_other) {
			r->in_other = true;
			t->other_count++;
		}
		memset(r->cur, 0, sizeof(r->cur));
		/* gone from the analysis (aged out): its series keeps its last values */
		if (r->seen != t->gen) {
			if (mine) {
				t->slots[r->slot].ended = true;
				t->slots[r->slot].ended_seq = t->ends++;
			}
			mt_row_remove(t, i);
		}
	}
	t->gen++;
}

static void mt_label(struct mt_labels *l, int i, const char *v)
{
	snprintf(l->v[i], sizeof(l->v[i]), "%s", v ? v : "");
}

static void edge_seen(void *ctx, const struct graph_edge_info *e)
{
	struct mtab *t = ctx;
	struct mt_labels key;
	uint64_t vals[MT_VALS] = { e->bytes, e->ops, e->blocked_ns };

	memset(&key, 0, sizeof(key));
	mt_label(&key, 0, e->src);
	mt_label(&key, 1, e->dst);
	mt_label(&key, 2, e->op);
	mt_label(&key, 3, e->comm);
	mtab_observe(t, &key, vals);
}

static void lock_seen(void *ctx, const struct objkey *k, const struct contention_info *info,
		      uint32_t pid, const char *comm)
{
	struct mtab *t = ctx;
	struct mt_labels key;
	uint64_t vals[MT_VALS] = { info->blocked_ns, info->blocked, 0 };
	char id[MT_LABEL_LEN], pid_str[16];

	memset(&key, 0, sizeof(key));
	if (info->symbol)
		snprintf(id, sizeof(id), "%s", info->symbol);
	else
		objkey__format(id, sizeof(id), k, NULL, NULL);
	snprintf(pid_str, sizeof(pid_str), "%u", pid);
	mt_label(&key, 0, id);
	mt_label(&key, 1, info->kind);
	mt_label(&key, 2, pid_str);
	mt_label(&key, 3, comm);
	mtab_observe(t, &key, vals);
}

struct metrics *metrics__new(struct collector *c, const struct metrics_opts *opts)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->sink.ops = &metrics_sink_ops;
	m->c = c;
	m->top = opts && opts->top ? opts->top : METRICS_TOP_DEFAULT;
	m->stalls = opts ? opts->stalls : NULL;
	m->graph = opts ? opts->graph : NULL;
	m->contention = opts ? opts->contention : NULL;
	m->races = opts ? opts->races : NULL;
	if (m->top > METRICS_TOP_MAX)
		m->top = METRICS_TOP_MAX;
	for (size_t i = 0; i < IPC_OP_MAX; i++)
		m->ops[i].fam = -1;
	vec__init(&m->rows, sizeof(struct prow));
	vec__init(&m->order, sizeof(size_t));
	m->pid_idx = hmap__new(sizeof(uint32_t));
	m->slots = calloc(m->top, sizeof(*m->slots));
	if (!m->pid_idx || !m->slots || mtab_init(&m->edges, m->top) ||
	    mtab_init(&m->locks, m->top)) {
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
	mtab_release(&m->edges);
	mtab_release(&m->locks);
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
	if (m->order.len)	/* data may be NULL, which qsort() must not get */
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

static void races_seen(struct metrics *m);

void metrics__snapshot(struct metrics *m)
{
	if (m->graph) {
		graph__for_each_edge(m->graph, edge_seen, &m->edges);
		mtab_settle(&m->edges);
	}
	if (m->contention) {
		contention__for_each(m->contention, lock_seen, &m->locks);
		mtab_settle(&m->locks);
	}
	races_seen(m);
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

/*
 * Race flags per pattern.  A flag the report rules out later (a lost
 * wakeup on what proves a mutex) leaves the sum; the counter keeps its
 * highest value so that it never goes down.
 */
static void races_seen(struct metrics *m)
{
	uint64_t sum[RACE_PATTERN_NR] = { 0 };

	if (!m->races)
		return;
	for (size_t i = 0; i < races__nr_flags(m->races); i++) {
		const struct race_flag *f = races__flag(m->races, i);

		if (f && f->pattern < RACE_PATTERN_NR)
			sum[f->pattern] += f->count;
	}
	for (int p = 0; p < RACE_PATTERN_NR; p++)
		if (sum[p] > m->race_counts[p])
			m->race_counts[p] = sum[p];
}

static void render_races(const struct metrics *m, struct om *o)
{
	struct om_label l = { "kind", NULL };

	if (!m->races)
		return;
	om__family(o, "ipctrace_race_flags", OM_COUNTER, NULL,
		   "Race-flag occurrences, by pattern (see the report's race flags).");
	for (int p = RACE_NONE + 1; p < RACE_PATTERN_NR; p++) {
		l.value = race_pattern_name(p);
		om__u64(o, &l, 1, m->race_counts[p]);
	}
	om__family(o, "ipctrace_race_flags_dropped", OM_COUNTER, NULL,
		   "Race-flag occurrences not kept: the flag table was full.");
	om__u64(o, NULL, 0, races__stats(m->races)->flags_dropped);
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

struct mt_family {
	const char *name, *unit, *help;
	int val;		/* index in the values */
	bool seconds;
};

static void render_mtab(const struct mtab *t, struct om *o, const char *const *label_names,
			const struct mt_family *fams, size_t nr_fams)
{
	struct om_label l[MT_LABELS];

	for (size_t f = 0; f < nr_fams; f++) {
		om__family(o, fams[f].name, OM_COUNTER, fams[f].unit, fams[f].help);
		for (uint32_t s = 0; s <= t->top; s++) {
			const uint64_t *v = s < t->top ? t->slots[s].tot : t->other;

			if (s < t->top && !t->slots[s].used)
				continue;
			for (int i = 0; i < MT_LABELS; i++) {
				l[i].name = label_names[i];
				l[i].value = s < t->top ? t->slots[s].labels.v[i] : "other";
			}
			if (fams[f].seconds)
				om__ns_as_seconds(o, l, MT_LABELS, v[fams[f].val]);
			else
				om__u64(o, l, MT_LABELS, v[fams[f].val]);
		}
	}
}

static void render_edges(const struct metrics *m, struct om *o)
{
	static const char *const labels[MT_LABELS] = { "src", "dst", "op", "comm" };
	static const struct mt_family fams[] = {
		{ "ipctrace_edge_bytes", "bytes", "Bytes moved along an IPC graph edge (busiest N, "
		  "then src=\"other\").", 0, false },
		{ "ipctrace_edge_operations", NULL, "Operations along an IPC graph edge.", 1, false },
		{ "ipctrace_edge_blocked_seconds", "seconds", "Time blocked along an IPC graph edge.",
		  2, true },
	};

	if (m->graph)
		render_mtab(&m->edges, o, labels, fams, sizeof(fams) / sizeof(fams[0]));
}

static void render_locks(const struct metrics *m, struct om *o)
{
	static const char *const labels[MT_LABELS] = { "lock", "kind", "pid", "comm" };
	static const struct mt_family fams[] = {
		{ "ipctrace_lock_wait_seconds", "seconds", "Time threads waited for a contended lock "
		  "(busiest N, then lock=\"other\").", 0, true },
		{ "ipctrace_lock_contended_waits", NULL, "Waits for a lock that blocked.", 1, false },
	};

	if (m->contention)
		render_mtab(&m->locks, o, labels, fams, sizeof(fams) / sizeof(fams[0]));
}

int metrics__render(const struct metrics *m, struct om *o)
{
	render_health(m, o);
	render_stalls(m, o);
	render_races(m, o);
	render_edges(m, o);
	render_locks(m, o);
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
