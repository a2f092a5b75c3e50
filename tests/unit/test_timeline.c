// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * timeline: the file is valid JSON in the trace-event format (every event
 * of a known phase with the keys that phase needs, flows paired and bound
 * to a slice or an instant of their thread), and the arrows go from each
 * cause to its effect: pipe writes to the reads that took their bytes
 * (also when the read's record comes first), mq sends to receives by
 * priority, futex wakes to the waits they ended, signals to their
 * delivery, a fork to the child's first event.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "json_check.h"
#include "model/collector.h"
#include "output/timeline.h"

struct fx {
	struct collector *c;
	struct timeline *t;
	char path[64];
	char *text;
};

static int setup(void **state)
{
	static struct fx f;
	struct timeline_opts o = { .title = "test" };
	int fd;

	memset(&f, 0, sizeof(f));
	snprintf(f.path, sizeof(f.path), "/tmp/ipct-timeline-XXXXXX");
	fd = mkstemp(f.path);
	assert_true(fd >= 0);
	close(fd);
	o.path = f.path;
	f.c = collector__new();
	assert_non_null(f.c);
	f.t = timeline__new(f.c, NULL, &o);
	assert_non_null(f.t);
	assert_int_equal(collector__add_sink(f.c, timeline__sink(f.t)), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	collector__free(f->c);
	unlink(f->path);
	free(f->text);
	return 0;
}

static void hdr(struct ipc_hdr *h, uint16_t type, uint16_t op, uint16_t sys, uint32_t pid,
		uint32_t tid, uint64_t ts, uint64_t dur, const char *comm)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->sys = sys;
	h->pid = pid;
	h->tid = tid;
	h->ts_ns = ts;
	h->dur_ns = dur;
	h->stack_id = -1;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
}

static void push(struct fx *f, const void *rec, size_t len)
{
	assert_int_equal(collector__push(f->c, rec, len), 0);
}

static void pipe_io(struct fx *f, uint32_t pid, bool write, uint64_t bytes, uint64_t ts)
{
	struct ipc_ev_io e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, IPC_REC_IO, write ? IPC_OP_PIPE_WRITE : IPC_OP_PIPE_READ,
	    write ? IPC_SYS_WRITE : IPC_SYS_READ, pid, pid, ts, 1000, write ? "w" : "r");
	e.hdr.ret = bytes;
	e.obj.kind = IPC_OBJ_PIPE;
	e.obj.dev = 13;
	e.obj.ino = 4242;
	e.fd = write ? 4 : 3;
	e.req = bytes;
	e.bytes = bytes;
	e.msgs = 1;
	push(f, &e, sizeof(e));
}

static void futex(struct fx *f, uint32_t tid, bool wake, uint64_t ts, uint64_t dur, int64_t ret)
{
	struct ipc_ev_futex e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, IPC_REC_FUTEX, wake ? IPC_OP_FUTEX_WAKE : IPC_OP_FUTEX_WAIT, IPC_SYS_FUTEX, 50,
	    tid, ts, dur, "worker");
	e.hdr.ret = ret;
	if (!wake)
		e.hdr.flags = IPC_EVF_BLOCKED;
	e.uaddr = 0x1000;
	e.cmd = (wake ? 1 : 0) | 128;
	e.val = wake ? 1 : 2;
	e.fflags = 1;	/* IPC_FUTEX_PRIVATE */
	push(f, &e, sizeof(e));
}

static void mq(struct fx *f, uint32_t pid, bool send, uint32_t prio, uint64_t ts)
{
	struct ipc_ev_mq e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, IPC_REC_MQ, send ? IPC_OP_MQ_SEND : IPC_OP_MQ_RECEIVE,
	    send ? IPC_SYS_MQ_TIMEDSEND : IPC_SYS_MQ_TIMEDRECEIVE, pid, pid, ts, 500, "q");
	e.hdr.ret = send ? 0 : 10;
	e.obj.kind = IPC_OBJ_MQ;
	e.obj.dev = 20;
	e.obj.ino = 77;
	e.mqd = 3;
	e.prio = prio;
	e.len = send ? 10 : 8192;
	e.timeout_ns = -1;
	e.curmsgs = -1;
	snprintf(e.name, sizeof(e.name), "/jobs");
	push(f, &e, sizeof(e));
}

