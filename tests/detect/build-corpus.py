#!/usr/bin/env python3
"""Builds the detection corpus files from their sources.

  build-corpus.py [--mirrors DIR] [--out DIR]
      stratus.jsonl, panther.jsonl, awsdocs.jsonl and written.jsonl from the
      public repositories, read at the commits pinned in PINS (git
      directories under DIR: DIR/OWNER+NAME/repo, DIR/OWNER+NAME or
      DIR/NAME).  Needs PyYAML for Panther's tests.
  build-corpus.py --sandbox MESSAGES REQUESTS --out FILE
      sandbox.jsonl from capture-sandbox.sh's capture: the log group's
      messages (a JSON array of strings) and traffic.py's request log.

Every label is decided here, by reading the record: the tables below say,
for each source item, what it is (see PROVENANCE.md for the policy).
Records are kept as their source wrote them except for the edits each
label lists (CloudTrail's own spellings and forms, a unique eventID).
The output is deterministic: running it again gives the same files.
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys
import uuid

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

PINS = {
    "DataDog/stratus-red-team": "7c9a7a5a63dc370260a6528dd0d30476854806c1",
    "panther-labs/panther-analysis": "daa10c888566839e9918dfba1cd652743781e5fe",
    "awsdocs/amazon-s3-userguide": "a306d753b051561e35e3d86b71f34ad00c059a52",
    "awsdocs/aws-cloudtrail-user-guide": "56f54d99dfee0c3faf3d4a2b87bb572ad9edf58a",
    "awsdocs/amazon-guardduty-user-guide": "7736793b30f29a8fe64245b652779a13c82a8a75",
    "awsdocs/amazon-cloudwatch-logs-user-guide": "26c12c3d66ecf7465037ca77e8a0ef963b069d1e",
}
NAMESPACE = uuid.UUID("5b0c3a1e-7d2f-4c55-9a0e-3f6b2d8e1c47")   # eventIDs made here
FOREIGN = "193672423079"      # Stratus Red Team's fictitious attacker account
PANTHER_DIR = "rules/aws_cloudtrail_rules/"


class Sources:
    def __init__(self, mirrors):
        self.mirrors = mirrors

    def git_dir(self, repo):
        owner, name = repo.split("/")
        for d in (os.path.join(self.mirrors, "%s+%s" % (owner, name), "repo"),
                  os.path.join(self.mirrors, "%s+%s" % (owner, name)),
                  os.path.join(self.mirrors, name)):
            if os.path.isdir(d):
                return d
        sys.exit("build-corpus: no git directory for %s under %s" % (repo, self.mirrors))

    def show(self, repo, path):
        try:
            return subprocess.check_output(
                ["git", "-C", self.git_dir(repo), "show", "%s:%s" % (PINS[repo], path)],
                stderr=subprocess.PIPE).decode("utf-8")
        except subprocess.CalledProcessError as exc:
            sys.exit("build-corpus: %s %s@%s: %s" % (repo, path, PINS[repo],
                                                     exc.stderr.decode().strip()))


# --------------------------------------------------------------------------
# Entries and the edits that make a source's record CloudTrail's
# --------------------------------------------------------------------------

def provenance(repo, path, item, derivation):
    return {"repository": repo, "path": path, "commit": PINS[repo],
            "licence": corpus.SOURCES[repo], "item": item, "derivation": derivation}


def make_entry(record, cls, technique, source, prov, edits=(), note=None, case=None,
               settings=None):
    label = {"class": cls, "technique": technique,
             "min_severity": corpus.technique_min_severity(technique),
             "source": source, "provenance": prov}
    if cls == "benign":
        label["near_miss_of"] = corpus.BENIGN[technique][0]
    if case:
        label["case"] = case
    if settings:
        label["settings"] = settings
    if note:
        label["note"] = note
    if edits:
        label["edits"] = list(edits)
    return {"label": label, "record": record}


def iso_time(value):
    """CloudTrail's eventTime form from Panther's "2024-11-25 22:00:58.000"."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?Z?", value)
    return "%sT%sZ" % (m.group(1), m.group(2)) if m else value


def normalise(record, edits):
    """Panther's test logs to CloudTrail's spellings; each change in edits."""
    record = copy.deepcopy(record)
    enrich = sorted(k for k in record if k.startswith("p_"))
    for k in enrich:
        del record[k]
    if enrich:
        edits.append("removed Panther's enrichment fields (p_*)")
    if record.get("errorCode") == "":
        del record["errorCode"]
        edits.append("removed errorCode \"\" (CloudTrail omits errorCode on success)")
    t = record.get("eventTime")
    if isinstance(t, str) and iso_time(t) != t:
        record["eventTime"] = iso_time(t)
        edits.append("eventTime %r written as CloudTrail does" % t)
    for res in record.get("resources") or []:
        if "arn" in res and "ARN" not in res:
            res["ARN"] = res.pop("arn")
            if "resources[].arn written ARN, as CloudTrail does" not in edits:
                edits.append("resources[].arn written ARN, as CloudTrail does")
    return record


def unique_ids(entries, taken):
    """Gives every record an eventID no other record has (deterministic)."""
    for e in entries:
        rec, label = e["record"], e["label"]
        old = rec.get("eventID")
        if isinstance(old, str) and re.fullmatch(r"[0-9a-f-]{36}", old) and old not in taken:
            taken.add(old)
            continue
        prov = label["provenance"]
        new = str(uuid.uuid5(NAMESPACE, "|".join((prov["repository"], prov["path"],
                                                 prov["item"], json.dumps(rec, sort_keys=True)))))
        rec["eventID"] = new
        taken.add(new)
        label.setdefault("edits", []).append(
            "eventID %s" % ("added" if old is None else "%r replaced (not unique)" % old))
        if prov["derivation"] == "verbatim":
            prov["derivation"] = "edited"


def same_record_key(record):
    r = {k: v for k, v in record.items() if k not in ("eventID", "requestID", "eventTime")}
    return json.dumps(r, sort_keys=True)


# --------------------------------------------------------------------------
# Stratus Red Team detonation logs
# --------------------------------------------------------------------------

# technique -> the attack's records (eventName: (class, technique)); the
# rest of each detonation log (the warm-up's AssumeRole) is left out.
STRATUS = {
    "aws.defense-evasion.cloudtrail-delete": {"DeleteTrail": "cloudtrail-deleted"},
    "aws.defense-evasion.cloudtrail-event-selectors": {
        "PutEventSelectors": "cloudtrail-selectors-drop-management"},
    "aws.defense-evasion.cloudtrail-stop": {"StopLogging": "cloudtrail-stopped"},
    "aws.defense-evasion.dns-delete-logs": {
        "DeleteResolverQueryLogConfig": "dns-query-logging-deleted"},
    "aws.defense-evasion.vpc-remove-flow-logs": {"DeleteFlowLogs": "vpc-flow-logs-deleted"},
    "aws.defense-evasion.organizations-leave": {
        "LeaveOrganization": "organizations-leave-attempt"},
}


