#!/bin/bash
# The guided setup end to end against moto, checked with the AWS CLI:
# plan, apply, rerun (no changes), status, drift, an interrupted run
# resumed, teardown (nothing left), and bad configuration.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
ledger=$S3WATCH_STATE_DIR/ledger.json
# Alerts and the analyser are steps 7-8; this test covers the others too,
# with a small rule pack so it stays quick.
setup() { run "$S3WATCH" setup "$@"; }
name() { "$S3WATCH_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$ledger" "$1"; }
buckets() { awscli s3api list-buckets --query 'Buckets[].Name' --output text; }
# The calls the proxy saw since the last sandbox_stats_reset, sorted, one
# line: compared with the exact lists below, so a call nobody listed fails.
calls() {
	sandbox_stats | "$S3WATCH_PYTHON" -c 'import json, sys
print(" ".join(sorted(json.load(sys.stdin)["by_action"])))'
}
# policy_values JSON FIELD: the sorted values of Action, Resource or
# Principal (as "Service:x") over every statement of a policy document.
policy_values() {
	"$S3WATCH_PYTHON" -c 'import json, sys
doc = json.loads(sys.argv[1])
doc = json.loads(doc) if isinstance(doc, str) else doc
st = doc["Statement"]
out = set()
for s in [st] if isinstance(st, dict) else st:
    v = s.get(sys.argv[2], [])
    if isinstance(v, dict):
        v = ["%s:%s" % (k, x) for k, xs in v.items()
             for x in ([xs] if isinstance(xs, str) else xs)]
    out.update([v] if isinstance(v, str) else v)
print(" ".join(sorted(out)))' "$1" "$2"
}

