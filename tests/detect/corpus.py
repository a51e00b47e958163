#!/usr/bin/env python3
"""The detection corpus: its vocabulary, reader and checker.

The corpus is tests/detect/*.jsonl, one labelled CloudTrail record a line:

  {"label": {"class": "attack"|"benign", "technique": ID, "min_severity": SEV,
             "source": KEY, "provenance": {...}, ...}, "record": {...}}

TECHNIQUES below is the one list of techniques: an attack's entry gives the
lowest severity an on-call engineer should get for it, a benign entry the
attack it looks like (near_miss_of).  SOURCES lists the sources; each must
have a section in PROVENANCE.md.  Records sharing label.case are replayed
together (a burst, a session); a record without one is its own case.

  corpus.py check [DIR]     checks the corpus is well formed; exit 1 if not

Python 3 standard library only.
"""

import json
import os
import re
import sys

SEVERITIES = ("info", "low", "medium", "high", "critical")

# Attacks: (min_severity, what it is).
ATTACKS = {
    "s3-policy-foreign-account": ("high", "bucket policy grants another AWS account (backdoor)"),
    "s3-policy-public": ("high", "bucket policy grants everyone"),
    "s3-acl-public": ("high", "ACL public: canned public-read(-write), AllUsers or "
                      "AuthenticatedUsers"),
    "s3-acl-foreign-grant": ("high", "ACL grants another canonical user"),
    "s3-bpa-removed": ("medium", "Block Public Access deleted or turned off"),
    "s3-versioning-suspended": ("medium", "versioning suspended"),
    "s3-mfa-delete-disabled": ("medium", "MFA Delete disabled"),
    "s3-encryption-deleted": ("medium", "default encryption deleted"),
    "s3-encryption-foreign-kms": ("medium", "default encryption set to another account's KMS key"),
    "s3-access-logging-disabled": ("medium", "server access logging disabled"),
    "s3-lifecycle-expires-trail-logs": ("high", "short, enabled expiration rule on the trail bucket"),
    "s3-replication-foreign-account": ("high", "replication to another account's bucket"),
    "s3-replication-deleted": ("medium", "replication configuration deleted"),
    "s3-copy-foreign-account": ("high", "CopyObject into another account's bucket"),
    "s3-copy-foreign-kms": ("high", "CopyObject re-encrypting with another account's KMS key"),
    "s3-sse-c-encryption": ("medium", "objects rewritten with a customer-provided key (SSE-C)"),
    "s3-mass-delete": ("high", "burst of DeleteObject calls by one principal"),
    "s3-batch-delete-burst": ("high", "burst of DeleteObjects calls by one principal"),
    "s3-bucket-deleted": ("medium", "bucket deleted"),
    "s3-ransom-note": ("medium", "ransom note uploaded"),
    "s3-denied-probe": ("medium", "denied object reads from an address outside the network"),
    "s3-secret-probe": ("medium", "reads of secret-looking keys that do not exist, from outside"),
    "cloudtrail-stopped": ("high", "StopLogging"),
    "cloudtrail-deleted": ("high", "DeleteTrail"),
    "cloudtrail-updated": ("high", "UpdateTrail sending the logs elsewhere or logging less"),
    "cloudtrail-selectors-drop-management": ("high", "event selectors drop management events"),
    "cloudtrail-selectors-drop-data": ("high", "event selectors drop the monitored bucket's "
                                       "data events"),
    "cloudtrail-tamper-attempt": ("medium", "failed attempt to stop, delete or reconfigure "
                                  "the trail"),
    "organizations-leave-attempt": ("medium", "attempt to leave the organization (its trail "
                                    "and SCPs)"),
    "vpc-flow-logs-deleted": ("medium", "VPC flow logs deleted"),
    "dns-query-logging-deleted": ("medium", "Route 53 resolver query logging deleted"),
    "dns-query-logging-disassociated": ("medium", "Route 53 resolver query logging "
                                        "disassociated from a VPC"),
    "macie-disabled": ("medium", "Macie disabled"),
    "macie-paused": ("medium", "Macie session paused"),
    "guardduty-detector-deleted": ("high", "GuardDuty detector deleted"),
    "guardduty-detector-disabled": ("high", "GuardDuty detector disabled"),
    "config-delivery-deleted": ("medium", "AWS Config delivery channel deleted"),
    "logs-trail-group-deleted": ("high", "the trail's log group deleted"),
    "logs-trail-group-retention-shortened": ("medium", "the trail's log group kept 1 day"),
    "logs-trail-group-subscription-changed": ("medium", "subscription filter of the trail's log "
                                              "group replaced or deleted"),
}

