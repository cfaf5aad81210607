#!/bin/bash
# Case vocabularies through the binary: a case that extends `utility` with
# `fuel` imports an outage of fuel (refused before the case record says
# so, with the hint), and `compliance` evaluates a `service_restored` rule
# on it day by day; a claim about one field shows as a dispute of that field.
#
#   vocabulary_cli_test.sh LIFELINE_BINARY
set -uo pipefail
LL=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

S=$WORK/store
"$LL" init --origin example.org/vocabulary "$S" >/dev/null
cat >"$WORK/plain.jsonl" <<'JSON'
{"kind":"source","id":"s1","case":"c-fuel","publisher":"Monitor","title":"Report"}
{"kind":"case","id":"c-fuel","title":"Fuel","region":"R","started":"2023-01-01","ended":"2023-01-10","sources":["s1"]}
{"kind":"outage","id":"o-fuel","case":"c-fuel","utility":"fuel","from":"2023-01-03","until":"2023-01-06","sources":["s1"]}
JSON
check "a term outside the core is refused with the hint" 2 \
	"utility: must be one of gas, electricity, water, internet, telephone, not \"fuel\" \(hint: use one of these, or add it to the case record's vocabulary.utility with a definition" -- \
	"$LL" --store "$S" import "$WORK/plain.jsonl"

cat >"$WORK/fuel.jsonl" <<'JSON'
{"kind":"source","id":"s1","case":"c-fuel","publisher":"Monitor","title":"Report"}
{"kind":"case","id":"c-fuel","title":"Fuel","region":"R","started":"2023-01-01","ended":"2023-01-10","sources":["s1"],"vocabulary":{"utility":{"fuel":"diesel and petrol for generators and vehicles"}}}
{"kind":"outage","id":"o-fuel","case":"c-fuel","utility":"fuel","from":"2023-01-03","until":"2023-01-06","sources":["s1"]}
JSON
cat >>"$WORK/fuel.jsonl" <<'JSON'
{"kind":"obligation","id":"ob-fuel","case":"c-fuel","instrument":"agreement","title":"Fuel restored","issued":"2023-01-01","sources":["s1"],"rule":{"type":"service_restored","utility":"fuel","from":"2023-01-01"}}
{"kind":"claim","id":"cl-cause","case":"c-fuel","about":"o-fuel","stance":"disputes","party":"P","field":"from","value":"2023-01-04","text":"it began a day later","sources":["s1"]}
JSON
check "the case's vocabulary admits fuel" 0 "" -- "$LL" --store "$S" -q import "$WORK/fuel.jsonl"
check "compliance evaluates the service_restored rule" 0 \
	"rule service_restored: fuel restored" -- "$LL" --store "$S" compliance --case c-fuel
check "compliance counts the outage's days" 0 \
	"2023-01-01 \.\. 2023-01-10: 10 days; in violation 3, in compliance 5, unknown 2" -- \
	"$LL" --store "$S" compliance --case c-fuel
check "compliance json names the deciding record" 0 \
	'"date":"2023-01-03","directions":\[\],"records":\["o-fuel"\],"restricted":\[\],"status":"outage"' -- \
	"$LL" --store "$S" --json compliance --case c-fuel
check "a claim about one field leaves the record undisputed" 0 '"disputed_fields":\["from"\]' -- \
	"$LL" --store "$S" --json show o-fuel
check "show names the field disputed" 0 "claim cl-cause: P disputes field from \(says: \"2023-01-04\"\)" -- \
	"$LL" --store "$S" show o-fuel
check "the record stays single-source" 0 "single-source" -- "$LL" --store "$S" show o-fuel
finish
