// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The wait-for graph of one moment (see waitfor.h).  Threads and processes
 * live in vecs addressed by index; wakers are chained lists of indexes.
 * Solving is a fixpoint (drop every thread one of whose wakers is outside
 * the set) followed by Tarjan's strongly connected components over threads
 * and processes, a process node standing for "any of its threads", so that
 * a process with many threads costs edges in proportion to them, not to
 * their square.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hmap.h"
#include "lib/vec.h"
#include "analysis/waitfor.h"

#define NONE UINT32_MAX

struct wf_thread {
	uint32_t tid;
	uint32_t pid;
	uint32_t proc;		/* index in procs */
	uint32_t next_in_proc;	/* next thread of the same process */
	uint32_t wakers;	/* head of the waker list */
	uint8_t kind;		/* enum wf_kind */
	bool in_set;		/* still in the stuck set */
	int32_t deadlock;	/* deadlock number, or -1 */
};

struct wf_proc {
	uint32_t pid;
	uint32_t nr_threads;	/* as the process says; 0 unknown */
	uint32_t nr_added;	/* threads added */
	uint32_t nr_in_set;
	uint32_t head;		/* first thread */
};

struct wf_waker {
	uint32_t id;		/* tid, or pid when proc */
	bool proc;
	uint32_t next;
};

/* Tarjan's state per graph node: threads first, then processes. */
struct wf_scc {
	uint32_t index;
	uint32_t low;
	uint32_t comp;
	bool on_stack;
};

struct waitfor {
	struct vec threads;	/* struct wf_thread */
	struct vec procs;	/* struct wf_proc */
	struct vec wakers;	/* struct wf_waker */
	struct hmap *tid_idx;	/* tid -> thread index */
	struct hmap *pid_idx;	/* pid -> process index */
	/* solve's results */
	struct vec members;	/* uint32_t tids, deadlock after deadlock */
	struct vec dl_start;	/* uint32_t: first member of each deadlock, then the end */
	/* solve's scratch */
	struct vec scc;		/* struct wf_scc per node */
	struct vec stack;	/* uint32_t nodes */
	struct vec frames;	/* struct wf_frame: the DFS, without recursion */
};

struct waitfor *waitfor__new(void)
{
	struct waitfor *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	vec__init(&w->threads, sizeof(struct wf_thread));
	vec__init(&w->procs, sizeof(struct wf_proc));
	vec__init(&w->wakers, sizeof(struct wf_waker));
	vec__init(&w->members, sizeof(uint32_t));
	vec__init(&w->dl_start, sizeof(uint32_t));
	vec__init(&w->scc, sizeof(struct wf_scc));
	vec__init(&w->stack, sizeof(uint32_t));
	w->tid_idx = hmap__new(sizeof(uint32_t));
	w->pid_idx = hmap__new(sizeof(uint32_t));
	if (!w->tid_idx || !w->pid_idx) {
		waitfor__free(w);
		errno = ENOMEM;
		return NULL;
	}
	return w;
}

void waitfor__free(struct waitfor *w)
{
	if (!w)
		return;
	vec__release(&w->threads);
	vec__release(&w->procs);
	vec__release(&w->wakers);
	vec__release(&w->members);
	vec__release(&w->dl_start);
	vec__release(&w->scc);
	vec__release(&w->stack);
	vec__release(&w->frames);
	hmap__free(w->tid_idx);
	hmap__free(w->pid_idx);
	free(w);
}

void waitfor__clear(struct waitfor *w)
{
	vec__clear(&w->threads);
	vec__clear(&w->procs);
	vec__clear(&w->wakers);
	vec__clear(&w->members);
	vec__clear(&w->dl_start);
	hmap__clear(w->tid_idx);
	hmap__clear(w->pid_idx);
}

static struct wf_thread *thr(const struct waitfor *w, uint32_t i)
{
	return vec_at(&w->threads, struct wf_thread, i);
}

static struct wf_proc *prc(const struct waitfor *w, uint32_t i)
{
	return vec_at(&w->procs, struct wf_proc, i);
}

