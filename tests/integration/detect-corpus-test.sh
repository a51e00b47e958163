#!/bin/bash
# The detection corpus (tests/detect/): it is well formed (every line parses,
# every label has its fields and known values, eventIDs are unique, every
# source has its provenance), the checker fails on each kind of damage, and
# detect-report.py counts right: over a two-rule pack and a small corpus it
# gives the figures worked out by hand (a burst replayed as one case), and
# over the shipped pack it runs and writes every figure.  The figures of
# the shipped pack are never asserted: they are a measurement.
set -u
. "$top_srcdir/tests/integration/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
detect=$top_srcdir/tests/detect
py=${S3WATCH_PYTHON:-python3}
export PYTHONDONTWRITEBYTECODE=1

# --- the corpus as committed ------------------------------------------------------
run "$py" "$detect/corpus.py" check
check_eq "corpus.py check passes" 0 "$status"
check_contains "it counts the records" "well formed" "$output"
for f in stratus panther awsdocs written sandbox; do
    check "$f.jsonl is there" test -s "$detect/$f.jsonl"
done

# damage NAME EXPECTED PYTHON: a copy of the corpus changed by PYTHON (with
# `lines`, the lines of panther.jsonl, and `prov`, PROVENANCE.md's text)
# must fail the check, naming EXPECTED.
damage() {
    local name=$1 expected=$2 code=$3
    rm -rf "$work/c"
    mkdir "$work/c"
    cp "$detect"/*.jsonl "$detect/PROVENANCE.md" "$work/c/"
    "$py" - "$work/c" "$code" <<'EOF' || { _not_ok "$name: damage" "python failed"; return; }
import json, os, sys
d, code = sys.argv[1], sys.argv[2]
path = os.path.join(d, "panther.jsonl")
lines = open(path).read().splitlines()
prov = open(os.path.join(d, "PROVENANCE.md")).read()
exec(code)
open(path, "w").write("\n".join(lines) + "\n")
open(os.path.join(d, "PROVENANCE.md"), "w").write(prov)
EOF
    run "$py" "$detect/corpus.py" check "$work/c"
    if [ "$status" -eq 1 ] && [[ $output == *"$expected"* ]]; then
        _ok "$name"
    else
        _not_ok "$name" "exit $status, expected 1 and \"$expected\": $output"
    fi
}

# e(i) / put(i, e): entry i of panther.jsonl as an object, and back.
setup='e = lambda i: json.loads(lines[i])
def put(i, x): lines[i] = json.dumps(x)
'
damage "a line that is not JSON fails" "panther.jsonl:3:" "lines[2] = lines[2][:-5]"
damage "an empty line fails" "panther.jsonl:2: empty line" "lines.insert(1, '')"
damage "a label without its technique fails" "label has no technique" \
    "$setup"'x = e(0); del x["label"]["technique"]; put(0, x)'
damage "an unknown technique fails" "unknown attack technique 'made-up'" \
    "$setup"'x = e(0); x["label"]["class"] = "attack"; x["label"]["technique"] = "made-up"; put(0, x)'
damage "a class other than attack or benign fails" "class is 'suspicious'" \
    "$setup"'x = e(0); x["label"]["class"] = "suspicious"; put(0, x)'
damage "a min_severity the technique does not have fails" "min_severity of" \
    "$setup"'x = [e(i) for i in range(len(lines)) if e(i)["label"]["class"] == "attack"][0]
i = lines.index(json.dumps(x, separators=(",", ":"), ensure_ascii=False))
x["label"]["min_severity"] = "low"; put(i, x)'
damage "a benign record must name the attack it resembles" "is a near miss of" \
    "$setup"'i = [i for i in range(len(lines)) if e(i)["label"]["class"] == "benign"][0]
x = e(i); del x["label"]["near_miss_of"]; put(i, x)'
damage "a repeated eventID fails" "also at panther.jsonl:1" \
    "$setup"'x = e(4); x["record"]["eventID"] = e(0)["record"]["eventID"]; put(4, x)'
damage "a record without an eventID fails" "record has no eventID" \
    "$setup"'x = e(1); del x["record"]["eventID"]; put(1, x)'
damage "eventTime not in CloudTrail's form fails" "is not CloudTrail's form" \
    "$setup"'x = e(1); x["record"]["eventTime"] = "2024-11-25 22:00:58"; put(1, x)'
damage "provenance without its commit fails" "provenance has no commit" \
    "$setup"'x = e(2); del x["label"]["provenance"]["commit"]; put(2, x)'
damage "a commit that is not one fails" "is not a 40-digit commit" \
    "$setup"'x = e(2); x["label"]["provenance"]["commit"] = "HEAD"; put(2, x)'
damage "a wrong licence fails" "licence of panther-labs/panther-analysis is Apache-2.0" \
    "$setup"'x = e(2); x["label"]["provenance"]["licence"] = "MIT"; put(2, x)'
damage "an unknown source fails" "unknown source 'someone/else'" \
    "$setup"'x = e(3); x["label"]["source"] = "someone/else"; put(3, x)'
damage "a source without a PROVENANCE.md section fails" \
    "source 'panther-labs/panther-analysis' has no section in PROVENANCE.md" \
    'prov = prov.replace("## panther-labs/panther-analysis", "## (removed)")'
damage "an unknown setting fails" "settings must be an object of" \
    "$setup"'x = e(0); x["label"]["settings"] = {"trail_bucket": "b", "colour": "red"}; put(0, x)'
damage "a case mixing attack and benign fails" "case mixed is attack" \
    "$setup"'a = [i for i in range(len(lines)) if e(i)["label"]["class"] == "attack"][0]
b = [i for i in range(len(lines)) if e(i)["label"]["class"] == "benign"][0]
for i in (a, b):
    x = e(i); x["label"]["case"] = "mixed"; put(i, x)'

# --- the report's arithmetic ------------------------------------------------------
# A corpus of 4 attack cases (2 DeleteTrail, DisableMacie, the sandbox's
# burst of 5 DeleteObjects) and 3 benign ones (StartLogging, 2 CreateTrail);
# a pack that flags DeleteTrail and StartLogging high, and 5 DeleteObjects by
# one principal within 10 minutes high.  By hand: 3 of 4 attacks caught
# (macie missed; the burst only when its 5 records are replayed together),
# 1 benign case high (StartLogging), precision 3/4.
mkdir "$work/mini" "$work/pack"
cp "$detect/PROVENANCE.md" "$work/mini/"
"$py" - "$detect" "$work/mini/mini.jsonl" <<'EOF'
import json, sys, glob
want = {"cloudtrail-deleted", "macie-disabled", "cloudtrail-started", "cloudtrail-created",
        "s3-batch-delete-burst"}
with open(sys.argv[2], "w") as out:
    for path in sorted(glob.glob(sys.argv[1] + "/*.jsonl")):
        for line in open(path):
            if json.loads(line)["label"]["technique"] in want:
                out.write(line)
EOF
cat > "$work/pack/rules.conf" <<'EOF'
rules = (
{
	id = "t-trail";
	title = "trail deleted or started";
	severity = "high";
	description = "test";
	pattern = "{\"detail\":{\"eventSource\":[\"cloudtrail.amazonaws.com\"],\"eventName\":[\"DeleteTrail\",\"StartLogging\"],\"errorCode\":[{\"exists\":false}]}}";
},
{
	id = "t-burst";
	title = "five batch deletes";
	severity = "high";
	description = "test";
	pattern = "{\"detail\":{\"eventSource\":[\"s3.amazonaws.com\"],\"eventName\":[\"DeleteObjects\"],\"errorCode\":[{\"exists\":false}]}}";
	count = {
		key = [ "principal" ];
		threshold = 5;
		window = "10m";
	};
}
);
EOF
run "$py" "$detect/corpus.py" check "$work/mini"
check_contains "the small corpus is well formed" "11 records (8 attack, 3 benign)" "$output"
run "$py" "$detect/detect-report.py" --corpus "$work/mini" --rules "$work/pack" \
    --results "$work/mini.txt"
check_eq "detect-report over the small corpus exits 0" 0 "$status"
check_contains "it prints the recall" "attacks flagged at medium or above   3/4 = 75.0%" "$output"
check_contains "macie is missed" "macie-disabled" "$output"
check_contains "the StartLogging look-alike is listed" "cloudtrail-started" "$output"
results=$(cat "$work/mini.txt" 2>/dev/null)
for kv in detect_records=11 detect_cases=7 detect_attacks=4 detect_benign=3 \
    detect_attacks_caught_medium=3 detect_recall_medium_pct=75.0 \
    detect_attacks_at_expected=3 detect_benign_high=1 detect_benign_flagged_medium=1 \
    detect_precision_medium_pct=75.0 detect_precision_high_pct=75.0 \
    detect_backdoor_cases=0 detect_backdoor_flagged_high=no detect_rules_hit=2 \
    detect_techniques_caught=2 detect_missed_techniques=macie-disabled \
    detect_rules_loaded=2 detect_malformed=0; do
    check_contains "figure $kv" "$kv" "$results"
done

# --- settings: a replay with --set gets each case's environment ----------------
# A stand-in for a build whose replay has --set: it logs its arguments,
# refuses log_group, and runs the real replay without the settings.
cat > "$work/s3watch-set" <<EOF
#!/bin/bash
echo "\$*" >> "$work/args.log"
if [ "\$2" = --help ]; then echo "usage: s3watch replay [--set KEY=VALUE]... [--allowed-cidr CIDR]..."; exit 0; fi
args=()
while [ \$# -gt 0 ]; do
    case \$1 in
    --set) case \$2 in log_group=*) echo "s3watch replay: --set: unknown key" >&2; exit 2 ;; esac; shift 2 ;;
    *) args+=("\$1"); shift ;;
    esac
done
exec "$S3WATCH" "\${args[@]}"
EOF
chmod +x "$work/s3watch-set"
S3WATCH=$work/s3watch-set run "$py" "$detect/detect-report.py" --corpus "$work/mini" \
    --rules "$work/pack" --results "$work/set.txt"
check_eq "with --set: exit 0" 0 "$status"
check_contains "a refused setting is noted" "refuses the setting log_group" "$output"
check_contains "the same figures" "attacks flagged at medium or above   3/4 = 75.0%" "$output"
logged=$(cat "$work/args.log" 2>/dev/null)
check_contains "a case's own settings are passed" "--set trail_bucket=detect-trail-logs" "$logged"
check_contains "and the environment's" "--set trail_name=s3-security-monitoring-trail" "$logged"
check_contains "the sandbox's network" "--allowed-cidr 10.0.0.0/8" "$logged"
check_contains "a public record allows its own callers" "--allowed-cidr 86.245.153.234/32" \
    "$logged"
check_eq "the refused setting is probed once, then left out" 1 \
    "$(grep -c -- '--set log_group=' "$work/args.log")"

# --- the shipped pack: runs and writes every figure; the figures are not asserted.
run "$py" "$detect/detect-report.py" --results "$work/full.txt"
check_eq "detect-report over the corpus and the shipped pack exits 0" 0 "$status"
report=$output
check_contains "per rule table" "Rules (cases hit" "$report"
check_contains "per technique table" "s3-policy-foreign-account" "$report"
check_contains "totals" "cross-account backdoor policy high/critical" "$report"
for key in detect_recall_medium_pct detect_benign_high detect_precision_medium_pct \
    detect_backdoor_flagged_high detect_missed_techniques; do
    check "$key is written" grep -q "^$key=." "$work/full.txt"
done

# --- it cannot run: exit 1 with the reason ---------------------------------------
S3WATCH=$work/none run "$py" "$detect/detect-report.py" --results "$work/x.txt"
check_eq "no binary: exit 1" 1 "$status"
check_contains "no binary: says so" "no s3watch binary" "$output"
run "$py" "$detect/detect-report.py" --corpus "$work/c" --results "$work/x.txt"
check_eq "a malformed corpus: exit 1" 1 "$status"
check_contains "a malformed corpus: says so" "the corpus is malformed" "$output"

finish
