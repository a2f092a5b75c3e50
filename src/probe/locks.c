// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --locks: find the pthread and sem_* functions a target runs and attach
 * the two lock programs to each, entry and return, with the function as
 * the BPF cookie.  See locks.h for which library and which address.
 */
#define _GNU_SOURCE	/* statx */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "ipctrace_abi.h"
#include "lib/safefile.h"
#include "lib/textsafe.h"
#include "lib/vec.h"
#include "model/syms.h"
#include "probe/loader.h"
#include "probe/locks.h"

/* An exec'd target has loaded its libraries well before this (ld.so runs first). */
#define LOCKS_EXEC_DELAY_NS	(50 * 1000 * 1000ull)
#define LOCKS_PATH_LEN		(IPC_PATH_LEN + 64)

static const struct locks_fn lock_fns[] = {
	{ "pthread_mutex_lock", IPC_LOCKFN_MUTEX_LOCK },
	{ "pthread_mutex_trylock", IPC_LOCKFN_MUTEX_TRYLOCK },
	{ "pthread_mutex_timedlock", IPC_LOCKFN_MUTEX_TIMEDLOCK },
	{ "pthread_mutex_clocklock", IPC_LOCKFN_MUTEX_TIMEDLOCK },
	{ "pthread_mutex_unlock", IPC_LOCKFN_MUTEX_UNLOCK },
	{ "pthread_rwlock_rdlock", IPC_LOCKFN_RWLOCK_RDLOCK },
	{ "pthread_rwlock_tryrdlock", IPC_LOCKFN_RWLOCK_TRYRDLOCK },
	{ "pthread_rwlock_timedrdlock", IPC_LOCKFN_RWLOCK_TIMEDRDLOCK },
	{ "pthread_rwlock_clockrdlock", IPC_LOCKFN_RWLOCK_TIMEDRDLOCK },
	{ "pthread_rwlock_wrlock", IPC_LOCKFN_RWLOCK_WRLOCK },
	{ "pthread_rwlock_trywrlock", IPC_LOCKFN_RWLOCK_TRYWRLOCK },
	{ "pthread_rwlock_timedwrlock", IPC_LOCKFN_RWLOCK_TIMEDWRLOCK },
	{ "pthread_rwlock_clockwrlock", IPC_LOCKFN_RWLOCK_TIMEDWRLOCK },
	{ "pthread_rwlock_unlock", IPC_LOCKFN_RWLOCK_UNLOCK },
	{ "pthread_cond_wait", IPC_LOCKFN_COND_WAIT },
	{ "pthread_cond_timedwait", IPC_LOCKFN_COND_TIMEDWAIT },
	{ "pthread_cond_clockwait", IPC_LOCKFN_COND_TIMEDWAIT },
	{ "pthread_cond_signal", IPC_LOCKFN_COND_SIGNAL },
	{ "pthread_cond_broadcast", IPC_LOCKFN_COND_BROADCAST },
	{ "sem_wait", IPC_LOCKFN_SEM_WAIT },
	{ "sem_timedwait", IPC_LOCKFN_SEM_TIMEDWAIT },
	{ "sem_clockwait", IPC_LOCKFN_SEM_TIMEDWAIT },
	{ "sem_trywait", IPC_LOCKFN_SEM_TRYWAIT },
	{ "sem_post", IPC_LOCKFN_SEM_POST },
	{ "pthread_mutex_destroy", IPC_LOCKFN_MUTEX_DESTROY },
};
#define NR_LOCK_FNS	(sizeof(lock_fns) / sizeof(lock_fns[0]))

/* Where a function may live, in the order looked at (see locks.h). */
enum lk_role {
	ROLE_PTHREAD,
	ROLE_LIBC,
	ROLE_EXE,
	ROLE_NR
};

/* One file a target maps, as found in its maps and opened for us. */
struct lk_file {
	bool found;
	uint32_t dev;		/* as in /proc/PID/maps: major << 20 | minor */
	uint64_t ino;
	uint64_t start, end;	/* one of its mappings (for map_files) */
	char path[IPC_PATH_LEN];	/* the target's path */
	char open_path[LOCKS_PATH_LEN];	/* ours: to read and to attach */
	const char *label;		/* for messages: path, or "the executable" */
};