static uint32_t find(const struct hmap *h, uint32_t id)
{
	uint64_t v;

	return hmap__get(h, &id, &v) ? NONE : (uint32_t)v;
}

static uint32_t proc_get(struct waitfor *w, uint32_t pid)
{
	uint32_t i = find(w->pid_idx, pid);
	struct wf_proc *p;

	if (i != NONE)
		return i;
	p = vec__push(&w->procs);
	if (!p)
		return NONE;
	i = w->procs.len - 1;
	if (hmap__put(w->pid_idx, &pid, i)) {
		w->procs.len--;
		return NONE;
	}
	p->pid = pid;
	p->head = NONE;
	return i;
}

int waitfor__proc(struct waitfor *w, uint32_t pid, uint32_t nr_threads)
{
	uint32_t i = proc_get(w, pid);

	if (i == NONE)
		return -ENOMEM;
	prc(w, i)->nr_threads = nr_threads;
	return 0;
}

int waitfor__thread(struct waitfor *w, uint32_t tid, uint32_t pid, enum wf_kind kind)
{
	uint32_t i = find(w->tid_idx, tid), p;
	struct wf_thread *t;

	if (i != NONE) {
		thr(w, i)->kind = kind;
		return 0;
	}
	p = proc_get(w, pid);
	if (p == NONE)
		return -ENOMEM;
	t = vec__push(&w->threads);
	if (!t)
		return -ENOMEM;
	i = w->threads.len - 1;
	if (hmap__put(w->tid_idx, &tid, i)) {
		w->threads.len--;
		return -ENOMEM;
	}
	*t = (struct wf_thread){ .tid = tid, .pid = pid, .proc = p, .kind = kind,
				 .next_in_proc = prc(w, p)->head, .wakers = NONE,
				 .deadlock = -1 };
	prc(w, p)->head = i;
	prc(w, p)->nr_added++;
	return 0;
}

static int waker_add(struct waitfor *w, uint32_t tid, uint32_t id, bool proc)
{
	uint32_t i = find(w->tid_idx, tid);
	struct wf_waker *k;

	if (i == NONE)
		return -ENOENT;
	k = vec__push(&w->wakers);
	if (!k)
		return -ENOMEM;
	k->id = id;
	k->proc = proc;
	k->next = thr(w, i)->wakers;
	thr(w, i)->wakers = w->wakers.len - 1;
	return 0;
}

int waitfor__waker_thread(struct waitfor *w, uint32_t tid, uint32_t waker)
{
	return waker_add(w, tid, waker, false);
}

int waitfor__waker_proc(struct waitfor *w, uint32_t tid, uint32_t pid)
{
	return waker_add(w, tid, pid, true);
}

static struct wf_waker *wkr(const struct waitfor *w, uint32_t i)
{
	return vec_at(&w->wakers, struct wf_waker, i);
}

/* Every thread of a waker process is in the set (and the process says how many it has). */
static bool proc_all_in(const struct waitfor *w, uint32_t pid)
{
	uint32_t p = find(w->pid_idx, pid);

	if (p == NONE)
		return false;
	return prc(w, p)->nr_threads && prc(w, p)->nr_in_set == prc(w, p)->nr_threads;
}

static bool wakers_inside(const struct waitfor *w, const struct wf_thread *t)
{
	for (uint32_t k = t->wakers; k != NONE; k = wkr(w, k)->next) {
		const struct wf_waker *x = wkr(w, k);
		uint32_t j;

		if (x->proc) {
			if (!proc_all_in(w, x->id))
				return false;
			continue;
		}
		j = find(w->tid_idx, x->id);
		if (j == NONE || !thr(w, j)->in_set)
			return false;
	}
	return true;
}

/* The largest set of threads all of whose wakers are in it. */
static void stuck_set(struct waitfor *w)
{
	bool changed = true;

	vec_for_each(&w->threads, struct wf_thread, t)
		t->in_set = t->kind == WF_WAITS && t->wakers != NONE;
	while (changed) {
		changed = false;
		vec_for_each(&w->procs, struct wf_proc, p)
			p->nr_in_set = 0;
		vec_for_each(&w->threads, struct wf_thread, t)
			if (t->in_set)
				prc(w, t->proc)->nr_in_set++;
		vec_for_each(&w->threads, struct wf_thread, t) {
			if (t->in_set && !wakers_inside(w, t)) {
				t->in_set = false;
				prc(w, t->proc)->nr_in_set--;
				changed = true;
			}
		}
	}
}

