#!/usr/bin/env python3
"""Fault-injecting reverse proxy in front of moto, for s3watch tests.

Every request is forwarded unchanged (method, path and query, headers, body)
to the upstream moto server, unless a fault rule matches it. Paths under
/_sandbox/ are the proxy's own control API and are never forwarded:

  GET    /_sandbox/health        -> {"ok": true}
  GET    /_sandbox/faults        -> {"rules": [...]} with remaining counts
  POST   /_sandbox/faults        <- {"rules": [RULE, ...]}, appends
  DELETE /_sandbox/faults        clears all rules
  GET    /_sandbox/stats         -> {"requests", "forwarded", "upstream_errors",
                                     "faults": {kind: n}, "by_action": {"svc.Action": n}}
  POST   /_sandbox/stats/reset   zeroes the counters
  POST   /_sandbox/record        <- {"path": FILE}: from now on, every answer the
                                    client gets from moto or the proxy itself
                                    (not a fault) is written to FILE, one JSON
                                    object a line, for tests/ui/replay.py
  DELETE /_sandbox/record        stops recording -> {"ok", "recorded": n}

RULE = {"kind": one of FAULT_KINDS, "service": "s3"|"logs"|...|null,
        "action": "GetObject"|...|null, "count": N (default 1, -1 = unlimited),
        "probability": p (default 1.0), "seed": optional int, "delay_ms": D,
        "skew_s": S (skew: the Date header is this many seconds off, default 0)}

"badbody" answers 200 with a body that is not valid JSON or XML.
"denied" answers AccessDenied (S3: HTTP 403, XML with Code, Message,
RequestId and HostId); unlike the other faults, the after_forward hooks see it
too (with info.fault == "denied"), as AWS records a denied call in CloudTrail.

CloudTrail delivery (ctdeliver.py): S3 calls that pass the proxy become
CloudTrail records in the CloudWatch Logs group of each logging trail;
GET/POST /_sandbox/cloudtrail, POST /_sandbox/cloudtrail/reset.
S3 server access logs in S3's format (s3accesslog.py): GET /_sandbox/accesslog.

Extension points: ProxyServer.after_forward (callbacks that see every
forwarded request and its upstream response), ProxyServer.before_forward
and ProxyServer.rewrites (callbacks that change the request, or moto's
answer before the hooks see it), ProxyServer.response_filters (callbacks
that change the answer after them), ProxyServer.local_ops
(callbacks that may answer a request instead of moto) and
ProxyServer.control_routes (more /_sandbox/ endpoints).

AWS behaviours moto lacks (awslike.py, off unless --awslike or
$S3WATCH_SANDBOX_AWSLIKE): IAM propagation, CloudTrail's bucket policy check,
pending email subscriptions, LocationConstraint in us-east-1, 1 MB and empty
FilterLogEvents pages; GET/POST /_sandbox/awslike.

Operations moto lacks that the proxy answers itself: CloudWatch Logs
PutQueryDefinition, DescribeQueryDefinitions, DeleteQueryDefinition, and
(ctdeliver.py) CloudTrail LookupEvents.  Mended on the way to moto:
PutMetricFilter replaces, DeleteMetricFilter of a missing filter fails.

Python 3 standard library only.
"""

import argparse
import base64
import email.utils
import http.client
import http.server
import json
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass

import awslike     # this script's directory is on sys.path
import ctdeliver
import s3accesslog

CONTROL_PREFIX = "/_sandbox/"
FAULT_KINDS = ("throttle", "500", "503", "reset", "slow", "truncate", "expired", "skew",
               "badbody", "denied")
DEFAULT_SLOW_MS = 2000

# Headers that describe one hop, not the message: the proxy manages them itself.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
              "te", "trailer", "upgrade", "content-length"}

CREDENTIAL_RE = re.compile(r"Credential=[^/,\s]+/[^/,\s]+/[^/,\s]+/([^/,\s]+)/aws4_request")


# --------------------------------------------------------------------------
# Request classification
# --------------------------------------------------------------------------

