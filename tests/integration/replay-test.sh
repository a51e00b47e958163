#!/bin/bash
# s3watch replay: the shipped pack over its fixtures (every positive hits its
# rule, no negative does), CloudTrail files plain and gzipped, JSON lines on
# stdin, malformed input, a broken rules directory, the rules' settings from
# --set and the state file.
set -u
. "$top_srcdir/tests/integration/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pack=$top_srcdir/conf/rules.d
fixtures=$top_srcdir/tests/rules/fixtures
export S3WATCH_RULES_DIR=$pack

# hit_rules FILE: the rule of each hit line, one per line.
hit_rules() {
    sed -n 's/^{"rule":"\([^"]*\)".*/\1/p' "$1"
}

# --- every fixture ----------------------------------------------------------
# The settings the fixtures are written for, as --set options.
mapfile -t sets < <(python3 -c '
import json, sys
for k, v in json.load(open(sys.argv[1])).items():
    if v != []:
        print("--set")
        print("%s=%s" % (k, ",".join(v) if isinstance(v, list) else v))
' "$fixtures/settings.json")
missed="" wrong="" n=0
for f in "$fixtures"/*.pos.json* "$fixtures"/*.pos-*.json* "$fixtures"/*.neg.json* "$fixtures"/*.neg-*.json*; do
    [ -e "$f" ] || continue
    base=${f##*/}
    rule=${base%%.*}
    "$S3WATCH" replay "${sets[@]}" "$f" > "$work/out" 2> "$work/err" || wrong="$wrong $base(exit)"
    n=$((n + 1))
    if [[ $base == *.pos[.-]* ]]; then
        hit_rules "$work/out" | grep -qx "$rule" || missed="$missed $base"
    else
        ! hit_rules "$work/out" | grep -qx "$rule" || wrong="$wrong $base"
    fi
done
check_eq "every positive fixture hits its rule" "" "$missed"
check_eq "no negative fixture hits its rule" "" "$wrong"
check_eq "every fixture ran" "$(ls "$fixtures" | grep -c '\.\(pos\|neg\)[-.]')" "$n"

# --- the checks' settings -------------------------------------------------------
backdoor=$fixtures/s3-bucket-policy-grant.pos.json
run "$S3WATCH" replay "$backdoor"
check_contains "the cross-account backdoor is high, with its reason" \
    '"rule":"s3-bucket-policy-grant","severity":"high"' "$output"
check_contains "the reason names the statement and the account" \
    '"reason":"statement \"ReplicationPartner\" allows account \"arn:aws:iam::444455556666:root\"' "$output"
run "$S3WATCH" replay --set trusted_accounts=111122223333,444455556666 "$backdoor"
check_eq "a trusted account is no backdoor" "" "$(grep s3-bucket-policy-grant <<< "$output")"
run "$S3WATCH" replay --set trusted_accounts=4444 "$backdoor"
check_eq "a bad trusted account exits 2" 2 "$status"
check_contains "a bad trusted account is named" "'4444' is not an AWS account id" "$output"
run "$S3WATCH" replay "$fixtures/s3-lifecycle-expiration.pos-trail-bucket.json"
check_eq "the trail bucket is not known without the suffix" "" "$(grep s3-lifecycle-expiration <<< "$output")"
run "$S3WATCH" replay --set suffix=x --set trail_bucket=acme-cloudtrail-logs \
    "$fixtures/s3-lifecycle-expiration.pos-trail-bucket.json"
check_contains "--set trail_bucket names it" '"rule":"s3-lifecycle-expiration","severity":"high"' "$output"
run "$S3WATCH" replay --set log_expiry_min_days=0 "$fixtures/s3-lifecycle-expiration.pos.json"
check_eq "log_expiry_min_days=0 judges only the log buckets" "" "$(grep s3-lifecycle-expiration <<< "$output")"

# --- CloudTrail log files -----------------------------------------------------
# Three records in one file, as CloudTrail writes them; one of them twice,
# gzipped, the way they sit in the trail bucket.
{
    printf '{"Records":['
    tr -d '\n' < "$fixtures/s3-bucket-deleted.pos.json"
    printf ','
    tr -d '\n' < "$fixtures/s3-object-denied.pos.json"
    printf ','
    tr -d '\n' < "$fixtures/s3-object-denied.neg.json"
    printf ']}'
} > "$work/111122223333_CloudTrail_eu-west-1_20260821T1015Z_a1b2.json"
ct=$work/111122223333_CloudTrail_eu-west-1_20260821T1015Z_a1b2.json
run "$S3WATCH" replay --stats "$ct"
check_eq "CloudTrail file exits 0" 0 "$status"
check_contains "CloudTrail file: DeleteBucket hit" '"rule":"s3-bucket-deleted","severity":"high"' "$output"
check_contains "CloudTrail file: denied hit" '"rule":"s3-object-denied","severity":"low"' "$output"
check_contains "CloudTrail file: hit fields" '"action":"s3:GetObject","resource":"acme-data/finance/payroll-2026-08.csv"' "$output"
check_contains "--stats counts the events" "3 events, 0 malformed, 2 hits" "$output"
check_contains "--stats gives events per second" "events/s" "$output"

gzip -c "$ct" > "$work/trail.json.gz"
run "$S3WATCH" replay "$work/trail.json.gz"
check_eq "gzipped CloudTrail file exits 0" 0 "$status"
check_eq "gzipped CloudTrail file: same hits" 2 "$(grep -c '^{"rule"' <<< "$output")"

