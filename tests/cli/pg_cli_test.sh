#!/bin/bash
# `lifeline` on PostgreSQL through the binary, on the test cluster
# (tests/pg/pg_cluster.sh; LIFELINE_PG_STATE names its socket directory):
# init --db, the bundled Lachin case imported and verified; several writers
# at once (concurrent `log append`s, and two concurrent imports of
# overlapping record files: no id twice), checked by `verify` and the Go
# verifier; --store postgres://... for readers with LIFELINE_VKEY; migrate
# from SQLite with the same roots; and clear errors for a bad connection
# string, an unreachable server, a database with no Lifeline schema, another
# log's database, a non-empty migration target and an incomplete copy.
#
#   pg_cli_test.sh LIFELINE_BINARY SOURCE_DIR TLOG_VERIFY
set -uo pipefail
LL=$1
SRC=$2
TV=$3
WORK=$(mktemp -d)
SERVERS=()
trap 'for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"

SOCK=$(cat "${LIFELINE_PG_STATE:?run through ctest: the postgres fixture sets LIFELINE_PG_STATE}")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
# A new empty database of the test cluster; prints its connection string.
newdb() {
	"$PGBIN/createdb" -h "$SOCK" -U postgres "$1" || exit 1
	echo "host=$SOCK user=postgres dbname=$1"
}
sql() { "$PGBIN/psql" -X -q -t -A -h "$SOCK" -U postgres -d "$1" -c "$2"; }
RECORDS=$SRC/data/cases/lachin-2022-23/records.jsonl
size_of() { "$LL" --store "$1" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/'; }

# --- init --db and the bundled case ---------------------------------------
DB1=$(newdb pgcli1)
S=$WORK/pg
check "init --db" 0 "created store $S" -- "$LL" init --origin example.org/pgcli --db "$DB1" "$S"
expect "the directory names the database" "$(cat "$S/database")" "$DB1"
expect "no SQLite file" "$(ls "$S" | grep -c lifeline.db)" "0"
expect "the database file is the owner's" "$(stat -c %a "$S/database")" "600"
check "import Lachin" 0 "436 records: 436 new" -- "$LL" --store "$S" import "$RECORDS"
check "verify" 0 "OK" -- "$LL" --store "$S" verify
check "indicators on PostgreSQL" 0 "rt-lachin-road: open 0, restricted 273, closed 20, unknown 0 days" -- \
	"$LL" --store "$S" indicators --case lachin-2022-23
check "init --db on a store's database" 4 "already holds a Lifeline store" -- \
	"$LL" init --origin example.org/other --db "$DB1" "$WORK/again"
expect "a refused init leaves no directory" "$(test -e "$WORK/again" && echo yes || echo no)" "no"

# --- readers on the database itself ----------------------------------------
URI="postgresql:///pgcli1?host=$SOCK&user=postgres"
check "a URI store needs LIFELINE_VKEY" 2 "needs its verifier key: set LIFELINE_VKEY" -- \
	"$LL" --store "$URI" log checkpoint
check "a URI store with LIFELINE_VKEY" 0 "^example.org/pgcli" -- \
	env LIFELINE_VKEY="$S/log.vkey" "$LL" --store "$URI" log checkpoint
"$LL" init --origin example.org/elsewhere "$WORK/other-key" >/dev/null
check "a URI store with another log's key" 4 'holds the log "example.org/pgcli" but the key is for "example.org/elsewhere"' -- \
	env LIFELINE_VKEY="$WORK/other-key/log.vkey" "$LL" --store "$URI" verify

# --- errors -----------------------------------------------------------------
check "a malformed connection string" 2 "bad PostgreSQL connection string" -- \
	"$LL" init --db "host=$SOCK dbname" "$WORK/bad1"
check "an unreachable server" 4 "cannot connect to" -- \
	"$LL" init --db "host=$WORK/nowhere user=postgres dbname=x connect_timeout=2" "$WORK/bad2"
expect "nothing half-written" "$(ls "$WORK" | grep -c bad)" "0"
DB0=$(newdb pgcli_empty)
mkdir -m 700 "$WORK/noschema" && cp "$S"/log.* "$WORK/noschema/" && echo "$DB0" >"$WORK/noschema/database"
check "a database with no Lifeline schema" 3 "no Lifeline store in" -- "$LL" --store "$WORK/noschema" log append <<<"x"
cp "$WORK/other-key/log.key" "$WORK/other-key/log.vkey" "$WORK/noschema/" && echo "$DB1" >"$WORK/noschema/database"
check "a directory naming another log's database" 4 'holds the log "example.org/pgcli" but the key is for "example.org/elsewhere"' -- \
	"$LL" --store "$WORK/noschema" log append <<<"x"

# --- several writers ---------------------------------------------------------
# Three processes each append 30 entries, 10 invocations of 3 lines, at once,
# through copies of the store directory (as three machines would).
DB2=$(newdb pgcli2)
"$LL" init --origin example.org/writers --db "$DB2" "$WORK/w0" >/dev/null
for w in 1 2 3; do cp -a "$WORK/w0" "$WORK/w$w"; done
for w in 1 2 3; do
	(for i in $(seq 1 10); do printf 'w%s-%s-a\nw%s-%s-b\nw%s-%s-c\n' $w $i $w $i $w $i |
		"$LL" --store "$WORK/w$w" -q log append >>"$WORK/append-$w.out" 2>&1 || echo "append failed" >>"$WORK/append-$w.out"; done) &
done
wait
expect "every append acknowledged" "$(cat "$WORK"/append-*.out | grep -c failed)" "0"
expect "90 entries" "$(size_of "$WORK/w0")" "90"
check "verify after concurrent appends" 0 "OK" -- "$LL" --store "$WORK/w1" verify
"$LL" --store "$WORK/w0" log export-tiles "$WORK/tiles2" >/dev/null
check "tlog-verify after concurrent appends" 0 "^OK example.org/writers 90 " -- "$TV" tiles "$WORK/w0/log.vkey" "$WORK/tiles2"
expect "each entry once" "$(for w in 1 2 3; do for i in $(seq 1 10); do for x in a b c; do echo "w$w-$i-$x"; done; done; done | sort | md5sum)" \
	"$(find "$WORK/tiles2/tile/entries" -type f | sort | xargs cat | python3 -c '
import sys
data = sys.stdin.buffer.read()
seen = {}
i = 0
while i < len(data):
    n = int.from_bytes(data[i:i+2], "big"); e = data[i+2:i+2+n].decode(); i += 2 + n
    seen[e] = 1  # partial bundles repeat full ones: counted by the size check above
print("\n".join(sorted(seen)))' | md5sum)"

# Two imports of overlapping files at once: the first 300 records, and all
# 436. Whichever loses a race on an id fails, saying so, and nothing of its
# batch is written; importing it again adds only what is missing.
DB3=$(newdb pgcli3)
"$LL" init --origin example.org/imports --db "$DB3" "$WORK/i1" >/dev/null
cp -a "$WORK/i1" "$WORK/i2"
head -300 "$RECORDS" >"$WORK/first300.jsonl"
"$LL" --store "$WORK/i1" -q import "$WORK/first300.jsonl" >"$WORK/import1.out" 2>&1 &
"$LL" --store "$WORK/i2" -q import "$RECORDS" >"$WORK/import2.out" 2>&1 &
wait
"$LL" --store "$WORK/i1" -q import "$WORK/first300.jsonl" >>"$WORK/import1.out" 2>&1
"$LL" --store "$WORK/i2" -q import "$RECORDS" >>"$WORK/import2.out" 2>&1
check "the second pass finds everything in" 0 "436 records: 0 new, 436 already in the log" -- \
	"$LL" --store "$WORK/i1" import "$RECORDS"
expect "no id twice" "$(sql pgcli3 "SELECT count(*) - count(DISTINCT id) FROM records")" "0"
expect "every id once" "$(sql pgcli3 "SELECT count(DISTINCT id) FROM records")" "436"
check "verify after concurrent imports" 0 "OK" -- "$LL" --store "$WORK/i2" verify
grep -h "another writer" "$WORK"/import*.out | head -1

# Two servers on copies of that store take API writes at once, with a CLI
# import beside them: every 201 is in the log once, both serve one checkpoint.
token=$("$LL" --store "$WORK/i1" -q token create --role monitor --label "field team")
cp "$WORK/i1/tokens.json" "$WORK/i2/"
start_server "$LL" "$WORK/i1" || exit 1
URL1=$URL SERVERS+=("$SERVER_PID")
start_server "$LL" "$WORK/i2" || exit 1
URL2=$URL SERVERS+=("$SERVER_PID")
POSTS=()
claim() { echo '{"kind":"claim","id":"cl-pgtest-'"$1"'","case":"lachin-2022-23","about":"rs-2022-12-12-closure","party":"A test party","stance":"confirms","text":"Seen.","sources":["src-ombudsmen-2023-01-13-joint-report"]}'; }
for n in 1 2 3 4 5 6 7 8; do
	for u in "$URL1" "$URL2"; do
		curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
			--data "$(claim "$n-${u##*:}")" "$u/api/v1/records" >>"$WORK/posts.out" &
		POSTS+=($!)
	done
done
(for n in 1 2 3; do claim "cli-$n"; done) >"$WORK/claims.jsonl"
"$LL" --store "$WORK/i2" -q import "$WORK/claims.jsonl" >/dev/null 2>&1 || echo "import failed" >>"$WORK/posts.out"
wait "${POSTS[@]}"
expect "every POST is a 201" "$(sort "$WORK/posts.out" | uniq -c | tr -s ' ')" " 16 201"
expect "both servers serve one checkpoint" "$(curl -s "$URL1/checkpoint")" "$(curl -s "$URL2/checkpoint")"
# Each server computes its own analyses (no cache is shared): at one
# checkpoint they are the same bytes, whichever server answers.
size=$(size_of "$WORK/i1")
for what in indicators compliance headline; do
	a=$(curl -s "$URL1/api/v1/cases/lachin-2022-23/$what?at=$size")
	b=$(curl -s "$URL2/api/v1/cases/lachin-2022-23/$what?at=$size")
	expect "both servers' $what at $size" "$(grep -c '"size":'"$size" <<<"$a")|$(cmp -s <(echo "$a") <(echo "$b") && echo same)" "1|same"
done
expect "every write once" "$(sql pgcli3 "SELECT count(*), count(DISTINCT id) FROM records WHERE id LIKE 'cl-pgtest-%'")" "19|19"
check "verify after API writes" 0 "OK" -- "$LL" --store "$WORK/i1" verify

# --- migrate -----------------------------------------------------------------
L=$WORK/sqlite
"$LL" init --origin example.org/migrate "$L" >/dev/null
"$LL" --store "$L" -q import "$WORK/first300.jsonl" >/dev/null
"$LL" --store "$L" -q import "$RECORDS" >/dev/null
printf 'one\ntwo\n' | "$LL" --store "$L" -q log append >/dev/null
DB4=$(newdb pgcli4)
check "migrate" 0 "copied 438 entries, 4 checkpoints \(each root checked\) and 436 record rows; the copy verifies" -- \
	"$LL" migrate --to "$DB4" "$L" "$WORK/migrated"
check "migrate reports progress on stderr" 0 "migrate: verifying 438 entries" -- \
	"$LL" migrate --to "$(newdb pgcli5)" "$L" "$WORK/migrated5"
for n in 0 300 436; do
	expect "the same checkpoint at size $n" "$("$LL" --store "$WORK/migrated" log checkpoint --size $n)" \
		"$("$LL" --store "$L" log checkpoint --size $n)"
done
check "the copy verifies" 0 "OK" -- "$LL" --store "$WORK/migrated" verify
expect "the same figures" "$("$LL" --store "$WORK/migrated" compliance --case lachin-2022-23 | tail -1)" \
	"$("$LL" --store "$L" compliance --case lachin-2022-23 | tail -1)"
check "the copy takes writes" 0 "appended" -- "$LL" --store "$WORK/migrated" log append <<<"three"
check "migrate refuses a non-empty database" 4 "already holds a Lifeline store" -- \
	"$LL" migrate --to "$DB4" "$L" "$WORK/migrated-again"
expect "a refused migration leaves no directory" "$(test -e "$WORK/migrated-again" && echo yes || echo no)" "no"
check "migrate refuses an existing directory" 4 "exists; migrate into a new directory" -- \
	"$LL" migrate --to "$(newdb pgcli6)" "$L" "$WORK/migrated"
expect "a refused migration creates no schema" "$(sql pgcli6 "SELECT count(*) FROM pg_tables WHERE tablename = 'meta'")" "0"
sql pgcli5 "INSERT INTO meta VALUES ('incomplete', 'a migration from a test')"
check "Open refuses an incomplete copy" 4 "holds an incomplete copy of a log \(a migration from a test\)" -- \
	"$LL" --store "$WORK/migrated5" log checkpoint
finish
