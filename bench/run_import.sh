#!/bin/bash
# Import throughput: `lifeline import` (validated, canonicalised, logged,
# signed, projected; synchronous=FULL) beside DuckDB reading the same file
# into a table (npm @duckdb/node-api; DuckDB hashes and signs nothing).
#
#   bench/run_import.sh BUILD_DIR [quick]
#
# full: 1 M ACLED-shaped CSV rows and 10 M JSON Lines records (about 2.4 GB);
# quick: 100 k and 1 M. Inputs come from bench/gen_records (synthetic,
# deterministic). Scratch: $BENCH_DIR (default /var/tmp/lifeline-bench).
# ONLY=acled or ONLY=jsonl runs one of the two. REF=path/to/lifeline also
# times that binary (e.g. main's) on the same inputs in the same run, before
# BUILD's: one row per binary, CPU seconds (user + system) beside wall time.
set -euo pipefail
BUILD=${1:?usage: bench/run_import.sh BUILD_DIR [quick]}
MODE=${2:-full}
BENCH_DIR=${BENCH_DIR:-/var/tmp/lifeline-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
LL=$BUILD/cmd/lifeline/lifeline
GEN=$BUILD/bench/gen_records
mkdir -p "$BENCH_DIR"
N_ACLED=1000000
N_JSONL=10000000
if [ "$MODE" = quick ]; then
	N_ACLED=100000
	N_JSONL=1000000
fi
if [ ! -d "$HERE/duckdb/node_modules/@duckdb/node-api" ]; then
	(cd "$HERE/duckdb" && npm install --no-audit --no-fund >/dev/null)
fi

# Only the inputs that will be read (the 10 M JSON Lines file is 2.4 GB).
case " ${ONLY:-acled jsonl} " in *" acled "*) "$GEN" acled "$N_ACLED" >"$BENCH_DIR/acled.csv" ;; esac
case " ${ONLY:-acled jsonl} " in *" jsonl "*) "$GEN" jsonl "$N_JSONL" >"$BENCH_DIR/records.jsonl" ;; esac
printf '%s\n' '{"kind":"source","id":"src-synth","case":"synth","publisher":"Bench","title":"Synthetic case"}' \
	'{"kind":"case","id":"synth","title":"Synthetic","region":"Nowhere","started":"2000-01-01","sources":["src-synth"]}' \
	>"$BENCH_DIR/case.jsonl"

# lifeline_import BINARY NAME ARGS...: a fresh store (deleted afterwards),
# then the timed import; prints "wall_s cpu_s peak_rss_kib".
lifeline_import() {
	local bin=$1 name=$2
	shift 2
	rm -rf "$BENCH_DIR/store-$name"
	"$bin" init --origin "bench.lifeline.invalid/$name" "$BENCH_DIR/store-$name" >/dev/null
	"$bin" --store "$BENCH_DIR/store-$name" -q import "$BENCH_DIR/case.jsonl" >/dev/null
	/usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/time.txt" "$bin" --store "$BENCH_DIR/store-$name" -q import "$@" \
		>"$BENCH_DIR/import-$name.txt" 2>/dev/null
	rm -rf "$BENCH_DIR/store-$name"
	read -r secs user sys kib <"$BENCH_DIR/time.txt"
	echo "$secs $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.1f", u + s}') $kib"
}

echo "## Import ($(nproc) cores; $(date -u +%Y-%m-%d))"
echo
echo "| input | binary | records | lifeline s | CPU s | lifeline records/s | lifeline peak RSS MiB | DuckDB s | DuckDB rows/s | DuckDB peak RSS MiB | lifeline / DuckDB time |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for input in ${ONLY:-acled jsonl}; do
	if [ "$input" = acled ]; then
		n=$N_ACLED
		args=(--format acled --case synth "$BENCH_DIR/acled.csv")
		duck=$(node "$HERE/duckdb/load.mjs" csv "$BENCH_DIR/acled.csv")
	else
		n=$((N_JSONL + 3))
		args=("$BENCH_DIR/records.jsonl")
		duck=$(node "$HERE/duckdb/load.mjs" jsonl "$BENCH_DIR/records.jsonl")
	fi
	ds=$(echo "$duck" | sed 's/.*"seconds":\([0-9.]*\).*/\1/')
	drss=$(echo "$duck" | sed 's/.*"peak_rss_mib":\([0-9.]*\).*/\1/')
	for bin in ${REF:+"$REF"} "$LL"; do
		read -r ls lcpu lk < <(lifeline_import "$bin" "$input" "${args[@]}")
		label=BUILD
		[ "$bin" = "${REF:-}" ] && label=REF
		echo "| $input | $label | $n | $ls | $lcpu | $(awk -v n="$n" -v s="$ls" 'BEGIN {printf "%.0f", n / s}') | $((lk / 1024)) | $(printf '%.2f' "$ds") | $(awk -v n="$n" -v s="$ds" 'BEGIN {printf "%.0f", n / s}') | $(printf '%.0f' "$drss") | $(awk -v a="$ls" -v b="$ds" 'BEGIN {printf "%.1fx", a / b}') |"
	done
done

# The floor of this design on this machine, in the same run: the log alone,
# and the log with the records table and its indexes (append_bench
# --records: movement-shaped rows, no JSON parsing, validation or canonical
# form), 1 M entries of 300 bytes in batches of 10 k.
echo
echo "| floor (no JSON work) | entries | entries/s |"
echo "|---|---|---|"
for rec in 0 1; do
	out=$("$BUILD/bench/append_bench" --dir "$BENCH_DIR/floor" --entries 1000000 --batch 10000 --writers 1 --records $rec)
	label="log append (hash, tiles, sign, fsync)"
	[ "$rec" = 1 ] && label="log append + records table and indexes"
	echo "| $label | 1000000 | $(echo "$out" | sed 's/.*"entries_per_s":\([0-9]*\).*/\1/') |"
done
rm -rf "$BENCH_DIR/floor"
