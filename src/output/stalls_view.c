// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The stalls sink's report: BLOCKED NOW (longest first: thread, time, call,
 * object, who could end the wait, where), the deadlocks (every thread:
 * what it holds, what it waits for, since when, its stack) and the chains;
 * in JSON the summary's "blocked" and "deadlocks" arrays, and the
 * {"type":"deadlock"} line written when one is found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/graph.h"
#include "analysis/stalls_int.h"
#include "decode/names.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "model/collector.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"

#define STACK_SHOWN	6	/* frames in a text line */
#define CHAIN_MAX	8	/* hops in a chain */

static const char *const wait_names[IPC_WAIT_MAX] = {
	[IPC_WAIT_NONE] = "none",
	[IPC_WAIT_IO] = "io",
	[IPC_WAIT_ACCEPT] = "accept",
	[IPC_WAIT_MUTEX] = "mutex",
	[IPC_WAIT_PI] = "pi_lock",
	[IPC_WAIT_RWLOCK] = "rwlock",
	[IPC_WAIT_JOIN] = "join",
	[IPC_WAIT_FUTEX] = "futex",
	[IPC_WAIT_SEM] = "sem",
	[IPC_WAIT_CHILD] = "child",
	[IPC_WAIT_SIGNAL] = "signal",
	[IPC_WAIT_SLEEP] = "sleep",
	[IPC_WAIT_POLL] = "poll",
	[IPC_WAIT_DISK] = "disk",
	[IPC_WAIT_STOPPED] = "stopped",
	[IPC_WAIT_OTHER] = "other",
};

static const char *wait_name(unsigned int w)
{
	return w < IPC_WAIT_MAX && wait_names[w] ? wait_names[w] : "other";
}

static size_t thread_name(char *buf, size_t len, const struct ipc_rec_blocked *b)
{
	return snprintf(buf, len, "%s[%u/%u]", text__safe(b->hdr.comm), b->hdr.pid, b->hdr.tid);
}

/* Another thread by tid: from the look if it is there, else from the process table. */
static size_t tid_name(char *buf, size_t len, struct stalls *s, const struct look *l,
		       uint32_t tid)
{
	const struct sthread *t = look_find(l, tid);
	const struct thread_info *ti;

	if (t)
		return thread_name(buf, len, &t->b);
	ti = proctab__thread(collector__procs_const(s->c), tid);
	if (ti)
		return snprintf(buf, len, "%s[%u/%u]", text__safe(ti->comm), ti->pid, tid);
	return snprintf(buf, len, "thread %u", tid);
}

static size_t pid_name(char *buf, size_t len, struct stalls *s, uint32_t pid)
{
	const char *comm = proctab__comm(collector__procs_const(s->c), pid);

	return snprintf(buf, len, "%s[%u]", text__safe(comm), pid);
}

static size_t blocked_for(char *buf, size_t len, const struct ipc_rec_blocked *b)
{
	char d[24];

	fmt_duration(d, sizeof(d), b->hdr.dur_ns);
	return snprintf(buf, len, "%s%s", b->bflags & IPC_BLK_AT_LEAST ? ">=" : "", d);
}

static const char *lock_kind(unsigned int wait)
{
	switch (wait) {
	case IPC_WAIT_MUTEX:	return "mutex";
	case IPC_WAIT_PI:	return "PI lock";
	case IPC_WAIT_RWLOCK:	return "rwlock";
	default:		return "futex";
	}
}

/* What t waits on: "mutex lock_b", "read pipe:[81234]", "sleep", "child 4242"... */
static size_t wait_what(char *buf, size_t len, const struct sthread *t)
{
	const struct ipc_rec_blocked *b = &t->b;

	switch (b->wait) {
	case IPC_WAIT_MUTEX:
	case IPC_WAIT_PI:
	case IPC_WAIT_RWLOCK:
	case IPC_WAIT_FUTEX:
		if (t->lock)
			return snprintf(buf, len, "%s %s", lock_kind(b->wait), t->lock);
		return snprintf(buf, len, "%s %s", lock_kind(b->wait), t->obj);
	case IPC_WAIT_JOIN:
		return snprintf(buf, len, "exit of thread %d", b->owner);
	case IPC_WAIT_IO:
	case IPC_WAIT_ACCEPT:
	case IPC_WAIT_SEM:
		return snprintf(buf, len, "%s", t->obj[0] ? t->obj : "?");
	case IPC_WAIT_CHILD:
		if (b->owner > 0)
			return snprintf(buf, len, "child %d", b->owner);
		return snprintf(buf, len, "any child");
	case IPC_WAIT_SIGNAL:
		return snprintf(buf, len, "a signal");
	case IPC_WAIT_SLEEP:
		return snprintf(buf, len, "a timed sleep");
	case IPC_WAIT_POLL:
		return snprintf(buf, len, "poll");
	case IPC_WAIT_DISK:
		return snprintf(buf, len, "disk I/O");
	case IPC_WAIT_STOPPED:
		return snprintf(buf, len, "SIGCONT (stopped)");
	default:
		return snprintf(buf, len, "%s", b->syscall[0] ? b->syscall : "?");
	}
}