@dataclass
class RequestInfo:
    """What the proxy knows about one client request (passed to hooks)."""
    method: str
    target: str          # path + query, exactly as received
    path: str            # decoded path, no query
    query: dict          # parse_qs() of the query string, blank values kept
    headers: list        # [(name, value), ...] in received order
    body: bytes          # de-chunked request body
    service: str         # SigV4 credential-scope service, or None
    protocol: str        # "json", "query", "rest-xml" or "rest-json"
    action: str          # operation name, or None when unknown
    client_ip: str = None    # the client's address (set by the handler)
    fault: str = None        # fault kind when hooks see a generated answer ("denied")

    def header(self, name, default=None):
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return default

    @property
    def label(self):
        return "%s.%s" % (self.service or "?", self.action or "?")


def credential_service(headers, query):
    """Service from the SigV4 scope in Authorization or X-Amz-Credential."""
    for text in (headers.get("Authorization", ""),
                 "Credential=" + query.get("X-Amz-Credential", [""])[0]):
        match = CREDENTIAL_RE.search(text)
        if match:
            return match.group(1).lower()
    return None


# S3 sub-resources: query key -> operation name after the verb (Get/Put/Delete).
S3_BUCKET_SUBRESOURCES = {
    "policy": "BucketPolicy", "logging": "BucketLogging", "acl": "BucketAcl",
    "versioning": "BucketVersioning", "lifecycle": "BucketLifecycleConfiguration",
    "cors": "BucketCors", "tagging": "BucketTagging",
    "notification": "BucketNotificationConfiguration", "encryption": "BucketEncryption",
    "website": "BucketWebsite", "location": "BucketLocation",
    "replication": "BucketReplication", "accelerate": "BucketAccelerateConfiguration",
    "requestPayment": "BucketRequestPayment", "policyStatus": "BucketPolicyStatus",
    "ownershipControls": "BucketOwnershipControls",
    "object-lock": "ObjectLockConfiguration", "publicAccessBlock": "PublicAccessBlock",
}
S3_OBJECT_SUBRESOURCES = {
    "acl": "ObjectAcl", "tagging": "ObjectTagging", "retention": "ObjectRetention",
    "legal-hold": "ObjectLegalHold", "attributes": "ObjectAttributes",
}
# (method, query key) -> operation, for the remaining query-selected operations.
S3_BUCKET_QUERY_OPS = {
    ("GET", "uploads"): "ListMultipartUploads", ("GET", "versions"): "ListObjectVersions",
    ("GET", "list-type"): "ListObjectsV2", ("POST", "delete"): "DeleteObjects",
}
S3_OBJECT_QUERY_OPS = {
    ("GET", "uploadId"): "ListParts", ("POST", "uploadId"): "CompleteMultipartUpload",
    ("DELETE", "uploadId"): "AbortMultipartUpload", ("POST", "uploads"): "CreateMultipartUpload",
    ("POST", "restore"): "RestoreObject", ("POST", "select"): "SelectObjectContent",
}
VERB = {"GET": "Get", "PUT": "Put", "DELETE": "Delete"}


def s3_query_op(method, query, subresources, query_ops):
    """Operation selected by a query key (?acl, ?uploads, ...), or None."""
    if method in VERB:
        for key, name in subresources.items():
            if key in query:
                return VERB[method] + name
    return next((name for (m, key), name in query_ops.items()
                 if m == method and key in query), None)


def s3_action(method, path, query, headers):
    """Best-effort S3 operation name for a path-style request."""
    bucket, _, key = path.lstrip("/").partition("/")
    if not bucket:
        return "ListBuckets" if method == "GET" else "S3" + method
    if not key:
        return (s3_query_op(method, query, S3_BUCKET_SUBRESOURCES, S3_BUCKET_QUERY_OPS)
                or {"GET": "ListObjects", "PUT": "CreateBucket", "DELETE": "DeleteBucket",
                    "HEAD": "HeadBucket"}.get(method, "S3" + method))
    copy = "x-amz-copy-source" in headers
    if method == "PUT" and "uploadId" in query:
        return "UploadPartCopy" if copy else "UploadPart"
    return (s3_query_op(method, query, S3_OBJECT_SUBRESOURCES, S3_OBJECT_QUERY_OPS)
            or {"GET": "GetObject", "PUT": "CopyObject" if copy else "PutObject",
                "DELETE": "DeleteObject", "HEAD": "HeadObject"}.get(method, "S3" + method))


