#!/bin/bash
# No alert lost, silenced or forged ([2.1]): future-stamped records, records
# that arrive later than the overlap, acks that cover only what was seen,
# acks planted or forged in the team's stream, a console with a fast clock,
# a full disk under the journal, and counts that survive a restart.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/console-a
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
group=/aws/cloudtrail/s3-security-monitoring
acct=123456789012
stream=${acct}_CloudTrail_us-east-1
t=$SANDBOX_TMPDIR
logput() { "$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$@" >/dev/null; }

# rec ID PRINCIPAL OFFSET_S [EVENT]: a CloudTrail record stamped now+OFFSET_S.
rec() {
	"$S3WATCH_PYTHON" - "$@" <<'EOF'
import json, sys, time
ident, who, off = sys.argv[1], sys.argv[2], int(sys.argv[3])
name = sys.argv[4] if len(sys.argv) > 4 else "DeleteBucket"
t = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + off))
print(json.dumps({"eventVersion": "1.09", "eventID": ident, "eventTime": t,
    "eventSource": "s3.amazonaws.com", "eventName": name,
    "awsRegion": "us-east-1", "sourceIPAddress": "10.1.2.3",
    "userAgent": "aws-cli/2", "userIdentity": {"type": "IAMUser",
    "arn": "arn:aws:iam::123456789012:user/" + who, "accountId": "123456789012"},
    "requestParameters": {"bucketName": "secure-docs"}, "readOnly": False,
    "eventType": "AwsApiCall", "recipientAccountId": "123456789012"}))
EOF
}
# put ID PRINCIPAL OFFSET_S [EVENT]: write that record, stamped as it says.
put() {
	rec "$@" > "$t/one.jsonl"
	logput "$group" "$stream" "$t/one.jsonl" --ago-ms "$(( -1000 * $3 ))" --spread-ms 1
}
# ack_json RULE KEY WHO CALLER OFFSET_S [MAC]: an ack as a console writes it,
# claiming to cover everything up to now+OFFSET_S.
ack_json() {
	"$S3WATCH_PYTHON" - "$@" <<'EOF'
import json, sys, time
rule, key, who, caller, off = sys.argv[1:6]
ms = int((time.time() + int(off)) * 1000)
o = {"type": "ack", "v": 2, "rule": rule, "key": key, "who": who,
     "caller": caller, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
     time.gmtime(ms / 1000)), "note": "planted", "covers_ms": ms, "seen_ms": ms}
if len(sys.argv) > 6:
    o["mac"] = sys.argv[6]