# Benign look-alikes: (near_miss_of, what it is).
BENIGN = {
    "s3-policy-own-account": ("s3-policy-foreign-account", "policy grants a role of the "
                              "bucket's own account"),
    "s3-policy-service-principal": ("s3-policy-public", "policy grants an AWS service "
                                    "(log delivery)"),
    "s3-policy-public-confined": ("s3-policy-public", "Principal * confined by organization, "
                                  "VPC and source IP"),
    "s3-policy-deny-public": ("s3-policy-public", "Deny for everyone (TLS only) beside an "
                              "own-account Allow"),
    "s3-policy-failed": ("s3-policy-public", "public PutBucketPolicy that was denied"),
    "s3-policy-read": ("s3-policy-public", "GetBucketPolicy"),
    "s3-acl-private": ("s3-acl-public", "private canned ACL, or the owner's own grant"),
    "s3-acl-log-delivery": ("s3-acl-public", "ACL grants the S3 log delivery group"),
    "s3-acl-failed": ("s3-acl-public", "PutBucketAcl that was denied"),
    "s3-bpa-enabled": ("s3-bpa-removed", "Block Public Access set with all four settings on"),
    "s3-bpa-failed": ("s3-bpa-removed", "DeleteBucketPublicAccessBlock that was denied"),
    "s3-versioning-enabled": ("s3-versioning-suspended", "versioning enabled"),
    "s3-versioning-failed": ("s3-versioning-suspended", "versioning change that was denied"),
    "s3-mfa-delete-enabled": ("s3-mfa-delete-disabled", "MFA Delete enabled"),
    "s3-encryption-set": ("s3-encryption-deleted", "default encryption set to SSE-S3 or the "
                          "account's own key"),
    "s3-encryption-failed": ("s3-encryption-deleted", "DeleteBucketEncryption that was denied"),
    "s3-access-logging-enabled": ("s3-access-logging-disabled", "server access logging enabled"),
    "s3-access-logging-failed": ("s3-access-logging-disabled", "logging change that was "
                                 "denied"),
    "s3-lifecycle-disabled-rule": ("s3-lifecycle-expires-trail-logs", "expiration rule with "
                                   "Status Disabled"),
    "s3-lifecycle-long-retention": ("s3-lifecycle-expires-trail-logs", "trail logs kept 730 "
                                    "days"),
    "s3-lifecycle-data-bucket": ("s3-lifecycle-expires-trail-logs", "90-day expiration on a "
                                 "data bucket"),
    "s3-lifecycle-read": ("s3-lifecycle-expires-trail-logs", "GetBucketLifecycle"),
    "s3-replication-same-account": ("s3-replication-foreign-account", "replication to a bucket "
                                    "of the same account"),
    "s3-replication-delete-failed": ("s3-replication-deleted", "DeleteBucketReplication that "
                                     "was denied"),
    "s3-copy-same-account": ("s3-copy-foreign-account", "CopyObject within the account"),
    "s3-copy-own-kms": ("s3-copy-foreign-kms", "CopyObject with the account's own KMS key"),
    "s3-copy-no-sse-c": ("s3-sse-c-encryption", "CopyObject without a customer key"),
    "s3-object-deleted-single": ("s3-mass-delete", "one DeleteObject"),
    "s3-batch-delete-single": ("s3-batch-delete-burst", "one DeleteObjects"),
    "s3-temp-cleanup": ("s3-batch-delete-burst", "temporary objects written, then deleted "
                        "with one DeleteObjects"),
    "s3-bucket-delete-failed": ("s3-bucket-deleted", "DeleteBucket refused (not empty)"),
    "s3-object-upload": ("s3-ransom-note", "an ordinary upload"),
    "s3-normal-traffic": ("s3-denied-probe", "application reads, writes, lists and deletes "
                          "from inside addresses"),
    "cloudtrail-started": ("cloudtrail-stopped", "StartLogging"),
    "cloudtrail-created": ("cloudtrail-deleted", "CreateTrail (done or failed)"),
    "cloudtrail-hardened": ("cloudtrail-updated", "UpdateTrail turning on log file validation"),
    "cloudtrail-selectors-keep-both": ("cloudtrail-selectors-drop-data", "selectors keep "
                                       "management and the monitored bucket's data events"),
    "cloudtrail-selectors-other-trail": ("cloudtrail-selectors-drop-data", "another trail set "
                                         "to management events only"),
    "cloudtrail-selectors-read": ("cloudtrail-selectors-drop-management", "GetEventSelectors"),
    "vpc-flow-logs-created": ("vpc-flow-logs-deleted", "CreateFlowLogs"),
    "vpc-flow-logs-dry-run": ("vpc-flow-logs-deleted", "DeleteFlowLogs dry run"),
    "dns-query-logging-associated": ("dns-query-logging-disassociated", "resolver query "
                                     "logging associated with a VPC"),
    "macie-session-updated": ("macie-paused", "Macie session updated, still enabled"),
    "macie-read": ("macie-disabled", "Macie read-only call"),
    "guardduty-detector-updated": ("guardduty-detector-disabled", "UpdateDetector keeping it "
                                   "enabled"),
    "guardduty-threat-list-added": ("guardduty-detector-deleted", "threat intelligence list "
                                    "added"),
    "config-delivery-created": ("config-delivery-deleted", "delivery channel created"),
    "config-delivery-delete-failed": ("config-delivery-deleted", "DeleteDeliveryChannel that "
                                      "failed"),
    "logs-other-group-deleted": ("logs-trail-group-deleted", "another log group deleted"),
    "logs-trail-group-retention-lengthened": ("logs-trail-group-retention-shortened",
                                              "the trail's log group kept 400 days"),
    "logs-other-group-subscription": ("logs-trail-group-subscription-changed", "subscription "
                                      "filter on another log group"),
}

