"""AWS behaviours that moto lacks, reproduced by the sandbox proxy.

moto is kinder than AWS in ways that break real setups. With these
behaviours on, the proxy answers as AWS would:

| name                   | AWS                                          | the proxy                                   |
|------------------------|----------------------------------------------|---------------------------------------------|
| iam-propagation        | a new IAM role can't be used for ~10 s:      | for --iam-delay seconds after CreateRole    |
|                        | CloudTrail CreateTrail/UpdateTrail with it   | passed through it, answers those calls with |
|                        | as CloudWatchLogsRoleArn: 400                | the error (CloudTrail: awsJson __type;      |
|                        | InvalidCloudWatchLogsRoleArnException;       | Lambda: x-amzn-ErrorType, {"Type","message"}|
|                        | Lambda CreateFunction/UpdateFunction-        | and forwards nothing)                       |
|                        | Configuration with it as Role: 400           |                                             |
|                        | InvalidParameterValueException "The role     |                                             |
|                        | defined for the function cannot be assumed   |                                             |
|                        | by Lambda."                                  |                                             |
| trail-bucket-policy    | CreateTrail (UpdateTrail naming a bucket)    | evaluates the bucket's policy: Allow        |
|                        | fails with InsufficientS3BucketPolicy-       | cloudtrail.amazonaws.com s3:GetBucketAcl on |
|                        | Exception unless the bucket policy lets      | the bucket and s3:PutObject on              |
|                        | CloudTrail read the ACL and write its logs   | [prefix/]AWSLogs/ACCOUNT/*, no Deny;        |
|                        |                                              | conditions on aws:SourceArn,                |
|                        |                                              | aws:SourceAccount, s3:x-amz-acl             |
| sns-email-pending      | an email subscription waits for the link in  | Subscribe answers "pending confirmation";   |
|                        | the mail: PendingConfirmation                | ListSubscriptions[ByTopic] show             |
|                        |                                              | PendingConfirmation; GetTopicAttributes     |
|                        |                                              | counts it in SubscriptionsPending; until    |
|                        |                                              | POST /_sandbox/awslike/confirm              |
| s3-location-constraint | CreateBucket signed for us-east-1 with       | answers it itself (moto 5.2.1 does too;     |
|                        | LocationConstraint us-east-1: 400            | this keeps it whatever moto's version)      |
|                        | InvalidLocationConstraint                    |                                             |
| logs-page-1mb          | FilterLogEvents stops a page at 1 MB of      | cuts moto's page where the events' size     |
|                        | events (size: UTF-8 message + 26 bytes, as   | passes 1 MB, with a nextToken in moto's     |
|                        | PutLogEvents counts)                         | form (group@stream@eventId) that resumes    |
|                        |                                              | just after the last event kept              |
| logs-empty-page        | FilterLogEvents may answer an empty page     | answers every first page (no nextToken)     |
|                        | with a nextToken while it searches           | empty, with a token; that token replays the |
|                        |                                              | client's own first request to moto (still   |
|                        |                                              | signed, so strict moto accepts it)          |

Configuration (proxy.py options; the sandbox script passes them):
  --awslike LIST     "all", "none", or a comma list of names; "-NAME" in
                     the list switches one off ("all,-logs-empty-page").
                     Default: $S3WATCH_SANDBOX_AWSLIKE, else none.
  --no-awslike NAME  switch one off (repeatable).
  --iam-delay S      seconds a new role is refused (default
                     $S3WATCH_SANDBOX_IAM_DELAY, else 10).

Control API:
  GET  /_sandbox/awslike          -> {"on": [...], "off": [...], "iam_delay_s": S,
                                      "acted": {NAME: answers it changed},
                                      "pending": [{"arn", "endpoint"}, ...]}
  POST /_sandbox/awslike          <- {"on": [...], "off": [...], "iam_delay_s": S}
                                     (each optional; "all" in a list means every one)
  POST /_sandbox/awslike/confirm  <- {"endpoint": E} (or {} for all): confirms
                                     pending email subscriptions, as the link would

The account is moto's default (ACCOUNT) for the paths and ARNs CloudTrail
would use. Python 3 standard library only.
"""

import collections
import fnmatch
import http.client
import json
import re
import threading
import time
import urllib.parse
import uuid

