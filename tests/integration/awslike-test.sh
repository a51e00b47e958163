#!/bin/bash
# The AWS behaviours the sandbox proxy adds to moto (tests/sandbox/awslike.py):
# each one checked with the AWS CLI, then s3watch against all of them. Setup
# waits for IAM propagation (and fails clearly when it never comes), puts the
# trail bucket policy before CreateTrail, shows a pending e-mail
# subscription as pending, and the tail reads a burst of events larger than
# 1 MB completely, across cut and empty pages.
set -u
. "$top_srcdir/tests/integration/lib.sh"
export S3WATCH_SANDBOX_AWSLIKE=all S3WATCH_SANDBOX_IAM_DELAY=2
sandbox_up
unset S3WATCH_SANDBOX_AWSLIKE S3WATCH_SANDBOX_IAM_DELAY

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
account=123456789012
# awslike [KEY...]: the proxy's /_sandbox/awslike, or one value of it.
awslike() {
	_control GET awslike | "$S3WATCH_PYTHON" -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1:]:
    v = v[k]
print(v if isinstance(v, (str, int, float)) else json.dumps(v, sort_keys=True))' "$@"
}
awslike_set() { _control POST awslike "$1" >/dev/null || _not_ok "awslike_set $1" "refused"; }
trust() { printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"%s"},"Action":"sts:AssumeRole"}]}' "$1"; }
# The CloudTrail policy of a trail bucket, as AWS documents it; $3 (optional)
# is the trail its PutObject statement is for.
trail_policy() {
	printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::%s"},{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::%s/%s","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:us-east-1:%s:trail/%s"}}}]}' \
		"$1" "$1" "$2" "$account" "${3:-awslike-trail}"
}

check_eq "the sandbox starts with every behaviour on (S3WATCH_SANDBOX_AWSLIKE=all)" "[]" "$(awslike off)"
check_eq "... and the delay from S3WATCH_SANDBOX_IAM_DELAY" 2.0 "$(awslike iam_delay_s)"

# --- the sandbox's own options --------------------------------------------------
run "$SANDBOX" start --awslike=all,-logs-empty-page --no-awslike iam-propagation --iam-delay 5 "$SANDBOX_TMPDIR/second"
check_eq "sandbox start --awslike=LIST --no-awslike NAME starts" 0 "$status"
if [ "$status" -eq 0 ]; then
	second=$(. "$SANDBOX_TMPDIR/second/env" && curl -sS --noproxy '*' "$S3WATCH_SANDBOX_PROXY_URL/_sandbox/awslike")
	check_contains "... with those two off" '"off": ["iam-propagation", "logs-empty-page"]' "$(printf '%s' "$second" | "$S3WATCH_PYTHON" -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True))')"
	check_contains "... and --iam-delay" '"iam_delay_s":5.0' "$second"
fi
"$SANDBOX" stop "$SANDBOX_TMPDIR/second"
run "$SANDBOX" start --awslike=no-such-thing "$SANDBOX_TMPDIR/third"
check_eq "an unknown behaviour fails the start" 1 "$status"
check_contains "... and is named, with the known ones" "unknown AWS-like behaviour 'no-such-thing' (known: all, none, iam-propagation" "$output"
run _control POST awslike '{"on":["bogus"]}'
check_contains "the control API refuses an unknown behaviour" "unknown AWS-like behaviour 'bogus'" "$output"

# --- the behaviours, each with the AWS CLI -----------------------------------------
# S3: no LocationConstraint in us-east-1 (other regions may be named).
run awscli_proxy s3api create-bucket --bucket awslike-east --create-bucket-configuration LocationConstraint=us-east-1
check_eq "CreateBucket in us-east-1 naming us-east-1 fails" 254 "$status"
check_contains "... with InvalidLocationConstraint" "(InvalidLocationConstraint) when calling the CreateBucket operation" "$output"
check_contains "... and S3's message" "The specified location-constraint is not valid" "$output"
check "CreateBucket in us-east-1 without one works" awscli_proxy s3api create-bucket --bucket awslike-east
check "CreateBucket from us-east-1 into eu-west-1 works" awscli_proxy s3api create-bucket --bucket awslike-west --create-bucket-configuration LocationConstraint=eu-west-1

