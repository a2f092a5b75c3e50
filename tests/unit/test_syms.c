// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for src/model/syms.c, against the ELF fixtures the Makefile builds
 * from tests/unit/fixtures/ into SYMS_FIXTURE_DIR.  The expected addresses
 * come from the fixtures' own .symtab and program headers, read here with
 * libelf, so the tests hold whatever the compiler and linker chose.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "model/syms.h"
#include "run/launch.h"

#ifndef SYMS_FIXTURE_DIR
#define SYMS_FIXTURE_DIR "build/tests/fixtures"
#endif

#define PIE_BIAS	0x555555554000ull
#define LIB_BIAS	0x7f1234560000ull
#define MAX_SEGS	16
#define MAX_LIVE	16

struct fx_sym {
	uint64_t value;
	uint64_t size;
};

struct fx_seg {
	uint64_t offset, filesz, vaddr, memsz;
};

static const char *fixture(const char *name)
{
	static char buf[4][512];
	static int next;
	char *p = buf[next++ & 3];

	snprintf(p, sizeof(buf[0]), "%s/%s", SYMS_FIXTURE_DIR, name);
	return p;
}

/* The .symtab entry called name in path: the oracle for expected addresses. */
static int fx_lookup(const char *path, const char *name, struct fx_sym *out)
{
	Elf_Scn *scn = NULL;
	int fd, ret = -ENOENT;
	Elf *elf;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	while (ret && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d = elf_getdata(scn, NULL);
		GElf_Shdr sh;
		GElf_Sym sym;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !d)
			continue;
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
			const char *n;

			if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
				continue;
			n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name)) {
				out->value = sym.st_value;
				out->size = sym.st_size;
				ret = 0;
				break;
			}
		}
	}
	elf_end(elf);
	close(fd);
	return ret;
}

static size_t fx_segs(const char *path, struct fx_seg *segs)
{
	size_t n = 0, nph;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getphdrnum(elf, &nph), 0);
	for (size_t i = 0; i < nph && n < MAX_SEGS; i++) {
		GElf_Phdr ph;

		assert_non_null(gelf_getphdr(elf, (int)i, &ph));
		if (ph.p_type != PT_LOAD)
			continue;
		segs[n++] = (struct fx_seg){ ph.p_offset, ph.p_filesz, ph.p_vaddr, ph.p_memsz };
	}
	elf_end(elf);
	close(fd);
	return n;
}

/* File offset of a link-time address, as module+0x... shows it. */
static uint64_t fx_file_off(const char *path, uint64_t vaddr)
{
	struct fx_seg segs[MAX_SEGS];
	size_t n = fx_segs(path, segs);

	for (size_t i = 0; i < n; i++)
		if (vaddr - segs[i].vaddr < segs[i].filesz)
			return vaddr - segs[i].vaddr + segs[i].offset;
	fail_msg("0x%" PRIx64 " not in a PT_LOAD of %s", vaddr, path);
	return 0;
}

/* A map record for path, whose inode is that of root/path (root may be ""). */
static void fx_rec(struct ipc_rec_map *m, uint32_t pid, const char *root, const char *path,
		   uint32_t mflags)
{
	char host[512];
	struct stat st;

	snprintf(host, sizeof(host), "%s%s", root, path);
	assert_int_equal(stat(host, &st), 0);
	memset(m, 0, sizeof(*m));
	m->hdr.type = IPC_REC_MAP;
	m->hdr.pid = pid;
	m->hdr.stack_id = -1;
	m->ino = st.st_ino;
	m->dev = (major(st.st_dev) << 20) | minor(st.st_dev);
	m->mflags = mflags;
	snprintf(m->path, sizeof(m->path), "%s", path);
}

/*
 * Map path the way ld.so does: each PT_LOAD's file pages at bias +
 * page-aligned p_vaddr.  The .bss pages past the file's are anonymous and
 * left out, as in /proc/PID/maps.
 */
