// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The start-of-trace snapshot: the targets' IPC fds, then a scan of every
 * /proc/PID/fd for the other ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "decode/decode.h"
#include "lib/hmap.h"
#include "source/snapshot.h"
#include "source/sockdiag.h"

/*
 * An object a peer may hold: pipes and sockets by inode (their link says
 * which), files (FIFOs, queues) by (dev, ino).
 */
struct want_key {
	uint64_t ino;
	uint32_t dev;		/* FIFOs and queues; 0 for pipes and sockets */
	uint32_t cls;		/* 'p' pipe, 's' socket, 'f' FIFO or queue */
};

struct snap {
	const struct snapshot_opts *o;
	procfs_cb cb;
	void *ctx;
	struct sockdiag *diag;
	struct hmap *want;	/* struct want_key -> 1 */
	struct hmap *skip;	/* pids not to scan: the targets, ipctrace */
	bool want_files;	/* FIFOs or queues wanted: stat the fds that are paths */
	struct snapshot_stats st;
};

static void read_comm(uint32_t pid, char *comm, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, comm, len - 1) : -1;
	comm[n > 0 ? n : 0] = 0;
	comm[strcspn(comm, "\n")] = 0;
	if (fd >= 0)
		close(fd);
}

/* The object behind fd, as the probes would describe it.  0, or -ENOENT if not IPC. */
static int fd_obj(struct snap *s, uint32_t pid, int fd, struct ipc_rec_fdsnap *r)
{
	struct procfs_fdstat fs;

	if (procfs__fd_stat(pid, fd, &fs))
		return -ENOENT;
	if (S_ISSOCK(fs.mode) && s->diag) {
		const struct sockdiag_sock *ds = sockdiag__find(s->diag, fs.ino);

		if (!ds)	/* netlink, packet...: not a socket we trace */
			return -ENOENT;
		sockdiag__to_obj(ds, fs.dev, &r->obj);
		snprintf(r->name, sizeof(r->name), "%s", ds->name);
	} else if (procfs__fd_obj(pid, fd, &r->obj, r->name, sizeof(r->name))) {
		return -ENOENT;
	}
	switch (r->obj.kind) {
	case IPC_OBJ_PIPE:
	case IPC_OBJ_FIFO:
	case IPC_OBJ_UNIX:
	case IPC_OBJ_TCP:
	case IPC_OBJ_UDP:
	case IPC_OBJ_MQ:
		return 0;
	default:
		return -ENOENT;
	}
}

/* An IPC_REC_FDSNAP for fd of pid, or -ENOENT when the fd is not IPC (or went away). */
static int fd_record(struct snap *s, uint32_t pid, int fd, const char *comm,
		     struct ipc_rec_fdsnap *r)
{
	long flags;
	int err;

	memset(r, 0, sizeof(*r));
	err = fd_obj(s, pid, fd, r);
	if (err)
		return -ENOENT;
	ipc_hdr_collector(&r->hdr, IPC_REC_FDSNAP, pid, pid, comm);
	r->fd = fd;
	flags = procfs__fd_flags(pid, fd);
	r->fd_flags = flags >= 0 ? flags : O_RDWR;
	return 0;
}

static void want_put(struct snap *s, uint64_t ino, uint32_t dev, uint32_t cls)
{
	struct want_key k = { .ino = ino, .dev = dev, .cls = cls };

	if (ino)
		hmap__put(s->want, &k, 1);	/* ENOMEM: a peer less found */
}

/* What another process would hold if it were at the other end of o. */
static void want_obj(struct snap *s, const struct ipc_obj *o)
{
	const struct sockdiag_sock *ds, *peer;

	switch (o->kind) {
	case IPC_OBJ_PIPE:
		want_put(s, o->ino, 0, 'p');
		break;
	case IPC_OBJ_FIFO:
	case IPC_OBJ_MQ:
		want_put(s, o->ino, o->dev, 'f');
		s->want_files = true;
		break;
	case IPC_OBJ_UNIX:
		want_put(s, o->ino, 0, 's');
		want_put(s, o->peer_ino, 0, 's');
		break;
	default:	/* TCP, UDP: the socket, and its other end if it is local */
		want_put(s, o->ino, 0, 's');
		ds = sockdiag__find(s->diag, o->ino);
		peer = sockdiag__inet_peer(s->diag, ds);
		if (peer)
			want_put(s, peer->ino, 0, 's');
		break;
	}
}

