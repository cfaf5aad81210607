#!/bin/bash
# Serving benchmark (issue #5), in one run, on loopback, printing a Markdown
# report (BENCHMARKS.md quotes it):
#
#   bench/run_serve.sh BUILD_DIR [quick]
#
#   1. Tiles: a store of 1 M raw 300-byte entries (`lifeline log append`,
#      batches of 10 k), its tiles exported with `lifeline log export-tiles`;
#      Debian's nginx (a generated minimal nginx.conf: worker_processes auto,
#      sendfile on, access_log off) serves the export and `lifeline serve` the
#      store. wrk (-t2 --latency, at 32 and at 256 connections; TILE_CONNS
#      changes the list) requests the same fixed random sample of 2,000 full
#      tiles (levels 0 and 1 and entry bundles; at 1 M entries level 2 has
#      only a partial tile) from each, alternately, 3 runs of 20 s each
#      (quick: 5 s) at each connection count after a warm-up; the medians of
#      requests/s and of p99 latency, and lifeline / nginx. All connections
#      come from 127.0.0.1, so lifeline serves the tiles with
#      --max-per-address 1024 (the default, 64, is per remote address).
#   2. API: the Lachin case imported into a store; wrk --latency (-t2 -c8,
#      10 s each; quick: 5 s) on each endpoint; p50 / p99.
#   3. Soak: `lifeline serve` on a fresh Lachin store for 10 minutes (quick:
#      60 s) while bench/serve/ingest.py POSTs new movement records
#      continuously (monitor token, one record per request) and wrk (-t1 -c4)
#      reads the API, the checkpoint and tiles. Fails on any non-2xx or
#      connection error from any client, if the log did not grow by exactly the
#      records the server acknowledged with 201, if `lifeline verify` fails, or
#      if the server's RSS (VmRSS, sampled every 10 s) still grew by more than
#      25% (+16 MiB) in the second half of the run.
# wrk, nginx and lifeline share this machine's cores: every figure is for all
# three on the same CPUs. Scratch: $BENCH_DIR (default /var/tmp/lifeline-bench).
# ONLY=tiles|api|soak runs one part. BASELINE=/path/to/another/lifeline adds
# that binary's `serve` to the tiles part, on the same store, alternating
# with the others (e.g. main's build, to compare a change in one run).
set -euo pipefail
BUILD=${1:?usage: bench/run_serve.sh BUILD_DIR [quick]}
MODE=${2:-full}
BENCH_DIR=${BENCH_DIR:-/var/tmp/lifeline-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
LL=$(cd "$(dirname "$BUILD/cmd/lifeline/lifeline")" && pwd)/lifeline
CASE=lachin-2022-23
RUN_S=20
API_S=10
SOAK_S=600
if [ "$MODE" = quick ]; then
	RUN_S=5
	API_S=5
	SOAK_S=60
fi
ONLY=${ONLY:-tiles api soak}
TILE_CONNS=${TILE_CONNS:-32 256}
for tool in wrk nginx python3; do
	command -v $tool >/dev/null || { echo "run_serve.sh: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
mkdir -p "$BENCH_DIR"
WORK=$(mktemp -d "$BENCH_DIR/serve.XXXXXX")
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { # PORT: until something accepts connections on it
	for _ in $(seq 100); do
		python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "nothing listens on port $1" >&2
	return 1
}
# start_lifeline STORE [SERVE OPTIONS...]: starts `lifeline serve` in the
# background; sets LL_PID and LL_PORT.
start_lifeline() {
	LL_PORT=$(free_port)
	local store=$1
	shift
	"$LL" --store "$store" -q serve --port "$LL_PORT" --rate-limit 0 --web "" "$@" >"$WORK/serve.out" 2>"$WORK/serve.err" &
	LL_PID=$!
	PIDS+=("$LL_PID")
	wait_port "$LL_PORT"
}
stop() { # PID
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
# wrk output -> requests/s; fails on socket errors or non-2xx/3xx responses.
wrk_rps() {
	if grep -qE "Socket errors|Non-2xx" "$1"; then
		echo "wrk reported errors:" >&2
		cat "$1" >&2
		return 1
	fi
	awk '/^Requests\/sec:/ {print $2}' "$1"
}
# wrk --latency output -> "p50 p99" in milliseconds.
wrk_latency() {
	awk '
		function ms(v) {
			if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
			if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
			if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
			if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
			return v
		}
		$1 == "50%" {p50 = ms($2)}
		$1 == "99%" {p99 = ms($2)}
		END {printf "%.2f %.2f\n", p50, p99}' "$1"
}

echo "## Serving ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -r); $(date -u +%Y-%m-%d); $(nginx -v 2>&1 | sed 's/.*: //'), wrk $(wrk --version 2>&1 | awk 'NR==1 {print $2}'))"
echo
echo "wrk, nginx and lifeline share these $(nproc) cores (load average at the start: $(cut -d' ' -f1-3 /proc/loadavg))."
echo

if [[ " $ONLY " == *" tiles "* ]]; then
	# --- 1. tiles: lifeline serve beside nginx on the same tiles ---------------
	N=1000000
	awk -v n="$N" 'BEGIN {
		pad = sprintf("%281s", ""); gsub(/ /, "x", pad)
		for (i = 0; i < n; i++) printf "entry %012d %s\n", i, pad
	}' >"$WORK/entries.txt"
	"$LL" init --origin bench.lifeline.invalid/serve "$WORK/tiles-store" >/dev/null
	"$LL" --store "$WORK/tiles-store" -q log append --file "$WORK/entries.txt" --batch 10000 >/dev/null
	rm -f "$WORK/entries.txt"
	"$LL" --store "$WORK/tiles-store" -q log export-tiles "$WORK/tiles" >/dev/null
	# The sample: 2,000 full tiles and bundles, fixed (a seeded shuffle).
	(cd "$WORK/tiles" && find tile -type f -not -path '*.p/*' | sort) >"$WORK/all-tiles.txt"
	shuf -n 2000 --random-source=<(yes lifeline) "$WORK/all-tiles.txt" | sed 's|^|/|' >"$WORK/tile-paths.txt"
	full_count=$(wc -l <"$WORK/all-tiles.txt")
	sample_bytes=$(sed 's|^/||' "$WORK/tile-paths.txt" | (cd "$WORK/tiles" && xargs stat -c %s) | awk '{s += $1} END {printf "%.1f", s / NR / 1024}')
	mix=$(awk -F/ '{c[$3 == "entries" ? "bundles" : "level " $3]++} END {for (k in c) printf "%s: %d, ", k, c[k]}' "$WORK/tile-paths.txt" | sed 's/, $//')

	NG_PORT=$(free_port)
	mkdir -p "$WORK/nginx/tmp"
	{
		[ "$(id -u)" = 0 ] && echo "user root;"
		cat <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	default_type application/octet-stream;
	client_body_temp_path $WORK/nginx/tmp;
	server {
		listen 127.0.0.1:$NG_PORT;
		root $WORK/tiles;
	}
}
EOF
	} >"$WORK/nginx/nginx.conf"
	nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" &
	NG_PID=$!
	PIDS+=("$NG_PID")
	wait_port "$NG_PORT"
	start_lifeline "$WORK/tiles-store" --max-per-address 1024
	BL_PORT=
	if [ -n "${BASELINE:-}" ]; then
		BL_PORT=$(free_port)
		"$BASELINE" --store "$WORK/tiles-store" -q serve --port "$BL_PORT" --rate-limit 0 --web "" --max-per-address 1024 >"$WORK/bl.out" 2>"$WORK/bl.err" &
		BL_PID=$!
		PIDS+=("$BL_PID")
		wait_port "$BL_PORT"
	fi
	# Warm-up: nginx's page cache, lifeline's tile cache (every path once at least).
	for port in "$NG_PORT" "$LL_PORT" $BL_PORT; do
		PATHS="$WORK/tile-paths.txt" wrk -t2 -c32 -d5s -s "$HERE/serve/paths.lua" "http://127.0.0.1:$port" >"$WORK/wrk.txt"
		wrk_rps "$WORK/wrk.txt" >/dev/null
	done
	# cpu_ticks PID: CPU time (user + system, clock ticks) of PID and its
	# children (nginx's workers).
	cpu_ticks() {
		local t=0 p
		for p in "$1" $(pgrep -P "$1" || true); do
			t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
		done
		echo "$t"
	}
	# tile_run NAME PORT PID CONNS: one wrk run; appends requests/s to
	# NAME-CONNS.rps, p99 (ms) to NAME-CONNS.p99 and the server's CPU
	# milliseconds per 1,000 requests to NAME-CONNS.cpu.
	tile_run() {
		local t0 t1 rps
		t0=$(cpu_ticks "$3")
		PATHS="$WORK/tile-paths.txt" wrk -t2 -c"$4" -d${RUN_S}s --latency -s "$HERE/serve/paths.lua" "http://127.0.0.1:$2" >"$WORK/wrk.txt"
		t1=$(cpu_ticks "$3")
		rps=$(wrk_rps "$WORK/wrk.txt")
		echo "$rps" >>"$WORK/$1-$4.rps"
		wrk_latency "$WORK/wrk.txt" | awk '{print $2}' >>"$WORK/$1-$4.p99"
		awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v r="$rps" -v s="$RUN_S" \
			'BEGIN {printf "%.1f\n", d / hz * 1000 / (r * s / 1000)}' >>"$WORK/$1-$4.cpu"
	}
	for c in $TILE_CONNS; do
		for i in 1 2 3; do
			tile_run ng "$NG_PORT" "$NG_PID" "$c"
			tile_run ll "$LL_PORT" "$LL_PID" "$c"
			[ -z "$BL_PORT" ] || tile_run bl "$BL_PORT" "$BL_PID" "$c"
		done
	done
	ll_rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$LL_PID/status")
	if [ -n "$BL_PORT" ]; then
		bl_rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$BL_PID/status")
		stop "$BL_PID"
	fi
	stop "$LL_PID"
	stop "$NG_PID"
	echo "### Tiles"
	echo
	echo "$N raw 300-byte entries (\`lifeline log append --batch 10000\`): $full_count full tiles and bundles;"
	echo "a fixed sample of 2,000 ($mix; mean $sample_bytes KiB), the same for both servers."
	echo "\`wrk -t2 -cN -d${RUN_S}s --latency\`, 3 runs each, alternating, after a 5 s warm-up of each;"
	echo "lifeline RSS after all runs: $ll_rss MiB${bl_rss:+ (baseline: $bl_rss MiB)}."
	echo
	echo "CPU: the server's own (user + system, with nginx's workers) per 1,000 requests, median of the runs."
	echo
	echo "| connections | server | requests/s (runs) | median | / nginx | p99 ms (runs) | median p99 | CPU ms / 1k req |"
	echo "|---|---|---|---|---|---|---|---|"
	for c in $TILE_CONNS; do
		ng=$(median <"$WORK/ng-$c.rps")
		for who in ng ll bl; do
			[ -f "$WORK/$who-$c.rps" ] || continue
			case $who in
			ng) label="nginx (sendfile, $(nproc) workers)" ;;
			ll) label="lifeline serve" ;;
			bl) label="baseline \`$BASELINE serve\`" ;;
			esac
			m=$(median <"$WORK/$who-$c.rps")
			ratio=$(awk -v a="$m" -v b="$ng" 'BEGIN {printf "%.2fx", a / b}')
			[ $who = ng ] && ratio=
			echo "| $c | $label | $(paste -sd' ' "$WORK/$who-$c.rps") | $m | $ratio | $(paste -sd' ' "$WORK/$who-$c.p99") | $(median <"$WORK/$who-$c.p99") | $(median <"$WORK/$who-$c.cpu") |"
		done
	done
	echo
	rm -rf "$WORK/tiles-store" "$WORK/tiles"
