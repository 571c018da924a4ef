#!/usr/bin/env bash
# check.sh RIPPLE SOURCE_DIR [MPIEXEC] - shards, merge, resume and MPI give
# what one run gives, byte for byte.
#
# Each case runs the same batch another way and compares every file of its
# --out directory with one uninterrupted single-process run's: with cmp,
# except the JSON files, whose "provenance" lines (start time, seconds,
# threads, ranks: how it ran, not what it found) are left out of the
# comparison by design (also in compare.json and sweep.json, which hold
# each arm's summary), and provenance.json, which holds only that. Cases: --precision on 1 and 3 threads (same count,
# same bytes); 3 uneven shards merged; merge refusing shards that do not
# belong together; a run stopped by SIGTERM and one killed by SIGKILL
# part-way, each resumed; a shard killed and resumed; with MPIEXEC, 2 ranks
# of run, compare, sweep and sensitivity, and 2 ranks stopped by SIGTERM and killed by
# SIGKILL, each resumed under MPI.
#
# The scenarios are tests/hpc/'s own frozen network, not the shipped
# flagship, so the test's cost and cases stay put when that is recalibrated.
set -u
ripple=$(realpath "$1")
src=$(realpath "$2")
mpiexec=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cp "$src"/tests/hpc/baseline.yaml "$src"/tests/hpc/network.yaml .
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

