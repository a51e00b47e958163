#!/usr/bin/env python3
"""Writes tests/rules/fixtures: for every rule of conf/rules.d a positive and
a negative CloudTrail record (RULE.pos.json, RULE.neg.json), or for stateful
rules a JSON-lines sequence (RULE.pos.jsonl, RULE.neg.jsonl), plus
also-hits.txt: the other rules a positive fixture is allowed to hit.

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


# Each entry: rule id -> (positive, negative, also).  A record is a dict; a
# sequence (stateful rules) is a list of dicts.
def fixtures():
    F = {}
    F["s3-object-denied"] = (
        s3("GetObject", key="finance/payroll-2026-08.csv", error="AccessDenied", who=role("web-role")),
        s3("GetObject", key="finance/payroll-2026-13.csv", error="NoSuchKey"), [])
    F["s3-bucket-deleted"] = (
        s3("DeleteBucket", bucket="acme-archive", params={}, who=ATTACKER, ua=CLI_UA),
        s3("DeleteBucket", bucket="acme-archive", who=ATTACKER, ua=CLI_UA, error="BucketNotEmpty"), [])
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
    F["s3-bucket-policy-public"] = (
        s3("PutBucketPolicy", params={"policy": "", "bucketPolicy": PUBLIC_POLICY}, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketPolicy", params={"policy": "", "bucketPolicy": PRIVATE_POLICY}, who=user("ops-admin"), ua=CLI_UA),
        ["s3-bucket-policy-changed"])
    F["s3-acl-public"] = (
        s3("PutBucketAcl", params={"acl": "", "x-amz-acl": ["public-read"]}, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketAcl", params={"acl": "", "x-amz-acl": ["private"]}, who=user("ops-admin"), ua=CLI_UA),
        ["s3-bucket-acl-changed"])
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
    F["s3-bucket-config-changed"] = (
        s3("PutBucketCors", params=cors, who=user("ops-admin"), ua=CLI_UA),
        s3("GetBucketCors", params={"cors": ""}, who=user("ops-admin"), ua=CLI_UA), [])
    F["s3-versioning-suspended"] = (
        s3("PutBucketVersioning", params={"versioning": "", "VersioningConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Status": "Suspended"}}, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketVersioning", params={"versioning": "", "VersioningConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Status": "Enabled"}}, who=user("ops-admin"), ua=CLI_UA),
        [])
    F["s3-lifecycle-expiration-added"] = (
        s3("PutBucketLifecycle", params=lifecycle({"ID": "cleanup", "Status": "Enabled", "Filter": {"Prefix": ""},
                                                   "Expiration": {"Days": 1}}), who=ATTACKER, ua=CLI_UA),
        s3("PutBucketLifecycle", params=lifecycle({"ID": "archive", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
                                                   "Transition": {"Days": 30, "StorageClass": "GLACIER"}}),
           who=user("ops-admin"), ua=CLI_UA), [])
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
    F["s3-credential-file-read"] = (
        s3("GetObject", key="backups/home/ubuntu/.aws/credentials", out=116, who=ATTACKER, ua=CLI_UA),
        s3("GetObject", key="policies/credentials-handling-policy.pdf", out=88213), [])
    F["s3-large-object-read"] = (
        s3("GetObject", key="exports/customers-full.sql.gz", out=2147483648),
        s3("GetObject", key="exports/customers-delta.sql.gz", out=1048576), ["s3-bulk-read-bytes"])
    F["s3-bulk-copy-tool"] = (
        s3("GetObject", key=key_of(12), ua="rclone/v1.66.0", who=ATTACKER),
        s3("GetObject", key=key_of(12), ua=CLI_UA, who=ATTACKER), [])
    trail = "arn:aws:cloudtrail:%s:%s:trail/org-trail" % (REGION, ACCOUNT)
    F["cloudtrail-stopped"] = (
        api("cloudtrail.amazonaws.com", "StopLogging", {"name": trail}, who=ATTACKER),
        api("cloudtrail.amazonaws.com", "StartLogging", {"name": trail}), [])
    sel = {"trailName": "org-trail", "advancedEventSelectors": [{"name": "Management events only",
           "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]}
    F["cloudtrail-reconfigured"] = (
        api("cloudtrail.amazonaws.com", "PutEventSelectors", sel, who=ATTACKER),
        api("cloudtrail.amazonaws.com", "GetEventSelectors", {"trailName": "org-trail"}, read_only=True), [])
    F["s3-access-logging-disabled"] = (
        s3("PutBucketLogging", params={"logging": "", "BucketLoggingStatus": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}, who=ATTACKER, ua=CLI_UA),
        s3("PutBucketLogging", params={"logging": "", "BucketLoggingStatus": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
            "LoggingEnabled": {"TargetBucket": "acme-access-logs", "TargetPrefix": "acme-data/"}}},
           who=user("ops-admin"), ua=CLI_UA), [])
    F["cloudwatch-logs-tampered"] = (
        api("logs.amazonaws.com", "DeleteSubscriptionFilter",
            {"logGroupName": "aws-cloudtrail-logs-org-trail", "filterName": "s3watch-analyser"}, who=ATTACKER),
        api("logs.amazonaws.com", "PutRetentionPolicy",
            {"logGroupName": "/aws/lambda/s3watch-analyser", "retentionInDays": 30},
            who={"type": "AWSService", "invokedBy": "lambda.amazonaws.com"}, ip="AWS Internal", ua="AWS Internal"), [])
    F["eventbridge-rule-tampered"] = (
        api("events.amazonaws.com", "DisableRule", {"name": "s3watch-s3-denied"}, who=ATTACKER),
        api("events.amazonaws.com", "EnableRule", {"name": "s3watch-s3-denied"}), [])
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
            ua=CLI_UA, t=at(seconds=3 * i)) for i in range(120)], [])
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
        ["s3-bucket-bpa-weakened", "s3-bucket-policy-public", "s3-bucket-policy-changed"])
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
    return F


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "fixtures")
    os.makedirs(out, exist_ok=True)
    also = []
    for rid, (pos, neg, extra) in sorted(fixtures().items()):
        for kind, rec in (("pos", pos), ("neg", neg)):
            if isinstance(rec, list):
                path = os.path.join(out, "%s.%s.jsonl" % (rid, kind))
                with open(path, "w") as f:
                    for r in rec:
                        f.write(json.dumps(r, separators=(",", ":")) + "\n")
            else:
                path = os.path.join(out, "%s.%s.json" % (rid, kind))
                with open(path, "w") as f:
                    f.write(json.dumps(rec, indent=2) + "\n")
        if extra:
            also.append("%s: %s" % (rid, " ".join(extra)))
    with open(os.path.join(out, "also-hits.txt"), "w") as f:
        f.write("# RULE: other rules its positive fixture may also hit (written by gen-fixtures.py)\n")
        f.write("\n".join(also) + "\n")


if __name__ == "__main__":
    main()
