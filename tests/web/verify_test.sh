#!/bin/bash
# verify.html (the one-file verifier) in chromium, offline, on files made
# with the real binary: reports of the bundled Lachin case from two logs, a
# PDF report (its HTML attached, as `report --format pdf` writes it), a record's receipt and entries, and
# checkpoints cosigned by test witnesses (one in the policy, one not). Then
# `lifeline serve` serves the same page at /verify.html.
#
#   verify_test.sh LIFELINE_BINARY TEST_WITNESS_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
TW=$2
SRC=$3
for need in "$SRC/web/vendor/verify/verify.template.html" "$SRC/web/node_modules/playwright-core"; do
	[ -e "$need" ] || { echo "verify_test: $need is missing: run scripts/web.sh" >&2; exit 1; }
done
for tool in /usr/bin/chromium qpdf; do
	command -v "$tool" >/dev/null || { echo "verify_test: $tool is missing: run scripts/deps.sh" >&2; exit 1; }
done
W=$(mktemp -d)
PIDS=()
# shellcheck source=../cli/serve.sh
. "$SRC/tests/cli/serve.sh"
cleanup() {
	stop_server
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
export LIFELINE_WEB=$SRC/web
CASE=lachin-2022-23
RECORDS=$SRC/data/cases/$CASE/records.jsonl

# Log A: no witness policy. Its report, written with verify.html beside it.
"$LL" init --origin example.org/verify "$W/sa" >/dev/null
"$LL" --store "$W/sa" -q import "$RECORDS" >/dev/null
mkdir -p "$W/A" "$W/B" "$W/C"
cp "$W/sa/log.vkey" "$W/A/log.vkey"
"$LL" --store "$W/sa" report --case $CASE --from 2023-06-01 --to 2023-06-30 -o "$W/A/report.html" 2>"$W/A/stderr" >/dev/null
grep -q "wrote $W/A/verify.html beside it" "$W/A/stderr" || { echo "FAIL: report did not say it wrote verify.html: $(cat "$W/A/stderr")"; exit 1; }
# The PDF report as `report --format pdf` writes it (its HTML attached), and
# the same PDF with the attachment removed.
"$LL" --store "$W/sa" report --case $CASE --from 2023-06-01 --to 2023-06-30 --format pdf -o "$W/A/report.pdf" --no-verifier >/dev/null
qpdf --list-attachments "$W/A/report.pdf" | grep -q lifeline-report.html || { echo "FAIL: the PDF report carries no lifeline-report.html"; exit 1; }
qpdf "$W/A/report.pdf" --remove-attachment=lifeline-report.html -- "$W/A/plain.pdf"
# A record's receipt, its entry, and another record's entry.
ID=$("$LL" --store "$W/sa" --json show rs-2022-12-12-closure --receipt "$W/A/receipt" | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])')
"$LL" --store "$W/sa" log entry --index "$ID" >"$W/A/entry"
"$LL" --store "$W/sa" log entry --index $((ID + 1)) >"$W/A/other-entry"

# Log B: another key under the same name.
"$LL" init --origin example.org/verify "$W/sb" >/dev/null
"$LL" --store "$W/sb" -q import "$RECORDS" >/dev/null
"$LL" --store "$W/sb" -q report --case $CASE --from 2023-06-01 --to 2023-06-30 -o "$W/B/report.html" --no-verifier

# Log C: witness w1, quorum 1. C2, a copy, is cosigned by w2 only.
"$LL" init --origin example.org/verify-c "$W/sc" >/dev/null
seq -f 'entry %.0f' 0 9 | "$LL" --store "$W/sc" -q log append
# start_witness NAME SEED LOG_VKEY_FILE
start_witness() {
	"$TW" "witness.example/$1" "$2" "$3" >"$W/$1.out" 2>"$W/$1.err" &
	PIDS+=($!)
	for _ in $(seq 200); do grep -qs '^vkey ' "$W/$1.out" && return 0; sleep 0.05; done
	echo "FAIL: witness $1 did not start: $(cat "$W/$1.err")"
	exit 1
}
start_witness w1 11 "$W/sc/log.vkey"
start_witness w2 12 "$W/sc/log.vkey"
start_witness w3 13 "$W/sb/log.vkey"
url_of() { sed -n 's/^url //p' "$W/$1.out"; }
vkey_of() { sed -n 's/^vkey //p' "$W/$1.out"; }
"$LL" --store "$W/sc" -q witness add "$(url_of w1)" "$(vkey_of w1)" --name w1 >/dev/null
"$LL" --store "$W/sc" -q witness push --timeout 5 >/dev/null
cp "$W/sc/checkpoint.cosigned" "$W/C/cosigned"
"$LL" --store "$W/sc" log checkpoint >"$W/C/plain"
cp -r "$W/sc" "$W/sc2"
"$LL" --store "$W/sc2" -q witness add "$(url_of w2)" "$(vkey_of w2)" --name w2 >/dev/null
"$LL" --store "$W/sc2" -q witness remove w1 >/dev/null
"$LL" --store "$W/sc2" -q witness push --timeout 5 >/dev/null
cp "$W/sc2/checkpoint.cosigned" "$W/C/unknown-witness"
"$LL" --store "$W/sc" -q verifier --out "$W/C/verify.html"
cp "$SRC/web/vendor/verify/verify.template.html" "$W/template.html"

