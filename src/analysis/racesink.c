// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The race detectors as a sink, and the POSSIBLE RACES report section.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/contention.h"
#include "analysis/graph.h"
#include "analysis/races.h"
#include "analysis/racesink.h"
#include "decode/names.h"
#include "lib/json.h"
#include "model/collector.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "output/format.h"

#define STACK_FRAMES	6	/* frames of a side's stack shown in the text report */
#define NAME_LEN	192

struct racesink {
	struct sink sink;
	struct collector *c;
	struct stacks *st;
	struct graph *g;
	struct contention *ct;
	struct races *r;
};

static const struct sink_ops racesink_ops;

static struct racesink *of(struct sink *s)
{
	return container_of(s, struct racesink, sink);
}

/* ---- what the detectors ask ---- */

static enum race_word_class word_class(void *ctx, const struct objkey *k)
{
	struct racesink *s = ctx;
	struct contention_info info;

	if (!s->ct || contention__info(s->ct, k, &info))
		return RACE_WORD_UNKNOWN;
	if (!strcmp(info.kind, "mutex") || !strcmp(info.kind, "rwlock"))
		return RACE_WORD_LOCK;
	if (!strcmp(info.kind, "condvar/wait") || !strcmp(info.kind, "semaphore"))
		return RACE_WORD_EVENT;
	return RACE_WORD_UNKNOWN;
}

static int reader_left(void *ctx, const struct ipc_obj *o, uint32_t writer,
		       struct race_left_info *out)
{
	struct racesink *s = ctx;
	struct graph_left gl;

	if (!s->g || graph__reader_left(s->g, o, writer, &gl))
		return -ENOENT;
	*out = (struct race_left_info){ .pid = gl.pid, .tid = gl.tid, .ts_ns = gl.ns,
					.how = gl.how == GRAPH_LEFT_CLOSED ? RACE_LEFT_CLOSED :
									      RACE_LEFT_EXITED };
	return 0;
}

struct racesink *racesink__new(struct collector *c, struct stacks *st, struct graph *g,
			       struct contention *contention)
{
	struct racesink *s = calloc(1, sizeof(*s));
	struct races_env env = { .word_class = word_class, .reader_left = reader_left };
	int err;

	if (!s)
		return NULL;
	s->sink.ops = &racesink_ops;
	s->c = c;
	s->st = st;
	s->g = g;
	s->ct = contention;
	env.ctx = s;
	s->r = races__new(&env, NULL);
	if (!s->r) {
		err = errno;
		free(s);
		errno = err;
		return NULL;
	}
	return s;
}

struct races *racesink__races(struct racesink *s)
{
	return s->r;
}

struct sink *racesink__sink(struct racesink *s)
{
	return &s->sink;
}

static void racesink_free(struct sink *sk)
{
	struct racesink *s = sk ? of(sk) : NULL;

	if (!s)
		return;
	races__free(s->r);
	free(s);
}

static int racesink_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	return races__event(of(sk)->r, h, len);
}

static int racesink_finish(struct sink *sk)
{
	return races__finish(of(sk)->r);
}

static void racesink_interval_end(struct sink *sk)
{
	races__interval_end(of(sk)->r);
}

/* ---- names ---- */

static const char *lock_prefix(unsigned int kind)
{
	switch (kind) {
	case IPC_LOCK_MUTEX:
		return "mutex";
	case IPC_LOCK_RWLOCK_RD:
	case IPC_LOCK_RWLOCK_WR:
		return "rwlock";
	case IPC_LOCK_COND:
		return "cond";
	case IPC_LOCK_SEM:
		return "psem";
	default:
		return "lock";
	}
}

