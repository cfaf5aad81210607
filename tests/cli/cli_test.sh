#!/bin/bash
# Bad input at the command line: each case gets a clear error naming what and
# where, the documented exit code (docs/cli.md), and nothing half-written.
#
#   cli_test.sh LIFELINE_BINARY
set -uo pipefail
LL=$1
WORK=$(mktemp -d)
MNT=""
cleanup() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"

S=$WORK/store
check "init" 0 "created store" -- "$LL" init --origin example.org/cli "$S"
check "init twice" 4 "already holds a store" -- "$LL" init --origin example.org/cli "$S"
check "init bad origin" 2 "origin" -- "$LL" init --origin "bad name" "$WORK/bad"
[ ! -e "$WORK/bad" ]
expect "bad init leaves nothing" "$?" 0
check "key mode 0600" 0 "^600$" -- stat -c %a "$S/log.key"
check "confidential key mode 0600" 0 "^600$" -- stat -c %a "$S/confidential.key"
check "no store given" 2 "no store given" -- env -u LIFELINE_STORE "$LL" log checkpoint
check "missing store" 3 "no store at $WORK/nowhere" -- "$LL" --store "$WORK/nowhere" log checkpoint
check "store from env" 0 "example.org/cli" -- env LIFELINE_STORE="$S" "$LL" log checkpoint
check "unknown command" 2 "" -- "$LL" --store "$S" log frobnicate

printf 'a\nb\nc\n' | "$LL" --store "$S" -q log append
cp0=$("$LL" --store "$S" log checkpoint)
check "append ok" 0 "appended 2 entries at 3..4" -- sh -c "printf 'd\ne\n' | '$LL' --store '$S' log append"
cp1=$("$LL" --store "$S" log checkpoint)

# An oversized entry on line 3: named, and nothing appended.
{ echo one; echo two; head -c 70000 /dev/zero | tr '\0' x; echo; echo four; } >"$WORK/big.txt"
check "oversized entry" 2 "big.txt:3: entry is 70000 bytes; the limit is 65535" -- \
	"$LL" --store "$S" log append --file "$WORK/big.txt"
expect "oversized: nothing appended" "$("$LL" --store "$S" log checkpoint)" "$cp1"
check "bad base64" 2 "stdin:2: .*base64" -- sh -c "printf 'YQ==\nnot base64!\n' | '$LL' --store '$S' log append --base64"
expect "bad base64: nothing appended" "$("$LL" --store "$S" log checkpoint)" "$cp1"
check "missing input file" 5 "nope.txt" -- "$LL" --store "$S" log append --file "$WORK/nope.txt"

# A file is read in blocks of 1 MiB, twice (checked whole, then appended):
# lines that cross a block boundary, and the line numbers after one, come
# out exactly as the file has them. Own store, so the sizes above hold.
L=$WORK/lines
"$LL" init --origin example.org/lines "$L" >/dev/null
awk 'BEGIN { for (i = 1; i <= 3000; i++) { s = sprintf("line %d ", i); while (length(s) < 300 + i % 700) s = s "x"; print s } }' \
	>"$WORK/lines.txt"
printf 'no newline at the end' >>"$WORK/lines.txt"
check "blocks: append" 0 "appended 3001 entries at 0..3000" -- "$LL" --store "$L" log append --batch 700 --file "$WORK/lines.txt"
# The line that holds byte 1 MiB (1-based), so entries b-2, b-1 and b.
b=$(awk '{ n += length($0) + 1; if (n > 1048576) { print NR; exit } }' "$WORK/lines.txt")
for i in 0 $((b - 2)) $((b - 1)) $b 2999 3000; do
	expect "blocks: entry $i" "$("$LL" --store "$L" log entry --index $i)" "$(sed -n "$((i + 1))p" "$WORK/lines.txt")"
done
cpl=$("$LL" --store "$L" log checkpoint)
head -2999 "$WORK/lines.txt" | python3 -c 'import base64, sys
for l in sys.stdin.buffer: print(base64.b64encode(l.rstrip(b"\n")).decode())' >"$WORK/lines.b64"
echo 'not base64!' >>"$WORK/lines.b64"
check "blocks: bad base64 on the last line" 2 "lines.b64:3000: .*base64" -- \
	"$LL" --store "$L" log append --base64 --file "$WORK/lines.b64"
{ echo first; head -c 3000000 /dev/zero | tr '\0' y; } >"$WORK/endless.txt"
check "blocks: a line with no end" 2 "endless.txt:2: a line of more than" -- \
	"$LL" --store "$L" log append --file "$WORK/endless.txt"
expect "blocks: nothing appended after errors" "$("$LL" --store "$L" log checkpoint)" "$cpl"

# Another writer holds the lock (an SQLite store has one writer; on
# PostgreSQL several may append at once: pg_cli_test.sh).
if on_sqlite; then
	flock -n "$S/LOCK" -c "sleep 3" &
	holder=$!
	sleep 0.5
	check "locked store" 4 "locked by another writer" -- sh -c "echo x | '$LL' --store '$S' log append"
	wait $holder
	expect "locked: nothing appended" "$("$LL" --store "$S" log checkpoint)" "$cp1"
	check "readers ignore the lock" 0 "example.org/cli" -- "$LL" --store "$S" log checkpoint