# Every call setup, status and teardown may make, and no other (the proxy
# labels Lambda's REST calls by method: LambdaGET is GetPolicy,
# LambdaPOST AddPermission, LambdaDELETE RemovePermission).
plan_calls="cloudtrail.DescribeTrails dynamodb.DescribeTable \
events.DescribeRule iam.GetRole lambda.GetFunction logs.DescribeLogGroups \
logs.DescribeMetricFilters logs.DescribeQueryDefinitions \
monitoring.DescribeAlarms monitoring.GetDashboard s3.GetBucketLogging \
s3.GetBucketPolicy s3.HeadBucket sns.GetTopicAttributes sts.GetCallerIdentity"
status_calls="cloudtrail.DescribeTrails cloudtrail.GetEventSelectors \
cloudtrail.GetTrailStatus dynamodb.DescribeTable dynamodb.DescribeTimeToLive \
events.DescribeRule events.ListTargetsByRule iam.GetRole iam.GetRolePolicy \
lambda.GetFunction lambda.LambdaGET logs.DescribeLogGroups \
logs.DescribeMetricFilters logs.DescribeQueryDefinitions logs.GetQueryResults \
logs.StartQuery monitoring.DescribeAlarms monitoring.GetDashboard \
s3.GetBucketLogging s3.GetBucketPolicy s3.GetPublicAccessBlock s3.HeadBucket \
s3.ListObjectsV2 sns.GetTopicAttributes sns.ListSubscriptionsByTopic \
sts.GetCallerIdentity"
apply_calls="cloudtrail.CreateTrail cloudtrail.DescribeTrails \
cloudtrail.GetEventSelectors cloudtrail.GetTrailStatus \
cloudtrail.PutEventSelectors cloudtrail.StartLogging cloudtrail.UpdateTrail \
dynamodb.CreateTable dynamodb.DescribeTable dynamodb.DescribeTimeToLive \
dynamodb.UpdateTimeToLive events.DescribeRule events.ListTargetsByRule \
events.PutRule events.PutTargets iam.CreateRole iam.GetRole iam.GetRolePolicy \
iam.PutRolePolicy lambda.CreateFunction lambda.GetFunction lambda.LambdaGET \
lambda.LambdaPOST logs.CreateLogGroup logs.DescribeLogGroups \
logs.DescribeMetricFilters logs.DescribeQueryDefinitions logs.GetQueryResults \
logs.PutMetricFilter logs.PutQueryDefinition logs.PutRetentionPolicy \
logs.StartQuery monitoring.DescribeAlarms monitoring.GetDashboard \
monitoring.PutDashboard monitoring.PutMetricAlarm s3.CreateBucket \
s3.GetBucketLogging s3.GetBucketPolicy s3.GetPublicAccessBlock s3.HeadBucket \
s3.ListObjectsV2 s3.PutBucketLogging s3.PutBucketPolicy s3.PutPublicAccessBlock \
sns.CreateTopic sns.GetTopicAttributes sns.ListSubscriptionsByTopic \
sns.SetTopicAttributes sts.GetCallerIdentity"
repair_calls="cloudtrail.DescribeTrails cloudtrail.GetEventSelectors \
cloudtrail.GetTrailStatus cloudtrail.StartLogging dynamodb.DescribeTable \
dynamodb.DescribeTimeToLive events.DescribeRule events.ListTargetsByRule \
iam.GetRole iam.GetRolePolicy lambda.GetFunction lambda.LambdaGET \
logs.DescribeLogGroups logs.DescribeMetricFilters logs.DescribeQueryDefinitions \
logs.GetQueryResults logs.PutRetentionPolicy logs.StartQuery \
monitoring.DescribeAlarms monitoring.GetDashboard s3.GetBucketLogging \
s3.GetBucketPolicy s3.GetPublicAccessBlock s3.HeadBucket s3.ListObjectsV2 \
s3.PutBucketPolicy sns.GetTopicAttributes sns.ListSubscriptionsByTopic \
sts.GetCallerIdentity"
# Step 8 alone, after the pack changed and its resources drifted: the
# function is made again with the new rules, the drifted EventBridge rule,
# metric filter and alarm put back.
repair8_calls="dynamodb.DescribeTable dynamodb.DescribeTimeToLive \
events.DescribeRule events.ListTargetsByRule events.PutRule iam.GetRole \
iam.GetRolePolicy lambda.CreateFunction lambda.DeleteFunction \
lambda.GetFunction lambda.LambdaGET lambda.LambdaPOST \
logs.DescribeMetricFilters logs.PutMetricFilter monitoring.DescribeAlarms \
monitoring.PutMetricAlarm sts.GetCallerIdentity"
teardown_calls="cloudtrail.DeleteTrail dynamodb.DeleteTable events.DeleteRule \
events.RemoveTargets iam.DeleteRole iam.DeleteRolePolicy lambda.DeleteFunction \
lambda.LambdaDELETE logs.DeleteLogGroup logs.DeleteMetricFilter \
logs.DeleteQueryDefinition logs.DescribeMetricFilters \
logs.DescribeQueryDefinitions monitoring.DeleteAlarms monitoring.DeleteDashboards \
monitoring.DescribeAlarms s3.DeleteBucket s3.DeleteBucketPolicy s3.DeleteObject \
s3.ListObjectsV2 s3.PutBucketLogging sns.DeleteTopic sts.GetCallerIdentity"

# --- plan: says what it would do, does nothing ---------------------------
sandbox_stats_reset
setup --plan
check_eq "plan exits 0" 0 "$status"
check_eq "plan makes exactly the read calls of an empty account" "$plan_calls" "$(calls)"
check_contains "plan would create the log bucket" "+ would call s3:CreateBucket s3-access-logs-" "$output"
check_contains "plan would create the trail" "+ would call cloudtrail:CreateTrail s3-security-monitoring-trail" "$output"
check_contains "plan would link the trail to the log group" "+ would call cloudtrail:UpdateTrail" "$output"
check_contains "plan reports no changes" "0 changes" "$output"
check_eq "plan created no bucket" "" "$(buckets)"
check_eq "the ledger is private" 600 "$(stat -c %a "$ledger")"
suffix=$(name suffix)
check_eq "the suffix is six letters or digits" 1 "$([[ $suffix =~ ^[a-z0-9]{6}$ ]] && echo 1)"

