"""S3 server access logs for the s3watch sandbox proxy, in S3's own format.

moto writes fake log lines (a fixed template, see the sandbox notes), and
drops TargetObjectKeyFormat. The sandbox starts moto with its log writer
turned off (motoserver.py); install(server) hooks the proxy so that:

  - PutBucketLogging through the proxy is remembered once moto accepts it
    (moto still validates it and answers GetBucketLogging), including the
    TargetObjectKeyFormat that moto drops, which the proxy puts back into
    GetBucketLogging's answer;
  - every S3 request through the proxy to a bucket with logging on (and
    every one the proxy denies) writes one log object into the target
    bucket: one line in S3's format, under the key S3 would use, at once
    (AWS takes minutes to hours; tests and validate need no wait).

The line follows "Amazon S3 server access log format" (Amazon S3 User Guide,
LogFormat): awsdocs/amazon-s3-userguide doc_source/LogFormat.md at
cc53dd6a (26 fields, up to aclRequired) and the current page
(docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html), whose
example lines add a 27th field, Source region. FIELDS is that list; lines
have exactly len(FIELDS) fields. Keys follow the API reference of
TargetObjectKeyFormat (SimplePrefix, PartitionedPrefix).

Control API (added to the proxy's /_sandbox/ routes):

  GET  /_sandbox/accesslog   -> {"buckets": {SOURCE: {"target_bucket",
                                 "target_prefix", "key_format", "date_source"}},
                                 "written", "failed", "last_error"}

Requests made to moto directly (not through the proxy) are not logged.
Python 3 standard library only.
"""

import hashlib
import hmac
import http.client
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import ctdeliver   # this script's directory is on sys.path

ACCOUNT = ctdeliver.ACCOUNT
S3NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
# The account's canonical user ID: 64 hex digits, stable per account.
OWNER_ID = hashlib.sha256(("canonical-user:" + ACCOUNT).encode()).hexdigest()

# In log order (AWS's list, with its names).
FIELDS = (
    "Bucket Owner", "Bucket", "Time", "Remote IP", "Requester", "Request ID",
    "Operation", "Key", "Request-URI", "HTTP status", "Error Code", "Bytes Sent",
    "Object Size", "Total Time", "Turn-Around Time", "Referer", "User-Agent",
    "Version Id", "Host Id", "Signature Version", "Cipher Suite",
    "Authentication Type", "Host Header", "TLS version", "Access Point ARN",
    "aclRequired", "Source region",
)

# The Operation field is REST.<METHOD>.<resource type> (LogFormat's examples:
# REST.GET.VERSIONING, REST.GET.LOGGING_STATUS, REST.GET.BUCKETPOLICY,
# REST.PUT.OBJECT). The type is the sub-resource in upper snake case
# (?publicAccessBlock: PUBLIC_ACCESS_BLOCK) but for these, as real logs and
# the S3 user guide's Athena queries spell them.
RESOURCE_TYPES = {
    "policy": "BUCKETPOLICY", "logging": "LOGGING_STATUS", "versions": "BUCKETVERSIONS",
    "object-lock": "OBJECT_LOCK_CONFIGURATION", "delete": "MULTI_OBJECT_DELETE",
}
# Query parameters that may be blank but name no sub-resource.
LIST_PARAMS = {"prefix", "delimiter", "marker", "start-after", "continuation-token",
               "key-marker", "version-id-marker", "upload-id-marker", "encoding-type",
               "fetch-owner", "max-keys", "max-uploads", "max-parts", "part-number-marker"}
OBJECT_OPS = {"GetObject", "PutObject", "HeadObject", "DeleteObject", "CopyObject",
              "UploadPart", "UploadPartCopy", "CompleteMultipartUpload",
              "CreateMultipartUpload", "AbortMultipartUpload", "ListParts"}

SCOPE_RE = ctdeliver.SCOPE_RE
header = ctdeliver.header
CODE_RE = re.compile(r"<Code>([^<]*)</Code>")
DATE_SOURCES = ("EventTime", "DeliveryTime")


