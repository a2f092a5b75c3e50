// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Race patterns: the bounded tables, the flag table, threads and
 * processes, and the dispatch of records to the detectors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/races_int.h"

#define DEFAULT_MAX_FLAGS	1024
#define DEFAULT_MAX_ROWS	16384

/* ---- bounded tables ---- */

static uint64_t row_time(const void *row)
{
	uint64_t ts;

	memcpy(&ts, row, sizeof(ts));
	return ts;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The table is full: age the least recently used quarter out, keep the rest in order. */
static void *rtab_full(struct ktab *kt, const void *key, void *ctx)
{
	struct rtab *t = ctx;
	size_t n = ktab__len(kt), drop = n / 4 ? n / 4 : 1, kept = 0, dropped = 0;
	uint64_t *times = malloc(n * sizeof(*times)), cut;

	if (!times)
		return NULL;	/* still full: the key is turned away and counted */
	for (size_t i = 0; i < n; i++)
		times[i] = row_time(ktab__at(kt, i));
	qsort(times, n, sizeof(*times), cmp_u64);
	cut = times[drop - 1];
	free(times);
	for (size_t i = 0; i < n; i++) {
		void *row = ktab__at(kt, i);

		if (row_time(row) <= cut && dropped < drop) {
			dropped++;
			continue;
		}
		if (kept != i)
			memcpy(ktab__at(kt, kept), row, kt->rows.elem_size);
		kept++;
	}
	kt->rows.len = kept;
	ktab__reindex(kt);	/* fewer keys than it had: no allocation */
	if (t->aged)
		*t->aged += dropped;
	return NULL;
}

int rtab_init(struct rtab *t, size_t row_size, size_t key_size, uint32_t max, uint64_t *aged)
{
	int err = ktab__init(&t->kt, row_size, key_size, sizeof(uint64_t));

	if (err)
		return err;
	t->aged = aged;
	ktab__set_bound(&t->kt, max < 4 ? 4 : max, rtab_full, t);
	return 0;
}

void rtab_release(struct rtab *t)
{
	ktab__release(&t->kt);
}

void *rtab_find(const struct rtab *t, const void *key)
{
	return ktab__find(&t->kt, key);
}

void *rtab_get(struct rtab *t, const void *key, uint64_t now, bool *created)
{
	char *row = ktab__get(&t->kt, key, created);

	if (row && now > row_time(row))
		memcpy(row, &now, sizeof(now));
	return row;
}

void rtab_remove(struct rtab *t, const void *key)
{
	void *row = ktab__find(&t->kt, key);

	if (row)
		ktab__remove(&t->kt, ktab__index(&t->kt, row));
}

/* ---- names ---- */

static const char *const pattern_names[RACE_PATTERN_NR] = {
	[RACE_NONE] = "none",
	[RACE_SIG_COALESCED] = "signal_coalesced",
	[RACE_PIPE_INTERLEAVE] = "pipe_interleave",
	[RACE_STREAM_SPLIT] = "stream_split",
	[RACE_WRITE_NO_READER] = "write_after_reader_left",
	[RACE_STALE_PID] = "stale_pid",
	[RACE_LOST_WAKEUP] = "lost_wakeup",
	[RACE_FORK_LOCKED] = "fork_with_lock_held",
	[RACE_LOCK_ORDER] = "lock_order_inversion",
	[RACE_UNLOCK_MISUSE] = "unlock_misuse",
	[RACE_COND_MISUSE] = "cond_misuse",
	[RACE_HANDLER_LOCK] = "lock_in_signal_handler",
};

static const char *const variant_names[RV_NR] = {
	[RV_NONE] = "",
	[RV_LARGE_WRITES] = "large_writes",
	[RV_SHORT_WRITES] = "short_writes",
	[RV_ESRCH] = "esrch",
	[RV_REUSED] = "pid_reused",
	[RV_HELD] = "held",
	[RV_BLOCKED] = "blocked",
	[RV_NOT_OWNER] = "not_owner",
	[RV_NOT_LOCKED] = "not_locked",
	[RV_UNLOCK_ERROR] = "unlock_failed",
	[RV_DESTROY_HELD] = "destroy_held",
	[RV_EXIT_HELD] = "exit_held",
	[RV_MUTEX_NOT_HELD] = "mutex_not_held",
	[RV_MIXED_MUTEXES] = "mixed_mutexes",
	[RV_SIGNAL_FIRST] = "signal_before_wait",
};

static const char *const role_names[RR_NR] = {
	[RR_NONE] = "",
	[RR_SENDER] = "sender",
	[RR_PENDING_SENDER] = "pending_sender",
	[RR_TARGET] = "target",
	[RR_WRITER] = "writer",
	[RR_READER] = "reader",
	[RR_READER_LEFT] = "reader_left",
	[RR_OLD_HOLDER] = "old_holder",
	[RR_NEW_HOLDER] = "new_holder",
	[RR_WAKER] = "waker",
	[RR_WAITER] = "waiter",
	[RR_FORKER] = "forker",
	[RR_HOLDER] = "holder",
	[RR_BLOCKED] = "blocked",
	[RR_CHILD] = "child",
	[RR_FIRST_OUTER] = "first_order_outer",
	[RR_FIRST_INNER] = "first_order_inner",
	[RR_SECOND_OUTER] = "second_order_outer",
	[RR_SECOND_INNER] = "second_order_inner",
	[RR_UNLOCKER] = "unlocker",
	[RR_OWNER] = "owner",
	[RR_LAST_UNLOCKER] = "last_unlocker",
	[RR_DESTROYER] = "destroyer",
	[RR_EXITING] = "exiting",
	[RR_SIGNALER] = "signaler",
	[RR_HANDLER] = "handler",
};

const char *race_pattern_name(unsigned int pattern)
{
	return pattern < RACE_PATTERN_NR && pattern_names[pattern] ? pattern_names[pattern] : "?";
}

const char *race_variant_name(unsigned int variant)
{
	return variant < RV_NR && variant_names[variant] ? variant_names[variant] : "?";
}

const char *race_role_name(unsigned int role)
{
	return role < RR_NR && role_names[role] ? role_names[role] : "?";
}

struct why {
	uint8_t pattern;
	uint8_t variant;
	const char *text;
};

static const struct why whys[] = {
	{ RACE_SIG_COALESCED, RV_NONE, "a standard signal does not queue: sent while the same "
	  "signal was still pending, it merged with it and one of the two was lost" },
	{ RACE_PIPE_INTERLEAVE, RV_LARGE_WRITES, "writes larger than PIPE_BUF are not atomic: "
	  "with several writers, their bytes can interleave inside one message" },
	{ RACE_PIPE_INTERLEAVE, RV_SHORT_WRITES, "a short write leaves the rest of a message for "
	  "a later write: another writer's bytes can land in between" },
	{ RACE_STREAM_SPLIT, RV_NONE, "a byte stream keeps no message boundaries: with several "
	  "readers, one message can be split between them" },
	{ RACE_WRITE_NO_READER, RV_NONE, "the reader was gone when the writer wrote: the data "
	  "is lost and the writer gets EPIPE (and SIGPIPE, which kills it by default)" },
	{ RACE_STALE_PID, RV_ESRCH, "the pid named no process any more: a pid is only valid "
	  "while its process lives (and is reaped), a pidfd stays valid" },
	{ RACE_STALE_PID, RV_REUSED, "the pid had been given to another process: the signal "
	  "went to a process its sender never meant (use a pidfd)" },
	{ RACE_LOST_WAKEUP, RV_NONE, "the wake came before the waiter slept and changed "
	  "nothing it checks: the waiter then slept through it (check a predicate under the "
	  "word's value)" },
	{ RACE_FORK_LOCKED, RV_HELD, "the child inherits the lock held by another thread, a "
	  "thread the child does not have: nobody will ever release it in the child" },
	{ RACE_FORK_LOCKED, RV_BLOCKED, "another thread was blocked in a lock while its holder "
	  "ran on: the child inherits it locked, and the holder is not in the child" },
	{ RACE_LOCK_ORDER, RV_NONE, "two threads taking the same two locks in opposite orders "
	  "deadlock when each gets its first lock at the same time" },
	{ RACE_UNLOCK_MISUSE, RV_NOT_OWNER, "a thread released a mutex another thread holds: "
	  "the owner's critical section is no longer protected" },
	{ RACE_UNLOCK_MISUSE, RV_NOT_LOCKED, "a mutex was released while unlocked: the unlocks "
	  "do not pair with the locks, and a later lock may be released by the wrong thread" },
	{ RACE_UNLOCK_MISUSE, RV_UNLOCK_ERROR, "pthread_mutex_unlock failed: the caller did "
	  "not own the mutex (error-checking or robust mutex)" },
	{ RACE_UNLOCK_MISUSE, RV_DESTROY_HELD, "a mutex was destroyed while held: its owner "
	  "will unlock freed or reused memory" },
	{ RACE_UNLOCK_MISUSE, RV_EXIT_HELD, "a thread exited holding a mutex: every thread "
	  "that takes it later blocks for ever" },
	{ RACE_COND_MISUSE, RV_MUTEX_NOT_HELD, "pthread_cond_wait needs its mutex held: "
	  "without it, a signal between the check and the wait is lost, and the wait unlocks "
	  "a mutex the caller does not own" },
	{ RACE_COND_MISUSE, RV_MIXED_MUTEXES, "waits on one condition variable with two "
	  "different mutexes at once are undefined behaviour" },
	{ RACE_COND_MISUSE, RV_SIGNAL_FIRST, "the signal came when nobody waited and a thread "
	  "waited after it: a condition variable keeps no memory, so the wait needs a "
	  "predicate checked under the mutex" },
	{ RACE_HANDLER_LOCK, RV_NONE, "a lock taken in a signal handler deadlocks when the "
	  "interrupted code held it: pthread locks are not async-signal-safe" },
};

const char *race_why(unsigned int pattern, unsigned int variant)
{
	for (size_t i = 0; i < sizeof(whys) / sizeof(whys[0]); i++)
		if (whys[i].pattern == pattern && whys[i].variant == variant)
			return whys[i].text;
	return "";
}

/* ---- flags ---- */

static struct race_flag *flag_of(const struct races *r, size_t i)
{
	return &((struct flag_row *)ktab__at(&r->flags, i))->f;
}

struct race_flag *race_flag_at(struct races *r, int32_t idx)
{
	if (idx < 0 || (size_t)idx >= ktab__len(&r->flags))
		return NULL;
	return flag_of(r, (size_t)idx);
}

struct race_flag *race_raise(struct races *r, const struct flag_key *key,
			     const struct race_flag *proto, uint64_t ts, int32_t *idx)
{
	struct flag_row *row;
	struct race_flag *f;
	bool created;

	*idx = -1;
	row = ktab__get(&r->flags, key, &created);
	if (!row) {	/* the table is full (ENOSPC: counted), or ENOMEM */
		r->stats.flags_dropped += errno == ENOSPC;
		return NULL;
	}
	f = &row->f;
	if (created) {
		*f = *proto;
		f->pattern = key->pattern;
		f->variant = key->variant;
		f->count = f->cur = 0;
		f->first_ns = ts;
	}
	f->count++;
	f->cur++;
	if (ts < f->first_ns)
		f->first_ns = ts;
	if (ts > f->last_ns)
		f->last_ns = ts;
	*idx = (int32_t)ktab__index(&r->flags, row);
	return f;
}

void race_side(struct race_side *s, uint8_t role, uint32_t pid, uint32_t tid, int32_t stack,
	       uint64_t ts)
{
	*s = (struct race_side){ .role = role, .pid = pid, .tid = tid, .stack = stack,
				 .ts_ns = ts };
}

void race_obj_fd(struct race_obj *o, const struct ipc_obj *sample)
{
	memset(o, 0, sizeof(*o));
	o->type = RO_FD;
	o->sample = *sample;
	objkey__from_obj(sample, &o->key);
}

void race_obj_lock(struct race_obj *o, uint32_t pid, uint64_t addr, uint8_t kind)
{
	memset(o, 0, sizeof(*o));
	o->type = RO_LOCK;
	o->pid = pid;
	o->addr = addr;
	o->lock_kind = kind;
}

void race_obj_signal(struct race_obj *o, int32_t sig, uint32_t target)
{
	memset(o, 0, sizeof(*o));
	o->type = RO_SIGNAL;
	o->sig = sig;
	o->pid = target;
}

/* ---- threads and processes ---- */

struct rthread *race_thread_find(struct races *r, uint32_t tid)
{
	return rtab_find(&r->threads, &tid);
}

struct rthread *race_thread(struct races *r, uint32_t tid, uint32_t pid)
{
	bool created;
	struct rthread *t = rtab_get(&r->threads, &tid, r->now, &created);

	if (t && created) {
		t->gen_flag = -1;
	}
	if (t)
		t->pid = pid;
	return t;
}

struct rproc *race_proc(struct races *r, uint32_t pid)
{
	bool created;
	struct rproc *p = rtab_get(&r->procs, &pid, r->now, &created);

	if (p && created)
		p->alive_threads = 1;
	return p;
}

/* ---- the module ---- */

struct races *races__new(const struct races_env *env, const struct races_opts *opts)
{
	struct races *r = calloc(1, sizeof(*r));
	uint32_t rows;
	int err = 0;

	if (!r)
		return NULL;
	if (env)
		r->env = *env;
	if (opts)
		r->opts = *opts;
	if (!r->opts.max_flags)
		r->opts.max_flags = DEFAULT_MAX_FLAGS;
	if (!r->opts.max_rows)
		r->opts.max_rows = DEFAULT_MAX_ROWS;
	rows = r->opts.max_rows;
	err |= ktab__init(&r->flags, sizeof(struct flag_row), sizeof(struct flag_key), 0);
	ktab__set_bound(&r->flags, r->opts.max_flags, NULL, NULL);
	err |= rtab_init(&r->threads, sizeof(struct rthread), sizeof(uint32_t), rows,
			 &r->stats.aged_out);
	err |= rtab_init(&r->procs, sizeof(struct rproc), sizeof(uint32_t), rows,
			 &r->stats.aged_out);
	err |= rtab_init(&r->locks, sizeof(struct rlock), sizeof(struct lock_key), rows,
			 &r->stats.aged_out);
	err |= rtab_init(&r->edges, sizeof(struct redge), sizeof(struct edge_key), rows,
			 &r->stats.aged_out);
	err |= rtab_init(&r->words, sizeof(struct rword), sizeof(struct objkey), rows,
			 &r->stats.aged_out);
	err |= rtab_init(&r->streams, sizeof(struct rstream), sizeof(struct stream_key), rows,
			 &r->stats.aged_out);
	err |= rtab_init(&r->pend, sizeof(struct rpend), sizeof(struct pend_key), rows,
			 &r->stats.aged_out);
	if (err) {
		races__free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void races__free(struct races *r)
{
	if (!r)
		return;
	ktab__release(&r->flags);
	rtab_release(&r->threads);
	rtab_release(&r->procs);
	rtab_release(&r->locks);
	rtab_release(&r->edges);
	rtab_release(&r->words);
	rtab_release(&r->streams);
	rtab_release(&r->pend);
	free(r);
}

int races__event(struct races *r, const struct ipc_hdr *h, size_t len)
{
	int err;

	if (h->type >= IPC_REC_META)
		return 0;
	if (h->ts_ns > r->now)
		r->now = h->ts_ns;
	err = races_child_act(r, h);
	if (err)
		return err;
	switch (h->type) {
	case IPC_REC_SIGNAL:
		return races_signal(r, (const struct ipc_ev_signal *)h);
	case IPC_REC_IO:
		return races_io(r, (const struct ipc_ev_io *)h);
	case IPC_REC_FUTEX:
		return races_futex(r, (const struct ipc_ev_futex *)h);
	case IPC_REC_PROC:
		return races_proc(r, (const struct ipc_ev_proc *)h);
	case IPC_REC_LOCK:
		r->stats.lock_records++;
		return races_lock(r, (const struct ipc_ev_lock *)h);
	default:
		return 0;
	}
}

int races__finish(struct races *r)
{
	return races_fork_finish(r);
}

void races__interval_end(struct races *r)
{
	for (size_t i = 0; i < ktab__len(&r->flags); i++)
		flag_of(r, i)->cur = 0;
}

size_t races__nr_flags(const struct races *r)
{
	return ktab__len(&r->flags);
}

/* Flags the whole trace rules out: a futex word that turned out to be a lock. */
static bool ruled_out(const struct races *r, const struct race_flag *f)
{
	enum race_word_class c;

	if (f->pattern != RACE_LOST_WAKEUP &&
	    !(f->pattern == RACE_FORK_LOCKED && f->variant == RV_BLOCKED))
		return false;
	if (f->obj[0].type != RO_FUTEX || !r->env.word_class)
		return f->pattern == RACE_FORK_LOCKED;
	c = r->env.word_class(r->env.ctx, &f->obj[0].key);
	if (f->pattern == RACE_LOST_WAKEUP)
		return c == RACE_WORD_LOCK;
	return c != RACE_WORD_LOCK;
}

const struct race_flag *races__flag(const struct races *r, size_t i)
{
	const struct race_flag *f;

	if (i >= ktab__len(&r->flags))
		return NULL;
	f = flag_of(r, i);
	return ruled_out(r, f) ? NULL : f;
}

const struct races_stats *races__stats(const struct races *r)
{
	return &r->stats;
}