# CloudTrail: the bucket policy must let CloudTrail read the ACL and write.
tb=awslike-trail-bucket
check "a trail bucket" awscli_proxy s3api create-bucket --bucket "$tb"
run awscli_proxy cloudtrail create-trail --name awslike-trail --s3-bucket-name "$tb"
check_eq "CreateTrail on a bucket without a policy fails" 254 "$status"
check_contains "... with InsufficientS3BucketPolicyException" "(InsufficientS3BucketPolicyException) when calling the CreateTrail operation" "$output"
check_contains "... and CloudTrail's message" "Incorrect S3 bucket policy is detected for bucket: $tb" "$output"
check "a policy for another trail" awscli_proxy s3api put-bucket-policy --bucket "$tb" --policy "$(trail_policy "$tb" "AWSLogs/$account/*" other-trail)"
run awscli_proxy cloudtrail create-trail --name awslike-trail --s3-bucket-name "$tb"
check_contains "CreateTrail with a policy for another trail (aws:SourceArn) fails" "InsufficientS3BucketPolicyException" "$output"
check "a policy for another prefix" awscli_proxy s3api put-bucket-policy --bucket "$tb" --policy "$(trail_policy "$tb" "elsewhere/AWSLogs/$account/*")"
run awscli_proxy cloudtrail create-trail --name awslike-trail --s3-bucket-name "$tb"
check_contains "CreateTrail with a policy for another prefix fails" "InsufficientS3BucketPolicyException" "$output"
run awscli_proxy cloudtrail create-trail --name awslike-trail --s3-bucket-name "$tb" --s3-key-prefix elsewhere
check_eq "... and works with that prefix" 0 "$status"
check "the policy CloudTrail documents" awscli_proxy s3api put-bucket-policy --bucket "$tb" --policy "$(trail_policy "$tb" "AWSLogs/$account/*")"
check "UpdateTrail to the bucket's root works with it" awscli_proxy cloudtrail update-trail --name awslike-trail --s3-bucket-name "$tb" --s3-key-prefix ""
check "DeleteBucketPolicy" awscli_proxy s3api delete-bucket-policy --bucket "$tb"
run awscli_proxy cloudtrail update-trail --name awslike-trail --s3-bucket-name "$tb"
check_contains "UpdateTrail naming a bucket without a policy fails" "InsufficientS3BucketPolicyException" "$output"

# IAM propagation: CloudTrail and Lambda refuse a new role for the delay
# (long here, then 0: propagated, without sleeping).
awslike_set '{"iam_delay_s": 600}'
check "the trail's log group" awscli_proxy logs create-log-group --log-group-name awslike-group
group_arn="arn:aws:logs:us-east-1:$account:log-group:awslike-group:*"
check "a new role for CloudTrail" awscli_proxy iam create-role --role-name awslike-ct-role --assume-role-policy-document "$(trust cloudtrail.amazonaws.com)"
run awscli_proxy cloudtrail update-trail --name awslike-trail --cloud-watch-logs-log-group-arn "$group_arn" --cloud-watch-logs-role-arn "arn:aws:iam::$account:role/awslike-ct-role"
check_eq "UpdateTrail with a role made just now fails" 254 "$status"
check_contains "... with InvalidCloudWatchLogsRoleArnException" "(InvalidCloudWatchLogsRoleArnException) when calling the UpdateTrail operation" "$output"
check "Lambda's code" "$S3WATCH_PYTHON" -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("h.py", "def handler(e, c):\n    return 1\n")' "$SANDBOX_TMPDIR/fn.zip"
check "a new role for Lambda" awscli_proxy iam create-role --role-name awslike-fn-role --assume-role-policy-document "$(trust lambda.amazonaws.com)"
fn() { awscli_proxy lambda create-function --function-name awslike-fn --runtime python3.12 --handler h.handler --role "arn:aws:iam::$account:role/$1" --zip-file "fileb://$SANDBOX_TMPDIR/fn.zip"; }
run fn awslike-fn-role
check_eq "CreateFunction with a role made just now fails" 254 "$status"
check_contains "... with InvalidParameterValueException" "(InvalidParameterValueException) when calling the CreateFunction operation" "$output"
check_contains "... cannot be assumed" "The role defined for the function cannot be assumed by Lambda." "$output"
run awscli_proxy lambda create-function --function-name awslike-fn --runtime python3.12 --handler h.handler --role "arn:aws:iam::$account:role/awslike-fn-role" --zip-file "fileb://$SANDBOX_TMPDIR/fn.zip" --debug
check_contains "... in Lambda's REST-JSON shape (x-amzn-ErrorType)" "'x-amzn-ErrorType': 'InvalidParameterValueException'" "$output"
check_contains "... HTTP 400" '"POST /2015-03-31/functions HTTP/1.1" 400' "$output"
awslike_set '{"iam_delay_s": 0}'
check "UpdateTrail with that role works once it propagated" awscli_proxy cloudtrail update-trail --name awslike-trail --cloud-watch-logs-log-group-arn "$group_arn" --cloud-watch-logs-role-arn "arn:aws:iam::$account:role/awslike-ct-role"
check "CreateFunction works once it propagated" fn awslike-fn-role
awslike_set '{"iam_delay_s": 600}'
check "another new role" awscli_proxy iam create-role --role-name awslike-fn-role2 --assume-role-policy-document "$(trust lambda.amazonaws.com)"
run awscli_proxy lambda update-function-configuration --function-name awslike-fn --role "arn:aws:iam::$account:role/awslike-fn-role2"
check_contains "UpdateFunctionConfiguration with a new role fails too" "(InvalidParameterValueException) when calling the UpdateFunctionConfiguration operation" "$output"
awslike_set '{"off":["iam-propagation"]}'
check "... and works with iam-propagation switched off" awscli_proxy lambda update-function-configuration --function-name awslike-fn --role "arn:aws:iam::$account:role/awslike-fn-role2"
awslike_set '{"on":["iam-propagation"]}'

# SNS: an e-mail subscription waits for its link; others do not.
topic=$(awscli_proxy sns create-topic --name awslike-topic --query TopicArn --output text)
check_eq "Subscribe by e-mail answers pending confirmation" "pending confirmation" \
	"$(awscli_proxy sns subscribe --topic-arn "$topic" --protocol email --notification-endpoint ops@example.com --query SubscriptionArn --output text)"
queue=$(awscli sqs create-queue --queue-name awslike-q --query QueueUrl --output text)
qarn=$(awscli sqs get-queue-attributes --queue-url "$queue" --attribute-names QueueArn --query Attributes.QueueArn --output text)
check_contains "Subscribe by SQS gets its ARN" "$topic:" \
	"$(awscli_proxy sns subscribe --topic-arn "$topic" --protocol sqs --notification-endpoint "$qarn" --query SubscriptionArn --output text)"
subs() { awscli_proxy sns list-subscriptions-by-topic --topic-arn "$topic" --query 'Subscriptions[].[Protocol,SubscriptionArn]' --output text | sort; }
check_eq "ListSubscriptionsByTopic shows the e-mail one as PendingConfirmation" "email	PendingConfirmation" "$(subs | grep email)"
check_contains "... and the SQS one confirmed" "sqs	$topic:" "$(subs)"
check_eq "ListSubscriptions too" "PendingConfirmation" \
	"$(awscli_proxy sns list-subscriptions --query "Subscriptions[?Protocol=='email'].SubscriptionArn" --output text)"
check_eq "GetTopicAttributes counts it pending" 1 \
	"$(awscli_proxy sns get-topic-attributes --topic-arn "$topic" --query Attributes.SubscriptionsPending --output text)"

# Logs: pages stop at 1 MB; a first page may be empty, with a token.
"$S3WATCH_PYTHON" -c 'for i in range(1200): print("%05d " % i + "x" * 1994)' > "$SANDBOX_TMPDIR/big.txt"
check "1200 events of 2000 bytes" "$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" awslike-big s1 "$SANDBOX_TMPDIR/big.txt"
page() { awscli_proxy logs filter-log-events --log-group-name awslike-big --no-paginate "$@"; }
first=$(page --query nextToken --output text)
check_eq "the first page is empty" 0 "$(page --query 'length(events)')"
check_contains "... with a token" "sandbox-empty-page:" "$first"
check_eq "the page after it stops at 1 MB (517 x 2026 bytes)" "517 awslike-big@s1@" \
	"$(page --next-token "$first" --query '[length(events), nextToken]' --output text | sed 's/@s1@.*/@s1@/' | tr '\t' ' ')"
