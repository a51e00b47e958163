#!/usr/bin/env bash
# Self-test of the test sandbox (tests/sandbox): moto, the proxy and its faults,
# seen through the real AWS CLI.
set -uo pipefail

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

# True if PID is a live process (zombies count as gone).
pid_alive() {
    [ -r "/proc/$1/stat" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]
}

# --- without moto: exit 3 and one clear line --------------------------------
nomoto=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-nomoto.XXXXXX")
mkdir "$nomoto/home"
run env HOME="$nomoto/home" PATH=/usr/bin:/bin S3WATCH_PYTHON=/usr/bin/python3 \
    "$SANDBOX" start "$nomoto/sbx"
check_eq "start without moto exits 3" 3 "$status"
check_eq "start without moto says so in one line" \
    "sandbox: moto is not installed (no python3 can import moto.server); install it with: pip install 'moto[server]'" \
    "$output"
check "start without moto leaves no pid file" test ! -e "$nomoto/sbx/moto.pid"
rm -rf "$nomoto"

# --- start, environment, identity -------------------------------------------
# Plain: this tests the plain sandbox itself (its fixed key, unsigned
# plumbing); keys-test and the rest of the suite run it strict.
sandbox_up --plain
check_eq "AWS_ENDPOINT_URL is the proxy" "$S3WATCH_SANDBOX_PROXY_URL" "$AWS_ENDPOINT_URL"
check_eq "access key" AKIAIOSFODNN7SANDBOX "$AWS_ACCESS_KEY_ID"
check_eq "region" us-east-1 "$AWS_REGION"
check_eq "AWS config file is private and empty" "600 0" "$(stat -c '%a %s' "$AWS_CONFIG_FILE")"
check "python in the env imports moto" "$S3WATCH_PYTHON" -c 'import moto.server'
run "$SANDBOX" identity "$S3WATCH_SANDBOX_DIR"
check_contains "identity shows the account" "123456789012" "$output"
check_contains "identity shows the proxy URL" "$S3WATCH_SANDBOX_PROXY_URL" "$output"
check_eq "proxy health" '{"ok":true}' \
    "$(curl -sS --noproxy '*' "$S3WATCH_SANDBOX_PROXY_URL/_sandbox/health")"
sandbox_stats_reset

# --- plain forwarding ---------------------------------------------------------
work=$S3WATCH_SANDBOX_DIR/work
mkdir "$work"
head -c 10000 /dev/urandom >"$work/object"
check "create bucket through the proxy" awscli_proxy s3api create-bucket --bucket sbx-test
check "put object through the proxy" \
    awscli_proxy s3api put-object --bucket sbx-test --key a/object --body "$work/object"
check "get object through the proxy" \
    awscli_proxy s3api get-object --bucket sbx-test --key a/object "$work/got"
check "object round-trips" cmp "$work/object" "$work/got"
check "object is in moto itself" awscli s3api head-object --bucket sbx-test --key a/object

auth='Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7SANDBOX/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'
check "chunked upload through the proxy" curl -sS --fail --noproxy '*' -H "$auth" \
    -H 'Transfer-Encoding: chunked' -T "$work/object" "$S3WATCH_SANDBOX_PROXY_URL/sbx-test/chunked"
awscli s3api get-object --bucket sbx-test --key chunked "$work/chunked" >/dev/null 2>&1
check "chunked body arrives whole" cmp "$work/object" "$work/chunked"
run curl -sS -v --noproxy '*' -H "$auth" -o /dev/null "$S3WATCH_SANDBOX_PROXY_URL/sbx-test/a/object" \
    -o /dev/null "$S3WATCH_SANDBOX_PROXY_URL/sbx-test/a/object"
check_contains "keep-alive connection is reused" "Re-using existing connection" "$output"

# --- faults -------------------------------------------------------------------
fault '{"kind":"throttle","service":"logs","action":"DescribeLogGroups"}'
run awscli_proxy logs describe-log-groups
check_contains "throttle fault on logs" "ThrottlingException" "$output"
check "count 1 rule is used up" awscli_proxy logs describe-log-groups

