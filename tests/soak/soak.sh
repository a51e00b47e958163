#!/bin/bash
# Soak: the sandbox with 1% of calls faulted (throttling, 5xx, resets, slow
# answers), the traffic generator at full rate, a follower
# (`s3watch monitor --follow`) and the console in tmux, for SOAK_MINUTES
# (default 30).  Acks are made every minute.  An adversarial writer
# (adversary.py) plants and forges acks, writes records stamped up to two
# hours ahead and look-alike principals, around real hits of its own (the
# sentinels).  The team shares an ack key, as a hardened deployment does.
# At the end it prints: events written and seen, lost and duplicated, the
# follower's memory over time, acks made and kept, sentinels lost and
# silenced, and whether the console is still alive.  It reports; it does
# not judge performance (shared machines are noisy), but exits 1 on a lost
# or duplicated event, a lost ack, a lost or silenced sentinel, or a dead
# process.
#
#   S3WATCH=./s3watch SOAK_MINUTES=30 tests/soak/soak.sh
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
S3WATCH=${S3WATCH:-./s3watch}
S3WATCH=$(cd "$(dirname "$S3WATCH")" && pwd)/$(basename "$S3WATCH")
minutes=${SOAK_MINUTES:-30}
rate=${SOAK_RATE:-40}
. "$top_srcdir/tests/integration/lib.sh"
unset AWS_CA_BUNDLE
sandbox_up
S3WATCH_PYTHON=${S3WATCH_PYTHON:-$(command -v python3)}
export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
cat > "$SANDBOX_TMPDIR/soak.conf" <<'CONF'
suffix = "soak";
require_tls = false;
alert_email = "oncall@example.com";
CONF
export S3WATCH_CONFIG=$SANDBOX_TMPDIR/soak.conf
group=/aws/cloudtrail/s3-security-monitoring
out=$SANDBOX_TMPDIR/soak
mkdir -p "$out" "$S3WATCH_STATE_DIR" "$SANDBOX_TMPDIR/console"
chmod 700 "$S3WATCH_STATE_DIR" "$SANDBOX_TMPDIR/console"
"$S3WATCH" alerts keygen > /dev/null || { echo "soak: keygen failed"; exit 1; }
cp "$S3WATCH_STATE_DIR/ack.key" "$SANDBOX_TMPDIR/console/ack.key"

"$S3WATCH" setup --yes > "$out/setup.txt" 2>&1 || { echo "soak: setup failed"; cat "$out/setup.txt"; exit 1; }
_control POST cloudtrail '{"delay_ms":2000}' >/dev/null
# 1% of every call, every service: four kinds, a quarter each.
fault '{"kind":"throttle","probability":0.0025,"count":-1,"seed":1}' \
	'{"kind":"500","probability":0.0025,"count":-1,"seed":2}' \
	'{"kind":"reset","probability":0.0025,"count":-1,"seed":3}' \
	'{"kind":"slow","probability":0.0025,"count":-1,"seed":4,"delay_ms":1500}'

"$S3WATCH_PYTHON" "$top_srcdir/tests/sandbox/traffic.py" --bucket secure-docs-soak \
	--rate "$rate" --duration $((minutes * 60)) --scenario mixed --quiet \
	> "$out/traffic.json" 2> "$out/traffic.err" &
traffic=$!
"$S3WATCH_PYTHON" "$top_srcdir/tests/soak/adversary.py" --group "$group" \
	--duration $((minutes * 60 - 30)) --every 20 --out "$out/sentinels.jsonl" \
	2> "$out/adversary.err" &
adversary=$!
"$S3WATCH" monitor --follow --json --since 10m --poll 1000 > "$out/monitor.jsonl" 2> "$out/monitor.err" &
follower=$!
on_exit "kill $traffic $adversary $follower 2>/dev/null"
console=no
if command -v tmux >/dev/null; then
	tmux -L s3w-soak new-session -d -x 120 -y 40 \
		"env S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/console S3WATCH_CONFIG=$S3WATCH_CONFIG $(env | grep -E '^(AWS_|S3WATCH_RULES|S3WATCH_SANDBOX)' | sed 's/^/export /; s/$/;/' | tr '\n' ' ') $S3WATCH console --view monitor" 2>/dev/null && console=yes
	on_exit "tmux -L s3w-soak kill-server 2>/dev/null"
fi

rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
acked=()
start=$(date +%s)
printf '%-8s %-10s %-10s %s\n' minute events rss_kb acks > "$out/timeline.txt"
for ((m = 1; m <= minutes; m++)); do
	sleep 60
	# The newest alert that is not the adversary's (those must stay open).
	id=$("$S3WATCH" alerts list --json 2>/dev/null | "$S3WATCH_PYTHON" -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if "adv-" not in o["key"]:
        print(o["id"]); break' 2>/dev/null)
	if [ -n "$id" ] && "$S3WATCH" alerts ack "$id" --note "soak minute $m" >/dev/null 2>&1; then
		acked+=("$id")
	fi
	printf '%-8s %-10s %-10s %s\n' "$m" "$(grep -c '^{' "$out/monitor.jsonl")" \
		"$(rss "$follower")" "${#acked[@]}" >> "$out/timeline.txt"
done
wait "$traffic" 2>/dev/null
wait "$adversary" 2>/dev/null
faults_clear
_control POST cloudtrail '{"flush":true}' >/dev/null
sleep 20	# two or three polls past the last delivery
follower_alive=no; kill -0 "$follower" 2>/dev/null && follower_alive=yes
console_alive=no
[ "$console" = yes ] && tmux -L s3w-soak has-session 2>/dev/null && console_alive=yes
kill -TERM "$follower"; wait "$follower" 2>/dev/null

# What reached the log group, read straight from moto, against what the
# follower printed.
"$S3WATCH_PYTHON" - "$S3WATCH_SANDBOX_MOTO_URL" "$group" > "$out/written" <<'PY'
import sys, json, botocore.session
logs = botocore.session.get_session().create_client(
    "logs", region_name="us-east-1", endpoint_url=sys.argv[1])
token = None
while True:
    kw = {"logGroupName": sys.argv[2], "limit": 10000}
    if token: kw["nextToken"] = token
    r = logs.filter_log_events(**kw)
    for e in r["events"]:
        if e["logStreamName"] == "s3watch-acks": continue
        try: print(json.loads(e["message"])["eventID"])
        except Exception: pass
    token = r.get("nextToken")
    if not token: break
PY
"$S3WATCH_PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    try: print(json.loads(line)["eventID"])
    except Exception: pass' "$out/monitor.jsonl" > "$out/seen"
written=$(sort -u "$out/written" | wc -l)
seen_lines=$(wc -l < "$out/seen")
seen=$(sort -u "$out/seen" | wc -l)
lost=$(comm -23 <(sort -u "$out/written") <(sort -u "$out/seen") | wc -l)
dups=$((seen_lines - seen))
kept=0
list=$("$S3WATCH" alerts list --all --json 2>/dev/null)
for id in "${acked[@]}"; do
	printf '%s\n' "$list" | grep "\"id\":\"$id\"" | grep -q '"ack_who"' && kept=$((kept + 1))
done
faults=$(sandbox_stats faults)
# Every sentinel seen by the follower, and its alert open (only forged acks
# ever named it).
read -r sentinels lost_hits silenced < <(printf '%s\n' "$list" | "$S3WATCH_PYTHON" -c '
import json, sys
alerts = {}
for line in sys.stdin:
    try: o = json.loads(line)
    except Exception: continue
    if o.get("rule") == "s3-watched-bucket-deleted": alerts[o["key"]] = o
seen = set(open(sys.argv[2]).read().split())
n = lost = silenced = 0
for line in open(sys.argv[1]):
    s = json.loads(line); n += 1
    if s["eventID"] not in seen: lost += 1
    a = alerts.get("arn:aws:iam::123456789012:user/" + s["principal"])
    if a is None or a.get("state") == "acked": silenced += 1
print(n, lost, silenced)' "$out/sentinels.jsonl" "$out/seen")

echo "soak: $minutes minutes, traffic at $rate requests/s, 1% of calls faulted"
echo "faults injected: $faults"
echo "events written to the log group: $written; seen by the follower: $seen; lost: $lost; duplicated: $dups"
echo "acks made: ${#acked[@]}; kept: $kept"
echo "adversary: $sentinels sentinel hits; lost: $lost_hits; silenced: $silenced"
echo "follower alive at the end: $follower_alive; console alive at the end: $console_alive"
echo "follower memory (VmRSS kB) by minute:"
cat "$out/timeline.txt"
[ "$lost" -eq 0 ] && [ "$dups" -eq 0 ] && [ "$kept" -eq "${#acked[@]}" ] &&
	[ "${sentinels:-0}" -gt 0 ] && [ "$lost_hits" -eq 0 ] && [ "$silenced" -eq 0 ] &&
	[ "$follower_alive" = yes ] && { [ "$console" = no ] || [ "$console_alive" = yes ]; }