fi

# Out-of-range requests.
check "entry out of range" 3 "index 99 is not below the log size 5" -- "$LL" --store "$S" log entry --index 99
check "prove out of range" 2 "index 5 is not below the checkpoint size 5" -- "$LL" --store "$S" log prove --index 5
check "no checkpoint of size" 3 "no checkpoint of size 4" -- "$LL" --store "$S" log checkpoint --size 4
check "consistency beyond" 2 "beyond the checkpoint size" -- "$LL" --store "$S" log consistency --from 6

# Malformed keys.
cp -r "$S" "$WORK/badkey"
echo "PRIVATE+KEY+example.org/cli+00000000+AAAA" >"$WORK/badkey/log.key"
check "malformed skey" 2 "log.key" -- sh -c "echo x | '$LL' --store '$WORK/badkey' log append"
echo "not a key" >"$WORK/badkey/log.vkey"
check "malformed vkey" 2 "log.vkey" -- "$LL" --store "$WORK/badkey" verify

# Receipts: good, malformed, for the wrong entry, from another log.
"$LL" --store "$S" -q log prove --index 1 -o "$WORK/r1"
printf 'b' >"$WORK/e1"
check "receipt ok" 0 "^OK .* is entry 1 of example.org/cli at size 5" -- \
	"$LL" --store "$S" log verify-receipt "$WORK/r1" "$WORK/e1"
printf 'c' >"$WORK/e2"
check "receipt wrong entry" 1 "FAIL .*r1: .*root" -- "$LL" --store "$S" log verify-receipt "$WORK/r1" "$WORK/e2"
sed 's/^index 1$/index 01/' "$WORK/r1" >"$WORK/r-bad"
check "receipt malformed index" 2 "r-bad: .*index.*leading zero" -- \
	"$LL" --store "$S" log verify-receipt "$WORK/r-bad" "$WORK/e1"
head -c 30 "$WORK/r1" >"$WORK/r-trunc"
check "receipt truncated" 2 "r-trunc" -- "$LL" --store "$S" log verify-receipt "$WORK/r-trunc" "$WORK/e1"
"$LL" init --origin example.org/other "$WORK/other" >/dev/null
check "receipt other log" 1 "checkpoint" -- \
	"$LL" --store "$WORK/other" log verify-receipt "$WORK/r1" "$WORK/e1"

# A malformed or forged checkpoint in a tiles directory.
"$LL" --store "$S" -q log export-tiles "$WORK/tiles"
check "tiles ok" 0 "^OK size 5" -- "$LL" --store "$S" verify --tiles "$WORK/tiles"
sed -i '2s/5/6/' "$WORK/tiles/checkpoint"
check "tiles forged checkpoint" 1 "FAIL checkpoint" -- "$LL" --store "$S" verify --tiles "$WORK/tiles"
printf 'garbage\n' >"$WORK/tiles/checkpoint"
check "tiles malformed checkpoint" 1 "FAIL checkpoint" -- "$LL" --store "$S" verify --tiles "$WORK/tiles"

# JSON output is one object with ok:true / ok:false.
check "json success" 0 '^\{"checkpoint":.*"ok":true' -- "$LL" --store "$S" --json log checkpoint
check "json failure" 3 '"ok":false' -- "$LL" --store "$WORK/nowhere" --json log checkpoint

# forecast: a scenario error names file:line and exits 2 before the store is read.
printf 'horizon_days = 10\n[[commodity]]\nname = "f"\nunit = "kg"\nthreshhold = 1\n' >"$WORK/bad.toml"
check "forecast bad scenario" 2 "bad.toml:5: commodity.threshhold: unknown key" -- \
	"$LL" --store "$S" forecast --case c --scenario "$WORK/bad.toml"
check "forecast no scenario file" 3 "nowhere.toml" -- \
	"$LL" --store "$S" forecast --case c --scenario "$WORK/nowhere.toml"
printf '[[commodity]]\nname = "f"\nunit = "kg"\n' >"$WORK/ok.toml"
check "forecast unknown case" 3 "no current case" -- "$LL" --store "$S" forecast --case nope --scenario "$WORK/ok.toml"
check "forecast bad format" 2 "format" -- "$LL" --store "$S" forecast --case c --scenario "$WORK/ok.toml" --format xml

# Records naming a case that is not in the store: the reason once, with a
# count and what to do, not once per record; --json still lists each.
for i in 1 2 3 4 5; do
	printf '{"kind":"source","id":"src-nocase-%s","case":"no-such-case","publisher":"P","title":"T"}\n' "$i"
