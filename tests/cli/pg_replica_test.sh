#!/bin/bash
# `lifeline serve` reading from a PostgreSQL hot standby (issue #14 item 3),
# on the test cluster (LIFELINE_PG_STATE) and a streaming replica of it
# (tests/pg/pg_cluster.sh replica): server A reads and writes the primary,
# server B (--read-db) reads the replica and writes the primary. Once B has
# caught up both serve one checkpoint, and the Go verifier checks B's tiles;
# with replay paused on the replica, B keeps serving the older checkpoint
# whole and answers a newer size (at=, to=, a tile) 503 with Retry-After,
# never an older answer; writes through B still land (checked against the
# primary); resumed, B catches up. A store directory naming the standby is
# refused for writes, saying so.
#
#   pg_replica_test.sh LIFELINE_BINARY SOURCE_DIR TLOG_VERIFY
set -uo pipefail
LL=$1
SRC=$2
TV=$3
HERE=$(dirname "$0")
WORK=$(mktemp -d)
SERVERS=()
cleanup() {
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	"$HERE/../pg/pg_cluster.sh" stop "$WORK/replica.state"
	rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=check.sh
. "$HERE/check.sh"
# shellcheck source=serve.sh
. "$HERE/serve.sh"

STATE=${LIFELINE_PG_STATE:?run through ctest: the postgres fixture sets LIFELINE_PG_STATE}
SOCK=$(cat "$STATE")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -rV | head -1)
"$PGBIN/createdb" -h "$SOCK" -U postgres pgreplica || exit 1
"$HERE/../pg/pg_cluster.sh" replica "$STATE" "$WORK/replica.state" || exit 1
RSOCK=$(cat "$WORK/replica.state")
PRIMARY="host=$SOCK user=postgres dbname=pgreplica"
REPLICA="host=$RSOCK user=postgres dbname=pgreplica"
on_replica() { "$PGBIN/psql" -X -q -t -A -h "$RSOCK" -U postgres -d pgreplica -c "$1"; }
RECORDS=$SRC/data/cases/lachin-2022-23/records.jsonl
CASE=lachin-2022-23

"$LL" init --origin example.org/replica --db "$PRIMARY" "$WORK/a" >/dev/null || exit 1
head -300 "$RECORDS" >"$WORK/first300.jsonl"
"$LL" --store "$WORK/a" -q import "$WORK/first300.jsonl" >/dev/null || exit 1
cp -a "$WORK/a" "$WORK/b"
token=$("$LL" --store "$WORK/a" -q token create --role monitor --label "field team")
cp "$WORK/a/tokens.json" "$WORK/b/"

# The last level-0 tile of a tree of size $1.
tile_of() {
	if [ $(($1 % 256)) -eq 0 ]; then printf 'tile/0/%03d' $(($1 / 256 - 1)); else printf 'tile/0/%03d.p/%d' $(($1 / 256)) $(($1 % 256)); fi
}
size_at() { curl -s "$1/api/v1/checkpoint" | sed -n 's/.*"size":\([0-9]*\).*/\1/p'; }
# Waits (up to 10 s) until B serves A's checkpoint.
caught_up() {
	for _ in $(seq 100); do
		[ "$(curl -s "$URLB/checkpoint")" = "$(curl -s "$URLA/checkpoint")" ] && return 0
		sleep 0.1
	done
	return 1
}
claim() { echo '{"kind":"claim","id":"cl-replica-'"$1"'","case":"'$CASE'","about":"rs-2022-12-12-closure","party":"A test party","stance":"confirms","text":"Seen.","sources":["src-ombudsmen-2023-01-13-joint-report"]'"${2:-}"'}'; }
post() {
	curl -s -o "$WORK/post.out" -w '%{http_code}' -X POST -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' --data "$2" "$1/api/v1/records"
}
# status, Retry-After and body of a GET, on one line
get_full() { curl -s -D - "$1" | tr -d '\r' | awk 'NR==1{s=$2} tolower($1)=="retry-after:"{r=$2} /^$/{b=1;next} b{print s, "retry=" r, $0}'; }

# --- a standby is for reads ----------------------------------------------------
cp -a "$WORK/a" "$WORK/onstandby"
echo "$REPLICA" >"$WORK/onstandby/database"
check "a store directory naming the standby takes no writes" 4 \
	"is a hot standby, which takes no writes: name the primary in .*/database" -- \
	"$LL" --store "$WORK/onstandby" log append <<<"x"
check "serve on a directory naming the standby" 4 "serve: .*is a hot standby, which takes no writes" -- \
	timeout 10 "$LL" --store "$WORK/onstandby" -q serve --port 0
check "the standby refuses a write in SQL too" 1 "read-only transaction" -- \
	on_replica "INSERT INTO meta VALUES ('x', 'y')"
mkdir -m 700 "$WORK/sqlite" && "$LL" init --origin example.org/replica-sqlite "$WORK/sqlite/s" >/dev/null
check "--read-db needs a PostgreSQL store" 4 "a read database \(--read-db\) needs a store on PostgreSQL" -- \
	timeout 10 "$LL" --store "$WORK/sqlite/s" -q serve --port 0 --read-db "$REPLICA"
