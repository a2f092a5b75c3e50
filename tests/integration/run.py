#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Run ipctrace's integration and whole-binary tests.

They load the real BPF programs and trace real workloads (build/tools/ipcwork),
so they need root.  Without root they are skipped with a message, except
under CI=true, where a skip is a failure: CI machines can load them.

Usage: tests/integration/run.py [--build DIR] [-k PATTERN] [-v]
"""
import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("-k", dest="pattern", action="append", default=[],
                    help="only tests whose name contains PATTERN")
    ap.add_argument("-v", action="store_true", help="verbose")
    args = ap.parse_args()

    os.environ["IPCTRACE_BUILD"] = os.path.abspath(args.build)
    ci = os.environ.get("CI", "").lower() == "true"
    if os.geteuid() != 0:
        msg = "integration tests need root (they load BPF programs)"
        if ci:
            print(f"FAIL: {msg}, and CI=true: a skipped BPF test is a failure", file=sys.stderr)
            return 1
        print(f"SKIP: {msg}; run as root: sudo make check-integration", file=sys.stderr)
        return 0

    sys.path.insert(0, HERE)
    loader = unittest.TestLoader()
    if args.pattern:
        loader.testNamePatterns = [f"*{p}*" for p in args.pattern]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2 if args.v else 1).run(suite)
    if result.skipped and ci:
        print(f"FAIL: {len(result.skipped)} test(s) skipped under CI=true", file=sys.stderr)
        for test, why in result.skipped:
            print(f"  {test.id()}: {why}", file=sys.stderr)
        return 1
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