/* A probe placed: (file, offset) for a pid or for all (-1). */
struct lk_probe {
	uint64_t ino;
	uint64_t offset;
	uint32_t dev;
	int32_t pid;
};

/* A file whose functions are all probed (for pid, or all: -1). */
struct lk_done {
	uint64_t ino;
	uint32_t dev;
	int32_t pid;
};

struct lk_exec {
	uint32_t pid;
	uint64_t ts_ns;
};

struct locks {
	struct loader *loader;
	struct bpf_program *enter, *ret;
	struct locks_opts opts;
	struct vec probes;	/* struct lk_probe */
	struct vec done;	/* struct lk_done */
	struct vec execs;	/* struct lk_exec: waiting for locks__poll() */
};

const struct locks_fn *locks__fns(size_t *nr)
{
	*nr = NR_LOCK_FNS;
	return lock_fns;
}

/* ---- ELF: where a function starts ---- */

/* A .symtab names the default version of a symbol name@@VERSION, others name@VERSION. */
static bool sym_name_is(const char *sname, const char *name, size_t len)
{
	if (strncmp(sname, name, len))
		return false;
	return sname[len] == '\0' || (sname[len] == '@' && sname[len + 1] == '@');
}

struct sym_hit {
	uint64_t vaddr;
	uint64_t size;
	int rank;		/* 0 none, 1 weak, 2 global */
	bool ambiguous;
	bool ifunc;
};

/* One symbol table: the best definition of name (a global beats a weak one). */
static void scan_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, Elf_Data *versym,
			const char *name, struct sym_hit *hit)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t len = strlen(name), n;
	GElf_Versym vs;
	GElf_Sym sym;
	int rank;

	if (!data || !sh->sh_entsize)
		return;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		const char *sname;

		if (!gelf_getsym(data, i, &sym) || sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC &&
		    GELF_ST_TYPE(sym.st_info) != STT_GNU_IFUNC)
			continue;
		if (GELF_ST_BIND(sym.st_info) == STB_LOCAL)
			continue;
		sname = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!sname || !sym_name_is(sname, name, len))
			continue;
		/* .dynsym: a hidden version is an old one kept for old binaries */
		if (versym && gelf_getversym(versym, i, &vs) && (vs & 0x8000))
			continue;
		rank = GELF_ST_BIND(sym.st_info) == STB_GLOBAL ? 2 : 1;
		if (rank < hit->rank)
			continue;
		if (rank == hit->rank && hit->vaddr != sym.st_value)
			hit->ambiguous = true;
		if (rank > hit->rank)
			hit->ambiguous = false;
		hit->rank = rank;
		hit->vaddr = sym.st_value;
		hit->size = sym.st_size;
		hit->ifunc = GELF_ST_TYPE(sym.st_info) == STT_GNU_IFUNC;
	}
}

static Elf_Data *find_versym(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_GNU_versym)
			return elf_getdata(scn, NULL);
	}
	return NULL;
}

/* The file offset of vaddr: through the executable PT_LOAD segment holding it. */
static int vaddr_to_offset(Elf *elf, uint64_t vaddr, uint64_t *offset)
{
	size_t n;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_X))
			continue;
		if (vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz) {
			*offset = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static int elf_func_offset(Elf *elf, const char *path, const char *name, uint64_t *vaddr,
			   uint64_t *offset, uint64_t *size, char *err, size_t errlen)
{
	Elf_Data *versym = find_versym(elf);
	struct sym_hit hit = {};
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_DYNSYM)
			scan_symtab(elf, scn, &sh, versym, name, &hit);
		else if (sh.sh_type == SHT_SYMTAB)
			scan_symtab(elf, scn, &sh, NULL, name, &hit);
	}
	if (!hit.rank)
		return -ENOENT;
	if (hit.ambiguous || hit.ifunc) {
		/* a probe on an IFUNC would trace its resolver, not the calls */
		snprintf(err, errlen, "failed to locate %s in %s: %s", name, path,
			 hit.ifunc ? "it is an IFUNC" : "several definitions");
		return -ENOTUNIQ;
	}
	*vaddr = hit.vaddr;
	*size = hit.size;
	if (vaddr_to_offset(elf, hit.vaddr, offset)) {
		snprintf(err, errlen, "failed to locate %s in %s: address 0x%llx is in no "
			 "executable segment", name, path, (unsigned long long)hit.vaddr);
		return -ENOEXEC;
	}
	return 0;
}

