#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Build the Debian package of ipctrace from a finished build: the binary
# (stripped), the manual page, the bash completion and the copyright file,
# with its shared-library dependencies found by dpkg-shlibdeps.
# Usage: tools/mkdeb.sh BUILD_DIR VERSION   (make deb calls it)
# Writes BUILD_DIR/ipctrace_VERSION_ARCH.deb and prints its path.
set -euo pipefail
umask 022

die() {
	echo "mkdeb: $*" >&2
	exit 1
}

[ $# -eq 2 ] || { sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
build=$1
version=$2
bin=$build/ipctrace
[ -x "$bin" ] || die "failed to find $bin: run make first"
for t in dpkg-deb dpkg-shlibdeps dpkg-architecture; do
	command -v "$t" >/dev/null || die "failed to find $t: install dpkg-dev (tools/install-deps.sh)"
done
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
work=$build/deb
root=$work/root
deb=$build/ipctrace_${version}_${arch}.deb

rm -rf "$work"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man8" \
	"$root/usr/share/bash-completion/completions" "$root/usr/share/doc/ipctrace"
install -m 0755 "$bin" "$root/usr/bin/ipctrace"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/bin/ipctrace"
gzip -9n <man/ipctrace.8 >"$root/usr/share/man/man8/ipctrace.8.gz"
chmod 0644 "$root/usr/share/man/man8/ipctrace.8.gz"
install -m 0644 completion/ipctrace.bash "$root/usr/share/bash-completion/completions/ipctrace"
cat >"$root/usr/share/doc/ipctrace/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ipctrace

Files: *
Copyright: the ipctrace developers
License: GPL-2.0 or BSD-2-Clause
 The userspace program is available under either license; the BPF
 programs it loads declare the GPL.  On Debian systems the GPL-2.0 is in
 /usr/share/common-licenses/GPL-2 and the BSD license in
 /usr/share/common-licenses/BSD.
COPYRIGHT
chmod 0644 "$root/usr/share/doc/ipctrace/copyright"

# dpkg-shlibdeps wants a debian/control next to where it runs
mkdir -p "$work/debian"
printf 'Source: ipctrace\n\nPackage: ipctrace\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -e root/usr/bin/ipctrace 2>shlibdeps.log |
	sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.log" >&2; die "dpkg-shlibdeps failed"; }
[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies"
size=$(du -k -s "$root/usr" | cut -f1)

cat >"$root/DEBIAN/control" <<CONTROL
Package: ipctrace
Version: $version
Architecture: $arch
Maintainer: ipctrace developers <ipctrace@invalid>
Installed-Size: $size
Depends: $depends
Section: admin
Priority: optional
Description: trace inter-process communication with eBPF
 ipctrace shows who talks to whom through pipes, FIFOs, POSIX message
 queues, futexes, signals, unix and inet sockets and SysV semaphores, who
 waits on whom and for how long, and which locks are contended, live or
 from a recording.  Outputs: live summaries, strace-like events, JSON
 Lines, an IPC graph (DOT, JSON), flame graphs of where threads block.
CONTROL

dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