# Sources: label.source -> licence.  PROVENANCE.md has a section for each.
SOURCES = {
    "DataDog/stratus-red-team": "Apache-2.0",
    "panther-labs/panther-analysis": "Apache-2.0",
    "awsdocs/amazon-s3-userguide": "CC-BY-SA-4.0",
    "awsdocs/aws-cloudtrail-user-guide": "CC-BY-SA-4.0",
    "awsdocs/amazon-guardduty-user-guide": "CC-BY-SA-4.0",
    "awsdocs/amazon-cloudwatch-logs-user-guide": "CC-BY-SA-4.0",
    "s3watch sandbox": "same as s3watch",
    "s3watch written": "same as s3watch",
}

# The environment the records are judged in (the settings of the analysis
# checks); a label's "settings" overrides these for its case.
ENVIRONMENT = {
    "source_bucket": "secure-docs",
    "trail_bucket": "cloudtrail-logs-example",
    "log_bucket": "s3-access-logs-example",
    "trail_name": "s3-security-monitoring-trail",
    "log_group": "/aws/cloudtrail/s3-security-monitoring",
    "log_expiry_min_days": "30",
}
SETTING_KEYS = set(ENVIRONMENT) | {"trusted_accounts", "allowed_cidrs"}

LABEL_KEYS = {"class", "technique", "min_severity", "source", "provenance", "case",
              "near_miss_of", "note", "edits", "settings"}
PROVENANCE_KEYS = ("repository", "path", "commit", "licence", "item", "derivation")
DERIVATIONS = ("verbatim", "edited", "written", "captured")

HERE = os.path.dirname(os.path.abspath(__file__))


def technique_min_severity(technique):
    return ATTACKS[technique][0] if technique in ATTACKS else "none"


def files(directory=HERE):
    return sorted(os.path.join(directory, name) for name in os.listdir(directory)
                  if name.endswith(".jsonl"))


def load(directory=HERE):
    """[(file, line number, entry)]; raises ValueError on a line that is not JSON."""
    entries = []
    for path in files(directory):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    raise ValueError("%s:%d: empty line" % (os.path.basename(path), n))
                try:
                    entries.append((os.path.basename(path), n, json.loads(line)))
                except ValueError as exc:
                    raise ValueError("%s:%d: %s" % (os.path.basename(path), n, exc))
    return entries


def case_of(entry):
    label = entry["label"]
    return label.get("case") or "event:" + entry["record"]["eventID"]


