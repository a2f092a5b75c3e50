#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Record the golden scenarios again (root) and/or rewrite their expected
# outputs.  The recordings are the fixed input of tests/golden/check.sh:
# re-record only when the record format changes, and review the diff of the
# expected outputs whenever an analysis or output is meant to change.
#   tests/golden/regen.sh [--record] [BUILD]     (default BUILD: build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
record=0
if [ "${1:-}" = "--record" ]; then
	record=1
	shift
fi
build=$(cd "${1:-build}" && pwd)

if [ "$record" = 1 ]; then
	grep -v '^#' "$here/scenarios" | while read -r name rest; do
		[ -n "$name" ] || continue
		rest=" $rest"
		opts=${rest%% -- *}
		work=${rest#* -- }
		echo "record $name"
		# shellcheck disable=SC2086
		"$build/ipctrace" record -o "$here/$name.ipct" $opts -- \
			"$build/tools/ipcwork" --info /dev/null $work >/dev/null
	done
fi
"$here/check.sh" --update "$build"