/*
 * The ELF file at path: a file of our own (locks__func_offset(), tests), or
 * with pid a /proc magic link of that process, opened with safefile's
 * care (regular files only, none on FUSE: dev is its device).
 */
static Elf *elf_open_path(const char *path, uint32_t pid, uint32_t dev, int *fd, char *err,
			  size_t errlen)
{
	Elf *elf;
	int ret;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(err, errlen, "failed to initialize libelf");
		errno = EINVAL;
		return NULL;
	}
	if (pid) {
		*fd = safefile__open_proc(path, pid, dev);
	} else {
		*fd = open(path, O_RDONLY | O_CLOEXEC);
		if (*fd < 0)
			*fd = -errno;
	}
	if (*fd < 0) {
		ret = -*fd;
		snprintf(err, errlen, "failed to open %s: %s", path, strerror(ret));
		errno = ret;
		return NULL;
	}
	elf = elf_begin(*fd, ELF_C_READ, NULL);
	/* only 64-bit files: the BPF side knows glibc's 64-bit rwlock layout */
	if (!elf || elf_kind(elf) != ELF_K_ELF || gelf_getclass(elf) != ELFCLASS64) {
		snprintf(err, errlen, "failed to read %s: not a 64-bit ELF file", path);
		elf_end(elf);
		close(*fd);
		errno = ENOEXEC;
		return NULL;
	}
	return elf;
}

int locks__func_offset(const char *path, const char *name, uint64_t *vaddr, uint64_t *offset,
		       char *err, size_t errlen)
{
	uint64_t size;
	int fd, ret;
	Elf *elf;

	elf = elf_open_path(path, 0, 0, &fd, err, errlen);
	if (!elf)
		return -errno;
	ret = elf_func_offset(elf, path, name, vaddr, offset, &size, err, errlen);
	if (ret == -ENOENT)
		snprintf(err, errlen, "failed to find %s in %s", name, path);
	elf_end(elf);
	close(fd);
	return ret;
}

/* ---- x86-64: a probe the kernel need not single-step ---- */

#define X86_RSP		4
#define X86_RSI		6
#define X86_RDI		7

/*
 * Length of one register-only instruction of the kinds a tail-call wrapper
 * sets arguments with (mov imm32 to r32; mov or xor between registers),
 * and the register it writes in *dst; 0 for anything else.
 */
static size_t x86_reg_insn(const unsigned char *c, size_t n, int *dst)
{
	size_t rex = n > 0 && (c[0] & 0xf0) == 0x40;
	unsigned int r = rex ? c[0] & 0xf : 0, op, modrm;

	if (n < rex + 2)
		return 0;
	op = c[rex];
	if (op >= 0xb8 && op <= 0xbf && !(r & 0x8)) {	/* mov $imm32, r32 (no REX.W: imm64) */
		*dst = ((r & 1) << 3) | (op - 0xb8);
		return n >= rex + 5 ? rex + 5 : 0;
	}
	modrm = c[rex + 1];
	if ((modrm >> 6) != 3)			/* register operands only: no memory */
		return 0;
	if (op == 0x89 || op == 0x31)		/* mov/xor reg, rm: writes rm */
		*dst = ((r & 1) << 3) | (modrm & 7);
	else if (op == 0x8b || op == 0x33)	/* mov/xor rm, reg: writes reg */
		*dst = ((r & 4) << 1) | ((modrm >> 3) & 7);
	else
		return 0;
	return rex + 2;
}

/*
 * Where the entry probe of a function can go so that the kernel emulates
 * the probed instruction instead of single-stepping a copy of it: a
 * uprobe on a jmp costs one trap, on most other instructions two (the
 * single step is 5 of the 6.6 us a probe costs in the VM this was measured
 * on).  glibc's pthread_mutex_unlock is `mov $1,%esi; jmp <usercnt>` and
 * pthread_mutex_timedlock `mov %rsi,%rdx; xor %esi,%esi; jmp <clocklock>`:
 * for such tail-call wrappers the probe goes on the jmp.  Only when the
 * whole function (size bytes) is register moves then that one jmp, so
 * nothing can reach the jmp without passing the moves, and the moves leave
 * the stack pointer (the return address is read and hijacked there) and the
 * argument registers the probe reads (protect: bit per register) alone.
 * Returns the bytes to skip: 0 to probe the first instruction.
 */