/* The object's id, as the graph and the contention report name it; *sym its global. */
static void obj_id(struct racesink *s, const struct race_obj *o, char *buf, size_t len,
		   const char **sym)
{
	char sig[32];

	*sym = NULL;
	switch (o->type) {
	case RO_FD:
		objkey__format(buf, len, &o->key, &o->sample, NULL);
		break;
	case RO_FUTEX:
		objkey__format(buf, len, &o->key, NULL, NULL);
		if (!o->key.dev)
			*sym = stacks__data_name(s->st, o->pid, o->addr);
		break;
	case RO_LOCK:
		snprintf(buf, len, "%s:0x%" PRIx64 "@%u", lock_prefix(o->lock_kind), o->addr,
			 o->pid);
		*sym = stacks__data_name(s->st, o->pid, o->addr);
		break;
	case RO_SIGNAL:
		snprintf(buf, len, "%s -> %d", ipc_signal_name(o->sig, sig, sizeof(sig)),
			 (int32_t)o->pid);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
}

static const char *thread_comm(struct racesink *s, uint32_t pid, uint32_t tid)
{
	const struct proctab *pt = collector__procs_const(s->c);
	const struct thread_info *t = tid ? proctab__thread(pt, tid) : NULL;

	if (t && t->pid == pid)
		return t->comm;
	return pid ? proctab__comm(pt, pid) : "kernel";
}

/* The frames of a side: its stack, else its call site; NULL when none. */
static const char *const *side_frames(struct racesink *s, const struct race_side *d,
				      uint32_t *nr, const char **site)
{
	int idx;

	*nr = 0;
	*site = NULL;
	if (d->stack >= 0 && d->pid) {
		idx = stacks__get(s->st, d->pid, d->stack);
		if (idx >= 0)
			return stacks__frames(s->st, idx, nr);
	}
	if (d->ip && d->pid)
		*site = stacks__code_name(s->st, d->pid, d->ip);
	return NULL;
}

/* ---- pattern details ---- */

enum dtype {
	DT_NONE = 0,
	DT_COUNT,
	DT_NS,		/* a duration */
	DT_TS,		/* a time */
	DT_LEFT,	/* enum race_left */
	DT_CHILD,	/* enum race_child */
	DT_CODE,	/* a code address of side 0's process */
	DT_HEX,
};

struct detail {
	uint8_t pattern;
	uint8_t variant;	/* RV_NR: any */
	struct {
		const char *key;
		uint8_t type;
	} d[RACE_D];
};

static const struct detail details[] = {
	{ RACE_PIPE_INTERLEAVE, RV_NR, { { "writers", DT_COUNT }, { "large_writes", DT_COUNT },
	  { "short_writes", DT_COUNT }, { "largest_write", DT_COUNT } } },
	{ RACE_STREAM_SPLIT, RV_NR, { { "readers", DT_COUNT }, { "split_messages", DT_COUNT } } },
	{ RACE_WRITE_NO_READER, RV_NR, { { "sigpipes", DT_COUNT }, { "reader_left", DT_LEFT } } },
	{ RACE_STALE_PID, RV_REUSED, { { "old_exit_ns", DT_TS } } },
	{ RACE_LOST_WAKEUP, RV_NR, { { "longest_wait_ns", DT_NS }, { "shortest_gap_ns", DT_NS },
	  { "word", DT_COUNT } } },
	{ RACE_FORK_LOCKED, RV_NR, { { "threads", DT_COUNT }, { "child", DT_CHILD } } },
	{ RACE_COND_MISUSE, RV_SIGNAL_FIRST, { { "longest_wait_ns", DT_NS },
	  { "shortest_gap_ns", DT_NS } } },
	{ RACE_HANDLER_LOCK, RV_NR, { { "handler", DT_CODE }, { "after_delivery_ns", DT_NS } } },
};

static const struct detail *detail_of(const struct race_flag *f)
{
	for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++)
		if (details[i].pattern == f->pattern &&
		    (details[i].variant == RV_NR || details[i].variant == f->variant))
			return &details[i];
	return NULL;
}

static const char *left_name(uint64_t v)
{
	return v == RACE_LEFT_CLOSED ? "closed" : v == RACE_LEFT_EXITED ? "exited" : "unknown";
}

static const char *child_name(uint64_t v)
{
	return v == RACE_CHILD_EXITED ? "exited" : v == RACE_CHILD_OTHER ? "ran_on" : "running";
}

/* ---- text ---- */

/* Names from traced processes may hold anything: one report line stays one line. */
static void put_line(FILE *out, char *line)
{
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fputs(line, out);
	fputc('\n', out);
}

static double rel_s(struct racesink *s, uint64_t ts)
{
	uint64_t t0 = collector__first_ns(s->c);

	return ts >= t0 ? (double)(ts - t0) / 1e9 : -(double)(t0 - ts) / 1e9;
}

static void side_text(struct racesink *s, const struct race_side *d, FILE *out)
{
	char line[1024], who[64], when[48] = "";
	const char *const *fr;
	const char *site;
	uint32_t nr;
	size_t n;

	if (d->tid)
		snprintf(who, sizeof(who), "%s[%u/%u]", thread_comm(s, d->pid, d->tid), d->pid,
			 d->tid);
	else if (d->pid)
		snprintf(who, sizeof(who), "%s[%u]", thread_comm(s, d->pid, 0), d->pid);
	else
		snprintf(who, sizeof(who), "?");
	if (d->ts_ns)
		snprintf(when, sizeof(when), " at %.6f", rel_s(s, d->ts_ns));
	n = snprintf(line, sizeof(line), "    %-19s %s%s", race_role_name(d->role), who, when);
	fr = side_frames(s, d, &nr, &site);
	if (fr) {
		n += snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0, ": ");
		for (uint32_t i = 0; i < nr && i < STACK_FRAMES && n < sizeof(line); i++)
			n += snprintf(line + n, sizeof(line) - n, "%s%s", i ? " <- " : "", fr[i]);
		if (nr > STACK_FRAMES && n < sizeof(line))
			snprintf(line + n, sizeof(line) - n, " <- ...");
	} else if (site && n < sizeof(line)) {
		snprintf(line + n, sizeof(line) - n, ": called from %s", site);
	}
	put_line(out, line);
}