def stratus(src):
    repo = "DataDog/stratus-red-team"
    out = []
    for name, wanted in STRATUS.items():
        path = "docs/detonation-logs/%s.json" % name
        for i, rec in enumerate(json.loads(src.show(repo, path))):
            technique = wanted.get(rec.get("eventName"))
            if technique is None:
                continue
            out.append(make_entry(rec, "attack", technique, repo,
                                  provenance(repo, path, "%s[%d]" % (name, i), "verbatim"),
                                  note="Stratus Red Team detonation %s" % name))
    # The client-side-encryption technique's documented sample record.
    path = "docs/attack-techniques/AWS/aws.impact.s3-ransomware-client-side-encryption.md"
    text = src.show(repo, path)
    sample = json.loads(re.search(r"```json[^\n]*\n(.*?)```", text, re.S).group(1))
    edits = ["eventTime, userIdentity, awsRegion, sourceIPAddress and "
             "recipientAccountId added (the sample is shortened)"]
    sample = dict(sample)
    sample.update({"eventVersion": "1.10", "eventTime": "2024-08-01T10:12:41Z",
                   "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.23",
                   "userAgent": "[stratus-red-team]",
                   "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLESTRATUS01",
                                    "arn": "arn:aws:iam::012345678901:user/christophe",
                                    "accountId": "012345678901",
                                    "accessKeyId": "AKIAEXAMPLESTRATUS01",
                                    "userName": "christophe"},
                   "requestID": "5D4B8C2A1E3F6A70", "recipientAccountId": "012345678901"})
    out.append(make_entry(sample, "attack", "s3-sse-c-encryption", repo,
                          provenance(repo, path, "sample CopyObject event", "edited"),
                          edits=edits))
    return out


# --------------------------------------------------------------------------
# Panther's rule tests
# --------------------------------------------------------------------------

X = None   # left out; the reason is the table's note