static void fx_map_rooted(struct syms *s, uint32_t pid, const char *root, const char *path,
			  uint64_t bias, bool first)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	struct fx_seg segs[MAX_SEGS];
	struct ipc_rec_map m;
	char host[512];
	size_t n;

	snprintf(host, sizeof(host), "%s%s", root, path);
	n = fx_segs(host, segs);
	for (size_t i = 0; i < n; i++) {
		if (!segs[i].filesz)
			continue;
		fx_rec(&m, pid, root, path, first ? IPC_MAPF_FIRST : 0);
		first = false;
		m.start = bias + (segs[i].vaddr & ~(pg - 1));
		m.end = bias + ((segs[i].vaddr + segs[i].filesz + pg - 1) & ~(pg - 1));
		m.pgoff = segs[i].offset & ~(pg - 1);
		assert_int_equal(syms__add_map(s, &m), 0);
	}
}

static void fx_map_like_ldso(struct syms *s, uint32_t pid, const char *path, uint64_t bias,
			     bool first)
{
	fx_map_rooted(s, pid, "", path, bias, first);
}

/* name+off of path, loaded at bias, must resolve to exactly that. */
static void check_sym(struct syms *s, uint32_t pid, const char *path, uint64_t bias,
		      const char *name, bool data, uint64_t off)
{
	struct sym_res r;
	struct fx_sym fx;
	uint64_t addr;

	assert_int_equal(fx_lookup(path, name, &fx), 0);
	assert_true(!fx.size || off < fx.size);
	addr = bias + fx.value + off;
	if (data)
		assert_int_equal(syms__resolve_data(s, pid, addr, &r), 0);
	else
		assert_int_equal(syms__resolve(s, pid, addr, &r), 0);
	if (!r.name)
		fail_msg("%s+0x%" PRIx64 " at 0x%" PRIx64 ": no symbol", name, off, addr);
	assert_string_equal(r.name, name);
	assert_int_equal(r.offset, off);
	assert_string_equal(r.module, path);
}

static void test_synthetic_pie(void **state)
{
	const char *pie = fixture("fx_pie");
	struct syms *s = syms__new(NULL);
	struct fx_sym fx;
	struct sym_res r;

	assert_non_null(s);
	fx_map_like_ldso(s, 100, pie, PIE_BIAS, true);
	assert_true(syms__has_pid(s, 100));
	check_sym(s, 100, pie, PIE_BIAS, "fx_alpha", false, 0);
	check_sym(s, 100, pie, PIE_BIAS, "fx_alpha", false, 7);
	check_sym(s, 100, pie, PIE_BIAS, "fx_beta", false, 3);
	check_sym(s, 100, pie, PIE_BIAS, "fx_gamma", false, 1);	/* local */
	check_sym(s, 100, pie, PIE_BIAS, "fx_data_var", true, 12);
	/* .bss past the file's pages: in no mapping, found through the RW PT_LOAD */
	check_sym(s, 100, pie, PIE_BIAS, "fx_bss_big", true, 60000);
	check_sym(s, 100, pie, PIE_BIAS, "fx_bss_big", true, 0);
	/* a sizeless function ends at the next symbol */
	if (!fx_lookup(pie, "fx_nosize", &fx))
		check_sym(s, 100, pie, PIE_BIAS, "fx_nosize", false, 2);
	/* fx_beta_weak aliases fx_beta: the global name wins */
	assert_int_equal(fx_lookup(pie, "fx_beta_weak", &fx), 0);
	assert_int_equal(syms__resolve(s, 100, PIE_BIAS + fx.value, &r), 0);
	assert_string_equal(r.name, "fx_beta");
	/* code is not data and data is not code */
	assert_int_equal(fx_lookup(pie, "fx_alpha", &fx), 0);
	assert_int_equal(syms__resolve_data(s, 100, PIE_BIAS + fx.value, &r), 0);
	assert_null(r.name);
	assert_string_equal(r.module, pie);
	assert_int_equal(r.module_off, fx_file_off(pie, fx.value));
	assert_int_equal(fx_lookup(pie, "fx_data_var", &fx), 0);
	assert_int_equal(syms__resolve(s, 100, PIE_BIAS + fx.value, &r), 0);
	assert_null(r.name);
	syms__free(s);
}