# name -> one line (the table above says more)
BEHAVIOURS = {
    "iam-propagation": "a new IAM role is refused by CloudTrail and Lambda for a while",
    "trail-bucket-policy": "CreateTrail needs a bucket policy that lets CloudTrail write",
    "sns-email-pending": "email subscriptions stay PendingConfirmation",
    "s3-location-constraint": "CreateBucket in us-east-1 refuses LocationConstraint",
    "logs-page-1mb": "FilterLogEvents pages stop at 1 MB of events",
    "logs-empty-page": "FilterLogEvents answers an empty first page with a nextToken",
}
DEFAULT_IAM_DELAY_S = 10.0
ACCOUNT = "123456789012"
PAGE_BYTES = 1048576
EVENT_OVERHEAD = 26
EMPTY_TOKEN_PREFIX = "sandbox-empty-page:"
MAX_STASHED = 1000

CLOUDTRAIL_NS = "com.amazonaws.cloudtrail.v20131101#"
ROLE_MSG = "Access denied. Verify in IAM that the role has adequate permissions."
LAMBDA_ROLE_MSG = "The role defined for the function cannot be assumed by Lambda."
POLICY_MSG = "Incorrect S3 bucket policy is detected for bucket: %s"
LOCATION_MSG = "The specified location-constraint is not valid"
LAMBDA_FUNCTIONS_RE = re.compile(r"^/[^/]+/functions(?:/([^/]+)/configuration)?/?$")
REGION_RE = re.compile(r"Credential=[^/,\s]+/[^/,\s]+/([^/,\s]+)/")


def parse_list(text):
    """Names switched on by a LIST ("all", "none", "a,b,-c")."""
    on = set()
    for item in (text or "").replace(" ", "").split(","):
        off = item.startswith("-")
        name = item.lstrip("-")
        if not name or name == "none":
            if not off:
                on.clear()
            continue
        names = set(BEHAVIOURS) if name == "all" else {name}
        unknown = names - set(BEHAVIOURS)
        if unknown:
            raise ValueError("unknown AWS-like behaviour %r (known: all, none, %s)"
                             % (name, ", ".join(BEHAVIOURS)))
        on = on - names if off else on | names
    return on


def form_of(info):
    """The query protocol's parameters (form body, then query string)."""
    form = dict((k, v[0]) for k, v in info.query.items())
    if "x-www-form-urlencoded" in info.header("Content-Type", ""):
        body = urllib.parse.parse_qs(info.body.decode("latin-1"), keep_blank_values=True)
        form.update((k, v[0]) for k, v in body.items())
    return form


def json_of(info):
    try:
        obj = json.loads(info.body or b"{}")
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def region_of(info):
    match = REGION_RE.search(info.header("Authorization", ""))
    return match.group(1) if match else "us-east-1"


def xml_text(body, tag):
    match = re.search(rb"<%s>([^<]*)</%s>" % (tag, tag), body)
    return match.group(1).decode() if match else None


def as_list(value):
    return [value] if isinstance(value, str) else list(value or [])


# --------------------------------------------------------------------------
# A bucket policy, as S3 evaluates it for CloudTrail's two calls
# --------------------------------------------------------------------------

def _matches(patterns, value):
    return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in patterns)


def _condition_holds(cond, context):
    """Every operator of a Condition block holds; an operator or key we do
    not know fails it (a key AWS would not send is absent)."""
    for op, tests in (cond or {}).items():
        base = op.split(":")[-1]
        if_exists = base.endswith("IfExists")
        base = base[:-len("IfExists")] if if_exists else base
        for key, wanted in (tests or {}).items():
            have = context.get(key.lower())
            if have is None:
                if if_exists:
                    continue
                return False
            wanted = as_list(wanted)
            if base in ("StringEquals", "ArnEquals"):
                ok = have in wanted
            elif base == "StringEqualsIgnoreCase":
                ok = have.lower() in (w.lower() for w in wanted)
            elif base in ("StringLike", "ArnLike"):
                ok = any(fnmatch.fnmatchcase(have, w) for w in wanted)
            elif base == "StringNotEquals":
                ok = have not in wanted
            else:
                return False
            if not ok:
                return False
    return True


def _statement_applies(st, service, action, resource, context):
    principal = st.get("Principal")
    if principal != "*":
        if not isinstance(principal, dict):
            return False
        if service not in as_list(principal.get("Service")) and \
                "*" not in as_list(principal.get("AWS")):
            return False
    if "NotAction" in st:
        if _matches(as_list(st["NotAction"]), action):
            return False
    elif not _matches(as_list(st.get("Action")), action):
        return False
    if "NotResource" in st:
        if _matches(as_list(st["NotResource"]), resource):
            return False
    elif not _matches(as_list(st.get("Resource")), resource):
        return False
    return _condition_holds(st.get("Condition"), context)


