// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The timeline sink (see timeline.h): slices, instants, flow arrows and
 * counters in trace-event JSON, written as the records come.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/names.h"
#include "decode/records.h"
#include "lib/hmap.h"
#include "lib/safefile.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"
#include "output/timeline.h"
#include "output/tracevent.h"

#define RING 16			/* causes kept per channel */
#define PENDING 8		/* effects waiting for their cause per channel */
#define MAX_CHANNELS 16384	/* channels (object and direction) tracked */
#define MAX_FORKS 4096		/* forks waiting for the child's first event */
#define MAX_FLOWS_PER_EFFECT 8
#define STACK_FRAMES 32
#define COUNTER_STEP_NS 100000000ull	/* bytes/s over 100 ms */

enum flow_kind { FLOW_DATA, FLOW_WAKE, FLOW_SIGNAL, FLOW_FORK };

static const char *const flow_names[] = {
	[FLOW_DATA] = "data",
	[FLOW_WAKE] = "wake",
	[FLOW_SIGNAL] = "signal",
	[FLOW_FORK] = "fork",
};

/* Where an arrow starts or ends: a slice (dur > 0) or an instant. */
struct anchor {
	uint32_t pid, tid;
	uint64_t ts, dur;
};

/* A cause: bytes [start, start + len) of a stream, a message, or wakes to hand out. */
struct cause {
	struct anchor a;
	uint64_t start, len;
	uint32_t prio;
	uint32_t left;		/* messages or wakes not given to an effect yet */
};

/* An effect that came before its cause (records arrive in exit order). */
struct effect {
	struct anchor a;
	uint64_t start, len;	/* streams: the bytes it still waits for */
	uint32_t prio;
	bool used;
};

enum chan_type { CH_STREAM, CH_MSG, CH_WAKE, CH_SIGNAL };

struct chan_key {
	struct objkey k;	/* kind IPC_OBJ_NONE, pid, a = signal: a signal channel */
	uint64_t dir;		/* the sending end (socket inode, port), 0 for pipes */
};

struct chan {
	uint8_t type;
	uint64_t w_off, r_off;	/* streams: bytes written and read so far */
	struct cause causes[RING];
	uint32_t nr_causes, next_cause;
	struct effect pending[PENDING];
	/* counters (per object, on its direction 0 channel) */
	uint64_t step_start;
	uint64_t step_bytes;
	bool counting;
	char name[128];	/* counter rows: the object */
};

struct timeline {
	struct sink sink;
	struct collector *c;
	struct stacks *st;
	FILE *f;
	char *title;
	struct tev tev;
	bool started;
	uint64_t flow_id;
	struct hmap *chan_idx;	/* struct chan_key -> index in chans */
	struct vec chans;	/* struct chan */
	struct hmap *forks;	/* child tid -> index in fork_from */
	struct vec fork_from;	/* struct anchor, reused */
	struct hmap *exits;	/* tid -> index in exit_at: threads that exited lately */
	struct vec exit_at;	/* struct anchor */
	struct timeline_stats stats;
};

static const struct sink_ops timeline_sink_ops;

struct timeline *timeline__new(struct collector *c, struct stacks *st,
			       const struct timeline_opts *o)
{
	struct timeline *t = calloc(1, sizeof(*t));
	char why[PATH_MAX + 128];
	int err = ENOMEM;

	if (!t)
		return NULL;
	t->sink.ops = &timeline_sink_ops;
	t->c = c;
	t->st = st;
	vec__init(&t->chans, sizeof(struct chan));
	vec__init(&t->fork_from, sizeof(struct anchor));
	vec__init(&t->exit_at, sizeof(struct anchor));
	t->chan_idx = hmap__new(sizeof(struct chan_key));
	t->forks = hmap__new(sizeof(uint32_t));
	t->exits = hmap__new(sizeof(uint32_t));
	t->title = strdup(o->title ? o->title : "");
	if (!t->chan_idx || !t->forks || !t->exits || !t->title)
		goto err_free;
	/* session__check_files() created it already, refusing what is unsafe */
	t->f = safefile__fcreate(o->path, OUTPUT_MODE, why, sizeof(why));
	if (!t->f) {
		err = errno;
		goto err_free;
	}
	return t;
err_free:
	timeline__free(t);
	errno = err;
	return NULL;
}