static const char *end_word(const struct sthread *t)
{
	if (t->b.hdr.op == IPC_OP_PIPE_READ)
		return "writers";
	if (t->b.hdr.op == IPC_OP_PIPE_WRITE)
		return "readers";
	if (t->b.wait == IPC_WAIT_CHILD)
		return "children";
	return t->b.wait == IPC_WAIT_SEM ? "users" : "holders";
}

/* The state of a thread that could end a wait. */
static size_t waker_state(char *buf, size_t len, const struct look *l, uint32_t tid)
{
	const struct sthread *w = look_find(l, tid);
	char what[96];

	if (!w)
		return snprintf(buf, len, "running");
	wait_what(what, sizeof(what), w);
	return snprintf(buf, len, "%s on %s", w->deadlock >= 0 ? "deadlocked" : "blocked", what);
}

/* Who could end t's wait, in words. */
static size_t wakers_text(char *buf, size_t len, struct stalls *s, const struct look *l,
			  const struct sthread *t)
{
	const struct ipc_rec_blocked *b = &t->b;
	char name[64], st[128];
	size_t n = 0;

	if (t->no_writer) {
		if (b->bflags & IPC_BLK_OWNER_GONE)
			return snprintf(buf, len, "owner %d exited without unlocking", b->owner);
		return snprintf(buf, len, "no %s left", b->hdr.op == IPC_OP_PIPE_WRITE ?
				"reader" : "writer");
	}
	if (t->nr_wakers && !t->wakers_proc) {
		tid_name(name, sizeof(name), s, l, t->wakers[0]);
		waker_state(st, sizeof(st), l, t->wakers[0]);
		return snprintf(buf, len, "%s %s (%s)", b->wait == IPC_WAIT_JOIN ? "thread" :
				"owner", name, st);
	}
	if (t->nr_wakers) {
		n = snprintf(buf, len, "%s:", end_word(t));
		for (uint32_t i = 0; i < t->nr_wakers && i < ST_MAX_WAKERS && n < len; i++) {
			pid_name(name, sizeof(name), s, t->wakers[i]);
			n += snprintf(buf + n, len - n, " %s", name);
		}
		if (t->nr_wakers > ST_MAX_WAKERS && n < len)
			n += snprintf(buf + n, len - n, " and %u more",
				      t->nr_wakers - ST_MAX_WAKERS);
		return n;
	}
	switch (b->wait) {
	case IPC_WAIT_SLEEP:
	case IPC_WAIT_POLL:
	case IPC_WAIT_DISK:
	case IPC_WAIT_OTHER:
		return snprintf(buf, len, "itself (not waiting on IPC)");
	case IPC_WAIT_FUTEX:
		return snprintf(buf, len, "unknown: any thread that wakes the futex "
				"(condition variable, semaphore)");
	case IPC_WAIT_ACCEPT:
		return snprintf(buf, len, "unknown: a client connecting");
	case IPC_WAIT_SIGNAL:
		return snprintf(buf, len, "unknown: whoever sends the signal");
	case IPC_WAIT_STOPPED:
		return snprintf(buf, len, "unknown: whoever sends SIGCONT");
	default:
		return snprintf(buf, len, "unknown (holders not seen by the trace)");
	}
}