# (rule file, test name) -> (class, technique, note) or (X, reason).
PANTHER = {
    ("aws_s3_bucket_deleted", "An S3 Bucket was deleted"): ("attack", "s3-bucket-deleted", None),
    ("aws_s3_bucket_deleted", "S3 Bucket Deletion Failed"): (
        "benign", "s3-bucket-delete-failed", None),
    ("aws_s3_bucket_deleted", "An S3 Object Deleted"): ("benign", "s3-object-deleted-single", None),
    ("aws_s3_bucket_policy_modified", "S3 Bucket Policy Modified"): (
        "benign", "s3-acl-private",
        "Panther expects an alert (any ACL change); the ACL set is the private canned ACL"),
    ("aws_s3_bucket_policy_modified", "S3 Bucket Policy Modified Error Response"): (
        "benign", "s3-acl-failed", None),
    ("aws_s3_bucket_policy_modified", "S3 Bucket Policy Not Modified"): (
        "benign", "s3-policy-read", None),
    ("aws_resource_made_public", "S3 Made Publicly Accessible"): (
        "attack", "s3-policy-public", None),
    ("aws_resource_made_public", "S3 Not Made Publicly Accessible"): (
        "benign", "s3-policy-service-principal",
        "a grant to cloudtrail.amazonaws.com without a SourceAccount or SourceArn condition: "
        "not public (a confused-deputy weakness at most)"),
    ("aws_resource_made_public", "Null Request Parameters"): (
        X, "no request parameters: CloudTrail always logs the policy of a PutBucketPolicy"),
    ("aws_resource_made_public", "S3 Failed to make Publicly Accessible"): (
        "benign", "s3-policy-failed", None),
    ("aws_resource_made_public", "Invalid JSON Policy (Should Not Alert)"): (
        X, "S3 refuses a policy that is not JSON (MalformedPolicy): no successful record "
        "can hold one"),
    ("aws_resource_made_public", "All Restrictive Conditions Types (Should Not Alert)"): (
        "benign", "s3-policy-public-confined", None),
    ("aws_s3_copy_object_cross_account_kms", "In-Place Copy with KMS Key Change"): (
        "attack", "s3-copy-foreign-kms", None),
    ("aws_s3_copy_object_cross_account_kms", "Copy with Same Account Owner"): (
        "benign", "s3-copy-own-kms", None),
    ("aws_s3_copy_object_to_external_account_bucket",
     "S3 CopyObject to External Account Bucket"): ("attack", "s3-copy-foreign-account", None),
    ("aws_s3_copy_object_to_external_account_bucket", "S3 CopyObject Same Account"): (
        "benign", "s3-copy-same-account", None),
    ("aws_s3_copy_object_with_client_side_encryption",
     "CopyObject with client-side encryption"): ("attack", "s3-sse-c-encryption", None),
    ("aws_s3_copy_object_with_client_side_encryption",
     "CopyObject without client-side encryption"): ("benign", "s3-copy-no-sse-c", None),
    ("aws_s3_delete_bucket_encryption", "Bucket Encryption Deleted Successfully"): (
        "attack", "s3-encryption-deleted", None),
    ("aws_s3_delete_bucket_encryption", "Bucket Encryption Deletion Failed"): (
        "benign", "s3-encryption-failed", None),
    ("aws_s3_delete_bucket_encryption", "Different S3 Event"): (
        X, "PutBucketEncryption without its ServerSideEncryptionConfiguration: CloudTrail "
        "logs it, and without it the record cannot be judged"),
    ("aws_s3_delete_bucket_replication", "Bucket Replication Deleted Successfully"): (
        "attack", "s3-replication-deleted", None),
    ("aws_s3_delete_bucket_replication", "Bucket Replication Deletion Failed"): (
        "benign", "s3-replication-delete-failed", None),
    ("aws_s3_delete_bucket_replication", "Different S3 Event"): (
        X, "PutBucketReplication without its ReplicationConfiguration: cannot be judged"),
    ("aws_s3_delete_object", "DeleteObject"): (
        "benign", "s3-object-deleted-single",
        "Panther's rule alerts from 50 deletes; one DeleteObject is ordinary"),
    ("aws_s3_delete_objects", "DeleteObjects"): (
        "benign", "s3-batch-delete-single",
        "Panther's rule alerts on any batch delete; one is ordinary (aws s3 rm --recursive)"),
    ("aws_s3_delete_public_access_block", "Public Access Block Deleted Successfully"): (
        "attack", "s3-bpa-removed", None),
    ("aws_s3_delete_public_access_block", "Public Access Block Deletion Failed"): (
        "benign", "s3-bpa-failed", None),
    ("aws_s3_delete_public_access_block", "Different S3 Event"): (
        X, "PutBucketPublicAccessBlock without its configuration: cannot be judged"),
    ("aws_s3_disable_bucket_logging", "Bucket Logging Disabled Successfully"): (
        "attack", "s3-access-logging-disabled", None),
    ("aws_s3_disable_bucket_logging", "Bucket Logging Disabled - Failed"): (
        "benign", "s3-access-logging-failed", None),
    ("aws_s3_disable_bucket_logging", "Bucket Logging Enabled"): (
        "benign", "s3-access-logging-enabled", None),
    ("aws_s3_disable_bucket_logging", "Logging Field Missing"): (
        X, "PutBucketLogging without BucketLoggingStatus: CloudTrail always logs it"),
    ("aws_s3_disable_mfa_delete", "MFA Delete Disabled Successfully"): (
        "attack", "s3-mfa-delete-disabled", None),
    ("aws_s3_disable_mfa_delete", "MFA Delete Disabled - Failed"): (
        "benign", "s3-versioning-failed", None),
    ("aws_s3_disable_mfa_delete", "MFA Delete Enabled"): ("benign", "s3-mfa-delete-enabled", None),
    ("aws_s3_disable_mfa_delete", "Different S3 Event"): (
        "attack", "s3-encryption-deleted",
        "Panther expects no alert from its MFA Delete rule; the record is a successful "
        "DeleteBucketEncryption"),
    ("aws_s3_disable_mfa_delete", "MFA Delete Field Missing"): (
        "benign", "s3-versioning-enabled", None),
    ("aws_s3_ransomware_note_upload", "Ransomware Note - HOW_TO_DECRYPT_FILES.txt"): (
        "attack", "s3-ransom-note", None),
    ("aws_s3_ransomware_note_upload", "Normal File Upload - quarterly_report.pdf"): (
        "benign", "s3-object-upload", None),
    ("aws_s3_security_control_disabling", "Match - Bucket Logging Disabled"): (
        "attack", "s3-access-logging-disabled", None),
    ("aws_s3_security_control_disabling", "Match - Versioning Suspended"): (
        "attack", "s3-versioning-suspended", None),
    ("aws_s3_security_control_disabling", "Match - Versioning Disabled (alternate status value)"): (
        X, "Status \"Disabled\" is not a value S3 accepts (Enabled or Suspended): the call "
        "fails, so no successful record holds it"),
    ("aws_s3_security_control_disabling", "Match - MFA Delete Disabled"): (
        "attack", "s3-mfa-delete-disabled", None),
    ("aws_s3_security_control_disabling",
     "Match - Versioning Suspended and MFA Delete Disabled in Single Call"): (
        "attack", "s3-versioning-suspended", None),
    ("aws_s3_security_control_disabling", "No Match - Bucket Logging Enabled"): (
        "benign", "s3-access-logging-enabled", None),
    ("aws_s3_security_control_disabling", "No Match - Versioning Enabled"): (
        "benign", "s3-versioning-enabled", None),
    ("aws_s3_security_control_disabling", "No Match - MFA Delete Enabled"): (
        "benign", "s3-mfa-delete-enabled", None),
    ("aws_s3_security_control_disabling", "No Match - Failed API Call (Access Denied)"): (
        "benign", "s3-access-logging-failed", None),
    ("aws_s3_suspend_versioning", "Versioning Suspended Successfully"): (
        "attack", "s3-versioning-suspended", None),
    ("aws_s3_suspend_versioning", "Versioning Disabled Successfully"): (
        X, "Status \"Disabled\" is not a value S3 accepts"),
    ("aws_s3_suspend_versioning", "Versioning Change Failed"): (
        "benign", "s3-versioning-failed", None),
    ("aws_s3_suspend_versioning", "Versioning Enabled"): ("benign", "s3-versioning-enabled", None),
    ("aws_s3_suspend_versioning", "Different S3 Event"): (
        "attack", "s3-encryption-deleted",
        "Panther expects no alert from its versioning rule; the record is a successful "
        "DeleteBucketEncryption"),
    ("aws_cloudtrail_short_lifecycle", "1-Day Lifecycle Rule on Known CT Bucket"): (
        "attack", "s3-lifecycle-expires-trail-logs", None),
    ("aws_cloudtrail_short_lifecycle", "Disabled 1-Day Lifecycle Rule on Known CT Bucket"): (
        "benign", "s3-lifecycle-disabled-rule", None),
    ("aws_cloudtrail_short_lifecycle", "730-Day Lifecycle Rule on Known CT Bucket"): (
        "benign", "s3-lifecycle-long-retention",
        "two years of trail logs kept, then expired: a retention policy, not an attack "
        "(the analysis spec's log-expiry rates every Enabled expiration on the trail "
        "bucket high)"),
    ("aws_cloudtrail_short_lifecycle", "Completely Unrelated Event"): (
        "benign", "s3-lifecycle-read", None),
    ("aws_cloudtrail_stopped", "CloudTrail Was Stopped"): ("attack", "cloudtrail-stopped", None),
    ("aws_cloudtrail_stopped", "CloudTrail Was Started"): (
        X, "its requestParameters and resources are a KMS Decrypt's; written.jsonl has a "
        "StartLogging near miss"),
    ("aws_cloudtrail_stopped", "Error Stopping CloudTrail"): (
        "attack", "cloudtrail-tamper-attempt",
        "Panther expects no alert (the call failed); a failed StopLogging is the attempt "
        "issue [2.3] asks to report"),
    ("aws_cloudtrail_created", "CloudTrail Was Created"): (
        "benign", "cloudtrail-created",
        "Panther reports trail creation (Info); a new trail adds logging"),
    ("aws_cloudtrail_created", "Error Creating CloudTrail"): ("benign", "cloudtrail-created", None),
    ("aws_cloudtrail_event_selectors_disabled", "Event Selector Disabled"): (
        "attack", "cloudtrail-selectors-drop-management", None),
    ("aws_cloudtrail_event_selectors_disabled", "Event Selector Enabled"): (
        "benign", "cloudtrail-selectors-other-trail",
        "all management events and no data events (AWS's default) on a trail that is not "
        "the monitoring trail (settings.trail_name); on the monitoring trail it would drop "
        "the monitored bucket's data events"),
    ("aws_cloudtrail_event_selectors_disabled", "Uninteresting Event Type"): (
        "benign", "cloudtrail-selectors-read", None),
    ("aws_cloudtrail_attempt_to_leave_org", "Failed Attempt to Leave Org"): (
        "attack", "organizations-leave-attempt", None),
    ("aws_vpc_flow_logs_deleted", "Logs Deleted"): ("attack", "vpc-flow-logs-deleted", None),
    ("aws_dns_logs_deleted", "Logs Deleted"): ("attack", "dns-query-logging-deleted", None),
    ("aws_macie_evasion", "ListMembers"): ("benign", "macie-read", None),
    ("aws_macie_evasion", "UpdateSession"): (
        "benign", "macie-session-updated",
        "Panther alerts on any UpdateMacieSession; this one only sets the finding "
        "publishing frequency, Macie stays enabled"),
    ("aws_macie_evasion", "UpdateSession (Macie v1 event)"): (
        "benign", "macie-session-updated", "as above, on the Macie Classic endpoint"),
    ("aws_config_service_disabled_deleted", "Config Recorder Delivery Channel Created"): (
        "benign", "config-delivery-created", None),
    ("aws_config_service_disabled_deleted", "Config Recorder Deleted"): (
        "attack", "config-delivery-deleted", None),
    ("aws_config_service_disabled_deleted", "Error Deleting Config Recorder"): (
        "benign", "config-delivery-delete-failed", None),
    ("aws_security_configuration_change", "Security Configuration Changed"): (
        "attack", "cloudtrail-deleted", None),
    ("aws_security_configuration_change", "Security Configuration Not Changed"): (
        X, "DescribeTrail is not a CloudTrail event name (DescribeTrails is)"),
    ("aws_security_configuration_change", "Non Security Configuration Change"): (
        X, "iam PutPolicy is not an IAM event name"),
    ("aws_security_configuration_change", "Security Configuration Not Changed - Error"): (
        "attack", "cloudtrail-tamper-attempt",
        "Panther expects no alert (the call failed); a failed DeleteTrail is an attempt"),
    ("aws_security_configuration_change", "Security Configuration Changed - Allowlisted User"): (
        X, "DeleteRule is not a CloudTrail (cloudtrail.amazonaws.com) event"),
}
NOT_S3 = "not S3, CloudTrail or logging: out of scope"
NOT_CT = "an S3 event name under eventSource ec2.amazonaws.com: not a record CloudTrail writes"
LIST = "ListBucket is an IAM action, not a CloudTrail event name (ListObjects is)"
PANTHER.update({
    ("aws_cloudtrail_created", "KMS Decrypt Event"): (X, NOT_S3),
    ("aws_cloudtrail_short_lifecycle", "1-Day Lifecycle Rule on Assumed CT Bucket"): (
        "attack", "s3-lifecycle-expires-trail-logs", None),
    ("aws_resource_made_public", "ECR Made Public"): (X, NOT_S3),
    ("aws_resource_made_public", "Empty Policy Payload"): (
        X, "an SQS SetQueueAttributes under eventSource s3.amazonaws.com"),
    ("aws_resource_made_public", "Multiple Conditions All Restrictive (Should Not Alert)"): (
        X, NOT_S3),
    ("aws_resource_made_public", "Public Finding Keywords (Should Alert)"): (X, NOT_S3),
    ("aws_resource_made_public", "Wildcard Principal No Conditions (Should Alert)"): (X, NOT_S3),
    ("aws_resource_made_public", "Mixed Conditions Some Restrictive (Should Alert)"): (X, NOT_S3),
    ("aws_resource_made_public", "Secrets Manager Restricted Access (Should Not Alert)"): (
        X, NOT_S3),
    ("aws_resource_made_public", "KMS Key Restricted Access (Should Not Alert)"): (X, NOT_S3),
    ("aws_s3_delete_bucket_encryption", "Non-S3 Event"): (X, NOT_CT),
    ("aws_s3_delete_bucket_replication", "Non-S3 Event"): (X, NOT_CT),
    ("aws_s3_delete_public_access_block", "Non-S3 Event"): (X, NOT_CT),
    ("aws_s3_disable_mfa_delete", "Non-S3 Event"): (X, NOT_CT),
    ("aws_s3_security_control_disabling", "No Match - Non-S3 Event"): (X, NOT_CT),
    ("aws_s3_suspend_versioning", "Non-S3 Event"): (X, NOT_CT),
    ("aws_s3_delete_object", "Other Event"): (X, LIST),
    ("aws_s3_delete_objects", "Other Event"): (X, LIST),
})
# Some of Panther's records lack fields CloudTrail always writes.
PANTHER_COMPLETE = {
    ("aws_s3_bucket_deleted", "S3 Bucket Deletion Failed"): {
        "eventSource": "s3.amazonaws.com", "eventTime": "2020-02-14T00:44:02Z",
        "requestParameters": {"host": ["s3-us-east-2.amazonaws.com"], "bucketName": "secrets"}},
    ("aws_s3_bucket_deleted", "An S3 Object Deleted"): {
        "eventSource": "s3.amazonaws.com", "eventTime": "2020-02-14T00:41:17Z",
        "requestParameters": {"bucketName": "secrets", "key": "backup.tar.gz"}},
}
# The environment a Panther record was written for.
PANTHER_SETTINGS = {
    "aws_cloudtrail_short_lifecycle": {"trail_bucket": "sample-cloudtrail-bucket-name"},
}


