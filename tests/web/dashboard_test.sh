#!/bin/bash
# The dashboard in Debian's chromium (npm playwright-core) against a real
# `lifeline serve` of both bundled cases (the browser test runs once per
# case: Lachin, then Gaza), and the front end's unit tests
# (the in-browser proof check against the RFC 6962 vectors, the message
# catalogues). Screenshots go to $LIFELINE_SCREENSHOTS (default
# BUILD/screenshots).
#
#   dashboard_test.sh LIFELINE_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
SRC=$2
# shellcheck source=lachin_server.sh
. "$SRC/tests/web/lachin_server.sh"
serve_cases dashboard_test "$LL" "$SRC"
LIFELINE_SHARED_DIR=$SRC/../shared node --test "$SRC/tests/web/unit/"
SHOTS=${LIFELINE_SCREENSHOTS:-$(dirname "$(dirname "$(dirname "$LL")")")/screenshots}
LIFELINE_URL=$URL LIFELINE_CASE=lachin-2022-23 LIFELINE_SCREENSHOTS=$SHOTS node "$SRC/tests/web/dashboard.test.mjs"
LIFELINE_URL=$URL LIFELINE_CASE=gaza-access-2023-24 LIFELINE_SCREENSHOTS=$SHOTS/gaza-access-2023-24 \
	node "$SRC/tests/web/dashboard.test.mjs"
