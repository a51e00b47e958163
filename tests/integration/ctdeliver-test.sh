#!/usr/bin/env bash
# The sandbox's CloudTrail delivery (tests/sandbox/ctdeliver.py): S3 calls that
# pass the proxy arrive as CloudTrail records in the trail's CloudWatch Logs
# group, routed by the trail's configuration in moto; and the traffic generator
# (tests/sandbox/traffic.py) produces one record per S3 request.
set -uo pipefail

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

sandbox_up
work=$S3WATCH_SANDBOX_DIR/work
mkdir "$work"
echo "hello from ctdeliver-test" >"$work/object"
group=ct-group
stream=123456789012_CloudTrail_us-east-1
group_arn="arn:aws:logs:us-east-1:123456789012:log-group:$group:*"
auth='Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7SANDBOX/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00'

# ct [JSON]: GET (no argument) or POST /_sandbox/cloudtrail.
ct() {
    if [ $# -eq 0 ]; then
        _control GET cloudtrail
    else
        _control POST cloudtrail "$1"
    fi
}

# ct_field KEY: one field of the delivery status.
ct_field() {
    "$S3WATCH_PYTHON" -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' \
        "$(ct)" "$1"
}

# records GROUP: one line per record in GROUP:
# eventName|sourceIPAddress|errorCode|eventCategory|bucket|key|userName|userAgent
records() {
    awscli logs filter-log-events --log-group-name "$1" --query 'events[].message' |
        "$S3WATCH_PYTHON" -c '
import json, sys
for message in json.load(sys.stdin) or []:
    r = json.loads(message)
    p = r.get("requestParameters") or {}
    print("|".join(str(x) for x in (
        r["eventName"], r["sourceIPAddress"], r.get("errorCode", "-"), r["eventCategory"],
        p.get("bucketName", "-"), p.get("key", "-"), r["userIdentity"]["userName"],
        r["userAgent"])))'
}

# --- fixtures: buckets and group direct to moto, the trail through the proxy ---
for bucket in ct-trail-bucket ct-watched ct-other; do
    awscli s3api create-bucket --bucket "$bucket" >/dev/null
done
awscli logs create-log-group --log-group-name "$group"
# CloudTrail refuses a bucket whose policy does not let it write (as AWS).
check "the trail bucket lets CloudTrail write" awscli_proxy s3api put-bucket-policy \
    --bucket ct-trail-bucket --policy '{"Version":"2012-10-17","Statement":[
    {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::ct-trail-bucket"},
    {"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::ct-trail-bucket/AWSLogs/123456789012/*"}]}'
check "create trail" awscli_proxy cloudtrail create-trail --name ct-trail \
    --s3-bucket-name ct-trail-bucket --is-multi-region-trail
check "data events for ct-watched only" awscli_proxy cloudtrail put-event-selectors \
    --trail-name ct-trail --event-selectors \
    '[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::ct-watched/"]}]}]'
check "start logging" awscli_proxy cloudtrail start-logging --name ct-trail
check "point the trail at the log group" awscli_proxy cloudtrail update-trail --name ct-trail \
    --cloud-watch-logs-log-group-arn "$group_arn" \
    --cloud-watch-logs-role-arn arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role

check_eq "default delay is 2000 ms" 2000 "$(ct_field delay_ms)"
check_contains "delay can be set" '"delay_ms":60000' "$(ct '{"delay_ms":60000}')"

# --- S3 calls through the proxy ---------------------------------------------------
check "put-object" awscli_proxy s3api put-object --bucket ct-watched --key docs/a.txt \
    --body "$work/object"
check "get-object from an outside address" curl -sS --fail --noproxy '*' -o /dev/null \
    -H "$auth" -H 'X-Forwarded-For: 198.51.100.7, 10.0.0.1' -A 'ct-test-agent/1.0' \
    "$S3WATCH_SANDBOX_PROXY_URL/ct-watched/docs/a.txt"