check_eq "... ending with event 516" "00516" "$(page --next-token "$first" --query 'events[-1].message' --output text | cut -c1-5)"
next=$(page --next-token "$first" --query nextToken --output text)
check_eq "its token resumes just after it" "00517" "$(page --next-token "$next" --query 'events[0].message' --output text | cut -c1-5)"
check_eq "paginating reads each event once" "1200 1200" \
	"$(awscli_proxy logs filter-log-events --log-group-name awslike-big --query 'events[].message' --output text | tr '\t' '\n' | cut -c1-5 | sort | uniq | wc -l) $(awscli_proxy logs filter-log-events --log-group-name awslike-big --query 'length(events)')"
awslike_set '{"off":["logs-empty-page"]}'
check_eq "with logs-empty-page off, the first page has events" 517 "$(page --query 'length(events)')"
awslike_set '{"on":["logs-empty-page"]}'

# --- s3watch setup against them ----------------------------------------------------
conf=$SANDBOX_TMPDIR/s3watch.conf
printf 'alert_email = "alerts@example.com";\n' > "$conf"
ledger=$S3WATCH_STATE_DIR/ledger.json
name() { "$S3WATCH_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$ledger" "$1"; }
refused_before=$(awslike acted trail-bucket-policy)
location_before=$(awslike acted s3-location-constraint)

