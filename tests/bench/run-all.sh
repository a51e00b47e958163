#!/bin/bash
# `make bench`: runs bench-replay.sh, bench-rules.sh, bench-alerts.sh,
# bench-tail.sh and bench-ui.sh (their own output as they go) and then prints one table: each figure of s3watch
# beside its peer's (jq, aws logs tail) where there is one, with the goal
# and whether it is met.  Figures, never assertions: the exit status is 0
# unless a script could not run at all.
#
#   tests/bench/run-all.sh
#
# S3WATCH names the binary (default ./s3watch); top_srcdir the source tree
# (default: from this script's path).  BENCH_QUICK=1 shrinks every size
# (about 2 minutes instead of about 10).  CPU figures are CPU seconds of
# the measured process: the machine may be shared, so wall times are shown
# but not compared.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
S3WATCH=${S3WATCH:-./s3watch}
case $S3WATCH in /*) ;; *) S3WATCH=$(pwd)/$S3WATCH ;; esac
export top_srcdir S3WATCH
quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then replay_events=50000; else replay_events=500000; fi
bench=$top_srcdir/tests/bench

[ -x "$S3WATCH" ] || { echo "run-all: no s3watch binary at $S3WATCH (set S3WATCH)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-bench-all.XXXXXX")
trap 'rm -rf "$work"' EXIT
export BENCH_RESULTS=$work/results
: > "$BENCH_RESULTS"
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
t_start=$(date +%s)

# run NAME CMD...: the command's output on the terminal and in $work/NAME.log.
run() {
    local name=$1 rc
    shift
    echo "=== $name ==="
    "$@" 2>&1 | tee "$work/$name.log"
    rc=${PIPESTATUS[0]}
    echo "=== $name: exit $rc ==="
    echo
    eval "rc_${name//-/_}=$rc"
}
run bench-replay "$bench/bench-replay.sh" "$replay_events"
run bench-rules "$bench/bench-rules.sh"
run bench-alerts "$bench/bench-alerts.sh"
run bench-tail "$bench/bench-tail.sh"
run bench-ui "$bench/bench-ui.sh"

# r KEY: a result of bench-tail.sh / bench-ui.sh, or n/a.
r() {
    local v
    v=$(grep -m1 "^$1=" "$BENCH_RESULTS" | cut -d= -f2-)
    printf '%s' "${v:-n/a}"
}
calc() { awk "BEGIN { $1 }" 2>/dev/null; }
mib() { case $1 in n/a | '') printf 'n/a' ;; *) calc "printf \"%.1f MiB\", $1 / 1024" ;; esac; }
met() { calc "print ($1) ? \"met\" : \"NOT met\""; }

# bench-replay.sh's rows: "LABEL cpu wall events/s rss hits".
rrow() { grep -m1 "^$1" "$work/bench-replay.log" | awk '{ print $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }'; }
read -r rs_cpu _ rs_evs _ _ <<< "$(rrow 's3watch replay (')"
read -r rj_cpu _ rj_evs _ _ <<< "$(rrow 'jq ')"
rules=$(grep -m1 '^s3watch replay' "$work/bench-replay.log" | sed -n 's/.*(\([0-9]*\) rules).*/\1/p')
if [ -n "${rs_cpu:-}" ] && [ -n "${rj_cpu:-}" ]; then
    replay_ratio=$(calc "printf \"%.1f\", $rj_cpu / $rs_cpu")
    replay_goal=$(met "$replay_ratio >= 10 && $rs_evs > 250000")
else
    rs_evs=n/a rj_evs=n/a replay_ratio=n/a replay_goal="n/a (bench-replay.sh failed)"
fi

