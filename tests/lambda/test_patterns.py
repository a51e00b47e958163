#!/usr/bin/env python3
"""The analyser's EventBridge pattern matcher (conf/lambda/analyser.py) against
the C engine's cases: every match case of tests/unit/pattern-test.c (their
expected results come from AWS recordings and event-ruler) must give the
same answer in Python, CloudTrail wrapping included.

    python3 tests/lambda/test_patterns.py [-v]

Python 3 standard library only.
"""

import importlib.util
import json
import os
import re
import sys
import unittest

sys.dont_write_bytecode = True   # the source tree may be read-only

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
C_TESTS = os.path.join(TOP, "tests", "unit", "pattern-test.c")


def load_analyser():
    spec = importlib.util.spec_from_file_location(
        "analyser", os.path.join(TOP, "conf", "lambda", "analyser.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


A = load_analyser()

_ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def c_string(body):
    """The bytes of a C string literal's body."""
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = body[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
            out.append(int(m.group(0), 16) & 0xff)
            i += 2 + len(m.group(0))
        else:
            out += _ESC[n].encode()
            i += 2
    return bytes(out)


def tokens(text):
    """C tokens of interest: strings (adjacent ones joined), integers and
    braces; comments dropped."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out, last_end = [], 0
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|(-?\d+)|([{}])', text):
        if m.group(1) is not None:
            s = c_string(m.group(1))
            if out and out[-1][0] == "s" and not text[last_end:m.start()].strip():
                out[-1] = ("s", out[-1][1] + s)
            else:
                out.append(("s", s))
        elif m.group(2) is not None:
            out.append(("i", int(m.group(2))))
        else:
            out.append(("b", m.group(3)))
        last_end = m.end()
    return out


def entries(block):
    """The { s, s, i } (or { s, i }) entries of an array initializer."""
    out, cur, depth = [], [], 0
    for kind, val in tokens(block):
        if kind == "b" and val == "{":
            depth += 1
            cur = []
        elif kind == "b" and val == "}":
            if depth == 2:
                out.append(cur)
            depth -= 1
        elif depth == 2:
            cur.append(val)
    return out


def c_cases():
    with open(C_TESTS, encoding="utf-8") as f:
        src = f.read()
    match = []
    for m in re.finditer(r"static const struct match_case c\[\] = (\{.*?\n\t\});", src, re.S):
        match.extend(entries(m.group(1)))
    wrap = re.search(r"test_cloudtrail_wrap.*?\} c\[\] = (\{.*?\n\t\});", src, re.S)
    record = re.search(r"static const char \*const ct_record =(.*?);\n", src, re.S)
    rec = b"".join(c_string(x) for x in re.findall(r'"((?:[^"\\]|\\.)*)"', record.group(1)))
    return match, entries(wrap.group(1)), rec


class PatternCasesTest(unittest.TestCase):
    def test_match_cases_agree_with_the_c_engine(self):
        match, _, _ = c_cases()
        self.assertGreater(len(match), 150, "the C cases were not found")
        wrong = []
        for pattern, event, want in match:
            try:
                got = A.Pattern(pattern.decode("utf-8")).match(
                    A.Event(json.loads(event.decode("utf-8"))))
            except Exception as exc:  # noqa: BLE001 - report, don't stop
                got = "error: %s" % exc
            if got != bool(want):
                wrong.append("%s vs %s: got %s, want %d" % (pattern, event, got, want))
        self.assertEqual(wrong, [])

    def test_cloudtrail_wrapping_agrees(self):
        _, wrap, record = c_cases()
        self.assertGreater(len(wrap), 10)
        ev = A.Event(A.wrap_cloudtrail(json.loads(record.decode("utf-8"))))
        for pattern, want in wrap:
            self.assertEqual(A.Pattern(pattern.decode()).match(ev), bool(want), pattern)

    def test_other_event_types_wrap(self):
        ev = A.wrap_cloudtrail({"eventType": "AwsConsoleSignIn",
                                "eventSource": "signin.amazonaws.com"})
        self.assertEqual(ev["detail-type"], "AWS Console Sign In via CloudTrail")
        self.assertEqual(ev["source"], "aws.signin")

    def test_cidr_complement_is_the_engines(self):
        # rules_cidr_complement: 10.0.0.0/8 leaves eight IPv4 prefixes and ::/0.
        self.assertEqual(
            A.cidr_complement(["10.0.0.0/8"]),
            '[{"cidr":"0.0.0.0/5"},{"cidr":"8.0.0.0/7"},{"cidr":"11.0.0.0/8"},'
            '{"cidr":"12.0.0.0/6"},{"cidr":"16.0.0.0/4"},{"cidr":"32.0.0.0/3"},'
            '{"cidr":"64.0.0.0/2"},{"cidr":"128.0.0.0/1"},{"cidr":"::/0"}]')
        # a single address left over is an exact literal
        self.assertIn('"255.255.255.255"', A.cidr_complement(["0.0.0.0/1", "128.0.0.0/2",
                                                              "192.0.0.0/3", "224.0.0.0/4",
                                                              "240.0.0.0/5", "248.0.0.0/6",
                                                              "252.0.0.0/7", "254.0.0.0/8",
                                                              "255.0.0.0/9", "255.128.0.0/10",
                                                              "255.192.0.0/11", "255.224.0.0/12",
                                                              "255.240.0.0/13", "255.248.0.0/14",
                                                              "255.252.0.0/15", "255.254.0.0/16",
                                                              "255.255.0.0/17", "255.255.128.0/18",
                                                              "255.255.192.0/19", "255.255.224.0/20",
                                                              "255.255.240.0/21", "255.255.248.0/22",
                                                              "255.255.252.0/23", "255.255.254.0/24",
                                                              "255.255.255.0/25", "255.255.255.128/26",
                                                              "255.255.255.192/27", "255.255.255.224/28",
                                                              "255.255.255.240/29", "255.255.255.248/30",
                                                              "255.255.255.252/31", "255.255.255.254/32"]))


if __name__ == "__main__":
    unittest.main()
