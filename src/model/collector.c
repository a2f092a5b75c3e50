// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The collector: validate, update the shared model, fan out to sinks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/records.h"
#include "lib/ktab.h"
#include "lib/strtab.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/conns.h"
#include "model/proctab.h"
#include "model/syms.h"

#define MAX_SINKS 16

struct stack_ref {
	int32_t id;		/* the stack id */
	uint32_t off;		/* first frame in stack_ips */
	uint32_t nr;
};

struct collector {
	struct strtab *names;
	struct proctab *procs;
	struct conns *conns;		/* unix connections, for sockets whose peer closed */
	struct syms *syms;
	struct ktab stacks;		/* struct stack_ref by stack id */
	struct vec stack_ips;		/* uint64_t frames, stacks back to back */
	struct sink *sinks[MAX_SINKS];
	int nr_sinks;
	struct collector_stats stats;
	struct ipc_rec_meta meta;
	bool have_meta;
	struct ipc_rec_end end;
	bool have_end;
	uint64_t first_ns;
	uint64_t last_ns;
	int verbose;
	const char *symfs;		/* --symfs: where mapped files are looked up */
	bool live;			/* records of this machine's processes, now */
};

struct collector *collector__new(void)
{
	struct collector *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return NULL;
	vec__init(&c->stack_ips, sizeof(uint64_t));
	c->names = strtab__new();
	if (!c->names)
		goto err_free;
	c->procs = proctab__new(c->names);
	if (!c->procs)
		goto err_free;
	if (ktab__init(&c->stacks, sizeof(struct stack_ref), sizeof(int32_t),
		       offsetof(struct stack_ref, id)))
		goto err_free;
	c->conns = conns__new(0);
	if (!c->conns)
		goto err_free;
	return c;

err_free:
	err = errno;
	collector__free(c);
	errno = err;
	return NULL;
}

void collector__free(struct collector *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nr_sinks; i++)
		if (c->sinks[i]->ops->free)
			c->sinks[i]->ops->free(c->sinks[i]);
	syms__free(c->syms);
	conns__free(c->conns);
	ktab__release(&c->stacks);
	vec__release(&c->stack_ips);
	proctab__free(c->procs);
	strtab__free(c->names);
	free(c);
}

int collector__add_sink(struct collector *c, struct sink *s)
{
	if (c->nr_sinks >= MAX_SINKS) {
		if (s->ops->free)
			s->ops->free(s);
		return -ENOSPC;
	}
	c->sinks[c->nr_sinks++] = s;
	return 0;
}

/* Keep a stack's frames; the first record for an id wins (ids are not reused). */
static int stack_add(struct collector *c, const struct ipc_rec_stack *s)
{
	struct stack_ref *ref;
	bool created;

	if (vec__reserve(&c->stack_ips, c->stack_ips.len + s->nr))
		return -ENOMEM;
	ref = ktab__get(&c->stacks, &s->hdr.stack_id, &created);
	if (!ref)
		return -ENOMEM;
	if (!created)
		return 0;
	ref->off = c->stack_ips.len;
	ref->nr = s->nr;
	memcpy(vec__at(&c->stack_ips, c->stack_ips.len), s->ips, s->nr * sizeof(uint64_t));
	c->stack_ips.len += s->nr;
	return 0;
}

const uint64_t *collector__stack(const struct collector *c, int32_t id, uint32_t *nr)
{
	const struct stack_ref *ref = id < 0 ? NULL : ktab__find(&c->stacks, &id);

	if (!ref)
		return NULL;
	*nr = ref->nr;
	return vec__at(&c->stack_ips, ref->off);
}

struct syms *collector__syms(struct collector *c)
{
	struct syms_opts o = { .root = c->symfs, .map_files = c->live };

	if (!c->syms)
		c->syms = syms__new(&o);
	return c->syms;
}

/* Model updates that every sink relies on, before the sinks see the record. */
static int model_update(struct collector *c, const struct ipc_hdr *h, size_t len)
{
	int err = proctab__update(c->procs, h, len);

	if (err)
		return err;
	switch (h->type) {
	case IPC_REC_META:
		memcpy(&c->meta, h, sizeof(c->meta));
		c->have_meta = true;
		break;
	case IPC_REC_STACK:
		return stack_add(c, (const struct ipc_rec_stack *)h);
	case IPC_REC_MAP:
		if (!collector__syms(c))
			return -errno;
		return syms__add_map(c->syms, (const struct ipc_rec_map *)h);
	case IPC_REC_STATS:
		memcpy(&c->stats.last, h, sizeof(c->stats.last));
		c->stats.have_stats = true;
		break;
	case IPC_REC_END:
		memcpy(&c->end, h, sizeof(c->end));
		c->have_end = true;
		break;
	default:
		if (rec_is_event(h)) {
			c->stats.events++;
			if (!c->first_ns || h->ts_ns < c->first_ns)
				c->first_ns = h->ts_ns;
			if (h->ts_ns + h->dur_ns > c->last_ns)
				c->last_ns = h->ts_ns + h->dur_ns;
		}
		break;
	}
	return 0;
}

