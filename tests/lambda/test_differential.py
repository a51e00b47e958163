#!/usr/bin/env python3
"""The console's checks (src/rules/rules_check.c, through `s3watch replay`)
and the Lambda analyser's (conf/lambda/analyser.py) on seeded mutations of
the check fixtures: they must give every record the same hits.

From each fixture of tests/lambda/fixtures, every seed of SEEDS derives
MUTANTS records, each with one to four mutations of what the checks read:
the principals of a policy in every form (strings, lists, objects, account
ids as numbers, ARNs of other partitions, services with and without
conditions, NotPrincipal), the conditions (key and operator forms), the
policy as an object, as text, as bad text; ACL headers and grants;
copy resources and KMS keys; event selectors; lifecycle rules (Days as
strings, numbers, booleans, Dates); and what every check reads
(errorCode, eventSource, eventName, the record's account, member name
case).  Each record gets an eventID of its own.  For each seed and each of
the SETTINGS, one JSON lines file goes through one `s3watch replay` and
through the analyser's engine (the check rules of the plan setup step 8
deploys) and its check functions called directly; per eventID the (rule,
severity) pairs must be the same.

    S3WATCH=./s3watch top_builddir=. python3 tests/lambda/test_differential.py

Standard library only (the analyser imports boto3 only when it talks to
AWS).
"""

import copy
import glob
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("top_builddir", TOP)
S3WATCH = os.environ.get("S3WATCH", os.path.join(BUILD, "s3watch"))
PLAN = os.path.join(BUILD, "tests", "lambda", "analyser-plan")
RULES = os.environ.get("S3WATCH_RULES_DIR", os.path.join(TOP, "conf", "rules.d"))
FIXTURES = os.path.join(HERE, "fixtures")

# More seeds for a longer search: DIFF_SEEDS=FIRST-LAST; every
# disagreement to a file: DIFF_REPORT=PATH.
SEEDS = (1, 2, 3)
if os.environ.get("DIFF_SEEDS"):
    _first, _, _last = os.environ["DIFF_SEEDS"].partition("-")
    SEEDS = tuple(range(int(_first), int(_last or _first) + 1))
MUTANTS = 30            # records per fixture and seed

spec = importlib.util.spec_from_file_location("analyser",
                                              os.path.join(TOP, "conf", "lambda", "analyser.py"))
A = importlib.util.module_from_spec(spec)
spec.loader.exec_module(A)

OWN = "111122223333"
OTHER = "444455556666"
THIRD = "777788889999"
OWNER_ID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
OTHER_ID = "be31aaf1a4b69a2a1c2a5e1f3b0f5d6e7c8b9a0f1e2d3c4b5a69788796a5b4c3"

# The settings each seed runs under: those of the fixtures
# (agreement.conf), and a second set with trusted accounts, other
# buckets and another minimum.
SETTINGS = {
    "fixtures": None,
    "trusted": ('source_bucket = "acme-other";\n'
                'trail_bucket = "acme-trail-2";\n'
                'log_bucket = "acme-access-logs";\n'
                'trail_name = "s3-security-monitoring-trail";\n'
                'log_expiry_min_days = 10;\n'
                'trusted_accounts = ["111122223333", "777788889999"];\n'),
}


# --- mutations ----------------------------------------------------------------

def recase(rng, name):
    """name in another case; now and then with a Kelvin sign for a k (no
    ASCII letter, so never the same name)."""
    pick = rng.randrange(4)
    if pick == 0:
        out = name.lower()
    elif pick == 1:
        out = name.upper()
    elif pick == 2:
        out = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)
    else:
        out = name.replace("k", "\u212a", 1) if "k" in name else name.swapcase()
    return out


def rename(rng, obj, key):
    """obj's member key under another case (keeping the order)."""
    if not isinstance(obj, dict) or key not in obj:
        return
    new = recase(rng, key)
    items = [(new if k == key else k, v) for k, v in obj.items()]
    obj.clear()
    obj.update(items)


def arn(service, account, resource, partition="aws", region=""):
    return "arn:%s:%s:%s:%s:%s" % (partition, service, region, account, resource)


def account_value(rng):
    return rng.choice([OWN, OTHER, THIRD, int(OTHER), int(OWN), "", "anonymous", None,
                       "4444555566667", "44445555666", "\u0664" * 12, True, 444455556666.0,
                       [OTHER], "*"])