def policy_allows(policy_text, service, action, resource, context):
    """True if the policy lets SERVICE do ACTION on RESOURCE (no Deny)."""
    try:
        doc = json.loads(policy_text or "")
        statements = doc["Statement"]
    except (ValueError, TypeError, KeyError):
        return False
    statements = [statements] if isinstance(statements, dict) else statements
    allowed = False
    for st in statements:
        if not isinstance(st, dict):
            continue
        if _statement_applies(st, service, action, resource, context):
            if st.get("Effect") == "Deny":
                return False
            allowed |= st.get("Effect") == "Allow"
    return allowed


def trail_policy_ok(policy_text, bucket, prefix, trail_arn):
    context = {"aws:sourcearn": trail_arn, "aws:sourceaccount": ACCOUNT}
    logs = "arn:aws:s3:::%s/%sAWSLogs/%s/*" % (bucket, prefix + "/" if prefix else "",
                                               ACCOUNT)
    return (policy_allows(policy_text, "cloudtrail.amazonaws.com", "s3:GetBucketAcl",
                          "arn:aws:s3:::" + bucket, context)
            and policy_allows(policy_text, "cloudtrail.amazonaws.com", "s3:PutObject",
                              logs.replace("*", "x"),
                              dict(context, **{"s3:x-amz-acl": "bucket-owner-full-control"})))


# --------------------------------------------------------------------------
# The behaviours
# --------------------------------------------------------------------------

