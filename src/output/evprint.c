// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --events and --json: one line per operation, as it arrives.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode/records.h"
#include "lib/json.h"
#include "model/collector.h"
#include "output/format.h"
#include "output/outputs.h"

struct evprint {
	struct sink sink;		/* what the collector calls */
	struct collector *c;
	FILE *out;
	bool json;
	struct fmt_ctx fmt;
	struct jw jw;		/* reused for every event */
	char line[1024];
};

static const struct sink_ops evprint_sink_ops;

struct evprint *evprint__new(struct collector *c, FILE *out, bool json, bool abs_time)
{
	struct evprint *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->sink.ops = &evprint_sink_ops;
	p->c = c;
	p->out = out;
	p->json = json;
	p->fmt.procs = collector__procs_const(c);
	p->fmt.abs_time = abs_time;
	jw__init(&p->jw);
	return p;
}

struct sink *evprint__sink(struct evprint *p)
{
	return &p->sink;
}

static int evprint_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct evprint *p = container_of(sk, struct evprint, sink);

	if (h->type == IPC_REC_META) {
		const struct ipc_rec_meta *m = (const struct ipc_rec_meta *)h;

		p->fmt.t0_ns = m->mono_ns;
		p->fmt.real_offset_ns = (int64_t)(m->real_ns - m->mono_ns);
		return 0;
	}
	if (fmt_is_inflight(h)) {
		const struct ipc_rec_blocked *b = (const struct ipc_rec_blocked *)h;

		if (!p->json) {
			fmt_inflight_text(p->line, sizeof(p->line), &p->fmt, b);
			fprintf(p->out, "%s\n", p->line);
			return 0;
		}
		jw__reset(&p->jw);
		fmt_inflight_json(&p->jw, &p->fmt, b);
		return jw__flush_line(&p->jw, p->out) ? -EIO : 0;
	}
	if (!rec_is_event(h))
		return 0;
	if (p->json) {
		jw__reset(&p->jw);
		fmt_event_json(&p->jw, &p->fmt, h);
		if (p->jw.len && jw__flush_line(&p->jw, p->out))
			return -EIO;
		return 0;
	}
	if (fmt_event_text(p->line, sizeof(p->line), &p->fmt, h))
		fprintf(p->out, "%s\n", p->line);
	return 0;
}

static void evprint_free(struct sink *sk)
{
	struct evprint *p = container_of(sk, struct evprint, sink);

	if (!p)
		return;
	jw__release(&p->jw);
	free(p);
}

static int evprint_finish(struct sink *sk)
{
	struct evprint *p = container_of(sk, struct evprint, sink);

	return fflush(p->out) ? -errno : 0;
}

static const struct sink_ops evprint_sink_ops = {
	.name = "events",
	.event = evprint_event,
	.finish = evprint_finish,
	.free = evprint_free,
};