static size_t x86_entry_skip(const unsigned char *code, size_t size, uint32_t protect)
{
	size_t pos = 0, len;
	int dst;

	protect |= 1u << X86_RSP;
	while (pos < size) {
		if (code[pos] == 0xe9 && pos + 5 == size)	/* jmp rel32, the last insn */
			return pos;
		if (code[pos] == 0xeb && pos + 2 == size)	/* jmp rel8 */
			return pos;
		len = x86_reg_insn(code + pos, size - pos, &dst);
		if (!len || (protect & (1u << dst)))
			return 0;
		pos += len;
	}
	return 0;
}

size_t locks__entry_skip(const unsigned char *code, size_t size, uint32_t func)
{
	uint32_t protect = 1u << X86_RDI;	/* every function's first argument */

	if (func == IPC_LOCKFN_COND_WAIT || func == IPC_LOCKFN_COND_TIMEDWAIT)
		protect |= 1u << X86_RSI;	/* and the mutex of a cond wait */
	if (size > LOCKS_MAX_WRAPPER)
		return 0;
	return x86_entry_skip(code, size, protect);
}

/* The probe's offset for a function at offset (size bytes) in an open file. */
static uint64_t probe_offset(Elf *elf, int fd, uint64_t offset, uint64_t size, uint32_t func)
{
	unsigned char code[LOCKS_MAX_WRAPPER];
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64 || !size ||
	    size > sizeof(code) || pread(fd, code, size, (off_t)offset) != (ssize_t)size)
		return offset;
	return offset + locks__entry_skip(code, size, func);
}

/* ---- the target's libraries ---- */

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* libpthread.so.0, libpthread-2.31.so; libc.so.6, libc-2.31.so; musl's ld-musl-*.so.1 */
static int role_of(const char *path)
{
	const char *b = base_name(path);

	if (!strncmp(b, "libpthread.so", 13) || !strncmp(b, "libpthread-", 11))
		return ROLE_PTHREAD;
	if (!strncmp(b, "libc.so", 7) || (!strncmp(b, "libc-", 5) && b[5] >= '0' && b[5] <= '9') ||
	    !strncmp(b, "ld-musl-", 8))
		return ROLE_LIBC;
	return -1;
}

/*
 * Our way to the file the target maps: the mapping itself, which the
 * kernel keeps reachable through map_files, deleted or replaced or in
 * another mount namespace, and which involves no path the target could
 * have pointed somewhere else (a symlink, a FIFO, a FUSE mount).
 */
static void file_open_path(struct lk_file *f, uint32_t pid)
{
	f->label = f->path;
	snprintf(f->open_path, sizeof(f->open_path), "/proc/%u/map_files/%llx-%llx", pid,
		 (unsigned long long)f->start, (unsigned long long)f->end);
}

struct lk_scan {
	uint32_t pid;
	struct lk_file files[ROLE_NR];
};

static int scan_map(void *ctx, const struct ipc_rec_map *m)
{
	struct lk_scan *sc = ctx;
	int role = role_of(m->path);
	struct lk_file *f;

	if (role < 0 || sc->files[role].found)
		return 0;
	f = &sc->files[role];
	f->found = true;
	f->dev = m->dev;
	f->ino = m->ino;
	f->start = m->start;
	f->end = m->end;
	/* for messages only (the file is reached through map_files): cleaned for the terminal */
	text__clean(f->path, sizeof(f->path), m->path, (size_t)-1);
	return 0;
}

/* A static program has the functions itself: reached through /proc/PID/exe. */
static void scan_exe(struct lk_scan *sc)
{
	struct lk_file *f = &sc->files[ROLE_EXE];
	struct statx stx;

	snprintf(f->open_path, sizeof(f->open_path), "/proc/%u/exe", sc->pid);
	/* the inode as the kernel has it: no question to the file's filesystem */
	if (statx(AT_FDCWD, f->open_path, AT_STATX_DONT_SYNC, STATX_TYPE | STATX_INO, &stx))
		return;
	f->found = true;
	f->dev = stx.stx_dev_major << 20 | (stx.stx_dev_minor & 0xfffff);
	f->ino = stx.stx_ino;
	f->label = "the executable";
}

