#!/bin/bash
# The OpenRosa APIs of `lifeline serve` through the binary, with curl
# sending what ODK Collect sends (multipart/form-data, X-OpenRosa-Version,
# HTTP Basic or a /key/<token>/ path): the form list and its forms, HEAD and
# POST /submission, a receipt checked offline by `log verify-receipt`, an
# evidence form's attachment in the blob store, a resend, a changed resend,
# malformed XML, an oversized attachment, an unknown form, bad tokens and
# roles, and the access log free of tokens.
#
#   openrosa_cli_test.sh LIFELINE_BINARY SOURCE_DIR
set -uo pipefail
LL=$1
SRC=$2
WORK=$(mktemp -d)
# shellcheck source=check.sh
. "$(dirname "$0")/check.sh"
# shellcheck source=serve.sh
. "$(dirname "$0")/serve.sh"

S=$WORK/store
"$LL" init --origin example.org/openrosa "$S" >/dev/null
"$LL" --store "$S" -q import "$SRC/data/cases/lachin-2022-23/records.jsonl" >/dev/null
monitor=$("$LL" --store "$S" -q token create --role monitor --label "field team")
viewer=$("$LL" --store "$S" -q token create --role viewer --label "a journalist")
verifier=$("$LL" --store "$S" -q token create --role verifier --label "a fact-checker")

trap 'stop_server; rm -rf "$WORK"' EXIT
LOG=$WORK/serve.log
"$LL" --store "$S" --json serve --port 0 --max-upload 100000 >"$WORK/serve.out" 2>"$LOG" &
SERVER_PID=$!
for _ in $(seq 100); do
	URL=$(sed -n 's/.*"url":"\(http[^"]*\)\/".*/\1/p' "$WORK/serve.out")
	[ -n "$URL" ] && break
	sleep 0.1
done
[ -n "$URL" ] || { echo "FAIL the server did not start: $(cat "$LOG")"; exit 1; }