def lambda_action(method, path):
    """Lambda operation name for the common /2015-03-31/functions routes."""
    parts = [p for p in path.split("/") if p][1:]   # drop the API version
    if parts[:1] != ["functions"]:
        return "Lambda" + method
    if len(parts) == 1:
        return {"GET": "ListFunctions", "POST": "CreateFunction"}.get(method, "Lambda" + method)
    if len(parts) == 2:
        return {"GET": "GetFunction", "DELETE": "DeleteFunction"}.get(method, "Lambda" + method)
    if parts[2] == "invocations" and method == "POST":
        return "Invoke"
    return "Lambda" + method


def classify(method, target, headers, body):
    """Build a RequestInfo: service, protocol and action of a request."""
    split = urllib.parse.urlsplit(target)
    path = urllib.parse.unquote(split.path)
    query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
    service = credential_service(headers, query)
    amz_target = headers.get("X-Amz-Target")
    if amz_target:
        protocol, action = "json", amz_target.rsplit(".", 1)[-1]
    elif service == "s3":
        protocol, action = "rest-xml", s3_action(method, path, query, headers)
    elif service == "lambda":
        protocol, action = "rest-json", lambda_action(method, path)
    else:
        protocol, action = "query", None
        if "x-www-form-urlencoded" in headers.get("Content-Type", ""):
            form = urllib.parse.parse_qs(body.decode("latin-1"), keep_blank_values=True)
            action = form.get("Action", [None])[0]
        action = action or query.get("Action", [None])[0]
    return RequestInfo(method, target, path, query, list(headers.items()), body,
                       service, protocol, action)


# --------------------------------------------------------------------------
# Fault rules and statistics
# --------------------------------------------------------------------------

class FaultRule:
    """One fault rule; `remaining` counts down (-1 = unlimited)."""

    def __init__(self, rule_id, spec):
        if not isinstance(spec, dict):
            raise ValueError("a rule must be a JSON object")
        self.id = rule_id
        self.kind = str(spec.get("kind"))
        if self.kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (expected one of %s)"
                             % (spec.get("kind"), ", ".join(FAULT_KINDS)))
        self.service = spec.get("service")
        self.action = spec.get("action")
        self.count = int(spec.get("count", 1))
        self.remaining = self.count
        self.probability = float(spec.get("probability", 1.0))
        self.seed = spec.get("seed")
        self.delay_ms = int(spec.get("delay_ms", DEFAULT_SLOW_MS))
        self.skew_s = int(spec.get("skew_s", 0))
        self.hits = 0
        self.rng = random.Random(self.seed)

    def fires(self, info):
        """True if this rule faults `info`; consumes one count if so."""
        if self.remaining == 0:
            return False
        if self.service is not None and self.service.lower() != (info.service or ""):
            return False
        if self.action is not None and self.action != info.action:
            return False
        if self.probability < 1.0 and self.rng.random() >= self.probability:
            return False
        if self.remaining > 0:
            self.remaining -= 1
        self.hits += 1
        return True

    def to_json(self):
        return {"id": self.id, "kind": self.kind, "service": self.service,
                "action": self.action, "count": self.count, "remaining": self.remaining,
                "probability": self.probability, "seed": self.seed,
                "delay_ms": self.delay_ms, "skew_s": self.skew_s, "hits": self.hits}


class FaultTable:
    """Thread-safe ordered list of rules; the first rule that fires wins."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.next_id = 1

    def add(self, specs):
        with self.lock:
            new = [FaultRule(self.next_id + i, spec) for i, spec in enumerate(specs)]
            self.rules.extend(new)
            self.next_id += len(new)
            return [rule.to_json() for rule in new]

    def clear(self):
        with self.lock:
            self.rules.clear()

    def to_json(self):
        with self.lock:
            return {"rules": [rule.to_json() for rule in self.rules]}

    def pick(self, info):
        with self.lock:
            return next((rule for rule in self.rules if rule.fires(info)), None)


class Stats:
    """Thread-safe request counters."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests = self.forwarded = self.upstream_errors = 0
        self.faults = dict.fromkeys(FAULT_KINDS, 0)
        self.by_action = {}

    def count(self, info, fault_kind):
        with self.lock:
            self.requests += 1
            self.by_action[info.label] = self.by_action.get(info.label, 0) + 1
            if fault_kind:
                self.faults[fault_kind] += 1

    def count_forward(self, ok):
        with self.lock:
            if ok:
                self.forwarded += 1
            else:
                self.upstream_errors += 1

    def to_json(self):
        with self.lock:
            return {"requests": self.requests, "forwarded": self.forwarded,
                    "upstream_errors": self.upstream_errors,
                    "faults": dict(self.faults), "by_action": dict(self.by_action)}

    def clear(self):
        with self.lock:
            self.reset()


