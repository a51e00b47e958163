#!/usr/bin/env python3
"""Helpers for the benchmark scripts (bench-tail.sh, bench-ui.sh).

    bench-util.py count FILE EVERY       count stdin's lines that start with
                                         "{" (JSON records); every EVERY
                                         lines (and at EOF) write the count
                                         to FILE (atomically)
    bench-util.py probe PID EVERY FILE   copy stdin to stdout; every EVERY
                                         lines (and at EOF) flush and append
                                         "LINES VmRSS_KiB VmHWM_KiB" of PID
                                         to FILE
    bench-util.py create GROUP           create a log group (if missing)
    bench-util.py delete GROUP STREAM... delete log streams
    bench-util.py feed GROUP STREAM FILE RATE SECONDS
                                         PutLogEvents of FILE's lines at
                                         RATE events/s for SECONDS, stamped
                                         now; prints "written elapsed_s"

The log calls go to moto directly ($S3WATCH_SANDBOX_MOTO_URL), as
tests/integration/logput.py does."""

import os
import sys
import time


def logs_client():
    import botocore.session
    session = botocore.session.get_session()
    return session.create_client(
        "logs", region_name=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=os.environ["S3WATCH_SANDBOX_MOTO_URL"])


def write_atomic(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def count(path, every):
    n = 0
    write_atomic(path, "0\n")
    for line in sys.stdin.buffer:
        if not line.startswith(b"{"):
            continue
        n += 1
        if n % every == 0:
            write_atomic(path, "%d\n" % n)
    write_atomic(path, "%d\n" % n)


def status(pid):
    rss = hwm = 0
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def probe(pid, every, path):
    out = sys.stdout.buffer
    n = 0
    with open(path, "a") as log:
        for line in sys.stdin.buffer:
            out.write(line)
            n += 1
            if n % every == 0:
                out.flush()
                time.sleep(0.05)        # let the reader drain the pipe
                log.write("%d %d %d\n" % ((n,) + status(pid)))
                log.flush()
        out.flush()
        if n % every != 0:
            time.sleep(0.05)
            log.write("%d %d %d\n" % ((n,) + status(pid)))


def create(group):
    logs = logs_client()
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass


def delete(group, streams):
    logs = logs_client()
    for s in streams:
        try:
            logs.delete_log_stream(logGroupName=group, logStreamName=s)
        except logs.exceptions.ResourceNotFoundException:
            pass


def feed(group, stream, path, rate, seconds):
    logs = logs_client()
    create(group)
    try:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    with open(path, "rb") as f:
        lines = [l.rstrip(b"\n").decode("utf-8", "surrogateescape") for l in f if l.strip()]
    if not lines:
        sys.exit("feed: no events in %s" % path)
    # Ten ticks a second, each writing its share of the events.
    ticks = int(seconds * 10)
    per_tick = rate / 10.0
    start = time.monotonic()
    written = 0
    i = 0
    due = 0.0
    for tick in range(ticks):
        due += per_tick
        want = int(due) - written
        now_ms = int(time.time() * 1000)
        batch, size = [], 0
        for _ in range(want):
            m = lines[i % len(lines)]
            i += 1
            n = len(m.encode("utf-8", "surrogateescape")) + 26
            if len(batch) == 10000 or size + n > 1000000:
                logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
                batch, size = [], 0
            batch.append({"timestamp": now_ms, "message": m})
            size += n
        if batch:
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
        written += want
        sleep = start + (tick + 1) / 10.0 - time.monotonic()
        if sleep > 0:
            time.sleep(sleep)
    print("%d %.2f" % (written, time.monotonic() - start))


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "count":
        count(a[1], int(a[2]))
    elif len(a) == 4 and a[0] == "probe":
        probe(int(a[1]), int(a[2]), a[3])
    elif len(a) == 2 and a[0] == "create":
        create(a[1])
    elif len(a) >= 3 and a[0] == "delete":
        delete(a[1], a[2:])
    elif len(a) == 6 and a[0] == "feed":
        feed(a[1], a[2], a[3], float(a[4]), float(a[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
