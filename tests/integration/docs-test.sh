#!/bin/bash
# The documentation agrees with the tables and the program: the man page's,
# the README's and doc/rules.md's generated parts are up to date
# (tools/doc-gen --check, what `make update-docs` writes); doc/rules.md names
# every rule of the pack with its rationale; every command `s3watch --help` lists has
# its man page section and README row, a --help of its own naming every
# option the man page gives it; the man page lists no other command; every
# configuration key is in `config --help` and the man page; and --help's
# columns line up (the verify-logs row did not).  No sandbox needed.
set -u
. "$top_srcdir/tests/integration/lib.sh"

man=$top_srcdir/doc/s3watch.1
readme=$top_srcdir/README.md

rulesmd=$top_srcdir/doc/rules.md
run "$top_builddir/tools/doc-gen" --check --rules "$top_srcdir/conf/rules.d" "$man" "$readme" "$rulesmd"
check_eq "the generated parts of the man page, README and doc/rules.md are up to date (make update-docs)" 0 "$status"
[ "$status" -eq 0 ] || printf '%s\n' "$output" | sed 's/^/#   /'

# Every rule the program loads has its section in doc/rules.md, and every
# section says why its severity.
run env S3WATCH_RULES_DIR="$top_srcdir/conf/rules.d" "$S3WATCH" replay --stats /dev/null
ids=$(printf '%s\n' "$output" | awk '$2 ~ /^(pattern|count|first_seen|sequence|check)$/ { print $3 }')
check_eq "replay --stats lists the pack's rules" 1 "$([ "$(printf '%s\n' "$ids" | wc -l)" -ge 60 ] && echo 1)"
missing=
for id in $ids; do
    grep -qx "### $id" "$rulesmd" || missing="$missing $id"
done
check_eq "doc/rules.md has a section per rule" "" "$missing"
check_eq "every rule of doc/rules.md has a rationale" "" "$(grep -n '(no rationale)' "$rulesmd")"

run "$S3WATCH" --help
check_eq "--help exits 0" 0 "$status"
help=$output
commands=$(printf '%s\n' "$help" | sed -n '/^Commands:$/,/^$/p' |
    sed -n 's/^  \([a-z][a-z0-9-]*\) .*/\1/p')
check_eq "--help lists 15 commands" 15 "$(printf '%s\n' "$commands" | wc -l)"

# Every column of --help starts where the others do: the column after
# the command's name, or after the option and its argument, on each row
# with text there.
column() {
    sed -n "/^$1:\$/,/^\$/p" | awk -v re="$2" '
        match($0, re) && RLENGTH < length($0) { print RLENGTH }' | sort -u
}

# A man page section: from ".SS NAME" to the next section.
man_section() {
    awk -v name="$1" '
        /^\.S[SH] / { on = ($0 == ".SS " name) ; next }
        on { print }' "$man" | sed 's/\\-/-/g; s/\\f[BIR]//g; s/\\ / /g'
}

for c in $commands; do
    section=$(man_section "${c//-/\\-}")
    if [ -n "$section" ]; then _ok "$c has a man page section"; else _not_ok "$c has a man page section" ""; fi
    if grep -q "^| \`$c[ \`]" "$readme"; then _ok "$c has a README row"; else _not_ok "$c has a README row" ""; fi
    run "$S3WATCH" "$c" --help
    check_eq "$c --help exits 0" 0 "$status"
    check_contains "$c --help starts with its usage" "usage: s3watch $c" "${output%%$'\n'*}"
    chelp=$output
    missing=
    for o in $(printf '%s\n' "$section" | sed -n 's/^\(-., \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p'); do
        [[ $chelp == *"  $o"* || $chelp == *", $o"* ]] || missing="$missing $o"
    done
    check_eq "$c --help has every option of its man page section" "" "$missing"
    cols=$(printf '%s\n' "$chelp" | column Options '^  (-., )?--[^ ]+( [^ -][^ ]*)?  +')
    check_eq "$c --help's option descriptions start in one column" 1 "$(printf '%s' "$cols" | grep -c .)"
done

# No command in the man page that the program lacks.
man_commands=$(sed -n '/^\.\\" BEGIN GENERATED commands/,/^\.\\" END GENERATED commands/s/^\.SS //p' "$man" |
    sed 's/\\-/-/g')
check_eq "the man page has the commands --help has, in order" "$commands" "$man_commands"

# The global options, in --help and the man page.
globals=$(sed -n '/^\.\\" BEGIN GENERATED global-options/,/^\.\\" END GENERATED global-options/p' "$man" |
    sed 's/\\-/-/g; s/\\f[BIR]//g' | sed -n 's/^\(-., \)\{0,1\}\(--[a-z-]*\).*/\2/p')
check_contains "the man page has --profile" "--profile" "$globals"
for o in $globals; do
    check_contains "--help has the global option $o" "$o" "$help"
done

cols=$(printf '%s\n' "$help" | column Commands '^  [a-z][^ ]* +')
check_eq "--help's command descriptions start in one column" 1 "$(printf '%s' "$cols" | grep -c .)"
cols=$(printf '%s\n' "$help" | column "Global options" '^  (-., )?--[^ ]+( [^ -][^ ]*)?  +')
check_eq "--help's global option descriptions start in one column" 1 "$(printf '%s' "$cols" | grep -c .)"
long=$(printf '%s\n' "$help" | awk 'length > 79')
check_eq "--help fits 80 columns" "" "$long"

# The configuration keys: what `config` prints, its --help and the man page.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
run env HOME="$home" XDG_CONFIG_HOME= S3WATCH_CONFIG= "$S3WATCH" config
check_eq "config exits 0" 0 "$status"
keys=$(printf '%s\n' "$output" | awk '{ print $1 }')
check_eq "config prints 25 keys" 25 "$(printf '%s\n' "$keys" | wc -l)"
run "$S3WATCH" config --help
chelp=$output
conf_man=$(sed -n '/^\.\\" BEGIN GENERATED configuration/,/^\.\\" END GENERATED configuration/p' "$man" |
    sed 's/\\f[BIR]//g; s/\\-/-/g')
for k in $keys; do
    check_contains "config --help has the key $k" "  $k " "$chelp"
    case $'\n'"$conf_man"$'\n' in
        *$'\n'"$k"$'\n'*) _ok "the man page has the key $k" ;;
        *) _not_ok "the man page has the key $k" "" ;;
    esac
done
check_contains "config --help says what retention_days takes" "3288 or 3653" "$chelp"

# --view's help names the views by hand (src/ cannot see ui/'s VIEW_INFO):
# it must name exactly the views the console knows, which its refusal of an
# unknown one lists from the table.
run "$S3WATCH" console --view nosuch
views=$(printf '%s\n' "$output" | sed -n "s/.*no view 'nosuch' (\(.*\)).*/\1/p" | sed 's/,//g; s/ or / /')
check_eq "the console names its views when refusing one" 5 "$(printf '%s\n' $views | wc -l)"
run "$S3WATCH" console --help
vhelp=$(printf '%s\n' "$output" | sed -n '/--view VIEW/,/--exit-after SECONDS  /p' | tr '\n' ' ' | tr -s ' ,' '  ')
for v in $views; do
    check_contains "console --help names the view $v" " $v " "$vhelp"
done

finish