check "--read-db with a URI store" 2 "a read database \(--read-db\) goes with a store directory" -- \
	timeout 10 env LIFELINE_VKEY="$WORK/a/log.vkey" "$LL" --store "postgresql:///pgreplica?host=$SOCK&user=postgres" -q \
	serve --port 0 --read-db "$REPLICA"

# --- A on the primary, B reading the replica ----------------------------------
start_server "$LL" "$WORK/a" || exit 1
URLA=$URL SERVERS+=("$SERVER_PID")
start_server "$LL" "$WORK/b" --read-db "$REPLICA" || exit 1
URLB=$URL SERVERS+=("$SERVER_PID")
expect "a write through A" "$(post "$URLA" "$(claim a1)")" "201"
caught_up
expect "B serves A's checkpoint once caught up" "$(curl -s "$URLB/checkpoint")" "$(curl -s "$URLA/checkpoint")"
S0=$(size_at "$URLB")
expect "B serves the last tile" "$(curl -s -o /dev/null -w '%{http_code}' "$URLB/$(tile_of "$S0")")" "200"
expect "B's tiles are A's" "$(curl -sf "$URLB/$(tile_of "$S0")" | md5sum)" "$(curl -sf "$URLA/$(tile_of "$S0")" | md5sum)"
check "tlog-verify B's tiles" 0 "^OK example.org/replica $S0 " -- "$TV" tiles "$(cat "$WORK/a/log.vkey")" "$URLB"
expect "B's figures are A's" "$(curl -s "$URLB/api/v1/cases/$CASE/indicators?at=$S0")" \
	"$(curl -s "$URLA/api/v1/cases/$CASE/indicators?at=$S0")"

# --- replay paused: B stays at S0, whole --------------------------------------
on_replica "SELECT pg_wal_replay_pause()" >/dev/null
for _ in $(seq 50); do [ "$(on_replica "SELECT pg_get_wal_replay_pause_state()")" = paused ] && break; sleep 0.1; done
CP0=$(curl -s "$URLB/checkpoint")
expect "a write through B while its replica is paused" "$(post "$URLB" "$(claim b1)")" "201"
# Checked against the primary: a correction of what only the primary has yet.
expect "a correction through B of a record B cannot see yet" \
	"$(post "$URLB" "$(claim b2 ',"supersedes":"cl-replica-b1"')")" "201"
expect "a write through A" "$(post "$URLA" "$(claim a2)")" "201"
S1=$(size_at "$URLA")
expect "the log grew on the primary" "$([ "$S1" -gt "$S0" ] && echo yes)" "yes"
expect "B still serves the older checkpoint" "$(curl -s "$URLB/checkpoint")" "$CP0"
check "B says a record it has not replayed may come" 0 \
	"^404 retry=1 .*no record ..cl-replica-b1.. on this server's replica of the log, which has replayed it up to size $S0: a record written since may not be here yet" -- \
	get_full "$URLB/api/v1/records/cl-replica-b1"
check "tlog-verify B's tiles while paused" 0 "^OK example.org/replica $S0 " -- "$TV" tiles "$(cat "$WORK/a/log.vkey")" "$URLB"
check "B answers at=S0" 0 "^200 retry= .*\"size\":$S0[,}]" -- get_full "$URLB/api/v1/cases/$CASE/indicators?at=$S0"
check "B answers at=S1 503 with Retry-After" 0 \
	"^503 retry=1 .*replayed it up to size $S0, not yet to size $S1: retry shortly" -- \
	get_full "$URLB/api/v1/cases/$CASE/headline?at=$S1"
check "A answers at=S1" 0 "^200 retry= .*\"size\":$S1[,}]" -- get_full "$URLA/api/v1/cases/$CASE/headline?at=$S1"
check "B's report at=S1: 503" 0 "^503 retry=1 .*not yet to size $S1" -- get_full "$URLB/api/v1/cases/$CASE/report?at=$S1"
check "B's consistency to=S1: 503" 0 "^503 retry=1 .*not yet to size $S1" -- \
	get_full "$URLB/api/v1/consistency?from=$S0&to=$S1"
check "B's tile of the larger tree: 503" 0 "^503 retry=1 .*not yet to size $S1" -- \
	get_full "$URLB/$(tile_of "$S1")"
check "A's consistency beyond its tree stays a 400" 0 "^400 retry= " -- \
	get_full "$URLA/api/v1/consistency?from=$S0&to=$((S1 + 5))"

# --- resumed: B catches up -------------------------------------------------------
on_replica "SELECT pg_wal_replay_resume()" >/dev/null
caught_up
expect "B catches up" "$(size_at "$URLB")" "$S1"
check "B answers at=S1 once caught up" 0 "^200 retry= .*\"size\":$S1[,}]" -- \
	get_full "$URLB/api/v1/cases/$CASE/headline?at=$S1"
expect "B serves the correction written through it" \
	"$(curl -s "$URLB/api/v1/records?case=$CASE&kind=claim" |
		python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)["records"] if r["id"].startswith("cl-replica-b")))')" "cl-replica-b2"
check "tlog-verify B's tiles after catching up" 0 "^OK example.org/replica $S1 " -- "$TV" tiles "$(cat "$WORK/a/log.vkey")" "$URLB"
check "verify on the primary" 0 "OK" -- "$LL" --store "$WORK/a" verify
finish
