#!/bin/bash
# Every typed AWS operation (src/svc_*.c) against moto: one sandbox, then
# each svc-*-test program (cmocka), whose results are checked with the real
# AWS CLI inside the programs.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

# SVC_ONLY="svc-query-test ..." runs only those programs.
for prog in ${SVC_ONLY:-svc-s3-test svc-cloudtrail-test svc-logs-test svc-query-test \
	svc-json-test svc-dynamodb-test}; do
	run "$top_builddir/tests/integration/$prog"
	printf '%s\n' "$output" | sed "s/^/  [$prog] /"
	check_eq "$prog passes" 0 "$status"
done
finish
