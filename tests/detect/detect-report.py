#!/usr/bin/env python3
"""`make detect-report`: the rule pack over the labelled corpus, measured.

  detect-report.py [--corpus DIR] [--rules DIR] [--results FILE] [--show-hits]

Runs `s3watch replay` once per case of tests/detect/*.jsonl (a case is one
record, or the records sharing label.case: a burst or a session, replayed
together in time order so the stateful rules see it), maps each hit back to
its record by eventID, and prints:

  - per rule: the attack and benign cases it hit, and the severities;
  - per attack technique: caught (a hit at medium or above) or missed, and
    whether the best hit reaches the label's min_severity;
  - the benign look-alikes that got a high or critical alert;
  - the totals: recall (attack cases flagged at medium or above / attack
    cases), benign cases with a high or critical alert (goal: at most 1),
    precision at medium and at high, and whether every cross-account
    backdoor policy is flagged high or critical.

The figures also go to FILE (--results, else $DETECT_RESULTS, else
./detect-results.txt) as KEY=VALUE lines.  A measurement: the exit status
is 0 whatever the figures, 1 only when it cannot run (no binary, a
malformed corpus, a pack that does not load).

Each case is judged in its environment (corpus.ENVIRONMENT and the label's
settings), passed as `--set KEY=VALUE` when replay has --set.  The caller-IP
rule judges a network the public records do not describe: a case without
allowed_cidrs allows its own callers' addresses (--allowed-cidr), so that
rule speaks only where the environment defines the network (the sandbox's
10.0.0.0/8).

S3WATCH names the binary (default ./s3watch).  Python 3 standard library.
"""

import argparse
import collections
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True    # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402

RANK = {name: i for i, name in enumerate(corpus.SEVERITIES)}
MEDIUM, HIGH = RANK["medium"], RANK["high"]


def rank(severity):
    return RANK.get(severity, -1)


def sev_name(r):
    return corpus.SEVERITIES[r] if r >= 0 else "-"


def pct(n, d):
    return "%.1f" % (100.0 * n / d) if d else "n/a"


class Replay:
    """Runs s3watch replay, adapting to the options this build has."""

    def __init__(self, binary, rules):
        self.binary = binary
        self.rules = rules
        self.notes = []
        # Hermetic: no user configuration reaches replay.
        self.confdir = tempfile.mkdtemp(prefix="detect-report.")
        self.env = dict(os.environ, XDG_CONFIG_HOME=self.confdir)
        self.env.pop("S3WATCH_CONFIG", None)
        try:
            usage = subprocess.run([binary, "replay", "--help"], capture_output=True,
                                   text=True, timeout=30, env=self.env)
        except OSError as exc:
            self.close()
            sys.exit("detect-report: cannot run %s: %s" % (binary, exc))
        text = usage.stdout + usage.stderr
        self.has_cidr = "--allowed-cidr" in text
        self.pack_errors = []
        self.rules_loaded = None
        self.malformed = 0
        # The settings this replay takes: each probed once on an empty input.
        self.accepted = set()
        if "--set" not in text:
            self.notes.append("replay has no --set: the checks run with their default "
                              "settings (the cases' environments are not passed)")
            return
        probe = dict(corpus.ENVIRONMENT, trusted_accounts="111122223333")
        refused = []
        for key, value in sorted(probe.items()):
            if self.replay([], ["--set", "%s=%s" % (key, value)]).returncode == 0:
                self.accepted.add(key)
            else:
                refused.append(key)
        if refused:
            self.notes.append("replay refuses the setting%s %s: the checks run with "
                              "their default" % ("s" if len(refused) > 1 else "",
                                                 ", ".join(refused)))

    def replay(self, records, options):
        """One `s3watch replay` over RECORDS (a CloudTrail file) with OPTIONS."""
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"Records": records}, f)
            path = f.name
        try:
            args = [self.binary, "replay", "--stats"]
            if self.rules:
                args += ["--rules", self.rules]
            return subprocess.run(args + options + [path], capture_output=True, text=True,
                                  timeout=120, env=self.env)
        finally:
            os.unlink(path)

    def run(self, records, settings, cidrs):
        """[hit] of one case; raises RuntimeError when replay fails."""
        options = []
        for key, value in sorted(settings.items()):
            if key in self.accepted:
                options += ["--set", "%s=%s" % (key, value)]
        if self.has_cidr:
            for cidr in cidrs:
                options += ["--allowed-cidr", cidr]
        proc = self.replay(records, options)
        if proc.returncode != 0:
            raise RuntimeError("s3watch replay exited %d: %s" % (proc.returncode,
                                                                 first_line(proc.stderr)))
        self.read_stats(proc.stderr)
        return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]

    def close(self):
        os.rmdir(self.confdir)

    def read_stats(self, stderr):
        for line in stderr.splitlines():
            m = re.match(r"s3watch replay: \d+ events, (\d+) malformed, .*; (\d+) rules,", line)
            if m:
                self.malformed += int(m.group(1))
                self.rules_loaded = int(m.group(2))
            elif line.startswith("s3watch replay: ") and "record" not in line:
                msg = line[len("s3watch replay: "):]
                if msg and msg not in self.pack_errors and not msg[0].isdigit():
                    self.pack_errors.append(msg)


