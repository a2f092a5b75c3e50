// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NETLINK_SOCK_DIAG dumps: unix (with UDIAG_SHOW_PEER and _NAME), and
 * inet_diag for TCP and UDP over IPv4 and IPv6.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>

#include "lib/hmap.h"
#include "lib/vec.h"
#include "source/sockdiag.h"

#define DIAG_BUF (32 * 1024)

struct sockdiag {
	struct vec socks;	/* struct sockdiag_sock */
	struct hmap *by_ino;	/* u64 inode -> index */
	struct hmap *by_ends;	/* struct ends_key -> index, connected inet sockets */
};

struct ends_key {
	uint8_t laddr[16];
	uint8_t raddr[16];
	uint16_t lport;
	uint16_t rport;
	uint16_t family;
	uint8_t proto;
	uint8_t _pad;
};

static void ends_of(const struct sockdiag_sock *s, bool swap, struct ends_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->laddr, swap ? s->raddr : s->laddr, 16);
	memcpy(k->raddr, swap ? s->laddr : s->raddr, 16);
	k->lport = swap ? s->rport : s->lport;
	k->rport = swap ? s->lport : s->rport;
	k->family = s->family;
	k->proto = s->proto;
}

static int sock_add(struct sockdiag *d, const struct sockdiag_sock *s)
{
	struct sockdiag_sock *slot;
	struct ends_key k;
	size_t i = d->socks.len;

	/* TIME_WAIT and request sockets have no inode: no process holds them */
	if (!s->ino)
		return 0;
	slot = vec__push(&d->socks);
	if (!slot)
		return -ENOMEM;
	*slot = *s;
	if (hmap__put(d->by_ino, &s->ino, i))
		return -ENOMEM;
	if (s->family != AF_UNIX && s->rport) {
		ends_of(s, false, &k);
		if (hmap__put(d->by_ends, &k, i))
			return -ENOMEM;
	}
	return 0;
}

static int parse_unix(struct sockdiag *d, const struct nlmsghdr *h)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a = (const struct rtattr *)(m + 1);
	int alen = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	struct sockdiag_sock s = { .family = AF_UNIX };

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return -EBADMSG;
	s.ino = m->udiag_ino;
	s.type = m->udiag_type;
	s.state = m->udiag_state;
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		const char *p = RTA_DATA(a);
		size_t n = RTA_PAYLOAD(a);

		if (a->rta_type == UNIX_DIAG_PEER && n >= sizeof(uint32_t)) {
			uint32_t peer;

			memcpy(&peer, p, sizeof(peer));
			s.peer_ino = peer;
		} else if (a->rta_type == UNIX_DIAG_NAME && n) {
			/* abstract names start with a NUL: shown as "@name", as the probes do */
			if (!p[0])
				snprintf(s.name, sizeof(s.name), "@%.*s", (int)n - 1, p + 1);
			else
				snprintf(s.name, sizeof(s.name), "%.*s", (int)strnlen(p, n), p);
		}
	}
	return sock_add(d, &s);
}

static int parse_inet(struct sockdiag *d, const struct nlmsghdr *h, uint8_t proto)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	struct sockdiag_sock s = { .proto = proto };
	size_t alen;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return -EBADMSG;
	s.family = m->idiag_family;
	s.type = proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	s.state = m->idiag_state;
	s.ino = m->idiag_inode;
	s.lport = ntohs(m->id.idiag_sport);
	s.rport = ntohs(m->id.idiag_dport);
	alen = s.family == AF_INET ? 4 : 16;
	memcpy(s.laddr, m->id.idiag_src, alen);
	memcpy(s.raddr, m->id.idiag_dst, alen);
	return sock_add(d, &s);
}

/* Send one dump request and parse every answer.  0 or -errno. */
static int dump(struct sockdiag *d, int fd, const void *req, size_t len, int family, uint8_t proto)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	long buf[DIAG_BUF / sizeof(long)];
	ssize_t n;

	if (sendto(fd, req, len, 0, (struct sockaddr *)&nl, sizeof(nl)) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			int err;

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error ? e->error : -EIO;
			}
			err = family == AF_UNIX ? parse_unix(d, h) : parse_inet(d, h, proto);
			if (err)
				return err;
		}
	}
}

static int dump_unix(struct sockdiag *d, int fd)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u,
		       .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER },
	};

	return dump(d, fd, &req, sizeof(req), AF_UNIX, 0);
}

static int dump_inet(struct sockdiag *d, int fd, uint8_t family, uint8_t proto)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = family, .sdiag_protocol = proto, .idiag_states = ~0u },
	};

	return dump(d, fd, &req, sizeof(req), family, proto);
}

struct sockdiag *sockdiag__new(void)
{
	static const uint8_t inet[][2] = { { AF_INET, IPPROTO_TCP }, { AF_INET6, IPPROTO_TCP },
					   { AF_INET, IPPROTO_UDP }, { AF_INET6, IPPROTO_UDP } };
	struct sockdiag *d = calloc(1, sizeof(*d));
	int fd = -1, err = -ENOMEM;

	if (!d)
		return NULL;
	vec__init(&d->socks, sizeof(struct sockdiag_sock));
	d->by_ino = hmap__new(sizeof(uint64_t));
	d->by_ends = hmap__new(sizeof(struct ends_key));
	if (!d->by_ino || !d->by_ends)
		goto err_free;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		err = -errno;
		goto err_free;
	}
	err = dump_unix(d, fd);
	/* a kernel without inet_diag (or without IPv6) still has the unix sockets */
	for (size_t i = 0; !err && i < sizeof(inet) / sizeof(inet[0]); i++) {
		int e = dump_inet(d, fd, inet[i][0], inet[i][1]);

		if (e && e != -ENOENT && e != -EAFNOSUPPORT && e != -EINVAL)
			err = e;
	}
	close(fd);
	if (err)
		goto err_free;
	return d;

err_free:
	sockdiag__free(d);
	errno = -err;
	return NULL;
}

void sockdiag__free(struct sockdiag *d)
{
	if (!d)
		return;
	vec__release(&d->socks);
	hmap__free(d->by_ino);
	hmap__free(d->by_ends);
	free(d);
}

size_t sockdiag__count(const struct sockdiag *d)
{
	return d->socks.len;
}

const struct sockdiag_sock *sockdiag__find(const struct sockdiag *d, uint64_t ino)
{
	uint64_t idx;

	if (!d || hmap__get(d->by_ino, &ino, &idx))
		return NULL;
	return vec__at(&d->socks, idx);
}

const struct sockdiag_sock *sockdiag__inet_peer(const struct sockdiag *d,
						const struct sockdiag_sock *s)
{
	struct ends_key k;
	uint64_t idx;

	if (!d || !s || s->family == AF_UNIX || !s->rport)
		return NULL;
	ends_of(s, true, &k);
	if (hmap__get(d->by_ends, &k, &idx))
		return NULL;
	return vec__at(&d->socks, idx);
}

void sockdiag__to_obj(const struct sockdiag_sock *s, uint32_t dev, struct ipc_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->family = s->family;
	o->sock_type = s->type;
	o->ino = s->ino;
	o->dev = dev;
	if (s->family == AF_UNIX) {
		o->kind = IPC_OBJ_UNIX;
		o->peer_ino = s->peer_ino;
		return;
	}
	o->kind = s->type == SOCK_STREAM ? IPC_OBJ_TCP : IPC_OBJ_UDP;
	o->lport = s->lport;
	o->rport = s->rport;
	memcpy(o->laddr, s->laddr, 16);
	memcpy(o->raddr, s->raddr, 16);
}
