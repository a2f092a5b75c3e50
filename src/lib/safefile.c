// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * safefile: opening what others name, creating what we write (see safefile.h).
 *
 * The FUSE check reads mount tables, which procfs serves without touching
 * any filesystem: /proc/self/mountinfo for paths we look up ourselves
 * (re-read when poll() says the table changed), /proc/PID/mountinfo for a
 * device a traced process maps (its mount namespace may differ from ours).
 * Devices are remembered in a small cache; the state is process-wide, as
 * the mount table it mirrors.
 */
#define _GNU_SOURCE	/* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/safefile.h"

#define MOUNTINFO_MAX	(16u << 20)	/* a mount table bigger than this is not read */
#define DEV_CACHE	256		/* devices of other namespaces remembered */
#define MAX_INPUTS	8

struct fuse_mount {
	char *path;		/* mount point, unescaped */
	size_t len;
};

struct dev_seen {
	uint32_t dev;
	bool fuse;
};

static struct {
	int fd;			/* /proc/self/mountinfo, kept open for poll() */
	bool loaded;
	struct fuse_mount *mounts;	/* our FUSE mount points */
	size_t nr_mounts;
	uint32_t *devs;		/* our FUSE devices */
	size_t nr_devs;
	struct dev_seen cache[DEV_CACHE];	/* other namespaces */
	size_t nr_cache;
	struct { dev_t dev; ino_t ino; } inputs[MAX_INPUTS];
	size_t nr_inputs;
} sf = { .fd = -1 };

/* ---- mount tables ---- */

/* Read all of fd from offset 0 into a NUL-terminated buffer.  NULL on failure. */
static char *read_all(int fd)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap), *p;
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= MOUNTINFO_MAX)
				goto err;
			p = realloc(buf, cap * 2);
			if (!p)
				goto err;
			buf = p;
			cap *= 2;
		}
		n = pread(fd, buf + len, cap - len - 1, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto err;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
err:
	free(buf);
	return NULL;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo: undo in place. */
static size_t unescape(char *s)
{
	char *d = s, *p = s;

	while (*p) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*d++ = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
			p += 4;
		} else {
			*d++ = *p++;
		}
	}
	*d = '\0';
	return (size_t)(d - s);
}

struct mnt_line {
	uint32_t dev;
	char *point;		/* in the line, unescaped */
	size_t point_len;
	bool fuse;
};

/*
 * "36 35 98:0 /root /mnt opts [optional...] - fstype source superopts".
 * Modifies line.  false for a line that does not parse.
 */
static bool parse_mount(char *line, struct mnt_line *m)
{
	unsigned int major, minor;
	char *f[5], *sep, *save = NULL, *type;
	int i;

	sep = strstr(line, " - ");
	if (!sep)
		return false;
	*sep = '\0';
	type = sep + 3;
	for (i = 0; i < 5; i++) {
		f[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!f[i])
			return false;
	}
	if (sscanf(f[2], "%u:%u", &major, &minor) != 2)
		return false;
	m->dev = major << 20 | (minor & 0xfffff);
	m->point = f[4];
	m->point_len = unescape(f[4]);
	/* fuse, fuseblk, fuse.sshfs, ...: a user-space server answers every operation */
	m->fuse = !strncmp(type, "fuse", 4) && (type[4] == ' ' || type[4] == '.' ||
						!strncmp(type + 4, "blk ", 4));
	return true;
}

static void self_clear(void)
{
	for (size_t i = 0; i < sf.nr_mounts; i++)
		free(sf.mounts[i].path);
	free(sf.mounts);
	free(sf.devs);
	sf.mounts = NULL;
	sf.devs = NULL;
	sf.nr_mounts = sf.nr_devs = 0;
	sf.loaded = false;
}

static int self_add(const struct mnt_line *m)
{
	struct fuse_mount *mp;
	uint32_t *dp;

	mp = realloc(sf.mounts, (sf.nr_mounts + 1) * sizeof(*mp));
	if (!mp)
		return -ENOMEM;
	sf.mounts = mp;
	dp = realloc(sf.devs, (sf.nr_devs + 1) * sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	sf.devs = dp;
	mp[sf.nr_mounts].path = strndup(m->point, m->point_len);
	if (!mp[sf.nr_mounts].path)
		return -ENOMEM;
	mp[sf.nr_mounts++].len = m->point_len;
	dp[sf.nr_devs++] = m->dev;
	return 0;
}

/* (Re)read our mount table if it is not read yet or changed since. */
static void self_refresh(void)
{
	struct pollfd pfd;
	struct mnt_line m;
	char *buf, *line, *save = NULL;

	if (sf.fd < 0) {
		sf.fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		if (sf.fd < 0)
			return;
	} else if (sf.loaded) {
		pfd = (struct pollfd){ .fd = sf.fd, .events = POLLPRI };
		if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLPRI | POLLERR)))
			return;
	}
	self_clear();
	buf = read_all(sf.fd);
	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (parse_mount(line, &m) && m.fuse && self_add(&m))
			break;
	}
	free(buf);
	sf.loaded = true;
}