# --------------------------------------------------------------------------
# Generated AWS error responses
# --------------------------------------------------------------------------

EXPIRED_MSG = "The security token included in the request is expired"
INTERNAL_MSG = "We encountered an internal error. Please try again."
UNAVAILABLE_MSG = "Service is unavailable. Please try again."
SKEWED_MSG = "The difference between the request time and the current time is too large."
DENIED_MSG = "User is not authorized to perform this action"

# kind -> protocol -> (HTTP status, error code, message); "skew" messages are built at run time.
ERRORS = {
    "throttle": {"json": (400, "ThrottlingException", "Rate exceeded"),
                 "query": (400, "Throttling", "Rate exceeded"),
                 "rest-xml": (503, "SlowDown", "Please reduce your request rate."),
                 "rest-json": (429, "TooManyRequestsException", "Rate exceeded")},
    "500": {"json": (500, "InternalFailure", INTERNAL_MSG),
            "query": (500, "InternalFailure", INTERNAL_MSG),
            "rest-xml": (500, "InternalError", INTERNAL_MSG),
            "rest-json": (500, "InternalFailure", INTERNAL_MSG)},
    "503": {p: (503, "ServiceUnavailable", UNAVAILABLE_MSG)
            for p in ("json", "query", "rest-xml", "rest-json")},
    "expired": {"json": (400, "ExpiredTokenException", EXPIRED_MSG),
                "query": (400, "ExpiredToken", EXPIRED_MSG),
                "rest-xml": (403, "ExpiredToken", EXPIRED_MSG),
                "rest-json": (400, "ExpiredTokenException", EXPIRED_MSG)},
    "denied": {"json": (400, "AccessDeniedException", DENIED_MSG),
               "query": (403, "AccessDenied", DENIED_MSG),
               "rest-xml": (403, "AccessDenied", "Access Denied"),
               "rest-json": (403, "AccessDeniedException", DENIED_MSG)},
    "skew": {"json": (400, "InvalidSignatureException", None),
             "query": (403, "SignatureDoesNotMatch", None),
             "rest-xml": (403, "RequestTimeTooSkewed", SKEWED_MSG),
             "rest-json": (403, "InvalidSignatureException", None)},
}


def skew_message():
    """AWS's "Signature expired" text, as if the request was signed in 2020."""
    now = time.gmtime()
    earliest = time.gmtime(time.time() - 300)
    fmt = "%Y%m%dT%H%M%SZ"
    return ("Signature expired: 20200101T000000Z is now earlier than %s (%s - 5 min.)"
            % (time.strftime(fmt, earliest), time.strftime(fmt, now)))


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bad_body_response(info):
    """(status, headers, body) of a 200 answer whose body cannot be parsed."""
    if info.protocol in ("json", "rest-json"):
        return 200, [("Content-Type", "application/json")], b'{"truncated": [1, 2'
    return 200, [("Content-Type", "text/xml")], b"<Response><Unclosed></Response>"


def error_response(kind, info, skew_s=0):
    """(status, headers, body) of a generated error in the request's protocol.
    skew_s shifts the Date header, as a server whose clock differs would."""
    status, code, message = ERRORS[kind][info.protocol]
    return protocol_error(info, status, code, message or skew_message(), kind, skew_s)


