// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * proctab: processes and threads, rebuilt from the records.
 *
 * Entries are allocated one by one and never move, so the proc_info and
 * thread_info pointers handed out stay valid for the life of the table;
 * allocation happens once per process or thread, never per event.  A pid or
 * tid that is reused after its owner exited gets a new entry; the maps point
 * at the newest one and the old one stays in the first-seen order.
 *
 * A process's name follows a ranking, so a weaker source never replaces a
 * stronger one: the main thread (tid == pid, or a fork or exec, which both
 * leave a single main thread) beats the first other thread seen, which
 * beats a name learnt second hand (a signal's target_comm).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode/records.h"
#include "lib/hmap.h"
#include "lib/strtab.h"
#include "lib/vec.h"
#include "model/proctab.h"

#define NO_IDX SIZE_MAX

enum comm_src {
	COMM_HEARSAY,	/* from another process's record (signal target) */
	COMM_THREAD,	/* the first non-main thread seen */
	COMM_MAIN,	/* the main thread */
};

struct proc_entry {
	struct proc_info info;	/* first, so &info converts back */
	size_t idx;		/* position in procs */
	size_t threads;		/* newest thread of this process, or NO_IDX */
	enum comm_src comm_src;
};

struct thread_entry {
	struct thread_info info;
	size_t proc;		/* index of its process in procs */
	size_t next;		/* next (older) thread of the same process, or NO_IDX */
};

struct proctab {
	struct strtab *names;
	const char *unknown;	/* "?" */
	struct vec procs;	/* struct proc_entry *, first-seen order */
	struct vec threads;	/* struct thread_entry *, first-seen order */
	struct hmap *by_pid;	/* pid -> index of the newest entry */
	struct hmap *by_tid;
};

static struct proc_entry *proc_at(const struct proctab *t, size_t i)
{
	return *vec_at(&t->procs, struct proc_entry *, i);
}

static struct thread_entry *thread_at(const struct proctab *t, size_t i)
{
	return *vec_at(&t->threads, struct thread_entry *, i);
}

static struct proc_entry *proc_find(const struct proctab *t, uint32_t pid)
{
	uint64_t idx;

	return hmap__get(t->by_pid, &pid, &idx) ? NULL : proc_at(t, idx);
}

static struct thread_entry *thread_find(const struct proctab *t, uint32_t tid)
{
	uint64_t idx;

	return hmap__get(t->by_tid, &tid, &idx) ? NULL : thread_at(t, idx);
}

static void note_first(uint64_t *first, uint64_t ts)
{
	if (ts && (!*first || ts < *first))
		*first = ts;
}

/* Interned comm from a fixed array, reusing cur when it already says the same. */
static const char *intern_comm(struct proctab *t, const char *cur, const char *comm)
{
	if (cur && !strncmp(cur, comm, IPC_COMM_LEN))
		return cur;
	return strtab__intern_n(t->names, comm, IPC_COMM_LEN);
}

struct proctab *proctab__new(struct strtab *names)
{
	struct proctab *t;

	if (!names) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		goto err_nomem;
	t->names = names;
	vec__init(&t->procs, sizeof(struct proc_entry *));
	vec__init(&t->threads, sizeof(struct thread_entry *));
	t->by_pid = hmap__new(sizeof(uint32_t));
	t->by_tid = hmap__new(sizeof(uint32_t));
	t->unknown = strtab__intern(names, "?");
	if (!t->by_pid || !t->by_tid || !t->unknown)
		goto err_free;
	return t;

err_free:
	proctab__free(t);
err_nomem:
	errno = ENOMEM;
	return NULL;
}

void proctab__free(struct proctab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->procs.len; i++)
		free(proc_at(t, i));
	for (size_t i = 0; i < t->threads.len; i++)
		free(thread_at(t, i));
	vec__release(&t->procs);
	vec__release(&t->threads);
	hmap__free(t->by_pid);
	hmap__free(t->by_tid);
	free(t);
}

/* A new (newest) entry for pid named comm.  NULL on ENOMEM. */
static struct proc_entry *proc_new(struct proctab *t, uint32_t pid, const char *comm,
				   enum comm_src src, uint64_t ts)
{
	struct proc_entry *p, **slot;

