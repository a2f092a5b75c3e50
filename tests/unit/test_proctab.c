// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for proctab: synthetic fork/exec/exit/thread/task/signal
 * records, checked for exact names, parents, exit codes, thread counts and
 * pid reuse.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ipctrace_abi.h"
#include "lib/strtab.h"
#include "model/proctab.h"

struct fixture {
	struct strtab *names;
	struct proctab *t;
};

static int setup(void **state)
{
	static struct fixture f;

	f.names = strtab__new();
	f.t = f.names ? proctab__new(f.names) : NULL;
	if (!f.t)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	proctab__free(f->t);
	strtab__free(f->names);
	return 0;
}

static void set_hdr(struct ipc_hdr *h, uint16_t type, uint16_t op, uint32_t pid, uint32_t tid,
		    const char *comm, uint64_t ts)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->pid = pid;
	h->tid = tid;
	h->ts_ns = ts;
	h->stack_id = -1;
	memcpy(h->comm, comm, strnlen(comm, sizeof(h->comm) - 1));
}

/* An ordinary event (a pipe write) by pid/tid. */
static void ev(struct proctab *t, uint32_t pid, uint32_t tid, const char *comm, uint64_t ts)
{
	struct ipc_ev_io io;

	memset(&io, 0, sizeof(io));
	set_hdr(&io.hdr, IPC_REC_IO, IPC_OP_PIPE_WRITE, pid, tid, comm, ts);
	assert_int_equal(proctab__update(t, &io.hdr, sizeof(io)), 0);
}

static void proc_rec(struct proctab *t, uint16_t op, uint32_t pid, uint32_t tid, const char *comm,
		     uint64_t ts, const struct ipc_ev_proc *extra)
{
	struct ipc_ev_proc p = *extra;

	set_hdr(&p.hdr, IPC_REC_PROC, op, pid, tid, comm, ts);
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p)), 0);
}

static void fork_rec(struct proctab *t, uint32_t pid, uint32_t tid, const char *comm, uint64_t ts,
		     uint32_t child)
{
	proc_rec(t, IPC_OP_PROC_FORK, pid, tid, comm, ts,
		 &(struct ipc_ev_proc){ .child_pid = child, .child_tid = child });
}

static void thread_new_rec(struct proctab *t, uint32_t pid, uint32_t tid, const char *comm,
			   uint64_t ts, uint32_t child_tid)
{
	proc_rec(t, IPC_OP_THREAD_NEW, pid, tid, comm, ts,
		 &(struct ipc_ev_proc){ .child_pid = pid, .child_tid = child_tid });
}

static void exec_rec(struct proctab *t, uint32_t pid, uint32_t old_tid, const char *comm,
		     uint64_t ts, const char *file)
{
	struct ipc_ev_proc p = { .old_tid = old_tid };

	snprintf(p.filename, sizeof(p.filename), "%s", file);
	proc_rec(t, IPC_OP_PROC_EXEC, pid, pid, comm, ts, &p);
}

static void exit_rec(struct proctab *t, uint32_t pid, uint32_t tid, const char *comm, uint64_t ts,
		     int32_t code)
{
	proc_rec(t, IPC_OP_PROC_EXIT, pid, tid, comm, ts,
		 &(struct ipc_ev_proc){ .exit_code = code });
}

static void task_rec(struct proctab *t, uint32_t pid, uint32_t tid, const char *comm, uint64_t ts,
		     uint32_t ppid, const char *exe)
{
	struct ipc_rec_task task;

	memset(&task, 0, sizeof(task));
	set_hdr(&task.hdr, IPC_REC_TASK, IPC_OP_SNAPSHOT, pid, tid, comm, ts);
	task.hdr.sys = IPC_SYS_HOOK_COLLECTOR;
	task.ppid = ppid;
	snprintf(task.exe, sizeof(task.exe), "%s", exe);
	assert_int_equal(proctab__update(t, &task.hdr, sizeof(task)), 0);
}

static void signal_rec(struct proctab *t, uint32_t pid, const char *comm, uint64_t ts,
		       int32_t target, const char *target_comm)
{
	struct ipc_ev_signal s;

	memset(&s, 0, sizeof(s));
	set_hdr(&s.hdr, IPC_REC_SIGNAL, IPC_OP_SIGNAL_SEND, pid, pid, comm, ts);
	s.sig = 15;
	s.target_pid = target;
	s.target_tid = target;
	s.result = -1;
	snprintf(s.target_comm, sizeof(s.target_comm), "%s", target_comm);
	assert_int_equal(proctab__update(t, &s.hdr, sizeof(s)), 0);
}