/* The objects a record describes (at most two), or 0 for none. */
static int rec_objs(struct ipc_hdr *h, struct ipc_obj **objs)
{
	switch (h->type) {
	case IPC_REC_IO:
		objs[0] = &((struct ipc_ev_io *)h)->obj;
		return 1;
	case IPC_REC_FD:
		objs[0] = &((struct ipc_ev_fd *)h)->obj;
		objs[1] = &((struct ipc_ev_fd *)h)->obj2;
		return 2;
	case IPC_REC_FDSNAP:
		objs[0] = &((struct ipc_rec_fdsnap *)h)->obj;
		return 1;
	default:
		return 0;
	}
}

/*
 * A unix socket whose peer has closed shows alone in the kernel's records:
 * give it back its peer, so that the connection keeps its name.  Returns
 * rec, or buf holding a corrected copy.  -ENOMEM aside, never fails.
 */
static const void *conns_fix(struct collector *c, const void *rec, size_t len, void *buf,
			     size_t buf_len)
{
	struct ipc_obj *objs[2];
	uint64_t peer[2] = { 0, 0 };
	int n = rec_objs((struct ipc_hdr *)rec, objs), fix = 0;

	for (int i = 0; i < n; i++) {
		if (objs[i]->kind != IPC_OBJ_UNIX)
			continue;
		conns__learn(c->conns, objs[i]);	/* ENOMEM: a name less kept */
		peer[i] = conns__lost_peer(c->conns, objs[i]);
		fix |= peer[i] != 0;
	}
	if (!fix || len > buf_len)
		return rec;
	memcpy(buf, rec, len);
	n = rec_objs(buf, objs);
	for (int i = 0; i < n; i++)
		if (peer[i])
			objs[i]->peer_ino = peer[i];
	return buf;
}

int collector__push(struct collector *c, const void *rec, size_t len)
{
	union {
		struct ipc_ev_io io;
		struct ipc_ev_fd fd;
		struct ipc_rec_fdsnap snap;
	} fixed;
	const struct ipc_hdr *h = rec;
	char why[128];
	int err;

	if (ipc_rec_check(rec, len, why, sizeof(why))) {
		if (c->verbose && c->stats.bad < 10)
			fprintf(stderr, "ipctrace: dropped malformed record: %s\n", why);
		c->stats.bad++;
		return 0;
	}
	c->stats.records++;
	h = conns_fix(c, rec, len, &fixed, sizeof(fixed));
	err = model_update(c, h, len);
	if (err)
		return err;
	for (int i = 0; i < c->nr_sinks; i++) {
		if (!c->sinks[i]->ops->event)
			continue;
		err = c->sinks[i]->ops->event(c->sinks[i], h, len);
		if (err)
			return err;
	}
	return 0;
}

void collector__report(struct collector *c, struct report *r)
{
	for (int i = 0; i < c->nr_sinks; i++)
		if (c->sinks[i]->ops->report)
			c->sinks[i]->ops->report(c->sinks[i], r);
}

void collector__interval_end(struct collector *c)
{
	for (int i = 0; i < c->nr_sinks; i++)
		if (c->sinks[i]->ops->interval_end)
			c->sinks[i]->ops->interval_end(c->sinks[i]);
}

int collector__finish(struct collector *c)
{
	int ret = 0;

	for (int i = 0; i < c->nr_sinks; i++) {
		int err;

		if (!c->sinks[i]->ops->finish)
			continue;
		err = c->sinks[i]->ops->finish(c->sinks[i]);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

struct strtab *collector__names(struct collector *c)
{
	return c->names;
}

struct proctab *collector__procs(struct collector *c)
{
	return c->procs;
}

const struct proctab *collector__procs_const(const struct collector *c)
{
	return c->procs;
}

const struct ipc_rec_meta *collector__meta(const struct collector *c)
{
	return c->have_meta ? &c->meta : NULL;
}

const struct collector_stats *collector__stats(const struct collector *c)
{
	return &c->stats;
}

void collector__count_unresolved(struct collector *c)
{
	c->stats.sym_unresolved++;
}

uint64_t collector__first_ns(const struct collector *c)
{
	return c->first_ns;
}

uint64_t collector__last_ns(const struct collector *c)
{
	return c->last_ns;
}

const struct ipc_rec_end *collector__span(const struct collector *c, uint64_t *start_ns,
					  uint64_t *end_ns)
{
	/* a damaged END (end before start) says nothing: the records' span then */
	if (c->have_end && c->end.end_ns >= c->end.start_ns) {
		*start_ns = c->end.start_ns;
		*end_ns = c->end.end_ns;
		return &c->end;
	}
	*start_ns = c->first_ns;
	*end_ns = c->last_ns;
	return NULL;
}

void collector__set_symfs(struct collector *c, const char *dir)
{
	c->symfs = dir;
}

void collector__set_live(struct collector *c)
{
	c->live = true;
}

void collector__set_verbose(struct collector *c, int verbose)
{
	c->verbose = verbose;
}