def first_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[0] if lines else "(no message)"


def own_cidrs(records):
    """The case's callers' addresses, as /32 and /128 networks."""
    out = []
    for rec in records:
        text = rec.get("sourceIPAddress", "")
        if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", text):
            # Stratus's anonymised addresses keep leading zeros ("08.1.250.216").
            text = ".".join(str(int(octet)) for octet in text.split("."))
        try:
            addr = ipaddress.ip_address(text)
        except ValueError:
            continue
        net = "%s/%d" % (addr, addr.max_prefixlen)
        if net not in out:
            out.append(net)
    return out


class Case:
    def __init__(self, key):
        self.key = key
        self.entries = []
        self.hits = []          # (entry index or None, hit)

    @property
    def label(self):
        return self.entries[0]["label"]

    def best(self):
        return max((rank(h["severity"]) for _, h in self.hits), default=-1)

    def rules(self, at_least=-1):
        return sorted({h["rule"] for _, h in self.hits if rank(h["severity"]) >= at_least})


def build_cases(entries):
    cases = collections.OrderedDict()
    for _, _, e in entries:
        key = corpus.case_of(e)
        cases.setdefault(key, Case(key)).entries.append(e)
    return list(cases.values())


def measure(cases, replay):
    for case in cases:
        records = [e["record"] for e in sorted(case.entries,
                                               key=lambda e: e["record"]["eventTime"])]
        settings = dict(corpus.ENVIRONMENT)
        settings.update(case.label.get("settings", {}))
        cidrs = settings.pop("allowed_cidrs", None)
        cidrs = cidrs.split(",") if cidrs else own_cidrs(records)
        by_id = {e["record"]["eventID"]: i for i, e in enumerate(case.entries)}
        for hit in replay.run(records, settings, cidrs):
            case.hits.append((by_id.get(hit.get("eventID")), hit))


