#!/usr/bin/env python3
"""Realistic S3 traffic through the s3watch sandbox proxy.

Makes S3 calls against one bucket (created if missing) through the endpoint in
$AWS_ENDPOINT_URL (the sandbox proxy), so that the proxy's CloudTrail delivery
(ctdeliver.py) turns them into CloudTrail records. Callers are simulated with
X-Forwarded-For and per-caller access keys and User-Agents:

  normal      app servers and an ETL job on inside addresses (10.0.x.x):
              GetObject, PutObject, ListObjectsV2, HeadObject, a few DeleteObject
  suspicious  only these, one after another:
                denied_reads   GetObject x5 from an outside address (203.0.113.x),
                               answered AccessDenied by the proxy's "denied" fault
                policy_change  PutBucketPolicy making the bucket publicly readable
                mass_delete    DeleteObject x50 in a burst
                missing_keys   GetObject x10 of keys that do not exist (NoSuchKey),
                               from an outside address
  mixed       normal traffic with the suspicious events at 20/40/60/80 % of the run

--event KIND runs setup and then that one scenario event, without normal
traffic: one of the suspicious kinds above, or one made for the detection
corpus (tests/detect/), which the other scenarios never run:
                policy_backdoor  PutBucketPolicy granting another AWS account
                                 (a cross-account backdoor)
                policy_own_role  PutBucketPolicy granting a role of the bucket's
                                 own account (its benign look-alike)
                batch_delete     DeleteObjects x5, 10 keys each, in a burst
                cleanup_delete   PutObject x3 of temporary keys, then one
                                 DeleteObjects of them (its benign look-alike)
--request-log FILE appends one JSON line per request: the run (--event or
--scenario), the phase ("setup", "normal" or the scenario kind), action,
status and S3 request id, which is the requestID of the request's
CloudTrail record.

Requests are raw HTTP with a SigV4-shaped but unsigned Authorization header
(moto does not check signatures); in a strict sandbox (S3WATCH_SANDBOX_STRICT=1
in the environment, with the admin's keys) each simulated caller is a real
IAM user whose requests are signed (botocore). With --count and --seed the sequence of
requests is fully deterministic (--count counts steps: one normal request, or
one whole scenario event); with --duration its length depends on time.
At the end a JSON summary goes to stdout: requests by action and status, and
the scenario events with their times.

Python 3 standard library only, and boto3 in a strict sandbox.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import sys
import time
import urllib.parse

# Simulated callers: access key, IAM user name (registered with the sandbox's
# CloudTrail delivery so records name them), User-Agent and address pool.
ACTORS = {
    "app": ("AKIA3SANDBOXAPPSRV01", "app-server",
            "aws-sdk-java/2.25.60 Linux/5.10.219-208.866.amzn2.x86_64 "
            "OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS Java/17.0.11 vendor/Amazon.com_Inc. "
            "exec-env/AWS_ECS_EC2 io/sync http/Apache cfg/retry-mode/legacy",
            ["10.0.1.11", "10.0.1.12", "10.0.1.13", "10.0.2.14"]),
    "etl": ("AKIA3SANDBOXETLJOB02", "etl-job",
            "Boto3/1.34.131 md/Botocore#1.34.131 ua/2.0 os/linux#5.10.219 md/arch#x86_64 "
            "lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.131",
            ["10.0.3.21"]),
    "admin": ("AKIA3SANDBOXOPSADM03", "ops-admin",
              "aws-cli/2.17.20 Python/3.11.9 Linux/6.8.0-39-generic exe/x86_64.ubuntu.24 "
              "prompt/off command/s3api.put-bucket-policy",
              ["10.0.9.5"]),
    "outsider": ("AKIA3SANDBOXPARTNR04", "partner-sync",
                 "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off "
                 "command/s3api.get-object",
                 ["203.0.113.%d" % n for n in (7, 23, 45, 66, 99, 142, 201)]),
}

SUSPICIOUS = ("denied_reads", "policy_change", "mass_delete", "missing_keys")
# Only with --event: a cross-account policy, batch deletes, and look-alikes.
CORPUS_EVENTS = ("policy_backdoor", "policy_own_role", "batch_delete", "cleanup_delete")
FOREIGN_ACCOUNT = "193672423079"   # Stratus Red Team's fictitious account
OWN_ACCOUNT = "123456789012"       # moto's default account
BATCH_DELETES = 5
BATCH_KEYS = 10
CLEANUP_KEYS = 3
DENIED_READS = 5
MASS_DELETES = 50
MISSING_KEYS = 10
MIXED_AT = (0.2, 0.4, 0.6, 0.8)     # fractions of the run where mixed traffic turns bad


class S3Client:
    """Keep-alive HTTP connection to the endpoint, path-style S3 requests."""

    def __init__(self, endpoint, region):
        split = urllib.parse.urlsplit(endpoint)
        self.host, self.port = split.hostname, split.port or 80
        self.region = region
        self.conn = None
        self.creds = {}           # actor -> (key, secret): strict sandbox only

    def request(self, method, path, actor, ip, query="", body=b"", headers=None, rng=None):
        """(status, response body, response headers); status 0 on a connection error."""
        key, _, agent, _ = ACTORS[actor]
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        # Drawn in strict mode too, so --seed gives the same requests.
        signature = "%064x" % (rng or random).getrandbits(256)
        all_headers = {
            "Host": "%s:%d" % (self.host, self.port),
            "User-Agent": agent,
            "X-Forwarded-For": ip,
            "X-Amz-Date": stamp,
            "X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest(),
            "Authorization": ("AWS4-HMAC-SHA256 Credential=%s/%s/%s/s3/aws4_request, "
                              "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                              "Signature=%s" % (key, stamp[:8], self.region, signature)),
        }
        all_headers.update(headers or {})
        target = urllib.parse.quote(path) + ("?" + query if query else "")
        if actor in self.creds:
            all_headers.update(sigv4(method, "http://%s%s" % (all_headers["Host"], target),
                                     all_headers, body, self.creds[actor], self.region))
        for attempt in (1, 2):   # one reconnect: the proxy may have closed an idle connection
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, target, body or None, all_headers)
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                return resp.status, data, resp
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    return 0, b"", None
        return 0, b"", None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def sigv4(method, url, headers, body, creds, region):
    """The headers that sign a request with SigV4 (botocore), for a strict
    sandbox; X-Forwarded-For is left out of the signature, as a proxy may
    touch it."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method=method, url=url, data=body or b"", headers={
        k: v for k, v in headers.items() if k not in ("Authorization", "X-Forwarded-For",
                                                       "X-Amz-Date")})
    S3SigV4Auth(Credentials(*creds), "s3", region).add_auth(req)
    return {k: req.headers[k] for k in ("Authorization", "X-Amz-Date", "X-Amz-Content-SHA256")
            if k in req.headers}


