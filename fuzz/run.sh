#!/bin/sh
# Runs every libFuzzer target for a while, each from its seed corpus.
#
#   fuzz/run.sh BUILD_DIR [SECONDS_EACH] [TARGET...]
#
# BUILD_DIR is a tree configured with -DLIFELINE_FUZZ=ON (see README.md).
# Targets live in fuzz/ (the note parsers) and fuzz/ingest/ (the import
# readers); each folder holds its targets' seeds in corpus/<target>/ and
# dictionaries <name>.dict. Seeds are read, never written: new inputs go to
# BUILD_DIR/fuzz-corpus/<target>/, and crash reproducers to
# BUILD_DIR/fuzz-artifacts/. Exits non-zero on the first finding.
# FUZZ_JOBS=N runs N targets at a time (default 1; `make fuzz` uses every
# core): each still runs SECONDS_EACH seconds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS_EACH] [TARGET...]}
secs=${2:-30}
[ $# -ge 2 ] && shift 2 || shift $#
targets=${*:-note_fuzzer checkpoint_fuzzer receipt_fuzzer key_fuzzer http_fuzzer report_text_fuzzer instance_fuzzer movement_fuzzer csv_fuzzer jsonl_fuzzer hxl_fuzzer table_fuzzer odk_json_fuzzer}
build=$(cd "$build" && pwd)

# check TARGET: the target's binary, or exit 2 if it is not built.
check() {
	sub=
	[ -d "$here/ingest/corpus/$1" ] && sub=ingest/
	bin=$build/fuzz/$sub$1
	if [ ! -x "$bin" ]; then
		echo "fuzz/run.sh: $bin not built (configure with -DLIFELINE_FUZZ=ON, build target $1)" >&2
		exit 2
	fi
}

# fuzz TARGET: runs it for $secs seconds; its output goes to its log.
fuzz() {
	check "$1"
	name=${1%_fuzzer}
	work=$build/fuzz-corpus/$1
	art=$build/fuzz-artifacts/$1
	mkdir -p "$work" "$art"
	dict=
	[ -f "$here/$sub$name.dict" ] && dict="-dict=$here/$sub$name.dict"
	# shellcheck disable=SC2086 # $dict is empty or one word
	"$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$art/" $dict "$work" "$here/${sub}corpus/$1" \
		>"$build/fuzz-artifacts/$1.log" 2>&1
}

# report TARGET STATUS: its statistics, or its log's end and exit 1.
report() {
	log=$build/fuzz-artifacts/$1.log
	echo "== $1: ${secs}s"
	if [ "$2" -ne 0 ]; then
		tail -n 60 "$log" >&2
		echo "fuzz/run.sh: $1 found a problem; reproducers in $build/fuzz-artifacts/$1 (log $log)" >&2
		exit 1
	fi
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
		sed 's/^stat::/   /'
}

for t in $targets; do
	check "$t"
done
# FUZZ_JOBS targets at a time (each fuzzer is one process on one core), in
# batches; their reports in the order given.
jobs=${FUZZ_JOBS:-1}
mkdir -p "$build/fuzz-artifacts"
# shellcheck disable=SC2086 # the targets are words
set -- $targets
while [ $# -gt 0 ]; do
	batch='' n=0
	while [ $# -gt 0 ] && [ $n -lt "$jobs" ]; do
		(if fuzz "$1"; then echo 0; else echo $?; fi >"$build/fuzz-artifacts/$1.status") &
		batch="$batch $1" n=$((n + 1))
		shift
	done
	wait
	for t in $batch; do
		report "$t" "$(cat "$build/fuzz-artifacts/$t.status")"
	done
done
echo "fuzz/run.sh: no findings"
