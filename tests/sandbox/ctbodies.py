"""Request bodies in CloudTrail records, as CloudTrail writes them, for the
s3watch sandbox's CloudTrail delivery (ctdeliver.py).

S3's configuration calls send an XML document; CloudTrail records it under
requestParameters, named after the document's root element, converted this
way (each rule is seen in a published record, listed below):

  - an element with children or attributes becomes an object: its
    attributes by their names as written ("xmlns", "xmlns:xsi",
    "xsi:type"), then its children;
  - a child that occurs once is a value, one that repeats is a list;
  - a leaf element is its text ("" when empty);
  - typed members are JSON numbers and booleans (the model's integers and
    booleans): "Days": 1, "BlockPublicAcls": false.

The query's sub-resource stays beside it ("versioning": "", as ctdeliver
already writes every query key), and ACL headers become lists
("x-amz-acl": ["public-read"]). PutBucketPolicy carries the policy itself as
JSON ("bucketPolicy").

Which published record each shape follows (mirrors under /work/.mirror/,
and s3watch's corpus tests/detect/):
  PutBucketAcl          AccessControlPolicy: AWS docs, Amazon S3 User Guide,
                        "CloudTrail log file entries for Amazon S3"
                        (awsdocs/amazon-s3-userguide @cc53dd6a,
                        doc_source/cloudtrail-logging-understanding-s3-entries.md):
                        the attribute and xmlns keys, one Grant as an object;
                        x-amz-acl as a list: panther-analysis @daa10c88
                        rules/aws_cloudtrail_rules/aws_s3_bucket_policy_modified.yml
  PutBucketLogging      BucketLoggingStatus {"xmlns": ...} when turned off:
                        panther-analysis aws_s3_disable_bucket_logging.yml
                        ("Bucket Logging Disabled Successfully")
  PutBucketLifecycle    LifecycleConfiguration, one Rule as an object, Days a
                        number, xmlns: panther-analysis
                        aws_cloudtrail_short_lifecycle.yml; the event name:
                        Stratus Red Team aws.defense-evasion.cloudtrail-lifecycle-rule
                        (requestParameters.LifecycleConfiguration.Rule.Expiration.Days)
  PutBucketVersioning   VersioningConfiguration {"Status", "MfaDelete"}:
                        panther-analysis aws_s3_suspend_versioning.yml and
                        aws_s3_security_control_disabling.yml (which leave out
                        the xmlns that the AWS CLI's body carries)
  PutBucketPublicAccessBlock, PutBucketEncryption, PutBucketReplication:
                        no published real record was found in the corpora; the
                        shapes apply the rules above, as tests/detect/written.jsonl
                        does (booleans false/true, BucketKeyEnabled, Priority)
  PutBucketPolicy       bucketPolicy as JSON: AWS docs (same page) and
                        stratus-red-team aws.exfiltration.s3-backdoor-bucket-policy

tests/sandbox/test_ctbodies.py checks each against its example.
Python 3 standard library only.
"""

import json
import xml.parsers.expat

# API operation (proxy.py's name) -> the root element of its body. The key
# in requestParameters is the root element's name.
BODY_ROOTS = {
    "PutBucketVersioning": "VersioningConfiguration",
    "PutPublicAccessBlock": "PublicAccessBlockConfiguration",
    "PutBucketLifecycleConfiguration": "LifecycleConfiguration",
    "PutBucketLifecycle": "LifecycleConfiguration",
    "PutBucketLogging": "BucketLoggingStatus",
    "PutBucketEncryption": "ServerSideEncryptionConfiguration",
    "PutBucketAcl": "AccessControlPolicy",
    "PutObjectAcl": "AccessControlPolicy",
    "PutBucketReplication": "ReplicationConfiguration",
    "PutBucketTagging": "Tagging",
    "PutObjectTagging": "Tagging",
    "PutBucketCors": "CORSConfiguration",
    "PutObjectLockConfiguration": "ObjectLockConfiguration",
    "PutBucketOwnershipControls": "OwnershipControls",
    "CreateBucket": "CreateBucketConfiguration",
}

# Members the S3 model types as integers or booleans (in these documents).
INTEGER_MEMBERS = {
    "Days", "Years", "NoncurrentDays", "NewerNoncurrentVersions", "DaysAfterInitiation",
    "ObjectSizeGreaterThan", "ObjectSizeLessThan", "Priority", "Minutes", "MaxAgeSeconds",
}
BOOLEAN_MEMBERS = {
    "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets",
    "BucketKeyEnabled", "ExpiredObjectDeleteMarker",
}

# Headers CloudTrail records with the ACL calls, each as a one-item list.
ACL_HEADERS = ("x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp",
               "x-amz-grant-write-acp", "x-amz-grant-full-control")


class Node:
    __slots__ = ("name", "attrs", "children", "text")

    def __init__(self, name, attrs):
        self.name, self.attrs, self.children, self.text = name, attrs, [], []


def parse_xml(body):
    """The document as a Node tree, names and attributes as written (no
    namespace processing). Raises ValueError if it is not well formed."""
    root, stack = [], []
    parser = xml.parsers.expat.ParserCreate()
    parser.ordered_attributes = True

    def start(name, attrs):
        node = Node(name, list(zip(attrs[::2], attrs[1::2])))
        (stack[-1].children if stack else root).append(node)
        stack.append(node)

    def end(name):
        stack.pop()

    def chars(data):
        if stack:
            stack[-1].text.append(data)

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ValueError("not well-formed XML: %s" % exc) from None
    return root[0]


def typed(name, text):
    if name in INTEGER_MEMBERS and text.strip().lstrip("-").isdigit():
        return int(text)
    if name in BOOLEAN_MEMBERS and text.strip().lower() in ("true", "false"):
        return text.strip().lower() == "true"
    return text


def to_json(node):
    """One element as CloudTrail writes it."""
    if not node.children and not node.attrs:
        text = "".join(node.text)
        return typed(node.name, text if text.strip() else "")
    out = dict(node.attrs)
    names = [child.name for child in node.children]
    for child in node.children:
        if names.count(child.name) > 1:
            out.setdefault(child.name, []).append(to_json(child))
        else:
            out[child.name] = to_json(child)
    return out


def request_parameters(op, body, header):
    """What the request's body and headers add to requestParameters, for the
    operation `op` (header: f(name) -> value or None)."""
    out = {}
    if op == "PutBucketPolicy" and body:
        try:
            out["bucketPolicy"] = json.loads(body)
        except ValueError:
            pass
    root = BODY_ROOTS.get(op)
    if root and body:
        try:
            node = parse_xml(body)
        except ValueError:
            node = None
        if node is not None and node.name.rsplit(":", 1)[-1] == root:
            out[root] = to_json(node)
    if op in ("PutBucketAcl", "PutObjectAcl"):
        for name in ACL_HEADERS:
            value = header(name)
            if value is not None:
                out[name] = [value]
    return out
