#!/bin/bash
# `lifeline report` and `verify-report` through the binary, on the bundled
# Lachin case: a report written with the CLI verifies; one number edited
# with sed (the visible value, or the JSON figure) makes verify-report fail
# (exit 8) naming the key; PDF through Chromium when it is installed, and a
# clear error when LIFELINE_CHROMIUM points to no program.
#
#   report_cli_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$(realpath "$1")
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

S=$WORK/store
"$LL" init --origin example.org/report "$S" >/dev/null
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
C=lachin-2022-23
R=$WORK/sitrep.html

check "report html" 0 "wrote $R \($C, 2022-12-12 \.\. 2023-09-30, en" -- "$LL" --store "$S" report --case $C -o "$R"
check "report is self-contained" 0 'id="lifeline-report"' -- cat "$R"
expect "no external resource" "$(grep -cE '<(link|img|iframe)|src=|@import' "$R")" "0"
check "verify untouched" 0 "^OK .*figures" -- "$LL" --store "$S" verify-report "$R"
check "verify json" 0 '^\{"case":"lachin-2022-23",.*"differ":\[\].*"ok":true' -- "$LL" --store "$S" --json verify-report "$R"

# The default file name, in another directory and language.
(cd "$WORK" && "$LL" --store "$S" -q report --case $C --lang hy --from 2023-06-01 --to 2023-06-30)
expect "default name" "$(ls "$WORK" | grep -c '^sitrep-lachin-2022-23-2023-06-01-2023-06-30-hy\.html$')" "1"
check "armenian" 0 "Իրավիճակի զեկույց" -- cat "$WORK/sitrep-lachin-2022-23-2023-06-01-2023-06-30-hy.html"
check "verify hy" 0 "^OK " -- "$LL" --store "$S" verify-report "$WORK/sitrep-lachin-2022-23-2023-06-01-2023-06-30-hy.html"

# One visible number edited with sed: the days the Lachin road was closed.
sed 's|data-key="route.rt-lachin-road.closed" value="20">20<|data-key="route.rt-lachin-road.closed" value="2">2<|' "$R" >"$WORK/edited.html"
expect "sed changed the file" "$(cmp -s "$R" "$WORK/edited.html" && echo same || echo changed)" "changed"
check "verify catches visible edit" 8 "DIFFERS route\.rt-lachin-road\.closed \(element\): report \"2\", recomputed \"20\"" -- \
	"$LL" --store "$S" verify-report "$WORK/edited.html"
# The JSON figure edited.
sed 's|"route.rt-lachin-road.closed":"20"|"route.rt-lachin-road.closed":"19"|' "$R" >"$WORK/edited-json.html"
check "verify catches json edit" 8 "DIFFERS route\.rt-lachin-road\.closed \(json\): report \"19\"" -- \
	"$LL" --store "$S" verify-report "$WORK/edited-json.html"
check "verify json lists the key" 8 '"key":"route.rt-lachin-road.closed"' -- \
	"$LL" --store "$S" --json verify-report "$WORK/edited-json.html"
# Another log (another key) cannot vouch for the report.
"$LL" init --origin example.org/other "$WORK/other" >/dev/null
check "verify with another log" 1 "does not verify" -- "$LL" --store "$WORK/other" verify-report "$R"
echo '<html><body>not a report</body></html>' >"$WORK/plain.html"
check "not a report" 2 "not a Lifeline report" -- "$LL" --store "$S" verify-report "$WORK/plain.html"
check "missing report" 3 "" -- "$LL" --store "$S" verify-report "$WORK/nope.html"

# With the example scenario: the forecast fan chart, and it verifies.
check "report with scenario" 0 "wrote" -- "$LL" --store "$S" report --case $C --lang ru \
	--scenario "$SRC/data/cases/lachin-2022-23/scenarios/airlift.toml" -o "$WORK/fc.html"
check "fan chart" 0 'class="fan50"' -- cat "$WORK/fc.html"
check "verify with scenario" 0 "^OK " -- "$LL" --store "$S" verify-report "$WORK/fc.html"

check "bad lang" 2 "no message catalogue for language \"de\"" -- "$LL" --store "$S" report --case $C --lang de -o "$WORK/x.html"
check "bad format" 2 "--format must be html or pdf" -- "$LL" --store "$S" report --case $C --format doc -o "$WORK/x.html"
check "unknown case" 3 "no current case" -- "$LL" --store "$S" report --case nope -o "$WORK/x.html"
expect "nothing written on error" "$(ls "$WORK"/x.* 2>/dev/null | wc -l)" "0"

# PDF: a clear error without Chromium, a PDF with it.
check "pdf without chromium" 4 "LIFELINE_CHROMIUM .*not an executable" -- \
	env LIFELINE_CHROMIUM=/nonexistent/chromium "$LL" --store "$S" report --case $C --format pdf -o "$WORK/x.pdf"
expect "no pdf left" "$(ls "$WORK"/x.pdf 2>/dev/null | wc -l)" "0"
if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; then
	check "pdf" 0 "wrote" -- "$LL" --store "$S" report --case $C --format pdf -o "$WORK/r.pdf"
	expect "pdf magic" "$(head -c 4 "$WORK/r.pdf")" "%PDF"
	check "verify a pdf" 2 "is a PDF" -- "$LL" --store "$S" verify-report "$WORK/r.pdf"
else
	echo "skipping the PDF output test: chromium is not installed"
fi
finish
