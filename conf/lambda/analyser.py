"""s3watch Lambda analyser.

EventBridge invokes this function with S3 API calls recorded by CloudTrail
(rule "<rule_prefix>analyser": source aws.s3, detail-type "AWS API Call via
CloudTrail"). The CloudTrail record is event["detail"] -- not
event["Records"], which is the shape of S3 notifications and of CloudTrail
log files, and which EventBridge never sends.

It reports, one SNS message per finding, to SNS_TOPIC_ARN:
  - administrative calls that change or remove a bucket's protection
    (DeleteBucket, PutBucketPolicy, DeleteBucketPolicy, PutBucketAcl,
    PutBucketPublicAccessBlock);
  - calls refused with AccessDenied;
  - calls from a source IP outside ALLOWED_CIDRS (comma-separated IPv4 and
    IPv6 CIDRs; empty: no IP check). AWS services acting for a caller
    appear with a host name (e.g. "s3.amazonaws.com") instead of an IP and
    are not checked.

Python 3 standard library and boto3 (present in the Lambda runtime) only.
"""

import ipaddress
import json
import logging
import os

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

ADMIN_CALLS = frozenset((
    "DeleteBucket",
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketAcl",
    "PutBucketPublicAccessBlock",
))
DENIED_CODES = frozenset(("AccessDenied", "AccessDeniedException"))

# SNS limits: a subject of at most 100 printable ASCII characters, a
# message of at most 256 KiB of UTF-8.
SUBJECT_MAX = 99
MESSAGE_MAX = 256 * 1024 - 1024      # room for SNS's own envelope
RECORD_MAX = 200 * 1024

_SNS = None


def _sns():
    global _SNS
    if _SNS is None:
        _SNS = boto3.client("sns")
    return _SNS


def parse_cidrs(text):
    """ALLOWED_CIDRS as a list of networks; bad entries are logged and
    skipped."""
    nets = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            LOG.warning("ALLOWED_CIDRS: ignoring %r", part)
    return nets


def source_ip(value):
    """The caller's address, or None when it is not an IP (an AWS service
    such as "s3.amazonaws.com", or missing)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def ip_allowed(ip, nets):
    return any(ip.version == net.version and ip in net for net in nets)


def principal(detail):
    ident = detail.get("userIdentity") or {}
    if not isinstance(ident, dict):
        return "unknown"
    return (ident.get("arn") or ident.get("principalId") or ident.get("invokedBy")
            or ident.get("type") or "unknown")


def bucket_of(detail):
    params = detail.get("requestParameters") or {}
    if isinstance(params, dict) and isinstance(params.get("bucketName"), str):
        return params["bucketName"]
    for res in detail.get("resources") or []:
        if isinstance(res, dict) and res.get("type") == "AWS::S3::Bucket":
            return str(res.get("ARN", "")).rsplit(":", 1)[-1]
    return ""


def findings(detail, nets):
    """(kind, summary) pairs for one CloudTrail record."""
    out = []
    name = str(detail.get("eventName") or "")
    error = str(detail.get("errorCode") or "")
    if name in ADMIN_CALLS and not error:
        out.append(("admin-call", "%s on bucket %s" % (name, bucket_of(detail) or "?")))
    if error in DENIED_CODES:
        out.append(("access-denied", "%s denied" % (name or "call")))
    ip = source_ip(detail.get("sourceIPAddress"))
    if ip is not None and nets and not ip_allowed(ip, nets):
        out.append(("ip-outside-allowed", "%s from %s" % (name or "call", ip)))
    return out


def ascii_subject(text):
    """SNS subjects: printable ASCII, no line breaks, under 100 characters."""
    clean = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)
    return clean[:SUBJECT_MAX] or "s3watch finding"


def truncate_utf8(text, limit):
    """At most limit bytes of UTF-8, never cutting a character in half."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def message_for(kind, summary, event, detail):
    record = json.dumps(detail, sort_keys=True, default=str)
    body = {
        "finding": kind,
        "summary": summary,
        "eventName": detail.get("eventName"),
        "eventTime": detail.get("eventTime") or event.get("time"),
        "sourceIPAddress": detail.get("sourceIPAddress"),
        "principal": principal(detail),
        "bucket": bucket_of(detail),
        "errorCode": detail.get("errorCode"),
        "region": detail.get("awsRegion") or event.get("region"),
        "account": event.get("account"),
        "eventID": detail.get("eventID"),
    }
    if len(record.encode("utf-8")) <= RECORD_MAX:
        body["record"] = detail
    else:
        body["recordTruncated"] = truncate_utf8(record, RECORD_MAX)
    text = json.dumps(body, indent=2, sort_keys=True, default=str)
    return truncate_utf8(text, MESSAGE_MAX)


def handler(event, context=None):
    """Entry point (analyser.handler). Returns a summary dict."""
    topic = os.environ.get("SNS_TOPIC_ARN", "")
    nets = parse_cidrs(os.environ.get("ALLOWED_CIDRS", ""))
    summary = {"events": 0, "findings": 0, "published": 0, "errors": 0, "skipped": 0}
    detail = event.get("detail") if isinstance(event, dict) else None
    if not isinstance(detail, dict):
        LOG.warning("not an EventBridge CloudTrail event: no detail object")
        summary["skipped"] = 1
        return summary
    summary["events"] = 1
    for kind, text in findings(detail, nets):
        summary["findings"] += 1
        if not topic:
            LOG.error("SNS_TOPIC_ARN is not set: finding %s dropped", kind)
            summary["errors"] += 1
            continue
        try:
            _sns().publish(TopicArn=topic,
                           Subject=ascii_subject("s3watch %s: %s" % (kind, text)),
                           Message=message_for(kind, text, event, detail))
            summary["published"] += 1
        except Exception:  # one failed publish must not lose the others
            LOG.exception("publishing finding %s failed", kind)
            summary["errors"] += 1
    LOG.info("s3watch analyser: %s", json.dumps(summary))
    return summary
