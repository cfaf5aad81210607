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
# shellcheck source=lachin_server.sh
. "$SRC/tests/web/lachin_server.sh"
serve_lachin dashboard_test "$LL" "$SRC"
LIFELINE_SHARED_DIR=$SRC/../shared node --test "$SRC/tests/web/unit/"
LIFELINE_URL=$URL LIFELINE_SCREENSHOTS=${LIFELINE_SCREENSHOTS:-$(dirname "$(dirname "$(dirname "$LL")")")/screenshots} \
	node "$SRC/tests/web/dashboard.test.mjs"
