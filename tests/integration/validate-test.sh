#!/bin/bash
# The four validation tests against the sandbox (moto + the proxy, which
# delivers CloudTrail records and answers LookupEvents): results, evidence
# and timeouts.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
# The sandbox is plain HTTP: buckets that refuse it could not be read.
sets=(--set require_tls=false --set alert_email=ops@example.com)
_control POST cloudtrail '{"delay_ms":300}' >/dev/null
run "$S3WATCH" setup --yes "${sets[@]}"
check_eq "setup exits 0" 0 "$status"
# The operator clicks the link in the confirmation mail (AWS keeps an
# e-mail subscription pending until then).
_control POST awslike/confirm '{}' >/dev/null

run "$S3WATCH" validate --wait 30 --poll 300 "${sets[@]}"
check_contains "test 1 sees access logs delivered" "access logs are delivered" "$output"
# The sandbox proxy writes S3's format (tests/sandbox/s3accesslog.py).
check_contains "test 1 parses what was delivered" \
	"log line(s) parsed (0 malformed), up to 27 fields, including the test object's upload" "$output"
check_contains "test 2 finds management events" "management event(s) name secure-docs-" "$output"
check_contains "test 3 sees the canary's three events" "the three canary data events reached" "$output"
check_contains "test 3 measures the delivery latency" "delivery latency:" "$output"
check_contains "test 3 runs the local rules" "the local rules fired" "$output"
check_contains "test 4 finds the dashboard" "dashboard S3SecurityMonitoring-" "$output"
check_contains "test 4 says what it could not check" "not checked: TestEventPattern" "$output"
check_contains "test 4 counts confirmed subscriptions" "1 confirmed subscription(s)" "$output"
check_contains "test 4 publishes a test alert" "a test alert was published" "$output"
check_contains "the four tests pass" "4 passed, 0 not" "$output"
check_eq "so the command exits 0" 0 "$status"

run "$S3WATCH" validate --only canary --json --wait 30 --poll 300 "${sets[@]}"
check_eq "the canary alone passes" 0 "$status"
check_contains "JSON lines carry the result" '"result":"PASS"' "$output"
check_eq "every line is JSON" 0 "$(printf '%s\n' "$output" | grep -vc '^{')"

# With the trail stopped, nothing is delivered: the canary times out.
awscli cloudtrail stop-logging --name s3-security-monitoring-trail
run "$S3WATCH" validate --only 3 --wait 2 --poll 300 "${sets[@]}"
check_eq "a timed-out canary fails the command" 1 "$status"
check_contains "the canary ends TIMEOUT" "= TIMEOUT" "$output"
check_contains "the timeout says what was missing" "did not reach /aws/cloudtrail/s3-security-monitoring within 2 s" "$output"

run "$S3WATCH" validate --only 9
check_eq "an unknown test exits 2" 2 "$status"
check_contains "an unknown test is named" "no test '9'" "$output"
finish