def strict_users(endpoint, region):
    """In a strict sandbox, a real IAM user (S3 only) and a fresh key for each
    simulated caller, made with the admin's keys of the environment:
    {actor: (key, secret)}; {} in a plain one."""
    if os.environ.get("S3WATCH_SANDBOX_STRICT") != "1":
        return {}
    import boto3
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=region)
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    out = {}
    for actor, (_, name, _, _) in ACTORS.items():
        try:
            iam.create_user(UserName=name)
        except iam.exceptions.EntityAlreadyExistsException:
            for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
                iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
        iam.put_user_policy(UserName=name, PolicyName="sandbox-traffic", PolicyDocument=policy)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        out[actor] = (key["AccessKeyId"], key["SecretAccessKey"])
    return out


def control(endpoint, path, obj):
    """POST JSON to the sandbox control API; the answer, or None if unavailable."""
    split = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(split.hostname, split.port or 80, timeout=10)
    try:
        conn.request("POST", "/_sandbox/" + path, json.dumps(obj).encode(),
                     {"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        return json.loads(data) if resp.status == 200 else None
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        conn.close()


def error_code(body):
    text = body.decode("utf-8", "replace")
    start = text.find("<Code>")
    return text[start + 6:text.find("</Code>", start)] if start >= 0 else None


class Traffic:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.s3 = S3Client(args.endpoint, args.region)
        self.bucket = args.bucket
        self.keys = []            # objects known to exist under data/
        self.archive = []         # objects kept for mass_delete
        self.next_key = 0
        self.requests = 0
        self.setup_requests = 0
        self.by_action = {}
        self.by_status = {}
        self.errors = {}
        self.outside = 0
        self.events = []
        self.start = time.time()
        self.steps = 0            # normal requests + scenario events, for --count
        self.phase = "setup"      # what the request log calls the current requests
        self.request_log = open(args.request_log, "a") if args.request_log else None

    # -- bookkeeping --

    def call(self, action, method, key, actor, query="", body=b"", headers=None, ip=None):
        ip = ip or self.rng.choice(ACTORS[actor][3])
        path = "/" + self.bucket + ("/" + key if key else "")
        status, data, resp = self.s3.request(method, path, actor, ip, query, body, headers,
                                             self.rng)
        if self.request_log is not None:
            self.request_log.write(json.dumps({
                "run": self.args.event or self.args.scenario, "phase": self.phase,
                "action": action, "status": status,
                # the id ctdeliver.py puts in the record's requestID
                "requestId": resp and (resp.getheader("x-amz-request-id")
                                       or resp.getheader("x-amzn-RequestId"))}) + "\n")
        self.requests += 1
        self.by_action[action] = self.by_action.get(action, 0) + 1
        self.by_status[str(status)] = self.by_status.get(str(status), 0) + 1
        if not ip.startswith("10."):
            self.outside += 1
        if status >= 400 or status == 0:
            code = (error_code(data) if data else None) or (
                "ConnectionError" if status == 0 else "HTTP%d" % status)
            self.errors[code] = self.errors.get(code, 0) + 1
        return status

    def event(self, kind, requests, **extra):
        now = time.time()
        entry = dict({"kind": kind,
                      "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                      "t": round(now - self.start, 3), "requests": requests}, **extra)
        self.events.append(entry)
        if not self.args.quiet:
            sys.stderr.write("traffic: %s\n" % json.dumps(entry))

    def new_key(self, prefix="data/2026/11/orders-"):
        self.next_key += 1
        return "%s%05d.csv" % (prefix, self.next_key)

    def payload(self):
        size = self.rng.randint(200, 8000)
        return ("id,sku,qty,price\n" * (size // 17 + 1))[:size].encode()

    # -- setup --

    def setup(self):
        if self.call("HeadBucket", "HEAD", "", "etl") == 404:
            self.call("CreateBucket", "PUT", "", "admin")
        for _ in range(self.args.objects):
            key = self.new_key()
            if self.call("PutObject", "PUT", key, "etl", body=self.payload(),
                         headers={"Content-Type": "text/csv"}) == 200:
                self.keys.append(key)
        if self.args.scenario != "normal" or self.args.event in ("mass_delete",
                                                                  "batch_delete"):
            for _ in range(MASS_DELETES):
                key = self.new_key("archive/2025/ledger-")
                if self.call("PutObject", "PUT", key, "etl", body=self.payload(),
                             headers={"Content-Type": "text/csv"}) == 200:
                    self.archive.append(key)
        self.setup_requests = self.requests

    # -- normal traffic --

    def normal(self):
        self.phase = "normal"
        actor = "app" if self.rng.random() < 0.8 else "etl"
        roll = self.rng.random()
        if roll < 0.45 and self.keys:
            self.call("GetObject", "GET", self.rng.choice(self.keys), actor)
        elif roll < 0.65 or not self.keys:
            key = self.new_key()
            if self.call("PutObject", "PUT", key, actor, body=self.payload(),
                         headers={"Content-Type": "text/csv"}) == 200:
                self.keys.append(key)
        elif roll < 0.80:
            self.call("ListObjectsV2", "GET", "", actor,
                      query="list-type=2&prefix=data%2F2026%2F11%2F&max-keys=100")
        elif roll < 0.95:
            self.call("HeadObject", "HEAD", self.rng.choice(self.keys), actor)
        else:
            key = self.keys.pop(self.rng.randrange(len(self.keys)))
            self.call("DeleteObject", "DELETE", key, actor)

    # -- suspicious patterns --

    def put_policy(self, sid, principal, actions, resources):
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": sid, "Effect": "Allow", "Principal": principal,
            "Action": actions, "Resource": resources}]}
        return self.call("PutBucketPolicy", "PUT", "", "admin", query="policy=",
                         body=json.dumps(policy).encode(),
                         headers={"Content-Type": "application/json"})

    def delete_objects(self, keys, actor, ip):
        body = ("<Delete><Quiet>true</Quiet>%s</Delete>" % "".join(
            "<Object><Key>%s</Key></Object>" % k for k in keys)).encode()
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        return self.call("DeleteObjects", "POST", "", actor, query="delete=", body=body,
                         headers={"Content-Type": "application/xml", "Content-MD5": md5},
                         ip=ip)

    def suspicious(self, kind):
        before = self.requests
        self.phase = kind
        arn = "arn:aws:s3:::%s" % self.bucket
        if kind == "policy_backdoor":
            status = self.put_policy("CrossAccountRead",
                                     {"AWS": "arn:aws:iam::%s:root" % FOREIGN_ACCOUNT},
                                     ["s3:GetObject", "s3:GetBucketLocation", "s3:ListBucket"],
                                     [arn + "/*", arn])
            self.event(kind, self.requests - before, source_ip=ACTORS["admin"][3][0],
                       status=status)
        elif kind == "policy_own_role":
            status = self.put_policy("AppServerReadWrite",
                                     {"AWS": "arn:aws:iam::%s:role/app-server" % OWN_ACCOUNT},
                                     ["s3:GetObject", "s3:PutObject"], arn + "/*")
            self.event(kind, self.requests - before, source_ip=ACTORS["admin"][3][0],
                       status=status)
        elif kind == "batch_delete":
            ip = self.rng.choice(ACTORS["app"][3])
            for _ in range(BATCH_DELETES):
                victims = self.archive[:BATCH_KEYS] or [self.new_key("archive/gone-")]
                self.archive = self.archive[BATCH_KEYS:]
                self.delete_objects(victims, "app", ip)
            self.event(kind, self.requests - before, source_ip=ip)
        elif kind == "cleanup_delete":
            ip = self.rng.choice(ACTORS["etl"][3])
            temporary = [self.new_key("tmp/etl-stage-") for _ in range(CLEANUP_KEYS)]
            for key in temporary:
                self.call("PutObject", "PUT", key, "etl", body=self.payload(),
                          headers={"Content-Type": "text/csv"}, ip=ip)
            self.delete_objects(temporary, "etl", ip)
            self.event(kind, self.requests - before, source_ip=ip)
        elif kind == "denied_reads":
            ip = self.rng.choice(ACTORS["outsider"][3])
            rule = {"kind": "denied", "service": "s3", "action": "GetObject",
                    "count": DENIED_READS}
            armed = control(self.args.endpoint, "faults", {"rules": [rule]}) is not None
            targets = self.keys or ["data/2026/11/orders-00001.csv"]
            for _ in range(DENIED_READS):
                self.call("GetObject", "GET", self.rng.choice(targets), "outsider", ip=ip)
            self.event(kind, self.requests - before, source_ip=ip, fault_rule=armed)
        elif kind == "policy_change":
            policy = {"Version": "2012-10-17", "Statement": [{
                "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % self.bucket}]}
            status = self.call("PutBucketPolicy", "PUT", "", "admin", query="policy=",
                               body=json.dumps(policy).encode(),
                               headers={"Content-Type": "application/json"})
            self.event(kind, self.requests - before, source_ip=ACTORS["admin"][3][0],
                       status=status)
        elif kind == "mass_delete":
            ip = self.rng.choice(ACTORS["app"][3])
            victims = self.archive[:MASS_DELETES]
            self.archive = self.archive[MASS_DELETES:]
            while len(victims) < MASS_DELETES:   # archive already gone: delete data instead
                victims.append(self.keys.pop() if self.keys else self.new_key("archive/gone-"))
            for key in victims:
                self.call("DeleteObject", "DELETE", key, "app", ip=ip)
            self.event(kind, self.requests - before, source_ip=ip)
        elif kind == "missing_keys":
            ip = self.rng.choice(ACTORS["outsider"][3])
            probes = [".env", "config/credentials.json", "backup/db-dump.sql.gz",
                      "secrets/id_rsa", "wp-config.php.bak"]
            for i in range(MISSING_KEYS):
                key = probes[i] if i < len(probes) else "backup/db-dump-2026-11-%02d.sql.gz" % i
                self.call("GetObject", "GET", key, "outsider", ip=ip)
            self.event(kind, self.requests - before, source_ip=ip)

    # -- main loop --

    def progress(self):
        if self.args.count is not None:
            return self.steps / max(self.args.count, 1)
        return (time.time() - self.start) / max(self.args.duration, 0.001)

    def run(self):
        # Name the simulated callers in the CloudTrail records (ignored if the
        # endpoint is not the sandbox proxy).
        self.s3.creds = strict_users(self.args.endpoint, self.args.region)
        control(self.args.endpoint, "cloudtrail", {"users": {
            self.s3.creds.get(actor, (key,))[0]: name
            for actor, (key, name, _, _) in ACTORS.items()}})
        self.setup()
        self.start = time.time()
        if self.args.event:
            self.steps = 1
            self.suspicious(self.args.event)
            self.s3.close()
            return
        order = list(SUSPICIOUS)
        self.rng.shuffle(order)
        interval = 1.0 / self.args.rate if self.args.rate > 0 else 0.0
        next_at = time.monotonic()
        fired = 0
        self.steps = 0
        while self.progress() < 1.0:
            self.steps += 1
            if self.args.scenario == "suspicious":
                self.suspicious(order[fired % len(order)])
                fired += 1
                next_at = time.monotonic()   # a burst is not paced; pacing resumes after it
            elif (self.args.scenario == "mixed" and fired < len(MIXED_AT)
                  and self.progress() >= MIXED_AT[fired]):
                self.suspicious(order[fired % len(order)])
                fired += 1
                next_at = time.monotonic()
            else:
                self.normal()
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self.s3.close()

    def summary(self):
        return {
            "bucket": self.bucket, "endpoint": self.args.endpoint,
            "scenario": self.args.scenario, "event": self.args.event, "seed": self.args.seed,
            "duration_s": round(time.time() - self.start, 3),
            "steps": self.steps, "requests": self.requests,
            "setup_requests": self.setup_requests,
            "outside_requests": self.outside,
            "by_action": dict(sorted(self.by_action.items())),
            "by_status": dict(sorted(self.by_status.items())),
            "errors": dict(sorted(self.errors.items())),
            "scenario_events": self.events,
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--endpoint", default=os.environ.get("AWS_ENDPOINT_URL"),
                        help="default: $AWS_ENDPOINT_URL (the sandbox proxy)")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    parser.add_argument("--rate", type=float, default=10.0,
                        help="requests per second outside bursts; 0 = as fast as possible")
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument("--duration", type=float, help="seconds of traffic (default 10)")
    limit.add_argument("--count", type=int,
                       help="steps after setup: a step is one normal request or one "
                            "scenario event (a burst of requests)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", choices=("normal", "suspicious", "mixed"),
                        default="mixed")
    parser.add_argument("--objects", type=int, default=20,
                        help="objects put under data/ before the traffic starts")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--event", choices=SUSPICIOUS + CORPUS_EVENTS,
                        help="after setup, only this one scenario event (no normal traffic)")
    parser.add_argument("--request-log", metavar="FILE",
                        help="append phase, action, status and S3 request id of each request")
    args = parser.parse_args()
    if not args.endpoint:
        parser.error("no endpoint: set AWS_ENDPOINT_URL (source the sandbox env) or --endpoint")
    if args.count is None and args.duration is None:
        args.duration = 10.0
    traffic = Traffic(args)
    try:
        traffic.run()
    except KeyboardInterrupt:
        pass
    finally:
        if traffic.request_log is not None:
            traffic.request_log.close()
    print(json.dumps(traffic.summary(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