# --- apply ---------------------------------------------------------------
sandbox_stats_reset
setup --yes
check_eq "setup exits 0" 0 "$status"
check_eq "setup makes exactly the calls it may make" "$apply_calls" "$(calls)"
check_contains "setup created the trail" "+ cloudtrail:CreateTrail" "$output"
[ "$status" -eq 0 ] || printf '%s\n' "$output" | sed 's/^/#   /'
for b in "secure-docs-$suffix" "s3-access-logs-$suffix" "cloudtrail-logs-$suffix"; do
	check_contains "bucket $b exists" "$b" "$(buckets)"
done
# The alert rules name the run's trail and buckets, not ${trail_name}.
check_eq "no EventBridge rule keeps a \${setting}" "" \
	"$(awscli events list-rules --query 'Rules[].EventPattern' --output text | grep -o '\${[a-z_]*}' | sort -u)"
check_contains "the redirected-trail rule names the trail and its bucket" \
	'"name":["s3-security-monitoring-trail",{"suffix":":trail/s3-security-monitoring-trail"}],"$or":[{"s3BucketName":[{"anything-but":["cloudtrail-logs-'"$suffix"'"]}]}' \
	"$(awscli events describe-rule --name s3watch-cloudtrail-redirected --query EventPattern --output text)"
policy=$(awscli s3api get-bucket-policy --bucket "s3-access-logs-$suffix" --query Policy --output text)
check_contains "log delivery is for the monitored bucket only" "arn:aws:s3:::secure-docs-$suffix" "$policy"
check_contains "log delivery is for this account only" '"aws:SourceAccount":"123456789012"' "$policy"
check_contains "log delivery is under the prefix only" "arn:aws:s3:::s3-access-logs-$suffix/access-logs/*" "$policy"
pab=$(awscli s3api get-public-access-block --bucket "s3-access-logs-$suffix" --output text)
check_eq "the log bucket blocks public access" "True	True	True	True" "$(printf '%s' "$pab" | cut -f2-)"
logging=$(awscli s3api get-bucket-logging --bucket "secure-docs-$suffix" --output text)
check_contains "access logging targets the log bucket" "s3-access-logs-$suffix" "$logging"
trail=$(awscli cloudtrail get-trail --name s3-security-monitoring-trail)
check_contains "the trail is multi-region" '"IsMultiRegionTrail": true' "$trail"
check_contains "the trail validates log files" '"LogFileValidationEnabled": true' "$trail"
check_contains "the trail uses the log group's :* ARN" \
	'"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/s3-security-monitoring:*"' "$trail"
check_contains "the trail uses the delivery role" "role/CloudTrailLogsRole-$suffix" "$trail"
selectors=$(awscli cloudtrail get-event-selectors --trail-name s3-security-monitoring-trail)
check_contains "data events of the monitored bucket are logged" "arn:aws:s3:::secure-docs-$suffix/" "$selectors"
status_json=$(awscli cloudtrail get-trail-status --name s3-security-monitoring-trail)
check_contains "the trail is logging" '"IsLogging": true' "$status_json"
group=$(awscli logs describe-log-groups --log-group-name-prefix /aws/cloudtrail/s3-security-monitoring)
check_contains "the log group keeps 30 days" '"retentionInDays": 30' "$group"
trust=$(awscli iam get-role --role-name "CloudTrailLogsRole-$suffix" --query Role.AssumeRolePolicyDocument)
check_contains "only CloudTrail may assume the role" "cloudtrail.amazonaws.com" "$trust"
check_contains "only for this trail" "trail/s3-security-monitoring-trail" "$trust"
check_eq "only CloudTrail may assume the delivery role" "Service:cloudtrail.amazonaws.com" "$(policy_values "$trust" Principal)"
check_eq "... and only to assume it" "sts:AssumeRole" "$(policy_values "$trust" Action)"
rp=$(awscli iam get-role-policy --role-name "CloudTrailLogsRole-$suffix" --policy-name CloudTrailLogsDelivery --query PolicyDocument)
check_eq "the delivery role may create streams and put events, nothing else" \
	"logs:CreateLogStream logs:PutLogEvents" "$(policy_values "$rp" Action)"