static size_t detail_value(struct racesink *s, const struct race_flag *f, uint8_t type,
			   uint64_t v, char *buf, size_t len)
{
	const char *name;

	switch (type) {
	case DT_NS:
		return fmt_duration(buf, len, v);
	case DT_TS:
		return snprintf(buf, len, "%.6f", rel_s(s, v));
	case DT_LEFT:
		return snprintf(buf, len, "%s", left_name(v));
	case DT_CHILD:
		return snprintf(buf, len, "%s", child_name(v));
	case DT_CODE:
		name = stacks__code_name(s->st, f->side[0].pid, v + 1);
		return name ? snprintf(buf, len, "%s", name) :
			      snprintf(buf, len, "0x%" PRIx64, v);
	case DT_HEX:
		return snprintf(buf, len, "0x%" PRIx64, v);
	default:
		return snprintf(buf, len, "%" PRIu64, v);
	}
}

static void flag_text(struct racesink *s, const struct race_flag *f, size_t nr, FILE *out)
{
	const struct detail *dt = detail_of(f);
	char line[1024], id[NAME_LEN];
	const char *sym;
	size_t n;

	n = snprintf(line, sizeof(line), "[%zu] %s%s%s:", nr, race_pattern_name(f->pattern),
		     f->variant ? "/" : "", race_variant_name(f->variant));
	for (int i = 0; i < RACE_OBJS && f->obj[i].type && n < sizeof(line); i++) {
		obj_id(s, &f->obj[i], id, sizeof(id), &sym);
		n += snprintf(line + n, sizeof(line) - n, "%s %s%s%s%s", i ? "," : "", id,
			      sym ? " (" : "", sym ? sym : "", sym ? ")" : "");
	}
	if (n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, "  %" PRIu64 " time%s, %.6f .. %.6f",
			 f->count, f->count == 1 ? "" : "s", rel_s(s, f->first_ns),
			 rel_s(s, f->last_ns));
	put_line(out, line);
	fprintf(out, "    why: %s\n", race_why(f->pattern, f->variant));
	for (int i = 0; i < RACE_SIDES; i++)
		if (f->side[i].role)
			side_text(s, &f->side[i], out);
	if (!dt)
		return;
	n = snprintf(line, sizeof(line), "    details:");
	for (int i = 0; i < RACE_D && dt->d[i].key && n < sizeof(line); i++) {
		n += snprintf(line + n, sizeof(line) - n, " %s=", dt->d[i].key);
		if (n < sizeof(line))
			n += detail_value(s, f, dt->d[i].type, f->d[i], line + n,
					  sizeof(line) - n);
	}
	put_line(out, line);
}

/* The live view: counts per pattern, the interval's in parentheses. */
static void counts_text(struct racesink *s, FILE *out)
{
	uint64_t tot[RACE_PATTERN_NR] = { 0 }, cur[RACE_PATTERN_NR] = { 0 }, all = 0;
	char line[1024];
	size_t n;

	for (size_t i = 0; i < races__nr_flags(s->r); i++) {
		const struct race_flag *f = races__flag(s->r, i);

		if (!f)
			continue;
		tot[f->pattern] += f->count;
		cur[f->pattern] += f->cur;
		all += f->count;
	}
	if (!all)
		return;
	n = snprintf(line, sizeof(line), "POSSIBLE RACES (times, this interval):");
	for (unsigned int p = 1; p < RACE_PATTERN_NR && n < sizeof(line); p++)
		if (tot[p])
			n += snprintf(line + n, sizeof(line) - n, " %s %" PRIu64 " (+%" PRIu64 ")",
				      race_pattern_name(p), tot[p], cur[p]);
	put_line(out, line);
}

static void report_text(struct racesink *s, struct report *r)
{
	const struct races_stats *st = races__stats(s->r);
	size_t shown = 0;

	if (!r->final) {
		counts_text(s, r->out);
		return;
	}
	for (size_t i = 0; i < races__nr_flags(s->r); i++)
		shown += races__flag(s->r, i) != NULL;
	fprintf(r->out, "\nPOSSIBLE RACES%s\n", shown ? "" : ": none");
	for (size_t i = 0, k = 0; i < races__nr_flags(s->r); i++) {
		const struct race_flag *f = races__flag(s->r, i);

		if (f)
			flag_text(s, f, ++k, r->out);
	}
	if (st->flags_dropped || st->aged_out)
		fprintf(r->out, "    (race tables: %" PRIu64 " rows aged out, %" PRIu64
			" flags not kept: table full)\n", st->aged_out, st->flags_dropped);
}

