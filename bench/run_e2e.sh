#!/bin/bash
# Analyses, report, export and reindex end to end through the binary (issue
# #13, item 1): wall time and peak RSS (/usr/bin/time) of
#
#   lifeline --store S -q indicators --case bench --format json
#   lifeline --store S -q indicators --case bench               (the table)
#   lifeline --store S -q report --case bench -o report.html
#   lifeline --store S -q verify-report report.html
#   lifeline --store S -q export --format jsonl -o export.jsonl
#   lifeline --store S -q reindex                               (compare only)
#   lifeline --store S -q reindex  after deleting one row       (full rebuild)
#
# on stores of N synthetic movements (bench/gen_records jsonl N: one case,
# one route, 3,650 days), and beside them DuckDB (bench/duckdb/e2e.mjs)
# reading the same JSON Lines and grouping per day x route x direction x
# operator with the record ids of each group, written as JSON (the
# reference for indicators), and reading them and writing them back as
# JSON Lines (the reference for export). Printed as Markdown rows.
#
#   bench/run_e2e.sh BUILD_DIR N...
#
# Environment: LL=binary (default BUILD_DIR/cmd/lifeline/lifeline), LABEL
# (the first column; default the binary's git describe), REPS (runs per
# command, default 3: the median is quoted), ONLY="json table report
# verify export reindex rebuild duckdb" (a subset), BENCH_DIR (default
# /var/tmp/lifeline-e2e; stores are built once per N and reused). The
# outputs of the last run are kept in BENCH_DIR/out-LABEL-N for comparison.
set -euo pipefail
BUILD=${1:?usage: bench/run_e2e.sh BUILD_DIR N...}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
LL=${LL:-$BUILD/cmd/lifeline/lifeline}
GEN=$BUILD/bench/gen_records
REPS=${REPS:-3}
ONLY=${ONLY:-json table report verify export reindex rebuild duckdb}
BENCH_DIR=${BENCH_DIR:-/var/tmp/lifeline-e2e}
LABEL=${LABEL:-$(git -C "$HERE" describe --always --dirty)}
mkdir -p "$BENCH_DIR"
if [[ " $ONLY " == *" duckdb "* ]] && [ ! -d "$HERE/duckdb/node_modules/@duckdb/node-api" ]; then
	(cd "$HERE/duckdb" && npm install --no-audit --no-fund >/dev/null)
fi
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# store N: builds BENCH_DIR/store-N from records-N.jsonl once.
store() {
	local n=$1 s=$BENCH_DIR/store-$1
	[ -s "$BENCH_DIR/records-$n.jsonl" ] || "$GEN" jsonl "$n" >"$BENCH_DIR/records-$n.jsonl"
	if [ ! -f "$s/.complete" ]; then
		rm -rf "$s"
		"$LL" init --origin "bench.lifeline.invalid/e2e-$n" "$s" >/dev/null
		"$LL" --store "$s" -q import "$BENCH_DIR/records-$n.jsonl" >/dev/null
		touch "$s/.complete"
	fi
	echo "$s"
}

# timed NAME N PRE CMD...: REPS runs of CMD (PRE, a shell snippet, before
# each, untimed); prints a Markdown row with the median, min and max wall
# time, the median CPU time (user + system: on a shared machine the steadier
# figure) and the largest peak RSS.
timed() {
	local name=$1 n=$2 pre=$3
	shift 3
	local times=() cpus=() rss=0
	for _ in $(seq "$REPS"); do
		eval "$pre"
		/usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/time.txt" "$@" >/dev/null
		read -r secs user sys kib <"$BENCH_DIR/time.txt"
		times+=("$secs")
		cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
		[ "$kib" -gt "$rss" ] && rss=$kib
	done
	local cpu
	cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	printf '%s\n' "${times[@]}" | sort -g | awk -v label="$LABEL" -v name="$name" -v n="$n" -v rss="$rss" -v cpu="$cpu" '
		{ a[NR] = $1 }
		END { printf "| %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %d | %.0f |\n", label, n, name, a[int((NR + 1) / 2)], a[1], a[NR], cpu, NR, rss / 1024 }'
}

echo "## End to end ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "| binary | records | command | median s | min s | max s | median CPU s | runs | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
for n in "$@"; do
	s=$(store "$n")
	out=$BENCH_DIR/out-$LABEL-$n
	mkdir -p "$out"
	L=("$LL" --store "$s" -q)
	for c in $ONLY; do
		case $c in
		json) timed "indicators --format json" "$n" "" sh -c '"$@" >'"$out/indicators.json" _ "${L[@]}" indicators --case bench --format json ;;
		table) timed "indicators (table)" "$n" "" sh -c '"$@" >'"$out/indicators.txt" _ "${L[@]}" indicators --case bench ;;
		report) timed "report" "$n" "" "${L[@]}" report --case bench -o "$out/report.html" ;;
		verify) timed "verify-report" "$n" "" "${L[@]}" verify-report "$out/report.html" ;;
		export) timed "export --format jsonl" "$n" "" "${L[@]}" export --format jsonl -o "$out/export.jsonl" ;;
		reindex) timed "reindex (tables equal the log)" "$n" "" "${L[@]}" reindex ;;
		rebuild) timed "reindex (one row missing: rebuild)" "$n" \
			"sqlite3 '$s/lifeline.db' 'DELETE FROM records WHERE idx = (SELECT max(idx) FROM records)'" "${L[@]}" reindex ;;
		duckdb)
			v=$(cd "$HERE/duckdb" && node -p "require('./node_modules/@duckdb/node-api/package.json').version")
			timed "DuckDB $v: read JSONL, group day x route x direction x operator with ids, write JSON" "$n" "" \
				node "$HERE/duckdb/e2e.mjs" indicators "$BENCH_DIR/records-$n.jsonl" "$out/duckdb-groups.json"
			timed "DuckDB $v: read JSONL, write JSONL" "$n" "" \
				node "$HERE/duckdb/e2e.mjs" export "$BENCH_DIR/records-$n.jsonl" "$out/duckdb-export.jsonl"
			;;
		esac
	done
done
