#!/usr/bin/env python3
"""Tests of the Lambda analyser (conf/lambda/analyser.py) against moto.

moto runs in-process (mock_aws): the handler keeps its state in moto's
DynamoDB, and a topic with an SQS queue subscribed to it stands in for the
alert e-mail, so what the handler publishes can be read back.  Events have
the EventBridge shape ("detail" holds the CloudTrail record).

  - the five analysis checks over tests/lambda/fixtures (CHECK.WANT.CASE.json,
    written from the shared specification by gen-check-fixtures.py);
  - the handler: what it publishes and how, its state in DynamoDB across
    cold starts, repeated events, concurrent writers, failures, SNS limits.
    (That the stateful rules mean what the console's engine means is
    test_agreement.py's part.)

    python3 tests/lambda/test_analyser.py [-v]

Needs boto3 and moto (the Python tests/sandbox/sandbox finds).
"""

import glob
import importlib.util
import json
import os
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True   # the source tree may be read-only

HERE = os.path.dirname(os.path.abspath(__file__))
HANDLER = os.path.join(HERE, "..", "..", "conf", "lambda", "analyser.py")
FIXTURES = os.path.join(HERE, "fixtures")

# Fake credentials and a region before boto3 is imported anywhere.
os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"})
for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(var, None)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

# The settings the fixtures assume (tests/lambda/agreement.conf).
SETTINGS = {"SOURCE_BUCKET": "acme-data", "TRAIL_BUCKET": "acme-cloudtrail-logs",
            "LOG_BUCKET": "acme-access-logs", "LOG_EXPIRY_MIN_DAYS": "30",
            "TRUSTED_ACCOUNTS": "", "TRAIL_NAME": "s3-security-monitoring-trail"}


