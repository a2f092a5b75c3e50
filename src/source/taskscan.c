// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A look at the blocked threads (see taskscan.h).  One iterator read for
 * every thread, then per blocked thread a few small reads of /proc and of
 * its memory: the cost is per blocked thread, not per event, and a look is
 * taken once an interval.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "decode/decode.h"
#include "decode/names.h"
#include "lib/hmap.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/syms.h"
#include "probe/loader.h"
#include "probe/syscalls.h"
#include "source/procfs.h"
#include "source/taskscan.h"

/* futex(2) commands (include/uapi/linux/futex.h) */
#define FUTEX_WAIT		0
#define FUTEX_LOCK_PI		6
#define FUTEX_WAIT_BITSET	9
#define FUTEX_LOCK_PI2		13
#define FUTEX_CMD_MASK		0x7f
#define FUTEX_TID_MASK		0x3fffffff
#define P_PID			1

/* Collector-made stack ids: apart from the kernel's stack map ids. */
#define SCAN_STACK_BASE		0x30000000
#define SCAN_MAX_FRAMES		64

/*
 * What a look found out about a thread that only costs reads of /proc and
 * of its memory: kept for the next look, where a thread that has not woken
 * since (the same voluntary switch count, the same call) waits for the same
 * thing, so those reads are not made again.
 */
struct scan_seen {
	uint32_t tid;
	int32_t sc_nr;
	uint64_t nvcsw;
	uint64_t args[2];
	uint32_t wait;
	uint32_t bflags;	/* IPC_BLK_OWNER, IPC_BLK_WORD */
	int32_t owner;
	uint32_t owner_pid;
	uint32_t word;
	uint64_t addr;
	int32_t stack_id;
	char wchan[32];
};

struct taskscan {
	struct loader *loader;
	struct collector *c;
	struct taskscan_opts opts;
	uint8_t sc_table[IPC_SC_TABLE_SIZE];
	struct hmap *asked;		/* pid -> 1: processes asked about */
	struct hmap *maps_done;		/* pid -> 1: maps pushed */
	struct hmap *stack_ids;		/* struct scan_stack_key -> stack id */
	int32_t next_stack;
	struct ipc_rec_stack stack;	/* reused */
	struct vec seen[2];		/* struct scan_seen: the last look's, this look's */
	struct hmap *seen_idx;		/* tid -> index in seen[!cur] (the last look) */
	struct hmap *alive;		/* this look: owner tid -> its process, or 0 if gone */
	struct hmap *children_sent;	/* pid -> 1: IPC_REC_TASK pushed for a waited child */
	int cur;
};

struct scan_stack_key {
	uint32_t pid;
	uint32_t nr;
	uint64_t ips[SCAN_MAX_FRAMES];
};

struct taskscan *taskscan__new(struct loader *l, struct collector *c,
			       const struct taskscan_opts *o)
{
	struct taskscan *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return NULL;
	ts->loader = l;
	ts->c = c;
	ts->opts = *o;
	ts->next_stack = SCAN_STACK_BASE;
	syscalls__fill_table(ts->sc_table, IPC_FAM_ALL);
	ts->asked = hmap__new(sizeof(uint32_t));
	ts->maps_done = hmap__new(sizeof(uint32_t));
	ts->stack_ids = hmap__new(sizeof(struct scan_stack_key));
	ts->seen_idx = hmap__new(sizeof(uint32_t));
	ts->alive = hmap__new(sizeof(int32_t));
	ts->children_sent = hmap__new(sizeof(uint32_t));
	vec__init(&ts->seen[0], sizeof(struct scan_seen));
	vec__init(&ts->seen[1], sizeof(struct scan_seen));
	if (!ts->asked || !ts->maps_done || !ts->stack_ids || !ts->seen_idx || !ts->alive ||
	    !ts->children_sent) {
		taskscan__free(ts);
		errno = ENOMEM;
		return NULL;
	}
	return ts;
}

void taskscan__free(struct taskscan *ts)
{
	if (!ts)
		return;
	hmap__free(ts->asked);
	hmap__free(ts->maps_done);
	hmap__free(ts->stack_ids);
	hmap__free(ts->seen_idx);
	hmap__free(ts->alive);
	hmap__free(ts->children_sent);
	vec__release(&ts->seen[0]);
	vec__release(&ts->seen[1]);
	free(ts);
}