check_eq "... only on the trail's streams of the group" \
	"arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/s3-security-monitoring:log-stream:123456789012_CloudTrail_*" \
	"$(policy_values "$rp" Resource)"
trust=$(awscli iam get-role --role-name "LambdaS3SecurityMonitorRole-$suffix" --query Role.AssumeRolePolicyDocument)
check_eq "only Lambda may assume the analyser's role" "Service:lambda.amazonaws.com" "$(policy_values "$trust" Principal)"
rp=$(awscli iam get-role-policy --role-name "LambdaS3SecurityMonitorRole-$suffix" --policy-name S3WatchAnalyser --query PolicyDocument)
check_eq "the analyser may write its logs, publish and keep its state, nothing else" \
	"dynamodb:DeleteItem dynamodb:GetItem dynamodb:PutItem dynamodb:UpdateItem logs:CreateLogGroup logs:CreateLogStream logs:PutLogEvents sns:Publish" \
	"$(policy_values "$rp" Action)"
check_eq "... only to its own log group, the alert topic and its table" \
	"arn:aws:dynamodb:us-east-1:123456789012:table/s3-security-monitor-$suffix-state arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/s3-security-monitor-$suffix arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/s3-security-monitor-$suffix:* arn:aws:sns:us-east-1:123456789012:s3-security-alerts-$suffix" \
	"$(policy_values "$rp" Resource)"

# --- step 8: the detections that alert without a console -------------------
fn=s3-security-monitor-$suffix
table=$fn-state
# The plan with the run's names, as step 8 makes it.
plan_json=$("$top_builddir/tests/lambda/analyser-plan" "$S3WATCH_RULES_DIR" --cidr 10.0.0.0/8 --cidr 172.16.0.0/12 --cidr 192.168.0.0/16 \
	--set source_bucket="secure-docs-$suffix" --set trail_bucket="cloudtrail-logs-$suffix" \
	--set log_bucket="s3-access-logs-$suffix" --set trail_name=s3-security-monitoring-trail \
	--set log_group=/aws/cloudtrail/s3-security-monitoring --set rule_prefix=s3watch-)
jq_plan() { "$S3WATCH_PYTHON" -c 'import json,sys; print(eval(sys.argv[2], {"p": json.loads(sys.argv[1]), "json": json}))' "$plan_json" "$1"; }
check_eq "the state table is on demand" "PAY_PER_REQUEST" \
	"$(awscli dynamodb describe-table --table-name "$table" --query Table.BillingModeSummary.BillingMode --output text)"
check_eq "... keyed by pk" "pk	HASH" "$(awscli dynamodb describe-table --table-name "$table" --query 'Table.KeySchema[0].[AttributeName,KeyType]' --output text)"
check_eq "... its items expire (TTL on ttl)" "ttl	ENABLED" \
	"$(awscli dynamodb describe-time-to-live --table-name "$table" --query 'TimeToLiveDescription.[AttributeName,TimeToLiveStatus]' --output text)"
env=$(awscli lambda get-function-configuration --function-name "$fn" --query Environment.Variables)
check_contains "the analyser knows its table" "\"STATE_TABLE\": \"$table\"" "$env"
check_contains "... the monitored bucket" "\"SOURCE_BUCKET\": \"secure-docs-$suffix\"" "$env"
check_contains "... the trail bucket" "\"TRAIL_BUCKET\": \"cloudtrail-logs-$suffix\"" "$env"
check_contains "... the access-log bucket" "\"LOG_BUCKET\": \"s3-access-logs-$suffix\"" "$env"
check_contains "... the monitored trail" "\"TRAIL_NAME\": \"s3-security-monitoring-trail\"" "$env"
routes=$(jq_plan 'len(p["routes"])')
check_eq "one EventBridge rule per route of the plan" "$routes" \
	"$(awscli events list-rules --name-prefix s3watch-analyser --query 'length(Rules)')"
