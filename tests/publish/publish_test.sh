#!/bin/bash
# `lifeline publish` served by Debian's nginx alone, with no Lifeline process:
# the bundled Lachin case is published, nginx serves the directory with the
# rules publish wrote, and
#   - the independent Go verifier (../shared/tools/tlog-verify) reads the
#     tiles and checkpoint over HTTP and agrees;
#   - a full tile, a partial tile, the checkpoint, a snapshot and the
#     dashboard carry the cache rules and content types of docs/publish.md;
#   - the snapshots answer what the dashboard asks;
#   - re-publishing after new records adds tiles and the new checkpoint, the
#     old full tiles byte for byte as they were, and a consistency proof
#     from the size published before;
#   - a private case and a confidential field, added to the log, appear
#     nowhere under the directory, and the entry bundles are withdrawn, as
#     the public API would (server/visibility.h).
#
#   publish_test.sh LIFELINE_BINARY SOURCE_DIR TLOG_VERIFY_RUN_SH
set -euo pipefail
LL=$1
SRC=$2
TV=$3
WORK=$(mktemp -d)
chmod 755 "$WORK"  # nginx's worker (nobody, under root) reads the publication
# shellcheck source=nginx.sh
. "$SRC/tests/publish/nginx.sh"
trap 'stop_nginx; rm -rf "$WORK"' EXIT
pass=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { pass=$((pass + 1)); echo "ok - $1"; }

S=$WORK/store
P=$WORK/pub
"$LL" init --origin example.org/publish-test "$S" >/dev/null
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
out=$("$LL" --store "$S" publish --web "$SRC/web" "$P" 2>"$WORK/progress") || fail "publish: $(cat "$WORK/progress")"
[[ "$out" == "published checkpoint 436 to $P: 1 public cases"* ]] || fail "publish said: $out"
grep -q "^publish: case lachin-2022-23$" "$WORK/progress" || fail "no progress on stderr: $(cat "$WORK/progress")"
ok "publish writes the Lachin case"

start_nginx "$WORK" "$P" || fail "nginx did not start"
U=$NGINX_URL

# (a) The Go verifier over HTTP, from nginx alone.
v=$("$TV" tiles "$S/log.vkey" "$U" 2>"$WORK/tv-err") || fail "tlog-verify: $v $(cat "$WORK/tv-err")"
[[ "$v" == "OK example.org/publish-test 436 "* ]] || fail "tlog-verify said: $v"
ok "tlog-verify reads the tiles over HTTP from nginx"

# (b) Cache rules and content types.
# header URL NAME: the header's value (no CR), or "" when absent.
header() { curl -fsS -o /dev/null -D - "$1" | tr -d '\r' | awk -v n="$(echo "$2" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == n {print $2}'; }
expect_header() { # URL NAME WANT
	local got
	got=$(header "$1" "$2")
	[ "$got" = "$3" ] || fail "$1: $2 is '$got', want '$3'"
}
immutable="public, max-age=31536000, immutable"
for t in tile/0/000 tile/entries/000; do
	expect_header "$U/$t" Cache-Control "$immutable"
	expect_header "$U/$t" Content-Type application/octet-stream
done
ok "full tiles and bundles: immutable, application/octet-stream"
for t in tile/0/001.p/180 tile/entries/001.p/180 tile/1/000.p/1; do
	expect_header "$U/$t" Cache-Control no-cache
	expect_header "$U/$t" Content-Type application/octet-stream
done
ok "partial tiles: no-cache"
expect_header "$U/checkpoint" Cache-Control no-cache
expect_header "$U/checkpoint" Content-Type "text/plain; charset=utf-8"
expect_header "$U/publication.json" Cache-Control no-cache
expect_header "$U/publication.json" Content-Type "application/json; charset=utf-8"
snap=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["snapshot"])' "$P/publication.json")
[ "$snap" = "snapshot/436/" ] || fail "publication.json names snapshot '$snap'"
expect_header "$U/${snap}cases/lachin-2022-23/headline.json" Cache-Control no-cache
expect_header "$U/index.html" Cache-Control no-cache
expect_header "$U/index.html" X-Content-Type-Options nosniff
[ "$(curl -s -o /dev/null -w '%{http_code}' "$U/nginx.conf")" = 404 ] || fail "nginx.conf is served"
ok "checkpoint, publication.json, snapshots, dashboard: no-cache, their types"