def load_analyser():
    spec = importlib.util.spec_from_file_location("analyser", HANDLER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


A = load_analyser()


def event(detail, **over):
    """An EventBridge event as the analyser's rules deliver it."""
    ev = A.wrap_cloudtrail(detail)
    ev.update(over)
    return ev


def record(name, eid="e-1", when="2026-11-24T12:00:00Z", ip="10.1.2.3", bucket="acme-data",
           who="arn:aws:iam::123456789012:user/alice", **extra):
    rec = {"eventVersion": "1.09", "eventSource": "s3.amazonaws.com", "eventName": name,
           "awsRegion": "us-east-1", "eventTime": when, "sourceIPAddress": ip,
           "userAgent": "aws-cli/2.15",
           "userIdentity": {"type": "IAMUser", "arn": who, "principalId": "AIDAEXAMPLE",
                            "accountId": "123456789012"},
           "requestParameters": {"bucketName": bucket}, "eventID": eid,
           "recipientAccountId": "123456789012"}
    rec.update(extra)
    return rec


def at(minutes):
    return time.strftime("2026-11-24T%H:%M:%SZ", time.gmtime(12 * 3600 + minutes * 60))


def pattern(*names):
    return json.dumps({"detail": {"eventName": list(names)}})


# A small pack as setup step 8 writes it (analyser_plan.c: rules.json).
CONFIG = {"version": 1, "allowed_cidrs": ["10.0.0.0/8"], "rules": [
    {"id": "policy-grant", "title": "Bucket policy grants outside the trusted accounts",
     "severity": "critical", "kind": "check", "check": "policy-grant", "alert": True,
     "pattern": pattern("PutBucketPolicy")},
    {"id": "deletes", "title": "Many deletes", "severity": "critical", "kind": "count",
     "alert": True, "pattern": pattern("DeleteObject"),
     "count": {"key": ["principal"], "threshold": 3, "window": "10m"}},
    {"id": "versioning-off", "title": "Versioning suspended", "severity": "high",
     "kind": "pattern", "alert": False, "pattern": pattern("PutBucketVersioning")},
    {"id": "impair-then-destroy", "title": "Impaired, then destroyed", "severity": "critical",
     "kind": "sequence", "alert": True,
     "sequence": {"key": ["principal"], "window": "1h",
                  "steps": [["versioning-off"], ["deletes"]]}},
    {"id": "quiet-deletes", "title": "Deletes, allow-listed", "severity": "high",
     "kind": "count", "alert": True, "pattern": pattern("DeleteObjects"),
     "count": {"key": ["bucket"], "threshold": 1, "window": "5m"},
     "suppress": [json.dumps({"detail": {"userAgent": [{"prefix": "ci-"}]}})],
     "allow": {"principals": ["arn:aws:iam::*:role/backup-*"], "cidrs": ["192.0.2.0/24"]}},
]}


class ChecksTest(unittest.TestCase):
    """The checks against the fixtures written from the specification."""

    def test_every_fixture_gives_its_severity(self):
        settings = A.Settings(SETTINGS)
        paths = sorted(glob.glob(os.path.join(FIXTURES, "*.json")))
        self.assertGreater(len(paths), 50)
        seen = set()
        for path in paths:
            check, want, case = os.path.basename(path)[:-5].split(".", 2)
            with open(path, encoding="utf-8") as f:
                rec = json.load(f)
            got = A.CHECKS[check](rec, settings)
            with self.subTest(fixture=os.path.basename(path)):
                if want == "none":
                    self.assertIsNone(got)
                else:
                    self.assertIsNotNone(got)
                    self.assertEqual(got[0], want)
                    self.assertTrue(got[1])
            seen.add((check, want == "none"))
        # Each check has cases that hit and cases that do not.
        self.assertEqual(len(seen), 2 * len(A.CHECKS))

    def test_reason_names_principal_and_sid(self):
        with open(os.path.join(FIXTURES, "policy-grant.high.foreign-account-id.json"),
                  encoding="utf-8") as f:
            got = A.check_policy_grant(json.load(f), A.Settings(SETTINGS))
        self.assertIn("444455556666", got[1])
        self.assertIn('"Backdoor"', got[1])

    def test_trusted_accounts_setting(self):
        with open(os.path.join(FIXTURES, "policy-grant.high.foreign-account-id.json"),
                  encoding="utf-8") as f:
            rec = json.load(f)
        trusting = A.Settings(dict(SETTINGS, TRUSTED_ACCOUNTS="111122223333, 444455556666"))
        self.assertIsNone(A.check_policy_grant(rec, trusting))
        # Without the setting, the record's account is the trusted one.
        rec["recipientAccountId"] = "444455556666"
        self.assertIsNone(A.check_policy_grant(rec, A.Settings(SETTINGS)))

    def test_log_expiry_minimum_setting(self):
        with open(os.path.join(FIXTURES, "log-expiry.none.long-expiration.json"),
                  encoding="utf-8") as f:
            rec = json.load(f)
        self.assertEqual(A.check_log_expiry(rec, A.Settings(dict(
            SETTINGS, LOG_EXPIRY_MIN_DAYS="120")))[0], "high")
        # A setting that is no number keeps the default of 30 days.
        self.assertIsNone(A.check_log_expiry(rec, A.Settings(dict(
            SETTINGS, LOG_EXPIRY_MIN_DAYS="a month"))))

    def test_copy_between_trusted_accounts(self):
        with open(os.path.join(FIXTURES, "cross-account-copy.high.source-in-other-account.json"),
                  encoding="utf-8") as f:
            rec = json.load(f)
        # A pipeline between the owner's accounts, both in the setting.
        self.assertIsNone(A.check_cross_account_copy(rec, A.Settings(dict(
            SETTINGS, TRUSTED_ACCOUNTS="111122223333,444455556666"))))
        # One of them only: still two accounts.
        self.assertEqual(A.check_cross_account_copy(rec, A.Settings(dict(
            SETTINGS, TRUSTED_ACCOUNTS="444455556666")))[0], "high")

    def test_log_buckets_may_be_several(self):
        with open(os.path.join(FIXTURES, "log-expiry.high.trail-bucket.json"),
                  encoding="utf-8") as f:
            rec = json.load(f)
        self.assertEqual(A.check_log_expiry(rec, A.Settings(dict(
            SETTINGS, TRAIL_BUCKET="acme-other, acme-cloudtrail-logs")))[0], "high")
        self.assertEqual(A.check_log_expiry(rec, A.Settings(dict(
            SETTINGS, TRAIL_BUCKET="", LOG_BUCKET="x,acme-cloudtrail-logs")))[0], "high")

    def test_hit_is_at_most_the_rules_severity(self):
        with open(os.path.join(FIXTURES, "policy-grant.critical.public-star.json"),
                  encoding="utf-8") as f:
            rec = json.load(f)
        config = {"rules": [{"id": "grant", "severity": "high", "kind": "check",
                             "check": "policy-grant", "alert": True,
                             "select": pattern("PutBucketPolicy")}]}
        hits = A.Engine(config, A.MemoryStore(), A.Settings(SETTINGS)).evaluate(
            A.wrap_cloudtrail(rec))
        self.assertEqual([(h["rule"], h["severity"]) for h in hits], [("grant", "high")])

    def test_no_monitored_bucket_judges_management_events_only(self):
        with open(os.path.join(FIXTURES, "trail-selectors.high.basic-other-bucket.json"),
                  encoding="utf-8") as f:
            rec = json.load(f)
        self.assertIsNone(A.check_trail_selectors(rec, A.Settings(dict(SETTINGS,
                                                                       SOURCE_BUCKET=""))))


class HandlerTest(unittest.TestCase):
    def setUp(self):
        self.mock = mock_aws()
        self.mock.start()
        self.addCleanup(self.mock.stop)
        sns = boto3.client("sns")
        sqs = boto3.client("sqs")
        self.db = boto3.client("dynamodb")
        self.db.create_table(TableName="state", BillingMode="PAY_PER_REQUEST",
                             AttributeDefinitions=[{"AttributeName": "pk",
                                                    "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        self.topic = sns.create_topic(Name="alerts")["TopicArn"]
        self.queue = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=self.queue, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=qarn)
        self.sqs = sqs
        self.env = dict(SETTINGS, SNS_TOPIC_ARN=self.topic, STATE_TABLE="state")
        self.saved = {k: os.environ.get(k) for k in list(self.env) + ["ANALYSER_RULES"]}
        os.environ.update(self.env)
        self.addCleanup(self.restore_env)
        self.analyser = load_analyser()
        self.engine = self.new_engine()

    def restore_env(self):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def new_engine(self, config=CONFIG, store=None):
        """A cold start: a new engine over the same table."""
        return self.analyser.Engine(config, store or self.analyser.DynamoStore("state", self.db),
                                    self.analyser.Settings(self.env))

    def run_event(self, rec, engine=None):
        return self.analyser.handler(event(rec), engine=engine or self.engine)

    def received(self):
        """The SNS notifications that reached the queue: [(subject, body, attributes)]."""
        out = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=0).get("Messages", [])
            if not got:
                return out
            for m in got:
                note = json.loads(m["Body"])
                out.append((note.get("Subject"), json.loads(note["Message"]),
                            note.get("MessageAttributes", {})))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"])

    def fixture(self, name):
        with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as f:
            return json.load(f)

    # -- what is published --

    def test_check_hit_is_one_message_with_its_severity(self):
        out = self.run_event(self.fixture("policy-grant.critical.public-star"))
        self.assertEqual(out, {"events": 1, "hits": 1, "published": 1, "errors": 0,
                               "skipped": 0})
        (subject, body, attrs), = self.received()
        self.assertEqual(body["rule"], "policy-grant")
        self.assertEqual(body["severity"], "critical")
        self.assertIn('"PublicRead"', body["reason"])
        self.assertEqual(body["principal"], "arn:aws:iam::111122223333:user/contractor-sync")
        self.assertEqual(body["record"]["eventName"], "PutBucketPolicy")
        self.assertTrue(subject.startswith("s3watch CRITICAL policy-grant: public principal"))
        self.assertEqual(attrs["severity"]["Value"], "critical")
        self.assertEqual(attrs["rule"]["Value"], "policy-grant")

    def test_a_lower_hit_of_a_check_keeps_its_severity(self):
        self.run_event(self.fixture("policy-grant.medium.public-org"))
        (subject, body, attrs), = self.received()
        self.assertEqual(body["severity"], "medium")
        self.assertEqual(attrs["severity"]["Value"], "medium")

    def test_no_hit_no_message(self):
        out = self.run_event(self.fixture("policy-grant.none.own-account"))
        self.assertEqual(out["hits"], 0)
        out = self.run_event(record("GetObject", eid="e-2"))
        self.assertEqual(out["hits"], 0)
        self.assertEqual(self.received(), [])

    def test_count_keeps_state_in_dynamodb_across_cold_starts(self):
        for i in range(2):
            self.assertEqual(self.run_event(record("DeleteObject", eid="d%d" % i,
                                                   when=at(i)))["hits"], 0)
        # The key is kept as a hash, never as text, and expires.
        items = self.db.scan(TableName="state")["Items"]
        keyed = [it for it in items if it["pk"]["S"].startswith("deletes#")]
        self.assertEqual(len(keyed), 1)
        self.assertNotIn("alice", json.dumps(items))
        self.assertGreater(int(keyed[0]["ttl"]["N"]), time.time())
        out = self.run_event(record("DeleteObject", eid="d2", when=at(2)),
                             engine=self.new_engine())
        self.assertEqual(out["hits"], 1)
        (_, body, _), = self.received()
        self.assertEqual((body["rule"], body["eventID"]), ("deletes", "d2"))
        # Fired: the next hit needs the whole threshold again.
        engine = self.new_engine()
        hits = [self.run_event(record("DeleteObject", eid="d%d" % i, when=at(i)),
                               engine=engine)["hits"] for i in range(3, 6)]
        self.assertEqual(hits, [0, 0, 1])

    def test_a_window_that_passed_counts_again_from_zero(self):
        for i, minute in enumerate((0, 1, 30, 31)):
            self.assertEqual(self.run_event(record("DeleteObject", eid="w%d" % i,
                                                   when=at(minute)))["hits"], 0)

    def test_other_principals_count_apart(self):
        for i in range(4):
            out = self.run_event(record("DeleteObject", eid="p%d" % i, when=at(i),
                                        who="arn:aws:iam::123456789012:user/u%d" % (i % 2)))
            self.assertEqual(out["hits"], 0)

    def test_steps_of_a_sequence_are_silent_the_sequence_is_not(self):
        self.run_event(record("PutBucketVersioning", eid="s0", when=at(0)))
        self.assertEqual(self.received(), [])
        for i in range(1, 4):
            self.run_event(record("DeleteObject", eid="s%d" % i, when=at(i)))
        got = sorted(body["rule"] for _, body, _ in self.received())
        self.assertEqual(got, ["deletes", "impair-then-destroy"])

    def test_suppress_and_allow_lists_silence(self):
        quiet = [record("DeleteObjects", eid="q0", userAgent="ci-runner/2"),
                 record("DeleteObjects", eid="q1",
                        who="arn:aws:iam::123456789012:role/backup-nightly"),
                 record("DeleteObjects", eid="q2", ip="192.0.2.9")]
        for rec in quiet:
            self.assertEqual(self.run_event(rec)["hits"], 0, rec["eventID"])
        self.assertEqual(self.run_event(record("DeleteObjects", eid="q3"))["hits"], 1)

    # -- delivery: repeats, races, failures --

    def test_a_repeated_event_counts_once(self):
        # EventBridge delivers at least once.
        rec = record("DeleteObject", eid="same")
        for _ in range(3):
            self.assertEqual(self.run_event(rec)["hits"], 0)
        for i in range(2):
            self.run_event(record("DeleteObject", eid="x%d" % i))
        (_, body, _), = self.received()
        self.assertEqual(body["eventID"], "x1")
        # A repeat of the event that hit alerts again rather than never.
        self.assertEqual(self.run_event(record("DeleteObject", eid="x1"))["hits"], 1)

    def test_a_concurrent_writer_is_retried_not_lost(self):
        store = self.analyser.DynamoStore("state", self.db)
        real_save = store.save
        raced = []

        def save(key, payload, version, ttl):
            if not raced and key.startswith("deletes#"):
                # Another invocation counts its event first: ours must
                # read again.
                raced.append(key)
                real_save(key, dict(payload, ids=[["racer", 0]]), version, ttl)
            return real_save(key, payload, version, ttl)
        store.save = save
        engine = self.new_engine(store=store)
        hits = [self.run_event(record("DeleteObject", eid="r%d" % i), engine=engine)["hits"]
                for i in range(2)]
        # The racing write counted one event: two of ours make three.
        self.assertEqual(raced and hits, [0, 1])

    def test_a_failure_leaves_the_event_to_lambdas_retry(self):
        # The sequence's update fails after the count's was made: Lambda
        # retries the event, whose count does not count twice, but still
        # hits, and moves the sequence on.
        store = self.analyser.DynamoStore("state", self.db)
        real_load = store.load
        failures = []

        def load(key):
            if key.startswith("impair-then-destroy#") and failures:
                failures.pop()
                raise RuntimeError("throttled")
            return real_load(key)
        store.load = load
        engine = self.new_engine(store=store)
        self.run_event(record("PutBucketVersioning", eid="v", when=at(0)), engine=engine)
        for i in range(2):
            self.run_event(record("DeleteObject", eid="d%d" % i, when=at(i + 1)), engine=engine)
        failures.append(1)
        rec = record("DeleteObject", eid="d2", when=at(3))
        with self.assertRaises(RuntimeError):
            self.run_event(rec, engine=engine)
        self.assertEqual(self.received(), [])
        self.assertEqual(self.run_event(rec, engine=engine)["hits"], 2)
        self.assertEqual(sorted(b["rule"] for _, b, _ in self.received()),
                         ["deletes", "impair-then-destroy"])
        # ... and d2 was counted once: two more make no hit.
        for i in range(4, 6):
            self.assertEqual(self.run_event(record("DeleteObject", eid="d%d" % i,
                                                   when=at(i)), engine=engine)["hits"], 0)

    # -- shape and configuration --

    def test_records_shape_is_not_an_eventbridge_event(self):
        # The recipe's handler read event["Records"]; EventBridge sends "detail".
        out = self.analyser.handler({"Records": [record("DeleteBucket")]}, engine=self.engine)
        self.assertEqual(out["skipped"], 1)
        self.assertEqual(self.received(), [])

    def test_the_handler_reads_its_rules_beside_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "rules.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(CONFIG, f)
            os.environ["ANALYSER_RULES"] = path
            mod = load_analyser()
            out = mod.handler(event(self.fixture("acl-grant.none.owner-only")))
            self.assertEqual(out["events"], 1)
            self.assertEqual(len(mod._engine().rules), len(CONFIG["rules"]))
            self.assertIsInstance(mod._engine().store, mod.DynamoStore)

    def test_missing_topic_counts_errors(self):
        os.environ["SNS_TOPIC_ARN"] = ""
        out = self.run_event(self.fixture("policy-grant.critical.public-star"))
        self.assertEqual(out["errors"], 1)
        self.assertEqual(out["published"], 0)

    def test_unknown_check_is_refused_at_load(self):
        bad = {"rules": [{"id": "x", "severity": "high", "kind": "check", "check": "nope",
                          "pattern": pattern("GetObject")}]}
        with self.assertRaises(ValueError):
            self.analyser.Engine(bad, self.analyser.MemoryStore())

    # -- limits --

    def test_subject_and_message_stay_within_sns_limits(self):
        rec = self.fixture("policy-grant.critical.public-star")
        rec["requestParameters"]["bucketName"] = "b\u00e9" * 60
        rec["requestParameters"]["padding"] = "x" * (400 * 1024)
        out = self.run_event(rec)
        self.assertEqual(out["errors"], 0)
        (subject, body, _), = self.received()
        self.assertLess(len(subject), 100)
        self.assertTrue(all(32 <= ord(c) < 127 for c in subject), subject)
        self.assertIn("recordTruncated", body)
        self.assertLessEqual(len(json.dumps(body).encode("utf-8")), 256 * 1024)

    def test_truncation_keeps_whole_characters(self):
        self.assertEqual(self.analyser.truncate_utf8("\u00e9" * 10, 5), "\u00e9\u00e9")


class StoreTest(unittest.TestCase):
    """The in-memory store stands in for DynamoDB with the same answers."""

    def test_versions_and_conflicts(self):
        s = A.MemoryStore()
        self.assertEqual(s.load("k"), (None, 0))
        self.assertTrue(s.save("k", {"a": 1}, 0, 0))
        self.assertFalse(s.save("k", {"a": 2}, 0, 0))
        self.assertEqual(s.load("k"), ({"a": 1}, 1))
        s.lower_first("r", 50)
        s.lower_first("r", 70)
        self.assertEqual(s.first("r"), 50)

    def test_times_as_the_engine_reads_them(self):
        self.assertEqual(A.parse_time("1970-01-01T00:01:00Z"), 60)
        self.assertEqual(A.parse_time("2026-08-21T10:00:00.123Z"),
                         A.parse_time("2026-08-21T10:00:00Z"))
        self.assertEqual(A.parse_time("2026-08-21T12:00:00+02:00"),
                         A.parse_time("2026-08-21T10:00:00Z"))
        self.assertEqual(A.parse_time("2026-02-30T00:00:00Z"),
                         A.parse_time("2026-03-02T00:00:00Z"))
        for bad in ("1969-12-31T23:59:59Z", "2026-08-21T10:00:00", "2026-08-21", "x", 5):
            self.assertIsNone(A.parse_time(bad), bad)


if __name__ == "__main__":
    unittest.main()
