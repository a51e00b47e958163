# shellcheck shell=bash
# Helpers for s3watch integration tests. Source it from a test script:
#
#   . "$top_srcdir/tests/integration/lib.sh"
#   sandbox_up                      # moto + proxy, environment from DIR/env
#   check "lists buckets" awscli s3api list-buckets
#   finish                          # "N passed, N failed"; exit 1 on failure
#
# Tests run under automake with S3WATCH (the built binary), srcdir and
# top_srcdir set. They exit 0 (pass) or 1 (fail); they never skip (77).

if [ -z "${top_srcdir:-}" ]; then
    top_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
SANDBOX="$top_srcdir/tests/sandbox/sandbox"
# 1: every sandbox_up starts a strict sandbox (signatures and IAM checked,
# and the AWS behaviours moto lacks; see tests/sandbox/sandbox), as AWS
# would be. The suite's default is the value after ':-'.
SANDBOX_STRICT=${S3WATCH_SANDBOX_STRICT:-1}
# A new IAM role is refused for this long (AWS: about 10 s); shorter keeps
# the suite fast while every wait path still runs.
export S3WATCH_SANDBOX_IAM_DELAY=${S3WATCH_SANDBOX_IAM_DELAY:-2}
AWS_CLI=/usr/bin/aws        # Debian's awscli, never the pyenv shim
_checks_passed=0
_checks_failed=0

# Start a sandbox in a fresh temporary directory, load its environment, and
# stop it and remove the directory when the test exits. `sandbox_up --strict`
# asks for a strict one whatever SANDBOX_STRICT says; `sandbox_up --plain`
# for a test that needs moto's leniency, with its reason beside the call.
sandbox_up() {
    local envfile rc=0 mode=()
    if [ "${1:-}" = --strict ] ||
        { [ "$SANDBOX_STRICT" = 1 ] && [ "${1:-}" != --plain ]; }; then
        mode=(--strict)
    fi
    SANDBOX_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-sandbox.XXXXXX")
    trap _sandbox_down EXIT
    envfile=$("$SANDBOX" start "${mode[@]}" "$SANDBOX_TMPDIR") || rc=$?
    if [ "$rc" -ne 0 ]; then
        if [ "$rc" -eq 3 ]; then
            echo "FAIL: moto is required for this test (see the message above)" >&2
        else
            echo "FAIL: sandbox start failed (exit $rc)" >&2
        fi
        exit 1
    fi
    # shellcheck source=/dev/null
    . "$envfile"
}

# on_exit CMD: run CMD (a string for eval) when the test exits, before the
# sandbox stops. The sandbox owns the EXIT trap, so tests add to it here.
_on_exit_cmds=()
on_exit() { _on_exit_cmds+=("$1"); }

_sandbox_down() {
    local cmd
    for cmd in "${_on_exit_cmds[@]}"; do
        eval "$cmd" || true
    done
    "$SANDBOX" stop "$SANDBOX_TMPDIR" || true
    rm -rf "$SANDBOX_TMPDIR"
}

# _aws ENDPOINT ARGS...: /usr/bin/aws with a clean Python environment and PATH.
_aws() {
    local endpoint=$1
    shift
    if [ ! -x "$AWS_CLI" ]; then
        echo "lib.sh: $AWS_CLI not found; install Debian's awscli (apt-get install awscli)" >&2
        return 127
    fi
    env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP PYTHONNOUSERSITE=1 \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        "$AWS_CLI" --endpoint-url "$endpoint" --region us-east-1 --output json "$@"
}

# The real AWS CLI against moto directly (no proxy, so no faults): fixtures, checks.
awscli() { _aws "$S3WATCH_SANDBOX_MOTO_URL" "$@"; }

# The AWS CLI through the fault proxy, one attempt and short timeouts unless
# AWS_MAX_ATTEMPTS is set, so each injected fault is seen.
awscli_proxy() {
    AWS_MAX_ATTEMPTS=${AWS_MAX_ATTEMPTS:-1} AWS_RETRY_MODE=${AWS_RETRY_MODE:-standard} \
        _aws "$S3WATCH_SANDBOX_PROXY_URL" --cli-read-timeout 5 --cli-connect-timeout 2 "$@"
}

# curl to the proxy's control API: _control METHOD PATH [JSON_BODY]
_control() {
    local args=(-sS --fail-with-body --noproxy '*' --max-time 10 -X "$1")
    [ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data "$3")
    curl "${args[@]}" "$S3WATCH_SANDBOX_PROXY_URL/_sandbox/$2"
}

# Add fault rules, one JSON object per argument, e.g.
#   fault '{"kind":"throttle","service":"logs","action":"FilterLogEvents","count":2}'
# A rule the proxy refuses counts as a failed check.
fault() {
    local rules out
    rules=$(printf '%s,' "$@")
    if ! out=$(_control POST faults "{\"rules\":[${rules%,}]}" 2>&1); then
        _not_ok "fault $*" "$out"
        return 1
    fi
}

faults_clear() {
    local out
    if ! out=$(_control DELETE faults 2>&1); then
        _not_ok "faults_clear" "$out"
        return 1
    fi
}

# Print the proxy's stats as JSON, or with KEY... one counter, e.g.
#   sandbox_stats faults throttle        sandbox_stats by_action s3.GetObject
# (an absent key prints 0: every leaf is a counter).
sandbox_stats() {
    local json
    json=$(_control GET stats) || return 1
    if [ $# -eq 0 ]; then
        printf '%s\n' "$json"
        return 0
    fi
    "$S3WATCH_PYTHON" -c '
import json, sys
value = json.loads(sys.argv[1])
for key in sys.argv[2:]:
    value = value.get(key, 0) if isinstance(value, dict) else 0
print(value)' "$json" "$@"
}

sandbox_stats_reset() {
    local out
    if ! out=$(_control POST stats/reset 2>&1); then
        _not_ok "sandbox_stats_reset" "$out"
        return 1
    fi
}

# run CMD...: run a command, keeping its combined output in $output and its
# exit status in $status (for tests that expect a failure).
run() {
    status=0
    output=$("$@" 2>&1) || status=$?
}

_ok() {
    _checks_passed=$((_checks_passed + 1))
    echo "ok - $1"
}

# _not_ok NAME DETAIL: report a failure with DETAIL indented as a comment.
_not_ok() {
    _checks_failed=$((_checks_failed + 1))
    echo "not ok - $1"
    # At most 2000 bytes of DETAIL, as text.
    printf '%s\n' "${2:0:2000}" | LC_ALL=C tr -c '\n\t -~' '?' | sed 's/^/#   /'
}

# check NAME CMD...: pass if CMD exits 0.
check() {
    local name=$1
    shift
    run "$@"
    if [ "$status" -eq 0 ]; then
        _ok "$name"
    else
        _not_ok "$name" "exit $status: $output"
    fi
}

check_eq() {
    if [ "$2" = "$3" ]; then
        _ok "$1"
    else
        _not_ok "$1" "expected: $2"$'\n'"actual:   $3"
    fi
}

check_contains() {
    if [[ $3 == *"$2"* ]]; then
        _ok "$1"
    else
        _not_ok "$1" "expected to contain: $2"$'\n'"actual: $3"
    fi
}

# Print the totals; exit 1 if a check failed or none ran.
finish() {
    echo "$_checks_passed passed, $_checks_failed failed"
    if [ "$_checks_failed" -ne 0 ] || [ "$_checks_passed" -eq 0 ]; then
        exit 1
    fi
    exit 0
}