/* ---- attaching ---- */

static bool probe_known(const struct locks *lk, const struct lk_probe *p)
{
	vec_for_each(&lk->probes, struct lk_probe, q) {
		if (q->dev == p->dev && q->ino == p->ino && q->offset == p->offset &&
		    q->pid == p->pid)
			return true;
	}
	return false;
}

static int attach_one(struct locks *lk, bool ret, const struct lk_file *f, int pid,
		      const struct locks_fn *fn, uint64_t offset, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo, .retprobe = ret, .bpf_cookie = fn->func);
	struct bpf_link *link;
	int err_no;

	link = bpf_program__attach_uprobe_opts(ret ? lk->ret : lk->enter, pid, f->open_path,
					       offset, &uo);
	if (!link) {
		err_no = errno;
		if (pid < 0)
			snprintf(err, errlen, "failed to attach %s to %s in %s (all processes): %s",
				 ret ? "uretprobe" : "uprobe", fn->name, f->label,
				 strerror(err_no));
		else
			snprintf(err, errlen, "failed to attach %s to %s in %s (pid %d): %s",
				 ret ? "uretprobe" : "uprobe", fn->name, f->label, pid,
				 strerror(err_no));
		return -err_no;
	}
	err_no = loader__add_link(lk->loader, link);
	if (err_no)
		snprintf(err, errlen, "failed to keep the uprobe on %s: %s", fn->name,
			 strerror(-err_no));
	return err_no;
}

/*
 * The functions placed in one file for one pid (-1: all), attached
 * together: with multi-uprobes, one link for the entries and one for the
 * returns, whose removal at exit waits for one grace period, not one per
 * probe; without, two links per function.
 */
struct lk_batch {
	const struct lk_file *f;
	size_t n;
	uint64_t offsets[NR_LOCK_FNS];
	uint64_t cookies[NR_LOCK_FNS];
	const struct locks_fn *fns[NR_LOCK_FNS];
};

static void batch_add(struct locks *lk, struct lk_batch *b, const struct lk_file *f, int pid,
		      const struct locks_fn *fn, uint64_t offset)
{
	struct lk_probe p = { .dev = f->dev, .ino = f->ino, .offset = offset, .pid = pid };

	if (probe_known(lk, &p))
		return;
	for (size_t i = 0; i < b->n; i++)
		if (b->offsets[i] == offset)
			return;		/* an alias of a function placed already */
	b->f = f;
	b->offsets[b->n] = offset;
	b->cookies[b->n] = fn->func;
	b->fns[b->n++] = fn;
}

static int batch_attach_multi(struct locks *lk, const struct lk_batch *b, int pid, char *err,
			      size_t errlen)
{
	int ret = 0;

	for (int r = 0; r < 2 && !ret; r++)
		ret = loader__attach_uprobes(lk->loader, r, b->f->open_path, pid, b->offsets,
					     b->cookies, b->n);
	if (ret && pid < 0)
		snprintf(err, errlen, "failed to attach uprobes to %zu functions in %s "
			 "(all processes): %s", b->n, b->f->label, strerror(-ret));
	else if (ret)
		snprintf(err, errlen, "failed to attach uprobes to %zu functions in %s (pid %d): %s",
			 b->n, b->f->label, pid, strerror(-ret));
	return ret;
}

static int batch_attach(struct locks *lk, const struct lk_batch *b, int pid, char *err,
			size_t errlen)
{
	struct lk_probe *slot;
	int ret = 0;

	if (!b->n)
		return 0;
	if (loader__uprobe_multi(lk->loader))
		ret = batch_attach_multi(lk, b, pid, err, errlen);
	for (size_t i = 0; i < b->n && !ret && !loader__uprobe_multi(lk->loader); i++) {
		ret = attach_one(lk, false, b->f, pid, b->fns[i], b->offsets[i], err, errlen);
		if (!ret)
			ret = attach_one(lk, true, b->f, pid, b->fns[i], b->offsets[i], err,
					 errlen);
	}
	for (size_t i = 0; i < b->n && !ret; i++) {
		slot = vec__push(&lk->probes);
		if (!slot)
			return -ENOMEM;
		*slot = (struct lk_probe){ .dev = b->f->dev, .ino = b->f->ino,
					   .offset = b->offsets[i], .pid = pid };
		if (lk->opts.verbose > 1)
			fprintf(stderr, "ipctrace: --locks: %s at %s+0x%llx\n", b->fns[i]->name,
				b->f->label, (unsigned long long)b->offsets[i]);
	}
	return ret;
}

