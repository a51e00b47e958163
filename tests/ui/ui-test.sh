#!/bin/bash
# The full-screen console, driven for real inside tmux against the
# sandbox: the wizard runs all ten steps, the monitor flags a rule hit,
# alerts are acknowledged and a test alert published, the screen survives
# resizes, NO_COLOR and an event carrying escape sequences, and signals
# leave a checkpoint.  Every wait polls the screen with a bound; no check
# depends on timing.
set -u
. "$top_srcdir/tests/integration/lib.sh"
S3WATCH=${S3WATCH:-$PWD/s3watch}
if ! command -v tmux >/dev/null; then
	echo "FAIL: tmux is required for this test (apt-get install tmux)" >&2
	exit 1
fi
sandbox_up

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
export S3WATCH_POLL_MS=200 TERM=xterm-256color TZ=UTC LANG=C.UTF-8
export XDG_CONFIG_HOME=$SANDBOX_TMPDIR/xdg
unset NO_COLOR
group=/aws/cloudtrail/s3-security-monitoring
sock=s3w-test-$$
run_dir=$SANDBOX_TMPDIR/ui
mkdir -p "$run_dir"

tm() { tmux -L "$sock" "$@"; }
on_exit "tmux -L $sock kill-server 2>/dev/null"

# The console runs under a launcher that records its pid and exit status.
cat > "$run_dir/launch" <<LAUNCH
#!/bin/sh
sh -c 'echo \$\$ > "$run_dir/pid"; exec "\$@"' sh "\$@" 2> "$run_dir/stderr"
echo \$? > "$run_dir/status"
sleep 600
LAUNCH
chmod +x "$run_dir/launch"

