#!/usr/bin/env python3
"""Sign many generated requests with botocore's SigV4 signers and with
`s3watch sign`, and report every difference.

Usage: botocore_check.py S3WATCH [COUNT] [SEED]
Exit status: 0 all agree, 1 some differ, 2 botocore is missing.
"""
import datetime
import os
import random
import subprocess
import sys
import types
from unittest import mock
from urllib.parse import quote

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    print("botocore_check: botocore is not importable by", sys.executable,
          file=sys.stderr)
    sys.exit(2)

SERVICES = ["s3", "logs", "cloudtrail", "sts", "iam", "events", "lambda",
            "monitoring", "sns", "execute-api"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1",
           "us-gov-west-1"]
SEGMENT_CHARS = ("abcXYZ019-_.~ !$&'()*+,;=:@%/?#[]\"<>\\^`{|}"
                 "é漢\U0001F600")
VALUE_CHARS = "abcXYZ 019-_.~!$'()*+,;:@/?=&%é漢 "


def rand_text(rng, chars, lo, hi):
    return "".join(rng.choice(chars) for _ in range(rng.randint(lo, hi)))


def gen_path(rng, s3):
    segs = []
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if not s3 and r < 0.1:
            segs.append(rng.choice([".", "..", ""]))
        else:
            segs.append(quote(rand_text(rng, SEGMENT_CHARS, 1, 12), safe=""))
    path = "/" + "/".join(segs)
    if segs and rng.random() < 0.2:
        path += "/"
    return path


def gen_query(rng):
    params = []
    for _ in range(rng.randint(0, 5)):
        name = quote(rand_text(rng, VALUE_CHARS, 1, 8), safe="-_.~")
        value = quote(rand_text(rng, VALUE_CHARS, 0, 10), safe="-_.~")
        params.append(f"{name}={value}")
    if params and rng.random() < 0.2:
        params.append(params[0].split("=")[0] + "=dup")
    return "&".join(params)


def gen_headers(rng, host):
    headers = [("Host", host)]
    names = set()
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(["X-Amz-Meta-", "Content-", "My-", "x-custom-"]) + \
            rand_text(rng, "abcdefgXYZ0123", 1, 6)
        if name.lower() in names:
            continue
        names.add(name.lower())
        value = rand_text(rng, "abc XYZ 012 =;,:/", 0, 20)
        if rng.random() < 0.3:
            value = "  " + value + "   "
        headers.append((name, value))
    if rng.random() < 0.3:
        headers.append(("Content-Type", "application/x-amz-json-1.1"))
    return headers


def gen_case(rng):
    service = rng.choice(SERVICES)
    s3 = service == "s3"
    case = {
        "service": service,
        "region": rng.choice(REGIONS),
        "s3": s3,
        "unsigned": s3 and rng.random() < 0.2,
        "method": rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD"]),
        "path": gen_path(rng, s3),
        "query": gen_query(rng),
        "host": rng.choice(["example.amazonaws.com", "b.s3.amazonaws.com",
                            "127.0.0.1:4566"]),
        "body": rand_text(rng, VALUE_CHARS, 0, 200).encode()
        if rng.random() < 0.6 else b"",
        "token": rand_text(rng, "ABCdef0123+/=", 20, 60)
        if rng.random() < 0.3 else None,
        "when": datetime.datetime(2015 + rng.randint(0, 12), rng.randint(1, 12),
                                  rng.randint(1, 28), rng.randint(0, 23),
                                  rng.randint(0, 59), rng.randint(0, 59)),
    }
    case["headers"] = gen_headers(rng, case["host"])
    return case


def botocore_sign(case, key, secret):
    creds = Credentials(key, secret, case["token"])
    cls = botocore.auth.S3SigV4Auth if case["s3"] else botocore.auth.SigV4Auth
    signer = cls(creds, case["service"], case["region"])
    url = "https://" + case["host"] + case["path"]
    if case["query"]:
        url += "?" + case["query"]
    req = AWSRequest(method=case["method"], url=url, data=case["body"],
                     headers=dict(case["headers"]))
    if case["unsigned"]:
        # S3's signer asks the client config, not the request context.
        req.context["client_config"] = types.SimpleNamespace(
            s3={"payload_signing_enabled": False})
    with mock.patch.object(botocore.auth, "get_current_datetime",
                           return_value=case["when"]):
        signer.add_auth(req)
    return req.headers["Authorization"]


def s3watch_sign(exe, case, key, secret):
    target = case["path"] + ("?" + case["query"] if case["query"] else "")
    head = f"{case['method']} {target} HTTP/1.1\r\n"
    head += "".join(f"{n}: {v}\r\n" for n, v in case["headers"])
    raw = head.encode() + b"\r\n" + case["body"]
    args = [exe, "sign", "--service", case["service"], "--region",
            case["region"], "--time", case["when"].strftime("%Y%m%dT%H%M%SZ"),
            "--show", "authorization"]
    if case["s3"]:
        args.append("--s3")
    if case["unsigned"]:
        args.append("--unsigned-payload")
    env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret)
    env.pop("AWS_SESSION_TOKEN", None)
    if case["token"]:
        env["AWS_SESSION_TOKEN"] = case["token"]
    out = subprocess.run(args, input=raw, capture_output=True, env=env,
                         check=False)
    if out.returncode != 0:
        return "exit %d: %s" % (out.returncode, out.stderr.decode(errors="replace"))
    return out.stdout.decode().strip()


def main():
    exe = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261124
    rng = random.Random(seed)
    failures = 0
    for i in range(count):
        case = gen_case(rng)
        key = "AKIA" + rand_text(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 16)
        secret = rand_text(rng, "abcdefXYZ0123456789+/", 40, 40)
        want = botocore_sign(case, key, secret)
        got = s3watch_sign(exe, case, key, secret)
        if want != got:
            failures += 1
            if failures <= 5:
                print(f"case {i} differs:\n  request {case['method']} "
                      f"{case['path']}?{case['query']} s3={case['s3']} "
                      f"unsigned={case['unsigned']}\n  botocore {want}\n"
                      f"  s3watch  {got}", file=sys.stderr)
    print(f"{count - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
