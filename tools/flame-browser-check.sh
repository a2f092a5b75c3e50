#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Open a flame graph SVG in headless Chromium: screenshot it to PNG and check
# that its script initialised (root data-ready="1", data-frames > 0, no
# uncaught error in the console).  The script run is JS (default: the source
# tree's src/output/flame.js), put in place of the one the SVG embeds, so a
# change to flame.js is checked without a rebuild.
# Usage: tools/flame-browser-check.sh SVG PNG [JS]
#   CHROMIUM=/path/to/browser   use another Chromium build (default: chromium)
# Exit: 0 ok, 1 check failed, 64 usage; 77 when no browser is installed and
# CI is not set (under CI=true a missing browser is a failure).
set -euo pipefail

die() {
	echo "flame-browser-check: $*" >&2
	exit 1
}

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 64
fi
svg=$1
png=$2
js=${3:-$(dirname "$0")/../src/output/flame.js}
[ -r "$svg" ] || die "failed to read $svg: no such file"
[ -r "$js" ] || die "failed to read $js: no such file"

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
	for b in chromium chromium-browser google-chrome; do
		if command -v "$b" >/dev/null 2>&1; then
			browser=$b
			break
		fi
	done
fi
if [ -z "$browser" ]; then
	if [ "${CI:-}" = true ]; then
		die "no Chromium found (install it with tools/install-deps.sh)"
	fi
	echo "flame-browser-check: SKIP: no Chromium found" >&2
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if command -v node >/dev/null 2>&1; then
	node --check "$js" || die "$js: syntax error (above)"
fi
# The SVG with JS in its <script> element (the one line that opens it, up to
# the line that closes it).
grep -q '^<script type="text/ecmascript"><!\[CDATA\[$' "$svg" ||
	die "failed to find the <script> element of $svg"
awk -v js="$js" '
	/^<script type="text\/ecmascript"><!\[CDATA\[$/ {
		print; while ((getline line < js) > 0) print line; skip = 1; next
	}
	skip && /^\]\]><\/script>$/ { skip = 0 }
	!skip { print }' "$svg" >"$tmp/check.svg"
url="file://$tmp/check.svg"

# The window matches the drawing so the screenshot shows all of it.
size=$(sed -n 's/^<svg .* width="\([0-9]*\)" height="\([0-9]*\)".*/\1,\2/p' "$svg" | head -n 1)
[ -n "$size" ] || die "failed to read the size of $svg: no <svg width height> line"

# A fresh profile per run, and nothing that talks to the network.
chrome() {
	local profile
	profile=$(mktemp -d "$tmp/profile.XXXXXX")
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --disable-extensions --hide-scrollbars --user-data-dir="$profile" \
		--enable-logging=stderr --v=0 "$@" "$url"
}

if ! chrome --dump-dom >"$tmp/dom" 2>"$tmp/dom.log"; then
	tail -n 20 "$tmp/dom.log" >&2
	die "failed to load $svg in $browser"
fi
root=$(grep -m 1 -o '<svg [^>]*>' "$tmp/dom" || true)
[ -n "$root" ] || die "failed to find the <svg> root element in the DOM of $svg"
err=$(printf '%s' "$root" | sed -n 's/.*data-error="\([^"]*\)".*/\1/p')
[ -z "$err" ] || die "script failed to initialise: $err"
ready=$(printf '%s' "$root" | sed -n 's/.* data-ready="\([^"]*\)".*/\1/p')
[ "$ready" = 1 ] ||
	die "script did not initialise: data-ready=\"$ready\" (script disabled or crashed?)"
frames=$(printf '%s' "$root" | sed -n 's/.* data-frames="\([0-9]*\)".*/\1/p')
[ "${frames:-0}" -gt 0 ] || die "script found no frames (data-frames=\"$frames\")"
if grep -E 'CONSOLE.*(Uncaught|Error)' "$tmp/dom.log" >&2; then
	die "errors in the browser console (above)"
fi

rm -f "$png"
if ! chrome --screenshot="$png" --window-size="$size" >"$tmp/shot.log" 2>&1; then
	tail -n 20 "$tmp/shot.log" >&2
	die "failed to take a screenshot of $svg"
fi
[ -s "$png" ] || die "failed to take a screenshot of $svg: $png is empty"
echo "flame-browser-check: ok: $frames frames, ready; screenshot $png"
