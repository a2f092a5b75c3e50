// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Symbolized stacks and data names, cached (the contract is in stacks.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hmap.h"
#include "lib/strtab.h"
#include "lib/textsafe.h"
#include "lib/vec.h"
#include "model/collector.h"
#include "model/proctab.h"
#include "model/stacks.h"
#include "model/syms.h"

#define NO_STACK	UINT64_MAX	/* cached answer: no such stack */
#define MAX_ANCESTORS	8		/* fork depth searched for a child's maps */
#define NAME_LEN	256
#define SHM_DIR		"/dev/shm/"	/* named POSIX semaphores and shm_open() */
#define DELETED		" (deleted)"

struct stack_key {
	uint32_t pid;
	int32_t id;
};

enum addr_kind {
	ADDR_DATA = 1,
	ADDR_CODE,
};

struct addr_key {
	uint32_t pid;
	uint32_t kind;		/* enum addr_kind */
	uint64_t addr;
};

struct stack_ent {
	uint32_t off;		/* first frame in frames */
	uint32_t nr;
	const char *site;
};

struct stacks {
	struct sink sink;
	struct collector *c;
	struct hmap *idx;	/* stack_key -> index in ents, or NO_STACK */
	struct vec ents;	/* struct stack_ent */
	struct vec frames;	/* const char *, stacks back to back, innermost first */
	struct hmap *names;	/* addr_key -> const char * (0: no name) */
	struct stacks_stats st;
};

static const struct sink_ops stacks_sink_ops;

