#!/bin/bash
# Credential providers end to end: `s3watch whoami` against moto for STS,
# with loopback fakes (tests/integration/fakes) for the container endpoint,
# EC2 instance metadata and the SSO portal.  Nothing leaves 127.0.0.1.
set -u
. "$top_srcdir/tests/integration/lib.sh"

# Plain: the fakes hand out made-up keys (container, IMDS, SSO), which
# a strict moto rightly refuses; this tests the chain, not AWS's checks.
sandbox_up --plain
fakes="$top_srcdir/tests/integration/fakes"
work="$SANDBOX_TMPDIR/creds"	# removed with the sandbox
mkdir -p "$work"
KEY=$AWS_ACCESS_KEY_ID
SECRET=$AWS_SECRET_ACCESS_KEY
ACCOUNT=123456789012
# Credentials from anywhere but the environment.
noenv=(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY)

# field NAME: a "Name: value" line of the last whoami output.
field() {
    printf '%s\n' "$output" | sed -n "s/^$1: *//p"
}

# check_whoami NAME SOURCE: the last run succeeded with credentials SOURCE
# and AWS saw our account.
check_whoami() {
    if [ "$status" -ne 0 ]; then
        _not_ok "$1" "exit $status: $output"
        return
    fi
    check_eq "$1: credentials" "$2" "$(field Credentials)"
    check_eq "$1: account" "$ACCOUNT" "$(field Account)"
}

# check_absent NAME TEXT: TEXT (a secret) is nowhere in the last output.
check_absent() {
    case $output in
        *"$2"*) _not_ok "$1" "found '$2' in: $output" ;;
        *) _ok "$1" ;;
    esac
}

# start_fake NAME ARGS...: fakes/NAME.py on a free loopback port; sets
# fake_pid, fake_port and fake_log. The fake also exits with this shell.
start_fake() {
    local name=$1 portfile i
    shift
    portfile="$work/$name.port"
    fake_log="$work/$name.log"
    rm -f "$portfile" "$fake_log"
    "$S3WATCH_PYTHON" -B "$fakes/$name.py" --port-file "$portfile" \
        --log "$fake_log" "$@" &
    fake_pid=$!
    for ((i = 0; i < 100; i++)); do
        [ -s "$portfile" ] && break
        sleep 0.1
    done
    if ! fake_port=$(cat "$portfile" 2>/dev/null); then
        _not_ok "start $name" "no port after 10 s"
        finish
    fi
    : >>"$fake_log"
}

stop_fake() {
    kill "$fake_pid" 2>/dev/null
    wait "$fake_pid" 2>/dev/null
}

# --- environment and explicit profiles -----------------------------------
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<EOF
[base]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET
EOF
: >"$AWS_CONFIG_FILE"

run "$S3WATCH" whoami
check_whoami "environment keys" "environment"
run "$S3WATCH" --profile base whoami
check_whoami "--profile beats environment keys" "profile base (credentials file)"
run env AWS_PROFILE=base "$S3WATCH" whoami
check_whoami "AWS_PROFILE does not beat environment keys" "environment"
run "${noenv[@]}" AWS_PROFILE=base "$S3WATCH" whoami
check_whoami "AWS_PROFILE" "profile base (credentials file)"
run "${noenv[@]}" AWS_ACCESS_KEY_ID=AKIAONLYHALF "$S3WATCH" whoami
check_eq "half a key pair exits 3" 3 "$status"
check_contains "half a key pair is named" \
    "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not" "$output"

# --- assume role ---------------------------------------------------------
trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}]}'
check "create role s3watch-creds" awscli iam create-role \
    --role-name s3watch-creds --assume-role-policy-document "$trust"
check "create role s3watch-creds2" awscli iam create-role \
    --role-name s3watch-creds2 --assume-role-policy-document "$trust"
role=arn:aws:iam::$ACCOUNT:role/s3watch-creds
role2=arn:aws:iam::$ACCOUNT:role/s3watch-creds2

cat >"$AWS_CONFIG_FILE" <<EOF
[profile assumed]
role_arn = $role
source_profile = base
role_session_name = s3w-session
duration_seconds = 1800

[profile chained]
role_arn = $role2
source_profile = assumed

[profile loopa]
role_arn = $role
source_profile = loopb

[profile loopb]
role_arn = $role
source_profile = loopa

[profile wi]
role_arn = $role
web_identity_token_file = $work/web-token
role_session_name = s3w-web-profile
EOF

run "$S3WATCH" --profile assumed whoami
check_whoami "assume role" "profile assumed: assume-role $role via profile base"
check_contains "assume role: the session is the role's" \
    ":assumed-role/s3watch-creds/s3w-session" "$(field Arn)"
run "$S3WATCH" --profile chained whoami
check_whoami "role from a role" \
    "profile chained: assume-role $role2 via profile assumed"
check_contains "role from a role: the second role" \
    ":assumed-role/s3watch-creds2/" "$(field Arn)"
run "$S3WATCH" --profile loopa whoami
check_eq "source_profile loop exits 3" 3 "$status"
check_contains "source_profile loop is named" \
    "source_profile loop: loopa -> loopb -> loopa" "$output"

