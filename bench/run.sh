#!/usr/bin/env bash
# Builds ripple (Release) and runs every benchmark: M/M/1 against a bare C
# loop and SimPy, a small supply chain against SimPy, the flagship on 1 and
# all threads, compare on the flagship, and networks of 100 to 100,000
# nodes. Writes bench/results.json and bench/results.md (see bench/README.md).
#
#   bench/run.sh [--runs N] [--quick] [--out DIR] [--sections mm1,supply,...]
#                [--sizes 100,1000] [--timeout S] [--compare-runs N]
#                [--build DIR] [--no-build]
#
# --quick is the seconds-long smoke run CI does (ctest bench_smoke): small
# sizes, one run; its figures mean nothing. Peers need Debian's
# python3-simpy for /usr/bin/python3 (scripts/setup.sh installs it);
# without it their rows say so and the rest still runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-bench"
do_build=1
args=()
all="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --build) build="$2"; shift 2 ;;
        --no-build) do_build=0; shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$1"); shift ;;
    esac
done
python=/usr/bin/python3
[ -x "$python" ] || { echo "bench: needs Debian's /usr/bin/python3 (apt-get install python3)" >&2; exit 2; }
if [ "$do_build" = 1 ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRP_TESTS=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)" --target ripple_cli bench_scale bench_mm1_ref gen_network >/dev/null
fi
exec "$python" "$root/bench/bench.py" --build "$build" --args "${all:+ $all}" ${args[@]+"${args[@]}"}
