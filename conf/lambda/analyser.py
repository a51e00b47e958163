"""s3watch Lambda analyser: the detections that cannot be EventBridge patterns,
running in AWS around the clock.

EventBridge invokes this function with CloudTrail records (the record is
event["detail"]; never event["Records"], the shape of S3 notifications and
log files).  The rules it runs come from the local rule pack: setup step 8
writes them to rules.json beside this file (see doc/detections-in-aws.md):

  - the analysis checks (rule kind "check": policy-grant, acl-grant,
    cross-account-copy, trail-selectors, log-expiry);
  - the high and critical stateful rules (count, first_seen, sequence), with
    the same semantics as the console's engine (src/rules/rules.c,
    rules_state.c), their state in a DynamoDB table (STATE_TABLE);
  - silently, the rules those sequences are made of.

Each hit of a rule marked "alert" is one SNS message to SNS_TOPIC_ARN, with
the message attributes "severity" and "rule" (for subscription filters).

Settings (environment): TRUSTED_ACCOUNTS (comma-separated account ids;
empty: the account each record belongs to), LOG_EXPIRY_MIN_DAYS (30),
SOURCE_BUCKET (comma-separated), TRAIL_BUCKET, LOG_BUCKET, TRAIL_NAME (the
monitored trail, whose selectors must keep SOURCE_BUCKET's data events).

Python 3 standard library and boto3 (present in the Lambda runtime) only.
"""

import calendar
import hashlib
import ipaddress
import json
import logging
import math
import os
import re
import time

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

SEVERITIES = ("info", "low", "medium", "high", "critical")

# SNS limits: a subject of at most 100 printable ASCII characters, a
# message of at most 256 KiB of UTF-8.
SUBJECT_MAX = 99
MESSAGE_MAX = 256 * 1024 - 1024      # room for SNS's own envelope
RECORD_MAX = 200 * 1024

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# Event values: the event flattened as event-ruler sees it
# ---------------------------------------------------------------------------

def _flatten(node, path, member, out, uid):
    """(value, membership) of every leaf under node, by dotted path.  Arrays
    are crushed (their elements share the path); membership maps each
    enclosing array to the element the value lies in."""
    if isinstance(node, dict):
        for key, val in node.items():
            _flatten(val, path + "." + key if path else key, member, out, uid)
    elif isinstance(node, list):
        uid[0] += 1
        me = uid[0]
        for i, val in enumerate(node):
            m = dict(member)
            m[me] = i
            _flatten(val, path, m, out, uid)
    else:
        out.setdefault(path, []).append((node, member))


class Event:
    """An EventBridge event, flattened once."""

    def __init__(self, event):
        self.raw = event
        self.values = {}
        self.fields = {}
        _flatten(event, "", {}, self.values, [0])

    def get(self, path):
        return self.values.get(path, ())


# ---------------------------------------------------------------------------
# EventBridge patterns (aws/event-ruler semantics, as src/rules/pattern.c)
# ---------------------------------------------------------------------------

def _ipv4(s):
    """4 bytes, 0 (not IP-looking) or -1 (looks like one, is bad); leading
    zeros allowed, as Java reads them."""
    parts = s.split(".")
    if len(parts) != 4:
        return 0
    out = []
    for p in parts:
        if not 1 <= len(p) <= 3 or not p.isdigit() or not p.isascii():
            return 0
        out.append(int(p))
    if any(v > 255 for v in out):
        return -1
    return bytes(out)


def _ipv6(s):
    """16 bytes or 0: eight groups of 1-4 hex digits, one "::"; no embedded
    IPv4 or zone."""
    if len(s) < 2 or not s.isascii():
        return 0
    if s.count("::") > 1:
        return 0
    hexd = "0123456789abcdefABCDEF"

    def groups(text):
        if text == "":
            return []
        out = []
        for g in text.split(":"):
            if not 1 <= len(g) <= 4 or any(c not in hexd for c in g):
                return None
            out.append(int(g, 16))
        return out

    if "::" in s:
        left, right = s.split("::")
        a, b = groups(left), groups(right)
        if a is None or b is None or len(a) + len(b) > 7:
            return 0
        g = a + [0] * (8 - len(a) - len(b)) + b
    else:
        g = groups(s)
        if g is None or len(g) != 8:
            return 0
    return b"".join(v.to_bytes(2, "big") for v in g)


def parse_ip(s):
    """An IP literal's bytes, or None (-1 for IP-looking but invalid)."""
    if not isinstance(s, str):
        return None
    r = _ipv4(s)
    if r == 0:
        r = _ipv6(s)
    if r == 0:
        return None
    return r


