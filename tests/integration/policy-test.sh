#!/bin/bash
# The operator policies (s3watch policy): every call the tables declare
# is an operation of the service's API (botocore's service-2.json is the
# spec), the command's usage and its respond answer, and AccessDenied
# naming the action and the policy that grants it.
#
# The strict runs (each use as an IAM user holding exactly its printed
# policy) are policy-strict-test.sh.
set -u
. "$top_srcdir/tests/integration/lib.sh"

# --- every declared call is an API operation --------------------------
out=$("$S3WATCH_PYTHON" - "$top_srcdir" <<'PY'
import glob, json, os, re, sys
import botocore.session
session = botocore.session.get_session()
svc = {"S3": "s3", "CLOUDTRAIL": "cloudtrail", "LOGS": "logs", "IAM": "iam",
       "SNS": "sns", "EVENTS": "events", "LAMBDA": "lambda",
       "CLOUDWATCH": "cloudwatch", "DYNAMODB": "dynamodb", "STS": "sts"}
ops = {}
def operations(s):
    if s not in ops:
        ops[s] = set(session.get_service_model(s).operation_names)
    return ops[s]
n = 0
bad = []
for f in glob.glob(os.path.join(sys.argv[1], "src", "*", "*.[ch]")):
    text = open(f).read()
    # Rows of calls_entry tables: { SVC_X, "Op", WHEN, ...
    for m in re.finditer(r'\{ SVC_([A-Z]+), "([A-Za-z0-9]+)", (CALLS_[A-Z_| ]+|0),', text):
        s, op = svc[m.group(1)], m.group(2)
        nxt = re.search(r'\{ (SVC_|\.op)', text[m.end():])
        rest = text[m.end():m.end() + (nxt.start() if nxt else 0)]
        if "CALLS_IMPLIED" in rest:
            continue	# a permission (iam:PassRole), not a call
        n += 1
        if op not in operations(s):
            bad.append("%s: %s:%s" % (os.path.basename(f), s, op))
print(n)
for b in bad:
    print(b)
PY
) || out="the check itself failed (exit $?)"
declared=$(printf '%s\n' "$out" | head -1)
check_eq "the call tables declare calls" 1 "$([ "${declared:-0}" -gt 40 ] && echo 1)"
check_eq "every declared call is an operation botocore knows" "" "$(printf '%s\n' "$out" | tail -n +2)"

# --- usage ---------------------------------------------------------------
run "$S3WATCH" policy
check_eq "policy without --for exits 2" 2 "$status"
check_contains "policy without --for says which" "--for setup, monitor, respond or audit" "$output"
run "$S3WATCH" policy --for nobody
check_eq "an unknown use exits 2" 2 "$status"
check_contains "an unknown use is named" "'nobody'" "$output"
run "$S3WATCH" policy --for respond
check_eq "respond exits 0" 0 "$status"
check_contains "respond says it grants nothing yet, and why" "grants nothing yet: s3watch has no response actions" "$output"
run "$S3WATCH" policy --for respond --json
check_eq "respond has no document to print" 1 "$status"

# --- against the sandbox -------------------------------------------------
sandbox_up
export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
run "$S3WATCH" policy --for monitor --json
check_eq "policy --for monitor --json exits 0" 0 "$status"
check_eq "the monitor policy is a policy document with its five actions" \
	"logs:CreateLogStream logs:FilterLogEvents logs:PutLogEvents sns:Publish sts:GetCallerIdentity" \
	"$(printf '%s' "$output" | "$S3WATCH_PYTHON" -c 'import json, sys
d = json.load(sys.stdin)
assert d["Version"] == "2012-10-17"
print(" ".join(sorted(a for s in d["Statement"] for a in s["Action"])))')"
run "$S3WATCH" policy --for setup
check_eq "policy --for setup exits 0" 0 "$status"
check_contains "the table says why" "s3:CreateBucket" "$output"
check_contains "the roles are passed to their service only" "iam:PassedToService" "$output"

# A denial names the action and the policy that grants it, whatever the
# command: the one place is the client's error text.
fault '{"kind":"denied","service":"logs","action":"FilterLogEvents","count":100}'
run "$S3WATCH" monitor --since 1h
check_eq "a denied monitor fails" 1 "$([ "$status" -ne 0 ] && echo 1)"
check_contains "monitor names the action and the monitor policy" \
	'denied: logs:FilterLogEvents — grant it with `s3watch policy --for monitor`' "$output"
run "$S3WATCH" report --since 1h
check_contains "report names the audit policy" \
	'denied: logs:FilterLogEvents — grant it with `s3watch policy --for audit`' "$output"
faults_clear
fault '{"kind":"denied","service":"s3","action":"CreateBucket","count":100}'
run "$S3WATCH" setup --yes --only buckets --set allowed_cidrs=198.51.100.0/24
check_eq "a denied setup exits 1" 1 "$status"
check_contains "setup names S3's action and the setup policy" \
	'denied: s3:CreateBucket — grant it with `s3watch policy --for setup`' "$output"
faults_clear
finish