static void check_counts(struct proctab *t, uint32_t pid, uint32_t seen, uint32_t alive)
{
	const struct proc_info *p = proctab__get(t, pid);
	uint32_t s = 99, a = 99;

	assert_non_null(p);
	assert_int_equal(proctab__thread_counts(t, p, &s, &a), 0);
	assert_int_equal(s, seen);
	assert_int_equal(a, alive);
	assert_int_equal(p->nr_threads, seen);
}

static void test_events_and_names(void **state)
{
	struct fixture *f = *state;
	struct proctab *t = f->t;
	const struct proc_info *p;
	const struct thread_info *th;

	assert_null(proctab__get(t, 100));
	assert_string_equal(proctab__comm(t, 100), "?");
	ev(t, 100, 100, "server", 1000);
	ev(t, 100, 101, "srv-worker", 1500);
	ev(t, 100, 101, "srv-worker", 1700);
	ev(t, 100, 102, "srv-io", 1600);
	p = proctab__get(t, 100);
	assert_non_null(p);
	assert_int_equal(p->pid, 100);
	assert_int_equal(p->ppid, 0);
	assert_ptr_equal(p->comm, strtab__intern(f->names, "server"));
	assert_null(p->exe);
	assert_int_equal(p->first_ns, 1000);
	assert_int_equal(p->last_ns, 1700);
	assert_int_equal(p->nr_events, 4);
	assert_int_equal(p->fork_ns, 0);
	assert_false(p->exited);
	check_counts(t, 100, 3, 3);
	th = proctab__thread(t, 101);
	assert_non_null(th);
	assert_int_equal(th->pid, 100);
	assert_string_equal(th->comm, "srv-worker");
	assert_int_equal(th->first_ns, 1500);

	/* First seen through other threads: the first one names it, until the main one shows. */
	ev(t, 200, 201, "w1", 10);
	ev(t, 200, 202, "w2", 20);
	assert_string_equal(proctab__comm(t, 200), "w1");
	ev(t, 200, 200, "main200", 30);
	assert_string_equal(proctab__comm(t, 200), "main200");
	ev(t, 200, 201, "w1", 40);
	assert_string_equal(proctab__comm(t, 200), "main200");
	/* A thread renaming itself (prctl): the thread's name follows, and the main one's too. */
	ev(t, 200, 202, "w2-renamed", 50);
	assert_string_equal(proctab__thread(t, 202)->comm, "w2-renamed");
	ev(t, 200, 200, "main-renamed", 60);
	assert_string_equal(proctab__comm(t, 200), "main-renamed");

	assert_int_equal(proctab__count(t), 2);
	assert_int_equal(proctab__at(t, 0)->pid, 100);
	assert_int_equal(proctab__at(t, 1)->pid, 200);
	assert_null(proctab__at(t, 2));
	assert_int_equal(proctab__thread_count(t), 6);
	assert_int_equal(proctab__thread_at(t, 3)->tid, 201);
	assert_null(proctab__thread_at(t, 6));
}

