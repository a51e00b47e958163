#!/bin/bash
# SigV4 cross-check: 1500 generated requests signed by botocore and by
# `s3watch sign` must give the same Authorization header.
set -u
python=${S3WATCH_PYTHON:-python3}
exec "$python" "$top_srcdir/tests/sigv4/botocore_check.py" "$S3WATCH" 1500
