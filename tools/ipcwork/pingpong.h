// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Request/reply loop of the stream scenarios (pingpong.c). */
#ifndef IPCWORK_PINGPONG_H
#define IPCWORK_PINGPONG_H

#include "ipcwork.h"

struct pp_end {
	int wfd;
	int rfd;
	bool sock;		/* send/recv instead of write/read */
	bool initiator;		/* sends first; the other side echoes */
	unsigned long msgs;	/* round trips */
};

struct pp_result {
	struct io_stat wr;
	struct io_stat rd;
	uint64_t elapsed_ns;
};

#define IO_SUMMARY_LEN	256

void pingpong(const struct wk_opts *o, const struct pp_end *e, struct pp_result *r);
const char *io_summary(char *buf, size_t len, const struct io_stat *wr, const struct io_stat *rd);

#endif /* IPCWORK_PINGPONG_H */
