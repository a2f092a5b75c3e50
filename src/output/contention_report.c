// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The contention report: the CONTENDED LOCKS section (text and JSON), the
 * --locks objects, and the stack accounting, from the model in
 * analysis/contention_int.h.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/contention.h"
#include "analysis/contention_int.h"
#include "decode/names.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"

/* ---- report: text ---- */

static size_t limit(size_t n, int top)
{
	return top > 0 && (size_t)top < n ? (size_t)top : n;
}

static void who(char *buf, size_t len, const struct proctab *pt, uint32_t pid)
{
	snprintf(buf, len, "%s[%u]", text__safe(proctab__comm(pt, pid)), pid);
}

static void thread_name(char *buf, size_t len, const struct proctab *pt, uint32_t tid)
{
	const struct thread_info *t = proctab__thread(pt, tid);

	snprintf(buf, len, "%s[%u]", t ? text__safe(t->comm) : "?", tid);
}

/* The lock column: its symbol, else its canonical id. */
static void lock_name(struct contention *ct, const struct ct_row *row, char *buf, size_t len)
{
	const char *sym = ct_row_symbol(ct, row);

	if (row->sem)
		snprintf(buf, len, "sem:%llu[%llu]", (unsigned long long)row->key.a,
			 (unsigned long long)row->key.b);
	else if (sym)
		snprintf(buf, len, "%s", sym);
	else
		objkey__format(buf, len, &row->key, NULL, NULL);
}

static void procs_text(char *buf, size_t len, const struct proctab *pt, const struct ct_row *row)
{
	who(buf, len, pt, row->pids[0]);
	if (row->nr_pids > 1) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "+%u", row->nr_pids - 1);
	}
}

static void row_main_text(struct contention *ct, const struct ct_row *row,
			  const struct ct_shown *s, struct report *r)
{
	const struct ct_counts *c = r->final ? &row->tot : &row->cur;
	const struct hist *h = r->final ? &row->x->hist : &row->x->cur_hist;
	char proc[48], name[NAME_LEN], d[5][32];

	procs_text(proc, sizeof(proc), collector__procs_const(ct->c), row);
	lock_name(ct, row, name, sizeof(name));
	fmt_duration(d[0], sizeof(d[0]), c->blocked_ns);
	fmt_duration(d[1], sizeof(d[1]), c->blocked_ns / c->blocked);
	fmt_duration(d[2], sizeof(d[2]), hist__pct(h, c->max_ns, 500));
	fmt_duration(d[3], sizeof(d[3]), hist__pct(h, c->max_ns, 990));
	fmt_duration(d[4], sizeof(d[4]), c->max_ns);
	fprintf(r->out, "%-13s %-22s %-28s %7llu %10s %9s %9s %9s %9s %3u%s/%u\n",
		ct_kind_names[s->cls.kind], proc, name, (unsigned long long)c->blocked, d[0], d[1],
		d[2], d[3], d[4], row->x->nr_waiters, row->x->more_waiters ? "+" : "",
		c->max_waiters);
}

/* Where they waited, and who let them go. */
static void row_who_text(struct contention *ct, struct ct_row *row, struct report *r)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const struct ct_ext *x = row->x;
	const struct ct_site *site = ct_sites_top(x->sites, x->nr_sites);
	const char *source = NULL;
	const struct ct_tid *h = ct_holder(row, ct_row_lock(ct, row), &source);
	char name[48];

	fprintf(r->out, "    waiting in %s", site ? site->site : "(no stack)");
	if (site && row->tot.blocked_ns)
		fprintf(r->out, " (%.0f%% of the time)", 100.0 * site->ns / row->tot.blocked_ns);
	if (h) {
		thread_name(name, sizeof(name), pt, h->tid);
		if (!strcmp(source, "waker"))
			fprintf(r->out, "   likely holder %s (released %u waits)", name, h->n);
		else if (!strcmp(source, "locks"))
			fprintf(r->out, "   holder %s (--locks owner, %u holds)", name, h->n);
		else
			fprintf(r->out, "   holder %s (owner in the PI word, %u waits)",
				name, h->n);
	}
	site = ct_sites_top(x->rsites, x->nr_rsites);
	if (site)
		fprintf(r->out, " releasing in %s", site->site);
	fputc('\n', r->out);
}

