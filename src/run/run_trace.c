// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Live tracing (and `record`): check the targets, start the command,
 * load and attach the probes, snapshot what the targets hold, then poll the
 * ring buffer until Ctrl-C, the duration, the interval count, the command's
 * exit or the last target's exit; then drain, report and detach.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "cli/cli.h"
#include "decode/decode.h"
#include "lib/hmap.h"
#include "lib/safefile.h"
#include "lib/textsafe.h"
#include "model/collector.h"
#include "ipc_obj.h"
#include "model/objkey.h"
#include "model/proctab.h"
#include "output/format.h"
#include "output/outputs.h"
#include "output/report.h"
#include "probe/loader.h"
#include "probe/locks.h"
#include "run/launch.h"
#include "run/session.h"
#include "source/procfs.h"
#include "source/snapshot.h"
#include "source/taskscan.h"
#include "run/looks.h"
#include "analysis/stalls.h"
#include "source/source.h"

#define POLL_MS 100		/* longest a record waits in the ring buffer */
#define CONFIRM_NS 100000000ull	/* a second look at a deadlock, this much later */

struct trace {
	const struct env *env;
	FILE *out;
	bool tty;
	char what[256];
	struct launch launch;
	bool launched;
	struct loader *loader;
	struct locks *locks;		/* --locks: the uprobes' bookkeeping */
	struct session ss;		/* ss.c: the collector */
	struct collector *c;		/* ss.c, for short */
	struct source *src;
	struct recorder *recorder;
	struct sink lifetimes;		/* follows the targets (lifetimes_event) */
	struct taskscan *scan;		/* looks at the blocked threads */
	uint64_t confirm_at;		/* when to look again at a deadlock, 0 none */
	struct hmap *alive;		/* target tgids (and -t tids) still running */
	bool had_targets;
	uint64_t start_ns;
	uint64_t end_ns;		/* when the loop saw the end (0: not yet) */
	unsigned int end_reason;	/* enum ipc_end_reason */
	uint64_t interval_start_ns;
	long intervals;
	struct ipc_watch_key own[3];	/* ipctrace's own stdout, stderr and -o:
					 * never watched */
	int nr_own;
};

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	exiting = 1;
}

static int setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int setup_output(struct trace *t)
{
	const struct env *env = t->env;
	char why[PATH_MAX + 128];
	int err;

	t->out = session__out(env);
	if (env->mode == MODE_LIVE && env->output) {
		t->out = safefile__fcreate(env->output, OUTPUT_MODE, why, sizeof(why));
		if (!t->out) {
			fprintf(stderr, "ipctrace: %s\n", why);
			return -errno;
		}
	}
	err = session__check_files(env);
	if (err)
		return err;
	t->tty = isatty(fileno(t->out));
	/*
	 * Not line-buffered even into a pipe: a write(2) per event would cost
	 * more than the event.  The loop flushes after every poll instead, so
	 * output still comes within the poll period.
	 */
	if (!t->tty)
		setvbuf(t->out, NULL, _IOFBF, 1 << 16);
	return 0;
}

/* Every -p and -t must exist now: a typo should not trace nothing. */
static int check_targets(struct trace *t)
{
	const struct env *env = t->env;

	for (int i = 0; i < env->nr_pids; i++) {
		if (!procfs__pid_exists(env->pids[i])) {
			fprintf(stderr, "ipctrace: no such process: %u\n", env->pids[i]);
			return -ESRCH;
		}
	}
	for (int i = 0; i < env->nr_tids; i++) {
		if (procfs__tgid_of(env->tids[i]) <= 0) {
			fprintf(stderr, "ipctrace: no such thread: %u\n", env->tids[i]);
			return -ESRCH;
		}
	}
	return 0;
}

static int setup_launch(struct trace *t)
{
	int err;

	if (!t->env->cmd)
		return 0;
	err = launch__start(&t->launch, t->env->cmd);
	if (err) {
		fprintf(stderr, "ipctrace: failed to start %s: %s\n", t->env->cmd[0],
			strerror(-err));
		return err;
	}
	t->launched = true;
	return 0;
}

