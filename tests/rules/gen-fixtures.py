#!/usr/bin/env python3
"""Writes tests/rules/fixtures: for every rule of conf/rules.d a positive and
a negative CloudTrail record (RULE.pos.json, RULE.neg.json), or for stateful
rules a JSON-lines sequence (RULE.pos.jsonl, RULE.neg.jsonl); more cases as
RULE.pos-CASE.json and RULE.neg-CASE.json; and
  also-hits.txt   the other rules a positive fixture is allowed to hit;
  expect.txt      "FILE RULE SEVERITY": the severity RULE's hit must have
                  in a positive fixture (a check's own severity);
  settings.json   the settings every fixture is evaluated with (s3watch.conf
                  keys; the Lambda analyser gets them as its environment).
The C engine (tests/unit/rules-test.c) and the Lambda analyser must agree
on every fixture.

The records copy the shape CloudTrail writes (userIdentity, requestParameters,
additionalEventData, resources, tlsDetails ...).  Everything is derived from
fixed inputs, so running it again gives the same files.

    python3 tests/rules/gen-fixtures.py [OUTDIR]
"""
import datetime
import hashlib
import json
import os
import sys
import uuid

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
SOURCE_BUCKET = "acme-data"
TRAIL_BUCKET = "acme-cloudtrail-logs"
LOG_BUCKET = "acme-access-logs"
LOG_GROUP = "aws-cloudtrail-logs-org-trail"
TRAIL_NAME = "org-trail"
SETTINGS = {
    "trusted_accounts": [],
    "log_expiry_min_days": 30,
    "source_bucket": SOURCE_BUCKET,
    "trail_bucket": TRAIL_BUCKET,
    "log_bucket": LOG_BUCKET,
    "log_group": LOG_GROUP,
    "trail_name": TRAIL_NAME,
    "rule_prefix": "s3watch-",
}
OWNER_ID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
OTHER_ID = "be31c2a4f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5"
REGION = "eu-west-1"
T0 = datetime.datetime(2026, 8, 21, 10, 15, 42, tzinfo=datetime.timezone.utc)
CLI_UA = ("aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0-23-amd64 "
          "md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard "
          "md/installer#exe md/distrib#debian.12 md/prompt#off")
SDK_UA = ("[aws-sdk-java/2.25.60 Linux/6.1.0-23-amd64 OpenJDK_64-Bit_Server_VM/17.0.11+9 "
          "Java/17.0.11 vendor/Eclipse_Adoptium io/sync http/Apache cfg/retry-mode/adaptive]")
KALI_UA = ("aws-cli/1.22.34 Python/3.9.11 Linux/6.5.0-kali3-amd64 botocore/1.24.46 "
           "distrib#kali.2024")

_counter = [0]


def _ids():
    _counter[0] += 1
    seed = "s3watch-fixture-%d" % _counter[0]
    h = hashlib.sha256(seed.encode()).hexdigest().upper()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed)), h[:16]


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def role(name="app-role", session="i-0a1b2c3d4e5f67890", key="ASIA4EXAMPLEQ7ZX2KDM"):
    pid = "AROA4EXAMPLE" + hashlib.md5(name.encode()).hexdigest()[:9].upper()
    return {
        "type": "AssumedRole",
        "principalId": "%s:%s" % (pid, session),
        "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, name, session),
        "accountId": ACCOUNT,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "principalId": pid,
                              "arn": "arn:aws:iam::%s:role/%s" % (ACCOUNT, name),
                              "accountId": ACCOUNT, "userName": name},
            "attributes": {"creationDate": "2026-08-21T09:12:03Z", "mfaAuthenticated": "false"},
        },
    }


def user(name="deploy-bot", key="AKIA4EXAMPLEQ7ZXA5UD"):
    return {"type": "IAMUser", "principalId": "AIDA4EXAMPLE" + hashlib.md5(name.encode()).hexdigest()[:9].upper(),
            "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, name), "accountId": ACCOUNT,
            "accessKeyId": key, "userName": name}


def root():
    return {"type": "Root", "principalId": ACCOUNT, "arn": "arn:aws:iam::%s:root" % ACCOUNT,
            "accountId": ACCOUNT, "accessKeyId": "ASIA4EXAMPLEROOTKEY1",
            "sessionContext": {"attributes": {"creationDate": "2026-08-21T09:58:11Z",
                                              "mfaAuthenticated": "true"}}}


def anonymous():
    return {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}


