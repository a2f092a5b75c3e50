/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * syms: user-space symbolization with libelf.
 *
 * A process's address space is described by IPC_REC_MAP records (taken
 * from /proc/PID/maps when the collector first needs them, and again after
 * exec), so a process that has exited, or a recording replayed later, still
 * symbolizes as long as the mapped files are readable.  ELF files are
 * opened once and cached by (dev, ino); .symtab and .dynsym are merged, and
 * a file without .symtab also gets the symbols of its separate debug file
 * (/usr/lib/debug/.build-id/NN/NNNN.debug, under opts->root).  PIE
 * executables, ET_EXEC and shared libraries are handled through the
 * mapping's file offset and the ELF program headers.  What cannot be named
 * is shown as module+0xoffset and counted.
 */
#ifndef IPCTRACE_SYMS_H
#define IPCTRACE_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct syms;

/* The strings point into the struct syms and stay valid until syms__free(). */
struct sym_res {
	const char *name;	/* symbol, or NULL when not found */
	uint64_t offset;	/* ip - symbol start */
	const char *module;	/* path of the mapped file, or NULL when ip is in no mapping */
	uint64_t module_off;	/* file offset of ip in module (for module+0x...) */
};

struct syms_opts {
	/*
	 * Directory the mapped paths are looked up under (--symfs: a copy of
	 * the traced machine's files); NULL for none.
	 */
	const char *root;
	/*
	 * The pids are live processes of this machine (a live trace, not a
	 * report): their files are read through /proc/PID/map_files first.
	 */
	bool map_files;
};

struct syms *syms__new(const struct syms_opts *opts);	/* NULL with errno */
void syms__free(struct syms *s);			/* accepts NULL */

/*
 * Add a mapping of hdr.pid.  IPC_MAPF_FIRST drops what was known of that
 * process first (a new snapshot, e.g. after exec).  0, -ENOMEM, or -EINVAL
 * when m is not an IPC_REC_MAP; an empty mapping (end <= start) is ignored.
 * With opts->map_files, a file whose path no longer leads to it (deleted,
 * replaced) is read at once, through /proc/PID/map_files, while the
 * process still lives.  Files are opened with the care of safefile.h: a
 * path that leads to a FIFO, a symlink or a FUSE filesystem is not read.
 */
int syms__add_map(struct syms *s, const struct ipc_rec_map *m);
/* Whether maps are known for pid. */
bool syms__has_pid(const struct syms *s, uint32_t pid);

/*
 * Read /proc/PID/maps now and call cb for each file-backed mapping (code
 * and data, so globals like a named mutex resolve too), the first one
 * flagged IPC_MAPF_FIRST.  The collector records these and feeds them to
 * syms__add_map().  Skipped: anonymous and special mappings ([heap],
 * [vdso], anon_inode:...) and PROT_NONE ones.  A negative return from cb
 * stops the walk and is returned.  0 (also when the process has no file
 * mappings: a kernel thread or a zombie), or -errno (-ENOENT if the
 * process is gone).
 */
int syms__read_proc_maps(uint32_t pid, int (*cb)(void *ctx, const struct ipc_rec_map *m),
			 void *ctx);

/*
 * Resolve a code address of pid: function symbols (STT_FUNC, GNU_IFUNC,
 * and sized STT_NOTYPE in executable sections).  For return addresses
 * (every frame but the innermost) pass ip - 1.  0 with res filled (name may
 * be NULL: then module/module_off are set if ip is mapped), or -ENOENT
 * when pid has no maps.  No allocation once the file has been read.
 */
int syms__resolve(struct syms *s, uint32_t pid, uint64_t ip, struct sym_res *res);
/*
 * Same for a data address (STT_OBJECT): a global mutex's name, in .data or
 * in .bss, also past the file's last mapped page.  TLS variables cannot be
 * found by address and are not resolved.
 */
int syms__resolve_data(struct syms *s, uint32_t pid, uint64_t addr, struct sym_res *res);

/*
 * "func+0x12" (with_offset) or "func"; "libc.so.6+0x8a2f0" when only the
 * module is known; "0x7f12..." when nothing is (r may be NULL).  Module
 * shown as basename.  Returns what snprintf() would: the full length, even
 * when buf (always NUL-terminated if len > 0) was too short.
 */
size_t syms__format(char *buf, size_t len, const struct sym_res *r, uint64_t ip,
		    bool with_offset);

/* Lookups that found no symbol, -ENOENT ones included (each counted once per call). */
uint64_t syms__missed(const struct syms *s);

#endif /* IPCTRACE_SYMS_H */
