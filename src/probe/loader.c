// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF lifecycle: open, configure, load, attach, read, destroy.
 *
 * Every hook is a BTF tracepoint (tp_btf): attaching them needs BTF but no
 * tracefs and no kprobes, which this tool must do without.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probe/loader.h"
#include "probe/syscalls.h"
/* after the ABI types: the skeleton names struct ipc_sys_info */
#include "ipctrace.skel.h"

#define CAP_PERFMON_BIT 38
#define CAP_BPF_BIT 39

struct loader {
	struct ipctrace_bpf *skel;
	struct bpf_link *task_iter;	/* the task iterator (tasks.bpf.h) */
	struct ipc_task_now *tasks;	/* what it read last */
	size_t cap_tasks;
	struct bpf_link **links;	/* grows: --locks adds uprobes per library */
	int nr_links;
	int cap_links;
	int *link_fds;			/* --locks: multi-uprobe links (raw bpf(2) fds) */
	int nr_link_fds;
	int cap_link_fds;
	bool uprobe_multi;		/* the lock programs attach as multi-uprobes */
	int ncpus;
};

/* libbpf messages: shown with -v; the last failure is kept to explain errors. */
static int log_verbose;
static char last_prog_error[256];

__attribute__((format(printf, 2, 0)))
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[512];
	const char *p;
	va_list copy;

	va_copy(copy, ap);
	vsnprintf(line, sizeof(line), fmt, copy);
	va_end(copy);
	if (level == LIBBPF_WARN && (p = strstr(line, "prog '")) && strstr(line, "failed")) {
		snprintf(last_prog_error, sizeof(last_prog_error), "%s", p);
		last_prog_error[strcspn(last_prog_error, "\n")] = 0;
	}
	if (log_verbose < (level == LIBBPF_DEBUG ? 2 : 1))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int loader__check_privileges(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	bool sys_admin, bpf, perfmon;

	if (syscall(SYS_capget, &hdr, data)) {
		snprintf(err, errlen, "failed to read capabilities: %s", strerror(errno));
		return -errno;
	}
	sys_admin = data[0].effective & (1u << CAP_SYS_ADMIN);
	bpf = data[1].effective & (1u << (CAP_BPF_BIT - 32));
	perfmon = data[1].effective & (1u << (CAP_PERFMON_BIT - 32));
	if (sys_admin || (bpf && perfmon))
		return 0;
	snprintf(err, errlen, "need root (or CAP_BPF and CAP_PERFMON) to load BPF programs: "
		 "run with sudo");
	return -EPERM;
}

int loader__check_btf(char *err, size_t errlen)
{
	/* IPCTRACE_KERNEL_BTF only exists so that tests can see this failure */
	const char *path = getenv("IPCTRACE_KERNEL_BTF");

	if (!path)
		path = "/sys/kernel/btf/vmlinux";
	if (access(path, R_OK) == 0)
		return 0;
	snprintf(err, errlen, "this kernel has no BTF (%s: %s): "
		 "ipctrace needs a kernel built with CONFIG_DEBUG_INFO_BTF=y",
		 path, strerror(errno));
	return -ENOTSUP;
}

/* The largest pid + 1 the kernel hands out: the filter bitmap's size. */
static uint32_t pid_max(void)
{
	unsigned long v = 0;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	/* PID_MAX_LIMIT (4M) on 64-bit when /proc does not say */
	return v && v <= (1ul << 22) ? v : 1u << 22;
}