def tls(host):
    return {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": host}


def s3(name, bucket="acme-data", key=None, params=None, t=T0, who=None, ip="10.20.30.40",
       ua=SDK_UA, error=None, out=None, inb=0, extra=None):
    """An S3 data event (with key) or bucket management event (without)."""
    eid, rid = _ids()
    host = "%s.s3.%s.amazonaws.com" % (bucket, REGION) if bucket else "s3.%s.amazonaws.com" % REGION
    rp = {"bucketName": bucket, "Host": host} if bucket else {"Host": host}
    if key is not None:
        rp["key"] = key
    if params:
        rp.update(params)
    data = key is not None or name in ("ListObjects", "ListObjectsV2", "ListObjectVersions", "DeleteObjects")
    aed = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
           "bytesTransferredIn": inb, "AuthenticationMethod": "AuthHeader",
           "x-amz-id-2": hashlib.sha256(rid.encode()).hexdigest()[:56]}
    if data:
        aed["bytesTransferredOut"] = out if out is not None else (0 if name != "GetObject" else 48213)
    res = []
    if key is not None:
        res.append({"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)})
    if bucket:
        res.append({"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % bucket})
    r = {
        "eventVersion": "1.10",
        "userIdentity": who if who is not None else role(),
        "eventTime": ts(t),
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": ip,
        "userAgent": ua,
        "requestParameters": rp,
        "responseElements": None,
        "additionalEventData": aed,
        "requestID": rid,
        "eventID": eid,
        "readOnly": name.startswith(("Get", "List", "Head")),
        "resources": res,
        "eventType": "AwsApiCall",
        "managementEvent": not data,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Data" if data else "Management",
        "tlsDetails": tls(host),
    }
    if error:
        r["errorCode"] = error
        r["errorMessage"] = {"AccessDenied": "Access Denied", "NoSuchKey": "The specified key does not exist.",
                             "BucketNotEmpty": "The bucket you tried to delete is not empty",
                             "SignatureDoesNotMatch": "The request signature we calculated does not match "
                             "the signature you provided."}.get(error, error)
    if extra:
        r.update(extra)
    return r


def api(source, name, params, t=T0, who=None, ip="10.20.30.40", ua=CLI_UA, response=None,
        error=None, read_only=False, extra=None):
    """A management event of another service."""
    eid, rid = _ids()
    svc = source.split(".")[0]
    host = "%s.%s.amazonaws.com" % (svc, REGION)
    r = {
        "eventVersion": "1.09",
        "userIdentity": who if who is not None else user("ops-admin", "AKIA4EXAMPLEOPSADMN1"),
        "eventTime": ts(t),
        "eventSource": source,
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": ip,
        "userAgent": ua,
        "requestParameters": params,
        "responseElements": response,
        "requestID": str(uuid.UUID(hashlib.md5(rid.encode()).hexdigest())),
        "eventID": eid,
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": tls(host),
    }
    if error:
        r["errorCode"] = error
        r["errorMessage"] = "User: %s is not authorized to perform: %s:%s" % (
            r["userIdentity"].get("arn", ""), svc, name)
    if extra:
        r.update(extra)
    return r


def at(minutes=0, seconds=0, days=0):
    return T0 + datetime.timedelta(days=days, minutes=minutes, seconds=seconds)


PUBLIC_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::acme-data/*"}]}
PRIVATE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::acme-data", "arn:aws:s3:::acme-data/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "AppRead", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::%s:role/app-role" % ACCOUNT}, "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::acme-data/*"}]}
OWNER_ACL = {"AccessControlList": {"Grant": {"Grantee": {
    "xsi:type": "CanonicalUser", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
    "Permission": "FULL_CONTROL"}}, "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
    "Owner": {"ID": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}}


def bpa(flags):
    keys = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
    conf = {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}
    conf.update({k: v for k, v in zip(keys, flags)})
    return {"publicAccessBlock": "", "PublicAccessBlockConfiguration": conf}


SSEC = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key-MD5": "Hr7Nz3xI0ow1wOGOEGPZ1g=="}
SSEKMS = {"x-amz-server-side-encryption": "aws:kms",
          "x-amz-server-side-encryption-aws-kms-key-id":
          "arn:aws:kms:%s:%s:key/1f8e4b2a-7c3d-4e5f-9a0b-1c2d3e4f5a6b" % (REGION, ACCOUNT)}
ATTACKER = user("contractor-sync", "AKIA4EXAMPLECTRSYNC1")


def lifecycle(rule):
    return {"lifecycle": "", "LifecycleConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                                                        "Rule": rule}}


def key_of(i):
    return "datasets/2026/08/part-%05d.parquet" % i


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(principal, sid=None, condition=None, action="s3:GetObject", not_principal=False):
    st = {"Effect": "Allow", "Action": action,
          "Resource": ["arn:aws:s3:::acme-data", "arn:aws:s3:::acme-data/*"]}
    if sid is not None:
        st["Sid"] = sid
    st["NotPrincipal" if not_principal else "Principal"] = principal
    if condition is not None:
        st["Condition"] = condition
    return st


def put_policy(pol, **kw):
    kw.setdefault("who", ATTACKER)
    kw.setdefault("ua", CLI_UA)
    return s3("PutBucketPolicy", params={"policy": "", "bucketPolicy": pol}, **kw)


def acl_body(*grants, owner=OWNER_ID):
    return {"AccessControlList": {"Grant": list(grants) if len(grants) != 1 else grants[0]},
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Owner": {"ID": owner}}


def grant(permission, uri=None, cid=None, email=None):
    if uri is not None:
        g = {"xsi:type": "Group", "URI": uri}
    elif cid is not None:
        g = {"xsi:type": "CanonicalUser", "ID": cid}
    else:
        g = {"xsi:type": "AmazonCustomerByEmail", "EmailAddress": email}
    g["xmlns:xsi"] = "http://www.w3.org/2001/XMLSchema-instance"
    return {"Grantee": g, "Permission": permission}


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def copy(dst_acct=ACCOUNT, src_acct=OTHER_ACCOUNT, name="CopyObject", params=None, error=None,
         accounts=True):
    """A CopyObject from acme-partner-drop to acme-data, or the reverse."""
    rp = {"x-amz-copy-source": "acme-partner-drop/exports/2026-08.csv", "x-amz-metadata-directive": "COPY"}
    if name == "UploadPartCopy":
        rp.update({"partNumber": "1", "uploadId": "VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"})
    rp.update(params or {})
    r = s3(name, key="imports/2026-08.csv", params=rp, who=ATTACKER, ua=CLI_UA, error=error)
    res = [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::acme-data/imports/2026-08.csv"},
           {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-data"},
           {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::acme-partner-drop/exports/2026-08.csv"},
           {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-partner-drop"}]
    if accounts:
        res[1]["accountId"] = dst_acct
        res[3]["accountId"] = src_acct
    r["resources"] = res
    return r


def selectors(sels, advanced=False, error=None):
    key = "advancedEventSelectors" if advanced else "eventSelectors"
    return api("cloudtrail.amazonaws.com", "PutEventSelectors", {"trailName": TRAIL_NAME, key: sels},
               who=ATTACKER, error=error,
               response=None if error else {"trailARN": "arn:aws:cloudtrail:%s:%s:trail/%s" % (
                   REGION, ACCOUNT, TRAIL_NAME), key: sels})


def basic_sel(mgmt=True, values=("arn:aws:s3:::acme-data/",), rw="All"):
    sel = {"readWriteType": rw, "includeManagementEvents": mgmt, "excludeManagementEventSources": []}
    sel["dataResources"] = [{"type": "AWS::S3::Object", "values": list(values)}] if values else []
    return sel


def adv_mgmt():
    return {"name": "Management events", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}


def adv_data(starts=("arn:aws:s3:::acme-data/",), not_starts=()):
    fs = [{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}]
    arn = {"field": "resources.ARN"}
    if starts:
        arn["startsWith"] = list(starts)
    if not_starts:
        arn["notStartsWith"] = list(not_starts)
    if starts or not_starts:
        fs.append(arn)
    return {"name": "S3 data events", "fieldSelectors": fs}


def life(bucket, *rules):
    return s3("PutBucketLifecycleConfiguration", bucket=bucket,
              params=lifecycle(list(rules) if len(rules) != 1 else rules[0]), who=ATTACKER, ua=CLI_UA)


def lrule(rid, status="Enabled", days=None, date=None, noncurrent=None, prefix=""):
    r = {"ID": rid, "Status": status, "Filter": {"Prefix": prefix}}
    if days is not None or date is not None:
        r["Expiration"] = {"Days": days} if days is not None else {"Date": date}
    if noncurrent is not None:
        r["NoncurrentVersionExpiration"] = {"NoncurrentDays": noncurrent}
    return r


def update_trail(params, **kw):
    kw.setdefault("who", ATTACKER)
    rp = {"name": TRAIL_NAME}
    rp.update(params)
    return api("cloudtrail.amazonaws.com", "UpdateTrail", rp, **kw)


# Each entry: rule id -> (positive, negative, also).  A record is a dict; a
# sequence (stateful rules) is a list of dicts.  More cases: rule id -> list of
# ("pos" or "neg", CASE, record, severity of the rule's hit or None).  EXPECT:
# the severity of the rule's hit in RULE.pos.json, where it is a check's own.
def fixtures():
    F = {}
    V = {}
    EXPECT = {}
    F["s3-object-denied"] = (
        s3("GetObject", key="finance/payroll-2026-08.csv", error="AccessDenied", who=role("web-role")),
        s3("GetObject", key="finance/payroll-2026-13.csv", error="NoSuchKey"), [])
    F["s3-bucket-deleted"] = (
        s3("DeleteBucket", bucket="acme-archive", params={}, who=ATTACKER, ua=CLI_UA),
        s3("DeleteBucket", bucket="acme-archive", who=ATTACKER, ua=CLI_UA, error="BucketNotEmpty"), [])
    V["s3-bucket-deleted"] = [
        ("neg", "watched", s3("DeleteBucket", bucket=TRAIL_BUCKET, params={}, who=ATTACKER, ua=CLI_UA), None)]
    F["s3-watched-bucket-deleted"] = (
        s3("DeleteBucket", bucket=TRAIL_BUCKET, params={}, who=ATTACKER, ua=CLI_UA),
        s3("DeleteBucket", bucket="acme-archive", params={}, who=ATTACKER, ua=CLI_UA), [])
    V["s3-watched-bucket-deleted"] = [
        ("pos", "source", s3("DeleteBucket", bucket=SOURCE_BUCKET, params={}, who=ATTACKER, ua=CLI_UA), None),
        ("pos", "access-logs", s3("DeleteBucket", bucket=LOG_BUCKET, params={}, who=ATTACKER, ua=CLI_UA), None),
        ("neg", "failed", s3("DeleteBucket", bucket=SOURCE_BUCKET, who=ATTACKER, ua=CLI_UA,
                             error="BucketNotEmpty"), None)]
    F["s3-bucket-policy-changed"] = (
        s3("DeleteBucketPolicy", params={"policy": ""}, who=user("ops-admin"), ua=CLI_UA),
        s3("GetBucketPolicy", params={"policy": ""}, who=user("ops-admin"), ua=CLI_UA), [])
    F["s3-bucket-acl-changed"] = (
        s3("PutBucketAcl", params={"acl": "", "AccessControlPolicy": OWNER_ACL}, who=user("ops-admin"), ua=CLI_UA),
        s3("PutBucketAcl", params={"acl": "", "AccessControlPolicy": OWNER_ACL}, who=user("ops-admin"), ua=CLI_UA,
           error="AccessDenied"), [])
    F["source-ip-outside-allowed"] = (
        s3("GetObject", key="reports/2026/08/summary.csv", ip="203.0.113.50"),
        s3("GetObject", key="reports/2026/08/summary.csv", ip="AWS Internal"), [])
    # The seed's analyser judged S3 calls only.
    V["source-ip-outside-allowed"] = [
        ("neg", "not-s3", api("iam.amazonaws.com", "ListUsers", {}, ip="203.0.113.50", read_only=True), None)]
    F["s3-anonymous-access"] = (
        s3("GetObject", key="public/index.html", who=anonymous(), ip="198.51.100.23",
           ua="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
        s3("GetObject", key="finance/payroll-2026-08.csv", who=anonymous(), ip="10.77.1.9",
           ua="curl/8.5.0", error="AccessDenied"),
        ["source-ip-outside-allowed"])
    F["suspicious-user-agent"] = (
        s3("GetObject", key="reports/2026/08/summary.csv", ua=KALI_UA),
        s3("GetObject", key="reports/2026/08/summary.csv", ua=CLI_UA), [])
    F["root-activity"] = (
        api("iam.amazonaws.com", "CreateAccessKey", {"userName": "ops-admin"}, who=root(),
            ua="AWS Internal", response={"accessKey": {"userName": "ops-admin", "accessKeyId": "AKIA4EXAMPLENEWKEY01",
                                                       "status": "Active", "createDate": "Aug 21, 2026 10:15:42 AM"}}),
        api("iam.amazonaws.com", "CreateAccessKey", {"userName": "ops-admin"}, who=user("iam-admin"),
            response={"accessKey": {"userName": "ops-admin", "accessKeyId": "AKIA4EXAMPLENEWKEY02",
                                    "status": "Active", "createDate": "Aug 21, 2026 10:15:42 AM"}}), [])
    F["s3-list-buckets-by-user"] = (
        s3("ListBuckets", bucket=None, who=user("deploy-bot"), ua=CLI_UA),
        s3("ListBuckets", bucket=None, ua=CLI_UA), [])
    # The cross-account backdoor: the bucket opened to another account.
    backdoor = policy(allow({"AWS": "arn:aws:iam::%s:root" % OTHER_ACCOUNT}, sid="ReplicationPartner",
                            action=["s3:GetObject", "s3:ListBucket"]))
    F["s3-bucket-policy-grant"] = (
        put_policy(backdoor),
        put_policy(PRIVATE_POLICY, who=user("ops-admin")),
        ["s3-bucket-policy-changed"])
    EXPECT["s3-bucket-policy-grant"] = "high"
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    vpce = {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}}
    V["s3-bucket-policy-grant"] = [
        ("pos", "public", put_policy(PUBLIC_POLICY), "critical"),
        ("pos", "public-aws-star", put_policy(policy(allow({"AWS": ["arn:aws:iam::%s:role/app-role" % ACCOUNT, "*"]},
                                                           sid="Everyone"))), "critical"),
        ("pos", "notprincipal", put_policy(policy(allow({"AWS": "arn:aws:iam::%s:role/app-role" % ACCOUNT},
                                                        sid="AllButApp", not_principal=True))), "critical"),
        ("pos", "public-confined", put_policy(policy(allow("*", sid="FromEndpoint", condition=vpce))), "medium"),
        ("pos", "foreign-confined", put_policy(policy(allow({"AWS": OTHER_ACCOUNT}, sid="Org", condition=org))),
         "low"),
        ("pos", "canonical-user", put_policy(policy(allow({"CanonicalUser": OTHER_ID}, sid="OAI"))), "high"),
        ("pos", "service-unconfined", put_policy(policy(allow({"Service": "logging.s3.amazonaws.com"},
                                                              sid="S3ServerAccessLogs", action="s3:PutObject"))),
         "low"),
        ("pos", "json-text", put_policy(json.dumps(backdoor)), "high"),
        ("pos", "statement-object", put_policy({"Version": "2012-10-17", "Statement": allow(
            {"AWS": OTHER_ACCOUNT}, sid="Single")}), "high"),
        ("pos", "sts-arn", put_policy(policy(allow(
            {"AWS": "arn:aws:sts::%s:assumed-role/exfil/session" % OTHER_ACCOUNT}))), "high"),
        # The worst statement wins: a confined public one and an open foreign one.
        ("pos", "worst-statement", put_policy(policy(allow("*", sid="Vpce", condition=vpce),
                                                     allow({"AWS": [OTHER_ACCOUNT]}, sid="Partner"))), "high"),
        ("neg", "service-confined", put_policy(policy(allow(
            {"Service": "logging.s3.amazonaws.com"}, sid="S3ServerAccessLogs", action="s3:PutObject",
            condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})), who=user("ops-admin")), None),
        ("neg", "deny-everyone", put_policy(policy({"Sid": "DenyHttp", "Effect": "Deny", "Principal": "*",
                                                    "Action": "s3:*", "Resource": "arn:aws:s3:::acme-data/*",
                                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}})),
         None),
        ("neg", "own-account", put_policy(policy(allow({"AWS": ACCOUNT}, sid="Own")), who=user("ops-admin")), None),
        ("neg", "failed", put_policy(PUBLIC_POLICY, error="AccessDenied"), None),
    ]
    F["s3-acl-grant"] = (
        s3("PutBucketAcl", params={"acl": "", "x-amz-acl": ["public-read"]}, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketAcl", params={"acl": "", "x-amz-acl": ["private"]}, who=user("ops-admin"), ua=CLI_UA),
        ["s3-bucket-acl-changed"])
    EXPECT["s3-acl-grant"] = "critical"
    owner_full = grant("FULL_CONTROL", cid=OWNER_ID)
    V["s3-acl-grant"] = [
        ("pos", "all-users", s3("PutBucketAcl", params={"acl": "", "AccessControlPolicy": acl_body(
            owner_full, grant("READ", uri=ALL_USERS))}, who=ATTACKER, ua=CLI_UA), "critical"),
        ("pos", "other-canonical", s3("PutBucketAcl", params={"acl": "", "AccessControlPolicy": acl_body(
            owner_full, grant("READ", cid=OTHER_ID))}, who=ATTACKER, ua=CLI_UA), "high"),
        ("pos", "email", s3("PutBucketAcl", params={"acl": "", "AccessControlPolicy": acl_body(
            owner_full, grant("WRITE", email="drop@example.net"))}, who=ATTACKER, ua=CLI_UA), "high"),
        ("pos", "header-uri", s3("PutObjectAcl", key="finance/payroll-2026-08.csv", params={
            "acl": "", "x-amz-grant-read": 'uri="%s"' % AUTH_USERS}, who=ATTACKER, ua=CLI_UA), "critical"),
        ("pos", "header-id", s3("PutObjectAcl", key="finance/payroll-2026-08.csv", params={
            "acl": "", "x-amz-grant-full-control": 'id="%s", emailAddress="ops@example.com"' % OTHER_ID},
            who=ATTACKER, ua=CLI_UA), "high"),
        ("neg", "owner-only", s3("PutBucketAcl", params={"acl": "", "AccessControlPolicy": OWNER_ACL},
                                 who=user("ops-admin"), ua=CLI_UA), None),
        ("neg", "log-delivery", s3("PutBucketAcl", bucket=LOG_BUCKET, params={"acl": "", "AccessControlPolicy":
            acl_body(owner_full, grant("WRITE", uri=LOG_DELIVERY), grant("READ_ACP", uri=LOG_DELIVERY))},
            who=user("ops-admin"), ua=CLI_UA), None),
        ("neg", "failed", s3("PutBucketAcl", params={"acl": "", "x-amz-acl": ["public-read"]}, who=ATTACKER,
                             ua=CLI_UA, error="AccessDenied"), None),
    ]
    F["s3-acl-public"] = (
        s3("PutObject", key="exports/customers.csv", params={"x-amz-acl": "public-read"}, inb=52113,
           who=ATTACKER, ua=CLI_UA),
        s3("PutObject", key="exports/customers.csv", params={"x-amz-acl": "bucket-owner-full-control"}, inb=52113,
           who=ATTACKER, ua=CLI_UA), [])
    F["s3-bucket-bpa-weakened"] = (
        s3("PutBucketPublicAccessBlock", params=bpa([True, True, True, False]), who=ATTACKER, ua=CLI_UA),
        s3("PutBucketPublicAccessBlock", params=bpa([True, True, True, True]), who=user("ops-admin"), ua=CLI_UA), [])
    F["s3-account-bpa-weakened"] = (
        s3("DeleteAccountPublicAccessBlock", bucket=None, who=ATTACKER, ua=CLI_UA,
           extra={"requestParameters": {"Host": "%s.s3-control.%s.amazonaws.com" % (ACCOUNT, REGION),
                                        "x-amz-account-id": ACCOUNT}}),
        s3("PutAccountPublicAccessBlock", bucket=None, who=user("ops-admin"), ua=CLI_UA,
           extra={"requestParameters": dict(bpa([True, True, True, True]),
                                            **{"x-amz-account-id": ACCOUNT,
                                               "Host": "%s.s3-control.%s.amazonaws.com" % (ACCOUNT, REGION)})}), [])
    F["s3-ownership-controls-relaxed"] = (
        s3("PutBucketOwnershipControls", params={"ownershipControls": "", "OwnershipControls": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Rule": {"ObjectOwnership": "ObjectWriter"}}},
           who=ATTACKER, ua=CLI_UA),
        s3("PutBucketOwnershipControls", params={"ownershipControls": "", "OwnershipControls": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Rule": {"ObjectOwnership": "BucketOwnerEnforced"}}},
           who=user("ops-admin"), ua=CLI_UA), [])
    repl = {"replication": "", "ReplicationConfiguration": {
        "Role": "arn:aws:iam::%s:role/s3-replication" % ACCOUNT,
        "Rule": {"ID": "all", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                 "DeleteMarkerReplication": {"Status": "Disabled"},
                 "Destination": {"Bucket": "arn:aws:s3:::exfil-bucket-7731", "Account": OTHER_ACCOUNT}}}}
    F["s3-replication-configured"] = (
        s3("PutBucketReplication", params=repl, who=ATTACKER, ua=CLI_UA),
        s3("GetBucketReplication", params={"replication": ""}, who=user("ops-admin"), ua=CLI_UA), [])
    cors = {"cors": "", "CORSConfiguration": {"CORSRule": {"AllowedOrigin": "*", "AllowedMethod": ["GET", "PUT"],
                                                           "AllowedHeader": "*", "MaxAgeSeconds": 3000}}}
    F["s3-replication-removed"] = (
        s3("DeleteBucketReplication", params={"replication": ""}, who=ATTACKER, ua=CLI_UA),
        s3("GetBucketReplication", params={"replication": ""}, who=user("ops-admin"), ua=CLI_UA), [])
    F["s3-bucket-config-changed"] = (
        s3("PutBucketCors", params=cors, who=user("ops-admin"), ua=CLI_UA),
        s3("GetBucketCors", params={"cors": ""}, who=user("ops-admin"), ua=CLI_UA), [])
    F["s3-versioning-suspended"] = (
        s3("PutBucketVersioning", params={"versioning": "", "VersioningConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Status": "Suspended"}}, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketVersioning", params={"versioning": "", "VersioningConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Status": "Enabled"}}, who=user("ops-admin"), ua=CLI_UA),
        [])
    F["s3-mfa-delete-disabled"] = (
        s3("PutBucketVersioning", params={"versioning": "", "VersioningConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Status": "Enabled", "MfaDelete": "Disabled"}},
           who=user("ops-admin"), ua=CLI_UA),
        s3("PutBucketVersioning", params={"versioning": "", "VersioningConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Status": "Suspended", "MfaDelete": "Disabled"}},
           who=ATTACKER, ua=CLI_UA), [])
    F["s3-lifecycle-expiration"] = (
        s3("PutBucketLifecycle", params=lifecycle({"ID": "cleanup", "Status": "Enabled", "Filter": {"Prefix": ""},
                                                   "Expiration": {"Days": 1}}), who=ATTACKER, ua=CLI_UA),
        s3("PutBucketLifecycle", params=lifecycle({"ID": "archive", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                                                   "Transition": {"Days": 30, "StorageClass": "GLACIER"}}),
           who=user("ops-admin"), ua=CLI_UA), [])
    EXPECT["s3-lifecycle-expiration"] = "high"
    V["s3-lifecycle-expiration"] = [
        ("pos", "trail-bucket", life(TRAIL_BUCKET, lrule("expire-old-logs", days=365)), "high"),
        ("pos", "access-log-noncurrent", life(LOG_BUCKET, lrule("versions", noncurrent=90)), "high"),
        ("pos", "date-tomorrow", life(SOURCE_BUCKET, lrule("purge", date="2026-08-22T00:00:00.000Z")), "high"),
        ("pos", "rule-list", life(SOURCE_BUCKET, lrule("old", status="Disabled", days=1),
                                  lrule("week", days=7)), "high"),
        ("pos", "noncurrent-short", life(SOURCE_BUCKET, lrule("versions", noncurrent=3)), "high"),
        ("neg", "disabled", life(SOURCE_BUCKET, lrule("cleanup", status="Disabled", days=1)), None),
        ("neg", "long", life(SOURCE_BUCKET, lrule("yearly", days=365), lrule("versions", noncurrent=30)), None),
        ("neg", "date-far", life(SOURCE_BUCKET, lrule("eol", date="2027-12-31T00:00:00.000Z")), None),
        ("neg", "delete-markers", life(SOURCE_BUCKET, {"ID": "markers", "Status": "Enabled",
                                                       "Filter": {"Prefix": ""},
                                                       "Expiration": {"ExpiredObjectDeleteMarker": True}}), None),
        ("neg", "failed", s3("PutBucketLifecycleConfiguration", bucket=TRAIL_BUCKET,
                             params=lifecycle(lrule("x", days=1)), who=ATTACKER, ua=CLI_UA,
                             error="AccessDenied"), None),
    ]
    F["s3-default-encryption-deleted"] = (
        s3("DeleteBucketEncryption", params={"encryption": ""}, who=ATTACKER, ua=CLI_UA),
        s3("GetBucketEncryption", params={"encryption": ""}, who=user("ops-admin"), ua=CLI_UA), [])
    enc = {"encryption": "", "ServerSideEncryptionConfiguration": {
        "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
        "Rule": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                 "KMSMasterKeyID": "arn:aws:kms:%s:%s:key/0c5a1d6e-2b3f-4a7c-8d9e-5f6a7b8c9d0e" % (REGION, OTHER_ACCOUNT)},
                 "BucketKeyEnabled": True}}}
    F["s3-default-encryption-changed"] = (
        s3("PutBucketEncryption", params=enc, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketEncryption", params=enc, who=ATTACKER, ua=CLI_UA, error="AccessDenied"), [])
    F["s3-sse-c-write"] = (
        s3("PutObject", key=key_of(1), params=SSEC, inb=1048576, who=ATTACKER, ua=CLI_UA),
        s3("PutObject", key=key_of(1), params=SSEKMS, inb=1048576), ["s3-sse-c-first-use"])
    dels = {"delete": "", "Delete": {"Quiet": True, "Object": [{"Key": key_of(i)} for i in range(3)]}}
    F["s3-batch-delete"] = (
        s3("DeleteObjects", params=dels, who=ATTACKER, ua=CLI_UA),
        s3("DeleteObjects", params=dels, who=ATTACKER, ua=CLI_UA, error="AccessDenied"), [])
    F["s3-ransom-note-upload"] = (
        s3("PutObject", key="README_TO_DECRYPT_YOUR_FILES.txt", inb=2214, who=ATTACKER, ua=CLI_UA),
        s3("PutObject", key="docs/runbooks/restore-procedure.md", inb=5120, who=user("ops-admin"), ua=CLI_UA), [])
    F["s3-object-lock-bypassed"] = (
        s3("DeleteObject", key=key_of(7), params={"versionId": "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
                                                  "x-amz-bypass-governance-retention": "true"}, who=ATTACKER, ua=CLI_UA),
        s3("DeleteObject", key=key_of(7), params={"versionId": "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"}), [])
    F["kms-key-tampered"] = (
        api("kms.amazonaws.com", "ScheduleKeyDeletion",
            {"keyId": "arn:aws:kms:%s:%s:key/1f8e4b2a-7c3d-4e5f-9a0b-1c2d3e4f5a6b" % (REGION, ACCOUNT),
             "pendingWindowInDays": 7}, who=ATTACKER,
            response={"keyId": "arn:aws:kms:%s:%s:key/1f8e4b2a-7c3d-4e5f-9a0b-1c2d3e4f5a6b" % (REGION, ACCOUNT),
                      "deletionDate": "Aug 28, 2026, 12:00:00 AM", "keyState": "PendingDeletion",
                      "pendingWindowInDays": 7}),
        api("kms.amazonaws.com", "EnableKeyRotation",
            {"keyId": "1f8e4b2a-7c3d-4e5f-9a0b-1c2d3e4f5a6b", "rotationPeriodInDays": 365}), [])
    F["kms-key-policy-changed"] = (
        api("kms.amazonaws.com", "PutKeyPolicy",
            {"keyId": "1f8e4b2a-7c3d-4e5f-9a0b-1c2d3e4f5a6b", "policyName": "default",
             "policy": json.dumps({"Version": "2012-10-17", "Statement": [{
                 "Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % OTHER_ACCOUNT},
                 "Action": "kms:Decrypt", "Resource": "*"}]})}, who=ATTACKER),
        api("kms.amazonaws.com", "GetKeyPolicy", {"keyId": "1f8e4b2a-7c3d-4e5f-9a0b-1c2d3e4f5a6b",
                                                  "policyName": "default"}, read_only=True), [])
    F["s3-credential-file-read"] = (
        s3("GetObject", key="backups/home/ubuntu/.aws/credentials", out=116, who=ATTACKER, ua=CLI_UA),
        s3("GetObject", key="policies/credentials-handling-policy.pdf", out=88213), [])
    F["s3-large-object-read"] = (
        s3("GetObject", key="exports/customers-full.sql.gz", out=2147483648),
        s3("GetObject", key="exports/customers-delta.sql.gz", out=1048576), ["s3-bulk-read-bytes"])
    F["s3-bulk-copy-tool"] = (
        s3("GetObject", key=key_of(12), ua="rclone/v1.66.0", who=ATTACKER),
        s3("GetObject", key=key_of(12), ua=CLI_UA, who=ATTACKER), [])
    kms_other = {"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id":
                 "arn:aws:kms:%s:%s:key/0c5a1d6e-2b3f-4a7c-8d9e-5f6a7b8c9d0e" % (REGION, OTHER_ACCOUNT)}
    F["s3-cross-account-copy"] = (
        copy(),
        copy(src_acct=ACCOUNT, params=SSEKMS), [])
    EXPECT["s3-cross-account-copy"] = "high"
    V["s3-cross-account-copy"] = [
        ("pos", "foreign-kms-key", copy(src_acct=ACCOUNT, params=kms_other), "high"),
        ("pos", "upload-part-foreign", copy(dst_acct=OTHER_ACCOUNT, name="UploadPartCopy"), "high"),
        # resources[].accountId is CloudTrail's, whatever it looks like.
        ("pos", "odd-account-ids", copy(dst_acct="12948575929274", src_acct="111111111111"), "high"),
        ("neg", "no-accounts", copy(accounts=False), None),
        ("neg", "key-id-only", copy(src_acct=ACCOUNT, params={
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": "0c5a1d6e-2b3f-4a7c-8d9e-5f6a7b8c9d0e"}), None),
        ("neg", "failed", copy(error="AccessDenied"), None),
    ]
    trail = "arn:aws:cloudtrail:%s:%s:trail/org-trail" % (REGION, ACCOUNT)
    F["cloudtrail-stopped"] = (
        api("cloudtrail.amazonaws.com", "StopLogging", {"name": trail}, who=ATTACKER),
        api("cloudtrail.amazonaws.com", "StartLogging", {"name": trail}), [])
    V["cloudtrail-stopped"] = [
        ("pos", "deleted", api("cloudtrail.amazonaws.com", "DeleteTrail", {"name": TRAIL_NAME}, who=ATTACKER), None),
        ("neg", "refused", api("cloudtrail.amazonaws.com", "StopLogging", {"name": trail}, who=ATTACKER,
                               error="AccessDenied"), None)]
    F["cloudtrail-tamper-attempt"] = (
        api("cloudtrail.amazonaws.com", "StopLogging", {"name": trail}, who=ATTACKER, error="AccessDenied"),
        api("cloudtrail.amazonaws.com", "StopLogging", {"name": trail}, who=ATTACKER), ["cloudtrail-stopped"])
    V["cloudtrail-tamper-attempt"] = [
        ("pos", "selectors", selectors([basic_sel(mgmt=False, values=())], error="AccessDenied"), None),
        ("pos", "delete", api("cloudtrail.amazonaws.com", "DeleteTrail", {"name": TRAIL_NAME}, who=ATTACKER,
                              error="TrailNotFoundException"), None),
        ("neg", "start", api("cloudtrail.amazonaws.com", "StartLogging", {"name": trail}, who=ATTACKER,
                             error="AccessDenied"), None)]
    F["cloudtrail-redirected"] = (
        update_trail({"s3BucketName": "exfil-trail-drop-7731"}),
        update_trail({"s3BucketName": TRAIL_BUCKET, "enableLogFileValidation": True, "isMultiRegionTrail": True},
                     who=user("ops-admin")), [])
    V["cloudtrail-redirected"] = [
        ("pos", "validation-off", update_trail({"enableLogFileValidation": False, "name": trail}), None),
        ("pos", "no-cloudwatch", update_trail({"cloudWatchLogsLogGroupArn": "", "cloudWatchLogsRoleArn": ""}), None),
        ("neg", "other-trail", update_trail({"name": "dev-trail", "s3BucketName": "acme-dev-trail"},
                                            who=user("ops-admin")), None)]
    F["cloudtrail-reconfigured"] = (
        update_trail({"enableLogFileValidation": True}, who=user("ops-admin")),
        update_trail({"s3BucketName": "exfil-trail-drop-7731"}), ["cloudtrail-redirected"])
    sel = [{"name": "Management events only", "fieldSelectors": [{"field": "eventCategory",
                                                                  "equals": ["Management"]}]}]
    F["cloudtrail-selectors-narrowed"] = (
        selectors(sel, advanced=True),
        selectors([basic_sel()]), [])
    EXPECT["cloudtrail-selectors-narrowed"] = "high"
    V["cloudtrail-selectors-narrowed"] = [
        ("pos", "no-management", selectors([basic_sel(mgmt=False)]), "high"),
        ("pos", "advanced-data-only", selectors([adv_data()], advanced=True), "high"),
        ("pos", "other-bucket", selectors([basic_sel(values=("arn:aws:s3:::acme-scratch/",))]), "high"),
        ("pos", "prefix-only", selectors([basic_sel(values=("arn:aws:s3:::acme-data/public/",))]), "high"),
        ("pos", "excluded", selectors([adv_mgmt(), adv_data(starts=("arn:aws:s3:::",),
                                                            not_starts=("arn:aws:s3:::acme-data/",))],
                                      advanced=True), "high"),
        ("pos", "empty", selectors([]), "high"),
        ("pos", "trail-arn", api("cloudtrail.amazonaws.com", "PutEventSelectors", {
            "trailName": "arn:aws:cloudtrail:%s:%s:trail/%s" % (REGION, ACCOUNT, TRAIL_NAME),
            "eventSelectors": [basic_sel(values=())]}, who=ATTACKER), "high"),
        # Another trail must still log management events; its data events are its own.
        ("pos", "other-trail-no-management", api("cloudtrail.amazonaws.com", "PutEventSelectors", {
            "trailName": "dev-trail", "eventSelectors": [basic_sel(mgmt=False, values=())]}, who=ATTACKER), "high"),
        ("neg", "other-trail", api("cloudtrail.amazonaws.com", "PutEventSelectors", {
            "trailName": "dev-trail", "eventSelectors": [basic_sel(values=())]}, who=user("ops-admin")), None),
        ("neg", "all-buckets", selectors([basic_sel(values=("arn:aws:s3",))]), None),
        ("neg", "advanced-keeps", selectors([adv_mgmt(), adv_data()], advanced=True), None),
        ("neg", "advanced-all-objects", selectors([adv_mgmt(), adv_data(starts=())], advanced=True), None),
        ("neg", "split-selectors", selectors([basic_sel(values=()), basic_sel(mgmt=False)]), None),
        ("neg", "failed", selectors([basic_sel(mgmt=False, values=())], error="AccessDenied"), None),
    ]
    F["s3-access-logging-disabled"] = (
        s3("PutBucketLogging", params={"logging": "", "BucketLoggingStatus": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketLogging", params={"logging": "", "BucketLoggingStatus": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
            "LoggingEnabled": {"TargetBucket": "acme-access-logs", "TargetPrefix": "acme-data/"}}},
           who=user("ops-admin"), ua=CLI_UA), [])
    F["s3-access-logging-disabled-other"] = (
        s3("PutBucketLogging", bucket="acme-scratch", params={"logging": "", "BucketLoggingStatus": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}, who=user("ops-admin"), ua=CLI_UA),
        s3("PutBucketLogging", params={"logging": "", "BucketLoggingStatus": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}, who=ATTACKER, ua=CLI_UA),
        [])
    F["trail-log-group-deleted"] = (
        api("logs.amazonaws.com", "DeleteLogGroup", {"logGroupName": LOG_GROUP}, who=ATTACKER),
        api("logs.amazonaws.com", "DeleteLogGroup", {"logGroupName": "/aws/lambda/old-thumbnailer"}),
        [])
    F["trail-log-group-tampered"] = (
        api("logs.amazonaws.com", "DeleteSubscriptionFilter",
            {"logGroupName": LOG_GROUP, "filterName": "s3watch-analyser"}, who=ATTACKER),
        api("logs.amazonaws.com", "PutRetentionPolicy", {"logGroupName": LOG_GROUP, "retentionInDays": 365},
            who=user("ops-admin")), [])
    V["trail-log-group-tampered"] = [
        ("pos", "short-retention", api("logs.amazonaws.com", "PutRetentionPolicy",
                                       {"logGroupName": LOG_GROUP, "retentionInDays": 1}, who=ATTACKER), None),
        ("pos", "new-subscription", api("logs.amazonaws.com", "PutSubscriptionFilter", {
            "logGroupName": LOG_GROUP, "filterName": "s3watch-analyser", "filterPattern": "",
            "destinationArn": "arn:aws:logs:%s:%s:destination:drop" % (REGION, OTHER_ACCOUNT)},
            who=ATTACKER), None)]
    F["trail-log-group-changed"] = (
        api("logs.amazonaws.com", "PutRetentionPolicy", {"logGroupName": LOG_GROUP, "retentionInDays": 365},
            who=user("ops-admin")),
        api("logs.amazonaws.com", "PutRetentionPolicy", {"logGroupName": LOG_GROUP, "retentionInDays": 1},
            who=ATTACKER), [])
    F["cloudwatch-logs-tampered"] = (
        api("logs.amazonaws.com", "DeleteSubscriptionFilter",
            {"logGroupName": "/aws/lambda/thumbnailer", "filterName": "to-splunk"}, who=user("ops-admin")),
        api("logs.amazonaws.com", "PutRetentionPolicy",
            {"logGroupName": "/aws/lambda/s3watch-analyser", "retentionInDays": 30},
            who={"type": "AWSService", "invokedBy": "lambda.amazonaws.com"}, ip="AWS Internal", ua="AWS Internal"), [])
    V["cloudwatch-logs-tampered"] = [
        ("neg", "trail-group", api("logs.amazonaws.com", "DeleteSubscriptionFilter",
                                   {"logGroupName": LOG_GROUP, "filterName": "s3watch-analyser"}, who=ATTACKER),
         None)]
    F["eventbridge-rule-tampered"] = (
        api("events.amazonaws.com", "DisableRule", {"name": "s3watch-s3-denied"}, who=ATTACKER),
        api("events.amazonaws.com", "EnableRule", {"name": "s3watch-s3-denied"}), [])
    V["eventbridge-rule-tampered"] = [
        ("pos", "targets", api("events.amazonaws.com", "RemoveTargets", {"rule": "s3watch-analyser",
                                                                         "ids": ["analyser"]}, who=ATTACKER), None),
        ("neg", "other-rule", api("events.amazonaws.com", "DeleteRule", {"name": "nightly-report"}), None)]
    F["eventbridge-rule-changed"] = (
        api("events.amazonaws.com", "DeleteRule", {"name": "nightly-report"}),
        api("events.amazonaws.com", "DeleteRule", {"name": "s3watch-s3-denied"}, who=ATTACKER), [])
    topic = "arn:aws:sns:%s:%s:s3watch-alerts" % (REGION, ACCOUNT)
    F["alerting-tampered"] = (
        api("sns.amazonaws.com", "Unsubscribe", {"subscriptionArn": topic + ":6d2c0b7e-0f4a-4f0e-9b1c-2a3d4e5f6a7b"},
            who=ATTACKER),
        api("sns.amazonaws.com", "GetTopicAttributes", {"topicArn": topic}, read_only=True), [])
    fn = "arn:aws:lambda:%s:%s:function:s3watch-analyser" % (REGION, ACCOUNT)
    F["lambda-function-tampered"] = (
        api("lambda.amazonaws.com", "PutFunctionConcurrency20171031",
            {"functionName": fn, "reservedConcurrentExecutions": 0}, who=ATTACKER,
            response={"reservedConcurrentExecutions": 0}),
        api("lambda.amazonaws.com", "GetFunction20150331v2", {"functionName": fn}, read_only=True), [])
    F["guardduty-disrupted"] = (
        api("guardduty.amazonaws.com", "UpdateDetector",
            {"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": False}, who=ATTACKER),
        api("guardduty.amazonaws.com", "UpdateDetector",
            {"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": True}), [])
    V["guardduty-disrupted"] = [
        ("pos", "deleted", api("guardduty.amazonaws.com", "DeleteDetector",
                               {"detectorId": "12abc34d567e8fa901bc2d34e56789f0"}, who=ATTACKER), None)]
    F["guardduty-suppressed"] = (
        api("guardduty.amazonaws.com", "CreateFilter", {
            "detectorId": "12abc34d567e8fa901bc2d34e56789f0", "name": "quiet-s3", "action": "ARCHIVE",
            "findingCriteria": {"criterion": {"resource.resourceType": {"eq": ["S3Bucket"]}}}}, who=ATTACKER),
        api("guardduty.amazonaws.com", "CreateFilter", {
            "detectorId": "12abc34d567e8fa901bc2d34e56789f0", "name": "s3-view", "action": "NOOP",
            "findingCriteria": {"criterion": {"resource.resourceType": {"eq": ["S3Bucket"]}}}}), [])
    F["organization-left"] = (
        api("organizations.amazonaws.com", "LeaveOrganization", None, who=root(), ua="AWS Internal"),
        api("organizations.amazonaws.com", "DescribeOrganization", None, read_only=True), ["root-activity"])
    F["organization-leave-attempt"] = (
        api("organizations.amazonaws.com", "LeaveOrganization", None, who=ATTACKER, error="AccessDenied"),
        api("organizations.amazonaws.com", "LeaveOrganization", None, who=root(), ua="AWS Internal"),
        [])
    F["vpc-flow-logs-deleted"] = (
        api("ec2.amazonaws.com", "DeleteFlowLogs", {"DeleteFlowLogsRequest": {
            "FlowLogId": {"content": "fl-0a1b2c3d4e5f67890", "tag": 1}}}, who=ATTACKER,
            response={"DeleteFlowLogsResponse": {"unsuccessful": "", "requestId": "5b2c9e1a-0d4f-4e3b-9a8c-7d6e5f4a3b2c"}}),
        api("ec2.amazonaws.com", "CreateFlowLogs", {"CreateFlowLogsRequest": {
            "ResourceId": {"content": "vpc-0a1b2c3d", "tag": 1}, "TrafficType": "ALL",
            "LogDestinationType": "s3", "LogDestination": "arn:aws:s3:::acme-flow-logs"}}), [])
    F["dns-query-logging-removed"] = (
        api("route53resolver.amazonaws.com", "DisassociateResolverQueryLogConfig", {
            "resolverQueryLogConfigId": "rqlc-8ca61fe7c055415a", "resourceId": "vpc-0a1b2c3d"}, who=ATTACKER),
        api("route53resolver.amazonaws.com", "AssociateResolverQueryLogConfig", {
            "resolverQueryLogConfigId": "rqlc-8ca61fe7c055415a", "resourceId": "vpc-0a1b2c3d"}), [])
    V["dns-query-logging-removed"] = [
        ("pos", "deleted", api("route53resolver.amazonaws.com", "DeleteResolverQueryLogConfig", {
            "resolverQueryLogConfigId": "rqlc-8ca61fe7c055415a"}, who=ATTACKER), None)]
    F["macie-disabled"] = (
        api("macie2.amazonaws.com", "UpdateMacieSession", {"status": "PAUSED"}, who=ATTACKER),
        api("macie2.amazonaws.com", "UpdateMacieSession", {"status": "ENABLED",
                                                           "findingPublishingFrequency": "FIFTEEN_MINUTES"}), [])
    V["macie-disabled"] = [
        ("pos", "disabled", api("macie2.amazonaws.com", "DisableMacie", {}, who=ATTACKER), None)]
    F["config-recorder-stopped"] = (
        api("config.amazonaws.com", "StopConfigurationRecorder", {"configurationRecorderName": "default"},
            who=ATTACKER),
        api("config.amazonaws.com", "StartConfigurationRecorder", {"configurationRecorderName": "default"}), [])

    # --- stateful: sequences of records
    scanner = user("ci-scanner", "AKIA4EXAMPLECISCAN01")
    F["s3-denied-burst"] = (
        [s3("GetObject", key=key_of(i), who=scanner, ua=CLI_UA, error="AccessDenied", t=at(seconds=9 * i))
         for i in range(20)],
        [s3("GetObject", key=key_of(i), who=scanner, ua=CLI_UA, error="AccessDenied", t=at(seconds=9 * i))
         for i in range(19)],
        ["s3-object-denied"])
    F["s3-mass-delete"] = (
        [s3("DeleteObject", key=key_of(i), who=ATTACKER, ua=CLI_UA, t=at(seconds=3 * i)) for i in range(100)],
        [s3("DeleteObject", bucket=("acme-data" if i % 2 else "acme-scratch"), key=key_of(i), who=ATTACKER,
            ua=CLI_UA, t=at(seconds=3 * i)) for i in range(98)], [])
    V["s3-mass-delete"] = [
        ("pos", "threshold", [s3("DeleteObject", key=key_of(i), who=ATTACKER, ua=CLI_UA, t=at(seconds=11 * i))
                              for i in range(50)], None),
        ("neg", "slow", [s3("DeleteObject", key=key_of(i), who=ATTACKER, ua=CLI_UA, t=at(seconds=13 * i))
                         for i in range(50)], None)]
    F["s3-batch-delete-burst"] = (
        [s3("DeleteObjects", params=dels, who=ATTACKER, ua=CLI_UA, t=at(minutes=2 * i)) for i in range(3)],
        [s3("DeleteObjects", params=dels, who=ATTACKER, ua=CLI_UA, t=at(minutes=30 * i)) for i in range(3)],
        ["s3-batch-delete"])
    F["s3-posture-enumeration"] = (
        [s3("GetBucketAcl", bucket="acme-bucket-%02d" % i, params={"acl": ""}, who=ATTACKER, ua=CLI_UA,
            t=at(seconds=2 * i)) for i in range(15)],
        [s3("GetBucketAcl", bucket="acme-bucket-%02d" % (i % 5), params={"acl": ""}, who=ATTACKER, ua=CLI_UA,
            t=at(seconds=2 * i)) for i in range(15)], [])
    F["s3-listing-sweep"] = (
        [s3("ListObjects", params={"list-type": "2", "prefix": "datasets/%03d/" % i, "delimiter": "/",
                                   "encoding-type": "url"}, who=ATTACKER, ua=CLI_UA, t=at(seconds=i), out=4096)
         for i in range(200)],
        [s3("ListObjects", params={"list-type": "2", "prefix": "datasets/%03d/" % i, "delimiter": "/",
                                   "encoding-type": "url"}, who=ATTACKER, ua=CLI_UA, t=at(seconds=i), out=4096)
         for i in range(150)], [])
    F["s3-sse-c-burst"] = (
        [s3("PutObject", key=key_of(i), params=SSEC, inb=1048576, who=ATTACKER, ua=CLI_UA, t=at(seconds=5 * i))
         for i in range(20)],
        [s3("PutObject", key=key_of(i), params=SSEC, inb=1048576, who=ATTACKER, ua=CLI_UA, t=at(minutes=6 * i))
         for i in range(20)],
        ["s3-sse-c-write", "s3-sse-c-first-use"])
    F["s3-sse-c-first-use"] = (
        [s3("PutObject", key=key_of(3), params=SSEC, inb=1048576, who=ATTACKER, ua=CLI_UA)],
        [s3("PutObject", key=key_of(3), params=SSEKMS, inb=1048576, who=ATTACKER, ua=CLI_UA)],
        ["s3-sse-c-write"])
    F["s3-bulk-read-bytes"] = (
        [s3("GetObject", key=key_of(i), out=400 * 1048576, who=ATTACKER, ua=CLI_UA, t=at(minutes=2 * i))
         for i in range(3)],
        [s3("GetObject", key=key_of(i), out=100 * 1048576, who=ATTACKER, ua=CLI_UA, t=at(minutes=2 * i))
         for i in range(3)], [])
    F["principal-new-source-ip"] = (
        [s3("GetObject", key=key_of(1), ip="10.20.30.40", t=at()),
         s3("GetObject", key=key_of(2), ip="10.20.30.40", t=at(days=2)),
         s3("GetObject", key=key_of(3), ip="10.99.7.21", t=at(days=2, minutes=1))],
        [s3("GetObject", key=key_of(1), ip="10.20.30.40", t=at()),
         s3("GetObject", key=key_of(2), ip="10.20.30.40", t=at(days=2)),
         s3("GetObject", key=key_of(3), ip="10.20.30.40", t=at(days=3))], [])
    F["s3-bucket-new-writer"] = (
        [s3("PutObject", key=key_of(1), params=SSEKMS, inb=52113, t=at()),
         s3("PutObject", key=key_of(2), params=SSEKMS, inb=52113, t=at(days=2)),
         s3("PutObject", key=key_of(3), params=SSEKMS, inb=52113, who=role("etl-role"), t=at(days=2, minutes=1))],
        [s3("PutObject", key=key_of(1), params=SSEKMS, inb=52113, t=at()),
         s3("PutObject", key=key_of(2), params=SSEKMS, inb=52113, t=at(days=2)),
         s3("PutObject", key=key_of(3), params=SSEKMS, inb=52113, t=at(days=3))],
        # etl-role is new, so its IP is new to it too.
        ["principal-new-source-ip"])
    suspend = {"versioning": "", "VersioningConfiguration": {
        "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Status": "Suspended"}}
    F["seq-impair-then-destroy"] = (
        [s3("PutBucketVersioning", params=suspend, who=ATTACKER, ua=CLI_UA, t=at())] +
        [s3("DeleteObjects", params=dels, who=ATTACKER, ua=CLI_UA, t=at(minutes=30 + i)) for i in range(3)],
        [s3("PutBucketVersioning", params=suspend, who=user("ops-admin"), ua=CLI_UA, t=at())] +
        [s3("DeleteObjects", params=dels, who=ATTACKER, ua=CLI_UA, t=at(minutes=30 + i)) for i in range(3)],
        ["s3-versioning-suspended", "s3-batch-delete", "s3-batch-delete-burst"])
    F["seq-exposure-chain"] = (
        [s3("DeleteBucketPublicAccessBlock", params={"publicAccessBlock": ""}, who=ATTACKER, ua=CLI_UA, t=at()),
         s3("PutBucketPolicy", params={"policy": "", "bucketPolicy": PUBLIC_POLICY}, who=ATTACKER, ua=CLI_UA,
            t=at(minutes=4))],
        [s3("DeleteBucketPublicAccessBlock", bucket="acme-website", params={"publicAccessBlock": ""},
            who=user("ops-admin"), ua=CLI_UA, t=at()),
         s3("PutBucketPolicy", params={"policy": "", "bucketPolicy": PUBLIC_POLICY}, who=ATTACKER, ua=CLI_UA,
            t=at(minutes=4))],
        ["s3-bucket-bpa-weakened", "s3-bucket-policy-grant", "s3-bucket-policy-changed"])
    F["seq-discovery-then-bulk-read"] = (
        [s3("GetBucketAcl", bucket="acme-bucket-%02d" % i, params={"acl": ""}, who=ATTACKER, ua=CLI_UA,
            t=at(seconds=2 * i)) for i in range(15)] +
        [s3("GetObject", key=key_of(i), out=400 * 1048576, who=ATTACKER, ua=CLI_UA, t=at(minutes=10 + 2 * i))
         for i in range(3)],
        [s3("GetBucketAcl", bucket="acme-bucket-%02d" % i, params={"acl": ""}, who=ATTACKER, ua=CLI_UA,
            t=at(seconds=2 * i)) for i in range(15)] +
        [s3("GetObject", key=key_of(i), out=400 * 1048576, who=role("etl-role"), ua=CLI_UA, t=at(minutes=10 + 2 * i))
         for i in range(3)],
        ["s3-posture-enumeration", "s3-bulk-read-bytes"])
    return F, V, EXPECT


def stable_ids(name, records):
    """Ids from the file's name and the record's place in it, so that adding a
    fixture changes no other file."""
    for i, r in enumerate(records):
        seed = "s3watch-fixture-%s-%d" % (name, i)
        h = hashlib.sha256(seed.encode()).hexdigest().upper()
        r["eventID"] = str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
        if "additionalEventData" in r:
            r["requestID"] = h[:16]
            r["additionalEventData"]["x-amz-id-2"] = hashlib.sha256(h[:16].encode()).hexdigest()[:56]
        else:
            r["requestID"] = str(uuid.UUID(hashlib.md5(h.encode()).hexdigest()))


def write(out, name, rec):
    """One fixture file; its name."""
    stable_ids(name, rec if isinstance(rec, list) else [rec])
    if isinstance(rec, list):
        name += ".jsonl"
        with open(os.path.join(out, name), "w") as f:
            for r in rec:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
    else:
        name += ".json"
        with open(os.path.join(out, name), "w") as f:
            f.write(json.dumps(rec, indent=2) + "\n")
    return name


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "fixtures")
    os.makedirs(out, exist_ok=True)
    # Fixtures of rules that are gone go too.
    for name in os.listdir(out):
        if name.endswith((".json", ".jsonl")):
            os.remove(os.path.join(out, name))
    F, V, EXPECT = fixtures()
    also, expect = [], []
    for rid, (pos, neg, extra) in sorted(F.items()):
        name = write(out, "%s.pos" % rid, pos)
        if rid in EXPECT:
            expect.append("%s %s %s" % (name, rid, EXPECT[rid]))
        write(out, "%s.neg" % rid, neg)
        for kind, case, rec, sev in V.get(rid, []):
            name = write(out, "%s.%s-%s" % (rid, kind, case), rec)
            if sev is not None:
                expect.append("%s %s %s" % (name, rid, sev))
        if extra:
            also.append("%s: %s" % (rid, " ".join(extra)))
    for rid in V:
        assert rid in F, rid
    with open(os.path.join(out, "also-hits.txt"), "w") as f:
        f.write("# RULE: other rules its positive fixtures may also hit (written by gen-fixtures.py)\n")
        f.write("\n".join(also) + "\n")
    with open(os.path.join(out, "expect.txt"), "w") as f:
        f.write("# FILE RULE SEVERITY: the severity of RULE's hit in a positive fixture, where a check\n"
                "# decides it (written by gen-fixtures.py); elsewhere it is the rule's own.\n")
        f.write("\n".join(expect) + "\n")
    with open(os.path.join(out, "settings.json"), "w") as f:
        f.write(json.dumps(SETTINGS, indent=2) + "\n")


if __name__ == "__main__":
    main()
