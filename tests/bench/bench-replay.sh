#!/bin/bash
# Times `s3watch replay` with the whole rule pack against jq doing the seed
# rules' selection on the same generated CloudTrail events (JSON lines),
# and prints events/s, peak RSS and the ratio side by side.
#
#   tests/bench/bench-replay.sh [EVENTS]        (default 500000)
#
# S3WATCH names the binary (default ./s3watch); top_srcdir the source tree;
# RUNS how often each side runs (default 3): the run with the median CPU
# time (user+sys) is reported, as the machine may be shared.
# Goal: >= 10x jq and > 250,000 events/s on one core for ~50 rules.
set -eu
events=${1:-500000}
runs=${RUNS:-3}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
s3watch=${S3WATCH:-./s3watch}
work=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

command -v jq >/dev/null || { echo "bench-replay: jq is needed (apt-get install jq)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-replay: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

echo "generating $events events..." >&2
python3 "$top_srcdir/tests/bench/gen-events.py" --seed 1 --count "$events" --out "$work/events.jsonl"
bytes=$(stat -c %s "$work/events.jsonl")
cat "$work/events.jsonl" > /dev/null     # warm the page cache for both

# The seed rules, as jq sees them: denied object calls, bucket deletion,
# policy and ACL changes, and callers outside 10.0.0.0/8.
jq_prog='select(
  (.eventSource == "s3.amazonaws.com" and
   (.errorCode == "AccessDenied" or .errorCode == "SignatureDoesNotMatch") and
   (.eventName | IN("GetObject","PutObject","DeleteObject","DeleteObjects","CopyObject",
     "HeadObject","ListObjects","ListObjectsV2","ListObjectVersions","GetObjectAcl",
     "PutObjectAcl","RestoreObject","SelectObjectContent","CreateMultipartUpload",
     "UploadPart","CompleteMultipartUpload")))
  or (.errorCode == null and
      (.eventName | IN("DeleteBucket","PutBucketPolicy","DeleteBucketPolicy","PutBucketAcl")))
  or ((.sourceIPAddress // "") | test("^[0-9.]+$") and (startswith("10.") | not))
) | {rule: "seed", eventID, time: .eventTime, principal: .userIdentity.arn,
     sourceIP: .sourceIPAddress, action: .eventName, resource: .requestParameters.bucketName}'

# run NAME CMD...: RUNS runs; of the median one (by CPU): user+sys seconds,
# wall seconds, peak RSS (KiB), output lines.
measure() {
    local name=$1 i usr sys wall rss
    shift
    : > "$work/$name.runs"
    for i in $(seq "$runs"); do
        /usr/bin/time -f '%U %S %e %M' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err"
        read -r usr sys wall rss < "$work/$name.time"
        awk -v u="$usr" -v s="$sys" -v w="$wall" -v r="$rss" \
            'BEGIN { printf "%.2f %s %s\n", u + s, w, r }' >> "$work/$name.runs"
    done
    lines=$(wc -l < "$work/$name.out")
    printf '%s %s %s\n' "$name" "$(sort -n "$work/$name.runs" | sed -n "$(( (runs + 1) / 2 ))p")" "$lines"
}

s3=$(measure s3watch taskset -c 0 "$s3watch" replay --stats \
    --rules "$top_srcdir/conf/rules.d" "$work/events.jsonl")
jqr=$(measure jq taskset -c 0 jq -c "$jq_prog" "$work/events.jsonl")
rules=$(grep -c '^[[:space:]]*id = ' "$top_srcdir"/conf/rules.d/*.conf | awk -F: '{ n += $2 } END { print n }')

echo
printf 'input: %d events, %d bytes (%.0f bytes/event), one core (taskset -c 0), median of %d runs\n' \
    "$events" "$bytes" "$(awk -v b="$bytes" -v n="$events" 'BEGIN { print b / n }')" "$runs"
printf '%-28s %10s %10s %12s %10s %8s\n' "" "cpu s" "wall s" "events/s" "RSS MiB" "hits"
for row in "$s3" "$jqr"; do
    set -- $row
    label=$1
    [ "$label" = s3watch ] && label="s3watch replay ($rules rules)"
    [ "$label" = jq ] && label="jq (seed rules only)"
    printf '%-28s %10s %10s %12.0f %10.1f %8s\n' "$label" "$2" "$3" \
        "$(awk -v n="$events" -v t="$2" 'BEGIN { print (t > 0 ? n / t : 0) }')" \
        "$(awk -v k="$4" 'BEGIN { print k / 1024 }')" "$5"
done
set -- $s3
s3cpu=$2
set -- $jqr
printf '\nratio: s3watch is %.1fx jq (cpu time), with %d rules against jq'"'"'s 3 seed conditions\n' \
    "$(awk -v a="$2" -v b="$s3cpu" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$rules"
grep 'events/s' "$work/s3watch.err" >&2 || true
