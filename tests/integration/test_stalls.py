# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Stall diagnosis: what threads are blocked on, who can end each wait,
deadlocks as they happen.  The workloads (build/tools/hang) hang on purpose,
built -O2 without frame pointers, and are killed by the tests."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from ipct import BUILD, IPCTRACE, IPCWORK, run

HANG = os.path.join(BUILD, "tools", "hang")


class Hang:
    """A hang scenario in its own process group, its "hang: ready" line parsed."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([HANG] + list(args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        line = self.proc.stdout.readline()
        if not line.startswith("hang: ready"):
            self.kill()
            raise AssertionError(f"hang {args} did not get ready: {line!r} "
                                 f"{self.proc.stderr.read()}")
        self.info = dict(tok.split("=", 1) for tok in line.split()[2:])
        self.pid = int(self.info["pid"])

    def __getitem__(self, key):
        return int(self.info[key], 0)

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def stuck(*args):
    """ipctrace stuck --json ARGS: (exit status, the JSON document)."""
    r = run([IPCTRACE, "stuck", "--json"] + list(args))
    doc = json.loads(r.stdout) if r.stdout.strip() else None
    return r.returncode, doc, r


def children_comms(pid):
    """Names of the children of pid (from /proc)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = f.read().split()
    except OSError:
        return []
    names = []
    for k in kids:
        try:
            with open(f"/proc/{k}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return names


def by_tid(doc):
    return {t["tid"]: t for t in doc["blocked"]}


def deadlock_threads(d):
    return {t["tid"]: t for t in d["threads"]}


def task_states(pid):
    """The state letter of every thread of pid, and of its children's threads."""
    states = []
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    for p in pids:
        try:
            tids = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tids:
            try:
                with open(f"/proc/{p}/task/{t}/stat") as f:
                    states.append(f.read().rsplit(")", 1)[1].split()[0])
            except OSError:
                pass
    return states


def settle(pid, timeout=30):
    """Wait until every thread of the hang is asleep, twice in a row: in its wait."""
    deadline = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < deadline and calm < 2:
        states = task_states(pid)
        calm = calm + 1 if states and all(x in "SD" for x in states) else 0
        time.sleep(0.1)


class StuckTest(unittest.TestCase):
    """`ipctrace stuck`: one look at a process that is already hung."""

    def start(self, *args, busy=False):
        h = Hang(*args)
        self.addCleanup(h.kill)
        if busy:
            time.sleep(0.2)
        else:
            settle(h.pid)   # every thread in its wait, however loaded the machine
        return h

    def test_abba_attached(self):
        h = self.start("abba")
        rc, doc, r = stuck("-p", str(h.pid))
        self.assertEqual(rc, 3, r.stderr)
        self.assertEqual(doc["type"], "stuck")
        self.assertEqual(len(doc["deadlocks"]), 1)
        members = deadlock_threads(doc["deadlocks"][0])
        self.assertEqual(set(members), {h["tid_a"], h["tid_b"]})
        a, b = members[h["tid_a"]], members[h["tid_b"]]
        # each thread's held and awaited mutex named by symbol, the owner read from it
        self.assertEqual((a["wait"], a["lock"], a["owner_tid"]), ("mutex", "lock_b", h["tid_b"]))
        self.assertEqual((b["wait"], b["lock"], b["owner_tid"]), ("mutex", "lock_a", h["tid_a"]))
        self.assertEqual(a["holds"], "mutex lock_a")
        self.assertEqual(b["holds"], "mutex lock_b")
        self.assertEqual(a["addr"], hex(h["lock_b"]))
        self.assertEqual(a["obj"], f"futex:{hex(h['lock_b'])}@{h.pid}")
        for t in (a, b):
            self.assertEqual((t["pid"], t["op"], t["syscall"]), (h.pid, "futex_wait", "futex"))
            self.assertTrue(t["at_least"])      # blocked before ipctrace looked
            self.assertGreater(t["blocked_ns"], 100_000_000)
            self.assertTrue(t["stack"], t)
            self.assertIn("lll_lock_wait", t["stack"][0])
        # the main thread joins thread a: stuck behind the deadlock, not in it
        main = by_tid(doc)[h.pid]
        self.assertEqual((main["wait"], main["owner_tid"]), ("join", h["tid_a"]))
        self.assertTrue(main["stuck"])
        self.assertNotIn("deadlock", main)
        self.assertEqual(by_tid(doc)[h["tid_a"]]["deadlock"], 1)

    def test_abba_text(self):
        h = self.start("abba")
        r = run([IPCTRACE, "stuck", "-p", str(h.pid)])
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(f"pid {h.pid}: 3 threads blocked, 1 deadlock", r.stdout)
        self.assertIn("DEADLOCK 1: 2 threads", r.stdout)
        self.assertIn(f"hang[{h.pid}/{h['tid_a']}] holds mutex lock_a", r.stdout)
        self.assertIn("waits for mutex lock_b", r.stdout)
        self.assertIn(f"-> exit of thread {h['tid_a']} -> hang[{h.pid}/{h['tid_a']}] "
                      "(DEADLOCK 1)", r.stdout)

    def test_shared_mutexes_across_processes(self):
        h = self.start("shm-abba")
        rc, doc, r = stuck("-p", str(h.pid))
        self.assertEqual(rc, 3, r.stderr)
        members = deadlock_threads(doc["deadlocks"][0])
        # the child was found through the parent's wait: the owner of its mutex
        self.assertEqual(set(members), {h.pid, h["child"]})
        parent, child = members[h.pid], members[h["child"]]
        self.assertEqual(parent["owner_tid"], h["child"])
        self.assertEqual(child["owner_tid"], h.pid)
        # one futex for both processes: the inode behind the mapping and the offset
        self.assertRegex(child["obj"], r"^futex:\[\d+:\d+/\d+\]\+0x0$")
        self.assertEqual(parent["obj"], child["obj"].replace("+0x0", "+0x28"))
        self.assertEqual(parent["holds"], "mutex " + child["obj"])

    def test_pipes_read_from_each_other(self):
        h = self.start("pipe-cross")
        rc, doc, r = stuck("-p", str(h.pid))
        self.assertEqual(rc, 3, r.stderr)
        members = deadlock_threads(doc["deadlocks"][0])
        self.assertEqual(set(members), {h.pid, h["child"]})
        parent, child = members[h.pid], members[h["child"]]
        self.assertEqual((parent["op"], parent["obj"], parent["wakers"]),
                         ("pipe_read", f"pipe:[{h['to_parent']}]", [h["child"]]))
        self.assertEqual((child["op"], child["obj"], child["wakers"]),
                         ("pipe_read", f"pipe:[{h['to_child']}]", [h.pid]))
        self.assertEqual(parent["holds"], f"the write end of pipe:[{h['to_child']}]")
        # the syscall and its arguments: read(fd, buf, 1)
        self.assertEqual((parent["syscall"], parent["args"][2]), ("read", "0x1"))
        self.assertEqual(int(parent["args"][0], 16), parent["fd"])

    def test_full_pipe(self):
        h = self.start("full-pipe")
        rc, doc, r = stuck("-p", str(h.pid))
        self.assertEqual(rc, 3, r.stderr)
        members = deadlock_threads(doc["deadlocks"][0])
        parent, child = members[h.pid], members[h["child"]]
        self.assertEqual((parent["op"], parent["obj"], parent["wakers"]),
                         ("pipe_write", f"pipe:[{h['stdin_pipe']}]", [h["child"]]))
        self.assertEqual((child["op"], child["obj"], child["wakers"]),
                         ("pipe_write", f"pipe:[{h['stdout_pipe']}]", [h.pid]))
        self.assertEqual(child["holds"], f"the read end of pipe:[{h['stdin_pipe']}]")

    def test_chain_is_not_a_deadlock(self):
        h = self.start("chain")
        rc, doc, r = stuck("-p", str(h.pid))
        self.assertEqual(rc, 0, r.stderr)
        self.assertEqual(doc["deadlocks"], [])
        t = by_tid(doc)
        waiter, holder, writer = t[h["waiter"]], t[h["holder"]], t[h["writer"]]
        self.assertEqual((waiter["wait"], waiter["lock"], waiter["owner_tid"]),
                         ("mutex", "chain_lock", h["holder"]))
        self.assertEqual((holder["op"], holder["obj"], holder["wakers"]),
                         ("pipe_read", f"pipe:[{h['pipe']}]", [h["writer"]]))
        # the writer is another process, found as the pipe's only writer: it sleeps
        self.assertEqual((writer["pid"], writer["wait"], writer["syscall"]),
                         (h["writer"], "sleep", "clock_nanosleep"))
        for x in (waiter, holder, writer):
            self.assertNotIn("stuck", x)
        text = run([IPCTRACE, "stuck", "-p", str(h.pid)])
        self.assertEqual(text.returncode, 0)
        self.assertIn(f"-> mutex chain_lock -> hang[{h.pid}/{h['holder']}] -> "
                      f"pipe:[{h['pipe']}] -> hang[{h['writer']}/{h['writer']}] sleeping in "
                      "clock_nanosleep", text.stdout)
        self.assertNotIn("DEADLOCK", text.stdout)

    def test_shell_pipeline(self):
        """Software nobody here wrote: `sh -c 'sleep 1000 | cat'`, asked about the shell."""
        sh = subprocess.Popen(["sh", "-c", "sleep 1000 | cat"], stdout=subprocess.DEVNULL,
                              start_new_session=True)
        self.addCleanup(lambda: (os.killpg(sh.pid, signal.SIGKILL), sh.wait()))
        # both children started and in their calls, however loaded the machine
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sorted(children_comms(sh.pid)) != ["cat", "sleep"]:
            time.sleep(0.05)
        time.sleep(0.3)
        rc, doc, r = stuck("--blocked-min", "0", "-p", str(sh.pid))
        self.assertEqual(rc, 0, r.stderr)
        t = {x["comm"]: x for x in doc["blocked"]}
        self.assertEqual((t["sh"]["wait"], t["sh"]["owner_tid"]), ("child", -1))
        self.assertEqual(sorted(t["sh"]["wakers"]), sorted([t["sleep"]["pid"], t["cat"]["pid"]]))
        # cat reads the pipe whose only writer is sleep: found through the shell's children
        self.assertEqual((t["cat"]["op"], t["cat"]["wakers"]), ("pipe_read", [t["sleep"]["pid"]]))
        self.assertEqual(t["sleep"]["wait"], "sleep")
        self.assertEqual(doc["deadlocks"], [])

    def test_negatives(self):
        for scenario in ("contended", "condvar"):
            h = self.start(scenario, busy=scenario == "contended")
            for _ in range(3):
                rc, doc, r = stuck("--blocked-min", "0", "-p", str(h.pid))
                self.assertEqual(rc, 0, f"{scenario}: {r.stdout}")
                self.assertEqual(doc["deadlocks"], [])
            if scenario == "condvar":
                w = by_tid(doc)[h["waiter"]]
                self.assertEqual((w["wait"], w["lock"]), ("futex", "idle_cond+0x28"))
            h.kill()

    def test_thousand_threads(self):
        h = self.start("threads", "1000")
        t0 = time.monotonic()
        rc, doc, r = stuck("--top", "0", "-p", str(h.pid))
        took = time.monotonic() - t0
        self.assertEqual(rc, 3, r.stderr)
        members = deadlock_threads(doc["deadlocks"][0])
        self.assertEqual(set(members), {h["tid_a"], h["tid_b"]})
        behind = [t for t in doc["blocked"] if t.get("stuck") and "deadlock" not in t]
        self.assertEqual(len(behind), 998)
        self.assertTrue(all(t["lock"] == "lock_a" for t in behind))
        print(f"\n    stuck on 1000 threads: {took:.3f}s", end="")

    def test_usage(self):
        r = run([IPCTRACE, "stuck", "5"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("stuck takes no arguments", r.stderr)
        r = run([IPCTRACE, "stuck", "-p", "999999999"])
        self.assertEqual(r.returncode, 1)


class LiveTest(unittest.TestCase):
    """The live trace: BLOCKED NOW, deadlocks at once, calls in flight at the end."""

    def start(self, *args):
        h = Hang(*args)
        self.addCleanup(h.kill)
        settle(h.pid)
        return h

    def test_abba_attached_live(self):
        h = self.start("abba")
        r = run([IPCTRACE, "-p", str(h.pid), "-d", "2.5"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("BLOCKED NOW: 3 threads", r.stdout)
        self.assertRegex(r.stdout, rf"hang\[{h.pid}/{h['tid_a']}\] +>=\S+ +futex_wait +"
                         rf"mutex lock_b +owner hang\[{h.pid}/{h['tid_b']}\]")
        self.assertIn("DEADLOCK 1: 2 threads", r.stdout)
        self.assertIn("STILL BLOCKED AT THE END: 3 threads", r.stdout)

    def test_abba_started_traced(self):
        # the hung command outlives ipctrace: it goes with its process group
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as errf:
            tr = subprocess.Popen([IPCTRACE, "--json", "-d", "2", "--", HANG, "abba"],
                                  stdout=out, stderr=errf, text=True, start_new_session=True)
            try:
                tr.wait(timeout=60)
            finally:
                os.killpg(tr.pid, signal.SIGKILL)
            out.seek(0)
            stdout = out.read()
            errf.seek(0)
            err = errf.read()
        self.assertEqual(tr.returncode, 0, err)
        lines = [json.loads(x) for x in stdout.splitlines() if x.startswith("{")]
        found = [x for x in lines if x.get("type") == "deadlock"]
        self.assertEqual(len(found), 1, stdout)
        members = found[0]["deadlock"]["threads"]
        self.assertEqual(sorted(t["lock"] for t in members), ["lock_a", "lock_b"])
        for t in members:
            # the probes saw these calls start: their start is exact
            self.assertNotIn("at_least", t)
        # the calls still in flight at the end are events, with their time so far
        inflight = [x for x in lines if x.get("in_flight")]
        self.assertEqual(len(inflight), 3, inflight)
        for e in inflight:
            self.assertEqual(e["op"], "futex_wait")
            self.assertGreater(e["dur_ns"], 1_000_000_000)
            self.assertNotIn("ret", e)
        summary = lines[-1]
        self.assertEqual(summary["type"], "summary")
        self.assertEqual(len(summary["deadlocks"]), 1)
        self.assertEqual(len(summary["blocked"]), 3)
        self.assertTrue(all(t["in_flight"] for t in summary["blocked"]))

    def test_killed_reader(self):
        """A reader killed while blocked in read: the call appears, with its end."""
        h = self.start("read")
        tr = subprocess.Popen([IPCTRACE, "--json", "-p", str(h.pid)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(2.5)     # loaded, attached, the read taken over
            h.kill()
            out, err = tr.communicate(timeout=30)
        finally:
            if tr.poll() is None:
                tr.kill()
        lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
        reads = [x for x in lines if x.get("op") == "pipe_read"]
        self.assertEqual(len(reads), 1, out + err)
        e = reads[0]
        self.assertEqual((e["pid"], e["obj"], e["fd"]), (h.pid, f"pipe:[{h['pipe']}]", h["fd"]))
        self.assertTrue(e["killed"] and e["started_before"] and e["blocked"])
        self.assertEqual(e["errno"], "ERESTARTSYS")
        exits = [x for x in lines if x.get("op") == "proc_exit" and x["pid"] == h.pid]
        self.assertEqual(exits[0]["exit_signal"], "SIGKILL")

    def test_recording_replays_the_deadlock(self):
        h = self.start("abba")
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "abba.ipct")
            r = run([IPCTRACE, "record", "-o", rec, "-p", str(h.pid), "-d", "1.5"])
            self.assertEqual(r.returncode, 0, r.stderr)
            h.kill()
            r = run([IPCTRACE, "report", "--json", rec])
            self.assertEqual(r.returncode, 0, r.stderr)
            summary = json.loads(r.stdout.splitlines()[-1])
            members = deadlock_threads(summary["deadlocks"][0])
            self.assertEqual(set(members), {h["tid_a"], h["tid_b"]})
            self.assertEqual(members[h["tid_a"]]["lock"], "lock_b")
            self.assertEqual(members[h["tid_b"]]["holds"], "mutex lock_b")
            text = run([IPCTRACE, "report", rec])
            self.assertIn("DEADLOCK 1: 2 threads", text.stdout)
            self.assertIn("STILL BLOCKED AT THE END: 3 threads", text.stdout)

    def test_pingpong_is_not_a_deadlock(self):
        r = run([IPCTRACE, "--json", "-i", "0.2", "--", IPCWORK, "pipe-pingpong", "100000"])
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
        self.assertEqual([x for x in lines if x.get("type") == "deadlock"], [])
        self.assertEqual(lines[-1]["deadlocks"], [])

    def test_graph_overlay(self):
        h = self.start("pipe-cross")
        r = run([IPCTRACE, "-q", "-p", str(h.pid), "-d", "1.5", "--graph", "dot"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f'"pid:{h.pid}" -> "pipe:[{h["to_parent"]}]" [color=red', r.stdout)
        self.assertIn(f'"pipe:[{h["to_parent"]}]" -> "pid:{h["child"]}" [color=red', r.stdout)
        svg = run(["dot", "-Tsvg"], input=r.stdout)
        self.assertEqual(svg.returncode, 0, svg.stderr)
        r = run([IPCTRACE, "-q", "-p", str(h.pid), "-d", "1.5", "--graph", "json"])
        graph = json.loads(r.stdout)
        members = deadlock_threads(graph["deadlocks"][0])
        self.assertEqual(set(members), {h.pid, h["child"]})


if __name__ == "__main__":
    unittest.main()
