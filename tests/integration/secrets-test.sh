#!/bin/bash
# No secret ever leaves s3watch: distinctive fake secrets (environment keys
# and session token, a credentials file, a credential_process, a session
# from moto's STS AssumeRole) through whoami, setup --plan, monitor and
# alerts list with --debug-log, and through failures (expired token,
# throttling, a credential_process that fails after printing its secret).
# None of them may appear in stdout, stderr, the debug log or any file of
# the state directory, not even in part.
set -u
. "$top_srcdir/tests/integration/lib.sh"
# Plain: the secrets to hunt for are made-up keys and sessions, which a
# strict moto would refuse before s3watch ever handled them.
sandbox_up --plain

work=$SANDBOX_TMPDIR/secrets
mkdir -p "$work"
export S3WATCH_STATE_DIR=$work/state S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
export AWS_MAX_ATTEMPTS=2
dbg=$work/debug.log
group=/aws/cloudtrail/s3-security-monitoring

SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETXXXX
TOKEN=IQoJb3JpZ2luX2VjEXAMPLETOKENSECRETtokensecret0123456789abcdefTOKENSECRET
FILE_SECRET=fileSECRETfileSECRETfileSECRETfileSECRET
PROC_SECRET=procSECRETprocSECRETprocSECRETprocSECRET
PROC_TOKEN=procTOKENSECRETprocTOKENSECRETprocTOKENSECRET
secrets=("$SECRET" "$TOKEN" "$FILE_SECRET" "$PROC_SECRET" "$PROC_TOKEN")

