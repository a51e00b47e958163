#!/usr/bin/env python3
"""A hostile AWS endpoint for the bad input catalog (tests/bad-input).

fakeaws.py --env-file FILE

Listens on 127.0.0.1, one port per mode, and writes FILE with one line
"export FAKE_<MODE>=http://127.0.0.1:PORT" per mode (modes upper-cased,
'-' as '_').  STS GetCallerIdentity is answered correctly (so commands get
past "who am I") unless the mode is about STS; every other call gets the
mode's answer:

  sts-badxml     GetCallerIdentity: 200, XML that is not closed
  sts-xmlbomb    GetCallerIdentity: 200, a billion-laughs DOCTYPE
  sts-html       GetCallerIdentity: 200, an HTML captive portal page
  sts-huge       GetCallerIdentity: 200, 64 MiB of XML text
  sts-escerr     GetCallerIdentity: 403, Code and Message with escapes
                 (&#27; entities, raw ESC, BEL, C1 CSI and OSC 52 bytes)
  sts-empty      GetCallerIdentity: 200, empty body
  logs-badjson   logs (JSON protocol): 200, {"events": [ not closed
  logs-huge      logs: 200, one JSON string of 64 MiB
  logs-escerr    logs: 400, __type and message with escapes
  logs-wrongtype logs: 200, {"events": "not a list", "nextToken": 7}
  logs-deep      logs: 200, 100000 nested arrays
  lacks          every call: 200, a well-formed answer without its fields
                 (query: an empty <OpResult>; JSON: {}; S3: an empty element)

Python 3 standard library only.
"""

import argparse
import http.server
import os
import re
import socketserver
import sys
import threading

ACCOUNT = "123456789012"
STS_OK = ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
          "<GetCallerIdentityResult><Arn>arn:aws:iam::%s:user/fake</Arn>"
          "<UserId>AIDAFAKE</UserId><Account>%s</Account></GetCallerIdentityResult>"
          "<ResponseMetadata><RequestId>fake-1</RequestId></ResponseMetadata>"
          "</GetCallerIdentityResponse>" % (ACCOUNT, ACCOUNT)).encode()

# Escapes an attacker would like on an operator's terminal: clear screen,
# OSC 52 (set the clipboard), BEL, and the 8-bit C1 CSI.
ESC_TEXT = "\x1b[2J\x1b]52;c;cm0gLXJmIH4K\x07\u009b31mPWNED"
ESC_XML = ("&#27;[2J&#x1b;]52;c;cm0gLXJmIH4K&#7;&#x9b;31mPWNED".encode()
           + b" raw:\x1b[2J\x07\xc2\x9b31m")

BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
        + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                   for i in range(1, 10))
        + b"]>\n<GetCallerIdentityResponse><GetCallerIdentityResult>"
        b"<Arn>&lol9;</Arn><Account>&lol9;</Account></GetCallerIdentityResult>"
        b"</GetCallerIdentityResponse>\n")

HUGE = 64 * 1024 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = None

    def log_message(self, fmt, *args):
        pass

    def send(self, status, ctype, body, length=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("x-amzn-RequestId", "fake-request-1")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if isinstance(body, bytes):
            self.wfile.write(body)

    def stream(self, status, ctype, head, filler, tail):
        """A body of about HUGE bytes, written in pieces."""
        total = len(head) + HUGE + len(tail)
        self.send(status, ctype, None, length=total)
        try:
            self.wfile.write(head)
            chunk = filler * (1024 * 1024 // len(filler))
            for _ in range(HUGE // len(chunk)):
                self.wfile.write(chunk)
            self.wfile.write(tail)
        except OSError:
            pass   # the client gave up: good

    def do_GET(self):
        self.do_POST()

    def do_PUT(self):
        self.do_POST()

    def do_DELETE(self):
        self.do_POST()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        target = self.headers.get("X-Amz-Target", "")
        is_sts = not target and b"Action=GetCallerIdentity" in body
        m = self.mode
        if is_sts and not m.startswith("sts-"):
            return self.send(200, "text/xml", STS_OK)
        if m == "sts-badxml":
            return self.send(200, "text/xml",
                             b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws")
        if m == "sts-xmlbomb":
            return self.send(200, "text/xml", BOMB)
        if m == "sts-html":
            return self.send(200, "text/html",
                             b"<html><body><h1>Welcome to Airport WiFi</h1><form>"
                             b"<input name=accept></form></body></html>")
        if m == "sts-huge":
            return self.stream(200, "text/xml",
                               b"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>",
                               b"A", b"</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>")
        if m == "sts-escerr":
            return self.send(403, "text/xml",
                             b"<ErrorResponse><Error><Type>Sender</Type><Code>Denied" + ESC_XML
                             + b"</Code><Message>Nope " + ESC_XML + b"</Message></Error>"
                             b"<RequestId>fake-1</RequestId></ErrorResponse>")
        if m == "sts-empty":
            return self.send(200, "text/xml", b"")
        ctype = "application/x-amz-json-1.1"
        if m == "logs-badjson":
            return self.send(200, ctype, b'{"events": [{"message": "x", ')
        if m == "logs-huge":
            return self.stream(200, ctype, b'{"events": [{"message": "', b"A", b'"}]}')
        if m == "logs-escerr":
            import json
            return self.send(400, ctype, json.dumps(
                {"__type": "Evil" + ESC_TEXT, "message": "Nope " + ESC_TEXT}).encode()
                + b"")
        if m == "logs-wrongtype":
            return self.send(200, ctype, b'{"events": "not a list", "nextToken": 7, '
                             b'"searchedLogStreams": {"a": 1}}')
        if m == "logs-deep":
            return self.send(200, ctype, b'{"events": ' + b"[" * 100000 + b"]" * 100000 + b"}")
        if m == "lacks":
            action = re.search(rb"(?:^|&)Action=(\w+)", body)
            if action:
                op = action.group(1)
                return self.send(200, "text/xml", b"<%sResponse><%sResult/></%sResponse>"
                                 % (op, op, op))
            if target or self.path.startswith("/2015-03-31/"):
                return self.send(200, "application/json", b"{}")
            return self.send(200, "application/xml", b"<Empty/>")
        return self.send(500, "text/plain", b"fakeaws: unknown mode")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


MODES = ("sts-badxml", "sts-xmlbomb", "sts-html", "sts-huge", "sts-escerr", "sts-empty",
         "logs-badjson", "logs-huge", "logs-escerr", "logs-wrongtype", "logs-deep", "lacks")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--env-file", required=True)
    args = ap.parse_args()
    lines = []
    for mode in MODES:
        handler = type("H_" + mode.replace("-", "_"), (Handler,), {"mode": mode})
        srv = Server(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        lines.append("export FAKE_%s=http://127.0.0.1:%d\n"
                     % (mode.upper().replace("-", "_"), srv.server_address[1]))
    tmp = args.env_file + ".tmp"
    with open(tmp, "w") as f:
        f.writelines(lines)
    os.rename(tmp, args.env_file)
    # Until our parent (the runner) goes away.
    ppid = os.getppid()
    while os.getppid() == ppid:
        threading.Event().wait(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
