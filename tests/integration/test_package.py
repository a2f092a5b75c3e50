# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The Debian package (make deb) installed and removed on this machine, and
the bash completion it ships."""
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import ipct

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
COMPLETION = os.path.join(ROOT, "completion", "ipctrace.bash")
INSTALLED_COMPLETION = "/usr/share/bash-completion/completions/ipctrace"
APT_LOCK = ["-o", "DPkg::Lock::Timeout=300"]


def complete(words, script=COMPLETION, cwd=None):
    """What the completion offers for the last word of the command line `words`."""
    prog = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
            '_ipctrace; printf "%s\\n" "${COMPREPLY[@]}"')
    p = subprocess.run(["bash", "-c", prog, "bash", script] + list(words), capture_output=True,
                       text=True, timeout=60, cwd=cwd)
    if p.returncode != 0 or p.stderr:
        raise AssertionError(f"completion of {words} failed: {p.stderr}")
    return [l for l in p.stdout.split("\n") if l]


def dpkg_status(pkg):
    p = ipct.run(["dpkg-query", "-W", "-f", "${Status}", pkg])
    return p.stdout.strip() if p.returncode == 0 else ""


class Completion(unittest.TestCase):
    def test_options_match_help(self):
        """Every option of --help is completed, and nothing else."""
        helptext = ipct.run([ipct.IPCTRACE, "--help"]).stdout
        want = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", helptext.split("EXAMPLES:")[0]))
        want |= set(re.findall(r"^\s+(-[a-zA-Z]),", helptext, re.M))
        got = set(complete(["ipctrace", "-"]))
        self.assertEqual(got, want)
        self.assertEqual(complete(["ipctrace", "--gra"]),
                         ["--graph", "--graph-collapse", "--graph-idle"])

    def test_subcommands_and_values(self):
        self.assertEqual(complete(["ipctrace", "re"]), ["record", "report"])
        self.assertEqual(complete(["ipctrace", "st"]), ["stuck"])
        self.assertEqual(complete(["ipctrace", "--types", "pipe,f"]), ["pipe,futex"])
        self.assertEqual(sorted(complete(["ipctrace", "--types", "pipe,s"])),
                         ["pipe,sem", "pipe,signal", "pipe,socket"])
        self.assertNotIn("pipe,pipe", complete(["ipctrace", "--types", "pipe,"]))
        self.assertEqual(len(complete(["ipctrace", "--types", "pipe,"])), 5)
        self.assertEqual(sorted(complete(["ipctrace", "--graph", ""])),
                         ["dot", "dot=", "json", "json="])
        # after --: commands, then files
        self.assertIn("bash", complete(["ipctrace", "-p", "1", "--", "bas"]))

    def test_pids_with_names(self):
        # a process whose name has an escape byte: shown as '?', never raw
        child = subprocess.Popen([sys.executable, "-c",
                                  "import time; open('/proc/self/comm','w').write('ipc\\x1bzz');"
                                  "time.sleep(60)"])
        try:
            for _ in range(100):
                with open(f"/proc/{child.pid}/comm", "rb") as f:
                    if f.read().startswith(b"ipc\x1b"):
                        break
                time.sleep(0.05)
            shown = complete(["ipctrace", "-p", ""])
            self.assertIn(f"{child.pid} (ipc?zz)", shown)
            self.assertFalse([s for s in shown if "\x1b" in s])
            # a comma list completes its last item; the text inserted is the pid
            got = complete(["ipctrace", "-p", f"1,{child.pid}"])
            self.assertTrue(got and all(g.startswith(f"1,{child.pid}") for g in got), got)
            if len(got) == 1:
                self.assertEqual(got, [f"1,{child.pid}"])
            self.assertEqual(complete(["ipctrace", "-p", "x"]), [])
            self.assertIn(f"{child.pid} (ipc?zz)", complete(["ipctrace", "-t", ""]))
        finally:
            child.kill()
            child.wait()

    def test_recordings_for_report(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("a.ipct", "b.txt"):
                open(os.path.join(d, name), "w").close()
            os.mkdir(os.path.join(d, "sub"))
            got = complete(["ipctrace", "report", "-q", ""], cwd=d)
            self.assertEqual(sorted(got), ["a.ipct", "sub"])
            self.assertEqual(complete(["ipctrace", "record", "-o", "b"], cwd=d), ["b.txt"])


class Package(unittest.TestCase):
    """make deb, install it with apt, use it, remove it.  Another run of this test
    (several checkouts on one machine) waits on a lock: they share the package name."""

    def setUp(self):
        for tool in ("dpkg-deb", "dpkg-shlibdeps", "apt-get", "man"):
            if not shutil.which(tool):
                self.fail(f"{tool} not found: run tools/install-deps.sh")
        self.lock = open("/run/lock/ipctrace-package-test.lock", "w")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.addCleanup(self.lock.close)
        if dpkg_status("ipctrace"):
            self.fail("the ipctrace package is installed already "
                      f"({dpkg_status('ipctrace')}): this test would replace it; "
                      "remove it first (apt-get purge ipctrace)")

    def test_build_install_use_remove(self):
        version = open(os.path.join(ROOT, "VERSION")).read().strip()
        p = ipct.run(["tools/mkdeb.sh", ipct.BUILD, version], cwd=ROOT)
        self.assertEqual(p.returncode, 0, p.stderr)
        deb = p.stdout.strip()
        self.assertTrue(deb.endswith(f"ipctrace_{version}_amd64.deb"), deb)
        fields = ipct.run(["dpkg-deb", "-f", deb]).stdout
        self.assertIn(f"Version: {version}\n", fields)
        self.assertRegex(fields, r"Depends: .*libc6.*libelf1")

        self.addCleanup(self.remove)
        p = ipct.run(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + APT_LOCK +
                     [os.path.abspath(deb)], timeout=600,
                     env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(dpkg_status("ipctrace"), "install ok installed")
        files = ipct.run(["dpkg", "-L", "ipctrace"]).stdout.split()
        for f in ("/usr/bin/ipctrace", "/usr/share/man/man8/ipctrace.8.gz",
                  INSTALLED_COMPLETION, "/usr/share/doc/ipctrace/copyright"):
            self.assertIn(f, files)
            self.assertTrue(os.path.exists(f), f)

        v = ipct.run(["/usr/bin/ipctrace", "--version"])
        self.assertEqual(v.returncode, 0, v.stderr)
        self.assertRegex(v.stdout, rf"^ipctrace {re.escape(version)}\nlibbpf \d+\.\d+ ")

        self.assertEqual(ipct.run(["man", "-w", "ipctrace"]).stdout.strip(),
                         "/usr/share/man/man8/ipctrace.8.gz")
        m = ipct.run(["man", "-P", "cat", "ipctrace"],
                     env=dict(os.environ, MANWIDTH="100", LC_ALL="C.UTF-8"))
        self.assertEqual(m.returncode, 0, m.stderr)
        self.assertRegex(m.stdout, r"IPCTRACE\(8\)")
        self.assertIn("trace inter-process communication", m.stdout)
        self.assertIn("--version", m.stdout.replace("\u2010", "-"))

        self.assertEqual(complete(["ipctrace", "--vers"], script=INSTALLED_COMPLETION),
                         ["--version"])

    def remove(self):
        p = ipct.run(["apt-get", "purge", "-y", "-q"] + APT_LOCK + ["ipctrace"], timeout=600,
                     env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(dpkg_status("ipctrace"), "")
        self.assertFalse(os.path.exists("/usr/bin/ipctrace"))