# check_no_secrets NAME: no secret (nor 16 characters of one)
# in the last output, the debug log or the state directory.
check_no_secrets() {
    local name=$1 s frag found="" i frags
    for s in "${secrets[@]}"; do
        # Windows of 16 characters, 8 apart, and the last 16.
        frags=("${s: -16}")
        for ((i = 0; i + 16 <= ${#s}; i += 8)); do frags+=("${s:i:16}"); done
        for frag in "${frags[@]}"; do
            [[ $output == *"$frag"* ]] && found="$found output:${frag}"
            if [ -f "$dbg" ] && grep -qF -- "$frag" "$dbg"; then
                found="$found debug-log:${frag}"
            fi
            if [ -d "$S3WATCH_STATE_DIR" ] && grep -rqF -- "$frag" "$S3WATCH_STATE_DIR"; then
                found="$found state:$(grep -rlF -- "$frag" "$S3WATCH_STATE_DIR" | head -1):${frag}"
            fi
        done
    done
    if [ -z "$found" ]; then
        _ok "$name: no secret anywhere"
    else
        _not_ok "$name: no secret anywhere" "found:$found"
    fi
}

# s3w ARGS...: s3watch with the debug log.
s3w() { run "$S3WATCH" --debug-log "$dbg" "$@"; }

# --- environment keys and a session token -----------------------------------
export AWS_ACCESS_KEY_ID=ASIASECRETSTEST00001 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN
s3w whoami
check_eq "whoami exits 0" 0 "$status"
check_contains "whoami masks the access key" "ASIA...0001" "$output"
check_contains "the debug log is written" "GetCallerIdentity" "$(cat "$dbg" 2>/dev/null)"
check_no_secrets "whoami"

s3w setup --plan
check_eq "setup --plan exits 0" 0 "$status"
check_no_secrets "setup --plan"

"$S3WATCH_PYTHON" "$top_srcdir/tests/bench/gen-events.py" --seed 9 --count 20 > "$work/events.jsonl"
# An event that carries the secrets, as a careless caller might put them in
# a request (they are the user's data then, but not s3watch's to log: the
# check is on the credentials, so keep this event free of them).
"$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$group" 123456789012_CloudTrail_us-east-1 \
    "$work/events.jsonl" --ago-ms 5000 --spread-ms 1000 >/dev/null
s3w monitor --group "$group" --since 1h --poll 200
check_eq "monitor exits 0" 0 "$status"
check_no_secrets "monitor"
s3w monitor --group "$group" --since 1h --poll 200 --json --no-resume
check_no_secrets "monitor --json"

printf 'log_group = "%s";\n' "$group" > "$work/s3watch.conf"
S3WATCH_CONFIG=$work/s3watch.conf s3w alerts list --all
check_eq "alerts list exits 0" 0 "$status"
check_no_secrets "alerts list"

# --- failures: expired token, throttling, denied ------------------------------
fault '{"kind":"expired","service":"sts","count":-1}'
s3w whoami
check_eq "expired token fails" 1 "$status"
check_contains "expired token is named" "expired" "$output"
check_no_secrets "expired token"
faults_clear

fault '{"kind":"expired","service":"logs","count":-1}'
s3w monitor --group "$group" --since 1h --poll 200 --no-resume
check_no_secrets "monitor, expired token"
faults_clear

fault '{"kind":"throttle","service":"sts","count":-1}'
s3w whoami
check_eq "throttled whoami fails" 1 "$status"
check_no_secrets "throttling"
faults_clear

fault '{"kind":"denied","service":"s3","count":-1}'
s3w setup --plan
check_no_secrets "setup --plan, denied"
faults_clear

fault '{"kind":"skew","service":"sts","count":-1}'
s3w whoami
check_no_secrets "clock skew"
faults_clear

# A dead endpoint: the network error path.
s3w --endpoint-url http://127.0.0.1:9 whoami
check_eq "dead endpoint fails" 1 "$status"
check_no_secrets "dead endpoint"

# --- endpoint URLs with a password: refused, from every source, never shown ---
URL_PASS=urlPASSWORDurlPASSWORDurlPASSWORD
secrets+=("$URL_PASS")
pw_url=http://s3watch:$URL_PASS@127.0.0.1:9
cat > "$work/pw-config" <<EOF
[profile pwurl]
endpoint_url = $pw_url
[profile pwsvc]
services = pwsvc
[services pwsvc]
sts =
  endpoint_url = $pw_url
EOF
# check_pw_refused NAME SOURCE: the last run refused the URL from SOURCE.
check_pw_refused() {
    check_eq "$1: exits 3" 3 "$status"
    check_contains "$1: says why" "has a user name or password" "$output"
    check_contains "$1: names the source" "(from $2)" "$output"
    check_no_secrets "$1"
}
s3w --endpoint-url "$pw_url" whoami
check_pw_refused "--endpoint-url with a password" --endpoint-url
AWS_ENDPOINT_URL_STS=$pw_url s3w whoami
check_pw_refused "AWS_ENDPOINT_URL_STS with a password" AWS_ENDPOINT_URL_STS
AWS_ENDPOINT_URL=$pw_url s3w whoami
check_pw_refused "AWS_ENDPOINT_URL with a password" AWS_ENDPOINT_URL
run env -u AWS_ENDPOINT_URL AWS_CONFIG_FILE="$work/pw-config" \
    "$S3WATCH" --debug-log "$dbg" --profile pwurl whoami
check_pw_refused "profile endpoint_url with a password" "endpoint_url in the profile"
run env -u AWS_ENDPOINT_URL AWS_CONFIG_FILE="$work/pw-config" \
    "$S3WATCH" --debug-log "$dbg" --profile pwsvc whoami
check_pw_refused "profile services section with a password" \
    "services section of the profile"

# --- a credentials file --------------------------------------------------------
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
cat > "$AWS_SHARED_CREDENTIALS_FILE" <<EOF
[filekeys]
aws_access_key_id = AKIASECRETSTEST00002
aws_secret_access_key = $FILE_SECRET
EOF
s3w --profile filekeys whoami
check_eq "credentials file whoami exits 0" 0 "$status"
check_no_secrets "credentials file"
fault '{"kind":"expired","service":"sts","count":-1}'
s3w --profile filekeys whoami
check_no_secrets "credentials file, expired"
faults_clear

# --- credential_process ----------------------------------------------------------
expires=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
cat > "$work/helper.sh" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "ASIASECRETSTEST00003", "SecretAccessKey": "%s", "SessionToken": "%s", "Expiration": "%s"}\n' \
    "$PROC_SECRET" "$PROC_TOKEN" "$expires"
EOF
# Prints its secret, then fails.
cat > "$work/helper-fail.sh" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "ASIASECRETSTEST00004", "SecretAccessKey": "%s"}\n' "$PROC_SECRET"
exit 5
EOF
# Prints its secret in JSON that is cut short.
cat > "$work/helper-cut.sh" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "ASIASECRETSTEST00005", "SecretAccessKey": "%s", "SessionToken": "%s' "$PROC_SECRET" "$PROC_TOKEN"
EOF
# The secret in the wrong type, and an unknown Version.
cat > "$work/helper-type.sh" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": ["$PROC_SECRET"], "SecretAccessKey": {"k": "$PROC_SECRET"}}\n'
EOF
cat > "$work/helper-v2.sh" <<EOF
#!/bin/sh
printf '{"Version": 2, "AccessKeyId": "ASIASECRETSTEST00006", "SecretAccessKey": "$PROC_SECRET"}\n'
EOF
# The secret inside the Version.
cat > "$work/helper-vobj.sh" <<EOF
#!/bin/sh
printf '{"Version": {"SecretAccessKey": "$PROC_SECRET"}, "AccessKeyId": "ASIASECRETSTEST00008", "SecretAccessKey": "$PROC_SECRET"}\n'
EOF
chmod +x "$work"/helper*.sh
cat > "$AWS_CONFIG_FILE" <<EOF
[profile proc]
credential_process = $work/helper.sh
[profile procfail]
credential_process = $work/helper-fail.sh
[profile proccut]
credential_process = $work/helper-cut.sh
[profile proctype]
credential_process = $work/helper-type.sh
[profile procv2]
credential_process = $work/helper-v2.sh
[profile procvobj]
credential_process = $work/helper-vobj.sh
EOF
s3w --profile proc whoami
check_eq "credential_process whoami exits 0" 0 "$status"
check_no_secrets "credential_process"
S3WATCH_CONFIG=$work/s3watch.conf s3w --profile proc alerts list --all
check_no_secrets "credential_process, alerts list"
for p in procfail proccut proctype procv2 procvobj; do
    s3w --profile "$p" whoami
    check_eq "credential_process $p exits 3" 3 "$status"
    check_no_secrets "credential_process $p"
done

# --- a session from moto's STS AssumeRole ----------------------------------------
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
AWS_ACCESS_KEY_ID=AKIASECRETSTEST00007 AWS_SECRET_ACCESS_KEY=$FILE_SECRET \
    awscli iam create-role --role-name s3watch-secrets --assume-role-policy-document "$trust" >/dev/null
session=$(AWS_ACCESS_KEY_ID=AKIASECRETSTEST00007 AWS_SECRET_ACCESS_KEY=$FILE_SECRET \
    awscli sts assume-role --role-arn arn:aws:iam::123456789012:role/s3watch-secrets \
    --role-session-name secrets-test --query Credentials --output json)
sts_key=$("$S3WATCH_PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1])["AccessKeyId"])' "$session")
sts_secret=$("$S3WATCH_PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1])["SecretAccessKey"])' "$session")
sts_token=$("$S3WATCH_PYTHON" -c 'import json,sys; print(json.loads(sys.argv[1])["SessionToken"])' "$session")
check_eq "moto gave a session" 1 "$([ ${#sts_secret} -ge 20 ] && [ ${#sts_token} -ge 20 ] && echo 1)"
secrets+=("$sts_secret" "$sts_token")
AWS_ACCESS_KEY_ID=$sts_key AWS_SECRET_ACCESS_KEY=$sts_secret AWS_SESSION_TOKEN=$sts_token s3w whoami
check_eq "whoami with an STS session exits 0" 0 "$status"
check_no_secrets "STS session"
fault '{"kind":"expired","service":"sts","count":-1}'
AWS_ACCESS_KEY_ID=$sts_key AWS_SECRET_ACCESS_KEY=$sts_secret AWS_SESSION_TOKEN=$sts_token s3w whoami
check_no_secrets "STS session, expired"
faults_clear

# s3watch assuming the role itself, from the credentials file profile: the
# source secret must not show, nor the session (whose secret we cannot know,
# so look for what moto's session secrets and tokens look like in the log).
cat >> "$AWS_CONFIG_FILE" <<EOF
[profile assumed]
role_arn = arn:aws:iam::123456789012:role/s3watch-secrets
source_profile = filekeys
EOF
: > "$dbg"
s3w --profile assumed whoami
check_eq "assume-role whoami exits 0" 0 "$status"
check_contains "assume-role whoami is the role" "assumed-role/s3watch-secrets" "$output"
check_no_secrets "assume-role"
check_eq "no STS session token in the debug log" 0 "$(grep -cE 'FQoGZXIvYXdzE|SessionToken|SecretAccessKey"?[:=] *"?[A-Za-z0-9/+]{20}' "$dbg")"

# The debug log and the state files are private.
# The check itself finds a leak.
saved=$output
output="x ${SECRET:6:20} y"
case $(check_no_secrets "self-test" 2>&1) in
    "not ok"*) _ok "the leak check finds part of a secret" ;;
    *) _not_ok "the leak check finds part of a secret" "it did not" ;;
esac
output=$saved

check_eq "the debug log is private" 600 "$(stat -c %a "$dbg")"
bad_mode=$(find "$S3WATCH_STATE_DIR" -type f ! -perm 600 | head -3)
check_eq "state files are private" "" "$bad_mode"

finish