fi

# A fresh store of the Lachin case with a viewer and a monitor token.
lachin_store() { # DIR
	"$LL" init --origin "bench.lifeline.invalid/$(basename "$1")" "$1" >/dev/null
	"$LL" --store "$1" -q import "$SRC/data/cases/$CASE/records.jsonl" >/dev/null
	"$LL" --store "$1" -q token create --role viewer --label bench >"$1.viewer"
	"$LL" --store "$1" -q token create --role monitor --label bench >"$1.monitor"
}
RECORD=mv-2022-12-19-icrc-first-patient
API_PATHS=(
	"/api/v1/records?case=$CASE&limit=50"
	"/api/v1/records/$RECORD"
	"/api/v1/cases/$CASE/indicators"
	"/api/v1/cases/$CASE/compliance"
	"/api/v1/cases/$CASE/forecast?scenario=airlift"
	"/api/v1/cases/$CASE/export?format=jsonl"
	"/checkpoint"
)

if [[ " $ONLY " == *" api "* ]]; then
	# --- 2. API latency -----------------------------------------------------
	lachin_store "$WORK/api-store"
	start_lifeline "$WORK/api-store"
	tok=$(cat "$WORK/api-store.viewer")
	echo "### API (Lachin case, $(grep -c . "$SRC/data/cases/$CASE/records.jsonl") records; viewer token)"
	echo
	echo "\`wrk -t2 -c8 -d${API_S}s --latency\` per endpoint, after one request (analyses are cached per checkpoint)."
	echo
	echo "| endpoint | bytes | requests/s | p50 ms | p99 ms |"
	echo "|---|---|---|---|---|"
	for path in "${API_PATHS[@]}"; do
		bytes=$(curl -sf -H "Authorization: Bearer $tok" -o "$WORK/body" -w '%{size_download}' "http://127.0.0.1:$LL_PORT$path")
		wrk -t2 -c8 -d${API_S}s --latency -H "Authorization: Bearer $tok" "http://127.0.0.1:$LL_PORT$path" >"$WORK/wrk.txt"
		rps=$(wrk_rps "$WORK/wrk.txt")
		read -r p50 p99 < <(wrk_latency "$WORK/wrk.txt")
		echo "| \`GET $path\` | $bytes | $rps | $p50 | $p99 |"
	done
	echo
	stop "$LL_PID"
	rm -rf "$WORK/api-store"