# same_out A B: B holds exactly A's files with A's bytes (provenance aside)
same_out() {
    local a=$1 b=$2 f name
    [ "$(ls "$a")" = "$(ls "$b")" ] || { fail "$b: files $(ls "$b" | tr '\n' ' ')differ from $a's"; return; }
    for f in "$a"/*; do
        name=$(basename "$f")
        [ "$name" = provenance.json ] && continue
        if [ "${name%.json}" != "$name" ]; then
            cmp -s <(grep -v '^ *"provenance": {' "$f") <(grep -v '^ *"provenance": {' "$b/$name") ||
                fail "$b/$name differs from $a/$name (provenance aside)"
        else
            cmp -s "$f" "$b/$name" || fail "$b/$name differs from $a/$name"
        fi
    done
    echo "same: $b = $a"
}

N=200
run() { "$ripple" run baseline.yaml -n "$N" --quiet "$@" > /dev/null; }
run --threads 2 --out one || fail "the reference run"
# bytes of one replication's records (the header shared out: a little more)
rep_bytes=$(( $(stat -c %s one/records.bin) / N ))

# --precision: the stop rule at block ends, never at a thread multiple
prec() {
    "$ripple" run baseline.yaml -n 10 --precision 0.08 --quiet \
        --watch nodes.lges_ochang.cell.first_outage "$@" > /dev/null
}
prec --threads 1 --out p1 2> p1.err
prec --threads 3 --out p3 2> p3.err
n=$(sed -n 's/^ripple: reached the precision target .* after \([0-9]*\) replications$/\1/p' p1.err)
[ -n "$n" ] && [ $((n % 64)) -eq 0 ] && [ "$n" -gt 64 ] ||
    fail "precision: not stopped at a block end past the first: $(cat p1.err)"
cmp -s p1.err p3.err || fail "precision: 1 and 3 threads stopped apart: $(cat p1.err p3.err)"
same_out p1 p3

# shards of uneven size, given out of order
for i in 1 2 3; do run --threads 1 --shard $i/3 --out s$i || fail "shard $i/3"; done
"$ripple" merge s3 s1 s2 --out merged --quiet > /dev/null || fail "merge"
same_out one merged

# merge refuses what does not belong together, naming it, exit 2
expect2() {
    local want=$1; shift
    "$ripple" merge "$@" --out bad --quiet > bad.out 2> bad.err
    local rc=$?
    [ $rc -eq 2 ] || fail "merge $*: exit $rc, not 2"
    grep -qF -- "$want" bad.err || fail "merge $*: said '$(head -n 1 bad.err)', not '$want'"
    [ ! -e bad ] || fail "merge $*: wrote bad"
}
expect2 "replications 66..132 are in no shard given" s1 s3
expect2 "both hold replication" s1 s2 s2 s3
"$ripple" run baseline.yaml -n $N --seed 7 --shard 2/3 --quiet --out seed7 > /dev/null
expect2 "the seed is 7 in seed7" s1 seed7 s3
"$ripple" run baseline.yaml -n 300 --shard 2/3 --quiet --out n300 > /dev/null
expect2 "the replications (-n) is 300 in n300" s1 n300 s3
mkdir junk && echo "not records" > junk/records.bin
expect2 "junk/records.bin is not a ripple records file" s1 junk

# stop part-way (once the first block of records is on disk), then resume
wait_records() {                # wait_records DIR: DIR.tmp-*/records.bin past one block
    local i size
    for i in $(seq 1 600); do
        size=$(stat -c %s "$1".tmp-*/records.bin 2>/dev/null | head -n 1)
        [ "${size:-0}" -gt $((64 * rep_bytes)) ] && return 0
        sleep 0.1
    done
    return 1
}
stop_and_resume() {             # [RUN_N=N] [LAUNCH=cmd] stop_and_resume SIGNAL DIR [run options]
    local sig=$1 dir=$2 n=${RUN_N:-$N} launch=${LAUNCH:-}; shift 2
    $launch "$ripple" run baseline.yaml -n $n --quiet --out "$dir" "$@" > /dev/null 2> "$dir.err" &
    local pid=$!                # ripple's, or under MPI the launcher's
    wait_records "$dir" || fail "$dir: no records appeared"
    case $sig in
        TERM) kill -TERM $pid ;;   # a launcher passes SIGTERM to every rank
        RANK1) local w                 # SIGTERM to a rank that is not the writer
               w=$(ls -d "$dir".tmp-* | head -n 1); w=${w##*.tmp-}
               kill -TERM $(pgrep -f -- "--out $dir" | grep -v -x -e "$w" -e "$pid" |
                            xargs -r ps -o pid= -o comm= -p | awk '$2 == "ripple" {print $1}') ;;
        KILL) kill -KILL $pid
              [ -z "$launch" ] || pkill -KILL -f -- "--out $dir" ;;   # every rank, as a node lost
    esac
    wait $pid 2> /dev/null
    local rc=$?
    # a killed rank stays a zombie until its launcher's proxy is gone, and
    # ripple (rightly) does not resume a run whose writer still exists
    local t writer
    for t in "$dir".tmp-*; do
        writer=${t##*.tmp-}
        for _ in $(seq 200); do kill -0 "$writer" 2> /dev/null || break; sleep 0.1; done
    done
    case $sig in
        # Hydra's exit status races its ranks' (pmodels/mpich#7057: it
        # may report 0), so under a launcher the message is the evidence
        TERM|RANK1) [ -n "$launch" ] || [ $rc -eq 143 ] || fail "$dir: SIGTERM gave exit $rc"
              grep -q "continue with the same command and --resume $dir" "$dir.err" ||
                  fail "$dir: $(cat "$dir.err")" ;;
        KILL) [ $rc -eq 137 ] || fail "$dir: SIGKILL gave exit $rc" ;;
    esac
    [ ! -e "$dir" ] || fail "$dir: appeared before the run finished"
    $launch "$ripple" run baseline.yaml -n $n --quiet --resume "$dir" "$@" > /dev/null 2> "$dir.err2" ||
        fail "$dir: resume: $(cat "$dir.err2")"
    grep -q "resuming after [1-9][0-9]* replications" "$dir.err2" || fail "$dir: resumed from nothing: $(cat "$dir.err2")"
    ls -d "$dir".tmp-* > /dev/null 2>&1 && fail "$dir: a temporary is left"
}
stop_and_resume TERM term --threads 2
same_out one term
stop_and_resume KILL killed --threads 1
same_out one killed
# The shard must hold several blocks of 64: a shard of 200/3 finishes right
# after its first block is on disk, so on an idle machine the kill came
# too late and the case failed by a race.
"$ripple" run baseline.yaml -n 600 --threads 1 --shard 2/3 --quiet --out s2long > /dev/null || fail "shard 2/3 of 600"
RUN_N=600 stop_and_resume KILL shard2 --threads 2 --shard 2/3
same_out s2long shard2
# a --precision run stopped past -n resumes from all it kept, stops alike
"$ripple" run baseline.yaml -n 10 --precision 0.08 --quiet --threads 2 \
    --watch nodes.lges_ochang.cell.first_outage --out presumed > /dev/null 2> presumed.err &