static void row_counts_text(const struct ct_row *row, struct report *r)
{
	static const char *const wb[CT_WAKE_BUCKETS] = { "0", "1", "2-3", "4-7", "8-15", "16+" };
	const struct ct_counts *c = &row->tot;
	char id[NAME_LEN];

	if (row->sem)
		snprintf(id, sizeof(id), "sem:%llu[%llu]", (unsigned long long)row->key.a,
			 (unsigned long long)row->key.b);
	else
		objkey__format(id, sizeof(id), &row->key, NULL, NULL);
	fprintf(r->out, "    %s: wakes %llu", id, (unsigned long long)c->wakes);
	if (!row->sem && c->wakes) {
		fprintf(r->out, " (woke");
		for (int i = 0; i < CT_WAKE_BUCKETS; i++)
			if (c->wake_buckets[i])
				fprintf(r->out, " %s:%llu", wb[i],
					(unsigned long long)c->wake_buckets[i]);
		fprintf(r->out, ")");
	}
	fprintf(r->out, "  waits %llu  timeouts %llu  EAGAIN %llu  EINTR %llu  paired %llu"
		"  unpaired %llu\n", (unsigned long long)c->waits,
		(unsigned long long)c->timeouts, (unsigned long long)c->eagain,
		(unsigned long long)c->eintr, (unsigned long long)row->x->paired,
		(unsigned long long)(row->x->unpaired + row->x->nr_pend));
}

static void row_hist_text(const struct hist *h, FILE *out)
{
	char lo[32], hi[32];

	fprintf(out, "    wait histogram:");
	for (unsigned int e = 0; e < 64; e++) {
		uint64_t n = hist__log2(h, e);

		if (!n)
			continue;
		fmt_duration(lo, sizeof(lo), e ? 1ull << e : 0);
		fmt_duration(hi, sizeof(hi), 2ull << e);
		fprintf(out, " [%s,%s):%llu", lo, hi, (unsigned long long)n);
	}
	fputc('\n', out);
}

static void row_locks_text(const struct lk_obj *lk, FILE *out)
{
	const struct ct_site *site;
	char avg[32], max[32];

	if (lk->kind == IPC_LOCK_COND) {
		fmt_duration(avg, sizeof(avg), lk->cond_ns);
		site = ct_sites_top(lk->lock_sites, lk->nr_lock_sites);
		fprintf(out, "    --locks: %llu waits (%s) in %s, %llu signals, %llu broadcasts\n",
			(unsigned long long)lk->cond_waits, avg, site ? site->site : "?",
			(unsigned long long)lk->signals, (unsigned long long)lk->broadcasts);
		return;
	}
	fmt_duration(avg, sizeof(avg), lk->holds ? lk->hold_ns / lk->holds : 0);
	fmt_duration(max, sizeof(max), lk->hold_max);
	site = ct_sites_top(lk->lock_sites, lk->nr_lock_sites);
	fprintf(out, "    --locks: %llu acquisitions (%llu contended), %llu holds avg %s max %s, "
		"taken most in %s\n", (unsigned long long)lk->acquires,
		(unsigned long long)lk->contended, (unsigned long long)lk->holds, avg, max,
		site ? site->site : "?");
}

static void report_text(struct contention *ct, struct report *r, size_t n)
{
	size_t shown = limit(n, r->top);
	bool waits = false;

	fprintf(r->out, "\nCONTENDED LOCKS (waits that blocked, by time blocked; condition waits "
		"last)\n");
	if (!n) {
		fprintf(r->out, "  none\n");
		return;
	}
	fprintf(r->out, "%-13s %-22s %-28s %7s %10s %9s %9s %9s %9s %s\n", "KIND", "PROCESS",
		"LOCK", "BLOCKED", "TOTAL", "AVG", "P50", "P99", "MAX", "WAITERS/MAX");
	for (size_t i = 0; i < shown; i++) {
		const struct ct_shown *s = vec__at(&ct->shown, i);
		struct ct_row *row = ktab__at(&ct->rows, s->row);
		const struct lk_obj *lk = ct_row_lock(ct, row);

		if (s->wait && !waits) {
			fprintf(r->out, "  -- waiting for an event (idle, not contention) --\n");
			waits = true;
		}
		row_main_text(ct, row, s, r);
		row_who_text(ct, row, r);
		if (!r->final)
			continue;
		row_counts_text(row, r);
		fprintf(r->out, "    kind: %s\n", s->cls.why);
		row_hist_text(&row->x->hist, r->out);
		if (lk)
			row_locks_text(lk, r->out);
	}
	if (shown < n)
		fprintf(r->out, "  (%zu more)\n", n - shown);
}

