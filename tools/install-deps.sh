#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Install what ipctrace needs to build and test on Debian/Ubuntu (apt).
# Usage: tools/install-deps.sh [--no-browser]
#   --no-browser   skip Chromium (only the flame graph browser test needs it)
set -euo pipefail

browser=1
for arg in "$@"; do
	case "$arg" in
	--no-browser) browser=0 ;;
	-h|--help) sed -n '3,5p' "$0"; exit 0 ;;
	*) echo "install-deps: unknown argument: $arg" >&2; exit 64 ;;
	esac
done

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: apt-get not found: install the packages listed in README.md by hand" >&2
	exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

pkgs=(
	make gcc clang llvm pkg-config
	libbpf-dev libelf-dev zlib1g-dev libmicrohttpd-dev libcmocka-dev
	python3 graphviz procps iproute2 util-linux
	dpkg-dev man-db prometheus
)
# bpftool has its own package on Debian 12 and newer Ubuntu; older Ubuntu
# ships it in linux-tools.
if apt-cache show bpftool >/dev/null 2>&1; then
	pkgs+=(bpftool)
else
	pkgs+=("linux-tools-$(uname -r)" linux-tools-common)
fi
if [ "$browser" -eq 1 ]; then
	pkgs+=(chromium)
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
echo "install-deps: installed ${pkgs[*]}"
