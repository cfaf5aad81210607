#!/bin/bash
# API latency with several servers on one PostgreSQL log under concurrent
# writers (issue #14 item 7), in one run, on loopback, printing a Markdown
# table (BENCHMARKS.md quotes it):
#
#   bench/run_api_pg.sh BUILD_DIR [SECONDS]
#
# Three set-ups, each with the bundled Lachin case imported and then
# bench/serve/api_latency.py for SECONDS (default 30): WRITERS (default 8)
# threads POSTing one claim per request to random servers and READERS
# (default 8) threads reading a record, a page of 20 records and the
# checkpoint from random servers; p50/p99 of reads and of writes.
#   1. SQLite, one `lifeline serve` (the single-server figure);
#   2. PostgreSQL, one server;
#   3. PostgreSQL, three servers on copies of one `init --db` directory.
# PostgreSQL is a throwaway cluster of tests/pg/pg_cluster.sh with its
# durable defaults (fsync on), on a Unix socket. The Python client, the
# servers and PostgreSQL share this machine's cores. Scratch: $BENCH_DIR
# (default /var/tmp/lifeline-bench).
set -euo pipefail
BUILD=${1:?usage: bench/run_api_pg.sh BUILD_DIR [SECONDS]}
SECONDS_EACH=${2:-30}
WRITERS=${WRITERS:-8}
READERS=${READERS:-8}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
LL=$(cd "$(dirname "$BUILD/cmd/lifeline/lifeline")" && pwd)/lifeline
WORK=${BENCH_DIR:-/var/tmp/lifeline-bench}/api-pg
rm -rf "$WORK"
mkdir -p "$WORK"
trap '"$SRC/tests/pg/pg_cluster.sh" stop "$WORK/pg.state"' EXIT

# A store with the Lachin case and tokens.json holding the monitor token
# $token (made for the first store; copied to the others).
prepare() {
	"$LL" --store "$1" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
	token=$("$LL" --store "$1" -q token create --role monitor --label bench)
}
run() {
	python3 "$HERE/serve/api_latency.py" "$1" "$LL" "$token" "$SECONDS_EACH" "$WRITERS" "$READERS" "$WORK" "${@:2}"
}

echo "API latency, $WRITERS writers and $READERS readers, ${SECONDS_EACH} s each, $(nproc) cores:"
echo
echo "| set-up | writes/s | write p50 / p99 ms | reads/s | read p50 / p99 ms | non-2xx |"
echo "|---|---|---|---|---|---|"
"$LL" init --origin example.org/bench-sqlite "$WORK/sqlite" >/dev/null
prepare "$WORK/sqlite"
run "SQLite, 1 server" "$WORK/sqlite"

"$SRC/tests/pg/pg_cluster.sh" start "$WORK/pg.state" durable >/dev/null
SOCK=$(cat "$WORK/pg.state")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
for db in one three; do
	"$PGBIN/createdb" -h "$SOCK" -U postgres "$db"
	"$LL" init --origin "example.org/bench-$db" --db "host=$SOCK user=postgres dbname=$db" "$WORK/$db" >/dev/null
done
prepare "$WORK/one"
run "PostgreSQL, 1 server" "$WORK/one"
prepare "$WORK/three"
cp -a "$WORK/three" "$WORK/three-b"
cp -a "$WORK/three" "$WORK/three-c"
run "PostgreSQL, 3 servers" "$WORK/three" "$WORK/three-b" "$WORK/three-c"
echo
echo "Reads by path, p50 / p99 ms:"
echo
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
paths = list(rows[0]["read_by_path"])
print("| set-up | " + " | ".join("`%s`" % p for p in paths) + " |")
print("|---" * (len(paths) + 1) + "|")
for r in rows:
    cells = ["%s / %s" % (r["read_by_path"][p]["p50_ms"], r["read_by_path"][p]["p99_ms"]) for p in paths]
    print("| " + r["label"] + " | " + " | ".join(cells) + " |")' "$WORK/api-latency.jsonl"