static int setup_bpf(struct trace *t)
{
	const struct env *env = t->env;
	struct loader_opts o = {
		.families = env->families,
		.filter = env->nr_pids || env->nr_tids || env->cmd,
		.filter_tids = env->nr_tids > 0,
		.follow = env->follow || env->cmd,
		.watch_peers = env->peers && (env->nr_pids || env->nr_tids || env->cmd),
		.stacks = env->stacks,
		.locks = env->locks,
		/* -p/-t targets may be blocked already; a launched command is not */
		.adopt = env->nr_pids || env->nr_tids,
		.ringbuf_bytes = env->ringbuf_bytes,
		.wakeup_bytes = env->ringbuf_bytes / 4,
		.verbose = env->verbose,
	};
	char err[512];
	int ret = 0;

	t->loader = loader__load(&o, err, sizeof(err));
	if (!t->loader) {
		fprintf(stderr, "ipctrace: %s\n", err);
		return -errno;
	}
	for (int i = 0; i < env->nr_pids && !ret; i++)
		ret = loader__add_target(t->loader, env->pids[i]);
	for (int i = 0; i < env->nr_tids && !ret; i++)
		ret = loader__add_tid(t->loader, env->tids[i]);
	if (!ret && t->launched)
		ret = loader__add_target(t->loader, t->launch.pid);
	if (ret)
		fprintf(stderr, "ipctrace: failed to set the process filter: %s\n", strerror(-ret));
	return ret;
}

static void alive_add(struct trace *t, uint32_t id)
{
	hmap__put(t->alive, &id, 1);
	t->had_targets = true;
}

/* Follows target lifetimes: says when one exits; the run ends with the last. */
static int lifetimes_event(struct sink *sk, const struct ipc_hdr *h, size_t len)
{
	struct trace *t = container_of(sk, struct trace, lifetimes);
	const struct ipc_ev_proc *p = (const struct ipc_ev_proc *)h;

	if (h->type != IPC_REC_PROC)
		return 0;
	/* the new image may run another libc: --locks looks at it once loaded */
	if (t->locks && h->op == IPC_OP_PROC_EXEC)
		locks__exec(t->locks, h->pid, h->ts_ns);
	if (h->op == IPC_OP_PROC_FORK && (t->env->follow || t->launched) &&
	    hmap__find(t->alive, &h->pid))
		alive_add(t, p->child_pid);
	if (h->op != IPC_OP_PROC_EXIT && h->op != IPC_OP_THREAD_EXIT)
		return 0;
	/* a -t thread ends with its own exit, a process with its last thread's */
	if (hmap__remove(t->alive, h->op == IPC_OP_PROC_EXIT ? &h->pid : &h->tid))
		return 0;
	if (t->env->nr_pids || t->env->nr_tids) {
		char how[64];

		fmt_wait_status(how, sizeof(how), p->exit_code);
		fprintf(stderr, "ipctrace: %s %u (%s) %s\n",
			h->op == IPC_OP_PROC_EXIT ? "process" : "thread",
			h->op == IPC_OP_PROC_EXIT ? h->pid : h->tid, text__safe(h->comm),
			how);
	}
	return 0;
}

static const struct sink_ops lifetimes_ops = {
	.name = "lifetimes",
	.event = lifetimes_event,
};

static bool own_object(const struct trace *t, const struct ipc_watch_key *k)
{
	for (int i = 0; i < t->nr_own; i++)
		if (t->own[i].a == k->a && t->own[i].b == k->b)
			return true;
	return false;
}

/*
 * ipctrace's own output is never watched: a traced command sharing it (say
 * `ipctrace -- cmd | less`) would make the reader a peer whose reads are
 * reported into the same pipe, and so on without end.
 */
static int setup_own_output(struct trace *t)
{
	int fds[3] = { STDOUT_FILENO, STDERR_FILENO, fileno(t->out) };
	struct ipc_obj o;
	char name[IPC_NAME_LEN];

	for (int i = 0; i < 3; i++) {
		struct ipc_watch_key *k = &t->own[t->nr_own];

		if (procfs__fd_obj(getpid(), fds[i], &o, name, sizeof(name)) ||
		    o.kind == IPC_OBJ_OTHER || o.kind == IPC_OBJ_NONE)
			continue;
		ipc_watch_key(&o, k);
		if (own_object(t, k))
			continue;
		if (loader__ignore(t->loader, k) == 0)
			t->nr_own++;
	}
	return 0;
}