def principal_value(rng):
    """One value of a Principal's AWS member."""
    return rng.choice([
        "*", OWN, OTHER, THIRD, int(OTHER), int(OWN), int(THIRD), True, None, 12,
        444455556666.0, "\u0664\u0664\u0664\u0664\u0665\u0665\u0665\u0665\u0666\u0666"
        "\u0666\u0666",
        arn("iam", OWN, "root"), arn("iam", OTHER, "root"), arn("iam", OTHER, "role/exfil"),
        arn("iam", THIRD, "user/x"), arn("sts", OTHER, "assumed-role/r/s"),
        arn("sts", OWN, "assumed-role/r/s"), arn("iam", OTHER, "root", "aws-cn"),
        arn("iam", OTHER, "root", "aws-us-gov"), arn("iam", OTHER, "root", ""),
        arn("iam", OTHER, "role/x", region="us-east-1"), arn("iam", OTHER, ""),
        "arn:aws:iam::%s" % OTHER, arn("s3", "", "acme-data"),
        arn("lambda", OTHER, "function:f", region="eu-west-1"),
        arn("iam", "4444555566667", "root"), arn("IAM", OTHER, "root"),
        "AROAJQABLZS4A3QDU576Q", "AIDAJQABLZS4A3QDU576Q", "",
    ])


def principal(rng):
    """A whole Principal (or NotPrincipal) value."""
    pick = rng.randrange(12)
    if pick == 0:
        return rng.choice(["*", ["*"], ["*", "x"], "", None, 5, [], {}, OTHER,
                           arn("iam", OTHER, "root"), ["x"], {"*": "*"}])
    out = {}
    for _ in range(rng.choice([1, 1, 1, 2])):
        kind = rng.choice(["AWS", "AWS", "AWS", "CanonicalUser", "Service", "Federated"])
        if kind == "AWS":
            vals = [principal_value(rng) for _ in range(rng.choice([1, 1, 2, 3]))]
        elif kind == "CanonicalUser":
            vals = [rng.choice([OTHER_ID, OWNER_ID, "", None, 7, OTHER_ID.upper()])]
        elif kind == "Service":
            vals = [rng.choice(["cloudfront.amazonaws.com", "logging.s3.amazonaws.com", "",
                                None, 3, ["a.amazonaws.com", ""]])]
        else:
            vals = ["cognito-identity.amazonaws.com"]
        if rng.random() < 0.2:
            kind = recase(rng, kind)
        out[kind] = vals[0] if len(vals) == 1 and rng.random() < 0.5 else vals
    return out


def condition_values(rng, key):
    low = key.lower()
    if low == "aws:sourcearn":
        pool = [arn("cloudfront", OWN, "distribution/E2QWRUHEXAMPLE"),
                arn("cloudfront", OWN, "distribution/*"),
                arn("cloudfront", OTHER, "distribution/E"),
                arn("s3", "", "acme-logs"), arn("logs", THIRD, "*", region="eu-west-1"),
                "arn:aws:cloudfront::*:distribution/*", "*", arn("cloudfront", OWN, ""),
                int(OWN), None, "arn:aws:cloudfront::1111*:distribution/x"]
    elif low in ("aws:sourceaccount", "aws:principalaccount"):
        pool = [OWN, OTHER, THIRD, int(OWN), int(OTHER), "1111*", "*", "", None, True,
                "\u0661" * 12]
    elif low == "aws:principalorgid":
        pool = ["o-a1b2c3d4e5", "", None]
    elif low == "aws:sourceip":
        pool = ["203.0.113.0/24", "0.0.0.0/0"]
    elif low in ("aws:sourcevpc", "aws:sourcevpce"):
        pool = ["vpc-111", "vpce-1a2b3c4d"]
    else:
        pool = ["false", "true", False]
    n = rng.choice([1, 1, 1, 2, 3, 0])
    vals = [rng.choice(pool) for _ in range(n)]
    if n == 1 and rng.random() < 0.6:
        return vals[0]
    return vals


CONDITION_KEYS = ["aws:SourceAccount", "aws:SourceArn", "aws:PrincipalAccount",
                  "aws:PrincipalOrgID", "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce",
                  "aws:SecureTransport", "s3:prefix"]
OPERATORS = ["StringEquals", "StringLike", "ArnLike", "ArnEquals", "IpAddress",
             "ForAnyValue:StringEquals", "StringNotEquals", "Bool", "Null"]


def condition(rng):
    pick = rng.randrange(14)
    if pick == 0:
        return rng.choice([None, "x", [], [{"StringEquals": {"aws:SourceAccount": OWN}}], 3])
    out = {}
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        op = rng.choice(OPERATORS)
        if rng.random() < 0.08:
            out[op] = rng.choice([None, "aws:SourceAccount", [{"aws:SourceAccount": OWN}], 1])
            continue
        block = out.setdefault(op, {})
        if not isinstance(block, dict):
            continue
        for _ in range(rng.choice([1, 1, 2])):
            key = rng.choice(CONDITION_KEYS)
            vals = condition_values(rng, key)
            if rng.random() < 0.2:
                key = recase(rng, key)
            block[key] = vals
    return out


