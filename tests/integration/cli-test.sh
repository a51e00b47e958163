#!/bin/bash
# The command line: help, version, usage errors, and the clear error for
# each kind of bad setting (no sandbox needed for most; one dead endpoint).
set -u
. "$top_srcdir/tests/integration/lib.sh"

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home AWS_CONFIG_FILE=$home/config AWS_SHARED_CREDENTIALS_FILE=$home/credentials

run "$S3WATCH" --version
check_eq "--version exits 0" 0 "$status"
check_contains "--version names the program" "s3watch 0." "$output"
run "$S3WATCH" --help
check_eq "--help exits 0" 0 "$status"
check_contains "--help lists whoami" "whoami" "$output"
check_contains "--help lists sign" "sign" "$output"
run "$S3WATCH" frobnicate
check_eq "unknown command exits 2" 2 "$status"
check_contains "unknown command is named" "unknown command 'frobnicate'" "$output"
run "$S3WATCH" --bogus whoami
check_eq "unknown option exits 2" 2 "$status"
run "$S3WATCH" whoami --bogus
check_eq "unknown command option exits 2" 2 "$status"
check_contains "unknown command option is named" "s3watch whoami: unknown option '--bogus'" "$output"
check_contains "unknown command option shows the usage" "usage: s3watch whoami [--json]" "$output"

# --- the option parser: one table per command -----------------------------
run "$S3WATCH" monitor --since
check_eq "a missing value exits 2" 2 "$status"
check_contains "a missing value is said" "option '--since' needs a value: --since WHEN" "$output"
run "$S3WATCH" monitor --poll 12x
check_eq "a bad number exits 2" 2 "$status"
check_contains "a bad number is said with its range" "--poll '12x' is not a number from 1 to 600000" "$output"
run "$S3WATCH" report --since 1d --s x
check_eq "an ambiguous prefix exits 2" 2 "$status"
check_contains "an ambiguous prefix names the options" "option '--s' is ambiguous (--since, --set)" "$output"
run "$S3WATCH" whoami --json=yes
check_eq "a value for a flag exits 2" 2 "$status"
check_contains "a value for a flag is said" "option '--json' takes no value" "$output"
run "$S3WATCH" replay
check_eq "replay without a file exits 2" 2 "$status"
check_contains "replay without a file says so" "s3watch replay: missing FILE..." "$output"
run "$S3WATCH" status extra
check_eq "an extra argument exits 2" 2 "$status"
check_contains "an extra argument is named" "unexpected argument 'extra'" "$output"
run "$S3WATCH" alerts frob
check_eq "an unknown alerts verb exits 2" 2 "$status"
check_contains "an unknown alerts verb is named" "unknown verb 'frob'" "$output"
run "$S3WATCH" alerts ack
check_eq "ack without an ID exits 2" 2 "$status"
check_contains "ack without an ID says so" "ack needs an alert ID" "$output"
run "$S3WATCH" setup
check_eq "setup without --plan or --yes exits 2" 2 "$status"
check_contains "setup says --plan or --yes" "say --plan to see the calls, or --yes to make them" "$output"
# Options and arguments in any order, as before; "--" ends the options.
run "$S3WATCH" pattern --event '{"a":1}' test --pattern '{"a":[1]}'
check_eq "options after the subcommand" "match" "$output"
run "$S3WATCH" replay -- --no-such-file
check_eq "after --, a name that looks like an option is a file" 1 "$status"
check_contains "after --, the file is named" "--no-such-file: No such file" "$output"
for c in console setup status teardown config monitor alerts validate verify-logs report replay pattern whoami sign; do
    run "$S3WATCH" "$c" --help
    check_eq "$c --help exits 0" 0 "$status"
    check_contains "$c --help shows its usage" "usage: s3watch $c" "$output"
    run "$S3WATCH" "$c" -h
    check_eq "$c -h exits 0" 0 "$status"
done
run "$S3WATCH" config --help
check_contains "config --help has the keys' help" "address subscribed to topic" "$output"
check_contains "config --help has the keys' types and defaults" "(integer; default: 30;" "$output"

# --- bad settings -------------------------------------------------------
printf '[default]\nregion = us-east-1\nthis line is broken\n' > "$AWS_CONFIG_FILE"
run env AWS_ACCESS_KEY_ID=AKIAX AWS_SECRET_ACCESS_KEY=s "$S3WATCH" whoami
check_eq "malformed config exits 3" 3 "$status"
check_contains "malformed config names file and line" "$AWS_CONFIG_FILE:3" "$output"
: > "$AWS_CONFIG_FILE"

run env AWS_ACCESS_KEY_ID=AKIAX AWS_SECRET_ACCESS_KEY=s "$S3WATCH" whoami
check_eq "no region exits 3" 3 "$status"
check_contains "no region says how to set one" "no region" "$output"

run env AWS_ACCESS_KEY_ID=AKIAX AWS_SECRET_ACCESS_KEY=s "$S3WATCH" --region mars-north-1 whoami
check_eq "unknown region exits 3" 3 "$status"
check_contains "unknown region is named" "unknown region 'mars-north-1'" "$output"

run "$S3WATCH" --region us-east-1 --profile nosuch whoami
check_eq "unknown profile exits 3" 3 "$status"
check_contains "unknown profile is named" "nosuch" "$output"

