# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""--timeline: the trace-event file of real workloads, checked against the
format (every flow paired and bound to a slice or instant of its thread) and
for exact arrows (each pipe write to the read that took it, each signal to
its delivery, futex wakes to the waits they ended, a fork to the child), and
opened in a real viewer (speedscope in headless Chromium)."""
import collections
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import ipct

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
NPM_DIR = os.environ.get("IPCTRACE_NPM_DIR", "/opt/ipctrace-tests")
CHECK = os.path.join(ROOT, "tools", "timeline-browser-check.mjs")


class Timeline:
    """A timeline file, parsed and checked against the trace-event format."""

    def __init__(self, test, path):
        with open(path) as f:
            doc = json.load(f)
        test.assertEqual(doc["displayTimeUnit"], "ns")
        self.other = doc["otherData"]
        self.events = doc["traceEvents"]
        self.tracks = collections.defaultdict(list)     # (pid, tid) -> slices, instants
        self.threads, self.procs = {}, {}
        flows = collections.defaultdict(dict)
        for e in self.events:
            test.assertIn(e["ph"], "XisfCM", e)
            for key in ("name", "pid", "tid", "ts"):
                test.assertIn(key, e)
            if e["ph"] == "X":
                test.assertGreaterEqual(e["dur"], 0)
                self.tracks[(e["pid"], e["tid"])].append(e)
            elif e["ph"] == "i":
                test.assertEqual(e["s"], "t")
                self.tracks[(e["pid"], e["tid"])].append(e)
            elif e["ph"] in "sf":
                test.assertEqual(e["cat"], "flow")
                test.assertNotIn(e["ph"], flows[e["id"]], f"flow {e['id']} twice")
                flows[e["id"]][e["ph"]] = e
                if e["ph"] == "f":
                    test.assertEqual(e["bp"], "e")
            elif e["ph"] == "M" and e["name"] == "thread_name":
                self.threads[e["tid"]] = e["args"]["name"]
            elif e["ph"] == "M" and e["name"] == "process_name":
                self.procs[e["pid"]] = e["args"]["name"]
            elif e["ph"] == "C":
                test.assertTrue(all(isinstance(v, int) for v in e["args"].values()), e)
        self.arrows = []        # (kind, cause event, effect event)
        for fid, pair in flows.items():
            test.assertEqual(set(pair), {"s", "f"}, f"flow {fid}: {pair}")
            test.assertEqual(pair["s"]["name"], pair["f"]["name"])
            ends = [self.bound(pair[p]) for p in "sf"]
            test.assertTrue(all(ends), f"flow {fid} not bound: {pair}")
            self.arrows.append((pair["s"]["name"], ends[0], ends[1]))

    def bound(self, flow):
        """The slice or instant of the flow event's thread it attaches to."""
        for e in self.tracks[(flow["pid"], flow["tid"])]:
            if e["ph"] == "X" and e["ts"] <= flow["ts"] <= e["ts"] + e["dur"]:
                return e
            if e["ph"] == "i" and e["ts"] == flow["ts"]:
                return e
        return None

    def of_kind(self, kind):
        return [(c, e) for k, c, e in self.arrows if k == kind]


class TimelineTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ipct-timeline-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.path = os.path.join(self.dir, "timeline.json")

    def trace(self, workload, *extra):
        r = ipct.trace_cmd(["-q", "--timeline", self.path] + list(extra), workload)
        self.assertEqual(r.returncode, 0, r)
        return r, Timeline(self, self.path)

    def test_pipe_pingpong_arrows(self):
        n = 300
        r, t = self.trace(["pipe-pingpong", str(n), "-s", "100"])
        parent = r.work(event="done", role="parent")
        child = r.work(event="done", role="child")
        pp, cp = int(parent["pid"]), int(child["pid"])
        pipe1, pipe2 = f"pipe:[{parent['pipe1_ino']}]", f"pipe:[{parent['pipe2_ino']}]"
        data = t.of_kind("data")
        # every message: one arrow from the write to the read that took it
        self.assertEqual(len(data), 2 * n)
        self.assertEqual(t.other["flows_data"], 2 * n)
        down = [(c, e) for c, e in data if c["args"]["object"] == pipe1]
        up = [(c, e) for c, e in data if c["args"]["object"] == pipe2]
        self.assertEqual((len(down), len(up)), (n, n))
        for c, e in down:
            self.assertEqual((c["pid"], e["pid"]), (pp, cp))
            self.assertTrue(c["name"].startswith("pipe_write ") and
                            e["name"] == f"pipe_read {pipe1}")
            self.assertEqual((c["args"]["bytes"], e["args"]["bytes"]), (100, 100))
            self.assertLessEqual(c["ts"], e["ts"] + e["dur"])
        for c, e in up:
            self.assertEqual((c["pid"], e["pid"]), (cp, pp))
        # the parent forked the child: an arrow to the child's first event
        forks = t.of_kind("fork")
        self.assertIn((pp, cp), [(c["pid"], e["pid"]) for c, e in forks])
        # tracks named from the trace; counters for both pipes
        self.assertEqual(t.threads[pp], "ipcwork")
        names = {e["name"] for e in t.events if e["ph"] == "C"}
        self.assertTrue({pipe1, pipe2} <= names, names)
        total = sum(e["args"]["bytes/s"] for e in t.events
                    if e["ph"] == "C" and e["name"] == pipe1) / 10
        self.assertEqual(total, 2 * n * 100)    # written and read, 100 ms steps

    def test_signal_arrows(self):
        n = 50
        r, t = self.trace(["signal-pingpong", str(n), "--handler"])
        sig = t.of_kind("signal")
        by_name = collections.Counter((c["args"]["signal"], e["name"].split()[0]) for c, e in sig)
        self.assertEqual(by_name[("SIGUSR1", "signal_deliver")], n)
        self.assertEqual(by_name[("SIGUSR2", "signal_deliver")], n)
        for c, e in sig:
            self.assertEqual(c["args"]["target_pid"], e["pid"])
            self.assertLessEqual(c["ts"], e["ts"])

    def test_futex_wake_arrows(self):
        r, t = self.trace(["mutex", "-t", "4", "300"])
        wakes = t.of_kind("wake")
        self.assertGreater(len(wakes), 0)
        joins = 0
        for c, e in wakes:
            self.assertTrue(e["name"].startswith("futex_wait "), e)
            self.assertNotEqual(c["tid"], e["tid"])
            if c["name"] == "thread_exit":
                # pthread_join: the kernel clears the tid word as the thread exits
                joins += 1
                self.assertEqual(c["pid"], e["pid"])
                self.assertTrue(e["ts"] <= c["ts"] <= e["ts"] + e["dur"], (c, e))
                continue
            self.assertTrue(c["name"].startswith("futex_wake "), c)
            self.assertEqual(c["args"]["object"], e["args"]["object"])
            # the wake call and the sleep overlap: the wake happened while it slept
            self.assertTrue(c["ts"] <= e["ts"] + e["dur"] and c["ts"] + c["dur"] >= e["ts"],
                            (c, e))
        # the waits that slept and were woken have their cause (a wake, or a joined
        # exit): nearly all; with several waiters, a wake whose call overlaps two
        # sleeps may go to the other one (README), and that wait is left without
        woken = sum(1 for e in t.events if e["ph"] == "X" and
                    e["name"].startswith("futex_wait ") and e["args"].get("blocked") and
                    e["args"]["ret"] == 0)
        self.assertGreaterEqual(len(wakes), woken * 0.9)
        self.assertEqual(t.other["unmatched"], woken - len(wakes))
        self.assertLessEqual(joins, 4)     # one per thread joined while it ran

    def test_report_gives_the_same_timeline(self):
        rec = os.path.join(self.dir, "t.ipct")
        r = ipct.trace_cmd(["record", "-o", rec], ["pipe-pingpong", "200"])
        self.assertEqual(r.returncode, 0, r)
        p = ipct.run([ipct.IPCTRACE, "report", "-q", "--timeline", self.path, rec])
        self.assertEqual(p.returncode, 0, p.stderr)
        t = Timeline(self, self.path)
        self.assertEqual(len(t.of_kind("data")), 400)
        bad = ipct.run([ipct.IPCTRACE, "record", "-o", rec, "--timeline", self.path,
                        "--", "true"])
        self.assertEqual(bad.returncode, 2)

    def test_demo_in_speedscope(self):
        """The demo's scenarios, smaller, opened in speedscope in headless Chromium."""
        node_path = os.path.join(NPM_DIR, "node_modules")
        if not os.path.isdir(os.path.join(node_path, "speedscope")):
            self.skipTest(f"speedscope not installed in {NPM_DIR} (tools/install-deps.sh)")
        w = f"{ipct.IPCWORK} --info /dev/null"
        script = (f"{w} unix-server -c 3 300 & {w} pipeline 500 & {w} mutex -t 4 500 & "
                  f"{w} signal-star 30 & {w} mq -P 2 -C 2 300 & wait")
        p = ipct.run([ipct.IPCTRACE, "-q", "--timeline", self.path, "--", "sh", "-c", script])
        self.assertEqual(p.returncode, 0, p.stderr)
        t = Timeline(self, self.path)
        for kind in ("data", "wake", "signal", "fork"):
            self.assertGreater(len(t.of_kind(kind)), 0, kind)
        names = collections.Counter(t.threads.values())
        self.assertTrue({"stage-a", "stage-b", "stage-c", "ipcwork"} <= set(names), names)
        # show the thread with the most time in slices among those with a name of their own
        busy = collections.Counter()
        for (pid, tid), evs in t.tracks.items():
            if names[t.threads.get(tid)] == 1:
                busy[t.threads[tid]] += sum(e.get("dur", 0) for e in evs)
        first = busy.most_common(1)[0][0]
        png = os.path.join(ipct.BUILD, "timeline-demo.png")
        check = ipct.run(["node", CHECK, self.path, png, first, "stage-a", "stage-b", "stage-c"],
                         env=dict(os.environ, NODE_PATH=node_path), timeout=300)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        shown = json.loads(check.stdout)
        self.assertGreaterEqual(shown["profiles"], 10)
        self.assertTrue(shown["shown"].startswith(f"{first} (pid "), shown)
        print(f"\n  speedscope: {shown['profiles']} thread profiles, screenshot {png}", end=" ")
