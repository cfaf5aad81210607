#!/bin/bash
# Situation report benchmark (issue #5): the wall-clock time of
#   lifeline --store STORE -q report --case lachin-2022-23 [--scenario airlift.toml] -o FILE
# on the bundled Lachin case, end to end through the binary (process start,
# opening the SQLite store, checking the checkpoint, loading the case,
# indicators, compliance, the forecast, writing the HTML atomically), and,
# when Chromium is installed, the same report as a PDF and its verification.
# Prints the median, min and max of N runs (default 21) of each variant, in
# milliseconds, as Markdown (BENCHMARKS.md quotes it).
#
#   bench/report_bench.sh BUILD_DIR [N]
set -euo pipefail
BUILD=${1:?usage: bench/report_bench.sh BUILD_DIR [N]}
N=${2:-21}
SRC=$(cd "$(dirname "$0")/.." && pwd)
LL=$BUILD/cmd/lifeline/lifeline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$LL" init --origin bench.invalid/report "$WORK/store" >/dev/null
"$LL" --store "$WORK/store" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
SCEN=$SRC/data/cases/lachin-2022-23/scenarios/airlift.toml

run() { # NAME ARGS...: times N runs (RUNS if set; after one warm-up), prints a table row
	local name=$1 N=${RUNS:-$N}
	shift
	"$LL" --store "$WORK/store" -q "$@" >/dev/null
	local times=()
	for _ in $(seq "$N"); do
		local t0 t1
		t0=$(date +%s%N)
		"$LL" --store "$WORK/store" -q "$@" >/dev/null
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" -v n="$N" '
		{ a[NR] = $1 }
		END { printf "| %s | %d | %.1f | %.1f | %.1f |\n", name, n, a[int((n + 1) / 2)] / 1000, a[1] / 1000, a[n] / 1000 }'
}

echo "| report | runs | median ms | min ms | max ms |"
echo "|---|---|---|---|---|"
run "en, whole case, no forecast" report --case lachin-2022-23 -o "$WORK/a.html"
run "hy, whole case, forecast (airlift.toml, 2,000 trajectories)" report --case lachin-2022-23 --lang hy \
	--scenario "$SCEN" -o "$WORK/b.html"
run "verify-report of the latter" verify-report "$WORK/b.html"
# The same report as a PDF (issue #18): printing is Chromium's time; verifying
# reads the attached HTML (qpdf) and the pages' text (poppler) on top.
if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null; then
	RUNS=5 run "the latter as PDF (Chromium prints, qpdf attaches the HTML)" report --case lachin-2022-23 \
		--lang hy --scenario "$SCEN" --format pdf -o "$WORK/b.pdf"
	run "verify-report of that PDF" verify-report "$WORK/b.pdf"
fi