static int push_cb(void *ctx, const void *rec, size_t len)
{
	struct trace *t = ctx;
	const struct ipc_rec_fdsnap *fs = rec;
	struct ipc_watch_key k;

	if (fs->hdr.type == IPC_REC_FDSNAP && t->env->peers) {
		ipc_watch_key(&fs->obj, &k);
		if (!own_object(t, &k))
			loader__watch(t->loader, &k);
	}
	return collector__push(t->c, rec, len);
}

/*
 * What the targets hold, and (with peers) the processes at the other ends,
 * as records: idle channels are known, and their objects watched in BPF.
 */
static int setup_snapshot(struct trace *t)
{
	struct snapshot_opts o = { .peers = t->env->peers, .verbose = t->env->verbose };
	struct snapshot_stats st;
	int ret;

	/* best effort, as /proc is: the trace itself does not depend on it */
	ret = snapshot__targets(t->env->pids, t->env->nr_pids, &o, push_cb, t, &st);
	if (ret)
		fprintf(stderr, "ipctrace: failed to snapshot the targets: %s\n", strerror(-ret));
	else if (t->env->verbose)
		fprintf(stderr, "ipctrace: snapshot: %u fds of the targets, "
			"%u peers with %u fds%s\n",
			st.fds, st.peers, st.peer_fds, st.diag ? "" : " (no sock_diag)");
	return 0;
}

static int push_meta(struct trace *t)
{
	const struct env *env = t->env;
	struct ipc_rec_meta m = {};
	struct utsname u;

	m.self_pid = getpid();
	ipc_hdr_collector(&m.hdr, IPC_REC_META, m.self_pid, m.self_pid, "ipctrace");
	m.abi_version = IPC_ABI_VERSION;
	procfs__clocks(&m.mono_ns, &m.real_ns, &m.boot_ns);
	m.hdr.ts_ns = m.mono_ns;
	m.families = env->families;
	for (int i = 0; i < env->nr_pids; i++) {
		if (m.nr_targets < 8)
			m.targets[m.nr_targets] = env->pids[i];
		m.nr_targets++;
	}
	if (t->launched)
		m.targets[m.nr_targets++] = t->launch.pid;
	gethostname(m.hostname, sizeof(m.hostname) - 1);
	if (!uname(&u))
		snprintf(m.kernel, sizeof(m.kernel), "%.*s", (int)sizeof(m.kernel) - 1, u.release);
	t->start_ns = t->interval_start_ns = m.mono_ns;
	return collector__push(t->c, &m, sizeof(m));
}

static int setup_collector(struct trace *t)
{
	const struct env *env = t->env;
	char why[PATH_MAX + 128];
	int ret;

	t->c = t->ss.c = collector__new();
	t->alive = hmap__new(sizeof(uint32_t));
	if (!t->c || !t->alive)
		return -ENOMEM;
	collector__set_verbose(t->c, env->verbose);
	collector__set_live(t->c);
	if (env->mode == MODE_RECORD) {
		t->recorder = recorder__new(env->output, why, sizeof(why));
		if (!t->recorder) {
			ret = -errno;
			fprintf(stderr, "ipctrace: %s\n", why);
			return ret;
		}
		ret = collector__add_sink(t->c, recorder__sink(t->recorder));
		if (ret)
			return ret;
	}
	t->lifetimes.ops = &lifetimes_ops;
	ret = collector__add_sink(t->c, &t->lifetimes);
	if (!ret)
		ret = session__add_sinks(&t->ss, env, t->out);
	if (!ret)
		ret = push_meta(t);
	for (int i = 0; i < env->nr_pids && !ret; i++)
		alive_add(t, env->pids[i]);
	if (!ret && env->nr_pids)
		ret = setup_snapshot(t);
	for (int i = 0; i < env->nr_tids && !ret; i++)
		alive_add(t, env->tids[i]);
	if (t->launched)
		alive_add(t, t->launch.pid);
	return ret;
}

/*
 * --locks: uprobes on each target's pthread functions.  For every process
 * when descendants are followed (a child is covered from its fork, the BPF
 * filter chooses), else for the targets alone.  The launched command has
 * not exec'd yet: its libc is ours until locks__poll() sees the new one.
 */
