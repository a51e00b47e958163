#!/bin/bash
# The bad input catalog: every case of tests/bad-input/cases.tsv, each a
# hostile input fed to one s3watch command.  For each case:
#   - the exit code is the expected one and the output has the expected
#     clear error text;
#   - no crash: the exit code is below 124 (124 = hang, killed by timeout;
#     >= 128 = a signal) and no sanitizer or "Segmentation" report;
#   - no raw ESC (0x1b), BEL (0x07), C1 CSI (U+009B or a lone 0x9b byte),
#     bidi override or isolate (U+202E, U+2066) or zero-width space
#     (U+200B) in stdout or stderr: s3watch must neutralise what it echoes;
#   - the state directory is intact: every file mode 0600, every .json file
#     valid JSON, every line of a .jsonl file valid JSON.
#
# cases.tsv: NAME <tab> FLAGS <tab> EXIT <tab> TEXT <tab> COMMAND
#   FLAGS  '-' or a comma list of: sandbox (moto + fault proxy), fake
#          (tests/bad-input/fakeaws.py), tNN (timeout NN s instead of 20),
#          passthrough (the bytes are a helper's own stderr, which it
#          owns like the AWS CLI's helpers do: not checked for escapes),
#          seeded (the command plants a corrupt state file itself: the
#          state check is skipped)
#   TEXT   '-' for none
#   COMMAND  a bash command; it sees S3WATCH, IN (tests/bad-input/inputs),
#          GEN (large and binary inputs made by this script), WORK (a
#          scratch dir of the case), STATE (= S3WATCH_STATE_DIR),
#          DEAD (a closed endpoint), FAKE_* (fakeaws.py endpoints), the
#          function logput GROUP FILE and, with 'sandbox', the sandbox's
#          environment.
#
# BAD_INPUT_CASES='glob' runs only the matching cases.
set -u
. "$top_srcdir/tests/integration/lib.sh"

here=$top_srcdir/tests/bad-input
: "${S3WATCH_PYTHON:=python3}"
export S3WATCH S3WATCH_PYTHON top_srcdir
export IN=$here/inputs
unset AWS_CA_BUNDLE AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL

base=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-bad-input.XXXXXX")
on_exit "rm -rf '$base'"
trap '_sandbox_down_maybe' EXIT
_sandbox_down_maybe() {
    if [ -n "${SANDBOX_TMPDIR:-}" ]; then
        _sandbox_down
    else
        local cmd
        for cmd in "${_on_exit_cmds[@]}"; do eval "$cmd" || true; done
    fi
}
export GEN=$base/gen DEAD=http://127.0.0.1:9
mkdir -p "$GEN" "$base/home"

