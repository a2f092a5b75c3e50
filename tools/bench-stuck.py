#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""How long `ipctrace stuck` takes to answer, on hung processes of growing size.

For each size N, `hang threads N` is started (N threads: two in an AB-BA
deadlock, the others queued on one of its mutexes, built -O2 without frame
pointers; the main thread waits in pause), then `ipctrace stuck -p PID` runs
ROUNDS times; the wall time of
each run (start to exit: load, snapshot, two looks, report) is measured
here.  Reports the median and the worst, and checks every run found the
deadlock (exit status 3) with every thread listed.

Usage: sudo tools/bench-stuck.py [--build DIR] [--rounds N] [--sizes 10,100,1000]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--sizes", default="10,100,1000")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("bench-stuck: needs root (loads BPF programs)", file=sys.stderr)
        return 1
    ipctrace = os.path.join(args.build, "ipctrace")
    print(f"ipctrace stuck, {time.strftime('%Y-%m-%d %H:%M')}, {os.uname().release}, "
          f"{os.cpu_count()} CPUs, {args.rounds} rounds")
    for n in (int(x) for x in args.sizes.split(",")):
        hang = subprocess.Popen([os.path.join(args.build, "tools", "hang"), "threads", str(n)],
                                stdout=subprocess.PIPE, text=True, start_new_session=True)
        try:
            line = hang.stdout.readline()
            pid = int(line.split("pid=")[1].split()[0])
            times = []
            for _ in range(args.rounds):
                t0 = time.monotonic()
                r = subprocess.run([ipctrace, "stuck", "--json", "--top", "0", "-p", str(pid)],
                                   capture_output=True, text=True, timeout=60)
                times.append(time.monotonic() - t0)
                doc = json.loads(r.stdout)
                if r.returncode != 3 or len(doc["blocked"]) != n + 1 or len(doc["deadlocks"]) != 1:
                    print(f"  {n} threads: wrong answer (exit {r.returncode}, "
                          f"{len(doc['blocked'])} blocked)", file=sys.stderr)
                    return 1
            print(f"  {n:5d} threads: median {statistics.median(times) * 1000:7.1f} ms, "
                  f"worst {max(times) * 1000:7.1f} ms (deadlock found, {n + 1} threads listed)")
        finally:
            os.killpg(hang.pid, signal.SIGKILL)
            hang.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