def _num(v):
    """v as a double, when it is a JSON number a double holds exactly."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, int):
        try:
            f = float(v)
        except OverflowError:
            return None
        return f if f == v else None
    return v if math.isfinite(v) else None


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _num_eq(a, b):
    fa, fb = _num(a), _num(b)
    if fa is not None and fb is not None:
        return fa == fb
    # Not representable: the same literal text only.
    return isinstance(a, int) and isinstance(b, int) and a == b


def _eic_regex(text):
    """equals-ignore-case: each UTF-16 unit of the pattern accepts its
    lower- or upper-case form (which may be longer: ß -> SS)."""
    parts = []
    for c in text:
        forms = {c, c.lower(), c.upper()}
        parts.append("(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len,
                                                                  reverse=True)) + ")")
    return "".join(parts)


def _wildcard_regex(text):
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _cidr(text):
    addr, _, bits = text.partition("/")
    a = parse_ip(addr)
    if not isinstance(a, bytes):
        raise ValueError("bad CIDR %r" % text)
    return a, int(bits)


def _in_prefix(ip, net, bits):
    if len(ip) != len(net):
        return False
    whole, rest = divmod(bits, 8)
    if ip[:whole] != net[:whole]:
        return False
    if rest == 0:
        return True
    mask = (0xff << (8 - rest)) & 0xff
    return (ip[whole] ^ net[whole]) & mask == 0


def _numeric(spec):
    tests = []
    i = 0
    while i + 1 < len(spec):
        op, val = spec[i], float(spec[i + 1])
        tests.append({"=": lambda x, v=val: x == v, "<": lambda x, v=val: x < v,
                      "<=": lambda x, v=val: x <= v, ">": lambda x, v=val: x > v,
                      ">=": lambda x, v=val: x >= v}[op])
        i += 2

    def match(v):
        f = _num(v)
        return f is not None and all(t(f) for t in tests)
    return match


def _str_list(v):
    return v if isinstance(v, list) else [v]


def _anything_but(arg):
    if isinstance(arg, dict):
        (op, val), = arg.items()
        vals = _str_list(val)
        if op == "prefix":
            inner = lambda v: any(v.startswith(p) for p in vals)  # noqa: E731
        elif op == "suffix":
            inner = lambda v: any(v.endswith(p) for p in vals)  # noqa: E731
        elif op == "equals-ignore-case":
            rx = [re.compile(_eic_regex(p), re.DOTALL) for p in vals]
            inner = lambda v: any(r.fullmatch(v) for r in rx)  # noqa: E731
        elif op == "wildcard":
            rx = [_wildcard_regex(p) for p in vals]
            inner = lambda v: any(r.fullmatch(v) for r in rx)  # noqa: E731
        else:
            raise ValueError("anything-but %s" % op)
        return lambda v: not (isinstance(v, str) and inner(v))
    vals = _str_list(arg)
    strs = [x for x in vals if isinstance(x, str)]
    nums = [x for x in vals if _is_number(x)]
    return lambda v: not ((isinstance(v, str) and v in strs) or
                          (_is_number(v) and any(_num_eq(v, n) for n in nums)))


def _matcher(spec):
    """One element of a pattern's value list: a predicate on a leaf value,
    or "absent" for {"exists": false}."""
    if spec is None:
        return lambda v: v is None
    if spec is True or spec is False:
        return lambda v, b=spec: v is b
    if _is_number(spec):
        return lambda v: _is_number(v) and _num_eq(v, spec)
    if isinstance(spec, str):
        ip = parse_ip(spec)
        if isinstance(ip, bytes):
            return lambda v: parse_ip(v) == ip
        return lambda v: isinstance(v, str) and v == spec
    (op, arg), = spec.items()
    if op == "exists":
        return "absent" if arg is False else (lambda v: True)
    if op == "exactly":
        return lambda v: isinstance(v, str) and v == arg
    if op in ("prefix", "suffix"):
        if isinstance(arg, dict):
            rx = _eic_regex(arg["equals-ignore-case"])
            rx = re.compile(rx if op == "prefix" else "(?:" + rx + r")\Z", re.DOTALL)
            if op == "prefix":
                return lambda v: isinstance(v, str) and rx.match(v) is not None
            return lambda v: isinstance(v, str) and rx.search(v) is not None
        if op == "prefix":
            return lambda v: isinstance(v, str) and v.startswith(arg)
        return lambda v: isinstance(v, str) and v.endswith(arg)
    if op == "equals-ignore-case":
        rx = re.compile(_eic_regex(arg), re.DOTALL)
        return lambda v: isinstance(v, str) and rx.fullmatch(v) is not None
    if op == "wildcard":
        rx = _wildcard_regex(arg)
        return lambda v: isinstance(v, str) and rx.fullmatch(v) is not None
    if op == "anything-but":
        return _anything_but(arg)
    if op == "numeric":
        return _numeric(arg)
    if op == "cidr":
        net, bits = _cidr(arg)
        return lambda v: (isinstance(v, str) and isinstance(parse_ip(v), bytes) and
                          _in_prefix(parse_ip(v), net, bits))
    raise ValueError("unknown match type %r" % op)


def _pairs(pairs):
    """A pattern object: a repeated key keeps the last value, but repeated
    objects keep both sets of paths."""
    out = {}
    for key, val in pairs:
        if key in out and isinstance(out[key], dict) and isinstance(val, dict):
            val = _pairs(list(out[key].items()) + list(val.items()))
        out[key] = val
    return out


def _compile(obj, prefix):
    """The pattern's sub-rules (one per $or combination): {path: field}."""
    rules = [{}]
    for key, val in obj.items():
        if key == "$or":
            alts = []
            for sub in val:
                alts.extend(_compile(sub, prefix))
            rules = [dict(r, **a) for r in rules for a in alts]
        elif isinstance(val, dict):
            sub = _compile(val, prefix + key + ".")
            rules = [dict(r, **s) for r in rules for s in sub]
        else:
            preds = [_matcher(s) for s in val]
            field = ("absent" in preds, [p for p in preds if p != "absent"])
            rules = [dict(r, **{prefix + key: field}) for r in rules]
    return rules


def _consistent(a, b):
    return all(b.get(k, i) == i for k, i in a.items())


class Pattern:
    """A compiled EventBridge pattern."""

    def __init__(self, text):
        self.text = text
        self.subrules = _compile(json.loads(text, object_pairs_hook=_pairs), "")

    def match(self, ev):
        return any(self._sub(ev, sub) for sub in self.subrules)

    @staticmethod
    def _sub(ev, sub):
        fields = []
        for path, (absent_ok, preds) in sub.items():
            vals = ev.get(path)
            if not vals:
                if absent_ok:
                    continue
                return False
            cands = [m for v, m in vals if any(p(v) for p in preds)]
            if not cands:
                return False
            fields.append(cands)
        # Array consistency: one value per field, all from the same
        # element of any array they share.
        fields.sort(key=len)

        def search(i, chosen):
            if i == len(fields):
                return True
            for m in fields[i]:
                if all(_consistent(m, c) for c in chosen) and search(i + 1, chosen + [m]):
                    return True
            return False
        return search(0, [])


# ---------------------------------------------------------------------------
# What a CloudTrail record means
# ---------------------------------------------------------------------------

_DETAIL_TYPES = {"AwsServiceEvent": "AWS Service Event via CloudTrail",
                 "AwsConsoleSignIn": "AWS Console Sign In via CloudTrail",
                 "AwsCloudTrailInsight": "AWS Insight via CloudTrail"}


def wrap_cloudtrail(record):
    """A CloudTrail record as EventBridge delivers it (src/rules/pattern.c:
    pattern_wrap)."""
    ev = {"version": "0"}
    if "eventID" in record:
        ev["id"] = record["eventID"]
    ev["detail-type"] = _DETAIL_TYPES.get(record.get("eventType"), "AWS API Call via CloudTrail")
    src = record.get("eventSource")
    if isinstance(src, str):
        ev["source"] = "aws." + (src[:-14] if src.endswith(".amazonaws.com") else src)
    for key, frm in (("account", "recipientAccountId"), ("time", "eventTime"),
                     ("region", "awsRegion")):
        if frm in record:
            ev[key] = record[frm]
    ev["resources"] = []
    ev["detail"] = record
    return ev


def parse_time(s):
    """Epoch seconds of "2026-08-21T10:00:00Z" (fractions and +hh:mm offsets
    allowed, 1970 or later), or None (src/base/isotime.c)."""
    if not isinstance(s, str):
        return None
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?"
                     r"(Z|[+-]\d\d:\d\d)", s)
    if not m:
        return None
    y, mo, d, h, mi, se = (int(x) for x in m.groups()[:6])
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h <= 23 and mi <= 59 and se <= 60) or y < 1970:
        return None
    off = 0
    z = m.group(7)
    if z != "Z":
        oh, om = int(z[1:3]), int(z[4:6])
        if oh > 23 or om > 59:
            return None
        off = (oh * 3600 + om * 60) * (-1 if z[0] == "-" else 1)
    days = calendar.timegm((y, mo, 1, h, mi, se, 0, 0, 0)) + (d - 1) * 86400
    return days - off


def _text(v):
    """A value as the engine writes it: nothing for null, numbers as JSON
    text, an escaped NUL as '?'."""
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return repr(v)
    return str(v).replace("\0", "?")