run awscli_proxy s3api get-object --bucket ct-watched --key docs/missing "$work/got"
check_contains "missing key is NoSuchKey" NoSuchKey "$output"
fault '{"kind":"denied","service":"s3","action":"GetObject"}'
run curl -sS -i --noproxy '*' -H "$auth" "$S3WATCH_SANDBOX_PROXY_URL/ct-watched/docs/a.txt"
check_contains "denied fault is a 403" "HTTP/1.1 403" "$output"
check_contains "denied fault has S3's AccessDenied body" \
    "<Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>" "$output"
check_contains "denied fault body has a HostId" "<HostId>" "$output"
check_eq "stats count the denied fault" 1 "$(sandbox_stats faults denied)"
check "put-bucket-policy" awscli_proxy s3api put-bucket-policy --bucket ct-watched --policy \
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::ct-watched/*"}]}'
check "put-object to a bucket without data events" awscli_proxy s3api put-object \
    --bucket ct-other --key x.txt --body "$work/object"
check "list-objects-v2 on it" awscli_proxy s3api list-objects-v2 --bucket ct-other
check "get-bucket-location on it" awscli_proxy s3api get-bucket-location --bucket ct-other

check_eq "nothing delivered before the delay" 0 "$(ct_field delivered)"
check_eq "records wait in the queue" 6 "$(ct_field pending)"
check_eq "no records in the group yet" "" "$(records "$group")"
check_contains "flush delivers them" '"delivered":6,"dropped":0,"pending":0' \
    "$(ct '{"flush":true}')"

out=$(records "$group")
check_contains "PutObject record" \
    "PutObject|127.0.0.1|-|Data|ct-watched|docs/a.txt|sandbox-user|[aws-cli/" "$out"
check_contains "X-Forwarded-For is the source address; the User-Agent is kept" \
    "GetObject|198.51.100.7|-|Data|ct-watched|docs/a.txt|sandbox-user|[ct-test-agent/1.0]" "$out"
check_contains "missing key: errorCode NoSuchKey" \
    "GetObject|127.0.0.1|NoSuchKey|Data|ct-watched|docs/missing|" "$out"
check_contains "denied fault: errorCode AccessDenied" \
    "GetObject|127.0.0.1|AccessDenied|Data|ct-watched|docs/a.txt|" "$out"
check_contains "PutBucketPolicy is a management event" \
    "PutBucketPolicy|127.0.0.1|-|Management|ct-watched|-|" "$out"
check_contains "unselected bucket: management event delivered" \
    "GetBucketLocation|127.0.0.1|-|Management|ct-other|" "$out"
check_eq "unselected bucket: no data events" "" "$(grep -E '^(PutObject|ListObjects)\|[^|]*\|[^|]*\|[^|]*\|ct-other' <<<"$out")"
check_eq "stream name" "$stream" \
    "$(awscli logs describe-log-streams --log-group-name "$group" --query 'logStreams[0].logStreamName' --output text)"

one=$(awscli logs filter-log-events --log-group-name "$group" --filter-pattern PutBucketPolicy \
    --query 'events[0].message' --output text)
for field in '"eventSource":"s3.amazonaws.com"' '"awsRegion":"us-east-1"' \
    '"userIdentity":{"type":"IAMUser"' "\"accessKeyId\":\"$AWS_ACCESS_KEY_ID\"" \
    '"arn":"arn:aws:iam::123456789012:user/sandbox-user"' '"responseElements":null' \
    '"eventType":"AwsApiCall"' '"managementEvent":true' '"recipientAccountId":"123456789012"' \
    '"readOnly":false' '"bucketPolicy":{"Version":"2012-10-17"'; do
    check_contains "record has $field" "$field" "$one"
done
check "eventTime is UTC, second precision" grep -qE '"eventTime":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' <<<"$one"
get=$(awscli logs filter-log-events --log-group-name "$group" --filter-pattern '"198.51.100.7"' \
    --query 'events[0].message' --output text)
check_contains "data event resources" \
    '"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::ct-watched/docs/a.txt"},{"accountId":"123456789012","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::ct-watched"}]' "$get"
check_contains "bytes out of a GetObject" '"bytesTransferredOut":26' "$get"

# --- the delay works without a flush ----------------------------------------------
ct '{"delay_ms":300}' >/dev/null
check "head-object" awscli_proxy s3api head-object --bucket ct-watched --key docs/a.txt
sleep 1.5
check_eq "delivered after the delay" 7 "$(ct_field delivered)"

# --- a stopped trail delivers nothing -----------------------------------------------
check "stop logging" awscli_proxy cloudtrail stop-logging --name ct-trail
check "put-object after stop" awscli_proxy s3api put-object --bucket ct-watched \
    --key after-stop.txt --body "$work/object"
ct '{"flush":true}' >/dev/null
check_eq "stopped trail: nothing recorded" "7 7" "$(ct_field recorded) $(ct_field delivered)"
check_eq "stopped trail: nothing in the group" "" "$(records "$group" | grep after-stop)"
check "start logging again" awscli_proxy cloudtrail start-logging --name ct-trail

# --- traffic generator ----------------------------------------------------------------
before=$(records "$group" | wc -l)
run "$S3WATCH_PYTHON" "$top_srcdir/tests/sandbox/traffic.py" --bucket ct-watched \
    --duration 3 --rate 25 --seed 7 --scenario mixed --quiet
check_eq "traffic.py exits 0" 0 "$status"
summary=$output
tval() {
    "$S3WATCH_PYTHON" -c '
import json, sys
s = json.loads(sys.argv[1])
print(eval(sys.argv[2], {}, {"s": s}))' "$summary" "$1" 2>&1
}
check_eq "traffic: four scenario events" \
    "['denied_reads', 'mass_delete', 'missing_keys', 'policy_change']" \
    "$(tval 'sorted(e["kind"] for e in s["scenario_events"])')"
check_eq "traffic: 50 deletes in the burst" True \
    "$(tval 's["by_action"]["DeleteObject"] >= 50')"
check_eq "traffic: 5 denied and 10 missing" "5 10" \
    "$(tval 's["errors"]["AccessDenied"], s["errors"]["NoSuchKey"]' | tr -d '(),')"
check_eq "traffic: normal requests too" True \
    "$(tval 's["by_action"]["GetObject"] > 15 and s["by_action"]["PutObject"] > 20')"
requests=$(tval 's["requests"]')
ct '{"flush":true}' >/dev/null
out=$(records "$group")
check_eq "one record per S3 request" "$requests" "$(($(wc -l <<<"$out") - before))"
check_eq "denied reads from outside, named caller" 5 \
    "$(grep -c '^GetObject|203\.0\.113\.[0-9]*|AccessDenied|Data|ct-watched|.*|partner-sync|' <<<"$out")"
check_eq "mass delete records" True \
    "$([ "$(grep -c '^DeleteObject|10\.0\.' <<<"$out")" -ge 50 ] && echo True)"
check_contains "policy change by ops-admin" "PutBucketPolicy|10.0.9.5|-|Management|ct-watched|-|ops-admin|" "$out"
check_eq "nothing dropped" 0 "$(ct_field dropped)"

# --- the group is gone: dropped and counted, nothing created ---------------------------
awscli logs delete-log-group --log-group-name "$group"
check "put-object with the group gone" awscli_proxy s3api put-object --bucket ct-watched \
    --key gone.txt --body "$work/object"
ct '{"flush":true}' >/dev/null
check_eq "dropped" 1 "$(ct_field dropped)"
check_contains "last_error says why" "log group does not exist" "$(ct_field last_error)"
check_eq "the group is not recreated" "[]" \
    "$(awscli logs describe-log-groups --log-group-name-prefix "$group" --query logGroups)"
check_contains "reset zeroes the counters" '"recorded":0,"delivered":0,"dropped":0' \
    "$(_control POST cloudtrail/reset)"

finish