struct stacks *stacks__new(struct collector *c)
{
	struct stacks *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sink.ops = &stacks_sink_ops;
	s->c = c;
	vec__init(&s->ents, sizeof(struct stack_ent));
	vec__init(&s->frames, sizeof(const char *));
	s->idx = hmap__new(sizeof(struct stack_key));
	s->names = hmap__new(sizeof(struct addr_key));
	if (!s->idx || !s->names || !collector__syms(c)) {
		stacks__free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

struct sink *stacks__sink(struct stacks *s)
{
	return &s->sink;
}

void stacks__free(struct stacks *s)
{
	if (!s)
		return;
	hmap__free(s->idx);
	hmap__free(s->names);
	vec__release(&s->ents);
	vec__release(&s->frames);
	free(s);
}

static void stacks_sink_free(struct sink *sk)
{
	stacks__free(container_of(sk, struct stacks, sink));
}

static const struct sink_ops stacks_sink_ops = {
	.name = "stacks",
	.free = stacks_sink_free,
};

/*
 * Whose maps describe pid's code: its own, or, for a process forked during
 * the trace that has not exec'd, its parent's (the live source captures
 * the maps only for the first process that shows a stack id, and a fork
 * child shares its parent's ids).
 */
static uint32_t maps_pid(struct stacks *s, uint32_t pid)
{
	const struct proctab *pt = collector__procs_const(s->c);
	struct syms *sy = collector__syms(s->c);
	uint32_t p = pid;

	for (int i = 0; i < MAX_ANCESTORS; i++) {
		const struct proc_info *pi;

		if (syms__has_pid(sy, p))
			return p;
		pi = proctab__get(pt, p);
		if (!pi || !pi->fork_ns || pi->exec_ns || !pi->ppid)
			break;
		p = pi->ppid;
	}
	return pid;
}

/* Frames of the C runtime are where every program blocks, not why. */
static bool runtime_module(const char *path)
{
	static const char *const prefixes[] = {
		"libc.so", "libc-", "libpthread", "ld-linux", "ld-musl", "libgcc_s", "libstdc++",
	};
	const char *base;

	if (!path)
		return true;	/* not in any mapping: no better than the runtime */
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(base, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * A name for the reports: symbols and paths come from files the traced
 * processes chose, so they are cleaned once here (textsafe.h) for every
 * output, text, folded, SVG and JSON alike.
 */
static const char *intern_clean(struct stacks *s, const char *name)
{
	char buf[NAME_LEN];

	if (text__is_clean(name))
		return strtab__intern(collector__names(s->c), name);
	text__clean(buf, sizeof(buf), name, (size_t)-1);
	return strtab__intern(collector__names(s->c), buf);
}

/*
 * One code address as an interned name; *runtime tells whether it is in the
 * C runtime, *named whether a symbol was found.
 */
static const char *frame_name(struct stacks *s, uint32_t pid, uint64_t ip, bool innermost,
			      bool *runtime, bool *named)
{
	struct syms *sy = collector__syms(s->c);
	uint64_t at = innermost ? ip : ip - 1;	/* a return address is past its call */
	struct sym_res r;
	char buf[NAME_LEN];
	bool found = !syms__resolve(sy, pid, at, &r);

	*runtime = !found || runtime_module(r.module);
	*named = found && r.name;
	if (*named)
		return intern_clean(s, r.name);
	syms__format(buf, sizeof(buf), found ? &r : NULL, ip, false);
	return intern_clean(s, buf);
}

/* Symbolize the frames of a new stack into s->frames.  0 or -ENOMEM. */
static int stack_add(struct stacks *s, uint32_t pid, const uint64_t *ips, uint32_t nr,
		     struct stack_ent *e)
{
	uint32_t mpid = maps_pid(s, pid);
	const char **out;

	if (vec__reserve(&s->frames, s->frames.len + nr))
		return -ENOMEM;
	e->off = s->frames.len;
	e->nr = 0;
	e->site = NULL;
	for (uint32_t i = 0; i < nr; i++) {
		bool runtime, named;
		const char *name = frame_name(s, mpid, ips[i], i == 0, &runtime, &named);

		if (!name)
			return -ENOMEM;
		if (!named) {
			s->st.unresolved++;
			collector__count_unresolved(s->c);
		}
		out = vec__push(&s->frames);
		*out = name;
		e->nr++;
		if (!e->site && !runtime)
			e->site = name;
	}
	if (!e->site)
		e->site = nr ? *vec_at(&s->frames, const char *, e->off) :
			       strtab__intern(collector__names(s->c), "[empty stack]");
	s->st.stacks++;
	s->st.frames += nr;
	return e->site ? 0 : -ENOMEM;
}

int stacks__get(struct stacks *s, uint32_t pid, int32_t stack_id)
{
	struct stack_key k = { .pid = pid, .id = stack_id };
	const uint64_t *ips;
	struct stack_ent e, *slot = NULL;
	uint64_t v;
	uint32_t nr;
	int err;

	if (stack_id < 0)
		return -ENOENT;
	if (!hmap__get(s->idx, &k, &v))
		return v == NO_STACK ? -ENOENT : (int)v;
	ips = collector__stack(s->c, stack_id, &nr);
	if (!ips) {
		s->st.unknown++;
		return hmap__put(s->idx, &k, NO_STACK) ? -ENOMEM : -ENOENT;
	}
	err = stack_add(s, pid, ips, nr, &e);
	if (!err && !(slot = vec__push(&s->ents)))
		err = -ENOMEM;
	if (!err && hmap__put(s->idx, &k, s->ents.len - 1)) {
		s->ents.len--;
		err = -ENOMEM;
	}
	if (err) {
		s->frames.len = e.off;
		return err;
	}
	*slot = e;
	return s->ents.len - 1;
}

const char *const *stacks__frames(const struct stacks *s, int idx, uint32_t *nr)
{
	const struct stack_ent *e = vec__at(&s->ents, idx);

	*nr = e->nr;
	return vec__at(&s->frames, e->off);
}

const char *stacks__site(const struct stacks *s, int idx)
{
	return vec_at(&s->ents, const struct stack_ent, idx)->site;
}

/*
 * A file in /dev/shm names the memory in it; not once deleted: sem_open()
 * maps a temporary name that it renames, so the map shows the old name.
 */
static bool shm_file(const char *path)
{
	size_t n = path ? strlen(path) : 0, d = strlen(DELETED);

	return n && !strncmp(path, SHM_DIR, strlen(SHM_DIR)) &&
	       (n < d || strcmp(path + n - d, DELETED));
}

/* Cached name of an address; *found false when it is not cached yet. */
static const char *cached_name(struct stacks *s, const struct addr_key *k, bool *found)
{
	uint64_t v;

	*found = !hmap__get(s->names, k, &v);
	return *found ? (const char *)(uintptr_t)v : NULL;
}

const char *stacks__data_name(struct stacks *s, uint32_t pid, uint64_t addr)
{
	struct addr_key k = { .pid = pid, .kind = ADDR_DATA, .addr = addr };
	const char *name;
	struct sym_res r;
	char buf[NAME_LEN];
	bool found;

	name = cached_name(s, &k, &found);
	if (found)
		return name;
	if (!syms__resolve_data(collector__syms(s->c), maps_pid(s, pid), addr, &r) &&
	    (r.name || shm_file(r.module))) {
		syms__format(buf, sizeof(buf), &r, addr, r.offset != 0 || !r.name);
		name = intern_clean(s, buf);
	}
	hmap__put(s->names, &k, (uintptr_t)name);
	return name;
}

const char *stacks__code_name(struct stacks *s, uint32_t pid, uint64_t ip)
{
	struct addr_key k = { .pid = pid, .kind = ADDR_CODE, .addr = ip };
	const char *name;
	bool found, runtime, named;

	name = cached_name(s, &k, &found);
	if (found)
		return name;
	name = frame_name(s, maps_pid(s, pid), ip, false, &runtime, &named);
	hmap__put(s->names, &k, (uintptr_t)name);
	return name;
}

const struct stacks_stats *stacks__stats(const struct stacks *s)
{
	return &s->st;
}
