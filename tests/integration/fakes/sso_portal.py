#!/usr/bin/env python3
"""Fake IAM Identity Center (SSO) portal for s3watch tests.

GET /federation/credentials?role_name=R&account_id=A with header
x-amz-sso_bearer_token: <--token> answers {"roleCredentials": {...}} as
the real portal does; a wrong token gets 401 UnauthorizedException, an
unknown account or role 403 ForbiddenException.
"""

import sys
import time
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import fakecommon  # noqa: E402


def error(status, kind, message):
    return fakecommon.json_reply(status, {"message": message},
                                 {"x-amzn-ErrorType": kind})


class Handler(fakecommon.Handler):
    def route(self):
        a = self.server.args
        url = urllib.parse.urlsplit(self.path)
        if self.command != "GET" or url.path != "/federation/credentials":
            return error(404, "NotFoundException", "no such operation")
        if self.headers.get("x-amz-sso_bearer_token") != a.token:
            return error(401, "UnauthorizedException",
                         "Session token not found or invalid")
        query = urllib.parse.parse_qs(url.query)
        if (query.get("account_id") != [a.account_id] or
                query.get("role_name") != [a.role_name]):
            return error(403, "ForbiddenException", "No access")
        return fakecommon.json_reply(200, {"roleCredentials": {
            "accessKeyId": a.access_key,
            "secretAccessKey": a.secret_key,
            "sessionToken": a.session_token,
            "expiration": int((time.time() + a.lifetime) * 1000),
        }})


def main():
    p = fakecommon.parser(__doc__)
    p.add_argument("--token", required=True, help="the bearer token to accept")
    p.add_argument("--account-id", default="123456789012")
    p.add_argument("--role-name", default="ReadOnly")
    p.add_argument("--access-key", default="ASIAFAKESSO00000001")
    p.add_argument("--secret-key", default="sso/secret/key")
    p.add_argument("--session-token", default="sso-session-token")
    p.add_argument("--lifetime", type=int, default=3600)
    fakecommon.serve(Handler, p.parse_args())


if __name__ == "__main__":
    main()