/* Each fd of pid that passes match() (NULL: every IPC fd) as a record. */
static int snap_fds(struct snap *s, uint32_t pid, bool (*match)(struct snap *, uint32_t, int),
		    uint32_t *found)
{
	struct ipc_rec_fdsnap r;
	char dir[64], comm[IPC_COMM_LEN];
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(dir, sizeof(dir), "/proc/%u/fd", pid);
	d = opendir(dir);
	if (!d)
		return 0;	/* gone, or a kernel thread */
	read_comm(pid, comm, sizeof(comm));
	while (!err && (de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || (match && !match(s, pid, fd)))
			continue;
		if (fd_record(s, pid, fd, comm, &r))
			continue;
		/* a peer is announced with its first matching fd */
		if (match && !*found)
			err = procfs__snapshot_task(pid, s->cb, s->ctx);
		if (!err && !match)
			want_obj(s, &r.obj);
		if (!err)
			err = s->cb(s->ctx, &r, sizeof(r));
		(*found)++;
	}
	closedir(d);
	return err == -ENOENT ? 0 : err;
}

/* Does this fd of another process lead to one of the targets' objects?  (readlink first: cheap) */
static bool fd_wanted(struct snap *s, uint32_t pid, int fd)
{
	struct want_key k = {};
	struct procfs_fdstat fs;
	char path[64], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = 0;
	if (sscanf(link, "pipe:[%" SCNu64 "]", &k.ino) == 1) {
		k.cls = 'p';
	} else if (sscanf(link, "socket:[%" SCNu64 "]", &k.ino) == 1) {
		k.cls = 's';
	} else if (s->want_files && link[0] == '/' && !procfs__fd_stat(pid, fd, &fs)) {
		k.ino = fs.ino;
		k.dev = fs.dev;
		k.cls = 'f';
	} else {
		return false;
	}
	return hmap__find(s->want, &k) != NULL;
}

static int snap_peers(struct snap *s)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int err = 0;

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		char *end;
		uint32_t pid = strtoul(de->d_name, &end, 10), found = 0;

		if (*end || !pid || hmap__find(s->skip, &pid))
			continue;
		err = snap_fds(s, pid, fd_wanted, &found);
		if (found) {
			s->st.peers++;
			s->st.peer_fds += found;
		}
	}
	closedir(d);
	return err;
}

static int snap_run(struct snap *s, const uint32_t *pids, int nr)
{
	uint32_t self = getpid(), found;
	int err = 0;

	hmap__put(s->skip, &self, 1);
	for (int i = 0; i < nr; i++)
		if (hmap__put(s->skip, &pids[i], 1))
			return -ENOMEM;
	for (int i = 0; i < nr && !err; i++) {
		err = procfs__snapshot_task(pids[i], s->cb, s->ctx);
		if (err == -ENOENT)	/* exited since it was checked */
			err = 0;
		found = 0;
		if (!err)
			err = snap_fds(s, pids[i], NULL, &found);
		s->st.fds += found;
	}
	if (!err && s->o->peers && hmap__count(s->want))
		err = snap_peers(s);
	return err;
}

int snapshot__targets(const uint32_t *pids, int nr, const struct snapshot_opts *o, procfs_cb cb,
		      void *ctx, struct snapshot_stats *st)
{
	struct snap s = { .o = o, .cb = cb, .ctx = ctx };
	int err = -ENOMEM;

	s.want = hmap__new(sizeof(struct want_key));
	s.skip = hmap__new(sizeof(uint32_t));
	if (!s.want || !s.skip)
		goto out;
	s.diag = sockdiag__new();
	if (!s.diag && o->verbose)
		fprintf(stderr, "ipctrace: failed to query sock_diag: %s (using /proc/net)\n",
			strerror(errno));
	s.st.diag = s.diag != NULL;
	err = snap_run(&s, pids, nr);
out:
	if (st)
		*st = s.st;
	sockdiag__free(s.diag);
	hmap__free(s.want);
	hmap__free(s.skip);
	return err;
}
