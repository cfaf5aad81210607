#!/bin/bash
# Three `lifeline serve`s on one PostgreSQL log through faults (issue #14
# item 6), on a cluster of its own (it restarts the database, which must not
# disturb the tests sharing the `postgres` fixture's cluster):
#   - concurrent API writes to random servers while one of them is SIGKILLed
#     at random moments (20 times, restarted each time) and the database is
#     restarted once (tests/pg/pg_fault.py); then every acknowledged write is
#     in the log once at the index it was told, no id twice, one root per
#     size, the servers agree (tests/pg/pg_fault_check.py), and `verify` and
#     the Go verifier pass.
#
#   pg_fault_test.sh LIFELINE_BINARY SOURCE_DIR TLOG_VERIFY
# LIFELINE_FAULT_SEED replays a run (each run prints its seed).
set -uo pipefail
LL=$1
SRC=$2
TV=$3
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
STATE=$WORK/pg.state
trap '"$HERE/pg_cluster.sh" stop "$STATE"; rm -rf "$WORK"' EXIT
# shellcheck source=../cli/check.sh
. "$HERE/../cli/check.sh"

"$HERE/pg_cluster.sh" start "$STATE" || exit 1
SOCK=$(cat "$STATE")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
sql() { "$PGBIN/psql" -X -q -t -A -F "$(printf '\t')" -h "$SOCK" -U postgres -d "$1" -c "$2"; }
"$PGBIN/createdb" -h "$SOCK" -U postgres fault || exit 1
DB="host=$SOCK user=postgres dbname=fault"
SEED=${LIFELINE_FAULT_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

# --- three servers, SIGKILLs and a database restart -------------------------
S=$WORK/s0
"$LL" init --origin example.org/fault --db "$DB" "$S" >/dev/null || exit 1
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null || exit 1
token=$("$LL" --store "$S" -q token create --role monitor --label "fault test")
for n in 1 2; do cp -a "$S" "$WORK/s$n"; done
cat >"$WORK/fault.json" <<EOF
{"stores": ["$WORK/s0", "$WORK/s1", "$WORK/s2"], "token": "$token", "seed": $SEED,
 "kills": 20, "writers": 6, "max_writes": 2000,
 "restart_db": "'$HERE/pg_cluster.sh' restart '$STATE' fast"}
EOF
python3 "$HERE/pg_fault.py" "$LL" "$WORK/fault.json" "$WORK/seen.json"
expect "three servers through 20 SIGKILLs and a database restart (pg_fault.py)" "$?" 0
sql fault "SELECT id, idx FROM records WHERE id LIKE 'cl-fault-%'" >"$WORK/records.tsv"
sql fault "SELECT size, split_part(note, E'\n', 3) FROM checkpoints" >"$WORK/checkpoints.tsv"
"$LL" --store "$S" log export-tiles "$WORK/tiles" >/dev/null
python3 "$HERE/pg_fault_check.py" "$WORK/seen.json" "$WORK/records.tsv" "$WORK/checkpoints.tsv" "$WORK/tiles"
expect "the log after the faults (pg_fault_check.py)" "$?" 0
check "verify after the faults" 0 "OK" -- "$LL" --store "$WORK/s1" verify
check "tlog-verify after the faults" 0 "^OK example.org/fault " -- "$TV" tiles "$S/log.vkey" "$WORK/tiles"
echo "pg_fault_test.sh: seed $SEED"
finish
