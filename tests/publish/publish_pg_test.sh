#!/bin/bash
# `lifeline publish` of a PostgreSQL store while other processes append to it
# (issue #14 items 2 and 4): the publish LOCK stops no PostgreSQL writer, so
# publish pins its reads to one snapshot and asks for its checkpoint (at=).
# A bounded loop of `log append`s and claim imports runs throughout; publish
# must succeed, and the publication must be of one checkpoint N alone: every
# answer naming a checkpoint names N, no listed record is at N or beyond, the
# Go verifier reads the tiles as of N, and the log did grow meanwhile.
#
#   publish_pg_test.sh LIFELINE_BINARY SOURCE_DIR TLOG_VERIFY_RUN_SH
set -uo pipefail
LL=$1
SRC=$2
TV=$3
WORK=$(mktemp -d)
WRITER=""
trap '[ -n "$WRITER" ] && kill "$WRITER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
# shellcheck source=../cli/check.sh
. "$SRC/tests/cli/check.sh"

SOCK=$(cat "${LIFELINE_PG_STATE:?run through ctest: the postgres fixture sets LIFELINE_PG_STATE}")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
"$PGBIN/createdb" -h "$SOCK" -U postgres pgpublish || exit 1
S=$WORK/store
P=$WORK/pub
CASE=lachin-2022-23
"$LL" init --origin example.org/publish-pg --db "host=$SOCK user=postgres dbname=pgpublish" "$S" >/dev/null || exit 1
"$LL" --store "$S" -q import "$SRC/data/cases/$CASE/records.jsonl" >/dev/null || exit 1
size_of() { "$LL" --store "$S" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/'; }
before=$(size_of)

# Writers through a copy of the directory (another machine's), until publish
# ends or 300 rounds: an entry, then a claim of the published case.
cp -a "$S" "$WORK/writer"
claim() { echo '{"kind":"claim","id":"cl-pub-'"$1"'","case":"'$CASE'","about":"rs-2022-12-12-closure","party":"A test party","stance":"confirms","text":"Seen.","sources":["src-ombudsmen-2023-01-13-joint-report"]}'; }
(
	for i in $(seq 300); do
		[ -e "$WORK/stop" ] && break
		echo "entry $i" | "$LL" --store "$WORK/writer" -q log append >/dev/null 2>>"$WORK/writer.err" || echo "append $i failed" >>"$WORK/writer.err"
		claim "$i" >"$WORK/claim.jsonl"
		"$LL" --store "$WORK/writer" -q import "$WORK/claim.jsonl" >/dev/null 2>>"$WORK/writer.err" || echo "import $i failed" >>"$WORK/writer.err"
	done
) &
WRITER=$!
# The writers are under way before publish starts.
for _ in $(seq 100); do [ "$(size_of)" -gt "$before" ] && break; sleep 0.05; done
check "publish while writers append" 0 "^published checkpoint [0-9]+ to $P: 1 public cases" -- \
	"$LL" --store "$S" publish --web "$SRC/web" "$P"
touch "$WORK/stop"
wait "$WRITER"
WRITER=""
expect "every write acknowledged" "$(grep -c failed "$WORK/writer.err" 2>/dev/null || true)" "0"

N=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["checkpoint"]["size"])' "$P/publication.json")
after=$(size_of)
expect "the log moved during publish" "$([ "$N" -gt "$before" ] && [ "$after" -gt "$N" ] && echo yes)" "yes"
check "tlog-verify reads the published tiles as of N" 0 "^OK example.org/publish-pg $N " -- \
	"$TV" tiles "$S/log.vkey" "$P"
# Every answer of the snapshot that names a checkpoint names N; every listed
# record and every record view is of an entry below N.
check "the snapshot is of checkpoint N alone" 0 "^consistent [0-9]+ files$" -- python3 - "$P/snapshot/$N" "$N" <<'EOF'
import json, os, sys
root, n = sys.argv[1], int(sys.argv[2])
bad, files = [], 0
def sizes(j):
    if isinstance(j, dict):
        cp = j.get("checkpoint")
        if isinstance(cp, dict) and "size" in cp:
            yield cp["size"]
        for v in j.values():
            yield from sizes(v)
    elif isinstance(j, list):
        for v in j:
            yield from sizes(v)
for d, _, names in os.walk(root):
    for name in names:
        path = os.path.join(d, name)
        j = json.load(open(path))
        files += 1
        bad += [f"{path}: checkpoint {s}" for s in sizes(j) if s != n]
        if name == "checkpoint.json" and j.get("size") != n:
            bad.append(f"{path}: size {j.get('size')}")
        for r in j.get("records", []) if isinstance(j, dict) else []:
            if r.get("index", 0) >= n:
                bad.append(f"{path}: record {r.get('id')} at {r.get('index')}")
        if isinstance(j, dict) and isinstance(j.get("index"), int) and j["index"] >= n:
            bad.append(f"{path}: record at {j['index']}")
print("\n".join(bad[:10]) if bad else f"consistent {files} files")
EOF
expect "the snapshot lists the claims committed before N" \
	"$(python3 -c 'import json,sys; print(len([r for r in json.load(open(sys.argv[1]))["records"] if r["id"].startswith("cl-pub-")]))' \
		"$P/snapshot/$N/cases/$CASE/records.json")" \
	"$("$PGBIN/psql" -X -q -t -A -h "$SOCK" -U postgres -d pgpublish -c "SELECT count(*) FROM records WHERE id LIKE 'cl-pub-%' AND idx < $N")"
finish