static void configure(struct ipctrace_bpf *skel, const struct loader_opts *o)
{
	struct ipctrace_bpf__rodata *rd = skel->rodata;

	syscalls__fill_table((uint8_t *)rd->sc_table, o->families);
	syscalls__fill_info((struct ipc_sys_info *)rd->sys_info);
	rd->filter_procs = o->filter;
	rd->filter_tids = o->filter_tids;
	rd->follow_children = o->follow;
	bpf_map__set_max_entries(skel->maps.target_bits, pid_max() / 64 + 1);
	rd->watch_peers = o->watch_peers;
	rd->families = o->families;
	rd->self_tgid = getpid();
	rd->want_stacks = o->stacks;
	/* only when the probes run: their exits report the calls taken over */
	rd->adopt_blocked = o->adopt && !o->tasks_only;
	rd->wakeup_bytes = o->wakeup_bytes;
	bpf_map__set_max_entries(skel->maps.events, o->ringbuf_bytes);
	if (!o->stacks)
		bpf_map__set_max_entries(skel->maps.stacks, 1);
	/* the uprobes have no target of their own: src/probe/locks.c attaches them */
	bpf_program__set_autoattach(skel->progs.ipc_lock_enter, false);
	bpf_program__set_autoattach(skel->progs.ipc_lock_return, false);
	if (!o->locks) {
		bpf_program__set_autoload(skel->progs.ipc_lock_enter, false);
		bpf_program__set_autoload(skel->progs.ipc_lock_return, false);
	}
	if (!(o->families & (1u << IPC_FAM_SIGNAL))) {
		bpf_program__set_autoload(skel->progs.ipc_signal_generate, false);
		bpf_program__set_autoload(skel->progs.ipc_signal_deliver, false);
	}
	/* an iterator runs when read: loader__read_tasks() attaches it */
	bpf_program__set_autoattach(skel->progs.ipc_task_iter, false);
	if (o->tasks_only) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, skel->obj)
			if (prog != skel->progs.ipc_task_iter)
				bpf_program__set_autoload(prog, false);
		bpf_map__set_max_entries(skel->maps.stacks, 1);
		bpf_map__set_max_entries(skel->maps.events, 4096);
		bpf_map__set_max_entries(skel->maps.watched, 1);
		bpf_map__set_max_entries(skel->maps.ignored, 1);
	}
}

/*
 * Multi-uprobe links (BPF_TRACE_UPROBE_MULTI, Linux 6.6): one link places
 * a program on many offsets of one file, and removing it waits for one
 * grace period instead of one per probe.  libbpf 1.1 has no wrapper for it:
 * the link is made with bpf(BPF_LINK_CREATE) directly.  The layout is the
 * kernel's link_create.uprobe_multi (uapi linux/bpf.h).
 */
#define LINK_TRACE_UPROBE_MULTI		48	/* enum bpf_attach_type */
#define LINK_F_UPROBE_MULTI_RETURN	1u

union uprobe_multi_attr {
	struct {
		__u32 prog_fd;
		__u32 target_fd;
		__u32 attach_type;
		__u32 flags;
		__aligned_u64 path;
		__aligned_u64 offsets;
		__aligned_u64 ref_ctr_offsets;
		__aligned_u64 cookies;
		__u32 cnt;
		__u32 uflags;
		__u32 pid;
	} s;
	char bytes[64];
};

static int uprobe_multi_link(int prog_fd, const char *path, const uint64_t *offsets,
			     const uint64_t *cookies, size_t n, bool ret, uint32_t pid)
{
	union uprobe_multi_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.s.prog_fd = (__u32)prog_fd;
	a.s.attach_type = LINK_TRACE_UPROBE_MULTI;
	a.s.path = (uintptr_t)path;
	a.s.offsets = (uintptr_t)offsets;
	a.s.cookies = (uintptr_t)cookies;
	a.s.cnt = (__u32)n;
	a.s.uflags = ret ? LINK_F_UPROBE_MULTI_RETURN : 0;
	a.s.pid = pid;
	fd = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	return fd < 0 ? -errno : fd;
}

/*
 * Whether this kernel makes multi-uprobe links: a program of that attach
 * type loads, and a link on a directory ("/") fails the way only a kernel
 * that knows them fails (EBADF: not a regular file), as libbpf probes it.
 * IPCTRACE_NO_UPROBE_MULTI=1 says no, to run the one-link-per-probe way.
 */
static bool uprobe_multi_supported(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, po, .expected_attach_type = LINK_TRACE_UPROBE_MULTI);
	const char *no = getenv("IPCTRACE_NO_UPROBE_MULTI");
	uint64_t offset = 0;
	int prog, link;

	if (no && *no && strcmp(no, "0"))
		return false;
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &po);
	if (prog < 0)
		return false;
	link = uprobe_multi_link(prog, "/", &offset, NULL, 1, false, 0);
	if (link >= 0)
		close(link);
	close(prog);
	return link == -EBADF;
}

struct loader *loader__load(const struct loader_opts *opts, char *err, size_t errlen)
{
	struct loader *l;
	int ret;