# --- JSON lines on stdin, CloudTrail records and EventBridge events ---------
{
    tr -d '\n' < "$fixtures/s3-bucket-deleted.pos.json"; echo
    printf '{"version":"0","id":"7f2c","detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","account":"111122223333","time":"2026-08-21T10:15:42Z","region":"eu-west-1","resources":[],"detail":'
    tr -d '\n' < "$fixtures/cloudtrail-stopped.pos.json"; echo '}'
} > "$work/lines.jsonl"
run "$S3WATCH" replay - < "$work/lines.jsonl"
check_eq "JSON lines on stdin exit 0" 0 "$status"
check_contains "JSON lines: CloudTrail record" '"rule":"s3-bucket-deleted"' "$output"
check_contains "JSON lines: EventBridge event" '"rule":"cloudtrail-stopped","severity":"critical"' "$output"

# --- malformed input ------------------------------------------------------------
{
    tr -d '\n' < "$fixtures/s3-bucket-deleted.pos.json"; echo
    echo '{"eventSource":"s3.amazonaws.com","eventName":'
    echo '[1,2,3]'
    printf '{"eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","sourceIPAddress":"10.0.0.1","requestParameters":{"bucketName":"b\\u001b]0;pwned\\u0007"}}\n'
} > "$work/bad.jsonl"
run "$S3WATCH" replay "$work/bad.jsonl"
check_eq "malformed records are not fatal" 0 "$status"
check_contains "malformed record named by file and number" "bad.jsonl: record 2:" "$output"
check_contains "a non-object is reported" "bad.jsonl: record 3:" "$output"
check_contains "malformed records are counted" "2 malformed records skipped" "$output"
check_eq "records after the bad ones still run" 2 "$(grep -c '"rule":"s3-bucket-deleted"' <<< "$output")"
check_contains "control characters are escaped" '"resource":"b\u001b]0;pwned\u0007"' "$output"

printf '{"Records":[' > "$work/truncated.json"
tr -d '\n' < "$fixtures/s3-bucket-deleted.pos.json" >> "$work/truncated.json"
printf ',{"eventVersion":"1.10","eventName":"Del' >> "$work/truncated.json"
run "$S3WATCH" replay "$work/truncated.json" "$ct"
check_eq "truncated CloudTrail file is not fatal" 0 "$status"
check_contains "truncated record reported" "truncated.json: record 2:" "$output"
check_eq "the rest still runs" 3 "$(grep -c '^{"rule"' <<< "$output")"

run "$S3WATCH" replay "$work/nosuch.json" "$ct"
check_eq "missing input exits 1" 1 "$status"
check_contains "missing input named" "nosuch.json: No such file or directory" "$output"
check_contains "other inputs still run" '"rule":"s3-bucket-deleted"' "$output"

# --- a broken rules directory ---------------------------------------------------
mkdir "$work/rules.d"
cp "$pack/00-seed.conf" "$work/rules.d/"
printf 'rules = (\n{ id = "x"; severity = "low";\n  pattern = "{\\"detail\\":{\\"eventName\\":[]}}"; }\n);\n' > "$work/rules.d/10-bad.conf"
printf 'rules = ( { id = "y"; severity = ; } );\n' > "$work/rules.d/20-syntax.conf"
run "$S3WATCH" replay --rules "$work/rules.d" "$ct"
check_eq "bad rules still run" 0 "$status"
check_contains "semantic error has file:line:reason" "$work/rules.d/10-bad.conf:3: invalid pattern: Empty arrays are not allowed" "$output"
check_contains "syntax error has file:line" "$work/rules.d/20-syntax.conf:1: " "$output"
check_contains "good rules of the pack still hit" '"rule":"s3-bucket-deleted"' "$output"

run "$S3WATCH" replay --rules "$work/nosuch.d" "$ct"
check_eq "unreadable rules dir exits 3" 3 "$status"
check_contains "unreadable rules dir named" "nosuch.d" "$output"

# --- allowed CIDRs and state --------------------------------------------------
run "$S3WATCH" replay "$fixtures/source-ip-outside-allowed.pos.json"
check_contains "outside the default 10.0.0.0/8" '"rule":"source-ip-outside-allowed"' "$output"
run "$S3WATCH" replay --allowed-cidr 203.0.113.0/24 --allowed-cidr 10.0.0.0/8 "$fixtures/source-ip-outside-allowed.pos.json"
check_eq "--allowed-cidr widens the allow-list" "" "$(grep source-ip-outside <<< "$output")"
run "$S3WATCH" replay --allowed-cidr 300.1.1.1/8 "$ct"
check_eq "bad --allowed-cidr exits 2" 2 "$status"

head -n 10 "$fixtures/s3-denied-burst.pos.jsonl" > "$work/burst1.jsonl"
tail -n +11 "$fixtures/s3-denied-burst.pos.jsonl" > "$work/burst2.jsonl"
run "$S3WATCH" replay --state "$work/state" "$work/burst1.jsonl"
check_eq "no burst after 10 events" "" "$(grep s3-denied-burst <<< "$output")"
check_eq "state file is private" 600 "$(stat -c %a "$work/state")"
run "$S3WATCH" replay --state "$work/state" "$work/burst2.jsonl"
check_contains "the count survives a restart" '"rule":"s3-denied-burst"' "$output"
echo garbage > "$work/state"
run "$S3WATCH" replay --state "$work/state" "$work/burst1.jsonl"
check_eq "corrupt state is not fatal" 0 "$status"
check_contains "corrupt state reported" "state:1: not an s3watch rules state file; state ignored" "$output"

run "$S3WATCH" replay
check_eq "no input exits 2" 2 "$status"
run "$S3WATCH" replay --help
check_contains "--help shows usage" "usage: s3watch replay" "$output"

finish