	if (!comm)
		return NULL;
	if (vec__reserve(&t->procs, t->procs.len + 1))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->idx = t->procs.len;
	if (hmap__put(t->by_pid, &pid, p->idx)) {
		free(p);
		return NULL;
	}
	slot = vec__push(&t->procs);	/* cannot fail: reserved above */
	*slot = p;
	p->threads = NO_IDX;
	p->comm_src = src;
	p->info.pid = pid;
	p->info.comm = comm;
	p->info.first_ns = ts;
	return p;
}

/* A new (newest) entry for tid in process p.  NULL on ENOMEM. */
static struct thread_entry *thread_new(struct proctab *t, uint32_t tid, struct proc_entry *p,
				       const char *comm, uint64_t ts)
{
	struct thread_entry *th, **slot;

	if (!comm)
		return NULL;
	if (vec__reserve(&t->threads, t->threads.len + 1))
		return NULL;
	th = calloc(1, sizeof(*th));
	if (!th)
		return NULL;
	if (hmap__put(t->by_tid, &tid, t->threads.len)) {
		free(th);
		return NULL;
	}
	th->proc = p->idx;
	th->next = p->threads;
	p->threads = t->threads.len;
	p->info.nr_threads++;
	slot = vec__push(&t->threads);
	*slot = th;
	th->info.tid = tid;
	th->info.pid = p->info.pid;
	th->info.comm = comm;
	th->info.first_ns = ts;
	return th;
}

static void thread_exit(struct thread_entry *th, uint64_t ts)
{
	if (th->info.exited)
		return;
	th->info.exited = true;
	th->info.exit_ns = ts;
}

/*
 * The entry of tid in process p, made when missing.  A tid last seen in
 * another process entry, or (when fresh, for a new thread, or when ts is
 * past its exit) one that exited, gets a new entry: the kernel reused it.
 * An old entry still alive elsewhere missed its exit, which is then at ts.
 */
static struct thread_entry *thread_get(struct proctab *t, uint32_t tid, struct proc_entry *p,
				       const char *comm, uint64_t ts, bool fresh, bool late)
{
	struct thread_entry *th = thread_find(t, tid);

	if (th && th->proc == p->idx) {
		if (!th->info.exited || (!fresh && (late || ts <= th->info.exit_ns)))
			return th;
	} else if (th) {
		thread_exit(th, ts);
	}
	return thread_new(t, tid, p, comm, ts);
}

/* Exited processes and threads stay exited; a record past the exit means reuse. */
static bool reused(const struct proc_info *p, uint64_t ts)
{
	return p->exited && ts > p->exit_ns;
}

/* What every event record says: who ran, under which name, when. */
static int proctab__touch(struct proctab *t, const struct ipc_hdr *h, struct proc_entry **pp,
			  struct thread_entry **thp)
{
	uint32_t tid = h->tid ? h->tid : h->pid;
	bool is_main = tid == h->pid;
	struct proc_entry *p = proc_find(t, h->pid);
	/* an exiting task signals its parent (SIGCHLD) after its exit record */
	bool late = h->type == IPC_REC_SIGNAL && h->op == IPC_OP_SIGNAL_GENERATE;
	struct thread_entry *th;
	const char *comm;

	if (!p || (!late && reused(&p->info, h->ts_ns))) {
		p = proc_new(t, h->pid, intern_comm(t, NULL, h->comm),
			     is_main ? COMM_MAIN : COMM_THREAD, h->ts_ns);
		if (!p)
			return -ENOMEM;
	}
	comm = intern_comm(t, p->info.comm, h->comm);
	th = thread_get(t, tid, p, comm, h->ts_ns, false, late);
	if (!th)
		return -ENOMEM;
	comm = intern_comm(t, th->info.comm, h->comm);
	if (!comm)
		return -ENOMEM;
	th->info.comm = comm;
	note_first(&th->info.first_ns, h->ts_ns);
	if (is_main || p->comm_src == COMM_HEARSAY) {
		p->info.comm = comm;
		p->comm_src = is_main ? COMM_MAIN : COMM_THREAD;
	}
	note_first(&p->info.first_ns, h->ts_ns);
	if (h->ts_ns > p->info.last_ns)
		p->info.last_ns = h->ts_ns;
	p->info.nr_events++;
	*pp = p;
	*thp = th;
	return 0;
}