static void test_synthetic_nopie_and_lib(void **state)
{
	const char *exe = fixture("fx_nopie"), *lib = fixture("libfx.so");
	struct syms *s = syms__new(NULL);

	assert_non_null(s);
	fx_map_like_ldso(s, 200, exe, 0, true);	/* ET_EXEC: linked where it runs */
	fx_map_like_ldso(s, 200, lib, LIB_BIAS, false);
	check_sym(s, 200, exe, 0, "fx_alpha", false, 5);
	check_sym(s, 200, exe, 0, "fx_gamma", false, 0);
	check_sym(s, 200, exe, 0, "fx_data_var", true, 4);
	check_sym(s, 200, exe, 0, "fx_bss_big", true, 40000);
	check_sym(s, 200, lib, LIB_BIAS, "fx_lib_add", false, 4);
	check_sym(s, 200, lib, LIB_BIAS, "fx_lib_mul", false, 0);
	check_sym(s, 200, lib, LIB_BIAS, "fx_lib_table", true, 8);
	assert_int_equal(syms__missed(s), 0);
	syms__free(s);
}

static void test_stripped(void **state)
{
	const char *pie = fixture("fx_pie"), *strip = fixture("fx_stripped");
	struct syms *s = syms__new(NULL);
	struct sym_res r;
	struct fx_sym fx;
	char buf[128], want[128];
	const char *base;

	assert_non_null(s);
	assert_int_equal(fx_lookup(strip, "fx_alpha", &fx), -ENOENT);
	assert_int_equal(fx_lookup(pie, "fx_alpha", &fx), 0);	/* same layout as the PIE */
	fx_map_like_ldso(s, 300, strip, PIE_BIAS, true);
	assert_int_equal(syms__resolve(s, 300, PIE_BIAS + fx.value + 2, &r), 0);
	assert_null(r.name);
	assert_string_equal(r.module, strip);
	assert_int_equal(r.module_off, fx_file_off(pie, fx.value + 2));
	assert_int_equal(syms__missed(s), 1);
	syms__format(buf, sizeof(buf), &r, PIE_BIAS + fx.value + 2, true);
	base = strrchr(strip, '/') + 1;
	snprintf(want, sizeof(want), "%s+0x%" PRIx64, base, r.module_off);
	assert_string_equal(buf, want);
	assert_int_equal(syms__resolve(s, 300, PIE_BIAS + fx.value + 3, &r), 0);
	assert_int_equal(syms__missed(s), 2);
	syms__free(s);
}

/*
 * Without .symtab, the separate debug file named by the build ID is used,
 * found under opts->root like the file itself: the Makefile's debugroot/
 * holds /bin/fx_stripped and /usr/lib/debug/.build-id/NN/N*.debug.
 */
static void test_debug_file(void **state)
{
	char root[512];
	struct syms *s;
	struct sym_res r;
	struct fx_sym fx;

	snprintf(root, sizeof(root), "%s", fixture("debugroot"));
	s = syms__new(&(struct syms_opts){ .root = root });
	assert_non_null(s);
	fx_map_rooted(s, 310, root, "/bin/fx_stripped", PIE_BIAS, true);
	assert_int_equal(fx_lookup(fixture("fx_pie"), "fx_gamma", &fx), 0);
	assert_int_equal(syms__resolve(s, 310, PIE_BIAS + fx.value + 3, &r), 0);
	assert_non_null(r.name);
	assert_string_equal(r.name, "fx_gamma");
	assert_int_equal(r.offset, 3);
	assert_string_equal(r.module, "/bin/fx_stripped");
	assert_int_equal(fx_lookup(fixture("fx_pie"), "fx_bss_big", &fx), 0);
	assert_int_equal(syms__resolve_data(s, 310, PIE_BIAS + fx.value + 50000, &r), 0);
	assert_non_null(r.name);
	assert_string_equal(r.name, "fx_bss_big");
	assert_int_equal(syms__missed(s), 0);
	syms__free(s);
}