# A role that never propagates: setup waits, then fails clearly.
awslike_set '{"iam_delay_s": 100000}'
run "$S3WATCH" setup --yes --config "$conf"
check_eq "setup fails when a role is never usable" 1 "$status"
suffix=$(name suffix)
role=CloudTrailLogsRole-$suffix
check_contains "... after noting each wait" "the new role $role is not usable yet (IAM takes about 10 s to propagate it): retrying in 5 s (1 of 7)" "$output"
check_contains "... up to the last" "retrying in 5 s (7 of 7)" "$output"
check_contains "... and says why it stopped" "cloudtrail:UpdateTrail s3-security-monitoring-trail: the role $role was still refused after 35 s: InvalidCloudWatchLogsRoleArnException" "$output"
check_contains "... and what to do" "fix: check that the role $role trusts cloudtrail.amazonaws.com" "$output"
check_eq "the trail was made: its bucket policy came first" "$refused_before" "$(awslike acted trail-bucket-policy)"

# A role that propagates in 2 s: setup waits and converges.
awslike_set '{"iam_delay_s": 2}'
run "$S3WATCH" setup --yes --config "$conf"
check_eq "setup converges once roles propagate" 0 "$status"
[ "$status" -eq 0 ] || printf '%s\n' "$output" | sed 's/^/#   /'
check_contains "... waiting for the analyser's role" "the new role LambdaS3SecurityMonitorRole-$suffix is not usable yet" "$output"
check_contains "... then making the function" "+ lambda:CreateFunction s3-security-monitor-$suffix" "$output"
check_contains "... and subscribing the address" "+ sns:Subscribe alerts@example.com" "$output"
check_contains "... which it shows pending" "alerts@example.com has not confirmed its subscription yet" "$output"
check_eq "no CreateTrail was refused for the bucket policy" "$refused_before" "$(awslike acted trail-bucket-policy)"
check_eq "setup sent no LocationConstraint in us-east-1" "$location_before" "$(awslike acted s3-location-constraint)"
run "$S3WATCH" setup --yes --config "$conf"
check_eq "a second setup exits 0" 0 "$status"
check_eq "... and changes nothing (no new subscription)" 1 "$(printf '%s\n' "$output" | grep -c '^0 changes')"

run "$S3WATCH" status --config "$conf"
check_eq "status exits 0 with the subscription pending" 0 "$status"
check_contains "status shows the e-mail subscription pending, with what to do" \
	"P-07  WARN  alerts@example.com has not confirmed its subscription yet: alerts reach it only once it does (fix: follow the link in the e-mail AWS Notifications sent there" "$output"
check_eq "... and no FAIL" 0 "$(printf '%s\n' "$output" | grep -c ' FAIL ')"
check_contains "the link followed" '"ok":true' "$(_control POST awslike/confirm '{"endpoint":"alerts@example.com"}')"
run "$S3WATCH" status --config "$conf"
check_contains "status then shows it confirmed" "P-07  PASS  the topic has 1 confirmed subscription and none pending" "$output"

# --- the tail across 1 MB pages ---------------------------------------------------------
group=/aws/cloudtrail/awslike-burst
"$S3WATCH_PYTHON" "$top_srcdir/tests/bench/gen-events.py" --seed 11 --count 3000 > "$SANDBOX_TMPDIR/burst.jsonl"
check "a burst of 3000 records (about 5 MB)" "$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$group" "${account}_CloudTrail_us-east-1" "$SANDBOX_TMPDIR/burst.jsonl" --ago-ms 60000
ids() { "$S3WATCH_PYTHON" -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        print(json.loads(line).get("eventID", "-"))' | sort; }
ids < "$SANDBOX_TMPDIR/burst.jsonl" > "$SANDBOX_TMPDIR/written"
check_eq "the burst has 3000 distinct records" 3000 "$(sort -u "$SANDBOX_TMPDIR/written" | wc -l)"
cut_before=$(awslike acted logs-page-1mb)
empty_before=$(awslike acted logs-empty-page)
run "$S3WATCH" monitor --group "$group" --since 1h --no-resume --json --poll 200 --page-limit 10000
check_eq "monitor exits 0" 0 "$status"
printf '%s\n' "$output" | grep '^{' | ids > "$SANDBOX_TMPDIR/seen"
check_eq "monitor reads every record once across 1 MB pages" "" "$(diff "$SANDBOX_TMPDIR/written" "$SANDBOX_TMPDIR/seen")"
check_eq "... which the proxy cut (at least 4 of them)" 1 "$(( $(awslike acted logs-page-1mb) - cut_before >= 4 ))"
check_eq "... after an empty first page" 1 "$(( $(awslike acted logs-empty-page) - empty_before >= 1 ))"

finish
