#!/usr/bin/env python3
"""Writes tests/lambda/fixtures: CloudTrail records for the five analysis
checks of the shared specification (policy-grant, acl-grant,
cross-account-copy, trail-selectors, log-expiry), one file a case, named

    CHECK.WANT.CASE.json      WANT: none, info, low, medium, high, critical

They assume the settings of tests/lambda/agreement.conf (monitored bucket
acme-data, trail bucket acme-cloudtrail-logs, access-log bucket
acme-access-logs, log_expiry_min_days 30, trusted_accounts empty: the
record's own account, 111122223333).  tests/lambda/test_analyser.py checks
the analyser against WANT; test_agreement.py runs them through `s3watch
replay` too, once the pack has a rule for the check.  Everything comes from
fixed inputs, so running it again gives the same files.

    python3 tests/lambda/gen-check-fixtures.py [OUTDIR]
"""
import hashlib
import json
import os
import sys
import uuid

ACCOUNT = "111122223333"
OTHER = "444455556666"
REGION = "eu-west-1"
OWNER_ID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
OTHER_ID = "be31aaf1a4b69a2a1c2a5e1f3b0f5d6e7c8b9a0f1e2d3c4b5a69788796a5b4c3"
ATTACKER = {"type": "IAMUser", "principalId": "AIDA4EXAMPLEA9811FB79",
            "arn": "arn:aws:iam::%s:user/contractor-sync" % ACCOUNT, "accountId": ACCOUNT,
            "accessKeyId": "AKIA4EXAMPLECTRSYNC1", "userName": "contractor-sync"}

_n = [0]


def record(source, name, params, error=None, resources=None, time="2026-08-21T10:15:42Z"):
    _n[0] += 1
    seed = "s3watch-check-fixture-%d" % _n[0]
    rid = hashlib.sha256(seed.encode()).hexdigest()[:16].upper()
    rec = {"eventVersion": "1.10", "userIdentity": ATTACKER, "eventTime": time,
           "eventSource": source, "eventName": name, "awsRegion": REGION,
           "sourceIPAddress": "10.20.30.40", "userAgent": "aws-cli/2.17.20",
           "requestParameters": params, "responseElements": None,
           "requestID": rid, "eventID": str(uuid.uuid5(uuid.NAMESPACE_URL, seed)),
           "readOnly": False, "eventType": "AwsApiCall",
           "managementEvent": source != "s3.amazonaws.com" or "key" not in params,
           "recipientAccountId": ACCOUNT,
           "eventCategory": "Management"}
    if resources is not None:
        rec["resources"] = resources
    if error:
        rec["errorCode"] = error
        rec["errorMessage"] = "Access Denied"
    return rec


