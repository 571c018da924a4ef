#!/bin/sh
# run.sh - the install test (ctest: install). Installs the build in BUILD
# into a fresh prefix under WORK, then builds tests/install/flagship.c
# against that prefix with pkg-config and with find_package(ripple), runs
# each on the flagship for a few replications, and checks that every one
# writes the same rows as the installed `ripple run --format csv`. Also
# builds ripple inside another project with add_subdirectory.
#
#   run.sh BUILD SOURCE WORK [CC]
set -eu
build=$1 src=$2 work=$3 cc=${4:-cc}
prefix=$work/prefix
scenario=$src/scenarios/japan-excludes-korea.yaml
reps=3

rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"

fail() { echo "install test: $*" >&2; exit 1; }

# What a packager ships.
for f in bin/ripple include/ripple/scenario.h include/ripple/batch.h \
         share/ripple/schema/ripple-scenario.schema.json \
         share/bash-completion/completions/ripple; do
    [ -f "$prefix/$f" ] || fail "$f not installed"
done
# man finds both pages under the prefix, and the completion loads.
for page in "1 ripple" "5 ripple-scenario"; do
    # shellcheck disable=SC2086
    MANPATH=$prefix/share/man man -w $page >/dev/null 2>&1 ||
        fail "man $page: not found under $prefix/share/man"
done
bash -c '. "$1" && complete -p ripple' _ \
    "$prefix/share/bash-completion/completions/ripple" >/dev/null ||
    fail "the installed completion does not register for ripple"
libdir=$(dirname "$(find "$prefix" -name ripple.pc)")/..
libdir=$(cd "$libdir" && pwd)
[ -f "$libdir/libripple.a" ] || fail "libripple.a not installed"
soname=$(objdump -p "$libdir/libripple.so" | awk '$1 == "SONAME" { print $2 }')
case $soname in
    libripple.so.[0-9]*) [ -f "$libdir/$soname" ] || fail "$soname missing" ;;
    *) fail "libripple.so has no versioned soname ('$soname')" ;;
esac

# The reference: the installed command line (it links libripple statically).
"$prefix/bin/ripple" run "$scenario" -n $reps --threads 1 --format csv \
    --quiet >"$work/cli.csv"
[ "$(wc -l <"$work/cli.csv")" -gt $reps ] || fail "ripple run wrote no rows"

# 1. pkg-config, shared library (found at run time through the rpath).
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$work/flagship_pc" \
    "$src/tests/install/flagship.c" $(pkg-config --cflags --libs ripple) \
    -Wl,-rpath,"$libdir"
# 2. pkg-config --static, static library.
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$work/flagship_pc_static" \
    "$src/tests/install/flagship.c" \
    $(pkg-config --cflags --libs --static ripple | sed 's/-lripple /-l:libripple.a /')
# 3. and 4. find_package(ripple): ripple::ripple and ripple::ripple_static.
cmake -S "$src/tests/install" -B "$work/consumer" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$prefix" >"$work/consumer.log"
cmake --build "$work/consumer" >>"$work/consumer.log"

# 5. add_subdirectory(ripple) in another project's tree.
cmake -S "$src/tests/install/subdir" -B "$work/embedder" -DCMAKE_C_COMPILER="$cc" \
    -DRIPPLE_SOURCE="$src" >"$work/embedder.log"
cmake --build "$work/embedder" --target flagship_embedded -j2 >>"$work/embedder.log"

# Rows are compared without their run column: the run id hashes the build's
# git commit (provenance.h), and the embedder configures ripple's tree
# afresh, so a commit made after the installed build gives it another id.
cut -d, -f2- "$work/cli.csv" >"$work/cli.rows"
for exe in "$work/embedder/flagship_embedded" "$work/flagship_pc" "$work/flagship_pc_static" \
           "$work/consumer/flagship_shared" "$work/consumer/flagship_static"; do
    "$exe" "$scenario" $reps >"$work/out.csv" || fail "$exe failed"
    cut -d, -f2- "$work/out.csv" | cmp "$work/cli.rows" - ||
        fail "$exe wrote other rows than ripple run --format csv"
done
if ldd "$work/consumer/flagship_shared" | grep -q "libripple.so.*$prefix"; then :; else
    fail "flagship_shared does not load the installed libripple.so"
fi
echo "install test: bin, lib (soname $soname), headers, ripple.pc and" \
    "find_package(ripple) work, so does add_subdirectory(ripple);" \
    "5 programs agree with ripple run"