static void test_unknown_pid(void **state)
{
	const char *pie = fixture("fx_pie");
	struct syms *s = syms__new(NULL);
	struct sym_res r;
	char buf[64];

	assert_non_null(s);
	assert_false(syms__has_pid(s, 4242));
	assert_int_equal(syms__resolve(s, 4242, 0x401000, &r), -ENOENT);
	assert_null(r.name);
	assert_null(r.module);
	assert_int_equal(syms__resolve_data(s, 4242, 0x401000, &r), -ENOENT);
	assert_int_equal(syms__missed(s), 2);
	/* a known pid, an address in none of its mappings */
	fx_map_like_ldso(s, 400, pie, PIE_BIAS, true);
	assert_int_equal(syms__resolve(s, 400, 0x1000, &r), 0);
	assert_null(r.module);
	assert_int_equal(syms__resolve(s, 400, PIE_BIAS + 0x100000, &r), 0);
	assert_null(r.module);
	syms__format(buf, sizeof(buf), &r, 0x7f12, true);
	assert_string_equal(buf, "0x7f12");
	/* pid_max is at most 2^22: this one cannot exist */
	assert_int_equal(syms__read_proc_maps(0x7ffffff0, NULL, NULL), -ENOENT);
	syms__free(s);
}

static void test_first_replaces(void **state)
{
	const char *pie = fixture("fx_pie"), *lib = fixture("libfx.so");
	struct syms *s = syms__new(NULL);
	struct sym_res r;
	struct fx_sym fx;

	assert_non_null(s);
	assert_int_equal(fx_lookup(pie, "fx_alpha", &fx), 0);
	fx_map_like_ldso(s, 500, pie, PIE_BIAS, true);
	check_sym(s, 500, pie, PIE_BIAS, "fx_alpha", false, 1);
	/* without FIRST, maps add up */
	fx_map_like_ldso(s, 500, lib, LIB_BIAS, false);
	check_sym(s, 500, pie, PIE_BIAS, "fx_alpha", false, 1);
	check_sym(s, 500, lib, LIB_BIAS, "fx_lib_add", false, 1);
	/* a new snapshot (exec): the PIE is gone, the library is elsewhere */
	fx_map_like_ldso(s, 500, lib, LIB_BIAS + 0x100000, true);
	assert_int_equal(syms__resolve(s, 500, PIE_BIAS + fx.value + 1, &r), 0);
	assert_null(r.name);
	assert_null(r.module);
	check_sym(s, 500, lib, LIB_BIAS + 0x100000, "fx_lib_add", false, 1);
	assert_int_equal(syms__resolve(s, 500, LIB_BIAS + 0x1000, &r), 0);
	assert_null(r.module);
	/* other pids are untouched */
	fx_map_like_ldso(s, 501, pie, PIE_BIAS, true);
	fx_map_like_ldso(s, 500, pie, PIE_BIAS, true);
	check_sym(s, 501, pie, PIE_BIAS, "fx_beta", false, 0);
	syms__free(s);
}

static void test_bad_record(void **state)
{
	struct syms *s = syms__new(NULL);
	struct ipc_rec_map m;

	assert_non_null(s);
	fx_rec(&m, 600, "", fixture("fx_pie"), IPC_MAPF_FIRST);
	m.start = 0x2000;
	m.end = 0x1000;
	assert_int_equal(syms__add_map(s, &m), 0);	/* ignored */
	assert_false(syms__has_pid(s, 600));
	m.end = 0x3000;
	m.hdr.type = IPC_REC_STACK;
	assert_int_equal(syms__add_map(s, &m), -EINVAL);
	assert_false(syms__has_pid(s, 600));
	syms__free(s);
}

