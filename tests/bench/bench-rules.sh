#!/bin/bash
# The rule engine at scale, through `s3watch replay`:
#   - loading generated packs of 20,000 and 100,000 pattern rules (over an
#     empty input, so the run is the load), and how the cost grows: a
#     pack five times bigger should cost about five times more;
#   - the whole shipped pack over the same generated events from 1
#     principal and from 20,000 distinct principals (gen-events.py
#     --principals; every other field identical): the cost of the stateful
#     rules' per-principal keys.
# Prints CPU seconds (user+sys of s3watch only), peak RSS and rates.
# Figures, never assertions.
#
#   tests/bench/bench-rules.sh
#
# S3WATCH names the binary (default ./s3watch); top_srcdir the source tree;
# RUNS how often each measure runs (default 3; the median by CPU time is
# reported).  BENCH_QUICK=1: 50,000 events instead of 200,000 and one run.
# BENCH_RESULTS, if set, names a file that gets KEY=VALUE lines (for
# run-all.sh).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
S3WATCH=${S3WATCH:-./s3watch}
results=${BENCH_RESULTS:-/dev/null}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    events=50000 runs=${RUNS:-1}
else
    events=200000 runs=${RUNS:-3}
fi
many=20000
work=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-bench-rules.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x "$S3WATCH" ] || { echo "bench-rules: no s3watch binary at $S3WATCH (set S3WATCH)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-rules: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

result() { printf '%s=%s\n' "$1" "$2" >> "$results"; }
fdiv() { awk -v a="$1" -v b="$2" -v f="${3:-%.1f}" 'BEGIN { if (b > 0) printf f, a / b; else print "n/a" }'; }

# measure NAME CMD...: RUNS runs; prints the median run by CPU as
# "cpu wall rss_kib", and keeps its stderr in $work/NAME.err.
measure() {
    local name=$1 i usr sys wall rss
    shift
    : > "$work/$name.runs"
    for i in $(seq "$runs"); do
        /usr/bin/time -f '%U %S %e %M' -o "$work/$name.time" "$@" > /dev/null 2> "$work/$name.err.$i" ||
            { echo "bench-rules: $name failed:" >&2; tail -3 "$work/$name.err.$i" >&2; return 1; }
        read -r usr sys wall rss < "$work/$name.time"
        awk -v u="$usr" -v s="$sys" -v w="$wall" -v r="$rss" -v i="$i" \
            'BEGIN { printf "%.2f %s %s %s\n", u + s, w, r, i }' >> "$work/$name.runs"
    done
    set -- $(sort -n "$work/$name.runs" | sed -n "$(( (runs + 1) / 2 ))p")
    cp "$work/$name.err.$4" "$work/$name.err"
    echo "$1 $2 $3"
}

# --- loading -------------------------------------------------------------------
echo "generating packs of 20000 and 100000 rules..." >&2
for n in 20000 100000; do
    mkdir -p "$work/pack-$n"
    python3 - "$n" "$work/pack-$n/10-many.conf" <<'EOF'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    f.write("rules = (\n" + ",\n".join(
        '{ id = "gen-%d"; severity = "low"; pattern = '
        '"{\\"detail\\":{\\"eventSource\\":[\\"s3.amazonaws.com\\"],\\"eventName\\":[\\"Op%d\\"]}}"; }'
        % (i, i) for i in range(n)) + "\n);\n")
EOF
done
: > "$work/empty.jsonl"

echo
printf '%-34s %8s %8s %10s %12s\n' "load (replay of no events)" "cpu s" "wall s" "RSS MiB" "rules/s"
for n in 20000 100000; do
    read -r cpu wall rss <<< "$(measure "load-$n" "${pin[@]}" "$S3WATCH" replay --stats \
        --rules "$work/pack-$n" "$work/empty.jsonl")"
    loaded=$(sed -n 's/.*; \([0-9]*\) rules,.*/\1/p' "$work/load-$n.err")
    [ "$loaded" = "$n" ] || echo "bench-rules: $n rules generated, ${loaded:-?} loaded" >&2
    printf '%-34s %8s %8s %10.1f %12s\n' "$n rules" "$cpu" "$wall" \
        "$(fdiv "$rss" 1024)" "$(fdiv "$n" "$cpu" %.0f)"
    result "rules_load_${n}_cpu" "$cpu"
    result "rules_load_${n}_rss_kib" "$rss"
    eval "load_$n=$cpu"
done
# CPU times of 0.00 s are below what time(1) resolves: no ratio then.
scaling=$(fdiv "$load_100000" "$load_20000")
result rules_load_scaling "$scaling"
printf 'growth: 5x the rules cost %sx the CPU (linear: 5x; quadratic: 25x)\n' "$scaling"

# --- many principals -------------------------------------------------------------
echo >&2
echo "generating $events events, from 1 principal and from $many..." >&2
python3 "$top_srcdir/tests/bench/gen-events.py" --seed 3 --count "$events" --principals 1 \
    --out "$work/one.jsonl"
python3 "$top_srcdir/tests/bench/gen-events.py" --seed 3 --count "$events" --principals "$many" \
    --out "$work/many.jsonl"
cat "$work/one.jsonl" "$work/many.jsonl" > /dev/null
rules=$(grep -c '^[[:space:]]*id = ' "$top_srcdir"/conf/rules.d/*.conf | awk -F: '{ n += $2 } END { print n }')

echo
printf '%-34s %8s %8s %10s %12s %8s %11s\n' "replay, $events events, $rules rules" "cpu s" "wall s" \
    "RSS MiB" "events/s" "hits" "state keys"
for who in one many; do
    read -r cpu wall rss <<< "$(measure "replay-$who" "${pin[@]}" "$S3WATCH" replay --stats \
        --rules "$top_srcdir/conf/rules.d" "$work/$who.jsonl")"
    line=$(grep -m1 '^s3watch replay:' "$work/replay-$who.err")
    hits=$(sed -n 's/.* \([0-9]*\) hits in .*/\1/p' <<< "$line")
    keys=$(sed -n 's/.*, \([0-9]*\) state keys.*/\1/p' <<< "$line")
    label="1 principal"
    [ "$who" = many ] && label="$many distinct principals"
    printf '%-34s %8s %8s %10.1f %12s %8s %11s\n' "$label" "$cpu" "$wall" \
        "$(fdiv "$rss" 1024)" "$(fdiv "$events" "$cpu" %.0f)" "$hits" "$keys"
    result "principals_${who}_cpu" "$cpu"
    result "principals_${who}_evs" "$(fdiv "$events" "$cpu" %.0f)"
    result "principals_${who}_keys" "$keys"
    eval "cpu_$who=$cpu"
done
result principals_events "$events"
result principals_many "$many"
ratio=$(fdiv "$cpu_many" "$cpu_one" %.2f)
result principals_ratio "$ratio"
printf 'cost: %d distinct principals take %sx the CPU of one\n' "$many" "$ratio"