/* Up to max frames of t's stack, " <- " between them. */
static size_t stack_text(char *buf, size_t len, struct stalls *s, const struct sthread *t,
			 uint32_t max)
{
	const char *const *f;
	uint32_t nr = 0;
	size_t n = 0;
	int idx;

	buf[0] = 0;
	if (!s->st || t->b.hdr.stack_id < 0)
		return snprintf(buf, len, "(no stack)");
	idx = stacks__get(s->st, t->b.hdr.pid, t->b.hdr.stack_id);
	f = idx < 0 ? NULL : stacks__frames(s->st, idx, &nr);
	for (uint32_t i = 0; f && i < nr && i < max && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? " <- " : "", f[i]);
	if (nr > max && n < len)
		n += snprintf(buf + n, len - n, " <- ...");
	return n ? n : (size_t)snprintf(buf, len, "(no stack)");
}

static int cmp_longest(const void *a, const void *b)
{
	const struct sthread *x = *(const struct sthread *const *)a;
	const struct sthread *y = *(const struct sthread *const *)b;

	if (x->b.hdr.dur_ns != y->b.hdr.dur_ns)
		return x->b.hdr.dur_ns < y->b.hdr.dur_ns ? 1 : -1;
	return x->b.hdr.tid < y->b.hdr.tid ? -1 : x->b.hdr.tid > y->b.hdr.tid;
}

/* The look's threads, longest blocked first (caller frees). */
static const struct sthread **sorted(const struct look *l)
{
	const struct sthread **v = calloc(l->threads.len + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < l->threads.len; i++)
		v[i] = look_thread(l, i);
	qsort(v, l->threads.len, sizeof(*v), cmp_longest);
	return v;
}

static void text_row(FILE *out, struct stalls *s, const struct look *l, const struct sthread *t)
{
	char name[64], dur[40], what[128], who[512], stack[1024];

	thread_name(name, sizeof(name), &t->b);
	blocked_for(dur, sizeof(dur), &t->b);
	wait_what(what, sizeof(what), t);
	wakers_text(who, sizeof(who), s, l, t);
	fprintf(out, "%-28s %10s  %-14s %-34s %s", name, dur,
		t->b.hdr.op ? ipc_op_name(t->b.hdr.op) : t->b.syscall, what, who);
	if (look_deadlock_number(l, t))
		fprintf(out, "  DEADLOCK %u", look_deadlock_number(l, t));
	else if (t->deadlock >= 0)
		fprintf(out, "  (deadlock? looking again)");
	else if (t->stuck)
		fprintf(out, "  (behind a deadlock)");
	stack_text(stack, sizeof(stack), s, t, STACK_SHOWN);
	fprintf(out, "\n    at %s%s%s%s\n", stack, t->b.wchan[0] ? "  [kernel: " : "",
		t->b.wchan, t->b.wchan[0] ? "]" : "");
}

static void text_blocked(FILE *out, struct stalls *s, const struct look *l, bool final, int top)
{
	const struct sthread **v = sorted(l);
	char min[32];
	size_t n = l->threads.len;

	fmt_duration(min, sizeof(min), l->snap.min_ns);
	fprintf(out, "\n%s: %zu thread%s blocked %s or more (of %u looked at), longest first\n",
		final ? "STILL BLOCKED AT THE END" : "BLOCKED NOW", n, n == 1 ? "" : "s",
		min, l->snap.nr_tasks);
	if (!n || !v) {
		free(v);
		return;
	}
	fprintf(out, "%-28s %10s  %-14s %-34s %s\n", "THREAD", "BLOCKED", "IN", "ON",
		"WHO CAN END IT");
	for (size_t i = 0; i < n && (top <= 0 || (int)i < top); i++)
		text_row(out, s, l, v[i]);
	if (top > 0 && n > (size_t)top)
		fprintf(out, "... %zu more (--top)\n", n - top);
	free(v);
}

/* What member m of deadlock d holds that another member waits for. */
static size_t holds_text(char *buf, size_t len, const struct look *l, const struct sdeadlock *d,
			 const struct sthread *m)
{
	size_t n = 0;

	buf[0] = 0;
	for (uint32_t i = 0; i < d->nr && n < len; i++) {
		const struct sthread *o = look_thread(l, *vec_at(&l->members, uint32_t, d->first + i));
		char what[128];
		bool holds = false;

		if (!o->wakers_proc)
			holds = o->nr_wakers && o->wakers[0] == m->b.hdr.tid;
		for (uint32_t w = 0; o->wakers_proc && w < o->nr_wakers && w < ST_MAX_WAKERS; w++)
			holds = holds || o->wakers[w] == m->b.hdr.pid;
		if (!holds)
			continue;
		wait_what(what, sizeof(what), o);
		if (o->b.hdr.op == IPC_OP_PIPE_READ)
			n += snprintf(buf + n, len - n, "%sthe write end of %s", n ? ", " : "", what);
		else if (o->b.hdr.op == IPC_OP_PIPE_WRITE)
			n += snprintf(buf + n, len - n, "%sthe read end of %s", n ? ", " : "", what);
		else if (o->b.wait == IPC_WAIT_CHILD)
			n += snprintf(buf + n, len - n, "%s(is the child it waits for)", n ? ", " : "");
		else
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", what);
	}
	return n;
}