def panther(src):
    import yaml
    repo = "panther-labs/panther-analysis"
    files = sorted({f for f, _ in PANTHER})
    out, seen, left_out = [], {}, []
    for f in files:
        path = PANTHER_DIR + f + ".yml"
        doc = yaml.safe_load(src.show(repo, path))
        for test in doc.get("Tests") or []:
            name = test["Name"]
            spec = PANTHER.get((f, name))
            if spec is None:
                sys.exit("build-corpus: %s %r is not in the PANTHER table: label it" % (f, name))
            cls, what = spec[0], spec[1]
            if cls is X:
                left_out.append((f, name, what))
                continue
            edits = []
            rec = normalise(test["Log"], edits)
            for key, value in PANTHER_COMPLETE.get((f, name), {}).items():
                if key not in rec:
                    rec[key] = value
                    edits.append("%s added (missing from the test log)" % key)
            key = same_record_key(rec)
            if key in seen:
                left_out.append((f, name, "the same record as %s" % seen[key]))
                continue
            seen[key] = "%s: %s" % (f, name)
            expected = test.get("ExpectedResult")
            note = spec[2]
            if note is None and (expected is True) != (cls == "attack"):
                sys.exit("build-corpus: %s %r: Panther expects %s, labelled %s without a note"
                         % (f, name, expected, cls))
            out.append(make_entry(rec, cls, what, repo,
                                  provenance(repo, path, name, "edited" if edits else "verbatim"),
                                  edits=edits, note=note, settings=PANTHER_SETTINGS.get(f)))
    return out, left_out


# --------------------------------------------------------------------------
# AWS documentation examples
# --------------------------------------------------------------------------

def doc_records(text):
    """The JSON code blocks of a documentation page that parse, leniently
    (some examples miss commas): [(block, edits)]."""
    out = []
    for block in re.findall(r"```\n(\{.*?)```", text, re.S):
        edits = []
        try:
            obj = json.loads(block)
        except ValueError:
            fixed = re.sub(r'\}\n(\s*)"host"', r'},\n\1"host"', block)
            fixed = re.sub(r",(\s*)\}", r"\1}", fixed)
            try:
                obj = json.loads(fixed)
            except ValueError:
                continue   # not one of the examples this corpus takes
            edits.append("the page's JSON repaired (a missing comma, a trailing comma)")
        out.append((obj, edits))
    return out


def awsdocs(src):
    out = []
    repo = "awsdocs/amazon-s3-userguide"
    path = "doc_source/cloudtrail-logging-understanding-s3-entries.md"
    blocks = doc_records(src.show(repo, path))
    for rec in blocks[0][0]["Records"]:
        if rec["eventName"] != "PutBucketAcl":
            continue
        edits = list(blocks[0][1])
        rec = copy.deepcopy(rec)
        rec["requestParameters"]["bucketName"] = "DOC-EXAMPLE-BUCKET1"
        rec["sourceIPAddress"] = "192.0.2.10"
        edits.append("empty bucketName and sourceIPAddress filled in (DOC-EXAMPLE-BUCKET1, "
                     "192.0.2.10)")
        out.append(make_entry(rec, "benign", "s3-acl-private", repo,
                              provenance(repo, path, "Example: CloudTrail log file entry for "
                                         "Amazon S3, PutBucketAcl", "edited"),
                              edits=edits, note="the only grant is FULL_CONTROL to the owner"))
    repo = "awsdocs/aws-cloudtrail-user-guide"
    path = "doc_source/cloudtrail-log-file-examples.md"
    for rec, edits in doc_records(src.show(repo, path)):
        for r in rec.get("Records", [rec]):
            if r.get("eventName") == "UpdateTrail":
                out.append(make_entry(r, "attack", "cloudtrail-tamper-attempt", repo,
                                      provenance(repo, path, "Error code and message log example",
                                                 "edited" if edits else "verbatim"),
                                      edits=edits,
                                      note="UpdateTrail of an unknown trail: a failed attempt "
                                      "to reconfigure a trail"))
    repo = "awsdocs/amazon-guardduty-user-guide"
    path = "doc_source/logging-using-cloudtrail.md"
    for rec, edits in doc_records(src.show(repo, path)):
        if rec.get("eventName") == "CreateThreatIntelSet":
            out.append(make_entry(rec, "benign", "guardduty-threat-list-added", repo,
                                  provenance(repo, path, "CreateThreatIntelSet example",
                                             "edited" if edits else "verbatim"), edits=edits))
    return out


