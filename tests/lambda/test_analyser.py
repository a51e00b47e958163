#!/usr/bin/env python3
"""Tests of the Lambda analyser (conf/lambda/analyser.py) against moto.

moto runs in-process (mock_aws): a topic with an SQS queue subscribed to
it stands in for the alert e-mail, so what the handler publishes can be
read back. Events have the EventBridge shape ("detail" holds the
CloudTrail record).

    python3 tests/lambda/test_analyser.py [-v]

Needs boto3 and moto (the Python tests/sandbox/sandbox finds).
"""

import importlib.util
import json
import os
import sys
import unittest

sys.dont_write_bytecode = True   # the source tree may be read-only

HERE = os.path.dirname(os.path.abspath(__file__))
HANDLER = os.path.join(HERE, "..", "..", "conf", "lambda", "analyser.py")

# Fake credentials and a region before boto3 is imported anywhere.
os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"})
for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(var, None)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402


def load_analyser():
    spec = importlib.util.spec_from_file_location("analyser", HANDLER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def event(detail, **over):
    """An EventBridge event as the analyser rule delivers it."""
    ev = {"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
          "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3",
          "account": "123456789012", "time": "2026-11-24T12:00:00Z",
          "region": "us-east-1", "resources": [], "detail": detail}
    ev.update(over)
    return ev


def record(name, ip="10.1.2.3", error=None, bucket="monitored", **extra):
    rec = {"eventVersion": "1.09", "eventSource": "s3.amazonaws.com", "eventName": name,
           "awsRegion": "us-east-1", "eventTime": "2026-11-24T12:00:00Z",
           "sourceIPAddress": ip, "userAgent": "aws-cli/2.15",
           "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice",
                            "principalId": "AIDAEXAMPLE", "accountId": "123456789012"},
           "requestParameters": {"bucketName": bucket}, "eventID": "e-1"}
    if error:
        rec["errorCode"] = error
        rec["errorMessage"] = "Access Denied"
    rec.update(extra)
    return rec


class AnalyserTest(unittest.TestCase):
    def setUp(self):
        self.mock = mock_aws()
        self.mock.start()
        self.addCleanup(self.mock.stop)
        sns = boto3.client("sns")
        sqs = boto3.client("sqs")
        self.topic = sns.create_topic(Name="alerts")["TopicArn"]
        self.queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=qarn)
        self.sqs = sqs
        os.environ["SNS_TOPIC_ARN"] = self.topic
        os.environ["ALLOWED_CIDRS"] = "10.0.0.0/8, 192.168.0.0/16,2001:db8::/32"
        self.analyser = load_analyser()

    def received(self):
        """The SNS notifications that reached the queue: [(subject, message)]."""
        out = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=0).get("Messages", [])
            if not got:
                return out
            for m in got:
                note = json.loads(m["Body"])
                out.append((note.get("Subject"), note["Message"]))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])

    def kinds(self):
        return sorted(json.loads(msg)["finding"] for _, msg in self.received())

    # -- positive cases --

    def test_admin_call_is_reported(self):
        for name in ("DeleteBucket", "PutBucketPolicy", "PutBucketAcl",
                     "PutBucketPublicAccessBlock", "DeleteBucketPolicy"):
            out = self.analyser.handler(event(record(name)))
            self.assertEqual(out["published"], 1, name)
        got = self.received()
        self.assertEqual(len(got), 5)
        subject, message = got[0]
        body = json.loads(message)
        self.assertEqual(body["finding"], "admin-call")
        self.assertEqual(body["bucket"], "monitored")
        self.assertEqual(body["principal"], "arn:aws:iam::123456789012:user/alice")
        self.assertEqual(body["record"]["eventName"], body["eventName"])
        self.assertTrue(subject.startswith("s3watch admin-call: "))

    def test_access_denied_is_reported(self):
        out = self.analyser.handler(event(record("GetObject", error="AccessDenied")))
        self.assertEqual(out, {"events": 1, "findings": 1, "published": 1, "errors": 0,
                               "skipped": 0})
        self.assertEqual(self.kinds(), ["access-denied"])

    def test_ip_outside_allowed_is_reported(self):
        self.analyser.handler(event(record("GetObject", ip="203.0.113.9")))
        self.analyser.handler(event(record("GetObject", ip="2001:db9::1")))
        self.assertEqual(self.kinds(), ["ip-outside-allowed", "ip-outside-allowed"])

    def test_several_findings_one_message_each(self):
        out = self.analyser.handler(event(record("PutBucketAcl", ip="198.51.100.7")))
        self.assertEqual(out["findings"], 2)
        self.assertEqual(self.kinds(), ["admin-call", "ip-outside-allowed"])

    # -- negative cases --

    def test_ordinary_call_inside_allowed_is_quiet(self):
        for ip in ("10.9.8.7", "192.168.1.1", "2001:db8::5"):
            out = self.analyser.handler(event(record("GetObject", ip=ip)))
            self.assertEqual(out["findings"], 0, ip)
        self.assertEqual(self.received(), [])

    def test_aws_service_caller_is_not_an_ip(self):
        out = self.analyser.handler(event(record("PutObject", ip="s3.amazonaws.com")))
        self.assertEqual(out["findings"], 0)
        out = self.analyser.handler(event(record("GetObject", ip="AWS Internal")))
        self.assertEqual(out["findings"], 0)
        self.assertEqual(self.received(), [])

    def test_failed_admin_call_is_denied_not_admin(self):
        self.analyser.handler(event(record("DeleteBucket", error="AccessDenied")))
        self.assertEqual(self.kinds(), ["access-denied"])

    def test_records_shape_is_not_an_eventbridge_event(self):
        # The recipe's handler read event["Records"]; EventBridge sends "detail".
        out = self.analyser.handler({"Records": [record("DeleteBucket")]})
        self.assertEqual(out["skipped"], 1)
        self.assertEqual(out["findings"], 0)
        self.assertEqual(self.received(), [])

    def test_no_allowed_cidrs_means_no_ip_check(self):
        os.environ["ALLOWED_CIDRS"] = ""
        out = self.analyser.handler(event(record("GetObject", ip="203.0.113.9")))
        self.assertEqual(out["findings"], 0)

    # -- limits --

    def test_subject_and_message_stay_within_sns_limits(self):
        huge = "x" * (400 * 1024)
        name = "PutBucketPolicy"
        rec = record(name, ip="203.0.113.9", bucket="b\u00e9\u00e9" * 40,
                     requestParameters={"bucketName": "b\u00e9" * 60, "policy": huge})
        out = self.analyser.handler(event(rec))
        self.assertEqual(out["errors"], 0)
        self.assertEqual(out["published"], 2)
        for subject, message in self.received():
            self.assertLess(len(subject), 100)
            self.assertTrue(all(32 <= ord(c) < 127 for c in subject), subject)
            self.assertLessEqual(len(message.encode("utf-8")), 256 * 1024)
            body = json.loads(message)
            self.assertIn("recordTruncated", body)

    def test_truncation_keeps_whole_characters(self):
        text = "\u00e9" * 10
        cut = self.analyser.truncate_utf8(text, 5)
        self.assertEqual(cut, "\u00e9\u00e9")

    def test_missing_topic_counts_errors(self):
        os.environ["SNS_TOPIC_ARN"] = ""
        out = self.analyser.handler(event(record("DeleteBucket")))
        self.assertEqual(out["errors"], 1)
        self.assertEqual(out["published"], 0)


if __name__ == "__main__":
    unittest.main()