done >"$WORK/nocase.jsonl"
out=$("$LL" --store "$S" import "$WORK/nocase.jsonl" 2>&1)
expect "missing case: exit 2" "$?" 2
expect "missing case: said once" "$(grep -c 'refers to "no-such-case"' <<<"$out")" 2
expect "missing case: counted" "$(grep -c '^rejected 4 more records for the same reason' <<<"$out")" 1
expect "missing case: the rejection line ends with its hint" "$(grep -c '^rejected .*: case: refers to "no-such-case".* (hint: the case "no-such-case" is not in the store: `lifeline case new no-such-case` creates it' <<<"$out")" 1
expect "missing case: --json lists each, with its hint" "$("$LL" --store "$S" --json import "$WORK/nocase.jsonl" 2>/dev/null |
	python3 -c 'import json,sys; r=json.load(sys.stdin)["rejections"]; print(len([x for x in r if x["hint"].startswith("the case \"no-such-case\" is not in the store")]))')" 5

# case new: a new case's first records, checked before a file is written.
CN=$WORK/cn
check "case new" 0 "wrote 4 records to $CN/records.jsonl" -- "$LL" case new siege-test-2024 -o "$CN" \
	--title "Siege of Testville" --region Testville --started 2024-01-05 --country SYR --population 40000 \
	--source-publisher "UN OCHA" --source-title "Flash update 1" --source-url https://example.org/fu1 \
	--route "Northern road|road|Testville|Capital" --route "Airport|air" --public </dev/null
expect "case new: the routes are the case's lifelines" "$(head -1 "$CN/records.jsonl" | python3 -c '
import json,sys; r=json.load(sys.stdin); print(r["lifeline_routes"], r["population"][0]["count"], r["public"])')" \
	"['rt-northern-road', 'rt-airport'] 40000 True"
expect "case new: a README lists the source" "$(grep -c 'src-siege-test-2024-1.: UN OCHA' "$CN/README.md")" 1
# At a terminal (script(1) gives it one), what the flags leave out is asked.
printf 'Siege of P\nPville\n2024-02-01\nOCHA\nUpdate 1\n' |
	script -qec "'$LL' case new p-2024 -o '$WORK/cnp'" /dev/null >/dev/null 2>&1
expect "case new: prompts at a terminal" "$(head -1 "$WORK/cnp/records.jsonl" 2>&1)" \
	'{"id":"p-2024","kind":"case","region":"Pville","sources":["src-p-2024-1"],"started":"2024-02-01","title":"Siege of P"}'
check "case new: a missing flag, no terminal" 2 "--region is required" -- \
	"$LL" case new other-2024 -o "$WORK/cn2" --title T </dev/null
check "case new: never over a file" 4 "records.jsonl exists" -- "$LL" case new siege-test-2024 -o "$CN" \
	--title T --region R --started 2024-01-05 --source-publisher P --source-title T </dev/null
check "case new: bad values named, nothing written" 2 'started: "2024-13-05" is not a real calendar date' -- \
	"$LL" case new bad-2024 -o "$WORK/cn3" --title T --region R --started 2024-13-05 --source-publisher P \
	--source-title T --route "Ferry|boat" </dev/null
expect "case new: nothing written after a refusal" "$(test -e "$WORK/cn3" && echo yes || echo no)" no
check "case new: the file imports" 0 "4 records: 4 new" -- "$LL" --store "$S" import "$CN/records.jsonl"
check "case new --import" 0 "2 records: 2 new" -- "$LL" --store "$S" case new siege-two-2024 -o "$WORK/cn4" \
	--title T --region R --started 2024-01-05 --source-publisher P --source-title T --import </dev/null
check "case new: an id the store holds is refused" 2 'id: "siege-two-2024" is already in the log' -- "$LL" --store "$S" case new siege-two-2024 \
	-o "$WORK/cn5" --title T2 --region R --started 2024-01-05 --source-publisher P --source-title T </dev/null

# A full disk: a small tmpfs (needs root to mount; CI runs as root). Only
# an SQLite store lives on it; PostgreSQL's full disk is the fault test's.
MNT=$WORK/small
mkdir -p "$MNT"
if ! on_sqlite; then
	echo "note: the full-disk case of a PostgreSQL store is in the PostgreSQL fault test"
elif mount -t tmpfs -o size=2m tmpfs "$MNT" 2>/dev/null; then
	"$LL" init --origin example.org/full "$MNT/s" >/dev/null
	seq -f 'entry %.0f with some padding to fill the disk quickly ..........................' 1 1000 |
		"$LL" --store "$MNT/s" -q log append --batch 500
	seq -f 'more %.0f with some padding to fill the disk quickly ...........................' 1 60000 >"$WORK/more.txt"
	check "disk full" 5 "disk full|No space left|database or disk is full" -- \
		"$LL" --store "$MNT/s" log append --batch 500 --file "$WORK/more.txt"
	after_size=$("$LL" --store "$MNT/s" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/')
	check "disk full: store verifies" 0 "^OK size $after_size " -- "$LL" --store "$MNT/s" verify
	# Batches acknowledged before the disk filled are kept; the failed one is not.
	[ "$after_size" -ge 1000 ] && [ $(((after_size - 1000) % 500)) -eq 0 ]
	expect "disk full: whole batches only" "$?" 0
	umount "$MNT"
	MNT=""
else
	echo "note: cannot mount a tmpfs here (not root?); the full-disk case is covered by log_test's injected failures"
fi

finish