# --------------------------------------------------------------------------
# Written records: a documented record's envelope, the request parameters
# of the API reference
# --------------------------------------------------------------------------

class Writer:
    """Composes records on envelopes taken from the sources above."""

    def __init__(self, src):
        import yaml
        self.src = src
        self.n = 0
        self.envelopes = {}
        p = "panther-labs/panther-analysis"
        doc = yaml.safe_load(src.show(p, PANTHER_DIR + "aws_cloudtrail_short_lifecycle.yml"))
        self.envelopes["s3"] = (p, PANTHER_DIR + "aws_cloudtrail_short_lifecycle.yml",
                                "1-Day Lifecycle Rule on Known CT Bucket",
                                normalise(doc["Tests"][0]["Log"], []))
        doc = yaml.safe_load(src.show(p, PANTHER_DIR + "aws_macie_evasion.yml"))
        self.envelopes["macie"] = (p, PANTHER_DIR + "aws_macie_evasion.yml", "UpdateSession",
                                   normalise(doc["Tests"][1]["Log"], []))
        s = "DataDog/stratus-red-team"
        for key, name in (("cloudtrail", "cloudtrail-stop"), ("route53", "dns-delete-logs"),
                          ("ec2", "vpc-remove-flow-logs")):
            path = "docs/detonation-logs/aws.defense-evasion.%s.json" % name
            self.envelopes[key] = (s, path, "aws.defense-evasion.%s[0]" % name,
                                   json.loads(src.show(s, path))[0])
        g = "awsdocs/amazon-guardduty-user-guide"
        path = "doc_source/logging-using-cloudtrail.md"
        rec = [r for r, _ in doc_records(src.show(g, path))
               if r.get("eventName") == "CreateThreatIntelSet"][0]
        self.envelopes["guardduty"] = (g, path, "CreateThreatIntelSet example", rec)
        lg = "awsdocs/amazon-cloudwatch-logs-user-guide"
        path = "doc_source/logging_cw_api_calls_cwl.md"
        rec = [r for r, _ in doc_records(src.show(lg, path))
               if r.get("eventName") == "CreateExportTask"][0]
        self.envelopes["logs"] = (lg, path, "CreateExportTask example", rec)

    def record(self, envelope, name, params, response=None, error=None, minute=0, extra=None):
        repo, path, item, base = self.envelopes[envelope]
        rec = copy.deepcopy(base)
        self.n += 1
        rec["eventName"] = name
        rec["eventTime"] = "2026-11-20T09:%02d:%02dZ" % (minute % 60, self.n % 60)
        rec["requestParameters"] = params
        rec["responseElements"] = response
        rec.pop("errorCode", None)
        rec.pop("errorMessage", None)
        if error:
            rec["errorCode"], rec["errorMessage"] = error
        rec["readOnly"] = name.startswith(("Get", "List", "Describe"))
        rec["requestID"] = str(uuid.uuid5(NAMESPACE, "request|%s|%d" % (name, self.n)))
        rec["eventID"] = str(uuid.uuid5(NAMESPACE, "written|%s|%s" % (
            name, json.dumps([params, response, error, extra], sort_keys=True))))
        rec.update(extra or {})
        return rec, (repo, path, item)

    def entry(self, cls, technique, envelope, name, params, note, reference, **kw):
        settings = kw.pop("settings", None)
        rec, (repo, path, item) = self.record(envelope, name, params, **kw)
        prov = {"repository": repo, "path": path, "commit": PINS[repo],
                "licence": corpus.SOURCES[repo], "item": item, "derivation": "written",
                "reference": reference}
        return make_entry(rec, cls, technique, "s3watch written", prov, note=note,
                          settings=settings)


def s3_params(bucket, extra, query):
    params = {"bucketName": bucket, "Host": "%s.s3.us-west-2.amazonaws.com" % bucket,
              query: ""}
    params.update(extra)
    return params


