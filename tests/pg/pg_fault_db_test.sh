#!/bin/bash
# Writers on PostgreSQL when the database fails under them (issue #14
# item 6), on a cluster of its own (it stops the database):
#   - `log append` and `import` while the database is stopped mid-way: a
#     clear error naming the database and what to do, a non-zero exit, and
#     once it is back `verify` passes and every batch is whole (the
#     acknowledged ones present, the failed one absent or wholly present);
#   - a full disk on the database side: a database in a tablespace on a
#     small tmpfs, filled through `lifeline log append`: "No space left"
#     named, a non-zero exit, nothing of the failed batch written; after the
#     tmpfs is made bigger, `verify` passes and writing works; then a whole
#     cluster (tables and WAL) on a small tmpfs, filled the same way: the
#     full disk named (or, when the WAL met it, PostgreSQL's PANIC in its
#     log and a lost connection), the failed batch absent or whole, and once
#     there is room and PostgreSQL is started again, `verify` passes and
#     writing works. Mounting needs root: without it those parts are
#     skipped, saying so.
#
#   pg_fault_db_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$1
SRC=$2
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
chmod 711 "$WORK"  # the postgres user reaches the tablespace inside
STATE=$WORK/pg.state
MNT=$WORK/tablespace
STATE2=$WORK/pg-whole.state
WHOLE=$WORK/cluster
cleanup() {
	"$HERE/pg_cluster.sh" stop "$STATE"
	"$HERE/pg_cluster.sh" stop "$STATE2"
	for m in "$MNT" "$WHOLE"; do mountpoint -q "$m" && umount "$m"; done
	rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=../cli/check.sh
. "$HERE/../cli/check.sh"

"$HERE/pg_cluster.sh" start "$STATE" || exit 1
SOCK=$(cat "$STATE")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
sql() { "$PGBIN/psql" -X -q -t -A -h "$SOCK" -U postgres -d "$1" -c "$2"; }
# A store in a new database (createdb ARGS...); prints nothing.
newstore() {
	local name=$1
	shift
	"$PGBIN/createdb" -h "$SOCK" -U postgres "$@" "$name" || exit 1
	"$LL" init --origin "example.org/$name" --db "host=$SOCK user=postgres dbname=$name" "$WORK/$name" >/dev/null || exit 1
}
# Stops the database (pg_ctl -m MODE) once the log in database $1 has grown
# past $2 entries, or after about a minute (then the checks below fail).
stop_when_past() {
	for _ in $(seq 3000); do
		[ "$(sql "$1" "SELECT size FROM head")" -gt "$2" ] && break
		sleep 0.02
	done
	"$HERE/pg_cluster.sh" pg_ctl "$STATE" -m "$3" -w stop >/dev/null
}
oneline() { tr '\n' ' ' <"$1"; }
size_of() { "$LL" --store "$1" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/'; }

# --- log append while the database goes away ---------------------------------
newstore gone
seq -f 'entry-%07g' 0 999999 >"$WORK/lines.txt"
"$LL" --store "$WORK/gone" -q log append --file "$WORK/lines.txt" --batch 1000 >"$WORK/append.out" 2>&1 &
APPEND=$!
stop_when_past gone 20000 immediate
wait "$APPEND"
expect "log append fails when the database goes away" "$?" 4
check "the error names the database, what was appended and what to do" 0 \
	'appended [0-9]+ of 1000000 entries .*append the input.s entries after the first [0-9]+: committing entries .*PostgreSQL database "gone" on .*check that the PostgreSQL server is running' \
	-- oneline "$WORK/append.out"
acked=$(sed -n 's/.*appended \([0-9]*\) of 1000000.*/\1/p' "$WORK/append.out")
"$HERE/pg_cluster.sh" resume "$STATE" || exit 1
size=$(size_of "$WORK/gone")
expect "the acknowledged batches are there, the failed one whole or absent" \
	"$([ "$size" -eq "$acked" ] || [ "$size" -eq $((acked + 1000)) ] && echo yes)" yes
check "verify after the database came back" 0 "^OK size $size " -- "$LL" --store "$WORK/gone" verify
"$LL" --store "$WORK/gone" log export-tiles "$WORK/tiles" >/dev/null
expect "the log holds the input's first $size lines, in order" \
	"$(python3 "$HERE/entries.py" "$WORK/tiles" | md5sum)" \
	"$(head -n "$size" "$WORK/lines.txt" | md5sum)"
check "appending works again" 0 "appended 1 entries at $size" -- "$LL" --store "$WORK/gone" log append <<<"after"

# --- import while the database goes away -------------------------------------
newstore imp
"$LL" --store "$WORK/imp" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null || exit 1
python3 -c '
import json
for i in range(5000):
    print(json.dumps({"kind": "claim", "id": "cl-gone-%05d" % i, "case": "lachin-2022-23",
                      "about": "rs-2022-12-12-closure", "party": "A test party", "stance": "confirms",
                      "text": "Seen %d." % i, "sources": ["src-ombudsmen-2023-01-13-joint-report"]}))' >"$WORK/claims.jsonl"
"$LL" --store "$WORK/imp" -q import --batch 50 "$WORK/claims.jsonl" >"$WORK/import.out" 2>&1 &
IMPORT=$!
stop_when_past imp 1000 fast
wait "$IMPORT"
expect "import fails when the database goes away" "$?" 4
check "the import's error names the database and what to do" 0 \
	'appended [0-9]+ of 5000 records before the failure \(importing again adds only the rest\).*PostgreSQL database "imp" on .*check that the PostgreSQL server is running' \
	-- oneline "$WORK/import.out"
acked=$(sed -n 's/.*appended \([0-9]*\) of 5000 records.*/\1/p' "$WORK/import.out")
"$HERE/pg_cluster.sh" resume "$STATE" || exit 1
rows=$(sql imp "SELECT count(*) FROM records WHERE id LIKE 'cl-gone-%'")
expect "the acknowledged batches are there, the failed one whole or absent" \
	"$([ "$rows" -eq "$acked" ] || [ "$rows" -eq $((acked + 50)) ] && echo yes)" yes
expect "they are the file's first records" "$(sql imp "SELECT id FROM records WHERE id LIKE 'cl-gone-%' ORDER BY idx" | md5sum)" \
	"$(head -n "$rows" "$WORK/claims.jsonl" | sed 's/.*"id": "\([^"]*\)".*/\1/' | md5sum)"
check "verify after the database came back" 0 "^OK" -- "$LL" --store "$WORK/imp" verify
check "importing again adds only the rest" 0 "5000 records: $((5000 - rows)) new, $rows already in the log" -- \
	"$LL" --store "$WORK/imp" import "$WORK/claims.jsonl"
expect "every record once" "$(sql imp "SELECT count(*), count(DISTINCT id) FROM records WHERE id LIKE 'cl-gone-%'")" "5000|5000"

# --- a full disk on the database side -----------------------------------------
mkdir -p "$MNT"
if ! mount -t tmpfs -o "size=24m,uid=$(id -u postgres),mode=700" tmpfs "$MNT" 2>"$WORK/mount.err"; then
	echo "pg_fault_db_test.sh: note: cannot mount a tmpfs ($(cat "$WORK/mount.err")): the full-disk part is skipped"
	finish
	exit
fi
sql postgres "CREATE TABLESPACE small LOCATION '$MNT'" || exit 1
newstore full -D small
python3 -c 'print("\n".join("%06d" % i + "x" * 4000 for i in range(1000)))' >"$WORK/big.txt"
rc=0
for i in $(seq 1 12); do
	before=$(size_of "$WORK/full")
	"$LL" --store "$WORK/full" -q log append --file "$WORK/big.txt" --batch 1000 >"$WORK/full.out" 2>&1 || { rc=$?; break; }
done
expect "filling the disk fails (exit 5, an I/O error)" "$rc" 5
check "the error names the full disk and the database" 0 \
	'No space left on device.*PostgreSQL database "full" on .*the database server.s disk is full' -- oneline "$WORK/full.out"
expect "nothing of the failed batch written" "$(size_of "$WORK/full")" "$before"
check "verify on the full disk" 0 "^OK size $before " -- "$LL" --store "$WORK/full" verify
mount -o remount,size=64m "$MNT" || exit 1
check "appending works once there is room" 0 "appended 1000 entries at $before" -- \
	"$LL" --store "$WORK/full" log append --file "$WORK/big.txt"
check "verify after" 0 "^OK size $((before + 1000)) " -- "$LL" --store "$WORK/full" verify

# The whole cluster (tables and WAL) on a 96 MiB tmpfs, filled the same way.
# Which write meets the full disk first decides what the writer sees: a
# table's or a temporary file's (an error naming it, exit 5), or the WAL's
# (PostgreSQL PANICs: the connection is lost, exit 4, and the server log
# names the full disk). Either way nothing of the batch may be half-written,
# and after the tmpfs grows and PostgreSQL is restarted the log verifies and
# takes writes. (At 96 MiB a table or temporary file meets it first here; at
# 60 and 90 MiB the WAL did: both branches were run.)
mkdir -p "$WHOLE"
mount -t tmpfs -o "size=96m,uid=$(id -u postgres),mode=700" tmpfs "$WHOLE" || exit 1
PG_CLUSTER_DIR=$WHOLE "$HERE/pg_cluster.sh" start "$STATE2" >/dev/null || exit 1
"$PGBIN/createdb" -h "$WHOLE" -U postgres whole || exit 1
"$LL" init --origin example.org/whole --db "host=$WHOLE user=postgres dbname=whole" "$WORK/whole" >/dev/null || exit 1
rc=0
for i in $(seq 1 30); do
	before=$(size_of "$WORK/whole")
	"$LL" --store "$WORK/whole" -q log append --file "$WORK/big.txt" --batch 1000 >"$WORK/whole.out" 2>&1 || { rc=$?; break; }
done
if [ "$rc" -eq 5 ]; then
	# PostgreSQL says "No space left on device", or only "wrote only N of M
	# bytes" for a short write; its SQLSTATE 53100 is named either way.
	check "a full disk under the whole cluster is named" 0 'PostgreSQL database "whole".*the database server.s disk is full' -- \
		oneline "$WORK/whole.out"
else
	expect "a full disk under the whole cluster fails the append (exit 5, or 4 after a PANIC)" "$rc" 4
	check "PostgreSQL's log names the full disk" 0 "PANIC: .*No space left on device" -- cat "$WHOLE/server.log"
	check "the writer says the database went away" 0 'PostgreSQL database "whole".*check that the PostgreSQL server is running' -- \
		oneline "$WORK/whole.out"
fi
echo "pg_fault_db_test.sh: the whole cluster's full disk failed the append with exit $rc"
mount -o remount,size=256m "$WHOLE" || exit 1
# After a PANIC the server may be down, or recovering (and failing again
# for want of space): restart it either way, as an operator would.
"$HERE/pg_cluster.sh" restart "$STATE2" immediate || exit 1
size=$(size_of "$WORK/whole")
expect "the failed batch is absent or whole" "$([ "$size" -eq "$before" ] || [ "$size" -eq $((before + 1000)) ] && echo yes)" yes
check "verify once there is room" 0 "^OK size $size " -- "$LL" --store "$WORK/whole" verify
check "appending works once there is room" 0 "appended 1000 entries at $size" -- \
	"$LL" --store "$WORK/whole" log append --file "$WORK/big.txt"
finish
