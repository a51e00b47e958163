#!/bin/bash
# The alert table at scale, through the sandbox:
#   - loading a journal of 40,000 alerts (`s3watch alerts list` over an
#     empty log group, so the run is the load, the catch-up and the list);
#   - `s3watch monitor` over the same generated events from 1 principal
#     and from 20,000 distinct principals (gen-events.py --principals),
#     all from an outside address: one alert per principal.
# Prints CPU seconds (user+sys of s3watch only) and peak RSS.  Figures,
# never assertions.
#
#   tests/bench/bench-alerts.sh
#
# S3WATCH names the binary (default ./s3watch); top_srcdir the source tree.
# BENCH_QUICK=1: 10,000 alerts and 20,000 events instead of 40,000 and
# 100,000.  BENCH_RESULTS, if set, names a file that gets KEY=VALUE lines
# (for run-all.sh).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
export top_srcdir
S3WATCH=${S3WATCH:-./s3watch}
case $S3WATCH in /*) ;; *) S3WATCH=$(pwd)/$S3WATCH ;; esac
results=${BENCH_RESULTS:-/dev/null}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    nalerts=10000 events=20000
else
    nalerts=40000 events=100000
fi
many=20000

[ -x "$S3WATCH" ] || { echo "bench-alerts: no s3watch binary at $S3WATCH (set S3WATCH)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-alerts: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
# shellcheck source=/dev/null
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up
work=$SANDBOX_TMPDIR
py=$S3WATCH_PYTHON
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
export AWS_ENDPOINT_URL=$S3WATCH_SANDBOX_MOTO_URL
result() { printf '%s=%s\n' "$1" "$2" >> "$results"; }
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)

# measure NAME CMD...: sets cpu (user+sys s) and rss (KiB).
measure() {
    local name=$1 usr sys wall
    shift
    /usr/bin/time -f '%U %S %e %M' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" ||
        { echo "bench-alerts: $name failed:" >&2; tail -3 "$work/$name.err" >&2; return 1; }
    read -r usr sys wall rss < "$work/$name.time"
    cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# --- a journal of many alerts ------------------------------------------------
mkdir -m 700 "$work/state-load"
"$py" - "$nalerts" "$work/state-load/journal.jsonl" <<'EOF'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for i in range(n):
        f.write(json.dumps({"type": "alert", "rule": "rule-%d" % (i % 50),
            "key": "arn:aws:iam::123456789012:user/u-%06d" % i, "title": "t",
            "severity": "medium", "count": 3, "first_seen": "2026-11-24T10:00:00Z",
            "last_seen": "2026-11-24T10:05:00Z", "last_ms": 1764000000000 + i,
            "last_ingested": 1764000000000 + i}) + "\n")
EOF
chmod 600 "$work/state-load/journal.jsonl"
awscli logs create-log-group --log-group-name /bench/empty
S3WATCH_STATE_DIR=$work/state-load measure load "${pin[@]}" "$S3WATCH" alerts --group /bench/empty \
    --poll 200 list --all || exit 1
listed=$(wc -l < "$work/load.out")
load_cpu=$cpu load_rss=$rss

# --- monitor: 1 principal against 20,000 -------------------------------------------
for p in 1 "$many"; do
    # Every call from outside the allowed CIDRs: each principal's calls
    # hit the seed's source-IP rule, so each principal has its alert.
    "$py" "$top_srcdir/tests/bench/gen-events.py" --seed 5 --count "$events" --principals "$p" |
        "$py" -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    o["sourceIPAddress"] = "203.0.113.9"
    print(json.dumps(o))' > "$work/ev-$p.jsonl"
    "$py" "$top_srcdir/tests/integration/logput.py" "/bench/p$p" s "$work/ev-$p.jsonl" \
        --ago-ms 600000 --spread-ms 500000 > /dev/null || exit 1
    mkdir -m 700 "$work/state-$p"
    S3WATCH_STATE_DIR=$work/state-$p measure "mon-$p" "${pin[@]}" "$S3WATCH" monitor \
        --group "/bench/p$p" --since 1h --json --no-resume --poll 200 --page-limit 10000 || exit 1
    eval "cpu_$p=\$cpu rss_$p=\$rss"
    eval "alerts_$p=\$(sed -n 's/.*; \([0-9]*\) open alerts.*/\1/p' \"\$work/mon-$p.err\")"
done

echo
printf '%-44s %8s %9s %s\n' "measure" "cpu s" "RSS MiB" "note"
printf '%-44s %8s %9s %s\n' "alerts list, journal of $nalerts alerts" "$load_cpu" \
    "$(fdiv "$load_rss" 1024)" "$listed listed"
printf '%-44s %8s %9s %s\n' "monitor $events events, 1 principal" "$cpu_1" \
    "$(fdiv "$rss_1" 1024)" "$alerts_1 open alerts"
printf '%-44s %8s %9s %s\n' "monitor $events events, $many principals" "$cpu_20000" \
    "$(fdiv "$rss_20000" 1024)" "$alerts_20000 open alerts"
ratio=$(awk -v a="$cpu_20000" -v b="$cpu_1" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
echo "$many principals cost ${ratio}x one principal (before hash tables: 15x)"
result alerts_load_n "$nalerts"
result alerts_load_cpu "$load_cpu"
result alerts_mon_1_cpu "$cpu_1"
result alerts_mon_many_cpu "$cpu_20000"
result alerts_many_ratio "$ratio"