deployed=$(awscli events describe-rule --name s3watch-analyser --query EventPattern --output text)
check_eq "the first has the plan's pattern" "$(jq_plan 'json.dumps(json.loads(p["routes"][0]), sort_keys=True)')" \
	"$("$S3WATCH_PYTHON" -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))' "$deployed")"
check_eq "... and targets the function" "arn:aws:lambda:us-east-1:123456789012:function:$fn" \
	"$(awscli events list-targets-by-rule --rule s3watch-analyser --query 'Targets[0].Arn' --output text)"
# An ordinary read does not invoke the analyser; a batch delete does.
read_ev='{"eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"k"},"eventTime":"2026-08-21T10:00:00Z"}'
del_ev='{"eventSource":"s3.amazonaws.com","eventName":"DeleteObjects","requestParameters":{"bucketName":"b"},"eventTime":"2026-08-21T10:00:00Z"}'
nread=0 ndel=0
for ((i = 1; i <= routes; i++)); do
	rule=s3watch-analyser
	[ "$i" -eq 1 ] || rule=s3watch-analyser-$i
	awscli events describe-rule --name "$rule" --query EventPattern --output text > "$SANDBOX_TMPDIR/route"
	"$S3WATCH" pattern test --pattern @"$SANDBOX_TMPDIR/route" --event "$read_ev" --wrap cloudtrail >/dev/null && nread=$((nread + 1))
	"$S3WATCH" pattern test --pattern @"$SANDBOX_TMPDIR/route" --event "$del_ev" --wrap cloudtrail >/dev/null && ndel=$((ndel + 1))
done
check_eq "no rule in front of the analyser passes a plain GetObject" 0 "$nread"
check_eq "a DeleteObjects reaches the analyser" 1 "$((ndel >= 1))"
check_eq "each rule may invoke the function, conditioned on its ARN and the account" "$routes" \
	"$(awscli lambda get-policy --function-name "$fn" --query Policy --output text | "$S3WATCH_PYTHON" -c '
import json, sys
p = json.load(sys.stdin)
print(sum(1 for s in p["Statement"] if s["Principal"] == {"Service": "events.amazonaws.com"}
          and s["Condition"]["ArnLike"]["AWS:SourceArn"].startswith("arn:aws:events:us-east-1:123456789012:rule/s3watch-analyser")
          and s["Condition"]["StringEquals"]["AWS:SourceAccount"] == "123456789012"))')"
filters=$(awscli logs describe-metric-filters --log-group-name /aws/cloudtrail/s3-security-monitoring --query 'metricFilters[].filterName' --output text)
check_eq "the plan's metric filters are on the trail's group" \
	"$(jq_plan '"\t".join(sorted(f["name"] for f in p["filters"]))')" "$filters"
check_eq "... among them the bulk-read rule's" \
	"s3watch-s3-bulk-read-bytes	s3watch-s3-bulk-read-bytes-noarn" "$filters"
check_eq "... summing the bytes read" "\$.additionalEventData.bytesTransferredOut" \
	"$(awscli logs describe-metric-filters --log-group-name /aws/cloudtrail/s3-security-monitoring --filter-name-prefix s3watch-s3-bulk-read-bytes-noarn --query 'metricFilters[0].metricTransformations[0].metricValue' --output text)"
alarm=$(awscli cloudwatch describe-alarms --alarm-names s3watch-s3-bulk-read-bytes --query 'MetricAlarms[0]')
check_contains "its alarm sums per principal over the window" \
	'SELECT SUM(\"s3watch-s3-bulk-read-bytes\") FROM SCHEMA(\"S3Watch\", Principal) GROUP BY Principal' "$alarm"