def log(fmt, *args):
    sys.stderr.write("s3accesslog: %s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))


# --------------------------------------------------------------------------
# The logging configuration of a bucket
# --------------------------------------------------------------------------

def parse_logging(body):
    """The configuration a PutBucketLogging body sets: None (logging off) or
    {"target_bucket", "target_prefix", "key_format": "simple"|"partitioned"|None,
    "date_source"}. Raises ValueError on a body that is not the document."""
    root = ET.fromstring(body)
    if root.tag.rsplit("}", 1)[-1] != "BucketLoggingStatus":
        raise ValueError("not a BucketLoggingStatus document")
    on = root.find(S3NS + "LoggingEnabled")
    if on is None:
        on = root.find("LoggingEnabled")
    if on is None:
        return None

    def text(path):
        node = on.find("/".join(S3NS + p for p in path.split("/")))
        if node is None:
            node = on.find(path)
        return node

    bucket, prefix = text("TargetBucket"), text("TargetPrefix")
    conf = {"target_bucket": (bucket.text or "") if bucket is not None else "",
            "target_prefix": (prefix.text or "") if prefix is not None else "",
            "key_format": None, "date_source": None}
    if text("TargetObjectKeyFormat/PartitionedPrefix") is not None:
        source = text("TargetObjectKeyFormat/PartitionedPrefix/PartitionDateSource")
        conf["key_format"] = "partitioned"
        conf["date_source"] = source.text if source is not None and source.text \
            in DATE_SOURCES else "EventTime"
    elif text("TargetObjectKeyFormat/SimplePrefix") is not None:
        conf["key_format"] = "simple"
    return conf


def key_format_xml(conf):
    """The <TargetObjectKeyFormat> element S3 answers for `conf`, or ""."""
    if conf["key_format"] == "partitioned":
        return ("<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>%s"
                "</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>"
                % conf["date_source"])
    if conf["key_format"] == "simple":
        return "<TargetObjectKeyFormat><SimplePrefix/></TargetObjectKeyFormat>"
    return ""


def object_key(conf, bucket, region, event_time, delivery_time, unique):
    """The log object's key (API reference, TargetObjectKeyFormat):
    simple:      [TargetPrefix][YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]
    partitioned: [TargetPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/
                 [YYYY]/[MM]/[DD]/[YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]"""
    stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(delivery_time))
    if conf["key_format"] != "partitioned":
        return "%s%s-%s" % (conf["target_prefix"], stamp, unique)
    day = time.strftime("%Y/%m/%d", time.gmtime(
        event_time if conf["date_source"] == "EventTime" else delivery_time))
    return "%s%s/%s/%s/%s/%s-%s" % (conf["target_prefix"], ACCOUNT, region, bucket, day,
                                    stamp, unique)


# --------------------------------------------------------------------------
# One log line
# --------------------------------------------------------------------------

def quoted(value):
    return '"%s"' % value if value else '"-"'


def resource_type(info, bucket, key):
    """The resource type of the Operation field."""
    sub = next((q for q, v in info.query.items() if v == [""] and q not in LIST_PARAMS), None)
    if sub == "tagging" and key:
        return "OBJECT_TAGGING"
    if sub:
        return RESOURCE_TYPES.get(sub) or re.sub(r"([a-z])([A-Z])", r"\1_\2",
                                                  sub).replace("-", "_").upper()
    if "uploadId" in info.query:
        return "PART" if info.method == "PUT" else "UPLOAD"
    return "OBJECT" if key else "BUCKET" if bucket else "SERVICE"


