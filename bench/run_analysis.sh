#!/bin/bash
# Analysis benchmarks (issue #4), in one run, printed as Markdown
# (BENCHMARKS.md quotes it):
#
#   bench/run_analysis.sh BUILD_DIR [quick]
#
# 1. Daily indicators: bench/indicators_bench builds N synthetic movements
#    with the Dataset Append API and times ComputeIndicators; DuckDB (npm
#    @duckdb/node-api, bench/duckdb/indicators.mjs) reads the same rows,
#    written once as CSV, into a table (timed apart: the load), then runs the
#    same aggregation (timed). N = 10 M (quick: 1 M). Checksums of the
#    totals must agree.
# 2. Forecast: bench/forecast_bench fits a synthetic case and times the
#    Monte Carlo of 100,000 trajectories x 365 days (2 commodities, all
#    cores), writing the fitted model as JSON; bench/forecast_numpy.py runs
#    the same model vectorised in numpy (Debian's python3-numpy) and prints
#    how far its percentiles are from Lifeline's. The comparison leaves out
#    what drives the bands (--no-drivers: numpy does not compute it); a
#    third run times the forecast with it, as users get it. quick: 20,000
#    trajectories.
#
# Each timing is the median of 3 runs in one process (the first run is
# listed too); peak RSS is the process's (getrusage ru_maxrss), so it
# includes building the input. Scratch: $BENCH_DIR (default
# /var/tmp/lifeline-bench); the CSV is kept there and reused.
set -euo pipefail
BUILD=${1:?usage: bench/run_analysis.sh BUILD_DIR [quick]}
MODE=${2:-full}
BENCH_DIR=${BENCH_DIR:-/var/tmp/lifeline-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3 # Debian's, with python3-numpy (a pyenv python3 may lack numpy)
mkdir -p "$BENCH_DIR"
N_MOVEMENTS=10000000
N_TRAJ=100000
if [ "$MODE" = quick ]; then
	N_MOVEMENTS=1000000
	N_TRAJ=20000
fi
if [ ! -d "$HERE/duckdb/node_modules/@duckdb/node-api" ]; then
	(cd "$HERE/duckdb" && npm install --no-audit --no-fund >/dev/null)
fi
j() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "## Analysis ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d))"
echo

csv=$BENCH_DIR/movements-$N_MOVEMENTS.csv
[ -s "$csv" ] || "$BUILD/bench/indicators_bench" csv "$csv" "$N_MOVEMENTS"
ll=$("$BUILD/bench/indicators_bench" run "$N_MOVEMENTS" --reps 3)
dk=$(node "$HERE/duckdb/indicators.mjs" "$csv" 3)
ll_check=$(echo "$ll" | j 'json.dumps(d["check"], sort_keys=True)')
dk_check=$(echo "$dk" | j 'json.dumps({k: (float(v) if k == "cargo_kg" else v) for k, v in d["check"].items()}, sort_keys=True)')
agree=no
[ "$ll_check" = "$dk_check" ] && agree=yes
ll_s=$(echo "$ll" | j 'd["seconds_median"]')
dk_s=$(echo "$dk" | j 'd["seconds_median"]')
echo "### Daily indicators over $N_MOVEMENTS movements"
echo
echo "| engine | aggregation s (median of 3) | first run s | load / build s | peak RSS MiB |"
echo "|---|---|---|---|---|"
echo "| Lifeline (columnar, 1 thread) | $(printf %.3f "$ll_s") | $(echo "$ll" | j '"%.3f" % d["seconds"][0]') | build $(echo "$ll" | j '"%.1f" % d["build_seconds"]') | $(echo "$ll" | j '"%.0f" % d["peak_rss_mib"]') |"
echo "| DuckDB $(cd "$HERE/duckdb" && node -p "require('./node_modules/@duckdb/node-api/package.json').version") ($(echo "$dk" | j 'd["threads"]') threads) | $(printf %.3f "$dk_s") | $(echo "$dk" | j '"%.3f" % d["seconds"][0]') | load $(echo "$dk" | j '"%.1f" % d["load_seconds"]') | $(echo "$dk" | j '"%.0f" % d["peak_rss_mib"]') |"
echo
echo "Lifeline / DuckDB time: **$(awk -v a="$ll_s" -v b="$dk_s" 'BEGIN {printf "%.2fx", a / b}')** (target <= 0.5x); checksums agree: $agree ($ll_check)"
echo

model=$BENCH_DIR/forecast-model.json
pct=$BENCH_DIR/forecast-percentiles.json
fc=$("$BUILD/bench/forecast_bench" --trajectories "$N_TRAJ" --days 365 --reps 3 --no-drivers --model-out "$model" --percentiles-out "$pct")
fc1=$("$BUILD/bench/forecast_bench" --trajectories "$N_TRAJ" --days 365 --reps 3 --no-drivers --threads 1)
fcd=$("$BUILD/bench/forecast_bench" --trajectories "$N_TRAJ" --days 365 --reps 3)
np=$("$PY" "$HERE/forecast_numpy.py" "$model" --reps 3 --compare "$pct")
fc_s=$(echo "$fc" | j 'd["seconds_median"]')
fc1_s=$(echo "$fc1" | j 'd["seconds_median"]')
fcd_s=$(echo "$fcd" | j 'd["seconds_median"]')
np_s=$(echo "$np" | j 'd["seconds_median"]')
echo "### Forecast, $N_TRAJ trajectories x 365 days, 2 commodities"
echo
echo "| engine | seconds (median of 3) | first run s | peak RSS MiB |"
echo "|---|---|---|---|"
echo "| Lifeline, $(nproc) threads | $(printf %.3f "$fc_s") | $(echo "$fc" | j '"%.3f" % d["seconds"][0]') | $(echo "$fc" | j '"%.0f" % d["peak_rss_mib"]') |"
echo "| Lifeline, 1 thread | $(printf %.3f "$fc1_s") | $(echo "$fc1" | j '"%.3f" % d["seconds"][0]') | $(echo "$fc1" | j '"%.0f" % d["peak_rss_mib"]') |"
echo "| Lifeline, $(nproc) threads, with what drives the bands (not compared) | $(printf %.3f "$fcd_s") | $(echo "$fcd" | j '"%.3f" % d["seconds"][0]') | $(echo "$fcd" | j '"%.0f" % d["peak_rss_mib"]') |"
echo "| numpy $(echo "$np" | j 'd["numpy"]') (vectorised over trajectories) | $(printf %.3f "$np_s") | $(echo "$np" | j '"%.3f" % d["seconds"][0]') | $(echo "$np" | j '"%.0f" % d["peak_rss_mib"]') |"
echo
echo "numpy / Lifeline time: **$(awk -v a="$np_s" -v b="$fc_s" 'BEGIN {printf "%.1fx", a / b}')** with $(nproc) threads, $(awk -v a="$np_s" -v b="$fc1_s" 'BEGIN {printf "%.1fx", a / b}') with 1 (target >= 10x)"
echo
echo "Agreement (different random streams, so statistical): largest |numpy - Lifeline| over all days and percentiles, as a fraction of the initial stock; days until the threshold (p5..p95)"
echo
echo "$np" | "$PY" -c '
import json, sys
for a in json.load(sys.stdin)["agreement"]:
    print("- %s: stock percentiles %.4f (p50 %.4f); days to threshold numpy %s, Lifeline %s; never below: numpy %.4f, Lifeline %.4f" % (
        a["commodity"], a["max_abs_diff_stock_over_initial"], a["max_abs_diff_p50_over_initial"],
        a["days_to_threshold_numpy"], a["days_to_threshold_lifeline"], a["never_fraction_numpy"], a["never_fraction_lifeline"]))'
