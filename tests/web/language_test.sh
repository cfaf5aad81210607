#!/bin/bash
# The report and the dashboard, rendered in every language by Debian's
# chromium (npm playwright-core) against a real `lifeline serve` of the
# bundled Lachin case: no English outside quoted record content, no raw
# message key, no line printed twice (tests/web/language.test.mjs).
#
#   language_test.sh LIFELINE_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
# shellcheck source=../cli/serve.sh
. "$SRC/tests/cli/serve.sh"
if [ ! -d "$SRC/web/node_modules/playwright-core" ] || [ ! -f "$SRC/web/vendor/leaflet/leaflet-src.esm.js" ]; then
	echo "language_test: web/vendor or playwright-core is missing: run scripts/web.sh (make build does)" >&2
	exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
	echo "language_test: /usr/bin/chromium is missing: run scripts/deps.sh (apt-get install chromium)" >&2
	exit 1
fi
"$LL" init --origin example.org/language "$WORK/store" >/dev/null
"$LL" --store "$WORK/store" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
start_server "$LL" "$WORK/store" --web "$SRC/web" --cases-dir "$SRC/data/cases"
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$WORK"' EXIT
LIFELINE_URL=$URL node "$SRC/tests/web/language.test.mjs"
