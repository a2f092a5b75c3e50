# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The IPC graph (--graph json|dot, --graph-collapse, the live view's graph
section) on real workloads, matched exactly against what each workload says
it did: which processes, which objects, which edges, how many operations
and bytes."""
import json
import os
import subprocess
import tempfile
import time
import unittest

import ipct


def render_dot(test, text):
    """`dot -Tsvg` must accept the graph without a word on stderr."""
    p = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True,
                       timeout=60)
    test.assertEqual(p.returncode, 0, p.stderr)
    test.assertEqual(p.stderr, "", "dot warned:\n" + p.stderr)
    test.assertIn("<svg", p.stdout)


def edge_set(graph, mech=None, with_counts=True):
    """Edges as comparable tuples: (src, dst, op[, signal], ops, bytes)."""
    out = set()
    for e in graph["edges"]:
        if mech and e["mech"] != mech:
            continue
        key = (e["src"], e["dst"], e["op"] if e["mech"] != "signal" else e["signal"])
        out.add(key + ((e["ops"], e["bytes"]) if with_counts else ()))
    return out


def nodes(graph, **match):
    return [n for n in graph["nodes"] if all(n.get(k) == v for k, v in match.items())]


def node(test, graph, node_id):
    found = [n for n in graph["nodes"] if n["id"] == node_id]
    test.assertEqual(len(found), 1, f"{node_id} in {[n['id'] for n in graph['nodes']]}")
    return found[0]


def unix_id(a, b):
    a, b = int(a), int(b)
    return f"unix:[{min(a, b)}]->[{max(a, b)}]"


class Graph(unittest.TestCase):
    def run_graph(self, workload, fmt="json", extra=(), quiet=True):
        """ipctrace [-q] --graph FMT=FILE [extra] -- ipcwork WORKLOAD: (Run, graph).

        --no-stacks: the graph needs none, and reading the memory maps of a
        process that is exiting can fail the trace (source_ring.c ensure_maps)."""
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "graph." + fmt)
            args = (["-q"] if quiet else []) + ["--no-stacks", "--graph", f"{fmt}={out}"]
            r = ipct.trace_cmd(args + list(extra), workload)
            self.assertEqual(r.returncode, 0, r)
            with open(out) as f:
                text = f.read()
        return r, json.loads(text) if fmt == "json" else text

    def record(self, d, workload):
        """ipctrace record of a workload: (recording path, parsed info lines)."""
        rec = os.path.join(d, "trace.ipct")
        with tempfile.NamedTemporaryFile("r") as info:
            p = ipct.run([ipct.IPCTRACE, "record", "--no-stacks", "-o", rec, "--", ipct.IPCWORK,
                          "--info", info.name] + list(workload))
            self.assertEqual(p.returncode, 0, p.stderr)
            return rec, ipct.parse_info(info.read())

    def report(self, rec, fmt, *args):
        """ipctrace report --graph FMT=FILE [args] REC: the file's text."""
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "graph")
            p = ipct.run([ipct.IPCTRACE, "report", "-q", "--graph", f"{fmt}={out}"] +
                         list(args) + [rec])
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(out) as f:
                return f.read()

    def check_pipeline(self, r, g, n):
        a = r.work(event="done", role="stage-a")
        b = r.work(event="done", role="stage-b")
        c = r.work(event="done", role="stage-c")
        parent = r.work(event="done", role="parent")
        pa, pb, pc = (f"pid:{x['pid']}" for x in (a, b, c))
        pipe1, pipe2 = f"pipe:[{a['pipe1_ino']}]", f"pipe:[{a['pipe2_ino']}]"
        # exactly two pipes, each process named by its stage
        self.assertEqual(sorted(x["id"] for x in nodes(g, type="object")), sorted([pipe1, pipe2]))
        for pid, comm in ((pa, "stage-a"), (pb, "stage-b"), (pc, "stage-c")):
            self.assertEqual(node(self, g, pid)["comm"], comm)
            self.assertEqual(node(self, g, pid)["ppid"], int(parent["pid"]))
        self.assertEqual(edge_set(g, "pipe"), {
            (pa, pipe1, "write", int(a["writes"]), n * 64),
            (pipe1, pb, "read", int(b["reads"]), n * 64),
            (pb, pipe2, "write", int(b["writes"]), n * 64),
            (pipe2, pc, "read", int(c["reads"]), n * 64),
        })
        # and the parent reaps its three children
        self.assertEqual(edge_set(g, "signal"),
                         {("kernel", f"pid:{parent['pid']}", "SIGCHLD", 3, 0)})

    def test_graph_pipeline(self):
        n = 100
        r, g = self.run_graph(["pipeline", str(n)])
        self.assertEqual(g["type"], "graph")
        self.assertFalse(g["collapsed"])
        self.check_pipeline(r, g, n)

    def test_graph_pipeline_collapsed(self):
        n = 50
        r, g = self.run_graph(["pipeline", str(n)], extra=["--graph-collapse"])
        a = r.work(event="done", role="stage-a")
        b = r.work(event="done", role="stage-b")
        c = r.work(event="done", role="stage-c")
        self.assertTrue(g["collapsed"])
        self.assertEqual(nodes(g, type="object"), [])
        pipes = {(e["src"], e["dst"], tuple(e["objects"]), e["bytes"], e["recv_bytes"])
                 for e in g["edges"] if e["mech"] == "pipe"}
        self.assertEqual(pipes, {
            (f"pid:{a['pid']}", f"pid:{b['pid']}", (f"pipe:[{a['pipe1_ino']}]",), n * 64, n * 64),
            (f"pid:{b['pid']}", f"pid:{c['pid']}", (f"pipe:[{a['pipe2_ino']}]",), n * 64, n * 64),
        })

    def test_graph_unix_server(self):
        n = 20
        r, g = self.run_graph(["unix-server", "-c", "3", str(n)])
        server = r.work(event="done", role="server")
        s = f"pid:{server['pid']}"
        unix = [x["id"] for x in nodes(g, type="object", kind="unix")]
        conns = []
        expect = set()
        for i in range(3):
            client = r.work(event="done", role="client", idx=i)
            served = r.work(event="served", client=i)
            self.assertEqual(served["client_pid"], client["pid"])
            conn = unix_id(client["sock_ino"], served["conn_ino"])
            conns.append(conn)
            cl, b = f"pid:{client['pid']}", n * (i + 1) * 64
            ops = n * (i + 1)
            expect |= {(cl, conn, "send", ops, b), (conn, s, "recv", ops, b),
                       (s, conn, "send", ops, b), (conn, cl, "recv", ops, b)}
            self.assertEqual(node(self, g, cl)["ppid"], int(server["pid"]))
        # one listening socket and three connections, nothing else
        self.assertEqual(sorted(unix), sorted(conns + [f"unix:[{server['listen_ino']}]"]))
        self.assertEqual(edge_set(g, "unix"), expect)

    def wait_attached(self, proc):
        """Read ipctrace -v's stderr until it says it is tracing."""
        seen = []
        deadline = time.time() + 30
        while time.time() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen.append(line)
            if "ipctrace: tracing" in line:
                return seen
        proc.kill()
        self.fail("ipctrace never attached:\n" + "".join(seen))

    def test_graph_peers_of_server(self):
        """-p SERVER only: the untraced clients still appear, with their pids and names."""
        n = 20
        w = ipct.Workload(["unix-server", "-c", "3", str(n)])
        try:
            spid = w.pid(role="server")
            clients = {int(i["idx"]): int(i["pid"]) for i in w.info
                       if i.get("role") == "client" and "event" not in i}
            comms = {}
            for pid in clients.values():
                with open(f"/proc/{pid}/comm") as f:
                    comms[pid] = f.read().strip()
            with tempfile.TemporaryDirectory() as d:
                out = os.path.join(d, "g.json")
                err = self.trace_attached(spid, ["-q", "--no-stacks", "--graph", f"json={out}"], w)
                # the 3 clients (and the harness, which holds the server's stdin pipe)
                self.assertRegex(err, r"snapshot: \d+ fds of the targets, [34] peers")
                with open(out) as f:
                    g = json.load(f)
        finally:
            w.kill()
        self.assertTrue(node(self, g, f"pid:{spid}")["traced"])
        for i, pid in clients.items():
            client = w.pid(event="done", role="client", idx=i)
            self.assertEqual(client, pid)
            served = [x for x in w.info if x.get("event") == "served" and x["client"] == str(i)][0]
            sock = [x for x in w.info if x.get("role") == "client" and x.get("idx") == str(i)
                    and "event" not in x][0]["sock_ino"]
            conn = unix_id(sock, served["conn_ino"])
            cl = node(self, g, f"pid:{pid}")
            self.assertEqual(cl["comm"], comms[pid])
            self.assertFalse(cl["traced"])
            self.assertEqual(cl["ppid"], spid)
            # seen through the object filter: the client's own sends, exactly
            msgs = n * (i + 1)
            self.assertIn((f"pid:{pid}", conn, "send", msgs, msgs * 64), edge_set(g, "unix"))
            self.assertIn((conn, f"pid:{spid}", "recv", msgs, msgs * 64), edge_set(g, "unix"))
            # and known before any traffic, from the snapshot
            holds = [h for h in g["holds"] if h["proc"] == f"pid:{pid}" and h["obj"] == conn]
            self.assertEqual(len(holds), 1, g["holds"])

    def trace_attached(self, pid, args, w):
        """ipctrace ARGS -v -p PID, attached before w is let go; returns stderr."""
        p = subprocess.Popen([ipct.IPCTRACE] + list(args) + ["-v", "-p", str(pid)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        err = "".join(self.wait_attached(p))
        w.go()
        self.assertEqual(w.wait(), 0)
        _, rest = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err + rest)
        return err + rest

    def test_graph_idle_peers(self):
        """Channels idle for the whole trace: both ends known from the /proc snapshot."""
        w = ipct.Workload(["idle", "2"])
        try:
            parent = [i for i in w.info if i.get("role") == "parent" and "event" not in i][0]
            child = [i for i in w.info if i.get("role") == "child" and "event" not in i][0]
            with open(f"/proc/{child['pid']}/comm") as f:
                comm = f.read().strip()
            with tempfile.TemporaryDirectory() as d:
                full, coll = os.path.join(d, "g.json"), os.path.join(d, "c.json")
                rec = os.path.join(d, "t.ipct")
                self.trace_attached(parent["pid"], ["record", "--no-stacks", "-o", rec, "-d", "1"],
                                    w)
                g = json.loads(self.report(rec, "json"))
                c = json.loads(self.report(rec, "json", "--graph-collapse", "--graph-idle"))
                hidden = json.loads(self.report(rec, "json", "--graph-collapse"))
        finally:
            w.kill()
        p, ch = f"pid:{parent['pid']}", f"pid:{child['pid']}"
        pipe = f"pipe:[{parent['pipe_ino']}]"
        sock = unix_id(parent["sock_ino"], parent["peer_ino"])
        mq = f"mq:{parent['mq']}"
        node(self, g, ch)
        self.assertEqual(node(self, g, ch)["comm"], comm)
        self.assertFalse(node(self, g, ch)["traced"])
        # nothing moved through them (the harness's "go" on the stdin pipe did)
        self.assertEqual([e for e in g["edges"] if {e["src"], e["dst"]} & {pipe, sock, mq}], [])
        holds = {(h["proc"], h["obj"]): h["mode"] for h in g["holds"] if h["live"]}
        self.assertEqual(holds[(p, pipe)], "w")
        self.assertEqual(holds[(ch, pipe)], "r")
        self.assertEqual(holds[(p, sock)], "rw")
        self.assertEqual(holds[(ch, sock)], "rw")
        # the queue is the parent's alone (the child closed its copy)
        self.assertEqual(holds[(p, mq)], "rw")
        self.assertNotIn((ch, mq), holds)
        idle = {(e["src"], e["dst"], e["mech"]) for e in c["edges"] if e["idle"]}
        self.assertIn((p, ch, "pipe"), idle)	# the writer first
        self.assertTrue({(p, ch, "unix"), (ch, p, "unix")} & idle, idle)
        self.assertFalse([e for e in idle if e[2] == "mq"], idle)
        # without --graph-idle they are counted, not drawn
        self.assertFalse([e for e in hidden["edges"] if e["idle"]], hidden["edges"])
        self.assertEqual(hidden["idle_hidden"], len(idle))
        self.assertEqual(c["idle_hidden"], 0)

    def test_graph_mq(self):
        n = 40
        r, g = self.run_graph(["mq", "-P", "2", "-C", "2", str(n)])
        parent = r.work(event="done", role="parent")
        q = f"mq:{parent['mq']}"
        self.assertEqual([x["id"] for x in nodes(g, type="object")], [q])
        expect = set()
        for i in range(2):
            prod = r.work(event="done", role="producer", idx=i)
            cons = r.work(event="done", role="consumer", idx=i)
            self.assertEqual(int(prod["msgs"]), n * (i + 1))
            expect.add((f"pid:{prod['pid']}", q, "send", int(prod["sends"]), int(prod["bytes"])))
            expect.add((q, f"pid:{cons['pid']}", "receive", int(cons["receives"]),
                        int(cons["bytes"])))
        self.assertEqual(edge_set(g, "mq"), expect)
        msgs = {(e["src"], e["dst"]): e["msgs"] for e in g["edges"] if e["mech"] == "mq"}
        self.assertEqual(sum(v for (s, _), v in msgs.items() if s == q), 3 * n)

    def test_graph_signal_star(self):
        n = 20
        r, g = self.run_graph(["signal-star", "-c", "3", str(n)])
        parent = r.work(event="done", role="parent")
        p = f"pid:{parent['pid']}"
        expect = {("kernel", p, "SIGCHLD", 3, 0)}
        for i in range(3):
            child = r.work(event="done", role="child", idx=i)
            c = f"pid:{child['pid']}"
            expect |= {(p, c, "SIGUSR1", n, 0), (c, p, "SIGUSR2", n, 0)}
        self.assertEqual(edge_set(g), expect)
        self.assertEqual(node(self, g, "kernel")["type"], "kernel")

    def test_graph_exec_pipe(self):
        r, g = self.run_graph(["exec-pipe", "4096"], extra=["--json"], quiet=False)
        parent = r.work(event="done", role="parent")
        emitter = r.work(event="done", role="emitter")
        pipe = f"pipe:[{parent['pipe_ino']}]"
        self.assertEqual(emitter["stdout_ino"], parent["pipe_ino"])
        self.assertEqual([x["id"] for x in nodes(g, type="object")], [pipe])
        child = node(self, g, f"pid:{emitter['pid']}")
        self.assertEqual(child["comm"], "emitter")
        self.assertEqual(child["ppid"], int(parent["pid"]))
        self.assertEqual(edge_set(g, "pipe"), {
            (f"pid:{emitter['pid']}", pipe, "write", int(emitter["writes"]), 4096),
            (pipe, f"pid:{parent['pid']}", "read", int(parent["reads"]), 4096),
        })
        # the write end the child holds is its stdout (fd 1), kept across exec;
        # the read end it closed with close_range(2) is not held
        holds = {h["proc"]: h for h in g["holds"] if h["obj"] == pipe}
        self.assertEqual(holds[f"pid:{emitter['pid']}"]["mode"], "w")
        # before exec: the read end closed by close_range, the original write
        # end marked FD_CLOEXEC by fcntl (the graph's side is a unit test)
        pid = int(emitter["pid"])
        [cr] = r.ops("fd_close_range", pid=pid)
        self.assertEqual((cr["ret"], cr["last_fd"], cr["obj"]), (0, cr["fd"], "?"))
        [sfd] = r.ops("fd_setfd", pid=pid)
        self.assertEqual((sfd["ret"], sfd["obj"], sfd["fd_flags"]), (0, pipe, "FD_CLOEXEC"))
        self.assertNotIn(sfd["fd"], (1, cr["fd"]))
        self.assertFalse(holds[f"pid:{emitter['pid']}"]["closed"])

    def test_graph_report_and_dot(self):
        """From a recording: the same graph as JSON, and DOT that renders, full and collapsed."""
        with tempfile.TemporaryDirectory() as d:
            rec, info = self.record(d, ["pipeline", "60"])
            r = ipct.Run(subprocess.CompletedProcess([], 0), "", "", info)
            self.check_pipeline(r, json.loads(self.report(rec, "json")), 60)
            dot = self.report(rec, "dot")
            self.assertTrue(dot.lstrip().startswith("digraph ipctrace {"), dot[:200])
            a = r.work(event="done", role="stage-a")
            edge = f'"pid:{a["pid"]}" -> "pipe:[{a["pipe1_ino"]}]" [label="write x60\\n3.8KiB"]'
            self.assertIn(edge, dot)
            self.assertIn(f'"pipe:[{a["pipe1_ino"]}]" [shape=cds', dot)
            render_dot(self, dot)
            render_dot(self, self.report(rec, "dot", "--graph-collapse"))

    def test_graph_dot_every_kind(self):
        """Sockets, queues, signals, futexes and threads all render without warnings."""
        for workload, extra in ((["unix-server", "-c", "3", "10"], []),
                                (["tcp-pingpong", "50"], []),
                                (["mq", "-P", "2", "-C", "2", "10"], []),
                                (["signal-star", "5"], []),
                                (["mutex", "-t", "3", "200"], ["--threads"]),
                                (["shm-mutex", "100"], [])):
            with self.subTest(workload=workload[0]):
                _, dot = self.run_graph(workload, fmt="dot", extra=extra)
                render_dot(self, dot)
                _, dot = self.run_graph(workload, fmt="dot", extra=extra + ["--graph-collapse"])
                render_dot(self, dot)

    def test_graph_threads(self):
        r, g = self.run_graph(["mutex", "-t", "3", "300"], extra=["--threads"])
        main = r.work(event="done", role="main")
        setup = [i for i in r.info if i.get("role") == "main" and "counter_lock" in i][0]
        lock = f"futex:0x{int(setup['counter_lock'], 16):x}@{main['pid']}"
        self.assertTrue(g["threads"])
        proc = node(self, g, f"pid:{main['pid']}")
        tids = {t["tid"] for t in proc["threads"]}
        workers = {int(i["tid"]) for i in r.info if i.get("role") == "worker" and "event" not in i}
        waits = [e for e in g["edges"] if e["src"] == lock and e["op"] == "wait"]
        self.assertTrue(waits, [e for e in g["edges"] if "futex" in e["mech"]])
        # every wait edge ends at a worker thread, shown inside its process
        self.assertTrue({int(e["dst"][4:]) for e in waits} <= workers)
        self.assertTrue(workers & tids)
        self.assertTrue(any(e["blocked_ns"] > 0 for e in waits))

    def test_graph_live_view(self):
        """The live view's graph section, each interval, with rates."""
        p = ipct.run([ipct.IPCTRACE, "-i", "0.3", "--no-stacks", "--", ipct.IPCWORK, "--info",
                      "/dev/null", "pipe-pingpong", "150000"])
        self.assertEqual(p.returncode, 0, p.stderr)
        blocks = p.stdout.split("\n=== ipctrace ")
        live = [b for b in blocks if b and "interval" in b.splitlines()[0] and
                "GRAPH: PROCESS" in b]
        self.assertGreaterEqual(len(live), 2, p.stdout[-3000:])
        rows = [ln for ln in live[0].split("GRAPH: PROCESS")[1].splitlines()[1:] if "pipe:[" in ln]
        self.assertEqual(len(rows), 4, live[0])
        self.assertTrue(all("/s" in ln for ln in rows), rows)
        self.assertIn("MAX-BLOCK", p.stdout.split("=== ipctrace report")[1])


if __name__ == "__main__":
    unittest.main()
