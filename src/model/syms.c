// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * syms: user-space symbolization with libelf (the contract is in syms.h).
 *
 * Model.  A process is an array of mappings sorted by address (struct
 * sym_map, from IPC_REC_MAP records), each pointing at one cached ELF file
 * (struct elf_file) keyed by (dev, ino), or by path when the inode is 0.  A
 * file is read at most once, on the first lookup that lands in it (or at
 * once when its path no longer leads to it, see syms__check_path()), and
 * keeps only what lookups need: its PT_LOAD headers and two sorted symbol
 * tables, code and data, whose names live in one arena.  Nothing is freed before syms__free(): the
 * memory grows with distinct files and processes, never with lookups, and
 * the strings handed out in struct sym_res stay valid until then.
 *
 * Symbol tables.  .symtab and .dynsym are both read and merged: a linked
 * .symtab normally holds every dynamic symbol as well, so the merge costs a
 * few duplicates that collapse below, but it keeps the exports of a file
 * whose .symtab was rewritten or partly stripped.  Several symbols at one
 * address collapse into the best (sym_rank()).  A symbol without a size
 * ends at the next symbol or at the end of its section.
 *
 * Address translation.  A mapping maps the file linearly, so it has one
 * load bias: bias = start - vaddr(pgoff), vaddr() given by the PT_LOAD
 * header whose file bytes the mapping holds; the link-time address of ip is
 * then ip - bias, the value symbols carry, for PIE executables, shared
 * libraries and ET_EXEC (bias 0) alike.  That works both for code and for
 * initialized data.  Two cases need more:
 *  - a page shared by the end of one segment and the start of the next
 *    (small files, -z noseparate-code) is mapped twice, at two biases: the
 *    file's lowest mapping (its ELF header) decides which one is real;
 *  - .bss past the last file page lives in an anonymous mapping right after
 *    the file's own: a data address in no mapping is tried against the
 *    mapping just below it, and accepted if ip - bias falls inside one of
 *    that file's PT_LOAD [p_vaddr, p_vaddr + p_memsz) ranges.
 * The checks use no page size, so recordings replay on any machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "decode/decode.h"
#include "lib/safefile.h"
#include "model/syms.h"

#define DELETED_SUFFIX	" (deleted)"
#define SYM_BACKTRACK	4	/* symbols looked at below ip, for nested/overlapping ones */
#define MAX_BIAS_CANDS	4	/* PT_LOADs one mapping can overlap, in practice 2 */

struct sym {
	uint64_t addr;
	uint64_t size;		/* never 0 after sym_tab__build() */
	const char *name;	/* into elf_file.names */
};

struct sym_tab {
	struct sym *v;		/* sorted by addr, one per addr */
	size_t nr;
};

/* A PT_LOAD header: how file offsets become link-time addresses. */
struct elf_seg {
	uint64_t offset;
	uint64_t filesz;
	uint64_t vaddr;
	uint64_t memsz;
};

enum elf_state {
	ELF_UNREAD = 0,
	ELF_READY,
	ELF_FAILED,	/* not readable, not ELF: lookups give module+offset */
};

struct elf_file {
	uint64_t ino;
	uint32_t dev;
	enum elf_state state;
	bool path_checked;	/* syms__check_path() done */
	char *path;		/* as the first mapping named it */
	struct elf_seg *segs;
	size_t nr_segs;
	struct sym_tab code;
	struct sym_tab data;
	char *names;
};

struct sym_map {
	uint64_t start;
	uint64_t end;
	uint64_t pgoff;
	uint64_t bias;		/* valid when bias_ok, computed on first use */
	struct elf_file *elf;
	bool bias_done;
	bool bias_ok;
};

struct sym_proc {
	uint32_t pid;
	bool sorted;
	struct sym_map *maps;
	size_t nr;
	size_t cap;
};

struct syms {
	char *root;
	bool map_files;		/* live pids: files through /proc/PID/map_files */
	uint64_t missed;
	struct sym_proc *procs;		/* sorted by pid */
	size_t nr_procs;
	size_t cap_procs;
	struct elf_file **elfs;		/* sorted by elf_key_cmp() */
	size_t nr_elfs;
	size_t cap_elfs;
};

