// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for recording files: round trips across many chunks, flush
 * boundaries, a file cut at every offset, every kind of corruption the
 * reader must name, random damage, and a crash (a copy of the file taken
 * while the writer is still open).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "ipctrace_abi.h"
#include "source/recfile.h"

#define HDR_SIZE	32
#define CHDR_SIZE	16

struct tmpfiles {
	char path[2][64];
};

static int setup_tmp(void **state)
{
	struct tmpfiles *tf = calloc(1, sizeof(*tf));

	if (!tf)
		return -1;
	for (int i = 0; i < 2; i++) {
		int fd;

		strcpy(tf->path[i], "/tmp/ipctrace-test-recfile-XXXXXX");
		fd = mkstemp(tf->path[i]);
		if (fd < 0)
			return -1;
		close(fd);
	}
	*state = tf;
	return 0;
}

static int teardown_tmp(void **state)
{
	struct tmpfiles *tf = *state;

	for (int i = 0; i < 2; i++)
		unlink(tf->path[i]);
	free(tf);
	return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Record i: a header naming i, then a pattern; sizes vary, a few are the maximum. */
static size_t make_record(unsigned char *buf, uint32_t i)
{
	struct ipc_hdr h = {
		.type = (uint16_t)(1 + i % 8), .pid = i, .tid = i + 1, .ts_ns = i * 1000ull,
	};
	size_t len = sizeof(h) + (i * 7919u) % 3000;

	if (i % 997 == 996)
		len = RECFILE_MAX_RECORD;
	memcpy(buf, &h, sizeof(h));
	for (size_t j = sizeof(h); j < len; j++)
		buf[j] = (unsigned char)(i * 31 + j * 7 + (j >> 5));
	return len;
}

static void check_record(const void *rec, size_t len, uint32_t i)
{
	static unsigned char want[RECFILE_MAX_RECORD];
	size_t wlen = make_record(want, i);

	assert_int_equal(len, wlen);
	assert_memory_equal(rec, want, len);
	/* Handed out aligned, so it can be read as a struct. */
	assert_int_equal((uintptr_t)rec % 8, 0);
	assert_int_equal(((const struct ipc_hdr *)rec)->ts_ns, i * 1000ull);
}

static void write_records(struct recfile_writer *w, uint32_t from, uint32_t to)
{
	static unsigned char buf[RECFILE_MAX_RECORD];

	for (uint32_t i = from; i < to; i++)
		assert_int_equal(recfile_writer__write(w, buf, make_record(buf, i)), 0);
}

/*
 * Read path to the end: the number of records (checked against
 * make_record(first + k)), and the final return code: 0 for a clean end,
 * the error otherwise (open failures as -errno), with its message in msg.
 */
static int read_all(const char *path, uint32_t first, uint32_t *nrec, char *msg, size_t msglen)
{
	struct recfile_reader *r;
	const void *rec;
	size_t len;
	int rc;

	*nrec = 0;
	msg[0] = '\0';
	r = recfile_reader__open(path, msg, msglen);
	if (!r)
		return -errno;
	while ((rc = recfile_reader__next(r, &rec, &len)) == 1) {
		check_record(rec, len, first + *nrec);
		(*nrec)++;
	}
	if (rc < 0) {
		snprintf(msg, msglen, "%s", recfile_reader__error(r));
		/* Errors are sticky. */
		assert_int_equal(recfile_reader__next(r, &rec, &len), rc);
	} else {
		/* So is the end. */
		assert_int_equal(recfile_reader__next(r, &rec, &len), 0);
	}
	recfile_reader__close(r);
	return rc;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Chunks of a well-formed file: count, and check each against the limits. */
static size_t count_chunks(const unsigned char *buf, size_t len, uint64_t *raw_total)
{
	size_t off = HDR_SIZE, n = 0;

	*raw_total = 0;
	while (off < len) {
		assert_true(off + CHDR_SIZE <= len);
		assert_int_equal(get32(buf + off), RECFILE_CHUNK_MAGIC);
		assert_true(get32(buf + off + 8) <= RECFILE_CHUNK_RAW);
		*raw_total += get32(buf + off + 8);
		off += CHDR_SIZE + get32(buf + off + 4);
		n++;
	}
	assert_int_equal(off, len);
	return n;
}

static void test_round_trip(void **state)
{
	struct tmpfiles *tf = *state;
	const uint32_t n = 5000;
	struct recfile_writer *w;
	uint64_t raw_total, want_raw = 0;
	unsigned char *buf;
	char msg[256];
	uint32_t got;
	size_t len, chunks;

	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	assert_int_equal(recfile_writer__bytes(w), HDR_SIZE);
	write_records(w, 0, n);
	assert_int_equal(recfile_writer__records(w), n);
	assert_int_equal(recfile_writer__close(w), 0);

	assert_int_equal(read_all(tf->path[0], 0, &got, msg, sizeof(msg)), 0);
	assert_int_equal(got, n);

	buf = slurp(tf->path[0], &len);
	assert_memory_equal(buf, RECFILE_MAGIC, 8);
	assert_int_equal(get32(buf + 8), RECFILE_VERSION);
	assert_int_equal(get32(buf + 12), IPC_ABI_VERSION);
	assert_int_equal(get32(buf + 16), HDR_SIZE);
	chunks = count_chunks(buf, len, &raw_total);
	for (uint32_t i = 0; i < n; i++) {
		static unsigned char rec[RECFILE_MAX_RECORD];

		want_raw += 4 + make_record(rec, i);
	}
	assert_int_equal(raw_total, want_raw);
	/* Chunks are filled: no more than one in excess of the minimum. */
	assert_true(chunks >= (want_raw + RECFILE_CHUNK_RAW - 1) / RECFILE_CHUNK_RAW);
	assert_true(chunks <= want_raw / (RECFILE_CHUNK_RAW - RECFILE_MAX_RECORD - 4) + 1);
	assert_true(chunks > 20);
	free(buf);
}

static void test_flush_boundaries(void **state)
{
	struct tmpfiles *tf = *state;
	struct recfile_writer *w;
	uint64_t b1, b2;
	unsigned char *buf;
	uint64_t raw_total;
	char msg[256];
	uint32_t got;
	size_t len;

	/* No records: just the header, which reads as an empty recording. */
	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	assert_int_equal(recfile_writer__flush(w), 0);
	assert_int_equal(recfile_writer__bytes(w), HDR_SIZE);
	assert_int_equal(recfile_writer__close(w), 0);
	assert_int_equal(read_all(tf->path[0], 0, &got, msg, sizeof(msg)), 0);
	assert_int_equal(got, 0);

	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	write_records(w, 0, 3);
	assert_int_equal(recfile_writer__bytes(w), HDR_SIZE);	/* still buffered */
	assert_int_equal(recfile_writer__flush(w), 0);
	b1 = recfile_writer__bytes(w);
	assert_true(b1 > HDR_SIZE + CHDR_SIZE);
	/* A flush with nothing new writes no empty chunk. */
	assert_int_equal(recfile_writer__flush(w), 0);
	assert_int_equal(recfile_writer__bytes(w), b1);
	write_records(w, 3, 4);
	assert_int_equal(recfile_writer__flush(w), 0);
	b2 = recfile_writer__bytes(w);
	assert_true(b2 > b1);
	assert_int_equal(recfile_writer__records(w), 4);
	assert_int_equal(recfile_writer__close(w), 0);

	buf = slurp(tf->path[0], &len);
	assert_int_equal(len, b2);
	assert_int_equal(count_chunks(buf, len, &raw_total), 2);
	free(buf);
	assert_int_equal(read_all(tf->path[0], 0, &got, msg, sizeof(msg)), 0);
	assert_int_equal(got, 4);
}

static void test_writer_rejects(void **state)
{
	struct tmpfiles *tf = *state;
	unsigned char buf[RECFILE_MAX_RECORD + 1] = { 0 };
	struct recfile_writer *w;

	errno = 0;
	assert_null(recfile_writer__open("/nonexistent-dir/x.rec", NULL, 0));
	assert_int_equal(errno, ENOENT);
	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	assert_int_equal(recfile_writer__write(w, buf, 0), -EINVAL);
	assert_int_equal(recfile_writer__write(w, buf, sizeof(struct ipc_hdr) - 1), -EINVAL);
	assert_int_equal(recfile_writer__write(w, buf, RECFILE_MAX_RECORD + 1), -EINVAL);
	assert_int_equal(recfile_writer__write(w, NULL, 100), -EINVAL);
	assert_int_equal(recfile_writer__records(w), 0);
	assert_int_equal(recfile_writer__write(w, buf, RECFILE_MAX_RECORD), 0);
	assert_int_equal(recfile_writer__write(w, buf, sizeof(struct ipc_hdr)), 0);
	assert_int_equal(recfile_writer__records(w), 2);
	assert_int_equal(recfile_writer__close(w), 0);
	assert_int_equal(recfile_writer__close(NULL), 0);
	recfile_reader__close(NULL);
}

/* A file cut anywhere: clean end at chunk boundaries, else an error naming the cut chunk. */
static void test_truncate_every_offset(void **state)
{
	struct tmpfiles *tf = *state;
	struct recfile_writer *w;
	uint64_t bound[4];
	uint32_t nrecs[4] = { 0, 3, 5, 6 };	/* records in the first k chunks */
	unsigned char *buf;
	size_t len;

	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	bound[0] = recfile_writer__bytes(w);
	for (int k = 1; k < 4; k++) {
		write_records(w, nrecs[k - 1], nrecs[k]);
		assert_int_equal(recfile_writer__flush(w), 0);
		bound[k] = recfile_writer__bytes(w);
	}
	assert_int_equal(recfile_writer__close(w), 0);
	buf = slurp(tf->path[0], &len);
	assert_int_equal(len, bound[3]);

	for (size_t cut = 0; cut <= len; cut++) {
		char msg[256], want[256];
		unsigned long long at;
		uint32_t got;
		int rc, k = 0;

		spit(tf->path[1], buf, cut);
		rc = read_all(tf->path[1], 0, &got, msg, sizeof(msg));
		if (cut < HDR_SIZE) {
			assert_int_equal(rc, -EBADMSG);
			snprintf(want, sizeof(want),
				 "truncated file header at offset 0: %zu of 32 bytes", cut);
			assert_string_equal(msg, want);
			continue;
		}
		while (k < 3 && bound[k + 1] <= cut)
			k++;
		assert_int_equal(got, nrecs[k]);
		if (cut == bound[k]) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, -EBADMSG);
		at = bound[k];
		if (cut - at < CHDR_SIZE)
			snprintf(want, sizeof(want),
				 "truncated chunk header at offset %llu: %llu of 16 bytes",
				 at, cut - at);
		else
			snprintf(want, sizeof(want),
				 "truncated chunk at offset %llu: %llu of %llu bytes",
				 at, cut - at, bound[k + 1] - at);
		assert_string_equal(msg, want);
	}
	free(buf);
}

/* A valid file header with the given versions. */
static void file_header(unsigned char *p, uint32_t version, uint32_t abi)
{
	memset(p, 0, HDR_SIZE);
	memcpy(p, RECFILE_MAGIC, 8);
	put32(p + 8, version);
	put32(p + 12, abi);
	put32(p + 16, HDR_SIZE);
}

static void expect_open_error(const char *path, const void *buf, size_t len, const char *want)
{
	char msg[256];
	uint32_t got;

	spit(path, buf, len);
	assert_int_equal(read_all(path, 0, &got, msg, sizeof(msg)), -EBADMSG);
	assert_string_equal(msg, want);
}

static void test_header_errors(void **state)
{
	struct tmpfiles *tf = *state;
	unsigned char h[HDR_SIZE];
	char msg[256];
	uint32_t got;

	file_header(h, RECFILE_VERSION, IPC_ABI_VERSION);
	h[3] = 'X';
	expect_open_error(tf->path[0], h, sizeof(h),
			  "bad magic at offset 0: not an ipctrace recording");
	file_header(h, 2, IPC_ABI_VERSION);
	expect_open_error(tf->path[0], h, sizeof(h),
			  "unsupported format version 2 at offset 8 "
			  "(this ipctrace reads version 1)");
	file_header(h, RECFILE_VERSION, IPC_ABI_VERSION + 6);
	snprintf(msg, sizeof(msg), "ABI version mismatch at offset 12: "
		 "recording has ABI version %d, this ipctrace reads ABI version %d",
		 IPC_ABI_VERSION + 6, IPC_ABI_VERSION);
	expect_open_error(tf->path[0], h, sizeof(h), msg);
	file_header(h, RECFILE_VERSION, IPC_ABI_VERSION);
	put32(h + 16, 64);
	expect_open_error(tf->path[0], h, sizeof(h),
			  "bad file header size 64 at offset 16 (expected 32)");
	/* A header alone is a valid, empty recording. */
	file_header(h, RECFILE_VERSION, IPC_ABI_VERSION);
	spit(tf->path[0], h, sizeof(h));
	assert_int_equal(read_all(tf->path[0], 0, &got, msg, sizeof(msg)), 0);
	assert_int_equal(got, 0);
	/* A missing file. */
	assert_int_equal(read_all("/nonexistent-dir/x.rec", 0, &got, msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg,
			    "failed to open /nonexistent-dir/x.rec: No such file or directory");
}

/*
 * Append a chunk holding raw (compressed for real), with claim_raw in the
 * header and extra bytes after the zlib stream; zdata, when not NULL, is
 * stored instead of a stream.  The CRC always matches, so the reader gets
 * past it to the deeper checks.
 */
static size_t put_chunk(unsigned char *out, const void *raw, size_t rawlen, uint32_t claim_raw,
			size_t extra, const void *zdata, size_t zdata_len)
{
	uLongf zlen = compressBound(rawlen);

	if (zdata) {
		zlen = zdata_len;
		memcpy(out + CHDR_SIZE, zdata, zlen);
	} else {
		assert_int_equal(compress2(out + CHDR_SIZE, &zlen, raw, rawlen, 6), Z_OK);
	}
	memset(out + CHDR_SIZE + zlen, 0xa5, extra);
	zlen += extra;
	put32(out, RECFILE_CHUNK_MAGIC);
	put32(out + 4, (uint32_t)zlen);
	put32(out + 8, claim_raw);
	put32(out + 12, (uint32_t)crc32(0, out + CHDR_SIZE, (uInt)zlen));
	return CHDR_SIZE + zlen;
}

/* Raw bytes of records from..to-1 (length-prefixed). */
static size_t raw_records(unsigned char *raw, uint32_t from, uint32_t to)
{
	size_t off = 0;

	for (uint32_t i = from; i < to; i++) {
		size_t len = make_record(raw + off + 4, i);

		put32(raw + off, (uint32_t)len);
		off += 4 + len;
	}
	return off;
}

/*
 * File: header, a good chunk with records 0..1, then a chunk built from
 * raw/rawlen as put_chunk() does.  Reads it, expecting nrec records (the
 * bad chunk may start with record 2) and then -EBADMSG; the message goes to
 * msg.  Returns the bad chunk's offset.
 */
static unsigned long long chunk_error(const char *path, const void *raw, size_t rawlen,
				      uint32_t claim_raw, size_t extra, const void *zdata,
				      size_t zdata_len, uint32_t nrec, char *msg, size_t msglen)
{
	static unsigned char file[2 * RECFILE_CHUNK_RAW];
	static unsigned char good[RECFILE_CHUNK_RAW];
	size_t off = HDR_SIZE, bad_off, glen = raw_records(good, 0, 2);
	uint32_t got;

	file_header(file, RECFILE_VERSION, IPC_ABI_VERSION);
	off += put_chunk(file + off, good, glen, (uint32_t)glen, 0, NULL, 0);
	bad_off = off;
	off += put_chunk(file + off, raw, rawlen, claim_raw, extra, zdata, zdata_len);
	spit(path, file, off);
	assert_int_equal(read_all(path, 0, &got, msg, msglen), -EBADMSG);
	assert_int_equal(got, nrec);
	return bad_off;
}

static void test_chunk_errors(void **state)
{
	const char *p = ((struct tmpfiles *)*state)->path[0];
	static unsigned char raw[RECFILE_CHUNK_RAW];
	size_t n = raw_records(raw, 2, 5);
	char msg[256], want[256];
	unsigned long long at;

	at = chunk_error(p, raw, n, (uint32_t)n, 0, "this is not zlib", 16, 2, msg, sizeof(msg));
	snprintf(want, sizeof(want),
		 "corrupt chunk at offset %llu: zlib failure: incorrect header check", at);
	assert_string_equal(msg, want);

	at = chunk_error(p, raw, n, (uint32_t)n + 1, 0, NULL, 0, 2, msg, sizeof(msg));
	snprintf(want, sizeof(want), "corrupt chunk at offset %llu: raw length mismatch "
		 "(header says %zu, data has %zu)", at, n + 1, n);
	assert_string_equal(msg, want);

	at = chunk_error(p, raw, n, (uint32_t)n - 1, 0, NULL, 0, 2, msg, sizeof(msg));
	snprintf(want, sizeof(want), "corrupt chunk at offset %llu: raw length mismatch "
		 "(header says %zu, data has more)", at, n - 1);
	assert_string_equal(msg, want);

	at = chunk_error(p, raw, n, RECFILE_CHUNK_RAW + 1, 0, NULL, 0, 2, msg, sizeof(msg));
	snprintf(want, sizeof(want), "corrupt chunk at offset %llu: raw length 262145 out of range "
		 "(1 to 262144)", at);
	assert_string_equal(msg, want);

	at = chunk_error(p, raw, n, 0, 0, NULL, 0, 2, msg, sizeof(msg));
	snprintf(want, sizeof(want),
		 "corrupt chunk at offset %llu: raw length 0 out of range (1 to 262144)", at);
	assert_string_equal(msg, want);

	at = chunk_error(p, raw, n, (uint32_t)n, 3, NULL, 0, 2, msg, sizeof(msg));
	snprintf(want, sizeof(want),
		 "corrupt chunk at offset %llu: 3 bytes after the zlib stream", at);
	assert_string_equal(msg, want);

	/* A zlib stream cut short inside a chunk whose framing is intact. */
	{
		unsigned char z[512];
		uLongf zlen = sizeof(z);

		assert_int_equal(compress2(z, &zlen, raw, 200, 6), Z_OK);
		assert_true(zlen > 20);
		at = chunk_error(p, raw, n, 200, 0, z, 20, 2, msg, sizeof(msg));
		snprintf(want, sizeof(want),
			 "corrupt chunk at offset %llu: zlib failure: stream ends early", at);
		assert_string_equal(msg, want);
	}
}

/* Damage to a real chunk's header or body. */
static void test_chunk_damage(void **state)
{
	struct tmpfiles *tf = *state;
	struct recfile_writer *w;
	uint64_t second;
	unsigned char *buf;
	char msg[256], want[256];
	uint32_t got;
	size_t len;

	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	write_records(w, 0, 4);
	assert_int_equal(recfile_writer__flush(w), 0);
	second = recfile_writer__bytes(w);
	write_records(w, 4, 8);
	assert_int_equal(recfile_writer__close(w), 0);
	buf = slurp(tf->path[0], &len);

	/* One flipped bit in the compressed bytes. */
	buf[second + CHDR_SIZE + 10] ^= 0x10;
	spit(tf->path[1], buf, len);
	assert_int_equal(read_all(tf->path[1], 0, &got, msg, sizeof(msg)), -EBADMSG);
	assert_int_equal(got, 4);
	snprintf(want, sizeof(want), "corrupt chunk at offset %llu: CRC mismatch",
		 (unsigned long long)second);
	assert_memory_equal(msg, want, strlen(want));
	buf[second + CHDR_SIZE + 10] ^= 0x10;

	/* Bad chunk magic. */
	buf[second] = 'Z';
	spit(tf->path[1], buf, len);
	assert_int_equal(read_all(tf->path[1], 0, &got, msg, sizeof(msg)), -EBADMSG);
	snprintf(want, sizeof(want), "corrupt chunk at offset %llu: bad chunk magic 0x4b43505a",
		 (unsigned long long)second);
	assert_string_equal(msg, want);
	buf[second] = 'I';

	/* A huge compressed length is refused before anything is read or allocated. */
	put32(buf + second + 4, 0xffffffffu);
	spit(tf->path[1], buf, len);
	assert_int_equal(read_all(tf->path[1], 0, &got, msg, sizeof(msg)), -EBADMSG);
	snprintf(want, sizeof(want), "corrupt chunk at offset %llu: compressed length 4294967295 "
		 "out of range (1 to %lu)", (unsigned long long)second,
		 (unsigned long)compressBound(RECFILE_CHUNK_RAW));
	assert_string_equal(msg, want);
	free(buf);
}

/*
 * A chunk holding record 2, then a bad record (rawlen bytes in all): the
 * reader hands out records 0..2 and then names the bad one's place.
 */
static void expect_record_error(const char *path, const unsigned char *raw, size_t rawlen,
				size_t bad_at, const char *why)
{
	char msg[256], want[256];
	unsigned long long at;

	at = chunk_error(path, raw, rawlen, (uint32_t)rawlen, 0, NULL, 0, 3, msg, sizeof(msg));
	snprintf(want, sizeof(want),
		 "corrupt record in chunk at offset %llu, at byte %zu of the chunk: %s",
		 at, bad_at, why);
	assert_string_equal(msg, want);
}

static void test_record_errors(void **state)
{
	const char *p = ((struct tmpfiles *)*state)->path[0];
	static unsigned char raw[RECFILE_CHUNK_RAW];
	size_t n = raw_records(raw, 2, 3);

	memset(raw + n, 0, RECFILE_MAX_RECORD + 8);
	put32(raw + n, 0);
	expect_record_error(p, raw, n + 84, n, "zero record length");
	put32(raw + n, 81);
	expect_record_error(p, raw, n + 84, n,
			    "record length 81 overruns the chunk (80 bytes left)");
	put32(raw + n, 63);
	expect_record_error(p, raw, n + 84, n,
			    "record length 63 shorter than a record header (64)");
	expect_record_error(p, raw, n + 3, n, "length field cut short (3 bytes left)");
	put32(raw + n, RECFILE_MAX_RECORD + 1);
	expect_record_error(p, raw, n + 5 + RECFILE_MAX_RECORD, n,
			    "record length 65537 over the limit of 65536");
}

/*
 * Random damage: nothing may crash (ASan watches), and every outcome is a
 * clean end or an error that names an offset.
 */
static void test_random_damage(void **state)
{
	struct tmpfiles *tf = *state;
	static unsigned char raw[RECFILE_CHUNK_RAW], file[2 * RECFILE_CHUNK_RAW];
	struct recfile_writer *w;
	uint64_t seed = 12345;
	unsigned char *buf;
	size_t len;

	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	write_records(w, 0, 20);
	assert_int_equal(recfile_writer__close(w), 0);
	buf = slurp(tf->path[0], &len);
	for (int iter = 0; iter < 300; iter++) {
		struct recfile_reader *r;
		const void *rec;
		size_t rlen, rawlen, off;
		int rc;

		/* Half the time damage the file; else a well-framed chunk of random records. */
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		if (iter % 2) {
			memcpy(file, buf, len);
			for (int k = 0; k < 4; k++)
				file[(seed >> (k * 16)) % len] ^= (unsigned char)(seed >> 40 | 1);
			off = len;
		} else {
			rawlen = 1 + (seed >> 33) % 4096;
			for (size_t i = 0; i < rawlen; i++)
				raw[i] = (unsigned char)(seed >> (i % 50) & (i % 3 ? 0x0f : 0xff));
			file_header(file, RECFILE_VERSION, IPC_ABI_VERSION);
			off = HDR_SIZE + put_chunk(file + HDR_SIZE, raw, rawlen,
						   (uint32_t)rawlen, 0, NULL, 0);
		}
		spit(tf->path[1], file, off);
		r = recfile_reader__open(tf->path[1], NULL, 0);
		if (!r)
			continue;	/* header damage: covered by exact tests above */
		while ((rc = recfile_reader__next(r, &rec, &rlen)) == 1)
			assert_true(rlen >= sizeof(struct ipc_hdr) && rlen <= RECFILE_MAX_RECORD);
		if (rc)
			assert_non_null(strstr(recfile_reader__error(r), "at offset "));
		recfile_reader__close(r);
	}
	free(buf);
}

/* A crash: what is on disk while the writer is still open must read cleanly. */
static void test_crash_copy(void **state)
{
	struct tmpfiles *tf = *state;
	struct recfile_writer *w;
	unsigned char *buf;
	char msg[256];
	uint32_t got;
	size_t len;

	w = recfile_writer__open(tf->path[0], NULL, 0);
	assert_non_null(w);
	write_records(w, 0, 100);
	assert_int_equal(recfile_writer__flush(w), 0);
	write_records(w, 100, 130);	/* buffered, never flushed before the "crash" */

	buf = slurp(tf->path[0], &len);
	assert_int_equal(len, recfile_writer__bytes(w));
	spit(tf->path[1], buf, len);
	free(buf);
	assert_int_equal(read_all(tf->path[1], 0, &got, msg, sizeof(msg)), 0);
	assert_int_equal(got, 100);

	/* Filling a chunk writes it out without a flush: still whole chunks only. */
	write_records(w, 130, 400);
	buf = slurp(tf->path[0], &len);
	spit(tf->path[1], buf, len);
	free(buf);
	assert_int_equal(read_all(tf->path[1], 0, &got, msg, sizeof(msg)), 0);
	assert_true(got > 130 && got < 400);
	assert_int_equal(recfile_writer__close(w), 0);
	assert_int_equal(read_all(tf->path[0], 0, &got, msg, sizeof(msg)), 0);
	assert_int_equal(got, 400);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_tmp, teardown_tmp)
	const struct CMUnitTest tests[] = {
		T(test_round_trip),
		T(test_flush_boundaries),
		T(test_writer_rejects),
		T(test_truncate_every_offset),
		T(test_header_errors),
		T(test_chunk_errors),
		T(test_chunk_damage),
		T(test_record_errors),
		T(test_random_damage),
		T(test_crash_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
