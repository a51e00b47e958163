#!/bin/bash
# Retries and error handling, proven with faults the sandbox proxy injects
# into STS calls made by `s3watch whoami`.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

log=$SANDBOX_TMPDIR/debug.log
# whoami with a fresh debug log; output in $output, status in $status.
whoami() {
	: > "$log"
	run "$S3WATCH" --debug-log "$log" whoami
}
attempts() { grep -c "aws: sts.GetCallerIdentity attempt" "$log"; }
sts() { printf '{"kind":"%s","service":"sts","action":"GetCallerIdentity"%s}' "$1" "${2:-}"; }

whoami
check_eq "baseline whoami works" 0 "$status"
check_contains "baseline account" "Account:     123456789012" "$output"
check_eq "baseline is one attempt" 1 "$(attempts)"

faults_clear; sandbox_stats_reset
fault "$(sts throttle ',"count":2')"
whoami
check_eq "two throttles are retried through" 0 "$status"
check_eq "three attempts after two throttles" 3 "$(attempts)"
check_eq "proxy injected two throttles" 2 "$(sandbox_stats faults throttle)"

faults_clear
fault "$(sts throttle ',"count":3')"
whoami
check_eq "three throttles fail" 1 "$status"
check_contains "throttle error has the AWS code" "Throttling: Rate exceeded" "$output"
check_contains "throttle error counts attempts" "after 3 attempts" "$output"
check_contains "throttle error has the request id" "request id " "$output"

faults_clear
fault "$(sts throttle ',"count":1')"
run env AWS_MAX_ATTEMPTS=1 "$S3WATCH" whoami
check_eq "AWS_MAX_ATTEMPTS=1 does not retry" 1 "$status"

faults_clear
fault "$(sts 500 ',"count":2')"
whoami
check_eq "500s are retried through" 0 "$status"
check_eq "three attempts after two 500s" 3 "$(attempts)"

faults_clear
fault "$(sts 503 ',"count":1')"
whoami
check_eq "503 is retried through" 0 "$status"

faults_clear
fault "$(sts reset ',"count":2')"
whoami
check_eq "connection resets are retried through" 0 "$status"
check_eq "three attempts after two resets" 3 "$(attempts)"

faults_clear
fault "$(sts reset ',"count":3')"
whoami
check_eq "three resets fail" 1 "$status"
check_contains "reset error is a network error" "NetworkError" "$output"

faults_clear
fault "$(sts truncate ',"count":1')"
whoami
check_eq "a truncated answer is retried" 0 "$status"
check_eq "two attempts after a truncation" 2 "$(attempts)"

faults_clear
fault "$(sts slow ',"count":1,"delay_ms":3000')"
: > "$log"
run env S3WATCH_HTTP_TIMEOUT=1 "$S3WATCH" --debug-log "$log" whoami
check_eq "a slow answer times out and is retried" 0 "$status"
check_eq "two attempts after a timeout" 2 "$(attempts)"
check_contains "the first attempt timed out" "imed out" "$(cat "$log")"

faults_clear
fault "$(sts expired ',"count":1')"
whoami
check_eq "an expired token is refreshed once" 0 "$status"
check_eq "two attempts after ExpiredToken" 2 "$(attempts)"

faults_clear
fault "$(sts expired ',"count":2')"
whoami
check_eq "a token still expired after refresh fails" 1 "$status"
check_contains "expired error has the code" "ExpiredToken" "$output"

faults_clear
fault "$(sts skew ',"count":1,"skew_s":3600')"
whoami
check_eq "clock skew is corrected" 0 "$status"
check_contains "the skew correction is logged" "correcting clock skew of 3600 s" "$(cat "$log")"

faults_clear
fault "$(sts badbody ',"count":1')"
whoami
check_eq "an invalid XML answer fails" 1 "$status"
check_contains "an invalid XML answer is explained" "is not valid XML" "$output"
check_eq "an invalid answer is not retried" 1 "$(attempts)"

faults_clear
whoami
check_eq "whoami works again after the faults" 0 "$status"
case $(cat "$log") in *"$AWS_SECRET_ACCESS_KEY"*) _not_ok "debug log has no secret" "$(cat "$log")" ;; *) _ok "debug log has no secret" ;; esac
check_eq "debug log is private" 600 "$(stat -c %a "$log")"

finish
