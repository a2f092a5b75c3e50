// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Object identity shared by the summary, the graph and the analyses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/records.h"
#include "ipc_obj.h"
#include "model/objkey.h"
#include "output/format.h"

int objkey__from_obj(const struct ipc_obj *o, struct objkey *k)
{
	memset(k, 0, sizeof(*k));
	k->kind = o->kind;
	switch (o->kind) {
	case IPC_OBJ_NONE:
	case IPC_OBJ_OTHER:
		return -ENOENT;
	case IPC_OBJ_UNIX:
		/* both ends of a connection are one channel */
		k->a = o->peer_ino && o->peer_ino < o->ino ? o->peer_ino : o->ino;
		k->b = o->peer_ino && o->peer_ino < o->ino ? o->ino : o->peer_ino;
		return 0;
	case IPC_OBJ_TCP:
	case IPC_OBJ_UDP: {
		uint64_t l = ipc_endpoint(o, o->laddr, o->lport);
		uint64_t r = ipc_endpoint(o, o->raddr, o->rport);

		if (!o->rport) {	/* listening or unconnected: the socket itself */
			k->a = o->ino;
			return 0;
		}
		k->a = l < r ? l : r;
		k->b = l < r ? r : l;
		return 0;
	}
	default:
		k->a = o->ino;
		k->b = o->dev;
		return 0;
	}
}

int objkey__from_rec(const struct ipc_hdr *rec, struct objkey *k)
{
	const struct rec_desc *d = rec_desc(rec->type);
	const struct ipc_obj *o = ipc_rec_obj(rec);

	if (d && d->objkey)
		return d->objkey(rec, k);
	if (!o)
		return -ENOENT;
	return objkey__from_obj(o, k);
}

void objkey__orient(const struct ipc_obj *in, struct ipc_obj *out)
{
	*out = *in;
	if (in->kind == IPC_OBJ_UNIX && in->peer_ino && in->peer_ino < in->ino) {
		out->ino = in->peer_ino;
		out->peer_ino = in->ino;
	} else if ((in->kind == IPC_OBJ_TCP || in->kind == IPC_OBJ_UDP) && in->rport &&
		   ipc_endpoint(in, in->raddr, in->rport) < ipc_endpoint(in, in->laddr, in->lport)) {
		memcpy(out->laddr, in->raddr, 16);
		memcpy(out->raddr, in->laddr, 16);
		out->lport = in->rport;
		out->rport = in->lport;
	}
}

size_t objkey__format(char *buf, size_t len, const struct objkey *k,
		      const struct ipc_obj *sample, const char *name)
{
	struct ipc_obj o = { .kind = k->kind };

	switch (k->kind) {
	case IPC_OBJ_FUTEX:
		if (k->pid)
			return snprintf(buf, len, "futex:0x%llx@%u", (unsigned long long)k->a,
					k->pid);
		return snprintf(buf, len, "futex:[%u:%u/%llu]+0x%llx", k->dev >> 20,
				k->dev & 0xfffff, (unsigned long long)k->a,
				(unsigned long long)k->b);
	case IPC_OBJ_SEM:
		return snprintf(buf, len, "sem:%llu", (unsigned long long)k->a);
	default:
		break;
	}
	if (sample &&
	    (k->kind == IPC_OBJ_TCP || k->kind == IPC_OBJ_UDP || k->kind == IPC_OBJ_INET) &&
	    !sample->lport && !sample->rport)	/* not bound yet: only the socket */
		return snprintf(buf, len, "%s:[%llu]", k->kind == IPC_OBJ_TCP ? "tcp" :
				k->kind == IPC_OBJ_UDP ? "udp" : "inet",
				(unsigned long long)sample->ino);
	if (sample) {
		objkey__orient(sample, &o);
		o.kind = k->kind;
	} else {
		o.ino = k->a;
		o.dev = k->b;
	}
	return fmt_obj(buf, len, &o, name);
}
