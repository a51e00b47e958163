#!/bin/bash
# Every typed AWS operation (src/svc_*.c) against moto: one sandbox, then
# each svc-*-test program (cmocka), whose results are checked with the real
# AWS CLI inside the programs.
set -u
. "$top_srcdir/tests/integration/lib.sh"
# Plain: these test each operation's request and answer shapes, with
# fixtures that lean on moto's leniency (a trail on a bucket without
# CloudTrail's policy, one FilterLogEvents page, AssumeRole of a role that
# trusts the account, which strict moto refuses though AWS allows it).
# Signing is checked strict by keys-test and the rest of the suite.
sandbox_up --plain

# SVC_ONLY="svc-query-test ..." runs only those programs.
for prog in ${SVC_ONLY:-svc-s3-test svc-cloudtrail-test svc-logs-test svc-query-test \
	svc-json-test svc-dynamodb-test}; do
	run "$top_builddir/tests/integration/$prog"
	printf '%s\n' "$output" | sed "s/^/  [$prog] /"
	check_eq "$prog passes" 0 "$status"
done
finish