run env AWS_ACCESS_KEY_ID=AKIAX AWS_SECRET_ACCESS_KEY=s "$S3WATCH" --region us-east-1 --endpoint-url ftp://x whoami
check_eq "bad endpoint URL exits 3" 3 "$status"
check_contains "bad endpoint URL is explained" "must start with https:// or http://" "$output"

run env AWS_ACCESS_KEY_ID=AKIAX AWS_SECRET_ACCESS_KEY=s AWS_CA_BUNDLE=/nonexistent "$S3WATCH" --region us-east-1 whoami
check_eq "missing CA bundle exits 3" 3 "$status"
check_contains "missing CA bundle is named" "/nonexistent" "$output"

run env AWS_MAX_ATTEMPTS=zero AWS_ACCESS_KEY_ID=AKIAX AWS_SECRET_ACCESS_KEY=s "$S3WATCH" --region us-east-1 whoami
check_eq "bad max_attempts exits 3" 3 "$status"

run env AWS_ACCESS_KEY_ID=AKIAX "$S3WATCH" --region us-east-1 --endpoint-url http://127.0.0.1:9 whoami
check_eq "half a key pair exits 3" 3 "$status"
check_contains "half a key pair names the missing variable" "AWS_SECRET_ACCESS_KEY" "$output"

run "$S3WATCH" --region us-east-1 --endpoint-url http://127.0.0.1:9 whoami
check_eq "no credentials exits 3" 3 "$status"
check_contains "no credentials says what was tried" "environment" "$output"

# A dead endpoint: retried, then a clear network error naming the URL.
run env AWS_ACCESS_KEY_ID=AKIAX AWS_SECRET_ACCESS_KEY=secretvalue123 AWS_MAX_ATTEMPTS=2 \
    "$S3WATCH" --region us-east-1 --endpoint-url http://127.0.0.1:9 whoami
check_eq "unreachable endpoint exits 1" 1 "$status"
check_contains "unreachable endpoint names the URL" "http://127.0.0.1:9" "$output"
check_contains "unreachable endpoint counts attempts" "after 2 attempts" "$output"
case $output in *secretvalue123*) _not_ok "no secret in errors" "$output" ;; *) _ok "no secret in errors" ;; esac

# --- sign -----------------------------------------------------------------
# <<< adds the final newline that ends the head: the body is empty.
req=$'GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\n'
run env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
    "$S3WATCH" sign --service service --region us-east-1 --time 20150830T123600Z \
    --show authorization <<<"$req"
check_eq "sign get-vanilla" "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" "$output"
run env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
    "$S3WATCH" sign --service service --region us-east-1 --time 20150830T123600Z <<<"$req"
check_contains "sign prints the signed request" "Authorization: AWS4-HMAC-SHA256" "$output"
check_contains "sign keeps the request line" "GET / HTTP/1.1" "$output"
run env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
    "$S3WATCH" sign --service service --region us-east-1 --show canonical <<<"$req"
check_contains "sign --show canonical" $'GET\n/\n\nhost:example.amazonaws.com' "$output"
case $output in *wJalrXUtnFEMI*) _not_ok "sign never prints the secret" "$output" ;; *) _ok "sign never prints the secret" ;; esac
run env AWS_ACCESS_KEY_ID=A AWS_SECRET_ACCESS_KEY=B "$S3WATCH" sign --service s --region r <<<"garbage"
check_eq "sign rejects a bad request line" 2 "$status"
check_contains "sign explains the request line" "METHOD TARGET HTTP/1.1" "$output"
run env AWS_ACCESS_KEY_ID=A AWS_SECRET_ACCESS_KEY=B "$S3WATCH" sign --service s --region r </dev/null
check_eq "sign rejects empty input" 2 "$status"
run env AWS_ACCESS_KEY_ID=A AWS_SECRET_ACCESS_KEY=B "$S3WATCH" sign --service s --region r <<<$'GET / HTTP/1.1\n\n'
check_eq "sign needs a Host header" 2 "$status"
check_contains "sign names the missing Host" "Host" "$output"
run env AWS_ACCESS_KEY_ID=A AWS_SECRET_ACCESS_KEY=B "$S3WATCH" sign --service s --region r <<<$'GET / HTTP/1.1\nHost: x\nBad\x1b[2J: y\n\n'
check_eq "sign rejects control characters" 2 "$status"
run env AWS_ACCESS_KEY_ID=A AWS_SECRET_ACCESS_KEY=B "$S3WATCH" sign --service s --region r --time 2015 <<<"$req"
check_eq "sign rejects a bad --time" 2 "$status"
run env AWS_ACCESS_KEY_ID=A AWS_SECRET_ACCESS_KEY=B "$S3WATCH" sign --service s --region r --unsigned-payload <<<"$req"
check_eq "UNSIGNED-PAYLOAD needs --s3" 2 "$status"
run env -u AWS_ACCESS_KEY_ID "$S3WATCH" sign --service s --region r <<<"$req"
check_eq "sign without credentials exits 3" 3 "$status"
run env AWS_ACCESS_KEY_ID=A AWS_SECRET_ACCESS_KEY=B "$S3WATCH" sign --service s --region r --show nope <<<"$req"
check_eq "sign rejects an unknown --show" 2 "$status"

finish
