// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The looks at blocked threads the collector takes (src/source/taskscan.c):
 * a thread blocked at a look, and the end of the look.  Not events: the
 * stalls sink reads them, and the event printers show the calls still in
 * flight at the end (src/output/format_inflight.c).
 */
#include <errno.h>
#include <string.h>

#include "decode/records.h"
#include "model/objkey.h"

/* What a blocked thread waits on: its fd's object, its futex, its semaphore set. */
static int blocked_objkey(const struct ipc_hdr *h, struct objkey *k)
{
	const struct ipc_rec_blocked *b = (const struct ipc_rec_blocked *)h;

	memset(k, 0, sizeof(*k));
	switch (b->wait) {
	case IPC_WAIT_MUTEX:
	case IPC_WAIT_PI:
	case IPC_WAIT_RWLOCK:
	case IPC_WAIT_JOIN:
	case IPC_WAIT_FUTEX:
		if (!b->addr)
			return -ENOENT;
		k->kind = IPC_OBJ_FUTEX;
		if (b->bflags & IPC_BLK_SHARED) {
			k->dev = b->key_dev;
			k->a = b->key_ino;
			k->b = b->key_off;
		} else {
			k->pid = b->hdr.pid;
			k->a = b->addr;
		}
		return 0;
	case IPC_WAIT_SEM:
		k->kind = IPC_OBJ_SEM;
		k->a = (uint32_t)b->args[0];
		return (int32_t)b->args[0] < 0 ? -ENOENT : 0;
	case IPC_WAIT_IO:
	case IPC_WAIT_ACCEPT:
		return objkey__from_obj(&b->obj, k);
	default:
		return -ENOENT;
	}
}

static const struct rec_field blocked_strs[] = {
	REC_FIELD(ipc_rec_blocked, syscall),
	REC_FIELD(ipc_rec_blocked, wchan),
};
static const struct rec_field blocked_objs[] = { REC_FIELD(ipc_rec_blocked, obj) };

const struct rec_desc blocked_rec = {
	.strs = blocked_strs,
	.nr_strs = 2,
	.objs = blocked_objs,
	.nr_objs = 1,
	.name_off = -1,
	.objkey = blocked_objkey,
};

const struct rec_desc blksnap_rec = {
	.name_off = -1,
};