static void sig(struct fx *f, uint16_t op, uint32_t pid, uint32_t target, uint64_t ts)
{
	struct ipc_ev_signal e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, IPC_REC_SIGNAL, op, op == IPC_OP_SIGNAL_GENERATE ?
	    IPC_SYS_HOOK_SIGNAL_GENERATE : IPC_SYS_HOOK_SIGNAL_DELIVER, pid, pid, ts, 0, "s");
	e.sig = 10;
	e.target_pid = e.target_tid = target;
	e.result = op == IPC_OP_SIGNAL_GENERATE ? IPC_SIG_DELIVERED : -1;
	push(f, &e, sizeof(e));
}

static void fork_rec(struct fx *f, uint32_t parent, uint32_t child, uint64_t ts)
{
	struct ipc_ev_proc e;

	memset(&e, 0, sizeof(e));
	hdr(&e.hdr, IPC_REC_PROC, IPC_OP_PROC_FORK, IPC_SYS_HOOK_FORK, parent, parent, ts, 0, "sh");
	e.child_pid = e.child_tid = child;
	push(f, &e, sizeof(e));
}

static void finish(struct fx *f)
{
	FILE *in;
	long n;

	assert_int_equal(collector__finish(f->c), 0);
	in = fopen(f->path, "r");
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	f->text = calloc(1, n + 1);
	assert_int_equal(fread(f->text, 1, n, in), (size_t)n);
	fclose(in);
}

/* A trace-event checker over the file's lines (one event per line). */

struct ev {
	char ph;
	uint32_t pid, tid;
	double ts, dur;
	long long id;
	char name[160];
	bool bp_e, scope_t, has_args;
};

/* The value after "key": in line (top level keys come first, args last). */
static const char *find_key(const char *line, const char *key)
{
	char pat[32];
	const char *args = strstr(line, "\"args\":");
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	if (!p || (args && p > args))
		return NULL;
	return p + strlen(pat);
}

static size_t parse_events(const char *text, struct ev *evs, size_t max)
{
	const char *p = strchr(text, '\n') + 1;
	size_t n = 0;

	assert_true(!strncmp(text, "{\"traceEvents\":[\n", 17));
	while (*p && *p != ']') {
		const char *end = strchr(p, '\n');
		size_t len = end - p - (end[-1] == ',');
		char *line = strndup(p, len);
		struct ev *e = &evs[n++];
		const char *v;

		assert_true(n <= max);
		memset(e, 0, sizeof(*e));
		assert_true(json_valid(line));
		v = find_key(line, "ph");
		assert_non_null(v);
		e->ph = v[1];
		assert_non_null(strchr("XisfCM", e->ph));
		assert_non_null(v = find_key(line, "name"));
		sscanf(v, "\"%159[^\"]\"", e->name);
		assert_non_null(v = find_key(line, "pid"));
		e->pid = strtoul(v, NULL, 10);
		assert_non_null(v = find_key(line, "tid"));
		e->tid = strtoul(v, NULL, 10);
		assert_non_null(v = find_key(line, "ts"));
		e->ts = strtod(v, NULL);
		e->has_args = strstr(line, "\"args\":{") != NULL;
		if ((v = find_key(line, "dur")))
			e->dur = strtod(v, NULL);
		if ((v = find_key(line, "id")))
			e->id = strtoll(v, NULL, 10);
		e->bp_e = strstr(line, "\"bp\":\"e\"") != NULL;
		e->scope_t = strstr(line, "\"s\":\"t\"") != NULL;
		switch (e->ph) {
		case 'X':
			assert_non_null(find_key(line, "dur"));
			assert_true(e->dur >= 0);
			break;
		case 'i':
			assert_true(e->scope_t);
			break;
		case 's':
		case 'f':
			assert_non_null(find_key(line, "id"));
			assert_non_null(strstr(line, "\"cat\":\"flow\""));
			assert_true(e->ph == 's' || e->bp_e);
			break;
		case 'C':
		case 'M':
			assert_true(e->has_args);
			break;
		}
		free(line);
		p = end + 1;
	}
	assert_true(!strncmp(p, "],\"displayTimeUnit\":\"ns\",\"otherData\":{", 38));
	return n;
}

