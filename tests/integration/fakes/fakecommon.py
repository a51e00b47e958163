"""Shared plumbing of the s3watch test fakes (Python 3 standard library).

Each fake listens on 127.0.0.1 only, on a port the kernel picks; it writes
the port to --port-file once it is listening, appends one JSON line per
request to --log, and exits by itself when the process that started it goes
away or after --max-seconds, so a failed test never leaves it behind.
"""

import argparse
import http.server
import json
import os
import sys
import threading
import time


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--port-file", required=True,
                   help="written with the port once listening")
    p.add_argument("--log", help="one JSON line per request")
    p.add_argument("--max-seconds", type=float, default=300)
    return p


class Handler(http.server.BaseHTTPRequestHandler):
    """Subclasses define route(self) -> (status, headers dict, body bytes)."""

    protocol_version = "HTTP/1.1"
    server_version = "s3watch-fake/1"

    def log_message(self, fmt, *args):      # quiet: the log file says enough
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        status, headers, body = self.route()
        log = self.server.args.log
        if log:
            with open(log, "a") as f:
                f.write(json.dumps({"method": self.command, "path": self.path,
                                    "headers": dict(self.headers.items()),
                                    "status": status}) + "\n")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = _handle


def json_reply(status, obj, extra=None):
    headers = {"Content-Type": "application/json"}
    headers.update(extra or {})
    return status, headers, json.dumps(obj).encode()


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def serve(handler_class, args, **state):
    """Serve until the parent exits; state becomes attributes of the server."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    server.args = args
    for name, value in state.items():
        setattr(server, name, value)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)

    parent = os.getppid()
    deadline = time.monotonic() + args.max_seconds

    def watchdog():
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.2)
        server.shutdown()

    threading.Thread(target=watchdog, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sys.exit(0)