struct sink *timeline__sink(struct timeline *t)
{
	return &t->sink;
}

void timeline__free(struct timeline *t)
{
	if (!t)
		return;
	if (t->f)
		fclose(t->f);
	tev__release(&t->tev);
	hmap__free(t->chan_idx);
	hmap__free(t->forks);
	hmap__free(t->exits);
	vec__release(&t->chans);
	vec__release(&t->fork_from);
	vec__release(&t->exit_at);
	free(t->title);
	free(t);
}

void timeline__stats(const struct timeline *t, struct timeline_stats *st)
{
	*st = t->stats;
	st->events = t->tev.events;
}

/* Flows */

/* Inside the anchor's slice, where viewers bind a flow event to it. */
static uint64_t anchor_ts(const struct anchor *a)
{
	return a->ts + a->dur / 2;
}

static void flow(struct timeline *t, enum flow_kind kind, const struct anchor *from,
		 const struct anchor *to)
{
	struct jw *w;

	t->flow_id++;
	w = tev__begin(&t->tev, 's', flow_names[kind], "flow", from->pid, from->tid,
		       anchor_ts(from));
	jw__kv_u64(w, "id", t->flow_id);
	tev__end(&t->tev);
	w = tev__begin(&t->tev, 'f', flow_names[kind], "flow", to->pid, to->tid, anchor_ts(to));
	jw__kv_u64(w, "id", t->flow_id);
	jw__kv_str(w, "bp", "e");
	tev__end(&t->tev);
	switch (kind) {
	case FLOW_DATA:
		t->stats.flows_data++;
		break;
	case FLOW_WAKE:
		t->stats.flows_wake++;
		break;
	case FLOW_SIGNAL:
		t->stats.flows_signal++;
		break;
	case FLOW_FORK:
		t->stats.flows_fork++;
		break;
	}
}

static struct chan *chan_get(struct timeline *t, const struct chan_key *key, enum chan_type type)
{
	struct chan *ch;
	bool created;
	uint64_t *idx;

	if (!hmap__find(t->chan_idx, key) && t->chans.len >= MAX_CHANNELS) {
		t->stats.untracked++;
		return NULL;
	}
	idx = hmap__upsert(t->chan_idx, key, t->chans.len, &created);
	if (!idx)
		return NULL;
	if (!created)
		return vec__at(&t->chans, *idx);
	ch = vec__push(&t->chans);
	if (!ch) {
		hmap__remove(t->chan_idx, key);
		return NULL;
	}
	ch->type = type;
	return ch;
}

static void cause_push(struct chan *ch, const struct cause *c)
{
	ch->causes[ch->next_cause] = *c;
	ch->next_cause = (ch->next_cause + 1) % RING;
	if (ch->nr_causes < RING)
		ch->nr_causes++;
}

/* The i-th kept cause, oldest first. */
static struct cause *cause_at(struct chan *ch, uint32_t i)
{
	return &ch->causes[(ch->next_cause + RING - ch->nr_causes + i) % RING];
}

