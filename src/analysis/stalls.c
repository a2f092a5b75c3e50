// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The stalls sink (see stalls.h): looks in, wait-for graph and deadlocks
 * out.  Two looks are kept, the last and the one before, to confirm a
 * deadlock; every deadlock found is kept for the final report as its
 * threads were when it was found.  Memory grows with the threads of one
 * look and the deadlocks found, not with events or looks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/graph.h"
#include "analysis/stalls_int.h"
#include "model/collector.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "model/stacks.h"

#define MAX_FOUND	64	/* deadlocks kept for the final report */

static const struct sink_ops stalls_sink_ops;

struct sthread *look_find(const struct look *l, uint32_t tid)
{
	uint64_t i;

	if (!l->by_tid || hmap__get(l->by_tid, &tid, &i))
		return NULL;
	return look_thread(l, i);
}

uint32_t look_deadlock_number(const struct look *l, const struct sthread *t)
{
	if (t->deadlock < 0 || (size_t)t->deadlock >= l->deadlocks.len)
		return 0;
	return vec_at(&l->deadlocks, struct sdeadlock, t->deadlock)->number;
}

static int look_init(struct look *l)
{
	vec__init(&l->threads, sizeof(struct sthread));
	vec__init(&l->deadlocks, sizeof(struct sdeadlock));
	vec__init(&l->members, sizeof(uint32_t));
	l->by_tid = hmap__new(sizeof(uint32_t));
	return l->by_tid ? 0 : -ENOMEM;
}

static void look_clear(struct look *l)
{
	vec__clear(&l->threads);
	vec__clear(&l->deadlocks);
	vec__clear(&l->members);
	hmap__clear(l->by_tid);
	l->valid = false;
}

static void look_release(struct look *l)
{
	vec__release(&l->threads);
	vec__release(&l->deadlocks);
	vec__release(&l->members);
	hmap__free(l->by_tid);
}