static void test_fork_exec_exit(void **state)
{
	struct fixture *f = *state;
	struct proctab *t = f->t;
	const struct proc_info *parent, *child;
	const struct thread_info *th;

	ev(t, 10, 10, "bash", 100);
	fork_rec(t, 10, 10, "bash", 1000, 20);
	child = proctab__get(t, 20);
	assert_non_null(child);
	assert_string_equal(child->comm, "bash");
	assert_int_equal(child->ppid, 10);
	assert_int_equal(child->fork_ns, 1000);
	assert_int_equal(child->first_ns, 1000);
	assert_int_equal(child->nr_events, 0);
	assert_false(child->exited);
	check_counts(t, 20, 1, 1);
	assert_string_equal(proctab__thread(t, 20)->comm, "bash");

	exec_rec(t, 20, 20, "ls", 2000, "/bin/ls");
	assert_ptr_equal(proctab__get(t, 20), child);	/* same entry, updated */
	assert_ptr_equal(child->comm, strtab__intern(f->names, "ls"));
	assert_ptr_equal(child->exe, strtab__intern(f->names, "/bin/ls"));
	assert_int_equal(child->exec_ns, 2000);
	assert_int_equal(child->ppid, 10);
	assert_string_equal(proctab__thread(t, 20)->comm, "ls");

	exit_rec(t, 20, 20, "ls", 3000, 256);
	assert_true(child->exited);
	assert_int_equal(child->exit_ns, 3000);
	assert_int_equal(child->exit_code, 256);
	assert_int_equal(child->nr_events, 2);
	assert_int_equal(child->last_ns, 3000);
	th = proctab__thread(t, 20);
	assert_true(th->exited);
	assert_int_equal(th->exit_ns, 3000);
	check_counts(t, 20, 1, 0);

	parent = proctab__get(t, 10);
	assert_string_equal(parent->comm, "bash");
	assert_int_equal(parent->nr_events, 2);
	assert_false(parent->exited);
	assert_int_equal(parent->exit_ns, 0);
	check_counts(t, 10, 1, 1);
	assert_int_equal(proctab__count(t), 2);
}

static void test_threads_and_exec(void **state)
{
	struct fixture *f = *state;
	struct proctab *t = f->t;
	const struct proc_info *p;

	ev(t, 30, 30, "app", 100);
	thread_new_rec(t, 30, 30, "app", 200, 31);
	thread_new_rec(t, 30, 30, "app", 300, 32);
	check_counts(t, 30, 3, 3);
	assert_int_equal(proctab__thread(t, 31)->pid, 30);
	assert_string_equal(proctab__thread(t, 32)->comm, "app");
	assert_int_equal(proctab__thread(t, 32)->first_ns, 300);

	/* One thread ends; the process lives on. */
	proc_rec(t, IPC_OP_THREAD_EXIT, 30, 31, "app", 400, &(struct ipc_ev_proc){ 0 });
	assert_true(proctab__thread(t, 31)->exited);
	assert_int_equal(proctab__thread(t, 31)->exit_ns, 400);
	assert_false(proctab__get(t, 30)->exited);
	check_counts(t, 30, 3, 2);

	/* Thread 32 execs: afterwards the process runs as tid 30 alone, renamed. */
	ev(t, 30, 32, "app", 450);
	exec_rec(t, 30, 32, "newprog", 500, "/usr/bin/newprog");
	p = proctab__get(t, 30);
	assert_string_equal(p->comm, "newprog");
	assert_string_equal(p->exe, "/usr/bin/newprog");
	assert_true(proctab__thread(t, 32)->exited);
	assert_int_equal(proctab__thread(t, 32)->exit_ns, 500);
	assert_int_equal(proctab__thread(t, 31)->exit_ns, 400);	/* unchanged */
	assert_false(proctab__thread(t, 30)->exited);
	assert_string_equal(proctab__thread(t, 30)->comm, "newprog");
	check_counts(t, 30, 3, 1);

	/* New threads after exec take the new name; the process exit ends them all. */
	thread_new_rec(t, 30, 30, "newprog", 600, 33);
	assert_string_equal(proctab__thread(t, 33)->comm, "newprog");
	check_counts(t, 30, 4, 2);
	exit_rec(t, 30, 33, "newprog", 700, 9);
	assert_true(p->exited);
	assert_int_equal(p->exit_code, 9);
	assert_true(proctab__thread(t, 30)->exited);
	assert_int_equal(proctab__thread(t, 30)->exit_ns, 700);
	check_counts(t, 30, 4, 0);
	assert_int_equal(proctab__count(t), 1);
}