int taskscan__ask(struct taskscan *ts, uint32_t pid)
{
	bool created;
	int err;

	if (!hmap__upsert(ts->asked, &pid, 1, &created))
		return -ENOMEM;
	if (!created)
		return 0;
	err = loader__ask_pid(ts->loader, pid);
	if (err)
		hmap__remove(ts->asked, &pid);
	return err;
}

bool taskscan__asked(const struct taskscan *ts, uint32_t pid)
{
	return hmap__find(ts->asked, &pid) != NULL;
}

static bool is_ipc_kind(unsigned int kind)
{
	switch (kind) {
	case IPC_OBJ_PIPE:
	case IPC_OBJ_FIFO:
	case IPC_OBJ_UNIX:
	case IPC_OBJ_TCP:
	case IPC_OBJ_UDP:
	case IPC_OBJ_INET:
	case IPC_OBJ_MQ:
		return true;
	default:
		return false;
	}
}

static bool is_pipe_kind(unsigned int kind)
{
	return kind == IPC_OBJ_PIPE || kind == IPC_OBJ_FIFO;
}

static unsigned int futex_op(unsigned int cmd)
{
	switch (cmd & FUTEX_CMD_MASK) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		return IPC_OP_FUTEX_WAIT;
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		return IPC_OP_FUTEX_LOCK_PI;
	default:
		return IPC_OP_FUTEX_OTHER;
	}
}

unsigned int taskscan__op(unsigned int sys, const __u64 *args, const struct ipc_obj *obj)
{
	bool pipe = is_pipe_kind(obj->kind), ipc = is_ipc_kind(obj->kind);

	switch (sys) {
	case IPC_SYS_READ:
	case IPC_SYS_READV:
	case IPC_SYS_SPLICE:
	case IPC_SYS_TEE:
	case IPC_SYS_RECVFROM:
	case IPC_SYS_RECVMSG:
	case IPC_SYS_RECVMMSG:
		return !ipc || obj->kind == IPC_OBJ_MQ ? IPC_OP_NONE :
		       pipe ? IPC_OP_PIPE_READ : IPC_OP_SOCK_RECV;
	case IPC_SYS_WRITE:
	case IPC_SYS_WRITEV:
	case IPC_SYS_VMSPLICE:
	case IPC_SYS_SENDTO:
	case IPC_SYS_SENDMSG:
	case IPC_SYS_SENDMMSG:
		return !ipc || obj->kind == IPC_OBJ_MQ ? IPC_OP_NONE :
		       pipe ? IPC_OP_PIPE_WRITE : IPC_OP_SOCK_SEND;
	case IPC_SYS_ACCEPT:
	case IPC_SYS_ACCEPT4:
		return IPC_OP_SOCK_ACCEPT;
	case IPC_SYS_CONNECT:
		return IPC_OP_SOCK_CONNECT;
	case IPC_SYS_MQ_TIMEDSEND:
		return IPC_OP_MQ_SEND;
	case IPC_SYS_MQ_TIMEDRECEIVE:
		return IPC_OP_MQ_RECEIVE;
	case IPC_SYS_FUTEX:
		return futex_op(args[1]);
	case IPC_SYS_FUTEX_WAIT:
		return IPC_OP_FUTEX_WAIT;
	case IPC_SYS_FUTEX_WAITV:
		return IPC_OP_FUTEX_WAITV;
	case IPC_SYS_SEMOP:
	case IPC_SYS_SEMTIMEDOP:
		return IPC_OP_SEM_OP;
	default:
		return IPC_OP_NONE;
	}
}

static char state_letter(uint32_t state)
{
	if ((state & 0x2) && (state & 0x400))
		return 'I';	/* TASK_IDLE: uninterruptible without load */
	if (state & 0x2)
		return 'D';
	if (state & 0x1)
		return 'S';
	if (state & 0x4)
		return 'T';
	if (state & 0x8)
		return 't';
	return '?';
}

