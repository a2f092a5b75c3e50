# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Hostile input: what traced processes and recordings name cannot hang
ipctrace, reach the terminal raw, or make it write where it should not."""
import json
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import ipct

RECGEN = os.path.join(ipct.BUILD, "tools", "recgen")
NOBODY = pwd.getpwnam("nobody")

# the names tools/ipcwork/hostile.c gives itself, and what text outputs must show instead
MAIN_COMM = b"\x1b]2;X\x07\x1b[2J\n\t\xff\x9b"
MAIN_CLEAN = b"?]2;X??[2J????"
CHILD_COMM = b"\x1b[31mred\x1b[0m"
CHILD_CLEAN = b"?[31mred?[0m"
THREAD_CLEAN = b"?[5mthr"
SYMBOL_CLEAN = b"hostile?]2;sym??[2J?read"


def drop_to_nobody():
    os.setgroups([])
    os.setgid(NOBODY.pw_gid)
    os.setuid(NOBODY.pw_uid)


def run_bytes(cmd, timeout=ipct.TIMEOUT, nobody=False, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=timeout,
                          preexec_fn=drop_to_nobody if nobody else None, **kw)


def assert_clean_text(test, data, what, allow=b"\n"):
    """No ESC, no control character but newline, nothing a terminal acts on."""
    test.assertNotIn(b"\x1b", data, what)
    bad = sorted({c for c in data if (c < 0x20 and c not in allow) or c == 0x7f})
    test.assertEqual(bad, [], f"{what}: control bytes {bad}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        test.fail(f"{what}: invalid UTF-8: {e}")
    c1 = [c for c in text if 0x80 <= ord(c) <= 0x9f]
    test.assertEqual(c1, [], f"{what}: C1 controls")


class Traps(unittest.TestCase):
    """A FIFO (or a symlink to one) where a mapped file was: never opened."""

    def test_trap_map_live(self):
        w = ipct.Workload(["trap-map", "20"])
        try:
            pid = w.pid(role="parent")
            t0 = time.monotonic()
            tracer = subprocess.Popen([ipct.IPCTRACE, "-v", "--json", "-q", "-d", "3", "-p",
                                       str(pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)
            ipct.wait_attached(tracer)
            w.go()
            self.assertEqual(w.wait(), 0)
            out, err = tracer.communicate(timeout=30)
            took = time.monotonic() - t0
        finally:
            w.kill()
            tracer.kill()
        self.assertEqual(tracer.returncode, 0, err)
        self.assertLess(took, 10, "the trace must end after -d 3")
        s = json.loads(out.splitlines()[-1])
        done = next(i for i in w.info if i.get("event") == "done")
        objs = {o["id"]: o for o in s["objects"]}
        pipe = objs.get(f"pipe:[{done['pipe_ino']}]")
        self.assertIsNotNone(pipe, (done, s))
        self.assertEqual(pipe["bytes"], 2 * int(done["bytes"]))    # written and read
        # the blocked reads took stacks, and the maps (with the traps) were read
        self.assertGreater(s["lock_stacks"]["stacks"] + pipe["blocked_ops"], 0)

    def test_trap_map_whole_system(self):
        w = ipct.Workload(["trap-map", "20"])
        try:
            t0 = time.monotonic()
            tracer = subprocess.Popen([ipct.IPCTRACE, "-v", "-q", "-d", "3"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            ipct.wait_attached(tracer)
            w.go()
            self.assertEqual(w.wait(), 0)
            out, err = tracer.communicate(timeout=30)
            took = time.monotonic() - t0
        finally:
            w.kill()
            tracer.kill()
        self.assertEqual(tracer.returncode, 0, err)
        self.assertLess(took, 10, "a whole-system trace must end after -d 3")
        self.assertIn("=== ipctrace report: whole system", out)

    def trap_recordings(self, d):
        """Recordings whose only stack frame is in a mapping of a trap path."""
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo, 0o666)
        os.symlink(fifo, os.path.join(d, "link"))
        traps = {"fifo": fifo, "symlink": os.path.join(d, "link"), "dev": "/dev/zero",
                 "proc": "/proc/self/mem", "dotdot": d + "/../" + os.path.basename(d) + "/fifo"}
        recs = {}
        for name, path in traps.items():
            rec = os.path.join(d, name + ".ipct")
            p = ipct.run([RECGEN, "map-trap", path, rec])
            self.assertEqual(p.returncode, 0, p.stderr)
            os.chmod(rec, 0o644)
            recs[name] = rec
        return recs

    def test_trap_recordings(self):
        """As root and as nobody, with every output: done at once, the frame unresolved."""
        d = tempfile.mkdtemp(prefix="ipct-trap-")
        try:
            os.chmod(d, 0o777)
            for name, rec in self.trap_recordings(d).items():
                for nobody in (False, True):
                    out = os.path.join(d, f"{name}-{int(nobody)}")
                    cmd = [ipct.IPCTRACE, "report", "--json", "--graph", f"dot={out}.dot",
                           "--folded", out + ".folded", "--flame", out + ".svg", rec]
                    t0 = time.monotonic()
                    p = run_bytes(cmd, timeout=30, nobody=nobody)
                    took = time.monotonic() - t0
                    self.assertEqual(p.returncode, 0, (name, nobody, p.stderr))
                    self.assertLess(took, 10, (name, nobody))
                    s = json.loads(p.stdout.splitlines()[-1])
                    self.assertEqual(s["lock_stacks"]["frames_unresolved"], 1, (name, nobody))
                    self.assertEqual(s["lost"]["symbols_unresolved"], 1, (name, nobody))
                    p = run_bytes([ipct.IPCTRACE, "report", "--events", rec], timeout=30,
                                  nobody=nobody)
                    self.assertEqual(p.returncode, 0, (name, nobody, p.stderr))
        finally:
            shutil.rmtree(d)

    def test_report_stops_on_signal(self):
        """A recording on a pipe that stalls mid-chunk: Ctrl-C and SIGTERM still end report."""
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "r.ipct")
            p = ipct.run([RECGEN, "pingpong", "4000", rec])
            self.assertEqual(p.returncode, 0, p.stderr)
            data = open(rec, "rb").read()
            for sig in (signal.SIGINT, signal.SIGTERM):
                r, wfd = os.pipe()
                rep = subprocess.Popen([ipct.IPCTRACE, "report", "-q", "/dev/stdin"], stdin=r,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                os.close(r)
                os.write(wfd, data[:60])     # the file header and part of a chunk
                time.sleep(0.5)
                rep.send_signal(sig)
                try:
                    out, err = rep.communicate(timeout=5)
                finally:
                    rep.kill()
                    os.close(wfd)
                self.assertEqual(rep.returncode, 0, (sig, err))
                self.assertIn(b"=== ipctrace report: recording /dev/stdin", out)


class Fuse(unittest.TestCase):
    """A file on a FUSE filesystem whose server has stopped: any operation on it would
    block forever, so ipctrace must not ask that filesystem anything."""

    def setUp(self):
        if not shutil.which("bindfs"):
            self.skipTest("bindfs not installed (tools/install-deps.sh installs it)")
        self.src = tempfile.mkdtemp(prefix="ipct-fuse-src-")
        self.mnt = tempfile.mkdtemp(prefix="ipct-fuse-mnt-")
        with open(os.path.join(self.src, "data.bin"), "wb") as f:
            f.write(os.urandom(65536))
        self.server = subprocess.Popen(["bindfs", "-f", self.src, self.mnt],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(100):
            if f" {self.mnt} " in open("/proc/self/mountinfo").read():
                break
            time.sleep(0.05)
        else:
            self.fail("bindfs did not mount: " + self.server.stderr.read().decode())
        self.path = os.path.join(self.mnt, "data.bin")

    def tearDown(self):
        self.server.send_signal(signal.SIGCONT)
        subprocess.run(["umount", self.mnt], capture_output=True)
        self.server.kill()
        self.server.wait()
        os.rmdir(self.mnt)
        shutil.rmtree(self.src)

    def stall(self):
        self.server.send_signal(signal.SIGSTOP)

    def test_stalled_fuse_live(self):
        """The target maps the file and holds it open: its maps and fds are read all the same."""
        w = ipct.Workload(["--map", self.path, "trap-map", "20"])
        tracer = None
        try:
            pid = w.pid(role="parent")
            self.stall()
            t0 = time.monotonic()
            tracer = subprocess.Popen([ipct.IPCTRACE, "-v", "--json", "-q", "-d", "3", "-p",
                                       str(pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)
            ipct.wait_attached(tracer)
            w.go()
            # the tracer must end by itself while the server is still stopped (the
            # workload's own exit closes the file, which waits for the server)
            out, err = tracer.communicate(timeout=30)
            took = time.monotonic() - t0
            self.server.send_signal(signal.SIGCONT)
            self.assertEqual(w.wait(), 0)
        finally:
            self.server.send_signal(signal.SIGCONT)
            w.kill()
            if tracer:
                tracer.kill()
        self.assertEqual(tracer.returncode, 0, err)
        self.assertLess(took, 10)
        s = json.loads(out.splitlines()[-1])
        done = next(i for i in w.info if i.get("event") == "done")
        self.assertEqual({o["id"]: o["bytes"] for o in s["objects"]}
                         [f"pipe:[{done['pipe_ino']}]"], 2 * int(done["bytes"]))

    def test_stalled_fuse_recording(self):
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "fuse.ipct")
            self.assertEqual(ipct.run([RECGEN, "map-trap", self.path, rec]).returncode, 0)
            self.stall()
            t0 = time.monotonic()
            p = run_bytes([ipct.IPCTRACE, "report", "--json", rec], timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertLess(time.monotonic() - t0, 10)
            s = json.loads(p.stdout.splitlines()[-1])
            self.assertEqual(s["lost"]["symbols_unresolved"], 1)


class Names(unittest.TestCase):
    """Terminal controls in every name a process picks: cleaned in every text output."""

    def trace(self, args, count=30):
        with tempfile.NamedTemporaryFile("r", prefix="ipcwork-", suffix=".info") as info:
            cmd = [ipct.IPCTRACE] + args + ["--", ipct.IPCWORK, "--info", info.name,
                                            "hostile-names", str(count)]
            p = run_bytes(cmd)
            self.assertEqual(p.returncode, 0, p.stderr)
            return p, ipct.parse_info(info.read())

    def test_text_outputs(self):
        d = tempfile.mkdtemp(prefix="ipct-names-")
        try:
            dot, folded, svg = (os.path.join(d, n) for n in ("g.dot", "w.folded", "w.svg"))
            p, info = self.trace(["-i", "0.2", "--graph", f"dot={dot}", "--folded", folded,
                                  "--flame", svg])
            for what, data in (("stdout", p.stdout), ("stderr", p.stderr),
                               ("folded", open(folded, "rb").read())):
                assert_clean_text(self, data, what)
            assert_clean_text(self, open(dot, "rb").read(), "dot", allow=b"\n\t")
            parent = next(i for i in info if i.get("role") == "parent" and "child" in i)
            self.assertEqual(bytes.fromhex(parent["comm_hex"]), MAIN_COMM)
            report = p.stdout.split(b"=== ipctrace report:")[-1]
            # one row each, whole: the name cleaned, then its pid, then the columns
            self.assertRegex(report, re.escape(MAIN_CLEAN) + rb"\[" + parent["pid"].encode() +
                             rb"\] +\d+ ")
            self.assertRegex(report, re.escape(CHILD_CLEAN) + rb"\[" +
                             parent["child"].encode() + rb"\] +\d+ ")
            self.assertIn(b"mq:/ipcwork-?]0;q?-" + parent["pid"].encode(), report)
            self.assertIn(THREAD_CLEAN, report)     # contended-lock waiters
            for line in open(folded, "rb").read().splitlines():
                self.assertRegex(line, rb"^\S+ \d+$")
            # ';' separates frames in the folded format: a name's own ';' becomes ':'
            self.assertIn(SYMBOL_CLEAN.replace(b";", b":"), open(folded, "rb").read())
            ET.parse(svg)        # well-formed XML
            self.assertNotIn(b"\x1b", open(svg, "rb").read())
            r = subprocess.run(["dot", "-Tsvg", dot], capture_output=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            shutil.rmtree(d)

    def test_events(self):
        p, info = self.trace(["--events"])
        assert_clean_text(self, p.stdout, "events")
        parent = next(i for i in info if i.get("role") == "parent" and "child" in i)
        lines = [l for l in p.stdout.splitlines() if re.match(rb"^-?\d+\.\d{6} ", l)]
        writes = [l for l in lines if b" fifo_open " in l and b"flags=O_WRONLY" in l]
        self.assertEqual(len(writes), 1, writes)
        self.assertIn(MAIN_CLEAN + b"[" + parent["pid"].encode(), writes[0])
        self.assertIn(b"?[31mfifo?[0m?", writes[0])
        sends = [l for l in lines if b" mq_send " in l]
        self.assertEqual(len(sends), 30)

    def test_json_keeps_names(self):
        p, info = self.trace(["--json"])
        events = [json.loads(l) for l in p.stdout.splitlines() if l.startswith(b"{")]
        parent = next(i for i in info if i.get("role") == "parent" and "child" in i)
        want = MAIN_COMM.decode("utf-8", errors="replace")
        comms = {e["comm"] for e in events if e.get("pid") == int(parent["pid"])}
        self.assertIn(want, comms)
        self.assertEqual(len([e for e in events if e.get("op") == "mq_send"]), 30)

    def test_locks_report(self):
        p, _ = self.trace(["-q", "--locks"], count=200)
        assert_clean_text(self, p.stdout, "stdout")
        assert_clean_text(self, p.stderr, "stderr")
        self.assertIn(b"LOCKS (--locks", p.stdout)
        self.assertIn(THREAD_CLEAN, p.stdout)

    def test_exit_message(self):
        w = ipct.Workload(["hostile-names", "20"])
        try:
            pid = w.pid(role="parent")
            tracer = subprocess.Popen([ipct.IPCTRACE, "-v", "-q", "-p", str(pid)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for line in iter(tracer.stderr.readline, b""):
                if b"ipctrace: tracing" in line:
                    break
            w.go()
            self.assertEqual(w.wait(), 0)
            out, err = tracer.communicate(timeout=30)
        finally:
            w.kill()
            tracer.kill()
        self.assertEqual(tracer.returncode, 0, err)
        assert_clean_text(self, out, "stdout")
        assert_clean_text(self, err, "stderr")
        self.assertIn(b"ipctrace: process %d (" % pid + MAIN_CLEAN + b") exited", err)


class Outputs(unittest.TestCase):
    """Files ipctrace writes: no symlink followed into someone else's file, 0600 recordings."""

    def setUp(self):
        # a world-writable sticky directory like /tmp, and a file of root's elsewhere
        self.d = tempfile.mkdtemp(prefix="ipct-out-")
        os.chmod(self.d, 0o1777)
        self.safe = tempfile.mkdtemp(prefix="ipct-victim-")
        self.victim = os.path.join(self.safe, "victim")
        with open(self.victim, "w") as f:
            f.write("keep me\n")

    def tearDown(self):
        shutil.rmtree(self.d)
        shutil.rmtree(self.safe)

    def as_nobody(self, cmd):
        p = run_bytes(cmd, nobody=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_symlinks_and_foreign_files_refused(self):
        link = os.path.join(self.d, "out")
        self.as_nobody(["ln", "-s", self.victim, link])
        theirs = os.path.join(self.d, "theirs")
        self.as_nobody(["touch", theirs])
        rec = os.path.join(self.safe, "r.ipct")
        self.assertEqual(ipct.run([RECGEN, "pingpong", "400", rec]).returncode, 0)
        for target, why in ((link, "it is a symlink owned by uid %d" % NOBODY.pw_uid),
                            (theirs, "it belongs to uid %d" % NOBODY.pw_uid)):
            for args in (["record", "-o", target, "--", "true"],
                         ["-q", "-o", target, "--", "true"],
                         ["-q", "--graph", f"dot={target}", "--", "true"],
                         ["-q", "--folded", target, "--", "true"],
                         ["-q", "--flame", target, "--", "true"],
                         ["-q", "--timeline", target, "--", "true"],
                         ["report", "-o", target, rec],
                         ["report", "-q", "--graph", f"json={target}", rec]):
                p = ipct.run([ipct.IPCTRACE] + args)
                self.assertEqual(p.returncode, 1, (args, p.stderr))
                self.assertEqual(p.stderr.strip().splitlines(),
                                 [f"ipctrace: refusing to write {target}: {why}" +
                                  (" (remove it first)" if target == theirs else "")], args)
                self.assertEqual(open(self.victim).read(), "keep me\n")
                self.assertEqual(os.path.getsize(theirs), 0)

    def test_recording_mode(self):
        rec = os.path.join(self.d, "new.ipct")
        p = ipct.run([ipct.IPCTRACE, "record", "-o", rec, "--", "true"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(rec).st_mode), 0o600)
        old = os.path.join(self.d, "old.ipct")
        with open(old, "w") as f:
            f.write("an older, world-readable file of ours")
        os.chmod(old, 0o644)
        p = ipct.run([ipct.IPCTRACE, "record", "-o", old, "--", "true"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(old).st_mode), 0o600)
        self.assertEqual(ipct.run([ipct.IPCTRACE, "report", "-q", old]).returncode, 0)

    def test_output_is_input(self):
        rec = os.path.join(self.d, "r.ipct")
        self.assertEqual(ipct.run([RECGEN, "pingpong", "400", rec]).returncode, 0)
        data = open(rec, "rb").read()
        for args in (["-o", rec], ["--folded", rec], ["-q", "--graph", f"dot={rec}"]):
            p = ipct.run([ipct.IPCTRACE, "report"] + args + [rec])
            self.assertEqual(p.returncode, 1, (args, p.stderr))
            self.assertEqual(p.stderr.strip(),
                             f"ipctrace: refusing to write {rec}: it is an input of this run")
            self.assertEqual(open(rec, "rb").read(), data)
        # through /dev/stdout, the shell's own redirection is honoured
        with open(os.path.join(self.d, "report.txt"), "wb") as f:
            p = subprocess.run([ipct.IPCTRACE, "report", "-o", "/dev/stdout", rec], stdout=f,
                               stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"=== ipctrace report", open(os.path.join(self.d, "report.txt"),
                                                   "rb").read())


if __name__ == "__main__":
    unittest.main()