static void test_pid_reuse(void **state)
{
	struct fixture *f = *state;
	struct proctab *t = f->t;
	const struct proc_info *old, *cur;

	fork_rec(t, 40, 40, "sh", 100, 50);
	ev(t, 50, 50, "sh", 150);
	exit_rec(t, 50, 50, "sh", 200, 0);
	old = proctab__get(t, 50);
	assert_true(old->exited);
	/* A late record timed before the exit still belongs to the old process. */
	ev(t, 50, 50, "sh", 190);
	assert_ptr_equal(proctab__get(t, 50), old);
	assert_int_equal(old->nr_events, 3);

	ev(t, 40, 40, "sh2", 250);
	fork_rec(t, 40, 40, "sh2", 300, 50);
	cur = proctab__get(t, 50);
	assert_ptr_not_equal(cur, old);
	assert_false(cur->exited);
	assert_string_equal(cur->comm, "sh2");
	assert_int_equal(cur->ppid, 40);
	assert_int_equal(cur->fork_ns, 300);
	assert_int_equal(cur->nr_events, 0);
	assert_false(proctab__thread(t, 50)->exited);
	assert_int_equal(proctab__thread(t, 50)->first_ns, 300);
	check_counts(t, 50, 1, 1);
	/* The old one is kept, unchanged, in first-seen order. */
	assert_int_equal(proctab__count(t), 3);
	assert_ptr_equal(proctab__at(t, 1), old);
	assert_ptr_equal(proctab__at(t, 2), cur);
	assert_true(old->exited);
	assert_int_equal(old->exit_ns, 200);
	assert_string_equal(old->comm, "sh");
	assert_int_equal(proctab__thread_count(t), 3);
	assert_true(proctab__thread_at(t, 1)->exited);

	/* Reuse without a fork record (missed): a record after the exit starts afresh. */
	ev(t, 60, 60, "first", 1000);
	exit_rec(t, 60, 60, "first", 1100, 1);
	ev(t, 60, 60, "second", 1200);
	assert_int_equal(proctab__count(t), 5);
	assert_string_equal(proctab__comm(t, 60), "second");
	assert_false(proctab__get(t, 60)->exited);
	assert_int_equal(proctab__get(t, 60)->nr_events, 1);
	assert_string_equal(proctab__at(t, 3)->comm, "first");
	assert_int_equal(proctab__at(t, 3)->exit_code, 1);
}

static void test_task_snapshot(void **state)
{
	struct fixture *f = *state;
	struct proctab *t = f->t;
	const struct proc_info *p;

	/* Events came first: the snapshot must not overwrite what they said. */
	ev(t, 70, 70, "fresh", 500);
	exec_rec(t, 70, 70, "fresh", 600, "/usr/bin/fresh");
	task_rec(t, 70, 70, "stale", 100, 1, "/usr/bin/stale");
	p = proctab__get(t, 70);
	assert_string_equal(p->comm, "fresh");
	assert_string_equal(p->exe, "/usr/bin/fresh");
	assert_string_equal(proctab__thread(t, 70)->comm, "fresh");
	assert_int_equal(p->ppid, 1);	/* unknown until the snapshot */
	assert_int_equal(p->nr_events, 2);
	assert_int_equal(p->first_ns, 100);
	assert_int_equal(p->last_ns, 600);

	/* A fork parent is not replaced by the snapshot's view. */
	fork_rec(t, 70, 70, "fresh", 700, 75);
	task_rec(t, 75, 75, "fresh", 650, 1, "/usr/bin/fresh");
	assert_int_equal(proctab__get(t, 75)->ppid, 70);

	/* Unknown processes and their threads come from the snapshot alone. */
	task_rec(t, 80, 80, "daemon", 100, 1, "/usr/sbin/daemon");
	task_rec(t, 80, 81, "daemon-io", 100, 1, "/usr/sbin/daemon");
	p = proctab__get(t, 80);
	assert_string_equal(p->comm, "daemon");
	assert_string_equal(p->exe, "/usr/sbin/daemon");
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->nr_events, 0);
	assert_int_equal(p->fork_ns, 0);
	assert_string_equal(proctab__thread(t, 81)->comm, "daemon-io");
	check_counts(t, 80, 2, 2);

	/* A non-main thread names a process only until its main thread is known. */
	task_rec(t, 90, 91, "t91", 100, 2, "");
	assert_string_equal(proctab__comm(t, 90), "t91");
	assert_null(proctab__get(t, 90)->exe);
	task_rec(t, 90, 90, "main90", 100, 2, "");
	assert_string_equal(proctab__comm(t, 90), "main90");
	ev(t, 90, 91, "x", 800);
	assert_string_equal(proctab__comm(t, 90), "main90");
	assert_string_equal(proctab__thread(t, 91)->comm, "x");
	assert_int_equal(proctab__get(t, 90)->nr_events, 1);
}