/* Fork: hdr is the parent; the child starts as a copy of the forking thread. */
static int proctab__fork(struct proctab *t, const struct ipc_ev_proc *ev)
{
	const struct ipc_hdr *h = &ev->hdr;
	uint32_t tid = ev->child_tid ? ev->child_tid : ev->child_pid;
	const char *comm = intern_comm(t, NULL, h->comm);
	struct proc_entry *c = proc_find(t, ev->child_pid);

	if (!comm)
		return -ENOMEM;
	if (!c || c->info.exited) {
		c = proc_new(t, ev->child_pid, comm, COMM_MAIN, h->ts_ns);
		if (!c)
			return -ENOMEM;
	} else if (c->comm_src != COMM_MAIN) {
		/* Seen before its fork record, through hearsay or another thread. */
		c->info.comm = comm;
		c->comm_src = COMM_MAIN;
	}
	c->info.ppid = h->pid;
	c->info.fork_ns = h->ts_ns;
	note_first(&c->info.first_ns, h->ts_ns);
	return thread_get(t, tid, c, comm, h->ts_ns, true, false) ? 0 : -ENOMEM;
}

/* Exec: one thread (hdr.tid) is left, under the new name. */
static int proctab__exec(struct proctab *t, struct proc_entry *p, struct thread_entry *th,
			 const struct ipc_ev_proc *ev)
{
	const char *exe;

	if (ev->filename[0]) {
		exe = strtab__intern_n(t->names, ev->filename, sizeof(ev->filename));
		if (!exe)
			return -ENOMEM;
		p->info.exe = exe;
	}
	p->info.comm = th->info.comm;
	p->comm_src = COMM_MAIN;
	p->info.exec_ns = ev->hdr.ts_ns;
	if (!p->info.ppid)
		p->info.ppid = ev->ppid;
	for (size_t i = p->threads; i != NO_IDX; i = thread_at(t, i)->next) {
		if (thread_at(t, i) != th)
			thread_exit(thread_at(t, i), ev->hdr.ts_ns);
	}
	return 0;
}

/* The last thread left: the process and whatever threads we thought alive. */
static void proctab__exit(struct proctab *t, struct proc_entry *p, const struct ipc_ev_proc *ev)
{
	p->info.exited = true;
	p->info.exit_ns = ev->hdr.ts_ns;
	p->info.exit_code = ev->exit_code;
	if (!p->info.ppid)
		p->info.ppid = ev->ppid;
	for (size_t i = p->threads; i != NO_IDX; i = thread_at(t, i)->next)
		thread_exit(thread_at(t, i), ev->hdr.ts_ns);
}

static int proctab__proc(struct proctab *t, struct proc_entry *p, struct thread_entry *th,
			 const struct ipc_ev_proc *ev)
{
	const struct ipc_hdr *h = &ev->hdr;

	switch (h->op) {
	case IPC_OP_PROC_FORK:
		if (!ev->child_pid || ev->child_pid == h->pid)
			return 0;	/* not a new process: nothing to add */
		return proctab__fork(t, ev);
	case IPC_OP_THREAD_NEW:
		if (!ev->child_tid)
			return 0;
		return thread_get(t, ev->child_tid, p, th->info.comm, h->ts_ns, true, false) ?
		       0 : -ENOMEM;
	case IPC_OP_PROC_EXEC:
		return proctab__exec(t, p, th, ev);
	case IPC_OP_PROC_EXIT:
		proctab__exit(t, p, ev);
		return 0;
	case IPC_OP_THREAD_EXIT:
		thread_exit(th, h->ts_ns);
		return 0;
	default:
		return 0;
	}
}

/* A signal names its target: remember an unknown one, without counting an event for it. */
static int proctab__signal(struct proctab *t, const struct ipc_ev_signal *ev)
{
	const char *comm;
	uint32_t pid;

	if (ev->target_pid <= 0)
		return 0;
	pid = (uint32_t)ev->target_pid;
	if (proc_find(t, pid))
		return 0;
	comm = ev->target_comm[0] ? intern_comm(t, NULL, ev->target_comm) : t->unknown;
	return proc_new(t, pid, comm, COMM_HEARSAY, ev->hdr.ts_ns) ? 0 : -ENOMEM;
}