/* The ELF files of the roles found, opened once per scan. */
struct lk_elfs {
	Elf *elf[ROLE_NR];
	int fd[ROLE_NR];
};

static void elfs_close(struct lk_elfs *e)
{
	for (int r = 0; r < ROLE_NR; r++) {
		if (e->elf[r]) {
			elf_end(e->elf[r]);
			close(e->fd[r]);
		}
	}
}

/* Place fn in the first role's file that defines it (its batch).  1 if none does. */
static int place_fn(struct locks *lk, struct lk_scan *sc, struct lk_elfs *e,
		    struct lk_batch *batch, const struct locks_fn *fn, int pid, char *err,
		    size_t errlen)
{
	uint64_t vaddr, offset, size;
	int ret;

	for (int r = 0; r < ROLE_NR; r++) {
		if (!e->elf[r])
			continue;
		ret = elf_func_offset(e->elf[r], sc->files[r].label, fn->name, &vaddr, &offset,
				      &size, err, errlen);
		if (ret == -ENOENT)
			continue;
		if (ret)
			return ret;
		offset = probe_offset(e->elf[r], e->fd[r], offset, size, fn->func);
		batch_add(lk, &batch[r], &sc->files[r], pid, fn, offset);
		return 0;
	}
	return 1;
}

static int open_roles(struct lk_scan *sc, struct lk_elfs *e, char *err, size_t errlen)
{
	for (int r = 0; r < ROLE_NR; r++) {
		if (!sc->files[r].found)
			continue;
		if (r != ROLE_EXE)
			file_open_path(&sc->files[r], sc->pid);
		e->elf[r] = elf_open_path(sc->files[r].open_path, sc->pid, sc->files[r].dev,
					  &e->fd[r], err, errlen);
		/* the executable is only a last resort: a script or a 32-bit one is no error */
		if (!e->elf[r] && r != ROLE_EXE)
			return -errno;
	}
	return 0;
}

/* A function no library defines: fine (older libcs lack the clock variants), but for the first. */
static int fn_missing(const struct locks *lk, const struct lk_scan *sc, size_t i, char *err,
		      size_t errlen)
{
	if (lk->opts.verbose > 1)
		fprintf(stderr, "ipctrace: --locks: no %s in process %u\n", lock_fns[i].name,
			sc->pid);
	if (i > 0)
		return 0;
	snprintf(err, errlen, "failed to find pthread_mutex_lock in process %u: it maps no glibc "
		 "or musl libc that defines it", sc->pid);
	return -ENOENT;
}

static const char *scan_label(const struct lk_scan *sc)
{
	if (sc->files[ROLE_LIBC].found)
		return sc->files[ROLE_LIBC].path;
	if (sc->files[ROLE_PTHREAD].found)
		return sc->files[ROLE_PTHREAD].path;
	return "the executable";
}

static bool file_done(const struct locks *lk, const struct lk_file *f, int pid)
{
	vec_for_each(&lk->done, struct lk_done, d) {
		if (d->dev == f->dev && d->ino == f->ino && d->pid == pid)
			return true;
	}
	return false;
}

/*
 * Whether every file found was probed already (for this pid, or for all):
 * a process forked or exec'd into the same libc costs a look at its maps,
 * not an ELF parse.  With mark, remember them as probed instead.
 */
static bool scan_done(struct locks *lk, const struct lk_scan *sc, int pid, bool mark)
{
	struct lk_done *d;

	for (int r = 0; r < ROLE_NR; r++) {
		const struct lk_file *f = &sc->files[r];

		if (!f->found || file_done(lk, f, pid))
			continue;
		if (!mark)
			return false;
		d = vec__push(&lk->done);
		if (d)
			*d = (struct lk_done){ .dev = f->dev, .ino = f->ino, .pid = pid };
	}
	return true;
}

