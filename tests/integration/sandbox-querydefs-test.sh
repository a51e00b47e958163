#!/usr/bin/env bash
# The sandbox proxy's own CloudWatch Logs query definitions (moto 5.2.1
# answers PutQueryDefinition, DescribeQueryDefinitions and
# DeleteQueryDefinition with HTTP 500), seen through the real AWS CLI.
set -uo pipefail

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

field() { "$S3WATCH_PYTHON" -c 'import json, sys; v = json.load(sys.stdin)
for k in sys.argv[1:]: v = v[int(k)] if isinstance(v, list) else v[k]
print(v if not isinstance(v, (list, dict)) else json.dumps(v))' "$@"; }

sandbox_up

run awscli_proxy logs put-query-definition --name s3watch/a --query-string 'fields @timestamp' \
    --log-group-names g1
check_eq "PutQueryDefinition works through the proxy" 0 "$status"
id=$(printf '%s' "$output" | field queryDefinitionId)
run awscli_proxy logs put-query-definition --name other/b --query-string 'fields @message'
check_eq "a second definition" 0 "$status"

run awscli_proxy logs describe-query-definitions --query-definition-name-prefix s3watch/
check_eq "DescribeQueryDefinitions filters by prefix" 1 \
    "$(printf '%s' "$output" | field queryDefinitions | "$S3WATCH_PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check_eq "it returns the id" "$id" "$(printf '%s' "$output" | field queryDefinitions 0 queryDefinitionId)"
check_eq "and the log groups" '["g1"]' "$(printf '%s' "$output" | field queryDefinitions 0 logGroupNames)"

run awscli_proxy logs put-query-definition --query-definition-id "$id" --name s3watch/a \
    --query-string 'fields @message' --log-group-names g2
check_eq "an update by id keeps the id" "$id" "$(printf '%s' "$output" | field queryDefinitionId)"
run awscli_proxy logs describe-query-definitions --query-definition-name-prefix s3watch/
check_eq "the update took" "fields @message" \
    "$(printf '%s' "$output" | field queryDefinitions 0 queryString)"

run awscli_proxy logs put-query-definition --query-definition-id nope --name x --query-string y
check_contains "an update of a missing id is ResourceNotFoundException" \
    ResourceNotFoundException "$output"

run awscli_proxy logs delete-query-definition --query-definition-id "$id"
check_eq "DeleteQueryDefinition" 0 "$status"
run awscli_proxy logs delete-query-definition --query-definition-id "$id"
check_contains "a second delete is ResourceNotFoundException" ResourceNotFoundException "$output"

fault '{"kind":"throttle","service":"logs","action":"DescribeQueryDefinitions","count":1}'
run awscli_proxy logs describe-query-definitions
check_contains "faults still apply to them" ThrottlingException "$output"

finish
