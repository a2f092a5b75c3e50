// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipctrace record: every record the collector sees, written as it came.
 * The collector-made records (stacks, maps, snapshots) are in the stream
 * too, so a replay needs neither the kernel nor the processes.
 */
#include <errno.h>
#include <stdlib.h>

#include "model/collector.h"
#include "output/outputs.h"
#include "source/recfile.h"

struct recorder {
	struct sink sink;		/* what the collector calls */
	struct recfile_writer *w;
	int err;
};

static const struct sink_ops recorder_sink_ops;

struct recorder *recorder__new(const char *path, char *why, size_t whylen)
{
	struct recorder *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return NULL;
	r->sink.ops = &recorder_sink_ops;
	r->w = recfile_writer__open(path, why, whylen);
	if (!r->w) {
		err = errno;
		free(r);
		errno = err;
		return NULL;
	}
	return r;
}

struct sink *recorder__sink(struct recorder *r)
{
	return &r->sink;
}

static int recorder_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct recorder *r = container_of(sk, struct recorder, sink);

	r->err = recfile_writer__write(r->w, h, len);
	return r->err;
}

/* Each interval ends a chunk: a crash loses at most one interval. */
static void recorder_interval_end(struct sink *sk)
{
	struct recorder *r = container_of(sk, struct recorder, sink);

	if (!r->err)
		r->err = recfile_writer__flush(r->w);
}

static int recorder_finish(struct sink *sk)
{
	struct recorder *r = container_of(sk, struct recorder, sink);
	int err = recfile_writer__flush(r->w);

	return r->err ? r->err : err;
}

static void recorder_free(struct sink *sk)
{
	struct recorder *r = container_of(sk, struct recorder, sink);

	if (!r)
		return;
	recfile_writer__close(r->w);
	free(r);
}

unsigned long long recorder__records(const struct recorder *ctx)
{
	return recfile_writer__records(((const struct recorder *)ctx)->w);
}

unsigned long long recorder__bytes(const struct recorder *ctx)
{
	return recfile_writer__bytes(((const struct recorder *)ctx)->w);
}

static const struct sink_ops recorder_sink_ops = {
	.name = "recorder",
	.event = recorder_event,
	.interval_end = recorder_interval_end,
	.finish = recorder_finish,
	.free = recorder_free,
};
