#!/bin/bash
# check.sh - the bash completion (ctest: completion).
#
#   tests/completion/check.sh SOURCE RIPPLE
#
# Runs completion/ripple.bash's _ripple the way bash does (COMP_WORDS,
# COMP_CWORD) and checks that it offers: the commands `ripple --help`
# lists; a command's options as `ripple COMMAND --help` lists them; the
# variant names of a scenario exactly as `ripple validate` reports them;
# and, for --set, exactly the scalar paths of each shipped scenario as
# PyYAML reads it (lists, variants and extends aside). Prints
# "N passed, N failed".
set -u
src=$1 ripple=$2
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# complete WORD...: what _ripple offers for the last word.
complete_words() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
             _ripple; printf "%s\n" "${COMPREPLY[@]}"' _ \
        "$src/completion/ripple.bash" "$ripple" "$@" | sort
}
same() {    # what, expected, got
    if [ "$2" = "$3" ]; then ok; else
        fail "$1"; diff <(echo "$2") <(echo "$3") | head -20; fi
}

verbs=$("$ripple" --help | awk '/^commands:/ { on = 1; next }
    on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$verbs" ] || fail "no commands in ripple --help"
same "commands" "$(printf '%s\n' $verbs help --help --version | sort)" \
    "$(complete_words '')"
same "commands starting with 'r'" "$(printf '%s\n' $verbs | grep '^r' | sort)" \
    "$(complete_words r)"

for v in $verbs; do
    want=$("$ripple" "$v" --help | grep -Eo -- '(^|[ ,])--[a-z][a-z-]*' |
           tr -d ' ,' | sort -u)
    got=$(complete_words "$v" --)          # every long option starts so
    same "options of $v" "$want" "$got"
done

flagship=$src/scenarios/japan-excludes-korea.yaml
variants=$("$ripple" validate "$flagship" | sed -n 's/^variants ([0-9]*): *//p' |
           tr ' ' '\n' | sed '/^$/d' | sort)
[ -n "$variants" ] || fail "ripple validate lists no variants of the flagship"
same "--variant NAME of the flagship" "$variants" \
    "$(complete_words run "$flagship" --variant '')"
same "--variant=NAME of the flagship" "$variants" \
    "$(complete_words run "$flagship" --variant = '')"
same "compare's VARIANT arguments" "$variants" \
    "$(complete_words compare "$flagship" '')"
same "--format" "$(printf '%s\n' csv json table)" \
    "$(complete_words run "$flagship" --format '')"

# --set paths against PyYAML, for every shipped scenario.
n=0
while IFS= read -r f; do
    n=$((n + 1))
    want=$(/usr/bin/python3 - "$f" <<'PY'
import sys, yaml
def walk(prefix, x):
    if isinstance(x, dict):
        for k, v in x.items():
            walk(prefix + [str(k)], v)
    elif not isinstance(x, list) and prefix:
        yield_.append(".".join(prefix))
yield_ = []
tree = yaml.load(open(sys.argv[1]), Loader=yaml.BaseLoader)
for k in ("variants", "extends"):
    tree.pop(k, None)
walk([], tree)
print("\n".join(sorted(set(yield_))))
PY
)
    got=$(complete_words run "$f" --set '' | sed 's/=$//')
    same "--set paths of ${f#"$src"/}" "$(echo "$want" | LC_ALL=C sort)" \
        "$(echo "$got" | LC_ALL=C sort)"
done < <(find "$src/scenarios" -name '*.yaml' | sort)
same "--set events.youlchon_expansion.st" "events.youlchon_expansion.start=" \
    "$(complete_words run "$flagship" --set events.youlchon_expansion.st)"

echo "completion: $(echo $verbs | wc -w) commands, $n scenarios' --set paths"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