static int place_all(struct locks *lk, struct lk_scan *sc, char *err, size_t errlen)
{
	int pid = lk->opts.all_pids ? -1 : (int)sc->pid;
	struct lk_batch batch[ROLE_NR] = {};
	struct lk_elfs e = {};
	int ret, placed = 0;

	/* a program with its own libc has no need of the executable */
	if (!sc->files[ROLE_PTHREAD].found && !sc->files[ROLE_LIBC].found)
		scan_exe(sc);
	if (scan_done(lk, sc, pid, false))
		return 0;
	ret = open_roles(sc, &e, err, errlen);
	for (size_t i = 0; i < NR_LOCK_FNS && !ret; i++) {
		ret = place_fn(lk, sc, &e, batch, &lock_fns[i], pid, err, errlen);
		if (ret == 1)
			ret = fn_missing(lk, sc, i, err, errlen);
		else if (!ret)
			placed++;
	}
	for (int r = 0; r < ROLE_NR && !ret; r++)
		ret = batch_attach(lk, &batch[r], pid, err, errlen);
	elfs_close(&e);
	if (!ret)
		scan_done(lk, sc, pid, true);
	if (!ret && lk->opts.verbose)
		fprintf(stderr, "ipctrace: --locks: %d functions of process %u probed (%s)\n",
			placed, sc->pid, scan_label(sc));
	return ret;
}

int locks__add_process(struct locks *lk, uint32_t pid, char *err, size_t errlen)
{
	struct lk_scan sc = { .pid = pid };
	int ret;

	ret = syms__read_proc_maps(pid, scan_map, &sc);
	if (ret) {
		snprintf(err, errlen, "failed to read the mappings of process %u: %s", pid,
			 strerror(-ret));
		return ret;
	}
	return place_all(lk, &sc, err, errlen);
}

/* ---- lifecycle, execs ---- */

struct locks *locks__new(struct loader *l, const struct locks_opts *opts)
{
	struct locks *lk;

	lk = calloc(1, sizeof(*lk));
	if (!lk)
		return NULL;
	lk->loader = l;
	lk->opts = *opts;
	lk->enter = loader__lock_prog(l, false);
	lk->ret = loader__lock_prog(l, true);
	vec__init(&lk->probes, sizeof(struct lk_probe));
	vec__init(&lk->done, sizeof(struct lk_done));
	vec__init(&lk->execs, sizeof(struct lk_exec));
	if (!lk->enter || !lk->ret) {
		free(lk);
		errno = EINVAL;
		return NULL;
	}
	return lk;
}

void locks__free(struct locks *lk)
{
	if (!lk)
		return;
	vec__release(&lk->probes);
	vec__release(&lk->done);
	vec__release(&lk->execs);
	free(lk);
}

size_t locks__nr_probes(const struct locks *lk)
{
	return 2 * lk->probes.len;
}

void locks__exec(struct locks *lk, uint32_t pid, uint64_t ts_ns)
{
	struct lk_exec *x;

	vec_for_each(&lk->execs, struct lk_exec, p) {
		if (p->pid == pid) {
			p->ts_ns = ts_ns;
			return;
		}
	}
	x = vec__push(&lk->execs);
	if (x) {
		x->pid = pid;
		x->ts_ns = ts_ns;
	}
}

void locks__poll(struct locks *lk, uint64_t now_ns)
{
	char err[512];
	size_t i = 0;
	int ret;

	while (i < lk->execs.len) {
		struct lk_exec *x = vec_at(&lk->execs, struct lk_exec, i);

		if (now_ns < x->ts_ns + LOCKS_EXEC_DELAY_NS) {
			i++;
			continue;
		}
		ret = locks__add_process(lk, x->pid, err, sizeof(err));
		/* gone already, or a program without pthreads: nothing to trace */
		if (ret && ret != -ENOENT)
			fprintf(stderr, "ipctrace: warning: --locks: %s\n", err);
		*x = *vec_at(&lk->execs, struct lk_exec, lk->execs.len - 1);
		lk->execs.len--;
	}
}
