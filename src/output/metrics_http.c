// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The metrics scrape endpoint, served by libmicrohttpd (see metrics_out.h).
 *
 * libmicrohttpd runs its own thread and its own event loop; a request is
 * answered from a copy of the last snapshot, taken under a mutex that the
 * trace holds only to swap two pointers.  The format follows the Accept
 * header: OpenMetrics when the client asks for it (Prometheus does), else
 * the text format 0.0.4.  Connections are limited in number, per address
 * and in time, so clients cannot pile up.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "analysis/metrics.h"
#include "model/collector.h"
#include "output/metrics_out.h"
#include "output/openmetrics.h"

#define MAX_CONNECTIONS 32
#define MAX_PER_ADDRESS 8
#define TIMEOUT_S 10

struct snap {
	char *text;
	size_t len;
};

struct mhttp {
	struct sink sink;	/* what the collector calls */
	struct metrics *m;
	int last_err;
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	struct snap snap[2];	/* by enum om_format */
	uint64_t scrapes;
	struct om om;		/* render buffer, the trace's thread only */
};

static const char index_page[] = "ipctrace: metrics at /metrics\n";

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned int status, const char *body,
			      size_t len, const char *type)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_metrics(struct mhttp *h, struct MHD_Connection *conn)
{
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);
	enum om_format fmt = accept && strstr(accept, "application/openmetrics-text") ?
			     OM_OPENMETRICS : OM_TEXT_004;
	enum MHD_Result ret;

	pthread_mutex_lock(&h->lock);
	/* copied into the response: the next publish may free the snapshot */
	ret = answer(conn, MHD_HTTP_OK, h->snap[fmt].text ? h->snap[fmt].text : "",
		     h->snap[fmt].len, om__content_type(fmt));
	h->scrapes++;
	pthread_mutex_unlock(&h->lock);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_ctx)
{
	static const char not_found[] = "not found: try /metrics\n";
	static const char bad_method[] = "method not allowed\n";
	static int first_call;

	/* the first call sees only the headers: wait for the whole request */
	if (!*req_ctx) {
		*req_ctx = &first_call;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;	/* a body we do not want: drop it */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED, bad_method,
			      sizeof(bad_method) - 1, "text/plain; charset=utf-8");
	if (!strcmp(url, "/metrics"))
		return serve_metrics(cls, conn);
	if (!strcmp(url, "/"))
		return answer(conn, MHD_HTTP_OK, index_page, sizeof(index_page) - 1,
			      "text/plain; charset=utf-8");
	return answer(conn, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
		      "text/plain; charset=utf-8");
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" into host (NULL: any) and port. */
static int split_addr(const char *addr, char *host, size_t hlen, const char **port)
{
	const char *colon;
	size_t n;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		n = end - addr - 1;
		colon = end + 1;
		addr++;
	} else {
		colon = strrchr(addr, ':');
		if (!colon)
			return -EINVAL;
		n = colon - addr;
	}
	if (n >= hlen || !colon[1])
		return -EINVAL;
	memcpy(host, addr, n);
	host[n] = '\0';
	*port = colon + 1;
	return 0;
}

static int resolve(const char *addr, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
	}, *res;
	const char *port;
	char host[256];
	int rc;

	if (split_addr(addr, host, sizeof(host), &port)) {
		snprintf(err, errlen, "invalid address '%s': expected HOST:PORT", addr);
		return -EINVAL;
	}
	/* ":9464": every address, IPv6 and IPv4 alike */
	if (!host[0])
		hints.ai_family = AF_INET6;
	rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "failed to resolve '%s': %s", addr, gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

static const struct sink_ops mhttp_sink_ops;

struct mhttp *mhttp__start(struct metrics *m, const char *addr, char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;
	struct sockaddr_storage ss = { 0 };
	sigset_t all, old;
	struct mhttp *h;
	int e;

	e = resolve(addr, &ss, err, errlen);
	if (e) {
		errno = -e;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	h->sink.ops = &mhttp_sink_ops;
	h->m = m;
	pthread_mutex_init(&h->lock, NULL);
	om__init(&h->om, OM_TEXT_004);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_DUAL_STACK;
	/* the server's thread takes no signal: Ctrl-C is the trace's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	errno = 0;
	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)MAX_PER_ADDRESS,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)TIMEOUT_S,
				     MHD_OPTION_END);
	e = errno ? errno : EADDRNOTAVAIL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->daemon) {
		snprintf(err, errlen, "failed to listen on %s: %s", addr, strerror(e));
		mhttp__stop(h);
		errno = e;
		return NULL;
	}
	return h;
}

struct sink *mhttp__sink(struct mhttp *h)
{
	return &h->sink;
}

void mhttp__stop(struct mhttp *h)
{
	if (!h)
		return;
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	pthread_mutex_destroy(&h->lock);
	for (int i = 0; i < 2; i++)
		free(h->snap[i].text);
	om__release(&h->om);
	free(h);
}

int mhttp__publish(struct mhttp *h)
{
	struct snap fresh[2], old[2];
	int err = 0;

	for (int f = 0; f < 2; f++) {
		om__reset(&h->om, f);
		err = metrics__render(h->m, &h->om);
		fresh[f].text = err ? NULL : malloc(h->om.len + 1);
		if (!fresh[f].text) {
			free(f ? fresh[0].text : NULL);
			return err ? err : -ENOMEM;
		}
		memcpy(fresh[f].text, h->om.buf, h->om.len + 1);
		fresh[f].len = h->om.len;
	}
	pthread_mutex_lock(&h->lock);
	memcpy(old, h->snap, sizeof(old));
	memcpy(h->snap, fresh, sizeof(fresh));
	pthread_mutex_unlock(&h->lock);
	free(old[0].text);
	free(old[1].text);
	return 0;
}

uint64_t mhttp__scrapes(const struct mhttp *h)
{
	uint64_t n;

	pthread_mutex_lock((pthread_mutex_t *)&h->lock);
	n = h->scrapes;
	pthread_mutex_unlock((pthread_mutex_t *)&h->lock);
	return n;
}

/* The sink: publish at the end of each interval and of the trace. */

static int mhttp_publish_once(struct mhttp *h)
{
	int err = mhttp__publish(h);

	if (err && err != h->last_err)
		fprintf(stderr, "ipctrace: failed to publish the metrics: %s\n", strerror(-err));
	h->last_err = err;
	return err;
}

static void mhttp_interval_end(struct sink *sk)
{
	mhttp_publish_once(container_of(sk, struct mhttp, sink));
}

static int mhttp_finish(struct sink *sk)
{
	return mhttp_publish_once(container_of(sk, struct mhttp, sink));
}

static void mhttp_free(struct sink *sk)
{
	mhttp__stop(container_of(sk, struct mhttp, sink));
}

static const struct sink_ops mhttp_sink_ops = {
	.name = "metrics endpoint",
	.interval_end = mhttp_interval_end,
	.finish = mhttp_finish,
	.free = mhttp_free,
};
