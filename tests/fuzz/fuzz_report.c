// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer targets for what `ipctrace report` does with a recording: the
 * reader, the collector, every analysis and every output.
 *
 *   fuzz_recording: the input is a recording file, byte for byte.
 *   fuzz_records:   the input is the raw content of one chunk (records, each
 *                   a 32-bit length and the record); the target wraps it in a
 *                   file header and a chunk with the right CRC, so that
 *                   mutations reach the records instead of failing the CRC.
 *
 * Each input is replayed twice through run_report(), as a user would run
 * it: with --events and the text report, and with --json; both with every
 * file output (--graph, --folded, --flame, --timeline) into /dev/null and
 * --symfs on an empty directory (no file of this machine is read).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "cli/cli.h"
#include "ipctrace_abi.h"
#include "run/session.h"
#include "source/recfile.h"

#define FILE_HDR_SIZE	32
#define CHUNK_HDR_SIZE	16

static char symfs[] = "/tmp/fuzz_report.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(symfs))
		abort();
	return 0;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			abort();
		p += n;
		len -= (size_t)n;
	}
}

#ifdef FUZZ_RAW_RECORDS
static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A file header and one chunk holding data as its raw records. */
static void put_input(int fd, const uint8_t *data, size_t size)
{
	unsigned char hdr[FILE_HDR_SIZE] = "IPCTRACE", chunk[CHUNK_HDR_SIZE];
	uLongf zlen = compressBound(size);
	unsigned char *z = malloc(zlen);

	put_le32(hdr + 8, RECFILE_VERSION);
	put_le32(hdr + 12, IPC_ABI_VERSION);
	put_le32(hdr + 16, FILE_HDR_SIZE);
	write_all(fd, hdr, sizeof(hdr));
	if (!size || size > RECFILE_CHUNK_RAW || !z ||
	    compress2(z, &zlen, data, size, Z_BEST_SPEED) != Z_OK) {
		free(z);
		return;
	}
	put_le32(chunk, RECFILE_CHUNK_MAGIC);
	put_le32(chunk + 4, (uint32_t)zlen);
	put_le32(chunk + 8, (uint32_t)size);
	put_le32(chunk + 12, (uint32_t)crc32(0L, z, (uInt)zlen));
	write_all(fd, chunk, sizeof(chunk));
	write_all(fd, z, zlen);
	free(z);
}
#else
static void put_input(int fd, const uint8_t *data, size_t size)
{
	write_all(fd, data, size);
}
#endif

static void replay(const char *path, bool json)
{
	struct env env;

	cli__defaults(&env);
	env.mode = MODE_REPORT;
	env.input = path;
	env.output = "/dev/null";
	env.symfs = symfs;
	env.top = 0;
	env.events = !json;
	env.json = json;
	env.graphs[0].format = json ? GRAPH_JSON : GRAPH_DOT;
	env.graphs[0].file = "/dev/null";
	env.nr_graphs = 1;
	env.graph_collapse = json;
	env.threads = !json;
	env.folded_file = "/dev/null";
	env.flame_file = "/dev/null";
	env.timeline_file = "/dev/null";
	run_report(&env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("recording", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	put_input(fd, data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	replay(path, false);
	replay(path, true);
	close(fd);
	return 0;
}
