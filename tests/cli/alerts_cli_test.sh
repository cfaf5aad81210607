#!/bin/bash
# `lifeline alerts` and the alerts run after every write, through the
# binary, on the bundled Lachin case, with a webhook receiver on 127.0.0.1
# (webhook_receiver.py) that fails its first request: the retry, no
# duplicate across processes, the Atom feed, the exit codes of docs/cli.md.
#
#   alerts_cli_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
RECEIVER=
trap '[ -n "$RECEIVER" ] && kill "$RECEIVER" 2>/dev/null; stop_server; rm -rf "$WORK"' EXIT
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"

python3 "$SRC/tests/cli/webhook_receiver.py" "$WORK/port" "$WORK/hooks.jsonl" 1 &
RECEIVER=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
PORT=$(cat "$WORK/port")

S=$WORK/store
"$LL" init --origin example.org/alerts "$S" >/dev/null
cp "$SRC/data/cases/lachin-2022-23/alerts.toml" "$S/alerts.toml"
cat >>"$S/alerts.toml" <<TOML

[[rule]]
id = "road-closed-hook"
case = "lachin-2022-23"
type = "route_closed"
route = "rt-lachin-road"
[[rule.webhook]]
url = "http://127.0.0.1:$PORT/hook"
secret = "s3cret"
TOML

# The import evaluates the rules: 3 closures + 14 runs without patient
# transfers + 4 gas cuts (no power cut: the line from Armenia was cut, the
# area's service was rationed, never out 24 hours) + the 3 closures of the
# hooked rule.
# The receiver fails the first POST: it is retried after the backoff.
check "import raises the alerts and delivers" 0 \
	"alerts: 24 active, 24 new, 0 changed; webhooks: 4 attempts, 3 delivered, 0 failed for good, 0 pending" -- \
	"$LL" --store "$S" import "$SRC/data/cases/lachin-2022-23/records.jsonl"
expect "receiver got 4 requests" "$(wc -l <"$WORK/hooks.jsonl")" 4
expect "3 distinct idempotency keys" "$(python3 -c '
import json,sys
print(len({json.loads(l)["key"] for l in open(sys.argv[1])}))' "$WORK/hooks.jsonl")" 3
expect "signatures are HMAC-SHA256 of the body" "$(python3 -c '
import hmac,hashlib,json,sys
ok = all(json.loads(l)["signature"] == "sha256=" + hmac.new(b"s3cret", json.loads(l)["body"].encode(), hashlib.sha256).hexdigest()
         for l in open(sys.argv[1]))
print(ok)' "$WORK/hooks.jsonl")" True
expect "payload names the episode and records" "$(python3 -c '
import json,sys
for l in open(sys.argv[1]):
    b = json.loads(json.loads(l)["body"])
    if b["first_day"] == "2023-06-15":
        print(b["key"], b["last_day"], b["days"], ",".join(b["records"]), b["checkpoint"]["size"])
        break' "$WORK/hooks.jsonl")" \
	"road-closed-hook/lachin-2022-23/2023-06-15 2023-06-24 10 rs-2023-06-15-full-closure,rs-2023-06-22-concrete-blocks 436"

# A later write: same alerts, nothing new, nothing sent again (another process).
printf '{"kind":"source","id":"src-test-extra","case":"lachin-2022-23","publisher":"Test","title":"Extra"}\n' >"$WORK/extra.json"
check "a later write raises nothing new" 0 "alerts: 24 active, 0 new, 0 changed; webhooks: 0 attempts" -- \
	"$LL" --store "$S" add "$WORK/extra.json"
check "alerts --deliver sends nothing again" 0 "webhooks: 0 attempts, 0 delivered" -- \
	"$LL" --store "$S" alerts --deliver
check "alerts deliver" 0 "webhooks: 0 attempts, 0 delivered, 0 failed for good, 0 pending" -- \
	"$LL" --store "$S" alerts deliver
expect "still 4 requests" "$(wc -l <"$WORK/hooks.jsonl")" 4

