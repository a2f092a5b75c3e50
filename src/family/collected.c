// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The records the collector makes itself: the trace's meta record, user
 * stacks, memory maps, the start-of-trace /proc snapshot (processes and
 * the fds they held), the loss counters and the trace's end.  They are not events: no text
 * or JSON line of their own.
 */
#include <fcntl.h>

#include "decode/records.h"

static const struct rec_field meta_strs[] = {
	REC_FIELD(ipc_rec_meta, hostname),
	REC_FIELD(ipc_rec_meta, kernel),
};

const struct rec_desc meta_rec = {
	.strs = meta_strs,
	.nr_strs = 2,
	.name_off = -1,
};

const struct rec_desc stack_rec = {
	.name_off = -1,
};

static const struct rec_field map_strs[] = { REC_FIELD(ipc_rec_map, path) };

const struct rec_desc map_rec = {
	.strs = map_strs,
	.nr_strs = 1,
	.name_off = -1,
};

static const struct rec_field task_strs[] = { REC_FIELD(ipc_rec_task, exe) };

const struct rec_desc task_rec = {
	.strs = task_strs,
	.nr_strs = 1,
	.name_off = -1,
};

/* An fd held at start: bound with the access mode and close-on-exec flag it had. */
static void fdsnap_use(const struct ipc_hdr *h, struct rec_use *u)
{
	const struct ipc_rec_fdsnap *s = (const struct ipc_rec_fdsnap *)h;

	u->bind[0] = (struct rec_bind){ &s->obj, s->name, s->fd, rec_accmode(s->fd_flags),
					!!(s->fd_flags & O_CLOEXEC) };
	u->nr_binds = 1;
}

static const struct rec_field fdsnap_strs[] = { REC_FIELD(ipc_rec_fdsnap, name) };
static const struct rec_field fdsnap_objs[] = { REC_FIELD(ipc_rec_fdsnap, obj) };

const struct rec_desc fdsnap_rec = {
	.strs = fdsnap_strs,
	.nr_strs = 1,
	.objs = fdsnap_objs,
	.nr_objs = 1,
	.name_off = offsetof(struct ipc_rec_fdsnap, name),
	.use = fdsnap_use,
};

const struct rec_desc stats_rec = {
	.name_off = -1,
};

const struct rec_desc end_rec = {
	.name_off = -1,
};