	log_verbose = opts->verbose;
	libbpf_set_print(libbpf_print);
	ret = loader__check_privileges(err, errlen);
	if (!ret)
		ret = loader__check_btf(err, errlen);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->ncpus = libbpf_num_possible_cpus();
	l->skel = ipctrace_bpf__open();
	if (!l->skel) {
		ret = -errno;
		snprintf(err, errlen, "failed to open BPF object: %s", strerror(-ret));
		goto err_free;
	}
	configure(l->skel, opts);
	if (opts->locks && uprobe_multi_supported()) {
		l->uprobe_multi = true;
		bpf_program__set_expected_attach_type(l->skel->progs.ipc_lock_enter,
						      LINK_TRACE_UPROBE_MULTI);
		bpf_program__set_expected_attach_type(l->skel->progs.ipc_lock_return,
						      LINK_TRACE_UPROBE_MULTI);
	}
	last_prog_error[0] = 0;
	ret = ipctrace_bpf__load(l->skel);
	if (ret) {
		snprintf(err, errlen, "failed to load BPF programs: %s%s%s%s", strerror(-ret),
			 last_prog_error[0] ? " (" : "", last_prog_error,
			 last_prog_error[0] ? "; -v shows the verifier log)" : "");
		goto err_free;
	}
	return l;

err_free:
	loader__destroy(l);
	errno = -ret;
	return NULL;
}

bool loader__uprobe_multi(const struct loader *l)
{
	return l->uprobe_multi;
}

int loader__attach_uprobes(struct loader *l, bool ret, const char *path, int pid,
			   const uint64_t *offsets, const uint64_t *cookies, size_t n)
{
	struct bpf_program *prog = loader__lock_prog(l, ret);
	int fd, *fds, cap;

	if (!prog || !l->uprobe_multi)
		return -EOPNOTSUPP;
	if (l->nr_link_fds == l->cap_link_fds) {
		cap = l->cap_link_fds ? 2 * l->cap_link_fds : 16;
		fds = realloc(l->link_fds, cap * sizeof(*fds));
		if (!fds)
			return -ENOMEM;
		l->link_fds = fds;
		l->cap_link_fds = cap;
	}
	fd = uprobe_multi_link(bpf_program__fd(prog), path, offsets, cookies, n, ret,
			       pid < 0 ? 0 : (uint32_t)pid);
	if (fd < 0)
		return fd;
	l->link_fds[l->nr_link_fds++] = fd;
	return 0;
}

int loader__add_link(struct loader *l, struct bpf_link *link)
{
	struct bpf_link **links;
	int cap;

	if (l->nr_links == l->cap_links) {
		cap = l->cap_links ? 2 * l->cap_links : 32;
		links = realloc(l->links, cap * sizeof(*links));
		if (!links) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		l->links = links;
		l->cap_links = cap;
	}
	l->links[l->nr_links++] = link;
	return 0;
}

struct bpf_program *loader__lock_prog(const struct loader *l, bool ret)
{
	struct bpf_program *prog = ret ? l->skel->progs.ipc_lock_return :
					 l->skel->progs.ipc_lock_enter;

	return bpf_program__autoload(prog) ? prog : NULL;
}