def protocol_error(info, status, code, message, kind=None, skew_s=0):
    """(status, headers, body) of the error CODE in the request's protocol."""
    client_fault = status < 500
    headers = [("Date", email.utils.formatdate(time.time() + skew_s, usegmt=True))]
    if info.protocol == "rest-xml":
        request_id = uuid.uuid4().hex[:16].upper()
        headers += [("x-amz-request-id", request_id), ("x-amzn-RequestId", request_id),
                    ("x-amz-id-2", uuid.uuid4().hex), ("Content-Type", "application/xml")]
        extra = ""
        if kind == "skew":   # S3 also says which clocks disagree
            extra = ("<RequestTime>20200101T000000Z</RequestTime><ServerTime>%s</ServerTime>"
                     "<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>"
                     % time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        host_id = ""
        if kind == "denied":   # as S3 does, after RequestId: base64 noise
            host_id = "<HostId>%s</HostId>" % base64.b64encode(uuid.uuid4().bytes * 4).decode()
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
                "<Message>%s</Message>%s<RequestId>%s</RequestId>%s</Error>"
                % (code, xml_escape(message), extra, request_id, host_id))
    elif info.protocol == "query":
        request_id = str(uuid.uuid4())
        headers += [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")]
        body = ("<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>"
                "</Error><RequestId>%s</RequestId></ErrorResponse>"
                % ("Sender" if client_fault else "Receiver", code, xml_escape(message),
                   request_id))
    elif info.protocol == "json":
        request_id = str(uuid.uuid4())
        content_type = info.header("Content-Type", "")
        if not content_type.startswith("application/x-amz-json"):
            content_type = "application/x-amz-json-1.1"
        headers += [("x-amzn-RequestId", request_id), ("Content-Type", content_type)]
        body = json.dumps({"__type": code, "message": message})
    else:  # rest-json
        request_id = str(uuid.uuid4())
        headers += [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code),
                    ("Content-Type", "application/json")]
        body = json.dumps({"message": message, "Type": "User" if client_fault else "Service"})
    return status, headers, body.encode()


# --------------------------------------------------------------------------
# Local operations: what moto lacks and s3watch needs
# --------------------------------------------------------------------------

class LogsQueryDefinitions:
    """Fills a moto gap: moto 5.2.1 answers PutQueryDefinition,
    DescribeQueryDefinitions and DeleteQueryDefinition (CloudWatch Logs,
    awsJson 1.1) with HTTP 500. The proxy answers them itself from an
    in-memory table kept per proxy process (moto's /moto-api/reset does not
    clear it). Shapes follow botocore's logs 2014-03-28 model."""

    OPS = ("PutQueryDefinition", "DescribeQueryDefinitions", "DeleteQueryDefinition")

    def __init__(self):
        self.lock = threading.Lock()
        self.defs = {}      # queryDefinitionId -> QueryDefinition

    def handle(self, info):
        """(status, headers, body) for one of OPS, or None to forward."""
        if info.protocol != "json" or info.service != "logs" or info.action not in self.OPS:
            return None
        try:
            req = json.loads(info.body or b"{}")
            if not isinstance(req, dict):
                raise ValueError("the body is not a JSON object")
            with self.lock:
                out = getattr(self, info.action)(req)
            return self.answer(info, 200, out)
        except LookupError as exc:
            return self.answer(info, 400, {"__type": "ResourceNotFoundException",
                                           "message": str(exc)})
        except (ValueError, TypeError) as exc:
            return self.answer(info, 400, {"__type": "InvalidParameterException",
                                           "message": str(exc)})

    @staticmethod
    def answer(info, status, obj):
        headers = [("x-amzn-RequestId", str(uuid.uuid4())),
                   ("Content-Type", info.header("Content-Type", "application/x-amz-json-1.1"))]
        return status, headers, json.dumps(obj).encode()

    @staticmethod
    def text(req, key, required, limit):
        value = req.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            raise ValueError("%s must be a string of 1 to %d characters" % (key, limit))
        return value

    def PutQueryDefinition(self, req):
        name = self.text(req, "name", True, 255)
        query = self.text(req, "queryString", True, 10000)
        groups = req.get("logGroupNames", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise ValueError("logGroupNames must be a list of strings")
        qid = self.text(req, "queryDefinitionId", False, 256)
        if qid is not None and qid not in self.defs:
            raise LookupError("Query definition %s does not exist" % qid)
        qid = qid or str(uuid.uuid4())
        self.defs[qid] = {"queryDefinitionId": qid, "name": name, "queryString": query,
                          "logGroupNames": groups, "queryLanguage": req.get("queryLanguage", "CWLI"),
                          "lastModified": int(time.time() * 1000)}
        return {"queryDefinitionId": qid}

    def DescribeQueryDefinitions(self, req):
        prefix = self.text(req, "queryDefinitionNamePrefix", False, 255) or ""
        limit = int(req.get("maxResults", 1000))
        start = int(req.get("nextToken") or 0)
        found = sorted((d for d in self.defs.values() if d["name"].startswith(prefix)),
                       key=lambda d: (d["name"], d["queryDefinitionId"]))
        out = {"queryDefinitions": found[start:start + limit]}
        if start + limit < len(found):
            out["nextToken"] = str(start + limit)
        return out

    def DeleteQueryDefinition(self, req):
        qid = self.text(req, "queryDefinitionId", True, 256)
        if self.defs.pop(qid, None) is None:
            raise LookupError("Query definition %s does not exist" % qid)
        return {"success": True}


class LogsMetricFilters:
    """Fills two moto gaps in CloudWatch Logs metric filters, keeping moto's
    table the one truth (so the AWS CLI, talking to moto directly, sees the
    same): moto 5.2.1 appends a second filter when PutMetricFilter names an
    existing one (AWS replaces it), and answers DeleteMetricFilter of a
    filter that does not exist with success (AWS: ResourceNotFoundException).
    The proxy deletes the old filter before forwarding a put, and answers
    such a delete itself."""

    def __init__(self, upstream):
        self.upstream = upstream

    def moto(self, action, req):
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            conn.request("POST", "/", json.dumps(req), {
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": "Logs_20140328." + action,
                "Authorization": "AWS4-HMAC-SHA256 Credential=sandbox/20260101/"
                                 "us-east-1/logs/aws4_request"})
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read() or b"{}")
        finally:
            conn.close()

    def handle(self, info):
        if info.protocol != "json" or info.service != "logs" or info.action not in (
                "PutMetricFilter", "DeleteMetricFilter"):
            return None
        try:
            req = json.loads(info.body or b"{}")
            group, name = req["logGroupName"], req["filterName"]
        except (ValueError, TypeError, KeyError):
            return None     # moto answers malformed requests itself
        status, out = self.moto("DescribeMetricFilters",
                                {"logGroupName": group, "filterNamePrefix": name})
        found = status == 200 and any(f.get("filterName") == name
                                      for f in out.get("metricFilters", []))
        if info.action == "PutMetricFilter":
            if found:
                self.moto("DeleteMetricFilter", {"logGroupName": group, "filterName": name})
            return None
        if found:
            return None
        return LogsQueryDefinitions.answer(info, 400, {
            "__type": "ResourceNotFoundException",
            "message": "The specified metric filter does not exist."})


