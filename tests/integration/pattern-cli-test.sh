#!/bin/bash
# s3watch pattern test: match/nomatch and exit codes, @file, AWS's reason
# for an invalid pattern, a malformed event, and CloudTrail wrapping.
set -u
. "$top_srcdir/tests/integration/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run "$S3WATCH" pattern test --pattern '{"source":["aws.s3"]}' --event '{"source":"aws.s3"}'
check_eq "match exits 0" 0 "$status"
check_eq "match prints match" "match" "$output"

run "$S3WATCH" pattern test --pattern '{"source":["aws.s3"]}' --event '{"source":"aws.ec2"}'
check_eq "nomatch exits 1" 1 "$status"
check_eq "nomatch prints nomatch" "nomatch" "$output"

run "$S3WATCH" pattern test --pattern '{"n":[3]}' --event '{"n":3.0e0}'
check_eq "numbers compare by value" "match" "$output"

printf '%s\n' '{"detail":{"key":[{"suffix":".png"}]}}' > "$tmp/pattern.json"
printf '%s\n' '{"detail":{"key":"cat.png"}}' > "$tmp/event.json"
run "$S3WATCH" pattern test --pattern @"$tmp/pattern.json" --event @"$tmp/event.json"
check_eq "@file arguments" "match" "$output"

run "$S3WATCH" pattern test --pattern @"$tmp/missing.json" --event '{}'
check_eq "missing @file exits 2" 2 "$status"
check_contains "missing @file is named" "missing.json" "$output"

run "$S3WATCH" pattern test --pattern '{"a":[{"numeric":[">",1,">",5]}]}' --event '{}'
check_eq "invalid pattern exits 2" 2 "$status"
check_eq "invalid pattern gives AWS's reason" \
    "Event pattern is not valid. Reason: Bad numeric range operator: >" "$output"

run "$S3WATCH" pattern test --pattern '{"a":"x"}' --event '{}'
check_eq "non-array value reason" \
    'Event pattern is not valid. Reason: "a" must be an object or an array' "$output"

run "$S3WATCH" pattern test --pattern '{"a":[{"wildcard":"*:*:*:*:*:event-bus/*"}]}' --event '{}'
check_contains "wildcard complexity reason" "Rule is too complex" "$output"

run "$S3WATCH" pattern test --pattern '{"a":[1]}' --event '{"a":1,'
check_eq "malformed event exits 2" 2 "$status"
check_contains "malformed event gives the offset" "offset" "$output"

run "$S3WATCH" pattern test --pattern '{"a":[1]}' --event '[1]'
check_eq "array event exits 2" 2 "$status"

record='{"eventSource":"s3.amazonaws.com","eventName":"PutObject","eventType":"AwsApiCall","eventID":"e1","recipientAccountId":"123456789012","awsRegion":"us-east-1","eventTime":"2024-01-01T00:00:00Z"}'
ctpattern='{"source":["aws.s3"],"detail-type":["AWS API Call via CloudTrail"],"detail":{"eventName":["PutObject"]}}'
run "$S3WATCH" pattern test --pattern "$ctpattern" --event "$record"
check_eq "a record is not wrapped by default" 1 "$status"
run "$S3WATCH" pattern test --wrap cloudtrail --pattern "$ctpattern" --event "$record"
check_eq "--wrap cloudtrail" "match" "$output"
run "$S3WATCH" pattern test --wrap auto --pattern "$ctpattern" --event "$record"
check_eq "--wrap auto" "match" "$output"
run "$S3WATCH" pattern test --wrap bogus --pattern "$ctpattern" --event "$record"
check_eq "bad --wrap exits 2" 2 "$status"

run "$S3WATCH" pattern test --pattern '{"a":[1]}'
check_eq "missing --event exits 2" 2 "$status"
run "$S3WATCH" pattern frobnicate
check_eq "unknown subcommand exits 2" 2 "$status"
run "$S3WATCH" pattern --help
check_eq "--help exits 0" 0 "$status"
check_contains "--help shows usage" "pattern test" "$output"

finish