def s3(name, params, bucket="acme-data", **kw):
    p = {"bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, REGION)}
    p.update(params)
    return record("s3.amazonaws.com", name, p, **kw)


def policy(*statements, as_string=False):
    doc = {"Version": "2012-10-17", "Statement": list(statements) if len(statements) > 1
           else statements[0]}
    return {"bucketPolicy": json.dumps(doc) if as_string else doc, "policy": ""}


def stmt(principal, sid="Grant", effect="Allow", condition=None, key="Principal"):
    s = {"Sid": sid, "Effect": effect, key: principal, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::acme-data/*"}
    if condition:
        s["Condition"] = condition
    return s


def put_policy(*statements, **kw):
    return s3("PutBucketPolicy", policy(*statements, as_string=kw.pop("as_string", False)), **kw)


def cases_policy_grant():
    c = {}
    c["critical.public-star"] = put_policy(stmt("*", sid="PublicRead"))
    c["critical.public-aws-star"] = put_policy(stmt({"AWS": "*"}))
    c["critical.public-aws-list-star"] = put_policy(
        stmt({"AWS": ["arn:aws:iam::%s:root" % ACCOUNT, "*"]}))
    c["critical.not-principal"] = put_policy(
        stmt({"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, key="NotPrincipal"))
    c["critical.policy-as-string"] = put_policy(stmt("*"), as_string=True)
    c["critical.public-principal-account-foreign"] = put_policy(
        stmt("*", condition={"StringEquals": {"aws:PrincipalAccount": OTHER}}))
    c["medium.public-org"] = put_policy(
        stmt("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))
    c["medium.public-source-ip"] = put_policy(
        stmt("*", condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    c["medium.public-vpce-key-case"] = put_policy(
        stmt({"AWS": "*"}, condition={"StringEquals": {"AWS:sourceVpce": "vpce-1a2b3c4d"}}))
    c["medium.public-principal-account-own"] = put_policy(
        stmt("*", condition={"StringEquals": {"aws:PrincipalAccount": [ACCOUNT]}}))
    c["high.foreign-account-id"] = put_policy(stmt({"AWS": OTHER}, sid="Backdoor"))
    c["high.foreign-role"] = put_policy(
        stmt({"AWS": ["arn:aws:iam::%s:role/app" % ACCOUNT,
                      "arn:aws:iam::%s:role/exfil" % OTHER]}))
    c["high.foreign-sts-session"] = put_policy(
        stmt({"AWS": "arn:aws:sts::%s:assumed-role/x/y" % OTHER}))
    c["high.canonical-user"] = put_policy(stmt({"CanonicalUser": OTHER_ID}))
    c["high.worst-statement-wins"] = put_policy(
        stmt({"Service": "cloudfront.amazonaws.com"}, sid="Cdn"),
        stmt({"AWS": "arn:aws:iam::%s:root" % OTHER}, sid="Partner"))
    # A unique id proves nothing (doc/rules.md): AWS stores one for a
    # deleted principal but never takes one.
    c["none.unknown-principal-form"] = put_policy(stmt({"AWS": "AIDAJQABLZS4A3QDU576Q"}))
    c["low.foreign-in-org"] = put_policy(
        stmt({"AWS": OTHER}, condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))
    c["low.service-unconditioned"] = put_policy(stmt({"Service": "cloudfront.amazonaws.com"}))
    c["low.service-foreign-source-account"] = put_policy(
        stmt({"Service": "logging.s3.amazonaws.com"},
             condition={"StringEquals": {"aws:SourceAccount": OTHER}}))
    c["none.service-own-source-account"] = put_policy(
        stmt({"Service": "logging.s3.amazonaws.com"},
             condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}))
    c["none.service-own-source-arn"] = put_policy(
        stmt({"Service": "cloudfront.amazonaws.com"},
             condition={"ArnLike": {"aws:SourceArn":
                                    "arn:aws:cloudfront::%s:distribution/E2QWRUHEXAMPLE" % ACCOUNT}}))
    c["none.own-account"] = put_policy(stmt({"AWS": "arn:aws:iam::%s:role/app" % ACCOUNT}))
    c["none.deny-everyone"] = put_policy(
        stmt("*", sid="DenyInsecureTransport", effect="Deny",
             condition={"Bool": {"aws:SecureTransport": "false"}}))
    c["none.failed"] = put_policy(stmt("*"), error="AccessDenied")
    c["none.other-call"] = s3("DeleteBucketPolicy", {"policy": ""})
    return c


def nested(levels):
    """A policy's JSON text nested levels deep, its statement public."""
    st = stmt("*", sid="Deep")
    node = st
    for _ in range(levels - 3):     # the policy, Statement's list, st
        node["Nest"] = {}
        node = node["Nest"]
    return json.dumps({"Statement": [st]})


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def grant(grantee, perm="READ"):
    return {"Grantee": dict(grantee, **{"xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"}),
            "Permission": perm}


def acp(*grants, single=False):
    return {"acl": "", "AccessControlPolicy": {
        "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
        "Owner": {"ID": OWNER_ID},
        "AccessControlList": {"Grant": grants[0] if single else list(grants)}}}


OWNER_GRANT = grant({"xsi:type": "CanonicalUser", "ID": OWNER_ID}, "FULL_CONTROL")


def cases_acl_grant():
    c = {}
    c["critical.canned-public-read"] = s3("PutBucketAcl", {"acl": "", "x-amz-acl": "public-read"})
    c["critical.canned-list-authenticated-read"] = s3(
        "PutObjectAcl", {"acl": "", "key": "reports/q3.pdf", "x-amz-acl": ["authenticated-read"]})
    c["critical.grant-all-users"] = s3("PutBucketAcl", acp(
        OWNER_GRANT, grant({"xsi:type": "Group", "URI": ALL_USERS})))
    c["critical.single-grant-authenticated-users"] = s3("PutBucketAcl", acp(
        grant({"xsi:type": "Group", "URI": AUTH_USERS}), single=True))
    c["critical.header-grant-all-users"] = s3(
        "PutObjectAcl", {"acl": "", "key": "a.txt", "x-amz-grant-read": 'uri="%s"' % ALL_USERS})
    c["high.grant-other-canonical-user"] = s3("PutBucketAcl", acp(
        OWNER_GRANT, grant({"xsi:type": "CanonicalUser", "ID": OTHER_ID}, "FULL_CONTROL")))
    c["high.grant-email"] = s3("PutBucketAcl", acp(
        OWNER_GRANT, grant({"xsi:type": "AmazonCustomerByEmail",
                            "EmailAddress": "partner@example.com"})))
    c["high.header-grant-id"] = s3(
        "PutBucketAcl", {"acl": "", "x-amz-grant-full-control": 'id="%s"' % OTHER_ID})
    c["high.header-grant-email-list"] = s3(
        "PutBucketAcl", {"acl": "", "x-amz-grant-write-acp":
                         'id="%s", emailAddress="partner@example.com"' % OTHER_ID})
    c["none.owner-only"] = s3("PutBucketAcl", acp(OWNER_GRANT))
    c["none.log-delivery"] = s3("PutBucketAcl", acp(
        OWNER_GRANT, grant({"xsi:type": "Group", "URI": LOG_DELIVERY}, "WRITE")))
    c["none.canned-private"] = s3("PutBucketAcl", {"acl": "", "x-amz-acl": "private"})
    c["none.failed"] = s3("PutBucketAcl", {"acl": "", "x-amz-acl": "public-read"},
                          error="AccessDenied")
    return c


def copy_resources(src_bucket, src_account, dst_bucket="acme-data", dst_account=ACCOUNT):
    return [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/report.csv" % dst_bucket},
            {"accountId": dst_account, "type": "AWS::S3::Bucket",
             "ARN": "arn:aws:s3:::%s" % dst_bucket},
            {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/report.csv" % src_bucket},
            {"accountId": src_account, "type": "AWS::S3::Bucket",
             "ARN": "arn:aws:s3:::%s" % src_bucket}]


def copy(name, src_bucket, src_account, params=None, **kw):
    p = {"key": "report.csv", "x-amz-copy-source": "%s/report.csv" % src_bucket}
    if name == "UploadPartCopy":
        p.update({"partNumber": "1", "uploadId": "EXAMPLEJZ6e0YupT2h66iePQCc9IEbYbDUy4RTpMeoSMLPRp8Z5o1u8feSRonpvnWsKKG35tI2LB9VDPiCgTy.Gq2VxQLYjrue4Nq.NBdqI-"})
    p.update(params or {})
    return s3(name, p, resources=copy_resources(src_bucket, src_account), **kw)


KMS_OWN = "arn:aws:kms:%s:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab" % (REGION, ACCOUNT)
KMS_OTHER = "arn:aws:kms:%s:%s:key/0987dcba-09fe-87dc-65ba-ab0987654321" % (REGION, OTHER)


def cases_cross_account_copy():
    c = {}
    c["high.source-in-other-account"] = copy("CopyObject", "partner-drop", OTHER)
    c["high.upload-part-copy-other-account"] = copy("UploadPartCopy", "partner-drop", OTHER)
    c["high.foreign-kms-key"] = copy(
        "CopyObject", "acme-scratch", ACCOUNT,
        {"x-amz-server-side-encryption": "aws:kms",
         "x-amz-server-side-encryption-aws-kms-key-id": KMS_OTHER})
    c["none.same-account"] = copy(
        "CopyObject", "acme-scratch", ACCOUNT,
        {"x-amz-server-side-encryption": "aws:kms",
         "x-amz-server-side-encryption-aws-kms-key-id": KMS_OWN})
    c["none.kms-alias"] = copy(
        "CopyObject", "acme-scratch", ACCOUNT,
        {"x-amz-server-side-encryption-aws-kms-key-id": "alias/acme-data"})
    c["none.failed"] = copy("CopyObject", "partner-drop", OTHER, error="AccessDenied")
    return c


def trail(name, params, **kw):
    p = {"trailName": "s3-security-monitoring-trail"}
    p.update(params)
    return record("cloudtrail.amazonaws.com", name, p, **kw)


def basic(mgmt, *values):
    sel = {"readWriteType": "All", "includeManagementEvents": mgmt}
    if values:
        sel["dataResources"] = [{"type": "AWS::S3::Object", "values": list(values)}]
    return {"eventSelectors": [sel]}


MGMT = {"name": "Management events", "fieldSelectors": [
    {"field": "eventCategory", "equals": ["Management"]}]}


def data_sel(*arn_starts):
    fs = [{"field": "eventCategory", "equals": ["Data"]},
          {"field": "resources.type", "equals": ["AWS::S3::Object"]}]
    if arn_starts:
        fs.append({"field": "resources.ARN", "startsWith": list(arn_starts)})
    return {"name": "S3 data events", "fieldSelectors": fs}


def cases_trail_selectors():
    c = {}
    c["high.basic-no-management"] = trail("PutEventSelectors",
                                          basic(False, "arn:aws:s3:::acme-data/"))
    c["high.basic-other-bucket"] = trail("PutEventSelectors",
                                         basic(True, "arn:aws:s3:::acme-scratch/"))
    c["high.basic-prefix-of-bucket"] = trail("PutEventSelectors",
                                             basic(True, "arn:aws:s3:::acme-data/reports/"))
    c["high.basic-management-only"] = trail("PutEventSelectors", basic(True))
    c["none.basic-keeps-both"] = trail("PutEventSelectors",
                                       basic(True, "arn:aws:s3:::acme-data/"))
    c["none.basic-all-buckets"] = trail("PutEventSelectors", basic(True, "arn:aws:s3"))
    c["none.basic-all-buckets-colons"] = trail("PutEventSelectors", basic(True, "arn:aws:s3:::"))
    c["high.advanced-management-only"] = trail("PutEventSelectors",
                                               {"advancedEventSelectors": [MGMT]})
    c["high.advanced-data-only"] = trail("PutAdvancedEventSelectors", {
        "advancedEventSelectors": [data_sel("arn:aws:s3:::acme-data/")]})
    c["high.advanced-other-bucket"] = trail("PutAdvancedEventSelectors", {
        "advancedEventSelectors": [MGMT, data_sel("arn:aws:s3:::acme-scratch/")]})
    c["none.advanced-keeps-both"] = trail("PutAdvancedEventSelectors", {
        "advancedEventSelectors": [MGMT, data_sel("arn:aws:s3:::acme-data/")]})
    c["none.advanced-all-objects"] = trail("PutEventSelectors", {
        "advancedEventSelectors": [MGMT, data_sel()]})
    c["none.failed"] = trail("PutEventSelectors", basic(False), error="AccessDenied")
    # Another trail may drop the bucket's data events, not management.
    other = {"trailName": "audit-other"}
    c["none.other-trail-drops-data"] = trail("PutEventSelectors", dict(other, **basic(True)))
    c["high.other-trail-no-management"] = trail("PutEventSelectors",
                                                dict(other, **basic(False, "arn:aws:s3")))
    c["high.trail-named-by-arn"] = trail("PutEventSelectors", dict(
        {"trailName": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/"
                      "s3-security-monitoring-trail"}, **basic(True)))
    sel = basic(True, "arn:aws:s3:::acme-data/")
    sel["eventSelectors"][0]["includeManagementEvents"] = "TRUE"
    c["none.management-as-string"] = trail("PutEventSelectors", sel)
    c["none.other-partition"] = trail("PutEventSelectors",
                                      basic(True, "arn:aws-cn:s3:::acme-data/"))
    excl = data_sel("arn:aws:s3:::")
    excl["fieldSelectors"][2]["notStartsWith"] = ["arn:aws:s3:::acme-data/"]
    c["high.advanced-excludes-bucket"] = trail("PutAdvancedEventSelectors", {
        "advancedEventSelectors": [MGMT, excl]})
    ends = data_sel()
    ends["fieldSelectors"].append({"field": "resources.ARN", "endsWith": [".csv"]})
    c["high.advanced-ends-with-only"] = trail("PutAdvancedEventSelectors", {
        "advancedEventSelectors": [MGMT, ends]})
    c["high.advanced-null-basic-read"] = trail("PutEventSelectors", dict(
        {"advancedEventSelectors": None}, **basic(False)))
    rec = trail("PutEventSelectors", basic(False))
    rec["errorCode"] = None
    c["none.null-error-code"] = rec
    return c


def lifecycle(bucket, *rules, single=False):
    return s3("PutBucketLifecycle", {"lifecycle": "", "LifecycleConfiguration": {
        "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
        "Rule": rules[0] if single else list(rules)}}, bucket=bucket)


def rule(rid, status="Enabled", **parts):
    r = {"ID": rid, "Filter": {"Prefix": ""}, "Status": status}
    r.update(parts)
    return r


def cases_log_expiry():
    c = {}
    c["high.trail-bucket"] = lifecycle("acme-cloudtrail-logs",
                                       rule("expire-year", Expiration={"Days": 365}), single=True)
    c["high.access-log-bucket-date"] = lifecycle(
        "acme-access-logs", rule("cut-off", Expiration={"Date": "2026-09-01T00:00:00Z"}))
    c["high.short-expiration"] = lifecycle("acme-data", rule("wipe", Expiration={"Days": 7}))
    c["high.short-noncurrent"] = lifecycle(
        "acme-data", rule("old-versions", NoncurrentVersionExpiration={"NoncurrentDays": 3}))
    c["high.second-rule-short"] = lifecycle(
        "acme-data", rule("archive", Transitions=[{"Days": 30, "StorageClass": "GLACIER"}]),
        rule("tmp", Expiration={"Days": 1}))
    c["none.long-expiration"] = lifecycle("acme-data", rule("tidy", Expiration={"Days": 90}))
    c["none.exactly-the-minimum"] = lifecycle("acme-data", rule("tidy", Expiration={"Days": 30}))
    c["none.disabled-on-trail-bucket"] = lifecycle(
        "acme-cloudtrail-logs", rule("expire", status="Disabled", Expiration={"Days": 1}))
    c["none.transition-only-on-trail-bucket"] = lifecycle(
        "acme-cloudtrail-logs", rule("cold", Transitions=[{"Days": 90, "StorageClass": "GLACIER"}]))
    c["none.failed"] = s3("PutBucketLifecycle", {"lifecycle": "", "LifecycleConfiguration": {
        "Rule": rule("wipe", Expiration={"Days": 1})}}, bucket="acme-cloudtrail-logs",
        error="AccessDenied")
    return c


def found_policy_grant():
    """Cases on which test_differential.py found the console and the
    analyser disagreeing, fixed on the side that departed from doc/rules.md
    (written after the others, so that their ids stay)."""
    c = {}
    c["critical.principal-list-star"] = put_policy(stmt(["*"]))
    c["high.member-names-any-case"] = put_policy(
        {"sid": "Backdoor", "EFFECT": "Allow", "principal": {"aws": OTHER},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-data/*"})
    c["high.iam-arn-with-region"] = put_policy(
        stmt({"AWS": "arn:aws:iam:us-east-1:%s:role/x" % OTHER}))
    c["none.not-principal-null"] = put_policy(stmt(None, key="NotPrincipal"))
    c["none.empty-canonical-user"] = put_policy(stmt({"CanonicalUser": ["", None]}))
    c["none.service-not-a-string"] = put_policy(stmt({"Service": [["a.amazonaws.com"], 3]}))
    c["none.service-own-source-arn-wildcard"] = put_policy(
        stmt({"Service": "cloudfront.amazonaws.com"},
             condition={"ArnLike": {"aws:SourceArn":
                                    "arn:aws:cloudfront::%s:distribution/*" % ACCOUNT}}))
    c["none.service-source-account-two-operators"] = put_policy(
        stmt({"Service": "logging.s3.amazonaws.com"},
             condition={"StringEquals": {"aws:SourceAccount": ACCOUNT},
                        "StringLike": {"aws:SourceAccount": OTHER}}))
    rec = put_policy(stmt({"AWS": OTHER}))
    rec["recipientAccountId"] = ""
    rec["userIdentity"] = dict(ATTACKER, accountId=None)
    c["none.no-account-known"] = rec
    rec = put_policy(stmt({"AWS": "arn:aws:iam::%s:root" % ACCOUNT}))
    rec["recipientAccountId"] = "\u0664" * 12
    c["none.record-account-other-digits"] = rec
    rec = put_policy(stmt("*"))
    rec["eventSource"] = "S3.amazonaws.com"
    c["none.event-source-case"] = rec
    text = json.dumps({"Version": "2012-10-17", "Statement": stmt("*")})
    c["none.policy-text-after-object"] = s3("PutBucketPolicy", {"bucketPolicy": text + " x"})
    c["critical.policy-blanks-after-object"] = s3("PutBucketPolicy",
                                                  {"bucketPolicy": text + " \n"})
    c["critical.policy-nested-64"] = s3("PutBucketPolicy", {"bucketPolicy": nested(64)})
    c["none.policy-nested-65"] = s3("PutBucketPolicy", {"bucketPolicy": nested(65)})
    return c


def found_acl_grant():
    """Cases on which test_differential.py found the console and the
    analyser disagreeing, fixed on the side that departed from doc/rules.md
    (written after the others, so that their ids stay)."""
    c = {}
    c["critical.canned-value-any-case"] = s3("PutBucketAcl",
                                             {"acl": "", "x-amz-acl": "PUBLIC-READ"})
    c["critical.canned-header-any-case"] = s3("PutBucketAcl",
                                              {"acl": "", "X-Amz-Acl": "public-read"})
    body = acp(OWNER_GRANT, grant({"xsi:type": "Group", "URI": ALL_USERS}))
    body["accesscontrolpolicy"] = body.pop("AccessControlPolicy")
    body["accesscontrolpolicy"]["accessControlList"] = \
        body["accesscontrolpolicy"].pop("AccessControlList")
    c["critical.grant-members-any-case"] = s3("PutBucketAcl", body)
    c["none.owner-id-other-case"] = s3("PutBucketAcl", acp(
        grant({"xsi:type": "CanonicalUser", "ID": OWNER_ID.upper()}, "FULL_CONTROL")))
    c["high.header-unpaired-quote"] = s3("PutBucketAcl",
                                         {"acl": "", "x-amz-grant-read": 'id="'})
    c["none.header-newline-is-no-blank"] = s3("PutBucketAcl", dict(
        acp(OWNER_GRANT), **{"x-amz-grant-read": 'id="%s",\nuri="%s"' % (OWNER_ID, ALL_USERS)}))
    c["none.header-owner-id"] = s3("PutBucketAcl", dict(
        acp(OWNER_GRANT), **{"x-amz-grant-read": 'id="%s"' % OWNER_ID.upper()}))
    rec = s3("PutObjectAcl", {"acl": "", "key": "a.txt",
                              "x-amz-grant-read": 'uri="%s"' % ALL_USERS})
    rec["eventSource"] = ["s3.amazonaws.com"]
    c["none.event-source-list"] = rec
    return c


def found_cross_account_copy():
    """Cases on which test_differential.py found the console and the
    analyser disagreeing, fixed on the side that departed from doc/rules.md
    (written after the others, so that their ids stay)."""
    c = {}
    rec = copy("CopyObject", "partner-drop", OTHER)
    rec["resources"] = rec["resources"][3]
    c["none.resources-not-a-list"] = rec
    rec = copy("CopyObject", "partner-drop", OTHER)
    rec["resources"] = rec["resources"][2:]
    rec["recipientAccountId"] = None
    rec["userIdentity"] = dict(ATTACKER, accountId="anonymous")
    c["none.no-account-known"] = rec
    c["none.kms-account-not-an-account-id"] = copy(
        "CopyObject", "acme-scratch", ACCOUNT,
        {"x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:%s:4444:key/x" % REGION})
    c["none.kms-header-other-service"] = copy(
        "CopyObject", "acme-scratch", ACCOUNT,
        {"x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:s3:%s:%s:x" % (REGION, OTHER)})
    c["high.kms-header-any-case"] = copy(
        "CopyObject", "acme-scratch", ACCOUNT,
        {"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": KMS_OTHER})
    # Header names fold ASCII letters only: a Kelvin sign is no k.
    c["none.kms-header-kelvin-sign"] = copy(
        "CopyObject", "acme-scratch", ACCOUNT,
        {"x-amz-server-side-encryption-aws-\u212ams-key-id": KMS_OTHER})
    return c


def found_log_expiry():
    """Cases on which test_differential.py found the console and the
    analyser disagreeing, fixed on the side that departed from doc/rules.md
    (written after the others, so that their ids stay)."""
    c = {}
    c["high.date-sooner-than-minimum"] = lifecycle(
        "acme-data", rule("cut-off", Expiration={"Date": "2026-09-01T00:00:00Z"}))
    c["none.date-after-minimum"] = lifecycle(
        "acme-data", rule("cut-off", Expiration={"Date": "2026-12-01T00:00:00Z"}))
    c["high.days-signed-string"] = lifecycle("acme-data", rule("wipe", Expiration={"Days": "+5"}))
    c["none.days-padded-string"] = lifecycle("acme-data", rule("wipe", Expiration={"Days": " 7"}))
    c["none.days-other-digits"] = lifecycle(
        "acme-data", rule("wipe", Expiration={"Days": "\u0667"}),
        rule("old", NoncurrentVersionExpiration={"NoncurrentDays": "\u00b2"}))
    c["high.noncurrent-not-an-object-on-trail-bucket"] = lifecycle(
        "acme-cloudtrail-logs", rule("odd", NoncurrentVersionExpiration="x"))
    c["none.days-null-on-trail-bucket"] = lifecycle(
        "acme-cloudtrail-logs", rule("odd", Expiration={"Days": None}))
    c["high.member-names-any-case"] = lifecycle("acme-data", {
        "id": "wipe", "status": "Enabled", "expiration": {"days": 7}})
    rec = lifecycle("acme-data", rule("wipe", Expiration={"Days": 1}))
    rec["eventSource"] = "s3control.amazonaws.com"
    c["none.event-source-other"] = rec
    return c


CASES = [("policy-grant", cases_policy_grant), ("acl-grant", cases_acl_grant),
         ("cross-account-copy", cases_cross_account_copy),
         ("trail-selectors", cases_trail_selectors), ("log-expiry", cases_log_expiry),
         ("policy-grant", found_policy_grant), ("acl-grant", found_acl_grant),
         ("cross-account-copy", found_cross_account_copy), ("log-expiry", found_log_expiry)]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "fixtures")
    os.makedirs(out, exist_ok=True)
    for check, make in CASES:
        for case, rec in make().items():
            with open(os.path.join(out, "%s.%s.json" % (check, case)), "w",
                      encoding="utf-8") as f:
                json.dump(rec, f, indent=1, sort_keys=False)
                f.write("\n")


if __name__ == "__main__":
    main()