check_contains "... notifies the topic" "arn:aws:sns:us-east-1:123456789012:s3-security-alerts-$suffix" "$alarm"
check_contains "... at the rule's threshold" '"Threshold": 1073741824.0' "$alarm"

# --- the second run changes nothing ----------------------------------------
sandbox_stats_reset
setup --yes
check_eq "second setup exits 0" 0 "$status"
check_contains "second setup makes no change" "0 changes, 0 failed" "$output"
check_eq "second setup only reads" "$status_calls" "$(calls)"
run "$S3WATCH" setup --yes --json
check_eq "a JSON run makes no write call" 0 "$(printf '%s\n' "$output" | grep -c '"event":"answer".*"write":true')"

# --- status ----------------------------------------------------------------
sandbox_stats_reset
run "$S3WATCH" status
check_eq "status exits 0" 0 "$status"
check_eq "status only reads" "$status_calls" "$(calls)"
check_contains "status has a table" "STEP CHECK RESULT REASON" "$output"
check_contains "status passes P-04" "P-04  PASS" "$output"
check_eq "status has no FAIL" 0 "$(printf '%s\n' "$output" | grep -c ' FAIL ')"
# moto drops the key format; the sandbox proxy answers it back, as S3 does.
check_contains "status reads the partitioned key format back" \
	"PASS  log keys are partitioned by event time" "$output"
check_contains "status warns while allowed_cidrs is the shipped default" \
	"WARN  allowed_cidrs is the shipped default" "$output"
run "$S3WATCH" status --set allowed_cidrs=198.51.100.0/24
check_eq "chosen networks: no such warning" 0 "$(printf '%s\n' "$output" | grep -c 'allowed_cidrs is the shipped default')"

# --- setup asks for the networks on a terminal, and saves the answer ----------
xdg=$SANDBOX_TMPDIR/xdg
mkdir -p "$xdg/s3watch"
printf '# my settings\nsuffix = "%s"; # kept\nrequire_tls = false;\n' "$suffix" > "$xdg/s3watch/s3watch.conf"
printf 'not-a-cidr\n203.0.113.0/24, 10.0.0.0/8\n' > "$SANDBOX_TMPDIR/answers"
run env XDG_CONFIG_HOME="$xdg" script -qec "$S3WATCH setup --yes --only alerts" /dev/null < "$SANDBOX_TMPDIR/answers"
check_contains "setup asks which networks S3 calls come from" "Which networks are S3 calls expected from?" "$output"
check_contains "a bad CIDR is refused with the reason" "not-a-cidr" "$output"
check_contains "the answer is saved" "saved allowed_cidrs in $xdg/s3watch/s3watch.conf" "$output"
check_eq "the file keeps its lines and gains the key" \
	"$(printf '# my settings\nsuffix = "%s"; # kept\nrequire_tls = false;\n# networks access is expected from (IPv4 or IPv6 CIDRs)\nallowed_cidrs = ["203.0.113.0/24", "10.0.0.0/8"];' "$suffix")" \
	"$(cat "$xdg/s3watch/s3watch.conf")"
check_eq "the file is private" 600 "$(stat -c %a "$xdg/s3watch/s3watch.conf")"
run env XDG_CONFIG_HOME="$xdg" "$S3WATCH" status --only alerts
check_eq "with the saved networks, no warning" 0 "$(printf '%s\n' "$output" | grep -c 'allowed_cidrs is the shipped default')"
run "$S3WATCH" setup --yes --only alerts < /dev/null
check_contains "without a terminal, setup says the default is in force" "allowed_cidrs is the default" "$output"

# --- drift -----------------------------------------------------------------
awscli s3api put-bucket-policy --bucket "s3-access-logs-$suffix" \
	--policy '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::s3-access-logs-'"$suffix"'/*"}]}' >/dev/null
