#!/usr/bin/env bash
# The Lambda analyser (conf/lambda/analyser.py) against moto, in-process:
# runs tests/lambda/test_analyser.py with the Python that has moto.
set -uo pipefail

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

python=${S3WATCH_PYTHON:-python3}
run "$python" -c 'import boto3, moto'
check_eq "the test Python ($python) has boto3 and moto" 0 "$status"

# Parsed, not byte-compiled: the source tree may be read-only (distcheck).
run "$python" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' \
    "$top_srcdir/conf/lambda/analyser.py"
check_eq "analyser.py parses" 0 "$status"

run "$python" "$top_srcdir/tests/lambda/test_analyser.py" -v
check_eq "analyser unit tests pass against moto" 0 "$status"
if [ "$status" -ne 0 ]; then
    printf '%s\n' "$output" | tail -40 | sed 's/^/#   /'
fi
check_contains "every test ran" "OK" "$(printf '%s\n' "$output" | tail -1)"

finish