static void text_deadlock(FILE *out, struct stalls *s, const struct look *l,
			  const struct sdeadlock *d, int num, bool still)
{
	char since[32];

	fmt_duration(since, sizeof(since), d->found_ns > d->since_ns ? d->found_ns - d->since_ns : 0);
	fprintf(out, "\nDEADLOCK %d: %u thread%s, each waiting for what another holds "
		"(for %s%s when found)%s\n", num, d->nr, d->nr == 1 ? "" : "s",
		(look_thread(l, *vec_at(&l->members, uint32_t, d->first))->b.bflags &
		 IPC_BLK_AT_LEAST) ? "at least " : "", since,
		still ? "" : "; not there any more at the end");
	for (uint32_t i = 0; i < d->nr; i++) {
		const struct sthread *t = look_thread(l, *vec_at(&l->members, uint32_t,
								  d->first + i));
		char name[64], dur[40], holds[512], what[128], who[512], stack[2048];

		thread_name(name, sizeof(name), &t->b);
		blocked_for(dur, sizeof(dur), &t->b);
		holds_text(holds, sizeof(holds), l, d, t);
		wait_what(what, sizeof(what), t);
		wakers_text(who, sizeof(who), s, l, t);
		fprintf(out, "  %s holds %s\n", name, holds[0] ? holds : "(nothing named)");
		fprintf(out, "      waits for %s%s%s in %s, blocked %s; %s\n", what,
			t->obj[0] && t->lock ? " " : "", t->obj[0] && t->lock ? t->obj : "",
			t->b.hdr.op ? ipc_op_name(t->b.hdr.op) : t->b.syscall, dur, who);
		stack_text(stack, sizeof(stack), s, t, IPC_MAX_STACK);
		fprintf(out, "      at %s\n", stack);
	}
}

/* How a chain ends: the last thread's state, or who could end its wait. */
static void chain_end(char *buf, size_t len, struct stalls *s, const struct look *l,
		      const struct sthread *c, const struct wf_hop *h)
{
	char what[128], who[512], dur[40];

	wait_what(what, sizeof(what), c);
	blocked_for(dur, sizeof(dur), &c->b);
	switch (c->b.wait) {
	case IPC_WAIT_SLEEP:
		snprintf(buf, len, "sleeping in %s for %s (wakes by itself)", c->b.syscall, dur);
		return;
	case IPC_WAIT_POLL:
		snprintf(buf, len, "in %s for %s (polling, not on this chain's IPC)",
			 c->b.syscall, dur);
		return;
	case IPC_WAIT_DISK:
		snprintf(buf, len, "in disk I/O for %s (%s%s)", dur, c->b.syscall,
			 c->b.wchan[0] ? ", kernel: " : "");
		if (c->b.wchan[0])
			snprintf(buf + strlen(buf) - 1, len - strlen(buf) + 1, "%s)", c->b.wchan);
		return;
	case IPC_WAIT_OTHER:
		snprintf(buf, len, "in %s for %s (outside IPC)", c->b.syscall, dur);
		return;
	default:
		break;
	}
	wakers_text(who, sizeof(who), s, l, c);
	if (h->kind == WF_HOP_ACTIVE)
		snprintf(buf, len, "waits for %.120s: %.300s, which is not blocked", what, who);
	else
		snprintf(buf, len, "waits for %.120s: %.300s", what, who);
}

