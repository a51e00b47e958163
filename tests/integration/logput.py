#!/usr/bin/env python3
"""Write messages into a CloudWatch Logs stream of the sandbox, as CloudTrail
would: logput.py GROUP STREAM FILE [--ago-ms N] [--spread-ms N].

FILE holds one message per line (JSON records, or anything: malformed lines
are written as they are).  Timestamps run from now minus --ago-ms, spread
over --spread-ms, in order.  The group and the stream are created if
missing.  Talks to moto directly ($S3WATCH_SANDBOX_MOTO_URL) with botocore."""

import argparse
import os
import sys
import time

import botocore.session


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("group")
    ap.add_argument("stream")
    ap.add_argument("file")
    ap.add_argument("--ago-ms", type=int, default=60000)
    ap.add_argument("--spread-ms", type=int, default=30000)
    args = ap.parse_args()

    session = botocore.session.get_session()
    logs = session.create_client(
        "logs", region_name=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=os.environ["S3WATCH_SANDBOX_MOTO_URL"])
    for call, kw in ((logs.create_log_group, {"logGroupName": args.group}),
                     (logs.create_log_stream, {"logGroupName": args.group,
                                               "logStreamName": args.stream})):
        try:
            call(**kw)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
    with open(args.file, "rb") as f:
        lines = [l.rstrip(b"\n").decode("utf-8", "surrogateescape")
                 for l in f if l.strip()]
    start = int(time.time() * 1000) - args.ago_ms
    step = args.spread_ms / max(len(lines), 1)
    events = [{"timestamp": int(start + i * step), "message": m}
              for i, m in enumerate(lines)]
    # PutLogEvents takes at most 10,000 events or 1 MiB a call.
    batch, size = [], 0
    for e in events + [None]:
        n = len(e["message"].encode("utf-8", "surrogateescape")) + 26 if e else 0
        if e is None or len(batch) == 10000 or size + n > 1000000:
            if batch:
                r = logs.put_log_events(logGroupName=args.group,
                                        logStreamName=args.stream,
                                        logEvents=batch)
                if r.get("rejectedLogEventsInfo"):
                    sys.exit("logput: rejected: %r" % r["rejectedLogEventsInfo"])
            batch, size = [], 0
        if e is not None:
            batch.append(e)
            size += n
    print(len(events))


if __name__ == "__main__":
    main()