/* The slice or instant of thread (pid, tid) a flow event at ts binds to. */
static const struct ev *bound(const struct ev *evs, size_t n, const struct ev *fl)
{
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &evs[i];

		if (e->pid != fl->pid || e->tid != fl->tid)
			continue;
		if (e->ph == 'X' && fl->ts >= e->ts && fl->ts <= e->ts + e->dur)
			return e;
		if (e->ph == 'i' && fl->ts == e->ts)
			return e;
	}
	return NULL;
}

struct arrow {
	char kind[16];
	char from[192], to[192];
};

/* Every flow: exactly one start and one end, each bound; returns the arrows. */
static size_t arrows(const struct ev *evs, size_t n, struct arrow *out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ev *s = &evs[i], *f = NULL, *from, *to;

		if (s->ph == 'f') {
			bool has_start = false;

			for (size_t j = 0; j < n; j++)
				has_start |= evs[j].ph == 's' && evs[j].id == s->id;
			assert_true(has_start);
		}
		if (s->ph != 's')
			continue;
		for (size_t j = 0; j < n; j++) {
			if (evs[j].ph == 'f' && evs[j].id == s->id) {
				assert_null(f);		/* one end per flow */
				f = &evs[j];
			}
		}
		assert_non_null(f);
		assert_string_equal(s->name, f->name);
		from = bound(evs, n, s);
		to = bound(evs, n, f);
		assert_non_null(from);
		assert_non_null(to);
		assert_true(k < max);
		snprintf(out[k].kind, sizeof(out[k].kind), "%s", s->name);
		snprintf(out[k].from, sizeof(out[k].from), "%s@%u", from->name, from->tid);
		snprintf(out[k].to, sizeof(out[k].to), "%s@%u", to->name, to->tid);
		k++;
	}
	return k;
}

static size_t count_arrows(const struct arrow *a, size_t n, const char *kind, const char *from,
			   const char *to)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += !strcmp(a[i].kind, kind) && !strcmp(a[i].from, from) && !strcmp(a[i].to, to);
	return c;
}