static void cache_put(uint32_t dev, bool fuse)
{
	if (sf.nr_cache == DEV_CACHE)
		sf.nr_cache = 0;	/* start over: devices are few in practice */
	sf.cache[sf.nr_cache++] = (struct dev_seen){ .dev = dev, .fuse = fuse };
}

static const struct dev_seen *cache_get(uint32_t dev)
{
	for (size_t i = 0; i < sf.nr_cache; i++)
		if (sf.cache[i].dev == dev)
			return &sf.cache[i];
	return NULL;
}

/* Learn the devices of pid's mount table. */
static void learn_pid(uint32_t pid)
{
	char path[64], *buf, *line, *save = NULL;
	struct mnt_line m;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/mountinfo", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	buf = read_all(fd);
	close(fd);
	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (parse_mount(line, &m) && !cache_get(m.dev))
			cache_put(m.dev, m.fuse);
	}
	free(buf);
}

int safefile__mnt_fstype(uint32_t pid, uint64_t mnt_id, char *type, size_t len)
{
	char path[64], *buf, *line, *save = NULL, *sep;
	unsigned long long id;
	int fd, ret = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%u/mountinfo", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = read_all(fd);
	close(fd);
	if (!buf)
		return -ENOMEM;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%llu", &id) != 1 || id != mnt_id)
			continue;
		snprintf(type, len, "%.*s", (int)strcspn(sep + 3, " "), sep + 3);
		ret = 0;
		break;
	}
	free(buf);
	return ret;
}

bool safefile__dev_is_fuse(uint32_t pid, uint32_t dev)
{
	const struct dev_seen *d;

	self_refresh();
	for (size_t i = 0; i < sf.nr_devs; i++)
		if (sf.devs[i] == dev)
			return true;
	if (!pid || !dev)
		return false;
	d = cache_get(dev);
	if (!d) {
		learn_pid(pid);
		d = cache_get(dev);
		if (!d)		/* an internal mount (pipefs, mqueue...): not FUSE */
			cache_put(dev, false);
	}
	return d && d->fuse;
}

bool safefile__path_is_fuse(const char *path)
{
	self_refresh();
	for (size_t i = 0; i < sf.nr_mounts; i++) {
		const struct fuse_mount *m = &sf.mounts[i];

		if (m->len == 1 && m->path[0] == '/')
			return true;
		if (!strncmp(path, m->path, m->len) && (path[m->len] == '/' || !path[m->len]))
			return true;
	}
	return false;
}

/* ---- reading ---- */

/* "..", or a component of path that is one. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return true;
	return false;
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && (path[n] == '/' || !path[n]);
}

/* The fd if it is a regular file, else closed and -EINVAL. */
static int keep_regular(int fd)
{
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static int open_beneath(int dirfd, const char *path, unsigned int flags, bool in_root)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (!(flags & SAFEF_FOLLOW))
		how.resolve |= RESOLVE_NO_SYMLINKS;
	if (in_root)
		how.resolve |= RESOLVE_IN_ROOT;
	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno != ENOSYS)
		return -errno;
	/* before Linux 5.6: only the last component is kept from being a symlink */
	fd = openat(dirfd, in_root ? path + 1 : path, (int)how.flags |
		    (flags & SAFEF_FOLLOW ? 0 : O_NOFOLLOW));
	return fd < 0 ? -errno : fd;
}

int safefile__open_named(const char *root, const char *path, unsigned int flags)
{
	char host[PATH_MAX + 4096], *real = NULL;
	int dirfd = AT_FDCWD, fd;

	if (path[0] != '/' || has_dotdot(path))
		return -EINVAL;
	if (under(path, "/proc") || under(path, "/sys") || under(path, "/dev"))
		return -EACCES;
	if (root) {
		real = realpath(root, NULL);
		if (!real)
			return -errno;
		snprintf(host, sizeof(host), "%s%s", strcmp(real, "/") ? real : "", path);
		free(real);
	} else {
		snprintf(host, sizeof(host), "%s", path);
	}
	if (safefile__path_is_fuse(host))
		return -EREMOTE;
	if (root) {
		dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return -errno;
	}
	fd = open_beneath(dirfd, path, flags, root != NULL);
	if (dirfd >= 0)
		close(dirfd);
	return keep_regular(fd);
}