static int read_mem(uint32_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* The process of a thread, or <= 0 when it does not exist: asked once per look. */
static int owner_tgid(struct taskscan *ts, int32_t tid)
{
	uint64_t *slot;
	bool created;
	int tgid;

	if (tid <= 0)
		return -1;
	slot = hmap__upsert(ts->alive, &tid, 0, &created);
	if (slot && !created)
		return (int)*slot;
	tgid = procfs__tgid_of(tid);
	if (slot)
		*slot = tgid > 0 ? (uint64_t)tgid : 0;
	return tgid;
}

static void set_owner(struct taskscan *ts, struct ipc_rec_blocked *b, unsigned int wait,
		      int32_t owner)
{
	int tgid = owner_tgid(ts, owner);

	b->wait = wait;
	b->owner = owner;
	b->bflags |= IPC_BLK_OWNER;
	if (tgid > 0)
		b->owner_pid = tgid;
	else
		b->bflags |= IPC_BLK_OWNER_GONE;
}

/*
 * A futex wait, told apart by glibc's patterns: a mutex waits for the value
 * 2 with its owner's tid 8 bytes further (pthread_mutex_t.__data.__owner);
 * a robust or PI lock keeps the owner's tid in the word; pthread_join waits
 * for the joined thread's tid to clear, the word being that tid.  Anything
 * else (condition variables, semaphores, barriers) has no owner to name.
 */
static void classify_futex(struct taskscan *ts, struct ipc_rec_blocked *b)
{
	unsigned int cmd = b->args[1] & FUTEX_CMD_MASK;
	uint32_t val = (uint32_t)b->args[2];
	int32_t mem[3];

	b->addr = b->args[0];
	b->wait = IPC_WAIT_FUTEX;
	if (read_mem(b->hdr.pid, b->addr, mem, sizeof(mem)))
		return;
	b->word = (uint32_t)mem[0];
	b->bflags |= IPC_BLK_WORD;
	if (cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2) {
		set_owner(ts, b, IPC_WAIT_PI, b->word & FUTEX_TID_MASK);
		return;
	}
	if (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return;
	if (val == 2 && b->word == 2 && mem[2] > 0) {
		set_owner(ts, b, IPC_WAIT_MUTEX, mem[2]);
		return;
	}
	if (val == b->word && val > 2 && (val & FUTEX_TID_MASK) == val &&
	    owner_tgid(ts, val) == (int)b->hdr.pid) {
		set_owner(ts, b, IPC_WAIT_JOIN, val);
		return;
	}
	/* a robust mutex: owner tid in the word, FUTEX_WAITERS set */
	if ((b->word & 0x80000000u) && (b->word & FUTEX_TID_MASK) > 2 && mem[2] ==
	    (int32_t)(b->word & FUTEX_TID_MASK))
		set_owner(ts, b, IPC_WAIT_MUTEX, b->word & FUTEX_TID_MASK);
}

static int push_rec(void *ctx, const void *rec, size_t len)
{
	struct taskscan *ts = ctx;

	return collector__push(ts->c, rec, len);
}

/*
 * The children a wait4(-1) waits for, made known to the model (an
 * IPC_REC_TASK each, with its parent), once per child: the trace may not
 * have seen them fork.
 */
static void tell_children(struct taskscan *ts, const struct ipc_rec_blocked *b)
{
	char path[64], buf[4096], *p, *end;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/children", b->hdr.pid, b->hdr.tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (p = buf; *p; p = end) {
		unsigned long child = strtoul(p, &end, 10);
		uint32_t pid = child;
		bool created;

		if (end == p)
			break;
		if (!child || child > UINT32_MAX ||
		    !hmap__upsert(ts->children_sent, &pid, 1, &created) || !created)
			continue;
		procfs__snapshot_task(pid, push_rec, ts);
	}
}

static void classify_child(struct taskscan *ts, struct ipc_rec_blocked *b)
{
	int32_t who;

	if (!strcmp(b->syscall, "waitid"))
		who = b->args[0] == P_PID ? (int32_t)b->args[1] : -1;
	else
		who = (int32_t)b->args[0] > 0 ? (int32_t)b->args[0] : -1;
	b->owner = who;
	b->owner_pid = who > 0 ? who : 0;
	b->bflags |= IPC_BLK_OWNER;
	if (who > 0 && !procfs__pid_exists(who))
		b->bflags |= IPC_BLK_OWNER_GONE;
	if (who < 0)
		tell_children(ts, b);
}

/* What the thread waits for: wait, owner, object. */
static void classify(struct taskscan *ts, struct ipc_rec_blocked *b)
{
	unsigned int sys = b->hdr.sys, other = IPC_WAIT_OTHER;

	if (b->state == 'T' || b->state == 't') {
		b->wait = IPC_WAIT_STOPPED;
		return;
	}
	if (sys == IPC_SYS_FUTEX) {
		classify_futex(ts, b);
		return;
	}
	if (sys == IPC_SYS_FUTEX_WAIT || sys == IPC_SYS_FUTEX_WAITV) {
		b->addr = b->args[0];
		b->wait = IPC_WAIT_FUTEX;
		return;
	}
	if (sys == IPC_SYS_SEMOP || sys == IPC_SYS_SEMTIMEDOP) {
		b->wait = IPC_WAIT_SEM;
		return;
	}
	if (b->hdr.op == IPC_OP_SOCK_ACCEPT) {
		b->wait = IPC_WAIT_ACCEPT;
		return;
	}
	if (b->hdr.op != IPC_OP_NONE && is_ipc_kind(b->obj.kind)) {
		b->wait = IPC_WAIT_IO;
		return;
	}
	if (!sys && b->sc_nr >= 0)
		syscalls__other_name(b->sc_nr, &other);
	b->wait = other;
	if (other == IPC_WAIT_CHILD)
		classify_child(ts, b);
	else if (other == IPC_WAIT_OTHER && (b->state == 'D' || b->state == 'I'))
		b->wait = IPC_WAIT_DISK;
}

static void read_wchan(struct ipc_rec_blocked *b)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/wchan", b->hdr.pid, b->hdr.tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, b->wchan, sizeof(b->wchan) - 1);
	close(fd);
	if (n <= 0 || !strcmp(b->wchan, "0")) {
		memset(b->wchan, 0, sizeof(b->wchan));
		return;
	}
	b->wchan[n] = 0;
	for (ssize_t i = 0; i < n; i++)
		if (b->wchan[i] < 0x20 || b->wchan[i] > 0x7e)
			b->wchan[i] = '?';
}

