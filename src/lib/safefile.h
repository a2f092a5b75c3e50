/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * safefile: the files ipctrace opens because someone else named them, and
 * the files it creates.
 *
 * Reading.  A traced process chooses the paths of what it maps (and can
 * replace a mapped file by a FIFO, a symlink or a file on a FUSE
 * filesystem it serves itself); a recording names whatever its author
 * wrote.  Nothing they name may block ipctrace or make it read something
 * else, so such a file is opened:
 *  - without following symlinks (openat2 RESOLVE_NO_SYMLINKS, else
 *    O_NOFOLLOW on the last component) and without "..";
 *  - non-blocking and without becoming a controlling terminal (a FIFO or a
 *    device opens at once instead of waiting, a leased file fails);
 *  - only when it turns out to be a regular file (fstat on the fd);
 *  - never on a FUSE filesystem (a user-space server can stall any
 *    operation on it forever): known from the mount table, before the
 *    first lookup, and kept up to date when mounts change;
 *  - never under /proc, /sys or /dev.
 *
 * Creating.  A new file is created with O_EXCL, never through a symlink
 * (root writing into /tmp cannot be sent elsewhere).  An existing file is
 * overwritten only if it is a regular file of ours with one link, reached
 * by its own name.  A symlink is followed only if it belongs to us or to
 * root, and only to a pipe, a terminal or another character device, or to
 * the file already on our stdout or stderr (`-o /dev/stdout`, `--graph
 * dot=/dev/fd/3`), which is appended to, not truncated.  A file registered
 * as an input (the recording being read) is never an output.
 */
#ifndef IPCTRACE_SAFEFILE_H
#define IPCTRACE_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Modes of what ipctrace creates: reports and graphs, and recordings (addresses, paths, stacks) */
#define OUTPUT_MODE	0644
#define RECORDING_MODE	0600

/* safefile__open_named() flags */
#define SAFEF_FOLLOW	(1u << 0)	/* symlinks allowed: a path of ours (/usr/lib/debug) */

/*
 * Open a regular file that a process or a recording named, read-only.
 * path is absolute; root, when not NULL, is a directory it is looked up
 * under (--symfs) and that it cannot leave.  The fd, or -errno: -ELOOP (a
 * symlink), -EINVAL (not a regular file, or ".." in path), -EREMOTE (on a
 * FUSE filesystem), -EACCES (under /proc, /sys or /dev), or what open says.
 */
int safefile__open_named(const char *root, const char *path, unsigned int flags);

/*
 * Open a regular file through a /proc magic link of process pid (ppath:
 * /proc/PID/map_files/..., /proc/PID/exe), which reaches exactly the file
 * the process has, deleted or not.  dev (major << 20 | minor, 0 if
 * unknown) is the file's device as the process's maps give it: a FUSE one
 * is refused (-EREMOTE) before the file is touched.  The fd or -errno.
 */
int safefile__open_proc(const char *ppath, uint32_t pid, uint32_t dev);

/*
 * Whether device dev (major << 20 | minor) is a FUSE filesystem, in our
 * mount table or in process pid's (0: ours only).
 */
bool safefile__dev_is_fuse(uint32_t pid, uint32_t dev);

/*
 * The filesystem type of mount mnt_id in process pid's mount table
 * ("mqueue", "fuse.sshfs").  0, or -ENOENT when the table does not list
 * it (a kernel-internal mount), or -errno.
 */
int safefile__mnt_fstype(uint32_t pid, uint64_t mnt_id, char *type, size_t len);

/* Whether path (absolute, no symlinks followed) lies on a FUSE mount of ours. */
bool safefile__path_is_fuse(const char *path);

/*
 * Remember fd's file as an input: safefile__create() refuses to write it.
 * 0 or -errno.
 */
int safefile__protect(int fd);

/*
 * Create path for writing (see the top of this file), mode for a new file
 * (and the most an overwritten file keeps: 0600 makes an old 0644 file
 * 0600).  The fd or -errno, with one line in err ("refusing to write X: it
 * is a symlink owned by uid 1000").  -EEXIST: path is an input.
 */
int safefile__create(const char *path, mode_t mode, char *err, size_t errlen);
/* The same as a stdio stream ("we").  NULL with errno and err set. */
FILE *safefile__fcreate(const char *path, mode_t mode, char *err, size_t errlen);

#endif /* IPCTRACE_SAFEFILE_H */