static void pend(struct timeline *t, struct chan *ch, const struct effect *e)
{
	struct effect *slot = NULL;

	for (int i = 0; i < PENDING && !slot; i++)
		if (!ch->pending[i].used)
			slot = &ch->pending[i];
	if (!slot) {
		/* full: the oldest gives way, never matched */
		slot = &ch->pending[0];
		for (int i = 1; i < PENDING; i++)
			if (ch->pending[i].a.ts < slot->a.ts)
				slot = &ch->pending[i];
		t->stats.unmatched++;
	}
	*slot = *e;
	slot->used = true;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Whether cause c ended effect e (e waiting, prio and time as the channel type says). */
static bool causes(const struct chan *ch, const struct cause *c, const struct effect *e)
{
	switch (ch->type) {
	case CH_STREAM:
		return overlaps(c->start, c->len, e->start, e->len);
	case CH_MSG:
		return c->left && c->prio == e->prio;
	case CH_WAKE:
		/*
		 * the wake happened inside both calls: the waker's (its entry may be
		 * stamped before the waiter's when it was preempted on the way) and
		 * the sleep of the waiter
		 */
		return c->left && c->a.ts <= e->a.ts + e->a.dur && c->a.ts + c->a.dur >= e->a.ts;
	default:
		return c->left != 0;
	}
}

/* A new cause: the effects that were waiting for it first. */
static void on_cause(struct timeline *t, struct chan *ch, struct cause *c, enum flow_kind kind)
{
	for (int i = 0; i < PENDING && (ch->type == CH_STREAM || c->left); i++) {
		struct effect *e = &ch->pending[i];

		if (!e->used || !causes(ch, c, e))
			continue;
		flow(t, kind, &c->a, &e->a);
		if (ch->type != CH_STREAM) {
			c->left--;
			e->used = false;
		} else if (e->start + e->len <= c->start + c->len) {
			e->used = false;	/* every byte it waited for came */
		} else {
			e->len -= c->start + c->len - e->start;
			e->start = c->start + c->len;
		}
	}
	cause_push(ch, c);
}

/* A new effect: its causes among the kept ones, else it waits for them. */
static void on_effect(struct timeline *t, struct chan *ch, struct effect *e, enum flow_kind kind)
{
	int n = 0;

	if (ch->type == CH_STREAM) {
		for (uint32_t i = 0; i < ch->nr_causes && n < MAX_FLOWS_PER_EFFECT; i++) {
			struct cause *c = cause_at(ch, i);

			if (causes(ch, c, e)) {
				flow(t, kind, &c->a, &e->a);
				n++;
			}
		}
		/* the bytes past what was written so far come from a later write */
		if (e->start + e->len > ch->w_off) {
			if (e->start < ch->w_off) {
				e->len -= ch->w_off - e->start;
				e->start = ch->w_off;
			}
			pend(t, ch, e);
		}
		return;
	}
	/* messages: the oldest that fits; wakes: the latest that fits */
	for (uint32_t k = 0; k < ch->nr_causes; k++) {
		uint32_t i = ch->type == CH_WAKE ? ch->nr_causes - 1 - k : k;
		struct cause *c = cause_at(ch, i);

		if (causes(ch, c, e)) {
			c->left--;
			flow(t, kind, &c->a, &e->a);
			return;
		}
	}
	pend(t, ch, e);
}

static void anchor_of(struct anchor *a, const struct ipc_hdr *h)
{
	a->pid = h->pid;
	a->tid = h->tid;
	a->ts = h->ts_ns;
	a->dur = h->dur_ns;
}

/* The channel of a data record: the object, and which end sent the bytes. */
static int data_key(const struct ipc_hdr *h, bool send, struct chan_key *key)
{
	const struct ipc_obj *o = ipc_rec_obj(h);

	memset(key, 0, sizeof(*key));
	if (!o || objkey__from_rec(h, &key->k))
		return -ENOENT;
	switch (o->kind) {
	case IPC_OBJ_UNIX:
		key->dir = send ? o->ino : o->peer_ino;
		break;
	case IPC_OBJ_TCP:
	case IPC_OBJ_UDP:
	case IPC_OBJ_INET:
		key->dir = send ? o->lport : o->rport;
		break;
	default:
		key->dir = 0;
	}
	return 0;
}

static void on_data(struct timeline *t, const struct ipc_hdr *h, bool send)
{
	bool mq = h->type == IPC_REC_MQ;
	uint64_t bytes = ipc_rec_bytes(h);
	struct chan_key key;
	struct chan *ch;

	if (h->ret < 0 || (!mq && !bytes) || data_key(h, send, &key))
		return;
	ch = chan_get(t, &key, mq ? CH_MSG : CH_STREAM);
	if (!ch)
		return;
	if (send) {
		struct cause c = { .len = bytes, .left = 1 };

		anchor_of(&c.a, h);
		if (mq) {
			c.prio = ((const struct ipc_ev_mq *)h)->prio;
		} else {
			c.start = ch->w_off;
			ch->w_off += bytes;
		}
		on_cause(t, ch, &c, FLOW_DATA);
	} else {
		struct effect e = { .len = bytes };

		anchor_of(&e.a, h);
		if (mq) {
			e.prio = ((const struct ipc_ev_mq *)h)->prio;
		} else {
			e.start = ch->r_off;
			ch->r_off += bytes;
		}
		on_effect(t, ch, &e, FLOW_DATA);
	}
}

/* A thread's exit, the wake of whoever joins it (CLONE_CHILD_CLEARTID). */
static void on_thread_exit(struct timeline *t, const struct ipc_hdr *h)
{
	struct anchor *a;
	bool created;
	uint64_t *idx;

	/* a bounded memory of the last exits: the join follows its thread's exit */
	if (hmap__count(t->exits) >= MAX_FORKS) {
		hmap__clear(t->exits);
		vec__clear(&t->exit_at);
	}
	idx = hmap__upsert(t->exits, &h->tid, t->exit_at.len, &created);
	if (!idx)
		return;
	a = created ? vec__push(&t->exit_at) : vec__at(&t->exit_at, *idx);
	if (!a) {
		hmap__remove(t->exits, &h->tid);
		return;
	}
	anchor_of(a, h);
}

/*
 * pthread_join sleeps on the thread's tid word until the kernel clears it
 * at the thread's exit: a wait whose word was the tid of a thread of its
 * process that exited while it slept was ended by that exit.
 */
static bool joined(struct timeline *t, const struct ipc_hdr *h)
{
	const struct ipc_ev_futex *fx = (const void *)h;
	const struct anchor *a;
	struct anchor to;
	uint64_t idx;

	if (h->type != IPC_REC_FUTEX || !(fx->fflags & IPC_FUTEX_WORD_OK) || !fx->word ||
	    hmap__get(t->exits, &fx->word, &idx))
		return false;
	a = vec__at(&t->exit_at, idx);
	if (a->pid != h->pid || a->ts < h->ts_ns || a->ts > h->ts_ns + h->dur_ns)
		return false;
	anchor_of(&to, h);
	flow(t, FLOW_WAKE, a, &to);
	return true;
}

/* futex wakes and waits, semaphore posts and waits */
static void on_sync(struct timeline *t, const struct ipc_hdr *h, int dir)
{
	struct chan_key key = { 0 };
	struct chan *ch;

	if (!dir || h->ret < 0 || objkey__from_rec(h, &key.k))
		return;
	/* a wake that woke nobody, a wait that did not sleep: no arrow */
	if (dir > 0 && h->type == IPC_REC_FUTEX && h->ret == 0)
		return;
	if (dir < 0 && !(h->flags & IPC_EVF_BLOCKED))
		return;
	if (dir < 0 && joined(t, h))
		return;
	ch = chan_get(t, &key, CH_WAKE);
	if (!ch)
		return;
	if (dir > 0) {
		struct cause c = { .left = h->type == IPC_REC_FUTEX ? (uint32_t)h->ret : 1 };

		anchor_of(&c.a, h);
		on_cause(t, ch, &c, FLOW_WAKE);
	} else {
		struct effect e = { 0 };

		anchor_of(&e.a, h);
		on_effect(t, ch, &e, FLOW_WAKE);
	}
}

static void on_signal(struct timeline *t, const struct ipc_ev_signal *s)
{
	const struct ipc_hdr *h = &s->hdr;
	struct chan_key key = { 0 };
	struct chan *ch;

	key.k.kind = IPC_OBJ_NONE;
	key.k.a = (uint64_t)(uint32_t)s->sig;
	if (h->op == IPC_OP_SIGNAL_GENERATE) {
		if (s->result != IPC_SIG_DELIVERED || s->target_pid <= 0)
			return;
		key.k.pid = s->target_pid;
	} else if (h->op == IPC_OP_SIGNAL_DELIVER) {
		key.k.pid = h->pid;
	} else {
		return;
	}
	ch = chan_get(t, &key, CH_SIGNAL);
	if (!ch)
		return;
	if (h->op == IPC_OP_SIGNAL_GENERATE) {
		struct cause c = { .left = 1 };

		anchor_of(&c.a, h);
		on_cause(t, ch, &c, FLOW_SIGNAL);
	} else {
		struct effect e = { 0 };

		anchor_of(&e.a, h);
		on_effect(t, ch, &e, FLOW_SIGNAL);
	}
}

/* fork -> the child's first event */
static void on_fork(struct timeline *t, const struct ipc_ev_proc *p)
{
	struct anchor *a;
	bool created;
	uint64_t *idx;

	if (hmap__count(t->forks) >= MAX_FORKS) {
		t->stats.unmatched++;
		return;
	}
	idx = hmap__upsert(t->forks, &p->child_tid, t->fork_from.len, &created);
	if (!idx)
		return;
	if (created) {
		a = vec__push(&t->fork_from);
		if (!a) {
			hmap__remove(t->forks, &p->child_tid);
			return;
		}
	} else {
		a = vec__at(&t->fork_from, *idx);
	}
	anchor_of(a, &p->hdr);
}

static void child_first(struct timeline *t, const struct ipc_hdr *h)
{
	struct anchor to;
	uint64_t idx;

	if (!hmap__count(t->forks) || hmap__get(t->forks, &h->tid, &idx))
		return;
	anchor_of(&to, h);
	flow(t, FLOW_FORK, vec__at(&t->fork_from, idx), &to);
	hmap__remove(t->forks, &h->tid);
	/* the table empties as children start: reuse its storage from the start */
	if (!hmap__count(t->forks))
		vec__clear(&t->fork_from);
}

/* Counters */

static void counter(struct timeline *t, const char *name, const char *key, uint64_t ts,
		    uint64_t v)
{
	struct jw *w = tev__begin(&t->tev, 'C', name, "counter", TIMELINE_OBJECTS_PID, 0, ts);

	jw__key(w, "args");
	jw__obj_begin(w);
	jw__kv_u64(w, key, v);
	jw__obj_end(w);
	tev__end(&t->tev);
	t->stats.counters++;
}

/* Close the object's 100 ms step if ts is past it; a gap drops the counter to 0. */
static void step_flush(struct timeline *t, struct chan *ch, uint64_t ts)
{
	if (!ch->counting || ts < ch->step_start + COUNTER_STEP_NS)
		return;
	counter(t, ch->name, "bytes/s", ch->step_start,
		ch->step_bytes * (1000000000ull / COUNTER_STEP_NS));
	if (ts >= ch->step_start + 2 * COUNTER_STEP_NS)
		counter(t, ch->name, "bytes/s", ch->step_start + COUNTER_STEP_NS, 0);
	ch->step_start = ts - (ts - ch->step_start) % COUNTER_STEP_NS;
	ch->step_bytes = 0;
}

static void count_bytes(struct timeline *t, const struct ipc_hdr *h, const char *obj)
{
	uint64_t bytes = ipc_rec_bytes(h);
	struct chan_key key = { 0 };
	struct chan *ch;

	if (!bytes || objkey__from_rec(h, &key.k))
		return;
	key.dir = UINT64_MAX;	/* the object's counter row, apart from its directions */
	ch = chan_get(t, &key, CH_STREAM);
	if (!ch)
		return;
	if (!ch->counting) {
		ch->counting = true;
		ch->step_start = h->ts_ns;
		snprintf(ch->name, sizeof(ch->name), "%s", obj);
	}
	step_flush(t, ch, h->ts_ns);
	ch->step_bytes += bytes;
	if (h->type == IPC_REC_MQ && ((const struct ipc_ev_mq *)h)->curmsgs >= 0) {
		char name[sizeof(ch->name) + 8];

		snprintf(name, sizeof(name), "%s depth", obj);
		counter(t, name, "messages", h->ts_ns + h->dur_ns,
			((const struct ipc_ev_mq *)h)->curmsgs);
	}
}

/* Events */

static void args_stack(struct timeline *t, struct jw *w, const struct ipc_hdr *h)
{
	const char *const *frames;
	uint32_t nr;
	int idx;

	if (!t->st || h->stack_id < 0 || !(h->flags & IPC_EVF_BLOCKED))
		return;
	idx = stacks__get(t->st, h->pid, h->stack_id);
	if (idx < 0)
		return;
	frames = stacks__frames(t->st, idx, &nr);
	jw__key(w, "stack");
	jw__arr_begin(w);
	for (uint32_t i = 0; i < nr && i < STACK_FRAMES; i++)
		jw__str(w, frames[i]);
	jw__arr_end(w);
}

static void args_common(struct jw *w, const struct ipc_hdr *h, const char *obj)
{
	char sig[32];

	jw__kv_str(w, "object", obj);
	switch (h->type) {
	case IPC_REC_SIGNAL: {
		const struct ipc_ev_signal *s = (const void *)h;

		jw__kv_str(w, "signal", ipc_signal_name(s->sig, sig, sizeof(sig)));
		jw__kv_s64(w, "target_pid", s->target_pid);
		jw__kv_s64(w, "target_tid", s->target_tid);
		if (h->op == IPC_OP_SIGNAL_GENERATE)
			jw__kv_str(w, "result", ipc_sig_result_name(s->result));
		return;
	}
	case IPC_REC_PROC: {
		const struct ipc_ev_proc *p = (const void *)h;

		if (h->op == IPC_OP_PROC_FORK || h->op == IPC_OP_THREAD_NEW)
			jw__kv_u64(w, "child_tid", p->child_tid);
		if (h->op == IPC_OP_PROC_EXIT || h->op == IPC_OP_THREAD_EXIT)
			jw__kv_s64(w, "wait_status", p->exit_code);
		return;
	}
	default:
		break;
	}
	/* a recording can hold any value: -INT64_MIN does not exist */
	if (h->ret < 0 && h->ret >= -0x7fffffff && ipc_errno_name((int)-h->ret))
		jw__kv_str(w, "error", ipc_errno_name((int)-h->ret));
	else
		jw__kv_s64(w, "ret", h->ret);
	if (ipc_rec_bytes(h))
		jw__kv_u64(w, "bytes", ipc_rec_bytes(h));
	if (h->flags & IPC_EVF_BLOCKED)
		jw__kv_bool(w, "blocked", true);
	if (h->flags & IPC_EVF_PEER)
		jw__kv_bool(w, "peer_side", true);
}

static void write_event(struct timeline *t, const struct ipc_hdr *h, const char *obj)
{
	bool instant = h->type == IPC_REC_SIGNAL || h->type == IPC_REC_PROC;
	const char *op = ipc_op_name(h->op);
	char name[160];
	struct jw *w;

	if (obj[0])
		snprintf(name, sizeof(name), "%s %s", op, obj);
	else
		snprintf(name, sizeof(name), "%s", op);
	w = tev__begin(&t->tev, instant ? 'i' : 'X', name, ipc_op_group(h->op), h->pid, h->tid,
		       h->ts_ns);
	if (instant)
		jw__kv_str(w, "s", "t");
	else
		tev__kv_us(w, "dur", h->dur_ns);
	jw__key(w, "args");
	jw__obj_begin(w);
	args_common(w, h, obj);
	args_stack(t, w, h);
	jw__obj_end(w);
	tev__end(&t->tev);
	if (instant)
		t->stats.instants++;
	else
		t->stats.slices++;
}

static void start(struct timeline *t, const struct ipc_hdr *h)
{
	const struct ipc_rec_meta *m = (const void *)h;

	/* the trace's start is the origin; a recording's first record is its META */
	tev__open(&t->tev, t->f, h->type == IPC_REC_META ? m->mono_ns : h->ts_ns);
	t->started = true;
}

static int timeline_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct timeline *t = container_of(sk, struct timeline, sink);
	unsigned int role;
	char obj[128];

	if (!t->started)
		start(t, h);
	if (!rec_is_event(h))
		return 0;
	child_first(t, h);
	fmt_event_obj(obj, sizeof(obj), h);
	write_event(t, h, obj);
	role = ipc_op_graph(h->op);
	if (role == IPC_GRAPH_SEND || role == IPC_GRAPH_RECV) {
		on_data(t, h, role == IPC_GRAPH_SEND);
		count_bytes(t, h, obj);
	} else if (role == IPC_GRAPH_WAKE || role == IPC_GRAPH_WAIT) {
		on_sync(t, h, role == IPC_GRAPH_WAKE ? 1 : -1);
	} else if (role == IPC_GRAPH_SYNC) {
		const struct rec_desc *d = rec_desc(h->type);
		struct rec_use u = { 0 };

		if (d && d->use)
			d->use(h, &u);
		on_sync(t, h, u.dir);
	} else if (h->type == IPC_REC_SIGNAL) {
		on_signal(t, (const void *)h);
	} else if (h->op == IPC_OP_PROC_FORK || h->op == IPC_OP_THREAD_NEW) {
		on_fork(t, (const void *)h);
	} else if (h->op == IPC_OP_THREAD_EXIT || h->op == IPC_OP_PROC_EXIT) {
		on_thread_exit(t, h);
	}
	/* a write error is reported at the end, with the file's name */
	return 0;
}

