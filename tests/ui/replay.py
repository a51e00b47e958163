#!/usr/bin/env python3
"""Replays recorded AWS answers, for the console's screen tests (no moto).

    replay.py --recording FILE [--host H] [--port P] [--port-file F]

FILE is what the sandbox proxy wrote while recording (POST
/_sandbox/record): one JSON object a line, {"key": "service.Action",
"status", "headers", "body" or "body64", ...}.  A request is classified as
the proxy does (tests/sandbox/proxy.py: service from the SigV4 scope,
action from the protocol) and gets the next answer recorded under its key;
once they are used up, the last one again (a follower's polls).  An S3
request's key also holds its bucket.  A request
with no recording gets HTTP 599 and a line "replay: MISS service.Action
METHOD TARGET" on stderr, which the screen tests look for.

With --port 0 the kernel picks the port; --port-file receives it.

Python 3 standard library only.
"""

import argparse
import base64
import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "sandbox"))
import proxy   # noqa: E402  (classify, as the recording saw it)


def replay_key(label, target):
    """The queue of a request: its service.Action, and for S3 its bucket
    too, so that calls on two buckets cannot take each other's answers."""
    if label.startswith("s3."):
        path = target.split("?", 1)[0].lstrip("/")
        return "%s %s" % (label, path.split("/", 1)[0])
    return label


class Answers:
    """The recorded answers of each key, in order."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.queues = {}
        self.used = {}
        with open(path, encoding="utf-8") as f:
            for no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    key = replay_key(entry["key"], entry["target"])
                    int(entry["status"])
                except (ValueError, KeyError, TypeError) as exc:
                    sys.exit("replay: %s:%d: not an answer: %s" % (path, no, exc))
                self.queues.setdefault(key, []).append(entry)

    def next(self, key):
        with self.lock:
            queue = self.queues.get(key)
            if not queue:
                return None
            n = self.used.get(key, 0)
            self.used[key] = n + 1
            return queue[min(n, len(queue) - 1)]


class ReplayServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, answers):
        super().__init__(address, ReplayHandler)
        self.answers = answers


class ReplayHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "s3watch-replay"
    # Headers and body go out in two writes: without this each answer
    # would wait for the client's delayed ACK (40 ms).
    disable_nagle_algorithm = True

    read_body = proxy.ProxyHandler.read_body
    send_all = proxy.ProxyHandler.send_all

    def do_ANY(self):
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_ANY

    def answer(self):
        body = self.read_body()
        info = proxy.classify(self.command, self.path, self.headers, body)
        entry = self.server.answers.next(replay_key(info.label, info.target))
        if entry is None:
            sys.stderr.write("replay: MISS %s %s %s\n" % (info.label, self.command, self.path))
            sys.stderr.flush()
            self.send_all(599, [("Content-Type", "text/plain")],
                          b"no recorded answer for " + info.label.encode())
            return
        if "body64" in entry:
            data = base64.b64decode(entry["body64"])
        else:
            data = entry.get("body", "").encode("utf-8")
        headers = [(k, v) for k, v in entry.get("headers", [])
                   if k.lower() != "content-length"]
        length = None
        if self.command == "HEAD":
            length = next((v for k, v in entry.get("headers", [])
                           if k.lower() == "content-length"), "0")
            data = b""
        self.send_all(int(entry["status"]), headers, data, declared_length=length)

    def log_message(self, fmt, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recording", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    args = parser.parse_args()
    server = ReplayServer((args.host, args.port), Answers(args.recording))
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % server.server_port)
        os.replace(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
