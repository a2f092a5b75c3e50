// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Byte-stream patterns: several writers on a pipe with writes that are
 * not atomic (2), several readers splitting the messages of one byte
 * stream (2), and writes after the reader left (3).
 *
 * A stream is one direction of a channel: a pipe or FIFO; for a stream
 * socket, the bytes going into one socket (its reads, and the sends of its
 * peer).  A unix socket's receiving end is its inode; a TCP connection's
 * the local port of the receiving side.
 */
#include <errno.h>
#include <string.h>

#include "analysis/races_int.h"

#define SOCK_STREAM_NR	1

static bool is_pipe(const struct ipc_obj *o)
{
	return o->kind == IPC_OBJ_PIPE || o->kind == IPC_OBJ_FIFO;
}

/* The stream an operation puts bytes into (write) or takes them from (read). */
static int stream_key_of(const struct ipc_obj *o, bool write, struct stream_key *k)
{
	memset(k, 0, sizeof(*k));
	if (is_pipe(o))
		return objkey__from_obj(o, &k->obj);
	if (o->sock_type != SOCK_STREAM_NR)
		return -ENOENT;
	if (o->kind == IPC_OBJ_UNIX) {
		k->obj.kind = IPC_OBJ_UNIX;
		k->end = write ? o->peer_ino : o->ino;
		return k->end ? 0 : -ENOENT;
	}
	if (o->kind != IPC_OBJ_TCP || !o->rport || objkey__from_obj(o, &k->obj))
		return -ENOENT;
	k->end = write ? o->rport : o->lport;
	return 0;
}

/* Add tid to a set of at most ST_TIDS; the count goes on past it. */
static void tid_add(uint32_t *tids, uint32_t *pids, uint32_t *nr, uint32_t tid, uint32_t pid)
{
	uint32_t n = *nr < ST_TIDS ? *nr : ST_TIDS;

	for (uint32_t i = 0; i < n; i++)
		if (tids[i] == tid)
			return;
	if (*nr < ST_TIDS) {
		tids[*nr] = tid;
		pids[*nr] = pid;
	}
	if (*nr < UINT32_MAX)
		(*nr)++;
}

/* A write ended at w_off: a message boundary the readers have to reach. */
static void bound_add(struct rstream *s, uint64_t bytes)
{
	s->w_off += bytes;
	if (s->b_nr == ST_BOUNDS) {	/* the readers are far behind: forget the oldest */
		s->lost_until = s->bounds[s->b_head];
		s->b_head = (s->b_head + 1) % ST_BOUNDS;
		s->b_nr--;
	}
	s->bounds[(s->b_head + s->b_nr) % ST_BOUNDS] = s->w_off;
	s->b_nr++;
}

/*
 * The reads reached r_off: does it fall on a boundary?  1 yes, 0 inside a
 * message, -1 unknown (bytes the trace did not see written, or boundaries
 * it had to forget).
 */
static int on_boundary(struct rstream *s)
{
	uint64_t last = 0;

	while (s->b_nr && s->bounds[s->b_head] <= s->r_off) {
		last = s->bounds[s->b_head];
		s->b_head = (s->b_head + 1) % ST_BOUNDS;
		s->b_nr--;
	}
	if (s->r_off > s->w_off || s->r_off <= s->lost_until)
		return -1;
	return last == s->r_off;
}

/* Another member of a set than tid, or 0. */
static uint32_t other_of(const uint32_t *tids, uint32_t nr, uint32_t tid, uint32_t *idx)
{
	for (uint32_t i = 0; i < nr && i < ST_TIDS; i++) {
		if (tids[i] != tid) {
			*idx = i;
			return tids[i];
		}
	}
	return 0;
}

static int interleave_flag(struct races *r, struct rstream *s, const struct ipc_hdr *h)
{
	struct race_flag proto, *f;
	struct flag_key fk;
	uint32_t i = 0, other;
	int32_t idx;

	memset(&fk, 0, sizeof(fk));
	fk.pattern = RACE_PIPE_INTERLEAVE;
	fk.obj[0] = s->key.obj;
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_WRITER, s->risky_pid, s->risky_tid, s->risky_stack,
		  s->risky_first);
	other = other_of(s->writers, s->nr_writers, s->risky_tid, &i);
	if (other)
		race_side(&proto.side[1], RR_WRITER, s->wpids[i], other, -1, 0);
	race_obj_fd(&proto.obj[0], &s->sample);
	f = race_raise(r, &fk, &proto, h->ts_ns, &idx);
	if (!f)
		return 0;
	f->variant = s->large ? RV_LARGE_WRITES : RV_SHORT_WRITES;
	f->count = s->risky;
	f->first_ns = s->risky_first;
	f->d[0] = s->nr_writers;
	f->d[1] = s->large;
	f->d[2] = s->shorts;
	f->d[3] = s->largest;
	if (f->side[1].tid == h->tid && f->side[1].stack < 0)
		f->side[1].stack = h->stack_id;
	return 0;
}