def report(cases, replay, out):
    attacks = [c for c in cases if c.label["class"] == "attack"]
    benign = [c for c in cases if c.label["class"] == "benign"]
    records = sum(len(c.entries) for c in cases)
    w = out.write

    # Per rule.
    rules = collections.OrderedDict()
    for c in cases:
        for _, h in c.hits:
            r = rules.setdefault(h["rule"], {"attack": set(), "benign": set(),
                                             "sev": collections.Counter(), "hits": 0})
            r[c.label["class"]].add(c.key)
            r["sev"][h["severity"]] += 1
            r["hits"] += 1
    w("Rules (cases hit: TP = attack cases, FP = benign cases; hits = matching records)\n")
    w("  %-34s %5s %5s %6s  %s\n" % ("rule", "TP", "FP", "hits", "severity"))
    for name in sorted(rules, key=lambda n: (-len(rules[n]["attack"]), len(rules[n]["benign"]),
                                             n)):
        r = rules[name]
        sev = ", ".join("%s" % s for s in sorted(r["sev"], key=rank, reverse=True))
        w("  %-34s %5d %5d %6d  %s\n" % (name, len(r["attack"]), len(r["benign"]), r["hits"], sev))
    if not rules:
        w("  (no rule hit any record)\n")

    # Per attack technique.
    w("\nAttack techniques (caught = a hit at medium or above; expected = the label's "
      "min_severity)\n")
    w("  %-38s %5s %6s %8s %8s  %s\n" % ("technique", "cases", "caught", "expected", "best",
                                         "rules at medium+"))
    by_tech = collections.OrderedDict()
    for c in attacks:
        by_tech.setdefault(c.label["technique"], []).append(c)
    missed = []
    for tech in sorted(by_tech):
        cs = by_tech[tech]
        caught = sum(1 for c in cs if c.best() >= MEDIUM)
        meets = sum(1 for c in cs if c.best() >= rank(c.label["min_severity"]))
        best = max(c.best() for c in cs)
        names = sorted({r for c in cs for r in c.rules(MEDIUM)})
        mark = "" if caught == len(cs) else ("  MISSED" if caught == 0 else "  PARTLY")
        if caught < len(cs):
            missed.append(tech)
        w("  %-38s %5d %3d/%-2d %5d/%-2d %8s  %s%s\n" % (
            tech, len(cs), caught, len(cs), meets, len(cs), sev_name(best),
            ", ".join(names) or "-", mark))

    # Benign look-alikes with high or critical alerts.
    w("\nBenign look-alikes with a high or critical alert\n")
    noisy = [c for c in benign if c.best() >= HIGH]
    for c in noisy:
        first = c.entries[0]["record"]
        w("  %-38s %-22s %s: %s\n" % (
            c.label["technique"], first.get("eventName", "?"), sev_name(c.best()),
            ", ".join(c.rules(HIGH))))
        w("  %38s %s\n" % ("", source_of(c.entries[0])))
    if not noisy:
        w("  (none)\n")

    # Totals.
    caught = sum(1 for c in attacks if c.best() >= MEDIUM)
    meets = sum(1 for c in attacks if c.best() >= rank(c.label["min_severity"]))
    flagged_attacks_m = caught
    flagged_benign_m = sum(1 for c in benign if c.best() >= MEDIUM)
    flagged_attacks_h = sum(1 for c in attacks if c.best() >= HIGH)
    benign_high = len(noisy)
    benign_high_records = sum(1 for c in benign for i in {i for i, h in c.hits
                                                          if rank(h["severity"]) >= HIGH})
    backdoor = [c for c in attacks if c.label["technique"] == "s3-policy-foreign-account"]
    backdoor_high = sum(1 for c in backdoor if c.best() >= HIGH)
    figures = collections.OrderedDict([
        ("detect_records", records),
        ("detect_cases", len(cases)),
        ("detect_attacks", len(attacks)),
        ("detect_benign", len(benign)),
        ("detect_techniques", len(by_tech)),
        ("detect_rules_hit", len(rules)),
        ("detect_attacks_caught_medium", caught),
        ("detect_recall_medium_pct", pct(caught, len(attacks))),
        ("detect_attacks_at_expected", meets),
        ("detect_recall_expected_pct", pct(meets, len(attacks))),
        ("detect_benign_flagged_medium", flagged_benign_m),
        ("detect_benign_high", benign_high),
        ("detect_benign_high_records", benign_high_records),
        ("detect_precision_medium_pct", pct(flagged_attacks_m,
                                            flagged_attacks_m + flagged_benign_m)),
        ("detect_precision_high_pct", pct(flagged_attacks_h, flagged_attacks_h + benign_high)),
        ("detect_backdoor_cases", len(backdoor)),
        ("detect_backdoor_high", backdoor_high),
        ("detect_backdoor_flagged_high", "yes" if backdoor and backdoor_high == len(backdoor)
         else "no"),
        ("detect_techniques_caught", len(by_tech) - len(missed)),
        ("detect_missed_techniques", ",".join(missed) or "none"),
    ])
    w("\nTotals (%d records in %d cases: %d attack, %d benign)\n" % (
        records, len(cases), len(attacks), len(benign)))
    w("  recall: attacks flagged at medium or above   %d/%d = %s%%   (goal >= 90%%)\n" % (
        caught, len(attacks), figures["detect_recall_medium_pct"]))
    w("  attacks flagged at their expected severity   %d/%d = %s%%\n" % (
        meets, len(attacks), figures["detect_recall_expected_pct"]))
    w("  techniques caught in every case              %d/%d\n" % (
        len(by_tech) - len(missed), len(by_tech)))
    w("  benign cases with a high/critical alert      %d (%d records)   (goal <= 1)\n" % (
        benign_high, benign_high_records))
    w("  benign cases flagged at medium or above      %d/%d\n" % (flagged_benign_m, len(benign)))
    w("  precision at medium+ / at high+              %s%% / %s%%\n" % (
        figures["detect_precision_medium_pct"], figures["detect_precision_high_pct"]))
    w("  cross-account backdoor policy high/critical  %s (%d/%d cases)   (goal yes)\n" % (
        figures["detect_backdoor_flagged_high"], backdoor_high, len(backdoor)))
    if missed:
        w("  techniques not always caught                 %s\n" % ", ".join(missed))
    if replay.malformed:
        w("  note: replay found %d record%s malformed: not evaluated\n" % (
            replay.malformed, "" if replay.malformed == 1 else "s"))
    for note in replay.notes:
        w("  note: %s\n" % note)
    figures["detect_rules_loaded"] = replay.rules_loaded
    figures["detect_malformed"] = replay.malformed
    return figures


