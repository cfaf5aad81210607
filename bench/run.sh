#!/bin/bash
# Runs the log benchmarks side by side with this machine's limits, in one
# run, and prints a Markdown report (BENCHMARKS.md quotes it).
#
#   bench/run.sh BUILD_DIR [quick]
#
# Measures, in order:
#   1. the limits: `openssl speed -evp sha256` on 320-byte inputs, and a
#      1 GiB sequential write with `dd ... conv=fdatasync` in the bench dir;
#   2. durable append of 300-byte entries (bench/append_bench), 1 M entries
#      with batches of 1 k and 10 k, and 10 M with 10 k (quick: 1 M only);
#      each run 3 times, the median reported;
#   3. proof generation and verification (bench/merkle_bench);
#   4. `lifeline verify` of the 10 M-entry store, with its peak RSS.
# Scratch space: $BENCH_DIR (default: a folder in /var/tmp, on disk, not tmpfs).
set -euo pipefail
BUILD=${1:?usage: bench/run.sh BUILD_DIR [quick]}
MODE=${2:-full}
BENCH_DIR=${BENCH_DIR:-/var/tmp/lifeline-bench}
mkdir -p "$BENCH_DIR"
AB=$BUILD/bench/append_bench
LL=$BUILD/cmd/lifeline/lifeline

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }

echo "## Machine limits"
echo
echo "- $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -r)"
sha=$(openssl speed -evp sha256 -bytes 320 -seconds 3 2>/dev/null | awk '/^sha256/ {print $2}' | tr -d k)
sha_hashes=$(awk -v kb="$sha" 'BEGIN {printf "%.0f", kb * 1000 / 320}')
echo "- openssl speed -evp sha256, 320-byte inputs: ${sha} kB/s = ${sha_hashes} hashes/s (one core)"
dd_out=$(dd if=/dev/zero of="$BENCH_DIR/dd.tmp" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1)
rm -f "$BENCH_DIR/dd.tmp"
dd_mbs=$(echo "$dd_out" | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^[MG]B\/s$/) {v = $(i-1); if ($i == "GB/s") v *= 1000; print v}}')
echo "- dd bs=1M count=1024 conv=fdatasync to $BENCH_DIR: ${dd_mbs} MB/s"
echo

echo "## Durable append (300-byte entries, synchronous=FULL, 2 writer threads)"
echo
echo "| entries | batch | entries/s (median of 3) | vs target 400k/s | MB/s of entries | vs dd | checkpoint latency p50 / p99 ms | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|"
runs="1000000:1000 1000000:10000 10000000:10000"
[ "$MODE" = quick ] && runs="1000000:1000 1000000:10000"
for r in $runs; do
	n=${r%%:*}
	b=${r##*:}
	: >"$BENCH_DIR/runs.json"
	for i in 1 2 3; do
		"$AB" --dir "$BENCH_DIR/store" --entries "$n" --batch "$b" >>"$BENCH_DIR/runs.json"
	done
	eps=$(field entries_per_s <"$BENCH_DIR/runs.json" | median)
	p50=$(field latency_ms_p50 <"$BENCH_DIR/runs.json" | median)
	p99=$(field latency_ms_p99 <"$BENCH_DIR/runs.json" | median)
	rss=$(field peak_rss_mib <"$BENCH_DIR/runs.json" | median)
	mbs=$(awk -v e="$eps" 'BEGIN {printf "%.0f", e * 300 / 1e6}')
	echo "| $n | $b | $eps | $(awk -v e="$eps" 'BEGIN {printf "%.2fx", e / 400000}') | $mbs | $(awk -v m="$mbs" -v d="$dd_mbs" 'BEGIN {printf "%.2fx", m / d}') | $p50 / $p99 | $rss |"
done
echo

echo "## Proofs (one core, Google Benchmark)"
echo
"$BUILD/bench/merkle_bench" --benchmark_min_time=0.5 --benchmark_repetitions=3 \
	--benchmark_report_aggregates_only=true 2>/dev/null | grep -E "median|Benchmark " | sed 's/^/    /'
echo

echo "## lifeline verify of the last store"
echo
size=$("$LL" --store "$BENCH_DIR/store" --json log checkpoint | field size)
/usr/bin/time -f "%e s, peak RSS %M KiB" -o "$BENCH_DIR/time.txt" "$LL" --store "$BENCH_DIR/store" verify >"$BENCH_DIR/verify.txt"
echo "- $(cat "$BENCH_DIR/verify.txt")"
secs=$(awk '{print $1}' "$BENCH_DIR/time.txt")
echo "- $size entries in $(cat "$BENCH_DIR/time.txt"): $(awk -v n="$size" -v s="$secs" 'BEGIN {printf "%.0f", n / s}') entries/s"
echo "- store size: $(du -sh "$BENCH_DIR/store" | cut -f1)"
