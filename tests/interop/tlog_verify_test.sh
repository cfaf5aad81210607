#!/bin/bash
# Interoperability with the independent verifier ../shared/tools/tlog-verify
# (Go, on golang.org/x/mod/sumdb): for log sizes that straddle tile
# boundaries, it must accept our exported tiles, our receipts and our
# consistency between stored checkpoints; and for its own reference fixture
# (same key, same entries) our store must export the same bytes, file for
# file, checkpoint signature included.
#
#   tlog_verify_test.sh LIFELINE_BINARY TLOG_VERIFY_RUN_SH
set -euo pipefail
LL=$1
TV=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
pass=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { pass=$((pass + 1)); }

# expect CODE PREFIX -- CMD...: CMD exits CODE and stdout starts with PREFIX.
expect() {
	local code=$1 prefix=$2
	shift 3
	local out rc=0
	out=$("$@" 2>"$WORK/stderr") || rc=$?
	[ "$rc" -eq "$code" ] || fail "$* exited $rc, want $code: $out $(cat "$WORK/stderr")"
	[[ "$out" == "$prefix"* ]] || fail "$*: output '$out' does not start with '$prefix'"
	ok
}

entries() { # entries FROM TO: the lines "entry i" for i in [FROM, TO)
	[ "$1" -lt "$2" ] || return 0
	seq -f 'entry %.0f' "$1" $(($2 - 1))
}

for N in 0 1 255 256 257 65537; do
	S=$WORK/store-$N
	"$LL" init --origin "example.org/interop-$N" "$S" >/dev/null
	# Two appends, so that an older checkpoint exists to prove consistency from.
	half=$((N / 2))
	entries 0 "$half" >"$WORK/a"
	entries "$half" "$N" >"$WORK/b"
	"$LL" --store "$S" -q log append --keep-newline --batch 4096 --file "$WORK/a"
	"$LL" --store "$S" -q log append --keep-newline --batch 4096 --file "$WORK/b"
	"$LL" --store "$S" -q log export-tiles "$WORK/tiles-$N"
	expect 0 "OK example.org/interop-$N $N " -- "$TV" tiles "$S/log.vkey" "$WORK/tiles-$N"
	expect 0 "OK size $N " -- "$LL" --store "$S" verify --tiles "$WORK/tiles-$N"
	expect 0 "OK size $N " -- "$LL" --store "$S" verify
	if [ "$N" -gt 0 ]; then
		for i in 0 $((N / 2)) $((N - 1)); do
			"$LL" --store "$S" -q log prove --index "$i" -o "$WORK/r"
			"$LL" --store "$S" log entry --index "$i" >"$WORK/e"
			expect 0 "OK index $i size $N" -- "$TV" proof "$S/log.vkey" "$WORK/r" "$WORK/e"
		done
		# A receipt does not prove another entry.
		printf 'not an entry' >"$WORK/e"
		expect 1 "FAIL" -- "$TV" proof "$S/log.vkey" "$WORK/r" "$WORK/e"
	fi
	# Consistency from every stored checkpoint (including the empty tree).
	for old in 0 "$half"; do
		"$LL" --store "$S" log checkpoint --size "$old" >"$WORK/old-cp"
		expect 0 "OK consistent example.org/interop-$N $old $N" -- \
			"$TV" consistency "$S/log.vkey" "$WORK/old-cp" "$WORK/tiles-$N/checkpoint" "$WORK/tiles-$N"
	done
	echo "size $N: tiles, receipts and consistency accepted by tlog-verify"
done

# Byte-for-byte equality with the reference writer for the same key and entries.
for N in 1 257 65537; do
	F=$WORK/fixture-$N
	"$TV" make-fixture "$F" "$N" >/dev/null
	S=$WORK/same-$N
	"$LL" init --key "$F/skey" "$S" >/dev/null
	entries 0 "$N" | "$LL" --store "$S" -q log append --keep-newline
	"$LL" --store "$S" -q log export-tiles "$WORK/ours-$N"
	cmp "$WORK/ours-$N/checkpoint" "$F/checkpoint" || fail "checkpoint of size $N differs from the reference"
	ok
	(cd "$WORK/ours-$N" && find tile -type f | sort) >"$WORK/ours-files"
	while read -r f; do
		cmp -s "$WORK/ours-$N/$f" "$F/$f" || fail "$f of size $N differs from the reference"
	done <"$WORK/ours-files"
	ok
	# Every current tile of the reference is also ours (its extra files are
	# partial tiles of older checkpoints).
	expect 0 "OK" -- "$TV" tiles "$F/vkey" "$WORK/ours-$N"
	echo "size $N: $(wc -l <"$WORK/ours-files") tiles and the signed checkpoint equal the reference writer's"
done
echo "$pass passed, 0 failed"
