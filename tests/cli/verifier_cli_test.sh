#!/bin/bash
# `lifeline verifier` and the verify.html that `report` writes beside a
# report, with a stand-in template (the real one is tested in chromium by
# tests/web/verify_test.sh): the log key and the witness policy pinned and
# escaped, the default policy, a missing template named with what to run,
# a foreign verify.html never replaced, and --no-verifier.
#
#   verifier_cli_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

WEB=$WORK/web
mkdir -p "$WEB/vendor/verify"
cat >"$WEB/vendor/verify/verify.template.html" <<'HTML'
<!DOCTYPE html><html><head><meta name="generator" content="lifeline-verifier"></head><body>
<script type="application/json" id="lifeline-pins">/*LIFELINE-PINS*/null</script>
</body></html>
HTML
S=$WORK/store
"$LL" init --origin example.org/verifier-cli "$S" >/dev/null
VKEY=$(cat "$S/log.vkey")

check "no template: exit 3 naming scripts/web.sh" 3 "verify.template.html is missing: run scripts/web.sh" -- \
	"$LL" --store "$S" verifier --web "$WORK/nowhere" --out "$WORK/v.html"
[ ! -e "$WORK/v.html" ]
expect "nothing written without a template" "$?" 0
mkdir -p "$WORK/bad/vendor/verify"
echo '<meta name="generator" content="lifeline-verifier">' >"$WORK/bad/vendor/verify/verify.template.html"
check "a template without its placeholder" 2 "pins placeholder exactly once" -- \
	"$LL" --store "$S" verifier --web "$WORK/bad" --out "$WORK/v.html"

check "verifier with no witness policy" 0 "wrote $WORK/v.html" -- "$LL" --store "$S" verifier --web "$WEB" --out "$WORK/v.html"
PINS=$(sed -n 's|.*id="lifeline-pins">\(.*\)</script>.*|\1|p' "$WORK/v.html")
expect "the log key is pinned" "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["log_vkey"])' "$PINS")" "$VKEY"
expect "no policy file: the log alone, quorum none" \
	"$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(j["policy"], j["policy_file"])' "$PINS")" \
	"log $VKEY
quorum none
 False"
check "the default web directory (LIFELINE_WEB)" 0 "wrote" -- env LIFELINE_WEB="$WEB" "$LL" --store "$S" verifier --out "$WORK/v2.html"
cmp -s "$WORK/v.html" "$WORK/v2.html"
expect "the same page either way" "$?" 0

# A policy whose names would end the script element if written raw.
W1='witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4'
printf 'log %s\nwitness </script><script>alert(1)</script>&amp; %s\nquorum </script><script>alert(1)</script>&amp;\n' \
	"$VKEY" "$W1" >"$S/witness-policy"
check "verifier with a witness policy" 0 "wrote" -- "$LL" --store "$S" verifier --web "$WEB" --out "$WORK/v3.html"
expect "no raw markup from the policy" "$(grep -c 'alert(1)</script>\|<script>alert' "$WORK/v3.html")" 0
expect "one script element" "$(grep -o '<script' "$WORK/v3.html" | wc -l)" 1
PINS=$(sed -n 's|.*id="lifeline-pins">\(.*\)</script>.*|\1|p' "$WORK/v3.html")
expect "the policy is pinned, escaped, and reads back exactly" \
	"$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print("quorum </script><script>alert(1)</script>&amp;" in j["policy"], j["policy_file"])' "$PINS")" \
	"True True"
expect "<, > and & are \\u escapes" "$(grep -c '\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u0026amp;' "$WORK/v3.html")" 1
printf 'quorum nobody\n' >"$S/witness-policy"
check "a broken policy is an error naming it" 2 "witness-policy line 1" -- \
	"$LL" --store "$S" verifier --web "$WEB" --out "$WORK/v4.html"
rm "$S/witness-policy"

# report writes verify.html beside the report.
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
mkdir -p "$WORK/out"
check "report writes verify.html beside it" 0 "report: wrote $WORK/out/verify.html beside it" -- \
	env LIFELINE_WEB="$WEB" "$LL" --store "$S" report --case lachin-2022-23 --from 2023-06-01 --to 2023-06-03 --out "$WORK/out/r.html"
cmp -s "$WORK/out/verify.html" "$WORK/v.html"
expect "it is the log's verifier" "$?" 0
check "a second report: verify.html up to date" 0 "is up to date" -- \
	env LIFELINE_WEB="$WEB" "$LL" --store "$S" report --case lachin-2022-23 --from 2023-06-01 --to 2023-06-03 -o "$WORK/out/r2.html"
echo "my own page" >"$WORK/out/verify.html"
check "a foreign verify.html is not replaced (the report is written)" 0 "not replacing $WORK/out/verify.html: it is not a Lifeline verifier" -- \
	env LIFELINE_WEB="$WEB" "$LL" --store "$S" report --case lachin-2022-23 --from 2023-06-01 --to 2023-06-03 -o "$WORK/out/r3.html"
expect "the foreign file is untouched" "$(cat "$WORK/out/verify.html")" "my own page"
[ -s "$WORK/out/r3.html" ]
expect "the report was written" "$?" 0
mkdir -p "$WORK/out2"
check "no template: the report is written and says why there is no verify.html" 0 "no $WORK/out2/verify.html written.*scripts/web.sh" -- \
	env LIFELINE_WEB="$WORK/nowhere" "$LL" --store "$S" report --case lachin-2022-23 --from 2023-06-01 --to 2023-06-03 -o "$WORK/out2/r.html"
mkdir -p "$WORK/out3"
check "--no-verifier" 0 "" -- env LIFELINE_WEB="$WEB" "$LL" --store "$S" -q report --case lachin-2022-23 --from 2023-06-01 --to 2023-06-03 -o "$WORK/out3/r.html" --no-verifier
expect "--no-verifier writes only the report" "$(ls "$WORK/out3")" "r.html"
finish
