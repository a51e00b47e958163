#!/bin/bash
# TLS is always verified: a self-signed endpoint is refused, and trusted
# once AWS_CA_BUNDLE (or the profile's ca_bundle) names its certificate.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

d=$SANDBOX_TMPDIR
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" -out "$d/cert.pem" \
	-days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
	>/dev/null 2>&1 || { echo "openssl could not make a test certificate"; exit 1; }
moto_port=${S3WATCH_SANDBOX_MOTO_URL##*:}
"$S3WATCH_PYTHON" "$top_srcdir/tests/integration/fakes/tls_forward.py" \
	"$d/cert.pem" "$d/key.pem" "$moto_port" "$d/tls.port" &
on_exit "kill $! 2>/dev/null"
for _ in $(seq 100); do [ -s "$d/tls.port" ] && break; sleep 0.1; done
url=https://127.0.0.1:$(cat "$d/tls.port")

run env AWS_MAX_ATTEMPTS=1 "$S3WATCH" --endpoint-url "$url" whoami
check_eq "an untrusted certificate is refused" 1 "$status"
check_contains "the refusal names the certificate problem" "certificate" "$output"

run env AWS_CA_BUNDLE="$d/cert.pem" "$S3WATCH" --endpoint-url "$url" whoami
check_eq "AWS_CA_BUNDLE makes the certificate trusted" 0 "$status"
check_contains "the call went through TLS" "Endpoint:    $url" "$output"

printf '[default]\nca_bundle = %s\n' "$d/cert.pem" > "$AWS_CONFIG_FILE"
run "$S3WATCH" --endpoint-url "$url" whoami
check_eq "the profile's ca_bundle is honoured" 0 "$status"
: > "$AWS_CONFIG_FILE"

# A certificate for another name is refused even when it is trusted.
run env AWS_MAX_ATTEMPTS=1 AWS_CA_BUNDLE="$d/cert.pem" "$S3WATCH" \
	--endpoint-url "https://127.0.0.2:$(cat "$d/tls.port")" whoami
check_eq "a host name mismatch is refused" 1 "$status"

finish
