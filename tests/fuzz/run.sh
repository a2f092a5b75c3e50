#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run the fuzz targets of tests/fuzz/fuzz_report.c for a bounded time each,
# from the seed corpus: the golden recordings and tests/fuzz/seeds/ (as
# files for fuzz_recording, as raw records for fuzz_records: chunks.py).  A crash,
# a leak, a sanitizer report, an input slower than 10 s or an RSS over 2 GiB
# fails; the input that did it is left in DIR/artifacts/.
#   tests/fuzz/run.sh FUZZ_DIR SECONDS
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1
secs=$2
mkdir -p "$dir/artifacts"
for target in recording records; do
	corpus="$dir/corpus-$target"
	mkdir -p "$corpus"
	if [ "$target" = recording ]; then
		cp "$here"/../golden/*.ipct "$here"/seeds/*.ipct "$corpus"/
	else
		"$here"/chunks.py "$corpus" "$here"/../golden/*.ipct "$here"/seeds/*.ipct
	fi
	echo "  FUZZ     $target, ${secs}s"
	"$dir/fuzz_$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=262144 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
		"$corpus" >"$dir/fuzz_$target.log" 2>&1 || {
		tail -60 "$dir/fuzz_$target.log"
		echo "fuzz_$target failed: see $dir/fuzz_$target.log and $dir/artifacts/" >&2
		exit 1
	}
	grep -E '^stat::(number_of_executed_units|new_units_added)' "$dir/fuzz_$target.log" |
		sed 's/^/           /'
done
