#!/bin/bash
# The demo: Lifeline's verifiable record log on the two bundled cases, end to
# end, on this machine, through the same code: the Lachin corridor
# (2022-23) and humanitarian access to the Gaza Strip (2023-24, its daily
# truck counts imported from a CSV through a TOML mapping); it ends by
# serving the dashboard.
#   scripts/demo.sh BUILD_DIR
# Creates demo-store/ (an SQLite store), demo-tiles/ (its static tlog-tiles
# export) and the English situation report of each case in demo-store/ in
# the working tree, then runs `lifeline serve` on 127.0.0.1:$DEMO_PORT
# (default 8080) until interrupted. Re-running starts afresh. DEMO_SERVE=0
# skips serving.
set -euo pipefail
BUILD=${1:-build}
LL=$BUILD/cmd/lifeline/lifeline
STORE=${DEMO_STORE:-demo-store}
TILES=${DEMO_TILES:-demo-tiles}
CASE=data/cases/lachin-2022-23/records.jsonl
GAZA=data/cases/gaza-access-2023-24
rm -rf "$STORE" "$TILES"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Create a store with a fresh Ed25519 signing key"
"$LL" init --origin demo.lifeline.invalid/cases "$STORE"

step "2. Import the bundled, sourced case: the blockade of the Lachin corridor (2022-23)"
"$LL" --store "$STORE" import "$CASE"
step "   Importing it again adds nothing"
"$LL" --store "$STORE" import "$CASE"
step "   The second case: Gaza's sourced records, then its daily truck counts (a CSV) through a TOML mapping"
"$LL" --store "$STORE" import "$GAZA/records.jsonl"
"$LL" --store "$STORE" import --case gaza-access-2023-24 --mapping "$GAZA/trucks.toml" "$GAZA/gaza_food_trucks.csv"

step "3. Every change of the corridor's status, with its computed corroboration"
"$LL" --store "$STORE" list --kind route_status --case lachin-2022-23

step "4. One record: its sources, the parties' claims for and against, and its inclusion proof"
"$LL" --store "$STORE" show rs-2022-12-12-closure --receipt "$STORE/closure.tlog-proof" | tail -n 22

step "5. The signed checkpoint every number will name (C2SP tlog-checkpoint)"
"$LL" --store "$STORE" log checkpoint

step "6. Export the log as static tiles any tlog client can read, and verify everything"
"$LL" --store "$STORE" log export-tiles "$TILES"
"$LL" --store "$STORE" verify
"$LL" --store "$STORE" verify --tiles "$TILES"
"$LL" --store "$STORE" reindex

TV=../shared/tools/tlog-verify/run.sh
if [ -x "$TV" ] && command -v go >/dev/null; then
	step "7. The independent verifier (Go, golang.org/x/mod) agrees"
	"$TV" tiles "$STORE/log.vkey" "$TILES"
	index=$("$LL" --store "$STORE" --json show rs-2022-12-12-closure | sed -n 's/.*"index":\([0-9]*\).*/\1/p')
	"$LL" --store "$STORE" log entry --index "$index" >"$STORE/closure.entry"
	"$TV" proof "$STORE/log.vkey" "$STORE/closure.tlog-proof" "$STORE/closure.entry"
fi

step "8. The headline figures: blockade days on the lifeline road, supplies against the pre-blockade imports, patients as a best estimate, deaths by party"
"$LL" --store "$STORE" headline --case lachin-2022-23

step "8b. Compliance with each obligation, day by day, from the records at that checkpoint"
"$LL" --store "$STORE" compliance --case lachin-2022-23

step "9. Daily indicators for the week of the 15 June 2023 incident at the Hakari bridge"
"$LL" --store "$STORE" indicators --case lachin-2022-23 --from 2023-06-12 --to 2023-06-18 | sed -n 1,14p

step "10. A forecast of food stocks under an illustrative scenario (hypothetical inputs, see the file)"
"$LL" --store "$STORE" forecast --case lachin-2022-23 --scenario data/cases/lachin-2022-23/scenarios/airlift.toml |
	sed -n 1,14p

step "11. The English situation report, and a check of every figure in it against the log"
SITREP=$STORE/sitrep-lachin-2022-23-en.html
"$LL" --store "$STORE" report --case lachin-2022-23 --lang en -o "$SITREP"
"$LL" --store "$STORE" verify-report "$SITREP" | tail -n 1

step "12. The Gaza case through the same code: headline figures (blockade days on the combined crossings, trucks against the pre-war 500 a day, both parties' counts side by side)"
"$LL" --store "$STORE" headline --case gaza-access-2023-24

step "12b. Compliance with the ICJ order of 24 May 2024 (Rafah crossing), to the end of May 2024"
"$LL" --store "$STORE" compliance --case gaza-access-2023-24 --to 2024-05-31 | sed -n 1,8p

step "12c. Daily indicators for the week Kerem Shalom opened to aid trucks (17 December 2023)"
"$LL" --store "$STORE" indicators --case gaza-access-2023-24 --from 2023-12-15 --to 2023-12-21 | sed -n 1,12p

step "12d. A forecast of food stocks under an illustrative scenario (hypothetical inputs, see the file)"
"$LL" --store "$STORE" forecast --case gaza-access-2023-24 --scenario "$GAZA/scenarios/food-trucks.toml" | sed -n 1,14p

step "12e. The Gaza situation report, and a check of every figure in it against the log"
GAZA_SITREP=$STORE/sitrep-gaza-access-2023-24-en.html
"$LL" --store "$STORE" report --case gaza-access-2023-24 --lang en -o "$GAZA_SITREP"
"$LL" --store "$STORE" verify-report "$GAZA_SITREP" | tail -n 1

PORT=${DEMO_PORT:-8080}
printf '\nStore: %s   Tiles: %s   Verifier key: %s\n' "$STORE" "$TILES" "$(cat "$STORE/log.vkey")"
for report in "$SITREP" "$GAZA_SITREP"; do
	printf 'Situation report: %s\n' "$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
done
if [ "${DEMO_SERVE:-1}" != 0 ]; then
	printf 'Dashboard: http://127.0.0.1:%s/   API: http://127.0.0.1:%s/openapi.json   (Ctrl-C stops it)\n' "$PORT" "$PORT"
	step "13. Serving the dashboard, the API and the log's tiles on 127.0.0.1:$PORT"
	exec "$LL" --store "$STORE" serve --port "$PORT"
fi
