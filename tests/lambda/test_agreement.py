#!/usr/bin/env python3
"""The same fixtures drive the console's engine and the Lambda analyser, and
they must agree.

For every rule the analyser runs (what setup step 8 would deploy for the
pack, from tests/lambda/analyser-plan: the checks, the high and critical
stateful rules, and silently the rules their sequences are made of), every
fixture of that rule (tests/rules/fixtures/RULE.pos.json(l) and .neg, and
for a check the cases of tests/lambda/fixtures written from the
specification) is
run through `s3watch replay` and through the analyser, each with fresh
state (the analyser's in moto's DynamoDB, in-process); the hits of the
analyser's rules must be the same, event by event: rule and severity.

The rules that become metric filters and alarms instead (a sum over every
event they select) are checked the same way: the filter patterns are
evaluated over the fixture's records, summed per dimension over the alarm's
aligned periods, and the alarm must fire exactly when replay hits.

The same goes for tests/lambda/edge-pack, a pack of every stateful path
(counts, two-part keys, distinct values, sums, first seen values with
learning, three-step sequences, suppress patterns and allow-lists), over
seeded random streams of records, late ones included.

Both sides read the same settings: S3WATCH_CONFIG (and --config, when
replay takes it) names a file with the keys of tests/lambda/agreement.conf
that `s3watch config` knows, and the analyser gets what `s3watch config`
then prints.

    S3WATCH=./s3watch top_builddir=. python3 tests/lambda/test_agreement.py

Needs boto3 and moto.
"""

import datetime
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
FIXTURES = os.path.join(TOP, "tests", "rules", "fixtures")
EDGE_PACK = os.path.join(HERE, "edge-pack")
SETTINGS = os.path.join(HERE, "agreement.conf")

os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"})
for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(var, None)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

spec = importlib.util.spec_from_file_location("analyser",
                                              os.path.join(TOP, "conf", "lambda", "analyser.py"))
A = importlib.util.module_from_spec(spec)
spec.loader.exec_module(A)


