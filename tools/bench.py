#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Overhead of ipctrace on its own workloads, as ratios measured in one run.

For each workload (a 64-byte pipe ping-pong between two processes, and a
mutex contended by 4 threads), runs alternate between:
  untraced     the workload alone
  summary      under `ipctrace -p PIDS` (live summary to /dev/null)
  json         under `ipctrace --json -p PIDS > /dev/null` (every event)
The workload waits (--wait-stdin) until the tracer is attached, and times
itself from the go signal to the end (elapsed_ns of its done line), so
loading the probes is not counted.  The ping-pong is pinned to CPU 0
(`taskset -c 0`), as cross-CPU wakeups in a VM are slow and noisy, and
ipctrace to CPU 1; the mutex workload runs on every CPU, since threads that
take turns on one CPU never contend.  Reports median times, ratios to untraced,
the events each traced run saw, drops, and events per second sustained.

With --before DIR (another build, e.g. of the previous commit), the traced
modes also run with that build's ipctrace, alternating with this one's in
the same rounds: the ratios before and after a change, measured together.

Usage: sudo tools/bench.py [--build DIR] [--before DIR] [--rounds N] [--count N]
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "ipcwork"))
from ipcwork_info import parse_info  # noqa: E402  (shared with the tests)


def start_workload(build, args, pin):
    info = tempfile.NamedTemporaryFile("r", prefix="bench-", suffix=".info")
    cmd = (["taskset", "-c", "0"] if pin else []) + \
        [os.path.join(build, "tools", "ipcwork"), "--info", info.name, "--wait-stdin"] + args
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        info.seek(0)
        lines = parse_info(info.read())
        if any(l.get("event") == "ready" for l in lines):
            return proc, info, lines
        time.sleep(0.01)
    proc.kill()
    raise RuntimeError(f"workload not ready: {cmd}")


BEFORE = None     # --before: the other build's directory


def one_run(build, workload, mode, pin):
    """Elapsed ns of one workload run, and what the tracer saw (events, lost)."""
    proc, info, lines = start_workload(build, workload, pin)
    pids = sorted({l["pid"] for l in lines if "pid" in l})
    tracer = out = None
    if mode != "untraced":
        binary = os.path.join(BEFORE if mode.endswith("_before") else build, "ipctrace")
        # a pinned workload gets the other CPU for the collector
        cmd = (["taskset", "-c", "1"] if pin else []) + [binary, "-p", ",".join(pids)]
        cmd += ["--json"] if mode.startswith("json") else []
        out = tempfile.TemporaryFile("w+")
        tracer = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, text=True)
        time.sleep(1.0)             # probes load and attach
    proc.stdin.write("go\n")
    proc.stdin.flush()
    proc.wait(timeout=600)
    info.seek(0)
    lines = parse_info(info.read())
    elapsed = max(int(l["elapsed_ns"]) for l in lines
                  if l.get("event") == "done" and "elapsed_ns" in l)
    if not tracer:
        return elapsed, None
    tracer.wait(timeout=60)         # the targets exited: it reports and stops
    out.seek(0)
    return elapsed, final_counts(out.read(), mode)


def final_counts(text, mode):
    if mode.startswith("json"):
        s = json.loads(text.strip().splitlines()[-1])
        return s["events"], s["lost"]["ringbuf_full"] + s["lost"]["inflight_full"]
    m = re.findall(r"events: (\d+)  lost: (\d+)", text)
    return int(m[-1][0]), int(m[-1][1])


def measure(build, name, workload, rounds, pin):
    modes = ["untraced", "summary", "json"]
    if BEFORE:
        modes += ["summary_before", "json_before"]
    results = {m: [] for m in modes}
    seen = {m: [] for m in modes[1:]}
    for _ in range(rounds):
        for mode in results:
            elapsed, counts = one_run(build, workload, mode, pin)
            results[mode].append(elapsed)
            if counts:
                seen[mode].append(counts)
    med = {m: statistics.median(v) for m, v in results.items()}
    base = med["untraced"]
    where = "pinned to CPU 0, ipctrace on CPU 1" if pin else "not pinned"
    print(f"\n{name}: ipcwork {' '.join(workload)}  ({rounds} rounds, median elapsed, {where})")
    for m, v in med.items():
        spread = f"{min(results[m]) / 1e6:.1f}-{max(results[m]) / 1e6:.1f} ms"
        extra = ""
        if seen.get(m):
            ev = statistics.median(c[0] for c in seen[m])
            lost = sum(c[1] for c in seen[m])
            extra = f"  events/run {ev:,.0f}, lost {lost}"
        print(f"  {m:14s} {v / 1e6:9.1f} ms  x{v / base:5.2f}  (range {spread}){extra}")
    return med


def sustained(build, count, mode):
    """Events per second with no drop, and what the collector could take: a
    pinned ping-pong traced with -p (the tracer on CPU 1), events and losses
    from the final summary, the collector's own CPU time from wait4()."""
    proc, info, lines = start_workload(build, ["pipe-pingpong", str(count)], True)
    pids = sorted({l["pid"] for l in lines if "pid" in l})
    cmd = ["taskset", "-c", "1", os.path.join(build, "ipctrace"), "--json", "-p", ",".join(pids)]
    if mode == "summary":
        cmd.append("-q")
    out = tempfile.TemporaryFile("w+")
    tracer = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, text=True)
    time.sleep(1.0)
    proc.stdin.write("go\n")
    proc.stdin.flush()
    proc.wait(timeout=600)
    _, _, ru = os.wait4(tracer.pid, 0)
    out.seek(0)
    s = json.loads(out.read().strip().splitlines()[-1])
    lost = s["lost"]["ringbuf_full"] + s["lost"]["inflight_full"]
    dur = s["duration_ns"] / 1e9
    cpu = ru.ru_utime + ru.ru_stime
    print(f"  {mode:8s} {s['events']:,} events in {dur:.2f} s = {s['events'] / dur:,.0f} events/s,"
          f" lost {lost}; collector CPU {cpu:.2f} s ="
          f" {cpu * 1e6 / s['events']:.2f} us/event, capacity ~{s['events'] / cpu:,.0f} events/s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--count", type=int, default=100000, help="ping-pong round trips")
    ap.add_argument("--mutex-count", type=int, default=20000, help="locks per thread")
    ap.add_argument("--before", help="another build directory to compare with, in the same run")
    args = ap.parse_args()
    global BEFORE
    BEFORE = args.before
    if os.geteuid() != 0:
        print("bench: needs root (loads BPF programs)", file=sys.stderr)
        return 1
    print(f"ipctrace overhead, {time.strftime('%Y-%m-%d %H:%M')}, {os.uname().release}, "
          f"{os.cpu_count()} CPUs")
    measure(args.build, "pipe ping-pong", ["pipe-pingpong", str(args.count)], args.rounds, True)
    # on one CPU the threads take turns and never contend: the mutex runs on both
    measure(args.build, "contended mutex", ["mutex", "-t", "4", "--hold-us", "1",
                                            str(args.mutex_count)], args.rounds, False)
    if BEFORE:
        print(f"\n(*_before: {os.path.join(BEFORE, 'ipctrace')})")
    print("\nsustained throughput (pipe ping-pong, pinned; ipctrace -p on CPU 1):")
    for mode in ("summary", "json"):
        sustained(args.build, args.count * 3, mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