/*
 * Graph nodes: thread i is node i, process p is node nthreads + p.  Edges
 * (inside the stuck set only): thread -> waker thread, thread -> waker
 * process, process -> each of its threads.
 */
struct wf_frame {
	uint32_t node;
	uint32_t it;		/* thread: waker list position; process: thread list position */
	bool started;
};

static uint32_t node_count(const struct waitfor *w)
{
	return w->threads.len + w->procs.len;
}

static bool node_in(const struct waitfor *w, uint32_t n)
{
	if (n < w->threads.len)
		return thr(w, n)->in_set;
	return proc_all_in(w, prc(w, n - w->threads.len)->pid);
}

/* The next successor of a frame's node inside the set, or NONE. */
static uint32_t next_succ(const struct waitfor *w, struct wf_frame *f)
{
	uint32_t nt = w->threads.len;

	if (f->node < nt) {
		if (!f->started) {
			f->it = thr(w, f->node)->wakers;
			f->started = true;
		}
		while (f->it != NONE) {
			const struct wf_waker *x = wkr(w, f->it);
			uint32_t s = x->proc ? find(w->pid_idx, x->id) : find(w->tid_idx, x->id);

			f->it = x->next;
			if (s == NONE)
				continue;
			if (x->proc)
				s += nt;
			if (node_in(w, s))
				return s;
		}
		return NONE;
	}
	if (!f->started) {
		f->it = prc(w, f->node - nt)->head;
		f->started = true;
	}
	while (f->it != NONE) {
		uint32_t s = f->it;

		f->it = thr(w, s)->next_in_proc;
		if (thr(w, s)->in_set)
			return s;
	}
	return NONE;
}

static struct wf_scc *scc(const struct waitfor *w, uint32_t n)
{
	return vec_at(&w->scc, struct wf_scc, n);
}

static int push_u32(struct vec *v, uint32_t x)
{
	uint32_t *p = vec__push(v);

	if (!p)
		return -ENOMEM;
	*p = x;
	return 0;
}

static int visit_enter(struct waitfor *w, uint32_t n, uint32_t *counter)
{
	struct wf_frame *f;

	*scc(w, n) = (struct wf_scc){ .index = *counter, .low = *counter, .comp = NONE,
				      .on_stack = true };
	(*counter)++;
	if (push_u32(&w->stack, n))
		return -ENOMEM;
	f = vec__push(&w->frames);
	if (!f)
		return -ENOMEM;
	f->node = n;
	return 0;
}

/* Pop a finished root's component off the stack, numbered comp. */
static void component_pop(struct waitfor *w, uint32_t root, uint32_t comp)
{
	uint32_t m;

	do {
		m = *vec_at(&w->stack, uint32_t, --w->stack.len);
		scc(w, m)->on_stack = false;
		scc(w, m)->comp = comp;
	} while (m != root);
}

/* Tarjan from node start, iteratively; components numbered from *comps. */
static int tarjan(struct waitfor *w, uint32_t start, uint32_t *counter, uint32_t *comps)
{
	int err = visit_enter(w, start, counter);

	while (!err && w->frames.len) {
		struct wf_frame *f = vec_at(&w->frames, struct wf_frame, w->frames.len - 1);
		uint32_t n = f->node, s = next_succ(w, f);

		if (s != NONE) {
			if (scc(w, s)->index == NONE)
				err = visit_enter(w, s, counter);
			else if (scc(w, s)->on_stack && scc(w, s)->index < scc(w, n)->low)
				scc(w, n)->low = scc(w, s)->index;
			continue;
		}
		w->frames.len--;
		if (scc(w, n)->low == scc(w, n)->index)
			component_pop(w, n, (*comps)++);
		if (w->frames.len) {
			uint32_t p = vec_at(&w->frames, struct wf_frame, w->frames.len - 1)->node;

			if (scc(w, n)->low < scc(w, p)->low)
				scc(w, p)->low = scc(w, n)->low;
		}
	}
	return err;
}

