#!/bin/sh
# DEVELOPMENT AID: runs the dashboard's unit tests and browser tests against
# tests/web/fixture-server.mjs (fixtures made by the real CLI) instead of
# `lifeline serve`. The registered browser test runs against the real server.
#
#   tests/web/run-fixture-tests.sh [BUILD_DIR]
#
# Fixtures go to $LIFELINE_FIXTURES (default BUILD_DIR/web-fixtures) and are
# remade when the lifeline binary is newer; screenshots to
# $LIFELINE_SCREENSHOTS (default build/screenshots).
set -eu
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
BIN=$BUILD/cmd/lifeline/lifeline
FIX=${LIFELINE_FIXTURES:-$BUILD/web-fixtures}
[ -x "$BIN" ] || { echo "run-fixture-tests: no $BIN (build it first)" >&2; exit 2; }
scripts/web.sh
node --test tests/web/unit/
if [ ! -f "$FIX/records.json" ] || [ "$BIN" -nt "$FIX/records.json" ] ||
	[ data/cases/lachin-2022-23/records.jsonl -nt "$FIX/records.json" ]; then
	node tests/web/make-fixtures.mjs "$BIN" "$FIX"
fi
LOG=$(mktemp)
node tests/web/fixture-server.mjs "$FIX" 0 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$LOG"' EXIT INT TERM
URL=""
for _ in $(seq 50); do
	URL=$(sed -n 's/^listening on //p' "$LOG")
	[ -n "$URL" ] && break
	kill -0 $PID 2>/dev/null || { cat "$LOG" >&2; exit 1; }
	sleep 0.1
done
[ -n "$URL" ] || { echo "run-fixture-tests: the fixture server did not start" >&2; cat "$LOG" >&2; exit 1; }
LIFELINE_URL=$URL node tests/web/dashboard.test.mjs
