#!/bin/sh
# Runs the ingest libFuzzer targets for a while, each from its seed corpus.
#
#   fuzz/ingest/run.sh BUILD_DIR [SECONDS_EACH] [TARGET...]
#
# As fuzz/run.sh, for the targets in this folder (built in
# BUILD_DIR/fuzz/ingest/). Seeds in fuzz/ingest/corpus/<target>/ are read,
# never written: new inputs go to BUILD_DIR/fuzz-corpus/<target>/, crash
# reproducers to BUILD_DIR/fuzz-artifacts/<target>/. Exits non-zero on the
# first finding.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/ingest/run.sh BUILD_DIR [SECONDS_EACH] [TARGET...]}
secs=${2:-30}
[ $# -ge 2 ] && shift 2 || shift $#
targets=${*:-csv_fuzzer jsonl_fuzzer hxl_fuzzer table_fuzzer}
build=$(cd "$build" && pwd)

for t in $targets; do
	bin=$build/fuzz/ingest/$t
	if [ ! -x "$bin" ]; then
		echo "fuzz/ingest/run.sh: $bin not built (configure with -DLIFELINE_FUZZ=ON, build ingest_fuzzers)" >&2
		exit 2
	fi
	name=${t%_fuzzer}
	work=$build/fuzz-corpus/$t
	art=$build/fuzz-artifacts/$t
	mkdir -p "$work" "$art"
	dict=
	[ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
	log=$build/fuzz-artifacts/$t.log
	echo "== $t: ${secs}s"
	# shellcheck disable=SC2086 # $dict is empty or one word
	if ! "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$art/" $dict "$work" "$here/corpus/$t" >"$log" 2>&1; then
		tail -n 60 "$log" >&2
		echo "fuzz/ingest/run.sh: $t found a problem; reproducers in $art (log $log)" >&2
		exit 1
	fi
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
		sed 's/^stat::/   /'
done
echo "fuzz/ingest/run.sh: no findings"