/* A component has a cycle: more than one node, or a thread waiting for itself. */
static bool comp_cyclic(const struct waitfor *w, uint32_t comp, uint32_t first)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < node_count(w); i++)
		if (scc(w, i)->comp == comp)
			n++;
	if (n > 1)
		return true;
	for (uint32_t k = thr(w, first)->wakers; k != NONE; k = wkr(w, k)->next)
		if (!wkr(w, k)->proc && wkr(w, k)->id == thr(w, first)->tid)
			return true;
	return false;
}

/* The member of deadlock dl that thread i waits for and is not listed yet, or NONE. */
static uint32_t next_member(const struct waitfor *w, uint32_t i, int32_t dl, const bool *listed)
{
	uint32_t best = NONE;

	for (uint32_t k = thr(w, i)->wakers; k != NONE; k = wkr(w, k)->next) {
		const struct wf_waker *x = wkr(w, k);

		if (x->proc) {
			uint32_t p = find(w->pid_idx, x->id);

			for (uint32_t j = p == NONE ? NONE : prc(w, p)->head; j != NONE;
			     j = thr(w, j)->next_in_proc)
				if (thr(w, j)->deadlock == dl && !listed[j] &&
				    (best == NONE || thr(w, j)->tid < thr(w, best)->tid))
					best = j;
		} else {
			uint32_t j = find(w->tid_idx, x->id);

			if (j != NONE && thr(w, j)->deadlock == dl && !listed[j] &&
			    (best == NONE || thr(w, j)->tid < thr(w, best)->tid))
				best = j;
		}
	}
	return best;
}

static uint32_t lowest_unlisted(const struct waitfor *w, int32_t dl, const bool *listed)
{
	uint32_t best = NONE;

	for (uint32_t j = 0; j < w->threads.len; j++)
		if (thr(w, j)->deadlock == dl && !listed[j] &&
		    (best == NONE || thr(w, j)->tid < thr(w, best)->tid))
			best = j;
	return best;
}

/* List deadlock dl's members, following the waits from the lowest tid. */
static int list_members(struct waitfor *w, int32_t dl, bool *listed)
{
	uint32_t i = lowest_unlisted(w, dl, listed);

	if (push_u32(&w->dl_start, w->members.len))
		return -ENOMEM;
	while (i != NONE) {
		listed[i] = true;
		if (push_u32(&w->members, thr(w, i)->tid))
			return -ENOMEM;
		i = next_member(w, i, dl, listed);
		if (i == NONE)
			i = lowest_unlisted(w, dl, listed);
	}
	return 0;
}

static int number_deadlocks(struct waitfor *w, uint32_t comps)
{
	int32_t dl = 0;
	bool *listed;
	int err = 0;

	for (uint32_t c = 0; c < comps; c++) {
		uint32_t first = NONE;

		for (uint32_t i = 0; i < w->threads.len && first == NONE; i++)
			if (thr(w, i)->in_set && scc(w, i)->comp == c)
				first = i;
		if (first == NONE || !comp_cyclic(w, c, first))
			continue;
		for (uint32_t i = 0; i < w->threads.len; i++)
			if (thr(w, i)->in_set && scc(w, i)->comp == c)
				thr(w, i)->deadlock = dl;
		dl++;
	}
	listed = calloc(w->threads.len + 1, sizeof(*listed));
	if (!listed)
		return -ENOMEM;
	for (int32_t d = 0; d < dl && !err; d++)
		err = list_members(w, d, listed);
	free(listed);
	if (!err)
		err = push_u32(&w->dl_start, w->members.len);
	return err;
}

