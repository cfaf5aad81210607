#!/bin/bash
# The dashboard's pinned keys and witness checks (web/js/trust.js) in
# Debian's chromium against a real `lifeline serve` whose answers the test
# rewrites in transit (playwright's page.route: the hostile server). The
# store holds the bundled Lachin case and is cosigned by two test witnesses
# (tests/test_witness_main.cc) under the quorum "all". Made here, for the
# test to serve in transit: the cosigned checkpoint of an older size, and a
# fork: a copy of the store grown by other entries to the same size, cosigned
# by witnesses with the same keys that never saw the honest log.
#
#   trust_test.sh LIFELINE_BINARY TEST_WITNESS_BINARY SOURCE_DIR
set -euo pipefail
LL=$1
TW=$2
SRC=$3
if [ ! -d "$SRC/web/node_modules/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
	echo "trust_test: playwright-core or /usr/bin/chromium is missing: run scripts/web.sh and scripts/deps.sh" >&2
	exit 1
fi
# shellcheck source=../cli/serve.sh
. "$SRC/tests/cli/serve.sh"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
	stop_server
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

# start_witness OUT NAME SEED LOG_VKEY_FILE: a test witness; its url and vkey in OUT.
start_witness() {
	"$TW" "witness.example/$2" "$3" "$4" >"$1" 2>"$1.err" &
	PIDS+=($!)
	for _ in $(seq 200); do grep -q '^vkey ' "$1" && return 0; sleep 0.05; done
	echo "trust_test: witness $2 did not start: $(cat "$1.err")" >&2
	exit 1
}
url_of() { sed -n 's/^url //p' "$1"; }
vkey_of() { sed -n 's/^vkey //p' "$1"; }

S=$WORK/store
"$LL" init --origin example.org/trust-test "$S" >/dev/null
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
for w in w1 w2; do
	start_witness "$WORK/$w.out" "$w" "${w#w}1" "$S/log.vkey"
	"$LL" --store "$S" -q witness add "$(url_of "$WORK/$w.out")" "$(vkey_of "$WORK/$w.out")" --name "$w" >/dev/null
done
"$LL" --store "$S" -q witness quorum all >/dev/null
"$LL" --store "$S" -q witness push --timeout 10 >/dev/null
cp "$S/checkpoint.cosigned" "$WORK/older.cosigned"

# The fork: same key, same size as the honest log will have, other entries.
cp -r "$S" "$WORK/fork"
rm -f "$WORK/fork/witness-state.json" "$WORK/fork/LOCK" "$WORK/fork/witness.lock"
printf 'fork entry %s\n' 1 2 3 | "$LL" --store "$WORK/fork" -q log append
for w in w1 w2; do
	start_witness "$WORK/fork-$w.out" "$w" "${w#w}1" "$S/log.vkey"
	sed -i "s|$(url_of "$WORK/$w.out")|$(url_of "$WORK/fork-$w.out")|" "$WORK/fork/witness-policy"
done
"$LL" --store "$WORK/fork" -q witness push --timeout 10 >/dev/null

printf 'honest entry %s\n' 1 2 3 | "$LL" --store "$S" -q log append
"$LL" --store "$S" -q witness push --timeout 10 >/dev/null

start_server "$LL" "$S" --web "$SRC/web" --cases-dir "$SRC/data/cases" || exit 1
LIFELINE_URL=$URL LIFELINE_FINGERPRINT=$("$LL" --store "$S" vkey --fingerprint) \
	LIFELINE_OLDER=$WORK/older.cosigned LIFELINE_FORK=$WORK/fork/checkpoint.cosigned \
	node "$SRC/tests/web/trust.test.mjs"
