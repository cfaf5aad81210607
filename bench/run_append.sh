#!/bin/bash
# Append throughput against the machine's SHA-256 limit, in one run (issue
# #13 item 5): durable append of 300-byte entries in process
# (bench/append_bench) and through `lifeline log append --file`, beside
# `openssl speed -evp sha256` at the entry size. Prints a Markdown report.
#
#   bench/run_append.sh BUILD_DIR [N [REPS]]
#
# N entries (default 1000000), each measurement REPS times (default 3),
# medians reported, wall and CPU (user + system) time. The limit is one
# core's SHA-256 rate at 300 bytes divided by two (a leaf hash and, on
# average, one node hash per entry). BASE=DIR also runs the binaries in DIR
# (append_bench and lifeline, e.g. copies built from another commit) in the
# same run, interleaved, as the reference. Scratch: $BENCH_DIR (default
# /var/tmp/lifeline-bench); the stores are removed at the end.
set -euo pipefail
BUILD=${1:?usage: bench/run_append.sh BUILD_DIR [N [REPS]]}
N=${2:-1000000}
REPS=${3:-3}
BENCH_DIR=${BENCH_DIR:-/var/tmp/lifeline-bench}
mkdir -p "$BENCH_DIR"
SIZE=300
BATCH=10000

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }

# The entries for the CLI: N distinct lines of SIZE bytes.
ENTRIES=$BENCH_DIR/entries-$N.txt
if [ ! -s "$ENTRIES" ]; then
	awk -v n="$N" -v size="$SIZE" 'BEGIN {
		pool = ""; x = 12345
		while (length(pool) < 4096 + size) { x = (x * 1103515245 + 12345) % 2147483648; pool = pool substr("abcdefghijklmnopqrstuvwxyz0123456789", x % 36 + 1, 1) }
		for (i = 0; i < n; i++) { h = "{\"n\":" i ",\"p\":\""; printf "%s%s\"}\n", h, substr(pool, i % 4096 + 1, size - length(h) - 2) }
	}' >"$ENTRIES"
fi

# in_process BIN_DIR: one append_bench run; prints "entries/s p50 p99 cpu_s".
in_process() {
	/usr/bin/time -f "%U %S" -o "$BENCH_DIR/time.txt" "$1/append_bench" --dir "$BENCH_DIR/ab-store" \
		--entries "$N" --batch "$BATCH" --entry-size "$SIZE" >"$BENCH_DIR/ab.json"
	local eps p50 p99
	eps=$(field entries_per_s <"$BENCH_DIR/ab.json")
	p50=$(field latency_ms_p50 <"$BENCH_DIR/ab.json")
	p99=$(field latency_ms_p99 <"$BENCH_DIR/ab.json")
	echo "$eps $p50 $p99 $(awk '{print $1 + $2}' "$BENCH_DIR/time.txt")"
}

# through_cli BIN_DIR: a fresh store, then `lifeline log append --file`;
# prints "entries/s wall_s cpu_s peak_rss_mib".
through_cli() {
	rm -rf "$BENCH_DIR/cli-store"
	"$1/lifeline" init --origin bench.lifeline.invalid/append "$BENCH_DIR/cli-store" >/dev/null
	/usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/time.txt" "$1/lifeline" --store "$BENCH_DIR/cli-store" -q \
		log append --file "$ENTRIES" --batch "$BATCH"
	read -r wall user sys kib <"$BENCH_DIR/time.txt"
	awk -v n="$N" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kib" \
		'BEGIN {printf "%.0f %.2f %.2f %.0f\n", n / w, w, u + s, k / 1024}'
}

sha_kbs=$(openssl speed -evp sha256 -bytes "$SIZE" -seconds 3 2>/dev/null | awk '/^sha256/ {print $2}' | tr -d k)
limit=$(awk -v kb="$sha_kbs" -v s="$SIZE" 'BEGIN {printf "%.0f", kb * 1000 / s / 2}')

labels="new"
[ -n "${BASE:-}" ] && labels="base new"
: >"$BENCH_DIR/results.txt"
for i in $(seq "$REPS"); do
	for label in $labels; do
		dir=$BUILD/bench
		cli=$BUILD/cmd/lifeline
		if [ "$label" = base ]; then dir=$BASE; cli=$BASE; fi
		echo "$label ab $(in_process "$dir")" >>"$BENCH_DIR/results.txt"
		echo "$label cli $(through_cli "$cli")" >>"$BENCH_DIR/results.txt"
	done
done
sha_after=$(openssl speed -evp sha256 -bytes "$SIZE" -seconds 3 2>/dev/null | awk '/^sha256/ {print $2}' | tr -d k)
rm -rf "$BENCH_DIR/ab-store" "$BENCH_DIR/cli-store"

col() { awk -v l="$1" -v k="$2" -v c="$3" '$1 == l && $2 == k {print $c}' "$BENCH_DIR/results.txt" | median; }
echo "## Append, $N entries of $SIZE bytes, batch $BATCH ($(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "- openssl speed -evp sha256 -bytes $SIZE: ${sha_kbs} kB/s before, ${sha_after} kB/s after the runs;"
echo "  the limit for two hashes per entry on one core: $limit entries/s"
echo
echo "| build | path | entries/s (median of $REPS) | vs limit | wall s | CPU s | checkpoint latency p50 / p99 ms |"
echo "|---|---|---|---|---|---|---|"
for label in $labels; do
	eps=$(col "$label" ab 3)
	wall=$(awk -v n="$N" -v e="$eps" 'BEGIN {printf "%.2f", n / e}')
	echo "| $label | in process (append_bench, 2 writers) | $eps | $(awk -v e="$eps" -v l="$limit" 'BEGIN {printf "%.2fx", e / l}') | $wall | $(col "$label" ab 6) | $(col "$label" ab 4) / $(col "$label" ab 5) |"
	eps=$(col "$label" cli 3)
	echo "| $label | lifeline log append --file | $eps | $(awk -v e="$eps" -v l="$limit" 'BEGIN {printf "%.2fx", e / l}') | $(col "$label" cli 4) | $(col "$label" cli 5) | |"
done