int waitfor__solve(struct waitfor *w)
{
	uint32_t counter = 0, comps = 0, n = node_count(w);
	int err = 0;

	vec__clear(&w->members);
	vec__clear(&w->dl_start);
	vec_for_each(&w->threads, struct wf_thread, t)
		t->deadlock = -1;
	stuck_set(w);
	if (vec__reserve(&w->scc, n))
		return -ENOMEM;
	w->scc.len = n;
	for (uint32_t i = 0; i < n; i++)
		*scc(w, i) = (struct wf_scc){ .index = NONE, .low = NONE, .comp = NONE };
	vec__init(&w->frames, sizeof(struct wf_frame));
	w->stack.len = 0;
	for (uint32_t i = 0; i < w->threads.len && !err; i++)
		if (thr(w, i)->in_set && scc(w, i)->index == NONE)
			err = tarjan(w, i, &counter, &comps);
	vec__release(&w->frames);
	if (!err)
		err = number_deadlocks(w, comps);
	return err;
}

int waitfor__deadlock_of(const struct waitfor *w, uint32_t tid)
{
	uint32_t i = find(w->tid_idx, tid);

	return i == NONE ? -1 : thr(w, i)->deadlock;
}

int waitfor__stuck(const struct waitfor *w, uint32_t tid)
{
	uint32_t i = find(w->tid_idx, tid);

	return i != NONE && thr(w, i)->in_set;
}

size_t waitfor__nr_deadlocks(const struct waitfor *w)
{
	return w->dl_start.len ? w->dl_start.len - 1 : 0;
}

const uint32_t *waitfor__deadlock(const struct waitfor *w, size_t i, size_t *nr)
{
	uint32_t a, b;

	if (i >= waitfor__nr_deadlocks(w)) {
		*nr = 0;
		return NULL;
	}
	a = *vec_at(&w->dl_start, uint32_t, i);
	b = *vec_at(&w->dl_start, uint32_t, i + 1);
	*nr = b - a;
	return vec_at(&w->members, uint32_t, a);
}

/* Better candidate for the next hop: a blocked thread over nothing, lower tids first. */
static void hop_offer(struct wf_hop *h, enum wf_hop_kind kind, uint32_t tid, uint32_t pid)
{
	if (h->kind == WF_HOP_ACTIVE)
		return;
	if (kind == WF_HOP_ACTIVE || h->kind != WF_HOP_THREAD || tid < h->tid)
		*h = (struct wf_hop){ .kind = kind, .tid = tid, .pid = pid };
}

static void hop_proc(const struct waitfor *w, struct wf_hop *h, uint32_t self, uint32_t pid)
{
	uint32_t p = find(w->pid_idx, pid);

	if (p == NONE || !prc(w, p)->nr_threads ||
	    prc(w, p)->nr_added < prc(w, p)->nr_threads) {
		hop_offer(h, WF_HOP_ACTIVE, 0, pid);
		return;
	}
	for (uint32_t j = prc(w, p)->head; j != NONE; j = thr(w, j)->next_in_proc)
		if (j != self)
			hop_offer(h, WF_HOP_THREAD, thr(w, j)->tid, pid);
}

struct wf_hop waitfor__next(const struct waitfor *w, uint32_t tid)
{
	struct wf_hop h = { .kind = WF_HOP_END };
	uint32_t i = find(w->tid_idx, tid);

	if (i == NONE || thr(w, i)->kind != WF_WAITS)
		return h;
	if (thr(w, i)->wakers == NONE) {
		h.kind = WF_HOP_NOBODY;
		return h;
	}
	for (uint32_t k = thr(w, i)->wakers; k != NONE; k = wkr(w, k)->next) {
		const struct wf_waker *x = wkr(w, k);
		uint32_t j;

		if (x->proc) {
			hop_proc(w, &h, i, x->id);
			continue;
		}
		j = find(w->tid_idx, x->id);
		if (j == NONE)
			hop_offer(&h, WF_HOP_ACTIVE, x->id, 0);
		else
			hop_offer(&h, WF_HOP_THREAD, x->id, thr(w, j)->pid);
	}
	/* a process of which the waiting thread is the only one: itself */
	if (h.kind == WF_HOP_END)
		h = (struct wf_hop){ .kind = WF_HOP_THREAD, .tid = tid, .pid = thr(w, i)->pid };
	return h;
}
