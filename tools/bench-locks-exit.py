#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""How long `ipctrace --locks` takes to attach its uprobes and, after Ctrl-C,
to print the final report and exit (removing the uprobes is most of it).

Each round starts an idle workload (`ipcwork idle`: processes holding a
pipe, a socketpair and a queue, that link glibc), attaches
`ipctrace -q --locks -p PARENT -p CHILD`, waits until it says it is tracing
(-v), sends SIGINT and times the exit.  Prints the median and the spread
of both, over the rounds.

Usage: sudo tools/bench-locks-exit.py [--build DIR] [--rounds N]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "ipcwork"))
from ipcwork_info import parse_info  # noqa: E402


def one_round(build):
    with tempfile.NamedTemporaryFile("r", prefix="ipcwork-", suffix=".info") as info:
        work = subprocess.Popen([os.path.join(build, "tools", "ipcwork"), "--info", info.name,
                                 "--wait-stdin", "idle", "60"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            lines = []
            for _ in range(500):
                info.seek(0)
                lines = parse_info(info.read())
                if any(i.get("event") == "ready" for i in lines):
                    break
                time.sleep(0.01)
            pids = sorted({i["pid"] for i in lines if "pid" in i})
            cmd = [os.path.join(build, "ipctrace"), "-q", "-v", "--locks"]
            for pid in pids:
                cmd += ["-p", pid]
            t0 = time.monotonic()
            tracer = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True)
            for line in tracer.stderr:
                if "ipctrace: tracing" in line:
                    break
            attach = time.monotonic() - t0
            time.sleep(0.5)
            t1 = time.monotonic()
            tracer.send_signal(signal.SIGINT)
            tracer.stderr.read()
            tracer.wait(timeout=60)
            leave = time.monotonic() - t1
            if tracer.returncode:
                sys.exit(f"ipctrace exited with {tracer.returncode}")
            return attach, leave
        finally:
            work.kill()
            work.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if os.geteuid():
        sys.exit("needs root (BPF)")
    res = [one_round(args.build) for _ in range(args.rounds)]
    for name, vals in (("attach", [r[0] for r in res]), ("exit after Ctrl-C", [r[1] for r in res])):
        print(f"{name:18s} median {statistics.median(vals):.3f} s  "
              f"(min {min(vals):.3f}, max {max(vals):.3f}, {len(vals)} rounds)")


if __name__ == "__main__":
    main()
