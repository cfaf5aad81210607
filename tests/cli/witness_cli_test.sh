#!/bin/bash
# `lifeline witness` through the binary with three or four loopback
# witnesses (the suite's tlog-witness, `test_witness`): configuration and
# the policy file, push with quorum met and not met (witnesses down), a bad
# cosignature rejected, 409 recovery after the acknowledged sizes are lost,
# policy errors naming line and field, and the cosigned checkpoint checked
# by the independent Go verifier (tlog-verify `cosig`).
#
#   witness_cli_test.sh LIFELINE_BINARY TEST_WITNESS_BINARY TLOG_VERIFY_RUN_SH
set -uo pipefail
LL=$1
TW=$2
TV=$3
WORK=$(mktemp -d)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

S=$WORK/store
"$LL" init --origin example.org/witness-cli "$S" >/dev/null
seq -f 'entry %.0f' 0 9 >"$WORK/a"
"$LL" --store "$S" -q log append --keep-newline --file "$WORK/a"

# start_witness NAME SEED [bad-cosignature]: starts one, records its pid.
declare -A PID
start_witness() {
	"$TW" "witness.example/$1" "$2" "$S/log.vkey" ${3:-} >"$WORK/$1.out" 2>"$WORK/$1.err" &
	PID[$1]=$!
	PIDS+=($!)
	for _ in $(seq 200); do grep -q '^vkey ' "$WORK/$1.out" && return 0; sleep 0.05; done
	echo "FAIL: witness $1 did not start: $(cat "$WORK/$1.err")"
	exit 1
}
url_of() { sed -n 's/^url //p' "$WORK/$1.out"; }
vkey_of() { sed -n 's/^vkey //p' "$WORK/$1.out"; }
stop_witness() { kill "${PID[$1]}" && wait "${PID[$1]}" 2>/dev/null; }

