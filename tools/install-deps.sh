#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Install what ipctrace needs to build and test on Debian/Ubuntu (apt).
# Usage: tools/install-deps.sh [--no-browser]
#   --no-browser   skip Chromium, Node.js and the npm packages (only the flame
#                  graph and timeline browser tests need them)
# The timeline test's npm packages (speedscope, playwright-core), at pinned
# versions, go to $IPCTRACE_NPM_DIR (default /opt/ipctrace-tests).
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
	make gcc clang llvm libclang-rt-dev pkg-config
	libbpf-dev libelf-dev zlib1g-dev libmicrohttpd-dev libcmocka-dev
	python3 graphviz procps iproute2 util-linux bindfs
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
	# Node.js from Debian unless one is installed already (npm comes with some)
	command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
	command -v npm >/dev/null 2>&1 || pkgs+=(npm)
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
echo "install-deps: installed ${pkgs[*]}"

# npm packages for tests, pinned: speedscope (a timeline viewer served from
# localhost) and playwright-core (drives Debian's Chromium)
npm_pkgs=(speedscope@1.25.0 playwright-core@1.65.2)
npm_dir=${IPCTRACE_NPM_DIR:-/opt/ipctrace-tests}
have_npm_pkgs() {
	local p
	for p in "${npm_pkgs[@]}"; do
		grep -q "\"version\": \"${p##*@}\"" "$npm_dir/node_modules/${p%@*}/package.json" \
			2>/dev/null || return 1
	done
}
if [ "$browser" -eq 1 ] && ! have_npm_pkgs; then
	$sudo mkdir -p "$npm_dir"
	$sudo npm install --prefix "$npm_dir" --no-audit --no-fund --no-save "${npm_pkgs[@]}" \
		>/dev/null
	echo "install-deps: installed ${npm_pkgs[*]} in $npm_dir"
fi
