#!/bin/bash
# valgrind on the monitor loop and the setup engine: no invalid access and
# nothing leaked, over a real run against the sandbox.
set -u
. "$top_srcdir/tests/integration/lib.sh"
if ! command -v valgrind >/dev/null; then
	echo "FAIL: valgrind is required (apt-get install valgrind)" >&2
	exit 1
fi
sandbox_up
export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
vg() {
	valgrind --quiet --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		"$S3WATCH" "$@"
}
group=/aws/cloudtrail/s3-security-monitoring
"$S3WATCH_PYTHON" "$top_srcdir/tests/bench/gen-events.py" --seed 7 --count 300 > "$SANDBOX_TMPDIR/ev.jsonl"
"$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$group" s1 "$SANDBOX_TMPDIR/ev.jsonl" >/dev/null
printf 'not json\n' > "$SANDBOX_TMPDIR/bad.jsonl"
"$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$group" s2 "$SANDBOX_TMPDIR/bad.jsonl" --ago-ms 1000 >/dev/null

fault '{"kind":"throttle","service":"logs","action":"FilterLogEvents","count":2}' \
	'{"kind":"reset","service":"logs","action":"FilterLogEvents","count":1}'
run vg monitor --group "$group" --since 1h --json --poll 200 --page-limit 100
check_eq "the monitor loop is valgrind-clean" 0 "$status"
check_eq "the monitor saw every event" 301 "$(printf '%s\n' "$output" | grep -c '^{')"
faults_clear

run vg alerts list --all
check_eq "alerts list is valgrind-clean" 0 "$status"
run vg setup --plan --only 1
check_eq "the setup engine is valgrind-clean" 0 "$status"
run vg replay "$SANDBOX_TMPDIR/ev.jsonl"
check_eq "replay is valgrind-clean" 0 "$status"
finish
