# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Who did it: the right process credited for signals (an untraced sender, a
timer while another process runs), connections made before the traced side
accepts, shared locks, hold modes, existing process trees, the traced
command's writes to ipctrace's own output, the span of a recording."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import ipct


class Tracer:
    """ipctrace ARGS in the background; started() returns once the probes are attached."""

    def __init__(self, args):
        self.err = tempfile.NamedTemporaryFile("w+", prefix="ipctrace-", suffix=".err")
        args = list(args)
        mode = args[:1] if args[:1] == ["record"] else []
        self.proc = subprocess.Popen([ipct.IPCTRACE] + mode + ["-v"] + args[len(mode):],
                                     stdout=subprocess.PIPE, stderr=self.err, text=True)
        deadline = time.time() + 30
        while "ipctrace: tracing " not in self.stderr():
            if self.proc.poll() is not None or time.time() > deadline:
                self.proc.kill()
                raise AssertionError(f"ipctrace did not start: {self.stderr()}")
            time.sleep(0.05)

    def stderr(self):
        self.err.seek(0)
        return self.err.read()

    def finish(self, timeout=60):
        out, _ = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, self.stderr()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def signal_events(run, sig, target=None):
    return [e for e in run.events if e["op"] == "signal_generate" and e["sig"] == sig and
            (target is None or e["target_pid"] == target)]


class Signals(unittest.TestCase):
    def test_untraced_sender_credited(self):
        """A shell's kill -USR1, -STOP, -CONT to a traced process: the shell sent them."""
        n = 3
        w = ipct.Workload(["signal-wait", str(n)])
        t = None
        try:
            pid = w.pid(role="receiver")
            with tempfile.TemporaryDirectory() as d:
                graph = os.path.join(d, "g.json")
                t = Tracer(["--json", "--no-stacks", "--graph", f"json={graph}", "-p", str(pid)])
                w.go()
                script = ("echo $$; kill -STOP {p}; kill -CONT {p}; "
                          "for i in $(seq {n}); do kill -USR1 {p}; sleep 0.2; done").format(
                              p=pid, n=n)
                sh = ipct.run(["sh", "-c", script])
                self.assertEqual(sh.returncode, 0, sh.stderr)
                sender = int(sh.stdout.split()[0])
                self.assertEqual(w.wait(), 0)
                rc, out, err = t.finish()
                self.assertEqual(rc, 0, err)
                with open(graph) as f:
                    g = json.load(f)
        finally:
            w.kill()
            if t:
                t.kill()
        run = ipct.Run(t.proc, out, err, w.info)
        done = run.work(event="done", role="receiver")
        self.assertEqual(int(done["received"]), n)
        # the receiver says who sent each one: the shell
        for i in range(1, n + 1):
            self.assertEqual(int(run.work(event="received", n=i)["from"]), sender)
        for sig, count in (("SIGUSR1", n), ("SIGSTOP", 1), ("SIGCONT", 1)):
            evs = signal_events(run, sig, pid)
            self.assertEqual(len(evs), count, evs)
            for e in evs:
                self.assertEqual((e["pid"], e["comm"], e["code"]), (sender, "sh", "SI_USER"), e)
                self.assertTrue(e.get("peer_side"), e)
                self.assertNotIn("kernel", e)
                self.assertNotIn("irq", e)
        edges = {(e["src"], e["dst"], e["signal"]): e for e in g["edges"] if e["mech"] == "signal"}
        usr1 = edges[(f"pid:{sender}", f"pid:{pid}", "SIGUSR1")]
        self.assertEqual((usr1["ops"], usr1["msgs"]), (n, n))
        self.assertIn((f"pid:{sender}", f"pid:{pid}", "SIGSTOP"), edges)
        self.assertIn((f"pid:{sender}", f"pid:{pid}", "SIGCONT"), edges)
        self.assertFalse([k for k in edges if k[0] == "kernel" and k[1] == f"pid:{pid}"],
                         edges.keys())
        shnode = [x for x in g["nodes"] if x["id"] == f"pid:{sender}"][0]
        self.assertEqual((shnode["comm"], shnode["traced"]), ("sh", False))
        # and the summary counts the shell's signals as its operations
        procs = {p["pid"]: p for p in run.summary["processes"]}
        self.assertEqual(procs[sender]["ops"], n + 2)

    def test_timer_signal_not_credited_to_bystander(self):
        """Timer signals fire while a busy child is on the CPU: the timer's owner gets them."""
        n = 40
        r = ipct.trace_cmd(["--json", "--no-stacks"], ["timer-signal", str(n)])
        self.assertEqual(r.returncode, 0, r)
        done = r.work(event="done", role="owner")
        owner, by = int(done["pid"]), int(done["bystander"])
        self.assertEqual((int(done["timer_received"]), int(done["alarm_received"])), (n, n))
        for sig, code in (("SIGUSR1", "SI_TIMER"), ("SIGALRM", "SI_KERNEL")):
            evs = signal_events(r, sig, owner)
            self.assertEqual(len(evs), n)
            for e in evs:
                self.assertEqual((e["pid"], e["tid"], e["code"], e["result"]),
                                 (owner, owner, code, "delivered"), e)
                self.assertTrue(e.get("kernel"), e)
            # the interrupt found someone else on the CPU (the bystander, mostly)
            self.assertTrue(all(e.get("irq") for e in evs), evs)
        # nothing is credited to the bystander but the SIGCHLD of its own death
        mine = [e for e in r.events if e["op"] in ("signal_send", "signal_generate") and
                e["pid"] == by]
        self.assertEqual([(e["op"], e["sig"], e["code"]) for e in mine],
                         [("signal_generate", "SIGCHLD", "CLD_KILLED")])
        kill = signal_events(r, "SIGKILL", by)
        self.assertEqual([(e["pid"], e["code"]) for e in kill], [(owner, "SI_USER")])
        # its operations: the SIGKILL delivered to it and that SIGCHLD
        procs = {p["pid"]: p["ops"] for p in r.summary["processes"]}
        self.assertEqual(procs.get(by), 2, procs)


