#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# What the object filter costs processes that are NOT traced.
#
# A pipe ping-pong between two processes (ipcwork pipe-pingpong, both pinned
# to one CPU with taskset) runs untraced, then while `ipctrace -p IDLE` runs
# (IDLE: a sleeping process, so ipctrace itself has nothing to do), then
# while `ipctrace --no-peers -p IDLE` runs: the difference between the last
# two is the object filter (the watched-object lookup on the ping-pong's
# reads and writes); the last one alone is the price of the probes being
# attached at all.  The three alternate RUNS times so that drift (frequency,
# other load) spreads evenly; each run prints ns per round trip, then the
# median ratios.
#
#   sudo tools/bench-peers.sh                # RUNS=5 N=100000 CPU=0
#   sudo RUNS=9 N=200000 tools/bench-peers.sh
set -eu

BUILD=${BUILD:-build}
RUNS=${RUNS:-5}
N=${N:-100000}
CPU=${CPU:-0}
IPCTRACE=$BUILD/ipctrace
IPCWORK=$BUILD/tools/ipcwork

if [ "$(id -u)" != 0 ]; then
	echo "bench-peers: needs root (it loads BPF programs)" >&2
	exit 2
fi
for f in "$IPCTRACE" "$IPCWORK"; do
	[ -x "$f" ] || { echo "bench-peers: $f missing: run make first" >&2; exit 2; }
done
command -v taskset >/dev/null || { echo "bench-peers: taskset missing (util-linux)" >&2; exit 2; }

# another tracer's probes would tax every run alike and blur the ratios
others=$(bpftool prog list 2>/dev/null | grep -c "name ipc_sys_enter" || true)
if [ "${others:-0}" -gt 0 ]; then
	echo "bench-peers: warning: $others other ipctrace instance(s) running: numbers include them" >&2
fi

tmp=$(mktemp -d)
# the idle target holds nothing the benchmark's own processes share (stdio pipes)
sleep 100000 </dev/null >/dev/null 2>&1 &
idle=$!
tracer=
cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null && wait "$tracer" 2>/dev/null
	kill "$idle" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# ns per round trip of one ping-pong run
pingpong() {
	taskset -c "$CPU" "$IPCWORK" --info "$tmp/info" pipe-pingpong "$N" >/dev/null
	sed -n 's/.*done scenario=pipe-pingpong role=parent .*elapsed_ns=\([0-9]*\).*/\1/p' \
		"$tmp/info" | awk -v n="$N" '{ printf "%.1f\n", $1 / n }'
}

# start ipctrace -p IDLE [args], wait until its probes are attached
tracer_start() {
	"$IPCTRACE" -v -q "$@" -p "$idle" >"$tmp/out" 2>"$tmp/err" &
	tracer=$!
	for _ in $(seq 100); do
		grep -q "ipctrace: tracing" "$tmp/err" && return 0
		kill -0 "$tracer" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench-peers: ipctrace did not start:" >&2
	cat "$tmp/err" >&2
	exit 1
}

tracer_stop() {
	kill -INT "$tracer"
	wait "$tracer" || { echo "bench-peers: ipctrace failed:" >&2; cat "$tmp/err" >&2; exit 1; }
	tracer=
	# nothing of the ping-pong may have been traced: it uses no watched object
	if grep -q "pipe:\[" "$tmp/out"; then
		echo "bench-peers: the untraced ping-pong showed up in the trace" >&2
		exit 1
	fi
}

echo "pipe ping-pong, $N round trips, pinned to CPU $CPU; ipctrace -p $idle (sleep)"
printf '%-4s %12s %12s %12s %8s %8s\n' run untraced peers no-peers peers/u no-peers/u
: >"$tmp/ratios"
for i in $(seq "$RUNS"); do
	base=$(pingpong)
	tracer_start
	peers=$(pingpong)
	tracer_stop
	tracer_start --no-peers
	nopeers=$(pingpong)
	tracer_stop
	echo "$base $peers $nopeers" | awk -v i="$i" '{
		printf "%-4s %12s %12s %12s %8.3f %8.3f\n", i, $1, $2, $3, $2 / $1, $3 / $1 }'
	echo "$base $peers $nopeers" | awk '{ print $2 / $1, $3 / $1, $2 / $3 }' >>"$tmp/ratios"
done
echo "(ns per round trip; ratios against the untraced run just before)"
for col in 1 2 3; do
	case $col in
	1) name="ipctrace -p IDLE / untraced           " ;;
	2) name="ipctrace --no-peers -p IDLE / untraced" ;;
	*) name="object filter alone (peers / no-peers)" ;;
	esac
	sort -n -k"$col","$col" "$tmp/ratios" | awk -v c="$col" -v name="$name" '
		{ v[NR] = $c } END { printf "median %s: %.3f\n", name, v[int((NR + 1) / 2)] }'
done