pid=$!                          # ripple's own pid, not a subshell's
wait_records presumed || fail "presumed: no records appeared"
kill -TERM $pid
wait $pid 2> /dev/null
prec --threads 2 --resume presumed 2> presumed.err2
grep -q "resuming after \(6[4-9]\|[7-9][0-9]\|1[0-9][0-9]\) replications" presumed.err2 ||
    fail "presumed: $(cat presumed.err2)"
grep -q "reached the precision target 0.08 .* after $n replications" presumed.err2 ||
    fail "presumed: stopped elsewhere: $(cat presumed.err2)"
same_out p1 presumed
"$ripple" run baseline.yaml -n $N --quiet --resume nothing > /dev/null 2> none.err
[ $? -eq 2 ] || fail "--resume with nothing to resume: not exit 2"
grep -q "no stopped run to resume beside nothing" none.err || fail "--resume nothing: $(cat none.err)"

# MPI: 2 ranks (oversubscribed on a small machine), one thread each
if [ -n "$mpiexec" ]; then
    mpi() { OMP_NUM_THREADS=1 "$mpiexec" -n 2 "$ripple" "$@" > /dev/null; }
    mpi run baseline.yaml -n $N --quiet --out mpi || fail "mpiexec -n 2 run"
    grep -q '"ranks": 2' mpi/summary.json || fail "mpi: not 2 ranks"
    same_out one mpi
    "$ripple" compare baseline.yaml -n 60 --quiet --out c1 > /dev/null || fail "compare"
    mpi compare baseline.yaml -n 60 --quiet --out c2 || fail "mpiexec -n 2 compare"
    same_out c1 c2
    "$ripple" sweep baseline.yaml -n 30 --set horizon=400,800 --quiet --out w1 > /dev/null || fail "sweep"
    mpi sweep baseline.yaml -n 30 --set horizon=400,800 --quiet --out w2 || fail "mpiexec -n 2 sweep"
    same_out w1 w2
    # sensitivity: each design row's replications spread over the ranks
    cat > uncertain.yaml <<'EOF'
ripple: 1
extends: baseline.yaml
horizon: 200
uncertain:
  nodes.lges_ochang.stock.separator.cover: { dist: uniform, min: 2, max: 40 }
  nodes.lges_ochang.make.capacity: { dist: uniform, min: 0.03, max: 0.06 }
EOF
    "$ripple" sensitivity uncertain.yaml --samples 4 -n 6 --quiet --out u1 > /dev/null || fail "sensitivity"
    mpi sensitivity uncertain.yaml --samples 4 -n 6 --quiet --out u2 || fail "mpiexec -n 2 sensitivity"
    grep -q '"ranks": 2' u2/provenance.json || fail "mpi sensitivity: not 2 ranks"
    same_out u1 u2
    mpi run baseline.yaml -n $N --quiet --shard 2/3 --out mpis2 || fail "mpiexec shard"
    same_out s2 mpis2
    # stopped and killed part-way under MPI, resumed under MPI; 600
    # replications so that the stop comes well before the end
    "$ripple" run baseline.yaml -n 600 --threads 2 --quiet --out one600 > /dev/null || fail "the reference run of 600"
    export OMP_NUM_THREADS=1
    RUN_N=600 LAUNCH="$mpiexec -n 2" stop_and_resume TERM mpiterm
    same_out one600 mpiterm
    RUN_N=600 LAUNCH="$mpiexec -n 2" stop_and_resume RANK1 mpirank1
    same_out one600 mpirank1
    RUN_N=600 LAUNCH="$mpiexec -n 2" stop_and_resume KILL mpikill
    same_out one600 mpikill
    unset OMP_NUM_THREADS
fi

if [ $fails -gt 0 ]; then
    echo "hpc: $fails failures"
    exit 1
fi
echo "hpc: all passed"