/* A symbol while a table is built: name points into libelf's data. */
struct sym_cand {
	uint64_t addr;
	uint64_t size;
	uint64_t sec_end;	/* where a symbol without size must end at the latest */
	const char *name;
	int rank;
};

struct cand_vec {
	struct sym_cand *v;
	size_t nr;
	size_t cap;
};

struct sec_info {
	uint64_t end;
	bool exec;
};

struct elf_key {
	uint64_t ino;
	uint32_t dev;
	const char *path;
};

/* Room for one more element in a growable array: 0 or -ENOMEM. */
static int array_reserve(void **arr, size_t *cap, size_t nr, size_t elem)
{
	size_t ncap;
	void *p;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = reallocarray(*arr, ncap, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* ---- symbol tables ---- */

/*
 * Which of the symbols at one address names it best: global over weak over
 * local, typed, sized, unversioned, then the fewest leading underscores
 * (printf over _IO_printf, pthread_mutex_lock over __pthread_mutex_lock).
 */
static int sym_rank(const GElf_Sym *sym, const char *name)
{
	int bind = GELF_ST_BIND(sym->st_info);
	int rank = 0, under = 0;

	if (bind == STB_GLOBAL)
		rank += 64;
	else if (bind == STB_WEAK)
		rank += 32;
	if (GELF_ST_TYPE(sym->st_info) != STT_NOTYPE)
		rank += 16;
	if (sym->st_size)
		rank += 8;
	if (!strchr(name, '@'))
		rank += 4;
	while (name[under] == '_' && under < 3)
		under++;
	return rank + 3 - under;
}

/*
 * Code: functions, IFUNC resolvers, and sized NOTYPE symbols in executable
 * sections (hand-written assembly).  Data: objects.  TLS symbols are left
 * out on purpose: their value is an offset in each thread's TLS block, not
 * an address inside the file's mapping, so no lookup could find them.
 */
static struct cand_vec *sym_class(const GElf_Sym *sym, const struct sec_info *secs, size_t nsecs,
				  struct cand_vec *code, struct cand_vec *data)
{
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE ||
	    sym->st_shndx >= nsecs || !sym->st_value)
		return NULL;
	switch (GELF_ST_TYPE(sym->st_info)) {
	case STT_FUNC:
	case STT_GNU_IFUNC:
		return code;
	case STT_NOTYPE:
		return sym->st_size && secs[sym->st_shndx].exec ? code : NULL;
	case STT_OBJECT:
	case STT_COMMON:
		return data;
	default:
		return NULL;
	}
}

static int cand_push(struct cand_vec *c, const GElf_Sym *sym, const char *name, uint64_t sec_end)
{
	if (array_reserve((void **)&c->v, &c->cap, c->nr, sizeof(*c->v)))
		return -ENOMEM;
	c->v[c->nr++] = (struct sym_cand){
		.addr = sym->st_value,
		.size = sym->st_size,
		.sec_end = sec_end,
		.name = name,
		.rank = sym_rank(sym, name),
	};
	return 0;
}

/* Sort key: address, then best first, then name so that ties are stable. */
static int cand_cmp(const void *a, const void *b)
{
	const struct sym_cand *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return y->rank - x->rank;
	return strcmp(x->name, y->name);
}

/* Keep the best symbol of each address and give every symbol a size. */
static int sym_tab__build(struct sym_tab *t, struct cand_vec *c)
{
	size_t i, n = 0;

	if (c->nr)
		qsort(c->v, c->nr, sizeof(*c->v), cand_cmp);
	for (i = 0; i < c->nr; i++)
		if (!n || c->v[i].addr != c->v[n - 1].addr)
			c->v[n++] = c->v[i];
	t->v = calloc(n ? n : 1, sizeof(*t->v));
	if (!t->v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct sym_cand *k = &c->v[i];
		uint64_t end = k->addr + k->size;

		if (!k->size) {
			end = k->sec_end;
			if (i + 1 < n && c->v[i + 1].addr < end)
				end = c->v[i + 1].addr;
		}
		t->v[i].addr = k->addr;
		t->v[i].size = end > k->addr ? end - k->addr : 1;
		t->v[i].name = k->name;
	}
	t->nr = n;
	return 0;
}

/* The symbol covering addr: the nearest below it, or one a little lower that encloses it. */
static const struct sym *sym_tab__find(const struct sym_tab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->nr, k;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = 0; k < SYM_BACKTRACK && k < lo; k++) {
		const struct sym *y = &t->v[lo - 1 - k];

		if (addr - y->addr < y->size)
			return y;
	}
	return NULL;
}