static void test_format(void **state)
{
	struct sym_res r = { .name = "fx_alpha", .offset = 0x12, .module = "/x/fx_pie" };
	char buf[64];
	size_t n;

	n = syms__format(buf, sizeof(buf), &r, 0x1234, true);
	assert_string_equal(buf, "fx_alpha+0x12");
	assert_int_equal(n, strlen(buf));
	syms__format(buf, sizeof(buf), &r, 0x1234, false);
	assert_string_equal(buf, "fx_alpha");
	r = (struct sym_res){ .module = "/usr/lib/libc.so.6", .module_off = 0x8a2f0 };
	syms__format(buf, sizeof(buf), &r, 0x1234, false);
	assert_string_equal(buf, "libc.so.6+0x8a2f0");
	r = (struct sym_res){ .module = "noslash", .module_off = 0x10 };
	syms__format(buf, sizeof(buf), &r, 0x1234, true);
	assert_string_equal(buf, "noslash+0x10");
	syms__format(buf, sizeof(buf), NULL, 0x7f1200001000ull, true);
	assert_string_equal(buf, "0x7f1200001000");
	/* truncated like snprintf: NUL-terminated, full length returned */
	n = syms__format(buf, 5, NULL, 0x7f1200001000ull, true);
	assert_int_equal(n, strlen("0x7f1200001000"));
	assert_string_equal(buf, "0x7f");
}

/* ---- live processes ---- */

struct capture {
	struct syms *s;
	struct ipc_rec_map recs[256];
	size_t nr;
	int stop_after;		/* return -ECANCELED after this many, 0 never */
};

static int capture_cb(void *ctx, const struct ipc_rec_map *m)
{
	struct capture *c = ctx;
	int err;

	if (c->nr < 256)
		c->recs[c->nr] = *m;
	c->nr++;
	if (c->stop_after && (int)c->nr == c->stop_after)
		return -ECANCELED;
	if (!c->s)
		return 0;
	err = syms__add_map(c->s, m);
	return err;
}

struct live {
	pid_t pid;
	size_t nr;
	char names[MAX_LIVE][32];
	uint64_t addrs[MAX_LIVE];
};

/* Start a copy of the PIE fixture and read the addresses it prints. */
static void live_start_at(struct live *l, const char *exe)
{
	char line[128];
	int fds[2];
	FILE *f;

	memset(l, 0, sizeof(*l));
	assert_int_equal(pipe(fds), 0);
	l->pid = fork();
	assert_true(l->pid >= 0);
	if (!l->pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(exe, "fx_pie", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && strcmp(line, "ready\n")) {
		void *p;

		assert_true(l->nr < MAX_LIVE);
		assert_int_equal(sscanf(line, "%31s %p", l->names[l->nr], &p), 2);
		l->addrs[l->nr++] = (uint64_t)(uintptr_t)p;
	}
	fclose(f);
	assert_int_equal(l->nr, 7);
}

static void live_start(struct live *l)
{
	live_start_at(l, fixture("fx_pie"));
}

static void live_stop(struct live *l)
{
	int status;

	kill(l->pid, SIGKILL);
	assert_int_equal(waitpid(l->pid, &status, 0), l->pid);
}

/* What the fixture printed must resolve to the name it printed next to it. */
static void live_check(struct syms *s, const struct live *l)
{
	uint32_t pid = (uint32_t)l->pid;

	for (size_t i = 0; i < l->nr; i++) {
		bool data = strstr(l->names[i], "_table") || strstr(l->names[i], "_var") ||
			    strstr(l->names[i], "_bss");
		struct sym_res r;

		if (data)
			assert_int_equal(syms__resolve_data(s, pid, l->addrs[i], &r), 0);
		else
			assert_int_equal(syms__resolve(s, pid, l->addrs[i], &r), 0);
		if (!r.name)
			fail_msg("%s at 0x%" PRIx64 ": no symbol", l->names[i], l->addrs[i]);
		assert_string_equal(r.name, l->names[i]);
		assert_non_null(r.module);
	}
}

static void test_live_process(void **state)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct live l;
	bool saw_lib = false;

	assert_non_null(c);
	live_start(&l);
	c->s = syms__new(NULL);
	assert_non_null(c->s);
	assert_int_equal(syms__read_proc_maps((uint32_t)l.pid, capture_cb, c), 0);
	assert_true(c->nr > 0 && c->nr <= 256);
	for (size_t i = 0; i < c->nr; i++) {
		const struct ipc_rec_map *m = &c->recs[i];

		assert_int_equal(m->hdr.type, IPC_REC_MAP);
		assert_int_equal(m->hdr.op, IPC_OP_SNAPSHOT);
		assert_int_equal(m->hdr.sys, IPC_SYS_HOOK_COLLECTOR);
		assert_int_equal(m->hdr.pid, (uint32_t)l.pid);
		assert_int_equal(m->hdr.stack_id, -1);
		assert_int_equal(!!(m->mflags & IPC_MAPF_FIRST), i == 0);
		assert_true(m->path[0] == '/' && m->end > m->start && m->ino && m->dev);
		saw_lib |= strstr(m->path, "libfx.so") != NULL;
	}
	assert_true(saw_lib);
	live_check(c->s, &l);
	live_stop(&l);
	syms__free(c->s);
	free(c);
}

