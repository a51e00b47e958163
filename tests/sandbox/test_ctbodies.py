"""ctbodies.py against published CloudTrail records.

Each test serialises a request body as the AWS CLI does (botocore's own
serializer and S3 model), converts it with ctbodies, and compares the result
field by field with the requestParameters of a record in s3watch's
detection corpus (tests/detect/*.jsonl, see its PROVENANCE.md), whose
provenance the test also checks. Run: python3 test_ctbodies.py [-v]
"""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ctbodies  # noqa: E402

import botocore.session  # noqa: E402
from botocore.serialize import create_serializer  # noqa: E402

CORPUS = os.path.join(HERE, "..", "detect")
S3NS = "http://s3.amazonaws.com/doc/2006-03-01/"
MODEL = botocore.session.get_session().get_service_model("s3")
SERIALIZER = create_serializer("rest-xml")


def request_of(operation, params):
    """The body and headers the AWS CLI sends for `operation` with `params`."""
    request = SERIALIZER.serialize_to_request(dict(params, Bucket="b"),
                                              MODEL.operation_model(operation))
    return request["body"], {k.lower(): v for k, v in request["headers"].items()}


def published(corpus, event_name, path, item=None):
    """The requestParameters of the record of `corpus` with this event name,
    from this source (and provenance item)."""
    with open(os.path.join(CORPUS, corpus)) as f:
        for line in f:
            entry = json.loads(line)
            prov = entry["label"]["provenance"]
            if entry["record"]["eventName"] == event_name and prov["path"] == path \
                    and (item is None or prov["item"] == item):
                return entry["record"]["requestParameters"]
    raise AssertionError("no %s record from %s in %s" % (event_name, path, corpus))


def convert(operation, params):
    body, headers = request_of(operation, params)
    return ctbodies.request_parameters(operation, body, lambda name: headers.get(name))


SHORT_LIFECYCLE = "rules/aws_cloudtrail_rules/aws_cloudtrail_short_lifecycle.yml"


