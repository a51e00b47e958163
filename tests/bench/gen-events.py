#!/usr/bin/env python3
"""Deterministic generator of realistic CloudTrail S3 events for benchmarks.

    gen-events.py [--seed N] [--count N] [--format jsonl|cloudtrail]
                  [--per-file N] [--principals N] [--out PATH]

jsonl writes one record per line to --out (default stdout).  cloudtrail
writes CloudTrail log files ({"Records":[...]}, --per-file records each)
into the directory --out, named as CloudTrail names them.

The mix: mostly object calls (GetObject, PutObject, HeadObject,
ListObjects, DeleteObject) by a few hundred principals over a few dozen
buckets, about 3% AccessDenied, a trickle of bucket management calls
(a few DeleteBucket, PutBucketPolicy, PutBucketAcl) and some callers
outside 10.0.0.0/8.  Records are ~1.3 KB, like real S3 data events.

--principals N makes the callers N IAM users taken in turn (user-000000,
user-000001, ...) instead of the usual few hundred; everything else is
the same event for event, so runs differing only in N compare the cost
of many distinct principals (stateful rules' keys).
"""
import argparse
import datetime
import json
import os
import random
import sys

ACCOUNT = "111122223333"
REGION = "eu-west-1"

UAS = [
    "[aws-sdk-java/2.25.60 Linux/6.1.0-23-amd64 OpenJDK_64-Bit_Server_VM/17.0.11+9 Java/17.0.11]",
    "[Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#6.1.0 lang/python#3.11.9]",
    "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0 md/arch#x86_64",
    "[aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 api/s3#1.58.2]",
]
OBJECT_MIX = [("GetObject", 46), ("PutObject", 20), ("HeadObject", 14), ("ListObjects", 10),
              ("DeleteObject", 6), ("CopyObject", 2), ("CompleteMultipartUpload", 2)]
MGMT = ["GetBucketAcl", "GetBucketPolicy", "GetBucketVersioning", "PutBucketPolicy",
        "PutBucketAcl", "DeleteBucket", "PutBucketTagging", "GetBucketLocation"]