static void name_syscall(struct ipc_rec_blocked *b)
{
	const char *name = b->hdr.sys ? ipc_sys_name(b->hdr.sys) : NULL;

	if (!name && b->sc_nr >= 0)
		name = syscalls__other_name(b->sc_nr, NULL);
	if (name)
		snprintf(b->syscall, sizeof(b->syscall), "%s", name);
	else if (b->sc_nr >= 0)
		snprintf(b->syscall, sizeof(b->syscall), "sys_%d", b->sc_nr & 0xffff);
}

static int push_map(void *ctx, const struct ipc_rec_map *m)
{
	struct taskscan *ts = ctx;

	return collector__push(ts->c, m, sizeof(*m));
}

/* The maps of pid, once (the stacks need them to be symbolized). */
static int ensure_maps(struct taskscan *ts, uint32_t pid)
{
	bool created;
	int ret;

	if (!hmap__upsert(ts->maps_done, &pid, 1, &created))
		return -ENOMEM;
	if (!created)
		return 0;
	ret = syms__read_proc_maps(pid, push_map, ts);
	return ret == -ENOMEM ? ret : 0;
}

/*
 * The user stack from the registers the iterator gave: the instruction
 * pointer, then the frame-pointer chain, read with process_vm_readv and
 * kept while it climbs the stack.  Code built without frame pointers
 * stops it early: the frames found are still right.
 */