/* ---- JSON ---- */

static void side_json(struct racesink *s, const struct race_side *d, struct jw *w)
{
	const char *const *fr;
	const char *site;
	uint32_t nr;

	jw__obj_begin(w);
	jw__kv_str(w, "role", race_role_name(d->role));
	jw__kv_u64(w, "pid", d->pid);
	if (d->tid)
		jw__kv_u64(w, "tid", d->tid);
	jw__kv_str(w, "comm", thread_comm(s, d->pid, d->tid));
	if (d->ts_ns)
		jw__kv_u64(w, "ts_ns", d->ts_ns);
	fr = side_frames(s, d, &nr, &site);
	if (fr) {
		jw__key(w, "stack");
		jw__arr_begin(w);
		for (uint32_t i = 0; i < nr; i++)
			jw__str(w, fr[i]);
		jw__arr_end(w);
	} else if (site) {
		jw__kv_str(w, "site", site);
	}
	jw__obj_end(w);
}

static void details_json(struct racesink *s, const struct race_flag *f, struct jw *w)
{
	const struct detail *dt = detail_of(f);
	char v[NAME_LEN];

	if (!dt)
		return;
	jw__key(w, "details");
	jw__obj_begin(w);
	for (int i = 0; i < RACE_D && dt->d[i].key; i++) {
		switch (dt->d[i].type) {
		case DT_LEFT:
			jw__kv_str(w, dt->d[i].key, left_name(f->d[i]));
			break;
		case DT_CHILD:
			jw__kv_str(w, dt->d[i].key, child_name(f->d[i]));
			break;
		case DT_CODE:
		case DT_HEX:
			detail_value(s, f, dt->d[i].type, f->d[i], v, sizeof(v));
			jw__kv_str(w, dt->d[i].key, v);
			break;
		default:
			jw__kv_u64(w, dt->d[i].key, f->d[i]);
			break;
		}
	}
	jw__obj_end(w);
}

static void flag_json(struct racesink *s, const struct race_flag *f, bool final, struct jw *w)
{
	char id[NAME_LEN];
	const char *sym;

	jw__obj_begin(w);
	jw__kv_str(w, "pattern", race_pattern_name(f->pattern));
	if (f->variant)
		jw__kv_str(w, "variant", race_variant_name(f->variant));
	jw__kv_u64(w, "count", final ? f->count : f->cur);
	jw__kv_u64(w, "first_ns", f->first_ns);
	jw__kv_u64(w, "last_ns", f->last_ns);
	jw__key(w, "objects");
	jw__arr_begin(w);
	for (int i = 0; i < RACE_OBJS && f->obj[i].type; i++) {
		obj_id(s, &f->obj[i], id, sizeof(id), &sym);
		jw__obj_begin(w);
		jw__kv_str(w, "id", id);
		if (sym)
			jw__kv_str(w, "symbol", sym);
		jw__obj_end(w);
	}
	jw__arr_end(w);
	jw__key(w, "sides");
	jw__arr_begin(w);
	for (int i = 0; i < RACE_SIDES; i++)
		if (f->side[i].role)
			side_json(s, &f->side[i], w);
	jw__arr_end(w);
	details_json(s, f, w);
	jw__kv_str(w, "why", race_why(f->pattern, f->variant));
	jw__obj_end(w);
}

static void report_json(struct racesink *s, struct report *r)
{
	const struct races_stats *st = races__stats(s->r);

	jw__key(r->jw, "races");
	jw__arr_begin(r->jw);
	for (size_t i = 0; i < races__nr_flags(s->r); i++) {
		const struct race_flag *f = races__flag(s->r, i);

		if (f && (r->final || f->cur))
			flag_json(s, f, r->final, r->jw);
	}
	jw__arr_end(r->jw);
	if (!r->final)
		return;
	jw__key(r->jw, "race_tables");
	jw__obj_begin(r->jw);
	jw__kv_u64(r->jw, "aged_out", st->aged_out);
	jw__kv_u64(r->jw, "flags_dropped", st->flags_dropped);
	jw__kv_u64(r->jw, "lock_records", st->lock_records);
	jw__kv_u64(r->jw, "sigreturns", st->sigreturns);
	jw__obj_end(r->jw);
}

static void racesink_report(struct sink *sk, struct report *r)
{
	struct racesink *s = of(sk);

	if (r->jw)
		report_json(s, r);
	else
		report_text(s, r);
}

static const struct sink_ops racesink_ops = {
	.name = "race flags",
	.event = racesink_event,
	.report = racesink_report,
	.interval_end = racesink_interval_end,
	.finish = racesink_finish,
	.free = racesink_free,
};