class Gen:
    def __init__(self, seed, principals=0):
        self.rnd = random.Random(seed)
        self.users = principals
        self.n = 0
        r = self.rnd
        self.buckets = ["acme-%s-%02d" % (r.choice(["data", "logs", "media", "backup", "ml", "web"]), i)
                        for i in range(40)]
        self.principals = []
        for i in range(300):
            if i % 10 == 0:
                name = "user-%03d" % i
                self.principals.append({
                    "type": "IAMUser", "principalId": "AIDA%016X" % r.getrandbits(64),
                    "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, name), "accountId": ACCOUNT,
                    "accessKeyId": "AKIA%016X" % r.getrandbits(64), "userName": name})
            else:
                rn = "svc-%03d" % i
                pid = "AROA%017X" % r.getrandbits(68)
                sess = "s-%06x" % r.getrandbits(24)
                self.principals.append({
                    "type": "AssumedRole", "principalId": "%s:%s" % (pid, sess),
                    "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, rn, sess),
                    "accountId": ACCOUNT, "accessKeyId": "ASIA%016X" % r.getrandbits(64),
                    "sessionContext": {
                        "sessionIssuer": {"type": "Role", "principalId": pid,
                                          "arn": "arn:aws:iam::%s:role/%s" % (ACCOUNT, rn),
                                          "accountId": ACCOUNT, "userName": rn},
                        "attributes": {"creationDate": "2026-08-21T08:00:00Z", "mfaAuthenticated": "false"}}})
        self.ips = ["10.%d.%d.%d" % (r.randrange(256), r.randrange(256), r.randrange(1, 255))
                    for _ in range(500)]
        self.public_ips = ["%d.%d.%d.%d" % (r.choice([34, 52, 54, 81, 198, 203]), r.randrange(256),
                                            r.randrange(256), r.randrange(1, 255)) for _ in range(50)]
        self.names, weights = zip(*OBJECT_MIX)
        self.cum = []
        total = 0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total
        self.t = datetime.datetime(2026, 8, 21, 0, 0, 0, tzinfo=datetime.timezone.utc)

    def object_name(self):
        x = self.rnd.randrange(self.total)
        for name, c in zip(self.names, self.cum):
            if x < c:
                return name
        return self.names[-1]

    def record(self):
        r = self.rnd
        self.t += datetime.timedelta(milliseconds=r.randrange(1, 40))
        who = r.choice(self.principals)
        if self.users > 0:
            # The same draws as without: only the caller changes.
            name = "user-%06d" % (self.n % self.users)
            who = {"type": "IAMUser", "principalId": "AIDA%016X" % (self.n % self.users),
                   "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, name), "accountId": ACCOUNT,
                   "accessKeyId": "AKIA%016X" % (self.n % self.users), "userName": name}
        self.n += 1
        bucket = r.choice(self.buckets)
        ip = r.choice(self.public_ips) if r.random() < 0.02 else r.choice(self.ips)
        host = "%s.s3.%s.amazonaws.com" % (bucket, REGION)
        mgmt = r.random() < 0.01
        name = r.choice(MGMT) if mgmt else self.object_name()
        rp = {"bucketName": bucket, "Host": host}
        res = []
        out = 0
        inb = 0
        if not mgmt:
            key = "%s/%04d/%02d/%s-%06d.%s" % (r.choice(["raw", "curated", "exports", "tmp", "images"]),
                                               2026, r.randrange(1, 13), r.choice(["part", "batch", "obj"]),
                                               r.randrange(1000000), r.choice(["parquet", "json", "csv", "gz"]))
            if name == "ListObjects":
                rp.update({"list-type": "2", "prefix": key.rsplit("/", 1)[0] + "/", "encoding-type": "url"})
                out = r.randrange(500, 40000)
            else:
                rp["key"] = key
                res.append({"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)})
                if name == "GetObject":
                    out = r.randrange(1024, 8 << 20)
                elif name in ("PutObject", "CompleteMultipartUpload"):
                    inb = r.randrange(1024, 8 << 20)
        else:
            rp[{"GetBucketAcl": "acl", "PutBucketAcl": "acl", "GetBucketPolicy": "policy",
                "PutBucketPolicy": "policy", "GetBucketVersioning": "versioning",
                "PutBucketTagging": "tagging", "GetBucketLocation": "location"}.get(name, "bucket")] = ""
        res.append({"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % bucket})
        rid = "%016X" % r.getrandbits(64)
        rec = {
            "eventVersion": "1.10",
            "userIdentity": who,
            "eventTime": self.t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": "s3.amazonaws.com",
            "eventName": name,
            "awsRegion": REGION,
            "sourceIPAddress": ip,
            "userAgent": r.choice(UAS),
            "requestParameters": rp,
            "responseElements": None,
            "additionalEventData": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                                    "bytesTransferredIn": inb, "AuthenticationMethod": "AuthHeader",
                                    "x-amz-id-2": "%032x" % r.getrandbits(128), "bytesTransferredOut": out},
            "requestID": rid[:16],
            "eventID": "%08x-%04x-%04x-%04x-%012x" % (r.getrandbits(32), r.getrandbits(16),
                                                      r.getrandbits(16), r.getrandbits(16), r.getrandbits(48)),
            "readOnly": name.startswith(("Get", "Head", "List")),
            "resources": res,
            "eventType": "AwsApiCall",
            "managementEvent": mgmt,
            "recipientAccountId": ACCOUNT,
            "eventCategory": "Management" if mgmt else "Data",
            "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                           "clientProvidedHostHeader": host},
        }
        if r.random() < 0.03:
            rec["errorCode"] = "AccessDenied" if r.random() < 0.9 else "SignatureDoesNotMatch"
            rec["errorMessage"] = "Access Denied"
        return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--format", choices=["jsonl", "cloudtrail"], default="jsonl")
    ap.add_argument("--per-file", type=int, default=5000)
    ap.add_argument("--principals", type=int, default=0)
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    g = Gen(a.seed, a.principals)
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    if a.format == "jsonl":
        f = sys.stdout if a.out == "-" else open(a.out, "w")
        for _ in range(a.count):
            f.write(dumps(g.record()))
            f.write("\n")
        if f is not sys.stdout:
            f.close()
        return
    os.makedirs(a.out, exist_ok=True)
    n = 0
    while n < a.count:
        k = min(a.per_file, a.count - n)
        recs = [g.record() for _ in range(k)]
        stamp = g.t.strftime("%Y%m%dT%H%MZ")
        path = os.path.join(a.out, "%s_CloudTrail_%s_%s_%06d.json" % (ACCOUNT, REGION, stamp, n // a.per_file))
        with open(path, "w") as f:
            f.write('{"Records":[')
            f.write(",".join(dumps(x) for x in recs))
            f.write("]}")
        n += k


if __name__ == "__main__":
    main()