fi

if [[ " $ONLY " == *" soak "* ]]; then
	# --- 3. soak: reads and concurrent ingest ------------------------------
	S=$WORK/soak-store
	lachin_store "$S"
	size0=$("$LL" --store "$S" --json log checkpoint | sed -n 's/.*"size":\([0-9]*\).*/\1/p')
	start_lifeline "$S"
	printf '%s\n' "${API_PATHS[@]:0:4}" /checkpoint /tile/0/000 /tile/entries/000 /tile/1/000.p/1 >"$WORK/soak-paths.txt"
	# RSS every 10 s.
	(while kill -0 "$LL_PID" 2>/dev/null; do
		awk '/VmRSS/ {print $2}' "/proc/$LL_PID/status" 2>/dev/null || true
		sleep 10
	done) >"$WORK/rss.txt" &
	RSS_PID=$!
	PIDS+=("$RSS_PID")
	t0=$(date +%s)
	python3 "$HERE/serve/ingest.py" 127.0.0.1 "$LL_PORT" "$(cat "$S.monitor")" "$SOAK_S" >"$WORK/ingest.json" 2>"$WORK/ingest.err" &
	ING_PID=$!
	COUNT=1 PATHS="$WORK/soak-paths.txt" AUTH="$(cat "$S.viewer")" \
		wrk -t1 -c4 -d${SOAK_S}s --timeout 10s -s "$HERE/serve/paths.lua" "http://127.0.0.1:$LL_PORT" >"$WORK/soak-wrk.txt" || true
	ing_rc=0
	wait "$ING_PID" || ing_rc=$?
	t1=$(date +%s)
	kill -0 "$LL_PID" 2>/dev/null && server_alive=yes || server_alive=no
	stop "$LL_PID"
	stop "$RSS_PID"
	size1=$("$LL" --store "$S" --json log checkpoint | sed -n 's/.*"size":\([0-9]*\).*/\1/p')
	verify_rc=0
	"$LL" --store "$S" verify >"$WORK/verify.txt" 2>&1 || verify_rc=$?

	field() { sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" "$WORK/ingest.json"; }
	ing_req=$(field requests)
	ing_created=$(field created)
	ing_written=$(field written)
	ing_err=$(field errors)
	wrk_req=$(awk '/requests in/ {print $1}' "$WORK/soak-wrk.txt")
	wrk_bad=$(awk '/^bad_status/ {print $2}' "$WORK/soak-wrk.txt")
	wrk_sock=$(awk '/Socket errors/ {gsub(/[^0-9 ]/, " "); s = 0; for (i = 1; i <= NF; i++) s += $i; print s}' "$WORK/soak-wrk.txt")
	wrk_sock=${wrk_sock:-0}
	grew=$((size1 - size0))
	rss_mib() { awk '{printf "%.0f", $1 / 1024}'; }
	rss_first=$(head -1 "$WORK/rss.txt" | rss_mib)
	rss_last=$(tail -1 "$WORK/rss.txt" | rss_mib)
	rss_max=$(sort -n "$WORK/rss.txt" | tail -1 | rss_mib)
	# Still growing: the second half's peak above the first half's by > 25% + 16 MiB.
	rss_growing=$(awk '{a[NR] = $1} END {
		h = int(NR / 2); m1 = 0; m2 = 0
		for (i = 1; i <= h; i++) if (a[i] > m1) m1 = a[i]
		for (i = h + 1; i <= NR; i++) if (a[i] > m2) m2 = a[i]
		print (h > 0 && m2 > m1 * 1.25 + 16384) ? "yes" : "no"}' "$WORK/rss.txt")

	echo "### Soak ($((t1 - t0)) s; one ingesting client and wrk -t1 -c4 reading, concurrently)"
	echo
	echo "| check | result |"
	echo "|---|---|"
	echo "| ingest: POST /api/v1/records (one new movement each) | $ing_req requests, $ing_created x 201, $ing_written records written, $ing_err errors |"
	echo "| reads: wrk over records list, record + proof, indicators, compliance, checkpoint, 3 tiles | $wrk_req requests ($(awk -v n="$wrk_req" -v s="$SOAK_S" 'BEGIN {printf "%.0f", n / s}')/s), $wrk_bad non-2xx, $wrk_sock socket errors |"
	echo "| log size | $size0 -> $size1 (+$grew; ingester's written: $ing_written) |"
	echo "| lifeline verify | $([ $verify_rc = 0 ] && echo "ok: $(head -1 "$WORK/verify.txt")" || echo "FAILED (exit $verify_rc)") |"
	echo "| server RSS (every 10 s) | first $rss_first MiB, last $rss_last MiB, max $rss_max MiB; still growing: $rss_growing |"
	echo "| server still running at the end | $server_alive |"
	echo
	echo "RSS samples (MiB): $(awk '{printf "%.0f ", $1 / 1024}' "$WORK/rss.txt")"
	echo
	fail=0
	[ "$ing_rc" = 0 ] && [ "${ing_err:-1}" = 0 ] || { fail=1; echo "FAIL: ingest errors:"; sed 's/^/    /' "$WORK/ingest.err"; }
	[ "${wrk_bad:-1}" = 0 ] && [ "$wrk_sock" = 0 ] || { fail=1; echo "FAIL: wrk errors:"; sed 's/^/    /' "$WORK/soak-wrk.txt"; }
	[ "$grew" = "$ing_written" ] && [ "$ing_written" -gt 0 ] || { fail=1; echo "FAIL: the log grew by $grew, the server acknowledged $ing_written"; }
	[ "$verify_rc" = 0 ] || { fail=1; echo "FAIL: lifeline verify:"; sed 's/^/    /' "$WORK/verify.txt"; }
	[ "$rss_growing" = no ] || { fail=1; echo "FAIL: the server's RSS kept growing"; }
	[ "$server_alive" = yes ] || { fail=1; echo "FAIL: the server died:"; sed 's/^/    /' "$WORK/serve.err"; }
	[ $fail = 0 ] || exit 1
	echo "Soak: no errors."
fi
