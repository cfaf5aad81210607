#!/bin/bash
# The demo: what Lifeline's verifiable log does, end to end, on this machine.
#   scripts/demo.sh BUILD_DIR
# Creates demo-store/ (a store) and demo-tiles/ (its static tlog-tiles export)
# in the working tree, appends sample records, and shows every way an
# outsider can check them. Re-running starts afresh.
set -euo pipefail
BUILD=${1:-build}
LL=$BUILD/cmd/lifeline/lifeline
STORE=${DEMO_STORE:-demo-store}
TILES=${DEMO_TILES:-demo-tiles}
rm -rf "$STORE" "$TILES"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Create a store with a fresh Ed25519 signing key"
"$LL" init --origin demo.lifeline.invalid/log "$STORE"

step "2. Append sample records (one JSON record per line)"
cat <<'RECORDS' | "$LL" --store "$STORE" log append
{"kind":"source","id":"src-demo-1","publisher":"Demo Monitor","title":"Daily crossing tally"}
{"kind":"route","id":"road-1","name":"The only road in","sources":["src-demo-1"]}
{"kind":"route_status","route":"road-1","from":"2022-12-12T10:30:00Z","status":"closed","sources":["src-demo-1"]}
{"kind":"movement","route":"road-1","date":"2022-12-20","direction":"in","operator":"ICRC","vehicles":2,"patients":0,"sources":["src-demo-1"]}
RECORDS
seq -f '{"kind":"note","n":%.0f,"text":"sample entry to fill the tree past one tile"}' 1 300 |
	"$LL" --store "$STORE" log append

step "3. The signed checkpoint (C2SP tlog-checkpoint in a signed note)"
"$LL" --store "$STORE" log checkpoint

step "4. A receipt proving record 3 is in the log (c2sp.org/tlog-proof@v1)"
"$LL" --store "$STORE" log prove --index 3

step "5. Consistency: the tree of 4 records is a prefix of today's"
"$LL" --store "$STORE" log consistency --from 4

step "6. Export the log as static tiles any tlog client can read"
"$LL" --store "$STORE" log export-tiles "$TILES"
find "$TILES" -type f | sort | head -12

step "7. Verify: recompute every hash, tile and checkpoint"
"$LL" --store "$STORE" verify
"$LL" --store "$STORE" verify --tiles "$TILES"

TV=../shared/tools/tlog-verify/run.sh
if [ -x "$TV" ] && command -v go >/dev/null; then
	step "8. The independent verifier (Go, golang.org/x/mod) agrees"
	"$TV" tiles "$STORE/log.vkey" "$TILES"
fi

printf '\nStore: %s   Tiles: %s   Verifier key: %s\n' "$STORE" "$TILES" "$(cat "$STORE/log.vkey")"
