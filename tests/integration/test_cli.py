# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Whole-binary tests: ipctrace run the way a user runs it (-- CMD, -p PID,
Ctrl-C, bad input), checking outputs, messages and exit codes."""
import json
import os
import pwd
import signal
import subprocess
import tempfile
import time
import unittest

import ipct


def one_line(text):
    return [l for l in text.splitlines() if l.strip()]


class Cli(unittest.TestCase):
    def setUp(self):
        self.before = ipct.bpf_programs_loaded()

    def assertNothingLoaded(self):
        """No ipc_* program loaded since setUp is still loaded, unless a live
        process holds it (another ipctrace running on the machine)."""
        # the kernel frees programs after an RCU grace period: give it a moment
        for _ in range(50):
            left = {i: n for i, n in ipct.bpf_programs_loaded(exclude_held=True).items()
                    if i not in self.before}
            if not left:
                return
            time.sleep(0.1)
        self.assertEqual(left, {}, f"BPF programs left loaded: {left}")

    def test_command_exit_status_and_summary(self):
        r = ipct.trace_cmd(["-q"], ["pipe-pingpong", "50"])
        self.assertEqual(r.returncode, 0, r)
        self.assertIn("=== ipctrace report: command:", r.stdout)
        self.assertIn("PROCESS", r.stdout)
        self.assertIn("OBJECT", r.stdout)
        parent = r.work(event="done", role="parent")
        self.assertIn(f"pipe:[{parent['pipe1_ino']}]", r.stdout)
        # the command's failure is passed on, like strace
        p = ipct.run([ipct.IPCTRACE, "-q", "--", "sh", "-c", "exit 7"])
        self.assertEqual(p.returncode, 7, p.stderr)
        self.assertNothingLoaded()

    def test_command_not_found(self):
        p = ipct.run([ipct.IPCTRACE, "-q", "--", "/nonexistent/program"])
        self.assertEqual(p.returncode, 1)
        self.assertEqual(one_line(p.stderr),
                         ["ipctrace: failed to run /nonexistent/program: "
                          "No such file or directory"])
        self.assertNothingLoaded()

    def test_attach_pid_until_target_exits(self):
        w = ipct.Workload(["pipe-pingpong", "300"])
        try:
            parent = w.pid(role="parent")
            tracer = subprocess.Popen([ipct.IPCTRACE, "--json", "-p", str(parent), "-f"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)     # attached: probes load in well under a second
            w.go()
            self.assertEqual(w.wait(), 0)
            out, err = tracer.communicate(timeout=30)
        finally:
            w.kill()
        self.assertEqual(tracer.returncode, 0, err)
        self.assertIn(f"ipctrace: process {parent} (ipcwork) exited, status 0", err)
        run = ipct.Run(tracer, out, err, w.info)
        child = run.work(event="done", role="child")
        p1 = f"pipe:[{child['pipe1_ino']}]"
        self.assertEqual(len(run.ops("pipe_write", pid=parent, obj=p1)), 300)
        self.assertEqual(len(run.ops("pipe_read", pid=int(child["pid"]), obj=p1)), 300)
        self.assertIsNotNone(run.summary)
        self.assertNothingLoaded()

    def test_peer_side_without_follow(self):
        """-p PARENT only: the child is not a target, but its side of the pipes is seen."""
        w = ipct.Workload(["pipe-pingpong", "200"])
        try:
            parent = w.pid(role="parent")
            child = w.pid(role="child")
            tracer = subprocess.Popen([ipct.IPCTRACE, "--json", "-p", str(parent)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            w.go()
            self.assertEqual(w.wait(), 0)
            out, err = tracer.communicate(timeout=30)
        finally:
            w.kill()
        self.assertEqual(tracer.returncode, 0, err)
        run = ipct.Run(tracer, out, err, w.info)
        p1 = f"pipe:[{run.work(event='done', role='child')['pipe1_ino']}]"
        reads = run.ops("pipe_read", pid=child, obj=p1)
        self.assertEqual(len(reads), 200)
        self.assertTrue(all(e.get("peer_side") for e in reads))
        self.assertFalse(any(e.get("peer_side") for e in run.ops("pipe_write", pid=parent)))

    def test_ctrl_c_prints_report_and_detaches(self):
        w = ipct.Workload(["idle", "30"])
        try:
            pid = w.pid(role="parent")
            p = ipct.run(["timeout", "--preserve-status", "-s", "INT", "2", ipct.IPCTRACE,
                          "-p", str(pid)])
        finally:
            w.kill()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("=== ipctrace report: pid", p.stdout)
        self.assertIn("events:", p.stdout)
        # live view blocks (not a terminal: appended), one per second
        self.assertGreaterEqual(p.stdout.count("=== ipctrace "), 2)
        self.assertNothingLoaded()

    def test_duration_and_interval_count(self):
        w = ipct.Workload(["idle", "30"])
        try:
            pid = w.pid(role="parent")
            t0 = time.time()
            p = ipct.run([ipct.IPCTRACE, "-p", str(pid), "0.5", "3"])
            took = time.time() - t0
            d = ipct.run([ipct.IPCTRACE, "-q", "-d", "1", "-p", str(pid)])
        finally:
            w.kill()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.count("interval"), 3)
        self.assertLess(took, 10)
        self.assertEqual(d.returncode, 0, d.stderr)
        self.assertEqual(d.stdout.count("=== ipctrace report"), 1)

    def test_json_summary_is_one_object(self):
        r = ipct.trace_cmd(["--json", "-q"], ["mq", "20"])
        self.assertEqual(r.returncode, 0, r)
        lines = one_line(r.stdout)
        self.assertEqual(len(lines), 1, lines[:3])
        s = json.loads(lines[0])
        self.assertEqual(s["type"], "summary")
        prod = r.work(event="done", role="producer")
        objs = {o["id"]: o for o in s["objects"]}
        self.assertEqual(objs[f"mq:{prod['mq']}"]["bytes"], 2 * 20 * 64)

    def test_bad_flags(self):
        cases = [
            (["--bogus"], "ipctrace: unknown option '--bogus' (see ipctrace --help)"),
            (["-p", "abc"], "ipctrace: invalid PID 'abc': expected a positive number"),
            (["--types", "pipe,nope"], "ipctrace: unknown type 'nope' in --types: expected "
                                       "pipe, mq, futex, signal, socket or sem"),
            (["record"], "ipctrace: record needs -o FILE"),
            (["--events", "--json", "-p", "1"],
             "ipctrace: --events and --json are exclusive: --json already has every event"),
            (["-p"], "ipctrace: option '-p' needs a value"),
            (["--symfs", "/", "-p", "1"], "ipctrace: --symfs applies to 'ipctrace report': "
                                          "a live trace reads the targets' own files"),
            # 4096 MiB is 2^32 bytes: the map size, a u32, would wrap to 0
            (["--ringbuf-size", "4096", "-p", "1"],
             "ipctrace: invalid --ringbuf-size '4096': a power of two from 1 to 2048 (MiB)"),
        ]
        for args, msg in cases:
            p = ipct.run([ipct.IPCTRACE] + args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertEqual(one_line(p.stderr), [msg], args)
            self.assertEqual(p.stdout, "")

    def test_help_and_version(self):
        p = ipct.run([ipct.IPCTRACE, "--help"])
        self.assertEqual(p.returncode, 0)
        for word in ("EXAMPLES:", "EXIT STATUS:", "--pid", "--events", "--json", "record",
                     "report", "--graph", "--folded", "--flame", "--locks"):
            self.assertIn(word, p.stdout)
        v = ipct.run([ipct.IPCTRACE, "--version"])
        self.assertEqual(v.returncode, 0)
        self.assertRegex(v.stdout, r"^ipctrace \d+\.\d+\.\d+\n"
                                   r"libbpf \d+\.\d+ \((static|shared); headers \d+\.\d+\)\n$")

    def test_unknown_pid(self):
        p = ipct.run([ipct.IPCTRACE, "-p", "999999"])
        self.assertEqual(p.returncode, 1)
        self.assertEqual(one_line(p.stderr), ["ipctrace: no such process: 999999"])

    def test_no_btf(self):
        env = dict(os.environ, IPCTRACE_KERNEL_BTF="/nonexistent/vmlinux")
        p = ipct.run([ipct.IPCTRACE, "-q", "-d", "1"], env=env)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(one_line(p.stderr), [
            "ipctrace: this kernel has no BTF (/nonexistent/vmlinux: No such file or directory): "
            "ipctrace needs a kernel built with CONFIG_DEBUG_INFO_BTF=y"])

    def test_not_root(self):
        nobody = pwd.getpwnam("nobody")

        def drop():
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
        p = subprocess.run([ipct.IPCTRACE, "-q", "-d", "1"], capture_output=True, text=True,
                           preexec_fn=drop, timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(one_line(p.stderr), [
            "ipctrace: need root (or CAP_BPF and CAP_PERFMON) to load BPF programs: "
            "run with sudo"])

    def test_corrupt_and_truncated_recording(self):
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "t.ipct")
            p = ipct.run([ipct.IPCTRACE, "record", "-o", rec, "--", ipct.IPCWORK, "--info",
                          "/dev/null", "pipe-pingpong", "2000"])
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stderr, r"ipctrace: wrote \d+ records \(\d+ bytes\) to ")
            data = open(rec, "rb").read()
            ok = ipct.run([ipct.IPCTRACE, "report", "-q", rec])
            self.assertEqual(ok.returncode, 0, ok.stderr)
            cut = os.path.join(d, "cut.ipct")
            with open(cut, "wb") as f:
                f.write(data[:len(data) - 7])
            t = ipct.run([ipct.IPCTRACE, "report", cut])
            self.assertEqual(t.returncode, 1)
            self.assertRegex(one_line(t.stderr)[0],
                             r"^ipctrace: .*cut\.ipct: truncated chunk at offset \d+")
            self.assertIn("=== ipctrace report", t.stdout)   # what came before is reported
            bad = os.path.join(d, "bad.ipct")
            flipped = bytearray(data)
            flipped[60] ^= 0xff
            with open(bad, "wb") as f:
                f.write(flipped)
            b = ipct.run([ipct.IPCTRACE, "report", bad])
            self.assertEqual(b.returncode, 1)
            self.assertRegex(one_line(b.stderr)[0], r"offset \d+")
            junk = os.path.join(d, "junk.ipct")
            with open(junk, "wb") as f:
                f.write(b"not a recording at all")
            j = ipct.run([ipct.IPCTRACE, "report", junk])
            self.assertEqual(j.returncode, 1)
            self.assertEqual(len(one_line(j.stderr)), 1, j.stderr)
            missing = ipct.run([ipct.IPCTRACE, "report", os.path.join(d, "none.ipct")])
            self.assertEqual(missing.returncode, 1)
            self.assertEqual(len(one_line(missing.stderr)), 1, missing.stderr)

    def test_thread_filter(self):
        w = ipct.Workload(["mutex", "-t", "2", "300"])
        try:
            workers = [i for i in w.info if i.get("role") == "worker"]
            tid = int(workers[0]["tid"])
            tracer = subprocess.Popen([ipct.IPCTRACE, "--json", "-t", str(tid)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            w.go()
            self.assertEqual(w.wait(), 0)
            out, err = tracer.communicate(timeout=30)
        finally:
            w.kill()
        self.assertEqual(tracer.returncode, 0, err)
        self.assertIn(f"ipctrace: thread {tid} (ipcwork) exited", err)
        run = ipct.Run(tracer, out, err, w.info)
        futex = [e for e in run.events if e["op"].startswith("futex_")]
        self.assertGreater(len(futex), 0, "two threads on one mutex: some futex calls")
        self.assertEqual({e["tid"] for e in run.events if not e.get("peer_side")}, {tid})

    def test_recording_survives_kill(self):
        """A recording is readable after SIGKILL: chunks are whole, one per interval."""
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "k.ipct")
            w = ipct.Workload(["pipe-pingpong", "20000000"])
            try:
                pid = w.pid(role="parent")
                rec_p = subprocess.Popen([ipct.IPCTRACE, "record", "-o", rec, "-i", "0.5",
                                          "-p", str(pid), "-f"], stderr=subprocess.PIPE)
                time.sleep(1.0)
                w.go()
                time.sleep(2.0)
                rec_p.kill()
                rec_p.wait()
            finally:
                w.kill()
            rep = ipct.run([ipct.IPCTRACE, "report", "--json", "-q", rec])
            self.assertEqual(rep.returncode, 0, rep.stderr)
            s = json.loads(rep.stdout.strip().splitlines()[-1])
            self.assertGreater(s["events"], 1000)

    def test_types_filter_in_kernel(self):
        r = ipct.trace_cmd(["--json", "--types", "signal"], ["pipe-pingpong", "20"])
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(r.ops("pipe_write"), [])
        self.assertEqual(r.ops("pipe_read"), [])
        self.assertGreater(len(r.ops("signal_generate")), 0)   # SIGCHLD


if __name__ == "__main__":
    unittest.main()