/* A thread's chain: each hop, to a thread that is not blocked on IPC. */
static void text_chain(FILE *out, struct stalls *s, const struct look *l, const struct sthread *t)
{
	uint32_t seen[CHAIN_MAX + 1], nseen = 0, tid = t->b.hdr.tid;
	char name[64], what[128];

	thread_name(name, sizeof(name), &t->b);
	fprintf(out, "  %s", name);
	while (nseen < CHAIN_MAX) {
		const struct sthread *c = look_find(l, tid);
		struct wf_hop h = waitfor__next(s->wf, tid);
		bool loop = false;

		seen[nseen++] = tid;
		wait_what(what, sizeof(what), c);
		if (h.kind != WF_HOP_THREAD) {
			char end[512];

			chain_end(end, sizeof(end), s, l, c, &h);
			fprintf(out, " %s\n", end);
			return;
		}
		for (uint32_t i = 0; i < nseen; i++)
			loop = loop || seen[i] == h.tid;
		tid_name(name, sizeof(name), s, l, h.tid);
		fprintf(out, " -> %s -> %s", what, name);
		c = look_find(l, h.tid);
		if (c && look_deadlock_number(l, c)) {
			fprintf(out, " (DEADLOCK %u)\n", look_deadlock_number(l, c));
			return;
		}
		if (loop) {
			fprintf(out, " (again)\n");
			return;
		}
		tid = h.tid;
	}
	fprintf(out, " -> ...\n");
}

/* Some blocked thread's chain goes through t: its own chain is part of that one. */
static bool on_a_chain(struct stalls *s, const struct look *l, const struct sthread *t)
{
	vec_for_each(&l->threads, struct sthread, u) {
		struct wf_hop h = waitfor__next(s->wf, u->b.hdr.tid);

		if (u != t && h.kind == WF_HOP_THREAD && h.tid == t->b.hdr.tid)
			return true;
	}
	return false;
}

static void text_chains(FILE *out, struct stalls *s, const struct look *l, int top)
{
	const struct sthread **v = sorted(l);
	int shown = 0;

	for (size_t i = 0; v && i < l->threads.len && (top <= 0 || shown < top); i++) {
		struct wf_hop h = waitfor__next(s->wf, v[i]->b.hdr.tid);

		/* chains of two threads or more, outside deadlocks, from where they start */
		if (v[i]->deadlock >= 0 || h.kind != WF_HOP_THREAD || h.tid == v[i]->b.hdr.tid ||
		    on_a_chain(s, l, v[i]))
			continue;
		if (!shown++)
			fprintf(out, "\nCHAINS (who waits for whom, to a thread not blocked on "
				"another)\n");
		text_chain(out, s, l, v[i]);
	}
	free((void *)v);
}

/* A deadlock of the last look that was already found: the same threads, not woken. */
static bool still_there(struct stalls *s, const struct look *f, const struct sdeadlock *d)
{
	const struct look *l = stalls_cur(s);

	for (uint32_t i = 0; i < d->nr; i++) {
		const struct sthread *t = look_thread(f, *vec_at(&f->members, uint32_t, d->first + i));
		const struct sthread *c = look_find(l, t->b.hdr.tid);

		if (!c || c->deadlock < 0 || c->b.nvcsw != t->b.nvcsw)
			return false;
	}
	return l->valid;
}

static void text_report(struct stalls *s, struct report *r)
{
	struct look *l = stalls_cur(s);

	if (l->valid)
		text_blocked(r->out, s, l, r->final, r->top);
	for (size_t i = 0; i < s->found.deadlocks.len; i++) {
		const struct sdeadlock *d = vec_at(&s->found.deadlocks, struct sdeadlock, i);

		text_deadlock(r->out, s, &s->found, d, d->number, still_there(s, &s->found, d));
	}
	if (l->valid)
		text_chains(r->out, s, l, r->top);
}

/* JSON */

static void json_stack(struct jw *w, struct stalls *s, const struct sthread *t)
{
	const char *const *f;
	uint32_t nr = 0;
	int idx;

	if (!s->st || t->b.hdr.stack_id < 0)
		return;
	idx = stacks__get(s->st, t->b.hdr.pid, t->b.hdr.stack_id);
	f = idx < 0 ? NULL : stacks__frames(s->st, idx, &nr);
	if (!f)
		return;
	jw__key(w, "stack");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < nr; i++)
		jw__str(w, f[i]);
	jw__arr_end(w);
}