# The snapshots name the published checkpoint and hold what the dashboard asks.
check_json() { # URL PYTHON_EXPR(j)
	curl -fsS "$1" | python3 -c "import json, sys; j = json.load(sys.stdin); sys.exit(0 if ($2) else 1)" ||
		fail "$1: not ($2)"
}
C=$U/${snap}cases/lachin-2022-23
check_json "$C/headline.json" 'j["checkpoint"]["size"] == 436 and len(j["figures"]) > 4'
check_json "$C/indicators.json" 'j["checkpoint"]["size"] == 436 and len(j["days"]) > 100'
check_json "$C/compliance.json" 'j["checkpoint"]["size"] == 436'
check_json "$C/severity.json" 'j["checkpoint"]["size"] == 436 and len(j["periods"]) > 100'
check_json "$C/risk.json" 'j["checkpoint"]["size"] == 436 and j["totals"]["tags"] == 4 and "no verdict" in j["statement"]'
check_json "$C/records.json" 'j["total"] == len(j["records"]) > 300'
check_json "$U/${snap}records/mv-2022-12-19-icrc-first-patient.json" 'j["ok"] and "proof" in json.dumps(j)'
check_json "$U/${snap}cases.json" '[c["id"] for c in j["cases"]] == ["lachin-2022-23"]'
grep -q '<meta name="lifeline-publication"' "$P/index.html" || fail "index.html is not marked as a publication"
grep -q 'lifeline-verifier' "$P/verify.html" || fail "no verify.html"
[ ! -e "$P/node_modules" ] && [ ! -e "$P/package.json" ] || fail "the npm tree was published"
ok "snapshots at checkpoint 436: headline, indicators, compliance, severity, risk, records, record pages; verify.html"

# (c) Re-publishing after new records: new tiles and checkpoint; the old full
# tiles untouched (same bytes, same inode and mtime).
stat -c '%n %i %Y' "$P/tile/0/000" "$P/tile/entries/000" >"$WORK/full-before"
sha256sum "$P/tile/0/000" "$P/tile/entries/000" >"$WORK/sums-before"
python3 - "$WORK/more.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(100):
        f.write(json.dumps({"kind": "source", "id": f"src-publish-test-{i:03d}", "case": "lachin-2022-23",
                            "publisher": "Publish test", "title": f"Source {i}"}) + "\n")
PY
"$LL" --store "$S" -q import "$WORK/more.jsonl" >/dev/null
out=$("$LL" --store "$S" --json -q publish --web "$SRC/web" "$P") || fail "re-publish failed"
python3 -c 'import json, sys; j = json.loads(sys.argv[1]); sys.exit(0 if j["size"] == 536 and j["tiles_kept"] == 2 else 1)' "$out" ||
	fail "re-publish reported $out"
stat -c '%n %i %Y' "$P/tile/0/000" "$P/tile/entries/000" | diff - "$WORK/full-before" || fail "a full tile was rewritten"
sha256sum -c --quiet "$WORK/sums-before" || fail "a full tile changed"
[ -f "$P/tile/0/001" ] && [ -f "$P/tile/entries/001" ] && [ -f "$P/tile/0/002.p/24" ] || fail "no new tiles"
v=$("$TV" tiles "$S/log.vkey" "$U" 2>"$WORK/tv-err") || fail "tlog-verify after re-publish: $v $(cat "$WORK/tv-err")"
[[ "$v" == "OK example.org/publish-test 536 "* ]] || fail "tlog-verify said: $v"
check_json "$U/publication.json" 'j["snapshot"] == "snapshot/536/" and j["consistency_from"] == [436] and j["sizes"] == [436, 536]'
check_json "$U/snapshot/536/consistency/436.json" 'j["from"] == 436 and j["to"] == 536 and len(j["proof"]) > 0'
check_json "$U/snapshot/536/cases/lachin-2022-23/headline.json" 'j["checkpoint"]["size"] == 536'
[ -d "$P/snapshot/436" ] || fail "the previous snapshot was removed at once"
ok "re-publish adds tiles and the checkpoint; old full tiles byte-identical; consistency from 436"