# start [ENV=VALUE...] -- ARGS...: a fresh 80x24 tmux running s3watch ARGS.
start() {
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	tm kill-server 2>/dev/null
	rm -f "$run_dir/pid" "$run_dir/status" "$run_dir/stderr"
	# A server still shutting down can refuse the new session once.
	local try
	for try in 1 2 3 4 5; do
		env "${envs[@]}" tmux -L "$sock" new-session -d -x 80 -y 24 \
			"$run_dir/launch $S3WATCH $*" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "ui-test: tmux would not start a session" >&2
	return 1
}
screen() { tm capture-pane -p 2>/dev/null; }
keys() { tm send-keys "$@"; }
# wait_for TEXT [SECONDS]: until the screen shows TEXT (a fixed string).
wait_for() {
	local i
	for i in $(seq 1 $((${2:-10} * 10))); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# wait_re REGEX [SECONDS]
wait_re() {
	local i
	for i in $(seq 1 $((${2:-10} * 10))); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
wait_exit() {
	local i
	for i in $(seq 1 $((${1:-10} * 10))); do
		[ -s "$run_dir/status" ] && return 0
		sleep 0.1
	done
	return 1
}
# check_screen NAME TEXT [SECONDS]
check_screen() {
	if wait_for "$2" "${3:-10}"; then
		_ok "$1"
	else
		_not_ok "$1" "expected on screen: $2"$'\n'"$(screen)"
	fi
}
check_screen_re() {
	if wait_re "$2" "${3:-10}"; then
		_ok "$1"
	else
		_not_ok "$1" "expected on screen: /$2/"$'\n'"$(screen)"
	fi
}
# Colour in a capture: any SGR colour parameter (30-38, 40-48, 90-107).
colours() {
	tm capture-pane -e -p | "$S3WATCH_PYTHON" -c '
import re, sys
n = 0
for m in re.finditer(r"\x1b\[([0-9;]*)m", sys.stdin.read()):
    ps = [int(p) for p in m.group(1).split(";") if p]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p in (38, 48):
            n += 1
            i += 3 if i + 1 < len(ps) and ps[i + 1] == 5 else 5
            continue
        if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
            n += 1
        i += 1
print(n)'
}

# --- no setup yet: `s3watch` opens the wizard ------------------------------
start -- ""
check_screen "no arguments and no setup open the wizard" "Steps" 15
check_screen "the wizard lists the ten steps" "10 Logs Insights" 5
check_screen "the first status run finishes" "status finished" 60

# --- run all, confirmed ------------------------------------------------------
keys A
check_screen "run all asks first" "Run all ten steps?" 5
keys y
# allowed_cidrs is the shipped default: the wizard asks before deploying.
check_screen "the wizard asks for the networks S3 calls come from" "Allowed CIDRs for S3 calls" 5
keys -l "10.0.0.0/8, 198.51.100.0/24,300.1.1.1/8"
keys Enter
check_screen "a bad CIDR is refused, and asked again" "Allowed CIDRs for S3 calls" 5
keys -l "10.0.0.0/8, 198.51.100.0/24"
keys Enter
check_screen "the answer is saved" "saved allowed_cidrs in" 10
check_screen "the run ends" "run finished" 180
check_contains "the config file holds the networks" 'allowed_cidrs = ["10.0.0.0/8", "198.51.100.0/24"];' \
	"$(cat "$XDG_CONFIG_HOME/s3watch/s3watch.conf" 2>&1)"
steps=$(screen | sed -n '3,12p')
check_eq "every step shows done or warn" 10 \
	"$(printf '%s\n' "$steps" | grep -cE ' (done|warn) +││')"
check_eq "no step failed" 0 "$(printf '%s\n' "$steps" | grep -cE ' failed +││')"
check_eq "the run made no failure" 1 "$(screen | grep -c ' 0 failed')"

# --- the monitor: a rule hit, flagged on its row; an event with escapes -----
cat > "$run_dir/events.jsonl" <<'EVENTS'
{"eventVersion":"1.09","eventID":"ui-del-1","eventTime":"2026-11-24T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"us-east-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012"},"requestParameters":{"bucketName":"secure-docs"},"responseElements":null,"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}
{"eventID":"ui-esc-1","eventTime":"2026-11-24T10:00:01Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"10.9.9.9","requestParameters":{"bucketName":"b","key":"x\u001b[2J\u001b[Hwiped\u009b31m"},"userIdentity":{"arn":"arn:aws:iam::123456789012:user/eve\u0007"}}
EVENTS
"$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$group" \
	123456789012_CloudTrail_us-east-1 "$run_dir/events.jsonl" --ago-ms 2000 --spread-ms 10 >/dev/null
keys 2
check_screen "the monitor view opens" "TIME     EVENT" 5
check_screen_re "the rule id is on the hit's row" "DeleteBucket .*s3-bucket-deleted" 60
check_screen "the escape event is shown" "10.9.9.9" 30
check_eq "the header survives the escape event" 1 "$(screen | head -1 | grep -c 's3watch  1 Setup  2 Monitor')"
check_eq "the table header survives it" 1 "$(screen | grep -c 'TIME     EVENT')"
check_eq "its escapes are shown inert" 1 "$(screen | grep -c 'Hwiped?31m')"
# The detail pane pretty-prints the selected event's JSON.
keys k
keys Enter
check_screen "the detail pane shows the event's JSON" '"eventName": "DeleteBucket"' 5
keys Enter

# --- alerts: acknowledge with a note, test-publish ---------------------------
suffix=$("$S3WATCH_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["suffix"])' "$S3WATCH_STATE_DIR/ledger.json")
topic=$(awscli sns create-topic --name "s3-security-alerts-$suffix" --query TopicArn --output text)
queue=$(awscli sqs create-queue --queue-name s3watch-ui-q --query QueueUrl --output text)
qarn=$(awscli sqs get-queue-attributes --queue-url "$queue" --attribute-names QueueArn --query Attributes.QueueArn --output text)
awscli sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "$qarn" >/dev/null
keys 3
check_screen "the alerts view lists the alert" "s3-bucket-deleted" 10
keys g
for _ in $(seq 1 30); do
	screen | grep -qF 'high  Bucket deleted' && break
	keys j
	sleep 0.1
done
check_screen "the bucket-deleted alert is selected" "high  Bucket deleted" 2
alert=$(screen | grep -F 'high  Bucket deleted' | sed -E 's/^│ ([0-9a-f]{16}) .*/\1/')
keys a
check_screen "ack asks for a note" "note (Enter for none):" 5
keys -l "change ticket 42"
keys Enter
check_screen "the ack is confirmed" "acknowledged $alert" 20
keys v
check_screen "the acknowledged scope shows it" "showing acknowledged" 5
check_screen "the alert shows who acknowledged it" "change ticket 42" 5
check_contains "the ack reached the team's stream" "change ticket 42" \
	"$(awscli logs get-log-events --log-group-name "$group" --log-stream-name s3watch-acks --query 'events[].message' --output text)"
keys T
check_screen "test-publish is confirmed" "test alert published" 20
msg=$(awscli sqs receive-message --queue-url "$queue" --max-number-of-messages 10 --wait-time-seconds 2 --query 'Messages[].Body' --output text)
check_contains "the test alert reached the topic" "s3watch TEST" "$msg"

# --- resize -------------------------------------------------------------------
tm resize-window -x 60 -y 20
check_screen_re "at 60x20 the layout fits" "^ s3watch  1 Setup  2 Monitor  3 Alerts  4 Validate  5 Help *$" 5
check_screen "at 60x20 the alert box is drawn" "acknowledged by" 5
check_eq "nothing is drawn past column 60" 0 "$(screen | "$S3WATCH_PYTHON" -c '
import sys
print(sum(1 for l in sys.stdin.read().splitlines() if len(l) > 60))')"
tm resize-window -x 50 -y 15
check_screen "below 60x20 the guard shows" "terminal too small: 50x15" 5
tm resize-window -x 80 -y 24
check_screen "back at 80x24 the view returns" "SEVERITY" 5

# --- help, generated from the action table -------------------------------------
keys '?'
check_screen "? opens the help" "Everywhere" 5
keys G
check_screen "the help lists the alerts' keys" "test-publish" 5
check_screen "the help lists the validation keys" "Run all four tests" 5

# --- colour, then quit -----------------------------------------------------------
if [ "$(colours)" -gt 0 ]; then
	_ok "the colour theme is in use"
else
	_not_ok "the colour theme is in use" "$(tm capture-pane -e -p | head -3 | cat -v)"
fi
keys q
if wait_exit 15; then _ok "q quits"; else _not_ok "q quits" "$(screen)"; fi
check_eq "the console exits 0" 0 "$(cat "$run_dir/status" 2>/dev/null)"
check_eq "the checkpoint is saved" 600 "$(stat -c %a "$S3WATCH_STATE_DIR/checkpoint.json" 2>/dev/null)"

# --- setup done: `s3watch` opens the monitor ----------------------------------------
start -- ""
check_screen "with setup done, no arguments open the monitor" "TIME     EVENT" 15

# --- SIGTERM saves and restores ------------------------------------------------------
rm -f "$S3WATCH_STATE_DIR/checkpoint.json"
for _ in $(seq 1 50); do [ -s "$run_dir/pid" ] && break; sleep 0.1; done
check_screen "the monitor resolves the account" "ev/s" 10
kill -TERM "$(cat "$run_dir/pid")"
if wait_exit 15; then _ok "SIGTERM ends the console"; else _not_ok "SIGTERM ends the console" "$(screen)"; fi
check_eq "SIGTERM exits 0" 0 "$(cat "$run_dir/status" 2>/dev/null)"
for _ in $(seq 1 50); do [ -s "$S3WATCH_STATE_DIR/checkpoint.json" ] && break; sleep 0.1; done
check_eq "SIGTERM saved the checkpoint" 600 "$(stat -c %a "$S3WATCH_STATE_DIR/checkpoint.json" 2>/dev/null)"

# --- NO_COLOR and --no-color -------------------------------------------------------------
start NO_COLOR=1 -- console --view help
check_screen "NO_COLOR: the help shows" "Everywhere" 15
check_eq "NO_COLOR: no colour on screen" 0 "$(colours)"
keys q
wait_exit 15
start -- --no-color console --view help
check_screen "--no-color: the help shows" "Everywhere" 15
check_eq "--no-color: no colour on screen" 0 "$(colours)"
keys q
wait_exit 15

# --- an MFA code is asked on the prompt line, masked, never on /dev/tty ------------------
cat > "$run_dir/mfa-config" <<EOF
[profile mfa]
role_arn = arn:aws:iam::123456789012:role/s3watch-mfa-test
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/tester
region = us-east-1
[profile base]
region = us-east-1
EOF
cat > "$run_dir/mfa-credentials" <<EOF
[base]
aws_access_key_id = AKIAIOSFODNN7MFABASE
aws_secret_access_key = sandbox/mfa/base/secret/000000000000000
EOF
start AWS_CONFIG_FILE="$run_dir/mfa-config" AWS_SHARED_CREDENTIALS_FILE="$run_dir/mfa-credentials" \
	-- --profile mfa console --view setup
check_screen "the console asks for the MFA code" "Enter MFA code for arn:aws:iam::123456789012:mfa/tester:" 20
keys -l 654321
check_screen "the code is masked as it is typed" "******" 5
check_eq "the code itself is not on the screen" 0 "$(screen | grep -c 654321)"
keys Enter
check_screen "with the code, the role is assumed and the wizard runs" "status finished" 60
check_eq "the code was asked once" 0 "$(screen | grep -c 'Enter MFA code')"
check_eq "STS got the code with AssumeRole" 1 "$(( $(sandbox_stats by_action sts.AssumeRole) > 0 ))"
keys q
wait_exit 15
check_eq "the console exits 0 after MFA" 0 "$(cat "$run_dir/status" 2>/dev/null)"
check_eq "the code is in no output" 0 "$(grep -c 654321 "$run_dir/stderr")"
# Esc cancels: the chain says no code was entered, and the console stays up.
start AWS_CONFIG_FILE="$run_dir/mfa-config" AWS_SHARED_CREDENTIALS_FILE="$run_dir/mfa-credentials" \
	-- --profile mfa console --view setup
check_screen "asked again in a new console" "Enter MFA code" 20
keys Escape
check_screen_re "a cancelled code fails the first call, the console stays up" "1 failed, 0 with warnings: sts:GetCall" 20
keys q
if wait_exit 15; then _ok "the console quits after a cancelled code"; else _not_ok "the console quits after a cancelled code" "$(screen)"; fi

# --- --exit-after, bad options --------------------------------------------------------------
start -- console --view alerts --exit-after 1
if wait_exit 20; then _ok "--exit-after ends the console"; else _not_ok "--exit-after ends the console" "$(screen)"; fi
check_eq "--exit-after exits 0" 0 "$(cat "$run_dir/status" 2>/dev/null)"
run "$S3WATCH" console --view nosuch
check_eq "an unknown view exits 2" 2 "$status"
check_contains "an unknown view is named" "no view 'nosuch'" "$output"

finish
