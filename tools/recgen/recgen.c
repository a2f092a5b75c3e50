// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * recgen: write recordings that tests and benchmarks need and no workload
 * makes on demand, with ipctrace's own record structs and recording writer
 * (so they follow the format by construction).
 *
 *   recgen futex-spray N FILE    N blocked futex waits, each on a futex of
 *                                its own (the memory bound's worst case)
 *   recgen pingpong N FILE       N pipe operations of a ping-pong between
 *                                two processes (the replay benchmark)
 *   recgen map-trap PATH FILE    a blocked wait whose only stack frame lies
 *                                in a mapping of PATH (a FIFO, a symlink...):
 *                                what a hostile recording names
 *
 * Exit status: 0 ok, 1 failure, 2 usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "ipctrace_abi.h"
#include "source/recfile.h"

#define T0_NS		1000000000ull	/* monotonic time of the first record */
#define PID_A		4100
#define PID_B		4101
#define FUTEX_WAIT_PRIVATE	128	/* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */

struct gen {
	struct recfile_writer *w;
	uint64_t ts;
	int err;
};

static void put(struct gen *g, const void *rec, size_t len)
{
	if (!g->err)
		g->err = recfile_writer__write(g->w, rec, len);
}

static void hdr(struct ipc_hdr *h, unsigned int type, unsigned int op, unsigned int sys,
		uint32_t pid, const char *comm, uint64_t ts, uint64_t dur)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->op = op;
	h->sys = sys;
	h->pid = pid;
	h->tid = pid;
	h->ts_ns = ts;
	h->dur_ns = dur;
	h->stack_id = -1;
	snprintf(h->comm, sizeof(h->comm), "%s", comm);
}

static void meta(struct gen *g)
{
	struct ipc_rec_meta m = { 0 };

	ipc_hdr_collector(&m.hdr, IPC_REC_META, 0, 0, "recgen");
	m.hdr.ts_ns = T0_NS;
	m.abi_version = IPC_ABI_VERSION;
	m.mono_ns = T0_NS;
	m.families = IPC_FAM_ALL;
	snprintf(m.hostname, sizeof(m.hostname), "recgen");
	put(g, &m, sizeof(m));
}

static void futex_wait(struct gen *g, uint32_t pid, uint64_t uaddr, int32_t stack_id)
{
	struct ipc_ev_futex f = { 0 };

	hdr(&f.hdr, IPC_REC_FUTEX, IPC_OP_FUTEX_WAIT, IPC_SYS_FUTEX, pid, "spray", g->ts, 5000);
	f.hdr.flags = IPC_EVF_BLOCKED;
	f.hdr.stack_id = stack_id;
	f.uaddr = uaddr;
	f.cmd = FUTEX_WAIT_PRIVATE;
	f.val = 2;
	f.val3 = ~0u;
	f.fflags = IPC_FUTEX_PRIVATE;
	put(g, &f, sizeof(f));
	g->ts += 10000;
}

static void futex_spray(struct gen *g, unsigned long n)
{
	for (unsigned long i = 0; i < n && !g->err; i++)
		futex_wait(g, PID_A, 0x7f0000000000ull + 64 * i, -1);
}

static void pipe_io(struct gen *g, uint32_t pid, bool write, uint64_t ino, uint64_t dur)
{
	struct ipc_ev_io io = { 0 };

	hdr(&io.hdr, IPC_REC_IO, write ? IPC_OP_PIPE_WRITE : IPC_OP_PIPE_READ,
	    write ? IPC_SYS_WRITE : IPC_SYS_READ, pid, pid == PID_A ? "ping" : "pong", g->ts,
	    dur);
	if (dur > 2000)
		io.hdr.flags = IPC_EVF_BLOCKED;
	io.hdr.ret = 64;
	io.obj.kind = IPC_OBJ_PIPE;
	io.obj.dev = 13;
	io.obj.ino = ino;
	io.fd = write ? 4 : 3;
	io.req = 64;
	io.msgs = 1;
	io.bytes = 64;
	put(g, &io, sizeof(io));
	g->ts += 1000;
}

/* A writes pipe 1, B reads it and writes pipe 2, A reads that: four events a round. */
static void pingpong(struct gen *g, unsigned long n)
{
	for (unsigned long i = 0; i < n && !g->err; i += 4) {
		pipe_io(g, PID_A, true, 81001, 900);
		pipe_io(g, PID_B, false, 81001, 4000);
		pipe_io(g, PID_B, true, 81002, 900);
		pipe_io(g, PID_A, false, 81002, 4000);
	}
}

static void map_trap(struct gen *g, const char *path)
{
	const uint64_t start = 0x400000, end = 0x401000;
	struct ipc_rec_stack st = { 0 };
	struct ipc_rec_map m = { 0 };

	ipc_hdr_collector(&m.hdr, IPC_REC_MAP, PID_A, PID_A, NULL);
	m.hdr.ts_ns = g->ts;
	m.start = start;
	m.end = end;
	m.ino = 12345;
	m.dev = 8 << 20 | 1;
	m.mflags = IPC_MAPF_FIRST;
	snprintf(m.path, sizeof(m.path), "%s", path);
	put(g, &m, sizeof(m));
	ipc_hdr_collector(&st.hdr, IPC_REC_STACK, PID_A, PID_A, NULL);
	st.hdr.ts_ns = g->ts;
	st.hdr.stack_id = 1;
	st.nr = 1;
	st.ips[0] = start + 0x123;
	put(g, &st, offsetof(struct ipc_rec_stack, ips) + sizeof(st.ips[0]));
	futex_wait(g, PID_A, 0x601040, 1);
}

static int usage(void)
{
	fprintf(stderr, "usage: recgen futex-spray N FILE | pingpong N FILE | "
		"map-trap PATH FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct gen g = { .ts = T0_NS };
	char why[512] = "";
	unsigned long n = 0;
	char *end;

	if (argc != 4)
		return usage();
	if (strcmp(argv[1], "map-trap")) {
		errno = 0;
		n = strtoul(argv[2], &end, 10);
		if (errno || *end || end == argv[2])
			return usage();
	}
	g.w = recfile_writer__open(argv[3], why, sizeof(why));
	if (!g.w) {
		fprintf(stderr, "recgen: %s\n", why);
		return 1;
	}
	meta(&g);
	if (!strcmp(argv[1], "futex-spray"))
		futex_spray(&g, n);
	else if (!strcmp(argv[1], "pingpong"))
		pingpong(&g, n);
	else if (!strcmp(argv[1], "map-trap"))
		map_trap(&g, argv[2]);
	else
		g.err = -EINVAL;
	if (recfile_writer__close(g.w) && !g.err)
		g.err = -EIO;
	if (g.err == -EINVAL)
		return usage();
	if (g.err) {
		fprintf(stderr, "recgen: failed to write %s: %s\n", argv[3], strerror(-g.err));
		return 1;
	}
	return 0;
}
