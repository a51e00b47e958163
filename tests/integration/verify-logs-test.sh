#!/bin/bash
# s3watch verify-logs --local: a CloudTrail digest chain made on disk as
# CloudTrail writes it (signed with our own key through the openssl CLI),
# validated whole, then with log files and digests tampered with and
# deleted, and with the wrong key; then the same chain online, from a
# trail and bucket in the sandbox (moto has no ListPublicKeys, so the key
# is given with --public-key there too).
set -u
. "$top_srcdir/tests/integration/lib.sh"

PY=${S3WATCH_PYTHON:-python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-verify.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$tmp/key.pem" 2>/dev/null
openssl pkey -in "$tmp/key.pem" -pubout -out "$tmp/pub.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$tmp/other.pem" 2>/dev/null
openssl pkey -in "$tmp/other.pem" -pubout -out "$tmp/other-pub.pem"

# make_chain DIR: three hourly digests, two log files each, under DIR as
# `aws s3 sync s3://trail-bucket DIR` lays them out, with NAME.sig beside
# each digest.  Also writes DIR/../keys.json (list-public-keys output).
make_chain() {
    "$PY" - "$1" "$tmp/key.pem" <<'EOF'
import base64, gzip, hashlib, json, os, subprocess, sys

root, key = sys.argv[1], sys.argv[2]
bucket, acct, region = "trail-bucket", "123456789012", "us-east-1"
der = subprocess.run(["openssl", "rsa", "-in", key, "-RSAPublicKey_out",
                      "-outform", "DER"], check=True, capture_output=True).stdout
fingerprint = hashlib.md5(der).hexdigest()

def put(k, data):
    path = os.path.join(root, k)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)

prev = None
for i in range(3):
    logs = []
    for j in range(2):
        k = (f"AWSLogs/{acct}/CloudTrail/{region}/2024/05/01/"
             f"{acct}_CloudTrail_{region}_20240501T{i:02d}{10 + j}Z_x{j}.json.gz")
        body = json.dumps({"Records": [{"eventName": "GetObject",
                "eventTime": f"2024-05-01T{i:02d}:{10 + j}:00Z"}]}).encode()
        put(k, gzip.compress(body))
        logs.append({"s3Bucket": bucket, "s3Object": k,
                     "hashValue": hashlib.sha256(body).hexdigest(),
                     "hashAlgorithm": "SHA-256",
                     "newestEventTime": f"2024-05-01T{i:02d}:{10 + j}:00Z",
                     "oldestEventTime": f"2024-05-01T{i:02d}:{10 + j}:00Z"})
    dkey = (f"AWSLogs/{acct}/CloudTrail-Digest/{region}/2024/05/01/"
            f"{acct}_CloudTrail-Digest_{region}_mytrail_{region}_20240501T{i + 1:02d}0000Z.json.gz")
    end = f"2024-05-01T{i + 1:02d}:00:00Z"
    digest = {"awsAccountId": acct,
              "digestStartTime": f"2024-05-01T{i:02d}:00:00Z",
              "digestEndTime": end, "digestS3Bucket": bucket,
              "digestS3Object": dkey,
              "digestPublicKeyFingerprint": fingerprint,
              "digestSignatureAlgorithm": "SHA256withRSA",
              "previousDigestS3Bucket": bucket if prev else None,
              "previousDigestS3Object": prev[0] if prev else None,
              "previousDigestHashValue": prev[1] if prev else None,
              "previousDigestHashAlgorithm": "SHA-256" if prev else None,
              "previousDigestSignature": prev[2] if prev else None,
              "logFiles": logs}
    raw = json.dumps(digest).encode()
    sha = hashlib.sha256(raw).hexdigest()
    tbs = f"{end}\n{bucket}/{dkey}\n{sha}\n{prev[2] if prev else 'null'}"
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                         input=tbs.encode(), check=True,
                         capture_output=True).stdout.hex()
    put(dkey, gzip.compress(raw))
    put(dkey + ".sig", sig.encode() + b"\n")
    prev = (dkey, sha, sig)

with open(os.path.join(root, "..", "keys.json"), "w") as f:
    json.dump({"PublicKeyList": [{"Value": base64.b64encode(der).decode(),
               "ValidityStartTime": 1714521600.0,
               "ValidityEndTime": 1717200000.0,
               "Fingerprint": fingerprint}]}, f)
