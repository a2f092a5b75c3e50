// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Blocked time per (process, stack, object), written as folded stacks and
 * an SVG flame graph at the end (the contract is in flamesink.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flame.h"
#include "analysis/flamesink.h"
#include "decode/decode.h"
#include "decode/records.h"
#include "lib/hmap.h"
#include "lib/safefile.h"
#include "lib/strtab.h"
#include "lib/textsafe.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"

#define LEAF_LEN	192
#define STACK_NONE	(-1)	/* no stack wanted or known */
#define STACK_MISSED	(-2)	/* BPF could not take it */
#define MAX_FRAMES	(IPC_MAX_STACK + 3)	/* root, frames, a marker, leaf */

/* Interned pointers: equal strings are equal pointers. */
struct fs_key {
	const char *proc;
	const char *leaf;
	int64_t stack;		/* stacks index, or STACK_NONE / STACK_MISSED */
};

struct fs_entry {
	struct fs_key key;
	uint64_t ns;
	uint64_t us;
};

struct flamesink {
	struct sink sink;		/* what the collector calls */
	struct collector *c;
	struct stacks *st;
	struct hmap *acc;	/* fs_key -> blocked ns */
	struct hmap *leaves;	/* objkey -> leaf name (const char *) */
	uint64_t total_ns;
	const char *folded;
	const char *svg;
	const char *subtitle;
};

static const struct sink_ops flamesink_ops;

struct flamesink *flamesink__new(struct collector *c, struct stacks *st,
				 const struct flamesink_opts *o)
{
	struct flamesink *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return NULL;
	fs->sink.ops = &flamesink_ops;
	fs->c = c;
	fs->st = st;
	fs->folded = o ? o->folded : NULL;
	fs->svg = o ? o->svg : NULL;
	/* the caller's string may not live as long as the sink */
	fs->subtitle = o && o->subtitle ? strtab__intern(collector__names(c), o->subtitle) : NULL;
	fs->acc = hmap__new(sizeof(struct fs_key));
	fs->leaves = hmap__new(sizeof(struct objkey));
	if (!fs->acc || !fs->leaves) {
		flamesink_ops.free(&fs->sink);
		errno = ENOMEM;
		return NULL;
	}
	return fs;
}

struct sink *flamesink__sink(struct flamesink *fs)
{
	return &fs->sink;
}

static void flamesink_free(struct sink *sk)
{
	struct flamesink *fs = container_of(sk, struct flamesink, sink);

	if (!fs)
		return;
	hmap__free(fs->acc);
	hmap__free(fs->leaves);
	free(fs);
}

/* A futex by the global it is in ("futex:counter_lock"), else by address. */
static void futex_leaf(struct flamesink *fs, const struct ipc_ev_futex *f,
		       const struct objkey *k, char *buf, size_t len)
{
	const char *sym = stacks__data_name(fs->st, f->hdr.pid, f->uaddr);

	if (sym)
		snprintf(buf, len, "futex:%s", sym);
	else if (k->pid)	/* the process is the root already */
		snprintf(buf, len, "futex:0x%llx", (unsigned long long)f->uaddr);
	else
		objkey__format(buf, len, k, NULL, NULL);
}

/* The object waited on, named once per object. */
static const char *leaf_name(struct flamesink *fs, const struct ipc_hdr *h)
{
	struct strtab *names = collector__names(fs->c);
	const char *leaf, *name;
	char buf[LEAF_LEN];
	struct objkey k;
	uint64_t v;

	if (objkey__from_rec(h, &k)) {	/* no object id: as event lines show it */
		fmt_event_obj(buf, sizeof(buf), h);
		return strtab__intern(names, buf[0] ? buf : "?");
	}
	if (!hmap__get(fs->leaves, &k, &v))
		return (const char *)(uintptr_t)v;
	if (h->type == IPC_REC_FUTEX) {
		futex_leaf(fs, (const struct ipc_ev_futex *)h, &k, buf, sizeof(buf));
	} else {
		/* only a queue is named by its name ("mq:/jobs"): objkey__format knows */
		name = rec_name(h);
		objkey__format(buf, sizeof(buf), &k, ipc_rec_obj(h), name && name[0] ?
			       name : NULL);
	}
	leaf = strtab__intern(names, buf);
	if (leaf && hmap__put(fs->leaves, &k, (uintptr_t)leaf))
		return NULL;
	return leaf;
}

/* The root frame: the process name, cleaned (textsafe.h) and interned.  NULL on ENOMEM. */
static const char *proc_name(struct flamesink *fs, uint32_t pid)
{
	const char *comm = proctab__comm(collector__procs_const(fs->c), pid);

	if (text__is_clean(comm))
		return comm;
	return strtab__intern(collector__names(fs->c), text__safe(comm));
}

static int flamesink_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct flamesink *fs = container_of(sk, struct flamesink, sink);
	struct fs_key k = { .stack = STACK_NONE };
	bool created;
	uint64_t *slot;
	int idx;

	/* IPC operations only: a lock record's sleep is the futex wait inside it */
	if (!(h->flags & IPC_EVF_BLOCKED) || rec_origin(h->type) != REC_SYSCALL)
		return 0;
	k.proc = proc_name(fs, h->pid);
	k.leaf = leaf_name(fs, h);
	if (!k.proc || !k.leaf)
		return -ENOMEM;
	idx = stacks__get(fs->st, h->pid, h->stack_id);
	if (idx >= 0)
		k.stack = idx;
	else if (idx == -ENOMEM)
		return idx;
	else if (h->flags & IPC_EVF_STACK_MISSED)
		k.stack = STACK_MISSED;
	slot = hmap__upsert(fs->acc, &k, 0, &created);
	if (!slot)
		return -ENOMEM;
	*slot += h->dur_ns;
	fs->total_ns += h->dur_ns;
	return 0;
}