/* Maps captured, process killed and reaped, files never read before: still resolves. */
static void test_exited_process(void **state)
{
	struct capture *c = calloc(1, sizeof(*c));
	struct live l;
	char path[64];

	assert_non_null(c);
	live_start(&l);
	c->s = syms__new(NULL);
	assert_non_null(c->s);
	assert_int_equal(syms__read_proc_maps((uint32_t)l.pid, capture_cb, c), 0);
	live_stop(&l);
	snprintf(path, sizeof(path), "/proc/%d/maps", l.pid);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_true(syms__has_pid(c->s, (uint32_t)l.pid));
	live_check(c->s, &l);
	assert_int_equal(syms__missed(c->s), 0);
	syms__free(c->s);
	free(c);
}

static void copy_file(const char *from, const char *to)
{
	char buf[8192];
	ssize_t n;
	int in, out;

	in = open(from, O_RDONLY);
	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	assert_int_equal(close(out), 0);
}

/*
 * Files deleted while mapped ("path (deleted)" in maps) are read at once
 * through /proc/PID/map_files, so they resolve after the process is gone.
 */
static void test_deleted_files(void **state)
{
	char dir[] = "/tmp/test_syms.XXXXXX", exe[64], lib[64], probe[96];
	struct capture *c;
	struct live l;

	assert_non_null(mkdtemp(dir));
	snprintf(exe, sizeof(exe), "%s/fx_pie", dir);
	snprintf(lib, sizeof(lib), "%s/libfx.so", dir);
	copy_file(fixture("fx_pie"), exe);
	copy_file(fixture("libfx.so"), lib);
	live_start_at(&l, exe);
	assert_int_equal(unlink(exe), 0);
	assert_int_equal(unlink(lib), 0);
	assert_int_equal(rmdir(dir), 0);
	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->s = syms__new(&(struct syms_opts){ .map_files = true });
	assert_non_null(c->s);
	assert_int_equal(syms__read_proc_maps((uint32_t)l.pid, capture_cb, c), 0);
	assert_non_null(strstr(c->recs[0].path, " (deleted)"));
	/* map_files needs CAP_SYS_ADMIN (or CAP_CHECKPOINT_RESTORE) */
	snprintf(probe, sizeof(probe), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, l.pid,
		 (uint64_t)c->recs[0].start, (uint64_t)c->recs[0].end);
	if (access(probe, R_OK)) {
		live_stop(&l);
		syms__free(c->s);
		free(c);
		skip();
	}
	live_stop(&l);
	live_check(c->s, &l);
	syms__free(c->s);
	free(c);
}