EOF
}

fresh() {
    rm -rf "$tmp/copy"
    mkdir -p "$tmp/copy"
    make_chain "$tmp/copy"
}

D=AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/05/01
L=AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01
digest() { echo "$tmp/copy/$D/123456789012_CloudTrail-Digest_us-east-1_mytrail_us-east-1_20240501T0${1}0000Z.json.gz"; }
logfile() { echo "$tmp/copy/$L/123456789012_CloudTrail_us-east-1_20240501T0${1}1${2}Z_x${2}.json.gz"; }
verify() { run "$S3WATCH" verify-logs --local "$tmp/copy" "$@"; }

# --- all valid ------------------------------------------------------------
fresh
verify --public-key "$tmp/pub.pem"
check_eq "valid chain exits 0" 0 "$status"
check_contains "valid chain summary" \
    "3 digest files valid, 0 invalid; 6 log files valid, 0 invalid" "$output"
check_contains "digests are listed" "digest  valid" "$output"
check_contains "logs are listed" "log     valid" "$output"

verify --public-key "$tmp/keys.json" --json
check_eq "list-public-keys JSON key file exits 0" 0 "$status"
check_contains "--json summary" '"digests_valid":3' "$output"
check_contains "--json lines" '"type":"log","verdict":"valid"' "$output"

verify --public-key "$tmp/pub.pem" --start 2024-05-01T02:30:00Z --end 2024-05-01T03:00:00Z
check_eq "a time range exits 0" 0 "$status"
check_contains "a time range limits the walk" "1 digest files valid" "$output"

# The bucket kept as a directory: DIR/BUCKET/AWSLogs/...
mkdir -p "$tmp/bybucket"
cp -r "$tmp/copy" "$tmp/bybucket/trail-bucket"
run "$S3WATCH" verify-logs --local "$tmp/bybucket" --public-key "$tmp/pub.pem"
check_eq "DIR/BUCKET layout exits 0" 0 "$status"
check_contains "DIR/BUCKET layout is valid" "3 digest files valid, 0 invalid" "$output"

# --- tampered and deleted log files ----------------------------------------
printf '{"Records":[{"eventName":"DeleteObject"}]}' | gzip > "$(logfile 1 0)"
verify --public-key "$tmp/pub.pem"
check_eq "tampered log exits 1" 1 "$status"
check_contains "tampered log is MODIFIED" "log     MODIFIED" "$output"
check_contains "tampered log is named" "20240501T0110Z_x0.json.gz: hash value does not match" "$output"
check_contains "tampered log counted" "5 log files valid, 1 invalid" "$output"

fresh
rm "$(logfile 2 1)"
verify --public-key "$tmp/pub.pem"
check_eq "deleted log exits 1" 1 "$status"
check_contains "deleted log is MISSING" "log     MISSING" "$output"
check_contains "deleted log counted" "5 log files valid, 1 invalid" "$output"

# Recompressed with other settings, same content: still valid.
fresh
f=$(logfile 0 1)
gzip -dc "$f" | gzip -1 > "$f.new" && mv "$f.new" "$f"
verify --public-key "$tmp/pub.pem"
check_eq "recompressed log exits 0" 0 "$status"

# --- tampered and deleted digests ------------------------------------------
fresh
rm "$(digest 2)" "$(digest 2).sig"
verify --public-key "$tmp/pub.pem"
check_eq "deleted digest exits 1" 1 "$status"
check_contains "deleted digest is MISSING" "digest  MISSING" "$output"
check_contains "deleted digest is named" "20240501T020000Z.json.gz: not found" "$output"
check_contains "the walk goes past the hole" "2 digest files valid, 1 invalid" "$output"

fresh
f=$(digest 3)
gzip -dc "$f" | sed 's/GetObject/PutObject/; s/"hashValue": "\(.\)/"hashValue": "0/' | gzip > "$f.new"
mv "$f.new" "$f"
verify --public-key "$tmp/pub.pem"
check_eq "tampered digest exits 1" 1 "$status"
check_contains "tampered digest is MODIFIED" "digest  MODIFIED" "$output"
check_contains "tampered digest reason" "signature does not verify" "$output"
check_contains "older digests still valid" "2 digest files valid, 1 invalid" "$output"