# --------------------------------------------------------------------------
# Recording answers for replay
# --------------------------------------------------------------------------

# Headers a replay need not repeat: the hop's own, and the clock's.
RECORD_SKIP_HEADERS = HOP_BY_HOP | {"date", "server"}


class Recorder:
    """Appends each answer as {"key": "svc.Action", "method", "target",
    "status", "headers": [[name, value], ...], "body" or "body64"}; keyed
    like the stats (RequestInfo.label), which is how replay.py finds it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.file = None
        self.count = 0

    def start(self, body):
        try:
            path = json.loads(body or b"{}")["path"]
            if not isinstance(path, str) or not path:
                raise ValueError('"path" must be a file name')
            with self.lock:
                if self.file:
                    self.file.close()
                self.file = open(path, "w", encoding="utf-8")
                self.count = 0
            return 200, {"ok": True}
        except (ValueError, TypeError, KeyError, OSError) as exc:
            return 400, {"ok": False, "error": 'expected {"path": FILE}: %s' % exc}

    def stop(self):
        with self.lock:
            if self.file:
                self.file.close()
            self.file = None
            return {"ok": True, "recorded": self.count}

    def record(self, info, status, headers, body):
        with self.lock:
            if not self.file:
                return
            # A HEAD answer's length is the object's, not its body's.
            skip = RECORD_SKIP_HEADERS - ({"content-length"} if info.method == "HEAD"
                                          else set())
            entry = {"key": info.label, "method": info.method, "target": info.target,
                     "status": status,
                     "headers": [[k, v] for k, v in headers if k.lower() not in skip]}
            try:
                entry["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                entry["body64"] = base64.b64encode(body).decode("ascii")
            self.file.write(json.dumps(entry, sort_keys=True) + "\n")
            self.file.flush()
            self.count += 1


# --------------------------------------------------------------------------
# Server and request handler
# --------------------------------------------------------------------------

class ProxyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, upstream):
        super().__init__(address, ProxyHandler)
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream = (parsed.hostname, parsed.port or 80)
        self.faults = FaultTable()
        self.stats = Stats()
        # Callbacks f(info, status, headers, body) run for every forwarded
        # request once moto has answered, before the client gets the response.
        self.after_forward = []
        # Callbacks f(info) -> RequestInfo or None, before forwarding: the
        # first RequestInfo is sent to moto instead (awslike.py).
        self.before_forward = []
        # Callbacks f(info, status, headers, body) -> (status, headers, body)
        # or None, on moto's answer before anything else sees it (awslike.py).
        self.rewrites = []
        # Callbacks f(info, status, headers, body) -> (status, headers, body)
        # that may change the answer after the hooks saw it, before the client
        # gets it (s3accesslog.py).
        self.response_filters = []
        # Callbacks f(info) -> (status, headers, body) or None, tried in order
        # before forwarding: the first answer is sent instead of moto's.
        self.query_definitions = LogsQueryDefinitions()
        self.metric_filters = LogsMetricFilters(self.upstream)
        self.local_ops = [self.query_definitions.handle, self.metric_filters.handle]
        self.recorder = Recorder()
        # (method, path) -> f(request body) -> (status, JSON-able object)
        self.control_routes = {
            ("GET", "/_sandbox/health"): lambda body: (200, {"ok": True}),
            ("GET", "/_sandbox/faults"): lambda body: (200, self.faults.to_json()),
            ("POST", "/_sandbox/faults"): self.add_faults,
            ("DELETE", "/_sandbox/faults"): lambda body: (200, self.clear_faults()),
            ("GET", "/_sandbox/stats"): lambda body: (200, self.stats.to_json()),
            ("POST", "/_sandbox/stats/reset"): lambda body: (200, self.clear_stats()),
            ("POST", "/_sandbox/record"): self.recorder.start,
            ("DELETE", "/_sandbox/record"): lambda body: (200, self.recorder.stop()),
        }

    def add_faults(self, body):
        try:
            spec = json.loads(body or b"{}")
            rules = spec["rules"]
            if not isinstance(rules, list):
                raise ValueError('"rules" must be a list')
            return 200, {"ok": True, "added": self.faults.add(rules)}
        except (ValueError, TypeError, KeyError) as exc:
            return 400, {"ok": False, "error": 'expected {"rules": [RULE, ...]}: %s' % exc}

    def clear_faults(self):
        self.faults.clear()
        return {"ok": True}

    def clear_stats(self):
        self.stats.clear()
        return {"ok": True}


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "s3watch-sandbox-proxy"
    timeout = 300            # idle keep-alive connections are dropped after this

    def do_ANY(self):
        try:
            if self.path.startswith(CONTROL_PREFIX):
                self.handle_control()
            else:
                self.handle_proxy()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_ANY

    # -- request and response plumbing --

    def read_body(self):
        """The request body, de-chunked if sent with Transfer-Encoding: chunked."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass   # skip trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_all(self, status, headers, body, reason=None, declared_length=None):
        """Send a complete response; declared_length overrides Content-Length."""
        self.send_response_only(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if declared_length is None
                                               else declared_length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj):
        self.send_all(status, [("Content-Type", "application/json")],
                      json.dumps(obj, separators=(",", ":")).encode() + b"\n")

    def reset_connection(self):
        """Abort the TCP connection: with SO_LINGER 0, close() sends RST."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()   # drop makefile()'s reference so close() frees the socket now
        self.connection.close()
        self.close_connection = True

    def log_message(self, fmt, *args):
        sys.stderr.write("proxy: %s %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

    # -- control API --

    def handle_control(self):
        body = self.read_body()   # always consumed, so the connection stays usable
        path = urllib.parse.urlsplit(self.path).path
        route = self.server.control_routes.get((self.command, path))
        if route:
            status, obj = route(body)
        elif any(p == path for _, p in self.server.control_routes):
            status, obj = 405, {"ok": False, "error": "method not allowed"}
        else:
            status, obj = 404, {"ok": False, "error": "no such control endpoint"}
        self.log_message("%s %s -> %d", self.command, path, status)
        self.send_json(status, obj)

    # -- proxying --

    def handle_proxy(self):
        body = self.read_body()
        info = classify(self.command, self.path, self.headers, body)
        info.client_ip = self.client_address[0]
        rule = self.server.faults.pick(info)
        kind = rule.kind if rule else None
        self.server.stats.count(info, kind)

        if kind == "badbody":
            self.log_message("%s %s -> 200 fault=badbody", info.method, info.label)
            self.send_all(*bad_body_response(info))
            return
        if kind in ERRORS:
            status, headers, err_body = error_response(kind, info, rule.skew_s)
            self.log_message("%s %s -> %d fault=%s", info.method, info.label, status, kind)
            if kind == "denied":
                info.fault = kind
                self.run_hooks(info, status, headers, err_body)
            self.send_all(status, headers, err_body)
            return
        if kind == "reset":
            self.log_message("%s %s -> reset fault=reset", info.method, info.label)
            self.reset_connection()
            return
        if kind == "slow":
            time.sleep(rule.delay_ms / 1000.0)

        for local in self.server.local_ops:
            answer = local(info)
            if answer is not None:
                self.log_message("%s %s -> %d (local)", info.method, info.label, answer[0])
                self.server.recorder.record(info, *answer)
                self.send_all(*answer)
                return

        info = next(filter(None, (f(info) for f in self.server.before_forward)), info)
        try:
            status, reason, headers, resp_body = self.forward(info, info.body)
            for rewrite in self.server.rewrites:
                status, headers, resp_body = (rewrite(info, status, headers, resp_body)
                                              or (status, headers, resp_body))
        except (OSError, http.client.HTTPException) as exc:
            self.server.stats.count_forward(False)
            self.log_message("%s %s -> 502 upstream error: %s", info.method, info.label, exc)
            self.send_json(502, {"ok": False, "error": "upstream error: %s" % exc})
            return
        self.server.stats.count_forward(True)
        self.run_hooks(info, status, headers, resp_body)
        for mend in self.server.response_filters:
            status, headers, resp_body = mend(info, status, headers, resp_body)

        self.log_message("%s %s -> %d%s", info.method, info.label, status,
                         " fault=" + kind if kind else "")
        relayed = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
        if not kind:
            self.server.recorder.record(info, status, headers, resp_body)
        if kind == "truncate":
            # Full Content-Length (at least 1, so an empty body is also short),
            # half the bytes, then close.
            self.send_all(status, relayed, resp_body[:len(resp_body) // 2], reason,
                          declared_length=max(len(resp_body), 1))
            self.close_connection = True
        elif self.command == "HEAD" or status in (204, 304):
            # No body; keep moto's Content-Length (e.g. the object size for HeadObject).
            length = next((v for k, v in headers if k.lower() == "content-length"), "0")
            self.send_all(status, relayed, b"", reason, declared_length=length)
        else:
            self.send_all(status, relayed, resp_body, reason)

    def run_hooks(self, info, status, headers, body):
        for hook in self.server.after_forward:
            try:
                hook(info, status, headers, body)
            except Exception as exc:  # a broken hook must not break the proxy
                self.log_message("after_forward hook %r failed: %r", hook, exc)

    def forward(self, info, body):
        """Send the request to moto unchanged; return (status, reason, headers, body)."""
        conn = http.client.HTTPConnection(*self.server.upstream, timeout=300)
        try:
            conn.putrequest(info.method, info.target, skip_host=True, skip_accept_encoding=True)
            for name, value in info.headers:
                conn.putheader(name, value)
            conn.endheaders()
            if "chunked" in info.header("Transfer-Encoding", "").lower():
                # The header is kept, so re-encode the body as one chunk.
                body = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
            if body:
                conn.send(body)
            resp = conn.getresponse()
            return resp.status, resp.reason, resp.getheaders(), resp.read()
        finally:
            conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="moto URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--awslike", default=os.environ.get("S3WATCH_SANDBOX_AWSLIKE", ""),
                        help="AWS behaviours moto lacks: all, none or NAME,... (awslike.py)")
    parser.add_argument("--no-awslike", action="append", default=[], metavar="NAME")
    parser.add_argument("--iam-delay", type=float, metavar="S", default=float(
        os.environ.get("S3WATCH_SANDBOX_IAM_DELAY") or awslike.DEFAULT_IAM_DELAY_S))
    args = parser.parse_args()
    server = ProxyServer((args.host, args.port), args.upstream)
    try:
        awslike.install(server, protocol_error, args.awslike, args.no_awslike, args.iam_delay)
    except ValueError as exc:
        parser.error(str(exc))
    ctdeliver.install(server)
    s3accesslog.install(server)
    sys.stderr.write("proxy: listening on http://%s:%d, upstream %s\n"
                     % (args.host, server.server_port, args.upstream))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
