#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The demo behind `make demo`: a small "service" of cooperating processes
# (a unix socket server with 3 clients, a 3-stage pipeline, 4 threads on
# one mutex, a parent signalling its children, 2 producers and 2 consumers
# on a message queue), traced by ipctrace with its live view, then the
# final report and the IPC graph as Graphviz DOT.
# Usage: tools/demo.sh [BUILD_DIR]   (as root)
set -euo pipefail
build=${1:-build}
w="$build/tools/ipcwork --info /dev/null"
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: ipctrace loads BPF programs: run as root (sudo make demo)" >&2
	exit 1
fi
graph=$(mktemp /tmp/ipctrace-demo-XXXXXX.dot)
timeline=$(mktemp /tmp/ipctrace-demo-XXXXXX.json)
"$build/ipctrace" --graph "dot=$graph" --timeline "$timeline" -- sh -c "$w unix-server -c 3 20000 & \
$w pipeline 50000 & $w mutex -t 4 20000 & $w signal-star 3000 & $w mq -P 2 -C 2 20000 & wait"
echo
echo "demo: the IPC graph is in $graph (render it: dot -Tsvg $graph > demo.svg)"
echo "demo: the timeline is in $timeline (open it in https://ui.perfetto.dev)"