# The fields of src/rules/rules.c (rules_fields): the first path present
# wins.  principal, action, resource and userAgentFamily are computed.
FIELDS = {
    "eventID": ("detail.eventID", "id"),
    "time": ("detail.eventTime", "time"),
    "principal": ("detail.userIdentity.arn", "detail.userIdentity.invokedBy"),
    "sourceIP": ("detail.sourceIPAddress",),
    "eventSource": ("detail.eventSource", "source"),
    "eventName": ("detail.eventName", "detail-type"),
    "bucket": ("detail.requestParameters.bucketName",),
    "key": ("detail.requestParameters.key",),
    "resourceARN": ("detail.resources.ARN", "resources"),
    "resourceName": ("detail.requestParameters.name", "detail.requestParameters.trailName",
                     "detail.requestParameters.logGroupName",
                     "detail.requestParameters.functionName",
                     "detail.requestParameters.topicArn", "detail.requestParameters.keyId",
                     "detail.requestParameters.detectorId", "detail.requestParameters.rule"),
    "accessKey": ("detail.userIdentity.accessKeyId",),
    "userAgent": ("detail.userAgent",),
    "account": ("detail.userIdentity.accountId", "account"),
    "principalId": ("detail.userIdentity.principalId",),
    "identityType": ("detail.userIdentity.type",),
    "findingType": ("detail.type",),
    "action": (),
    "resource": (),
    "userAgentFamily": (),
}


def field(ev, name):
    """A field of the event as text, "" when absent (rules_field)."""
    cache = ev.fields
    if name in cache:
        return cache[name]
    if name == "action":
        s = field(ev, "eventSource")
        if s.startswith("aws."):
            s = s[4:]
        if s.endswith(".amazonaws.com"):
            s = s[:-14]
        out = (s + ":" if s else "") + field(ev, "eventName")
    elif name == "resource":
        if field(ev, "bucket"):
            out = field(ev, "bucket") + ("/" + field(ev, "key") if field(ev, "key") else "")
        elif field(ev, "resourceARN"):
            out = field(ev, "resourceARN")
        else:
            out = field(ev, "resourceName")
    elif name == "userAgentFamily":
        s = field(ev, "userAgent").lstrip("[ ")
        out = re.split(r"[/ \](]", s, maxsplit=1)[0]
    else:
        vals = next((ev.get(p) for p in FIELDS[name] if ev.get(p)), ())
        if vals:
            out = _text(vals[0][0])
        elif name == "principal":
            # No ARN: anonymous callers, or AWS services.
            if "anonymous" in (field(ev, "account"), field(ev, "principalId")):
                out = "anonymous"
            else:
                out = field(ev, "principalId")
        else:
            out = ""
    cache[name] = out
    return out


def ref_text(ev, ref):
    """A key part or value: a field name, or a dotted path whose values
    (several under arrays) are joined with ','."""
    if ref in FIELDS:
        return field(ev, ref)
    return ",".join(_text(v) for v, _ in ev.get(ref))


