#!/bin/bash
# S3 object keys of every awkward kind (all printable ASCII, spaces, '+',
# '%', '//', './', '../', UTF-8) round-trip through PutObject, GetObject and
# ListObjectsV2 in a strict sandbox, where moto verifies every signature:
# through s3watch's own URL building and signer (svc-keys-test), and through
# `s3watch sign`, its output sent byte for byte, with the S3 docs' request line
# (PUT /test$file.text). A wrong secret is refused both ways.
# shellcheck disable=SC2016 # keys with a literal $ are single-quoted on purpose
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up --strict
check_eq "the sandbox is strict" 1 "${S3WATCH_SANDBOX_STRICT:-}"

run "$top_builddir/tests/integration/svc-keys-test"
printf '%s\n' "$output" | sed 's/^/  [svc-keys-test] /'
check_eq "svc-keys-test passes" 0 "$status"
check_contains "every key round-trips" "keys round-trip" "$output"

# send_signed: send the request `s3watch sign` printed (stdin) as it is,
# with http.client; prints the HTTP status, then the body.
send_signed() {
    "$S3WATCH_PYTHON" -c '
import http.client, sys, urllib.parse
raw = sys.stdin.buffer.read()
head, _, body = raw.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
method, target, _ = lines[0].split(" ", 2)
headers = dict(l.split(": ", 1) for l in lines[1:])
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
c.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
for name, value in headers.items():
    c.putheader(name, value)
c.putheader("Content-Length", str(len(body)))
c.endheaders(body)
r = c.getresponse()
print(r.status)
sys.stdout.write(r.read().decode("utf-8", "replace"))
' "$S3WATCH_SANDBOX_PROXY_URL"
}

host=${S3WATCH_SANDBOX_PROXY_URL#http://}
bucket=s3w-sign-keys-$$
check "bucket for the sign checks" awscli s3api create-bucket --bucket "$bucket"

# The S3 docs' PUT example, its request line as printed there.
request() {
    printf '%s /%s/%s HTTP/1.1\r\nHost: %s\r\nx-amz-storage-class: STANDARD\r\n\r\n%s' \
        "$1" "$bucket" "$2" "$host" "$3"
}
run "$S3WATCH" sign --service s3 --region us-east-1 --s3 --show canonical \
    < <(request PUT 'test$file.text' 'Welcome to Amazon S3.')
check_contains "sign: the canonical URI encodes '\$' once" \
    $'PUT\n/'"$bucket"$'/test%24file.text\n' "$output"

run send_signed < <(request PUT 'test$file.text' 'Welcome to Amazon S3.' |
    "$S3WATCH" sign --service s3 --region us-east-1 --s3)
check_eq "sign | send: PUT /test\$file.text accepted" 200 "${output%%$'\n'*}"
run awscli s3api get-object --bucket "$bucket" --key 'test$file.text' /dev/stdout
check_contains "the object is under the intended key" "Welcome to Amazon S3." "$output"

run send_signed < <(request GET 'with%20space%2B%25' '' |
    "$S3WATCH" sign --service s3 --region us-east-1 --s3)
check_contains "sign | send: a missing encoded key is NoSuchKey, not a signature error" \
    "NoSuchKey" "$output"

run send_signed < <(request PUT 'test$file.text' 'forged' |
    AWS_SECRET_ACCESS_KEY=not-the-secret "$S3WATCH" sign --service s3 \
        --region us-east-1 --s3)
check_eq "sign | send: a wrong secret is refused (403)" 403 "${output%%$'\n'*}"
check_contains "... as SignatureDoesNotMatch" SignatureDoesNotMatch "$output"
run awscli s3api get-object --bucket "$bucket" --key 'test$file.text' /dev/stdout
check_contains "the refused PUT changed nothing" "Welcome to Amazon S3." "$output"
finish
