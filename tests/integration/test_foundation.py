# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The real probes against each workload scenario: exact counts, bytes, pids
and object identities, as the workload reports them."""
import os
import tempfile
import unittest

import ipct


def unix_conn(a, b):
    """A unix connection's id: both socket inodes, the lower first."""
    a, b = int(a), int(b)
    return f"unix:[{min(a, b)}]->[{max(a, b)}]"


class Foundation(unittest.TestCase):
    def trace(self, *workload, args=("--json",)):
        r = ipct.trace_cmd(args, workload)
        self.assertEqual(r.returncode, 0, r)
        self.assertIsNotNone(r.summary, r)
        lost = r.summary["lost"]
        self.assertEqual(lost["ringbuf_full"], 0, lost)
        self.assertEqual(lost["inflight_full"], 0, lost)
        return r

    def test_pipe_pingpong(self):
        n = 1000
        r = self.trace("pipe-pingpong", str(n))
        parent = r.work(event="done", role="parent")
        child = r.work(event="done", role="child")
        p, c = int(parent["pid"]), int(child["pid"])
        pipe1, pipe2 = f"pipe:[{parent['pipe1_ino']}]", f"pipe:[{parent['pipe2_ino']}]"
        self.assertNotEqual(pipe1, pipe2)
        self.assertEqual(len(r.ops("pipe_write", pid=p, obj=pipe1)), n)
        self.assertEqual(len(r.ops("pipe_read", pid=c, obj=pipe1)), n)
        self.assertEqual(len(r.ops("pipe_write", pid=c, obj=pipe2)), n)
        self.assertEqual(len(r.ops("pipe_read", pid=p, obj=pipe2)), n)
        # nothing else wrote to them, and every transfer was the message size
        self.assertEqual(len(r.ops("pipe_write", obj=pipe1)), n)
        self.assertTrue(all(e["bytes"] == 64 and e["ret"] == 64
                            for e in r.ops("pipe_read", obj=pipe1)))
        creates = r.ops("pipe_create", pid=p)
        self.assertEqual(sorted(e["obj"] for e in creates), sorted([pipe1, pipe2]))
        fork = r.ops("proc_fork", pid=p)
        self.assertEqual([e["child_pid"] for e in fork], [c])
        # the summary agrees with the events
        objs = {o["id"]: o for o in r.summary["objects"]}
        self.assertEqual(objs[pipe1]["ops"], len([e for e in r.events if e["obj"] == pipe1]))
        self.assertEqual(objs[pipe1]["bytes"], 2 * 64 * n)
        self.assertEqual(sorted(objs[pipe1]["pids"]), sorted([p, c]))

    def test_fifo(self):
        n = 500
        r = self.trace("fifo", str(n))
        writer = r.work(event="done", role="writer")
        reader = r.work(event="done", role="reader")
        w, rd = int(writer["pid"]), int(reader["pid"])
        opens = r.ops("fifo_open")
        self.assertEqual(sorted(e["pid"] for e in opens), sorted([w, rd]))
        obj = opens[0]["obj"]
        self.assertTrue(obj.startswith("fifo:["), obj)
        self.assertTrue(obj.endswith(f"/{writer['fifo_ino']}]"), obj)
        self.assertEqual({e["obj"] for e in opens}, {obj})
        self.assertEqual(len(r.ops("pipe_write", pid=w, obj=obj)), n)
        self.assertEqual(len(r.ops("pipe_read", pid=rd, obj=obj)), int(reader["reads"]))
        self.assertEqual(sum(e["bytes"] for e in r.ops("pipe_read", pid=rd, obj=obj)),
                         int(reader["bytes_read"]))

    def test_socketpair_both_ends(self):
        n = 1000
        r = self.trace("socketpair-pingpong", str(n))
        parent = r.work(event="done", role="parent")
        child = r.work(event="done", role="child")
        p, c = int(parent["pid"]), int(child["pid"])
        a, b = parent["sock_ino"], child["sock_ino"]
        self.assertEqual(parent["peer_ino"], b)
        pair = r.ops("sock_pair", pid=p)
        self.assertEqual(len(pair), 1)
        # one spelling from both ends, lower inode first, also once the child closed
        conn = unix_conn(a, b)
        self.assertEqual((pair[0]["obj"], pair[0]["obj2"]), (conn, f"unix:[{b}]"))
        self.assertEqual(len(r.ops("sock_send", pid=p, obj=conn)), n)
        self.assertEqual(len(r.ops("sock_recv", pid=c, obj=conn)), n)
        self.assertEqual(len(r.ops("sock_send", pid=c, obj=conn)), n)
        self.assertEqual(len(r.ops("sock_recv", pid=p, obj=conn)), n)
        self.assertEqual([o["id"] for o in r.summary["objects"]], [conn])

    def test_unix_server_clients(self):
        n = 20
        r = self.trace("unix-server", "-c", "3", str(n))
        server = r.work(event="done", role="server")
        spid = int(server["pid"])
        listen = r.ops("sock_listen", pid=spid)
        self.assertEqual(len(listen), 1)
        self.assertEqual(listen[0]["obj"], f"unix:[{server['listen_ino']}]")
        accepts = r.ops("sock_accept", pid=spid)
        self.assertEqual(len(accepts), 3)
        for i in range(3):
            client = r.work(event="done", role="client", idx=i)
            cpid = int(client["pid"])
            served = r.work(event="served", client=i)
            conn, mine = served["conn_ino"], client["sock_ino"]
            msgs = n * (i + 1)
            sent = r.ops("sock_send", pid=cpid, obj=unix_conn(mine, conn))
            self.assertEqual(len(sent), msgs)
            self.assertEqual(sum(e["bytes"] for e in sent), msgs * 64)
            got = r.ops("sock_recv", pid=spid, obj=unix_conn(mine, conn))
            self.assertEqual(sum(e["bytes"] for e in got), msgs * 64)
            # the kernel's idea of the peer: the client's pid on the server's socket
            self.assertTrue(all(e["peer"]["pid"] == cpid for e in got), got[:1])
            # at connect the server's end has no inode yet: accept gives it one
            connect = r.ops("sock_connect", pid=cpid)
            self.assertEqual(len(connect), 1)
            self.assertEqual(connect[0]["obj"], f"unix:[{mine}]")
            self.assertEqual(connect[0]["peer"]["pid"], spid)
            accept = [e for e in accepts if e["obj"] == unix_conn(mine, conn)]
            self.assertEqual(len(accept), 1, accepts)
            self.assertEqual(accept[0]["peer"]["pid"], cpid)

    def test_tcp_pingpong(self):
        n = 1000
        r = self.trace("tcp-pingpong", str(n))
        server = r.work(event="done", role="server")
        client = r.work(event="done", role="client")
        s, c = int(server["pid"]), int(client["pid"])
        port, cport = server["port"], r.work(event="accepted")["client_port"]
        # one spelling from both ends: on one address, the lower port first
        lo, hi = sorted((int(cport), int(port)))
        conn = f"tcp:127.0.0.1:{lo}->127.0.0.1:{hi}"
        sends = r.ops("sock_send", pid=c, obj=conn)
        self.assertEqual(len(sends), int(client["writes"]))
        self.assertEqual(sum(e["bytes"] for e in sends), n * 64)
        recvs = r.ops("sock_recv", pid=s, obj=conn)
        self.assertEqual(sum(e["bytes"] for e in recvs), n * 64)
        self.assertEqual(len(recvs), int(server["reads"]))

    def test_mq(self):
        n = 500
        r = self.trace("mq", str(n))
        prod = r.work(event="done", role="producer")
        cons = r.work(event="done", role="consumer")
        name = prod["mq"]
        sends = r.ops("mq_send", pid=int(prod["pid"]), obj=f"mq:{name}")
        recvs = r.ops("mq_receive", pid=int(cons["pid"]), obj=f"mq:{name}")
        self.assertEqual(len(sends), n)
        self.assertEqual(len(recvs), n)
        self.assertTrue(all(e["ret"] == 64 for e in recvs))
        self.assertEqual(len(r.ops("mq_unlink", obj=f"mq:{name}")), 1)

    def test_contended_mutex(self):
        r = self.trace("mutex", "-t", "4", "500")
        main = r.work(event="done", role="main")
        pid = int(main["pid"])
        setup = [i for i in r.info if i.get("role") == "main" and "counter_lock" in i][0]
        addr = f"0x{int(setup['counter_lock'], 16):x}"
        waits = [e for e in r.ops("futex_wait", pid=pid) if e.get("uaddr") == addr]
        wakes = [e for e in r.ops("futex_wake", pid=pid) if e.get("uaddr") == addr]
        slept = [e for e in waits if e.get("blocked")]
        self.assertGreater(len(slept), 10, "4 threads on one mutex must contend")
        self.assertTrue(all(e["dur_ns"] > 0 for e in slept))
        woken = [e for e in waits if e["ret"] == 0]
        # every wait that returned 0 was released by a wake that reported waking someone
        self.assertGreaterEqual(sum(e["ret"] for e in wakes if e["ret"] > 0), len(woken))
        self.assertGreater(len(wakes), 0)
        # and nothing on the uncontended lock
        quiet = f"0x{int(setup['quiet_lock'], 16):x}"
        self.assertEqual([e for e in r.events if e.get("uaddr") == quiet], [])

    def test_signal_pingpong(self):
        n = 200
        r = self.trace("signal-pingpong", str(n))
        a = r.work(event="done", role="a")
        b = r.work(event="done", role="b")
        pa, pb = int(a["pid"]), int(b["pid"])
        ab = r.ops("signal_send", pid=pa, target_pid=pb, sig="SIGUSR1")
        ba = r.ops("signal_send", pid=pb, target_pid=pa, sig="SIGUSR2")
        self.assertEqual((len(ab), len(ba)), (n, n))
        self.assertTrue(all(e["ret"] == 0 and e["signo"] == 10 for e in ab))
        gen = r.ops("signal_generate", pid=pa, target_pid=pb, sig="SIGUSR1")
        self.assertEqual(len(gen), n)
        self.assertTrue(all(e["result"] in ("delivered", "already_pending") for e in gen))
        self.assertFalse(any(e.get("kernel") for e in gen))
        # B's exit is a kernel-sent SIGCHLD to A
        chld = r.ops("signal_generate", target_pid=pa, sig="SIGCHLD")
        self.assertEqual(len(chld), 1)
        self.assertTrue(chld[0]["kernel"])

    def test_recording_replays_same_events(self):
        with tempfile.TemporaryDirectory() as d:
            rec = os.path.join(d, "trace.ipct")
            with tempfile.NamedTemporaryFile("r") as info:
                cmd = [ipct.IPCTRACE, "record", "-o", rec, "--json", "--", ipct.IPCWORK,
                       "--info", info.name, "socketpair-pingpong", "300"]
                p = ipct.run(cmd)
                self.assertEqual(p.returncode, 0, p.stderr)
                live = ipct.Run(p, p.stdout, p.stderr, ipct.parse_info(info.read()))
            self.assertGreater(len(live.events), 1200)
            rep = ipct.run([ipct.IPCTRACE, "report", "--json", rec])
            self.assertEqual(rep.returncode, 0, rep.stderr)
            replay = ipct.Run(rep, rep.stdout, rep.stderr, [])
            self.assertEqual(replay.events, live.events)
            self.assertIsNotNone(replay.summary)


if __name__ == "__main__":
    unittest.main()
