#!/bin/bash
# The demo: build s3watch, start the local sandbox (moto behind the fault
# proxy) and open s3watch against it. Stopping the demo stops what it
# started.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ ! -x ./s3watch ] || [ ! -f Makefile ]; then
	[ -x ./configure ] || ./autogen.sh
	[ -f Makefile ] || ./configure
fi
make -j2 s3watch >/dev/null

dir=$(mktemp -d "${TMPDIR:-/tmp}/s3watch-demo.XXXXXX")
trap 'tests/sandbox/sandbox stop "$dir"; rm -rf "$dir"' EXIT INT TERM
tests/sandbox/sandbox start "$dir" >/dev/null
# shellcheck disable=SC1091
. "$dir/env"

echo "s3watch demo: sandbox running (moto at $S3WATCH_SANDBOX_MOTO_URL," \
    "fault proxy at $AWS_ENDPOINT_URL)"
echo
# The console arrives with issue [5/7]; until then show who we are there.
./s3watch whoami "$@"