static void json_thread(struct jw *w, struct stalls *s, const struct look *l,
			const struct sthread *t)
{
	const struct ipc_rec_blocked *b = &t->b;
	char buf[160];

	jw__kv_u64(w, "pid", b->hdr.pid);
	jw__kv_u64(w, "tid", b->hdr.tid);
	jw__kv_str(w, "comm", b->hdr.comm);
	snprintf(buf, sizeof(buf), "%c", b->state);
	jw__kv_str(w, "state", buf);
	if (b->syscall[0])
		jw__kv_str(w, "syscall", b->syscall);
	if (b->sc_nr >= 0) {
		jw__key(w, "args");
		jw__arr_begin(w);
		for (int i = 0; i < 6; i++) {
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)b->args[i]);
			jw__str(w, buf);
		}
		jw__arr_end(w);
	}
	if (b->hdr.op)
		jw__kv_str(w, "op", ipc_op_name(b->hdr.op));
	if (b->wait == IPC_WAIT_IO || b->wait == IPC_WAIT_ACCEPT)
		jw__kv_s64(w, "fd", (int32_t)b->args[0]);
	jw__kv_str(w, "wait", wait_name(b->wait));
	if (t->obj[0])
		jw__kv_str(w, "obj", t->obj);
	if (t->lock)
		jw__kv_str(w, "lock", t->lock);
	if (b->addr) {
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)b->addr);
		jw__kv_str(w, "addr", buf);
	}
	jw__kv_u64(w, "since_ns", b->hdr.ts_ns);
	jw__kv_u64(w, "blocked_ns", b->hdr.dur_ns);
	if (b->bflags & IPC_BLK_AT_LEAST)
		jw__kv_bool(w, "at_least", true);
	if (b->bflags & IPC_BLK_FINAL)
		jw__kv_bool(w, "in_flight", true);
	if ((b->bflags & IPC_BLK_OWNER) && b->owner)
		jw__kv_s64(w, "owner_tid", b->owner);
	if (b->bflags & IPC_BLK_OWNER_GONE)
		jw__kv_bool(w, "owner_gone", true);
	if (t->wakers_proc) {
		jw__key(w, "wakers");
		jw__arr_begin(w);
		for (uint32_t i = 0; i < t->nr_wakers && i < ST_MAX_WAKERS; i++)
			jw__u64(w, t->wakers[i]);
		jw__arr_end(w);
	}
	if (t->no_writer && !(b->bflags & IPC_BLK_OWNER_GONE))
		jw__kv_bool(w, "no_peer_left", true);
	if (b->wchan[0])
		jw__kv_str(w, "wchan", b->wchan);
	json_stack(w, s, t);
	if (look_deadlock_number(l, t))
		jw__kv_u64(w, "deadlock", look_deadlock_number(l, t));
	if (t->stuck)
		jw__kv_bool(w, "stuck", true);
}

static void json_deadlock(struct jw *w, struct stalls *s, const struct look *l,
			  const struct sdeadlock *d, int num)
{
	char holds[512];

	jw__obj_begin(w);
	jw__kv_u64(w, "id", num);
	jw__kv_u64(w, "since_ns", d->since_ns);
	jw__kv_u64(w, "found_ns", l->snap.snap_ns);
	jw__key(w, "threads");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < d->nr; i++) {
		const struct sthread *t = look_thread(l, *vec_at(&l->members, uint32_t,
								  d->first + i));

		jw__obj_begin(w);
		json_thread(w, s, l, t);
		holds_text(holds, sizeof(holds), l, d, t);
		jw__kv_str(w, "holds", holds);
		jw__obj_end(w);
	}
	jw__arr_end(w);
	jw__obj_end(w);
}

static void json_report(struct stalls *s, struct report *r)
{
	struct look *l = stalls_cur(s);
	const struct sthread **v = l->valid ? sorted(l) : NULL;

	jw__key(r->jw, "blocked");
	jw__arr_begin(r->jw);
	for (size_t i = 0; v && i < l->threads.len && (r->top <= 0 || (int)i < r->top); i++) {
		jw__obj_begin(r->jw);
		json_thread(r->jw, s, l, v[i]);
		jw__obj_end(r->jw);
	}
	jw__arr_end(r->jw);
	free((void *)v);
	jw__key(r->jw, "deadlocks");
	jw__arr_begin(r->jw);
	for (size_t i = 0; i < s->found.deadlocks.len; i++)
		json_deadlock(r->jw, s, &s->found,
			      vec_at(&s->found.deadlocks, struct sdeadlock, i),
			      vec_at(&s->found.deadlocks, struct sdeadlock, i)->number);
	jw__arr_end(r->jw);
}

void stalls_view_report(struct stalls *s, struct report *r)
{
	if (!s->looked)
		return;
	if (r->jw)
		json_report(s, r);
	else
		text_report(s, r);
}