def statement(rng):
    st = {"Sid": rng.choice(["Grant", "", None, 7, "S" * 60, "Zugriff \u00fcberall"]),
          "Effect": rng.choice(["Allow"] * 6 + ["Deny", "allow", "ALLOW", None, ["Allow"]]),
          "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-data/*"}
    st["NotPrincipal" if rng.random() < 0.1 else "Principal"] = principal(rng)
    if rng.random() < 0.6:
        st["Condition"] = condition(rng)
    return st


def deep(levels):
    """A policy nested levels deep in all (objects inside the statement)."""
    inner = {"Sid": "Deep", "Effect": "Allow", "Principal": "*"}
    node = inner
    # policy{ Statement[ {stmt} ] } is 3 levels; Deep members make the rest.
    for _ in range(max(0, levels - 3)):
        node["Nest"] = {}
        node = node["Nest"]
    return {"Version": "2012-10-17", "Statement": [inner]}


def mutate_policy(rng, rec, tags):
    rp = rec.get("requestParameters")
    if not isinstance(rp, dict):
        return
    pol = rp.get("bucketPolicy")
    if isinstance(pol, str):
        try:
            pol = json.loads(pol)
        except ValueError:
            pol = {}
    if not isinstance(pol, dict):
        pol = {}
    stmts = pol.get("Statement")
    stmts = stmts if isinstance(stmts, list) else [stmts] if stmts is not None else []
    what = rng.randrange(10)
    if what < 4 and stmts:
        i = rng.randrange(len(stmts))
        st = stmts[i] if isinstance(stmts[i], dict) else {}
        part = rng.choice(["Effect", "Principal", "Condition", "NotPrincipal", "names"])
        tags.append("statement-" + part.lower())
        if part == "Effect":
            st["Effect"] = rng.choice(["Allow", "Deny", "allow", None, ""])
        elif part == "Principal":
            st.pop("NotPrincipal", None)
            st["Principal"] = principal(rng)
        elif part == "Condition":
            st["Condition"] = condition(rng)
        elif part == "NotPrincipal":
            val = st.pop("Principal", None)
            st["NotPrincipal"] = rng.choice([val, None, [], {"AWS": OWN}, "*"])
        else:
            for k in list(st):
                if rng.random() < 0.5:
                    rename(rng, st, k)
        stmts[i] = st
    elif what < 8:
        tags.append("statement-new")
        stmts.insert(rng.randrange(len(stmts) + 1), statement(rng))
    else:
        tags.append("statement-junk")
        stmts.append(rng.choice([None, "x", 5, [], {"Effect": "Allow"}]))
    pol["Statement"] = stmts[0] if len(stmts) == 1 and rng.random() < 0.5 else stmts
    if rng.random() < 0.15:
        tags.append("statement-member-case")
        rename(rng, pol, "Statement")
    form = rng.randrange(20)
    if form < 11:
        rp["bucketPolicy"] = pol
    elif form < 16:
        tags.append("policy-string")
        rp["bucketPolicy"] = json.dumps(pol, indent=rng.choice([None, 1]))
    elif form == 16:
        tags.append("policy-bad-json")
        rp["bucketPolicy"] = json.dumps(pol)[:-1]
    elif form == 17:
        tags.append("policy-trailing-text")
        rp["bucketPolicy"] = json.dumps(pol) + rng.choice([" ", "\n", " x", "}", "{}", " []"])
    elif form == 18:
        tags.append("policy-deep")
        doc = deep(rng.choice([61, 62, 63, 64, 65, 66]))
        rp["bucketPolicy"] = json.dumps(doc) if rng.random() < 0.7 else doc
    else:
        tags.append("policy-odd")
        rp["bucketPolicy"] = rng.choice([None, [], "[]", "null", 5, "\"*\"", ""])


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def grantee(rng):
    pick = rng.randrange(4)
    if pick == 0:
        return {"xsi:type": "Group", "URI": rng.choice([
            ALL_USERS, AUTH_USERS, ALL_USERS + "/", ALL_USERS.lower(),
            ALL_USERS.replace("http:", "https:"), "http://acs.amazonaws.com/groups/s3/LogDelivery",
            "", None, 5])}
    if pick == 1:
        return {"xsi:type": "CanonicalUser", "ID": rng.choice([
            OWNER_ID, OWNER_ID.upper(), OTHER_ID, "", None, 9])}
    if pick == 2:
        return {"xsi:type": "AmazonCustomerByEmail",
                "EmailAddress": rng.choice(["partner@example.com", "", None])}
    return rng.choice([None, "x", {}, {"URI": ALL_USERS, "ID": OTHER_ID},
                       {"ID": OWNER_ID, "EmailAddress": "a@example.com"}])