def s3_resources(bucket, account="111122223333"):
    return {"resources": [{"accountId": account, "type": "AWS::S3::Bucket",
                           "ARN": "arn:aws:s3:::%s" % bucket}],
            "tlsDetails": {"cipherSuite": "TLS_AES_128_GCM_SHA256", "tlsVersion": "TLSv1.3",
                           "clientProvidedHostHeader": "%s.s3.us-west-2.amazonaws.com" % bucket}}


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def written(src):
    w = Writer(src)
    env = corpus.ENVIRONMENT
    own = "111122223333"
    data = env["source_bucket"]
    out = []
    api = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_%s.html"

    def s3(cls, technique, name, bucket, query, extra, note, ref, **kw):
        out.append(w.entry(cls, technique, "s3", name, s3_params(bucket, extra, query), note,
                           api % ref, extra=s3_resources(bucket), **kw))

    # Bucket policies.  Stratus's backdoor policy, as CloudTrail logs a
    # PutBucketPolicy (bucketPolicy: the policy as an object).
    backdoor = json.loads(src.show("DataDog/stratus-red-team",
                                   "v2/internal/attacktechniques/aws/exfiltration/"
                                   "s3-backdoor-bucket-policy/malicious_policy.json")
                          .replace("%s", data))
    s3("attack", "s3-policy-foreign-account", "PutBucketPolicy", data, "policy",
       {"bucketPolicy": backdoor},
       "Stratus Red Team's aws.exfiltration.s3-backdoor-bucket-policy policy (its "
       "malicious_policy.json, for the bucket %s); Stratus publishes no detonation log of "
       "it" % data, "PutBucketPolicy")
    s3("attack", "s3-policy-foreign-account", "PutBucketPolicy", data, "policy",
       {"bucketPolicy": policy({"Sid": "PartnerSync", "Effect": "Allow",
                                "Principal": {"AWS": [FOREIGN]},
                                "Action": ["s3:GetObject", "s3:ListBucket"],
                                "Resource": ["arn:aws:s3:::%s" % data,
                                             "arn:aws:s3:::%s/*" % data]})},
       "the foreign account as a bare account id in a list", "PutBucketPolicy")
    s3("attack", "s3-policy-foreign-account", "PutBucketPolicy", data, "policy",
       {"bucketPolicy": json.dumps(policy(
           {"Sid": "AppRead", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::%s:role/app-server" % own},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % data},
           {"Sid": "Replica", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:sts::%s:assumed-role/sync/bot" % FOREIGN},
            "Action": "s3:*", "Resource": "arn:aws:s3:::%s/*" % data}))},
       "a foreign assumed-role session hidden behind an own-account statement; the policy "
       "as a JSON string", "PutBucketPolicy")
    s3("attack", "s3-policy-public", "PutBucketPolicy", data, "policy",
       {"bucketPolicy": policy({"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                                "Action": "s3:GetObject",
                                "Resource": "arn:aws:s3:::%s/*" % data})},
       "the classic public-read policy", "PutBucketPolicy")
    s3("benign", "s3-policy-own-account", "PutBucketPolicy", data, "policy",
       {"bucketPolicy": policy({"Sid": "AppReadWrite", "Effect": "Allow",
                                "Principal": {"AWS": ["arn:aws:iam::%s:role/app-server" % own,
                                                      "arn:aws:iam::%s:root" % own]},
                                "Action": ["s3:GetObject", "s3:PutObject"],
                                "Resource": "arn:aws:s3:::%s/*" % data})},
       None, "PutBucketPolicy")
    s3("benign", "s3-policy-deny-public", "PutBucketPolicy", data, "policy",
       {"bucketPolicy": policy(
           {"Sid": "AppRead", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::%s:role/app-server" % own},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % data},
           {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
            "Action": "s3:*", "Resource": ["arn:aws:s3:::%s" % data,
                                           "arn:aws:s3:::%s/*" % data],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})},
       "AWS's recommended TLS-only Deny for everyone, beside an Allow for an own role",
       "PutBucketPolicy")
    trail_bucket = env["trail_bucket"]
    s3("benign", "s3-policy-service-principal", "PutBucketPolicy", trail_bucket, "policy",
       {"bucketPolicy": policy(
           {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::%s" % trail_bucket,
            "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-west-2:%s:"
                                           "trail/%s" % (own, env["trail_name"])}}},
           {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::%s/AWSLogs/%s/*" % (trail_bucket, own),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                           "aws:SourceAccount": own}}})},
       "the trail bucket policy of the CloudTrail user guide, with confused-deputy "
       "conditions", "PutBucketPolicy")

    # ACLs.
    owner = "d25639fbe9c19cd30a4c0f43fbf00e2d3f96400a9aa8dabfbbebe1906Example"

    def acl(*grants):
        return {"AccessControlPolicy": {
            "AccessControlList": {"Grant": list(grants) if len(grants) > 1 else grants[0]},
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Owner": {"ID": owner}}}

    def grantee(kind, value, permission):
        key = {"CanonicalUser": "ID", "Group": "URI"}[kind]
        return {"Grantee": {"xsi:type": kind, key: value,
                            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"},
                "Permission": permission}

    s3("attack", "s3-acl-public", "PutBucketAcl", data, "acl", {"x-amz-acl": ["public-read"]},
       "the public-read canned ACL, as CloudTrail logs a header (a list)", "PutBucketAcl")
    s3("attack", "s3-acl-public", "PutBucketAcl", data, "acl",
       acl(grantee("CanonicalUser", owner, "FULL_CONTROL"),
           grantee("Group", "http://acs.amazonaws.com/groups/global/AllUsers", "READ")),
       "READ for AllUsers beside the owner's grant", "PutBucketAcl")
    s3("attack", "s3-acl-public", "PutBucketAcl", data, "acl",
       {"x-amz-grant-read": ["uri=\"http://acs.amazonaws.com/groups/global/"
                             "AuthenticatedUsers\""]},
       "READ for every AWS account's users, through the x-amz-grant-read header",
       "PutBucketAcl")
    s3("attack", "s3-acl-foreign-grant", "PutBucketAcl", data, "acl",
       acl(grantee("CanonicalUser", owner, "FULL_CONTROL"),
           grantee("CanonicalUser", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47e"
                   "f2be", "READ")),
       "READ for another account's canonical user (the S3 documentation's example id)",
       "PutBucketAcl")
    s3("benign", "s3-acl-log-delivery", "PutBucketAcl", env["log_bucket"], "acl",
       acl(grantee("CanonicalUser", owner, "FULL_CONTROL"),
           grantee("Group", "http://acs.amazonaws.com/groups/s3/LogDelivery", "WRITE"),
           grantee("Group", "http://acs.amazonaws.com/groups/s3/LogDelivery", "READ_ACP")),
       "the legacy grants server access logging needs on its target bucket", "PutBucketAcl")
    s3("benign", "s3-acl-private", "PutBucketAcl", data, "acl", {"x-amz-acl": ["private"]},
       None, "PutBucketAcl")

    # Block Public Access.
    def bpa(value):
        return {"PublicAccessBlockConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "BlockPublicAcls": value,
            "IgnorePublicAcls": value, "BlockPublicPolicy": value,
            "RestrictPublicBuckets": value}}

    s3("attack", "s3-bpa-removed", "PutBucketPublicAccessBlock", data, "publicAccessBlock",
       bpa(False), "all four settings turned off", "PutPublicAccessBlock")
    s3("benign", "s3-bpa-enabled", "PutBucketPublicAccessBlock", data, "publicAccessBlock",
       bpa(True), None, "PutPublicAccessBlock")

    # Default encryption.
    def sse(algorithm, key=None):
        default = {"SSEAlgorithm": algorithm}
        if key:
            default["KMSMasterKeyID"] = key
        return {"ServerSideEncryptionConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
            "Rule": {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}}}

    s3("attack", "s3-encryption-foreign-kms", "PutBucketEncryption", data, "encryption",
       sse("aws:kms", "arn:aws:kms:us-west-2:%s:key/1f0c6bfe-5b7a-4d6e-9c1e-2a6f3f7b9d10"
           % FOREIGN),
       "new objects encrypted with a key the attacker's account controls (and can "
       "withdraw)", "PutBucketEncryption")
    s3("benign", "s3-encryption-set", "PutBucketEncryption", data, "encryption",
       sse("AES256"), None, "PutBucketEncryption")
    s3("benign", "s3-encryption-set", "PutBucketEncryption", data, "encryption",
       sse("aws:kms", "arn:aws:kms:us-west-2:%s:key/0b9a6e52-3c1d-4f7e-8a2b-5d4c3e2f1a09" % own),
       "the account's own KMS key", "PutBucketEncryption")

    # Lifecycle: expiration on a data bucket (90 days).
    s3("benign", "s3-lifecycle-data-bucket", "PutBucketLifecycle", "tmp-exports-example",
       "lifecycle", {"LifecycleConfiguration": {
           "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
           "Rule": {"ID": "expire-exports", "Status": "Enabled", "Filter": {"Prefix": "exports/"},
                    "Expiration": {"Days": 90}}}},
       None, "PutBucketLifecycleConfiguration")

    # Replication.
    def replication(account, bucket, translate):
        dest = {"Bucket": "arn:aws:s3:::%s" % bucket}
        if translate:
            dest.update({"Account": account, "AccessControlTranslation": {"Owner": "Destination"}})
        return {"ReplicationConfiguration": {
            "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
            "Role": "arn:aws:iam::%s:role/s3-replication" % own,
            "Rule": {"ID": "replicate-all", "Status": "Enabled", "Priority": 1,
                     "Filter": {"Prefix": ""},
                     "DeleteMarkerReplication": {"Status": "Disabled"},
                     "Destination": dest}}}

    s3("attack", "s3-replication-foreign-account", "PutBucketReplication", data, "replication",
       replication(FOREIGN, "exfil-replica-%s" % FOREIGN, True),
       "every new object copied to a bucket owned by another account", "PutBucketReplication")
    s3("benign", "s3-replication-same-account", "PutBucketReplication", data, "replication",
       replication(own, "%s-replica-eu" % data, False),
       "a disaster-recovery copy in the same account", "PutBucketReplication")

    # CloudTrail.
    ct = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_%s.html"
    trail = env["trail_name"]
    trail_arn = "arn:aws:cloudtrail:apiso-centralnorth-2r:143434273843:trail/%s" % trail

    def cloudtrail(cls, technique, name, params, note, ref=None, **kw):
        out.append(w.entry(cls, technique, "cloudtrail", name, params, note,
                           ct % (ref or name), **kw))

    cloudtrail("benign", "cloudtrail-started", "StartLogging", {"name": trail}, None)
    cloudtrail("attack", "cloudtrail-tamper-attempt", "StopLogging", {"name": trail},
               "denied", error=("AccessDenied", "User: arn:aws:iam::143434273843:user/"
                                "christophe is not authorized to perform: "
                                "cloudtrail:StopLogging on resource: %s" % trail_arn))
    cloudtrail("attack", "cloudtrail-tamper-attempt", "DeleteTrail", {"name": trail},
               "denied", error=("AccessDenied", "User: arn:aws:iam::143434273843:user/"
                                "christophe is not authorized to perform: "
                                "cloudtrail:DeleteTrail on resource: %s" % trail_arn))
    cloudtrail("attack", "cloudtrail-updated", "UpdateTrail",
               {"name": trail, "s3BucketName": "exfil-trail-%s" % FOREIGN},
               "the trail's files sent to a bucket of another account",
               response={"name": trail, "s3BucketName": "exfil-trail-%s" % FOREIGN,
                         "trailARN": trail_arn, "isMultiRegionTrail": True,
                         "logFileValidationEnabled": True})
    cloudtrail("attack", "cloudtrail-updated", "UpdateTrail",
               {"name": trail, "isMultiRegionTrail": False, "includeGlobalServiceEvents": False},
               "the trail narrowed to one region, without global service events")
    cloudtrail("benign", "cloudtrail-hardened", "UpdateTrail",
               {"name": trail, "enableLogFileValidation": True},
               None, response={"name": trail, "trailARN": trail_arn,
                               "logFileValidationEnabled": True, "isMultiRegionTrail": True})
    keep_both = [{"readWriteType": "All", "includeManagementEvents": True,
                  "excludeManagementEventSources": [],
                  "dataResources": [{"type": "AWS::S3::Object",
                                     "values": ["arn:aws:s3:::%s/" % data]}]}]
    cloudtrail("benign", "cloudtrail-selectors-keep-both", "PutEventSelectors",
               {"trailName": trail, "eventSelectors": keep_both}, None,
               response={"trailARN": trail_arn, "eventSelectors": keep_both})
    cloudtrail("benign", "cloudtrail-selectors-keep-both", "PutEventSelectors",
               {"trailName": trail, "eventSelectors": [
                   {"readWriteType": "All", "includeManagementEvents": True,
                    "excludeManagementEventSources": [],
                    "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]},
               "S3 data events of every bucket")
    mgmt_only = [{"readWriteType": "All", "includeManagementEvents": True,
                  "excludeManagementEventSources": [], "dataResources": []}]
    cloudtrail("attack", "cloudtrail-selectors-drop-data", "PutEventSelectors",
               {"trailName": trail, "eventSelectors": mgmt_only},
               "the monitoring trail no longer logs the monitored bucket's data events",
               response={"trailARN": trail_arn, "eventSelectors": mgmt_only})
    cloudtrail("attack", "cloudtrail-selectors-drop-data", "PutEventSelectors",
               {"trailName": trail, "eventSelectors": [
                   {"readWriteType": "All", "includeManagementEvents": True,
                    "excludeManagementEventSources": [],
                    "dataResources": [{"type": "AWS::S3::Object",
                                       "values": ["arn:aws:s3:::some-other-bucket/"]}]}]},
               "data events kept for another bucket only")
    adv_mgmt = {"name": "Management events",
                "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}
    adv_data = {"name": "S3 data events of the monitored bucket",
                "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                                   {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                                   {"field": "resources.ARN",
                                    "startsWith": ["arn:aws:s3:::%s/" % data]}]}
    # Advanced selectors go through the same API (there is no
    # PutAdvancedEventSelectors): the record is a PutEventSelectors.
    cloudtrail("benign", "cloudtrail-selectors-keep-both", "PutEventSelectors",
               {"trailName": trail, "advancedEventSelectors": [adv_mgmt, adv_data]},
               "advanced selectors, as the CloudTrail user guide writes them")
    cloudtrail("attack", "cloudtrail-selectors-drop-data", "PutEventSelectors",
               {"trailName": trail, "advancedEventSelectors": [adv_mgmt]},
               "advanced selectors keeping management events only")
    cloudtrail("attack", "cloudtrail-selectors-drop-management", "PutEventSelectors",
               {"trailName": trail, "advancedEventSelectors": [adv_data]},
               "advanced selectors keeping the bucket's data events only")

    # Route 53 resolver query logging; VPC flow logs.
    r53 = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_%s.html"
    config, vpc = "rqlc-4473f20ca554c07", "vpc-0a1b2c3d4e5f60718"
    for cls, technique, name, status in (
            ("attack", "dns-query-logging-disassociated",
             "DisassociateResolverQueryLogConfig", "DELETING"),
            ("benign", "dns-query-logging-associated",
             "AssociateResolverQueryLogConfig", "CREATING")):
        out.append(w.entry(cls, technique, "route53", name,
                           {"resolverQueryLogConfigId": config, "resourceId": vpc},
                           None, r53 % name,
                           response={"resolverQueryLogConfigAssociation": {
                               "id": "rqlca-8e1d2c3b4a5f6071", "resourceId": vpc,
                               "resolverQueryLogConfigId": config, "status": status}}))
    ec2 = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_%s.html"
    out.append(w.entry("benign", "vpc-flow-logs-created", "ec2", "CreateFlowLogs",
                       {"CreateFlowLogsRequest": {
                           "ResourceId": {"content": "vpc-0a1b2c3d4e5f60718", "tag": 1},
                           "ResourceType": "VPC", "TrafficType": "ALL",
                           "LogDestinationType": "s3",
                           "LogDestination": "arn:aws:s3:::flow-logs-example"}},
                       None, ec2 % "CreateFlowLogs"))
    out.append(w.entry("benign", "vpc-flow-logs-dry-run", "ec2", "DeleteFlowLogs",
                       {"DeleteFlowLogsRequest": {"DryRun": True, "FlowLogId": {
                           "content": "fl-0e17aa62a21d4bbfe", "tag": 1}}},
                       "a dry run: EC2 checks the permission and changes nothing",
                       ec2 % "DeleteFlowLogs",
                       error=("Client.DryRunOperation", "Request would have succeeded, but "
                              "DryRun flag is set.")))

    # Macie.
    macie = "https://docs.aws.amazon.com/macie/latest/APIReference/macie.html#%s"
    out.append(w.entry("attack", "macie-disabled", "macie", "DisableMacie", {}, None,
                       macie % "DisableMacie"))
    out.append(w.entry("attack", "macie-paused", "macie", "UpdateMacieSession",
                       {"status": "PAUSED"}, None, macie % "UpdateMacieSession"))
    out.append(w.entry("benign", "macie-session-updated", "macie", "UpdateMacieSession",
                       {"status": "ENABLED", "findingPublishingFrequency": "FIFTEEN_MINUTES"},
                       "resumed, findings published every 15 minutes",
                       macie % "UpdateMacieSession"))

    # GuardDuty.
    gd = "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_%s.html"
    detector = "5ab04b1110c865eecf516eee2435ede7"
    out.append(w.entry("attack", "guardduty-detector-deleted", "guardduty", "DeleteDetector",
                       {"detectorId": detector}, None, gd % "DeleteDetector"))
    out.append(w.entry("attack", "guardduty-detector-disabled", "guardduty", "UpdateDetector",
                       {"detectorId": detector, "enable": False}, None, gd % "UpdateDetector"))
    out.append(w.entry("benign", "guardduty-detector-updated", "guardduty", "UpdateDetector",
                       {"detectorId": detector, "enable": True,
                        "findingPublishingFrequency": "FIFTEEN_MINUTES"}, None,
                       gd % "UpdateDetector"))
    out.append(w.entry("benign", "guardduty-detector-updated", "guardduty", "UpdateDetector",
                       {"detectorId": detector, "findingPublishingFrequency": "SIX_HOURS"},
                       "the publishing frequency only", gd % "UpdateDetector"))

    # CloudWatch Logs: the trail's log group, and another.
    lg = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_%s.html"
    group = env["log_group"]
    other = "/aws/lambda/report-builder"

    def logs(cls, technique, name, params, note=None):
        out.append(w.entry(cls, technique, "logs", name, params, note, lg % name))

    logs("attack", "logs-trail-group-deleted", "DeleteLogGroup", {"logGroupName": group})
    logs("benign", "logs-other-group-deleted", "DeleteLogGroup", {"logGroupName": other})
    logs("attack", "logs-trail-group-retention-shortened", "PutRetentionPolicy",
         {"logGroupName": group, "retentionInDays": 1})
    logs("benign", "logs-trail-group-retention-lengthened", "PutRetentionPolicy",
         {"logGroupName": group, "retentionInDays": 400})
    logs("attack", "logs-trail-group-subscription-changed", "PutSubscriptionFilter",
         {"logGroupName": group, "filterName": "to-partner",
          "filterPattern": "",
          "destinationArn": "arn:aws:logs:us-east-1:%s:destination:collector" % FOREIGN},
         "every trail record streamed to another account's destination")
    logs("attack", "logs-trail-group-subscription-changed", "DeleteSubscriptionFilter",
         {"logGroupName": group, "filterName": "security-analytics"},
         "the trail's consumer cut off")
    logs("benign", "logs-other-group-subscription", "PutSubscriptionFilter",
         {"logGroupName": other, "filterName": "errors-to-es", "filterPattern": "ERROR",
          "destinationArn": "arn:aws:lambda:us-east-1:123456789012:function:LogsToElasticsearch"})
    return out


# --------------------------------------------------------------------------
# The sandbox capture
# --------------------------------------------------------------------------

# phase -> (class, technique, note); the phases of capture-sandbox.sh.
SANDBOX = {
    "normal": ("benign", "s3-normal-traffic",
               "60 steps of normal traffic after setup (puts of the setup included)"),
    "denied_reads": ("attack", "s3-denied-probe", "GetObject x5 from 203.0.113.x, AccessDenied"),
    "policy_change": ("attack", "s3-policy-public", "PutBucketPolicy with Principal *"),
    "mass_delete": ("attack", "s3-mass-delete", "DeleteObject x50 in a burst"),
    "missing_keys": ("attack", "s3-secret-probe",
                     "GetObject x10 of secret-looking keys (NoSuchKey) from 203.0.113.x"),
    "policy_backdoor": ("attack", "s3-policy-foreign-account",
                        "PutBucketPolicy granting account %s" % FOREIGN),
    "policy_own_role": ("benign", "s3-policy-own-account",
                        "PutBucketPolicy granting the app-server role of the same account"),
    "batch_delete": ("attack", "s3-batch-delete-burst", "DeleteObjects x5 (10 keys each)"),
    "cleanup_delete": ("benign", "s3-temp-cleanup",
                       "PutObject x3 of tmp/ keys, then one DeleteObjects of them"),
}
SANDBOX_SETTINGS = {"source_bucket": "detect-data", "trail_bucket": "detect-trail-logs",
                    "allowed_cidrs": "10.0.0.0/8"}


def sandbox(messages_path, requests_path):
    with open(messages_path) as f:
        records = [json.loads(m) for m in json.load(f) or []]
    phase_of = {}
    with open(requests_path) as f:
        for line in f:
            req = json.loads(line)
            if req.get("requestId"):
                phase_of[req["requestId"]] = (req["run"], req["phase"])
    out, count = [], {}
    for rec in records:
        run, phase = phase_of.get(rec.get("requestID"), (None, None))
        if phase is None:
            sys.exit("build-corpus: record %s (%s) matches no request" % (
                rec.get("eventID"), rec.get("eventName")))
        if phase == "setup":
            if run != "normal":
                continue           # only the normal run's setup is kept, as its traffic
            phase = "normal"
        cls, technique, note = SANDBOX[phase]
        count[phase] = count.get(phase, 0) + 1
        prov = {"repository": "s3watch", "path": "tests/detect/capture-sandbox.sh",
                "commit": "-", "licence": corpus.SOURCES["s3watch sandbox"],
                "item": phase, "derivation": "captured"}
        out.append(make_entry(rec, cls, technique, "s3watch sandbox", prov, note=note,
                              case="sandbox-%s" % phase, settings=SANDBOX_SETTINGS))
    missing = set(SANDBOX) - set(count)
    if missing:
        sys.exit("build-corpus: no records of %s" % ", ".join(sorted(missing)))
    return out


# --------------------------------------------------------------------------

def write(path, entries):
    with open(path, "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, separators=(",", ":"), ensure_ascii=False) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", default=os.environ.get("DETECT_MIRRORS", "/work/.mirror"))
    parser.add_argument("--out", default=corpus.HERE)
    parser.add_argument("--sandbox", nargs=2, metavar=("MESSAGES", "REQUESTS"))
    args = parser.parse_args()
    if args.sandbox:
        entries = sandbox(*args.sandbox)
        unique_ids(entries, set())
        write(args.out, entries)
        print("build-corpus: %s: %d records" % (args.out, len(entries)))
        return 0
    src = Sources(args.mirrors)
    taken = set()
    sandbox_file = os.path.join(args.out, "sandbox.jsonl")
    if os.path.exists(sandbox_file):
        with open(sandbox_file) as f:
            taken.update(json.loads(line)["record"]["eventID"] for line in f)
    files = {"stratus.jsonl": stratus(src), "awsdocs.jsonl": awsdocs(src)}
    files["panther.jsonl"], left_out = panther(src)
    files["written.jsonl"] = written(src)
    for name in ("stratus.jsonl", "awsdocs.jsonl", "panther.jsonl", "written.jsonl"):
        unique_ids(files[name], taken)
        write(os.path.join(args.out, name), files[name])
        print("build-corpus: %s: %d records" % (name, len(files[name])))
    for f, name, why in left_out:
        print("left out: panther %s: %s: %s" % (f, name, why))
    return 0


if __name__ == "__main__":
    sys.exit(main())
