#!/bin/bash
# The tree's layers hold: each folder of src/ includes only the folders
# below it, src/ never includes ui/ or curses (main.c excepted: it joins
# the two), and every header is found in exactly one folder.
#
#   base  <- aws, rules  <- conf  <- monitor, report  <- setup  <- cmd
#
# (doc/architecture.md has the table.)  A new include across the layers
# fails here with the file, the line and the rule it breaks.
set -u
. "$top_srcdir/tests/integration/lib.sh"
cd "$top_srcdir" || exit 1

declare -A allowed=(
	[base]="base"
	[aws]="base aws"
	[rules]="base rules"
	[conf]="base aws conf"
	[monitor]="base aws rules conf monitor"
	[report]="base aws rules conf monitor report"
	[setup]="base aws rules conf monitor report setup"
	[cmd]="base aws rules conf monitor report setup cmd"
)
declare -A home=()
dups=""
for f in src/*/*.h; do
	b=$(basename "$f")
	[ -n "${home[$b]:-}" ] && dups="$dups $b"
	home[$b]=$(basename "$(dirname "$f")")
done
check_eq "every header lives in one folder" "" "$dups"
check_eq "every folder of src/ is a known layer" "" \
	"$(for d in src/*/; do d=$(basename "$d"); [ -n "${allowed[$d]:-}" ] || echo "$d"; done)"

bad=""
for f in src/*/*.[ch]; do
	layer=$(basename "$(dirname "$f")")
	while IFS=: read -r line h; do
		h=${h#*\"}; h=${h%\"*}
		[ "$h" = config.h ] && continue
		to=${home[$h]:-}
		if [ -z "$to" ]; then
			[ -e "ui/$h" ] && bad="$bad"$'\n'"$f:$line: includes ui/$h (src never draws)"
			continue
		fi
		case " ${allowed[$layer]} " in
		*" $to "*) ;;
		*) bad="$bad"$'\n'"$f:$line: $layer includes $to/$h (allowed: ${allowed[$layer]})" ;;
		esac
	done < <(grep -n '^#include "' "$f" | sed 's/^\([0-9]*\):#include /\1:/')
done
check_eq "no include crosses the layers upwards" "" "${bad#$'\n'}"
check_eq "src/ never includes curses" "" "$(grep -ln '#include <n*curses' src/*/*.[ch] 2>/dev/null)"
check_eq "only main.c joins src/ and ui/" "$(printf '%s\n' src/main.c)" \
	"$(grep -l '#include "ui.h"' src/main.c src/*/*.[ch] 2>/dev/null)"
check_eq "no source file is left at the top of src/" "src/main.c" "$(ls src/*.c src/*.h 2>/dev/null)"
finish
