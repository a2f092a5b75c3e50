// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * contention: what kind of lock each row is, the queries, and the ranking.
 *
 * Classification.  glibc's futex protocols leave fingerprints in the
 * records: a mutex waits for 2 with FUTEX_WAIT (lll_lock_wait: locked,
 * with waiters) and wakes 1; an rwlock waits for 1|FUTEX_USED = 3 with
 * WAIT_BITSET; a condvar waits for 0 on __g_signals with WAIT_BITSET and
 * the any-bit mask, and a signal raises that word by 2 before waking (a
 * broadcast wakes INT_MAX); a sem_t also waits for 0, but a post leaves
 * the value 1; pthread_join waits for the thread id and is woken by the
 * kernel, with no wake record.  IPC_REC_LOCK records, when there are any
 * for the object holding the word, overrule all of that.  Waits for an
 * event (condvar/wait) rank after every lock: a worker parked on a
 * condition variable for seconds is idle, not contended.
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
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"

const char *const ct_kind_names[] = {
	[KIND_UNKNOWN] = "unknown",
	[KIND_MUTEX] = "mutex",
	[KIND_CONDVAR] = "condvar/wait",
	[KIND_SEM] = "semaphore",
	[KIND_RWLOCK] = "rwlock",
};

/* ---- classification ---- */

static uint32_t lk_size(uint32_t kind)
{
	switch (kind) {
	case IPC_LOCK_MUTEX:
		return MUTEX_SIZE;
	case IPC_LOCK_COND:
		return COND_SIZE;
	case IPC_LOCK_SEM:
		return SEM_SIZE;
	default:
		return RWLOCK_SIZE;
	}
}

/* The --locks object whose memory holds the row's futex word, or NULL. */
struct lk_obj *ct_row_lock(struct contention *ct, struct ct_row *row)
{
	if (row->sem || !ktab__len(&ct->locks))
		return NULL;
	if (row->lock < 0) {
		for (uint64_t off = 0; off < RWLOCK_SIZE && off <= row->addr; off += 4) {
			struct lk_key k = { .pid = row->pids[0], .addr = row->addr - off };
			const struct lk_obj *o = ktab__find(&ct->locks, &k);

			if (o && off < lk_size(o->kind)) {
				row->lock = ktab__index(&ct->locks, o);
				break;
			}
		}
	}
	return row->lock >= 0 ? ktab__at(&ct->locks, row->lock) : NULL;
}

enum ct_kind ct_lk_kind(uint32_t kind)
{
	switch (kind) {
	case IPC_LOCK_MUTEX:
		return KIND_MUTEX;
	case IPC_LOCK_COND:
		return KIND_CONDVAR;
	case IPC_LOCK_SEM:
		return KIND_SEM;
	default:
		return KIND_RWLOCK;
	}
}

