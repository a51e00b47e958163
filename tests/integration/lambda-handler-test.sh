#!/usr/bin/env bash
# The Lambda analyser (conf/lambda/analyser.py), with the Python that has
# moto: its pattern matcher against the C engine's cases
# (tests/lambda/test_patterns.py), its checks and handler against moto
# in-process (test_analyser.py), and the agreement of the analyser with
# `s3watch replay` on every fixture of every rule it runs and on seeded
# streams over every stateful path (test_agreement.py), and of its checks
# with the console's on seeded mutations of the check cases
# (test_differential.py).
set -uo pipefail

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_builddir
# shellcheck source=tests/integration/lib.sh
. "$top_srcdir/tests/integration/lib.sh"

python=${S3WATCH_PYTHON:-python3}
run "$python" -c 'import boto3, moto'
check_eq "the test Python ($python) has boto3 and moto" 0 "$status"

# Parsed, not byte-compiled: the source tree may be read-only (distcheck).
run "$python" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' \
    "$top_srcdir/conf/lambda/analyser.py"
check_eq "analyser.py parses" 0 "$status"

for t in test_patterns test_analyser test_agreement test_differential; do
    run "$python" "$top_srcdir/tests/lambda/$t.py" -v
    check_eq "$t passes" 0 "$status"
    if [ "$status" -ne 0 ]; then
        printf '%s\n' "$output" | tail -60 | sed 's/^/#   /'
    fi
    check_contains "every test of $t ran" "OK" "$(printf '%s\n' "$output" | tail -1)"
done

finish
