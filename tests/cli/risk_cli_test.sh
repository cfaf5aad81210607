#!/bin/bash
# `lifeline risk` through the binary on the bundled Lachin case: every count
# (tags, tagged records, authors per factor and indicator) recounted
# independently from records.jsonl with python (current tags only: a tag
# superseded or retracted in the file drops out), the statement that
# Lifeline states no verdict, and bad input (unknown case, framework,
# format) with the exit codes of docs/cli.md.
#
#   risk_cli_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

S=$WORK/store
C=lachin-2022-23
FILE=$SRC/data/cases/$C/records.jsonl
"$LL" init --origin example.org/risk "$S" >/dev/null
"$LL" --store "$S" -q import "$FILE" >/dev/null
size=$("$LL" --store "$S" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/')

# What the file says, counted without Lifeline: factor/indicator -> tags,
# distinct records, authors ("RF7" alone for all of a factor's tags,
# "RF7/" for its factor-level ones).
recount() {
	python3 - "$1" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
gone = {r["supersedes"] for r in recs if r.get("supersedes")} | {r["retracts"] for r in recs if r["kind"] == "retraction"}
tags = [r for r in recs if r["kind"] == "tag" and r["id"] not in gone and r["framework"] == "un-foa-2014"]
groups = {}
for t in tags:
    for key in (t["factor"], t["factor"] + "/" + t.get("indicator", ""), "total"):
        g = groups.setdefault(key, [0, set(), set()])
        g[0] += 1
        g[1].update(t["targets"])
        g[2].add(t["author"])
for key in sorted(groups):
    n, records, authors = groups[key]
    print(key, n, len(records), len(authors))
PY
}

# The same lines from `lifeline risk --format json`.
from_json() {
	python3 -c '
import json, sys
r = json.load(sys.stdin)
out = {"total": r["totals"]}
for f in r["factors"]:
    if f["counts"]["tags"]:
        out[f["factor"]] = f["counts"]
    for i in f["indicators"]:
        out[f["factor"] + "/" + (i["indicator"] or "")] = i["counts"]
for key in sorted(out):
    c = out[key]
    print(key, c["tags"], c["records"], len(c["authors"]))
'
}

want=$(recount "$FILE")
got=$("$LL" --store "$S" risk --case $C --format json | from_json)
expect "risk counts equal an independent recount of records.jsonl" "$got" "$want"
expect "the bundled case has tags" "$(grep -c '^total ' <<<"$want")" "1"
tags_in_file=$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["kind"] == "tag"))' "$FILE")
expect "no tag of the bundled case is superseded or retracted: all are counted" \
	"$(grep '^total ' <<<"$want" | cut -d' ' -f2)" "$tags_in_file"

check "risk table names the checkpoint" 0 "tree size $size, root " -- "$LL" --store "$S" risk --case $C
check "risk table states no verdict" 0 "states no verdict" -- "$LL" --store "$S" risk --case $C
check "risk table lists the indicator" 0 "^  13\.8  " -- "$LL" --store "$S" risk --case $C
check "risk json states no verdict" 0 '"statement":"Lifeline records and counts' -- \
	"$LL" --store "$S" --json risk --case $C
check "risk json names the framework file" 0 '"file":"data/frameworks/un-foa-2014.json"' -- \
	"$LL" --store "$S" --json risk --case $C

# A retracted tag drops out of the counts.
first=$(python3 -c '
import json, sys
print(next(json.loads(l)["id"] for l in open(sys.argv[1]) if json.loads(l)["kind"] == "tag"))' "$FILE")
printf '{"kind":"retraction","id":"ret-%s","case":"%s","retracts":"%s","reason":"test"}\n' "$first" $C "$first" >"$WORK/ret.jsonl"
"$LL" --store "$S" -q import "$WORK/ret.jsonl" >/dev/null
cat "$FILE" "$WORK/ret.jsonl" >"$WORK/after.jsonl"
expect "a retracted tag drops out" "$("$LL" --store "$S" risk --case $C --format json | from_json)" \
	"$(recount "$WORK/after.jsonl")"
check "risk --at the earlier checkpoint still counts it" 0 "^total $tags_in_file$" -- \
	bash -c "'$LL' --store '$S' risk --case $C --format json --at $size | python3 -c '$(cat <<'PY'
import json, sys
r = json.load(sys.stdin)
print("total", r["totals"]["tags"])
PY
)'"

check "unknown case" 3 "lachin-2099" -- "$LL" --store "$S" risk --case lachin-2099
check "unknown framework" 2 "known: un-foa-2014" -- "$LL" --store "$S" risk --case $C --framework foa
check "bad format" 2 "--format must be table or json" -- "$LL" --store "$S" risk --case $C --format csv
finish