/* Track names: every process and thread the trace saw. */
static void write_names(struct timeline *t)
{
	const struct proctab *pt = collector__procs_const(t->c);
	char name[64];

	tev__process_name(&t->tev, TIMELINE_OBJECTS_PID, "IPC objects (ipctrace)");
	tev__process_sort(&t->tev, TIMELINE_OBJECTS_PID, -1);
	for (size_t i = 0; pt && i < proctab__count(pt); i++) {
		const struct proc_info *p = proctab__at(pt, i);

		snprintf(name, sizeof(name), "%s", p->comm);
		tev__process_name(&t->tev, p->pid, name);
	}
	for (size_t i = 0; pt && i < proctab__thread_count(pt); i++) {
		const struct thread_info *th = proctab__thread_at(pt, i);

		tev__thread_name(&t->tev, th->pid, th->tid, th->comm);
	}
}

static void other_data(struct jw *w, void *ctx)
{
	struct timeline *t = ctx;

	jw__kv_str(w, "producer", "ipctrace");
	jw__kv_str(w, "target", t->title);
	jw__kv_u64(w, "flows_data", t->stats.flows_data);
	jw__kv_u64(w, "flows_wake", t->stats.flows_wake);
	jw__kv_u64(w, "flows_signal", t->stats.flows_signal);
	jw__kv_u64(w, "flows_fork", t->stats.flows_fork);
	jw__kv_u64(w, "unmatched", t->stats.unmatched);
	jw__kv_u64(w, "untracked", t->stats.untracked);
}

static int timeline_finish(struct sink *sk)
{
	struct timeline *t = container_of(sk, struct timeline, sink);
	int err;

	if (!t->started)
		tev__open(&t->tev, t->f, 0);
	for (size_t i = 0; i < t->chans.len; i++) {
		struct chan *ch = vec__at(&t->chans, i);

		step_flush(t, ch, UINT64_MAX / 2);
		/* effects still waiting for a cause at the end never got one */
		for (int k = 0; k < PENDING; k++)
			t->stats.unmatched += ch->pending[k].used;
	}
	write_names(t);
	err = tev__close(&t->tev, other_data, t);
	if (err)
		fprintf(stderr, "ipctrace: failed to write the timeline: %s\n", strerror(-err));
	return err;
}

static void timeline_free(struct sink *sk)
{
	timeline__free(container_of(sk, struct timeline, sink));
}

static const struct sink_ops timeline_sink_ops = {
	.name = "timeline",
	.event = timeline_event,
	.finish = timeline_finish,
	.free = timeline_free,
};
