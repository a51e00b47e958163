#!/bin/bash
# Tail ingest: `s3watch monitor --json` against `aws logs tail` (Debian's
# AWS CLI, /usr/bin/aws) reading the same events from the sandbox's log
# group, both talking to moto directly (not the fault proxy).  Prints CPU
# seconds (user+sys of the client process only), peak RSS, wall time and
# events/s side by side, with the ratio AWS CLI / s3watch.  The goal
# (>= 20x less CPU, >= 10x less memory) is reported, never enforced.
#
# Then "memory stays flat": a --follow monitor is fed 1,000,000 events in
# chunks of 100,000 (each chunk written over 4 streams while it runs; the
# streams of a chunk are deleted once it is delivered, so moto holds one
# chunk at a time), and its VmRSS is sampled after every chunk; and
# `s3watch replay` reads 1,000,000 events from a pipe with its VmRSS
# sampled every 100,000 events.
#
#   tests/bench/bench-tail.sh
#
# S3WATCH names the binary (default ./s3watch); top_srcdir the source tree
# (default: from this script's path).  BENCH_QUICK=1 shrinks everything
# tenfold.  BENCH_RESULTS, if set, names a file that gets KEY=VALUE lines
# (for run-all.sh).  The machine may be shared: compare CPU time, not wall.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
export top_srcdir
S3WATCH=${S3WATCH:-./s3watch}
case $S3WATCH in /*) ;; *) S3WATCH=$(pwd)/$S3WATCH ;; esac
results=${BENCH_RESULTS:-/dev/null}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    n=10000 big=100000 step=10000
else
    n=100000 big=1000000 step=100000
fi
streams=4
group=/aws/cloudtrail/s3watch-bench
roll_group=/aws/cloudtrail/s3watch-bench-roll

[ -x "$S3WATCH" ] || { echo "bench-tail: no s3watch binary at $S3WATCH (set S3WATCH)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-tail: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
[ -x /usr/bin/aws ] || { echo "bench-tail: /usr/bin/aws is needed (apt-get install awscli)" >&2; exit 1; }

# shellcheck source=/dev/null
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up
work=$SANDBOX_TMPDIR
moto=$S3WATCH_SANDBOX_MOTO_URL
py=$S3WATCH_PYTHON
util="$top_srcdir/tests/bench/bench-util.py"
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
export AWS_ENDPOINT_URL=$moto
result() { printf '%s=%s\n' "$1" "$2" >> "$results"; }
say() { echo "bench-tail: $*" >&2; }
fdiv() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }

# put GROUP PREFIX FILE AGO_MS SPREAD_MS: write FILE's lines over $streams
# streams PREFIX0.. in parallel; fails unless every line was written.
put() {
    local g=$1 prefix=$2 file=$3 ago=$4 spread=$5 i pids=() total=0 c
    split -n "r/$streams" -d "$file" "$work/part."
    for ((i = 0; i < streams; i++)); do
        "$py" "$top_srcdir/tests/integration/logput.py" "$g" "$prefix$i" "$work/part.0$i" \
            --ago-ms "$ago" --spread-ms "$spread" > "$work/put.$i" &
        pids+=($!)
    done
    for ((i = 0; i < streams; i++)); do
        wait "${pids[$i]}" || { say "logput failed"; return 1; }
        c=$(cat "$work/put.$i")
        total=$((total + c))
    done
    rm -f "$work"/part.0*
    [ "$total" -eq "$(wc -l < "$file")" ] || { say "wrote $total of $(wc -l < "$file")"; return 1; }
}

# measure NAME CMD...: sets cpu (user+sys s), wall (s), rss (KiB) from
# /usr/bin/time; the output goes to $work/NAME.out.
measure() {
    local name=$1 usr sys
    shift
    /usr/bin/time -f '%U %S %e %M' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err"
    read -r usr sys wall rss < "$work/$name.time"
    cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# --- 1. the same events read once by each tool ---------------------------------
say "generating $n events..."
"$py" "$top_srcdir/tests/bench/gen-events.py" --seed 1 --count "$n" --out "$work/events.jsonl"
bytes=$(stat -c %s "$work/events.jsonl")
say "writing $n events into $group over $streams streams..."
t0=$(date +%s.%N)
put "$group" 111122223333_CloudTrail_us-east-1_ "$work/events.jsonl" 1800000 600000 || exit 1
t1=$(date +%s.%N)
ingest=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')

say "s3watch monitor reading them..."
mkdir -p "$work/state"
S3WATCH_STATE_DIR=$work/state measure s3watch "$S3WATCH" --endpoint-url "$moto" monitor \
    --group "$group" --since 1h --json --no-resume --poll 200
s3_status=$?
s3_cpu=$cpu s3_wall=$wall s3_rss=$rss
s3_n=$(grep -c '^{' "$work/s3watch.out")
rm -f "$work/s3watch.out"

say "aws logs tail reading them..."
measure awscli env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP PYTHONNOUSERSITE=1 \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/aws --endpoint-url "$moto" \
    logs tail "$group" --since 1h --format json
aws_status=$?
aws_cpu=$cpu aws_wall=$wall aws_rss=$rss
# --format json prints "TIMESTAMP STREAM" then the message, pretty-printed.
aws_n=$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+ [^ ]+ ' "$work/awscli.out")
rm -f "$work/awscli.out"

# moto answers FilterLogEvents with pages of 10,000 events (~16 MB here);
# AWS stops a page at 1 MB.  For scale only (the CLI has no page size):
# s3watch again with pages of about 1 MB, on a group of at most 10,000
# events (moto scans the whole group for every page: small pages over
# 100,000 events take minutes).
pl_n_want=$((n < 10000 ? n : 10000))
head -n "$pl_n_want" "$work/events.jsonl" > "$work/small.jsonl"
put "$group-small" 111122223333_CloudTrail_us-east-1_ "$work/small.jsonl" 1800000 600000 || exit 1
rm -f "$work/small.jsonl" "$work/events.jsonl"
say "s3watch monitor --page-limit 600 reading $pl_n_want..."
rm -rf "$work/state" && mkdir -p "$work/state"
S3WATCH_STATE_DIR=$work/state measure s3watch-pl "$S3WATCH" --endpoint-url "$moto" monitor \
    --group "$group-small" --since 1h --json --no-resume --poll 200 --page-limit 600
pl_status=$?
pl_cpu=$cpu pl_wall=$wall pl_rss=$rss
pl_n=$(grep -c '^{' "$work/s3watch-pl.out")
rm -f "$work/s3watch-pl.out"

cpu_ratio=$(fdiv "$aws_cpu" "$s3_cpu")
rss_ratio=$(fdiv "$aws_rss" "$s3_rss")
echo
printf 'tail: %d events (%d bytes/event) in one group, %d streams; moto took %s s to take them\n' \
    "$n" "$((bytes / n))" "$streams" "$ingest"
printf 'CPU = user+sys seconds of the client process only (the machine is shared: wall time is not a comparison)\n'
printf '%-26s %8s %8s %10s %9s %9s %6s\n' "" "cpu s" "wall s" "events/s" "RSS MiB" "events" "exit"
row() {
    printf '%-26s %8s %8s %10s %9.1f %9s %6s\n' "$1" "$2" "$3" \
        "$(awk -v n="$5" -v t="$3" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')" \
        "$(awk -v k="$4" 'BEGIN { print k / 1024 }')" "$5" "$6"
}
row "s3watch monitor --json" "$s3_cpu" "$s3_wall" "$s3_rss" "$s3_n" "$s3_status"
row "aws logs tail (CLI $(/usr/bin/aws --version 2>&1 | sed 's|^aws-cli/\([^ ]*\).*|\1|'))" \
    "$aws_cpu" "$aws_wall" "$aws_rss" "$aws_n" "$aws_status"
row "s3watch --page-limit 600" "$pl_cpu" "$pl_wall" "$pl_rss" "$pl_n" "$pl_status"
printf '(the last row for scale only: %d events in pages of ~1 MB, as AWS sends them; moto sends 10,000 events a page)\n' "$pl_n_want"
printf 'ratio AWS CLI / s3watch: cpu %sx, memory %sx\n' "$cpu_ratio" "$rss_ratio"
goal() { awk -v r="$1" -v g="$2" 'BEGIN { print (r != "n/a" && r + 0 >= g) ? "met" : "NOT met" }'; }
printf 'goal >= 20x less cpu: %s; >= 10x less memory: %s\n' "$(goal "$cpu_ratio" 20)" "$(goal "$rss_ratio" 10)"
[ "$s3_n" -eq "$n" ] || echo "WARNING: s3watch printed $s3_n events, expected $n (exit $s3_status)"
[ "$aws_n" -eq "$n" ] || echo "WARNING: aws logs tail printed $aws_n events, expected $n (exit $aws_status)"
result tail_events "$n"
result tail_ingest_s "$ingest"
result tail_s3_cpu "$s3_cpu"
result tail_s3_wall "$s3_wall"
result tail_s3_rss_kib "$s3_rss"
result tail_s3_events "$s3_n"
result tail_aws_cpu "$aws_cpu"
result tail_aws_wall "$aws_wall"
result tail_aws_rss_kib "$aws_rss"
result tail_aws_events "$aws_n"
result tail_pl_cpu "$pl_cpu"
result tail_pl_rss_kib "$pl_rss"
result tail_pl_events "$pl_n"
result tail_pl_want "$pl_n_want"
result tail_cpu_ratio "$cpu_ratio"
result tail_rss_ratio "$rss_ratio"

# --- 2. memory over 1,000,000 events: a follower ----------------------------------
echo
say "follower: $big events in chunks of $step..."
"$py" "$util" create "$roll_group"
mkfifo "$work/follow.fifo"
"$py" "$util" count "$work/follow.count" 1000 < "$work/follow.fifo" &
counter=$!
mkdir -p "$work/state-follow"
S3WATCH_STATE_DIR=$work/state-follow "$S3WATCH" --endpoint-url "$moto" monitor \
    --group "$roll_group" --since 1m --follow --json --no-resume --poll 200 \
    > "$work/follow.fifo" 2> "$work/follow.err" &
follower=$!
on_exit "kill $follower 2>/dev/null; wait $follower 2>/dev/null; wait $counter 2>/dev/null"
sleep 1
printf '%-10s %10s %10s %10s %9s\n' "events" "VmRSS MiB" "VmHWM MiB" "write s" "drain s"
chunks=$((big / step))
flat_rss=() flat_ok=1
for ((k = 0; k < chunks; k++)); do
    want=$(((k + 1) * step))
    "$py" "$top_srcdir/tests/bench/gen-events.py" --seed $((100 + k)) --count "$step" --out "$work/chunk.jsonl"
    t0=$(date +%s.%N)
    # Stamped 2 s ago over 1.5 s: within the tail's 5 s reach-back.
    put "$roll_group" "roll$k-" "$work/chunk.jsonl" 2000 1500 || { flat_ok=0; break; }
    t1=$(date +%s.%N)
    got=0
    for ((w = 0; w < 1800; w++)); do        # 180 s at most (the tail sweeps every 60 s)
        got=$(cat "$work/follow.count" 2>/dev/null || echo 0)
        [ "${got:-0}" -ge "$want" ] && break
        kill -0 "$follower" 2>/dev/null || break
        sleep 0.1
    done
    t2=$(date +%s.%N)
    if [ "${got:-0}" -lt "$want" ]; then
        echo "WARNING: the follower delivered ${got:-0} of $want events; stopping here"
        sed 's/^/  | /' "$work/follow.err" | tail -5
        flat_ok=0
        break
    fi
    read -r vmrss vmhwm < <(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r, h }' "/proc/$follower/status")
    printf '%-10s %10.1f %10.1f %10.1f %9.1f\n' "$want" "$(awk -v k="$vmrss" 'BEGIN { print k / 1024 }')" \
        "$(awk -v k="$vmhwm" 'BEGIN { print k / 1024 }')" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')"
    flat_rss+=("$want:$vmrss")
    streams_k=()
    for ((i = 0; i < streams; i++)); do streams_k+=("roll$k-$i"); done
    "$py" "$util" delete "$roll_group" "${streams_k[@]}"
done
rm -f "$work/chunk.jsonl"
follower_cpu=$(sed 's/^.*) //' "/proc/$follower/stat" 2>/dev/null | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }')
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
wait "$counter" 2>/dev/null
delivered=$(cat "$work/follow.count" 2>/dev/null || echo 0)
echo "follower: $delivered events delivered, $follower_cpu cpu s; RSS sampled after each chunk was delivered"
result flat_target "$big"
result flat_events "$delivered"
result flat_complete "$flat_ok"
result flat_follow_cpu "$follower_cpu"
result flat_follow_rss "${flat_rss[*]:-}"

# --- 3. memory over 1,000,000 events: replay (the rule engine) ---------------------
echo
say "replay: $big events through a pipe..."
mkfifo "$work/replay.fifo"
: > "$work/replay.rss"
"$S3WATCH" replay --rules "$S3WATCH_RULES_DIR" - < "$work/replay.fifo" > /dev/null 2> "$work/replay.err" &
replayer=$!
"$py" "$top_srcdir/tests/bench/gen-events.py" --seed 7 --count "$big" |
    "$py" "$util" probe "$replayer" "$step" "$work/replay.rss" > "$work/replay.fifo"
wait "$replayer"
replay_status=$?
printf '%-10s %10s %10s\n' "events" "VmRSS MiB" "VmHWM MiB"
replay_rss=()
while read -r cnt r h; do
    printf '%-10s %10.1f %10.1f\n' "$cnt" "$(awk -v k="$r" 'BEGIN { print k / 1024 }')" "$(awk -v k="$h" 'BEGIN { print k / 1024 }')"
    replay_rss+=("$cnt:$r")
done < "$work/replay.rss"
echo "replay exit $replay_status; RSS sampled as every ${step}th event entered the pipe"
result replay_rss "${replay_rss[*]:-}"
exit 0