def grant_header(rng):
    items = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        kind = rng.choice(["uri", "id", "emailAddress", "URI", "Id", "EMAILADDRESS", "other"])
        val = rng.choice([ALL_USERS, AUTH_USERS, OTHER_ID, OWNER_ID, OWNER_ID.upper(),
                          "partner@example.com", "",
                          "http://acs.amazonaws.com/groups/s3/LogDelivery"])
        quote = rng.choice(['"%s"', "%s", '"%s', '%s"', '""%s""', "'%s'"])
        space = rng.choice(["", " ", "\t", "  ", "\n"])
        items.append(rng.choice(["%s=%s", "%s = %s", "%s= %s"]) % (
            space + kind, quote % val + space))
    if rng.random() < 0.1:
        items.append(rng.choice(["", "noequals", '"', "="]))
    text = rng.choice([",", ", ", " ,"]).join(items)
    if rng.random() < 0.05:
        text = rng.choice(['"', "id=\"", "uri="])
    return text


def mutate_acl(rng, rec, tags):
    rp = rec.get("requestParameters")
    if not isinstance(rp, dict):
        return
    what = rng.randrange(8)
    if what == 0:
        tags.append("canned")
        key = rng.choice(["x-amz-acl", "x-amz-acl", "X-Amz-Acl", "X-AMZ-ACL"])
        for k in [k for k in rp if k.lower() == "x-amz-acl"]:
            del rp[k]
        val = rng.choice(["public-read", "PUBLIC-READ", "Public-Read-Write", "authenticated-read",
                          "private", "log-delivery-write", "bucket-owner-full-control", "",
                          None, 3, ["private", "public-read"], [None], "public-read "])
        rp[key] = val
    elif what <= 3:
        tags.append("grants")
        acp = rp.get("AccessControlPolicy")
        acp = acp if isinstance(acp, dict) else {"Owner": {"ID": OWNER_ID},
                                                  "AccessControlList": {"Grant": []}}
        acl = acp.get("AccessControlList")
        acl = acl if isinstance(acl, dict) else {"Grant": []}
        grants = acl.get("Grant")
        grants = grants if isinstance(grants, list) else [grants]
        grants.append({"Grantee": grantee(rng), "Permission": rng.choice(
            ["READ", "FULL_CONTROL", None, 5])})
        acl["Grant"] = grants[0] if len(grants) == 1 and rng.random() < 0.5 else grants
        acp["AccessControlList"] = acl
        if rng.random() < 0.3:
            tags.append("owner")
            acp["Owner"] = rng.choice([{"ID": OWNER_ID.upper()}, {"ID": OTHER_ID}, {}, None,
                                       {"ID": None}, {"id": OWNER_ID}, {"ID": 5}])
        rp["AccessControlPolicy"] = acp
        if rng.random() < 0.2:
            tags.append("acp-member-case")
            for k in ("AccessControlPolicy",):
                rename(rng, rp, k)
            for k in ("Owner", "AccessControlList"):
                rename(rng, acp, k)
            rename(rng, acl, "Grant")
            for g in grants:
                if isinstance(g, dict):
                    rename(rng, g, "Grantee")
                    if isinstance(g.get("Grantee"), dict):
                        for k in ("URI", "ID", "EmailAddress"):
                            rename(rng, g["Grantee"], k)
    elif what <= 6:
        tags.append("grant-header")
        name = rng.choice(["x-amz-grant-read", "x-amz-grant-full-control", "X-Amz-Grant-Write-Acp",
                           "x-amz-grant-", "x-amz-grantread"])
        val = grant_header(rng)
        rp[name] = [val, grant_header(rng)] if rng.random() < 0.2 else val
    else:
        tags.append("no-params")
        rec["requestParameters"] = rng.choice([None, {}, "x"])


def mutate_copy(rng, rec, tags):
    what = rng.randrange(8)
    if what <= 3:
        tags.append("resources")
        res = rec.get("resources")
        res = res if isinstance(res, list) else []
        entry = {"type": rng.choice(["AWS::S3::Bucket", "AWS::S3::Object", "AWS::KMS::Key",
                                     "aws::s3::bucket", None]),
                 "ARN": "arn:aws:s3:::partner-drop"}
        if rng.random() < 0.9:
            entry["accountId"] = account_value(rng)
        if rng.random() < 0.5 and res:
            res[rng.randrange(len(res))] = entry
        else:
            res.insert(rng.randrange(len(res) + 1), entry)
        rec["resources"] = res
        if rng.random() < 0.1:
            tags.append("resources-form")
            rec["resources"] = rng.choice([entry, None, "x", {"x": res}])
        if rng.random() < 0.05:
            tags.append("resources-member-case")
            for r in res:
                rename(rng, r, "accountId")
    elif what <= 6:
        tags.append("kms")
        rp = rec.get("requestParameters")
        if not isinstance(rp, dict):
            return
        name = rng.choice(["x-amz-server-side-encryption-aws-kms-key-id"] * 3 + [
            "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id",
            "x-amz-server-side-encryption-aws-\u212ams-key-id",
            "x-amz-server-side-encryption-aws-kms-\u212aey-id"])
        val = rng.choice([
            arn("kms", OTHER, "key/0987", region="eu-west-1"),
            arn("kms", OWN, "key/1234", region="eu-west-1"),
            arn("kms", THIRD, "key/1234", region="eu-west-1"),
            arn("kms", OTHER, "alias/x", region="eu-west-1"),
            arn("kms", OTHER, "key/x", "aws-cn", "cn-north-1"),
            arn("kms", "4444", "key/x", region="eu-west-1"),
            arn("s3", OTHER, "x"), arn("KMS", OTHER, "key/x"),
            "1234abcd-12ab-34cd-56ef-1234567890ab", "alias/acme", "", None, 5,
            "arn:aws:kms:eu-west-1:%s" % OTHER])
        rp[name] = [val, arn("kms", OWN, "key/1")] if rng.random() < 0.15 else val
    else:
        tags.append("no-params")
        rec["requestParameters"] = rng.choice([None, {}, "x"])