/* ---- reading an ELF file ---- */

/* Per section: where it ends (for sizeless symbols) and whether it holds code. */
static int elf__read_sections(Elf *elf, struct sec_info **out, size_t *nsecs)
{
	struct sec_info *secs;
	Elf_Scn *scn = NULL;
	size_t n;

	if (elf_getshdrnum(elf, &n))
		return -ENOEXEC;
	secs = calloc(n ? n : 1, sizeof(*secs));
	if (!secs)
		return -ENOMEM;
	while ((scn = elf_nextscn(elf, scn))) {
		size_t i = elf_ndxscn(scn);
		GElf_Shdr sh;

		if (i >= n || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC))
			continue;
		secs[i].end = sh.sh_addr + sh.sh_size;
		secs[i].exec = sh.sh_flags & SHF_EXECINSTR;
	}
	*out = secs;
	*nsecs = n;
	return 0;
}

static int elf__collect_syms(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			     const struct sec_info *secs, size_t nsecs, struct cand_vec *code,
			     struct cand_vec *data)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n;

	if (!d || !sh->sh_entsize)
		return 0;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {	/* entry 0 is the null symbol */
		struct cand_vec *to;
		const char *name;
		GElf_Sym sym;

		if (!gelf_getsym(d, (int)i, &sym))
			break;
		to = sym_class(&sym, secs, nsecs, code, data);
		if (!to)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		if (cand_push(to, &sym, name, secs[sym.st_shndx].end))
			return -ENOMEM;
	}
	return 0;
}

/* Copy the kept names out of libelf's memory, which goes away with elf_end(). */
static int elf_file__copy_names(struct elf_file *ef)
{
	struct sym_tab *tabs[] = { &ef->code, &ef->data };
	size_t t, i, len = 0;
	char *p;

	for (t = 0; t < 2; t++)
		for (i = 0; i < tabs[t]->nr; i++)
			len += strlen(tabs[t]->v[i].name) + 1;
	ef->names = p = malloc(len ? len : 1);
	if (!p)
		return -ENOMEM;
	for (t = 0; t < 2; t++) {
		for (i = 0; i < tabs[t]->nr; i++) {
			size_t n = strlen(tabs[t]->v[i].name) + 1;

			memcpy(p, tabs[t]->v[i].name, n);
			tabs[t]->v[i].name = p;
			p += n;
		}
	}
	return 0;
}

/* Add what every .symtab and .dynsym of elf holds to code and data. */
static int elf__collect_all(Elf *elf, struct cand_vec *code, struct cand_vec *data)
{
	struct sec_info *secs;
	Elf_Scn *scn = NULL;
	size_t nsecs;
	int err;

	err = elf__read_sections(elf, &secs, &nsecs);
	if (err)
		return err;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM)
			continue;
		err = elf__collect_syms(elf, scn, &sh, secs, nsecs, code, data);
		if (err)
			break;
	}
	free(secs);
	return err;
}

/* The symbol tables of the file (elf) and of its separate debug file (dbg, or NULL). */
static int elf_file__read_syms(struct elf_file *ef, Elf *elf, Elf *dbg)
{
	struct cand_vec code = { 0 }, data = { 0 };
	int err;

	err = elf__collect_all(elf, &code, &data);
	if (!err && dbg)
		err = elf__collect_all(dbg, &code, &data);
	if (!err)
		err = sym_tab__build(&ef->code, &code);
	if (!err)
		err = sym_tab__build(&ef->data, &data);
	if (!err)
		err = elf_file__copy_names(ef);
	free(code.v);
	free(data.v);
	return err;
}

