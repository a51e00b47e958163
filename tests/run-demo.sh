#!/bin/bash
# The demo: build s3watch, start the local sandbox, strict as AWS is (moto
# checking signatures and IAM, behind the proxy, which delivers CloudTrail
# events, writes S3 access logs and behaves as AWS where moto does not),
# start a traffic
# generator with suspicious patterns mixed in, and open the console on it.
# Walk through the ten steps in the wizard, then watch the monitor.
# Stopping the demo (q, or Ctrl-C) stops everything it started.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ ! -f Makefile ]; then
	[ -x ./configure ] || ./autogen.sh
	./configure
fi
make -j2 s3watch >/dev/null

dir=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-demo.XXXXXX")
traffic=
cleanup() {
	[ -n "$traffic" ] && { pkill -P "$traffic" 2>/dev/null; kill "$traffic" 2>/dev/null; }
	tests/sandbox/sandbox stop "$dir"
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
tests/sandbox/sandbox start --strict "$dir" >/dev/null
# shellcheck disable=SC1091
. "$dir/env"

# A demo profile: fixed names, and plain HTTP allowed (the sandbox has no TLS).
cat > "$dir/s3watch.conf" <<'CONF'
suffix = "demo";
require_tls = false;
alert_email = "oncall@example.com";
retention_days = 7;
CONF
export S3WATCH_CONFIG=$dir/s3watch.conf
export S3WATCH_STATE_DIR=$dir/state
export S3WATCH_RULES_DIR=$top/conf/rules.d
curl -sS --noproxy '*' -X POST -d '{"delay_ms":3000}' \
	"$S3WATCH_SANDBOX_PROXY_URL/_sandbox/cloudtrail" >/dev/null

# Live traffic on the monitored bucket; it lands in the log group once
# step 6 links the trail to it.  Rounds of five minutes, each with the
# suspicious patterns (denied reads from outside, a policy change, mass
# deletes, missing keys) spread through it.
while :; do
	"$S3WATCH_PYTHON" tests/sandbox/traffic.py --bucket secure-docs-demo \
		--rate 4 --duration 300 --scenario mixed --quiet \
		>> "$dir/traffic.json" 2>> "$dir/traffic.err" || sleep 5
done &
traffic=$!

if [ -t 0 ] && [ -t 1 ]; then
	./s3watch console "$@"
else
	# No terminal: show what the console would start from.
	echo "s3watch demo: sandbox at $AWS_ENDPOINT_URL (no terminal: plan only)"
	./s3watch setup --plan "$@"
fi
