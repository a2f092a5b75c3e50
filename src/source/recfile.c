// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Recording files: see recfile.h for the layout.
 *
 * The writer keeps one chunk of raw records in memory and writes a finished
 * chunk (header and compressed bytes together) with a single write(2), so a
 * reader of a file cut at any point sees whole chunks and then, at most, one
 * partial chunk that it reports as truncated.
 *
 * The reader treats the file as hostile: every length is checked against a
 * fixed limit before it is used, buffers are allocated once at open with
 * sizes from those limits (never from the file), and each error names the
 * file offset where it was found.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "ipctrace_abi.h"
#include "lib/safefile.h"
#include "source/recfile.h"

#define FILE_HDR_SIZE	32
#define CHUNK_HDR_SIZE	16
#define REC_LEN_SIZE	4
/* Speed over ratio: the writer runs inside the live collector. */
#define ZLEVEL		Z_BEST_SPEED

struct recfile_writer {
	int fd;
	int err;		/* first failure; the file is not extended after one */
	unsigned char *raw;	/* RECFILE_CHUNK_RAW bytes of records */
	size_t raw_len;
	unsigned char *out;	/* chunk header + compressed bytes */
	size_t out_cap;
	uint64_t records;
	uint64_t bytes;		/* file size: header and finished chunks */
};

struct recfile_reader {
	int fd;
	int err;		/* sticky: after a corrupt chunk nothing is trusted */
	uint64_t off;		/* file offset of the next chunk */
	uint64_t chunk_off;	/* file offset of the current chunk */
	unsigned char *zbuf;	/* compressed bytes of one chunk */
	size_t zcap;
	unsigned char *raw;	/* records of the current chunk */
	size_t raw_len;
	size_t pos;		/* next record in raw */
	void *rec;		/* aligned copy of the record handed out */
	z_stream zs;
	bool zs_ready;
	char msg[256];
};

static void put_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Biggest zlib stream a valid chunk can hold. */
static size_t chunk_zmax(void)
{
	return compressBound(RECFILE_CHUNK_RAW);
}

/* Write all of buf: one write(2) unless the kernel takes less.  0 or -errno. */
static int write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Bytes read (less than len only at end of file), or -errno.  -EINTR too:
 * a recording on a pipe may never end, and Ctrl-C must still stop report.
 */
