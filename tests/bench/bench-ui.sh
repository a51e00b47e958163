#!/bin/bash
# The console's cost: `s3watch console --view monitor` runs in a detached
# tmux (120x40) against the sandbox (moto directly, not the fault proxy);
# prints the time to the first frame (until capture-pane shows the title
# bar), then its CPU per second of wall time (utime+stime from
# /proc/PID/stat) while 5,000 CloudTrail events/s flow into the log group
# for 30 s, and idle for 10 s after the flow stops.
#
#   tests/bench/bench-ui.sh
#
# S3WATCH names the binary (default ./s3watch); top_srcdir the source tree
# (default: from this script's path).  BENCH_QUICK=1: 1,000 events/s for
# 10 s, idle 5 s.  BENCH_RESULTS, if set, names a file that gets KEY=VALUE
# lines (for run-all.sh).  If the console does not draw its first frame,
# the figures are "n/a" and the reason is printed (exit 0: a benchmark,
# not a test).
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_srcdir=$(cd "$top_srcdir" && pwd)
export top_srcdir
S3WATCH=${S3WATCH:-./s3watch}
case $S3WATCH in /*) ;; *) S3WATCH=$(pwd)/$S3WATCH ;; esac
results=${BENCH_RESULTS:-/dev/null}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    rate=1000 busy=10 idle=5
else
    rate=5000 busy=30 idle=10
fi
warm=5          # seconds of flow before the busy window opens
drain=5         # seconds after the flow before the idle window opens
group=/aws/cloudtrail/s3-security-monitoring
tmux_sock=s3w-bench
session=bench

result() { printf '%s=%s\n' "$1" "$2" >> "$results"; }
say() { echo "bench-ui: $*" >&2; }
na() {
    echo "console: n/a ($1)"
    result ui_status "n/a: $1"
    result ui_startup_s n/a
    result ui_busy_cpu n/a
    result ui_idle_cpu n/a
    exit 0
}

[ -x "$S3WATCH" ] || { echo "bench-ui: no s3watch binary at $S3WATCH (set S3WATCH)" >&2; exit 1; }
command -v tmux >/dev/null || na "tmux is needed (apt-get install tmux)"

# shellcheck source=/dev/null
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up
work=$SANDBOX_TMPDIR
moto=$S3WATCH_SANDBOX_MOTO_URL
py=$S3WATCH_PYTHON
util="$top_srcdir/tests/bench/bench-util.py"
hz=$(getconf CLK_TCK)
tm() { tmux -L "$tmux_sock" -f "$work/tmux.conf" "$@"; }
on_exit "tmux -L $tmux_sock kill-session -t $session 2>/dev/null"

# CPU seconds (utime+stime) of PID so far.
cpu_of() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk -v hz="$hz" '{ printf "%.3f", ($12 + $13) / hz }'; }
now() { date +%s.%N; }
per_s() { awk -v c0="$1" -v c1="$2" -v t0="$3" -v t1="$4" 'BEGIN { printf "%.3f", (c1 - c0) / (t1 - t0) }'; }

say "generating $((rate * (busy + warm))) events..."
"$py" "$top_srcdir/tests/bench/gen-events.py" --seed 11 --count $((rate * (busy + warm))) --out "$work/feed.jsonl"
"$py" "$util" create "$group"

if tm has-session -t "$session" 2>/dev/null; then
    na "a tmux session '$session' is already running on socket $tmux_sock"
fi
printf 'set -g remain-on-exit on\nset -g status off\n' > "$work/tmux.conf"
mkdir -p "$work/state" "$work/xdg"
cat > "$work/run-console" <<EOF
#!/bin/sh
echo \$\$ > "$work/console.pid"
exec env TERM=xterm-256color S3WATCH_STATE_DIR="$work/state" XDG_CONFIG_HOME="$work/xdg" \\
    S3WATCH_CONFIG= S3WATCH_RULES_DIR="$top_srcdir/conf/rules.d" AWS_ENDPOINT_URL="$moto" \\
    "$S3WATCH" --endpoint-url "$moto" console --view monitor --set "log_group=$group" \\
    --exit-after $((30 + warm + busy + drain + idle + 30))
EOF
chmod +x "$work/run-console"

# --- startup: until the title bar ("s3watch  1 ...") is on screen --------------
say "starting the console in tmux..."
t0=$(now)
tm new-session -d -s "$session" -x 120 -y 40 "$work/run-console"
first=
for ((i = 0; i < 1000; i++)); do       # 20 s at most
    if tm capture-pane -p -t "$session" 2>/dev/null | head -1 | grep -qE 's3watch +1 [A-Za-z]'; then
        first=$(now)
        break
    fi
    [ "$(tm display-message -p -t "$session" '#{pane_dead}' 2>/dev/null)" = 1 ] && break
    sleep 0.02
done
pid=$(cat "$work/console.pid" 2>/dev/null || echo 0)
if [ -z "$first" ]; then
    echo "the console drew no title bar (in 20 s, or it exited); its screen:"
    tm capture-pane -p -t "$session" 2>/dev/null | sed '/^$/d; s/^/  | /' | head -20
    na "no first frame (is 's3watch console' implemented?)"
fi
startup=$(awk -v a="$t0" -v b="$first" 'BEGIN { printf "%.3f", b - a }')
say "first frame after $startup s"
# Let the status run that resolves the names finish before the flow.
sleep 3

# --- busy: $rate events/s --------------------------------------------------------
say "feeding $rate events/s for $((warm + busy)) s..."
"$py" "$util" feed "$group" 111122223333_CloudTrail_us-east-1 "$work/feed.jsonl" "$rate" \
    $((warm + busy)) > "$work/feed.out" 2> "$work/feed.err" &
feeder=$!
on_exit "kill $feeder 2>/dev/null"
sleep "$warm"
c0=$(cpu_of "$pid") w0=$(now)
sleep "$busy"
c1=$(cpu_of "$pid") w1=$(now)
tm capture-pane -p -t "$session" > "$work/screen-busy.txt" 2>/dev/null
wait "$feeder"
feed_status=$?
read -r fed fed_s < "$work/feed.out" 2>/dev/null || { fed=0; fed_s=0; }
{ [ -n "$c0" ] && [ -n "$c1" ]; } || na "the console exited during the flow"
busy_cpu=$(per_s "$c0" "$c1" "$w0" "$w1")

# --- idle ---------------------------------------------------------------------------
sleep "$drain"
c2=$(cpu_of "$pid") w2=$(now)
sleep "$idle"
c3=$(cpu_of "$pid") w3=$(now)
{ [ -n "$c2" ] && [ -n "$c3" ]; } || na "the console exited while idle"
idle_cpu=$(per_s "$c2" "$c3" "$w2" "$w3")
tm capture-pane -p -t "$session" > "$work/screen-idle.txt" 2>/dev/null
total_cpu=$(cpu_of "$pid")
rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)

echo
echo "console (s3watch console --view monitor, tmux 120x40), sandbox moto directly"
printf 'startup to first frame:     %s s\n' "$startup"
printf 'feed:                       %s events in %s s (%s events/s asked; exit %s)\n' "$fed" "$fed_s" \
    "$rate" "$feed_status"
printf 'cpu while fed:              %s cpu s per wall s (%s s window)\n' "$busy_cpu" \
    "$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", b - a }')"
printf 'cpu idle:                   %s cpu s per wall s (%s s window, %d s after the flow)\n' "$idle_cpu" \
    "$(awk -v a="$w2" -v b="$w3" 'BEGIN { printf "%.1f", b - a }')" "$drain"
printf 'console total cpu %s s, peak RSS %s MiB\n' "$total_cpu" "$(awk -v k="${rss:-0}" 'BEGIN { printf "%.1f", k / 1024 }')"
echo "screen during the flow (first lines):"
sed '/^ *$/d; s/^/  | /' "$work/screen-busy.txt" | head -12
result ui_status ok
result ui_startup_s "$startup"
result ui_rate "$rate"
result ui_fed "$fed"
result ui_fed_s "$fed_s"
result ui_busy_cpu "$busy_cpu"
result ui_idle_cpu "$idle_cpu"
result ui_rss_kib "${rss:-0}"
exit 0
