"""moto's server for `sandbox start --strict`: request signatures and IAM
policies are checked (INITIAL_NO_AUTH_ACTION_COUNT in the environment), with
two corrections so that what is checked is what AWS checks.

1. The canonical URI.  moto 5.2.1 verifies a signature against the URL
   werkzeug rebuilds from the decoded path, re-quoted by werkzeug's rules:
   '$', '+', '%' and the like stay raw and UTF-8 is unquoted, so a correct
   PutObject of "test$file.text" fails, from boto3 too (checked 2026-12-03:
   boto3 1.x gets SignatureDoesNotMatch for keys with '$', '%', '+' or
   UTF-8).  AWS signs the decoded key with each segment encoded once
   (RFC 3986 unreserved bytes kept, the rest %XX).  Here moto's check is
   given the path as received (RAW_URI), re-encoded that way, with
   urllib's quote: botocore's own way of writing S3 keys.  For the other
   services AWS encodes the path as sent once more; moto started from the
   decoded path, so Lambda's GetFunction by ARN ("arn%3Aaws...") failed.
   They get the raw path too, which botocore's signer encodes again.
2. Unsigned STS calls.  AWS takes AssumeRoleWithWebIdentity and
   AssumeRoleWithSAML without a signature (the token is the proof); moto
   reads the missing Authorization header and answers 500.
3. Bodiless requests.  moto hashes its parsed parameters when the body is
   empty, so a GET whose path carries parameters (Lambda GetFunction, from
   boto3 too) fails with SignatureDoesNotMatch; AWS hashes the empty body.
4. The sandbox's own plumbing.  ctdeliver.py and proxy.py talk to moto with
   the internal key and an all-zero or missing signature, standing for AWS's
   internal services (CloudTrail delivery).  Those requests are neither
   checked nor counted; any other key, or a real signature, is checked.

Usage: motostrict.py [moto.server options]
"""

import re
from urllib.parse import quote, unquote_to_bytes, urlsplit

import moto.core.authorization as authorization
import moto.core.responses as responses
import moto.iam.access_control as access_control
import moto.server

import motoserver  # noqa: F401  moto's fake access logs off, as in plain mode

INTERNAL_KEYS = ("AKIAIOSFODNN7SANDBOX", "sandbox")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]*)/")


def aws_s3_path(raw_path):
    """The canonical URI AWS computes for an S3 path as sent."""
    return "/".join(quote(unquote_to_bytes(seg.encode("latin-1")), safe="")
                    for seg in raw_path.split("/"))


def internal(headers):
    """The sandbox's own plumbing (ctdeliver, the access-log writer): its key
    is in the repository, so checking its signature would prove nothing; no
    client of the tests holds it in strict mode."""
    auth = headers.get("Authorization", "") or ""
    cred = _CREDENTIAL.search(auth)
    return cred is not None and cred.group(1) in INTERNAL_KEYS


_setup_class = responses.BaseResponse.setup_class


def setup_class(self, request, full_url, headers, *args, **kwargs):
    _setup_class(self, request, full_url, headers, *args, **kwargs)
    environ = getattr(request, "environ", None) or {}
    self.sandbox_raw_uri = environ.get("RAW_URI")


_authenticate = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action


UNSIGNED_ACTIONS = ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")


def unsigned_sts(self):
    if "Authorization" in self.headers:
        return False
    action = (getattr(self, "querystring", None) or {}).get("Action") or [None]
    return action[0] in UNSIGNED_ACTIONS


def authenticate(self, iam_request_cls, resource="*"):
    if internal(self.headers) or unsigned_sts(self):
        return None
    raw = getattr(self, "sandbox_raw_uri", None)
    if raw is None:
        return _authenticate(self, iam_request_cls, resource)
    # RAW_URI is latin-1 text holding the bytes received.  Other services
    # sign the path as sent, encoded again: botocore's signer does that.
    split = urlsplit(raw)
    path = split.path or "/"
    if iam_request_cls.__name__ == "S3IAMRequest":
        path = aws_s3_path(path)
    saved = self.uri
    self.uri = "http://sandbox" + path + ("?" + split.query if split.query else "")
    try:
        return _authenticate(self, iam_request_cls, resource)
    finally:
        self.uri = saved


_create_aws_request = access_control.IAMRequestBase._create_aws_request


def create_aws_request(self):
    if self._body or self._method not in ("GET", "HEAD", "DELETE"):
        return _create_aws_request(self)
    saved, self._data = self._data, b""
    try:
        return _create_aws_request(self)
    finally:
        self._data = saved


access_control.IAMRequestBase._create_aws_request = create_aws_request
responses.BaseResponse.setup_class = setup_class
authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate

if __name__ == "__main__":
    moto.server.main()