awscli logs put-retention-policy --log-group-name /aws/cloudtrail/s3-security-monitoring --retention-in-days 7
awscli cloudtrail stop-logging --name s3-security-monitoring-trail
run "$S3WATCH" status
check_eq "status fails after drift" 1 "$status"
check_contains "drifted bucket policy is found" "P-02  FAIL" "$output"
check_contains "stopped trail is found" "the trail is not logging" "$output"
sandbox_stats_reset
setup --yes
check_eq "setup repairs drift" 0 "$status"
check_contains "three repairs" "3 changes, 0 failed" "$output"
check_eq "the repairs are those three writes" "$repair_calls" "$(calls)"
run "$S3WATCH" status
check_eq "status passes after the repair" 0 "$status"

# --- step 8 drift: the pack changed, rules and alarms changed by hand -------
pack=$SANDBOX_TMPDIR/pack
cp -r "$S3WATCH_RULES_DIR" "$pack"
cat > "$pack/99-extra.conf" <<'EOF'
rules = ( { id = "extra-burst"; severity = "high";
	pattern = "{\"detail\":{\"eventName\":[\"RestoreObject\"]}}";
	count = { key = [ "principal" ]; threshold = 5; window = "5m"; }; } );
EOF
awscli events put-rule --name s3watch-analyser --event-pattern '{"source":["aws.s3"]}' >/dev/null
awscli cloudwatch delete-alarms --alarm-names s3watch-s3-bulk-read-bytes
# (through the proxy, whose PutMetricFilter replaces as AWS's does)
awscli_proxy logs put-metric-filter --log-group-name /aws/cloudtrail/s3-security-monitoring \
	--filter-name s3watch-s3-bulk-read-bytes-noarn --filter-pattern '{ $.eventName = "GetObject" }' \
	--metric-transformations metricName=x,metricNamespace=S3Watch,metricValue=1 >/dev/null
run env S3WATCH_RULES_DIR="$pack" "$S3WATCH" status --only 8
check_eq "status fails on step 8's drift" 1 "$status"
check_contains "a changed pack is drift of the analyser" \
	"P-08  FAIL  it runs analyser.handler with the pack's rules on python3.12 as LambdaS3SecurityMonitorRole-$suffix, publishing to s3-security-alerts-$suffix: not so (its code or rules differ from the pack)" "$output"
check_contains "... with the fix" "run s3watch setup --only 8" "$output"
check_contains "a changed EventBridge rule is found" "rule s3watch-analyser is not wired: it is disabled or has another pattern than the pack's" "$output"
check_contains "a missing alarm is found" "alarm s3watch-s3-bulk-read-bytes (rule s3-bulk-read-bytes) is missing" "$output"
check_contains "a changed metric filter is found" "metric filter s3watch-s3-bulk-read-bytes-noarn differs from the pack" "$output"
sandbox_stats_reset
run env S3WATCH_RULES_DIR="$pack" "$S3WATCH" setup --yes --only 8
check_eq "setup --only 8 repairs it" 0 "$status"
check_eq "the repairs are step 8's writes" "$repair8_calls" "$(calls)"
run env S3WATCH_RULES_DIR="$pack" "$S3WATCH" status --only 8
check_eq "step 8 passes after the repair" 0 "$status"
run env S3WATCH_RULES_DIR="$pack" "$S3WATCH" setup --yes --only 8
check_contains "... and a rerun changes nothing" "0 changes, 0 failed" "$output"
# Back to the shipped pack, for the rest.
run "$S3WATCH" setup --yes --only 8
check_eq "the shipped pack again" 0 "$status"