for w in w1 w2 w3; do start_witness "$w" $((${w#w} + 10)); done

check "push without witnesses exits 3" 3 "no witnesses configured.*lifeline witness add" -- \
	"$LL" --store "$S" witness push
check "a log key is not a witness key" 2 "VKEY: cosignature verifier key" -- \
	"$LL" --store "$S" witness add "$(url_of w1)" "$(cat "$S/log.vkey")"
check "URL must be http(s)" 2 "URL: URL \"ftp://x\"" -- \
	"$LL" --store "$S" witness add ftp://x "$(vkey_of w1)"
check "add w1" 0 "added witness w1 \(http://127.0.0.1:[0-9]+\); quorum: 1 of 1 \(w1\)" -- \
	"$LL" --store "$S" witness add "$(url_of w1)" "$(vkey_of w1)" --name w1
check "add w2" 0 "added witness w2" -- "$LL" --store "$S" witness add "$(url_of w2)/" "$(vkey_of w2)" --name w2
check "add w3 under its key name" 0 "added witness witness.example/w3" -- \
	"$LL" --store "$S" witness add "$(url_of w3)" "$(vkey_of w3)"
check "the same key twice is refused" 2 "duplicates the key of witness \"w1\"" -- \
	"$LL" --store "$S" witness add "$(url_of w1)" "$(vkey_of w1)" --name again
check "quorum larger than the witnesses" 2 "quorum 4 is not between 1 and the 3" -- \
	"$LL" --store "$S" witness quorum 4
check "quorum 2" 0 "quorum: 2 of 3 \(w1, w2, witness.example/w3\)" -- "$LL" --store "$S" witness quorum 2
check "policy file" 0 "group lifeline-quorum 2 w1 w2 witness.example/w3" -- "$LL" --store "$S" witness policy
expect "policy lists the log" "$(grep -c "^log $(cat "$S/log.vkey")\$" "$S/witness-policy")" 1

check "push: all three cosign" 0 "checkpoint example.org/witness-cli size 10: 3 cosignature\(s\); quorum 2 of 3.*: met" -- \
	"$LL" --store "$S" witness push --timeout 5
"$LL" --store "$S" log checkpoint >"$WORK/latest"
check "the cosigned checkpoint extends the log's note" 0 "" -- \
	cmp -n "$(wc -c <"$WORK/latest")" "$WORK/latest" "$S/checkpoint.cosigned"
expect "3 cosignature lines after the log's" "$(($(wc -l <"$S/checkpoint.cosigned") - $(wc -l <"$WORK/latest")))" 3
for w in w1 w2 w3; do
	check "tlog-verify accepts the cosignature of $w" 0 "^OK cosigner=witness.example/$w time=" -- \
		"$TV" cosig "$(vkey_of "$w")" "$S/checkpoint.cosigned"
done
check "list shows the acknowledged sizes" 0 "^w1	http://127.0.0.1:[0-9]+	acknowledged 10	" -- \
	"$LL" --store "$S" witness list

# Two witnesses down: 1 of 2 required is missing.
stop_witness w2
stop_witness w3
seq -f 'entry %.0f' 10 14 | "$LL" --store "$S" -q log append --keep-newline
check "quorum not met exits 1" 1 "quorum 2 of 3 .*: NOT met" -- "$LL" --store "$S" witness push --timeout 2
check "a witness down is reported" 1 "^w2	failed	http://127.0.0.1:[0-9]+/	POST .*could not connect" -- \
	"$LL" --store "$S" witness push --timeout 2
check "json report" 1 '"quorum_met":false' -- "$LL" --store "$S" --json witness push --timeout 2
check "tlog-verify: w1 cosigned size 15" 0 "^OK cosigner=witness.example/w1" -- \
	"$TV" cosig "$(vkey_of w1)" "$S/checkpoint.cosigned"
check "tlog-verify: no cosignature of w2 for size 15" 1 "no cosignature" -- \
	"$TV" cosig "$(vkey_of w2)" "$S/checkpoint.cosigned"

# A hand edit with an error: named by line and field; nothing else written.
cp "$S/witness-policy" "$WORK/policy.good"
echo "group broken 5 w1" >>"$S/witness-policy"
line=$(wc -l <"$S/witness-policy")
check "bad policy names line and field" 2 "witness-policy line $line: group: threshold 5 is not between 1 and the 1 members" -- \
	"$LL" --store "$S" witness push
cp "$WORK/policy.good" "$S/witness-policy"

# Removing: down to 2 of 2, then refused (lower the quorum first).
check "remove" 0 "removed witness witness.example/w3; quorum: 2 of 2" -- \
	"$LL" --store "$S" witness remove witness.example/w3
check "remove refused below the quorum" 4 "lower it first" -- "$LL" --store "$S" witness remove w2
check "quorum any" 0 "quorum: 1 of 2" -- "$LL" --store "$S" witness quorum any
check "remove w2" 0 "removed witness w2" -- "$LL" --store "$S" witness remove w2

# A witness returning a bad cosignature is rejected.
start_witness w4 14 bad-cosignature
check "add w4" 0 "added" -- "$LL" --store "$S" witness add "$(url_of w4)" "$(vkey_of w4)" --name w4
check "bad cosignature rejected" 0 "^w4	failed	.*bad cosignature rejected: cosignature by witness.example/w4" -- \
	"$LL" --store "$S" witness push
check "quorum met without w4" 0 "1 cosignature\(s\); quorum 1 of 2 \(w1, w4\): met" -- "$LL" --store "$S" witness push
check "tlog-verify: no cosignature of w4" 1 "no cosignature" -- \
	"$TV" cosig "$(vkey_of w4)" "$S/checkpoint.cosigned"

# The acknowledged sizes are lost: a 409 tells w1's size, one retry recovers.
rm "$S/witness-state.json"
seq -f 'entry %.0f' 15 19 | "$LL" --store "$S" -q log append --keep-newline
check "409 recovery" 0 "w1	cosigned	.*from size 15 \(after 409\)" -- "$LL" --store "$S" witness push
check "tlog-verify: w1 cosigned size 20" 0 "^OK cosigner=witness.example/w1" -- \
	"$TV" cosig "$(vkey_of w1)" "$S/checkpoint.cosigned"
expect "the cosigned checkpoint is of size 20" "$(sed -n 2p "$S/checkpoint.cosigned")" 20

# lifeline serve publishes the cosigned checkpoint at /checkpoint: it pushes
# once at start, and again after each write through the API.
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"
seq -f 'entry %.0f' 20 24 | "$LL" --store "$S" -q log append --keep-newline
monitor=$("$LL" --store "$S" -q token create --role monitor)
start_server "$LL" "$S" --web "" || exit 1
PIDS+=("$SERVER_PID")  # stopped by cleanup (serve.sh leaves the EXIT trap to us)
PIDS+=("$SERVER_PID")
# wait_cosigned SIZE: until /checkpoint is of SIZE and carries w1's cosignature.
wait_cosigned() {
	for _ in $(seq 100); do
		curl -s "$URL/checkpoint" >"$WORK/served"
		[ "$(sed -n 2p "$WORK/served")" = "$1" ] && grep -q "^— witness.example/w1 " "$WORK/served" && return 0
		sleep 0.1
	done
	return 1
}
wait_cosigned 25
check "serve: pushed at start, cosigned size 25 served" 0 "^OK cosigner=witness.example/w1" -- \
	"$TV" cosig "$(vkey_of w1)" "$WORK/served"
RECS='[{"kind":"source","id":"src-w","case":"case-w","publisher":"P","title":"T","published":"2024-01-01"},
{"kind":"case","id":"case-w","title":"A case","region":"R","started":"2024-01-01","public":true,"sources":["src-w"]}]'
expect "serve: a write" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $monitor" \
	-H 'Content-Type: application/json' --data "$RECS" "$URL/api/v1/records")" 201
wait_cosigned 27
check "serve: pushed after the write, cosigned size 27 served" 0 "^OK cosigner=witness.example/w1" -- \
	"$TV" cosig "$(vkey_of w1)" "$WORK/served"
check "serve: tiles of the cosigned log" 0 "" -- "$TV" tiles "$(cat "$S/log.vkey")" "$URL"

finish
