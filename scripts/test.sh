#!/usr/bin/env bash
# The README's test command, and all that CI (.ci/run) runs:
#   1. build-test/   Release, warnings as errors: every CTest suite
#                    (extra arguments go to this ctest);
#   2. build-asan/   gcc, ASan + UBSan, -fno-sanitize-recover=all: the suites
#                    again (the validation suite on a reduced set of
#                    replications, RP_VALIDATION_SCALE), then the flagship run,
#                    compare and report under LeakSanitizer;
#   3. build-fuzz/   clang, libFuzzer + ASan + UBSan: the scenario loader
#                    fuzzed for RP_FUZZ_SECONDS (default 90), then load, build
#                    and a replication of what loads for RP_FUZZ_RUN_SECONDS
#                    (default 60), from the shipped scenarios and tests/bad/;
#                    any crash, leak, time-out or memory blow-up fails.
# RP_TEST_QUICK=1 runs step 1 only. Each step prints its wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
start=$(date +%s)

step() {
    echo
    echo "== $* ($(($(date +%s) - start)) s so far)"
}

scripts/deps.sh

step "Release build, warnings as errors"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DRP_WERROR=ON >/dev/null
cmake --build build-test -j"$jobs"
(cd build-test && ctest --output-on-failure --timeout 1200 "$@")
if [ "${RP_TEST_QUICK:-0}" = 1 ]; then
    exit 0
fi

step "ASan + UBSan build"
# Any sanitizer report aborts the process, so the test that caused it fails.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRP_SANITIZE=ON \
    -DRP_WERROR=ON -DRP_BENCH=OFF -DRP_INSTALL=OFF >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan &&
    RP_VALIDATION_SCALE=${RP_VALIDATION_SCALE:-0.25} \
    ctest --output-on-failure --timeout 1200)

step "flagship under LeakSanitizer"
flagship=$root/scenarios/japan-excludes-korea.yaml
lsan_out=$(mktemp -d)
# exitcode=23 on a leak; any non-zero status fails the script.
build-asan/ripple validate "$flagship" >/dev/null
build-asan/ripple run "$flagship" -n 4 --quiet --out "$lsan_out/run" \
    --report >/dev/null
build-asan/ripple compare "$flagship" no_squeeze localise_film -n 4 --quiet >/dev/null
build-asan/ripple report "$lsan_out/run" >/dev/null
rm -rf "$lsan_out"
echo "flagship: validate, run --out --report, compare and report leak-free"

step "fuzzing the loader, then the engine"
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRP_FUZZ=ON \
    -DRP_TESTS=OFF -DRP_BENCH=OFF -DRP_INSTALL=OFF -DRP_WERROR=ON >/dev/null
cmake --build build-fuzz --target fuzz_loader fuzz_run -j"$jobs"
fuzz_work=$(mktemp -d)
tests/fuzz/run.sh build-fuzz/tests/fuzz/fuzz_loader "${RP_FUZZ_SECONDS:-90}" \
    "$fuzz_work/loader"
tests/fuzz/run.sh build-fuzz/tests/fuzz/fuzz_run "${RP_FUZZ_RUN_SECONDS:-60}" \
    "$fuzz_work/run"
rm -rf "$fuzz_work"            # kept, with the input that failed, otherwise

step "all passed"
