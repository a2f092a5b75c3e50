# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""ipcwork's info lines, parsed: shared by the integration tests and the
benchmark scripts."""


def parse_info(text, prefix="ipcwork: "):
    """`ipcwork: [EVENT] key=value ...` lines into dicts; the bare word (ready,
    done, accepted...) is the value of key 'event'.  racework's lines start
    with "racework: " instead (prefix)."""
    out = []
    for line in text.splitlines():
        if not line.startswith(prefix):
            continue
        d = {}
        for tok in line[len(prefix):].split():
            k, sep, v = tok.partition("=")
            if sep:
                d[k] = v
            else:
                d["event"] = tok
        out.append(d)
    return out