# --json write commands keep exactly one JSON object on stdout.
printf '{"kind":"source","id":"src-test-extra2","case":"lachin-2022-23","publisher":"Test","title":"Extra 2"}\n' >"$WORK/extra2.json"
expect "add --json stdout is one object" "$("$LL" --store "$S" --json add "$WORK/extra2.json" 2>/dev/null | python3 -c '
import json,sys
print(json.loads(sys.stdin.read())["ok"])')" True

check "table" 0 "lachin-road-closed/lachin-2022-23/2023-06-15" -- "$LL" --store "$S" alerts --dry-run
check "table period" 0 "rt-lachin-road closed 10 days: 2023-06-15 \.\. 2023-06-24" -- "$LL" --store "$S" alerts --dry-run
check "json" 0 '"key":"gas-out-48h/lachin-2022-23/2023-01-18T00:00:00Z"' -- "$LL" --store "$S" --json alerts --dry-run
check "--case" 0 "lachin-2022-23: its rules|24 alerts" -- "$LL" --store "$S" alerts --case lachin-2022-23 --dry-run
check "--rules from the case directory" 0 "21 alerts" -- \
	"$LL" --store "$S" alerts --dry-run --rules "$SRC/data/cases/lachin-2022-23/alerts.toml"

expect "atom feed is well-formed with one entry per alert" "$(python3 -c '
import xml.dom.minidom,sys
d = xml.dom.minidom.parse(sys.argv[1])
ids = [e.getElementsByTagName("id")[0].firstChild.data for e in d.getElementsByTagName("entry")]
print(len(ids), len(set(ids)), ids[0].startswith("urn:lifeline:alert:"))' "$S/alerts.atom")" "24 24 True"

# A write through the API runs the rules too (serve's after-write thread): a
# new closure of the road opens a new episode of the hooked rule.
monitor=$("$LL" --store "$S" -q token create --role monitor --label "alerts test")
start_server "$LL" "$S" || exit 1
CLOSURE='{"kind":"route_status","id":"rs-test-api-closure","case":"lachin-2022-23","route":"rt-lachin-road","from":"2023-09-30","status":"closed","imposed_by":"Azerbaijan","sources":["src-artsakhpress-2023-06-15-ban"]}'
expect "an API write" "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $monitor" \
	-H 'Content-Type: application/json' --data "$CLOSURE" "$URL/api/v1/records")" 201
for _ in $(seq 100); do [ "$(wc -l <"$WORK/hooks.jsonl")" -ge 5 ] && break; sleep 0.1; done
stop_server
expect "the API write's alert reached the webhook" "$(python3 -c '
import json,sys
print([json.loads(json.loads(l)["body"])["key"] for l in open(sys.argv[1])][4:])' "$WORK/hooks.jsonl")" \
	"['road-closed-hook/lachin-2022-23/2023-09-30']"
check "and is recorded like a CLI write's" 0 "road-closed-hook/lachin-2022-23/2023-09-30" -- \
	"$LL" --store "$S" alerts --dry-run

# Errors.
printf '[[rule]]\nid = "x"\ntype = "flood"\ncase = "c"\n' >"$WORK/bad.toml"
check "bad rules file" 2 "bad.toml:3: rule.type: must be" -- "$LL" --store "$S" alerts --rules "$WORK/bad.toml"
check "missing rules file" 3 "nope.toml" -- "$LL" --store "$S" alerts --rules "$WORK/nope.toml"
check "bad format" 2 "--format must be table or json" -- "$LL" --store "$S" alerts --format csv
# A broken rules file in the store never fails a write.
cp "$WORK/bad.toml" "$S/alerts.toml"
printf '{"kind":"source","id":"src-test-extra3","case":"lachin-2022-23","publisher":"Test","title":"Extra 3"}\n' >"$WORK/extra3.json"
check "write succeeds despite bad rules, and says so" 0 \
	"lifeline: alerts: invalid argument: .*alerts.toml:3: rule.type" -- "$LL" --store "$S" add "$WORK/extra3.json"
check "the write was committed" 0 "1 already in the log" -- "$LL" --store "$S" add "$WORK/extra3.json"

finish
