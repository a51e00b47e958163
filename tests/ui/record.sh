#!/bin/bash
# Records the AWS answers the screen tests replay, against moto through
# the sandbox proxy (POST /_sandbox/record), into
# tests/ui/screens/*/recording.jsonl; then writes the reference screens
# from them (UPDATE_SCREENS=1 screen-test.sh).  Run it by hand, with moto,
# when what the console asks changes:
#
#   top_srcdir=$PWD S3WATCH=$PWD/s3watch tests/ui/record.sh
#
# Delivery of CloudTrail records is held back for the whole session, so
# the log group holds only tests/ui/screens/events.jsonl and every poll
# of the monitor sees the same events.
set -u
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/screenlib.sh"
S3WATCH=${S3WATCH:-$PWD/s3watch}
sandbox_up
_control POST cloudtrail '{"delay_ms": 86400000}' > /dev/null

record() {
	local name=$1 out=$SANDBOX_TMPDIR/rec-$1
	_control POST record "{\"path\": \"$screens/$name/recording.jsonl\"}" \
		> /dev/null
	screen_run "$name" 80x24 "$out" "$S3WATCH_SANDBOX_PROXY_URL"
	_control DELETE record > /dev/null
	check_eq "$name: recorded" 0 "$(cat "$out/status")$(head -c 400 "$out/stderr")"
	rm -f "$screens/$name/"*.[0-9]*x[0-9]*
}

# The wizard starts from an account with nothing.
record setup

# The rest from a complete setup with events in its log group.
run env S3WATCH_STATE_DIR="$SANDBOX_TMPDIR/setup-state" "$S3WATCH" setup \
	--yes "${screen_sets[@]}"
check_eq "the account is set up" 0 "$status"
"$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" \
	/aws/cloudtrail/s3-security-monitoring 123456789012_CloudTrail_us-east-1 \
	"$screens/events.jsonl" --ago-ms 600000 --spread-ms 60000 > /dev/null
for name in monitor alerts help validate; do
	record "$name"
done

UPDATE_SCREENS=1 bash "$top_srcdir/tests/ui/screen-test.sh"
finish