print(json.dumps(o))
EOF
}
mon() { run "$S3WATCH" monitor --group "$group" --since 1h --json --poll 200 "$@"; }
alerts() { run "$S3WATCH" alerts --group "$group" --poll 200 "$@"; }
ids() { printf '%s\n' "$1" | grep '^{' | "$S3WATCH_PYTHON" -c '
import json, sys
for l in sys.stdin:
    print(json.loads(l).get("eventID", "-"))' | sort | tr '\n' ' '; }
# alert_field KEY FIELD: FIELD of the alert of KEY, from alerts list --all --json.
alert_field() {
	alerts list --all --json
	printf '%s\n' "$output" | grep '^{' | "$S3WATCH_PYTHON" -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    if o.get("rule") == "s3-bucket-deleted" and \
            o.get("key", "").endswith("/" + sys.argv[1]):
        print(o.get(sys.argv[2], ""))' "$1" "$2"
}

# --- 1. one future-stamped record blinds nothing ------------------------------
put first-1 alice -60
mon
check_eq "a first run sees the record" "first-1 " "$(ids "$output")"
# A record stamped an hour ahead (a fast clock, or anyone with PutLogEvents).
put future-1 alice 3600 GetObject
mon
check_eq "the future-stamped record is shown" "future-1 " "$(ids "$output")"
check_contains "and counted" "1 future-stamped" "$output"
put now-1 mallory 0
mon
check_eq "a DeleteBucket after it is not taken for already seen" "now-1 " "$(ids "$output")"

# The same through a follower.
"$S3WATCH" monitor --group "$group" --follow --json --poll 200 > "$t/follow.out" 2> "$t/follow.err" &
pid=$!
put future-2 alice 5400 GetObject
for _ in $(seq 1 100); do grep -q future-2 "$t/follow.out" && break; sleep 0.1; done
put now-2 mallory 0
for _ in $(seq 1 150); do grep -q now-2 "$t/follow.out" && break; sleep 0.1; done
kill -TERM "$pid"; wait "$pid"
check_eq "monitor --follow shows the future-stamped record" 1 "$(grep -c future-2 "$t/follow.out")"
check_eq "monitor --follow shows the DeleteBucket after it" 1 "$(grep -c now-2 "$t/follow.out")"
check_contains "the follower counts it" "1 future-stamped" "$(cat "$t/follow.err")"

# --- 2. records that reach CloudWatch later than the overlap --------------------
# Stamped 40 minutes ago, written now: past the 15-minute overlap.
put late-1 mallory -2400
mon
check_eq "a resumed run reaches back for a late record" "late-1 " "$(ids "$output")"
check_contains "and counts it as late" "1 late" "$output"
S3WATCH_LATE_SWEEP_MS=1500 "$S3WATCH" monitor --group "$group" --follow --json --poll 200 > "$t/follow.out" 2> "$t/follow.err" &
pid=$!
sleep 1
put late-2 mallory -3000
for _ in $(seq 1 150); do grep -q late-2 "$t/follow.out" && break; sleep 0.1; done
kill -TERM "$pid"; wait "$pid"
check_eq "a follower's deep sweep finds a record 50 minutes late" 1 "$(grep -c late-2 "$t/follow.out")"
check_eq "it is delivered once" "late-2 " "$(ids "$(cat "$t/follow.out")")"

# --- 3. an ack covers what was seen; a hit after it reopens -----------------------
alerts list
check_contains "mallory's DeleteBucket alert is open" "user/mallory" "$output"
id=$(printf '%s\n' "$output" | grep 's3-bucket-deleted.*user/mallory' | head -1 | cut -d' ' -f1)
check_eq "the id has 16 hex digits" 16 "$(printf '%s' "$id" | tr -cd '0-9a-f' | wc -c)"
check_eq "counts survive restarts (4 hits so far)" 4 "$(alert_field mallory count)"
alerts ack "$id" --note "change 42"
check_eq "ack exits 0" 0 "$status"
alerts list
check_eq "an acked alert is not listed as open" 0 "$(printf '%s\n' "$output" | grep -c 'user/mallory')"
check_eq "the count is kept after the ack" 4 "$(alert_field mallory count)"
alerts list --all
check_eq "no ']' on a line of its own" 0 "$(printf '%s\n' "$output" | grep -cx '\]')"
check_contains "an acked alert says so, with the note" "[acked by $(id -un)@$(hostname): change 42]" "$output"
put after-ack-1 mallory 0
alerts list
check_contains "a hit after the ack reopens the alert" "user/mallory" "$output"
check_contains "and says after whose ack" "reopened after ack by" "$output"
check_eq "the reopened alert keeps its id" 1 "$(printf '%s\n' "$output" | grep -c "^$id ")"
check_eq "and its count goes on" 5 "$(alert_field mallory count)"
check_eq "the reopening is journalled" 1 "$(grep -c '"state":"reopened"' "$S3WATCH_STATE_DIR/journal.jsonl")"
# Another console, with its own state, sees the reopened alert too.
S3WATCH_STATE_DIR=$t/console-b alerts list
check_contains "another console sees it reopened" "reopened after ack by" "$output"

# --- 4. acks planted in the team's stream ------------------------------------------
# Before any hit, claiming to cover the next hour: it must not pre-acknowledge.
ack_json s3-bucket-deleted "arn:aws:iam::$acct:user/eve" boss@host \
	"arn:aws:iam::$acct:user/boss" 3600 > "$t/ack.jsonl"
logput "$group" s3watch-acks "$t/ack.jsonl" --ago-ms 0 --spread-ms 1
alerts list
check_contains "an ack for an alert not seen is ignored" "for an alert not seen here" "$output"
put eve-1 eve 0
alerts list
check_contains "eve's DeleteBucket is open despite the planted ack" "user/eve" "$output"
check_eq "and it is not acknowledged" open "$(alert_field eve state)"

# A console with a clock an hour fast acks mallory's alert: its ack covers
# only what reached CloudWatch before it, so the next hit reopens.
alerts ack "$id"
ack_json s3-bucket-deleted "arn:aws:iam::$acct:user/mallory" fast@host \
	"arn:aws:iam::$acct:user/fast" 3600 > "$t/ack.jsonl"
logput "$group" s3watch-acks "$t/ack.jsonl" --ago-ms -3600000 --spread-ms 1
alerts list
check_eq "mallory's alert is acked" 0 "$(printf '%s\n' "$output" | grep -c 'user/mallory')"
put after-fast-1 mallory 0
alerts list
check_contains "a hit after a fast-clock ack reopens" "user/mallory" "$output"
check_contains "naming the fast console" "reopened after ack by fast@host" "$output"

# An ack from another account's caller, or with no caller, is suspect.
ack_json s3-bucket-deleted "arn:aws:iam::$acct:user/eve" boss@host \
	"arn:aws:iam::999999999999:user/boss" 0 > "$t/ack.jsonl"
logput "$group" s3watch-acks "$t/ack.jsonl" --ago-ms 0 --spread-ms 1
alerts list
check_contains "an ack by another account's caller is suspicious" "suspicious ack by boss@host not applied" "$output"
check_eq "eve's alert stays open" open "$(alert_field eve state)"

# --- 5. the team's key: signed acks apply, unsigned ones do not -------------------
run "$S3WATCH" alerts keygen
check_eq "keygen exits 0" 0 "$status"
check_eq "the key is private" 600 "$(stat -c %a "$S3WATCH_STATE_DIR/ack.key")"
run "$S3WATCH" alerts keygen
check_eq "keygen keeps an existing key" 1 "$status"
mkdir -p "$t/console-c"
cp "$S3WATCH_STATE_DIR/ack.key" "$t/console-c/ack.key"
chmod 600 "$t/console-c/ack.key"
S3WATCH_STATE_DIR=$t/console-c alerts list
cid=$(printf '%s\n' "$output" | grep 's3-bucket-deleted.*user/eve' | head -1 | cut -d' ' -f1)
S3WATCH_STATE_DIR=$t/console-c alerts ack "$cid" --note "signed by c"
check_eq "console c acks eve's alert" 0 "$status"
check_eq "console a believes the signed ack" acked "$(alert_field eve state)"
put eve-2 eve 0
ack_json s3-bucket-deleted "arn:aws:iam::$acct:user/eve" boss@host \
	"arn:aws:iam::$acct:user/boss" 0 > "$t/ack.jsonl"
logput "$group" s3watch-acks "$t/ack.jsonl" --ago-ms 0 --spread-ms 1
alerts list
check_contains "an unsigned ack is suspicious where the team has a key" "no valid signature" "$output"
check_contains "and eve's new hit stays open" "user/eve" "$output"

# --- 6. a full disk under the journal ---------------------------------------------
# The journal cannot grow (RLIMIT_FSIZE below its size); the checkpoint could.
head -c 300000 /dev/zero | tr '\0' ' ' > "$t/pad"
printf '{"type":"pad","x":"%s"}\n' "$(cat "$t/pad")" >> "$S3WATCH_STATE_DIR/journal.jsonl"
cp "$S3WATCH_STATE_DIR/checkpoint.json" "$t/checkpoint.before"
put full-1 oscar 0
size=$(( $(stat -c %s "$S3WATCH_STATE_DIR/journal.jsonl") / 1024 ))
run bash -c "trap '' XFSZ; ulimit -f $size; exec \"\$0\" \"\$@\"" "$S3WATCH" monitor --group "$group" --json --poll 200
check_eq "a journal that cannot be written fails the run" 1 "$status"
check_contains "saying why" "could not be journalled" "$output"
check_eq "the checkpoint did not advance" "" "$(cmp "$t/checkpoint.before" "$S3WATCH_STATE_DIR/checkpoint.json" 2>&1)"
alerts list
check_contains "once the disk has room, the alert is there" "user/oscar" "$output"
check_eq "and journalled" 1 "$(grep -c 'user/oscar' "$S3WATCH_STATE_DIR/journal.jsonl")"

finish