def source_of(entry):
    p = entry["label"]["provenance"]
    if p["derivation"] == "written":
        return "written on the envelope of %s (%s)" % (p["repository"], p["item"])
    return "%s %s (%s)" % (p["repository"], p["path"], p["item"])


def show_hits(cases, out):
    out.write("\nEvery case (class technique: best severity, rules)\n")
    for c in cases:
        out.write("  %-6s %-38s %-8s %s  [%s]\n" % (
            c.label["class"], c.label["technique"], sev_name(c.best()),
            ", ".join("%s:%s" % (r, s) for r, s in sorted({(h["rule"], h["severity"])
                                                         for _, h in c.hits})) or "-",
            source_of(c.entries[0])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=corpus.HERE)
    parser.add_argument("--rules", help="the rule pack (default: replay's)")
    parser.add_argument("--results", default=os.environ.get("DETECT_RESULTS",
                                                            "detect-results.txt"))
    parser.add_argument("--show-hits", action="store_true", help="every case and its hits")
    args = parser.parse_args()
    binary = os.environ.get("S3WATCH", "./s3watch")
    if not os.access(binary, os.X_OK):
        sys.exit("detect-report: no s3watch binary at %s (set S3WATCH)" % binary)
    problems = corpus.check(args.corpus)
    if problems:
        for p in problems[:20]:
            sys.stderr.write("detect-report: %s\n" % p)
        sys.exit("detect-report: the corpus is malformed (%d problems): "
                 "tests/detect/corpus.py check" % len(problems))
    cases = build_cases(corpus.load(args.corpus))
    replay = Replay(binary, args.rules)
    try:
        measure(cases, replay)
    except (RuntimeError, ValueError, subprocess.TimeoutExpired) as exc:
        sys.exit("detect-report: %s" % exc)
    finally:
        replay.close()
    out = sys.stdout
    out.write("detect-report: %s over %s\n" % (binary, args.corpus))
    for err in replay.pack_errors:
        out.write("  pack: %s\n" % err)
    out.write("\n")
    figures = report(cases, replay, out)
    if args.show_hits:
        show_hits(cases, out)
    with open(args.results, "w") as f:
        for key, value in figures.items():
            f.write("%s=%s\n" % (key, value))
    out.write("\nfigures: %s\n" % args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
