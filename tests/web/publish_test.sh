#!/bin/bash
# The dashboard in Debian's chromium from a `lifeline publish` directory of
# the bundled Lachin case, served by Debian's nginx alone (no Lifeline
# process runs while the browser reads it).
#
#   publish_test.sh LIFELINE_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
SRC=$2
if [ ! -f "$SRC/web/vendor/leaflet/leaflet-src.esm.js" ] || [ ! -d "$SRC/web/node_modules/playwright-core" ]; then
	echo "publish_test: web/vendor or playwright-core is missing: run scripts/web.sh (make build does)" >&2
	exit 1
fi
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx's worker (nobody, under root) reads the publication
# shellcheck source=../publish/nginx.sh
. "$SRC/tests/publish/nginx.sh"
trap 'stop_nginx; rm -rf "$WORK"' EXIT
"$LL" init --origin example.org/web-publish "$WORK/store" >/dev/null
"$LL" --store "$WORK/store" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
"$LL" --store "$WORK/store" -q publish --web "$SRC/web" --cases-dir "$SRC/data/cases" "$WORK/pub"
start_nginx "$WORK" "$WORK/pub"
LIFELINE_URL=$NGINX_URL node "$SRC/tests/web/publish.test.mjs"