OR=(-H "X-OpenRosa-Version: 1.0")
BASIC=(-u "collect:$monitor")
# code ARGS...: the status; the body in $WORK/body, the headers in $WORK/head.
code() { curl -s -o "$WORK/body" -D "$WORK/head" -w '%{http_code}' "${OR[@]}" "$@"; }
header() { grep -i "^$1:" "$WORK/head" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
# xml XPATH: the text (or @attr) of the first match in $WORK/body (namespaces ignored).
xml() {
	python3 - "$WORK/body" "$1" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
text = re.sub(r'\sxmlns(:\w+)?="[^"]*"', '', open(sys.argv[1]).read(), count=0)
root = ET.fromstring(text)
path, _, attr = sys.argv[2].partition('@')
node = root if path in ('', '.') else root.find(path)
print('' if node is None else (node.get(attr, '') if attr else (node.text or '')), end='')
EOF
}
size() { "$LL" --store "$S" --json log checkpoint | sed 's/.*"size":\([0-9]*\).*/\1/'; }

# --- Form List API ---
expect "formList needs a token" "$(code "$URL/formList")" 401
expect "the challenge is Basic" "$(header WWW-Authenticate | cut -d' ' -f1)" "Basic"
expect "formList with Basic" "$(code "${BASIC[@]}" "$URL/formList")" 200
expect "X-OpenRosa-Version" "$(header X-OpenRosa-Version)" "1.0"
check "a Date header" 0 "^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} " -- header Date
expect "formList is XML" "$(header Content-Type)" "text/xml; charset=utf-8"
expect "a monitor's forms: the seven kinds and the claim, in order" "$(grep -o '<formID>[^<]*' "$WORK/body" | cut -d'>' -f2 | tr '\n' ' ')" \
	"lifeline-movement lifeline-route_status lifeline-outage lifeline-incident lifeline-stock lifeline-source lifeline-evidence lifeline-claim "
expect "the route_status form is listed" "$(grep -c '<formID>lifeline-route_status</formID>' "$WORK/body")" 1
cp "$WORK/body" "$WORK/formlist.xml"
rs_url=$(grep -A4 '<formID>lifeline-route_status' "$WORK/formlist.xml" | sed -n 's/.*<downloadUrl>\(.*\)<\/downloadUrl>.*/\1/p')
rs_hash=$(grep -A4 '<formID>lifeline-route_status' "$WORK/formlist.xml" | sed -n 's/.*<hash>md5:\(.*\)<\/hash>.*/\1/p')
rs_version=$(grep -A4 '<formID>lifeline-route_status' "$WORK/formlist.xml" | sed -n 's/.*<version>\(.*\)<\/version>.*/\1/p')
expect "downloadUrl" "$rs_url" "$URL/forms/lifeline-route_status.xml"
expect "download a form" "$(code "${BASIC[@]}" "$rs_url")" 200
expect "the form's md5 is the listed hash" "$(md5sum <"$WORK/body" | cut -d' ' -f1)" "$rs_hash"
check "the form offers the case's routes" 0 "rt-lachin-road" -- cat "$WORK/body"
expect "formID filter" "$(code "${BASIC[@]}" "$URL/formList?formID=lifeline-evidence"; grep -o '<formID>[^<]*' "$WORK/body" | tr '\n' ' ')" "200<formID>lifeline-evidence "
ev_version=$(sed -n 's/.*<version>\(.*\)<\/version>.*/\1/p' "$WORK/body")
expect "an unknown form is 404" "$(code "${BASIC[@]}" "$URL/forms/lifeline-nothing.xml")" 404
expect "a 404 is an OpenRosa response" "$(xml message@nature)" "error"
expect "the token in the path" "$(code "$URL/key/$monitor/formList")" 200
check "downloadUrl keeps the path's token" 0 "<downloadUrl>$URL/key/$monitor/forms/lifeline-movement.xml</downloadUrl>" -- cat "$WORK/body"
hostport=${URL#http://}
expect "behind a TLS proxy the URLs stay on https" "$(code -H 'X-Forwarded-Proto: https' "$URL/key/$monitor/formList")" 200
check "downloadUrl on https" 0 "<downloadUrl>https://$hostport/key/$monitor/forms/lifeline-movement.xml</downloadUrl>" -- cat "$WORK/body"

# Each role lists exactly the forms it may submit.
expect "a verifier's formList" "$(code -u "collect:$verifier" "$URL/formList"; grep -o '<formID>[^<]*' "$WORK/body" | tr '\n' ' ')" \
	"200<formID>lifeline-claim "
claim_version=$(sed -n 's/.*<version>\(.*\)<\/version>.*/\1/p' "$WORK/body")
expect "a viewer's formList is empty" "$(code -u "collect:$viewer" "$URL/formList"; grep -c '<formID>' "$WORK/body")" "2000"
expect "a verifier downloads the claim form" "$(code -u "collect:$verifier" "$URL/forms/lifeline-claim.xml")" 200
check "the claim form's about is typed in" 0 '<input ref="/data/about">' -- cat "$WORK/body"
expect "a verifier may not download the movement form" "$(code -u "collect:$verifier" "$URL/forms/lifeline-movement.xml")" 403
expect "a 403 is an OpenRosa response" "$(xml message@nature)" "error"

# --- Submission API: HEAD ---
expect "HEAD /submission" "$(code -I "${BASIC[@]}" "$URL/submission")" 204
expect "X-OpenRosa-Accept-Content-Length" "$(header X-OpenRosa-Accept-Content-Length)" 100000
expect "HEAD without a token" "$(code -I "$URL/submission")" 401
expect "HEAD with a bad token" "$(code -I -u "collect:llt_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$URL/submission")" 401
expect "HEAD as a viewer" "$(code -I -u "collect:$viewer" "$URL/submission")" 403

# --- POST: a route status ---
instance() {  # instance FILE UUID STATUS
	cat >"$1" <<EOF
<?xml version="1.0"?>
<data xmlns:jr="http://openrosa.org/javarosa" id="lifeline-route_status" version="$rs_version">
  <case>lachin-2022-23</case>
  <route>rt-lachin-road</route>
  <from>2023-02-01T08:00:00Z</from>
  <until/>
  <status>$3</status>
  <note>Seen from the checkpoint &amp; reported by radio.</note>
  <sources>src-ombudsmen-2023-01-13-joint-report</sources>
  <meta><instanceID>uuid:$2</instanceID></meta>
</data>
EOF
}
U1=3F2A7C44-9D1B-4E0A-8C55-0123456789AB
instance "$WORK/i1.xml" "$U1" closed
submit() { code "$@" "$URL/submission"; }
before=$(size)
expect "a good submission" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/i1.xml;type=text/xml")" 201
cat "$WORK/body" >"$WORK/first.xml"
expect "submit_success" "$(xml message@nature)" "submit_success"
id=$(xml record@id)
expect "the id from the instanceID" "$id" "odk-${U1,,}"
expect "one record appended" "$(size)" "$((before + 1))"
expect "its log index" "$(xml record@index)" "$before"
xml record/receipt >"$WORK/receipt"
check "the record names its token" 0 "\"by\":\"api:${monitor:4:8}\"" -- "$LL" --store "$S" --json show "$id"
curl -s -H "Authorization: Bearer $monitor" "$URL/api/v1/records/$id" |
	python3 -c 'import base64, json, sys; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["entry"]))' >"$WORK/entry"
check "the receipt verifies offline" 0 "^OK .* is entry $before of example.org/openrosa" -- \
	"$LL" --store "$S" log verify-receipt "$WORK/receipt" "$WORK/entry"
printf 'x' >"$WORK/other-entry"
check "the receipt is of that record only" 1 "FAIL" -- "$LL" --store "$S" log verify-receipt "$WORK/receipt" "$WORK/other-entry"

# A resend after a lost connection: nothing appended, the same answer.
expect "a resend" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/i1.xml;type=text/xml")" 202
expect "a resend appends nothing" "$(size)" "$((before + 1))"
expect "a resend: the same record and index" "$(xml record@id) $(xml record@index)" "$id $before"
# The same instanceID with other content.
instance "$WORK/i1b.xml" "$U1" open
expect "the same instanceID, other content" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/i1b.xml;type=text/xml")" 409
check "409 says why" 0 "submitted before with other content" -- cat "$WORK/body"
# A rejection names the field and carries the hint.
instance "$WORK/i2.xml" 11111111-2222-4333-8444-555555555555 ajar
expect "an invalid status" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/i2.xml;type=text/xml")" 400
check "400 names the field and the hint" 0 "status: .*hint: " -- xml message
# Malformed XML, an unknown form, no instance.
printf '<data id="lifeline-route_status"><case>x</data>' >"$WORK/bad.xml"
expect "malformed XML" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/bad.xml;type=text/xml")" 400
check "malformed XML: the parser's words" 0 "not well-formed" -- xml message
sed 's/lifeline-route_status/somebody-elses-form/' "$WORK/i1.xml" >"$WORK/unknown.xml"
expect "an unknown form" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/unknown.xml;type=text/xml")" 404
expect "no xml_submission_file" "$(submit "${BASIC[@]}" -F "photo.jpg=@$WORK/i1.xml")" 400
expect "nothing appended by the refusals" "$(size)" "$((before + 1))"

# --- An evidence form with its attachment ---
head -c 50000 /dev/urandom >"$WORK/photo.jpg"
sha=$(sha256sum <"$WORK/photo.jpg" | cut -d' ' -f1)
cat >"$WORK/ev.xml" <<EOF
<?xml version="1.0"?>
<data id="lifeline-evidence" version="$ev_version">
  <case>lachin-2022-23</case>
  <sources>src-ombudsmen-2023-01-13-joint-report</sources>
  <file>photo.jpg</file>
  <description>The queue at the checkpoint</description>
  <meta><instanceID>uuid:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee</instanceID></meta>
</data>
EOF
expect "an evidence form, through the path's token" "$(code "$URL/key/$monitor/submission" \
	-F "xml_submission_file=@$WORK/ev.xml;type=text/xml" -F "photo.jpg=@$WORK/photo.jpg;type=image/jpeg")" 201
ev_id=$(xml record@id)
check "the record has the attachment's hash, size and type" 0 \
	"\"media_type\":\"image/jpeg\".*\"sha256\":\"$sha\".*\"size\":50000" -- "$LL" --store "$S" --json show "$ev_id"
expect "the blob is in the store under its hash" "$(sha256sum <"$S/blobs/sha256/${sha:0:2}/$sha" | cut -d' ' -f1)" "$sha"
expect "an evidence form without its file" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/ev.xml;type=text/xml")" 400
check "it names the missing file" 0 "photo.jpg" -- xml message
# A refused evidence form leaves no blob that no record needs (400, 403, 409).
blobs() { find "$S/blobs/sha256" -type f | wc -l; }
head -c 20000 /dev/urandom >"$WORK/refused.jpg"
refused_sha=$(sha256sum <"$WORK/refused.jpg" | cut -d' ' -f1)
sed 's/photo.jpg/refused.jpg/; s/aaaaaaaa-bbbb/cccccccc-bbbb/; s/src-ombudsmen-2023-01-13-joint-report/src-nothing-like-this/' \
	"$WORK/ev.xml" >"$WORK/ev-400.xml"
sed 's/photo.jpg/refused.jpg/; s/aaaaaaaa-bbbb/dddddddd-bbbb/' "$WORK/ev.xml" >"$WORK/ev-403.xml"
sed 's/photo.jpg/refused.jpg/; s/The queue/Another queue/' "$WORK/ev.xml" >"$WORK/ev-409.xml"
n_blobs=$(blobs)
at=$(size)
expect "a refused evidence form (400)" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/ev-400.xml;type=text/xml" -F "refused.jpg=@$WORK/refused.jpg")" 400
expect "400: its blob is removed" "$(blobs)" "$n_blobs"
expect "a verifier's evidence form (403)" "$(submit -u "collect:$verifier" -F "xml_submission_file=@$WORK/ev-403.xml;type=text/xml" -F "refused.jpg=@$WORK/refused.jpg")" 403
expect "403: its blob is removed" "$(blobs)" "$n_blobs"
expect "an evidence form's instanceID again with another file (409)" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/ev-409.xml;type=text/xml" -F "refused.jpg=@$WORK/refused.jpg")" 409
expect "409: its blob is removed" "$(blobs)" "$n_blobs"
expect "no blob of the refused file" "$(test -e "$S/blobs/sha256/${refused_sha:0:2}/$refused_sha" && echo there || echo absent)" absent
# A refused form whose file a record already names keeps that blob.
sed 's/aaaaaaaa-bbbb/eeeeeeee-bbbb/; s/src-ombudsmen-2023-01-13-joint-report/src-nothing-like-this/' "$WORK/ev.xml" >"$WORK/ev-same.xml"
expect "a refused form with a logged record's file" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/ev-same.xml;type=text/xml" -F "photo.jpg=@$WORK/photo.jpg;type=image/jpeg")" 400
expect "the logged record's blob stays" "$(sha256sum <"$S/blobs/sha256/${sha:0:2}/$sha" | cut -d' ' -f1)" "$sha"
expect "nothing appended by the refused evidence forms" "$(size)" "$at"
# Over --max-upload: 413 while reading, nothing written.
head -c 150000 /dev/urandom >"$WORK/big.jpg"
sed 's/photo.jpg/big.jpg/; s/aaaaaaaa-bbbb/bbbbbbbb-bbbb/' "$WORK/ev.xml" >"$WORK/ev-big.xml"
at=$(size)
expect "an oversized attachment" "$(submit "${BASIC[@]}" -F "xml_submission_file=@$WORK/ev-big.xml;type=text/xml" -F "big.jpg=@$WORK/big.jpg")" 413
expect "413: nothing appended" "$(size)" "$at"
big_sha=$(sha256sum <"$WORK/big.jpg" | cut -d' ' -f1)
expect "413: no blob" "$(test -e "$S/blobs/sha256/${big_sha:0:2}/$big_sha" && echo there || echo absent)" absent
expect "no upload left spooled" "$(find "$S/uploads" -mindepth 1 | wc -l)" 0

# --- A verifier's claim ---
claim() {  # claim FILE UUID ABOUT [FIELD VALUE]
	cat >"$1" <<EOF
<?xml version="1.0"?>
<data id="lifeline-claim" version="$claim_version">
  <case>lachin-2022-23</case>
  <about>$3</about>
  <stance>disputes</stance>
  <party>a fact-checker</party>
  <text>The escort's own list names 40 people.</text>
  <field>${4:-}</field>
  <value>${5:-}</value>
  <sources>src-ombudsmen-2023-01-13-joint-report</sources>
  <meta><instanceID>uuid:$2</instanceID></meta>
</data>
EOF
}
VERIFY=(-u "collect:$verifier")
expect "HEAD /submission as a verifier" "$(code -I "${VERIFY[@]}" "$URL/submission")" 204
mv_id=mv-2023-05-26-icrc-12-returned
claim "$WORK/c1.xml" c1c1c1c1-0000-4000-8000-000000000001 "$mv_id" persons 40
at=$(size)
expect "a verifier's claim" "$(submit "${VERIFY[@]}" -F "xml_submission_file=@$WORK/c1.xml;type=text/xml")" 201
claim_id=$(xml record@id)
expect "the claim is appended" "$(size)" "$((at + 1))"
expect "its log index" "$(xml record@index)" "$at"
xml record/receipt >"$WORK/claim-receipt"
curl -s -H "Authorization: Bearer $monitor" "$URL/api/v1/records/$claim_id" |
	python3 -c 'import base64, json, sys; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)["entry"]))' >"$WORK/claim-entry"
check "the claim's receipt verifies offline" 0 "^OK .* is entry $at of example.org/openrosa" -- \
	"$LL" --store "$S" log verify-receipt "$WORK/claim-receipt" "$WORK/claim-entry"
check "a number for a numeric field is a number" 0 '"field":"persons".*"value":40[,}]' -- "$LL" --store "$S" --json show "$claim_id"
claim "$WORK/c2.xml" c1c1c1c1-0000-4000-8000-000000000002 "$mv_id" persons 40a
expect "not a number for a numeric field" "$(submit "${VERIFY[@]}" -F "xml_submission_file=@$WORK/c2.xml;type=text/xml")" 400
check "400 names value and the field" 0 'value: "40a" is not a whole number, as persons of a movement record' -- xml message
claim "$WORK/c3.xml" c1c1c1c1-0000-4000-8000-000000000003 "$mv_id" operator 40
expect "a text field's value" "$(submit "${VERIFY[@]}" -F "xml_submission_file=@$WORK/c3.xml;type=text/xml")" 201
check "stays text" 0 '"field":"operator".*"value":"40"' -- "$LL" --store "$S" --json show "$(xml record@id)"
claim "$WORK/c4.xml" c1c1c1c1-0000-4000-8000-000000000004 mv-nothing-like-this
expect "a claim about a record not in the log" "$(submit "${VERIFY[@]}" -F "xml_submission_file=@$WORK/c4.xml;type=text/xml")" 400
check "400 names about" 0 "about: " -- xml message
instance "$WORK/v1.xml" 22222222-2222-4333-8444-555555555555 closed
at=$(size)
expect "a verifier's route status" "$(submit "${VERIFY[@]}" -F "xml_submission_file=@$WORK/v1.xml;type=text/xml")" 403
expect "403 is an OpenRosa response" "$(xml message@nature)" "error"
check "403 says a verifier submits claims" 0 "submits only claim records" -- xml message
expect "nothing appended for the verifier's refusals" "$(size)" "$at"

# --- Tokens and roles ---
expect "POST without a token" "$(submit -F "xml_submission_file=@$WORK/i1.xml;type=text/xml")" 401
expect "POST with a bad path token" "$(code "$URL/key/llt_00000000_nope/submission" -F "xml_submission_file=@$WORK/i1.xml")" 401
expect "POST as a viewer" "$(submit -u "collect:$viewer" -F "xml_submission_file=@$WORK/i1.xml;type=text/xml")" 403
expect "a refusal is an OpenRosa response" "$(xml message@nature)" "error"

# The access log shows no token, whichever way it came.
stop_server
expect "no token in the access log" "$(grep -cF -e "${monitor#llt_????????_}" -e "${viewer#llt_????????_}" -e "${verifier#llt_????????_}" "$LOG")" 0
check "path tokens are redacted" 0 "POST /key/\*\*\*/submission 201" -- cat "$LOG"
finish
