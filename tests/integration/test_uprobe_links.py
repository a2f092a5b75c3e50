# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""--locks places its uprobes as two multi-uprobe links per file (one for the
entries, one for the returns) where the kernel has them, and as two links per
function otherwise (IPCTRACE_NO_UPROBE_MULTI=1); both see the same calls.
How long each takes to exit is a benchmark (tools/bench-locks-exit.py)."""
import collections
import json
import os
import subprocess
import time
import unittest

import ipct


def link_types(pid):
    """link_type of each BPF link fd the process holds, counted."""
    types = collections.Counter()
    fddir = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fddir):
        try:
            with open(os.path.join(fddir, fd)) as f:
                for line in f:
                    if line.startswith("link_type:"):
                        types[line.split()[1]] += 1
        except OSError:
            continue
    return types


class UprobeLinks(unittest.TestCase):
    def trace(self, multi):
        env = dict(os.environ)
        if not multi:
            env["IPCTRACE_NO_UPROBE_MULTI"] = "1"
        w = ipct.Workload(["mutex", "-t", "2", "200"])
        tracer = None
        try:
            pid = w.pid(role="main")
            tracer = subprocess.Popen([ipct.IPCTRACE, "-v", "--json", "-q", "--locks", "-p",
                                       str(pid)], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True, env=env)
            ipct.wait_attached(tracer)
            links = link_types(tracer.pid)
            w.go()
            self.assertEqual(w.wait(), 0)
            out, err = tracer.communicate(timeout=60)
        finally:
            w.kill()
            if tracer:
                tracer.kill()
        self.assertEqual(tracer.returncode, 0, err)
        s = json.loads(out.splitlines()[-1])
        main = next(i for i in w.info if i.get("event") == "done" and i.get("role") == "main")
        counter = [lk for lk in s["locks"] if lk["addr"] == main["counter_lock"]]
        self.assertEqual(len(counter), 1, s["locks"])
        # every acquisition of counter_lock by the two workers: exact
        self.assertEqual(counter[0]["acquires"], 2 * 200)
        return links

    def test_multi_uprobe_links(self):
        links = self.trace(multi=True)
        # glibc 2.34+: every function in libc.so.6, one file, one process
        self.assertEqual(links["uprobe_multi"], 1, links)
        self.assertEqual(links["uretprobe_multi"], 1, links)
        self.assertEqual(links["perf"], 0, links)

    def test_one_link_per_probe_without_multi(self):
        links = self.trace(multi=False)
        self.assertEqual(links["uprobe_multi"] + links["uretprobe_multi"], 0, links)
        self.assertGreaterEqual(links["perf"], 2 * 20, links)


if __name__ == "__main__":
    unittest.main()
