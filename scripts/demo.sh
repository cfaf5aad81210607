#!/bin/bash
# The demo: Lifeline's verifiable record log on the bundled Lachin corridor
# case, end to end, on this machine; it ends by serving the dashboard.
#   scripts/demo.sh BUILD_DIR
# Creates demo-store/ (an SQLite store), demo-tiles/ (its static tlog-tiles
# export) and the English situation report in demo-store/ in the working
# tree, then runs `lifeline serve` on 127.0.0.1:$DEMO_PORT (default 8080)
# until interrupted. Re-running starts afresh. DEMO_SERVE=0 skips serving.
set -euo pipefail
BUILD=${1:-build}
LL=$BUILD/cmd/lifeline/lifeline
STORE=${DEMO_STORE:-demo-store}
TILES=${DEMO_TILES:-demo-tiles}
CASE=data/cases/lachin-2022-23/records.jsonl
rm -rf "$STORE" "$TILES"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Create a store with a fresh Ed25519 signing key"
"$LL" init --origin demo.lifeline.invalid/lachin "$STORE"

step "2. Import the bundled, sourced case: the blockade of the Lachin corridor (2022-23)"
"$LL" --store "$STORE" import "$CASE"
step "   Importing it again adds nothing"
"$LL" --store "$STORE" import "$CASE"

step "3. Every change of the corridor's status, with its computed corroboration"
"$LL" --store "$STORE" list --kind route_status

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

PORT=${DEMO_PORT:-8080}
printf '\nStore: %s   Tiles: %s   Verifier key: %s\n' "$STORE" "$TILES" "$(cat "$STORE/log.vkey")"
printf 'Situation report: %s\n' "$(cd "$(dirname "$SITREP")" && pwd)/$(basename "$SITREP")"
if [ "${DEMO_SERVE:-1}" != 0 ]; then
	printf 'Dashboard: http://127.0.0.1:%s/   API: http://127.0.0.1:%s/openapi.json   (Ctrl-C stops it)\n' "$PORT" "$PORT"
	step "12. Serving the dashboard, the API and the log's tiles on 127.0.0.1:$PORT"
	exec "$LL" --store "$STORE" serve --port "$PORT"
fi