static uint32_t walk_fp(uint32_t pid, const struct ipc_task_now *t, uint64_t *ips)
{
	uint64_t sp = t->uregs[IPC_UREG_SP], fp = t->uregs[IPC_UREG_BP], frame[2];
	uint32_t nr = 0;

	if (!t->uregs[IPC_UREG_IP])
		return 0;
	ips[nr++] = t->uregs[IPC_UREG_IP];
	while (nr < SCAN_MAX_FRAMES && fp >= sp && fp - sp < (8u << 20) && !(fp & 7)) {
		if (read_mem(pid, fp, frame, sizeof(frame)) || frame[1] < 4096)
			break;
		ips[nr++] = frame[1];
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	return nr;
}

/* The stack's id: one IPC_REC_STACK per distinct (process, frames). */
static int push_stack(struct taskscan *ts, struct ipc_rec_blocked *b, const struct ipc_task_now *t)
{
	struct scan_stack_key k = { .pid = b->hdr.pid };
	struct ipc_rec_stack *s = &ts->stack;
	uint64_t *slot;
	bool created;
	int err;

	k.nr = walk_fp(b->hdr.pid, t, k.ips);
	if (!k.nr)
		return 0;
	slot = hmap__upsert(ts->stack_ids, &k, ts->next_stack, &created);
	if (!slot)
		return -ENOMEM;
	b->hdr.stack_id = (int32_t)*slot;
	if (!created)
		return 0;
	ts->next_stack++;
	err = ensure_maps(ts, b->hdr.pid);
	if (err)
		return err;
	ipc_hdr_collector(&s->hdr, IPC_REC_STACK, b->hdr.pid, b->hdr.tid, b->hdr.comm);
	s->hdr.stack_id = b->hdr.stack_id;
	s->nr = k.nr;
	memcpy(s->ips, k.ips, k.nr * sizeof(k.ips[0]));
	return collector__push(ts->c, s, offsetof(struct ipc_rec_stack, ips) + k.nr * 8);
}

/* The call the thread sits in: the probes' entry when traced, else its syscall now. */
static void fill_call(const struct taskscan *ts, struct ipc_rec_blocked *b,
		      const struct ipc_task_now *t)
{
	b->sc_nr = (t->tflags & IPC_TASK_IN_SYSCALL) ? t->sc_nr : -1;
	memcpy(b->args, t->sc_args, sizeof(b->args));
	if (b->sc_nr >= 0 && b->sc_nr < IPC_SC_TABLE_SIZE)
		b->hdr.sys = ts->sc_table[b->sc_nr];
	if (t->tflags & IPC_TASK_OBJ)
		b->obj = t->obj;
	b->hdr.dur_ns = t->off_cpu_ns;
	b->bflags |= IPC_BLK_AT_LEAST;
	/* the probes' entry, if it is the call the thread sits in now */
	if ((t->tflags & IPC_TASK_INFLIGHT) && t->inf.sys == b->hdr.sys && b->hdr.sys &&
	    t->inf.ts_ns && t->inf.ts_ns <= t->now_ns) {
		b->hdr.sys = t->inf.sys;
		memcpy(b->args, t->inf.args, sizeof(b->args));
		if (t->inf.obj.kind != IPC_OBJ_NONE)
			b->obj = t->inf.obj;
		b->hdr.dur_ns = t->now_ns - t->inf.ts_ns;
		/* a call taken over at attach has only its estimated start */
		if (!(t->inf.iflags & IPC_INF_ADOPTED))
			b->bflags = (b->bflags & ~IPC_BLK_AT_LEAST) | IPC_BLK_TRACED;
	}
	b->hdr.ts_ns = t->now_ns - b->hdr.dur_ns;
	b->hdr.op = taskscan__op(b->hdr.sys, b->args, &b->obj);
	if (t->futex_ino) {
		b->key_ino = t->futex_ino;
		b->key_off = t->futex_off;
		b->key_dev = t->futex_dev;
		b->bflags |= IPC_BLK_SHARED;
	}
	if (t->tflags & IPC_TASK_PIPE) {
		b->pipe_readers = t->pipe_readers;
		b->pipe_writers = t->pipe_writers;
		b->pipe_used = t->pipe_used;
		b->pipe_max = t->pipe_max;
		b->bflags |= IPC_BLK_PIPE;
	}
}

static bool same_call(const struct scan_seen *p, const struct ipc_rec_blocked *b)
{
	return p->nvcsw == b->nvcsw && p->sc_nr == b->sc_nr && p->args[0] == b->args[0] &&
	       p->args[1] == b->args[1];
}

/*
 * The thread has not woken since the last look: its wait, owner, wchan and
 * stack are the ones found then.  Only whether a lock's owner still exists
 * can change without waking it (an owner that exits holding the lock).
 */
static bool seen_again(struct taskscan *ts, struct ipc_rec_blocked *b)
{
	const struct scan_seen *p;
	uint64_t i;

	if (hmap__get(ts->seen_idx, &b->hdr.tid, &i))
		return false;
	p = vec__at(&ts->seen[!ts->cur], i);
	if (!same_call(p, b))
		return false;
	b->wait = p->wait;
	b->bflags |= p->bflags;
	b->owner = p->owner;
	b->owner_pid = p->owner_pid;
	b->word = p->word;
	b->addr = p->addr;
	b->hdr.stack_id = p->stack_id;
	memcpy(b->wchan, p->wchan, sizeof(b->wchan));
	if ((b->bflags & IPC_BLK_OWNER) && (b->wait == IPC_WAIT_MUTEX || b->wait == IPC_WAIT_PI) &&
	    owner_tgid(ts, b->owner) <= 0)
		b->bflags |= IPC_BLK_OWNER_GONE;
	return true;
}

static int remember(struct taskscan *ts, const struct ipc_rec_blocked *b)
{
	struct scan_seen *p = vec__push(&ts->seen[ts->cur]);

	if (!p)
		return -ENOMEM;
	*p = (struct scan_seen){
		.tid = b->hdr.tid, .sc_nr = b->sc_nr, .nvcsw = b->nvcsw,
		.args = { b->args[0], b->args[1] }, .wait = b->wait,
		.bflags = b->bflags & (IPC_BLK_OWNER | IPC_BLK_WORD), .owner = b->owner,
		.owner_pid = b->owner_pid, .word = b->word, .addr = b->addr,
		.stack_id = b->hdr.stack_id,
	};
	memcpy(p->wchan, b->wchan, sizeof(p->wchan));
	return 0;
}

/* This look's threads become the last look's. */
static int seen_swap(struct taskscan *ts)
{
	struct vec *v = &ts->seen[ts->cur];

	hmap__clear(ts->seen_idx);
	for (size_t i = 0; i < v->len; i++)
		if (hmap__put(ts->seen_idx, &vec_at(v, struct scan_seen, i)->tid, i))
			return -ENOMEM;
	ts->cur = !ts->cur;
	vec__clear(&ts->seen[ts->cur]);
	return 0;
}

static int push_blocked(struct taskscan *ts, const struct ipc_task_now *t, uint64_t snap_ns,
			uint32_t sflags)
{
	struct ipc_rec_blocked b = {};
	int err;

	ipc_hdr_collector(&b.hdr, IPC_REC_BLOCKED, t->pid, t->tid, NULL);
	memcpy(b.hdr.comm, t->comm, sizeof(b.hdr.comm));
	b.hdr.comm[sizeof(b.hdr.comm) - 1] = 0;
	b.hdr.sys = IPC_SYS_NONE;
	b.hdr.op = IPC_OP_NONE;
	b.snap_ns = snap_ns;
	b.state = state_letter(t->state);
	b.nr_threads = t->nr_threads;
	b.off_cpu_ns = t->off_cpu_ns;
	b.nvcsw = t->nvcsw;
	if (t->tflags & IPC_TASK_TARGET)
		b.bflags |= IPC_BLK_TARGET;
	if (t->tflags & IPC_TASK_EXITING)
		b.bflags |= IPC_BLK_EXITING;
	if (sflags & IPC_SNAP_FINAL)
		b.bflags |= IPC_BLK_FINAL;
	fill_call(ts, &b, t);
	name_syscall(&b);
	if (!seen_again(ts, &b)) {
		classify(ts, &b);
		read_wchan(&b);
		if (ts->opts.stacks) {
			err = push_stack(ts, &b, t);
			if (err)
				return err;
		}
	}
	err = remember(ts, &b);
	return err ? err : collector__push(ts->c, &b, sizeof(b));
}

/* Blocked: asleep (or stopped) and off the CPU for min_ns at least. */
static bool blocked(const struct taskscan *ts, const struct ipc_task_now *t)
{
	uint64_t dur = t->off_cpu_ns;

	if (!t->state || (t->tflags & IPC_TASK_EXITING))
		return false;
	if ((t->tflags & IPC_TASK_INFLIGHT) && t->inf.ts_ns && t->inf.ts_ns <= t->now_ns &&
	    (t->tflags & IPC_TASK_IN_SYSCALL) && t->sc_nr >= 0 && t->sc_nr < IPC_SC_TABLE_SIZE &&
	    ts->sc_table[t->sc_nr] == t->inf.sys && t->now_ns - t->inf.ts_ns > dur)
		dur = t->now_ns - t->inf.ts_ns;
	return dur >= ts->opts.min_ns;
}

int taskscan__look(struct taskscan *ts, uint32_t sflags)
{
	const struct ipc_task_now *tasks;
	struct ipc_rec_blksnap snap = {};
	ssize_t n = loader__read_tasks(ts->loader, &tasks);
	int err = 0;

	if (n < 0)
		return n;
	ipc_hdr_collector(&snap.hdr, IPC_REC_BLKSNAP, 0, 0, "ipctrace");
	snap.snap_ns = snap.hdr.ts_ns;
	snap.min_ns = ts->opts.min_ns;
	snap.sflags = sflags;
	snap.nr_tasks = n;
	hmap__clear(ts->alive);
	for (ssize_t i = 0; i < n && !err; i++) {
		if (!blocked(ts, &tasks[i]))
			continue;
		err = push_blocked(ts, &tasks[i], snap.snap_ns, sflags);
		snap.nr_blocked++;
	}
	if (!err)
		err = seen_swap(ts);
	if (!err)
		err = collector__push(ts->c, &snap, sizeof(snap));
	return err;
}
