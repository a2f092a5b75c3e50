# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Metrics for Prometheus: the node_exporter textfile (replaced atomically,
accepted by promtool), the scrape endpoint scraped by a real Prometheus
server, and the bound on series with thousands of short-lived processes."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import urllib.request

import ipct
from test_stalls import Hang

# README, Metrics: at most 313 + 9 * (N + 1) series with --metrics-top N
FIXED_SERIES = 313


def max_series(top):
    return FIXED_SERIES + 9 * (top + 1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def samples(text):
    """{series: value} of a text-format exposition (comments skipped)."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            out[series] = float(value)
    return out


class Watcher(threading.Thread):
    """Reads a textfile over and over while ipctrace replaces it: every read
    must be a whole file (never half of one), within the series bound."""

    def __init__(self, path, top):
        super().__init__(daemon=True)
        self.path, self.top = path, top
        self.stop = threading.Event()
        self.reads, self.problems, self.most = 0, [], 0
        self.pids = set()       # every pid that had a series of its own

    def run(self):
        while not self.stop.is_set():
            try:
                with open(self.path) as f:
                    text = f.read()
            except FileNotFoundError:
                continue
            self.reads += 1
            if not text.endswith("\n") or "\nipctrace_other_processes_total " not in text:
                self.problems.append(f"partial file: ...{text[-200:]!r}")
            n = len(samples(text))
            self.pids |= set(re.findall(r'^ipctrace_process_operations_total\{pid="(\d+)"',
                                        text, re.M))
            self.most = max(self.most, n)
            if n > max_series(self.top):
                self.problems.append(f"{n} series > {max_series(self.top)}")
            time.sleep(0.005)


class Metrics(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ipct-metrics-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def test_textfile_atomic_and_promtool(self):
        prom = os.path.join(self.dir, "ipctrace.prom")
        w = Watcher(prom, 20)
        w.start()
        r = ipct.trace_cmd(["-q", "-i", "0.05", "--metrics-file", prom],
                           ["pipe-pingpong", "3000", "-s", "100"])
        w.stop.set()
        w.join()
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(w.problems, [])
        self.assertGreater(w.reads, 10)
        # only the file: no temporary file left behind, readable by node_exporter
        self.assertEqual(os.listdir(self.dir), ["ipctrace.prom"])
        self.assertEqual(os.stat(prom).st_mode & 0o777, 0o644)
        check = ipct.run(["promtool", "check", "metrics"], input=open(prom).read())
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

        s = samples(open(prom).read())
        parent = r.work(event="done", role="parent")
        child = r.work(event="done", role="child")
        written = int(parent["bytes_written"]) + int(child["bytes_written"])
        self.assertEqual(written, 2 * 3000 * 100)
        self.assertEqual(s['ipctrace_bytes_total{family="pipe",op="pipe_write"}'], written)
        self.assertEqual(s['ipctrace_bytes_total{family="pipe",op="pipe_read"}'], written)
        self.assertEqual(s['ipctrace_operations_total{family="pipe",op="pipe_write"}'], 6000)
        for who in (parent, child):
            key = f'ipctrace_process_bytes_total{{pid="{who["pid"]}",comm="ipcwork"}}'
            self.assertEqual(s[key], int(who["bytes_written"]) + int(who["bytes_read"]))
        # the graph's edges: each process into the pipe it writes, out of the one it reads
        pipe1, pipe2 = f"pipe:[{parent['pipe1_ino']}]", f"pipe:[{parent['pipe2_ino']}]"
        pp, cp = parent["pid"], child["pid"]
        edge = 'ipctrace_edge_bytes_total{{src="{}",dst="{}",op="{}",comm="ipcwork"}}'
        self.assertEqual(s[edge.format(f"pid:{pp}", pipe1, "write")], 3000 * 100)
        self.assertEqual(s[edge.format(pipe1, f"pid:{cp}", "read")], 3000 * 100)
        self.assertEqual(s[edge.format(f"pid:{cp}", pipe2, "write")], 3000 * 100)
        self.assertEqual(s[edge.format(pipe2, f"pid:{pp}", "read")], 3000 * 100)
        blocked = s['ipctrace_blocked_seconds_count{family="pipe"}']
        self.assertEqual(blocked, s['ipctrace_blocked_seconds_bucket{family="pipe",le="+Inf"}'])
        self.assertGreater(blocked, 0)

    def test_contended_lock(self):
        """The lock series are the contended-locks analysis: the same numbers as --json's."""
        prom = os.path.join(self.dir, "locks.prom")
        r = ipct.trace_cmd(["-q", "--json", "-i", "0.2", "--metrics-file", prom],
                           ["mutex", "-t", "4", "2000"])
        self.assertEqual(r.returncode, 0, r)
        s = samples(open(prom).read())
        pid = [i for i in r.info if i.get("role") == "main"][0]["pid"]
        lock = [x for x in r.summary["contended_locks"] if x.get("symbol") == "counter_lock"]
        self.assertEqual(len(lock), 1, r.summary["contended_locks"])
        lock = lock[0]
        self.assertGreater(lock["blocked"], 0)
        key = [k for k in s if k.startswith('ipctrace_lock_contended_waits_total{lock="counter_lock"')]
        self.assertEqual(len(key), 1, [k for k in s if "lock_" in k])
        self.assertIn(f'kind="{lock["kind"]}"', key[0])
        self.assertIn(f'pid="{pid}"', key[0])
        self.assertEqual(s[key[0]], lock["blocked"])
        wait = key[0].replace("lock_contended_waits_total", "lock_wait_seconds_total")
        self.assertAlmostEqual(s[wait], lock["blocked_ns"] / 1e9, places=9)

    def test_race_flags(self):
        """Signals sent while blocked coalesce: the race-flag counter says how often."""
        prom = os.path.join(self.dir, "races.prom")
        racework = os.path.join(ipct.BUILD, "tools", "racework")
        p = ipct.run([ipct.IPCTRACE, "-q", "--json", "-i", "0.2", "--metrics-file", prom, "--",
                      racework, "--info", "/dev/null", "coalesce", "5"])
        self.assertEqual(p.returncode, 0, p.stderr)
        summary = json.loads(p.stdout.splitlines()[-1])
        flags = [f for f in summary["races"] if f["pattern"] == "signal_coalesced"]
        self.assertEqual(sum(f["count"] for f in flags), 4)     # 5 sent, 1 delivered
        s = samples(open(prom).read())
        self.assertEqual(s['ipctrace_race_flags_total{kind="signal_coalesced"}'], 4)
        self.assertEqual(s['ipctrace_race_flags_total{kind="lock_order_inversion"}'], 0)
        self.assertEqual(s["ipctrace_race_flags_dropped_total"], 0)

    def test_bad_textfile_directory(self):
        p = ipct.run([ipct.IPCTRACE, "-q", "--metrics-file", "/nonexistent/dir/x.prom",
                      "--", "true"])
        self.assertEqual(p.returncode, 1)
        self.assertIn("failed to open the directory of /nonexistent/dir/x.prom", p.stderr)
        p = ipct.run([ipct.IPCTRACE, "-q", "--metrics-listen", "127.0.0.1:x", "--", "true"])
        self.assertEqual(p.returncode, 2)

    def test_cardinality_short_lived_processes(self):
        """10 000 processes, each living for one pipe write: the series stay bounded."""
        prom = os.path.join(self.dir, "storm.prom")
        w = Watcher(prom, 5)
        w.start()
        r = ipct.trace_cmd(["-q", "-i", "0.2", "--metrics-top", "5", "--metrics-file", prom],
                           ["--timeout", "500", "fork-storm", "10000", "-s", "16"], timeout=600)
        w.stop.set()
        w.join()
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(w.problems, [])
        s = samples(open(prom).read())
        self.assertLessEqual(len(s), max_series(5))
        self.assertEqual(s['ipctrace_operations_total{family="pipe",op="pipe_write"}'], 10000)
        self.assertEqual(s['ipctrace_bytes_total{family="pipe",op="pipe_write"}'], 160000)
        procs = [k for k in s if k.startswith("ipctrace_process_operations_total{")]
        self.assertLessEqual(len(procs), 6)
        self.assertIn('ipctrace_process_operations_total{pid="other",comm="other"}', procs)
        # every child had a series or was counted in other; most were in other
        other = s["ipctrace_other_processes_total"]
        self.assertGreaterEqual(other + len(w.pids), 10000)
        self.assertGreater(other, 5000)
        print(f"\n  fork-storm: at most {w.most} series in {w.reads} reads "
              f"(bound {max_series(5)})", end=" ")


    def test_deadlock_gauges(self):
        """Two processes each reading the pipe the other should write: the gauges say so."""
        h = Hang("pipe-cross")
        self.addCleanup(h.kill)
        time.sleep(0.2)
        prom = os.path.join(self.dir, "stall.prom")
        r = ipct.run([ipct.IPCTRACE, "-q", "-p", str(h.pid), "-d", "2", "-i", "0.3",
                      "--metrics-file", prom])
        self.assertEqual(r.returncode, 0, r.stderr)
        s = samples(open(prom).read())
        self.assertEqual(s["ipctrace_deadlocks"], 1)
        self.assertEqual(s["ipctrace_blocked_threads"], 2)
        # and nothing of the kind when nobody waits on anybody
        r = ipct.trace_cmd(["-q", "-i", "0.3", "--metrics-file", prom], ["pipe-pingpong", "500"])
        s = samples(open(prom).read())
        self.assertEqual(s["ipctrace_deadlocks"], 0)


class Prometheus(unittest.TestCase):
    """A real Prometheus server scrapes ipctrace --metrics-listen."""

    def setUp(self):
        if not shutil.which("prometheus"):
            self.fail("prometheus not found: run tools/install-deps.sh")
        self.dir = tempfile.mkdtemp(prefix="ipct-prom-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.port, self.prom_port = free_port(), free_port()
        cfg = os.path.join(self.dir, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n"
                    "scrape_configs:\n  - job_name: ipctrace\n    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{self.port}']\n")
        self.server = subprocess.Popen(
            ["prometheus", f"--config.file={cfg}", f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{self.prom_port}"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "log"), "w"))
        self.addCleanup(self.stop_server)
        self.api = f"http://127.0.0.1:{self.prom_port}"
        self.wait_for(lambda: self.get("/-/ready"), "prometheus ready")

    def stop_server(self):
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()

    def get(self, path):
        try:
            with urllib.request.urlopen(self.api + path, timeout=5) as resp:
                return resp.read().decode()
        except OSError:
            return None

    def query(self, promql):
        body = self.get("/api/v1/query?" + urllib.parse.urlencode({"query": promql}))
        if not body:
            return None
        data = json.loads(body)
        self.assertEqual(data["status"], "success", body)
        return {json.dumps(r["metric"], sort_keys=True): float(r["value"][1])
                for r in data["data"]["result"]}

    def wait_for(self, cond, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = cond()
            if got:
                return got
            if self.server.poll() is not None:
                self.fail(f"prometheus exited: {open(os.path.join(self.dir, 'log')).read()}")
            time.sleep(0.2)
        self.fail(f"timed out waiting for {what}")

    def test_scraped_during_pipe_pingpong(self):
        info = os.path.join(self.dir, "info")
        # the workload, then a pause while Prometheus scrapes the final values
        script = (f"{ipct.IPCWORK} --info {info} pipe-pingpong 5000 -s 256 && "
                  "touch $0.done && sleep 120")
        tracer = subprocess.Popen([ipct.IPCTRACE, "-q", "-i", "0.5", "--metrics-listen",
                                   f"127.0.0.1:{self.port}", "--", "sh", "-c", script, info],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  start_new_session=True)
        try:
            self.wait_for(lambda: os.path.exists(info + ".done") or tracer.poll() is not None,
                          "the workload", timeout=300)
            self.assertIsNone(tracer.poll(), tracer.stderr.read() if tracer.poll() else "")
            work = ipct.parse_info(open(info).read())
            done = {w["role"]: w for w in work if w.get("event") == "done"}
            written = sum(int(done[r]["bytes_written"]) for r in ("parent", "child"))
            self.assertEqual(written, 2 * 5000 * 256)
            q = 'ipctrace_bytes_total{job="ipctrace",family="pipe",op="pipe_write"}'
            # the last value Prometheus scraped is the workload's bytes, exactly
            self.wait_for(lambda: (self.query(q) or {0: 0}).popitem()[1] == written,
                          f"{q} == {written}")
            up = self.query('up{job="ipctrace"}')
            self.assertEqual(list(up.values()), [1.0])
            parent = done["parent"]
            per_proc = self.query(f'ipctrace_process_bytes_total{{pid="{parent["pid"]}"}}')
            self.assertEqual(list(per_proc.values()),
                             [int(parent["bytes_written"]) + int(parent["bytes_read"])])
            hist = self.query('ipctrace_blocked_seconds_bucket{family="pipe",le="+Inf"}')
            count = self.query('ipctrace_blocked_seconds_count{family="pipe"}')
            self.assertEqual(list(hist.values()), list(count.values()))
            # Prometheus asked for OpenMetrics and got it; the series count is bounded
            series = self.query('count({job="ipctrace"})')
            self.assertLessEqual(list(series.values())[0], max_series(20) + 5)
        finally:
            os.killpg(tracer.pid, signal.SIGINT)
            out, err = tracer.communicate(timeout=60)
        self.assertIn("=== ipctrace report:", out, err)
