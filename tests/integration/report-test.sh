#!/bin/bash
# s3watch report against the sandbox: a week of CloudTrail records in the
# trail's log group, an acknowledged alert and the posture after setup,
# written as Markdown, CSV (read back with Python's csv module) and one
# self-contained HTML file; hostile values escaped in each.
set -u
. "$top_srcdir/tests/integration/lib.sh"
sandbox_up

export S3WATCH_STATE_DIR=$SANDBOX_TMPDIR/state
export S3WATCH_RULES_DIR=$top_srcdir/conf/rules.d
gen() { "$S3WATCH_PYTHON" "$top_srcdir/tests/bench/gen-events.py" --seed "$1" --count "$2"; }
logput() { "$S3WATCH_PYTHON" "$top_srcdir/tests/integration/logput.py" "$@" >/dev/null; }
py() { "$S3WATCH_PYTHON" -c "$@"; }
group=/aws/cloudtrail/s3-security-monitoring
# The sandbox delivers its own API calls into the trail's group as
# CloudTrail would, so exact counts use a group of their own.
tgroup=/s3watch-test/report
stream=123456789012_CloudTrail_us-east-1
out=$SANDBOX_TMPDIR/out
mkdir -p "$out"

# --- the posture, the records, an acknowledged alert --------------------------
run "$S3WATCH" setup --yes
check_eq "setup exits 0" 0 "$status"
[ "$status" -eq 0 ] || printf '%s\n' "$output" | tail -20 | sed 's/^/#   /'

gen 7 300 > "$SANDBOX_TMPDIR/gen.jsonl"
cat > "$SANDBOX_TMPDIR/own.jsonl" <<'EOF'
{"eventVersion":"1.09","eventID":"deny-1","eventTime":"2026-11-24T09:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"curl/8","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/eve","accountId":"123456789012"},"requestParameters":{"bucketName":"secure-docs","key":"payroll.csv"},"errorCode":"AccessDenied","errorMessage":"Access Denied","eventType":"AwsApiCall","recipientAccountId":"123456789012"}
{"eventVersion":"1.09","eventID":"deny-2","eventTime":"2026-11-24T09:01:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"curl/8","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/eve","accountId":"123456789012"},"requestParameters":{"bucketName":"secure-docs","key":"payroll.csv"},"errorCode":"AccessDenied","errorMessage":"Access Denied","eventType":"AwsApiCall","recipientAccountId":"123456789012"}
{"eventVersion":"1.09","eventID":"pol-1","eventTime":"2026-11-24T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012"},"requestParameters":{"bucketName":"secure-docs","policy":"{}"},"eventType":"AwsApiCall","recipientAccountId":"123456789012"}
{"eventVersion":"1.09","eventID":"stop-1","eventTime":"2026-11-24T10:05:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012"},"requestParameters":{"name":"s3-security-monitoring-trail"},"eventType":"AwsApiCall","recipientAccountId":"123456789012"}
{"eventVersion":"1.09","eventID":"del-1","eventTime":"2026-11-24T10:10:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","awsRegion":"us-east-1","sourceIPAddress":"10.1.2.3","userAgent":"aws-cli/2","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/mallory","accountId":"123456789012"},"requestParameters":{"bucketName":"secure-docs"},"eventType":"AwsApiCall","recipientAccountId":"123456789012"}
{"eventVersion":"1.09","eventID":"evil-1","eventTime":"2026-11-24T11:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"10.9.9.9","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/x|y\",z<script>alert(1)</script>\u001b[2J\u009b31m"},"requestParameters":{"bucketName":"b,c|d","key":"k"},"eventType":"AwsApiCall"}
EOF
cat "$SANDBOX_TMPDIR/gen.jsonl" "$SANDBOX_TMPDIR/own.jsonl" > "$SANDBOX_TMPDIR/all.jsonl"
logput "$tgroup" "$stream" "$SANDBOX_TMPDIR/gen.jsonl" --ago-ms 7200000 --spread-ms 3600000
logput "$tgroup" "$stream" "$SANDBOX_TMPDIR/own.jsonl" --ago-ms 600000 --spread-ms 1000
# Delivered twice by CloudTrail: counted once.
logput "$tgroup" 123456789012_CloudTrail_eu-west-1 "$SANDBOX_TMPDIR/own.jsonl" --ago-ms 500000 --spread-ms 1000
# The trail's own group too, for the monitor's alert.
logput "$group" "$stream" "$SANDBOX_TMPDIR/own.jsonl" --ago-ms 600000 --spread-ms 1000