/* ---- report: JSON ---- */

static void tids_json(struct jw *w, const char *key, const struct ct_tid *t, uint32_t nr,
		      const struct proctab *pt)
{
	jw__key(w, key);
	jw__arr_begin(w);
	for (uint32_t i = 0; i < nr; i++) {
		const struct thread_info *ti = proctab__thread(pt, t[i].tid);

		jw__obj_begin(w);
		jw__kv_u64(w, "tid", t[i].tid);
		jw__kv_str(w, "comm", ti ? ti->comm : NULL);
		jw__kv_u64(w, "count", t[i].n);
		jw__kv_u64(w, "ns", t[i].ns);
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void sites_json(struct contention *ct, struct jw *w, const char *key,
		       const struct ct_site *t, uint32_t nr)
{
	jw__key(w, key);
	jw__arr_begin(w);
	for (uint32_t i = 0; i < nr; i++) {
		jw__obj_begin(w);
		jw__kv_str(w, "site", t[i].site);
		jw__kv_u64(w, "count", t[i].n);
		jw__kv_u64(w, "ns", t[i].ns);
		if (t[i].stack >= 0) {
			uint32_t nf;
			const char *const *f = stacks__frames(ct->st, t[i].stack, &nf);

			jw__key(w, "stack");
			jw__arr_begin(w);
			for (uint32_t j = 0; j < nf; j++)
				jw__str(w, f[j]);
			jw__arr_end(w);
		}
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void hist_json(struct jw *w, const struct hist *h)
{
	jw__key(w, "histogram");
	jw__arr_begin(w);
	for (unsigned int e = 0; e < 64; e++) {
		uint64_t n = hist__log2(h, e);

		if (!n)
			continue;
		jw__obj_begin(w);
		jw__kv_u64(w, "lo_ns", e ? 1ull << e : 0);
		jw__kv_u64(w, "hi_ns", (2ull << e) - 1);
		jw__kv_u64(w, "count", n);
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

static void counts_json(struct jw *w, const struct ct_counts *c, const struct hist *h)
{
	static const char *const wb[CT_WAKE_BUCKETS] = { "0", "1", "2-3", "4-7", "8-15", "16+" };

	jw__kv_u64(w, "waits", c->waits);
	jw__kv_u64(w, "blocked", c->blocked);
	jw__kv_u64(w, "blocked_ns", c->blocked_ns);
	jw__kv_u64(w, "avg_ns", c->blocked ? c->blocked_ns / c->blocked : 0);
	jw__kv_u64(w, "max_ns", c->max_ns);
	jw__kv_u64(w, "p50_ns", hist__pct(h, c->max_ns, 500));
	jw__kv_u64(w, "p90_ns", hist__pct(h, c->max_ns, 900));
	jw__kv_u64(w, "p99_ns", hist__pct(h, c->max_ns, 990));
	jw__kv_u64(w, "max_waiters", c->max_waiters);
	jw__kv_u64(w, "timeouts", c->timeouts);
	jw__kv_u64(w, "eagain", c->eagain);
	jw__kv_u64(w, "eintr", c->eintr);
	jw__kv_u64(w, "errors", c->errors);
	jw__kv_u64(w, "wakes", c->wakes);
	jw__kv_u64(w, "woken", c->woken);
	jw__key(w, "wakes_by_woken");
	jw__obj_begin(w);
	for (int i = 0; i < CT_WAKE_BUCKETS; i++)
		jw__kv_u64(w, wb[i], c->wake_buckets[i]);
	jw__obj_end(w);
	hist_json(w, h);
}

static void row_id_json(struct contention *ct, const struct ct_row *row, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	char buf[NAME_LEN];

	if (row->sem)
		snprintf(buf, sizeof(buf), "sem:%llu", (unsigned long long)row->key.a);
	else
		objkey__format(buf, sizeof(buf), &row->key, NULL, NULL);
	jw__kv_str(w, "id", buf);
	if (row->sem) {
		jw__kv_u64(w, "semid", row->key.a);
		jw__kv_u64(w, "semnum", row->key.b);
		jw__kv_u64(w, "undo", row->feat.undo);
	} else {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)row->addr);
		jw__kv_str(w, "addr", buf);
		jw__kv_bool(w, "shared", !row->key.pid);
	}
	jw__kv_str(w, "symbol", ct_row_symbol(ct, row));
	jw__kv_u64(w, "pid", row->pids[0]);
	jw__kv_str(w, "comm", proctab__comm(pt, row->pids[0]));
	jw__key(w, "pids");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < row->nr_pids && i < CT_PIDS; i++)
		jw__u64(w, row->pids[i]);
	jw__arr_end(w);
}

static void holder_json(struct contention *ct, struct ct_row *row, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const char *source = NULL;
	const struct ct_tid *h = ct_holder(row, ct_row_lock(ct, row), &source);
	const struct thread_info *ti;

	jw__key(w, "holder");
	if (!h) {
		jw__null(w);
		return;
	}
	ti = proctab__thread(pt, h->tid);
	jw__obj_begin(w);
	jw__kv_u64(w, "tid", h->tid);
	jw__kv_str(w, "comm", ti ? ti->comm : NULL);
	jw__kv_str(w, "source", source);
	jw__kv_u64(w, "count", h->n);
	jw__kv_u64(w, "ns", h->ns);
	jw__obj_end(w);
}

static void row_detail_json(struct contention *ct, struct ct_row *row, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const struct ct_ext *x = row->x;
	const struct ct_site *top = ct_sites_top(x->sites, x->nr_sites);

	jw__kv_str(w, "top_site", top ? top->site : NULL);
	sites_json(ct, w, "sites", x->sites, x->nr_sites);
	sites_json(ct, w, "release_sites", x->rsites, x->nr_rsites);
	tids_json(w, "waiters", x->waiters, x->nr_waiters, pt);
	jw__kv_bool(w, "more_waiters", x->more_waiters);
	holder_json(ct, row, w);
	tids_json(w, "wakers", x->wakers, x->nr_wakers, pt);
	tids_json(w, "pi_owners", x->owners, x->nr_owners, pt);
	jw__kv_u64(w, "other_sites_ns", x->other_sites_ns);
	jw__kv_u64(w, "paired", x->paired);
	jw__kv_u64(w, "unpaired", x->unpaired + x->nr_pend);
	jw__kv_u64(w, "no_stack", x->no_stack);
	jw__kv_u64(w, "stacks_missed", x->stack_missed);
}

static void report_json(struct contention *ct, struct report *r, size_t n)
{
	struct jw *w = r->jw;
	size_t shown = limit(n, r->top);

	jw__key(w, "contended_locks");
	jw__arr_begin(w);
	for (size_t i = 0; i < shown; i++) {
		const struct ct_shown *s = vec__at(&ct->shown, i);
		struct ct_row *row = ktab__at(&ct->rows, s->row);
		const struct lk_obj *lk = ct_row_lock(ct, row);

		jw__obj_begin(w);
		jw__kv_u64(w, "rank", i);
		jw__kv_str(w, "kind", ct_kind_names[s->cls.kind]);
		jw__kv_bool(w, "idle_wait", s->wait);
		jw__kv_str(w, "evidence", s->cls.why);
		row_id_json(ct, row, w);
		counts_json(w, r->final ? &row->tot : &row->cur,
			    r->final ? &row->x->hist : &row->x->cur_hist);
		row_detail_json(ct, row, w);
		if (lk) {
			char addr[32];

			snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)lk->key.addr);
			jw__kv_str(w, "lock_addr", addr);
			jw__kv_u64(w, "holds", lk->holds);
			jw__kv_u64(w, "hold_ns", lk->hold_ns);
			jw__kv_u64(w, "hold_max_ns", lk->hold_max);
		}
		jw__obj_end(w);
	}
	jw__arr_end(w);
}

/* ---- report: --locks objects ---- */

static int cmp_locks(const void *a, const void *b);
static const struct vec *cmp_locks_vec;	/* qsort has no context argument */

static int cmp_locks(const void *a, const void *b)
{
	const struct lk_obj *x = vec__at(cmp_locks_vec, *(const uint32_t *)a);
	const struct lk_obj *y = vec__at(cmp_locks_vec, *(const uint32_t *)b);
	uint64_t wx = x->acquire_ns + x->cond_ns, wy = y->acquire_ns + y->cond_ns;

	if (wx != wy)
		return wx < wy ? 1 : -1;
	if (x->hold_ns != y->hold_ns)
		return x->hold_ns < y->hold_ns ? 1 : -1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static size_t sort_locks(struct contention *ct)
{
	vec__clear(&ct->order);
	for (uint32_t i = 0; i < ktab__len(&ct->locks); i++) {
		uint32_t *slot = vec__push(&ct->order);

		if (!slot)
			break;
		*slot = i;
	}
	cmp_locks_vec = &ct->locks.rows;
	if (ct->order.len)
		qsort(ct->order.data, ct->order.len, sizeof(uint32_t), cmp_locks);
	return ct->order.len;
}

static void lock_sites_text(const char *what, const struct ct_site *t, uint32_t nr, FILE *out)
{
	fprintf(out, "%s", what);
	for (uint32_t i = 0; i < nr; i++)
		fprintf(out, "%s %s (%u)", i ? "," : "", t[i].site, t[i].n);
	if (!nr)
		fprintf(out, " -");
}

/* Owners, call sites, and for a condvar its mutex. */
static void lock_detail_text(struct contention *ct, const struct lk_obj *o, FILE *out)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	const char *sym;
	char name[48];

	if (o->nr_owners) {
		fprintf(out, "    owners:");
		for (uint32_t i = 0; i < o->nr_owners; i++) {
			thread_name(name, sizeof(name), pt, o->owners[i].tid);
			fprintf(out, "%s %s (%u)", i ? "," : "", name, o->owners[i].n);
		}
		fputc('\n', out);
	}
	lock_sites_text(o->kind == IPC_LOCK_COND ? "    waited at" : "    locked at", o->lock_sites,
			o->nr_lock_sites, out);
	lock_sites_text(o->kind == IPC_LOCK_SEM ? "; posted at" : o->kind == IPC_LOCK_COND ?
			"; signalled at" : "; unlocked at", o->unlock_sites,
			o->nr_unlock_sites, out);
	fputc('\n', out);
	if (o->kind != IPC_LOCK_COND)
		return;
	sym = o->mutex ? stacks__data_name(ct->st, o->key.pid, o->mutex) : NULL;
	fprintf(out, "    signals %llu, broadcasts %llu, waits with mutex ",
		(unsigned long long)o->signals, (unsigned long long)o->broadcasts);
	if (sym)
		fprintf(out, "%s\n", sym);
	else
		fprintf(out, "0x%llx\n", (unsigned long long)o->mutex);
}

static void lock_text(struct contention *ct, const struct lk_obj *o, FILE *out)
{
	const char *sym = stacks__data_name(ct->st, o->key.pid, o->key.addr);
	char proc[48], name[48], d[4][32];

	who(proc, sizeof(proc), collector__procs_const(ct->c), o->key.pid);
	fmt_duration(d[0], sizeof(d[0]), o->acquire_ns + o->cond_ns);
	fmt_duration(d[1], sizeof(d[1]), o->acquire_max > o->cond_max ? o->acquire_max :
		     o->cond_max);
	fmt_duration(d[2], sizeof(d[2]), o->holds ? o->hold_ns / o->holds : 0);
	fmt_duration(d[3], sizeof(d[3]), o->hold_max);
	if (sym)
		snprintf(name, sizeof(name), "%s", sym);
	else
		snprintf(name, sizeof(name), "0x%llx", (unsigned long long)o->key.addr);
	fprintf(out, "%-13s %-22s %-28s %8llu %9llu %10s %9s %8llu %9s %9s\n",
		ct_kind_names[ct_lk_kind(o->kind)], proc, name,
		(unsigned long long)(o->acquires + o->cond_waits), (unsigned long long)o->contended,
		d[0], d[1], (unsigned long long)o->holds, d[2], d[3]);
	lock_detail_text(ct, o, out);
}

static void lock_json(struct contention *ct, const struct lk_obj *o, struct jw *w)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	char buf[32];

	jw__obj_begin(w);
	jw__kv_str(w, "kind", ct_kind_names[ct_lk_kind(o->kind)]);
	jw__kv_u64(w, "pid", o->key.pid);
	jw__kv_str(w, "comm", proctab__comm(pt, o->key.pid));
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)o->key.addr);
	jw__kv_str(w, "addr", buf);
	jw__kv_str(w, "symbol", stacks__data_name(ct->st, o->key.pid, o->key.addr));
	jw__kv_u64(w, "acquires", o->acquires);
	jw__kv_u64(w, "tries", o->tries);
	jw__kv_u64(w, "busy", o->busy);
	jw__kv_u64(w, "timeouts", o->timeouts);
	jw__kv_u64(w, "contended", o->contended);
	jw__kv_u64(w, "acquire_ns", o->acquire_ns);
	jw__kv_u64(w, "acquire_max_ns", o->acquire_max);
	jw__kv_u64(w, "releases", o->releases);
	jw__kv_u64(w, "holds", o->holds);
	jw__kv_u64(w, "hold_ns", o->hold_ns);
	jw__kv_u64(w, "hold_max_ns", o->hold_max);
	jw__kv_u64(w, "owner", o->owner);
	tids_json(w, "owners", o->owners, o->nr_owners, pt);
	sites_json(ct, w, "lock_sites", o->lock_sites, o->nr_lock_sites);
	sites_json(ct, w, o->kind == IPC_LOCK_COND ? "signal_sites" : "unlock_sites",
		   o->unlock_sites, o->nr_unlock_sites);
	if (o->kind == IPC_LOCK_COND) {
		jw__kv_u64(w, "cond_waits", o->cond_waits);
		jw__kv_u64(w, "cond_wait_ns", o->cond_ns);
		jw__kv_u64(w, "signals", o->signals);
		jw__kv_u64(w, "broadcasts", o->broadcasts);
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)o->mutex);
		jw__kv_str(w, "mutex", o->mutex ? buf : NULL);
		jw__kv_str(w, "mutex_symbol", o->mutex ?
			   stacks__data_name(ct->st, o->key.pid, o->mutex) : NULL);
	}
	jw__obj_end(w);
}

