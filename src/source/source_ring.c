// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Live source: the BPF ring buffer.
 *
 * Producers submit without waking us (the wakeup costs more than the
 * probe), so the loop polls on a short timer and consumes whatever is
 * there; the producers force a wakeup only when the buffer fills up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "decode/decode.h"
#include "lib/hmap.h"
#include "model/collector.h"
#include "model/syms.h"
#include "probe/loader.h"
#include "source/source.h"

struct ring_source {
	struct source base;
	struct loader *loader;
	struct ring_buffer *rb;
	struct hmap *stacks_sent;	/* stack id -> 1: IPC_REC_STACK pushed */
	struct hmap *maps_done;		/* pid -> 1: maps pushed (or tried) */
	struct ipc_rec_stack stack;	/* reused: no allocation per event */
	int err;			/* first collector error, stops the poll */
	int push_err;			/* a map record the collector refused */
	unsigned int batch;		/* records handled in this poll */
};

/*
 * Records per poll at most: libbpf consumes until the buffer is empty, which
 * never happens while producers keep up; stopping every so often lets the
 * loop see Ctrl-C, the duration and the interval.
 */
#define RING_BATCH 65536

static int push_map(void *ctx, const struct ipc_rec_map *m)
{
	struct ring_source *rs = ctx;

	rs->push_err = collector__push(rs->base.c, m, sizeof(*m));
	return rs->push_err;
}

/* The maps of pid, once per process image (reset at exec). */
static int ensure_maps(struct ring_source *rs, uint32_t pid)
{
	bool created;
	int ret;

	if (!hmap__upsert(rs->maps_done, &pid, 1, &created))
		return -ENOMEM;
	if (!created)
		return 0;
	rs->push_err = 0;
	ret = syms__read_proc_maps(pid, push_map, rs);
	/*
	 * A process gone (or going: -EIO) before we looked keeps its frames as
	 * addresses, counted as unresolved; only running out of memory, or a
	 * sink failing on the map records, stops the trace.
	 */
	if (rs->push_err)
		return rs->push_err;
	return ret == -ENOMEM ? ret : 0;
}

static int ensure_stack(struct ring_source *rs, const struct ipc_hdr *h)
{
	struct ipc_rec_stack *s = &rs->stack;
	bool created;

	if (!hmap__upsert(rs->stacks_sent, &h->stack_id, 1, &created))
		return -ENOMEM;
	if (!created)
		return 0;
	ipc_hdr_collector(&s->hdr, IPC_REC_STACK, h->pid, h->tid, NULL);
	s->hdr.ts_ns = h->ts_ns;
	s->hdr.stack_id = h->stack_id;
	memcpy(s->hdr.comm, h->comm, sizeof(s->hdr.comm));
	if (loader__read_stack(rs->loader, h->stack_id, s->ips, &s->nr))
		return 0;	/* counted as missed by the reader of the event */
	return collector__push(rs->base.c, s, offsetof(struct ipc_rec_stack, ips) +
					    s->nr * sizeof(s->ips[0]));
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct ring_source *rs = ctx;
	const struct ipc_hdr *h = data;
	int ret = 0;

	if (size >= sizeof(*h)) {
		if (h->type == IPC_REC_PROC && h->op == IPC_OP_PROC_EXEC)
			hmap__remove(rs->maps_done, &h->pid);
		/* maps per process, not per stack: a stack id is shared by processes */
		if (h->stack_id >= 0)
			ret = ensure_stack(rs, h);
		if (h->stack_id >= 0 && !ret)
			ret = ensure_maps(rs, h->pid);
	}
	if (!ret)
		ret = collector__push(rs->base.c, data, size);
	if (ret) {
		rs->err = ret;
		return ret;	/* stops the consumer */
	}
	/* this record is consumed either way: -EAGAIN only pauses */
	return ++rs->batch >= RING_BATCH ? -EAGAIN : 0;
}

/* One libbpf call; a pause for the batch limit is not an error. */
static int ring_call(struct ring_source *rs, int timeout_ms)
{
	int n;

	rs->batch = 0;
	n = timeout_ms >= 0 ? ring_buffer__poll(rs->rb, timeout_ms) : ring_buffer__consume(rs->rb);
	if (n == -EAGAIN && !rs->err)
		return rs->batch;
	if (n == -EINTR)
		return 0;
	if (n < 0 && rs->err)
		return rs->err;
	return n;
}

static int ring_poll(struct source *s, int timeout_ms)
{
	struct ring_source *rs = (struct ring_source *)s;
	int n, m;

	n = ring_call(rs, timeout_ms);
	/* records submitted without a wakeup are not seen by epoll */
	m = n >= 0 && n < RING_BATCH ? ring_call(rs, -1) : 0;
	if (n >= 0 && m >= 0)
		return n + m;
	n = n < 0 ? n : m;
	snprintf(s->error, sizeof(s->error), "failed to read events: %s", strerror(-n));
	return n;
}

int source_ring__drain(struct source *s, uint64_t max_ns)
{
	struct ring_source *rs = (struct ring_source *)s;
	struct timespec t0, t;
	int n, total = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		n = ring_call(rs, -1);
		if (n < 0)
			return n;
		total += n;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (n >= RING_BATCH &&
		 (uint64_t)((t.tv_sec - t0.tv_sec) * 1000000000ll +
			    t.tv_nsec - t0.tv_nsec) < max_ns);
	return total;
}

int source_ring__push_stats(struct source *s)
{
	struct ring_source *rs = (struct ring_source *)s;
	const struct collector_stats *cs = collector__stats(s->c);
	struct ipc_rec_stats st = {};

	ipc_hdr_collector(&st.hdr, IPC_REC_STATS, 0, 0, "ipctrace");
	if (loader__read_stats(rs->loader, st.bpf))
		return -ENOMEM;
	st.user_events = cs->records;
	st.user_bad = cs->bad;
	st.sym_missed = cs->sym_unresolved;
	return collector__push(s->c, &st, sizeof(st));
}

static void ring_free(struct source *s)
{
	struct ring_source *rs = (struct ring_source *)s;

	ring_buffer__free(rs->rb);
	hmap__free(rs->stacks_sent);
	hmap__free(rs->maps_done);
	free(rs);
}

static const struct source_ops ring_ops = {
	.poll = ring_poll,
	.free = ring_free,
};

struct source *source_ring__new(struct collector *c, struct loader *l)
{
	struct ring_source *rs = calloc(1, sizeof(*rs));
	int err;

	if (!rs)
		return NULL;
	rs->base.ops = &ring_ops;
	rs->base.c = c;
	rs->loader = l;
	rs->stacks_sent = hmap__new(sizeof(int32_t));
	rs->maps_done = hmap__new(sizeof(uint32_t));
	if (!rs->stacks_sent || !rs->maps_done)
		goto err_free;
	rs->rb = ring_buffer__new(loader__events_fd(l), on_record, rs, NULL);
	if (!rs->rb)
		goto err_free;
	return &rs->base;

err_free:
	err = errno ? errno : ENOMEM;
	ring_free(&rs->base);
	errno = err;
	return NULL;
}
