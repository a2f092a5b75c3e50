# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Helpers for the integration tests: run ipctrace and the workloads, parse
what they print."""
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tools", "ipcwork"))
from ipcwork_info import parse_info  # noqa: E402  (shared with the benchmarks)

BUILD = os.environ.get("IPCTRACE_BUILD", os.path.abspath("build"))
IPCTRACE = os.path.join(BUILD, "ipctrace")
IPCWORK = os.path.join(BUILD, "tools", "ipcwork")
TIMEOUT = 120


class Run:
    """What one ipctrace run produced."""

    def __init__(self, proc, stdout, stderr, info):
        self.returncode = proc.returncode
        self.stdout = stdout
        self.stderr = stderr
        self.info = info            # ipcwork info lines, parsed
        self.events = []
        self.summary = None
        for line in stdout.splitlines():
            if not line.startswith("{"):
                continue
            obj = json.loads(line)
            if obj.get("type") == "summary":
                self.summary = obj
            elif "op" in obj:
                self.events.append(obj)

    def ops(self, op, **match):
        """Events with this op whose fields equal every keyword given."""
        return [e for e in self.events
                if e["op"] == op and all(e.get(k) == v for k, v in match.items())]

    def work(self, **match):
        """The one ipcwork info line matching the keywords (values compared as strings)."""
        found = [i for i in self.info
                 if all(i.get(k) == str(v) for k, v in match.items())]
        if len(found) != 1:
            raise AssertionError(f"expected one info line with {match}, got {found}\n"
                                 f"all info lines: {self.info}")
        return found[0]

    def __repr__(self):
        return (f"<Run rc={self.returncode} events={len(self.events)}\n"
                f"stderr:\n{self.stderr[-3000:]}>")


def trace_cmd(args, workload, timeout=TIMEOUT):
    """ipctrace ARGS -- ipcwork --info FILE WORKLOAD...; returns a Run."""
    with tempfile.NamedTemporaryFile("r", prefix="ipcwork-", suffix=".info") as info:
        cmd = [IPCTRACE] + list(args) + ["--", IPCWORK, "--info", info.name] + list(workload)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return Run(proc, proc.stdout, proc.stderr, parse_info(info.read()))


def run(cmd, timeout=TIMEOUT, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


class Workload:
    """An ipcwork started with --wait-stdin: set up, report its pids, wait for go."""

    def __init__(self, workload, extra=()):
        self.info_file = tempfile.NamedTemporaryFile("r", prefix="ipcwork-", suffix=".info")
        cmd = [IPCWORK, "--info", self.info_file.name, "--wait-stdin"] + list(extra) + \
            list(workload)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        self.info = []
        deadline = time.time() + 30
        while time.time() < deadline:
            self.info = parse_info(self._read())
            if any(i.get("event") == "ready" for i in self.info):
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"ipcwork exited early: {self.proc.stderr.read()}")
            time.sleep(0.02)
        raise AssertionError(f"ipcwork never got ready: {cmd}")

    def _read(self):
        self.info_file.seek(0)
        return self.info_file.read()

    def go(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def wait(self, timeout=TIMEOUT):
        self.proc.wait(timeout=timeout)
        self.info = parse_info(self._read())
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def pid(self, **match):
        found = [i for i in self.info if all(i.get(k) == str(v) for k, v in match.items())]
        if not found:
            raise AssertionError(f"no info line with {match}: {self.info}")
        return int(found[0]["pid"])


def wait_attached(proc, timeout=30):
    """Read the stderr of `ipctrace -v` (a text-mode Popen) until it says it is tracing."""
    seen = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if "ipctrace: tracing" in line:
            return seen
    proc.kill()
    raise AssertionError("ipctrace never attached:\n" + "".join(seen))


def bpf_programs_held():
    """Ids of the BPF programs a live process holds, by fd or through a link fd."""
    held = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fdinfo")
        except OSError:
            continue
        for fd in fds:
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    for line in f:
                        if line.startswith("prog_id:"):
                            held.add(int(line.split()[1]))
            except (OSError, ValueError):
                continue
    return held


def bpf_programs_loaded(exclude_held=False):
    """{id: name} of loaded BPF programs that are ipctrace's (named ipc_*).

    exclude_held leaves out the programs a live process holds: once the
    ipctrace a test ran has exited, those belong to another ipctrace running
    on the machine (a leak of ours has no holder left)."""
    out = run(["bpftool", "-j", "prog", "list"]).stdout
    progs = json.loads(out or "[]")
    found = {p["id"]: p.get("name", "") for p in progs if p.get("name", "").startswith("ipc_")}
    if exclude_held and found:
        held = bpf_programs_held()
        found = {i: n for i, n in found.items() if i not in held}
    return found


def describe(cmd):
    return " ".join(shlex.quote(c) for c in cmd)
