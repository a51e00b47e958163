"""CloudTrail -> CloudWatch Logs delivery for the s3watch sandbox proxy.

moto stores a trail's configuration but never delivers an event. This module
fills the gap for S3: install(server) hooks the proxy so that every S3 request
it forwards to moto (and every S3 request it answers with the "denied" fault)
becomes the CloudTrail record AWS would write, delivered after a delay into the
CloudWatch Logs group of each trail that would log it.

What decides delivery is read from moto itself, as CloudTrail would see it:
DescribeTrails, GetTrailStatus (IsLogging) and GetEventSelectors, cached for
CONFIG_TTL_S and dropped as soon as a CloudTrail write passes the proxy. A trail
delivers if it is logging, has CloudWatchLogsLogGroupArn, covers the request's
region, and its selectors admit the event (basic or advanced selectors).
Records go to the stream "<account>_CloudTrail_<region>" (created on demand);
if the group is gone the record is dropped and counted, nothing else is created.

Control API (added to the proxy's /_sandbox/ routes):

  GET  /_sandbox/cloudtrail        -> {"delay_ms", "recorded", "delivered",
                                       "dropped", "pending", "last_error"}
  POST /_sandbox/cloudtrail        <- {"delay_ms": D, "flush": true,
                                       "users": {"AKIA...": "alice"}}
                                      any subset; "flush" delivers everything
                                      pending before answering
  POST /_sandbox/cloudtrail/reset  zeroes the counters

"recorded" counts records routed to at least one trail, "delivered" and
"dropped" count log events (one per record and trail).

Request bodies: the XML configuration documents (versioning, Block Public
Access, lifecycle, logging, encryption, ACL, replication...) and the bucket
policy are carried in requestParameters as CloudTrail writes them
(ctbodies.py).

Event history: CloudTrail keeps 90 days of management events per region
whatever the trails say, and LookupEvents reads them; moto lacks it. The
History class keeps the management events of the S3 calls the proxy saw
(newest HISTORY_MAX) and answers LookupEvents itself (a proxy local op).

Python 3 standard library only.
"""

import base64
import hashlib
import http.client
import json
import re
import sys
import threading
import time
import uuid

import ctbodies   # this script's directory is on sys.path

DEFAULT_DELAY_MS = 2000
CONFIG_TTL_S = 1.0
ACCOUNT = "123456789012"          # moto's default account
SANDBOX_KEY = "AKIAIOSFODNN7SANDBOX"
BATCH_MAX_EVENTS = 1000            # well under PutLogEvents' 10,000 / 1 MB limits
BATCH_MAX_BYTES = 800 * 1024
HISTORY_MAX = 10000

CLOUDTRAIL_WRITES = {"CreateTrail", "UpdateTrail", "DeleteTrail", "PutEventSelectors",
                     "StartLogging", "StopLogging"}

SCOPE_RE = re.compile(r"Credential=([^/,\s]+)/[^/,\s]+/([^/,\s]+)/[^/,\s]+/aws4_request")
XML_FIELD_RE = {name: re.compile(r"<%s>([^<]*)</%s>" % (name, name))
                for name in ("Code", "Message")}

# CloudTrail's event name where it differs from the API operation's name.
EVENT_NAMES = {
    "ListObjectsV2": "ListObjects",       # V2 is told apart by requestParameters list-type=2
    "PutBucketLifecycleConfiguration": "PutBucketLifecycle",
    "GetBucketLifecycleConfiguration": "GetBucketLifecycle",
    "DeleteBucketLifecycleConfiguration": "DeleteBucketLifecycle",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "DeleteBucketPublicAccessBlock",
}