# Log B with witness w3: its report carries w3's cosignature (report embeds
# the cosigned checkpoint), and B's verifier requires it.
"$LL" --store "$W/sb" -q witness add "$(url_of w3)" "$(vkey_of w3)" --name w3 >/dev/null
"$LL" --store "$W/sb" -q witness push --timeout 5 >/dev/null
"$LL" --store "$W/sb" -q report --case $CASE --from 2023-06-01 --to 2023-06-30 -o "$W/B/witnessed.html" 2>/dev/null
grep -q "witness.example/w3" "$W/B/witnessed.html" || { echo "FAIL: the report of B carries no cosignature"; exit 1; }
"$LL" --store "$W/sb" verify-report "$W/B/witnessed.html" >/dev/null || { echo "FAIL: verify-report refuses a report with cosignatures"; exit 1; }
# B's receipts after the push carry w3's cosignature too: from `show
# --receipt` and from `log prove`.
BID=$("$LL" --store "$W/sb" --json show rs-2022-12-12-closure --receipt "$W/B/receipt" | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])')
"$LL" --store "$W/sb" log entry --index "$BID" >"$W/B/entry"
"$LL" --store "$W/sb" -q log prove --index "$BID" -o "$W/B/prove-receipt" >/dev/null
for f in receipt prove-receipt; do
	grep -q "witness.example/w3" "$W/B/$f" || { echo "FAIL: B/$f carries no cosignature"; exit 1; }
done

# An edited report inside a PDF (the test writes A/edited-json.html first).
python3 - "$W/A/report.html" "$W/A/edited-for-pdf.html" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
block = json.loads(re.search(r'<script type="application/json" id="lifeline-report">([^<]*)</script>', html).group(1))
counts = {}
for m in re.finditer(r'<data class="fig" data-key="([^"]+)" value="([^"]*)">', html):
    counts[m.group(1)] = counts.get(m.group(1), 0) + 1
key = next(k for k, v in block["figures"].items()
           if counts.get(k) == 1 and re.fullmatch(r"[1-9][0-9]*", v) and not k.startswith("checkpoint."))
v = block["figures"][key]
open(sys.argv[2], "w", encoding="utf-8").write(html.replace(f'"{key}":"{v}"', f'"{key}":"{int(v) + 1}"'))
PY
qpdf "$W/A/report.pdf" --add-attachment "$W/A/edited-for-pdf.html" --key=lifeline-report.html --replace \
	--filename=lifeline-report.html --mimetype=text/html -- "$W/A/edited.pdf"

VERIFY_WORK=$W node "$SRC/tests/web/verify.test.mjs"

# The server serves the same page at /verify.html, under its own CSP only.
start_server "$LL" "$W/sa" --web "$SRC/web"
curl -sf -D "$W/headers" "$URL/verify.html" -o "$W/served.html"
cmp "$W/served.html" "$W/A/verify.html" || { echo "FAIL: /verify.html differs from the verifier beside the report"; exit 1; }
[ "$(grep -ci '^content-security-policy:' "$W/headers")" = 1 ] || { echo "FAIL: /verify.html has not exactly one CSP:"; cat "$W/headers"; exit 1; }
grep -qi "^content-security-policy: default-src 'none'; script-src 'unsafe-inline'" "$W/headers" || { echo "FAIL: /verify.html CSP"; cat "$W/headers"; exit 1; }
echo "ok - lifeline serve serves the same verify.html at /verify.html"