def build_line(info, status, resp_headers, resp_body, when, users, elapsed_ms):
    """The access log line of one request (info: proxy.RequestInfo)."""
    bucket, _, key = info.path.lstrip("/").partition("/")
    op = info.action or ""
    auth = info.header("Authorization", "")
    scope = SCOPE_RE.search(auth)
    auth_type = "AuthHeader" if auth else "-"
    if not scope and "X-Amz-Credential" in info.query:
        scope = SCOPE_RE.search("Credential=" + info.query["X-Amz-Credential"][0])
        auth_type = "QueryString"
    sig = "SigV4" if scope else ("SigV2" if auth.startswith("AWS ") else "-")
    region = scope.group(2) if scope else "us-east-1"
    # An IAM user's requests name the user's ARN (LogFormat: "Requester").
    requester = "arn:aws:iam::%s:user/%s" % (ACCOUNT, users.get(scope.group(1), "sandbox-user")) \
        if scope else "-"
    forwarded = info.header("X-Forwarded-For")
    remote_ip = forwarded.split(",")[0].strip() if forwarded else (info.client_ip or "127.0.0.1")

    error = "-"
    if status >= 400:
        match = CODE_RE.search(resp_body.decode("utf-8", "replace")) if resp_body else None
        error = match.group(1) if match else {403: "AccessDenied", 404: "NoSuchKey" if key
                                              else "NoSuchBucket"}.get(status, "-")
    sent = len(resp_body) if resp_body and info.method != "HEAD" else 0
    size = "-"
    if op in OBJECT_OPS and status < 300:
        length = header(resp_headers, "Content-Length") if info.method in ("GET", "HEAD") \
            else str(len(info.body or b""))
        size = length if length and length.isdigit() else "-"
    request_id, host_id = ctdeliver.request_ids(info, resp_headers)
    version = header(resp_headers, "x-amz-version-id") if op in OBJECT_OPS else None
    version = version or info.query.get("versionId", ["-"])[0] or "-"
    operation = "REST.%s.%s" % ("COPY" if info.header("x-amz-copy-source") else info.method,
                                resource_type(info, bucket, key))
    # The request URI as sent; the host header as an SDK addresses real S3.
    uri = "%s %s HTTP/1.1" % (info.method, info.target)
    host = "%s.s3.%s.amazonaws.com" % (bucket, region)
    fields = [
        OWNER_ID, bucket, "[%s]" % time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(when)),
        remote_ip, requester, request_id, operation,
        urllib.parse.quote(key, safe="/") if key else "-",
        quoted(uri), str(status), error, str(sent) if sent else "-", size,
        str(elapsed_ms), str(max(elapsed_ms - 1, 0)),
        quoted(info.header("Referer")), quoted(info.header("User-Agent")),
        version, host_id, sig,
        # What AWS's HTTPS endpoints negotiate (the sandbox is plain HTTP,
        # as ctdeliver's records also say TLS).
        "TLS_AES_128_GCM_SHA256" if sig != "-" else "-", auth_type, host,
        "TLSv1.3", "-", "-", "-",
    ]
    assert len(fields) == len(FIELDS)
    return " ".join(fields)


# --------------------------------------------------------------------------
# Writing to moto (signed: a strict moto checks it)
# --------------------------------------------------------------------------