# --- generated inputs: large, binary, raw control bytes ---------------------
gen_inputs() {
    "$S3WATCH_PYTHON" - "$GEN" <<'EOF'
import gzip, json, os, random, sys
g = sys.argv[1]
def w(name, data):
    with open(os.path.join(g, name), "wb") as f:
        f.write(data)
rec = lambda **kw: dict({"eventSource": "s3.amazonaws.com", "eventName": "DeleteBucket",
                         "requestParameters": {"bucketName": "b"}}, **kw)
w("huge-record.jsonl", json.dumps(rec(eventID="huge-1", pad="k" * 300000)).encode() + b"\n")
random.seed(7)
w("junk.bin", bytes(random.getrandbits(8) for _ in range(4096)))
w("invalid-utf8.jsonl", b'{"eventID":"utf-1","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket",'
  b'"requestParameters":{"bucketName":"b\xff\xfe\xc3\x28\xed\xa0\x80\xf8\x88\x80\x80\x80"}}\n')
w("deep.jsonl", b'{"eventSource":"s3.amazonaws.com","x":' + b"[" * 20000 + b"]" * 20000 + b"}\n")
w("deep-event.json", b'{"a":' * 5000 + b"1" + b"}" * 5000)
w("raw-escapes.jsonl", b'{"eventID":"raw-1","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket",'
  b'"requestParameters":{"bucketName":"b\x1b[2J\x1b]52;c;cm0gLXJmIH4K\x07\xc2\x9b31m"}}\n')
w("nul-raw.jsonl", b'{"eventSource":"s3.amazonaws.com",\x00"eventName":"DeleteBucket"}\n')
w("pattern-raw-esc.json", b'{"a\x1b[2J\x1b]52;c;cm0gLXJmIH4K\x07":[{"bad":1}]}')
z = gzip.compress(json.dumps({"Records": [rec(eventID="%032x" % random.getrandbits(128))
                                          for _ in range(200)]}).encode())
w("truncated.json.gz", z[:len(z) // 2])
w("gzip-bomb.json.gz", gzip.compress(b'{"Records":[' + b" " * (300 * 1024 * 1024) + b"]}", 9))
w("not-gzip.json.gz", b"\x1f\x8b\x08\x00garbage that is not deflate\x1b[2J")
# s3watch.conf: 2 MB, a NUL byte, raw escape bytes
w("big.conf", b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
w("nul.conf", b'region = "us-east-1";\x00\nsuffix = "abc";\n')
w("raw-esc.conf", b'log_bucket = "logs\x1b[2J\x07";\n')
# rule packs of 20000 rules (1.5 MB) and 100000 (7.7 MB; loading them once
# took quadratic time: 34 s, now under a second)
for name, n in (("rules-huge", 20000), ("rules-100k", 100000)):
    os.makedirs(os.path.join(g, name), exist_ok=True)
    w(name + "/10-many.conf", ("rules = ( " + ",\n".join(
        '{ id = "r%d"; severity = "low"; pattern = "{\\"detail\\":{\\"a\\":[%d]}}"; }' % (i, i)
        for i in range(n)) + " );\n").encode())
os.makedirs(os.path.join(g, "rules-binary"), exist_ok=True)
w("rules-binary/10-junk.conf", bytes(random.getrandbits(8) for _ in range(4096)))
# AWS files with raw control bytes
for name, config, creds in (
        ("esc-key", b"", b"[default]\naws_access_key_id = AKIA\x1b[2JX\naws_secret_access_key = s\n"),
        ("nul-config", b"[default]\nregion = us-east-1\n\x00\x00\n", b""),
        ("big-config", b"[default]\n" + b"# " + b"y" * (3 * 1024 * 1024) + b"\n", b""),
        ("c1-profile", b"[profile a\xc2\x9b31m]\nregion = us-east-1\naws_access_key_id = AKIABADINPUT00000001\n"
                       b"aws_secret_access_key = bad/input/not/a/secret/0000000000001\n", b"")):
    d = os.path.join(g, "aws-" + name)
    os.makedirs(d, exist_ok=True)
    w(os.path.join(d, "config"), config)
    w(os.path.join(d, "credentials"), creds)
EOF
}
if ! gen_inputs; then
    _not_ok "generate inputs" "the generator failed"
    finish
fi

# --- the catalog --------------------------------------------------------------
cases=()
need_sandbox=false need_fake=false
while IFS=$'\t' read -r name flags code text cmd; do
    [[ -z $name || $name == \#* ]] && continue
    # shellcheck disable=SC2053
    [[ -n ${BAD_INPUT_CASES:-} && $name != $BAD_INPUT_CASES ]] && continue
    cases+=("$name"$'\t'"$flags"$'\t'"$code"$'\t'"$text"$'\t'"$cmd")
    [[ ,$flags, == *,sandbox,* ]] && need_sandbox=true
    [[ ,$flags, == *,fake,* ]] && need_fake=true
done < "$here/cases.tsv"

# The environment of every case: no real AWS, no real home.
export HOME=$base/home NO_COLOR=1 AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 \
    AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1 \
    AWS_ACCESS_KEY_ID=AKIABADINPUT00000000 AWS_SECRET_ACCESS_KEY=bad/input/not/a/secret/0000000000000 \
    AWS_CONFIG_FILE=$base/home/aws-config AWS_SHARED_CREDENTIALS_FILE=$base/home/aws-credentials \
    S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
: > "$AWS_CONFIG_FILE"
: > "$AWS_SHARED_CREDENTIALS_FILE"

sandbox_env=
if $need_sandbox; then
    (
        sandbox_up
        trap - EXIT
        printf '%s\n' "$SANDBOX_TMPDIR"
    ) > "$base/sandbox-dir" || { _not_ok "sandbox" "could not start"; finish; }
    SANDBOX_TMPDIR=$(cat "$base/sandbox-dir")
    sandbox_env=$SANDBOX_TMPDIR/env
fi
if $need_fake; then
    "$S3WATCH_PYTHON" -B "$here/fakeaws.py" --env-file "$base/fake.env" &
    fake_pid=$!
    on_exit "kill $fake_pid 2>/dev/null; wait $fake_pid 2>/dev/null"
    for _ in $(seq 1 100); do [ -s "$base/fake.env" ] && break; sleep 0.1; done
    # shellcheck source=/dev/null
    . "$base/fake.env" || { _not_ok "fakeaws.py" "no endpoints"; finish; }
fi

logput() {
    "$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$1" s3watch-bad-input "$2" \
        --ago-ms 2000 --spread-ms 10 >/dev/null
}
export -f logput

# check_output NAME FILE: no crash report, no raw control byte.
check_output() {
    local why
    why=$("$S3WATCH_PYTHON" - "$2" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
bad = []
for marker in (b"Sanitizer", b"Segmentation", b"runtime error:", b"core dumped"):
    if marker in data:
        bad.append("crash report %r" % marker.decode())
text = data.decode("utf-8", "surrogateescape")
for ch, label in (("\x1b", "ESC"), ("\x07", "BEL"), ("\u009b", "C1 CSI U+009B"),
                  ("\udc9b", "lone byte 0x9b"), ("\u202e", "bidi override U+202E"),
                  ("\u2066", "bidi isolate U+2066"), ("\u200b", "zero-width space U+200B")):
    i = text.find(ch)
    if i >= 0:
        bad.append("raw %s at %d: %r" % (label, i, text[max(0, i - 40):i + 20]))
print("; ".join(bad))
EOF
)
    if [ -z "$why" ]; then _ok "$1: no crash, no raw escape"; else _not_ok "$1: no crash, no raw escape" "$why"; fi
}

# check_state NAME DIR: files 0600, JSON intact.
check_state() {
    local why
    [ -d "$2" ] || { _ok "$1: state intact"; return; }
    why=$("$S3WATCH_PYTHON" - "$2" <<'EOF'
import json, os, stat, sys
bad = []
for root, dirs, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        rel = os.path.relpath(p, sys.argv[1])
        mode = stat.S_IMODE(os.lstat(p).st_mode)
        if mode != 0o600:
            bad.append("%s has mode %o" % (rel, mode))
        try:
            if f.endswith(".jsonl"):
                for n, line in enumerate(open(p, "rb"), 1):
                    if line.strip():
                        json.loads(line)
            elif f == "rules-state.json":
                # Not JSON despite its name: rules_state.c's line format.
                if not open(p, "rb").read().startswith(b"s3watch-rules-state 1\n"):
                    bad.append("%s does not start with its magic line" % rel)
            elif f.endswith(".json"):
                json.load(open(p, "rb"))
        except Exception as e:
            bad.append("%s is not valid JSON: %s" % (rel, e))
print("; ".join(bad))
EOF
)
    if [ -z "$why" ]; then _ok "$1: state intact"; else _not_ok "$1: state intact" "$why"; fi
}

for c in "${cases[@]}"; do
    IFS=$'\t' read -r name flags code text cmd <<< "$c"
    limit=20
    [[ ,$flags, =~ ,t([0-9]+), ]] && limit=${BASH_REMATCH[1]}
    if [[ ,$flags, == *,sandbox,* ]] && [ -z "$sandbox_env" ]; then
        _not_ok "$name" "needs the sandbox"
        continue
    fi
    work=$base/cases/$name
    mkdir -p "$work"
    out=$work/output
    status=0
    (
        if [[ ,$flags, == *,sandbox,* ]]; then
            # shellcheck source=/dev/null
            . "$sandbox_env"
            export AWS_MAX_ATTEMPTS=1 AWS_CONFIG_FILE=$base/home/aws-config \
                AWS_SHARED_CREDENTIALS_FILE=$base/home/aws-credentials
        fi
        export WORK=$work STATE=$work/state S3WATCH_STATE_DIR=$work/state
        cd "$work" || exit 99
        exec timeout -k 5 "$limit" bash -c "$cmd" </dev/null
    ) > "$out" 2>&1 || status=$?
    output=$(cat "$out")
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        _not_ok "$name: exit $code" "hang: killed after $limit s"$'\n'"$output"
    elif [ "$status" -ge 128 ]; then
        _not_ok "$name: exit $code" "crash: exit $status"$'\n'"$output"
    elif [ "$status" = "$code" ]; then
        _ok "$name: exit $code"
    else
        _not_ok "$name: exit $code" "exit $status: $output"
    fi
    [ "$text" = - ] || check_contains "$name: says '$text'" "$text" "$output"
    [[ ,$flags, == *,passthrough,* ]] || check_output "$name" "$out"
    [[ ,$flags, == *,seeded,* ]] || check_state "$name" "$work/state"
done

echo "${#cases[@]} cases"
finish
