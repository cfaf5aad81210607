#!/bin/bash
# The dashboard in Debian's chromium (npm playwright-core) against a real
# `lifeline serve` of the bundled Lachin case, and the front end's unit tests
# (the in-browser proof check against the RFC 6962 vectors, the message
# catalogues). Screenshots go to $LIFELINE_SCREENSHOTS (default
# BUILD/screenshots).
#
#   dashboard_test.sh LIFELINE_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
# shellcheck source=../cli/serve.sh
. "$SRC/tests/cli/serve.sh"
if [ ! -f "$SRC/web/vendor/leaflet/leaflet-src.esm.js" ] || [ ! -d "$SRC/web/node_modules/playwright-core" ]; then
	echo "dashboard_test: web/vendor or playwright-core is missing: run scripts/web.sh (make build does)" >&2
	exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
	echo "dashboard_test: /usr/bin/chromium is missing: run scripts/deps.sh (apt-get install chromium)" >&2
	exit 1
fi
LIFELINE_SHARED_DIR=$SRC/../shared node --test "$SRC/tests/web/unit/"
"$LL" init --origin example.org/dashboard "$WORK/store" >/dev/null
"$LL" --store "$WORK/store" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
start_server "$LL" "$WORK/store" --web "$SRC/web" --cases-dir "$SRC/data/cases"
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
LIFELINE_URL=$URL LIFELINE_SCREENSHOTS=${LIFELINE_SCREENSHOTS:-$(dirname "$(dirname "$(dirname "$LL")")")/screenshots} \
	node "$SRC/tests/web/dashboard.test.mjs"
