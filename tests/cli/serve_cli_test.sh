#!/bin/bash
# `lifeline serve` and `lifeline token` through the binary: tokens shown once
# and stored hashed, the API's answers to each role, a write as a log record,
# the tiles and checkpoint read over HTTP by the independent verifier, the
# access log free of tokens, and a port in use.
#
#   serve_cli_test.sh LIFELINE_BINARY SOURCE_DIR TLOG_VERIFY_RUN_SH
set -uo pipefail
LL=$1
SRC=$2
TV=$3
WORK=$(mktemp -d)
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"

S=$WORK/store
"$LL" init --origin example.org/serve "$S" >/dev/null
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null

viewer=$("$LL" --store "$S" -q token create --role viewer --label "a journalist")
monitor=$("$LL" --store "$S" -q token create --role monitor --label "field team")
expect "token format" "$(printf '%s\n%s\n' "$viewer" "$monitor" | grep -Ec '^llt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$')" 2
check "token bad role" 2 "unknown role \"root\"" -- "$LL" --store "$S" token create --role root
expect "tokens stored hashed" "$(grep -cF -e "${viewer#llt_????????_}" -e "${monitor#llt_????????_}" "$S/tokens.json")" 0
expect "token file mode" "$(stat -c %a "$S/tokens.json")" 600
check "token list" 0 "viewer +[0-9TZ:-]+ +a journalist" -- "$LL" --store "$S" token list

trap 'stop_server; rm -rf "$WORK"' EXIT
start_server "$LL" "$S" || exit 1

code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
REC='{"kind":"claim","id":"cl-serve-test","case":"lachin-2022-23","about":"rs-2022-12-12-closure","party":"A test party","stance":"confirms","text":"Seen.","sources":["src-ombudsmen-2023-01-13-joint-report"]}'
expect "anonymous reads a public case" "$(code "$URL/api/v1/records?case=lachin-2022-23&limit=1")" 200
expect "anonymous cannot write" "$(code -X POST -H 'Content-Type: application/json' --data "$REC" "$URL/api/v1/records")" 401
expect "viewer cannot write" "$(code -X POST -H "Authorization: Bearer $viewer" -H 'Content-Type: application/json' --data "$REC" "$URL/api/v1/records")" 403
before=$("$LL" --store "$S" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/')
expect "monitor writes" "$(code -X POST -H "Authorization: Bearer $monitor" -H 'Content-Type: application/json' --data "$REC" "$URL/api/v1/records")" 201
after=$("$LL" --store "$S" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/')
expect "the write is one log record" "$after" "$((before + 1))"
check "the record names its token" 0 "\"by\":\"api:${monitor:4:8}\"" -- "$LL" --store "$S" --json show cl-serve-test
expect "malformed JSON is 400" "$(code -X POST -H "Authorization: Bearer $monitor" -H 'Content-Type: application/json' --data '{"kind":' "$URL/api/v1/records")" 400
expect "nothing more was written" "$("$LL" --store "$S" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/')" "$after"

# The independent verifier reads the log over HTTP: checkpoint, hash tiles
# (a full one and partial ones at size 272) and entry bundles.
if [ -x "$TV" ] && command -v go >/dev/null; then
	check "tlog-verify tiles over HTTP" 0 "" -- "$TV" tiles "$(cat "$S/log.vkey")" "$URL"
	# ...and notices when the served checkpoint is not the log's: another log's key.
	"$LL" init --origin example.org/other "$WORK/other" >/dev/null
	check "tlog-verify refuses another key" 1 "" -- "$TV" tiles "$(cat "$WORK/other/log.vkey")" "$URL"
else
	echo "FAIL tlog-verify: $TV or go is missing (scripts/deps.sh installs golang-go)"
	failed=$((failed + 1))
fi

# A private case in the log: its entry bundles now need a token (the hash
# tiles and the checkpoint stay public), within a second of the write.
PRIV='[{"kind":"source","id":"src-serve-priv","case":"serve-priv","publisher":"P","title":"T"},
{"kind":"case","id":"serve-priv","title":"A private case","region":"R","started":"2024-01-01","sources":["src-serve-priv"]}]'
expect "monitor writes a private case" "$(code -X POST -H "Authorization: Bearer $monitor" -H 'Content-Type: application/json' --data "$PRIV" "$URL/api/v1/records")" 201
sleep 1.1
expect "anonymous: entry bundles of a log with a private case" "$(code "$URL/tile/entries/000")" 401
expect "a token reads them" "$(code -H "Authorization: Bearer $monitor" "$URL/tile/entries/000")" 200
expect "anonymous: hash tiles stay public" "$(code "$URL/tile/0/000")" 200
expect "anonymous: a private record is not found" "$(code "$URL/api/v1/records/serve-priv")" 404

# Revocation is seen by the running server (it re-reads the token file).
"$LL" --store "$S" -q token revoke "${viewer:4:8}"
sleep 1.2
expect "a revoked token is refused" "$(code -H "Authorization: Bearer $viewer" "$URL/api/v1/cases")" 401

# Another server on the same port: a clear error, exit 4.
port=${URL##*:}
check "port in use" 4 "cannot listen on 127.0.0.1:$port" -- timeout 20 "$LL" --store "$S" serve --port "$port"

# The access log names method, path and status, never a token.
"$LL" --store "$S" --json serve --port 0 >"$WORK/serve.out" 2>"$WORK/access.log" &
pid=$!
for _ in $(seq 50); do grep -q '"url"' "$WORK/serve.out" && break; sleep 0.1; done
url2=$(sed -n 's/.*"url":"\(http[^"]*\)\/".*/\1/p' "$WORK/serve.out")
curl -s -o /dev/null -H "Authorization: Bearer $monitor" "$url2/api/v1/cases?x=$monitor" || true
kill $pid
wait $pid 2>/dev/null
check "access log line" 0 "GET /api/v1/cases 400" -- cat "$WORK/access.log"
check "serve says what the log shows anonymous readers" 0 "serve: the log holds cases that are not public: its entry bundles" -- cat "$WORK/access.log"
expect "no token in the access log" "$(grep -cF -- "${monitor:13}" "$WORK/access.log")" 0

finish