class AwsLike:
    """State and hooks of the AWS-like behaviours of one proxy."""

    def __init__(self, upstream, error, on=(), iam_delay_s=DEFAULT_IAM_DELAY_S):
        self.upstream = upstream
        self.error = error            # proxy.protocol_error
        self.lock = threading.Lock()
        self.on = set(on)
        self.iam_delay_s = float(iam_delay_s)
        self.roles = {}               # role name -> time.monotonic() of CreateRole
        self.policies = {}            # bucket -> policy text, or None: seen through us
        self.pending = {}             # subscription ARN -> (topic ARN, endpoint)
        self.stash = collections.OrderedDict()   # empty-page token -> RequestInfo
        self.acted = dict.fromkeys(BEHAVIOURS, 0)  # answers each one changed

    def enabled(self, name):
        with self.lock:
            return name in self.on

    def count(self, name, answer=True):
        """Count an answer NAME changed; returns ANSWER."""
        with self.lock:
            self.acted[name] += 1
        return answer

    # -- control API --

    def status(self):
        with self.lock:
            return {"on": sorted(self.on), "off": sorted(set(BEHAVIOURS) - self.on),
                    "iam_delay_s": self.iam_delay_s, "acted": dict(self.acted),
                    "pending": [{"arn": arn, "endpoint": ep}
                                for arn, (_, ep) in sorted(self.pending.items())]}

    def control_get(self, body):
        return 200, self.status()

    def control_post(self, body):
        try:
            spec = json.loads(body or b"{}")
            if not isinstance(spec, dict):
                raise ValueError("expected a JSON object")
            on = parse_list(",".join(as_list(spec.get("on"))))
            off = parse_list(",".join(as_list(spec.get("off"))))
            delay = spec.get("iam_delay_s")
            delay = None if delay is None else float(delay)
            if delay is not None and delay < 0:
                raise ValueError("iam_delay_s must be >= 0")
        except (ValueError, TypeError) as exc:
            return 400, {"ok": False, "error": 'expected {"on": [NAME...], "off": '
                                               '[NAME...], "iam_delay_s": S}: %s' % exc}
        with self.lock:
            self.on = (self.on | on) - off
            if delay is not None:
                self.iam_delay_s = delay
        return 200, dict(self.status(), ok=True)

    def control_confirm(self, body):
        try:
            spec = json.loads(body or b"{}")
            endpoint = spec.get("endpoint") if isinstance(spec, dict) else None
        except ValueError as exc:
            return 400, {"ok": False, "error": 'expected {"endpoint": E}: %s' % exc}
        with self.lock:
            done = [arn for arn, (_, ep) in self.pending.items()
                    if endpoint is None or ep.lower() == str(endpoint).lower()]
            for arn in done:
                del self.pending[arn]
        return 200, {"ok": True, "confirmed": done}

    # -- hooks --

    def local(self, info):
        """proxy local_ops: an error AWS would give instead of moto's answer."""
        if info.service == "cloudtrail" and info.action in ("CreateTrail", "UpdateTrail"):
            return self.trail(info)
        if info.service == "lambda":
            return self.lambda_role(info)
        if info.service == "s3" and info.action == "CreateBucket":
            return self.location(info)
        if info.service == "logs" and info.action == "FilterLogEvents":
            return self.empty_page(info)
        return None

    def before_forward(self, info):
        """proxy before_forward: a stashed first page asked for by its token."""
        if info.service != "logs" or info.action != "FilterLogEvents":
            return None
        req = json_of(info) or {}
        token = req.get("nextToken")
        if not isinstance(token, str) or not token.startswith(EMPTY_TOKEN_PREFIX):
            return None
        with self.lock:
            return self.stash.get(token)

    def rewrite(self, info, status, headers, body):
        """proxy rewrites: moto's answer made AWS's, or None to keep it."""
        if status != 200:
            return None
        if info.service == "sns" and self.enabled("sns-email-pending"):
            return self.sns(info, status, headers, body)
        if info.service == "logs" and info.action == "FilterLogEvents" and \
                self.enabled("logs-page-1mb"):
            return self.page_1mb(info, status, headers, body)
        return None

    def after_forward(self, info, status, headers, body):
        """proxy after_forward: what AWS's later answers depend on."""
        if status >= 300 or info.fault:
            return
        with self.lock:
            if info.service == "iam" and info.action in ("CreateRole", "DeleteRole"):
                name = form_of(info).get("RoleName")
                if info.action == "CreateRole" and name:
                    self.roles[name] = time.monotonic()
                else:
                    self.roles.pop(name, None)
            elif info.service == "s3" and info.action in (
                    "CreateBucket", "PutBucketPolicy", "DeleteBucketPolicy", "DeleteBucket"):
                bucket = info.path.lstrip("/").split("/")[0]
                if info.action == "PutBucketPolicy":
                    self.policies[bucket] = info.body.decode("utf-8", "replace")
                elif info.action == "DeleteBucket":
                    self.policies.pop(bucket, None)
                else:
                    self.policies[bucket] = None

    # -- iam-propagation --

    def role_young(self, arn):
        if not isinstance(arn, str) or ":role/" not in arn:
            return False
        with self.lock:
            if "iam-propagation" not in self.on:
                return False
            born = self.roles.get(arn.rsplit("/", 1)[-1])
            return born is not None and time.monotonic() - born < self.iam_delay_s

    def lambda_role(self, info):
        match = LAMBDA_FUNCTIONS_RE.match(info.path)
        if not match or info.method != ("PUT" if match.group(1) else "POST"):
            return None
        req = json_of(info) or {}
        if not self.role_young(req.get("Role")):
            return None
        return self.count("iam-propagation", self.error(
            info, 400, "InvalidParameterValueException", LAMBDA_ROLE_MSG))

    # -- iam-propagation and trail-bucket-policy --

    def trail(self, info):
        req = json_of(info)
        if req is None:
            return None
        if self.role_young(req.get("CloudWatchLogsRoleArn")):
            return self.count("iam-propagation", self.error(
                info, 400, CLOUDTRAIL_NS + "InvalidCloudWatchLogsRoleArnException", ROLE_MSG))
        bucket = req.get("S3BucketName")
        if not self.enabled("trail-bucket-policy") or not isinstance(bucket, str) or \
                (info.action == "UpdateTrail" and not bucket):
            return None
        with self.lock:
            known = bucket in self.policies
            policy = self.policies.get(bucket)
        if not known:
            found, policy = self.moto_bucket_policy(bucket)
            if not found:
                return None     # moto answers S3BucketDoesNotExistException
        name = str(req.get("Name", ""))
        trail_arn = name if name.startswith("arn:") else "arn:aws:cloudtrail:%s:%s:trail/%s" % (
            region_of(info), ACCOUNT, name)
        prefix = req.get("S3KeyPrefix") or ""
        if trail_policy_ok(policy, bucket, prefix if isinstance(prefix, str) else "",
                           trail_arn):
            return None
        return self.count("trail-bucket-policy", self.error(
            info, 400, CLOUDTRAIL_NS + "InsufficientS3BucketPolicyException",
            POLICY_MSG % bucket))

    def moto_bucket_policy(self, bucket):
        """(bucket exists, policy text or None) of a bucket the proxy has not
        seen made; unsigned, so in strict moto a bucket is known only from
        the calls that passed the proxy."""
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            conn.request("GET", "/%s?policy" % urllib.parse.quote(bucket), headers={
                "Authorization": "AWS4-HMAC-SHA256 Credential=sandbox/20260101/"
                                 "us-east-1/s3/aws4_request"})
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException):
            return True, None
        finally:
            conn.close()
        if resp.status == 200:
            return True, body.decode("utf-8", "replace")
        return xml_text(body, b"Code") != "NoSuchBucket", None

    # -- s3-location-constraint --

    def location(self, info):
        if not self.enabled("s3-location-constraint") or region_of(info) != "us-east-1":
            return None
        where = xml_text(info.body, b"LocationConstraint")
        if where != "us-east-1":
            return None
        status, headers, body = self.error(info, 400, "InvalidLocationConstraint", LOCATION_MSG)
        body = body.replace(b"</Message>",
                            b"</Message><LocationConstraint>us-east-1</LocationConstraint>", 1)
        return self.count("s3-location-constraint", (status, headers, body))

    # -- sns-email-pending --

    def sns(self, info, status, headers, body):
        form = form_of(info)
        action = info.action
        with self.lock:
            if action == "Subscribe" and form.get("Protocol") in ("email", "email-json"):
                arn = xml_text(body, b"SubscriptionArn")
                if not arn:
                    return None
                self.pending[arn] = (form.get("TopicArn", ""), form.get("Endpoint", ""))
                self.acted["sns-email-pending"] += 1
                if form.get("ReturnSubscriptionArn", "").lower() == "true":
                    return None
                return status, headers, body.replace(
                    ("<SubscriptionArn>%s</SubscriptionArn>" % arn).encode(),
                    b"<SubscriptionArn>pending confirmation</SubscriptionArn>")
            if action in ("ListSubscriptions", "ListSubscriptionsByTopic"):
                for arn in self.pending:
                    body = body.replace(("<SubscriptionArn>%s</SubscriptionArn>" % arn).encode(),
                                        b"<SubscriptionArn>PendingConfirmation</SubscriptionArn>")
                return status, headers, body
            if action == "GetTopicAttributes":
                topic = form.get("TopicArn")
                n = sum(1 for t, _ in self.pending.values() if t == topic)
                if n == 0:
                    return None
                return status, headers, re.sub(
                    rb"(<key>SubscriptionsPending</key>\s*<value>)(\d+)",
                    lambda m: m.group(1) + str(int(m.group(2)) + n).encode(), body)
        return None

    # -- logs-page-1mb and logs-empty-page --

    def page_1mb(self, info, status, headers, body):
        try:
            page = json.loads(body)
            events = page["events"]
        except (ValueError, TypeError, KeyError):
            return None
        size = 0
        for i, event in enumerate(events):
            # A message may hold lone surrogates (invalid UTF-8 put by a test).
            size += len(str(event.get("message", "")).encode("utf-8", "surrogatepass")) + \
                EVENT_OVERHEAD
            if size > PAGE_BYTES and i > 0:
                break
        else:
            return None
        last = events[i - 1]
        req = json_of(info) or {}
        group = req.get("logGroupName") or str(req.get("logGroupIdentifier", "")).split(
            "log-group:")[-1].split(":")[0]
        page["events"] = events[:i]
        page["nextToken"] = "%s@%s@%s" % (group, last["logStreamName"], last["eventId"])
        return self.count("logs-page-1mb", (status, headers, json.dumps(page).encode()))

    def empty_page(self, info):
        if not self.enabled("logs-empty-page"):
            return None
        req = json_of(info)
        if req is None or req.get("nextToken"):
            return None
        token = EMPTY_TOKEN_PREFIX + uuid.uuid4().hex
        with self.lock:
            self.stash[token] = info
            while len(self.stash) > MAX_STASHED:
                self.stash.popitem(last=False)
        headers = [("x-amzn-RequestId", str(uuid.uuid4())),
                   ("Content-Type", info.header("Content-Type", "application/x-amz-json-1.1"))]
        out = {"events": [], "searchedLogStreams": [], "nextToken": token}
        return self.count("logs-empty-page", (200, headers, json.dumps(out).encode()))


def install(server, error, spec="", off=(), iam_delay_s=DEFAULT_IAM_DELAY_S):
    """Hook the behaviours into a proxy.ProxyServer; SPEC is a --awslike
    list, OFF names switched off.  Raises ValueError on an unknown name."""
    on = parse_list(spec) - parse_list(",".join(off))
    aws = AwsLike(server.upstream, error, on, iam_delay_s)
    server.awslike = aws
    server.local_ops.insert(0, aws.local)
    server.before_forward.append(aws.before_forward)
    server.rewrites.append(aws.rewrite)
    server.after_forward.append(aws.after_forward)
    server.control_routes.update({
        ("GET", "/_sandbox/awslike"): aws.control_get,
        ("POST", "/_sandbox/awslike"): aws.control_post,
        ("POST", "/_sandbox/awslike/confirm"): aws.control_confirm,
    })
    return aws
