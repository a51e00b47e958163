#!/usr/bin/env bash
# Captures the sandbox's CloudTrail records of tests/sandbox/traffic.py's
# scenarios into tests/detect/sandbox.jsonl (labelled by build-corpus.py).
#
#   tests/detect/capture-sandbox.sh [OUT]
#
# Starts a sandbox (moto + proxy), sets up a trail with S3 data events for
# one bucket delivering to a log group, then runs traffic.py once per
# phase: normal traffic, each suspicious scenario, and the corpus events
# (a cross-account policy, batch deletes and their look-alikes).  Every
# request is logged with its phase and S3 request id (--request-log);
# the records in the log group are matched to phases by requestID, so
# each record's label comes from what made it, not from its contents.
# Setup requests other than the normal run's are left out.
#
# The result is committed: reading the corpus needs neither the sandbox
# nor the network.  Needs moto, the AWS CLI (/usr/bin/aws) and python3.
set -euo pipefail

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${1:-$top_srcdir/tests/detect/sandbox.jsonl}
S3WATCH_PYTHON=${S3WATCH_PYTHON:-python3}
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

bucket=detect-data
trail=detect-trail
group=/aws/cloudtrail/s3-security-monitoring
phases=(normal denied_reads policy_change mass_delete missing_keys
    policy_backdoor policy_own_role batch_delete cleanup_delete)

sandbox_up
work=${CAPTURE_WORK:-$S3WATCH_SANDBOX_DIR/capture}
mkdir -p "$work"
: >"$work/requests.jsonl"

awscli s3api create-bucket --bucket detect-trail-logs >/dev/null
awscli logs create-log-group --log-group-name "$group"
awscli_proxy cloudtrail create-trail --name "$trail" --s3-bucket-name detect-trail-logs \
    --is-multi-region-trail >/dev/null
awscli_proxy cloudtrail put-event-selectors --trail-name "$trail" --event-selectors \
    "[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true,\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[\"arn:aws:s3:::$bucket/\"]}]}]" \
    >/dev/null
awscli_proxy cloudtrail start-logging --name "$trail"
awscli_proxy cloudtrail update-trail --name "$trail" \
    --cloud-watch-logs-log-group-arn "arn:aws:logs:us-east-1:123456789012:log-group:$group:*" \
    --cloud-watch-logs-role-arn arn:aws:iam::123456789012:role/CloudTrail_CloudWatchLogs_Role \
    >/dev/null

seed=1
for phase in "${phases[@]}"; do
    if [ "$phase" = normal ]; then
        args=(--scenario normal --count 60 --rate 20)
    else
        args=(--event "$phase" --objects 5)
    fi
    "$S3WATCH_PYTHON" "$top_srcdir/tests/sandbox/traffic.py" --bucket "$bucket" \
        --seed "$seed" --quiet --request-log "$work/requests.jsonl" "${args[@]}" \
        >"$work/$phase.summary.json"
    seed=$((seed + 1))
done

_control POST cloudtrail '{"flush":true}' >/dev/null
awscli logs filter-log-events --log-group-name "$group" --query 'events[].message' \
    >"$work/messages.json"
"$S3WATCH_PYTHON" "$top_srcdir/tests/detect/build-corpus.py" \
    --sandbox "$work/messages.json" "$work/requests.jsonl" --out "$out"