static void report_locks(struct contention *ct, struct report *r)
{
	size_t n = sort_locks(ct), shown = limit(n, r->top);

	if (r->jw) {
		jw__key(r->jw, "locks");
		jw__arr_begin(r->jw);
	} else {
		fprintf(r->out, "\nLOCKS (--locks: pthread and semaphore calls, whole trace)\n");
		fprintf(r->out, "%-13s %-22s %-28s %8s %9s %10s %9s %8s %9s %9s\n", "KIND",
			"PROCESS", "LOCK", "ACQUIRED", "CONTENDED", "WAITING", "MAX-WAIT", "HOLDS",
			"HOLD-AVG", "HOLD-MAX");
	}
	for (size_t i = 0; i < shown; i++) {
		const struct lk_obj *o = ktab__at(&ct->locks, *vec_at(&ct->order, uint32_t, i));

		if (r->jw)
			lock_json(ct, o, r->jw);
		else
			lock_text(ct, o, r->out);
	}
	if (r->jw)
		jw__arr_end(r->jw);
	else if (shown < n)
		fprintf(r->out, "  (%zu more)\n", n - shown);
}

/* Blocked waits without a stack, and frames without a symbol: nothing lost silently. */
static void report_stacks(struct contention *ct, struct report *r)
{
	const struct stacks_stats *ss = stacks__stats(ct->st);
	uint64_t no_stack = 0, missed = 0;

	vec_for_each(&ct->rows.rows, struct ct_row, row) {
		if (row->x) {
			no_stack += row->x->no_stack;
			missed += row->x->stack_missed;
		}
	}
	if (r->jw) {
		jw__key(r->jw, "lock_stacks");
		jw__obj_begin(r->jw);
		jw__kv_u64(r->jw, "waits_without_stack", no_stack);
		jw__kv_u64(r->jw, "stacks_missed", missed);
		jw__kv_u64(r->jw, "stacks", ss->stacks);
		jw__kv_u64(r->jw, "stacks_unknown", ss->unknown);
		jw__kv_u64(r->jw, "frames", ss->frames);
		jw__kv_u64(r->jw, "frames_unresolved", ss->unresolved);
		jw__obj_end(r->jw);
		return;
	}
	fprintf(r->out, "  stacks: %llu blocked lock waits without a stack (%llu missed in BPF), "
		"%llu of %llu frames in %llu stacks without a symbol\n",
		(unsigned long long)no_stack, (unsigned long long)missed,
		(unsigned long long)ss->unresolved, (unsigned long long)ss->frames,
		(unsigned long long)ss->stacks);
}

void contention_report(struct sink *sk, struct report *r)
{
	struct contention *ct = container_of(sk, struct contention, sink);
	size_t n = ct_rank_rows(ct, r->final);

	if (r->jw)
		report_json(ct, r, n);
	else
		report_text(ct, r, n);
	if (r->final)
		report_stacks(ct, r);
	if (r->final && ct->lock_records)
		report_locks(ct, r);
}
