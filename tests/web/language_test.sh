#!/bin/bash
# The report and the dashboard, rendered in every language by Debian's
# chromium (npm playwright-core) against a real `lifeline serve` of the
# bundled cases (run once per case: Lachin, then Gaza): no English outside
# quoted record content, no raw message key, no line printed twice
# (tests/web/language.test.mjs).
#
#   language_test.sh LIFELINE_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
SRC=$2
# shellcheck source=lachin_server.sh
. "$SRC/tests/web/lachin_server.sh"
serve_cases language_test "$LL" "$SRC"
for case_id in lachin-2022-23 gaza-access-2023-24; do
	LIFELINE_URL=$URL LIFELINE_CASE=$case_id node "$SRC/tests/web/language.test.mjs"
done
