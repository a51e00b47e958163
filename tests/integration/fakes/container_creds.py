#!/usr/bin/env python3
"""Fake ECS/EKS container credentials endpoint for s3watch tests.

GET (any path) with "Authorization: <--token>" answers
{AccessKeyId, SecretAccessKey, Token, Expiration, AccountId}; a missing or
wrong Authorization header gets 401.
"""

import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import fakecommon  # noqa: E402


class Handler(fakecommon.Handler):
    def route(self):
        a = self.server.args
        if self.command != "GET":
            return fakecommon.json_reply(405, {"message": "GET only"})
        if a.token is not None and self.headers.get("Authorization") != a.token:
            return fakecommon.json_reply(401, {"message": "bad authorization"})
        return fakecommon.json_reply(200, {
            "AccessKeyId": a.access_key,
            "SecretAccessKey": a.secret_key,
            "Token": a.session_token,
            "Expiration": fakecommon.iso(time.time() + a.lifetime),
            "AccountId": a.account_id,
        })


def main():
    p = fakecommon.parser(__doc__)
    p.add_argument("--token", help="required Authorization header value")
    p.add_argument("--access-key", default="ASIAFAKECONTAINER01")
    p.add_argument("--secret-key", default="container/secret/key")
    p.add_argument("--session-token", default="container-session-token")
    p.add_argument("--account-id", default="123456789012")
    p.add_argument("--lifetime", type=int, default=3600)
    fakecommon.serve(Handler, p.parse_args())


if __name__ == "__main__":
    main()
