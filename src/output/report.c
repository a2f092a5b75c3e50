// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Report framing: header, losses, the sinks' sections.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/json.h"
#include "model/collector.h"
#include "output/format.h"
#include "output/report.h"

/* Everything that was not seen, in one place: nothing is lost silently. */
static void losses_text(FILE *f, const struct collector_stats *cs)
{
	const __u64 *b = cs->last.bpf;

	fprintf(f, "events: %llu", (unsigned long long)cs->events);
	/* the kernel's counters come with IPC_REC_STATS; a recording may lack it */
	if (cs->have_stats)
		fprintf(f, "  lost: %llu (ring buffer full %llu, no room for entry state %llu)"
			   "  stacks missed: %llu  unreadable args: %llu",
			(unsigned long long)(b[IPC_STAT_RB_DROPS] + b[IPC_STAT_INFLIGHT_FULL]),
			(unsigned long long)b[IPC_STAT_RB_DROPS],
			(unsigned long long)b[IPC_STAT_INFLIGHT_FULL],
			(unsigned long long)b[IPC_STAT_STACK_MISSED],
			(unsigned long long)b[IPC_STAT_READ_FAULT]);
	/* this run's own symbolizer: a report of a recording counts its own misses */
	fprintf(f, "  symbols unresolved: %llu", (unsigned long long)cs->sym_unresolved);
	if (b[IPC_STAT_LOCK_UNMATCHED])
		fprintf(f, "  lock calls unmatched: %llu",
			(unsigned long long)b[IPC_STAT_LOCK_UNMATCHED]);
	if (b[IPC_STAT_TARGETS_FULL] || b[IPC_STAT_WATCH_FULL])
		fprintf(f, "  filter full: %llu processes, %llu objects",
			(unsigned long long)b[IPC_STAT_TARGETS_FULL],
			(unsigned long long)b[IPC_STAT_WATCH_FULL]);
	if (cs->bad)
		fprintf(f, "  malformed records: %llu", (unsigned long long)cs->bad);
	fprintf(f, "\n");
}

static void losses_json(struct jw *w, const struct collector_stats *cs)
{
	const __u64 *b = cs->last.bpf;

	jw__kv_u64(w, "events", cs->events);
	jw__key(w, "lost");
	jw__obj_begin(w);
	jw__kv_u64(w, "ringbuf_full", b[IPC_STAT_RB_DROPS]);
	jw__kv_u64(w, "inflight_full", b[IPC_STAT_INFLIGHT_FULL]);
	jw__kv_u64(w, "stacks_missed", b[IPC_STAT_STACK_MISSED]);
	jw__kv_u64(w, "read_faults", b[IPC_STAT_READ_FAULT]);
	jw__kv_u64(w, "targets_full", b[IPC_STAT_TARGETS_FULL]);
	jw__kv_u64(w, "watch_full", b[IPC_STAT_WATCH_FULL]);
	jw__kv_u64(w, "lock_unmatched", b[IPC_STAT_LOCK_UNMATCHED]);
	jw__kv_u64(w, "symbols_unresolved", cs->sym_unresolved);
	jw__kv_u64(w, "malformed_records", cs->bad);
	jw__obj_end(w);
}

static void header_text(struct collector *c, const struct report_opts *o)
{
	char span[32], when[32];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	fmt_duration(span, sizeof(span), o->end_ns > o->start_ns ? o->end_ns - o->start_ns : 0);
	if (o->clear)
		fputs("\033[H\033[2J", o->out);
	if (o->final)
		fprintf(o->out, "\n=== ipctrace report: %s, %s ===\n", o->what, span);
	else
		fprintf(o->out, "\n=== ipctrace %s  interval %s  %s ===\n", when, span, o->what);
	losses_text(o->out, collector__stats(c));
}

void report__print(struct collector *c, const struct report_opts *o)
{
	struct report r = {
		.out = o->out,
		.final = o->final,
		.start_ns = o->start_ns,
		.end_ns = o->end_ns,
		.top = o->top,
	};
	struct jw w;

	if (!o->json) {
		header_text(c, o);
		collector__report(c, &r);
		fflush(o->out);
		return;
	}
	jw__init(&w);
	r.jw = &w;
	jw__obj_begin(&w);
	jw__kv_str(&w, "type", o->final ? "summary" : "interval");
	jw__kv_str(&w, "target", o->what);
	jw__kv_u64(&w, "start_ns", o->start_ns);
	jw__kv_u64(&w, "end_ns", o->end_ns);
	jw__kv_u64(&w, "duration_ns", o->end_ns > o->start_ns ? o->end_ns - o->start_ns : 0);
	losses_json(&w, collector__stats(c));
	collector__report(c, &r);
	jw__obj_end(&w);
	jw__flush_line(&w, o->out);
	jw__release(&w);
	fflush(o->out);
}