static void test_format_and_arrows(void **state)
{
	struct fx *f = *state;
	static struct ev evs[512];
	static struct arrow ar[64];
	size_t n, k;

	/*
	 * a pipe: 100 + 50 bytes written, read as 120 then 30; the record of the
	 * read of 120 comes before the write of 50 that gave it its last 20 bytes
	 */
	pipe_io(f, 10, true, 100, 1000000);
	pipe_io(f, 11, false, 120, 3000000);
	pipe_io(f, 10, true, 50, 2000000);
	pipe_io(f, 11, false, 30, 3500000);
	/* futex: tid 51 waits 1 ms, tid 52's wake ends it; the wake's record comes last */
	futex(f, 51, false, 10000000, 1000000, 0);
	futex(f, 52, true, 10500000, 2000, 1);
	/* a waker preempted after its entry: its call started before the waiter's */
	futex(f, 53, false, 11000000, 500000, 0);
	futex(f, 52, true, 10990000, 200000, 1);
	/* a wake that woke nobody and a wait that did not sleep: no arrow */
	futex(f, 52, true, 12000000, 1000, 0);
	/* mq: prio 5 overtakes prio 1 */
	mq(f, 20, true, 1, 20000000);
	mq(f, 20, true, 5, 20100000);
	mq(f, 21, false, 5, 20200000);
	mq(f, 21, false, 1, 20300000);
	/* a signal to 31, delivered */
	sig(f, IPC_OP_SIGNAL_GENERATE, 30, 31, 30000000);
	sig(f, IPC_OP_SIGNAL_DELIVER, 31, 31, 30050000);
	/* a fork and the child's first event */
	fork_rec(f, 40, 41, 40000000);
	pipe_io(f, 41, true, 1, 40100000);
	finish(f);
	assert_true(json_valid(f->text));
	n = parse_events(f->text, evs, sizeof(evs) / sizeof(evs[0]));
	k = arrows(evs, n, ar, sizeof(ar) / sizeof(ar[0]));
	/* write 100 -> read 120; write 50 -> read 120 and read 30 */
	assert_int_equal(count_arrows(ar, k, "data", "pipe_write pipe:[4242]@10",
				      "pipe_read pipe:[4242]@11"), 3);
	assert_int_equal(count_arrows(ar, k, "wake", "futex_wake futex:0x1000@52",
				      "futex_wait futex:0x1000@51"), 1);
	assert_int_equal(count_arrows(ar, k, "wake", "futex_wake futex:0x1000@52",
				      "futex_wait futex:0x1000@53"), 1);
	assert_int_equal(count_arrows(ar, k, "data", "mq_send mq:/jobs@20", "mq_receive mq:/jobs@21"),
			 2);
	assert_int_equal(count_arrows(ar, k, "signal", "signal_generate SIGUSR1 -> 31@30",
				      "signal_deliver SIGUSR1 -> 31@31"), 1);
	assert_int_equal(count_arrows(ar, k, "fork", "proc_fork child=41@40",
				      "pipe_write pipe:[4242]@41"), 1);
	assert_int_equal(k, 3 + 2 + 2 + 1 + 1);
	/* the receive of prio 5 took the second send (times in us from the first record) */
	for (size_t i = 0; i < n; i++) {
		if (evs[i].ph != 's' || evs[i].pid != 20)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (evs[j].ph != 'f' || evs[j].id != evs[i].id)
				continue;
			if (evs[j].ts == 19200.25)
				assert_true(evs[i].ts == 19100.25);
			else
				assert_true(evs[j].ts == 19300.25 && evs[i].ts == 19000.25);
		}
	}
	/* a counter for the pipe's bytes, on the objects' track */
	assert_non_null(strstr(f->text, "{\"ph\":\"C\",\"name\":\"pipe:[4242]\",\"cat\":\"counter\","
			       "\"pid\":0,"));
	assert_non_null(strstr(f->text, "\"flows_data\":5,\"flows_wake\":2,\"flows_signal\":1,"
			       "\"flows_fork\":1,"));
}

/* A thread's name comes from the trace; slices carry the op, object, bytes and result. */
static void test_names_and_args(void **state)
{
	struct fx *f = *state;

	pipe_io(f, 10, true, 64, 1000000);
	finish(f);
	assert_true(json_valid(f->text));
	assert_non_null(strstr(f->text, "{\"ph\":\"X\",\"name\":\"pipe_write pipe:[4242]\","
			       "\"cat\":\"pipe\",\"pid\":10,\"tid\":10,\"ts\":"));
	assert_non_null(strstr(f->text, "\"dur\":1.000,\"args\":{\"object\":\"pipe:[4242]\","
			       "\"ret\":64,\"bytes\":64}}"));
	assert_non_null(strstr(f->text, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":10,"
			       "\"tid\":10,"));
	assert_non_null(strstr(f->text, "\"args\":{\"name\":\"w\"}}"));
	assert_non_null(strstr(f->text, "\"name\":\"process_name\",\"pid\":0,"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_and_arrows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_and_args, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
