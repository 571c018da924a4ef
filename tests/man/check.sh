#!/bin/sh
# check.sh - the manual pages (ctest: man).
#
#   tests/man/check.sh SOURCE RIPPLE
#
# Checks that docs/man/ripple.1 and docs/man/ripple-scenario.5 render with
# `man -l` without a single warning, that ripple.1 names every command that
# `ripple --help` lists, every option that `ripple COMMAND --help` lists and
# every exit status, and that ripple-scenario.5 names every key of the JSON
# Schema. Prints "N passed, N failed".
set -u
src=$1 ripple=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/ripple-man.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Wide and unhyphenated, so that every name stays whole on one line.
render() {
    MANWIDTH=200 MANROFFOPT=-rHY=0 man --warnings -E ascii -l "$1" \
        >"$work/$2.txt" 2>"$work/$2.err"
}
for page in ripple.1 ripple-scenario.5; do
    render "$src/docs/man/$page" "$page"
    if [ -s "$work/$page.err" ]; then
        fail "$page: man -l warns:"; cat "$work/$page.err"
    else
        ok
    fi
    if grep -q '^NAME' "$work/$page.txt"; then ok; else fail "$page renders no NAME section"; fi
done

# Commands and their options, from the binary's own help.
verbs=$("$ripple" --help | awk '/^commands:/ { on = 1; next }
    on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$verbs" ] || fail "no commands in ripple --help"
for v in $verbs; do
    if grep -Eq "^ {7}$v( |$)" "$work/ripple.1.txt"; then ok
    else fail "ripple.1 does not describe the command '$v'"; fi
    for o in $("$ripple" "$v" --help | grep -Eo -- '--[a-z][a-z-]*' | sort -u); do
        if grep -Fq -- "$o" "$work/ripple.1.txt"; then ok
        else fail "ripple.1 does not describe $o (ripple $v --help lists it)"; fi
    done
done
sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$work/ripple.1.txt" >"$work/exit.txt"
for s in 0 1 2 130 143; do
    if grep -Eq "^ {7}$s( |$)" "$work/exit.txt"; then ok
    else fail "ripple.1 EXIT STATUS does not list $s"; fi
done

# Every key of the schema, in the format's page.
keys=$(/usr/bin/python3 -c '
import json, sys
seen = set()
def walk(x):
    if isinstance(x, dict):
        for k, v in x.get("properties", {}).items():
            seen.add(k)
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(json.load(open(sys.argv[1])))
print("\n".join(sorted(seen)))' "$src/schema/ripple-scenario.schema.json")
[ -n "$keys" ] || fail "no keys read from the schema"
for k in $keys; do
    if grep -Eq "(^|[^a-z_])$k([^a-z_]|$)" "$work/ripple-scenario.5.txt"; then ok
    else fail "ripple-scenario.5 does not name the key '$k' (the schema has it)"; fi
done

echo "man: $(echo $verbs | wc -w) commands, $(echo $keys | wc -w) schema keys"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
