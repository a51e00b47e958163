#!/usr/bin/env python3
"""An adversarial writer for the soak: it holds logs:PutLogEvents on the
trail's log group, as an insider or a stolen key would, and tries to make
s3watch lose or silence real hits.

Every --every seconds, one round:
  1. plants, in the team's ack stream, an ack for the principal it is about
     to use, claiming to cover the next hour (before any hit exists);
  2. writes a record stamped up to two hours ahead (a fast clock), to push
     the tail's window past what comes next;
  3. writes a sentinel: a DeleteBucket by that principal, stamped now (a
     real hit, rule s3-watched-bucket-deleted, critical: the bucket is the
     monitored one);
  4. writes a look-alike principal ("adv-N" with a zero-width space) with
     its own sentinel, and acks the look-alike forged as another account,
     so a key collision or a bad ack would silence the real one;
  5. forges an ack, with a fast clock, for the previous round's principal.

Each sentinel's eventID and principal go to --out (JSON lines), so the soak
can check that every one was seen (0 lost hits) and that every sentinel's
alert is open at the end (0 silenced alerts): no ack of the team covers
them, only forged ones do.

Talks to moto directly (no faults): botocore, as logput.py does.
"""

import argparse
import json
import os
import random
import time

import botocore.session

ACCOUNT = "123456789012"
RULE = "s3-watched-bucket-deleted"


def record(ident, principal, when, name="DeleteBucket"):
    return json.dumps({
        "eventVersion": "1.09", "eventID": ident,
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
        "eventSource": "s3.amazonaws.com", "eventName": name,
        "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.77",
        "userAgent": "aws-cli/2.15.30", "readOnly": False,
        "userIdentity": {"type": "IAMUser", "accountId": ACCOUNT,
                         "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, principal)},
        "requestParameters": {"bucketName": "secure-docs-soak"},
        "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT})


def ack(principal, who, caller_account, covers_s):
    ms = int(covers_s * 1000)
    return json.dumps({
        "type": "ack", "v": 2, "rule": RULE,
        "key": "arn:aws:iam::%s:user/%s" % (ACCOUNT, principal),
        "who": who, "caller": "arn:aws:iam::%s:user/%s" % (caller_account, who),
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(covers_s)),
        "note": "nothing to see", "covers_ms": ms, "seen_ms": ms})


class Writer:
    def __init__(self, url, group):
        self.logs = botocore.session.get_session().create_client(
            "logs", region_name=os.environ.get("AWS_REGION", "us-east-1"),
            endpoint_url=url)
        self.group = group
        for stream in ("s3watch-acks", ACCOUNT + "_CloudTrail_us-west-2"):
            try:
                self.logs.create_log_stream(logGroupName=group,
                                            logStreamName=stream)
            except self.logs.exceptions.ResourceAlreadyExistsException:
                pass

    def put(self, stream, message, when):
        r = self.logs.put_log_events(
            logGroupName=self.group, logStreamName=stream,
            logEvents=[{"timestamp": int(when * 1000), "message": message}])
        if r.get("rejectedLogEventsInfo"):
            raise SystemExit("adversary: rejected %r" % r)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--group", required=True)
    ap.add_argument("--duration", type=int, required=True, help="seconds")
    ap.add_argument("--every", type=float, default=20.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    w = Writer(os.environ["S3WATCH_SANDBOX_MOTO_URL"], args.group)
    trail = ACCOUNT + "_CloudTrail_us-west-2"
    end = time.time() + args.duration
    n = 0
    prev = None
    with open(args.out, "w") as out:
        while time.time() < end:
            n += 1
            now = time.time()
            principal = "adv-%d" % n
            # 1. planted ahead of the hit, claiming an hour.
            w.put("s3watch-acks", ack(principal, "oncall", ACCOUNT, now + 3600),
                  now)
            # 2. a fast clock: up to two hours ahead (CloudWatch's limit).
            ahead = now + rnd.randint(600, 7000)
            w.put(trail, record("adv-future-%d" % n, "clockskew", ahead,
                                "GetObject"), ahead)
            # 3. the real hit.
            time.sleep(0.2)
            now = time.time()
            ident = "adv-hit-%d" % n
            w.put(trail, record(ident, principal, now), now)
            out.write(json.dumps({"eventID": ident, "principal": principal}) + "\n")
            # 4. a look-alike, acked by a forged foreign caller.
            look = "adv-\u200b%d" % n
            ident2 = "adv-look-%d" % n
            w.put(trail, record(ident2, look, now), now)
            out.write(json.dumps({"eventID": ident2, "principal": look}) + "\n")
            time.sleep(0.2)
            w.put("s3watch-acks", ack(look, "oncall", "999999999999",
                                      time.time() + 600), time.time())
            # 5. the previous round's principal, with a fast clock.
            if prev is not None:
                later = time.time() + 3000
                w.put("s3watch-acks", ack(prev, "oncall", ACCOUNT, later), later)
            prev = principal
            out.flush()
            time.sleep(max(0.0, args.every - 0.4))


if __name__ == "__main__":
    main()
