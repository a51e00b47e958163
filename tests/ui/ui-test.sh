#!/bin/bash
# The full-screen console, driven for real inside tmux against the
# sandbox: the wizard runs all ten steps, the monitor flags a rule hit,
# alerts are acknowledged and a test alert published, the screen survives
# resizes, NO_COLOR and an event carrying escape sequences, and signals
# leave a checkpoint.  Every wait polls the screen with a bound; no check
# depends on timing.
set -u
. "$top_srcdir/tests/integration/lib.sh"
S3WATCH=${S3WATCH:-$PWD/s3watch}
if ! command -v tmux >/dev/null; then
	echo "FAIL: tmux is required for this test (apt-get install tmux)" >&2
	exit 1
fi
sandbox_up

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
export S3WATCH_POLL_MS=200 TERM=xterm-256color TZ=UTC LANG=C.UTF-8
unset NO_COLOR
group=/aws/cloudtrail/s3-security-monitoring
sock=s3w-test-$$
run_dir=$SANDBOX_TMPDIR/ui
mkdir -p "$run_dir"

tm() { tmux -L "$sock" "$@"; }
on_exit "tmux -L $sock kill-server 2>/dev/null"

# The console runs under a launcher that records its pid and exit status.
cat > "$run_dir/launch" <<EOF
#!/bin/sh
sh -c 'echo \$\$ > "$run_dir/pid"; exec "\$@"' sh "\$@" 2> "$run_dir/stderr"
echo \$? > "$run_dir/status"
sleep 600