# Operations CloudTrail logs as S3 data events (AWS::S3::Object); everything
# else on S3 (bucket configuration, ListBuckets) is a management event. The
# listing and bucket-wide ones at the end are bucket-level calls that AWS still
# logs as object-level, per the S3 user guide ("Amazon S3 CloudTrail events").
OBJECT_DATA_EVENTS = {
    "GetObject", "PutObject", "CopyObject", "DeleteObject", "HeadObject", "PostObject",
    "GetObjectAcl", "PutObjectAcl", "GetObjectTagging", "PutObjectTagging",
    "DeleteObjectTagging", "GetObjectAttributes", "GetObjectRetention", "PutObjectRetention",
    "GetObjectLegalHold", "PutObjectLegalHold", "RestoreObject", "SelectObjectContent",
    "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload",
    "AbortMultipartUpload", "ListParts",
}
PREFIX_DATA_EVENTS = {"ListObjects", "ListObjectsV2", "ListObjectVersions",
                      "ListMultipartUploads"}
BUCKET_DATA_EVENTS = {"HeadBucket", "DeleteObjects"}

USER_AGENT = "aws-internal/3 aws-sdk-java/1.12.x cloudtrail-delivery (s3watch sandbox)"


def log(fmt, *args):
    sys.stderr.write("ctdeliver: %s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))


# --------------------------------------------------------------------------
# Talking to moto directly (JSON protocols, fake SigV4: moto does not check)
# --------------------------------------------------------------------------

class AwsJsonError(Exception):
    def __init__(self, status, code, message):
        super().__init__("%s %s: %s" % (status, code, message))
        self.status, self.code, self.message = status, code, message


def aws_json_call(upstream, service, region, target, payload, timeout=10):
    """One awsJson 1.1 call to moto; returns the decoded answer or raises.
    The credential scope is what tells moto the region of the call."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    headers = {
        "Host": "%s:%d" % upstream,
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": target,
        "X-Amz-Date": stamp,
        "User-Agent": USER_AGENT,
        "Authorization": ("AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
                          "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                          "Signature=%s" % (SANDBOX_KEY, stamp[:8], region, service, "0" * 64)),
    }
    body = json.dumps(payload).encode()
    conn = http.client.HTTPConnection(*upstream, timeout=timeout)
    try:
        conn.request("POST", "/", body, headers)
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    try:
        obj = json.loads(data or b"{}")
    except ValueError:
        obj = None
    if resp.status >= 300 or not isinstance(obj, dict):
        code = obj.get("__type", "").rsplit("#", 1)[-1] if isinstance(obj, dict) else ""
        message = obj.get("message", "") if isinstance(obj, dict) else data[:200].decode(
            "utf-8", "replace")
        raise AwsJsonError(resp.status, code or "HTTP%d" % resp.status, message)
    return obj


def cloudtrail_call(upstream, region, op, payload):
    return aws_json_call(upstream, "cloudtrail", region,
                         "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101." + op, payload)


def logs_call(upstream, region, op, payload):
    return aws_json_call(upstream, "logs", region, "Logs_20140328." + op, payload)


# --------------------------------------------------------------------------
# Trail configuration and event selectors
# --------------------------------------------------------------------------

class Trail:
    """The parts of one trail's configuration that decide delivery."""

    def __init__(self, desc, status, selectors):
        self.name = desc["Name"]
        self.home_region = desc.get("HomeRegion")
        self.multi_region = bool(desc.get("IsMultiRegionTrail"))
        self.logging = bool(status.get("IsLogging"))
        # arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*
        parts = (desc.get("CloudWatchLogsLogGroupArn") or "").split(":")
        self.group_region = parts[3] if len(parts) > 6 else None
        self.group = parts[6] if len(parts) > 6 and parts[5] == "log-group" else None
        self.basic = selectors.get("EventSelectors") or []
        self.advanced = selectors.get("AdvancedEventSelectors") or []
        if not self.basic and not self.advanced:
            # A trail without selectors logs all management events.
            self.basic = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]

    def covers(self, region):
        return self.multi_region or self.home_region == region

    def wants(self, event):
        """True if the trail's selectors admit `event` (an Event)."""
        if self.advanced:
            return any(advanced_match(sel.get("FieldSelectors") or [], event)
                       for sel in self.advanced)
        return any(basic_match(sel, event) for sel in self.basic)