class PublishedShapes(unittest.TestCase):

    def converts(self, operation, params, want):
        """`params` sent as the CLI does give `want` under the body's root."""
        got = convert(operation, params)[ctbodies.BODY_ROOTS[operation]]
        self.assertEqual(got, want)
        return got

    def test_put_bucket_acl_follows_the_aws_docs_example(self):
        record = published("awsdocs.jsonl", "PutBucketAcl",
                           "doc_source/cloudtrail-logging-understanding-s3-entries.md")
        want = record["AccessControlPolicy"]
        owner = want["Owner"]["ID"]
        got = convert("PutBucketAcl", {"AccessControlPolicy": {
            "Owner": {"ID": owner},
            "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner},
                        "Permission": "FULL_CONTROL"}]}})
        self.assertEqual(got["AccessControlPolicy"], want)

    def test_put_bucket_acl_header_is_a_list(self):
        record = published("panther.jsonl", "PutBucketAcl",
                           "rules/aws_cloudtrail_rules/aws_s3_bucket_policy_modified.yml")
        got = convert("PutBucketAcl", {"ACL": "private"})
        self.assertEqual(got["x-amz-acl"], record["x-amz-acl"])
        self.assertNotIn("AccessControlPolicy", got)

    def test_logging_off_follows_panther(self):
        record = published("panther.jsonl", "PutBucketLogging",
                           "rules/aws_cloudtrail_rules/aws_s3_disable_bucket_logging.yml",
                           "Bucket Logging Disabled Successfully")
        got = convert("PutBucketLogging", {"BucketLoggingStatus": {}})
        self.assertEqual(got["BucketLoggingStatus"],
                         record["BucketLoggingStatus"])

    def test_logging_on_keeps_target_and_key_format(self):
        got = convert("PutBucketLogging", {"BucketLoggingStatus": {"LoggingEnabled": {
            "TargetBucket": "logs", "TargetPrefix": "s3/",
            "TargetObjectKeyFormat": {"PartitionedPrefix": {
                "PartitionDateSource": "EventTime"}}}}})
        self.assertEqual(got["BucketLoggingStatus"], {
            "xmlns": S3NS, "LoggingEnabled": {
                "TargetBucket": "logs", "TargetPrefix": "s3/",
                "TargetObjectKeyFormat": {"PartitionedPrefix": {
                    "PartitionDateSource": "EventTime"}}}})

    def test_lifecycle_follows_panther(self):
        want = published("panther.jsonl", "PutBucketLifecycle", SHORT_LIFECYCLE)[
            "LifecycleConfiguration"]
        rule = want["Rule"]
        got = self.converts("PutBucketLifecycleConfiguration", {"LifecycleConfiguration": {
            "Rules": [{"ID": rule["ID"], "Status": rule["Status"], "Filter": rule["Filter"],
                       "Expiration": rule["Expiration"]}]}}, want)
        self.assertIsInstance(got["Rule"]["Expiration"]["Days"], int)

    def test_lifecycle_rules_repeat_as_a_list(self):
        got = convert("PutBucketLifecycleConfiguration", {"LifecycleConfiguration": {
            "Rules": [{"ID": "a", "Status": "Enabled", "Filter": {"Prefix": ""},
                       "Expiration": {"Days": 1}},
                      {"ID": "b", "Status": "Disabled", "Filter": {"Prefix": "x/"},
                       "NoncurrentVersionExpiration": {"NoncurrentDays": 7}}]}})
        rules = got["LifecycleConfiguration"]["Rule"]
        self.assertEqual([r["ID"] for r in rules], ["a", "b"])
        self.assertEqual(rules[0]["Filter"], {"Prefix": ""})
        self.assertEqual(rules[1]["NoncurrentVersionExpiration"], {"NoncurrentDays": 7})

    def test_versioning_follows_panther(self):
        for item, status, mfa in (("Versioning Suspended Successfully", "Suspended", None),
                                  ("Versioning Enabled", "Enabled", None)):
            record = published("panther.jsonl", "PutBucketVersioning",
                               "rules/aws_cloudtrail_rules/aws_s3_suspend_versioning.yml", item)
            got = convert("PutBucketVersioning",
                          {"VersioningConfiguration": {"Status": status}})
            want = record["VersioningConfiguration"]
            # Panther's test records leave out the xmlns the CLI's body carries.
            self.assertEqual(got["VersioningConfiguration"], dict(want, xmlns=S3NS))
        got = convert("PutBucketVersioning", {"VersioningConfiguration": {
            "Status": "Enabled", "MFADelete": "Disabled"}})
        self.assertEqual(got["VersioningConfiguration"],
                         {"xmlns": S3NS, "Status": "Enabled", "MfaDelete": "Disabled"})

    def test_public_access_block_has_booleans(self):
        want = published("written.jsonl", "PutBucketPublicAccessBlock", SHORT_LIFECYCLE)[
            "PublicAccessBlockConfiguration"]
        got = self.converts("PutPublicAccessBlock", {"PublicAccessBlockConfiguration": {
            k: v for k, v in want.items() if k != "xmlns"}}, want)
        self.assertIs(got["BlockPublicAcls"], False)

    def test_encryption(self):
        want = published("written.jsonl", "PutBucketEncryption", SHORT_LIFECYCLE)[
            "ServerSideEncryptionConfiguration"]
        self.converts("PutBucketEncryption", {"ServerSideEncryptionConfiguration": {
            "Rules": [want["Rule"]]}}, want)

    def test_replication(self):
        want = published("written.jsonl", "PutBucketReplication", SHORT_LIFECYCLE)[
            "ReplicationConfiguration"]
        self.converts("PutBucketReplication", {"ReplicationConfiguration": {
            "Role": want["Role"], "Rules": [want["Rule"]]}}, want)

    def test_bucket_policy_is_json(self):
        policy = {"Version": "2012-10-17", "Statement": []}
        got = convert("PutBucketPolicy", {"Policy": json.dumps(policy)})
        self.assertEqual(got, {"bucketPolicy": policy})

    def test_bad_bodies_add_nothing(self):
        header = (lambda name: None)
        for body in (b"", b"<VersioningConfiguration>", b"{}", b"<Other/>"):
            self.assertEqual(ctbodies.request_parameters("PutBucketVersioning", body,
                                                         header), {})


if __name__ == "__main__":
    unittest.main()
