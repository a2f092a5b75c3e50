// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The metrics textfile, replaced atomically each interval (see metrics_out.h).
 *
 * The directory is opened once, at start: later publishes work relative to
 * that fd, so renaming or replacing a directory on the path afterwards
 * cannot send the file elsewhere.  The temporary file is created new
 * (O_EXCL, O_NOFOLLOW) under a name node_exporter ignores (it reads *.prom
 * only), written whole, then renamed over the target: rename replaces
 * whatever is there, a symlink included, without following it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "analysis/metrics.h"
#include "model/collector.h"
#include "output/metrics_out.h"
#include "output/openmetrics.h"

struct mfile {
	struct sink sink;	/* what the collector calls */
	struct metrics *m;
	int dirfd;
	int last_err;		/* the last failure said, said once */
	char base[256];
	unsigned int seq;
	struct om om;
};

static const struct sink_ops mfile_sink_ops;

struct mfile *mfile__new(struct metrics *m, const char *path)
{
	char dir[4096], base[4096];
	struct mfile *f;
	int err;

	if (!path || !*path || strlen(path) >= sizeof(dir)) {
		errno = EINVAL;
		return NULL;
	}
	/* dirname and basename may modify their argument: each gets a copy */
	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->sink.ops = &mfile_sink_ops;
	f->m = m;
	om__init(&f->om, OM_TEXT_004);
	snprintf(f->base, sizeof(f->base), "%s", basename(base));
	if (path[strlen(path) - 1] == '/' || !strcmp(f->base, ".") || !strcmp(f->base, "..") ||
	    strlen(basename(base)) >= sizeof(f->base)) {
		err = EISDIR;
		goto err_free;
	}
	f->dirfd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0) {
		err = errno;
		goto err_free;
	}
	return f;
err_free:
	free(f);
	errno = err;
	return NULL;
}

struct sink *mfile__sink(struct mfile *f)
{
	return &f->sink;
}

void mfile__free(struct mfile *f)
{
	if (!f)
		return;
	close(f->dirfd);
	om__release(&f->om);
	free(f);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* A new temporary file next to the target: fd, or -errno. */
static int create_tmp(struct mfile *f, char *name, size_t len)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd;

		snprintf(name, len, ".%s.%d.%u.tmp", f->base, (int)getpid(), f->seq++);
		fd = openat(f->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

int mfile__publish(struct mfile *f)
{
	char tmp[sizeof(f->base) + 48];
	int fd, err;

	om__reset(&f->om, OM_TEXT_004);
	err = metrics__render(f->m, &f->om);
	if (err)
		return err;
	fd = create_tmp(f, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	/* readable by node_exporter whatever our umask */
	err = fchmod(fd, 0644) ? -errno : 0;
	if (!err)
		err = write_all(fd, f->om.buf, f->om.len);
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(f->dirfd, tmp, f->dirfd, f->base))
		err = -errno;
	if (err)
		unlinkat(f->dirfd, tmp, 0);
	return err;
}

/* The sink: publish at the end of each interval and of the trace. */

static int mfile_publish_once(struct mfile *f)
{
	int err = mfile__publish(f);

	/* a full disk or a bad directory: said once, not every interval */
	if (err && err != f->last_err)
		fprintf(stderr, "ipctrace: failed to write the metrics file %s: %s\n", f->base,
			strerror(-err));
	f->last_err = err;
	return err;
}

static void mfile_interval_end(struct sink *sk)
{
	mfile_publish_once(container_of(sk, struct mfile, sink));
}

static int mfile_finish(struct sink *sk)
{
	return mfile_publish_once(container_of(sk, struct mfile, sink));
}

static void mfile_free(struct sink *sk)
{
	mfile__free(container_of(sk, struct mfile, sink));
}

static const struct sink_ops mfile_sink_ops = {
	.name = "metrics file",
	.interval_end = mfile_interval_end,
	.finish = mfile_finish,
	.free = mfile_free,
};
