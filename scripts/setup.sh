#!/usr/bin/env bash
# One command from a fresh Debian machine to a result: installs what is
# missing, builds ripple (Release) and runs the flagship scenario. It also
# installs python3-simpy, the peer bench/run.sh measures ripple against.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh python3-simpy
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
echo
echo "== ripple run scenarios/japan-excludes-korea.yaml"
build/ripple run scenarios/japan-excludes-korea.yaml "$@"
