// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The unix connections seen: socket inode -> peer inode, both ways.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "lib/hmap.h"
#include "model/conns.h"

struct conns {
	struct hmap *peer;	/* u64 inode -> u64 peer inode */
	struct hmap *old;	/* the previous generation, consulted, never added to */
	uint32_t max;
	uint64_t forgotten;
};

struct conns *conns__new(uint32_t max)
{
	struct conns *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->max = max ? max : CONNS_MAX;
	c->peer = hmap__new(sizeof(uint64_t));
	c->old = hmap__new(sizeof(uint64_t));
	if (!c->peer || !c->old) {
		conns__free(c);
		errno = ENOMEM;
		return NULL;
	}
	return c;
}

void conns__free(struct conns *c)
{
	if (!c)
		return;
	hmap__free(c->peer);
	hmap__free(c->old);
	free(c);
}

static bool is_unix_stream(const struct ipc_obj *o)
{
	return o->kind == IPC_OBJ_UNIX &&
	       (o->sock_type == SOCK_STREAM || o->sock_type == SOCK_SEQPACKET);
}

static int lookup(const struct conns *c, uint64_t ino, uint64_t *peer)
{
	return hmap__get(c->peer, &ino, peer) && hmap__get(c->old, &ino, peer) ? -ENOENT : 0;
}

/* Two generations: when the current one is full, it becomes the old one. */
static void rotate(struct conns *c)
{
	struct hmap *t = c->old;

	c->forgotten += hmap__count(c->old);
	hmap__clear(t);
	c->old = c->peer;
	c->peer = t;
}

int conns__learn(struct conns *c, const struct ipc_obj *o)
{
	uint64_t known;

	if (!is_unix_stream(o) || !o->peer_ino || !o->ino)
		return 0;
	if (!hmap__get(c->peer, &o->ino, &known) && known == o->peer_ino)
		return 0;	/* the common case: nothing new */
	if (hmap__count(c->peer) + 2 > c->max / 2)
		rotate(c);
	if (hmap__put(c->peer, &o->ino, o->peer_ino) || hmap__put(c->peer, &o->peer_ino, o->ino))
		return -ENOMEM;
	return 0;
}

uint64_t conns__lost_peer(const struct conns *c, const struct ipc_obj *o)
{
	uint64_t peer;

	if (!is_unix_stream(o) || o->peer_ino || !o->ino)
		return 0;
	return lookup(c, o->ino, &peer) ? 0 : peer;
}

uint64_t conns__forgotten(const struct conns *c)
{
	return c->forgotten;
}