BUCKET_VALUES = ["arn:aws:s3", "arn:aws:s3:::", "arn:aws-cn:s3:::acme-data/",
                 "arn:aws:s3:::acme-data",
                 "arn:aws:s3:::acme-data/", "arn:aws:s3:::acme-data/logs/", "arn:aws:s3:::acme",
                 "arn:aws:s3:::acme-data-x/", "arn:aws:s3:::acme-other/", "arn:aws:s3:::acme-data*",
                 "arn:aws:s3:::ACME-DATA/", "arn:aws:s3::", "arn:aws:s3:", "arn:", "arn:aws",
                 "acme-data", "", None, 5, "arn:aws:s3:::acme-data//", "arn::s3:::acme-data/"]


def adv_field(rng):
    field = rng.choice(["eventCategory", "eventCategory", "resources.type", "resources.ARN",
                        "resources.ARN", "readOnly", "EventCategory", "resources.arn", None])
    f = {"field": field}
    ops = ["equals", "startsWith", "endsWith", "notStartsWith", "notEquals", "notEndsWith"]
    for _ in range(rng.choice([1, 1, 2])):
        op = rng.choice(ops)
        if rng.random() < 0.15:
            op = recase(rng, op)
        if field in ("eventCategory", "EventCategory"):
            pool = ["Management", "Data", "management", "NetworkActivity"]
        elif field == "resources.type":
            pool = ["AWS::S3::Object", "AWS::S3::AccessPoint", "aws::s3::object"]
        else:
            pool = BUCKET_VALUES + [".csv"]
        vals = [rng.choice(pool) for _ in range(rng.choice([1, 1, 2]))]
        f[op] = vals[0] if len(vals) == 1 and rng.random() < 0.3 else vals
    return f


def mutate_trail(rng, rec, tags):
    rp = rec.get("requestParameters")
    if not isinstance(rp, dict):
        return
    what = rng.randrange(10)
    if what <= 2:
        tags.append("basic")
        sels = rp.get("eventSelectors")
        sels = sels if isinstance(sels, list) else []
        sel = {"readWriteType": rng.choice(["All", "ReadOnly", "WriteOnly"]),
               "includeManagementEvents": rng.choice([True, False, "true", "TRUE", "yes", 1, None,
                                                      "false"])}
        if rng.random() < 0.7:
            drs = []
            for _ in range(rng.choice([1, 1, 2])):
                vals = [rng.choice(BUCKET_VALUES) for _ in range(rng.choice([1, 1, 2]))]
                drs.append({"type": rng.choice(["AWS::S3::Object"] * 3 + [
                    "AWS::Lambda::Function", "aws::s3::object", None]),
                    "values": vals[0] if len(vals) == 1 and rng.random() < 0.3 else vals})
            sel["dataResources"] = drs[0] if len(drs) == 1 and rng.random() < 0.2 else drs
        if rng.random() < 0.15:
            tags.append("basic-member-case")
            for k in ("includeManagementEvents", "dataResources"):
                rename(rng, sel, k)
        sels.insert(rng.randrange(len(sels) + 1), sel)
        rp["eventSelectors"] = sels[0] if len(sels) == 1 and rng.random() < 0.2 else sels
    elif what <= 5:
        tags.append("advanced")
        sels = rp.get("advancedEventSelectors")
        sels = sels if isinstance(sels, list) else []
        sel = {"name": "s", "fieldSelectors": [adv_field(rng)
                                               for _ in range(rng.choice([1, 2, 3]))]}
        if rng.random() < 0.5:
            sel["fieldSelectors"][:0] = [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]}]
        if rng.random() < 0.1:
            tags.append("advanced-member-case")
            rename(rng, sel, "fieldSelectors")
        sels.insert(rng.randrange(len(sels) + 1), sel)
        rp["advancedEventSelectors"] = sels
    elif what <= 7:
        tags.append("trail-name")
        rp["trailName"] = rng.choice([
            "s3-security-monitoring-trail", "audit-other", None, 5, "",
            "arn:aws:cloudtrail:eu-west-1:%s:trail/s3-security-monitoring-trail" % OWN,
            "arn:aws:cloudtrail:eu-west-1:%s:trail/audit-other" % OWN,
            "arn:aws:cloudtrail:eu-west-1:%s:trail/s3-security-monitoring-trail-x" % OWN,
            "S3-Security-Monitoring-Trail"])
        if rng.random() < 0.2:
            rp.pop("trailName", None)
    elif what == 8:
        tags.append("selectors-form")
        key = rng.choice(["advancedEventSelectors", "eventSelectors"])
        rp[key] = rng.choice([None, "x", {}, [], 5, [None]])
    else:
        tags.append("selectors-member-case")
        for k in ("advancedEventSelectors", "eventSelectors"):
            rename(rng, rp, k)