n=$(r tail_events)
s3cpu=$(r tail_s3_cpu) awscpu=$(r tail_aws_cpu)
s3rss=$(r tail_s3_rss_kib) awsrss=$(r tail_aws_rss_kib)
cpu_ratio=$(r tail_cpu_ratio) rss_ratio=$(r tail_rss_ratio)
tail_note=
[ "$(r tail_s3_events)" = "$n" ] && [ "$(r tail_aws_events)" = "$n" ] ||
    tail_note=" (event counts differ: s3watch $(r tail_s3_events), aws $(r tail_aws_events) of $n)"
cpu_goal=n/a rss_goal=n/a
[ "$cpu_ratio" = n/a ] || cpu_goal=$(met "$cpu_ratio >= 20")
[ "$rss_ratio" = n/a ] || rss_goal=$(met "$rss_ratio >= 10")

# "EVENTS:KIB ..." lists: the first and the last sample, and the spread.
flat() {
    local v=$1
    [ "$v" = n/a ] && { printf 'n/a'; return; }
    # shellcheck disable=SC2086 # one sample a word
    printf '%s\n' $v | awk -F: 'NR == 1 { f = $2; fe = $1; lo = $2; hi = $2 }
        { l = $2; le = $1; if ($2 < lo) lo = $2; if ($2 > hi) hi = $2 }
        END { printf "%.1f MiB after %d (%.1f after %d; min %.1f, max %.1f)", l / 1024, le, f / 1024, fe, lo / 1024, hi / 1024 }'
}
follow_rss=$(r flat_follow_rss) replay_rss=$(r replay_rss)
follow_note=
[ "$(r flat_complete)" = 1 ] || follow_note=" INCOMPLETE: $(r flat_events) events delivered"

# bench-rules.sh: loading big packs, and many principals against one.
load_goal=n/a principals_goal=n/a
[ "$(r rules_load_scaling)" = n/a ] || load_goal=$(met "$(r rules_load_scaling) <= 7.5")
[ "$(r principals_ratio)" = n/a ] || principals_goal=$(met "$(r principals_ratio) <= 1.5")

alerts_goal=n/a
[ "$(r alerts_many_ratio)" = n/a ] || alerts_goal=$(met "$(r alerts_many_ratio) <= 3")

ui_status=$(r ui_status)
ui_busy=$(r ui_busy_cpu) ui_idle=$(r ui_idle_cpu) ui_start=$(r ui_startup_s)
ui_rate=$(r ui_rate) ui_fed=$(r ui_fed) ui_fed_s=$(r ui_fed_s)

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
cores=$(nproc)
kernel=$(uname -sr)
elapsed=$(( $(date +%s) - t_start ))

echo "================================================================================================"
echo "s3watch benchmarks  $started  ($([ "$quick" = 1 ] && echo "BENCH_QUICK=1: reduced sizes" || echo "full sizes"), ${elapsed}s)"
echo "machine: $cpu, $cores cores, $kernel; binary: $S3WATCH ($("$S3WATCH" --version 2>/dev/null | head -1))"
echo "cpu = user+sys CPU seconds of the measured process only; the machine may be shared, so wall time is not compared"
echo "------------------------------------------------------------------------------------------------"
printf '%-36s %-20s %-22s %-7s %s\n' "measure" "s3watch" "peer" "ratio" "goal"
printf '%-36s %-20s %-22s %-7s %s\n' "replay, $replay_events events, 1 core" \
    "$rs_evs ev/s" "jq $rj_evs ev/s" "${replay_ratio}x" ">=10x jq, >250k ev/s: $replay_goal"
printf '%-36s %-20s %-22s %-7s %s\n' "  (cpu s; rules)" "${rs_cpu:-n/a} s; ${rules:-?} rules" \
    "${rj_cpu:-n/a} s; 3 seed rules" "" ""
printf '%-36s %-20s %-22s %-7s %s\n' "load 100,000 rules: cpu" "$(r rules_load_100000_cpu) s" \
    "20,000 rules: $(r rules_load_20000_cpu) s" "$(r rules_load_scaling)x" \
    "linear, <=7.5x for 5x the rules: $load_goal"
