#!/bin/bash
# KoBoToolbox and ODK Central exports through the binary with the shipped
# mappings (data/mappings/), and `lifeline verify-receipt` on a record that
# came in that way.
#
# Each fixture of src/ingest/testdata/odk/ is imported into one store with
# --partial: the spoiled rows are rejected naming file, line and column; a
# submission imported again from another export (KoBo CSV, KoBo JSON, Central
# CSV, Central JSON) is the same record and appends nothing.
#
#   odk_export_cli_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"
FX=$SRC/src/ingest/testdata/odk
MAP=$SRC/data/mappings

S=$WORK/store
"$LL" init --origin example.org/odk "$S" >/dev/null
cat >"$WORK/case.jsonl" <<'JSON'
{"kind":"source","id":"src-monitor-log","case":"lachin-2022-23","publisher":"Field monitor","title":"Daily crossing log"}
{"kind":"source","id":"src-icrc-2023-01-18","case":"lachin-2022-23","publisher":"ICRC","title":"Patient transfers"}
{"kind":"source","id":"src-ombudsman-2023-01-13","case":"lachin-2022-23","publisher":"Human Rights Defender","title":"Ad hoc report"}
{"kind":"case","id":"lachin-2022-23","title":"Lachin corridor","region":"South Caucasus","started":"2022-12-12","sources":["src-monitor-log"]}
{"kind":"route","id":"rt-lachin-road","case":"lachin-2022-23","name":"Lachin road","type":"road","sources":["src-monitor-log"]}
JSON
check "the case's first records" 0 "" -- "$LL" --store "$S" -q import "$WORK/case.jsonl"

import() {  # import KIND FORMAT [more args]: one fixture with its server's mapping
	local kind=$1 format=$2
	shift 2
	"$LL" --store "$S" import --case lachin-2022-23 --partial --mapping "$MAP/${format%%.*}/$kind.toml" \
		"$@" "$FX/$kind.$format"
}
count() {  # count KIND: records of that kind in the store
	"$LL" --store "$S" --json list --kind "$1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["records"]))'
}

# Rejections name the file, the line and the column (CSV: the physical
# line; JSON: the line where the submission's object starts).
check "kobo csv: a bad integer" 2 "movement\.kobo\.csv:4: .*vehicles: .*'two'" -- import movement kobo.csv
line=$(grep -n '"_id": 25417003' "$FX/movement.kobo.json" | cut -d: -f1)
check "kobo json: a bad date, at its object's line" 2 "movement\.kobo\.json:$((line - 1)): .*date: .*20/01/2023" -- \
	import movement kobo.json
check "central csv: the record id comes from KEY" 2 "movement\.central\.csv:5: .*date" -- import movement central.csv
check "central json: detected from a .json file" 2 "movement\.central\.json:[0-9]+: .*vehicles" -- \
	"$LL" --store "$S" import --case lachin-2022-23 --partial --mapping "$MAP/central/movement.toml" \
	"$FX/movement.central.json"
expect "five movements from four exports, each submission once" "$(count movement)" 5
check "the id is odk- and the lower-case instanceID" 0 '"id":"odk-6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b"' -- \
	"$LL" --store "$S" --json show odk-6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b
check "by is who imports, not the server's submitter" 0 "" -- \
	bash -c "! \"$LL\" --store \"$S\" --json show odk-6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b | grep -q field-monitor-2"

check "a date-time only the schema refuses, named with its line" 2 \
	'outage\.kobo\.csv:4: record odk-7b8c9d0e-1f2a-4b3c-8d4e-6f7a8b9c0d1e: from: "yesterday" is not an RFC 3339' -- \
	import outage kobo.csv
check "the same submissions from another export append nothing" 0 "3 records: 1 new, 2 already in the log, 0 rejected" -- \
	import outage central.json
for kind in route_status outage incident stock source; do
	for format in kobo.csv kobo.json central.csv central.json; do
		import "$kind" "$format" >"$WORK/out" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
			echo "FAIL import $kind.$format: exit $rc: $(head -c 1000 "$WORK/out")"
			failed=$((failed + 1))
		fi
	done
done
expect "route statuses" "$(count route_status)" 3
expect "outages" "$(count outage)" 3
expect "incidents" "$(count incident)" 3
expect "stocks" "$(count stock)" 3
expect "sources: 3 of the case and 3 from the form" "$(count source)" 6
check "a select_multiple is a list" 0 '"restricted":\["persons","commercial"\]' -- \
	"$LL" --store "$S" --json show odk-3d4e5f6a-7b8c-4d9e-8f0a-2b3c4d5e6f7a
check "an evidence export lacks the file's hash" 2 "sha256" -- import evidence kobo.csv

# verify-receipt, top level: the entry's bytes, the record's JSON in another
# layout, a flipped byte, another log's key.
ID=odk-6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b
IDX=$("$LL" --store "$S" --json show $ID --receipt "$WORK/receipt" | python3 -c 'import json,sys; print(json.load(sys.stdin)["index"])')
"$LL" --store "$S" log entry --index "$IDX" >"$WORK/entry"
check "a good receipt" 0 "^OK .*entry is entry $IDX of example.org/odk" -- \
	"$LL" --store "$S" verify-receipt "$WORK/receipt" "$WORK/entry"
check "log verify-receipt is the same command" 0 "^OK .*entry is entry $IDX" -- \
	"$LL" --store "$S" log verify-receipt "$WORK/receipt" "$WORK/entry"
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), indent=2))' "$WORK/entry" >"$WORK/pretty.json"
check "the record's JSON pretty-printed" 0 "^OK .*pretty\.json \(as canonical JSON\) is entry $IDX" -- \
	"$LL" --store "$S" verify-receipt "$WORK/receipt" "$WORK/pretty.json"
sed 's/"vehicles":4/"vehicles":5/' "$WORK/entry" >"$WORK/edited"
check "an edited record" 1 "^FAIL .*receipt" -- "$LL" --store "$S" verify-receipt "$WORK/receipt" "$WORK/edited"
python3 - "$WORK/receipt" "$WORK/flipped" <<'PY'
import base64, sys
lines = open(sys.argv[1]).read().split("\n")
# The first proof hash follows the "index N" line; flip one bit of it.
i = next(k for k, l in enumerate(lines) if l.startswith("index ")) + 1
h = bytearray(base64.b64decode(lines[i]))
h[0] ^= 1
lines[i] = base64.b64encode(bytes(h)).decode()
open(sys.argv[2], "w").write("\n".join(lines))
PY
check "a flipped byte in the proof" 1 "^FAIL .*flipped" -- "$LL" --store "$S" verify-receipt "$WORK/flipped" "$WORK/entry"
"$LL" init --origin example.org/odk "$WORK/other" >/dev/null
check "another log's key, offline" 1 "FAIL|checkpoint" -- \
	"$LL" verify-receipt --vkey "$WORK/other/log.vkey" "$WORK/receipt" "$WORK/entry"
check "the right key, offline" 0 "^OK " -- "$LL" verify-receipt --vkey "$S/log.vkey" "$WORK/receipt" "$WORK/entry"
finish