static int stream_write(struct races *r, struct rstream *s, const struct ipc_ev_io *e)
{
	const struct ipc_hdr *h = &e->hdr;
	bool large, shrt;

	tid_add(s->writers, s->wpids, &s->nr_writers, h->tid, h->pid);
	if (h->ret <= 0)
		return 0;
	bound_add(s, e->bytes);
	if (!is_pipe(&e->obj))
		return 0;
	large = e->req > RACE_PIPE_BUF;
	shrt = e->bytes < e->req;
	if (!large && !shrt)
		return 0;
	s->large += large;
	s->shorts += shrt;
	s->risky++;
	if (e->req > s->largest)
		s->largest = e->req;
	if (!s->risky_first) {
		s->risky_first = h->ts_ns;
		s->risky_stack = h->stack_id;
		s->risky_tid = h->tid;
		s->risky_pid = h->pid;
	}
	if (s->nr_writers < 2)
		return 0;
	return interleave_flag(r, s, h);
}

/*
 * A message split between readers: a read stopped inside a message, and the
 * next read of the stream is another thread's, which gets the rest.  A
 * reader that takes a message in several reads (a length, then the body:
 * under a lock) is no split.
 */
static int split_flag(struct races *r, struct rstream *s, const struct ipc_hdr *h)
{
	struct race_flag proto, *f;
	struct flag_key fk;
	int32_t idx;

	s->splits++;
	memset(&fk, 0, sizeof(fk));
	fk.pattern = RACE_STREAM_SPLIT;
	fk.obj[0] = s->key.obj;
	fk.addr[0] = s->key.end;
	memset(&proto, 0, sizeof(proto));
	race_side(&proto.side[0], RR_READER, s->mid_pid, s->mid_tid, s->mid_stack, s->mid_ts);
	race_side(&proto.side[1], RR_READER, h->pid, h->tid, h->stack_id, h->ts_ns);
	race_obj_fd(&proto.obj[0], &s->sample);
	f = race_raise(r, &fk, &proto, h->ts_ns, &idx);
	if (f) {
		f->d[0] = s->nr_readers;
		f->d[1] = s->splits;
	}
	return 0;
}

static int stream_read(struct races *r, struct rstream *s, const struct ipc_ev_io *e)
{
	const struct ipc_hdr *h = &e->hdr;
	int err = 0, b;

	if (h->ret <= 0)
		return 0;
	tid_add(s->readers, s->rpids, &s->nr_readers, h->tid, h->pid);
	if (s->mid_tid && s->mid_tid != h->tid)
		err = split_flag(r, s, h);
	s->r_off += e->bytes;
	b = on_boundary(s);
	s->mid_tid = b == 0 ? h->tid : 0;
	s->mid_pid = h->pid;
	s->mid_stack = h->stack_id;
	s->mid_ts = h->ts_ns;
	return err;
}

/* 3: EPIPE: every read side is gone. */
static int epipe(struct races *r, const struct ipc_ev_io *e)
{
	const struct ipc_hdr *h = &e->hdr;
	struct race_left_info left = { 0 };
	struct race_flag proto, *f;
	struct flag_key fk;
	struct rthread *t;
	int32_t idx;

	memset(&fk, 0, sizeof(fk));
	memset(&proto, 0, sizeof(proto));
	fk.pattern = RACE_WRITE_NO_READER;
	fk.pid[0] = h->pid;
	race_obj_fd(&proto.obj[0], &e->obj);
	fk.obj[0] = proto.obj[0].key;
	race_side(&proto.side[0], RR_WRITER, h->pid, h->tid, h->stack_id, h->ts_ns);
	if (r->env.reader_left && !r->env.reader_left(r->env.ctx, &e->obj, h->pid, &left)) {
		race_side(&proto.side[1], RR_READER_LEFT, left.pid, left.tid, -1, left.ts_ns);
		proto.d[1] = left.how;
	}
	f = race_raise(r, &fk, &proto, h->ts_ns, &idx);
	t = race_thread_find(r, h->tid);
	if (f && t && t->sigpipe_ts >= h->ts_ns && t->sigpipe_ts <= h->ts_ns + h->dur_ns) {
		f->d[0]++;
		t->sigpipe_ts = 0;
	}
	return 0;
}

int races_io(struct races *r, const struct ipc_ev_io *e)
{
	const struct ipc_hdr *h = &e->hdr;
	bool write = h->op == IPC_OP_PIPE_WRITE || h->op == IPC_OP_SOCK_SEND;
	struct stream_key k;
	struct rstream *s;
	bool created;

	if (write && h->ret == -EPIPE)
		return epipe(r, e);
	if (h->ret <= 0 && !write)
		return 0;
	if (stream_key_of(&e->obj, write, &k))
		return 0;
	s = rtab_get(&r->streams, &k, h->ts_ns, &created);
	if (!s)
		return -ENOMEM;
	if (created) {
		s->sample = e->obj;
		s->risky_stack = -1;
	}
	return write ? stream_write(r, s, e) : stream_read(r, s, e);
}