if __name__ == "__main__":
    unittest.main()


class Recordings(unittest.TestCase):
    def test_recording_carries_its_span(self):
        """record -d 2 of a process that gets one signal: report says 2 s, not the events' span."""
        w = ipct.Workload(["signal-wait", "2"])
        t = None
        try:
            pid = w.pid(role="receiver")
            with tempfile.TemporaryDirectory() as d:
                rec = os.path.join(d, "t.ipct")
                t = Tracer(["record", "--no-stacks", "-d", "2", "-o", rec, "-p", str(pid)])
                w.go()
                time.sleep(0.5)
                os.kill(pid, signal.SIGUSR1)
                rc, _, err = t.finish()
                self.assertEqual(rc, 0, err)
                os.kill(pid, signal.SIGUSR2)    # the trace is over: let the workload go
                self.assertEqual(w.wait(), 0)
                p = ipct.run([ipct.IPCTRACE, "report", "--json", "-q", rec])
                self.assertEqual(p.returncode, 0, p.stderr)
                text = ipct.run([ipct.IPCTRACE, "report", "-q", rec])
        finally:
            w.kill()
            if t:
                t.kill()
        s = json.loads(p.stdout.splitlines()[-1])
        # one signal, but the trace ran its 2 seconds: it stops at the first poll
        # after them (at most 0.1 s late, more on a loaded machine)
        self.assertGreaterEqual(s["duration_ns"], 2 * 10**9)
        self.assertLess(s["duration_ns"], 3 * 10**9)
        self.assertEqual(s["end_ns"] - s["start_ns"], s["duration_ns"])
        self.assertGreater(s["events"], 0)
        self.assertRegex(text.stdout, r"=== ipctrace report: recording .*, 2\.\d\d\ds ===")


class Outputs(unittest.TestCase):
    def test_several_graphs(self):
        """--graph dot=F --graph json=G: both written, of the same trace; clashes refused."""
        with tempfile.TemporaryDirectory() as d:
            dot, js = os.path.join(d, "g.dot"), os.path.join(d, "g.json")
            r = ipct.trace_cmd(["-q", "--no-stacks", "--graph", f"dot={dot}", "--graph",
                                f"json={js}"], ["pipeline", "20"])
            self.assertEqual(r.returncode, 0, r)
            with open(dot) as f:
                dot_text = f.read()
            with open(js) as f:
                g = json.load(f)
            a = r.work(event="done", role="stage-a")
            pipe1 = f"pipe:[{a['pipe1_ino']}]"
            writes = [e for e in g["edges"] if e["dst"] == pipe1]
            self.assertEqual([(e["src"], e["ops"], e["bytes"]) for e in writes],
                             [(f"pid:{a['pid']}", int(a["writes"]), 20 * 64)])
            self.assertIn(f'"pid:{a["pid"]}" -> "{pipe1}" [label="write x{a["writes"]}', dot_text)
            for args, why in ((["--graph", "dot", "--graph", "json"],
                               "only one graph can go to standard output"),
                              (["--graph", f"dot={dot}", "--graph", f"json={dot}"],
                               f"two graphs to the same file {dot}")):
                p = ipct.run([ipct.IPCTRACE] + args + ["--", "true"])
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stderr, f"ipctrace: --graph: {why}" +
                                 ("; give the others a file (FORMAT=FILE)\n"
                                  if "standard output" in why else "\n"))

    def test_target_killed_by_signal_said_so(self):
        target = subprocess.Popen(["sleep", "60"])
        t = None
        try:
            t = Tracer(["-q", "-p", str(target.pid)])
            target.terminate()
            target.wait(timeout=10)
            rc, _, err = t.finish()
        finally:
            target.kill()
            if t:
                t.kill()
        self.assertEqual(rc, 0, err)
        self.assertIn(f"ipctrace: process {target.pid} (sleep) killed by SIGTERM\n", err)