printf '%-36s %-20s %-22s %-7s %s\n' "  (peak RSS)" "$(mib "$(r rules_load_100000_rss_kib)")" \
    "$(mib "$(r rules_load_20000_rss_kib)")" "" ""
printf '%-36s %-20s %-22s %-7s %s\n' "replay, $(r principals_many) principals vs 1" \
    "$(r principals_many_evs) ev/s" "1: $(r principals_one_evs) ev/s" "$(r principals_ratio)x" \
    "<=1.5x the cpu of one: $principals_goal"
printf '%-36s %-20s %-22s %-7s %s\n' "  (cpu s; $(r principals_events) events; state keys)" \
    "$(r principals_many_cpu) s; $(r principals_many_keys) keys" \
    "$(r principals_one_cpu) s; $(r principals_one_keys) keys" "" ""
printf '%-36s %-20s %-22s %-7s %s\n' "load $(r alerts_load_n) alerts (alerts list)" \
    "$(r alerts_load_cpu) s" "-" "" "was 2.6 s for 40,000 with linear lookups"
printf '%-36s %-20s %-22s %-7s %s\n' "monitor, 20000 principals vs 1" \
    "$(r alerts_mon_many_cpu) s" "1: $(r alerts_mon_1_cpu) s" "$(r alerts_many_ratio)x" \
    "<=3x the cpu of one (was 15x): $alerts_goal"
printf '%-36s %-20s %-22s %-7s %s\n' "tail $n events: cpu" "$s3cpu s" "aws logs tail $awscpu s" \
    "${cpu_ratio}x" ">=20x less: $cpu_goal$tail_note"
printf '%-36s %-20s %-22s %-7s %s\n' "tail $n events: peak RSS" "$(mib "$s3rss")" "$(mib "$awsrss")" \
    "${rss_ratio}x" ">=10x less: $rss_goal"
printf '%-36s %-20s %-22s %-7s %s\n' "  (--page-limit 600, $(r tail_pl_want) events)" "$(mib "$(r tail_pl_rss_kib)"), $(r tail_pl_cpu) s" \
    "-" "" "for scale: ~1 MB pages as AWS sends (moto: 10,000 events a page)"
printf '%-36s %-20s %-22s %-7s %s\n' "  (wall s, moto-bound)" "$(r tail_s3_wall) s" "$(r tail_aws_wall) s" "" ""
if [ "${ui_status%%:*}" = ok ]; then
    printf '%-36s %-20s %-22s %-7s %s\n' "console cpu at $ui_rate events/s" "$ui_busy cpu s/s" "-" "" \
        "fed $ui_fed events in $ui_fed_s s"
    printf '%-36s %-20s\n' "console cpu idle" "$ui_idle cpu s/s"
    printf '%-36s %-20s\n' "console startup to first frame" "$ui_start s"
    printf '%-36s %-20s\n' "console peak RSS" "$(mib "$(r ui_rss_kib)")"
else
    printf '%-36s %s\n' "console (cpu busy/idle, startup)" "$ui_status"
fi
printf '%-36s %s\n' "monitor --follow RSS, $(r flat_target) events" "$(flat "$follow_rss")$follow_note"
printf '%-36s %s\n' "replay RSS, $(r flat_target) events" "$(flat "$replay_rss")"
echo "------------------------------------------------------------------------------------------------"
echo "exit: bench-replay ${rc_bench_replay:-?}, bench-rules ${rc_bench_rules:-?}, bench-alerts ${rc_bench_alerts:-?}, bench-tail ${rc_bench_tail:-?}, bench-ui ${rc_bench_ui:-?}"
[ "${rc_bench_replay:-1}" = 0 ] && [ "${rc_bench_rules:-1}" = 0 ] && [ "${rc_bench_alerts:-1}" = 0 ] &&
    [ "${rc_bench_tail:-1}" = 0 ] &&
    [ "${rc_bench_ui:-1}" = 0 ]