# (d) Privacy. A confidential field in the public case: sealed in the log,
# withheld by the API, so nowhere in the publication, bundles included.
# no_leaks TEXT...: none of the texts is in any file under the publication.
no_leaks() {
	for secret in "$@"; do
		if grep -rlaF -- "$secret" "$P" >"$WORK/leaks"; then fail "'$secret' is published in: $(cat "$WORK/leaks")"; fi
	done
}
echo '{"kind":"source","id":"src-publish-confidential","case":"lachin-2022-23","publisher":"Publish test","title":"With a confidential field","confidential":{"contact":"Witness phone 555-0199-QZX"}}' >"$WORK/conf.jsonl"
"$LL" --store "$S" -q import "$WORK/conf.jsonl" >/dev/null
"$LL" --store "$S" -q publish --web "$SRC/web" "$P" || fail "publish with a confidential field"
[ -f "$P/tile/entries/002.p/25" ] || fail "the bundle with the sealed record is not published"
no_leaks "555-0199" "Witness phone"
check_json "$U/snapshot/537/records/src-publish-confidential.json" '"contact" not in json.dumps(j["record"])'
ok "a confidential field appears nowhere, bundles included"

# A private case: nothing of it, and the entry bundles withdrawn (they would
# show its records), as the public API does; the hash tiles stay.
cat >"$WORK/private.jsonl" <<'JSONL'
{"kind":"source","id":"src-hidden-zqx","case":"hidden-case-zqx","publisher":"Hidden publisher ZQX","title":"Hidden title ZQX"}
{"kind":"case","id":"hidden-case-zqx","title":"A private case ZQX","region":"Nowhere ZQX","started":"2024-01-01","sources":["src-hidden-zqx"]}
JSONL
"$LL" --store "$S" -q import "$WORK/private.jsonl" >/dev/null
"$LL" --store "$S" -q publish --web "$SRC/web" "$P" 2>"$WORK/progress" || fail "publish with a private case: $(cat "$WORK/progress")"
no_leaks hidden-case-zqx src-hidden-zqx "Hidden publisher ZQX" "Hidden title ZQX" "A private case ZQX" "555-0199"
check_json "$U/publication.json" 'j["checkpoint"]["size"] == 539'
[ ! -e "$P/tile/entries" ] || fail "entry bundles stay published while the log holds a private case"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$U/tile/entries/000")" = 404 ] || fail "nginx still serves a bundle"
expect_header "$U/tile/0/000" Cache-Control "$immutable"
ok "a private case appears nowhere; bundles withdrawn, hash tiles stay"

# Bad input: clear errors, exit codes.
if "$LL" --store "$S" publish --web "$WORK/nowhere" "$WORK/pub2" 2>"$WORK/err"; then fail "publish without a dashboard"; fi
grep -q "no dashboard" "$WORK/err" || fail "error without a dashboard: $(cat "$WORK/err")"
if "$LL" --store "$S" publish --web "$SRC/web" "$S" 2>"$WORK/err"; then fail "publish into the store"; fi
grep -q "would write into" "$WORK/err" || fail "error for the store as DIR: $(cat "$WORK/err")"
mkdir "$WORK/not-a-store"
if "$LL" --store "$WORK/not-a-store" publish --web "$SRC/web" "$WORK/pub3" 2>"$WORK/err"; then fail "publish of no store"; fi
grep -q "no store at" "$WORK/err" || fail "error for no store: $(cat "$WORK/err")"
[ -z "$(ls -A "$WORK/not-a-store")" ] && [ ! -e "$WORK/pub3" ] || fail "publish of no store wrote something"
ok "bad directories are refused, naming what was wrong"

echo "$pass passed"
