#!/bin/sh
# run.sh - fuzzes the scenario loader for a bounded time.
#
#   tests/fuzz/run.sh FUZZER SECONDS [WORK]
#
# Seeds a fresh corpus in WORK (default: a temporary directory) from every
# scenario shipped in scenarios/ and every file in tests/bad/ and
# tests/data/, then runs the libFuzzer binary FUZZER for SECONDS with the
# format's dictionary. Exit status: 0 when nothing was found; libFuzzer's
# (non-zero) on any crash, sanitizer report, leak, time-out (-timeout, per
# input) or memory past -rss_limit_mb. The input that did it is written to
# WORK/crash-*, leak-*, timeout-* or oom-*: turn it into tests/bad/ cases.
set -eu
fuzzer=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seconds=$2
work=${3:-$(mktemp -d "${TMPDIR:-/tmp}/ripple-fuzz.XXXXXX")}
src=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$work/corpus" "$work/seeds"
# Regular files only (tests/bad holds a directory named *.yaml), and none
# past 1 MiB: libFuzzer cuts inputs at -max_len anyway.
find "$src/scenarios" "$src/tests/bad" "$src/tests/data" -type f \
    -name '*.yaml' -size -1024k 2>/dev/null | sort | {
    i=0
    while IFS= read -r f; do
        i=$((i + 1))
        cp "$f" "$work/seeds/$i.yaml"
    done
}
echo "fuzz: $(ls "$work/seeds" | wc -l) seed files, $seconds s, in $work"

# Files that `extends:` names are looked up beside "fuzz.yaml", i.e. here:
# the shipped scenarios are copied in too, so that a seed that extends one
# in its own directory (most variants do) loads, and gets as far as a run.
find "$src/scenarios" -type f -name '*.yaml' -exec cp {} "$work/" \;
cd "$work"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=16384 -dict="$src/tests/fuzz/scenario.dict" \
    -artifact_prefix="$work/" -print_final_stats=1 \
    "$work/corpus" "$work/seeds" >"$work/fuzz.log" 2>&1 || status=$?
grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE' \
    "$work/fuzz.log" || true
if [ "$status" -ne 0 ]; then
    tail -n 60 "$work/fuzz.log" >&2
    echo "fuzz: FAILED (status $status); the input is in $work:" >&2
    for f in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
        [ -f "$f" ] || continue
        # In the log too, so a CI run that keeps no files still shows it.
        echo "$f, base64 (first 8 KiB):" >&2
        head -c 8192 "$f" | base64 >&2
    done
fi
exit "$status"
