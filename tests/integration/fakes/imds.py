#!/usr/bin/env python3
"""Fake EC2 instance metadata service (IMDSv2 only) for s3watch tests.

PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds issues a
token; every GET must carry it as X-aws-ec2-metadata-token, else 401 (as
IMDS does when v1 is disabled).  Serves the role name and its credentials
under /latest/meta-data/iam/security-credentials/.
"""

import secrets
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import fakecommon  # noqa: E402

PREFIX = "/latest/meta-data/iam/security-credentials/"


class Handler(fakecommon.Handler):
    def route(self):
        a = self.server.args
        tokens = self.server.tokens
        if self.path == "/latest/api/token":
            if self.command != "PUT":
                return 405, {}, b""
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if not ttl or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return 400, {}, b""
            token = "imds-" + secrets.token_hex(16)
            tokens.add(token)
            return 200, {"X-aws-ec2-metadata-token-ttl-seconds": ttl}, token.encode()
        if self.command != "GET":
            return 405, {}, b""
        if self.headers.get("X-aws-ec2-metadata-token") not in tokens:
            return 401, {}, b""
        if self.path == PREFIX:
            return 200, {"Content-Type": "text/plain"}, a.role.encode()
        if self.path == PREFIX + a.role:
            return fakecommon.json_reply(200, {
                "Code": a.code,
                "LastUpdated": fakecommon.iso(time.time()),
                "Type": "AWS-HMAC",
                "AccessKeyId": a.access_key,
                "SecretAccessKey": a.secret_key,
                "Token": a.session_token,
                "Expiration": fakecommon.iso(time.time() + a.lifetime),
            })
        return 404, {}, b""


def main():
    p = fakecommon.parser(__doc__)
    p.add_argument("--role", default="s3watch-instance-role")
    p.add_argument("--code", default="Success")
    p.add_argument("--access-key", default="ASIAFAKEIMDS0000001")
    p.add_argument("--secret-key", default="imds/secret/key")
    p.add_argument("--session-token", default="imds-session-token")
    p.add_argument("--lifetime", type=int, default=6 * 3600)
    fakecommon.serve(Handler, p.parse_args(), tokens=set())


if __name__ == "__main__":
    main()
