/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Recording files (ipctrace record / report).
 *
 * Layout (all integers little-endian):
 *   file header, 32 bytes:
 *     magic "IPCTRACE" (8), format version u32, ABI version u32 (IPC_ABI_VERSION),
 *     header size u32 (32), flags u32, creation time u64 (CLOCK_REALTIME ns)
 *   then chunks, each:
 *     chunk magic u32 "IPCK", compressed length u32, raw length u32,
 *     CRC-32 of the compressed bytes u32, then the zlib stream
 *   the raw bytes of a chunk are records, each: length u32, then the record
 *   (a struct ipc_hdr first).  A record never spans chunks.
 *
 * Each chunk is one write(2), so a crash or Ctrl-C leaves every finished
 * chunk readable; the writer ends a chunk when it fills (RECFILE_CHUNK_RAW)
 * and on recfile_writer__flush(), which the collector calls every interval.
 */
#ifndef IPCTRACE_RECFILE_H
#define IPCTRACE_RECFILE_H

#include <stddef.h>
#include <stdint.h>

#define RECFILE_MAGIC		"IPCTRACE"
#define RECFILE_VERSION		1
#define RECFILE_CHUNK_MAGIC	0x4b435049u	/* "IPCK" */
#define RECFILE_CHUNK_RAW	(256 * 1024)	/* raw bytes per chunk at most */
#define RECFILE_MAX_RECORD	(64 * 1024)

struct recfile_writer;
struct recfile_reader;

/*
 * Creates path, mode 0600 (safefile__create(): an existing file is
 * replaced only if it is ours).  NULL with errno set and, unless why is
 * NULL, one line saying why.
 */
struct recfile_writer *recfile_writer__open(const char *path, char *why, size_t whylen);
/*
 * Appends one record.  0 or -errno (-EINVAL if len is shorter than struct
 * ipc_hdr, which the reader would reject, or > RECFILE_MAX_RECORD).  After a
 * failed write the writer keeps returning that error and the file ends at
 * the last whole chunk.
 */
int recfile_writer__write(struct recfile_writer *w, const void *rec, size_t len);
/* Ends the current chunk (if any bytes) and writes it out.  0 or -errno. */
int recfile_writer__flush(struct recfile_writer *w);
/* Flushes and closes; frees w even on error.  0 or -errno.  Accepts NULL. */
int recfile_writer__close(struct recfile_writer *w);
uint64_t recfile_writer__records(const struct recfile_writer *w);
uint64_t recfile_writer__bytes(const struct recfile_writer *w);	/* file size so far */

/* Opens and checks the header.  NULL with errno set; the reason goes to err. */
struct recfile_reader *recfile_reader__open(const char *path, char *err, size_t errlen);
/*
 * Next record: 1 with *rec and *len set (valid until the next call, aligned
 * for any record struct), 0 at a clean end of file, or -EBADMSG
 * (corrupt/truncated, see recfile_reader__error()) or another -errno.  After
 * an error every later call returns it again.
 */
int recfile_reader__next(struct recfile_reader *r, const void **rec, size_t *len);
/*
 * Why the last call failed, naming the file offset, e.g.
 * "truncated chunk at offset 12345: 300 of 4096 bytes".
 */
const char *recfile_reader__error(const struct recfile_reader *r);
void recfile_reader__close(struct recfile_reader *r);	/* accepts NULL */
int recfile_reader__fd(const struct recfile_reader *r);	/* the file, for fstat() */

#endif /* IPCTRACE_RECFILE_H */