static int setup_locks(struct trace *t)
{
	const struct env *env = t->env;
	struct locks_opts o = {
		.all_pids = env->follow || t->launched,
		.verbose = env->verbose,
	};
	char err[512] = "";
	int ret = 0;

	t->locks = locks__new(t->loader, &o);
	if (!t->locks) {
		ret = -errno;
		fprintf(stderr, "ipctrace: failed to set up --locks: %s\n", strerror(-ret));
		return ret;
	}
	for (int i = 0; i < env->nr_pids && !ret; i++)
		ret = locks__add_process(t->locks, env->pids[i], err, sizeof(err));
	for (int i = 0; i < env->nr_tids && !ret; i++)
		ret = locks__add_process(t->locks, procfs__tgid_of(env->tids[i]), err, sizeof(err));
	if (!ret && t->launched)
		ret = locks__add_process(t->locks, t->launch.pid, err, sizeof(err));
	if (ret)
		fprintf(stderr, "ipctrace: %s\n", err);
	return ret;
}

/*
 * Look at the blocked threads.  The processes their waits lead to are
 * asked about and looked at at once; a deadlock is looked at again a
 * moment later, to confirm it.
 */
static int stall_look(struct trace *t, uint32_t sflags)
{
	int ret;

	if (!t->scan)
		return 0;
	ret = looks__take(t->scan, t->ss.stalls, t->c, sflags, t->env->peers);
	if (!ret && t->ss.stalls && stalls__unconfirmed(t->ss.stalls) &&
	    !(sflags & IPC_SNAP_FINAL))
		t->confirm_at = ipc_mono_ns() + CONFIRM_NS;
	return ret;
}

static int setup_scan(struct trace *t)
{
	struct taskscan_opts o = { .min_ns = t->env->blocked_min_s * 1e9,
				   .stacks = t->env->stacks };

	t->scan = taskscan__new(t->loader, t->c, &o);
	if (!t->scan) {
		fprintf(stderr, "ipctrace: failed to set up the look at blocked threads: %s\n",
			strerror(errno));
		return -errno;
	}
	/* threads already stuck when tracing starts show in the first interval */
	if (stall_look(t, IPC_SNAP_ATTACH))
		fprintf(stderr, "ipctrace: failed to look at the blocked threads\n");
	return 0;
}

static int start(struct trace *t)
{
	char err[512];
	int ret;

	t->src = source_ring__new(t->c, t->loader);
	if (!t->src) {
		fprintf(stderr, "ipctrace: failed to open the ring buffer: %s\n", strerror(errno));
		return -errno;
	}
	ret = loader__attach(t->loader, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "ipctrace: %s\n", err);
		return ret;
	}
	if (t->env->locks) {
		ret = setup_locks(t);
		if (ret)
			return ret;
	}
	ret = setup_scan(t);
	if (ret)
		return ret;
	if (t->launched) {
		ret = launch__go(&t->launch);
		if (ret) {
			fprintf(stderr, "ipctrace: failed to run %s: %s\n", t->env->cmd[0],
				strerror(-ret));
			return ret;
		}
	}
	if (t->env->verbose)
		fprintf(stderr, "ipctrace: tracing %s\n", t->what);
	return 0;
}

static bool live_view(const struct trace *t)
{
	const struct env *env = t->env;

	return env->mode == MODE_LIVE && !env->events && !env->json && !env->quiet;
}

/* The interval is over: drop exited pids from the filter, report, reset. */
static void tick(struct trace *t, uint64_t now)
{
	struct report_opts ro = {
		.out = t->out,
		.clear = t->tty,
		.start_ns = t->interval_start_ns,
		.end_ns = now,
		.what = t->what,
		.top = t->env->top,
	};

	source_ring__push_stats(t->src);
	stall_look(t, 0);
	if (live_view(t))
		report__print(t->c, &ro);
	collector__interval_end(t->c);
	t->interval_start_ns = now;
	t->intervals++;
}

/* Why the trace should end now (enum ipc_end_reason), or 0 to go on. */
static unsigned int done(struct trace *t, uint64_t now)
{
	const struct env *env = t->env;

	if (exiting)
		return IPC_END_SIGNAL;
	if (env->duration_s && now - t->start_ns >= env->duration_s * 1e9)
		return IPC_END_DURATION;
	if (env->count && t->intervals >= env->count)
		return IPC_END_COUNT;
	if (t->launched)
		return launch__poll(&t->launch, false) ? IPC_END_COMMAND : 0;
	return t->had_targets && hmap__count(t->alive) == 0 ? IPC_END_TARGETS : 0;
}