static void test_signal_target(void **state)
{
	struct fixture *f = *state;
	struct proctab *t = f->t;
	const struct proc_info *p;

	signal_rec(t, 100, "killer", 1000, 300, "victim");
	p = proctab__get(t, 300);
	assert_non_null(p);
	assert_string_equal(p->comm, "victim");
	assert_int_equal(p->nr_events, 0);
	assert_int_equal(p->nr_threads, 0);
	assert_int_equal(p->first_ns, 1000);
	assert_int_equal(proctab__get(t, 100)->nr_events, 1);
	/* A known target is left alone. */
	signal_rec(t, 100, "killer", 1100, 300, "other");
	assert_string_equal(proctab__comm(t, 300), "victim");
	assert_int_equal(proctab__get(t, 300)->nr_events, 0);
	/* Process groups and "every process" name no process. */
	signal_rec(t, 100, "killer", 1200, -300, "pg");
	signal_rec(t, 100, "killer", 1200, 0, "pg");
	signal_rec(t, 100, "killer", 1200, -1, "all");
	assert_int_equal(proctab__count(t), 2);
	/* The target's own records count, and its own thread's name beats hearsay. */
	ev(t, 300, 301, "victim-thr", 1300);
	assert_string_equal(proctab__comm(t, 300), "victim-thr");
	assert_int_equal(proctab__get(t, 300)->nr_events, 1);
	/* An unnamed target is "?". */
	signal_rec(t, 100, "killer", 1400, 400, "");
	assert_string_equal(proctab__comm(t, 400), "?");
	assert_int_equal(proctab__get(t, 100)->nr_events, 6);
}

static void test_odd_records(void **state)
{
	struct fixture *f = *state;
	struct proctab *t = f->t;
	struct ipc_ev_proc p;
	struct ipc_rec_meta meta;
	const struct proc_info *pi;

	memset(&p, 0, sizeof(p));
	set_hdr(&p.hdr, IPC_REC_PROC, IPC_OP_PROC_FORK, 5, 5, "odd", 10);
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p.hdr) - 1), -EINVAL);
	assert_int_equal(proctab__update(t, NULL, sizeof(p)), -EINVAL);
	assert_int_equal(proctab__count(t), 0);
	/* A short PROC record counts as an event, but its body is not read. */
	p.child_pid = 6;
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p.hdr)), 0);
	assert_null(proctab__get(t, 6));
	assert_int_equal(proctab__get(t, 5)->nr_events, 1);
	/* Forks without a child, or of itself, and unknown ops add nothing. */
	p.child_pid = 0;
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p)), 0);
	p.child_pid = 5;
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p)), 0);
	p.hdr.op = IPC_OP_THREAD_NEW;
	p.child_tid = 0;
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p)), 0);
	p.hdr.op = 999;
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p)), 0);
	assert_int_equal(proctab__count(t), 1);
	check_counts(t, 5, 1, 1);
	/* Collector records other than TASK do not make processes. */
	memset(&meta, 0, sizeof(meta));
	set_hdr(&meta.hdr, IPC_REC_META, IPC_OP_NONE, 77, 77, "ipctrace", 5);
	assert_int_equal(proctab__update(t, &meta.hdr, sizeof(meta)), 0);
	assert_null(proctab__get(t, 77));
	/* A comm filling all 16 bytes without a NUL. */
	memset(&p, 0, sizeof(p));
	set_hdr(&p.hdr, IPC_REC_IO, IPC_OP_PIPE_READ, 8, 8, "", 20);
	memset(p.hdr.comm, 'z', sizeof(p.hdr.comm));
	assert_int_equal(proctab__update(t, &p.hdr, sizeof(p.hdr)), 0);
	assert_string_equal(proctab__comm(t, 8), "zzzzzzzzzzzzzzzz");
	/* Either count may be skipped; no entry, no counts. */
	pi = proctab__get(t, 8);
	assert_int_equal(proctab__thread_counts(t, pi, NULL, NULL), 0);
	assert_int_equal(proctab__thread_counts(t, NULL, NULL, NULL), -EINVAL);
	proctab__free(NULL);
	errno = 0;
	assert_null(proctab__new(NULL));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_events_and_names),
		T(test_fork_exec_exit),
		T(test_threads_and_exec),
		T(test_pid_reuse),
		T(test_task_snapshot),
		T(test_signal_target),
		T(test_odd_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