def basic_match(selector, event):
    rw = selector.get("ReadWriteType", "All")
    if rw == "ReadOnly" and not event.read_only or rw == "WriteOnly" and event.read_only:
        return False
    if not event.is_data:
        return selector.get("IncludeManagementEvents", True) is not False
    # Values are ARN prefixes: "arn:aws:s3:::bucket/", "arn:aws:s3:::bucket/dir/",
    # or "arn:aws:s3" / "arn:aws:s3:::" for every bucket.
    return any(res.get("Type") == "AWS::S3::Object"
               and any(event.match_arn.startswith(v) for v in res.get("Values") or [])
               for res in selector.get("DataResources") or [])


ADVANCED_TESTS = {
    "Equals": lambda v, p: v == p, "StartsWith": lambda v, p: v.startswith(p),
    "EndsWith": lambda v, p: v.endswith(p),
}


def advanced_match(field_selectors, event):
    """All field selectors must hold (AND); within one, any positive value
    matches (OR) and every negative one must not."""
    values = {
        "eventCategory": "Data" if event.is_data else "Management",
        "eventSource": "s3.amazonaws.com", "eventName": event.name,
        "readOnly": "true" if event.read_only else "false",
        "resources.type": "AWS::S3::Object" if event.is_data else None,
        "resources.ARN": event.match_arn if event.is_data else None,
    }
    for fs in field_selectors:
        field = fs.get("Field")
        value = values.get(field)
        if value is None:
            return False   # a field the event does not have (or one we do not model)
        for op, test in ADVANCED_TESTS.items():
            if fs.get(op) and not any(test(value, p) for p in fs[op]):
                return False
            if fs.get("Not" + op) and any(test(value, p) for p in fs["Not" + op]):
                return False
    return True


class TrailCache:
    """Trails per region, read from moto, kept CONFIG_TTL_S seconds."""

    def __init__(self, upstream, errors):
        self.upstream = upstream
        self.errors = errors               # callback(message)
        self.lock = threading.Lock()
        self.by_region = {}                # region -> (monotonic fetch time, [Trail])

    def invalidate(self):
        with self.lock:
            self.by_region.clear()

    def trails(self, region):
        # The lock is held while fetching, so a burst of requests after an
        # invalidation makes one round of calls to moto, not one each.
        with self.lock:
            cached = self.by_region.get(region)
            if cached and time.monotonic() - cached[0] < CONFIG_TTL_S:
                return cached[1]
            trails = self.fetch(region)
            self.by_region[region] = (time.monotonic(), trails)
            return trails

    def fetch(self, region):
        try:
            found = []
            desc = cloudtrail_call(self.upstream, region, "DescribeTrails",
                                   {"includeShadowTrails": True})
            for trail in desc.get("trailList") or []:
                if not trail.get("CloudWatchLogsLogGroupArn"):
                    continue   # nothing to deliver to: skip the other calls
                home = trail.get("HomeRegion") or region
                # moto resolves GetTrailStatus by name only, and
                # GetEventSelectors only in the trail's home region.
                status = cloudtrail_call(self.upstream, home, "GetTrailStatus",
                                         {"Name": trail["Name"]})
                selectors = cloudtrail_call(self.upstream, home, "GetEventSelectors",
                                            {"TrailName": trail.get("TrailARN", trail["Name"])})
                found.append(Trail(trail, status, selectors))
            return found
        except (OSError, http.client.HTTPException, AwsJsonError, KeyError) as exc:
            self.errors("reading trails in %s: %s" % (region, exc))
            return []


# --------------------------------------------------------------------------
# Building the CloudTrail record
# --------------------------------------------------------------------------

class Event:
    """One S3 call as CloudTrail sees it: the record plus what routing needs."""

    def __init__(self, record, name, region, is_data, read_only, match_arn, when):
        self.record, self.name, self.region = record, name, region
        self.is_data, self.read_only, self.match_arn = is_data, read_only, match_arn
        self.when = when