DAYS = [1, 7, 9, 10, 11, 29, 30, 31, 365, 0, -1, "7", "30", " 7", "7 ", "-5", "+5", "007",
        "7.0", 7.0, 7.5, True, False, "true", None, "\u0667", "\u00b2", "", "1e3",
        10 ** 20, -(10 ** 20), 2 ** 63, -(2 ** 63), "1234567890123456", "-123456789012345",
        "999999999999999", [7], {"v": 7}]
DATES = ["2026-08-22T00:00:00Z", "2026-09-01T00:00:00Z", "2026-09-20T10:15:42Z",
         "2026-09-20T10:15:41Z", "2026-09-20T10:15:43Z", "2026-08-31T10:15:42Z",
         "2026-08-31T10:15:41Z", "2026-12-01T00:00:00Z", "2025-01-01T00:00:00Z",
         "2026-09-01T00:00:00.000Z", "2026-09-01T00:00:00+02:00", "2026-09-01",
         "2026-09-01T00:00:00", "not a date", "", None, 5, "2026-13-01T00:00:00Z",
         "2026-02-31T00:00:00Z", "1969-12-31T00:00:00Z", "2026-09-01T24:00:00Z",
         "2026-09-01t00:00:00z", "2026-09-01T00:00:60Z"]
EVENT_TIMES = ["2026-08-21T10:15:42Z", "2026-08-21T10:15:42.123Z", "2026-08-21T12:15:42+02:00",
               "garbage", None, "2026-08-21T10:15:42-10:30"]


def lifecycle_rule(rng):
    r = {"ID": rng.choice(["r", "", None]), "Filter": {"Prefix": ""},
         "Status": rng.choice(["Enabled"] * 5 + ["Disabled", "enabled", "ENABLED", None, ""])}
    what = rng.randrange(9)
    if what <= 3:
        exp = {}
        if rng.random() < 0.7:
            exp["Days"] = rng.choice(DAYS)
        if rng.random() < 0.4:
            exp["Date"] = rng.choice(DATES)
        if rng.random() < 0.2:
            exp["ExpiredObjectDeleteMarker"] = True
        r["Expiration"] = exp if rng.random() < 0.95 else rng.choice([None, "x", 5])
    elif what <= 5:
        r["NoncurrentVersionExpiration"] = rng.choice([
            {"NoncurrentDays": rng.choice(DAYS)}, {"NoncurrentDays": rng.choice(DAYS)},
            {"NewerNoncurrentVersions": 3}, {}, None, "x", 5, False])
    elif what == 6:
        r["Transitions"] = [{"Days": rng.choice(DAYS), "StorageClass": "GLACIER"}]
    elif what == 7:
        r["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": 1}
    else:
        r["Expiration"] = {"ExpiredObjectDeleteMarker": True}
    if rng.random() < 0.15:
        for k in ("Status", "Expiration", "NoncurrentVersionExpiration"):
            rename(rng, r, k)
        for k in ("Days", "Date", "NoncurrentDays"):
            for part in ("Expiration", "NoncurrentVersionExpiration"):
                if isinstance(r.get(part), dict):
                    rename(rng, r[part], k)
    return r


def mutate_lifecycle(rng, rec, tags):
    rp = rec.get("requestParameters")
    if not isinstance(rp, dict):
        return
    what = rng.randrange(10)
    if what <= 4:
        tags.append("rule")
        conf = rp.get("LifecycleConfiguration")
        conf = conf if isinstance(conf, dict) else {}
        rules = conf.get("Rule")
        rules = rules if isinstance(rules, list) else [rules] if rules is not None else []
        if rules and rng.random() < 0.5:
            rules[rng.randrange(len(rules))] = lifecycle_rule(rng)
        else:
            rules.insert(rng.randrange(len(rules) + 1), lifecycle_rule(rng))
        conf["Rule"] = rules[0] if len(rules) == 1 and rng.random() < 0.5 else rules
        rp["LifecycleConfiguration"] = conf
        if rng.random() < 0.1:
            tags.append("config-member-case")
            rename(rng, rp, "LifecycleConfiguration")
            rename(rng, conf, "Rule")
    elif what <= 6:
        tags.append("bucket")
        rp["bucketName"] = rng.choice(["acme-data", "acme-cloudtrail-logs", "acme-access-logs",
                                       "acme-trail-2", "acme-scratch", None, "",
                                       ["acme-cloudtrail-logs"], "ACME-CLOUDTRAIL-LOGS"])
    elif what <= 8:
        tags.append("event-time")
        rec["eventTime"] = rng.choice(EVENT_TIMES)
    else:
        tags.append("config-form")
        rp["LifecycleConfiguration"] = rng.choice([None, "x", {"Rule": None}, {"Rule": []},
                                                   {"Rule": [None, 5]}])