uint64_t flamesink__blocked_ns(const struct flamesink *fs)
{

	return fs->total_ns;
}

static int cmp_remainder(const void *a, const void *b)
{
	const struct fs_entry *x = a, *y = b;
	uint64_t rx = x->ns % 1000, ry = y->ns % 1000;

	if (rx != ry)
		return rx < ry ? 1 : -1;
	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/*
 * Microseconds per stack that add up to the rounded total: each stack gets
 * its whole microseconds, and the ones left over go to the stacks with the
 * largest remainders (largest remainder rounding).
 */
static int entries_round(struct flamesink *fs, struct vec *out)
{
	uint64_t floor_sum = 0, extra, v;
	struct hmap_iter it = { 0 };
	const void *key;

	while (hmap__next(fs->acc, &it, &key, &v)) {
		struct fs_entry *e = vec__push(out);

		if (!e)
			return -ENOMEM;
		e->key = *(const struct fs_key *)key;
		e->ns = v;
		e->us = v / 1000;
		floor_sum += e->us;
	}
	if (out->len)
		qsort(out->data, out->len, sizeof(struct fs_entry), cmp_remainder);
	extra = (fs->total_ns + 500) / 1000 - floor_sum;
	for (size_t i = 0; i < out->len && i < extra; i++)
		vec_at(out, struct fs_entry, i)->us++;
	return 0;
}

static int entry_add(struct flamesink *fs, struct flame *f, const struct fs_entry *e)
{
	const char *frames[MAX_FRAMES];
	size_t n = 0;

	frames[n++] = e->key.proc;
	if (e->key.stack >= 0) {
		uint32_t nr;
		const char *const *sf = stacks__frames(fs->st, e->key.stack, &nr);

		for (uint32_t i = nr; i > 0; i--)	/* innermost first -> root first */
			frames[n++] = sf[i - 1];
	} else if (e->key.stack == STACK_MISSED) {
		frames[n++] = "[stack-missed]";
	}
	frames[n++] = e->key.leaf;
	return flame__add(f, frames, n, e->us);
}

struct flame *flamesink__flame(struct flamesink *fs)
{
	struct vec entries = VEC_INIT(struct fs_entry);
	struct flame *f = flame__new();
	int err = f ? entries_round(fs, &entries) : -errno;

	for (size_t i = 0; !err && i < entries.len; i++) {
		const struct fs_entry *e = vec__at(&entries, i);

		if (e->us)	/* under half a microsecond: nothing to draw */
			err = entry_add(fs, f, e);
	}
	vec__release(&entries);
	if (err) {
		flame__free(f);
		errno = -err;
		return NULL;
	}
	return f;
}

static int write_file(const char *path, const struct flame *f, const char *subtitle, bool svg)
{
	struct flame_svg_opts o = { .title = "ipctrace: time blocked on IPC",
				    .subtitle = subtitle, .unit = "us" };
	char why[PATH_MAX + 128];
	FILE *out = safefile__fcreate(path, OUTPUT_MODE, why, sizeof(why));
	int err;

	if (!out) {
		err = -errno;
		fprintf(stderr, "ipctrace: %s\n", why);
		return err;
	}
	err = svg ? flame__write_svg(f, out, &o) : flame__write_folded(f, out);
	if (fclose(out) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "ipctrace: failed to write %s: %s\n", path, strerror(-err));
	return err;
}

static int flamesink_finish(struct sink *sk)
{
	struct flamesink *fs = container_of(sk, struct flamesink, sink);
	struct flame *f;
	int err = 0;

	if (!fs->folded && !fs->svg)
		return 0;
	f = flamesink__flame(fs);
	if (!f) {
		fprintf(stderr, "ipctrace: failed to build the flame graph: %s\n", strerror(errno));
		return -errno;
	}
	if (fs->folded)
		err = write_file(fs->folded, f, fs->subtitle, false);
	if (fs->svg && !err)
		err = write_file(fs->svg, f, fs->subtitle, true);
	flame__free(f);
	return err;
}

static const struct sink_ops flamesink_ops = {
	.name = "flame",
	.event = flamesink_event,
	.finish = flamesink_finish,
	.free = flamesink_free,
};
