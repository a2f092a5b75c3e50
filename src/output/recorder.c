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
	struct recfile_writer *w;
	int err;
};

void *recorder__new(const char *path)
{
	struct recorder *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return NULL;
	r->w = recfile_writer__open(path);
	if (!r->w) {
		err = errno;
		free(r);
		errno = err;
		return NULL;
	}
	return r;
}

static int recorder_event(void *ctx, const struct ipc_hdr *h, size_t len)
{
	struct recorder *r = ctx;

	r->err = recfile_writer__write(r->w, h, len);
	return r->err;
}

/* Each interval ends a chunk: a crash loses at most one interval. */
static void recorder_interval_end(void *ctx)
{
	struct recorder *r = ctx;

	if (!r->err)
		r->err = recfile_writer__flush(r->w);
}

static int recorder_finish(void *ctx)
{
	struct recorder *r = ctx;
	int err = recfile_writer__flush(r->w);

	return r->err ? r->err : err;
}

static void recorder_free(void *ctx)
{
	struct recorder *r = ctx;

	if (!r)
		return;
	recfile_writer__close(r->w);
	free(r);
}

unsigned long long recorder__records(const void *ctx)
{
	return recfile_writer__records(((const struct recorder *)ctx)->w);
}

unsigned long long recorder__bytes(const void *ctx)
{
	return recfile_writer__bytes(((const struct recorder *)ctx)->w);
}

const struct sink_ops recorder_sink_ops = {
	.name = "recorder",
	.event = recorder_event,
	.interval_end = recorder_interval_end,
	.finish = recorder_finish,
	.free = recorder_free,
};