# --- teardown --------------------------------------------------------------
sandbox_stats_reset
run "$S3WATCH" teardown --yes --empty-buckets
check_eq "teardown exits 0" 0 "$status"
check_eq "teardown makes exactly the calls it may make" "$teardown_calls" "$(calls)"
check_eq "no bucket is left" "" "$(buckets)"
check_eq "no trail is left" "[]" "$(awscli cloudtrail describe-trails --query trailList)"
check_eq "no log group is left" "[]" "$(awscli logs describe-log-groups --query logGroups)"
check_eq "no role is left" "[]" "$(awscli iam list-roles --query 'Roles[?starts_with(RoleName, `CloudTrailLogsRole`)]')"
check_eq "no function is left" "[]" "$(awscli lambda list-functions --query Functions)"
check_eq "no EventBridge rule is left" "[]" "$(awscli events list-rules --query Rules)"
check_eq "no topic is left" "[]" "$(awscli sns list-topics --query Topics)"
check_eq "no table is left" "[]" "$(awscli dynamodb list-tables --query TableNames)"
check_eq "no alarm is left" "[]" "$(awscli cloudwatch describe-alarms --query MetricAlarms)"
check_eq "the ledger is empty" "[]" "$("$S3WATCH_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["resources"])' "$ledger")"

# --- an interrupted run converges -------------------------------------------
sandbox_stats_reset
fault '{"kind":"slow","service":"cloudtrail","action":"CreateTrail","delay_ms":3000}'
"$S3WATCH" setup --yes >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do
	[ "$(sandbox_stats by_action cloudtrail.CreateTrail)" -ge 1 ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check_eq "the killed run reached CreateTrail" 1 "$(sandbox_stats by_action cloudtrail.CreateTrail)"
check_contains "the ledger holds the trail it was creating" '"kind":"trail"' "$(cat "$ledger")"
faults_clear
# The proxy still delivers the killed run's CreateTrail once its delay is
# over; moto then replaces the trail (AWS would refuse it), so let it land
# before the resumed runs rather than between them.
for _ in $(seq 1 100); do
	grep -q 'CreateTrail -> [0-9]* fault=slow' "$SANDBOX_TMPDIR/proxy.log" && break
	sleep 0.1
done
setup --yes
check_eq "the resumed setup exits 0" 0 "$status"
setup --yes
check_contains "after resuming, a rerun makes no change" "0 changes, 0 failed" "$output"
run "$S3WATCH" teardown --yes --empty-buckets
check_eq "teardown after a resumed run exits 0" 0 "$status"
check_eq "nothing is left after resuming" "" "$(buckets)"

# --- bad configuration ------------------------------------------------------
conf=$SANDBOX_TMPDIR/bad.conf
run "$S3WATCH" setup --plan --config "$SANDBOX_TMPDIR/none.conf"
check_eq "a missing config file exits 3" 3 "$status"
check_contains "a missing config file is named" "none.conf: No such file or directory" "$output"
printf 'retention_days = "thirty";\n' > "$conf"
run "$S3WATCH" setup --plan --config "$conf"
check_eq "a wrong type exits 3" 3 "$status"
check_contains "a wrong type names file and line" "bad.conf:1: retention_days" "$output"
printf '# settings\nlog_buckt = "x";\n' > "$conf"
run "$S3WATCH" setup --plan --config "$conf"
check_contains "an unknown key names file and line" "bad.conf:2: unknown key 'log_buckt'" "$output"
printf 'allowed_cidrs = [ "10.0.0.0/8", "10.0.0.300/8" ];\n' > "$conf"
run "$S3WATCH" setup --plan --config "$conf"
check_contains "an invalid CIDR names file and line" "bad.conf:1: allowed_cidrs" "$output"
check_contains "an invalid CIDR is quoted" "10.0.0.300/8" "$output"
printf 'alert_email = "not an address";\n' > "$conf"
run "$S3WATCH" setup --plan --config "$conf"
check_contains "an invalid e-mail names file and line" "bad.conf:1: alert_email" "$output"
run "$S3WATCH" setup --plan --set retention_days=8
check_eq "a bad --set exits 2" 2 "$status"
check_contains "a bad --set is named" "--set retention_days" "$output"
run "$S3WATCH" setup --only 11 --plan
check_eq "an unknown step exits 2" 2 "$status"
check_contains "an unknown step is named" "no step '11'" "$output"

finish
