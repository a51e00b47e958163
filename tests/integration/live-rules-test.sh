#!/bin/bash
# Evidence from live sandbox traffic, shaped as AWS writes it: S3 server
# access log objects in S3's format and keys (tests/sandbox/s3accesslog.py),
# CloudTrail records that carry the request bodies (tests/sandbox/ctbodies.py,
# checked against published records by tests/sandbox/test_ctbodies.py), and
# the rules those records raise in `monitor` when the suspicious calls are
# made with the AWS CLI through the proxy.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

check "the body conversion matches the published CloudTrail records" \
	"$S3WATCH_PYTHON" "$top_srcdir/tests/sandbox/test_ctbodies.py"

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
sets=(--set require_tls=false --set alert_email=ops@example.com)
group=/aws/cloudtrail/s3-security-monitoring
py() { "$S3WATCH_PYTHON" - "$@"; }
_control POST cloudtrail '{"delay_ms":0}' >/dev/null
run "$S3WATCH" setup --yes "${sets[@]}"
check_eq "setup exits 0" 0 "$status"
check_contains "GetBucketLogging keeps the partitioned key format" \
	"PASS    log keys are partitioned by event time" "$output"
suffix=$(py "$S3WATCH_STATE_DIR/ledger.json" <<'EOF'
import json, sys
print(json.load(open(sys.argv[1]))["suffix"])
EOF
)
src=secure-docs-$suffix
trail=cloudtrail-logs-$suffix
logs=s3-access-logs-$suffix

# fields FILE...: the number of fields of each line, split as S3 writes them
# (space-separated; [time] and "quoted" fields hold spaces).
fields() {
	py "$@" <<'EOF'
import re, sys
field = re.compile(r'\[[^\]]*\]|"[^"]*"|[^ ]+')
for name in sys.argv[1:]:
    for line in open(name):
        print(len(field.findall(line.rstrip("\n"))))
EOF
}

# --- access logs: S3's format, partitioned keys -----------------------------
echo "access log test" > "$SANDBOX_TMPDIR/object"
check "put an object through the proxy" \
	awscli_proxy s3api put-object --bucket "$src" --key 'dir/a b+c.txt' --body "$SANDBOX_TMPDIR/object"
run awscli_proxy s3api head-object --bucket "$src" --key no-such-key
check_contains "a missing key through the proxy" "Not Found" "$output"
keys=$(awscli s3api list-objects-v2 --bucket "$logs" --prefix access-logs/ \
	--query 'Contents[].Key' --output text | tr '\t' '\n')
check_eq "every log key is partitioned by event time" "" \
	"$(printf '%s\n' "$keys" | grep -vE "^access-logs/123456789012/us-east-1/$src/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{4}(-[0-9]{2}){5}-[0-9A-F]{16}\$")"
mkdir "$SANDBOX_TMPDIR/logs"
n=0
for key in $keys; do
	n=$((n + 1))
	awscli s3 cp "s3://$logs/$key" "$SANDBOX_TMPDIR/logs/$n" --quiet
done
check_eq "each log object is one line" "$n" "$(cat "$SANDBOX_TMPDIR"/logs/* | wc -l)"
check_eq "every line has the 27 fields of S3's current format" 27 \
	"$(fields "$SANDBOX_TMPDIR"/logs/* | sort -u | tr '\n' ' ' | sed 's/ $//')"