MUTATORS = {"policy-grant": mutate_policy, "acl-grant": mutate_acl,
            "cross-account-copy": mutate_copy, "trail-selectors": mutate_trail,
            "log-expiry": mutate_lifecycle}
EVENTS = {"policy-grant": ["PutBucketPolicy"], "acl-grant": ["PutBucketAcl", "PutObjectAcl"],
          "cross-account-copy": ["CopyObject", "UploadPartCopy"],
          "trail-selectors": ["PutEventSelectors", "PutAdvancedEventSelectors"],
          "log-expiry": ["PutBucketLifecycle", "PutBucketLifecycleConfiguration"]}


def mutate_common(rng, check, rec, tags):
    """What every check reads: the call, its outcome, its account."""
    what = rng.randrange(7)
    if what == 0:
        tags.append("error-code")
        val = rng.choice(["absent", None, "", "AccessDenied", 0])
        rec.pop("errorCode", None)
        if val != "absent":
            rec["errorCode"] = val
    elif what == 1:
        tags.append("event-source")
        rec["eventSource"] = rng.choice(["s3.amazonaws.com", "cloudtrail.amazonaws.com",
                                         "S3.amazonaws.com", "s3control.amazonaws.com", None,
                                         ["s3.amazonaws.com"]])
    elif what == 2:
        tags.append("event-name")
        rec["eventName"] = rng.choice(EVENTS[check] + [e for v in EVENTS.values() for e in v] +
                                      [EVENTS[check][0].lower(), None])
    elif what <= 4:
        tags.append("account")
        val = account_value(rng)
        if val == "*":
            rec.pop("recipientAccountId", None)
        else:
            rec["recipientAccountId"] = val
        if rng.random() < 0.4:
            ident = rec.get("userIdentity")
            if isinstance(ident, dict):
                ident = dict(ident)
                ident["accountId"] = account_value(rng)
                rec["userIdentity"] = ident
    elif what == 5:
        tags.append("params-null-member")
        rp = rec.get("requestParameters")
        if isinstance(rp, dict) and rp:
            rp[rng.choice(list(rp))] = None


def mutants(check, base, seed, name):
    rng = random.Random("%d/%s" % (seed, name))
    out = []
    for i in range(MUTANTS):
        rec = copy.deepcopy(base)
        tags = []
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            if rng.random() < 0.25:
                mutate_common(rng, check, rec, tags)
            else:
                MUTATORS[check](rng, rec, tags)
        rec["eventID"] = "diff-%d-%s-%d" % (seed, name, i)
        # As EventBridge delivers it, now and then: then both sides read
        # the same text (always for a record nested near the depth limit,
        # which the envelope deepens).
        if A._depth(rec) >= A.CHECK_MAX_DEPTH - 4 or rng.random() < 0.2:
            tags.append("eventbridge")
            rec = A.wrap_cloudtrail(rec)
        out.append((rec, tags))
    return out


# --- the two sides ----------------------------------------------------------------

def plan_config():
    out = subprocess.run([PLAN, RULES], check=True, capture_output=True, text=True)
    config = json.loads(out.stdout)["config"]
    config = dict(config, rules=[r for r in config["rules"] if r.get("kind") == "check"])
    return config


def settings_for(tmp, name, text):
    """The config file for replay, and the analyser's Settings from what
    `s3watch config` makes of it."""
    path = os.path.join(tmp, "%s.conf" % name)
    if text is None:
        with open(os.path.join(HERE, "agreement.conf"), encoding="utf-8") as f:
            text = f.read()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    env = dict(os.environ, S3WATCH_CONFIG=path, S3WATCH_RULES_DIR=RULES)
    shown = subprocess.run([S3WATCH, "config"], capture_output=True, text=True, env=env,
                           check=True)
    values = {}
    for line in shown.stdout.splitlines():
        m = re.match(r"(\w+)\s+(.*?)\s+#", line)
        if m:
            values[m.group(1)] = m.group(2)

    def val(key):
        v = values.get(key, "")
        if v.startswith("["):
            return ",".join(json.loads(v))
        return json.loads(v) if v.startswith('"') else v

    s = A.Settings({"TRUSTED_ACCOUNTS": val("trusted_accounts"),
                    "LOG_EXPIRY_MIN_DAYS": str(val("log_expiry_min_days")),
                    "SOURCE_BUCKET": val("source_bucket"), "TRAIL_BUCKET": val("trail_bucket"),
                    "LOG_BUCKET": val("log_bucket"), "TRAIL_NAME": val("trail_name")})
    return path, env, s


