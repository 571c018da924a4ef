#!/usr/bin/env bash
# run-corpus.sh RIPPLE - the bad-input corpus, run the way a user would.
#
# Every tests/bad/NAME.yaml (file or not: a directory named so is a case
# too) is run from tests/bad as "ripple validate NAME.yaml" and as
# "ripple run NAME.yaml --out DIR". Each must exit 2, print exactly
# NAME.expect as the first line of stderr, write nothing (DIR never
# appears, tests/bad is unchanged) and finish. Every tests/bad/cli/NAME.args
# (one argument per line) is run the same way with its own .expect. A FIFO
# made here checks that a scenario path never blocks.
#
# Time: each case's wall time is recorded and the slowest are printed as a
# benchmark-style line (the target is < 2 s); only a case above 5 s fails,
# as that is a hang, not noise. Wall time on a shared machine is noisy.
set -u
ripple=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here" || exit 1

fails=0
cases=0
times="$tmp/times"
: > "$times"
listing() { find . -printf '%p %s %T@\n' | sort; }
before=$(listing)

fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# check NAME EXPECTED-FIRST-LINE ARGS...: one run of ripple
check() {
    local name=$1 want=$2
    shift 2
    local t0 t1 rc got ms
    rm -rf "$tmp/out"
    t0=$(date +%s%N)
    timeout 10 "$ripple" "$@" > "$tmp/stdout" 2> "$tmp/stderr" < /dev/null
    rc=$?
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    local what=${1:-no arguments}
    echo "$ms $name ($what)" >> "$times"
    got=$(head -n 1 "$tmp/stderr")
    cases=$((cases + 1))
    [ "$rc" -eq 2 ] || fail "$name ($what): exit $rc, not 2"
    [ "$got" = "$want" ] || fail "$name ($what): first line of stderr
    want: $want
    got:  $got"
    [ ! -e "$tmp/out" ] || fail "$name ($what): wrote $tmp/out"
    [ "$ms" -le 5000 ] || fail "$name ($what): took $ms ms (a hang: the bound is 5 s)"
}

for y in *.yaml; do
    name=${y%.yaml}
    if [ ! -f "$name.expect" ]; then
        fail "$y has no $name.expect"
        continue
    fi
    want=$(head -n 1 "$name.expect")
    check "$name" "$want" validate "$y"
    check "$name" "$want" run "$y" --out "$tmp/out" --quiet
done
for e in *.expect; do
    [ -e "${e%.expect}.yaml" ] || fail "$e has no ${e%.expect}.yaml"
done

if [ -d cli ]; then
    for a in cli/*.args; do
        name=${a%.args}
        [ -f "$name.expect" ] || { fail "$a has no $name.expect"; continue; }
        mapfile -t args < "$a"
        check "$name" "$(head -n 1 "$name.expect")" "${args[@]}"
    done
fi

mkfifo "$tmp/fifo.yaml"
check fifo "$tmp/fifo.yaml: cannot read '$tmp/fifo.yaml': a FIFO, not a regular file" \
    validate "$tmp/fifo.yaml"
check fifo "$tmp/fifo.yaml: cannot read '$tmp/fifo.yaml': a FIFO, not a regular file" \
    run "$tmp/fifo.yaml" --out "$tmp/out"

after=$(listing)
[ "$before" = "$after" ] || fail "tests/bad changed while the corpus ran:
$(diff <(echo "$before") <(echo "$after"))"

echo "corpus: $cases runs of $(printf '%s\n' *.yaml | wc -l) scenarios and $(printf '%s\n' cli/*.args | grep -c args) CLI cases"
echo "slowest (target < 2000 ms each; wall time, shared machine):"
sort -rn "$times" | head -n 5 | awk '{ ms = $1; $1 = ""; printf "  %6d ms %s\n", ms, $0 }'
over=$(awk '$1 > 2000' "$times" | wc -l)
echo "runs over 2000 ms: $over"
if [ "$fails" -gt 0 ]; then
    echo "corpus: $fails failures"
    exit 1
fi
echo "corpus: all passed"