int loader__attach(struct loader *l, char *err, size_t errlen)
{
	struct bpf_program *prog;
	int ret;

	bpf_object__for_each_program(prog, l->skel->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) || !bpf_program__autoattach(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			ret = -errno;
			snprintf(err, errlen, "failed to attach BPF program '%s': %s",
				 bpf_program__name(prog), strerror(-ret));
			return ret;
		}
		ret = loader__add_link(l, link);
		if (ret) {
			snprintf(err, errlen, "failed to keep BPF link: %s", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int loader__ask_pid(struct loader *l, uint32_t pid)
{
	__u8 one = 1;

	return bpf_map__update_elem(l->skel->maps.task_pids, &pid, sizeof(pid), &one, sizeof(one),
				    BPF_ANY);
}

/* Read the whole iterator output into l->tasks; the count, or -errno. */
static ssize_t read_all(struct loader *l, int fd)
{
	size_t have = 0;

	for (;;) {
		ssize_t n;

		if (have == l->cap_tasks) {
			size_t cap = l->cap_tasks ? 2 * l->cap_tasks : 256;
			void *p = realloc(l->tasks, cap * sizeof(*l->tasks));

			if (!p)
				return -ENOMEM;
			l->tasks = p;
			l->cap_tasks = cap;
		}
		n = read(fd, (char *)l->tasks + have * sizeof(*l->tasks),
			 (l->cap_tasks - have) * sizeof(*l->tasks));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return have;
		/* the iterator writes whole records; a partial one would be a kernel bug */
		have += n / sizeof(*l->tasks);
	}
}

ssize_t loader__read_tasks(struct loader *l, const struct ipc_task_now **tasks)
{
	ssize_t n;
	int fd;

	if (!l->task_iter) {
		l->task_iter = bpf_program__attach_iter(l->skel->progs.ipc_task_iter, NULL);
		if (!l->task_iter) {
			n = -errno;
			l->task_iter = NULL;
			return n;
		}
	}
	fd = bpf_iter_create(bpf_link__fd(l->task_iter));
	if (fd < 0)
		return -errno;
	n = read_all(l, fd);
	close(fd);
	*tasks = l->tasks;
	return n;
}

void loader__destroy(struct loader *l)
{
	if (!l)
		return;
	bpf_link__destroy(l->task_iter);
	free(l->tasks);
	/*
	 * uprobes: each removal of a one-probe link waits for a grace period
	 * (~0.1 s), a multi-uprobe link's for one in all (see locks.h)
	 */
	for (int i = 0; i < l->nr_link_fds; i++)
		close(l->link_fds[i]);
	free(l->link_fds);
	for (int i = 0; i < l->nr_links; i++)
		bpf_link__destroy(l->links[i]);
	free(l->links);
	ipctrace_bpf__destroy(l->skel);
	free(l);
}

/*
 * One id into the filter bitmap.  Only before the probes attach: afterwards
 * BPF changes the bitmap atomically and a read-modify-write here could undo
 * its change to a neighbouring id.
 */
static int filter_add(struct loader *l, uint32_t id)
{
	uint32_t idx = id >> 6;
	uint64_t word = 0;

	if (l->nr_links)
		return -EBUSY;
	if (bpf_map__lookup_elem(l->skel->maps.target_bits, &idx, sizeof(idx), &word,
				 sizeof(word), 0))
		return -errno == -ENOENT ? -ERANGE : -errno;
	word |= 1ull << (id & 63);
	if (bpf_map__update_elem(l->skel->maps.target_bits, &idx, sizeof(idx), &word,
				 sizeof(word), BPF_ANY))
		return -errno;
	return 0;
}

int loader__add_target(struct loader *l, uint32_t pid)
{
	return filter_add(l, pid);
}

int loader__add_tid(struct loader *l, uint32_t tid)
{
	return filter_add(l, tid);
}

int loader__watch(struct loader *l, const struct ipc_watch_key *key)
{
	uint32_t one = 1;

	if (bpf_map__update_elem(l->skel->maps.watched, key, sizeof(*key), &one, sizeof(one),
				 BPF_ANY))
		return -errno;
	return 0;
}

int loader__ignore(struct loader *l, const struct ipc_watch_key *key)
{
	uint32_t one = 1;

	if (bpf_map__update_elem(l->skel->maps.ignored, key, sizeof(*key), &one, sizeof(one),
				 BPF_ANY))
		return -errno;
	return 0;
}

int loader__events_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.events);
}

int loader__read_stack(const struct loader *l, int32_t id, __u64 *ips, __u32 *nr)
{
	__u32 n = 0;

	memset(ips, 0, IPC_MAX_STACK * sizeof(*ips));
	if (bpf_map__lookup_elem(l->skel->maps.stacks, &id, sizeof(id), ips,
				 IPC_MAX_STACK * sizeof(*ips), 0))
		return -errno;
	while (n < IPC_MAX_STACK && ips[n])
		n++;
	*nr = n;
	return 0;
}

int loader__read_stats(const struct loader *l, __u64 *out)
{
	uint64_t *vals = calloc(l->ncpus, sizeof(*vals));

	if (!vals)
		return -ENOMEM;
	for (uint32_t i = 0; i < IPC_STAT_NR; i++) {
		out[i] = 0;
		if (bpf_map__lookup_elem(l->skel->maps.stats, &i, sizeof(i), vals,
					 l->ncpus * sizeof(*vals), 0))
			continue;
		for (int c = 0; c < l->ncpus; c++)
			out[i] += vals[c];
	}
	free(vals);
	return 0;
}
