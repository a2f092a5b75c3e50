# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Possible races, against the real probes: every pattern flagged on its
tools/racework workload with the threads, objects and counts the workload
reports; none on the correct variants, on every tools/ipcwork scenario, on
the demo; the same flags from `report` of a recording; the live view's count
line.

Several workloads run in one trace (one after the other, under sh -c): with
--locks, ipctrace takes seconds to remove its uprobes, so one trace per
workload would make the suite slow.  Each workload's flags are told apart by
its pids."""
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

import ipct
from ipcwork_info import parse_info

RACEWORK = os.path.join(ipct.BUILD, "tools", "racework")
RACEWORKXX = os.path.join(ipct.BUILD, "tools", "racework++")
SMOKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                     "ipcwork", "smoke.sh")

ALWAYS_ON = ["coalesce", "interleave", "split", "epipe", "stale-pid", "lost-wakeup",
             "fork-locked"]
WITH_LOCKS = ["lock-order", "unlock-misuse", "cond-misuse", "handler-lock", "fork-locked"]
WITH_LOCKS_XX = ["lock-order", "notify-first"]


def script(info, scenarios, xx=()):
    """sh -c text running the workloads one after the other, stopping at a failure.
    Each lingers 300 ms at its end, for its memory maps to be read (symbols)."""
    opts = f"--info {shlex.quote(info)} --linger 300"
    cmds = [f"{shlex.quote(RACEWORK)} {opts} {s}" for s in scenarios]
    cmds += [f"{shlex.quote(RACEWORKXX)} {opts} {s}" for s in xx]
    return " && ".join(cmds)


def summary_of(stdout):
    lines = [json.loads(x) for x in stdout.splitlines() if x.startswith("{")]
    found = [x for x in lines if x.get("type") == "summary"]
    assert len(found) == 1, stdout[-2000:]
    return found[0]


def ok_of(scenarios):
    return [s + "-ok" for s in scenarios]


def norm(flags):
    """What must not depend on the run: patterns, counts, roles, named objects."""
    out = []
    for f in flags:
        objs = tuple(o.get("symbol") or re.split(r"[:\[ ]", o["id"])[0] for o in f["objects"])
        roles = tuple(sorted(s["role"] for s in f["sides"]))
        out.append((f["pattern"], f.get("variant", ""), f["count"], roles, objs))
    return sorted(out)


class Races(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ipct-races-")
        self.info = os.path.join(self.tmp, "info")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_trace(self, text, args=(), record=None):
        """ipctrace --json -q ARGS -- sh -c TEXT: (summary, info lines)."""
        open(self.info, "w").close()
        if record:
            cmd = [ipct.IPCTRACE, "record", "-o", record] + list(args)
        else:
            cmd = [ipct.IPCTRACE, "--json", "-q"] + list(args)
        p = ipct.run(cmd + ["--", "sh", "-c", text], timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        with open(self.info) as f:
            info = parse_info(f.read(), prefix="racework: ")
        if record:
            return None, info
        s = summary_of(p.stdout)
        self.assertEqual(s["lost"]["ringbuf_full"], 0)
        self.assertEqual(s["race_tables"]["flags_dropped"], 0)
        return s, info

    def one(self, info, **match):
        found = [i for i in info if all(i.get(k) == str(v) for k, v in match.items())]
        self.assertEqual(len(found), 1, (match, info))
        return found[0]

    def flag(self, summary, pattern, pid, variant=None):
        """The one flag of this pattern (and variant) with a side in process pid."""
        found = [f for f in summary["races"] if f["pattern"] == pattern and
                 f.get("variant") == variant and
                 any(s["pid"] == int(pid) for s in f["sides"])]
        self.assertEqual(len(found), 1, (pattern, variant, pid, summary["races"]))
        return found[0]

    def side(self, f, role):
        found = [s for s in f["sides"] if s["role"] == role]
        self.assertEqual(len(found), 1, (role, f))
        return found[0]

    # ---- always-on probes ----

    def check_always_on(self, s, info):
        # 1. signals coalesced: all SIGUSR1 but the first found one pending
        snd = self.one(info, scenario="coalesce", role="sender")
        rcv = self.one(info, scenario="coalesce", role="receiver")
        f = self.flag(s, "signal_coalesced", snd["pid"])
        self.assertEqual(f["count"], int(snd["sent"]) - int(rcv["received"]))
        self.assertEqual(f["objects"][0]["id"], f"SIGUSR1 -> {snd['target']}")
        self.assertEqual(self.side(f, "sender")["tid"], int(snd["tid"]))
        self.assertEqual(self.side(f, "target")["pid"], int(snd["target"]))
        self.assertEqual(self.side(f, "pending_sender")["pid"], int(snd["pid"]))
        self.assertIn("stack", self.side(f, "sender"))
        # 2. two writers of 16 KiB messages on one pipe
        rd = self.one(info, scenario="interleave", role="reader")
        ws = [i for i in info if i.get("scenario") == "interleave" and i["role"] == "writer"]
        f = self.flag(s, "pipe_interleave", rd["writer0"], "large_writes")
        self.assertEqual(f["count"], sum(int(w["writes"]) for w in ws))
        self.assertEqual(f["objects"][0]["id"], f"pipe:[{rd['pipe_ino']}]")
        self.assertEqual({x["pid"] for x in f["sides"]}, {int(rd["writer0"]), int(rd["writer1"])})
        self.assertEqual(f["details"]["writers"], 2)
        self.assertEqual(f["details"]["largest_write"], 16384)
        self.assertEqual(f["details"]["short_writes"], 0)
        # 2. two readers taking 250 bytes of 100-byte messages, in turns
        wr = self.one(info, scenario="split", role="writer")
        rs = [i for i in info if i.get("scenario") == "split" and i["role"] == "reader"]
        f = self.flag(s, "stream_split", wr["reader0"])
        self.assertEqual(f["count"], int(wr["splits"]))
        self.assertEqual(f["details"], {"readers": 2, "split_messages": int(wr["splits"])})
        self.assertEqual(sum(int(r["reads"]) for r in rs), 8)
        self.assertEqual(f["objects"][0]["id"], f"pipe:[{wr['pipe_ino']}]")
        self.assertEqual({x["pid"] for x in f["sides"]}, {int(wr["reader0"]), int(wr["reader1"])})
        # 3. writes after the reader closed its end
        wr = self.one(info, scenario="epipe", role="writer")
        rd = self.one(info, scenario="epipe", role="reader")
        f = self.flag(s, "write_after_reader_left", wr["pid"])
        self.assertEqual(f["count"], int(wr["epipes"]))
        self.assertEqual(f["objects"][0]["id"], f"pipe:[{wr['pipe_ino']}]")
        left = self.side(f, "reader_left")
        self.assertEqual((left["pid"], left["tid"]), (int(rd["pid"]), int(rd["tid"])))
        self.assertEqual(f["details"], {"sigpipes": int(wr["epipes"]), "reader_left": "closed"})
        self.assertIn("stack", self.side(f, "writer"))
        # 4. a pid reused by another process, then a pid nobody has
        pa = self.one(info, scenario="stale-pid", role="parent")
        f = self.flag(s, "stale_pid", pa["pid"], "pid_reused")
        self.assertEqual(f["count"], 1)
        self.assertEqual(f["objects"][0]["id"], f"SIGTERM -> {pa['old_pid']}")
        self.assertEqual(self.side(f, "new_holder")["pid"], int(pa["new_holder"]))
        f = self.flag(s, "stale_pid", pa["pid"], "esrch")
        self.assertEqual(f["objects"][0]["id"], f"SIGTERM -> {pa['esrch_pid']}")
        self.assertEqual(f["count"], 1)
        # 5. an empty wake, then a wait on the same value that sleeps to its timeout
        m = self.one(info, scenario="lost-wakeup", role="main")
        f = self.flag(s, "lost_wakeup", m["pid"])
        self.assertEqual(f["count"], int(m["lost"]))
        self.assertEqual(f["objects"][0], {"id": f"futex:{m['word']}@{m['pid']}",
                                           "symbol": "event_word"})
        self.assertEqual(self.side(f, "waker")["tid"], int(m["waker"]))
        self.assertEqual(self.side(f, "waiter")["tid"], int(m["waiter"]))
        self.assertGreaterEqual(f["details"]["longest_wait_ns"], 200_000_000)
        # 6. fork while a thread holds the mutex and another waits for it
        m = self.one(info, scenario="fork-locked", role="main")
        self.assertEqual(m["child_status"], "3")	# the child could not take it
        self.assertEqual(self.one(info, scenario="fork-locked", role="child")["lock_error"],
                         "110")
        f = self.flag(s, "fork_with_lock_held", m["pid"], "blocked")
        self.assertEqual(f["objects"][0], {"id": f"futex:{m['mutex']}@{m['pid']}",
                                           "symbol": "fork_mutex"})
        self.assertEqual(self.side(f, "forker")["tid"], int(m["tid"]))
        self.assertEqual(self.side(f, "blocked")["tid"], int(m["blocked"]))
        self.assertEqual(self.side(f, "child")["pid"], int(m["child"]))
        self.assertEqual(f["details"], {"threads": 3, "child": "ran_on"})
        return 8

    def test_races_always_on(self):
        s, info = self.run_trace(script(self.info, ALWAYS_ON))
        self.assertEqual(len(s["races"]), self.check_always_on(s, info), s["races"])

    def test_races_always_on_correct(self):
        s, _ = self.run_trace(script(self.info, ok_of(ALWAYS_ON)))
        self.assertEqual(s["races"], [])

    # ---- --locks ----

    def check_locks(self, s, info):
        n = 0
        for sc, syms in (("lock-order", {"lock_a", "lock_b"}),
                         ("lock-order", {"account_lock", "audit_lock"})):
            m = [i for i in info if i.get("scenario") == sc][n]
            f = self.flag(s, "lock_order_inversion", m["pid"])
            self.assertEqual(f["count"], int(m["rounds"]))
            self.assertEqual({o["symbol"] for o in f["objects"]}, syms)
            self.assertEqual({o["id"] for o in f["objects"]},
                             {f"mutex:{m['lock_a']}@{m['pid']}", f"mutex:{m['lock_b']}@{m['pid']}"})
            for role in ("first_order_outer", "first_order_inner"):
                self.assertEqual(self.side(f, role)["tid"], int(m["first"]))
            for role in ("second_order_outer", "second_order_inner"):
                self.assertEqual(self.side(f, role)["tid"], int(m["second"]))
            n += 1
        m = self.one(info, scenario="unlock-misuse")
        pid = m["pid"]
        for variant, key, tid in (("not_owner", "owned_mutex", m["not_owner"]),
                                  ("not_locked", "twice_mutex", m["tid"]),
                                  ("unlock_failed", "check_mutex", m["tid"]),
                                  ("destroy_held", "destroyed_mutex", m["tid"]),
                                  ("exit_held", "kept_mutex", m["exited"])):
            f = self.flag(s, "unlock_misuse", pid, variant)
            self.assertEqual(f["objects"], [{"id": f"mutex:{m[key]}@{pid}", "symbol": key}])
            self.assertEqual(f["sides"][0]["tid"], int(tid))
            self.assertEqual(f["count"], 1)
        self.assertEqual(m["unlock_error"], "1")	# EPERM
        self.assertEqual(m["destroy_error"], "16")	# EBUSY
        self.assertEqual(self.side(self.flag(s, "unlock_misuse", pid, "not_owner"),
                                   "owner")["tid"], int(m["tid"]))
        m = self.one(info, scenario="cond-misuse")
        pid = m["pid"]
        f = self.flag(s, "cond_misuse", pid, "mutex_not_held")
        self.assertEqual([o["symbol"] for o in f["objects"]], ["cond_nolock", "cond_m1"])
        self.assertEqual(self.side(f, "waiter")["tid"], int(m["nolock_waiter"]))
        f = self.flag(s, "cond_misuse", pid, "mixed_mutexes")
        self.assertEqual([o["symbol"] for o in f["objects"]][0], "cond_mixed")
        self.assertEqual({o["symbol"] for o in f["objects"][1:]}, {"cond_m1", "cond_m2"})
        self.assertEqual({x["tid"] for x in f["sides"]}, {int(m["mixed0"]), int(m["mixed1"])})
        f = self.flag(s, "cond_misuse", pid, "signal_before_wait")
        self.assertEqual([o["symbol"] for o in f["objects"]], ["cond_early", "cond_m1"])
        self.assertEqual(self.side(f, "signaler")["tid"], int(m["tid"]))
        self.assertEqual(self.side(f, "waiter")["tid"], int(m["early_waiter"]))
        self.assertEqual(m["early_ret"], "110")	# ETIMEDOUT: the signal was lost
        m = self.one(info, scenario="handler-lock")
        f = self.flag(s, "lock_in_signal_handler", m["pid"])
        self.assertEqual(f["count"], int(m["signals"]))
        self.assertEqual(f["objects"], [{"id": f"mutex:{m['mutex']}@{m['pid']}",
                                         "symbol": "handler_mutex"},
                                        {"id": f"SIGUSR1 -> {m['pid']}"}])
        self.assertEqual(f["details"]["handler"], "locking_handler")
        m = self.one(info, scenario="fork-locked", role="main")
        f = self.flag(s, "fork_with_lock_held", m["pid"], "held")
        self.assertEqual(f["objects"], [{"id": f"mutex:{m['mutex']}@{m['pid']}",
                                         "symbol": "fork_mutex"}])
        self.assertEqual(self.side(f, "holder")["tid"], int(m["holder"]))
        self.flag(s, "fork_with_lock_held", m["pid"], "blocked")
        m = self.one(info, scenario="notify-first")
        f = self.flag(s, "cond_misuse", m["pid"], "signal_before_wait")
        self.assertEqual([o["symbol"] for o in f["objects"]], ["job_cv", "job_lock"])
        self.assertEqual(self.side(f, "waiter")["tid"], int(m["waiter"]))
        return 2 + 5 + 3 + 1 + 2 + 1

    def test_races_locks(self):
        s, info = self.run_trace(script(self.info, WITH_LOCKS, WITH_LOCKS_XX), ["--locks"])
        self.assertEqual(len(s["races"]), self.check_locks(s, info), s["races"])

    def test_races_locks_correct(self):
        s, _ = self.run_trace(script(self.info, ok_of(WITH_LOCKS), ok_of(WITH_LOCKS_XX)),
                              ["--locks"])
        self.assertEqual(s["races"], [])

    # ---- the same from a recording ----

    def test_races_report_of_recording(self):
        rec = os.path.join(self.tmp, "races.ipct")
        text = script(self.info, ALWAYS_ON + [w for w in WITH_LOCKS if w not in ALWAYS_ON],
                      WITH_LOCKS_XX)
        live, _ = self.run_trace(text, ["--locks"])
        _, info = self.run_trace(text, ["--locks"], record=rec)
        p = ipct.run([ipct.IPCTRACE, "report", "--json", "-q", rec])
        self.assertEqual(p.returncode, 0, p.stderr)
        s = summary_of(p.stdout)
        self.assertEqual(self.check_always_on(s, info) + self.check_locks(s, info) - 1,
                         len(s["races"]))
        self.assertEqual(norm(s["races"]), norm(live["races"]))
        p = ipct.run([ipct.IPCTRACE, "report", "-q", rec])
        self.assertEqual(p.returncode, 0, p.stderr)
        section = p.stdout[p.stdout.index("POSSIBLE RACES"):]
        self.assertEqual(section.count("\n    why: "), len(s["races"]))
        for f in s["races"]:
            self.assertIn(f["why"], section)

    def test_races_live_view_counts(self):
        open(self.info, "w").close()
        p = ipct.run([ipct.IPCTRACE, "-i", "0.5", "--", RACEWORK, "--info", self.info,
                      "lost-wakeup", "8"], timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [x for x in p.stdout.splitlines()
                 if x.startswith("POSSIBLE RACES (times, this interval):")]
        self.assertTrue(lines, p.stdout[-3000:])
        self.assertIn(" lost_wakeup ", lines[-1])
        self.assertIn("POSSIBLE RACES\n[1] lost_wakeup: futex:", p.stdout)

    # ---- correct programs nobody shaped for this ----

    def test_races_none_on_ipcwork(self):
        for args in ([], ["--locks"]):
            p = ipct.run([ipct.IPCTRACE, "--json", "-q"] + args + ["--", "sh", SMOKE,
                                                                    ipct.IPCWORK], timeout=300)
            self.assertEqual(p.returncode, 0, p.stdout[-2000:] + p.stderr[-2000:])
            self.assertEqual(p.stdout.count("\nok "), 25 - 1, p.stdout[-2000:])
            self.assertEqual(summary_of(p.stdout)["races"], [], args)

    def test_races_none_on_demo(self):
        w = f"{shlex.quote(ipct.IPCWORK)} --info /dev/null"
        text = (f"{w} unix-server -c 3 2000 & {w} pipeline 5000 & {w} mutex -t 4 2000 & "
                f"{w} signal-star 300 & {w} mq -P 2 -C 2 2000 & wait")
        for args in ([], ["--locks"]):
            p = ipct.run([ipct.IPCTRACE, "--json", "-q"] + args + ["--", "sh", "-c", text],
                         timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr[-2000:])
            s = summary_of(p.stdout)
            self.assertGreater(s["events"], 10000)
            self.assertEqual(s["races"], [], args)


if __name__ == "__main__":
    unittest.main()
