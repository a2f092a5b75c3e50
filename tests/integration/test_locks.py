# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Lock contention from futexes and semop, and the flame outputs, against the
real probes and the ipcwork lock scenarios: the ranking, kinds, symbols, call
sites, holders, and the folded/SVG files, live and from a recording.

The live source reads a process's memory maps when its first stack reaches
the collector, which polls the ring buffer every 100 ms: a process must live
a few hundred milliseconds for its frames to be named, so the counts here keep
each scenario running that long."""
import os
import shutil
import subprocess
import tempfile
import unittest

import ipct

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_CHECK = os.path.join(HERE, "..", "..", "tools", "flame-browser-check.sh")
LOCK_OPS = {"lock_acquire", "lock_try", "lock_release", "cond_wait", "cond_signal",
            "cond_broadcast"}


def addr(value):
    return f"0x{int(value, 16):x}"


def folded_lines(path):
    """[(frames, weight)] of a folded file; every line must parse."""
    out = []
    with open(path) as f:
        for line in f:
            stack, _, weight = line.rstrip("\n").rpartition(" ")
            assert stack and weight.isdigit(), f"bad folded line: {line!r}"
            out.append((stack.split(";"), int(weight)))
    return out


def blocked_us(events):
    """The time the IPC operations of a trace blocked, rounded to microseconds."""
    ns = sum(e["dur_ns"] for e in events if e.get("blocked") and e["op"] not in LOCK_OPS)
    return (ns + 500) // 1000


class Locks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ipct-locks-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def trace(self, *workload, args=()):
        r = ipct.trace_cmd(["--json"] + list(args), workload)
        self.assertEqual(r.returncode, 0, r)
        self.assertIsNotNone(r.summary, r)
        self.assertEqual(r.summary["lost"]["ringbuf_full"], 0)
        return r

    def lock(self, r, **match):
        found = [row for row in r.summary["contended_locks"]
                 if all(row.get(k) == v for k, v in match.items())]
        self.assertEqual(len(found), 1, (match, r.summary["contended_locks"]))
        return found[0]

    def futex_events(self, r, op, uaddr):
        return [e for e in r.ops(op) if e.get("uaddr") == uaddr]

    def test_locks_mutex_contended_first(self):
        r = self.trace("mutex", "-t", "4", "3000",
                       args=("--folded", self.path("m.folded")))
        main = r.work(event="done", role="main")
        pid = int(main["pid"])
        counter, quiet = addr(main["counter_lock"]), addr(main["quiet_lock"])
        workers = {int(i["tid"]) for i in r.info if i.get("role") == "worker"}
        top = r.summary["contended_locks"][0]
        self.assertEqual(top["kind"], "mutex", top["evidence"])
        self.assertEqual((top["pid"], top["addr"], top["symbol"]), (pid, counter, "counter_lock"))
        self.assertEqual(top["top_site"], "worker_hot_loop")
        self.assertIn("worker_hot_loop", top["sites"][0]["stack"])
        # exactly what the probes saw on that word
        waits = self.futex_events(r, "futex_wait", counter)
        slept = [e for e in waits if e.get("blocked")]
        wakes = self.futex_events(r, "futex_wake", counter)
        self.assertGreater(len(slept), 10)
        self.assertEqual(top["waits"], len(waits))
        self.assertEqual(top["blocked"], len(slept))
        self.assertEqual(top["blocked_ns"], sum(e["dur_ns"] for e in slept))
        self.assertEqual(top["max_ns"], max(e["dur_ns"] for e in slept))
        self.assertEqual(top["wakes"], len(wakes))
        self.assertEqual(top["woken"], sum(max(e["ret"], 0) for e in wakes))
        self.assertEqual(top["eagain"], len([e for e in waits if e["ret"] == -11]))
        self.assertLessEqual(top["p50_ns"], top["p90_ns"])
        self.assertLessEqual(top["p90_ns"], top["p99_ns"])
        self.assertLessEqual(top["p99_ns"], top["max_ns"])
        self.assertEqual(sum(h["count"] for h in top["histogram"]), top["blocked"])
        # the waiters and the likely holder are the worker threads
        self.assertEqual({w["tid"] for w in top["waiters"]}, workers)
        self.assertIn(top["holder"]["tid"], workers)
        self.assertEqual(top["holder"]["source"], "waker")
        self.assertGreater(top["paired"], 0.9 * top["blocked"])
        self.assertIn(top["max_waiters"], (1, 2, 3))
        self.assertEqual(top["release_sites"][0]["site"], "worker_hot_loop")
        # the uncontended lock made no futex call at all, so it cannot show up
        self.assertEqual([e for e in r.events if e.get("uaddr") == quiet], [])
        self.assertEqual([row for row in r.summary["contended_locks"]
                          if row.get("addr") == quiet or row["symbol"] == "quiet_lock"], [])
        stacks = folded_lines(self.path("m.folded"))
        hot = [s for s, _ in stacks if s[-1] == "futex:counter_lock"]
        self.assertEqual(len(hot), 1, stacks)
        self.assertEqual(hot[0][0], "ipcwork")
        self.assertIn("worker_hot_loop", hot[0])

    def test_locks_condvar_idle_ranks_below_light_mutex(self):
        r = self.trace("condvar", "2")
        main = r.work(event="done", role="main")
        rows = r.summary["contended_locks"]
        light = self.lock(r, symbol="light_lock")
        idle = self.lock(r, symbol="idle_cond+0x28")  # glibc's __g_signals[0]
        self.assertEqual(light["addr"], addr(main["light_lock"]))
        self.assertEqual(int(idle["addr"], 16), int(main["idle_cond"], 16) + 0x28)
        self.assertEqual(light["kind"], "mutex", light["evidence"])
        self.assertEqual(idle["kind"], "condvar/wait", idle["evidence"])
        self.assertTrue(idle["idle_wait"])
        self.assertFalse(light["idle_wait"])
        # the idle wait is the longer one, and still ranks below
        self.assertGreater(idle["blocked_ns"], 1.9e9)
        self.assertLess(light["blocked_ns"], idle["blocked_ns"])
        self.assertLess(rows.index(light), rows.index(idle))
        self.assertTrue(all(not row["idle_wait"] for row in rows[:rows.index(idle)]))
        self.assertEqual(light["top_site"], "light_worker_loop")
        idle_tid = int(r.work(role="idle-worker", event="done")["tid"])
        self.assertEqual([w["tid"] for w in idle["waiters"]], [idle_tid])
        self.assertEqual(idle["holder"]["tid"], int(main["tid"]))

    def check_sems(self, named):
        n = 200
        args = ["sem"] + (["--named"] if named else []) + [str(n)]
        r = self.trace(*args)
        poster = r.work(event="done", role="poster")
        setup = [i for i in r.info if i.get("role") == "poster" and "sem_posix" in i][0]
        waiter = r.work(event="done", role="waiter")
        wpid = int(waiter["pid"])
        posix = self.lock(r, addr=addr(setup["sem_posix"]))
        sysv = self.lock(r, semid=int(setup["semid"]), semnum=0)
        for row, wait_ns in ((posix, "posix_wait_ns"), (sysv, "sysv_wait_ns")):
            self.assertEqual(row["kind"], "semaphore", row["evidence"])
            self.assertEqual(sorted(row["pids"]), sorted([wpid, int(poster["pid"])]))
            self.assertEqual([w["tid"] for w in row["waiters"]], [wpid])
            self.assertEqual(row["holder"]["tid"], int(poster["tid"]))
            # time in the kernel, within the time the waiter measured around its calls
            self.assertGreater(row["blocked_ns"], 0)
            self.assertLessEqual(row["blocked_ns"], int(waiter[wait_ns]))
            if setup["block_check"] == "syscall":
                self.assertEqual(row["blocked"], n)
        self.assertTrue(posix["shared"])
        # sem_open() maps a temporary file and renames it: the maps cannot name it
        self.assertIsNone(posix["symbol"])
        self.assertEqual(sysv["top_site"], "sysv_sem_wait_loop")
        waits = [e for e in r.ops("sem_op", pid=wpid) if e.get("blocked")]
        self.assertEqual(sysv["blocked"], len(waits))
        self.assertEqual(sysv["blocked_ns"], sum(e["dur_ns"] for e in waits))

    def test_locks_semaphores(self):
        self.check_sems(named=False)

    def test_locks_named_semaphore(self):
        self.check_sems(named=True)

    def test_locks_exited_process_symbolized(self):
        r = self.trace("exit-early", "--hold-us", "50", "3000")
        child = r.work(event="done", role="child")
        cpid = int(child["pid"])
        exited = r.work(event="child-exit")
        self.assertEqual(int(exited["child"]), cpid)
        row = self.lock(r, pid=cpid, symbol="early_lock")
        self.assertEqual(row["addr"], addr(child["early_lock"]))
        self.assertEqual(row["kind"], "mutex")
        self.assertEqual(row["top_site"], "short_lived_contender")
        self.assertIn("short_lived_contender", row["sites"][0]["stack"])
        self.assertEqual(r.summary["lock_stacks"]["stacks_unknown"], 0)

    def test_locks_folded_total_is_blocked_time(self):
        folded = self.path("pp.folded")
        r = self.trace("pipe-pingpong", "300", args=("--folded", folded))
        parent = r.work(event="done", role="parent")
        stacks = folded_lines(folded)
        self.assertEqual(sum(w for _, w in stacks), blocked_us(r.events))
        self.assertGreater(sum(w for _, w in stacks), 0)
        roots = {s[0] for s, _ in stacks}
        self.assertIn("ipcwork", roots)
        leaves = {s[-1] for s, _ in stacks}
        self.assertIn(f"pipe:[{parent['pipe2_ino']}]", leaves)
        self.assertEqual(len({tuple(s) for s, _ in stacks}), len(stacks), "stacks merge")

    def test_locks_flame_svg_renders(self):
        svg, png = self.path("m.svg"), self.path("m.png")
        self.trace("mutex", "-t", "4", "3000", args=("--flame", svg))
        with open(svg) as f:
            doc = f.read()
        self.assertIn("ipctrace: time blocked on IPC", doc)
        self.assertIn("futex:counter_lock", doc)
        self.assertIn("worker_hot_loop", doc)
        p = subprocess.run([BROWSER_CHECK, svg, png], capture_output=True, text=True,
                           timeout=300)
        if p.returncode == 77:
            self.skipTest(p.stderr.strip())
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        self.assertGreater(os.path.getsize(png), 1000)

    def test_locks_report_from_recording(self):
        rec, folded, svg = self.path("m.ipct"), self.path("r.folded"), self.path("r.svg")
        with tempfile.NamedTemporaryFile("r") as info:
            p = ipct.run([ipct.IPCTRACE, "record", "-o", rec, "--", ipct.IPCWORK,
                          "--info", info.name, "mutex", "-t", "4", "3000"])
            self.assertEqual(p.returncode, 0, p.stderr)
            work = ipct.parse_info(info.read())
        main = [i for i in work if i.get("event") == "done" and i.get("role") == "main"][0]
        p = ipct.run([ipct.IPCTRACE, "report", "--json", "--folded", folded, "--flame", svg,
                      rec])
        self.assertEqual(p.returncode, 0, p.stderr)
        rep = ipct.Run(p, p.stdout, p.stderr, [])
        top = rep.summary["contended_locks"][0]
        self.assertEqual((top["symbol"], top["addr"]), ("counter_lock", addr(main["counter_lock"])))
        self.assertEqual(top["top_site"], "worker_hot_loop")
        self.assertEqual(sum(w for _, w in folded_lines(folded)), blocked_us(rep.events))
        with open(svg) as f:
            self.assertIn(f"recording {rec}", f.read())
        # the text report names the lock and where it was waited for
        p = ipct.run([ipct.IPCTRACE, "report", rec])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"\nmutex +ipcwork\[\d+\] +counter_lock ")
        self.assertIn("waiting in worker_hot_loop", p.stdout)


if __name__ == "__main__":
    unittest.main()
