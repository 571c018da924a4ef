#!/usr/bin/env bash
# Installs the Debian packages ripple needs that are not installed yet.
# Each is checked with dpkg-query's status field (dpkg -s also "knows"
# removed-but-configured packages); apt-get runs only when something is missing.
# Arguments name extra packages to install the same way (setup.sh passes the
# benchmark's peers). python3 is Debian's /usr/bin/python3, which the
# benchmark harness and its smoke test (ctest bench_smoke) run on.
set -euo pipefail

# One package a line, so that additions merge cleanly.
packages=(
    gcc                 # build
    make
    cmake
    pkg-config
    libgsl-dev          # libraries
    libyaml-dev
    libcriterion-dev    # tests
    gnuplot-nox         # report plots
    clang               # scripts/test.sh: the libFuzzer harness
    libclang-rt-14-dev  #   libFuzzer and clang's sanitizer runtimes
    libomp-dev          #   OpenMP for clang
    python3             # tests/schema and bench/: Debian's /usr/bin/python3 with
    python3-jsonschema  #   the JSON Schema validator
    python3-yaml        #   and PyYAML
    iso-codes           # test_scenario checks the country list against it
    man-db              # tests/man: man -l renders the pages (groff-base)
    mpich               # RP_MPI: mpiexec for the 2-rank test (tests/hpc)
    libmpich-dev        #   MPI headers and mpicc, found by CMake's FindMPI
    "$@"                # extra packages from the caller (setup.sh: bench peers)
)
missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#packages[@]} packages present"
    exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