void stalls_view_found(struct stalls *s, const struct look *l, const struct sdeadlock *d)
{
	FILE *out = s->opts.events;
	char name[64], what[128], who[512];

	if (!out)
		return;
	if (s->opts.json) {
		jw__reset(&s->jw);
		jw__obj_begin(&s->jw);
		jw__kv_str(&s->jw, "type", "deadlock");
		jw__kv_u64(&s->jw, "ts_ns", l->snap.snap_ns);
		jw__key(&s->jw, "deadlock");
		json_deadlock(&s->jw, s, l, d, d->number);
		jw__obj_end(&s->jw);
		jw__flush_line(&s->jw, out);
		return;
	}
	fprintf(out, "DEADLOCK %u found: %u thread%s:", d->number,
		d->nr, d->nr == 1 ? "" : "s");
	for (uint32_t i = 0; i < d->nr; i++) {
		const struct sthread *t = look_thread(l, *vec_at(&l->members, uint32_t,
								  d->first + i));

		thread_name(name, sizeof(name), &t->b);
		wait_what(what, sizeof(what), t);
		wakers_text(who, sizeof(who), s, l, t);
		fprintf(out, "%s %s waits for %s, %s", i ? ";" : "", name, what, who);
	}
	fputc('\n', out);
}

/* Graph overlay */

static void dot_member(FILE *f, struct stalls *s, const struct look *l, const struct sthread *t,
		       uint32_t num)
{
	char id[32], label[256], what[128];

	if (!t->obj[0])
		return;
	snprintf(id, sizeof(id), "pid:%u", t->b.hdr.pid);
	fputc('\t', f);
	graph__dot_str(f, id);
	fputs(" [color=red, penwidth=3];\n\t", f);
	wait_what(what, sizeof(what), t);
	snprintf(label, sizeof(label), "%s\n%s", what, t->obj);
	graph__dot_str(f, t->obj);
	fputs(" [color=red, penwidth=3, fontcolor=red, label=", f);
	graph__dot_str(f, strcmp(what, t->obj) ? label : what);
	fputs("];\n\t", f);
	graph__dot_str(f, id);
	fputs(" -> ", f);
	graph__dot_str(f, t->obj);
	snprintf(label, sizeof(label), "DEADLOCK %u: tid %u waits", num, t->b.hdr.tid);
	fputs(" [color=red, fontcolor=red, penwidth=3, label=", f);
	graph__dot_str(f, label);
	fputs("];\n", f);
	for (uint32_t w = 0; w < t->nr_wakers && w < ST_MAX_WAKERS; w++) {
		uint32_t pid = t->wakers_proc ? t->wakers[w] : t->b.owner_pid;

		if (!pid)
			continue;
		snprintf(id, sizeof(id), "pid:%u", pid);
		fputc('\t', f);
		graph__dot_str(f, t->obj);
		fputs(" -> ", f);
		graph__dot_str(f, id);
		if (t->wakers_proc)
			snprintf(label, sizeof(label), "DEADLOCK %u: %s", num, end_word(t));
		else
			snprintf(label, sizeof(label), "DEADLOCK %u: held by tid %u", num,
				 t->wakers[w]);
		fputs(" [color=red, fontcolor=red, style=dashed, penwidth=2, label=", f);
		graph__dot_str(f, label);
		fputs("];\n", f);
	}
	(void)s;
	(void)l;
}

void stalls__overlay_dot(void *ctx, FILE *f)
{
	struct stalls *s = ctx;
	const struct look *l = &s->found;

	for (size_t i = 0; i < l->deadlocks.len; i++) {
		const struct sdeadlock *d = vec_at(&l->deadlocks, struct sdeadlock, i);

		fprintf(f, "\t// DEADLOCK %u\n", d->number);
		for (uint32_t m = 0; m < d->nr; m++)
			dot_member(f, s, l, look_thread(l, *vec_at(&l->members, uint32_t,
								     d->first + m)), d->number);
	}
}

void stalls__overlay_json(void *ctx, struct jw *w)
{
	struct stalls *s = ctx;
	const struct look *l = &s->found;

	if (!s->looked)
		return;
	jw__key(w, "deadlocks");
	jw__arr_begin(w);
	for (size_t i = 0; i < l->deadlocks.len; i++) {
		const struct sdeadlock *d = vec_at(&l->deadlocks, struct sdeadlock, i);

		json_deadlock(w, s, l, d, d->number);
	}
	jw__arr_end(w);
}