struct stalls *stalls__new(struct collector *c, struct graph *g, struct stacks *st,
			   const struct stalls_opts *o)
{
	struct stalls *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sink.ops = &stalls_sink_ops;
	s->c = c;
	s->g = g;
	s->st = st;
	if (o)
		s->opts = *o;
	vec__init(&s->pending, sizeof(struct ipc_rec_blocked));
	vec__init(&s->wanted, sizeof(uint32_t));
	jw__init(&s->jw);
	s->wf = waitfor__new();
	s->reported = hmap__new(sizeof(uint64_t));
	if (!s->wf || !s->reported || look_init(&s->looks[0]) || look_init(&s->looks[1]) ||
	    look_init(&s->found)) {
		stalls__free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void stalls__free(struct stalls *s)
{
	if (!s)
		return;
	vec__release(&s->pending);
	vec__release(&s->wanted);
	look_release(&s->looks[0]);
	look_release(&s->looks[1]);
	look_release(&s->found);
	waitfor__free(s->wf);
	hmap__free(s->reported);
	jw__release(&s->jw);
	free(s);
}

/* Who can end a wait on an fd's object: the holders of the other end, as the graph knows. */
static enum wf_kind wakers_io(struct stalls *s, struct sthread *t, const struct objkey *k)
{
	const struct ipc_rec_blocked *b = &t->b;
	unsigned int ends = 0;
	bool reading = b->hdr.op == IPC_OP_PIPE_READ, writing = b->hdr.op == IPC_OP_PIPE_WRITE;

	if (reading)
		ends = GRAPH_END_WRITE;
	else if (writing)
		ends = GRAPH_END_READ;
	t->nr_wakers = graph__holders(s->g, k, ends, t->wakers, ST_MAX_WAKERS);
	t->wakers_proc = true;
	if (t->nr_wakers)
		return WF_WAITS;
	/* nobody holds the other end: the kernel's counts say whether anybody can */
	if ((b->bflags & IPC_BLK_PIPE) && ((reading && !b->pipe_writers) ||
					   (writing && !b->pipe_readers))) {
		t->no_writer = true;
		return WF_WAITS;
	}
	return WF_UNKNOWN;
}

/* A wait4/waitid: the child named, or every child the trace knows alive. */
static enum wf_kind wakers_child(struct stalls *s, struct sthread *t)
{
	const struct proctab *pt = collector__procs_const(s->c);
	size_t n = proctab__count(pt);

	t->wakers_proc = true;
	if (t->b.owner > 0) {
		t->wakers[t->nr_wakers++] = t->b.owner;
		return WF_WAITS;
	}
	for (size_t i = 0; i < n; i++) {
		const struct proc_info *p = proctab__at(pt, i);

		if (p->ppid != t->b.hdr.pid || p->exited)
			continue;
		if (t->nr_wakers < ST_MAX_WAKERS)
			t->wakers[t->nr_wakers] = p->pid;
		t->nr_wakers++;
	}
	return t->nr_wakers ? WF_WAITS : WF_UNKNOWN;
}

/* Name what t waits on, find who could end the wait, and say how it waits. */
static enum wf_kind describe(struct stalls *s, struct sthread *t)
{
	const struct ipc_rec_blocked *b = &t->b;
	struct objkey k;
	bool have_key = !objkey__from_rec(&b->hdr, &k);

	if (have_key)
		objkey__format(t->obj, sizeof(t->obj), &k, &b->obj, NULL);
	if (b->addr && s->st)
		t->lock = stacks__data_name(s->st, b->hdr.pid, b->addr);
	switch (b->wait) {
	case IPC_WAIT_MUTEX:
	case IPC_WAIT_PI:
	case IPC_WAIT_RWLOCK:
	case IPC_WAIT_JOIN:
		if (!(b->bflags & IPC_BLK_OWNER) || b->owner <= 0)
			return WF_UNKNOWN;
		if (b->bflags & IPC_BLK_OWNER_GONE) {
			t->no_writer = true;
			return WF_WAITS;
		}
		t->wakers[0] = b->owner;
		t->nr_wakers = 1;
		return WF_WAITS;
	case IPC_WAIT_IO:
		return have_key ? wakers_io(s, t, &k) : WF_UNKNOWN;
	case IPC_WAIT_SEM:
		t->nr_wakers = have_key ? graph__holders(s->g, &k, 0, t->wakers, ST_MAX_WAKERS) : 0;
		t->wakers_proc = true;
		return t->nr_wakers ? WF_WAITS : WF_UNKNOWN;
	case IPC_WAIT_CHILD:
		return wakers_child(s, t);
	case IPC_WAIT_SLEEP:
	case IPC_WAIT_POLL:
	case IPC_WAIT_DISK:
	case IPC_WAIT_OTHER:
		return WF_SELF;
	default:	/* accept, condition variables, signals, stopped: nobody to name */
		return WF_UNKNOWN;
	}
}

static int add_waits(struct stalls *s, struct look *l)
{
	int err = 0;

	for (uint32_t i = 0; i < l->threads.len && !err; i++) {
		struct sthread *t = look_thread(l, i);
		enum wf_kind kind = describe(s, t);
		uint32_t n = t->nr_wakers < ST_MAX_WAKERS ? t->nr_wakers : ST_MAX_WAKERS;

		/* more holders than kept: one of those not named could wake it */
		if (kind == WF_WAITS && t->nr_wakers > ST_MAX_WAKERS)
			kind = WF_UNKNOWN;
		err = waitfor__proc(s->wf, t->b.hdr.pid, t->b.nr_threads);
		if (!err)
			err = waitfor__thread(s->wf, t->b.hdr.tid, t->b.hdr.pid, kind);
		for (uint32_t w = 0; w < n && !err && kind == WF_WAITS; w++)
			err = t->wakers_proc ? waitfor__waker_proc(s->wf, t->b.hdr.tid, t->wakers[w]) :
					       waitfor__waker_thread(s->wf, t->b.hdr.tid, t->wakers[w]);
	}
	return err;
}

static int push_u32(struct vec *v, uint32_t x)
{
	uint32_t *p = vec__push(v);

	if (!p)
		return -ENOMEM;
	*p = x;
	return 0;
}

/* The waker processes the look saw no thread of: the live side asks about them. */
static bool look_has_pid(const struct look *l, uint32_t pid)
{
	vec_for_each(&l->threads, struct sthread, u)
		if (u->b.hdr.pid == pid)
			return true;
	return false;
}

static void collect_wanted(struct stalls *s, const struct look *l)
{
	vec__clear(&s->wanted);
	vec_for_each(&l->threads, struct sthread, t) {
		/* a lock's owner in another process (process-shared mutexes) */
		if (!t->wakers_proc && t->nr_wakers && t->b.owner_pid &&
		    !look_find(l, t->wakers[0]) && !look_has_pid(l, t->b.owner_pid))
			push_u32(&s->wanted, t->b.owner_pid);
		uint32_t n = t->nr_wakers < ST_MAX_WAKERS ? t->nr_wakers : ST_MAX_WAKERS;

		for (uint32_t w = 0; w < n && t->wakers_proc; w++)
			if (!look_has_pid(l, t->wakers[w]))
				push_u32(&s->wanted, t->wakers[w]);
	}
}

static int note_deadlocks(struct stalls *s, struct look *l)
{
	for (size_t d = 0; d < waitfor__nr_deadlocks(s->wf); d++) {
		struct sdeadlock *dl = vec__push(&l->deadlocks);
		size_t nr;
		const uint32_t *tids = waitfor__deadlock(s->wf, d, &nr);

		if (!dl)
			return -ENOMEM;
		dl->first = l->members.len;
		dl->nr = nr;
		for (size_t m = 0; m < nr; m++) {
			uint64_t idx;

			if (hmap__get(l->by_tid, &tids[m], &idx) || push_u32(&l->members, idx))
				return -ENOMEM;
			look_thread(l, idx)->deadlock = d;
			if (look_thread(l, idx)->b.hdr.ts_ns > dl->since_ns)
				dl->since_ns = look_thread(l, idx)->b.hdr.ts_ns;
		}
	}
	return 0;
}

static int analyze(struct stalls *s, struct look *l)
{
	int err;

	waitfor__clear(s->wf);
	err = add_waits(s, l);
	if (!err)
		err = waitfor__solve(s->wf);
	if (err)
		return err;
	vec_for_each(&l->threads, struct sthread, t)
		t->stuck = waitfor__stuck(s->wf, t->b.hdr.tid);
	collect_wanted(s, l);
	return note_deadlocks(s, l);
}

/* None of the deadlock's threads woke between the previous look and this one. */
static bool confirmed(const struct look *l, const struct sdeadlock *d, const struct look *prev)
{
	if (!prev->valid)
		return false;
	for (uint32_t m = 0; m < d->nr; m++) {
		const struct sthread *t = look_thread(l, *vec_at(&l->members, uint32_t, d->first + m));
		const struct sthread *p = look_find(prev, t->b.hdr.tid);

		if (!p || p->b.nvcsw != t->b.nvcsw || p->b.wait != t->b.wait ||
		    p->b.addr != t->b.addr || p->b.sc_nr != t->b.sc_nr)
			return false;
	}
	return true;
}

static uint64_t signature(const struct look *l, const struct sdeadlock *d)
{
	uint64_t h = 1469598103934665603ull;

	/* the members, in the order waitfor lists them (from the lowest tid) */
	for (uint32_t m = 0; m < d->nr; m++) {
		const struct sthread *t = look_thread(l, *vec_at(&l->members, uint32_t, d->first + m));

		h = (h ^ t->b.hdr.tid) * 1099511628211ull;
		h = (h ^ t->b.nvcsw) * 1099511628211ull;
	}
	return h;
}

/* Keep a found deadlock's threads for the final report. */
static int keep_found(struct stalls *s, const struct look *l, struct sdeadlock *d)
{
	struct look *f = &s->found;
	struct sdeadlock *nd;

	if (f->deadlocks.len >= MAX_FOUND)
		return 0;
	nd = vec__push(&f->deadlocks);
	if (!nd)
		return -ENOMEM;
	*nd = *d;
	nd->first = f->members.len;
	nd->found_ns = l->snap.snap_ns;
	for (uint32_t m = 0; m < d->nr; m++) {
		const struct sthread *t = look_thread(l, *vec_at(&l->members, uint32_t, d->first + m));
		struct sthread *c = vec__push(&f->threads);

		if (!c || push_u32(&f->members, f->threads.len - 1) ||
		    hmap__put(f->by_tid, &t->b.hdr.tid, f->threads.len - 1))
			return -ENOMEM;
		*c = *t;
		c->deadlock = f->deadlocks.len - 1;
	}
	f->valid = true;
	return 0;
}

static int confirm(struct stalls *s, struct look *l, const struct look *prev)
{
	int err = 0;

	for (size_t i = 0; i < l->deadlocks.len && !err; i++) {
		struct sdeadlock *d = vec_at(&l->deadlocks, struct sdeadlock, i);
		uint64_t sig, *slot;
		bool created;

		d->confirmed = confirmed(l, d, prev);
		if (!d->confirmed)
			continue;
		sig = signature(l, d);
		slot = hmap__upsert(s->reported, &sig, s->deadlocks_found + 1, &created);
		if (!slot)
			return -ENOMEM;
		d->number = *slot;
		if (!created)
			continue;
		d->is_new = true;
		s->deadlocks_found++;
		err = keep_found(s, l, d);
		stalls_view_found(s, l, d);
	}
	return err;
}

static int finish_look(struct stalls *s, const struct ipc_rec_blksnap *snap)
{
	struct look *prev = stalls_cur(s), *l = &s->looks[!s->cur];
	int err = 0;

	look_clear(l);
	l->snap = *snap;
	vec_for_each(&s->pending, struct ipc_rec_blocked, b) {
		struct sthread *t;

		if (b->snap_ns != snap->snap_ns)
			continue;	/* a look cut short: not this one's */
		t = vec__push(&l->threads);
		if (!t || hmap__put(l->by_tid, &b->hdr.tid, l->threads.len - 1)) {
			err = -ENOMEM;
			break;
		}
		t->b = *b;
		t->deadlock = -1;
	}
	vec__clear(&s->pending);
	s->looked = true;
	if (!err)
		err = analyze(s, l);
	l->valid = !err;
	s->cur = !s->cur;
	if (!err)
		err = confirm(s, l, prev);
	return err;
}

static int sink_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct stalls *s = container_of(sk, struct stalls, sink);
	struct ipc_rec_blocked *b;

	if (h->type == IPC_REC_BLOCKED) {
		b = vec__push(&s->pending);
		if (!b)
			return -ENOMEM;
		memcpy(b, h, sizeof(*b));
		return 0;
	}
	if (h->type == IPC_REC_BLKSNAP)
		return finish_look(s, (const struct ipc_rec_blksnap *)h);
	return 0;
}

static void sink_report(struct sink *sk, struct report *r)
{
	stalls_view_report(container_of(sk, struct stalls, sink), r);
}

static void sink_free(struct sink *sk)
{
	stalls__free(container_of(sk, struct stalls, sink));
}

static const struct sink_ops stalls_sink_ops = {
	.name = "stalls",
	.event = sink_event,
	.report = sink_report,
	.free = sink_free,
};

struct sink *stalls__sink(struct stalls *s)
{
	return &s->sink;
}

void stalls__report(struct stalls *s, struct report *r)
{
	stalls_view_report(s, r);
}

size_t stalls__unconfirmed(const struct stalls *s)
{
	const struct look *l = &s->looks[s->cur];
	size_t n = 0;

	vec_for_each(&l->deadlocks, struct sdeadlock, d)
		n += !d->confirmed;
	return n;
}

size_t stalls__deadlocks(const struct stalls *s)
{
	const struct look *l = &s->looks[s->cur];
	size_t n = 0;

	vec_for_each(&l->deadlocks, struct sdeadlock, d)
		n += d->confirmed;
	return n;
}

size_t stalls__blocked(const struct stalls *s)
{
	return s->looks[s->cur].threads.len;
}

size_t stalls__wanted(const struct stalls *s, uint32_t *pids, size_t max)
{
	for (size_t i = 0; i < s->wanted.len && i < max; i++)
		pids[i] = *vec_at(&s->wanted, uint32_t, i);
	return s->wanted.len;
}
