#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Replay every golden recording through `ipctrace report` and compare the
# outputs, byte for byte, with what was accepted before (tests/golden/NAME.out/).
# The binaries named in the recordings are looked up under an empty --symfs,
# so frames print as module+offset whatever this machine's libc is.
#   tests/golden/check.sh [--update] [BUILD]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
build=$(cd "${1:-build}" && pwd)
ipctrace="$build/ipctrace"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/symfs"

fail=0
n=0
cd "$here"
for rec in *.ipct; do
	name=${rec%.ipct}
	out="$tmp/$name.out"
	mkdir "$out"
	r=(report --symfs "$tmp/symfs" --top 0)
	"$ipctrace" "${r[@]}" --events "$rec" >"$out/events.txt" 2>"$out/stderr.txt"
	"$ipctrace" "${r[@]}" --json "$rec" >"$out/json.txt" 2>>"$out/stderr.txt"
	"$ipctrace" "${r[@]}" -q --graph json="$out/graph.json" --folded "$out/folded.txt" \
		"$rec" >"$out/report.txt" 2>>"$out/stderr.txt"
	"$ipctrace" "${r[@]}" -q --graph-collapse --graph dot="$out/collapsed.dot" "$rec" \
		>/dev/null 2>>"$out/stderr.txt"
	n=$((n + 1))
	if [ "$update" = 1 ]; then
		rm -rf "$here/$name.out"
		cp -r "$out" "$here/$name.out"
		continue
	fi
	if ! diff -ru "$here/$name.out" "$out" >"$tmp/$name.diff"; then
		echo "golden: $name: output changed:" >&2
		head -n 40 "$tmp/$name.diff" >&2
		fail=1
	fi
done
if [ "$n" = 0 ]; then
	echo "golden: no recordings in $here" >&2
	exit 1
fi
[ "$update" = 1 ] && echo "golden: wrote the expected outputs of $n recordings"
[ "$update" = 0 ] && [ "$fail" = 0 ] && echo "golden: $n recordings, every output identical"
exit $fail
