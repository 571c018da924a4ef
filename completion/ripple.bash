# ripple.bash - bash completion for ripple(1).
#
# Installed as share/bash-completion/completions/ripple; or by hand:
#   source completion/ripple.bash
#
# Completes the commands and each command's options as the ripple being
# completed lists them (`ripple --help`, `ripple COMMAND --help`), so the
# lists never fall out of step with the binary; the values of --format and
# --quantiles; scenario files, and directories for --out and report; the
# variant names of the scenario on the line (--variant, and compare's
# VARIANT arguments); and --set paths of that scenario (nodes.lges.make.
# capacity, ...), read from its YAML with awk: block maps and one-line flow
# maps, which is how scenarios are written.

# The commands `ripple --help` lists under "commands:".
_ripple_verbs()
{
    "$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next }
        on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}

# The long options (and -n, -j, ...) `ripple VERB --help` lists.
_ripple_options()
{
    "$1" "$2" --help 2>/dev/null |
        grep -Eo -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u
}

# Names under the top-level "variants:" map of FILE (two-space or deeper
# indentation: the first indented level; or a one-line flow map).
_ripple_variants()
{
    [ -r "$1" ] || return 0
    awk '
        /^variants:[ \t]*\{/ {          # variants: { a: {...}, b: {...} }
            s = $0; sub(/^variants:[ \t]*\{/, "", s); depth = 0; key = ""
            for (i = 1; i <= length(s); i++) {
                c = substr(s, i, 1)
                if (c == "{" || c == "[") depth++
                else if (c == "}" || c == "]") depth--
                else if (depth == 0 && c == ":") { gsub(/[ \t,]/, "", key); print key; key = "" }
                else if (depth == 0 && c == ",") key = ""
                else if (depth == 0) key = key c
            }
            exit
        }
        /^variants:[ \t]*(#.*)?$/ { on = 1; ind = 0; next }
        on && /^[^ \t#]/ { exit }       # the next top-level key
        on && /^[ \t]+[A-Za-z0-9_-]+:/ {
            match($0, /^[ \t]+/)
            if (!ind) ind = RLENGTH
            if (RLENGTH == ind) { k = $1; sub(/:.*/, "", k); print k }
        }
    ' "$1"
}

# Dotted paths of the scalars in FILE, as --set takes them. Block maps are
# followed by indentation; a flow map on one line ({ a: 1, b: { c: 2 } })
# is walked by its braces. Lists and their items are not paths.
_ripple_set_paths()
{
    [ -r "$1" ] || return 0
    awk -v text=-1 '
        function flow(prefix, s,    i, c, depth, key, stack, n, cur, rest) {
            n = 0; key = ""; stack[0] = prefix
            for (i = 1; i <= length(s); i++) {
                c = substr(s, i, 1)
                if (c == "[") { depth = 1
                    while (depth && i < length(s)) { i++; c = substr(s, i, 1)
                        if (c == "[") depth++; else if (c == "]") depth-- }
                    key = ""
                } else if (c == "{") { n++; stack[n] = cur; key = "" }
                else if (c == "}") { n--; key = "" }
                else if (c == ":") { gsub(/^[ \t]+|[ \t]+$/, "", key)
                    cur = stack[n] "." key; key = ""
                    rest = substr(s, i + 1); sub(/^[ \t]+/, "", rest)
                    if (substr(rest, 1, 1) != "{" && substr(rest, 1, 1) != "[") emit(cur)
                } else if (c == ",") key = ""
                else key = key c
            }
        }
        # Prints path, and files it under every anchor (&name) it lies in,
        # so that an alias (*name) can repeat the anchored paths.
        function emit(p,    a) {
            print p
            for (a in aprefix)
                if (index(p, aprefix[a] ".") == 1)
                    asuf[a] = asuf[a] SUBSEP substr(p, length(aprefix[a]) + 1)
        }
        function alias(p, a,    n, i, parts) {
            n = split(asuf[a], parts, SUBSEP)
            for (i = 2; i <= n; i++) emit(p parts[i])
        }
        function balance(s,    t) { t = s; return gsub(/\{/, "", t) - gsub(/\}/, "", s) }
        /^[ \t]*(#|$)/ { next }
        open > 0 {                      # a flow map continued from above
            pend = pend " " $0; open = balance(pend)
            if (open <= 0) flow(fpath, substr(pend, 2))
            next
        }
        {
            match($0, /^[ \t]*/); ind = RLENGTH
            if (text >= 0 && ind > text) next   # inside a > or | text block
            text = -1
            if (substr($0, ind + 1, 2) == "- ") next    # list items
            line = substr($0, ind + 1)
            if (line !~ /^[A-Za-z0-9_.-]+:/) next
            key = line; sub(/:.*/, "", key)
            val = line; sub(/^[^:]*:[ \t]*/, "", val); sub(/^#.*|[ \t]+#.*/, "", val)
            while (depth > 0 && ind <= indent[depth]) depth--
            path = depth ? name[depth] "." key : key
            if (val ~ /^&[^ \t]+/) {            # an anchor: &name, then the value
                a = val; sub(/^&/, "", a); sub(/[ \t].*/, "", a); aprefix[a] = path
                sub(/^&[^ \t]+[ \t]*/, "", val)
            }
            if (val ~ /^\*[^ \t]+$/) {          # an alias: the anchored paths again
                alias(path, substr(val, 2))
            } else if (val ~ /^[>|]/) {         # a text block below
                emit(path); text = ind
            } else if (val == "") {             # a block map below
                depth++; indent[depth] = ind; name[depth] = path
            } else if (val ~ /^\{/) {
                if ((open = balance(val)) > 0) { pend = val; fpath = path }
                else flow(path, substr(val, 2))
            } else if (val !~ /^\[/) {
                emit(path)
            }
        }
    ' "$1" | grep -Ev '^(variants|extends)(\.|$)' | sort -u
}

# The scenario file on the line: the first argument after the command that
# is not an option or an option's value.
_ripple_file()
{
    local i w
    for ((i = 2; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            -n|-j|-o|--replications|--seed|--threads|--format|--out|--variant|\
            --set|--precision|--watch|--max-replications|--quantiles)
                ((i++)); continue ;;
            -*|=) continue ;;
        esac
        printf '%s\n' "$w"
        return
    done
}

_ripple()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local ripple=${COMP_WORDS[0]} verb=${COMP_WORDS[1]:-} file
    COMPREPLY=()
    command -v "$ripple" >/dev/null 2>&1 || ripple=ripple

    # --opt=value arrives as "--opt" "=" "value" (= is a word break).
    if [ "$cur" = "=" ]; then
        prev=${COMP_WORDS[COMP_CWORD-1]}; cur=""
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$(_ripple_verbs "$ripple") help --help --version" -- "$cur"))
        return 0
    fi
    case $verb in
        help) [ "$COMP_CWORD" -eq 2 ] &&
                  COMPREPLY=($(compgen -W "$(_ripple_verbs "$ripple")" -- "$cur"))
              return 0 ;;
        -*) return 0 ;;
    esac

    file=$(_ripple_file)
    case $prev in
        --format) COMPREPLY=($(compgen -W "table json csv" -- "$cur")); return 0 ;;
        --quantiles) COMPREPLY=($(compgen -W "exact p2 auto" -- "$cur")); return 0 ;;
        -o|--out) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
        --variant) COMPREPLY=($(compgen -W "$(_ripple_variants "$file")" -- "$cur")); return 0 ;;
        --set)
            COMPREPLY=($(compgen -W "$(_ripple_set_paths "$file")" -S = -- "$cur"))
            compopt -o nospace 2>/dev/null
            return 0 ;;
        -n|-j|--replications|--seed|--threads|--precision|--watch|--max-replications)
            return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_ripple_options "$ripple" "$verb")" -- "$cur"))
        return 0
    fi
    if [ "$verb" = report ]; then
        COMPREPLY=($(compgen -d -- "$cur"))
    elif [ -z "$file" ]; then
        COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"))
    elif [ "$verb" = compare ]; then
        COMPREPLY=($(compgen -W "$(_ripple_variants "$file")" -- "$cur"))
    fi
    return 0
}

complete -F _ripple -o filenames ripple