static bool elf__has_symtab(Elf *elf)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			return true;
	return false;
}

/* The GNU build ID of elf in hex, into hex[len]; false if it has none. */
static bool elf__build_id(Elf *elf, char *hex, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		size_t off = 0, noff, doff, i;
		Elf_Data *d;
		GElf_Shdr sh;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *desc = (const unsigned char *)d->d_buf + doff;
			const char *name = (const char *)d->d_buf + noff;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 || !nh.n_descsz ||
			    memcmp(name, "GNU", 4) || nh.n_descsz * 2 >= len)
				continue;
			for (i = 0; i < nh.n_descsz; i++)
				snprintf(hex + 2 * i, 3, "%02x", desc[i]);
			return true;
		}
	}
	return false;
}

/*
 * A file shipped without .symtab (distribution libraries, libc first of
 * all) may have its symbols in a separate debug file (Debian's -dbg and
 * -dbgsym packages, Fedora's debuginfo), found by build ID.  Its section
 * headers keep the addresses, so its symbols need no other translation.
 * NULL when there is none; else *fd is to be closed after elf_end().
 */
static Elf *elf__open_debug(Elf *elf, const struct syms *s, int *fd)
{
	char id[2 * 64 + 1], path[200];
	Elf *dbg;

	*fd = -1;
	if (elf__has_symtab(elf) || !elf__build_id(elf, id, sizeof(id)))
		return NULL;
	/* the ID comes from the file: hex digits only, so the path stays in the debug tree */
	snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%.2s/%s.debug", id, id + 2);
	*fd = safefile__open_named(s->root, path, SAFEF_FOLLOW);
	if (*fd < 0)
		return NULL;
	dbg = elf_begin(*fd, ELF_C_READ, NULL);
	if (dbg && elf_kind(dbg) == ELF_K_ELF)
		return dbg;
	elf_end(dbg);
	close(*fd);
	*fd = -1;
	return NULL;
}

static int elf_file__read_segs(struct elf_file *ef, Elf *elf)
{
	size_t i, n, cap = 0;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (array_reserve((void **)&ef->segs, &cap, ef->nr_segs, sizeof(*ef->segs)))
			return -ENOMEM;
		ef->segs[ef->nr_segs++] = (struct elf_seg){
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.vaddr = ph.p_vaddr,
			.memsz = ph.p_memsz,
		};
	}
	return ef->nr_segs ? 0 : -ENOEXEC;
}

static int elf_file__read(struct elf_file *ef, int fd, const struct syms *s)
{
	Elf *elf, *dbg;
	GElf_Ehdr eh;
	int err, dbg_fd;

	/*
	 * Read, not mapped: whoever owns the file could truncate it under a
	 * mapping, and the next access would kill ipctrace with SIGBUS.
	 */
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return -EINVAL;
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		err = -ENOEXEC;
		goto out_end;
	}
	err = elf_file__read_segs(ef, elf);
	if (err)
		goto out_end;
	dbg = elf__open_debug(elf, s, &dbg_fd);
	err = elf_file__read_syms(ef, elf, dbg);
	if (dbg) {
		elf_end(dbg);
		close(dbg_fd);
	}
out_end:
	elf_end(elf);
	return err;
}

/* What a failed read may have left, and everything read on syms__free(). */
static void elf_file__release(struct elf_file *ef)
{
	free(ef->segs);
	free(ef->code.v);
	free(ef->data.v);
	free(ef->names);
	ef->segs = NULL;
	ef->nr_segs = 0;
	ef->code = (struct sym_tab){ 0 };
	ef->data = (struct sym_tab){ 0 };
	ef->names = NULL;
}

/* Whether maps marked the file as unlinked: " (deleted)" after the path. */
static bool path_is_deleted(const char *path, size_t len)
{
	size_t dlen = strlen(DELETED_SUFFIX);

	return len > dlen && !strcmp(path + len - dlen, DELETED_SUFFIX);
}