fault '{"kind":"500","service":"sts"}'
run awscli_proxy sts get-caller-identity
check_contains "500 fault" "InternalFailure" "$output"

fault '{"kind":"expired","service":"sts","action":"GetCallerIdentity"}'
run awscli_proxy sts get-caller-identity
check_contains "expired fault on sts" "(ExpiredToken)" "$output"

fault '{"kind":"reset","service":"sts"}'
run awscli_proxy sts get-caller-identity
check_contains "reset fault gives a connection error" "Connection was closed" "$output"

fault '{"kind":"truncate","service":"s3","action":"GetObject"}'
run awscli_proxy s3api get-object --bucket sbx-test --key a/object "$work/short"
check_contains "truncate fault gives a short read" "5000 read, but total bytes expected is 10000" "$output"

fault '{"kind":"slow","service":"s3","action":"HeadObject","delay_ms":2500}'
run awscli_proxy --cli-read-timeout 1 s3api head-object --bucket sbx-test --key a/object
check_contains "slow fault gives a read timeout" "Read timeout" "$output"

fault '{"kind":"skew","service":"s3"}'
run curl -sS -i --noproxy '*' -H "$auth" "$S3WATCH_SANDBOX_PROXY_URL/sbx-test/a/object"
check_contains "skew fault is a 403" "HTTP/1.1 403" "$output"
check_contains "skew fault code" "<Code>RequestTimeTooSkewed</Code>" "$output"
check_contains "skew fault sends Date" "Date: $(date -u '+%a, %d %b %Y')" "$output"

fault '{"kind":"throttle","service":"sts","action":"GetCallerIdentity","count":2}'
before=$(sandbox_stats by_action sts.GetCallerIdentity)
AWS_MAX_ATTEMPTS=3 run awscli_proxy sts get-caller-identity
check_eq "count 2 rule: third attempt succeeds" 0 "$status"
check_eq "count 2 rule: three requests in all" $((before + 3)) \
    "$(sandbox_stats by_action sts.GetCallerIdentity)"
check_contains "count 2 rule has nothing left" '"count":2,"remaining":0' \
    "$(curl -sS --noproxy '*' "$S3WATCH_SANDBOX_PROXY_URL/_sandbox/faults")"

fault '{"kind":"500","probability":0.0,"count":-1,"seed":1}'
check "probability 0 never faults" awscli_proxy sts get-caller-identity
faults_clear
check_eq "faults cleared" '{"rules":[]}' \
    "$(curl -sS --noproxy '*' "$S3WATCH_SANDBOX_PROXY_URL/_sandbox/faults")"

for kind in throttle:3 500:1 expired:1 reset:1 truncate:1 slow:1 skew:1 503:0; do
    check_eq "stats count $kind faults" "${kind#*:}" "$(sandbox_stats faults "${kind%:*}")"
done
check_eq "stats by action" 5 "$(sandbox_stats by_action s3.GetObject)"

# --- reset and stop -----------------------------------------------------------
check "sandbox reset" "$SANDBOX" reset "$S3WATCH_SANDBOX_DIR"
check_eq "reset empties moto" "[]" "$(awscli s3api list-buckets --query Buckets)"

pids="$(cat "$S3WATCH_SANDBOX_DIR/moto.pid") $(cat "$S3WATCH_SANDBOX_DIR/proxy.pid")"
check "sandbox stop" "$SANDBOX" stop "$S3WATCH_SANDBOX_DIR"
for pid in $pids; do
    check_eq "process $pid is gone" gone "$(pid_alive "$pid" && echo alive || echo gone)"
done
check "pid files removed" test ! -e "$S3WATCH_SANDBOX_DIR/moto.pid" -a ! -e "$S3WATCH_SANDBOX_DIR/proxy.pid"
run "$SANDBOX" stop "$S3WATCH_SANDBOX_DIR"
check_eq "second stop is silent and succeeds" "0:" "$status:$output"

finish