def principal_id(key):
    digest = base64.b32encode(hashlib.sha1(key.encode()).digest()).decode()
    return "AIDA" + digest[:17]


def header(headers, name, default=None):
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), default)


def error_of(status, body, op, key):
    """(errorCode, errorMessage) of a failed call, from S3's XML error body;
    HEAD answers have no body, so their code is inferred from the status."""
    text = body.decode("utf-8", "replace") if body else ""
    code = XML_FIELD_RE["Code"].search(text)
    if code:
        message = XML_FIELD_RE["Message"].search(text)
        return code.group(1), message.group(1) if message else ""
    if status == 404:
        return ("NoSuchKey", "The specified key does not exist.") if key else \
            ("NoSuchBucket", "The specified bucket does not exist")
    if status == 403:
        return "AccessDenied", "Access Denied"
    return "HTTP%d" % status, ""


def request_ids(info, resp_headers):
    """(request ID, x-amz-id-2) of one request: the same in its CloudTrail
    record and its access log line, as on AWS."""
    ids = getattr(info, "request_ids", None)
    if ids is None:
        request_id = (header(resp_headers, "x-amz-request-id")
                      or header(resp_headers, "x-amzn-RequestId")
                      or uuid.uuid4().hex[:16].upper())
        id2 = header(resp_headers, "x-amz-id-2") or base64.b64encode(
            hashlib.sha256(request_id.encode()).digest() * 2).decode()[:76]
        ids = info.request_ids = (request_id, id2)
    return ids


def build_event(info, status, resp_headers, resp_body, client_ip, users):
    """The CloudTrail record of one S3 request (info: proxy.RequestInfo)."""
    now = time.time()
    auth = info.header("Authorization", "")
    scope = SCOPE_RE.search(auth)
    auth_method = "AuthHeader"
    if not scope and "X-Amz-Credential" in info.query:
        scope = SCOPE_RE.search("Credential=" + info.query["X-Amz-Credential"][0])
        auth_method = "QueryString"
    access_key, region = (scope.group(1), scope.group(2)) if scope else (SANDBOX_KEY,
                                                                           "us-east-1")
    user = users.get(access_key, "sandbox-user")

    bucket, _, key = info.path.lstrip("/").partition("/")
    op = info.action or "S3" + info.method
    name = EVENT_NAMES.get(op, op)
    read_only = name.startswith(("Get", "Head", "List"))
    is_data = op in OBJECT_DATA_EVENTS or op in PREFIX_DATA_EVENTS or op in BUCKET_DATA_EVENTS

    # Hosts as a real SDK addresses S3 (virtual-hosted style), not the sandbox's.
    host = ("%s.s3.%s.amazonaws.com" % (bucket, region)) if bucket else \
        "s3.%s.amazonaws.com" % region
    params = {"bucketName": bucket, "Host": host} if bucket else {"Host": host}
    for qkey, qvalues in info.query.items():   # ?policy, list-type, prefix, ...
        if not qkey.lower().startswith("x-amz-"):
            params[qkey] = qvalues[0]
    if key and op in OBJECT_DATA_EVENTS:
        params["key"] = key
    copy_source = info.header("x-amz-copy-source")
    if copy_source:
        params["x-amz-copy-source"] = copy_source
    params.update(ctbodies.request_parameters(op, info.body, info.header))

    bucket_arn = "arn:aws:s3:::" + bucket
    bucket_res = {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": bucket_arn}
    if op in OBJECT_DATA_EVENTS:
        match_arn = "%s/%s" % (bucket_arn, key)
        resources = [{"type": "AWS::S3::Object", "ARN": match_arn}, bucket_res]
    elif op in PREFIX_DATA_EVENTS or op in BUCKET_DATA_EVENTS:
        prefix = info.query.get("prefix", [""])[0] if op in PREFIX_DATA_EVENTS else ""
        match_arn = "%s/%s" % (bucket_arn, prefix)
        resources = [{"type": "AWS::S3::Object", "ARNPrefix": match_arn}, bucket_res]
    else:
        match_arn = bucket_arn
        resources = [bucket_res] if bucket else None

    ua = info.header("User-Agent", "")
    forwarded = info.header("X-Forwarded-For")
    source_ip = forwarded.split(",")[0].strip() if forwarded else (client_ip or "127.0.0.1")
    request_id, id2 = request_ids(info, resp_headers)
    length = header(resp_headers, "Content-Length")
    out_bytes = len(resp_body) if resp_body else (
        int(length) if length and length.isdigit() and info.method != "HEAD" else 0)

    record = {
        "eventVersion": "1.10" if is_data else "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": principal_id(access_key),
                         "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, user),
                         "accountId": ACCOUNT, "accessKeyId": access_key, "userName": user},
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        # S3 writes the caller's User-Agent in brackets in its CloudTrail records.
        "userAgent": "[%s]" % ua if ua else "",
    }
    if status >= 400:
        record["errorCode"], record["errorMessage"] = error_of(status, resp_body, op, key)
    record.update({
        "requestParameters": params,
        "responseElements": None,
        "additionalEventData": {
            "SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": len(info.body or b""),
            "AuthenticationMethod": auth_method, "x-amz-id-2": id2,
            "bytesTransferredOut": out_bytes if status < 300 else 0,
        },
        "requestID": request_id,
        "eventID": str(uuid.uuid4()),
        "readOnly": read_only,
    })
    if resources:
        record["resources"] = resources
    record.update({
        "eventType": "AwsApiCall",
        "managementEvent": not is_data,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Data" if is_data else "Management",
    })
    return Event(record, name, region, is_data, read_only, match_arn, now)