def sign_s3(method, host, path, body, region, access_key, secret_key, now):
    """SigV4 headers for a path-style S3 request with no query string."""
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    payload = hashlib.sha256(body).hexdigest()
    canonical_uri = urllib.parse.quote(path, safe="/-_.~")
    signed = "host;x-amz-content-sha256;x-amz-date"
    canonical = "\n".join([method, canonical_uri, "", "host:" + host,
                           "x-amz-content-sha256:" + payload, "x-amz-date:" + amz_date, "",
                           signed, payload])
    scope = "%s/%s/s3/aws4_request" % (amz_date[:8], region)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (amz_date[:8], region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {"Host": host, "X-Amz-Date": amz_date, "X-Amz-Content-Sha256": payload,
            "Authorization": "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                             "Signature=%s" % (access_key, scope, signed, signature)}


class AccessLogs:
    """Logging configurations set through the proxy, and the writer."""

    def __init__(self, upstream, users):
        self.upstream = upstream
        self.users = users          # access key -> IAM user name (ctdeliver's map)
        self.lock = threading.Lock()
        self.buckets = {}           # source bucket -> parse_logging() result
        self.written = self.failed = 0
        self.last_error = None
        # The key log delivery signs with: the sandbox's fixed one unless
        # the sandbox names another (a strict moto checks signatures). Never
        # AWS_*: those may be a user's real credentials.
        self.access_key = os.environ.get("S3WATCH_SANDBOX_ACCESS_KEY", "AKIAIOSFODNN7SANDBOX")
        self.secret_key = os.environ.get("S3WATCH_SANDBOX_SECRET_KEY",
                                         "sandbox/secret/key/not/a/real/one/000")

    # -- proxy hooks --

    @staticmethod
    def arrival(info):
        """A local op that answers nothing: it notes when a request came,
        for the Total Time field."""
        info.arrived = time.monotonic()

    def after_forward(self, info, status, headers, body):
        start = getattr(info, "arrived", None)
        if info.service != "s3":
            return
        bucket = info.path.lstrip("/").partition("/")[0]
        if not bucket:
            return
        with self.lock:
            conf = self.buckets.get(bucket)
            if info.action == "PutBucketLogging" and status == 200 and not info.fault:
                try:
                    self.buckets[bucket] = parse_logging(info.body)
                except (ValueError, ET.ParseError) as exc:
                    log("PutBucketLogging body of %s not understood: %s", bucket, exc)
                if self.buckets.get(bucket) is None:
                    self.buckets.pop(bucket, None)
            elif info.action in ("CreateBucket", "DeleteBucket") and status < 300:
                # A new bucket (also one moto made again after a reset) logs nothing.
                self.buckets.pop(bucket, None)
        if conf is None or not conf["target_bucket"]:
            return
        now = time.time()
        elapsed = int((time.monotonic() - start) * 1000) if start else 0
        line = build_line(info, status, headers, body, now, self.users, max(elapsed, 1))
        region = self.region(info)
        key = object_key(conf, bucket, region, now, now, secrets.token_hex(8).upper())
        self.put(region, conf["target_bucket"], key, (line + "\n").encode())

    def filter_get_logging(self, info, status, headers, body):
        """GetBucketLogging: put back the TargetObjectKeyFormat moto drops."""
        if info.service != "s3" or info.action != "GetBucketLogging" or status != 200:
            return status, headers, body
        bucket = info.path.lstrip("/").partition("/")[0]
        with self.lock:
            conf = self.buckets.get(bucket)
        text = body.decode("utf-8", "replace")
        extra = key_format_xml(conf) if conf else ""
        if not extra or "<TargetObjectKeyFormat" in text or "</LoggingEnabled>" not in text:
            return status, headers, body
        return status, headers, text.replace("</LoggingEnabled>",
                                             extra + "</LoggingEnabled>", 1).encode()

    @staticmethod
    def region(info):
        scope = SCOPE_RE.search(info.header("Authorization", ""))
        return scope.group(2) if scope else "us-east-1"

    def put(self, region, bucket, key, data):
        host = "%s:%d" % self.upstream
        path = "/%s/%s" % (bucket, key)
        headers = sign_s3("PUT", host, path, data, region, self.access_key, self.secret_key,
                          time.time())
        headers["Content-Type"] = "text/plain"
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            conn.request("PUT", urllib.parse.quote(path, safe="/-_.~"), data, headers)
            resp = conn.getresponse()
            answer = resp.read()
            if resp.status != 200:
                raise OSError("HTTP %d: %s" % (resp.status, answer[:200]))
            with self.lock:
                self.written += 1
        except (OSError, http.client.HTTPException) as exc:
            message = "log object s3://%s/%s not written: %s" % (bucket, key, exc)
            log("%s", message)
            with self.lock:
                self.failed += 1
                self.last_error = message
        finally:
            conn.close()

    # -- control API --

    def control_get(self, body):
        with self.lock:
            return 200, {"buckets": dict(self.buckets), "written": self.written,
                         "failed": self.failed, "last_error": self.last_error}


def install(server):
    """Hook access logging into a proxy.ProxyServer (after ctdeliver.install,
    whose access-key-to-user map it shares when present)."""
    delivery = getattr(server, "cloudtrail", None)
    logs = AccessLogs(server.upstream, delivery.users if delivery else {})
    server.access_logs = logs
    server.local_ops.insert(0, logs.arrival)
    server.after_forward.append(logs.after_forward)
    server.response_filters.append(logs.filter_get_logging)
    server.control_routes[("GET", "/_sandbox/accesslog")] = logs.control_get
    return logs