# --- web identity --------------------------------------------------------
web_token="eyJhbGciOiJub25lIn0.eyJzdWIiOiJzM3dhdGNoLXRlc3QifQ.websecret42"
printf '%s\n' "$web_token" >"$work/web-token"
run "${noenv[@]}" AWS_WEB_IDENTITY_TOKEN_FILE="$work/web-token" \
    AWS_ROLE_ARN="$role" AWS_ROLE_SESSION_NAME=s3w-web "$S3WATCH" whoami
check_whoami "web identity from the environment" "web identity token file"
check_contains "web identity: the session" ":assumed-role/s3watch-creds/s3w-web" \
    "$(field Arn)"
check_absent "web identity: no token on screen" websecret42
run "$S3WATCH" --profile wi whoami
check_whoami "web identity from a profile" "profile wi: web identity token file"
check_contains "web identity profile: the session" \
    ":assumed-role/s3watch-creds/s3w-web-profile" "$(field Arn)"
run "${noenv[@]}" AWS_WEB_IDENTITY_TOKEN_FILE="$work/no-such-token" \
    AWS_ROLE_ARN="$role" "$S3WATCH" whoami
check_eq "missing web identity token file exits 3" 3 "$status"
check_contains "missing web identity token file is named" \
    "$work/no-such-token" "$output"

# --- credential_process --------------------------------------------------
expires=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
cat >"$work/helper.sh" <<EOF
#!/bin/sh
echo "helper: fetching credentials" >&2
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "Expiration": "%s"}\n' \
    "$KEY" "$SECRET" "$expires"
EOF
cat >"$work/helper-bad.sh" <<'EOF'
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIAX", "SecretAccessKey": "leaky-secret-7'
EOF
chmod +x "$work/helper.sh" "$work/helper-bad.sh"
cat >>"$AWS_CONFIG_FILE" <<EOF

[profile proc]
credential_process = $work/helper.sh

[profile procfail]
credential_process = echo helper-diagnostic >&2; exit 4

[profile procbad]
credential_process = $work/helper-bad.sh

[profile procv2]
credential_process = echo '{"Version": 2}'
EOF
run "$S3WATCH" --profile proc whoami
check_whoami "credential_process" "profile proc: credential_process"
check_contains "credential_process: its stderr passes through" \
    "helper: fetching credentials" "$output"
run "$S3WATCH" --profile procfail whoami
check_eq "failing credential_process exits 3" 3 "$status"
check_contains "failing credential_process: the status" \
    "profile procfail: credential_process exited with status 4" "$output"
check_contains "failing credential_process: its stderr" "helper-diagnostic" "$output"
run "$S3WATCH" --profile procbad whoami
check_eq "credential_process bad JSON exits 3" 3 "$status"
check_contains "credential_process bad JSON is explained" "not valid JSON" "$output"
check_absent "credential_process bad JSON: no secret on screen" leaky-secret-7
run "$S3WATCH" --profile procv2 whoami
check_contains "credential_process wrong Version" "unsupported Version 2" "$output"

# --- container -----------------------------------------------------------
: >"$AWS_SHARED_CREDENTIALS_FILE"
: >"$AWS_CONFIG_FILE"
start_fake container_creds --token "Bearer ctok-secret-99" \
    --access-key ASIAFAKECONTAINER01 --secret-key "$SECRET"
uri="http://127.0.0.1:$fake_port/v2/credentials/task"
run "${noenv[@]}" AWS_CONTAINER_CREDENTIALS_FULL_URI="$uri" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer ctok-secret-99" "$S3WATCH" whoami
check_whoami "container" "container credentials"
check_eq "container: its access key" "ASIA...ER01" "$(field 'Access key')"
check_contains "container: the token was sent" \
    '"Authorization": "Bearer ctok-secret-99"' "$(cat "$fake_log")"
printf 'Bearer ctok-secret-99\n' >"$work/ctoken"
run "${noenv[@]}" AWS_CONTAINER_CREDENTIALS_FULL_URI="$uri" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$work/ctoken" "$S3WATCH" whoami
check_whoami "container, token file" "container credentials"
run "${noenv[@]}" AWS_CONTAINER_CREDENTIALS_FULL_URI="$uri" \
    AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer wrong-secret-98" "$S3WATCH" whoami
check_eq "container, wrong token exits 3" 3 "$status"
check_contains "container, wrong token: the answer" "HTTP 401" "$output"
check_absent "container, wrong token: no token on screen" wrong-secret-98
stop_fake
# A session token with a line break would add a header to every call.
start_fake container_creds --access-key ASIAFAKECONTAINER02 \
    --secret-key "$SECRET" --session-token $'ctok-secret-97\r\nX-Evil: 1'
run "${noenv[@]}" \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$fake_port/v2/creds" \
    "$S3WATCH" whoami
check_eq "container, token with a line break exits 3" 3 "$status"
check_contains "container, token with a line break is refused" \
    "container credentials: the session token has a control character" \
    "$output"
check_absent "container, token with a line break: no token on screen" \
    ctok-secret-97
