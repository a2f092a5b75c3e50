#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Regenerate vmlinux.h from the running kernel's BTF (or a given BTF file).
# Usage: tools/gen-vmlinux.sh OUT.h [BTF_FILE]
set -euo pipefail
out=${1:?usage: gen-vmlinux.sh OUT.h [BTF_FILE]}
btf=${2:-/sys/kernel/btf/vmlinux}
if [ ! -r "$btf" ]; then
	echo "gen-vmlinux: cannot read $btf: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF)" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
bpftool btf dump file "$btf" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "gen-vmlinux: wrote $out from $btf ($(uname -r))"
