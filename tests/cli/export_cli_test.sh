#!/bin/bash
# `lifeline export` writes spreadsheet-safe CSV, HXL and ACLED: a cell that
# starts with = + - @ TAB or CR (and is not a number), or with ' and then one
# of those or ', gets a leading ' (src/export/README.md); --raw writes cells as they are; and the
# files read back through `lifeline import` to the same records.
#
#   export_cli_test.sh LIFELINE_BINARY
set -uo pipefail
LL=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

# One incident per dangerous first character, its text fields all starting
# with it (its names too, but for tab and CR, which names may not hold), plus values at the rule's edges: a leading ', - before letters,
# text that is a negative number, a negative longitude.
python3 - "$WORK/records.jsonl" <<'PY'
import json, sys
starts = ["=", "+", "-", "@", "\t", "\r", "'", "''", "-x", "'="]
rows = [
    {"kind": "case", "id": "formula-case", "title": "Formulas", "region": "Nowhere",
     "started": "2024-01-01", "sources": ["src-formula"]},
    {"kind": "source", "id": "src-formula", "case": "formula-case", "publisher": "=A monitor",
     "title": "-Field note", "published": "2024-01-02", "note": "@source"},
]
for i, s in enumerate(starts):
    # Names may hold no tab or CR (docs/records.md, input rules): prose may.
    n = "" if s in ("\t", "\r") else s
    rows.append({"kind": "incident", "id": f"inc-formula-{i}", "case": "formula-case",
                 "date": "2024-01-03", "event_type": "Protests", "sources": ["src-formula"],
                 "description": s + 'HYPERLINK("http://example.org","x")', "note": s + "note",
                 "actors": [n + "Party A", n + "Party B"],
                 "location": {"name": n + "cmd|' /C calc'!A0", "admin1": n + "East",
                              "country": "AZE", "lat": -40.5, "lon": -45.2}})
rows.append({"kind": "incident", "id": "inc-number-text", "case": "formula-case",
             "date": "2024-01-03", "event_type": "Protests", "sources": ["src-formula"],
             "description": "-45.2", "note": "'", "location": {"name": "-", "country": "AZE"}})
with open(sys.argv[1], "w") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY

S=$WORK/store
"$LL" init --origin example.org/export "$S" >/dev/null
check "import the fixture" 0 "" -- "$LL" --store "$S" -q import "$WORK/records.jsonl"

# Prints the cells of a CSV file that a spreadsheet would run as formulas
# (first character = + - @ TAB CR, the cell not a number), one per line.
formulas() {
	python3 - "$1" <<'PY'
import csv, re, sys
number = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not number.fullmatch(cell):
                print(repr(cell))
PY
}

# Counts the cells of a CSV file equal to $2, a Python string expression.
cells() {
	python3 - "$1" "$2" <<'PY'
import csv, sys
want = eval(sys.argv[2], {"__builtins__": {}})
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    print(sum(cell == want for row in csv.reader(f) for cell in row))
PY
}

for f in "csv --kind incident" "csv --kind source" "csv --kind case" "hxl --kind incident" acled; do
	name=${f// /}
	# shellcheck disable=SC2086 # $f is the format and its options
	"$LL" --store "$S" -q export --format $f -o "$WORK/$name.csv"
	# shellcheck disable=SC2086
	"$LL" --store "$S" -q export --format $f --raw -o "$WORK/$name.raw.csv"
	expect "$f: no formula cell" "$(formulas "$WORK/$name.csv")" ""
	case $f in *source* | *case*) continue ;; esac
	for s in '=' '+' '-' '@' '\t' '\r'; do
		expect "$f: '$s' neutralised" "$(cells "$WORK/$name.csv" "\"'$s\" + 'HYPERLINK(\"http://example.org\",\"x\")'")" 1
		expect "$f: '$s' verbatim with --raw" "$(cells "$WORK/$name.raw.csv" "\"$s\" + 'HYPERLINK(\"http://example.org\",\"x\")'")" 1
	done
	expect "$f: '= escaped" "$(cells "$WORK/$name.csv" "\"''=note\"")" 1
	expect "$f: '' escaped" "$(cells "$WORK/$name.csv" "\"'''note\"")" 1
	expect "$f: a quotation as it is" "$(cells "$WORK/$name.csv" "\"'note\"")" 1
	expect "$f: numbers as they are" "$(cells "$WORK/$name.csv" "'-45.2'")" 11
	expect "$f: --raw has formula cells" "$(formulas "$WORK/$name.raw.csv" | grep -c HYPERLINK)" 7
done

# Record bodies (of kind $2, else all) without Lifeline's stamps, one
# canonical line each, sorted.
bodies() {
	"$LL" --store "$1" -q export --format jsonl | python3 -c '
import json, sys
kind = sys.argv[1]
out = []
for line in sys.stdin:
    r = json.loads(line)
    if kind and r["kind"] != kind:
        continue
    for k in ("recorded", "by"):
        r.pop(k, None)
    out.append(json.dumps(r, sort_keys=True, ensure_ascii=False))
print("\n".join(sorted(out)))' "${2:-}"
}

# The flat CSV of every kind back into a new store: the same records.
S2=$WORK/store2
"$LL" init --origin example.org/export2 "$S2" >/dev/null
check "import the flat CSV" 0 "" -- "$LL" --store "$S2" -q import \
	"$WORK/csv--kindcase.csv" "$WORK/csv--kindsource.csv" "$WORK/csv--kindincident.csv"
expect "flat CSV: the same records" "$(bodies "$S2")" "$(bodies "$S")"

# HXL back into a store holding the case and its source: the same incidents
# but for the two whose text starts with TAB or CR (HXL cells are trimmed).
S3=$WORK/store3
"$LL" init --origin example.org/export3 "$S3" >/dev/null
head -n 2 "$WORK/records.jsonl" >"$WORK/case.jsonl"
"$LL" --store "$S3" -q import "$WORK/case.jsonl"
check "import the HXL" 0 "" -- "$LL" --store "$S3" -q import --format hxl --case formula-case "$WORK/hxl--kindincident.csv"
expect "HXL: the same incidents" \
	"$(bodies "$S3" incident | grep -v 'inc-formula-[45]')" "$(bodies "$S" incident | grep -v 'inc-formula-[45]')"

# ACLED back: the text of each incident comes back as it was.
S4=$WORK/store4
"$LL" init --origin example.org/export4 "$S4" >/dev/null
"$LL" --store "$S4" -q import "$WORK/case.jsonl"
check "import the ACLED" 0 "" -- "$LL" --store "$S4" -q import --format acled --case formula-case "$WORK/acled.csv"
texts() {
	"$LL" --store "$1" -q export --format jsonl | python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["kind"] == "incident":
        print(repr((r["id"].removeprefix("acled-"), r.get("description"), r["location"]["name"], r.get("actors"))))' | sort
}
expect "ACLED: the same text" "$(texts "$S4" | grep -v 'inc-formula-[45]')" "$(texts "$S" | grep -v 'inc-formula-[45]')"

finish
