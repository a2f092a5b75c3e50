// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * /proc snapshots of processes, threads and their IPC fds.
 */
#define _GNU_SOURCE	/* statx */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "decode/decode.h"
#include "lib/safefile.h"
#include "source/procfs.h"

#define MQUEUE_MAGIC 0x19800202
#define PIPEFS_MAGIC 0x50495045

bool procfs__pid_exists(uint32_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	if (stat(path, &st))
		return false;
	return procfs__tgid_of(pid) == (int)pid;
}

/* "Key:\tvalue" from /proc/PID/status, or -ENOENT. */
static long status_field(const char *path, const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long val = -ENOENT;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			val = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

int procfs__tgid_of(uint32_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%u/status", tid);
	return status_field(path, "Tgid");
}

void procfs__clocks(__u64 *mono, __u64 *real, __u64 *boot)
{
	struct timespec m, r, b;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_BOOTTIME, &b);
	*mono = m.tv_sec * 1000000000ull + m.tv_nsec;
	*real = r.tv_sec * 1000000000ull + r.tv_nsec;
	*boot = b.tv_sec * 1000000000ull + b.tv_nsec;
}

static void read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;

	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (fd >= 0)
		close(fd);
}

/* ppid and start time (field 22, clock ticks since boot) from /proc/PID/stat. */
static void read_stat(const char *dir, __u32 *ppid, __u64 *start_ns)
{
	char path[128], buf[1024], *p;
	unsigned long long start = 0;
	int pp = 0;

	snprintf(path, sizeof(path), "%s/stat", dir);
	read_small(path, buf, sizeof(buf));
	/* comm may contain spaces and parentheses: skip to the last ')' */
	p = strrchr(buf, ')');
	if (p && sscanf(p + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d"
			       " %*d %*d %llu", &pp, &start) == 2) {
		*ppid = pp;
		*start_ns = start * (1000000000ull / sysconf(_SC_CLK_TCK));
	}
}

static int task_record(uint32_t pid, uint32_t tid, const char *dir, procfs_cb cb, void *ctx)
{
	struct ipc_rec_task t = {};
	char path[128];
	ssize_t n;

	ipc_hdr_collector(&t.hdr, IPC_REC_TASK, pid, tid, NULL);
	snprintf(path, sizeof(path), "%s/comm", dir);
	read_small(path, t.hdr.comm, sizeof(t.hdr.comm));
	read_stat(dir, &t.ppid, &t.start_ns);
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, t.exe, sizeof(t.exe) - 1);
	t.exe[n > 0 ? n : 0] = 0;
	return cb(ctx, &t, sizeof(t));
}

int procfs__snapshot_task(uint32_t pid, procfs_cb cb, void *ctx)
{
	char dir[64], tdir[96];
	struct dirent *de;
	DIR *d;
	int ret;

	snprintf(dir, sizeof(dir), "/proc/%u", pid);
	ret = task_record(pid, pid, dir, cb, ctx);
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "/proc/%u/task", pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		uint32_t tid = strtoul(de->d_name, NULL, 10);

		if (!tid || tid == pid)
			continue;
		snprintf(tdir, sizeof(tdir), "%s/%u", dir, tid);
		ret = task_record(pid, tid, tdir, cb, ctx);
		if (ret)
			break;
	}
	closedir(d);
	return ret;
}

/* Family and type of a socket inode from /proc/net tables. */
static void socket_family(uint32_t pid, uint64_t ino, struct ipc_obj *o)
{
	static const struct { const char *file; uint16_t family; uint8_t kind, type; } tabs[] = {
		{ "unix", 1, IPC_OBJ_UNIX, 0 },
		{ "tcp", 2, IPC_OBJ_TCP, 1 }, { "tcp6", 10, IPC_OBJ_TCP, 1 },
		{ "udp", 2, IPC_OBJ_UDP, 2 }, { "udp6", 10, IPC_OBJ_UDP, 2 },
	};
	char path[64], line[512], needle[32];

	snprintf(needle, sizeof(needle), " %llu", (unsigned long long)ino);
	o->kind = IPC_OBJ_SOCK;
	for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		FILE *f;
		bool found = false;

		snprintf(path, sizeof(path), "/proc/%u/net/%s", pid, tabs[i].file);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f)) {
			char *p = strstr(line, needle);

			found = p && (p[strlen(needle)] == ' ' || p[strlen(needle)] == '\n');
		}
		fclose(f);
		if (found) {
			o->kind = tabs[i].kind;
			o->family = tabs[i].family;
			o->sock_type = tabs[i].type;
			return;
		}
	}
}

int procfs__fd_stat(uint32_t pid, int fd, struct procfs_fdstat *fs)
{
	struct statx stx;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC | AT_NO_AUTOMOUNT,
		  STATX_TYPE | STATX_INO | STATX_MNT_ID, &stx))
		return -errno;
	fs->mode = stx.stx_mode;
	fs->ino = stx.stx_ino;
	fs->dev = stx.stx_dev_major << 20 | (stx.stx_dev_minor & 0xfffff);
	fs->mnt_id = stx.stx_mask & STATX_MNT_ID ? stx.stx_mnt_id : 0;
	return 0;
}

/*
 * Whether the file behind fd is a POSIX message queue: its mount is an
 * mqueue one.  A queue from mq_open() lives on the IPC namespace's internal
 * mount, in no mount table: only then is statfs() asked, which for a
 * kernel-internal filesystem answers at once; a file on a mount that the
 * table shows, FUSE above all, is never asked.
 */
static bool fd_is_mqueue(uint32_t pid, const char *path, const struct procfs_fdstat *fs)
{
	char type[32];
	struct statfs sfs;
	int ret;

	if (!fs->mnt_id || safefile__dev_is_fuse(pid, fs->dev))
		return false;
	ret = safefile__mnt_fstype(pid, fs->mnt_id, type, sizeof(type));
	if (!ret)
		return !strcmp(type, "mqueue");
	return ret == -ENOENT && !statfs(path, &sfs) && sfs.f_type == MQUEUE_MAGIC;
}

int procfs__fd_obj(uint32_t pid, int fd, struct ipc_obj *o, char *name, size_t namelen)
{
	struct procfs_fdstat fs;
	char path[64], link[256];
	ssize_t n;
	int err;

	memset(o, 0, sizeof(*o));
	name[0] = 0;
	err = procfs__fd_stat(pid, fd, &fs);
	if (err)
		return err;
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	o->ino = fs.ino;
	o->dev = fs.dev;
	if (S_ISFIFO(fs.mode)) {
		o->kind = strncmp(link, "pipe:", 5) ? IPC_OBJ_FIFO : IPC_OBJ_PIPE;
		if (o->kind == IPC_OBJ_FIFO)
			snprintf(name, namelen, "%s", link);
	} else if (S_ISSOCK(fs.mode)) {
		socket_family(pid, fs.ino, o);
	} else if (S_ISREG(fs.mode) && fd_is_mqueue(pid, path, &fs)) {
		o->kind = IPC_OBJ_MQ;
		snprintf(name, namelen, "%.*s", (int)strcspn(link, " "), link);
	} else {
		o->kind = IPC_OBJ_OTHER;
	}
	return 0;
}

long procfs__fd_flags(uint32_t pid, int fd)
{
	char path[64], line[128];
	long flags = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "flags:", 6)) {
			/* the kernel prints it in octal */
			flags = strtol(line + 6, NULL, 8);
			break;
		}
	}
	fclose(f);
	return flags;
}
