#!/usr/bin/env bash
# ctest bench_smoke: bench/run.sh --quick on an already built tree, into a
# temporary directory, then bench/check_results.py on what it wrote. Checks
# that the benchmark runs and writes every section; asserts no speed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -eq 1 ] || { echo "usage: bench/smoke.sh BUILD_DIR" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$root/bench/run.sh" --quick --no-build --build "$1" --out "$out" >/dev/null
/usr/bin/python3 "$root/bench/check_results.py" "$out"