/* Our own process: the callback can stop the walk, and our code resolves. */
static void test_self(void **state)
{
	struct capture *c = calloc(1, sizeof(*c));
	uint64_t ip = (uint64_t)(uintptr_t)syms__format;
	struct sym_res r;

	assert_non_null(c);
	c->stop_after = 2;
	assert_int_equal(syms__read_proc_maps((uint32_t)getpid(), capture_cb, c), -ECANCELED);
	assert_int_equal(c->nr, 2);
	c->stop_after = 0;
	c->nr = 0;
	c->s = syms__new(&(struct syms_opts){ .root = "" });
	assert_non_null(c->s);
	assert_int_equal(syms__read_proc_maps((uint32_t)getpid(), capture_cb, c), 0);
	assert_int_equal(syms__resolve(c->s, (uint32_t)getpid(), ip + 1, &r), 0);
	assert_non_null(r.name);
	assert_string_equal(r.name, "syms__format");
	assert_int_equal(r.offset, 1);
	syms__free(c->s);
	free(c);
}

/* opts->root is put before every path: a wrong root finds nothing. */
static void test_root_prefix(void **state)
{
	const char *pie = fixture("fx_pie");
	struct syms *s = syms__new(&(struct syms_opts){ .root = "/nonexistent-root" });
	struct sym_res r;
	struct fx_sym fx;

	assert_non_null(s);
	assert_int_equal(fx_lookup(pie, "fx_alpha", &fx), 0);
	fx_map_like_ldso(s, 700, pie, PIE_BIAS, true);
	assert_int_equal(syms__resolve(s, 700, PIE_BIAS + fx.value, &r), 0);
	assert_null(r.name);
	assert_string_equal(r.module, pie);
	syms__free(s);
	s = syms__new(&(struct syms_opts){ .root = "/" });
	assert_non_null(s);
	fx_map_like_ldso(s, 700, pie, PIE_BIAS, true);
	check_sym(s, 700, pie, PIE_BIAS, "fx_alpha", false, 0);
	syms__free(s);
}

/*
 * What a process or a recording can put behind a mapped path: a FIFO, a
 * symlink (to a real ELF file, even), a device, /proc, "..".  None is
 * opened: each lookup returns at once (the alarm fails a blocking open),
 * with the module known and no symbol, counted as missed.  In live mode
 * too, where the path is the fallback after /proc/PID/map_files.
 */
static void test_hostile_paths(void **state)
{
	char dir[] = "/tmp/test_syms.XXXXXX", fifo[64], link[64], dotdot[128];
	const char *paths[] = { fifo, link, dotdot, "/dev/zero", "/proc/self/exe" };
	struct ipc_rec_map m;
	struct sym_res r;

	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(dotdot, sizeof(dotdot), "%s/../%s/fifo", dir, strrchr(dir, '/') + 1);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(symlink(fixture("fx_pie"), link), 0);
	alarm(10);
	for (int live = 0; live < 2; live++) {
		struct syms *s = syms__new(&(struct syms_opts){ .map_files = live });

		assert_non_null(s);
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			uint32_t pid = 0x7ffffff0 + (uint32_t)i;	/* no such process */

			memset(&m, 0, sizeof(m));
			m.hdr.type = IPC_REC_MAP;
			m.hdr.pid = pid;
			m.start = 0x400000;
			m.end = 0x401000;
			m.mflags = IPC_MAPF_FIRST;
			snprintf(m.path, sizeof(m.path), "%s", paths[i]);
			assert_int_equal(syms__add_map(s, &m), 0);
			assert_int_equal(syms__resolve(s, pid, 0x400123, &r), 0);
			assert_null(r.name);
			assert_string_equal(r.module, paths[i]);
		}
		assert_int_equal(syms__missed(s), sizeof(paths) / sizeof(paths[0]));
		syms__free(s);
	}
	alarm(0);
	assert_int_equal(unlink(fifo), 0);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_pie),
		cmocka_unit_test(test_synthetic_nopie_and_lib),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_debug_file),
		cmocka_unit_test(test_unknown_pid),
		cmocka_unit_test(test_first_replaces),
		cmocka_unit_test(test_bad_record),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_live_process),
		cmocka_unit_test(test_exited_process),
		cmocka_unit_test(test_deleted_files),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_root_prefix),
		cmocka_unit_test(test_hostile_paths),
	};

	signal(SIGPIPE, SIG_IGN);
	/* a harness may start this with stdio closed: keep pipes off 0..2 */
	launch__reserve_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