int safefile__open_proc(const char *ppath, uint32_t pid, uint32_t dev)
{
	int fd;

	if (dev && safefile__dev_is_fuse(pid, dev))
		return -EREMOTE;
	fd = open(ppath, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	return keep_regular(fd < 0 ? -errno : fd);
}

/* ---- creating ---- */

int safefile__protect(int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (sf.nr_inputs == MAX_INPUTS)
		return -ENOSPC;
	sf.inputs[sf.nr_inputs].dev = st.st_dev;
	sf.inputs[sf.nr_inputs++].ino = st.st_ino;
	return 0;
}

static bool is_input(const struct stat *st)
{
	for (size_t i = 0; i < sf.nr_inputs; i++)
		if (sf.inputs[i].dev == st->st_dev && sf.inputs[i].ino == st->st_ino)
			return true;
	return false;
}

__attribute__((format(printf, 4, 5)))
static int refuse(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * An existing path: opened without following a symlink, unless the symlink
 * is ours or root's (/dev/stdout, /dev/fd/N); *followed says it was.
 */
static int open_existing(const char *path, bool *followed, char *err, size_t errlen)
{
	int wflags = O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int fd;

	*followed = false;
	fd = open(path, wflags | O_NOFOLLOW);
	if (fd < 0 && errno == ELOOP) {
		if (lstat(path, &st))
			return -errno;
		if (st.st_uid != geteuid() && st.st_uid != 0)
			return refuse(err, errlen, -EPERM,
				      "refusing to write %s: it is a symlink owned by uid %u", path,
				      st.st_uid);
		*followed = true;
		fd = open(path, wflags);
	}
	/* a FIFO without a reader yet: the user named it, wait for one */
	if (fd < 0 && errno == ENXIO)
		fd = open(path, wflags & ~O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

/* Whether st is the file on our stdout or stderr (what `-o /dev/stdout` reaches). */
static bool is_own_stdio(const struct stat *st)
{
	struct stat o;

	for (int fd = 1; fd <= 2; fd++)
		if (!fstat(fd, &o) && o.st_dev == st->st_dev && o.st_ino == st->st_ino)
			return true;
	return false;
}

/*
 * Whether an existing file may be written; a regular one reached by its
 * own name is truncated.  Through a symlink, only what the caller already
 * gave us (its stdout or stderr) is written, as it is: no symlink, not even
 * our own, leads to overwriting some other regular file.
 */
static int check_existing(int fd, const char *path, bool followed, mode_t mode, char *err,
			  size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (is_input(&st))
		return refuse(err, errlen, -EEXIST,
			      "refusing to write %s: it is an input of this run", path);
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return fcntl(fd, F_SETFL, 0) ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return refuse(err, errlen, -EINVAL,
			      "refusing to write %s: not a regular file, pipe or character device",
			      path);
	if (followed && is_own_stdio(&st))
		return fcntl(fd, F_SETFL, O_APPEND) ? -errno : 0;
	if (followed)
		return refuse(err, errlen, -EPERM, "refusing to write %s: it is a symlink to a "
			      "regular file (name the file itself)", path);
	if (st.st_uid != geteuid())
		return refuse(err, errlen, -EPERM,
			      "refusing to write %s: it belongs to uid %u (remove it first)", path,
			      st.st_uid);
	if (st.st_nlink > 1)
		return refuse(err, errlen, -EPERM, "refusing to write %s: it has %lu hard links",
			      path, (unsigned long)st.st_nlink);
	if ((st.st_mode & 0777 & ~mode) && fchmod(fd, st.st_mode & mode & 0777))
		return -errno;
	return ftruncate(fd, 0) ? -errno : fcntl(fd, F_SETFL, 0) ? -errno : 0;
}

int safefile__create(const char *path, mode_t mode, char *err, size_t errlen)
{
	bool followed = false;
	int fd, ret;

	err[0] = '\0';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, mode);
	if (fd >= 0)
		return fd;
	if (errno == EEXIST)
		fd = open_existing(path, &followed, err, errlen);
	else
		fd = -errno;
	if (fd < 0) {
		if (!err[0])
			snprintf(err, errlen, "failed to create %s: %s", path, strerror(-fd));
		return fd;
	}
	ret = check_existing(fd, path, followed, mode, err, errlen);
	if (ret) {
		if (!err[0])
			snprintf(err, errlen, "failed to create %s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	return fd;
}

FILE *safefile__fcreate(const char *path, mode_t mode, char *err, size_t errlen)
{
	int fd = safefile__create(path, mode, err, errlen);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "we");
	if (!f) {
		snprintf(err, errlen, "failed to create %s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}
