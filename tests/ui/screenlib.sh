# shellcheck shell=bash
# What the screen tests (screen-test.sh) and their recorder (record.sh)
# share: the scenarios and how the console runs one.
#
# A scenario is a folder of tests/ui/screens/: `args` (the console's
# arguments), `script` (its keys, see ui/script.h; each `:save-display
# NAME` writes a screen), `recording.jsonl` (the AWS answers, replayed by
# tests/ui/replay.py) and the reference screens NAME.COLSxLINES.

screens=$top_srcdir/tests/ui/screens
screen_scenarios=(setup monitor alerts validate help)
screen_sizes=(80x24 120x40)
# Every scenario's configuration: fixed names, and a plain-HTTP endpoint.
screen_sets=(--set suffix=ui --set require_tls=false
	--set alert_email=ops@example.com)
# The sandbox's fixed keys (tests/sandbox/sandbox); replay checks none.
screen_key_id=AKIAIOSFODNN7SANDBOX
screen_secret=sandbox/secret/key/not/a/real/one/000

# screen_run SCENARIO SIZE OUT ENDPOINT: the console, headless, runs the
# scenario's script at SIZE against ENDPOINT, with a fresh state directory
# holding a fixed id.key (alert ids repeat) and nothing of the user's.
# The screens land in OUT, with its stdout, stderr and exit status.
screen_run() {
	local name=$1 size=$2 out=$3 endpoint=$4 dir=$screens/$1 args
	rm -rf "$out"
	mkdir -p "$out/state" "$out/home"
	chmod 700 "$out/state"
	install -m 600 "$screens/id.key" "$out/state/id.key"
	read -r -a args < "$dir/args"
	(
		cd "$out" || exit 1
		unset NO_COLOR S3WATCH_CONFIG XDG_CONFIG_HOME XDG_STATE_HOME \
			AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN \
			AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CA_BUNDLE \
			AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
			AWS_CONTAINER_CREDENTIALS_FULL_URI S3WATCH_POLL_MS \
			S3WATCH_LATE_SWEEP_MS S3WATCH_DEBUG_LOG
		export HOME=$out/home TERM=xterm-256color TZ=UTC LC_ALL=C.UTF-8 \
			COLUMNS=${size%x*} LINES=${size#*x} \
			S3WATCH_NO_DISPLAY=1 S3WATCH_SCRIPT=$dir/script \
			S3WATCH_STATE_DIR=$out/state \
			S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d \
			AWS_ENDPOINT_URL=$endpoint AWS_REGION=us-east-1 \
			AWS_ACCESS_KEY_ID=$screen_key_id \
			AWS_SECRET_ACCESS_KEY=$screen_secret \
			AWS_EC2_METADATA_DISABLED=true \
			AWS_CONFIG_FILE=$out/home/config \
			AWS_SHARED_CREDENTIALS_FILE=$out/home/credentials \
			no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
		: > "$AWS_CONFIG_FILE"
		: > "$AWS_SHARED_CREDENTIALS_FILE"
		status=0
		timeout 180 "$S3WATCH" console "${args[@]}" "${screen_sets[@]}" \
			> stdout 2> stderr || status=$?
		echo "$status" > status
	)
}

# screen_names SCENARIO: the screens its script saves, in order.
screen_names() {
	sed -n 's/^:save-display //p' "$screens/$1/script"
}

# screen_mask FILE: what may differ between two runs, made the same:
# durations the model measured (call latencies, the poll interval, a
# test's time) read "<t>", the blanks after each taking up the
# difference, so that every column stays; the version in
# the help reads "<version>".
screen_mask() {
	"$S3WATCH_PYTHON" - "$1" <<'EOF'
import re, sys
dur = re.compile(r"(?<![\w.])(\d+ms|\d+\.\d+s|\d+m\d\ds|\d+h\d\dm)(?!\w)")
pad = re.compile(r"  +")
out = []
for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    line = re.sub(r"s3watch \d+\.\d+(\.\d+)?\S*: keys", "s3watch <version>: keys", line)
    pos = 0
    while True:
        m = dur.search(line, pos)
        if not m:
            break
        grow = len(m.group(1)) - 6
        line = line[:m.start()] + "<t>" + line[m.end():]
        pos = m.start() + 3
        p = pad.search(line, pos)
        if p:
            width = max(1, len(p.group()) + grow + 3)
            line = line[:p.start()] + " " * width + line[p.end():]
    out.append(line)
sys.stdout.write("\n".join(out))
EOF
}