# --------------------------------------------------------------------------
# Delayed, batched delivery
# --------------------------------------------------------------------------

class Delivery:
    """Queue of records waiting for their delay, and the thread that writes
    them to CloudWatch Logs."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.cond = threading.Condition()
        self.send_lock = threading.Lock()   # one PutLogEvents round at a time, in order
        self.delay_ms = DEFAULT_DELAY_MS
        self.pending = []      # [(queued monotonic, timestamp ms, (region, group, stream), msg)]
        self.known_streams = set()
        self.users = {SANDBOX_KEY: "sandbox-user"}
        self.trails = TrailCache(upstream, self.set_error)
        self.reset_counters()
        threading.Thread(target=self.run, name="ctdeliver", daemon=True).start()

    def reset_counters(self):
        with self.cond:
            self.recorded = self.delivered = self.dropped = 0
            self.last_error = None

    def set_error(self, message):
        log("%s", message)
        with self.cond:
            self.last_error = message

    # -- proxy hook --

    def after_forward(self, info, status, headers, body):
        if info.service == "cloudtrail" and info.action in CLOUDTRAIL_WRITES:
            self.trails.invalidate()
            return
        if info.service != "s3":
            return
        event = build_event(info, status, headers, body, getattr(info, "client_ip", None),
                            self.users)
        # Routing is decided now, with the configuration at the time of the
        # call, as CloudTrail does: stopping a trail later does not unlog it.
        dests = []
        for trail in self.trails.trails(event.region):
            if trail.logging and trail.group and trail.covers(event.region) \
                    and trail.wants(event):
                stream = "%s_CloudTrail_%s" % (ACCOUNT, event.region)
                dest = (trail.group_region or event.region, trail.group, stream)
                if dest not in dests:
                    dests.append(dest)
        if not dests:
            return
        message = json.dumps(event.record, separators=(",", ":"))
        with self.cond:
            self.recorded += 1
            for dest in dests:
                self.pending.append((time.monotonic(), int(event.when * 1000), dest, message))
            self.cond.notify()

    # -- delivery --

    def take(self, everything):
        """Remove and return the pending entries that are due."""
        with self.cond:
            cutoff = time.monotonic() - self.delay_ms / 1000.0
            due = [p for p in self.pending if everything or p[0] <= cutoff]
            self.pending = [p for p in self.pending if not (everything or p[0] <= cutoff)]
            return due

    def run(self):
        while True:
            with self.cond:
                if self.pending:
                    oldest = min(p[0] for p in self.pending)
                    wait = oldest + self.delay_ms / 1000.0 - time.monotonic()
                else:
                    wait = 1.0
                if wait > 0:
                    self.cond.wait(min(wait, 1.0))
            self.deliver(everything=False)

    def deliver(self, everything):
        with self.send_lock:
            due = self.take(everything)
            by_dest = {}
            for _, stamp, dest, message in due:
                by_dest.setdefault(dest, []).append((stamp, message))
            for dest, events in by_dest.items():
                events.sort(key=lambda e: e[0])   # PutLogEvents wants time order
                batch, size = [], 0
                for stamp, message in events:
                    if batch and (len(batch) >= BATCH_MAX_EVENTS
                                  or size + len(message) > BATCH_MAX_BYTES):
                        self.put(dest, batch)
                        batch, size = [], 0
                    batch.append({"timestamp": stamp, "message": message})
                    size += len(message) + 26
                if batch:
                    self.put(dest, batch)

    def put(self, dest, batch):
        region, group, stream = dest
        payload = {"logGroupName": group, "logStreamName": stream, "logEvents": batch}
        try:
            for attempt in (1, 2):
                try:
                    if dest not in self.known_streams:
                        self.create_stream(region, group, stream)
                        self.known_streams.add(dest)
                    logs_call(self.upstream, region, "PutLogEvents", payload)
                    break
                except AwsJsonError as exc:
                    # The stream (or its group) may have been deleted since.
                    if exc.code != "ResourceNotFoundException" or attempt == 2:
                        raise
                    self.known_streams.discard(dest)
            with self.cond:
                self.delivered += len(batch)
        except (OSError, http.client.HTTPException, AwsJsonError) as exc:
            self.set_error("dropped %d event(s) for %s/%s: %s"
                           % (len(batch), group, stream, exc))
            with self.cond:
                self.dropped += len(batch)

    def create_stream(self, region, group, stream):
        try:
            logs_call(self.upstream, region, "CreateLogStream",
                      {"logGroupName": group, "logStreamName": stream})
        except AwsJsonError as exc:
            if exc.code != "ResourceAlreadyExistsException":
                raise   # ResourceNotFoundException here: the group is gone

    # -- control API --

    def status(self):
        with self.cond:
            return {"delay_ms": self.delay_ms, "recorded": self.recorded,
                    "delivered": self.delivered, "dropped": self.dropped,
                    "pending": len(self.pending), "last_error": self.last_error}

    def control_get(self, body):
        return 200, self.status()

    def control_post(self, body):
        try:
            req = json.loads(body or b"{}")
            if not isinstance(req, dict):
                raise ValueError("expected a JSON object")
            delay = req.get("delay_ms")
            if delay is not None and (not isinstance(delay, int) or delay < 0):
                raise ValueError("delay_ms must be an integer >= 0")
            users = req.get("users", {})
            if not isinstance(users, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in users.items()):
                raise ValueError('users must be {"ACCESS_KEY": "name", ...}')
        except ValueError as exc:
            return 400, {"ok": False, "error": str(exc)}
        with self.cond:
            if delay is not None:
                self.delay_ms = delay
            self.users.update(users)
            self.cond.notify()
        if req.get("flush"):
            self.deliver(everything=True)
        return 200, dict(self.status(), ok=True)

    def control_reset(self, body):
        self.reset_counters()
        return 200, dict(self.status(), ok=True)


class History:
    """CloudTrail event history: management events, newest first, answered
    through LookupEvents (awsJson 1.1)."""

    # LookupAttributes key -> how to read it from a record.
    ATTRIBUTES = {
        "EventId": lambda r: [r.get("eventID")],
        "EventName": lambda r: [r.get("eventName")],
        "ReadOnly": lambda r: [str(r.get("readOnly", False)).lower()],
        "Username": lambda r: [r.get("userIdentity", {}).get("userName")],
        "EventSource": lambda r: [r.get("eventSource")],
        "AccessKeyId": lambda r: [r.get("userIdentity", {}).get("accessKeyId")],
        "ResourceType": lambda r: [x.get("type") for x in r.get("resources", [])],
        "ResourceName": lambda r: [x.get("ARN", "").split(":::")[-1]
                                   for x in r.get("resources", [])]
                                  + [r.get("requestParameters", {}).get("bucketName")],
    }

    def __init__(self):
        self.lock = threading.Lock()
        self.events = []        # (epoch seconds, record), oldest first

    def after_forward(self, info, status, headers, body):
        if info.service != "s3":
            return
        event = build_event(info, status, headers, body,
                            getattr(info, "client_ip", None), {})
        if event.is_data:
            return
        with self.lock:
            self.events.append((event.when, event.record))
            del self.events[:-HISTORY_MAX]

    def handle(self, info):
        if info.protocol != "json" or info.service != "cloudtrail" \
                or info.action != "LookupEvents":
            return None
        try:
            req = json.loads(info.body or b"{}")
            attrs = req.get("LookupAttributes") or []
            if len(attrs) > 1:
                raise ValueError("only one lookup attribute is allowed")
            start = float(req.get("StartTime", 0))
            end = float(req.get("EndTime", time.time() + 1))
            limit = int(req.get("MaxResults", 50))
            if not 1 <= limit <= 50:
                raise ValueError("MaxResults must be 1 to 50")
            offset = int(req.get("NextToken") or 0)
        except (ValueError, TypeError) as exc:
            return self.answer(400, {"__type": "InvalidLookupAttributesException",
                                     "message": str(exc)})
        key = attrs[0].get("AttributeKey") if attrs else None
        if key is not None and key not in self.ATTRIBUTES:
            return self.answer(400, {"__type": "InvalidLookupAttributesException",
                                     "message": "unknown attribute %s" % key})
        with self.lock:
            found = [(w, r) for w, r in reversed(self.events) if start <= w <= end
                     and (key is None or attrs[0].get("AttributeValue")
                          in self.ATTRIBUTES[key](r))]
        page = found[offset:offset + limit]
        out = {"Events": [{
            "EventId": r.get("eventID"), "EventName": r.get("eventName"),
            "ReadOnly": str(r.get("readOnly", False)).lower(),
            "AccessKeyId": r.get("userIdentity", {}).get("accessKeyId"),
            "EventTime": w, "EventSource": r.get("eventSource"),
            "Username": r.get("userIdentity", {}).get("userName"),
            "Resources": [{"ResourceType": x.get("type"),
                           "ResourceName": x.get("ARN")} for x in r.get("resources", [])],
            "CloudTrailEvent": json.dumps(r)} for w, r in page]}
        if offset + limit < len(found):
            out["NextToken"] = str(offset + limit)
        return self.answer(200, out)

    @staticmethod
    def answer(status, obj):
        return status, [("x-amzn-RequestId", str(uuid.uuid4())),
                        ("Content-Type", "application/x-amz-json-1.1")], \
            json.dumps(obj).encode()


def install(server):
    """Hook CloudTrail delivery and event history into a proxy.ProxyServer."""
    delivery = Delivery(server.upstream)
    history = History()
    server.cloudtrail = delivery
    server.after_forward.append(delivery.after_forward)
    server.after_forward.append(history.after_forward)
    server.local_ops.append(history.handle)
    server.control_routes.update({
        ("GET", "/_sandbox/cloudtrail"): delivery.control_get,
        ("POST", "/_sandbox/cloudtrail"): delivery.control_post,
        ("POST", "/_sandbox/cloudtrail/reset"): delivery.control_reset,
    })
    return delivery