def check_entry(entry, provenance_text):
    """The problems of one corpus entry, as strings."""
    problems = []
    if not isinstance(entry, dict) or set(entry) != {"label", "record"}:
        return ["an entry is an object with exactly \"label\" and \"record\""]
    label, record = entry["label"], entry["record"]
    if not isinstance(label, dict) or not isinstance(record, dict):
        return ["label and record are objects"]
    extra = set(label) - LABEL_KEYS
    if extra:
        problems.append("unknown label fields: %s" % ", ".join(sorted(extra)))
    for key in ("class", "technique", "min_severity", "source", "provenance"):
        if key not in label:
            problems.append("label has no %s" % key)
    if problems:
        return problems
    cls, technique = label["class"], label["technique"]
    if cls == "attack":
        if technique not in ATTACKS:
            problems.append("unknown attack technique %r" % technique)
    elif cls == "benign":
        if technique not in BENIGN:
            problems.append("unknown benign technique %r" % technique)
        elif label.get("near_miss_of") != BENIGN[technique][0]:
            problems.append("benign %s is a near miss of %s, not %r" % (
                technique, BENIGN[technique][0], label.get("near_miss_of")))
    else:
        problems.append("class is %r, not attack or benign" % cls)
    if not problems and label["min_severity"] != technique_min_severity(technique):
        problems.append("min_severity of %s is %s, not %r" % (
            technique, technique_min_severity(technique), label["min_severity"]))
    source = label["source"]
    if source not in SOURCES:
        problems.append("unknown source %r" % source)
    elif "## " + source not in provenance_text:
        problems.append("source %r has no section in PROVENANCE.md" % source)
    prov = label["provenance"]
    if not isinstance(prov, dict):
        problems.append("provenance is not an object")
    else:
        for key in PROVENANCE_KEYS:
            if not isinstance(prov.get(key), str) or not prov.get(key):
                problems.append("provenance has no %s" % key)
        if prov.get("derivation") not in DERIVATIONS:
            problems.append("provenance.derivation %r is not one of %s" % (
                prov.get("derivation"), ", ".join(DERIVATIONS)))
        if source in SOURCES and prov.get("licence") != SOURCES[source] and \
                prov.get("derivation") != "written":
            problems.append("licence of %s is %s, not %r" % (source, SOURCES[source],
                                                              prov.get("licence")))
        commit = prov.get("commit", "")
        if source.startswith("s3watch"):
            pass
        elif not re.fullmatch(r"[0-9a-f]{40}", commit):
            problems.append("provenance.commit %r is not a 40-digit commit" % commit)
    settings = label.get("settings", {})
    if not isinstance(settings, dict) or set(settings) - SETTING_KEYS:
        problems.append("settings must be an object of %s" % ", ".join(sorted(SETTING_KEYS)))
    if "edits" in label and not (isinstance(label["edits"], list) and
                                 all(isinstance(e, str) for e in label["edits"])):
        problems.append("edits is a list of strings")
    if isinstance(prov, dict) and prov.get("derivation") == "edited" and \
            not label.get("edits"):
        problems.append("an edited record lists its edits")
    for key in ("eventID", "eventName", "eventSource", "eventTime"):
        if not isinstance(record.get(key), str) or not record.get(key):
            problems.append("record has no %s" % key)
    if isinstance(record.get("eventTime"), str) and not re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["eventTime"]):
        problems.append("eventTime %r is not CloudTrail's form" % record["eventTime"])
    return problems


def check(directory=HERE):
    """Every problem of the corpus in DIRECTORY, as "file:line: problem"."""
    problems = []
    try:
        with open(os.path.join(directory, "PROVENANCE.md"), encoding="utf-8") as f:
            provenance_text = f.read()
    except OSError as exc:
        return ["PROVENANCE.md: %s" % exc]
    if not files(directory):
        return ["no *.jsonl files in %s" % directory]
    try:
        entries = load(directory)
    except ValueError as exc:
        return [str(exc)]
    seen = {}
    cases = {}
    for name, n, entry in entries:
        where = "%s:%d" % (name, n)
        for problem in check_entry(entry, provenance_text):
            problems.append("%s: %s" % (where, problem))
        record = entry.get("record") if isinstance(entry, dict) else None
        event_id = record.get("eventID") if isinstance(record, dict) else None
        if isinstance(event_id, str):
            if event_id in seen:
                problems.append("%s: eventID %s also at %s" % (where, event_id, seen[event_id]))
            seen[event_id] = where
        label = entry.get("label") if isinstance(entry, dict) else None
        if isinstance(label, dict) and label.get("case"):
            key = label["case"]
            first = cases.setdefault(key, (where, label.get("class"), label.get("technique")))
            if first[1:] != (label.get("class"), label.get("technique")):
                problems.append("%s: case %s is %s/%s at %s" % (where, key, first[1], first[2],
                                                               first[0]))
    return problems


def main(argv):
    if len(argv) < 2 or argv[1] != "check" or len(argv) > 3:
        sys.stderr.write("usage: corpus.py check [DIR]\n")
        return 2
    directory = argv[2] if len(argv) == 3 else HERE
    problems = check(directory)
    for problem in problems:
        print(problem)
    if problems:
        print("corpus: %d problem%s" % (len(problems), "" if len(problems) == 1 else "s"))
        return 1
    entries = load(directory)
    attacks = sum(1 for _, _, e in entries if e["label"]["class"] == "attack")
    print("corpus: %d records (%d attack, %d benign) in %d files, well formed" % (
        len(entries), attacks, len(entries) - attacks, len(files(directory))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