def replay(path, config, env, rules):
    out = subprocess.run([S3WATCH, "replay", "--config", config, path], capture_output=True,
                         text=True, env=env)
    if out.returncode != 0:
        raise AssertionError("replay: exit %d: %s" % (out.returncode, out.stderr[-2000:]))
    hits = {}
    for line in out.stdout.splitlines():
        if not line.startswith('{"rule"'):
            continue
        h = json.loads(line)
        if h["rule"] in rules:
            hits.setdefault(h["eventID"], set()).add((h["rule"], h["severity"]))
    return hits


def analyse(records, config, settings):
    engine = A.Engine(config, A.MemoryStore(), settings)
    by_check = {r["check"]: r["id"] for r in config["rules"]}
    sev = {r["id"]: r["severity"] for r in config["rules"]}
    hits, direct = {}, {}
    for rec, _ in records:
        event = rec if "detail-type" in rec else A.wrap_cloudtrail(rec)
        eid = event["detail"]["eventID"]
        try:
            for h in engine.evaluate(event):
                hits.setdefault(h["eventID"], set()).add((h["rule"], h["severity"]))
        except Exception as e:  # a crash is an answer that differs
            hits.setdefault(eid, set()).add(("raised", repr(e)))
        for check, rule in by_check.items():
            try:
                record = A.check_record(event)
                got = A.CHECKS[check](record, settings) if record is not None else None
            except Exception as e:
                direct.setdefault(eid, set()).add((check + " raised", repr(e)))
                continue
            if got:
                # A hit is at most the rule's severity, as in the engine.
                s = min(got[0], sev[rule], key=A.SEVERITIES.index)
                direct.setdefault(eid, set()).add((rule, s))
    return hits, direct


class DifferentialTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.config = plan_config()
        cls.rules = {r["id"] for r in cls.config["rules"]}
        cls.bases = []
        for path in sorted(glob.glob(os.path.join(FIXTURES, "*.json"))):
            name = os.path.basename(path)[:-5]
            with open(path, encoding="utf-8") as f:
                cls.bases.append((name.split(".")[0], name, json.load(f)))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_checks_cover_the_pack(self):
        self.assertEqual(sorted(r["check"] for r in self.config["rules"]), sorted(MUTATORS))
        self.assertEqual(sorted({c for c, _, _ in self.bases}), sorted(MUTATORS))

    def test_replay_and_analyser_agree_on_mutations(self):
        wrong, seen, total = [], set(), 0
        for sname, text in SETTINGS.items():
            config, env, settings = settings_for(self.tmp.name, sname, text)
            for seed in SEEDS:
                records = []
                for check, name, base in self.bases:
                    records.extend(mutants(check, base, seed, name))
                path = os.path.join(self.tmp.name, "diff-%s-%d.jsonl" % (sname, seed))
                with open(path, "w", encoding="utf-8") as f:
                    for rec, _ in records:
                        f.write(json.dumps(rec) + "\n")
                want = replay(path, config, env, self.rules)
                got, direct = analyse(records, self.config, settings)
                total += len(records)
                for rec, tags in records:
                    rec = rec.get("detail", rec)
                    eid = rec["eventID"]
                    w, g, d = want.get(eid, set()), got.get(eid, set()), direct.get(eid, set())
                    seen.update(w)
                    if w != g or w != d:
                        wrong.append("%s [%s] %s\n  replay   %s\n  analyser %s\n  checks   %s\n"
                                     "  %s" % (eid, sname, ",".join(tags), sorted(w), sorted(g),
                                               sorted(d), json.dumps(rec)))
        if wrong and os.environ.get("DIFF_REPORT"):
            with open(os.environ["DIFF_REPORT"], "w", encoding="utf-8") as f:
                f.write("\n".join(wrong) + "\n")
        self.assertFalse(wrong, "%d of %d records disagree:\n%s" % (
            len(wrong), total, "\n".join(wrong[:40])))
        # Not vacuous: the mutations reach every severity each check gives.
        for rule, sev in (("s3-bucket-policy-grant", "critical"),
                          ("s3-bucket-policy-grant", "high"),
                          ("s3-bucket-policy-grant", "medium"),
                          ("s3-bucket-policy-grant", "low"),
                          ("s3-acl-grant", "critical"), ("s3-acl-grant", "high"),
                          ("s3-cross-account-copy", "high"),
                          ("cloudtrail-selectors-narrowed", "high"),
                          ("s3-lifecycle-expiration", "high")):
            self.assertIn((rule, sev), seen)


if __name__ == "__main__":
    unittest.main()