/* The file's path as the process saw it, without the " (deleted)" of maps. */
static void elf_file__path(const struct elf_file *ef, char *buf, size_t size)
{
	size_t len = strlen(ef->path);

	if (path_is_deleted(ef->path, len))
		len -= strlen(DELETED_SUFFIX);
	snprintf(buf, size, "%.*s", (int)len, ef->path);
}

/* Whether st is the file that was mapped (see keep_if_mapped()). */
static bool stat_matches(const struct stat *st, uint64_t ino)
{
	return S_ISREG(st->st_mode) && (!ino || st->st_ino == ino);
}

/*
 * fd if it is the file that was mapped: the inode check catches a file
 * replaced since (an upgrade), whose symbols would be wrong.  The device
 * is not compared: stat() and /proc/PID/maps disagree on it for btrfs
 * subvolumes and overlayfs.  Else fd is closed and -ESTALE returned.
 */
static int keep_if_mapped(int fd, uint64_t ino)
{
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !stat_matches(&st, ino)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* The file by the path the process mapped it at (under --symfs in a report). */
static int elf_file__open_path(const struct elf_file *ef, const struct syms *s)
{
	char buf[IPC_PATH_LEN];

	elf_file__path(ef, buf, sizeof(buf));
	return keep_if_mapped(safefile__open_named(s->root, buf, 0), ef->ino);
}

/*
 * The file behind mapping m of pid.  A live trace asks the process first,
 * through /proc/PID/map_files/START-END: the very file it maps, deleted or
 * replaced since, and no path of its choosing to follow (it needs
 * CAP_SYS_ADMIN, which the tracer has); then, once the process is gone, the
 * path.  A report has only the path: the recording's pids are not this
 * machine's processes.
 */
static int elf_file__open(const struct elf_file *ef, const struct syms *s, uint32_t pid,
			  const struct sym_map *m)
{
	char buf[64];
	int fd;

	if (s->map_files) {
		snprintf(buf, sizeof(buf), "/proc/%u/map_files/%" PRIx64 "-%" PRIx64, pid,
			 m->start, m->end);
		fd = keep_if_mapped(safefile__open_proc(buf, pid, ef->dev), ef->ino);
		if (fd >= 0 || fd == -EREMOTE)
			return fd;
	}
	return elf_file__open_path(ef, s);
}

/* Read the file once; failures are remembered so that it is not retried per lookup. */
static void elf_file__load(struct elf_file *ef, const struct syms *s, uint32_t pid,
			   const struct sym_map *m)
{
	int fd;

	if (ef->state != ELF_UNREAD)
		return;
	ef->state = ELF_FAILED;
	fd = elf_file__open(ef, s, pid, m);
	if (fd < 0)
		return;
	if (!elf_file__read(ef, fd, s))
		ef->state = ELF_READY;
	else
		elf_file__release(ef);
	close(fd);
}

/* ---- processes, mappings and the file cache ---- */

static int elf_key_cmp(const struct elf_key *k, const struct elf_file *ef)
{
	if (k->ino != ef->ino)
		return k->ino < ef->ino ? -1 : 1;
	if (k->dev != ef->dev)
		return k->dev < ef->dev ? -1 : 1;
	return k->ino ? 0 : strcmp(k->path, ef->path);
}

/* The cached file for a mapping, added (unread) if new.  NULL on ENOMEM. */
static struct elf_file *syms__get_elf(struct syms *s, const struct elf_key *k)
{
	size_t lo = 0, hi = s->nr_elfs;
	struct elf_file *ef;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = elf_key_cmp(k, s->elfs[mid]);

		if (!c)
			return s->elfs[mid];
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (array_reserve((void **)&s->elfs, &s->cap_elfs, s->nr_elfs, sizeof(*s->elfs)))
		return NULL;
	ef = calloc(1, sizeof(*ef));
	if (!ef)
		return NULL;
	ef->path = strdup(k->path);
	if (!ef->path) {
		free(ef);
		return NULL;
	}
	ef->ino = k->ino;
	ef->dev = k->dev;
	memmove(&s->elfs[lo + 1], &s->elfs[lo], (s->nr_elfs - lo) * sizeof(*s->elfs));
	s->elfs[lo] = ef;
	s->nr_elfs++;
	return ef;
}

/* Index of the first process whose pid is >= pid. */
static size_t syms__proc_pos(const struct syms *s, uint32_t pid)
{
	size_t lo = 0, hi = s->nr_procs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct sym_proc *syms__find_proc(const struct syms *s, uint32_t pid)
{
	size_t i = syms__proc_pos(s, pid);

	if (i < s->nr_procs && s->procs[i].pid == pid && s->procs[i].nr)
		return &s->procs[i];
	return NULL;
}

/* The process, added if new.  NULL on ENOMEM.  Valid until the next add. */
static struct sym_proc *syms__get_proc(struct syms *s, uint32_t pid)
{
	size_t i = syms__proc_pos(s, pid);

	if (i < s->nr_procs && s->procs[i].pid == pid)
		return &s->procs[i];
	if (array_reserve((void **)&s->procs, &s->cap_procs, s->nr_procs, sizeof(*s->procs)))
		return NULL;
	memmove(&s->procs[i + 1], &s->procs[i], (s->nr_procs - i) * sizeof(*s->procs));
	s->procs[i] = (struct sym_proc){ .pid = pid, .sorted = true };
	s->nr_procs++;
	return &s->procs[i];
}

static int map_cmp(const void *a, const void *b)
{
	const struct sym_map *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

/* The mapping holding ip, else the nearest one below it; NULL if none. */
static struct sym_map *proc__map_below(struct sym_proc *p, uint64_t ip)
{
	size_t lo = 0, hi = p->nr;

	if (!p->sorted) {
		qsort(p->maps, p->nr, sizeof(*p->maps), map_cmp);
		p->sorted = true;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->maps[mid].start <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &p->maps[lo - 1] : NULL;
}

/* ---- address translation ---- */

/* Load biases of the PT_LOADs whose file bytes mapping m overlaps: distinct ones, at most max. */
static size_t map__bias_cands(const struct sym_map *m, uint64_t *bias, size_t max)
{
	const struct elf_file *ef = m->elf;
	size_t i, j, n = 0;

	for (i = 0; i < ef->nr_segs && n < max; i++) {
		const struct elf_seg *g = &ef->segs[i];
		uint64_t b;

		if (!g->filesz || g->offset >= m->pgoff + (m->end - m->start) ||
		    m->pgoff >= g->offset + g->filesz)
			continue;
		b = m->start - m->pgoff + g->offset - g->vaddr;
		for (j = 0; j < n && bias[j] != b; j++)
			;
		if (j == n)	/* else merged mappings of two segments: same bias */
			bias[n++] = b;
	}
	return n;
}

/* The bias of mapping m (see the top of the file); false if no PT_LOAD matches it. */
static bool map__pick_bias(const struct sym_proc *p, const struct sym_map *m, uint64_t *bias)
{
	uint64_t cands[MAX_BIAS_CANDS], base;
	const struct sym_map *low = m;
	size_t i, n;

	n = map__bias_cands(m, cands, MAX_BIAS_CANDS);
	if (!n)
		return false;
	*bias = cands[0];
	if (n == 1)
		return true;
	/* A page shared by two segments: trust the file's lowest mapping, its ELF header. */
	for (i = 0; i < p->nr; i++) {
		const struct sym_map *o = &p->maps[i];

		if (o->elf == m->elf &&
		    (o->pgoff < low->pgoff || (o->pgoff == low->pgoff && o->start < low->start)))
			low = o;
	}
	if (!map__bias_cands(low, &base, 1))
		return true;
	for (i = 0; i < n; i++) {
		if (cands[i] == base) {
			*bias = base;
			break;
		}
	}
	return true;
}

/*
 * Link-time address of ip through mapping m, if one of the file's PT_LOADs
 * covers it (memsz, so that .bss past the file's bytes counts).
 */
static bool map__vaddr(struct syms *s, struct sym_proc *p, struct sym_map *m, uint64_t ip,
		       uint64_t *vaddr)
{
	const struct elf_file *ef = m->elf;
	uint64_t v;
	size_t i;

	elf_file__load(m->elf, s, p->pid, m);
	if (ef->state != ELF_READY)
		return false;
	if (!m->bias_done) {
		m->bias_ok = map__pick_bias(p, m, &m->bias);
		m->bias_done = true;
	}
	if (!m->bias_ok)
		return false;
	v = ip - m->bias;
	for (i = 0; i < ef->nr_segs; i++) {
		if (v - ef->segs[i].vaddr < ef->segs[i].memsz) {
			*vaddr = v;
			return true;
		}
	}
	return false;
}

static int syms__lookup(struct syms *s, uint32_t pid, uint64_t ip, bool data, struct sym_res *res)
{
	const struct sym *y = NULL;
	struct sym_proc *p;
	struct sym_map *m;
	uint64_t v = 0;
	bool found;

	memset(res, 0, sizeof(*res));
	p = syms__find_proc(s, pid);
	if (!p) {
		s->missed++;
		return -ENOENT;
	}
	m = proc__map_below(p, ip);
	/* Past a file's mapped end only its .bss can be, and only data lives there. */
	if (!m || (ip >= m->end && !data))
		goto out_missed;
	found = map__vaddr(s, p, m, ip, &v);
	if (ip >= m->end && !found)
		goto out_missed;
	res->module = m->elf->path;
	res->module_off = ip - m->start + m->pgoff;
	if (found)
		y = sym_tab__find(data ? &m->elf->data : &m->elf->code, v);
	if (!y)
		goto out_missed;
	res->name = y->name;
	res->offset = v - y->addr;
	return 0;
out_missed:
	s->missed++;
	return 0;
}

/* ---- public interface ---- */

struct syms *syms__new(const struct syms_opts *opts)
{
	struct syms *s;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ELIBBAD;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->map_files = opts && opts->map_files;
	if (opts && opts->root && *opts->root) {
		s->root = strdup(opts->root);
		if (!s->root) {
			free(s);
			errno = ENOMEM;
			return NULL;
		}
	}
	return s;
}

void syms__free(struct syms *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nr_procs; i++)
		free(s->procs[i].maps);
	for (i = 0; i < s->nr_elfs; i++) {
		elf_file__release(s->elfs[i]);
		free(s->elfs[i]->path);
		free(s->elfs[i]);
	}
	free(s->procs);
	free(s->elfs);
	free(s->root);
	free(s);
}

/*
 * In a live trace, read the file at once if its path does not lead to it
 * (deleted, replaced since, or in another mount namespace than ours): then
 * only /proc/PID/map_files reaches it, and only while the process lives.
 * Else wait until a lookup needs it.
 */
static void syms__check_path(struct syms *s, struct elf_file *ef, uint32_t pid,
			     const struct sym_map *m)
{
	int fd;

	if (!s->map_files || ef->state != ELF_UNREAD || ef->path_checked)
		return;
	ef->path_checked = true;
	fd = elf_file__open_path(ef, s);
	if (fd >= 0) {
		close(fd);
		return;
	}
	elf_file__load(ef, s, pid, m);
}

int syms__add_map(struct syms *s, const struct ipc_rec_map *m)
{
	char path[IPC_PATH_LEN];
	struct elf_key key = { .ino = m->ino, .dev = m->dev, .path = path };
	struct elf_file *ef;
	struct sym_proc *p;
	struct sym_map *sm;
	size_t len;

	if (m->hdr.type != IPC_REC_MAP)
		return -EINVAL;
	/* Nothing could resolve through it; a bad recording need not stop the collector. */
	if (m->end <= m->start)
		return 0;
	len = strnlen(m->path, sizeof(m->path) - 1);
	memcpy(path, m->path, len);
	path[len] = '\0';
	ef = syms__get_elf(s, &key);
	p = ef ? syms__get_proc(s, m->hdr.pid) : NULL;
	if (!p)
		return -ENOMEM;
	if (m->mflags & IPC_MAPF_FIRST) {
		p->nr = 0;
		p->sorted = true;
	}
	if (array_reserve((void **)&p->maps, &p->cap, p->nr, sizeof(*p->maps)))
		return -ENOMEM;
	sm = &p->maps[p->nr++];
	*sm = (struct sym_map){ .start = m->start, .end = m->end, .pgoff = m->pgoff, .elf = ef };
	if (p->nr > 1 && sm[-1].start > sm->start)
		p->sorted = false;
	syms__check_path(s, ef, p->pid, sm);
	return 0;
}

bool syms__has_pid(const struct syms *s, uint32_t pid)
{
	return syms__find_proc(s, pid) != NULL;
}

int syms__resolve(struct syms *s, uint32_t pid, uint64_t ip, struct sym_res *res)
{
	return syms__lookup(s, pid, ip, false, res);
}

int syms__resolve_data(struct syms *s, uint32_t pid, uint64_t addr, struct sym_res *res)
{
	return syms__lookup(s, pid, addr, true, res);
}

uint64_t syms__missed(const struct syms *s)
{
	return s->missed;
}

size_t syms__format(char *buf, size_t len, const struct sym_res *r, uint64_t ip,
		    bool with_offset)
{
	const char *base;
	int n;

	if (r && r->name && with_offset) {
		n = snprintf(buf, len, "%s+0x%" PRIx64, r->name, r->offset);
	} else if (r && r->name) {
		n = snprintf(buf, len, "%s", r->name);
	} else if (r && r->module) {
		base = strrchr(r->module, '/');
		base = base ? base + 1 : r->module;
		n = snprintf(buf, len, "%s+0x%" PRIx64, base, r->module_off);
	} else {
		n = snprintf(buf, len, "0x%" PRIx64, ip);
	}
	return n < 0 ? 0 : (size_t)n;
}

/* ---- /proc/PID/maps ---- */

/*
 * One line: "start-end perms offset major:minor inode path".  1 and m
 * filled for a file mapping that can be read or run, 0 for a line to skip
 * (anonymous, [heap], [vdso], anon_inode:..., PROT_NONE guard pages).
 */
static int maps_parse_line(const char *line, struct ipc_rec_map *m)
{
	unsigned long long start, end, pgoff, ino;
	unsigned int major, minor;
	const char *path;
	char perms[8];
	size_t len;
	int n = 0;

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &pgoff, &major,
		   &minor, &ino, &n) != 7 || !n)
		return 0;
	path = line + n;
	if (path[0] != '/' || (perms[0] != 'r' && perms[2] != 'x'))
		return 0;
	len = strcspn(path, "\n");
	m->hdr.flags = 0;
	if (len >= sizeof(m->path)) {
		len = sizeof(m->path) - 1;
		m->hdr.flags |= IPC_EVF_TRUNCATED;
	}
	memset(m->path, 0, sizeof(m->path));
	memcpy(m->path, path, len);
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	m->ino = ino;
	m->dev = (major << 20) | (minor & 0xfffff);
	return 1;
}

static void maps_rec_init(struct ipc_rec_map *m, uint32_t pid)
{
	memset(m, 0, sizeof(*m));
	ipc_hdr_collector(&m->hdr, IPC_REC_MAP, pid, pid, NULL);
}

int syms__read_proc_maps(uint32_t pid, int (*cb)(void *ctx, const struct ipc_rec_map *m),
			 void *ctx)
{
	struct ipc_rec_map rec;
	char path[64], *line = NULL;
	size_t cap = 0;
	bool first = true;
	int err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	maps_rec_init(&rec, pid);
	while (getline(&line, &cap, f) > 0) {
		if (maps_parse_line(line, &rec) <= 0)
			continue;
		rec.mflags = first ? IPC_MAPF_FIRST : 0;
		first = false;
		err = cb(ctx, &rec);
		if (err < 0)
			break;
		err = 0;
	}
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	return err;
}