# What the report should count, from the records written.
read -r total s3 denied changes < <(py '
import json, sys
admin = {"PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "DeleteBucket",
         "CreateBucket", "StopLogging", "PutBucketLogging", "PutBucketEncryption"}
# Refusals, as the report counts them (src/report/report.c).
refused = {"AccessDenied", "AccessDeniedException", "SignatureDoesNotMatch",
           "InvalidAccessKeyId", "ExpiredToken", "AllAccessDisabled"}
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
s3 = [r for r in recs if r.get("eventSource") == "s3.amazonaws.com"]
print(len(recs), len(s3), sum(1 for r in recs if r.get("errorCode") in refused),
      sum(1 for r in recs if r.get("eventName") in admin))' "$SANDBOX_TMPDIR/all.jsonl")
check_eq "the fixture has denials and changes" 1 "$([ "$denied" -gt 2 ] && [ "$changes" -ge 3 ] && echo 1)"

run "$S3WATCH" alerts list --since 1d
check_eq "alerts list exits 0" 0 "$status"
alert=$(printf '%s\n' "$output" | grep 'user/mallory' | grep -i delete | head -1 | cut -d' ' -f1)
[ -n "$alert" ] || alert=$(printf '%s\n' "$output" | grep 'user/mallory' | head -1 | cut -d' ' -f1)
check_eq "mallory's alert has an id" 16 "${#alert}"
run "$S3WATCH" alerts ack "$alert" --note "ticket 7, <approved>"
check_eq "ack exits 0" 0 "$status"
who="$(id -un)@$(hostname)"

# --- Markdown ----------------------------------------------------------------------
run "$S3WATCH" report --group "$tgroup" --since 1d --format md --output "$out/r.md"
check_eq "report md exits 0" 0 "$status"
[ "$status" -eq 0 ] || printf '%s\n' "$output" | tail -20 | sed 's/^/#   /'
check_contains "the command says what it wrote" "md report in $out/r.md" "$output"
check_eq "the report file is private" 600 "$(stat -c %a "$out/r.md")"
md=$(cat "$out/r.md")
check_contains "md: title" "# S3 access report" "$md"
check_contains "md: records read, duplicates dropped" "| Records read | $((total + 6)) |" "$md"
check_contains "md: duplicates counted" "| Duplicates dropped | 6 |" "$md"
check_contains "md: S3 accesses" "| S3 accesses | $s3 |" "$md"
check_contains "md: denied attempts" "| Denied attempts | $denied |" "$md"
check_contains "md: eve's denied attempts" \
	"| arn:aws:iam::123456789012:user/eve | 198.51.100.7 | secure-docs | GetObject | AccessDenied | 2 |" "$md"
check_contains "md: the policy change" \
	"| bucket policy | PutBucketPolicy | arn:aws:iam::123456789012:user/mallory | 10.1.2.3 | secure-docs | ok |" "$md"
check_contains "md: the trail change" \
	"| trail | StopLogging | arn:aws:iam::123456789012:user/mallory | 10.1.2.3 | s3-security-monitoring-trail | ok |" "$md"
check_contains "md: the ack with who" "| $alert |" "$md"
check_contains "md: who acknowledged" "| $who |" "$md"
check_contains "md: the note, escaped" "ticket 7, \\<approved\\>" "$md"
check_contains "md: administrative changes" "| Administrative changes | $changes |" "$md"
check_contains "md: posture rows" "## Posture" "$md"
check_eq "md: posture rows have results" 1 "$(printf '%s\n' "$md" | grep -Ec '^\| [0-9]+ \| P-[0-9]+ \| PASS \|' | awk '{print ($1 > 3)}')"
check_contains "md: a hostile '|' is escaped" 'user/x\|y",z\<script\>' "$md"
check_contains "md: a hostile bucket is escaped" '| b,c\|d |' "$md"
check_eq "md: no raw ESC" 0 "$(grep -c $'\033' "$out/r.md")"
check_eq "md: no raw <script>" 0 "$(grep -c '<script>' "$out/r.md")"

# --- CSV ---------------------------------------------------------------------------
run "$S3WATCH" report --group "$tgroup" --since 1d --format csv --output "$out/r.csv"
check_eq "report csv exits 0" 0 "$status"
run py '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows, "no rows"
by = {}
for r in rows:
    by.setdefault(r["section"], []).append(r)
summary = {r["item"]: r["value"] for r in by["summary"]}
print("s3", summary["S3 accesses"])
print("sum_principals", sum(int(r["count"]) for r in by["principals"]))
print("sum_accesses", sum(int(r["count"]) for r in by["accesses"]))
print("sum_denied", sum(int(r["count"]) for r in by["denied"]))
eve = [r for r in by["denied"] if r["principal"].endswith("user/eve")]
print("eve", eve[0]["source_ip"], eve[0]["bucket"], eve[0]["action"], eve[0]["count"])
pol = [r for r in by["changes"] if r["action"] == "PutBucketPolicy" and "mallory" in r["principal"]]
print("policy", pol[0]["change"], pol[0]["target"], pol[0]["time"])
print("ack", by["acks"][0]["alert_id"], by["acks"][0]["acked_by"], by["acks"][0]["note"])
print("posture", len(by["posture"]), sorted({r["result"] for r in by["posture"]}))
evil = [r for r in by["accesses"] if "script" in r["principal"]]
print("evil", evil[0]["principal"], evil[0]["bucket"])
' "$out/r.csv"
check_eq "csv parses with Python's csv module" 0 "$status"
[ "$status" -eq 0 ] || printf '%s\n' "$output" | sed 's/^/#   /'
check_contains "csv: S3 accesses" "s3 $s3"$'\n' "$output"
check_contains "csv: principals add up" "sum_principals $s3"$'\n' "$output"
check_contains "csv: principal and bucket rows add up" "sum_accesses $s3"$'\n' "$output"
check_contains "csv: denied rows add up" "sum_denied $denied"$'\n' "$output"
check_contains "csv: eve's denied attempts" "eve 198.51.100.7 secure-docs GetObject 2" "$output"
check_contains "csv: the policy change" "policy bucket policy secure-docs 2026-11-24T10:00:00Z" "$output"
check_contains "csv: the ack with who" "ack $alert $who ticket 7, <approved>" "$output"
check_contains "csv: posture rows" "posture " "$output"
check_contains "csv: the posture passes" "'PASS'" "$output"
check_contains "csv: a hostile value comes back whole, made safe" \
	'evil arn:aws:iam::123456789012:user/x|y",z<script>alert(1)</script>?[2J?31m b,c|d' "$output"

# --- HTML --------------------------------------------------------------------------
run "$S3WATCH" report --group "$tgroup" --since 1d --format html --output "$out/r.html"
check_eq "report html exits 0" 0 "$status"
html=$(cat "$out/r.html")
check_contains "html: a document" "<!DOCTYPE html>" "$html"
check_contains "html: inline svg" "<svg " "$html"
check_eq "html: two charts" 2 "$(grep -c '<svg ' "$out/r.html")"
check_eq "html: no script" 0 "$(grep -ci '<script' "$out/r.html")"
check_eq "html: no external assets" 0 "$(grep -Ec 'src=|href=|url\(|@import' "$out/r.html")"
check_eq "html: no raw ESC" 0 "$(grep -c $'\033' "$out/r.html")"
check_contains "html: hostile value escaped" "user/x|y&quot;,z&lt;script&gt;alert(1)&lt;/script&gt;" "$html"
check_contains "html: eve's denied attempts" "<td>198.51.100.7</td><td>secure-docs</td><td>GetObject</td><td>AccessDenied</td><td class=\"n\">2</td>" "$html"
check_contains "html: the ack with who" "<td>$who</td>" "$html"
check_contains "html: the note escaped" "ticket 7, &lt;approved&gt;" "$html"
check_contains "html: posture" "<h2 id=\"posture\">Posture</h2>" "$html"
check_eq "html: posture rows" 1 "$(grep -c '<td>P-[0-9]*</td><td>PASS</td>' "$out/r.html" | awk '{print ($1 > 3)}')"
run py 'import html.parser, sys
class P(html.parser.HTMLParser):
    pass
P().feed(open(sys.argv[1], encoding="utf-8").read())' "$out/r.html"
check_eq "html: Python's parser reads it" 0 "$status"

# --- the trail's group by default, stdout, an empty window, errors -----------------
run "$S3WATCH" report --since 1d --no-posture
check_eq "report to stdout exits 0" 0 "$status"
check_contains "stdout: Markdown by default" "# S3 access report" "$output"
check_contains "stdout: the trail's group by default" "| Source | CloudWatch Logs group $group |" "$output"
check_contains "stdout: eve's denied attempts" "| arn:aws:iam::123456789012:user/eve | 198.51.100.7 | secure-docs | GetObject | AccessDenied | 2 |" "$output"
check_contains "stdout: the ack" "| $who |" "$output"
check_contains "stdout: posture skipped" "The posture was not checked (--no-posture)." "$output"
run "$S3WATCH" report --since 2s --no-posture --format csv
check_eq "an empty window exits 0" 0 "$status"
check_contains "an empty window reads nothing" $'summary,Records read,0,' "$output"
run "$S3WATCH" report --format pdf
check_eq "a bad --format exits 2" 2 "$status"
check_contains "a bad --format is explained" "--format 'pdf'" "$output"
run "$S3WATCH" report --since yesterday
check_eq "a bad --since exits 2" 2 "$status"
run "$S3WATCH" report --group /no/such/group --no-posture
check_eq "a missing group fails" 1 "$status"
check_contains "a missing group is named" "ResourceNotFoundException" "$output"

finish