static ssize_t read_full(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int writer__put_header(struct recfile_writer *w)
{
	unsigned char hdr[FILE_HDR_SIZE] = { 0 };
	struct timespec ts;
	uint64_t now = 0;

	if (!clock_gettime(CLOCK_REALTIME, &ts))
		now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	memcpy(hdr, RECFILE_MAGIC, 8);
	put_le32(hdr + 8, RECFILE_VERSION);
	put_le32(hdr + 12, IPC_ABI_VERSION);
	put_le32(hdr + 16, FILE_HDR_SIZE);
	put_le32(hdr + 20, 0);
	put_le64(hdr + 24, now);
	return write_all(w->fd, hdr, sizeof(hdr));
}

static void writer__destroy(struct recfile_writer *w)
{
	free(w->raw);
	free(w->out);
	free(w);
}

struct recfile_writer *recfile_writer__open(const char *path, char *why, size_t whylen)
{
	struct recfile_writer *w;
	char dummy[8];
	int err;

	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	w->out_cap = CHUNK_HDR_SIZE + chunk_zmax();
	w->raw = malloc(RECFILE_CHUNK_RAW);
	w->out = malloc(w->out_cap);
	if (!w->raw || !w->out) {
		err = -ENOMEM;
		goto err_free;
	}
	if (!why || !whylen) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	w->fd = safefile__create(path, RECORDING_MODE, why, whylen);
	if (w->fd < 0) {
		err = w->fd;
		goto err_free;
	}
	err = writer__put_header(w);
	if (err)
		goto err_close;
	w->bytes = FILE_HDR_SIZE;
	return w;

err_close:
	close(w->fd);
err_free:
	writer__destroy(w);
	errno = -err;
	return NULL;
}

int recfile_writer__flush(struct recfile_writer *w)
{
	uLongf zlen = (uLongf)(w->out_cap - CHUNK_HDR_SIZE);
	unsigned char *z = w->out + CHUNK_HDR_SIZE;
	int rc, err;

	if (w->err)
		return w->err;
	if (!w->raw_len)
		return 0;
	rc = compress2(z, &zlen, w->raw, (uLong)w->raw_len, ZLEVEL);
	if (rc != Z_OK) {
		w->err = rc == Z_MEM_ERROR ? -ENOMEM : -EIO;
		return w->err;
	}
	put_le32(w->out, RECFILE_CHUNK_MAGIC);
	put_le32(w->out + 4, (uint32_t)zlen);
	put_le32(w->out + 8, (uint32_t)w->raw_len);
	put_le32(w->out + 12, (uint32_t)crc32(0L, z, (uInt)zlen));
	err = write_all(w->fd, w->out, CHUNK_HDR_SIZE + zlen);
	if (err) {
		/*
		 * Drop a partly written chunk (best effort) so the file still
		 * ends cleanly at the last whole chunk.
		 */
		if (ftruncate(w->fd, (off_t)w->bytes)) {
			/* Nothing more to do: the reader reports the cut chunk. */
		}
		w->err = err;
		return err;
	}
	w->bytes += CHUNK_HDR_SIZE + zlen;
	w->raw_len = 0;
	return 0;
}

int recfile_writer__write(struct recfile_writer *w, const void *rec, size_t len)
{
	int err;

	if (!rec || len < sizeof(struct ipc_hdr) || len > RECFILE_MAX_RECORD)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (w->raw_len + REC_LEN_SIZE + len > RECFILE_CHUNK_RAW) {
		err = recfile_writer__flush(w);
		if (err)
			return err;
	}
	put_le32(w->raw + w->raw_len, (uint32_t)len);
	memcpy(w->raw + w->raw_len + REC_LEN_SIZE, rec, len);
	w->raw_len += REC_LEN_SIZE + len;
	w->records++;
	return 0;
}

int recfile_writer__close(struct recfile_writer *w)
{
	int err;

	if (!w)
		return 0;
	err = recfile_writer__flush(w);
	if (close(w->fd) && !err)
		err = -errno;
	writer__destroy(w);
	return err;
}

uint64_t recfile_writer__records(const struct recfile_writer *w)
{
	return w->records;
}

uint64_t recfile_writer__bytes(const struct recfile_writer *w)
{
	return w->bytes;
}

/* Reader */

__attribute__((format(printf, 3, 4)))
static int reader__fail(struct recfile_reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

static int reader__check_header(struct recfile_reader *r)
{
	unsigned char hdr[FILE_HDR_SIZE];
	uint32_t version, abi, size;
	ssize_t n;

	n = read_full(r->fd, hdr, sizeof(hdr));
	if (n < 0)
		return reader__fail(r, (int)n, "failed to read file header at offset 0: %s",
				    strerror((int)-n));
	if (n < FILE_HDR_SIZE)
		return reader__fail(r, -EBADMSG,
				    "truncated file header at offset 0: %zd of %d bytes",
				    n, FILE_HDR_SIZE);
	if (memcmp(hdr, RECFILE_MAGIC, 8))
		return reader__fail(r, -EBADMSG,
				    "bad magic at offset 0: not an ipctrace recording");
	version = get_le32(hdr + 8);
	if (version != RECFILE_VERSION)
		return reader__fail(r, -EBADMSG,
				    "unsupported format version %" PRIu32
				    " at offset 8 (this ipctrace reads version %d)",
				    version, RECFILE_VERSION);
	abi = get_le32(hdr + 12);
	if (abi != IPC_ABI_VERSION)
		return reader__fail(r, -EBADMSG,
				    "ABI version mismatch at offset 12: recording has ABI version %"
				    PRIu32 ", this ipctrace reads ABI version %d",
				    abi, IPC_ABI_VERSION);
	size = get_le32(hdr + 16);
	if (size != FILE_HDR_SIZE)
		return reader__fail(r, -EBADMSG,
				    "bad file header size %" PRIu32 " at offset 16 (expected %d)",
				    size, FILE_HDR_SIZE);
	r->off = FILE_HDR_SIZE;
	return 0;
}

static int reader__alloc(struct recfile_reader *r)
{
	r->zcap = chunk_zmax();
	r->zbuf = malloc(r->zcap);
	r->raw = malloc(RECFILE_CHUNK_RAW);
	r->rec = malloc(RECFILE_MAX_RECORD);
	if (!r->zbuf || !r->raw || !r->rec)
		return reader__fail(r, -ENOMEM, "failed to allocate reader buffers");
	if (inflateInit(&r->zs) != Z_OK)
		return reader__fail(r, -ENOMEM, "failed to initialize zlib");
	r->zs_ready = true;
	return 0;
}

struct recfile_reader *recfile_reader__open(const char *path, char *err, size_t errlen)
{
	struct recfile_reader *r;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r) {
		if (err && errlen)
			snprintf(err, errlen, "failed to allocate reader");
		errno = ENOMEM;
		return NULL;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		rc = -errno;
		reader__fail(r, rc, "failed to open %s: %s", path, strerror(-rc));
		goto err_out;
	}
	rc = reader__alloc(r);
	if (!rc)
		rc = reader__check_header(r);
	if (rc)
		goto err_out;
	return r;

err_out:
	if (err && errlen)
		snprintf(err, errlen, "%s", r->msg);
	recfile_reader__close(r);
	errno = -rc;
	return NULL;
}

/* Inflate r->zbuf (zlen bytes) into r->raw, which must come out exactly raw bytes long. */
static int reader__inflate(struct recfile_reader *r, uint32_t zlen, uint32_t raw)
{
	unsigned long long at = r->chunk_off;
	int zrc;

	inflateReset(&r->zs);
	r->zs.next_in = r->zbuf;
	r->zs.avail_in = zlen;
	r->zs.next_out = r->raw;
	r->zs.avail_out = raw;
	zrc = inflate(&r->zs, Z_FINISH);
	if (zrc == Z_STREAM_END) {
		if (r->zs.avail_out)
			return reader__fail(r, -EBADMSG,
					    "corrupt chunk at offset %llu: raw length mismatch "
					    "(header says %" PRIu32 ", data has %" PRIu32 ")",
					    at, raw, raw - r->zs.avail_out);
		if (r->zs.avail_in)
			return reader__fail(r, -EBADMSG, "corrupt chunk at offset %llu: "
					    "%u bytes after the zlib stream", at, r->zs.avail_in);
		return 0;
	}
	if (zrc == Z_BUF_ERROR && !r->zs.avail_out && r->zs.avail_in)
		return reader__fail(r, -EBADMSG,
				    "corrupt chunk at offset %llu: raw length mismatch "
				    "(header says %" PRIu32 ", data has more)", at, raw);
	if (zrc == Z_BUF_ERROR)
		return reader__fail(r, -EBADMSG, "corrupt chunk at offset %llu: "
				    "zlib failure: stream ends early", at);
	return reader__fail(r, -EBADMSG, "corrupt chunk at offset %llu: zlib failure: %s", at,
			    r->zs.msg ? r->zs.msg : zError(zrc));
}

struct chunk_hdr {
	uint32_t zlen;		/* compressed bytes after the header */
	uint32_t raw;		/* bytes they inflate to */
	uint32_t crc;		/* CRC-32 of the compressed bytes */
};

/* Read and check the chunk header at r->off: 1, 0 at a clean end, or -errno. */
static int reader__chunk_header(struct recfile_reader *r, struct chunk_hdr *ch)
{
	unsigned long long at = r->off;
	unsigned char hdr[CHUNK_HDR_SIZE];
	uint32_t magic;
	ssize_t n;

	n = read_full(r->fd, hdr, sizeof(hdr));
	if (n < 0)
		return reader__fail(r, (int)n, "failed to read chunk at offset %llu: %s", at,
				    strerror((int)-n));
	if (n == 0)
		return 0;
	if (n < CHUNK_HDR_SIZE)
		return reader__fail(r, -EBADMSG,
				    "truncated chunk header at offset %llu: %zd of %d bytes",
				    at, n, CHUNK_HDR_SIZE);
	magic = get_le32(hdr);
	ch->zlen = get_le32(hdr + 4);
	ch->raw = get_le32(hdr + 8);
	ch->crc = get_le32(hdr + 12);
	if (magic != RECFILE_CHUNK_MAGIC)
		return reader__fail(r, -EBADMSG,
				    "corrupt chunk at offset %llu: bad chunk magic 0x%08" PRIx32,
				    at, magic);
	if (ch->raw == 0 || ch->raw > RECFILE_CHUNK_RAW)
		return reader__fail(r, -EBADMSG,
				    "corrupt chunk at offset %llu: raw length %" PRIu32
				    " out of range (1 to %d)", at, ch->raw, RECFILE_CHUNK_RAW);
	if (ch->zlen == 0 || ch->zlen > r->zcap)
		return reader__fail(r, -EBADMSG,
				    "corrupt chunk at offset %llu: compressed length %" PRIu32
				    " out of range (1 to %zu)", at, ch->zlen, r->zcap);
	r->chunk_off = at;
	return 1;
}

/* Load the next chunk: 1, 0 at a clean end of file, or -errno. */
static int reader__load_chunk(struct recfile_reader *r)
{
	unsigned long long at;
	struct chunk_hdr ch = { 0 };
	uint32_t crc;
	ssize_t n;
	int rc;

	rc = reader__chunk_header(r, &ch);
	if (rc <= 0)
		return rc;
	at = r->chunk_off;
	n = read_full(r->fd, r->zbuf, ch.zlen);
	if (n < 0)
		return reader__fail(r, (int)n, "failed to read chunk at offset %llu: %s", at,
				    strerror((int)-n));
	if ((size_t)n < ch.zlen)
		return reader__fail(r, -EBADMSG,
				    "truncated chunk at offset %llu: %zd of %" PRIu32 " bytes",
				    at, CHUNK_HDR_SIZE + n, CHUNK_HDR_SIZE + ch.zlen);
	crc = (uint32_t)crc32(0L, r->zbuf, ch.zlen);
	if (crc != ch.crc)
		return reader__fail(r, -EBADMSG, "corrupt chunk at offset %llu: CRC mismatch "
				    "(stored 0x%08" PRIx32 ", computed 0x%08" PRIx32 ")",
				    at, ch.crc, crc);
	rc = reader__inflate(r, ch.zlen, ch.raw);
	if (rc)
		return rc;
	r->off = at + CHUNK_HDR_SIZE + ch.zlen;
	r->raw_len = ch.raw;
	r->pos = 0;
	return 1;
}

__attribute__((format(printf, 2, 3)))
static int reader__bad_record(struct recfile_reader *r, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return reader__fail(r, -EBADMSG,
			    "corrupt record in chunk at offset %llu, at byte %zu of the chunk: %s",
			    (unsigned long long)r->chunk_off, r->pos, why);
}

/* Hand out the record at r->pos: 1 or -EBADMSG. */
static int reader__record(struct recfile_reader *r, const void **rec, size_t *len)
{
	size_t left = r->raw_len - r->pos;
	uint32_t n;

	if (left < REC_LEN_SIZE)
		return reader__bad_record(r, "length field cut short (%zu bytes left)", left);
	n = get_le32(r->raw + r->pos);
	left -= REC_LEN_SIZE;
	if (n == 0)
		return reader__bad_record(r, "zero record length");
	if (n > left)
		return reader__bad_record(r, "record length %" PRIu32
					  " overruns the chunk (%zu bytes left)", n, left);
	if (n > RECFILE_MAX_RECORD)
		return reader__bad_record(r, "record length %" PRIu32 " over the limit of %d",
					  n, RECFILE_MAX_RECORD);
	if (n < sizeof(struct ipc_hdr))
		return reader__bad_record(r, "record length %" PRIu32
					  " shorter than a record header (%zu)",
					  n, sizeof(struct ipc_hdr));
	/* Records sit at 4 mod 8 in the chunk: copy so callers get aligned structs. */
	memcpy(r->rec, r->raw + r->pos + REC_LEN_SIZE, n);
	r->pos += REC_LEN_SIZE + n;
	*rec = r->rec;
	*len = n;
	return 1;
}

int recfile_reader__next(struct recfile_reader *r, const void **rec, size_t *len)
{
	int rc;

	if (r->err)
		return r->err;
	while (r->pos >= r->raw_len) {
		rc = reader__load_chunk(r);
		if (rc <= 0)
			return rc;
	}
	return reader__record(r, rec, len);
}

int recfile_reader__fd(const struct recfile_reader *r)
{
	return r->fd;
}

const char *recfile_reader__error(const struct recfile_reader *r)
{
	return r->msg[0] ? r->msg : "no error";
}

void recfile_reader__close(struct recfile_reader *r)
{
	if (!r)
		return;
	if (r->zs_ready)
		inflateEnd(&r->zs);
	if (r->fd >= 0)
		close(r->fd);
	free(r->zbuf);
	free(r->raw);
	free(r->rec);
	free(r);
}
