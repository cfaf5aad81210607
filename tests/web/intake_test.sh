#!/bin/bash
# The dashboard's field forms (web/js/pages/intake.js) in Debian's chromium
# against a real `lifeline serve` of the bundled Lachin case, with a monitor
# and a viewer token: offline fill, reload, send, receipt (tests/web/intake.test.mjs).
#
#   intake_test.sh LIFELINE_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
SRC=$2
# shellcheck source=lachin_server.sh
. "$SRC/tests/web/lachin_server.sh"
serve_lachin intake_test "$LL" "$SRC"
S=$LACHIN_WORK/store
MONITOR=$("$LL" --store "$S" token create --role monitor --label intake-test 2>/dev/null | head -1)
VIEWER=$("$LL" --store "$S" token create --role viewer --label intake-test 2>/dev/null | head -1)
MONITOR2=$("$LL" --store "$S" token create --role monitor --label intake-test-2 2>/dev/null | head -1)
VERIFIER=$("$LL" --store "$S" token create --role verifier --label intake-test 2>/dev/null | head -1)
LIFELINE_URL=$URL LIFELINE_MONITOR=$MONITOR LIFELINE_MONITOR2=$MONITOR2 LIFELINE_VERIFIER=$VERIFIER LIFELINE_VIEWER=$VIEWER LIFELINE_BIN=$LL LIFELINE_STORE=$S \
	node "$SRC/tests/web/intake.test.mjs"
