/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * format: how events and objects are written for people (--events) and
 * programs (--json).  The object names made here are the ids used across
 * ipctrace: in event lines, in the summary, in the graph exports.
 *
 *   pipe:[81234]                          anonymous pipe, by pipefs inode
 *   fifo:[8:1/5513]                       FIFO by device major:minor / inode
 *   unix:[4411]->[4412]                   unix socket and its peer ([4411] if none)
 *   tcp:127.0.0.1:5000->127.0.0.1:40312   local -> remote ([::1]:5000 for IPv6)
 *   udp:..., inet:..., sock:[ino]         other sockets
 *   mq:/jobs                              POSIX queue by name (mq:[ino] if unknown)
 *   futex:0x7f12a4c0                      private futex (per process)
 *   futex:[8:1/5513]+0x40                 shared futex: backing inode + offset
 *   sem:32769                             SysV semaphore set id
 */
#ifndef IPCTRACE_FORMAT_H
#define IPCTRACE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ipctrace_abi.h"

struct proctab;
struct jw;

struct fmt_ctx {
	const struct proctab *procs;	/* names of other pids; may be NULL */
	uint64_t t0_ns;			/* monotonic start: relative timestamps */
	int64_t real_offset_ns;		/* CLOCK_REALTIME - CLOCK_MONOTONIC, for abs_time */
	bool abs_time;			/* -T: wall-clock HH:MM:SS.uuuuuu */
};

/*
 * The fmt_* functions that write text work like snprintf: they return the
 * length of the whole text and write what fits into buf, NUL-terminated.
 *
 * Besides the ids above: tcp/udp/inet sockets print only their local side
 * until they have a remote one ("tcp:0.0.0.0:5000"); fifo-like ids for
 * other fds ("other:[8:1/1234]"); "?" for IPC_OBJ_NONE.  No ipc_ev_* record
 * carries a futex or sem object; a caller that builds one for fmt_obj()
 * puts a semaphore set's id in ino, and a futex's address in ino (private,
 * dev 0) or its backing (dev, ino) with the offset in peer_ino (shared).
 */

/* Object id (see above); name is the mq name when known (ignored for other kinds). */
size_t fmt_obj(char *buf, size_t len, const struct ipc_obj *o, const char *name);
/*
 * The object an event is about, as printed in event lines: the object id,
 * or for signals "SIGUSR1 -> 4242", for futexes the futex id, for process
 * events "child=401" (fork), "thread=403" (thread_new), the exec'd file, or
 * "" (exits); for lock records "mutex:0x7f..." ("rwlock", "cond", "psem").
 */
size_t fmt_event_obj(char *buf, size_t len, const struct ipc_hdr *rec);

/*
 * One --events line, without newline.  Collector-made records (type >=
 * IPC_REC_META) are not events: returns 0 with buf = "".
 */
size_t fmt_event_text(char *buf, size_t len, const struct fmt_ctx *c, const struct ipc_hdr *rec);
/* One --json object (the caller resets and flushes w); nothing for collector records. */
void fmt_event_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_hdr *rec);

/*
 * A call still in flight when the trace ended (an IPC_REC_BLOCKED record of
 * the final look, an IPC operation): as an event line ending "= ? <TIME>
 * in_flight", and as a JSON event with "in_flight": true and "dur_ns" so far.
 */
bool fmt_is_inflight(const struct ipc_hdr *rec);
size_t fmt_inflight_text(char *buf, size_t len, const struct fmt_ctx *c,
			 const struct ipc_rec_blocked *b);
void fmt_inflight_json(struct jw *w, const struct fmt_ctx *c, const struct ipc_rec_blocked *b);

/* "950ns", "3.2us", "1.20ms", "2.000s" */
size_t fmt_duration(char *buf, size_t len, uint64_t ns);
/* A wait(2) status in words: "exited, status 3", "killed by SIGTERM", "... (core dumped)". */
size_t fmt_wait_status(char *buf, size_t len, int32_t status);
/* "64B", "1.5KiB", "3.0MiB" */
size_t fmt_bytes(char *buf, size_t len, uint64_t bytes);
/* "127.0.0.1:5000" or "[::1]:5000" */
size_t fmt_sockaddr(char *buf, size_t len, unsigned int family, const uint8_t addr[16],
		    uint16_t port);
/* Timestamp column: relative seconds "12.345678" or -T wall clock. */
size_t fmt_ts(char *buf, size_t len, const struct fmt_ctx *c, uint64_t ts_ns);
/* Result: ret >= 0 as a number, < 0 as "-EAGAIN" (unknown errno: "-523"). */
size_t fmt_ret(char *buf, size_t len, int64_t ret);

#endif /* IPCTRACE_FORMAT_H */