static void set_class(struct ct_class *c, enum ct_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_class(struct ct_class *c, enum ct_kind kind, const char *fmt, ...)
{
	va_list ap;

	c->kind = kind;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* The glibc protocols of the header comment, strongest first. */
static bool classify_futex(const struct ct_feat *f, struct ct_class *c)
{
	if (f->pi)
		set_class(c, KIND_MUTEX, "%llu PI futex operations: a priority-inheritance mutex, "
			  "the owner's tid in its word", (unsigned long long)f->pi);
	else if (f->wait_v3)
		set_class(c, KIND_RWLOCK, "%llu bitset waits for 3 (glibc rwlock: 1|FUTEX_USED)",
			  (unsigned long long)f->wait_v3);
	else if (f->wait_v2 && f->wait_v2 >= f->wait_v0)
		set_class(c, KIND_MUTEX, "%llu waits for 2 (%llu FUTEX_WAIT: glibc mutex locked, "
			  "with waiters), %llu wakes of 1", (unsigned long long)f->wait_v2,
			  (unsigned long long)f->wait_v2_plain, (unsigned long long)f->wake_one);
	else if (f->wake_all || f->requeue)
		set_class(c, KIND_CONDVAR, "%llu wakes of all (broadcast), %llu requeues",
			  (unsigned long long)f->wake_all, (unsigned long long)f->requeue);
	else if (f->wait_v0 && f->wake_even > f->wake_odd)
		set_class(c, KIND_CONDVAR, "%llu any-bit bitset waits for 0, %llu wakes after the "
			  "word rose by 2 (glibc condvar __g_signals)",
			  (unsigned long long)f->wait_v0, (unsigned long long)f->wake_even);
	else if (f->wait_v0 && f->wake_odd)
		set_class(c, KIND_SEM, "%llu any-bit bitset waits for 0, %llu posts leaving an odd "
			  "value (glibc sem_t)", (unsigned long long)f->wait_v0,
			  (unsigned long long)f->wake_odd);
	else
		return false;
	return true;
}

static void classify(struct contention *ct, struct ct_row *row, struct ct_class *c)
{
	const struct lk_obj *lk = ct_row_lock(ct, row);
	uint64_t p50 = row->x ? hist__pct(&row->x->hist, row->tot.max_ns, 500) : 0;
	char d[32];

	if (row->sem) {
		set_class(c, KIND_SEM, "SysV semaphore (semop)%s",
			  row->feat.undo ? ", SEM_UNDO" : "");
	} else if (lk) {
		set_class(c, ct_lk_kind(lk->kind), "--locks: pthread %s calls on the object at 0x%llx "
			  "(futex word at +%llu)", ipc_lock_kind_name(lk->kind),
			  (unsigned long long)lk->key.addr, (unsigned long long)(row->addr - lk->key.addr));
	} else if (classify_futex(&row->feat, c)) {
		return;
	} else if (row->feat.wait_own && !row->tot.woken) {
		set_class(c, KIND_CONDVAR, "%llu waits for the word's own value "
			  "(a thread id) and no user-space wake: a thread exit (pthread_join)",
			  (unsigned long long)row->feat.wait_own);
	} else if (p50 >= IDLE_WAIT_NS) {
		fmt_duration(d, sizeof(d), p50);
		set_class(c, KIND_CONDVAR, "long idle waits (median %s) without a lock pattern", d);
	} else {
		set_class(c, KIND_UNKNOWN, "no glibc lock pattern in %llu waits, %llu wakes",
			  (unsigned long long)row->tot.waits, (unsigned long long)row->tot.wakes);
	}
}

/* ---- queries ---- */

/* Who held it: PI word owners, then --locks owners, then the wakers. */
const struct ct_tid *ct_holder(const struct ct_row *row, const struct lk_obj *lk,
			       const char **source)
{
	const struct ct_tid *t = NULL;

	if (row->x && (t = ct_tids_top(row->x->owners, row->x->nr_owners)))
		*source = "pi-owner";
	else if (lk && (t = ct_tids_top(lk->owners, lk->nr_owners)))
		*source = "locks";
	else if (row->x && (t = ct_tids_top(row->x->wakers, row->x->nr_wakers)))
		*source = "waker";
	return t;
}

const char *ct_row_symbol(struct contention *ct, const struct ct_row *row)
{
	if (row->sem || !row->nr_pids)
		return NULL;
	return stacks__data_name(ct->st, row->pids[0], row->addr);
}

static void info_fill(struct contention *ct, struct ct_row *row, struct contention_info *out)
{
	const struct ct_counts *t = &row->tot;
	const struct lk_obj *lk = ct_row_lock(ct, row);
	const struct ct_site *site = row->x ? ct_sites_top(row->x->sites, row->x->nr_sites) : NULL;
	const struct ct_tid *h = ct_holder(row, lk, &out->holder_source);
	struct ct_class cls;

	classify(ct, row, &cls);
	out->kind = ct_kind_names[cls.kind];
	snprintf(out->evidence, sizeof(out->evidence), "%s", cls.why);
	out->symbol = ct_row_symbol(ct, row);
	out->site = site ? site->site : NULL;
	out->waits = t->waits;
	out->blocked = t->blocked;
	out->blocked_ns = t->blocked_ns;
	out->max_ns = t->max_ns;
	if (row->x) {
		out->p50_ns = hist__pct(&row->x->hist, t->max_ns, 500);
		out->p90_ns = hist__pct(&row->x->hist, t->max_ns, 900);
		out->p99_ns = hist__pct(&row->x->hist, t->max_ns, 990);
		out->waiters = row->x->nr_waiters;
		out->paired = row->x->paired;
	}
	out->timeouts = t->timeouts;
	out->eagain = t->eagain;
	out->wakes = t->wakes;
	out->woken = t->woken;
	out->max_waiters = t->max_waiters;
	out->holder_tid = h ? h->tid : 0;
	out->holder_count = h ? h->n : 0;
	out->locks = lk;
	if (lk) {
		out->holds = lk->holds;
		out->hold_ns = lk->hold_ns;
		out->hold_max_ns = lk->hold_max;
	}
}


int contention__info(struct contention *ct, const struct objkey *k, struct contention_info *out)
{
	struct ct_row *row = ktab__find(&ct->rows, k);
	size_t n, idx;

	memset(out, 0, sizeof(*out));
	out->rank = -1;
	if (!row)
		return -ENOENT;
	idx = ktab__index(&ct->rows, row);
	info_fill(ct, row, out);
	n = ct_rank_rows(ct, true);
	for (size_t i = 0; i < n; i++)
		if (vec_at(&ct->shown, struct ct_shown, i)->row == idx)
			out->rank = i;
	return 0;
}

void contention__for_each(struct contention *ct,
			  void (*fn)(void *ctx, const struct objkey *k,
				     const struct contention_info *info, uint32_t pid,
				     const char *comm),
			  void *ctx)
{
	const struct proctab *pt = collector__procs_const(ct->c);
	struct contention_info info;

	for (size_t i = 0; i < ktab__len(&ct->rows); i++) {
		struct ct_row *row = ktab__at(&ct->rows, i);
		uint32_t pid = row->nr_pids ? row->pids[0] : 0;

		if (!row->tot.waits)
			continue;
		memset(&info, 0, sizeof(info));
		info.rank = -1;
		info_fill(ct, row, &info);
		fn(ctx, &row->key, &info, pid, pt && pid ? proctab__comm(pt, pid) : "?");
	}
}

int contention__lock_info(struct contention *ct, uint32_t pid, uint64_t addr,
			  struct contention_lock_info *out)
{
	struct lk_key k = { .pid = pid, .addr = addr };
	const struct ct_site *s;
	const struct ct_tid *t;
	const struct lk_obj *o = ktab__find(&ct->locks, &k);

	memset(out, 0, sizeof(*out));
	if (!o)
		return -ENOENT;
	out->kind = ct_kind_names[ct_lk_kind(o->kind)];
	out->acquires = o->acquires;
	out->tries = o->tries;
	out->busy = o->busy;
	out->timeouts = o->timeouts;
	out->contended = o->contended;
	out->acquire_ns = o->acquire_ns;
	out->releases = o->releases;
	out->holds = o->holds;
	out->hold_ns = o->hold_ns;
	out->hold_max_ns = o->hold_max;
	out->cond_waits = o->cond_waits;
	out->cond_ns = o->cond_ns;
	out->signals = o->signals;
	out->broadcasts = o->broadcasts;
	out->mutex = o->mutex;
	out->owner = o->owner;
	t = ct_tids_top(o->owners, o->nr_owners);
	out->top_owner = t ? t->tid : 0;
	s = ct_sites_top(o->lock_sites, o->nr_lock_sites);
	out->lock_site = s ? s->site : NULL;
	s = ct_sites_top(o->unlock_sites, o->nr_unlock_sites);
	out->unlock_site = s ? s->site : NULL;
	return 0;
}

/* ---- ranking ---- */

static int cmp_shown(const void *a, const void *b)
{
	const struct ct_shown *x = a, *y = b;

	if (x->wait != y->wait)
		return x->wait ? 1 : -1;
	if (x->ns != y->ns)
		return x->ns < y->ns ? 1 : -1;
	return x->row < y->row ? -1 : 1;
}

/* Rows with blocked waits (in the interval, or ever), ranked, in ct->shown. */
size_t ct_rank_rows(struct contention *ct, bool final)
{
	vec__clear(&ct->shown);
	for (size_t i = 0; i < ktab__len(&ct->rows); i++) {
		struct ct_row *row = ktab__at(&ct->rows, i);
		const struct ct_counts *c = final ? &row->tot : &row->cur;
		struct ct_shown *s;

		if (!c->blocked)
			continue;
		s = vec__push(&ct->shown);
		if (!s)
			break;
		s->row = i;
		s->ns = c->blocked_ns;
		classify(ct, row, &s->cls);
		s->wait = s->cls.kind == KIND_CONDVAR;
	}
	if (ct->shown.len)
		qsort(ct->shown.data, ct->shown.len, sizeof(struct ct_shown), cmp_shown);
	return ct->shown.len;
}