/*
 * A /proc snapshot, taken while events already flow: it only fills in what
 * the events have not told yet, and counts as no event.
 */
static int proctab__task(struct proctab *t, const struct ipc_rec_task *task)
{
	const struct ipc_hdr *h = &task->hdr;
	uint32_t tid = h->tid ? h->tid : h->pid;
	enum comm_src src = tid == h->pid ? COMM_MAIN : COMM_THREAD;
	const char *comm = intern_comm(t, NULL, h->comm);
	struct proc_entry *p = proc_find(t, h->pid);
	struct thread_entry *th;

	if (!comm)
		return -ENOMEM;
	if (!p) {
		p = proc_new(t, h->pid, comm, src, h->ts_ns);
		if (!p)
			return -ENOMEM;
	} else if (src > p->comm_src) {
		p->info.comm = comm;
		p->comm_src = src;
	}
	note_first(&p->info.first_ns, h->ts_ns);
	if (!p->info.ppid)
		p->info.ppid = task->ppid;
	if (!p->info.exe && task->exe[0]) {
		p->info.exe = strtab__intern_n(t->names, task->exe, sizeof(task->exe));
		if (!p->info.exe)
			return -ENOMEM;
	}
	/* A thread it already knows has a name from events, which are fresher. */
	th = thread_find(t, tid);
	if (th && th->proc == p->idx)
		return 0;
	return thread_new(t, tid, p, comm, h->ts_ns) ? 0 : -ENOMEM;
}

int proctab__update(struct proctab *t, const struct ipc_hdr *rec, size_t len)
{
	struct thread_entry *th;
	struct proc_entry *p;
	int err;

	if (!t || !rec || len < sizeof(*rec))
		return -EINVAL;
	/* Collector records describe the system, not something a task did. */
	if (!rec_is_event(rec)) {
		if (rec->type == IPC_REC_TASK && len >= sizeof(struct ipc_rec_task))
			return proctab__task(t, (const struct ipc_rec_task *)rec);
		return 0;
	}
	err = proctab__touch(t, rec, &p, &th);
	if (err)
		return err;
	if (rec->type == IPC_REC_PROC && len >= sizeof(struct ipc_ev_proc))
		return proctab__proc(t, p, th, (const struct ipc_ev_proc *)rec);
	if (rec->type == IPC_REC_SIGNAL && len >= sizeof(struct ipc_ev_signal))
		return proctab__signal(t, (const struct ipc_ev_signal *)rec);
	return 0;
}

const struct proc_info *proctab__get(const struct proctab *t, uint32_t pid)
{
	struct proc_entry *p = proc_find(t, pid);

	return p ? &p->info : NULL;
}

const struct thread_info *proctab__thread(const struct proctab *t, uint32_t tid)
{
	struct thread_entry *th = thread_find(t, tid);

	return th ? &th->info : NULL;
}

const char *proctab__comm(const struct proctab *t, uint32_t pid)
{
	struct proc_entry *p = proc_find(t, pid);

	return p ? p->info.comm : "?";
}

size_t proctab__count(const struct proctab *t)
{
	return t->procs.len;
}

const struct proc_info *proctab__at(const struct proctab *t, size_t i)
{
	return i < t->procs.len ? &proc_at(t, i)->info : NULL;
}

size_t proctab__thread_count(const struct proctab *t)
{
	return t->threads.len;
}

const struct thread_info *proctab__thread_at(const struct proctab *t, size_t i)
{
	return i < t->threads.len ? &thread_at(t, i)->info : NULL;
}

int proctab__thread_counts(const struct proctab *t, const struct proc_info *pi, uint32_t *seen,
			   uint32_t *alive)
{
	const struct proc_entry *p = (const struct proc_entry *)pi;
	uint32_t n = 0, live = 0;

	/* A cheap guard against an entry of another table; not proof. */
	if (!t || !p || p->idx >= t->procs.len || proc_at(t, p->idx) != p)
		return -EINVAL;
	for (size_t i = p->threads; i != NO_IDX; i = thread_at(t, i)->next) {
		n++;
		if (!thread_at(t, i)->info.exited)
			live++;
	}
	if (seen)
		*seen = n;
	if (alive)
		*alive = live;
	return 0;
}
