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
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS_EACH] [TARGET...]}
secs=${2:-30}
[ $# -ge 2 ] && shift 2 || shift $#
targets=${*:-note_fuzzer checkpoint_fuzzer receipt_fuzzer key_fuzzer http_fuzzer report_text_fuzzer csv_fuzzer jsonl_fuzzer hxl_fuzzer table_fuzzer}
build=$(cd "$build" && pwd)

for t in $targets; do
	sub=
	[ -d "$here/ingest/corpus/$t" ] && sub=ingest/
	bin=$build/fuzz/$sub$t
	if [ ! -x "$bin" ]; then
		echo "fuzz/run.sh: $bin not built (configure with -DLIFELINE_FUZZ=ON, build target $t)" >&2
		exit 2
	fi
	name=${t%_fuzzer}
	work=$build/fuzz-corpus/$t
	art=$build/fuzz-artifacts/$t
	mkdir -p "$work" "$art"
	dict=
	[ -f "$here/$sub$name.dict" ] && dict="-dict=$here/$sub$name.dict"
	log=$build/fuzz-artifacts/$t.log
	echo "== $t: ${secs}s"
	# shellcheck disable=SC2086 # $dict is empty or one word
	if ! "$bin" -max_total_time="$secs" -print_final_stats=1 -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$art/" $dict "$work" "$here/${sub}corpus/$t" >"$log" 2>&1; then
		tail -n 60 "$log" >&2
		echo "fuzz/run.sh: $t found a problem; reproducers in $art (log $log)" >&2
		exit 1
	fi
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" |
		sed 's/^stat::/   /'
done
echo "fuzz/run.sh: no findings"