fresh
rm "$(digest 1).sig"
verify --public-key "$tmp/pub.pem"
check_eq "missing signature exits 1" 1 "$status"
check_contains "missing signature is explained" "NAME.sig" "$output"

# head-object's JSON as the sidecar.
fresh
f=$(digest 2)
printf '{"Metadata": {"signature": "%s", "signature-algorithm": "SHA256withRSA"}}' \
    "$(cat "$f.sig")" > "$f.sig"
verify --public-key "$tmp/pub.pem"
check_eq "head-object JSON sidecar exits 0" 0 "$status"

# --- the wrong key ---------------------------------------------------------
verify --public-key "$tmp/other-pub.pem"
check_eq "wrong key exits 1" 1 "$status"
check_contains "wrong key is UNKNOWN KEY" "digest  UNKNOWN KEY" "$output"
check_contains "wrong key counted" "0 digest files valid, 3 invalid" "$output"

# --- usage -----------------------------------------------------------------
verify
check_eq "--local without --public-key exits 2" 2 "$status"
check_contains "--local without --public-key says so" "--public-key" "$output"
verify --public-key "$tmp/pub.pem" --start yesterday-ish
check_eq "bad --start exits 2" 2 "$status"
verify --public-key "$tmp/nonexistent.pem"
check_eq "missing key file exits 2" 2 "$status"
verify --public-key "$tmp/key.pem.junk"
check_eq "unreadable key file exits 2" 2 "$status"
echo "not a key" > "$tmp/junk.pem"
verify --public-key "$tmp/junk.pem"
check_eq "junk key file exits 2" 2 "$status"
run "$S3WATCH" verify-logs --local "$tmp/nowhere" --public-key "$tmp/pub.pem"
check_eq "missing directory exits 2" 2 "$status"
mkdir -p "$tmp/empty"
run "$S3WATCH" verify-logs --local "$tmp/empty" --public-key "$tmp/pub.pem"
check_eq "no digests exits 1" 1 "$status"
check_contains "no digests says so" "no digest files" "$output"
run "$S3WATCH" --help
check_contains "--help lists verify-logs" "verify-logs" "$output"

# --- online, against the sandbox --------------------------------------------
fresh
sandbox_up
on_exit 'rm -rf "$tmp"'
awscli s3api create-bucket --bucket trail-bucket >/dev/null
awscli cloudtrail create-trail --name mytrail --s3-bucket-name trail-bucket \
    --enable-log-file-validation >/dev/null
(
    cd "$tmp/copy" || exit 1
    find AWSLogs -name '*.json.gz' | while read -r f; do
        meta=()
        [ -f "$f.sig" ] && meta=(--metadata \
            "signature=$(cat "$f.sig"),signature-algorithm=SHA256withRSA")
        awscli s3api put-object --bucket trail-bucket --key "$f" --body "$f" \
            "${meta[@]}" >/dev/null || exit 1
    done
)
online() {
    run "$S3WATCH" verify-logs --start 2024-05-01T00:00:00Z \
        --end 2024-05-01T04:00:00Z --public-key "$tmp/pub.pem" "$@"
}
online --trail mytrail
check_eq "online valid chain exits 0" 0 "$status"
check_contains "online summary" \
    "3 digest files valid, 0 invalid; 6 log files valid, 0 invalid" "$output"
check_contains "online names S3 objects" "digest  valid          s3://trail-bucket/AWSLogs/" "$output"

awscli s3api delete-object --bucket trail-bucket \
    --key "${L}/123456789012_CloudTrail_us-east-1_20240501T0110Z_x0.json.gz" >/dev/null
awscli s3api delete-object --bucket trail-bucket \
    --key "${D}/123456789012_CloudTrail-Digest_us-east-1_mytrail_us-east-1_20240501T010000Z.json.gz" >/dev/null
online
check_eq "online deletions exit 1" 1 "$status"
check_contains "online deleted log is MISSING" "log     MISSING        s3://trail-bucket/${L}/" "$output"
check_contains "online deleted digest is MISSING" "20240501T010000Z.json.gz: not found" "$output"
check_contains "online deletions counted" \
    "2 digest files valid, 1 invalid; 3 log files valid, 1 invalid" "$output"

online --trail nosuchtrail
check_eq "online unknown trail exits 2" 2 "$status"

finish
