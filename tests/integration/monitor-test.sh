#!/bin/bash
# The monitoring engine against the sandbox: every event delivered once
# (with throttling, 5xx, resets and slow answers injected), resume from the
# checkpoint, late events, hostile events, acks shared between consoles,
# and test-publish reaching the topic.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/console-a
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
gen() { "$S3WATCH_PYTHON" "$top_srcdir/tests/bench/gen-events.py" --seed "$1" --count "$2"; }
logput() { "$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$@" >/dev/null; }
ids() { "$S3WATCH_PYTHON" -c '
import json, sys
for line in sys.stdin:
    line = line.strip()
    if line:
        print(json.loads(line).get("eventID", "-"))' | sort; }
group=/aws/cloudtrail/s3-security-monitoring
monitor() { run "$S3WATCH" monitor --group "$group" --since 1h --json --poll 200 "$@"; }

# 600 records over two streams, written as CloudTrail would.
gen 1 400 > "$SANDBOX_TMPDIR/a.jsonl"
gen 2 200 > "$SANDBOX_TMPDIR/b.jsonl"
logput "$group" 123456789012_CloudTrail_us-east-1 "$SANDBOX_TMPDIR/a.jsonl" --ago-ms 600000
logput "$group" 123456789012_CloudTrail_eu-west-1 "$SANDBOX_TMPDIR/b.jsonl" --ago-ms 300000
cat "$SANDBOX_TMPDIR/a.jsonl" "$SANDBOX_TMPDIR/b.jsonl" | ids > "$SANDBOX_TMPDIR/written"
check_eq "the generator wrote 600 distinct records" 600 "$(sort -u "$SANDBOX_TMPDIR/written" | wc -l)"

# --- every event once, in pages, through faults -------------------------------
monitor --no-resume --page-limit 50
check_eq "monitor exits 0" 0 "$status"
printf '%s\n' "$output" | grep '^{' | ids > "$SANDBOX_TMPDIR/seen"
check_eq "monitor delivers the set written" "" "$(diff "$SANDBOX_TMPDIR/written" "$SANDBOX_TMPDIR/seen")"

fault '{"kind":"throttle","service":"logs","action":"FilterLogEvents","count":3}' \
	'{"kind":"500","service":"logs","action":"FilterLogEvents","count":2}' \
	'{"kind":"reset","service":"logs","action":"FilterLogEvents","count":2}' \
	'{"kind":"slow","service":"logs","action":"FilterLogEvents","count":2,"delay_ms":1500}' \
	'{"kind":"503","service":"logs","action":"FilterLogEvents","count":1}'
monitor --no-resume --page-limit 37
check_eq "monitor exits 0 through faults" 0 "$status"
printf '%s\n' "$output" | grep '^{' | ids > "$SANDBOX_TMPDIR/seen"
check_eq "no event lost or duplicated through faults" "" "$(diff "$SANDBOX_TMPDIR/written" "$SANDBOX_TMPDIR/seen")"
check_eq "every fault was injected" 10 "$(( $(sandbox_stats faults throttle) + $(sandbox_stats faults 500) + $(sandbox_stats faults reset) + $(sandbox_stats faults slow) + $(sandbox_stats faults 503) ))"
faults_clear

# --- resume from the checkpoint -------------------------------------------------
check_eq "the checkpoint is private" 600 "$(stat -c %a "$S3WATCH_STATE_DIR/checkpoint.json")"
monitor
# It must have run and read the group: exit 0 and its totals line; only
# then does "no event printed" mean "nothing repeated".
check_eq "a resumed run exits 0" 0 "$status"
check_contains "a resumed run read the group" "0 events, 0 rule hits" "$output"
check_eq "and asked AWS" 1 "$(printf '%s\n' "$output" | grep -cE ' [1-9][0-9]* calls,')"
check_eq "a resumed run repeats nothing" 0 "$(printf '%s\n' "$output" | grep -c '^{')"
gen 3 50 > "$SANDBOX_TMPDIR/c.jsonl"
logput "$group" 123456789012_CloudTrail_us-east-1 "$SANDBOX_TMPDIR/c.jsonl" --ago-ms 5000 --spread-ms 1000
# CloudTrail is late and out of order: one record 8 minutes old arrives now.
gen 4 1 > "$SANDBOX_TMPDIR/late.jsonl"
logput "$group" 123456789012_CloudTrail_ap-south-1 "$SANDBOX_TMPDIR/late.jsonl" --ago-ms 480000 --spread-ms 1
monitor
printf '%s\n' "$output" | grep '^{' | ids > "$SANDBOX_TMPDIR/seen"
cat "$SANDBOX_TMPDIR/c.jsonl" "$SANDBOX_TMPDIR/late.jsonl" | ids > "$SANDBOX_TMPDIR/new"
check_eq "a resumed run delivers exactly the new and the late events" "" "$(diff "$SANDBOX_TMPDIR/new" "$SANDBOX_TMPDIR/seen")"

# A kill -9 loses no event: the next run picks up from the last checkpoint.
gen 5 30 > "$SANDBOX_TMPDIR/d.jsonl"
logput "$group" 123456789012_CloudTrail_us-east-1 "$SANDBOX_TMPDIR/d.jsonl" --ago-ms 2000 --spread-ms 500
"$S3WATCH" monitor --group "$group" --follow --json --poll 200 > "$SANDBOX_TMPDIR/killed.out" 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do
	[ "$(grep -c '^{' "$SANDBOX_TMPDIR/killed.out")" -ge 30 ] && break
	sleep 0.1
done
kill -9 "$pid"; wait "$pid" 2>/dev/null
monitor
cat "$SANDBOX_TMPDIR/killed.out" > "$SANDBOX_TMPDIR/both"
printf '%s\n' "$output" | grep '^{' >> "$SANDBOX_TMPDIR/both"
check_eq "a killed follower plus its restart lose nothing" "" \
	"$(diff <(ids < "$SANDBOX_TMPDIR/d.jsonl") <(grep '^{' "$SANDBOX_TMPDIR/both" | ids | sort -u))"

# --- hostile events -------------------------------------------------------------
{
	echo 'not json at all {'
	printf '{"eventID":"esc-1","eventTime":"2026-11-24T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"10.0.0.1","requestParameters":{"bucketName":"b","key":"x\\u001b[2Jy\\u009b31m"},"userIdentity":{"arn":"arn:aws:iam::123456789012:user/a\\u0007"}}\n'
	"$S3WATCH_PYTHON" -c 'import json; print(json.dumps({"eventID": "big-1", "eventName": "GetObject", "eventSource": "s3.amazonaws.com", "requestParameters": {"key": "k" * 250000}}))'
} > "$SANDBOX_TMPDIR/bad.jsonl"
logput "$group" 123456789012_CloudTrail_us-east-1 "$SANDBOX_TMPDIR/bad.jsonl" --ago-ms 1000 --spread-ms 10
monitor
check_eq "hostile events do not stop the monitor" 0 "$status"
check_contains "a malformed line is shown as such" '"malformed":true' "$output"
check_contains "the escape event is shown" '"eventID":"esc-1"' "$output"
check_contains "the big event is shown" '"eventID":"big-1"' "$output"
check_eq "no raw ESC reaches the output" 0 "$(printf '%s' "$output" | grep -c $'\033')"
run "$S3WATCH" monitor --group "$group" --since 1h --no-resume --poll 200 --hits
check_eq "text mode has no raw ESC" 0 "$(printf '%s' "$output" | grep -c $'\033')"

# --- alerts, acks across consoles, publish ----------------------------------------
cat > "$SANDBOX_TMPDIR/admin.jsonl" <<'EOF'
{"eventVersion":"1.09","eventID":"del-1","eventTime":"2026-11-24T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"us-east-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012"},"requestParameters":{"bucketName":"secure-docs"},"responseElements":null,"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
EOF
logput "$group" 123456789012_CloudTrail_us-east-1 "$SANDBOX_TMPDIR/admin.jsonl" --ago-ms 500 --spread-ms 1
run "$S3WATCH" alerts list
check_eq "alerts list exits 0" 0 "$status"
check_contains "the DeleteBucket alert is open" "arn:aws:iam::123456789012:user/mallory" "$output"
alert=$(printf '%s\n' "$output" | grep 'user/mallory' | head -1 | cut -d' ' -f1)
check_eq "the alert has an id of 16 hex digits" 16 "${#alert}"
run "$S3WATCH" alerts ack "$alert" --note "change ticket 42"
check_eq "ack exits 0" 0 "$status"
check_contains "ack names who" "acknowledged $alert" "$output"
check_eq "the journal is private" 600 "$(stat -c %a "$S3WATCH_STATE_DIR/journal.jsonl")"
check_contains "the ack is in the team's stream" "change ticket 42" \
	"$(awscli logs get-log-events --log-group-name "$group" --log-stream-name s3watch-acks --query 'events[].message' --output text)"
# A second console, with its own state, sees the ack.
S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/console-b run "$S3WATCH" alerts list --all
check_contains "another console sees the ack" "[acked by" "$output"
check_contains "another console sees the note" "change ticket 42" "$output"
run "$S3WATCH" alerts list
check_eq "an acknowledged alert is no longer open" 0 "$(printf '%s\n' "$output" | grep -c "^$alert")"

topic=$(awscli sns create-topic --name s3watch-test-topic --query TopicArn --output text)
queue=$(awscli sqs create-queue --queue-name s3watch-test-q --query QueueUrl --output text)
qarn=$(awscli sqs get-queue-attributes --queue-url "$queue" --attribute-names QueueArn --query Attributes.QueueArn --output text)
awscli sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "$qarn" >/dev/null
run "$S3WATCH" alerts test-publish --set topic=s3watch-test-topic
check_eq "test-publish exits 0" 0 "$status"
msg=$(awscli sqs receive-message --queue-url "$queue" --max-number-of-messages 10 --query 'Messages[].Body' --output text)
check_contains "the test alert reached the topic" "s3watch TEST" "$msg"
check_contains "the test alert says it is a test" "This is a test alert" "$msg"
run "$S3WATCH" alerts publish "$alert" --set topic=s3watch-test-topic
check_eq "publish exits 0" 0 "$status"
msg=$(awscli sqs receive-message --queue-url "$queue" --max-number-of-messages 10 --query 'Messages[].Body' --output text)
check_contains "the alert reached the topic" "user/mallory" "$msg"
run "$S3WATCH" alerts publish "$alert" --set topic=no-such-topic
check_eq "publishing to a missing topic fails" 1 "$status"
check_contains "the failure is named" "publish failed" "$output"
run "$S3WATCH" alerts ack zzzzzzzz
check_eq "acking an unknown alert fails" 1 "$status"
check_contains "the unknown alert is named" "no alert 'zzzzzzzz'" "$output"

# --- bad arguments and a missing group ---------------------------------------------
run "$S3WATCH" monitor --since yesterday
check_eq "a bad --since exits 2" 2 "$status"
check_contains "a bad --since is explained" "--since 'yesterday'" "$output"
run "$S3WATCH" monitor --group /no/such/group --since 1h --no-resume --poll 200
check_eq "a missing group fails" 1 "$status"
check_contains "a missing group is named" "ResourceNotFoundException" "$output"

finish
