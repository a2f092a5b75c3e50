#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Seeds for fuzz_records: the raw records of each recording given (its
chunks inflated, cut at a record boundary to at most 32 KiB), one file each.
Usage: tests/fuzz/chunks.py OUTDIR RECORDING..."""
import os
import struct
import sys
import zlib

FILE_HDR, CHUNK_HDR, LIMIT = 32, 16, 32768


def records(data):
    off, raw = FILE_HDR, b""
    while off + CHUNK_HDR <= len(data) and len(raw) < LIMIT:
        _, zlen, _, _ = struct.unpack("<IIII", data[off:off + CHUNK_HDR])
        raw += zlib.decompress(data[off + CHUNK_HDR:off + CHUNK_HDR + zlen])
        off += CHUNK_HDR + zlen
    out, pos = b"", 0
    while pos + 4 <= len(raw):
        n = struct.unpack("<I", raw[pos:pos + 4])[0]
        if len(out) + 4 + n > LIMIT:
            break
        out += raw[pos:pos + 4 + n]
        pos += 4 + n
    return out


def main():
    outdir = sys.argv[1]
    for path in sys.argv[2:]:
        name = os.path.splitext(os.path.basename(path))[0] + ".bin"
        with open(path, "rb") as f, open(os.path.join(outdir, name), "wb") as o:
            o.write(records(f.read()))


if __name__ == "__main__":
    main()
