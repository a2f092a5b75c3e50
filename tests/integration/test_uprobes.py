# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""--locks: pthread and semaphore calls seen by uprobes, checked against what
the workloads did: acquisitions per thread, hold times, owners, call sites,
stacks, condvar mutexes, semaphore pairing; -p, fork and exec following,
static programs, and the errors."""
import collections
import os
import shutil
import statistics
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import zlib

import ipct

# enum ipc_lock_func values (include/ipctrace_abi.h)
FN_MUTEX_LOCK, FN_MUTEX_UNLOCK = 1, 4
FN_COND_WAIT, FN_COND_SIGNAL = 12, 14
FN_SEM_WAIT, FN_SEM_POST = 16, 19


def hexaddr(s):
    return f"0x{int(s, 16):x}"


def nm_symbols(path):
    """name -> (value, size) from the symbol table of an ELF file."""
    out = ipct.run(["nm", "-S", "--defined-only", path]).stdout
    syms = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4:
            syms[f[3]] = (int(f[0], 16), int(f[1], 16))
    return syms


class LockRun:
    """The lock records of one run, with helpers on top of ipct.Run."""

    def __init__(self, run):
        self.run = run
        self.locks = [e for e in run.events if e.get("sys") == "uprobe"]

    def on(self, addr, **match):
        return [e for e in self.locks if e["addr"] == addr and
                all(e.get(k) == v for k, v in match.items())]


def setup_line(run, role, key):
    """The setup info line of role that has key (printed before `ready`)."""
    found = [i for i in run.info if i.get("role") == role and key in i and "event" not in i]
    if not found:
        raise AssertionError(f"no setup line of {role} with {key}: {run.info}")
    return found[0]


def check_holds_and_owners(test, recs, hold_ns):
    """Per thread, acquire/release alternate; holds >= hold_ns; the owner
    at each release is the thread that acquired.  Returns the holds."""
    holds = []
    by_tid = collections.defaultdict(list)
    for e in sorted(recs, key=lambda e: e["ts_ns"]):
        by_tid[e["tid"]].append(e)
    for tid, seq in by_tid.items():
        ops = [e["op"] for e in seq]
        test.assertEqual(ops, ["lock_acquire", "lock_release"] * (len(seq) // 2), tid)
        for acq, rel in zip(seq[0::2], seq[1::2]):
            holds.append(rel["ts_ns"] - (acq["ts_ns"] + acq.get("dur_ns", 0)))
    test.assertGreaterEqual(min(holds), hold_ns)
    # the lock changes hands at an acquisition's return and a release's entry
    timeline = sorted((e["ts_ns"] + e.get("dur_ns", 0) if e["op"] == "lock_acquire"
                       else e["ts_ns"], e["op"], e["tid"]) for e in recs)
    owner = None
    for _, op, tid in timeline:
        if op == "lock_acquire":
            test.assertIsNone(owner, f"{tid} acquired while {owner} held it")
            owner = tid
        else:
            test.assertEqual(owner, tid, "released by a thread that does not hold it")
            owner = None
    return holds


class Uprobes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.syms = nm_symbols(ipct.IPCWORK)

    def trace(self, *workload, args=()):
        r = ipct.trace_cmd(["--locks", "--json"] + list(args), workload)
        self.assertEqual(r.returncode, 0, r)
        self.assertIsNotNone(r.summary, r)
        self.assertEqual(r.summary["lost"]["ringbuf_full"], 0, r.summary["lost"])
        return r

    def assertInFunction(self, ip, base, name):
        start, size = self.syms[name]
        self.assertTrue(base + start <= ip < base + start + size,
                        f"0x{ip:x} is not in {name} (0x{base + start:x}+{size})")

    def assertNothingLoaded(self):
        """No lock program is left (the kernel frees them after a grace period)."""
        for _ in range(50):
            progs = ipct.bpf_programs_loaded(exclude_held=True)
            names = progs.values() if isinstance(progs, dict) else progs
            left = [n for n in names if n.startswith("ipc_lock")]
            if not left:
                return
            time.sleep(0.1)
        self.assertEqual(left, [])

    def test_uprobe_mutex_counts_holds_owners(self):
        hold_us, n = 50, 300
        r = self.trace("mutex", "-t", "4", "--hold-us", str(hold_us), str(n))
        lr = LockRun(r)
        main = r.work(event="done", role="main")
        counter, quiet = hexaddr(main["counter_lock"]), hexaddr(main["quiet_lock"])
        base = int(counter, 16) - self.syms["counter_lock"][0]
        workers = [i for i in r.info if i.get("event") == "done" and i["role"] == "worker"]
        self.assertEqual(len(workers), 4)
        for w in workers:
            tid = int(w["tid"])
            acq = lr.on(counter, tid=tid, op="lock_acquire", ret=0)
            rel = lr.on(counter, tid=tid, op="lock_release", ret=0)
            self.assertEqual(len(acq), int(w["acquisitions"]))
            self.assertEqual(len(rel), len(acq))
        recs = lr.on(counter)
        self.assertEqual(len(recs), 2 * 4 * n)
        holds = check_holds_and_owners(self, recs, hold_us * 1000)
        med = statistics.median(holds)
        self.assertTrue(hold_us * 1000 <= med <= 5 * hold_us * 1000, f"median hold {med} ns")
        # 4 threads on one lock: some acquisitions had to sleep
        self.assertGreater(len([e for e in recs if e.get("blocked")]), 0)
        for e in recs:
            self.assertEqual(e["lock_kind"], "mutex")
            self.assertEqual(e["pid"], int(main["pid"]))
            if e["op"] == "lock_acquire":
                self.assertEqual(e["func"], FN_MUTEX_LOCK)
                self.assertInFunction(int(e["call_ip"], 16), base, "lock")
                self.assertGreaterEqual(e.get("stack_id", -1), 0, e)
            else:
                self.assertEqual(e["func"], FN_MUTEX_UNLOCK)
                self.assertInFunction(int(e["call_ip"], 16), base, "unlock")
                self.assertNotIn("stack_id", e)
        # the quiet lock: the main thread alone, never contended
        mtid = int(main["tid"])
        q = lr.on(quiet)
        self.assertEqual(len([e for e in q if e["op"] == "lock_acquire"]),
                         int(main["quiet_acquisitions"]))
        self.assertEqual(len(q), 2 * int(main["quiet_acquisitions"]))
        self.assertEqual({e["tid"] for e in q}, {mtid})
        self.assertFalse(any(e.get("blocked") for e in q))
        check_holds_and_owners(self, q, 0)

    def test_uprobe_condvar_carries_its_mutex(self):
        secs = 1
        r = self.trace("condvar", str(secs))
        lr = LockRun(r)
        idle = r.work(event="done", role="idle-worker")
        main = r.work(event="done", role="main")
        cond, mutex = hexaddr(idle["idle_cond"]), hexaddr(idle["idle_mutex"])
        waits = lr.on(cond, op="cond_wait")
        self.assertEqual(len(waits), int(idle["cond_waits"]))
        for w in waits:
            self.assertEqual(w["tid"], int(idle["tid"]))
            self.assertEqual(w["addr2"], mutex)
            self.assertEqual((w["func"], w["lock_kind"], w["ret"]), (FN_COND_WAIT, "cond", 0))
            self.assertGreaterEqual(w["dur_ns"], 0.9 * secs * 1e9)
            self.assertTrue(w.get("blocked"))
            self.assertGreaterEqual(w.get("stack_id", -1), 0)
        sig = lr.on(cond, op="cond_signal")
        self.assertEqual([(e["tid"], e["func"]) for e in sig], [(int(main["tid"]), FN_COND_SIGNAL)])
        # the wait returned after the signal was sent
        self.assertGreater(waits[-1]["ts_ns"] + waits[-1]["dur_ns"], sig[0]["ts_ns"])
        # the idle worker's own lock/unlock around the wait; the wait's
        # release and re-acquisition inside glibc are not separate calls
        self.assertEqual(len(lr.on(mutex, tid=int(idle["tid"]), op="lock_acquire")), 1)
        self.assertEqual(len(lr.on(mutex, tid=int(idle["tid"]), op="lock_release")), 1)
        light = hexaddr(main["light_lock"])
        for d in [i for i in r.info if i.get("event") == "done" and i["role"] == "light"]:
            got = lr.on(light, tid=int(d["tid"]), op="lock_acquire", ret=0)
            self.assertEqual(len(got), int(d["acquisitions"]))

    def test_uprobe_sem_wait_post_pair(self):
        n = 100
        r = self.trace("sem", str(n))
        lr = LockRun(r)
        waiter = r.work(event="done", role="waiter")
        poster = r.work(event="done", role="poster")
        sem = hexaddr(waiter["sem_posix"])
        self.assertEqual(sem, hexaddr(poster["sem_posix"]))
        waits = sorted(lr.on(sem, op="lock_acquire"), key=lambda e: e["ts_ns"])
        posts = sorted(lr.on(sem, op="lock_release"), key=lambda e: e["ts_ns"])
        self.assertEqual(len(waits), int(waiter["posix_waits"]))
        self.assertEqual(len(posts), int(poster["posix_posts"]))
        self.assertEqual({(e["pid"], e["func"], e["ret"], e["lock_kind"]) for e in waits},
                         {(int(waiter["pid"]), FN_SEM_WAIT, 0, "sem")})
        self.assertEqual({(e["pid"], e["func"], e["ret"]) for e in posts},
                         {(int(poster["pid"]), FN_SEM_POST, 0)})
        # every wait blocked until its post: the k-th wait returns after the k-th post began
        for k, (w, p) in enumerate(zip(waits, posts)):
            self.assertTrue(w.get("blocked"), k)
            self.assertGreater(w["ts_ns"] + w["dur_ns"], p["ts_ns"], k)
            if k + 1 < len(posts):
                self.assertLess(w["ts_ns"], posts[k + 1]["ts_ns"], k)

    def test_uprobe_follows_fork_shared_mutex(self):
        """shm-mutex: the child forks after the probes are in (pid -1, BPF filter)."""
        n = 300
        r = self.trace("shm-mutex", str(n))
        lr = LockRun(r)
        done = [i for i in r.info if i.get("event") == "done"]
        self.assertEqual(sorted(d["role"] for d in done), ["child", "parent"])
        mutex = hexaddr(setup_line(r, "parent", "mutex")["mutex"])
        for d in done:
            acq = lr.on(mutex, pid=int(d["pid"]), op="lock_acquire", ret=0)
            self.assertEqual(len(acq), int(d["acquisitions"]), d["role"])
        check_holds_and_owners(self, lr.on(mutex), 0)

    def test_uprobe_through_exec(self):
        """A shell forks and execs the workload: same libc, so covered from the start."""
        n = 200
        with tempfile.NamedTemporaryFile("r", suffix=".info") as info:
            p = ipct.run([ipct.IPCTRACE, "--locks", "--json", "--", "sh", "-c",
                          f'"$0" --info {info.name} mutex -t 2 --hold-us 5 {n}; true',
                          ipct.IPCWORK])
            run = ipct.Run(p, p.stdout, p.stderr, ipct.parse_info(info.read()))
        self.assertEqual(p.returncode, 0, p.stderr)
        lr = LockRun(run)
        main = run.work(event="done", role="main")
        counter = hexaddr(main["counter_lock"])
        self.assertEqual(len(lr.on(counter, op="lock_acquire", ret=0)), 2 * n)
        self.assertEqual(len(lr.on(counter, op="lock_release")), 2 * n)

    def test_uprobe_attach_pid(self):
        """-p PID without -f: probes for that process only, until it exits."""
        n = 300
        w = ipct.Workload(["mutex", "-t", "4", "--hold-us", "10", str(n)])
        try:
            pid = w.pid(role="main")
            tracer, err_lines = start_tracer(["--locks", "--json", "-v", "-p", str(pid)])
            w.go()
            self.assertEqual(w.wait(), 0)
            out, _ = tracer.communicate(timeout=60)
        finally:
            w.kill()
        err = "".join(err_lines)
        self.assertEqual(tracer.returncode, 0, err)
        self.assertIn(f"functions of process {pid} probed", err)
        run = ipct.Run(tracer, out, err, w.info)
        lr = LockRun(run)
        main = run.work(event="done", role="main")
        counter = hexaddr(main["counter_lock"])
        for d in [i for i in run.info if i.get("event") == "done" and i["role"] == "worker"]:
            got = lr.on(counter, tid=int(d["tid"]), op="lock_acquire", ret=0)
            self.assertEqual(len(got), int(d["acquisitions"]))
        self.assertEqual({e["pid"] for e in lr.locks}, {pid})
        self.assertNothingLoaded()

    def test_uprobe_stacks_in_recording(self):
        """The stacks of acquisitions start at the call site: lock() in worker_hot_loop()."""
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "locks.ipct")
            info = os.path.join(d, "info")
            p = ipct.run([ipct.IPCTRACE, "record", "--locks", "-o", rec, "--", ipct.IPCWORK,
                          "--info", info, "mutex", "-t", "2", "--hold-us", "5", "100"])
            self.assertEqual(p.returncode, 0, p.stderr)
            locks, stacks = read_recording(rec)
            with open(info) as f:
                infos = ipct.parse_info(f.read())
        main = [i for i in infos if i.get("event") == "done" and i["role"] == "main"][0]
        counter = int(main["counter_lock"], 16)
        base = counter - self.syms["counter_lock"][0]
        acq = [l for l in locks if l["addr"] == counter and l["op"] == 90]
        self.assertEqual(len(acq), 200)
        for l in acq:
            ips = stacks[(l["pid"], l["stack_id"])]
            self.assertEqual(ips[0], l["call_ip"])
            self.assertInFunction(ips[0], base, "lock")
            self.assertInFunction(ips[1], base, "worker_hot_loop")

    def test_uprobe_static_program(self):
        """A static program has the functions itself: found in its executable,
        for -p and for a command (attached once it has exec'd)."""
        if not shutil.which("cc"):
            self.skipTest("no C compiler")
        with tempfile.TemporaryDirectory() as d:
            exe = build_static(d, strip=False)
            stripped = build_static(d, strip=True)
            # -- CMD: ipctrace's libc is probed first; the new image after its exec
            p = ipct.run([ipct.IPCTRACE, "--locks", "--json", "--", exe, "300", "400"])
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(program_locks(ipct.Run(p, p.stdout, p.stderr, [])), 400, p.stderr)
            # -p: found in the executable straight away
            w = subprocess.Popen([exe, "0", "250", "wait"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(w.stdout.readline().strip(), "ready")
                tracer, err_lines = start_tracer(["--locks", "--json", "-v", "-p", str(w.pid)])
                w.stdin.write("go\n")
                w.stdin.flush()
                self.assertEqual(w.wait(timeout=30), 0)
                out, _ = tracer.communicate(timeout=30)
            finally:
                w.kill()
            self.assertEqual(tracer.returncode, 0, "".join(err_lines))
            self.assertEqual(program_locks(ipct.Run(tracer, out, "", [])), 250)
            # stripped: nothing to probe, and the message says so
            w = subprocess.Popen([stripped, "0", "1", "wait"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(w.stdout.readline().strip(), "ready")
                p = ipct.run([ipct.IPCTRACE, "--locks", "-q", "-p", str(w.pid)])
            finally:
                w.kill()
                w.wait()
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"failed to find pthread_mutex_lock in process {w.pid}", p.stderr)
        self.assertNothingLoaded()

    def test_uprobe_chroot_own_libc(self):
        """A chrooted program runs its own copy of libc (another inode): found in
        its maps, for -p, and for a command after its exec into the chroot."""
        if not shutil.which("cc") or not shutil.which("ldd"):
            self.skipTest("no C compiler")
        with tempfile.TemporaryDirectory() as d:
            root = os.path.join(d, "root")
            exe = build_static(d, strip=False, static=False)
            copy_with_libs(exe, root)
            # -- CMD: chroot runs on our libc; then the exec into the copy
            p = ipct.run([ipct.IPCTRACE, "--locks", "--json", "-v", "--", "chroot", root,
                          "/prog", "300", "400"])
            self.assertEqual(p.returncode, 0, p.stderr)
            run = ipct.Run(p, p.stdout, p.stderr, [])
            self.assertEqual(program_locks(run, comm="prog"), 400, p.stderr)
            self.assertEqual(p.stderr.count("functions of process"), 2, p.stderr)
            # -p: straight away
            w = subprocess.Popen(["chroot", root, "/prog", "0", "250", "wait"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            try:
                self.assertEqual(w.stdout.readline().strip(), "ready")
                tracer, err_lines = start_tracer(["--locks", "--json", "-v", "-p", str(w.pid)])
                w.stdin.write("go\n")
                w.stdin.flush()
                self.assertEqual(w.wait(timeout=30), 0)
                out, _ = tracer.communicate(timeout=30)
            finally:
                w.kill()
        err = "".join(err_lines)
        self.assertEqual(tracer.returncode, 0, err)
        self.assertIn(f"functions of process {w.pid} probed ({root}/", err)
        self.assertEqual(program_locks(ipct.Run(tracer, out, err, [])), 250)

    def test_uprobe_every_function(self):
        """Each probed function, called with a known result: one record each,
        with its function, operation, result, kind and objects."""
        if not shutil.which("cc"):
            self.skipTest("no C compiler")
        with tempfile.TemporaryDirectory() as d:
            exe = os.path.join(d, "lock_api")
            src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lock_api.c")
            cc = ipct.run(["cc", "-O1", "-g", "-pthread", src, "-o", exe])
            self.assertEqual(cc.returncode, 0, cc.stderr)
            p = ipct.run([ipct.IPCTRACE, "--locks", "--json", "--", exe, exe + ".out"])
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(exe + ".out") as f:
                line = f.read().strip()
        run = ipct.Run(p, p.stdout, p.stderr, [])
        got = dict(kv.split("=") for kv in line.split())
        m, rw, c, sem = (hexaddr(got[k]) for k in ("mutex", "rwlock", "cond", "sem"))
        tid, waits = int(got["tid"]), int(got["cond_waits"])
        name = {m: "m", rw: "rw", c: "c", sem: "s"}
        mine = sorted((e for e in LockRun(run).locks if e["tid"] == tid and e["addr"] in name),
                      key=lambda e: e["ts_ns"])
        seen = [(e["func"], e["op"], e["ret"], e["lock_kind"], name[e["addr"]],
                 name.get(e.get("addr2"), "-")) for e in mine]
        acq, tr, rel = "lock_acquire", "lock_try", "lock_release"
        ebusy, etimedout, edeadlk = 16, 110, 35
        want = [
            (1, acq, 0, "mutex", "m", "-"), (2, tr, ebusy, "mutex", "m", "-"),
            (3, acq, etimedout, "mutex", "m", "-"), (3, acq, etimedout, "mutex", "m", "-"),
            (4, rel, 0, "mutex", "m", "-"),
            (5, acq, 0, "rwlock_rd", "rw", "-"), (6, tr, 0, "rwlock_rd", "rw", "-"),
            (9, tr, ebusy, "rwlock_wr", "rw", "-"),
            (10, acq, etimedout, "rwlock_wr", "rw", "-"),
            (10, acq, etimedout, "rwlock_wr", "rw", "-"),
            (11, rel, 0, "rwlock_rd", "rw", "-"), (11, rel, 0, "rwlock_rd", "rw", "-"),
            (8, acq, 0, "rwlock_wr", "rw", "-"),
            (7, acq, edeadlk, "rwlock_rd", "rw", "-"), (7, acq, edeadlk, "rwlock_rd", "rw", "-"),
            (11, rel, 0, "rwlock_wr", "rw", "-"),
            (1, acq, 0, "mutex", "m", "-"),
            (13, "cond_wait", etimedout, "cond", "c", "m"),
            (13, "cond_wait", etimedout, "cond", "c", "m"),
            (14, "cond_signal", 0, "cond", "c", "-"), (15, "cond_broadcast", 0, "cond", "c", "-"),
        ] + [(12, "cond_wait", 0, "cond", "c", "m")] * waits + [
            (4, rel, 0, "mutex", "m", "-"),
            (16, acq, 0, "sem", "s", "-"), (18, tr, -1, "sem", "s", "-"),
            (17, acq, -1, "sem", "s", "-"), (17, acq, -1, "sem", "s", "-"),
            (19, rel, 0, "sem", "s", "-"),
        ]
        self.assertEqual(seen, want)
        # the timed calls waited their 10 ms; the helper thread signalled once
        timed = [e for e in mine if e["ret"] == etimedout]
        self.assertTrue(all(e["dur_ns"] >= 9_000_000 for e in timed), timed)
        helper = [e for e in LockRun(run).locks if e["tid"] != tid and e["addr"] == c]
        self.assertEqual([e["op"] for e in helper], ["cond_signal"])

    def test_uprobe_not_loaded_without_locks(self):
        r = ipct.trace_cmd(["--json"], ["mutex", "-t", "2", "50"])
        self.assertEqual(r.returncode, 0, r)
        self.assertEqual(LockRun(r).locks, [])


def program_locks(run, **match):
    """pthread_mutex_lock calls on the test program's mutex: the address most
    locked (glibc takes locks of its own, e.g. the loader's at exit)."""
    addrs = collections.Counter(e["addr"] for e in run.events
                                if e.get("sys") == "uprobe" and e["func"] == FN_MUTEX_LOCK and
                                all(e.get(k) == v for k, v in match.items()))
    return addrs.most_common(1)[0][1] if addrs else 0


def start_tracer(args):
    """ipctrace ARGS with -v, returned once it says it is tracing; stderr lines collected."""
    tracer = subprocess.Popen([ipct.IPCTRACE] + args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    lines, ready = [], threading.Event()

    def pump():
        for line in tracer.stderr:
            lines.append(line)
            if line.startswith("ipctrace: tracing"):
                ready.set()
        ready.set()
    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(30) or tracer.poll() is not None:
        tracer.kill()
        raise AssertionError(f"ipctrace did not start: {''.join(lines)}")
    return tracer, lines


STATIC_SRC = r"""
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
int main(int argc, char **argv)
{
	struct timespec ts = { 0, atol(argv[1]) * 1000000L };
	char line[8];
	nanosleep(&ts, NULL);
	if (argc > 3) {
		printf("ready\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return 1;
	}
	for (long i = 0; i < atol(argv[2]); i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	return 0;
}
"""


def build_static(d, strip, static=True):
    """A (static) program: sleep argv[1] ms, [wait for a line], lock argv[2] times."""
    src = os.path.join(d, "static_locks.c")
    with open(src, "w") as f:
        f.write(STATIC_SRC)
    exe = os.path.join(d, ("static_locks" if static else "locks") + ("_stripped" if strip else ""))
    cmd = ["cc", "-O1", "-pthread", src, "-o", exe] + (["-static"] if static else []) + \
        (["-s"] if strip else [])
    p = ipct.run(cmd)
    if p.returncode:
        raise unittest.SkipTest(f"cannot build a static program: {p.stderr.strip()}")
    return exe


def copy_with_libs(exe, root):
    """root/prog and the libraries ldd names (copies: other inodes than ours)."""
    os.makedirs(root)
    shutil.copy(exe, os.path.join(root, "prog"))
    for line in ipct.run(["ldd", exe]).stdout.splitlines():
        path = [t for t in line.split() if t.startswith("/")]
        if path:
            dst = root + path[0]
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy(path[0], dst)


HDR = struct.Struct("<HHHHIIQQqiI16s")      # struct ipc_hdr, 64 bytes
LOCK = struct.Struct("<QQQII")              # struct ipc_ev_lock after the header


def read_recording(path):
    """IPC_REC_LOCK records and IPC_REC_STACK frames of a recording (src/source/recfile.h)."""
    locks, stacks = [], {}
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"IPCTRACE", "not a recording"
    off = struct.unpack_from("<I", data, 16)[0]
    while off + 16 <= len(data):
        magic, clen, rlen, _ = struct.unpack_from("<IIII", data, off)
        assert magic == 0x4b435049, f"bad chunk at {off}"
        raw = zlib.decompress(data[off + 16:off + 16 + clen])
        assert len(raw) == rlen
        off += 16 + clen
        pos = 0
        while pos < len(raw):
            n = struct.unpack_from("<I", raw, pos)[0]
            rec = raw[pos + 4:pos + 4 + n]
            pos += 4 + n
            h = HDR.unpack_from(rec)
            rtype, op, pid, tid, stack_id = h[0], h[1], h[4], h[5], h[9]
            if rtype == 8:
                addr, addr2, call_ip, kind, func = LOCK.unpack_from(rec, HDR.size)
                locks.append(dict(op=op, pid=pid, tid=tid, stack_id=stack_id, addr=addr,
                                  addr2=addr2, call_ip=call_ip, kind=kind, func=func))
            elif rtype == 65:
                nr = struct.unpack_from("<I", rec, HDR.size)[0]
                stacks[(pid, stack_id)] = list(struct.unpack_from(f"<{nr}Q", rec, HDR.size + 8))
    return locks, stacks


if __name__ == "__main__":
    unittest.main()