def read_records(path):
    """A fixture: one record (.json, any layout) or JSON lines."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def plan(rules=RULES):
    out = subprocess.run([PLAN, rules], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def config_env(tmp):
    """The settings both sides read: the keys of agreement.conf that
    `s3watch config` knows, in a file S3WATCH_CONFIG names; returns the
    environment for s3watch and the analyser's settings."""
    known = subprocess.run([S3WATCH, "config"], capture_output=True, text=True,
                           env=dict(os.environ, S3WATCH_CONFIG="/dev/null")).stdout
    keys = {line.split()[0] for line in known.splitlines() if line.strip()}
    lines = []
    with open(SETTINGS, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*([a-z_]+)\s*=", line)
            if m and m.group(1) in keys:
                lines.append(line)
    path = os.path.join(tmp, "s3watch.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    env = dict(os.environ, S3WATCH_CONFIG=path, S3WATCH_RULES_DIR=RULES)
    shown = subprocess.run([S3WATCH, "config"], capture_output=True, text=True, env=env)
    values = {}
    for line in shown.stdout.splitlines():
        m = re.match(r"(\w+)\s+(.*?)\s+#", line)
        if m:
            values[m.group(1)] = m.group(2)

    def val(key, default=""):
        v = values.get(key)
        if v is None:
            return default
        if v.startswith("["):
            return ",".join(json.loads(v))
        return json.loads(v) if v.startswith('"') else v

    settings = A.Settings({"TRUSTED_ACCOUNTS": val("trusted_accounts"),
                           "LOG_EXPIRY_MIN_DAYS": str(val("log_expiry_min_days", "30")),
                           "SOURCE_BUCKET": val("source_bucket"),
                           "TRAIL_BUCKET": val("trail_bucket"),
                           "LOG_BUCKET": val("log_bucket"),
                           "TRAIL_NAME": val("trail_name")})
    return env, settings


_REPLAY_HELP = []


def replay(path, env, rules=None):
    """Hits of `s3watch replay`, given the settings file both by
    S3WATCH_CONFIG and, if replay takes it, --config."""
    if not _REPLAY_HELP:
        _REPLAY_HELP.append(subprocess.run([S3WATCH, "replay", "--help"], capture_output=True,
                                           text=True).stdout)
    args = [S3WATCH, "replay"] + (["--rules", rules] if rules else [])
    if "--config" in _REPLAY_HELP[0] and env.get("S3WATCH_CONFIG"):
        args += ["--config", env["S3WATCH_CONFIG"]]
    args.append(path)
    out = subprocess.run(args, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise AssertionError("replay %s: exit %d: %s" % (path, out.returncode, out.stderr))
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith('{"rule"')]


EDGE_NAMES = ["DeleteObject"] * 3 + ["PutObject"] * 2 + ["GetObject"] * 3 + \
    ["GetBucketAcl"] * 2 + ["GetBucketPolicy"] * 2 + \
    ["PutBucketVersioning", "DeleteBucketPolicy", "PutBucketAcl", "ListObjects"]


# Steps that land events on the rules' slot, window and history edges.
EDGE_GRID = [0, 0, 4, 8, 19, 38, 60, 120, 300, 600]


def edge_stream(seed, n=400, grid=False):
    """n CloudTrail records from a seeded generator: three principals (one
    an allow-listed role, one without an ARN), four buckets, a few IPs,
    times mostly rising by up to 40 s (grid: by steps that make exact
    window lengths), one in ten late by up to 10 min."""
    rng = random.Random(seed)
    t = datetime.datetime(2026, 8, 21, 10, 0, 0, tzinfo=datetime.timezone.utc)
    who = [{"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice",
            "principalId": "AIDAALICE", "accountId": "111122223333"},
           {"type": "AssumedRole", "arn": "arn:aws:iam::111122223333:role/backup-nightly",
            "principalId": "AROABACKUP:job", "accountId": "111122223333"},
           {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}]
    out = []
    for i in range(n):
        t += datetime.timedelta(seconds=rng.choice(EDGE_GRID) if grid else rng.randint(0, 40))
        at = t - datetime.timedelta(seconds=rng.randint(0, 600)) if rng.random() < 0.1 else t
        name = rng.choice(EDGE_NAMES)
        rec = {"eventVersion": "1.10", "userIdentity": rng.choice(who),
               "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "eventSource": "s3.amazonaws.com", "eventName": name, "awsRegion": "eu-west-1",
               "sourceIPAddress": rng.choice(["10.0.0.1", "10.0.0.2", "192.0.2.7", "203.0.113.9",
                                              "198.51.100.4"]),
               "userAgent": rng.choice(["aws-cli/2.17", "ci-runner/1.0", "Terraform/1.9 aws-sdk-go"]),
               "requestParameters": {"bucketName": rng.choice(["b1", "b2", "b3", "b4"])},
               "additionalEventData": {"bytesTransferredOut": rng.choice([0, 100, 900, 2500])},
               "eventID": "edge-%d-%d" % (seed, i), "recipientAccountId": "111122223333"}
        if rng.random() < 0.1:
            rec["errorCode"] = "AccessDenied"
        out.append(rec)
    return out


def edge_boundaries():
    """Records exactly on the edges the random streams rarely meet: a
    sequence's steps exactly its window apart, distinct values the window
    apart, a count's slots."""
    t0 = datetime.datetime(2026, 8, 21, 12, 0, 0, tzinfo=datetime.timezone.utc)
    alice = {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice",
             "principalId": "AIDAALICE", "accountId": "111122223333"}
    out = []

    def rec(sec, name, bucket="b1", who=alice):
        out.append({"eventVersion": "1.10", "userIdentity": who,
                    "eventTime": (t0 + datetime.timedelta(seconds=sec)).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"),
                    "eventSource": "s3.amazonaws.com", "eventName": name,
                    "awsRegion": "eu-west-1", "sourceIPAddress": "10.0.0.1",
                    "userAgent": "aws-cli/2.17", "requestParameters": {"bucketName": bucket},
                    "eventID": "boundary-%d" % len(out), "recipientAccountId": "111122223333"})
    # sequence (window 120 s): a, then b and c exactly 120 s later
    rec(0, "PutBucketVersioning")
    rec(120, "DeleteBucketPolicy")
    rec(120, "PutBucketAcl")
    # ... and once more a second too late
    rec(1000, "PutBucketVersioning")
    rec(1121, "DeleteBucketPolicy")
    rec(1121, "PutBucketAcl")
    # distinct (4 buckets within 120 s): the first exactly 120 s before
    for i, b in enumerate(["b1", "b2", "b3"]):
        rec(2000 + i, "GetBucketAcl", b)
    rec(2120, "GetBucketPolicy", "b4")
    for i, b in enumerate(["b1", "b2", "b3"]):
        rec(3000 + i, "GetBucketAcl", b)
    rec(3119, "GetBucketPolicy", "b4")
    # count (5 in 300 s, slots of 19 s): on and around slot edges
    for sec in (4000, 4018, 4019, 4299, 4300, 4318, 4319, 4600, 4603, 4604):
        rec(sec, "DeleteObject")
    return out


# --- metric filters: the subset of the filter language the plan writes ------

def _path_values(rec, sel):
    node = rec
    for part in sel[2:].split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def filter_matches(pattern, rec):
    """{ (a) && (b || c) ... } over a record."""
    body = pattern.strip()
    assert body.startswith("{") and body.endswith("}"), pattern
    for conj in re.findall(r"\(([^()]*)\)", body):
        ok = False
        for term in conj.split(" || "):
            m = re.fullmatch(r'(\$\.[\w.]+) (= "\*"|= "(.*)"|= (-?\d+)|> (-?\d+)|NOT EXISTS|'
                             r'IS TRUE|IS FALSE|IS NULL)', term.strip())
            assert m, term
            v = _path_values(rec, m.group(1))
            op = m.group(2)
            if op == "NOT EXISTS":
                ok = v is None
            elif op == '= "*"':
                ok = v is not None
            elif m.group(3) is not None:
                ok = v == m.group(3)
            elif m.group(4) is not None:
                ok = isinstance(v, (int, float)) and v == int(m.group(4))
            elif m.group(5) is not None:
                ok = isinstance(v, (int, float)) and not isinstance(v, bool) and \
                    v > int(m.group(5))
            else:
                ok = v is {"IS TRUE": True, "IS FALSE": False, "IS NULL": None}[op]
            if ok:
                break
        if not ok:
            return False
    return True


def alarm_fires(pl, alarm, records):
    filters = [f for f in pl["filters"] if f["metric"] == alarm["name"]]
    sums = {}
    for rec in records:
        for f in filters:
            if not filter_matches(f["pattern"], rec):
                continue
            t = A.parse_time(rec.get("eventTime"))
            value = 1 if f["value"] == "1" else _path_values(rec, f["value"])
            dims = tuple(str(_path_values(rec, v)) for v in f["dimensions"].values())
            key = (dims, t // alarm["period"])
            sums[key] = sums.get(key, 0) + value
    return any(v >= alarm["threshold"] for v in sums.values())


class AgreementTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.plan = plan()
        cls.env, cls.settings = config_env(cls.tmp.name)
        cls.runs = {r["id"] for r in cls.plan["rules"] if r["how"] in ("alert", "silent")}
        # A silent rule (a sequence's step) alerts in the console, as an
        # EventBridge rule in AWS; the analyser only remembers it.
        cls.alerts = {r["id"] for r in cls.plan["rules"] if r["how"] == "alert"}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def fixtures(self, rule):
        """The rule's fixtures, and for a check the cases written from the
        specification (tests/lambda/fixtures/CHECK.WANT.CASE.json)."""
        out = []
        for kind in ("pos", "neg"):
            for ext in ("json", "jsonl"):
                path = os.path.join(FIXTURES, "%s.%s.%s" % (rule, kind, ext))
                if os.path.exists(path):
                    out.append(path)
        for spec in self.plan["config"]["rules"]:
            if spec["id"] == rule and spec.get("kind") == "check":
                out.extend(sorted(glob.glob(os.path.join(HERE, "fixtures",
                                                         spec["check"] + ".*.json"))))
        return out

    def test_the_plan_runs_the_stateful_rules_and_checks(self):
        how = {r["id"]: r["how"] for r in self.plan["rules"]}
        # Every high or critical stateful rule of the pack is deployed
        # somewhere, or says why it is not.
        for r in self.plan["rules"]:
            if r["how"] == "console":
                self.assertTrue(r.get("why"), r)
        self.assertIn("alert", how.values())
        for r in self.plan["config"]["rules"]:
            self.assertIn(r["id"], self.runs)

    def test_analyser_and_replay_agree_on_every_fixture(self):
        checked, wrong = 0, []
        for rule in sorted(self.runs):
            paths = self.fixtures(rule)
            self.assertTrue(paths, "rule %s has no fixture" % rule)
            for path in paths:
                want = [(h["eventID"], h["rule"], h["severity"])
                        for h in replay(path, self.env) if h["rule"] in self.alerts]
                got = self.analyse(path)
                checked += 1
                if want != got:
                    wrong.append("%s:\n  replay   %s\n  analyser %s" % (
                        os.path.basename(path), want, got))
        self.assertEqual(wrong, [], "\n".join(wrong))
        self.assertGreater(checked, 0)

    def analyse(self, path, config=None):
        with mock_aws():
            db = boto3.client("dynamodb")
            db.create_table(TableName="state", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
            engine = A.Engine(config or self.plan["config"], A.DynamoStore("state", db),
                              self.settings)
            got = []
            for rec in read_records(path):
                for h in engine.evaluate(A.wrap_cloudtrail(rec)):
                    # The pack's silent rules publish nothing; the edge
                    # pack's test compares every rule it runs.
                    if h["alert"] or config is not None:
                        got.append((h["eventID"], h["rule"], h["severity"]))
            return got

    def test_every_stateful_path_agrees_on_random_streams(self):
        edge = plan(EDGE_PACK)
        runs = {r["id"] for r in edge["rules"] if r["how"] in ("alert", "silent")}
        self.assertEqual(len(runs), 10, edge["rules"])
        hits = set()
        for seed in range(0, 17):
            path = os.path.join(self.tmp.name, "edge-%d.jsonl" % seed)
            with open(path, "w", encoding="utf-8") as f:
                for rec in edge_stream(seed, grid=seed > 8) if seed else edge_boundaries():
                    f.write(json.dumps(rec) + "\n")
            want = [(h["eventID"], h["rule"], h["severity"])
                    for h in replay(path, self.env, EDGE_PACK) if h["rule"] in runs]
            self.assertEqual(self.analyse(path, edge["config"]), want, "seed %d" % seed)
            hits.update(h[1] for h in want)
        # The streams do reach the thresholds: every rule hits somewhere.
        self.assertEqual(sorted(hits), sorted(runs))

    def test_metric_alarms_agree_with_replay(self):
        for alarm in self.plan["alarms"]:
            for path in self.fixtures(alarm["rule"]):
                hit = any(h["rule"] == alarm["rule"] for h in replay(path, self.env))
                self.assertEqual(alarm_fires(self.plan, alarm, read_records(path)), hit, path)


if __name__ == "__main__":
    unittest.main()
