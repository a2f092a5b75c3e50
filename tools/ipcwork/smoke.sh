#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Smoke test of ipcwork: every scenario once with a small count, exit status
# 0 and the key counts of its done lines.  No tracer, no root needed.
#   tools/ipcwork/smoke.sh [path/to/ipcwork]      (default: build/tools/ipcwork)

set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/tools/ipcwork}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ipcwork-smoke.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
info=$tmp/info
fails=0
runs=0

if [ ! -x "$bin" ]; then
	echo "smoke: $bin not found (make build/tools/ipcwork)" >&2
	exit 1
fi

fail() {
	echo "FAIL: $*" >&2
	sed 's/^/    /' "$info" "$tmp/err" >&2 2>/dev/null
	fails=$((fails + 1))
}

# run NAME ARGS...: the scenario must exit 0.
run() {
	name=$1
	shift
	runs=$((runs + 1))
	fails_before=$fails
	"$bin" --info "$info" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" && return 0
	fail "$name: exit status $? ($*)"
	return 1
}

# ok: the last run and its checks passed.
ok() {
	[ "$fails" -eq "$fails_before" ] && echo "ok    $name"
	return 0
}

# expect N PATTERN: N done/served/child lines of the last run match the extended regex.
expect() {
	n=$(grep -cE "$2" "$info")
	[ "$n" -eq "$1" ] || fail "expected $1 line(s) matching '$2', got $n"
}

# gone WHAT: the path= of the last run was removed at its end.
gone() {
	path=$(grep -o ' path=[^ ]*' "$info" | head -n 1 | cut -d= -f2)
	if [ -z "$path" ] || [ -e "$path" ] || [ -e "$(dirname "$path")" ]; then
		fail "the $1 $path or its directory is still there"
	fi
}

run pipe-pingpong pipe-pingpong 50 &&
	expect 2 '^ipcwork: done .* writes=50 reads=50 bytes_written=3200 bytes_read=3200 .*short_reads=0'
ok
run fifo -s 100 fifo 40 &&
	expect 1 '^ipcwork: done .*role=writer .* writes=40 .*bytes_written=4000' &&
	expect 1 '^ipcwork: done .*role=reader .* reads=40 .*bytes_read=4000' &&
	gone fifo
ok
run socketpair-pingpong socketpair-pingpong 50 &&
	expect 2 '^ipcwork: done .* writes=50 reads=50 .*api=write'
ok
run socketpair-pingpong-send --send socketpair-pingpong 50 &&
	expect 2 '^ipcwork: done .* writes=50 reads=50 .*api=send'
ok
run unix-server -c 3 unix-server 10 &&
	expect 1 '^ipcwork: served .*client=2 .* msgs=30 writes=30 reads=30 bytes_written=1920' &&
	expect 1 '^ipcwork: done .*role=server .* writes=60 reads=60 ' &&
	gone socket
ok
run unix-server-abstract --abstract -c 2 unix-server 5 &&
	expect 1 '^ipcwork: done .*role=server .* msgs=15 .*path=@ipcwork-'
ok
run tcp-pingpong tcp-pingpong 50 &&
	expect 2 '^ipcwork: done .* writes=50 reads=50 '
ok
run mq mq 30 &&
	expect 1 '^ipcwork: done .*role=producer .* sends=30 ' &&
	expect 1 '^ipcwork: done .*role=consumer .* receives=30 '
ok
run mq-2x3 -P 2 -C 3 mq 10 &&
	expect 1 '^ipcwork: done .*role=producer idx=1 .* sends=20 ' &&
	expect 2 '^ipcwork: done .*role=consumer idx=[01] .* receives=10 ' &&
	expect 1 '^ipcwork: done .*role=consumer idx=2 .* receives=10 '
ok
run mutex -t 3 --hold-us 5 mutex 100 &&
	expect 3 '^ipcwork: done .*role=worker .* acquisitions=100 ' &&
	expect 1 '^ipcwork: done .*role=main .* counter=300 .* quiet_acquisitions=100 '
ok
run condvar condvar 1 &&
	expect 1 '^ipcwork: done .*role=idle-worker .* cond_waits=1 ' &&
	expect 2 '^ipcwork: done .*role=light .* acquisitions=1000 '
ok
run sem --post-delay-us 50 sem 20 &&
	expect 1 '^ipcwork: done .*role=waiter .* posix_waits=20 sysv_waits=20 '
ok
run sem-named --named --post-delay-us 50 sem 20 &&
	expect 1 '^ipcwork: done .*role=poster .* posix_posts=20 sysv_posts=20 '
ok
run signal-pingpong signal-pingpong 30 &&
	expect 2 '^ipcwork: done .* sent=30 received=30 .*method=sigwaitinfo'
ok
run signal-pingpong-handler --handler signal-pingpong 30 &&
	expect 2 '^ipcwork: done .* sent=30 received=30 .*method=handler'
ok
run signal-star signal-star 10 &&
	expect 3 '^ipcwork: child .* sent=10 received=10 sigchld=1 ' &&
	expect 1 '^ipcwork: done .*role=parent .* sent=30 received=30 sigchld=3 '
ok
run signal-star-handler --handler -c 2 signal-star 10 &&
	expect 1 '^ipcwork: done .*role=parent .* sent=20 received=20 sigchld=2 '
ok
run pipeline pipeline 20 &&
	expect 1 '^ipcwork: done .*role=stage-a .* writes=20 reads=0 ' &&
	expect 1 '^ipcwork: done .*role=stage-b .* writes=20 reads=20 ' &&
	expect 1 '^ipcwork: done .*role=stage-c .* writes=0 reads=20 '
ok
run exec-pipe -s 100 exec-pipe 1050 &&
	expect 1 '^ipcwork: done .*role=emitter .* writes=11 .*bytes_written=1050' &&
	expect 1 '^ipcwork: done .*role=parent .* reads=12 .*bytes_read=1050 .*eof_reads=1'
ok
run emit -s 10 emit 25 &&
	{ [ "$(wc -c <"$tmp/out")" -eq 25 ] || fail "emit wrote $(wc -c <"$tmp/out") bytes, not 25"; }
ok
run shm-mutex shm-mutex 50 &&
	expect 1 '^ipcwork: done .*role=parent .* counter=100 '
ok
run exit-early --linger-ms 100 exit-early 50 &&
	expect 1 '^ipcwork: done .*role=child .* acquisitions=100 ' &&
	expect 1 '^ipcwork: child-exit .* exit_code=0 '
ok
run idle idle 1 &&
	expect 1 '^ipcwork: done .*role=parent .* mq=/ipcwork-'
ok

# --wait-stdin: nothing moves before the line arrives.
runs=$((runs + 1))
start=$(date +%s%N)
if (sleep 0.3; echo go) | "$bin" --info "$info" --wait-stdin pipe-pingpong 10 2>"$tmp/err"; then
	el=$((($(date +%s%N) - start) / 1000000))
	if [ "$el" -ge 300 ] && grep -q '^ipcwork: ready ' "$info"; then
		echo "ok    wait-stdin"
	else
		fail "wait-stdin: done after $el ms, or no ready line"
	fi
else
	fail "wait-stdin: exit status $?"
fi

# Usage errors exit 2.
runs=$((runs + 1))
"$bin" no-such-scenario >/dev/null 2>&1
rc=$?
if [ "$rc" -eq 2 ]; then
	echo "ok    usage-error"
else
	fail "usage error: exit status $rc, not 2"
fi

echo "smoke: $runs cases, $fails failed check(s)"
[ "$fails" -eq 0 ]
