// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Per-process and per-object operation counts, bytes, errors and time
 * blocked.  Each row keeps the whole-trace totals and the current
 * interval's; the live view prints the interval, the final report the
 * totals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "analysis/summary.h"
#include "decode/decode.h"
#include "decode/names.h"
#include "decode/records.h"
#include "lib/json.h"
#include "lib/ktab.h"
#include "lib/textsafe.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "output/format.h"

#define OBJ_PIDS 4

struct proc_row {
	uint32_t pid;
	struct summary_counters tot, cur;
};

struct obj_row {
	struct objkey key;
	struct ipc_obj sample;
	char name[IPC_NAME_LEN];
	uint32_t pids[OBJ_PIDS];
	uint32_t nr_pids;	/* distinct pids seen (may exceed OBJ_PIDS) */
	struct summary_counters tot, cur;
};

struct summary {
	struct sink sink;		/* what the collector calls */
	struct collector *c;
	struct ktab procs;	/* struct proc_row by pid */
	struct ktab objs;	/* struct obj_row by objkey */
	struct vec order;	/* size_t: sort scratch */
	bool final;		/* which counters sort_rows compares */
};

static const struct sink_ops summary_sink_ops;

struct summary *summary__new(struct collector *c)
{
	struct summary *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sink.ops = &summary_sink_ops;
	s->c = c;
	vec__init(&s->order, sizeof(size_t));
	if (ktab__init(&s->procs, sizeof(struct proc_row), sizeof(uint32_t),
		       offsetof(struct proc_row, pid)) ||
	    ktab__init(&s->objs, sizeof(struct obj_row), sizeof(struct objkey),
		       offsetof(struct obj_row, key))) {
		summary_sink_ops.free(&s->sink);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

struct sink *summary__sink(struct summary *s)
{
	return &s->sink;
}

static void summary_free(struct sink *sk)
{
	struct summary *s = container_of(sk, struct summary, sink);

	if (!s)
		return;
	ktab__release(&s->procs);
	ktab__release(&s->objs);
	vec__release(&s->order);
	free(s);
}

static void count(struct summary_counters *c, const struct ipc_hdr *h)
{
	c->ops++;
	c->bytes += ipc_rec_bytes(h);
	if (h->ret < 0)
		c->errors++;
	if (h->flags & IPC_EVF_BLOCKED) {
		c->blocked_ops++;
		c->blocked_ns += h->dur_ns;
		if (h->dur_ns > c->max_blocked_ns)
			c->max_blocked_ns = h->dur_ns;
	}
}

static struct proc_row *proc_row(struct summary *s, uint32_t pid)
{
	return ktab__get(&s->procs, &pid, NULL);
}

static void obj_add_pid(struct obj_row *row, uint32_t pid);

static void counters_add(struct summary_counters *to, const struct summary_counters *from)
{
	to->ops += from->ops;
	to->bytes += from->bytes;
	to->errors += from->errors;
	to->blocked_ops += from->blocked_ops;
	to->blocked_ns += from->blocked_ns;
	if (from->max_blocked_ns > to->max_blocked_ns)
		to->max_blocked_ns = from->max_blocked_ns;
}

/* A stream socket's connection: both ends known (unix), or the remote address (TCP). */
static bool is_connection(const struct ipc_obj *o)
{
	if (o->kind == IPC_OBJ_UNIX)
		return o->peer_ino && (o->sock_type == SOCK_STREAM || o->sock_type == SOCK_SEQPACKET);
	return o->kind == IPC_OBJ_TCP && o->rport;
}

/*
 * A connection seen for the first time: its sockets may have rows of their
 * own from before it existed (socket(), connect() ahead of the accept).
 * The connection's row takes them over, as the graph does with its nodes,
 * so that one connection is one row.  Returns the connection's row.
 */
static struct obj_row *adopt_sockets(struct summary *s, struct obj_row *row,
				     const struct ipc_obj *o)
{
	uint64_t inos[2] = { o->ino, o->kind == IPC_OBJ_UNIX ? o->peer_ino : 0 };
	struct objkey k = row->key;

	for (int i = 0; i < 2; i++) {
		struct ipc_obj alone = { .kind = o->kind, .sock_type = o->sock_type, .ino = inos[i] };
		struct obj_row *old;
		struct objkey lk;

		if (!inos[i] || objkey__from_obj(&alone, &lk) || !(old = ktab__find(&s->objs, &lk)) ||
		    old == row)
			continue;
		counters_add(&row->tot, &old->tot);
		counters_add(&row->cur, &old->cur);
		for (uint32_t p = 0; p < old->nr_pids && p < OBJ_PIDS; p++)
			obj_add_pid(row, old->pids[p]);
		if (!row->name[0])
			memcpy(row->name, old->name, sizeof(row->name));
		/* the last row (maybe this one) moves into the old one's place */
		if (ktab__remove(&s->objs, ktab__index(&s->objs, old)))
			break;
		row = ktab__find(&s->objs, &k);
	}
	return row;
}

static struct obj_row *obj_row(struct summary *s, const struct objkey *k, const struct ipc_hdr *h)
{
	const struct ipc_obj *sample = ipc_rec_obj(h);
	const char *name = rec_name(h);
	struct obj_row *row;
	bool created;

	row = ktab__get(&s->objs, k, &created);
	if (!row)
		return NULL;
	if (created && sample)
		row->sample = *sample;
	if (created && sample && is_connection(sample))
		row = adopt_sockets(s, row, sample);
	if (!row)
		return NULL;
	if (name && name[0] && !row->name[0])
		snprintf(row->name, sizeof(row->name), "%s", name);
	/* a socket is named by its first event: keep the address it got later */
	if (sample && !row->sample.lport && sample->lport)
		row->sample = *sample;
	return row;
}

static void obj_add_pid(struct obj_row *row, uint32_t pid)
{
	uint32_t n = row->nr_pids < OBJ_PIDS ? row->nr_pids : OBJ_PIDS;

	for (uint32_t i = 0; i < n; i++)
		if (row->pids[i] == pid)
			return;
	if (row->nr_pids < OBJ_PIDS)
		row->pids[row->nr_pids] = pid;
	row->nr_pids++;
}

/* Records that are operations (not lifetimes, not collector bookkeeping). */
bool summary__is_op(const struct ipc_hdr *h)
{
	if (!rec_is_event(h) || (ipc_op_flags(h->op) & OPF_PROC))
		return false;
	/*
	 * A traced sender's syscall is the operation, which generate repeats;
	 * generate is the only record of what the kernel sends (credited to
	 * the process it acted for; pid 0, no process, when none) and of what
	 * an untraced sender sends.
	 */
	if (h->op == IPC_OP_SIGNAL_GENERATE)
		return h->pid && (h->flags & (IPC_EVF_KERNEL | IPC_EVF_PEER));
	return true;
}

static int summary_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct summary *s = container_of(sk, struct summary, sink);
	struct proc_row *p;
	struct obj_row *o;
	struct objkey k;

	if (h->type == IPC_REC_FDSNAP) {
		/* an object held at start: known by name even if idle */
		if (!objkey__from_rec(h, &k) && (o = obj_row(s, &k, h)))
			obj_add_pid(o, h->pid);
		return 0;
	}
	if (!summary__is_op(h))
		return 0;
	p = proc_row(s, h->pid);
	if (!p)
		return -ENOMEM;
	count(&p->tot, h);
	count(&p->cur, h);
	if (objkey__from_rec(h, &k))
		return 0;
	o = obj_row(s, &k, h);
	if (!o)
		return -ENOMEM;
	count(&o->tot, h);
	count(&o->cur, h);
	obj_add_pid(o, h->pid);
	return 0;
}

static void summary_interval_end(struct sink *sk)
{
	struct summary *s = container_of(sk, struct summary, sink);

	vec_for_each(&s->procs.rows, struct proc_row, p)
		memset(&p->cur, 0, sizeof(p->cur));
	vec_for_each(&s->objs.rows, struct obj_row, o)
		memset(&o->cur, 0, sizeof(o->cur));
}

/* qsort has no context argument: the table being sorted is set here. */
static const struct vec *sort_vec;
static size_t sort_off;		/* offset of the counters to compare in a row */

static int cmp_rows(const void *a, const void *b)
{
	const struct summary_counters *x = (const void *)((const char *)vec__at(sort_vec,
						*(const size_t *)a) + sort_off);
	const struct summary_counters *y = (const void *)((const char *)vec__at(sort_vec,
						*(const size_t *)b) + sort_off);

	if (x->blocked_ns != y->blocked_ns)
		return x->blocked_ns < y->blocked_ns ? 1 : -1;
	if (x->ops != y->ops)
		return x->ops < y->ops ? 1 : -1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Indexes of rows with operations, busiest first, in s->order.  Returns how many. */
static size_t sort_rows(struct summary *s, const struct vec *rows, size_t counters_off)
{
	size_t n = 0;

	vec__clear(&s->order);
	for (size_t i = 0; i < rows->len; i++) {
		const struct summary_counters *c = (const void *)((const char *)vec__at(rows, i) +
								  counters_off);
		size_t *slot;

		if (!c->ops)
			continue;
		slot = vec__push(&s->order);
		if (!slot)
			break;
		*slot = i;
		n++;
	}
	sort_vec = rows;
	sort_off = counters_off;
	if (n)	/* no rows: data may be NULL, which qsort() must not get */
		qsort(s->order.data, n, sizeof(size_t), cmp_rows);
	return n;
}

static void counters_text(FILE *f, const struct summary_counters *c)
{
	char bytes[32], blk[32], max[32];

	fmt_bytes(bytes, sizeof(bytes), c->bytes);
	fmt_duration(blk, sizeof(blk), c->blocked_ns);
	fmt_duration(max, sizeof(max), c->max_blocked_ns);
	fprintf(f, " %9llu %10s %7llu %10s %10s", (unsigned long long)c->ops, bytes,
		(unsigned long long)c->errors, c->blocked_ns ? blk : "-",
		c->max_blocked_ns ? max : "-");
}

static void counters_json(struct jw *w, const struct summary_counters *c)
{
	jw__kv_u64(w, "ops", c->ops);
	jw__kv_u64(w, "bytes", c->bytes);
	jw__kv_u64(w, "errors", c->errors);
	jw__kv_u64(w, "blocked_ops", c->blocked_ops);
	jw__kv_u64(w, "blocked_ns", c->blocked_ns);
	jw__kv_u64(w, "max_blocked_ns", c->max_blocked_ns);
}

static size_t limit(size_t n, int top)
{
	return top > 0 && (size_t)top < n ? (size_t)top : n;
}

static void report_procs(struct summary *s, struct report *r)
{
	size_t off = r->final ? offsetof(struct proc_row, tot) : offsetof(struct proc_row, cur);
	size_t n = sort_rows(s, &s->procs.rows, off), shown = limit(n, r->top);
	const struct proctab *pt = collector__procs_const(s->c);
	char who[48];

	if (r->jw) {
		jw__key(r->jw, "processes");
		jw__arr_begin(r->jw);
	} else {
		fprintf(r->out, "%-28s %9s %10s %7s %10s %10s\n", "PROCESS", "OPS", "BYTES",
			"ERRORS", "BLOCKED", "MAX-BLOCK");
	}
	for (size_t i = 0; i < shown; i++) {
		const struct proc_row *p = vec__at(&s->procs.rows, *vec_at(&s->order, size_t, i));
		const struct summary_counters *c = r->final ? &p->tot : &p->cur;

		if (r->jw) {
			jw__obj_begin(r->jw);
			jw__kv_u64(r->jw, "pid", p->pid);
			jw__kv_str(r->jw, "comm", proctab__comm(pt, p->pid));
			counters_json(r->jw, c);
			jw__obj_end(r->jw);
			continue;
		}
		snprintf(who, sizeof(who), "%s[%u]", text__safe(proctab__comm(pt, p->pid)), p->pid);
		fprintf(r->out, "%-28s", who);
		counters_text(r->out, c);
		fputc('\n', r->out);
	}
	if (r->jw)
		jw__arr_end(r->jw);
	else if (shown < n)
		fprintf(r->out, "  (%zu more)\n", n - shown);
}

static void obj_pids_text(FILE *f, const struct obj_row *o, const struct proctab *pt)
{
	uint32_t n = o->nr_pids < OBJ_PIDS ? o->nr_pids : OBJ_PIDS;

	for (uint32_t i = 0; i < n; i++)
		fprintf(f, "%s%s[%u]", i ? " " : "  ", text__safe(proctab__comm(pt, o->pids[i])),
			o->pids[i]);
	if (o->nr_pids > OBJ_PIDS)
		fprintf(f, " +%u", o->nr_pids - OBJ_PIDS);
}

static void report_objs(struct summary *s, struct report *r)
{
	size_t off = r->final ? offsetof(struct obj_row, tot) : offsetof(struct obj_row, cur);
	size_t n = sort_rows(s, &s->objs.rows, off), shown = limit(n, r->top);
	const struct proctab *pt = collector__procs_const(s->c);
	char id[160];

	if (r->jw) {
		jw__key(r->jw, "objects");
		jw__arr_begin(r->jw);
	} else {
		fprintf(r->out, "\n%-40s %9s %10s %7s %10s %10s  %s\n", "OBJECT", "OPS", "BYTES",
			"ERRORS", "BLOCKED", "MAX-BLOCK", "PROCESSES");
	}
	for (size_t i = 0; i < shown; i++) {
		const struct obj_row *o = vec__at(&s->objs.rows, *vec_at(&s->order, size_t, i));
		const struct summary_counters *c = r->final ? &o->tot : &o->cur;

		objkey__format(id, sizeof(id), &o->key, &o->sample, o->name[0] ? o->name : NULL);
		if (r->jw) {
			jw__obj_begin(r->jw);
			jw__kv_str(r->jw, "id", id);
			counters_json(r->jw, c);
			jw__key(r->jw, "pids");
			jw__arr_begin(r->jw);
			for (uint32_t j = 0; j < o->nr_pids && j < OBJ_PIDS; j++)
				jw__u64(r->jw, o->pids[j]);
			jw__arr_end(r->jw);
			jw__obj_end(r->jw);
			continue;
		}
		fprintf(r->out, "%-40s", id);
		counters_text(r->out, c);
		obj_pids_text(r->out, o, pt);
		fputc('\n', r->out);
	}
	if (r->jw)
		jw__arr_end(r->jw);
	else if (shown < n)
		fprintf(r->out, "  (%zu more)\n", n - shown);
}

static void summary_report(struct sink *sk, struct report *r)
{
	struct summary *s = container_of(sk, struct summary, sink);

	report_procs(s, r);
	report_objs(s, r);
}

int summary__proc_totals(struct summary *s, uint32_t pid, struct summary_counters *out)
{
	const struct proc_row *p = ktab__find(&s->procs, &pid);

	if (!p)
		return -ENOENT;
	*out = p->tot;
	return 0;
}

int summary__obj_totals(struct summary *s, const char *id, struct summary_counters *out)
{
	char buf[160];

	vec_for_each(&s->objs.rows, struct obj_row, o) {
		objkey__format(buf, sizeof(buf), &o->key, &o->sample, o->name[0] ? o->name : NULL);
		if (!strcmp(buf, id)) {
			*out = o->tot;
			return 0;
		}
	}
	return -ENOENT;
}

static const struct sink_ops summary_sink_ops = {
	.name = "summary",
	.event = summary_event,
	.report = summary_report,
	.interval_end = summary_interval_end,
	.free = summary_free,
};