static int run_loop(struct trace *t)
{
	uint64_t interval_ns = t->env->interval_s * 1e9, now = ipc_mono_ns();
	int ret;

	while (!(t->end_reason = done(t, now))) {
		uint64_t next = t->interval_start_ns + interval_ns;
		int wait_ms;

		if (t->confirm_at && t->confirm_at < next)
			next = t->confirm_at;
		wait_ms = next > now ? (next - now) / 1000000 + 1 : 0;

		ret = source__poll(t->src, wait_ms < POLL_MS ? wait_ms : POLL_MS);
		if (ret < 0) {
			fprintf(stderr, "ipctrace: %s\n", t->src->error);
			return ret;
		}
		if (ret > 0)
			fflush(t->out);
		now = ipc_mono_ns();
		if (t->locks)
			locks__poll(t->locks, now);
		if (t->confirm_at && now >= t->confirm_at) {
			t->confirm_at = 0;
			stall_look(t, IPC_SNAP_CONFIRM);
			fflush(t->out);
		}
		if (now >= t->interval_start_ns + interval_ns)
			tick(t, now);
	}
	t->end_ns = now;
	return 0;
}

/* The last record: the span the trace covered, for a report of the recording. */
static int push_end(struct trace *t)
{
	struct ipc_rec_end e = {};

	ipc_hdr_collector(&e.hdr, IPC_REC_END, getpid(), getpid(), "ipctrace");
	e.start_ns = t->start_ns;
	e.end_ns = t->end_ns;
	e.hdr.ts_ns = e.end_ns;
	e.reason = t->end_reason;
	return collector__push(t->c, &e, sizeof(e));
}

/* Drain, report, write files; the probes are detached by the caller. */
static int finish(struct trace *t)
{
	struct report_opts ro = {
		.out = t->out,
		.json = t->env->json,
		.final = true,
		.start_ns = t->start_ns,
		.what = t->what,
		.top = t->env->top,
	};
	int ret = 0;

	/* a loop that failed stopped now */
	if (!t->end_ns) {
		t->end_ns = ipc_mono_ns();
		t->end_reason = IPC_END_ERROR;
	}
	ro.end_ns = t->end_ns;
	if (source_ring__drain(t->src, 2000000000ull) < 0)
		ret = -EIO;
	/* the calls still in flight are reported, not dropped */
	stall_look(t, IPC_SNAP_FINAL);
	source_ring__push_stats(t->src);
	if (push_end(t))
		ret = -EIO;
	if (collector__finish(t->c)) {
		fprintf(stderr, "ipctrace: failed to finish the outputs\n");
		ret = -EIO;
	}
	if (t->env->mode == MODE_RECORD) {
		fprintf(stderr, "ipctrace: wrote %llu records (%llu bytes) to %s\n",
			recorder__records(t->recorder), recorder__bytes(t->recorder),
			t->env->output);
		return ret;
	}
	report__print(t->c, &ro);
	if (session__write_files(&t->ss, t->env))
		ret = -EIO;
	return ret;
}

static int exit_status(struct trace *t, int err)
{
	if (err)
		return EXIT_FAIL;
	if (t->launched) {
		/* Ctrl-C may have reached the command too: give it a moment */
		for (int i = 0; i < 20 && !launch__poll(&t->launch, false); i++)
			usleep(10000);
		return t->launch.exited ? launch__exit_code(&t->launch) : EXIT_OK;
	}
	return EXIT_OK;
}

int run_trace(const struct env *env)
{
	struct trace t = { .env = env };
	int err;

	cli__describe(env, t.what, sizeof(t.what));
	err = setup_signals();
	if (!err)
		err = setup_output(&t);
	if (!err)
		err = check_targets(&t);
	if (!err)
		err = setup_launch(&t);
	if (!err)
		err = setup_bpf(&t);
	if (!err)
		err = setup_own_output(&t);
	if (!err)
		err = setup_collector(&t);
	if (!err)
		err = start(&t);
	if (!err)
		err = run_loop(&t);
	if (t.src) {
		int ferr = finish(&t);

		err = err ? err : ferr;
	}
	if (t.launched && !t.launch.exited && err)
		launch__abort(&t.launch);
	source__free(t.src);
	taskscan__free(t.scan);
	locks__free(t.locks);
	loader__destroy(t.loader);
	collector__free(t.c);
	hmap__free(t.alive);
	if (t.out && t.out != stdout && t.out != stderr)
		fclose(t.out);
	return exit_status(&t, err);
}
