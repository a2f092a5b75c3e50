#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Overhead of --locks (pthread uprobes) on the 4-thread mutex workload, as
ratios measured in one run.

Runs alternate, round after round, between:
  untraced          the workload alone
  ipctrace          `ipctrace -q --json -p PID` (syscalls: futexes etc.)
  ipctrace-locks    `ipctrace -q --json --locks -p PID` (+ entry and return
                    uprobes on every pthread/sem call)
  perf-lock         `perf lock record -p PID`: kernel lock contention
                    tracepoints (perf's `lock contention` sees kernel locks
                    only; its BPF mode -b needs a perf built with
                    BUILD_BPF_SKEL)
  bpftrace-futex    the bpftrace equivalent of `ipctrace -p` for this
                    workload: futex syscall entry/exit with per-address wait
                    histograms (tracepoint:syscalls: needs tracefs)
  bpftrace-locks    the bpftrace equivalent of --locks for this workload:
                    uprobe+uretprobe on pthread_mutex_lock, uprobe on unlock,
                    wait and hold histograms
A tool that is not installed is skipped.  tracefs is mounted at
/sys/kernel/tracing for the bpftrace-futex runs if it is not mounted (ipctrace
itself never needs it); it is unmounted again at the end if this script
mounted it.

The workload waits (--wait-stdin) until the tracer is attached and times
itself from the go signal to the end (elapsed_ns of main's done line), so
attaching is not counted.  By default it is pinned to CPU 0 (`taskset -c 0`,
as tools/bench.py does: cross-CPU wakeups in a VM are slow and noisy) and
the tracers run on the other CPUs; --no-pin lets it run anywhere.

Usage: sudo tools/bench-locks.py [--build DIR] [--rounds N] [--count N]
                                 [--hold-us N] [--no-pin]
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "ipcwork"))
from ipcwork_info import parse_info  # noqa: E402  (shared with the tests)

TRACEFS = "/sys/kernel/tracing"

BT_FUTEX = r"""
tracepoint:syscalls:sys_enter_futex /pid == $1/ {
	@uaddr[tid] = args->uaddr; @op[tid] = args->op & 127; @t[tid] = nsecs;
}
tracepoint:syscalls:sys_exit_futex /pid == $1 && @t[tid]/ {
	@wait[@uaddr[tid], @op[tid]] = hist(nsecs - @t[tid]);
	@calls[@uaddr[tid], @op[tid]] = count();
	delete(@t[tid]); delete(@uaddr[tid]); delete(@op[tid]);
}
"""

BT_LOCKS = r"""
uprobe:LIBC:pthread_mutex_lock /pid == $1/ { @m[tid] = arg0; @t[tid] = nsecs; }
uretprobe:LIBC:pthread_mutex_lock /pid == $1 && @t[tid]/ {
	@wait[@m[tid]] = hist(nsecs - @t[tid]); @held[tid] = nsecs;
	delete(@t[tid]); delete(@m[tid]);
}
uprobe:LIBC:pthread_mutex_unlock /pid == $1 && @held[tid]/ {
	@hold[arg0] = hist(nsecs - @held[tid]); delete(@held[tid]);
}
"""


class Workload:
    def __init__(self, args, opts):
        self.info = tempfile.NamedTemporaryFile("r", prefix="bench-locks-", suffix=".info")
        cmd = [os.path.join(opts.build, "tools", "ipcwork"), "--info", self.info.name,
               "--wait-stdin", "mutex", "-t", "4", "--hold-us", str(opts.hold_us),
               str(opts.count)]
        if opts.pin:
            cmd = ["taskset", "-c", "0"] + cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            lines = self.lines()
            if any(l.get("event") == "ready" for l in lines):
                self.pid = int([l for l in lines if l.get("role") == "main"][0]["pid"])
                return
            time.sleep(0.01)
        self.proc.kill()
        raise RuntimeError("workload not ready")

    def lines(self):
        self.info.seek(0)
        return parse_info(self.info.read())

    def run(self):
        """Go, wait for the end; elapsed ns as the workload measured it."""
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        if self.proc.wait(timeout=600):
            raise RuntimeError("workload failed")
        main = [l for l in self.lines()
                if l.get("event") == "done" and l.get("role") == "main"][0]
        return int(main["elapsed_ns"])


def tracer_cpus(opts):
    return ["taskset", "-c", f"1-{os.cpu_count() - 1}"] if opts.pin and os.cpu_count() > 1 else []


def wait_for_line(proc, stream, prefix, timeout=30):
    """Collect stream's lines in a thread; return them once one starts with prefix."""
    lines, seen = [], threading.Event()

    def pump():
        for line in stream:
            lines.append(line)
            if line.startswith(prefix):
                seen.set()
        seen.set()
    threading.Thread(target=pump, daemon=True).start()
    if not seen.wait(timeout) or proc.poll() is not None:
        proc.kill()
        raise RuntimeError(f"tracer did not start: {''.join(lines)[-2000:]}")
    return lines


def libc_of(pid):
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            path = line.split()[-1]
            if os.path.basename(path).startswith("libc.so"):
                return path
    raise RuntimeError("no libc in the workload's maps")


