#!/bin/bash
# Import on PostgreSQL beside SQLite: `lifeline import` of the same JSON Lines
# file into a fresh SQLite store and into a fresh store on a PostgreSQL 15
# cluster this script starts with PostgreSQL's durable defaults (fsync on,
# full page writes; tests/pg/pg_cluster.sh STATE durable), alternating.
#
#   bench/run_import_pg.sh BUILD_DIR [N [REPS]]     (default 100000 records, 3 reps)
#
# Prints wall time, lifeline's CPU (user + system; the PostgreSQL server's
# CPU is not counted) and peak RSS per run. Scratch: $BENCH_DIR (default
# /var/tmp/lifeline-bench-pg).
set -euo pipefail
BUILD=${1:?usage: bench/run_import_pg.sh BUILD_DIR [N [REPS]]}
N=${2:-100000}
REPS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
LL=$BUILD/cmd/lifeline/lifeline
BENCH_DIR=${BENCH_DIR:-/var/tmp/lifeline-bench-pg}
mkdir -p "$BENCH_DIR"
STATE=$BENCH_DIR/pg.state
"$HERE/../tests/pg/pg_cluster.sh" start "$STATE" durable
trap '"$HERE/../tests/pg/pg_cluster.sh" stop "$STATE"' EXIT
SOCK=$(cat "$STATE")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
"$BUILD/bench/gen_records" jsonl "$N" >"$BENCH_DIR/records.jsonl"

for r in $(seq "$REPS"); do
	for backend in sqlite postgres; do
		S=$BENCH_DIR/store-$backend
		rm -rf "$S"
		if [ "$backend" = sqlite ]; then
			"$LL" init --origin "bench.lifeline.invalid/import-$r" "$S" >/dev/null
		else
			"$PGBIN/createdb" -h "$SOCK" -U postgres "import$r"
			"$LL" init --origin "bench.lifeline.invalid/import-$r" --db "host=$SOCK user=postgres dbname=import$r" "$S" >/dev/null
		fi
		/usr/bin/time -f "$backend run $r: $N records, %e s wall, %U + %S s CPU, %M KiB peak RSS" \
			"$LL" --store "$S" -q import "$BENCH_DIR/records.jsonl" 2>&1 | tail -1
		echo "  $(uptime | sed 's/.*load/load/')"
		rm -rf "$S"
	done
done