line=$(grep -h ' REST.PUT.OBJECT dir/a%20b%2Bc.txt ' "$SANDBOX_TMPDIR"/logs/*)
check_contains "the upload is logged with its URI and status" \
	'"PUT /'"$src"'/dir/a%20b%2Bc.txt HTTP/1.1" 200 - - 16 ' "$line"
check_contains "the requester is the IAM user" "arn:aws:iam::123456789012:user/sandbox-user" "$line"
check_contains "a missing key is logged with its status" \
	" REST.HEAD.OBJECT no-such-key \"HEAD /$src/no-such-key HTTP/1.1\" 404 NoSuchKey " \
	"$(cat "$SANDBOX_TMPDIR"/logs/*)"
check_eq "moto writes no log objects of its own" 0 \
	"$(cat "$SANDBOX_TMPDIR"/logs/* | grep -c originbucket)"

# Validation test 1 reads the newest object with s3watch's own parser.
run "$S3WATCH" validate --only 1 --wait 10 --poll 300 "${sets[@]}"
check_eq "validation test 1 passes" 0 "$status"
check_contains "s3watch's parser reads every field of every line" \
	"log line(s) parsed (0 malformed), up to 27 fields, including the test object's upload" "$output"

# A bucket without a key format gets simple keys.
check "a second bucket" awscli_proxy s3api create-bucket --bucket plain-src
check "its log bucket" awscli_proxy s3api create-bucket --bucket plain-logs
check "which S3 logging may write to" awscli_proxy s3api put-bucket-policy --bucket plain-logs \
	--policy '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::plain-logs/*"}]}'
check "logging with a prefix only" awscli_proxy s3api put-bucket-logging --bucket plain-src \
	--bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"plain-logs","TargetPrefix":"p/"}}'
check "a listing of it" awscli_proxy s3api list-objects-v2 --bucket plain-src
check_eq "simple keys: prefix, time, unique string" \
	"$(awscli s3api list-objects-v2 --bucket plain-logs --query 'length(Contents[])')" \
	"$(awscli s3api list-objects-v2 --bucket plain-logs --query 'Contents[].Key' --output text |
		tr '\t' '\n' | grep -cE '^p/[0-9]{4}(-[0-9]{2}){5}-[0-9A-F]{16}$')"

# --- the suspicious calls raise their rules end to end -----------------------
check "versioning suspended" awscli_proxy s3api put-bucket-versioning --bucket "$src" \
	--versioning-configuration Status=Suspended
check "Block Public Access off" awscli_proxy s3api put-public-access-block --bucket "$src" \
	--public-access-block-configuration \
	BlockPublicAcls=false,IgnorePublicAcls=false,BlockPublicPolicy=false,RestrictPublicBuckets=false
check "a 1-day expiration on the trail bucket" \
	awscli_proxy s3api put-bucket-lifecycle-configuration --bucket "$trail" --lifecycle-configuration \
	'{"Rules":[{"ID":"expire-fast","Status":"Enabled","Filter":{"Prefix":""},"Expiration":{"Days":1}}]}'
check "access logging disabled" awscli_proxy s3api put-bucket-logging --bucket "$src" \
	--bucket-logging-status '{}'
before=$(awscli s3api list-objects-v2 --bucket "$logs" --query 'length(Contents[])')
check "another upload" awscli_proxy s3api put-object --bucket "$src" --key after --body "$SANDBOX_TMPDIR/object"
check_eq "with logging off, no more log objects" "$before" \
	"$(awscli s3api list-objects-v2 --bucket "$logs" --query 'length(Contents[])')"
_control POST cloudtrail '{"flush":true}' >/dev/null

run "$S3WATCH" monitor --group "$group" --since 1h --json --poll 200 --no-resume
check_eq "monitor exits 0" 0 "$status"
# hits EVENT: the rule ids monitor raised on the records of EVENT, a line each.
hits() {
	printf '%s\n' "$output" | grep '^{' | "$S3WATCH_PYTHON" -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("event") == sys.argv[1]:
        print(" ".join(h["rule"] for h in r.get("hits", [])))' "$1"
}
check_contains "versioning suspended raises its rule" s3-versioning-suspended \
	"$(hits PutBucketVersioning)"
check_contains "Block Public Access off raises its rule" s3-bucket-bpa-weakened \
	"$(hits PutBucketPublicAccessBlock)"
check_contains "the trail bucket's expiration raises its rule" s3-lifecycle-expiration \
	"$(hits PutBucketLifecycle)"
check_contains "logging disabled raises its rule" s3-access-logging-disabled \
	"$(hits PutBucketLogging)"
# Setup's and plain-src's PutBucketLogging turn logging on: no hit.
check_eq "only the call that turns logging off raises it" 1 \
	"$(hits PutBucketLogging | grep -c s3-access-logging-disabled)"
finish