def start_tracer(mode, w, opts, tmp):
    """Start mode's tracer on w; returns (proc, finish) once it is attached."""
    pre = tracer_cpus(opts)
    if mode.startswith("ipctrace"):
        cmd = pre + [os.path.join(opts.build, "ipctrace"), "-v", "-q", "--json",
                     "-p", str(w.pid)] + (["--locks"] if mode == "ipctrace-locks" else [])
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_line(p, p.stderr, "ipctrace: tracing")
        return p, lambda: ipctrace_summary(p)
    if mode == "perf-lock":
        cmd = pre + ["perf", "lock", "record", "-o", os.path.join(tmp, "perf.data"),
                     "-p", str(w.pid)]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.5)     # no "attached" message
        return p, lambda: interrupt(p)
    script = BT_FUTEX if mode == "bpftrace-futex" else BT_LOCKS.replace("LIBC", libc_of(w.pid))
    cmd = pre + ["bpftrace", "-e", script, str(w.pid)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    wait_for_line(p, p.stdout, "Attaching")
    time.sleep(1.0)         # it says "Attaching" before it attaches
    return p, lambda: interrupt(p)


def interrupt(p):
    p.send_signal(signal.SIGINT)
    p.wait(timeout=120)
    return None


def ipctrace_summary(p):
    """The tracer exits by itself when its target does: its final summary."""
    out = p.stdout.read()
    p.wait(timeout=120)
    for line in out.splitlines():
        if line.startswith("{"):
            s = json.loads(line)
            return {"events": s.get("events", 0), "lost": sum(s.get("lost", {}).values())}
    return None


def one_run(mode, opts, tmp):
    w = Workload([], opts)
    tracer = finish = None
    try:
        if mode != "untraced":
            tracer, finish = start_tracer(mode, w, opts, tmp)
        elapsed = w.run()
        seen = finish() if finish else None
    finally:
        for p in (w.proc, tracer):
            if p and p.poll() is None:
                p.kill()
                p.wait()
    return elapsed, seen


def available_modes(opts):
    modes = ["untraced", "ipctrace", "ipctrace-locks"]
    if shutil.which("perf"):
        modes.append("perf-lock")
    if shutil.which("bpftrace"):
        modes += ["bpftrace-futex", "bpftrace-locks"]
    return [m for m in modes if not opts.only or m in opts.only.split(",")]


def mount_tracefs():
    """tracefs for bpftrace's syscall tracepoints only.  True if we mounted it."""
    if os.path.exists(os.path.join(TRACEFS, "events")):
        return False
    subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], check=True)
    print(f"(mounted tracefs at {TRACEFS} for the bpftrace-futex runs)", file=sys.stderr)
    return True


def report(modes, times, seen, opts):
    base = statistics.median(times["untraced"])
    print(f"mutex -t 4 --hold-us {opts.hold_us}, {opts.count} acquisitions per thread, "
          f"{opts.rounds} rounds, {'pinned to CPU 0' if opts.pin else 'not pinned'}")
    print(f"{'mode':<16} {'median ms':>10} {'min ms':>9} {'max ms':>9} {'ratio':>7}  seen")
    for m in modes:
        t = times[m]
        med = statistics.median(t)
        extra = ""
        if seen.get(m):
            s = seen[m][-1]
            extra = f"events {s['events']}, lost {s['lost']}"
        print(f"{m:<16} {med / 1e6:>10.1f} {min(t) / 1e6:>9.1f} {max(t) / 1e6:>9.1f} "
              f"{med / base:>7.2f}  {extra}")
    if "ipctrace-locks" in times and "ipctrace" in times:
        calls = 2 * 5 * opts.count      # lock+unlock of 4 workers and the quiet loop
        extra_ns = (statistics.median(times["ipctrace-locks"]) -
                    statistics.median(times["ipctrace"]))
        print(f"--locks adds {extra_ns / 1e6:.1f} ms over {calls} pthread calls "
              f"(~{extra_ns / calls:.0f} ns of elapsed time per call)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--count", type=int, default=5000, help="acquisitions per thread")
    ap.add_argument("--hold-us", type=int, default=20, help="time spent holding the lock")
    ap.add_argument("--no-pin", dest="pin", action="store_false")
    ap.add_argument("--only", help="comma list of modes")
    opts = ap.parse_args()
    if os.geteuid() != 0:
        print("bench-locks: needs root (BPF)", file=sys.stderr)
        return 1
    modes = available_modes(opts)
    mounted = "bpftrace-futex" in modes and mount_tracefs()
    times = {m: [] for m in modes}
    seen = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(opts.rounds):
                for m in modes:
                    elapsed, s = one_run(m, opts, tmp)
                    times[m].append(elapsed)
                    if s:
                        seen.setdefault(m, []).append(s)
                print(f"round {r + 1}/{opts.rounds}: " + ", ".join(
                    f"{m} {times[m][-1] / 1e6:.0f}ms" for m in modes), file=sys.stderr)
    finally:
        if mounted:
            subprocess.run(["umount", TRACEFS])
    report(modes, times, seen, opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
