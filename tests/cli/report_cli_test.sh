#!/bin/bash
# `lifeline report` and `verify-report` through the binary, on the bundled
# Lachin case: a report written with the CLI verifies; one number edited
# with sed (the visible value, or the JSON figure) makes verify-report fail
# (exit 8) naming the key; PDF through Chromium when it is installed (the
# HTML it carries, a digit edited in its text layer, its attachment edited,
# removed, the file truncated), and a clear error when LIFELINE_CHROMIUM
# points to no program.
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
	# The tools that take a PDF apart (scripts/deps.sh installs them): a
	# missing one fails the test rather than skipping what it checks.
	for tool in qpdf pdftotext; do
		command -v $tool >/dev/null || { echo "FAIL: $tool is not installed (scripts/deps.sh)"; exit 1; }
	done
	/usr/bin/python3 -c 'import pikepdf' || { echo "FAIL: python3-pikepdf is not installed (scripts/deps.sh)"; exit 1; }
	P=$WORK/r.pdf
	check "pdf" 0 "wrote" -- "$LL" --store "$S" report --case $C --format pdf -o "$P"
	expect "pdf magic" "$(head -c 5 "$P")" "%PDF-"
	check "pdf carries the html" 0 "lifeline-report.html" -- qpdf --list-attachments "$P"
	qpdf --show-attachment=lifeline-report.html "$P" >"$WORK/attached.html"
	check "the attachment is the report" 0 'id="lifeline-report"' -- cat "$WORK/attached.html"
	check "verify a pdf" 0 "^OK .*the text of its [0-9]+ pages says the same" -- "$LL" --store "$S" verify-report "$P"
	check "verify a pdf, json" 0 '"differ":\[\].*"format":"pdf".*"ok":true' -- "$LL" --store "$S" --json verify-report "$P"
	# By its magic, not its name.
	cp "$P" "$WORK/pdf-named.html"
	check "a pdf named .html" 0 "^OK " -- "$LL" --store "$S" verify-report "$WORK/pdf-named.html"
	# Non-Latin scripts: Armenian and Russian (the default file name too).
	(cd "$WORK" && "$LL" --store "$S" -q report --case $C --lang hy --format pdf)
	HY=$WORK/sitrep-lachin-2022-23-2022-12-12-2023-09-30-hy.pdf
	check "verify an armenian pdf" 0 "^OK " -- "$LL" --store "$S" verify-report "$HY"
	check "armenian pdf text" 0 "Իրավիճակի զեկույց" -- pdftotext "$HY" -
	check "russian pdf with scenario" 0 "wrote" -- "$LL" --store "$S" report --case $C --lang ru \
		--scenario "$SRC/data/cases/lachin-2022-23/scenarios/airlift.toml" --format pdf -o "$WORK/fc.pdf"
	check "verify a russian pdf with a forecast" 0 "^OK " -- "$LL" --store "$S" verify-report "$WORK/fc.pdf"

	# One figure edited in the PDF's text layer (the glyph of its last digit
	# swapped for another digit's): the people who left, a key figure.
	NEW=$(/usr/bin/python3 "$(dirname "$0")/edit_pdf_text.py" "$P" "$WORK/edited.pdf" "atleast101,217" "101,217")
	expect "edit script ran" "$?" "0"
	check "the edit shows in the pdf's text" 0 "at least $NEW" -- pdftotext "$WORK/edited.pdf" -
	expect "the edit changed the figure" "$([ -n "$NEW" ] && [ "$NEW" != "101,217" ] && echo yes)" "yes"
	check "verify catches a pdf text edit" 8 \
		"^DIFFERS kf\.movements\.persons\.out \(pdf-text\): report \"$NEW\", recomputed \"101,217\"" -- \
		"$LL" --store "$S" verify-report "$WORK/edited.pdf"
	check "only that figure" 8 "^FAIL .*: 1 difference" -- "$LL" --store "$S" verify-report "$WORK/edited.pdf"

	# The attached HTML edited (a JSON figure) and attached again.
	sed 's|"route.rt-lachin-road.closed":"20"|"route.rt-lachin-road.closed":"19"|' "$WORK/attached.html" \
		>"$WORK/lifeline-report.html"
	qpdf "$P" --add-attachment "$WORK/lifeline-report.html" --key=lifeline-report.html --mimetype=text/html \
		--replace -- "$WORK/edited-attachment.pdf"
	check "verify catches an edited attachment" 8 "DIFFERS route\.rt-lachin-road\.closed \(json\): report \"19\"" -- \
		"$LL" --store "$S" verify-report "$WORK/edited-attachment.pdf"

	# A PDF without the report, a truncated one, a damaged one.
	qpdf "$P" --remove-attachment=lifeline-report.html -- "$WORK/bare.pdf"
	check "pdf without the html" 2 "carries no Lifeline report.*--format pdf" -- \
		"$LL" --store "$S" verify-report "$WORK/bare.pdf"
	head -c $(($(stat -c %s "$P") / 2)) "$P" >"$WORK/truncated.pdf"
	check "truncated pdf" 2 "damaged.*truncated" -- "$LL" --store "$S" verify-report "$WORK/truncated.pdf"
	head -c 100 "$P" >"$WORK/stub.pdf"
	check "a pdf header only" 2 "damaged|truncated|unreadable" -- "$LL" --store "$S" verify-report "$WORK/stub.pdf"
else
	echo "skipping the PDF output test: chromium is not installed"
fi
finish