stop_fake
run "${noenv[@]}" AWS_CONTAINER_CREDENTIALS_FULL_URI=http://0.0.0.0:9/creds \
    "$S3WATCH" whoami
check_eq "container, non-loopback http refused" 3 "$status"
check_contains "container, non-loopback http is explained" \
    "must use https or a loopback" "$output"

# --- EC2 instance metadata -----------------------------------------------
start_fake imds --role s3watch-instance-role --access-key ASIAFAKEIMDS0000001 \
    --secret-key "$SECRET"
imds=(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_EC2_METADATA_DISABLED
    AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$fake_port")
run "${imds[@]}" "$S3WATCH" whoami
check_whoami "IMDSv2" "EC2 instance metadata (IMDSv2)"
check_eq "IMDSv2: its access key" "ASIA...0001" "$(field 'Access key')"
check_eq "IMDSv2: token first, then role, then credentials" \
    "PUT /latest/api/token 200|GET /latest/meta-data/iam/security-credentials/ 200|GET /latest/meta-data/iam/security-credentials/s3watch-instance-role 200" \
    "$("$S3WATCH_PYTHON" -c '
import json, sys
print("|".join("%s %s %d" % (r["method"], r["path"], r["status"])
               for r in map(json.loads, open(sys.argv[1]))))' "$fake_log")"
before=$(wc -l <"$fake_log")
run "${imds[@]}" AWS_EC2_METADATA_DISABLED=true "$S3WATCH" whoami
check_eq "IMDS disabled exits 3" 3 "$status"
check_contains "IMDS disabled is said" "EC2 instance metadata (disabled)" "$output"
check_eq "IMDS disabled: not asked" "$before" "$(wc -l <"$fake_log")"
stop_fake
run "${imds[@]}" "$S3WATCH" whoami
check_eq "IMDS unreachable exits 3" 3 "$status"
check_contains "IMDS unreachable: what was tried" \
    "no credentials found: tried environment, profile default (" "$output"
check_contains "IMDS unreachable: the endpoint" \
    "EC2 instance metadata (http://127.0.0.1:$fake_port" "$output"

# --- SSO -----------------------------------------------------------------
home="$work/home"
mkdir -p "$home/.aws/sso/cache"
cache_file() {
    printf '%s/.aws/sso/cache/%s.json' "$home" \
        "$(printf '%s' "$1" | sha1sum | cut -d' ' -f1)"
}
# sso_token KEY TOKEN WHEN: cache TOKEN for session (or start URL) KEY.
sso_token() {
    printf '{"startUrl": "https://corp.example/start", "region": "us-east-1", "accessToken": "%s", "expiresAt": "%s"}\n' \
        "$2" "$(date -u -d "$3" +%Y-%m-%dT%H:%M:%SZ)" >"$(cache_file "$1")"
}
cat >"$AWS_CONFIG_FILE" <<EOF
[profile sso]
sso_session = corp
sso_account_id = $ACCOUNT
sso_role_name = ReadOnly

[sso-session corp]
sso_start_url = https://corp.example/start
sso_region = us-east-1

[profile legacy]
sso_start_url = https://legacy.example/start
sso_region = us-east-1
sso_account_id = $ACCOUNT
sso_role_name = ReadOnly
EOF
start_fake sso_portal --token sso-token-secret-5 --account-id "$ACCOUNT" \
    --role-name ReadOnly --access-key ASIAFAKESSO00000001 --secret-key "$SECRET"
sso=(env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$home"
    AWS_ENDPOINT_URL_SSO="http://127.0.0.1:$fake_port")
sso_token corp sso-token-secret-5 '+1 hour'
run "${sso[@]}" "$S3WATCH" --profile sso whoami
check_whoami "SSO" "profile sso: SSO"
check_eq "SSO: its access key" "ASIA...0001" "$(field 'Access key')"
check_contains "SSO: the bearer token was sent" \
    'sso_bearer_token": "sso-token-secret-5"' "$(cat "$fake_log")"
sso_token https://legacy.example/start sso-token-secret-5 '+1 hour'
run "${sso[@]}" "$S3WATCH" --profile legacy whoami
check_whoami "SSO, legacy profile" "profile legacy: SSO"
sso_token corp sso-token-secret-5 '-1 minute'
run "${sso[@]}" "$S3WATCH" --profile sso whoami
check_eq "SSO expired token exits 3" 3 "$status"
check_contains "SSO expired token says what to do" \
    "SSO token for session corp has expired; run: aws sso login --profile sso" \
    "$output"
rm -f "$(cache_file corp)"
run "${sso[@]}" "$S3WATCH" --profile sso whoami
check_eq "SSO missing token exits 3" 3 "$status"
check_contains "SSO missing token says what to do" \
    "run: aws sso login --profile sso" "$output"
sso_token corp sso-token-stale-4 '+1 hour'
run "${sso[@]}" "$S3WATCH" --profile sso whoami
check_eq "SSO refused token exits 3" 3 "$status"
check_contains "SSO refused token is explained" "refused the token" "$output"
check_absent "SSO refused token: no token on screen" sso-token-stale-4
stop_fake

finish
