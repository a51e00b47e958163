#!/bin/bash
# Screen tests, in the manner of tig's: each scenario of tests/ui/screens/
# (setup wizard with plan and undo, monitor, alerts, validation, help and
# the secret prompt) runs the console headless (S3WATCH_NO_DISPLAY) on its
# key script (S3WATCH_SCRIPT) against recorded AWS answers (replay.py, no
# moto), at 80x24 and at 120x40, and every screen it saves must equal its
# reference, durations masked (screenlib.sh).
#
# UPDATE_SCREENS=1 (or `make update-screens`) writes the references from
# this run instead.  tests/ui/record.sh records the answers again (moto).
set -u
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/ui/screenlib.sh"
S3WATCH=${S3WATCH:-$PWD/s3watch}
: "${S3WATCH_PYTHON:=python3}"
update=${UPDATE_SCREENS:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-screens.XXXXXX")
replay_pid=
stop_replay() {
	if [ -n "$replay_pid" ]; then
		kill "$replay_pid" 2>/dev/null
		wait "$replay_pid" 2>/dev/null
		replay_pid=
	fi
}
trap 'stop_replay; rm -rf "$work"' EXIT

# start_replay SCENARIO: its recording on a free port, in $endpoint.
start_replay() {
	local i
	rm -f "$work/port"
	"$S3WATCH_PYTHON" "$top_srcdir/tests/ui/replay.py" \
		--recording "$screens/$1/recording.jsonl" \
		--port-file "$work/port" 2>> "$work/replay-$1.log" &
	replay_pid=$!
	for i in $(seq 1 100); do
		[ -s "$work/port" ] && break
		sleep 0.1
	done
	endpoint=http://127.0.0.1:$(cat "$work/port" 2>/dev/null)
}

for name in "${screen_scenarios[@]}"; do
	if [ ! -s "$screens/$name/recording.jsonl" ]; then
		_not_ok "$name: a recording" "run tests/ui/record.sh"
		continue
	fi
	: > "$work/replay-$name.log"
	for size in "${screen_sizes[@]}"; do
		# Each run from the first answer on.
		start_replay "$name"
		out=$work/$name-$size
		screen_run "$name" "$size" "$out" "$endpoint"
		stop_replay
		check_eq "$name $size: the console exits 0" 0 \
			"$(cat "$out/status")$(head -c 400 "$out/stderr")"
		while read -r screen; do
			ref=$screens/$name/$screen.$size
			if [ ! -f "$out/$screen" ]; then
				_not_ok "$name $size: $screen saved" \
					"$(cat "$out/stderr")"
				continue
			fi
			screen_mask "$out/$screen" > "$out/$screen.masked"
			if [ -n "$update" ]; then
				cp "$out/$screen.masked" "$ref"
				_ok "$name $size: $screen written"
			elif cmp -s "$out/$screen.masked" "$ref"; then
				_ok "$name $size: $screen"
			else
				_not_ok "$name $size: $screen as recorded" \
					"$(diff -u "$ref" "$out/$screen.masked" 2>&1)"
			fi
		done < <(screen_names "$name")
	done
	# Each call must have had its answer: else the console has changed
	# what it asks, and the recording is out of date.
	check_eq "$name: every call was recorded" "" \
		"$(grep -m3 MISS "$work/replay-$name.log")"
done

# The secret typed into the prompt never reaches a screen, stdout or
# stderr, and its length is all that is reported.
help=$work/help-80x24
check_eq "the secret is never shown" "" \
	"$(grep -rl -e 90711 "$help" --include='[0-9]-*' \
	--include=stdout --include=stderr 2>/dev/null)"
check_contains "the secret prompt shows stars" "MFA code for arn:aws:iam::123456789012:mfa/alice: ******" \
	"$(cat "$help/4-secret" 2>/dev/null)"
check_contains "the secret's length is read" "secret: 5 characters read" \
	"$(cat "$help/5-secret-read" 2>/dev/null)"
check_eq "a question asked meanwhile waits its turn" "Second passphrase:" \
	"$(tail -1 "$help/6-next-question" 2>/dev/null)"
check_contains "a cancelled secret says so" "secret: cancelled" \
	"$(cat "$help/7-secret-cancelled" 2>/dev/null)"

# A script that cannot be followed is refused, with where and why.
bad=$work/bad
mkdir -p "$bad"
printf 'j\n<Nope>\n' > "$bad/script"
run env S3WATCH_NO_DISPLAY=1 S3WATCH_SCRIPT="$bad/script" "$S3WATCH" console
check_eq "a script with an unknown key exits 2" 2 "$status"
check_contains "the unknown key is named with its line" "script:2: no key <Nope>" "$output"
printf ':save-display\n' > "$bad/script"
run env S3WATCH_NO_DISPLAY=1 S3WATCH_SCRIPT="$bad/script" "$S3WATCH" console
check_contains "a command without its argument is refused" "script:1: ':save-display' needs an argument" "$output"
printf ':frobnicate x\n' > "$bad/script"
run env S3WATCH_NO_DISPLAY=1 S3WATCH_SCRIPT="$bad/script" "$S3WATCH" console
check_contains "an unknown command is refused" "script:1: no command ':frobnicate'" "$output"
run env S3WATCH_NO_DISPLAY=1 S3WATCH_SCRIPT="$bad/none" "$S3WATCH" console
check_eq "a missing script exits 2" 2 "$status"
check_contains "a missing script is named" "script $bad/none: No such file" "$output"

finish