def _duration(v):
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    m = re.fullmatch(r"(\d+)([smhd]?)", str(v))
    if not m:
        raise ValueError("bad duration %r" % (v,))
    return int(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _glob(pat):
    """fnmatch(3) without flags, as the engine's allow-lists use it: '*'
    and '?' match '/' too, [!..] and [^..] negate, '\\' escapes."""
    out, i = [], 0
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat):
            out.append(re.escape(pat[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            j = i + 1
            if j < len(pat) and pat[j] in "!^":
                j += 1
            if j < len(pat) and pat[j] == "]":
                j += 1
            while j < len(pat) and pat[j] != "]":
                j += 1
            if j >= len(pat):
                out.append(re.escape(c))
            else:
                body = pat[i + 1:j]
                neg = body[:1] in ("!", "^")
                body = body[1:] if neg else body
                out.append("[" + ("^" if neg else "") + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def cidr_complement(cidrs):
    """The EventBridge values matching every IP outside the CIDRs, as
    ${outside_allowed_cidrs} expands (rules.c: rules_cidr_complement)."""
    nets = [ipaddress.ip_network(c, strict=False) for c in cidrs]
    out = []

    def walk(size, p, bits):
        width = size * 8
        overlap = False
        for n in nets:
            if n.max_prefixlen != width:
                continue
            b, a = n.prefixlen, int(n.network_address)
            if b <= bits and p >> (width - b) == a >> (width - b):
                return
            if b > bits and p >> (width - bits) == a >> (width - bits):
                overlap = True
        if not overlap:
            raw = p.to_bytes(size, "big")
            text = (".".join(str(x) for x in raw) if size == 4 else _ipv6_text(raw))
            out.append('"%s"' % text if bits == width else '{"cidr":"%s/%d"}' % (text, bits))
            return
        walk(size, p, bits + 1)
        walk(size, p | (1 << (width - bits - 1)), bits + 1)
    walk(4, 0, 0)
    walk(16, 0, 0)
    return "[" + ",".join(out) + "]"


def _ipv6_text(raw):
    """inet_ntop's form: the longest run (2 or more) of zero groups as ::."""
    g = [int.from_bytes(raw[i:i + 2], "big") for i in range(0, 16, 2)]
    best, blen, i = -1, 0, 0
    while i < 8:
        if g[i] == 0:
            j = i
            while j < 8 and g[j] == 0:
                j += 1
            if j - i > blen:
                best, blen = i, j - i
            i = j
        else:
            i += 1
    if blen < 2:
        return ":".join("%x" % x for x in g)
    left = ":".join("%x" % x for x in g[:best])
    right = ":".join("%x" % x for x in g[best + blen:])
    return left + "::" + right


# ---------------------------------------------------------------------------
# The analysis checks (the shared specification: doc/rules.md, "The analysis
# checks"; the console's are src/rules/rules_check.c)
# ---------------------------------------------------------------------------

def _split(env, key):
    return [v.strip() for v in env.get(key, "").split(",") if v.strip()]


class Settings:
    def __init__(self, env=None):
        env = os.environ if env is None else env
        self.trusted = _split(env, "TRUSTED_ACCOUNTS")
        try:
            self.min_days = int(env.get("LOG_EXPIRY_MIN_DAYS", "") or 30)
        except ValueError:
            LOG.warning("LOG_EXPIRY_MIN_DAYS: not a number; 30 used")
            self.min_days = 30
        self.source_buckets = _split(env, "SOURCE_BUCKET")
        self.trail_buckets = _split(env, "TRAIL_BUCKET")
        self.trail_names = _split(env, "TRAIL_NAME")
        self.log_buckets = _split(env, "LOG_BUCKET")

    def trusted_for(self, d):
        """Whether an account is trusted: the setting's, else the record's
        own (recipientAccountId, else userIdentity.accountId, each only when
        it is an account id); with none known, every account is."""
        if self.trusted:
            return set(self.trusted).__contains__
        own = _get(d, "recipientAccountId")
        if not _is_account(own):
            own = _get(_get(d, "userIdentity"), "accountId")
        if not _is_account(own):
            return lambda acct: True
        return own.__eq__


# Text the checks cut to in a reason (CK_QUOTE_MAX), and the nesting the
# console reads a JSON text to (RULES_CHECK_MAX_DEPTH).
QUOTE_MAX = 48
CHECK_MAX_DEPTH = 64

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_DIGITS = frozenset("0123456789")


def _lower(s):
    """ASCII case folding only, as strcasecmp(3): no other letter (a Kelvin
    sign, a dotted I) folds to an ASCII one."""
    return s.translate(_ASCII_LOWER)


def _get(d, name):
    """CloudTrail's own field, by its exact name; None when d is no object."""
    return d.get(name) if isinstance(d, dict) else None


def _ci(d, key):
    """The first member of d named key in any (ASCII) case: the request's
    documents and HTTP headers."""
    if not isinstance(d, dict):
        return None
    want = _lower(key)
    for k, v in d.items():
        if _lower(k) == want:
            return v
    return None


def _items(v):
    """An object or an array of them, as a list of dicts."""
    if isinstance(v, dict):
        return [v]
    if isinstance(v, list):
        return [x for x in v if isinstance(x, dict)]
    return []


def _strings(v):
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [x for x in v if isinstance(x, str)]
    return []


def _each(v):
    """One value or a list of them (null: none)."""
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _ck_text(v):
    """A string, or a JSON integer as its decimal digits; else None."""
    if isinstance(v, str):
        return v
    return str(v) if _is_int(v) else None


def _ck_int(v):
    """A JSON integer (as a 64-bit one), or a string of at most 15 ASCII
    digits with an optional sign; else None."""
    if _is_int(v):
        return max(-2 ** 63, min(v, 2 ** 63 - 1))
    if not isinstance(v, str):
        return None
    digits = v[1:] if v[:1] in ("-", "+") else v
    if not 0 < len(digits) <= 15 or not set(digits) <= _DIGITS:
        return None
    return int(v)


def _true(v):
    if isinstance(v, bool):
        return v
    return isinstance(v, str) and _lower(v) == "true"


def _holds(v, want):
    return any(isinstance(x, str) and x == want for x in _each(v))


def _is_account(s):
    return isinstance(s, str) and len(s) == 12 and set(s) <= _DIGITS


def _arn_account(arn, service=None):
    """The account of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...) when
    it is an account id and the service is service (None: any)."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6 or (service is not None and parts[2] != service):
        return None
    return parts[4] if _is_account(parts[4]) else None


def _all_trusted(trusted, v, arn=False):
    """Every value of v (at least one) is a trusted account, or with arn
    the ARN of a resource in one."""
    vals = _each(v)
    for x in vals:
        x = _ck_text(x)
        acct = _arn_account(x) if arn else x if _is_account(x) else None
        if acct is None or not trusted(acct):
            return False
    return bool(vals)


def _quote(s):
    """Text from the record, cut to QUOTE_MAX bytes on a character
    boundary."""
    data = s.encode("utf-8", "surrogatepass")
    if len(data) <= QUOTE_MAX:
        return s
    return data[:QUOTE_MAX].decode("utf-8", "ignore") + "..."


def _depth(v):
    """The nesting of a JSON value (a scalar is 0)."""
    if isinstance(v, dict):
        return 1 + max((_depth(x) for x in v.values()), default=0)
    if isinstance(v, list):
        return 1 + max((_depth(x) for x in v), default=0)
    return 0


def _parse_object(text):
    """The JSON object text holds, as the console reads it (no deeper than
    CHECK_MAX_DEPTH); None for anything else."""
    try:
        v = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(v, dict) or _depth(v) > CHECK_MAX_DEPTH:
        return None
    return v


def check_record(event):
    """The CloudTrail record the checks read in an EventBridge event: its
    detail; None when that is no object, or the event is nested deeper
    than CHECK_MAX_DEPTH (as the console reads the text it is given)."""
    detail = event.get("detail") if isinstance(event, dict) else None
    if not isinstance(detail, dict) or _depth(event) > CHECK_MAX_DEPTH:
        return None
    return detail


def _judged(d, source, names):
    """A successful call of the check's own events: eventSource and
    eventName exactly, no errorCode member at all (a null one is a
    failure, as for the pattern {"exists": false})."""
    return (isinstance(d, dict) and d.get("eventSource") == source and
            isinstance(d.get("eventName"), str) and d["eventName"] in names and
            "errorCode" not in d)


class _Worst:
    """The worst finding so far; the first of equals."""

    def __init__(self):
        self.found = None

    def raise_(self, sev, reason):
        if self.found is None or SEVERITIES.index(sev) > SEVERITIES.index(self.found[0]):
            self.found = (sev, reason)


_CONFINING = ("aws:PrincipalOrgID", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp")


def _condition(cond, trusted):
    """The key that confines the statement (None for none), and whether a
    service principal is tied to the trusted accounts; every operator's
    keys, one occurrence at a time (a statement needs all its
    conditions, so one that ties it suffices)."""
    confining, service_ok = None, False
    if not isinstance(cond, dict):
        return confining, service_ok
    for keys in cond.values():
        if not isinstance(keys, dict):
            continue
        for k, v in keys.items():
            low = _lower(k)
            if confining is None:
                confining = next((c for c in _CONFINING if _lower(c) == low), None)
            if confining is None and low == "aws:principalaccount" and \
                    _all_trusted(trusted, v):
                confining = "aws:PrincipalAccount"
            if (low == "aws:sourceaccount" and _all_trusted(trusted, v)) or \
                    (low == "aws:sourcearn" and _all_trusted(trusted, v, arn=True)):
                service_ok = True
    return confining, service_ok


_CLASSES = (None, "SERVICE", "FOREIGN", "PUBLIC")


def _statement_grant(stmt, trusted, service_ok):
    """(class, principal): the worst of the statement's principals,
    PUBLIC, FOREIGN, SERVICE or None."""
    worst = [None, None]

    def found(cls, who):
        if _CLASSES.index(cls) > _CLASSES.index(worst[0]):
            worst[:] = [cls, who]

    if _ci(stmt, "NotPrincipal") is not None:
        found("PUBLIC", "(all but a NotPrincipal)")
    pr = _ci(stmt, "Principal")
    if isinstance(pr, dict):
        for kind, vals in pr.items():
            kind = _lower(kind)
            for v in _each(vals):
                if kind == "aws":
                    v = _ck_text(v)
                    if v == "*":
                        found("PUBLIC", "*")
                        continue
                    # Unique ids (AROA...) and other forms prove nothing.
                    acct = v if _is_account(v) else (_arn_account(v, "iam") or
                                                     _arn_account(v, "sts"))
                    if acct is not None and not trusted(acct):
                        found("FOREIGN", _quote(v))
                elif not isinstance(v, str) or not v:
                    continue
                elif kind == "canonicaluser":
                    found("FOREIGN", "canonical user " + _quote(v))
                elif kind == "service" and not service_ok:
                    found("SERVICE", _quote(v))
    elif _holds(pr, "*"):
        found("PUBLIC", "*")
    return tuple(worst)


def check_policy_grant(d, s):
    if not _judged(d, "s3.amazonaws.com", ("PutBucketPolicy",)):
        return None
    policy = _get(_get(d, "requestParameters"), "bucketPolicy")
    if isinstance(policy, str):
        # Some writers keep the policy as the JSON text it was sent as.
        policy = _parse_object(policy)
    trusted = s.trusted_for(d)
    out = _Worst()
    for i, stmt in enumerate(_each(_ci(policy, "Statement"))):
        if _ci(stmt, "Effect") != "Allow":
            continue
        confining, service_ok = _condition(_ci(stmt, "Condition"), trusted)
        cls, who = _statement_grant(stmt, trusted, service_ok)
        if cls is None:
            continue
        if cls == "SERVICE":
            sev = "low"
        else:
            sev = {("PUBLIC", False): "critical", ("PUBLIC", True): "medium",
                   ("FOREIGN", False): "high", ("FOREIGN", True): "low"}[
                       (cls, confining is not None)]
        sid = _ci(stmt, "Sid")
        out.raise_(sev, "%s principal %s in statement %s%s" % (
            {"PUBLIC": "public", "FOREIGN": "foreign", "SERVICE": "service"}[cls], who,
            '"%s"' % _quote(sid) if isinstance(sid, str) and sid else "#%d" % (i + 1),
            ", confined by " + confining if confining else ""))
    return out.found


_ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_CANNED_PUBLIC = ("public-read", "public-read-write", "authenticated-read")


def _grantee(out, kind, value, owner, permission):
    """One grantee: kind "uri", "id" or "emailaddress" (any case)."""
    if not isinstance(value, str) or not value:
        return
    kind = _lower(kind)
    if kind == "uri":
        if value in (_ALL_USERS, _AUTH_USERS):
            out.raise_("critical", "grants %s to %s" % (permission, value.rsplit("/", 1)[-1]))
    elif kind == "id":
        if not isinstance(owner, str) or _lower(value) != _lower(owner):
            out.raise_("high", "grants %s to canonical user %s, not the owner" % (
                permission, _quote(value)))
    elif kind == "emailaddress":
        out.raise_("high", "grants %s to e-mail address %s" % (permission, _quote(value)))


def check_acl_grant(d, s):
    if not _judged(d, "s3.amazonaws.com", ("PutBucketAcl", "PutObjectAcl")):
        return None
    p = d.get("requestParameters")
    if not isinstance(p, dict):
        return None
    out = _Worst()
    for acl in _each(_ci(p, "x-amz-acl")):
        if isinstance(acl, str) and _lower(acl) in _CANNED_PUBLIC:
            out.raise_("critical", "canned ACL " + _lower(acl))
    acp = _ci(p, "AccessControlPolicy")
    owner = _ci(_ci(acp, "Owner"), "ID")
    for g in _each(_ci(_ci(acp, "AccessControlList"), "Grant")):
        grantee = _ci(g, "Grantee")
        perm = _ci(g, "Permission")
        perm = _quote(perm) if isinstance(perm, str) else "a permission"
        for kind, member in (("uri", "URI"), ("id", "ID"), ("emailaddress", "EmailAddress")):
            _grantee(out, kind, _ci(grantee, member), owner, perm)
    for key, val in p.items():
        if not _lower(key).startswith("x-amz-grant-"):
            continue
        for text in _each(val):
            if not isinstance(text, str):
                continue
            # Comma-separated KIND="VALUE": blanks (spaces, tabs) around
            # either, one pair of quotes around the value.
            for part in text.split(","):
                k, eq, v = part.partition("=")
                if not eq:
                    continue
                k, v = k.strip(" \t"), v.strip(" \t")
                if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
                    v = v[1:-1]
                _grantee(out, k, v, owner, _quote(key[12:]))
    return out.found


def check_cross_account_copy(d, s):
    if not _judged(d, "s3.amazonaws.com", ("CopyObject", "UploadPartCopy")):
        return None
    trusted = s.trusted_for(d)
    out = _Worst()
    first = None
    res = d.get("resources")
    for r in res if isinstance(res, list) else ():
        acct = _get(r, "accountId")
        # CloudTrail's own field, not the caller's: any text.
        if _get(r, "type") not in ("AWS::S3::Object", "AWS::S3::Bucket") or \
                not isinstance(acct, str) or not acct:
            continue
        # Two accounts are a hit unless the setting trusts both (a
        # pipeline between accounts of the owner's).
        if first is None:
            first = acct
        elif first != acct and not (s.trusted and trusted(first) and trusted(acct)):
            out.raise_("high", "the copy's buckets belong to accounts %s and %s" % (
                first, acct))
        if not trusted(acct):
            out.raise_("high", "a bucket of the copy belongs to account %s, outside the "
                       "trusted accounts" % acct)
    key = _ci(d.get("requestParameters"), "x-amz-server-side-encryption-aws-kms-key-id")
    for k in _each(key):
        acct = _arn_account(k, "kms")
        if acct is not None and not trusted(acct):
            out.raise_("high", "the copy is encrypted with KMS key %s of account %s, outside "
                       "the trusted accounts" % (_quote(k), acct))
    return out.found


def _covers(value, bucket):
    """A data resource value or ARN prefix that covers every object of the
    bucket: arn:P:s3 and arn:P:s3::: cover all; otherwise a prefix of
    arn:P:s3:::BUCKET/."""
    if not isinstance(value, str) or not value.startswith("arn:"):
        return False
    rest = value[4:].partition(":")
    if not rest[1]:
        return False
    rest = rest[2]
    if rest == "s3":
        return True
    if not rest.startswith("s3:::"):
        return False
    tail = rest[5:]
    if len(tail) <= len(bucket):
        return bucket.startswith(tail)
    return tail == bucket + "/"


def _any_covers(values, bucket):
    return any(_covers(v, bucket) for v in _each(values))


def _arn_selector_keeps(f, bucket):
    sw, eq, ew = _ci(f, "startsWith"), _ci(f, "equals"), _ci(f, "endsWith")
    keeps = True
    if _each(sw) or _each(eq) or _each(ew):
        keeps = _any_covers(sw, bucket) or _any_covers(eq, bucket)
    if _any_covers(_ci(f, "notStartsWith"), bucket):
        keeps = False
    return keeps


def _monitored_trail(trail, s):
    """Is the call's trail (a name or an ARN) the monitored one?  With no
    trail_name set, or none in the call, every trail is."""
    if not s.trail_names or not isinstance(trail, str):
        return True
    if trail.startswith("arn:") and ":trail/" in trail:
        trail = trail[trail.index(":trail/") + 7:]
    return trail in s.trail_names


def check_trail_selectors(d, s):
    if not _judged(d, "cloudtrail.amazonaws.com",
                   ("PutEventSelectors", "PutAdvancedEventSelectors")):
        return None
    p = d.get("requestParameters")
    adv, basic = _ci(p, "advancedEventSelectors"), _ci(p, "eventSelectors")
    if adv is None and basic is None:
        return None
    # Other trails may log other data; management events they must.
    buckets = s.source_buckets if _monitored_trail(_get(p, "trailName"), s) else []
    mgmt, data = False, set()
    for sel in _each(adv if adv is not None else basic):
        if not isinstance(sel, dict):
            continue
        if adv is None:
            if _true(_ci(sel, "includeManagementEvents")):
                mgmt = True
            for res in _each(_ci(sel, "dataResources")):
                if _ci(res, "type") != "AWS::S3::Object":
                    continue
                data.update(b for b in buckets if _any_covers(_ci(res, "values"), b))
            continue
        fs = _each(_ci(sel, "fieldSelectors"))
        cat_data = type_obj = False
        for f in fs:
            field = _ci(f, "field")
            if field == "eventCategory":
                mgmt = mgmt or _holds(_ci(f, "equals"), "Management")
                cat_data = cat_data or _holds(_ci(f, "equals"), "Data")
            elif field == "resources.type" and _holds(_ci(f, "equals"), "AWS::S3::Object"):
                type_obj = True
        if not cat_data or not type_obj:
            continue
        for b in buckets:
            if all(_arn_selector_keeps(f, b) for f in fs
                   if _ci(f, "field") == "resources.ARN"):
                data.add(b)
    lost = next((b for b in buckets if b not in data), None)
    kind = "advanced " if adv is not None else ""
    if not mgmt:
        return "high", "the new %sevent selectors log no management events%s" % (
            kind, " and no data events of bucket \"%s\"" % _quote(lost) if lost else "")
    if lost:
        return "high", "the new %sevent selectors log no data events of bucket \"%s\"" % (
            kind, _quote(lost))
    return None


def _plural(n):
    return "%d day%s" % (n, "" if n == 1 else "s")


def check_log_expiry(d, s):
    if not _judged(d, "s3.amazonaws.com",
                   ("PutBucketLifecycle", "PutBucketLifecycleConfiguration")):
        return None
    p = d.get("requestParameters")
    bucket = _get(p, "bucketName")
    which = None
    if bucket in s.trail_buckets:
        which = "the trail bucket"
    elif bucket in s.log_buckets:
        which = "the access-log bucket"
    at = parse_time(d.get("eventTime"))
    out = _Worst()
    rules = _ci(_ci(p, "LifecycleConfiguration"), "Rule")
    for i, r in enumerate(_each(rules)):
        if _ci(r, "Status") != "Enabled":
            continue
        exp = _ci(r, "Expiration")
        days_v, date_v = _ci(exp, "Days"), _ci(exp, "Date")
        nve = _ci(r, "NoncurrentVersionExpiration")
        if days_v is None and date_v is None and nve is None:
            continue
        rid = _ci(r, "ID")
        label = '"%s"' % _quote(rid) if isinstance(rid, str) and rid else "#%d" % (i + 1)
        if which:
            out.raise_("high", "lifecycle rule %s expires objects of %s %s" % (
                label, which, _quote(bucket)))
            continue
        days = _ck_int(days_v)
        if days is not None and days < s.min_days:
            out.raise_("high", "lifecycle rule %s expires objects after %s, fewer than %d" % (
                label, _plural(days), s.min_days))
        days = _ck_int(_ci(nve, "NoncurrentDays"))
        if days is not None and days < s.min_days:
            out.raise_("high", "lifecycle rule %s expires noncurrent versions after %s, fewer "
                       "than %d" % (label, _plural(days), s.min_days))
        # A date: whole days from the call to it, rounded down.
        when = parse_time(date_v) if isinstance(date_v, str) else None
        if at is None or when is None:
            continue
        days = (when - at) // 86400
        if days < s.min_days:
            out.raise_("high", "lifecycle rule %s expires objects on %s, %s after the call, "
                       "fewer than %d" % (label, _quote(date_v), _plural(days), s.min_days))
    return out.found


CHECKS = {
    "policy-grant": check_policy_grant,
    "acl-grant": check_acl_grant,
    "cross-account-copy": check_cross_account_copy,
    "trail-selectors": check_trail_selectors,
    "log-expiry": check_log_expiry,
}


# ---------------------------------------------------------------------------
# State: the stateful rules' memory (src/rules/rules_state.c), per key
# ---------------------------------------------------------------------------

SLOTS = 16          # a count's window, sliding in 1/16 steps
TTL_SLACK = 86400   # CloudTrail delivers late: keep state a day longer
RECENT_IDS = 16     # events a key remembers, so a repeat counts once


def _h(text):
    """Keys and values are kept as 64-bit hashes, never as text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class MemoryStore:
    """State in memory: for tests, and a stand-in with the same interface
    as DynamoStore."""

    def __init__(self):
        self.items = {}
        self.meta = {}

    def load(self, key):
        item = self.items.get(key)
        return (None, 0) if item is None else (json.loads(item[0]), item[1])

    def save(self, key, payload, version, ttl):
        if self.items.get(key, (None, 0))[1] != version:
            return False
        self.items[key] = (json.dumps(payload), version + 1)
        return True

    def first(self, rule_id):
        return self.meta.get(rule_id)

    def lower_first(self, rule_id, t):
        if rule_id not in self.meta or t < self.meta[rule_id]:
            self.meta[rule_id] = t


class DynamoStore:
    """State in a DynamoDB table (on demand, TTL on "ttl"): one item per
    rule and key ("pk"), written only if its version ("v") did not change
    since it was read, so concurrent invocations never lose an update, and
    "first#RULE" items for first_seen's learning."""

    def __init__(self, table, client=None):
        import boto3
        self.table = table
        self.db = client or boto3.client("dynamodb")
        self.firsts = {}

    def load(self, key):
        got = self.db.get_item(TableName=self.table, Key={"pk": {"S": key}},
                               ConsistentRead=True).get("Item")
        if not got:
            return None, 0
        return json.loads(got["p"]["S"]), int(got["v"]["N"])

    def save(self, key, payload, version, ttl):
        item = {"pk": {"S": key}, "p": {"S": json.dumps(payload, separators=(",", ":"))},
                "v": {"N": str(version + 1)}, "ttl": {"N": str(int(ttl))}}
        cond = {"ConditionExpression": "attribute_not_exists(pk)"} if version == 0 else {
            "ConditionExpression": "v = :v", "ExpressionAttributeValues": {":v": {"N": str(version)}}}
        try:
            self.db.put_item(TableName=self.table, Item=item, **cond)
            return True
        except self.db.exceptions.ConditionalCheckFailedException:
            return False

    def first(self, rule_id):
        if rule_id not in self.firsts:
            got = self.db.get_item(TableName=self.table, Key={"pk": {"S": "first#" + rule_id}},
                                   ConsistentRead=True).get("Item")
            self.firsts[rule_id] = int(got["t"]["N"]) if got else None
        return self.firsts[rule_id]

    def lower_first(self, rule_id, t):
        cur = self.first(rule_id)
        if cur is not None and cur <= t:
            return
        try:
            self.db.update_item(
                TableName=self.table, Key={"pk": {"S": "first#" + rule_id}},
                UpdateExpression="SET t = :t",
                ConditionExpression="attribute_not_exists(t) OR t > :t",
                ExpressionAttributeValues={":t": {"N": str(t)}})
            self.firsts[rule_id] = t
        except self.db.exceptions.ConditionalCheckFailedException:
            self.firsts.pop(rule_id, None)


def _seen_find(slots, h, since):
    """rules_seen_find: h among the slots (not older than since), else an
    empty, or the oldest, slot for it."""
    pick = None
    for i, (sh, st) in enumerate(slots):
        if sh == h and st >= since:
            return i, True
        if pick is None or (slots[pick][0] != "" and (sh == "" or st < slots[pick][1])):
            pick = i
    return pick, False


def update_window(rule, p, t, x):
    length = (rule.window + SLOTS - 1) // SLOTS
    p = p or {"e": [0] * SLOTS, "v": [0] * SLOTS}
    ep = t // length
    i = ep % SLOTS
    if p["e"][i] < ep:
        p["e"][i] = ep
        p["v"][i] = 0
    p["v"][i] += x
    total = sum(v for e, v in zip(p["e"], p["v"]) if e > ep - SLOTS)
    if total < rule.threshold:
        return p, False
    return {"e": [0] * SLOTS, "v": [0] * SLOTS}, True


def update_distinct(rule, p, t, h):
    slots = p["s"] if p else [["", 0] for _ in range(rule.threshold)]
    i, found = _seen_find(slots, h, t - rule.window)
    slots[i][0] = h
    if not found or t > slots[i][1]:
        slots[i][1] = t
    live = sum(1 for sh, st in slots if sh != "" and st > t - rule.window)
    if live < rule.threshold:
        return {"s": slots}, False
    return {"s": [["", 0] for _ in range(rule.threshold)]}, True


def update_first_seen(rule, p, t, h, first):
    slots = p["s"] if p else [["", 0] for _ in range(rule.values)]
    i, found = _seen_find(slots, h, t - rule.window)
    slots[i][0] = h
    if found:
        if t > slots[i][1]:
            slots[i][1] = t
        return {"s": slots}, False
    slots[i][1] = t
    # Still learning what is normal: remember, don't report.
    return {"s": slots}, t - first >= rule.learn


def update_sequence(rule, p, t, touched):
    """start[j]: when the chain that has reached step j began (0: not
    reached); steps walked from the last, so one event never both starts
    and advances a chain."""
    start = p["st"] if p else [0] * len(rule.steps)
    n = len(start)
    for j in range(n - 1, -1, -1):
        if not touched[j]:
            continue
        if j == 0:
            if t > start[0]:
                start[0] = t
            continue
        if start[j - 1] == 0 or t - start[j - 1] > rule.window:
            continue
        if j == n - 1:
            return {"st": [0] * n}, True
        if start[j - 1] > start[j]:
            start[j] = start[j - 1]
    return {"st": start}, False


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------

class Rule:
    """One rule of rules.json (the pack's rule as written, with its pattern
    as the engine expanded it)."""

    def __init__(self, spec, cidrs):
        self.id = spec["id"]
        self.title = spec.get("title", self.id)
        self.severity = spec["severity"]
        self.kind = spec["kind"]
        self.alert = bool(spec.get("alert"))
        text = spec.get("pattern") or spec.get("select")
        expand = lambda s: s.replace("${outside_allowed_cidrs}", cidr_complement(cidrs))  # noqa
        self.pattern = Pattern(expand(text)) if text and self.kind != "sequence" else None
        sup = spec.get("suppress") or []
        self.suppress = [Pattern(expand(x)) for x in ([sup] if isinstance(sup, str) else sup)]
        allow = spec.get("allow") or {}
        self.principals = [_glob(g) for g in _strings(allow.get("principals"))]
        self.agents = [_glob(g) for g in _strings(allow.get("user_agents"))]
        self.cidrs = [ipaddress.ip_network(c, strict=False) for c in _strings(allow.get("cidrs"))]
        self.check = CHECKS.get(spec.get("check")) if self.kind == "check" else None
        if self.kind == "check" and self.check is None:
            raise ValueError("rule %s: unknown check %r" % (self.id, spec.get("check")))
        st = spec.get(self.kind) if self.kind in ("count", "first_seen", "sequence") else None
        st = st if isinstance(st, dict) else {}
        key = st.get("key", [])
        self.key = _strings(key)
        self.mode = "events"
        self.window = self.learn = 0
        self.threshold = self.values = 0
        self.value = None
        self.steps = []
        if self.kind == "count":
            self.window = _duration(st["window"])
            if "distinct" in st:
                self.mode, self.value = "distinct", st["distinct"]
            elif "sum" in st:
                self.mode, self.value = "sum", st["sum"]
            self.threshold = st["threshold"]
        elif self.kind == "first_seen":
            self.value = st["value"]
            self.window = _duration(st["history"])
            self.learn = _duration(st["learn"]) if "learn" in st else 0
            self.values = st.get("values", 32)
        elif self.kind == "sequence":
            self.window = _duration(st["window"])
            self.steps = [_strings(step) for step in st["steps"]]

    def silenced(self, ev):
        """Suppress patterns and allow-lists: the event must not count."""
        if any(p.match(ev) for p in self.suppress):
            return True
        if self.principals and any(g.fullmatch(field(ev, "principal")) for g in self.principals):
            return True
        if self.agents and any(g.fullmatch(field(ev, "userAgent")) for g in self.agents):
            return True
        if not self.cidrs:
            return False
        try:
            ip = ipaddress.ip_address(field(ev, "sourceIP"))
        except ValueError:
            return False
        return any(ip.version == n.version and ip in n for n in self.cidrs)

    def key_text(self, ev):
        parts = [ref_text(ev, k) for k in self.key]
        return "\x1f".join(parts), any(parts)


class Engine:
    """The rules of rules.json over events, with state in a store."""

    def __init__(self, config, store, settings=None):
        cidrs = config.get("allowed_cidrs", [])
        self.rules = [Rule(spec, cidrs) for spec in config.get("rules", [])]
        self.by_id = {r.id: r for r in self.rules}
        self.store = store
        self.settings = settings or Settings()
        self.now = 0

    def event_time(self, ev):
        t = parse_time(field(ev, "time"))
        if t is None:
            return self.now or int(time.time())
        self.now = max(self.now, t)
        return t

    def _stateful(self, rule, skey, update, ttl, eid):
        """Read, update and write one key's state until no other
        invocation got in between; the update's hit.  EventBridge delivers
        at least once and Lambda retries a failed event: a key remembers
        its last events and what each did: one it has counted counts no
        more, and gives the hit it gave (so a retry still alerts, and still
        moves the sequences on)."""
        for _ in range(16):
            payload, version = self.store.load(skey)
            ids = (payload or {}).get("ids", [])
            for seen, was_hit in ids:
                if eid and seen == eid:
                    return bool(was_hit)
            payload, hit = update(payload)
            if payload is None:
                return hit
            payload["ids"] = (ids + [[eid, int(hit)]])[-RECENT_IDS:] if eid else ids
            if self.store.save(skey, payload, version, ttl):
                return hit
        raise RuntimeError("rule %s: state kept changing under us" % rule.id)

    def _run_state(self, rule, ev, t, touched=None):
        """rules_state_update: the event (time t) through a stateful rule;
        True on a hit."""
        ttl = max(t, int(time.time())) + rule.window + TTL_SLACK
        if rule.kind == "first_seen":
            self.store.lower_first(rule.id, t)
            val = ref_text(ev, rule.value)
            if not val:
                return False
        text, any_part = rule.key_text(ev)
        if not any_part:
            return False
        skey = "%s#%s" % (rule.id, _h(text))
        eid = field(ev, "eventID")
        eid = _h(eid) if eid else ""
        if rule.kind == "count":
            if rule.mode == "distinct":
                val = ref_text(ev, rule.value)
                if not val:
                    return False
                return self._stateful(rule, skey, lambda p: update_distinct(rule, p, t, _h(val)),
                                      ttl, eid)
            x = 1
            if rule.mode == "sum":
                try:
                    x = float(ref_text(ev, rule.value))
                except ValueError:
                    return False
                if not x > 0:
                    return False
            return self._stateful(rule, skey, lambda p: update_window(rule, p, t, x), ttl, eid)
        if rule.kind == "first_seen":
            first = self.store.first(rule.id)
            first = t if first is None else first
            return self._stateful(rule, skey,
                                  lambda p: update_first_seen(rule, p, t, _h(val), first), ttl,
                                  eid)
        # A sequence keeps a key only once its first step is reached.
        return self._stateful(rule, skey, lambda p: (None, False) if p is None and not touched[0]
                              else update_sequence(rule, p, t, touched), ttl, eid)

    def evaluate(self, event):
        """Every hit of the event, in rule order, sequences last:
        [{"rule", "severity", "reason", ...}]."""
        ev = Event(event)
        hits = []
        hit_ids = set()
        t = None
        record = False      # what the checks read, once one runs
        for rule in self.rules:
            if rule.kind == "sequence" or rule.pattern is None or not rule.pattern.match(ev):
                continue
            if rule.silenced(ev):
                continue
            sev, reason = rule.severity, ""
            if rule.kind == "check":
                if record is False:
                    record = check_record(ev.raw)
                got = rule.check(record, self.settings) if record is not None else None
                if not got:
                    continue
                # A check's hit is at most its rule's severity.
                sev = min(got[0], rule.severity, key=SEVERITIES.index)
                reason = got[1]
            elif rule.kind != "pattern":
                if t is None:
                    t = self.event_time(ev)
                if not self._run_state(rule, ev, t):
                    continue
            hits.append(self._hit(rule, ev, sev, reason))
            hit_ids.add(rule.id)
        for rule in self.rules:
            if rule.kind != "sequence":
                continue
            touched = [any(r in hit_ids for r in step) for step in rule.steps]
            if not any(touched):
                continue
            if t is None:
                t = self.event_time(ev)
            if self._run_state(rule, ev, t, touched) and not rule.silenced(ev):
                hits.append(self._hit(rule, ev, rule.severity, ""))
                hit_ids.add(rule.id)
        return hits

    @staticmethod
    def _hit(rule, ev, severity, reason):
        return {"rule": rule.id, "title": rule.title, "severity": severity,
                "alert": rule.alert, "reason": reason, "kind": rule.kind,
                "eventID": field(ev, "eventID"), "time": field(ev, "time"),
                "principal": field(ev, "principal"), "sourceIP": field(ev, "sourceIP"),
                "action": field(ev, "action"), "resource": field(ev, "resource")}


# ---------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------

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


def message_for(hit, event):
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    record = json.dumps(detail, sort_keys=True, default=str)
    body = {key: hit[key] for key in ("rule", "title", "severity", "reason", "eventID", "time",
                                      "principal", "sourceIP", "action", "resource")}
    body.update({"eventName": detail.get("eventName"), "errorCode": detail.get("errorCode"),
                 "region": detail.get("awsRegion") or event.get("region"),
                 "account": event.get("account")})
    if len(record.encode("utf-8")) <= RECORD_MAX:
        body["record"] = detail
    else:
        body["recordTruncated"] = truncate_utf8(record, RECORD_MAX)
    return truncate_utf8(json.dumps(body, indent=2, sort_keys=True, default=str), MESSAGE_MAX)


# ---------------------------------------------------------------------------
# The handler
# ---------------------------------------------------------------------------

_ENGINE = None
_SNS = None


def load_config(path=None):
    path = path or os.environ.get("ANALYSER_RULES") or os.path.join(HERE, "rules.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _engine():
    global _ENGINE
    if _ENGINE is None:
        table = os.environ.get("STATE_TABLE", "")
        store = DynamoStore(table) if table else MemoryStore()
        if not table:
            LOG.warning("STATE_TABLE is not set: state lives only as long as this instance")
        _ENGINE = Engine(load_config(), store)
    return _ENGINE


def _sns():
    global _SNS
    if _SNS is None:
        import boto3
        _SNS = boto3.client("sns")
    return _SNS


def publish(hit, event, topic, sns=None):
    sev = hit["severity"]
    subject = "s3watch %s %s: %s" % (sev.upper(), hit["rule"],
                                     hit["reason"] or hit["title"])
    (sns or _sns()).publish(
        TopicArn=topic, Subject=ascii_subject(subject), Message=message_for(hit, event),
        MessageAttributes={"severity": {"DataType": "String", "StringValue": sev},
                           "rule": {"DataType": "String", "StringValue": hit["rule"]}})


def handler(event, context=None, engine=None, sns=None):
    """Entry point (analyser.handler).  Returns a summary dict; raises when
    the state could not be kept, so that Lambda retries the event (whose
    updates already made count no more)."""
    topic = os.environ.get("SNS_TOPIC_ARN", "")
    summary = {"events": 0, "hits": 0, "published": 0, "errors": 0, "skipped": 0}
    if not isinstance(event, dict) or not isinstance(event.get("detail"), dict):
        LOG.warning("not an EventBridge CloudTrail event: no detail object")
        summary["skipped"] = 1
        return summary
    engine = engine or _engine()
    summary["events"] = 1
    hits = engine.evaluate(event)
    for hit in hits:
        if not hit["alert"]:
            continue
        summary["hits"] += 1
        if not topic:
            LOG.error("SNS_TOPIC_ARN is not set: hit of %s dropped", hit["rule"])
            summary["errors"] += 1
            continue
        try:
            publish(hit, event, topic, sns)
            summary["published"] += 1
        except Exception:  # one failed publish must not lose the others
            LOG.exception("publishing the hit of %s failed", hit["rule"])
            summary["errors"] += 1
    LOG.info("s3watch analyser: %s", json.dumps(summary))
    return summary
